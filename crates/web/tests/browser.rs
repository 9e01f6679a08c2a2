//! A whole interview's follow-up in headless Chromium, against the real
//! `debrief` binary (`debrief --db FILE --now TIME serve`) on a real SQLite
//! file: set up, add the application and the people, schedule and prepare,
//! capture the debrief (panel, receptionist, what each said, their date and
//! channel, a slip-up, the reflection), thank each person from the composer
//! with live lint and the panel comparison, watch the actions disappear,
//! see the guard refuse an early chase, wait (the server is restarted with
//! a later clock, which also proves a clean Ctrl-C), check in, record news,
//! a reply, a missed interview, the outcome and feedback, dismiss an action
//! with a reason, edit a person and the application, import and export.
//! Hostile text is shown as text and never runs. Screenshots of the main
//! pages go to target/screenshots/.
//!
//! Needs Debian's `chromium` and `chromium-driver`; without them the test
//! says loudly what it skipped and passes.

mod common;

use common::browser::*;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use common::HOSTILE;
use fantoccini::{Client, Locator};
use serde_json::Value;

/// `debrief serve` running on a free loopback port.
struct Serve {
    child: Child,
    base: String,
    output: Arc<Mutex<Vec<String>>>,
}

impl Serve {
    fn start(bin: &Path, db: &Path, now: &str) -> Serve {
        Serve::start_with(bin, db, now, &[])
    }

