//! Calendar adapter (in progress).
