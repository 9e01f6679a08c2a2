//! Debrief's use cases, written once over any store.
//!
//! The command line and the web app translate their arguments, forms and
//! JSON into these calls and render what they answer; neither reads,
//! edits, validates and writes on its own, and neither names a backend
//! (the store is a `dyn Store`, opened by the front end's start-up code).
//!
//! Invariants:
//! - every write is one transaction ([`debrief_store::update`]: the reads
//!   it depends on and the write, with the journal entry), with the
//!   client's expected version where the front end has one (`If-Match`);
//! - this layer owns no clock: `now` (and the [`Origin`]'s time) always
//!   comes in from the front end, so every answer reproduces with `--now`;
//! - a failure writes nothing and is one [`AppError`], which each front
//!   end maps once to its exit code or HTTP status.

use debrief_core::exchange;
use debrief_core::model::Application;
use debrief_store::unit::EditFailure;
use debrief_store::{Change, Origin, Store, Unit};

pub mod agenda;
mod error;
pub mod export;
pub mod history;
pub mod imports;
pub mod location;
pub mod restore;
pub mod settings;
pub mod timeline;
pub mod touch;

pub use error::AppError;
pub use location::{Location, Vaults, open};

/// The store as the front ends hold it: any backend, opened once at
/// start-up.
pub type BoxStore = Box<dyn Store + Send>;

/// Runs `work` in one write transaction journalled under `origin`: its
/// reads see no other writer until its write is committed. If `work` (or
/// the store) fails, nothing is written.
pub fn update<T, E: From<AppError>>(
    store: &mut dyn Store,
    origin: &Origin,
    work: impl FnOnce(&mut Unit<'_>) -> Result<T, E>,
) -> Result<T, E> {
    debrief_store::update(store, origin, |u| work(u).map_err(EditFailure::Edit)).map_err(
        |e| match e {
            EditFailure::Store(e) => AppError::Store(e).into(),
            EditFailure::Edit(e) => e,
        },
    )
}

/// Inside a unit: application `id`, or [`AppError::UnknownApplication`]
/// with the ids there are.
pub fn application_in(unit: &Unit<'_>, id: &str) -> Result<Application, AppError> {
    match unit.application(id)? {
        Some(app) => Ok(app),
        None => Err(AppError::UnknownApplication {
            id: id.to_string(),
            known: unit.application_ids()?,
        }),
    }
}

/// Validates `app` and writes it, inside a unit.
pub fn put_valid(unit: &mut Unit<'_>, app: Application) -> Result<(), AppError> {
    exchange::validate_application(&app, &format!("application '{}'", app.id))?;
    unit.apply(&[Change::PutApplication(app)])?;
    Ok(())
}

/// The edit of one application every front end makes: loads it, lets
/// `edit` change it, validates the result and writes it, in one
/// transaction; with `if_match`, only while the application is still at
/// that version ([`debrief_store::StoreError::Stale`]). On any error nothing is written.
pub fn edit_app<T, E: From<AppError>>(
    store: &mut dyn Store,
    origin: &Origin,
    id: &str,
    if_match: Option<u64>,
    edit: impl FnOnce(&mut Application) -> Result<T, E>,
) -> Result<T, E> {
    update(store, origin, |u| {
        if let Some(v) = if_match {
            u.expect_version(id, v).map_err(AppError::from)?;
        }
        let mut app = application_in(u, id)?;
        let out = edit(&mut app)?;
        put_valid(u, app)?;
        Ok(out)
    })
}

/// Writes `changes` in one journalled transaction.
pub fn apply(store: &mut dyn Store, origin: &Origin, changes: &[Change]) -> Result<(), AppError> {
    update(store, origin, |u| Ok(u.apply(changes)?))
}

/// Removes application `id` and everything in it, in one transaction
/// (with `if_match`, only while it is at that version).
pub fn remove_app(
    store: &mut dyn Store,
    origin: &Origin,
    id: &str,
    if_match: Option<u64>,
) -> Result<(), AppError> {
    update(store, origin, |u| {
        if let Some(v) = if_match {
            u.expect_version(id, v)?;
        }
        application_in(u, id)?;
        Ok(u.apply(&[Change::DeleteApplication(id.to_string())])?)
    })
}

/// The planning shape the imports share: `plan` reads the store and
/// returns its report with the changes it wants. With `origin`, the read
/// and the write are one transaction (nothing another writer does in
/// between is overwritten); without it (a dry run), the store is only read.
pub fn plan_apply<P>(
    store: &mut dyn Store,
    origin: Option<&Origin>,
    plan: impl FnOnce(&dyn debrief_store::StoreReader) -> Result<(P, Vec<Change>), AppError>,
) -> Result<P, AppError> {
    match origin {
        None => Ok(plan(&*store)?.0),
        Some(origin) => update(store, origin, |u| {
            let (report, changes) = plan(u.reader())?;
            if !changes.is_empty() {
                u.apply(&changes)?;
            }
            Ok(report)
        }),
    }
}