    /// With mail settings of its own (`DEBRIEF_MAIL_FROM`…), and none from
    /// this machine.
    fn start_with(bin: &Path, db: &Path, now: &str, env: &[(&str, &str)]) -> Serve {
        let mut cmd = Command::new(bin);
        cmd.args(["--db"])
            .arg(db)
            .args(["--now", now, "serve", "--addr", "127.0.0.1:0"])
            .env_remove("DEBRIEF_NOW")
            .env_remove("DEBRIEF_SMTP_URL")
            .env_remove("DEBRIEF_MAIL_FROM")
            .env_remove("DEBRIEF_MAIL_CONFIG")
            .env_remove("DEBRIEF_MAIL_SCAN");
        if let Some(dir) = db.parent() {
            cmd.env("XDG_CONFIG_HOME", dir.join("config"));
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start debrief serve");
        let stdout = child.stdout.take().expect("stdout");
        let output = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        let lines = output.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.split_whitespace().find(|w| w.starts_with("http://")) {
                    let _ = tx.send(url.trim_end_matches('/').to_string());
                }
                lines.lock().expect("lines").push(line);
            }
        });
        let base = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("debrief serve printed its address");
        Serve {
            child,
            base,
            output,
        }
    }

    /// Ctrl-C, as a person stops it; returns what it printed.
    fn stop(mut self) -> Vec<String> {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .expect("kill");
        assert!(sent.success());
        let deadline = Instant::now() + Duration::from_secs(20);
        let status = loop {
            if let Some(s) = self.child.try_wait().expect("wait") {
                break s;
            }
            assert!(Instant::now() < deadline, "serve did not stop on Ctrl-C");
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(status.success(), "serve exited with {status}");
        std::thread::sleep(Duration::from_millis(100));
        self.output.lock().expect("lines").clone()
    }

    fn get_json(&self, path: &str) -> Value {
        let mut r = common::agent()
            .get(&format!("{}{path}", self.base))
            .call()
            .expect("GET");
        let body = r.body_mut().read_to_string().expect("body");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"))
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a person sees in the main landmark.
async fn text(c: &Client) -> String {
    c.find(Locator::Css("main"))
        .await
        .expect("main")
        .text()
        .await
        .expect("text")
}

/// Whether the element `css` is wholly inside the viewport as the page
/// stands (no scrolling).
async fn in_viewport(c: &Client, css: &str) -> bool {
    c.execute(
        "const e = document.querySelector(arguments[0]); if (!e) return false; \
         const r = e.getBoundingClientRect(); \
         return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight;",
        vec![Value::from(css)],
    )
    .await
    .map(|v| v == Value::Bool(true))
    .unwrap_or(false)
}

async fn goto(c: &Client, url: &str) {
    c.goto(url)
        .await
        .unwrap_or_else(|e| panic!("goto {url}: {e}"));
}

async fn exists(c: &Client, xpath: &str) -> bool {
    c.find(Locator::XPath(xpath)).await.is_ok()
}

async fn type_into(c: &Client, id: &str, text: &str) {
    let el = c
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id}: {e}"));
    el.clear().await.expect("clear");
    el.send_keys(text).await.expect("type");
}

/// Date and time pickers take their value as a person's picker leaves it.
async fn pick(c: &Client, id: &str, value: &str) {
    c.execute(
        "document.getElementById(arguments[0]).value = arguments[1];",
        vec![Value::from(id), Value::from(value)],
    )
    .await
    .expect("set value");
}

async fn choose(c: &Client, select_id: &str, value: &str) {
    c.find(Locator::Css(&format!(
        "#{select_id} option[value='{value}']"
    )))
    .await
    .unwrap_or_else(|e| panic!("#{select_id} {value}: {e}"))
    .click()
    .await
    .expect("choose");
}

async fn click(c: &Client, xpath: &str) {
    c.find(Locator::XPath(xpath))
        .await
        .unwrap_or_else(|e| panic!("{xpath}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {xpath}: {e}"));
}

/// Clicks something that loads a new page and waits for that page: a
/// click returns before the navigation it starts. `confirm` accepts the
/// "are you sure?" question some buttons ask.
async fn submit(c: &Client, xpath: &str, confirm: bool) {
    c.execute("window.__old_page = true;", vec![])
        .await
        .expect("mark");
    click(c, xpath).await;
    if confirm {
        let deadline = Instant::now() + Duration::from_secs(10);
        while c.accept_alert().await.is_err() {
            assert!(Instant::now() < deadline, "no question after {xpath}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    wait_new_page(c, xpath).await;
}

/// Waits until `css` shows `needle` (live updates from script).
async fn wait_for_text(c: &Client, css: &str, needle: &str) -> String {
    wait_until(c, css, |t| t.contains(needle), needle).await
}

async fn wait_until(c: &Client, css: &str, ok: impl Fn(&str) -> bool, what: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let t = match c.find(Locator::Css(css)).await {
            Ok(el) => el.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if ok(&t) {
            return t;
        }
        assert!(
            Instant::now() < deadline,
            "{css} never showed {what:?}: {t}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

const APP: &str = "acme-corp-data-analyst";

/// Before the interview: Monday of the week.
const MONDAY: &str = "2026-11-16T09:00:00-06:00";
/// The panel ran 10:00–11:30 on Friday; now it is just after.
const FRIDAY: &str = "2026-11-20T12:00:00-06:00";
/// Two and a half weeks later: Marie's date (4 Dec) has passed.
const LATER: &str = "2026-12-08T10:00:00-06:00";

#[test]
fn a_whole_follow_up_in_the_browser() {
    let (Some(chromium), Some(driver)) = (
        find_program(&["chromium", "chromium-browser"]),
        find_program(&["chromedriver"]),
    ) else {
        // Straight to stderr: libtest hides `eprintln!` output of a passing test.
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "\n{}\n!!! BROWSER TESTS SKIPPED: chromium and chromedriver are not installed.\n!!! The end-to-end follow-up in headless Chromium did NOT run.\n!!! To run it: apt-get update && apt-get install -y chromium chromium-driver\n{}\n",
            "!".repeat(72),
            "!".repeat(72)
        );
        return;
    };
    let bin = debrief_binary();
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("debrief.db");
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
        journey(&c, &bin, &db, dir.path()).await;
        let _ = c.close().await;
    });
}

async fn journey(c: &Client, bin: &Path, db: &Path, dir: &Path) {
    // ---- Monday: set up, add the application, schedule and prepare.
    let server = Serve::start(bin, db, MONDAY);
    let base = server.base.clone();
    goto(c, &base).await;
    assert!(text(c).await.contains("Nothing here yet"));

    goto(c, &format!("{base}/settings")).await;
    type_into(c, "profile-name", "Sam Rivera").await;
    type_into(c, "profile-timezone", "America/Chicago").await;
    choose(c, "profile-holidays", "US").await;
    submit(c, "//button[normalize-space()='Save profile']", false).await;
    assert!(text(c).await.contains("Saved your profile."));

    goto(c, &format!("{base}/applications")).await;
    type_into(c, "add-app-company", "Acme Corp").await;
    type_into(c, "add-app-role", "Data Analyst").await;
    submit(c, "//button[normalize-space()='Add application']", false).await;
    let t = text(c).await;
    assert!(
        t.contains("Added Acme Corp.") && t.contains("Acme Corp — Data Analyst"),
        "{t}"
    );

    for (name, title, email) in [
        ("Marie Dubois", "Analytics Lead", "marie@acme.example"),
        ("Raj Patel", "Senior Analyst", ""),
    ] {
        type_into(c, "person-name", name).await;
        choose(c, "person-kind", "interviewer").await;
        type_into(c, "person-title", title).await;
        type_into(c, "person-email", email).await;
        submit(c, "//button[normalize-space()='Add person']", false).await;
        assert!(text(c).await.contains(&format!("Added {name}")));
    }
    pick(c, "interview-start", "2026-11-20T10:00").await;
    type_into(c, "interview-minutes", "90").await;
    choose(c, "interview-format", "in-person").await;
    click(
        c,
        "//form[.//button[normalize-space()='Schedule']]//label[contains(., 'Marie Dubois')]/input",
    )
    .await;
    click(
        c,
        "//form[.//button[normalize-space()='Schedule']]//label[contains(., 'Raj Patel')]/input",
    )
    .await;
    submit(c, "//button[normalize-space()='Schedule']", false).await;
    let t = text(c).await;
    assert!(
        t.contains("Scheduled the interview for Fri 20 Nov, 10:00."),
        "{t}"
    );
    // Preparation is now on the list, each with its why.
    for title in [
        "Research Acme Corp",
        "Prepare three questions",
        "Pack business cards",
    ] {
        assert!(t.contains(title), "{title} missing: {t}");
    }
    type_into(c, "research-fact", "Acme is opening a Singapore office").await;
    type_into(
        c,
        "research-contribution",
        "I ran an APAC reporting rollout",
    )
    .await;
    submit(
        c,
        "//button[normalize-space()='Record the research']",
        false,
    )
    .await;
    assert!(text(c).await.contains("I ran an APAC reporting rollout"));
    click(c, "//article[@id='interview-interview-1']//summary").await;
    click(
        c,
        "//article[@id='interview-interview-1']//input[@name='research']",
    )
    .await;
    type_into(c, "iv-questions-0", "3").await;
    submit(
        c,
        "//article[@id='interview-interview-1']//button[normalize-space()='Save']",
        false,
    )
    .await;
    let t = text(c).await;
    assert!(
        t.contains("Saved the interview of Fri 20 Nov, 10:00."),
        "{t}"
    );
    assert!(!t.contains("Prepare three questions"), "{t}");
    goto(c, &base).await;
    let t = text(c).await;
    assert!(t.contains("Pack business cards"), "{t}");
    shot(c, "today-before").await;
    let lines = server.stop();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("every finished request was saved")),
        "{lines:?}"
    );

    // ---- Friday, right after the panel: capture, then thank each person.
    let server = Serve::start(bin, db, FRIDAY);
    let base = server.base.clone();
    let app_url = format!("{base}/applications/{APP}");
    goto(c, &app_url).await;
    assert!(text(c).await.contains("Capture the interview"));
    submit(
        c,
        "//article[@id='interview-interview-1']//a[normalize-space()='Debrief it']",
        false,
    )
    .await;
    shot(c, "debrief").await;
    for who in ["Marie Dubois", "Raj Patel"] {
        let box_ = format!("//fieldset[legend[contains(., '{who}')]]//input[@name='interviewer']");
        let checked = c
            .find(Locator::XPath(&box_))
            .await
            .expect("box")
            .prop("checked")
            .await
            .expect("checked");
        assert_eq!(
            checked.as_deref(),
            Some("true"),
            "{who} is already on the panel"
        );
    }
    type_into(c, "said-marie", "APAC expansion is next year's priority").await;
    type_into(c, "said-raj", "The team is moving its reporting to dbt").await;
    pick(c, "after-marie", "2026-12-04").await;
    choose(c, "prefers-marie", "email").await;
    type_into(c, "newcomers_met", "Dana Lee").await;
    type_into(c, "slip-1", "Called Marie 'Mary' once").await;
    click(c, "//input[@name='noticed-1']").await;
    click(c, "//input[@name='asked_questions'][@value='yes']").await;
    type_into(c, "went_well", "My story about the migration landed").await;
    type_into(c, "change", "Slow down before answering").await;
    type_into(c, "mistakes", "Rushed the salary question").await;
    type_into(
        c,
        "hardest",
        "Why leave now? Say: to build a team's reporting from scratch",
    )
    .await;
    submit(c, "//button[normalize-space()='Save the debrief']", false).await;
    let t = text(c).await;
    assert!(t.contains("Saved the debrief"), "{t}");
    assert!(
        t.contains("APAC expansion") && t.contains("Dana Lee (receptionist)"),
        "{t}"
    );
    assert!(t.contains("said to follow up after Fri 4 Dec"), "{t}");
    assert!(
        !t.contains("Capture the interview") && !t.contains("Reflect on the interview"),
        "{t}"
    );
    shot(c, "application").await;

    // Today: a thank-you for each interviewer, the receptionist, the apology.
    goto(c, &base).await;
    let card = |rule: &str, who: &str| {
        format!("//li[@data-rule='{rule}'][.//strong[contains(., '{who}')]]")
    };
    for (rule, who) in [
        ("thank-you-note", "Marie"),
        ("thank-you-note", "Raj"),
        ("thank-staff", "Dana"),
    ] {
        assert!(
            exists(c, &card(rule, who)).await,
            "no {rule} for {who}: {}",
            text(c).await
        );
    }
    assert!(exists(c, "//li[@data-rule='apologize-slip']").await);
    shot(c, "today").await;

    // The composer: a draft for Marie, live lint, log it as sent.
    submit(
        c,
        &format!(
            "{}//a[normalize-space()='Write it']",
            card("thank-you-note", "Marie")
        ),
        false,
    )
    .await;
    let t = text(c).await;
    assert!(t.contains("Write to Marie Dubois"), "{t}");
    let draft = c
        .find(Locator::Id("note"))
        .await
        .expect("note")
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default();
    assert!(draft.contains("Marie"), "the draft greets Marie: {draft}");
    type_into(c, "note", "Dear Mary,\n\nThanks ASAP.").await;
    wait_for_text(c, "#diagnostics", "lint/wrong-name").await;
    let marie_note = "Dear Marie,\n\nThank you for the conversation on Friday. What you said about APAC expansion being next year's priority stayed with me: I ran a reporting rollout across four APAC offices and would like to bring that to Acme.\n\nI'm sorry for calling you Mary once; it was a slip.\n\nBest regards,\nSam Rivera";
    type_into(c, "note", marie_note).await;
    wait_until(
        c,
        "#diagnostics",
        |t| !t.contains("lint/wrong-name"),
        "no wrong name",
    )
    .await;
    wait_for_text(c, "#panel", "No note to the rest of the panel").await;
    shot(c, "composer").await;
    submit(c, "//button[normalize-space()='Log as sent']", false).await;
    let t = text(c).await;
    assert!(
        t.contains("Logged the thank-you to Marie Dubois, with the note."),
        "{t}"
    );

    // Raj: a copy of Marie's note is caught by the panel comparison.
    goto(c, &format!("{app_url}/compose?person=raj&kind=thank-you")).await;
    type_into(
        c,
        "note",
        &marie_note.replace("Marie", "Raj").replace("Mary", "Ray"),
    )
    .await;
    let panel = wait_for_text(c, "#panel", "too alike").await;
    assert!(panel.contains("Marie Dubois"), "{panel}");
    shot(c, "composer-panel").await;
    type_into(c, "note", "Dear Raj,\n\nThank you for walking me through the team's move of its reporting to dbt. I have built dbt models for two years and would enjoy helping with that migration.\n\nBest regards,\nSam Rivera").await;
    wait_for_text(c, "#panel", "fine").await;
    submit(c, "//button[normalize-space()='Log as sent']", false).await;
    assert!(text(c).await.contains("Logged the thank-you to Raj Patel"));
    // The apology went into Marie's note.
    submit(c, "//button[normalize-space()='I apologized']", false).await;
    assert!(text(c).await.contains("Marked the apology made."));

    // Dana, from Today in one click; then the thank-yous are gone.
    goto(c, &base).await;
    submit(
        c,
        &format!(
            "{}//button[normalize-space()='Log as sent']",
            card("thank-staff", "Dana")
        ),
        false,
    )
    .await;
    let t = text(c).await;
    assert!(t.contains("Logged the thank-you to Dana Lee"), "{t}");
    for (rule, who) in [
        ("thank-you-note", "Marie"),
        ("thank-you-note", "Raj"),
        ("thank-staff", "Dana"),
    ] {
        assert!(
            !exists(c, &card(rule, who)).await,
            "{rule} for {who} still listed: {t}"
        );
    }
    assert!(!exists(c, "//li[@data-rule='apologize-slip']").await, "{t}");

    // Chasing on Monday is refused, in words, and nothing is written.
    goto(c, &app_url).await;
    choose(c, "touch-person", "marie").await;
    choose(c, "touch-kind", "status-check").await;
    submit(c, "//button[normalize-space()='Log it']", false).await;
    // The refusal is at the top of the page, in the viewport, in words.
    let refusal = c
        .find(Locator::Css("#refusal"))
        .await
        .expect("refusal")
        .text()
        .await
        .expect("t");
    assert!(
        refusal.contains(
            "Not logged: the follow-up guard held back this status-check to Marie Dubois."
        ),
        "{refusal}"
    );
    assert_eq!(
        refusal.matches("llowed from Mon 7 Dec, 9:00.").count(),
        1,
        "when, in words, once: {refusal}"
    );
    assert!(
        in_viewport(c, "#refusal").await,
        "the refusal is seen without scrolling"
    );
    shot(c, "guard-refusal").await;
    let touches = server.get_json(&format!("/api/v1/applications/{APP}/touches"));
    assert_eq!(touches.as_array().map(Vec::len), Some(3), "{touches}");
    server.stop();

    // ---- Two and a half weeks later: check in, news, a reply, the outcome.
    let server = Serve::start(bin, db, LATER);
    let base = server.base.clone();
    let app_url = format!("{base}/applications/{APP}");
    goto(c, &base).await;
    let chase = card("status-check", "Marie");
    assert!(exists(c, &chase).await, "{}", text(c).await);
    let why = c
        .find(Locator::XPath(&format!("{chase}//p[@class='why']")))
        .await
        .expect("why")
        .text()
        .await
        .expect("t");
    assert!(why.contains("Marie"), "{why}");
    submit(
        c,
        &format!("{chase}//button[normalize-space()='Log as sent']"),
        false,
    )
    .await;
    assert!(
        text(c)
            .await
            .contains("Logged the status-check to Marie Dubois")
    );
    assert!(!exists(c, &chase).await);

    goto(c, &app_url).await;
    type_into(c, "news-text", "Acme opened its Singapore office").await;
    submit(c, "//button[normalize-space()='Record the news']", false).await;
    let t = text(c).await;
    assert!(t.contains("News: Acme opened its Singapore office"), "{t}");
    assert!(exists(c, "//li[@data-rule='congratulate']").await, "{t}");
    choose(c, "reply-person", "marie").await;
    submit(c, "//button[normalize-space()='Record the reply']", false).await;
    let t = text(c).await;
    assert!(
        t.contains("Recorded the reply.")
            && t.contains("Marie Dubois replied to your status-check"),
        "{t}"
    );

    // A second interview was missed: the recovery comes first.
    pick(c, "interview-start", "2026-12-07T14:00").await;
    submit(c, "//button[normalize-space()='Schedule']", false).await;
    submit(
        c,
        "//article[@id='interview-interview-2']//button[normalize-space()='I missed it']",
        true,
    )
    .await;
    let t = text(c).await;
    assert!(
        t.contains("Marked the interview of Mon 7 Dec, 14:00 missed."),
        "{t}"
    );
    let recovery = "//li[@data-rule='missed-interview-recovery']";
    assert!(exists(c, recovery).await, "{t}");
    // A message to someone named is logged; otherwise it is marked done.
    let logged_recovery = exists(
        c,
        &format!("{recovery}//button[normalize-space()='Log as sent']"),
    )
    .await;
    submit(
        c,
        &format!(
            "{recovery}//button[normalize-space()='Mark done' or normalize-space()='Log as sent']"
        ),
        false,
    )
    .await;
    assert!(!exists(c, "//li[@data-rule='missed-interview-recovery']").await);

    // Edit a person and the application.
    click(c, "//li[@id='person-raj']//summary").await;
    type_into(c, "ep-1-title", "Analytics Manager").await;
    submit(c, "//button[normalize-space()='Save Raj Patel']", false).await;
    let t = text(c).await;
    assert!(
        t.contains("Saved Raj Patel.") && t.contains("Raj Patel (interviewer, Analytics Manager)"),
        "{t}"
    );
    type_into(c, "edit-app-role", "Senior Data Analyst").await;
    submit(c, "//button[normalize-space()='Save changes']", false).await;
    assert!(text(c).await.contains("Acme Corp — Senior Data Analyst"));

    // The outcome, then the feedback with a plan.
    choose(c, "outcome-kind", "rejected").await;
    click(c, "//input[@name='stay_in_touch']").await;
    submit(c, "//button[normalize-space()='Record the outcome']", true).await;
    let t = text(c).await;
    assert!(t.contains("Recorded the outcome: rejected."), "{t}");
    assert!(
        exists(c, "//li[@data-rule='request-feedback-call']").await,
        "{t}"
    );
    type_into(c, "feedback-text", "The SQL exercise was slow").await;
    choose(c, "feedback-kind", "skill").await;
    type_into(c, "feedback-plan", "Finish an advanced SQL course").await;
    pick(c, "feedback-by", "2027-01-15").await;
    submit(
        c,
        "//button[normalize-space()='Record the feedback']",
        false,
    )
    .await;
    let t = text(c).await;
    assert!(
        t.contains("Recorded feedback point 1.")
            && t.contains("plan: Finish an advanced SQL course by Fri 15 Jan 2027"),
        "{t}"
    );

    // Dismiss an action with a reason, from Today.
    goto(c, &base).await;
    let call = "//li[@data-rule='request-feedback-call']";
    click(c, &format!("{call}//summary")).await;
    let reason = c
        .find(Locator::XPath(&format!(
            "{call}//input[@name='reason'][@type='text']"
        )))
        .await
        .expect("reason");
    reason
        .send_keys("Marie already sent written feedback")
        .await
        .expect("type");
    submit(
        c,
        &format!("{call}//button[normalize-space()='Dismiss']"),
        true,
    )
    .await;
    let t = text(c).await;
    assert!(t.contains("Dismissed: "), "{t}");
    assert!(!t.contains("request-feedback-call"), "{t}");
    assert!(!exists(c, call).await, "{t}");
    goto(c, &app_url).await;
    assert!(
        text(c)
            .await
            .contains("Set aside request-feedback-call: Marie already sent written feedback")
    );
    shot(c, "application-after").await;

    goto(c, &format!("{base}/insights")).await;
    let t = text(c).await;
    assert!(t.contains("Funnel by stage"), "{t}");
    // Both interviewers were thanked within 24 hours, in November.
    assert!(t.contains("2026-11 2 2 (100%)"), "{t}");
    shot(c, "insights").await;

    // Hostile text in every kind of field is shown as text and never runs.
    goto(c, &format!("{base}/applications")).await;
    type_into(c, "add-app-company", HOSTILE).await;
    type_into(c, "add-app-role", HOSTILE).await;
    submit(c, "//button[normalize-space()='Add application']", false).await;
    type_into(c, "person-name", HOSTILE).await;
    submit(c, "//button[normalize-space()='Add person']", false).await;
    type_into(c, "news-text", HOSTILE).await;
    submit(c, "//button[normalize-space()='Record the news']", false).await;
    let t = text(c).await;
    assert!(
        t.matches("<script>window.pwned=1</script>").count() >= 3,
        "{t}"
    );
    let pwned = c
        .execute("return typeof window.pwned;", vec![])
        .await
        .expect("js");
    assert_eq!(pwned, serde_json::json!("undefined"));
    goto(c, &base).await;
    let pwned = c
        .execute("return typeof window.pwned;", vec![])
        .await
        .expect("js");
    assert_eq!(pwned, serde_json::json!("undefined"));
    goto(c, &format!("{base}/applications")).await;
    shot(c, "applications").await;

    // Import a file from Settings; export has everything.
    let file = dir.join("more.json");
    let mut more = common::sample();
    more["applications"][0]["id"] = serde_json::json!("globex-analyst");
    more["applications"][0]["company"] = serde_json::json!("Globex");
    std::fs::write(&file, more.to_string()).expect("write");
    goto(c, &format!("{base}/settings")).await;
    c.find(Locator::Id("import-file"))
        .await
        .expect("file")
        .send_keys(&file.display().to_string())
        .await
        .expect("choose");
    submit(c, "//button[normalize-space()='Import']", true).await;
    let t = text(c).await;
    assert!(t.contains("Imported: 1 new"), "{t}");
    shot(c, "settings").await;
    let href = c
        .find(Locator::Css("a[href='/export.json']"))
        .await
        .expect("export link");
    assert_eq!(href.text().await.expect("t"), "Download everything (JSON)");
    let exported = server.get_json("/export.json");
    let acme = exported["applications"]
        .as_array()
        .expect("apps")
        .iter()
        .find(|a| a["id"] == APP)
        .expect("acme exported")
        .clone();
    assert!(
        exported["applications"]
            .as_array()
            .expect("apps")
            .iter()
            .any(|a| a["id"] == "globex-analyst")
    );

    // On a phone: one column, nothing wider than the screen.
    c.set_window_size(390, 844).await.expect("resize");
    for (path, name) in [
        ("/", "today-phone"),
        (&format!("/applications/{APP}")[..], "application-phone"),
    ] {
        goto(c, &format!("{base}{path}")).await;
        let fits = c
            .execute(
                "return document.documentElement.scrollWidth <= window.innerWidth;",
                vec![],
            )
            .await
            .expect("js");
        assert_eq!(
            fits,
            Value::Bool(true),
            "{path} scrolls sideways on a phone"
        );
        shot(c, name).await;
    }

    // Ctrl-C: the server stops cleanly and every write is in the file.
    let lines = server.stop();
    assert!(lines.iter().any(|l| l.contains("Stopped")), "{lines:?}");
    let out = Command::new(bin)
        .arg("--db")
        .arg(db)
        .args(["export"])
        .output()
        .expect("export");
    assert!(out.status.success());
    let from_cli: Value = serde_json::from_slice(&out.stdout).expect("json");
    let acme_cli = from_cli["applications"]
        .as_array()
        .expect("apps")
        .iter()
        .find(|a| a["id"] == APP)
        .expect("acme")
        .clone();
    assert_eq!(acme_cli, acme, "the file holds what the browser showed");
    let touches = acme["touches"].as_array().expect("touches");
    let expected = if logged_recovery { 5 } else { 4 };
    assert_eq!(
        touches.len(),
        expected,
        "three thank-yous, one check-in: {touches:?}"
    );
    assert_eq!(acme["outcome"]["feedback"][0]["plan"]["by"], "2027-01-15");
    assert_eq!(acme["interviews"][0]["slip_ups"][0]["apologized"], true);
    assert_eq!(
        acme["interviews"][0]["reflection"]["went_well"],
        "My story about the migration landed"
    );
}

/// Browser tools, or a loud skip: `(chromium, chromedriver)`.
fn browser_tools() -> Option<(PathBuf, PathBuf)> {
    match (
        find_program(&["chromium", "chromium-browser"]),
        find_program(&["chromedriver"]),
    ) {
        (Some(c), Some(d)) => Some((c, d)),
        _ => {
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "\n{}\n!!! BROWSER TESTS SKIPPED: chromium and chromedriver are not installed.\n!!! Invites and email in headless Chromium did NOT run.\n!!! To run it: apt-get update && apt-get install -y chromium chromium-driver\n{}\n",
                "!".repeat(72),
                "!".repeat(72)
            );
            None
        }
    }
}

/// A calendar invite in (preview, then import: the interview and its
/// people on the application's page), and a note out as an .eml file.
#[test]
fn an_invite_in_and_an_email_draft_out_in_the_browser() {
    let Some((chromium, driver)) = browser_tools() else {
        return;
    };
    let bin = debrief_binary();
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("debrief.db");
    let mut data = common::sample();
    data["profile"]["emails"] = serde_json::json!(["sam.rivera@mail.example"]);
    let file = dir.path().join("sam.json");
    std::fs::write(&file, data.to_string()).expect("write");
    let out = Command::new(&bin)
        .arg("--db")
        .arg(&db)
        .arg("import")
        .arg(&file)
        .output()
        .expect("import");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let downloads = dir.path().join("downloads");
    std::fs::create_dir_all(&downloads).expect("downloads");
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
    let server = Serve::start_with(
        &bin,
        &db,
        "2026-11-26T09:00:00-06:00",
        // No mail settings: the draft's sender is the profile's address.
        &[],
    );
    let invite = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ics/tests/invites/teams.ics")
        .canonicalize()
        .expect("the Teams invite");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let c = connect_with(port, profile.path(), &chromium, Some(&downloads)).await;
        let base = server.base.clone();

        // Settings leads to Import; the invite is previewed first.
        goto(&c, &format!("{base}/settings")).await;
        click(&c, "//a[normalize-space()='Import an invite or a CSV']").await;
        wait_for_text(&c, "h1", "Import").await;
        shot(&c, "import").await;
        c.find(Locator::Id("ics-file"))
            .await
            .expect("file input")
            .send_keys(&invite.display().to_string())
            .await
            .expect("choose the invite");
        submit(&c, "//form[@action='/import/ics']//button[normalize-space()='Preview']", false).await;
        let t = text(&c).await;
        assert!(t.contains("Nothing is saved yet"), "{t}");
        assert!(t.contains("Would create the interview"), "{t}");
        assert!(t.contains("Marie Dubois") && t.contains("Raj Patel"), "{t}");
        shot(&c, "import-invite-preview").await;
        let before = server.get_json("/api/v1/applications");
        assert_eq!(before.as_array().map(Vec::len), Some(1), "the preview wrote nothing");

        submit(&c, "//button[normalize-space()='Import']", false).await;
        let t = text(&c).await;
        assert!(t.contains("Created the interview"), "{t}");
        assert!(t.contains("Contoso"), "{t}");
        for who in ["Marie Dubois", "Raj Patel"] {
            assert!(
                exists(&c, &format!("//section[@aria-labelledby='people']//strong[normalize-space()='{who}']")).await,
                "{who} on the page: {t}"
            );
        }
        assert!(
            t.contains("Interview (video"),
            "the interview in the timeline: {t}"
        );
        shot(&c, "import-invite-done").await;

        // Write to Marie and download the note as an email draft.
        goto(&c, &format!("{base}/applications/acme-analyst/compose?person=marie")).await;
        type_into(&c, "subject", "Thank you for Friday").await;
        type_into(&c, "note", "Hi Marie,\n\nThank you for the conversation about the APAC expansion.\n\nBest,\nSam Rivera").await;
        assert!(
            !exists(&c, "//button[normalize-space()='Send']").await,
            "no Send without a mail server"
        );
        shot(&c, "composer-email").await;
        click(&c, "//button[normalize-space()='Download as email (.eml)']").await;
        let deadline = Instant::now() + Duration::from_secs(20);
        let eml = loop {
            let found = std::fs::read_dir(&downloads)
                .expect("downloads")
                .filter_map(Result::ok)
                .map(|e| e.path())
                .find(|p| p.extension().is_some_and(|x| x == "eml"));
            if let Some(p) = found {
                break p;
            }
            assert!(Instant::now() < deadline, "no .eml was downloaded");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let text = std::fs::read_to_string(&eml).expect("eml").replace("\r\n", "\n");
        assert!(text.contains("X-Unsent: 1"), "{text}");
        assert!(text.contains("Subject: Thank you for Friday"), "{text}");
        assert!(text.contains("marie@acme.example") && text.contains("sam.rivera@mail.example"), "{text}");
        assert!(text.contains("APAC expansion"), "{text}");
        let touches = server.get_json("/api/v1/applications/acme-analyst/touches");
        assert_eq!(touches, serde_json::json!([]), "a draft logs nothing");
        let _ = c.close().await;
    });
}

