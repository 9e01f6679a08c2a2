//! The edits a person makes day to day — add a person, schedule an
//! interview, log a touch through the follow-up guard, record a reply or an
//! outcome, dismiss an action — written once for the command line and the
//! web app. Each edits one application in memory; the caller validates and
//! stores it in one transaction.

use std::fmt;

use jiff::Timestamp;
use jiff::civil::Date;

use crate::engine::{Engine, Verdict};
use crate::input::{closest, slug, unique_id};
use crate::model::{
    Application, Channel, Dismissal, Interview, InterviewFormat, Moment, Outcome, OutcomeKind,
    Person, PersonKind, Prefers, Stage, Touch, TouchKind,
};
use crate::rules::Rule;

/// Why an edit was refused: the input field at fault and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditError {
    /// The field (form name or JSON key) the problem is about.
    pub field: String,
    pub message: String,
    /// The edit names something that does not exist (404 rather than 422).
    pub missing: bool,
}

impl EditError {
    pub fn field(field: &str, message: impl Into<String>) -> EditError {
        EditError {
            field: field.to_string(),
            message: message.into(),
            missing: false,
        }
    }

    fn missing(field: &str, message: String) -> EditError {
        EditError {
            field: field.to_string(),
            message,
            missing: true,
        }
    }
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EditError {}

pub type Result<T, E = EditError> = std::result::Result<T, E>;

/// `" a text "` → `Some("a text")`; blank → `None`.
pub fn clean(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

pub fn nonempty(text: &str, field: &str, what: &str) -> Result<String> {
    clean(Some(text)).ok_or_else(|| EditError::field(field, format!("{what} is empty")))
}

/// The person `id` of `app`, or an error suggesting the id meant.
pub fn person<'a>(app: &'a Application, id: &str, field: &str) -> Result<&'a Person> {
    app.person(id).ok_or_else(|| {
        let known: Vec<&str> = app.people.iter().map(|p| p.id.as_str()).collect();
        let hint = match closest(id, &known) {
            Some(k) => format!("; did you mean '{k}'?"),
            None if known.is_empty() => "; add them first".to_string(),
            None => format!("; known: {}", known.join(", ")),
        };
        EditError::field(
            field,
            format!("unknown person '{id}' in application '{}'{hint}", app.id),
        )
    })
}

pub fn interview_mut<'a>(
    app: &'a mut Application,
    id: &str,
    field: &str,
) -> Result<&'a mut Interview> {
    let known: Vec<String> = app.interviews.iter().map(|i| i.id.clone()).collect();
    let app_id = app.id.clone();
    app.interviews
        .iter_mut()
        .find(|i| i.id == id)
        .ok_or_else(|| {
            let hint = match closest(id, &known) {
                Some(k) => format!("; did you mean '{k}'?"),
                None if known.is_empty() => String::new(),
                None => format!("; known: {}", known.join(", ")),
            };
            EditError::missing(
                field,
                format!("unknown interview '{id}' in application '{app_id}'{hint}"),
            )
        })
}

/// The id for a new application: the one given (if free), else made from
/// the company and role.
pub fn application_id(
    given: Option<&str>,
    company: &str,
    role: &str,
    known: &[String],
) -> Result<String> {
    match clean(given) {
        Some(id) if known.contains(&id) => Err(EditError::field(
            "id",
            format!("an application with id '{id}' already exists"),
        )),
        Some(id) => Ok(id),
        None => Ok(unique_id(&slug(&format!("{company} {role}")), |c| {
            known.iter().any(|k| k == c)
        })),
    }
}

/// The fields of a person a user may set; `None` leaves a field as it is,
/// a blank text clears it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PersonFields {
    pub name: Option<String>,
    pub kind: Option<PersonKind>,
    pub title: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub prefers: Option<Channel>,
    pub after: Option<Date>,
}

impl PersonFields {
    fn apply(&self, p: &mut Person) -> Result<()> {
        if let Some(n) = &self.name {
            p.name = nonempty(n, "name", "the name")?;
        }
        if let Some(k) = self.kind {
            p.kind = k;
        }
        for (slot, value) in [
            (&mut p.title, &self.title),
            (&mut p.email, &self.email),
            (&mut p.phone, &self.phone),
            (&mut p.mailing_address, &self.address),
        ] {
            if value.is_some() {
                *slot = clean(value.as_deref());
            }
        }
        if self.prefers.is_some() || self.after.is_some() {
            let prefers = p.prefers.get_or_insert_with(Prefers::default);
            if self.prefers.is_some() {
                prefers.channel = self.prefers;
            }
            if self.after.is_some() {
                prefers.after = self.after;
            }
        }
        Ok(())
    }
}

