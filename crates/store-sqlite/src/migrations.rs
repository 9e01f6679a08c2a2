//! Schema migrations: append-only SQL files, applied in order, the count
//! applied kept in `PRAGMA user_version`.

use debrief_store::StoreError;
use rusqlite::{Connection, TransactionBehavior};

use crate::codec::backend;

/// Every migration, oldest first. Never edit or reorder a shipped one.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_quiet.sql"),
    include_str!("../migrations/0003_calendar.sql"),
    include_str!("../migrations/0004_journal.sql"),
    include_str!("../migrations/0005_mail.sql"),
    include_str!("../migrations/0006_app_details.sql"),
    include_str!("../migrations/0007_keys.sql"),
    include_str!("../migrations/0008_bodies.sql"),
    include_str!("../migrations/0009_journal_refs.sql"),
];

/// The number of the migration that replaced the tables with bodies
/// (`0008_bodies.sql`): before it runs, every application is read with the
/// old reader (`legacy.rs`), and written back after. Renumber it with the
/// file.
const BODIES: usize = 8;

/// The schema version this build writes: the number of migrations it knows.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// `PRAGMA application_id` of a Debrief store ("DBRF"), set with the first
/// migration so other programs' databases can be told apart.
const APPLICATION_ID: i64 = 0x4442_5246;

fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
}

/// Refuses files this build must not touch: newer schemas and other
/// programs' databases.
fn check(conn: &Connection, label: &str, version: i64) -> Result<(), StoreError> {
    if version > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: label.to_string(),
            found: version,
            known: SCHEMA_VERSION,
        });
    }
    let application_id: i64 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(backend)?;
    let foreign = if version == 0 {
        // A fresh file has no tables; one that has some belongs to someone else.
        conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
            r.get::<_, i64>(0)
        })
        .map_err(backend)?
            > 0
    } else {
        application_id != APPLICATION_ID
    };
    if foreign {
        return Err(StoreError::Corrupt(format!(
            "{label} is a SQLite database but not a Debrief store; choose another file"
        )));
    }
    Ok(())
}

/// Reads the header: the first read of a file that is not SQLite fails here.
pub(crate) fn check_readable(conn: &Connection, label: &str) -> Result<(), StoreError> {
    user_version(conn)
        .map(drop)
        .map_err(|e| not_a_store(label, e))
}

/// Brings the schema up to [`SCHEMA_VERSION`] in one transaction, and
/// the load images up to this build's format.
pub(crate) fn migrate(conn: &mut Connection, label: &str) -> Result<(), StoreError> {
    let version = user_version(conn).map_err(|e| not_a_store(label, e))?;
    check(conn, label, version)?;
    if version == SCHEMA_VERSION {
        // The common case takes no write lock.
        if crate::read::image_format(conn)? != Some(crate::image::format()) {
            // Images are a cache: if they cannot be rebuilt now (a
            // read-only file, another writer holding the lock), loads read
            // the bodies, and the next open tries again.
            let _ = rebuild_images(conn);
        }
        return Ok(());
    }
    // IMMEDIATE: a second process opening the same file waits for us rather
    // than migrating the same schema twice.
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(backend)?;
    let version = user_version(&tx).map_err(backend)?;
    check(&tx, label, version)?;
    let start = usize::try_from(version).unwrap_or(0);
    let mut legacy = Vec::new();
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(start) {
        if index + 1 == BODIES {
            // 0008 drops the tables: read every application from them first
            // (the earlier migrations of this loop brought them to schema 7).
            legacy = crate::legacy::all(&tx)?;
        }
        tx.execute_batch(sql).map_err(|e| {
            StoreError::Backend(format!("migration {:04} failed on {label}: {e}", index + 1))
        })?;
        if index + 1 == BODIES {
            // ... and write each back as its body, under the same key (the
            // insertion order), version and quietness, with its image and
            // lookup keys.
            for old in std::mem::take(&mut legacy) {
                let prepared = crate::write::Prepared::new(&old.application, None, old.quiet_from)?;
                crate::write::store(
                    &tx,
                    Some(old.key),
                    &old.application,
                    &prepared,
                    old.quiet_zone.as_deref(),
                    old.version,
                )?;
            }
        }
    }
    // PRAGMA takes no bound parameters; the values are our own constants.
    tx.execute_batch(&format!(
        "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {SCHEMA_VERSION}"
    ))
    .map_err(backend)?;
    crate::write::rebuild_missing_images(&tx)?;
    if version < 2 {
        // 0002 added `quiet_from`: compute it for the rows already there.
        let profile = crate::read::profile(&tx)?;
        crate::write::refresh_quiet(&tx, &crate::write::Quiet::new(&profile))?;
    }
    tx.commit().map_err(backend)
}

/// Rebuilds every load image not of this build's format, in one write
/// transaction (rolled back on failure).
fn rebuild_images(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(backend)?;
    crate::write::rebuild_missing_images(&tx)?;
    tx.commit().map_err(backend)
}

/// Names the file when it is not a database at all.
pub(crate) fn not_a_store(label: &str, e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) => {
            StoreError::Corrupt(format!(
                "{label} is not a Debrief store (not a SQLite database: {e}); choose another file"
            ))
        }
        _ => backend(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_is_the_migration_that_drops_the_tables() {
        // Renumbering the file without `BODIES` would read the old tables
        // after they are gone (or never write the bodies back).
        let sql = MIGRATIONS.get(BODIES - 1).copied().unwrap_or_default();
        assert!(sql.contains("DROP TABLE touches;"), "{sql}");
        assert!(sql.contains("CREATE TABLE application_bodies"), "{sql}");
    }
}
