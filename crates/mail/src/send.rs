//! One delivery over SMTP.

use std::error::Error as _;
use std::time::Duration;

use lettre::{SmtpTransport, Transport};

use crate::{Email, SmtpUrl, TlsMode};

/// Why a message was not delivered. Each names the server (never the
/// password) and says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Nothing answered: wrong host or port, no network, server down.
    #[error(
        "could not reach the SMTP server at {server}: {detail}. Check the host and port in the SMTP URL, and that you are online"
    )]
    Unreachable { server: String, detail: String },
    /// The server answered and said no (a 4xx or 5xx reply).
    #[error("the SMTP server at {server} refused the message to {to}: {detail}{hint}")]
    Refused {
        server: String,
        to: String,
        /// The SMTP reply code, e.g. 550.
        code: String,
        detail: String,
        hint: String,
    },
    /// TLS could not be set up: a plain port given as `smtps://`, a
    /// certificate that does not check out.
    #[error("the TLS connection to {server} failed: {detail}{hint}")]
    Tls {
        server: String,
        detail: String,
        hint: String,
    },
    /// The server works, but not the way the URL says: no STARTTLS, no
    /// login method over this connection.
    #[error("the SMTP server at {server} cannot be used with these settings: {detail}{hint}")]
    Settings {
        server: String,
        detail: String,
        hint: String,
    },
    /// The connection broke off midway.
    #[error("the connection to the SMTP server at {server} broke off: {detail}")]
    Broken { server: String, detail: String },
}

/// How long to wait for the server at each step.
const TIMEOUT: Duration = Duration::from_secs(30);

fn chain(e: &lettre::transport::smtp::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        source = s.source();
    }
    text
}

fn io_kind(e: &lettre::transport::smtp::Error) -> Option<std::io::ErrorKind> {
    let mut source = e.source();
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        source = s.source();
    }
    None
}

fn classify(e: &lettre::transport::smtp::Error, url: &SmtpUrl, to: &str) -> SendError {
    use std::io::ErrorKind as K;
    let server = url.server();
    let detail = chain(e);
    if let Some(code) = e.status() {
        let code = code.to_string();
        let hint = match code.as_str() {
            "530" | "534" | "535" => {
                "; check the user name and password in the SMTP URL (many providers want an app password)"
            }
            "550" | "551" | "553" => "; check the recipient's address",
            c if c.starts_with('4') => "; the problem may be temporary: try again later",
            _ => "",
        };
        return SendError::Refused {
            server,
            to: to.to_string(),
            code,
            detail,
            hint: hint.to_string(),
        };
    }
    let tls_hint = match url.tls() {
        TlsMode::Implicit => {
            "; smtps:// wants TLS from the first byte (usually port 465); for port 587 write smtp://…?tls=required"
        }
        _ => "",
    };
    if e.is_tls() {
        return SendError::Tls {
            server,
            detail,
            hint: tls_hint.to_string(),
        };
    }
    let unreachable = detail.starts_with("Connection error")
        || e.is_timeout()
        || matches!(
            io_kind(e),
            Some(
                K::ConnectionRefused
                    | K::TimedOut
                    | K::HostUnreachable
                    | K::NetworkUnreachable
                    | K::AddrNotAvailable
                    | K::NotFound
            )
        );
    if unreachable {
        return SendError::Unreachable { server, detail };
    }
    if e.is_client() {
        let hint = if detail.contains("STARTTLS") {
            "; use smtps:// if the server speaks TLS from the start, or check the port"
        } else if detail.contains("authentication mechanism") {
            "; many servers offer a login only over TLS: use smtps:// or smtp://…?tls=required"
        } else {
            ""
        };
        return SendError::Settings {
            server,
            detail,
            hint: hint.to_string(),
        };
    }
    if url.tls() != TlsMode::None {
        // TLS records that do not parse: most often a plain port.
        return SendError::Tls {
            server,
            detail,
            hint: tls_hint.to_string(),
        };
    }
    SendError::Broken { server, detail }
}

/// Sends `email` to the server at `url`: one connection, closed afterwards.
/// `Ok` means the server accepted the message for delivery.
pub fn send(url: &SmtpUrl, email: &Email) -> Result<(), SendError> {
    let transport = SmtpTransport::from_url(url.raw())
        .map_err(|e| classify(&e, url, &email.to))?
        .timeout(Some(TIMEOUT))
        .build();
    transport
        .send(email.message())
        .map(|_| ())
        .map_err(|e| classify(&e, url, &email.to))
}
