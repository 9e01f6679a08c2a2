//! What only the PostgreSQL backend promises: migrations, vaults kept
//! apart, writers in separate connections, use inside an async runtime,
//! errors that never show the password. Against `DEBRIEF_TEST_DATABASE_URL`
//! (`.ci/postgres`); skipped loudly without it.

mod common;

use std::time::{Duration, Instant};

use debrief_core::model::{Application, Dataset};
use debrief_store::conformance::{full_application, sample_profile, small_application};
use debrief_store::{
    Change, Origin, Source, StoreError, StoreReader, StoreWriter, update, update_app,
};
use debrief_store_postgres::{PgStore, SCHEMA_VERSION};
use jiff::Timestamp;

fn origin(what: &str) -> Origin {
    Origin::new(
        Source::Cli,
        Timestamp::from_second(1_795_000_000).expect("time"),
        what,
    )
}

/// What `update_app` may refuse with.
#[derive(Debug)]
#[allow(dead_code)]
enum Refused {
    Store(StoreError),
    Exchange(debrief_core::exchange::ExchangeError),
}

impl From<StoreError> for Refused {
    fn from(e: StoreError) -> Self {
        Refused::Store(e)
    }
}

impl From<debrief_core::exchange::ExchangeError> for Refused {
    fn from(e: debrief_core::exchange::ExchangeError) -> Self {
        Refused::Exchange(e)
    }
}

fn put(a: &Application) -> Change {
    Change::PutApplication(a.clone())
}

#[test]
fn migrations_are_idempotent_and_concurrent_starts_migrate_once() {
    let Some(url) = common::database_url("migrations_are_idempotent") else {
        return;
    };
    let db = format!("debrief_migrate_{}", std::process::id());
    let fresh = common::fresh_database(&url, &db);
    // Four processes starting at once on an empty database.
    let opened: Vec<Result<PgStore, StoreError>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|n| {
                let fresh = fresh.clone();
                s.spawn(move || PgStore::connect_vault(&fresh, &format!("v{n}")))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("no panic"))
            .collect()
    });
    for store in opened {
        let store = store.expect("every concurrent start succeeds");
        assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
    }
    // Again, on a migrated database: nothing to do, data kept.
    let mut store = PgStore::connect(&fresh).expect("connect");
    store
        .apply(&[put(&small_application("a", "A"))])
        .expect("write");
    drop(store);
    let store = PgStore::connect(&fresh).expect("connect again");
    assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
    assert_eq!(store.application_ids().expect("ids"), ["a"]);
    drop(store);
    common::drop_database(&url, &db);
}

/// A write's last statement and its `COMMIT` go in one flight: when the
/// statement fails, the server rolls the transaction back at the
/// `COMMIT`, nothing of it is kept, the error says why, and the
/// connection is ready for the next write.
#[test]
fn a_write_whose_last_statement_fails_keeps_nothing() {
    let Some(url) = common::database_url("a_write_whose_last_statement_fails") else {
        return;
    };
    let db = format!("debrief_lastfails_{}", std::process::id());
    let fresh = common::fresh_database(&url, &db);
    let mut store = PgStore::connect(&fresh).expect("connect");
    store
        .apply(&[put(&small_application("kept", "Kept"))])
        .expect("write");
    let entries = store.history(100, false).expect("history").len();
    common::sql(
        &fresh,
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS
             $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
         CREATE TRIGGER refuse BEFORE UPDATE OF revision ON vaults
             FOR EACH ROW EXECUTE FUNCTION refuse()",
    );
    let err = store
        .apply(&[put(&small_application("lost", "Lost"))])
        .expect_err("the commit's statement fails");
    assert!(err.to_string().contains("refused by the test"), "{err}");
    common::sql(&fresh, "DROP TRIGGER refuse ON vaults");
    assert_eq!(store.application_ids().expect("ids"), ["kept"]);
    assert_eq!(store.history(100, false).expect("history").len(), entries);
    store
        .apply(&[put(&small_application("after", "After"))])
        .expect("the same connection writes again");
    let other = PgStore::connect(&fresh).expect("another connection");
    assert_eq!(other.application_ids().expect("ids"), ["kept", "after"]);
    drop((store, other));
    common::drop_database(&url, &db);
}

/// Migration 0007 moves `archived` out of the body into a column: rows
/// written before it keep what their bodies say.
#[test]
fn the_archived_column_is_filled_from_the_bodies_written_before_it() {
    let Some(url) = common::database_url("the_archived_column_is_filled") else {
        return;
    };
    let db = format!("debrief_archived_{}", std::process::id());
    let fresh = common::fresh_database(&url, &db);
    let mut shelved = small_application("shelved", "Shelved");
    shelved.archived = true;
    let mut store = PgStore::connect(&fresh).expect("connect");
    store
        .apply(&[put(&shelved), put(&small_application("open", "Open"))])
        .expect("write");
    drop(store);
    // The database as the release before 0007 left it.
    common::sql(
        &fresh,
        "ALTER TABLE applications DROP COLUMN archived;
         DELETE FROM debrief_schema WHERE version = 7",
    );
    let store = PgStore::connect(&fresh).expect("migrate again");
    assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
    let archived: Vec<(String, bool)> = store
        .summaries()
        .expect("summaries")
        .into_iter()
        .map(|s| (s.id, s.archived))
        .collect();
    assert_eq!(
        archived,
        [("shelved".to_string(), true), ("open".to_string(), false)]
    );
    drop(store);
    common::drop_database(&url, &db);
}

