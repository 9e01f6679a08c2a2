//! The storage interface. Backends (`debrief-store-sqlite`, later
//! PostgreSQL) implement [`Store`]; [`conformance`] holds the tests every
//! backend must pass, written once against the trait.
//!
//! Invariant: [`Store::apply`] is all-or-nothing. A command computes its
//! whole change set in the domain first, then applies it in one call, so a
//! failed command leaves the store exactly as it was.

use std::collections::{BTreeSet, HashMap};

use debrief_core::model::{Application, Dataset, OutcomeKind, Profile, Stage};
use jiff::Timestamp;

pub mod conformance;
pub mod unit;

pub use unit::{
    JournalEntry, JournalItem, Origin, Source, Transaction, Undone, Unit, undo, update, update_app,
};

/// One write. A command's writes are applied together or not at all.
// A change holds the application it writes; boxing it would only add an
// allocation to every write.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Replace the profile.
    SetProfile(Profile),
    /// Insert the application, or replace the stored one with the same id
    /// (with all its people, interviews, touches, news and outcome).
    PutApplication(Application),
    /// The same as `PutApplication`, with the body every store keeps
    /// already encoded: an import encodes it on its parsing thread, so the
    /// writing thread does not (see [`EncodedApplication`]).
    PutEncoded(EncodedApplication),
    /// Remove an application and everything in it. Unknown ids are an error.
    DeleteApplication(String),
    /// Remove every application (used by `import --replace`).
    DeleteAllApplications,
}

impl Change {
    /// What a put writes: the application, and its body when encoded
    /// already.
    pub fn put(&self) -> Option<(&Application, Option<&str>)> {
        match self {
            Change::PutApplication(a) => Some((a, None)),
            Change::PutEncoded(e) => Some((&e.application, Some(&e.body))),
            _ => None,
        }
    }
}

/// An application with its body: its serde JSON, the exchange form both
/// stores keep (SQLite's `application_bodies`, PostgreSQL's `body`).
/// Encoding is about an eighth of what writing an application costs, so
/// a big import does it on its parsing thread, beside the writing one.
/// The body is always the application's own encoding: the fields are
/// private, and [`EncodedApplication::new`] is the only way to make one.
#[derive(Debug, Clone, PartialEq)]
pub struct EncodedApplication {
    application: Application,
    body: String,
}

impl EncodedApplication {
    pub fn new(application: Application) -> Result<EncodedApplication, StoreError> {
        let body = encode_body(&application)?;
        Ok(EncodedApplication { application, body })
    }

    pub fn application(&self) -> &Application {
        &self.application
    }

    pub fn body(&self) -> &str {
        &self.body
    }
}

/// An application's body (see [`EncodedApplication`]).
pub fn encode_body(a: &Application) -> Result<String, StoreError> {
    serde_json::to_string(a)
        .map_err(|e| StoreError::Backend(format!("cannot encode application '{}': {e}", a.id)))
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no application with id '{0}'")]
    UnknownApplication(String),
    #[error(
        "the store at {path} was written by a newer Debrief (schema {found}, this build knows up to {known}); upgrade Debrief"
    )]
    TooNew {
        path: String,
        found: i64,
        known: i64,
    },
    #[error("the store holds data Debrief cannot read: {0}")]
    Corrupt(String),
    #[error("storage error: {0}")]
    Backend(String),
    /// The caller of [`StoreWriter::apply_each`] stopped; nothing was written.
    #[error("cancelled; nothing was written")]
    Cancelled,
    /// Another program held the store longer than the store waits
    /// (FORMAT.md §2: exit 3, HTTP 503). Nothing was written; trying again
    /// may work.
    #[error(
        "the store could not be used right now: {0}; nothing was written, try again in a moment"
    )]
    Busy(String),
    /// A write that named the version it expected (`If-Match`) found
    /// another one: someone changed the application meanwhile.
    #[error(
        "application '{id}' changed meanwhile (version {found}, you had {expected}); reload it and try again"
    )]
    Stale {
        id: String,
        expected: u64,
        found: u64,
    },
    /// An undo that would overwrite a change it does not know about.
    #[error("{0}")]
    Conflict(String),
}

