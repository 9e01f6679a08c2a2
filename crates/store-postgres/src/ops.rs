//! The statements, each scoped to one vault; callers choose the
//! transaction they run in.

use debrief_core::model::{Application, Profile};
use debrief_store::{ApplicationSummary, JournalEntry, JournalItem, Origin, Source, StoreError};
use jiff::Timestamp;
use tokio_postgres::Row;
use tokio_postgres::types::{FromSql, Json, Type};

use crate::conn::{Conn, Tx};
use crate::quiet::Quiet;

fn corrupt(what: &str, why: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {why}"))
}

/// The vault named `name`, made if missing.
pub(crate) fn vault(conn: &Conn, name: &str) -> Result<i64, StoreError> {
    conn.execute(
        "INSERT INTO vaults (name) VALUES ($1) ON CONFLICT (name) DO NOTHING",
        &[&name],
    )?;
    Ok(conn
        .query_one("SELECT id FROM vaults WHERE name = $1", &[&name])?
        .get(0))
}

/// Takes the vault's write lock (waiting up to the lock timeout) and
/// returns the last version handed out.
/// The vault's last version handed out and its revision, locked.
pub(crate) fn lock(conn: &Conn, vault: i64) -> Result<(i64, u64), StoreError> {
    conn.query_opt(
        "SELECT last_version, revision FROM vaults WHERE id = $1 FOR UPDATE",
        &[&vault],
    )?
    .map(|r| (r.get(0), u64::try_from(r.get::<_, i64>(1)).unwrap_or(0)))
    .ok_or_else(|| StoreError::Backend(format!("the vault {vault} no longer exists")))
}

/// Ends a write transaction: saves the last version handed out, bumps
/// the vault's revision (under the lock `lock` took), drops the journal
/// entries made before `prune` if given (the journal's trim, sent with it
/// instead of on its own) and commits, in one flight. Answers the
/// revision the transaction committed as.
pub(crate) fn commit_write(
    tx: Tx<'_>,
    vault: i64,
    v: i64,
    prune: Option<Timestamp>,
) -> Result<u64, StoreError> {
    let row = match prune {
        None => tx.commit_with(
            "UPDATE vaults SET last_version = $2, revision = revision + 1 WHERE id = $1
             RETURNING revision",
            &[&vault, &v],
        )?,
        Some(before) => tx.commit_with(
            "WITH pruned AS (DELETE FROM journal WHERE vault_id = $1 AND at_s < $3)
             UPDATE vaults SET last_version = $2, revision = revision + 1 WHERE id = $1
             RETURNING revision",
            &[&vault, &v, &before.as_second()],
        )?,
    };
    Ok(u64::try_from(row.get::<_, i64>(0)).unwrap_or(0))
}

/// Moves the vault's revision (a write that changes no application, such
/// as a share), under the lock `lock` took.
pub(crate) fn bump_revision(conn: &Conn, vault: i64) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE vaults SET revision = revision + 1 WHERE id = $1",
        &[&vault],
    )?;
    Ok(())
}

/// The vault's revision: moves with every committed write transaction.
pub(crate) fn revision(conn: &Conn, vault: i64) -> Result<Option<u64>, StoreError> {
    Ok(conn
        .query_opt("SELECT revision FROM vaults WHERE id = $1", &[&vault])?
        .map(|r| u64::try_from(r.get::<_, i64>(0)).unwrap_or(0)))
}

pub(crate) fn profile(conn: &Conn, vault: i64) -> Result<Profile, StoreError> {
    match conn.query_opt("SELECT body FROM profiles WHERE vault_id = $1", &[&vault])? {
        None => Ok(Profile::default()),
        Some(row) => row
            .try_get::<_, Json<Profile>>(0)
            .map(|j| j.0)
            .map_err(|e| corrupt("the profile", e)),
    }
}

pub(crate) fn has_profile(conn: &Conn, vault: i64) -> Result<bool, StoreError> {
    Ok(conn
        .query_opt("SELECT 1 FROM profiles WHERE vault_id = $1", &[&vault])?
        .is_some())
}

fn application_of(row: &Row) -> Result<Application, StoreError> {
    decode(body_of(row, 0)?)
}

