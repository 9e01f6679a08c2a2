//! Writing changes inside the caller's transaction.

use debrief_core::engine::Engine;
use debrief_core::model::{Application, Profile};
use debrief_store::StoreError;
use rusqlite::{Connection, OptionalExtension, params};

use crate::codec::{backend, json_list, key_hash, moment_columns, opt_moment_columns};
use crate::{image, read};

/// Tables holding an application's children, leaves first, so deleting
/// them in this order never leaves a row whose parent is gone.
const CHILD_TABLES: &[&str] = &[
    "application_keys",
    "application_images",
    "interview_people",
    "interviews",
    "feedback",
    "outcomes",
    "people",
    "touches",
    "news",
    "research",
    "dismissals",
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

/// Lets an encoding failure travel through rusqlite's error type inside a
/// statement closure; it comes back out as a backend error.
fn to_sql_error(e: StoreError) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(Box::new(e))
}

pub(crate) fn delete_application(conn: &Connection, id: &str) -> Result<(), StoreError> {
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

pub(crate) fn delete_all_applications(conn: &Connection) -> Result<(), StoreError> {
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
    fn seconds(&self, a: &Application) -> Option<i64> {
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

/// Inserts the application, or replaces the one with the same id under the
/// same key, so it keeps its place in the insertion order.
pub(crate) fn put_application(
    conn: &Connection,
    a: &Application,
    quiet: &Quiet,
    version: i64,
) -> Result<(), StoreError> {
    put(conn, a, quiet, version).map_err(|e| match e {
        rusqlite::Error::ToSqlConversionFailure(inner) => match inner.downcast::<StoreError>() {
            Ok(store_error) => *store_error,
            Err(other) => StoreError::Backend(other.to_string()),
        },
        e => backend(e),
    })
}

fn put(conn: &Connection, a: &Application, quiet: &Quiet, version: i64) -> rusqlite::Result<()> {
    let existing: Option<i64> = conn
        .prepare_cached("SELECT pk FROM applications WHERE id = ?1")?
        .query_row([a.id.as_str()], |r| r.get(0))
        .optional()?;
    if let Some(pk) = existing {
        conn.prepare_cached("DELETE FROM applications WHERE pk = ?1")?
            .execute([pk])?;
    }
    conn.prepare_cached(
        "INSERT INTO applications (pk, id, company, role, stage, urgent, recruiter, policy,
                                   quiet_from, quiet_zone, version, posting_url, location,
                                   salary, applied_on, source, archived)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    )?
    .execute(params![
        existing,
        a.id.as_str(),
        a.company,
        a.role,
        a.stage.as_str(),
        a.urgent,
        a.recruiter.as_str(),
        a.policy.map(|p| p.as_str()),
        quiet.seconds(a),
        quiet.zone(),
        version,
        a.posting_url,
        a.location,
        a.salary,
        a.applied_on.map(|d| d.to_string()),
        a.source,
        a.archived,
    ])?;
    let app = match existing {
        Some(pk) => pk,
        None => conn.last_insert_rowid(),
    };

    let json = |r: Result<Option<String>, StoreError>| r.map_err(to_sql_error);

    let mut stmt = conn.prepare_cached(
        "INSERT INTO people (app, position, id, name, kind, title, email, phone, mailing_address,
                             said, has_prefers, prefers_channel, prefers_after)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    for (position, p) in (0_i64..).zip(&a.people) {
        let prefers = p.prefers.as_ref();
        stmt.execute(params![
            app,
            position,
            p.id.as_str(),
            p.name,
            p.kind.as_str(),
            p.title,
            p.email,
            p.phone,
            p.mailing_address,
            json(json_list(&p.said))?,
            prefers.is_some(),
            prefers.and_then(|p| p.channel).map(|c| c.as_str()),
            prefers.and_then(|p| p.after).map(|d| d.to_string()),
        ])?;
    }

    let mut stmt = conn.prepare_cached(
        "INSERT INTO interviews (app, position, id, start, start_s, start_ns, start_off, minutes,
                                 format, status, asked_questions, disrupted, prepared_research,
                                 prepared_questions, slip_ups, reflection_went_well,
                                 reflection_change, reflection_mistakes, reflection_missing_info,
                                 reflection_hardest_question, scheduled_at, scheduled_at_s,
                                 scheduled_at_ns, scheduled_at_off, location, link, invite_uid,
                                 invite_sequence)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28)",
    )?;
    let mut member = conn.prepare_cached(
        "INSERT INTO interview_people (app, interview, role, position, person)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (position, i) in (0_i64..).zip(&a.interviews) {
        let start = moment_columns(&i.start);
        let r = i.reflection.as_ref();
        let (sched, sched_s, sched_ns, sched_off) = opt_moment_columns(i.scheduled_at.as_ref());
        stmt.execute(params![
            app,
            position,
            i.id.as_str(),
            start.text,
            start.second,
            start.nanosecond,
            start.offset,
            i.minutes,
            i.format.as_str(),
            i.status.as_str(),
            i.asked_questions,
            i.disrupted,
            i.prepared.research,
            i.prepared.questions,
            json(json_list(&i.slip_ups))?,
            r.map(|r| r.went_well.as_str()),
            r.map(|r| r.change.as_str()),
            json(r.map_or(Ok(None), |r| json_list(&r.mistakes)))?,
            json(r.map_or(Ok(None), |r| json_list(&r.missing_info)))?,
            r.and_then(|r| r.hardest_question.as_deref()),
            sched,
            sched_s,
            sched_ns,
            sched_off,
            i.location,
            i.link,
            i.invite.as_ref().map(|v| v.uid.as_str()),
            i.invite.as_ref().map(|v| v.sequence),
        ])?;
        for (role, ids) in [("interviewer", &i.interviewers), ("also_met", &i.also_met)] {
            for (k, person) in (0_i64..).zip(ids) {
                member.execute(params![app, position, role, k, person.as_str()])?;
            }
        }
    }

    let mut stmt = conn.prepare_cached(
        "INSERT INTO touches (app, position, at, at_s, at_ns, at_off, person, channel, kind,
                              replied_at, replied_at_s, replied_at_ns, replied_at_off, forced, note,
                              message_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?;
    for (position, t) in (0_i64..).zip(&a.touches) {
        let at = moment_columns(&t.at);
        let (replied, replied_s, replied_ns, replied_off) =
            opt_moment_columns(t.replied_at.as_ref());
        stmt.execute(params![
            app,
            position,
            at.text,
            at.second,
            at.nanosecond,
            at.offset,
            t.person.as_deref(),
            t.channel.as_str(),
            t.kind.as_str(),
            replied,
            replied_s,
            replied_ns,
            replied_off,
            t.forced,
            t.note,
            t.message_id,
        ])?;
    }

    let mut stmt = conn.prepare_cached(
        r#"INSERT INTO news (app, position, "on", text) VALUES (?1, ?2, ?3, ?4)"#,
    )?;
    for (position, n) in (0_i64..).zip(&a.news) {
        stmt.execute(params![app, position, n.on.to_string(), n.text])?;
    }

    if let Some(o) = &a.outcome {
        conn.prepare_cached(
            r#"INSERT INTO outcomes (app, kind, "on", stay_in_touch, message_id)
               VALUES (?1, ?2, ?3, ?4, ?5)"#,
        )?
        .execute(params![
            app,
            o.kind.as_str(),
            o.on.to_string(),
            o.stay_in_touch,
            o.message_id
        ])?;
        let mut stmt = conn.prepare_cached(
            "INSERT INTO feedback (app, position, text, kind, positive, plan_step, plan_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for (position, f) in (0_i64..).zip(&o.feedback) {
            stmt.execute(params![
                app,
                position,
                f.text,
                f.kind.map(|k| k.as_str()),
                f.positive,
                f.plan.as_ref().map(|p| p.step.as_str()),
                f.plan.as_ref().map(|p| p.by.to_string()),
            ])?;
        }
    }

    let mut stmt = conn.prepare_cached(
        "INSERT INTO research (app, position, fact, contribution) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (position, r) in (0_i64..).zip(&a.research) {
        stmt.execute(params![app, position, r.fact, r.contribution])?;
    }

    let mut stmt = conn.prepare_cached(
        "INSERT INTO dismissals (app, position, rule, interview, person, at, at_s, at_ns, at_off, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for (position, d) in (0_i64..).zip(&a.dismissed) {
        let at = moment_columns(&d.at);
        stmt.execute(params![
            app,
            position,
            d.rule.id(),
            d.interview.as_deref(),
            d.person.as_deref(),
            at.text,
            at.second,
            at.nanosecond,
            at.offset,
            d.reason,
        ])?;
    }

    write_image(conn, app, a)?;
    write_keys(conn, app, a)
}

/// Indexes what finds the application (`debrief_core::keys`); its old keys
/// went with its row.
fn write_keys(conn: &Connection, app: i64, a: &Application) -> rusqlite::Result<()> {
    let mut stmt =
        conn.prepare_cached("INSERT OR IGNORE INTO application_keys (key, app) VALUES (?1, ?2)")?;
    for key in debrief_core::keys::of(a) {
        stmt.execute(params![key_hash(&key), app])?;
    }
    Ok(())
}

/// Indexes every application's keys afresh (after migration 0007).
pub(crate) fn rebuild_keys(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch("DELETE FROM application_keys")
        .map_err(backend)?;
    for (key, a) in read::applications_with_keys(conn)? {
        write_keys(conn, key, &a).map_err(backend)?;
    }
    Ok(())
}

/// Writes the load images that are missing or of an older format, from
/// the tables (after a migration changed them).
pub(crate) fn rebuild_missing_images(conn: &Connection) -> Result<(), StoreError> {
    for key in read::keys_without_image(conn)? {
        if let Some(a) = read::applications(conn, read::Scope::One(key))?.pop() {
            write_image(conn, key, &a).map_err(backend)?;
        }
    }
    Ok(())
}

/// Stores the packed copy that `load` reads (see `image`).
pub(crate) fn write_image(conn: &Connection, app: i64, a: &Application) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO application_images (app, format, body) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![app, image::FORMAT, image::encode(a)])?;
    Ok(())
}
