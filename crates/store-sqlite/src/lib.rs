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

/// A transaction writing many applications (an import) grows its page
/// cache with them, by [`BULK_CACHE_BYTES_PER_APPLICATION`] each, checked
/// every [`BULK_CACHE_STEP`] applications, up to [`BULK_CACHE_MAX_KIB`].
/// SQLite's default cache (2 MB) holds a small part of the indexes an
/// import inserts into at random (the hashed lookup keys, about 120 bytes
/// an application, and the ids): past 10,000 applications nearly every
/// key inserted spilled a dirty page to the WAL and read another back,
/// which made a 100,000-application import cost more than ten times a
/// 10,000 one. The cache returns to its size when the transaction ends.
const BULK_CACHE_STEP: u32 = 1_024;
const BULK_CACHE_BYTES_PER_APPLICATION: i64 = 512;
const BULK_CACHE_MAX_KIB: i64 = 64 << 10;

/// A write announced as bulk ([`StoreWriter::expect_bulk`]) with at least
/// this much input goes through a rollback journal instead of the WAL
/// while no other connection has the file open (see
/// [`SqliteStore::enter_rollback_journal`]).
const ROLLBACK_JOURNAL_FROM_BYTES: u64 = 16 << 20;

/// The page size of a store file created by this build (SQLite's default
/// is 4,096 bytes; see `SqliteStore::init`).
const NEW_FILE_PAGE_SIZE: i64 = 16_384;

/// A Debrief store in one SQLite file (or in memory, for tests).
pub struct SqliteStore {
    conn: Connection,
    /// A file (WAL mode), not an in-memory store.
    file: bool,
    /// The next write transaction is a bulk one ([`StoreWriter::expect_bulk`]).
    bulk_next: bool,
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
        // Plans that do not depend on the values bound. Without this, the
        // planner marks a statement whose `WHERE` compares a column with a
        // parameter to be compiled again after a rebinding, and the
        // statement cache clears every statement's bindings when it takes
        // it back: each call of a cached lookup (`read::one_application`,
        // twice per application an import writes) compiled it anew. The
        // store keeps no statistics (no `ANALYZE`) and matches no pattern
        // bound as a parameter, so no plan here gained from the values.
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
            true,
        )
        .map_err(backend)?;
        // Read the header before changing anything, so a file that is not a
        // database is reported as such and left untouched.
        migrations::check_readable(&conn, label)?;
        if wal {
            // A new file (no page yet) gets 16 KB pages: an application's
            // body (about 5 KB in the generated stores) fills a 4 KB page
            // and spills onto an overflow page; with 16 KB pages the same
            // bytes are a quarter of the pages to allocate, log and
            // checkpoint (a 100,000-application import: about 2 s less CPU,
            // docs/BENCHMARKS.md, fourth pass). A file's page size is fixed
            // once it has pages: older stores keep theirs.
            let pages: i64 = conn
                .pragma_query_value(None, "page_count", |r| r.get(0))
                .map_err(|e| migrations::not_a_store(label, e))?;
            if pages == 0 {
                conn.execute_batch(&format!("PRAGMA page_size = {NEW_FILE_PAGE_SIZE}"))
                    .map_err(backend)?;
            }
            // WAL lets readers (the web server) proceed while the CLI writes;
            // NORMAL sync is safe in WAL mode (a crash may lose the last
            // commit, never corrupt the file) and makes commits much cheaper.
            let mode = switch_to_wal(&conn).map_err(|e| migrations::not_a_store(label, e))?;
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
            file: wal,
            bulk_next: false,
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

/// `PRAGMA journal_mode = WAL`, giving the mode it ended in. SQLite does
/// not wait for a lock to change the journal mode, so while another
/// process writes through a rollback journal (a bulk import) this tries
/// again until the busy timeout, like any other statement would wait.
fn switch_to_wal(conn: &Connection) -> Result<String, rusqlite::Error> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
            Err(e)
                if matches!(
                    e.sqlite_error_code(),
                    Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                ) && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            done => return done,
        }
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
        let key = read::quiet_key_for(&profile, zone);
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
        let key = read::quiet_key_for(&read::profile(&tx)?, zone);
        read::each_application(&tx, Some((now.as_second(), &key)), each)?;
        tx.commit().map_err(backend)
    }

    fn each_active_chunk(
        &self,
        now: Timestamp,
        zone: &str,
        work: &(dyn Fn(usize, Vec<Application>) + Sync),
    ) -> Result<(), StoreError> {
        let tx = self.conn.unchecked_transaction().map_err(backend)?;
        let key = read::quiet_key_for(&read::profile(&tx)?, zone);
        read::each_chunk_anywhere(&tx, Some((now.as_second(), &key)), work)?;
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

/// From this many applications put in one write, they are prepared on a
/// second thread ([`SqliteTx::write_prepared_beside`]); below it the
/// thread costs more than it saves.
const PREPARE_BESIDE_FROM: usize = 32;
/// How many prepared applications may wait for the inserting thread.
const PREPARED_AHEAD: usize = 16;

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
    /// Applications written so far.
    puts: u32,
    /// The connection's `cache_size` before this transaction enlarged it,
    /// for the store to restore once the transaction is over.
    cache_before: &'c std::cell::Cell<Option<i64>>,
}

