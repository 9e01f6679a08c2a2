//! Sentence-level reading for the rules that depend on intent.
//!
//! A note's body is split into sentences and clauses (at `,` `;` `:` `—`
//! and parentheses, and before "but", "because", "which", "so I", "and I"
//! …). Each word is tagged from a small hand-written lexicon (its lemma's
//! class: an apology, a request, a demand, an explanation, a scope word, a
//! judgement of the interview, a deadline, a first-person or second-person
//! subject, a negation, a hedge). Each rule then decides per clause from
//! those parts — the speech act, its object, its scope, who the subject is —
//! rather than from whole phrases. The phrase lists in the rule pack still
//! run; what the clauses find is added where the phrases found nothing.
//!
//! Pure, allocation-light, and linear in the note: no model, no network.

use crate::NoteKind;
use crate::note::{Finding, Note};
use crate::reading::{Clause, Reading};
use crate::text::Token;

// --- the lexicon --------------------------------------------------------------
//
// Hand-written, with the inflections spelled out: a word matches when its
// lowercased form is listed. Multi-word entries are matched as sequences.

const APOLOGY: &[&str] = &[
    "sorry",
    "apologize",
    "apologise",
    "apologizing",
    "apologising",
    "apologies",
    "apology",
    "regret",
    "regrets",
];

/// A judgement of how the candidate did.
const POOR: &[&str] = &[
    "badly",
    "poorly",
    "terribly",
    "awfully",
    "bad",
    "poor",
    "terrible",
    "awful",
    "horrible",
    "horribly",
    "dreadful",
    "dreadfully",
    "disaster",
    "disastrous",
    "mess",
    "bombed",
    "blew",
    "flopped",
    "failed",
    "fumbled",
    "embarrassed",
    "embarrassing",
    "disappointing",
    "underwhelming",
    "weak",
];

/// Words that make a judgement global rather than about one moment.
const SCOPE: &[&str] = &[
    "everything",
    "overall",
    "whole",
    "entire",
    "entirety",
    "throughout",
    "generally",
    "altogether",
];

/// One named moment: an apology about it is specific, not blanket.
const NAMED_SLIP: &[&str] = &[
    "late",
    "name",
    "typo",
    "phone",
    "connection",
    "camera",
    "audio",
    "noise",
    "figure",
    "number",
    "year",
    "date",
    "spelling",
    "misspelled",
    "interrupted",
    "interrupting",
];

const NUMBERS: &[&str] = &[
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "fifteen", "twenty", "several", "many",
];

const FIRST_PERSON: &[&str] = &["i", "i'm", "i've", "i'd", "i'll", "me", "my", "myself"];
const SECOND_PERSON: &[&str] = &["you", "your", "you're", "you've", "you'd", "yours"];

const NEGATION: &[&str] = &[
    "not", "no", "never", "don't", "didn't", "doesn't", "isn't", "wasn't", "aren't", "weren't",
    "won't", "can't", "cannot", "couldn't", "haven't", "hasn't", "hadn't", "nobody", "nothing",
];

/// A state of the writer offered as the cause of a slip.
const STATE_CAUSE: &[&str] = &[
    "nervous",
    "nerves",
    "anxious",
    "tired",
    "exhausted",
    "sleep",
    "slept",
    "sick",
    "jet",
    "hungover",
    "stressed",
];

/// Things outside the writer offered as the cause of a slip.
const OUTSIDE_CAUSE: &[&str] = &[
    "traffic",
    "train",
    "bus",
    "delayed",
    "internet",
    "wifi",
    "provider",
    "connection",
    "neighbours",
    "neighbors",
    "renovating",
    "noise",
    "laptop",
    "keyboard",
    "computer",
    "recruiter",
    "invite",
    "invitation",
    "calendar",
    "reminder",
    "directions",
    "signs",
    "link",
    "brief",
    "zone",
    "layout",
    "kitchen",
    "question",
    "questions",
];

/// How the outside cause failed.
const FAULT: &[&str] = &[
    "wrong",
    "unclear",
    "confusing",
    "vague",
    "unfair",
    "harder",
    "strange",
    "terrible",
    "broken",
    "delayed",
    "late",
    "never",
    "dropping",
    "dropped",
    "hotter",
    "louder",
    "renovating",
];

/// A cause connective: the clause explains.
const BECAUSE: &[&str] = &["because", "since", "due", "why", "reason", "so"];