/// Adds a person; the id defaults to their first name, made unique.
pub fn add_person(app: &mut Application, id: Option<&str>, f: &PersonFields) -> Result<String> {
    let name = nonempty(f.name.as_deref().unwrap_or(""), "name", "the name")?;
    let id = match clean(id) {
        Some(id) if app.person(&id).is_some() => {
            return Err(EditError::field(
                "id",
                format!("person '{id}' already exists in '{}'", app.id),
            ));
        }
        Some(id) => id,
        None => unique_id(
            &slug(name.split_whitespace().next().unwrap_or(&name)),
            |c| app.person(c).is_some(),
        ),
    };
    let mut p = Person::new(&id, name, f.kind.unwrap_or(PersonKind::Interviewer));
    f.apply(&mut p)?;
    app.people.push(p);
    Ok(id)
}

pub fn update_person(app: &mut Application, id: &str, f: &PersonFields) -> Result<()> {
    person(app, id, "person")?;
    match app.people.iter_mut().find(|p| p.id == id) {
        Some(p) => f.apply(p),
        None => Ok(()),
    }
}

/// An interview to put in the diary.
#[derive(Debug, Clone, PartialEq)]
pub struct NewInterview {
    pub id: Option<String>,
    pub start: Moment,
    pub minutes: u32,
    pub format: InterviewFormat,
    /// Interviewer ids.
    pub with: Vec<String>,
    /// Others met on the day (receptionist, coordinator).
    pub also_met: Vec<String>,
}

/// Schedules an interview (preparation opens at `scheduled_at`) and moves a
/// panel's application on to the interviewing stage.
pub fn schedule_interview(
    app: &mut Application,
    n: NewInterview,
    scheduled_at: Moment,
) -> Result<String> {
    for p in &n.with {
        person(app, p, "with")?;
    }
    for p in &n.also_met {
        person(app, p, "also_met")?;
    }
    if n.minutes == 0 || n.minutes > 24 * 60 {
        return Err(EditError::field(
            "minutes",
            format!(
                "{} minutes is not a plausible interview length (1 to 1440)",
                n.minutes
            ),
        ));
    }
    let id = match clean(n.id.as_deref()) {
        Some(id) if app.interview(&id).is_some() => {
            return Err(EditError::field(
                "id",
                format!("interview '{id}' already exists in '{}'", app.id),
            ));
        }
        Some(id) => id,
        None => unique_id(&format!("interview-{}", app.interviews.len() + 1), |c| {
            app.interview(c).is_some()
        }),
    };
    let panel = n.with.len() > 1;
    let mut iv = Interview::new(&id, n.start);
    iv.minutes = n.minutes;
    iv.format = n.format;
    iv.interviewers = n.with;
    iv.also_met = n.also_met;
    iv.scheduled_at = Some(scheduled_at);
    app.interviews.push(iv);
    app.interviews.sort_by_key(|i| i.start);
    if panel && matches!(app.stage, Stage::Applied | Stage::Screening) {
        app.stage = Stage::Interviewing;
    }
    Ok(id)
}

/// What logging a touch did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Logged {
    Yes,
    /// Logged past a refusal because the user asked; `why` is the refusal.
    Forced {
        why: String,
    },
    /// The follow-up guard said no; the application is unchanged.
    Refused {
        allowed_from: Option<Timestamp>,
        why: String,
    },
}

/// Logs `touch` through the follow-up guard (PLAYBOOK `follow-up-guard`);
/// `force` logs a refused chase anyway, marked as forced.
pub fn log_touch(
    engine: &Engine,
    app: &mut Application,
    mut touch: Touch,
    force: bool,
) -> Result<Logged> {
    if let Some(p) = &touch.person {
        person(app, p, "person")?;
    }
    let logged = match engine.guard(app, &touch) {
        Verdict::Refused { allowed_from, why } if !force => {
            return Ok(Logged::Refused { allowed_from, why });
        }
        Verdict::Refused { why, .. } => {
            touch.forced = true;
            Logged::Forced { why }
        }
        Verdict::Allowed => Logged::Yes,
    };
    app.touches.push(touch);
    app.touches.sort_by_key(|t| t.at);
    Ok(logged)
}

/// Records a reply to the latest unanswered message before `at` (to
/// `person`, if given); returns the message answered.
pub fn record_reply<'a>(
    app: &'a mut Application,
    who: Option<&str>,
    at: Moment,
) -> Result<&'a Touch> {
    if let Some(p) = who {
        person(app, p, "person")?;
    }
    let app_id = app.id.clone();
    let t = app
        .touches
        .iter_mut()
        .filter(|t| t.replied_at.is_none() && t.at <= at && (who.is_none() || t.person.as_deref() == who))
        .max_by_key(|t| t.at)
        .ok_or_else(|| {
            EditError::field(
                "person",
                format!("no unanswered message in '{app_id}' before {at} to attach the reply to; log what you sent first"),
            )
        })?;
    t.replied_at = Some(at);
    Ok(t)
}

