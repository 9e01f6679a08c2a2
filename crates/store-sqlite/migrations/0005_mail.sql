-- 0005: mail read by `debrief mail scan`.
--
-- * `touches.message_id`, `outcomes.message_id`: the `Message-ID` of the
--   mail a touch or an outcome was recorded from (exchange field
--   `message_id`), so scanning the same mailbox again proposes nothing new.
-- * The scan marks and ignored proposals live in `settings` (0003).
-- * The packed load images change format with the new fields; the old ones
--   are dropped here and rebuilt from the tables right after migrating.

ALTER TABLE touches ADD COLUMN message_id TEXT;
ALTER TABLE outcomes ADD COLUMN message_id TEXT;

DELETE FROM application_images;
