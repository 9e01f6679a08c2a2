//! `debrief mcp`: a Model Context Protocol server over standard input and
//! output (FORMAT.md §5), with the official Rust SDK (`rmcp`).
//!
//! Every tool answers the JSON text of the command line's `--json` (the
//! functions in `answers.rs`), opening the store afresh for each call so a
//! `debrief` command run beside the assistant is seen at once. A refusal by
//! the follow-up guard is a tool result with `isError: true` whose text is
//! the refusal's JSON; bad input is a tool error `{"error": "…"}` naming the
//! problem. No tool sends mail or deletes anything. The playbook's rules are
//! resources, `debrief://rules/{id}`, so an assistant can cite why.

use std::path::PathBuf;

use debrief_core::model::{Channel, TouchKind};
use debrief_core::rules::Rule;
use debrief_lint::NoteKind;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    CallToolResult, ContentBlock, Implementation, ListResourceTemplatesResult, ListResourcesResult,
    PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult,
    Resource, ResourceContents, ResourceTemplate, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt, tool, tool_handler, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::answers::{self, TouchInput};
use crate::ctx::{Ctx, Failure, Result};
use debrief_app::Location;

const RULE_PREFIX: &str = "debrief://rules/";

/// Runs the server until the client closes standard input.
pub fn serve(db: Option<PathBuf>, database: Option<Location>, now: Option<String>) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::input(format!("cannot start the MCP server: {e}")))?;
    runtime.block_on(async move {
        let server = Debrief::new(db, database, now)
            .serve(rmcp::transport::stdio())
            .await
            .map_err(|e| Failure::input(format!("MCP: the client did not connect: {e}")))?;
        server
            .waiting()
            .await
            .map_err(|e| Failure::input(format!("MCP: {e}")))?;
        Ok(())
    })
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgendaParams {
    /// Pretend the clock reads this time (RFC 3339, or "YYYY-MM-DD HH:MM" in
    /// the user's time zone). Default: the server's clock (its --now, or now).
    #[serde(default)]
    pub now: Option<String>,
    /// Only this application (its id, from list_applications).
    #[serde(default)]
    pub app: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleParams {
    /// A rule id from the playbook (e.g. "status-check", "thank-you") or a
    /// linter rule (e.g. "lint/wrong-name").
    pub rule: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppParams {
    /// The application's id, from list_applications.
    pub app: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftParams {
    /// The application's id.
    pub app: String,
    /// The recipient's person id (show_application lists the people).
    pub person: String,
    /// What the note is for.
    pub kind: NoteKindName,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LintParams {
    /// The note's text (a "Subject:" first line is allowed).
    pub text: String,
    /// The application it is about: checks names, titles and what was said.
    #[serde(default)]
    pub app: Option<String>,
    /// The recipient's person id (needs app).
    #[serde(default)]
    pub person: Option<String>,
    /// What the note is for.
    #[serde(default)]
    pub kind: Option<NoteKindName>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TouchParams {
    /// The application's id.
    pub app: String,
    /// The person's id.
    pub person: String,
    /// What was sent.
    pub kind: TouchKindName,
    /// How it was sent.
    pub channel: ChannelName,
    /// When it went out (RFC 3339, or "YYYY-MM-DD HH:MM" in the user's time
    /// zone). Default: now.
    #[serde(default)]
    pub at: Option<String>,
}

/// An enumeration as its wire name: the schema lists the allowed values;
/// the value is parsed by the `FromStr` the command line uses, so a wrong one
/// gets the same message ("choose …").
macro_rules! wire_name {
    ($name:ident, $target:ty) => {
        #[derive(Debug, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl JsonSchema for $name {
            fn inline_schema() -> bool {
                true
            }
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($target).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let values: Vec<&str> = <$target>::ALL.iter().map(|v| v.as_str()).collect();
                schemars::json_schema!({"type": "string", "enum": values})
            }
        }
    };
}

wire_name!(NoteKindName, NoteKind);
wire_name!(TouchKindName, TouchKind);
wire_name!(ChannelName, Channel);

fn parse<T: std::str::FromStr<Err = String>>(field: &str, s: &str) -> Result<T> {
    s.parse()
        .map_err(|e: String| Failure::input(format!("{field}: {e}")))
}

#[derive(Debug, Clone)]
pub struct Debrief {
    db: Option<PathBuf>,
    /// `--database` (and `--account`): a vault of a PostgreSQL database
    /// instead of the SQLite file.
    database: Option<Location>,
    now: Option<String>,
}

/// A tool's answer: the JSON text, or a tool error `{"error": …}`.
fn answer(r: Result<Value>) -> CallToolResult {
    match r {
        Ok(v) => CallToolResult::success(vec![ContentBlock::text(pretty(&v))]),
        Err(e) => error(json!({"error": message(e)})),
    }
}

fn error(v: Value) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(pretty(&v))])
}

