-- GridDesk station schema, version 1.
-- Times are UTC ISO-8601 strings ("2026-12-04T08:15:02.123Z") unless the column says _ts
-- (epoch seconds, REAL). Worker-created records are append-only: corrections void.

CREATE TABLE station (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    station_id   TEXT NOT NULL,          -- uuid, stable for the life of the station
    name         TEXT NOT NULL,
    division     TEXT NOT NULL,          -- GB/T 2260 code, six digits
    created_at   TEXT NOT NULL
);

CREATE TABLE users (
    username     TEXT PRIMARY KEY,
    role         TEXT NOT NULL CHECK (role IN ('worker', 'clinic', 'supervisor', 'admin')),
    display_name TEXT NOT NULL DEFAULT '',
    active       INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    created_by   TEXT
);

-- Station settings (typed values as JSON); preferences and secrets live elsewhere.
CREATE TABLE settings (
    key          TEXT PRIMARY KEY,
    value        TEXT NOT NULL
);

-- Trusted-time floor: the latest time this station has reason to believe has passed.
CREATE TABLE clock_floor (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    floor_ts     REAL NOT NULL,
    source       TEXT NOT NULL           -- 'record' | 'server' | 'install'
);

CREATE TABLE screenings (
    id              TEXT PRIMARY KEY,    -- uuid from the station
    created_at      TEXT NOT NULL,       -- the station clock when saved
    clock_ts        REAL NOT NULL,
    floor_ts        REAL NOT NULL,       -- trusted floor at save time
    below_floor     INTEGER NOT NULL DEFAULT 0,
    worker          TEXT NOT NULL,
    grid            TEXT NOT NULL DEFAULT '',
    source          TEXT NOT NULL,       -- 'camera' | 'wedge' | 'manual_id' | 'typed'
    format          TEXT NOT NULL,       -- 'GX1' | 'HC1' | 'ONLINE' | 'ID' | 'NONE' | ...
    result          TEXT NOT NULL,       -- spec section 7, or 'MANUAL' for manual checks
    colour          TEXT,
    issuer          TEXT,
    code_id         TEXT,                -- issuer-scoped code id (iss/id)
    person_ref      TEXT,                -- pseudonymous person id (iss/p) or ID-number hash
    holder_name     TEXT,                -- full; masked on display
    holder_doc      TEXT,                -- as carried by the code (already masked) or typed ID
    temperature     REAL,
    fever           INTEGER NOT NULL DEFAULT 0,
    symptoms        INTEGER NOT NULL DEFAULT 0,
    risk_travel     INTEGER NOT NULL DEFAULT 0,
    proposal        TEXT NOT NULL,       -- 'pass' | 'refuse' | 'refer' | 'notify' | 'manual'
    decision        TEXT NOT NULL,
    override_reason TEXT,
    rules_version   TEXT NOT NULL,
    duplicate_of    TEXT,                -- id of the earlier screening of the same code/person
    raw_text        TEXT,                -- kept for DEFERRED codes
    evidence        TEXT NOT NULL DEFAULT '{}',  -- JSON: kid, alg, iat, exp, warnings, ...
    voids           TEXT REFERENCES screenings(id),
    void_reason     TEXT,
    CHECK ((voids IS NULL) = (void_reason IS NULL))
);
CREATE INDEX screenings_created ON screenings(created_at);
CREATE INDEX screenings_code ON screenings(code_id, clock_ts);
CREATE INDEX screenings_person ON screenings(person_ref, clock_ts);
CREATE UNIQUE INDEX screenings_voids ON screenings(voids) WHERE voids IS NOT NULL;

CREATE TABLE isolation_cases (
    id              TEXT PRIMARY KEY,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    person_name     TEXT NOT NULL,
    id_number       TEXT,
    phone           TEXT,
    address         TEXT NOT NULL,
    grid            TEXT NOT NULL DEFAULT '',
    kind            TEXT NOT NULL CHECK (kind IN ('home', 'facility')),
    facility        TEXT,
    reason          TEXT NOT NULL,       -- 'close_contact' | 'risk_area_arrival' | 'positive' | 'other'
    start_date      TEXT NOT NULL,       -- YYYY-MM-DD
    planned_end     TEXT NOT NULL,
    responsible     TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'active'
                    CHECK (status IN ('active', 'released', 'transferred')),
    ended_at        TEXT,
    ended_by        TEXT,
    end_note        TEXT
);
CREATE INDEX isolation_cases_status ON isolation_cases(status, grid);

