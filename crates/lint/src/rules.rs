//! The rule engine: phrase rules from the pack, and the rules that need the
//! store (names, slip-ups, what people said, timing, the panel).

use std::collections::HashSet;

use debrief_core::model::{
    Application, Interview, InterviewStatus, OutcomeKind, Person, PersonKind, RecruiterKind,
    SlipUp, Stage, TouchKind,
};

use crate::note::{Finding, Note};
use crate::pack::{Condition, PhraseMatch, PhraseRole, RuleDef, RuleType};
use crate::text::{Span, Token, first_line, tokenize};
use crate::words::{is_stock, is_stop, stem};
use crate::{Context, Diagnostic, Severity, panel};

/// The findings, and per rule how many more it found than it reports.
pub(crate) fn run(text: &str, ctx: &Context) -> (Vec<Diagnostic>, Vec<(String, usize)>) {
    let note = Note::new(text);
    let mut matches = ctx.pack.find(&note.tokens);
    // Names of the company, the role and the people are not the writer's
    // wording: "Benefits Analyst" raises no salary question.
    let protected = protected_ranges(&note, ctx);
    if !protected.is_empty() {
        matches.retain(|m| {
            m.role == PhraseRole::Exception
                || !protected
                    .iter()
                    .any(|p| p.start <= m.start && m.end <= p.end)
        });
    }
    let mut facts = Facts::default();
    let mut out = Vec::new();
    let mut left_out = Vec::new();
    for (ri, rule) in ctx.pack.rules().iter().enumerate() {
        let Some(severity) = rule.severity() else {
            continue;
        };
        if !rule.applies_to(ctx.kind) {
            continue;
        }
        if !rule
            .when
            .iter()
            .flatten()
            .all(|c| facts.holds(*c, &note, ctx))
        {
            continue;
        }
        // The fit said in plain words ("I ran that floor for six years").
        if rule.id == "lint/missing-fit" && crate::clause::states_fit(&note) {
            continue;
        }
        // Thanks said by the writer, not a request dressed as thanks.
        if rule.id == "lint/missing-thanks" && crate::clause::thanks(&note) {
            continue;
        }
        match rule.rule_type() {
            RuleType::Code => code_rule(rule, severity, &note, ctx, &mut out),
            _ => {
                let before = out.len();
                let mut more = phrase_rule(ri, rule, severity, &note, &matches, &mut out);
                more += clause_rule(rule, severity, &note, ctx, before, &mut out);
                if more > 0 {
                    left_out.push((rule.id.clone(), more));
                }
            }
        }
    }
    (out, left_out)
}

/// What the sentence-level reading (`clause.rs`) finds for an intent rule,
/// where the rule's phrases found nothing overlapping. Returns how many
/// were left out past [`MAX_PER_RULE`].
fn clause_rule(
    rule: &RuleDef,
    severity: Severity,
    note: &Note,
    ctx: &Context,
    from: usize,
    out: &mut Vec<Diagnostic>,
) -> usize {
    let found = crate::clause::findings(note, ctx.kind, &rule.id);
    if found.is_empty() {
        return 0;
    }
    let mut beyond = 0;
    for (span, message, suggestion) in found {
        let d = note.diag(&rule.id, severity, &span, message, suggestion);
        // A phrase of the pack already found it: keep its wording, and add
        // the clause's suggestion when it had none.
        let overlapping = out.get_mut(from..).and_then(|found| {
            found.iter_mut().find(|o| {
                (o.line, o.column) <= (d.end_line, d.end_column)
                    && (d.line, d.column) <= (o.end_line, o.end_column)
            })
        });
        if let Some(o) = overlapping {
            if o.suggestion.is_none() {
                o.suggestion = d.suggestion;
            }
            continue;
        }
        if out.len() - from >= MAX_PER_RULE {
            beyond += 1;
            continue;
        }
        out.push(d);
    }
    beyond
}

