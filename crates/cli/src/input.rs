//! Text files from the user (notes, `--note` files, CSV exports): read as
//! bytes, then decoded by `debrief-decode` — a byte-order mark dropped, a
//! legacy encoding detected and named on stderr, a binary file refused
//! (exit 2). Nothing is ever replaced with U+FFFD in silence.

use std::borrow::Cow;
use std::path::Path;

use crate::ctx::{Failure, Result, input_name, read_input};
use crate::render;

/// FILE (or `-`) as text, at most `limit` bytes (see `read_input`). When
/// it was not UTF-8, a note on stderr says which encoding was assumed,
/// unless `quiet` (a `--json` caller reports it itself).
pub fn read_text(
    path: &Path,
    limit: u64,
    too_big: &str,
    quiet: bool,
) -> Result<(String, Option<&'static str>)> {
    let bytes = read_input(path, limit, too_big)?;
    let name = input_name(path);
    let decoded =
        debrief_decode::decode(&bytes).map_err(|e| Failure::input(format!("{name}: {e}")))?;
    if let Some(enc) = decoded.encoding
        && !quiet
    {
        render::err(&format!(
            "{} {name} is not UTF-8; read it as {enc}.\n",
            render::paint(render::DIM, "note:")
        ));
    }
    let encoding = decoded.encoding;
    // Valid UTF-8 without a mark: the bytes are the text, no copy.
    let same = matches!(&decoded.text, Cow::Borrowed(t) if t.len() == bytes.len());
    let text = if same {
        drop(decoded);
        String::from_utf8(bytes).map_err(|e| Failure::input(format!("{name}: {e}")))?
    } else {
        decoded.text.into_owned()
    };
    Ok((text, encoding))
}

/// A small settings file (a mapping, a rule pack) without its byte-order
/// mark.
pub fn without_bom(text: String) -> String {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    }
}
