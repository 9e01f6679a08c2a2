//! The request shapes (serde) shared by the pages and the API, and their
//! translation onto `debrief_core::edit`, where every edit lives once for
//! the web app and the `debrief` command. Each edits one application in
//! memory; the caller validates and writes it in one transaction.

use debrief_core::edit::{self, PersonFields};
use debrief_core::input::parse_date;
use debrief_core::model::{
    Application, Channel, FeedbackKind, InterviewFormat, InterviewId, InterviewStatus, Moment,
    OutcomeKind, PersonKind, Policy, RecruiterKind, SlipUp, Stage, Touch, TouchKind,
};
use debrief_core::rules::Rule;
use debrief_store::Change;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::state::{AppState, Clock, Problem, Result};

/// The most characters a reason for setting an action aside may hold.
pub const REASON_MAX: usize = 500;

// The limits live in core::edit, for every front end; here with the
// web's error type.
pub fn one_line(field: &str, text: &str) -> Result<()> {
    Ok(edit::one_line(field, text)?)
}

pub fn long_text(field: &str, text: &str) -> Result<()> {
    Ok(edit::long_text(field, text)?)
}

fn at_most(field: &str, text: &str, max: usize) -> Result<()> {
    Ok(edit::at_most(field, text, max)?)
}

fn one_line_opt(field: &str, text: &Option<String>) -> Result<()> {
    text.as_deref().map_or(Ok(()), |t| one_line(field, t))
}

fn long_text_opt(field: &str, text: &Option<String>) -> Result<()> {
    text.as_deref().map_or(Ok(()), |t| long_text(field, t))
}

/// A date typed in `field` (YYYY-MM-DD); blank or absent: none.
fn date(text: &Option<String>, field: &str) -> Result<Option<Date>> {
    clean(text)
        .map(|t| parse_date(&t))
        .transpose()
        .map_err(|e| Problem::field(field, e))
}

/// A new application (`debrief app add`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
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
    /// The job posting's address (http or https).
    #[serde(default)]
    pub posting_url: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    /// The salary range as posted, in its words.
    #[serde(default)]
    pub salary: Option<String>,
    /// The day applied: YYYY-MM-DD.
    #[serde(default)]
    pub applied_on: Option<String>,
    /// Where the job came from: a referral, a job board, a recruiter…
    #[serde(default)]
    pub source: Option<String>,
}

impl NewApplication {
    fn check(&self) -> Result<()> {
        one_line("company", &self.company)?;
        one_line("role", &self.role)?;
        one_line_opt("id", &self.id)?;
        self.details().check()
    }

    fn details(&self) -> Details {
        Details {
            posting_url: Some(self.posting_url.clone().unwrap_or_default()),
            location: Some(self.location.clone().unwrap_or_default()),
            salary: Some(self.salary.clone().unwrap_or_default()),
            applied_on: Some(self.applied_on.clone().unwrap_or_default()),
            source: Some(self.source.clone().unwrap_or_default()),
        }
    }

    /// Every field, as a form or a request body gives them all.
    fn fields(&self) -> edit::ApplicationFields {
        edit::ApplicationFields {
            company: Some(self.company.clone()),
            role: Some(self.role.clone()),
            stage: Some(self.stage),
            urgent: Some(self.urgent),
            recruiter: Some(self.recruiter),
            policy: Some(self.policy),
        }
    }
}

/// The fields people keep about a job (exchange extensions): `None`
/// leaves one as it is, a blank text clears it.
#[derive(Debug, Clone, Default)]
struct Details {
    posting_url: Option<String>,
    location: Option<String>,
    salary: Option<String>,
    applied_on: Option<String>,
    source: Option<String>,
}

impl Details {
    fn check(&self) -> Result<()> {
        one_line_opt("posting_url", &self.posting_url)?;
        one_line_opt("location", &self.location)?;
        one_line_opt("salary", &self.salary)?;
        one_line_opt("source", &self.source)?;
        if let Some(u) = clean(&self.posting_url)
            && !debrief_core::exchange::is_web_address(&u)
        {
            return Err(Problem::field(
                "posting_url",
                format!("'{u}' is not a web address; it starts with https:// or http://"),
            ));
        }
        date(&self.applied_on, "applied_on").map(drop)
    }

