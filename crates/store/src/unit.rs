//! One read-modify-write in one transaction, and the journal that makes
//! every change undoable.
//!
//! A front end never reads an application in one transaction and writes
//! it in another (a second writer's change would be lost in between): it
//! calls [`update`] (or [`update_app`]), whose closure reads and writes
//! through a [`Unit`] inside one write transaction that the backend takes
//! before the first read (SQLite: `BEGIN IMMEDIATE`, waiting for the busy
//! timeout). The unit records what each change replaced, so the
//! transaction also writes one [`JournalEntry`], and [`undo`] can put
//! things back, itself in one transaction and journalled.

use std::collections::HashMap;

use debrief_core::exchange;
use debrief_core::model::{Application, Profile};
use jiff::Timestamp;

use crate::{Change, StoreError, StoreReader, StoreWriter};

/// The front end a change came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Cli,
    Web,
    Api,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Cli => "cli",
            Source::Web => "web",
            Source::Api => "api",
        }
    }

    pub fn parse(text: &str) -> Option<Source> {
        match text {
            "cli" => Some(Source::Cli),
            "web" => Some(Source::Web),
            "api" => Some(Source::Api),
            _ => None,
        }
    }
}

/// Who changes the store, when (the pinned clock) and in a few words what.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    pub source: Source,
    pub at: Timestamp,
    pub what: String,
}

impl Origin {
    pub fn new(source: Source, at: Timestamp, what: impl Into<String>) -> Origin {
        Origin {
            source,
            at,
            what: what.into(),
        }
    }
}

/// One thing a journal entry changed: the profile (`app: None`) or one
/// application, as exchange JSON before and after (`None`: it did not
/// exist).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct JournalItem {
    pub app: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// One change of the store, as `debrief history` lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct JournalEntry {
    pub id: i64,
    pub at: Timestamp,
    pub source: Source,
    pub what: String,
    pub items: Vec<JournalItem>,
    /// The entries this one reverted (an undo).
    pub undoes: Vec<i64>,
    /// The undo that reverted this entry, if any.
    pub undone_by: Option<i64>,
}

/// Days the journal keeps an entry unless the store's setting says
/// otherwise.
pub const JOURNAL_DAYS_DEFAULT: u32 = 90;
/// The setting holding the number of days the journal keeps.
pub const JOURNAL_DAYS_SETTING: &str = "journal_days";

/// What a backend offers inside one write transaction: reads that see the
/// transaction's own writes, raw writes, and the journal's storage. Every
/// method runs inside the transaction [`StoreWriter::transaction`] opened.
pub trait Transaction: StoreReader {
    /// Writes the changes (not journalled: [`Unit::apply`] does that).
    fn write(&mut self, changes: &[Change]) -> Result<(), StoreError>;
    /// Stores a journal entry and marks the entries it `undoes` as undone
    /// by it; returns its id.
    fn journal_append(
        &mut self,
        origin: &Origin,
        items: &[JournalItem],
        undoes: &[i64],
    ) -> Result<i64, StoreError>;
    /// Forgets journal entries older than `before`.
    fn journal_prune(&mut self, before: Timestamp) -> Result<(), StoreError>;
    /// A value of the store's own settings (never exported).
    fn setting(&self, key: &str) -> Result<Option<String>, StoreError>;
    fn set_setting(&mut self, key: &str, value: &str) -> Result<(), StoreError>;
}

/// A read-modify-write in progress: reads see its own writes; every write
/// is remembered for the journal.
pub struct Unit<'t> {
    tx: &'t mut dyn Transaction,
    items: Vec<JournalItem>,
    index: HashMap<Option<String>, usize>,
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Backend(e.to_string()))
}

