//! Rule packs: the phrase rules as data, in the spirit of Vale styles.
//!
//! A pack is TOML with one `[[rule]]` table per rule. The built-in pack
//! (`rules/builtin.toml`) defines every rule of PLAYBOOK §5; a user pack with
//! the same format can add phrase rules, change severities, add phrases or
//! switch rules off. Rules whose logic needs the store (names, slip-ups, what
//! people said, timing, the panel) are `type = "code"`: the pack only sets
//! their severity and description.
//!
//! Phrase syntax: words separated by spaces, matched case-insensitively on
//! whole words within one sentence. In a slot, `a|b` gives alternatives, `*`
//! stands for any one word and `word*` for any word starting with `word`.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use serde::Deserialize;
use toml::Spanned;

use crate::text::Token;
use crate::{NoteKind, Severity};

const BUILTIN_TOML: &str = include_str!("../rules/builtin.toml");

static BUILTIN: LazyLock<RulePack> =
    LazyLock::new(|| RulePack::parse(BUILTIN_TOML).unwrap_or_default());

/// Phrase rules whose built-in decision is made per clause in `clause.rs`:
/// their entry needs no phrases (phrases a pack gives them are found too).
pub(crate) const DECIDED_BY_CLAUSES: &[&str] = &[
    "lint/concern-too-early",
    "lint/generic",
    "lint/missing-thanks",
];

/// Rules implemented in code; a pack may only configure them.
pub const CODE_RULES: &[&str] = &[
    "lint/wrong-name",
    "lint/unnoticed-mistake",
    "lint/no-reference",
    "lint/panel-duplicate",
    "lint/late",
    "lint/placeholder",
    "lint/already-sent",
];

/// Why a rule pack could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackError {
    #[error("line {line}, column {column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("line {line}: rule '{rule}', field `{field}`: {message}")]
    Field {
        line: usize,
        rule: String,
        field: String,
        message: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleType {
    /// Each phrase found is reported.
    Existence,
    /// Each phrase found is reported with its replacement.
    Substitution,
    /// The phrases are counted; too few (`min`) or too many (`max`) is reported once.
    Occurrence,
    /// A measure of the body (`words`) over `max` is reported once.
    Metric,
    /// Implemented in code.
    Code,
}

impl RuleType {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "existence" => RuleType::Existence,
            "substitution" => RuleType::Substitution,
            "occurrence" => RuleType::Occurrence,
            "metric" => RuleType::Metric,
            "code" => RuleType::Code,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RuleType::Existence => "existence",
            RuleType::Substitution => "substitution",
            RuleType::Occurrence => "occurrence",
            RuleType::Metric => "metric",
            RuleType::Code => "code",
        }
    }
}

/// Conditions on the store context under which a rule runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// An application is known and it has no offer (001).
    BeforeOffer,
    /// An application is known, the recipient is not an outside recruiter and
    /// fewer than two interviews are done (004).
    EarlyConcern,
    /// Nothing in the note is specific to the person or the company.
    NothingSpecific,
}

impl Condition {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "before-offer" => Condition::BeforeOffer,
            "early-concern" => Condition::EarlyConcern,
            "nothing-specific" => Condition::NothingSpecific,
            _ => return None,
        })
    }
}

/// One rule as a pack defines or overrides it. Fields left out of a user
/// override keep the built-in value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleDef {
    pub id: String,
    pub ty: Option<RuleType>,
    /// `None` inside `Some`: switched off (`severity = "off"`).
    pub severity: Option<Option<Severity>>,
    pub kinds: Option<Vec<NoteKind>>,
    pub when: Option<Vec<Condition>>,
    pub whole_note: Option<bool>,
    pub message: Option<String>,
    pub description: Option<String>,
    pub seeds: Option<Vec<String>>,
    pub tokens: Option<Vec<String>>,
    /// Extra phrases appended to the existing ones (user packs).
    pub also: Vec<String>,
    pub swap: Option<Vec<(String, String)>>,
    pub exceptions: Option<Vec<String>>,
    pub min: Option<u32>,
    pub max: Option<u32>,
    /// Set by [`RulePack::merge`]: whether the user's pack changed or added the rule.
    pub origin: Origin,
}

