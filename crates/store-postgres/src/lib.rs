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
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

mod conn;
pub mod hosted;
mod migrations;
mod ops;
mod pool;
mod quiet;
pub mod watch;

pub use conn::LOCK_TIMEOUT;
use conn::{Conn, Tx};
pub use migrations::SCHEMA_VERSION;
pub use pool::Pool;
use pool::{Lease, Source};
use quiet::Quiet;
pub use watch::Watch;

/// The vault `connect` opens: the one person's data when a database
/// serves one person.
pub const DEFAULT_VAULT: &str = "default";

/// One vault of a Debrief database on a PostgreSQL server.
pub struct PgStore {
    conn: Source,
    vault: i64,
    vault_name: String,
    /// The profile as of a revision (pooled stores, while the pool's watch
    /// listens): read once per change of the vault, not on every call.
    kept_profile: std::sync::Mutex<Option<(u64, Profile)>>,
    /// The versions this store's last write transaction gave the few
    /// applications it wrote (`None`: removed), as of the revision it
    /// committed as: the `ETag` a server answers right after a write asks
    /// the database nothing.
    kept_versions: std::sync::Mutex<Option<(u64, Written)>>,
    /// The settings the last write transaction read or wrote (`None`: not
    /// there), as of the revision it committed as: the next transaction
    /// that finds the vault at it asks none of them again (every write
    /// reads the journal's days).
    kept_settings: std::sync::Mutex<Option<(u64, Settings)>>,
}

/// The quietness key rows computed in `zone` carry: rows are marked with
/// the zone, holidays and policy they were computed with, so a zone other
/// than the profile's matches no row (every row is read).
fn quiet_key_in(profile: &Profile, zone: &str) -> String {
    if zone == profile.timezone {
        debrief_core::engine::quiet_key(profile)
    } else {
        zone.to_string()
    }
}

/// Settings known to a transaction, by key (`None`: not set).
type Settings = HashMap<String, Option<String>>;

/// Ids a write transaction wrote and the version each has after it
/// (`None`: removed).
type Written = HashMap<String, Option<u64>>;

/// A transaction that writes more applications than this keeps none of
/// their versions (an import): only the few a request writes are asked
/// for again.
const KEEP_VERSIONS: usize = 64;

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("database", &self.conn.label())
            .field("vault", &self.vault_name)
            .finish()
    }
}

/// A consistent read of several statements (one snapshot).
const READ: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";

