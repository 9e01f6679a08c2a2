//! Loading. An application is its body (`application_bodies`, serde JSON,
//! the one truth); loads read its load image instead when it has one of
//! this build's format (`image.rs`), and the body when not. The caller
//! holds a read transaction when several queries must see the same
//! snapshot.

use debrief_core::model::{Application, Holidays, Profile};
use debrief_store::{ApplicationSummary, StoreError};
use rusqlite::{Connection, OptionalExtension};

use crate::codec::{Columns, backend, corrupt};
use crate::image;

pub(crate) fn profile(conn: &Connection) -> Result<Profile, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT name, timezone, holiday_calendar, holiday_extra, policy, emails
             FROM profile WHERE singleton = 1",
        )
        .map_err(backend)?;
    let mut rows = stmt.query([]).map_err(backend)?;
    match rows.next().map_err(backend)? {
        None => Ok(Profile::default()),
        Some(row) => {
            let mut c = Columns::new(row, "profile");
            Ok(Profile {
                name: c.string()?,
                timezone: c.string()?,
                holidays: Holidays {
                    calendar: c.parse()?,
                    extra: c.json_list()?,
                },
                policy: c.parse()?,
                emails: c.json_list()?,
            })
        }
    }
}

pub(crate) fn application_ids(conn: &Connection) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT id FROM applications ORDER BY pk")
        .map_err(backend)?;
    let mut rows = stmt.query([]).map_err(backend)?;
    let mut ids = Vec::new();
    while let Some(row) = rows.next().map_err(backend)? {
        ids.push(Columns::new(row, "applications").string()?);
    }
    Ok(ids)
}

/// Every application's summary, from the columns kept for it (derived
/// from the application when it is written), never the bodies or images.
pub(crate) fn summaries(conn: &Connection) -> Result<Vec<ApplicationSummary>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, company, role, stage, urgent, people, interviews, touches, outcome,
                    archived
             FROM applications ORDER BY pk",
        )
        .map_err(backend)?;
    let mut rows = stmt.query([]).map_err(backend)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(backend)? {
        let mut c = Columns::new(row, "applications");
        out.push(ApplicationSummary {
            id: c.string()?,
            company: c.string()?,
            role: c.string()?,
            stage: c.parse()?,
            urgent: c.bool()?,
            people: c.count()?,
            interviews: c.count()?,
            touches: c.count()?,
            outcome: c.opt_parse()?,
            archived: c.bool()?,
        });
    }
    Ok(out)
}

/// The format the load images were last rebuilt in (`image_format`).
pub(crate) fn image_format(conn: &Connection) -> Result<Option<i64>, StoreError> {
    conn.prepare_cached("SELECT format FROM image_format WHERE singleton = 1")
        .and_then(|mut s| s.query_row([], |r| r.get(0)).optional())
        .map_err(backend)
}

/// Reads an application's body.
fn decode_body(id_or_key: impl std::fmt::Display, body: &str) -> Result<Application, StoreError> {
    serde_json::from_str(body).map_err(|e| {
        corrupt(
            "application_bodies",
            format_args!("the body of application {id_or_key} cannot be read: {e}"),
        )
    })
}

/// One application by key, from its body.
pub(crate) fn body_by_key(conn: &Connection, key: i64) -> Result<Application, StoreError> {
    let body: String = conn
        .prepare_cached("SELECT body FROM application_bodies WHERE app = ?1")
        .and_then(|mut s| s.query_row([key], |r| r.get(0)))
        .map_err(backend)?;
    decode_body(format_args!("key {key}"), &body)
}

/// The applications whose `quiet_from` was computed in another zone than
/// `zone` (or never), with their keys.
pub(crate) fn applications_outside_zone(
    conn: &Connection,
    zone: &str,
) -> Result<Vec<(i64, Application)>, StoreError> {
    applications_by_key(
        conn,
        "SELECT pk FROM applications WHERE quiet_zone IS NOT ?1 ORDER BY pk",
        [zone],
    )
}