fn message(e: Failure) -> String {
    match e {
        Failure::Input(m) | Failure::Busy(m) => m,
        Failure::Problem => "the command found a problem".to_string(),
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
}

impl Debrief {
    fn open(&self, now: Option<String>, reads_only: bool) -> Result<Ctx> {
        Ctx::open_in(
            self.db.as_deref(),
            self.database.as_ref(),
            now.or_else(|| self.now.clone()),
            reads_only,
        )
    }
}

#[tool_router]
impl Debrief {
    pub fn new(db: Option<PathBuf>, database: Option<Location>, now: Option<String>) -> Debrief {
        Debrief { db, database, now }
    }

    #[tool(
        description = "What to do now: overdue, due and upcoming follow-up actions, each with its rule id, window (opens, due) and why. Same JSON as `debrief agenda --json`.",
        annotations(read_only_hint = true)
    )]
    async fn agenda(&self, Parameters(p): Parameters<AgendaParams>) -> CallToolResult {
        // The very bytes `debrief agenda --json` prints (without its final
        // newline): written on every core for a large agenda.
        let text = (|| {
            let ctx = self.open(p.now, true)?;
            let answer = answers::agenda(&ctx, p.app.as_deref(), false)?;
            String::from_utf8(answer.agenda.to_pretty_json())
                .map_err(|e| Failure::input(format!("agenda: {e}")))
        })();
        match text {
            Ok(t) => CallToolResult::success(vec![ContentBlock::text(t)]),
            Err(e) => answer(Err(e)),
        }
    }

    #[tool(
        description = "Explain a rule: what it asks, when it fires, its sources and survey figures. Same JSON as `debrief explain RULE --json`.",
        annotations(read_only_hint = true)
    )]
    async fn explain_rule(&self, Parameters(p): Parameters<RuleParams>) -> CallToolResult {
        answer(answers::explain(&p.rule, self.db.as_deref()))
    }

    #[tool(
        description = "Every application: id, company, role, stage. Same JSON as `debrief app list --json`.",
        annotations(read_only_hint = true)
    )]
    async fn list_applications(&self) -> CallToolResult {
        answer((|| answers::app_list(&self.open(None, true)?))())
    }

    #[tool(
        description = "One application with its people (and what each said), interviews, touches, outcome, and its open actions. Same JSON as `debrief app show ID --json`.",
        annotations(read_only_hint = true)
    )]
    async fn show_application(&self, Parameters(p): Parameters<AppParams>) -> CallToolResult {
        answer((|| answers::app_show(&self.open(None, true)?, &p.app))())
    }

    #[tool(
        description = "A first draft of a note to one person, from what the store knows, with the linter's findings on it: {subject, text, diagnostics}. Nothing is sent.",
        annotations(read_only_hint = true)
    )]
    async fn draft_note(&self, Parameters(p): Parameters<DraftParams>) -> CallToolResult {
        answer((|| {
            let kind: NoteKind = parse("kind", &p.kind.0)?;
            answers::draft(&self.open(None, true)?, &p.app, &p.person, kind)
        })())
    }

    #[tool(
        description = "Check a note before it is sent: wrong names, salary talk, over-apologising, pressure, placeholders… With app (and person), checks against what the store knows. Same JSON as `debrief lint --json`.",
        annotations(read_only_hint = true)
    )]
    async fn lint_note(&self, Parameters(p): Parameters<LintParams>) -> CallToolResult {
        answer(self.lint(p))
    }

    #[tool(
        description = "Record that a message or call went out. Status checks and other chases go through the follow-up guard: if it is too soon, nothing is logged and the answer is an error with the rule, why, and from when it is allowed. Same JSON as `debrief touch --json`. Does not send anything.",
        annotations(
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = false
        )
    )]
    async fn log_touch(&self, Parameters(p): Parameters<TouchParams>) -> CallToolResult {
        let logged = (|| {
            let kind: TouchKind = parse("kind", &p.kind.0)?;
            let channel: Channel = parse("channel", &p.channel.0)?;
            let mut ctx = self.open(None, false)?;
            answers::log_touch(
                &mut ctx,
                TouchInput {
                    app: &p.app,
                    person: &p.person,
                    kind,
                    channel,
                    at: p.at.as_deref(),
                    force: false,
                    note: None,
                },
            )
        })();
        match logged {
            Ok(t) if t.refused => error(t.json),
            Ok(t) => answer(Ok(t.json)),
            Err(e) => answer(Err(e)),
        }
    }
}

