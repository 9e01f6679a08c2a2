//! First drafts written from what the store knows (PLAYBOOK §2–§4).
//!
//! A draft thanks, refers to something this person said, states fit, owns a
//! noticed slip (`apologize-slip`), adds questions when none were asked
//! (`send-questions`) and stays brief. Panel members get drafts that differ in
//! substance: each refers to the topic that person raised, and the order and
//! wording of the other sentences vary with the person's place in the panel.
//!
//! What the user recorded under `said` is their own paraphrase, not the
//! person's words: a draft never quotes it or attributes it as a quotation.
//! It names the topic ([`topic`]) in the
//! candidate's voice ("what you told me about APAC expansion").

use debrief_core::model::{Application, Interview, InterviewStatus, Person, SlipUp};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::NoteKind;

/// A note ready for the user to edit and send.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Draft {
    pub subject: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DraftError {
    #[error("application '{app}' has no person '{person}'; known people: {known}")]
    UnknownPerson {
        app: String,
        person: String,
        known: String,
    },
    #[error(
        "no news is recorded for {company}; record the news first, then draft the congratulations"
    )]
    NoNews { company: String },
    #[error(
        "nothing specific to {name} is recorded (what they said, their title, news, an interview); capture one detail first so the note is not generic"
    )]
    NothingSpecific { name: String },
    #[error(
        "no interview with {name} has taken place yet{next}; a thank-you follows an interview that is over"
    )]
    NotYetHeld {
        name: String,
        /// ": the next one starts on …", when one is scheduled.
        next: String,
    },
    #[error(
        "debrief cannot draft a note of kind '{kind}'; it drafts: {kinds}. Write this one yourself and check it with `debrief lint --kind {kind}`"
    )]
    KindNotDrafted { kind: String, kinds: String },
}

/// The kinds of note [`draft`] can write.
pub const DRAFTABLE: &[NoteKind] = &[
    NoteKind::ThankYou,
    NoteKind::ThankStaff,
    NoteKind::StatusCheck,
    NoteKind::Recovery,
    NoteKind::FeedbackRequest,
    NoteKind::StayInTouch,
    NoteKind::Congratulate,
];

/// A thank-you needs an interview that is over: with this person when they
/// took part in any, else any interview of the application. `None` when
/// there is one, or when no interview is recorded at all (the note then
/// thanks for a conversation the store does not know the date of).
fn not_yet_held(app: &Application, person: &Person, now: Timestamp) -> Option<DraftError> {
    let live: Vec<&Interview> = app
        .interviews
        .iter()
        .filter(|i| i.status != InterviewStatus::Cancelled)
        .collect();
    let theirs: Vec<&Interview> = live
        .iter()
        .copied()
        .filter(|i| i.interviewers.contains(&person.id) || i.also_met.contains(&person.id))
        .collect();
    let pool = if theirs.is_empty() { live } else { theirs };
    if pool.is_empty()
        || pool
            .iter()
            .any(|i| i.end() <= now && i.status != InterviewStatus::Missed)
    {
        return None;
    }
    let next = pool
        .iter()
        .filter(|i| i.end() > now)
        .min_by_key(|i| i.start)
        .map(|i| {
            let z = i.start.ts.to_zoned(TimeZone::fixed(i.start.offset));
            format!(": the next one starts on {}", z.strftime("%A, %B %-d at %H:%M"))
        })
        .or_else(|| {
            pool.iter()
                .filter(|i| i.status == InterviewStatus::Missed)
                .max_by_key(|i| i.start)
                .map(|i| {
                    let z = i.start.ts.to_zoned(TimeZone::fixed(i.start.offset));
                    format!(
                        ": the one on {} was missed, so a recovery note (--kind recovery) fits better",
                        z.strftime("%A, %B %-d")
                    )
                })
        })
        .unwrap_or_default();
    Some(DraftError::NotYetHeld {
        name: person.name.clone(),
        next,
    })
}

/// Writes a first draft of a `kind` note from the candidate to `person_id`.
/// `now` is only used to pick the interview the note follows.
pub fn draft(
    app: &Application,
    person_id: &str,
    kind: NoteKind,
    candidate_name: &str,
    now: Timestamp,
) -> Result<Draft, DraftError> {
    let person = app
        .person(person_id)
        .ok_or_else(|| DraftError::UnknownPerson {
            app: app.id.to_string(),
            person: person_id.to_string(),
            known: app
                .people
                .iter()
                .map(|p| p.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    if matches!(kind, NoteKind::ThankYou | NoteKind::ThankStaff)
        && let Some(e) = not_yet_held(app, person, now)
    {
        return Err(e);
    }
    let w = Writer::new(app, person, candidate_name.trim(), now);
    match kind {
        NoteKind::ThankYou => w.thank_you(),
        // "Other" says nothing about what the note is for: nothing to write.
        NoteKind::Other => Err(DraftError::KindNotDrafted {
            kind: kind.to_string(),
            kinds: DRAFTABLE
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }),
        NoteKind::ThankStaff => w.thank_staff(),
        NoteKind::StatusCheck => Ok(w.status_check()),
        NoteKind::Recovery => Ok(w.recovery()),
        NoteKind::FeedbackRequest => Ok(w.feedback_request()),
        NoteKind::StayInTouch => w.stay_in_touch(),
        NoteKind::Congratulate => w.congratulate(),
    }
}

/// The interview a note to `person_id` follows: the latest one they took
/// part in that is not cancelled (not after `now` when known), else the latest overall.
pub(crate) fn interview_for<'a>(
    app: &'a Application,
    person_id: Option<&str>,
    now: Option<Timestamp>,
) -> Option<&'a Interview> {
    let usable = |i: &&Interview| {
        i.status != InterviewStatus::Cancelled && now.is_none_or(|n| i.start.ts <= n)
    };
    let mine = person_id.and_then(|id| {
        app.interviews
            .iter()
            .filter(usable)
            .filter(|i| {
                i.interviewers.iter().any(|x| x == id) || i.also_met.iter().any(|x| x == id)
            })
            .max_by_key(|i| i.start)
    });
    mine.or_else(|| app.interviews.iter().filter(usable).max_by_key(|i| i.start))
}

struct Writer<'a> {
    app: &'a Application,
    person: &'a Person,
    candidate: &'a str,
    interview: Option<&'a Interview>,
    /// The person's place in the panel: picks wording and order.
    v: usize,
    first: String,
}

