//! The backend the end-to-end tests run on: a SQLite file in a temporary
//! directory unless `DEBRIEF_TEST_BACKEND=postgres`, then a database of its
//! own on the server `DEBRIEF_TEST_DATABASE_URL` names (`.ci/postgres`
//! starts one; `.ci/run` runs the command-line and web suites once on
//! each backend).

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

/// `true` when the suite runs on PostgreSQL. Asking for it without a
/// server to run on is a mistake in the set-up, not a skip: it stops the
/// test with the variable to set.
pub fn on_postgres() -> bool {
    match std::env::var("DEBRIEF_TEST_BACKEND").as_deref() {
        Ok("postgres") => {
            assert!(
                std::env::var("DEBRIEF_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()),
                "DEBRIEF_TEST_BACKEND=postgres needs DEBRIEF_TEST_DATABASE_URL (start a server with .ci/postgres)"
            );
            true
        }
        Ok("sqlite") | Ok("") | Err(_) => false,
        Ok(other) => panic!("DEBRIEF_TEST_BACKEND={other}: use sqlite or postgres"),
    }
}

/// A database made for one test and dropped after it.
pub struct TestDatabase {
    admin: String,
    name: String,
    url: String,
}

static NEXT: AtomicU32 = AtomicU32::new(0);

impl TestDatabase {
    /// A new, empty database on the test server.
    pub fn new() -> TestDatabase {
        let admin = std::env::var("DEBRIEF_TEST_DATABASE_URL")
            .expect("DEBRIEF_TEST_DATABASE_URL (start a server with .ci/postgres)");
        let name = format!(
            "debrief_t_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let url = with_database(&admin, &name);
        drop_database(&admin, &name);
        psql(&admin, &format!("CREATE DATABASE {name}"));
        TestDatabase { admin, name, url }
    }

    /// The URL for `--database`.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Default for TestDatabase {
    fn default() -> Self {
        TestDatabase::new()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Best effort: a database left behind only takes disk in a
        // throwaway server.
        let _ = Command::new("psql")
            .args([self.admin.as_str(), "-qc"])
            .arg(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// `url` with its database (the path) replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let prefix = match base.split_once("://") {
        Some((scheme, rest)) => match rest.find('/') {
            Some(i) => format!("{scheme}://{}", &rest[..i]),
            None => base.to_string(),
        },
        None => base.to_string(),
    };
    match query {
        Some(q) => format!("{prefix}/{name}?{q}"),
        None => format!("{prefix}/{name}"),
    }
}

/// Drops the database `name` on the server `admin` names, if it exists,
/// ending its sessions. A database left by an earlier run with the same
/// name (process ids repeat on a long-lived test server) may still have an
/// autovacuum worker in it, which a role that is not a superuser cannot
/// end (`must be a member of the role whose process is being
/// terminated`): the drop is tried again for up to ten seconds.
pub fn drop_database(admin: &str, name: &str) {
    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    let mut tries = 0;
    loop {
        match try_psql(admin, &sql) {
            Ok(()) => return,
            Err(_) if tries < 100 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            Err(e) => panic!("psql {sql}: {e}"),
        }
    }
}

fn psql(url: &str, sql: &str) {
    if let Err(e) = try_psql(url, sql) {
        panic!("psql {sql}: {e}");
    }
}

fn try_psql(url: &str, sql: &str) -> Result<(), String> {
    let out = Command::new("psql")
        .args([url, "-v", "ON_ERROR_STOP=1", "-qc", sql])
        .output()
        .expect("psql (PostgreSQL's client) on PATH");
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_in_a_url_is_replaced() {
        assert_eq!(
            with_database("postgres://u:p@127.0.0.1:54329/debrief_test", "x"),
            "postgres://u:p@127.0.0.1:54329/x"
        );
        assert_eq!(
            with_database("postgres://h/db?sslmode=disable", "y"),
            "postgres://h/y?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "z"), "postgres://h/z");
    }
}
