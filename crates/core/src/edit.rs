//! The edits a person makes day to day — add or change an application or a
//! person, schedule, reschedule and close an interview, preparation,
//! slip-ups, what people said, research, news, touches through the
//! follow-up guard, replies, outcomes and feedback, reflections, dismissed
//! actions — written once for the command line and the web app. Each edits
//! one application in memory and names the input field at fault when it
//! refuses; the caller validates and stores it in one transaction.

use std::fmt;

use jiff::Timestamp;
use jiff::civil::Date;

use crate::engine::{Engine, Verdict};
use crate::ids::{AppId, InterviewId, PersonId};
use crate::input::{closest, slug, unique_id};
use crate::model::{
    Application, Channel, Dismissal, Feedback, FeedbackKind, Interview, InterviewFormat,
    InterviewStatus, LearningPlan, Moment, News, Outcome, OutcomeKind, Person, PersonKind, Policy,
    Prefers, RecruiterKind, Reflection, ResearchFact, SlipUp, Stage, Touch, TouchKind,
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

/// The most characters a one-line field (a name, a company, a role, a
/// title, an address, an id) may hold.
pub const LINE_MAX: usize = 200;
/// The most characters a free text (a note, news, research, feedback, a
/// reflection) may hold.
pub const TEXT_MAX: usize = 20_000;

/// A one-line field: at most [`LINE_MAX`] characters, no line breaks (they
/// would break the agenda, the exchange file's readers and mail headers).
pub fn one_line(field: &str, text: &str) -> Result<()> {
    if text.contains(['\r', '\n']) {
        return Err(EditError::field(
            field,
            "must be one line; remove the line break",
        ));
    }
    if let Some(c) = crate::text::forbidden_control(text, false) {
        return Err(EditError::field(field, crate::text::control_message(c)));
    }
    at_most(field, text, LINE_MAX)
}

/// A free text: at most [`TEXT_MAX`] characters.
pub fn long_text(field: &str, text: &str) -> Result<()> {
    if let Some(c) = crate::text::forbidden_control(text, true) {
        return Err(EditError::field(field, crate::text::control_message(c)));
    }
    at_most(field, text, TEXT_MAX)
}

/// Each given field is one line.
fn lines(fields: &[(&str, &Option<String>)]) -> Result<()> {
    fields
        .iter()
        .filter_map(|(field, text)| text.as_deref().map(|t| (field, t)))
        .try_for_each(|(field, t)| one_line(field, t))
}

/// [`nonempty`] and at most [`TEXT_MAX`] characters.
fn text(text: &str, field: &str, what: &str) -> Result<String> {
    long_text(field, text)?;
    nonempty(text, field, what)
}

/// At most `max` characters.
pub fn at_most(field: &str, text: &str, max: usize) -> Result<()> {
    let n = text.chars().count();
    if n > max {
        return Err(EditError::field(
            field,
            format!("is {n} characters long; at most {max} fit here"),
        ));
    }
    Ok(())
}

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
    let known: Vec<String> = app.interviews.iter().map(|i| i.id.to_string()).collect();
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
) -> Result<AppId> {
    match clean(given) {
        Some(id) if known.contains(&id) => Err(EditError::field(
            "id",
            format!("an application with id '{id}' already exists"),
        )),
        Some(id) => Ok(id.into()),
        None => Ok(unique_id(&slug(&format!("{company} {role}")), |c| {
            known.iter().any(|k| k == c)
        })
        .into()),
    }
}

/// An application's own fields. For an update, `None` leaves a field as it
/// is; a new application takes the defaults (applied, no recruiter, not
/// urgent, the profile's policy) for what is `None`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ApplicationFields {
    pub company: Option<String>,
    pub role: Option<String>,
    pub stage: Option<Stage>,
    pub urgent: Option<bool>,
    pub recruiter: Option<RecruiterKind>,
    /// `Some(None)`: follow the profile's policy.
    pub policy: Option<Option<Policy>>,
}

impl ApplicationFields {
    fn apply(&self, app: &mut Application) -> Result<()> {
        lines(&[("company", &self.company), ("role", &self.role)])?;
        if let Some(c) = &self.company {
            app.company = nonempty(c, "company", "the company")?;
        }
        if let Some(r) = &self.role {
            app.role = r.trim().to_string();
        }
        if let Some(s) = self.stage {
            app.stage = s;
        }
        if let Some(u) = self.urgent {
            app.urgent = u;
        }
        if let Some(r) = self.recruiter {
            app.recruiter = r;
        }
        if let Some(p) = self.policy {
            app.policy = p;
        }
        Ok(())
    }
}

/// A new application with the id given (if free) or one made from the
/// company and role; `known` are the ids already in the store.
pub fn new_application(
    id: Option<&str>,
    f: &ApplicationFields,
    known: &[String],
) -> Result<Application> {
    let company = nonempty(f.company.as_deref().unwrap_or(""), "company", "the company")?;
    let role = f.role.as_deref().unwrap_or("").trim();
    let id = application_id(id, &company, role, known)?;
    let mut app = Application::new(&id, company, role);
    f.apply(&mut app)?;
    Ok(app)
}

