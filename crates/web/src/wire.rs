//! JSON in and out of the API, shared by every module that serves it: a
//! body or a query string read so that every failure names its field, and
//! every refusal answered as `{"message": …, "field": …}`.

use axum::body::Bytes;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::json;

/// Largest request body accepted: room for a big exchange file, small
/// enough that a runaway upload cannot exhaust memory.
pub const BODY_LIMIT_BYTES: usize = 8 << 20;

use crate::state::{Problem, Result};

/// axum's own refusals (a body over the size limit, a malformed path or
/// query) answer in plain text; the API promises `{"message", "field"}`.
pub(crate) async fn json_errors(res: Response) -> Response {
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return res;
    }
    let text = match axum::body::to_bytes(res.into_body(), 64 << 10).await {
        Ok(b) => String::from_utf8_lossy(&b).trim().to_string(),
        Err(_) => String::new(),
    };
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE => format!(
            "the request body is larger than {} MB",
            BODY_LIMIT_BYTES >> 20
        ),
        _ if text.is_empty() => status
            .canonical_reason()
            .unwrap_or("the request was refused")
            .to_string(),
        _ => text,
    };
    Problem {
        status,
        message,
        field: None,
    }
    .into_response()
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        (
            self.status,
            axum::Json(json!({ "message": self.message, "field": self.field })),
        )
            .into_response()
    }
}

/// A JSON body, read so that every failure names its path: axum's own
/// extractor answers in plain text.
pub(crate) fn body<T: DeserializeOwned>(bytes: &Bytes) -> Result<T> {
    if bytes.is_empty() {
        return Err(Problem::bad("the request body is empty; send JSON"));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return Problem::bad(format!(
                "the body is not valid JSON (line {}, column {})",
                inner.line(),
                inner.column()
            ));
        }
        // serde_json appends the place; the field names it better.
        let text = inner.to_string();
        let text = match text.rfind(" at line ") {
            Some(i) => text[..i].to_string(),
            None => text,
        };
        readable(&path, &text)
    })
}

/// A query string, read like a body: every failure names its parameter.
pub(crate) fn query<T: DeserializeOwned>(raw: Option<&str>) -> Result<T> {
    let de =
        serde_urlencoded::Deserializer::new(form_urlencoded::parse(raw.unwrap_or("").as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        readable(&path, &e.into_inner().to_string())
    })
}

/// A url-encoded form read into the same typed shape the API reads from
/// JSON (`ops`' structs). A blank field counts as not given, as an empty
/// input means on a page, unless the shape requires it (then the edit
/// says what is wrong with the empty text); `page_only` names the fields
/// the page adds for itself (where to go back to, which record). Every
/// failure names its field, a pick-list's with the value and the choices.
pub(crate) fn form<T: DeserializeOwned>(
    pairs: &[(String, String)],
    page_only: &[&str],
) -> Result<T> {
    let mut blank_kept: Vec<&str> = vec![];
    loop {
        let mut kept = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            let k = k.as_str();
            if !page_only.contains(&k) && (!v.trim().is_empty() || blank_kept.contains(&k)) {
                kept.append_pair(k, v.trim());
            }
        }
        let kept = kept.finish();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(kept.as_bytes()));
        let e = match serde_path_to_error::deserialize(de) {
            Ok(t) => return Ok(t),
            Err(e) => e,
        };
        let path = e.path().to_string();
        let text = e.into_inner().to_string();
        if let Some(rest) = text.strip_prefix("missing field `") {
            let name = rest.split('`').next().unwrap_or("");
            if let Some((k, _)) = pairs.iter().find(|(k, _)| k == name)
                && !blank_kept.contains(&k.as_str())
            {
                blank_kept.push(k);
                continue;
            }
        }
        let Some(rest) = text.strip_prefix("unknown variant `") else {
            return Err(readable(&path, &text));
        };
        let (value, choices) = rest.split_once('`').unwrap_or((rest, ""));
        let choices = choices
            .split_once("expected one of ")
            .or_else(|| choices.split_once("expected "))
            .map(|(_, c)| c.replace('`', ""))
            .unwrap_or_default();
        return Err(Problem {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: format!("'{value}' is not a choice here; choose {choices}"),
            field: Some(path),
        });
    }
}

/// A deserializer's complaint in the user's words, naming the field: no
/// Rust type names ("struct NewApplication", "usize") reach the client.
fn readable(path: &str, text: &str) -> Problem {
    let path = if path == "." { "" } else { path };
    let join = |name: &str| {
        if path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        }
    };
    let quoted = |t: &str| t.split('`').nth(1).unwrap_or("").to_string();
    let at = |field: String, message: String| Problem {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        message,
        field: (!field.is_empty()).then_some(field),
    };
    if text.starts_with("missing field") {
        let name = quoted(text);
        return at(join(&name), format!("`{name}` is required"));
    }
    if text.starts_with("unknown field") {
        let name = quoted(text);
        let expected = text
            .split_once(", expected ")
            .map(|(_, e)| format!("; expected {e}"))
            .unwrap_or_default();
        // The path already ends at the unknown field.
        let field = if path.is_empty() {
            name.clone()
        } else {
            path.to_string()
        };
        return at(field, format!("unknown field `{name}`{expected}"));
    }
    let expected = text.split_once("expected ").map(|(_, e)| e).unwrap_or("");
    let message = if expected.starts_with("struct") || expected.contains("map") {
        "expected a JSON object".to_string()
    } else if text.contains("invalid digit")
        || text.contains("number too large")
        || text.contains("cannot parse integer")
        || ["usize", "u64", "u32", "u16", "u8"]
            .iter()
            .any(|t| expected.starts_with(t))
    {
        "expected a whole number, 0 or more".to_string()
    } else if ["i64", "i32", "f64", "f32"]
        .iter()
        .any(|t| expected.starts_with(t))
    {
        "expected a number".to_string()
    } else if expected.starts_with("a boolean") || text.contains("provided string was not") {
        "expected true or false".to_string()
    } else if expected.starts_with("a sequence") {
        "expected a JSON array".to_string()
    } else if expected.starts_with("enum") {
        "not one of the accepted values".to_string()
    } else {
        text.to_string()
    };
    at(path.to_string(), message)
}