    fn apply(&self, app: &mut Application) -> Result<()> {
        self.check()?;
        for (slot, v) in [
            (&mut app.posting_url, &self.posting_url),
            (&mut app.location, &self.location),
            (&mut app.salary, &self.salary),
            (&mut app.source, &self.source),
        ] {
            if v.is_some() {
                *slot = clean(v);
            }
        }
        if self.applied_on.is_some() {
            app.applied_on = date(&self.applied_on, "applied_on")?;
        }
        Ok(())
    }
}

pub fn add_application(state: &AppState, a: &NewApplication) -> Result<String> {
    a.check()?;
    // The id is chosen inside the write transaction.
    state.update("add an application", |u| {
        let known = u.application_ids()?;
        let mut app = edit::new_application(a.id.as_deref(), &a.fields(), &known)?;
        a.details().apply(&mut app)?;
        let id = app.id.to_string();
        debrief_core::exchange::validate_application(&app, "application")?;
        u.apply(&[Change::PutApplication(app)])?;
        Ok(id)
    })
}

/// Changes to an application's own fields (`debrief app set`): the form
/// sends them all.
pub fn update_application(app: &mut Application, a: &NewApplication) -> Result<()> {
    a.check()?;
    edit::update_application(app, &a.fields())?;
    a.details().apply(app)
}

/// Archives an application (off the board and the agenda, kept and
/// searchable) or brings it back; returns its company, for the message.
pub fn set_archived(app: &mut Application, archived: bool) -> Result<String> {
    app.archived = archived;
    Ok(app.company.clone())
}

/// Moves an application to `stage` (the board's drag and stage menu);
/// returns its company, for the message.
pub fn set_stage(app: &mut Application, stage: Stage) -> Result<String> {
    let fields = edit::ApplicationFields {
        stage: Some(stage),
        ..Default::default()
    };
    edit::update_application(app, &fields)?;
    Ok(app.company.clone())
}

/// Some of an application's own fields (`PATCH /api/v1/applications/{id}`):
/// the ones given change, the rest stay. `policy: null` follows the
/// profile's policy again.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationPatch {
    #[serde(default)]
    pub company: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub stage: Option<Stage>,
    #[serde(default)]
    pub urgent: Option<bool>,
    #[serde(default)]
    pub recruiter: Option<RecruiterKind>,
    #[serde(default, deserialize_with = "present")]
    pub policy: Option<Option<Policy>>,
    /// A blank text clears the field.
    #[serde(default)]
    pub posting_url: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub salary: Option<String>,
    /// YYYY-MM-DD; blank clears it.
    #[serde(default)]
    pub applied_on: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    /// Archived: off the board and the agenda, kept and searchable.
    #[serde(default)]
    pub archived: Option<bool>,
}

/// A field that is present (even as `null`) is `Some`.
fn present<'de, D, T>(d: D) -> std::result::Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

pub fn patch_application(app: &mut Application, p: &ApplicationPatch) -> Result<()> {
    one_line_opt("company", &p.company)?;
    one_line_opt("role", &p.role)?;
    let fields = edit::ApplicationFields {
        company: p.company.clone(),
        role: p.role.clone(),
        stage: p.stage,
        urgent: p.urgent,
        recruiter: p.recruiter,
        policy: p.policy,
    };
    let details = Details {
        posting_url: p.posting_url.clone(),
        location: p.location.clone(),
        salary: p.salary.clone(),
        applied_on: p.applied_on.clone(),
        source: p.source.clone(),
    };
    details.check()?;
    edit::update_application(app, &fields)?;
    details.apply(app)?;
    if let Some(a) = p.archived {
        app.archived = a;
    }
    Ok(())
}

/// A person met at an application (`debrief person add`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
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
    one_line("name", &a.name)?;
    one_line_opt("id", &a.id)?;
    one_line_opt("title", &a.title)?;
    one_line_opt("email", &a.email)?;
    one_line_opt("phone", &a.phone)?;
    let after = date(&a.after, "after")?;
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
    Ok(edit::add_person(app, a.id.as_deref(), &fields)?.into_string())
}

/// An interview put in the diary (`debrief interview add`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
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
    /// Interviewers, by person id (`interviewers`, as in the exchange
    /// format, is accepted too).
    #[serde(default, alias = "interviewers")]
    pub with: Vec<String>,
}

pub fn add_interview(app: &mut Application, a: &NewInterview, clock: &Clock) -> Result<String> {
    one_line_opt("id", &a.id)?;
    if a.start.trim().is_empty() {
        return Err(Problem::field(
            "start",
            "when does it start? the time is empty",
        ));
    }
    let new = edit::NewInterview {
        id: a.id.as_deref().map(Into::into),
        start: clock.time(&a.start, "start")?,
        minutes: a.minutes.unwrap_or(60),
        format: a.format.unwrap_or(InterviewFormat::Video),
        with: a.with.iter().map(Into::into).collect(),
        also_met: vec![],
    };
    Ok(edit::schedule_interview(app, new, clock.now_moment())?.into_string())
}

