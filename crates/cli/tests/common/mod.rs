//! The one harness of the command line's end-to-end tests: the real
//! `debrief` binary on a real SQLite file in a fresh temporary directory,
//! or, with `DEBRIEF_TEST_BACKEND=postgres`, on a fresh PostgreSQL
//! database of its own (`debrief_testkit::pg`). A test about the SQLite
//! file itself (backups, "creates nothing") uses [`Debrief::sqlite`].
//!
//! Every run is isolated from the machine it runs on: no `DEBRIEF_*`
//! variable from the caller's shell, and the configuration and data
//! directories (`XDG_CONFIG_HOME`, `XDG_DATA_HOME`) point into the temporary
//! directory, so no test can read the user's `mail.toml` or `rules.toml`.
//! The working directory is the temporary directory too.

// Each test file is its own crate and uses a different part of this.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// Sam's Acme application, just after the panel of Fri 20 Nov 2026.
pub const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/acme.json");

/// A store (`debrief.db`, not created until a command writes it) in a
/// temporary directory that is removed when this is dropped.
pub struct Debrief {
    dir: tempfile::TempDir,
    db: PathBuf,
    now: Option<String>,
    env: Vec<(String, String)>,
    /// The PostgreSQL database instead of `db`, when the suite runs there.
    database: Option<debrief_testkit::pg::TestDatabase>,
}

impl Debrief {
    /// A new store on the backend the suite runs on.
    pub fn new() -> Debrief {
        let mut d = Debrief::sqlite();
        if debrief_testkit::pg::on_postgres() {
            d.database = Some(debrief_testkit::pg::TestDatabase::new());
        }
        d
    }

    /// A new store that is a SQLite file whatever the suite runs on: for
    /// tests of the file itself.
    pub fn sqlite() -> Debrief {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("debrief.db");
        Debrief {
            dir,
            db,
            now: None,
            env: Vec::new(),
            database: None,
        }
    }

    /// The `--database` URL when this store is on PostgreSQL.
    pub fn database(&self) -> Option<&str> {
        self.database.as_ref().map(|d| d.url())
    }

    /// A new store with [`FIXTURE`] imported.
    pub fn imported() -> Debrief {
        let d = Debrief::new();
        d.ok(&["import", FIXTURE]);
        d
    }

    /// [`Debrief::imported`] on a SQLite file whatever the suite runs on.
    pub fn sqlite_imported() -> Debrief {
        let d = Debrief::sqlite();
        d.ok(&["import", FIXTURE]);
        d
    }

    /// Runs every command with `--now now` (then the arguments may not
    /// give `--now` again).
    pub fn now(mut self, now: &str) -> Debrief {
        self.now = Some(now.to_string());
        self
    }

    /// Sets `key` in the environment of every command.
    pub fn env(mut self, key: &str, value: &str) -> Debrief {
        self.env.push((key.into(), value.into()));
        self
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The SQLite file (a test that needs one makes its store with
    /// [`Debrief::sqlite`]).
    pub fn db(&self) -> &Path {
        assert!(
            self.database.is_none(),
            "this test reads the SQLite file: make its store with Debrief::sqlite()"
        );
        &self.db
    }

    /// `name` in the temporary directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir().join(name)
    }

    /// Writes `contents` to `name` in the temporary directory.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, contents).expect("write a file in the temp dir");
        p
    }

    /// `debrief --db … [--now …] args`, isolated; standard streams are the
    /// caller's to set.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_debrief"));
        match &self.database {
            Some(d) => cmd.arg("--database").arg(d.url()),
            None => cmd.arg("--db").arg(&self.db),
        };
        if let Some(now) = &self.now {
            cmd.arg("--now").arg(now);
        }
        cmd.args(args)
            .current_dir(self.dir())
            .env_remove("DEBRIEF_NOW")
            .env_remove("DEBRIEF_DB")
            .env_remove("DEBRIEF_DATABASE_URL")
            .env_remove("DEBRIEF_SMTP_URL")
            .env_remove("DEBRIEF_MAIL_FROM")
            .env_remove("DEBRIEF_MAIL_CONFIG")
            .env_remove("DEBRIEF_IMAP_PASSWORD")
            .env_remove("DEBRIEF_IMAP_CA")
            .env_remove("DEBRIEF_MAIL_SCAN")
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("XDG_DATA_HOME", self.path("data"))
            .env("NO_COLOR", "1");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs with nothing on standard input.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args)
            .stdin(Stdio::null())
            .output()
            .expect("run debrief")
    }

    /// Runs with `stdin` on standard input.
    pub fn run_with_stdin(&self, args: &[&str], stdin: &[u8]) -> Output {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn debrief");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin)
            .expect("write stdin");
        child.wait_with_output().expect("run debrief")
    }

    /// Runs and expects exit 0; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "debrief {args:?} failed ({:?}):\n{}",
            out.status.code(),
            stderr(&out)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// Runs, expects exit 0 and JSON on stdout.
    pub fn json(&self, args: &[&str]) -> Value {
        let text = self.ok(args);
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("debrief {args:?}: not JSON ({e}):\n{text}"))
    }

    /// Runs and expects exit 2 (bad input); returns stderr.
    pub fn input_error(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "debrief {args:?}: stdout {} stderr {}",
            stdout(&out),
            stderr(&out)
        );
        String::from_utf8(out.stderr).expect("utf-8 stderr")
    }

    /// The whole store in the exchange format.
    pub fn export(&self) -> Value {
        self.json(&["export"])
    }
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