/// Owning a slip: the note takes the blame itself.
const OWNING: &[&[&str]] = &[
    &["my", "mistake"],
    &["my", "error"],
    &["my", "fault"],
    &["mistake", "is", "mine"],
    &["mistake", "was", "mine"],
    &["error", "is", "mine"],
    &["on", "me"],
    &["no", "excuse"],
    &["no", "good", "excuse"],
    &["i", "should", "have"],
];

/// "Nobody told me", "I wasn't told", "I was given the wrong brief".
const BLAME: &[&[&str]] = &[
    &["nobody", "told"],
    &["no", "one", "told"],
    &["nobody", "warned"],
    &["wasn't", "told"],
    &["was", "not", "told"],
    &["was", "never", "told"],
    &["wasn't", "warned"],
    &["was", "warned"],
    &["was", "given", "the", "wrong"],
    &["sent", "me", "the", "wrong"],
    &["never", "sent"],
    &["not", "my", "fault"],
    &["wasn't", "my", "fault"],
    &["out", "of", "my", "hands"],
    &["which", "is", "why"],
    &["had", "barely", "slept"],
    &["long", "day"],
    &["long", "week"],
];

/// The employer's decision about the writer, or where the writer stands.
const DECIDED: &[&[&str]] = &[
    &["made", "a", "decision"],
    &["any", "decision"],
    &["a", "decision", "on"],
    &["your", "decision"],
    &["the", "decision"],
    &["decision", "yet"],
    &["decided", "yet"],
    &["decided", "on"],
    &["you", "decided"],
    &["you", "have", "decided"],
    &["you've", "decided"],
    &["where", "i", "stand"],
    &["who", "you're", "hiring"],
    &["who", "you", "are", "hiring"],
    &["who", "you", "will", "hire"],
    &["whether", "i", "got"],
    &["whether", "i'm"],
    &["whether", "i", "am"],
    &["if", "i", "got"],
    &["got", "the", "job"],
    &["get", "the", "job"],
    &["through", "to", "the", "next"],
    &["moving", "on", "to"],
    &["moving", "forward"],
    &["about", "my", "application"],
    &["about", "my", "interview"],
];

/// Asking about news of the process.
const NEWS: &[&str] = &["news", "update", "updates", "answer", "verdict"];

/// A request aimed at the reader.
const REQUEST: &[&[&str]] = &[
    &["let", "me", "know"],
    &["get", "back"],
    &["respond"],
    &["reply"],
    &["confirm"],
    &["tell", "me"],
    &["hear"],
    &["hear", "back"],
    &["know"],
    &["answer"],
    &["decision"],
    &["update"],
    &["contact"],
];

/// A deadline put on the reader.
const DEADLINE: &[&[&str]] = &[
    &["today"],
    &["tonight"],
    &["tomorrow"],
    &["immediately"],
    &["right", "away"],
    &["at", "once"],
    &["at", "the", "latest"],
    &["this", "week"],
    &["end", "of", "the", "day"],
    &["end", "of", "the", "week"],
    &["end", "of", "day"],
    &["before", "the", "weekend"],
    &["before", "then"],
    &["by", "monday"],
    &["by", "tuesday"],
    &["by", "wednesday"],
    &["by", "thursday"],
    &["by", "friday"],
    &["by", "saturday"],
    &["by", "sunday"],
    &["by", "then"],
    &["by", "tomorrow"],
    &["within"],
    &["asap"],
    &["quickly"],
    &["promptly"],
];

/// Complaints about the wait.
const COMPLAINT: &[&[&str]] = &[
    &["still", "waiting"],
    &["still", "haven't", "heard"],
    &["still", "have", "not", "heard"],
    &["why", "haven't"],
    &["why", "have", "i", "not"],
    &["why", "is", "this", "taking"],
    &["taking", "so", "long"],
    &["dragged", "on"],
    &["promised", "me"],
    &["nobody", "has"],
    &["no", "one", "has"],
    &["you", "said", "i'd"],
    &["you", "said", "i", "would"],
    &["been", "waiting"],
    &["my", "third", "email"],
    &["second", "reminder"],
    &["final", "reminder"],
];

/// Pressure by another employer.
const LEVERAGE: &[&[&str]] = &[
    &["another", "offer"],
    &["competing", "offer"],
    &["other", "offer"],
    &["other", "offers"],
    &["other", "companies"],
    &["offer", "that", "expires"],
    &["offer", "expires"],
];

