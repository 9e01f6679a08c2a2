-- 0004: hosted mode (FORMAT.md §3): accounts, API tokens, sign-in
-- sessions, sharing, and row-level security on every vault table.
--
-- * `accounts`: one person who signs in. `role` is candidate, coach or
--   admin; only a candidate owns a vault (`vaults.owner`). `password` is
--   a PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`), so the
--   parameters it was made with are kept beside it. `disabled` ends every
--   way in (password, tokens, sessions) at once.
-- * `api_tokens`: the SHA-256 of a long random secret (the secret itself
--   is shown once and never stored), with the label it is revoked by.
-- * `sessions`: browser sign-ins, by the SHA-256 of the cookie's value,
--   with their expiry.
-- * `shares`: a candidate's vault readable by a coach. RLS lets the
--   vault's own transactions see its rows, and a coach's lookups see the
--   rows naming that coach (`debrief.account`).
--
-- Row-level security: every table with a `vault_id` column is ENABLED and
-- FORCED (binding the owner too), with one policy: the row's vault is the
-- one the transaction named with `set_config('debrief.vault', id, true)`.
-- Without that setting a statement sees no row and may write none.

ALTER TABLE vaults ADD COLUMN owner BIGINT;

CREATE TABLE accounts (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email      TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('candidate', 'coach', 'admin')),
    password   TEXT NOT NULL,
    disabled   BOOLEAN NOT NULL DEFAULT false,
    created_at BIGINT NOT NULL
);

ALTER TABLE vaults ADD CONSTRAINT vaults_owner
    FOREIGN KEY (owner) REFERENCES accounts (id) ON DELETE SET NULL;
CREATE UNIQUE INDEX vaults_one_per_owner ON vaults (owner) WHERE owner IS NOT NULL;

CREATE TABLE api_tokens (
    hash       BYTEA PRIMARY KEY,
    account    BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    label      TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (account, label)
);

CREATE TABLE sessions (
    hash       BYTEA PRIMARY KEY,
    account    BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL
);

CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE shares (
    vault_id   BIGINT NOT NULL REFERENCES vaults (id) ON DELETE CASCADE,
    coach      BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (vault_id, coach)
);

CREATE INDEX shares_by_coach ON shares (coach);

-- The vault a transaction works on: NULL (no row) when none was named.
CREATE FUNCTION debrief_vault() RETURNS BIGINT
    LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('debrief.vault', true), '')::bigint $$;

CREATE FUNCTION debrief_account() RETURNS BIGINT
    LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('debrief.account', true), '')::bigint $$;

ALTER TABLE profiles ENABLE ROW LEVEL SECURITY;
ALTER TABLE profiles FORCE ROW LEVEL SECURITY;
CREATE POLICY vault_only ON profiles
    USING (vault_id = debrief_vault()) WITH CHECK (vault_id = debrief_vault());

ALTER TABLE applications ENABLE ROW LEVEL SECURITY;
ALTER TABLE applications FORCE ROW LEVEL SECURITY;
CREATE POLICY vault_only ON applications
    USING (vault_id = debrief_vault()) WITH CHECK (vault_id = debrief_vault());

ALTER TABLE settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE settings FORCE ROW LEVEL SECURITY;
CREATE POLICY vault_only ON settings
    USING (vault_id = debrief_vault()) WITH CHECK (vault_id = debrief_vault());

ALTER TABLE journal ENABLE ROW LEVEL SECURITY;
ALTER TABLE journal FORCE ROW LEVEL SECURITY;
CREATE POLICY vault_only ON journal
    USING (vault_id = debrief_vault()) WITH CHECK (vault_id = debrief_vault());

ALTER TABLE journal_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE journal_items FORCE ROW LEVEL SECURITY;
CREATE POLICY vault_only ON journal_items
    USING (vault_id = debrief_vault()) WITH CHECK (vault_id = debrief_vault());

ALTER TABLE shares ENABLE ROW LEVEL SECURITY;
ALTER TABLE shares FORCE ROW LEVEL SECURITY;
CREATE POLICY vault_only ON shares
    USING (vault_id = debrief_vault() OR coach = debrief_account())
    WITH CHECK (vault_id = debrief_vault());
