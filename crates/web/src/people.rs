//! People across every application: one entry per person (the same email
//! address, or without one the same name, at several companies is one
//! person), when you were last in touch, when staying in touch is due;
//! and their contact cards as vCard 4.0 (RFC 6350).

use std::collections::{HashMap, HashSet};

use debrief_core::model::{Application, Person, PersonKind};
use debrief_store::StoreReader;

use debrief_core::engine::Action;
use debrief_core::rules::Rule;
use jiff::Timestamp;
use serde::Serialize;

use crate::snapshot::Snapshot;

/// Where a person appears: one application.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Appearance {
    pub app: String,
    pub company: String,
    pub role: String,
    pub person: String,
    pub kind: PersonKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// One person, with every application they appear in.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Contact {
    pub name: String,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub at: Vec<Appearance>,
    /// The latest message to them, or reply from them, anywhere.
    #[schemars(with = "Option<debrief_core::model::Moment>")]
    pub last_contact: Option<Timestamp>,
    /// When the next stay-in-touch note is due (the agenda's
    /// `stay-in-touch` action), if one is on the agenda.
    #[schemars(with = "Option<debrief_core::model::Moment>")]
    pub stay_in_touch_due: Option<Timestamp>,
}

/// Everyone in the order the list shows them, by key ([`person_key`]):
/// by name (as [`Contacts::finish`] sorts), then in the order first met
/// in the store. One walk of the store keeping only each person's key,
/// name and number of appearances, about a hundred bytes a person,
/// whatever they hold.
pub struct Roster {
    /// The keys in the list's order.
    pub keys: Vec<Box<str>>,
    /// How many applications each appears in, in the same order.
    appearances: Vec<u32>,
}

pub fn roster(store: &dyn StoreReader) -> crate::state::Result<Roster> {
    let mut index: HashMap<Box<str>, u32> = HashMap::new();
    let mut names: Vec<Box<str>> = Vec::new();
    let mut appearances: Vec<u32> = Vec::new();
    store.each_application(&mut |a| {
        for p in &a.people {
            let key = person_key(p);
            if let Some(&i) = index.get(key.as_str()) {
                let n = &mut appearances[i as usize];
                *n = n.saturating_add(1);
                continue;
            }
            let next = u32::try_from(names.len()).map_err(|_| {
                debrief_store::StoreError::Backend("more than 4 billion people to list".into())
            })?;
            index.insert(key.into_boxed_str(), next);
            names.push(p.name.trim().to_lowercase().into_boxed_str());
            appearances.push(1);
        }
        Ok(())
    })?;
    let mut keys: Vec<Option<Box<str>>> = vec![None; names.len()];
    for (key, i) in index {
        keys[i as usize] = Some(key);
    }
    let mut order: Vec<u32> = (0..names.len() as u32).collect();
    // Stable: the same name keeps the order first met.
    order.sort_by(|&a, &b| names[a as usize].cmp(&names[b as usize]));
    drop(names);
    Ok(Roster {
        appearances: order.iter().map(|&i| appearances[i as usize]).collect(),
        keys: order
            .into_iter()
            .filter_map(|i| keys[i as usize].take())
            .collect(),
    })
}

impl Roster {
    /// The list cut into runs of people that appear, together, in about
    /// `appearances` applications (each at least one person): what one
    /// walk of the store builds, as a contact weighs about what its
    /// appearances hold.
    fn batches(&self, appearances: usize) -> impl Iterator<Item = &[Box<str>]> {
        let mut from = 0;
        std::iter::from_fn(move || {
            if from == self.keys.len() {
                return None;
            }
            let mut to = from;
            let mut held = 0usize;
            while to < self.keys.len() && (to == from || held < appearances) {
                held += self.appearances[to] as usize;
                to += 1;
            }
            let run = &self.keys[from..to];
            from = to;
            Some(run)
        })
    }
}

/// The contacts whose key is in `keys`, by name: one walk of the store.
/// `agenda` gives the stay-in-touch dates.
fn contacts_with(
    store: &dyn StoreReader,
    agenda: &[Action],
    keys: &[Box<str>],
) -> crate::state::Result<Vec<Contact>> {
    let wanted: HashSet<&str> = keys.iter().map(|k| &**k).collect();
    let mut c = Contacts::new(agenda);
    store.each_application(&mut |a| {
        c.add_if(&a, |k| wanted.contains(k));
        Ok(())
    })?;
    Ok(c.finish())
}

/// A page of the list of everyone.
pub struct Page {
    /// How many people there are in all.
    pub total: usize,
    /// Which page this is, from 1 (the last one for a number past it).
    pub number: usize,
    pub pages: usize,
    pub contacts: Vec<Contact>,
}

