//! Loading: one query per table, each ordered by (application, position),
//! stitched together in memory. The caller holds a read transaction so all
//! queries see the same snapshot.

use debrief_core::model::{
    Application, Dismissal, Feedback, Holidays, Interview, InviteRef, LearningPlan, News, Outcome,
    Person, Prefers, Prepared, Profile, Reflection, ResearchFact, Touch,
};
use debrief_store::{ApplicationSummary, StoreError};
use rusqlite::{Connection, OptionalExtension, Row, params_from_iter};

use crate::codec::{Columns, backend, corrupt};
use crate::image;

/// Which applications to load.
#[derive(Clone, Copy)]
pub(crate) enum Scope {
    All,
    One(i64),
}

impl Scope {
    fn filter(self, column: &str) -> String {
        match self {
            Scope::All => String::new(),
            Scope::One(_) => format!("WHERE {column} = ?1"),
        }
    }

    fn params(self) -> impl rusqlite::Params {
        params_from_iter(match self {
            Scope::All => None,
            Scope::One(pk) => Some(pk),
        })
    }
}

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

/// Every application's summary, from the small tables and counts of the
/// children (each an index range), never the load images.
pub(crate) fn summaries(conn: &Connection) -> Result<Vec<ApplicationSummary>, StoreError> {
    let mut out = Vec::new();
    for_each_row(
        conn,
        "SELECT a.id, a.company, a.role, a.stage, a.urgent,
                (SELECT count(*) FROM people p WHERE p.app = a.pk),
                (SELECT count(*) FROM interviews i WHERE i.app = a.pk),
                (SELECT count(*) FROM touches t WHERE t.app = a.pk),
                (SELECT o.kind FROM outcomes o WHERE o.app = a.pk),
                a.archived
         FROM applications a ORDER BY a.pk",
        Scope::All,
        |row| {
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
            Ok(())
        },
    )?;
    Ok(out)
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

/// One application by key, from its load image if it has a good one.
fn application_by_key(conn: &Connection, key: i64) -> Result<Option<Application>, StoreError> {
    let body: Option<String> = conn
        .prepare_cached("SELECT body FROM application_images WHERE app = ?1 AND format = ?2")
        .and_then(|mut s| {
            s.query_row(rusqlite::params![key, image::FORMAT], |r| r.get(0))
                .optional()
        })
        .map_err(backend)?;
    if let Some(Ok(a)) = body.as_deref().map(image::decode) {
        return Ok(Some(a));
    }
    Ok(applications(conn, Scope::One(key))?.pop())
}

/// Which applications a load wants: `None` for all of them, or those that
/// may yield an action at a moment (Unix seconds), with quietness computed
/// in the given zone (see `migrations/0002_quiet.sql`).
pub(crate) type Active<'a> = Option<(i64, &'a str)>;

/// Each application's key and load image in insertion order (the image
/// NULL when missing or of another format than `?1`); with `?2` (Unix
/// seconds) and `?3` (a quietness key), only those that may act then.
const IMAGES_IN_ORDER: &str = "SELECT a.pk, i.body FROM applications a
     LEFT JOIN application_images i ON i.app = a.pk AND i.format = ?1
     WHERE ?2 IS NULL OR a.quiet_from IS NULL OR a.quiet_zone IS NOT ?3
           OR a.quiet_from > ?2
     ORDER BY a.pk";

