//! What a message says, read from the sender's own words: the kind of a
//! note the user sent (the touch kinds of PLAYBOOK.md), and whether a
//! message from an employer is a rejection, an offer or the confirmation
//! of a withdrawal — with the sentence that shows it.
//!
//! Patterns over single sentences (lower case, curly quotes straightened),
//! then over their clauses (`clauses`: split at `;`, `:`, dashes, "but"):
//! a verb of going on, negated ("won't be moving ahead with your
//! application"); another candidate chosen; a role filled; an offer made
//! to "you"; a withdrawal confirmed. A sentence that only supposes
//! ("if we decide to move forward…", "not yet", a question) says nothing.

use std::sync::LazyLock;

use debrief_core::model::{OutcomeKind, TouchKind};
use regex::Regex;

/// The sentences of a text, each paired as (normalized, as written).
pub fn sentences(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let flush = |current: &mut String, out: &mut Vec<(String, String)>| {
        let s = current.split_whitespace().collect::<Vec<_>>().join(" ");
        if !s.is_empty() {
            out.push((normalize(&s), s));
        }
        current.clear();
    };
    for line in text.lines() {
        if line.trim().is_empty() {
            flush(&mut current, &mut out);
            continue;
        }
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            current.push(c);
            if matches!(c, '.' | '!' | '?' | ';') && chars.peek().is_none_or(|n| n.is_whitespace())
            {
                flush(&mut current, &mut out);
            }
        }
        current.push(' ');
    }
    flush(&mut current, &mut out);
    out
}

fn normalize(s: &str) -> String {
    s.to_lowercase()
        .replace(['\u{2019}', '\u{2018}', '`'], "'")
        .replace(['\u{201c}', '\u{201d}'], "\"")
        .replace(['\u{2014}', '\u{2013}'], " - ")
}

fn re(patterns: &[&str]) -> Regex {
    let joined = patterns
        .iter()
        .map(|p| format!("(?:{p})"))
        .collect::<Vec<_>>()
        .join("|");
    // The patterns are constants of this file: a typo fails every test.
    #[allow(clippy::expect_used)]
    Regex::new(&joined).expect("the patterns of understand.rs compile")
}

const NEG: &str = r"(?:\bnot\b|n't\b|\bunable to\b|\bno longer\b|\bcannot\b)";
const GO_ON: &str = r"(?:mov(?:e|ing)|proceed(?:ing)?|progress(?:ing)?|advanc(?:e|ing)|tak(?:e|ing)|go(?:ing)?|continu(?:e|ing)|pursu(?:e|ing))";
const YOUR: &str = r"(?:your (?:application|candidacy|profile|file|cv|resume)|you\b)";

static REJECTED: LazyLock<Regex> = LazyLock::new(|| {
    re(&[
        // won't be moving ahead with your application / not progress your candidacy
        &format!(r"{NEG}[^.;]{{0,40}}\b{GO_ON}\b[^.;]{{0,25}}\b(?:forward|ahead|further|on)\b"),
        &format!(r"{NEG}[^.;]{{0,40}}\b{GO_ON}\b[^.;]{{0,25}}{YOUR}"),
        // another candidate / someone else was chosen
        r"\b(?:mov(?:e|ing)|proceed(?:ing)?|go(?:ing)?|gone|went|pursu(?:e|ing)|select(?:ed|ing)?|cho(?:se|sen|ose)|hir(?:e|ed|ing)|offer(?:ed)? the (?:role|position|job)|decided to offer the (?:role|position|job))\b[^.;]{0,40}\b(?:other|another|different|someone else|a stronger|more (?:suitable|qualified|experienced))\b[^.;]{0,30}\b(?:candidates?|applicants?|person|profiles?|else|direction|experience)",
        r"\b(?:selected|chosen|chose|hired|gone with|went with|offered (?:it|the (?:role|position|job)) to) (?:someone|somebody|a candidate|an applicant|another)",
        // the role is filled or closed
        r"\b(?:position|role|vacancy|job|opening|post)\b[^.;]{0,30}\b(?:been|is|was|now)\b[^.;]{0,10}\b(?:filled|no longer (?:open|available)|closed)\b",
        // no offer
        &format!(
            r"{NEG}[^.;]{{0,30}}\b(?:offer(?:ing)?|extend(?:ing)? (?:you )?an offer)\b[^.;]{{0,30}}\b(?:you|a position|the (?:role|position|job))"
        ),
        r"\bnot in a position to offer\b",
        r"\b(?:unsuccessful|not (?:been )?successful|not (?:been )?selected|not shortlisted|not (?:been )?chosen)\b",
        r"\bregret (?:to (?:inform|let you know|tell you|say)|that we (?:cannot|can't|are unable|will not|won't))",
        r"\bdecided not to (?:proceed|move|pursue|advance|progress|continue|offer|go)",
        r"\bno longer (?:being )?(?:considered|under consideration|in consideration|in the running)",
        r"\bnot (?:be )?considered further\b",
        r"\b(?:closed|close) your application\b",
    ])
});

