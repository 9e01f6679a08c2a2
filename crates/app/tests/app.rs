//! The application layer on a real SQLite file: settings kept where
//! existing stores keep them, edits in one transaction, the imports'
//! dry runs writing nothing.

use debrief_app::{AppError, BoxStore, edit_app, history, imports, settings, touch};
use debrief_core::engine::Engine;
use debrief_core::model::{Application, Channel, Moment, Touch, TouchKind};
use debrief_store::{Origin, Source, StoreError};
use debrief_store_sqlite::SqliteStore;
use jiff::Timestamp;

fn origin(what: &str) -> Origin {
    Origin::new(
        Source::Cli,
        "2026-11-20T10:00:00Z".parse().expect("time"),
        what,
    )
}

fn open(path: &std::path::Path) -> BoxStore {
    Box::new(SqliteStore::open(path).expect("open"))
}

#[test]
fn an_existing_files_feed_secret_is_kept() {
    let dir = tempfile::TempDir::new().expect("dir");
    let path = dir.path().join("debrief.db");
    drop(open(&path));
    // What every earlier Debrief wrote for the feed.
    let old = "ab".repeat(32);
    rusqlite::Connection::open(&path)
        .expect("raw")
        .execute(
            "INSERT INTO settings (key, value) VALUES ('calendar_feed_secret', ?1)",
            [&old],
        )
        .expect("insert");
    let mut store = open(&path);
    assert_eq!(
        settings::feed_secret(&*store).expect("read"),
        Some(old.clone())
    );
    assert_eq!(
        settings::feed_secret_or_new(&mut *store, &origin("feed")).expect("same"),
        old
    );
    let renewed = settings::renew_feed_secret(&mut *store, &origin("renew")).expect("renew");
    assert_ne!(renewed, old);
    assert_eq!(renewed.len(), 64);
    assert!(
        renewed
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    );
    drop(store);
    let mut store = open(&path);
    assert_eq!(settings::feed_secret(&*store).expect("read"), Some(renewed));
    assert!(settings::remove_feed_secret(&mut *store, &origin("off")).expect("off"));
    assert!(!settings::remove_feed_secret(&mut *store, &origin("off")).expect("again"));
    assert_eq!(settings::feed_secret(&*store).expect("read"), None);
    // Not data, not history.
    assert!(
        history::entries(&*store, 10, false)
            .expect("history")
            .is_empty()
    );
    // Nobody sets the secret by hand.
    assert!(settings::set(&mut *store, &origin("x"), settings::FEED_SECRET, "x").is_err());
}

#[test]
fn an_edit_is_validated_versioned_and_journalled() {
    let dir = tempfile::TempDir::new().expect("dir");
    let mut store = open(&dir.path().join("debrief.db"));
    debrief_app::apply(
        &mut *store,
        &origin("add"),
        &[debrief_store::Change::PutApplication(Application::new(
            "acme", "Acme", "Engineer",
        ))],
    )
    .expect("add");
    let v = store.version("acme").expect("version").expect("known");
    // A wrong version: nothing written.
    let stale = edit_app(&mut *store, &origin("edit"), "acme", Some(v + 7), |a| {
        a.role = "Lead".into();
        Ok::<_, AppError>(())
    });
    assert!(matches!(
        stale,
        Err(AppError::Store(StoreError::Stale { .. }))
    ));
    // An invalid result: nothing written.
    let invalid = edit_app(&mut *store, &origin("edit"), "acme", Some(v), |a| {
        a.company = String::new();
        Ok::<_, AppError>(())
    });
    assert!(matches!(invalid, Err(AppError::Exchange(_))), "{invalid:?}");
    edit_app(&mut *store, &origin("edit"), "acme", Some(v), |a| {
        a.role = "Lead".into();
        Ok::<_, AppError>(())
    })
    .expect("edit");
    assert_eq!(
        store
            .application("acme")
            .expect("read")
            .expect("there")
            .role,
        "Lead"
    );
    match edit_app(&mut *store, &origin("edit"), "acmee", None, |_| {
        Ok::<_, AppError>(())
    }) {
        Err(AppError::UnknownApplication { id, known }) => {
            assert_eq!((id.as_str(), known), ("acmee", vec!["acme".to_string()]));
        }
        other => panic!("unexpected {other:?}"),
    }
    let entries = history::entries(&*store, 10, false).expect("history");
    assert_eq!(entries.len(), 2);
    history::undo(&mut *store, &origin("undo"), 1).expect("undo");
    assert_eq!(
        store
            .application("acme")
            .expect("read")
            .expect("there")
            .role,
        "Engineer"
    );
}