fn first_name(p: &Person) -> String {
    p.name
        .split_whitespace()
        .find(|w| {
            let l = w.trim_end_matches('.').to_lowercase();
            !matches!(l.as_str(), "mr" | "mrs" | "ms" | "mx" | "dr" | "prof")
        })
        .unwrap_or("")
        .to_string()
}

/// Someone's words, made safe to quote: one line, no quote marks, at most 30 words.
fn quotable(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| match c {
            '"' | '\u{201C}' | '\u{201D}' | '\n' | '\r' | '\t' => ' ',
            c if crate::text::is_invisible(c) => ' ',
            c => c,
        })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().take(30).collect();
    words
        .join(" ")
        .trim_end_matches(['.', '!', '?', ';', ',', ':'])
        .to_string()
}

/// Words that end a topic's subject: auxiliaries and common verbs.
const VERBS: &[&str] = &[
    "is",
    "are",
    "was",
    "were",
    "will",
    "would",
    "has",
    "have",
    "had",
    "can",
    "could",
    "should",
    "must",
    "may",
    "might",
    "do",
    "does",
    "did",
    "isn't",
    "aren't",
    "wasn't",
    "weren't",
    "doesn't",
    "don't",
    "didn't",
    "won't",
    "can't",
    "hasn't",
    "haven't",
    "need",
    "needs",
    "want",
    "wants",
    "plan",
    "plans",
    "hope",
    "hopes",
    "expect",
    "expects",
    "aim",
    "aims",
    "intend",
    "intends",
    "struggle",
    "struggles",
    "take",
    "takes",
    "run",
    "runs",
    "own",
    "owns",
    "mean",
    "means",
    "grew",
    "grow",
    "grows",
    "love",
    "loves",
    "like",
    "likes",
    "think",
    "thinks",
    "say",
    "says",
    "keep",
    "keeps",
    "get",
    "gets",
    "make",
    "makes",
    "use",
    "uses",
    "lack",
    "lacks",
    "rely",
    "relies",
    "care",
    "cares",
    "matter",
    "matters",
    "see",
    "sees",
    "feel",
    "feels",
    "became",
    "become",
    "becomes",
    "remain",
    "remains",
    "seem",
    "seems",
    "go",
    "goes",
    "went",
    "come",
    "comes",
    "came",
    "spend",
    "spends",
    "spent",
    "face",
    "faces",
    "value",
    "values",
    "prefer",
    "prefers",
    "ship",
    "ships",
    "support",
    "supports",
    "handle",
    "handles",
    "build",
    "builds",
    "built",
    "sell",
    "sells",
    "sold",
    "serve",
    "serves",
    "drive",
    "drives",
    "lead",
    "leads",
    "led",
    "work",
    "works",
    "focus",
    "focuses",
];
/// Subjects that say nothing about the topic on their own.
const GENERIC: &[&str] = &[
    "we",
    "they",
    "it",
    "i",
    "you",
    "he",
    "she",
    "team",
    "company",
    "everyone",
    "people",
    "everybody",
    "there",
    "this",
    "that",
    "which",
    "who",
    "what",
    "one",
    "someone",
];
/// Words a topic never ends on.
const TRAILING: &[&str] = &[
    "the", "a", "an", "to", "of", "for", "with", "and", "or", "but", "in", "on", "at", "by",
    "from", "who", "that", "which", "is", "are", "be", "our", "their", "its", "my", "your", "this",
    "these", "those", "as", "than", "not", "no", "still", "also", "now", "really", "just",
    "already", "very", "so", "more", "most", "every", "each", "some", "any",
];
/// Verbs after which the rest of the line is an intention ("we want to …").
const INTENT: &[&str] = &[
    "need", "needs", "want", "wants", "plan", "plans", "hope", "hopes", "expect", "expects", "aim",
    "aims", "intend", "intends",
];

fn is_verb(word: &str, index: usize) -> bool {
    // The first word is the subject's ("Support tickets …", "Work is …").
    let w = word.to_lowercase();
    index > 0 && (VERBS.contains(&w.as_str()) || (w.len() > 4 && w.ends_with("ed")))
}