/// Page `number` (from 1; past the last, the last) of the list of
/// everyone, `per` contacts a page: two walks of the store, holding the
/// roster and the page's contacts, never everyone's.
pub fn page_of(
    store: &dyn StoreReader,
    snap: &Snapshot,
    number: usize,
    per: usize,
) -> crate::state::Result<Page> {
    let keys = roster(store)?.keys;
    let per = per.max(1);
    let pages = keys.len().div_ceil(per).max(1);
    let number = number.clamp(1, pages);
    let from = ((number - 1) * per).min(keys.len());
    let to = from.saturating_add(per).min(keys.len());
    let contacts = if from == to {
        Vec::new()
    } else {
        contacts_with(store, &snap.agenda.actions, &keys[from..to])?
    };
    Ok(Page {
        total: keys.len(),
        number,
        pages,
        contacts,
    })
}

/// About how many appearances (a person in an application) the contacts
/// [`each_contact`] builds in one walk of the store hold: some 200 bytes
/// each, 40 MB a batch.
const BATCH: usize = 200_000;

/// Everyone, by name, handed to `each` one at a time: the roster, then one
/// walk of the store per batch of people appearing [`BATCH`] times in
/// all (a store with fewer is walked twice in all). Memory holds the
/// roster and one batch.
pub fn each_contact(
    store: &dyn StoreReader,
    snap: &Snapshot,
    each: &mut dyn FnMut(&Contact) -> std::io::Result<()>,
) -> crate::state::Result<()> {
    each_contact_by(store, &snap.agenda.actions, BATCH, each)
}

/// [`each_contact`], batches of people appearing `batch` times.
fn each_contact_by(
    store: &dyn StoreReader,
    agenda: &[Action],
    batch: usize,
    each: &mut dyn FnMut(&Contact) -> std::io::Result<()>,
) -> crate::state::Result<()> {
    let roster = roster(store)?;
    for keys in roster.batches(batch) {
        for c in contacts_with(store, agenda, keys)? {
            each(&c).map_err(|e| {
                crate::state::Problem::internal(format!("cannot write the contacts: {e}"))
            })?;
        }
    }
    Ok(())
}

/// What makes two people one contact: the same address, or without one
/// the same name.
fn person_key(p: &Person) -> String {
    match p.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) => format!("e:{}", e.to_lowercase()),
        None => format!("n:{}", p.name.trim().to_lowercase()),
    }
}

/// One person as a contact, with every application they appear in: the
/// store is read an application at a time and only their entries kept
/// (the whole list of contacts is never built for one card). `None` when
/// application `app` has no person `person`.
pub fn contact_of(
    store: &dyn StoreReader,
    snap: &Snapshot,
    app: &str,
    person: &str,
) -> crate::state::Result<Option<Contact>> {
    let Some(key) = store
        .application(app)?
        .and_then(|a| a.people.iter().find(|p| p.id == person).map(person_key))
    else {
        return Ok(None);
    };
    // Only one key is kept: one contact, if the walk saw its application.
    Ok(
        contacts_with(store, &snap.agenda.actions, &[key.into_boxed_str()])?
            .into_iter()
            .find(|c| c.at.iter().any(|a| a.app == app && a.person == person)),
    )
}

/// The contacts gathered so far.
struct Contacts<'s> {
    /// The agenda's stay-in-touch dates by (application, person).
    due: HashMap<(&'s str, &'s str), Timestamp>,
    out: Vec<Contact>,
    /// Where each person (by address, else by name) is in `out`.
    by_key: HashMap<String, usize>,
}

