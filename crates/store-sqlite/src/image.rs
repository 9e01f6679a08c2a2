//! The load image: one application packed into one text, so loading
//! everything reads one text per application instead of hundreds of
//! thousands of rows (see `migrations/0001_init.sql`).
//!
//! The encoding is private to this crate and versioned by [`FORMAT`].
//! An image is UTF-8 text, so it is validated once as a whole and every
//! string is then sliced out without validating it again (most of the cost
//! of decoding otherwise): numbers are base-32 varints, least significant
//! digit first, each digit a printable ASCII byte (`0`…`O` for the last
//! digit, `P`…`o` for the others; zigzag for signed numbers), so an image
//! holds no NUL that SQLite's text functions would stop at; strings are
//! their byte length then their bytes; options and booleans are the number
//! `0` or `1`; enumerations an
//! index into this file's own code tables (so reordering a Rust enum cannot
//! change a stored value), or `ESCAPE` and the wire name for a value the
//! table does not list yet. Encoder and decoder list the fields in the same
//! order; change both together and bump [`FORMAT`].

use std::str::FromStr;

use debrief_core::model::{
    Application, Channel, Dismissal, Feedback, FeedbackKind, Interview, InterviewFormat,
    InterviewStatus, InviteRef, LearningPlan, Moment, News, Outcome, OutcomeKind, Person,
    PersonKind, Policy, Prefers, Prepared, RecruiterKind, Reflection, ResearchFact, SlipUp, Stage,
    Touch, TouchKind,
};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::Offset;

/// The image format this build writes and reads; images of any other
/// format are ignored (the application is read from the tables).
pub(crate) const FORMAT: i64 = 4;

/// An enumeration with a fixed code table. Append to a table, never
/// reorder it: the index is what images store.
trait Coded: Copy + PartialEq + FromStr<Err = String> + 'static {
    const CODES: &'static [Self];
    fn wire(self) -> &'static str;
}

macro_rules! coded {
    ($($ty:ident: [$($variant:ident),+ $(,)?];)+) => {
        $(impl Coded for $ty {
            const CODES: &'static [Self] = &[$($ty::$variant),+];
            fn wire(self) -> &'static str {
                self.as_str()
            }
        })+
    };
}

coded! {
    Policy: [Conservative, Proactive];
    Stage: [Applied, Screening, Interviewing, Offer, Rejected, Withdrawn, Closed];
    RecruiterKind: [Inside, Outside, None];
    PersonKind: [Interviewer, Recruiter, Hr, Coordinator, Receptionist, Other];
    InterviewFormat: [Phone, Video, InPerson];
    InterviewStatus: [Scheduled, Done, Missed, Cancelled];
    Channel: [Email, Phone, Letter, InPerson, Message];
    TouchKind: [
        ThankYou, StatusCheck, Congratulate, Content, Questions, FeedbackRequest, Recovery,
        Explain, Other,
    ];
    OutcomeKind: [Offer, Rejected, Withdrawn, NoResponse];
    FeedbackKind: [Behavior, Skill];
}

/// Digit bytes: `LAST + d` ends a number, `MORE + d` has digits after it.
const LAST: u8 = b'0';
const MORE: u8 = LAST + 32;
const END: u8 = MORE + 32;

/// Marks an enumeration value stored by its wire name.
const ESCAPE: u64 = 31;

