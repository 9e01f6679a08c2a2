//! The recording operations shared by the pages and the API. Each mirrors a
//! `debrief` command (crates/cli/src/record.rs): it edits one application in
//! memory, and the caller validates and writes it in one transaction.

use debrief_core::edit::{self, PersonFields};
use debrief_core::input::parse_date;
use debrief_core::model::{
    Application, Channel, Feedback, FeedbackKind, Interview, InterviewFormat, InterviewStatus,
    LearningPlan, Moment, News, OutcomeKind, PersonKind, Policy, RecruiterKind, Reflection,
    ResearchFact, SlipUp, Stage, Touch, TouchKind,
};
use debrief_core::rules::Rule;
use debrief_store::Change;
use serde::{Deserialize, Serialize};

use crate::state::{AppState, Clock, Problem, Result};

fn nonempty(text: &str, field: &str, what: &str) -> Result<String> {
    Ok(edit::nonempty(text, field, what)?)
}

fn person_known(app: &Application, id: &str, field: &str) -> Result<()> {
    edit::person(app, id, field)?;
    Ok(())
}

fn interview_mut<'a>(app: &'a mut Application, id: &str) -> Result<&'a mut Interview> {
    Ok(edit::interview_mut(app, id, "interview")?)
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
    let id = edit::application_id(a.id.as_deref(), &company, &a.role, &known)?;
    let mut app = Application::new(&id, company, a.role.trim());
    app.stage = a.stage;
    app.urgent = a.urgent;
    app.recruiter = a.recruiter;
    app.policy = a.policy;
    debrief_core::exchange::validate_application(&app, "application")?;
    state.apply_locked(&mut store, &[Change::PutApplication(app)])?;
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
    edit::clean(v.as_deref())
}

