//! The three imports — an exchange document, calendar invites, a
//! tracker's CSV — each one plan against the store and one transaction
//! that applies it (none with a dry run).

use debrief_core::exchange::{self, EachError, Piece};
use debrief_core::model::{Application, Profile};
use debrief_ics::{
    FileImport, ImportAction, ImportResult, ImportSettings, Importer, ParsedCalendar,
};
use debrief_store::{Change, ChangeSink, ImportCounts, Origin, Store, StoreError};
use debrief_trackers::{Mapping, Plan};

use crate::{AppError, plan_apply};

// ------------------------------------------------------------- exchange

/// An exchange document: bytes in memory, or a reader parsed as it is read.
pub enum Document<'a> {
    Bytes(&'a [u8]),
    Stream(Box<dyn std::io::BufRead + 'a>),
}

/// What importing an exchange document did (or, with a dry run, would do).
#[derive(Debug, Clone, PartialEq)]
pub struct ExchangeImport {
    /// The document's profile; `None` when it has none (the stored one
    /// stays, FORMAT.md §1).
    pub profile: Option<Profile>,
    /// The profile stored before the import.
    pub stored_profile: Profile,
    /// Applications in the document.
    pub count: usize,
    pub counts: ImportCounts,
}

/// Imports `doc` as it is parsed: each application is checked and written
/// in one transaction, so memory holds one application (not the whole
/// dataset), and a bad document, however far in, writes nothing
/// ([`AppError::Exchange`]). `replace` first removes every application.
/// Without `origin` (a dry run) nothing is written. `each` is called once
/// per application read (a progress bar).
pub fn exchange(
    store: &mut dyn Store,
    origin: Option<&Origin>,
    doc: Document<'_>,
    replace: bool,
    each: &mut dyn FnMut(),
) -> Result<ExchangeImport, AppError> {
    let stored_profile = store.profile()?;
    let mut existing = store.application_ids()?;
    // Ids only: the document refuses a repeated one, so a list is a set.
    let mut incoming: Vec<String> = Vec::new();
    let mut profile: Option<Profile> = None;
    let mut broken: Option<exchange::ExchangeError> = None;
    let mut doc = Some(doc);
    let mut read = |sink: &mut ChangeSink<'_>| -> Result<(), StoreError> {
        if replace {
            sink(&Change::DeleteAllApplications)?;
        }
        let each_piece = |piece| match piece {
            Piece::Profile(p) => {
                profile = Some(p.clone());
                sink(&Change::SetProfile(p))
            }
            Piece::Application(app) => {
                each();
                incoming.push(app.id.to_string());
                sink(&Change::PutApplication(app))
            }
        };
        let parsed = match doc.take() {
            Some(Document::Bytes(bytes)) => exchange::parse_each_slice(bytes, each_piece),
            Some(Document::Stream(reader)) => exchange::parse_each(reader, each_piece),
            None => Ok(()),
        };
        match parsed {
            Ok(()) => Ok(()),
            Err(EachError::Receiver(e)) => Err(e),
            Err(EachError::Exchange(e)) => {
                broken = Some(e);
                Err(StoreError::Cancelled)
            }
        }
    };
    let written = match origin {
        None => read(&mut |_| Ok(())),
        Some(origin) => debrief_store::update(store, origin, |u| {
            // The counts from inside the transaction.
            existing = u.application_ids()?;
            read(&mut |c| u.apply(std::slice::from_ref(c)))
        }),
    };
    if let Some(e) = broken {
        return Err(AppError::Exchange(e));
    }
    written?;
    let counts = ImportCounts::of(
        existing.iter().map(String::as_str),
        incoming.iter().map(String::as_str),
        replace,
    );
    Ok(ExchangeImport {
        profile,
        stored_profile,
        count: incoming.len(),
        counts,
    })
}

// ------------------------------------------------------------- calendars

/// What importing several invite files did: each file's report by name,
/// whether anything changed, and the applications made.
pub struct InviteFiles {
    pub files: Vec<(String, FileImport)>,
    pub any_change: bool,
    pub created: Vec<String>,
}

/// `debrief ics import`: several parsed files in turn (each sees what the
/// ones before changed), against the store as it is inside the
/// transaction. When every event was skipped, nothing is written.
pub fn invite_files(
    store: &mut dyn Store,
    origin: Option<&Origin>,
    files: Vec<(String, ParsedCalendar)>,
    settings: &ImportSettings,
) -> Result<InviteFiles, AppError> {
    plan_apply(store, origin, |reader| {
        let data = reader.load()?;
        let mut importer = Importer::new(data.applications, settings);
        let done: Vec<(String, FileImport)> = files
            .into_iter()
            .map(|(name, parsed)| {
                let result = importer.file_owned(parsed.events, parsed.warnings);
                (name, result)
            })
            .collect();
        let changed = importer.take_changed();
        let created = importer.created().to_vec();
        // The command ends soon: freeing the store's applications one by
        // one would take as long as reading them.
        std::mem::forget(importer);
        let skipped_all = done
            .iter()
            .all(|(_, f)| f.events.iter().all(|e| e.action == ImportAction::Skip));
        let any_change = !changed.is_empty();
        let changes: Vec<Change> = if skipped_all {
            Vec::new()
        } else {
            changed.into_iter().map(Change::PutApplication).collect()
        };
        Ok((
            InviteFiles {
                files: done,
                any_change,
                created,
            },
            changes,
        ))
    })
}

/// One invite file (the web app's upload and `POST /api/v1/ics/import`),
/// refused with [`AppError::Invite`] when nothing in it found an
/// application.
pub fn invite(
    store: &mut dyn Store,
    origin: Option<&Origin>,
    parsed: ParsedCalendar,
    settings: &ImportSettings,
) -> Result<ImportResult, AppError> {
    plan_apply(store, origin, |reader| {
        let data = reader.load()?;
        let result = debrief_ics::import_parsed(parsed, &data.applications, settings)?;
        drop(data);
        let changes = if result.changes() {
            result
                .changed
                .iter()
                .cloned()
                .map(Change::PutApplication)
                .collect()
        } else {
            Vec::new()
        };
        Ok((result, changes))
    })
}

// ------------------------------------------------------------- trackers

/// A tracker's CSV: the plan against the applications stored, validated
/// (`Plan::keep_valid`), and its new applications written. `progress` gets
/// the bytes read so far; `writing` the number of applications about to
/// be written.
pub fn tracker_csv(
    store: &mut dyn Store,
    origin: Option<&Origin>,
    text: &str,
    mapping: &Mapping,
    progress: &mut dyn FnMut(u64),
    writing: &mut dyn FnMut(usize),
) -> Result<Plan, AppError> {
    plan_apply(store, origin, |reader| {
        let existing: Vec<Application> = reader.load()?.applications;
        let mut plan = debrief_trackers::plan(text, mapping, &existing, progress)?;
        drop(existing);
        plan.keep_valid();
        let changes: Vec<Change> = plan
            .create
            .iter()
            .map(|p| Change::PutApplication(p.application.clone()))
            .collect();
        if origin.is_some() && !changes.is_empty() {
            writing(changes.len());
        }
        Ok((plan, changes))
    })
}
