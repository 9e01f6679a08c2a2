//! The OpenAPI document of `/api/v1`, generated: every request and answer
//! that has a Rust type (`ops`' request shapes, core's `Application`,
//! `Agenda`, `Stats`…) is described by that type's JSON Schema (`schemars`,
//! reading the same serde attributes that make the wire format), so the
//! document cannot drift from the code. Answers built with `json!` and the
//! shapes other crates own are written next to their route below.
//! `tests/openapi.rs` calls every documented route on a real server and
//! checks each answer against this document, and keeps
//! `assets/openapi.json` (the same bytes) current.

use std::sync::OnceLock;

use debrief_core::model::{
    Application, Dataset, Interview, News, Outcome, Person, ResearchFact, Touch,
};
use debrief_core::stats::Stats;
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Map, Value, json};

use crate::ops;
use crate::snapshot::AppSummary;

/// The document as served (pretty JSON and a final newline), made once.
pub fn text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let mut s = serde_json::to_string_pretty(&document()).unwrap_or_default();
        s.push('\n');
        s
    })
}

const INFO: &str = r#"Debrief's JSON API over the local store. Shapes follow FORMAT.md: the agenda is `debrief agenda --json`, touches go through the follow-up guard as `debrief touch --json`, export and import use the exchange format debrief/1. Every error is {"message", "field"}. Calendar invites, tracker CSVs and email answer as `debrief ics import --json`, `debrief import-csv --json` and `debrief send --json`. Every answer about one application carries an `ETag` (its version); `PUT`, `PATCH` and `DELETE` honour `If-Match` (412 when stale). A busy store answers 503 with `Retry-After`."#;