fn protected_ranges(note: &Note, ctx: &Context) -> Vec<std::ops::Range<usize>> {
    let mut names: Vec<Vec<String>> = Vec::new();
    if let Some(app) = ctx.app {
        names.push(name_parts(&app.company));
        names.push(name_parts(&app.role));
        for p in &app.people {
            names.push(name_parts(&p.name));
            if let Some(t) = &p.title {
                names.push(name_parts(t));
            }
        }
    }
    let mut out = Vec::new();
    // The recipient's own topic, named back in two or more of the words
    // recorded from them ("the benefits portal"), is theirs, not the writer's.
    for said in ctx.recipient.iter().flat_map(|p| &p.said) {
        let seq = name_parts(said);
        for i in 0..note.tokens.len() {
            let longest = (0..seq.len())
                .map(|j| {
                    note.tokens[i..]
                        .iter()
                        .zip(&seq[j..])
                        .take_while(|(t, s)| t.norm == **s)
                        .count()
                })
                .max()
                .unwrap_or(0);
            if longest >= 2 {
                out.push(i..i + longest);
            }
        }
    }
    for seq in names.iter().filter(|s| !s.is_empty()) {
        let n = seq.len();
        for i in 0..note.tokens.len().saturating_sub(n - 1) {
            if note
                .tokens
                .get(i..i + n)
                .is_some_and(|w| w.iter().zip(seq).all(|(t, s)| t.norm == *s))
            {
                out.push(i..i + n);
            }
        }
    }
    out
}

/// More findings of one rule than this in one note tell the writer nothing new.
pub(crate) const MAX_PER_RULE: usize = 25;

fn render(template: &str, m: &str, count: usize, rule: &RuleDef) -> String {
    // Invisible and bidirectional marks stay out of the message.
    let m: String = m
        .chars()
        .filter(|c| !crate::text::is_invisible(*c))
        .collect();
    template
        .replace("{match}", &m)
        .replace("{count}", &count.to_string())
        .replace("{max}", &rule.max.unwrap_or(0).to_string())
        .replace("{min}", &rule.min.unwrap_or(0).to_string())
}

fn phrase_rule(
    ri: usize,
    rule: &RuleDef,
    severity: Severity,
    note: &Note,
    all: &[PhraseMatch],
    out: &mut Vec<Diagnostic>,
) -> usize {
    let whole = rule.whole_note.unwrap_or(false);
    let in_scope = |start: usize, end: usize| whole || note.in_body(start, end);
    let template = rule.message.as_deref().unwrap_or("'{match}'");
    if rule.rule_type() == RuleType::Metric {
        let scope: Vec<usize> = if whole {
            (0..note.tokens.len()).collect()
        } else {
            note.body_words().collect()
        };
        let words = scope.len();
        let max = rule.max.unwrap_or(u32::MAX) as usize;
        if words > max
            && let (Some(&from), Some(&to)) = (scope.get(max), scope.last())
        {
            let span = note.span_of(from, to + 1);
            let first = first_line(note.text, &span);
            out.push(note.diag(
                &rule.id,
                severity,
                &first,
                render(template, "", words, rule),
                None,
            ));
        }
        return 0;
    }
    let exceptions: Vec<&PhraseMatch> = all
        .iter()
        .filter(|m| m.rule == ri && m.role == PhraseRole::Exception)
        .collect();
    let mut hits: Vec<&PhraseMatch> = Vec::new();
    // Findings past MAX_PER_RULE are counted, not kept, so the count can say
    // how many were left out.
    let mut beyond = 0usize;
    let mut last_end = 0usize;
    for m in all
        .iter()
        .filter(|m| m.rule == ri && m.role != PhraseRole::Exception)
    {
        if !in_scope(m.start, m.end) {
            continue;
        }
        if note
            .tokens
            .get(m.start..m.end)
            .is_some_and(|ts| ts.iter().all(|t| t.quoted))
        {
            continue;
        }
        if exceptions
            .iter()
            .any(|e| e.start < m.end && m.start < e.end)
        {
            continue;
        }
        // Overlapping phrases of one rule are one finding: keep the first, longest.
        if hits.len() >= MAX_PER_RULE && rule.rule_type() != RuleType::Occurrence {
            if m.start >= last_end {
                beyond += 1;
            }
            last_end = last_end.max(m.end);
            continue;
        }
        if let Some(last) = hits.last_mut()
            && m.start < last.end
        {
            if m.start == last.start && m.end > last.end {
                *last = m;
            }
            last_end = last_end.max(last.end);
            continue;
        }
        hits.push(m);
        last_end = last_end.max(m.end);
    }
    match rule.rule_type() {
        RuleType::Occurrence => {
            let count = hits.len();
            if let Some(max) = rule.max
                && count > max as usize
                && let Some(m) = hits.get(max as usize)
            {
                let span = note.span_of(m.start, m.end);
                let text = note.text.get(span.clone()).unwrap_or_default();
                out.push(note.diag(
                    &rule.id,
                    severity,
                    &span,
                    render(template, text, count, rule),
                    None,
                ));
            }
            if let Some(min) = rule.min
                && count < min as usize
            {
                out.push(note.diag(
                    &rule.id,
                    severity,
                    &note.anchor(),
                    render(template, "", count, rule),
                    None,
                ));
            }
        }
        _ => {
            let widen = crate::clause::INTENT_RULES.contains(&rule.id.as_str());
            for m in hits.into_iter() {
                let found = note.span_of(m.start, m.end);
                let text = note.text.get(found.clone()).unwrap_or_default();
                // The underline covers the clause the phrase sits in.
                let span = if widen && !matches!(m.role, PhraseRole::Swap(_)) {
                    crate::clause::clause_around(note, &found)
                } else {
                    found
                };
                let suggestion = match &m.role {
                    PhraseRole::Swap(to) => Some(to.clone()),
                    _ => None,
                };
                out.push(note.diag(
                    &rule.id,
                    severity,
                    &span,
                    render(template, text, 1, rule),
                    suggestion,
                ));
            }
        }
    }
    beyond
}

