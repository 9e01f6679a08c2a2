//! Renderings of findings for people and machines. Pure: each returns a String.

use serde::Serialize;
use serde_json::json;

use crate::{Diagnostic, LeftOut, MAX_PER_RULE, RulePack, Severity};

/// The widest snippet of a line shown under a finding, in characters.
const SNIPPET_CHARS: usize = 120;

/// A rule as `debrief lint --list-rules` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleMeta {
    pub id: String,
    /// `None` when the pack switches the rule off.
    pub severity: Option<Severity>,
    /// How the rule works: existence, substitution, occurrence, metric, code.
    pub kind: String,
    /// Seed ids (PLAYBOOK.md) the rule comes from.
    pub source: Vec<String>,
    /// `built-in`, or — once a user pack is merged in — `changed` or `added` by it.
    pub origin: String,
    pub description: String,
}

/// The built-in rules.
pub fn rules() -> Vec<RuleMeta> {
    rules_of(RulePack::builtin_ref())
}

/// The rules of any pack (e.g. the built-in one merged with the user's).
pub fn rules_of(pack: &RulePack) -> Vec<RuleMeta> {
    pack.rules()
        .iter()
        .map(|r| RuleMeta {
            id: r.id.clone(),
            severity: r.severity(),
            kind: r.rule_type().as_str().to_string(),
            source: r.seeds.clone().unwrap_or_default(),
            origin: r.origin.as_str().to_string(),
            description: r
                .description
                .clone()
                .or_else(|| r.message.clone())
                .unwrap_or_default(),
        })
        .collect()
}

/// rustc-like snippets: the message, the place, the line with the span
/// underlined; then a count of findings.
pub fn human(source: &str, diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    snippets(source, diags, &mut out);
    summary(diags, &[], 1, &mut out);
    out
}

/// [`human`] for several notes, given as (path, text): the snippets of each
/// note in turn (matched to findings by `path`), then one count for all.
pub fn human_files(files: &[(String, String)], diags: &[Diagnostic]) -> String {
    human_report(files, diags, &[])
}

/// [`human_files`], saying how many findings each rule left out.
pub fn human_report(
    files: &[(String, String)],
    diags: &[Diagnostic],
    left_out: &[LeftOut],
) -> String {
    let mut out = String::new();
    for (path, text) in files {
        let mine: Vec<Diagnostic> = diags.iter().filter(|d| &d.path == path).cloned().collect();
        snippets(text, &mine, &mut out);
    }
    summary(diags, left_out, files.len(), &mut out);
    out
}

/// One line per rule that left findings out: what the count above omits.
pub fn left_out_lines(left_out: &[LeftOut]) -> String {
    left_out
        .iter()
        .map(|l| {
            let path = if l.path.is_empty() { "<note>" } else { &l.path };
            format!(
                "{} more {} finding(s) in {path} not shown: a rule reports at most {MAX_PER_RULE} in a note\n",
                l.count, l.rule
            )
        })
        .collect()
}

/// The part of a line shown under a finding: the whole line when short,
/// else about [`SNIPPET_CHARS`] characters around columns `start..=end`
/// (1-based), cut with `…`. Returns the text and the column of `start` in it.
fn window(line: &str, start: usize, end: usize) -> (String, usize, usize) {
    let clean = |c: char| if c.is_control() { ' ' } else { c };
    let len = line.chars().count();
    if len <= SNIPPET_CHARS {
        return (line.chars().map(clean).collect(), start, end);
    }
    let span = end.saturating_add(1).saturating_sub(start).max(1);
    let room = SNIPPET_CHARS.saturating_sub(span.min(SNIPPET_CHARS));
    let from = start.saturating_sub(room / 2).max(1);
    let to = (from + SNIPPET_CHARS - 1).min(len);
    let from = to.saturating_sub(SNIPPET_CHARS - 1).max(1).min(from);
    let mut shown = String::new();
    let lead = from > 1;
    if lead {
        shown.push('…');
    }
    shown.extend(line.chars().skip(from - 1).take(to + 1 - from).map(clean));
    if to < len {
        shown.push('…');
    }
    let shift = usize::from(lead);
    let s = start.saturating_sub(from) + 1 + shift;
    let e = end.min(to).saturating_sub(from) + 1 + shift;
    (shown, s, e.max(s))
}