/// How many applications a walk of the vault (`each_application`,
/// `each_active`: an export, a backup, an agenda) reads at a time, all in
/// one snapshot: memory holds a page, not the vault.
const WALK_PAGE: usize = 512;

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
        PgStore::on(conn, vault)
    }

    /// The vault `vault` (made if missing) over a connection whose schema
    /// is up to date (`hosted::Directory::into_vault`: one connection,
    /// hence one sign-in, for a command that looks an account up first).
    pub(crate) fn on(conn: Conn, vault: &str) -> Result<PgStore, StoreError> {
        PgStore::over(Source::Own(Box::new(conn)), vault)
    }

    /// The vault `vault` (made if missing) over a shared [`Pool`]: a store
    /// that holds no connection between calls, for a server that keeps a
    /// store per vault.
    pub fn pooled(pool: &std::sync::Arc<Pool>, vault: &str) -> Result<PgStore, StoreError> {
        PgStore::over(Source::Pooled(pool.clone()), vault)
    }

    fn over(conn: Source, vault: &str) -> Result<PgStore, StoreError> {
        if vault.trim().is_empty() {
            return Err(StoreError::Backend("a vault needs a name".into()));
        }
        let id = ops::vault(&*conn.lease(None)?, vault)?;
        if let Source::Own(c) = &conn {
            c.bind_vault(id)?;
        }
        Ok(PgStore {
            conn,
            vault: id,
            vault_name: vault.to_string(),
            kept_profile: std::sync::Mutex::new(None),
            kept_versions: std::sync::Mutex::new(None),
            kept_settings: std::sync::Mutex::new(None),
        })
    }

    /// A connection bound to this store's vault, for one call.
    fn lease(&self) -> Result<Lease<'_>, StoreError> {
        self.conn.lease(Some(self.vault))
    }

    /// Hands `each` every application of the vault (with `active`, those
    /// that may act at that moment in that zone), in insertion order, a
    /// page of [`WALK_PAGE`] read at a time, all pages in one snapshot.
    /// The walk holds its connection and transaction until it ends, so
    /// `each` must not use this store.
    fn walk(
        &self,
        active: Option<(Timestamp, &str)>,
        each: &mut dyn FnMut(Application) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let conn = self.lease()?;
        let tx = Tx::begin(&conn, READ)?;
        let key;
        let filter = match active {
            Some((now, zone)) => {
                key = quiet_key_in(&ops::profile(&conn, self.vault)?, zone);
                Some((now.as_second(), key.as_str()))
            }
            None => None,
        };
        let mut after = None;
        loop {
            let (page, last) = ops::applications_page(&conn, self.vault, filter, after, WALK_PAGE)?;
            let full = page.len() == WALK_PAGE;
            page.into_iter().try_for_each(&mut *each)?;
            match last {
                Some(position) if full => after = Some(position),
                _ => break,
            }
        }
        tx.commit()
    }

    /// The vault's name.
    pub fn vault(&self) -> &str {
        &self.vault_name
    }

    /// The database, without its password: `postgres://USER@HOST:PORT/DATABASE`.
    pub fn label(&self) -> &str {
        self.conn.label()
    }

    /// The schema version of the database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        let conn = self.lease()?;
        migrations::version(&conn)
    }

    /// Every setting of the vault, by key.
    pub fn settings(&self) -> Result<Vec<(String, String)>, StoreError> {
        let conn = self.lease()?;
        ops::settings(&conn, self.vault)
    }

    /// True while the vault holds nothing: no saved profile, no
    /// application, no setting.
    pub fn is_empty(&self) -> Result<bool, StoreError> {
        let conn = self.lease()?;
        let tx = Tx::begin(&conn, READ)?;
        let empty = !ops::has_profile(&conn, self.vault)?
            && ops::application_ids(&conn, self.vault)?.is_empty()
            && ops::settings(&conn, self.vault)?.is_empty();
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
        let ticket = self.ticket();
        let conn = self.lease()?;
        let mut tx = self.begin_write(&conn)?;
        if replace {
            ops::clear(&conn, self.vault)?;
            tx.settings.get_mut().clear();
        } else if ops::has_profile(&conn, self.vault)?
            || !ops::application_ids(&conn, self.vault)?.is_empty()
            || !ops::settings(&conn, self.vault)?.is_empty()
        {
            return Err(StoreError::Conflict(format!(
                "the vault '{}' in {} is not empty; pass --replace to overwrite it",
                self.vault_name,
                self.conn.label()
            )));
        }
        tx.write_one(&Change::SetProfile(data.profile.clone()))?;
        for a in &data.applications {
            tx.write_one(&Change::PutApplication(a.clone()))?;
        }
        for (key, value) in settings {
            tx.set_setting(key, value)?;
        }
        self.wrote(ticket, tx.commit())
    }

    /// After a write transaction: a pool's watch learns the revision it
    /// committed as (so this process's next read sees its own write
    /// without waiting for the notification), and the profile is kept as
    /// of it when the transaction did not change it.
    fn wrote(
        &self,
        ticket: Option<watch::Ticket>,
        committed: Result<Committed, StoreError>,
    ) -> Result<(), StoreError> {
        let (Some(watch), Some(ticket)) = (self.conn.watch(), ticket) else {
            return committed.map(|_| ());
        };
        match committed {
            Ok(c) => {
                watch.learn(self.vault, c.revision, ticket);
                *self.kept_profile() = c.profile.map(|p| (c.revision, p));
                *self.kept_versions() = c.written.map(|w| (c.revision, w));
                *self.kept_settings() = Some((c.revision, c.settings));
                Ok(())
            }
            Err(e) => {
                // It may have committed before the answer was lost.
                watch.forget(self.vault);
                Err(e)
            }
        }
    }

    /// The pool's watch's moment, taken before a write transaction.
    fn ticket(&self) -> Option<watch::Ticket> {
        self.conn.watch().map(Watch::ticket)
    }

    /// The vault's revision as the pool's watch knows it (pooled stores,
    /// while it listens and once it heard or read one).
    fn watched_revision(&self) -> Option<u64> {
        self.conn.watch()?.revision(self.vault)
    }

    fn kept_profile(&self) -> std::sync::MutexGuard<'_, Option<(u64, Profile)>> {
        self.kept_profile.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn kept_versions(&self) -> std::sync::MutexGuard<'_, Option<(u64, Written)>> {
        self.kept_versions.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn kept_settings(&self) -> std::sync::MutexGuard<'_, Option<(u64, Settings)>> {
        self.kept_settings.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The profile kept as of `revision`, if that is the one kept.
    fn profile_as_of(&self, revision: u64) -> Option<Profile> {
        self.kept_profile()
            .as_ref()
            .filter(|(r, _)| *r == revision)
            .map(|(_, p)| p.clone())
    }

    /// A write transaction on `conn`, its quietness from the kept profile
    /// when the locked vault is still at the kept revision.
    fn begin_write<'c>(&self, conn: &'c Conn) -> Result<PgTx<'c>, StoreError> {
        let kept = self.kept_profile().clone();
        let settings = self.kept_settings().clone();
        PgTx::begin(conn, self.vault, kept, settings)
    }
}