fn code_rule(
    rule: &RuleDef,
    severity: Severity,
    note: &Note,
    ctx: &Context,
    out: &mut Vec<Diagnostic>,
) {
    let id = rule.id.as_str();
    let found = match id {
        "lint/wrong-name" => wrong_name(note, ctx).into_iter().collect(),
        "lint/unnoticed-mistake" => unnoticed_mistake(note, ctx),
        "lint/no-reference" => no_reference(note, ctx).into_iter().collect(),
        "lint/panel-duplicate" => panel_duplicate(note, ctx),
        "lint/late" => late(note, ctx, rule.max.unwrap_or(24))
            .into_iter()
            .collect(),
        "lint/placeholder" => placeholders(note),
        "lint/already-sent" => already_sent(note, ctx).into_iter().collect(),
        _ => Vec::new(),
    };
    for (span, message, suggestion) in found {
        out.push(note.diag(id, severity, &span, message, suggestion));
    }
}

/// Store facts the conditions need, computed on first use.
#[derive(Default)]
struct Facts {
    specific: Option<bool>,
}

impl Facts {
    fn holds(&mut self, c: Condition, note: &Note, ctx: &Context) -> bool {
        match c {
            Condition::BeforeOffer => ctx.app.is_some_and(|a| {
                a.stage != Stage::Offer
                    && a.outcome
                        .as_ref()
                        .is_none_or(|o| o.kind != OutcomeKind::Offer)
            }),
            Condition::EarlyConcern => ctx.app.is_some_and(|a| early_concern(a, ctx.recipient)),
            Condition::NothingSpecific => {
                let s = *self.specific.get_or_insert_with(|| is_specific(note, ctx));
                !s
            }
        }
    }
}

/// 004: concerns wait for a second interview, unless told to an outside recruiter.
fn early_concern(app: &Application, recipient: Option<&Person>) -> bool {
    let outside_recruiter = app.recruiter == RecruiterKind::Outside
        && recipient.is_some_and(|p| p.kind == PersonKind::Recruiter);
    if outside_recruiter {
        return false;
    }
    let done = app
        .interviews
        .iter()
        .filter(|i| i.status == InterviewStatus::Done)
        .count();
    done < 2
}

// --- keywords -------------------------------------------------------------

/// Content words of a free text, as stems, with whether each is a strong
/// signal on its own (an acronym, a proper noun, or a long word).
fn keywords(text: &str) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    for t in tokenize(text, 0..text.len()) {
        let short = t.norm.chars().count() < 3;
        if is_stop(&t.norm) || (short && !t.all_caps) || t.norm.chars().all(|c| c.is_numeric()) {
            continue;
        }
        let strong = (t.all_caps && t.norm.chars().count() >= 2)
            || (t.cap && !t.sentence_start)
            || t.norm.chars().count() >= 8;
        let s = stem(&t.norm);
        if !out.iter().any(|(x, _)| *x == s) {
            out.push((s, strong));
        }
    }
    out
}

fn name_parts(name: &str) -> Vec<String> {
    tokenize(name, 0..name.len())
        .into_iter()
        .map(|t| t.norm)
        .filter(|n| !n.is_empty())
        .collect()
}

