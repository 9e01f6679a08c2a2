//! The Inbox over a real server and a real SQLite file, reading a Maildir
//! in a temporary directory named in a `mail.toml` (`scan = [...]`): the
//! scheduled scan (triggered deterministically, with the clock pinned by
//! `--now`) only proposes; Accept, Edit and Ignore record through the same
//! code as `debrief mail scan --apply` and `debrief mail ignore`.

mod common;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use debrief_web::AppState;
use serde_json::{Value, json};

/// After every message of the test mailbox.
const NOW: &str = "2026-12-01T09:00:00-06:00";

struct Inbox {
    addr: SocketAddr,
    state: AppState,
    maildir: PathBuf,
    _dir: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
}

impl Inbox {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

fn message(name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../mailbox/tests/mail")
        .join(format!("{name}.eml"));
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Puts a message in the Maildir (`.Sent` for mail the user sent), with a
/// file time of `second` (the Maildir's order).
fn deliver(root: &Path, name: &str, second: u64) {
    let folder = if name.starts_with("sent") {
        root.join(".Sent")
    } else {
        root.to_path_buf()
    };
    let file = folder.join("cur").join(format!("{second}.M1P1.test:2,S"));
    std::fs::write(&file, message(name)).expect("write");
    let f = std::fs::File::options()
        .write(true)
        .open(&file)
        .expect("open");
    f.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(second))
        .expect("mtime");
}

fn start() -> Inbox {
    let dir = tempfile::tempdir().expect("dir");
    let root = dir.path().join("Mail");
    for sub in ["cur", "new", "tmp", ".Sent/cur", ".Sent/new", ".Sent/tmp"] {
        std::fs::create_dir_all(root.join(sub)).expect("mkdir");
    }
    let toml = dir.path().join("mail.toml");
    std::fs::write(&toml, format!("scan = [\"maildir:{}\"]\n", root.display())).expect("mail.toml");
    let sources = debrief_mail::Sources {
        config_file: Some(toml),
        config_named: true,
        ..debrief_mail::Sources::none()
    };
    let db = dir.path().join("debrief.db");
    let state = AppState::open_with_mail(&db, Some(NOW.to_string()), sources).expect("store");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = debrief_web::router(state.clone(), true);
    runtime.spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    let i = Inbox {
        addr,
        state,
        maildir: root,
        _dir: dir,
        _runtime: runtime,
    };
    let mut data: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../cli/tests/fixtures/acme.json"),
        )
        .expect("fixture"),
    )
    .expect("json");
    data["profile"]["emails"] = json!(["sam@rivera.example"]);
    let r = call(&i, "POST", "/api/v1/import", Some(&data));
    assert_eq!(r.0, 200, "{}", r.1);
    i
}

/// A request to the inbox server: (status, body).
fn call(i: &Inbox, method: &str, path: &str, body: Option<&Value>) -> (u16, String) {
    let agent = common::agent();
    let url = i.url(path);
    let mut res = match (method, body) {
        ("GET", _) => agent.get(&url).call(),
        (_, Some(b)) => agent.post(&url).send_json(b),
        (_, None) => agent.post(&url).send_empty(),
    }
    .expect("request");
    let status = res.status().as_u16();
    (status, res.body_mut().read_to_string().unwrap_or_default())
}

fn json_of(r: (u16, String)) -> Value {
    assert!(r.0 < 300, "{} {}", r.0, r.1);
    serde_json::from_str(&r.1).unwrap_or_else(|e| panic!("{e}: {}", r.1))
}

fn waiting(i: &Inbox) -> Vec<Value> {
    json_of(call(i, "GET", "/api/v1/inbox", None))["proposals"]
        .as_array()
        .expect("proposals")
        .clone()
}

fn app(i: &Inbox) -> Value {
    json_of(call(i, "GET", "/api/v1/applications/acme-analyst", None))
}

