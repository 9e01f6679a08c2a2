//! Debrief's PostgreSQL store: many vaults (one person's store each,
//! FORMAT.md §3) in one database.
//!
//! [`PgStore`] implements the synchronous store traits over one
//! connection (see `conn.rs` for how that works inside an async server).
//! Each application is kept once, as the JSON of its exchange form, with
//! relational columns only where a query needs them
//! (`migrations/0001_init.sql`). Every write transaction first locks the
//! vault's row, so writers in different processes queue up instead of
//! losing each other's updates; one that waits longer than
//! [`LOCK_TIMEOUT`] fails with [`StoreError::Busy`].

use debrief_core::model::{Application, Dataset, Profile};
use debrief_store::{
    ApplicationSummary, Change, ChangeSink, JournalEntry, Origin, StoreError, StoreReader,
    StoreWriter, Transaction,
};
use jiff::Timestamp;

mod conn;
mod migrations;
mod ops;
mod quiet;

pub use conn::LOCK_TIMEOUT;
use conn::{Conn, Tx};
pub use migrations::SCHEMA_VERSION;
use quiet::Quiet;

/// The vault `connect` opens: the one person's data when a database
/// serves one person.
pub const DEFAULT_VAULT: &str = "default";

/// One vault of a Debrief database on a PostgreSQL server.
pub struct PgStore {
    conn: Conn,
    vault: i64,
    vault_name: String,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("database", &self.conn.label)
            .field("vault", &self.vault_name)
            .finish()
    }
}

/// A consistent read of several statements (one snapshot).
const READ: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";

impl PgStore {
    /// Connects to the database at `url` (`postgres://USER:PASSWORD@HOST:PORT/DATABASE`),
    /// brings its schema up to date and opens the default vault.
    pub fn connect(url: &str) -> Result<PgStore, StoreError> {
        PgStore::connect_vault(url, DEFAULT_VAULT)
    }

    /// Like [`PgStore::connect`], on the vault named `vault` (made if
    /// missing).
    pub fn connect_vault(url: &str, vault: &str) -> Result<PgStore, StoreError> {
        if vault.trim().is_empty() {
            return Err(StoreError::Backend("a vault needs a name".into()));
        }
        let conn = Conn::connect(url)?;
        migrations::migrate(&conn)?;
        let id = ops::vault(&conn, vault)?;
        Ok(PgStore {
            conn,
            vault: id,
            vault_name: vault.to_string(),
        })
    }

    /// The vault's name.
    pub fn vault(&self) -> &str {
        &self.vault_name
    }

    /// The database, without its password: `postgres://USER@HOST:PORT/DATABASE`.
    pub fn label(&self) -> &str {
        &self.conn.label
    }

    /// The schema version of the database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        migrations::version(&self.conn)
    }

    /// Every setting of the vault, by key.
    pub fn settings(&self) -> Result<Vec<(String, String)>, StoreError> {
        ops::settings(&self.conn, self.vault)
    }

    /// True while the vault holds nothing: no saved profile, no
    /// application, no setting.
    pub fn is_empty(&self) -> Result<bool, StoreError> {
        let tx = Tx::begin(&self.conn, READ)?;
        let empty = !ops::has_profile(&self.conn, self.vault)?
            && ops::application_ids(&self.conn, self.vault)?.is_empty()
            && ops::settings(&self.conn, self.vault)?.is_empty();
        tx.commit()?;
        Ok(empty)
    }

    /// Fills the vault in one transaction, under its write lock: with
    /// `replace`, everything it held goes first (profile, applications,
    /// settings, journal); without, a vault that is not empty is refused.
    /// For `debrief migrate`.
    pub fn fill(
        &mut self,
        data: &Dataset,
        settings: &[(String, String)],
        replace: bool,
    ) -> Result<(), StoreError> {
        let mut tx = PgTx::begin(&self.conn, self.vault)?;
        if replace {
            ops::clear(&self.conn, self.vault)?;
        } else if ops::has_profile(&self.conn, self.vault)?
            || !ops::application_ids(&self.conn, self.vault)?.is_empty()
            || !ops::settings(&self.conn, self.vault)?.is_empty()
        {
            return Err(StoreError::Conflict(format!(
                "the vault '{}' in {} is not empty; pass --replace to overwrite it",
                self.vault_name, self.conn.label
            )));
        }
        tx.write_one(&Change::SetProfile(data.profile.clone()))?;
        for a in &data.applications {
            tx.write_one(&Change::PutApplication(a.clone()))?;
        }
        for (key, value) in settings {
            ops::set_setting(&self.conn, self.vault, key, value)?;
        }
        tx.commit()
    }
}

