//! Note linter (in progress).
