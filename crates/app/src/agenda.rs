//! The agenda of a whole store, read a chunk at a time: `debrief agenda`
//! and the web app's snapshot hold one chunk of applications and the
//! actions, never the store.

use std::collections::{HashMap, HashSet};

use debrief_core::engine::{Action, Engine, merge_actions};
use debrief_core::model::Application;
use debrief_store::{Active, StoreError, StoreReader};
use jiff::Timestamp;

/// How many applications are read at a time.
const CHUNK: usize = 4_096;

/// The actions, sorted as [`Engine::actions_of`] sorts them, of every
/// application that can still act at `now` (quietness computed in `zone`:
/// the store skips the rest, `StoreReader::each_active`). `each` sees every
/// application read (a caller keeping each company, say).
pub fn active_actions(
    store: &dyn StoreReader,
    engine: &Engine,
    now: Timestamp,
    zone: &str,
    each: &mut dyn FnMut(&Application),
) -> Result<Vec<Action>, StoreError> {
    Ok(merge_actions(active_action_parts(
        store, engine, now, zone, each,
    )?))
}

/// [`active_actions`] before the merge: lists each sorted most pressing
/// first, for a caller that writes the agenda out as it merges them
/// ([`debrief_core::engine::Merged`]) instead of holding it whole.
pub fn active_action_parts(
    store: &dyn StoreReader,
    engine: &Engine,
    now: Timestamp,
    zone: &str,
    each: &mut dyn FnMut(&Application),
) -> Result<Vec<Vec<Action>>, StoreError> {
    let mut chunks = Chunks::new(engine, now);
    store.each_active(now, zone, &mut |a| {
        each(&a);
        chunks.push(a);
        Ok(())
    })?;
    Ok(chunks.parts())
}

/// Applications computed a chunk at a time: each chunk's sorted lists
/// (one per core) are parts for [`merge_actions`], merged once at the end.
struct Chunks<'e> {
    engine: &'e Engine,
    now: Timestamp,
    chunk: Vec<Application>,
    parts: Vec<Vec<Action>>,
}

impl<'e> Chunks<'e> {
    fn new(engine: &'e Engine, now: Timestamp) -> Chunks<'e> {
        Chunks {
            engine,
            now,
            chunk: Vec::new(),
            parts: Vec::new(),
        }
    }

    fn push(&mut self, app: Application) {
        self.chunk.push(app);
        if self.chunk.len() == CHUNK {
            self.parts
                .extend(self.engine.action_parts(&self.chunk, self.now));
            self.chunk.clear();
        }
    }

    fn parts(mut self) -> Vec<Vec<Action>> {
        self.parts
            .extend(self.engine.action_parts(&self.chunk, self.now));
        self.parts
    }
}

/// An agenda built before, as [`active_actions_since`] reuses it: its
/// actions (sorted, as returned) and the version of each acting
/// application they came from. Reusable only for the same `now` and the
/// same engine (profile).
#[derive(Debug, Clone, Copy)]
pub struct Earlier<'a> {
    pub actions: &'a [Action],
    pub versions: &'a HashMap<String, u64>,
}

/// [`active_actions`] reusing an earlier agenda computed at the same `now`
/// with the same engine: an application still at the version it had then
/// is neither read nor computed again (its actions are the same, since an
/// application's actions depend only on it, the engine and `now`); only
/// the applications written since are. What a server that rebuilds an
/// agenda after every write needs: one write costs one application.
/// Returns the actions and the version of each acting application (empty
/// when the store keeps no versions: nothing to reuse next time).
pub fn active_actions_since(
    store: &dyn StoreReader,
    engine: &Engine,
    now: Timestamp,
    zone: &str,
    earlier: Option<Earlier<'_>>,
) -> Result<(Vec<Action>, HashMap<String, u64>), StoreError> {
    let none = HashMap::new();
    let known = earlier.map_or(&none, |e| e.versions);
    let mut versions = HashMap::new();
    let mut kept: HashSet<String> = HashSet::new();
    let mut chunks = Chunks::new(engine, now);
    store.each_active_since(now, zone, known, &mut |seen| {
        match seen {
            Active::Kept(id, version) => {
                if known.get(&id) != Some(&version) {
                    return Err(StoreError::Backend(format!(
                        "the store kept application '{id}' at a version the caller does not know"
                    )));
                }
                versions.insert(id.clone(), version);
                kept.insert(id);
            }
            Active::Read(app, version) => {
                if let Some(v) = version {
                    versions.insert(app.id.to_string(), v);
                }
                chunks.push(*app);
            }
        }
        Ok(())
    })?;
    let mut parts = chunks.parts();
    if let Some(e) = earlier
        && !kept.is_empty()
    {
        // A sorted list's subsequence is sorted: one more part to merge.
        parts.push(
            e.actions
                .iter()
                .filter(|a| kept.contains(a.application.as_str()))
                .cloned()
                .collect(),
        );
    }
    Ok((merge_actions(parts), versions))
}
