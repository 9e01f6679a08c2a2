//! Signing in with an OpenID Connect provider (hosted mode), against a
//! real one: npm's `oidc-provider` (`tests/oidc/provider.mjs`, pinned in
//! `tests/oidc/package.json`) on a free loopback port, with its own
//! sign-in and consent pages. The test is the browser: it follows every
//! redirect, keeps each site's cookies, and fills in the provider's forms.
//!
//! Needs `DEBRIEF_TEST_DATABASE_URL` (`.ci/postgres`), `node`, and the
//! package installed where `.ci/run` puts it:
//! `npm ci --prefix target/oidc-provider` after copying `tests/oidc/package*.json`
//! there (or name another directory with `DEBRIEF_OIDC_PROVIDER_DIR`).
//! Skipped loudly without them.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use common::hosted::HostedSite;
use debrief_store_postgres::hosted::{Directory, Role};
use debrief_web::hosted::HostedConfig;
use debrief_web::oidc::{self as oidc_limits, OidcSettings, Provider};

const NOW: &str = "2026-11-20T15:00:00-06:00";
const CLIENT_ID: &str = "debrief-test";
const CLIENT_SECRET: &str = "a-client-secret-for-the-test-only";

/// Where `oidc-provider` is installed, or `None` after saying loudly how
/// to install it.
fn provider_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("DEBRIEF_OIDC_PROVIDER_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../target/oidc-provider"
            ))
        });
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let package = dir.join("node_modules/oidc-provider/package.json").exists();
    if node && package {
        return Some(dir);
    }
    eprintln!(
        "!! SKIPPED the OpenID Connect sign-in test: {}. To run it: \
         mkdir -p target/oidc-provider && cp crates/web/tests/oidc/package*.json target/oidc-provider/ \
         && npm ci --prefix target/oidc-provider (as .ci/run does), \
         or set DEBRIEF_OIDC_PROVIDER_DIR to a directory where oidc-provider is installed",
        if node {
            format!("npm's oidc-provider is not installed in {}", dir.display())
        } else {
            "node is not installed".to_string()
        }
    );
    None
}

/// The provider's process, stopped when the test ends.
struct NodeProvider {
    child: Child,
    issuer: String,
}

impl Drop for NodeProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_provider(dir: &std::path::Path, redirect_uri: &str, now: i64) -> NodeProvider {
    // From the install directory, so that `import 'oidc-provider'` finds it.
    let script = dir.join("debrief-provider.mjs");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oidc/provider.mjs"),
        &script,
    )
    .expect("copy provider.mjs");
    let mut child = Command::new("node")
        .arg(&script)
        .current_dir(dir)
        .env("OIDC_REDIRECT_URI", redirect_uri)
        .env("OIDC_CLIENT_ID", CLIENT_ID)
        .env("OIDC_CLIENT_SECRET", CLIENT_SECRET)
        .env("OIDC_NOW", now.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start node");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout
        .read_line(&mut line)
        .expect("read the provider's first line");
    let Some(issuer) = line.trim().strip_prefix("issuer ").map(str::to_string) else {
        let mut err = String::new();
        let _ = child
            .stderr
            .take()
            .expect("stderr")
            .read_to_string(&mut err);
        let _ = child.kill();
        panic!("the provider did not start: {line}{err}");
    };
    // The rest of its output (warnings), read so that neither pipe fills
    // or breaks.
    let mut stderr = child.stderr.take().expect("stderr");
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut stdout, &mut std::io::sink());
    });
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut stderr, &mut std::io::sink());
    });
    NodeProvider { child, issuer }
}

struct Reply {
    status: u16,
    retry_after: Option<String>,
    location: Option<String>,
    set_cookies: Vec<String>,
    body: String,
}

/// A browser: no automatic redirects, cookies kept per host and port.
struct Browser {
    agent: ureq::Agent,
    jar: HashMap<String, HashMap<String, String>>,
    /// `X-Forwarded-For`, as a trusted proxy would send it.
    forwarded_for: Option<String>,
}

fn authority(url: &str) -> String {
    url.split('/').nth(2).unwrap_or("").to_string()
}

impl Browser {
    fn new() -> Browser {
        Browser {
            agent: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .max_redirects(0)
                .build()
                .into(),
            jar: HashMap::new(),
            forwarded_for: None,
        }
    }

