//! One application's dated history, as both front ends show it: every
//! interview (and its slip-ups), message, reply, news item, the outcome
//! and every action set aside, in time order. The front ends choose what
//! they show and how; the order and the moments are decided here once.

use debrief_core::engine::Engine;
use debrief_core::model::Application;
use jiff::Timestamp;

/// What one line of the timeline is about; indexes are 0-based positions
/// in the application's lists (the records are numbered from 1 where a
/// person sees them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    Interview(usize),
    /// Slip-up `slip` of interview `interview`, at the interview's end.
    SlipUp {
        interview: usize,
        slip: usize,
    },
    Touch(usize),
    /// The reply to touch `n`.
    Reply(usize),
    News(usize),
    Outcome,
    Dismissal(usize),
}

/// One dated line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub at: Timestamp,
    pub item: Item,
}

/// The timeline of `app`, oldest first (lines at the same moment in the
/// order above). Dates (news, the outcome) count from midnight in the
/// engine's zone.
pub fn timeline(app: &Application, engine: &Engine) -> Vec<Entry> {
    let cal = engine.calendar();
    let mut out = Vec::new();
    for (i, iv) in app.interviews.iter().enumerate() {
        out.push(Entry {
            at: iv.start.ts,
            item: Item::Interview(i),
        });
        for s in 0..iv.slip_ups.len() {
            out.push(Entry {
                at: iv.end(),
                item: Item::SlipUp {
                    interview: i,
                    slip: s,
                },
            });
        }
    }
    for (n, t) in app.touches.iter().enumerate() {
        out.push(Entry {
            at: t.at.ts,
            item: Item::Touch(n),
        });
        if let Some(r) = t.replied_at {
            out.push(Entry {
                at: r.ts,
                item: Item::Reply(n),
            });
        }
    }
    for (n, news) in app.news.iter().enumerate() {
        out.push(Entry {
            at: cal.at(news.on, 0, 0),
            item: Item::News(n),
        });
    }
    if let Some(o) = &app.outcome {
        out.push(Entry {
            at: cal.at(o.on, 0, 0),
            item: Item::Outcome,
        });
    }
    for (n, d) in app.dismissed.iter().enumerate() {
        out.push(Entry {
            at: d.at.ts,
            item: Item::Dismissal(n),
        });
    }
    // Stable: lines at one moment keep the order they were added in.
    out.sort_by_key(|e| e.at);
    out
}
