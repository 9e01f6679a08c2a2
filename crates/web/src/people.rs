//! People across every application: one entry per person (the same email
//! address, or without one the same name, at several companies is one
//! person), when you were last in touch, when staying in touch is due;
//! and their contact cards as vCard 4.0 (RFC 6350).

use std::collections::HashMap;

use debrief_core::model::{Application, Person, PersonKind};
use debrief_store::StoreReader;

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

/// Everyone in the store, read one application at a time (memory holds
/// the contacts, not the store), by name; the agenda in `snap` gives the
/// stay-in-touch dates.
pub fn contacts_in(store: &dyn StoreReader, snap: &Snapshot) -> crate::state::Result<Vec<Contact>> {
    let mut c = Contacts::new(snap);
    store.each_application(&mut |a| {
        c.add(&a);
        Ok(())
    })?;
    Ok(c.finish())
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
    let mut c = Contacts::new(snap);
    store.each_application(&mut |a| {
        c.add_if(&a, |k| k == key);
        Ok(())
    })?;
    // Only one key was kept: one contact, if the walk saw its application.
    Ok(c.finish()
        .into_iter()
        .find(|c| c.at.iter().any(|a| a.app == app && a.person == person)))
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
    fn new(snap: &'s Snapshot) -> Contacts<'s> {
        let mut due: HashMap<(&str, &str), Timestamp> = HashMap::new();
        for a in &snap.agenda.actions {
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

    fn add(&mut self, a: &Application) {
        self.add_if(a, |_| true);
    }

    /// [`Contacts::add`] for the people whose [`person_key`] `keep` lets
    /// through.
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
        line(&mut out, "BEGIN:VCARD");
        line(&mut out, "VERSION:4.0");
        line(&mut out, &format!("FN:{}", text(&c.name)));
        // N is structured: family;given;additional;prefixes;suffixes. A
        // name is kept whole as the given name rather than guessed apart.
        line(&mut out, &format!("N:;{};;;", text(&c.name)));
        for (i, e) in c.emails.iter().enumerate() {
            let pref = if i == 0 { ";PREF=1" } else { "" };
            line(&mut out, &format!("EMAIL;TYPE=work{pref}:{}", text(e)));
        }
        for p in &c.phones {
            line(&mut out, &format!("TEL;VALUE=text;TYPE=work:{}", text(p)));
        }
        if let Some(a) = c.at.first() {
            line(&mut out, &format!("ORG:{}", component(&a.company)));
            if let Some(t) = &a.title {
                line(&mut out, &format!("TITLE:{}", text(t)));
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
            &mut out,
            &format!("NOTE:{}", text(&format!("Met through: {}", met.join("\n")))),
        );
        line(&mut out, "END:VCARD");
    }
    out
}

/// The `.vcf` for `?app=ID&person=ID` (that person, with every
/// application they appear in) or for everyone; with a file name.
pub fn vcard_file(
    st: &crate::state::AppState,
    query: Option<&str>,
) -> crate::state::Result<(String, String)> {
    let q: VcardQuery = crate::wire::query(query)?;
    let snap = st.snapshot()?;
    match (q.app, q.person) {
        (None, None) => Ok((
            vcards(&contacts_in(&**st.store()?, &snap)?),
            "debrief-people.vcf".into(),
        )),
        (Some(app), Some(person)) => {
            let c = contact_of(&**st.store()?, &snap, &app, &person)?.ok_or_else(|| {
                crate::state::Problem::missing(
                    "person",
                    format!("no person '{person}' at application '{app}'"),
                )
            })?;
            let name = format!("{}.vcf", crate::html::safe_name(&c.name));
            Ok((vcards(std::slice::from_ref(&c)), name))
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

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(text("a\u{7}b\r\nc\rd"), "ab\\nc\\nd");
    }
}