impl<'t> Unit<'t> {
    pub fn new(tx: &'t mut dyn Transaction) -> Unit<'t> {
        Unit {
            tx,
            items: Vec::new(),
            index: HashMap::new(),
        }
    }

    /// Reads, inside the transaction.
    pub fn reader(&self) -> &dyn StoreReader {
        &*self.tx
    }

    pub fn application(&self, id: &str) -> Result<Option<Application>, StoreError> {
        self.tx.application(id)
    }

    pub fn profile(&self) -> Result<Profile, StoreError> {
        self.tx.profile()
    }

    pub fn application_ids(&self) -> Result<Vec<String>, StoreError> {
        self.tx.application_ids()
    }

    /// The application's version (see [`StoreReader::version`]).
    pub fn version(&self, id: &str) -> Result<Option<u64>, StoreError> {
        self.tx.version(id)
    }

    /// Refuses to go on ([`StoreError::Stale`]) unless application `id` is
    /// still at `version`: the client's `If-Match`.
    pub fn expect_version(&self, id: &str, version: u64) -> Result<(), StoreError> {
        match self.tx.version(id)? {
            None => Err(StoreError::UnknownApplication(id.to_string())),
            Some(found) if found == version => Ok(()),
            Some(found) => Err(StoreError::Stale {
                id: id.to_string(),
                expected: version,
                found,
            }),
        }
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.tx.setting(key)
    }

    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.tx.set_setting(key, value)
    }

    /// Remembers what `key` held before its first change in this unit.
    fn before(&mut self, key: Option<&str>) -> Result<usize, StoreError> {
        let key = key.map(str::to_string);
        if let Some(&i) = self.index.get(&key) {
            return Ok(i);
        }
        let before = match &key {
            None => Some(to_json(&self.tx.profile()?)?),
            Some(id) => self.tx.application(id)?.map(|a| to_json(&a)).transpose()?,
        };
        self.items.push(JournalItem {
            app: key.clone(),
            after: before.clone(),
            before,
        });
        let i = self.items.len() - 1;
        self.index.insert(key, i);
        Ok(i)
    }

    /// Writes the changes and remembers them for the journal.
    pub fn apply(&mut self, changes: &[Change]) -> Result<(), StoreError> {
        for change in changes {
            match change {
                Change::SetProfile(p) => {
                    let i = self.before(None)?;
                    self.items[i].after = Some(to_json(p)?);
                }
                Change::PutApplication(a) => {
                    let i = self.before(Some(&a.id))?;
                    self.items[i].after = Some(to_json(a)?);
                }
                Change::DeleteApplication(id) => {
                    let i = self.before(Some(id))?;
                    self.items[i].after = None;
                }
                Change::DeleteAllApplications => {
                    for a in self.tx.load()?.applications {
                        let i = self.before(Some(&a.id))?;
                        self.items[i].after = None;
                    }
                }
            }
        }
        self.tx.write(changes)
    }

    /// Writes the journal entry (if anything changed) and trims the
    /// journal to the days it keeps.
    fn finish(self, origin: &Origin, undoes: &[i64]) -> Result<Option<i64>, StoreError> {
        let items: Vec<JournalItem> = self
            .items
            .into_iter()
            .filter(|i| i.before != i.after)
            .collect();
        let days = self
            .tx
            .setting(JOURNAL_DAYS_SETTING)?
            .and_then(|d| d.parse::<u32>().ok())
            .unwrap_or(JOURNAL_DAYS_DEFAULT);
        let horizon = origin
            .at
            .checked_sub(jiff::SignedDuration::from_hours(24 * i64::from(days)))
            .unwrap_or(Timestamp::MIN);
        self.tx.journal_prune(horizon)?;
        if items.is_empty() && undoes.is_empty() {
            return Ok(None);
        }
        self.tx.journal_append(origin, &items, undoes).map(Some)
    }
}

