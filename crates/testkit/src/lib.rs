//! Test helpers shared by Debrief's crates (a dev-dependency only).
//!
//! [`Sink`] is a real SMTP server, Python's aiosmtpd running
//! `smtp_sink.py` beside this crate, for the tests that send mail from the
//! command line and from the web app.

pub mod pg;

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const SINK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/smtp_sink.py");

/// Waits up to `limit` for `done`, trying every 10 ms; whether it came
/// true. For what arrives a moment after its cause (a PostgreSQL
/// notification after its commit): a deadline, not a timing.
pub fn eventually(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + limit;
    while Instant::now() < until {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    done()
}

/// An SMTP server on 127.0.0.1 that keeps what it accepts in a directory;
/// stopped when dropped.
pub struct Sink {
    child: Child,
    stdin: Option<ChildStdin>,
    port: u16,
    dir: tempfile::TempDir,
}

impl Sink {
    /// Starts a server that answers "550 User unknown" to the `refuse`
    /// addresses. `None`, after saying so loudly on stderr, when aiosmtpd
    /// is not installed: the calling test then returns early.
    pub fn start(refuse: &[&str]) -> Option<Sink> {
        let importable = Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !importable {
            // Cargo names the crate whose tests run; say which were skipped.
            let tests = std::env::var("CARGO_PKG_NAME")
                .map(|name| format!("{name}'s "))
                .unwrap_or_default();
            // Straight to stderr: libtest hides `eprintln!` of a passing test.
            let _ = writeln!(
                std::io::stderr(),
                "\n{}\n!!! {tests}SMTP TESTS SKIPPED: Python's aiosmtpd is not installed.\n!!! Sending to a real SMTP server did NOT run.\n!!! To run it: python3 -m pip install aiosmtpd\n{}\n",
                "!".repeat(72),
                "!".repeat(72)
            );
            return None;
        }
        let dir = tempfile::tempdir().expect("sink dir");
        let mut cmd = Command::new("python3");
        cmd.arg(SINK).arg(dir.path());
        for r in refuse {
            cmd.args(["--refuse", r]);
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the SMTP sink");
        let stdin = child.stdin.take();
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read READY");
        let port = line
            .strip_prefix("READY ")
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| panic!("the SMTP sink did not start: {line:?}"));
        Some(Sink {
            child,
            stdin,
            port,
            dir,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `smtp://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received, in order: (raw bytes, envelope).
    pub fn received(&self) -> Vec<(Vec<u8>, Value)> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .expect("sink dir")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        names.sort();
        names
            .into_iter()
            .map(|p| {
                let raw = std::fs::read(&p).expect("eml");
                let env = std::fs::read_to_string(p.with_extension("json")).expect("envelope");
                (raw, serde_json::from_str(&env).expect("json"))
            })
            .collect()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        drop(self.stdin.take()); // closing stdin stops the server
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listens on.
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}
