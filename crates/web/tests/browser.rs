//! End to end in headless Chromium, driven through chromedriver: what a
//! person sees after a panel interview, the guard refusing an early chase,
//! import and export, and hostile text shown as text. Screenshots of the
//! main pages go to target/screenshots/.
//!
//! Needs Debian's `chromium` and `chromium-driver`; without them the test
//! says loudly what it skipped and passes.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use fantoccini::{Client, ClientBuilder, Locator};

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

fn screenshots_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(screenshots_dir().join(format!("{name}.png")), png).expect("write screenshot");
}

async fn text(c: &Client) -> String {
    c.find(Locator::Css("main"))
        .await
        .expect("main")
        .text()
        .await
        .expect("text")
}

async fn click(c: &Client, xpath: &str) {
    c.find(Locator::XPath(xpath))
        .await
        .unwrap_or_else(|e| panic!("{xpath}: {e}"))
        .click()
        .await
        .expect("click");
}

/// Clicks a submit button and waits for the next page's message (a flash
/// or a refusal): a click returns before the navigation it starts.
async fn submit(c: &Client, xpath: &str) {
    click(c, xpath).await;
    if xpath.contains("'Import'") {
        let _ = c.accept_alert().await;
    }
    c.wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css("div.flash, div.refusal"))
        .await
        .unwrap_or_else(|e| panic!("no message after {xpath}: {e}"));
}

async fn connect(port: u16, profile: &Path, chromium: &Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1100,1400",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let attempt = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await;
        match attempt {
            Ok(c) => return c,
            Err(e) if Instant::now() > deadline => panic!("cannot reach chromedriver: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

#[test]
fn a_person_after_a_panel_interview() {
    let (Some(chromium), Some(driver)) = (
        find_program(&["chromium", "chromium-browser"]),
        find_program(&["chromedriver"]),
    ) else {
        // Straight to stderr: libtest hides `eprintln!` output of a passing test.
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "\n{}\n!!! BROWSER TESTS SKIPPED: chromium and chromedriver are not installed.\n!!! The end-to-end flow in headless Chromium did NOT run.\n!!! To run it: apt-get update && apt-get install -y chromium chromium-driver\n{}\n",
            "!".repeat(72),
            "!".repeat(72)
        );
        return;
    };
    let server = Server::start(Some(NOW));
    assert_eq!(post_json(&server, "/api/v1/import", &sample()).status, 200);
    let port = free_port();
    let _driver = Driver(
        Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver"),
    );
    let profile = tempfile::tempdir().expect("profile dir");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let c = connect(port, profile.path(), &chromium).await;
        let base = server.url("");
        let result = flow(&c, &base, &server).await;
        let _ = c.close().await;
        result
    });
}

