//! Writing changes inside the caller's transaction. An application is
//! written as its body (the model's serde JSON, the one truth), the few
//! columns queries need (all derived from it here), its lookup keys and its
//! load image.

use debrief_core::engine::Engine;
use debrief_core::model::{Application, Profile};
use debrief_store::StoreError;
use rusqlite::{Connection, OptionalExtension, params};

use crate::codec::{backend, json_list, key_hash};
use crate::{image, read};

/// Tables holding what is derived from an application or kept beside it,
/// so deleting them first never leaves a row whose parent is gone.
const CHILD_TABLES: &[&str] = &[
    "application_keys",
    "application_images",
    "application_bodies",
];

pub(crate) fn set_profile(conn: &Connection, p: &Profile) -> Result<(), StoreError> {
    let extra = json_list(&p.holidays.extra)?;
    let emails = json_list(&p.emails)?;
    conn.prepare_cached(
        "INSERT OR REPLACE INTO profile (singleton, name, timezone, holiday_calendar, holiday_extra, policy, emails)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .and_then(|mut s| {
        s.execute(params![
            p.name,
            p.timezone,
            p.holidays.calendar.as_str(),
            extra,
            p.policy.as_str(),
            emails,
        ])
    })
    .map_err(backend)?;
    Ok(())
}

/// Copy on write: as [`put_application`].
pub(crate) fn delete_application(conn: &Connection, id: &str) -> Result<(), StoreError> {
    let version: Option<i64> = conn
        .prepare_cached("SELECT version FROM applications WHERE id = ?1")
        .and_then(|mut s| s.query_row([id], |r| r.get(0)).optional())
        .map_err(backend)?;
    let Some(version) = version else {
        return Err(StoreError::UnknownApplication(id.to_string()));
    };
    crate::journal::materialize(conn, id, version)?;
    // Children go by `ON DELETE CASCADE`.
    let deleted = conn
        .prepare_cached("DELETE FROM applications WHERE id = ?1")
        .and_then(|mut s| s.execute([id]))
        .map_err(backend)?;
    if deleted == 0 {
        return Err(StoreError::UnknownApplication(id.to_string()));
    }
    Ok(())
}

/// Copy on write: as [`put_application`], for every application.
pub(crate) fn delete_all_applications(conn: &Connection) -> Result<(), StoreError> {
    crate::journal::materialize_all(conn)?;
    // Emptying each table outright is much faster than cascading row by row.
    for table in CHILD_TABLES {
        conn.execute_batch(&format!("DELETE FROM {table}"))
            .map_err(backend)?;
    }
    conn.execute_batch("DELETE FROM applications")
        .map_err(backend)
}

/// Computes `applications.quiet_from` (see `migrations/0002_quiet.sql`)
/// in one profile's time zone.
#[derive(Clone)]
pub(crate) struct Quiet {
    engine: Option<Engine>,
    zone: String,
}

impl Quiet {
    pub(crate) fn new(profile: &Profile) -> Quiet {
        Quiet {
            // A zone the engine cannot read (validation refuses those) only
            // means nothing is skipped: every row is stored as may-act.
            engine: Engine::new(profile).ok(),
            // The zone, holiday calendar and policy: a change to any of
            // them recomputes every row (`Engine::quiet_from` depends on them).
            zone: debrief_core::engine::quiet_key(profile),
        }
    }

    pub(crate) fn zone(&self) -> &str {
        &self.zone
    }

    /// Unix seconds, rounded up so `quiet_from <= now` implies quiet at `now`.
    pub(crate) fn seconds(&self, a: &Application) -> Option<i64> {
        let ts = self.engine.as_ref()?.quiet_from(a)?;
        Some(ts.as_second() + i64::from(ts.subsec_nanosecond() > 0))
    }
}

/// Recomputes `quiet_from` of every application computed in another zone
/// than `quiet`'s (after the profile's time zone changed, or after the
/// migration that added the column).
pub(crate) fn refresh_quiet(conn: &Connection, quiet: &Quiet) -> Result<(), StoreError> {
    let mut stmt = conn
        .prepare_cached("UPDATE applications SET quiet_from = ?2, quiet_zone = ?3 WHERE pk = ?1")
        .map_err(backend)?;
    for (key, a) in read::applications_outside_zone(conn, quiet.zone())? {
        stmt.execute(params![key, quiet.seconds(&a), quiet.zone()])
            .map_err(backend)?;
    }
    Ok(())
}

/// What writing an application derives from it alone: its body, load
/// image, lookup keys and quietness. About half of writing one; a big
/// batch prepares them on a second thread while the first inserts
/// (`SqliteTx::write`).
pub(crate) struct Prepared<'a> {
    body: std::borrow::Cow<'a, str>,
    image: Vec<u8>,
    keys: Vec<i64>,
    quiet_from: Option<i64>,
}