/// Every application (or every active one), from the load images; from the
/// tables if any image is missing or of another format (until the next
/// open rebuilds them).
pub(crate) fn all_applications(
    conn: &Connection,
    active: Active<'_>,
) -> Result<Vec<Application>, StoreError> {
    let mut bodies = Vec::new();
    let mut stmt = conn.prepare_cached(IMAGES_IN_ORDER).map_err(backend)?;
    let (now, zone) = active.unzip();
    let mut rows = stmt
        .query(rusqlite::params![image::FORMAT, now, zone])
        .map_err(backend)?;
    while let Some(row) = rows.next().map_err(backend)? {
        match row.get_ref(1).map_err(backend)?.as_str_or_null() {
            Ok(Some(body)) => bodies.push(body.to_owned()),
            _ => return applications(conn, Scope::All),
        }
    }
    match decode_all(&bodies) {
        Some(apps) => Ok(apps),
        None => applications(conn, Scope::All),
    }
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
    let (now, zone) = active.unzip();
    let mut rows = stmt
        .query(rusqlite::params![image::FORMAT, now, zone])
        .map_err(backend)?;
    let mut chunk: Vec<(i64, Option<String>)> = Vec::with_capacity(EACH_CHUNK);
    let flush = |chunk: &mut Vec<(i64, Option<String>)>,
                 each: &mut dyn FnMut(Application) -> Result<(), StoreError>|
     -> Result<(), StoreError> {
        let decoded = debrief_core::parallel::map_chunks(chunk, PARALLEL_FROM / 4, |part| {
            part.iter()
                .map(|(_, body)| body.as_deref().and_then(|b| image::decode(b).ok()))
                .collect::<Vec<Option<Application>>>()
        });
        for ((key, _), app) in chunk.iter().zip(decoded.into_iter().flatten()) {
            // An image missing or of another format: read from the tables.
            let app = match app {
                Some(a) => a,
                None => match application_by_key(conn, *key)? {
                    Some(a) => a,
                    None => continue,
                },
            };
            each(app)?;
        }
        chunk.clear();
        Ok(())
    };
    while let Some(row) = rows.next().map_err(backend)? {
        let key: i64 = row.get(0).map_err(backend)?;
        let body = row
            .get_ref(1)
            .map_err(backend)?
            .as_str_or_null()
            .ok()
            .flatten()
            .map(str::to_owned);
        chunk.push((key, body));
        if chunk.len() == EACH_CHUNK {
            flush(&mut chunk, each)?;
        }
    }
    flush(&mut chunk, each)
}

/// From this many images on, decoding is split across the cores.
const PARALLEL_FROM: usize = 1_000;

/// Decodes the images in order; `None` if any cannot be read.
fn decode_all(bodies: &[String]) -> Option<Vec<Application>> {
    let parts = debrief_core::parallel::map_chunks(bodies, PARALLEL_FROM, |part| {
        part.iter()
            .map(|b| image::decode(b).ok())
            .collect::<Option<Vec<Application>>>()
    });
    let mut apps = Vec::with_capacity(bodies.len());
    for part in parts {
        apps.extend(part?);
    }
    Some(apps)
}

/// One application, from its load image if it has a good one.
pub(crate) fn one_application(
    conn: &Connection,
    id: &str,
) -> Result<Option<Application>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT a.pk, i.body FROM applications a
             LEFT JOIN application_images i ON i.app = a.pk AND i.format = ?2
             WHERE a.id = ?1",
        )
        .map_err(backend)?;
    let mut rows = stmt
        .query(rusqlite::params![id, image::FORMAT])
        .map_err(backend)?;
    let Some(row) = rows.next().map_err(backend)? else {
        return Ok(None);
    };
    let key: i64 = row.get(0).map_err(backend)?;
    let body = row.get_ref(1).map_err(backend)?;
    if let Some(Ok(a)) = body.as_str_or_null().ok().flatten().map(image::decode) {
        return Ok(Some(a));
    }
    Ok(applications(conn, Scope::One(key))?.pop())
}

