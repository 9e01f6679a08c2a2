//! The whole store's agenda, computed a chunk at a time beside the reading
//! of the next (`active_actions`), is the agenda of every application
//! computed at once: on a real SQLite file of several chunks. A store that
//! fails halfway fails the agenda. The same for the agenda computed where
//! the store decodes (`active_action_parts`, `each_active_chunk`).

use debrief_app::agenda::{active_action_parts, active_actions};
use debrief_core::engine::Engine;
use debrief_core::engine::merge_actions;
use debrief_core::ids::AppId;
use debrief_core::model::Application;
use debrief_store::{Change, StoreReader, StoreWriter};
use debrief_store_sqlite::SqliteStore;
use jiff::Timestamp;

fn now() -> Timestamp {
    "2026-11-22T15:00:00Z".parse().expect("time")
}

/// The demo's applications, copied under new ids until there are `n`.
fn store_of(path: &std::path::Path, n: usize) -> (SqliteStore, Vec<Application>) {
    let data = debrief_core::demo::dataset(now(), "America/Chicago").expect("demo");
    let apps: Vec<Application> = (0..n)
        .map(|k| {
            let mut a = data.applications[k % data.applications.len()].clone();
            a.id = AppId::new(format!("{}-{k}", a.id));
            a
        })
        .collect();
    let mut store = SqliteStore::open(path).expect("open");
    let mut changes = vec![Change::SetProfile(data.profile.clone())];
    changes.extend(apps.iter().cloned().map(Change::PutApplication));
    store.apply(&changes).expect("seed");
    (store, apps)
}

#[test]
fn an_agenda_computed_beside_the_reading_is_the_agenda_computed_at_once() {
    let dir = tempfile::TempDir::new().expect("dir");
    // Past four chunks of 2,048, the last one partial.
    let (store, apps) = store_of(&dir.path().join("debrief.db"), 9_000);
    let profile = store.profile().expect("profile");
    let engine = Engine::new(&profile).expect("engine");
    let mut seen = Vec::new();
    let chunked = active_actions(&store, &engine, now(), &profile.timezone, &mut |a| {
        seen.push(a.id.to_string())
    })
    .expect("agenda");
    let at_once = engine.actions_of(&apps, now());
    assert!(at_once.len() > 9_000, "{} actions", at_once.len());
    assert_eq!(chunked.len(), at_once.len());
    assert!(chunked == at_once, "the orders differ");
    // Every application that can act was seen, in store order.
    let acting: Vec<String> = apps
        .iter()
        .filter(|a| !engine.application_actions(a, now()).is_empty())
        .map(|a| a.id.to_string())
        .collect();
    let seen_acting: Vec<String> = seen.into_iter().filter(|id| acting.contains(id)).collect();
    assert_eq!(seen_acting, acting);
}

#[test]
fn a_store_failing_halfway_fails_the_agenda() {
    let dir = tempfile::TempDir::new().expect("dir");
    let path = dir.path().join("debrief.db");
    let (store, apps) = store_of(&path, 6_000);
    let profile = store.profile().expect("profile");
    let engine = Engine::new(&profile).expect("engine");
    drop(store);
    // An application past the first chunks, unreadable.
    unreadable(&path, apps[4_500].id.as_str());
    let store = SqliteStore::open(&path).expect("open");
    let e = active_actions(&store, &engine, now(), &profile.timezone, &mut |_| {})
        .expect_err("a broken application fails the agenda");
    assert!(
        e.to_string().contains("JSON") || e.to_string().contains("key"),
        "{e}"
    );
}

