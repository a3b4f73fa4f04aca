-- Version 2: a user-visible activity log kept apart from debug logs (scheduled exports,
-- sync runs, trust updates, with their outcome), and the last sign-in per user.

CREATE TABLE activity_log (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    at              TEXT NOT NULL,
    actor           TEXT NOT NULL DEFAULT '',
    kind            TEXT NOT NULL,       -- 'sync' | 'export' | 'trust' | 'scanner' | 'station'
    outcome         TEXT NOT NULL CHECK (outcome IN ('ok', 'warning', 'error')),
    message         TEXT NOT NULL
);
CREATE INDEX activity_log_kind ON activity_log(kind, seq);

ALTER TABLE users ADD COLUMN last_login_at TEXT;
