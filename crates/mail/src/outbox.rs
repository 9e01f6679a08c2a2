//! One note out by email, the same way from every front end (`debrief
//! send`, `debrief draft --eml`, the web app's composer and
//! `POST /api/v1/send`):
//!
//! 1. [`recipient`]: the person, with the address the store has for them;
//! 2. [`NoteText::read`]: a first line `Subject: …` is the subject; an
//!    empty note goes nowhere;
//! 3. [`prepare`]: the linter with everything the store knows (errors
//!    block, PLAYBOOK §5), then the follow-up guard on a copy of the
//!    application, then the message;
//! 4. the caller sends it ([`crate::send`]) and, only once the server has
//!    accepted it, writes [`Prepared::app`] (or [`Prepared::log_into`] a
//!    fresh copy) in one transaction.
//!
//! The JSON of each outcome is `debrief send --json`'s ([`Prepared::summary`],
//! [`Stop::json`], [`smtp_failure`]).

use debrief_core::edit::{self, EditError, Logged};
use debrief_core::engine::Engine;
use debrief_core::exchange::{self, ExchangeError};
use debrief_core::model::{Application, Channel, Moment, Touch};
use debrief_core::rules::Rule;
use debrief_lint::{Context, Diagnostic, NoteKind, RulePack, Severity};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::{Value, json};

use crate::{BuildError, Email, Note, Party, Purpose, SendError, build, message_id};

/// Why a note did not go out. Nothing was sent and nothing logged.
#[derive(Debug, Clone, PartialEq)]
pub enum Stop {
    /// The person has no email address in the store.
    NoAddress {
        app: String,
        person: String,
        name: String,
    },
    /// An unknown person, or an application the touch would make invalid.
    Edit(EditError),
    Invalid(String),
    /// There is nothing to send.
    Empty,
    /// An address the message cannot carry.
    Build(BuildError),
    /// The linter found errors (and the note was not forced).
    Lint {
        diagnostics: Vec<Diagnostic>,
    },
    /// Asked about warnings, the person said no.
    Declined {
        diagnostics: Vec<Diagnostic>,
    },
    /// The follow-up guard: too soon for a status check.
    Guard {
        /// When it is allowed, in the profile's zone.
        allowed_from: Option<String>,
        why: String,
        diagnostics: Vec<Diagnostic>,
    },
}

impl Stop {
    /// Something the person must fix before anything can go out (the
    /// command line's exit 2), rather than a "no" from lint or the guard.
    pub fn is_input(&self) -> bool {
        !matches!(
            self,
            Stop::Lint { .. } | Stop::Declined { .. } | Stop::Guard { .. }
        )
    }

    /// `debrief send --json`'s answer for a "no": the lint diagnostics, or
    /// the guard's refusal (the shape of `debrief touch --json`'s).
    pub fn json(&self) -> Option<Value> {
        match self {
            Stop::Lint { diagnostics } => Some(json!({
                "sent": false, "logged": false, "reason": "lint", "diagnostics": diagnostics,
            })),
            Stop::Guard {
                allowed_from, why, ..
            } => Some(json!({
                "sent": false,
                "logged": false,
                "rule": Rule::FollowUpGuard.id(),
                "allowed_from": allowed_from,
                "why": why,
            })),
            _ => None,
        }
    }
}

impl From<EditError> for Stop {
    fn from(e: EditError) -> Self {
        Stop::Edit(e)
    }
}

impl From<ExchangeError> for Stop {
    fn from(e: ExchangeError) -> Self {
        Stop::Invalid(e.to_string())
    }
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stop::NoAddress { app, name, .. } => {
                write!(f, "{name} has no email address in '{app}'")
            }
            Stop::Edit(e) => write!(f, "{}", e.message),
            Stop::Invalid(m) => f.write_str(m),
            Stop::Empty => f.write_str("the note is empty"),
            Stop::Build(e) => write!(f, "{e}"),
            Stop::Lint { diagnostics } => {
                let n = errors(diagnostics);
                write!(
                    f,
                    "the linter found {n} error{}",
                    if n == 1 { "" } else { "s" }
                )
            }
            Stop::Declined { .. } => f.write_str("not sent"),
            Stop::Guard { why, .. } => f.write_str(why),
        }
    }
}

fn errors(diags: &[Diagnostic]) -> usize {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count()
}

/// The person, with the email address the store has for them.
pub fn recipient(app: &Application, person: &str, field: &str) -> Result<Party, Stop> {
    let p = edit::person(app, person, field)?;
    match p.email.as_deref().map(str::trim) {
        Some(e) if !e.is_empty() => Ok(Party::new(p.name.clone(), e)),
        _ => Err(Stop::NoAddress {
            app: app.id.to_string(),
            person: p.id.to_string(),
            name: p.name.clone(),
        }),
    }
}