#[test]
fn a_database_written_by_a_newer_debrief_is_refused_untouched() {
    let Some(url) = common::database_url("a_database_written_by_a_newer_debrief") else {
        return;
    };
    let db = format!("debrief_toonew_{}", std::process::id());
    let fresh = common::fresh_database(&url, &db);
    let mut store = PgStore::connect(&fresh).expect("connect");
    store
        .apply(&[put(&small_application("kept", "Kept"))])
        .expect("write");
    drop(store);
    common::sql(
        &fresh,
        &format!(
            "INSERT INTO debrief_schema (version) VALUES ({})",
            SCHEMA_VERSION + 1
        ),
    );
    let err = PgStore::connect(&fresh).expect_err("a newer schema is refused");
    match &err {
        StoreError::TooNew { found, known, path } => {
            assert_eq!((*found, *known), (SCHEMA_VERSION + 1, SCHEMA_VERSION));
            assert!(!path.contains("debrief:debrief"), "{path}");
        }
        other => panic!("expected TooNew, got {other:?}"),
    }
    assert!(err.to_string().contains("newer Debrief"), "{err}");
    // Nothing was changed: take the newer row away and the data is there.
    common::sql(
        &fresh,
        &format!(
            "DELETE FROM debrief_schema WHERE version = {}",
            SCHEMA_VERSION + 1
        ),
    );
    let store = PgStore::connect(&fresh).expect("connect");
    assert_eq!(store.application_ids().expect("ids"), ["kept"]);
    drop(store);
    common::drop_database(&url, &db);
}

#[test]
fn two_vaults_never_see_each_others_data() {
    let Some(url) = common::database_url("two_vaults_never_see_each_others_data") else {
        return;
    };
    let (va, vb) = (
        common::fresh_vault(&url, "iso-a"),
        common::fresh_vault(&url, "iso-b"),
    );
    let mut a = PgStore::connect_vault(&url, &va).expect("a");
    let mut b = PgStore::connect_vault(&url, &vb).expect("b");
    // The same application id in both vaults, different content.
    let mine = full_application("same-id");
    let theirs = small_application("same-id", "Other Co");
    update(&mut a, &origin("a writes"), |u| {
        u.apply(&[Change::SetProfile(sample_profile()), put(&mine)])?;
        u.set_setting("remind", "a")
    })
    .expect("a writes");
    assert_eq!(b.load().expect("b loads"), Dataset::default());
    assert!(b.history(10, false).expect("b history").is_empty());
    assert_eq!(b.version("same-id").expect("version"), None);
    update(&mut b, &origin("b writes"), |u| u.apply(&[put(&theirs)])).expect("b writes");
    assert_eq!(
        a.application("same-id").expect("read"),
        Some(mine.clone()),
        "b's write did not touch a's application"
    );
    assert_eq!(
        b.application("same-id").expect("read"),
        Some(theirs.clone())
    );
    assert_eq!(b.setting("remind").expect("setting"), None);
    assert_eq!(a.setting("remind").expect("setting"), Some("a".into()));
    // Deleting everything in b leaves a alone; undo in b only undoes b's.
    update(&mut b, &origin("b clears"), |u| {
        u.apply(&[Change::DeleteAllApplications])
    })
    .expect("b clears");
    assert_eq!(a.application_ids().expect("ids"), ["same-id"]);
    assert_eq!(a.history(10, false).expect("a history").len(), 1);
    let undone = debrief_store::undo(&mut b, &origin("undo"), 1).expect("undo in b");
    assert_eq!(undone.reverted.len(), 1);
    assert_eq!(undone.reverted[0].what, "b clears");
    assert_eq!(b.application("same-id").expect("read"), Some(theirs));
    assert_eq!(a.application("same-id").expect("read"), Some(mine));
    assert_eq!(a.history(10, false).expect("a history").len(), 1);
    // Journal ids are numbered per vault, as in a SQLite file.
    assert_eq!(a.history(10, false).expect("a history")[0].id, 1);
}

