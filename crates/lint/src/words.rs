//! Words on their own: the stop words that carry nothing specific, and a
//! light stemmer so that inflections of one word meet at one key.
//! Depends on nothing else in the crate.

use std::sync::LazyLock;

const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "even",
    "every",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "him",
    "his",
    "how",
    "i",
    "i'd",
    "i'll",
    "i'm",
    "i've",
    "if",
    "in",
    "into",
    "is",
    "it",
    "it's",
    "its",
    "just",
    "let",
    "me",
    "more",
    "most",
    "much",
    "my",
    "next",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "really",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "that's",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "us",
    "very",
    "was",
    "we",
    "we're",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "you're",
    "your",
    "yours",
    "yourself",
    "don't",
    "didn't",
    "wasn't",
    "isn't",
    "can't",
    "won't",
    "many",
    "well",
    "still",
    "year",
    "years",
    "year's",
    "week",
    "weeks",
    "month",
    "months",
    "day",
    "days",
    "top",
    "big",
    "new",
    "lot",
    "lots",
    "thing",
    "things",
    "way",
    "ways",
    "get",
    "got",
    "make",
    "made",
    "take",
    "said",
    "say",
    "says",
    "told",
    "tell",
    "mentioned",
    "mention",
    "think",
    "thought",
    "know",
    "want",
    "need",
    "needs",
    "like",
    "going",
    "go",
    "come",
    "see",
    "part",
    "kind",
    "sure",
];

/// Words every interview note uses; sharing them says nothing specific.
const GENERIC_WORDS: &[&str] = &[
    "interview",
    "interviews",
    "interviewing",
    "role",
    "position",
    "job",
    "team",
    "teams",
    "time",
    "opportunity",
    "company",
    "meeting",
    "meet",
    "met",
    "thank",
    "thanks",
    "today",
    "yesterday",
    "look",
    "forward",
    "hear",
    "hearing",
    "learn",
    "learning",
    "learned",
    "great",
    "good",
    "enjoyed",
    "enjoy",
    "discuss",
    "discussed",
    "discussion",
    "conversation",
    "talk",
    "talking",
    "work",
    "working",
    "excited",
    "exciting",
    "interested",
    "appreciate",
    "candidate",
    "people",
    "really",
    "important",
    "priority",
    "priorities",
    "focus",
    "help",
    "best",
    "regards",
];

/// Both lists, sorted once for binary search: every word of every note is looked up.
static STOP_SORTED: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut v: Vec<&'static str> = STOPWORDS.iter().chain(GENERIC_WORDS).copied().collect();
    v.sort_unstable();
    v.dedup();
    v
});

pub(crate) fn is_stop(w: &str) -> bool {
    STOP_SORTED.binary_search(&w).is_ok()
}

/// The word with its inflection taken off, so "migrated", "migrating",
/// "migrates" and "migrate" meet at one key (and "migration" with them),
/// while different words stay apart: "excellent" is never "Excel".
pub(crate) fn stem(w: &str) -> String {
    let w = w
        .strip_suffix("'s")
        .or_else(|| w.strip_suffix('\''))
        .unwrap_or(w);
    let n = w.len();
    let cut = |suffix: &str, keep: usize| -> Option<&str> {
        w.strip_suffix(suffix).filter(|base| base.len() >= keep)
    };
    let base: String = if let Some(b) = cut("ies", 3) {
        format!("{b}y")
    } else if let Some(b) = cut("ations", 3).or_else(|| cut("ation", 3)) {
        format!("{b}at")
    } else if let Some(b) = cut("tions", 3).or_else(|| cut("tion", 3)) {
        format!("{b}t")
    } else if let Some(b) = cut("ing", 3).or_else(|| cut("ed", 3)) {
        b.to_string()
    } else if let Some(b) = cut("sses", 2) {
        format!("{b}ss")
    } else if let Some(b) = cut("shes", 2)
        .or_else(|| cut("ches", 2))
        .or_else(|| cut("xes", 2))
    {
        format!("{b}{}", &w[b.len()..w.len() - 2])
    } else if n > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") {
        w[..n - 1].to_string()
    } else {
        w.to_string()
    };
    // "migrate" and "migrat(ed)", "plann(ing)" and "plan" meet.
    let mut b = base;
    if b.len() > 3 && b.ends_with('e') && !b.ends_with("ee") {
        b.pop();
    }
    let bytes = b.as_bytes();
    if bytes.len() > 3 {
        let (x, y) = (bytes[bytes.len() - 1], bytes[bytes.len() - 2]);
        if x == y && !matches!(x, b'l' | b's' | b'z' | b'e' | b'o') && x.is_ascii_alphabetic() {
            b.pop();
        }
    }
    b
}
