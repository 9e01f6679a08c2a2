//! An agenda rebuilt from an earlier one (`active_actions_since`) is the
//! agenda built from scratch, and reads only what was written since: on a
//! real PostgreSQL vault (which keeps versions) and a real SQLite file
//! (which reads everything again).

use std::collections::HashMap;

use debrief_app::agenda::{Earlier, active_actions, active_actions_since};
use debrief_core::engine::{Action, Engine};
use debrief_core::model::{Application, Channel, Moment, Touch, TouchKind};
use debrief_store::{Active, Change, Store, StoreReader, StoreWriter};
use debrief_store_postgres::PgStore;
use debrief_store_sqlite::SqliteStore;
use jiff::Timestamp;

fn now() -> Timestamp {
    "2026-11-22T15:00:00Z".parse().expect("time")
}

/// The demo's profile and applications, written to `store`.
fn seeded(store: &mut dyn Store) -> Vec<Application> {
    let data = debrief_core::demo::dataset(now(), "America/Chicago").expect("demo");
    let mut changes = vec![Change::SetProfile(data.profile.clone())];
    changes.extend(
        data.applications
            .iter()
            .cloned()
            .map(Change::PutApplication),
    );
    store.apply(&changes).expect("seed");
    data.applications
}

/// What both tests start from: the demo written, its engine and zone,
/// and a first agenda built with nothing earlier.
struct Start {
    apps: Vec<Application>,
    engine: Engine,
    zone: String,
    first: Vec<Action>,
    versions: HashMap<String, u64>,
}

fn start(store: &mut dyn Store) -> Start {
    let apps = seeded(store);
    let profile = store.profile().expect("profile");
    let engine = Engine::new(&profile).expect("engine");
    let zone = profile.timezone;
    let (first, versions) =
        active_actions_since(store, &engine, now(), &zone, None).expect("first");
    assert_eq!(first, fresh(store, &engine, &zone));
    Start {
        apps,
        engine,
        zone,
        first,
        versions,
    }
}

fn fresh(store: &dyn StoreReader, engine: &Engine, zone: &str) -> Vec<Action> {
    active_actions(store, engine, now(), zone, &mut |_| {}).expect("agenda")
}

/// Which ids `each_active_since` reads and which it keeps.
fn reads(
    store: &dyn StoreReader,
    zone: &str,
    known: &HashMap<String, u64>,
) -> (Vec<String>, usize) {
    let (mut read, mut kept) = (Vec::new(), 0);
    store
        .each_active_since(now(), zone, known, &mut |seen| {
            match seen {
                Active::Read(a, _) => read.push(a.id.to_string()),
                Active::Kept(..) => kept += 1,
            }
            Ok(())
        })
        .expect("walk");
    (read, kept)
}

/// The agenda rebuilt from `earlier` and its versions.
fn since(
    store: &dyn StoreReader,
    engine: &Engine,
    zone: &str,
    earlier: &[Action],
    versions: &HashMap<String, u64>,
) -> (Vec<Action>, HashMap<String, u64>) {
    active_actions_since(
        store,
        engine,
        now(),
        zone,
        Some(Earlier {
            actions: earlier,
            versions,
        }),
    )
    .expect("rebuilt")
}

fn thanked(mut app: Application) -> Application {
    let tz = jiff::tz::TimeZone::get("America/Chicago").expect("zone");
    app.touches.push(Touch {
        at: Moment::in_zone(now() - jiff::SignedDuration::from_hours(2), &tz),
        person: None,
        channel: Channel::Email,
        kind: TouchKind::StatusCheck,
        replied_at: None,
        forced: false,
        note: Some("Checking in on the timeline".into()),
        message_id: None,
    });
    app
}

#[test]
fn a_postgresql_agenda_rebuilt_from_an_earlier_one_reads_only_what_was_written() {
    let Some(url) = std::env::var("DEBRIEF_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
    else {
        eprintln!(
            "!! SKIPPED a_postgresql_agenda_rebuilt_from_an_earlier_one: DEBRIEF_TEST_DATABASE_URL is not set.\n\
             !! Start a throwaway server with `export DEBRIEF_TEST_DATABASE_URL=\"$(.ci/postgres)\"`, then run the tests again."
        );
        return;
    };
    let vault = format!("agenda-since-{}", std::process::id());
    let mut store = PgStore::connect_vault(&url, &vault).expect("connect");
    store
        .apply(&[Change::DeleteAllApplications])
        .expect("empty the vault a previous run left");
    let Start {
        apps,
        engine,
        zone,
        first,
        versions,
    } = start(&mut store);
    assert!(!first.is_empty(), "the demo has things to do");
    assert!(!versions.is_empty(), "PostgreSQL says each version");
    // Nothing written: nothing read.
    assert_eq!(
        reads(&store, &zone, &versions),
        (Vec::new(), versions.len())
    );

    // One application written, one removed, one added.
    let touched = apps
        .iter()
        .find(|a| versions.contains_key(a.id.as_str()))
        .expect("an acting application")
        .clone();
    let removed = apps
        .iter()
        .rev()
        .find(|a| versions.contains_key(a.id.as_str()) && a.id != touched.id)
        .expect("another")
        .id
        .to_string();
    let mut added = touched.clone();
    added.id = "added-since".into();
    store
        .apply(&[
            Change::PutApplication(thanked(touched.clone())),
            Change::DeleteApplication(removed.as_str().into()),
            Change::PutApplication(added),
        ])
        .expect("write");
    let (read, kept) = reads(&store, &zone, &versions);
    assert_eq!(read, [touched.id.to_string(), "added-since".to_string()]);
    assert_eq!(
        kept,
        versions.len() - 2,
        "all but the written and the removed"
    );

    let (second, next) = since(&store, &engine, &zone, &first, &versions);
    assert_eq!(second, fresh(&store, &engine, &zone));
    assert_ne!(second, first, "the write changed the agenda");
    assert!(!next.contains_key(&removed) && next.contains_key("added-since"));
    assert_ne!(
        next.get(touched.id.as_str()),
        versions.get(touched.id.as_str())
    );

    store
        .apply(&[Change::DeleteAllApplications])
        .expect("clean up");
}

#[test]
fn a_sqlite_agenda_from_an_earlier_one_is_read_whole_and_the_same() {
    let dir = tempfile::TempDir::new().expect("dir");
    let mut store = SqliteStore::open(&dir.path().join("debrief.db")).expect("open");
    let Start {
        apps,
        engine,
        zone,
        first,
        versions,
    } = start(&mut store);
    store
        .apply(&[Change::PutApplication(thanked(apps[0].clone()))])
        .expect("write");
    let (second, _) = since(&store, &engine, &zone, &first, &versions);
    assert_eq!(second, fresh(&store, &engine, &zone));
}
