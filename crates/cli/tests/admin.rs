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

fn on_postgres(what: &str) -> bool {
    let ok = std::env::var("DEBRIEF_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty());
    if !ok {
        eprintln!("!! SKIPPED {what}: DEBRIEF_TEST_DATABASE_URL is not set (.ci/postgres)");
    }
    ok
}

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/acme.json");

/// Adds an account (the password on standard input), or fails the test.
fn add_account(url: &str, email: &str, role: &str) {
    let out = debrief(
        url,
        &[
            "admin", "user", "add", "--email", email, "--name", email, "--role", role,
        ],
        "a long password\n",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

fn json_of(out: &Output) -> serde_json::Value {
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json")
}

#[test]
fn data_commands_act_on_the_vault_of_the_account_named() {
    if !on_postgres("--account tests") {
        return;
    }
    let db = debrief_testkit::pg::TestDatabase::new();
    let url = db.url();
    // No accounts: the one default vault, and --account names nobody.
    let out = debrief(url, &["import", FIXTURE], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = debrief(url, &["--account", "ana@example.org", "agenda"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--account: no account has the email 'ana@example.org'"),
        "{}",
        text(&out.stderr)
    );
    let default_vault = json_of(&debrief(url, &["export"], ""));
    assert_eq!(
        default_vault["applications"].as_array().map(Vec::len),
        Some(1)
    );

    add_account(url, "ana@example.org", "candidate");
    add_account(url, "ben@example.org", "candidate");
    add_account(url, "cole@example.org", "coach");
    add_account(url, "root@example.org", "admin");

    // With accounts, a data command must say whose vault.
    let out = debrief(url, &["agenda"], "");
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("has accounts") && err.contains("--account EMAIL"),
        "{err}"
    );
    assert!(!err.contains("debrief:debrief@"), "the password: {err}");

    let out = debrief(
        url,
        &["--account", "Ana@Example.org", "import", FIXTURE],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let ana = json_of(&debrief(
        url,
        &["--account", "ana@example.org", "export"],
        "",
    ));
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(FIXTURE).expect("fixture")).expect("json");
    assert_eq!(ana["applications"], file["applications"]);
    // Ben's vault is his own, and empty; the environment names him too.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_debrief"));
    let out = cmd
        .args(["export"])
        .env("DEBRIEF_DATABASE_URL", url)
        .env("DEBRIEF_ACCOUNT", "ben@example.org")
        .env_remove("DEBRIEF_DB")
        .output()
        .expect("run");
    assert_eq!(json_of(&out)["applications"], serde_json::json!([]));
    // A write through --account is in that vault's history.
    let out = debrief(
        url,
        &[
            "--account",
            "ana@example.org",
            "news",
            "--app",
            "acme-analyst",
            "--on",
            "2026-11-19",
            "Acme opens a Lisbon office",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let history = json_of(&debrief(
        url,
        &["--account", "ana@example.org", "history", "--json"],
        "",
    ));
    let latest = history.to_string();
    assert!(latest.contains("news"), "{latest}");
    assert!(!latest.contains("--account"), "{latest}");
    let ben = json_of(&debrief(
        url,
        &["--account", "ben@example.org", "export"],
        "",
    ));
    assert_eq!(ben["applications"], serde_json::json!([]));

    // Coaches and admins hold no data; unknown accounts are named.
    for (email, role) in [("cole@example.org", "coach"), ("root@example.org", "admin")] {
        let out = debrief(url, &["--account", email, "agenda"], "");
        assert_eq!(out.status.code(), Some(2), "{email}");
        let err = text(&out.stderr);
        assert!(
            err.contains(&format!(
                "--account: {email} is a {role} account, which has no vault"
            )),
            "{err}"
        );
    }
    let out = debrief(url, &["--account", "nobody@example.org", "export"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no account has the email 'nobody@example.org'"));
    // The default vault was left as it was.
    let out = debrief(url, &["admin", "user", "list"], "");
    assert_eq!(text(&out.stdout).lines().count(), 4);

    // --account needs --database, and is not for admin user/token.
    let out = Command::new(env!("CARGO_BIN_EXE_debrief"))
        .args(["--account", "ana@example.org", "agenda"])
        .env_remove("DEBRIEF_DATABASE_URL")
        .env_remove("DEBRIEF_ACCOUNT")
        .env_remove("DEBRIEF_DB")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("give --database URL"));
    let out = debrief(
        url,
        &["--account", "ana@example.org", "admin", "user", "list"],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--account is for data commands"));
}

#[test]
fn backups_of_one_vault_or_all_restore_losslessly_in_one_transaction() {
    if !on_postgres("admin backup/restore tests") {
        return;
    }
    let db = debrief_testkit::pg::TestDatabase::new();
    let url = db.url();
    let dir = tempfile::tempdir().expect("temp dir");
    let at = |name: &str| dir.path().join(name).display().to_string();
    add_account(url, "ana@example.org", "candidate");
    add_account(url, "ben@example.org", "candidate");
    add_account(url, "cole@example.org", "coach");
    let out = debrief(
        url,
        &["--account", "ana@example.org", "import", FIXTURE],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let ana = json_of(&debrief(
        url,
        &["--account", "ana@example.org", "export"],
        "",
    ));
    let empty = json_of(&debrief(
        url,
        &["--account", "ben@example.org", "export"],
        "",
    ));

    // One vault: exactly its export.
    let one = at("ana.json");
    let out = debrief(
        url,
        &[
            "--account",
            "ana@example.org",
            "admin",
            "backup",
            "-o",
            &one,
        ],
        "",
    );
    let summary = json_of(&out);
    assert_eq!(summary["applications"], 1, "{summary}");
    let read = |p: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(p).expect("backup")).expect("json")
    };
    assert_eq!(read(&one), ana);
    let out = debrief(url, &["admin", "backup", "-o", &one], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--account EMAIL, or --all"));
    let out = debrief(
        url,
        &[
            "--account",
            "cole@example.org",
            "admin",
            "backup",
            "-o",
            &one,
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("coach account, which has no vault"));

    // Every candidate: one file each, the data and nothing secret.
    let all = at("all");
    let summary = json_of(&debrief(url, &["admin", "backup", "--all", "-o", &all], ""));
    assert_eq!(
        summary["vaults"].as_array().map(Vec::len),
        Some(2),
        "{summary}"
    );
    let mut files: Vec<String> = std::fs::read_dir(&all)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["ana@example.org.json", "ben@example.org.json"]);
    assert_eq!(read(&format!("{all}/ana@example.org.json")), ana);
    assert_eq!(read(&format!("{all}/ben@example.org.json")), empty);
    for f in &files {
        let t = std::fs::read_to_string(format!("{all}/{f}")).expect("read");
        for secret in ["argon2", "dbt_", "password", "secret"] {
            assert!(!t.contains(secret), "{f} holds {secret}");
        }
    }

    // Restore into an empty vault: its export is the backup's.
    let restore = |account: &str, file: &str, replace: bool| {
        let mut args = vec!["--account", account, "admin", "restore", file];
        if replace {
            args.push("--replace");
        }
        debrief(url, &args, "")
    };
    let out = restore("ben@example.org", &one, false);
    assert_eq!(json_of(&out)["applications"], 1);
    let ben = json_of(&debrief(
        url,
        &["--account", "ben@example.org", "export"],
        "",
    ));
    assert_eq!(ben, ana);
    // A vault with data is refused without --replace, and left alone.
    let mut changed = ana.clone();
    changed["applications"] = serde_json::json!([]);
    changed["profile"]["name"] = "Ben Okafor".into();
    let smaller = at("smaller.json");
    std::fs::write(&smaller, changed.to_string()).expect("write");
    let out = restore("ben@example.org", &smaller, false);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("not empty") && text(&out.stderr).contains("--replace"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        json_of(&debrief(
            url,
            &["--account", "ben@example.org", "export"],
            ""
        )),
        ana
    );
    // A bad file names the field and changes nothing.
    let bad = at("bad.json");
    std::fs::write(
        &bad,
        r#"{"format": "debrief/1", "applications": [{"idd": 1}]}"#,
    )
    .expect("write");
    let out = restore("ben@example.org", &bad, true);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("idd"), "{}", text(&out.stderr));
    // --replace: the vault becomes the file, in one history entry.
    let out = restore("ben@example.org", &smaller, true);
    assert_eq!(json_of(&out)["replaced"], 1);
    let ben = json_of(&debrief(
        url,
        &["--account", "ben@example.org", "export"],
        "",
    ));
    assert_eq!(ben, changed);
    let out = debrief(url, &["--account", "ben@example.org", "undo"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        json_of(&debrief(
            url,
            &["--account", "ben@example.org", "export"],
            ""
        )),
        ana
    );
    // Ana's vault was never touched.
    assert_eq!(
        json_of(&debrief(
            url,
            &["--account", "ana@example.org", "export"],
            ""
        )),
        ana
    );
    let out = restore("cole@example.org", &one, true);
    assert_eq!(out.status.code(), Some(2));
}

/// A vault of several pages (PostgreSQL walks a vault 512 applications at
/// a time) backs up and restores exactly, in its order, as it is read; a
/// document that breaks after hundreds of good applications restores
/// nothing, and the vault is left as it was.
#[test]
fn a_big_vault_backs_up_and_restores_page_by_page() {
    if !on_postgres("admin backup/restore of a big vault") {
        return;
    }
    let db = debrief_testkit::pg::TestDatabase::new();
    let url = db.url();
    let dir = tempfile::tempdir().expect("temp dir");
    let at = |name: &str| dir.path().join(name).display().to_string();
    add_account(url, "ana@example.org", "candidate");
    add_account(url, "ben@example.org", "candidate");
    let export = |account: &str| json_of(&debrief(url, &["--account", account, "export"], ""));
    let app = |i: usize| {
        serde_json::json!({
            "id": format!("firm-{i:04}"),
            "company": format!("Firm {i}"),
            "role": "Analyst",
            "people": [{"id": "pat", "name": "Pat Lee", "kind": "hr",
                        "email": format!("pat@firm{i}.example")}],
        })
    };
    // Ids out of order: the vault keeps the document's order, not the ids'.
    let apps: Vec<serde_json::Value> = (0..1_100).rev().map(app).collect();
    let doc = serde_json::json!({
        "format": "debrief/1",
        "profile": {"name": "Ana Lima", "timezone": "Europe/Lisbon"},
        "applications": apps,
    });
    let source = at("source.json");
    std::fs::write(&source, doc.to_string()).expect("write");
    let out = debrief(
        url,
        &["--account", "ana@example.org", "import", &source],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let ana = export("ana@example.org");
    assert_eq!(ana["applications"].as_array().map(Vec::len), Some(1_100));
    assert_eq!(ana["applications"][0]["id"], "firm-1099");

    let backup = at("ana.json");
    let out = debrief(
        url,
        &[
            "--account",
            "ana@example.org",
            "admin",
            "backup",
            "-o",
            &backup,
        ],
        "",
    );
    assert_eq!(json_of(&out)["applications"], 1_100);
    let read: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&backup).expect("backup")).expect("json");
    assert_eq!(read, ana);

    let out = debrief(
        url,
        &["--account", "ben@example.org", "admin", "restore", &backup],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(json_of(&out)["applications"], 1_100);
    assert_eq!(export("ben@example.org"), ana);
    // From standard input too (held in memory for its two readings).
    let piped = std::fs::read_to_string(&backup).expect("backup");
    let out = debrief(
        url,
        &[
            "--account",
            "ben@example.org",
            "admin",
            "restore",
            "-",
            "--replace",
        ],
        &piped,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(json_of(&out)["replaced"], 1_100);
    assert_eq!(export("ben@example.org"), ana);

    // Broken after 900 good applications: nothing of it is restored.
    let mut broken: Vec<serde_json::Value> = (0..900).map(app).collect();
    broken.push(
        serde_json::json!({"id": "late", "company": "Late", "role": "x", "stage": "nowhere"}),
    );
    let bad = at("bad.json");
    std::fs::write(
        &bad,
        serde_json::json!({"format": "debrief/1", "applications": broken}).to_string(),
    )
    .expect("write");
    let out = debrief(
        url,
        &[
            "--account",
            "ben@example.org",
            "admin",
            "restore",
            &bad,
            "--replace",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("nowhere") && text(&out.stderr).contains("nothing was restored"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(export("ben@example.org"), ana);
}

/// `debrief serve` with an identity provider, with `secret` (or none) in
/// `DEBRIEF_OIDC_CLIENT_SECRET`: every case here stops before serving.
fn serve_oidc(database: Option<&str>, secret: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_debrief"));
    cmd.args(["serve", "--addr", "127.0.0.1:0"])
        .args(args)
        .env_remove("DEBRIEF_DB")
        .env_remove("DEBRIEF_DATABASE_URL")
        .env_remove("DEBRIEF_OIDC_CLIENT_SECRET")
        .env("DEBRIEF_NOW", "2026-11-20T15:00:00Z")
        .stdin(Stdio::null());
    if let Some(url) = database {
        cmd.env("DEBRIEF_DATABASE_URL", url);
    }
    if let Some(s) = secret {
        cmd.env("DEBRIEF_OIDC_CLIENT_SECRET", s);
    }
    cmd.output().expect("run debrief serve")
}

#[test]
fn serve_checks_its_identity_provider_before_it_serves() {
    const SECRET: &str = "the-client-secret";
    let oidc = |issuer: &'static str| ["--oidc-issuer", issuer, "--oidc-client-id", "debrief"];
    // Usage, before any database: a client id alone, an admin role, no
    // secret, no database.
    let out = serve_oidc(None, Some(SECRET), &["--oidc-client-id", "debrief"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("--oidc-issuer"));
    let mut admin = oidc("https://id.example.org").to_vec();
    admin.extend(["--oidc-role", "admin"]);
    let out = serve_oidc(None, Some(SECRET), &admin);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("candidate, coach"),
        "{}",
        text(&out.stderr)
    );
    let out = serve_oidc(None, None, &oidc("https://id.example.org"));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("set DEBRIEF_OIDC_CLIENT_SECRET"));
    let out = serve_oidc(None, Some(SECRET), &oidc("https://id.example.org"));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--oidc-issuer signs people in to accounts")
            && text(&out.stderr).contains("--database"),
        "{}",
        text(&out.stderr)
    );

    if !on_postgres("serve --oidc-issuer on a database") {
        return;
    }
    let db = debrief_testkit::pg::TestDatabase::new();
    let url = db.url();
    // A database without accounts serves one person, who signs in to nothing.
    let out = serve_oidc(Some(url), Some(SECRET), &oidc("https://id.example.org"));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("has none yet"),
        "{}",
        text(&out.stderr)
    );
    add_account(url, "ana@example.org", "candidate");
    // Plain http is taken only on this machine; nothing is asked of it.
    let out = serve_oidc(Some(url), Some(SECRET), &oidc("http://id.example.org"));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("not an https:// URL"),
        "{}",
        text(&out.stderr)
    );
    // A domain to allow that is none: said before the provider is asked.
    let mut wildcard = oidc("http://127.0.0.1:1").to_vec();
    wildcard.extend([
        "--oidc-allow-domain",
        "example.org",
        "--oidc-allow-domain",
        "*.example.org",
    ]);
    let out = serve_oidc(Some(url), Some(SECRET), &wildcard);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("--oidc-allow-domain '*.example.org' is not a domain"),
        "{}",
        text(&out.stderr)
    );
    // Nothing listens on port 1: try again later (exit 3), and say so.
    let out = serve_oidc(Some(url), Some(SECRET), &oidc("http://127.0.0.1:1"));
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("--oidc-issuer http://127.0.0.1:1") && err.contains("reachable"),
        "{err}"
    );
    assert!(!err.contains(SECRET), "the secret is never printed: {err}");
}