/// One person in the debrief: were they there, what they said, and the
/// timeline and channel they named.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
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
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
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
/// `said`, `slip`, `reflect` in one write): only composition of the edits
/// in `debrief_core::edit`, which the command line uses one by one.
pub fn debrief(
    app: &mut Application,
    interview: &str,
    d: &Debrief,
    now: jiff::Timestamp,
) -> Result<()> {
    let interview = &InterviewId::from(interview);
    edit::interview_mut(app, interview, "interview")?;
    for (i, dp) in d.people.iter().enumerate() {
        for (j, said) in dp.said.iter().enumerate() {
            long_text(&format!("people[{i}].said[{j}]"), said)?;
        }
    }
    for (i, slip) in d.slip_ups.iter().enumerate() {
        long_text(&format!("slip_ups[{i}].text"), &slip.text)?;
    }
    long_text("went_well", &d.went_well)?;
    long_text("change", &d.change)?;
    long_text("hardest", &d.hardest)?;
    for (i, m) in d.mistakes.iter().enumerate() {
        long_text(&format!("mistakes[{i}]"), m)?;
    }
    for (i, m) in d.missing.iter().enumerate() {
        long_text(&format!("missing[{i}]"), m)?;
    }
    let mut done = edit::InterviewDone {
        asked_questions: d.asked_questions,
        disrupted: d.disrupted,
        ..Default::default()
    };
    for (i, dp) in d.people.iter().enumerate() {
        edit::person(app, &dp.id, &format!("people[{i}].id"))?;
        if dp.interviewer {
            done.interviewers.push(dp.id.as_str().into());
        } else if dp.also_met {
            done.also_met.push(dp.id.as_str().into());
        }
        let said = edit::Said {
            person: dp.id.as_str().into(),
            said: dp.said.clone(),
            prefers: dp.prefers,
            after: date(&dp.after, &format!("after-{}", dp.id))?,
        };
        if !said.is_empty() {
            edit::record_said(app, &said)?;
        }
    }
    edit::mark_done(app, interview, &done, now)?;
    for slip in d.slip_ups.iter().filter(|s| !s.text.trim().is_empty()) {
        edit::add_slip_up(app, interview, slip)?;
    }
    let reflection = edit::NewReflection {
        went_well: d.went_well.clone(),
        change: d.change.clone(),
        mistakes: d.mistakes.clone(),
        missing: d.missing.clone(),
        hardest: d.hardest.clone(),
    };
    if !reflection.is_empty() {
        edit::reflect(app, interview, &reflection)?;
    }
    Ok(())
}

/// A message or call to log (`debrief touch`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
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

/// Logs a touch through the follow-up guard (`debrief_app::touch`); a
/// refusal writes nothing.
pub fn log_touch(state: &AppState, app_id: &str, t: &NewTouch, clock: &Clock) -> Result<Logged> {
    long_text_opt("note", &t.note)?;
    let at = clock.time_or_now(t.at.as_deref().unwrap_or(""), "at")?;
    let touch = Touch {
        at,
        person: Some(t.person.as_str().into()),
        channel: t.channel,
        kind: t.kind,
        replied_at: None,
        forced: false,
        note: clean(&t.note),
        message_id: None,
    };
    let if_match = crate::state::current_if_match();
    let touched = state.run(&format!("edit application {app_id}"), |store, origin| {
        debrief_app::touch::log_touch(
            store,
            origin,
            app_id,
            if_match,
            &clock.engine,
            touch,
            t.force,
            clock.now,
        )
    })?;
    Ok(match touched {
        debrief_app::touch::Touched::Logged { touch, forced, .. } => Logged::Yes {
            forced: forced.is_some(),
            touch,
        },
        debrief_app::touch::Touched::Refused {
            allowed_from, why, ..
        } => Logged::Refused {
            allowed_from: allowed_from.map(|ts| Moment::in_zone(ts, &clock.tz).to_string()),
            why,
        },
    })
}

/// Marks an agenda action done or dismissed (`debrief done`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDismissal {
    pub rule: String,
    #[serde(default)]
    pub interview: Option<String>,
    #[serde(default)]
    pub person: Option<String>,
    /// Why: "done" when it was done, else what made it not apply.
    pub reason: String,
}

