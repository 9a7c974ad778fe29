-- Inquiries as the platform received them: one row per Idempotency-Key.
CREATE TABLE inquiry (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    client_ref TEXT NOT NULL UNIQUE,
    -- SHA-256 of the body's canonical JSON (sorted keys): a replay must match it.
    body_sha256 TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    note TEXT,
    received_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    id TEXT GENERATED ALWAYS AS ('INQ-' || substr(received_at, 1, 4) || '-' || printf('%06d', seq)) STORED
);

CREATE UNIQUE INDEX inquiry_id ON inquiry (id);

-- Every catalog version published, as its objects, so that a delta can be computed from
-- any earlier version.
CREATE TABLE catalog_version (
    version TEXT PRIMARY KEY,
    catalog_id TEXT NOT NULL,
    objects TEXT NOT NULL,
    published_at TEXT NOT NULL
);