impl<'c> SqliteTx<'c> {
    fn begin(
        conn: &'c mut Connection,
        cache_before: &'c std::cell::Cell<Option<i64>>,
    ) -> Result<SqliteTx<'c>, StoreError> {
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
            puts: 0,
            cache_before,
        })
    }

    /// Counts an application written; grows the page cache of a bulk
    /// write with the applications written (see [`BULK_CACHE_STEP`]).
    fn count_put(&mut self) -> Result<(), StoreError> {
        self.puts = self.puts.saturating_add(1);
        if !self.puts.is_multiple_of(BULK_CACHE_STEP) {
            return Ok(());
        }
        let before = match self.cache_before.get() {
            Some(size) => size,
            None => self
                .tx
                .pragma_query_value(None, "cache_size", |r| r.get(0))
                .map_err(backend)?,
        };
        // `cache_size` is in pages when positive, in KiB when negative.
        let before_kib = if before < 0 {
            -before
        } else {
            before.saturating_mul(
                self.tx
                    .pragma_query_value(None, "page_size", |r| r.get(0))
                    .map_err(backend)?,
            ) / 1024
        };
        let wanted_kib = (i64::from(self.puts) * BULK_CACHE_BYTES_PER_APPLICATION / 1024)
            .min(BULK_CACHE_MAX_KIB);
        if wanted_kib <= before_kib {
            return Ok(());
        }
        self.tx
            .execute_batch(&format!("PRAGMA cache_size = {}", -wanted_kib))
            .map_err(backend)?;
        self.cache_before.set(Some(before));
        Ok(())
    }

    fn write_one(&mut self, change: &Change) -> Result<(), StoreError> {
        match change {
            Change::SetProfile(p) => {
                write::set_profile(&self.tx, p)?;
                self.quiet = write::Quiet::new(p);
            }
            Change::PutApplication(a) => {
                self.put(a, &write::Prepared::new(a, None, self.quiet.seconds(a))?)?;
            }
            Change::PutEncoded(e) => {
                let a = e.application();
                self.put(
                    a,
                    &write::Prepared::new(a, Some(e.body()), self.quiet.seconds(a))?,
                )?;
            }
            Change::DeleteApplication(id) => write::delete_application(&self.tx, id)?,
            Change::DeleteAllApplications => write::delete_all_applications(&self.tx)?,
        }
        Ok(())
    }

    fn put(&mut self, a: &Application, prepared: &write::Prepared<'_>) -> Result<(), StoreError> {
        let next = match self.version {
            Some(v) => v + 1,
            None => journal::last_version(&self.tx)? + 1,
        };
        self.version = Some(next);
        self.count_put()?;
        write::put_application(&self.tx, a, prepared, self.quiet.zone(), next)
    }

    /// A big batch of puts: what each application derives from itself
    /// alone ([`write::Prepared`]) is made on a second thread, a few
    /// applications ahead of this one, which inserts them in order.
    fn write_prepared_beside(&mut self, changes: &[Change]) -> Result<(), StoreError> {
        let quiet = self.quiet.clone();
        std::thread::scope(|scope| {
            let (sender, prepared) = std::sync::mpsc::sync_channel(PREPARED_AHEAD);
            scope.spawn(move || {
                for (a, body) in changes.iter().filter_map(Change::put) {
                    let p = write::Prepared::new(a, body, quiet.seconds(a));
                    // A closed channel: the writing failed and stopped.
                    if sender.send(p).is_err() {
                        break;
                    }
                }
            });
            let mut prepared = prepared.into_iter();
            for change in changes {
                let Some((a, _)) = change.put() else {
                    self.write_one(change)?;
                    continue;
                };
                // The preparing thread ended early only by panicking,
                // which the scope raises again here.
                let Some(p) = prepared.next() else {
                    return Err(StoreError::Backend(
                        "the thread preparing applications stopped".into(),
                    ));
                };
                self.put(a, &p?)?;
            }
            Ok(())
        })
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
        let puts = changes.iter().filter(|c| c.put().is_some()).count();
        // A profile set in the batch changes how the puts after it are
        // prepared: such a batch (an import's first) goes one by one.
        // The cores are counted last: that reads the cgroup's files, too
        // slow for the one-change writes of a streamed import.
        if puts >= PREPARE_BESIDE_FROM
            && !changes.iter().any(|c| matches!(c, Change::SetProfile(_)))
            && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1)
        {
            return self.write_prepared_beside(changes);
        }
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
    fn journal_after_applications(
        &mut self,
        entry: i64,
        items: &[(usize, &str)],
    ) -> Result<(), StoreError> {
        journal::after_applications(&self.tx, entry, items)
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
        self.in_transaction(|tx| tx.write(changes))
    }

    fn apply_each(
        &mut self,
        produce: &mut dyn FnMut(&mut debrief_store::ChangeSink<'_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.in_transaction(|tx| produce(&mut |change| tx.write_one(change)))
    }

    fn transaction(
        &mut self,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.in_transaction(|tx| work(tx))
    }

    fn expect_bulk(&mut self, input_bytes: u64) {
        self.bulk_next = self.file && input_bytes >= ROLLBACK_JOURNAL_FROM_BYTES;
    }
}

