//! The recording operations shared by the pages and the API. Each mirrors a
//! `debrief` command (crates/cli/src/record.rs): it edits one application in
//! memory, and the caller validates and writes it in one transaction.

use debrief_core::engine::Verdict;
use debrief_core::model::{
    Application, Channel, Dismissal, Interview, InterviewFormat, InterviewStatus, News, Outcome,
    OutcomeKind, Person, PersonKind, Policy, Prefers, RecruiterKind, Reflection, SlipUp, Stage,
    Touch, TouchKind,
};
use debrief_core::rules::Rule;
use debrief_store::Change;
use serde::{Deserialize, Serialize};

use crate::state::{AppState, Clock, Problem, Result, parse_date, slug, unique_id};

fn nonempty(text: &str, field: &str, what: &str) -> Result<String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Problem::field(field, format!("{what} is empty")));
    }
    Ok(t.to_string())
}

fn person_known(app: &Application, id: &str, field: &str) -> Result<()> {
    if app.person(id).is_some() {
        return Ok(());
    }
    let known: Vec<&str> = app.people.iter().map(|p| p.id.as_str()).collect();
    Err(Problem::field(
        field,
        format!(
            "unknown person '{id}' in application '{}'{}",
            app.id,
            if known.is_empty() {
                "; add them first".to_string()
            } else {
                format!("; known: {}", known.join(", "))
            }
        ),
    ))
}

fn interview_mut<'a>(app: &'a mut Application, id: &str) -> Result<&'a mut Interview> {
    let app_id = app.id.clone();
    app.interviews
        .iter_mut()
        .find(|i| i.id == id)
        .ok_or_else(|| Problem::not_found(format!("no interview '{id}' in application '{app_id}'")))
}

/// A new application (`debrief app add`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NewApplication {
    pub company: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub stage: Stage,
    #[serde(default)]
    pub urgent: bool,
    #[serde(default)]
    pub recruiter: RecruiterKind,
    #[serde(default)]
    pub policy: Option<Policy>,
}

pub fn add_application(state: &AppState, a: &NewApplication) -> Result<String> {
    let company = nonempty(&a.company, "company", "the company")?;
    let mut store = state.store()?;
    let known = debrief_store::StoreReader::application_ids(&*store)?;
    let id = match a.id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(id) if known.iter().any(|k| k == id) => {
            return Err(Problem::field(
                "id",
                format!("an application with id '{id}' already exists"),
            ));
        }
        Some(id) => id.to_string(),
        None => unique_id(&slug(&format!("{company} {}", a.role)), |c| {
            known.iter().any(|k| k == c)
        }),
    };
    let mut app = Application::new(&id, company, a.role.trim());
    app.stage = a.stage;
    app.urgent = a.urgent;
    app.recruiter = a.recruiter;
    app.policy = a.policy;
    debrief_core::exchange::validate_application(&app, "application")?;
    debrief_store::StoreWriter::apply(&mut *store, &[Change::PutApplication(app)])?;
    Ok(id)
}

/// Changes to an application's own fields (`debrief app set`).
pub fn update_application(app: &mut Application, a: &NewApplication) -> Result<()> {
    app.company = nonempty(&a.company, "company", "the company")?;
    app.role = a.role.trim().to_string();
    app.stage = a.stage;
    app.urgent = a.urgent;
    app.recruiter = a.recruiter;
    app.policy = a.policy;
    Ok(())
}

/// A person met at an application (`debrief person add`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NewPerson {
    pub name: String,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub kind: Option<PersonKind>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub prefers: Option<Channel>,
    /// "If you haven't heard by…": YYYY-MM-DD.
    #[serde(default)]
    pub after: Option<String>,
}

