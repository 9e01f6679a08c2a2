//! Debrief's embedded default store: one SQLite file.
//!
//! [`SqliteStore`] implements [`StoreReader`] and [`StoreWriter`]. Each
//! application is stored once, as its serde JSON body, beside the few
//! columns queries need and a derived binary load image that loads read
//! (see `migrations/0008_bodies.sql`); [`StoreWriter::apply`] runs every
//! change in one transaction.
//!
//! The file is opened in WAL mode with a busy timeout, so the web server and
//! the command line can use the same file at once.

use std::path::Path;
use std::time::Duration;

use debrief_core::model::{Application, Dataset, Profile};
use debrief_store::{
    Change, JournalEntry, Origin, StoreError, StoreReader, StoreWriter, Transaction,
};
use jiff::Timestamp;
use rusqlite::Connection;

mod codec;
mod image;
mod journal;
mod legacy;
mod migrations;
mod read;
mod settings;
mod write;

use codec::backend;
pub use migrations::SCHEMA_VERSION;

/// How long a write waits for another process's transaction to finish
/// before giving up with "database is locked".
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Prepared statements kept per connection: enough for every statement the
/// store runs, so none is compiled twice.
const STATEMENT_CACHE: usize = 64;

/// A Debrief store in one SQLite file (or in memory, for tests).
pub struct SqliteStore {
    conn: Connection,
    /// Write transactions this handle committed: `PRAGMA data_version`
    /// only moves for other connections' commits.
    own_writes: u64,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.conn.path())
            .finish()
    }
}

impl SqliteStore {
    /// Opens the store at `path`, creating the file and its parent
    /// directories if missing, and brings its schema up to date.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let label = path.display().to_string();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| {
                StoreError::Backend(format!(
                    "cannot create the directory {}: {e}",
                    parent.display()
                ))
            })?;
        }
        let conn = Connection::open(path)
            .map_err(|e| StoreError::Backend(format!("cannot open {label}: {e}")))?;
        SqliteStore::init(conn, &label, true)
    }

    /// A fresh store that lives as long as the value; for tests and dry runs.
    pub fn open_in_memory() -> Result<SqliteStore, StoreError> {
        let conn = Connection::open_in_memory().map_err(backend)?;
        SqliteStore::init(conn, ":memory:", false)
    }

    fn init(mut conn: Connection, label: &str, wal: bool) -> Result<SqliteStore, StoreError> {
        conn.busy_timeout(BUSY_TIMEOUT).map_err(backend)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        // Read the header before changing anything, so a file that is not a
        // database is reported as such and left untouched.
        migrations::check_readable(&conn, label)?;
        if wal {
            // WAL lets readers (the web server) proceed while the CLI writes;
            // NORMAL sync is safe in WAL mode (a crash may lose the last
            // commit, never corrupt the file) and makes commits much cheaper.
            let mode: String = conn
                .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
                .map_err(|e| migrations::not_a_store(label, e))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(StoreError::Backend(format!(
                    "{label}: cannot switch to WAL mode (got '{mode}')"
                )));
            }
            // No memory-mapped reads: they saved little over SQLite's own
            // reads and every mapped page counted against the agenda's
            // resident memory (110 MB instead of 57 MB at 10,000
            // applications, docs/BENCHMARKS.md).
            conn.execute_batch("PRAGMA synchronous = NORMAL")
                .map_err(backend)?;
        }
        conn.execute_batch("PRAGMA foreign_keys = ON")
            .map_err(backend)?;
        migrations::migrate(&mut conn, label)?;
        Ok(SqliteStore {
            conn,
            own_writes: 0,
        })
    }

    /// The journal mode in use (`wal` for a file); for diagnostics.
    pub fn journal_mode(&self) -> Result<String, StoreError> {
        self.conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .map_err(backend)
    }

    /// Checks that every application's load image matches its body (what
    /// `debrief doctor` would run); names the first one that differs.
    pub fn check_load_images(&self) -> Result<(), StoreError> {
        let tx = self.conn.unchecked_transaction().map_err(backend)?;
        read::check_images(&tx)?;
        tx.commit().map_err(backend)
    }

    /// Checks that the lookup keys (`application_keys`) are exactly those
    /// of the applications stored (`debrief_core::keys::of`); names the
    /// first application whose keys differ.
    pub fn check_keys(&self) -> Result<(), StoreError> {
        let tx = self.conn.unchecked_transaction().map_err(backend)?;
        read::check_keys(&tx)?;
        tx.commit().map_err(backend)
    }

    /// Every setting kept in this file, the feed secret included (not the
    /// version sequence), by key: what `debrief migrate` copies.
    pub fn settings(&self) -> Result<Vec<(String, String)>, StoreError> {
        settings::all(&self.conn)
    }

    /// The schema version of the open file (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(backend)
    }
}