pub fn add_person(app: &mut Application, a: &NewPerson) -> Result<String> {
    let after = clean(&a.after)
        .map(|t| parse_date(&t))
        .transpose()
        .map_err(|e| Problem::field("after", e))?;
    let fields = PersonFields {
        name: Some(a.name.clone()),
        kind: a.kind,
        title: a.title.clone(),
        email: a.email.clone(),
        phone: a.phone.clone(),
        address: None,
        prefers: a.prefers,
        after,
    };
    Ok(edit::add_person(app, a.id.as_deref(), &fields)?)
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
    let new = edit::NewInterview {
        id: a.id.clone(),
        start: clock.time(&a.start, "start")?,
        minutes: a.minutes.unwrap_or(60),
        format: a.format.unwrap_or(InterviewFormat::Video),
        with: a.with.clone(),
        also_met: vec![],
    };
    Ok(edit::schedule_interview(app, new, clock.now_moment())?)
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
    /// Information you lacked, one item each.
    #[serde(default)]
    pub missing: Vec<String>,
    /// The hardest question, and how you would answer it next time.
    #[serde(default)]
    pub hardest: String,
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
        edit::update_person(
            app,
            &dp.id,
            &PersonFields {
                prefers: dp.prefers,
                after,
                ..PersonFields::default()
            },
        )?;
        if let Some(p) = app.people.iter_mut().find(|p| p.id == dp.id) {
            for s in dp.said.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
                if !p.said.iter().any(|x| x == s) {
                    p.said.push(s.to_string());
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
    let missing: Vec<String> = d
        .missing
        .iter()
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty())
        .collect();
    let hardest = d.hardest.trim();
    if !d.went_well.trim().is_empty()
        || !d.change.trim().is_empty()
        || !mistakes.is_empty()
        || !missing.is_empty()
        || !hardest.is_empty()
    {
        let r = iv.reflection.get_or_insert_with(Reflection::default);
        for m in missing {
            if !r.missing_info.contains(&m) {
                r.missing_info.push(m);
            }
        }
        if !hardest.is_empty() {
            r.hardest_question = Some(hardest.to_string());
        }
        if !d.went_well.trim().is_empty() {
            r.went_well = d.went_well.trim().to_string();
        }
        if !d.change.trim().is_empty() {
            r.change = d.change.trim().to_string();
        }
        for m in mistakes {
            if !r.mistakes.contains(&m) {
                r.mistakes.push(m);
            }
        }
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
        let touch = Touch {
            at,
            person: Some(t.person.clone()),
            channel: t.channel,
            kind: t.kind,
            replied_at: None,
            forced: false,
            note: clean(&t.note),
        };
        match edit::log_touch(&clock.engine, app, touch.clone(), t.force).map_err(Problem::from)? {
            // An error, so that `edit` abandons the (unchanged) application.
            edit::Logged::Refused { allowed_from, why } => Err(Stop::Refused {
                allowed_from: allowed_from.map(|ts| Moment::in_zone(ts, &clock.tz).to_string()),
                why,
            }),
            edit::Logged::Yes => Ok(Logged::Yes {
                forced: false,
                touch,
            }),
            edit::Logged::Forced { .. } => Ok(Logged::Yes {
                forced: true,
                touch: Touch {
                    forced: true,
                    ..touch
                },
            }),
        }
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
    Ok(edit::dismiss(
        app,
        &d.rule,
        d.interview.as_deref(),
        d.person.as_deref(),
        clock.now_moment(),
        &d.reason,
    )?)
}

/// Records a reply to the latest unanswered message (`debrief reply`).
pub fn reply(app: &mut Application, person: Option<&str>, at: Moment) -> Result<()> {
    edit::record_reply(app, person, at)?;
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
    edit::record_outcome(app, kind, on, stay);
    Ok(())
}

pub use debrief_core::edit::touch_for_rule;

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

/// Changes to a person (`debrief person set`): absent fields stay as they
/// are, a blank text clears one.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PersonUpdate {
    #[serde(default)]
    pub name: Option<String>,
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

pub fn update_person(app: &mut Application, id: &str, u: &PersonUpdate) -> Result<()> {
    let after = clean(&u.after)
        .map(|t| parse_date(&t))
        .transpose()
        .map_err(|e| Problem::field("after", e))?;
    let fields = PersonFields {
        name: u.name.clone(),
        kind: u.kind,
        title: u.title.clone(),
        email: u.email.clone(),
        phone: u.phone.clone(),
        address: None,
        prefers: u.prefers,
        after,
    };
    edit::update_person(app, id, &fields)?;
    Ok(())
}

/// An interview's status and preparation (`debrief interview missed`,
/// `cancel`, `prepared`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InterviewUpdate {
    #[serde(default)]
    pub status: Option<InterviewStatus>,
    /// Researched the company (preparation).
    #[serde(default)]
    pub research: Option<bool>,
    /// Questions prepared for them.
    #[serde(default)]
    pub questions: Option<u32>,
    /// Slip-up numbers (1-based) now apologized for.
    #[serde(default)]
    pub apologized: Vec<usize>,
    /// Rescheduled: the new start (RFC 3339, or "YYYY-MM-DD HH:MM" in the
    /// profile's zone).
    #[serde(default)]
    pub start: Option<String>,
    #[serde(default)]
    pub minutes: Option<u32>,
}

pub fn update_interview(
    app: &mut Application,
    iv: &str,
    u: &InterviewUpdate,
    clock: &Clock,
) -> Result<()> {
    let start = clean(&u.start)
        .map(|t| clock.time(&t, "start"))
        .transpose()?;
    if let Some(m) = u.minutes
        && (m == 0 || m > 24 * 60)
    {
        return Err(Problem::field(
            "minutes",
            format!("{m} minutes is not a plausible interview length (1 to 1440)"),
        ));
    }
    let iv = interview_mut(app, iv)?;
    if let Some(s) = start {
        iv.start = s;
    }
    if let Some(m) = u.minutes {
        iv.minutes = m;
    }
    for &n in &u.apologized {
        let count = iv.slip_ups.len();
        let slip = n
            .checked_sub(1)
            .and_then(|i| iv.slip_ups.get_mut(i))
            .ok_or_else(|| {
                Problem::field(
                    "apologized",
                    format!("slip-up {n}: interview '{}' has {count} slip-up(s)", iv.id),
                )
            })?;
        slip.apologized = true;
    }
    if let Some(s) = u.status {
        iv.status = s;
    }
    if let Some(r) = u.research {
        iv.prepared.research = r;
    }
    if let Some(q) = u.questions {
        if q > 50 {
            return Err(Problem::field(
                "questions",
                format!("{q} questions is more than anyone prepares (0 to 50)"),
            ));
        }
        iv.prepared.questions = q;
    }
    app.interviews.sort_by_key(|i| i.start);
    Ok(())
}

/// A fact learned about the company, with how you would contribute
/// (`debrief research`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NewResearch {
    pub fact: String,
    #[serde(default)]
    pub contribution: Option<String>,
}

