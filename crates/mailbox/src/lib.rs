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
//! - `session`: one scan of a source against the store (marks, recording
//!   and the waiting list in one transaction), and the decisions on a
//!   waiting proposal (accept, edit, ignore): what every front end calls.

mod apply;
mod clean;
pub mod imap;
mod parse;
mod scan;
mod session;
mod source;
pub mod understand;

pub use apply::{Applied, apply};
pub use clean::own_words;
pub use parse::{Mail, Mailbox, fnv1a64, parse};
pub use scan::{
    Proposal, Proposed, SHARED_DOMAINS, ScanContext, ScanResult, Scanned, is_shared_domain,
    parse_all, proposal_id, scan,
};
pub use session::{
    Changes, Decider, IGNORED, MailError, MailSource, PENDING, Pending, ScanOutcome, ScanRequest,
    accept, ignore, is_proposal_id, pending, scan_source, user_emails,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn scanned(folder: &str, position: u64, proposals: &[&str]) -> Scanned {
        Scanned {
            folder: folder.to_string(),
            position,
            proposals: proposals.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn the_mark_stops_at_the_first_message_still_waiting() {
        // Read in date order; positions in folder order.
        let messages = [
            scanned("INBOX", 30, &["c"]),
            scanned("INBOX", 10, &[]),
            scanned("INBOX", 20, &["b"]),
            scanned("Sent", 5, &["s"]),
        ];
        let pending = |id: &str| id == "c";
        assert_eq!(settled_position(&messages, "INBOX", pending), Some(20));
        assert_eq!(settled_position(&messages, "INBOX", |_| true), Some(10));
        assert_eq!(settled_position(&messages, "Sent", |_| true), None);
        assert_eq!(settled_position(&messages, "Sent", |_| false), Some(5));
    }

    #[test]
    fn an_mbox_is_read_again_from_its_mark_unless_it_was_rewritten() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("box.mbox");
        let one = "From a@b Mon Nov 30 12:00:00 2026\nSubject: one\nMessage-ID: <1@x>\n\nbody\n\n";
        let two = "From a@b Mon Nov 30 12:01:00 2026\nSubject: two\nMessage-ID: <2@x>\n\nbody\n\n";
        std::fs::write(&path, one).expect("write");
        let first = read_mbox(&path, None).expect("read");
        assert_eq!(first.messages.len(), 1);
        let position = first.messages[0].position;
        let mark = Mark {
            position,
            validity: mbox_validity(&first.head, position),
        };
        std::fs::write(&path, format!("{one}{two}")).expect("append");
        let next = read_mbox(&path, Some(&mark)).expect("read");
        assert_eq!(next.messages.len(), 1, "only the appended message");
        assert!(String::from_utf8_lossy(&next.messages[0].bytes).contains("Subject: two"));
        std::fs::write(&path, format!("{two}{one}")).expect("rewrite");
        let again = read_mbox(&path, Some(&mark)).expect("read");
        assert_eq!(again.messages.len(), 2, "a rewritten file is read whole");
    }
}