/// Demands.
const DEMAND: &[&[&str]] = &[
    &["i", "demand"],
    &["i", "insist"],
    &["you", "must"],
    &["i", "need", "an"],
    &["i", "need", "a", "decision"],
    &["i", "need", "to", "know"],
    &["i", "need", "to", "hear"],
    &["i", "need", "your"],
    &["i", "expect"],
    &["i", "really", "need"],
    &["need", "your", "decision"],
    &["must", "let", "me", "know"],
];

/// Softeners that turn a deadline into a courtesy.
const HEDGE: &[&[&str]] = &[
    &["when", "you", "get", "a", "chance"],
    &["when", "you", "have", "a", "moment"],
    &["whenever"],
    &["no", "rush"],
    &["if", "there", "is"],
    &["if", "the"],
    &["at", "your", "convenience"],
    &["suits", "you"],
    &["works", "for", "you"],
    &["convenient"],
];

fn has(toks: &[Token], words: &[&str]) -> bool {
    toks.iter().any(|t| words.contains(&t.norm.as_str()))
}

fn seq(toks: &[Token], pats: &[&[&str]]) -> bool {
    pats.iter().any(|p| {
        !p.is_empty()
            && toks
                .windows(p.len())
                .any(|w| w.iter().zip(p.iter()).all(|(t, x)| t.norm.as_str() == *x))
    })
}

/// The words of a clause, or of a sentence.
fn words<'n>(note: &'n Note, first: usize, last: usize) -> &'n [Token] {
    note.tokens.get(first..=last).unwrap_or(&[])
}

fn quoted(toks: &[Token]) -> bool {
    !toks.is_empty() && toks.iter().all(|t| t.quoted)
}

/// The clause as quoted in a message: invisible and bidirectional marks
/// left out (they would reorder or hide the message's own words on a
/// terminal), cut at 80 characters.
fn shown(note: &Note, first: usize, last: usize) -> String {
    let span = note.span_of(first, last + 1);
    let raw = note.text.get(span).unwrap_or_default().trim();
    let s: String = raw
        .chars()
        .filter(|c| !crate::text::is_invisible(*c))
        .collect();
    if s.chars().count() > 80 {
        let cut: String = s.chars().take(77).collect();
        format!("{cut}…")
    } else {
        s
    }
}

/// What the clause rules found: rule id and finding.
pub(crate) fn findings(note: &Note, kind: Option<NoteKind>, rule: &str) -> Vec<Finding> {
    let reading = note.reading();
    match rule {
        "lint/blanket-apology" => blanket_apology(note, reading, kind),
        "lint/excuse" => excuse(note, reading),
        "lint/pushy" => pushy(note, reading, kind),
        "lint/other-candidate" => other_candidate(note, reading),
        "lint/feedback-by-email" => feedback_by_email(note, reading),
        "lint/dismissive" => dismissive(note, reading),
        "lint/concern-too-early" => concern_too_early(note, reading),
        "lint/generic" => generic(note, reading),
        _ => Vec::new(),
    }
}

/// The rules whose phrase findings are widened to their clause.
pub(crate) const INTENT_RULES: &[&str] = &[
    "lint/blanket-apology",
    "lint/excuse",
    "lint/concern-too-early",
    "lint/pushy",
    "lint/other-candidate",
    "lint/feedback-by-email",
    "lint/dismissive",
];

/// The clause around `span` (byte offsets), for a phrase found inside it;
/// the phrase itself when the clause is long (a run-on line), so the
/// underline stays readable.
pub(crate) fn clause_around(note: &Note, span: &crate::text::Span) -> crate::text::Span {
    let r = note.reading();
    let i = r.clauses.partition_point(|c| {
        note.tokens
            .get(c.last)
            .is_some_and(|t| t.span.end <= span.start)
    });
    match r.clauses.get(i) {
        Some(c) => {
            let whole = note.span_of(c.first, c.last + 1);
            if whole.start <= span.start && span.end <= whole.end && whole.len() <= 160 {
                whole
            } else {
                span.clone()
            }
        }
        None => span.clone(),
    }
}

fn finding(note: &Note, c: &Clause, message: String, suggestion: Option<&str>) -> Finding {
    (
        note.span_of(c.first, c.last + 1),
        message,
        suggestion.map(str::to_string),
    )
}

// --- lint/blanket-apology -------------------------------------------------