impl StoreReader for PgStore {
    fn profile(&self) -> Result<Profile, StoreError> {
        // The revision first: a profile read after it is at least as new,
        // so keeping the pair never ties an older profile to a newer
        // revision (see `watch.rs`).
        let revision = self.watched_revision();
        if let Some(p) = revision.and_then(|r| self.profile_as_of(r)) {
            return Ok(p);
        }
        let conn = self.lease()?;
        let profile = ops::profile(&conn, self.vault)?;
        if let Some(r) = revision {
            *self.kept_profile() = Some((r, profile.clone()));
        }
        Ok(profile)
    }

    fn load(&self) -> Result<Dataset, StoreError> {
        let conn = self.lease()?;
        let tx = Tx::begin(&conn, READ)?;
        let profile = ops::profile(&conn, self.vault)?;
        let applications = ops::applications(&conn, self.vault, None)?;
        tx.commit()?;
        Ok(Dataset {
            profile,
            applications,
            ..Dataset::default()
        })
    }

    /// A page at a time, in one snapshot (see [`WALK_PAGE`]).
    fn each_application(
        &self,
        each: &mut dyn FnMut(Application) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.walk(None, each)
    }

    /// A page at a time, in one snapshot (see [`WALK_PAGE`]).
    fn each_active(
        &self,
        now: Timestamp,
        zone: &str,
        each: &mut dyn FnMut(Application) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.walk(Some((now, zone)), each)
    }

    fn load_active(&self, now: Timestamp, zone: &str) -> Result<Dataset, StoreError> {
        let conn = self.lease()?;
        let tx = Tx::begin(&conn, READ)?;
        let profile = ops::profile(&conn, self.vault)?;
        let key = quiet_key_in(&profile, zone);
        let applications = ops::applications(&conn, self.vault, Some((now.as_second(), &key)))?;
        tx.commit()?;
        Ok(Dataset {
            profile,
            applications,
            ..Dataset::default()
        })
    }

    fn each_active_since(
        &self,
        now: Timestamp,
        zone: &str,
        known: &HashMap<String, u64>,
        each: &mut dyn FnMut(debrief_store::Active) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        // The kept profile, if any: the quietness key only narrows what is
        // read, and a profile older than the rows (changed since) names a
        // key no row has, so every row is read (`refresh_quiet`).
        let profile = self.profile()?;
        let conn = self.lease()?;
        let tx = Tx::begin(&conn, READ)?;
        let key = quiet_key_in(&profile, zone);
        let active = ops::active_since(&conn, self.vault, (now.as_second(), &key), known)?;
        tx.commit()?;
        drop(conn);
        active.into_iter().try_for_each(each)
    }

    fn application(&self, id: &str) -> Result<Option<Application>, StoreError> {
        let conn = self.lease()?;
        ops::application(&conn, self.vault, id)
    }