/// Every application with its key, in insertion order.
pub(crate) fn applications_with_keys(
    conn: &Connection,
) -> Result<Vec<(i64, Application)>, StoreError> {
    applications_by_key(conn, "SELECT pk FROM applications ORDER BY pk", [])
}

/// The applications whose keys `pks` (a query of `pk`s) answers, each with
/// its key, from its load image if it has a good one.
fn applications_by_key<P: rusqlite::Params>(
    conn: &Connection,
    pks: &str,
    params: P,
) -> Result<Vec<(i64, Application)>, StoreError> {
    let keys: Vec<i64> = conn
        .prepare_cached(pks)
        .and_then(|mut s| s.query_map(params, |r| r.get(0))?.collect())
        .map_err(backend)?;
    let mut found = Vec::with_capacity(keys.len());
    for key in keys {
        if let Some(a) = application_by_key(conn, key)? {
            found.push((key, a));
        }
    }
    Ok(found)
}

/// See `SqliteStore::check_keys`.
pub(crate) fn check_keys(conn: &Connection) -> Result<(), StoreError> {
    let mut stored: std::collections::BTreeMap<i64, std::collections::BTreeSet<i64>> =
        std::collections::BTreeMap::new();
    let mut stmt = conn
        .prepare_cached("SELECT app, key FROM application_keys")
        .map_err(backend)?;
    let mut rows = stmt.query([]).map_err(backend)?;
    while let Some(row) = rows.next().map_err(backend)? {
        let app: i64 = row.get(0).map_err(backend)?;
        stored
            .entry(app)
            .or_default()
            .insert(row.get(1).map_err(backend)?);
    }
    for (key, a) in applications_with_keys(conn)? {
        let expected: std::collections::BTreeSet<i64> = debrief_core::keys::of(&a)
            .iter()
            .map(|k| crate::codec::key_hash(k))
            .collect();
        let found = stored.remove(&key).unwrap_or_default();
        if found != expected {
            return Err(StoreError::Corrupt(format!(
                "the lookup keys of application '{}' are {found:?}, not {expected:?}",
                a.id
            )));
        }
    }
    if let Some(app) = stored.keys().next() {
        return Err(StoreError::Corrupt(format!(
            "lookup keys of a missing application (key {app})"
        )));
    }
    Ok(())
}

/// The applications holding one of `keys` (`application_keys`, migration
/// 0007), in insertion order.
pub(crate) fn find_applications(
    conn: &Connection,
    keys: &std::collections::BTreeSet<String>,
) -> Result<Vec<Application>, StoreError> {
    let mut found = std::collections::BTreeSet::new();
    let mut stmt = conn
        .prepare_cached("SELECT app FROM application_keys WHERE key = ?1")
        .map_err(backend)?;
    for key in keys {
        let mut rows = stmt.query([crate::codec::key_hash(key)]).map_err(backend)?;
        while let Some(row) = rows.next().map_err(backend)? {
            found.insert(row.get::<_, i64>(0).map_err(backend)?);
        }
    }
    let mut apps = Vec::with_capacity(found.len());
    for key in found {
        // Keys are kept hashed: keep only what holds a key itself.
        if let Some(a) = application_by_key(conn, key)?
            && debrief_core::keys::holds_any(&a, keys)
        {
            apps.push(a);
        }
    }
    Ok(apps)
}

/// One application by key, from its load image if it has a good one, else
/// from its body; `None` if no application has the key.
fn application_by_key(conn: &Connection, key: i64) -> Result<Option<Application>, StoreError> {
    let image: Option<Option<Vec<u8>>> = conn
        .prepare_cached(
            "SELECT i.image FROM applications a
             LEFT JOIN application_images i ON i.app = a.pk AND i.format = ?2
             WHERE a.pk = ?1",
        )
        .and_then(|mut s| {
            s.query_row(rusqlite::params![key, image::format()], |r| r.get(0))
                .optional()
        })
        .map_err(backend)?;
    match image {
        None => Ok(None),
        Some(image) => from_image_or_body(conn, key, image.as_deref()).map(Some),
    }
}

