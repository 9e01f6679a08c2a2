-- 0003: calendar invites and the subscribable calendar feed.
--
-- (0002 is reserved for another change made on the main line; this file
-- only adds, so the two apply in either order of development.)
--
-- * `interviews.location`, `.link`: where an interview happens and its
--   video meeting address (exchange extensions `location`, `link`).
-- * `interviews.invite_uid`, `.invite_sequence`: the iCalendar UID and
--   SEQUENCE it was imported from (exchange extension `invite`); both NULL
--   or both set.
-- * `profile.emails`: the candidate's own addresses, JSON text, NULL when
--   none (exchange extension `profile.emails`).
-- * `settings`: values that belong to this store file and are never
--   exported, such as the secret of the calendar feed URL.
-- * The packed load images change format with the new fields; the old ones
--   are dropped here and rebuilt from the tables right after migrating.

ALTER TABLE interviews ADD COLUMN location TEXT;
ALTER TABLE interviews ADD COLUMN link TEXT;
ALTER TABLE interviews ADD COLUMN invite_uid TEXT;
ALTER TABLE interviews ADD COLUMN invite_sequence INTEGER;

ALTER TABLE profile ADD COLUMN emails TEXT;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

DELETE FROM application_images;
