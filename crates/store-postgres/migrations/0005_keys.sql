-- 0005: what finds an application (`debrief_core::keys`: its interviews,
-- invites, people's addresses and domains, what its company's name
-- spells), so a calendar import reads the few applications an invite may
-- go to instead of the whole vault (`StoreReader::find_applications`).
-- Written with the body. Rows written before this migration have no keys
-- (NULL): a lookup reads them too and checks them in Debrief, and their
-- next write indexes them. The table's row-level security covers the new
-- column.

ALTER TABLE applications ADD COLUMN keys text[];
CREATE INDEX applications_keys ON applications USING gin (keys);