static OFFER: LazyLock<Regex> = LazyLock::new(|| {
    re(&[
        r"\boffer(?:ing)? you\b[^.;]{0,40}\b(?:position|role|job|place|post|contract|employment|opportunity|spot)\b",
        r"\boffer(?:ing)? you the\b",
        r"\b(?:make|made|extend(?:ing|ed)?|send(?:ing)?|sent|prepar(?:e|ing)) (?:you )?(?:an|a formal|a written|our|the|a verbal) offer\b",
        r"\b(?:extend(?:ing|ed)?|make|made) you an offer\b",
        r"\boffer (?:letter|is on its way|of employment|package|pack|details)\b",
        r"\b(?:your|the attached|attached) (?:formal |written |job )?offer\b",
        r"\b(?:formal|written|official) offer\b",
        r"\b(?:want|like|love|excited|delighted|happy|thrilled|glad)\b[^.;]{0,30}\b(?:you|have you)\b[^.;]{0,10}\b(?:join|on board|aboard)\b",
        r"\bwelcom(?:e|ing) you (?:to|aboard|on board)\b",
        r"\bemployment contract\b",
        r"\byou(?:'ve| have) been selected for the (?:position|role|job)\b",
        r"\byou got the (?:job|role|position)\b",
    ])
});

static WITHDRAWN: LazyLock<Regex> = LazyLock::new(|| {
    re(&[
        r"\bwithdr[ae]w\w*\b[^.;]{0,40}\b(?:you|your|application|candidacy|process|consideration)\b",
        r"\b(?:you|your|application|candidacy)\b[^.;]{0,40}\bwithdr[ae]w\w*",
        r"\bwish to withdraw\b",
        r"\bremov(?:e|ed|ing) (?:you )?from (?:consideration|the (?:recruitment |hiring |interview )?process)\b",
        r"\b(?:at|per) your request\b",
        r"\bno longer wish to be considered\b",
    ])
});

/// Supposing, asking, or not yet: a sentence that decides nothing.
static HEDGE: LazyLock<Regex> = LazyLock::new(|| {
    re(&[
        r"\bif (?:you|we)\b",
        r"\bshould you\b",
        r"\bwhether\b",
        r"\bnot yet\b",
        r"\bha(?:ve|s)n't yet\b",
        r"\bha(?:ve|s) not yet\b",
        r"\bnot made any decision",
        r"\bin case\b",
        r"\bi wonder",
        r"\bany chance\b",
        r"\?",
    ])
});

/// The clauses of a normalized sentence: split at `;`, `:`, dashes and
/// "but", so that a hedge ("if …") or praise in one clause does not speak
/// for the other ("Your skills are impressive, but you are not the right
/// match").
pub fn clauses(sentence: &str) -> Vec<&str> {
    CLAUSE_BREAK
        .split(sentence)
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect()
}

static CLAUSE_BREAK: LazyLock<Regex> = LazyLock::new(|| re(&[r"[;:]\s", r"\s-\s", r",?\s+but\s+"]));

/// A clause about the candidate's own progress: who (you, your
/// application) and where to (the next stage, further, forward).
const CANDIDATE: &str = r"(?:\byou\b|\byour (?:application|candidacy|profile|cv|resume)\b)";
const STAGE: &str = r"(?:\bnext (?:stage|step|round|phase)\b|\bfinal (?:stage|round)\b|\bfurther\b|\bforward\b|\bahead\b|\bon-site\b|\bonsite\b)";

