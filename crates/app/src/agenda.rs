//! The agenda of a whole store, read a chunk at a time: `debrief agenda`
//! and the web app's snapshot hold one chunk of applications and the
//! actions, never the store.

use std::collections::{HashMap, HashSet};
use std::sync::mpsc::{SyncSender, sync_channel};
use std::thread::ScopedJoinHandle;

use debrief_core::engine::{Action, Engine, merge_actions};
use debrief_core::model::Application;
use debrief_store::{Active, StoreError, StoreReader};
use jiff::Timestamp;

/// How many applications are read at a time.
const CHUNK: usize = 2_048;

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
    let ((), parts) = computed_beside(engine, now, |push| {
        store.each_active(now, zone, &mut |a| {
            each(&a);
            push(a);
            Ok(())
        })
    })?;
    Ok(merge_actions(parts))
}

/// [`active_actions`] before the merge, for a caller that needs nothing
/// but the actions and writes the agenda out as it merges them
/// ([`debrief_core::engine::Merged`]) instead of holding it whole: one
/// list per chunk of applications, sorted most pressing first, in the
/// store's order, each made into what `finish` makes of it (given the
/// chunk's applications too). Each chunk's
/// actions are computed, and finished, on the thread that decoded it
/// (`StoreReader::each_active_chunk`), so the store's reading and every
/// core's decoding, computing and finishing overlap.
pub fn active_action_parts<T: Send>(
    store: &dyn StoreReader,
    engine: &Engine,
    now: Timestamp,
    zone: &str,
    finish: &(dyn Fn(&[Application], Vec<Action>) -> T + Sync),
) -> Result<Vec<T>, StoreError> {
    let parts = std::sync::Mutex::new(Vec::new());
    store.each_active_chunk(now, zone, &|place, apps| {
        let actions = engine.sorted_actions(&apps, now);
        let part = finish(&apps, actions);
        drop(apps);
        parts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((place, part));
    })?;
    let mut parts = parts
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    parts.sort_unstable_by_key(|(place, _)| *place);
    Ok(parts.into_iter().map(|(_, part)| part).collect())
}

/// Runs `read`, which hands every application it reads to its argument,
/// while the applications already read are computed beside it: each full
/// chunk goes to a thread of its own (one list per chunk, sorted), so
/// reading and decoding the store's next chunk and computing the last
/// one overlap; the last, partial chunk is computed on every core once
/// `read` is done. Returns what `read` did and the sorted lists, parts
/// for [`merge_actions`]. Memory holds at most three chunks of
/// applications (one being read, one queued, one computed).
fn computed_beside<R>(
    engine: &Engine,
    now: Timestamp,
    read: impl FnOnce(&mut dyn FnMut(Application)) -> Result<R, StoreError>,
) -> Result<(R, Vec<Vec<Action>>), StoreError> {
    std::thread::scope(|scope| {
        let mut beside: Option<(SyncSender<Vec<Application>>, ScopedJoinHandle<'_, _>)> = None;
        let mut chunk: Vec<Application> = Vec::new();
        let read = read(&mut |app| {
            chunk.push(app);
            if chunk.len() < CHUNK {
                return;
            }
            let full = std::mem::take(&mut chunk);
            let (to_worker, _) = beside.get_or_insert_with(|| {
                let (to_worker, chunks) = sync_channel::<Vec<Application>>(1);
                let worker = scope.spawn(move || {
                    chunks
                        .into_iter()
                        .map(|apps| engine.sorted_actions(&apps, now))
                        .collect::<Vec<_>>()
                });
                (to_worker, worker)
            });
            // A worker gone (it panicked) is reported by `join` below.
            let _ = to_worker.send(full);
        });
        let mut parts = match beside {
            Some((to_worker, worker)) => {
                drop(to_worker);
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            }
            None => Vec::new(),
        };
        let read = read?;
        parts.extend(engine.action_parts(&chunk, now));
        Ok((read, parts))
    })
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
    let ((), mut parts) = computed_beside(engine, now, |push| {
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
                    push(*app);
                }
            }
            Ok(())
        })
    })?;
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
