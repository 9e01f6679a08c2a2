//! Mail against the store: which application a message concerns (by
//! address, then thread, then company name), what it means (`understand`),
//! and the proposals that follow. Pure: messages, applications and `now`
//! in; proposals out. Nothing is recorded here (see `apply`).

use std::collections::{BTreeSet, HashMap, HashSet};

use debrief_core::engine::{Engine, Verdict};
use debrief_core::input::{slug, unique_id};
use debrief_core::model::{Application, Channel, Moment, OutcomeKind, Profile, Touch, TouchKind};
use debrief_ics::{ImportAction, ImportSettings, import_invites, is_debrief_uid, read_invites};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::parse::{Mail, Mailbox, fnv1a64};
use crate::understand;

/// Address domains that belong to mail providers (or applicant tracking
/// systems), never to one company: never learnt as an employer's domain.
pub const SHARED_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "hotmail.co.uk",
    "live.com",
    "msn.com",
    "yahoo.com",
    "yahoo.co.uk",
    "yahoo.fr",
    "ymail.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "pm.me",
    "gmx.com",
    "gmx.de",
    "gmx.net",
    "web.de",
    "mail.com",
    "zoho.com",
    "yandex.com",
    "yandex.ru",
    "fastmail.com",
    "hey.com",
    "qq.com",
    "163.com",
    "orange.fr",
    "free.fr",
    "laposte.net",
    "btinternet.com",
    "comcast.net",
    "att.net",
    "verizon.net",
    "example.com",
    "greenhouse.io",
    "lever.co",
    "hire.lever.co",
    "myworkday.com",
    "smartrecruiters.com",
    "icims.com",
    "ashbyhq.com",
    "workable.com",
    "jobvite.com",
    "taleo.net",
    "linkedin.com",
    "indeed.com",
    "calendly.com",
];

/// Is `domain` one that many people share?
pub fn is_shared_domain(domain: &str) -> bool {
    let d = domain.to_lowercase();
    SHARED_DOMAINS
        .iter()
        .any(|s| d == *s || d.ends_with(&format!(".{s}")))
}

/// What a proposal would record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Proposed {
    /// The user sent a note.
    Touch {
        person: Option<String>,
        touch_kind: TouchKind,
        channel: Channel,
        at: Moment,
        /// The follow-up guard would have refused this chase: it is a fact
        /// now (recorded anyway), shown so the user learns the cadence.
        #[serde(skip_serializing_if = "Option::is_none")]
        early_chase: Option<String>,
    },
    /// Someone at the application answered.
    Reply { person: Option<String>, at: Moment },
    /// A rejection, an offer or a withdrawal.
    Outcome { outcome: OutcomeKind, at: Moment },
    /// An invitation with a calendar.
    Interview {
        interview: String,
        start: Moment,
        #[serde(skip)]
        calendar: Vec<u8>,
    },
    /// Someone new at a company the store knows.
    Person {
        person: String,
        name: String,
        email: String,
    },
}

impl Proposed {
    pub fn kind(&self) -> &'static str {
        match self {
            Proposed::Touch { .. } => "touch",
            Proposed::Reply { .. } => "reply",
            Proposed::Outcome { .. } => "outcome",
            Proposed::Interview { .. } => "interview",
            Proposed::Person { .. } => "person",
        }
    }
}

/// One thing the mail suggests recording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    /// A stable hash of the Message-ID, the kind and the application.
    pub id: String,
    #[serde(flatten)]
    pub proposed: Proposed,
    pub application: String,
    pub message_id: String,
    /// Why: how the mail was matched and the words that show its meaning.
    pub evidence: String,
}

/// The stable id of a proposal: of the Message-ID (a person's address for
/// a `person`), the kind and the application.
pub fn proposal_id(message_id: &str, kind: &str, application: &str) -> String {
    let key = format!("{message_id}\u{0}{kind}\u{0}{application}");
    format!("{:016x}", fnv1a64(key.as_bytes()))
}

/// What the scan needs besides the mail.
#[derive(Debug, Clone)]
pub struct ScanContext {
    pub profile: Profile,
    /// The user's addresses (`profile.emails`, else the mail settings'
    /// sender), lower case.
    pub user_emails: Vec<String>,
    pub now: Timestamp,
    /// Mail before this is left alone.
    pub since: Option<Timestamp>,
    /// Ids the user ignored: never proposed again.
    pub ignored: HashSet<String>,
}