impl<'s> Contacts<'s> {
    fn new(agenda: &'s [Action]) -> Contacts<'s> {
        let mut due: HashMap<(&str, &str), Timestamp> = HashMap::new();
        for a in agenda {
            if let (Rule::StayInTouch, Some(p)) = (a.rule, &a.person) {
                let slot = due
                    .entry((a.application.as_str(), p.as_str()))
                    .or_insert(a.due.ts);
                *slot = (*slot).min(a.due.ts);
            }
        }
        Contacts {
            due,
            out: Vec::new(),
            by_key: HashMap::new(),
        }
    }

    /// The people of `a` whose [`person_key`] `keep` lets through.
    fn add_if(&mut self, a: &Application, keep: impl Fn(&str) -> bool) {
        for p in &a.people {
            let key = person_key(p);
            if !keep(&key) {
                continue;
            }
            let i = *self.by_key.entry(key).or_insert_with(|| {
                self.out.push(Contact {
                    name: p.name.trim().to_string(),
                    emails: vec![],
                    phones: vec![],
                    at: vec![],
                    last_contact: None,
                    stay_in_touch_due: None,
                });
                self.out.len() - 1
            });
            let c = &mut self.out[i];
            for (list, v) in [(&mut c.emails, &p.email), (&mut c.phones, &p.phone)] {
                if let Some(v) = v.as_deref().map(str::trim).filter(|v| !v.is_empty())
                    && !list.iter().any(|x| x.eq_ignore_ascii_case(v))
                {
                    list.push(v.to_string());
                }
            }
            c.at.push(Appearance {
                app: a.id.to_string(),
                company: a.company.clone(),
                role: a.role.clone(),
                person: p.id.to_string(),
                kind: p.kind,
                title: p.title.clone(),
            });
            for t in a
                .touches
                .iter()
                .filter(|t| t.person.as_deref() == Some(&p.id))
            {
                let latest = t.replied_at.map_or(t.at.ts, |r| r.ts.max(t.at.ts));
                c.last_contact = Some(c.last_contact.map_or(latest, |l| l.max(latest)));
            }
            if let Some(d) = self.due.get(&(a.id.as_str(), p.id.as_str())) {
                c.stay_in_touch_due = Some(c.stay_in_touch_due.map_or(*d, |x| x.min(*d)));
            }
        }
    }

    fn finish(self) -> Vec<Contact> {
        let mut out = self.out;
        out.sort_by_cached_key(|c| c.name.to_lowercase());
        out
    }
}

/// The contact cards of `people`, one vCard 4.0 each (RFC 6350): CRLF line
/// ends, lines folded at 75 octets without splitting a character, and
/// text values escaped (§3.4: backslash, comma, semicolon, newline).
pub fn vcards(people: &[Contact]) -> String {
    let mut out = String::new();
    for c in people {
        vcard_into(&mut out, c);
    }
    out
}

/// One contact's card, appended to `out` (see [`vcards`]).
pub fn vcard_into(out: &mut String, c: &Contact) {
    line(out, "BEGIN:VCARD");
    line(out, "VERSION:4.0");
    line(out, &format!("FN:{}", text(&c.name)));
    // N is structured: family;given;additional;prefixes;suffixes. A
    // name is kept whole as the given name rather than guessed apart.
    line(out, &format!("N:;{};;;", text(&c.name)));
    for (i, e) in c.emails.iter().enumerate() {
        let pref = if i == 0 { ";PREF=1" } else { "" };
        line(out, &format!("EMAIL;TYPE=work{pref}:{}", text(e)));
    }
    for p in &c.phones {
        line(out, &format!("TEL;VALUE=text;TYPE=work:{}", text(p)));
    }
    if let Some(a) = c.at.first() {
        line(out, &format!("ORG:{}", component(&a.company)));
        if let Some(t) = &a.title {
            line(out, &format!("TITLE:{}", text(t)));
        }
    }
    let met: Vec<String> =
        c.at.iter()
            .map(|a| {
                if a.role.is_empty() {
                    a.company.clone()
                } else {
                    format!("{} ({})", a.company, a.role)
                }
            })
            .collect();
    line(
        out,
        &format!("NOTE:{}", text(&format!("Met through: {}", met.join("\n")))),
    );
    line(out, "END:VCARD");
}

/// The `.vcf` download for `?app=ID&person=ID` (that person, with every
/// application they appear in) or for everyone (written as it is read).
pub fn vcard_file(
    st: &crate::state::AppState,
    query: Option<&str>,
) -> crate::state::Result<axum::response::Response> {
    let q: VcardQuery = crate::wire::query(query)?;
    let snap = st.snapshot()?;
    let vcard = "text/vcard; charset=utf-8";
    match (q.app, q.person) {
        (None, None) => {
            let body = crate::streamed::written(st, move |store, out| {
                let mut card = String::new();
                each_contact(store, &snap, &mut |c| {
                    card.clear();
                    vcard_into(&mut card, c);
                    out.write_all(card.as_bytes())
                })
            })?;
            Ok(crate::html::download(body, vcard, "debrief-people.vcf"))
        }
        (Some(app), Some(person)) => {
            let c = contact_of(&**st.store()?, &snap, &app, &person)?.ok_or_else(|| {
                crate::state::Problem::missing(
                    "person",
                    format!("no person '{person}' at application '{app}'"),
                )
            })?;
            let name = format!("{}.vcf", crate::html::safe_name(&c.name));
            Ok(crate::html::download(
                vcards(std::slice::from_ref(&c)),
                vcard,
                &name,
            ))
        }
        (None, Some(_)) => Err(crate::state::Problem::field(
            "app",
            "a person is named with their application: add app=ID",
        )),
        (Some(_), None) => Err(crate::state::Problem::field(
            "person",
            "name the person too (person=ID), or neither for everyone",
        )),
    }
}

/// Everyone as the API's JSON array of [`Contact`]s, by name, written as
/// it is read (the same bytes as serializing [`contacts_in`]).
pub fn contacts_json(
    st: &crate::state::AppState,
) -> crate::state::Result<axum::response::Response> {
    let snap = st.snapshot()?;
    let mut res = crate::streamed::written(st, move |store, out| {
        let mut first = true;
        out.write_all(b"[").map_err(crate::streamed::write_failed)?;
        each_contact(store, &snap, &mut |c| {
            if !std::mem::take(&mut first) {
                out.write_all(b",")?;
            }
            serde_json::to_writer(&mut *out, c).map_err(std::io::Error::from)
        })?;
        out.write_all(b"]").map_err(crate::streamed::write_failed)
    })?;
    res.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    Ok(res)
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct VcardQuery {
    app: Option<String>,
    person: Option<String>,
}

/// A TEXT value (RFC 6350 §3.4): `\` `,` `;` and line breaks escaped.
fn text(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut chars = v.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            // Other control characters cannot be written in a vCard.
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// One component of a structured value (ORG): escaped as text.
fn component(v: &str) -> String {
    text(v)
}

/// Appends a content line, folded (§3.2): at most 75 octets a line, each
/// continuation starting with a space, never inside a UTF-8 character.
fn line(out: &mut String, l: &str) {
    let mut width = 0;
    for c in l.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(name: &str, company: &str) -> Contact {
        Contact {
            name: name.into(),
            emails: vec!["marie@acme.example".into()],
            phones: vec!["+1 312 555 0100".into()],
            at: vec![Appearance {
                app: "acme".into(),
                company: company.into(),
                role: "Analyst".into(),
                person: "marie".into(),
                kind: PersonKind::Interviewer,
                title: Some("Head of Data, EMEA".into()),
            }],
            last_contact: None,
            stay_in_touch_due: None,
        }
    }

    /// Unfolds and splits a card as a reader would (RFC 6350 §3.2).
    fn unfold(card: &str) -> Vec<String> {
        card.replace("\r\n ", "")
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// Reverses §3.4 escaping.
    fn unescape(v: &str) -> String {
        let mut out = String::new();
        let mut chars = v.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') | Some('N') => out.push('\n'),
                    Some(o) => out.push(o),
                    None => out.push('\\'),
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn a_card_escapes_text_and_reads_back() {
        let nasty = "O'Brien; Dubois, \\ Marie\nthe second line";
        let card = vcards(&[contact(nasty, "Acme, Inc.; EU")]);
        assert!(card.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\n"), "{card}");
        assert!(card.ends_with("END:VCARD\r\n"), "{card}");
        // No bare LF: every line ends CRLF.
        assert_eq!(card.matches('\n').count(), card.matches("\r\n").count());
        let lines = unfold(&card);
        let fn_line = lines.iter().find(|l| l.starts_with("FN:")).expect("FN");
        assert_eq!(
            fn_line,
            "FN:O'Brien\\; Dubois\\, \\\\ Marie\\nthe second line"
        );
        assert_eq!(unescape(&fn_line["FN:".len()..]), nasty);
        let org = lines.iter().find(|l| l.starts_with("ORG:")).expect("ORG");
        assert_eq!(org, "ORG:Acme\\, Inc.\\; EU");
        assert!(
            lines.contains(&"TITLE:Head of Data\\, EMEA".to_string()),
            "{lines:?}"
        );
        assert!(lines.contains(&"EMAIL;TYPE=work;PREF=1:marie@acme.example".to_string()));
        assert!(lines.contains(&"TEL;VALUE=text;TYPE=work:+1 312 555 0100".to_string()));
        // Exactly one FN and one VERSION per card (both required, §6.1.4, §6.7.9).
        assert_eq!(lines.iter().filter(|l| l.starts_with("FN:")).count(), 1);
    }

    #[test]
    fn long_lines_fold_at_75_octets_between_characters() {
        let name = "Zoë Ångström-Łukasiewicz ".repeat(8);
        let card = vcards(&[contact(&name, "Ünïcödé GmbH")]);
        for l in card.split("\r\n") {
            assert!(l.len() <= 75, "{} octets: {l:?}", l.len());
        }
        let lines = unfold(&card);
        let fn_line = lines.iter().find(|l| l.starts_with("FN:")).expect("FN");
        assert_eq!(unescape(&fn_line[3..]), name);
    }

    /// A store of `apps` applications whose people repeat the way real
    /// ones do: the same address in another case at another company (one
    /// contact), the same name without an address (one contact), the same
    /// name with other addresses (namesakes: several contacts, in the
    /// order first met), names that sort apart only by case or accent.
    fn crowded_store(apps: usize) -> debrief_store_sqlite::SqliteStore {
        use debrief_store::{Change, StoreWriter};
        let first = ["Zoë", "ana", "Ana", "Bo", "Émile", "Marie", "marie", "Li"];
        let changes: Vec<Change> = (0..apps)
            .map(|i| {
                let people: Vec<serde_json::Value> = (0..5)
                    .map(|j| {
                        let n = (i * 5 + j) * 7 % 23;
                        let name = format!("{} {}", first[n % first.len()], n % 5);
                        let email = match (i + j) % 4 {
                            0 => serde_json::Value::Null,
                            1 => format!("P{}@Shared.example", n % 6).into(),
                            _ => format!("p{n}.{i}.{j}@co{i}.example").into(),
                        };
                        serde_json::json!({ "id": format!("p{j}"), "name": name, "email": email })
                    })
                    .collect();
                let a: Application = serde_json::from_value(serde_json::json!({
                    "id": format!("app-{i:03}"),
                    "company": format!("Company {i}"),
                    "role": "Analyst",
                    "people": people,
                }))
                .expect("an application");
                Change::PutApplication(a)
            })
            .collect();
        let mut store = debrief_store_sqlite::SqliteStore::open_in_memory().expect("a store");
        store.apply(&changes).expect("written");
        store
    }

    /// Everyone built at once, as the list always was: the reference.
    fn everyone_at_once(store: &dyn StoreReader) -> Vec<Contact> {
        let mut c = Contacts::new(&[]);
        store
            .each_application(&mut |a| {
                c.add_if(&a, |_| true);
                Ok(())
            })
            .expect("read");
        c.finish()
    }

    fn names_and_places(contacts: &[Contact]) -> Vec<String> {
        contacts
            .iter()
            .map(|c| serde_json::to_string(c).expect("json"))
            .collect()
    }

    #[test]
    fn everyone_in_batches_and_pages_is_everyone_at_once() {
        let store = crowded_store(40);
        let all = names_and_places(&everyone_at_once(&store));
        // Merged people make fewer contacts than people, and namesakes stay apart.
        assert!(all.len() < 200 && all.len() > 40, "{}", all.len());
        let roster = roster(&store).expect("roster").keys;
        assert_eq!(roster.len(), all.len());
        for batch in [0, 1, 7, 64, all.len(), 10_000] {
            let mut seen = Vec::new();
            each_contact_by(&store, &[], batch, &mut |c| {
                seen.push(serde_json::to_string(c).expect("json"));
                Ok(())
            })
            .expect("walked");
            assert_eq!(seen, all, "in batches of {batch}");
        }
        // Batches cover the list in order, each filled just past its size.
        let whole = super::roster(&store).expect("roster");
        for size in [1, 7, 64] {
            let runs: Vec<&[Box<str>]> = whole.batches(size).collect();
            assert_eq!(runs.concat(), roster, "batches of {size}");
            let mut at = 0;
            for run in &runs {
                let held: Vec<usize> = whole.appearances[at..at + run.len()]
                    .iter()
                    .map(|&n| n as usize)
                    .collect();
                let before_last: usize = held[..held.len() - 1].iter().sum();
                assert!(before_last < size, "batches of {size}: {held:?}");
                at += run.len();
            }
            assert!(runs.len() > 1);
        }
        let snap_actions: &[Action] = &[];
        for per in [1, 9, 100] {
            let pages = all.len().div_ceil(per);
            let mut paged = Vec::new();
            for n in 1..=pages {
                let keys = &roster[(n - 1) * per..(n * per).min(roster.len())];
                paged.extend(names_and_places(
                    &contacts_with(&store, snap_actions, keys).expect("page"),
                ));
            }
            assert_eq!(paged, all, "{per} a page");
        }
    }

    #[test]
    fn a_failed_write_stops_the_walk_with_its_error() {
        let store = crowded_store(5);
        let mut calls = 0;
        let e = each_contact_by(&store, &[], 2, &mut |_| {
            calls += 1;
            Err(std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "the client left",
            ))
        })
        .expect_err("stops");
        assert_eq!(calls, 1);
        assert!(e.to_string().contains("the client left"), "{e}");
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(text("a\u{7}b\r\nc\rd"), "ab\\nc\\nd");
    }
}