/// An application from its image if that decodes, else from its body.
fn from_image_or_body(
    conn: &Connection,
    key: i64,
    image: Option<&[u8]>,
) -> Result<Application, StoreError> {
    match image.map(image::decode) {
        Some(Ok(a)) => Ok(a),
        _ => body_by_key(conn, key),
    }
}

/// The quietness key of the rows an active read in `zone` wants: rows are
/// keyed by the zone, holiday calendar and policy they were computed with
/// (`quiet_key`); a zone other than the profile's matches no row.
pub(crate) fn quiet_key_for(profile: &Profile, zone: &str) -> String {
    if zone == profile.timezone {
        debrief_core::engine::quiet_key(profile)
    } else {
        zone.to_string()
    }
}

/// Which applications a load wants: `None` for all of them, or those that
/// may yield an action at a moment (Unix seconds), with quietness computed
/// in the given zone (see `migrations/0002_quiet.sql`).
pub(crate) type Active<'a> = Option<(i64, &'a str)>;

/// Each application's key and load image in insertion order (the image
/// NULL when missing or of another format than `?1`); with `?2` (Unix
/// seconds) and `?3` (a quietness key), only those that may act then.
const IMAGES_IN_ORDER: &str = "SELECT a.pk, i.image FROM applications a
     LEFT JOIN application_images i ON i.app = a.pk AND i.format = ?1
     WHERE ?2 IS NULL OR a.quiet_from IS NULL OR a.quiet_zone IS NOT ?3
           OR a.quiet_from > ?2
     ORDER BY a.pk";

/// One chunk of `IMAGES_IN_ORDER` rows: each application's key and image.
type Raw = Vec<(i64, Option<Vec<u8>>)>;

/// The next `EACH_CHUNK` rows (fewer at the end; none past it).
fn raw_chunk(rows: &mut rusqlite::Rows<'_>) -> Result<Raw, StoreError> {
    let mut chunk = Vec::with_capacity(EACH_CHUNK);
    while chunk.len() < EACH_CHUNK {
        let Some(row) = rows.next().map_err(backend)? else {
            break;
        };
        chunk.push((row.get(0).map_err(backend)?, image_of(row)?));
    }
    Ok(chunk)
}

/// The rows of `IMAGES_IN_ORDER` (prepared in `stmt`) for `active`.
fn images_in_order<'s>(
    stmt: &'s mut rusqlite::CachedStatement<'_>,
    active: Active<'_>,
) -> Result<rusqlite::Rows<'s>, StoreError> {
    let (now, zone) = active.unzip();
    stmt.query(rusqlite::params![image::format(), now, zone])
        .map_err(backend)
}

/// Every application (or every active one), from the load images; each
/// one whose image is missing, of another format or unreadable from its
/// body.
pub(crate) fn all_applications(
    conn: &Connection,
    active: Active<'_>,
) -> Result<Vec<Application>, StoreError> {
    let mut images: Raw = Vec::new();
    let mut stmt = conn.prepare_cached(IMAGES_IN_ORDER).map_err(backend)?;
    let mut rows = images_in_order(&mut stmt, active)?;
    loop {
        let chunk = raw_chunk(&mut rows)?;
        if chunk.is_empty() {
            break;
        }
        images.extend(chunk);
    }
    decode_in_order(conn, &images, PARALLEL_FROM)
}

/// The image column (1) of an `IMAGES_IN_ORDER` row, copied out.
fn image_of(row: &rusqlite::Row<'_>) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(row
        .get_ref(1)
        .map_err(backend)?
        .as_blob_or_null()
        .ok()
        .flatten()
        .map(<[u8]>::to_vec))
}