fn blanket_apology(note: &Note, r: &Reading, kind: Option<NoteKind>) -> Vec<Finding> {
    // A recovery note apologizes for the missed interview, as it should.
    if kind == Some(NoteKind::Recovery) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (s, clauses) in r.each() {
        let sentence_apologizes = has(words(note, s.first, s.last), APOLOGY);
        for c in clauses {
            let w = words(note, c.first, c.last);
            if quoted(w) {
                continue;
            }
            let apology = has(w, APOLOGY);
            let poor = has(w, POOR)
                || seq(
                    w,
                    &[
                        &["not", "at", "my", "best"],
                        &["wasn't", "at", "my", "best"],
                        &["not", "my", "best"],
                        &["wasn't", "my", "best"],
                        &["not", "myself"],
                        &["blew", "it"],
                        &["messed", "up"],
                        &["made", "a", "mess"],
                        &["let", "you", "down"],
                        &["wasted", "your", "time"],
                        &["wasting", "your", "time"],
                        &["did", "not", "go", "well"],
                        &["didn't", "go", "well"],
                    ],
                );
            if !apology && !poor {
                continue;
            }
            let scope = has(w, SCOPE);
            // Who or what is judged: the writer, or the interview as a whole —
            // not "my internet provider has been terrible".
            let me = has(w, &["i", "i'm", "i've", "i'd", "myself"]);
            let the_interview = has(
                w,
                &[
                    "interview",
                    "performance",
                    "performed",
                    "everything",
                    "thing",
                    "went",
                ],
            );
            let outside = has(w, OUTSIDE_CAUSE) || has(w, &["provider", "app", "train"]);
            let named = has(w, NAMED_SLIP);
            let global = seq(
                w,
                &[
                    &["not", "at", "my", "best"],
                    &["wasn't", "at", "my", "best"],
                    &["not", "my", "best"],
                    &["wasn't", "my", "best"],
                    &["blew", "it"],
                    &["bombed"],
                ],
            );
            // "I'm sorry I was so bad", "I apologize for everything", "I feel
            // I blew the whole interview": an apology or a judgement of the
            // whole, not of one named moment.
            let blanket = !named
                && !outside
                && ((apology && (scope || (poor && (me || the_interview))))
                    || (poor
                        && (me || the_interview)
                        && (scope || the_interview || global || sentence_apologizes)));
            if blanket && !has(w, &["if"]) {
                out.push(finding(
                note,
                c,
                format!(
                    "'{}' apologizes for the whole interview. Name the one slip the interviewer saw, or leave apologies out.",
                    shown(note, c.first, c.last)
                ),
                Some("Leave this out, or name one slip and what you would say now."),
            ));
            }
        }
    }
    out
}

// --- lint/excuse -------------------------------------------------------------

fn excuse(note: &Note, r: &Reading) -> Vec<Finding> {
    let mut out = Vec::new();
    for (s, clauses) in r.each() {
        let sw = words(note, s.first, s.last);
        // Most sentences name no cause at all: look at the rest only then.
        let candidate = |w: &[Token]| has(w, STATE_CAUSE) || has(w, OUTSIDE_CAUSE) || seq(w, BLAME);
        if !candidate(sw) || seq(sw, OWNING) {
            continue;
        }
        let (because, sorry, me) = (has(sw, BECAUSE), has(sw, APOLOGY), has(sw, FIRST_PERSON));
        for c in clauses {
            let w = words(note, c.first, c.last);
            if quoted(w) || !candidate(w) {
                continue;
            }
            let state = has(w, STATE_CAUSE) && (has(w, FIRST_PERSON) || because || sorry);
            // "I'm sorry my connection kept dropping" owns the slip; the
            // excuse is the clause that blames the provider.
            let outside = has(w, OUTSIDE_CAUSE)
                && has(w, FAULT)
                && !has(w, APOLOGY)
                && !has(w, SECOND_PERSON)
                && (me || sorry);
            let blame = seq(w, BLAME);
            if state || outside || blame {
                out.push(finding(
                    note,
                    c,
                    format!(
                        "'{}' explains the slip away. Own it in a sentence and move on to what you can offer.",
                        shown(note, c.first, c.last)
                    ),
                    None,
                ));
                break;
            }
        }
    }
    out
}

// --- lint/pushy ----------------------------------------------------------------