/// The shapes that have no Rust type of their own: the error every route
/// answers (`Problem`), the guard's refusal, and those of the mail, push
/// and calendar modules.
const HAND_SCHEMAS: &str = r##"{
  "Error": {"type": "object", "required": ["message", "field"], "properties": {"message": {"type": "string"}, "field": {"type": ["string", "null"]}}},
  "Refusal": {"type": "object", "required": ["logged", "rule", "allowed_from", "why"], "properties": {"logged": {"const": false}, "rule": {"const": "follow-up-guard"}, "allowed_from": {"type": ["string", "null"]}, "why": {"type": "string"}}},
  "SendRequest": {"type": "object", "required": ["app", "person", "kind", "text"], "additionalProperties": false, "properties": {"app": {"type": "string"}, "person": {"type": "string", "description": "The recipient's id; the address comes from the store"}, "kind": {"enum": ["thank-you", "thank-staff", "status-check", "recovery", "feedback-request", "stay-in-touch", "congratulate", "other"]}, "text": {"type": "string", "description": "The note; a first line `Subject: …` is its subject"}, "subject": {"type": "string", "description": "Wins over the note's Subject line"}, "force": {"type": "boolean"}, "dry_run": {"type": "boolean"}}},
  "Sent": {"type": "object", "required": ["sent", "logged", "forced", "application", "person", "kind", "channel", "at", "to", "subject", "message_id", "server", "diagnostics"], "properties": {"sent": {"type": "boolean"}, "logged": {"type": "boolean"}, "forced": {"type": "boolean"}, "application": {"type": "string"}, "person": {"type": "string"}, "kind": {"type": "string"}, "channel": {"const": "email"}, "at": {"type": "string"}, "to": {"type": "string"}, "subject": {"type": "string"}, "message_id": {"type": "string"}, "server": {"type": ["string", "null"]}, "diagnostics": {"type": "array", "items": {"type": "object"}}, "dry_run": {"type": "boolean"}, "message": {"type": "string"}}},
  "IcsImport": {"type": "object", "required": ["events", "warnings", "created_applications", "dry_run"], "properties": {"events": {"type": "array", "items": {"type": "object", "required": ["uid", "summary", "status", "start", "end", "action"], "properties": {"action": {"enum": ["create", "update", "unchanged", "ignore", "skip"]}, "application": {"type": ["string", "null"]}, "chosen_because": {"type": ["string", "null"]}, "interview": {"type": ["string", "null"]}, "people_added": {"type": "array", "items": {"type": "string"}}, "people_updated": {"type": "array", "items": {"type": "string"}}, "uid": {"type": "string"}, "summary": {"type": "string"}, "status": {"type": "string"}, "start": {"description": "When it starts, as the invite gives it"}, "end": {"description": "When it ends, as the invite gives it"}, "organizer": {"anyOf": [{"type": "object", "properties": {"name": {"type": ["string", "null"]}, "email": {"type": "string"}, "role": {"type": ["string", "null"]}}}, {"type": "null"}]}, "attendees": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": ["string", "null"]}, "email": {"type": "string"}, "role": {"type": ["string", "null"]}}}}, "format": {"type": ["string", "null"]}, "link": {"type": ["string", "null"]}, "location": {"type": ["string", "null"]}, "sequence": {"type": "integer"}, "method": {"type": ["string", "null"]}, "zone": {"type": ["string", "null"]}, "stamp": {"type": ["string", "null"]}, "line": {"type": "integer"}, "application_created": {"type": "boolean", "description": "Present (true) when the import made the application"}, "notes": {"type": "array", "items": {"type": "string"}}, "description": {"type": "string"}, "rooms": {"type": "array", "items": {"type": "string"}}, "recurring": {"type": "boolean"}, "recurrence_id": {"type": "string"}}}}, "warnings": {"type": "array", "items": {"type": "string"}}, "created_applications": {"type": "array", "items": {"type": "string"}}, "dry_run": {"type": "boolean"}}},
  "DigestSetting": {"type": "object", "additionalProperties": false, "required": ["enabled", "at"], "properties": {"enabled": {"type": "boolean"}, "at": {"type": "string", "pattern": "^[0-9]{1,2}:[0-9]{2}$", "description": "Local time of day in the profile's zone, HH:MM"}}},
  "PushSubscription": {"type": "object", "required": ["endpoint", "keys"], "description": "What the browser's PushSubscription.toJSON() gives", "properties": {"endpoint": {"type": "string", "description": "https:// (plain http only on a loopback address)"}, "expirationTime": {"type": ["number", "null"]}, "keys": {"type": "object", "required": ["p256dh", "auth"], "properties": {"p256dh": {"type": "string", "description": "P-256 public key, 65 bytes, base64url"}, "auth": {"type": "string", "description": "16 bytes, base64url"}}}}},
  "PushSent": {"type": "object", "properties": {"delivered": {"type": "integer"}, "failed": {"type": "array", "items": {"type": "string"}}, "forgotten": {"type": "integer", "description": "Subscriptions the push service said are gone (404/410), now removed"}}}
}"##;

pub fn document() -> Value {
    let mut g = SchemaSettings::draft2020_12()
        .with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
        })
        .into_generator();
    let mut paths = Map::new();
    for op in operations().into_iter().chain(hosted_operations()) {
        let full = if op.root {
            op.path.to_string()
        } else {
            format!("/api/v1{}", op.path)
        };
        let item = paths.entry(full).or_insert_with(|| path_item(op.path));
        if let Value::Object(item) = item {
            item.insert(op.method.to_lowercase(), op.render(&mut g));
        }
    }
    let mut schemas: Map<String, Value> = serde_json::from_str(HAND_SCHEMAS).unwrap_or_default();
    schemas.extend(g.take_definitions(true));
    json!({
        "openapi": "3.1.0",
        "info": { "title": "Debrief API", "version": "1", "description": INFO },
        "paths": paths,
        "components": { "schemas": schemas, "securitySchemes": security_schemes() },
        // Locally no credentials; in hosted mode a bearer token (or the
        // browser's session cookie).
        "security": [{}, { "bearer": [] }],
        "tags": [
            { "name": "hosted", "description": HOSTED },
        ],
    })
}

const HOSTED: &str = "Hosted mode only (`debrief serve --database URL` once the database has accounts; FORMAT.md §3, docs/hosting.md). Every other `/api/v1` operation then works on the caller's own vault. Without valid credentials every operation but the health checks answers 401 with an empty body and `WWW-Authenticate: Bearer`. An id of a vault the caller may not read answers 404, exactly like an id that does not exist.";

fn security_schemes() -> Value {
    json!({
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "Hosted mode: an API token from `debrief admin token` (`dbt_` and 64 hex digits). Browsers use the session cookie `/login` sets instead. The local server (SQLite, one person) asks for no credentials."
        }
    })
}

/// A path's own parameters: each `{name}` in it, a string.
fn path_item(path: &str) -> Value {
    let params: Vec<Value> = path
        .split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
        .collect();
    if params.is_empty() {
        json!({})
    } else {
        json!({ "parameters": params })
    }
}

type Schema = fn(&mut SchemaGenerator) -> Value;

/// A reference to `T`'s schema (added to the components on first use).
fn ty<T: JsonSchema>(g: &mut SchemaGenerator) -> Value {
    g.subschema_for::<T>().to_value()
}

enum Content {
    Typed(Schema),
    Named(&'static str),
    Raw(&'static str, &'static str),
}

impl Content {
    fn render(&self, g: &mut SchemaGenerator) -> Value {
        let (media, schema) = match self {
            Content::Typed(f) => ("application/json", f(g)),
            Content::Named(name) => (
                "application/json",
                json!({ "$ref": format!("#/components/schemas/{name}") }),
            ),
            Content::Raw(media, text) => (*media, parse(text)),
        };
        json!({ media: { "schema": schema } })
    }
}

/// A schema written below; they are constants, checked by the tests.
fn parse(text: &str) -> Value {
    serde_json::from_str(text)
        .unwrap_or_else(|e| json!({ "description": format!("unreadable schema: {e}") }))
}

const GET: &str = "GET";
const POST: &str = "POST";
const PUT: &str = "PUT";
const PATCH: &str = "PATCH";
const DELETE: &str = "DELETE";

struct Op {
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    about: Option<&'static str>,
    params: Vec<&'static str>,
    body: Option<Content>,
    answers: Vec<(u16, &'static str, Option<Content>)>,
    /// Lists its own errors instead of the usual 404 and 422.
    own_errors: bool,
    /// Its path is not under `/api/v1` (the health checks).
    root: bool,
    /// Hosted mode's: tagged `hosted`, bearer credentials required (or,
    /// with `open`, none at all).
    hosted: Option<Access>,
}

#[derive(Clone, Copy)]
enum Access {
    Bearer,
    Open,
}

fn op(method: &'static str, path: &'static str, summary: &'static str) -> Op {
    Op {
        method,
        path,
        summary,
        about: None,
        params: vec![],
        body: None,
        answers: vec![],
        own_errors: false,
        root: false,
        hosted: None,
    }
}

/// An operation of hosted mode only, for a signed-in caller: 401 without
/// credentials.
fn hosted(method: &'static str, path: &'static str, summary: &'static str) -> Op {
    let mut o = op(method, path, summary)
        .answer_none(
            401,
            "No valid credentials: nothing else said (`WWW-Authenticate: Bearer`)",
        )
        .own_errors();
    o.hosted = Some(Access::Bearer);
    o
}

impl Op {
    fn about(mut self, text: &'static str) -> Self {
        self.about = Some(text);
        self
    }
    fn param(mut self, json: &'static str) -> Self {
        self.params.push(json);
        self
    }
    fn body(mut self, schema: Schema) -> Self {
        self.body = Some(Content::Typed(schema));
        self
    }
    fn body_named(mut self, name: &'static str) -> Self {
        self.body = Some(Content::Named(name));
        self
    }
    fn body_raw(mut self, media: &'static str, json: &'static str) -> Self {
        self.body = Some(Content::Raw(media, json));
        self
    }
    fn answer(mut self, code: u16, what: &'static str, schema: Schema) -> Self {
        self.answers
            .push((code, what, Some(Content::Typed(schema))));
        self
    }
    fn answer_named(mut self, code: u16, what: &'static str, name: &'static str) -> Self {
        self.answers.push((code, what, Some(Content::Named(name))));
        self
    }
    fn answer_raw(mut self, code: u16, what: &'static str, json: &'static str) -> Self {
        self.answers
            .push((code, what, Some(Content::Raw("application/json", json))));
        self
    }
    fn answer_media(
        mut self,
        code: u16,
        what: &'static str,
        media: &'static str,
        json: &'static str,
    ) -> Self {
        self.answers
            .push((code, what, Some(Content::Raw(media, json))));
        self
    }
    fn answer_none(mut self, code: u16, what: &'static str) -> Self {
        self.answers.push((code, what, None));
        self
    }
    fn own_errors(mut self) -> Self {
        self.own_errors = true;
        self
    }
    /// A health check: outside `/api/v1`, no credentials.
    fn health(mut self) -> Self {
        self.root = true;
        self.hosted = Some(Access::Open);
        self.own_errors = true;
        self
    }

    fn render(&self, g: &mut SchemaGenerator) -> Value {
        let mut o = Map::new();
        o.insert("summary".into(), self.summary.into());
        match self.hosted {
            Some(Access::Bearer) => {
                o.insert("tags".into(), json!(["hosted"]));
                o.insert("security".into(), json!([{ "bearer": [] }]));
            }
            Some(Access::Open) => {
                o.insert("tags".into(), json!(["hosted"]));
                o.insert("security".into(), json!([]));
            }
            None => {}
        }
        if let Some(about) = self.about {
            o.insert("description".into(), about.into());
        }
        if !self.params.is_empty() {
            let params: Vec<Value> = self.params.iter().map(|p| parse(p)).collect();
            o.insert("parameters".into(), params.into());
        }
        if let Some(body) = &self.body {
            o.insert(
                "requestBody".into(),
                json!({ "required": true, "content": body.render(g) }),
            );
        }
        let mut answers = Map::new();
        for (code, what, content) in &self.answers {
            let mut a = Map::new();
            a.insert("description".into(), (*what).into());
            if let Some(c) = content {
                a.insert("content".into(), c.render(g));
            }
            answers.insert(code.to_string(), a.into());
        }
        if !self.own_errors {
            for code in ["404", "422"] {
                answers.entry(code).or_insert_with(|| {
                    json!({ "description": "Error", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } })
                });
            }
        }
        o.insert("responses".into(), answers.into());
        o.into()
    }
}

/// `DELETE` of an application or one record in it: undoable, honours
/// `If-Match`, answers what was deleted.
fn deletion(path: &'static str, summary: &'static str) -> Op {
    op(DELETE, path, summary)
        .param(r##"{"name": "If-Match", "in": "header", "required": false, "description": "The ETag (\"vN\") of the application as last read: the write happens only if it is still current, else 412.", "schema": {"type": "string"}}"##)
        .answer_raw(200, r##"Deleted: {"deleted": what}"##, r##"{"type": "object", "additionalProperties": false, "required": ["deleted"], "properties": {"deleted": {"type": "string"}}}"##)
        .answer_named(412, "Error", "Error")
        .answer_named(503, "Error", "Error")
}

/// `PATCH` of one record: fields named change, the rest stay.
fn correction(path: &'static str) -> Op {
    op(PATCH, path, r##"Correct fields of this record: a JSON object of its exchange-format fields (a said line: {"text": …}); fields not named stay. Answers the application. Undoable; honours If-Match."##)
        .body_raw("application/json", r##"{"type": "object"}"##)
        .answer(200, "OK", ty::<Application>)
        .answer_named(412, "Error", "Error")
        .answer_named(503, "Error", "Error")
}

/// Every route under `/api/v1`, in the order the routers declare them.
fn operations() -> Vec<Op> {
    vec![
        op(GET, "/agenda", "Every open action as of now: exactly `debrief agenda --json`")
            .about("Served from a snapshot rebuilt when the store changes (any write, also by another process) and at most once a minute of the clock; gzip when the client accepts it; ETag and If-None-Match (304). With state, limit or offset the answer is one page and adds total, offset and limit.")
            .param(r##"{"name": "now", "in": "query", "schema": {"type": "string"}, "description": "RFC 3339, or YYYY-MM-DD HH:MM in the profile's zone"}"##)
            .param(r##"{"name": "app", "in": "query", "schema": {"type": "string"}}"##)
            .param(r##"{"name": "state", "in": "query", "schema": {"enum": ["overdue", "due", "upcoming"]}, "description": "Only actions in this state"}"##)
            .param(r##"{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 10000}, "description": "Page size (default 100 when paging)"}"##)
            .param(r##"{"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}}"##)
            .answer(200, "OK", ty::<ops::AgendaPage<'static>>)
            .answer_none(304, "Not modified (If-None-Match matched the ETag)"),
        op(GET, "/stats", "Funnel, thank-you timeliness, reply rates, recurring mistakes")
            .answer(200, "OK", ty::<Stats>),
        op(GET, "/applications", "Every application with its counts (to_do: actions overdue or due now)")
            .about("Without parameters: every application not archived, as the board shows them. With any of them: the board's filters and sort.")
            .param(r##"{"name": "stage", "in": "query", "schema": {"type": "string"}, "description": "Only this stage"}"##)
            .param(r##"{"name": "due", "in": "query", "schema": {"type": "string"}, "description": "Only applications with actions overdue or due now"}"##)
            .param(r##"{"name": "archived", "in": "query", "schema": {"type": "string"}, "description": "The archived applications instead"}"##)
            .param(r##"{"name": "q", "in": "query", "schema": {"type": "string"}, "description": "Company or role holds every word"}"##)
            .param(r##"{"name": "sort", "in": "query", "schema": {"enum": ["recent", "oldest", "company", "to-do"]}}"##)
            .answer(200, "OK", ty::<Vec<AppSummary>>),
        op(PATCH, "/applications/{id}", "Change some of an application's own fields (those given change; archived takes it off the board and the agenda)")
            .body(ty::<ops::ApplicationPatch>)
            .answer(200, "OK", ty::<Application>),
        op(POST, "/applications", "Add an application")
            .body(ty::<ops::NewApplication>)
            .answer(201, "Created", ty::<Application>),
        op(GET, "/applications/{id}", "One application, as in the exchange format")
            .answer(200, "OK", ty::<Application>),
        op(PUT, "/applications/{id}", "Replace an application whole (exchange format)")
            .body(ty::<Application>)
            .answer(200, "OK", ty::<Application>),
        deletion("/applications/{id}", "Delete an application and everything in it (undoable)"),
        op(GET, "/applications/{id}/people", "The people of an application")
            .answer(200, "OK", ty::<Vec<Person>>),
        op(POST, "/applications/{id}/people", "Add a person")
            .body(ty::<ops::NewPerson>)
            .answer(201, "Created", ty::<Person>),
        op(GET, "/applications/{id}/interviews", "The interviews of an application")
            .answer(200, "OK", ty::<Vec<Interview>>),
        op(POST, "/applications/{id}/interviews", "Schedule an interview")
            .body(ty::<ops::NewInterview>)
            .answer(201, "Created", ty::<Interview>),
        op(POST, "/applications/{id}/interviews/{iv}/debrief", "Mark the interview done and record the debrief")
            .body(ty::<ops::Debrief>)
            .answer(200, "OK", ty::<Interview>),
        op(GET, "/applications/{id}/touches", "The touches of an application")
            .answer(200, "OK", ty::<Vec<Touch>>),
        op(POST, "/applications/{id}/touches", "Log a touch through the follow-up guard")
            .body(ty::<ops::NewTouch>)
            .answer_raw(201, "Logged: {logged: true, forced, application, person, kind, channel, at}", r##"{"type": "object", "additionalProperties": false, "required": ["logged", "forced", "application", "person", "kind", "channel", "at"], "properties": {"logged": {"const": true}, "forced": {"type": "boolean"}, "application": {"type": "string"}, "person": {"type": "string"}, "kind": {"$ref": "#/components/schemas/TouchKind"}, "channel": {"$ref": "#/components/schemas/Channel"}, "at": {"$ref": "#/components/schemas/Moment"}}}"##)
            .answer_named(409, "Refused by the follow-up guard; nothing written", "Refusal"),
        op(POST, "/applications/{id}/dismissals", "Mark an agenda action done or dismissed")
            .body(ty::<ops::NewDismissal>)
            .answer_raw(201, "Created", r##"{"type": "object", "additionalProperties": false, "required": ["dismissed", "rule", "application"], "properties": {"dismissed": {"const": true}, "rule": {"$ref": "#/components/schemas/Rule"}, "application": {"type": "string"}}}"##),
        op(POST, "/lint", "Lint a note against what the store knows")
            .body_raw("application/json", r##"{"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}, "app": {"type": "string"}, "person": {"type": "string"}, "kind": {"type": "string"}, "html": {"type": "boolean"}}}"##)
            .answer_raw(200, "OK", r##"{"type": "object", "additionalProperties": false, "required": ["diagnostics"], "properties": {"diagnostics": {"type": "array", "items": {"type": "object"}}, "html": {"type": "string"}, "panel_html": {"type": "string"}}}"##),
        op(GET, "/export", "The whole store as an exchange document (debrief/1)")
            .answer(200, "OK", ty::<Dataset>),
        op(POST, "/import", "Read an exchange document into the store (one transaction)")
            .param(r##"{"name": "replace", "in": "query", "schema": {"type": "boolean"}}"##)
            .body(ty::<Dataset>)
            .answer_raw(200, "OK", r##"{"type": "object", "additionalProperties": false, "required": ["imported", "added", "updated", "replaced"], "properties": {"imported": {"const": true}, "added": {"type": "integer", "minimum": 0}, "updated": {"type": "integer", "minimum": 0}, "replaced": {"type": "boolean"}}}"##),
        op(GET, "/applications/{id}/people/{person}", "One person")
            .answer(200, "OK", ty::<Person>),
        op(PATCH, "/applications/{id}/people/{person}", "Change a person (name, kind, title, contact, preferred channel, their date)")
            .body(ty::<ops::PersonUpdate>)
            .answer(200, "OK", ty::<Person>),
        op(DELETE, "/applications/{id}/people/{person}", "Delete a person (undoable); one on an interview panel needs from_panels=true, which takes them off it too")
            .param(r##"{"name": "If-Match", "in": "header", "required": false, "description": "The ETag (\"vN\") of the application as last read: the write happens only if it is still current, else 412.", "schema": {"type": "string"}}"##)
            .param(r##"{"name": "from_panels", "in": "query", "required": false, "schema": {"type": "boolean"}}"##)
            .answer_raw(200, r##"Deleted: {"deleted": what}"##, r##"{"type": "object", "additionalProperties": false, "required": ["deleted"], "properties": {"deleted": {"type": "string"}}}"##)
            .answer_named(412, "Error", "Error")
            .answer_named(503, "Error", "Error"),
        op(GET, "/applications/{id}/interviews/{iv}", "One interview")
            .answer(200, "OK", ty::<Interview>),
        op(PATCH, "/applications/{id}/interviews/{iv}", "Mark missed or cancelled, reschedule, record preparation or apologies")
            .body(ty::<ops::InterviewUpdate>)
            .answer(200, "OK", ty::<Interview>),
        deletion("/applications/{id}/interviews/{iv}", "Delete an interview (undoable)"),
        op(POST, "/applications/{id}/replies", "Record a reply to the latest unanswered message")
            .body(ty::<ops::NewReply>)
            .answer_raw(201, "Created", r##"{"type": "object", "additionalProperties": false, "required": ["replied", "application", "to"], "properties": {"replied": {"const": true}, "application": {"type": "string"}, "to": {"$ref": "#/components/schemas/Touch"}}}"##),
        op(POST, "/applications/{id}/news", "Record company news (answers the news list)")
            .body(ty::<ops::NewNews>)
            .answer(201, "Created", ty::<Vec<News>>),
        op(POST, "/applications/{id}/research", "Record a fact about the company, with how you would contribute")
            .body(ty::<ops::NewResearch>)
            .answer(201, "Created", ty::<Vec<ResearchFact>>),
        op(POST, "/applications/{id}/feedback", "Record or classify a point of feedback after the outcome")
            .body(ty::<ops::NewFeedback>)
            .answer_raw(201, "Created", r##"{"type": "object", "additionalProperties": false, "required": ["point", "outcome"], "properties": {"point": {"type": "integer", "minimum": 1}, "outcome": {"anyOf": [{"$ref": "#/components/schemas/Outcome"}, {"type": "null"}]}}}"##),
        op(PUT, "/applications/{id}/outcome", "Record the outcome (keeps feedback already recorded; sets the stage)")
            .body(ty::<ops::NewOutcome>)
            .answer(200, "OK", ty::<Option<Outcome>>),
        deletion("/applications/{id}/outcome", "Delete the outcome (undoable)"),
        op(GET, "/search", "Applications, people and notes that hold every word of q (any case): the first 50 of each, with totals")
            .param(r##"{"name": "q", "in": "query", "required": true, "schema": {"type": "string"}}"##)
            .answer(200, "OK", ty::<crate::search::Found>),
        op(GET, "/people", "Everyone met, across applications (one entry per email address, else per name), with the last contact and the stay-in-touch date")
            .answer(200, "OK", ty::<Vec<crate::people::Contact>>),
        op(GET, "/people/vcard", "Everyone, or one person, as vCard 4.0 (RFC 6350)")
            .param(r##"{"name": "app", "in": "query", "schema": {"type": "string"}}"##)
            .param(r##"{"name": "person", "in": "query", "schema": {"type": "string"}}"##)
            .answer_media(200, "vCard 4.0", "text/vcard", r##"{"type": "string"}"##)
            .answer_named(404, "No such person", "Error")
            .answer_named(422, "Only one of app and person given", "Error")
            .own_errors(),
        op(POST, "/drafts", "A first draft of a note to one person, with the linter's findings on it")
            .body(ty::<ops::DraftRequest>)
            .answer_raw(200, "OK", r##"{"type": "object", "additionalProperties": false, "required": ["app", "person", "kind", "subject", "body", "diagnostics"], "properties": {"app": {"type": "string"}, "person": {"type": "string"}, "kind": {"type": "string"}, "subject": {"type": "string"}, "body": {"type": "string"}, "diagnostics": {"type": "array", "items": {"type": "object"}}}}"##),
        op(POST, "/ics/import", "Import a calendar invite (.ics): exactly `debrief ics import --json`")
            .about("The body is the .ics file as sent by Google, Outlook/Exchange, Teams, Zoom, Apple… The same decisions as the command line: which application (and why), one interview per UID (importing again changes nothing), a higher SEQUENCE updates, a cancellation marks the interview cancelled. Unreadable parts are skipped and listed in `warnings` with their lines. Written in one transaction, or nothing with `dry_run=true`.")
            .param(r##"{"name": "app", "in": "query", "description": "Put every event in this application (`--app`)", "schema": {"type": "string"}}"##)
            .param(r##"{"name": "dry_run", "in": "query", "description": "Say what would change; write nothing", "schema": {"type": "boolean"}}"##)
            .body_raw("text/calendar", r##"{"type": "string"}"##)
            .answer_named(200, "FORMAT.md §2: {events: [… each with action create|update|unchanged|ignore|skip, application, chosen_because, interview, people_added …], warnings, created_applications, dry_run}", "IcsImport")
            .answer_named(400, "Not a calendar, or no event in it can be read: the message names the line; nothing written", "Error")
            .answer_named(404, "No such application (`app`)", "Error")
            .answer_named(413, "Larger than the request size limit", "Error")
            .answer_named(422, "Nothing imported: every event was skipped (the message says why for each), or a bad query", "Error")
            .own_errors(),
        op(GET, "/ics/export", "Interviews and open actions with reminders: exactly `debrief ics export`")
            .param(r##"{"name": "app", "in": "query", "description": "One application's only", "schema": {"type": "string"}}"##)
            .answer_media(200, "An RFC 5545 calendar", "text/calendar", r##"{"type": "string"}"##)
            .answer_named(404, "No such application", "Error")
            .own_errors(),
        op(POST, "/import-csv", "Import another tracker's CSV export: exactly `debrief import-csv --json`")
            .about("The body is the CSV (UTF-8, UTF-16 or Windows-1252; commas, semicolons or tabs). Rows that cannot be read are listed in `problems` with their line numbers and the rest is imported, in one transaction; jobs already in Debrief (same company and role) are left as they are.")
            .param(r##"{"name": "from", "in": "query", "required": true, "schema": {"enum": ["huntr", "jobsync", "mapped"]}}"##)
            .param(r##"{"name": "map", "in": "query", "description": "FIELD=COLUMN (company, role, stage, id); repeatable", "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": true}"##)
            .param(r##"{"name": "stage", "in": "query", "description": "VALUE=STAGE or VALUE=skip; repeatable", "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": true}"##)
            .param(r##"{"name": "dry_run", "in": "query", "schema": {"type": "boolean"}}"##)
            .param(r##"{"name": "name", "in": "query", "description": "The file's name, for `file` in the answer", "schema": {"type": "string"}}"##)
            .body_raw("text/csv", r##"{"type": "string"}"##)
            .answer_raw(200, "{source, file, dry_run, rows, columns, created: [{line, id, company, role, stage, from}], already: [{line, id}], skipped: [{line, reason}], problems: [{line, message}], stages: [{value, stage, how, rows}], ignored}", r##"{"type": "object"}"##)
            .answer_named(400, "The file cannot be used at all (empty, no header, no company column): nothing written", "Error")
            .answer_named(413, "Larger than the request size limit", "Error")
            .answer_named(422, "A bad `from`, `map` or `stage`", "Error")
            .own_errors(),
        op(POST, "/send", "Send a note by email, then log it: exactly `debrief send --json`")
            .about("Only when mail is set up (DEBRIEF_SMTP_URL / mail.toml, as for `debrief send`). Step by step, stopping at the first no with nothing sent or logged: the linter (errors block), the follow-up guard, the SMTP server; the touch is logged only once the server accepted the message. `force` sends past lint errors and the guard (the touch is marked forced).")
            .body_named("SendRequest")
            .answer_named(200, "Dry run: the summary with `dry_run: true` and the whole `message`; nothing sent or logged", "Sent")
            .answer_named(201, "Sent and logged", "Sent")
            .answer_named(404, "No such application", "Error")
            .answer_raw(409, "Refused by the follow-up guard: {sent: false, logged: false, rule: follow-up-guard, allowed_from, why}", r##"{"type": "object"}"##)
            .answer_raw(422, r##"Lint errors ({sent: false, logged: false, reason: "lint", diagnostics}), or bad input or mail settings ({message, field}: no address for the person, an empty note, no SMTP server set up…)"##, r##"{"type": "object"}"##)
            .answer_raw(502, r##"The server refused the message or could not be reached: {sent: false, logged: false, reason: "smtp", server, error}; nothing logged"##, r##"{"type": "object"}"##)
            .own_errors(),
        deletion("/applications/{id}/touches/{n}", "Delete touch n (from 1, in time order; undoable)"),
        correction("/applications/{id}/touches/{n}"),
        deletion("/applications/{id}/replies/{n}", "Delete the reply recorded on touch n (undoable)"),
        correction("/applications/{id}/replies/{n}"),
        deletion("/applications/{id}/news/{n}", "Delete news item n (from 1; undoable)"),
        correction("/applications/{id}/news/{n}"),
        deletion("/applications/{id}/research/{n}", "Delete research fact n (from 1; undoable)"),
        correction("/applications/{id}/research/{n}"),
        deletion("/applications/{id}/feedback/{n}", "Delete feedback point n (from 1; undoable)"),
        correction("/applications/{id}/feedback/{n}"),
        deletion("/applications/{id}/dismissals/{n}", "Delete dismissal n (from 1; undoable)"),
        correction("/applications/{id}/dismissals/{n}"),
        deletion("/applications/{id}/people/{person}/said/{n}", "Delete what a person said, line n (from 1; undoable)"),
        correction("/applications/{id}/people/{person}/said/{n}"),
        deletion("/applications/{id}/interviews/{iv}/slip-ups/{n}", "Delete slip-up n of an interview (from 1; undoable)"),
        correction("/applications/{id}/interviews/{iv}/slip-ups/{n}"),
        deletion("/applications/{id}/interviews/{iv}/reflection", "Delete the reflection on an interview (undoable)"),
        correction("/applications/{id}/interviews/{iv}/reflection"),
        op(GET, "/history", "The latest 50 changes to the store, newest first: {changes: [{id, at, source (cli|web|api), what, applications, profile, undoes, undone_by}]}")
            .answer_raw(200, "OK", r##"{"type": "object"}"##)
            .own_errors(),
        op(POST, "/undo", "Take back the latest change, or the latest ?count=N (an undo is itself undoable: the next undo puts them back): {undone: [...], entry}")
            .answer_raw(200, "OK", r##"{"type": "object"}"##)
            .answer_named(409, "Error", "Error")
            .answer_named(503, "Error", "Error")
            .own_errors(),
        op(GET, "/settings/digest", "The daily digest setting")
            .about("Whether and when (local time) `debrief serve` sends the daily digest (what is due today, overdue thank-you notes) to the subscribed browsers. Also `debrief remind --digest`.")
            .answer_named(200, "The setting", "DigestSetting")
            .own_errors(),
        op(PUT, "/settings/digest", "Set the daily digest")
            .body_named("DigestSetting")
            .answer_named(200, "Saved", "DigestSetting")
            .answer_named(422, "Not a time of day (field `at`)", "Error")
            .own_errors(),
        op(GET, "/push/key", "The server's VAPID public key (base64url, 65 bytes)")
            .about("Made once per store on first use; the browser's `applicationServerKey`. The private half never leaves the server.")
            .answer_raw(200, r##"`{"public_key": …}`"##, r##"{"type": "object", "properties": {"public_key": {"type": "string"}}}"##)
            .own_errors(),
        op(POST, "/push/subscriptions", "Send the daily digest to this browser")
            .body_named("PushSubscription")
            .answer_none(201, r##"`{"subscribed": n}`"##)
            .answer_named(422, "A field is not a usable subscription", "Error")
            .own_errors(),
        op(DELETE, "/push/subscriptions", "Stop sending the digest to a browser")
            .body_raw("application/json", r##"{"type": "object", "required": ["endpoint"], "properties": {"endpoint": {"type": "string"}}}"##)
            .answer_none(200, r##"`{"removed": bool, "subscribed": n}`"##)
            .own_errors(),
        op(POST, "/push/test", "Send the digest now to every subscribed browser")
            .answer_named(200, "What happened", "PushSent")
            .answer_named(422, "No browser is subscribed", "Error")
            .own_errors(),
        op(GET, "/inbox", "The mailbox's proposals waiting for a decision (the Inbox page)")
            .about("As the last scan kept them (`debrief mail scan`, POST /api/v1/inbox/scan, or `debrief serve --scan-mail-every`); FORMAT.md §4's proposals, each with `source` and `scanned_at`. Reading this never reads the mailbox.")
            .answer_raw(200, "`{proposals: [...]}`", r##"{"type": "object"}"##)
            .own_errors(),
        op(POST, "/inbox/scan", "Scan the configured mailboxes now (proposes only, records nothing)")
            .about("The mailboxes of mail.toml's `scan` or DEBRIEF_MAIL_SCAN. Answers `{scanned: [{source, proposals, skipped, error?}]}`.")
            .answer_raw(200, "What each mailbox gave", r##"{"type": "object"}"##)
            .answer_raw(422, "Refused: `{message, field}`", r##"{"type": "object"}"##)
            .answer_raw(503, "Refused: `{message, field}`", r##"{"type": "object"}"##)
            .own_errors(),
        op(POST, "/inbox/{id}/accept", "Record a waiting proposal, as `debrief mail scan --apply ID`")
            .about("An optional JSON body changes fields first (the page's Edit): `touch_kind` (a touch), `outcome` (an outcome), `at` (a touch, reply or outcome), `name` (a person). A field that does not fit the kind is refused (422). Answers `{id, recorded, note?}`; 409 when nothing could be recorded.")
            .param(r##"{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}"##)
            .answer_raw(200, "Recorded", r##"{"type": "object"}"##)
            .answer_raw(404, "Refused: `{message, field}`", r##"{"type": "object"}"##)
            .answer_raw(409, "Not recorded, with the reason in `note`", r##"{"type": "object"}"##)
            .answer_raw(422, "Refused: `{message, field}`", r##"{"type": "object"}"##)
            .own_errors(),
        op(POST, "/inbox/{id}/ignore", "Never propose this again, as `debrief mail ignore ID`")
            .param(r##"{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}"##)
            .answer_raw(200, "`{ignored: id}`", r##"{"type": "object"}"##)
            .answer_raw(422, "Refused: `{message, field}`", r##"{"type": "object"}"##)
            .own_errors(),
    ]
}

/// A candidate's id in the caseload, for `/candidates/{id}/…`.
const CANDIDATE: &str = r##"{"name": "id", "in": "path", "required": true, "description": "The candidate's account id, as the caseload lists it", "schema": {"type": "string"}}"##;

/// A coach reading one sharing candidate: the same answer as the
/// candidate's own route, 404 for any id not shared with the caller.
fn candidate_read(path: &'static str, summary: &'static str, answer: Schema) -> Op {
    hosted(GET, path, summary)
        .about("Read-only: a coach reads the vaults of the candidates who share with them, and any write under /api/v1/candidates/{id}/ answers 403. The query parameters are those of the candidate's own route.")
        .param(CANDIDATE)
        .answer(200, "OK, as the candidate's own route answers", answer)
        .answer_named(403, "The caller is a coach and the request a write (any method but GET and HEAD)", "Error")
        .answer_named(404, "No such candidate, or one who does not share with the caller (the same answer)", "Error")
}

/// Hosted mode's own routes (FORMAT.md §3), tagged `hosted`.
fn hosted_operations() -> Vec<Op> {
    use crate::caseload::{Caseload, ShareBody, Shared, Sharing};
    vec![
        hosted(GET, "/sharing", "The coaches the caller (a candidate) shares read access with, oldest share first")
            .answer(200, "OK", ty::<Sharing>)
            .answer_named(403, "The caller is not a candidate: only a candidate shares their own data", "Error"),
        hosted(POST, "/sharing", "Share read access with a coach, at once (a line in the candidate's history)")
            .body(ty::<ShareBody>)
            .answer(201, "Shared", ty::<Shared>)
            .answer(200, "Shared already: nothing changed", ty::<Shared>)
            .answer_named(403, "The caller is not a candidate", "Error")
            .answer_named(404, "No enabled coach has that email", "Error")
            .answer_named(413, "A body over 4 KB", "Error")
            .answer_named(422, "Not {\"coach\": EMAIL}", "Error"),
        hosted(DELETE, "/sharing/{email}", "Stop sharing with a coach, at once (a line in the candidate's history)")
            .answer_none(204, "Revoked")
            .answer_named(403, "The caller is not a candidate", "Error")
            .answer_named(404, "The caller does not share with that email", "Error"),
        hosted(GET, "/caseload", "A coach's caseload: every candidate who shares with them, with counts and dates only (no note's or person's words)")
            .param(r##"{"name": "sort", "in": "query", "schema": {"enum": ["attention", "name", "activity"]}, "description": "attention (most overdue first, the default), name, or last activity (most recent first)"}"##)
            .answer(200, "OK", ty::<Caseload>)
            .answer_named(403, "The caller is not a coach, or the request is a write", "Error")
            .answer_named(422, "An unknown sort", "Error"),
        hosted(GET, "/caseload/insights", "A coach's cohort insights: the activity figures (GET /api/v1/stats) of every candidate who shares with them, summed — the funnel, interviews and offers, thank-you timeliness (share within 24 h, median delay), status checks done and due, lapsed windows. Counts and ratios only (no note's or person's words)")
            .answer(200, "OK", ty::<crate::cohort::CohortInsights>)
            .answer_named(403, "The caller is not a coach, or the request is a write", "Error"),
        candidate_read("/candidates/{id}/agenda", "A sharing candidate's agenda: their own GET /api/v1/agenda", ty::<ops::AgendaPage<'static>>),
        candidate_read("/candidates/{id}/stats", "A sharing candidate's activity figures: their own GET /api/v1/stats", ty::<Stats>),
        candidate_read("/candidates/{id}/applications", "A sharing candidate's applications: their own GET /api/v1/applications", ty::<Vec<AppSummary>>),
        op(GET, "/healthz", "Alive: the process answers (no credentials)")
            .health()
            .answer_raw(200, "Alive", r##"{"type": "object", "additionalProperties": false, "required": ["status"], "properties": {"status": {"const": "ok"}}}"##),
        op(GET, "/readyz", "Ready: the database answers (no credentials)")
            .health()
            .answer_raw(200, "Ready", r##"{"type": "object", "additionalProperties": false, "required": ["status", "listening"], "properties": {"status": {"const": "ready"}, "listening": {"type": "boolean", "description": "Whether the server hears the database announce writes and token changes (then it keeps tokens and revisions between requests; docs/hosting.md)"}}}"##)
            .answer_raw(503, "The database does not answer", r##"{"type": "object", "additionalProperties": false, "required": ["status"], "properties": {"status": {"type": "string"}}}"##),
    ]
}