    fn find_applications(
        &self,
        keys: &std::collections::BTreeSet<String>,
    ) -> Result<Vec<Application>, StoreError> {
        let conn = self.lease()?;
        let tx = Tx::begin(&conn, READ)?;
        let found = ops::find_applications(&conn, self.vault, keys)?;
        tx.commit()?;
        Ok(found)
    }

    fn summaries(&self) -> Result<Vec<ApplicationSummary>, StoreError> {
        let conn = self.lease()?;
        ops::summaries(&conn, self.vault)
    }

    fn application_ids(&self) -> Result<Vec<String>, StoreError> {
        let conn = self.lease()?;
        ops::application_ids(&conn, self.vault)
    }

    fn version(&self, id: &str) -> Result<Option<u64>, StoreError> {
        // Written by this store's last transaction, and nothing since.
        if let Some(revision) = self.watched_revision()
            && let Some((r, written)) = self.kept_versions().as_ref()
            && *r == revision
            && let Some(v) = written.get(id)
        {
            return Ok(*v);
        }
        let conn = self.lease()?;
        ops::version(&conn, self.vault, id)
    }

    fn history(&self, limit: usize, open_only: bool) -> Result<Vec<JournalEntry>, StoreError> {
        let conn = self.lease()?;
        let tx = Tx::begin(&conn, READ)?;
        let entries = ops::history(&conn, self.vault, limit, open_only)?;
        tx.commit()?;
        Ok(entries)
    }

    fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        let conn = self.lease()?;
        ops::setting(&conn, self.vault, key)
    }

    /// The vault's write counter (`vaults.revision`).
    fn revision(&self) -> Result<Option<u64>, StoreError> {
        // `vaults` has no row-level security and the statement names the
        // vault: any connection will do, bound or not.
        let Some(watch) = self.conn.watch() else {
            return ops::revision(&*self.conn.lease_any()?, self.vault);
        };
        // A server: the revision its watch heard, while it listens.
        if let Some(revision) = watch.revision(self.vault) {
            return Ok(Some(revision));
        }
        let ticket = watch.ticket();
        let revision = ops::revision(&*self.conn.lease_any()?, self.vault)?;
        if let Some(revision) = revision {
            watch.learn(self.vault, revision, ticket);
        }
        Ok(revision)
    }
}

/// How many writes of one kind a transaction gathers before sending them
/// in one statement.
const BATCH: usize = 1000;

/// One write transaction: the vault's row is locked before the first
/// read, so a read-modify-write never loses another writer's change.
///
/// Writes of applications and journal items are gathered and sent in
/// batches of [`BATCH`] (one statement each) instead of one round trip
/// each; every read that could see them sends them first, or answers from
/// them. Since the vault's lock keeps every other writer out until the
/// end, what the transaction knows of the vault's ids stays true.
struct PgTx<'c> {
    tx: Tx<'c>,
    vault: i64,
    /// The stored profile, read under the lock; `None` once the
    /// transaction sets another.
    profile: Option<Profile>,
    /// Quietness is computed with the profile: the stored one until the
    /// transaction sets another.
    quiet: Quiet,
    stored_key: String,
    last_version: i64,
    /// Settings read or written so far, or kept from the last write at
    /// the revision the lock found.
    settings: RefCell<Settings>,
    state: RefCell<Buffered>,
}

/// What a committed write transaction leaves: the revision it committed
/// as and, unless it set another, the profile the vault has at it.
struct Committed {
    revision: u64,
    profile: Option<Profile>,
    /// The applications it wrote, if few ([`KEEP_VERSIONS`]).
    written: Option<Written>,
    /// The settings it read or wrote.
    settings: Settings,
}