/// `pk` of application `id`, and a raw connection to the file.
fn raw_key(path: &std::path::Path, id: &str) -> (rusqlite::Connection, i64) {
    let raw = rusqlite::Connection::open(path).expect("raw");
    let pk = raw
        .query_row("SELECT pk FROM applications WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .expect("its key");
    (raw, pk)
}

/// Application `id` made unreadable: no load image, and a body that is
/// not JSON.
fn unreadable(path: &std::path::Path, id: &str) {
    let (raw, pk) = raw_key(path, id);
    raw.execute("DELETE FROM application_images WHERE app = ?1", [pk])
        .expect("no image");
    raw.execute(
        "UPDATE application_bodies SET body = 'not JSON' WHERE app = ?1",
        [pk],
    )
    .expect("bad body");
}

#[test]
fn an_agenda_computed_where_the_store_decodes_is_the_agenda_computed_at_once() {
    let dir = tempfile::TempDir::new().expect("dir");
    let path = dir.path().join("debrief.db");
    let (store, apps) = store_of(&path, 9_000);
    let profile = store.profile().expect("profile");
    let engine = Engine::new(&profile).expect("engine");
    let at_once = engine.actions_of(&apps, now());
    let parts =
        active_action_parts(&store, &engine, now(), &profile.timezone, &|_, a| a).expect("agenda");
    // Several chunks, each sorted.
    assert!(parts.len() > 4, "{} parts", parts.len());
    assert!(merge_actions(parts) == at_once, "the agendas differ");

    // `finish` is given each chunk's applications with its actions: every
    // action is of one of them, and together they are every one read.
    let parts = active_action_parts(
        &store,
        &engine,
        now(),
        &profile.timezone,
        &|apps, actions| {
            let ids: Vec<String> = apps.iter().map(|a| a.id.to_string()).collect();
            assert!(
                actions
                    .iter()
                    .all(|x| ids.contains(&x.application.to_string()))
            );
            ids
        },
    )
    .expect("agenda");
    let read: Vec<String> = parts.concat();

    // Every chunk's applications, by place, are the store's in order.
    let seen = std::sync::Mutex::new(Vec::new());
    store
        .each_active_chunk(now(), &profile.timezone, &|place, chunk| {
            let ids: Vec<String> = chunk.iter().map(|a| a.id.to_string()).collect();
            seen.lock().expect("lock").push((place, ids));
        })
        .expect("walked");
    let mut seen = seen.into_inner().expect("seen");
    seen.sort();
    let walked: Vec<String> = seen.into_iter().flat_map(|(_, ids)| ids).collect();
    let mut active = Vec::new();
    store
        .each_active(now(), &profile.timezone, &mut |a| {
            active.push(a.id.to_string());
            Ok(())
        })
        .expect("walked");
    assert_eq!(walked, active);
    assert_eq!(read, active);
    drop(store);

    // An image that does not decode: its chunk is read from the bodies.
    let (raw, pk) = raw_key(&path, apps[4_500].id.as_str());
    raw.execute(
        "UPDATE application_images SET image = x'ffff' WHERE app = ?1",
        [pk],
    )
    .expect("a bad image");
    drop(raw);
    let store = SqliteStore::open(&path).expect("open");
    let parts =
        active_action_parts(&store, &engine, now(), &profile.timezone, &|_, a| a).expect("agenda");
    assert!(merge_actions(parts) == at_once, "the agendas differ");

    // A body that does not read either: the agenda fails.
    drop(store);
    unreadable(&path, apps[6_000].id.as_str());
    let store = SqliteStore::open(&path).expect("open");
    assert!(active_action_parts(&store, &engine, now(), &profile.timezone, &|_, a| a).is_err());
}

#[test]
fn a_small_store_and_a_panicking_worker() {
    let dir = tempfile::TempDir::new().expect("dir");
    let (store, apps) = store_of(&dir.path().join("debrief.db"), 300);
    let profile = store.profile().expect("profile");
    let engine = Engine::new(&profile).expect("engine");
    let parts =
        active_action_parts(&store, &engine, now(), &profile.timezone, &|_, a| a).expect("agenda");
    assert_eq!(parts.len(), 1);
    assert!(merge_actions(parts) == engine.actions_of(&apps, now()));

    let dir = tempfile::TempDir::new().expect("dir");
    let (store, _) = store_of(&dir.path().join("debrief.db"), 5_000);
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        store.each_active_chunk(now(), &profile.timezone, &|place, _| {
            assert!(place != 2, "the third chunk fails");
        })
    }));
    assert!(panicked.is_err(), "the worker's panic is raised again");
}
