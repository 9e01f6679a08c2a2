//! The journal's rows (`migrations/0004_journal.sql`) and the version
//! sequence; the logic (what to record, how to revert) is
//! `debrief_store::unit`'s, shared by every backend.

use debrief_store::{JournalEntry, JournalItem, Origin, Source, StoreError};
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

use crate::codec::{backend, corrupt};
use crate::settings;

const VERSION_SEQ: &str = "version_seq";

/// The last version handed out.
pub(crate) fn last_version(conn: &Connection) -> Result<i64, StoreError> {
    Ok(settings::get(conn, VERSION_SEQ)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

pub(crate) fn save_last_version(conn: &Connection, v: i64) -> Result<(), StoreError> {
    settings::set(conn, VERSION_SEQ, &v.to_string())
}

pub(crate) fn version(conn: &Connection, id: &str) -> Result<Option<u64>, StoreError> {
    let v: Option<i64> = conn
        .prepare_cached("SELECT version FROM applications WHERE id = ?1")
        .and_then(|mut s| s.query_row([id], |r| r.get(0)).optional())
        .map_err(backend)?;
    Ok(v.map(|v| u64::try_from(v).unwrap_or(0)))
}

pub(crate) fn begin(conn: &Connection, origin: &Origin) -> Result<i64, StoreError> {
    conn.prepare_cached("INSERT INTO journal (at, at_s, source, what) VALUES (?1, ?2, ?3, ?4)")
        .and_then(|mut s| {
            s.execute(params![
                origin.at.to_string(),
                origin.at.as_second(),
                origin.source.as_str(),
                origin.what,
            ])
        })
        .map_err(backend)?;
    Ok(conn.last_insert_rowid())
}

pub(crate) fn item(
    conn: &Connection,
    entry: i64,
    position: usize,
    app: Option<&str>,
    before: Option<&str>,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO journal_items (entry, position, app, before, after)
         VALUES (?1, ?2, ?3, ?4, ?4)",
    )
    .and_then(|mut s| s.execute(params![entry, position as i64, app, before]))
    .map_err(backend)?;
    Ok(())
}

pub(crate) fn after(
    conn: &Connection,
    entry: i64,
    position: usize,
    after: Option<&str>,
) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE journal_items SET after = ?3 WHERE entry = ?1 AND position = ?2")
        .and_then(|mut s| s.execute(params![entry, position as i64, after]))
        .map_err(backend)?;
    Ok(())
}

/// Sets every application item's `after` of `entry` in one statement, as
/// a reference to the body each application has now (`after_version`,
/// `migrations/0009_journal_refs.sql`; NULL both: gone) instead of a copy
/// of it. Every body a journal entry ends on was written in its
/// transaction, by this build, from the application itself
/// (`write::store`): the exchange JSON `Unit` would read back and
/// serialize, without decoding and encoding 100,000 of them after an
/// import, nor copying them.
pub(crate) fn after_applications(
    conn: &Connection,
    entry: i64,
    items: &[(usize, &str)],
) -> Result<(), StoreError> {
    if items.is_empty() {
        return Ok(());
    }
    conn.prepare_cached(
        "UPDATE journal_items SET after = NULL, after_version = (
             SELECT a.version FROM applications a WHERE a.id = journal_items.app)
         WHERE entry = ?1 AND app IS NOT NULL",
    )
    .and_then(|mut s| s.execute([entry]))
    .map_err(backend)?;
    Ok(())
}

/// Copy on write: gives every journal item whose after refers to the body
/// application `id` has now (at `version`) a copy of that body, before a
/// write changes or removes it.
pub(crate) fn materialize(conn: &Connection, id: &str, version: i64) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE journal_items SET after_version = NULL, after = (
             SELECT b.body FROM applications a
             JOIN application_bodies b ON b.app = a.pk
             WHERE a.id = ?1)
         WHERE after_version = ?2 AND app = ?1",
    )
    .and_then(|mut s| s.execute(params![id, version]))
    .map_err(backend)?;
    Ok(())
}

/// [`materialize`] for every application, before they are all removed.
pub(crate) fn materialize_all(conn: &Connection) -> Result<(), StoreError> {
    let dangling: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM journal_items j
             WHERE j.after_version IS NOT NULL AND NOT EXISTS (
                 SELECT 1 FROM applications a
                 WHERE a.id = j.app AND a.version = j.after_version)",
        )
        .and_then(|mut s| s.query_row([], |r| r.get(0)))
        .map_err(backend)?;
    if dangling > 0 {
        return Err(dangling_reference());
    }
    conn.prepare_cached(
        "UPDATE journal_items SET after_version = NULL, after = (
             SELECT b.body FROM applications a
             JOIN application_bodies b ON b.app = a.pk
             WHERE a.id = journal_items.app)
         WHERE after_version IS NOT NULL",
    )
    .and_then(|mut s| s.execute([]))
    .map_err(backend)?;
    Ok(())
}