/// One message's place and what it gave.
#[derive(Debug, Clone)]
pub struct Scanned {
    pub folder: String,
    pub position: u64,
    /// Ids of the proposals made from it (empty: nothing to settle).
    pub proposals: Vec<String>,
}

/// The scan's answer.
#[derive(Debug, Clone, Default)]
pub struct ScanResult {
    pub proposals: Vec<Proposal>,
    /// Messages that concern no application (or say nothing new).
    pub skipped: usize,
    /// Every message read, in the order read, for the scan marks.
    pub messages: Vec<Scanned>,
}

/// How a message was tied to an application.
struct Match {
    app: usize,
    person: Option<String>,
    /// The counterpart's address (for a `person` proposal).
    other: Option<Mailbox>,
    why: String,
    /// Matched by an address or a thread: it is a person at the
    /// application writing, not a newsletter naming the company.
    direct: bool,
}

/// The store's addresses, domains, threads and names.
struct Index {
    by_email: HashMap<String, (usize, String)>,
    by_domain: HashMap<String, Vec<usize>>,
    by_thread: HashMap<String, usize>,
    names: Vec<(usize, String)>,
}

/// "Acme Corp" → "acme": the name people write, without legal suffixes.
fn company_key(company: &str) -> String {
    const SUFFIXES: &[&str] = &[
        "inc",
        "inc.",
        "corp",
        "corp.",
        "corporation",
        "llc",
        "ltd",
        "ltd.",
        "limited",
        "gmbh",
        "sa",
        "s.a.",
        "plc",
        "co",
        "co.",
        "company",
        "group",
        "ag",
        "bv",
        "b.v.",
        "sas",
        "srl",
    ];
    let words: Vec<String> = company
        .split_whitespace()
        .map(|w| w.trim_matches(',').to_lowercase())
        .collect();
    let mut end = words.len();
    while end > 1 && SUFFIXES.contains(&words[end - 1].as_str()) {
        end -= 1;
    }
    words[..end].join(" ")
}

