//! Messages and calls: logged through the follow-up guard, and the touch
//! a sent email leaves behind.

use debrief_core::edit::{self, Logged};
use debrief_core::engine::Engine;
use debrief_core::model::Touch;
use debrief_store::{Origin, Store};
use jiff::Timestamp;

use crate::{AppError, application_in, edit_app, put_valid, update};

/// What logging a touch did.
#[derive(Debug, Clone, PartialEq)]
pub enum Touched {
    /// Written; `forced` holds the guard's refusal it was logged past.
    Logged {
        touch: Touch,
        forced: Option<String>,
        /// The name of the person it went to.
        person_name: Option<String>,
    },
    /// The guard said no; nothing was written.
    Refused {
        allowed_from: Option<Timestamp>,
        why: String,
        person_name: Option<String>,
    },
}

/// Logs `touch` into application `id` through the follow-up guard at
/// `now`: read, guard and write in one transaction, so a touch another
/// writer logged meanwhile is seen by the guard and kept. A refusal writes
/// nothing (not even a journal entry).
#[allow(clippy::too_many_arguments)]
pub fn log_touch(
    store: &mut dyn Store,
    origin: &Origin,
    id: &str,
    if_match: Option<u64>,
    engine: &Engine,
    touch: Touch,
    force: bool,
    now: Timestamp,
) -> Result<Touched, AppError> {
    update(store, origin, |u| {
        if let Some(v) = if_match {
            u.expect_version(id, v)?;
        }
        let mut app = application_in(u, id)?;
        let logged = edit::log_touch(engine, &mut app, touch.clone(), force, now)?;
        let person_name = touch
            .person
            .as_deref()
            .and_then(|p| app.person(p))
            .map(|p| p.name.clone());
        Ok(match logged {
            Logged::Refused { allowed_from, why } => Touched::Refused {
                allowed_from,
                why,
                person_name,
            },
            Logged::Yes | Logged::Forced { .. } => {
                let forced = match logged {
                    Logged::Forced { why } => Some(why),
                    _ => None,
                };
                put_valid(u, app)?;
                Touched::Logged {
                    touch: Touch {
                        forced: forced.is_some(),
                        ..touch
                    },
                    forced,
                    person_name,
                }
            }
        })
    })
}

/// After the mail server accepted a message: its touch, written into
/// application `id` as it is now (another writer may have changed it
/// while the message was being sent), in one short transaction. Nothing
/// slow happens inside it.
pub fn log_sent(
    store: &mut dyn Store,
    origin: &Origin,
    id: &str,
    if_match: Option<u64>,
    touch: Touch,
) -> Result<(), AppError> {
    edit_app(store, origin, id, if_match, |app| {
        app.touches.push(touch);
        app.touches.sort_by_key(|t| t.at);
        Ok::<(), AppError>(())
    })
}
