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
    /// Starts a journal entry; its items follow.
    fn journal_begin(&mut self, origin: &Origin) -> Result<i64, StoreError>;
    /// Records what item `position` of `entry` (the profile when `app` is
    /// `None`) held before the entry's first change of it.
    fn journal_item(
        &mut self,
        entry: i64,
        position: usize,
        app: Option<&str>,
        before: Option<&str>,
    ) -> Result<(), StoreError>;
    /// Records what item `position` holds after the entry's changes.
    fn journal_after(
        &mut self,
        entry: i64,
        position: usize,
        after: Option<&str>,
    ) -> Result<(), StoreError>;
    /// Records what each application item of `entry` (its position and
    /// id; every application item the entry has) holds after the entry's
    /// changes, as [`Transaction::journal_after`] with the application's
    /// exchange JSON (`None`: gone). A backend may do it from what it
    /// stored (an import's entry has an item per application).
    fn journal_after_applications(
        &mut self,
        entry: i64,
        items: &[(usize, &str)],
    ) -> Result<(), StoreError> {
        for &(position, id) in items {
            let after = self.application(id)?.map(|a| to_json(&a)).transpose()?;
            self.journal_after(entry, position, after.as_deref())?;
        }
        Ok(())
    }
    /// Ends `entry`: forgets its items whose before and after are the
    /// same, marks the entries it `undoes` as undone by it, and removes it
    /// if nothing is left (no item, no undo). Says whether it stays.
    fn journal_end(&mut self, entry: i64, undoes: &[i64]) -> Result<bool, StoreError>;
    /// Forgets journal entries older than `before`.
    fn journal_prune(&mut self, before: Timestamp) -> Result<(), StoreError>;
    /// Keeps `value` under `key` in the store's own settings (never
    /// exported, never journalled), replacing what was there.
    fn set_setting(&mut self, key: &str, value: &str) -> Result<(), StoreError>;
    /// Forgets the setting `key`; says whether there was one.
    fn remove_setting(&mut self, key: &str) -> Result<bool, StoreError>;
}

/// A read-modify-write in progress: reads see its own writes; every write
/// is journalled. What each record held before its first change goes to
/// the journal at once and what it holds after is read back at the end,
/// so an import of thousands of applications keeps only their ids here.
pub struct Unit<'t> {
    tx: &'t mut dyn Transaction,
    origin: &'t Origin,
    entry: Option<i64>,
    /// Every key changed, in order (`None`: the profile).
    keys: Vec<Option<String>>,
    index: HashMap<Option<String>, usize>,
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Backend(e.to_string()))
}

impl<'t> Unit<'t> {
    pub fn new(tx: &'t mut dyn Transaction, origin: &'t Origin) -> Unit<'t> {
        Unit {
            tx,
            origin,
            entry: None,
            keys: Vec::new(),
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

    pub fn remove_setting(&mut self, key: &str) -> Result<bool, StoreError> {
        self.tx.remove_setting(key)
    }

    fn current(&self, key: Option<&str>) -> Result<Option<String>, StoreError> {
        match key {
            None => Ok(Some(to_json(&self.tx.profile()?)?)),
            Some(id) => self.tx.application(id)?.map(|a| to_json(&a)).transpose(),
        }
    }

    /// Journals what `key` held before its first change in this unit.
    fn before(&mut self, key: Option<&str>) -> Result<(), StoreError> {
        let owned = key.map(str::to_string);
        if self.index.contains_key(&owned) {
            return Ok(());
        }
        let entry = match self.entry {
            Some(e) => e,
            None => {
                let e = self.tx.journal_begin(self.origin)?;
                self.entry = Some(e);
                e
            }
        };
        let before = self.current(key)?;
        let position = self.keys.len();
        self.tx
            .journal_item(entry, position, key, before.as_deref())?;
        self.keys.push(owned.clone());
        self.index.insert(owned, position);
        Ok(())
    }

    /// Writes the changes and journals them.
    pub fn apply(&mut self, changes: &[Change]) -> Result<(), StoreError> {
        for change in changes {
            match change {
                Change::SetProfile(_) => self.before(None)?,
                Change::PutApplication(a) => self.before(Some(&a.id))?,
                Change::PutEncoded(e) => self.before(Some(&e.application().id))?,
                Change::DeleteApplication(id) => self.before(Some(id))?,
                Change::DeleteAllApplications => {
                    for id in self.tx.application_ids()? {
                        self.before(Some(&id))?;
                    }
                }
            }
        }
        self.tx.write(changes)
    }

    /// Records what every changed record holds now, ends the journal entry
    /// (none if nothing changed) and trims the journal to the days it
    /// keeps.
    fn finish(mut self, undoes: &[i64]) -> Result<Option<i64>, StoreError> {
        let days = self
            .tx
            .setting(JOURNAL_DAYS_SETTING)?
            .and_then(|d| d.parse::<u32>().ok())
            .unwrap_or(JOURNAL_DAYS_DEFAULT);
        let horizon = self
            .origin
            .at
            .checked_sub(jiff::SignedDuration::from_hours(24 * i64::from(days)))
            .unwrap_or(Timestamp::MIN);
        self.tx.journal_prune(horizon)?;
        let entry = match self.entry {
            Some(e) => e,
            None if undoes.is_empty() => return Ok(None),
            None => self.tx.journal_begin(self.origin)?,
        };
        let keys = std::mem::take(&mut self.keys);
        let mut applications = Vec::with_capacity(keys.len());
        for (position, key) in keys.iter().enumerate() {
            match key {
                Some(id) => applications.push((position, id.as_str())),
                None => {
                    let after = self.current(None)?;
                    self.tx.journal_after(entry, position, after.as_deref())?;
                }
            }
        }
        self.tx.journal_after_applications(entry, &applications)?;
        Ok(self.tx.journal_end(entry, undoes)?.then_some(entry))
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
        let mut unit = Unit::new(tx, origin);
        match work(&mut unit) {
            Ok(value) => {
                unit.finish(&[])?;
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
        let mut unit = Unit::new(tx, origin);
        for entry in &entries {
            // In recorded order: applications an entry removed come back in
            // the order they had (after the ones still there).
            for item in &entry.items {
                revert(&mut unit, entry, item)?;
            }
        }
        let ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
        let entry = unit.finish(&ids)?;
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
