//! The shared conformance suite against real SQLite files, plus what only
//! the SQLite backend promises: reopening, WAL, migrations, refusing files
//! it must not touch.

use std::cell::Cell;
use std::path::{Path, PathBuf};

use debrief_core::model::{Application, Dataset, Profile};
use debrief_store::conformance::{self, Failure};
use debrief_store::{Change, Store, StoreError, StoreReader, StoreWriter};
use debrief_store_sqlite::{SCHEMA_VERSION, SqliteStore};
use jiff::Timestamp;
use tempfile::TempDir;

/// A store that, after every write, checks that the load images (what
/// `load` reads) agree with the normalized rows, so the suite tests both.
struct Checked(SqliteStore);

impl StoreReader for Checked {
    fn profile(&self) -> Result<Profile, StoreError> {
        self.0.profile()
    }
    fn load(&self) -> Result<Dataset, StoreError> {
        self.0.load()
    }
    fn load_active(&self, now: Timestamp, zone: &str) -> Result<Dataset, StoreError> {
        self.0.load_active(now, zone)
    }
    fn application(&self, id: &str) -> Result<Option<Application>, StoreError> {
        self.0.application(id)
    }
    fn find_applications(
        &self,
        keys: &std::collections::BTreeSet<String>,
    ) -> Result<Vec<Application>, StoreError> {
        self.0.find_applications(keys)
    }
    fn each_application(
        &self,
        each: &mut dyn FnMut(Application) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.0.each_application(each)
    }
    fn each_active(
        &self,
        now: Timestamp,
        zone: &str,
        each: &mut dyn FnMut(Application) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.0.each_active(now, zone, each)
    }
    fn application_ids(&self) -> Result<Vec<String>, StoreError> {
        self.0.application_ids()
    }
    fn summaries(&self) -> Result<Vec<debrief_store::ApplicationSummary>, StoreError> {
        self.0.summaries()
    }
    fn version(&self, id: &str) -> Result<Option<u64>, StoreError> {
        self.0.version(id)
    }
    fn history(
        &self,
        limit: usize,
        open_only: bool,
    ) -> Result<Vec<debrief_store::JournalEntry>, StoreError> {
        self.0.history(limit, open_only)
    }
    fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.0.setting(key)
    }
    fn revision(&self) -> Result<Option<u64>, StoreError> {
        self.0.revision()
    }
}