fn pushy(note: &Note, r: &Reading, kind: Option<NoteKind>) -> Vec<Finding> {
    // A thank-you or a congratulation is not the place to ask for the
    // decision at all; a status check may ask, politely and without a deadline.
    let no_asking = matches!(
        kind,
        Some(
            NoteKind::ThankYou
                | NoteKind::ThankStaff
                | NoteKind::Congratulate
                | NoteKind::StayInTouch
        )
    );
    let mut out = Vec::new();
    for (s, clauses) in r.each() {
        let sw = words(note, s.first, s.last);
        // The sentence's features, read only for a clause that may need them.
        let mut features: Option<(bool, bool, bool)> = None;
        let mut sentence = || {
            *features.get_or_insert_with(|| {
                let asks = s.question
                    || seq(
                        sw,
                        &[
                            &["let", "me", "know"],
                            &["tell", "me"],
                            &["like", "to", "know"],
                            &["like", "to", "hear"],
                            &["love", "to", "hear"],
                            &["hear", "about", "my"],
                            &["get", "back", "to", "me"],
                            &["confirm"],
                        ],
                    );
                (seq(sw, HEDGE), seq(sw, REQUEST), asks)
            })
        };
        for c in clauses {
            let w = words(note, c.first, c.last);
            if quoted(w) {
                continue;
            }
            let has_deadline = seq(w, DEADLINE);
            let complaint = seq(w, COMPLAINT);
            let leverage = seq(w, LEVERAGE) && !has(w, NEGATION);
            let demand = seq(w, DEMAND) && !has(w, &["if", "anything", "from"]);
            // The decision about the writer, not "how does the team decide".
            let about_decision = no_asking
                && (seq(w, DECIDED)
                    || (has(w, NEWS)
                        && has(
                            w,
                            &[
                                "yet",
                                "role",
                                "position",
                                "job",
                                "application",
                                "decision",
                                "hiring",
                                "me",
                                "candidacy",
                            ],
                        )));
            if !(has_deadline || complaint || leverage || demand || about_decision) {
                continue;
            }
            let (hedged, requests, asks) = sentence();
            let deadline = has_deadline && requests && !hedged;
            let chasing = about_decision && asks && !hedged;
            if deadline || complaint || leverage || demand || chasing {
                let (why, fix) = if chasing {
                    (
                        "asks for the decision in a note that is not a status check; it reads as pressure",
                        "I look forward to hearing about the next steps.",
                    )
                } else if leverage {
                    (
                        "uses another offer as leverage; if you have a real deadline, say it once, politely, in a status check",
                        "I have another offer to answer by Friday; is there anything you can share about your timeline?",
                    )
                } else {
                    (
                        "puts pressure on the reader; a patient, polite request gets further",
                        "When you have a moment, I'd be glad to hear where things stand.",
                    )
                };
                out.push(finding(
                    note,
                    c,
                    format!("'{}' {why}.", shown(note, c.first, c.last)),
                    Some(fix),
                ));
            }
        }
    }
    out
}

// --- lint/other-candidate -------------------------------------------------------

fn other_candidate(note: &Note, r: &Reading) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in &r.clauses {
        let w = words(note, c.first, c.last);
        if quoted(w) {
            continue;
        }
        let other = has(
            w,
            &[
                "who",
                "which",
                "person",
                "candidate",
                "candidates",
                "applicant",
                "applicants",
                "they",
                "he",
                "she",
                "others",
            ],
        );
        let chosen = has(
            w,
            &[
                "hired", "hire", "chose", "choose", "chosen", "picked", "pick", "selected",
                "select", "got", "better", "compared", "stacked", "ranked",
            ],
        ) || seq(
            w,
            &[
                &["over", "me"],
                &["than", "me"],
                &["that", "i", "didn't"],
                &["that", "i", "did", "not"],
            ],
        );
        if other && chosen && !has(w, &["i'm", "i've", "myself"])
            || seq(w, &[&["over", "me"], &["than", "me"]])
        {
            out.push(finding(
                note,
                c,
                format!(
                    "'{}' asks about someone else; ask only about your own interviewing.",
                    shown(note, c.first, c.last)
                ),
                Some("What could I do better in my next interviews?"),
            ));
        }
    }
    out
}

// --- lint/feedback-by-email -------------------------------------------------------

fn feedback_by_email(note: &Note, r: &Reading) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in &r.clauses {
        let w = words(note, c.first, c.last);
        if quoted(w) {
            continue;
        }
        let written = seq(
            w,
            &[
                &["write", "down"],
                &["jot", "down"],
                &["in", "writing"],
                &["written"],
                &["email", "me"],
                &["e", "mail", "me"],
                &["by", "email"],
                &["by", "e", "mail"],
                &["short", "email"],
                &["quick", "email"],
                &["send", "them"],
                &["send", "me"],
                &["send", "over"],
                &["send", "it"],
            ],
        );
        if written && !seq(w, &[&["reach", "me"], &["contact", "me"]]) {
            out.push(finding(
                note,
                c,
                format!(
                    "'{}' asks for written feedback; a short call gets more candid answers.",
                    shown(note, c.first, c.last)
                ),
                Some("Would you have ten minutes for a short call?"),
            ));
        }
    }
    out
}

