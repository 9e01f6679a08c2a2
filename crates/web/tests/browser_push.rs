//! The installable page in headless Chromium: the web app manifest is
//! linked and readable, the service worker registers from every page and
//! controls it after a reload, and the Settings page's notification button
//! appears only where JavaScript runs, without asking permission on load.
//!
//! Not here, said loudly when the test runs: a push delivered to Chromium
//! itself. Chromium subscribes with Google's push service (FCM), which
//! cannot be reached from a test; `tests/push.rs` delivers the digest to
//! a push service on a loopback port and decrypts it instead.
//!
//! Needs Debian's `chromium` and `chromium-driver`; without them the test
//! says loudly what it skipped and passes.

mod common;

use common::browser::*;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::Locator;
use serde_json::{Value, json};

/// Waits (at most 10 s) for the service worker to be active.
const READY: &str = r#"
const done = arguments[arguments.length - 1];
const timer = setTimeout(() => done({ error: "no active service worker after 10 s", swError: document.documentElement.dataset.swError || null }), 10000);
navigator.serviceWorker.ready.then((reg) => {
  clearTimeout(timer);
  done({ scope: reg.scope, script: reg.active && reg.active.scriptURL, manifest: (document.querySelector('link[rel="manifest"]') || {}).href || null });
});
"#;

const MANIFEST: &str = r#"
const done = arguments[arguments.length - 1];
fetch(document.querySelector('link[rel="manifest"]').href).then((r) => r.json()).then(done, (e) => done({ error: String(e) }));
"#;

#[test]
fn the_page_installs_with_a_manifest_and_a_service_worker() {
    let (Some(chromium), Some(driver)) = (
        find_program(&["chromium", "chromium-browser"]),
        find_program(&["chromedriver"]),
    ) else {
        loud(&[
            "BROWSER TEST SKIPPED: chromium and chromedriver are not installed.",
            "The manifest and service worker were NOT checked in Chromium.",
            "To run it: apt-get update && apt-get install -y chromium chromium-driver",
        ]);
        return;
    };
    loud(&[
        "NOT TESTED HERE: a push delivered to Chromium itself. Chromium subscribes",
        "with Google's push service (FCM), which a test cannot reach. tests/push.rs",
        "delivers the digest to a loopback push service and decrypts it instead.",
    ]);
    let server = common::Server::start(Some(common::NOW));
    let base = server.url("");
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
        // Any page registers the worker for the whole site.
        c.goto(&format!("{base}/applications")).await.expect("goto");
        let ready = c.execute_async(READY, vec![]).await.expect("script");
        assert_eq!(ready["scope"], format!("{base}/"), "{ready}");
        assert_eq!(ready["script"], format!("{base}/sw.js"), "{ready}");
        assert_eq!(ready["manifest"], format!("{base}/manifest.webmanifest"));

        let manifest = c.execute_async(MANIFEST, vec![]).await.expect("script");
        assert_eq!(manifest["name"], "Debrief", "{manifest}");
        assert_eq!(manifest["start_url"], "/");
        assert_eq!(manifest["display"], "standalone");
        assert_eq!(manifest["icons"][0]["src"], "/assets/favicon.svg");

        // After a reload the worker controls the page (it serves nothing
        // itself: the page is still the server's).
        c.goto(&format!("{base}/settings")).await.expect("goto");
        let controlled: Value = c
            .execute(
                "return Boolean(navigator.serviceWorker.controller) && navigator.serviceWorker.controller.scriptURL;",
                vec![],
            )
            .await
            .expect("script");
        assert_eq!(controlled, json!(format!("{base}/sw.js")));
        let title = c.find(Locator::Css("h1")).await.expect("h1");
        assert_eq!(title.text().await.expect("text"), "Settings");

        // The digest section: the button shows once the script ran; no
        // permission was asked for on the way.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let on = c.find(Locator::Id("push-on")).await.expect("#push-on");
            if on.is_displayed().await.unwrap_or(false) {
                assert_eq!(
                    on.text().await.expect("text"),
                    "Turn on notifications in this browser"
                );
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the notification button never showed: {}",
                c.find(Locator::Id("push-status"))
                    .await
                    .expect("status")
                    .text()
                    .await
                    .unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let off = c.find(Locator::Id("push-off")).await.expect("#push-off");
        assert!(!off.is_displayed().await.unwrap_or(true));
        let permission: Value = c
            .execute("return Notification.permission;", vec![])
            .await
            .expect("script");
        assert_ne!(permission, json!("granted"), "asked without a press");
        let _ = c.close().await;
    });
}
