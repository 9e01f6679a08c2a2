//! Restoring one store from a backup in the exchange format (`debrief
//! admin restore`): the store's data becomes the document's, in one
//! transaction that is one entry of the history (so `debrief undo` takes
//! it back). Settings are not data and stay as they are.

use debrief_core::model::{Dataset, Profile};
use debrief_store::{Change, Origin, Store, StoreError};

use crate::AppError;

/// What a restore replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// Applications the store held before.
    pub replaced: usize,
    /// Applications it holds now.
    pub applications: usize,
}

/// Makes the store's profile and applications `data`'s. A store that
/// holds anything (a saved profile or an application) is refused
/// (`StoreError::Conflict`) unless `replace`; the check and the writes are
/// one transaction, so nothing written in between is lost unseen.
pub fn restore(
    store: &mut dyn Store,
    origin: &Origin,
    data: Dataset,
    replace: bool,
) -> Result<Restored, AppError> {
    let applications = data.applications.len();
    let replaced = debrief_store::update(store, origin, |u| {
        let held = u.application_ids()?.len();
        if !replace && (held > 0 || u.profile()? != Profile::default()) {
            return Err(StoreError::Conflict(format!(
                "the vault is not empty ({held} application{}, or a saved profile); pass --replace to overwrite it",
                if held == 1 { "" } else { "s" }
            )));
        }
        u.apply(&[
            Change::DeleteAllApplications,
            Change::SetProfile(data.profile),
        ])?;
        for app in data.applications {
            u.apply(&[Change::PutApplication(app)])?;
        }
        Ok(held)
    })?;
    Ok(Restored {
        replaced,
        applications,
    })
}