impl<'a> Prepared<'a> {
    /// `body`: the application's, when encoded already
    /// ([`debrief_store::EncodedApplication`]).
    pub(crate) fn new(
        a: &Application,
        body: Option<&'a str>,
        quiet_from: Option<i64>,
    ) -> Result<Prepared<'a>, StoreError> {
        let body = match body {
            Some(body) => body.into(),
            None => debrief_store::encode_body(a)?.into(),
        };
        let image = pack(a)?;
        let keys = debrief_core::keys::of(a)
            .iter()
            .map(|k| key_hash(k))
            .collect();
        Ok(Prepared {
            body,
            image,
            keys,
            quiet_from,
        })
    }
}

/// Inserts the application, or replaces the one with the same id under the
/// same key, so it keeps its place in the insertion order.
///
/// Copy on write (`migrations/0009_journal_refs.sql`): the journal items
/// referring to the body it replaces get a copy of that body first.
pub(crate) fn put_application(
    conn: &Connection,
    a: &Application,
    prepared: &Prepared<'_>,
    quiet_zone: &str,
    version: i64,
) -> Result<(), StoreError> {
    let existing: Option<(i64, i64)> = conn
        .prepare_cached("SELECT pk, version FROM applications WHERE id = ?1")
        .and_then(|mut s| {
            s.query_row([a.id.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
        })
        .map_err(backend)?;
    let key = match existing {
        Some((pk, old_version)) => {
            crate::journal::materialize(conn, &a.id, old_version)?;
            Some(pk)
        }
        None => None,
    };
    store(conn, key, a, prepared, Some(quiet_zone), version)
}

/// Writes an application's row, body, image and keys: under `key` if given
/// (replacing the row there: the upgrade keeps every key, a write keeps an
/// application's place), else under a new key (the caller found no row
/// with its id).
pub(crate) fn store(
    conn: &Connection,
    key: Option<i64>,
    a: &Application,
    prepared: &Prepared<'_>,
    quiet_zone: Option<&str>,
    version: i64,
) -> Result<(), StoreError> {
    put(conn, key, a, prepared, quiet_zone, version).map_err(backend)
}

/// The counts kept for `read::summaries`.
fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn put(
    conn: &Connection,
    key: Option<i64>,
    a: &Application,
    prepared: &Prepared<'_>,
    quiet_zone: Option<&str>,
    version: i64,
) -> rusqlite::Result<()> {
    if let Some(pk) = key {
        // Its body, image and keys go by `ON DELETE CASCADE`.
        conn.prepare_cached("DELETE FROM applications WHERE pk = ?1")?
            .execute([pk])?;
    }
    conn.prepare_cached(
        "INSERT INTO applications (pk, id, company, role, stage, urgent, archived, people,
                                   interviews, touches, outcome, quiet_from, quiet_zone, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        key,
        a.id.as_str(),
        a.company,
        a.role,
        a.stage.as_str(),
        a.urgent,
        a.archived,
        count(a.people.len()),
        count(a.interviews.len()),
        count(a.touches.len()),
        a.outcome.as_ref().map(|o| o.kind.as_str()),
        prepared.quiet_from,
        quiet_zone,
        version,
    ])?;
    let app = match key {
        Some(pk) => pk,
        None => conn.last_insert_rowid(),
    };
    conn.prepare_cached("INSERT INTO application_bodies (app, body) VALUES (?1, ?2)")?
        .execute(params![app, prepared.body.as_ref()])?;
    write_image(conn, app, &prepared.image)?;
    write_keys(conn, app, &prepared.keys)
}

/// Indexes what finds the application (the hashes of its
/// `debrief_core::keys`); its old keys went with its row.
fn write_keys(conn: &Connection, app: i64, keys: &[i64]) -> rusqlite::Result<()> {
    let mut stmt =
        conn.prepare_cached("INSERT OR IGNORE INTO application_keys (key, app) VALUES (?1, ?2)")?;
    for key in keys {
        stmt.execute(params![key, app])?;
    }
    Ok(())
}

/// Writes the load images that are missing or of another format, from the
/// bodies (after a migration, or when a build with another image format
/// opens the file), and records the format as current.
pub(crate) fn rebuild_missing_images(conn: &Connection) -> Result<(), StoreError> {
    for key in read::keys_without_image(conn)? {
        let a = read::body_by_key(conn, key)?;
        write_image(conn, key, &pack(&a)?).map_err(backend)?;
    }
    conn.prepare_cached("INSERT OR REPLACE INTO image_format (singleton, format) VALUES (1, ?1)")
        .and_then(|mut s| s.execute([image::format()]))
        .map_err(backend)?;
    Ok(())
}

/// The application's load image (see `image`).
fn pack(a: &Application) -> Result<Vec<u8>, StoreError> {
    image::encode(a)
        .map_err(|e| StoreError::Backend(format!("cannot pack application '{}': {e}", a.id)))
}

/// Stores the packed copy that loads read (see `image`).
fn write_image(conn: &Connection, app: i64, image: &[u8]) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO application_images (app, format, image) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![app, image::format(), image])?;
    Ok(())
}