/// What a write transaction holds back or remembers.
#[derive(Default)]
struct Buffered {
    /// Applications to write, in order, one row per id.
    puts: Vec<ops::PendingRow>,
    put_index: HashMap<String, usize>,
    /// The key the pending rows' quietness was computed with.
    puts_key: String,
    /// Every application id in the vault, once read (the writes keep it
    /// up to date): an id not in it needs no query.
    known: Option<HashSet<String>>,
    /// Applications read ahead (see `PgTx::application`), and how many
    /// reads went to the server so far.
    ahead: HashMap<String, Application>,
    misses: usize,
    /// Applications read with their versions (`version`): the version,
    /// and the application until its first read takes it (a check of the
    /// version is followed by a read of the application: one round trip
    /// for both). A write of the id drops it.
    fetched: HashMap<String, (u64, Option<Application>)>,
    /// The journal's trim, sent with the commit's last statement.
    prune: Option<Timestamp>,
    /// Every application written so far and its version (`None`:
    /// removed), while there are few; `None` once there are many or all
    /// were removed.
    written: Option<Written>,
    /// Journal items to insert: the entry and the items, with the index
    /// of each position in them (an `after` that arrives while its item
    /// is still here is written into it, not sent on its own).
    items: Option<(i64, Vec<ops::PendingItem>)>,
    item_index: HashMap<usize, usize>,
    /// `after`s of items already sent: the entry and `(position, after)`.
    afters: Option<(i64, Vec<PendingAfter>)>,
    /// The entry some of whose items reached the server before its end:
    /// only then must the end ask the server which changed nothing.
    sent_early: Option<i64>,
}

/// A journal item's `after` waiting to be written: `(position, after)`.
type PendingAfter = (usize, Option<String>);

/// Notes that `id` was written (its version) or removed (`None`), while
/// few were.
fn note_written(written: &mut Option<Written>, id: &str, version: Option<i64>) {
    if let Some(w) = written {
        w.insert(
            id.to_string(),
            version.map(|v| u64::try_from(v).unwrap_or(0)),
        );
        if w.len() > KEEP_VERSIONS {
            *written = None;
        }
    }
}