    /// A browser behind a trusted proxy, at client address `ip`.
    fn at(ip: &str) -> Browser {
        Browser {
            forwarded_for: Some(ip.to_string()),
            ..Browser::new()
        }
    }

    fn send(&mut self, url: &str, form: Option<&[(&str, &str)]>) -> Reply {
        let site = authority(url);
        let cookies = self
            .jar
            .get(&site)
            .map(|c| {
                c.iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default();
        let result = match form {
            Some(pairs) => {
                let mut req = self.agent.post(url);
                if !cookies.is_empty() {
                    req = req.header("cookie", &cookies);
                }
                if let Some(ip) = &self.forwarded_for {
                    req = req.header("x-forwarded-for", ip);
                }
                req.send_form(pairs.iter().copied())
            }
            None => {
                let mut req = self.agent.get(url);
                if !cookies.is_empty() {
                    req = req.header("cookie", &cookies);
                }
                if let Some(ip) = &self.forwarded_for {
                    req = req.header("x-forwarded-for", ip);
                }
                req.call()
            }
        };
        let mut r = result.unwrap_or_else(|e| panic!("{url}: {e}"));
        let set_cookies: Vec<String> = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_string)
            .collect();
        let jar = self.jar.entry(site.clone()).or_default();
        for c in &set_cookies {
            let first = c.split(';').next().unwrap_or("");
            let Some((k, v)) = first.split_once('=') else {
                continue;
            };
            let gone = v.is_empty()
                || c.to_ascii_lowercase().contains("max-age=0")
                || c.to_ascii_lowercase().contains("expires=thu, 01 jan 1970");
            if gone {
                jar.remove(k.trim());
            } else {
                jar.insert(k.trim().to_string(), v.to_string());
            }
        }
        let location = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(|l| {
                if l.starts_with('/') {
                    format!("http://{site}{l}")
                } else {
                    l.to_string()
                }
            });
        Reply {
            status: r.status().as_u16(),
            retry_after: r
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
            location,
            set_cookies,
            body: r.body_mut().read_to_string().unwrap_or_default(),
        }
    }

    fn get(&mut self, url: &str) -> Reply {
        self.send(url, None)
    }

    fn post(&mut self, url: &str, form: &[(&str, &str)]) -> Reply {
        self.send(url, Some(form))
    }

    fn has_cookie(&self, site: &str, name: &str) -> bool {
        self.jar.get(site).is_some_and(|c| c.contains_key(name))
    }
}

/// The value of the first `attr="…"` whose value ends with `ending`.
fn attribute_ending(html: &str, attr: &str, ending: &str) -> Option<String> {
    let open = format!("{attr}=\"");
    html.match_indices(&open)
        .map(|(i, _)| &html[i + open.len()..])
        .filter_map(|rest| rest.split('"').next())
        .find(|v| v.ends_with(ending))
        .map(str::to_string)
}

/// A link or form action of a page at `site`, as a whole URL.
fn absolute(site: &str, link: &str) -> String {
    if link.starts_with("http") {
        link.to_string()
    } else {
        format!("http://{site}{link}")
    }
}

/// How the test behaves at the provider and on the way back.
#[derive(Clone, Copy, PartialEq)]
enum Way {
    /// Signs in and allows.
    Allow,
    /// Signs in, then cancels at the consent page.
    Deny,
    /// Allows, then changes the `state` the provider sends back.
    TamperState,
}

struct Test {
    site: HostedSite,
    provider: NodeProvider,
    /// Debrief's side of the provider (its sign-ins in progress).
    debrief: Arc<Provider>,
}

impl Test {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.site.addr)
    }

    fn directory(&self) -> Directory {
        Directory::connect(self.site.database_url()).expect("directory")
    }

    /// Clicks "Sign in with …", signs in at the provider as `login`, and
    /// returns Debrief's answer to the provider's redirect back.
    fn sign_in(&self, b: &mut Browser, login: &str, way: Way) -> Reply {
        let callback = self.url("/login/oidc/callback");
        let provider = authority(&self.provider.issuer);
        let mut r = b.get(&self.url("/login/oidc"));
        for _ in 0..20 {
            if let Some(next) = r.location.clone() {
                assert!((300..400).contains(&r.status), "{}: {}", r.status, r.body);
                if next.starts_with(&callback) {
                    let next = if way == Way::TamperState {
                        let (before, after) = next.split_once("state=").expect("a state");
                        format!("{before}state=X{after}")
                    } else {
                        next
                    };
                    return b.get(&next);
                }
                assert_eq!(authority(&next), provider, "only the provider is visited");
                r = b.get(&next);
                continue;
            }
            assert_eq!(r.status, 200, "the provider's page: {}", r.body);
            if r.body.contains("name=\"login\"") {
                let action = attribute_ending(&r.body, "action", "").expect("login form");
                r = b.post(
                    &absolute(&provider, &action),
                    &[("prompt", "login"), ("login", login), ("password", "any")],
                );
            } else if r.body.contains("value=\"consent\"") {
                if way == Way::Deny {
                    let abort = attribute_ending(&r.body, "href", "/abort").expect("cancel link");
                    r = b.get(&absolute(&provider, &abort));
                } else {
                    let action = attribute_ending(&r.body, "action", "").expect("consent form");
                    r = b.post(&absolute(&provider, &action), &[("prompt", "consent")]);
                }
            } else {
                panic!("an unexpected page at the provider: {}", r.body);
            }
        }
        panic!("the sign-in never came back to Debrief");
    }

    fn signed_in(&self, b: &Browser) -> bool {
        b.has_cookie(&self.site.addr.to_string(), "debrief_session")
    }
}