impl StoreError {
    /// Busy or locked: the caller may try again (exit 3, HTTP 503).
    pub fn is_busy(&self) -> bool {
        matches!(self, StoreError::Busy(_))
    }
}

/// What a list of applications shows (a board, an API listing), without
/// reading each application whole.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct ApplicationSummary {
    pub id: String,
    pub company: String,
    pub role: String,
    pub stage: Stage,
    pub urgent: bool,
    pub people: usize,
    pub interviews: usize,
    pub touches: usize,
    pub outcome: Option<OutcomeKind>,
    /// Archived by the user: off the board and the agenda.
    pub archived: bool,
}

impl ApplicationSummary {
    pub fn of(a: &Application) -> ApplicationSummary {
        ApplicationSummary {
            id: a.id.to_string(),
            company: a.company.clone(),
            role: a.role.clone(),
            stage: a.stage,
            urgent: a.urgent,
            people: a.people.len(),
            interviews: a.interviews.len(),
            touches: a.touches.len(),
            outcome: a.outcome.as_ref().map(|o| o.kind),
            archived: a.archived,
        }
    }
}

/// What an import does to the store's applications, by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportCounts {
    pub added: usize,
    pub updated: usize,
    /// Only with `replace`: stored applications the document does not have.
    pub removed: usize,
}

impl ImportCounts {
    /// Counts from the ids in the store and in the document.
    pub fn of<'a>(
        existing: impl IntoIterator<Item = &'a str>,
        incoming: impl IntoIterator<Item = &'a str>,
        replace: bool,
    ) -> ImportCounts {
        let known: std::collections::HashSet<&str> = existing.into_iter().collect();
        let incoming: std::collections::HashSet<&str> = incoming.into_iter().collect();
        let updated = incoming.iter().filter(|id| known.contains(*id)).count();
        let removed = if replace {
            known.iter().filter(|id| !incoming.contains(*id)).count()
        } else {
            0
        };
        ImportCounts {
            added: incoming.len() - updated,
            updated,
            removed,
        }
    }
}

/// Takes one change inside [`StoreWriter::apply_each`]'s transaction.
pub type ChangeSink<'a> = dyn FnMut(&Change) -> Result<(), StoreError> + 'a;

/// One acting application, as [`StoreReader::each_active_since`] hands
/// it over.
#[derive(Debug, Clone, PartialEq)]
pub enum Active {
    /// Read from the store, with its version when the store keeps them.
    Read(Box<Application>, Option<u64>),
    /// Still at the version the caller knows (id, version): not read.
    Kept(String, u64),
}

/// How many applications [`StoreReader::each_active_chunk`]'s default
/// hands over at a time.
pub const CHUNK_OF_ACTIVE: usize = 1_024;

