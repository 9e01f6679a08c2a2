//! The entities of the exchange format `debrief/1` (FORMAT.md §1).
//!
//! These are plain data: serde derives give the wire shape, `exchange`
//! validates cross-references, and every other crate passes these types
//! around unchanged. Fields marked "extension" are Debrief's own additions to
//! the format; they are optional on input and omitted from output when empty,
//! so files written by other tools keep round-tripping.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, Zoned};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use crate::ids::{AppId, InterviewId, PersonId};
use crate::rules::Rule;

/// The format tag every exchange file carries.
pub const FORMAT_TAG: &str = "debrief/1";

/// An instant as the user wrote it: the exact time plus the UTC offset it was
/// written with, so export gives back the same text (`…T10:00:00-06:00`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Moment {
    pub ts: Timestamp,
    pub offset: Offset,
}

impl Moment {
    pub fn new(ts: Timestamp, offset: Offset) -> Self {
        Moment { ts, offset }
    }

    /// The instant shown in `tz` (the profile's zone), as engine outputs are.
    pub fn in_zone(ts: Timestamp, tz: &TimeZone) -> Self {
        Moment {
            ts,
            offset: tz.to_offset(ts),
        }
    }

    pub fn from_zoned(z: &Zoned) -> Self {
        Moment {
            ts: z.timestamp(),
            offset: z.offset(),
        }
    }

    pub fn to_zoned(&self, tz: &TimeZone) -> Zoned {
        self.ts.to_zoned(tz.clone())
    }

    /// `f` of the moment's RFC 3339 text (its `Display` and its JSON),
    /// written on the stack in the common case, by jiff otherwise: for
    /// writers that copy it out at once.
    pub fn with_text<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        match moment_codec::rfc3339(self, &mut [0; moment_codec::TEXT]) {
            Some(text) => f(text),
            None => f(&self.ts.display_with_offset(self.offset).to_string()),
        }
    }
}

impl Ord for Moment {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.ts.cmp(&other.ts)
    }
}

impl PartialOrd for Moment {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

mod moment_codec;

impl fmt::Display for Moment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.with_text(|text| f.write_str(text))
    }
}

impl fmt::Debug for Moment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Why a time could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{text}' is not a time: {reason}; write RFC 3339 with an offset, e.g. 2026-11-20T10:00:00-06:00"
)]
pub struct MomentError {
    pub text: String,
    pub reason: String,
}

impl FromStr for Moment {
    type Err = MomentError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason: String| MomentError {
            text: s.to_string(),
            reason,
        };
        // RFC 9557: a `[Zone/Name]` suffix is accepted; the offset before it
        // is what we keep.
        if s.contains('[') {
            let z: Zoned = s.parse().map_err(|e: jiff::Error| err(e.to_string()))?;
            return Ok(Moment::from_zoned(&z));
        }
        let ts: Timestamp = s.parse().map_err(|e: jiff::Error| err(e.to_string()))?;
        let pieces =
            jiff::fmt::temporal::Pieces::parse(s).map_err(|e: jiff::Error| err(e.to_string()))?;
        let offset = match pieces.offset() {
            Some(jiff::fmt::temporal::PiecesOffset::Numeric(n)) => n.offset(),
            _ => Offset::UTC,
        };
        Ok(Moment { ts, offset })
    }
}

/// RFC 3339 text in human-readable formats (JSON: the exchange format);
/// in binary ones (the SQLite store's load images) bytes packing the three
/// numbers (Unix seconds, offset seconds, nanoseconds if any), read
/// without parsing text (and without serde's tuple machinery: a store's
/// agenda reads a million of them).
impl Serialize for Moment {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            self.with_text(|text| s.serialize_str(text))
        } else {
            let mut buf = [0; moment_codec::PACKED];
            let n = moment_codec::pack(self, &mut buf);
            s.serialize_bytes(&buf[..n])
        }
    }
}

/// Reads [`Moment`]'s packed bytes.
struct PackedMoment;

