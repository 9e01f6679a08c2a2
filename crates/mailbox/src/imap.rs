//! IMAP over TLS, read-only: folders are opened with `EXAMINE` (never
//! `SELECT`), messages fetched with `BODY.PEEK[]` (which never sets
//! `\Seen`), nothing is stored, copied, moved or expunged.
//!
//! The URL is `imaps://USER@HOST[:PORT][/FOLDER[,FOLDER…]]`; without
//! folders, the inbox and every folder the server marks `\Sent` (or one of
//! the usual sent folder names). The password is never part of the URL.
//! Certificates are checked against the Mozilla roots (webpki-roots), plus
//! the PEM file named by `DEBRIEF_IMAP_CA` for a server with its own CA.

use std::sync::Arc;

use async_imap::types::NameAttribute;
use futures_util::StreamExt;
use jiff::civil::Date;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};

use crate::source::{Mark, RawMessage, SourceError};

/// A checked `imaps://` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImapUrl {
    pub user: String,
    pub host: String,
    pub port: u16,
    /// Folders named in the path; empty: the inbox and the sent folders.
    pub folders: Vec<String>,
}

impl ImapUrl {
    pub fn parse(text: &str) -> Result<ImapUrl, SourceError> {
        let bad = |m: &str| SourceError::Imap(format!("--imap {m}"));
        let url = url::Url::parse(text.trim()).map_err(|e| {
            bad(&format!(
                "cannot be read as a URL ({e}); write imaps://you%40example.com@imap.example.com/"
            ))
        })?;
        match url.scheme() {
            "imaps" => {}
            "imap" => {
                return Err(bad(
                    "uses imap://, which would send your password unencrypted; use imaps:// (TLS, port 993)",
                ));
            }
            other => {
                return Err(bad(&format!(
                    "starts with '{other}://'; use imaps://USER@HOST/"
                )));
            }
        }
        if url.password().is_some() {
            return Err(bad(
                "holds a password; keep it out of the command line: set DEBRIEF_IMAP_PASSWORD or imap_password in mail.toml",
            ));
        }
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| bad("has no host name"))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let user = percent_decode(url.username());
        if user.is_empty() {
            return Err(bad("has no user name; write imaps://USER@HOST/"));
        }
        let path = percent_decode(url.path().trim_start_matches('/'));
        let folders = path
            .split(',')
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(str::to_string)
            .collect();
        Ok(ImapUrl {
            user,
            host,
            port: url.port().unwrap_or(993),
            folders,
        })
    }

    /// `user@host:port`: names the account in marks and messages.
    pub fn account(&self) -> String {
        format!("{}@{}:{}", self.user, self.host, self.port)
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(
                std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                16,
            )
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// One folder read.
#[derive(Debug, Clone)]
pub struct ImapFolder {
    pub name: String,
    pub uidvalidity: u32,
    pub messages: Vec<RawMessage>,
}

fn err(what: &str) -> impl FnOnce(async_imap::error::Error) -> SourceError + '_ {
    move |e| SourceError::Imap(format!("IMAP {what} failed: {e}"))
}