// --- lint/dismissive -------------------------------------------------------------

fn dismissive(note: &Note, r: &Reading) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in &r.clauses {
        let w = words(note, c.first, c.last);
        if quoted(w) {
            continue;
        }
        let minimizing = seq(
            w,
            &[
                &["only", "a", "little"],
                &["just", "a", "little"],
                &["only", "a", "few"],
                &["just", "a", "few"],
                &["only", "missed"],
                &["my", "bad"],
                &["oops"],
                &["not", "a", "huge", "deal"],
                &["not", "a", "big", "deal"],
                &["no", "big", "deal"],
                &["no", "harm"],
                &["not", "a", "problem"],
                &["not", "the", "end"],
                &["slipped", "my", "mind"],
                &["things", "happen"],
                &["it", "happens"],
                &["happens", "to"],
                &["just", "reschedule"],
            ],
        );
        if minimizing {
            out.push(finding(
                note,
                c,
                format!(
                    "'{}' plays the missed interview down; own it fully and ask to reschedule.",
                    shown(note, c.first, c.last)
                ),
                Some("I'm sorry I missed our interview; that was my mistake."),
            ));
        }
    }
    out
}

// --- lint/missing-fit ---------------------------------------------------------------

/// Whether the note says, in plain words, why the writer fits: their own
/// experience or a result, in the first person ("I ran … for six years",
/// "my four years on the grill", "I did exactly that at …", "which I have
/// held since 2019", "I know the process well").
pub(crate) fn states_fit(note: &Note) -> bool {
    let r = note.reading();
    r.clauses.iter().any(|c| {
        let w = words(note, c.first, c.last);
        let me = has(w, &["i", "i've", "i'd", "my", "i'm"]);
        if !me || quoted(w) {
            return false;
        }
        // "my four years on the grill", "for six years": experience counted.
        let counted = has(w, &["years", "seasons", "months"])
            && (w.iter().any(|t| t.has_digit) || has(w, NUMBERS));
        if counted && has(w, &["my", "i", "i've", "for"]) {
            return true;
        }
        let done = has(
            w,
            &[
                "ran",
                "run",
                "led",
                "built",
                "managed",
                "shipped",
                "delivered",
                "designed",
                "wrote",
                "trained",
                "opened",
                "cut",
                "reduced",
                "improved",
                "automated",
                "migrated",
                "scaled",
                "launched",
                "created",
                "solved",
                "signed",
                "digitised",
                "digitized",
                "redesigned",
                "merged",
                "set",
                "did",
                "done",
                "worked",
                "taught",
                "held",
                "organised",
                "organized",
                "hired",
                "spent",
                "profiled",
                "planned",
                "produced",
                "sold",
                "handled",
                "supervised",
                "coordinated",
                "implemented",
                "developed",
                "brought",
                "grew",
                "won",
                "closed",
                "fixed",
                "saved",
                "raised",
                "doubled",
                "halved",
                "turned",
                "running",
                "leading",
                "managing",
                "building",
            ],
        );
        let measured = w.iter().any(|t| t.has_digit)
            || has(
                w,
                &["years", "seasons", "months", "experience", "background"],
            );
        let knowing = seq(
            w,
            &[
                &["i", "know", "the"],
                &["i", "know", "how"],
                &["know", "that", "work"],
                &["know", "the", "process"],
                &["know", "the", "playbook"],
                &["i've", "done"],
                &["i", "have", "done"],
                &["exactly", "what", "i"],
                &["exactly", "that"],
                &["what", "i", "run"],
                &["what", "i", "do"],
                &["what", "i've", "done"],
                &["bring", "that", "experience"],
                &["bring", "my", "experience"],
            ],
        );
        (done && (measured || has(w, &["at", "for", "similar", "same", "exactly"]))) || knowing
    })
}

// --- lint/concern-too-early -----------------------------------------------------

