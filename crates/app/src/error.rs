//! The one error of the application layer. Each front end maps it to its
//! own answer, once: the command line to FORMAT.md §2's exit codes
//! (`cli/src/ctx.rs`), the web app to HTTP statuses (`web/src/state.rs`).

use debrief_core::edit::EditError;
use debrief_core::exchange::ExchangeError;
use debrief_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The store failed or refused (busy: exit 3 / 503; stale: 412; …).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A document or an application that does not validate, with its path.
    #[error(transparent)]
    Exchange(#[from] ExchangeError),
    /// A refused edit, naming the field (`missing`: an unknown id in it).
    #[error("{}", .0.message)]
    Edit(#[from] EditError),
    /// No application with this id; `known` are the ids there are, for a
    /// "did you mean".
    #[error("no application with id '{id}'")]
    UnknownApplication { id: String, known: Vec<String> },
    /// An invite file that cannot be imported (not a calendar, no event,
    /// nothing found an application).
    #[error(transparent)]
    Invite(#[from] debrief_ics::FileError),
    /// A tracker's CSV that cannot be read.
    #[error(transparent)]
    Csv(#[from] debrief_trackers::FileError),
}

impl AppError {
    /// Busy or locked: trying again may work (exit 3, HTTP 503).
    pub fn is_busy(&self) -> bool {
        matches!(self, AppError::Store(e) if e.is_busy())
    }
}