/// Names of days and months: a date is not a detail about the person.
const CALENDAR_WORDS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Is anything in the note specific to this person or company?
fn is_specific(note: &Note, ctx: &Context) -> bool {
    let mut excluded: HashSet<String> = HashSet::new();
    if let Some(app) = ctx.app {
        excluded.extend(name_parts(&app.company));
        excluded.extend(name_parts(&app.role));
        for p in &app.people {
            excluded.extend(name_parts(&p.name));
        }
    }
    if let Some(p) = ctx.recipient {
        excluded.extend(name_parts(&p.name));
    }
    // A proper noun or a number of the writer's own is specific, whatever
    // the store holds: look for one before reading the store's texts.
    // A template's blanks ("[Job Title]") and the days of the calendar
    // ("by Friday") say nothing about this person or company.
    let blanks: Vec<Span> = placeholders(note).into_iter().map(|f| f.0).collect();
    let own = |t: &Token| {
        let proper = (t.cap && !t.sentence_start) || (t.all_caps && t.norm.chars().count() >= 2);
        (proper || t.has_digit)
            && !matches!(t.norm.as_str(), "i" | "i'm" | "i've" | "i'd" | "i'll")
            && !CALENDAR_WORDS.contains(&t.norm.as_str())
            && !blanks
                .iter()
                .any(|b| b.start <= t.span.start && t.span.end <= b.end)
    };
    let content = || {
        note.body_words().filter_map(|i| {
            let t = note.tokens.get(i)?;
            let stem = note.stem(i)?;
            (!excluded.contains(&t.norm)).then_some((t, stem))
        })
    };
    if content().any(|(t, _)| own(t)) {
        return true;
    }
    // Or enough words of substance: three content words that no stock
    // note uses ("onboarding", "redesigned", "productive").
    let mut seen: Vec<&str> = Vec::new();
    for (t, stem) in content() {
        if t.norm.chars().count() >= 4
            && !t.has_digit
            && !is_stock(&t.norm)
            && !blanks
                .iter()
                .any(|b| b.start <= t.span.start && t.span.end <= b.end)
            && !seen.contains(&stem)
        {
            seen.push(stem);
            if seen.len() >= 3 {
                return true;
            }
        }
    }
    let mut sources: HashSet<String> = HashSet::new();
    if let Some(app) = ctx.app {
        for p in &app.people {
            for s in &p.said {
                sources.extend(keywords(s).into_iter().map(|k| k.0));
            }
            if let Some(t) = &p.title {
                sources.extend(keywords(t).into_iter().map(|k| k.0));
            }
        }
        for n in &app.news {
            sources.extend(keywords(&n.text).into_iter().map(|k| k.0));
        }
        for r in &app.research {
            sources.extend(keywords(&r.fact).into_iter().map(|k| k.0));
        }
    }
    if sources.is_empty() {
        return false;
    }
    // Names of the company, the role and the people are not what they said.
    for e in &excluded {
        sources.remove(&stem(e));
    }
    content().any(|(_, stem)| sources.contains(stem))
}

// --- lint/wrong-name --------------------------------------------------------

const NICKNAMES: &[(&str, &[&str])] = &[
    ("bob", &["robert"]),
    ("bobby", &["robert"]),
    ("rob", &["robert", "robin"]),
    ("bill", &["william"]),
    ("will", &["william"]),
    ("liz", &["elizabeth"]),
    ("beth", &["elizabeth", "bethany"]),
    ("kate", &["katherine", "catherine", "kathryn"]),
    ("katie", &["katherine", "catherine", "kathryn"]),
    ("cathy", &["catherine"]),
    ("kathy", &["katherine", "kathryn"]),
    ("jim", &["james"]),
    ("jimmy", &["james"]),
    ("mike", &["michael"]),
    ("tom", &["thomas"]),
    ("tony", &["anthony", "antonio"]),
    ("dave", &["david"]),
    ("dan", &["daniel"]),
    ("danny", &["daniel"]),
    ("joe", &["joseph"]),
    ("chris", &["christopher", "christine", "christina"]),
    ("matt", &["matthew"]),
    ("nick", &["nicholas", "nicolas"]),
    ("sam", &["samuel", "samantha"]),
    ("alex", &["alexander", "alexandra", "alexis"]),
    ("andy", &["andrew"]),
    ("drew", &["andrew"]),
    ("ben", &["benjamin"]),
    ("steve", &["stephen", "steven"]),
    ("jen", &["jennifer"]),
    ("jenny", &["jennifer"]),
    ("jess", &["jessica"]),
    ("sue", &["susan", "suzanne"]),
    ("meg", &["margaret", "megan"]),
    ("maggie", &["margaret"]),
    ("pat", &["patricia", "patrick"]),
    ("rick", &["richard"]),
    ("rich", &["richard"]),
    ("ed", &["edward"]),
    ("ted", &["edward", "theodore"]),
    ("greg", &["gregory"]),
    ("jon", &["jonathan"]),
    ("nate", &["nathan", "nathaniel"]),
    ("raj", &["rajesh", "rajiv", "rajendra"]),
    ("tim", &["timothy"]),
    ("vicky", &["victoria"]),
    ("abby", &["abigail"]),
    ("fred", &["frederick"]),
    ("larry", &["lawrence"]),
    ("jake", &["jacob"]),
    ("zach", &["zachary"]),
    ("charlie", &["charles", "charlotte"]),
    ("harry", &["henry", "harold"]),
    ("jack", &["john", "jackson"]),
    ("becky", &["rebecca"]),
    ("mandy", &["amanda"]),
    ("sandy", &["sandra"]),
    ("ron", &["ronald"]),
    ("don", &["donald"]),
    ("ken", &["kenneth"]),
    ("jerry", &["gerald", "jerome"]),
    ("sasha", &["alexander", "alexandra"]),
    ("dima", &["dmitri", "dmitry"]),
    ("manny", &["manuel"]),
];

