//! The three imports — an exchange document, calendar invites, a
//! tracker's CSV — each one plan against the store and one transaction
//! that applies it (none with a dry run).

use debrief_core::exchange::{self, EachError, Piece};
use debrief_core::model::Profile;
use debrief_ics::{
    FileImport, ImportAction, ImportResult, ImportSettings, Importer, InviteEvent, ParsedCalendar,
};
use debrief_store::{
    Change, ChangeSink, EncodedApplication, ImportCounts, Origin, Store, StoreError, StoreReader,
};
use debrief_trackers::{Mapping, Plan};

use crate::{AppError, plan_apply};

// ------------------------------------------------------------- exchange

/// An exchange document: bytes in memory, or a reader parsed as it is read.
pub enum Document<'a> {
    Bytes(&'a [u8]),
    Stream(Box<dyn std::io::BufRead + Send + 'a>),
}

/// Applications parsed ahead of the one being written (see [`exchange`]).
const PARSED_AHEAD: usize = 64;

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
///
/// The document is parsed on a thread of its own, at most
/// [`PARSED_AHEAD`] applications ahead of the store, which writes them in
/// the caller's thread: parsing is about a third of a big import, and
/// runs beside the writing on a second core.
pub fn exchange(
    store: &mut dyn Store,
    origin: Option<&Origin>,
    doc: Document<'_>,
    replace: bool,
    each: &mut dyn FnMut(),
) -> Result<ExchangeImport, AppError> {
    let stored_profile = store.profile()?;
    // A dry run counts against the ids now; a write reads them again
    // inside its transaction (below), so it does not read them here.
    let mut existing = match origin {
        None => store.application_ids()?,
        Some(_) => Vec::new(),
    };
    // Ids only: the document refuses a repeated one, so a list is a set.
    let mut incoming: Vec<String> = Vec::new();
    let mut profile: Option<Profile> = None;
    let mut broken: Option<exchange::ExchangeError> = None;
    let mut doc = Some(doc);
    let encode = origin.is_some();
    let mut read = |sink: &mut ChangeSink<'_>| -> Result<(), StoreError> {
        if replace {
            sink(&Change::DeleteAllApplications)?;
        }
        let Some(doc) = doc.take() else {
            return Ok(());
        };
        let (parsed_tx, parsed_rx) =
            std::sync::mpsc::sync_channel::<Result<Change, StoreError>>(PARSED_AHEAD);
        let (written, parsed) = std::thread::scope(|scope| {
            let parser = scope.spawn(move || {
                // A write's bodies are encoded here, beside the writing
                // (see `EncodedApplication`); a dry run needs none.
                let change = |piece| match piece {
                    Piece::Profile(p) => Ok(Change::SetProfile(p)),
                    Piece::Application(app) if encode => {
                        EncodedApplication::new(app).map(Change::PutEncoded)
                    }
                    Piece::Application(app) => Ok(Change::PutApplication(app)),
                };
                // A closed channel: the store failed, and the reading stops.
                let send = |piece| parsed_tx.send(change(piece)).map_err(|_| ());
                match doc {
                    Document::Bytes(bytes) => exchange::parse_each_slice(bytes, send),
                    Document::Stream(reader) => exchange::parse_each(reader, send),
                }
            });
            let mut written = Ok(());
            // Ends when the parser is done (its sender dropped).
            for change in &parsed_rx {
                let step = change.and_then(|change| {
                    if let Change::SetProfile(p) = &change {
                        profile = Some(p.clone());
                    }
                    if let Some((app, _)) = change.put() {
                        each();
                        incoming.push(app.id.to_string());
                    }
                    sink(&change)
                });
                if let Err(e) = step {
                    written = Err(e);
                    break;
                }
            }
            drop(parsed_rx);
            let parsed = parser
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (written, parsed)
        });
        written?;
        match parsed {
            Ok(()) => Ok(()),
            // Only after the store failed, which returned above.
            Err(EachError::Receiver(())) => Err(StoreError::Cancelled),
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
        let events = files.iter().flat_map(|(_, parsed)| &parsed.events);
        let mut importer = importer_for(reader, events, settings)?;
        let done: Vec<(String, FileImport)> = files
            .into_iter()
            .map(|(name, parsed)| {
                let result = importer.file_owned(parsed.events, parsed.warnings);
                (name, result)
            })
            .collect();
        let changed = importer.take_changed();
        let created = importer.created().to_vec();
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
        let importer = importer_for(reader, &parsed.events, settings)?;
        let result = importer.one_file(&parsed.events, parsed.warnings);
        if let Some(refused) = result.nothing_imported() {
            return Err(refused.into());
        }
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

/// An importer over the applications these events may go to: the one
/// `--app` names, or those holding one of their lookup keys
/// ([`debrief_ics::lookup_keys`]), read through the store's index
/// instead of the whole store. It chooses what an importer over every
/// application would.
fn importer_for<'s, 'e>(
    reader: &dyn StoreReader,
    events: impl IntoIterator<Item = &'e InviteEvent>,
    settings: &'s ImportSettings,
) -> Result<Importer<'s>, AppError> {
    let mut apps = reader.find_applications(&debrief_ics::lookup_keys(events, settings))?;
    if let Some(id) = &settings.target
        && !apps.iter().any(|a| a.id == *id)
    {
        // Only it changes, so where it stands among the others is moot.
        apps.extend(reader.application(id)?);
    }
    Ok(Importer::over(apps, reader.application_ids()?, settings))
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
        // Company, role and id are all a row is matched by: the
        // summaries, not the whole store.
        let existing: Vec<debrief_trackers::StoredJob> = reader
            .summaries()?
            .into_iter()
            .map(|s| debrief_trackers::StoredJob {
                id: s.id,
                company: s.company,
                role: s.role,
            })
            .collect();
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
