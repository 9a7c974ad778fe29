-- Demand insights: what visitors looked for, counted by the hour, never who they were.
-- No name, contact, free text or network address is ever stored in these tables.

-- The hourly counts. `hour` is the Unix second the UTC hour starts at; `front` is kiosk,
-- desktop or browser; `metric` is one of
--   session    sessions (key '')               search     searches of a normalised query
--   view       product page views              exhibitor  exhibitor page views
--   shortlist  shortlist adds                  started    inquiry forms opened
--   sent       inquiries sent (per product, buyer country)
--   reached    sessions that reached a stage of the funnel (key: the stage)
-- `key` is the query (folded, at most 100 characters; '' for one that looked like contact
-- data), the product or the exhibitor id.
CREATE TABLE insight_counts (
    hour INTEGER NOT NULL,
    front TEXT NOT NULL,
    metric TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT '',
    key TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    count INTEGER NOT NULL DEFAULT 0,
    -- Distinct sessions behind the count (searches and sessions).
    sessions INTEGER NOT NULL DEFAULT 0,
    -- Of `count`, the searches that found nothing.
    zero INTEGER NOT NULL DEFAULT 0,
    -- The most goods the query found in the hour.
    results INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (hour, front, metric, lang, key, country)
) WITHOUT ROWID;

-- Which sessions were already counted for what in the current hour: random ids made by
-- the UI, deleted once their hour is over.
CREATE TABLE insight_seen (
    hour INTEGER NOT NULL,
    session TEXT NOT NULL,
    metric TEXT NOT NULL,
    lang TEXT NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (hour, session, metric, lang, key)
) WITHOUT ROWID;

-- Hourly batches for the trade platform (POST /v1/insights), stored before the first
-- try: `batch_id` is the Idempotency-Key of every try and `body` the exact bytes sent.
CREATE TABLE insight_batches (
    batch_id TEXT PRIMARY KEY,
    first_hour INTEGER NOT NULL,
    last_hour INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    body TEXT NOT NULL,
    -- queued | sending | sent | failed
    state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    -- Unix milliseconds; for `sending`, the end of the sender's lease.
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    sent_at INTEGER
);

CREATE INDEX insight_batches_due ON insight_batches (state, next_attempt_at);

-- The hours already put in a batch (each is sent once).
CREATE TABLE insight_batched (
    hour INTEGER PRIMARY KEY
);
