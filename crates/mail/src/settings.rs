//! Where the mail settings come from, for every front end: the environment
//! (`DEBRIEF_SMTP_URL`, `DEBRIEF_MAIL_FROM`) over `mail.toml` in the
//! configuration directory (`DEBRIEF_MAIL_CONFIG` names another file).
//! Never the command line, where other users of the computer can read it.
//!
//! [`Sources::from_env`] reads the environment once; [`Sources::load`]
//! reads the file each time it is called, so a server picks up an edited
//! `mail.toml` without a restart. No message here shows the password.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::{MailConfig, Party, SmtpUrl};

/// The environment's mail settings and where `mail.toml` is.
#[derive(Clone, Default)]
pub struct Sources {
    /// `DEBRIEF_SMTP_URL`.
    pub smtp_url: Option<String>,
    /// `DEBRIEF_MAIL_FROM`.
    pub mail_from: Option<String>,
    /// `mail.toml`: `DEBRIEF_MAIL_CONFIG`, else the platform's
    /// configuration directory (`None` when there is none).
    pub config_file: Option<PathBuf>,
    /// The file was named (`DEBRIEF_MAIL_CONFIG`): a missing one is an error.
    pub config_named: bool,
    /// `DEBRIEF_MAIL_SCAN`: the mailboxes to scan, `;` between several
    /// (over `mail.toml`'s `scan`).
    pub mail_scan: Option<String>,
}

impl fmt::Debug for Sources {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sources")
            .field("smtp_url", &SmtpUrl::redact(self.smtp_url.as_deref()))
            .field("mail_from", &self.mail_from)
            .field("config_file", &self.config_file)
            .field("config_named", &self.config_named)
            .field("mail_scan", &self.mail_scan)
            .finish()
    }
}

/// Settings that cannot be used, with what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SettingsError(pub String);

fn nonblank(v: Option<String>) -> Option<String> {
    v.filter(|v| !v.trim().is_empty())
}

impl Sources {
    /// This process's environment.
    pub fn from_env() -> Sources {
        let env = |k: &str| nonblank(std::env::var(k).ok());
        let named = std::env::var_os("DEBRIEF_MAIL_CONFIG").filter(|p| !p.is_empty());
        let (config_file, config_named) = match named {
            Some(p) => (Some(PathBuf::from(p)), true),
            None => (
                directories::ProjectDirs::from("", "", "debrief")
                    .map(|d| d.config_dir().join("mail.toml")),
                false,
            ),
        };
        Sources {
            smtp_url: env("DEBRIEF_SMTP_URL"),
            mail_from: env("DEBRIEF_MAIL_FROM"),
            config_file,
            config_named,
            mail_scan: env("DEBRIEF_MAIL_SCAN"),
        }
    }

    /// No environment, no file: mail is not set up.
    pub fn none() -> Sources {
        Sources::default()
    }

    /// "in /home/sam/.config/debrief/mail.toml", for messages.
    pub fn where_to_configure(&self) -> String {
        match &self.config_file {
            Some(p) => format!("in {}", p.display()),
            None => "in mail.toml (set DEBRIEF_MAIL_CONFIG to its path)".to_string(),
        }
    }

    /// Reads `mail.toml` (a missing file is no settings, unless it was
    /// named) and puts the environment over it.
    pub fn load(&self) -> Result<Settings, SettingsError> {
        let mut warnings = Vec::new();
        let file = match &self.config_file {
            Some(p) => match std::fs::read_to_string(p) {
                Ok(text) => {
                    let c = MailConfig::parse(&text)
                        .map_err(|e| SettingsError(format!("{}: {e}", p.display())))?;
                    warnings.extend(others_can_read(p, &c));
                    c
                }
                Err(e) if !self.config_named && e.kind() == std::io::ErrorKind::NotFound => {
                    MailConfig::default()
                }
                Err(e) => {
                    return Err(SettingsError(format!(
                        "cannot read the mail settings {}: {e}",
                        p.display()
                    )));
                }
            },
            None => MailConfig::default(),
        };
        let mut config = file.overridden_by(self.smtp_url.clone(), self.mail_from.clone());
        if let Some(list) = &self.mail_scan {
            config.scan = list
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
        }
        Ok(Settings {
            config,
            url_from_env: self.smtp_url.is_some(),
            where_to_configure: self.where_to_configure(),
            warnings,
        })
    }
}

