//! The playbook's rules (PLAYBOOK.md §1–§4): ids, what each asks, when it
//! fires, its seeds and the figures that back it. The ids are the names used
//! in code, JSON, docs and UI.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! rules {
    ($($variant:ident = $id:literal),+ $(,)?) => {
        /// A playbook rule, by its stable id.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule { $($variant),+ }

        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),+];

            pub fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id),+ }
            }

            pub fn from_id(id: &str) -> Option<Rule> {
                match id { $($id => Some(Rule::$variant),)+ _ => None }
            }
        }
    };
}

rules! {
    PrepareResearch = "prepare-research",
    PrepareInterviewer = "prepare-interviewer",
    PrepareQuestions = "prepare-questions",
    PrepareContribution = "prepare-contribution",
    InterviewReminder = "interview-reminder",
    BringCards = "bring-cards",
    AskTimeline = "ask-timeline",
    DebriefCapture = "debrief-capture",
    ThankYouNote = "thank-you-note",
    ThankStaff = "thank-staff",
    HandwrittenNote = "handwritten-note",
    SendQuestions = "send-questions",
    ApologizeSlip = "apologize-slip",
    ExplainDistraction = "explain-distraction",
    Reflect = "reflect",
    MissedInterviewRecovery = "missed-interview-recovery",
    StatusCheck = "status-check",
    MoveOn = "move-on",
    Congratulate = "congratulate",
    FollowUpGuard = "follow-up-guard",
    StopChasing = "stop-chasing",
    Lapse = "lapse",
    RequestFeedbackCall = "request-feedback-call",
    ActOnFeedback = "act-on-feedback",
    AskThreeQuestions = "ask-three-questions",
    StayInTouch = "stay-in-touch",
    NegotiateAfterOffer = "negotiate-after-offer",
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

/// An id that names no rule is refused with the validator's words
/// ("unknown rule 'x'"), never kept as something else.
impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let id = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        id.parse().map_err(serde::de::Error::custom)
    }
}

impl std::str::FromStr for Rule {
    type Err = String;

    fn from_str(id: &str) -> Result<Self, String> {
        Rule::from_id(id).ok_or_else(|| unknown_rule(id))
    }
}

/// "unknown rule 'x'": what an exchange file, a store or a patch naming no
/// rule is told.
pub fn unknown_rule(id: &str) -> String {
    format!("unknown rule '{id}'")
}

/// A rule on the wire: one of the ids.
impl schemars::JsonSchema for Rule {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Rule".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        schemars::json_schema!({ "type": "string", "enum": ids })
    }
}

/// What a person reads about a rule (`debrief explain`).
#[derive(Debug, Clone, Copy)]
pub struct RuleInfo {
    pub rule: Rule,
    /// PLAYBOOK section: "1. Before the interview" …
    pub section: &'static str,
    /// What the rule asks of the user.
    pub asks: &'static str,
    /// When it fires and when it is due.
    pub fires: &'static str,
    /// Seed references (`000` … `004`).
    pub seeds: &'static [&'static str],
    /// Numbers in `FIGURES` that back it.
    pub figures: &'static [u8],
}

const BEFORE: &str = "1. Before the interview";
const AFTER: &str = "2. Right after";
const WAITING: &str = "3. Waiting";
const OUTCOME: &str = "4. After the outcome";