fn nickname_of(a: &str, b: &str) -> bool {
    NICKNAMES
        .iter()
        .any(|(n, full)| (*n == a && full.contains(&b)) || (*n == b && full.contains(&a)))
}

fn similar(a: &str, b: &str) -> bool {
    a.chars().count() >= 2 && strsim::jaro_winkler(a, b) >= 0.82
}

/// The recorded spelling of one part of a name.
fn recorded_part(name: &str, norm: &str) -> String {
    tokenize(name, 0..name.len())
        .into_iter()
        .find(|t| t.norm == norm)
        .and_then(|t| name.get(t.span).map(str::to_string))
        .unwrap_or_else(|| norm.to_string())
}

enum NameClass<'p> {
    Recipient,
    Misspelt(String),
    Other(&'p Person),
    Unknown,
}

fn wrong_name(note: &Note, ctx: &Context) -> Option<Finding> {
    let recipient = ctx.recipient?;
    let greeting = note.parts.greeting.as_ref()?;
    if greeting.names.is_empty() {
        return None;
    }
    let parts = name_parts(&recipient.name);
    let first = tokenize(&recipient.name, 0..recipient.name.len())
        .first()
        .and_then(|t| recipient.name.get(t.span.clone()).map(str::to_string))
        .unwrap_or_else(|| recipient.name.clone());
    let last = tokenize(&recipient.name, 0..recipient.name.len())
        .last()
        .and_then(|t| recipient.name.get(t.span.clone()).map(str::to_string))
        .unwrap_or_else(|| recipient.name.clone());
    let others: Vec<&Person> = ctx
        .app
        .map(|a| a.people.iter().filter(|p| p.id != recipient.id).collect())
        .unwrap_or_default();
    let suggestion = match &greeting.honorific {
        Some(h) => format!("{h}. {last}").replace("..", "."),
        None => first.clone(),
    };

    let mut classes = Vec::new();
    for w in &greeting.names {
        let norm: String = w.text.to_lowercase().replace('\u{2019}', "'");
        let class = if parts.iter().any(|p| *p == norm || nickname_of(&norm, p)) {
            NameClass::Recipient
        } else if let Some(p) = others.iter().find(|p| name_parts(&p.name).contains(&norm)) {
            NameClass::Other(p)
        } else if let Some(p) = parts.iter().find(|p| similar(&norm, p)) {
            NameClass::Misspelt(recorded_part(&recipient.name, p))
        } else if let Some(p) = others
            .iter()
            .find(|p| name_parts(&p.name).iter().any(|x| similar(&norm, x)))
        {
            NameClass::Other(p)
        } else {
            NameClass::Unknown
        };
        classes.push((w, class));
    }
    for (w, c) in &classes {
        if let NameClass::Misspelt(right) = c {
            return Some((
                w.span.clone(),
                format!(
                    "The greeting spells '{}', but the name on record is {} ('{}').",
                    w.text, recipient.name, right
                ),
                Some(right.clone()),
            ));
        }
    }
    if classes
        .iter()
        .any(|(_, c)| matches!(c, NameClass::Recipient))
    {
        return None;
    }
    let (w, c) = classes.first()?;
    let who = match c {
        NameClass::Other(p) => format!(" ({} is {} at this application)", w.text, p.name),
        _ => String::new(),
    };
    Some((
        w.span.clone(),
        format!(
            "The note greets '{}', but it is addressed to {}{who}.",
            w.text, recipient.name
        ),
        Some(suggestion),
    ))
}

