-- 0004: versions for optimistic writes, and the journal behind undo.
--
-- * `applications.version`: the store-wide write sequence number at the
--   application's last write (`settings.version_seq` holds the last one
--   handed out), so a version is never reused, even after a delete. The
--   web API's `ETag`.
-- * `journal`, `journal_items`: every change made through a front end,
--   with the exchange JSON of what it replaced and what it wrote, so it
--   can be listed (`debrief history`) and reverted (`debrief undo`).
--   Not part of the exchange format; trimmed to `settings.journal_days`
--   (default 90) on every write.

ALTER TABLE applications ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

CREATE TABLE journal (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    at_s      INTEGER NOT NULL,
    source    TEXT NOT NULL,
    what      TEXT NOT NULL,
    undoes    TEXT,
    undone_by INTEGER
) STRICT;

CREATE INDEX journal_at ON journal (at_s);

CREATE TABLE journal_items (
    entry    INTEGER NOT NULL REFERENCES journal (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    app      TEXT,
    before   TEXT,
    after    TEXT,
    PRIMARY KEY (entry, position)
) STRICT;
