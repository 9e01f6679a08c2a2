//! The reader of the normalized tables of schemas 1–7 (one table per kind
//! of child, every field a column), kept **only** to upgrade such a store:
//! migration 0008 reads every application with it, then stores each as its
//! serde body and drops the tables (`migrations.rs`). Nothing else reads
//! with it and nothing writes these tables any more; do not extend it.
//!
//! One query per table, each ordered by (application, position), stitched
//! together in memory. The caller holds the migration's transaction.

use debrief_core::model::{
    Application, Dismissal, Feedback, Interview, InviteRef, LearningPlan, News, Outcome, Person,
    Prefers, Prepared, Reflection, ResearchFact, Touch,
};
use debrief_store::StoreError;
use rusqlite::{Connection, Row};

use crate::codec::{Columns, backend, corrupt};

/// One application of a schema-7 store, with what its row held beside it.
pub(crate) struct Legacy {
    pub key: i64,
    pub version: i64,
    pub quiet_from: Option<i64>,
    pub quiet_zone: Option<String>,
    pub application: Application,
}

/// Every application of a schema-7 store, in key (insertion) order.
pub(crate) fn all(conn: &Connection) -> Result<Vec<Legacy>, StoreError> {
    let apps = applications(conn)?;
    let mut rows = Vec::with_capacity(apps.len());
    for_each_row(
        conn,
        "SELECT pk, version, quiet_from, quiet_zone FROM applications ORDER BY pk",
        |row| {
            let mut c = Columns::new(row, "applications");
            rows.push((c.i64()?, c.i64()?, c.opt_i64()?, c.opt_string()?));
            Ok(())
        },
    )?;
    if rows.len() != apps.len() {
        return Err(corrupt("applications", "the table changed while read"));
    }
    Ok(rows
        .into_iter()
        .zip(apps)
        .map(
            |((key, version, quiet_from, quiet_zone), application)| Legacy {
                key,
                version,
                quiet_from,
                quiet_zone,
                application,
            },
        )
        .collect())
}

/// Runs `sql` and hands every row to `each`.
fn for_each_row(
    conn: &Connection,
    sql: &str,
    mut each: impl FnMut(&Row<'_>) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(sql).map_err(backend)?;
    let mut rows = stmt.query([]).map_err(backend)?;
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
        table: &'static str,
        columns: &str,
        order: &str,
        mut each: impl FnMut(&mut Application, &mut Columns<'_, '_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.at = 0;
        let sql = format!("SELECT app, {columns} FROM {table} ORDER BY {order}");
        for_each_row(conn, &sql, |row| {
            let mut c = Columns::new(row, table);
            let app = self.get(c.i64()?, table)?;
            each(app, &mut c)
        })
    }
}

fn applications(conn: &Connection) -> Result<Vec<Application>, StoreError> {
    let mut parents = Parents {
        apps: Vec::new(),
        keys: Vec::new(),
        at: 0,
    };
    for_each_row(
        conn,
        "SELECT pk, id, company, role, stage, urgent, recruiter, policy,
                posting_url, location, salary, applied_on, source, archived
         FROM applications ORDER BY pk",
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

    parents.children(conn, "news", r#""on", text"#, "app, position", |app, c| {
        app.news.push(News {
            on: c.date()?,
            text: c.string()?,
        });
        Ok(())
    })?;

    parents.children(
        conn,
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