/// Records the outcome (keeping feedback already recorded) and the stage
/// that goes with it.
pub fn record_outcome(app: &mut Application, kind: OutcomeKind, on: Date, stay_in_touch: bool) {
    let feedback = app.outcome.take().map(|o| o.feedback).unwrap_or_default();
    app.outcome = Some(Outcome {
        kind,
        on,
        feedback,
        stay_in_touch,
    });
    app.stage = match kind {
        OutcomeKind::Offer => Stage::Offer,
        OutcomeKind::Rejected => Stage::Rejected,
        OutcomeKind::Withdrawn => Stage::Withdrawn,
        OutcomeKind::NoResponse => Stage::Closed,
    };
}

/// Marks an agenda action done or dismissed, with a reason.
pub fn dismiss(
    app: &mut Application,
    rule: &str,
    interview: Option<&str>,
    who: Option<&str>,
    at: Moment,
    reason: &str,
) -> Result<Rule> {
    let rule = Rule::from_id(rule.trim()).ok_or_else(|| {
        let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        let hint = closest(rule, &ids)
            .map(|k| format!("; did you mean '{k}'?"))
            .unwrap_or_default();
        EditError::field(
            "rule",
            format!("unknown rule '{rule}'{hint} (see debrief explain)"),
        )
    })?;
    let (interview, who) = (clean(interview), clean(who));
    if let Some(p) = &who {
        person(app, p, "person")?;
    }
    if let Some(i) = &interview {
        // Named in the input, not looked up by address: a field error.
        interview_mut(app, i, "interview").map_err(|e| EditError {
            missing: false,
            ..e
        })?;
    }
    app.dismissed.push(Dismissal {
        rule: rule.id().into(),
        interview,
        person: who,
        at,
        reason: reason.trim().to_string(),
    });
    Ok(rule)
}