/// Changes an application's own fields (company, role, stage, urgency,
/// recruiter, policy).
pub fn update_application(app: &mut Application, f: &ApplicationFields) -> Result<()> {
    f.apply(app)
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
        lines(&[
            ("name", &self.name),
            ("title", &self.title),
            ("email", &self.email),
            ("phone", &self.phone),
        ])?;
        long_text("address", self.address.as_deref().unwrap_or(""))?;
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
pub fn add_person(app: &mut Application, id: Option<&str>, f: &PersonFields) -> Result<PersonId> {
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
    let id = PersonId::from(id);
    let mut p = Person::new(id.clone(), name, f.kind.unwrap_or(PersonKind::Interviewer));
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
    /// The id asked for; `None` (or blank) makes one.
    pub id: Option<InterviewId>,
    pub start: Moment,
    pub minutes: u32,
    pub format: InterviewFormat,
    /// Interviewer ids.
    pub with: Vec<PersonId>,
    /// Others met on the day (receptionist, coordinator).
    pub also_met: Vec<PersonId>,
}

/// Schedules an interview (preparation opens at `scheduled_at`) and moves
/// the application's stage on with it ([`advance_for_interview`]).
pub fn schedule_interview(
    app: &mut Application,
    n: NewInterview,
    scheduled_at: Moment,
) -> Result<InterviewId> {
    for p in &n.with {
        person(app, p, "with")?;
    }
    for p in &n.also_met {
        person(app, p, "also_met")?;
    }
    check_minutes(n.minutes)?;
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
    let id = InterviewId::from(id);
    let format = n.format;
    let mut iv = Interview::new(id.clone(), n.start);
    iv.minutes = n.minutes;
    iv.format = n.format;
    iv.interviewers = n.with;
    iv.also_met = n.also_met;
    iv.scheduled_at = Some(scheduled_at);
    app.interviews.push(iv);
    app.interviews.sort_by_key(|i| i.start);
    advance_for_interview(app, format);
    Ok(id)
}

/// The stage follows a scheduled interview, forward only: a phone
/// interview moves `applied` to `screening`; any other interview moves
/// `applied` or `screening` to `interviewing`. Later stages are kept (the
/// user may still set any stage by hand). Every front end that books an
/// interview (the CLI, the web app and API, `ics import`) calls this.
pub fn advance_for_interview(app: &mut Application, format: InterviewFormat) {
    app.stage = match (format, app.stage) {
        (InterviewFormat::Phone, Stage::Applied) => Stage::Screening,
        (InterviewFormat::Phone, stage) => stage,
        (_, Stage::Applied | Stage::Screening) => Stage::Interviewing,
        (_, stage) => stage,
    };
}

fn check_minutes(minutes: u32) -> Result<()> {
    if minutes == 0 || minutes > 24 * 60 {
        return Err(EditError::field(
            "minutes",
            format!("{minutes} minutes is not a plausible interview length (1 to 1440)"),
        ));
    }
    Ok(())
}

/// A new time or length for an interview; `None` keeps it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reschedule {
    pub start: Option<Moment>,
    pub minutes: Option<u32>,
}

/// Moves an interview (keeping the interviews in order of their start). A
/// cancelled or missed interview given a new time is back on: scheduled.
pub fn reschedule_interview(
    app: &mut Application,
    interview: &InterviewId,
    r: &Reschedule,
) -> Result<()> {
    interview_mut(app, interview, "interview")?;
    if let Some(m) = r.minutes {
        check_minutes(m)?;
    }
    let iv = interview_mut(app, interview, "interview")?;
    if let Some(s) = r.start {
        iv.start = s;
        if matches!(
            iv.status,
            InterviewStatus::Cancelled | InterviewStatus::Missed
        ) {
            iv.status = InterviewStatus::Scheduled;
        }
    }
    if let Some(m) = r.minutes {
        iv.minutes = m;
    }
    app.interviews.sort_by_key(|i| i.start);
    Ok(())
}

/// Sets an interview's status (missed starts the recovery, cancelled ends
/// its actions, scheduled undoes either). Marking one done with what
/// happened is [`mark_done`].
pub fn set_interview_status(
    app: &mut Application,
    interview: &InterviewId,
    status: InterviewStatus,
) -> Result<()> {
    interview_mut(app, interview, "interview")?.status = status;
    Ok(())
}

/// What happened at an interview, recorded when marking it done.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InterviewDone {
    /// Did you ask them questions? `None` keeps what is recorded.
    pub asked_questions: Option<bool>,
    /// A serious life event disrupted it (added, never cleared here).
    pub disrupted: bool,
    /// Who interviewed you, when it differs from the diary; empty keeps the
    /// interviewers scheduled.
    pub interviewers: Vec<PersonId>,
    /// Others met on the day, added to those recorded (an interviewer is
    /// never also listed here).
    pub also_met: Vec<PersonId>,
}

/// Marks an interview done with what happened; naming more than one
/// interviewer moves an application still at applied or screening on to
/// interviewing, as scheduling a panel does.
///
/// An interview that has not started by `now` cannot be done yet.
pub fn mark_done(
    app: &mut Application,
    interview: &InterviewId,
    d: &InterviewDone,
    now: Timestamp,
) -> Result<()> {
    let start = interview_mut(app, interview, "interview")?.start;
    if start.ts > now {
        return Err(EditError::field(
            "interview",
            format!(
                "'{interview}' starts {start}, after now; mark it done once it has happened, or move it (reschedule)"
            ),
        ));
    }
    for p in &d.interviewers {
        person(app, p, "interviewers")?;
    }
    for p in &d.also_met {
        person(app, p, "also_met")?;
    }
    let mut interviewers: Vec<PersonId> = Vec::new();
    for p in &d.interviewers {
        if !interviewers.contains(p) {
            interviewers.push(p.clone());
        }
    }
    let panel = interviewers.len() > 1;
    let iv = interview_mut(app, interview, "interview")?;
    iv.status = InterviewStatus::Done;
    if !interviewers.is_empty() {
        iv.interviewers = interviewers;
        let named = iv.interviewers.clone();
        iv.also_met.retain(|p| !named.contains(p));
    }
    for p in &d.also_met {
        if !iv.also_met.contains(p) && !iv.interviewers.contains(p) {
            iv.also_met.push(p.clone());
        }
    }
    if d.asked_questions.is_some() {
        iv.asked_questions = d.asked_questions;
    }
    iv.disrupted |= d.disrupted;
    if panel && matches!(app.stage, Stage::Applied | Stage::Screening) {
        app.stage = Stage::Interviewing;
    }
    Ok(())
}

