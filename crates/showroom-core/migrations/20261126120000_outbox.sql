-- The inquiry outbox: every inquiry the visitor sent, committed before they are told
-- "queued" and kept until the platform has acknowledged it.
CREATE TABLE outbox (
    -- The Idempotency-Key of every try (uuid v4).
    client_ref TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    -- The exact JSON body sent on every try; holds all personal data. NULL once that
    -- data has been deleted (retention).
    body TEXT,
    -- Product, quantity and unit of each item: what the history keeps without a person.
    items TEXT NOT NULL,
    -- queued | sending | received | failed
    state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'received', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    -- Unix milliseconds. For `sending` rows this is the end of the sender's lease: a
    -- sender that died mid-try leaves a row that becomes due again then.
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    -- Why the platform refused it for good (invalid, unauthorized, conflict, ...).
    failure TEXT,
    platform_id TEXT,
    platform_status TEXT,
    status_note TEXT,
    received_at TEXT,
    status_checked_at INTEGER,
    -- Unix milliseconds after which the body is deleted; NULL keeps it.
    purge_at INTEGER,
    personal_data_deleted INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

-- What the last catalog sync from the platform brought: the version it left current
-- and the ETag to send as If-None-Match.
CREATE TABLE sync_state (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    etag TEXT,
    version TEXT,
    synced_at TEXT
);
