-- 0007: what finds an application (`debrief_core::keys`: its interviews,
-- invites, people's addresses and domains, what its company's name
-- spells), so a calendar import reads the few applications an invite may
-- go to instead of the whole store (`StoreReader::find_applications`).
-- Written with the application, in the same transaction; the keys of the
-- applications already stored are computed right after migrating.

-- A key is kept as a 64-bit FNV-1a hash of its text (`codec::key_hash`):
-- a small integer index; a lookup reads the applications whose hashes
-- match and keeps those that hold the key itself.

CREATE TABLE application_keys (
    key INTEGER NOT NULL,
    app INTEGER NOT NULL REFERENCES applications (pk) ON DELETE CASCADE,
    PRIMARY KEY (key, app)
) STRICT, WITHOUT ROWID;

CREATE INDEX application_keys_by_app ON application_keys (app);