/// What a concern is about: the writer's gap, move, notice, visa, commute,
/// hours, start date, family or health. Each entry is a word sequence.
const CONCERN_TOPIC: &[&[&str]] = &[
    &["employment", "gap"],
    &["career", "gap"],
    &["resume", "gap"],
    &["cv", "gap"],
    &["gap", "in", "my"],
    &["gap", "in", "employment"],
    &["career", "break"],
    &["between", "jobs"],
    &["out", "of", "work"],
    &["relocation"],
    &["relocate"],
    &["relocating"],
    &["notice", "period"],
    &["weeks", "notice"],
    &["weeks'", "notice"],
    &["months", "notice"],
    &["months'", "notice"],
    &["month", "notice"],
    &["notice", "at"],
    &["visa"],
    &["sponsorship"],
    &["sponsor"],
    &["work", "permit"],
    &["commute"],
    &["commuting"],
    &["fully", "remote"],
    &["remote", "only"],
    &["only", "work", "remotely"],
    &["work", "remotely"],
    &["part", "time"],
    &["start", "until"],
    &["start", "before"],
    &["start", "after"],
    &["starting", "until"],
    &["childcare"],
    &["child", "care"],
    &["maternity"],
    &["paternity"],
    &["parental", "leave"],
    &["non", "compete"],
    &["noncompete"],
    &["background", "check"],
    &["health", "condition"],
    &["medical", "condition"],
];

/// A move is the writer's only when the writer moves ("we are moving to
/// Denver"), not the company ("Pinnacle's move to a four-day week").
const MOVE: &[&[&str]] = &[
    &["moving", "to"],
    &["move", "to"],
    &["moving", "my"],
    &["moving", "our"],
    &["moving", "next"],
    &["moving", "in"],
    &["moving", "abroad"],
    &["moving", "away"],
];
const MOVER: &[&str] = &[
    "i", "i'm", "i'll", "i'd", "we", "we're", "we'll", "we'd", "my", "our", "need",
];

/// A concern topic in plain words: not inside a name ("Relocation
/// Partners", "Visa Europe"), written with capitals mid-sentence.
fn names_concern(w: &[Token]) -> bool {
    CONCERN_TOPIC.iter().any(|p| {
        w.windows(p.len()).any(|win| {
            win.iter().zip(p.iter()).all(|(t, x)| t.norm.as_str() == *x)
                && !win.iter().any(|t| t.cap && !t.sentence_start)
        })
    })
}

/// "We are moving to Denver", "I would need to move to": the writer, as
/// the subject, before the move; not "Moving to Snowflake is a project I
/// know well".
fn writer_moves(w: &[Token]) -> bool {
    MOVE.iter().any(|p| {
        w.windows(p.len()).enumerate().any(|(i, win)| {
            win.iter().zip(p.iter()).all(|(t, x)| t.norm.as_str() == *x)
                && w.get(..i).is_some_and(|before| has(before, MOVER))
        })
    })
}

/// The writer's own situation or need: who the concern belongs to.
const OWN_NEED: &[&str] = &[
    "i", "i'm", "i'd", "i'll", "i've", "my", "me", "we", "we're", "we'll", "our", "us", "need",
    "needs", "require", "requires", "can't", "cannot",
];

/// Turns the topic into a reassurance, or a fact of the past.
const NO_CONCERN: &[&[&str]] = &[
    &["don't", "need"],
    &["do", "not", "need"],
    &["won't", "need"],
    &["will", "not", "need"],
    &["wouldn't", "need"],
    &["would", "not", "need"],
    &["no", "need"],
    &["without", "sponsorship"],
    &["no", "notice"],
    &["start", "immediately"],
    &["happy", "to", "relocate"],
    &["willing", "to", "relocate"],
    &["open", "to", "relocating"],
    &["already", "live"],
    &["relocation", "package"],
];

/// Someone else brought the topic up: the writer answers, not raises.
const THEIRS: &[&[&str]] = &[
    &["you", "mentioned"],
    &["you", "explained"],
    &["you", "asked"],
    &["you", "described"],
    &["you", "said"],
    &["you", "told"],
    &["your", "relocation"],
    &["your", "remote"],
    &["for", "explaining"],
    &["for", "walking"],
    &["the", "team's"],
    &["the", "company's"],
];