/// Clause-level readings of a rejection: a negated clause that moves the
/// candidate nowhere; a decision against the candidate; the role given to
/// someone who is not the candidate; not a fit.
static REJECTED_CLAUSE: LazyLock<Regex> = LazyLock::new(|| {
    re(&[
        &format!(r"{NEG}[^.;]{{0,60}}{STAGE}"),
        r"\bdecided against\b",
        &format!(r"\bpass(?:ing)? on {CANDIDATE}"),
        &format!(
            r"\b{GO_ON}\b[^.;]{{0,15}}\bwith (?:an? |the )?(?:other |another |different |internal |external )?(?:candidates?|applicants?)\b"
        ),
        r"\b(?:gone|went|go(?:ing)?) to (?:an? |another |the other )?(?:internal|external|other|another|different)\b[^.;]{0,15}\b(?:candidate|applicant|hire)",
        r"\bfilled (?:the|this|that) (?:role|position|opening|vacancy|post)\b",
        r"\bnot (?:the right|a (?:good|strong|close)|the best) (?:match|fit)\b",
    ])
});

/// Is `clause` about the candidate (else a negated "not … further" may be
/// about anything)?
static ABOUT_CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    re(&[
        CANDIDATE,
        r"\bcandidat",
        r"\bapplica",
        r"\brole\b|\bposition\b|\bpost\b",
    ])
});

static OFFER_CLAUSE: LazyLock<Regex> = LazyLock::new(|| {
    re(&[
        r"\b(?:like|love|want|pleased|delighted|happy|thrilled) to hire you\b",
        r"\b(?:our|an|the) offer to you\b",
        r"^welcome (?:aboard|on board)\b",
    ])
});

/// Which outcome a clause reads as, by the clause-level readings.
fn clause_outcome(clause: &str) -> Option<OutcomeKind> {
    if HEDGE.is_match(clause) {
        return None;
    }
    if REJECTED_CLAUSE.is_match(clause) && ABOUT_CANDIDATE.is_match(clause) {
        return Some(OutcomeKind::Rejected);
    }
    if OFFER_CLAUSE.is_match(clause) {
        return Some(OutcomeKind::Offer);
    }
    None
}

/// The outcome a message from the employer announces, and the sentence
/// that shows it (as written).
pub fn outcome(text: &str) -> Option<(OutcomeKind, String)> {
    let sentences = sentences(text);
    // A confirmed withdrawal mentions a closed application; a rejection
    // often praises first. Each is looked for in every sentence before the
    // next kind.
    for (kind, pattern) in [
        (OutcomeKind::Withdrawn, &*WITHDRAWN),
        (OutcomeKind::Rejected, &*REJECTED),
        (OutcomeKind::Offer, &*OFFER),
    ] {
        for (lower, written) in &sentences {
            if pattern.is_match(lower) && !HEDGE.is_match(lower) {
                return Some((kind, written.clone()));
            }
        }
    }
    // Then clause by clause, rejections before offers.
    for want in [OutcomeKind::Rejected, OutcomeKind::Offer] {
        for (lower, written) in &sentences {
            if lower.contains('?') {
                continue;
            }
            if clauses(lower)
                .iter()
                .any(|c| clause_outcome(c) == Some(want))
            {
                return Some((want, written.clone()));
            }
        }
    }
    None
}

static USER_WITHDRAWS: LazyLock<Regex> = LazyLock::new(|| {
    re(&[
        r"\bwithdraw(?:ing)? (?:my|me)\b",
        r"\bwithdraw(?:ing)? from (?:the process|consideration|the search|the running)",
        r"\bremove me from (?:consideration|the process)",
        r"\bremove my application\b",
    ])
});

/// The user withdraws, and the sentence that says so.
pub fn user_withdraws(text: &str) -> Option<String> {
    sentences(text)
        .into_iter()
        .find(|(lower, _)| USER_WITHDRAWS.is_match(lower) && !HEDGE.is_match(lower))
        .map(|(_, written)| written)
}

static RECOVERY: LazyLock<Regex> = LazyLock::new(|| {
    re(&[
        r"\b(?:sorry|apolog\w*|regret\w*|forgive)\b[^.;]{0,50}\b(?:miss\w*|not (?:showing|turning) up|no-show|(?:not|n't|unable to)[^.;]{0,15}(?:join\w*|attend\w*|make it|mak\w+ it|connect\w*)|mix-up|mixed up|late)\b",
        r"\b(?:i|we) missed (?:our|the|your|today's|this morning's|this afternoon's)\b",
        r"\bmissed (?:our|the) (?:call|interview|meeting|appointment)\b",
        r"\b(?:couldn't|could not|wasn't able to|was unable to|unable to) (?:make it|join|attend)\b",
        r"\btake full responsibility\b",
    ])
});