pub(crate) fn encode(a: &Application) -> String {
    let mut w = Writer(String::with_capacity(1024));
    w.str(&a.id);
    w.str(&a.company);
    w.str(&a.role);
    w.code(a.stage);
    w.bool(a.urgent);
    w.code(a.recruiter);
    w.opt(a.policy.as_ref(), |w, p| w.code(*p));
    w.list(&a.people, |w, p| {
        w.str(&p.id);
        w.str(&p.name);
        w.code(p.kind);
        w.opt_str(p.title.as_deref());
        w.opt_str(p.email.as_deref());
        w.opt_str(p.phone.as_deref());
        w.opt_str(p.mailing_address.as_deref());
        w.list(&p.said, |w, s| w.str(s));
        w.opt(p.prefers.as_ref(), |w, pr| {
            w.opt(pr.channel.as_ref(), |w, c| w.code(*c));
            w.opt(pr.after.as_ref(), Writer::date);
        });
    });
    w.list(&a.interviews, |w, i| {
        w.str(&i.id);
        w.moment(&i.start);
        w.uint(u64::from(i.minutes));
        w.code(i.format);
        w.code(i.status);
        w.list(&i.interviewers, |w, s| w.str(s));
        w.list(&i.also_met, |w, s| w.str(s));
        w.opt(i.asked_questions.as_ref(), |w, b| w.bool(*b));
        w.bool(i.disrupted);
        w.bool(i.prepared.research);
        w.uint(u64::from(i.prepared.questions));
        w.list(&i.slip_ups, |w, s| {
            w.str(&s.text);
            w.bool(s.noticed);
            w.bool(s.apologized);
        });
        w.opt(i.reflection.as_ref(), |w, r| {
            w.str(&r.went_well);
            w.str(&r.change);
            w.list(&r.mistakes, |w, s| w.str(s));
            w.list(&r.missing_info, |w, s| w.str(s));
            w.opt_str(r.hardest_question.as_deref());
        });
        w.opt(i.scheduled_at.as_ref(), Writer::moment);
        w.opt_str(i.location.as_deref());
        w.opt_str(i.link.as_deref());
        w.opt(i.invite.as_ref(), |w, v| {
            w.str(&v.uid);
            w.uint(u64::from(v.sequence));
        });
    });
    w.list(&a.touches, |w, t| {
        w.moment(&t.at);
        w.opt_str(t.person.as_deref());
        w.code(t.channel);
        w.code(t.kind);
        w.opt(t.replied_at.as_ref(), Writer::moment);
        w.bool(t.forced);
        w.opt_str(t.note.as_deref());
        w.opt_str(t.message_id.as_deref());
    });
    w.list(&a.news, |w, n| {
        w.date(&n.on);
        w.str(&n.text);
    });
    w.opt(a.outcome.as_ref(), |w, o| {
        w.code(o.kind);
        w.date(&o.on);
        w.list(&o.feedback, |w, f| {
            w.str(&f.text);
            w.opt(f.kind.as_ref(), |w, k| w.code(*k));
            w.bool(f.positive);
            w.opt(f.plan.as_ref(), |w, p| {
                w.str(&p.step);
                w.date(&p.by);
            });
        });
        w.bool(o.stay_in_touch);
        w.opt_str(o.message_id.as_deref());
    });
    w.list(&a.research, |w, r| {
        w.str(&r.fact);
        w.opt_str(r.contribution.as_deref());
    });
    w.list(&a.dismissed, |w, d| {
        w.str(d.rule.id());
        w.opt_str(d.interview.as_deref());
        w.opt_str(d.person.as_deref());
        w.moment(&d.at);
        w.str(&d.reason);
    });
    w.opt_str(a.posting_url.as_deref());
    w.opt_str(a.location.as_deref());
    w.opt_str(a.salary.as_deref());
    w.opt(a.applied_on.as_ref(), |w, d| w.date(d));
    w.opt_str(a.source.as_deref());
    w.bool(a.archived);
    w.0
}

/// Why an image could not be decoded; the caller falls back to the tables.
#[derive(Debug)]
pub(crate) struct ImageError(pub String);

type Result<T> = std::result::Result<T, ImageError>;