impl StoreReader for SqliteStore {
    fn profile(&self) -> Result<Profile, StoreError> {
        read::profile(&self.conn)
    }

    fn load(&self) -> Result<Dataset, StoreError> {
        // One read transaction: every table is read from the same snapshot
        // even if another process commits meanwhile.
        let tx = self.conn.unchecked_transaction().map_err(backend)?;
        let profile = read::profile(&tx)?;
        let applications = read::all_applications(&tx, None)?;
        tx.commit().map_err(backend)?;
        Ok(Dataset {
            profile,
            applications,
            ..Dataset::default()
        })
    }

    fn load_active(&self, now: Timestamp, zone: &str) -> Result<Dataset, StoreError> {
        let tx = self.conn.unchecked_transaction().map_err(backend)?;
        let profile = read::profile(&tx)?;
        // Rows are keyed by the zone, holiday calendar and policy they were
        // computed with; a zone other than the profile's matches no row.
        let key = if zone == profile.timezone {
            debrief_core::engine::quiet_key(&profile)
        } else {
            zone.to_string()
        };
        let applications = read::all_applications(&tx, Some((now.as_second(), &key)))?;
        tx.commit().map_err(backend)?;
        Ok(Dataset {
            profile,
            applications,
            ..Dataset::default()
        })
    }

    fn application(&self, id: &str) -> Result<Option<Application>, StoreError> {
        let tx = self.conn.unchecked_transaction().map_err(backend)?;
        let found = read::one_application(&tx, id)?;
        tx.commit().map_err(backend)?;
        Ok(found)
    }

    fn each_application(
        &self,
        each: &mut dyn FnMut(Application) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let tx = self.conn.unchecked_transaction().map_err(backend)?;
        read::each_application(&tx, None, each)?;
        tx.commit().map_err(backend)
    }

    fn each_active(
        &self,
        now: Timestamp,
        zone: &str,
        each: &mut dyn FnMut(Application) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let tx = self.conn.unchecked_transaction().map_err(backend)?;
        let profile = read::profile(&tx)?;
        // As `load_active`: rows are keyed by the zone, holiday calendar
        // and policy they were computed with.
        let key = if zone == profile.timezone {
            debrief_core::engine::quiet_key(&profile)
        } else {
            zone.to_string()
        };
        read::each_application(&tx, Some((now.as_second(), &key)), each)?;
        tx.commit().map_err(backend)
    }

    fn find_applications(
        &self,
        keys: &std::collections::BTreeSet<String>,
    ) -> Result<Vec<Application>, StoreError> {
        let tx = self.conn.unchecked_transaction().map_err(backend)?;
        let found = read::find_applications(&tx, keys)?;
        tx.commit().map_err(backend)?;
        Ok(found)
    }

    fn application_ids(&self) -> Result<Vec<String>, StoreError> {
        read::application_ids(&self.conn)
    }

    fn summaries(&self) -> Result<Vec<debrief_store::ApplicationSummary>, StoreError> {
        read::summaries(&self.conn)
    }

    fn version(&self, id: &str) -> Result<Option<u64>, StoreError> {
        journal::version(&self.conn, id)
    }

    fn history(&self, limit: usize, open_only: bool) -> Result<Vec<JournalEntry>, StoreError> {
        let tx = self.conn.unchecked_transaction().map_err(backend)?;
        let entries = journal::history(&tx, limit, open_only)?;
        tx.commit().map_err(backend)?;
        Ok(entries)
    }

    fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        settings::get(&self.conn, key)
    }

    /// `PRAGMA data_version` (moves when another connection, in this
    /// process or another, commits) beside this handle's own commits.
    fn revision(&self) -> Result<Option<u64>, StoreError> {
        let others: i64 = self
            .conn
            .pragma_query_value(None, "data_version", |r| r.get(0))
            .map_err(backend)?;
        Ok(Some(
            (self.own_writes << 32) | (others as u64 & 0xffff_ffff),
        ))
    }

    /// Writes a consistent copy of the whole store to `path` (a new file),
    /// as of one moment, while others may keep writing (`VACUUM INTO`).
    fn backup_to(&self, path: &Path) -> Result<(), StoreError> {
        let target = path.to_str().ok_or_else(|| {
            StoreError::Backend(format!("{} is not a UTF-8 path", path.display()))
        })?;
        self.conn
            .execute("VACUUM INTO ?1", [target])
            .map_err(backend)?;
        Ok(())
    }
}

/// One write transaction: `BEGIN IMMEDIATE`, so the write lock is taken
/// (or waited for, up to the busy timeout) before the first read, and a
/// read-modify-write can never lose another writer's change.
struct SqliteTx<'c> {
    tx: rusqlite::Transaction<'c>,
    /// Quietness is computed in the profile's zone: the stored one until
    /// the transaction sets another.
    quiet: write::Quiet,
    stored_zone: String,
    /// The last version handed out, once read.
    version: Option<i64>,
}

impl<'c> SqliteTx<'c> {
    fn begin(conn: &'c mut Connection) -> Result<SqliteTx<'c>, StoreError> {
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(backend)?;
        let quiet = write::Quiet::new(&read::profile(&tx)?);
        let stored_zone = quiet.zone().to_string();
        Ok(SqliteTx {
            tx,
            quiet,
            stored_zone,
            version: None,
        })
    }

    fn write_one(&mut self, change: &Change) -> Result<(), StoreError> {
        match change {
            Change::SetProfile(p) => {
                write::set_profile(&self.tx, p)?;
                self.quiet = write::Quiet::new(p);
            }
            Change::PutApplication(a) => {
                let next = match self.version {
                    Some(v) => v + 1,
                    None => journal::last_version(&self.tx)? + 1,
                };
                self.version = Some(next);
                write::put_application(&self.tx, a, &self.quiet, next)?;
            }
            Change::DeleteApplication(id) => write::delete_application(&self.tx, id)?,
            Change::DeleteAllApplications => write::delete_all_applications(&self.tx)?,
        }
        Ok(())
    }

    fn commit(self) -> Result<(), StoreError> {
        if self.quiet.zone() != self.stored_zone {
            // Local dates decide a few rules: every row's quietness moves
            // with the zone.
            write::refresh_quiet(&self.tx, &self.quiet)?;
        }
        if let Some(v) = self.version {
            journal::save_last_version(&self.tx, v)?;
        }
        self.tx.commit().map_err(backend)
    }
}

impl StoreReader for SqliteTx<'_> {
    fn profile(&self) -> Result<Profile, StoreError> {
        read::profile(&self.tx)
    }
    fn load(&self) -> Result<Dataset, StoreError> {
        Ok(Dataset {
            profile: read::profile(&self.tx)?,
            applications: read::all_applications(&self.tx, None)?,
            ..Dataset::default()
        })
    }
    fn application(&self, id: &str) -> Result<Option<Application>, StoreError> {
        read::one_application(&self.tx, id)
    }
    fn find_applications(
        &self,
        keys: &std::collections::BTreeSet<String>,
    ) -> Result<Vec<Application>, StoreError> {
        read::find_applications(&self.tx, keys)
    }
    fn application_ids(&self) -> Result<Vec<String>, StoreError> {
        read::application_ids(&self.tx)
    }
    fn summaries(&self) -> Result<Vec<debrief_store::ApplicationSummary>, StoreError> {
        read::summaries(&self.tx)
    }
    fn version(&self, id: &str) -> Result<Option<u64>, StoreError> {
        journal::version(&self.tx, id)
    }
    fn history(&self, limit: usize, open_only: bool) -> Result<Vec<JournalEntry>, StoreError> {
        journal::history(&self.tx, limit, open_only)
    }
    fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        settings::get(&self.tx, key)
    }
}

