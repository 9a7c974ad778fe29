-- Batches of demand insights, each stored once per Idempotency-Key (the batch id).
CREATE TABLE insight_batch (
    batch_id TEXT PRIMARY KEY,
    body_sha256 TEXT NOT NULL,
    device_id TEXT NOT NULL,
    received_at TEXT NOT NULL,
    body TEXT NOT NULL
);
