-- Version 4: each station's daily report (scope `station`), for the division aggregate.
-- One row per (division, day, station): a newer report of the same day replaces the row
-- (newest `generated_at` wins). `division` leads the key like every other large table, so
-- a station's upload and a division's sum stay on one shard (docs/scale.md). ~50,000 rows
-- a day province-wide; not partitioned.
CREATE TABLE daily_reports (
    division      text NOT NULL,
    day           date NOT NULL,
    station_id    text NOT NULL,
    generated_at  timestamptz NOT NULL,
    body          jsonb NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (division, day, station_id)
);
