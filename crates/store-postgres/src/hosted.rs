//! Hosted mode (FORMAT.md §3): accounts, API tokens, sign-in sessions and
//! sharing, kept beside the vaults in the same database
//! (`migrations/0004_accounts.sql`).
//!
//! [`Directory`] is a connection bound to no vault: it sees the accounts
//! and token tables, and a vault's rows only inside a transaction that
//! names the vault (`set_config('debrief.vault', …, true)`) — the share
//! and its line in the candidate's history are written that way.
//! Passwords are argon2id PHC strings (the parameters travel with the
//! hash); tokens and session cookies are 32 random bytes from the
//! operating system, stored only as their SHA-256.

use std::fmt;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use debrief_store::StoreError;
use jiff::Timestamp;
use sha2::{Digest, Sha256};

use crate::conn::{Conn, Tx};
use crate::migrations;

/// What an account may do (FORMAT.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Owns one vault, reads and writes it, shares it.
    Candidate,
    /// Reads the vaults shared with them; never writes.
    Coach,
    /// Manages accounts; reads no vault not shared with them.
    Admin,
}

impl Role {
    /// The role's name in commands, JSON and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Candidate => "candidate",
            Role::Coach => "coach",
            Role::Admin => "admin",
        }
    }

    /// Reads a role's name; `None` for anything else.
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "candidate" => Some(Role::Candidate),
            "coach" => Some(Role::Coach),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One account, without its password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub disabled: bool,
}

impl Account {
    /// The vault a candidate owns (its name in `vaults`).
    pub fn vault_name(&self) -> String {
        vault_name(self.id)
    }
}

/// The name of the vault account `id` owns.
pub fn vault_name(id: i64) -> String {
    format!("account-{id}")
}

/// The argon2id parameters new passwords are hashed with (OWASP's
/// 19 MiB, two passes, one lane); each hash records its own.
fn hasher() -> Result<Argon2<'static>, StoreError> {
    let params = Params::new(19 * 1024, 2, 1, None)
        .map_err(|e| StoreError::Backend(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// 32 bytes from the operating system's generator.
fn random_bytes() -> Result<[u8; 32], StoreError> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| StoreError::Backend(format!("no random numbers from the system: {e}")))?;
    Ok(bytes)
}

/// A new secret (token or session): `dbt_` and 64 hex digits.
fn new_secret() -> Result<String, StoreError> {
    let bytes = random_bytes()?;
    let mut text = String::with_capacity(68);
    text.push_str("dbt_");
    for b in bytes {
        text.push_str(&format!("{b:02x}"));
    }
    Ok(text)
}

/// The SHA-256 of a secret, as stored.
pub fn secret_hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// The password column of an account made by signing in through an
/// identity provider: not a PHC string, so [`verify_password`] refuses
/// every password for it (as `!` locks an account in `/etc/shadow`).
pub const NO_PASSWORD: &str = "!";

/// Hashes a password with argon2id and a fresh salt (a PHC string).
pub fn hash_password(password: &str) -> Result<String, StoreError> {
    let salt = SaltString::encode_b64(&random_bytes()?[..16])
        .map_err(|e| StoreError::Backend(format!("salt: {e}")))?;
    Ok(hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| StoreError::Backend(format!("hashing the password: {e}")))?
        .to_string())
}

/// Whether `password` matches the PHC string `hash` (with the parameters
/// the hash names). Slow on purpose: call it outside any lock.
pub fn verify_password(hash: &str, password: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A checked email address: trimmed, lowercase, one `@` with text on both
/// sides, no space, at most 200 characters. The error names the problem.
pub fn normalize_email(email: &str) -> Result<String, String> {
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        return Err("the email is empty".into());
    }
    if email.chars().count() > 200 {
        return Err("the email is longer than 200 characters".into());
    }
    if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "'{email}' is not an email address (it has a space)"
        ));
    }
    match email.split_once('@') {
        Some((local, domain))
            if !local.is_empty() && !domain.is_empty() && !domain.contains('@') =>
        {
            Ok(email)
        }
        _ => Err(format!(
            "'{email}' is not an email address (like name@example.org)"
        )),
    }
}