/// Read access to a store.
pub trait StoreReader {
    /// The profile (the default one if none was saved).
    fn profile(&self) -> Result<Profile, StoreError>;
    /// Everything, in application insertion order; what export writes and
    /// what the playbook engine reads.
    fn load(&self) -> Result<Dataset, StoreError>;
    /// The profile and at least every application that may yield an action
    /// at `now` when the engine runs in time zone `zone`, in insertion
    /// order: what an agenda needs. A store may leave out the applications
    /// whose `Engine::quiet_from`, computed in `zone`, is at or before
    /// `now`; the default reads everything.
    fn load_active(&self, now: Timestamp, zone: &str) -> Result<Dataset, StoreError> {
        let _ = (now, zone);
        self.load()
    }
    /// Every application, in insertion order, handed to `each` one at a
    /// time from one consistent snapshot: what export and stats read
    /// without holding the whole store in memory. An error from `each`
    /// stops the walk and is returned. The default loads everything.
    fn each_application(
        &self,
        each: &mut dyn FnMut(Application) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        for a in self.load()?.applications {
            each(a)?;
        }
        Ok(())
    }
    /// [`StoreReader::load_active`]'s applications handed to `each` one at
    /// a time, in insertion order, from one snapshot: what an agenda reads
    /// a chunk at a time. The default walks `load_active`.
    fn each_active(
        &self,
        now: Timestamp,
        zone: &str,
        each: &mut dyn FnMut(Application) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        for a in self.load_active(now, zone)?.applications {
            each(a)?;
        }
        Ok(())
    }
    /// [`StoreReader::each_active`] for work that may run on any thread:
    /// the applications in chunks (each in insertion order), each chunk
    /// handed to `work` with its place among the chunks, on a thread of
    /// the store's choosing, several at once and in no set order. A store
    /// that decodes on several threads hands each chunk over where it was
    /// decoded (what is allocated there is freed there). The default
    /// reads on this thread, [`CHUNK_OF_ACTIVE`] at a time.
    fn each_active_chunk(
        &self,
        now: Timestamp,
        zone: &str,
        work: &(dyn Fn(usize, Vec<Application>) + Sync),
    ) -> Result<(), StoreError> {
        let mut chunk = Vec::new();
        let mut place = 0;
        self.each_active(now, zone, &mut |a| {
            chunk.push(a);
            if chunk.len() == CHUNK_OF_ACTIVE {
                work(place, std::mem::take(&mut chunk));
                place += 1;
            }
            Ok(())
        })?;
        if !chunk.is_empty() {
            work(place, chunk);
        }
        Ok(())
    }
    /// [`StoreReader::each_active`] for a caller that keeps what it
    /// computed of each application by version (`known`: id → version,
    /// as [`StoreReader::version`] says): an acting application still at
    /// the version known is handed over as [`Active::Kept`], its body not
    /// read; the others as [`Active::Read`] with their version. The
    /// default reads every body and says no version (nothing can be kept).
    fn each_active_since(
        &self,
        now: Timestamp,
        zone: &str,
        known: &HashMap<String, u64>,
        each: &mut dyn FnMut(Active) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let _ = known;
        self.each_active(now, zone, &mut |a| each(Active::Read(Box::new(a), None)))
    }
    /// One application, or `None` if the id is unknown.
    fn application(&self, id: &str) -> Result<Option<Application>, StoreError>;
    /// A summary of every application, in insertion order. The default
    /// loads everything.
    fn summaries(&self) -> Result<Vec<ApplicationSummary>, StoreError> {
        Ok(self
            .load()?
            .applications
            .iter()
            .map(ApplicationSummary::of)
            .collect())
    }
    /// Every application holding at least one of `keys`
    /// ([`debrief_core::keys`]: interviews, invites, addresses, domains,
    /// company names), in insertion order: what an import reads instead of
    /// the whole store. The default loads everything and keeps those.
    fn find_applications(&self, keys: &BTreeSet<String>) -> Result<Vec<Application>, StoreError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut apps = self.load()?.applications;
        apps.retain(|a| debrief_core::keys::holds_any(a, keys));
        Ok(apps)
    }
    /// Every application id, in insertion order.
    fn application_ids(&self) -> Result<Vec<String>, StoreError>;
    /// The application's version: changes with every write of it and is
    /// never reused in the store, even after a delete (the API's `ETag`).
    /// `None` for an unknown id.
    fn version(&self, id: &str) -> Result<Option<u64>, StoreError>;
    /// The journal, newest first, at most `limit` entries; with
    /// `open_only`, only the entries no undo has reverted.
    fn history(&self, limit: usize, open_only: bool) -> Result<Vec<JournalEntry>, StoreError>;
    /// A value of the store's own settings by `key` (never exported: the
    /// calendar feed's secret, what `debrief remind` announced, the
    /// journal's days…). Written through [`Unit::set_setting`].
    fn setting(&self, key: &str) -> Result<Option<String>, StoreError>;
    /// A number that changes whenever the store changes, through this
    /// handle or any other (another process included), and stays the same
    /// while nothing is written: what a long-running reader (the web
    /// server's agenda cache) compares to know its copy is stale. Cheap:
    /// one small query. `None` when the backend cannot tell.
    fn revision(&self) -> Result<Option<u64>, StoreError> {
        Ok(None)
    }
    /// Writes a consistent copy of the whole store to a new file at
    /// `path` (the backup before `import --replace`). The default refuses:
    /// a backend that is not one file has no such copy.
    fn backup_to(&self, path: &std::path::Path) -> Result<(), StoreError> {
        Err(StoreError::Backend(format!(
            "this store cannot be copied to a file ({})",
            path.display()
        )))
    }
}

