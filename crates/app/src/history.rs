//! The journal: what changed, undo, and how long it is kept.

use debrief_store::unit::{JOURNAL_DAYS_DEFAULT, JOURNAL_DAYS_SETTING};
use debrief_store::{JournalEntry, Origin, Store, StoreReader, Undone};

use crate::{AppError, update};

/// The journal, newest first, at most `limit` entries (`open_only`: only
/// those no undo has reverted).
pub fn entries(
    store: &dyn StoreReader,
    limit: usize,
    open_only: bool,
) -> Result<Vec<JournalEntry>, AppError> {
    Ok(store.history(limit, open_only)?)
}

/// Reverts the newest `n` open entries in one transaction that is itself
/// an entry; refuses ([`debrief_store::StoreError::Conflict`]) when
/// something they changed was changed since outside the journal.
pub fn undo(store: &mut dyn Store, origin: &Origin, n: usize) -> Result<Undone, AppError> {
    Ok(debrief_store::undo(store, origin, n)?)
}

/// How many days the journal keeps an entry.
pub fn journal_days(store: &dyn StoreReader) -> Result<u32, AppError> {
    Ok(store
        .setting(JOURNAL_DAYS_SETTING)?
        .and_then(|d| d.parse().ok())
        .unwrap_or(JOURNAL_DAYS_DEFAULT))
}

/// Keeps the journal `days` days from now on.
pub fn set_journal_days(store: &mut dyn Store, origin: &Origin, days: u32) -> Result<(), AppError> {
    update(store, origin, |u| {
        Ok::<_, AppError>(u.set_setting(JOURNAL_DAYS_SETTING, &days.to_string())?)
    })
}