/// A concern the writer raises about their own situation: a clause that
/// names the topic, belongs to the writer (first person, or a need), is not
/// turned into a reassurance ("I won't need sponsorship"), is not a past
/// fact ("I moved to Leeds in 2019") and is not the reader's own topic
/// handed back ("thank you for explaining the relocation package").
fn concern_too_early(note: &Note, r: &Reading) -> Vec<Finding> {
    let mut out = Vec::new();
    for (s, clauses) in r.each() {
        let sw = words(note, s.first, s.last);
        let topic = |w: &[Token]| names_concern(w) || writer_moves(w);
        if !topic(sw) {
            continue;
        }
        let sentence_own = has(sw, OWN_NEED);
        for c in clauses {
            let w = words(note, c.first, c.last);
            if quoted(w) || !topic(w) {
                continue;
            }
            let own = has(w, OWN_NEED) || (sentence_own && !has(w, SECOND_PERSON));
            let reassured = seq(w, NO_CONCERN) || seq(sw, NO_CONCERN);
            let theirs = seq(w, THEIRS) && !has(w, &["i", "my", "we", "our", "need"]);
            // "I relocated to Leeds in 2019": done, not pending.
            let past = has(w, &["relocated", "moved", "commuted", "sponsored"])
                && !has(w, &["need", "will", "would", "until", "next"]);
            if own && !reassured && !theirs && !past {
                out.push(finding(
                    note,
                    c,
                    format!(
                        "'{}' raises a concern before a second interview; with an inside recruiter or the hiring manager it is better kept for later.",
                        shown(note, c.first, c.last)
                    ),
                    Some("Keep this for after a second interview, or tell an outside recruiter now."),
                ));
                break;
            }
        }
    }
    out
}

// --- lint/missing-thanks ------------------------------------------------------------

const THANK: &[&str] = &[
    "thank",
    "thanks",
    "thanked",
    "thanking",
    "thankful",
    "grateful",
    "gratitude",
    "appreciate",
    "appreciated",
    "appreciation",
    "appreciative",
    "thx",
];

/// Thanks that are a request in disguise: for a favour not yet done.
const REQUEST_THANKS: &[&[&str]] = &[
    &["in", "advance"],
    &["would", "appreciate"],
    &["i'd", "appreciate"],
    &["would", "really", "appreciate"],
    &["i'd", "really", "appreciate"],
    &["would", "be", "grateful"],
    &["i'd", "be", "grateful"],
    &["would", "be", "thankful"],
    &["i'd", "be", "thankful"],
    &["will", "appreciate"],
    &["appreciate", "it", "if"],
    &["appreciate", "any"],
    &["appreciate", "an", "update"],
    &["appreciate", "a", "reply"],
    &["appreciate", "hearing"],
    &["grateful", "if"],
];

/// Whether some clause of the body actually thanks: a thanking word said
/// by the writer, not quoted, not negated, and not a request dressed as
/// thanks ("I would appreciate an update", "thanks in advance").
pub(crate) fn thanks(note: &Note) -> bool {
    let r = note.reading();
    r.clauses.iter().any(|c| {
        let w = words(note, c.first, c.last);
        if quoted(w) || !has(w, THANK) {
            return false;
        }
        let request = seq(w, REQUEST_THANKS);
        let negated = seq(
            w,
            &[
                &["no", "thanks"],
                &["not", "grateful"],
                &["never", "thanked"],
                &["didn't", "thank"],
                &["forgot", "to", "thank"],
            ],
        );
        !request && !negated
    })
}

// --- lint/generic ----------------------------------------------------------------------

/// A note with nothing specific in it (the rule's `nothing-specific`
/// condition, checked before this runs) is generic when stock clauses
/// carry it: at least half of its clauses are made only of stop words and
/// stock vocabulary ("thank you for your time", "I look forward to hearing
/// from you"); clauses that only press for an answer are left out of the
/// count. The first stock clause is shown. Not a phrase list: any clause made only of stock words counts,
/// and a note that names the role and says how the writer fits is not
/// carried by its one closing courtesy.
fn generic(note: &Note, r: &Reading) -> Vec<Finding> {
    // Pressure ("I need to hear back this week") is neither stock nor
    // specific: `lint/pushy` speaks to it, and it does not count here.
    let pressure = |w: &[Token]| seq(w, DEADLINE) || seq(w, DEMAND) || seq(w, COMPLAINT);
    let mut total = 0;
    let mut carried: Vec<&Clause> = Vec::new();
    for c in &r.clauses {
        let w = words(note, c.first, c.last);
        if pressure(w) {
            continue;
        }
        total += 1;
        let stock = w.len() >= 3
            && !quoted(w)
            && w.iter()
                .all(|t| crate::words::is_stop(&t.norm) || crate::words::is_stock(&t.norm));
        if stock {
            carried.push(c);
        }
    }
    let Some(c) = carried.first() else {
        return Vec::new();
    };
    if carried.len() * 2 < total {
        return Vec::new();
    }
    vec![finding(
        note,
        c,
        format!(
            "Stock phrases such as '{}' carry this note and nothing in it is specific to this person or company.",
            shown(note, c.first, c.last)
        ),
        Some(
            "Add one concrete detail: something they said, a project of theirs, or how you would help.",
        ),
    )]
}