/// The kind of touch that fulfils an action of `rule`; `None` for actions
/// that are not a message (prepare, reflect…).
pub fn touch_for_rule(rule: Rule) -> Option<TouchKind> {
    Some(match rule {
        Rule::ThankYouNote | Rule::ThankStaff | Rule::HandwrittenNote => TouchKind::ThankYou,
        Rule::SendQuestions | Rule::AskThreeQuestions => TouchKind::Questions,
        Rule::ExplainDistraction => TouchKind::Explain,
        Rule::MissedInterviewRecovery => TouchKind::Recovery,
        Rule::StatusCheck => TouchKind::StatusCheck,
        Rule::Congratulate => TouchKind::Congratulate,
        Rule::RequestFeedbackCall => TouchKind::FeedbackRequest,
        Rule::StayInTouch => TouchKind::Content,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Dataset, InterviewStatus, Profile};

    fn m(s: &str) -> Moment {
        s.parse().expect("moment")
    }

    fn app() -> Application {
        let mut a = Application::new("acme", "Acme", "Analyst");
        a.people.push(Person::new(
            "marie",
            "Marie Dubois",
            PersonKind::Interviewer,
        ));
        a
    }

    #[test]
    fn unknown_people_and_interviews_are_named_with_a_suggestion() {
        let mut a = app();
        let e = person(&a, "mari", "person").unwrap_err();
        assert!(
            !e.missing && e.message.contains("did you mean 'marie'"),
            "{e}"
        );
        let e = interview_mut(&mut a, "x", "interview").unwrap_err();
        assert!(e.missing);
        assert_eq!(e.field, "interview");
    }

    #[test]
    fn people_get_ids_from_their_first_name_and_blank_fields_clear() {
        let mut a = app();
        let f = PersonFields {
            name: Some(" Marie Curie ".into()),
            email: Some("  ".into()),
            ..Default::default()
        };
        assert_eq!(add_person(&mut a, None, &f).expect("added"), "marie-2");
        assert_eq!(a.people[1].email, None);
        assert!(add_person(&mut a, Some("marie"), &f).is_err());
        update_person(
            &mut a,
            "marie",
            &PersonFields {
                title: Some("Lead".into()),
                ..Default::default()
            },
        )
        .expect("set");
        assert_eq!(a.people[0].title.as_deref(), Some("Lead"));
    }

    #[test]
    fn scheduling_checks_people_and_length_and_keeps_interviews_in_order() {
        let mut a = app();
        a.people
            .push(Person::new("raj", "Raj", PersonKind::Interviewer));
        let n = |start: &str, with: Vec<&str>, minutes| NewInterview {
            id: None,
            start: m(start),
            minutes,
            format: InterviewFormat::Video,
            with: with.into_iter().map(String::from).collect(),
            also_met: vec![],
        };
        let at = m("2026-11-01T09:00:00Z");
        assert_eq!(
            schedule_interview(&mut a, n("2026-11-20T10:00:00Z", vec!["nobody"], 60), at)
                .unwrap_err()
                .field,
            "with"
        );
        assert_eq!(
            schedule_interview(&mut a, n("2026-11-20T10:00:00Z", vec![], 0), at)
                .unwrap_err()
                .field,
            "minutes"
        );
        schedule_interview(
            &mut a,
            n("2026-11-20T10:00:00Z", vec!["marie", "raj"], 60),
            at,
        )
        .expect("panel");
        schedule_interview(&mut a, n("2026-11-10T10:00:00Z", vec!["marie"], 30), at)
            .expect("screen");
        assert_eq!(a.interviews[0].id, "interview-2", "sorted by start");
        assert_eq!(a.stage, Stage::Interviewing);
    }

    #[test]
    fn a_refused_touch_leaves_the_application_unchanged() {
        let mut a = app();
        let mut iv = Interview::new("i", m("2026-11-20T10:00:00Z"));
        iv.status = InterviewStatus::Done;
        iv.interviewers = vec!["marie".into()];
        a.interviews.push(iv);
        let engine = Engine::new(&Profile::default()).expect("engine");
        let touch = |kind, at: &str| Touch {
            at: m(at),
            person: Some("marie".into()),
            channel: Channel::Email,
            kind,
            replied_at: None,
            forced: false,
            note: None,
        };
        assert_eq!(
            log_touch(
                &engine,
                &mut a,
                touch(TouchKind::ThankYou, "2026-11-20T15:00:00Z"),
                false
            ),
            Ok(Logged::Yes)
        );
        let before = a.clone();
        let r = log_touch(
            &engine,
            &mut a,
            touch(TouchKind::StatusCheck, "2026-11-23T15:00:00Z"),
            false,
        )
        .expect("ran");
        assert!(matches!(
            r,
            Logged::Refused {
                allowed_from: Some(_),
                ..
            }
        ));
        assert_eq!(a, before);
        let r = log_touch(
            &engine,
            &mut a,
            touch(TouchKind::StatusCheck, "2026-11-23T15:00:00Z"),
            true,
        )
        .expect("ran");
        assert!(
            matches!(r, Logged::Forced { ref why } if why.contains("Too soon")),
            "{r:?}"
        );
        assert!(a.touches[1].forced);
        let answered =
            record_reply(&mut a, Some("marie"), m("2026-11-24T10:00:00Z")).expect("reply");
        assert_eq!(
            answered.kind,
            TouchKind::StatusCheck,
            "the latest unanswered message"
        );
    }

    #[test]
    fn every_message_rule_is_fulfilled_by_its_touch() {
        // Each rule with a fulfilling touch disappears from the agenda once
        // that touch is logged (checked on the cases the engine tests build).
        for &rule in Rule::ALL {
            if let Some(kind) = touch_for_rule(rule) {
                assert_ne!(kind, TouchKind::Other, "{rule}");
            }
        }
        let mut a = app();
        let mut iv = Interview::new("i", m("2026-11-20T10:00:00Z"));
        iv.status = InterviewStatus::Done;
        iv.interviewers = vec!["marie".into()];
        iv.asked_questions = Some(false);
        a.interviews.push(iv);
        let d = |a: &Application| Dataset {
            applications: vec![a.clone()],
            ..Dataset::default()
        };
        let engine = Engine::new(&Profile::default()).expect("engine");
        let now = m("2026-11-20T12:00:00Z").ts;
        for rule in [Rule::ThankYouNote, Rule::SendQuestions] {
            let kind = touch_for_rule(rule).expect("a message rule");
            assert!(
                engine
                    .agenda(&d(&a), now)
                    .actions
                    .iter()
                    .any(|x| x.rule == rule)
            );
            a.touches.push(Touch {
                at: m("2026-11-20T11:30:00Z"),
                person: Some("marie".into()),
                channel: Channel::Email,
                kind,
                replied_at: None,
                forced: false,
                note: None,
            });
            assert!(
                !engine
                    .agenda(&d(&a), now)
                    .actions
                    .iter()
                    .any(|x| x.rule == rule),
                "{rule}"
            );
        }
        let mut o = a.clone();
        record_outcome(
            &mut o,
            OutcomeKind::NoResponse,
            Date::constant(2026, 12, 1),
            false,
        );
        assert_eq!(o.stage, Stage::Closed);
    }
}
