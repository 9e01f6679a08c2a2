-- 0006: the fields people keep about a job, and archiving (exchange
-- extensions, ARCHITECTURE.md "Format additions"): the posting's address,
-- the location and salary range as posted, the day applied, where the job
-- came from, and whether the user archived it (off the board and the
-- agenda, kept and searchable).
--
-- The packed load images change format with the new fields; the old ones
-- are dropped here and rebuilt from the tables right after migrating.

ALTER TABLE applications ADD COLUMN posting_url TEXT;
ALTER TABLE applications ADD COLUMN location TEXT;
ALTER TABLE applications ADD COLUMN salary TEXT;
ALTER TABLE applications ADD COLUMN applied_on TEXT;
ALTER TABLE applications ADD COLUMN source TEXT;
ALTER TABLE applications ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;

DELETE FROM application_images;
