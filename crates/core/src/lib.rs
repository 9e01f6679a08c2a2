//! Debrief's domain core: the entities of the exchange format, the business
//! calendar, the playbook engine and the follow-up guard.
//!
//! Invariants: no I/O, no async, no global clock. The current time is always
//! a parameter, so every answer can be reproduced with `--now`.

pub mod calendar;
pub mod demo;
pub mod edit;
pub mod engine;
pub mod exchange;
pub mod ids;
pub mod input;
pub mod keys;
pub mod model;
pub mod parallel;
pub mod remove;
pub mod rules;
pub mod stats;
pub mod text;
