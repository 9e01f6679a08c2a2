//! End to end against a real IMAP server: the test starts its own Dovecot
//! (a normal process, a generated configuration in a temporary directory,
//! a loopback port, TLS with a certificate made for the run by a throwaway
//! CA, a static test user) over a Maildir holding the messages of
//! crates/mailbox/tests/mail, and runs the real `debrief mail scan --imap`.
//! The server's flags and message counts are compared before and after:
//! reading must never write the mailbox.
//!
//! Skipped, loudly, only when Dovecot is not installed (`.ci/run` installs
//! `dovecot-imapd`).

mod common;

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Debrief;
use serde_json::Value;

const NOW: &str = "2026-12-01T09:00:00-06:00";
const PASSWORD: &str = "correct-horse-battery-staple";

fn dovecot_binary() -> Option<PathBuf> {
    ["/usr/sbin/dovecot", "/usr/local/sbin/dovecot"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A Dovecot of this test's own; stopped (by its process id) on drop.
struct Dovecot {
    child: Child,
    dir: tempfile::TempDir,
    port: u16,
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Dovecot {
    fn start(binary: &Path) -> Dovecot {
        let dir = tempfile::tempdir().expect("temp dir");
        let t = dir.path();
        let maildir = t.join("home/sam/Maildir");
        for sub in ["cur", "new", "tmp", ".Sent/cur", ".Sent/new", ".Sent/tmp"] {
            std::fs::create_dir_all(maildir.join(sub)).expect("mkdir");
        }
        for sub in ["run", "state"] {
            std::fs::create_dir_all(t.join(sub)).expect("mkdir");
        }
        let dir_mail = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../mailbox/tests/mail");
        let mut names: Vec<PathBuf> = std::fs::read_dir(&dir_mail)
            .expect("test mail")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        names.sort();
        for (i, p) in names.iter().enumerate() {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            let target = if name.starts_with("sent") {
                maildir.join(format!(".Sent/cur/17640000{i:02}.M{i}.test:2,S"))
            } else {
                maildir.join(format!("cur/17640000{i:02}.M{i}.test:2,"))
            };
            std::fs::copy(p, target).expect("copy a message");
        }

        // A throwaway CA and a certificate for localhost signed by it
        // (webpki takes no self-signed end certificate), made now, so they
        // are valid whatever the clock says (CI runs again under faketime).
        let ssl = |args: &[&str]| {
            run(Command::new("openssl")
                .args(args)
                .current_dir(t)
                .stderr(Stdio::piped()));
        };
        ssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "7300",
            "-subj",
            "/CN=Debrief test CA",
        ]);
        ssl(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "leaf.key",
            "-out",
            "leaf.csr",
            "-subj",
            "/CN=localhost",
        ]);
        std::fs::write(
            t.join("ext.cnf"),
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
        )
        .expect("ext");
        ssl(&[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "7300",
            "-extfile",
            "ext.cnf",
        ]);

        // As root, mail is read as the dovecot user; otherwise as whoever
        // runs the test.
        let root = run(Command::new("id").arg("-u")).trim() == "0";
        let (mail_user, extra) = if root {
            run(Command::new("chown")
                .args(["-R", "dovecot:dovecot"])
                .arg(t.join("home")));
            ("dovecot".to_string(), String::new())
        } else {
            let user = run(Command::new("id").arg("-un")).trim().to_string();
            let group = run(Command::new("id").arg("-gn")).trim().to_string();
            (
                user.clone(),
                format!(
                    "default_login_user = {user}\ndefault_internal_user = {user}\ndefault_internal_group = {group}\n"
                ),
            )
        };
        let port = free_port();
        let t_s = t.display();
        let config = format!(
            r#"base_dir = {t_s}/run
state_dir = {t_s}/state
log_path = {t_s}/dovecot.log
protocols = imap
listen = 127.0.0.1
first_valid_uid = 1
first_valid_gid = 1
ssl = required
ssl_cert = <{t_s}/leaf.pem
ssl_key = <{t_s}/leaf.key
auth_mechanisms = plain
disable_plaintext_auth = yes
{extra}passdb {{
  driver = static
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_user} home={t_s}/home/%u
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \Sent
  }}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    port = {port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
"#
        );
        std::fs::write(t.join("dovecot.conf"), config).expect("config");
        let child = Command::new(binary)
            .arg("-F")
            .arg("-c")
            .arg(t.join("dovecot.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start dovecot");
        let d = Dovecot { child, dir, port };
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "dovecot did not listen on {port}:\n{}",
                std::fs::read_to_string(d.dir.path().join("dovecot.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        d
    }

    fn doveadm(&self, args: &[&str]) -> String {
        run(Command::new("doveadm")
            .arg("-c")
            .arg(self.dir.path().join("dovecot.conf"))
            .args(args))
    }

    /// Every message's folder, UID and flags, and each folder's counts: the
    /// server's own view of the mailbox.
    fn state(&self) -> (String, String) {
        (
            self.doveadm(&["fetch", "-u", "sam", "mailbox uid flags", "all"]),
            self.doveadm(&[
                "mailbox",
                "status",
                "-u",
                "sam",
                "messages unseen uidvalidity uidnext",
                "*",
            ]),
        )
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("dovecot.log")).unwrap_or_default()
    }

    fn ca(&self) -> String {
        self.dir.path().join("ca.pem").display().to_string()
    }

    fn url(&self) -> String {
        format!("imaps://sam@localhost:{}/", self.port)
    }
}

fn kinds(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v["proposals"]
        .as_array()
        .expect("proposals")
        .iter()
        .map(|p| p["kind"].as_str().expect("kind").to_string())
        .collect();
    k.sort();
    k
}

#[test]
fn an_imap_mailbox_is_scanned_read_only_and_a_second_scan_proposes_nothing() {
    let Some(binary) = dovecot_binary() else {
        eprintln!(
            "\n!!! mail_imap SKIPPED: Dovecot is not installed; install dovecot-imapd (apt-get install dovecot-imapd)\n"
        );
        return;
    };
    let server = Dovecot::start(&binary);
    let before = server.state();
    assert!(before.1.contains("messages=5"), "{}", before.1);

    let d = Debrief::imported()
        .now(NOW)
        .env("DEBRIEF_IMAP_PASSWORD", PASSWORD)
        .env("DEBRIEF_IMAP_CA", &server.ca());
    d.ok(&["profile", "--email", "sam@rivera.example"]);
    let url = server.url();

    let v = d.json(&["mail", "scan", "--imap", &url, "--json"]);
    assert_eq!(
        kinds(&v),
        [
            "interview",
            "outcome",
            "person",
            "reply",
            "reply",
            "touch",
            "touch"
        ],
        "the inbox and the \\Sent folder are both read: {v:#}"
    );
    let applied = d.json(&["mail", "scan", "--imap", &url, "--apply", "--json"]);
    assert_eq!(applied["applied"].as_array().expect("applied").len(), 7);
    let again = d.json(&["mail", "scan", "--imap", &url, "--json"]);
    assert_eq!(
        again["proposals"].as_array().expect("proposals").len(),
        0,
        "{again:#}"
    );
    assert_eq!(
        again["skipped"], 0,
        "the marks skip what was settled: {again:#}"
    );
    assert_eq!(d.export()["applications"][0]["stage"], "rejected");

    // A wrong password: exit 2, a clear message, the password never shown.
    let wrong = Debrief::imported()
        .now(NOW)
        .env("DEBRIEF_IMAP_PASSWORD", "not the password")
        .env("DEBRIEF_IMAP_CA", &server.ca());
    let e = wrong.input_error(&["mail", "scan", "--imap", &url]);
    assert!(
        e.contains("refused the login") && !e.contains("not the password"),
        "{e}"
    );
    // A server whose certificate no trusted CA signed: refused.
    let untrusted = Debrief::imported()
        .now(NOW)
        .env("DEBRIEF_IMAP_PASSWORD", PASSWORD);
    let e = untrusted.input_error(&["mail", "scan", "--imap", &url]);
    assert!(e.contains("TLS"), "{e}");

    assert_eq!(
        server.state(),
        before,
        "no flag, message or UID changed on the server"
    );
    let log = server.log();
    assert!(
        !log.contains("expunged=1") && !log.contains("deleted=1"),
        "{log}"
    );
}
