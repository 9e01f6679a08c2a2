//! Where mail comes from, read-only: an mbox file, a Maildir (and its
//! subfolders), or IMAP (`imap.rs`). Each message carries a position in its
//! folder, so a scan mark can say "everything up to here is settled" and
//! the next scan reads only what came after.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

/// One message as stored, before parsing.
#[derive(Debug, Clone)]
pub struct RawMessage {
    /// The folder it is in (`""` for an mbox file or a Maildir's top).
    pub folder: String,
    /// Orders messages within the folder: the byte offset just past the
    /// message (mbox), the file's modification second (Maildir), the UID
    /// (IMAP).
    pub position: u64,
    pub bytes: Vec<u8>,
}

/// How far a folder was read and settled: the next scan starts after it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    /// Every message at or before this position is settled.
    pub position: u64,
    /// What tells that the folder is still the one the mark was made on:
    /// a hash of the mbox's first bytes, or IMAP's UIDVALIDITY. A change
    /// reads the folder again from the start.
    pub validity: u64,
}

/// What went wrong reading a mailbox.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error("{path} is not a Maildir (it has no cur/ or new/ folder)")]
    NotMaildir { path: String },
    #[error("{0}")]
    Imap(String),
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> SourceError + '_ {
    move |source| SourceError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// What tells an mbox file is still the one a mark was made on: a hash of
/// its first bytes, up to the mark (at most 4 KiB). Appending mail keeps
/// it; rewriting the file (a compaction, another export) changes it.
pub fn mbox_validity(head: &[u8], position: u64) -> u64 {
    let n = head
        .len()
        .min(4096)
        .min(usize::try_from(position).unwrap_or(usize::MAX));
    crate::parse::fnv1a64(&head[..n])
}

/// An mbox file read from a mark.
#[derive(Debug, Clone)]
pub struct MboxRead {
    pub messages: Vec<RawMessage>,
    /// The file's first 4 KiB, for [`mbox_validity`] of the next mark.
    pub head: Vec<u8>,
}

/// Every message of an mbox file after `mark` (Thunderbird, Google
/// Takeout, mutt: `From ` separator lines, `>From ` escaping undone). A
/// mark that does not fit the file (shorter now, or rewritten) is ignored:
/// the whole file is read again.
pub fn read_mbox(path: &Path, mark: Option<&Mark>) -> Result<MboxRead, SourceError> {
    let bytes = fs::read(path).map_err(io_error(path))?;
    let start = match mark {
        Some(m)
            if usize::try_from(m.position).is_ok_and(|p| p <= bytes.len())
                && mbox_validity(&bytes, m.position) == m.validity =>
        {
            usize::try_from(m.position).unwrap_or(0)
        }
        _ => 0,
    };
    let messages = split_mbox(&bytes, start)
        .into_iter()
        .map(|(begin, end)| RawMessage {
            folder: String::new(),
            position: end as u64,
            bytes: unescape_from(&bytes[begin..end]),
        })
        .collect();
    let head = bytes[..bytes.len().min(4096)].to_vec();
    Ok(MboxRead { messages, head })
}

/// The byte ranges of the messages (without their `From ` line) from
/// `start`. A separator is a line starting with `From ` at the start of the
/// file or after an empty line.
fn split_mbox(bytes: &[u8], start: usize) -> Vec<(usize, usize)> {
    let mut seps = Vec::new();
    let mut i = start;
    let mut prev_blank = true;
    while i < bytes.len() {
        let line_end = bytes[i..]
            .iter()
            .position(|b| *b == b'\n')
            .map_or(bytes.len(), |p| i + p + 1);
        let line = &bytes[i..line_end];
        if prev_blank && is_separator(line) {
            seps.push((i, line_end));
        }
        prev_blank = line == b"\n" || line == b"\r\n";
        i = line_end;
    }
    let mut out = Vec::with_capacity(seps.len());
    for (k, &(_, body_start)) in seps.iter().enumerate() {
        let end = seps.get(k + 1).map_or(bytes.len(), |&(s, _)| s);
        out.push((body_start, end));
    }
    out
}