/// The Inbox: a Maildir named in `DEBRIEF_MAIL_SCAN`, "Scan now" from the
/// navigation's Inbox, one proposal accepted with Edit (another kind) and
/// another ignored; the store holds exactly what was accepted.
#[test]
fn the_inbox_accepts_one_proposal_and_ignores_another_in_the_browser() {
    let Some((chromium, driver)) = browser_tools() else {
        return;
    };
    let bin = debrief_binary();
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("debrief.db");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../cli/tests/fixtures/acme.json");
    let mut data: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture).expect("fixture")).expect("json");
    data["profile"]["emails"] = serde_json::json!(["sam@rivera.example"]);
    let file = dir.path().join("sam.json");
    std::fs::write(&file, data.to_string()).expect("write");
    let out = Command::new(&bin)
        .arg("--db")
        .arg(&db)
        .arg("import")
        .arg(&file)
        .output()
        .expect("import");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let maildir = dir.path().join("Mail");
    for sub in ["cur", "new", "tmp", ".Sent/cur", ".Sent/new", ".Sent/tmp"] {
        std::fs::create_dir_all(maildir.join(sub)).expect("mkdir");
    }
    let mail = Path::new(env!("CARGO_MANIFEST_DIR")).join("../mailbox/tests/mail");
    for (name, folder) in [("sent-1-thanks", ".Sent"), ("inbox-7-rejection", "")] {
        std::fs::copy(
            mail.join(format!("{name}.eml")),
            maildir.join(folder).join("cur").join(format!("{name}:2,S")),
        )
        .expect("deliver");
    }
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
    let scan = format!("maildir:{}", maildir.display());
    let server = Serve::start_with(
        &bin,
        &db,
        "2026-12-01T09:00:00-06:00",
        &[("DEBRIEF_MAIL_SCAN", scan.as_str())],
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let c = connect(port, profile.path(), &chromium).await;
        let base = server.base.clone();
        goto(&c, &format!("{base}/")).await;
        submit(
            &c,
            "//nav[@aria-label='Main']//a[normalize-space()='Inbox']",
            false,
        )
        .await;
        let t = text(&c).await;
        assert!(t.contains("Nothing waits for a decision"), "{t}");
        submit(&c, "//button[normalize-space()='Scan now']", false).await;
        let t = text(&c).await;
        assert!(t.contains("Scanned: 2 new proposals"), "{t}");
        assert!(t.contains("You sent a thank-you to marie"), "{t}");
        assert!(t.contains("Outcome: rejected"), "{t}");
        assert!(
            t.contains("move forward with other candidates"),
            "the evidence: {t}"
        );
        shot(&c, "inbox").await;
        let before = server.get_json("/api/v1/applications/acme-analyst");

        // Edit the thank-you into another kind, and accept it.
        let touch = "//li[@data-kind='touch']";
        click(&c, &format!("{touch}//summary[normalize-space()='Edit']")).await;
        let select = c
            .find(Locator::XPath(&format!(
                "{touch}//select[@name='touch_kind']"
            )))
            .await
            .expect("the kind")
            .attr("id")
            .await
            .expect("id")
            .expect("an id");
        choose(&c, &select, "other").await;
        submit(
            &c,
            &format!("{touch}//button[normalize-space()='Accept with changes']"),
            false,
        )
        .await;
        let t = text(&c).await;
        assert!(t.contains("Recorded"), "{t}");
        assert!(
            !t.contains("You sent a thank-you"),
            "accepted, off the list: {t}"
        );

        // Ignore the rejection.
        submit(
            &c,
            "//li[@data-kind='outcome']//button[normalize-space()='Ignore']",
            false,
        )
        .await;
        let t = text(&c).await;
        assert!(t.contains("will not come back"), "{t}");
        assert!(t.contains("Nothing waits for a decision"), "{t}");

        let after = server.get_json("/api/v1/applications/acme-analyst");
        let new: Vec<&Value> = after["touches"]
            .as_array()
            .expect("touches")
            .iter()
            .filter(|t| t["message_id"] == "<thanks-marie@rivera.example>")
            .collect();
        assert_eq!(new.len(), 1, "{after:#}");
        assert_eq!(new[0]["kind"], "other", "the edited kind");
        assert_eq!(new[0]["at"], "2026-11-20T17:30:00-06:00");
        assert_eq!(
            after["outcome"], before["outcome"],
            "the ignored rejection is not recorded"
        );
        assert_eq!(
            server.get_json("/api/v1/inbox")["proposals"],
            serde_json::json!([])
        );
        let _ = c.close().await;
    });
}

