//! Schema migrations: append-only SQL files, applied in order at connect,
//! each recorded as a row of `debrief_schema`.

use debrief_store::StoreError;

use crate::conn::{Conn, Tx};

/// Every migration, oldest first. Never edit or reorder a shipped one.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_revision.sql"),
    include_str!("../migrations/0003_json_bodies.sql"),
    include_str!("../migrations/0004_accounts.sql"),
    include_str!("../migrations/0005_keys.sql"),
    include_str!("../migrations/0006_notify.sql"),
    include_str!("../migrations/0007_archived.sql"),
];

/// The schema version this build writes: the number of migrations it knows.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The advisory lock every migrating connection takes ("DBRF"), so two
/// processes starting at once do not migrate the same schema twice.
const LOCK_KEY: i64 = 0x4442_5246;

/// The schema version of the database: 0 before the first migration.
pub(crate) fn version(conn: &Conn) -> Result<i64, StoreError> {
    let exists = conn.query_one("SELECT to_regclass('debrief_schema') IS NOT NULL", &[])?;
    if !exists.get::<_, bool>(0) {
        return Ok(0);
    }
    let row = conn.query_one(
        "SELECT coalesce(max(version), 0)::bigint FROM debrief_schema",
        &[],
    )?;
    Ok(row.get(0))
}

fn check(conn: &Conn, found: i64) -> Result<(), StoreError> {
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: conn.label.clone(),
            found,
            known: SCHEMA_VERSION,
        });
    }
    Ok(())
}

/// Brings the schema up to [`SCHEMA_VERSION`] in one transaction under
/// the advisory lock; refuses a database written by a newer Debrief.
pub(crate) fn migrate(conn: &Conn) -> Result<(), StoreError> {
    let found = version(conn)?;
    check(conn, found)?;
    if found == SCHEMA_VERSION {
        // The common case writes nothing and needs no right to.
        return Ok(());
    }
    let tx = Tx::begin(conn, "BEGIN")?;
    conn.query("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY])?;
    conn.batch(
        "CREATE TABLE IF NOT EXISTS debrief_schema (
             version    INTEGER PRIMARY KEY,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
         )",
    )?;
    // Another process may have migrated while we waited for the lock.
    let found = version(conn)?;
    check(conn, found)?;
    let start = usize::try_from(found).unwrap_or(0);
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(start) {
        conn.batch(sql).map_err(|e| {
            StoreError::Backend(format!(
                "migration {:04} failed on {}: {e}",
                index + 1,
                conn.label
            ))
        })?;
        let number = i32::try_from(index + 1).unwrap_or(i32::MAX);
        conn.execute(
            "INSERT INTO debrief_schema (version) VALUES ($1)",
            &[&number],
        )?;
    }
    tx.commit()
}