fn dangling_reference() -> StoreError {
    corrupt(
        "journal_items",
        "a change's after refers to a version of an application the store no longer has",
    )
}

pub(crate) fn end(conn: &Connection, entry: i64, undoes: &[i64]) -> Result<bool, StoreError> {
    // An item whose after is a reference is the same as its before when
    // the body it refers to is; a NULL before (a new application) never
    // is, and costs no read of the body.
    conn.prepare_cached(
        "DELETE FROM journal_items WHERE entry = ?1 AND CASE
             WHEN after_version IS NULL THEN before IS after
             WHEN before IS NULL THEN 0
             ELSE before = (SELECT b.body FROM applications a
                            JOIN application_bodies b ON b.app = a.pk
                            WHERE a.id = journal_items.app)
         END",
    )
    .and_then(|mut s| s.execute([entry]))
    .map_err(backend)?;
    let items: i64 = conn
        .prepare_cached("SELECT count(*) FROM journal_items WHERE entry = ?1")
        .and_then(|mut s| s.query_row([entry], |r| r.get(0)))
        .map_err(backend)?;
    if items == 0 && undoes.is_empty() {
        conn.prepare_cached("DELETE FROM journal WHERE id = ?1")
            .and_then(|mut s| s.execute([entry]))
            .map_err(backend)?;
        return Ok(false);
    }
    if !undoes.is_empty() {
        let text = serde_json::to_string(undoes).map_err(|e| StoreError::Backend(e.to_string()))?;
        conn.prepare_cached("UPDATE journal SET undoes = ?2 WHERE id = ?1")
            .and_then(|mut s| s.execute(params![entry, text]))
            .map_err(backend)?;
        let mut mark = conn
            .prepare_cached("UPDATE journal SET undone_by = ?1 WHERE id = ?2")
            .map_err(backend)?;
        for undone in undoes {
            mark.execute(params![entry, undone]).map_err(backend)?;
        }
    }
    Ok(true)
}

pub(crate) fn prune(conn: &Connection, before: Timestamp) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM journal WHERE at_s < ?1")
        .and_then(|mut s| s.execute([before.as_second()]))
        .map_err(backend)?;
    Ok(())
}

pub(crate) fn history(
    conn: &Connection,
    limit: usize,
    open_only: bool,
) -> Result<Vec<JournalEntry>, StoreError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, at, source, what, undoes, undone_by FROM journal
             WHERE (?2 = 0 OR undone_by IS NULL) ORDER BY id DESC LIMIT ?1",
        )
        .map_err(backend)?;
    let rows = stmt
        .query_map(params![limit, open_only], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<i64>>(5)?,
            ))
        })
        .map_err(backend)?;
    let mut entries = Vec::new();
    for row in rows {
        let (id, at, source, what, undoes, undone_by) = row.map_err(backend)?;
        entries.push(JournalEntry {
            id,
            at: at.parse().map_err(|e| corrupt("journal", e))?,
            source: Source::parse(&source)
                .ok_or_else(|| corrupt("journal", format!("unknown source '{source}'")))?,
            what,
            items: Vec::new(),
            undoes: match undoes {
                Some(text) => serde_json::from_str(&text).map_err(|e| corrupt("journal", e))?,
                None => Vec::new(),
            },
            undone_by,
        });
    }
    // An after kept as a reference (`after_version`) is the body the
    // application has at that version: its current one (copy on write).
    let mut stmt = conn
        .prepare_cached(
            "SELECT j.app, j.before, j.after, j.after_version, b.body
             FROM journal_items j
             LEFT JOIN applications a ON j.after_version IS NOT NULL
                  AND a.id = j.app AND a.version = j.after_version
             LEFT JOIN application_bodies b ON b.app = a.pk
             WHERE j.entry = ?1 ORDER BY j.position",
        )
        .map_err(backend)?;
    for entry in &mut entries {
        let mut rows = stmt.query([entry.id]).map_err(backend)?;
        while let Some(r) = rows.next().map_err(backend)? {
            let after_version: Option<i64> = r.get(3).map_err(backend)?;
            let after = match after_version {
                None => r.get(2).map_err(backend)?,
                Some(_) => Some(
                    r.get::<_, Option<String>>(4)
                        .map_err(backend)?
                        .ok_or_else(dangling_reference)?,
                ),
            };
            entry.items.push(JournalItem {
                app: r.get(0).map_err(backend)?,
                before: r.get(1).map_err(backend)?,
                after,
            });
        }
    }
    Ok(entries)
}
