//! A coach's read-only view of a sharing candidate's pages (hosted mode,
//! `/candidates/{id}/…`): which of the vault's pages a coach may open, and
//! the pages themselves made to stay inside that view. The vault's pages
//! link to the candidate's own addresses (`/applications/…`), which a
//! coach does not have; here every link to a page the view has is put
//! under the candidate's prefix, every other link is dropped with its
//! text, and every form that writes is dropped whole — the coach's Sign
//! out excepted. The frame (`html.rs`, when `account::read_only()`)
//! already leaves out what writes; this is the one place that knows the
//! prefix, so no page needs to.
//!
//! maud escapes `<`, `>` and `"` in every value, so each `<` starts a tag
//! and each attribute value ends at the next `"`.

use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::Response;

/// The largest page rewritten (larger ones are refused rather than shown
/// with the candidate's own links).
const PAGE_MAX: usize = 32 << 20;

/// The vault's page for `rest`, the part of `/candidates/{id}/REST` after
/// the id: the agenda (Today, `""`), the applications, one application,
/// the insights. `None`: the view has no such page (404).
pub(crate) fn vault_path(rest: &str) -> Option<String> {
    let segments: Vec<&str> = rest.split('/').collect();
    match segments.as_slice() {
        [""] => Some("/".to_string()),
        ["applications"] | ["insights"] => Some(format!("/{rest}")),
        ["applications", id] if !id.is_empty() => Some(format!("/{rest}")),
        _ => None,
    }
}

/// Where a link of the vault's pages (`/applications/x?y#z`) goes in the
/// view under `base` (`/candidates/7`), if the view has that page.
fn in_view(link: &str, base: &str) -> Option<String> {
    let path_end = link.find(['?', '#']).unwrap_or(link.len());
    let (path, tail) = link.split_at(path_end);
    let rest = path.strip_prefix('/')?;
    vault_path(rest)?;
    Some(if rest.is_empty() {
        format!("{base}{tail}")
    } else {
        format!("{base}/{rest}{tail}")
    })
}

/// The value of attribute `name` in the tag `tag` (`<a href="…" …>`).
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

/// `tag` with attribute `name`'s value replaced by `value`.
fn with_attr(tag: &str, name: &str, old: &str, value: &str) -> String {
    tag.replacen(
        &format!(" {name}=\"{old}\""),
        &format!(" {name}=\"{value}\""),
        1,
    )
}