// --- lint/unnoticed-mistake -------------------------------------------------

const ADMISSION_CUES: &[&str] = &[
    "sorry",
    "apolog",
    "mistak",
    "forgot",
    "forget",
    "wrong",
    "slip",
    "error",
    "blank",
    "missp",
    "mix",
    "confus",
    "meant",
    "correct",
    "clarif",
    "fumbl",
    "stumbl",
    "incorrect",
    "misstat",
    "misread",
    "misunder",
    "oops",
    "accident",
    "should",
];

/// The interview the note follows: the given one, else the latest the
/// recipient took part in, else the latest at all.
fn the_interview<'a>(ctx: &Context<'a>) -> Option<&'a Interview> {
    if let Some(i) = ctx.interview {
        return Some(i);
    }
    let app = ctx.app?;
    let id = ctx.recipient.map(|p| p.id.as_str());
    crate::draft::interview_for(app, id, ctx.now)
        .or_else(|| crate::draft::interview_for(app, id, None))
}

fn unnoticed_mistake(note: &Note, ctx: &Context) -> Vec<Finding> {
    let Some(app) = ctx.app else {
        return Vec::new();
    };
    let slips: Vec<&SlipUp> = match ctx.interview {
        Some(i) => i.slip_ups.iter().collect(),
        None => app
            .interviews
            .iter()
            .flat_map(|i| i.slip_ups.iter())
            .collect(),
    };
    if slips.iter().all(|s| s.noticed) {
        return Vec::new();
    }
    let slip_keys: Vec<Vec<String>> = slips
        .iter()
        .map(|s| keywords(&s.text).into_iter().map(|k| k.0).collect())
        .collect();
    let mut out = Vec::new();
    let r = note.reading();
    for s in &r.sentences {
        // The sentence's content words, as stems (a sentence has few; a list
        // beats a set), and whether it admits something.
        let mut stems: Vec<&str> = Vec::new();
        let mut cue = false;
        for i in s.first..=s.last {
            let Some(t) = note.tokens.get(i) else {
                continue;
            };
            if t.quoted {
                continue;
            }
            cue |= ADMISSION_CUES.iter().any(|c| t.norm.starts_with(c));
            if let Some(stem) = note.stem(i)
                && !stems.contains(&stem)
            {
                stems.push(stem);
            }
        }
        let mut best: Option<(f64, usize)> = None;
        for (si, keys) in slip_keys.iter().enumerate() {
            let n = keys.len();
            let k = keys.iter().filter(|x| stems.contains(&x.as_str())).count();
            if n == 0 || k == 0 {
                continue;
            }
            let mentions = (k >= 2 || n <= 2) && (cue || k * 10 >= n * 6);
            let score = k as f64 / n as f64;
            if mentions && best.is_none_or(|(b, _)| score > b) {
                best = Some((score, si));
            }
        }
        let Some((_, si)) = best else {
            continue;
        };
        let (Some(slip), Some(keys)) = (slips.get(si), slip_keys.get(si)) else {
            continue;
        };
        if slip.noticed {
            continue;
        }
        // Underline the clause that names the slip (the most of its words).
        let hits = |c: &crate::reading::Clause| {
            (c.first..=c.last)
                .filter(|&i| note.stem(i).is_some_and(|st| keys.iter().any(|k| k == st)))
                .count()
        };
        let clauses = r.clauses.get(s.clauses.clone()).unwrap_or(&[]);
        let span = clauses
            .iter()
            .max_by_key(|c| (hits(c), std::cmp::Reverse(c.first)))
            .filter(|c| hits(c) > 0)
            .map_or_else(
                || note.span_of(s.first, s.last + 1),
                |c| {
                    // "Also, the figures I gave were mixed up": a lead-in of
                    // stop words belongs to the clause it introduces.
                    let lead_in = (s.first..c.first).all(|i| note.stem(i).is_none());
                    let from = if lead_in { s.first } else { c.first };
                    note.span_of(from, c.last + 1)
                },
            );
        out.push((
            span,
            format!(
                "This brings up a slip-up the interviewer is not recorded as noticing ('{}'); pointing it out only draws attention to it.",
                slip.text.trim()
            ),
            None,
        ));
    }
    out
}

// --- lint/no-reference ----------------------------------------------------