fn account_of(row: &tokio_postgres::Row) -> Result<Account, StoreError> {
    let role: String = row.get(3);
    Ok(Account {
        id: row.get(0),
        email: row.get(1),
        name: row.get(2),
        role: Role::parse(&role)
            .ok_or_else(|| StoreError::Corrupt(format!("an account has the role '{role}'")))?,
        disabled: row.get(4),
    })
}

/// A share of one candidate's vault, as the candidate sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Share {
    pub coach: Account,
    /// Unix seconds.
    pub since: i64,
}

/// The accounts side of a hosted database.
pub struct Directory {
    conn: Conn,
}

impl fmt::Debug for Directory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Directory")
            .field("database", &self.conn.label)
            .finish()
    }
}

impl Directory {
    /// Connects and brings the schema up to date (when the role may).
    pub fn connect(url: &str) -> Result<Directory, StoreError> {
        let conn = Conn::connect(url)?;
        migrations::migrate(&conn)?;
        Ok(Directory { conn })
    }

    /// The database, without its password.
    pub fn label(&self) -> &str {
        &self.conn.label
    }

    /// The store of the vault named `vault` (made if missing), over this
    /// directory's connection: a command that looked its account up
    /// signs in to the server once.
    pub fn into_vault(self, vault: &str) -> Result<crate::PgStore, StoreError> {
        crate::PgStore::on(self.conn, vault)
    }

    /// Gives the role `role` what a server needs and nothing more: reading
    /// and writing rows of every table and using the identity sequences,
    /// never owning a table (so forced row-level security binds it) nor
    /// changing the schema. For `debrief admin migrate --grant-to`.
    pub fn grant_to(&self, role: &str) -> Result<(), StoreError> {
        let valid = !role.is_empty()
            && role.len() <= 63
            && role
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid {
            return Err(StoreError::Conflict(format!(
                "'{role}' is not a role name Debrief grants to (lowercase letters, digits and _, at most 63)"
            )));
        }
        self.conn.batch(&format!(
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO \"{role}\";
             GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO \"{role}\";
             REVOKE INSERT, UPDATE, DELETE ON debrief_schema FROM \"{role}\""
        ))
    }

