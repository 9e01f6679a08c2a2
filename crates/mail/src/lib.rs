//! Debrief's mail adapter: a note as an RFC 5322 message — an `.eml` file
//! that mail clients open as a draft, or a message sent over SMTP.
//!
//! Invariants: the only crate that knows lettre. No clock (the date of a
//! message is a parameter), no global state; the environment is read only
//! by [`Sources::from_env`]. Nothing here prints, and no
//! error or `Display` ever shows the SMTP password. Building a message never
//! touches the network; only [`send`] does, to the server the user
//! configured.
//!
//! Code map:
//! - this file: [`Note`] → [`Email`] (headers, encoding, Message-ID).
//! - `config`: `mail.toml` and `DEBRIEF_SMTP_URL`; [`SmtpUrl`] follows
//!   lettre's `from_url` and knows how to show itself without the password.
//! - `send`: one SMTP delivery, with failures sorted into what a person can
//!   act on ([`SendError`]).
//! - `settings`: where the settings come from ([`Sources`]: the
//!   environment, `mail.toml`), for the command line and the web app alike.
//! - `outbox`: one note out, the steps every front end shares — the
//!   recipient's address, the subject line, lint, the follow-up guard, the
//!   message, and `debrief send --json`'s answers.

use std::time::SystemTime;

use jiff::Timestamp;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, SinglePart};
use lettre::{Address, Message};

pub mod config;
pub mod outbox;
mod send;
pub mod settings;

pub use config::{ConfigError, MailConfig, SmtpUrl, TlsMode};
pub use send::{SendError, send};
pub use settings::{Settings, SettingsError, Sources};

/// Someone's display name and email address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    /// May be empty: the address alone is then shown.
    pub name: String,
    pub address: String,
}

impl Party {
    pub fn new(name: impl Into<String>, address: impl Into<String>) -> Party {
        Party {
            name: name.into(),
            address: address.into(),
        }
    }
}

/// A note to turn into a message.
#[derive(Debug, Clone)]
pub struct Note<'a> {
    pub from: &'a Party,
    pub to: &'a Party,
    pub subject: &'a str,
    pub body: &'a str,
    pub date: Timestamp,
    /// With angle brackets, e.g. from [`message_id`].
    pub message_id: &'a str,
}

/// How the message is meant to be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// To send now.
    Send,
    /// A file to open in a mail client: marked `X-Unsent: 1`, which Outlook
    /// and Thunderbird read as "open this in the composer".
    Draft,
}

/// A message ready to write out or send.
#[derive(Debug, Clone)]
pub struct Email {
    message: Message,
    /// The recipient's address, as the SMTP envelope has it.
    pub to: String,
    pub message_id: String,
}

impl Email {
    /// The whole message, headers and body, with CRLF line endings.
    pub fn formatted(&self) -> Vec<u8> {
        self.message.formatted()
    }

    pub(crate) fn message(&self) -> &Message {
        &self.message
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    #[error("{role} address '{address}' is not an email address ({reason})")]
    BadAddress {
        /// "the sender's" or "the recipient's"
        role: &'static str,
        address: String,
        reason: String,
    },
    #[error("the note is empty; write something before sending it")]
    EmptyBody,
    #[error("the message cannot be built: {0}")]
    Other(String),
}

/// `X-Unsent: 1`: open as an unsent draft.
#[derive(Debug, Clone, Copy)]
struct XUnsent;

impl Header for XUnsent {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("X-Unsent")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(XUnsent)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "1".to_string())
    }
}

/// One line, no control characters: what a header may hold.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn mailbox(p: &Party, role: &'static str) -> Result<Mailbox, BuildError> {
    let address: Address =
        p.address
            .trim()
            .parse()
            .map_err(|e: lettre::address::AddressError| BuildError::BadAddress {
                role,
                address: p.address.clone(),
                reason: e.to_string(),
            })?;
    let name = one_line(&p.name);
    Ok(Mailbox::new((!name.is_empty()).then_some(name), address))
}

/// Builds the message: From, To, Subject, Date, Message-ID, MIME-Version and
/// a `text/plain; charset=utf-8` body, with RFC 2047 encoded words for names
/// and subjects outside ASCII and the body encoded as 7bit,
/// quoted-printable or base64, whichever fits. No `User-Agent`: the
/// employer need not learn which tool wrote the note.
pub fn build(note: &Note, purpose: Purpose) -> Result<Email, BuildError> {
    if note.body.trim().is_empty() {
        return Err(BuildError::EmptyBody);
    }
    let from = mailbox(note.from, "the sender's")?;
    let to = mailbox(note.to, "the recipient's")?;
    let to_address = to.email.to_string();
    let mut builder = Message::builder()
        .from(from)
        .to(to)
        .subject(one_line(note.subject))
        .date(SystemTime::from(note.date))
        .message_id(Some(note.message_id.to_string()));
    if purpose == Purpose::Draft {
        builder = builder.header(XUnsent);
    }
    // lettre ends the part with a line break of its own.
    let body = note.body.trim_end().to_string();
    let part = SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(body);
    let message = builder
        .singlepart(part)
        .map_err(|e| BuildError::Other(e.to_string()))?;
    Ok(Email {
        message,
        to: to_address,
        message_id: note.message_id.to_string(),
    })
}