/// A stored body's JSON text, as the server sends it: `json` as is,
/// `jsonb` (schema 1) after its version byte.
struct Body<'a>(&'a [u8]);

impl<'a> FromSql<'a> for Body<'a> {
    fn from_sql(
        ty: &Type,
        raw: &'a [u8],
    ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        if *ty == Type::JSONB {
            match raw.split_first() {
                Some((1, text)) => Ok(Body(text)),
                _ => Err("unsupported JSONB encoding version".into()),
            }
        } else {
            Ok(Body(raw))
        }
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::JSON || *ty == Type::JSONB
    }
}

fn body_of(row: &Row, column: usize) -> Result<&[u8], StoreError> {
    row.try_get::<_, Body<'_>>(column)
        .map(|b| b.0)
        .map_err(|e| corrupt("an application", e))
}

fn decode(text: &[u8]) -> Result<Application, StoreError> {
    serde_json::from_slice(text).map_err(|e| corrupt("an application", e))
}

/// Below this many bodies, decoding stays on the calling thread.
const PARALLEL_FROM: usize = 256;

/// Decodes the bodies in column `column` of `rows`, on every core.
fn decode_all(rows: &[Row], column: usize) -> Result<Vec<Application>, StoreError> {
    let bodies = rows
        .iter()
        .map(|r| body_of(r, column))
        .collect::<Result<Vec<&[u8]>, StoreError>>()?;
    decode_bodies(&bodies)
}

fn decode_bodies(bodies: &[&[u8]]) -> Result<Vec<Application>, StoreError> {
    let parts = debrief_core::parallel::map_chunks(bodies, PARALLEL_FROM, |part| {
        part.iter()
            .map(|b| decode(b))
            .collect::<Result<Vec<_>, _>>()
    });
    let mut all = Vec::with_capacity(bodies.len());
    for part in parts {
        all.extend(part?);
    }
    Ok(all)
}

/// Every application in insertion order; with `active` `(now, key)`, only
/// those that may act at `now` (Unix seconds) when quietness is computed
/// under `key`.
pub(crate) fn applications(
    conn: &Conn,
    vault: i64,
    active: Option<(i64, &str)>,
) -> Result<Vec<Application>, StoreError> {
    applications_page(conn, vault, active, None, usize::MAX).map(|(apps, _)| apps)
}

/// At most `limit` applications after position `after` (from the first
/// without it), in insertion order, with the position of the last: a
/// page of [`applications`] (`active` as there), for the walks that hand
/// a big vault over one page at a time inside one snapshot.
pub(crate) fn applications_page(
    conn: &Conn,
    vault: i64,
    active: Option<(i64, &str)>,
    after: Option<i64>,
    limit: usize,
) -> Result<(Vec<Application>, Option<i64>), StoreError> {
    let after = after.unwrap_or(i64::MIN);
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = match active {
        None => conn.query(
            "SELECT body, position FROM applications
             WHERE vault_id = $1 AND position > $2
             ORDER BY position LIMIT $3",
            &[&vault, &after, &limit],
        )?,
        Some((now, key)) => conn.query(
            "SELECT body, position FROM applications
             WHERE vault_id = $1 AND position > $2
               AND (quiet_from IS NULL OR quiet_key IS DISTINCT FROM $5 OR quiet_from > $4)
             ORDER BY position LIMIT $3",
            &[&vault, &after, &limit, &now, &key],
        )?,
    };
    let last = match rows.last() {
        Some(r) => Some(
            r.try_get::<_, i64>(1)
                .map_err(|e| StoreError::Backend(format!("an application's position: {e}")))?,
        ),
        None => None,
    };
    Ok((decode_all(&rows, 0)?, last))
}