impl serde::de::Visitor<'_> for PackedMoment {
    type Value = Moment;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a moment's packed numbers")
    }

    fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Moment, E> {
        let (second, nanosecond, offset) = moment_codec::unpack(bytes).map_err(E::custom)?;
        let ts = Timestamp::new(second, nanosecond).map_err(E::custom)?;
        let offset = Offset::from_seconds(offset).map_err(E::custom)?;
        Ok(Moment { ts, offset })
    }
}

impl<'de> Deserialize<'de> for Moment {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        if !d.is_human_readable() {
            return d.deserialize_bytes(PackedMoment);
        }
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(D::Error::custom)
    }
}

impl JsonSchema for Moment {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Moment".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date-time",
            "description": "RFC 3339 with its offset, e.g. 2026-11-20T10:00:00-06:00",
        })
    }
}

/// A calendar day's JSON Schema (`2026-11-20`), for the `Date` fields.
pub struct DaySchema;

impl JsonSchema for DaySchema {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Day".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "date" })
    }
}

/// Declares a string enum with its wire names in one place, so the JSON,
/// the command line and the docs can never spell a value differently.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident $human:literal { $($variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
        pub enum $name {
            $(#[serde(rename = $wire)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// What it is, for people ("a holiday calendar").
            pub const HUMAN: &'static str = $human;

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($wire => Ok($name::$variant),)+
                    _ => Err(not_one_of(s, $human, &[$($wire),+])),
                }
            }
        }
    };
}

/// "'XX' is not a holiday calendar; choose US, GB-ENG or none".
fn not_one_of(s: &str, what: &str, choices: &[&str]) -> String {
    let list = match choices.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => choices.join(", "),
    };
    format!("'{s}' is not {what}; choose {list}")
}

wire_enum!(
    /// How eagerly to chase (PLAYBOOK §3 "Policies").
    Policy "a follow-up policy" { Conservative = "conservative", Proactive = "proactive" }
);
wire_enum!(
    /// Which public holidays are not business days.
    HolidayCalendar "a holiday calendar" { Us = "US", GbEng = "GB-ENG", None = "none" }
);
wire_enum!(
    Stage "a stage" {
        Applied = "applied",
        Screening = "screening",
        Interviewing = "interviewing",
        Offer = "offer",
        Rejected = "rejected",
        Withdrawn = "withdrawn",
        Closed = "closed",
    }
);
wire_enum!(RecruiterKind "a kind of recruiter" { Inside = "inside", Outside = "outside", None = "none" });
wire_enum!(
    PersonKind "a kind of person" {
        Interviewer = "interviewer",
        Recruiter = "recruiter",
        Hr = "hr",
        Coordinator = "coordinator",
        Receptionist = "receptionist",
        Other = "other",
    }
);
wire_enum!(InterviewFormat "an interview format" { Phone = "phone", Video = "video", InPerson = "in-person" });
wire_enum!(
    InterviewStatus "an interview status" {
        Scheduled = "scheduled",
        Done = "done",
        Missed = "missed",
        Cancelled = "cancelled",
    }
);
wire_enum!(
    Channel "a channel" {
        Email = "email",
        Phone = "phone",
        Letter = "letter",
        InPerson = "in-person",
        Message = "message",
    }
);
wire_enum!(
    TouchKind "a kind of touch" {
        ThankYou = "thank-you",
        StatusCheck = "status-check",
        Congratulate = "congratulate",
        Content = "content",
        Questions = "questions",
        FeedbackRequest = "feedback-request",
        Recovery = "recovery",
        Explain = "explain",
        Other = "other",
    }
);
wire_enum!(
    OutcomeKind "an outcome" {
        Offer = "offer",
        Rejected = "rejected",
        Withdrawn = "withdrawn",
        NoResponse = "no-response",
    }
);
wire_enum!(FeedbackKind "a kind of feedback" { Behavior = "behavior", Skill = "skill" });

/// `wire_enum!` cannot carry `#[default]`, so defaults are named here.
macro_rules! wire_default {
    ($($name:ident => $variant:ident),+ $(,)?) => {
        $(
            #[allow(clippy::derivable_impls)]
            impl Default for $name {
                fn default() -> Self {
                    $name::$variant
                }
            }
        )+
    };
}

