//! Values that belong to one store file and are never exported (the
//! `settings` table): today, the secret in the calendar feed's URL.

use debrief_store::StoreError;
use rusqlite::{Connection, OptionalExtension, params};

use crate::codec::backend;

const FEED_SECRET: &str = "calendar_feed_secret";

pub(crate) fn feed_secret(conn: &Connection) -> Result<Option<String>, StoreError> {
    conn.prepare_cached("SELECT value FROM settings WHERE key = ?1")
        .and_then(|mut s| s.query_row([FEED_SECRET], |r| r.get(0)).optional())
        .map_err(backend)
}

/// 32 random bytes from SQLite's generator (ChaCha20, seeded by the
/// operating system), as 64 lowercase hex digits: a URL nobody can guess.
pub(crate) fn new_feed_secret(conn: &Connection) -> Result<String, StoreError> {
    let secret: String = conn
        .query_row("SELECT lower(hex(randomblob(32)))", [], |r| r.get(0))
        .map_err(backend)?;
    conn.prepare_cached("INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)")
        .and_then(|mut s| s.execute(params![FEED_SECRET, secret]))
        .map_err(backend)?;
    Ok(secret)
}

pub(crate) fn remove_feed_secret(conn: &Connection) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached("DELETE FROM settings WHERE key = ?1")
        .and_then(|mut s| s.execute([FEED_SECRET]))
        .map_err(backend)?;
    Ok(n > 0)
}

/// Any other per-file value by `key` (`debrief remind` keeps what it
/// announced here); keys are the callers', the feed secret's is refused.
pub(crate) fn get(conn: &Connection, key: &str) -> Result<Option<String>, StoreError> {
    conn.prepare_cached("SELECT value FROM settings WHERE key = ?1")
        .and_then(|mut s| s.query_row([key], |r| r.get(0)).optional())
        .map_err(backend)
}

pub(crate) fn set(conn: &Connection, key: &str, value: &str) -> Result<(), StoreError> {
    if key == FEED_SECRET {
        return Err(StoreError::Backend(format!(
            "the setting '{key}' is reserved"
        )));
    }
    conn.prepare_cached("INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)")
        .and_then(|mut s| s.execute(params![key, value]))
        .map_err(backend)?;
    Ok(())
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
