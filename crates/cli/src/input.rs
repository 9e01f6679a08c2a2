//! Text files from the user (notes, `--note` files, CSV exports): read as
//! bytes, then decoded by `debrief-decode` — a byte-order mark dropped, a
//! legacy encoding detected and named on stderr, a binary file refused
//! (exit 2). Nothing is ever replaced with U+FFFD in silence.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use debrief_lint::RulePack;

use crate::ctx::{Failure, Result, default_db_path, input_name, read_input};
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

/// The user's own rule pack: `rules.toml` beside the store in use (`--db`,
/// `DEBRIEF_DB`, or the default store).
pub(crate) fn user_pack_path(store: Option<&Path>) -> Option<PathBuf> {
    let db = match store {
        Some(p) => p.to_path_buf(),
        None => default_db_path().ok()?,
    };
    let dir = db.parent()?;
    Some(if dir.as_os_str().is_empty() {
        PathBuf::from("rules.toml")
    } else {
        dir.join("rules.toml")
    })
}

/// The built-in pack with the user's laid over it, and the user pack's path
/// when one was read.
pub(crate) fn load_pack(
    explicit: Option<&Path>,
    store: Option<&Path>,
) -> Result<(RulePack, Option<PathBuf>)> {
    let builtin = RulePack::builtin();
    let (path, required) = match explicit {
        Some(p) => (p.to_path_buf(), true),
        None => match user_pack_path(store) {
            Some(p) => (p, false),
            None => return Ok((builtin, None)),
        },
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let user = RulePack::parse(&without_bom(text))
                .map_err(|e| Failure::input(format!("{}: {e}", path.display())))?;
            Ok((builtin.merge(&user), Some(path)))
        }
        Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => Ok((builtin, None)),
        Err(e) => Err(Failure::input(format!(
            "cannot read rule pack {}: {e}",
            path.display()
        ))),
    }
}

/// Reads a note: a byte-order mark dropped, another encoding than UTF-8
/// detected and named on stderr, a binary file refused (exit 2).
pub(crate) fn read_note(path: &Path) -> Result<(String, String)> {
    let (text, _) = crate::input::read_text(path, u64::MAX, "", false)?;
    let name = input_name(path);
    debrief_lint::check_size(&text).map_err(|e| Failure::input(format!("{name}: {e}")))?;
    Ok((name, text))
}