impl Rule {
    pub fn info(self) -> RuleInfo {
        use Rule::*;
        let (section, asks, fires, seeds, figures): (
            _,
            _,
            _,
            &'static [&'static str],
            &'static [u8],
        ) = match self {
            PrepareResearch => (
                BEFORE,
                "Study the company: its website, recent press releases and news (new products, initiatives), the annual report, its history, where it operates and who leads it. Re-read every email about this interview.",
                "When an interview is scheduled and research is not marked done. Due 24 h before the start.",
                &["000", "001", "003"],
                &[],
            ),
            PrepareInterviewer => (
                BEFORE,
                "Look up each interviewer lightly (background, schools or employers you share, people you both know) so you can mention something naturally. Curiosity, not surveillance.",
                "When the interviewers' names are known. Due 24 h before the start.",
                &["001", "003"],
                &[],
            ),
            PrepareQuestions => (
                BEFORE,
                "Write at least three questions that grow out of your research, such as how the role serves a priority the company has announced. Leave pay and benefits until there is an offer.",
                "When an interview is scheduled with fewer than three questions prepared. Due 24 h before the start.",
                &["000", "001"],
                &[],
            ),
            PrepareContribution => (
                BEFORE,
                "For each fact you found, write one line on how you would help with it, so every answer about yourself can point at their needs.",
                "When research facts are recorded without a contribution line and an interview is coming. Due 24 h before the start.",
                &["001"],
                &[],
            ),
            InterviewReminder => (
                BEFORE,
                "Be there: a reminder a day ahead and another two hours ahead, in the interview's own time zone.",
                "Opens 24 h before the start, due 2 h before it; gone once the interview starts.",
                &["000"],
                &[],
            ),
            BringCards => (
                BEFORE,
                "Pack your own business cards and ask each interviewer for theirs: a direct line and a postal address make a handwritten note possible.",
                "For in-person interviews. Due 24 h before the start.",
                &["003"],
                &[],
            ),
            AskTimeline => (
                BEFORE,
                "Plan to ask, at the end, when they expect to decide and how they would like you to follow up if you have not heard by then. Record the answer per person: it replaces the default cadence.",
                "For every scheduled interview. Due 24 h before the start.",
                &["001", "004"],
                &[16, 17],
            ),
            DebriefCapture => (
                AFTER,
                "While it is fresh, write down for each person: the exact spelling of their name, title, contact, what they said about the company or role, the timeline they gave and how they prefer to be contacted; also who else helped, whether you asked questions, and any slip-ups.",
                "When an interview has ended and an interviewer has nothing recorded. Due 12 h after the end.",
                &["000", "002", "004"],
                &[],
            ),
            ThankYouNote => (
                AFTER,
                "Send every interviewer a note of their own within a day, however you think it went: thank them, mention one thing that person said, remind them why you fit, add anything you forgot, keep it short. Panel members compare notes, so no templates.",
                "Opens at the interview's end, due 24 h later; done when a thank-you to that person is logged after the interview.",
                &["000", "001", "002", "004"],
                &[1, 2, 3, 7, 11, 12],
            ),
            ThankStaff => (
                AFTER,
                "Thank the receptionist, coordinator or anyone else who helped on the day, briefly.",
                "When such a person is recorded as met. Due 24 h after the end.",
                &["003"],
                &[],
            ),
            HandwrittenNote => (
                AFTER,
                "Optionally post a handwritten note as well as the email (never instead of it), so it lands the next business day while others are still being interviewed.",
                "For in-person interviews with an interviewer whose postal address you have, unless the role is urgent. Due 17:00 the next business day.",
                &["003", "004"],
                &[11, 14],
            ),
            SendQuestions => (
                AFTER,
                "You asked no questions: put a few thoughtful ones in your next message, ideally the thank-you note.",
                "When the interview is recorded with no questions asked. Due with the thank-you, 24 h after the end.",
                &["000"],
                &[],
            ),
            ApologizeSlip => (
                AFTER,
                "Own a slip-up the interviewer surely noticed with one short, specific apology inside the thank-you note. Never bring up a slip they may not have noticed.",
                "When a noticed slip-up is recorded and was not apologized for. Due 24 h after the end.",
                &["002"],
                &[],
            ),
            ExplainDistraction => (
                AFTER,
                "If something serious in your life disrupted the interview, a short call or email explaining it can put the performance in context.",
                "When the interview is marked as disrupted. Due 24 h after the end.",
                &["002"],
                &[],
            ),
            Reflect => (
                AFTER,
                "Look back in order: what went well first, then the one thing you would change, then the mistakes, what information you lacked, and how you will answer the hardest question next time.",
                "When an interview has ended with no reflection. Due 2 days after the end.",
                &["002", "003"],
                &[],
            ),
            MissedInterviewRecovery => (
                AFTER,
                "You missed it: contact the scheduler right away, take full responsibility, give the real reason and ask to reschedule. Do not play it down.",
                "When an interview is marked missed. Opens at the scheduled start, due 4 h after the scheduled end.",
                &["000"],
                &[],
            ),
            StatusCheck => (
                WAITING,
                "Ask once, briefly, for an update on the application, by the channel the person asked for (email by default).",
                "After a thank-you with no reply and no outcome: 09:00 the business day after the date the person named, else 09:00 on the 10th business day after the thank-you (proactive policy: the 3rd, by phone). Due 17:00 two business days after it opens. A reply cancels it; stop-chasing ends it. When no thank-you went out, it still comes, counted from the interview's end, once the thank-yous lapsed (or were dismissed).",
                &["001", "004"],
                &[15, 16, 17, 18, 20, 21],
            ),
            MoveOn => (
                WAITING,
                "The update request went unanswered: close the application as no-response and stop chasing. Staying in touch is still open to you.",
                "09:00 on the 10th business day after an unanswered status check; due 5 business days later. Recording an outcome ends it.",
                &["001"],
                &[20, 21, 22, 23],
            ),
            Congratulate => (
                WAITING,
                "Use their news to add value: congratulations or a relevant article. This is not a status chase and does not restart the clock.",
                "When company news is recorded while you wait. Due 17:00 three business days after the news.",
                &["000", "004"],
                &[],
            ),
            FollowUpGuard => (
                WAITING,
                "Stops a status chase that comes sooner than the cadence allows, or a second one while the first is unanswered, and says when it becomes allowed. Other touches are never limited.",
                "Whenever a status-check touch is logged or sent.",
                &["000", "001"],
                &[16],
            ),
            StopChasing => (
                WAITING,
                "Stop chasing once the answer is in or a next step is booked: after any outcome, at the offer, rejected, withdrawn or closed stage, and while a later interview is booked and not yet held. The agenda drops the status check and move-on, and the follow-up guard refuses a chase, naming the event and its date.",
                "As soon as an outcome is recorded, the stage ends the search, or the next interview is scheduled; after that interview is held, the cadence starts again from it.",
                &["000", "001"],
                &[16],
            ),
            Lapse => (
                WAITING,
                "Let a chore go once its moment has passed for good, so the agenda only lists what can still be done today. Missed windows are counted in stats and Insights, not hidden.",
                "Thank-yous, a note to staff, questions, an apology, a handwritten note and an explanation lapse at the start of the next interview held on a later day, at an outcome, or at the same time on the 5th business day after they were due. Capture lapses 7 days after the end, reflection 14 days after. Preparation ends at the interview's start. Missed-interview recovery lapses 5 business days after due; a feedback call and the three questions at 17:00 on the 15th business day after the outcome; congratulations 10 business days after the news; a status check never sent 10 business days after it was due (move-on opens then). Acting on feedback and staying in touch never lapse.",
                &["001", "004"],
                &[],
            ),
            RequestFeedbackCall => (
                OUTCOME,
                "Ask the interviewer (not HR) for a short call about how you interviewed, never about the person they chose. Expect silence; thank them for anything they give.",
                "When a rejection is recorded. Opens that day, due 17:00 three business days later.",
                &["003", "004"],
                &[],
            ),
            ActOnFeedback => (
                OUTCOME,
                "Sort each point of feedback: a behaviour to change next time, or a skill to build with a next step and a date.",
                "When feedback is recorded that is unclassified, or a skill without a plan. Due 17:00 five business days after the outcome.",
                &["003"],
                &[],
            ),
            AskThreeQuestions => (
                OUTCOME,
                "The feedback was positive: ask whether they would consider you for a similar role, whether another role fits you better, and whether you may stay in touch.",
                "When positive feedback is recorded. Due 17:00 three business days after the outcome.",
                &["003"],
                &[],
            ),
            StayInTouch => (
                OUTCOME,
                "Keep the relationship warm with spaced touches that each bring something (an article, a whitepaper, congratulations), not all at once and not only when a job opens.",
                "When they agreed to stay in touch. Due 6 weeks after the last touch.",
                &["003", "004"],
                &[],
            ),
            NegotiateAfterOffer => (
                OUTCOME,
                "There is an offer: salary, benefits and conditions are now fair to discuss.",
                "When an offer is recorded. Due 17:00 three business days after it.",
                &["001"],
                &[],
            ),
        };
        RuleInfo {
            rule: self,
            section,
            asks,
            fires,
            seeds,
            figures,
        }
    }
}

