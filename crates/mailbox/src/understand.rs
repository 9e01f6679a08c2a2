//! What a message says, read from the sender's own words: the kind of a
//! note the user sent (the touch kinds of PLAYBOOK.md), and whether a
//! message from an employer is a rejection, an offer or the confirmation
//! of a withdrawal — with the sentence that shows it.
//!
//! Phrase lists, matched on whole sentences in lower case with curly
//! quotes straightened; a negation-aware check keeps "we have not made a
//! decision yet" from reading as a decision.

use debrief_core::model::{OutcomeKind, TouchKind};

/// The sentences of a text, each trimmed, lower-cased and with curly
/// apostrophes straightened (what the phrase lists are written against),
/// paired with the sentence as written (what evidence quotes).
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
            if matches!(c, '.' | '!' | '?') && chars.peek().is_none_or(|n| n.is_whitespace()) {
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
}

fn any(s: &str, phrases: &[&str]) -> bool {
    phrases.iter().any(|p| s.contains(p))
}

/// A rejection: the employer will not go on with the candidate.
const REJECTED: &[&str] = &[
    "move forward with other candidate",
    "moving forward with other candidate",
    "move forward with another candidate",
    "moving forward with another candidate",
    "proceed with other candidate",
    "proceed with another candidate",
    "proceeding with other candidate",
    "proceeding with another candidate",
    "pursue other candidate",
    "pursuing other candidate",
    "pursue another candidate",
    "pursuing another candidate",
    "decided to go with another",
    "decided to go in a different direction",
    "decided to go in another direction",
    "go in a different direction",
    "selected another candidate",
    "chosen another candidate",
    "selected a different candidate",
    "chose another candidate",
    "offered the position to another",
    "offered the role to another",
    "not in a position to offer",
    "not able to offer you",
    "unable to offer you",
    "won't be offering you",
    "will not be offering you",
    "not be extending an offer",
    "not extending an offer",
    "position has been filled",
    "role has been filled",
    "position has now been filled",
    "role has now been filled",
    "vacancy has been filled",
    "will not be progressing your application",
    "won't be progressing your application",
    "not be progressing your application",
    "not progressing your application",
    "will not be moving forward with your",
    "won't be moving forward with your",
    "not be moving forward with your",
    "not moving forward with your",
    "not to move forward with your",
    "not to proceed with your",
    "will not be proceeding with your",
    "not be proceeding with your",
    "won't be proceeding with your",
    "not be taking your application",
    "not taking your application any further",
    "unsuccessful on this occasion",
    "you have not been successful",
    "you were not successful",
    "your application was unsuccessful",
    "your application has been unsuccessful",
    "application was not successful",
    "application has not been successful",
    "not been selected",
    "were not selected",
    "was not selected",
    "not selected to move forward",
    "not selected for",
    "not shortlisted",
    "regret to inform",
    "regret to let you know",
    "we are unable to move forward",
    "we're unable to move forward",
    "decided not to move forward",
    "decided not to proceed",
    "decided not to pursue your",
    "other candidates whose experience",
    "candidates whose qualifications more closely",
    "candidates whose experience more closely",
    "more closely match",
    "more closely aligns",
    "more closely aligned",
    "not the right fit at this time",
    "not a fit at this time",
    "will not be moving on to the next",
    "won't be moving on to the next",
    "not advance to the next",
    "not be advancing",
    "not advancing your",
    "not to advance your",
    "close your application",
    "closed your application",
    "your candidacy will not",
    "not be considered further",
    "no longer being considered",
    "no longer under consideration",
];

/// An offer.
const OFFER: &[&str] = &[
    "pleased to offer you",
    "happy to offer you",
    "delighted to offer you",
    "excited to offer you",
    "thrilled to offer you",
    "glad to offer you",
    "pleased to extend an offer",
    "happy to extend an offer",
    "delighted to extend an offer",
    "excited to extend an offer",
    "would like to extend an offer",
    "like to extend you an offer",
    "extend you an offer",
    "extend an offer of employment",
    "we'd like to offer you",
    "we would like to offer you",
    "want to offer you the",
    "offer you the position",
    "offer you the role",
    "offer you the job",
    "your offer letter",
    "attached offer letter",
    "offer letter is attached",
    "formal offer",
    "written offer",
    "you have been selected for the position",
    "you've been selected for the",
    "you have been selected for the role",
    "congratulations on your offer",
    "welcome you to the team",
    "welcome you aboard",
    "welcome you on board",
    "to join our team as",
    "to join us as",
    "you got the job",
];

/// The employer confirms that the candidate withdrew.
const WITHDRAWN: &[&str] = &[
    "withdrawn your application",
    "withdrawal of your application",
    "withdrawal of your candidacy",
    "withdrawn from the process",
    "withdraw from the process",
    "withdraw your application",
    "withdrawing your application",
    "withdrawing from the process",
    "withdrawing your candidacy",
    "withdrawn your candidacy",
    "application has been withdrawn",
    "candidacy has been withdrawn",
    "your decision to withdraw",
    "respect your decision to",
    "remove you from consideration",
    "removed you from consideration",
    "removed from consideration",
    "removing you from consideration",
    "no longer wish to be considered",
    "no longer want to be considered",
];

/// Words that turn an outcome phrase into something else ("if you decide
/// to withdraw your application", "we have not yet decided").
const HEDGES: &[&str] = &[
    "if you ",
    "if we ",
    "should you ",
    "whether ",
    "not yet",
    "haven't yet",
    "have not yet",
    "in case ",
    "hope ",
    "i wonder",
    "any chance",
    "?",
];