/// Runs `work` in one write transaction and journals what it changed under
/// `origin`. If `work` fails, nothing is written and its error comes back.
pub fn update<S, T, E>(
    store: &mut S,
    origin: &Origin,
    work: impl FnOnce(&mut Unit<'_>) -> Result<T, E>,
) -> Result<T, E>
where
    S: StoreWriter + ?Sized,
    E: From<StoreError>,
{
    let mut work = Some(work);
    let mut out: Option<Result<T, E>> = None;
    let written = store.transaction(&mut |tx| {
        let Some(work) = work.take() else {
            return Err(StoreError::Backend("a transaction ran twice".into()));
        };
        let mut unit = Unit::new(tx);
        match work(&mut unit) {
            Ok(value) => {
                unit.finish(origin, &[])?;
                out = Some(Ok(value));
                Ok(())
            }
            Err(e) => {
                out = Some(Err(e));
                Err(StoreError::Cancelled)
            }
        }
    });
    match (written, out) {
        (Err(StoreError::Cancelled), Some(Err(e))) => Err(e),
        (Err(e), _) => Err(e.into()),
        (Ok(()), Some(result)) => result,
        (Ok(()), None) => Err(StoreError::Backend("the transaction did not run".into()).into()),
    }
}

/// Why an edit of one application was refused, or the store's failure.
#[derive(Debug)]
pub enum EditFailure<E> {
    Store(StoreError),
    Edit(E),
}

impl<E> From<StoreError> for EditFailure<E> {
    fn from(e: StoreError) -> Self {
        EditFailure::Store(e)
    }
}

/// The common read-modify-write: loads application `id`, lets `edit`
/// change it, validates the result and writes it, in one transaction;
/// with `if_match`, only while the application is still at that version.
/// A missing application is [`StoreError::UnknownApplication`].
pub fn update_app<S, T, E>(
    store: &mut S,
    origin: &Origin,
    id: &str,
    if_match: Option<u64>,
    edit: impl FnOnce(&mut Application) -> Result<T, E>,
) -> Result<T, E>
where
    S: StoreWriter + ?Sized,
    E: From<StoreError> + From<exchange::ExchangeError>,
{
    update(store, origin, |unit| {
        if let Some(v) = if_match {
            unit.expect_version(id, v)?;
        }
        let mut app = unit
            .application(id)?
            .ok_or_else(|| StoreError::UnknownApplication(id.to_string()))?;
        let out = edit(&mut app)?;
        exchange::validate_application(&app, &format!("application '{id}'"))?;
        unit.apply(&[Change::PutApplication(app)])?;
        Ok(out)
    })
}

/// What [`undo`] did: the entries it reverted, newest first, and the id of
/// its own journal entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Undone {
    pub reverted: Vec<JournalEntry>,
    pub entry: Option<i64>,
}

fn parse_app(json: &str) -> Result<Application, StoreError> {
    serde_json::from_str(json)
        .map_err(|e| StoreError::Corrupt(format!("journal: an application cannot be read: {e}")))
}

fn parse_profile(json: &str) -> Result<Profile, StoreError> {
    serde_json::from_str(json)
        .map_err(|e| StoreError::Corrupt(format!("journal: a profile cannot be read: {e}")))
}

/// Reverts the newest `n` journal entries not yet undone, newest first,
/// in one transaction that is itself a journal entry (so it can be undone
/// in turn). Refuses ([`StoreError::Conflict`]) when something an entry
/// changed has been changed since outside the journal; then nothing is
/// written.
pub fn undo<S: StoreWriter + ?Sized>(
    store: &mut S,
    origin: &Origin,
    n: usize,
) -> Result<Undone, StoreError> {
    let mut result = None;
    store.transaction(&mut |tx| {
        let entries: Vec<JournalEntry> = tx.history(n, true)?;
        if entries.is_empty() {
            result = Some(Undone {
                reverted: Vec::new(),
                entry: None,
            });
            return Ok(());
        }
        let mut unit = Unit::new(tx);
        for entry in &entries {
            // In recorded order: applications an entry removed come back in
            // the order they had (after the ones still there).
            for item in &entry.items {
                revert(&mut unit, entry, item)?;
            }
        }
        let ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
        let entry = unit.finish(origin, &ids)?;
        result = Some(Undone {
            reverted: entries,
            entry,
        });
        Ok(())
    })?;
    result.ok_or_else(|| StoreError::Backend("the transaction did not run".into()))
}

fn revert(unit: &mut Unit<'_>, entry: &JournalEntry, item: &JournalItem) -> Result<(), StoreError> {
    let changed_since = |what: &str| {
        StoreError::Conflict(format!(
            "{what} changed after change #{} (\"{}\") outside the history; nothing was undone",
            entry.id, entry.what
        ))
    };
    match &item.app {
        None => {
            let now = unit.profile()?;
            if let Some(after) = &item.after
                && parse_profile(after)? != now
            {
                return Err(changed_since("the profile"));
            }
            if let Some(before) = &item.before {
                unit.apply(&[Change::SetProfile(parse_profile(before)?)])?;
            }
        }
        Some(id) => {
            let now = unit.application(id)?;
            let expected = item.after.as_deref().map(parse_app).transpose()?;
            if now != expected {
                return Err(changed_since(&format!("application '{id}'")));
            }
            match &item.before {
                Some(before) => unit.apply(&[Change::PutApplication(parse_app(before)?)])?,
                None if now.is_some() => unit.apply(&[Change::DeleteApplication(id.clone())])?,
                None => {}
            }
        }
    }
    Ok(())
}