/// Where a rule of a merged pack comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Origin {
    /// As the pack it was read from defines it.
    #[default]
    Pack,
    /// A rule of the base pack that the pack laid over it changes.
    Changed,
    /// A rule the pack laid over the base adds.
    Added,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Pack => "built-in",
            Origin::Changed => "changed",
            Origin::Added => "added",
        }
    }
}

impl RuleDef {
    pub fn severity(&self) -> Option<Severity> {
        self.severity.unwrap_or(Some(Severity::Warning))
    }

    pub fn rule_type(&self) -> RuleType {
        self.ty.unwrap_or(RuleType::Existence)
    }

    pub fn applies_to(&self, kind: Option<NoteKind>) -> bool {
        match &self.kinds {
            None => true,
            Some(kinds) => kind.is_some_and(|k| kinds.contains(&k)),
        }
    }

    fn overlay(&mut self, o: &RuleDef) {
        macro_rules! take {
            ($($f:ident),*) => { $( if o.$f.is_some() { self.$f = o.$f.clone(); } )* };
        }
        take!(
            ty,
            severity,
            kinds,
            when,
            whole_note,
            message,
            description,
            seeds,
            tokens,
            swap,
            exceptions,
            min,
            max
        );
        self.also.extend(o.also.iter().cloned());
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Atom {
    Word(String),
    Prefix(String),
    Any,
}

impl Atom {
    fn matches(&self, w: &str) -> bool {
        match self {
            Atom::Word(x) => x == w,
            Atom::Prefix(p) => w.starts_with(p.as_str()),
            Atom::Any => true,
        }
    }
}

/// What a compiled phrase does when it matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhraseRole {
    Token,
    Swap(String),
    Exception,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Phrase {
    rule: usize,
    role: PhraseRole,
    slots: Vec<Vec<Atom>>,
}

/// A phrase found in a note: token indices `start..end`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhraseMatch {
    pub rule: usize,
    pub start: usize,
    pub end: usize,
    pub role: PhraseRole,
}

/// All phrases of a pack, indexed by their first word so a note is scanned once.
#[derive(Debug, Clone, Default, PartialEq)]
struct Matcher {
    phrases: Vec<Phrase>,
    by_first: HashMap<String, Vec<usize>>,
    unindexed: Vec<usize>,
}

impl Matcher {
    fn build(rules: &[RuleDef]) -> Matcher {
        let mut m = Matcher::default();
        for (ri, r) in rules.iter().enumerate() {
            let tokens = r.tokens.iter().flatten().chain(r.also.iter());
            let mut add = |text: &str, role: PhraseRole| {
                if let Ok(slots) = compile_phrase(text) {
                    m.phrases.push(Phrase {
                        rule: ri,
                        role,
                        slots,
                    });
                }
            };
            for t in tokens {
                add(t, PhraseRole::Token);
            }
            for (from, to) in r.swap.iter().flatten() {
                add(from, PhraseRole::Swap(to.clone()));
            }
            for e in r.exceptions.iter().flatten() {
                add(e, PhraseRole::Exception);
            }
        }
        for (pi, p) in m.phrases.iter().enumerate() {
            match p.slots.first() {
                Some(first) if first.iter().all(|a| matches!(a, Atom::Word(_))) => {
                    for a in first {
                        if let Atom::Word(w) = a {
                            m.by_first.entry(w.clone()).or_default().push(pi);
                        }
                    }
                }
                _ => m.unindexed.push(pi),
            }
        }
        m
    }