/// The applications that may act at `now` (Unix seconds) under quietness
/// key `key`, in insertion order, each with its version; the body of one
/// at the version `known` holds for it is not sent (see
/// `StoreReader::each_active_since`).
pub(crate) fn active_since(
    conn: &Conn,
    vault: i64,
    (now, key): (i64, &str),
    known: &std::collections::HashMap<String, u64>,
) -> Result<Vec<debrief_store::Active>, StoreError> {
    let ids: Vec<&str> = known.keys().map(String::as_str).collect();
    let versions: Vec<i64> = known
        .values()
        .map(|v| i64::try_from(*v).unwrap_or(i64::MAX))
        .collect();
    let rows = conn.query(
        "SELECT a.id, a.version, CASE WHEN k.id IS NULL THEN a.body END
         FROM applications a
         LEFT JOIN unnest($4::text[], $5::bigint[]) AS k (id, version)
                ON k.id = a.id AND k.version = a.version
         WHERE a.vault_id = $1
           AND (a.quiet_from IS NULL OR a.quiet_key IS DISTINCT FROM $3 OR a.quiet_from > $2)
         ORDER BY a.position",
        &[&vault, &now, &key, &ids, &versions],
    )?;
    fn body(r: &Row) -> Result<Option<&[u8]>, StoreError> {
        r.try_get::<_, Option<Body<'_>>>(2)
            .map(|b| b.map(|b| b.0))
            .map_err(|e| corrupt("an application", e))
    }
    let sent = rows
        .iter()
        .filter_map(|r| body(r).transpose())
        .collect::<Result<Vec<&[u8]>, StoreError>>()?;
    let mut read = decode_bodies(&sent)?.into_iter();
    rows.iter()
        .map(|r| {
            let id: String = r.get(0);
            let version = u64::try_from(r.get::<_, i64>(1)).unwrap_or(0);
            Ok(match body(r)? {
                None => debrief_store::Active::Kept(id, version),
                Some(_) => debrief_store::Active::Read(
                    Box::new(
                        read.next()
                            .ok_or_else(|| corrupt("applications", "a body went missing"))?,
                    ),
                    Some(version),
                ),
            })
        })
        .collect()
}

/// The applications holding one of `keys`, in insertion order, through
/// the `keys` index (migration 0005); rows written before it have no keys
/// yet and are read and checked here.
pub(crate) fn find_applications(
    conn: &Conn,
    vault: i64,
    keys: &std::collections::BTreeSet<String>,
) -> Result<Vec<Application>, StoreError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let wanted: Vec<&str> = keys.iter().map(String::as_str).collect();
    let rows = conn.query(
        "SELECT body FROM applications
         WHERE vault_id = $1 AND (keys && $2::text[] OR keys IS NULL)
         ORDER BY position",
        &[&vault, &wanted],
    )?;
    let mut apps = decode_all(&rows, 0)?;
    apps.retain(|a| debrief_core::keys::holds_any(a, keys));
    Ok(apps)
}

/// Application `id` and up to `limit - 1` that follow it in insertion
/// order (none if `id` is unknown).
pub(crate) fn applications_from(
    conn: &Conn,
    vault: i64,
    id: &str,
    limit: usize,
) -> Result<Vec<Application>, StoreError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = conn.query(
        "SELECT body FROM applications
         WHERE vault_id = $1
           AND position >= (SELECT position FROM applications WHERE vault_id = $1 AND id = $2)
         ORDER BY position LIMIT $3",
        &[&vault, &id, &limit],
    )?;
    decode_all(&rows, 0)
}

pub(crate) fn application(
    conn: &Conn,
    vault: i64,
    id: &str,
) -> Result<Option<Application>, StoreError> {
    conn.query_opt(
        "SELECT body FROM applications WHERE vault_id = $1 AND id = $2",
        &[&vault, &id],
    )?
    .as_ref()
    .map(application_of)
    .transpose()
}