/// The last words of `words` up to `max`, without trailing function words.
fn trimmed(words: &[&str], max: usize) -> Vec<String> {
    let mut out: Vec<String> = words.iter().take(max).map(|w| w.to_string()).collect();
    while out
        .last()
        .is_some_and(|w| TRAILING.contains(&w.to_lowercase().as_str()))
    {
        out.pop();
    }
    out
}

/// What a line recorded under `said` is about, as a short noun phrase in
/// the candidate's voice: "APAC expansion is next year's top priority" →
/// "APAC expansion"; "Our patients struggle with the booking flow" → "your
/// patients"; "We are moving the warehouse to Snowflake this spring" →
/// "moving the warehouse"; "We want to halve onboarding time"
/// → "the plan to halve onboarding". At most four words of the line in a
/// row, never a quotation. `None` when nothing usable is left.
pub fn topic(said: &str, names: &[&str]) -> Option<String> {
    let line = quotable(said);
    let raw: Vec<&str> = line.split_whitespace().collect();
    let words: Vec<&str> = raw
        .iter()
        .copied()
        .map(|w| {
            w.trim_matches(|c: char| {
                matches!(
                    c,
                    ',' | ';' | ':' | '.' | '!' | '?' | '(' | ')' | '\'' | '\u{2018}' | '\u{2019}'
                )
            })
        })
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        return None;
    }
    let verb = words.iter().enumerate().position(|(i, w)| is_verb(w, i));
    let (subject, predicate): (&[&str], &[&str]) = match verb {
        Some(v) => (&words[..v], &words[v + 1..]),
        None => (&words[..], &[]),
    };
    // The subject, with "our" said back as "your".
    let mut lead: Option<&str> = None;
    let mut rest = subject;
    if let Some((first, tail)) = subject.split_first() {
        match first.to_lowercase().as_str() {
            "the" => (lead, rest) = (Some("the"), tail),
            "our" => (lead, rest) = (Some("your"), tail),
            "a" | "an" | "my" | "this" | "that" | "these" | "those" => rest = tail,
            _ => {}
        }
    }
    let generic = rest.is_empty()
        || rest
            .iter()
            .all(|w| GENERIC.contains(&w.to_lowercase().as_str()))
        || (content_words(&rest.iter().map(|w| w.to_string()).collect::<Vec<_>>()) < 2
            && predicate_is_gerund(predicate));
    let phrase: Vec<String> = if !generic && rest.len() <= 4 {
        let mut p = trimmed(rest, 4);
        if let Some(l) = lead
            && !p.is_empty()
            && p.len() < 4
        {
            p.insert(0, l.to_string());
        }
        p
    } else if !generic {
        // A long subject: its richest phrase is picked below.
        Vec::new()
    } else {
        // A generic subject ("we", "the team"): the predicate carries the topic.
        let verb_word = verb.map(|v| words[v].to_lowercase()).unwrap_or_default();
        let mut pred = predicate;
        while let Some((first, tail)) = pred.split_first() {
            if matches!(
                first.to_lowercase().as_str(),
                "to" | "be" | "being" | "been" | "still" | "also" | "now" | "really" | "just"
            ) {
                pred = tail;
            } else {
                break;
            }
        }
        if pred.is_empty() {
            Vec::new()
        } else if INTENT.contains(&verb_word.as_str()) {
            let mut p = trimmed(pred, 2);
            if !p.is_empty() {
                p.splice(0..0, ["the".to_string(), "plan".into(), "to".into()]);
            }
            p
        } else if pred[0].to_lowercase().ends_with("ing") {
            trimmed(pred, 4)
        } else {
            // "They have no owner for the design system": what follows.
            trimmed(pred, 4)
        }
    };
    // A topic that names too little ("half the team") gives way to the
    // richest noun phrase of the line ("the last six months"), the
    // earliest of equals.
    let phrase = if content_words(&phrase) >= 2 {
        phrase
    } else {
        let mut best = phrase;
        for c in chunks(&raw) {
            if content_words(&c) > content_words(&best) {
                best = c;
            }
        }
        best
    };
    if phrase.is_empty() {
        return None;
    }
    let mut text = phrase.join(" ");
    // Lowercase a plain first word ("Latency" → "latency"), never a name
    // or an acronym ("APAC", "Snowflake" when a name says so).
    let first = phrase[0].as_str();
    let plain = first.chars().skip(1).all(|c| !c.is_uppercase())
        && !names
            .iter()
            .any(|n| n.split_whitespace().any(|w| w.eq_ignore_ascii_case(first)));
    if plain && let Some(c) = first.chars().next() {
        text = format!("{}{}", c.to_lowercase(), &text[c.len_utf8()..]);
    }
    Some(text)
}

/// Does the predicate (after the verb) go on with an "-ing" word ("is
/// moving from nightly batches …")?
fn predicate_is_gerund(predicate: &[&str]) -> bool {
    predicate
        .iter()
        .find(|w| {
            !matches!(
                w.to_lowercase().as_str(),
                "to" | "be" | "being" | "been" | "still" | "also" | "now" | "really" | "just"
            )
        })
        .is_some_and(|w| w.len() > 4 && w.to_lowercase().ends_with("ing"))
}