impl StoreWriter for Checked {
    fn apply(&mut self, changes: &[Change]) -> Result<(), StoreError> {
        let result = self.0.apply(changes);
        self.0.check_load_images()?;
        self.0.check_keys()?;
        result
    }
    fn apply_each(
        &mut self,
        produce: &mut dyn FnMut(&mut debrief_store::ChangeSink<'_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let result = self.0.apply_each(produce);
        self.0.check_load_images()?;
        self.0.check_keys()?;
        result
    }
    fn transaction(
        &mut self,
        work: &mut dyn FnMut(&mut dyn debrief_store::Transaction) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let result = self.0.transaction(work);
        self.0.check_load_images()?;
        self.0.check_keys()?;
        result
    }
    fn expect_bulk(&mut self, input_bytes: u64) {
        self.0.expect_bulk(input_bytes);
    }
}

/// Runs one conformance check, each store a new file in one temp directory.
fn check(run: fn(conformance::NewStore<'_>) -> Result<(), Failure>) -> Result<(), Failure> {
    let dir = TempDir::new().map_err(|e| Failure {
        check: "setup",
        message: e.to_string(),
    })?;
    let count = Cell::new(0);
    let new_store = || -> Result<Box<dyn Store>, StoreError> {
        count.set(count.get() + 1);
        let path = dir.path().join(format!("store-{}/debrief.db", count.get()));
        Ok(Box::new(Checked(SqliteStore::open(&path)?)))
    };
    run(&new_store)
}

macro_rules! conformance_tests {
    ($($name:ident),+ $(,)?) => {
        $(
            #[test]
            fn $name() -> Result<(), Failure> {
                check(conformance::$name)
            }
        )+

        /// Every check in the suite has a test above (a new check must be added).
        #[test]
        fn every_conformance_check_has_a_test() {
            let named = [$(stringify!($name)),+];
            for (check, _) in conformance::CHECKS {
                assert!(named.contains(check), "no #[test] for conformance::{check}");
            }
        }
    };
}

conformance_tests!(
    empty_store_has_default_profile_and_no_applications,
    profile_round_trip,
    full_application_round_trip,
    edge_values_round_trip,
    replace_keeps_position,
    delete_application,
    unknown_delete_fails_and_rolls_back,
    delete_all_applications,
    application_lookup_and_ids,
    find_applications_by_key,
    each_application_walks_the_store,
    batch_is_atomic,
    empty_batch_changes_nothing,
    load_active_keeps_every_acting_application,
    a_big_batch_of_puts_is_written_as_one_by_one,
    apply_each_is_one_transaction,
    a_bulk_write_is_one_transaction_too,
    summaries_match_the_applications,
    update_is_one_journalled_transaction,
    journal_keeps_what_each_application_ends_as,
    journal_keeps_only_what_changed_in_a_big_unit,
    journal_forgets_entries_older_than_its_days,
    versions_change_and_are_never_reused,
    stale_write_is_refused,
    undo_reverts_and_is_undoable,
    undo_refuses_to_overwrite_unjournalled_changes,
    settings_are_kept_replaced_and_removed,
);

/// Runs one check that needs several handles on one store: each handle a
/// connection to the same new file, as separate processes would have.
fn check_shared(
    run: fn(conformance::OpenShared<'_>) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let dir = TempDir::new().map_err(|e| Failure {
        check: "setup",
        message: e.to_string(),
    })?;
    let path = dir.path().join("shared.db");
    let open =
        || -> Result<Box<dyn Store + Send>, StoreError> { Ok(Box::new(SqliteStore::open(&path)?)) };
    run(&open)
}

#[test]
fn concurrent_updates_lose_nothing() -> Result<(), Failure> {
    check_shared(conformance::concurrent_updates_lose_nothing)
}

#[test]
fn a_write_waits_for_another_writer() -> Result<(), Failure> {
    check_shared(conformance::a_write_waits_for_another_writer)
}

#[test]
fn revision_sees_other_writers() -> Result<(), Failure> {
    check_shared(conformance::revision_sees_other_writers)
}

#[test]
fn every_shared_check_has_a_test() {
    for (check, _) in conformance::SHARED_CHECKS {
        assert!(
            [
                "concurrent_updates_lose_nothing",
                "a_write_waits_for_another_writer",
                "revision_sees_other_writers"
            ]
            .contains(check),
            "no #[test] for conformance::{check}"
        );
    }
}

/// A writer that cannot get the store within the busy timeout fails with
/// `StoreError::Busy` (exit 3 on the command line, 503 on the web), not a
/// generic error, and writes nothing.
#[test]
fn a_store_held_too_long_is_busy() {
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("busy.db");
    let mut store = SqliteStore::open(&path).expect("open");
    let holder = rusqlite::Connection::open(&path).expect("second connection");
    holder
        .execute_batch("BEGIN IMMEDIATE")
        .expect("hold the write lock");
    let origin = debrief_store::Origin::new(
        debrief_store::Source::Cli,
        Timestamp::from_second(1_795_000_000).expect("time"),
        "blocked",
    );
    let started = std::time::Instant::now();
    let r = debrief_store::update(&mut store, &origin, |u| {
        u.apply(&[Change::PutApplication(Application::new("a", "A", ""))])
    });
    assert!(matches!(r, Err(StoreError::Busy(_))), "{r:?}");
    // It waited (the busy timeout) before giving up.
    assert!(started.elapsed() >= std::time::Duration::from_secs(4));
    let message = r.expect_err("busy").to_string();
    assert!(message.contains("could not be used right now"), "{message}");
    holder.execute_batch("ROLLBACK").expect("release");
    assert!(store.application_ids().expect("ids").is_empty());
}

#[test]
fn run_all_passes_in_memory() {
    let new_store =
        || -> Result<Box<dyn Store>, StoreError> { Ok(Box::new(SqliteStore::open_in_memory()?)) };
    if let Err(failures) = conformance::run_all(&new_store) {
        let report: Vec<String> = failures.iter().map(ToString::to_string).collect();
        panic!("{}", report.join("\n"));
    }
}

fn sample() -> Dataset {
    Dataset {
        profile: conformance::sample_profile(),
        applications: vec![
            conformance::full_application("acme"),
            conformance::small_application("globex", "Globex"),
        ],
        ..Dataset::default()
    }
}

fn fill(path: &Path) -> Dataset {
    let data = sample();
    let mut store = SqliteStore::open(path).expect("open");
    let mut changes = vec![Change::SetProfile(data.profile.clone())];
    changes.extend(
        data.applications
            .iter()
            .cloned()
            .map(Change::PutApplication),
    );
    store.apply(&changes).expect("apply");
    data
}

fn temp_db() -> (TempDir, PathBuf) {
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("nested/dirs/debrief.db");
    (dir, path)
}

#[test]
fn reopened_file_has_the_data() {
    let (_dir, path) = temp_db();
    let data = fill(&path);
    let store = SqliteStore::open(&path).expect("reopen");
    assert_eq!(store.load().expect("load"), data);
    assert_eq!(store.application_ids().expect("ids"), ["acme", "globex"]);
}

#[test]
fn open_creates_parent_directories() {
    let (_dir, path) = temp_db();
    assert!(!path.exists());
    SqliteStore::open(&path).expect("open");
    assert!(path.is_file());
}

#[test]
fn file_is_in_wal_mode() {
    let (_dir, path) = temp_db();
    let store = SqliteStore::open(&path).expect("open");
    assert_eq!(store.journal_mode().expect("journal mode"), "wal");
    drop(store);
    // WAL is a property of the file: a plain connection sees it too.
    let conn = rusqlite::Connection::open(&path).expect("open raw");
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("pragma");
    assert_eq!(mode, "wal");
}

fn page_size(path: &Path) -> i64 {
    rusqlite::Connection::open(path)
        .and_then(|c| c.pragma_query_value(None, "page_size", |r| r.get(0)))
        .expect("page_size")
}

#[test]
fn a_new_file_has_16k_pages_and_an_old_one_keeps_its_own() {
    let (_dir, path) = temp_db();
    let data = fill(&path);
    assert_eq!(page_size(&path), 16_384);
    let store = SqliteStore::open(&path).expect("reopen");
    assert_eq!(store.load().expect("load"), data);
    drop(store);

    // A file made with SQLite's default pages (the schema-7 fixture) is
    // upgraded in place and keeps them.
    let (_old_dir, old) = schema_7_fixture();
    assert_eq!(page_size(&old), 4_096);
    let store = SqliteStore::open(&old).expect("upgrade");
    assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
    drop(store);
    assert_eq!(page_size(&old), 4_096);
}

#[test]
fn migrations_are_idempotent_on_reopen() {
    let (_dir, path) = temp_db();
    let data = fill(&path);
    for _ in 0..3 {
        let store = SqliteStore::open(&path).expect("reopen");
        assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
        assert_eq!(store.load().expect("load"), data);
    }
}

#[test]
fn newer_schema_is_refused_as_too_new() {
    let (_dir, path) = temp_db();
    let data = fill(&path);
    let conn = rusqlite::Connection::open(&path).expect("open raw");
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .expect("bump version");
    drop(conn);
    match SqliteStore::open(&path) {
        Err(StoreError::TooNew {
            path: p,
            found,
            known,
        }) => {
            assert_eq!(found, SCHEMA_VERSION + 1);
            assert_eq!(known, SCHEMA_VERSION);
            assert!(p.ends_with("debrief.db"), "{p}");
        }
        other => panic!("expected TooNew, got {other:?}"),
    }
    // Refusing must not have touched the file.
    let conn = rusqlite::Connection::open(&path).expect("open raw");
    conn.pragma_update(None, "user_version", SCHEMA_VERSION)
        .expect("restore version");
    drop(conn);
    assert_eq!(
        SqliteStore::open(&path)
            .expect("open")
            .load()
            .expect("load"),
        data
    );
}

#[test]
fn garbage_file_is_an_error_not_a_panic() {
    let (dir, _) = temp_db();
    let path = dir.path().join("notes.txt");
    let garbage = "These are my interview notes, not a database.\n".repeat(200);
    std::fs::write(&path, &garbage).expect("write");
    let err = SqliteStore::open(&path).expect_err("garbage must not open");
    assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("notes.txt"), "{message}");
    assert!(message.contains("not a Debrief store"), "{message}");
    // And the file is left as it was.
    assert_eq!(std::fs::read_to_string(&path).expect("read"), garbage);
}

