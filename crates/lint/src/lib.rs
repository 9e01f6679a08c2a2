//! Debrief's note linter, panel check and draft composer.
//!
//! Invariants: pure. No I/O, no clock (the moment of sending is a
//! parameter), no global state beyond the built-in rule pack compiled once.
//! Any input, however hostile, yields a value and never panics.
//!
//! Code map:
//! - `text`: words, sentences, greeting/body/signature (`parse_note`), positions.
//! - `words`: stop words and stems.
//! - `reading`: a note's body as sentences and clauses (words and positions only).
//! - `note`: a note as the rules see it (parts, tokens, cached stems and reading).
//! - `clause`: the intent rules, decided per clause from the reading.
//! - `pack`: rule packs in TOML; the phrase rules are data (`rules/builtin.toml`).
//! - `rules`: the rules that need the store (names, slip-ups, what people said, timing).
//! - `panel`: similarity between the notes for one panel.
//! - `draft`: first drafts written from what the store knows.
//! - `output`: human, line, JSON, SARIF and GitHub renderings.

use std::fmt;
use std::str::FromStr;

use debrief_core::model::{Application, Interview, Person, TouchKind};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

mod clause;
pub mod draft;
mod note;
pub mod output;
pub mod pack;
pub mod panel;
mod reading;
mod rules;
pub mod text;
mod words;

pub use draft::{DRAFTABLE, Draft, DraftError, draft};
pub use output::{RuleMeta, rules};
pub use pack::{PackError, RulePack};
pub use panel::{PanelFinding, SharedPassage, panel, panel_diagnostics};
pub use text::{NoteParts, parse_note};

/// What a note is for; decides which rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoteKind {
    ThankYou,
    ThankStaff,
    StatusCheck,
    Recovery,
    FeedbackRequest,
    StayInTouch,
    Congratulate,
    Other,
}

impl NoteKind {
    pub const ALL: &'static [NoteKind] = &[
        NoteKind::ThankYou,
        NoteKind::ThankStaff,
        NoteKind::StatusCheck,
        NoteKind::Recovery,
        NoteKind::FeedbackRequest,
        NoteKind::StayInTouch,
        NoteKind::Congratulate,
        NoteKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::ThankYou => "thank-you",
            NoteKind::ThankStaff => "thank-staff",
            NoteKind::StatusCheck => "status-check",
            NoteKind::Recovery => "recovery",
            NoteKind::FeedbackRequest => "feedback-request",
            NoteKind::StayInTouch => "stay-in-touch",
            NoteKind::Congratulate => "congratulate",
            NoteKind::Other => "other",
        }
    }

    /// The touch kind to log once the note is sent.
    pub fn touch_kind(self) -> TouchKind {
        match self {
            NoteKind::ThankYou | NoteKind::ThankStaff => TouchKind::ThankYou,
            NoteKind::StatusCheck => TouchKind::StatusCheck,
            NoteKind::Recovery => TouchKind::Recovery,
            NoteKind::FeedbackRequest => TouchKind::FeedbackRequest,
            NoteKind::StayInTouch => TouchKind::Content,
            NoteKind::Congratulate => TouchKind::Congratulate,
            NoteKind::Other => TouchKind::Other,
        }
    }
}

impl fmt::Display for NoteKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for NoteKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        NoteKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                let all: Vec<&str> = NoteKind::ALL.iter().map(|k| k.as_str()).collect();
                format!(
                    "'{s}' is not a note kind; expected one of: {}",
                    all.join(", ")
                )
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "error" => Ok(Severity::Error),
            "warning" => Ok(Severity::Warning),
            "info" => Ok(Severity::Info),
            _ => Err(format!("'{s}' is not one of error, warning, info")),
        }
    }
}

/// One finding, shaped like FORMAT.md §2. Lines and columns are 1-based,
/// columns count characters, ends are inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// The file the note came from; the caller fills it.
    #[serde(default)]
    pub path: String,
    pub rule: String,
    pub severity: Severity,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub message: String,
    pub suggestion: Option<String>,
}

/// What the store knows about the note being checked. Everything is
/// optional: without an application and a recipient only the context-free
/// rules run.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    pub app: Option<&'a Application>,
    pub recipient: Option<&'a Person>,
    /// The interview the note follows (defaults to the latest one the
    /// recipient took part in).
    pub interview: Option<&'a Interview>,
    pub kind: Option<NoteKind>,
    /// When the note would be sent.
    pub now: Option<Timestamp>,
    pub pack: &'a RulePack,
    /// Notes for the other members of the same panel: (person id, text).
    pub panel: Vec<(&'a str, &'a str)>,
}

impl Default for Context<'_> {
    fn default() -> Self {
        Context {
            app: None,
            recipient: None,
            interview: None,
            kind: None,
            now: None,
            pack: RulePack::builtin_ref(),
            panel: Vec::new(),
        }
    }
}