impl StoreReader for PgStore {
    fn profile(&self) -> Result<Profile, StoreError> {
        ops::profile(&self.conn, self.vault)
    }

    fn load(&self) -> Result<Dataset, StoreError> {
        let tx = Tx::begin(&self.conn, READ)?;
        let profile = ops::profile(&self.conn, self.vault)?;
        let applications = ops::applications(&self.conn, self.vault, None)?;
        tx.commit()?;
        Ok(Dataset {
            profile,
            applications,
            ..Dataset::default()
        })
    }

    fn load_active(&self, now: Timestamp, zone: &str) -> Result<Dataset, StoreError> {
        let tx = Tx::begin(&self.conn, READ)?;
        let profile = ops::profile(&self.conn, self.vault)?;
        // Rows are marked with the zone, holidays and policy they were
        // computed with; a zone other than the profile's matches no row.
        let key = if zone == profile.timezone {
            debrief_core::engine::quiet_key(&profile)
        } else {
            zone.to_string()
        };
        let applications =
            ops::applications(&self.conn, self.vault, Some((now.as_second(), &key)))?;
        tx.commit()?;
        Ok(Dataset {
            profile,
            applications,
            ..Dataset::default()
        })
    }

    fn application(&self, id: &str) -> Result<Option<Application>, StoreError> {
        ops::application(&self.conn, self.vault, id)
    }

    fn summaries(&self) -> Result<Vec<ApplicationSummary>, StoreError> {
        ops::summaries(&self.conn, self.vault)
    }

    fn application_ids(&self) -> Result<Vec<String>, StoreError> {
        ops::application_ids(&self.conn, self.vault)
    }

    fn version(&self, id: &str) -> Result<Option<u64>, StoreError> {
        ops::version(&self.conn, self.vault, id)
    }

    fn history(&self, limit: usize, open_only: bool) -> Result<Vec<JournalEntry>, StoreError> {
        let tx = Tx::begin(&self.conn, READ)?;
        let entries = ops::history(&self.conn, self.vault, limit, open_only)?;
        tx.commit()?;
        Ok(entries)
    }

    fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        ops::setting(&self.conn, self.vault, key)
    }
}

/// One write transaction: the vault's row is locked before the first
/// read, so a read-modify-write never loses another writer's change.
struct PgTx<'c> {
    tx: Tx<'c>,
    vault: i64,
    /// Quietness is computed with the profile: the stored one until the
    /// transaction sets another.
    quiet: Quiet,
    stored_key: String,
    last_version: i64,
    saved_version: i64,
}

impl<'c> PgTx<'c> {
    fn begin(conn: &'c Conn, vault: i64) -> Result<PgTx<'c>, StoreError> {
        let tx = Tx::begin(conn, "BEGIN")?;
        let last_version = ops::lock(conn, vault)?;
        let quiet = Quiet::new(&ops::profile(conn, vault)?);
        let stored_key = quiet.key().to_string();
        Ok(PgTx {
            tx,
            vault,
            quiet,
            stored_key,
            last_version,
            saved_version: last_version,
        })
    }

    fn conn(&self) -> &'c Conn {
        self.tx.conn
    }

    fn write_one(&mut self, change: &Change) -> Result<(), StoreError> {
        let (conn, vault) = (self.conn(), self.vault);
        match change {
            Change::SetProfile(p) => {
                ops::set_profile(conn, vault, p)?;
                self.quiet = Quiet::new(p);
            }
            Change::PutApplication(a) => {
                self.last_version += 1;
                ops::put_application(conn, vault, a, &self.quiet, self.last_version)?;
            }
            Change::DeleteApplication(id) => ops::delete_application(conn, vault, id)?,
            Change::DeleteAllApplications => ops::delete_all_applications(conn, vault)?,
        }
        Ok(())
    }