impl<'c> PgTx<'c> {
    /// Begins, locks the vault and reads its profile, unless `kept` holds
    /// the profile as of the revision the lock found (under the lock the
    /// revision is exact, so the kept profile is the stored one).
    fn begin(
        conn: &'c Conn,
        vault: i64,
        kept: Option<(u64, Profile)>,
        settings: Option<(u64, Settings)>,
    ) -> Result<PgTx<'c>, StoreError> {
        let tx = Tx::begin(conn, "BEGIN")?;
        let (last_version, revision) = ops::lock(conn, vault)?;
        let profile = match kept {
            Some((r, p)) if r == revision => p,
            _ => ops::profile(conn, vault)?,
        };
        let settings = match settings {
            Some((r, s)) if r == revision => s,
            _ => Settings::new(),
        };
        let quiet = Quiet::new(&profile);
        let profile = Some(profile);
        let stored_key = quiet.key().to_string();
        Ok(PgTx {
            tx,
            vault,
            profile,
            quiet,
            stored_key,
            last_version,
            settings: RefCell::new(settings),
            state: RefCell::new(Buffered {
                written: Some(HashMap::new()),
                ..Buffered::default()
            }),
        })
    }

    fn conn(&self) -> &'c Conn {
        self.tx.conn
    }

    /// Sends the gathered application rows.
    fn flush_puts(&self) -> Result<(), StoreError> {
        let mut st = self.state.borrow_mut();
        if st.puts.is_empty() {
            return Ok(());
        }
        let rows = std::mem::take(&mut st.puts);
        st.put_index.clear();
        ops::put_applications(self.conn(), self.vault, &rows, &st.puts_key)
    }

    /// Sends the gathered journal items and their `after`s before the
    /// entry ends (a read of the journal, a full batch).
    fn flush_journal(&self) -> Result<(), StoreError> {
        let (items, afters) = {
            let mut st = self.state.borrow_mut();
            st.item_index.clear();
            let (items, afters) = (st.items.take(), st.afters.take());
            if let Some(entry) = items.as_ref().map(|i| i.0).or(afters.as_ref().map(|a| a.0)) {
                st.sent_early = Some(entry);
            }
            (items, afters)
        };
        if let Some((entry, items)) = items {
            ops::journal_items(self.conn(), self.vault, entry, &items)?;
        }
        if let Some((entry, afters)) = afters {
            ops::journal_afters(self.conn(), self.vault, entry, &afters)?;
        }
        Ok(())
    }

    /// Sends what is left of `entry`'s journal as it ends: nothing can
    /// change its items any more, so those that changed nothing are not
    /// sent at all. The number of items left, if the server holds no
    /// others of the entry (none was sent before its end).
    fn flush_journal_end(&self, entry: i64) -> Result<Option<usize>, StoreError> {
        let (items, afters, early) = {
            let mut st = self.state.borrow_mut();
            st.item_index.clear();
            let early = st.sent_early.take() == Some(entry) || st.afters.is_some();
            (st.items.take(), st.afters.take(), early)
        };
        let mut kept = 0;
        if let Some((items_entry, mut items)) = items {
            if items_entry == entry {
                items.retain(|i| i.changed());
                kept = items.len();
            }
            ops::journal_items(self.conn(), self.vault, items_entry, &items)?;
        }
        if let Some((afters_entry, afters)) = afters {
            ops::journal_afters(self.conn(), self.vault, afters_entry, &afters)?;
        }
        Ok((!early).then_some(kept))
    }

    /// Sends everything gathered.
    fn flush(&self) -> Result<(), StoreError> {
        self.flush_puts()?;
        self.flush_journal()
    }

    fn write_one(&mut self, change: &Change) -> Result<(), StoreError> {
        let (conn, vault) = (self.conn(), self.vault);
        match change {
            Change::SetProfile(p) => {
                // The rows gathered so far were computed with the old one.
                self.flush_puts()?;
                ops::set_profile(conn, vault, p)?;
                self.quiet = Quiet::new(p);
                self.profile = None;
            }
            Change::PutApplication(a) => self.put(a, None)?,
            Change::PutEncoded(e) => self.put(e.application(), Some(e.body()))?,
            Change::DeleteApplication(id) => {
                self.flush_puts()?;
                ops::delete_application(conn, vault, id)?;
                let mut st = self.state.borrow_mut();
                st.ahead.remove(id);
                st.fetched.remove(id);
                note_written(&mut st.written, id, None);
                if let Some(known) = &mut st.known {
                    known.remove(id);
                }
            }
            Change::DeleteAllApplications => {
                self.flush_puts()?;
                ops::delete_all_applications(conn, vault)?;
                let mut st = self.state.borrow_mut();
                st.ahead.clear();
                st.fetched.clear();
                st.written = None;
                st.known = Some(HashSet::new());
            }
        }
        Ok(())
    }

    /// Gathers a put for the next batch; `body`: the application's, when
    /// encoded already.
    fn put(&mut self, a: &Application, body: Option<&str>) -> Result<(), StoreError> {
        self.last_version += 1;
        let row = ops::PendingRow::of(a, body, &self.quiet, self.last_version)?;
        let full = {
            let st = &mut *self.state.borrow_mut();
            if st.puts.is_empty() {
                st.puts_key = self.quiet.key().to_string();
            }
            st.ahead.remove(a.id.as_str());
            st.fetched.remove(a.id.as_str());
            note_written(&mut st.written, &a.id, Some(self.last_version));
            if let Some(known) = &mut st.known {
                known.insert(a.id.to_string());
            }
            match st.put_index.get(a.id.as_str()) {
                // A second write of the same id replaces the first,
                // in its place (as it would in the table).
                Some(&i) => st.puts[i] = row,
                None => {
                    st.put_index.insert(a.id.to_string(), st.puts.len());
                    st.puts.push(row);
                }
            }
            st.puts.len() >= BATCH
        };
        if full {
            self.flush_puts()?;
        }
        Ok(())
    }

    fn commit(self) -> Result<Committed, StoreError> {
        self.flush()?;
        let (conn, vault) = (self.conn(), self.vault);
        if self.quiet.key() != self.stored_key {
            // Local dates decide a few rules: every row's quietness moves
            // with the profile.
            ops::refresh_quiet(conn, vault, &self.quiet)?;
        }
        // Always: a write that changed only settings or the journal moves
        // the revision too.
        let (prune, written) = {
            let st = &mut *self.state.borrow_mut();
            (st.prune.take(), st.written.take())
        };
        let revision = ops::commit_write(self.tx, vault, self.last_version, prune)?;
        Ok(Committed {
            revision,
            profile: self.profile,
            written,
            settings: self.settings.into_inner(),
        })
    }
}