    fn find(&self, tokens: &[Token]) -> Vec<PhraseMatch> {
        let mut out = Vec::new();
        for (i, t) in tokens.iter().enumerate() {
            let indexed = self
                .by_first
                .get(&t.norm)
                .map(|v| v.as_slice())
                .unwrap_or(&[]);
            for &pi in indexed.iter().chain(self.unindexed.iter()) {
                let Some(p) = self.phrases.get(pi) else {
                    continue;
                };
                if let Some(end) = match_at(&p.slots, tokens, i) {
                    out.push(PhraseMatch {
                        rule: p.rule,
                        start: i,
                        end,
                        role: p.role.clone(),
                    });
                }
            }
        }
        out
    }
}

fn match_at(slots: &[Vec<Atom>], tokens: &[Token], start: usize) -> Option<usize> {
    let sentence = tokens.get(start)?.sentence;
    for (k, slot) in slots.iter().enumerate() {
        let t = tokens.get(start + k)?;
        if t.sentence != sentence || !slot.iter().any(|a| a.matches(&t.norm)) {
            return None;
        }
    }
    Some(start + slots.len())
}

fn compile_phrase(text: &str) -> Result<Vec<Vec<Atom>>, String> {
    let cleaned: String = text
        .chars()
        .map(|c| match c {
            '-' => ' ',
            '\u{2019}' | '\u{2018}' => '\'',
            c => c,
        })
        .collect::<String>()
        .to_lowercase();
    let mut slots = Vec::new();
    for slot in cleaned.split_whitespace() {
        let mut alts = Vec::new();
        for alt in slot.split('|') {
            if alt == "*" {
                alts.push(Atom::Any);
                continue;
            }
            let (body, prefix) = match alt.strip_suffix('*') {
                Some(b) => (b, true),
                None => (alt, false),
            };
            if body.is_empty() || !body.chars().all(|c| c.is_alphanumeric() || c == '\'') {
                return Err(format!(
                    "'{alt}' in \"{text}\": use letters, digits and apostrophes, `a|b` or a trailing `*`"
                ));
            }
            alts.push(if prefix {
                Atom::Prefix(body.to_string())
            } else {
                Atom::Word(body.to_string())
            });
        }
        slots.push(alts);
    }
    if slots.is_empty() {
        return Err("empty phrase".to_string());
    }
    if slots.iter().all(|s| s.contains(&Atom::Any)) {
        return Err(format!("\"{text}\" would match any words"));
    }
    Ok(slots)
}

/// A set of rules: the built-in pack, a user pack, or both merged.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RulePack {
    rules: Vec<RuleDef>,
    matcher: Matcher,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPack {
    #[serde(default)]
    rule: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    #[serde(rename = "type")]
    ty: Option<Spanned<String>>,
    severity: Option<Spanned<String>>,
    kinds: Option<Vec<Spanned<String>>>,
    when: Option<Vec<Spanned<String>>>,
    scope: Option<Spanned<String>>,
    message: Option<String>,
    description: Option<String>,
    seeds: Option<Vec<String>>,
    tokens: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    also: Vec<Spanned<String>>,
    swap: Option<Spanned<BTreeMap<String, String>>>,
    exceptions: Option<Vec<Spanned<String>>>,
    min: Option<u32>,
    max: Option<u32>,
}

impl RulePack {
    /// The rules of PLAYBOOK §5 as shipped.
    pub fn builtin() -> RulePack {
        BUILTIN.clone()
    }

    /// The built-in pack without copying it.
    pub fn builtin_ref() -> &'static RulePack {
        &BUILTIN
    }

