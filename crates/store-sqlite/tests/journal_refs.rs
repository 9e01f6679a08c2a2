//! The journal's "after" kept as a reference to the application's body
//! (`migrations/0009_journal_refs.sql`): what history and undo read is
//! exactly what they read when every after was a copy, whatever is
//! written later (copy on write), and the import writes no copy.

use std::path::{Path, PathBuf};

use debrief_core::model::{Application, Stage};
use debrief_store::conformance::{full_application, small_application};
use debrief_store::{Change, JournalEntry, Origin, Source, StoreError, StoreReader};
use debrief_store_sqlite::SqliteStore;
use jiff::Timestamp;
use tempfile::TempDir;

fn origin(what: &str) -> Origin {
    // Pinned: the journal keeps 90 days from the write's own time.
    let at: Timestamp = "2026-11-22T15:00:00Z".parse().expect("time");
    Origin::new(Source::Cli, at, what)
}

fn temp_db() -> (TempDir, PathBuf) {
    let dir = TempDir::new().expect("temp dir");
    let path = dir.path().join("store.db");
    (dir, path)
}

fn apps(n: usize) -> Vec<Application> {
    (0..n)
        .map(|i| {
            if i % 3 == 0 {
                full_application(&format!("a{i}"))
            } else {
                small_application(&format!("a{i}"), &format!("Company {i}"))
            }
        })
        .collect()
}

fn write(store: &mut SqliteStore, what: &str, changes: Vec<Change>) -> Result<(), StoreError> {
    debrief_store::update(store, &origin(what), |u| u.apply(&changes))
}

/// Writes every application of `apps` in one journalled transaction, as
/// an import does.
fn import(store: &mut SqliteStore, apps: &[Application]) {
    let changes = apps.iter().cloned().map(Change::PutApplication).collect();
    write(store, "import", changes).expect("import");
}

fn json(a: &Application) -> String {
    serde_json::to_string(a).expect("json")
}

/// The raw `(app, after, after_version)` of each item of `entry`.
type RawItem = (Option<String>, Option<String>, Option<i64>);

fn raw_items(path: &Path, entry: i64) -> Vec<RawItem> {
    let conn = rusqlite::Connection::open(path).expect("open raw");
    let mut stmt = conn
        .prepare(
            "SELECT app, after, after_version FROM journal_items WHERE entry = ?1
             ORDER BY position",
        )
        .expect("prepare");
    stmt.query_map([entry], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<RawItem>>>())
        .expect("items")
}

fn entry(store: &SqliteStore, id: i64) -> JournalEntry {
    store
        .history(1_000, false)
        .expect("history")
        .into_iter()
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("no entry {id}"))
}

fn newest(store: &SqliteStore) -> JournalEntry {
    store
        .history(1, false)
        .expect("history")
        .into_iter()
        .next()
        .expect("an entry")
}

#[test]
fn an_import_refers_to_the_bodies_instead_of_copying_them() {
    let (_dir, path) = temp_db();
    let mut store = SqliteStore::open(&path).expect("open");
    let imported = apps(30);
    import(&mut store, &imported);
    let import = newest(&store);
    assert_eq!(import.items.len(), imported.len());
    for (item, app) in import.items.iter().zip(&imported) {
        assert_eq!(item.app.as_deref(), Some(app.id.as_str()));
        assert_eq!(item.before, None);
        assert_eq!(
            item.after.as_deref(),
            Some(json(app).as_str()),
            "{}",
            app.id
        );
    }
    // No copy: every after is a reference, to a version the store holds.
    let raw = raw_items(&path, import.id);
    assert_eq!(raw.len(), imported.len());
    for (app, after, version) in &raw {
        assert_eq!(after, &None, "{app:?} copied");
        let id = app.as_deref().expect("an application item");
        let stored = store.version(id).expect("version").expect("stored");
        assert_eq!(*version, i64::try_from(stored).ok(), "{id}");
    }
}

