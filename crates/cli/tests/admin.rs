//! `debrief admin …` (FORMAT.md §3) on a real PostgreSQL database: the
//! exact output shapes, refusals that name the flag, and tokens shown once.
//! Needs `DEBRIEF_TEST_DATABASE_URL` (`.ci/postgres`); skipped loudly
//! without it.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn debrief(url: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_debrief"))
        .args(args)
        .env("DEBRIEF_DATABASE_URL", url)
        .env_remove("DEBRIEF_DB")
        .env("DEBRIEF_NOW", "2026-11-20T15:00:00Z")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run debrief");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn accounts_and_tokens_from_the_command_line() {
    if !std::env::var("DEBRIEF_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        eprintln!("!! SKIPPED admin tests: DEBRIEF_TEST_DATABASE_URL is not set (.ci/postgres)");
        return;
    }
    let db = debrief_testkit::pg::TestDatabase::new();
    let url = db.url();
    let add = |email: &str, role: &str, pw: &str| {
        debrief(
            url,
            &[
                "admin", "user", "add", "--email", email, "--name", "Ana Lima", "--role", role,
            ],
            pw,
        )
    };
    let out = add("Ana@Example.org", "candidate", "a long password\n");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["email"], "ana@example.org");
    assert_eq!(v["role"], "candidate");
    assert!(v["id"].is_string());

    let out = add("ana@example.org", "coach", "a long password\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr)
            .contains("--email: an account with the email ana@example.org already exists")
    );
    let out = add("cole@example.org", "coach", "short\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("at least 10 characters"));
    let out = add("cole example.org", "coach", "a long password\n");
    assert!(text(&out.stderr).contains("--email:"));

    let out = debrief(
        url,
        &[
            "admin",
            "token",
            "--email",
            "ana@example.org",
            "--label",
            "laptop",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let token: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let token = token["token"].as_str().expect("token").to_string();
    assert!(token.len() >= 64);
    let out = debrief(
        url,
        &[
            "admin",
            "token",
            "--email",
            "ana@example.org",
            "--label",
            "laptop",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--label:"));
    let out = debrief(
        url,
        &[
            "admin",
            "token",
            "--email",
            "ana@example.org",
            "--revoke",
            "phone",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("it has: laptop"),
        "{}",
        text(&out.stderr)
    );
    let out = debrief(
        url,
        &[
            "admin",
            "token",
            "--email",
            "ana@example.org",
            "--revoke",
            "laptop",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0));

    let out = debrief(url, &["admin", "user", "list"], "");
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["disabled"], false);
    let out = debrief(
        url,
        &["admin", "user", "disable", "--email", "ana@example.org"],
        "",
    );
    assert_eq!(out.status.code(), Some(0));
    let out = debrief(
        url,
        &["admin", "user", "disable", "--email", "nobody@example.org"],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    let out = debrief(url, &["admin", "token", "--email", "ana@example.org"], "");
    assert!(text(&out.stderr).contains("disabled"));
    let out = debrief(
        url,
        &["admin", "migrate", "--grant-to", "Robert'); DROP"],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--grant-to:"));
}
