-- When each application stops yielding actions, so an agenda can skip the
-- settled ones without reading them (`StoreReader::load_active`).
--
-- * `quiet_from`: Unix seconds (rounded up) from which the application
--   yields no action until it is written again (`Engine::quiet_from`);
--   NULL while it may still yield one.
-- * `quiet_zone`: the profile time zone `quiet_from` was computed in (local
--   dates decide a few rules). A row whose zone is not the profile's is
--   always loaded; changing the profile's zone recomputes every row.
--
-- Both are derived, like `application_images`: the other tables stay the
-- truth, and a NULL only costs speed, never an action.

ALTER TABLE applications ADD COLUMN quiet_from INTEGER;
ALTER TABLE applications ADD COLUMN quiet_zone TEXT;