fn clean(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

pub fn add_person(app: &mut Application, a: &NewPerson) -> Result<String> {
    let name = nonempty(&a.name, "name", "the name")?;
    let after = clean(&a.after)
        .map(|t| parse_date(&t))
        .transpose()
        .map_err(|e| Problem::field("after", e))?;
    let id = match clean(&a.id) {
        Some(id) if app.person(&id).is_some() => {
            return Err(Problem::field(
                "id",
                format!("person '{id}' already exists in '{}'", app.id),
            ));
        }
        Some(id) => id,
        None => {
            let first = name.split_whitespace().next().unwrap_or(&name);
            unique_id(&slug(first), |c| app.person(c).is_some())
        }
    };
    let mut p = Person::new(&id, name, a.kind.unwrap_or(PersonKind::Interviewer));
    p.title = clean(&a.title);
    p.email = clean(&a.email);
    p.phone = clean(&a.phone);
    if a.prefers.is_some() || after.is_some() {
        p.prefers = Some(Prefers {
            channel: a.prefers,
            after,
        });
    }
    app.people.push(p);
    Ok(id)
}

/// An interview put in the diary (`debrief interview add`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NewInterview {
    /// RFC 3339, or "YYYY-MM-DD HH:MM" in the profile's zone.
    pub start: String,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub minutes: Option<u32>,
    #[serde(default)]
    pub format: Option<InterviewFormat>,
    /// Interviewers, by person id.
    #[serde(default)]
    pub with: Vec<String>,
}

pub fn add_interview(app: &mut Application, a: &NewInterview, clock: &Clock) -> Result<String> {
    if a.start.trim().is_empty() {
        return Err(Problem::field(
            "start",
            "when does it start? the time is empty",
        ));
    }
    let start = clock.time(&a.start, "start")?;
    for p in &a.with {
        person_known(app, p, "with")?;
    }
    let id = match clean(&a.id) {
        Some(id) if app.interview(&id).is_some() => {
            return Err(Problem::field(
                "id",
                format!("interview '{id}' already exists in '{}'", app.id),
            ));
        }
        Some(id) => id,
        None => unique_id(&format!("interview-{}", app.interviews.len() + 1), |c| {
            app.interview(c).is_some()
        }),
    };
    let mut iv = Interview::new(&id, start);
    if let Some(m) = a.minutes {
        if m == 0 {
            return Err(Problem::field(
                "minutes",
                "an interview lasts at least a minute",
            ));
        }
        iv.minutes = m;
    }
    if let Some(f) = a.format {
        iv.format = f;
    }
    iv.interviewers = a.with.clone();
    iv.scheduled_at = Some(clock.now_moment());
    app.interviews.push(iv);
    app.interviews.sort_by_key(|i| i.start);
    if matches!(app.stage, Stage::Applied | Stage::Screening) && a.with.len() > 1 {
        app.stage = Stage::Interviewing;
    }
    Ok(id)
}

/// One person in the debrief: were they there, what they said, and the
/// timeline and channel they named.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DebriefPerson {
    pub id: String,
    #[serde(default)]
    pub interviewer: bool,
    #[serde(default)]
    pub also_met: bool,
    #[serde(default)]
    pub said: Vec<String>,
    #[serde(default)]
    pub prefers: Option<Channel>,
    #[serde(default)]
    pub after: Option<String>,
}

/// Everything the debrief form captures, right after an interview.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Debrief {
    #[serde(default)]
    pub people: Vec<DebriefPerson>,
    #[serde(default)]
    pub asked_questions: Option<bool>,
    #[serde(default)]
    pub disrupted: bool,
    #[serde(default)]
    pub slip_ups: Vec<SlipUp>,
    #[serde(default)]
    pub went_well: String,
    #[serde(default)]
    pub change: String,
    #[serde(default)]
    pub mistakes: Vec<String>,
}