/// Write access to a store.
pub trait StoreWriter {
    /// Applies every change in one transaction: all succeed or none does.
    fn apply(&mut self, changes: &[Change]) -> Result<(), StoreError>;

    /// Applies every change `produce` hands to its sink, in one
    /// transaction: if `produce` returns an error, or a change fails, nothing
    /// is written. For imports that should not hold a whole file in memory.
    /// The default gathers the changes and applies them at once.
    fn apply_each(
        &mut self,
        produce: &mut dyn FnMut(&mut ChangeSink<'_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut all = Vec::new();
        produce(&mut |c| {
            all.push(c.clone());
            Ok(())
        })?;
        self.apply(&all)
    }

    /// Runs `work` in one write transaction, taken before its first read
    /// (so no other writer can slip in between a read and the write that
    /// depends on it); a busy store is waited for, then
    /// [`StoreError::Busy`]. If `work` fails, nothing is written. Front
    /// ends use [`update`] / [`update_app`], which journal the change.
    fn transaction(
        &mut self,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;

    /// Announces that the next transaction writes from `input_bytes` of
    /// input (an import), so the store may write it in a way that costs
    /// less for a big write but keeps other programs from reading the
    /// store meanwhile. A hint: what is written, and its atomicity, are
    /// the same either way. The default ignores it.
    fn expect_bulk(&mut self, input_bytes: u64) {
        let _ = input_bytes;
    }
}

/// A complete store.
pub trait Store: StoreReader + StoreWriter {}

impl<T: StoreReader + StoreWriter> Store for T {}

/// What importing an exchange document does to a store holding
/// `existing` application ids: the counts to report and the one batch of
/// changes to apply (`replace` first removes every application).
#[derive(Debug, Clone, PartialEq)]
pub struct ImportPlan {
    pub added: usize,
    pub updated: usize,
    /// Applications `replace` removes that the document does not bring back.
    pub removed: usize,
    pub changes: Vec<Change>,
}

/// `profile`: the document's, or `None` when it has none (the stored one
/// stays, FORMAT.md §1).
pub fn import_plan(
    profile: Option<Profile>,
    applications: Vec<Application>,
    existing: &[String],
    replace: bool,
) -> ImportPlan {
    let counts = ImportCounts::of(
        existing.iter().map(String::as_str),
        applications.iter().map(|a| a.id.as_str()),
        replace,
    );
    let (added, updated, removed) = (counts.added, counts.updated, counts.removed);
    let mut changes = Vec::with_capacity(applications.len() + 2);
    changes.extend(profile.map(Change::SetProfile));
    if replace {
        changes.push(Change::DeleteAllApplications);
    }
    changes.extend(applications.into_iter().map(Change::PutApplication));
    ImportPlan {
        added,
        updated,
        removed,
        changes,
    }
}

#[cfg(test)]
mod tests {
    use debrief_core::model::Application;

    use super::*;

    #[test]
    fn an_import_plan_counts_new_updated_and_removed() {
        let data = Dataset {
            applications: vec![
                Application::new("a", "A", ""),
                Application::new("b", "B", ""),
            ],
            ..Dataset::default()
        };
        let existing = vec!["b".to_string(), "c".to_string()];
        let merge = import_plan(
            Some(data.profile.clone()),
            data.applications.clone(),
            &existing,
            false,
        );
        assert_eq!((merge.added, merge.updated, merge.removed), (1, 1, 0));
        assert_eq!(merge.changes.len(), 3);
        let replace = import_plan(
            Some(data.profile.clone()),
            data.applications.clone(),
            &existing,
            true,
        );
        assert_eq!((replace.added, replace.updated, replace.removed), (1, 1, 1));
        assert_eq!(replace.changes[1], Change::DeleteAllApplications);
        // No profile in the document: the stored one is not touched.
        let keep = import_plan(None, data.applications, &existing, false);
        assert!(
            !keep
                .changes
                .iter()
                .any(|c| matches!(c, Change::SetProfile(_)))
        );
    }
}
