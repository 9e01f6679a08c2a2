//! The conformance suite: behaviour every [`Store`](crate::Store) backend must show.
//! Filled in with the SQLite backend.
