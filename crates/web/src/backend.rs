//! The store a front end opened: the SQLite file (the default) or a vault
//! of a PostgreSQL database (`--database URL`). Only the start-up code
//! chooses; everything else uses the store traits and the few store-file
//! methods below, which both backends have.

use std::path::Path;

use debrief_core::model::{Application, Dataset, Profile};
use debrief_store::{
    ApplicationSummary, Change, ChangeSink, JournalEntry, StoreError, StoreReader, StoreWriter,
    Transaction,
};
use debrief_store_postgres::PgStore;
use debrief_store_sqlite::SqliteStore;
use jiff::Timestamp;

/// One of the two backends.
#[derive(Debug)]
pub enum AnyStore {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

impl From<SqliteStore> for AnyStore {
    fn from(s: SqliteStore) -> Self {
        AnyStore::Sqlite(s)
    }
}

impl From<PgStore> for AnyStore {
    fn from(s: PgStore) -> Self {
        AnyStore::Postgres(s)
    }
}

macro_rules! each {
    ($self:expr, $s:ident => $e:expr) => {
        match $self {
            AnyStore::Sqlite($s) => $e,
            AnyStore::Postgres($s) => $e,
        }
    };
}

impl AnyStore {
    /// Where the data is, for messages: the file, or the database URL
    /// without its password.
    pub fn describe(&self, file: &Path) -> String {
        match self {
            AnyStore::Sqlite(_) => file.display().to_string(),
            AnyStore::Postgres(s) => format!("{} (vault '{}')", s.label(), s.vault()),
        }
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        each!(self, s => s.setting(key))
    }

    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        each!(self, s => s.set_setting(key, value))
    }

    pub fn feed_secret(&self) -> Result<Option<String>, StoreError> {
        each!(self, s => s.feed_secret())
    }

    pub fn renew_feed_secret(&mut self) -> Result<String, StoreError> {
        each!(self, s => s.renew_feed_secret())
    }

    pub fn feed_secret_or_new(&mut self) -> Result<String, StoreError> {
        each!(self, s => s.feed_secret_or_new())
    }

    pub fn remove_feed_secret(&mut self) -> Result<bool, StoreError> {
        each!(self, s => s.remove_feed_secret())
    }

    /// True for the SQLite file (which `backup_to` can copy).
    pub fn is_file(&self) -> bool {
        matches!(self, AnyStore::Sqlite(_))
    }

    /// A consistent copy of a SQLite store into a new file; a PostgreSQL
    /// database is backed up with its own tools.
    pub fn backup_to(&self, path: &Path) -> Result<(), StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.backup_to(path),
            AnyStore::Postgres(s) => Err(StoreError::Backend(format!(
                "the data is in PostgreSQL ({}); back it up with pg_dump, or copy it out with debrief export",
                s.label()
            ))),
        }
    }
}

impl StoreReader for AnyStore {
    fn profile(&self) -> Result<Profile, StoreError> {
        each!(self, s => s.profile())
    }
    fn load(&self) -> Result<Dataset, StoreError> {
        each!(self, s => s.load())
    }
    fn load_active(&self, now: Timestamp, zone: &str) -> Result<Dataset, StoreError> {
        each!(self, s => s.load_active(now, zone))
    }
    fn application(&self, id: &str) -> Result<Option<Application>, StoreError> {
        each!(self, s => s.application(id))
    }
    fn summaries(&self) -> Result<Vec<ApplicationSummary>, StoreError> {
        each!(self, s => s.summaries())
    }
    fn application_ids(&self) -> Result<Vec<String>, StoreError> {
        each!(self, s => s.application_ids())
    }
    fn version(&self, id: &str) -> Result<Option<u64>, StoreError> {
        each!(self, s => s.version(id))
    }
    fn history(&self, limit: usize, open_only: bool) -> Result<Vec<JournalEntry>, StoreError> {
        each!(self, s => s.history(limit, open_only))
    }
}

impl StoreWriter for AnyStore {
    fn apply(&mut self, changes: &[Change]) -> Result<(), StoreError> {
        each!(self, s => s.apply(changes))
    }
    fn apply_each(
        &mut self,
        produce: &mut dyn FnMut(&mut ChangeSink<'_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        each!(self, s => s.apply_each(produce))
    }
    fn transaction(
        &mut self,
        work: &mut dyn FnMut(&mut dyn Transaction) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        each!(self, s => s.transaction(work))
    }
}