impl<'a> Context<'a> {
    pub fn new() -> Self {
        Context::default()
    }

    /// Context for a note to `person_id` at `app` (unknown ids leave the recipient out).
    pub fn for_person(app: &'a Application, person_id: &str) -> Self {
        Context {
            app: Some(app),
            recipient: app.person(person_id),
            ..Context::default()
        }
    }

    pub fn kind(mut self, kind: NoteKind) -> Self {
        self.kind = Some(kind);
        self
    }

    pub fn at(mut self, now: Timestamp) -> Self {
        self.now = Some(now);
        self
    }

    pub fn interview(mut self, interview: &'a Interview) -> Self {
        self.interview = Some(interview);
        self
    }

    pub fn pack(mut self, pack: &'a RulePack) -> Self {
        self.pack = pack;
        self
    }

    pub fn with_panel(mut self, notes: Vec<(&'a str, &'a str)>) -> Self {
        self.panel = notes;
        self
    }
}

/// The interview a note to `person` most likely follows: the latest one
/// they took part in (as interviewer or met) that has started by `now` and
/// was not cancelled.
pub fn interview_for<'a>(
    app: &'a Application,
    person: &str,
    now: Timestamp,
) -> Option<&'a Interview> {
    app.interviews
        .iter()
        .filter(|iv| {
            iv.start.ts <= now && iv.status != debrief_core::model::InterviewStatus::Cancelled
        })
        .filter(|iv| {
            iv.interviewers
                .iter()
                .chain(&iv.also_met)
                .any(|p| p == person)
        })
        .max_by_key(|iv| iv.start)
}

/// Findings a rule made in one note beyond the 25 it reports there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeftOut {
    /// The file the note came from; the caller fills it.
    pub path: String,
    pub rule: String,
    pub count: usize,
}

/// Everything one check found: the findings reported, and how many more
/// each rule found but left out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub left_out: Vec<LeftOut>,
}

/// The most findings one rule reports in one note.
pub const MAX_PER_RULE: usize = rules::MAX_PER_RULE;

/// The context `debrief lint --app APP [--to PERSON] [--kind KIND]` checks
/// a note in, so every front end (command line, web API, composer) agrees:
/// a note with a recipient is a thank-you unless `kind` says otherwise, it
/// follows the recipient's latest interview by `now` (`interview_for`), and
/// `pack` is the built-in pack with the user's laid over it. Without a
/// recipient and a kind, only the rules that need no kind run.
pub fn note_context<'a>(
    app: &'a Application,
    person: Option<&str>,
    kind: Option<NoteKind>,
    now: Timestamp,
    pack: &'a RulePack,
) -> Context<'a> {
    let mut c = match person {
        Some(p) => Context::for_person(app, p),
        None => Context {
            app: Some(app),
            ..Context::default()
        },
    }
    .pack(pack)
    .at(now);
    c.kind = kind.or(person.map(|_| NoteKind::ThankYou));
    c.interview = person.and_then(|p| interview_for(app, p, now));
    c
}

/// Checks one note. Findings come sorted by position, then rule id.
pub fn lint(note: &str, ctx: &Context) -> Vec<Diagnostic> {
    lint_report(note, ctx).diagnostics
}

/// [`lint`], with the count of findings left out past [`MAX_PER_RULE`].
pub fn lint_report(note: &str, ctx: &Context) -> Report {
    let (mut out, more) = rules::run(note, ctx);
    out.sort_by(|a, b| {
        (a.line, a.column, &a.rule, a.end_line, a.end_column).cmp(&(
            b.line,
            b.column,
            &b.rule,
            b.end_line,
            b.end_column,
        ))
    });
    Report {
        diagnostics: out,
        left_out: more
            .into_iter()
            .map(|(rule, count)| LeftOut {
                path: String::new(),
                rule,
                count,
            })
            .collect(),
    }
}

/// The longest note checked, in characters: the store's free-text limit
/// (`TEXT_MAX`), so a note that could not be kept with its touch is refused
/// before it is read, not reported as merely long.
pub const NOTE_MAX: usize = debrief_core::edit::TEXT_MAX;

/// Refuses a note over [`NOTE_MAX`] characters, naming the limit. Every
/// front end calls it before [`lint`]; a refusal is bad input (exit 2).
pub fn check_size(note: &str) -> Result<(), String> {
    // Bytes bound characters from above: most notes skip the count.
    if note.len() <= NOTE_MAX {
        return Ok(());
    }
    let n = note.chars().count();
    if n <= NOTE_MAX {
        return Ok(());
    }
    Err(format!(
        "the note is {n} characters long; a note can be at most {NOTE_MAX} characters (the free-text limit, TEXT_MAX). Cut it down, or keep the rest for an addendum"
    ))
}

/// True when any finding is an error (the CLI exits 1).
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
}