#[test]
fn concurrent_writers_on_two_connections_lose_nothing() {
    let Some(url) = common::database_url("concurrent_writers_on_two_connections") else {
        return;
    };
    let vault = common::fresh_vault(&url, "writers");
    let mut setup = PgStore::connect_vault(&url, &vault).expect("connect");
    setup
        .apply(&[put(&Application::new("shared", "Shared", ""))])
        .expect("setup");
    const EACH: usize = 40;
    std::thread::scope(|s| {
        for w in 0..2 {
            let (url, vault) = (&url, &vault);
            s.spawn(move || {
                let mut store = PgStore::connect_vault(url, vault).expect("connect");
                for n in 0..EACH {
                    let r: Result<(), Refused> =
                        update_app(&mut store, &origin("touch"), "shared", None, |a| {
                            a.urgent = !a.urgent;
                            a.role = format!("{}|w{w}-{n}", a.role);
                            Ok(())
                        });
                    r.expect("every update succeeds");
                }
            });
        }
    });
    let shared = setup
        .application("shared")
        .expect("read")
        .expect("still there");
    assert_eq!(shared.role.matches('|').count(), 2 * EACH);
    // The setup was not journalled; every update was, once.
    assert_eq!(setup.history(1000, false).expect("history").len(), 2 * EACH);
}

#[test]
fn a_vault_held_too_long_is_busy_and_nothing_is_written() {
    let Some(url) = common::database_url("a_vault_held_too_long_is_busy") else {
        return;
    };
    let vault = common::fresh_vault(&url, "busy");
    let mut store = PgStore::connect_vault(&url, &vault).expect("connect");
    let (held_tx, held_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    std::thread::scope(|s| {
        let (url, vault) = (&url, &vault);
        s.spawn(move || {
            let mut holder = PgStore::connect_vault(url, vault).expect("holder");
            let _ = update(&mut holder, &origin("holds"), |_| {
                held_tx.send(()).expect("signal");
                let _ = release_rx.recv_timeout(Duration::from_secs(30));
                Err::<(), _>(StoreError::Cancelled)
            });
        });
        held_rx.recv().expect("the holder has the lock");
        let started = Instant::now();
        let r = update(&mut store, &origin("blocked"), |u| {
            u.apply(&[put(&Application::new("a", "A", ""))])
        });
        let waited = started.elapsed();
        release_tx.send(()).expect("release");
        assert!(matches!(r, Err(StoreError::Busy(_))), "{r:?}");
        assert!(waited >= Duration::from_secs(4), "waited {waited:?}");
        let message = r.expect_err("busy").to_string();
        assert!(message.contains("could not be used right now"), "{message}");
    });
    assert!(store.application_ids().expect("ids").is_empty());
    // The connection is still usable after the refusal.
    store
        .apply(&[put(&Application::new("b", "B", ""))])
        .expect("write after busy");
}

/// The web app calls the store inside axum handlers, on a runtime's worker
/// thread: a blocking client that starts its own runtime would panic there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_works_inside_a_multi_thread_runtime() {
    inside_a_runtime("multi_thread");
}

#[tokio::test(flavor = "current_thread")]
async fn the_store_works_inside_a_current_thread_runtime() {
    inside_a_runtime("current_thread");
}

fn inside_a_runtime(flavor: &str) {
    let Some(url) = common::database_url(&format!("the_store_works_inside_a_{flavor}_runtime"))
    else {
        return;
    };
    let name = format!("test-runtime-{flavor}-{}", std::process::id());
    let mut store = PgStore::connect_vault(&url, &name).expect("connect inside a runtime");
    store
        .apply(&[Change::DeleteAllApplications])
        .expect("clear");
    let a = full_application("in-runtime");
    update(&mut store, &origin("async"), |u| u.apply(&[put(&a)])).expect("update");
    assert_eq!(store.application("in-runtime").expect("read"), Some(a));
    assert_eq!(store.load().expect("load").applications.len(), 1);
}

#[test]
fn connection_errors_name_the_server_and_never_the_password() {
    let Some(url) = common::database_url("connection_errors_never_print_the_password") else {
        return;
    };
    let secret = "s3cret-Pa55word";
    let wrong = url.replacen("debrief:debrief@", &format!("debrief:{secret}@"), 1);
    assert_ne!(wrong, url, "the test URL has the form .ci/postgres prints");
    let err = PgStore::connect(&wrong).expect_err("a wrong password is refused");
    let text = err.to_string();
    assert!(!text.contains(secret), "{text}");
    assert!(text.contains("127.0.0.1"), "{text}");
    assert!(text.contains("password"), "{text}");

    // Nothing listens on port 1.
    let nobody = format!("postgres://debrief:{secret}@127.0.0.1:1/debrief_test");
    let text = PgStore::connect(&nobody)
        .expect_err("nothing listens")
        .to_string();
    assert!(!text.contains(secret), "{text}");
    assert!(
        text.contains("cannot connect to postgres://debrief@127.0.0.1:1/debrief_test"),
        "{text}"
    );

    for bad in [
        format!("postgres://debrief:{secret}@127.0.0.1:notaport/db"),
        format!("mysql://debrief:{secret}@127.0.0.1/db"),
    ] {
        let text = PgStore::connect(&bad).expect_err("not a URL").to_string();
        assert!(!text.contains(secret), "{text}");
        assert!(text.contains("not a PostgreSQL URL"), "{text}");
    }
}