#[test]
fn a_refused_touch_writes_nothing() {
    let dir = tempfile::TempDir::new().expect("dir");
    let mut store = open(&dir.path().join("debrief.db"));
    let mut app = Application::new("acme", "Acme", "Engineer");
    app.people.push(debrief_core::model::Person::new(
        "ana",
        "Ana",
        debrief_core::model::PersonKind::Recruiter,
    ));
    debrief_app::apply(
        &mut *store,
        &origin("add"),
        &[debrief_store::Change::PutApplication(app)],
    )
    .expect("add");
    let profile = store.profile().expect("profile");
    let engine = Engine::new(&profile).expect("engine");
    let now: Timestamp = "2026-11-20T10:00:00Z".parse().expect("now");
    let tz = jiff::tz::TimeZone::UTC;
    let t = |minutes: i64| Touch {
        at: Moment::in_zone(now - jiff::SignedDuration::from_mins(minutes), &tz),
        person: Some("ana".into()),
        channel: Channel::Email,
        kind: TouchKind::StatusCheck,
        replied_at: None,
        forced: false,
        note: None,
        message_id: None,
    };
    let first = touch::log_touch(
        &mut *store,
        &origin("t1"),
        "acme",
        None,
        &engine,
        t(60),
        false,
        now,
    )
    .expect("first");
    assert!(
        matches!(first, touch::Touched::Logged { forced: None, .. }),
        "{first:?}"
    );
    let before = history::entries(&*store, 10, false).expect("history").len();
    let second = touch::log_touch(
        &mut *store,
        &origin("t2"),
        "acme",
        None,
        &engine,
        t(1),
        false,
        now,
    )
    .expect("second");
    assert!(
        matches!(second, touch::Touched::Refused { .. }),
        "{second:?}"
    );
    assert_eq!(
        store
            .application("acme")
            .expect("read")
            .expect("there")
            .touches
            .len(),
        1
    );
    assert_eq!(
        history::entries(&*store, 10, false).expect("history").len(),
        before
    );
}

#[test]
fn a_dry_run_import_counts_and_writes_nothing_and_a_bad_document_nothing_either() {
    let dir = tempfile::TempDir::new().expect("dir");
    let mut store = open(&dir.path().join("debrief.db"));
    let doc = br#"{"format":"debrief/1","applications":[{"id":"a","company":"A","role":"R","stage":"applied"}]}"#;
    let mut n = 0;
    let dry = imports::exchange(
        &mut *store,
        None,
        imports::Document::Bytes(doc),
        false,
        &mut || n += 1,
    )
    .expect("dry run");
    assert_eq!((dry.count, dry.counts.added, n), (1, 1, 1));
    assert!(store.application_ids().expect("ids").is_empty());
    let bad = br#"{"format":"debrief/1","applications":[{"id":"a","company":"A","role":"R","stage":"applied"},{"id":"b","nmae":1}]}"#;
    let refused = imports::exchange(
        &mut *store,
        Some(&origin("import")),
        imports::Document::Stream(Box::new(&bad[..])),
        false,
        &mut || {},
    );
    assert!(matches!(refused, Err(AppError::Exchange(_))), "{refused:?}");
    assert!(store.application_ids().expect("ids").is_empty());
    let done = imports::exchange(
        &mut *store,
        Some(&origin("import")),
        imports::Document::Bytes(doc),
        false,
        &mut || {},
    )
    .expect("import");
    assert_eq!(done.counts.added, 1);
    assert_eq!(store.application_ids().expect("ids"), vec!["a".to_string()]);
}