static FEEDBACK_TOPIC: LazyLock<Regex> = LazyLock::new(|| {
    re(&[
        r"\bfeedback\b",
        r"\bpointers\b",
        r"\badvice\b",
        r"\bwhat i (?:could|can|should|might) (?:improve|work on|do better|have done)",
        r"\b(?:could|should|might) have (?:gone|done|been) (?:better|differently)",
        r"\b(?:anything|areas?|where|how) (?:i|to|for)[^.;]{0,20}\bimprove",
        r"\bfell short\b",
        r"\binsight into\b",
        r"\bhelp me (?:grow|improve|learn)\b",
    ])
});

static ASKING: LazyLock<Regex> = LazyLock::new(|| {
    re(&[
        r"\?",
        r"\b(?:would|could|can|will) you\b",
        r"\bwould you mind\b",
        r"\bif (?:you|there)\b",
        r"\bi'd\b",
        r"\bi would\b",
        r"\bwelcome\b",
        r"\bappreciate\b",
        r"\bgrateful\b",
        r"\bvalue\b",
        r"\blike to (?:know|hear)\b",
        r"\bplease\b",
        r"\bmean a lot\b",
    ])
});

static CONGRATULATE: LazyLock<Regex> = LazyLock::new(|| {
    re(&[
        r"\bcongrat\w*",
        r"\b(?:exciting|great|fantastic|wonderful|amazing|big|brilliant) news\b",
        r"\b(?:saw|read|noticed|heard|seen)\b[^.;]{0,20}\b(?:news|announcement|press release|article|post)\b",
        r"\bwell[- ]deserved\b",
        r"\bquite a milestone\b",
    ])
});

static STATUS_CHECK: LazyLock<Regex> = LazyLock::new(|| {
    re(&[
        r"\b(?:checking|check) in\b",
        r"\btouch(?:ing)? base\b",
        r"\bfollow(?:ing)?[- ]up\b",
        r"\bcircl(?:e|ing) back\b",
        r"\b(?:any|an|a quick|a brief|for an?) (?:update|news|progress)\b",
        r"\b(?:update|updates|news|progress|decision|timeline|timing|status)\b[^.;]{0,40}\b(?:on|about|regarding|of|for)\b[^.;]{0,30}\b(?:role|position|application|candidacy|search|process|opening|job|round|interview|team)\b",
        r"\bwhere things (?:stand|are)\b",
        r"\bnext (?:steps|round)\b",
        r"\b(?:reached|made) a decision\b",
        r"\bdecision (?:has|have) been made\b",
        r"\bha(?:ve|s)n't heard back\b",
        r"\bha(?:ve|s) not heard back\b",
        r"\b(?:still|remain|remain very|still very) (?:interested|keen)\b",
    ])
});

/// A status check in other words: a clause that asks to be told (a
/// question, "let me know", "keen to hear") about the decision or the
/// process — what is asked, not which stock phrase asks it.
static ASKS_TO_KNOW: LazyLock<Regex> = LazyLock::new(|| {
    re(&[
        r"\?",
        r"\blet me know\b",
        r"\b(?:love|like|keen|hoping|eager|glad) to (?:know|hear|learn)\b",
        r"\b(?:a sense|an idea|any idea) of\b",
        r"\btell me\b",
    ])
});
static ABOUT_DECISION: LazyLock<Regex> = LazyLock::new(|| {
    re(&[
        r"\bdecisions?\b",
        r"\bdecide\b",
        r"\bmovement\b",
        r"\bprogress(?:ing|ed)?\b",
        r"\bwhere (?:i|we|things) (?:am|are|stand)\b",
        r"\btimeline\b",
        r"\bhear back\b",
    ])
});

fn asks_about_the_decision(sentence: &str) -> bool {
    clauses(sentence)
        .iter()
        .any(|c| ASKS_TO_KNOW.is_match(c) && ABOUT_DECISION.is_match(c))
        || (sentence.contains('?') && ABOUT_DECISION.is_match(sentence))
}

/// Thanks that open a note: a thank-you note says it first.
static THANKS: LazyLock<Regex> = LazyLock::new(|| {
    re(&[
        r"\bthank",
        r"\bthanks\b",
        r"\bgratitude\b",
        r"\bpleasure (?:to|meeting|speaking|talking)",
        r"\benjoyed\b",
        r"\bgreat (?:to meet|meeting|speaking|talking)",
        r"\bappreciat\w* (?:the|your|you|our|being|meeting|speaking|talking)\b[^.;]{0,30}\b(?:time|conversation|chat|call|interview|welcome|tour|answers|insight|opportunity|meeting|taking)",
        r"\bgrateful for (?:the|your) (?:time|chance|opportunity|conversation)",
    ])
});