impl Transaction for SqliteTx<'_> {
    fn write(&mut self, changes: &[Change]) -> Result<(), StoreError> {
        changes.iter().try_for_each(|c| self.write_one(c))
    }
    fn journal_begin(&mut self, origin: &Origin) -> Result<i64, StoreError> {
        journal::begin(&self.tx, origin)
    }
    fn journal_item(
        &mut self,
        entry: i64,
        position: usize,
        app: Option<&str>,
        before: Option<&str>,
    ) -> Result<(), StoreError> {
        journal::item(&self.tx, entry, position, app, before)
    }
    fn journal_after(
        &mut self,
        entry: i64,
        position: usize,
        after: Option<&str>,
    ) -> Result<(), StoreError> {
        journal::after(&self.tx, entry, position, after)
    }
    fn journal_end(&mut self, entry: i64, undoes: &[i64]) -> Result<bool, StoreError> {
        journal::end(&self.tx, entry, undoes)
    }
    fn journal_prune(&mut self, before: Timestamp) -> Result<(), StoreError> {
        journal::prune(&self.tx, before)
    }
    fn set_setting(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        settings::set(&self.tx, key, value)
    }
    fn remove_setting(&mut self, key: &str) -> Result<bool, StoreError> {
        settings::remove(&self.tx, key)
    }
}

impl StoreWriter for SqliteStore {
    fn apply(&mut self, changes: &[Change]) -> Result<(), StoreError> {
        self.apply_each(&mut |sink| changes.iter().try_for_each(&mut *sink))
    }

    fn apply_each(
        &mut self,
        produce: &mut dyn FnMut(&mut debrief_store::ChangeSink<'_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        // Dropping the transaction on an early return rolls everything back.
        let mut tx = SqliteTx::begin(&mut self.conn)?;
        produce(&mut |change| tx.write_one(change))?;
        tx.commit()?;
        self.own_writes += 1;
        Ok(())
    }

    fn transaction(
        &mut self,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut tx = SqliteTx::begin(&mut self.conn)?;
        work(&mut tx)?;
        tx.commit()?;
        self.own_writes += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_settings_are_applied() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let store = SqliteStore::open(&dir.path().join("s.db")).expect("open");
        let pragma = |name: &str| -> i64 {
            store
                .conn
                .pragma_query_value(None, name, |r| r.get(0))
                .expect(name)
        };
        assert_eq!(pragma("foreign_keys"), 1);
        assert_eq!(pragma("busy_timeout"), 5_000);
        // NORMAL = 1
        assert_eq!(pragma("synchronous"), 1);
        assert_eq!(store.journal_mode().expect("mode"), "wal");
    }

    #[test]
    fn missing_load_images_are_rebuilt_from_the_bodies() {
        let mut store = SqliteStore::open_in_memory().expect("open");
        let apps: Vec<Application> = (0..3)
            .map(|n| debrief_store::conformance::full_application(&format!("a{n}")))
            .collect();
        let changes: Vec<Change> = apps.iter().cloned().map(Change::PutApplication).collect();
        store.apply(&changes).expect("apply");
        store
            .conn
            .execute_batch("DELETE FROM application_images WHERE app = 2; UPDATE application_images SET format = 0 WHERE app = 3")
            .expect("drop images");
        assert!(store.check_load_images().is_err());
        assert_eq!(store.load().expect("load").applications, apps);

        let tx = store.conn.transaction().expect("tx");
        write::rebuild_missing_images(&tx).expect("rebuild");
        tx.commit().expect("commit");
        store
            .check_load_images()
            .expect("images match after rebuild");
        assert_eq!(store.load().expect("load").applications, apps);
    }

    #[test]
    fn settings_are_kept_in_the_settings_table() {
        let mut store = SqliteStore::open_in_memory().expect("open");
        let origin = Origin::new(debrief_store::Source::Cli, Timestamp::UNIX_EPOCH, "set");
        debrief_store::update(&mut store, &origin, |u| u.set_setting("mail.test", "2"))
            .expect("set");
        let raw: String = store
            .conn
            .query_row(
                "SELECT value FROM settings WHERE key = 'mail.test'",
                [],
                |r| r.get(0),
            )
            .expect("row");
        assert_eq!(raw, "2");
        assert_eq!(
            store.setting("mail.test").expect("read").as_deref(),
            Some("2")
        );
    }

    #[test]
    fn in_memory_store_is_migrated() {
        let store = SqliteStore::open_in_memory().expect("open");
        assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
        assert_eq!(store.load().expect("load"), Dataset::default());
    }
}
