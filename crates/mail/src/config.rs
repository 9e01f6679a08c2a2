//! Mail settings: `mail.toml` and the SMTP URL.
//!
//! The URL follows lettre's `SmtpTransport::from_url`:
//!
//! | URL | connection | default port |
//! |---|---|---|
//! | `smtps://user:pass@host` | TLS from the first byte (implicit TLS) | 465 |
//! | `smtp://user:pass@host?tls=required` | STARTTLS, refused if the server cannot | 587 |
//! | `smtp://user:pass@host?tls=opportunistic` | STARTTLS when offered, else plain | 587 |
//! | `smtp://host:port` | plain, unencrypted (this computer only) | 25 |
//! | `smtp://host:port?tls=none` | plain, unencrypted, said on purpose | 25 |
//!
//! A user name or password with `@`, `:` or `/` in it is percent-encoded
//! (`sam%40example.com`). A password is never sent where the connection
//! could end without TLS: with one, `smtp://` (plain) and
//! `?tls=opportunistic` (plain when the server offers no STARTTLS) are
//! refused for any server but this computer (`localhost`, 127.0.0.0/8,
//! `::1`). Without a password, a plain connection to another computer needs
//! an explicit `?tls=none`, and [`SmtpUrl::warning`] says the mail crosses
//! the network unencrypted. `tls=none` is Debrief's word: lettre is given
//! the URL without it.

use std::fmt;
use std::net::IpAddr;

use serde::Deserialize;
use url::Url;

/// What `mail.toml` holds. Every key is optional; the environment
/// (`DEBRIEF_SMTP_URL`, `DEBRIEF_MAIL_FROM`) overrides the file.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailConfig {
    /// Where to send: see the module documentation.
    #[serde(default)]
    pub smtp_url: Option<String>,
    /// Your address, for the From header. Default: the SMTP user name when
    /// it is an email address.
    #[serde(default)]
    pub from: Option<String>,
    /// Your name as recipients see it. Default: the profile's name.
    #[serde(default)]
    pub name: Option<String>,
    /// The IMAP password (an app password) for `debrief mail scan --imap`;
    /// `DEBRIEF_IMAP_PASSWORD` overrides it. Never shown.
    #[serde(default)]
    pub imap_password: Option<String>,
    /// The mailboxes the web app's Inbox and `debrief serve
    /// --scan-mail-every` read: `mbox:PATH`, `maildir:PATH` or
    /// `imaps://USER@HOST/…`; `DEBRIEF_MAIL_SCAN` (`;` between several)
    /// overrides it.
    #[serde(default)]
    pub scan: Vec<String>,
}

impl fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailConfig")
            .field("smtp_url", &SmtpUrl::redact(self.smtp_url.as_deref()))
            .field("from", &self.from)
            .field("name", &self.name)
            .field(
                "imap_password",
                &self.imap_password.as_ref().map(|_| "(hidden)"),
            )
            .field("scan", &self.scan)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// Never quotes the file: the line may hold a password.
    #[error("line {line}, column {column}: {message}")]
    File {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("the SMTP URL cannot be read: {0}")]
    BadUrl(String),
    #[error(
        "the SMTP URL starts with '{0}://'; use smtps:// (TLS), smtp://…?tls=required (STARTTLS) or smtp:// (plain, for a server on this computer)"
    )]
    UnknownScheme(String),
    #[error(
        "the SMTP URL has tls={0}; use tls=required, tls=opportunistic or tls=none, or smtps://"
    )]
    UnknownTls(String),
    #[error("the SMTP URL has no host name")]
    NoHost,
    #[error(
        "the SMTP URL would send your password to {0} unencrypted; use smtps://… or smtp://…?tls=required"
    )]
    PlaintextPassword(String),
    #[error(
        "the SMTP URL has tls=opportunistic: your password would go to {0} unencrypted if the server offered no STARTTLS (or an attacker removed it); use smtp://…?tls=required or smtps://…"
    )]
    OpportunisticPassword(String),
    #[error(
        "the SMTP URL sends mail to {0} without encryption; add ?tls=required (STARTTLS) or use smtps://, or write ?tls=none if an unencrypted connection is really what you want"
    )]
    PlainRemote(String),
}

