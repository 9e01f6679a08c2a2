//! Import and export of the whole store from Settings.

use crate::html::{Fields, Sticky, redirect_with};
use crate::state::{AppState, Problem, Result};
use axum::Extension;
use axum::extract::Multipart;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;

use super::common::respond;
use super::settings::settings_page;

/// Reads an exchange document into the store as it is parsed, in one
/// transaction (`debrief_app::imports::exchange`, as `debrief import`).
pub fn import_text(st: &AppState, text: &str, replace: bool) -> Result<(usize, usize)> {
    let what = if replace {
        "import, replacing every application"
    } else {
        "import"
    };
    let done = st.run(what, |store, origin| {
        debrief_app::imports::exchange(
            store,
            Some(origin),
            debrief_app::imports::Document::Bytes(text.as_bytes()),
            replace,
            &mut || {},
        )
    })?;
    Ok((done.counts.added, done.counts.updated))
}

fn too_big() -> Problem {
    Problem::field(
        "file",
        format!(
            "the file is larger than {} MB; import it from a terminal with `debrief import FILE`",
            crate::wire::BODY_LIMIT_BYTES >> 20
        ),
    )
}

fn upload_failed(e: &axum::extract::multipart::MultipartError) -> Problem {
    // The size limit shows up as the cause of a parse error.
    let mut cause: Option<&dyn std::error::Error> = Some(e);
    while let Some(c) = cause {
        if c.to_string().contains("length limit") {
            return too_big();
        }
        cause = c.source();
    }
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return too_big();
    }
    Problem::field("file", format!("the upload failed: {}", e.body_text()))
}

pub(super) async fn import(
    Extension(st): Extension<AppState>,
    h: HeaderMap,
    mut mp: Multipart,
) -> Response {
    // Over the limit, the multipart reader only says the data ended early.
    let oversized = h
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|n| n > crate::wire::BODY_LIMIT_BYTES);
    let upload_failed = |e: &axum::extract::multipart::MultipartError| {
        if oversized {
            too_big()
        } else {
            upload_failed(e)
        }
    };
    let mut text = None;
    let mut replace = false;
    let mut problem = None;
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_string();
                match field.bytes().await {
                    Ok(bytes) if name == "file" => match String::from_utf8(bytes.to_vec()) {
                        Ok(t) => text = Some(t),
                        Err(_) => {
                            problem = Some(Problem::field("file", "the file is not UTF-8 text"))
                        }
                    },
                    Ok(bytes) if name == "replace" => replace = &bytes[..] == b"true",
                    Ok(_) => {}
                    Err(e) => problem = Some(upload_failed(&e)),
                }
            }
            Ok(None) => break,
            Err(e) => {
                problem = Some(upload_failed(&e));
                break;
            }
        }
    }
    let result = match (problem, text) {
        (Some(p), _) => Err(p),
        (None, None) => Err(Problem::field("file", "choose a file to import")),
        (None, Some(t)) => import_text(&st, &t, replace),
    };
    match result {
        Ok((added, updated)) => redirect_with(
            "/settings",
            "ok",
            &format!("Imported: {added} new, {updated} updated application(s)."),
        ),
        Err(p) => respond(
            &h,
            settings_page(&st, &h, &Sticky::failed("import", Fields::default(), p)),
        ),
    }
}

pub(super) async fn export(Extension(st): Extension<AppState>, h: HeaderMap) -> Response {
    let run = || -> Result<Response> {
        Ok(crate::html::download(
            crate::streamed::document(&st, true)?,
            "application/json",
            "debrief-export.json",
        ))
    };
    respond(&h, run())
}