    fn commit(self) -> Result<(), StoreError> {
        let (conn, vault) = (self.conn(), self.vault);
        if self.quiet.key() != self.stored_key {
            // Local dates decide a few rules: every row's quietness moves
            // with the profile.
            ops::refresh_quiet(conn, vault, &self.quiet)?;
        }
        if self.last_version != self.saved_version {
            ops::save_last_version(conn, vault, self.last_version)?;
        }
        self.tx.commit()
    }
}

impl StoreReader for PgTx<'_> {
    fn profile(&self) -> Result<Profile, StoreError> {
        ops::profile(self.conn(), self.vault)
    }
    fn load(&self) -> Result<Dataset, StoreError> {
        Ok(Dataset {
            profile: ops::profile(self.conn(), self.vault)?,
            applications: ops::applications(self.conn(), self.vault, None)?,
            ..Dataset::default()
        })
    }
    fn application(&self, id: &str) -> Result<Option<Application>, StoreError> {
        ops::application(self.conn(), self.vault, id)
    }
    fn summaries(&self) -> Result<Vec<ApplicationSummary>, StoreError> {
        ops::summaries(self.conn(), self.vault)
    }
    fn application_ids(&self) -> Result<Vec<String>, StoreError> {
        ops::application_ids(self.conn(), self.vault)
    }
    fn version(&self, id: &str) -> Result<Option<u64>, StoreError> {
        ops::version(self.conn(), self.vault, id)
    }
    fn history(&self, limit: usize, open_only: bool) -> Result<Vec<JournalEntry>, StoreError> {
        ops::history(self.conn(), self.vault, limit, open_only)
    }
    fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        ops::setting(self.conn(), self.vault, key)
    }
}

impl Transaction for PgTx<'_> {
    fn write(&mut self, changes: &[Change]) -> Result<(), StoreError> {
        changes.iter().try_for_each(|c| self.write_one(c))
    }
    fn journal_begin(&mut self, origin: &Origin) -> Result<i64, StoreError> {
        ops::journal_begin(self.conn(), self.vault, origin)
    }
    fn journal_item(
        &mut self,
        entry: i64,
        position: usize,
        app: Option<&str>,
        before: Option<&str>,
    ) -> Result<(), StoreError> {
        ops::journal_item(self.conn(), self.vault, entry, position, app, before)
    }
    fn journal_after(
        &mut self,
        entry: i64,
        position: usize,
        after: Option<&str>,
    ) -> Result<(), StoreError> {
        ops::journal_after(self.conn(), self.vault, entry, position, after)
    }
    fn journal_end(&mut self, entry: i64, undoes: &[i64]) -> Result<bool, StoreError> {
        ops::journal_end(self.conn(), self.vault, entry, undoes)
    }
    fn journal_prune(&mut self, before: Timestamp) -> Result<(), StoreError> {
        ops::journal_prune(self.conn(), self.vault, before)
    }
    fn set_setting(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        ops::set_setting(self.conn(), self.vault, key, value)
    }
    fn remove_setting(&mut self, key: &str) -> Result<bool, StoreError> {
        ops::remove_setting(self.conn(), self.vault, key)
    }
}

impl StoreWriter for PgStore {
    fn apply(&mut self, changes: &[Change]) -> Result<(), StoreError> {
        self.apply_each(&mut |sink| changes.iter().try_for_each(&mut *sink))
    }

    fn apply_each(
        &mut self,
        produce: &mut dyn FnMut(&mut ChangeSink<'_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        // Dropping the transaction on an early return rolls everything back.
        let mut tx = PgTx::begin(&self.conn, self.vault)?;
        produce(&mut |change| tx.write_one(change))?;
        tx.commit()
    }

    fn transaction(
        &mut self,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut tx = PgTx::begin(&self.conn, self.vault)?;
        work(&mut tx)?;
        tx.commit()
    }
}
