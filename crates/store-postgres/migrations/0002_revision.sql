-- 0002: `vaults.revision`, bumped by every write transaction of the vault
-- (in the same statement that saves `last_version`), so a long-running
-- reader such as `debrief serve --database` can tell with one small query
-- that another process wrote (`StoreReader::revision`).

ALTER TABLE vaults ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