async fn flow(c: &Client, base: &str, server: &Server) {
    // Right after the panel: the debrief form, who was there.
    c.goto(&format!(
        "{base}/applications/acme-analyst/interviews/acme-panel/debrief"
    ))
    .await
    .expect("goto");
    shot(c, "debrief").await;
    click(
        c,
        "//fieldset[legend[contains(., 'Marie Dubois')]]//input[@name='interviewer']",
    )
    .await;
    click(
        c,
        "//fieldset[legend[contains(., 'Raj Patel')]]//input[@name='interviewer']",
    )
    .await;
    c.find(Locator::Id("said-marie"))
        .await
        .expect("said")
        .send_keys("APAC expansion is next year's priority")
        .await
        .expect("type");
    c.find(Locator::Id("went_well"))
        .await
        .expect("went well")
        .send_keys("My story about the migration")
        .await
        .expect("type");
    submit(c, "//button[normalize-space()='Save the debrief']").await;
    let t = text(c).await;
    assert!(t.contains("Saved the debrief"), "{t}");
    assert!(t.contains("APAC expansion"), "{t}");
    shot(c, "application").await;

    // Today: a thank-you for each interviewer.
    c.goto(base).await.expect("goto");
    let t = text(c).await;
    assert!(t.contains("Marie Dubois") && t.contains("Raj Patel"), "{t}");
    let marie = "//li[@data-rule='thank-you-note'][.//strong[contains(., 'Marie')]]";
    assert!(
        c.find(Locator::XPath(marie)).await.is_ok(),
        "no thank-you for Marie: {t}"
    );
    shot(c, "today").await;
    click(
        c,
        &format!("{marie}//button[normalize-space()='Log as sent']"),
    )
    .await;
    let t = text(c).await;
    assert!(t.contains("Logged the thank-you to marie"), "{t}");
    assert!(
        c.find(Locator::XPath(marie)).await.is_err(),
        "Marie's thank-you is still listed"
    );
    assert!(
        c.find(Locator::XPath(
            "//li[@data-rule='thank-you-note'][.//strong[contains(., 'Raj')]]"
        ))
        .await
        .is_ok()
    );

    // The guard refuses an early chase, and says when it would allow one.
    c.goto(&format!("{base}/applications/acme-analyst"))
        .await
        .expect("goto");
    c.find(Locator::Css("#touch-kind option[value='status-check']"))
        .await
        .expect("opt")
        .click()
        .await
        .expect("select");
    submit(c, "//button[normalize-space()='Log it']").await;
    let t = text(c).await;
    assert!(t.contains("Not logged (follow-up-guard)"), "{t}");
    shot(c, "guard-refusal").await;
    let touches = get(server, "/api/v1/applications/acme-analyst/touches").json();
    assert_eq!(
        touches.as_array().map(Vec::len),
        Some(1),
        "only the thank-you was written"
    );

    // The composer drafts a note and shows the linter's findings.
    c.goto(&format!(
        "{base}/applications/acme-analyst/compose?person=raj&kind=thank-you"
    ))
    .await
    .expect("goto");
    let t = text(c).await;
    assert!(t.contains("Write to Raj Patel"), "{t}");
    shot(c, "composer").await;

    // Hostile text in a form is shown as text and never runs.
    c.goto(&format!("{base}/applications")).await.expect("goto");
    c.find(Locator::Id("add-app-company"))
        .await
        .expect("company")
        .send_keys(HOSTILE)
        .await
        .expect("type");
    submit(c, "//button[normalize-space()='Add application']").await;
    let t = text(c).await;
    assert!(t.contains("<script>window.pwned=1</script>"), "{t}");
    let pwned = c
        .execute("return typeof window.pwned;", vec![])
        .await
        .expect("js");
    assert_eq!(pwned, serde_json::json!("undefined"));
    c.goto(&format!("{base}/applications")).await.expect("goto");
    shot(c, "applications").await;

    // Import a file from Settings, then export.
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("more.json");
    let mut more = sample();
    more["applications"][0]["id"] = serde_json::json!("globex-analyst");
    more["applications"][0]["company"] = serde_json::json!("Globex");
    std::fs::write(&file, more.to_string()).expect("write");
    c.goto(&format!("{base}/settings")).await.expect("goto");
    c.find(Locator::Id("import-file"))
        .await
        .expect("file")
        .send_keys(&file.display().to_string())
        .await
        .expect("choose");
    // The import button asks for confirmation when script runs.
    submit(c, "//button[normalize-space()='Import']").await;
    let t = text(c).await;
    assert!(t.contains("Imported: 1 new"), "{t}");
    shot(c, "settings").await;
    let href = c
        .find(Locator::Css("a[href='/export.json']"))
        .await
        .expect("export link");
    assert_eq!(href.text().await.expect("t"), "Download everything (JSON)");
    let exported = get(server, "/export.json").json();
    let ids: Vec<&str> = exported["applications"]
        .as_array()
        .expect("apps")
        .iter()
        .filter_map(|a| a["id"].as_str())
        .collect();
    assert!(
        ids.contains(&"globex-analyst") && ids.contains(&"acme-analyst"),
        "{ids:?}"
    );

    c.goto(&format!("{base}/insights")).await.expect("goto");
    assert!(text(c).await.contains("Funnel by stage"));
    shot(c, "insights").await;
}
