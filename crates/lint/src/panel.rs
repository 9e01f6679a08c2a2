//! The panel check (004: panel members compare notes).
//!
//! Each note is reduced to its body (greeting and signature off, names
//! replaced by one placeholder), cut into overlapping three-word shingles, and
//! every pair is compared by Jaccard similarity and containment (the share of
//! the shorter note found in the other). A template sent to everyone with only
//! the names swapped, or a few words changed, keeps most of its shingles;
//! genuinely different notes share only a stock phrase or two.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::ops::Range;

use serde::Serialize;

use crate::text::{LineIndex, Span, parse_note, tokenize};
use crate::{Diagnostic, RulePack};

/// Words per shingle.
const K: usize = 3;
/// Pairs at or above either threshold are duplicates.
const JACCARD_MIN: f64 = 0.40;
const CONTAINMENT_MIN: f64 = 0.50;
/// Shared runs shorter than this many words are not reported as passages.
const PASSAGE_MIN_WORDS: usize = 6;

const NAME: &str = "\u{0}name";

/// One note prepared for comparison.
pub(crate) struct Doc<'t> {
    text: &'t str,
    words: Vec<(String, Span)>,
    shingles: Vec<u64>,
    set: HashSet<u64>,
}

impl<'t> Doc<'t> {
    pub(crate) fn new(text: &'t str, names: &HashSet<String>) -> Doc<'t> {
        let parts = parse_note(text);
        let mut local: HashSet<String> = HashSet::new();
        if let Some(g) = &parts.greeting {
            for n in &g.names {
                local.insert(n.text.to_lowercase());
            }
        }
        let words: Vec<(String, Span)> = tokenize(text, parts.body.clone())
            .into_iter()
            .map(|t| {
                let w = if names.contains(&t.norm) || local.contains(&t.norm) {
                    NAME.to_string()
                } else {
                    t.norm
                };
                (w, t.span)
            })
            .collect();
        let shingles: Vec<u64> = words
            .windows(K)
            .map(|w| {
                let mut h = DefaultHasher::new();
                for (x, _) in w {
                    x.hash(&mut h);
                }
                h.finish()
            })
            .collect();
        let set = shingles.iter().copied().collect();
        Doc {
            text,
            words,
            shingles,
            set,
        }
    }

    /// Byte span of a range of words.
    pub(crate) fn span(&self, words: Range<usize>) -> Span {
        let start = self.words.get(words.start).map(|w| w.1.start).unwrap_or(0);
        let end = words
            .end
            .checked_sub(1)
            .and_then(|i| self.words.get(i))
            .map(|w| w.1.end)
            .unwrap_or(start);
        start..end.max(start)
    }
}

pub(crate) struct Passage {
    pub a_tokens: Range<usize>,
    pub b_tokens: Range<usize>,
}

pub(crate) struct Comparison {
    pub jaccard: f64,
    pub containment: f64,
    pub duplicate: bool,
    pub passages: Vec<Passage>,
}

pub(crate) fn compare(a: &Doc, b: &Doc) -> Comparison {
    if a.set.is_empty() || b.set.is_empty() {
        // Too short for shingles: only an identical body counts.
        let same = !a.words.is_empty()
            && a.words.len() == b.words.len()
            && a.words.iter().zip(&b.words).all(|(x, y)| x.0 == y.0);
        let score = if same { 1.0 } else { 0.0 };
        let passages = if same {
            vec![Passage {
                a_tokens: 0..a.words.len(),
                b_tokens: 0..b.words.len(),
            }]
        } else {
            Vec::new()
        };
        return Comparison {
            jaccard: score,
            containment: score,
            duplicate: same,
            passages,
        };
    }
    let inter = a.set.intersection(&b.set).count();
    let union = a.set.len() + b.set.len() - inter;
    let jaccard = inter as f64 / union.max(1) as f64;
    let containment = inter as f64 / a.set.len().min(b.set.len()).max(1) as f64;
    let duplicate = jaccard >= JACCARD_MIN || containment >= CONTAINMENT_MIN;

    // Runs of consecutive shared shingles in `a`, located in `b` by their first shingle.
    let mut first_in_b: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    for (j, h) in b.shingles.iter().enumerate() {
        first_in_b.entry(*h).or_insert(j);
    }
    let mut passages = Vec::new();
    let mut i = 0;
    while i < a.shingles.len() {
        let Some(&h) = a.shingles.get(i) else { break };
        let Some(&j0) = first_in_b.get(&h) else {
            i += 1;
            continue;
        };
        let mut len = 1;
        while a
            .shingles
            .get(i + len)
            .is_some_and(|x| b.shingles.get(j0 + len) == Some(x))
        {
            len += 1;
        }
        let words = len + K - 1;
        if words >= PASSAGE_MIN_WORDS {
            passages.push(Passage {
                a_tokens: i..i + words,
                b_tokens: j0..j0 + words,
            });
        }
        i += len;
    }
    Comparison {
        jaccard,
        containment,
        duplicate,
        passages,
    }
}

/// Where a passage sits in a note: 1-based, inclusive, characters; plus bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub start_byte: usize,
    pub end_byte: usize,
}

impl Location {
    fn new(text: &str, span: Span) -> Location {
        let (line, column, end_line, end_column) = LineIndex::new(text).range(&span);
        Location {
            line,
            column,
            end_line,
            end_column,
            start_byte: span.start,
            end_byte: span.end,
        }
    }
}

/// Wording two notes share.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SharedPassage {
    pub words: usize,
    /// The passage as written in the first note.
    pub text: String,
    pub a: Location,
    pub b: Location,
}

