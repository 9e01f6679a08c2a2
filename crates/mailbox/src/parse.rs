//! One message as Debrief reads it: who, when, which thread, and the words
//! the sender wrote (quoted replies, signatures and HTML removed), plus any
//! `text/calendar` part. Built on `mail-parser`, which decodes encoded
//! words, charsets and transfer encodings.

use jiff::Timestamp;
use mail_parser::{Address, MessageParser, MimeHeaders, PartType};

/// A name and an address, the address in lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub name: Option<String>,
    pub email: String,
}

impl Mailbox {
    /// The part after `@`.
    pub fn domain(&self) -> &str {
        self.email.rsplit_once('@').map_or("", |(_, d)| d)
    }
}

/// A message, read.
#[derive(Debug, Clone, Default)]
pub struct Mail {
    /// With its angle brackets (`<…>`); made from a hash of the message
    /// when the header is missing, so every message has one.
    pub message_id: String,
    pub from: Option<Mailbox>,
    pub to: Vec<Mailbox>,
    pub date: Option<Timestamp>,
    pub subject: String,
    /// `In-Reply-To` and `References`, with angle brackets.
    pub thread: Vec<String>,
    /// What the sender wrote: text/plain preferred, HTML turned into text
    /// otherwise, then quoted replies and the signature removed.
    pub body: String,
    /// Every `text/calendar` part (or `.ics` attachment), as bytes.
    pub calendars: Vec<Vec<u8>>,
    /// A mailing list, a bulk sender or an auto-reply: never a person.
    pub bulk: bool,
}

impl Mail {
    /// Everyone the message went to or came from, in order.
    pub fn parties(&self) -> impl Iterator<Item = &Mailbox> {
        self.from.iter().chain(self.to.iter())
    }
}

fn mailboxes(a: Option<&Address<'_>>, out: &mut Vec<Mailbox>) {
    let Some(a) = a else { return };
    for addr in a.iter() {
        let Some(email) = addr.address() else {
            continue;
        };
        let email = email.trim().to_lowercase();
        if !email.contains('@') {
            continue;
        }
        let name = addr
            .name()
            .map(|n| n.trim().trim_matches(['"', '\'']).trim().to_string())
            .filter(|n| !n.is_empty() && !n.contains('@'));
        out.push(Mailbox { name, email });
    }
}

fn bracketed(id: &str) -> String {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    format!("<{id}>")
}

/// Reads one message. `None` when the bytes hold no message at all.
pub fn parse(raw: &[u8]) -> Option<Mail> {
    let msg = MessageParser::default().parse(raw)?;
    if msg.headers().is_empty() {
        return None;
    }
    let message_id = match msg.message_id() {
        Some(id) if !id.trim().is_empty() => bracketed(id),
        // A stable stand-in: the same bytes give the same id on every scan.
        _ => format!("<debrief-{:016x}@no-message-id>", fnv1a64(raw)),
    };
    let mut from = Vec::new();
    mailboxes(msg.from(), &mut from);
    let mut to = Vec::new();
    mailboxes(msg.to(), &mut to);
    mailboxes(msg.cc(), &mut to);
    let mut thread: Vec<String> = Vec::new();
    for value in [msg.in_reply_to(), msg.references()] {
        if let Some(list) = value.as_text_list() {
            thread.extend(list.iter().map(|s| bracketed(s)));
        } else if let Some(one) = value.as_text() {
            thread.extend(one.split_whitespace().map(bracketed));
        }
    }
    let date = msg
        .date()
        .and_then(|d| Timestamp::from_second(d.to_timestamp()).ok());
    let bulk = msg.header("List-Id").is_some()
        || msg.header("List-Unsubscribe").is_some()
        || msg
            .header_raw("Precedence")
            .is_some_and(|p| matches!(p.trim().to_lowercase().as_str(), "bulk" | "list" | "junk"))
        || msg
            .header_raw("Auto-Submitted")
            .is_some_and(|p| !p.trim().eq_ignore_ascii_case("no"));

    let mut calendars = Vec::new();
    for part in &msg.parts {
        let is_calendar = part.content_type().is_some_and(|ct| {
            ct.ctype().eq_ignore_ascii_case("text")
                && ct
                    .subtype()
                    .is_some_and(|s| s.eq_ignore_ascii_case("calendar"))
                || ct.ctype().eq_ignore_ascii_case("application")
                    && ct.subtype().is_some_and(|s| s.eq_ignore_ascii_case("ics"))
        }) || part
            .attachment_name()
            .is_some_and(|n| n.to_lowercase().ends_with(".ics"));
        if !is_calendar {
            continue;
        }
        match &part.body {
            PartType::Text(t) | PartType::Html(t) => calendars.push(t.as_bytes().to_vec()),
            PartType::Binary(b) | PartType::InlineBinary(b) => calendars.push(b.to_vec()),
            _ => {}
        }
    }

    // text/plain first; mail-parser turns an HTML-only body into text.
    let text = msg
        .text_bodies()
        .position(|p| matches!(p.body, PartType::Text(_)))
        .and_then(|i| msg.body_text(i))
        .or_else(|| msg.body_text(0))
        .map(|t| t.into_owned())
        .unwrap_or_default();

    Some(Mail {
        message_id,
        from: from.into_iter().next(),
        to,
        date,
        subject: msg.subject().unwrap_or_default().trim().to_string(),
        thread,
        body: crate::clean::own_words(&text),
        calendars,
        bulk,
    })
}

/// FNV-1a, 64 bits: a stable hash for ids (the same on every platform and
/// every run, unlike `std`'s).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}
