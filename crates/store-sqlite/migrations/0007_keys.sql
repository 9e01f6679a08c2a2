-- 0007: what finds an application (`debrief_core::keys`: its interviews,
-- invites, people's addresses and domains, what its company's name
-- spells), so a calendar import reads the few applications an invite may
-- go to instead of the whole store (`StoreReader::find_applications`).
-- Written with the application, in the same transaction; the keys of the
-- applications already stored are computed right after migrating.

CREATE TABLE application_keys (
    key TEXT NOT NULL,
    app INTEGER NOT NULL REFERENCES applications (pk) ON DELETE CASCADE,
    PRIMARY KEY (key, app)
) STRICT, WITHOUT ROWID;

CREATE INDEX application_keys_by_app ON application_keys (app);