/// How alike the notes for two members of one panel are.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PanelFinding {
    pub a: String,
    pub b: String,
    pub jaccard: f64,
    pub containment: f64,
    pub duplicate: bool,
    pub passages: Vec<SharedPassage>,
}

/// Compares every pair of notes `(recipient id, text)` for one panel.
pub fn panel(notes: &[(&str, &str)]) -> Vec<PanelFinding> {
    // Names are whatever any note greets, plus the recipients' ids.
    let mut names: HashSet<String> = HashSet::new();
    for (id, text) in notes {
        names.extend(
            id.split(|c: char| !c.is_alphanumeric())
                .filter(|s| s.chars().count() > 1)
                .map(|s| s.to_lowercase()),
        );
        if let Some(g) = parse_note(text).greeting {
            names.extend(g.names.iter().map(|n| n.text.to_lowercase()));
        }
    }
    let docs: Vec<Doc> = notes.iter().map(|(_, t)| Doc::new(t, &names)).collect();
    let mut out = Vec::new();
    for i in 0..docs.len() {
        for j in i + 1..docs.len() {
            let (Some(a), Some(b), Some(na), Some(nb)) =
                (docs.get(i), docs.get(j), notes.get(i), notes.get(j))
            else {
                continue;
            };
            let c = compare(a, b);
            let passages = c
                .passages
                .iter()
                .map(|p| {
                    let sa = a.span(p.a_tokens.clone());
                    let sb = b.span(p.b_tokens.clone());
                    SharedPassage {
                        words: p.a_tokens.len(),
                        text: a.text.get(sa.clone()).unwrap_or_default().to_string(),
                        a: Location::new(a.text, sa),
                        b: Location::new(b.text, sb),
                    }
                })
                .collect();
            out.push(PanelFinding {
                a: na.0.to_string(),
                b: nb.0.to_string(),
                jaccard: c.jaccard,
                containment: c.containment,
                duplicate: c.duplicate,
                passages,
            });
        }
    }
    out
}

/// `lint/panel-duplicate` findings for the notes of one panel, each paired
/// with the recipient id whose note it belongs to (the caller fills `path`).
pub fn panel_diagnostics(notes: &[(&str, &str)], pack: &RulePack) -> Vec<(String, Diagnostic)> {
    let id = "lint/panel-duplicate";
    let Some(severity) = pack.severity(id) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for f in panel(notes).into_iter().filter(|f| f.duplicate) {
        for (me, other, loc) in [
            (&f.a, &f.b, f.passages.first().map(|p| &p.a)),
            (&f.b, &f.a, f.passages.first().map(|p| &p.b)),
        ] {
            let fallback = Location {
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 1,
                start_byte: 0,
                end_byte: 0,
            };
            let loc = loc.cloned().unwrap_or(fallback);
            // Point at the first line of the shared passage.
            let (end_line, end_column) = if loc.end_line == loc.line {
                (loc.end_line, loc.end_column)
            } else {
                let text = notes
                    .iter()
                    .find(|(n, _)| n == me)
                    .map(|(_, t)| *t)
                    .unwrap_or_default();
                let line_len = text
                    .lines()
                    .nth(loc.line.saturating_sub(1))
                    .map(|l| l.trim_end_matches('\r').chars().count())
                    .unwrap_or(loc.column);
                (loc.line, line_len.max(loc.column))
            };
            out.push((
                me.clone(),
                Diagnostic {
                    path: String::new(),
                    rule: id.to_string(),
                    severity,
                    line: loc.line,
                    column: loc.column,
                    end_line,
                    end_column,
                    message: format!(
                        "This note shares {:.0}% of its wording with the one for {other}; panel members compare notes, so make each one about that person.",
                        f.containment * 100.0
                    ),
                    suggestion: None,
                },
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "Dear {N},\n\nThank you for meeting with me on Tuesday about the analyst role. I enjoyed our talk about the data platform and the way the team shares dashboards with sales. My five years building reporting pipelines would let me help from the first month. I look forward to hearing about next steps.\n\nBest,\nSam";

    #[test]
    fn a_template_with_names_swapped_is_a_duplicate() {
        let a = TEMPLATE.replace("{N}", "Marie");
        let b = TEMPLATE.replace("{N}", "Raj");
        let f = panel(&[("marie", &a), ("raj", &b)]);
        assert!(f[0].duplicate);
        assert!((f[0].jaccard - 1.0).abs() < 1e-9);
        assert_eq!(f[0].passages.len(), 1);
    }

    #[test]
    fn a_template_with_a_few_words_changed_is_a_duplicate() {
        let a = TEMPLATE.replace("{N}", "Marie");
        let b = TEMPLATE
            .replace("{N}", "Raj")
            .replace("enjoyed", "loved")
            .replace("five", "six")
            .replace("first month", "first week");
        let f = panel(&[("marie", &a), ("raj", &b)]);
        assert!(f[0].duplicate, "{:?}", f[0]);
    }

    #[test]
    fn different_notes_pass() {
        let a = "Dear Marie,\n\nThank you for meeting with me on Tuesday. Your plan to move the quarterly reports onto the new warehouse sounds like work I know well: I ran the same migration at my last job.\n\nBest,\nSam";
        let b = "Hi Raj,\n\nThanks for walking me through how the sales team reads its dashboards. The idea of a weekly churn review stuck with me, and I would enjoy building it. I look forward to hearing about next steps.\n\nBest,\nSam";
        let f = panel(&[("marie", a), ("raj", b)]);
        assert!(!f[0].duplicate, "{:?}", f[0]);
    }
}