/// Compares every load image with the application read from the tables.
pub(crate) fn check_images(conn: &Connection) -> Result<(), StoreError> {
    let from_tables = applications(conn, Scope::All)?;
    let mut stmt = conn
        .prepare_cached(
            "SELECT a.id, i.format, i.body FROM applications a
             LEFT JOIN application_images i ON i.app = a.pk
             ORDER BY a.pk",
        )
        .map_err(backend)?;
    let mut rows = stmt.query([]).map_err(backend)?;
    let mut expected = from_tables.iter();
    while let Some(row) = rows.next().map_err(backend)? {
        let mut c = Columns::new(row, "application_images");
        let id = c.str()?;
        let format = c.opt_i64()?;
        let body = c.opt_str()?;
        let problem = |why: String| StoreError::Corrupt(format!("application '{id}': {why}"));
        let (Some(image::FORMAT), Some(body)) = (format, body) else {
            return Err(problem("no current load image".to_string()));
        };
        let decoded = image::decode(body)
            .map_err(|e| problem(format!("its load image cannot be read: {}", e.0)))?;
        if expected.next() != Some(&decoded) {
            return Err(problem("its load image differs from its rows".to_string()));
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
        .query_map([image::FORMAT], |r| r.get(0))
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<i64>>>())
        .map_err(backend)?;
    Ok(keys)
}

/// Runs `sql` (with the scope's parameter) and hands every row to `each`.
fn for_each_row(
    conn: &Connection,
    sql: &str,
    scope: Scope,
    mut each: impl FnMut(&Row<'_>) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(sql).map_err(backend)?;
    let mut rows = stmt.query(scope.params()).map_err(backend)?;
    while let Some(row) = rows.next().map_err(backend)? {
        each(row)?;
    }
    Ok(())
}

/// Finds the application a child row belongs to. Child rows arrive in key
/// order, like the applications, so a cursor that only moves forward finds
/// each parent without a hash map.
struct Parents {
    apps: Vec<Application>,
    keys: Vec<i64>,
    at: usize,
}

impl Parents {
    fn get(&mut self, key: i64, table: &'static str) -> Result<&mut Application, StoreError> {
        while self.keys.get(self.at).is_some_and(|&k| k < key) {
            self.at += 1;
        }
        match (self.keys.get(self.at), self.apps.get_mut(self.at)) {
            (Some(&k), Some(app)) if k == key => Ok(app),
            _ => Err(corrupt(
                table,
                format_args!("a row belongs to application key {key}, which does not exist"),
            )),
        }
    }

    /// Reads one child table, its rows in application-key order with the
    /// key first, and hands each row's other columns to `each` with the
    /// application it belongs to.
    fn children(
        &mut self,
        conn: &Connection,
        scope: Scope,
        table: &'static str,
        columns: &str,
        order: &str,
        mut each: impl FnMut(&mut Application, &mut Columns<'_, '_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.at = 0;
        let sql = format!(
            "SELECT app, {columns} FROM {table} {} ORDER BY {order}",
            scope.filter("app")
        );
        for_each_row(conn, &sql, scope, |row| {
            let mut c = Columns::new(row, table);
            let app = self.get(c.i64()?, table)?;
            each(app, &mut c)
        })
    }
}

pub(crate) fn applications(
    conn: &Connection,
    scope: Scope,
) -> Result<Vec<Application>, StoreError> {
    let mut parents = Parents {
        apps: Vec::new(),
        keys: Vec::new(),
        at: 0,
    };
    for_each_row(
        conn,
        &format!(
            "SELECT pk, id, company, role, stage, urgent, recruiter, policy,
                    posting_url, location, salary, applied_on, source, archived
             FROM applications {} ORDER BY pk",
            scope.filter("pk")
        ),
        scope,
        |row| {
            let mut c = Columns::new(row, "applications");
            parents.keys.push(c.i64()?);
            let mut a = Application::new(c.string()?, c.string()?, c.string()?);
            a.stage = c.parse()?;
            a.urgent = c.bool()?;
            a.recruiter = c.parse()?;
            a.policy = c.opt_parse()?;
            a.posting_url = c.opt_string()?;
            a.location = c.opt_string()?;
            a.salary = c.opt_string()?;
            a.applied_on = c.opt_date()?;
            a.source = c.opt_string()?;
            a.archived = c.bool()?;
            parents.apps.push(a);
            Ok(())
        },
    )?;
    if parents.apps.is_empty() {
        return Ok(parents.apps);
    }

    parents.children(
        conn,
        scope,
        "people",
        "id, name, kind, title, email, phone, mailing_address, said, \
             has_prefers, prefers_channel, prefers_after",
        "app, position",
        |app, c| {
            let mut p = Person::new(c.string()?, c.string()?, c.parse()?);
            p.title = c.opt_string()?;
            p.email = c.opt_string()?;
            p.phone = c.opt_string()?;
            p.mailing_address = c.opt_string()?;
            p.said = c.json_list()?;
            let has_prefers = c.bool()?;
            let channel = c.opt_parse()?;
            let after = c.opt_date()?;
            p.prefers = has_prefers.then_some(Prefers { channel, after });
            app.people.push(p);
            Ok(())
        },
    )?;

    parents.children(
        conn,
        scope,
        "interviews",
        "id, start_s, start_ns, start_off, minutes, format, status, \
             asked_questions, disrupted, prepared_research, \
             prepared_questions, slip_ups, reflection_went_well, \
             reflection_change, reflection_mistakes, reflection_missing_info, \
             reflection_hardest_question, scheduled_at_s, scheduled_at_ns, \
             scheduled_at_off, location, link, invite_uid, invite_sequence",
        "app, position",
        |app, c| {
            let mut i = Interview::new(c.string()?, c.moment()?);
            i.minutes = c.u32()?;
            i.format = c.parse()?;
            i.status = c.parse()?;
            i.asked_questions = c.opt_bool()?;
            i.disrupted = c.bool()?;
            i.prepared = Prepared {
                research: c.bool()?,
                questions: c.u32()?,
            };
            i.slip_ups = c.json_list()?;
            let went_well = c.opt_string()?;
            let change = c.opt_string()?;
            let mistakes = c.json_list()?;
            let missing_info = c.json_list()?;
            let hardest_question = c.opt_string()?;
            i.reflection = went_well.map(|went_well| Reflection {
                went_well,
                change: change.unwrap_or_default(),
                mistakes,
                missing_info,
                hardest_question,
            });
            i.scheduled_at = c.opt_moment()?;
            i.location = c.opt_string()?;
            i.link = c.opt_string()?;
            let uid = c.opt_string()?;
            let sequence = c.opt_u32()?;
            i.invite = uid.map(|uid| InviteRef {
                uid,
                sequence: sequence.unwrap_or(0),
            });
            app.interviews.push(i);
            Ok(())
        },
    )?;

    parents.children(
        conn,
        scope,
        "interview_people",
        "interview, role, person",
        "app, interview, role, position",
        |app, c| {
            let position = c.i64()?;
            let role = c.str()?;
            let person = c.string()?;
            let interview = usize::try_from(position)
                .ok()
                .and_then(|p| app.interviews.get_mut(p))
                .ok_or_else(|| {
                    corrupt(
                        "interview_people",
                        format_args!("no interview at position {position}"),
                    )
                })?;
            match role {
                "interviewer" => interview.interviewers.push(person.into()),
                "also_met" => interview.also_met.push(person.into()),
                other => {
                    return Err(corrupt(
                        "interview_people",
                        format_args!("unknown role '{other}'"),
                    ));
                }
            }
            Ok(())
        },
    )?;

    parents.children(
        conn,
        scope,
        "touches",
        "at_s, at_ns, at_off, person, channel, kind, replied_at_s, \
             replied_at_ns, replied_at_off, forced, note, message_id",
        "app, position",
        |app, c| {
            app.touches.push(Touch {
                at: c.moment()?,
                person: c.opt_string()?.map(Into::into),
                channel: c.parse()?,
                kind: c.parse()?,
                replied_at: c.opt_moment()?,
                forced: c.bool()?,
                note: c.opt_string()?,
                message_id: c.opt_string()?,
            });
            Ok(())
        },
    )?;

    parents.children(
        conn,
        scope,
        "news",
        r#""on", text"#,
        "app, position",
        |app, c| {
            app.news.push(News {
                on: c.date()?,
                text: c.string()?,
            });
            Ok(())
        },
    )?;

    parents.children(
        conn,
        scope,
        "outcomes",
        r#"kind, "on", stay_in_touch, message_id"#,
        "app",
        |app, c| {
            let kind = c.parse()?;
            let on = c.date()?;
            app.outcome = Some(Outcome {
                kind,
                on,
                feedback: Vec::new(),
                stay_in_touch: c.bool()?,
                message_id: c.opt_string()?,
            });
            Ok(())
        },
    )?;

    parents.children(
        conn,
        scope,
        "feedback",
        "text, kind, positive, plan_step, plan_by",
        "app, position",
        |app, c| {
            let text = c.string()?;
            let kind = c.opt_parse()?;
            let positive = c.bool()?;
            let step = c.opt_string()?;
            let by = c.opt_date()?;
            let plan = match (step, by) {
                (Some(step), Some(by)) => Some(LearningPlan { step, by }),
                (None, None) => None,
                _ => return Err(corrupt("feedback", "a learning plan is only partly stored")),
            };
            let outcome = app.outcome.as_mut().ok_or_else(|| {
                corrupt("feedback", "feedback for an application without outcome")
            })?;
            outcome.feedback.push(Feedback {
                text,
                kind,
                positive,
                plan,
            });
            Ok(())
        },
    )?;

    parents.children(
        conn,
        scope,
        "research",
        "fact, contribution",
        "app, position",
        |app, c| {
            app.research.push(ResearchFact {
                fact: c.string()?,
                contribution: c.opt_string()?,
            });
            Ok(())
        },
    )?;

    parents.children(
        conn,
        scope,
        "dismissals",
        "rule, interview, person, at_s, at_ns, at_off, reason",
        "app, position",
        |app, c| {
            app.dismissed.push(Dismissal {
                rule: c.parse()?,
                interview: c.opt_string()?.map(Into::into),
                person: c.opt_string()?.map(Into::into),
                at: c.moment()?,
                reason: c.string()?,
            });
            Ok(())
        },
    )?;

    Ok(parents.apps)
}
