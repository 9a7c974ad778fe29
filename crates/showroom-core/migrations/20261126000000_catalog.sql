-- The current catalog. Objects are kept as their bundle JSON; the columns beside them
-- are what queries filter or join on.
CREATE TABLE catalog (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    id TEXT NOT NULL,
    version TEXT NOT NULL,
    manifest TEXT NOT NULL,
    -- The search index folder built for this catalog; switching catalogs and switching
    -- indexes is one transaction.
    index_dir TEXT NOT NULL,
    imported_at TEXT NOT NULL
);

CREATE TABLE category (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    data TEXT NOT NULL
);

CREATE TABLE exhibitor (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    data TEXT NOT NULL
);

CREATE TABLE product (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    exhibitor TEXT NOT NULL,
    category TEXT NOT NULL,
    country TEXT NOT NULL,
    data TEXT NOT NULL
);

CREATE INDEX product_exhibitor ON product (exhibitor);

CREATE TABLE hall (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    data TEXT NOT NULL
);

CREATE TABLE booth (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    data TEXT NOT NULL
);

-- Images by product and position; `digest` is the SHA-256 of the source bytes and names
-- the thumbnail files.
CREATE TABLE product_image (
    product TEXT NOT NULL,
    position INTEGER NOT NULL,
    digest TEXT NOT NULL,
    PRIMARY KEY (product, position)
);
