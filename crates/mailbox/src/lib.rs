//! Debrief's mailbox reader (`debrief mail scan`): the user's own mail,
//! read-only, turned into proposals for the store — touches the user sent,
//! replies, outcomes, interviews and new people — each with the evidence
//! that led to it. Nothing here writes a mailbox or the store.
//!
//! - `parse`: one message (mail-parser) → [`Mail`]; `clean`: the sender's
//!   own words (no quotes, no signature).
//! - `source`: mbox files and Maildirs with their scan marks; `imap`: an
//!   IMAP folder over TLS, `EXAMINE` and `BODY.PEEK[]` only.
//! - `understand`: what the words say (touch kinds, outcomes).
//! - `scan`: mail against the store's applications → [`Proposal`]s.
//! - `apply`: accepted proposals → edits of the applications.

mod apply;
mod clean;
pub mod imap;
mod parse;
mod scan;
mod source;
pub mod understand;

pub use apply::{Applied, apply};
pub use clean::own_words;
pub use parse::{Mail, Mailbox, fnv1a64, parse};
pub use scan::{
    Proposal, Proposed, SHARED_DOMAINS, ScanContext, ScanResult, Scanned, is_shared_domain,
    parse_all, proposal_id, scan,
};
pub use source::{
    Mark, MboxRead, RawMessage, SourceError, maildir_folders, mbox_validity, read_maildir_folder,
    read_mbox,
};

/// The scan mark for a folder after a scan: the position of the last
/// message such that it and every message before it has no pending
/// proposal (`pending` says whether an id is still waiting). `None` when
/// the first message already waits.
pub fn settled_position<'a>(
    messages: impl IntoIterator<Item = &'a Scanned>,
    folder: &str,
    pending: impl Fn(&str) -> bool,
) -> Option<u64> {
    let mut mark = None;
    let mut in_folder: Vec<&Scanned> = messages
        .into_iter()
        .filter(|m| m.folder == folder)
        .collect();
    in_folder.sort_by_key(|m| m.position);
    for m in in_folder {
        if m.proposals.iter().any(|id| pending(id)) {
            break;
        }
        mark = Some(m.position);
    }
    mark
}