/// The most questions one prepares for an interview; more is a typo.
pub const MAX_QUESTIONS: u32 = 50;

/// Preparation done for an interview; `None` keeps what is recorded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Preparation {
    /// Researched the company.
    pub research: Option<bool>,
    /// Questions prepared for them.
    pub questions: Option<u32>,
}

pub fn record_preparation(
    app: &mut Application,
    interview: &InterviewId,
    p: &Preparation,
) -> Result<()> {
    let iv = interview_mut(app, interview, "interview")?;
    if let Some(q) = p.questions
        && q > MAX_QUESTIONS
    {
        return Err(EditError::field(
            "questions",
            format!("{q} questions is more than anyone prepares (0 to {MAX_QUESTIONS})"),
        ));
    }
    if let Some(r) = p.research {
        iv.prepared.research = r;
    }
    if let Some(q) = p.questions {
        iv.prepared.questions = q;
    }
    Ok(())
}

/// Adds a slip-up to an interview; returns its number (1-based).
pub fn add_slip_up(app: &mut Application, interview: &InterviewId, slip: &SlipUp) -> Result<usize> {
    let iv = interview_mut(app, interview, "interview")?;
    let text = text(&slip.text, "text", "the slip-up")?;
    iv.slip_ups.push(SlipUp {
        text,
        noticed: slip.noticed,
        apologized: slip.apologized,
    });
    Ok(iv.slip_ups.len())
}

/// Marks slip-up `number` (1-based) of an interview apologized for.
pub fn mark_apologized(
    app: &mut Application,
    interview: &InterviewId,
    number: usize,
) -> Result<()> {
    let iv = interview_mut(app, interview, "interview")?;
    let count = iv.slip_ups.len();
    let id = iv.id.clone();
    let slip = number
        .checked_sub(1)
        .and_then(|i| iv.slip_ups.get_mut(i))
        .ok_or_else(|| {
            EditError::field(
                "apologized",
                format!("there is no slip-up {number}: interview '{id}' has {count} slip-up(s)"),
            )
        })?;
    slip.apologized = true;
    Ok(())
}

/// What a person said, and the timeline and channel they named.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Said {
    /// The person's id.
    pub person: PersonId,
    /// What they said, one statement each; blank ones are passed over.
    pub said: Vec<String>,
    /// How they want to be followed up with.
    pub prefers: Option<Channel>,
    /// "If you haven't heard by…": their own date.
    pub after: Option<Date>,
}

impl Said {
    /// Nothing to record: no statement, no channel, no date.
    pub fn is_empty(&self) -> bool {
        self.prefers.is_none() && self.after.is_none() && statements(&self.said).next().is_none()
    }
}

/// Trimmed, non-blank entries of a list typed by a person.
fn statements(list: &[String]) -> impl Iterator<Item = &str> {
    list.iter().map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// Records what a person said (a statement already recorded is not added
/// twice) and the channel and date they named; returns how many statements
/// are new.
pub fn record_said(app: &mut Application, s: &Said) -> Result<usize> {
    person(app, &s.person, "person")?;
    if s.is_empty() {
        return Err(EditError::field("said", "what they said is empty"));
    }
    update_person(
        app,
        &s.person,
        &PersonFields {
            prefers: s.prefers,
            after: s.after,
            ..PersonFields::default()
        },
    )?;
    let mut new = 0;
    if let Some(p) = app.people.iter_mut().find(|p| p.id == s.person) {
        for text in statements(&s.said) {
            if !p.said.iter().any(|x| x == text) {
                p.said.push(text.to_string());
                new += 1;
            }
        }
    }
    Ok(new)
}

/// Records company news (for a congratulation that adds value).
pub fn add_news(app: &mut Application, on: Date, text: &str) -> Result<()> {
    let text = self::text(text, "text", "the news")?;
    app.news.push(News { on, text });
    Ok(())
}

/// A fact learned about the company, with how you would contribute.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewResearch {
    pub fact: String,
    pub contribution: Option<String>,
}

/// Records a research fact; the same fact again updates its contribution
/// (a blank one keeps what is recorded).
pub fn add_research(app: &mut Application, r: &NewResearch) -> Result<()> {
    let fact = text(&r.fact, "fact", "the fact")?;
    let contribution = clean(r.contribution.as_deref());
    match app.research.iter_mut().find(|x| x.fact == fact) {
        Some(x) => x.contribution = contribution.or(x.contribution.take()),
        None => app.research.push(ResearchFact { fact, contribution }),
    }
    Ok(())
}

/// A point of feedback after the outcome, or a change to one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewFeedback {
    /// The feedback itself: needed to add a point; with `point`, replaces
    /// its text.
    pub text: Option<String>,
    /// Change point N (1-based) instead of adding one.
    pub point: Option<usize>,
    pub kind: Option<FeedbackKind>,
    /// Marks the point positive (never clears it).
    pub positive: bool,
    /// A learning step for a skill…
    pub plan: Option<String>,
    /// …and the date to take it by.
    pub by: Option<Date>,
}