pub(crate) fn decode(body: &str) -> Result<Application> {
    let mut r = Reader { text: body, pos: 0 };
    let mut a = Application::new(r.string()?, r.string()?, r.string()?);
    a.stage = r.code()?;
    a.urgent = r.bool()?;
    a.recruiter = r.code()?;
    a.policy = r.opt(Reader::code)?;
    a.people = r.list(|r| {
        let mut p = Person::new(r.string()?, r.string()?, r.code()?);
        p.title = r.opt(Reader::string)?;
        p.email = r.opt(Reader::string)?;
        p.phone = r.opt(Reader::string)?;
        p.mailing_address = r.opt(Reader::string)?;
        p.said = r.list(Reader::string)?;
        p.prefers = r.opt(|r| {
            Ok(Prefers {
                channel: r.opt(Reader::code)?,
                after: r.opt(Reader::date)?,
            })
        })?;
        Ok(p)
    })?;
    a.interviews = r.list(|r| {
        let mut i = Interview::new(r.string()?, r.moment()?);
        i.minutes = r.u32()?;
        i.format = r.code()?;
        i.status = r.code()?;
        i.interviewers = r.list(Reader::id)?;
        i.also_met = r.list(Reader::id)?;
        i.asked_questions = r.opt(Reader::bool)?;
        i.disrupted = r.bool()?;
        i.prepared = Prepared {
            research: r.bool()?,
            questions: r.u32()?,
        };
        i.slip_ups = r.list(|r| {
            Ok(SlipUp {
                text: r.string()?,
                noticed: r.bool()?,
                apologized: r.bool()?,
            })
        })?;
        i.reflection = r.opt(|r| {
            Ok(Reflection {
                went_well: r.string()?,
                change: r.string()?,
                mistakes: r.list(Reader::string)?,
                missing_info: r.list(Reader::string)?,
                hardest_question: r.opt(Reader::string)?,
            })
        })?;
        i.scheduled_at = r.opt(Reader::moment)?;
        i.location = r.opt(Reader::string)?;
        i.link = r.opt(Reader::string)?;
        i.invite = r.opt(|r| {
            Ok(InviteRef {
                uid: r.string()?,
                sequence: r.u32()?,
            })
        })?;
        Ok(i)
    })?;
    a.touches = r.list(|r| {
        Ok(Touch {
            at: r.moment()?,
            person: r.opt(Reader::id)?,
            channel: r.code()?,
            kind: r.code()?,
            replied_at: r.opt(Reader::moment)?,
            forced: r.bool()?,
            note: r.opt(Reader::string)?,
            message_id: r.opt(Reader::string)?,
        })
    })?;
    a.news = r.list(|r| {
        Ok(News {
            on: r.date()?,
            text: r.string()?,
        })
    })?;
    a.outcome = r.opt(|r| {
        Ok(Outcome {
            kind: r.code()?,
            on: r.date()?,
            feedback: r.list(|r| {
                Ok(Feedback {
                    text: r.string()?,
                    kind: r.opt(Reader::code)?,
                    positive: r.bool()?,
                    plan: r.opt(|r| {
                        Ok(LearningPlan {
                            step: r.string()?,
                            by: r.date()?,
                        })
                    })?,
                })
            })?,
            stay_in_touch: r.bool()?,
            message_id: r.opt(Reader::string)?,
        })
    })?;
    a.research = r.list(|r| {
        Ok(ResearchFact {
            fact: r.string()?,
            contribution: r.opt(Reader::string)?,
        })
    })?;
    a.dismissed = r.list(|r| {
        Ok(Dismissal {
            rule: r.str()?.parse().map_err(ImageError)?,
            interview: r.opt(Reader::id)?,
            person: r.opt(Reader::id)?,
            at: r.moment()?,
            reason: r.string()?,
        })
    })?;
    a.posting_url = r.opt(Reader::string)?;
    a.location = r.opt(Reader::string)?;
    a.salary = r.opt(Reader::string)?;
    a.applied_on = r.opt(Reader::date)?;
    a.source = r.opt(Reader::string)?;
    a.archived = r.bool()?;
    if r.pos != body.len() {
        return Err(ImageError(format!(
            "{} bytes left over after the application",
            body.len() - r.pos
        )));
    }
    Ok(a)
}