/// A request to the API with a JSON body: (status, answer).
fn api(base: &str, method: &str, path: &str, body: &Value) -> (u16, Value) {
    let url = format!("{base}{path}");
    let agent = common::agent();
    let mut r = match method {
        "POST" => agent.post(&url).send_json(body),
        "PUT" => agent.put(&url).send_json(body),
        _ => panic!("{method}"),
    }
    .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let status = r.status().as_u16();
    let text = r.body_mut().read_to_string().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Every id the store holds that a person could mistake for words
/// (applications, people, interviews; the ones with a dash or a digit).
fn store_ids(export: &Value) -> Vec<String> {
    let mut ids = Vec::new();
    for a in export["applications"].as_array().into_iter().flatten() {
        ids.extend(a["id"].as_str().map(String::from));
        for list in ["people", "interviews"] {
            for x in a[list].as_array().into_iter().flatten() {
                ids.extend(x["id"].as_str().map(String::from));
            }
        }
    }
    ids.retain(|id| id.contains('-') || id.chars().any(|c| c.is_ascii_digit()));
    ids.sort();
    ids.dedup();
    ids
}

/// `id` standing alone in `text` (not part of a longer word).
fn shows_id(text: &str, id: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    text.match_indices(id).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + id.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

/// Machine-made ids, whatever the store: `interview-2`, `ics-63f6af157514`.
fn id_pattern(text: &str) -> Option<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .find(|w| {
            let num = |p: &str| {
                w.strip_prefix(p)
                    .is_some_and(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_digit()))
            };
            let hex = w
                .strip_prefix("ics-")
                .is_some_and(|r| r.len() >= 8 && r.chars().all(|c| c.is_ascii_hexdigit()));
            num("interview-") || hex || w.starts_with("demo-")
        })
        .map(String::from)
}

