//! What the Chromium tests share: finding Debian's `chromium` and
//! `chromium-driver`, the `debrief` binary of this build, a WebDriver
//! session, screenshots, and the loud message of a skipped test.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use serde_json::Value;

pub fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// The `debrief` binary of this build, built first if needed.
pub fn debrief_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("DEBRIEF_BIN") {
        return PathBuf::from(p);
    }
    // target/<profile>/deps/browser-… → target/<profile>/debrief
    let exe = std::env::current_exe().expect("test exe");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>");
    let release = profile_dir.file_name().is_some_and(|n| n == "release");
    let mut cargo = Command::new(env!("CARGO"));
    cargo
        .args(["build", "--quiet", "-p", "debrief", "--bin", "debrief"])
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    if release {
        cargo.arg("--release");
    }
    let status = cargo.status().expect("run cargo build");
    assert!(status.success(), "cargo build -p debrief failed");
    let bin = profile_dir.join(format!("debrief{}", std::env::consts::EXE_SUFFIX));
    assert!(bin.is_file(), "no binary at {}", bin.display());
    bin
}

pub fn loud(lines: &[&str]) {
    let bar = "!".repeat(72);
    let mut text = format!("\n{bar}\n");
    for l in lines {
        text.push_str(&format!("!!! {l}\n"));
    }
    text.push_str(&bar);
    // Straight to stderr: libtest hides `eprintln!` output of a passing test.
    let _ = writeln!(std::io::stderr(), "{text}\n");
}

pub struct Driver(pub Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

pub fn screenshots_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

pub async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(screenshots_dir().join(format!("{name}.png")), png).expect("write screenshot");
}

pub async fn connect(port: u16, profile: &Path, chromium: &Path) -> Client {
    connect_with(port, profile, chromium, None).await
}

/// `downloads`: where downloaded files go (without asking).
pub async fn connect_with(
    port: u16,
    profile: &Path,
    chromium: &Path,
    downloads: Option<&Path>,
) -> Client {
    let mut caps = serde_json::Map::new();
    let mut options = serde_json::json!({
        "binary": chromium,
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--window-size=1100,1400",
            format!("--user-data-dir={}", profile.display()),
        ],
    });
    if let Some(dir) = downloads {
        options["prefs"] = serde_json::json!({
            "download.default_directory": dir,
            "download.prompt_for_download": false,
            "download.directory_upgrade": true,
        });
    }
    caps.insert("goog:chromeOptions".into(), options);
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

/// Waits for the page a click or a script started to load.
pub async fn wait_new_page(c: &Client, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let fresh = c
            .execute(
                "return window.__old_page === undefined && document.readyState === 'complete';",
                vec![],
            )
            .await
            .map(|v| v == Value::Bool(true))
            .unwrap_or(false);
        if fresh {
            return;
        }
        assert!(Instant::now() < deadline, "no new page after {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