struct Writer(String);

impl Writer {
    fn uint(&mut self, mut v: u64) {
        while v >= 32 {
            self.0.push(char::from(MORE + (v & 31) as u8));
            v >>= 5;
        }
        self.0.push(char::from(LAST + v as u8));
    }

    fn int(&mut self, v: i64) {
        self.uint(((v << 1) ^ (v >> 63)) as u64);
    }

    fn bool(&mut self, b: bool) {
        self.uint(u64::from(b));
    }

    fn str(&mut self, s: &str) {
        self.uint(s.len() as u64);
        self.0.push_str(s);
    }

    fn code<T: Coded>(&mut self, v: T) {
        match T::CODES.iter().position(|c| *c == v) {
            Some(i) if (i as u64) < ESCAPE => self.uint(i as u64),
            _ => {
                self.uint(ESCAPE);
                self.str(v.wire());
            }
        }
    }

    fn opt<T: ?Sized>(&mut self, v: Option<&T>, f: impl FnOnce(&mut Self, &T)) {
        match v {
            Some(v) => {
                self.uint(1);
                f(self, v);
            }
            None => self.uint(0),
        }
    }

    fn opt_str(&mut self, v: Option<&str>) {
        self.opt(v, |w, s| w.str(s));
    }

    fn list<T>(&mut self, items: &[T], mut f: impl FnMut(&mut Self, &T)) {
        self.uint(items.len() as u64);
        for item in items {
            f(self, item);
        }
    }

    fn moment(&mut self, m: &Moment) {
        self.int(m.ts.as_second());
        self.int(i64::from(m.ts.subsec_nanosecond()));
        self.int(i64::from(m.offset.seconds()));
    }

    fn date(&mut self, d: &Date) {
        self.int(i64::from(d.year()));
        self.int(i64::from(d.month()));
        self.int(i64::from(d.day()));
    }
}

struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8> {
        let b = *self
            .text
            .as_bytes()
            .get(self.pos)
            .ok_or_else(|| ImageError("the image ends early".to_string()))?;
        self.pos += 1;
        Ok(b)
    }

    fn uint(&mut self) -> Result<u64> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(5) {
            let (digit, last) = match self.byte()? {
                b @ LAST..MORE => (b - LAST, true),
                b @ MORE..END => (b - MORE, false),
                b => return Err(ImageError(format!("byte {b} is not a digit"))),
            };
            v |= u64::from(digit) << shift;
            if last {
                return Ok(v);
            }
        }
        Err(ImageError("a number is too long".to_string()))
    }

    fn int(&mut self) -> Result<i64> {
        let v = self.uint()?;
        Ok(((v >> 1) as i64) ^ -((v & 1) as i64))
    }

    fn narrow<T: TryFrom<i64>>(&mut self) -> Result<T> {
        let v = self.int()?;
        T::try_from(v).map_err(|_| ImageError(format!("{v} is out of range")))
    }

    fn u32(&mut self) -> Result<u32> {
        let v = self.uint()?;
        u32::try_from(v).map_err(|_| ImageError(format!("{v} is out of range")))
    }

    fn bool(&mut self) -> Result<bool> {
        match self.uint()? {
            0 => Ok(false),
            1 => Ok(true),
            v => Err(ImageError(format!("{v} is not a boolean"))),
        }
    }

    /// A length, checked against the bytes left so corrupt data cannot ask
    /// for a huge allocation.
    fn len(&mut self) -> Result<usize> {
        let n = self.uint()?;
        match usize::try_from(n) {
            Ok(n) if n <= self.text.len() - self.pos => Ok(n),
            _ => Err(ImageError(format!("a length of {n} runs past the end"))),
        }
    }

    fn str(&mut self) -> Result<&'a str> {
        let n = self.len()?;
        // The text was validated as a whole; slicing only checks that both
        // ends fall on character boundaries.
        let s = self
            .text
            .get(self.pos..self.pos + n)
            .ok_or_else(|| ImageError("a string is cut inside a character".to_string()))?;
        self.pos += n;
        Ok(s)
    }

    fn string(&mut self) -> Result<String> {
        self.str().map(str::to_owned)
    }

    /// An application's, person's or interview's id.
    fn id<T: From<String>>(&mut self) -> Result<T> {
        self.string().map(T::from)
    }

    fn code<T: Coded>(&mut self) -> Result<T> {
        match self.uint()? {
            ESCAPE => self.str()?.parse().map_err(ImageError),
            i => usize::try_from(i)
                .ok()
                .and_then(|i| T::CODES.get(i))
                .copied()
                .ok_or_else(|| ImageError(format!("{i} is not a known code"))),
        }
    }

    fn opt<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<Option<T>> {
        match self.bool()? {
            true => f(self).map(Some),
            false => Ok(None),
        }
    }

    fn list<T>(&mut self, mut f: impl FnMut(&mut Self) -> Result<T>) -> Result<Vec<T>> {
        // Every item takes at least one byte, so `len` bounds the count too.
        let n = self.len()?;
        let mut items = Vec::with_capacity(n);
        for _ in 0..n {
            items.push(f(self)?);
        }
        Ok(items)
    }

    fn moment(&mut self) -> Result<Moment> {
        let second = self.int()?;
        let nanosecond = self.narrow()?;
        let offset = self.narrow()?;
        let ts = Timestamp::new(second, nanosecond).map_err(|e| ImageError(e.to_string()))?;
        let offset = Offset::from_seconds(offset).map_err(|e| ImageError(e.to_string()))?;
        Ok(Moment::new(ts, offset))
    }

    fn date(&mut self) -> Result<Date> {
        let (year, month, day) = (self.narrow()?, self.narrow()?, self.narrow()?);
        Date::new(year, month, day).map_err(|e| ImageError(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_and_stay_ascii() {
        let values = [0, 1, -1, 63, 64, -64, 4095, 1 << 40, i64::MAX, i64::MIN];
        let mut w = Writer(String::new());
        for v in values {
            w.int(v);
        }
        w.uint(u64::MAX);
        assert!(w.0.bytes().all(|b| b.is_ascii_graphic()), "{}", w.0);
        let mut r = Reader { text: &w.0, pos: 0 };
        for v in values {
            assert_eq!(r.int().expect("int"), v);
        }
        assert_eq!(r.uint().expect("uint"), u64::MAX);
        assert_eq!(r.pos, w.0.len());
    }

    #[test]
    fn code_tables_list_every_value_once() {
        fn check<T: Coded + std::fmt::Debug>(all: &[T]) {
            for v in all {
                assert_eq!(T::CODES.iter().filter(|c| *c == v).count(), 1, "{v:?}");
            }
            assert_eq!(T::CODES.len(), all.len());
        }
        check(Policy::ALL);
        check(Stage::ALL);
        check(RecruiterKind::ALL);
        check(PersonKind::ALL);
        check(InterviewFormat::ALL);
        check(InterviewStatus::ALL);
        check(Channel::ALL);
        check(TouchKind::ALL);
        check(OutcomeKind::ALL);
        check(FeedbackKind::ALL);
    }

    #[test]
    fn a_full_application_round_trips() {
        let a = debrief_store::conformance::full_application("acme");
        let image = encode(&a);
        assert!(!image.contains('\0'));
        assert_eq!(decode(&image).expect("decode"), a);
        // Truncated or extended images are refused, never mis-read.
        for cut in [0, 1, image.len() / 2, image.len() - 1] {
            if let Some(prefix) = image.get(..cut) {
                assert!(decode(prefix).is_err(), "cut at {cut}");
            }
        }
        assert!(decode(&format!("{image}x")).is_err());
    }
}
