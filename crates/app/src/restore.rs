//! Restoring one store from a backup in the exchange format (`debrief
//! admin restore`): the store's data becomes the document's, in one
//! transaction that is one entry of the history (so `debrief undo` takes
//! it back). Settings are not data and stay as they are.

use debrief_core::exchange::{self, EachError, Piece};
use debrief_core::model::Profile;
use debrief_store::{Change, Origin, Store, StoreError, StoreReader};

use crate::AppError;

/// What a restore replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// Applications the store held before.
    pub replaced: usize,
    /// Applications it holds now.
    pub applications: usize,
}

/// Makes the store's profile and applications those of the document
/// `reader` gives (`debrief admin restore`), read piece by piece: memory
/// holds one application, not the vault. A store that holds anything (a
/// saved profile or an application) is refused (`StoreError::Conflict`)
/// unless `replace`; the check and the writes are one transaction, so
/// nothing written in between is lost unseen. A document
/// that breaks anywhere, however far in, restores nothing
/// ([`AppError::Exchange`]); the emptiness check comes first, in the same
/// transaction.
pub fn restore_each(
    store: &mut dyn Store,
    origin: &Origin,
    reader: impl std::io::Read,
    replace: bool,
) -> Result<Restored, AppError> {
    let mut applications = 0;
    let mut broken = None;
    let replaced = debrief_store::update(store, origin, |u| {
        let held = u.application_ids()?.len();
        if !replace && (held > 0 || u.profile()? != Profile::default()) {
            return Err(StoreError::Conflict(format!(
                "the vault is not empty ({held} application{}, or a saved profile); pass --replace to overwrite it",
                if held == 1 { "" } else { "s" }
            )));
        }
        // A document without a profile restores the default one.
        u.apply(&[
            Change::DeleteAllApplications,
            Change::SetProfile(Profile::default()),
        ])?;
        let parsed = exchange::parse_each(reader, |piece| match piece {
            Piece::Profile(p) => u.apply(&[Change::SetProfile(p)]),
            Piece::Application(a) => {
                applications += 1;
                u.apply(&[Change::PutApplication(a)])
            }
        });
        match parsed {
            Ok(()) => Ok(held),
            Err(EachError::Receiver(e)) => Err(e),
            Err(EachError::Exchange(e)) => {
                broken = Some(e);
                Err(StoreError::Cancelled)
            }
        }
    });
    if let Some(e) = broken {
        return Err(AppError::Exchange(e));
    }
    Ok(Restored {
        replaced: replaced?,
        applications,
    })
}

/// Whether the store holds exactly the document `reader` gives: its
/// profile (the default when it has none) and its applications in its
/// order. What a restore checks after writing: the document is read again
/// keeping a 64-bit digest of each application's JSON, and the store walked
/// one application at a time against them, so neither is held whole.
pub fn holds_exactly(
    store: &dyn StoreReader,
    reader: impl std::io::Read,
) -> Result<bool, AppError> {
    fn digest(a: &debrief_core::model::Application) -> Result<u64, StoreError> {
        use std::hash::Hasher as _;
        let json = serde_json::to_vec(a).map_err(|e| StoreError::Backend(e.to_string()))?;
        let mut h = std::hash::DefaultHasher::new();
        h.write(&json);
        Ok(h.finish())
    }
    let mut profile = Profile::default();
    let mut digests = Vec::new();
    exchange::parse_each(reader, |piece| {
        match piece {
            Piece::Profile(p) => profile = p,
            Piece::Application(a) => digests.push(digest(&a)?),
        }
        Ok::<(), StoreError>(())
    })
    .map_err(|e| match e {
        EachError::Exchange(e) => AppError::Exchange(e),
        EachError::Receiver(e) => AppError::Store(e),
    })?;
    if store.profile()? != profile {
        return Ok(false);
    }
    let mut walked = 0;
    let mut same = true;
    store.each_application(&mut |a| {
        same &= digests.get(walked) == Some(&digest(&a)?);
        walked += 1;
        Ok(())
    })?;
    Ok(same && walked == digests.len())
}
