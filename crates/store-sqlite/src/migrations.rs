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
];

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

/// Brings the schema up to [`SCHEMA_VERSION`] in one transaction.
pub(crate) fn migrate(conn: &mut Connection, label: &str) -> Result<(), StoreError> {
    let version = user_version(conn).map_err(|e| not_a_store(label, e))?;
    check(conn, label, version)?;
    if version == SCHEMA_VERSION {
        // The common case takes no write lock.
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
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(start) {
        tx.execute_batch(sql).map_err(|e| {
            StoreError::Backend(format!("migration {:04} failed on {label}: {e}", index + 1))
        })?;
    }
    // PRAGMA takes no bound parameters; the values are our own constants.
    tx.execute_batch(&format!(
        "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {SCHEMA_VERSION}"
    ))
    .map_err(backend)?;
    crate::write::rebuild_missing_images(&tx)?;
    if version < 7 {
        // 0007 added the lookup keys: index the rows already there.
        crate::write::rebuild_keys(&tx)?;
    }
    if version < 2 {
        // 0002 added `quiet_from`: compute it for the rows already there.
        let profile = crate::read::profile(&tx)?;
        crate::write::refresh_quiet(&tx, &crate::write::Quiet::new(&profile))?;
    }
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
