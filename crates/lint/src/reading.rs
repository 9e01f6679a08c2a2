//! A note read as sentences and clauses.
//!
//! The body (and any postscript) is split into sentences and clauses (at
//! `,` `;` `:` `—` and parentheses, and before "but", "because", "which",
//! "so I", "and I" …). This module knows only words and their positions
//! (`text.rs`): it is the floor the note (`note.rs`, which caches a
//! reading) and the intent rules (`clause.rs`) both stand on, so neither
//! imports the other in a circle.

use crate::text::Token;

/// One clause: token indices `first..=last` (into `Note::tokens`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clause {
    pub first: usize,
    pub last: usize,
    /// Index of the sentence (into the `sentences` list).
    pub sentence: usize,
}

/// One sentence: its clauses, and whether it ends with a question mark.
#[derive(Debug, Clone)]
pub(crate) struct Sentence {
    pub first: usize,
    pub last: usize,
    pub question: bool,
    /// Indices into `Reading::clauses` of its clauses.
    pub clauses: std::ops::Range<usize>,
}

pub(crate) struct Reading {
    pub clauses: Vec<Clause>,
    pub sentences: Vec<Sentence>,
}

/// Words that open a new clause when they follow a subject-less run.
const SPLITTERS: &[&str] = &[
    "but",
    "because",
    "since",
    "although",
    "though",
    "which",
    "however",
    "unfortunately",
    "still",
];

/// Subjects that, after "and"/"so"/"as", start a new clause.
const SUBJECTS: &[&str] = &[
    "i", "i'm", "i've", "i'd", "i'll", "we", "we're", "you", "you're", "it", "it's", "that",
    "this", "they", "he", "she", "my", "nobody", "the",
];

fn gap_breaks(gap: &str) -> bool {
    gap.chars()
        .any(|c| matches!(c, ',' | ';' | ':' | '—' | '–' | '(' | ')' | '\n'))
        || gap.contains(" - ")
}

/// Splits the body (and any postscript) into sentences and clauses.
pub(crate) fn read(
    text: &str,
    tokens: &[Token],
    body_words: impl Iterator<Item = usize>,
) -> Reading {
    let mut clauses: Vec<Clause> = Vec::new();
    let mut sentences: Vec<Sentence> = Vec::new();
    let mut prev: Option<usize> = None;
    for i in body_words {
        let Some(t) = tokens.get(i) else {
            continue;
        };
        let new_sentence = match prev.and_then(|p| tokens.get(p)) {
            None => true,
            Some(p) => p.sentence != t.sentence || p.span.end > t.span.start,
        };
        if new_sentence {
            if let (Some(s), Some(p)) = (sentences.last_mut(), prev) {
                s.question = ends_with_question(text, tokens, p);
            }
            sentences.push(Sentence {
                first: i,
                last: i,
                question: false,
                clauses: clauses.len()..clauses.len(),
            });
            clauses.push(Clause {
                first: i,
                last: i,
                sentence: sentences.len() - 1,
            });
        } else {
            let p = prev.and_then(|p| tokens.get(p));
            let gap = p
                .and_then(|p| text.get(p.span.end..t.span.start))
                .unwrap_or("");
            let next = tokens.get(i + 1).map(|n| n.norm.as_str()).unwrap_or("");
            let word = t.norm.as_str();
            let split = gap_breaks(gap)
                || SPLITTERS.contains(&word)
                || (matches!(word, "and" | "so" | "as" | "then" | "or")
                    && SUBJECTS.contains(&next));
            if split {
                clauses.push(Clause {
                    first: i,
                    last: i,
                    sentence: sentences.len() - 1,
                });
            }
        }
        if let Some(c) = clauses.last_mut() {
            c.last = i;
        }
        if let Some(s) = sentences.last_mut() {
            s.last = i;
        }
        prev = Some(i);
    }
    if let (Some(s), Some(p)) = (sentences.last_mut(), prev) {
        s.question = ends_with_question(text, tokens, p);
    }
    for (si, c) in clauses.iter().enumerate() {
        if let Some(s) = sentences.get_mut(c.sentence) {
            s.clauses.end = si + 1;
        }
    }
    Reading { clauses, sentences }
}

impl Reading {
    /// Each sentence with its words and its clauses, so a rule reads a
    /// sentence's features once however many clauses it has.
    pub(crate) fn each<'r>(&'r self) -> impl Iterator<Item = (&'r Sentence, &'r [Clause])> + 'r {
        self.sentences
            .iter()
            .map(|s| (s, self.clauses.get(s.clauses.clone()).unwrap_or(&[])))
    }
}

/// Whether the first mark after token `i` (before the next word) is `?`.
fn ends_with_question(text: &str, tokens: &[Token], i: usize) -> bool {
    let Some(t) = tokens.get(i) else {
        return false;
    };
    let end = tokens.get(i + 1).map_or(text.len(), |n| n.span.start);
    text.get(t.span.end..end)
        .is_some_and(|g| g.trim_start().starts_with('?') || g.contains('?'))
}