/// The tag's name, lowercased (`a`, `form`, `/form`).
fn tag_name(tag: &str) -> String {
    tag[1..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '/')
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Whether a link leaves the site (a job posting, an email address).
fn external(link: &str) -> bool {
    ["http://", "https://", "mailto:", "tel:"]
        .iter()
        .any(|p| link.to_ascii_lowercase().starts_with(p))
}

/// The page `html` of the candidate's vault as the coach reads it under
/// `base` (`/candidates/7`).
pub(crate) fn rewrite(html: &str, base: &str) -> String {
    let mut out = String::with_capacity(html.len() + 1024);
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find('>') else {
            break;
        };
        let tag = &rest[..=end];
        let name = tag_name(tag);
        let after = &rest[end + 1..];
        match name.as_str() {
            "a" => match attr(tag, "href") {
                Some(link)
                    if link.starts_with('#')
                        || external(link)
                        || tag.contains(" data-scope=\"account\"") =>
                {
                    out.push_str(tag);
                    rest = after;
                }
                Some(link) => match in_view(link, base) {
                    Some(to) => {
                        out.push_str(&with_attr(tag, "href", link, &to));
                        rest = after;
                    }
                    // No such page in the view: the link goes, text and all.
                    None => rest = skip_past(after, "</a>"),
                },
                None => {
                    out.push_str(tag);
                    rest = after;
                }
            },
            "form" => {
                let action = attr(tag, "action").unwrap_or("");
                let post = attr(tag, "method").is_some_and(|m| m.eq_ignore_ascii_case("post"));
                if post && action == "/logout" {
                    out.push_str(tag);
                    rest = after;
                } else if let (false, Some(to)) = (post, in_view(action, base)) {
                    // A filter (GET) of a page the view has.
                    out.push_str(&with_attr(tag, "action", action, &to));
                    rest = after;
                } else {
                    rest = skip_past(after, "</form>");
                }
            }
            _ => {
                out.push_str(tag);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    without_empty_details(&out)
}

/// What follows the first `close` in `text` (nothing if there is none).
fn skip_past<'a>(text: &'a str, close: &str) -> &'a str {
    match text.find(close) {
        Some(i) => &text[i + close.len()..],
        None => "",
    }
}

/// The page without the `<details>` its dropped forms left with only a
/// summary ("Quick add", "Add a person…") and nothing to open.
fn without_empty_details(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("<details") {
        out.push_str(&rest[..i]);
        let block = &rest[i..];
        let Some(close) = block.find("</details>") else {
            out.push_str(block);
            return out;
        };
        let whole = &block[..close + "</details>".len()];
        let inner = &block[block.find('>').map_or(0, |e| e + 1)..close];
        let left = match (inner.find("<summary"), inner.find("</summary>")) {
            (Some(s), Some(e)) if !inner[..e].contains("<details") => {
                format!("{}{}", &inner[..s], &inner[e + "</summary>".len()..])
            }
            _ => inner.to_string(),
        };
        if left.trim().is_empty() {
            rest = &block[whole.len()..];
        } else {
            // Keep this one's tag and look inside it for others.
            let open = block.find('>').map_or(block.len(), |e| e + 1);
            out.push_str(&block[..open]);
            rest = &block[open..];
        }
    }
    out.push_str(rest);
    out
}

/// The vault router's answer to a coach's read, made the view's: an HTML
/// page rewritten under `base`, a redirect within the vault sent to the
/// view's address (or refused as not found); anything else (JSON, CSV) as
/// it is.
pub(crate) async fn respond(res: Response, base: &str) -> Response {
    let (mut parts, body) = res.into_parts();
    if let Some(to) = parts
        .headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .filter(|l| l.starts_with('/'))
        .map(str::to_string)
    {
        let to = in_view(&to, base).unwrap_or_else(|| base.to_string());
        if let Ok(v) = HeaderValue::from_str(&to) {
            parts.headers.insert(header::LOCATION, v);
        }
    }
    let html = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !html {
        return Response::from_parts(parts, body);
    }
    if parts.headers.contains_key(header::CONTENT_ENCODING) {
        // Compressed despite the request (`hosted::for_coach` asks for
        // text): not shown with the candidate's own links.
        parts.status = axum::http::StatusCode::SERVICE_UNAVAILABLE;
        parts.headers.remove(header::CONTENT_ENCODING);
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::from("This page could not be shown."));
    }
    let Ok(bytes) = axum::body::to_bytes(body, PAGE_MAX).await else {
        parts.status = axum::http::StatusCode::SERVICE_UNAVAILABLE;
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::from("This page is too large to show."));
    };
    let page = rewrite(&String::from_utf8_lossy(&bytes), base);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_view_has_the_agenda_applications_one_application_and_insights() {
        assert_eq!(vault_path("").as_deref(), Some("/"));
        assert_eq!(vault_path("applications").as_deref(), Some("/applications"));
        assert_eq!(
            vault_path("applications/acme-1").as_deref(),
            Some("/applications/acme-1")
        );
        assert_eq!(vault_path("insights").as_deref(), Some("/insights"));
        for none in [
            "settings",
            "people",
            "applications/acme-1/compose",
            "applications/acme-1/interviews/i/debrief",
            "applications/",
            "inbox",
            "export.json",
        ] {
            assert_eq!(vault_path(none), None, "{none}");
        }
    }

    #[test]
    fn links_go_under_the_prefix_or_go_away_and_writing_forms_go() {
        let page = concat!(
            r#"<a class="brand" href="/" data-scope="account">Debrief</a>"#,
            r#"<a href="/">Today</a><a href="/?show=overdue&amp;page=2">more</a>"#,
            r#"<a href="/applications/acme%201#person-p1">Acme</a>"#,
            r#"<a href="/applications/acme/compose?person=p1">Write it</a>"#,
            r#"<a href="/settings#import">import</a>"#,
            r##"<a href="#next">Overview</a><a href="https://jobs.example/1">posting</a>"##,
            r#"<form method="post" action="/logout"><button>Sign out</button></form>"#,
            r#"<form class="stack" method="post" action="/applications/acme/touches"><input name="x"><button>Log</button></form>"#,
            r#"<form method="get" action="/applications" role="search"><input name="q"></form>"#,
            r#"<form method="get" action="/search"><input name="q"></form>"#,
            r#"<details class="add"><summary>Add a person</summary> <form method="post" action="/x"></form></details>"#,
            r#"<details><summary>Notes</summary><p>kept</p></details>"#,
        );
        let out = rewrite(page, "/candidates/7");
        assert_eq!(
            out,
            concat!(
                r#"<a class="brand" href="/" data-scope="account">Debrief</a>"#,
                r#"<a href="/candidates/7">Today</a><a href="/candidates/7?show=overdue&amp;page=2">more</a>"#,
                r#"<a href="/candidates/7/applications/acme%201#person-p1">Acme</a>"#,
                r##"<a href="#next">Overview</a><a href="https://jobs.example/1">posting</a>"##,
                r#"<form method="post" action="/logout"><button>Sign out</button></form>"#,
                r#"<form method="get" action="/candidates/7/applications" role="search"><input name="q"></form>"#,
                r#"<details><summary>Notes</summary><p>kept</p></details>"#,
            )
        );
    }

    #[test]
    fn broken_markup_does_not_panic() {
        for page in [
            "<a href=\"/x",
            "<",
            "<form method=\"post\">",
            "<details><summary>x",
        ] {
            let _ = rewrite(page, "/candidates/1");
        }
    }
}
