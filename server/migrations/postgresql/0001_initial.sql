-- GridDesk central schema, version 1 (PostgreSQL).
-- Every large table carries `division` (GB/T 2260 code) as the first column of its key: it is
-- the distribution key for a sharded (Citus) deployment, see docs/scale.md. Records are also
-- range-partitioned by `day` (the station-side creation date, fixed when the outbox entry is
-- written, so a retried record always lands in the same partition).

CREATE TABLE enrolment_codes (
    code_hash    text PRIMARY KEY,           -- SHA-256 of the normalised code
    division     text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz,
    used_by      text
);

CREATE TABLE stations (
    station_id       text PRIMARY KEY,
    division         text NOT NULL,
    name             text NOT NULL DEFAULT '',
    token_hash       text NOT NULL,          -- SHA-256 of the bearer secret
    enrolled_at      timestamptz NOT NULL DEFAULT now(),
    revoked_at       timestamptz,
    revoked_reason   text,
    last_seen_at     timestamptz,
    audit_head_seq   bigint,
    audit_head_hash  text,
    audit_head_at    timestamptz
);
CREATE INDEX stations_division ON stations (division);

CREATE TABLE records (
    division     text NOT NULL,
    day          date NOT NULL,
    record_id    text NOT NULL,
    station_id   text NOT NULL,
    kind         text NOT NULL,
    body_hash    text NOT NULL,
    body         jsonb NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (division, day, record_id)
) PARTITION BY RANGE (day);
CREATE TABLE records_default PARTITION OF records DEFAULT;
CREATE INDEX records_station_day ON records (division, station_id, day);

-- Folded state of the mutable records, for checking operations (status transitions).
CREATE TABLE case_state (
    division     text NOT NULL,
    case_id      text NOT NULL,
    station_id   text NOT NULL,
    status       text NOT NULL,
    last_event   text NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (division, case_id)
);
CREATE TABLE aid_state (
    division     text NOT NULL,
    request_id   text NOT NULL,
    station_id   text NOT NULL,
    status       text NOT NULL,
    last_event   text NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (division, request_id)
);
-- Operations that did not fit the server's state: a supervisor decides, not the last writer.
CREATE TABLE review_queue (
    division       text NOT NULL,
    record_id      text NOT NULL,
    station_id     text NOT NULL,
    kind           text NOT NULL,
    subject_id     text NOT NULL,
    server_status  text,
    from_status    text,
    to_status      text NOT NULL,
    reason         text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    resolved_at    timestamptz,
    PRIMARY KEY (division, record_id)
);

-- Reference data published to stations; `division` NULL means the whole province.
-- `seq` is taken under an advisory lock held until commit, so seq order is commit order
-- and a cursor never skips a change that committed late.
CREATE SEQUENCE changes_seq;
CREATE TABLE changes (
    seq           bigint PRIMARY KEY,
    division      text,
    kind          text NOT NULL,
    version       text NOT NULL,
    body          text NOT NULL,
    published_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX changes_division ON changes (division, seq);

CREATE TABLE reconciliations (
    division      text NOT NULL,
    station_id    text NOT NULL,
    day           date NOT NULL,
    station_count bigint NOT NULL,
    server_count  bigint NOT NULL,
    matched       boolean NOT NULL,
    checked_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (division, station_id, day)
);