async fn body_text(c: &Client) -> String {
    c.execute("return document.body.innerText;", vec![])
        .await
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

async fn page_width(c: &Client) -> (i64, i64) {
    let v = c
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .expect("widths");
    (v[0].as_i64().unwrap_or(0), v[1].as_i64().unwrap_or(0))
}

/// WCAG contrast of two `rgb(…)` colours.
fn contrast(a: &str, b: &str) -> f64 {
    let lum = |s: &str| -> f64 {
        let n: Vec<f64> = s
            .trim_start_matches("rgba(")
            .trim_start_matches("rgb(")
            .trim_end_matches(')')
            .split(',')
            .take(3)
            .map(|x| x.trim().parse::<f64>().unwrap_or(0.0) / 255.0)
            .map(|c| {
                if c <= 0.03928 {
                    c / 12.92
                } else {
                    ((c + 0.055) / 1.055).powf(2.4)
                }
            })
            .collect();
        0.2126 * n[0] + 0.7152 * n[1] + 0.0722 * n[2]
    };
    let (x, y) = (lum(a), lum(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

const DEMO_NOW: &str = "2026-11-20T15:00:00-06:00";

/// Feedback that is seen, words rather than ids, and only the actions
/// that make sense, on the demo store plus one application with a
/// 200-character company name and a 90-character address: a double click
/// on "Log as sent" logs once (and so do two copies of one form sent at
/// once); every outcome shows at the top of the viewport; no page shows an
/// id or is wider than a 390 px phone; an unknown address is a real 404
/// page; the focus ring stands out (3:1); "It happened" marks a past
/// interview done and opens its debrief; a done interview offers no "I
/// missed it", a rejected application no "Schedule an interview", and the
/// outcome has no default.
#[test]
fn feedback_words_and_sensible_actions_in_the_browser() {
    let Some((chromium, driver)) = browser_tools() else {
        return;
    };
    let bin = debrief_binary();
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("debrief.db");
    let out = Command::new(&bin)
        .arg("--db")
        .arg(&db)
        .args(["--now", DEMO_NOW, "demo"])
        .env("TZ", "America/Chicago")
        .env_remove("DEBRIEF_NOW")
        .output()
        .expect("demo");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let server = Serve::start(&bin, &db, DEMO_NOW);
    let base = server.base.clone();

    // The long one: a 200-character company, a 90-character address, an
    // interview yesterday still marked scheduled.
    let company = "Supercalifragilistic".repeat(10);
    let email = format!("{}@{}.example", "p".repeat(40), "t".repeat(41));
    assert_eq!((company.len(), email.len()), (200, 90));
    let (s, v) = api(
        &base,
        "POST",
        "/api/v1/applications",
        &serde_json::json!({"company": company, "role": "Analyst", "id": "long-co", "stage": "interviewing"}),
    );
    assert_eq!(s, 201, "{v}");
    let (s, v) = api(
        &base,
        "POST",
        "/api/v1/applications/long-co/people",
        &serde_json::json!({"name": "Pat Long", "id": "pat-long", "email": email}),
    );
    assert_eq!(s, 201, "{v}");
    let (s, v) = api(
        &base,
        "POST",
        "/api/v1/applications/long-co/interviews",
        &serde_json::json!({"start": "2026-11-19T10:00:00-06:00", "id": "iv-yesterday", "with": ["pat-long"]}),
    );
    assert_eq!(s, 201, "{v}");

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
        c.set_window_size(1280, 900).await.expect("1280 wide");
        let app = format!("{base}/applications/long-co");

        // ---- Only sensible actions; It happened, then the debrief.
        goto(&c, &app).await;
        let panel = "//article[@id='interview-iv-yesterday']";
        assert!(exists(&c, &format!("{panel}//button[normalize-space()='I missed it']")).await);
        let outcome = c
            .execute("const s = document.getElementById('outcome-kind'); return [s.value, s.required];", vec![])
            .await
            .expect("outcome");
        assert_eq!(outcome, serde_json::json!(["", true]), "no outcome is chosen for you");
        shot(&c, "sensible-before-1280").await;
        submit(&c, &format!("{panel}//button[normalize-space()='It happened']"), false).await;
        let t = text(&c).await;
        assert!(
            t.contains("Marked the interview of Thu 19 Nov, 10:00 done. Now the debrief"),
            "{t}"
        );
        assert!(in_viewport(&c, ".flash").await, "the confirmation is seen");
        let url = c.current_url().await.expect("url");
        assert!(url.path().ends_with("/interviews/iv-yesterday/debrief"), "{url}");
        let ivs = server.get_json("/api/v1/applications/long-co/interviews");
        assert_eq!(ivs[0]["status"], "done", "{ivs}");
        goto(&c, &app).await;
        for gone in ["I missed it", "It happened", "It was cancelled"] {
            assert!(
                !exists(&c, &format!("{panel}//button[normalize-space()='{gone}']")).await,
                "{gone} on a done interview"
            );
        }

        // ---- Two copies of one form sent at once (as a double click
        // sends them): one message logged, both answered with it.
        let logged = c
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 const f = document.querySelector('form[action$=\"/touches\"]'); \
                 f.querySelector('[name=person]').value = 'pat-long'; \
                 f.querySelector('[name=kind]').value = 'thank-you'; \
                 const body = () => new URLSearchParams(new FormData(f)); \
                 Promise.all([1, 2].map(() => fetch(f.action, {method: 'POST', body: body()}))) \
                   .then(rs => done(rs.map(r => r.status))).catch(e => done(String(e)));",
                vec![],
            )
            .await
            .expect("two posts");
        assert_eq!(logged, serde_json::json!([200, 200]), "both answered");
        let touches = server.get_json("/api/v1/applications/long-co/touches");
        assert_eq!(touches.as_array().map(Vec::len), Some(1), "logged once: {touches}");

        // ---- A real double click on Today's "Log as sent".
        goto(&c, &base).await;
        let card = "(//li[contains(@class,'action')][.//button[normalize-space()='Log as sent']])[1]";
        let app_id = c
            .execute(
                "const li = document.evaluate(arguments[0], document, null, 9, null).singleNodeValue; \
                 return li.querySelector('input[name=app]').value;",
                vec![Value::from(card)],
            )
            .await
            .expect("app id");
        let app_id = app_id.as_str().expect("an app").to_string();
        let before = server.get_json(&format!("/api/v1/applications/{app_id}/touches"));
        let n = before.as_array().map(Vec::len).unwrap_or(0);
        let button = c
            .find(Locator::XPath(&format!("{card}//button[normalize-space()='Log as sent']")))
            .await
            .expect("Log as sent");
        c.execute("window.__old_page = true;", vec![]).await.expect("mark");
        let mouse = fantoccini::actions::MouseActions::new("mouse".into())
            .then(fantoccini::actions::PointerAction::MoveToElement { element: button, duration: None, x: 0.0, y: 0.0 })
            .then(fantoccini::actions::PointerAction::Down { button: fantoccini::actions::MOUSE_BUTTON_LEFT })
            .then(fantoccini::actions::PointerAction::Up { button: fantoccini::actions::MOUSE_BUTTON_LEFT })
            .then(fantoccini::actions::PointerAction::Down { button: fantoccini::actions::MOUSE_BUTTON_LEFT })
            .then(fantoccini::actions::PointerAction::Up { button: fantoccini::actions::MOUSE_BUTTON_LEFT });
        use fantoccini::actions::InputSource as _;
        c.perform_actions(mouse).await.expect("double click");
        let deadline = Instant::now() + Duration::from_secs(20);
        while c
            .execute("return window.__old_page === undefined && document.readyState === 'complete';", vec![])
            .await
            .map(|v| v != Value::Bool(true))
            .unwrap_or(true)
        {
            assert!(Instant::now() < deadline, "no page after the double click");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let after = server.get_json(&format!("/api/v1/applications/{app_id}/touches"));
        assert_eq!(after.as_array().map(Vec::len), Some(n + 1), "a double click logs once: {after}");
        let t = text(&c).await;
        assert!(t.contains("Logged the "), "{t}");
        assert!(in_viewport(&c, ".flash").await, "the confirmation is seen: {t}");
        shot(&c, "double-click-logged-1280").await;

        // ---- A rejected application offers nothing to schedule.
        let (s, v) = api(&base, "PUT", "/api/v1/applications/long-co/outcome", &serde_json::json!({"kind": "rejected"}));
        assert_eq!(s, 200, "{v}");
        goto(&c, &app).await;
        assert!(!exists(&c, "//h2[normalize-space()='Schedule an interview']").await);
        assert!(!exists(&c, "//button[normalize-space()='Schedule']").await);

        // ---- The composer asks before logging a note with errors.
        goto(&c, &format!("{app}/compose?person=pat-long")).await;
        type_into(&c, "note", "Hi Pat,\n\nThank you for your time on Thursday.\n\nBest,\n[your name]").await;
        wait_for_text(&c, "#diagnostics", "placeholder").await;
        click(&c, "//button[@id='log-sent']").await;
        let deadline = Instant::now() + Duration::from_secs(10);
        let question = loop {
            if let Ok(q) = c.get_alert_text().await {
                break q;
            }
            assert!(Instant::now() < deadline, "no question before logging a note with errors");
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert!(question.contains("The note has errors"), "{question}");
        c.dismiss_alert().await.expect("say no");
        tokio::time::sleep(Duration::from_millis(300)).await;
        let touches = server.get_json("/api/v1/applications/long-co/touches");
        assert_eq!(touches.as_array().map(Vec::len), Some(1), "no means nothing logged: {touches}");
        shot(&c, "composer-errors-1280").await;
        // Without the script, the server asks instead.
        let refused = c
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 const f = document.getElementById('composer'); const b = new URLSearchParams(new FormData(f)); const to = f.getAttribute('action'); \
                 b.set('action', 'send'); \
                 fetch(to, {method: 'POST', body: b}).then(r => r.text().then(t => done([r.status, t]))).catch(e => done(String(e)));",
                vec![],
            )
            .await
            .expect("post");
        assert_eq!(refused[0], 422, "{refused}");
        assert!(refused[1].as_str().unwrap_or("").contains("Log it with them"), "{refused}");
        submit(&c, "//button[@id='log-sent']", true).await;
        let t = text(&c).await;
        assert!(t.contains("Logged the thank-you to Pat Long, with the note."), "{t}");
        let touches = server.get_json("/api/v1/applications/long-co/touches");
        assert_eq!(touches.as_array().map(Vec::len), Some(2), "yes logs it: {touches}");

        // ---- A real 404 page.
        let mut r = common::agent().get(&format!("{base}/no/such/page")).call().expect("GET");
        assert_eq!(r.status().as_u16(), 404);
        let b = r.body_mut().read_to_string().unwrap_or_default();
        assert!(b.contains("There is no page here"), "{b}");
        goto(&c, &format!("{base}/no/such/page")).await;
        shot(&c, "not-found-1280").await;

        // ---- The focus ring: at least 3:1 against the page.
        goto(&c, &app).await;
        let ring = c
            .execute(
                "const e = document.getElementById('news-text'); e.focus(); \
                 const s = getComputedStyle(e); \
                 return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor, getComputedStyle(document.body).backgroundColor];",
                vec![],
            )
            .await
            .expect("ring");
        assert_eq!(ring[0], "solid", "{ring}");
        assert!(ring[1].as_f64().unwrap_or(0.0) >= 2.0, "{ring}");
        let ratio = contrast(ring[2].as_str().unwrap_or(""), ring[3].as_str().unwrap_or(""));
        assert!(ratio >= 3.0, "focus ring contrast {ratio:.2}:1: {ring}");

        // ---- Every page: no id in the words; no wider than a phone.
        let export = server.get_json("/api/v1/export");
        let ids = store_ids(&export);
        assert!(ids.iter().any(|i| i.starts_with("demo-")), "{ids:?}");
        let mut pages: Vec<String> = [
            "/", "/?show=overdue", "/?show=due", "/?show=upcoming", "/applications",
            "/insights", "/settings", "/inbox", "/import", "/no/such/page",
        ]
        .iter()
        .map(|p| p.to_string())
        .collect();
        for a in export["applications"].as_array().into_iter().flatten() {
            let id = a["id"].as_str().unwrap_or_default();
            pages.push(format!("/applications/{id}"));
            for iv in a["interviews"].as_array().into_iter().flatten() {
                pages.push(format!("/applications/{id}/interviews/{}/debrief", iv["id"].as_str().unwrap_or_default()));
            }
            for p in a["people"].as_array().into_iter().flatten() {
                pages.push(format!("/applications/{id}/compose?person={}", p["id"].as_str().unwrap_or_default()));
            }
        }
        let mut wrong = Vec::new();
        for width in [1280, 390] {
            c.set_window_size(width, 900).await.expect("window");
            for p in &pages {
                goto(&c, &format!("{base}{p}")).await;
                let t = body_text(&c).await;
                if width == 1280 {
                    if let Some(id) = id_pattern(&t) {
                        wrong.push(format!("{p} shows an id: {id}"));
                    }
                    for id in ids.iter().filter(|id| shows_id(&t, id)) {
                        let at = t.find(id.as_str()).unwrap_or(0);
                        let around: String = t[at.saturating_sub(60)..].chars().take(120).collect();
                        wrong.push(format!("{p} shows the id {id}: …{around}…"));
                    }
                } else {
                    let (scroll, inner) = page_width(&c).await;
                    if scroll > inner {
                        wrong.push(format!("{p} is {scroll} px wide at {inner} px"));
                    }
                }
            }
            goto(&c, &app).await;
            shot(&c, &format!("long-application-{width}")).await;
            goto(&c, &base).await;
            shot(&c, &format!("today-{width}")).await;
            goto(&c, &format!("{base}/no/such/page")).await;
            shot(&c, &format!("not-found-{width}")).await;
        }
        assert!(wrong.is_empty(), "{} pages scanned:\n{}", pages.len(), wrong.join("\n"));
        let _ = c.close().await;
    });
}

/// The stage the API gives for application `id`.
fn stage_of(server: &Serve, id: &str) -> String {
    server.get_json(&format!("/api/v1/applications/{id}"))["stage"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// The board and finding things, on the demo store plus an application
/// with a 200-character company and a 90-character address: a card
/// dragged to another column moves there and Undo puts it back; the stage
/// menu does the same from the keyboard; Quick add from another page;
/// search finds a person and a note; the People page and its vCard; no
/// page wider than a 390 px phone or showing an id; screenshots of every
/// page at 1280 and 390 px.
#[test]
fn the_board_moves_cards_and_search_finds_in_the_browser() {
    let Some((chromium, driver)) = browser_tools() else {
        return;
    };
    let bin = debrief_binary();
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("debrief.db");
    let out = Command::new(&bin)
        .arg("--db")
        .arg(&db)
        .args(["--now", DEMO_NOW, "demo"])
        .env("TZ", "America/Chicago")
        .env_remove("DEBRIEF_NOW")
        .output()
        .expect("demo");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let server = Serve::start(&bin, &db, DEMO_NOW);
    let base = server.base.clone();
    let company = "Supercalifragilistic".repeat(10);
    let email = format!("{}@{}.example", "p".repeat(40), "t".repeat(41));
    for (path, body) in [
        (
            "/api/v1/applications",
            serde_json::json!({"company": company, "role": "Analyst", "id": "long-co", "stage": "interviewing"}),
        ),
        (
            "/api/v1/applications/long-co/people",
            serde_json::json!({"name": "Pat Long", "id": "pat-long", "email": email, "title": "Head of Data, EMEA"}),
        ),
        (
            "/api/v1/applications/long-co/news",
            serde_json::json!({"text": "They opened an office in Lisbon", "on": "2026-11-18"}),
        ),
    ] {
        let (s, v) = api(&base, "POST", path, &body);
        assert_eq!(s, 201, "{path}: {v}");
    }

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
        c.set_window_size(1280, 900).await.expect("1280 wide");

        // ---- The board: a column per stage, all seven side by side at 1280 px.
        goto(&c, &format!("{base}/applications")).await;
        // Layout may still be settling on a loaded machine (seen once in
        // CI: the board measured before its stylesheet applied): measure
        // again for a few seconds before calling it too wide.
        let mut fit = serde_json::Value::Null;
        for _ in 0..50 {
            fit = c
                .execute(
                    "const b = document.querySelector('.board-scroll'); \
                     return [b.scrollWidth, b.clientWidth, document.querySelectorAll('.board .column').length];",
                    vec![],
                )
                .await
                .expect("board");
            if fit[0].as_i64() <= fit[1].as_i64() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(fit[2], 7, "a column per stage: {fit}");
        assert!(fit[0].as_i64() <= fit[1].as_i64(), "the columns fit 1280 px: {fit}");
        assert_eq!(stage_of(&server, "long-co"), "interviewing");

        // ---- Drag the card to Offer. Chromium's WebDriver cannot hold
        // an HTML5 drag, so the drag's events are dispatched to the page's
        // own handlers, as the browser sends them for a mouse.
        c.execute("window.__old_page = true;", vec![]).await.expect("mark");
        c.execute(
            "const card = document.querySelector('.card[data-app=\"long-co\"]'); \
             const to = document.querySelector('.column[data-stage=\"offer\"]'); \
             const dt = new DataTransfer(); \
             const fire = (el, type) => el.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: dt})); \
             fire(card, 'dragstart'); fire(to, 'dragenter'); fire(to, 'dragover'); fire(to, 'drop'); fire(card, 'dragend');",
            vec![],
        )
        .await
        .expect("drag");
        wait_new_page(&c, "the drop").await;
        let t = text(&c).await;
        assert!(t.contains(&format!("Moved {company} to offer.")), "{t}");
        assert!(in_viewport(&c, ".flash").await, "the confirmation is seen");
        assert_eq!(stage_of(&server, "long-co"), "offer");
        let in_offer = c
            .execute(
                "return !!document.querySelector('.column[data-stage=\"offer\"] .card[data-app=\"long-co\"]');",
                vec![],
            )
            .await
            .expect("where");
        assert_eq!(in_offer, Value::Bool(true), "the card is in Offer");
        shot(&c, "board-moved-1280").await;
        submit(&c, "//div[contains(@class,'flash')]//button[normalize-space()='Undo']", false).await;
        let url = c.current_url().await.expect("url");
        assert_eq!(url.path(), "/applications", "Undo comes back to the board");
        let t = text(&c).await;
        assert!(t.contains("Undid"), "{t}");
        assert_eq!(stage_of(&server, "long-co"), "interviewing");

        // ---- The same from the keyboard: the card's stage menu, then Move.
        let select = c.find(Locator::Id("move-long-co")).await.expect("stage menu");
        select.send_keys("s").await.expect("type a letter");
        let chosen = c
            .execute("return document.getElementById('move-long-co').value;", vec![])
            .await
            .expect("value");
        assert_eq!(chosen, "screening", "typing S chooses Screening");
        let mv = c
            .find(Locator::XPath("//li[@data-app='long-co']//button[normalize-space()='Move']"))
            .await
            .expect("Move");
        c.execute("window.__old_page = true;", vec![]).await.expect("mark");
        mv.send_keys("\u{E007}").await.expect("Enter");
        wait_new_page(&c, "Move").await;
        assert!(text(&c).await.contains(&format!("Moved {company} to screening.")));
        assert_eq!(stage_of(&server, "long-co"), "screening");
        // Without the script: the stage menu is a plain form.
        let plain = c
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 const f = document.querySelector('li[data-app=\"long-co\"] form.move'); \
                 const b = new URLSearchParams(new FormData(f)); b.set('stage', 'interviewing'); \
                 fetch(f.action, {method: 'POST', body: b, redirect: 'manual'}).then(r => done(r.type)).catch(e => done(String(e)));",
                vec![],
            )
            .await
            .expect("post");
        assert_eq!(plain, "opaqueredirect", "a 303 back to the board");
        assert_eq!(stage_of(&server, "long-co"), "interviewing");

        // ---- Filters: only Interviewing, only with actions due.
        goto(&c, &format!("{base}/applications?stage=interviewing&sort=company")).await;
        let cols = c
            .execute("return [...document.querySelectorAll('.board .column')].map(c => c.dataset.stage);", vec![])
            .await
            .expect("columns");
        assert_eq!(cols, serde_json::json!(["interviewing"]));
        assert!(exists(&c, "//li[@data-app='long-co']").await);
        shot(&c, "board-filtered-1280").await;

        // ---- Quick add, from another page.
        goto(&c, &format!("{base}/insights")).await;
        click(&c, "//details[contains(@class,'quick-add')]/summary").await;
        type_into(&c, "quick-company", "Globex Quick").await;
        type_into(&c, "quick-role", "Engineer").await;
        submit(&c, "//button[normalize-space()='Add it']", false).await;
        let t = text(&c).await;
        assert!(t.contains("Added Globex Quick.") && t.contains("Globex Quick — Engineer"), "{t}");
        let url = c.current_url().await.expect("url");
        assert!(url.path().starts_with("/applications/globex-quick"), "{url}");

        // ---- Search from the header: a person, then a note.
        type_into(&c, "site-q", "pat long").await;
        submit(&c, "//form[contains(@class,'site-search')]//button", false).await;
        let t = text(&c).await;
        assert!(t.contains("Pat Long, Head of Data, EMEA at Supercalifragilistic"), "{t}");
        type_into(&c, "search-q", "LISBON").await;
        submit(&c, "//main//button[normalize-space()='Search']", false).await;
        let t = text(&c).await;
        assert!(t.contains("They opened an office in Lisbon"), "{t}");
        shot(&c, "search-1280").await;
        click(&c, "//section[@aria-labelledby='found-notes']//a").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let url = c.current_url().await.expect("url");
        assert_eq!(url.path(), "/applications/long-co");

        // ---- People, and their contact card.
        goto(&c, &format!("{base}/people")).await;
        let t = text(&c).await;
        assert!(t.contains("Pat Long") && t.contains("Last in touch: never"), "{t}");
        let mut r = common::agent()
            .get(&format!("{base}/people/vcard?app=long-co&person=pat-long"))
            .call()
            .expect("vcard");
        assert_eq!(r.status().as_u16(), 200);
        let card = r.body_mut().read_to_string().expect("card");
        let unfolded = card.replace("\r\n ", "");
        assert!(unfolded.contains("\r\nFN:Pat Long\r\n"), "{card}");
        assert!(unfolded.contains(&format!("EMAIL;TYPE=work;PREF=1:{email}\r\n")), "{card}");
        assert!(unfolded.contains("TITLE:Head of Data\\, EMEA\r\n"), "{card}");
        assert!(card.split("\r\n").all(|l| l.len() <= 75), "folded: {card}");

        // ---- The application page: a way down it that needs no script.
        goto(&c, &format!("{base}/applications/long-co")).await;
        for (label, to) in [("Interviews", "interviews"), ("People", "people"), ("Outcome", "set-outcome")] {
            click(&c, &format!("//nav[contains(@class,'in-page')]//a[normalize-space()='{label}']")).await;
            let url = c.current_url().await.expect("url");
            assert_eq!(url.fragment(), Some(to));
            let top = c
                .execute(
                    "return document.getElementById(arguments[0]).getBoundingClientRect().top;",
                    vec![Value::from(to)],
                )
                .await
                .expect("top");
            let top = top.as_f64().unwrap_or(f64::MAX);
            assert!((-2.0..200.0).contains(&top), "{label} is scrolled to: top at {top}");
        }

        // ---- Every page: no id shown, no wider than a phone; a screenshot each.
        let export = server.get_json("/api/v1/export");
        let ids = store_ids(&export);
        let demo = export["applications"][0]["id"].as_str().unwrap_or_default().to_string();
        let demo_iv = export["applications"][0]["interviews"][0]["id"].as_str().unwrap_or_default().to_string();
        let demo_person = export["applications"][0]["people"][0]["id"].as_str().unwrap_or_default().to_string();
        let pages = [
            ("today", "/".to_string()),
            ("board", "/applications".to_string()),
            ("board-due", "/applications?due=true&sort=to-do".to_string()),
            ("search", "/search?q=a".to_string()),
            ("people", "/people".to_string()),
            ("application", format!("/applications/{demo}")),
            ("application-long", "/applications/long-co".to_string()),
            ("debrief", format!("/applications/{demo}/interviews/{demo_iv}/debrief")),
            ("composer", format!("/applications/{demo}/compose?person={demo_person}")),
            ("insights", "/insights".to_string()),
            ("inbox", "/inbox".to_string()),
            ("import", "/import".to_string()),
            ("settings", "/settings".to_string()),
            ("not-found", "/no/such/page".to_string()),
        ];
        let mut wrong = Vec::new();
        for width in [1280, 390] {
            c.set_window_size(width, 900).await.expect("window");
            for (name, p) in &pages {
                goto(&c, &format!("{base}{p}")).await;
                let t = body_text(&c).await;
                if let Some(id) = id_pattern(&t) {
                    wrong.push(format!("{p} at {width} px shows an id: {id}"));
                }
                for id in ids.iter().filter(|id| shows_id(&t, id)) {
                    wrong.push(format!("{p} at {width} px shows the id {id}"));
                }
                let (scroll, inner) = page_width(&c).await;
                if scroll > inner {
                    let culprits = c
                        .execute(
                            "return [...document.querySelectorAll('body *')] \
                               .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 \
                                 && ![...e.children].some(k => k.getBoundingClientRect().right > window.innerWidth + 1)) \
                               .slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));",
                            vec![],
                        )
                        .await
                        .unwrap_or(Value::Null);
                    wrong.push(format!("{p} is {scroll} px wide at {inner} px: {culprits}"));
                }
                shot(&c, &format!("page-{name}-{width}")).await;
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        let _ = c.close().await;
    });
}
