//! `debrief mcp` against an independent client: the official MCP Python
//! SDK's stdio client (`tests/mcp_client.py`) starts the real binary on a
//! real store, lists its tools and resources and calls every tool; and the
//! tools' JSON is compared with the command line's `--json` for the same
//! store at the same pinned moment.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{Debrief, stderr};
use serde_json::{Value, json};

const CLIENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/mcp_client.py");
/// Fri 20 Nov 2026, 17:00 in Chicago: five hours after Acme's panel.
const NOW: &str = "2026-11-20T18:00:00-05:00";

const TOOLS: [&str; 7] = [
    "agenda",
    "draft_note",
    "explain_rule",
    "lint_note",
    "list_applications",
    "log_touch",
    "show_application",
];

/// Whether Python's `mcp` package can be imported; says so loudly if not.
fn have_python_sdk() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import mcp.client.stdio"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        let bar = "!".repeat(72);
        let _ = writeln!(
            std::io::stderr(),
            "\n{bar}\n!!! MCP CLIENT TESTS SKIPPED: the MCP Python SDK is not installed.\n!!! The test of `debrief mcp` with an independent client did NOT run.\n!!! To run it: python3 -m pip install mcp\n{bar}\n"
        );
    }
    ok
}

/// Runs the Python client on `d`'s store with `plan`; returns its report.
fn client(d: &Debrief, now: &str, plan: &Value) -> Value {
    let mut child = Command::new("python3")
        .arg(CLIENT)
        .arg(env!("CARGO_BIN_EXE_debrief"))
        .arg(match d.database() {
            Some(url) => url.to_string(),
            None => d.db().display().to_string(),
        })
        .arg(now)
        .current_dir(d.dir())
        .env("XDG_CONFIG_HOME", d.path("config"))
        .env("XDG_DATA_HOME", d.path("data"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start python3");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(plan.to_string().as_bytes())
        .expect("write the plan");
    let out = child.wait_with_output().expect("run the MCP client");
    assert!(
        out.status.success(),
        "the MCP client failed ({:?}):\n{}",
        out.status.code(),
        stderr(&out)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "the MCP client's report is not JSON ({e}):\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// The `i`th call's answer, parsed, and whether it was a tool error.
fn call(report: &Value, i: usize) -> (bool, Value) {
    let c = &report["calls"][i];
    let text = c["text"].as_str().expect("text content");
    let v = serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("{} answered non-JSON ({e}): {text}", c["tool"]));
    (c["isError"].as_bool().expect("isError"), v)
}

fn schema<'a>(report: &'a Value, tool: &str) -> &'a Value {
    report["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .find(|t| t["name"] == tool)
        .map(|t| &t["inputSchema"])
        .unwrap_or_else(|| panic!("no tool {tool}"))
}

fn thank_you_to(agenda: &Value, person: &str) -> bool {
    agenda["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .any(|a| a["rule"] == "thank-you-note" && a["person"] == person)
}

#[test]
fn python_client_lists_the_tools_calls_each_and_gets_the_guard_refusal_as_a_tool_error() {
    if !have_python_sdk() {
        return;
    }
    let d = Debrief::imported().now(NOW);
    let before = d.json(&["app", "show", "acme-analyst", "--json"]);
    let touches_before = before["application"]["touches"]
        .as_array()
        .map_or(0, Vec::len);
    let plan = json!({
        "read": ["debrief://rules/status-check", "debrief://rules/no-such-rule"],
        "calls": [
            {"tool": "agenda", "args": {}},
            {"tool": "explain_rule", "args": {"rule": "status-check"}},
            {"tool": "list_applications", "args": {}},
            {"tool": "show_application", "args": {"app": "acme-analyst"}},
            {"tool": "draft_note", "args": {"app": "acme-analyst", "person": "marie", "kind": "thank-you"}},
            {"tool": "lint_note", "args": {"text": "Hi Mary,\n\nThank you for the chat.\n\nSam", "app": "acme-analyst", "person": "marie", "kind": "thank-you"}},
            // 6: five hours after the interview a status check is far too soon.
            {"tool": "log_touch", "args": {"app": "acme-analyst", "person": "marie", "kind": "status-check", "channel": "email"}},
            // 7: the thank-you is welcome.
            {"tool": "log_touch", "args": {"app": "acme-analyst", "person": "marie", "kind": "thank-you", "channel": "email"}},
            // 8: the agenda after it no longer asks to thank Marie.
            {"tool": "agenda", "args": {"app": "acme-analyst"}},
            // 9, 10, 11: bad input is a tool error that names the problem.
            {"tool": "show_application", "args": {"app": "acme-analist"}},
            {"tool": "log_touch", "args": {"app": "acme-analyst", "person": "marie", "kind": "thank-you", "channel": "carrier-pigeon"}},
            {"tool": "lint_note", "args": {"text": "Hi", "person": "marie"}},
        ]
    });
    let r = client(&d, NOW, &plan);

    assert_eq!(r["server"]["name"], "debrief");
    let mut names: Vec<&str> = r["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    names.sort_unstable();
    assert_eq!(names, TOOLS, "exactly the tools of FORMAT.md §5");
    // Argument schemas: required fields and the allowed values.
    assert_eq!(
        schema(&r, "draft_note")["required"],
        json!(["app", "person", "kind"])
    );
    let kinds = &schema(&r, "draft_note")["properties"]["kind"]["enum"];
    assert!(
        kinds
            .as_array()
            .expect("enum")
            .contains(&json!("thank-you")),
        "{kinds}"
    );
    assert_eq!(
        schema(&r, "log_touch")["required"],
        json!(["app", "person", "kind", "channel"])
    );
    assert!(
        schema(&r, "log_touch")["properties"]["channel"]["enum"]
            .as_array()
            .expect("enum")
            .contains(&json!("email"))
    );
    assert_eq!(schema(&r, "lint_note")["required"], json!(["text"]));
    assert_eq!(schema(&r, "explain_rule")["required"], json!(["rule"]));
    assert!(schema(&r, "agenda")["required"].is_null());

    // Resources: every playbook rule, and a template for them.
    let resources = r["resources"].as_array().expect("resources");
    assert!(resources.contains(&json!("debrief://rules/status-check")));
    assert!(resources.contains(&json!("debrief://rules/thank-you-note")));
    assert_eq!(r["templates"], json!(["debrief://rules/{id}"]));
    let rule: Value =
        serde_json::from_str(r["read"][0]["text"].as_str().expect("rule text")).expect("rule JSON");
    assert_eq!(rule["rule"], "status-check");
    assert!(
        r["read"][1]["error"]
            .as_str()
            .expect("an error for an unknown rule")
            .contains("debrief://rules/no-such-rule"),
        "{}",
        r["read"][1]
    );

    let (err, agenda) = call(&r, 0);
    assert!(!err);
    assert!(thank_you_to(&agenda, "marie"), "{agenda}");
    let (err, explained) = call(&r, 1);
    assert!(!err);
    assert_eq!(explained["rule"], "status-check");
    let (err, list) = call(&r, 2);
    assert!(!err);
    assert_eq!(list[0]["id"], "acme-analyst");
    let (err, shown) = call(&r, 3);
    assert!(!err);
    assert_eq!(shown["application"]["company"], "Acme Corp");
    let (err, draft) = call(&r, 4);
    assert!(!err);
    assert!(
        draft["text"]
            .as_str()
            .expect("text")
            .starts_with("Dear Marie"),
        "{draft}"
    );
    assert!(draft["subject"].is_string() && draft["diagnostics"].is_array());
    let (err, lint) = call(&r, 5);
    assert!(!err, "findings are an answer, not a tool error");
    assert!(
        lint["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .any(|d| d["rule"] == "lint/wrong-name"),
        "{lint}"
    );

    // The guard's refusal: a tool error whose text is the refusal's JSON.
    let (err, refused) = call(&r, 6);
    assert!(err, "a refused chase is a tool error");
    assert_eq!(refused["logged"], false);
    assert_eq!(refused["rule"], "follow-up-guard");
    assert!(refused["allowed_from"].is_string(), "{refused}");
    assert!(refused["why"].as_str().expect("why").contains("Marie"));

    let (err, logged) = call(&r, 7);
    assert!(!err, "{logged}");
    assert_eq!(logged["logged"], true);
    let (err, after) = call(&r, 8);
    assert!(!err);
    assert!(!thank_you_to(&after, "marie"), "{after}");

    // Only the thank-you reached the store, at the pinned moment.
    let shown = d.json(&["app", "show", "acme-analyst", "--json"]);
    let touches = shown["application"]["touches"].as_array().expect("touches");
    assert_eq!(touches.len(), touches_before + 1);
    let last = touches.last().expect("the new touch");
    assert_eq!(last["kind"], "thank-you");
    assert_eq!(last["at"], "2026-11-20T17:00:00-06:00");

    let (err, unknown) = call(&r, 9);
    assert!(err);
    assert!(
        unknown["error"]
            .as_str()
            .expect("error")
            .contains("unknown application 'acme-analist'; did you mean 'acme-analyst'?"),
        "{unknown}"
    );
    let (err, channel) = call(&r, 10);
    assert!(err);
    let msg = channel["error"].as_str().expect("error");
    assert!(
        msg.starts_with("channel: 'carrier-pigeon' is not a channel"),
        "{msg}"
    );
    let (err, person) = call(&r, 11);
    assert!(err);
    assert!(
        person["error"]
            .as_str()
            .expect("error")
            .starts_with("person: give app too"),
        "{person}"
    );
    assert_eq!(
        d.json(&["app", "show", "acme-analyst", "--json"])["application"]["touches"]
            .as_array()
            .map_or(0, Vec::len),
        touches_before + 1,
        "bad input wrote nothing"
    );
}

#[test]
fn mcp_tools_answer_the_same_json_as_the_cli() {
    if !have_python_sdk() {
        return;
    }
    // Two identical stores: one for the server, one for the command line,
    // so that logging a touch through each can be compared too.
    let mcp = Debrief::imported();
    let cli = Debrief::imported();
    let later = "2026-12-08 10:00";
    let note = "Hi Mary,\n\nThank you for the chat about APAC. What salary range do you have in mind?\n\nSam";
    let plan = json!({
        "calls": [
            {"tool": "agenda", "args": {}},
            {"tool": "agenda", "args": {"app": "acme-analyst", "now": later}},
            {"tool": "explain_rule", "args": {"rule": "status-check"}},
            {"tool": "explain_rule", "args": {"rule": "lint/wrong-name"}},
            {"tool": "list_applications", "args": {}},
            {"tool": "show_application", "args": {"app": "acme-analyst"}},
            {"tool": "draft_note", "args": {"app": "acme-analyst", "person": "raj", "kind": "thank-you"}},
            {"tool": "lint_note", "args": {"text": note, "app": "acme-analyst", "person": "marie", "kind": "thank-you"}},
            {"tool": "lint_note", "args": {"text": note}},
            {"tool": "log_touch", "args": {"app": "acme-analyst", "person": "marie", "kind": "status-check", "channel": "email"}},
            {"tool": "log_touch", "args": {"app": "acme-analyst", "person": "raj", "kind": "thank-you", "channel": "email", "at": "2026-11-20 16:30"}},
        ]
    });
    let r = client(&mcp, NOW, &plan);
    fn with_now<'a>(args: &[&'a str]) -> Vec<&'a str> {
        [&["--now", NOW][..], args].concat()
    }
    // The CLI names a note read from standard input `<stdin>`; the tool, `<note>`.
    let lint_cli = |args: &[&str]| -> Value {
        let out = cli.run_with_stdin(&with_now(args), note.as_bytes());
        let text = String::from_utf8_lossy(&out.stdout).replace("\"<stdin>\"", "\"<note>\"");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("lint --json: {e}: {text}"))
    };
    let refused_cli = {
        let out = cli.run(&with_now(&[
            "touch",
            "--app",
            "acme-analyst",
            "--person",
            "marie",
            "--kind",
            "status-check",
            "--json",
        ]));
        assert_eq!(out.status.code(), Some(1), "a refused chase exits 1");
        serde_json::from_slice::<Value>(&out.stdout).expect("refusal JSON")
    };
    let expected: Vec<(bool, Value)> = vec![
        (false, cli.json(&with_now(&["agenda", "--json"]))),
        (
            false,
            cli.json(&["--now", later, "agenda", "--app", "acme-analyst", "--json"]),
        ),
        (false, cli.json(&["explain", "status-check", "--json"])),
        (false, cli.json(&["explain", "lint/wrong-name", "--json"])),
        (false, cli.json(&with_now(&["app", "list", "--json"]))),
        (
            false,
            cli.json(&with_now(&["app", "show", "acme-analyst", "--json"])),
        ),
        (
            false,
            cli.json(&with_now(&[
                "draft",
                "--app",
                "acme-analyst",
                "--to",
                "raj",
                "--kind",
                "thank-you",
                "--json",
            ])),
        ),
        (
            false,
            lint_cli(&[
                "lint",
                "--app",
                "acme-analyst",
                "--to",
                "marie",
                "--kind",
                "thank-you",
                "--json",
                "-",
            ]),
        ),
        (false, lint_cli(&["lint", "--json", "-"])),
        (true, refused_cli),
        (
            false,
            cli.json(&with_now(&[
                "touch",
                "--app",
                "acme-analyst",
                "--person",
                "raj",
                "--kind",
                "thank-you",
                "--channel",
                "email",
                "--at",
                "2026-11-20 16:30",
                "--json",
            ])),
        ),
    ];
    for (i, want) in expected.iter().enumerate() {
        let got = call(&r, i);
        assert_eq!(
            &got, want,
            "tool call {i} ({}) differs from the CLI's --json",
            r["calls"][i]["tool"]
        );
    }
    // The draft and the lint carry real content, not two empty answers.
    assert!(
        expected[7].1["diagnostics"]
            .as_array()
            .is_some_and(|d| !d.is_empty())
    );
    // Both stores now hold the same record.
    assert_eq!(mcp.export(), cli.export());
}

#[test]
fn draft_json_gives_the_subject_the_text_and_the_linters_findings() {
    let d = Debrief::imported().now(NOW);
    let v = d.json(&[
        "draft",
        "--app",
        "acme-analyst",
        "--to",
        "raj",
        "--kind",
        "thank-you",
        "--json",
    ]);
    assert!(v["subject"].as_str().is_some_and(|s| !s.is_empty()), "{v}");
    // Addressed to Raj, with what he said.
    let text = v["text"].as_str().expect("text");
    assert!(
        text.lines().next().is_some_and(|l| l.contains("Raj")),
        "{v}"
    );
    // The topic in the candidate's words, never Raj's line quoted whole.
    assert!(text.contains("moving its reporting"), "{v}");
    assert!(!text.contains("moving its reporting to dbt"), "{v}");
    assert!(v["diagnostics"].is_array(), "{v}");
    let err = d.input_error(&["draft", "--app", "acme-analyst", "--to", "nobody", "--json"]);
    assert!(err.contains("nobody"), "{err}");
}
