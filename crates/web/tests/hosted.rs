//! Hosted mode (FORMAT.md §3) on a real PostgreSQL database, served as a
//! role that owns nothing (so forced row-level security binds it):
//! signing in, throttling, sharing, the caseload, and the isolation
//! matrix — every route of the router, read from its source, with every
//! kind of foreign id, proving that no answer of any status carries
//! another vault's data, that a foreign id answers exactly as a missing
//! one, and that a coach's every write is 403. Needs
//! `DEBRIEF_TEST_DATABASE_URL` (`.ci/postgres`, which also makes the role
//! `debrief_app`); skipped loudly without it.

use debrief_web::hosted::HostedConfig;

const NOW: &str = "2026-11-20T15:00:00-06:00";

/// What only the victim's vault holds: none of it may reach anyone else.
const SECRETS: &[&str] = &[
    "Acme Corp",
    "Marie Dubois",
    "Raj Patel",
    "APAC expansion",
    "Sam Rivera",
    "marie@acme.example",
    "reporting to dbt",
];

mod common;

use debrief_testkit::eventually;

fn secs(n: u64) -> std::time::Duration {
    std::time::Duration::from_secs(n)
}

/// The shared hosted server (`tests/common/hosted.rs`), with the victim's
/// and the attacker's data.
struct Site(common::hosted::HostedSite);

impl std::ops::Deref for Site {
    type Target = common::hosted::HostedSite;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

fn start() -> Option<Site> {
    let site = Site(common::hosted::HostedSite::start_with(
        NOW,
        "hosted-mode web tests",
        HostedConfig {
            trusted_proxies: vec!["127.0.0.2".parse().expect("ip")],
            ..HostedConfig::default()
        },
    )?);
    let fixture = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../cli/tests/fixtures/acme.json"
    ))
    .expect("fixture");
    let r = site.call("POST", "/api/v1/import", Some(&site.victim), Some(&fixture));
    assert_eq!(r.status, 200, "{}", r.body);
    let r = site.call(
        "POST",
        "/api/v1/applications",
        Some(&site.attacker),
        Some(r#"{"id": "bolt-dev", "company": "Bolt Ltd", "role": "Developer"}"#),
    );
    assert!(r.status < 300, "{}", r.body);
    Some(site)
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .allow_non_standard_methods(true)
        .build()
        .into()
}

impl Site {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn call(&self, method: &str, path: &str, token: Option<&str>, body: Option<&str>) -> Reply {
        self.request(method, path, token, body, &[])
    }