    /// Whether any account exists (hosted mode) or none (one person).
    pub fn has_accounts(&self) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .query_one("SELECT EXISTS (SELECT 1 FROM accounts)", &[])?
            .get(0))
    }

    /// Adds an account; a candidate's vault is made with it, in one
    /// transaction. `password` is hashed here.
    pub fn add_account(
        &self,
        email: &str,
        name: &str,
        role: Role,
        password: &str,
        now: Timestamp,
    ) -> Result<Account, StoreError> {
        let hash = hash_password(password)?;
        self.insert_account(email, name, role, &hash, now)
    }

    /// Adds an account that signs in only through an identity provider
    /// (OpenID Connect): its password column holds [`NO_PASSWORD`], which
    /// no password matches. A candidate's vault is made with it.
    pub fn add_account_without_password(
        &self,
        email: &str,
        name: &str,
        role: Role,
        now: Timestamp,
    ) -> Result<Account, StoreError> {
        self.insert_account(email, name, role, NO_PASSWORD, now)
    }

    fn insert_account(
        &self,
        email: &str,
        name: &str,
        role: Role,
        hash: &str,
        now: Timestamp,
    ) -> Result<Account, StoreError> {
        let email = normalize_email(email).map_err(StoreError::Conflict)?;
        let tx = Tx::begin(&self.conn, "BEGIN")?;
        let row = self.conn.query_opt(
            "INSERT INTO accounts (email, name, role, password, created_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (email) DO NOTHING
             RETURNING id, email, name, role, disabled",
            &[&email, &name, &role.as_str(), &hash, &now.as_second()],
        )?;
        let Some(row) = row else {
            return Err(StoreError::Conflict(format!(
                "an account with the email {email} already exists"
            )));
        };
        let account = account_of(&row)?;
        if role == Role::Candidate {
            self.conn.execute(
                "INSERT INTO vaults (name, owner) VALUES ($1, $2)
                 ON CONFLICT (name) DO UPDATE SET owner = excluded.owner",
                &[&account.vault_name(), &account.id],
            )?;
        }
        tx.commit()?;
        Ok(account)
    }

    /// Every account, by email.
    pub fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        self.conn
            .query(
                "SELECT id, email, name, role, disabled FROM accounts ORDER BY email",
                &[],
            )?
            .iter()
            .map(account_of)
            .collect()
    }

    /// The account with this email (any case), if there is one.
    pub fn account(&self, email: &str) -> Result<Option<Account>, StoreError> {
        let Ok(email) = normalize_email(email) else {
            return Ok(None);
        };
        self.conn
            .query_opt(
                "SELECT id, email, name, role, disabled FROM accounts WHERE email = $1",
                &[&email],
            )?
            .as_ref()
            .map(account_of)
            .transpose()
    }

    /// The account with this id, if there is one.
    pub fn account_by_id(&self, id: i64) -> Result<Option<Account>, StoreError> {
        self.conn
            .query_opt(
                "SELECT id, email, name, role, disabled FROM accounts WHERE id = $1",
                &[&id],
            )?
            .as_ref()
            .map(account_of)
            .transpose()
    }

    /// The account and its password hash, for signing in (an enabled
    /// account only). Check the hash with [`verify_password`] outside any
    /// lock.
    pub fn password_of(&self, email: &str) -> Result<Option<(Account, String)>, StoreError> {
        let Ok(email) = normalize_email(email) else {
            return Ok(None);
        };
        let Some(row) = self.conn.query_opt(
            "SELECT id, email, name, role, disabled, password FROM accounts
             WHERE email = $1 AND NOT disabled",
            &[&email],
        )?
        else {
            return Ok(None);
        };
        Ok(Some((account_of(&row)?, row.get(5))))
    }

    /// Disables an account: no sign-in, token or session works for it any
    /// more (its sessions are ended). `None` when there is no such account.
    pub fn disable(&self, email: &str) -> Result<Option<Account>, StoreError> {
        let Ok(email) = normalize_email(email) else {
            return Ok(None);
        };
        let tx = Tx::begin(&self.conn, "BEGIN")?;
        let row = self.conn.query_opt(
            "UPDATE accounts SET disabled = true WHERE email = $1
             RETURNING id, email, name, role, disabled",
            &[&email],
        )?;
        let account = row.as_ref().map(account_of).transpose()?;
        if let Some(a) = &account {
            self.conn
                .execute("DELETE FROM sessions WHERE account = $1", &[&a.id])?;
        }
        tx.commit()?;
        Ok(account)
    }

    /// A new API token for `account` under `label` (one per label): the
    /// secret, to be shown once; only its SHA-256 is kept.
    pub fn new_token(
        &self,
        account: &Account,
        label: &str,
        now: Timestamp,
    ) -> Result<String, StoreError> {
        let secret = new_secret()?;
        let hash = secret_hash(&secret);
        let inserted = self.conn.execute(
            "INSERT INTO api_tokens (hash, account, label, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (account, label) DO NOTHING",
            &[&hash, &account.id, &label, &now.as_second()],
        )?;
        if inserted == 0 {
            return Err(StoreError::Conflict(format!(
                "{} already has a token labelled '{label}'; revoke it first or choose another --label",
                account.email
            )));
        }
        Ok(secret)
    }

    /// Ends the token of `account` labelled `label`; says whether there
    /// was one.
    pub fn revoke_token(&self, account: &Account, label: &str) -> Result<bool, StoreError> {
        Ok(self.conn.execute(
            "DELETE FROM api_tokens WHERE account = $1 AND label = $2",
            &[&account.id, &label],
        )? > 0)
    }

    /// The labels of an account's tokens.
    pub fn token_labels(&self, account: &Account) -> Result<Vec<String>, StoreError> {
        Ok(self
            .conn
            .query(
                "SELECT label FROM api_tokens WHERE account = $1 ORDER BY label",
                &[&account.id],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    /// The enabled account a token belongs to.
    pub fn token_account(&self, secret: &str) -> Result<Option<Account>, StoreError> {
        let hash = secret_hash(secret);
        self.conn
            .query_opt(
                "SELECT a.id, a.email, a.name, a.role, a.disabled FROM api_tokens t
                 JOIN accounts a ON a.id = t.account WHERE t.hash = $1 AND NOT a.disabled",
                &[&hash],
            )?
            .as_ref()
            .map(account_of)
            .transpose()
    }

    /// A new sign-in session for `account` until `expires`; the cookie's
    /// value (only its SHA-256 is kept). Expired sessions are swept here.
    pub fn new_session(
        &self,
        account: &Account,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<String, StoreError> {
        let secret = new_secret()?;
        self.conn.execute(
            "DELETE FROM sessions WHERE expires_at <= $1",
            &[&now.as_second()],
        )?;
        self.conn.execute(
            "INSERT INTO sessions (hash, account, expires_at) VALUES ($1, $2, $3)",
            &[&secret_hash(&secret), &account.id, &expires.as_second()],
        )?;
        Ok(secret)
    }

    /// The enabled account of a session not expired at `now`.
    pub fn session_account(
        &self,
        secret: &str,
        now: Timestamp,
    ) -> Result<Option<Account>, StoreError> {
        self.conn
            .query_opt(
                "SELECT a.id, a.email, a.name, a.role, a.disabled FROM sessions s
                 JOIN accounts a ON a.id = s.account
                 WHERE s.hash = $1 AND s.expires_at > $2 AND NOT a.disabled",
                &[&secret_hash(secret), &now.as_second()],
            )?
            .as_ref()
            .map(account_of)
            .transpose()
    }

    /// Ends a session (sign out).
    pub fn end_session(&self, secret: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "DELETE FROM sessions WHERE hash = $1",
            &[&secret_hash(secret)],
        )?;
        Ok(())
    }

    /// The id of the vault a candidate owns.
    pub fn vault_of(&self, account: &Account) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .query_opt("SELECT id FROM vaults WHERE owner = $1", &[&account.id])?
            .map(|r| r.get(0)))
    }

    /// A transaction on `vault`'s rows (row-level security names it).
    fn begin_in(&self, vault: i64) -> Result<Tx<'_>, StoreError> {
        Tx::begin(
            &self.conn,
            &format!("BEGIN; SELECT set_config('debrief.vault', '{vault}', true)"),
        )
    }

    /// Records a line in the vault's history (the journal), inside the
    /// caller's transaction: an entry with no item (undoing it changes
    /// nothing; revoking is the way back).
    fn journal_line(&self, vault: i64, now: Timestamp, what: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO journal (vault_id, id, at, at_s, source, what, undoes)
             SELECT $1, coalesce(max(id), 0) + 1, $2, $3, 'web', $4, '{}'::bigint[]
             FROM journal WHERE vault_id = $1",
            &[&vault, &now.to_string(), &now.as_second(), &what],
        )?;
        Ok(())
    }

    /// Shares `candidate`'s vault with the coach `coach_email`, at once,
    /// with a line in the candidate's history. `Ok(None)` when no enabled
    /// coach has that email (the caller answers 404); `Ok(Some(false))`
    /// when it was shared already.
    pub fn share(
        &self,
        candidate: &Account,
        coach_email: &str,
        now: Timestamp,
    ) -> Result<Option<(Account, bool)>, StoreError> {
        let Some(coach) = self.account(coach_email)? else {
            return Ok(None);
        };
        if coach.role != Role::Coach || coach.disabled {
            return Ok(None);
        }
        let Some(vault) = self.vault_of(candidate)? else {
            return Ok(None);
        };
        let tx = self.begin_in(vault)?;
        // The vault's write lock, as every write of the vault takes it.
        crate::ops::lock(&self.conn, vault)?;
        let added = self.conn.execute(
            "INSERT INTO shares (vault_id, coach, created_at) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
            &[&vault, &coach.id, &now.as_second()],
        )? > 0;
        if added {
            self.journal_line(
                vault,
                now,
                &format!("share read access with {}", coach.email),
            )?;
            crate::ops::bump_revision(&self.conn, vault)?;
        }
        tx.commit()?;
        Ok(Some((coach, added)))
    }

    /// Revokes a share at once, with a line in the candidate's history;
    /// says whether there was one.
    pub fn unshare(
        &self,
        candidate: &Account,
        coach_email: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let Some(coach) = self.account(coach_email)? else {
            return Ok(false);
        };
        let Some(vault) = self.vault_of(candidate)? else {
            return Ok(false);
        };
        let tx = self.begin_in(vault)?;
        crate::ops::lock(&self.conn, vault)?;
        let removed = self.conn.execute(
            "DELETE FROM shares WHERE vault_id = $1 AND coach = $2",
            &[&vault, &coach.id],
        )? > 0;
        if removed {
            self.journal_line(vault, now, &format!("stop sharing with {}", coach.email))?;
            crate::ops::bump_revision(&self.conn, vault)?;
        }
        tx.commit()?;
        Ok(removed)
    }

    /// The coaches a candidate shares with, oldest share first.
    pub fn shares_of(&self, candidate: &Account) -> Result<Vec<Share>, StoreError> {
        let Some(vault) = self.vault_of(candidate)? else {
            return Ok(Vec::new());
        };
        let tx = self.begin_in(vault)?;
        let rows = self.conn.query(
            "SELECT a.id, a.email, a.name, a.role, a.disabled, s.created_at FROM shares s
             JOIN accounts a ON a.id = s.coach WHERE s.vault_id = $1
             ORDER BY s.created_at, a.email",
            &[&vault],
        )?;
        tx.commit()?;
        rows.iter()
            .map(|r| {
                Ok(Share {
                    coach: account_of(r)?,
                    since: r.get(5),
                })
            })
            .collect()
    }

    /// The enabled candidates who share with `coach`, by name.
    pub fn shared_with(&self, coach: &Account) -> Result<Vec<Account>, StoreError> {
        let tx = Tx::begin(
            &self.conn,
            &format!(
                "BEGIN; SELECT set_config('debrief.account', '{}', true)",
                coach.id
            ),
        )?;
        let rows = self.conn.query(
            "SELECT a.id, a.email, a.name, a.role, a.disabled FROM shares s
             JOIN vaults v ON v.id = s.vault_id
             JOIN accounts a ON a.id = v.owner
             WHERE s.coach = $1 AND NOT a.disabled ORDER BY a.name, a.email",
            &[&coach.id],
        )?;
        tx.commit()?;
        rows.iter().map(account_of).collect()
    }

    /// The candidate `candidate_id` if they share with `coach` (else
    /// `None`, exactly as for an id that does not exist).
    pub fn shared_candidate(
        &self,
        coach: &Account,
        candidate_id: i64,
    ) -> Result<Option<Account>, StoreError> {
        Ok(self
            .shared_with(coach)?
            .into_iter()
            .find(|a| a.id == candidate_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_with_the_parameters_they_were_hashed_with() {
        let hash = hash_password("correct horse").expect("hash");
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password(&hash, "correct horse"));
        assert!(!verify_password(&hash, "correct horse "));
        assert!(!verify_password("not a hash", "correct horse"));
        assert!(!verify_password(NO_PASSWORD, ""));
        assert!(!verify_password(NO_PASSWORD, NO_PASSWORD));
    }

    #[test]
    fn secrets_are_long_random_and_hashed() {
        let a = new_secret().expect("secret");
        let b = new_secret().expect("secret");
        assert_eq!(a.len(), 68);
        assert_ne!(a, b);
        assert_eq!(secret_hash(&a).len(), 32);
    }

    #[test]
    fn emails_are_checked_and_named() {
        assert_eq!(
            normalize_email(" Ana@Example.ORG ").as_deref(),
            Ok("ana@example.org")
        );
        assert!(
            normalize_email("ana example.org")
                .unwrap_err()
                .contains("space")
        );
        assert!(normalize_email("ana").unwrap_err().contains("'ana'"));
        assert!(normalize_email("@x").is_err());
    }
}