#[test]
fn other_sqlite_database_is_refused() {
    let (dir, _) = temp_db();
    let path = dir.path().join("other.db");
    let conn = rusqlite::Connection::open(&path).expect("open raw");
    conn.execute_batch("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
        .expect("create");
    drop(conn);
    let err = SqliteStore::open(&path).expect_err("foreign database must not open");
    assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");
    assert!(err.to_string().contains("not a Debrief store"), "{err}");
}

#[test]
fn two_connections_share_the_file() {
    let (_dir, path) = temp_db();
    let mut writer = SqliteStore::open(&path).expect("open writer");
    let reader = SqliteStore::open(&path).expect("open reader");
    writer
        .apply(&[Change::PutApplication(conformance::full_application(
            "acme",
        ))])
        .expect("apply");
    assert_eq!(reader.application_ids().expect("ids"), ["acme"]);
    assert_eq!(
        reader.application("acme").expect("application"),
        Some(conformance::full_application("acme"))
    );
}

#[test]
fn failed_batch_leaves_the_file_unchanged_after_reopen() {
    let (_dir, path) = temp_db();
    let data = fill(&path);
    let mut store = SqliteStore::open(&path).expect("open");
    let err = store
        .apply(&[
            Change::DeleteAllApplications,
            Change::DeleteApplication("acme".to_string()),
        ])
        .expect_err("unknown id");
    assert!(
        matches!(err, StoreError::UnknownApplication(ref id) if id == "acme"),
        "{err:?}"
    );
    drop(store);
    assert_eq!(
        SqliteStore::open(&path)
            .expect("reopen")
            .load()
            .expect("load"),
        data
    );
}

#[test]
fn stale_or_broken_images_fall_back_to_the_bodies() {
    let (_dir, path) = temp_db();
    let data = fill(&path);
    let conn = rusqlite::Connection::open(&path).expect("open raw");
    // acme's image is garbage of the current format; globex's of another
    // format (what an older build wrote).
    conn.execute_batch(
        "UPDATE application_images SET image = x'c1c1ff' WHERE app = 1;
         UPDATE application_images SET format = 1 WHERE app = 2;",
    )
    .expect("break images");
    drop(conn);
    let store = SqliteStore::open(&path).expect("open");
    assert_eq!(store.load().expect("load"), data);
    let now: Timestamp = "2026-11-22T15:00:00Z".parse().expect("now");
    assert_eq!(
        store
            .load_active(now, "UTC")
            .expect("load_active")
            .applications,
        data.applications
    );
    let mut walked = Vec::new();
    store
        .each_application(&mut |a| {
            walked.push(a);
            Ok(())
        })
        .expect("each");
    assert_eq!(walked, data.applications);
    assert_eq!(
        store.application("acme").expect("application"),
        Some(conformance::full_application("acme"))
    );
    assert_eq!(
        store.application("globex").expect("application").as_ref(),
        data.applications.get(1)
    );
    let err = store.check_load_images().expect_err("broken images");
    assert!(err.to_string().contains("acme"), "{err}");
}

#[test]
fn images_of_another_format_are_rebuilt_when_the_store_is_opened() {
    let (_dir, path) = temp_db();
    let data = fill(&path);
    let conn = rusqlite::Connection::open(&path).expect("open raw");
    // As if an older build (another layout of the model) wrote them all.
    conn.execute_batch(
        "UPDATE application_images SET format = 1, image = x'00';
         UPDATE image_format SET format = 1;",
    )
    .expect("age images");
    drop(conn);
    // While another writer holds the lock the images cannot be rebuilt:
    // the store opens anyway and reads the bodies (after the busy timeout).
    let holder = rusqlite::Connection::open(&path).expect("open raw");
    holder
        .execute_batch("BEGIN IMMEDIATE")
        .expect("hold the lock");
    let store = SqliteStore::open(&path).expect("open while locked");
    assert_eq!(store.load().expect("load"), data);
    assert!(store.check_load_images().is_err(), "still stale");
    drop(store);
    holder.execute_batch("ROLLBACK").expect("release");
    let store = SqliteStore::open(&path).expect("open");
    store.check_load_images().expect("rebuilt on open");
    assert_eq!(store.load().expect("load"), data);
}

#[test]
fn a_body_that_cannot_be_read_is_corrupt_not_a_panic() {
    let (_dir, path) = temp_db();
    fill(&path);
    let conn = rusqlite::Connection::open(&path).expect("open raw");
    conn.execute_batch(
        "UPDATE application_bodies SET body = '{\"id\": 3' WHERE app = 2;
         DELETE FROM application_images WHERE app = 2;",
    )
    .expect("break a body");
    drop(conn);
    let store = SqliteStore::open(&path).expect("open");
    for err in [
        store.load().expect_err("unreadable body"),
        store.application("globex").expect_err("unreadable body"),
    ] {
        assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");
        assert!(err.to_string().contains("body"), "{err}");
    }
    assert!(store.application("acme").expect("acme").is_some());
}

fn ids_active_at(store: &SqliteStore, at: &str, zone: &str) -> Vec<String> {
    let now: Timestamp = at.parse().expect("test time");
    store
        .load_active(now, zone)
        .expect("load_active")
        .applications
        .into_iter()
        .map(|a| a.id.into_string())
        .collect()
}

#[test]
fn agenda_loads_skip_settled_applications_and_the_migration_computes_quietness() {
    let (_dir, path) = temp_db();
    let mut profile = conformance::sample_profile();
    profile.timezone = "America/Chicago".into();
    let mut store = SqliteStore::open(&path).expect("open");
    store
        .apply(&[
            Change::SetProfile(profile),
            Change::PutApplication(conformance::settled_application("settled")),
            Change::PutApplication(conformance::full_application("acme")),
        ])
        .expect("apply");
    let late = "2031-01-01T00:00:00Z";
    let chicago = "America/Chicago";
    assert_eq!(ids_active_at(&store, late, chicago), ["acme"]);
    // Before its events the settled application may still act; in another
    // zone than the one its quietness was computed in, nothing is skipped.
    assert_eq!(
        ids_active_at(&store, "2026-03-01T00:00:00Z", chicago),
        ["settled", "acme"]
    );
    assert_eq!(
        ids_active_at(&store, late, "Europe/Paris"),
        ["settled", "acme"]
    );
    drop(store);

    // A store written before migration 0002 has no quietness: the
    // migration computes it for the rows already there.
    let (_old, path) = schema_7_fixture();
    back_to_schema_1(&path);
    let store = SqliteStore::open(&path).expect("reopen and migrate");
    assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
    assert_eq!(ids_active_at(&store, late, chicago), ["acme"]);
    assert_eq!(
        ids_active_at(&store, "2026-03-01T00:00:00Z", chicago),
        ["acme", "globex", "settled"]
    );
}

/// A store made by the last build with the normalized tables (schema 7,
/// main at 98f9d53), kept as SQL text (`sqlite3 schema7.db .dump`, plus the
/// two header values a dump leaves out): that build's `debrief import` of
/// the conformance suite's sample profile and its full, small and settled
/// applications (`acme`, `globex`, `settled`), a `debrief urgent` and a
/// `debrief undo` (so the journal holds entries); `schema7.json` is that
/// build's `debrief export` of it. Written to a file in a temporary
/// directory.
fn schema_7_fixture() -> (TempDir, PathBuf) {
    let (dir, path) = temp_db();
    std::fs::create_dir_all(path.parent().expect("parent")).expect("dirs");
    rusqlite::Connection::open(&path)
        .and_then(|c| c.execute_batch(include_str!("fixtures/schema7.sql")))
        .expect("write the fixture");
    (dir, path)
}

/// What `schema7.json` holds: the fixture's export by the build that made it.
const SCHEMA_7_EXPORT: &str = include_str!("fixtures/schema7.json");

/// Turns a schema-7 file back into what 0001 alone made: no quietness, no
/// calendar columns, no settings, no versions or journal, images in the
/// old format.
fn back_to_schema_1(path: &Path) {
    let conn = rusqlite::Connection::open(path).expect("open raw");
    conn.execute_batch(
        "ALTER TABLE applications DROP COLUMN quiet_from;
         ALTER TABLE applications DROP COLUMN quiet_zone;
         ALTER TABLE interviews DROP COLUMN location;
         ALTER TABLE interviews DROP COLUMN link;
         ALTER TABLE interviews DROP COLUMN invite_uid;
         ALTER TABLE interviews DROP COLUMN invite_sequence;
         ALTER TABLE profile DROP COLUMN emails;
         DROP TABLE application_keys;
         DROP TABLE settings;
         ALTER TABLE applications DROP COLUMN version;
         DROP TABLE journal_items;
         DROP TABLE journal;
         ALTER TABLE touches DROP COLUMN message_id;
         ALTER TABLE outcomes DROP COLUMN message_id;
         ALTER TABLE applications DROP COLUMN posting_url;
         ALTER TABLE applications DROP COLUMN location;
         ALTER TABLE applications DROP COLUMN salary;
         ALTER TABLE applications DROP COLUMN applied_on;
         ALTER TABLE applications DROP COLUMN source;
         ALTER TABLE applications DROP COLUMN archived;
         UPDATE application_images SET format = 1;
         PRAGMA user_version = 1;",
    )
    .expect("back to schema 1");
}

#[test]
fn a_store_from_before_the_calendar_migration_is_upgraded_in_place() {
    let (_dir, path) = schema_7_fixture();
    let mut data: Dataset = serde_json::from_str(SCHEMA_7_EXPORT).expect("fixture export");
    back_to_schema_1(&path);

    let mut store = SqliteStore::open(&path).expect("upgrade");
    assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
    store
        .check_load_images()
        .expect("images rebuilt in the new format");
    store
        .check_keys()
        .expect("lookup keys indexed by the migration");
    // Everything 0001 could hold is still there; the new fields are empty.
    data.profile.emails.clear();
    for app in &mut data.applications {
        for iv in &mut app.interviews {
            iv.location = None;
            iv.link = None;
            iv.invite = None;
        }
        for t in &mut app.touches {
            t.message_id = None;
        }
        if let Some(o) = &mut app.outcome {
            o.message_id = None;
        }
        app.posting_url = None;
        app.location = None;
        app.salary = None;
        app.applied_on = None;
        app.source = None;
        app.archived = false;
    }
    assert_eq!(store.load().expect("load"), data);
    assert_eq!(
        store
            .setting("calendar_feed_secret")
            .expect("settings table"),
        None
    );
    let origin = debrief_store::Origin::new(
        debrief_store::Source::Cli,
        Timestamp::UNIX_EPOCH,
        "settings are writable",
    );
    debrief_store::update(&mut store, &origin, |u| u.set_setting("remind", "{}"))
        .expect("settings are writable");
}

/// What a store keeps per application besides the application itself: key,
/// id, version, `quiet_from`, `quiet_zone`.
type AppRow = (i64, String, i64, Option<i64>, Option<String>);

fn rows_of(path: &Path) -> Vec<AppRow> {
    rusqlite::Connection::open(path)
        .and_then(|c| {
            c.prepare(
                "SELECT pk, id, version, quiet_from, quiet_zone FROM applications ORDER BY pk",
            )?
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect()
        })
        .expect("application rows")
}

/// The upgrade to bodies (0008) loses nothing: a store made by the last
/// build with the normalized tables exports byte for byte what that build
/// exported, and keeps its keys, versions, quietness, journal and settings.
#[test]
fn a_schema_7_store_is_upgraded_to_bodies_losslessly() {
    let (_dir, path) = schema_7_fixture();
    let before = rows_of(&path);
    assert_eq!(before.len(), 3);
    assert!(
        before.iter().all(|r| r.2 > 0 && r.4.is_some()),
        "{before:?}"
    );
    let journal_before: i64 = rusqlite::Connection::open(&path)
        .and_then(|c| c.query_row("SELECT count(*) FROM journal", [], |r| r.get(0)))
        .expect("journal");
    assert!(journal_before > 0);

    let store = SqliteStore::open(&path).expect("upgrade");
    assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
    store.check_load_images().expect("an image of every body");
    store
        .check_keys()
        .expect("lookup keys of every application");
    let data = store.load().expect("load");
    let mut export = serde_json::to_string_pretty(&data).expect("export");
    export.push('\n');
    assert!(export == SCHEMA_7_EXPORT, "the export changed:\n{export}");
    assert_eq!(
        store.application_ids().expect("ids"),
        ["acme", "globex", "settled"]
    );
    for (summary, app) in store
        .summaries()
        .expect("summaries")
        .iter()
        .zip(&data.applications)
    {
        assert_eq!(summary.id, app.id.as_str());
        assert_eq!(summary.people, app.people.len());
        assert_eq!(summary.interviews, app.interviews.len());
        assert_eq!(summary.touches, app.touches.len());
        assert_eq!(summary.outcome, app.outcome.as_ref().map(|o| o.kind));
    }
    let history = store.history(100, false).expect("history");
    assert_eq!(
        history.len(),
        usize::try_from(journal_before).expect("count")
    );
    for app in &data.applications {
        assert_eq!(
            store.application(&app.id).expect("one").as_ref(),
            Some(app),
            "{}",
            app.id
        );
    }
    drop(store);
    assert_eq!(rows_of(&path), before, "keys, versions and quietness kept");
    // Reopening migrates nothing more.
    let mut store = SqliteStore::open(&path).expect("reopen");
    assert_eq!(store.load().expect("load"), data);
    // The old journal's afters are copies (0009 keeps them): a write of
    // an application they name leaves them as they were, and the new
    // entry refers to the body it wrote.
    let mut globex = store.application("globex").expect("read").expect("globex");
    globex.role = "Principal Engineer".into();
    let at: Timestamp = "2026-11-22T15:00:00Z".parse().expect("time");
    let origin = debrief_store::Origin::new(debrief_store::Source::Cli, at, "edit");
    debrief_store::update(&mut store, &origin, |u| {
        u.apply(&[Change::PutApplication(globex.clone())])
    })
    .expect("edit");
    let after_edit = store.history(100, false).expect("history");
    assert_eq!(after_edit.len(), history.len() + 1);
    assert_eq!(after_edit[1..], history[..], "old entries changed");
    assert_eq!(
        after_edit[0].items[0].after,
        Some(serde_json::to_string(&globex).expect("json"))
    );
    debrief_store::undo(&mut store, &origin, 1).expect("undo");
    assert_eq!(
        store.application("globex").expect("read").as_ref(),
        data.applications.iter().find(|a| a.id == "globex")
    );
}

#[test]
fn quietness_follows_the_holiday_calendar_not_only_the_zone() {
    use debrief_core::engine::Engine;
    use debrief_core::model::{HolidayCalendar, Holidays, Policy};
    // A rejection on Mon 23 Nov 2026 with no feedback call asked: the
    // suggestion lapses at 17:00 on the 15th business day after, Tue 15 Dec
    // with US holidays (Thanksgiving skipped), Mon 14 Dec without.
    let (_dir, path) = temp_db();
    let mut profile = Profile {
        name: "Sam Rivera".into(),
        timezone: "America/Chicago".into(),
        holidays: Holidays {
            calendar: HolidayCalendar::None,
            extra: vec![],
        },
        policy: Policy::Conservative,
        emails: vec![],
    };
    let mut app = conformance::settled_application("rejected");
    app.outcome = Some(debrief_core::model::Outcome {
        kind: debrief_core::model::OutcomeKind::Rejected,
        on: "2026-11-23".parse().expect("date"),
        feedback: vec![],
        stay_in_touch: false,
        message_id: None,
    });
    app.stage = debrief_core::model::Stage::Rejected;
    app.touches
        .retain(|t| t.kind != debrief_core::model::TouchKind::FeedbackRequest);
    let mut store = SqliteStore::open(&path).expect("open");
    store
        .apply(&[
            Change::SetProfile(profile.clone()),
            Change::PutApplication(app.clone()),
        ])
        .expect("apply");
    let between = "2026-12-14T23:30:00Z"; // Mon 14 Dec, 17:30 Chicago
    let zone = "America/Chicago";
    let engine = Engine::new(&profile).expect("engine");
    let quiet = engine.quiet_from(&app).expect("quiet once the call lapses");
    assert!(
        quiet <= between.parse::<Timestamp>().expect("ts"),
        "{quiet}"
    );
    assert!(ids_active_at(&store, between, zone).is_empty());

    // With US holidays the suggestion is still open on Mon 14 Dec, 17:30:
    // the stored quietness must move with the calendar.
    profile.holidays.calendar = HolidayCalendar::Us;
    store
        .apply(&[Change::SetProfile(profile.clone())])
        .expect("profile");
    assert_eq!(ids_active_at(&store, between, zone), ["rejected"]);
    let data = store
        .load_active(between.parse().expect("ts"), zone)
        .expect("load");
    let actions = Engine::new(&profile)
        .expect("engine")
        .agenda(&data, between.parse().expect("ts"))
        .actions;
    assert!(
        actions
            .iter()
            .any(|a| a.rule == debrief_core::rules::Rule::RequestFeedbackCall),
        "{actions:?}"
    );
    // A day off moves it too (and is part of the key).
    profile.holidays.extra = vec!["2026-12-01".parse().expect("date")];
    store
        .apply(&[Change::SetProfile(profile)])
        .expect("profile");
    assert_eq!(
        ids_active_at(&store, "2026-12-15T23:30:00Z", zone),
        ["rejected"]
    );
}