fn no_reference(note: &Note, ctx: &Context) -> Option<Finding> {
    let person = ctx.recipient?;
    let items: Vec<(&String, Vec<(String, bool)>)> = person
        .said
        .iter()
        .map(|s| (s, keywords(s)))
        .filter(|(_, k)| !k.is_empty())
        .collect();
    if items.is_empty() {
        return None;
    }
    let body: HashSet<&str> = note.body_words().filter_map(|i| note.stem(i)).collect();
    let referenced = items.iter().any(|(_, keys)| {
        let hits: Vec<&(String, bool)> = keys
            .iter()
            .filter(|(k, _)| body.contains(k.as_str()))
            .collect();
        hits.len() >= 2
            || (hits.len() == 1 && (keys.len() <= 2 || hits.iter().any(|(_, strong)| *strong)))
    });
    if referenced {
        return None;
    }
    let first = person
        .name
        .split_whitespace()
        .next()
        .unwrap_or(&person.name);
    let example = items.first().map(|(s, _)| s.trim()).unwrap_or_default();
    Some((
        note.anchor(),
        format!(
            "Nothing here refers to what {first} told you; one line on it shows you listened (you noted: '{example}')."
        ),
        None,
    ))
}

// --- lint/placeholder -------------------------------------------------------

/// Markup that may sit in a pasted note: not a blank to fill in.
const HTML_TAGS: &[&str] = &[
    "a", "b", "i", "p", "u", "br", "em", "hr", "li", "ol", "ul", "td", "tr", "div", "img", "span",
    "body", "head", "html", "table", "strong",
];

/// Bracketed text left for the writer to fill in ("[Reason: …]", "[link]",
/// "[your name]", "{{company}}"), anywhere in the note. Markdown links
/// ("[text](url)", "[text][ref]", "[ref]: url") and footnote numbers ("[1]")
/// are not placeholders.
fn placeholders(note: &Note) -> Vec<Finding> {
    let text = note.text;
    let mut out = Vec::new();
    let mut from = 0;
    while out.len() < MAX_PER_RULE {
        let Some(rel) = text.get(from..).and_then(|t| t.find(['[', '{', '<'])) else {
            break;
        };
        let open = from + rel;
        let (close, width) = if text[open..].starts_with("{{") {
            ("}}", 2)
        } else if text[open..].starts_with('{') {
            ("}", 1)
        } else if text[open..].starts_with('<') {
            (">", 1)
        } else if text[open..].starts_with('[') {
            ("]", 1)
        } else {
            from = open + 1;
            continue;
        };
        let inner_start = open + width;
        // The closing mark on the same line, not far away.
        let line_end = text[inner_start..]
            .find('\n')
            .map_or(text.len(), |i| inner_start + i);
        let Some(inner_len) = text[inner_start..line_end].find(close) else {
            from = inner_start;
            continue;
        };
        let inner = &text[inner_start..inner_start + inner_len];
        let end = inner_start + inner_len + close.len();
        let after = text[end..].chars().next();
        let before = text[..open].chars().next_back();
        let markdown = width == 1
            && close == "]"
            && (matches!(after, Some('(' | '[' | ':')) || before == Some(']'));
        // "<Your Name>", "<date>": words and spaces only. An address
        // ("<sam@example.com>", "<https://…>") or markup is not a blank.
        let angle_ok = (close != ">" && close != "}")
            || (inner
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '\'' | '/' | '.' | '-' | '_'))
                && !inner.contains("://")
                && inner.chars().next().is_some_and(char::is_alphabetic)
                && !HTML_TAGS.contains(&inner.to_ascii_lowercase().as_str()));
        let words = inner.chars().any(char::is_alphabetic) && angle_ok;
        if words && !markdown && inner.chars().count() <= 120 {
            let shown = &text[open..end];
            out.push((
                open..end,
                format!("'{shown}' is a placeholder; fill it in or take it out before sending."),
                None,
            ));
        }
        from = end;
    }
    out
}

// --- lint/already-sent -------------------------------------------------------