/// Marks the interview done and records the debrief (`interview done`,
/// `said`, `person set --after`, `slip`, `reflect` in one write).
pub fn debrief(app: &mut Application, interview: &str, d: &Debrief) -> Result<()> {
    interview_mut(app, interview)?;
    let mut interviewers = Vec::new();
    let mut also_met = Vec::new();
    for (i, dp) in d.people.iter().enumerate() {
        person_known(app, &dp.id, &format!("people[{i}].id"))?;
        let after = clean(&dp.after)
            .map(|t| parse_date(&t))
            .transpose()
            .map_err(|e| Problem::field(format!("after-{}", dp.id), e))?;
        if dp.interviewer {
            interviewers.push(dp.id.clone());
        } else if dp.also_met {
            also_met.push(dp.id.clone());
        }
        if let Some(p) = app.people.iter_mut().find(|p| p.id == dp.id) {
            for s in dp.said.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
                if !p.said.iter().any(|x| x == s) {
                    p.said.push(s.to_string());
                }
            }
            if dp.prefers.is_some() || after.is_some() {
                let prefers = p.prefers.get_or_insert_with(Prefers::default);
                if dp.prefers.is_some() {
                    prefers.channel = dp.prefers;
                }
                if after.is_some() {
                    prefers.after = after;
                }
            }
        }
    }
    let slips: Vec<SlipUp> = d
        .slip_ups
        .iter()
        .filter(|s| !s.text.trim().is_empty())
        .map(|s| SlipUp {
            text: s.text.trim().to_string(),
            ..s.clone()
        })
        .collect();
    let mistakes: Vec<String> = d
        .mistakes
        .iter()
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty())
        .collect();
    let panel = interviewers.len() > 1;
    let iv = interview_mut(app, interview)?;
    iv.status = InterviewStatus::Done;
    if !interviewers.is_empty() {
        iv.interviewers = interviewers;
    }
    for p in also_met {
        if !iv.also_met.contains(&p) && !iv.interviewers.contains(&p) {
            iv.also_met.push(p);
        }
    }
    if d.asked_questions.is_some() {
        iv.asked_questions = d.asked_questions;
    }
    iv.disrupted |= d.disrupted;
    iv.slip_ups.extend(slips);
    if !d.went_well.trim().is_empty() || !d.change.trim().is_empty() || !mistakes.is_empty() {
        let r = iv.reflection.get_or_insert_with(Reflection::default);
        if !d.went_well.trim().is_empty() {
            r.went_well = d.went_well.trim().to_string();
        }
        if !d.change.trim().is_empty() {
            r.change = d.change.trim().to_string();
        }
        r.mistakes.extend(mistakes);
    }
    if panel && matches!(app.stage, Stage::Applied | Stage::Screening) {
        app.stage = Stage::Interviewing;
    }
    Ok(())
}

/// A message or call to log (`debrief touch`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NewTouch {
    pub person: String,
    pub kind: TouchKind,
    pub channel: Channel,
    /// Blank or absent: now.
    #[serde(default)]
    pub at: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// Log it even if the follow-up guard refuses.
    #[serde(default)]
    pub force: bool,
}

/// What logging a touch did.
#[derive(Debug, Clone, PartialEq)]
pub enum Logged {
    Yes {
        forced: bool,
        touch: Touch,
    },
    Refused {
        allowed_from: Option<String>,
        why: String,
    },
}

/// Logs a touch through the follow-up guard; a refusal writes nothing.
pub fn log_touch(state: &AppState, app_id: &str, t: &NewTouch, clock: &Clock) -> Result<Logged> {
    let at = clock.time_or_now(t.at.as_deref().unwrap_or(""), "at")?;
    let result = state.edit(app_id, |app| {
        person_known(app, &t.person, "person")?;
        let mut touch = Touch {
            at,
            person: Some(t.person.clone()),
            channel: t.channel,
            kind: t.kind,
            replied_at: None,
            forced: false,
            note: clean(&t.note),
        };
        if let Verdict::Refused { allowed_from, why } = clock.engine.guard(app, &touch) {
            if !t.force {
                // An error, so that `edit` abandons the change.
                return Err(Stop::Refused {
                    allowed_from: allowed_from
                        .map(|ts| debrief_core::model::Moment::in_zone(ts, &clock.tz).to_string()),
                    why,
                });
            }
            touch.forced = true;
        }
        app.touches.push(touch.clone());
        app.touches.sort_by_key(|t| t.at);
        Ok(Logged::Yes {
            forced: touch.forced,
            touch,
        })
    });
    match result {
        Ok(logged) => Ok(logged),
        Err(Stop::Refused { allowed_from, why }) => Ok(Logged::Refused { allowed_from, why }),
        Err(Stop::Problem(p)) => Err(p),
    }
}

/// Why logging a touch stopped before writing.
enum Stop {
    Refused {
        allowed_from: Option<String>,
        why: String,
    },
    Problem(Problem),
}

impl From<Problem> for Stop {
    fn from(p: Problem) -> Stop {
        Stop::Problem(p)
    }
}