pub fn dismiss(app: &mut Application, d: &NewDismissal, clock: &Clock) -> Result<Rule> {
    if d.reason.trim().is_empty() {
        return Err(Problem::field(
            "reason",
            "say why you set it aside (or \"done\" when you did it)",
        ));
    }
    if d.reason.contains(['\r', '\n']) {
        return Err(Problem::field(
            "reason",
            "must be one line; remove the line break",
        ));
    }
    at_most("reason", &d.reason, REASON_MAX)?;
    let rule = edit::rule(&d.rule)?;
    Ok(edit::dismiss(
        app,
        rule,
        d.interview.as_deref().map(Into::into).as_ref(),
        d.person.as_deref().map(Into::into).as_ref(),
        clock.now_moment(),
        &d.reason,
    )?)
}

/// Records a reply to the latest unanswered message (`debrief reply`).
pub fn reply(app: &mut Application, person: Option<&str>, at: Moment) -> Result<()> {
    edit::record_reply(app, person.map(Into::into).as_ref(), at)?;
    Ok(())
}

pub fn news(app: &mut Application, on: Date, text: &str) -> Result<()> {
    long_text("text", text)?;
    Ok(edit::add_news(app, on, text)?)
}

pub fn outcome(app: &mut Application, kind: OutcomeKind, on: Date, stay: bool) -> Result<()> {
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
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
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
    one_line_opt("name", &u.name)?;
    one_line_opt("title", &u.title)?;
    one_line_opt("email", &u.email)?;
    one_line_opt("phone", &u.phone)?;
    let after = date(&u.after, "after")?;
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
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
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

/// Applies the parts of an interview update that are given, in the order
/// of the form: reschedule, apologies, status, preparation.
pub fn update_interview(
    app: &mut Application,
    iv: &str,
    u: &InterviewUpdate,
    clock: &Clock,
) -> Result<()> {
    let iv = &InterviewId::from(iv);
    let start = clean(&u.start)
        .map(|t| clock.time(&t, "start"))
        .transpose()?;
    let moved = edit::Reschedule {
        start,
        minutes: u.minutes,
    };
    edit::reschedule_interview(app, iv, &moved)?;
    for &n in &u.apologized {
        edit::mark_apologized(app, iv, n)?;
    }
    if let Some(s) = u.status {
        edit::set_interview_status(app, iv, s)?;
    }
    let prep = edit::Preparation {
        research: u.research,
        questions: u.questions,
    };
    Ok(edit::record_preparation(app, iv, &prep)?)
}

/// A fact learned about the company, with how you would contribute
/// (`debrief research`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewResearch {
    pub fact: String,
    #[serde(default)]
    pub contribution: Option<String>,
}

pub fn research(app: &mut Application, r: &NewResearch) -> Result<()> {
    long_text("fact", &r.fact)?;
    long_text_opt("contribution", &r.contribution)?;
    let r = edit::NewResearch {
        fact: r.fact.clone(),
        contribution: r.contribution.clone(),
    };
    Ok(edit::add_research(app, &r)?)
}

/// A point of feedback after the outcome, or a change to one
/// (`debrief feedback`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
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
    long_text_opt("text", &f.text)?;
    long_text_opt("plan", &f.plan)?;
    let f = edit::NewFeedback {
        text: f.text.clone(),
        point: f.point,
        kind: f.kind,
        positive: f.positive,
        plan: f.plan.clone(),
        by: date(&f.by, "by")?,
    };
    Ok(edit::record_feedback(app, &f)?)
}

/// "They replied" (`debrief reply`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
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
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNews {
    pub text: String,
    /// YYYY-MM-DD; absent: today.
    #[serde(default)]
    pub on: Option<String>,
}

/// The outcome (`debrief outcome`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOutcome {
    pub kind: OutcomeKind,
    /// YYYY-MM-DD; absent: today.
    #[serde(default)]
    pub on: Option<String>,
    #[serde(default)]
    pub stay_in_touch: bool,
}

/// A first draft for one person (`POST /api/v1/drafts`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftRequest {
    pub app: String,
    pub person: String,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub kind: Option<debrief_lint::NoteKind>,
}

/// The agenda's shape (`GET /api/v1/agenda`), with the paging fields when
/// paged.
#[derive(Serialize, JsonSchema)]
pub struct AgendaPage<'a> {
    pub now: &'a Moment,
    pub timezone: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
    pub actions: Vec<&'a debrief_core::engine::Action>,
}
