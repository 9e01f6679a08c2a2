//! A whole `.ics` file against the store, as every front end needs it:
//! read it ([`import_file`]: the same refusals for `debrief ics import` and
//! the web app), say what it did ([`ImportSummary`], FORMAT.md §2's JSON;
//! [`event_span`], [`format_name`] for people), and the calendar out
//! ([`export_store`]).
//!
//! Pure, like the rest of the crate: the caller reads the file and the
//! applications, and writes [`ImportResult::changed`] in one transaction.

use debrief_core::engine::Action;
use debrief_core::model::{Application, Dataset, InterviewFormat};
use debrief_core::text::when;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::event::{EventStatus, EventTime, ParseOptions, ParsedCalendar, parse_invites_with};
use crate::export::{ExportItem, ExportOptions, export_calendar, store_items};
use crate::import::{EventReport, ImportAction, ImportResult, ImportSettings, import_invites};

/// Why a file gives nothing to import. Each message names the line at
/// fault when there is one; front ends put the file's name before it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    /// Nothing in it is a calendar.
    #[error("not a calendar: {0}")]
    NotACalendar(crate::IcsError),
    /// A calendar, but no event in it could be read.
    #[error("no event could be read; {first}{}", more_problems(*.more))]
    NoReadableEvent { first: String, more: usize },
    /// A calendar without any event.
    #[error("line {line}: the calendar ends without any event (VEVENT) to import")]
    NoEvent { line: usize },
    /// Every event was skipped; each reason names its event.
    #[error("nothing imported:\n  {}", reasons.join("\n  "))]
    NothingImported { reasons: Vec<String> },
}

impl FileError {
    /// The 1-based line the problem is at, when it is at one.
    pub fn line(&self) -> Option<usize> {
        match self {
            FileError::NotACalendar(e) => Some(e.line()),
            FileError::NoEvent { line } => Some(*line),
            FileError::NoReadableEvent { .. } | FileError::NothingImported { .. } => None,
        }
    }
}

fn more_problems(n: usize) -> String {
    match n {
        0 => String::new(),
        1 => " (and 1 more problem)".to_string(),
        n => format!(" (and {n} more problems)"),
    }
}

/// Reads `bytes` (invalid UTF-8 is replaced, with a warning; floating times
/// are read in `zone`). An error when the file is not a calendar or holds
/// no event that can be read.
pub fn read_invites(bytes: &[u8], zone: &TimeZone) -> Result<ParsedCalendar, FileError> {
    let parsed = parse_invites_with(
        bytes,
        &ParseOptions {
            floating_zone: zone.clone(),
        },
    )
    .map_err(FileError::NotACalendar)?;
    if parsed.events.is_empty() {
        return Err(match parsed.warnings.first() {
            Some(first) => FileError::NoReadableEvent {
                first: first.clone(),
                more: parsed.warnings.len() - 1,
            },
            // The last line with anything on it: where the search ended.
            None => FileError::NoEvent {
                line: bytes
                    .split(|b| *b == b'\n')
                    .enumerate()
                    .filter(|(_, l)| !l.trim_ascii().is_empty())
                    .last()
                    .map_or(1, |(i, _)| i + 1),
            },
        });
    }
    Ok(parsed)
}

/// Imports every event of a file read by [`read_invites`] into `apps`, the
/// whole store's applications. An error when every event was skipped:
/// then nothing is to be written. Otherwise write
/// [`ImportResult::changed`] (unless it is a dry run) and report the result.
pub fn import_parsed(
    parsed: ParsedCalendar,
    apps: &[Application],
    settings: &ImportSettings,
) -> Result<ImportResult, FileError> {
    let result = import_events(parsed, apps, settings);
    match result.nothing_imported() {
        Some(e) => Err(e),
        None => Ok(result),
    }
}

/// [`import_parsed`] without the refusal: the whole report even when every
/// event was skipped (see [`ImportResult::nothing_imported`]), for a front
/// end that shows what it skipped and why.
pub fn import_events(
    parsed: ParsedCalendar,
    apps: &[Application],
    settings: &ImportSettings,
) -> ImportResult {
    import_invites(&parsed.events, apps, parsed.warnings, settings)
}

/// [`read_invites`] then [`import_parsed`], in `settings.zone`.
pub fn import_file(
    bytes: &[u8],
    apps: &[Application],
    settings: &ImportSettings,
) -> Result<ImportResult, FileError> {
    import_parsed(read_invites(bytes, &settings.zone)?, apps, settings)
}

/// What `debrief ics import --json` prints (FORMAT.md §2), and the web
/// app's `POST /api/v1/ics/import` answers.
#[derive(Debug, Serialize)]
pub struct ImportSummary<'a> {
    pub events: &'a [EventReport],
    pub warnings: &'a [String],
    /// Applications this import made (or would make).
    pub created_applications: &'a [String],
    pub dry_run: bool,
}