/// A second thank-you to someone already thanked for the same interview, or
/// a second congratulation on news already congratulated (PLAYBOOK §5).
fn already_sent(note: &Note, ctx: &Context) -> Option<Finding> {
    let app = ctx.app?;
    let person = ctx.recipient?;
    let kind = ctx.kind?;
    let before_now = |t: &&debrief_core::model::Touch| ctx.now.is_none_or(|n| t.at.ts <= n);
    let to_them = |t: &&debrief_core::model::Touch| t.person.as_deref() == Some(person.id.as_str());
    let first_name = person
        .name
        .split_whitespace()
        .next()
        .unwrap_or(&person.name);
    let (first, what) = match kind {
        crate::NoteKind::ThankYou | crate::NoteKind::ThankStaff => {
            let iv = the_interview(ctx)?;
            let first = app
                .touches
                .iter()
                .filter(to_them)
                .filter(before_now)
                .filter(|t| t.kind == TouchKind::ThankYou && t.at.ts >= iv.start.ts)
                .min_by_key(|t| t.at)?;
            (
                first,
                format!("You already thanked {first_name} for this interview"),
            )
        }
        crate::NoteKind::Congratulate => {
            let news = app.news.iter().map(|n| n.on).max()?;
            let first = app
                .touches
                .iter()
                .filter(to_them)
                .filter(before_now)
                .filter(|t| {
                    t.kind == TouchKind::Congratulate
                        && t.at
                            .ts
                            .to_zoned(jiff::tz::TimeZone::fixed(t.at.offset))
                            .date()
                            >= news
                })
                .min_by_key(|t| t.at)?;
            (
                first,
                format!("You already congratulated {first_name} on this news"),
            )
        }
        _ => return None,
    };
    let day = first
        .at
        .ts
        .to_zoned(jiff::tz::TimeZone::fixed(first.at.offset))
        .strftime("%A, %B %-d, %Y")
        .to_string();
    Some((
        note.anchor(),
        format!(
            "{what} on {day}; a second note reads as pressure. Keep this one unsent, or if something new happened, say only that in a short follow-up."
        ),
        None,
    ))
}

// --- lint/late --------------------------------------------------------------

fn late(note: &Note, ctx: &Context, hours: u32) -> Option<Finding> {
    let now = ctx.now?;
    let interview = the_interview(ctx)?;
    if interview.status == InterviewStatus::Missed || interview.status == InterviewStatus::Cancelled
    {
        return None;
    }
    let end = interview.end();
    let window = jiff::SignedDuration::from_hours(i64::from(hours));
    let due = end.checked_add(window).ok()?;
    if now <= due {
        return None;
    }
    let after = now.duration_since(end).as_hours();
    Some((
        note.anchor(),
        format!(
            "Sent now, this goes out {after} h after the interview ended; thank-you notes land best within {hours} h. Send it anyway, today."
        ),
        None,
    ))
}

// --- lint/panel-duplicate ---------------------------------------------------

fn panel_duplicate(note: &Note, ctx: &Context) -> Vec<Finding> {
    let mut others: Vec<(String, &str)> = ctx
        .panel
        .iter()
        .filter(|(id, _)| ctx.recipient.is_none_or(|r| r.id != *id))
        .map(|(id, text)| (id.to_string(), *text))
        .collect();
    if let (Some(app), Some(recipient)) = (ctx.app, ctx.recipient)
        && let Some(iv) = the_interview(ctx)
    {
        for t in &app.touches {
            let Some(pid) = t.person.as_deref() else {
                continue;
            };
            if t.kind != TouchKind::ThankYou
                || pid == recipient.id
                || !iv.interviewers.iter().any(|x| x == pid)
            {
                continue;
            }
            if let Some(text) = t.note.as_deref()
                && !others.iter().any(|(id, _)| id == pid)
            {
                others.push((pid.to_string(), text));
            }
        }
    }
    if others.is_empty() {
        return Vec::new();
    }
    let mut names: HashSet<String> = HashSet::new();
    if let Some(app) = ctx.app {
        for p in &app.people {
            names.extend(name_parts(&p.name));
        }
    }
    if let Some(r) = ctx.recipient {
        names.extend(name_parts(&r.name));
    }
    let mine = panel::Doc::new(note.text, &names);
    let mut out = Vec::new();
    for (id, text) in others {
        let theirs = panel::Doc::new(text, &names);
        let cmp = panel::compare(&mine, &theirs);
        if !cmp.duplicate {
            continue;
        }
        let who = ctx
            .app
            .and_then(|a| a.person(&id))
            .map(|p| p.name.clone())
            .unwrap_or(id);
        let span = cmp
            .passages
            .first()
            .map(|p| mine.span(p.a_tokens.clone()))
            .map(|s| first_line(note.text, &s))
            .unwrap_or_else(|| note.anchor());
        out.push((
            span,
            format!(
                "This note shares {:.0}% of its wording with the one for {who}; panel members compare notes, so make each one about that person.",
                cmp.containment * 100.0
            ),
            None,
        ));
    }
    out
}
