//! Debrief's calendar adapter: iCalendar invites in, reminders out.
//!
//! - [`parse_invites`] / [`parse_invites_with`] read any real client's
//!   `.ics` (Google, Outlook/Exchange, Teams, Zoom, Apple, Lotus…) into
//!   [`InviteEvent`]s plus warnings for each skipped part. Only a file with
//!   nothing calendar-like in it is an [`IcsError`].
//! - [`interview_from_invite`] turns one event into an [`InvitePlan`]: the
//!   interview and people to create or update in an application.
//! - [`import_invites`] does that for a whole file against the store's
//!   applications, choosing each event's application
//!   ([`choose_application`]) and saying why; [`Importer`] does it for
//!   several files in turn, each seeing what the ones before changed.
//! - [`read_invites`], [`import_parsed`] and [`import_file`]: a whole file
//!   with the refusals every front end shares ([`FileError`]), and
//!   [`ImportSummary`], the JSON they answer; [`export_store`], the
//!   store's calendar file.
//! - [`export_calendar`] writes interviews and open actions as an RFC 5545
//!   calendar with reminders.
//!
//! Invariants: pure functions — no I/O, no clock (`now` is a parameter), no
//! panics on any input.

mod content;
mod detect;
mod event;
mod export;
mod file;
mod import;
mod plan;
mod user;
mod zones;

pub use event::{
    Attendee, EventStatus, EventTime, InviteEvent, ParseOptions, ParsedCalendar, Party,
    parse_invites, parse_invites_with,
};
pub use export::{
    ExportAction, ExportInterview, ExportItem, ExportOptions, export_calendar, store_items,
};
pub use file::{
    FileError, ImportSummary, StoreCalendar, event_span, export_store, format_name, import_events,
    import_file, import_parsed, read_invites,
};
pub use import::{
    Choice, EventReport, FileImport, ImportAction, ImportResult, ImportSettings, Importer,
    choose_application, import_invites, is_debrief_uid, lookup_keys,
};
pub use plan::{
    ImportContext, InvitePlan, PlanAction, find_application, imported_invites,
    interview_from_invite, interview_id_for_uid, plan_invites,
};
pub use user::is_user;
pub use zones::windows_to_iana;

/// Why a file could not be read as a calendar at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IcsError {
    #[error("line {line}: {reason}")]
    NotACalendar { line: usize, reason: String },
}

impl IcsError {
    /// The 1-based line the message points at.
    pub fn line(&self) -> usize {
        match self {
            IcsError::NotACalendar { line, .. } => *line,
        }
    }
}

/// FNV-1a, 64 bits: a stable, dependency-free hash for ids derived from UIDs
/// (std's hasher is randomly seeded and may change between releases).
pub(crate) fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