impl Debrief {
    /// `lint_note`: the context `debrief lint --app … --to … --kind …` builds,
    /// or the context-free rules without an application.
    fn lint(&self, p: LintParams) -> Result<Value> {
        let kind: Option<NoteKind> = p.kind.map(|k| parse("kind", &k.0)).transpose()?;
        // The same free-text limit as `debrief lint FILE` and the API.
        debrief_lint::check_size(&p.text).map_err(|e| Failure::input(format!("text: {e}")))?;
        let db = self.db.clone();
        let diags = match &p.app {
            None => {
                if p.person.is_some() {
                    return Err(Failure::input(
                        "person: give app too (the person is looked up in it)",
                    ));
                }
                let (pack, _) = crate::input::load_pack(None, db.as_deref())?;
                let mut cx = debrief_lint::Context::new().pack(&pack);
                cx.kind = kind;
                debrief_lint::lint(&p.text, &cx)
            }
            Some(id) => {
                let ctx = self.open(None, true)?;
                let app = ctx.application(id)?;
                if let Some(person) = &p.person {
                    crate::ctx::person_ref(&app, person)?;
                }
                let (pack, _) = crate::input::load_pack(None, Some(&ctx.db_path))?;
                let cx =
                    debrief_lint::note_context(&app, p.person.as_deref(), kind, ctx.now()?, &pack);
                debrief_lint::lint(&p.text, &cx)
            }
        };
        let diags: Vec<_> = diags
            .into_iter()
            .map(|mut d| {
                d.path = "<note>".to_string();
                d
            })
            .collect();
        serde_json::from_str(&debrief_lint::output::json(&diags))
            .map_err(|e| Failure::input(format!("lint: {e}")))
    }
}

#[tool_handler]
impl ServerHandler for Debrief {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .build(),
        )
        .with_server_info(Implementation::new("debrief", env!("CARGO_PKG_VERSION")))
        .with_instructions(
            "Debrief keeps the user's job search: applications, the people they met, \
             what each said, interviews, messages sent. `agenda` says what to do now and why; \
             `explain_rule` and the debrief://rules/{id} resources give the reasons to cite. \
             Draft with `draft_note`, check any note with `lint_note` before the user sends it, \
             and record what went out with `log_touch` (it refuses a chase that is too early). \
             No tool sends mail or deletes anything.",
        )
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        Ok(ListResourcesResult::with_all_items(
            Rule::ALL
                .iter()
                .map(|r| {
                    Resource::new(format!("{RULE_PREFIX}{}", r.id()), r.id())
                        .with_description(r.info().asks)
                        .with_mime_type("application/json")
                })
                .collect(),
        ))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        Ok(ListResourceTemplatesResult::with_all_items(vec![
            ResourceTemplate::new(format!("{RULE_PREFIX}{{id}}"), "rule")
                .with_description("A playbook rule: what it asks, when it fires, its sources.")
                .with_mime_type("application/json"),
        ]))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let uri = request.uri;
        let rule = uri.strip_prefix(RULE_PREFIX).and_then(Rule::from_id);
        let Some(rule) = rule else {
            return Err(ErrorData::resource_not_found(
                format!(
                    "no such resource: {uri} (rules are {RULE_PREFIX}<rule id>, e.g. {RULE_PREFIX}status-check)"
                ),
                None,
            ));
        };
        let text = pretty(&answers::rule(rule));
        Ok(
            ReadResourceResult::new(vec![ResourceContents::TextResourceContents {
                uri,
                mime_type: Some("application/json".into()),
                text,
                meta: None,
            }])
            .into(),
        )
    }
}
