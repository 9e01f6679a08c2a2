-- 0009: a journal item's "after" may refer to the application's body
-- instead of copying it (issue #17: an import of 100,000 applications
-- wrote every body twice, once as the application and once as its
-- journal item's after, 527 MB of the 1.3 GB it wrote).
--
-- * `journal_items.after_version`: when not NULL, `after` is NULL and the
--   item's after is the body of application `app` while its version is
--   `after_version` (versions are never reused, `0004_journal.sql`).
--   Every item an entry ends on an application it wrote is stored so
--   (`journal.rs`, `after_applications`).
-- * Copy on write: before a write changes or removes an application
--   (`SqliteTx::write_one`), every item referring to the body it has now
--   gets a copy of that body in `after` and `after_version` goes back to
--   NULL (`journal::materialize`), so history and undo read exactly what
--   they read when every after was a copy. A reference is thus always to
--   the application's current body; `journal::history` refuses one that
--   is not (the store is corrupt).
-- * Items written before this migration keep their copies (a NULL
--   `after_version`), and mean what they meant.
-- * `journal_items_after_version` finds the items referring to an
--   application's body from its version (one lookup per write); it holds
--   only the references, appended in version order.

ALTER TABLE journal_items ADD COLUMN after_version INTEGER;

CREATE INDEX journal_items_after_version ON journal_items (after_version)
    WHERE after_version IS NOT NULL;