impl ImportResult {
    pub fn summary(&self, dry_run: bool) -> ImportSummary<'_> {
        ImportSummary {
            events: &self.events,
            warnings: &self.warnings,
            created_applications: &self.created,
            dry_run,
        }
    }

    /// Every event was skipped (no application for it, held by another,
    /// Debrief's own export…): the reasons, naming each event. `None` when
    /// at least one event was imported, unchanged or ignored.
    pub fn nothing_imported(&self) -> Option<FileError> {
        if !self.events.iter().all(|e| e.action == ImportAction::Skip) {
            return None;
        }
        Some(FileError::NothingImported {
            reasons: self
                .warnings
                .iter()
                .filter(|w| w.contains(" skipped: ") || w.starts_with(crate::import::OWN_EXPORT))
                .cloned()
                .collect(),
        })
    }

    /// How many events were handled in way `action`.
    pub fn count(&self, action: ImportAction) -> usize {
        self.events.iter().filter(|e| e.action == action).count()
    }
}

impl EventReport {
    /// What importing the event does, or would do (`dry_run`): "Created
    /// interview 'ics-…' in 'contoso-pm'", "Would update … (SEQUENCE 2)",
    /// "Already imported as …; nothing changed".
    pub fn outcome(&self, dry_run: bool) -> String {
        let (would, did) = if dry_run {
            ("Would ", "would be ")
        } else {
            ("", "")
        };
        let iv = self.interview.as_deref().unwrap_or("-");
        let app = self.application.as_deref().unwrap_or("-");
        match self.action {
            ImportAction::Create => format!(
                "{would}{}interview '{iv}' in '{app}'",
                if dry_run { "create " } else { "Created " }
            ),
            ImportAction::Update if self.event.status == EventStatus::Cancelled => format!(
                "{would}{}interview '{iv}' in '{app}'",
                if dry_run { "cancel " } else { "Cancelled " }
            ),
            ImportAction::Update => format!(
                "{would}{}interview '{iv}' in '{app}' (SEQUENCE {})",
                if dry_run { "update " } else { "Updated " },
                self.event.sequence
            ),
            ImportAction::Unchanged => {
                format!("Already imported as '{iv}' in '{app}'; nothing {did}changed")
            }
            ImportAction::Ignore => "Ignored: nothing to import".to_string(),
            ImportAction::Skip => "Skipped (see warnings)".to_string(),
        }
    }
}

/// When an event runs, for people: "Thu 10 Dec, 9:00–12:30", the end's
/// date too when it is another day, "(all day)" for dates.
pub fn event_span(ev: &EventReport, tz: &TimeZone) -> String {
    match (ev.event.start, ev.event.end) {
        (EventTime::Instant(s), EventTime::Instant(e)) if e <= s => when(s, tz),
        (EventTime::Instant(s), EventTime::Instant(e)) => {
            let end = e.to_zoned(tz.clone());
            let same_day = s.to_zoned(tz.clone()).date() == end.date();
            format!(
                "{}–{}",
                when(s, tz),
                if same_day {
                    end.strftime("%-H:%M").to_string()
                } else {
                    when(e, tz)
                }
            )
        }
        (EventTime::Date(d), _) => format!("{} (all day)", d.strftime("%a %-d %b %Y")),
        (EventTime::Instant(s), EventTime::Date(_)) => when(s, tz),
    }
}

/// "video", "phone", "in person", or "format not stated".
pub fn format_name(f: Option<InterviewFormat>) -> &'static str {
    match f {
        Some(InterviewFormat::Video) => "video",
        Some(InterviewFormat::Phone) => "phone",
        Some(InterviewFormat::InPerson) => "in person",
        None => "format not stated",
    }
}

/// A store's calendar file, as `debrief ics export` writes it and the web
/// app's "Download calendar (.ics)" serves it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreCalendar {
    pub text: String,
    pub interviews: usize,
    pub actions: usize,
}

/// Every interview and open action of `data` (`actions`: the agenda at
/// `stamp`), with reminders; with `only`, one application's, and the
/// calendar named after its company.
pub fn export_store(
    data: &Dataset,
    actions: &[Action],
    only: Option<&str>,
    stamp: Timestamp,
) -> StoreCalendar {
    let items = store_items(data, actions, only);
    let mut options = ExportOptions::new(stamp);
    if let Some(app) = only.and_then(|id| data.applications.iter().find(|a| a.id == id)) {
        options.calendar_name = Some(format!("Debrief: {}", app.company));
    }
    let interviews = items
        .iter()
        .filter(|i| matches!(i, ExportItem::Interview(_)))
        .count();
    StoreCalendar {
        text: export_calendar(&items, &options),
        interviews,
        actions: items.len() - interviews,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> ImportSettings {
        ImportSettings {
            zone: TimeZone::UTC,
            user_emails: vec![],
            user_name: None,
            target: None,
        }
    }

    #[test]
    fn files_with_nothing_to_import_are_refused_naming_the_line() {
        let e = import_file(b"hello\nworld\n", &[], &settings()).unwrap_err();
        assert!(matches!(e, FileError::NotACalendar(_)), "{e}");
        assert!(e.to_string().contains("line "), "{e}");

        let empty = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n\r\n";
        let e = import_file(empty, &[], &settings()).unwrap_err();
        assert_eq!(e, FileError::NoEvent { line: 3 });
        assert_eq!(e.line(), Some(3));
    }
}