pub(crate) fn application_ids(conn: &Conn, vault: i64) -> Result<Vec<String>, StoreError> {
    Ok(conn
        .query(
            "SELECT id FROM applications WHERE vault_id = $1 ORDER BY position",
            &[&vault],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect())
}

fn count(n: i32) -> usize {
    usize::try_from(n).unwrap_or(0)
}

pub(crate) fn summaries(conn: &Conn, vault: i64) -> Result<Vec<ApplicationSummary>, StoreError> {
    let rows = conn.query(
        "SELECT id, company, role, stage, urgent, people, interviews, touches, outcome, archived
         FROM applications WHERE vault_id = $1 ORDER BY position",
        &[&vault],
    )?;
    rows.iter()
        .map(|r| {
            let stage: String = r.get(3);
            let outcome: Option<String> = r.get(8);
            Ok(ApplicationSummary {
                id: r.get(0),
                company: r.get(1),
                role: r.get(2),
                stage: stage.parse().map_err(|e| corrupt("applications", e))?,
                urgent: r.get(4),
                people: count(r.get(5)),
                interviews: count(r.get(6)),
                touches: count(r.get(7)),
                outcome: outcome
                    .map(|o| o.parse())
                    .transpose()
                    .map_err(|e| corrupt("applications", e))?,
                archived: r.get(9),
            })
        })
        .collect()
}

/// An application with its version, in one round trip.
pub(crate) fn versioned_application(
    conn: &Conn,
    vault: i64,
    id: &str,
) -> Result<Option<(u64, Application)>, StoreError> {
    conn.query_opt(
        "SELECT body, version FROM applications WHERE vault_id = $1 AND id = $2",
        &[&vault, &id],
    )?
    .map(|r| {
        let version = u64::try_from(r.get::<_, i64>(1)).unwrap_or(0);
        application_of(&r).map(|a| (version, a))
    })
    .transpose()
}

pub(crate) fn version(conn: &Conn, vault: i64, id: &str) -> Result<Option<u64>, StoreError> {
    Ok(conn
        .query_opt(
            "SELECT version FROM applications WHERE vault_id = $1 AND id = $2",
            &[&vault, &id],
        )?
        .map(|r| u64::try_from(r.get::<_, i64>(0)).unwrap_or(0)))
}

pub(crate) fn set_profile(conn: &Conn, vault: i64, p: &Profile) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO profiles (vault_id, body) VALUES ($1, $2)
         ON CONFLICT (vault_id) DO UPDATE SET body = excluded.body",
        &[&vault, &Json(p)],
    )?;
    Ok(())
}

fn small(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// An application ready to be written: its columns, and its body as JSON
/// text.
pub(crate) struct PendingRow {
    pub(crate) id: String,
    pub(crate) version: i64,
    pub(crate) quiet_from: Option<i64>,
    pub(crate) company: String,
    pub(crate) role: String,
    pub(crate) stage: &'static str,
    pub(crate) urgent: bool,
    pub(crate) people: i32,
    pub(crate) interviews: i32,
    pub(crate) touches: i32,
    pub(crate) outcome: Option<&'static str>,
    pub(crate) archived: bool,
    pub(crate) body: String,
    /// Its lookup keys (`debrief_core::keys::of`) as a JSON array: any
    /// text survives the trip into a `text[]` column.
    pub(crate) keys: String,
}

impl PendingRow {
    /// `body`: the application's, when encoded already
    /// ([`debrief_store::EncodedApplication`]).
    pub(crate) fn of(
        a: &Application,
        body: Option<&str>,
        quiet: &Quiet,
        version: i64,
    ) -> Result<PendingRow, StoreError> {
        Ok(PendingRow {
            id: a.id.to_string(),
            version,
            quiet_from: quiet.seconds(a),
            company: a.company.clone(),
            role: a.role.clone(),
            stage: a.stage.as_str(),
            urgent: a.urgent,
            people: small(a.people.len()),
            interviews: small(a.interviews.len()),
            touches: small(a.touches.len()),
            outcome: a.outcome.as_ref().map(|o| o.kind.as_str()),
            archived: a.archived,
            body: match body {
                Some(body) => body.to_string(),
                None => debrief_store::encode_body(a)?,
            },
            keys: serde_json::to_string(&debrief_core::keys::of(a)).map_err(|e| {
                StoreError::Backend(format!("cannot write application '{}': {e}", a.id))
            })?,
        })
    }

    pub(crate) fn application(&self) -> Result<Application, StoreError> {
        decode(self.body.as_bytes())
    }
}

/// Inserts the applications, or replaces those with the same ids in their
/// places in the insertion order, in one statement; new ones take
/// positions in the order given. The ids must differ.
pub(crate) fn put_applications(
    conn: &Conn,
    vault: i64,
    rows: &[PendingRow],
    quiet_key: &str,
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let versions: Vec<i64> = rows.iter().map(|r| r.version).collect();
    let quiet: Vec<Option<i64>> = rows.iter().map(|r| r.quiet_from).collect();
    let companies: Vec<&str> = rows.iter().map(|r| r.company.as_str()).collect();
    let roles: Vec<&str> = rows.iter().map(|r| r.role.as_str()).collect();
    let stages: Vec<&str> = rows.iter().map(|r| r.stage).collect();
    let urgent: Vec<bool> = rows.iter().map(|r| r.urgent).collect();
    let people: Vec<i32> = rows.iter().map(|r| r.people).collect();
    let interviews: Vec<i32> = rows.iter().map(|r| r.interviews).collect();
    let touches: Vec<i32> = rows.iter().map(|r| r.touches).collect();
    let outcomes: Vec<Option<&str>> = rows.iter().map(|r| r.outcome).collect();
    let archived: Vec<bool> = rows.iter().map(|r| r.archived).collect();
    let bodies: Vec<&str> = rows.iter().map(|r| r.body.as_str()).collect();
    let keys: Vec<&str> = rows.iter().map(|r| r.keys.as_str()).collect();
    conn.execute(
        "INSERT INTO applications (vault_id, id, version, quiet_from, quiet_key, company, role,
                                   stage, urgent, people, interviews, touches, outcome, body,
                                   keys, archived)
         SELECT $1, u.id, u.version, u.quiet_from, $2, u.company, u.role, u.stage, u.urgent,
                u.people, u.interviews, u.touches, u.outcome, u.body::json,
                ARRAY(SELECT json_array_elements_text(u.keys::json)), u.archived
         FROM unnest($3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::text[],
                     $9::boolean[], $10::integer[], $11::integer[], $12::integer[], $13::text[],
                     $14::text[], $15::text[], $16::boolean[])
              WITH ORDINALITY AS u (id, version, quiet_from, company, role, stage, urgent,
                                    people, interviews, touches, outcome, body, keys, archived,
                                    n)
         ORDER BY u.n
         ON CONFLICT (vault_id, id) DO UPDATE SET
             version = excluded.version, quiet_from = excluded.quiet_from,
             quiet_key = excluded.quiet_key, company = excluded.company, role = excluded.role,
             stage = excluded.stage, urgent = excluded.urgent, people = excluded.people,
             interviews = excluded.interviews, touches = excluded.touches,
             outcome = excluded.outcome, body = excluded.body, keys = excluded.keys,
             archived = excluded.archived",
        &[
            &vault,
            &quiet_key,
            &ids,
            &versions,
            &quiet,
            &companies,
            &roles,
            &stages,
            &urgent,
            &people,
            &interviews,
            &touches,
            &outcomes,
            &bodies,
            &keys,
            &archived,
        ],
    )?;
    Ok(())
}