/// `From sender date`: a time (`00:00:00`) on the line tells a separator
/// from a paragraph that starts with "From " in a writer that did not
/// escape it.
fn is_separator(line: &[u8]) -> bool {
    line.starts_with(b"From ")
        && line.contains(&b':')
        && line.iter().filter(|b| b.is_ascii_digit()).count() >= 4
}

/// `>From ` → `From ` (and `>>From ` → `>From `): the mboxrd escaping.
fn unescape_from(msg: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(msg.len());
    let mut at_line_start = true;
    let mut i = 0;
    while i < msg.len() {
        if at_line_start && msg[i] == b'>' {
            let gts = msg[i..].iter().take_while(|b| **b == b'>').count();
            if msg[i + gts..].starts_with(b"From ") {
                i += 1;
            }
        }
        let b = msg[i];
        out.push(b);
        at_line_start = b == b'\n';
        i += 1;
    }
    out
}

/// The folders of a Maildir: the directory itself when it has `cur/` or
/// `new/`, and each subfolder that has (Maildir++ `.Sent`, or `Sent/`).
pub fn maildir_folders(root: &Path) -> Result<Vec<(String, PathBuf)>, SourceError> {
    let is_maildir = |p: &Path| p.join("cur").is_dir() || p.join("new").is_dir();
    let mut out = Vec::new();
    if is_maildir(root) {
        out.push((String::new(), root.to_path_buf()));
    }
    let entries = fs::read_dir(root).map_err(io_error(root))?;
    let mut subs: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let path = e.path();
            (!matches!(name.as_str(), "cur" | "new" | "tmp") && path.is_dir() && is_maildir(&path))
                .then_some((name, path))
        })
        .collect();
    subs.sort();
    out.extend(subs);
    if out.is_empty() {
        return Err(SourceError::NotMaildir {
            path: root.display().to_string(),
        });
    }
    Ok(out)
}

/// The messages of one Maildir folder modified at or after the mark's
/// second, oldest first. Files are only read: never renamed, so nothing is
/// marked as seen.
pub fn read_maildir_folder(
    folder: &str,
    dir: &Path,
    mark: Option<&Mark>,
) -> Result<Vec<RawMessage>, SourceError> {
    let mut found: Vec<(u64, PathBuf)> = Vec::new();
    for sub in ["new", "cur"] {
        let d = dir.join(sub);
        if !d.is_dir() {
            continue;
        }
        for entry in fs::read_dir(&d).map_err(io_error(&d))? {
            let entry = entry.map_err(io_error(&d))?;
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let meta = entry.metadata().map_err(io_error(&entry.path()))?;
            if !meta.is_file() {
                continue;
            }
            let second = meta
                .modified()
                .ok()
                .and_then(|m| m.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_secs());
            // Strictly before the mark's second: a file written in the same
            // second as the mark is read again (and known by its id).
            if mark.is_some_and(|m| second < m.position) {
                continue;
            }
            found.push((second, entry.path()));
        }
    }
    found.sort();
    let mut out = Vec::with_capacity(found.len());
    for (second, path) in found {
        let bytes = fs::read(&path).map_err(io_error(&path))?;
        out.push(RawMessage {
            folder: folder.to_string(),
            position: second,
            bytes,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mbox_separators_and_escaping() {
        let mbox = b"From a@b Mon Jan  1 00:00:00 2026\nSubject: one\n\n>From here on\nbody\n\nFrom b@c Tue Jan  2 00:00:00 2026\nSubject: two\n\nFrom the start\n";
        let parts = split_mbox(mbox, 0);
        assert_eq!(
            parts.len(),
            2,
            "a From line inside a paragraph is not a separator"
        );
        let first = unescape_from(&mbox[parts[0].0..parts[0].1]);
        assert!(String::from_utf8_lossy(&first).contains("\nFrom here on\n"));
        let second = &mbox[parts[1].0..parts[1].1];
        assert!(second.starts_with(b"Subject: two"));
        assert!(String::from_utf8_lossy(second).contains("From the start"));
    }
}