-- Every change to a case, append-only; the case row is the fold of these.
CREATE TABLE case_events (
    id              TEXT PRIMARY KEY,
    case_id         TEXT NOT NULL REFERENCES isolation_cases(id),
    at              TEXT NOT NULL,
    actor           TEXT NOT NULL,
    op              TEXT NOT NULL,       -- 'register' | 'release' | 'transfer' | 'correct'
    from_status     TEXT,
    to_status       TEXT NOT NULL,
    detail          TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_case ON case_events(case_id, at);

CREATE TABLE health_checks (
    id              TEXT PRIMARY KEY,
    case_id         TEXT NOT NULL REFERENCES isolation_cases(id),
    at              TEXT NOT NULL,
    slot            TEXT NOT NULL CHECK (slot IN ('am', 'pm')),
    check_date      TEXT NOT NULL,       -- YYYY-MM-DD local date
    checked_by      TEXT NOT NULL,
    temperature     REAL,
    symptoms        TEXT NOT NULL DEFAULT '[]',  -- JSON list
    mood            TEXT NOT NULL DEFAULT 'ok',   -- 'good' | 'ok' | 'low' | 'distressed'
    note            TEXT NOT NULL DEFAULT '',
    voids           TEXT REFERENCES health_checks(id),
    void_reason     TEXT,
    CHECK ((voids IS NULL) = (void_reason IS NULL))
);
CREATE INDEX health_checks_case ON health_checks(case_id, check_date, slot);

CREATE TABLE aid_requests (
    id              TEXT PRIMARY KEY,
    case_id         TEXT REFERENCES isolation_cases(id),
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    category        TEXT NOT NULL CHECK (category IN
                    ('food', 'medicine', 'medical_care', 'counselling', 'policy', 'other')),
    urgency         TEXT NOT NULL CHECK (urgency IN ('normal', 'urgent', 'critical')),
    description     TEXT NOT NULL DEFAULT '',
    due_at          TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'assigned', 'delivered', 'closed', 'cancelled')),
    assignee        TEXT,
    updated_at      TEXT NOT NULL
);
CREATE INDEX aid_requests_status ON aid_requests(status, due_at);

CREATE TABLE aid_events (
    id              TEXT PRIMARY KEY,
    request_id      TEXT NOT NULL REFERENCES aid_requests(id),
    at              TEXT NOT NULL,
    actor           TEXT NOT NULL,
    from_status     TEXT,
    to_status       TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX aid_events_request ON aid_events(request_id, at);

-- Trust material (spec sections 4-6) and other reference data from the centre.
CREATE TABLE trust_anchors (
    kid             TEXT PRIMARY KEY,    -- base64url as in the JWS header
    alg             TEXT NOT NULL,
    spki            TEXT NOT NULL,       -- base64 DER
    label           TEXT NOT NULL DEFAULT '',
    installed_at    TEXT NOT NULL
);
CREATE TABLE trust_material (
    kind            TEXT PRIMARY KEY,    -- 'gx-trust-list' | 'gx-revocations' | 'gx-status-list' | 'hc1-trust-list'
    version         INTEGER NOT NULL,
    issued_at       TEXT NOT NULL,
    next_update     TEXT NOT NULL,
    raw             TEXT NOT NULL,       -- the signed envelope as received
    installed_at    TEXT NOT NULL
);
CREATE TABLE reference_data (
    kind            TEXT PRIMARY KEY,    -- 'decision-rules' | 'risk-areas' | 'online-issuers' | ...
    version         TEXT NOT NULL,
    body            TEXT NOT NULL,       -- JSON
    received_at     TEXT NOT NULL
);

-- Hash-chained audit log. hash = SHA-256 over the canonical entry including prev_hash.
CREATE TABLE audit_log (
    seq             INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    at              TEXT NOT NULL,
    actor           TEXT NOT NULL,
    action          TEXT NOT NULL,
    target          TEXT NOT NULL DEFAULT '',
    detail          TEXT NOT NULL DEFAULT '{}',
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL
);

-- Sync outbox: one row per record or operation, written in the record's transaction.
CREATE TABLE outbox (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id       TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,       -- 'screening' | 'case_event' | 'health_check' | 'aid_event' | 'audit'
    body            TEXT NOT NULL,       -- canonical JSON
    body_hash       TEXT NOT NULL,       -- hex SHA-256 of body
    created_at      TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sent', 'quarantined')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    sent_at         TEXT
);
CREATE INDEX outbox_pending ON outbox(state, seq);

-- Key-value state owned by the sync engine (cursor, credential, last run).
CREATE TABLE sync_state (
    key             TEXT PRIMARY KEY,
    value           TEXT NOT NULL
);

-- Deleting an append-only record is allowed only inside a purge that put a row here.
CREATE TABLE purge_guard (
    id              INTEGER PRIMARY KEY CHECK (id = 1)
);

CREATE TRIGGER screenings_no_update BEFORE UPDATE ON screenings
BEGIN SELECT RAISE(ABORT, 'screenings are append-only; void with a correction'); END;
CREATE TRIGGER screenings_no_delete BEFORE DELETE ON screenings
WHEN NOT EXISTS (SELECT 1 FROM purge_guard)
BEGIN SELECT RAISE(ABORT, 'screenings are append-only'); END;
CREATE TRIGGER health_checks_no_update BEFORE UPDATE ON health_checks
BEGIN SELECT RAISE(ABORT, 'health checks are append-only; void with a correction'); END;
CREATE TRIGGER health_checks_no_delete BEFORE DELETE ON health_checks
WHEN NOT EXISTS (SELECT 1 FROM purge_guard)
BEGIN SELECT RAISE(ABORT, 'health checks are append-only'); END;
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
BEGIN SELECT RAISE(ABORT, 'case events are append-only'); END;
CREATE TRIGGER aid_events_no_update BEFORE UPDATE ON aid_events
BEGIN SELECT RAISE(ABORT, 'aid events are append-only'); END;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