    /// Reads a pack. Errors name the line and the field.
    pub fn parse(text: &str) -> Result<RulePack, PackError> {
        // One index for the whole text: errors and rule ids both need lines.
        let index = crate::text::LineIndex::new(text);
        let raw: RawPack = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|s| index.position(s.start)).unwrap_or((1, 1));
            PackError::Syntax {
                line,
                column,
                message: e.message().to_string(),
            }
        })?;
        let mut rules: Vec<RuleDef> = Vec::new();
        for r in raw.rule {
            let rule_line = index.position(r.id.span().start).0;
            let id = r.id.into_inner();
            // Errors point at the bad value when the parser knows where it is,
            // else at the rule's id.
            let err_at = |at: Option<std::ops::Range<usize>>, field: &str, message: String| {
                PackError::Field {
                    line: at.map_or(rule_line, |s| index.position(s.start).0),
                    rule: id.clone(),
                    field: field.to_string(),
                    message,
                }
            };
            let err = |field: &str, message: String| err_at(None, field, message);
            if id.trim().is_empty() {
                return Err(err("id", "must not be empty".into()));
            }
            if rules.iter().any(|x| x.id == id) {
                return Err(err("id", "defined twice in this pack".into()));
            }
            let ty_at = r.ty.as_ref().map(|t| t.span());
            let ty = match r.ty.as_ref().map(|t| t.get_ref()) {
                None => None,
                Some(s) => Some(RuleType::parse(s).ok_or_else(|| {
                    err_at(
                        ty_at.clone(),
                        "type",
                        format!(
                            "'{s}' is not one of existence, substitution, occurrence, metric, code"
                        ),
                    )
                })?),
            };
            let is_code = CODE_RULES.contains(&id.as_str());
            if ty == Some(RuleType::Code) && !is_code {
                return Err(err_at(
                    ty_at.clone(),
                    "type",
                    format!(
                        "no code rule is called '{id}'; code rules are {}",
                        CODE_RULES.join(", ")
                    ),
                ));
            }
            if is_code && ty.is_some_and(|t| t != RuleType::Code) {
                return Err(err_at(
                    ty_at.clone(),
                    "type",
                    "this rule is implemented in code; leave `type` out".into(),
                ));
            }
            let builtin_known = is_code || BUILTIN_IDS.contains(&id.as_str());
            if ty.is_none() && !builtin_known {
                return Err(err(
                    "type",
                    "missing: a new rule needs `type` and its phrases (`tokens` or `swap`)".into(),
                ));
            }
            let severity = match r.severity.as_ref().map(|s| s.get_ref().as_str()) {
                None => None,
                Some("off") => Some(None),
                Some(s) => Some(Some(s.parse::<Severity>().map_err(|_| {
                    err_at(
                        r.severity.as_ref().map(|s| s.span()),
                        "severity",
                        format!("'{s}' is not one of error, warning, info, off"),
                    )
                })?)),
            };
            let kinds = match &r.kinds {
                None => None,
                Some(ks) => {
                    let mut out = Vec::new();
                    for k in ks {
                        out.push(
                            k.get_ref()
                                .parse::<NoteKind>()
                                .map_err(|e| err_at(Some(k.span()), "kinds", e))?,
                        );
                    }
                    Some(out)
                }
            };
            let when = match &r.when {
                None => None,
                Some(ws) => {
                    let mut out = Vec::new();
                    for w in ws {
                        out.push(Condition::parse(w.get_ref()).ok_or_else(|| {
                            err_at(
                                Some(w.span()),
                                "when",
                                format!("'{w}' is not one of before-offer, early-concern, nothing-specific"),
                            )
                        })?);
                    }
                    Some(out)
                }
            };
            let whole_note = match r.scope.as_ref().map(|s| s.get_ref().as_str()) {
                None => None,
                Some("body") => Some(false),
                Some("note") => Some(true),
                Some(s) => {
                    return Err(err_at(
                        r.scope.as_ref().map(|s| s.span()),
                        "scope",
                        format!("'{s}' is not one of body, note"),
                    ));
                }
            };
            for (field, list) in [
                ("tokens", r.tokens.as_deref().unwrap_or(&[])),
                ("also", &r.also[..]),
                ("exceptions", r.exceptions.as_deref().unwrap_or(&[])),
            ] {
                for (i, p) in list.iter().enumerate() {
                    compile_phrase(p.get_ref())
                        .map_err(|m| err_at(Some(p.span()), &format!("{field}[{i}]"), m))?;
                }
            }
            let swap_at = r.swap.as_ref().map(|s| s.span());
            let swap = r
                .swap
                .map(|m| m.into_inner().into_iter().collect::<Vec<_>>());
            for (from, _) in swap.iter().flatten() {
                compile_phrase(from)
                    .map_err(|m| err_at(swap_at.clone(), &format!("swap.\"{from}\""), m))?;
            }
            let strings = |v: Option<Vec<Spanned<String>>>| {
                v.map(|v| v.into_iter().map(Spanned::into_inner).collect())
            };
            let def = RuleDef {
                id: id.clone(),
                ty,
                severity,
                kinds,
                when,
                whole_note,
                message: r.message,
                description: r.description,
                seeds: r.seeds,
                tokens: strings(r.tokens),
                also: r.also.into_iter().map(Spanned::into_inner).collect(),
                swap,
                exceptions: strings(r.exceptions),
                min: r.min,
                max: r.max,
                origin: Origin::Pack,
            };
            match def.ty {
                Some(RuleType::Existence) | Some(RuleType::Occurrence)
                    if !DECIDED_BY_CLAUSES.contains(&def.id.as_str())
                        && def.tokens.as_ref().is_none_or(|t| t.is_empty())
                        && def.swap.as_ref().is_none_or(|s| s.is_empty()) =>
                {
                    return Err(err(
                        "tokens",
                        "an existence or occurrence rule needs phrases".into(),
                    ));
                }
                Some(RuleType::Substitution) if def.swap.as_ref().is_none_or(|s| s.is_empty()) => {
                    return Err(err(
                        "swap",
                        "a substitution rule needs `swap = { \"from\" = \"to\" }`".into(),
                    ));
                }
                Some(RuleType::Occurrence) if def.min.is_none() && def.max.is_none() => {
                    return Err(err("min", "an occurrence rule needs `min` or `max`".into()));
                }
                Some(RuleType::Metric) if def.max.is_none() => {
                    return Err(err("max", "a metric rule needs `max` (words)".into()));
                }
                _ => {}
            }
            if def.ty.is_some() && def.message.is_none() && !builtin_known {
                return Err(err("message", "a new rule needs a message".into()));
            }
            rules.push(def);
        }
        let matcher = Matcher::build(&rules);
        Ok(RulePack { rules, matcher })
    }

    /// This pack with `user` laid over it: same ids change fields, new ids add rules.
    pub fn merge(&self, user: &RulePack) -> RulePack {
        let mut rules = self.rules.clone();
        for u in &user.rules {
            match rules.iter_mut().find(|r| r.id == u.id) {
                Some(r) => {
                    r.overlay(u);
                    if r.origin == Origin::Pack {
                        r.origin = Origin::Changed;
                    }
                }
                None => rules.push(RuleDef {
                    origin: Origin::Added,
                    ..u.clone()
                }),
            }
        }
        let matcher = Matcher::build(&rules);
        RulePack { rules, matcher }
    }

    pub fn rules(&self) -> &[RuleDef] {
        &self.rules
    }

    pub fn get(&self, id: &str) -> Option<&RuleDef> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Severity of a rule, `None` when it is off or unknown.
    pub fn severity(&self, id: &str) -> Option<Severity> {
        self.get(id).and_then(|r| r.severity())
    }

    pub(crate) fn find(&self, tokens: &[Token]) -> Vec<PhraseMatch> {
        self.matcher.find(tokens)
    }
}