pub(crate) fn delete_application(conn: &Conn, vault: i64, id: &str) -> Result<(), StoreError> {
    let n = conn.execute(
        "DELETE FROM applications WHERE vault_id = $1 AND id = $2",
        &[&vault, &id],
    )?;
    if n == 0 {
        return Err(StoreError::UnknownApplication(id.to_string()));
    }
    Ok(())
}

pub(crate) fn delete_all_applications(conn: &Conn, vault: i64) -> Result<(), StoreError> {
    conn.execute("DELETE FROM applications WHERE vault_id = $1", &[&vault])?;
    Ok(())
}

/// Recomputes `quiet_from` of every application computed under another
/// key than `quiet`'s (after the profile's zone, holidays or policy
/// changed).
pub(crate) fn refresh_quiet(conn: &Conn, vault: i64, quiet: &Quiet) -> Result<(), StoreError> {
    let rows = conn.query(
        "SELECT body FROM applications WHERE vault_id = $1 AND quiet_key IS DISTINCT FROM $2",
        &[&vault, &quiet.key()],
    )?;
    for row in &rows {
        let a = application_of(row)?;
        conn.execute(
            "UPDATE applications SET quiet_from = $3, quiet_key = $4
             WHERE vault_id = $1 AND id = $2",
            &[&vault, &a.id.as_str(), &quiet.seconds(&a), &quiet.key()],
        )?;
    }
    Ok(())
}

// Settings.

pub(crate) fn setting(conn: &Conn, vault: i64, key: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_opt(
            "SELECT value FROM settings WHERE vault_id = $1 AND key = $2",
            &[&vault, &key],
        )?
        .map(|r| r.get(0)))
}