/// A hosted site with the provider: new accounts only at `allow_domains`
/// (any when empty); `X-Forwarded-For` believed when `behind_proxy`.
fn start(allow_domains: &[&str], behind_proxy: bool) -> Option<Test> {
    let dir = provider_dir()?;
    let now = NOW.parse::<jiff::Timestamp>().expect("NOW").as_second();
    let mut provider = None;
    let mut debrief = None;
    let site = HostedSite::start_configured(NOW, "the OpenID Connect sign-in test", |addr| {
        let p = start_provider(&dir, &format!("http://{addr}/login/oidc/callback"), now);
        let discovered = Provider::discover(OidcSettings {
            issuer: p.issuer.clone(),
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
            role: Role::Candidate,
            allow_domains: allow_domains.iter().map(|d| d.to_string()).collect(),
        })
        .expect("discovery");
        provider = Some(p);
        let discovered = Arc::new(discovered);
        debrief = Some(Arc::clone(&discovered));
        HostedConfig {
            oidc: Some(discovered),
            trusted_proxies: if behind_proxy {
                vec!["127.0.0.1".parse().expect("ip")]
            } else {
                Vec::new()
            },
        }
    })?;
    Some(Test {
        site,
        provider: provider.expect("provider started"),
        debrief: debrief.expect("discovered"),
    })
}