/// Words a topic needs more of than these to say something.
fn content_words(phrase: &[String]) -> usize {
    const EMPTY: &[&str] = &[
        "half", "all", "many", "much", "few", "lot", "lots", "thing", "things", "way", "ways",
        "kind", "sort", "your", "plan",
    ];
    phrase
        .iter()
        .map(|w| w.to_lowercase())
        .filter(|w| {
            w.chars().count() >= 3
                && !TRAILING.contains(&w.as_str())
                && !GENERIC.contains(&w.as_str())
                && !EMPTY.contains(&w.as_str())
        })
        .count()
}

/// The noun phrases of a line: its words split at verbs, commas and the
/// words that join phrases, each trimmed to at most five words, earliest
/// first ("the" kept in front, "our" said back as "your").
fn chunks(raw: &[&str]) -> Vec<Vec<String>> {
    const JOINS: &[&str] = &[
        "and", "or", "but", "because", "after", "before", "since", "while", "when", "with", "in",
        "on", "at", "by", "from", "for", "to", "than", "as", "that", "which", "who", "so", "if",
        "into", "over", "about", "not", "no",
    ];
    fn flush(current: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        let mut c = std::mem::take(current);
        if c.first().is_some_and(|w| w.eq_ignore_ascii_case("our")) {
            c[0] = "your".into();
        }
        let words: Vec<&str> = c.iter().map(String::as_str).collect();
        let start = usize::from(words.first().is_some_and(|w| {
            matches!(
                w.to_lowercase().as_str(),
                "a" | "an" | "this" | "that" | "these" | "those" | "my"
            )
        }));
        let c = trimmed(&words[start.min(words.len())..], 4);
        if !c.is_empty() {
            out.push(c);
        }
    }
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for (i, w) in raw.iter().enumerate() {
        let ends = w.ends_with([',', ';', ':']);
        let word: String = w
            .trim_matches(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'')
            .to_string();
        if word.is_empty() {
            continue;
        }
        if is_verb(&word, i) || JOINS.contains(&word.to_lowercase().as_str()) {
            flush(&mut current, &mut out);
        } else {
            current.push(word);
        }
        if ends {
            flush(&mut current, &mut out);
        }
    }
    flush(&mut current, &mut out);
    out
}

/// A slip-up as a clause said to `to`: their name becomes "you" ("Called
/// Marie 'Mary' once" → "called you 'Mary' once"), and the first letter is
/// lowercased unless the clause starts with someone's name or an acronym.
fn clause(s: &str, to: &Person, people: &[Person]) -> String {
    let q = addressed(&quotable(s), to);
    let first_word: String = q
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("")
        .to_lowercase();
    let is_name = people.iter().any(|p| {
        p.name
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w.to_lowercase() == first_word)
    });
    let mut chars = q.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && b.is_lowercase() && !is_name => {
            let mut out: String = a.to_lowercase().collect();
            out.push_str(&q[a.len_utf8()..]);
            out
        }
        _ => q,
    }
}

