-- Version 3: a supervisor resolves queued operations. `resolution` is `applied` (the held
-- transition is forced onto the server's state) or `dismissed` (the server's state stands).
ALTER TABLE review_queue ADD COLUMN resolution text;
ALTER TABLE review_queue ADD COLUMN resolved_by text;
ALTER TABLE review_queue ADD COLUMN resolution_note text;
CREATE INDEX review_queue_open ON review_queue (division, created_at) WHERE resolved_at IS NULL;