/// Ids the built-in pack defines; a user pack may override them without `type`.
const BUILTIN_IDS: &[&str] = &[
    "lint/wrong-name",
    "lint/salary-before-offer",
    "lint/blanket-apology",
    "lint/excuse",
    "lint/unnoticed-mistake",
    "lint/concern-too-early",
    "lint/generic",
    "lint/no-reference",
    "lint/panel-duplicate",
    "lint/too-long",
    "lint/missing-thanks",
    "lint/missing-fit",
    "lint/pushy",
    "lint/late",
    "lint/dismissive",
    "lint/other-candidate",
    "lint/feedback-by-email",
    "lint/placeholder",
    "lint/already-sent",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    #[test]
    fn builtin_pack_parses_and_has_every_playbook_rule() {
        let pack = RulePack::parse(BUILTIN_TOML).expect("builtin parses");
        for id in BUILTIN_IDS {
            let r = pack.get(id).unwrap_or_else(|| panic!("{id} missing"));
            assert!(r.description.is_some(), "{id} has no description");
            assert!(r.seeds.is_some(), "{id} has no seeds");
            assert!(r.severity.is_some(), "{id} has no severity");
        }
        assert_eq!(pack.rules().len(), BUILTIN_IDS.len());
    }

    #[test]
    fn phrases_match_whole_words_in_one_sentence() {
        let pack = RulePack::parse(
            r#"
[[rule]]
id = "x/test"
type = "existence"
message = "m"
tokens = ["as soon as possible", "pay|paid *", "grate*"]
"#,
        )
        .expect("parses");
        let s = "Reply as soon as possible. We pay. Well paid job, grateful";
        let t = tokenize(s, 0..s.len());
        let m = pack.find(&t);
        let found: Vec<String> = m
            .iter()
            .map(|m| {
                t[m.start..m.end]
                    .iter()
                    .map(|x| x.norm.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        assert_eq!(found, vec!["as soon as possible", "paid job", "grateful"]);
    }

    #[test]
    fn errors_name_line_and_field() {
        let e =
            RulePack::parse("[[rule]]\nid = \"lint/pushy\"\nseverity = \"loud\"\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 3: rule 'lint/pushy', field `severity`: 'loud' is not one of error, warning, info, off"
        );
        // The line of the bad value, not of the rule's id.
        let e = RulePack::parse(
            "# my rules\n\n[[rule]]\nid = \"lint/pushy\"\n# pressure is worse than that\nseverity = \"loud\"\n",
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("line 6: "), "{e}");
        let e = RulePack::parse(
            "[[rule]]\nid = \"me/x\"\ntype = \"existence\"\nmessage = \"m\"\ntokens = [\n  \"ok\",\n  \"a(b\",\n]\nkinds = [\"thank-you\"]\n",
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("line 7: "), "{e}");
        let e = RulePack::parse(
            "[[rule]]\nid = \"lint/pushy\"\n\nkinds = [\"thank-you\",\n \"nope\"]\n",
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("line 5: "), "{e}");
        let e = RulePack::parse("[[rule]]\nid = \"lint/pushy\"\n\ntype = \"nope\"\n").unwrap_err();
        assert!(e.to_string().starts_with("line 4: "), "{e}");
        let e = RulePack::parse("[[rule]]\nid = \"me/x\"\ntype = \"existence\"\nmessage = \"m\"\ntokens = [\"ok\", \"a(b\"]\n")
            .unwrap_err();
        assert!(e.to_string().contains("field `tokens[1]`"), "{e}");
        let e = RulePack::parse("[[rule]]\nid = \"me/x\"\n").unwrap_err();
        assert!(e.to_string().contains("field `type`"), "{e}");
        let e = RulePack::parse("[[rule]]\nid = 3\n").unwrap_err();
        assert!(matches!(e, PackError::Syntax { line: 2, .. }), "{e:?}");
        let e = RulePack::parse("[[rule]]\nid = \"lint/late\"\nnope = 1\n").unwrap_err();
        assert!(e.to_string().contains("nope"), "{e}");
    }

    #[test]
    fn merge_overrides_and_adds() {
        let user = RulePack::parse(
            r#"
[[rule]]
id = "lint/too-long"
severity = "warning"
max = 120

[[rule]]
id = "lint/pushy"
severity = "off"

[[rule]]
id = "lint/excuse"
also = ["circle back"]

[[rule]]
id = "me/jargon"
type = "substitution"
severity = "info"
message = "Plain words read better than '{match}'."
swap = { "synergy" = "working together" }
"#,
        )
        .expect("parses");
        let merged = RulePack::builtin().merge(&user);
        assert_eq!(merged.get("lint/too-long").and_then(|r| r.max), Some(120));
        assert_eq!(merged.severity("lint/too-long"), Some(Severity::Warning));
        assert_eq!(merged.severity("lint/pushy"), None);
        assert_eq!(merged.severity("me/jargon"), Some(Severity::Info));
        let g = merged.get("lint/excuse").expect("excuse");
        assert!(g.also.contains(&"circle back".to_string()));
        assert!(g.tokens.as_ref().is_some_and(|t| t.len() > 5));
        let origin = |id: &str| merged.get(id).map(|r| r.origin);
        assert_eq!(origin("lint/too-long"), Some(Origin::Changed));
        assert_eq!(origin("me/jargon"), Some(Origin::Added));
        assert_eq!(origin("lint/wrong-name"), Some(Origin::Pack));
    }
}