/// A note as written: its subject line, if any, and the body after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteText<'a> {
    /// From a first line `Subject: …` (what `debrief draft` prints).
    pub subject: Option<String>,
    pub body: &'a str,
    /// Lines before the body (the subject line and blank lines after it),
    /// so diagnostics point at the lines of the whole text.
    pub offset: usize,
}

impl<'a> NoteText<'a> {
    /// Splits off the subject; an empty body is [`Stop::Empty`].
    pub fn read(text: &'a str) -> Result<NoteText<'a>, Stop> {
        let (subject, body, offset) = split_subject(text);
        if body.trim().is_empty() {
            return Err(Stop::Empty);
        }
        Ok(NoteText {
            subject,
            body,
            offset,
        })
    }
}

/// A first line "Subject: …" and the blank lines after it: the subject,
/// the body, and how many lines went.
pub fn split_subject(text: &str) -> (Option<String>, &str, usize) {
    let Some((first, rest)) = text.split_once('\n') else {
        return (None, text, 0);
    };
    let Some(subject) = first
        .get(..8)
        .filter(|p| p.eq_ignore_ascii_case("subject:"))
        .map(|_| first[8..].trim().to_string())
    else {
        return (None, text, 0);
    };
    let mut body = rest;
    let mut skipped = 1;
    while let Some((line, after)) = body.split_once('\n') {
        if !line.trim().is_empty() {
            break;
        }
        body = after;
        skipped += 1;
    }
    (Some(subject).filter(|s| !s.is_empty()), body, skipped)
}

/// A subject for `kind` when the note brings none: the composer's, or a
/// plain one.
pub fn default_subject(
    app: &Application,
    to: &str,
    kind: NoteKind,
    me: &str,
    now: Timestamp,
) -> String {
    if let Ok(d) = debrief_lint::draft(app, to, kind, me, now) {
        return d.subject;
    }
    let role = if app.role.trim().is_empty() {
        app.company.as_str()
    } else {
        app.role.as_str()
    };
    let company = &app.company;
    match kind {
        NoteKind::ThankYou => format!("Thank you – {role} interview"),
        NoteKind::ThankStaff => format!("Thank you – my visit to {company}"),
        NoteKind::StatusCheck => format!("{role} role – checking in"),
        NoteKind::Recovery => format!("My missed {role} interview – a request to reschedule"),
        NoteKind::FeedbackRequest => format!("A short call about my {role} interview?"),
        NoteKind::StayInTouch => format!("Keeping in touch – {company}"),
        NoteKind::Congratulate => format!("Congratulations, {company}"),
        NoteKind::Other => format!("{company} – {role}"),
    }
}

/// A draft that mail clients open in the composer (`X-Unsent: 1`): what
/// `debrief draft --eml` writes and the web composer downloads.
pub fn draft_email(
    from: &Party,
    to: &Party,
    subject: &str,
    body: &str,
    now: Timestamp,
) -> Result<Email, BuildError> {
    let id = message_id(&from.address, now);
    build(
        &Note {
            from,
            to,
            subject,
            body,
            date: now,
            message_id: &id,
        },
        Purpose::Draft,
    )
}

/// A note about to be sent.
#[derive(Debug, Clone)]
pub struct Outgoing<'a> {
    pub app: &'a Application,
    /// The recipient's id in `app`.
    pub person: &'a str,
    /// From [`recipient`].
    pub to: &'a Party,
    pub from: &'a Party,
    pub kind: NoteKind,
    pub note: &'a NoteText<'a>,
    /// Wins over the note's own subject line; blank is none.
    pub subject: Option<&'a str>,
    /// Where the note came from (a file name): the diagnostics' `path`.
    pub source: &'a str,
    /// Now, in the profile's zone.
    pub at: Moment,
    pub tz: &'a TimeZone,
    /// Send past lint errors and the guard (the touch is marked forced).
    pub force: bool,
}

/// A message that passed every check, and the application with its touch.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The application with the touch logged: write it once the server
    /// has accepted the message.
    pub app: Application,
    pub touch: Touch,
    pub email: Email,
    pub subject: String,
    pub to: Party,
    pub diagnostics: Vec<Diagnostic>,
    /// Sent past the follow-up guard: what it said.
    pub forced: Option<String>,
    /// Lint errors sent past with `force` (0 when there were none).
    pub forced_errors: usize,
    person: String,
    kind: NoteKind,
}