/// An application from its load image, `None` if it has none or it does
/// not decode (the body is read instead).
fn from_image(image: &Option<Vec<u8>>) -> Option<Application> {
    image.as_deref().and_then(|b| image::decode(b).ok())
}

/// Decodes the images in order (on every core from `parallel_from` on);
/// each that is missing or cannot be read comes from its body.
fn decode_in_order(
    conn: &Connection,
    images: &[(i64, Option<Vec<u8>>)],
    parallel_from: usize,
) -> Result<Vec<Application>, StoreError> {
    let parts = debrief_core::parallel::map_chunks(images, parallel_from, |part| {
        part.iter()
            .map(|(_, image)| from_image(image))
            .collect::<Vec<Option<Application>>>()
    });
    let mut apps = Vec::with_capacity(images.len());
    for ((key, _), decoded) in images.iter().zip(parts.into_iter().flatten()) {
        apps.push(match decoded {
            Some(a) => a,
            None => body_by_key(conn, *key)?,
        });
    }
    Ok(apps)
}

/// How many applications [`each_application`] decodes at a time.
const EACH_CHUNK: usize = 1_024;

/// Every application in insertion order, `EACH_CHUNK` at a time (decoded
/// on every core), handed to `each`: memory holds one chunk, not the store.
pub(crate) fn each_application(
    conn: &Connection,
    active: Active<'_>,
    each: &mut dyn FnMut(Application) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(IMAGES_IN_ORDER).map_err(backend)?;
    let mut rows = images_in_order(&mut stmt, active)?;
    loop {
        let chunk = raw_chunk(&mut rows)?;
        if chunk.is_empty() {
            return Ok(());
        }
        for app in decode_in_order(conn, &chunk, PARALLEL_FROM / 4)? {
            each(app)?;
        }
    }
}

/// Every image of `raw` decoded, or `None` if one is missing or does not
/// decode (its application is then read from its body, which needs the
/// connection).
fn decoded(raw: &Raw) -> Option<Vec<Application>> {
    raw.iter().map(|(_, image)| from_image(image)).collect()
}

/// [`each_application`] for work that may run on any thread
/// (`StoreReader::each_active_chunk`): rows are read on this thread,
/// `EACH_CHUNK` at a time, and each chunk is decoded and handed to `work`
/// on a worker thread (one per core), so decoding a chunk, working on it
/// and freeing it happen on one thread while the next rows are read. A
/// chunk with an image that does not decode comes back and is read here,
/// from its bodies. Less than a chunk in all is done here, no thread
/// started. A panic in `work` is raised again here.
pub(crate) fn each_chunk_anywhere(
    conn: &Connection,
    active: Active<'_>,
    work: &(dyn Fn(usize, Vec<Application>) + Sync),
) -> Result<(), StoreError> {
    use std::sync::mpsc::{channel, sync_channel};
    use std::sync::{Arc, Mutex};

    let mut stmt = conn.prepare_cached(IMAGES_IN_ORDER).map_err(backend)?;
    let mut rows = images_in_order(&mut stmt, active)?;
    let first = raw_chunk(&mut rows)?;
    if first.len() < EACH_CHUNK {
        if !first.is_empty() {
            work(0, decode_in_order(conn, &first, usize::MAX)?);
        }
        return Ok(());
    }
    let threads = debrief_core::parallel::cores();
    std::thread::scope(|scope| {
        let (to_workers, jobs) = sync_channel::<(usize, Raw)>(threads);
        // Shared by the workers only: if they all stop (a panic), sending
        // fails instead of waiting for a taker.
        let jobs = Arc::new(Mutex::new(jobs));
        let (back, returned) = channel::<(usize, Raw)>();
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let (jobs, back) = (Arc::clone(&jobs), back.clone());
                scope.spawn(move || {
                    loop {
                        // The lock is held only to take a job.
                        let job = match jobs.lock() {
                            Ok(jobs) => jobs.recv(),
                            Err(_) => return,
                        };
                        let Ok((place, raw)) = job else {
                            return;
                        };
                        match decoded(&raw) {
                            Some(apps) => work(place, apps),
                            // The reading thread is there until every
                            // worker is done.
                            None => drop(back.send((place, raw))),
                        }
                    }
                })
            })
            .collect();
        drop((jobs, back));
        let read = (|| {
            let mut chunk = first;
            let mut place = 0;
            while !chunk.is_empty() {
                if to_workers.send((place, chunk)).is_err() {
                    break;
                }
                place += 1;
                chunk = raw_chunk(&mut rows)?;
            }
            Ok(())
        })();
        drop(to_workers);
        for worker in workers {
            if let Err(panic) = worker.join() {
                std::panic::resume_unwind(panic);
            }
        }
        read?;
        for (place, raw) in returned {
            work(place, decode_in_order(conn, &raw, usize::MAX)?);
        }
        Ok(())
    })
}

