//! Recording accepted proposals through the same edits as every other
//! front end (`debrief_core::edit`, the calendar import). Mail that was
//! sent is a fact: a chase the follow-up guard would have refused is
//! recorded anyway, marked as forced, and reported as an early chase.

use debrief_core::edit::{self, Logged, PersonFields};
use debrief_core::engine::Engine;
use debrief_core::model::{Application, PersonId, PersonKind, Touch};
use debrief_ics::{ImportSettings, import_invites, is_debrief_uid, read_invites};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::scan::{Proposal, Proposed};

/// What recording one proposal did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Applied {
    pub id: String,
    pub recorded: bool,
    /// A forced chase (`early_chase`) or why nothing was recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Applies `proposals`, in order, to `apps`; returns what each did and the
/// indexes of the applications changed.
pub fn apply(
    proposals: &[&Proposal],
    apps: &mut [Application],
    engine: &Engine,
    zone: &TimeZone,
    user_emails: &[String],
    now: Timestamp,
) -> (Vec<Applied>, Vec<usize>) {
    let mut done = Vec::new();
    let mut changed: Vec<usize> = Vec::new();
    for p in proposals {
        let Some(i) = apps.iter().position(|a| a.id == p.application) else {
            done.push(Applied {
                id: p.id.clone(),
                recorded: false,
                note: Some(format!(
                    "application '{}' is no longer in the store",
                    p.application
                )),
            });
            continue;
        };
        let app = &mut apps[i];
        let outcome = apply_one(p, app, engine, zone, user_emails, now);
        let recorded = outcome.is_ok();
        if recorded && !changed.contains(&i) {
            changed.push(i);
        }
        done.push(Applied {
            id: p.id.clone(),
            recorded,
            note: match outcome {
                Ok(note) => note,
                Err(e) => Some(e),
            },
        });
    }
    (done, changed)
}

/// A person id that exists in `app`, else none (the person proposal was
/// ignored).
fn existing(app: &Application, person: &Option<String>) -> Option<PersonId> {
    person
        .as_deref()
        .filter(|p| app.person(p).is_some())
        .map(PersonId::from)
}

fn apply_one(
    p: &Proposal,
    app: &mut Application,
    engine: &Engine,
    zone: &TimeZone,
    user_emails: &[String],
    now: Timestamp,
) -> Result<Option<String>, String> {
    match &p.proposed {
        Proposed::Person {
            person,
            name,
            email,
        } => {
            if app.people.iter().any(|q| {
                q.email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(email))
            }) {
                return Ok(Some(format!("{email} is already in '{}'", app.id)));
            }
            let id = (app.person(person).is_none()).then_some(person.as_str());
            let fields = PersonFields {
                name: Some(name.clone()),
                kind: Some(PersonKind::Other),
                email: Some(email.clone()),
                ..PersonFields::default()
            };
            edit::add_person(app, id, &fields)
                .map(|_| None)
                .map_err(|e| e.to_string())
        }
        Proposed::Touch {
            person,
            touch_kind,
            channel,
            at,
            ..
        } => {
            if app
                .touches
                .iter()
                .any(|t| t.message_id.as_deref() == Some(&p.message_id))
            {
                return Ok(Some("already recorded".to_string()));
            }
            let touch = Touch {
                at: *at,
                person: existing(app, person),
                channel: *channel,
                kind: *touch_kind,
                replied_at: None,
                forced: false,
                note: None,
                message_id: Some(p.message_id.clone()),
            };
            match edit::log_touch(engine, app, touch, true, now).map_err(|e| e.to_string())? {
                Logged::Forced { why } => Ok(Some(format!("early chase: {why}"))),
                _ => Ok(None),
            }
        }
        Proposed::Reply { person, at } => {
            let who = existing(app, person);
            if edit::record_reply(app, who.as_ref(), *at).is_ok() {
                return Ok(None);
            }
            edit::record_reply(app, None, *at)
                .map(|_| None)
                .map_err(|e| e.to_string())
        }
        Proposed::Outcome { outcome, at } => {
            edit::record_outcome(app, *outcome, at.ts.to_zoned(zone.clone()).date(), false);
            if let Some(o) = &mut app.outcome {
                o.message_id = Some(p.message_id.clone());
            }
            Ok(None)
        }
        Proposed::Interview {
            interview,
            calendar,
            ..
        } => {
            let parsed = read_invites(calendar, zone).map_err(|e| e.to_string())?;
            let events: Vec<_> = parsed
                .events
                .into_iter()
                .filter(|e| !is_debrief_uid(&e.uid))
                .collect();
            let settings = ImportSettings {
                zone: zone.clone(),
                user_emails: user_emails.to_vec(),
                user_name: None,
                target: Some(app.id.to_string()),
            };
            let result = import_invites(&events, std::slice::from_ref(app), vec![], &settings);
            match result.changed.into_iter().next() {
                Some(changed) if changed.interview(interview).is_some() => {
                    *app = changed;
                    Ok(None)
                }
                _ => Ok(Some("the invitation is already in the store".to_string())),
            }
        }
    }
}