#[test]
fn signing_in_with_a_real_identity_provider() {
    let Some(t) = start(&[], false) else { return };
    let dir = t.directory();
    let accounts_before = dir.accounts().expect("accounts").len();
    let host = authority(&t.provider.issuer);

    // The sign-in page offers the provider beside the password form.
    let mut b = Browser::new();
    let page = b.get(&t.url("/login"));
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(&format!("Sign in with {host}")),
        "{}",
        page.body
    );

    // A first sign-in makes the account, with the configured role.
    let r = t.sign_in(&mut b, "newcomer", Way::Allow);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some(t.url("/").as_str()));
    assert!(t.signed_in(&b), "a session cookie: {:?}", r.set_cookies);
    let made = dir
        .account("newcomer@example.org")
        .expect("lookup")
        .expect("the account was made");
    assert_eq!(made.role, Role::Candidate);
    assert_eq!(made.name, "Nia Newcomer");
    assert_eq!(dir.accounts().expect("accounts").len(), accounts_before + 1);
    let today = b.get(&t.url("/"));
    assert_eq!(today.status, 200, "{}", today.body);
    assert!(
        today.body.contains(r#"title="newcomer@example.org""#),
        "signed in as the newcomer: {}",
        today.body
    );
    let api = b.get(&t.url("/api/v1/agenda"));
    assert_eq!(api.status, 200, "{}", api.body);
    // Such an account has no password to sign in with.
    let mut other = Browser::new();
    let pw = other.post(
        &t.url("/login"),
        &[("email", "newcomer@example.org"), ("password", "!")],
    );
    assert_eq!(pw.status, 401);

    // A second sign-in (another browser) finds the same account.
    let mut again = Browser::new();
    let r = t.sign_in(&mut again, "newcomer", Way::Allow);
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(t.signed_in(&again));
    assert_eq!(
        dir.account("newcomer@example.org").expect("lookup"),
        Some(made.clone())
    );
    assert_eq!(dir.accounts().expect("accounts").len(), accounts_before + 1);

    // An existing account is matched by email in any case.
    let mut victim = Browser::new();
    let r = t.sign_in(&mut victim, "victim", Way::Allow);
    assert_eq!(r.status, 303, "{}", r.body);
    let today = victim.get(&t.url("/"));
    assert!(
        today.body.contains(r#"title="victim@example.org""#),
        "signed in as the victim: {}",
        today.body
    );
    assert_eq!(dir.accounts().expect("accounts").len(), accounts_before + 1);

    // A disabled account stays refused.
    dir.disable("other-coach@example.org").expect("disable");
    let mut gone = Browser::new();
    let r = t.sign_in(&mut gone, "disabled", Way::Allow);
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("is disabled"), "{}", r.body);
    assert!(!t.signed_in(&gone));
    assert_eq!(gone.get(&t.url("/")).status, 303, "back to /login");

    // An email the provider has not verified signs no one in, makes nothing.
    let mut unverified = Browser::new();
    let r = t.sign_in(&mut unverified, "unverified", Way::Allow);
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("has not verified"), "{}", r.body);
    assert!(!t.signed_in(&unverified));
    assert_eq!(dir.account("unverified@example.org").expect("lookup"), None);

    // Cancelling at the provider's consent page.
    let mut denied = Browser::new();
    let r = t.sign_in(&mut denied, "newcomer", Way::Deny);
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("did not allow"), "{}", r.body);
    assert!(!t.signed_in(&denied));

    // A state that is not the one this browser started with is refused,
    // and the sign-in it started is spent.
    let mut tampered = Browser::new();
    let r = t.sign_in(&mut tampered, "newcomer", Way::TamperState);
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("not started in this browser"), "{}", r.body);
    assert!(!t.signed_in(&tampered));

    // The callback without a sign-in started, and with none configured.
    let stray = Browser::new().get(&t.url("/login/oidc/callback?code=x&state=y"));
    assert_eq!(stray.status, 400);
    assert_eq!(dir.accounts().expect("accounts").len(), accounts_before + 1);
}

#[test]
fn without_a_provider_there_is_no_button_and_no_route() {
    let Some(site) = HostedSite::start(NOW, "hosted mode without OpenID Connect") else {
        return;
    };
    let mut b = Browser::new();
    let page = b.get(&format!("http://{}/login", site.addr));
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("Sign in with"), "{}", page.body);
    for path in ["/login/oidc", "/login/oidc/callback?code=x&state=y"] {
        let r = b.get(&format!("http://{}{path}", site.addr));
        assert_eq!(r.status, 404, "{path}: {}", r.body);
    }
}

#[test]
fn with_allowed_domains_only_those_make_accounts_and_existing_ones_still_sign_in() {
    let Some(t) = start(&["EXAMPLE.org"], false) else {
        return;
    };
    let dir = t.directory();
    let created = jiff::Timestamp::from_second(1_795_000_000).expect("time");
    // An account made by the operator at a domain that is not allowed.
    dir.add_account_without_password(
        "guest@elsewhere.test",
        "Gus Guest",
        Role::Candidate,
        created,
    )
    .expect("guest");
    let accounts_before = dir.accounts().expect("accounts").len();

    // At the allowed domain (in another case than given): made.
    let mut b = Browser::new();
    let r = t.sign_in(&mut b, "newcomer", Way::Allow);
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(t.signed_in(&b));
    assert!(
        dir.account("newcomer@example.org")
            .expect("lookup")
            .is_some()
    );
    assert_eq!(dir.accounts().expect("accounts").len(), accounts_before + 1);

    // Another domain, and a subdomain of the allowed one: refused, said
    // why in plain words, nothing made, no one signed in.
    for (login, email) in [
        ("outsider", "out@elsewhere.test"),
        ("subdomain", "sub@mail.example.org"),
    ] {
        let mut b = Browser::new();
        let r = t.sign_in(&mut b, login, Way::Allow);
        assert_eq!(r.status, 403, "{login}: {}", r.body);
        assert!(
            r.body
                .contains(&format!("There is no account for {email} here"))
                && r.body
                    .contains("makes new accounts only for email addresses at example.org"),
            "{login}: {}",
            r.body
        );
        assert!(!t.signed_in(&b), "{login}");
        assert_eq!(b.get(&t.url("/")).status, 303, "{login}: back to /login");
        assert_eq!(dir.account(email).expect("lookup"), None, "{login}");
    }
    assert_eq!(dir.accounts().expect("accounts").len(), accounts_before + 1);

    // An existing account at another domain still signs in (its email
    // in another case at the provider).
    let mut g = Browser::new();
    let r = t.sign_in(&mut g, "guest", Way::Allow);
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(t.signed_in(&g));
    let today = g.get(&t.url("/"));
    assert!(
        today.body.contains(r#"title="guest@elsewhere.test""#),
        "signed in as the guest: {}",
        today.body
    );
    assert_eq!(dir.accounts().expect("accounts").len(), accounts_before + 1);
}

/// The `state` of the provider address `/login/oidc` sends to.
fn state_of(location: &str) -> String {
    location
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("state="))
        .expect("a state")
        .to_string()
}

