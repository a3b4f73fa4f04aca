-- Version 3: a supervisor resolves queued operations (see the PostgreSQL script).
ALTER TABLE review_queue ADD COLUMN resolution TEXT;
ALTER TABLE review_queue ADD COLUMN resolved_by TEXT;
ALTER TABLE review_queue ADD COLUMN resolution_note TEXT;
CREATE INDEX review_queue_open ON review_queue (division, created_at) WHERE resolved_at IS NULL;
