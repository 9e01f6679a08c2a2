//! Values that belong to one store file and are never exported (the
//! `settings` table): the calendar feed's secret (`calendar_feed_secret`,
//! kept by `debrief-app`), what `debrief remind` announced, the journal's
//! days. Read and written through the store traits.

use debrief_store::StoreError;
use rusqlite::{Connection, OptionalExtension, params};

use crate::codec::backend;

/// The value under `key`; keys are the callers'.
pub(crate) fn get(conn: &Connection, key: &str) -> Result<Option<String>, StoreError> {
    conn.prepare_cached("SELECT value FROM settings WHERE key = ?1")
        .and_then(|mut s| s.query_row([key], |r| r.get(0)).optional())
        .map_err(backend)
}

pub(crate) fn set(conn: &Connection, key: &str, value: &str) -> Result<(), StoreError> {
    conn.prepare_cached("INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)")
        .and_then(|mut s| s.execute(params![key, value]))
        .map_err(backend)?;
    Ok(())
}

pub(crate) fn remove(conn: &Connection, key: &str) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached("DELETE FROM settings WHERE key = ?1")
        .and_then(|mut s| s.execute([key]))
        .map_err(backend)?;
    Ok(n > 0)
}

/// Every per-file value, by key, with the calendar feed's secret and
/// without the store's own bookkeeping (the version sequence): what a copy
/// of the store into another backend takes along.
pub(crate) fn all(conn: &Connection) -> Result<Vec<(String, String)>, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT key, value FROM settings WHERE key <> 'version_seq' ORDER BY key")
        .map_err(backend)?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(backend)?;
    rows.collect::<Result<_, _>>().map_err(backend)
}
