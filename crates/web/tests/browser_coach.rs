//! Hosted mode's "done when", in two headless Chromium sessions against
//! the real `debrief` binary on a real PostgreSQL database: the accounts
//! made with the very `debrief admin user add` commands of
//! docs/hosting.md, the candidate's data imported with `--account`, the
//! server run as the role that owns nothing. The candidate signs in and
//! shares on Settings → Coaches with access; the coach signs in, sees
//! them on the caseload, opens the read-only drill-down and its
//! applications; the candidate stops sharing; the coach's caseload no
//! longer lists them and the drill-down answers 404.
//!
//! Needs `DEBRIEF_TEST_DATABASE_URL` (`.ci/postgres`) and Debian's
//! `chromium` and `chromium-driver`; without either it says loudly what it
//! skipped and passes.

mod common;

use common::browser::*;

use std::io::{BufRead, BufReader, Write as _};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::Value;

const NOW: &str = "2026-11-20T15:00:00-06:00";

/// `debrief ARGS` with `stdin`, as an operator runs it (no clock, mail or
/// store of this machine's).
fn debrief(bin: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(bin)
        .args(args)
        .env_remove("DEBRIEF_DB")
        .env_remove("DEBRIEF_DATABASE_URL")
        .env_remove("DEBRIEF_ACCOUNT")
        .env("DEBRIEF_NOW", NOW)
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
    let out = child.wait_with_output().expect("wait");
    assert_eq!(
        out.status.code(),
        Some(0),
        "debrief {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `debrief serve` on the database as the role that owns nothing; its URL.
fn serve(bin: &Path, app_url: &str) -> (Running, String) {
    let mut child = Command::new(bin)
        .args(["--now", NOW, "serve", "--addr", "127.0.0.1:0"])
        .env("DEBRIEF_DATABASE_URL", app_url)
        .env_remove("DEBRIEF_DB")
        .env_remove("DEBRIEF_NOW")
        .env_remove("DEBRIEF_SMTP_URL")
        .env_remove("DEBRIEF_MAIL_FROM")
        .env_remove("DEBRIEF_MAIL_CONFIG")
        .env_remove("DEBRIEF_MAIL_SCAN")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start debrief serve");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.split_whitespace().find(|w| w.starts_with("http://")) {
                let _ = tx.send(url.trim_end_matches('/').to_string());
            }
        }
    });
    let base = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("debrief serve printed its address");
    (Running(child), base)
}

async fn main_text(c: &Client) -> String {
    c.find(Locator::Css("main"))
        .await
        .expect("main")
        .text()
        .await
        .expect("text")
}

/// Clicks `css` and waits for the page it loads (a click returns before
/// the navigation it starts).
async fn click_to_new_page(c: &Client, css: &str) {
    c.execute("window.__old_page = true;", vec![])
        .await
        .expect("mark");
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
    wait_new_page(c, css).await;
}

