-- 0003: application bodies as `json` (the text serde wrote, kept as is)
-- instead of `jsonb`, compressed with lz4 where the server has it. No
-- query looks inside a body; every read sends it whole to Debrief, and
-- turning `jsonb` back into text on each read was most of the server's
-- time in an agenda (3,600 bodies, 20 MB: about 330 ms for `jsonb`
-- against 120 ms for lz4-compressed `json` on the benchmark machine,
-- docs/BENCHMARKS.md). Writing `json` also skips building `jsonb`.

-- The type first: changing it resets the column's compression.
ALTER TABLE applications ALTER COLUMN body TYPE json USING body::text::json;

DO $$
BEGIN
    ALTER TABLE applications ALTER COLUMN body SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
    -- A server built without lz4 keeps its default compression.
    NULL;
END
$$;