#[test]
fn later_writes_leave_history_as_it_was_and_undo_restores_the_imported_bodies() {
    let (_dir, path) = temp_db();
    let mut store = SqliteStore::open(&path).expect("open");
    let imported = apps(12);
    import(&mut store, &imported);
    let import = newest(&store);

    // An edit of a3 (a full application), a delete of a5, an edit of a4
    // that writes it unchanged (no entry), then an edit of a3 again.
    let mut edited = imported[3].clone();
    edited.role = "Staff Analyst".into();
    edited.stage = Stage::Offer;
    write(
        &mut store,
        "edit a3",
        vec![Change::PutApplication(edited.clone())],
    )
    .expect("edit");
    let edit = newest(&store);
    assert_eq!(edit.items.len(), 1);
    assert_eq!(
        edit.items[0].before.as_deref(),
        Some(json(&imported[3]).as_str())
    );
    assert_eq!(edit.items[0].after.as_deref(), Some(json(&edited).as_str()));
    write(
        &mut store,
        "delete a5",
        vec![Change::DeleteApplication("a5".into())],
    )
    .expect("delete");
    let delete = newest(&store);
    write(
        &mut store,
        "same a4",
        vec![Change::PutApplication(imported[4].clone())],
    )
    .expect("same");
    assert_eq!(
        newest(&store).id,
        delete.id,
        "an unchanged write is no entry"
    );
    let mut again = edited.clone();
    again.urgent = !again.urgent;
    write(
        &mut store,
        "edit a3 again",
        vec![Change::PutApplication(again.clone())],
    )
    .expect("edit again");
    let edit_again = newest(&store);

    // Every entry reads as it did right after it was written.
    assert_eq!(entry(&store, import.id), import);
    assert_eq!(entry(&store, edit.id), edit);
    assert_eq!(entry(&store, delete.id), delete);
    // The import's items of a3, a4 (written, if unchanged: a new version)
    // and a5 now hold copies of what was imported; the others still refer
    // to the bodies.
    for (app, after, version) in raw_items(&path, import.id) {
        let id = app.expect("an application item");
        let index: usize = id[1..].parse().expect("index");
        if ["a3", "a4", "a5"].contains(&id.as_str()) {
            assert_eq!(after, Some(json(&imported[index])), "{id}");
            assert_eq!(version, None, "{id}");
        } else {
            assert_eq!(after, None, "{id}");
            assert!(version.is_some(), "{id}");
        }
    }

    // Undo the last three entries (the unchanged write made none): a3 is
    // exactly what was imported, a5 is back as imported.
    let undone = debrief_store::undo(&mut store, &origin("undo"), 3).expect("undo");
    let what: Vec<&str> = undone.reverted.iter().map(|e| e.what.as_str()).collect();
    assert_eq!(what, ["edit a3 again", "delete a5", "edit a3"]);
    assert_eq!(
        store.application("a3").expect("read"),
        Some(imported[3].clone())
    );
    assert_eq!(
        store.application("a5").expect("read"),
        Some(imported[5].clone())
    );
    assert_eq!(sorted(store.load().expect("load").applications), imported);
    assert_eq!(entry(&store, import.id), import);
    assert_eq!(entry(&store, edit_again.id).items, edit_again.items);
    // The undo is undoable: a3 as last edited, a5 gone.
    let undo = newest(&store);
    debrief_store::undo(&mut store, &origin("redo"), 1).expect("redo");
    assert_eq!(store.application("a3").expect("read"), Some(again));
    assert_eq!(store.application("a5").expect("read"), None);
    assert_eq!(entry(&store, undo.id).items, undo.items);
    assert_eq!(entry(&store, import.id).items, import.items);
}

/// By id (`apps` makes a0..a9 then a10..: sort by number).
fn sorted(mut apps: Vec<Application>) -> Vec<Application> {
    apps.sort_by_key(|a| a.id[1..].parse::<usize>().unwrap_or(usize::MAX));
    apps
}

#[test]
fn a_dangling_reference_is_corrupt_and_undo_of_an_import_and_an_edit_is_complete() {
    let (_dir, path) = temp_db();
    let mut store = SqliteStore::open(&path).expect("open");
    let imported = apps(6);
    import(&mut store, &imported);
    let mut edited = imported[0].clone();
    edited.company = "Renamed".into();
    write(&mut store, "edit", vec![Change::PutApplication(edited)]).expect("edit");
    // A write outside the store moves a2's version: the import's
    // reference to a2's body no longer names what a2 holds, and history
    // refuses it as corrupt instead of reading another body.
    {
        let conn = rusqlite::Connection::open(&path).expect("open raw");
        conn.execute(
            "UPDATE applications SET version = version + 1000 WHERE id = 'a2'",
            [],
        )
        .expect("raw write");
    }
    assert!(matches!(
        store.history(10, false),
        Err(StoreError::Corrupt(_))
    ));
    {
        let conn = rusqlite::Connection::open(&path).expect("open raw");
        conn.execute(
            "UPDATE applications SET version = version - 1000 WHERE id = 'a2'",
            [],
        )
        .expect("raw write back");
    }
    // Undoing both: the edit, then the import; the store is empty again.
    let undone = debrief_store::undo(&mut store, &origin("undo"), 2).expect("undo");
    assert_eq!(undone.reverted.len(), 2);
    assert!(store.load().expect("load").applications.is_empty());
    // And the undo is undoable: every application comes back as imported.
    debrief_store::undo(&mut store, &origin("redo"), 1).expect("redo");
    let mut expected = imported.clone();
    expected[0].company = "Renamed".into();
    assert_eq!(sorted(store.load().expect("load").applications), expected);
}

#[test]
fn a_replacing_import_copies_every_referred_body_first() {
    let (_dir, path) = temp_db();
    let mut store = SqliteStore::open(&path).expect("open");
    let first = apps(8);
    write(
        &mut store,
        "import",
        first.iter().cloned().map(Change::PutApplication).collect(),
    )
    .expect("import");
    let import = newest(&store);
    let second: Vec<Application> = (0..3)
        .map(|i| small_application(&format!("a{i}"), "Second"))
        .collect();
    let mut changes = vec![Change::DeleteAllApplications];
    changes.extend(second.iter().cloned().map(Change::PutApplication));
    write(&mut store, "replace", changes).expect("replace");
    let replace = newest(&store);
    assert_eq!(entry(&store, import.id), import);
    for (app, after, version) in raw_items(&path, import.id) {
        assert!(after.is_some() && version.is_none(), "{app:?} not copied");
    }
    // The replace's own items: a0..a2 replaced (references), a3..a7 gone.
    for item in &replace.items {
        let id = item.app.as_deref().expect("application");
        let index: usize = id[1..].parse().expect("index");
        assert_eq!(item.before, Some(json(&first[index])), "{id}");
        let now = second.get(index).map(json);
        assert_eq!(item.after, now, "{id}");
    }
    debrief_store::undo(&mut store, &origin("undo"), 1).expect("undo");
    assert_eq!(store.load().expect("load").applications, first);
    assert_eq!(entry(&store, import.id), import);
    assert_eq!(entry(&store, replace.id).items, replace.items);
}