impl SqliteStore {
    /// Runs `work` in one write transaction and commits it: through a
    /// rollback journal when announced as bulk, with the page cache it
    /// grew restored after. An error from `work` rolls everything back
    /// (dropping the transaction).
    fn in_transaction(
        &mut self,
        work: impl FnOnce(&mut SqliteTx<'_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let bulk = self.enter_rollback_journal();
        let cache_before = std::cell::Cell::new(None);
        let written = SqliteTx::begin(&mut self.conn, &cache_before).and_then(|mut tx| {
            work(&mut tx)?;
            tx.commit()
        });
        self.after_transaction(written, cache_before.get(), bulk)
    }

    /// Switches the file to a rollback journal for the next transaction if
    /// it was announced as bulk ([`StoreWriter::expect_bulk`]) and no other
    /// connection has the file open; returns whether it did.
    ///
    /// In WAL mode every page a transaction writes goes to the WAL and is
    /// copied into the file again by the checkpoint when the last
    /// connection closes: for a 100,000-application import, 750 MB twice,
    /// then a 750 MB WAL to unlink, about 4 s after the last application
    /// (docs/BENCHMARKS.md, sixth pass). A rollback journal keeps only
    /// the pages the transaction changes that existed before it (few, for
    /// an import that mostly adds), and new pages are written once, into
    /// the file. Atomicity is the same: a failed or interrupted import is
    /// rolled back from the journal, now or at the next open, and
    /// `synchronous = FULL` syncs the journal before the file is touched.
    /// The cost is concurrency: meanwhile, a reader that opens the file
    /// waits, then gets [`StoreError::Busy`] (exit 3), where in WAL mode
    /// it would read the store as it was before the import. That is why
    /// it is never done while another connection (a running server, say)
    /// has the file open: SQLite refuses to leave WAL mode then, and the
    /// write goes through the WAL as any other.
    fn enter_rollback_journal(&mut self) -> bool {
        if !std::mem::take(&mut self.bulk_next) {
            return false;
        }
        let left_wal = self
            .conn
            .query_row("PRAGMA journal_mode = DELETE", [], |r| {
                r.get::<_, String>(0)
            })
            .is_ok_and(|mode| mode.eq_ignore_ascii_case("delete"));
        if !left_wal {
            return false;
        }
        if self
            .conn
            .execute_batch("PRAGMA synchronous = FULL")
            .is_err()
        {
            self.leave_rollback_journal();
            return false;
        }
        true
    }

    /// Back to WAL mode after a bulk write, waiting up to the busy timeout
    /// for a process that opened the file meanwhile. If it never lets go,
    /// the file stays in rollback mode until the next open, which switches
    /// it (every [`SqliteStore::open`] does); nothing written depends on it.
    fn leave_rollback_journal(&mut self) {
        let _ = switch_to_wal(&self.conn);
        let _ = self.conn.execute_batch("PRAGMA synchronous = NORMAL");
    }

    /// Counts a committed write and gives the page cache back its size if
    /// a bulk write enlarged it (see [`BULK_CACHE_STEP`]); a bulk write's
    /// file goes back to WAL mode.
    fn after_transaction(
        &mut self,
        written: Result<(), StoreError>,
        cache_before: Option<i64>,
        bulk: bool,
    ) -> Result<(), StoreError> {
        if bulk {
            self.leave_rollback_journal();
        }
        // Shrinking frees the pages beyond the new size.
        let restored = match cache_before {
            Some(size) => self
                .conn
                .execute_batch(&format!("PRAGMA cache_size = {size}"))
                .map_err(backend),
            None => Ok(()),
        };
        written?;
        restored?;
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

    use rusqlite::OptionalExtension;

    #[test]
    fn cached_lookups_are_not_compiled_again() {
        let mut store = SqliteStore::open_in_memory().expect("open");
        let apps: Vec<Change> = (0..3)
            .map(|n| {
                Change::PutApplication(debrief_store::conformance::full_application(&format!(
                    "a{n}"
                )))
            })
            .collect();
        store.apply(&apps).expect("apply");
        // What `read::one_application` runs for every application an import
        // journals: a parameter compared in a join.
        let sql = "SELECT a.pk, i.image FROM applications a
             LEFT JOIN application_images i ON i.app = a.pk AND i.format = ?2
             WHERE a.id = ?1";
        let reprepared = |store: &SqliteStore| -> i32 {
            store.conn.flush_prepared_statement_cache();
            for id in ["a0", "a1", "nope", "a2"] {
                let mut stmt = store.conn.prepare_cached(sql).expect("prepare");
                let found = stmt
                    .query_row(rusqlite::params![id, image::format()], |r| {
                        r.get::<_, i64>(0)
                    })
                    .optional()
                    .expect("query");
                assert_eq!(found.is_some(), id != "nope");
            }
            let stmt = store.conn.prepare_cached(sql).expect("prepare");
            stmt.get_status(rusqlite::StatementStatus::RePrepare)
        };
        assert_eq!(reprepared(&store), 0, "compiled again after a rebinding");
        // What the setting prevents: plans that depend on the values bound.
        let qpsg = rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG;
        store.conn.set_db_config(qpsg, false).expect("qpsg off");
        assert!(reprepared(&store) > 0, "the cache's rebindings recompile");
        store.conn.set_db_config(qpsg, true).expect("qpsg on");
    }

    #[test]
    fn a_bulk_write_gives_the_page_cache_back() {
        let mut store = SqliteStore::open_in_memory().expect("open");
        let cache = |store: &SqliteStore| -> i64 {
            store
                .conn
                .pragma_query_value(None, "cache_size", |r| r.get(0))
                .expect("cache_size")
        };
        let before = cache(&store);
        let n = BULK_CACHE_STEP as usize * 5;
        {
            let cache_before = std::cell::Cell::new(None);
            let mut tx = SqliteTx::begin(&mut store.conn, &cache_before).expect("begin");
            for i in 0..n {
                let a = debrief_store::conformance::small_application(&format!("t{i}"), "Acme");
                tx.write_one(&Change::PutApplication(a)).expect("put");
            }
            let during: i64 = tx
                .tx
                .pragma_query_value(None, "cache_size", |r| r.get(0))
                .expect("cache_size");
            let wanted = n as i64 * BULK_CACHE_BYTES_PER_APPLICATION / 1024;
            assert_eq!(
                during, -wanted,
                "the cache grows with the applications written"
            );
            assert_eq!(cache_before.get(), Some(before));
            // Dropped: rolled back.
        }
        store
            .conn
            .execute_batch(&format!("PRAGMA cache_size = {before}"))
            .expect("reset");

        store
            .apply_each(&mut |sink| {
                for i in 0..n {
                    let a = debrief_store::conformance::small_application(&format!("a{i}"), "Acme");
                    sink(&Change::PutApplication(a))?;
                }
                Ok(())
            })
            .expect("bulk write");
        assert_eq!(cache(&store), before, "cache_size given back after commit");
        assert_eq!(store.application_ids().expect("ids").len(), n);
        store.check_keys().expect("keys");

        // And after a write that fails half-way (rolled back).
        let failed = store.apply_each(&mut |sink| {
            for i in 0..n {
                let a = debrief_store::conformance::small_application(&format!("b{i}"), "Acme");
                sink(&Change::PutApplication(a))?;
            }
            Err(StoreError::Cancelled)
        });
        assert!(matches!(failed, Err(StoreError::Cancelled)));
        assert_eq!(
            cache(&store),
            before,
            "cache_size given back after a rollback"
        );
        assert_eq!(store.application_ids().expect("ids").len(), n);
    }

    /// Puts `n` small applications named `prefix0`, `prefix1`, … through
    /// `sink`.
    fn put_many(
        sink: &mut debrief_store::ChangeSink<'_>,
        prefix: &str,
        n: usize,
    ) -> Result<(), StoreError> {
        (0..n).try_for_each(|i| {
            let a = debrief_store::conformance::small_application(&format!("{prefix}{i}"), "Acme");
            sink(&Change::PutApplication(a))
        })
    }

    fn side_file(path: &Path, suffix: &str) -> bool {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        Path::new(&name).exists()
    }

    #[test]
    fn a_bulk_write_alone_goes_through_a_rollback_journal_and_back_to_wal() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let path = dir.path().join("s.db");
        let mut store = SqliteStore::open(&path).expect("open");
        store.apply(&[]).expect("a first write");

        store.expect_bulk(ROLLBACK_JOURNAL_FROM_BYTES);
        let mut during = None;
        store
            .apply_each(&mut |sink| {
                put_many(sink, "a", 300)?;
                during = Some((side_file(&path, "-journal"), side_file(&path, "-wal")));
                Ok(())
            })
            .expect("bulk write");
        assert_eq!(
            during,
            Some((true, false)),
            "(rollback journal, WAL) while the bulk write ran"
        );
        assert_eq!(store.journal_mode().expect("mode"), "wal");
        let sync: i64 = store
            .conn
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .expect("synchronous");
        assert_eq!(sync, 1, "NORMAL again");
        assert!(!side_file(&path, "-journal"), "no journal left behind");
        assert_eq!(store.application_ids().expect("ids").len(), 300);

        // A hint is for the next transaction only, and a small input is
        // written through the WAL like any other write.
        for hint in [None, Some(ROLLBACK_JOURNAL_FROM_BYTES - 1)] {
            if let Some(bytes) = hint {
                store.expect_bulk(bytes);
            }
            let mut journal = None;
            store
                .apply_each(&mut |sink| {
                    put_many(sink, "b", 3)?;
                    journal = Some(side_file(&path, "-journal"));
                    Ok(())
                })
                .expect("write");
            assert_eq!(journal, Some(false), "hint {hint:?}");
        }

        // A bulk write that fails leaves nothing, and the file in WAL mode.
        store.expect_bulk(u64::MAX);
        let failed = store.apply_each(&mut |sink| {
            sink(&Change::DeleteAllApplications)?;
            put_many(sink, "c", 300)?;
            Err(StoreError::Cancelled)
        });
        assert!(matches!(failed, Err(StoreError::Cancelled)), "{failed:?}");
        assert_eq!(store.application_ids().expect("ids").len(), 303);
        assert_eq!(store.journal_mode().expect("mode"), "wal");
        assert!(!side_file(&path, "-journal"));
        store.check_keys().expect("keys");
        store.check_load_images().expect("images");
    }

    #[test]
    fn a_bulk_write_while_another_connection_is_open_stays_in_wal_mode() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let path = dir.path().join("s.db");
        let mut store = SqliteStore::open(&path).expect("open");
        let reader = SqliteStore::open(&path).expect("a second connection");
        assert!(reader.application_ids().expect("ids").is_empty());

        store.expect_bulk(u64::MAX);
        let mut during = None;
        store
            .apply_each(&mut |sink| {
                put_many(sink, "a", 50)?;
                // WAL: the other connection still reads the store as it was.
                during = Some((
                    side_file(&path, "-journal"),
                    reader.application_ids().map(|ids| ids.len()).ok(),
                ));
                Ok(())
            })
            .expect("bulk write");
        assert_eq!(during, Some((false, Some(0))));
        assert_eq!(reader.application_ids().expect("ids").len(), 50);
        assert_eq!(store.journal_mode().expect("mode"), "wal");
    }

    #[test]
    fn a_store_opened_during_a_bulk_write_waits_for_it() {
        let dir = tempfile::TempDir::new().expect("temp dir");
        let path = dir.path().join("s.db");
        let mut store = SqliteStore::open(&path).expect("open");
        store.expect_bulk(u64::MAX);
        let opened = std::thread::scope(|scope| {
            let mut opening = None;
            store
                .apply_each(&mut |sink| {
                    put_many(sink, "a", 50)?;
                    let path = &path;
                    // Switching the file to WAL needs the write to be over.
                    opening = Some(scope.spawn(move || {
                        SqliteStore::open(path).and_then(|s| Ok((s.application_ids()?.len(), s)))
                    }));
                    std::thread::sleep(Duration::from_millis(300));
                    Ok(())
                })
                .expect("bulk write");
            opening
                .expect("started")
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        let (count, other) = opened.expect("opened once the bulk write was over");
        assert_eq!(count, 50, "and read what it wrote");
        assert_eq!(other.journal_mode().expect("mode"), "wal");
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