pub fn research(app: &mut Application, r: &NewResearch) -> Result<()> {
    let fact = nonempty(&r.fact, "fact", "the fact")?;
    let contribution = clean(&r.contribution);
    match app.research.iter_mut().find(|x| x.fact == fact) {
        Some(x) => x.contribution = contribution.or(x.contribution.take()),
        None => app.research.push(ResearchFact { fact, contribution }),
    }
    Ok(())
}

/// A point of feedback after the outcome, or a change to one
/// (`debrief feedback`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NewFeedback {
    /// The feedback itself; needed unless `point` names an existing one.
    #[serde(default)]
    pub text: Option<String>,
    /// Update point N (1-based) instead of adding one.
    #[serde(default)]
    pub point: Option<usize>,
    #[serde(default)]
    pub kind: Option<FeedbackKind>,
    #[serde(default)]
    pub positive: bool,
    /// A learning step for a skill…
    #[serde(default)]
    pub plan: Option<String>,
    /// …and the date to do it by (YYYY-MM-DD).
    #[serde(default)]
    pub by: Option<String>,
}

/// Records feedback; returns which point (1-based) it is.
pub fn feedback(app: &mut Application, f: &NewFeedback) -> Result<usize> {
    let by = clean(&f.by)
        .map(|t| parse_date(&t))
        .transpose()
        .map_err(|e| Problem::field("by", e))?;
    let plan = match (clean(&f.plan), by) {
        (Some(step), Some(by)) => Some(LearningPlan { step, by }),
        (Some(_), None) => {
            return Err(Problem::field(
                "by",
                "a learning plan needs a date to do it by",
            ));
        }
        (None, Some(_)) => {
            return Err(Problem::field("plan", "a date needs a step to do by then"));
        }
        (None, None) => None,
    };
    let app_id = app.id.clone();
    let outcome = app.outcome.as_mut().ok_or_else(|| {
        Problem::field(
            "text",
            format!("'{app_id}' has no outcome yet; record the outcome first"),
        )
    })?;
    if let Some(n) = f.point {
        let count = outcome.feedback.len();
        let fb = n
            .checked_sub(1)
            .and_then(|i| outcome.feedback.get_mut(i))
            .ok_or_else(|| {
                Problem::field(
                    "point",
                    format!("point {n}: there are {count} feedback point(s)"),
                )
            })?;
        if f.kind.is_some() {
            fb.kind = f.kind;
        }
        fb.positive |= f.positive;
        if plan.is_some() {
            fb.plan = plan;
        }
        if let Some(t) = clean(&f.text) {
            fb.text = t;
        }
        return Ok(n);
    }
    let text = nonempty(f.text.as_deref().unwrap_or(""), "text", "the feedback")?;
    outcome.feedback.push(Feedback {
        text,
        kind: f.kind,
        positive: f.positive,
        plan,
    });
    Ok(outcome.feedback.len())
}

/// "They replied" (`debrief reply`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NewReply {
    /// Who replied; absent: to the latest unanswered message to anyone.
    #[serde(default)]
    pub person: Option<String>,
    /// When; absent or blank: now.
    #[serde(default)]
    pub at: Option<String>,
}

/// Company news (`debrief news`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NewNews {
    pub text: String,
    /// YYYY-MM-DD; absent: today.
    #[serde(default)]
    pub on: Option<String>,
}

/// The outcome (`debrief outcome`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NewOutcome {
    pub kind: OutcomeKind,
    /// YYYY-MM-DD; absent: today.
    #[serde(default)]
    pub on: Option<String>,
    #[serde(default)]
    pub stay_in_touch: bool,
}