/// Lint (errors block unless forced; `confirm` is asked about what was
/// found, and may say no), the follow-up guard on a copy of the
/// application, then the message. Nothing is written here.
pub fn prepare(
    o: &Outgoing,
    pack: &RulePack,
    engine: &Engine,
    confirm: &mut dyn FnMut(&[Diagnostic]) -> bool,
) -> Result<Prepared, Stop> {
    let now = o.at.ts;
    let subject = o
        .subject
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .or_else(|| o.note.subject.clone())
        .unwrap_or_else(|| default_subject(o.app, o.person, o.kind, &o.from.name, now));

    // 1. The linter, with what the store knows (PLAYBOOK §5: errors block).
    let mut cx = Context::for_person(o.app, o.person)
        .pack(pack)
        .at(now)
        .kind(o.kind);
    cx.interview = debrief_lint::interview_for(o.app, o.person, now);
    let mut diagnostics = debrief_lint::lint(o.note.body, &cx);
    for d in &mut diagnostics {
        d.path = o.source.to_string();
        d.line += o.note.offset;
        d.end_line += o.note.offset;
    }
    let forced_errors = errors(&diagnostics);
    if forced_errors > 0 && !o.force {
        return Err(Stop::Lint { diagnostics });
    }
    if !confirm(&diagnostics) {
        return Err(Stop::Declined { diagnostics });
    }

    // 2. The follow-up guard, on a copy: the store changes only after the
    // server took the message.
    let mut app = o.app.clone();
    // The Message-ID is kept with the touch: a reply then matches by
    // thread (`debrief mail scan`).
    let id = message_id(&o.from.address, now);
    let touch = Touch {
        at: o.at,
        person: Some(o.person.into()),
        channel: Channel::Email,
        kind: o.kind.touch_kind(),
        replied_at: None,
        // Past lint errors: marked forced, as past the guard (below).
        forced: forced_errors > 0,
        note: Some(o.note.body.trim_end().to_string()),
        message_id: Some(id.clone()),
    };
    let forced = match edit::log_touch(engine, &mut app, touch.clone(), o.force, o.at.ts)? {
        Logged::Refused { allowed_from, why } => {
            return Err(Stop::Guard {
                allowed_from: allowed_from.map(|t| Moment::in_zone(t, o.tz).to_string()),
                why,
                diagnostics,
            });
        }
        Logged::Forced { why } => Some(why),
        Logged::Yes => None,
    };
    exchange::validate_application(&app, &format!("application '{}'", o.app.id))?;

    // 3. The message.
    let email = build(
        &Note {
            from: o.from,
            to: o.to,
            subject: &subject,
            body: o.note.body,
            date: now,
            message_id: &id,
        },
        Purpose::Send,
    )
    .map_err(Stop::Build)?;
    Ok(Prepared {
        app,
        touch: Touch {
            forced: forced.is_some() || forced_errors > 0,
            ..touch
        },
        email,
        subject,
        to: o.to.clone(),
        diagnostics,
        forced,
        forced_errors,
        person: o.person.to_string(),
        kind: o.kind,
    })
}

impl Prepared {
    /// Logs the touch into `app` (a fresh copy of the application, when
    /// the store may have changed while the message was on its way).
    pub fn log_into(&self, app: &mut Application) {
        app.touches.push(self.touch.clone());
        app.touches.sort_by_key(|t| t.at);
    }

    /// `debrief send --json`: what was (or would be) sent, and whether it
    /// was logged. `server`: `host:port`.
    pub fn summary(&self, sent: bool, logged: bool, server: Option<String>) -> Value {
        json!({
            "sent": sent,
            "logged": logged,
            "forced": self.touch.forced,
            "forced_past_guard": self.forced,
            "forced_past_errors": self.forced_errors,
            "application": self.app.id,
            "person": self.person,
            "kind": self.kind.touch_kind(),
            "channel": Channel::Email,
            "at": self.touch.at.to_string(),
            "to": self.to.address,
            "subject": self.subject,
            "message_id": self.email.message_id,
            "server": server,
            "diagnostics": self.diagnostics,
        })
    }

    /// `debrief send --dry-run --json`: the summary and the message itself.
    pub fn dry_run(&self, server: Option<String>) -> Value {
        let mut v = self.summary(false, false, server);
        v["dry_run"] = json!(true);
        v["message"] = json!(self.message_text());
        v
    }

    /// The whole message with `\n` line ends, to show.
    pub fn message_text(&self) -> String {
        String::from_utf8_lossy(&self.email.formatted()).replace("\r\n", "\n")
    }
}

/// `debrief send --json` when the server said no or could not be reached.
pub fn smtp_failure(server: &str, e: &SendError) -> Value {
    json!({
        "sent": false, "logged": false, "reason": "smtp",
        "server": server, "error": e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subject_line_is_split_off_with_the_blank_lines_after_it() {
        assert_eq!(
            split_subject("Subject: Thanks\n\n\nHi Marie,\n"),
            (Some("Thanks".to_string()), "Hi Marie,\n", 3)
        );
        assert_eq!(split_subject("Hi Marie,\nBye"), (None, "Hi Marie,\nBye", 0));
        assert_eq!(split_subject("subject:\nHi"), (None, "Hi", 1));
        assert_eq!(NoteText::read("Subject: x\n\n  \n"), Err(Stop::Empty));
    }
}