wire_default! {
    Policy => Conservative,
    HolidayCalendar => None,
    Stage => Applied,
    RecruiterKind => None,
    InterviewStatus => Scheduled,
}

impl Stage {
    /// A closed stage ends every chase for the application.
    pub fn is_closed(self) -> bool {
        matches!(self, Stage::Rejected | Stage::Withdrawn | Stage::Closed)
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn default_minutes() -> u32 {
    60
}

/// A whole exchange file: the profile and every application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dataset {
    pub format: String,
    #[serde(default)]
    pub profile: Profile,
    #[serde(default)]
    pub applications: Vec<Application>,
}

impl Default for Dataset {
    fn default() -> Self {
        Dataset {
            format: FORMAT_TAG.to_string(),
            profile: Profile::default(),
            applications: vec![],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(default)]
    pub name: String,
    /// An IANA time zone name; validated by `exchange::validate`.
    #[serde(default = "default_timezone")]
    pub timezone: String,
    #[serde(default)]
    pub holidays: Holidays,
    #[serde(default)]
    pub policy: Policy,
    /// Extension: the candidate's own email addresses. Calendar imports
    /// never add them as people.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<String>,
}

fn default_timezone() -> String {
    "UTC".to_string()
}

impl Default for Profile {
    fn default() -> Self {
        Profile {
            name: String::new(),
            timezone: default_timezone(),
            holidays: Holidays::default(),
            policy: Policy::default(),
            emails: vec![],
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Holidays {
    #[serde(default)]
    pub calendar: HolidayCalendar,
    #[serde(default)]
    #[schemars(with = "Vec<DaySchema>")]
    pub extra: Vec<Date>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Application {
    pub id: AppId,
    pub company: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub stage: Stage,
    #[serde(default)]
    pub urgent: bool,
    #[serde(default)]
    pub recruiter: RecruiterKind,
    #[serde(default)]
    pub policy: Option<Policy>,
    #[serde(default)]
    pub people: Vec<Person>,
    #[serde(default)]
    pub interviews: Vec<Interview>,
    #[serde(default)]
    pub touches: Vec<Touch>,
    #[serde(default)]
    pub news: Vec<News>,
    #[serde(default)]
    pub outcome: Option<Outcome>,
    /// Extension: facts found while preparing, each with how the candidate
    /// would contribute (`prepare-contribution`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub research: Vec<ResearchFact>,
    /// Extension: actions the user marked done or dismissed, with a reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dismissed: Vec<Dismissal>,
    /// Extension: the job posting's address (http or https).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub posting_url: Option<String>,
    /// Extension: where the job is, as posted ("Berlin or remote").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Extension: the salary range in the posting's words ("€60–70k").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salary: Option<String>,
    /// Extension: the day the application was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<DaySchema>")]
    pub applied_on: Option<Date>,
    /// Extension: where the job came from (a referral, a job board, a
    /// recruiter…), in the user's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Extension: set aside by the user: off the board and the agenda,
    /// kept and searchable.
    #[serde(default, skip_serializing_if = "is_false")]
    pub archived: bool,
}

impl Application {
    pub fn new(id: impl Into<AppId>, company: impl Into<String>, role: impl Into<String>) -> Self {
        Application {
            id: id.into(),
            company: company.into(),
            role: role.into(),
            stage: Stage::Applied,
            urgent: false,
            recruiter: RecruiterKind::None,
            policy: None,
            people: vec![],
            interviews: vec![],
            touches: vec![],
            news: vec![],
            outcome: None,
            research: vec![],
            dismissed: vec![],
            posting_url: None,
            location: None,
            salary: None,
            applied_on: None,
            source: None,
            archived: false,
        }
    }

    pub fn person(&self, id: &str) -> Option<&Person> {
        self.people.iter().find(|p| p.id == id)
    }

    pub fn interview(&self, id: &str) -> Option<&Interview> {
        self.interviews.iter().find(|i| i.id == id)
    }

    /// Is the application still being pursued (no outcome, stage not closed)?
    pub fn is_active(&self) -> bool {
        self.outcome.is_none() && !self.stage.is_closed()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub id: PersonId,
    pub name: String,
    #[serde(default = "default_person_kind")]
    pub kind: PersonKind,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub mailing_address: Option<String>,
    /// What this person said about the company or the role.
    #[serde(default)]
    pub said: Vec<String>,
    /// How and when they asked to be followed up with (`ask-timeline`).
    #[serde(default)]
    pub prefers: Option<Prefers>,
}

fn default_person_kind() -> PersonKind {
    PersonKind::Interviewer
}

impl Person {
    pub fn new(id: impl Into<PersonId>, name: impl Into<String>, kind: PersonKind) -> Self {
        Person {
            id: id.into(),
            name: name.into(),
            kind,
            title: None,
            email: None,
            phone: None,
            mailing_address: None,
            said: vec![],
            prefers: None,
        }
    }

    pub fn preferred_channel(&self) -> Option<Channel> {
        self.prefers.as_ref().and_then(|p| p.channel)
    }

    pub fn stated_after(&self) -> Option<Date> {
        self.prefers.as_ref().and_then(|p| p.after)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Prefers {
    #[serde(default)]
    pub channel: Option<Channel>,
    /// "If you haven't heard by this date…": the person's own timeline.
    #[serde(default)]
    #[schemars(with = "Option<DaySchema>")]
    pub after: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Interview {
    pub id: InterviewId,
    pub start: Moment,
    #[serde(default = "default_minutes")]
    pub minutes: u32,
    #[serde(default = "default_format")]
    pub format: InterviewFormat,
    #[serde(default)]
    pub status: InterviewStatus,
    #[serde(default)]
    pub interviewers: Vec<PersonId>,
    /// Others met on the day (receptionist, coordinator): `thank-staff`.
    #[serde(default)]
    pub also_met: Vec<PersonId>,
    /// `None` until captured; `Some(false)` triggers `send-questions`.
    #[serde(default)]
    pub asked_questions: Option<bool>,
    #[serde(default)]
    pub disrupted: bool,
    #[serde(default)]
    pub prepared: Prepared,
    #[serde(default)]
    pub slip_ups: Vec<SlipUp>,
    #[serde(default)]
    pub reflection: Option<Reflection>,
    /// Extension: when the interview was put in the diary; preparation
    /// actions open then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_at: Option<Moment>,
    /// Extension: where it happens (an address, a building, a room).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Extension: the video meeting's address (`https://…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// Extension: the calendar invite it was imported from, so importing the
    /// same invite again changes nothing and a later version updates it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite: Option<InviteRef>,
}

/// Extension: which calendar invite an interview came from (iCalendar
/// `UID`) and the version last imported (`SEQUENCE`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteRef {
    pub uid: String,
    #[serde(default)]
    pub sequence: u32,
}

fn default_format() -> InterviewFormat {
    InterviewFormat::Video
}

impl Interview {
    pub fn new(id: impl Into<InterviewId>, start: Moment) -> Self {
        Interview {
            id: id.into(),
            start,
            minutes: default_minutes(),
            format: default_format(),
            status: InterviewStatus::Scheduled,
            interviewers: vec![],
            also_met: vec![],
            asked_questions: None,
            disrupted: false,
            prepared: Prepared::default(),
            slip_ups: vec![],
            reflection: None,
            scheduled_at: None,
            location: None,
            link: None,
            invite: None,
        }
    }

    /// "Interview end" = start + duration (PLAYBOOK notation).
    pub fn end(&self) -> Timestamp {
        self.start
            .ts
            .checked_add(jiff::SignedDuration::from_mins(i64::from(self.minutes)))
            .unwrap_or(Timestamp::MAX)
    }

    pub fn is_panel(&self) -> bool {
        self.interviewers.len() > 1
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Prepared {
    #[serde(default)]
    pub research: bool,
    #[serde(default)]
    pub questions: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SlipUp {
    pub text: String,
    #[serde(default)]
    pub noticed: bool,
    #[serde(default)]
    pub apologized: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reflection {
    #[serde(default)]
    pub went_well: String,
    #[serde(default)]
    pub change: String,
    #[serde(default)]
    pub mistakes: Vec<String>,
    /// Extension: information the candidate lacked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_info: Vec<String>,
    /// Extension: the hardest question and how to answer it next time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hardest_question: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Touch {
    pub at: Moment,
    #[serde(default)]
    pub person: Option<PersonId>,
    pub channel: Channel,
    pub kind: TouchKind,
    #[serde(default)]
    pub replied_at: Option<Moment>,
    /// Extension: logged despite the follow-up guard (`--force`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub forced: bool,
    /// Extension: the text that was sent, kept for the panel check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The `Message-ID` of the mail this touch was read from (`debrief mail
    /// scan`), which is how a rescan knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct News {
    #[schemars(with = "DaySchema")]
    pub on: Date,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    pub kind: OutcomeKind,
    #[schemars(with = "DaySchema")]
    pub on: Date,
    #[serde(default)]
    pub feedback: Vec<Feedback>,
    #[serde(default)]
    pub stay_in_touch: bool,
    /// The `Message-ID` of the mail this outcome was read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Feedback {
    pub text: String,
    /// `None` until the user classifies it (`act-on-feedback`).
    #[serde(default)]
    pub kind: Option<FeedbackKind>,
    #[serde(default)]
    pub positive: bool,
    /// Extension: for a skill to learn, the next step and its date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<LearningPlan>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LearningPlan {
    pub step: String,
    #[schemars(with = "DaySchema")]
    pub by: Date,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResearchFact {
    pub fact: String,
    #[serde(default)]
    pub contribution: Option<String>,
}

/// An action the user has dealt with outside Debrief, or chosen to skip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dismissal {
    // A playbook rule's id; one that names none is refused with its path.
    // The schema stays a plain string, without a description, as it was.
    #[schemars(with = "String")]
    pub rule: Rule,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interview: Option<InterviewId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<PersonId>,
    pub at: Moment,
    #[serde(default)]
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_choice_is_named_in_words_with_every_choice() {
        assert_eq!(
            "XX".parse::<HolidayCalendar>().unwrap_err(),
            "'XX' is not a holiday calendar; choose US, GB-ENG or none"
        );
        let e = "mail".parse::<Channel>().unwrap_err();
        assert_eq!(
            e,
            "'mail' is not a channel; choose email, phone, letter, in-person or message"
        );
        for e in [
            "x".parse::<TouchKind>().unwrap_err(),
            "x".parse::<Policy>().unwrap_err(),
            "x".parse::<OutcomeKind>().unwrap_err(),
            "x".parse::<FeedbackKind>().unwrap_err(),
        ] {
            assert!(!e.contains("Kind") && !e.contains("Policy"), "{e}");
            assert!(e.contains("; choose ") && e.contains(" or "), "{e}");
        }
        assert_eq!(
            not_one_of("x", "a thing", &["a"]),
            "'x' is not a thing; choose a"
        );
    }

    #[test]
    fn moment_keeps_the_offset_it_was_written_with() {
        for text in [
            "2026-11-20T10:00:00-06:00",
            "2026-11-20T16:00:00Z",
            "2026-03-29T01:30:00+05:30",
        ] {
            let m: Moment = text.parse().expect("valid");
            let back = m.to_string().replace("+00:00", "Z");
            assert_eq!(back, text);
        }
    }

    #[test]
    fn moment_accepts_an_rfc9557_zone_suffix() {
        let m: Moment = "2026-11-20T10:00:00-06:00[America/Chicago]"
            .parse()
            .expect("valid");
        assert_eq!(m.to_string(), "2026-11-20T10:00:00-06:00");
    }

    #[test]
    fn moment_rejects_a_time_without_offset() {
        let e = "2026-11-20T10:00:00".parse::<Moment>().unwrap_err();
        assert!(e.to_string().contains("2026-11-20T10:00:00"), "{e}");
    }

    #[test]
    fn wire_enums_name_the_choices_on_error() {
        let e = "sometimes".parse::<Policy>().unwrap_err();
        assert!(e.contains("conservative or proactive"), "{e}");
        assert_eq!(
            "GB-ENG".parse::<HolidayCalendar>(),
            Ok(HolidayCalendar::GbEng)
        );
    }
}