/// The kind of a note the user sent, read from its words: a missed
/// interview's recovery first (it thanks and asks too), then a request for
/// feedback, congratulations, a status check (unless it opens with
/// thanks), thanks; otherwise `other`.
pub fn touch_kind(subject: &str, body: &str) -> TouchKind {
    let body_sentences = sentences(body);
    let subject = normalize(subject);
    let all = || body_sentences.iter().map(|(s, _)| s.as_str());
    let opening: Vec<&str> = all().take(3).collect();
    // "Re: next steps" names the thread, not what this note asks.
    let subject_counts = !subject.starts_with("re:");
    let in_any =
        |re: &Regex| all().any(|s| re.is_match(s)) || subject_counts && re.is_match(&subject);
    let status = || in_any(&STATUS_CHECK) || all().any(asks_about_the_decision);
    // "Thanks,\nSam" signs off; it does not thank.
    let thanks = |s: &&str| THANKS.is_match(s) && s.split_whitespace().count() > 3;
    let thanked = all().any(|s| thanks(&s)) || subject_counts && THANKS.is_match(&subject);
    if in_any(&RECOVERY) {
        TouchKind::Recovery
    } else if all().any(|s| {
        FEEDBACK_TOPIC.is_match(s)
            && ASKING.is_match(s)
            && !s.contains("for your feedback")
            && !s.contains("for the feedback")
    }) {
        TouchKind::FeedbackRequest
    } else if in_any(&CONGRATULATE) {
        TouchKind::Congratulate
    } else if status()
        && !(subject.contains("thank")
            || opening
                .iter()
                .any(|s| thanks(s) && !STATUS_CHECK.is_match(s)))
    {
        TouchKind::StatusCheck
    } else if thanked {
        TouchKind::ThankYou
    } else if status() {
        TouchKind::StatusCheck
    } else {
        TouchKind::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejections_in_real_phrasings() {
        for text in [
            "Hi Sam,\n\nThank you for your time. Unfortunately, we have decided to move forward with other candidates.",
            "We are not in a position to offer you the role at this time.",
            "I wanted to let you know the position has been filled.",
            "After careful consideration we will not be progressing your application.",
        ] {
            let (kind, evidence) = outcome(text).expect(text);
            assert_eq!(kind, OutcomeKind::Rejected, "{text}");
            assert!(!evidence.is_empty());
        }
        assert_eq!(
            outcome(
                "We have not yet made a decision; if we decide to move forward with other candidates we'll tell you."
            ),
            None
        );
    }

    #[test]
    fn a_clause_speaks_for_itself() {
        assert_eq!(
            clauses("your skills are impressive, but you are not the right match for this role."),
            [
                "your skills are impressive",
                "you are not the right match for this role."
            ]
        );
        let (kind, evidence) =
            outcome("Your skills are impressive, but you are not the right match for this role.")
                .expect("a rejection");
        assert_eq!(kind, OutcomeKind::Rejected);
        assert!(evidence.starts_with("Your skills"));
        // Negated, but about a meeting, not the candidate's progress.
        assert_eq!(
            outcome("We will not be in the office on Monday, so the call moves to Tuesday."),
            None
        );
        // Supposing, in its own clause.
        assert_eq!(
            outcome("If we don't move forward, we will still keep your details on file."),
            None
        );
    }

    #[test]
    fn touch_kinds() {
        assert_eq!(
            touch_kind("Thank you", "Thank you for meeting me today."),
            TouchKind::ThankYou
        );
        assert_eq!(
            touch_kind(
                "Checking in",
                "I wanted to check in on the status of my application."
            ),
            TouchKind::StatusCheck
        );
        assert_eq!(
            touch_kind("", "Congratulations on the Singapore office!"),
            TouchKind::Congratulate
        );
        assert_eq!(
            touch_kind("", "I'm so sorry I missed our call this morning."),
            TouchKind::Recovery
        );
        assert_eq!(
            touch_kind("", "Would you share any feedback on my interview?"),
            TouchKind::FeedbackRequest
        );
        assert_eq!(
            touch_kind("Documents", "Here is the reference list you asked for."),
            TouchKind::Other
        );
    }
}