pub(crate) fn set_setting(
    conn: &Conn,
    vault: i64,
    key: &str,
    value: &str,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO settings (vault_id, key, value) VALUES ($1, $2, $3)
         ON CONFLICT (vault_id, key) DO UPDATE SET value = excluded.value",
        &[&vault, &key, &value],
    )?;
    Ok(())
}

pub(crate) fn remove_setting(conn: &Conn, vault: i64, key: &str) -> Result<bool, StoreError> {
    Ok(conn.execute(
        "DELETE FROM settings WHERE vault_id = $1 AND key = $2",
        &[&vault, &key],
    )? > 0)
}

pub(crate) fn settings(conn: &Conn, vault: i64) -> Result<Vec<(String, String)>, StoreError> {
    Ok(conn
        .query(
            "SELECT key, value FROM settings WHERE vault_id = $1 ORDER BY key",
            &[&vault],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect())
}

// The journal: the same rows and semantics as the SQLite backend's
// (`debrief_store::unit` holds the logic). Ids are numbered per vault,
// the next one after the highest still kept.

pub(crate) fn journal_begin(conn: &Conn, vault: i64, origin: &Origin) -> Result<i64, StoreError> {
    Ok(conn
        .query_one(
            "INSERT INTO journal (vault_id, id, at, at_s, source, what)
             SELECT $1, coalesce(max(id), 0) + 1, $2, $3, $4, $5 FROM journal WHERE vault_id = $1
             RETURNING id",
            &[
                &vault,
                &origin.at.to_string(),
                &origin.at.as_second(),
                &origin.source.as_str(),
                &origin.what,
            ],
        )?
        .get(0))
}

/// A journal item waiting to be sent: what the record held before the
/// entry and, once known, after it.
pub(crate) struct PendingItem {
    pub(crate) position: usize,
    pub(crate) app: Option<String>,
    pub(crate) before: Option<String>,
    /// `None` until the entry's end says; until then `after` is `before`.
    pub(crate) after: Option<Option<String>>,
}

impl PendingItem {
    fn after(&self) -> Option<&str> {
        match &self.after {
            Some(after) => after.as_deref(),
            None => self.before.as_deref(),
        }
    }

    /// Whether the record holds anything else after the entry.
    pub(crate) fn changed(&self) -> bool {
        self.after() != self.before.as_deref()
    }
}

/// Journal items of one entry (what each record held before and, as far
/// as known, after; `after` is `before` until known), in one statement.
pub(crate) fn journal_items(
    conn: &Conn,
    vault: i64,
    entry: i64,
    items: &[PendingItem],
) -> Result<(), StoreError> {
    if items.is_empty() {
        return Ok(());
    }
    let positions: Vec<i32> = items.iter().map(|i| small(i.position)).collect();
    let apps: Vec<Option<&str>> = items.iter().map(|i| i.app.as_deref()).collect();
    let befores: Vec<Option<&str>> = items.iter().map(|i| i.before.as_deref()).collect();
    let afters: Vec<Option<&str>> = items.iter().map(PendingItem::after).collect();
    conn.execute(
        "INSERT INTO journal_items (vault_id, entry, position, app, before, after)
         SELECT $1, $2, u.position, u.app, u.before, u.after
         FROM unnest($3::integer[], $4::text[], $5::text[], $6::text[])
              AS u (position, app, before, after)",
        &[&vault, &entry, &positions, &apps, &befores, &afters],
    )?;
    Ok(())
}

/// What journal items of one entry hold after the entry's changes, in one
/// statement:
/// `(position, after)`.
pub(crate) fn journal_afters(
    conn: &Conn,
    vault: i64,
    entry: i64,
    afters: &[(usize, Option<String>)],
) -> Result<(), StoreError> {
    if afters.is_empty() {
        return Ok(());
    }
    let positions: Vec<i32> = afters.iter().map(|i| small(i.0)).collect();
    let texts: Vec<Option<&str>> = afters.iter().map(|i| i.1.as_deref()).collect();
    conn.execute(
        "UPDATE journal_items AS j SET after = u.after
         FROM unnest($3::integer[], $4::text[]) AS u (position, after)
         WHERE j.vault_id = $1 AND j.entry = $2 AND j.position = u.position",
        &[&vault, &entry, &positions, &texts],
    )?;
    Ok(())
}

/// Ends an entry: its items that changed nothing go, and the entry too if
/// none is left and it undoes nothing. `kept` is the number of items left
/// when the caller knows it (it sent none that changed nothing).
pub(crate) fn journal_end(
    conn: &Conn,
    vault: i64,
    entry: i64,
    undoes: &[i64],
    kept: Option<usize>,
) -> Result<bool, StoreError> {
    // One round trip: the items that changed nothing go, and the count of
    // those left is what the entry held before (the statement's snapshot)
    // less what went.
    let items: i64 = match kept {
        Some(n) => i64::try_from(n).unwrap_or(i64::MAX),
        None => conn
            .query_one(
                "WITH gone AS (
                 DELETE FROM journal_items
                 WHERE vault_id = $1 AND entry = $2 AND before IS NOT DISTINCT FROM after
                 RETURNING 1)
             SELECT (SELECT count(*) FROM journal_items WHERE vault_id = $1 AND entry = $2)
                  - (SELECT count(*) FROM gone)",
                &[&vault, &entry],
            )?
            .get(0),
    };
    if items == 0 && undoes.is_empty() {
        conn.execute(
            "DELETE FROM journal WHERE vault_id = $1 AND id = $2",
            &[&vault, &entry],
        )?;
        return Ok(false);
    }
    if !undoes.is_empty() {
        let undoes = undoes.to_vec();
        conn.execute(
            "UPDATE journal SET undoes = $3 WHERE vault_id = $1 AND id = $2",
            &[&vault, &entry, &undoes],
        )?;
        conn.execute(
            "UPDATE journal SET undone_by = $2 WHERE vault_id = $1 AND id = ANY($3)",
            &[&vault, &entry, &undoes],
        )?;
    }
    Ok(true)
}