/// Records feedback on the application's outcome; returns which point
/// (1-based) was added or changed.
pub fn record_feedback(app: &mut Application, f: &NewFeedback) -> Result<usize> {
    let app_id = app.id.clone();
    let outcome = app.outcome.as_mut().ok_or_else(|| {
        EditError::field(
            "text",
            format!("'{app_id}' has no outcome yet; record the outcome first"),
        )
    })?;
    let plan = match (clean(f.plan.as_deref()), f.by) {
        (Some(step), Some(by)) => Some(LearningPlan { step, by }),
        (Some(_), None) => {
            return Err(EditError::field(
                "by",
                "a learning plan needs a date to take the step by",
            ));
        }
        (None, Some(_)) => {
            return Err(EditError::field(
                "plan",
                "a date needs a learning step to take by then",
            ));
        }
        (None, None) => None,
    };
    if let Some(n) = f.point {
        let count = outcome.feedback.len();
        let fb = n
            .checked_sub(1)
            .and_then(|i| outcome.feedback.get_mut(i))
            .ok_or_else(|| {
                EditError::field(
                    "point",
                    format!("there is no feedback point {n}: '{app_id}' has {count}"),
                )
            })?;
        if let Some(t) = clean(f.text.as_deref()) {
            fb.text = t;
        }
        if f.kind.is_some() {
            fb.kind = f.kind;
        }
        fb.positive |= f.positive;
        if plan.is_some() {
            fb.plan = plan;
        }
        return Ok(n);
    }
    let text = text(f.text.as_deref().unwrap_or(""), "text", "the feedback")?;
    outcome.feedback.push(Feedback {
        text,
        kind: f.kind,
        positive: f.positive,
        plan,
    });
    Ok(outcome.feedback.len())
}

/// A reflection on an interview, in the order that helps: the good first,
/// then one change. Blank answers are passed over.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewReflection {
    pub went_well: String,
    pub change: String,
    /// Mistakes, one each.
    pub mistakes: Vec<String>,
    /// Information you lacked, one item each.
    pub missing: Vec<String>,
    /// The hardest question, and how you would answer it next time.
    pub hardest: String,
}

impl NewReflection {
    /// Every answer blank.
    pub fn is_empty(&self) -> bool {
        self.went_well.trim().is_empty()
            && self.change.trim().is_empty()
            && self.hardest.trim().is_empty()
            && statements(&self.mistakes).next().is_none()
            && statements(&self.missing).next().is_none()
    }
}

/// Adds to an interview's reflection: an answer given replaces the one
/// recorded, a blank one keeps it, and mistakes and missing information
/// join those recorded (each once).
pub fn reflect(app: &mut Application, interview: &InterviewId, r: &NewReflection) -> Result<()> {
    let iv = interview_mut(app, interview, "interview")?;
    if r.is_empty() {
        return Err(EditError::field(
            "went_well",
            "the reflection is empty; nothing recorded",
        ));
    }
    let saved = iv.reflection.get_or_insert_with(Reflection::default);
    if let Some(w) = clean(Some(&r.went_well)) {
        saved.went_well = w;
    }
    if let Some(c) = clean(Some(&r.change)) {
        saved.change = c;
    }
    if let Some(h) = clean(Some(&r.hardest)) {
        saved.hardest_question = Some(h);
    }
    for (list, new) in [
        (&mut saved.mistakes, &r.mistakes),
        (&mut saved.missing_info, &r.missing),
    ] {
        for m in statements(new) {
            if !list.iter().any(|x| x == m) {
                list.push(m.to_string());
            }
        }
    }
    Ok(())
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
/// `force` logs a refused chase anyway, marked as forced. A touch is
/// something done: one dated after `now` (beyond a few minutes of clock
/// difference) is refused, as it would silence actions it has not done.
pub fn log_touch(
    engine: &Engine,
    app: &mut Application,
    mut touch: Touch,
    force: bool,
    now: Timestamp,
) -> Result<Logged> {
    if touch.at.ts > now + jiff::SignedDuration::from_mins(FUTURE_SLACK_MINUTES) {
        return Err(EditError::field(
            "at",
            format!(
                "{} is in the future; log a message once it has been sent",
                touch.at
            ),
        ));
    }
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

/// How far ahead of the clock a touch may be dated (clocks differ).
const FUTURE_SLACK_MINUTES: i64 = 10;

/// Records a reply to the latest unanswered message before `at` (to
/// `person`, if given); returns the message answered.
pub fn record_reply<'a>(
    app: &'a mut Application,
    who: Option<&PersonId>,
    at: Moment,
) -> Result<&'a Touch> {
    if let Some(p) = who {
        person(app, p, "person")?;
    }
    let app_id = app.id.clone();
    let t = app
        .touches
        .iter_mut()
        .filter(|t| t.replied_at.is_none() && t.at <= at && (who.is_none() || t.person.as_ref() == who))
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
        message_id: None,
    });
    app.stage = match kind {
        OutcomeKind::Offer => Stage::Offer,
        OutcomeKind::Rejected => Stage::Rejected,
        OutcomeKind::Withdrawn => Stage::Withdrawn,
        OutcomeKind::NoResponse => Stage::Closed,
    };
}

/// The rule a person named (`status-check`), or an error suggesting the
/// one meant: how a front end reads the rule it hands to [`dismiss`].
pub fn rule(id: &str) -> Result<Rule> {
    Rule::from_id(id.trim()).ok_or_else(|| {
        let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        let hint = closest(id, &ids)
            .map(|k| format!("; did you mean '{k}'?"))
            .unwrap_or_default();
        EditError::field(
            "rule",
            format!("unknown rule '{id}'{hint} (see debrief explain)"),
        )
    })
}