/// `needle` in `hay` as whole words.
fn contains_words(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    hay.match_indices(needle).any(|(i, _)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + needle.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

impl Index {
    fn new(apps: &[Application], user_emails: &[String]) -> Index {
        let mut by_email = HashMap::new();
        let mut by_domain: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_thread = HashMap::new();
        let mut names = Vec::new();
        let user_domains: HashSet<&str> = user_emails
            .iter()
            .filter_map(|e| e.rsplit_once('@').map(|(_, d)| d))
            .collect();
        for (i, app) in apps.iter().enumerate() {
            for p in &app.people {
                let Some(email) = p.email.as_deref().map(|e| e.trim().to_lowercase()) else {
                    continue;
                };
                let domain = email.rsplit_once('@').map(|(_, d)| d.to_string());
                // The latest application wins an address two share.
                by_email.insert(email, (i, p.id.to_string()));
                if let Some(d) = domain
                    && !is_shared_domain(&d)
                    && !user_domains.contains(d.as_str())
                {
                    let list = by_domain.entry(d).or_default();
                    if !list.contains(&i) {
                        list.push(i);
                    }
                }
            }
            for id in app
                .touches
                .iter()
                .filter_map(|t| t.message_id.as_ref())
                .chain(app.outcome.iter().filter_map(|o| o.message_id.as_ref()))
            {
                by_thread.insert(id.clone(), i);
            }
            let key = company_key(&app.company);
            if key.chars().count() >= 3 {
                names.push((i, key));
            }
        }
        Index {
            by_email,
            by_domain,
            by_thread,
            names,
        }
    }

    /// Of several applications, an open one, then the latest in the store.
    fn pick(apps: &[Application], candidates: &[usize]) -> Option<usize> {
        candidates
            .iter()
            .rev()
            .find(|i| apps[**i].is_active())
            .or(candidates.last())
            .copied()
    }

    fn find(&self, apps: &[Application], mail: &Mail, sent: bool) -> Option<Match> {
        let counterparts: Vec<&Mailbox> = if sent {
            mail.to.iter().collect()
        } else {
            mail.from.iter().collect()
        };
        for m in &counterparts {
            if let Some((app, person)) = self.by_email.get(&m.email) {
                return Some(Match {
                    app: *app,
                    person: Some(person.clone()),
                    other: None,
                    why: format!("{} {}", if sent { "sent to" } else { "from" }, m.email),
                    direct: true,
                });
            }
        }
        for m in &counterparts {
            if let Some(list) = self.by_domain.get(m.domain())
                && let Some(app) = Index::pick(apps, list)
            {
                return Some(Match {
                    app,
                    person: None,
                    other: Some((*m).clone()),
                    why: format!(
                        "{} {}, an address at {}",
                        if sent { "sent to" } else { "from" },
                        m.email,
                        apps[app].company
                    ),
                    direct: true,
                });
            }
        }
        for id in &mail.thread {
            if let Some(app) = self.by_thread.get(id) {
                return Some(Match {
                    app: *app,
                    person: None,
                    other: None,
                    why: format!("in the thread of {id}"),
                    direct: true,
                });
            }
        }
        let mut hay = mail.subject.to_lowercase();
        if let Some(f) = mail.from.as_ref().and_then(|f| f.name.as_deref()) {
            hay.push('\n');
            hay.push_str(&f.to_lowercase());
        }
        hay.push('\n');
        hay.push_str(&mail.body.to_lowercase());
        let found: Vec<usize> = self
            .names
            .iter()
            .filter(|(_, key)| contains_words(&hay, key))
            .map(|(i, _)| *i)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let distinct: HashSet<&str> = found.iter().map(|i| apps[*i].company.as_str()).collect();
        if distinct.len() == 1 {
            let app = Index::pick(apps, &found)?;
            return Some(Match {
                app,
                person: None,
                other: None,
                why: format!("names {}", apps[app].company),
                direct: false,
            });
        }
        None
    }
}

/// A short quote for evidence: the first 120 characters.
fn quote(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut q: String = flat.chars().take(120).collect();
    if flat.chars().count() > 120 {
        q.push('…');
    }
    q
}

/// "jane.doe" → "Jane Doe", for a sender who gives no name.
fn name_from_address(email: &str) -> Option<String> {
    let local = email.split('@').next()?;
    let parts: Vec<&str> = local
        .split(['.', '_', '-'])
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() < 2 || parts.iter().any(|p| p.chars().any(|c| !c.is_alphabetic())) {
        return None;
    }
    Some(
        parts
            .iter()
            .map(|p| {
                let mut c = p.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect::<String>())
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// Role addresses that are not a person.
fn is_role_address(email: &str) -> bool {
    let local = email.split('@').next().unwrap_or("").to_lowercase();
    [
        "noreply",
        "no-reply",
        "donotreply",
        "do-not-reply",
        "jobs",
        "careers",
        "recruiting",
        "talent",
        "hr",
        "notifications",
        "notification",
        "mailer-daemon",
        "postmaster",
        "info",
        "hello",
        "team",
        "support",
        "news",
        "newsletter",
        "calendar",
        "hiring",
    ]
    .iter()
    .any(|r| {
        local == *r || local.starts_with(&format!("{r}+")) || local.starts_with(&format!("{r}-"))
    })
}

/// Scans `messages` (each with its folder and position) against `apps`.
/// Messages are read in date order; each proposal is applied to a working
/// copy as it is made, so a reply finds the note proposed before it.
pub fn scan(
    messages: Vec<(String, u64, Option<Mail>)>,
    apps: &[Application],
    ctx: &ScanContext,
) -> ScanResult {
    let tz = TimeZone::get(&ctx.profile.timezone).unwrap_or(TimeZone::UTC);
    let engine = Engine::new(&ctx.profile).ok();
    let mut working: Vec<Application> = apps.to_vec();
    let mut index = Index::new(apps, &ctx.user_emails);
    let mut result = ScanResult::default();
    let mut messages = messages;
    messages.sort_by_key(|(_, _, m)| m.as_ref().and_then(|m| m.date));
    let mut seen_ids: HashSet<String> = HashSet::new();

    for (folder, position, mail) in messages {
        let mut made = Vec::new();
        let Some(mail) = mail else {
            // Not a message at all: counted, settled.
            result.skipped += 1;
            result.messages.push(Scanned {
                folder,
                position,
                proposals: vec![],
            });
            continue;
        };
        let before_since = match (ctx.since, mail.date) {
            (Some(since), Some(d)) => d < since,
            _ => false,
        };
        // The same message in two folders (the inbox and "All Mail") is
        // read once.
        if !before_since && seen_ids.insert(mail.message_id.clone()) {
            made = propose(&mail, &mut working, &mut index, ctx, &tz, engine.as_ref());
            if made.is_empty() {
                result.skipped += 1;
            }
        }
        result.messages.push(Scanned {
            folder,
            position,
            proposals: made.iter().map(|p| p.id.clone()).collect(),
        });
        result.proposals.extend(made);
    }
    result
}

fn propose(
    mail: &Mail,
    working: &mut [Application],
    index: &mut Index,
    ctx: &ScanContext,
    tz: &TimeZone,
    engine: Option<&Engine>,
) -> Vec<Proposal> {
    let Some(from) = &mail.from else {
        return vec![];
    };
    let Some(date) = mail.date else {
        return vec![];
    };
    // Mail dated ahead of the clock is not a fact yet.
    if date > ctx.now + jiff::SignedDuration::from_mins(10) {
        return vec![];
    }
    let sent = ctx.user_emails.contains(&from.email);
    let Some(m) = index.find(working, mail, sent) else {
        return vec![];
    };
    index.by_thread.insert(mail.message_id.clone(), m.app);
    let at = Moment::in_zone(date, tz);
    let mut out = Vec::new();
    let app_id = working[m.app].id.to_string();
    let push = |proposed: Proposed, evidence: String, out: &mut Vec<Proposal>| {
        // A person is proposed once for all their mail: the address stands
        // in for the Message-ID, so ignoring them holds for every message.
        let key = match &proposed {
            Proposed::Person { email, .. } => email.as_str(),
            _ => mail.message_id.as_str(),
        };
        let id = proposal_id(key, proposed.kind(), &app_id);
        if !ctx.ignored.contains(&id) {
            out.push(Proposal {
                id,
                proposed,
                application: app_id.clone(),
                message_id: mail.message_id.clone(),
                evidence,
            });
        }
    };

    // Someone new at a known company (by domain, never a role address).
    let mut person = m.person.clone();
    if let Some(other) = &m.other
        && !mail.bulk
        && !is_role_address(&other.email)
        && let Some(name) = other
            .name
            .clone()
            .or_else(|| name_from_address(&other.email))
    {
        let app = &working[m.app];
        let id = unique_id(
            &slug(name.split_whitespace().next().unwrap_or(&name)),
            |c| app.person(c).is_some(),
        );
        let before = out.len();
        push(
            Proposed::Person {
                person: id.clone(),
                name: name.clone(),
                email: other.email.clone(),
            },
            format!(
                "{}: {name} <{}> is not in {} yet",
                capitalized(&m.why),
                other.email,
                app.id
            ),
            &mut out,
        );
        if out.len() > before {
            let mut p = debrief_core::model::Person::new(
                &id,
                &name,
                debrief_core::model::PersonKind::Other,
            );
            p.email = Some(other.email.clone());
            working[m.app].people.push(p);
            index
                .by_email
                .insert(other.email.clone(), (m.app, id.clone()));
            person = Some(id);
        }
    }

    let app = &mut working[m.app];
    if sent {
        if app
            .touches
            .iter()
            .any(|t| t.message_id.as_deref() == Some(&mail.message_id))
        {
            return out;
        }
        if let Some(sentence) = understand::user_withdraws(&mail.body)
            && app.outcome.is_none()
        {
            push(
                Proposed::Outcome {
                    outcome: OutcomeKind::Withdrawn,
                    at,
                },
                format!("{}: \"{}\"", capitalized(&m.why), quote(&sentence)),
                &mut out,
            );
        }
        let kind = understand::touch_kind(&mail.subject, &mail.body);
        let touch = Touch {
            at,
            person: person.clone().map(Into::into),
            channel: Channel::Email,
            kind,
            replied_at: None,
            forced: false,
            note: None,
            message_id: Some(mail.message_id.clone()),
        };
        let early_chase = match engine.map(|e| e.guard(app, &touch)) {
            Some(Verdict::Refused { why, .. }) => Some(why),
            _ => None,
        };
        let before = out.len();
        push(
            Proposed::Touch {
                person: person.clone(),
                touch_kind: kind,
                channel: Channel::Email,
                at,
                early_chase,
            },
            format!(
                "{}: \"{}\"",
                capitalized(&m.why),
                quote(if mail.body.trim().is_empty() {
                    &mail.subject
                } else {
                    &mail.body
                })
            ),
            &mut out,
        );
        if out.len() > before {
            app.touches.push(touch);
            app.touches.sort_by_key(|t| t.at);
        }
        return out;
    }

    // From the employer's side: an invitation first.
    if !mail.calendars.is_empty() {
        let settings = ImportSettings {
            zone: tz.clone(),
            user_emails: ctx.user_emails.clone(),
            user_name: Some(ctx.profile.name.clone()).filter(|n| !n.is_empty()),
            target: Some(app.id.to_string()),
        };
        for cal in &mail.calendars {
            let Ok(parsed) = read_invites(cal, tz) else {
                continue;
            };
            let events: Vec<_> = parsed
                .events
                .into_iter()
                .filter(|e| !is_debrief_uid(&e.uid))
                .collect();
            let result = import_invites(&events, std::slice::from_ref(app), vec![], &settings);
            for report in &result.events {
                if !matches!(report.action, ImportAction::Create | ImportAction::Update) {
                    continue;
                }
                let Some(iv_id) = report.interview.clone() else {
                    continue;
                };
                let Some(changed) = result.changed.first() else {
                    continue;
                };
                let Some(iv) = changed.interview(&iv_id) else {
                    continue;
                };
                let before = out.len();
                push(
                    Proposed::Interview {
                        interview: iv_id.clone(),
                        start: iv.start,
                        calendar: cal.clone(),
                    },
                    format!(
                        "{}: an invitation, \"{}\"",
                        capitalized(&m.why),
                        quote(&report.event.summary)
                    ),
                    &mut out,
                );
                if out.len() > before {
                    *app = changed.clone();
                }
            }
        }
        if out
            .iter()
            .any(|p| matches!(p.proposed, Proposed::Interview { .. }))
        {
            return out;
        }
    }

    if let Some((kind, sentence)) = understand::outcome(&mail.body) {
        let known = app
            .outcome
            .as_ref()
            .is_some_and(|o| o.kind == kind || o.message_id.as_deref() == Some(&mail.message_id));
        if !known {
            let before = out.len();
            push(
                Proposed::Outcome { outcome: kind, at },
                format!("{}: \"{}\"", capitalized(&m.why), quote(&sentence)),
                &mut out,
            );
            if out.len() > before {
                debrief_core::edit::record_outcome(
                    app,
                    kind,
                    at.ts.to_zoned(tz.clone()).date(),
                    false,
                );
                if let Some(o) = &mut app.outcome {
                    o.message_id = Some(mail.message_id.clone());
                }
            }
        }
        return out;
    }

    // A reply: only from a person (an address or the thread), only when a
    // note of the user's waits for one.
    if m.direct && !mail.bulk {
        let waiting = app
            .touches
            .iter()
            .any(|t| t.replied_at.is_none() && t.at <= at);
        if waiting {
            let before = out.len();
            push(
                Proposed::Reply {
                    person: person.clone(),
                    at,
                },
                format!(
                    "{}: \"{}\"",
                    capitalized(&m.why),
                    quote(if mail.body.trim().is_empty() {
                        &mail.subject
                    } else {
                        &mail.body
                    })
                ),
                &mut out,
            );
            if out.len() > before {
                let _ = debrief_core::edit::record_reply(app, None, at);
            }
        }
    }
    out
}

/// Parses every message, on every core for a large mailbox.
pub fn parse_all(raw: &[crate::RawMessage]) -> Vec<(String, u64, Option<Mail>)> {
    debrief_core::parallel::map_chunks(raw, 256, |chunk| {
        chunk
            .iter()
            .map(|r| (r.folder.clone(), r.position, crate::parse::parse(&r.bytes)))
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect()
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