fn tls_config() -> Result<ClientConfig, SourceError> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = std::env::var_os("DEBRIEF_IMAP_CA").filter(|p| !p.is_empty()) {
        let certs = CertificateDer::pem_file_iter(&path).map_err(|e| {
            SourceError::Imap(format!(
                "DEBRIEF_IMAP_CA: cannot read {}: {e}",
                std::path::Path::new(&path).display()
            ))
        })?;
        for cert in certs {
            let cert = cert.map_err(|e| SourceError::Imap(format!("DEBRIEF_IMAP_CA: {e}")))?;
            roots
                .add(cert)
                .map_err(|e| SourceError::Imap(format!("DEBRIEF_IMAP_CA: {e}")))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| SourceError::Imap(format!("TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// Reads every message after each folder's mark (`marks(folder)`), and,
/// with `since`, only mail the server dates on or after it.
pub fn read_imap(
    url: &ImapUrl,
    password: &str,
    marks: &dyn Fn(&str) -> Option<Mark>,
    since: Option<Date>,
) -> Result<Vec<ImapFolder>, SourceError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| SourceError::Imap(format!("cannot start the IMAP client: {e}")))?;
    runtime.block_on(read_async(url, password, marks, since))
}

async fn read_async(
    url: &ImapUrl,
    password: &str,
    marks: &dyn Fn(&str) -> Option<Mark>,
    since: Option<Date>,
) -> Result<Vec<ImapFolder>, SourceError> {
    let connect = TcpStream::connect((url.host.as_str(), url.port));
    let tcp = tokio::time::timeout(std::time::Duration::from_secs(30), connect)
        .await
        .map_err(|_| {
            SourceError::Imap(format!(
                "{}:{} did not answer within 30 s",
                url.host, url.port
            ))
        })?
        .map_err(|e| SourceError::Imap(format!("cannot reach {}:{}: {e}", url.host, url.port)))?;
    let name = ServerName::try_from(url.host.clone())
        .map_err(|e| SourceError::Imap(format!("{}: {e}", url.host)))?;
    let tls = TlsConnector::from(Arc::new(tls_config()?))
        .connect(name, tcp)
        .await
        .map_err(|e| SourceError::Imap(format!("TLS with {} failed: {e}", url.host)))?;
    let mut client = async_imap::Client::new(tls);
    client
        .read_response()
        .await
        .map_err(|e| SourceError::Imap(format!("{} sent no greeting: {e}", url.host)))?;
    let mut session = client.login(&url.user, password).await.map_err(|(e, _)| {
        SourceError::Imap(format!(
            "{} refused the login for {} ({e}); check the password (Gmail and Outlook need an app password)",
            url.host, url.user
        ))
    })?;

    let folders = if url.folders.is_empty() {
        let mut names = vec!["INBOX".to_string()];
        let mut listed = Vec::new();
        {
            let mut list = session
                .list(Some(""), Some("*"))
                .await
                .map_err(err("LIST"))?;
            while let Some(n) = list.next().await {
                let n = n.map_err(err("LIST"))?;
                listed.push((
                    n.name().to_string(),
                    n.attributes()
                        .iter()
                        .any(|a| matches!(a, NameAttribute::Sent)),
                ));
            }
        }
        let usual = [
            "Sent",
            "Sent Items",
            "Sent Messages",
            "Sent Mail",
            "[Gmail]/Sent Mail",
            "INBOX.Sent",
            "INBOX/Sent",
        ];
        let marked: Vec<String> = listed
            .iter()
            .filter(|(_, s)| *s)
            .map(|(n, _)| n.clone())
            .collect();
        if marked.is_empty() {
            names.extend(
                listed
                    .iter()
                    .filter(|(n, _)| usual.iter().any(|u| u.eq_ignore_ascii_case(n)))
                    .map(|(n, _)| n.clone()),
            );
        } else {
            names.extend(marked);
        }
        names.dedup();
        names
    } else {
        url.folders.clone()
    };

    let mut out = Vec::new();
    for folder in folders {
        // EXAMINE opens the folder read-only: no flag changes, no expunge.
        let mailbox = session
            .examine(&folder)
            .await
            .map_err(err(&format!("EXAMINE {folder}")))?;
        let uidvalidity = mailbox.uid_validity.unwrap_or(0);
        let mark = marks(&folder).filter(|m| m.validity == u64::from(uidvalidity));
        let after = mark.map_or(0, |m| m.position);
        let mut messages = Vec::new();
        if mailbox.exists > 0 {
            let mut query = format!("UID {}:*", after + 1);
            if let Some(d) = since {
                query.push_str(&format!(" SINCE {}", imap_date(d)));
            }
            let mut uids: Vec<u32> = session
                .uid_search(&query)
                .await
                .map_err(err("UID SEARCH"))?
                .into_iter()
                .filter(|u| u64::from(*u) > after)
                .collect();
            uids.sort_unstable();
            for chunk in uids.chunks(500) {
                let set = chunk
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(",");
                // BODY.PEEK[]: the whole message without setting \Seen.
                let mut fetches = session
                    .uid_fetch(&set, "(UID BODY.PEEK[])")
                    .await
                    .map_err(err("UID FETCH"))?;
                while let Some(f) = fetches.next().await {
                    let f = f.map_err(err("UID FETCH"))?;
                    if let (Some(uid), Some(body)) = (f.uid, f.body()) {
                        messages.push(RawMessage {
                            folder: folder.clone(),
                            position: u64::from(uid),
                            bytes: body.to_vec(),
                        });
                    }
                }
            }
        }
        out.push(ImapFolder {
            name: folder,
            uidvalidity,
            messages,
        });
    }
    // Closing without CLOSE (which would expunge in a SELECTed folder; an
    // EXAMINEd one has nothing to expunge either way).
    let _ = session.logout().await;
    Ok(out)
}

/// `1-Dec-2026`, IMAP's date.
fn imap_date(d: Date) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let m = usize::try_from(d.month() - 1).unwrap_or(0);
    format!("{}-{}-{}", d.day(), MONTHS[m.min(11)], d.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let u =
            ImapUrl::parse("imaps://sam%40example.com@imap.example.com/INBOX,Sent").expect("ok");
        assert_eq!(u.user, "sam@example.com");
        assert_eq!(u.port, 993);
        assert_eq!(u.folders, ["INBOX", "Sent"]);
        assert!(ImapUrl::parse("imap://sam@host/").is_err());
        assert!(ImapUrl::parse("imaps://sam:secret@host/").is_err());
        assert!(ImapUrl::parse("imaps://host/").is_err());
        assert_eq!(imap_date(Date::constant(2026, 12, 1)), "1-Dec-2026");
    }
}