impl StoreReader for PgTx<'_> {
    fn profile(&self) -> Result<Profile, StoreError> {
        // Read under the lock (or kept as of the revision the lock found)
        // until this transaction sets another.
        match &self.profile {
            Some(p) => Ok(p.clone()),
            None => ops::profile(self.conn(), self.vault),
        }
    }
    fn load(&self) -> Result<Dataset, StoreError> {
        self.flush_puts()?;
        Ok(Dataset {
            profile: ops::profile(self.conn(), self.vault)?,
            applications: ops::applications(self.conn(), self.vault, None)?,
            ..Dataset::default()
        })
    }
    fn find_applications(
        &self,
        keys: &std::collections::BTreeSet<String>,
    ) -> Result<Vec<Application>, StoreError> {
        self.flush_puts()?;
        ops::find_applications(self.conn(), self.vault, keys)
    }
    /// From what the transaction gathered, or read ahead, or knows is
    /// absent; else from the server. From the third read that goes to the
    /// server on, each reads the applications that follow in insertion
    /// order too (up to [`BATCH`]): a journal reads every application an
    /// import wrote, in that order, before and after.
    fn application(&self, id: &str) -> Result<Option<Application>, StoreError> {
        let ahead = {
            let mut st = self.state.borrow_mut();
            if let Some(&i) = st.put_index.get(id) {
                return st.puts[i].application().map(Some);
            }
            if let Some(a) = st.ahead.remove(id) {
                return Ok(Some(a));
            }
            if let Some(a) = st.fetched.get_mut(id).and_then(|f| f.1.take()) {
                // As a read from the server: kept for the next read.
                st.ahead.insert(a.id.to_string(), a.clone());
                return Ok(Some(a));
            }
            if st.known.as_ref().is_some_and(|k| !k.contains(id)) {
                return Ok(None);
            }
            st.misses += 1;
            match st.misses {
                0..=2 => 0,
                n => (n * 8).min(BATCH),
            }
        };
        if ahead == 0 {
            // Kept for the next read of the same id (a change reads what it
            // changes, then the journal reads it again for its `before`);
            // a write of the id drops it.
            let found = ops::application(self.conn(), self.vault, id)?;
            if let Some(a) = &found {
                self.state
                    .borrow_mut()
                    .ahead
                    .insert(a.id.to_string(), a.clone());
            }
            return Ok(found);
        }
        // What is read ahead must be what the table holds at the end.
        self.flush_puts()?;
        let mut found = None;
        let mut read = HashMap::new();
        for a in ops::applications_from(self.conn(), self.vault, id, ahead)? {
            if a.id == id {
                found = Some(a);
            } else {
                read.insert(a.id.to_string(), a);
            }
        }
        self.state.borrow_mut().ahead = read;
        Ok(found)
    }
    fn summaries(&self) -> Result<Vec<ApplicationSummary>, StoreError> {
        self.flush_puts()?;
        ops::summaries(self.conn(), self.vault)
    }
    fn application_ids(&self) -> Result<Vec<String>, StoreError> {
        self.flush_puts()?;
        let ids = ops::application_ids(self.conn(), self.vault)?;
        self.state.borrow_mut().known = Some(ids.iter().cloned().collect());
        Ok(ids)
    }
    fn version(&self, id: &str) -> Result<Option<u64>, StoreError> {
        {
            let st = self.state.borrow();
            if let Some(&i) = st.put_index.get(id) {
                return Ok(Some(u64::try_from(st.puts[i].version).unwrap_or(0)));
            }
            if st.known.as_ref().is_some_and(|k| !k.contains(id)) {
                return Ok(None);
            }
            if let Some((v, _)) = st.fetched.get(id) {
                return Ok(Some(*v));
            }
        }
        let found = ops::versioned_application(self.conn(), self.vault, id)?;
        Ok(found.map(|(v, a)| {
            self.state
                .borrow_mut()
                .fetched
                .insert(id.to_string(), (v, Some(a)));
            v
        }))
    }
    fn history(&self, limit: usize, open_only: bool) -> Result<Vec<JournalEntry>, StoreError> {
        self.flush_journal()?;
        let prune = self.state.borrow_mut().prune.take();
        if let Some(before) = prune {
            ops::journal_prune(self.conn(), self.vault, before)?;
        }
        ops::history(self.conn(), self.vault, limit, open_only)
    }
    fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        if let Some(known) = self.settings.borrow().get(key) {
            return Ok(known.clone());
        }
        let value = ops::setting(self.conn(), self.vault, key)?;
        self.settings
            .borrow_mut()
            .insert(key.to_string(), value.clone());
        Ok(value)
    }
}

