-- 0007: whether an application is archived, as a column of its own and
-- written with the body. The board's summaries (`StoreReader::summaries`,
-- read on every agenda rebuild) used to take it from the body with
-- `body->>'archived'`, which decompresses and parses every body of the
-- vault: about 1.2 ms of the server's time for 30 applications, the most
-- expensive statement of the hosted benchmark (docs/BENCHMARKS.md). The
-- table's row-level security covers the new column.

ALTER TABLE applications ADD COLUMN archived boolean NOT NULL DEFAULT false;

-- Row-level security binds the owner too (0004), and a migration names no
-- vault: the rows written before are filled with it lifted, inside this
-- migration's transaction, and it binds again before anyone else sees the
-- table.
ALTER TABLE applications NO FORCE ROW LEVEL SECURITY;
ALTER TABLE applications DISABLE ROW LEVEL SECURITY;
UPDATE applications SET archived = true
WHERE COALESCE((body->>'archived')::boolean, false);
ALTER TABLE applications ENABLE ROW LEVEL SECURITY;
ALTER TABLE applications FORCE ROW LEVEL SECURITY;