#[test]
fn failed_answers_from_one_address_make_it_wait_and_starts_are_bounded() {
    let Some(t) = start(&[], true) else { return };
    let dir = t.directory();
    let accounts_before = dir.accounts().expect("accounts").len();
    let callback = t.url("/login/oidc/callback");

    // One refused code at the provider (a started sign-in, a made-up
    // code), then four answers with no sign-in started.
    let mut b = Browser::at("203.0.113.5");
    let r = b.get(&t.url("/login/oidc"));
    assert_eq!(r.status, 303, "{}", r.body);
    let state = state_of(r.location.as_deref().expect("to the provider"));
    let r = b.get(&format!("{callback}?code=made-up&state={state}"));
    assert_eq!(r.status, 401, "{}", r.body);
    assert!(r.body.contains("refused to finish"), "{}", r.body);
    for _ in 0..4 {
        let r = b.get(&format!("{callback}?code=x&state=y"));
        assert_eq!(r.status, 400, "{}", r.body);
    }
    // Now that address waits, at the callback and at the start, with
    // the user-visible wait, and for passwords too (one count per address).
    let pending_before = t.debrief.pending_count();
    for path in ["/login/oidc/callback?code=x&state=y", "/login/oidc"] {
        let r = b.get(&t.url(path));
        assert_eq!(r.status, 429, "{path}: {}", r.body);
        assert!(
            r.body
                .contains("Too many failed sign-ins from your address. Try again in 2 s."),
            "{path}: {}",
            r.body
        );
        assert_eq!(r.retry_after.as_deref(), Some("2"), "{path}");
        assert!(r.location.is_none(), "{path}: not sent to the provider");
    }
    assert_eq!(t.debrief.pending_count(), pending_before, "nothing kept");
    let r = b.post(
        &t.url("/login"),
        &[
            ("email", "victim@example.org"),
            ("password", "a long password"),
        ],
    );
    assert_eq!(r.status, 429, "{}", r.body);
    assert!(r.body.contains("Try again in 2 s."), "{}", r.body);

    // Another address is not held up: it signs in.
    let mut other = Browser::at("203.0.113.6");
    let r = t.sign_in(&mut other, "newcomer", Way::Allow);
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(t.signed_in(&other));

    // Sign-ins started and never finished: one address may keep at most
    // 100 under way; the next waits for the oldest to expire.
    let mut starter = Browser::at("203.0.113.7");
    for i in 0..100 {
        let r = starter.get(&t.url("/login/oidc"));
        assert_eq!(r.status, 303, "start {i}: {}", r.body);
    }
    let r = starter.get(&t.url("/login/oidc"));
    assert_eq!(r.status, 429, "{}", r.body);
    assert!(
        r.body.contains(
            "Too many sign-ins were started from your address and not finished. Try again in"
        ),
        "{}",
        r.body
    );
    assert!(r.retry_after.is_some());
    assert!(t.debrief.pending_count() <= oidc_limits::MAX_PENDING);
    // A further address still may.
    let r = Browser::at("203.0.113.8").get(&t.url("/login/oidc"));
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(dir.accounts().expect("accounts").len(), accounts_before + 1);
}