impl MailConfig {
    /// Reads `mail.toml`. Errors give the line and column, never the text.
    pub fn parse(text: &str) -> Result<MailConfig, ConfigError> {
        // Notepad saves a byte-order mark; TOML has no place for one.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
            ConfigError::File {
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })
    }

    /// The environment's settings over the file's.
    pub fn overridden_by(self, smtp_url: Option<String>, from: Option<String>) -> MailConfig {
        let nonblank = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
        MailConfig {
            smtp_url: nonblank(smtp_url).or(self.smtp_url),
            from: nonblank(from).or(self.from),
            name: self.name,
            imap_password: self.imap_password,
            scan: self.scan,
        }
    }

    /// The sender's address: `from`, else the SMTP user name if it is an
    /// address.
    pub fn sender_address(&self) -> Option<String> {
        if let Some(f) = self
            .from
            .as_deref()
            .map(str::trim)
            .filter(|f| !f.is_empty())
        {
            return Some(f.to_string());
        }
        let url = SmtpUrl::parse(self.smtp_url.as_deref()?).ok()?;
        url.user().filter(|u| u.contains('@')).map(str::to_string)
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// `smtps://`: TLS from the first byte.
    Implicit,
    /// `?tls=required`: STARTTLS or nothing.
    StartTlsRequired,
    /// `?tls=opportunistic`: STARTTLS when the server offers it.
    StartTlsOpportunistic,
    /// `smtp://` alone: unencrypted.
    None,
}

/// A checked SMTP URL. Its `Debug` and [`SmtpUrl::redacted`] never show the
/// password.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl {
    raw: String,
    host: String,
    port: u16,
    tls: TlsMode,
    user: Option<String>,
    has_password: bool,
}

impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl SmtpUrl {
    pub fn parse(raw: &str) -> Result<SmtpUrl, ConfigError> {
        let raw = raw.trim();
        // url's messages never echo the input, so the password stays out.
        let url = Url::parse(raw).map_err(|e| ConfigError::BadUrl(e.to_string()))?;
        let tls_param = url
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let tls = match (url.scheme(), tls_param.as_deref()) {
            ("smtps", _) => TlsMode::Implicit,
            ("smtp", None | Some("none")) => TlsMode::None,
            ("smtp", Some("required")) => TlsMode::StartTlsRequired,
            ("smtp", Some("opportunistic")) => TlsMode::StartTlsOpportunistic,
            ("smtp", Some(other)) => return Err(ConfigError::UnknownTls(other.to_string())),
            (scheme, _) => return Err(ConfigError::UnknownScheme(scheme.to_string())),
        };
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or(ConfigError::NoHost)?
            .to_string();
        // The same defaults as lettre's from_url.
        let port = url.port().unwrap_or(match tls {
            TlsMode::Implicit => 465,
            TlsMode::StartTlsRequired | TlsMode::StartTlsOpportunistic => 587,
            TlsMode::None => 25,
        });
        let user = Some(url.username())
            .filter(|u| !u.is_empty())
            .map(|u| {
                percent_decode(u).ok_or_else(|| {
                    ConfigError::BadUrl("the user name is not valid percent-encoded UTF-8".into())
                })
            })
            .transpose()?;
        let has_password = url.password().is_some();
        let local = is_this_computer(&host);
        match tls {
            TlsMode::None if has_password && !local => {
                return Err(ConfigError::PlaintextPassword(host));
            }
            TlsMode::StartTlsOpportunistic if has_password && !local => {
                return Err(ConfigError::OpportunisticPassword(host));
            }
            TlsMode::None if !local && tls_param.as_deref() != Some("none") => {
                return Err(ConfigError::PlainRemote(host));
            }
            _ => {}
        }
        // lettre knows no tls=none: it gets the URL without it.
        let raw = if tls_param.as_deref() == Some("none") {
            let mut lettre = url.clone();
            let rest: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(k, _)| k != "tls")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            if rest.is_empty() {
                lettre.set_query(None);
            } else {
                lettre.query_pairs_mut().clear().extend_pairs(rest);
            }
            lettre.to_string()
        } else {
            raw.to_string()
        };
        Ok(SmtpUrl {
            raw,
            host,
            port,
            tls,
            user,
            has_password,
        })
    }

    /// `host:port`, for messages.
    pub fn server(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host.trim_matches(['[', ']']), self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    pub fn tls(&self) -> TlsMode {
        self.tls
    }

    /// What to tell the user before a connection that is not encrypted to
    /// another computer (`?tls=none`): `None` when there is nothing to say.
    pub fn warning(&self) -> Option<String> {
        (self.tls == TlsMode::None && !is_this_computer(&self.host)).then(|| {
            format!(
                "mail to {} goes unencrypted (tls=none): anyone on the network between can read it",
                self.server()
            )
        })
    }

    /// The user name, percent-decoded.
    pub fn user(&self) -> Option<&str> {
        self.user.as_deref()
    }

    /// The URL with the password replaced by `***`.
    /// An SMTP URL as text, for `Debug` output: redacted, or empty when it
    /// does not parse (a broken URL may still hold a password).
    pub fn redact(url: Option<&str>) -> Option<String> {
        url.map(|u| SmtpUrl::parse(u).map(|u| u.redacted()).unwrap_or_default())
    }

    pub fn redacted(&self) -> String {
        let scheme = if self.tls == TlsMode::Implicit {
            "smtps"
        } else {
            "smtp"
        };
        let auth = match (&self.user, self.has_password) {
            (Some(u), true) => format!("{u}:***@"),
            (Some(u), false) => format!("{u}@"),
            (None, true) => ":***@".to_string(),
            (None, false) => String::new(),
        };
        let query = match self.tls {
            TlsMode::StartTlsRequired => "?tls=required",
            TlsMode::StartTlsOpportunistic => "?tls=opportunistic",
            TlsMode::None if !is_this_computer(&self.host) => "?tls=none",
            _ => "",
        };
        format!("{scheme}://{auth}{}{query}", self.server())
    }

    pub(crate) fn raw(&self) -> &str {
        &self.raw
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn is_this_computer(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_matches(['[', ']'])
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_follow_lettre_and_never_show_the_password() {
        let u = SmtpUrl::parse("smtps://sam%40example.com:s3cret%21@smtp.example.com").expect("ok");
        assert_eq!(u.tls(), TlsMode::Implicit);
        assert_eq!(u.server(), "smtp.example.com:465");
        assert_eq!(u.user(), Some("sam@example.com"));
        assert_eq!(
            u.redacted(),
            "smtps://sam@example.com:***@smtp.example.com:465"
        );
        assert!(!format!("{u:?}").contains("s3cret"));

        let u = SmtpUrl::parse("smtp://me:pw@mail.example.com?tls=required").expect("ok");
        assert_eq!(
            (u.tls(), u.server().as_str()),
            (TlsMode::StartTlsRequired, "mail.example.com:587")
        );
        let u = SmtpUrl::parse("smtp://127.0.0.1:2525").expect("ok");
        assert_eq!(
            (u.tls(), u.server().as_str()),
            (TlsMode::None, "127.0.0.1:2525")
        );
        assert_eq!(u.warning(), None, "this computer");
        // Plain to another computer: only when said, and then with a warning.
        assert_eq!(
            SmtpUrl::parse("smtp://relay.lan"),
            Err(ConfigError::PlainRemote("relay.lan".into()))
        );
        let u = SmtpUrl::parse("smtp://relay.lan?tls=none").expect("ok");
        assert_eq!(
            (u.tls(), u.server().as_str()),
            (TlsMode::None, "relay.lan:25")
        );
        assert_eq!(u.raw(), "smtp://relay.lan", "lettre gets no tls=none");
        assert_eq!(u.redacted(), "smtp://relay.lan:25?tls=none");
        assert!(u.warning().expect("a warning").contains("unencrypted"));
        // A password in the clear, or possibly in the clear, is fine only
        // to this computer.
        for local in [
            "smtp://me:pw@localhost:1025",
            "smtp://me:pw@127.0.0.2:1025",
            "smtp://me:pw@[::1]:1025?tls=opportunistic",
            "smtp://me:pw@127.0.0.1:1025?tls=none",
        ] {
            assert!(SmtpUrl::parse(local).is_ok(), "{local}");
        }
        assert_eq!(
            SmtpUrl::parse("smtp://me:pw@mail.example.com"),
            Err(ConfigError::PlaintextPassword("mail.example.com".into()))
        );
        assert_eq!(
            SmtpUrl::parse("smtp://me:pw@mail.example.com?tls=none"),
            Err(ConfigError::PlaintextPassword("mail.example.com".into()))
        );
        assert_eq!(
            SmtpUrl::parse("smtp://me:pw@10.0.0.5?tls=opportunistic"),
            Err(ConfigError::OpportunisticPassword("10.0.0.5".into()))
        );
        let e = SmtpUrl::parse("smtp://me:hunter2@mail.example.com?tls=opportunistic")
            .unwrap_err()
            .to_string();
        assert!(!e.contains("hunter2") && e.contains("tls=required"), "{e}");
        // Without a password, opportunistic STARTTLS is no risk to a secret.
        assert!(SmtpUrl::parse("smtp://relay.lan?tls=opportunistic").is_ok());
    }

    #[test]
    fn bad_urls_are_named_without_echoing_them() {
        for (url, want) in [
            ("http://me:hunter2@example.com", "starts with 'http://'"),
            ("smtp://me:hunter2@example.com?tls=maybe", "tls=maybe"),
            ("smtps://me:hunter2@example.com:99999", "cannot be read"),
            ("not a url hunter2", "cannot be read"),
        ] {
            let e = SmtpUrl::parse(url).unwrap_err().to_string();
            assert!(e.contains(want), "{url}: {e}");
            assert!(!e.contains("hunter2"), "{url}: {e}");
        }
    }

    #[test]
    fn the_file_gives_line_numbers_not_secrets() {
        let c = MailConfig::parse(
            "smtp_url = \"smtps://sam%40example.com:pw@smtp.example.com\"\nname = \"Sam R.\"\n",
        )
        .expect("ok");
        assert_eq!(c.sender_address().as_deref(), Some("sam@example.com"));
        assert!(!format!("{c:?}").contains(":pw@"), "{c:?}");
        let c = c.overridden_by(None, Some("sam.rivera@example.org".into()));
        assert_eq!(
            c.sender_address().as_deref(),
            Some("sam.rivera@example.org")
        );

        let e = MailConfig::parse("from = \"a@b.c\"\nsmtp_url = \"smtps://u:topsecret@h\nx = 1\n")
            .unwrap_err();
        assert!(matches!(e, ConfigError::File { line: 2, .. }), "{e}");
        assert!(!e.to_string().contains("topsecret"), "{e}");
        let bom = MailConfig::parse("\u{feff}from = \"a@b.c\"\n").expect("a BOM is fine");
        assert_eq!(bom.sender_address().as_deref(), Some("a@b.c"));
        let e = MailConfig::parse("smtp = \"x\"\n").unwrap_err().to_string();
        assert!(e.contains("line 1") && e.contains("unknown field"), "{e}");
    }
}
