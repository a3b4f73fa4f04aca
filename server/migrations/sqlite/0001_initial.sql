-- GridDesk central schema, version 1 (embedded SQLite for a single machine).
-- Same tables and keys as the PostgreSQL schema, without partitions; times are UTC ISO text.

CREATE TABLE enrolment_codes (
    code_hash    TEXT PRIMARY KEY,
    division     TEXT NOT NULL,
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    expires_at   TEXT NOT NULL,
    used_at      TEXT,
    used_by      TEXT
);

CREATE TABLE stations (
    station_id       TEXT PRIMARY KEY,
    division         TEXT NOT NULL,
    name             TEXT NOT NULL DEFAULT '',
    token_hash       TEXT NOT NULL,
    enrolled_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    revoked_at       TEXT,
    revoked_reason   TEXT,
    last_seen_at     TEXT,
    audit_head_seq   INTEGER,
    audit_head_hash  TEXT,
    audit_head_at    TEXT
);
CREATE INDEX stations_division ON stations (division);

CREATE TABLE records (
    division     TEXT NOT NULL,
    day          TEXT NOT NULL,
    record_id    TEXT NOT NULL,
    station_id   TEXT NOT NULL,
    kind         TEXT NOT NULL,
    body_hash    TEXT NOT NULL,
    body         TEXT NOT NULL,
    received_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (division, day, record_id)
) WITHOUT ROWID;
CREATE INDEX records_station_day ON records (division, station_id, day);

CREATE TABLE case_state (
    division     TEXT NOT NULL,
    case_id      TEXT NOT NULL,
    station_id   TEXT NOT NULL,
    status       TEXT NOT NULL,
    last_event   TEXT NOT NULL,
    updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (division, case_id)
);
CREATE TABLE aid_state (
    division     TEXT NOT NULL,
    request_id   TEXT NOT NULL,
    station_id   TEXT NOT NULL,
    status       TEXT NOT NULL,
    last_event   TEXT NOT NULL,
    updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (division, request_id)
);
CREATE TABLE review_queue (
    division       TEXT NOT NULL,
    record_id      TEXT NOT NULL,
    station_id     TEXT NOT NULL,
    kind           TEXT NOT NULL,
    subject_id     TEXT NOT NULL,
    server_status  TEXT,
    from_status    TEXT,
    to_status      TEXT NOT NULL,
    reason         TEXT NOT NULL,
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    resolved_at    TEXT,
    PRIMARY KEY (division, record_id)
);

CREATE TABLE changes (
    seq           INTEGER PRIMARY KEY,
    division      TEXT,
    kind          TEXT NOT NULL,
    version       TEXT NOT NULL,
    body          TEXT NOT NULL,
    published_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX changes_division ON changes (division, seq);

CREATE TABLE reconciliations (
    division      TEXT NOT NULL,
    station_id    TEXT NOT NULL,
    day           TEXT NOT NULL,
    station_count INTEGER NOT NULL,
    server_count  INTEGER NOT NULL,
    matched       INTEGER NOT NULL,
    checked_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (division, station_id, day)
);
