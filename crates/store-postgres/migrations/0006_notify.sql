-- 0006: changes are announced (PostgreSQL NOTIFY), so a server can keep
-- what it last read of a vault's revision and of its tokens instead of
-- asking again on every request (`watch.rs`).
--
-- * `debrief_revision`, payload `VAULT REVISION`: a vault's revision moved
--   (every write transaction of the vault, sharing and revoking). Sent
--   at commit, to every listening server, whoever wrote (another server,
--   `debrief --database` on the command line).
-- * `debrief_accounts`, no payload: an account or an API token changed or
--   went away (`admin user disable`, `admin token --revoke`): a listener
--   forgets every token it keeps. (Sessions are looked up on every
--   request, with their expiry, and announce nothing.)
--
-- NOTIFY needs no privilege, and the functions run as the writer, so the
-- app role (`debrief_app`, row-level security) announces its own writes.

CREATE FUNCTION debrief_notify_revision() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('debrief_revision', NEW.id::text || ' ' || NEW.revision::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER vaults_revision_notify
    AFTER UPDATE OF revision ON vaults
    FOR EACH ROW WHEN (OLD.revision IS DISTINCT FROM NEW.revision)
    EXECUTE FUNCTION debrief_notify_revision();

CREATE FUNCTION debrief_notify_accounts() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('debrief_accounts', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER accounts_notify
    AFTER UPDATE OR DELETE ON accounts
    FOR EACH STATEMENT EXECUTE FUNCTION debrief_notify_accounts();
CREATE TRIGGER api_tokens_notify
    AFTER UPDATE OR DELETE ON api_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION debrief_notify_accounts();
