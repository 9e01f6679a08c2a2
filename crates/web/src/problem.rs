//! The one error type both the pages and the API render: what a request
//! got wrong (or the store did), its HTTP status and the field at fault;
//! and how every lower layer's error becomes one.

use axum::http::StatusCode;
use debrief_app::AppError;
use debrief_core::edit::EditError;
use debrief_core::exchange::ExchangeError;
use debrief_store::StoreError;

/// Something a request got wrong (or the store did), with the field at fault.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub status: StatusCode,
    pub message: String,
    /// The form field or JSON path at fault, when there is one.
    pub field: Option<String>,
}

impl Problem {
    /// Bad input: 422, naming the field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: message.into(),
            field: Some(field.into()),
        }
    }

    pub fn bad(message: impl Into<String>) -> Problem {
        Problem {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: message.into(),
            field: None,
        }
    }

    pub fn not_found(message: impl Into<String>) -> Problem {
        Problem {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
            field: None,
        }
    }

    /// An unknown id in `field`: 404, naming the field.
    pub fn missing(field: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
            field: Some(field.into()),
        }
    }

    pub fn internal(message: impl Into<String>) -> Problem {
        Problem {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: message.into(),
            field: None,
        }
    }

    /// Is this problem about `name` (for showing it next to that field)?
    pub fn is_for(&self, name: &str) -> bool {
        self.field.as_deref() == Some(name)
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{field}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl From<StoreError> for Problem {
    fn from(e: StoreError) -> Self {
        let status = match &e {
            StoreError::UnknownApplication(_) => StatusCode::NOT_FOUND,
            // FORMAT.md §2's exit 3: the client may try again (the
            // response carries `Retry-After`, see `lib.rs`).
            StoreError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            StoreError::Stale { .. } => StatusCode::PRECONDITION_FAILED,
            StoreError::Conflict(_) => StatusCode::CONFLICT,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        Problem {
            status,
            message: e.to_string(),
            field: None,
        }
    }
}

/// The application layer's refusals as HTTP statuses (the same as the
/// store's and core's errors they carry).
impl From<AppError> for Problem {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Store(e) => e.into(),
            AppError::Exchange(e) => e.into(),
            AppError::Edit(e) => e.into(),
            AppError::UnknownApplication { id, .. } => {
                Problem::not_found(format!("no application with id '{id}'"))
            }
            e @ (AppError::Invite(_) | AppError::Csv(_)) => Problem::field("file", e.to_string()),
        }
    }
}

impl From<EditError> for Problem {
    fn from(e: EditError) -> Self {
        Problem {
            status: if e.missing {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            },
            message: e.message,
            field: Some(e.field),
        }
    }
}

impl From<ExchangeError> for Problem {
    fn from(e: ExchangeError) -> Self {
        // The path goes in `field` only: shown as "field: message", the
        // error's own rendering would name it twice.
        let message = match (e.line, e.column) {
            (Some(l), Some(c)) => format!("{} (line {l}, column {c})", e.message),
            _ => e.message.clone(),
        };
        Problem {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message,
            field: (!e.path.is_empty()).then(|| e.path.clone()),
        }
    }
}

pub type Result<T, E = Problem> = std::result::Result<T, E>;