/// The outcome a message from the employer announces, and the sentence
/// that shows it (as written).
pub fn outcome(text: &str) -> Option<(OutcomeKind, String)> {
    let sentences = sentences(text);
    // A rejection wins over kind words around it ("we were impressed… but
    // we have decided to move forward with other candidates").
    for (kind, phrases) in [
        (OutcomeKind::Rejected, REJECTED),
        (OutcomeKind::Withdrawn, WITHDRAWN),
        (OutcomeKind::Offer, OFFER),
    ] {
        for (lower, written) in &sentences {
            if any(lower, phrases) && !any(lower, HEDGES) {
                return Some((kind, written.clone()));
            }
        }
    }
    None
}

/// Sent by the user: withdrawing from an application.
const USER_WITHDRAWS: &[&str] = &[
    "withdraw my application",
    "withdraw my candidacy",
    "withdraw from the process",
    "withdraw from consideration",
    "withdrawing my application",
    "withdrawing my candidacy",
    "withdrawing from the process",
    "withdrawing from consideration",
    "remove me from consideration",
    "remove my application",
];

/// The user withdraws, and the sentence that says so.
pub fn user_withdraws(text: &str) -> Option<String> {
    sentences(text)
        .into_iter()
        .find(|(lower, _)| any(lower, USER_WITHDRAWS) && !any(lower, &["if ", "?"]))
        .map(|(_, written)| written)
}

const RECOVERY: &[&str] = &[
    "sorry i missed",
    "sorry for missing",
    "sorry to have missed",
    "apologize for missing",
    "apologise for missing",
    "apologies for missing",
    "apologize for not",
    "apologise for not",
    "apologies for not",
    "i missed our",
    "i missed the",
    "missed our call",
    "missed our interview",
    "missed the interview",
    "missed the call",
    "missed our meeting",
    "no-show",
    "could not make it",
    "couldn't make it",
    "was unable to join",
    "wasn't able to join",
    "unable to attend",
    "could we reschedule",
    "can we reschedule",
    "would it be possible to reschedule",
    "possible to find another time",
    "apologize for the mix-up",
    "apologise for the mix-up",
    "sincere apologies",
    "i take full responsibility",
];

const FEEDBACK_REQUEST: &[&str] = &[
    "any feedback",
    "some feedback",
    "your feedback",
    "brief feedback",
    "feedback you",
    "feedback on my",
    "feedback about my",
    "feedback regarding",
    "what i could improve",
    "what i could do better",
    "how i could improve",
    "areas i could improve",
    "areas for improvement",
    "areas to improve",
    "where i fell short",
    "what i could have done differently",
    "insight into your decision",
    "insight into the decision",
    "what led to the decision",
    "help me grow",
    "help me improve",
];

const CONGRATULATE: &[&str] = &[
    "congratulations",
    "congrats",
    "congratulate",
    "great news about",
    "exciting news about",
    "saw the news",
    "read about your",
    "read the announcement",
    "well deserved",
    "well-deserved",
];

const STATUS_CHECK: &[&str] = &[
    "checking in",
    "check in on",
    "check in about",
    "touching base",
    "touch base",
    "following up on",
    "follow up on",
    "following up regarding",
    "follow up regarding",
    "following up about",
    "follow up about",
    "any update",
    "an update on",
    "update on the",
    "update on my",
    "updates on",
    "status of my application",
    "status of the position",
    "status of the role",
    "status of the search",
    "status of my candidacy",
    "where things stand",
    "where things are",
    "next steps",
    "the timeline",
    "your timeline",
    "hiring timeline",
    "decision timeline",
    "made a decision",
    "reached a decision",
    "still interested in the",
    "remain very interested",
    "remain interested",
    "still very interested",
    "still keen",
    "haven't heard back",
    "have not heard back",
    "wanted to circle back",
    "circling back",
];

const THANK_YOU: &[&str] = &[
    "thank you for",
    "thanks for",
    "thank you so much for",
    "thank you again",
    "thanks again",
    "many thanks",
    "thank you for taking the time",
    "grateful for",
    "appreciated the",
    "appreciate the time",
    "appreciate you taking",
    "appreciated our",
    "appreciated your",
    "enjoyed speaking",
    "enjoyed talking",
    "enjoyed meeting",
    "enjoyed our",
    "great to meet",
    "great speaking",
    "pleasure to meet",
    "pleasure speaking",
    "pleasure talking",
];

/// The kind of a note the user sent, read from its words: a missed
/// interview's recovery first (it thanks and asks too), then feedback
/// requests, congratulations, status checks, thanks; otherwise `other`.
pub fn touch_kind(subject: &str, body: &str) -> TouchKind {
    let text = normalize(&format!("{subject}\n{body}"));
    let subject = normalize(subject);
    if any(&text, RECOVERY) {
        TouchKind::Recovery
    } else if any(&text, FEEDBACK_REQUEST) && !any(&subject, &["thank"]) {
        TouchKind::FeedbackRequest
    } else if any(&text, CONGRATULATE) {
        TouchKind::Congratulate
    } else if any(&text, STATUS_CHECK)
        && !(any(&subject, &["thank"]) || any(&first_sentences(&text), THANK_YOU))
    {
        TouchKind::StatusCheck
    } else if any(&text, THANK_YOU) {
        TouchKind::ThankYou
    } else if any(&text, STATUS_CHECK) {
        TouchKind::StatusCheck
    } else {
        TouchKind::Other
    }
}

/// The greeting line and the first two sentences after it: where a
/// thank-you says what it is.
fn first_sentences(text: &str) -> String {
    sentences(text)
        .into_iter()
        .take(3)
        .map(|(l, _)| l)
        .collect::<Vec<_>>()
        .join(" ")
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