/// Marks an agenda action done or dismissed (`debrief done`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NewDismissal {
    pub rule: String,
    #[serde(default)]
    pub interview: Option<String>,
    #[serde(default)]
    pub person: Option<String>,
    #[serde(default)]
    pub reason: String,
}

pub fn dismiss(app: &mut Application, d: &NewDismissal, clock: &Clock) -> Result<Rule> {
    let rule = Rule::from_id(d.rule.trim())
        .ok_or_else(|| Problem::field("rule", format!("unknown rule '{}'", d.rule)))?;
    let person = clean(&d.person);
    let interview = clean(&d.interview);
    if let Some(p) = &person {
        person_known(app, p, "person")?;
    }
    if let Some(i) = &interview {
        interview_mut(app, i).map_err(|e| Problem::field("interview", e.message))?;
    }
    app.dismissed.push(Dismissal {
        rule: rule.id().into(),
        interview,
        person,
        at: clock.now_moment(),
        reason: d.reason.trim().to_string(),
    });
    Ok(rule)
}

/// Records a reply to the latest unanswered message (`debrief reply`).
pub fn reply(
    app: &mut Application,
    person: Option<&str>,
    at: debrief_core::model::Moment,
) -> Result<()> {
    if let Some(p) = person {
        person_known(app, p, "person")?;
    }
    let app_id = app.id.clone();
    let t = app
        .touches
        .iter_mut()
        .filter(|t| {
            t.replied_at.is_none() && t.at <= at && (person.is_none() || t.person.as_deref() == person)
        })
        .max_by_key(|t| t.at)
        .ok_or_else(|| {
            Problem::field(
                "person",
                format!("no unanswered message in '{app_id}' before {at} to attach the reply to; log what you sent first"),
            )
        })?;
    t.replied_at = Some(at);
    Ok(())
}

pub fn news(app: &mut Application, on: jiff::civil::Date, text: &str) -> Result<()> {
    let text = nonempty(text, "text", "the news")?;
    app.news.push(News { on, text });
    Ok(())
}

pub fn outcome(
    app: &mut Application,
    kind: OutcomeKind,
    on: jiff::civil::Date,
    stay: bool,
) -> Result<()> {
    let feedback = app.outcome.take().map(|o| o.feedback).unwrap_or_default();
    app.outcome = Some(Outcome {
        kind,
        on,
        feedback,
        stay_in_touch: stay,
    });
    app.stage = match kind {
        OutcomeKind::Offer => Stage::Offer,
        OutcomeKind::Rejected => Stage::Rejected,
        OutcomeKind::Withdrawn => Stage::Withdrawn,
        OutcomeKind::NoResponse => Stage::Closed,
    };
    Ok(())
}

/// The touch that fulfils an agenda action, for "log as sent" on Today;
/// `None` for actions that are not a message (prepare, reflect…).
pub fn touch_for_rule(rule: Rule) -> Option<TouchKind> {
    Some(match rule {
        Rule::ThankYouNote | Rule::ThankStaff | Rule::HandwrittenNote => TouchKind::ThankYou,
        Rule::SendQuestions => TouchKind::Questions,
        Rule::ExplainDistraction => TouchKind::Explain,
        Rule::MissedInterviewRecovery => TouchKind::Recovery,
        Rule::StatusCheck => TouchKind::StatusCheck,
        Rule::Congratulate => TouchKind::Congratulate,
        Rule::RequestFeedbackCall => TouchKind::FeedbackRequest,
        Rule::StayInTouch => TouchKind::Content,
        Rule::AskThreeQuestions => TouchKind::Questions,
        _ => return None,
    })
}

/// The note kind the composer drafts for an agenda action.
pub fn note_kind_for_rule(rule: Rule) -> Option<debrief_lint::NoteKind> {
    use debrief_lint::NoteKind as K;
    Some(match rule {
        Rule::ThankYouNote | Rule::HandwrittenNote => K::ThankYou,
        Rule::ThankStaff => K::ThankStaff,
        Rule::StatusCheck => K::StatusCheck,
        Rule::MissedInterviewRecovery => K::Recovery,
        Rule::RequestFeedbackCall => K::FeedbackRequest,
        Rule::StayInTouch => K::StayInTouch,
        Rule::Congratulate => K::Congratulate,
        _ => return None,
    })
}