fn snippets(source: &str, diags: &[Diagnostic], out: &mut String) {
    let lines: Vec<&str> = source.split('\n').collect();
    for d in diags {
        let width = d.line.to_string().len();
        let pad = " ".repeat(width);
        out.push_str(&format!("{}[{}]: {}\n", d.severity, d.rule, d.message));
        let path = if d.path.is_empty() { "<note>" } else { &d.path };
        out.push_str(&format!("{pad}--> {path}:{}:{}\n", d.line, d.column));
        if let Some(line) = lines.get(d.line.saturating_sub(1)) {
            // Tabs and control characters would shift the caret; show them as
            // one space. A long line is cut to the part around the finding.
            let line = line.trim_end_matches('\r');
            let end = if d.end_line == d.line {
                d.end_column
            } else {
                line.chars().count()
            };
            let (shown, start, end) = window(line, d.column.max(1), end);
            let carets = end.saturating_add(1).saturating_sub(start).max(1);
            out.push_str(&format!("{pad} |\n"));
            out.push_str(&format!("{:>width$} | {shown}\n", d.line));
            out.push_str(&format!(
                "{pad} | {}{}\n",
                " ".repeat(start - 1),
                "^".repeat(carets)
            ));
        }
        if let Some(s) = &d.suggestion {
            out.push_str(&format!("{pad} = help: {s}\n"));
        }
        out.push('\n');
    }
}

fn summary(diags: &[Diagnostic], left_out: &[LeftOut], notes: usize, out: &mut String) {
    out.push_str(&left_out_lines(left_out));
    let count = |s: Severity| diags.iter().filter(|d| d.severity == s).count();
    out.push_str(&format!(
        "{} error(s), {} warning(s), {} info",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
    ));
    if notes > 1 {
        out.push_str(&format!(" in {notes} notes"));
    }
    let more: usize = left_out.iter().map(|l| l.count).sum();
    if more > 0 {
        out.push_str(&format!(" shown; {more} more left out"));
    }
    out.push('\n');
}

/// One line per finding: `path:line:col: severity: message [rule]`.
pub fn line(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{}: {}: {} [{}]\n",
                d.path, d.line, d.column, d.severity, d.message, d.rule
            )
        })
        .collect()
}

/// FORMAT.md §2: `{"diagnostics": [...]}`, fields in the order FORMAT.md
/// shows them (path, rule, severity, place, message, suggestion).
pub fn json(diags: &[Diagnostic]) -> String {
    #[derive(Serialize)]
    struct Doc<'a> {
        diagnostics: &'a [Diagnostic],
    }
    serde_json::to_string_pretty(&Doc { diagnostics: diags })
        .unwrap_or_else(|_| "{\"diagnostics\":[]}".to_string())
}

/// SARIF 2.1.0, one run, rule ids as `ruleId`, rule metadata from `pack`.
pub fn sarif(diags: &[Diagnostic], pack: &RulePack) -> String {
    let metas = rules_of(pack);
    let rules: Vec<_> = metas
        .iter()
        .map(|m| {
            json!({
                "id": m.id,
                "shortDescription": { "text": m.description },
                "defaultConfiguration": { "level": sarif_level(m.severity) },
                "properties": { "seeds": m.source, "kind": m.kind },
            })
        })
        .collect();
    let results: Vec<_> = diags
        .iter()
        .map(|d| {
            let mut r = json!({
                "ruleId": d.rule,
                "level": sarif_level(Some(d.severity)),
                "message": { "text": d.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": d.path },
                        "region": {
                            "startLine": d.line,
                            "startColumn": d.column,
                            "endLine": d.end_line,
                            // SARIF ends are exclusive.
                            "endColumn": d.end_column + 1,
                        }
                    }
                }],
            });
            if let Some(i) = metas.iter().position(|m| m.id == d.rule) {
                r["ruleIndex"] = json!(i);
            }
            if let Some(s) = &d.suggestion {
                r["properties"] = json!({ "suggestion": s });
            }
            r
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "debrief-lint",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

fn sarif_level(s: Option<Severity>) -> &'static str {
    match s {
        Some(Severity::Error) => "error",
        Some(Severity::Warning) => "warning",
        Some(Severity::Info) => "note",
        None => "none",
    }
}

/// GitHub Actions workflow commands (`::error file=…::message`).
pub fn github(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| {
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            format!(
                "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
                gh_property(&d.path),
                d.line,
                d.column,
                d.end_line,
                d.end_column,
                gh_property(&d.rule),
                gh_data(&d.message)
            )
        })
        .collect()
}

fn gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}