/// `text` with the recipient's full or first name turned into "you" (and
/// "Name's" into "your"), except where the name is the subject of "was",
/// "is", "has" or "does", which "you" cannot take.
fn addressed(text: &str, to: &Person) -> String {
    let first = first_name(to);
    let mut names: Vec<&str> = vec![to.name.trim(), first.as_str()];
    names.retain(|n| !n.is_empty());
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    'scan: while i < text.len() {
        let at_word_start = text[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        if at_word_start {
            for name in &names {
                let Some(rest) = text[i..].strip_prefix(name) else {
                    continue;
                };
                if rest.chars().next().is_some_and(char::is_alphanumeric) {
                    continue;
                }
                let capital = i == 0;
                if let Some(after) = rest
                    .strip_prefix("'s")
                    .or_else(|| rest.strip_prefix("\u{2019}s"))
                    .filter(|a| !a.chars().next().is_some_and(char::is_alphanumeric))
                {
                    out.push_str(if capital { "Your" } else { "your" });
                    i = text.len() - after.len();
                    continue 'scan;
                }
                let next_word = rest
                    .trim_start()
                    .split(|c: char| !c.is_alphanumeric() && c != '\'')
                    .next()
                    .unwrap_or("")
                    .to_lowercase();
                if matches!(
                    next_word.as_str(),
                    "was" | "is" | "has" | "does" | "wasn't" | "isn't" | "hasn't" | "doesn't"
                ) {
                    break;
                }
                out.push_str(if capital { "You" } else { "you" });
                i += name.len();
                continue 'scan;
            }
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// Verbs a slip is usually written with, in the past tense, so that "I"
/// in front makes it a sentence ("Forgot your name" → "I forgot your name").
const PAST: &[&str] = &[
    "forgot",
    "spilled",
    "spilt",
    "said",
    "got",
    "ran",
    "was",
    "were",
    "lost",
    "went",
    "took",
    "gave",
    "left",
    "came",
    "misspoke",
    "froze",
    "mistook",
    "misheard",
    "misread",
    "broke",
    "had",
    "did",
    "made",
    "kept",
    "let",
    "put",
    "wore",
    "fell",
    "overran",
    "ate",
    "drank",
    "cut",
    "brought",
    "swore",
    "forgotten",
    "spoke",
    "told",
    "sent",
    "knew",
    "thought",
    "began",
    "sat",
    "stood",
    "wrote",
    "drew",
    "blanked",
    "mixed",
];

/// A slip (already said to the recipient by [`clause`]) as a first-person
/// clause, when it reads as one: "called you 'Mary' once" → "I called you
/// 'Mary' once". `None` when it does not start with a verb in the past
/// tense (or with "I"): then the draft quotes it as the candidate's note.
fn first_person(c: &str) -> Option<String> {
    let first = c.split_whitespace().next()?;
    let word: String = first
        .chars()
        .filter(|ch| ch.is_alphanumeric() || *ch == '\'')
        .collect::<String>()
        .to_lowercase();
    if first == "I" || first.starts_with("I'") {
        return Some(c.to_string());
    }
    let past = PAST.contains(&word.as_str())
        || (word.len() > 3 && word.ends_with("ed") && word.chars().all(char::is_alphabetic));
    past.then(|| format!("I {c}"))
}

/// `text` with its first letter in capitals, to start a sentence.
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn article(word: &str) -> &'static str {
    match word.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

impl<'a> Writer<'a> {
    fn new(app: &'a Application, person: &'a Person, candidate: &'a str, now: Timestamp) -> Self {
        let interview = interview_for(app, Some(&person.id), Some(now))
            .or_else(|| interview_for(app, Some(&person.id), None));
        let v = interview
            .and_then(|i| {
                i.interviewers
                    .iter()
                    .chain(&i.also_met)
                    .position(|x| *x == person.id)
            })
            .or_else(|| app.people.iter().position(|p| p.id == person.id))
            .unwrap_or(0);
        Writer {
            app,
            person,
            candidate,
            interview,
            v,
            first: first_name(person),
        }
    }

    fn role(&self) -> String {
        if self.app.role.trim().is_empty() {
            "open".to_string()
        } else {
            quotable(&self.app.role)
        }
    }

    fn company(&self) -> String {
        quotable(&self.app.company)
    }

    fn greeting(&self) -> String {
        let word = if self.v.is_multiple_of(2) {
            "Dear"
        } else {
            "Hello"
        };
        if self.first.is_empty() {
            format!("{word},")
        } else {
            format!("{word} {},", self.first)
        }
    }

    fn signoff(&self) -> String {
        let closing = [
            "Best regards,",
            "Kind regards,",
            "Warm regards,",
            "All the best,",
        ][self.v % 4];
        if self.candidate.is_empty() {
            closing.to_string()
        } else {
            format!("{closing}\n{}", self.candidate)
        }
    }

    fn weekday(&self) -> Option<String> {
        let i = self.interview?;
        let z = i.start.ts.to_zoned(TimeZone::fixed(i.start.offset));
        Some(z.strftime("%A").to_string())
    }

    fn date(&self) -> Option<String> {
        let i = self.interview?;
        let z = i.start.ts.to_zoned(TimeZone::fixed(i.start.offset));
        Some(z.strftime("%A, %B %-d").to_string())
    }

    /// What this person raised, as a topic in the candidate's voice (never
    /// their recorded line itself: see [`topic`]).
    fn said(&self) -> Option<String> {
        let mut names: Vec<&str> = self.app.people.iter().map(|p| p.name.as_str()).collect();
        names.push(self.app.company.as_str());
        self.person
            .said
            .iter()
            .filter(|s| s.split_whitespace().count() >= 2)
            .find_map(|s| topic(s, &names))
    }

    /// Why the candidate fits, from what the store knows: a research fact
    /// with the candidate's line on how they would contribute, else the
    /// topic this person raised, else the role.
    fn fit(&self, fv: usize) -> String {
        let role = self.role();
        let company = self.company();
        let a = article(&role);
        let research: Vec<(String, String)> = self
            .app
            .research
            .iter()
            .filter_map(|r| {
                let c = r.contribution.as_deref().map(quotable)?;
                let f = quotable(&r.fact);
                (!c.is_empty() && !f.is_empty()).then_some((f, c))
            })
            .collect();
        // One research line per panel member at most: two notes of one
        // panel never share it.
        if let Some((fact, contribution)) = research.get(self.v) {
            return match fv % 3 {
                0 => format!(
                    "Reading about {company} ({fact}), I saw where I could help as {a} {role}: {contribution}."
                ),
                1 => format!(
                    "My research on {company} points to where I would contribute ({fact}): {contribution}."
                ),
                _ => format!(
                    "Here is what I would bring to the {role} role, with {company}'s situation in mind ({fact}): {contribution}."
                ),
            };
        }
        if let Some(t) = self.said() {
            return match fv {
                0 => format!(
                    "My experience speaks directly to {t}, which is a large part of why the {role} role appeals to me."
                ),
                1 => format!(
                    "I have worked on problems close to {t}, and I would bring that experience to {company} as {a} {role}."
                ),
                2 => format!(
                    "Helping with {t} is exactly the kind of work my skills suit as {a} {role}."
                ),
                3 => format!(
                    "{} is where my background would count most for {company}.",
                    capitalized(&t)
                ),
                4 => format!(
                    "I'd relish taking on {t} from day one; it matches what the {role} role needs from me."
                ),
                _ => format!(
                    "My experience maps well onto {t}, and I'd enjoy putting it to work at {company}."
                ),
            };
        }
        match fv {
            0 => format!(
                "I'm confident my experience fits what the {role} role needs, and I'd like to put it to work for {company}."
            ),
            1 => "Our talk confirmed that my skills match the problems you described.".to_string(),
            2 => format!(
                "I believe I could bring steady, practical experience to {company} as {a} {role}."
            ),
            3 => format!("I would welcome the chance to contribute to that work as {a} {role}."),
            4 => format!(
                "What you described is close to my experience, and it is why the {role} role appeals to me."
            ),
            _ => format!(
                "My background lines up well with that, and I'd enjoy bringing it to {company}."
            ),
        }
    }

    fn title(&self) -> Option<String> {
        self.person
            .title
            .as_deref()
            .map(quotable)
            .filter(|t| !t.is_empty())
    }

    fn latest_news(&self) -> Option<String> {
        self.app
            .news
            .iter()
            .max_by_key(|n| n.on)
            .map(|n| quotable(&n.text))
            .filter(|n| !n.is_empty())
    }

    /// Noticed slips not yet apologized for that concern this person: those
    /// naming them; a slip naming nobody on the panel goes to the first
    /// interviewer only, so the panel's notes don't repeat one apology.
    fn slips(&self) -> Vec<&'a SlipUp> {
        let Some(i) = self.interview else {
            return Vec::new();
        };
        let names_of = |id: &str| -> Vec<String> {
            self.app
                .person(id)
                .map(|p| {
                    p.name
                        .split_whitespace()
                        .map(|w| w.to_lowercase())
                        .collect()
                })
                .unwrap_or_default()
        };
        let mine = names_of(&self.person.id);
        let panel: Vec<String> = i.interviewers.iter().flat_map(|id| names_of(id)).collect();
        i.slip_ups
            .iter()
            .filter(|s| s.noticed && !s.apologized)
            .filter(|s| {
                let words: Vec<String> = s
                    .text
                    .split(|c: char| !c.is_alphanumeric())
                    .map(|w| w.to_lowercase())
                    .collect();
                let lead =
                    i.interviewers.first() == Some(&self.person.id) || i.interviewers.len() <= 1;
                words.iter().any(|w| mine.contains(w))
                    || (lead && !words.iter().any(|w| panel.contains(w)))
            })
            .collect()
    }

    fn paragraphs(&self, paras: &[String]) -> String {
        let mut body = self.greeting();
        body.push_str("\n\n");
        for p in paras.iter().filter(|p| !p.trim().is_empty()) {
            body.push_str(p.trim());
            body.push_str("\n\n");
        }
        body.push_str(&self.signoff());
        body.push('\n');
        body
    }

    fn thank_you(&self) -> Result<Draft, DraftError> {
        // Each part picks its wording with its own offset, so panels larger
        // than the number of variants still get different combinations.
        let round = self.v / 4;
        let v = self.v % 4;
        let rv = (self.v + round) % 4;
        let fv = self.v % 6;
        let cv = (self.v + 3 * round) % 4;
        let role = self.role();
        let company = self.company();
        let day = self
            .weekday()
            .map(|d| format!(" on {d}"))
            .unwrap_or_default();
        if self.said().is_none() && self.title().is_none() && day.is_empty() {
            return Err(DraftError::NothingSpecific {
                name: self.person.name.clone(),
            });
        }
        let thanks = match v {
            0 => format!(
                "Thank you for meeting with me{day} to talk about the {role} role at {company}."
            ),
            1 => format!(
                "Thanks again for our conversation{day}; I came away with a much clearer picture of the {role} role."
            ),
            2 => format!(
                "I'm grateful for the time you gave me{day} and for your candid answers about {company}."
            ),
            _ => format!(
                "Thank you for your openness{day} when we discussed how {company} works day to day."
            ),
        };
        let reference = match (self.said(), self.title()) {
            (Some(s), _) => match rv {
                0 => format!("Our conversation about {s} has stayed with me."),
                1 => format!("I keep coming back to what you told me about {s}."),
                2 => {
                    format!("Hearing your view on {s} made the stakes of the work concrete for me.")
                }
                _ => format!(
                    "What you shared about {s} told me a lot about where the team is heading."
                ),
            },
            (None, Some(t)) => {
                format!("It was useful to hear how the work looks from your side as {t}.")
            }
            (None, None) => String::new(),
        };
        let fit = self.fit(fv);
        let apology: Vec<String> = self
            .slips()
            .iter()
            .map(|s| {
                let c = clause(&s.text, self.person, &self.app.people);
                // Whole sentences: the slip in the first person when it
                // reads as a clause, else quoted as the candidate's own note.
                match (first_person(&c), fv) {
                    (Some(i), 0) => {
                        format!("I also want to own one slip: {i}, and I'm sorry about that.")
                    }
                    (Some(i), 1) => format!("One more thing: {i}, and I apologize for that."),
                    (Some(i), 2 | 4) => format!("I'm sorry that {i}."),
                    (Some(i), _) => format!("Please excuse one moment on my part: {i}."),
                    (None, 0 | 2 | 4) => {
                        format!("I noted one slip of mine afterwards, “{c}”, and I'm sorry for it.")
                    }
                    (None, _) => format!(
                        "Please accept my apology for one slip on my part, which I noted as “{c}”."
                    ),
                }
            })
            .collect();
        let apology = apology.join(" ");
        let questions = if self.interview.and_then(|i| i.asked_questions) == Some(false) {
            match rv {
                0 => "I didn't ask you much at the end, so here are two questions now: what would success look like after six months, and what is the team's biggest challenge this year?".to_string(),
                1 => format!("Since I left little room for questions, may I ask two here: how does the team decide what to build next, and how is success in the {role} role measured?"),
                2 => format!("Two questions I would have liked to ask: which part of the work is hardest right now, and what would you hope a new {role} changes first?"),
                _ => "Let me add the questions I didn't get to: how do you see the role growing over the next year, and what does a typical week look like?".to_string(),
            }
        } else {
            String::new()
        };
        let closing = match cv {
            0 => "I look forward to the next steps.",
            1 => "Thanks again, and I hope the rest of your week goes well.",
            2 => "I'd be glad to continue the conversation whenever it suits you.",
            _ => "Please let me know if anything else from me would help.",
        }
        .to_string();
        let paras = match cv {
            0 => vec![
                format!("{thanks} {reference}"),
                format!("{fit} {apology}"),
                questions,
                closing,
            ],
            1 => vec![
                format!("{reference} {thanks}"),
                format!("{apology} {fit}"),
                questions,
                closing,
            ],
            2 => vec![
                thanks,
                format!("{fit} {reference}"),
                format!("{apology} {questions}"),
                closing,
            ],
            _ => vec![
                format!("{thanks} {reference} {questions}"),
                format!("{fit} {apology}"),
                closing,
            ],
        };
        let subject = match (v, self.weekday()) {
            (0 | 2, Some(d)) => format!("Thank you for {d}'s conversation"),
            (_, _) => format!("Thank you – {role} interview"),
        };
        Ok(Draft {
            subject,
            body: self.paragraphs(&paras),
        })
    }

    fn thank_staff(&self) -> Result<Draft, DraftError> {
        let role = self.role();
        let company = self.company();
        let Some(day) = self.weekday() else {
            return Err(DraftError::NothingSpecific {
                name: self.person.name.clone(),
            });
        };
        let body = match self.v % 2 {
            0 => format!(
                "Thank you for your help when I came to {company} on {day} for my {role} interview. You made the visit easy, and I appreciated it."
            ),
            _ => format!(
                "Many thanks for looking after me on {day} at {company}. Your help before my {role} interview put me at ease."
            ),
        };
        Ok(Draft {
            subject: format!("Thank you for your help on {day}"),
            body: self.paragraphs(&[body]),
        })
    }

    fn status_check(&self) -> Draft {
        let role = self.role();
        let company = self.company();
        let since = self
            .date()
            .map(|d| format!(", following our conversation on {d}"))
            .unwrap_or_default();
        let body = format!(
            "I hope your week is going well. I'm writing to ask whether there is any news on the {role} role at {company}{since}. I remain keen on the role and I'm happy to send anything that would help."
        );
        Draft {
            subject: format!("{role} role – checking in"),
            body: self.paragraphs(&[body]),
        }
    }

    fn recovery(&self) -> Draft {
        let role = self.role();
        let company = self.company();
        let missed = self
            .app
            .interviews
            .iter()
            .filter(|i| i.status == InterviewStatus::Missed)
            .max_by_key(|i| i.start)
            .or(self.interview);
        let when = missed
            .map(|i| {
                let z = i.start.ts.to_zoned(TimeZone::fixed(i.start.offset));
                format!(" on {}", z.strftime("%A, %B %-d at %H:%M"))
            })
            .unwrap_or_default();
        let p1 = format!(
            "I missed our interview for the {role} role{when}, and the responsibility is entirely mine. [Reason: say in one sentence what happened.] I'm sorry for the time this cost you and the team."
        );
        let p2 = format!(
            "I remain very interested in {company}. Could we find another time to meet? I can make any time that suits you over the coming days."
        );
        Draft {
            subject: format!("My missed {role} interview – a request to reschedule"),
            body: self.paragraphs(&[p1, p2]),
        }
    }

    fn feedback_request(&self) -> Draft {
        let role = self.role();
        let p1 = format!(
            "Thank you for letting me know your decision about the {role} role, and for the time you and your colleagues spent with me."
        );
        let p2 = "I'd value your honest view of how I came across and what I could do better next time. Would you have ten minutes for a short call in the next couple of weeks? I'll be grateful for whatever you can share.".to_string();
        Draft {
            subject: format!("A short call about my {role} interview?"),
            body: self.paragraphs(&[p1, p2]),
        }
    }

    fn stay_in_touch(&self) -> Result<Draft, DraftError> {
        let company = self.company();
        let material = if let Some(n) = self.latest_news() {
            format!("I read the news, “{n}”, and it brought our conversation back to mind.")
        } else if let Some(s) = self.said() {
            format!(
                "I've been thinking about our conversation on {s}, and came across an article on it you might enjoy: [link]."
            )
        } else if let Some(f) = self
            .app
            .research
            .first()
            .map(|r| quotable(&r.fact))
            .filter(|f| !f.is_empty())
        {
            format!("I've been following “{f}” with interest since we spoke.")
        } else if let Some(t) = self.title() {
            format!("I hope your work as {t} is going well.")
        } else {
            return Err(DraftError::NothingSpecific {
                name: self.person.name.clone(),
            });
        };
        let body = format!(
            "I hope all is well at {company}. {material} I'd be glad to stay in touch, and I'll keep following the team's work."
        );
        Ok(Draft {
            subject: format!("Keeping in touch – {company}"),
            body: self.paragraphs(&[body]),
        })
    }

    fn congratulate(&self) -> Result<Draft, DraftError> {
        let company = self.company();
        let Some(n) = self.latest_news() else {
            return Err(DraftError::NoNews { company });
        };
        let tie = self
            .said()
            .map(|s| format!(" It fits what you told me about {s}."))
            .unwrap_or_default();
        let body = format!(
            "Congratulations on the news: “{n}”.{tie} It is good to see the team's work recognised, and I wish you every success with what comes next."
        );
        Ok(Draft {
            subject: format!("Congratulations, {company}"),
            body: self.paragraphs(&[body]),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: &str, name: &str) -> Person {
        serde_json::from_value(serde_json::json!({ "id": id, "name": name })).expect("person")
    }

    #[test]
    fn a_slip_is_told_to_the_person_it_concerns() {
        let marie = person("marie", "Marie Dubois");
        let raj = person("raj", "Raj Patel");
        let people = [marie.clone(), raj.clone()];
        let c = |s: &str, to: &Person| clause(s, to, &people);
        assert_eq!(
            c("Called Marie 'Mary' once", &marie),
            "called you 'Mary' once"
        );
        assert_eq!(
            c("Called Marie 'Mary' once", &raj),
            "called Marie 'Mary' once"
        );
        assert_eq!(
            c("Forgot Marie's question on APAC", &marie),
            "forgot your question on APAC"
        );
        assert_eq!(
            c("Interrupted Marie Dubois twice.", &marie),
            "interrupted you twice"
        );
        assert_eq!(
            c("Marie asked twice about SQL", &marie),
            "you asked twice about SQL"
        );
        assert_eq!(
            c("Raj asked twice about SQL", &marie),
            "Raj asked twice about SQL"
        );
        // "you was" would be wrong: the name stays where it is the subject.
        assert_eq!(
            c("Marie was kept waiting", &marie),
            "Marie was kept waiting"
        );
        // Only whole words: "Mariette" is someone else.
        assert_eq!(
            c("Mixed up Mariette and Marie", &marie),
            "mixed up Mariette and you"
        );
        assert_eq!(c("SQL answer was wrong", &marie), "SQL answer was wrong");
    }

    #[test]
    fn a_said_line_becomes_a_short_topic_never_a_quotation() {
        let names = ["Marie Dubois", "Acme Corp"];
        for (said, want) in [
            (
                "APAC expansion is next year's top priority",
                "APAC expansion",
            ),
            (
                "We are moving the warehouse to Snowflake this spring",
                "moving the warehouse",
            ),
            (
                "Our patients struggle with the booking flow",
                "the booking flow",
            ),
            (
                "Support tickets doubled after the mobile launch",
                "support tickets",
            ),
            (
                "We want to halve onboarding time for new clients",
                "the plan to halve onboarding",
            ),
            (
                "Latency on the search API is the main complaint",
                "the search API",
            ),
            (
                "The design system has no owner right now.",
                "the design system",
            ),
            ("Release testing still takes three days", "release testing"),
            (
                "\"Quality\" means fewer hotfixes, not more tests",
                "fewer hotfixes",
            ),
            (
                "Half the team joined in the last six months",
                "the last six months",
            ),
            (
                "Customers in Brazil are the fastest-growing segment",
                "customers in Brazil",
            ),
            (
                "The platform team owns on-call for every service",
                "the platform team",
            ),
            (
                "Our customers love the new dashboards",
                "the new dashboards",
            ),
            (
                "The warehouse is moving from nightly batches to streaming",
                "moving from nightly batches",
            ),
        ] {
            assert_eq!(topic(said, &names).as_deref(), Some(want), "{said}");
        }
    }

    #[test]
    fn every_slip_apology_is_a_whole_sentence() {
        let marie = person("marie", "Marie Dubois");
        let people = [marie.clone()];
        for (slip, want) in [
            (
                "forgot your name for a second",
                Some("I forgot your name for a second"),
            ),
            ("Called Marie 'Mary' once", Some("I called you 'Mary' once")),
            ("spilled water", Some("I spilled water")),
            (
                "Spilled my water on the table.",
                Some("I spilled my water on the table"),
            ),
            (
                "Arrived ten minutes late",
                Some("I arrived ten minutes late"),
            ),
            ("was late", Some("I was late")),
            (
                "I mixed up the product names",
                Some("I mixed up the product names"),
            ),
            (
                "Mixed up Marie's two questions",
                Some("I mixed up your two questions"),
            ),
            ("late arrival", None),
            ("SQL answer was wrong", None),
            ("my phone rang twice", None),
        ] {
            let c = clause(slip, &marie, &people);
            assert_eq!(first_person(&c).as_deref(), want, "{slip}");
        }
    }
}