/// Marks an agenda action done or dismissed, with a reason. A blank
/// interview or person id is none.
pub fn dismiss(
    app: &mut Application,
    rule: Rule,
    interview: Option<&InterviewId>,
    who: Option<&PersonId>,
    at: Moment,
    reason: &str,
) -> Result<Rule> {
    let interview = clean(interview.map(InterviewId::as_str)).map(InterviewId::from);
    let who = clean(who.map(PersonId::as_str)).map(PersonId::from);
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
        rule,
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
    /// A clock long after every date in these tests.
    const LATE: Timestamp = Timestamp::constant(1_900_000_000, 0);

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
    fn a_dismissal_takes_a_rule_and_typed_ids() {
        let e = rule(" status-chek ").unwrap_err();
        assert_eq!(e.field, "rule");
        assert!(e.message.contains("did you mean 'status-check'"), "{e}");
        let mut a = app();
        let at = m("2026-11-20T10:00:00Z");
        let marie = PersonId::from("marie");
        let done = dismiss(
            &mut a,
            rule("status-check").expect("a rule"),
            None,
            Some(&marie),
            at,
            " done ",
        );
        assert_eq!(done, Ok(Rule::StatusCheck));
        assert_eq!(a.dismissed[0].rule, Rule::StatusCheck);
        assert_eq!(a.dismissed[0].person.as_ref(), Some(&marie));
        assert_eq!(a.dismissed[0].reason, "done");
        // A blank id is none; an unknown interview is named.
        let blank = PersonId::from(" ");
        dismiss(&mut a, Rule::Reflect, None, Some(&blank), at, "x").expect("blank is none");
        assert_eq!(a.dismissed[1].person, None);
        let e = dismiss(&mut a, Rule::Reflect, Some(&"nope".into()), None, at, "x").unwrap_err();
        assert_eq!(e.field, "interview");
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
            with: with.into_iter().map(PersonId::from).collect(),
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
            message_id: None,
        };
        assert_eq!(
            log_touch(
                &engine,
                &mut a,
                touch(TouchKind::ThankYou, "2026-11-20T15:00:00Z"),
                false,
                LATE,
            ),
            Ok(Logged::Yes)
        );
        let before = a.clone();
        let r = log_touch(
            &engine,
            &mut a,
            touch(TouchKind::StatusCheck, "2026-11-23T15:00:00Z"),
            false,
            LATE,
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
            LATE,
        )
        .expect("ran");
        assert!(
            matches!(r, Logged::Forced { ref why } if why.contains("Too soon")),
            "{r:?}"
        );
        assert!(a.touches[1].forced);
        // A touch dated after the clock is refused, whatever its kind.
        let now: Timestamp = "2026-11-25T12:00:00Z".parse().expect("now");
        let before = a.clone();
        let future = log_touch(
            &engine,
            &mut a,
            touch(TouchKind::ThankYou, "2026-11-26T12:00:00Z"),
            true,
            now,
        );
        assert_eq!(future.map_err(|e| e.field), Err("at".to_string()));
        assert_eq!(a, before);
        let answered =
            record_reply(&mut a, Some(&"marie".into()), m("2026-11-24T10:00:00Z")).expect("reply");
        assert_eq!(
            answered.kind,
            TouchKind::StatusCheck,
            "the latest unanswered message"
        );
    }

    #[test]
    fn the_stage_follows_events_forward_only() {
        use InterviewFormat::*;
        for (from, format, to) in [
            (Stage::Applied, Phone, Stage::Screening),
            (Stage::Screening, Phone, Stage::Screening),
            (Stage::Interviewing, Phone, Stage::Interviewing),
            (Stage::Applied, Video, Stage::Interviewing),
            (Stage::Screening, InPerson, Stage::Interviewing),
            (Stage::Offer, Video, Stage::Offer),
            (Stage::Rejected, Phone, Stage::Rejected),
            (Stage::Closed, InPerson, Stage::Closed),
        ] {
            let mut a = app();
            a.stage = from;
            let new = NewInterview {
                id: None,
                start: m("2026-11-20T10:00:00Z"),
                minutes: 30,
                format,
                with: vec!["marie".into()],
                also_met: vec![],
            };
            schedule_interview(&mut a, new, m("2026-11-01T09:00:00Z")).expect("scheduled");
            assert_eq!(a.stage, to, "{from:?} + {format:?}");
        }
        for (kind, stage) in [
            (OutcomeKind::Offer, Stage::Offer),
            (OutcomeKind::Rejected, Stage::Rejected),
            (OutcomeKind::Withdrawn, Stage::Withdrawn),
            (OutcomeKind::NoResponse, Stage::Closed),
        ] {
            let mut a = app();
            a.stage = Stage::Screening;
            record_outcome(&mut a, kind, "2026-12-01".parse().expect("date"), false);
            assert_eq!(a.stage, stage);
        }
        // By hand, any stage.
        let mut a = app();
        a.stage = Stage::Interviewing;
        update_application(
            &mut a,
            &ApplicationFields {
                stage: Some(Stage::Applied),
                ..Default::default()
            },
        )
        .expect("by hand");
        assert_eq!(a.stage, Stage::Applied);
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
                message_id: None,
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

    /// An application with one interviewer and one scheduled interview.
    fn with_interview() -> Application {
        let mut a = app();
        a.people
            .push(Person::new("raj", "Raj Patel", PersonKind::Interviewer));
        a.people
            .push(Person::new("dana", "Dana", PersonKind::Receptionist));
        let mut iv = Interview::new("panel", m("2026-11-20T10:00:00Z"));
        iv.interviewers = vec!["marie".into()];
        a.interviews.push(iv);
        a
    }

    /// The field of a refusal, and whether it names something missing.
    fn refused<T: fmt::Debug>(r: Result<T>) -> (String, bool) {
        let e = r.expect_err("refused");
        assert!(!e.message.is_empty());
        (e.field, e.missing)
    }

    fn unknown_interview<T: fmt::Debug>(r: Result<T>) {
        let e = r.expect_err("refused");
        assert_eq!((e.field.as_str(), e.missing), ("interview", true), "{e}");
        assert!(e.message.contains("unknown interview 'nope'"), "{e}");
    }

    #[test]
    fn new_applications_take_defaults_and_an_id_from_company_and_role() {
        let known = vec!["acme-analyst".to_string()];
        let f = ApplicationFields {
            company: Some(" Acme ".into()),
            role: Some(" Analyst ".into()),
            urgent: Some(true),
            ..Default::default()
        };
        let a = new_application(None, &f, &known).expect("new");
        assert_eq!(a.id, "acme-analyst-2");
        assert_eq!((a.company.as_str(), a.role.as_str()), ("Acme", "Analyst"));
        assert_eq!((a.stage, a.urgent, a.policy), (Stage::Applied, true, None));
        assert_eq!(
            new_application(Some("mine"), &f, &known).expect("id").id,
            "mine"
        );
        assert_eq!(
            refused(new_application(Some("acme-analyst"), &f, &known)),
            ("id".into(), false)
        );
        let blank = ApplicationFields {
            company: Some("  ".into()),
            ..Default::default()
        };
        assert_eq!(
            refused(new_application(None, &blank, &known)),
            ("company".into(), false)
        );
        assert_eq!(
            refused(new_application(None, &ApplicationFields::default(), &known)),
            ("company".into(), false)
        );
    }

    #[test]
    fn updating_an_application_keeps_what_is_not_named() {
        let mut a = app();
        a.policy = Some(Policy::Proactive);
        update_application(
            &mut a,
            &ApplicationFields {
                stage: Some(Stage::Screening),
                recruiter: Some(RecruiterKind::Outside),
                role: Some(" Lead ".into()),
                ..Default::default()
            },
        )
        .expect("set");
        assert_eq!(
            (a.company.as_str(), a.role.as_str(), a.stage),
            ("Acme", "Lead", Stage::Screening)
        );
        assert_eq!(
            (a.recruiter, a.policy),
            (RecruiterKind::Outside, Some(Policy::Proactive))
        );
        update_application(
            &mut a,
            &ApplicationFields {
                policy: Some(None),
                urgent: Some(true),
                ..Default::default()
            },
        )
        .expect("profile policy");
        assert_eq!((a.policy, a.urgent), (None, true));
        let before = a.clone();
        let blank = ApplicationFields {
            company: Some(String::new()),
            stage: Some(Stage::Offer),
            ..Default::default()
        };
        assert_eq!(
            refused(update_application(&mut a, &blank)),
            ("company".into(), false)
        );
        assert_eq!(a, before, "a refused change changes nothing");
    }

    #[test]
    fn rescheduling_moves_an_interview_and_keeps_them_in_order() {
        let mut a = with_interview();
        a.interviews
            .push(Interview::new("final", m("2026-11-25T10:00:00Z")));
        reschedule_interview(
            &mut a,
            &"panel".into(),
            &Reschedule {
                start: Some(m("2026-11-27T14:00:00-06:00")),
                minutes: Some(45),
            },
        )
        .expect("moved");
        assert_eq!(a.interviews[1].id, "panel", "sorted by start");
        assert_eq!(
            a.interviews[1].start.to_string(),
            "2026-11-27T14:00:00-06:00"
        );
        assert_eq!(a.interviews[1].minutes, 45);
        reschedule_interview(&mut a, &"panel".into(), &Reschedule::default()).expect("no change");
        assert_eq!(a.interviews[1].minutes, 45);
        for minutes in [0, 1441] {
            let r = Reschedule {
                minutes: Some(minutes),
                ..Default::default()
            };
            assert_eq!(
                refused(reschedule_interview(&mut a, &"panel".into(), &r)),
                ("minutes".into(), false)
            );
        }
        unknown_interview(reschedule_interview(
            &mut a,
            &"nope".into(),
            &Reschedule::default(),
        ));

        // A cancelled interview moved to a new time is back on; changing
        // only its length leaves it cancelled.
        set_interview_status(&mut a, &"panel".into(), InterviewStatus::Cancelled).expect("cancel");
        let longer = Reschedule {
            minutes: Some(60),
            ..Default::default()
        };
        reschedule_interview(&mut a, &"panel".into(), &longer).expect("longer");
        assert_eq!(a.interviews[1].status, InterviewStatus::Cancelled);
        let moved = Reschedule {
            start: Some(m("2026-11-30T14:00:00-06:00")),
            minutes: None,
        };
        reschedule_interview(&mut a, &"panel".into(), &moved).expect("moved again");
        let panel = a.interview("panel").expect("panel");
        assert_eq!(panel.status, InterviewStatus::Scheduled);
    }

    #[test]
    fn interviews_are_marked_missed_cancelled_and_scheduled_again() {
        let mut a = with_interview();
        for status in [
            InterviewStatus::Missed,
            InterviewStatus::Scheduled,
            InterviewStatus::Cancelled,
        ] {
            set_interview_status(&mut a, &"panel".into(), status).expect("status");
            assert_eq!(a.interviews[0].status, status);
        }
        unknown_interview(set_interview_status(
            &mut a,
            &"nope".into(),
            InterviewStatus::Missed,
        ));
    }

    #[test]
    fn marking_done_records_what_happened_without_listing_anyone_twice() {
        let mut a = with_interview();
        let d = InterviewDone {
            asked_questions: Some(false),
            disrupted: true,
            interviewers: vec![],
            also_met: vec!["dana".into(), "marie".into(), "dana".into()],
        };
        let early: Timestamp = "2000-01-01T00:00:00Z".parse().expect("early");
        let untouched = a.clone();
        assert_eq!(
            refused(mark_done(&mut a, &"panel".into(), &d, early)),
            ("interview".to_string(), false),
            "an interview that has not started cannot be done"
        );
        assert_eq!(a, untouched);
        mark_done(&mut a, &"panel".into(), &d, LATE).expect("done");
        let iv = &a.interviews[0];
        assert_eq!(iv.status, InterviewStatus::Done);
        assert_eq!(iv.interviewers, ["marie"], "kept from the diary");
        assert_eq!(iv.also_met, ["dana"], "an interviewer is not also met");
        assert_eq!((iv.asked_questions, iv.disrupted), (Some(false), true));
        assert_eq!(a.stage, Stage::Applied, "one interviewer is not a panel");

        // Later: it was a panel, and Dana interviewed too.
        let d = InterviewDone {
            interviewers: vec!["marie".into(), "raj".into(), "dana".into(), "raj".into()],
            ..Default::default()
        };
        mark_done(&mut a, &"panel".into(), &d, LATE).expect("again");
        let iv = &a.interviews[0];
        assert_eq!(iv.interviewers, ["marie", "raj", "dana"]);
        assert!(iv.also_met.is_empty(), "{:?}", iv.also_met);
        assert_eq!(
            (iv.asked_questions, iv.disrupted),
            (Some(false), true),
            "kept"
        );
        assert_eq!(a.stage, Stage::Interviewing);

        let before = a.clone();
        let bad = |interviewers: Vec<&str>, also_met: Vec<&str>| InterviewDone {
            interviewers: interviewers.into_iter().map(PersonId::from).collect(),
            also_met: also_met.into_iter().map(PersonId::from).collect(),
            ..Default::default()
        };
        assert_eq!(
            refused(mark_done(
                &mut a,
                &"panel".into(),
                &bad(vec!["zed"], vec![]),
                LATE
            )),
            ("interviewers".into(), false)
        );
        assert_eq!(
            refused(mark_done(
                &mut a,
                &"panel".into(),
                &bad(vec![], vec!["dan"]),
                LATE
            )),
            ("also_met".into(), false)
        );
        assert_eq!(a, before);
        unknown_interview(mark_done(
            &mut a,
            &"nope".into(),
            &InterviewDone::default(),
            LATE,
        ));
    }

    #[test]
    fn preparation_is_recorded_within_reason() {
        let mut a = with_interview();
        let p = Preparation {
            research: Some(true),
            questions: Some(3),
        };
        record_preparation(&mut a, &"panel".into(), &p).expect("prepared");
        record_preparation(
            &mut a,
            &"panel".into(),
            &Preparation {
                questions: Some(MAX_QUESTIONS),
                ..Default::default()
            },
        )
        .expect("the most");
        assert!(a.interviews[0].prepared.research, "kept");
        assert_eq!(a.interviews[0].prepared.questions, MAX_QUESTIONS);
        let too_many = Preparation {
            research: Some(false),
            questions: Some(500),
        };
        let before = a.clone();
        assert_eq!(
            refused(record_preparation(&mut a, &"panel".into(), &too_many)),
            ("questions".into(), false)
        );
        assert_eq!(a, before);
        unknown_interview(record_preparation(&mut a, &"nope".into(), &p));
    }

    #[test]
    fn slip_ups_are_numbered_and_marked_apologized() {
        let mut a = with_interview();
        let slip = |text: &str| SlipUp {
            text: text.into(),
            noticed: true,
            apologized: false,
        };
        assert_eq!(
            add_slip_up(&mut a, &"panel".into(), &slip(" Called her Mary ")),
            Ok(1)
        );
        assert_eq!(add_slip_up(&mut a, &"panel".into(), &slip("Late")), Ok(2));
        assert_eq!(a.interviews[0].slip_ups[0].text, "Called her Mary");
        assert!(a.interviews[0].slip_ups[0].noticed);
        mark_apologized(&mut a, &"panel".into(), 2).expect("apologized");
        assert!(a.interviews[0].slip_ups[1].apologized);
        assert!(!a.interviews[0].slip_ups[0].apologized);
        assert_eq!(
            refused(add_slip_up(&mut a, &"panel".into(), &slip(" "))),
            ("text".into(), false)
        );
        for n in [0, 3] {
            assert_eq!(
                refused(mark_apologized(&mut a, &"panel".into(), n)),
                ("apologized".into(), false)
            );
        }
        unknown_interview(add_slip_up(&mut a, &"nope".into(), &slip("x")));
        unknown_interview(mark_apologized(&mut a, &"nope".into(), 1));
    }

    #[test]
    fn what_people_said_is_kept_once_with_their_timeline() {
        let mut a = with_interview();
        let said = |person: &str, said: Vec<&str>| Said {
            person: person.into(),
            said: said.into_iter().map(String::from).collect(),
            ..Default::default()
        };
        assert_eq!(
            record_said(&mut a, &said("marie", vec![" APAC first ", "", "dbt"])),
            Ok(2)
        );
        assert_eq!(
            record_said(&mut a, &said("marie", vec!["APAC first"])),
            Ok(0)
        );
        assert_eq!(a.people[0].said, ["APAC first", "dbt"]);
        let timeline = Said {
            prefers: Some(Channel::Phone),
            after: Some(Date::constant(2026, 12, 4)),
            ..said("raj", vec![])
        };
        assert_eq!(record_said(&mut a, &timeline), Ok(0));
        let prefers = a.people[1].prefers.clone().expect("prefers");
        assert_eq!(prefers.channel, Some(Channel::Phone));
        assert_eq!(prefers.after, Some(Date::constant(2026, 12, 4)));
        assert!(said("raj", vec![" "]).is_empty());
        let before = a.clone();
        assert_eq!(
            refused(record_said(&mut a, &said("raj", vec![" "]))),
            ("said".into(), false)
        );
        let e = record_said(&mut a, &said("mari", vec!["x"])).expect_err("unknown");
        assert_eq!(e.field, "person");
        assert!(e.message.contains("did you mean 'marie'"), "{e}");
        assert_eq!(a, before);
    }

    #[test]
    fn news_needs_its_text() {
        let mut a = app();
        let on = Date::constant(2026, 11, 19);
        add_news(&mut a, on, " Opened in Singapore ").expect("news");
        assert_eq!(a.news[0].text, "Opened in Singapore");
        assert_eq!(a.news[0].on, on);
        assert_eq!(refused(add_news(&mut a, on, "\n ")), ("text".into(), false));
        assert_eq!(a.news.len(), 1);
    }

    #[test]
    fn research_facts_are_kept_once_and_their_contribution_updated() {
        let mut a = app();
        let r = |fact: &str, contribution: Option<&str>| NewResearch {
            fact: fact.into(),
            contribution: contribution.map(String::from),
        };
        add_research(&mut a, &r("Moving to dbt", None)).expect("fact");
        add_research(&mut a, &r(" Moving to dbt ", Some("Two years of dbt"))).expect("again");
        add_research(&mut a, &r("Moving to dbt", Some("  "))).expect("blank keeps");
        assert_eq!(a.research.len(), 1);
        assert_eq!(
            a.research[0].contribution.as_deref(),
            Some("Two years of dbt")
        );
        assert_eq!(
            refused(add_research(&mut a, &r("", Some("x")))),
            ("fact".into(), false)
        );
    }

    #[test]
    fn feedback_waits_for_the_outcome_and_plans_need_a_step_and_a_date() {
        let mut a = app();
        let text = |t: &str| NewFeedback {
            text: Some(t.into()),
            ..Default::default()
        };
        let e = record_feedback(&mut a, &text("Slow SQL")).expect_err("no outcome");
        assert_eq!(e.field, "text");
        assert!(e.message.contains("no outcome yet"), "{e}");
        record_outcome(
            &mut a,
            OutcomeKind::Rejected,
            Date::constant(2026, 12, 1),
            true,
        );
        let skill = NewFeedback {
            kind: Some(FeedbackKind::Skill),
            ..text(" Slow SQL ")
        };
        assert_eq!(record_feedback(&mut a, &skill), Ok(1));
        let by = Date::constant(2027, 1, 15);
        let plan = NewFeedback {
            point: Some(1),
            plan: Some("A SQL course".into()),
            by: Some(by),
            positive: true,
            ..Default::default()
        };
        assert_eq!(record_feedback(&mut a, &plan), Ok(1));
        let f = &a.outcome.as_ref().expect("outcome").feedback[0];
        assert_eq!(f.text, "Slow SQL");
        assert_eq!(f.kind, Some(FeedbackKind::Skill), "kept");
        assert!(f.positive);
        assert_eq!(f.plan.as_ref().map(|p| p.by), Some(by));
        let retext = NewFeedback {
            point: Some(1),
            ..text("SQL was slow")
        };
        assert_eq!(record_feedback(&mut a, &retext), Ok(1));
        assert_eq!(
            a.outcome.as_ref().expect("o").feedback[0].text,
            "SQL was slow"
        );

        let before = a.clone();
        for (f, field) in [
            (
                NewFeedback {
                    plan: Some("Course".into()),
                    ..text("x")
                },
                "by",
            ),
            (
                NewFeedback {
                    plan: Some(" ".into()),
                    by: Some(by),
                    ..text("x")
                },
                "plan",
            ),
            (
                NewFeedback {
                    point: Some(7),
                    ..Default::default()
                },
                "point",
            ),
            (
                NewFeedback {
                    point: Some(0),
                    ..Default::default()
                },
                "point",
            ),
            (NewFeedback::default(), "text"),
            (text("  "), "text"),
        ] {
            assert_eq!(
                refused(record_feedback(&mut a, &f)),
                (field.into(), false),
                "{f:?}"
            );
        }
        assert_eq!(a, before);
    }

    #[test]
    fn reflections_add_to_what_is_recorded() {
        let mut a = with_interview();
        let first = NewReflection {
            went_well: " Rapport ".into(),
            change: "Bring numbers".into(),
            mistakes: vec!["Rushed".into(), " ".into()],
            ..Default::default()
        };
        reflect(&mut a, &"panel".into(), &first).expect("reflected");
        let later = NewReflection {
            mistakes: vec!["Rushed".into(), "Forgot the figures".into()],
            missing: vec!["Team size".into()],
            hardest: "Why leave? Growth.".into(),
            ..Default::default()
        };
        reflect(&mut a, &"panel".into(), &later).expect("added");
        let r = a.interviews[0].reflection.clone().expect("reflection");
        assert_eq!(r.went_well, "Rapport", "a blank answer keeps it");
        assert_eq!(r.change, "Bring numbers");
        assert_eq!(r.mistakes, ["Rushed", "Forgot the figures"]);
        assert_eq!(r.missing_info, ["Team size"]);
        assert_eq!(r.hardest_question.as_deref(), Some("Why leave? Growth."));
        let empty = NewReflection {
            mistakes: vec!["  ".into()],
            ..Default::default()
        };
        assert!(empty.is_empty());
        assert_eq!(
            refused(reflect(&mut a, &"panel".into(), &empty)),
            ("went_well".into(), false)
        );
        unknown_interview(reflect(&mut a, &"nope".into(), &first));
    }

    #[test]
    fn names_are_one_line_and_texts_have_a_limit_for_every_front_end() {
        let with_break = ApplicationFields {
            company: Some("Acme\nCorp".into()),
            ..Default::default()
        };
        assert_eq!(
            refused(new_application(None, &with_break, &[])),
            ("company".into(), false)
        );
        let mut a = app();
        let before = a.clone();
        let long_name = PersonFields {
            name: Some("M".repeat(LINE_MAX + 1)),
            ..Default::default()
        };
        assert_eq!(
            refused(add_person(&mut a, None, &long_name)),
            ("name".into(), false)
        );
        let on: Date = "2026-11-20".parse().expect("date");
        assert_eq!(
            refused(add_news(&mut a, on, &"x".repeat(TEXT_MAX + 1))),
            ("text".into(), false)
        );
        assert_eq!(a, before, "nothing changed");
        // A postal address may take several lines.
        let address = PersonFields {
            name: Some("Dana Lee".into()),
            address: Some("1 Main St\nSpringfield".into()),
            ..Default::default()
        };
        add_person(&mut a, None, &address).expect("a two-line address");
    }
}