/// One figure from FIGURES.md, summarised, with who measured it and when.
#[derive(Debug, Clone, Copy)]
pub struct Figure {
    pub number: u8,
    pub text: &'static str,
    pub owner: &'static str,
    pub year: &'static str,
}

/// The survey figures the product may cite, numbered as in FIGURES.md.
pub const FIGURES: &[Figure] = &[
    Figure {
        number: 1,
        text: "80% of HR managers weigh thank-you messages when deciding whom to hire",
        owner: "Accountemps (Robert Half)",
        year: "2017",
    },
    Figure {
        number: 2,
        text: "68% of recruiters and hiring managers say a thank-you affects their decision; 16% have dropped a candidate who sent none",
        owner: "TopResume (Talent Inc.)",
        year: "2017",
    },
    Figure {
        number: 3,
        text: "22% of hiring managers are less likely to hire a candidate who sends no thank-you",
        owner: "CareerBuilder",
        year: "2011",
    },
    Figure {
        number: 7,
        text: "HR managers hear a thank-you from only 24% of applicants",
        owner: "Accountemps (Robert Half)",
        year: "2017",
    },
    Figure {
        number: 11,
        text: "94% of HR managers find an emailed thank-you appropriate, 86% a handwritten one",
        owner: "Accountemps (Robert Half)",
        year: "2017",
    },
    Figure {
        number: 12,
        text: "89% of hiring managers accept an emailed thank-you; half prefer it",
        owner: "CareerBuilder",
        year: "2011",
    },
    Figure {
        number: 14,
        text: "preferred thank-you format: handwritten 52%, email 44%",
        owner: "Accountemps",
        year: "2008",
    },
    Figure {
        number: 15,
        text: "HR managers prefer follow-ups by email (64%) over phone (21%)",
        owner: "Accountemps (Robert Half)",
        year: "2017",
    },
    Figure {
        number: 16,
        text: "57% of workers call the wait after an interview the most frustrating part of a job search",
        owner: "Robert Half",
        year: "2016",
    },
    Figure {
        number: 17,
        text: "an average US interview process takes 23.8 days",
        owner: "Glassdoor Economic Research",
        year: "2017",
    },
    Figure {
        number: 18,
        text: "a panel stage adds 5.6–6.8 days to a hiring process",
        owner: "Glassdoor",
        year: "2015",
    },
    Figure {
        number: 20,
        text: "75% of applicants report being ghosted after an interview",
        owner: "Greenhouse",
        year: "2023",
    },
    Figure {
        number: 21,
        text: "40% of US job seekers were ghosted after a second- or third-round interview",
        owner: "Indeed",
        year: "2023",
    },
    Figure {
        number: 22,
        text: "61% of job seekers have been ghosted after an interview",
        owner: "Greenhouse",
        year: "2024",
    },
    Figure {
        number: 23,
        text: "44% of applicants never heard back after their latest interview",
        owner: "Workopolis",
        year: "undated",
    },
];

pub fn figure(number: u8) -> Option<&'static Figure> {
    FIGURES.iter().find(|f| f.number == number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_every_rule_is_documented() {
        for &r in Rule::ALL {
            assert_eq!(Rule::from_id(r.id()), Some(r));
            let info = r.info();
            assert!(!info.asks.is_empty() && !info.fires.is_empty() && !info.seeds.is_empty());
            for n in info.figures {
                assert!(figure(*n).is_some(), "{r} cites missing figure {n}");
            }
        }
        assert_eq!(Rule::ALL.len(), 27);
    }
}
