//! The agenda of a whole store, read a chunk at a time: `debrief agenda`
//! and the web app's snapshot hold one chunk of applications and the
//! actions, never the store.

use debrief_core::engine::{Action, Engine, merge_actions};
use debrief_core::model::Application;
use debrief_store::{StoreError, StoreReader};
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
    let mut parts = Vec::new();
    let mut chunk: Vec<Application> = Vec::with_capacity(CHUNK);
    store.each_active(now, zone, &mut |a| {
        each(&a);
        chunk.push(a);
        if chunk.len() == CHUNK {
            parts.push(engine.actions_of(&chunk, now));
            chunk.clear();
        }
        Ok(())
    })?;
    parts.push(engine.actions_of(&chunk, now));
    Ok(merge_actions(parts))
}