async fn sign_in(c: &Client, base: &str, email: &str, password: &str) {
    c.goto(&format!("{base}/")).await.expect("goto");
    let url = c.current_url().await.expect("url");
    assert_eq!(url.path(), "/login", "not sent to sign in: {url}");
    let field = c
        .find(Locator::Css(r#"input[name="email"]"#))
        .await
        .expect("email");
    field.send_keys(email).await.expect("type");
    let field = c
        .find(Locator::Css(r#"input[name="password"]"#))
        .await
        .expect("password");
    field.send_keys(password).await.expect("type");
    click_to_new_page(c, r#"form[action="/login"] button[type="submit"]"#).await;
    let url = c.current_url().await.expect("url");
    assert_eq!(
        url.path(),
        "/",
        "{email} did not sign in: {}",
        main_text(c).await
    );
}

/// The status the page at `url` answers, asked from the page (WebDriver
/// does not say).
async fn status_of(c: &Client, url: &str) -> u64 {
    c.execute(
        "const x = new XMLHttpRequest(); x.open('GET', arguments[0], false); x.send(); return x.status;",
        vec![Value::from(url)],
    )
    .await
    .expect("script")
    .as_u64()
    .unwrap_or(0)
}

#[test]
fn a_candidate_shares_with_a_coach_and_stops_in_two_browsers() {
    if common::hosted::server_url("the coach and candidate in Chromium").is_none() {
        loud(&[
            "BROWSER TEST SKIPPED: DEBRIEF_TEST_DATABASE_URL is not set.",
            "Sharing, the caseload and revoking were NOT checked in Chromium.",
            "To run it: export DEBRIEF_TEST_DATABASE_URL=\"$(.ci/postgres)\"",
        ]);
        return;
    }
    let (Some(chromium), Some(driver)) = (
        find_program(&["chromium", "chromium-browser"]),
        find_program(&["chromedriver"]),
    ) else {
        loud(&[
            "BROWSER TEST SKIPPED: chromium and chromedriver are not installed.",
            "Sharing, the caseload and revoking were NOT checked in Chromium.",
            "To run it: apt-get update && apt-get install -y chromium chromium-driver",
        ]);
        return;
    };
    let bin = debrief_binary();
    let db = debrief_testkit::pg::TestDatabase::new();
    let owner = db.url();
    // docs/hosting.md §6, as an operator types it.
    debrief(
        &bin,
        &[
            "admin",
            "migrate",
            "--database",
            owner,
            "--grant-to",
            "debrief_app",
        ],
        "",
    );
    debrief(
        &bin,
        &[
            "admin",
            "user",
            "add",
            "--database",
            owner,
            "--email",
            "ana@example.org",
            "--name",
            "Ana Lima",
            "--role",
            "candidate",
        ],
        "a long password\n",
    );
    debrief(
        &bin,
        &[
            "admin",
            "user",
            "add",
            "--database",
            owner,
            "--email",
            "cole@example.org",
            "--name",
            "Cole Park",
            "--role",
            "coach",
        ],
        "another long one\n",
    );
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../cli/tests/fixtures/acme.json"
    );
    debrief(
        &bin,
        &[
            "--database",
            owner,
            "--account",
            "ana@example.org",
            "import",
            fixture,
        ],
        "",
    );
    let (_serve, base) = serve(&bin, &common::hosted::as_app_role(owner));

    let port = free_port();
    let _driver = Running(
        Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver"),
    );
    let (ana_profile, cole_profile) = (
        tempfile::tempdir().expect("profile dir"),
        tempfile::tempdir().expect("profile dir"),
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let ana = connect(port, ana_profile.path(), &chromium).await;
        let cole = connect(port, cole_profile.path(), &chromium).await;
        sign_in(&ana, &base, "ana@example.org", "a long password").await;
        assert!(main_text(&ana).await.contains("Hello, Sam Rivera."));
        sign_in(&cole, &base, "cole@example.org", "another long one").await;
        let caseload = main_text(&cole).await;
        assert!(
            caseload.contains("No candidate shares with you yet."),
            "{caseload}"
        );

        // Ana shares on Settings → Coaches with access.
        ana.goto(&format!("{base}/settings#sharing"))
            .await
            .expect("goto");
        let box_ = ana.find(Locator::Id("share-coach")).await.expect("field");
        box_.send_keys("cole@example.org").await.expect("type");
        click_to_new_page(&ana, "#sharing form.stack button[type=submit]").await;
        let coaches = ana
            .find(Locator::Id("coaches"))
            .await
            .expect("the list of coaches")
            .text()
            .await
            .expect("text");
        assert!(
            coaches.contains("Cole Park (cole@example.org)"),
            "{coaches}"
        );
        shot(&ana, "hosted-settings-coaches").await;

        // Cole sees Ana on the caseload and opens her pages, read-only.
        cole.goto(&format!("{base}/")).await.expect("goto");
        let row = cole
            .find(Locator::Css("#caseload tbody tr"))
            .await
            .expect("a row on the caseload")
            .text()
            .await
            .expect("text");
        assert!(
            row.contains("Ana Lima") && row.contains("ana@example.org"),
            "{row}"
        );
        assert!(
            !row.contains("Acme"),
            "the caseload names no company: {row}"
        );
        shot(&cole, "hosted-caseload").await;
        // The cohort's figures, linked from the caseload: hers alone.
        click_to_new_page(&cole, "#cohort-insights").await;
        let cohort = main_text(&cole).await;
        assert!(
            cohort
                .contains("1 candidate(s) sharing with you: 1 application(s), 1 interview(s) held"),
            "{cohort}"
        );
        assert!(
            !cohort.contains("Marie") && !cohort.contains("Acme"),
            "{cohort}"
        );
        shot(&cole, "hosted-cohort-insights").await;
        cole.goto(&format!("{base}/")).await.expect("goto");
        click_to_new_page(&cole, "#caseload tbody a").await;
        let drill = cole.current_url().await.expect("url");
        assert!(drill.path().starts_with("/candidates/"), "{drill}");
        let today = main_text(&cole).await;
        assert!(today.contains("Read-only"), "{today}");
        assert!(today.contains("Thank Marie Dubois"), "{today}");
        assert!(!today.contains("Log as sent") && !today.contains("Mark done"));
        shot(&cole, "hosted-coach-today").await;
        click_to_new_page(&cole, r#"header nav a[href$="/applications"]"#).await;
        assert_eq!(
            cole.current_url().await.expect("url").path(),
            format!("{}/applications", drill.path())
        );
        click_to_new_page(&cole, "li.card a.name").await;
        let app_url = cole.current_url().await.expect("url");
        assert_eq!(
            app_url.path(),
            format!("{}/applications/acme-analyst", drill.path())
        );
        let app = main_text(&cole).await;
        assert!(app.contains("Acme Corp — Data Analyst"), "{app}");
        assert!(!app.contains("Log a message or call"), "{app}");
        assert_eq!(
            cole.find_all(Locator::Css(
                r#"form[method="post"]:not([action="/logout"])"#
            ))
            .await
            .expect("forms")
            .len(),
            0,
            "a form that writes on the coach's page"
        );
        shot(&cole, "hosted-coach-application").await;
        click_to_new_page(&cole, r#"header nav a[data-scope="account"]"#).await;
        assert_eq!(cole.current_url().await.expect("url").path(), "/");

        // Ana stops sharing: at once.
        ana.goto(&format!("{base}/settings")).await.expect("goto");
        click_to_new_page(&ana, "#coaches form button[type=submit]").await;
        assert!(
            ana.find(Locator::Id("no-coaches")).await.is_ok(),
            "{}",
            main_text(&ana).await
        );

        // Cole's caseload no longer lists her; her pages answer 404.
        cole.goto(&format!("{base}/")).await.expect("goto");
        let caseload = main_text(&cole).await;
        assert!(
            caseload.contains("No candidate shares with you yet.") && !caseload.contains("Ana"),
            "{caseload}"
        );
        assert_eq!(status_of(&cole, drill.as_str()).await, 404);
        assert_eq!(status_of(&cole, app_url.as_str()).await, 404);
        cole.goto(drill.as_str()).await.expect("goto");
        let gone = main_text(&cole).await;
        assert!(gone.contains("There is no page here"), "{gone}");
        assert!(!gone.contains("Marie"), "{gone}");

        let _ = ana.close().await;
        let _ = cole.close().await;
    });
}
