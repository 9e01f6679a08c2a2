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

/// Sets every application item's `after` of `entry` in one statement, to
/// the body each application has now (NULL: gone). Every body a journal
/// entry ends on was written in its transaction, by this build, from the
/// application itself (`write::store`): the exchange JSON `Unit` would
/// read back and serialize, without decoding and encoding 100,000 of them
/// after an import.
pub(crate) fn after_applications(
    conn: &Connection,
    entry: i64,
    items: &[(usize, &str)],
) -> Result<(), StoreError> {
    if items.is_empty() {
        return Ok(());
    }
    conn.prepare_cached(
        "UPDATE journal_items SET after = (
             SELECT b.body FROM applications a
             JOIN application_bodies b ON b.app = a.pk
             WHERE a.id = journal_items.app)
         WHERE entry = ?1 AND app IS NOT NULL",
    )
    .and_then(|mut s| s.execute([entry]))
    .map_err(backend)?;
    Ok(())
}

pub(crate) fn end(conn: &Connection, entry: i64, undoes: &[i64]) -> Result<bool, StoreError> {
    conn.prepare_cached("DELETE FROM journal_items WHERE entry = ?1 AND before IS after")
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
    let mut stmt = conn
        .prepare_cached(
            "SELECT app, before, after FROM journal_items WHERE entry = ?1 ORDER BY position",
        )
        .map_err(backend)?;
    for entry in &mut entries {
        let items = stmt
            .query_map([entry.id], |r| {
                Ok(JournalItem {
                    app: r.get(0)?,
                    before: r.get(1)?,
                    after: r.get(2)?,
                })
            })
            .map_err(backend)?;
        for item in items {
            entry.items.push(item.map_err(backend)?);
        }
    }
    Ok(entries)
}