/// A password in a file others can read deserves a word.
#[cfg(unix)]
fn others_can_read(path: &Path, config: &MailConfig) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let has_password = config
        .smtp_url
        .as_deref()
        .and_then(|u| u.split_once("://"))
        .is_some_and(|(_, rest)| {
            rest.split('@').next().is_some_and(|a| a.contains(':')) && rest.contains('@')
        });
    let has_password = has_password || config.imap_password.is_some();
    let meta = std::fs::metadata(path).ok()?;
    (has_password && meta.permissions().mode() & 0o077 != 0).then(|| {
        format!(
            "{} holds a password and other users of this computer can read it; run: chmod 600 {}",
            path.display(),
            path.display()
        )
    })
}

#[cfg(not(unix))]
fn others_can_read(_: &Path, _: &MailConfig) -> Option<String> {
    None
}

/// The settings in force: the file's, with the environment over them.
#[derive(Debug, Clone)]
pub struct Settings {
    pub config: MailConfig,
    /// The SMTP URL came from `DEBRIEF_SMTP_URL`.
    url_from_env: bool,
    where_to_configure: String,
    /// Worth saying, not worth stopping for (a readable password file).
    pub warnings: Vec<String>,
}

impl Settings {
    /// The server to send through; an error says how to set one up.
    pub fn smtp_url(&self) -> Result<SmtpUrl, SettingsError> {
        let raw = self.config.smtp_url.as_deref().ok_or_else(|| {
            SettingsError(format!(
                "no SMTP server is set up: set DEBRIEF_SMTP_URL (e.g. smtps://you%40example.com:APP-PASSWORD@smtp.example.com), or smtp_url = \"…\" {}",
                self.where_to_configure
            ))
        })?;
        let source = if self.url_from_env {
            "DEBRIEF_SMTP_URL".to_string()
        } else {
            format!("smtp_url {}", self.where_to_configure)
        };
        SmtpUrl::parse(raw).map_err(|e| SettingsError(format!("{source}: {e}")))
    }

    /// The server, if one is set up and its URL reads (for a dry run,
    /// which needs none).
    pub fn smtp_url_if_any(&self) -> Option<SmtpUrl> {
        SmtpUrl::parse(self.config.smtp_url.as_deref()?).ok()
    }

    /// You: the configured address, with `name` from the settings or else
    /// `profile_name`.
    pub fn sender(&self, profile_name: &str) -> Result<Party, SettingsError> {
        let address = self.config.sender_address().ok_or_else(|| {
            SettingsError(format!(
                "no sender address: set DEBRIEF_MAIL_FROM=you@example.com, or from = \"you@example.com\" {}",
                self.where_to_configure
            ))
        })?;
        let name = match self.config.name.as_deref().map(str::trim) {
            Some(n) if !n.is_empty() => n.to_string(),
            _ => profile_name.trim().to_string(),
        };
        Ok(Party::new(name, address))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_wins_and_nothing_shows_the_password() {
        let dir = std::env::temp_dir().join(format!("debrief-mail-{}", fastrand::u64(..)));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("mail.toml");
        std::fs::write(
            &file,
            "smtp_url = \"smtps://sam%40example.com:hunter2@smtp.example.com\"\nname = \"Sam R.\"\n",
        )
        .expect("write");
        let from_file = Sources {
            config_file: Some(file.clone()),
            ..Sources::default()
        };
        let s = from_file.load().expect("loads");
        assert_eq!(s.smtp_url().expect("url").server(), "smtp.example.com:465");
        let me = s.sender("Sam Rivera").expect("sender");
        assert_eq!(
            (me.name.as_str(), me.address.as_str()),
            ("Sam R.", "sam@example.com")
        );
        let env = Sources {
            smtp_url: Some("smtp://127.0.0.1:2525".into()),
            mail_from: Some("other@example.com".into()),
            ..from_file.clone()
        };
        let s = env.load().expect("loads");
        assert_eq!(s.smtp_url().expect("url").server(), "127.0.0.1:2525");
        assert_eq!(s.sender("x").expect("sender").address, "other@example.com");
        assert!(!format!("{from_file:?} {s:?}").contains("hunter2"));

        let none = Sources {
            config_file: Some(dir.join("absent.toml")),
            ..Sources::default()
        };
        let e = none.load().expect("absent is fine").smtp_url().unwrap_err();
        assert!(e.0.contains("DEBRIEF_SMTP_URL"), "{e}");
        let named = Sources {
            config_named: true,
            ..none
        };
        assert!(named.load().is_err(), "a named file must exist");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
