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
    #[error("the TLS connection to {server} failed: {detail}")]
    Tls { server: String, detail: String },
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

/// Sends `email` to the server at `url`: one connection, closed afterwards.
/// `Ok` means the server accepted the message for delivery.
pub fn send(url: &SmtpUrl, email: &Email) -> Result<(), SendError> {
    let server = url.server();
    let transport = SmtpTransport::from_url(url.raw())
        .map_err(|e| match url.tls() {
            TlsMode::None => SendError::Unreachable {
                server: server.clone(),
                detail: chain(&e),
            },
            _ => SendError::Tls {
                server: server.clone(),
                detail: chain(&e),
            },
        })?
        .timeout(Some(TIMEOUT))
        .build();
    transport.send(email.message()).map(|_| ()).map_err(|e| {
        let detail = chain(&e);
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
            SendError::Refused {
                server,
                to: email.to.clone(),
                code,
                detail,
                hint: hint.to_string(),
            }
        } else if e.is_tls() {
            SendError::Tls { server, detail }
        } else {
            SendError::Unreachable { server, detail }
        }
    })
}