    fn request(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut req = ureq::http::Request::builder()
            .method(method)
            .uri(self.url(path));
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let api = path.starts_with("/api/");
        if body.is_some() {
            req = req.header(
                "content-type",
                if api {
                    "application/json"
                } else {
                    "application/x-www-form-urlencoded"
                },
            );
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let mut r = match body {
            Some(b) => agent().run(req.body(b.to_string()).expect("request")),
            None => agent().run(req.body(()).expect("request")),
        }
        .expect("request sent");
        Reply {
            status: r.status().as_u16(),
            headers: r
                .headers()
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
                .collect(),
            body: r.body_mut().read_to_string().unwrap_or_default(),
        }
    }
}

fn assert_no_secret(r: &Reply, what: &str) {
    for s in SECRETS {
        assert!(
            !r.body.contains(s),
            "{what} answered {} with the victim's data ({s}): {}",
            r.status,
            &r.body[..r.body.len().min(400)]
        );
    }
}

/// Every route of the vault router, from its source: `.route("PATH", …)`
/// in the web crate, under `/api/v1` when declared in `api.rs`'s
/// `routes` or any `api_routes` (as `lib.rs` nests them).
fn vault_routes() -> Vec<String> {
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut files = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(src)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("src") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    let mut routes = Vec::new();
    for f in files {
        let name = f
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        // Hosted mode's own router (sign-in, health), not a vault's.
        if name == "gate.rs" || name == "hosted.rs" {
            continue;
        }
        let text = std::fs::read_to_string(&f).expect("read");
        let mut at = 0;
        while let Some(i) = text[at..].find(".route(") {
            let start = at + i + ".route(".len();
            at = start;
            let rest = text[start..].trim_start();
            let Some(rest) = rest.strip_prefix('"') else {
                continue;
            };
            let Some(end) = rest.find('"') else { continue };
            let path = &rest[..end];
            let before = &text[..start];
            let func = before
                .rfind("fn ")
                .map(|k| {
                    before[k + 3..]
                        .split(|c: char| !c.is_alphanumeric() && c != '_')
                        .next()
                        .unwrap_or("")
                })
                .unwrap_or("");
            let api = func == "api_routes" || (name == "api.rs" && func == "routes");
            routes.push(if api {
                format!("/api/v1{path}")
            } else {
                path.to_string()
            });
        }
    }
    routes.sort();
    routes.dedup();
    routes
}

/// A route with its parameters filled in: the victim's ids (`foreign`)
/// or ids that exist nowhere.
fn fill(route: &str, foreign: bool) -> String {
    let ids: &[(&str, &str, &str)] = &[
        ("{id}", "acme-analyst", "nosuch-app-00"),
        ("{iv}", "acme-panel", "nosuch-iv-0"),
        ("{person}", "marie", "nosu0"),
        ("{kind}", "touches", "touches"),
        ("{n}", "1", "1"),
        ("{file}", "feed.ics", "feed.ics"),
    ];
    let mut out = route.to_string();
    for (param, f, m) in ids {
        out = out.replace(param, if foreign { f } else { m });
    }
    out
}

/// The answer to a foreign id, with the ids swapped for the missing ones'.
fn as_missing(body: &str) -> String {
    without_nonces(
        &body
            .replace("acme-analyst", "nosuch-app-00")
            .replace("acme-panel", "nosuch-iv-0")
            .replace("marie", "nosu0"),
    )
}

/// A page with the same words, the per-render form keys (`_once`, against
/// double submits) blanked: they differ on every page, foreign or not.
fn without_nonces(body: &str) -> String {
    const KEY: &str = r#"name="_once" value=""#;
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(i) = rest.find(KEY) {
        out.push_str(&rest[..i + KEY.len()]);
        rest = &rest[i + KEY.len()..];
        rest = rest.find('"').map_or("", |end| &rest[end..]);
    }
    out.push_str(rest);
    out
}

const METHODS: &[&str] = &["GET", "POST", "PATCH", "PUT", "DELETE"];

#[test]
fn isolation_matrix_over_every_route_and_id_kind() {
    let Some(site) = start() else { return };
    let routes = vault_routes();
    assert!(routes.len() > 60, "too few routes found: {routes:?}");
    assert!(
        routes
            .iter()
            .any(|r| r == "/api/v1/applications/{id}/touches")
    );
    let mut checked = 0;
    for route in &routes {
        let with_ids = route.contains('{');
        for method in METHODS {
            let body =
                (*method != "GET").then(|| if route.starts_with("/api/") { "{}" } else { "" });
            let foreign = fill(route, true);
            // Another candidate, with the victim's ids.
            let r = site.call(method, &foreign, Some(&site.attacker), body);
            assert_no_secret(&r, &format!("{method} {foreign} as another candidate"));
            if with_ids {
                let missing = site.call(method, &fill(route, false), Some(&site.attacker), body);
                assert_eq!(
                    (r.status, as_missing(&r.body)),
                    (missing.status, without_nonces(&missing.body)),
                    "{method} {foreign}: a foreign id must answer as a missing one"
                );
            }
            // No credentials: nothing at all (but the stylesheet, script
            // and icon, which hold no data).
            let anon = site.call(method, &foreign, None, body);
            let public = foreign.starts_with("/assets/") || foreign == "/favicon.ico";
            assert!(
                public || matches!(anon.status, 401 | 303),
                "{method} {foreign} without credentials: {}",
                anon.status
            );
            assert_no_secret(&anon, &format!("{method} {foreign} anonymous"));
            // Coaches and the admin have no vault of their own: the
            // victim's ids are not theirs either.
            for (who, token) in [
                ("coach", &site.coach),
                ("other coach", &site.other_coach),
                ("admin", &site.admin),
            ] {
                let r = site.call(method, &foreign, Some(token), body);
                assert_no_secret(&r, &format!("{method} {foreign} as {who}"));
                // Their own start page (caseload, accounts) and the
                // stylesheet, script and icon are theirs to read.
                if !(public || foreign == "/" && *method == "GET") {
                    assert_ne!(r.status / 100, 2, "{method} {foreign} as {who} succeeded");
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 300, "{checked}");

    // A coach the victim shares with reads, and never writes: 403 on
    // every write route under the candidate's prefix.
    let r = site.call(
        "POST",
        "/api/v1/sharing",
        Some(&site.victim),
        Some(r#"{"coach": "coach@example.org"}"#),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let id = site.victim_id;
    let r = site.call(
        "GET",
        &format!("/api/v1/candidates/{id}/agenda"),
        Some(&site.coach),
        None,
    );
    assert_eq!(r.status, 200);
    assert!(r.body.contains("acme-analyst"));
    for route in &routes {
        let filled = fill(route, true);
        let (prefix, tail) = match filled.strip_prefix("/api/v1") {
            Some(tail) => (format!("/api/v1/candidates/{id}"), tail.to_string()),
            None => (format!("/candidates/{id}"), filled.clone()),
        };
        for method in ["POST", "PATCH", "PUT", "DELETE"] {
            let path = format!("{prefix}{tail}");
            let body = if path.starts_with("/api/") { "{}" } else { "" };
            let r = site.call(method, &path, Some(&site.coach), Some(body));
            assert!(
                r.status == 403 || r.status == 404,
                "{method} {path} as the sharing coach: {} {}",
                r.status,
                r.body
            );
            if route.starts_with("/api/v1/applications") || route == "/api/v1/agenda" {
                assert_eq!(r.status, 403, "{method} {path} as the sharing coach");
            }
            // The coach the victim does not share with: 404 as for no one.
            let other = site.call(method, &path, Some(&site.other_coach), Some(body));
            let nobody = site.call(
                method,
                &path.replace(&format!("/candidates/{id}"), "/candidates/987654"),
                Some(&site.other_coach),
                Some(body),
            );
            assert_eq!(other.status, 404, "{method} {path} as an unshared coach");
            assert_eq!(
                other
                    .body
                    .replace(&format!("/candidates/{id}"), "/candidates/987654"),
                nobody.body
            );
            assert_no_secret(&other, &format!("{method} {path} as an unshared coach"));
        }
    }
    // Reads of the unshared coach, the admin and the other candidate: 404.
    for (who, token) in [
        ("other coach", &site.other_coach),
        ("admin", &site.admin),
        ("attacker", &site.attacker),
    ] {
        for tail in [
            "agenda",
            "stats",
            "applications",
            "applications/acme-analyst",
        ] {
            let r = site.call(
                "GET",
                &format!("/api/v1/candidates/{id}/{tail}"),
                Some(token),
                None,
            );
            assert_eq!(r.status, 404, "{who} {tail}");
            assert_no_secret(&r, who);
        }
    }
    // The caseload has counts, never the notes' or people's texts.
    let r = site.call("GET", "/api/v1/caseload", Some(&site.coach), None);
    assert_eq!(r.status, 200);
    assert_no_secret(&r, "the caseload");
    let r = site.call("GET", "/api/v1/caseload", Some(&site.other_coach), None);
    assert_eq!(r.body, r#"{"candidates":[]}"#);
}

#[test]
fn sharing_is_immediate_listed_in_history_and_revocable() {
    let Some(site) = start() else { return };
    let id = site.victim_id;
    let agenda = format!("/api/v1/candidates/{id}/agenda");
    assert_eq!(
        site.call("GET", &agenda, Some(&site.coach), None).status,
        404
    );
    let r = site.call(
        "POST",
        "/api/v1/sharing",
        Some(&site.victim),
        Some(r#"{"coach": "Coach@Example.org"}"#),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let r = site.call(
        "POST",
        "/api/v1/sharing",
        Some(&site.victim),
        Some(r#"{"coach": "admin@example.org"}"#),
    );
    assert_eq!(r.status, 404, "only coaches: {}", r.body);
    let r = site.call(
        "POST",
        "/api/v1/sharing",
        Some(&site.victim),
        Some(r#"{"coch": 1}"#),
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("coach"), "{}", r.body);
    let r = site.call("GET", "/api/v1/sharing", Some(&site.victim), None);
    assert!(r.body.contains("coach@example.org"), "{}", r.body);
    assert_eq!(
        site.call("GET", &agenda, Some(&site.coach), None).status,
        200
    );
    let caseload = site.call("GET", "/api/v1/caseload", Some(&site.coach), None);
    let v: serde_json::Value = serde_json::from_str(&caseload.body).expect("json");
    assert_eq!(v["candidates"][0]["id"], id.to_string());
    assert_eq!(v["candidates"][0]["health"]["applications"], 1);
    assert_eq!(
        v["candidates"][0]["health"]["stages"]["interviewing"], 1,
        "{v}"
    );
    let r = site.call("GET", "/api/v1/history", Some(&site.victim), None);
    assert!(
        r.body.contains("share read access with coach@example.org"),
        "{}",
        r.body
    );
    let r = site.call(
        "DELETE",
        "/api/v1/sharing/coach%40example.org",
        Some(&site.victim),
        None,
    );
    assert_eq!(r.status, 204);
    assert_eq!(
        site.call("GET", &agenda, Some(&site.coach), None).status,
        404
    );
    let r = site.call("GET", "/api/v1/history", Some(&site.victim), None);
    assert!(r.body.contains("stop sharing with coach@example.org"));
    // Only a candidate shares; only a coach has a caseload.
    assert_eq!(
        site.call("GET", "/api/v1/sharing", Some(&site.coach), None)
            .status,
        403
    );
    assert_eq!(
        site.call("GET", "/api/v1/caseload", Some(&site.victim), None)
            .status,
        403
    );
}

fn form_login(site: &Site, email: &str, password: &str, headers: &[(&str, &str)]) -> Reply {
    let body = format!(
        "email={}&password={}",
        email.replace('@', "%40"),
        password.replace(' ', "+")
    );
    site.request("POST", "/login", None, Some(&body), headers)
}

#[test]
fn browsers_sign_in_with_a_session_cookie_and_are_throttled() {
    let Some(site) = start() else { return };
    assert_eq!(
        site.call("GET", "/", None, None).header("location"),
        Some("/login")
    );
    let r = form_login(&site, "victim@example.org", "a long password", &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    let cookie = r.header("set-cookie").expect("cookie").to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    assert!(
        !cookie.contains("Secure"),
        "plain http on loopback: {cookie}"
    );
    let session = cookie.split(';').next().expect("pair").to_string();
    let r = site.request("GET", "/api/v1/agenda", None, None, &[("cookie", &session)]);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("acme-analyst"));
    // Signing out ends the session at once.
    let r = site.request("POST", "/logout", None, Some(""), &[("cookie", &session)]);
    assert_eq!(r.status, 303);
    let r = site.request("GET", "/api/v1/agenda", None, None, &[("cookie", &session)]);
    assert_eq!(r.status, 401);
    assert!(r.body.is_empty());

    // Five wrong passwords, then the account waits, whatever the address.
    for _ in 0..5 {
        let r = form_login(&site, "attacker@example.org", "wrong password", &[]);
        assert_eq!(r.status, 401);
        assert!(r.body.contains("Wrong email or password."));
    }
    let r = form_login(&site, "attacker@example.org", "a long password", &[]);
    assert_eq!(r.status, 429);
    assert!(r.body.contains("Try again in 2 s."), "{}", r.body);
    // X-Forwarded-For from a client that is no configured proxy is
    // ignored: the throttle keys on the connection's own address, which
    // has failed five times now too.
    let r = form_login(
        &site,
        "victim@example.org",
        "a long password",
        &[("x-forwarded-for", "203.0.113.9")],
    );
    assert_eq!(r.status, 429, "{}", r.body);
}

#[test]
fn health_and_readiness_answer_without_credentials() {
    let Some(site) = start() else { return };
    let r = site.call("GET", "/healthz", None, None);
    assert_eq!((r.status, r.body.as_str()), (200, r#"{"status":"ok"}"#));
    let r = site.call("GET", "/readyz", None, None);
    assert_eq!(r.status, 200);
    assert_eq!(
        site.call("GET", "/assets/style.css", None, None).status,
        200
    );
}

#[test]
fn settings_lists_the_coaches_and_shares_and_revokes_and_every_page_signs_out() {
    let Some(site) = start() else { return };
    let id = site.victim_id;
    let agenda = format!("/api/v1/candidates/{id}/agenda");
    let r = site.call("GET", "/settings", Some(&site.victim), None);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Coaches with access"), "{}", r.body);
    assert!(r.body.contains(r#"id="no-coaches""#));
    // Share from Settings: the same use case as POST /api/v1/sharing.
    let r = site.call(
        "POST",
        "/sharing",
        Some(&site.victim),
        Some("coach=Coach%40example.org&back=%2Fsettings&_once=0123"),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.header("location"), Some("/settings#sharing"));
    let r = site.call("GET", "/settings", Some(&site.victim), None);
    assert!(r.body.contains("coach@example.org"), "{}", r.body);
    assert!(r.body.contains("Stop sharing with coach@example.org"));
    assert_eq!(
        site.call("GET", &agenda, Some(&site.coach), None).status,
        200
    );
    let api = site.call("GET", "/api/v1/sharing", Some(&site.victim), None);
    assert!(api.body.contains("coach@example.org"), "{}", api.body);
    // A coach who is not one: said on the Sharing page, nothing shared.
    let r = site.call(
        "POST",
        "/sharing",
        Some(&site.victim),
        Some("coach=admin%40example.org&back=%2Fsettings"),
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("No coach has the email admin@example.org."));
    // Every page of hosted mode has its way out: the candidate's own,
    // the coach's (the caseload, a candidate read), the admin's.
    for (who, token, path) in [
        ("candidate", &site.victim, "/".to_string()),
        ("candidate", &site.victim, "/applications".to_string()),
        (
            "candidate",
            &site.victim,
            "/applications/acme-analyst".to_string(),
        ),
        ("candidate", &site.victim, "/insights".to_string()),
        ("candidate", &site.victim, "/people".to_string()),
        ("candidate", &site.victim, "/inbox".to_string()),
        ("candidate", &site.victim, "/settings".to_string()),
        ("candidate", &site.victim, "/sharing".to_string()),
        ("coach", &site.coach, "/".to_string()),
        ("coach", &site.coach, format!("/candidates/{id}")),
        ("coach", &site.coach, format!("/candidates/{id}/insights")),
        ("admin", &site.admin, "/".to_string()),
    ] {
        let r = site.call("GET", &path, Some(token), None);
        assert_eq!(r.status, 200, "{who} {path}: {}", r.body);
        assert!(
            r.body.contains(r#"action="/logout""#) && r.body.contains("Sign out"),
            "{who} {path} has no Sign out"
        );
    }
    // The coach reading a candidate's pages sees no sharing section of
    // theirs, and cannot reach Settings.
    let r = site.call(
        "GET",
        &format!("/candidates/{id}/settings"),
        Some(&site.coach),
        None,
    );
    assert_eq!(r.status, 404);
    // Stop sharing from Settings: at once.
    let r = site.call(
        "POST",
        "/sharing/revoke",
        Some(&site.victim),
        Some("coach=coach%40example.org&back=%2Fsettings"),
    );
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/settings#sharing"));
    assert_eq!(
        site.call("GET", &agenda, Some(&site.coach), None).status,
        404
    );
    let r = site.call("GET", "/settings", Some(&site.victim), None);
    assert!(r.body.contains(r#"id="no-coaches""#));
    // Signing out from a vault's page ends the browser's session.
    let r = form_login(&site, "victim@example.org", "a long password", &[]);
    let cookie = r.header("set-cookie").expect("cookie").to_string();
    let session = cookie.split(';').next().expect("pair").to_string();
    let r = site.request("GET", "/settings", None, None, &[("cookie", &session)]);
    assert!(r.body.contains("Signed in as victim@example.org."));
    let r = site.request(
        "POST",
        "/logout",
        None,
        Some("_once=1"),
        &[("cookie", &session)],
    );
    assert_eq!(r.status, 303);
    let r = site.request("GET", "/settings", None, None, &[("cookie", &session)]);
    assert_eq!(r.header("location"), Some("/login"));
}

#[test]
fn revocations_and_writes_from_elsewhere_reach_a_server_that_remembers() {
    use debrief_store::{Change, StoreWriter};
    use debrief_store_postgres::hosted::Directory;
    let Some(site) = start() else {
        return;
    };
    let ready = site.call("GET", "/readyz", None, None);
    assert_eq!(ready.status, 200);
    assert!(
        eventually(secs(10), || {
            site.call("GET", "/readyz", None, None)
                .body
                .contains(r#""listening":true"#)
        }),
        "the server listens for changes: {}",
        ready.body
    );
    // Read twice: the token's account and the vault's revision are kept.
    for _ in 0..2 {
        let r = site.call("GET", "/api/v1/applications", Some(&site.victim), None);
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(!r.body.contains("zeta-labs"));
    }

    // The command line (the database's owner) writes into the vault: the
    // server's next answers show it, though it asked nothing in between.
    let vault = debrief_store_postgres::hosted::vault_name(site.victim_id);
    let mut elsewhere = debrief_store_postgres::PgStore::connect_vault(site.database_url(), &vault)
        .expect("the vault, as its owner");
    elsewhere
        .apply(&[Change::PutApplication(
            debrief_store::conformance::small_application("zeta-labs", "Zeta Labs"),
        )])
        .expect("write elsewhere");
    assert!(
        eventually(secs(5), || {
            site.call("GET", "/api/v1/applications", Some(&site.victim), None)
                .body
                .contains("zeta-labs")
        }),
        "a write from elsewhere reaches the server"
    );

    // `admin token --revoke` elsewhere: the kept token stops working.
    let dir = Directory::connect(site.database_url()).expect("directory");
    let victim = dir
        .account("victim@example.org")
        .expect("read")
        .expect("the victim");
    assert!(dir.revoke_token(&victim, "test").expect("revoke"));
    assert!(
        eventually(secs(5), || {
            site.call("GET", "/api/v1/agenda", Some(&site.victim), None)
                .status
                == 401
        }),
        "a revoked token is refused"
    );
    // Disabling an account ends its kept token too.
    let r = site.call("GET", "/api/v1/agenda", Some(&site.attacker), None);
    assert_eq!(r.status, 200);
    dir.disable("attacker@example.org").expect("disable");
    assert!(
        eventually(secs(5), || {
            site.call("GET", "/api/v1/agenda", Some(&site.attacker), None)
                .status
                == 401
        }),
        "a disabled account's token is refused"
    );
}
