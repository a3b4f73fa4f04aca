-- Version 4: each station's daily report, for the division aggregate (see the PostgreSQL
-- script). `generated_at` is ISO text in UTC with a `Z` (compares as text).
CREATE TABLE daily_reports (
    division      TEXT NOT NULL,
    day           TEXT NOT NULL,
    station_id    TEXT NOT NULL,
    generated_at  TEXT NOT NULL,
    body          TEXT NOT NULL,
    received_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (division, day, station_id)
);