pub(crate) fn journal_prune(conn: &Conn, vault: i64, before: Timestamp) -> Result<(), StoreError> {
    conn.execute(
        "DELETE FROM journal WHERE vault_id = $1 AND at_s < $2",
        &[&vault, &before.as_second()],
    )?;
    Ok(())
}

pub(crate) fn history(
    conn: &Conn,
    vault: i64,
    limit: usize,
    open_only: bool,
) -> Result<Vec<JournalEntry>, StoreError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = conn.query(
        "SELECT id, at, source, what, undoes, undone_by FROM journal
         WHERE vault_id = $1 AND (NOT $3 OR undone_by IS NULL)
         ORDER BY id DESC LIMIT $2",
        &[&vault, &limit, &open_only],
    )?;
    let mut entries = Vec::with_capacity(rows.len());
    for r in &rows {
        let at: String = r.get(1);
        let source: String = r.get(2);
        entries.push(JournalEntry {
            id: r.get(0),
            at: at.parse().map_err(|e| corrupt("journal", e))?,
            source: Source::parse(&source)
                .ok_or_else(|| corrupt("journal", format!("unknown source '{source}'")))?,
            what: r.get(3),
            items: Vec::new(),
            undoes: r.get::<_, Option<Vec<i64>>>(4).unwrap_or_default(),
            undone_by: r.get(5),
        });
    }
    if entries.is_empty() {
        return Ok(entries);
    }
    let ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
    let items = conn.query(
        "SELECT entry, app, before, after FROM journal_items
         WHERE vault_id = $1 AND entry = ANY($2) ORDER BY entry, position",
        &[&vault, &ids],
    )?;
    for r in &items {
        let entry: i64 = r.get(0);
        if let Some(e) = entries.iter_mut().find(|e| e.id == entry) {
            e.items.push(JournalItem {
                app: r.get(1),
                before: r.get(2),
                after: r.get(3),
            });
        }
    }
    Ok(entries)
}

/// Empties the vault: profile, applications, settings and journal; the
/// version sequence goes on (versions are never reused).
pub(crate) fn clear(conn: &Conn, vault: i64) -> Result<(), StoreError> {
    for sql in [
        "DELETE FROM applications WHERE vault_id = $1",
        "DELETE FROM profiles WHERE vault_id = $1",
        "DELETE FROM settings WHERE vault_id = $1",
        "DELETE FROM journal WHERE vault_id = $1",
    ] {
        conn.execute(sql, &[&vault])?;
    }
    Ok(())
}
