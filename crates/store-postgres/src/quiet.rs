//! When an application stops yielding actions (`applications.quiet_from`),
//! so an agenda can skip the settled ones without reading them.

use debrief_core::engine::Engine;
use debrief_core::model::{Application, Profile};

/// Computes `quiet_from` with one profile's zone, holidays and policy.
pub(crate) struct Quiet {
    engine: Option<Engine>,
    key: String,
}

impl Quiet {
    pub(crate) fn new(profile: &Profile) -> Quiet {
        Quiet {
            // A zone the engine cannot read (validation refuses those) only
            // means nothing is skipped: every row is stored as may-act.
            engine: Engine::new(profile).ok(),
            key: debrief_core::engine::quiet_key(profile),
        }
    }

    /// What the rows computed with this profile are marked with.
    pub(crate) fn key(&self) -> &str {
        &self.key
    }

    /// Unix seconds, rounded up so `quiet_from <= now` implies quiet at `now`.
    pub(crate) fn seconds(&self, a: &Application) -> Option<i64> {
        let ts = self.engine.as_ref()?.quiet_from(a)?;
        Some(ts.as_second() + i64::from(ts.subsec_nanosecond() > 0))
    }
}