/// From this many images on, decoding is split across the cores.
const PARALLEL_FROM: usize = 1_000;

/// One application, from its load image if it has a good one.
pub(crate) fn one_application(
    conn: &Connection,
    id: &str,
) -> Result<Option<Application>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT a.pk, i.image FROM applications a
             LEFT JOIN application_images i ON i.app = a.pk AND i.format = ?2
             WHERE a.id = ?1",
        )
        .map_err(backend)?;
    let mut rows = stmt
        .query(rusqlite::params![id, image::format()])
        .map_err(backend)?;
    let Some(row) = rows.next().map_err(backend)? else {
        return Ok(None);
    };
    let key: i64 = row.get(0).map_err(backend)?;
    let image = row
        .get_ref(1)
        .map_err(backend)?
        .as_blob_or_null()
        .ok()
        .flatten();
    from_image_or_body(conn, key, image).map(Some)
}

/// Compares every load image with the application's body.
pub(crate) fn check_images(conn: &Connection) -> Result<(), StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT a.id, b.body, i.format, i.image FROM applications a
             LEFT JOIN application_bodies b ON b.app = a.pk
             LEFT JOIN application_images i ON i.app = a.pk
             ORDER BY a.pk",
        )
        .map_err(backend)?;
    let mut rows = stmt.query([]).map_err(backend)?;
    while let Some(row) = rows.next().map_err(backend)? {
        let mut c = Columns::new(row, "application_images");
        let id = c.str()?;
        let body = c.opt_str()?;
        let format = c.opt_i64()?;
        let image = row
            .get_ref(3)
            .map_err(backend)?
            .as_blob_or_null()
            .ok()
            .flatten();
        let problem = |why: String| StoreError::Corrupt(format!("application '{id}': {why}"));
        let body = body.ok_or_else(|| problem("no body".to_string()))?;
        let (Some(format), Some(image)) = (format, image) else {
            return Err(problem("no load image".to_string()));
        };
        if format != image::format() {
            return Err(problem(format!("its load image is of format {format}")));
        }
        let decoded = image::decode(image)
            .map_err(|e| problem(format!("its load image cannot be read: {e}")))?;
        if decode_body(format_args!("'{id}'"), body)? != decoded {
            return Err(problem("its load image differs from its body".to_string()));
        }
    }
    Ok(())
}

/// Keys of the applications without a current load image.
pub(crate) fn keys_without_image(conn: &Connection) -> Result<Vec<i64>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT pk FROM applications a WHERE NOT EXISTS
               (SELECT 1 FROM application_images i WHERE i.app = a.pk AND i.format = ?1)
             ORDER BY pk",
        )
        .map_err(backend)?;
    let keys = stmt
        .query_map([image::format()], |r| r.get(0))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<i64>>>())
        .map_err(backend)?;
    Ok(keys)
}