impl Transaction for PgTx<'_> {
    fn write(&mut self, changes: &[Change]) -> Result<(), StoreError> {
        changes.iter().try_for_each(|c| self.write_one(c))
    }
    fn journal_begin(&mut self, origin: &Origin) -> Result<i64, StoreError> {
        self.flush_journal()?;
        ops::journal_begin(self.conn(), self.vault, origin)
    }
    fn journal_item(
        &mut self,
        entry: i64,
        position: usize,
        app: Option<&str>,
        before: Option<&str>,
    ) -> Result<(), StoreError> {
        let full = {
            let mut st = self.state.borrow_mut();
            if st.afters.is_some() || st.items.as_ref().is_some_and(|(e, _)| *e != entry) {
                drop(st);
                self.flush_journal()?;
                st = self.state.borrow_mut();
            }
            let st = &mut *st;
            let (_, items) = st.items.get_or_insert_with(|| (entry, Vec::new()));
            st.item_index.insert(position, items.len());
            items.push(ops::PendingItem {
                position,
                app: app.map(str::to_string),
                before: before.map(str::to_string),
                after: None,
            });
            items.len() >= BATCH
        };
        if full {
            self.flush_journal()?;
        }
        Ok(())
    }
    fn journal_after(
        &mut self,
        entry: i64,
        position: usize,
        after: Option<&str>,
    ) -> Result<(), StoreError> {
        {
            // Its item not sent yet: the `after` goes with it.
            let st = &mut *self.state.borrow_mut();
            if let (Some((e, items)), Some(&i)) = (&mut st.items, st.item_index.get(&position))
                && *e == entry
            {
                items[i].after = Some(after.map(str::to_string));
                return Ok(());
            }
        }
        let full = {
            let mut st = self.state.borrow_mut();
            if st.items.is_some() || st.afters.as_ref().is_some_and(|(e, _)| *e != entry) {
                drop(st);
                self.flush_journal()?;
                st = self.state.borrow_mut();
            }
            let (_, afters) = st.afters.get_or_insert_with(|| (entry, Vec::new()));
            afters.push((position, after.map(str::to_string)));
            afters.len() >= BATCH
        };
        if full {
            self.flush_journal()?;
        }
        Ok(())
    }
    fn journal_end(&mut self, entry: i64, undoes: &[i64]) -> Result<bool, StoreError> {
        let kept = self.flush_journal_end(entry)?;
        ops::journal_end(self.conn(), self.vault, entry, undoes, kept)
    }
    fn journal_prune(&mut self, before: Timestamp) -> Result<(), StoreError> {
        // Sent with the commit's last statement: the entry this
        // transaction makes is dated at its origin, never before `before`
        // (`debrief_store::unit`), so the trim cannot take it; a read of
        // the history in between sends it first.
        let st = &mut *self.state.borrow_mut();
        st.prune = Some(st.prune.map_or(before, |p| p.max(before)));
        Ok(())
    }
    fn set_setting(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        ops::set_setting(self.conn(), self.vault, key, value)?;
        self.settings
            .get_mut()
            .insert(key.to_string(), Some(value.to_string()));
        Ok(())
    }
    fn remove_setting(&mut self, key: &str) -> Result<bool, StoreError> {
        let removed = ops::remove_setting(self.conn(), self.vault, key)?;
        self.settings.get_mut().insert(key.to_string(), None);
        Ok(removed)
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
        let ticket = self.ticket();
        let conn = self.lease()?;
        // Dropping the transaction on an early return rolls everything back.
        let mut tx = self.begin_write(&conn)?;
        produce(&mut |change| tx.write_one(change))?;
        self.wrote(ticket, tx.commit())
    }

    fn transaction(
        &mut self,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let ticket = self.ticket();
        let conn = self.lease()?;
        let mut tx = self.begin_write(&conn)?;
        work(&mut tx)?;
        self.wrote(ticket, tx.commit())
    }
}