/// A fresh Message-ID on the sender's own domain (never the computer's
/// host name): `<debrief.TIME.RANDOM@DOMAIN>`.
pub fn message_id(from_address: &str, now: Timestamp) -> String {
    let domain = from_address
        .rsplit_once('@')
        .map(|(_, d)| d.trim().trim_end_matches('>'))
        .filter(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_graphic() && c != '>'))
        .unwrap_or("debrief.invalid");
    format!(
        "<debrief.{}.{:016x}@{domain}>",
        now.as_second(),
        fastrand::u64(..)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    fn sample(purpose: Purpose) -> Email {
        let from = Party::new("Sam Rivera", "sam@example.com");
        let to = Party::new("Marie Dubois", "marie@acme.example");
        build(
            &Note {
                from: &from,
                to: &to,
                subject: "Thank you for Friday's conversation",
                body: "Hi Marie,\n\nThank you for your time on Friday.\n\nBest,\nSam\n",
                date: ts("2026-11-20T20:00:00Z"),
                message_id: "<debrief.1.2@example.com>",
            },
            purpose,
        )
        .expect("builds")
    }

    #[test]
    fn a_draft_eml_has_every_header_a_mail_client_needs() {
        let text = String::from_utf8(sample(Purpose::Draft).formatted()).expect("ascii");
        insta::assert_snapshot!(text.replace("\r\n", "\n"));
        assert!(text.contains("\r\n"), "CRLF line endings");
    }

    #[test]
    fn a_message_to_send_is_not_marked_unsent() {
        let text = String::from_utf8(sample(Purpose::Send).formatted()).expect("ascii");
        assert!(!text.contains("X-Unsent"), "{text}");
        assert!(
            text.contains("To: \"Marie Dubois\" <marie@acme.example>")
                || text.contains("To: Marie Dubois <marie@acme.example>"),
            "{text}"
        );
    }

    #[test]
    fn non_ascii_names_subjects_and_bodies_read_back_exactly() {
        let from = Party::new("Zoë Ångström", "zoe@example.com");
        let to = Party::new("José Núñez-Żółć", "jose@empresa.example");
        let body =
            "Hola José,\n\nGracias por la conversación del viernes — fue un placer.\n\nZoë\n";
        let email = build(
            &Note {
                from: &from,
                to: &to,
                subject: "Gracias — entrevista de análisis de datos",
                body,
                date: ts("2026-11-20T20:00:00Z"),
                message_id: "<x@example.com>",
            },
            Purpose::Draft,
        )
        .expect("builds");
        let raw = email.formatted();
        let head = String::from_utf8_lossy(&raw);
        let head = head.split("\r\n\r\n").next().expect("headers");
        assert!(head.is_ascii(), "headers are 7-bit: {head}");
        assert!(head.contains("=?utf-8?"), "encoded words: {head}");

        let parsed = mail_parser::MessageParser::default()
            .parse(&raw)
            .expect("parses");
        assert_eq!(
            parsed.subject(),
            Some("Gracias — entrevista de análisis de datos")
        );
        let to = parsed.to().and_then(|a| a.first()).expect("to");
        assert_eq!(to.name(), Some("José Núñez-Żółć"));
        assert_eq!(to.address(), Some("jose@empresa.example"));
        let from = parsed.from().and_then(|a| a.first()).expect("from");
        assert_eq!(from.name(), Some("Zoë Ångström"));
        assert_eq!(
            parsed
                .body_text(0)
                .as_deref()
                .map(|b| b.replace("\r\n", "\n")),
            Some(body.to_string())
        );
        assert_eq!(parsed.message_id(), Some("x@example.com"));
        assert_eq!(
            parsed.header_raw("X-Unsent").map(str::trim),
            Some("1"),
            "opens as a draft"
        );
        assert_eq!(
            parsed.date().map(|d| d.to_timestamp()),
            Some(ts("2026-11-20T20:00:00Z").as_second())
        );
    }

    #[test]
    fn header_injection_is_flattened_and_bad_addresses_are_named() {
        let from = Party::new("Sam\r\nBcc: evil@example.com", "sam@example.com");
        let to = Party::new("Marie", "marie@acme.example");
        let email = build(
            &Note {
                from: &from,
                to: &to,
                subject: "Hi\r\nBcc: evil@example.com",
                body: "Hello",
                date: ts("2026-11-20T20:00:00Z"),
                message_id: "<x@example.com>",
            },
            Purpose::Send,
        )
        .expect("builds");
        let text = String::from_utf8(email.formatted()).expect("ascii");
        assert!(
            !text.lines().any(|l| l.starts_with("Bcc:")),
            "no injected header: {text}"
        );

        let bad = Party::new("Marie", "marie at acme");
        let e = build(
            &Note {
                from: &from,
                to: &bad,
                subject: "s",
                body: "b",
                date: ts("2026-11-20T20:00:00Z"),
                message_id: "<x@example.com>",
            },
            Purpose::Send,
        )
        .unwrap_err();
        assert!(
            matches!(&e, BuildError::BadAddress { role: "the recipient's", address, .. } if address == "marie at acme"),
            "{e}"
        );
        let empty = build(
            &Note {
                from: &from,
                to: &to,
                subject: "s",
                body: " \n ",
                date: ts("2026-11-20T20:00:00Z"),
                message_id: "<x@example.com>",
            },
            Purpose::Send,
        );
        assert_eq!(empty.unwrap_err(), BuildError::EmptyBody);
    }

    #[test]
    fn message_ids_use_the_senders_domain_and_differ() {
        let now = ts("2026-11-20T20:00:00Z");
        let a = message_id("sam@example.com", now);
        let b = message_id("sam@example.com", now);
        assert!(
            a.starts_with("<debrief.") && a.ends_with("@example.com>"),
            "{a}"
        );
        assert_ne!(a, b);
        assert!(message_id("nobody", now).ends_with("@debrief.invalid>"));
    }
}