#[test]
fn the_scheduled_scan_only_proposes_and_the_inbox_shows_what_is_new() {
    let i = start();
    let before = app(&i);
    assert!(waiting(&i).is_empty());
    let (status, page) = call(&i, "GET", "/inbox", None);
    assert_eq!(status, 200);
    assert!(page.contains("Nothing waits for a decision"), "{page}");
    assert!(page.contains("Scan now"), "a mailbox is configured: {page}");

    deliver(&i.maildir, "sent-1-thanks", 1_764_000_001);
    deliver(&i.maildir, "inbox-7-rejection", 1_764_000_002);
    // What `debrief serve --scan-mail-every` runs on each tick.
    let reports = debrief_web::inbox::scan_configured(&i.state).expect("scan");
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].proposals, 2, "{reports:?}");
    assert!(reports[0].error.is_none(), "{reports:?}");
    let kinds: Vec<String> = waiting(&i)
        .iter()
        .map(|p| p["kind"].as_str().expect("kind").to_string())
        .collect();
    assert_eq!(kinds, ["touch", "outcome"]);
    assert_eq!(app(&i), before, "a scheduled scan records nothing");

    // New mail arrives; the next tick proposes it too, once each.
    deliver(&i.maildir, "inbox-3-reply", 1_764_000_003);
    debrief_web::inbox::scan_configured(&i.state).expect("scan");
    let w = waiting(&i);
    let mut kinds: Vec<&str> = w
        .iter()
        .map(|p| p["kind"].as_str().expect("kind"))
        .collect();
    kinds.sort();
    assert_eq!(kinds, ["outcome", "reply", "touch"], "{w:#?}");
    let (_, page) = call(&i, "GET", "/inbox", None);
    assert!(page.contains("A reply from marie"), "{page}");
    assert!(page.contains("Outcome: rejected"), "{page}");
    assert!(
        page.contains("move forward with other candidates"),
        "the evidence: {page}"
    );
    assert_eq!(app(&i), before, "still nothing recorded");
}

#[test]
fn accept_edit_and_ignore_record_through_the_mail_scan_code() {
    let i = start();
    deliver(&i.maildir, "sent-1-thanks", 1_764_000_001);
    deliver(&i.maildir, "sent-2-chase", 1_764_000_002);
    deliver(&i.maildir, "inbox-7-rejection", 1_764_000_003);
    let r = json_of(call(&i, "POST", "/api/v1/inbox/scan", None));
    assert_eq!(r["scanned"][0]["proposals"], 3, "{r}");
    let w = waiting(&i);
    let id_of = |pred: &dyn Fn(&Value) -> bool| {
        w.iter()
            .find(|p| pred(p))
            .and_then(|p| p["id"].as_str())
            .expect("proposal")
            .to_string()
    };
    let thanks = id_of(&|p| p["touch_kind"] == "thank-you");
    let chase = id_of(&|p| p["touch_kind"] == "status-check");
    let outcome = id_of(&|p| p["kind"] == "outcome");

    // Edit: accepted as another kind, at another time.
    let d = json_of(call(
        &i,
        "POST",
        &format!("/api/v1/inbox/{thanks}/accept"),
        Some(&json!({ "touch_kind": "other", "at": "2026-11-20T18:00:00-06:00" })),
    ));
    assert_eq!(d["recorded"], true, "{d}");
    let touches = app(&i)["touches"].clone();
    let t = touches
        .as_array()
        .expect("touches")
        .iter()
        .find(|t| t["message_id"] == "<thanks-marie@rivera.example>")
        .unwrap_or_else(|| panic!("{touches:#}"));
    assert_eq!(t["kind"], "other");
    assert_eq!(t["at"], "2026-11-20T18:00:00-06:00");

    // A field that does not fit the kind is refused, nothing written.
    let before = app(&i);
    let r = call(
        &i,
        "POST",
        &format!("/api/v1/inbox/{outcome}/accept"),
        Some(&json!({ "touch_kind": "other" })),
    );
    assert_eq!(r.0, 422, "{}", r.1);
    assert!(r.1.contains("touch_kind"), "{}", r.1);
    assert_eq!(app(&i), before);

    // Ignore: gone from the list, never proposed again.
    json_of(call(
        &i,
        "POST",
        &format!("/api/v1/inbox/{chase}/ignore"),
        None,
    ));
    let ids: Vec<String> = waiting(&i)
        .iter()
        .map(|p| p["id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(ids, std::slice::from_ref(&outcome));
    debrief_web::inbox::scan_configured(&i.state).expect("scan");
    let ids: Vec<String> = waiting(&i)
        .iter()
        .map(|p| p["id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(
        ids,
        std::slice::from_ref(&outcome),
        "neither the accepted nor the ignored come back"
    );

    // Accepting what is no longer waiting: 404, and a bad id 422.
    let r = call(&i, "POST", &format!("/api/v1/inbox/{chase}/accept"), None);
    assert_eq!(r.0, 404, "{}", r.1);
    let r = call(&i, "POST", "/api/v1/inbox/nonsense/accept", None);
    assert_eq!(r.0, 422, "{}", r.1);

    // The page's form: the outcome accepted as is.
    let d = json_of(call(
        &i,
        "POST",
        &format!("/api/v1/inbox/{outcome}/accept"),
        None,
    ));
    assert_eq!(d["recorded"], true);
    let a = app(&i);
    assert_eq!(a["outcome"]["kind"], "rejected", "{a:#}");
    assert!(waiting(&i).is_empty());
}
