//! What finds an application: the lookup keys a store indexes so that an
//! import reads only the applications it may touch, not the whole store.
//!
//! A key is a short text, a kind letter and a value: `i:` the id of an
//! interview made from an invite,
//! `u:` a calendar invite's UID, `e:` a person's address (trimmed, ASCII
//! lowercase), `d:` that address's domain, `l:` what a company's name
//! spells as a domain label (`contoso`, `northwindtraders`), `c:` the
//! company's distinctive words joined by spaces. The calendar importer
//! (`debrief-ics`) matches events with exactly these keys, and a store's
//! [`find_applications`](../../debrief_store/trait.StoreReader.html)
//! answers with every application holding one of them, so an import over
//! that subset chooses what an import over every application would.

use std::collections::BTreeSet;

use crate::input::slug;
use crate::model::Application;

/// Words that do not tell companies apart.
const LEGAL_WORDS: &[&str] = &[
    "the",
    "inc",
    "corp",
    "corporation",
    "company",
    "co",
    "gmbh",
    "ag",
    "ltd",
    "limited",
    "llc",
    "plc",
    "sa",
    "sas",
    "bv",
    "nv",
    "group",
    "holding",
    "holdings",
];

/// The company's distinctive words, lowercase ASCII letters and digits
/// (`Contoso Ltd.` → `["contoso"]`).
pub fn company_words(company: &str) -> Vec<String> {
    slug(company)
        .split('-')
        .filter(|w| !w.is_empty() && !LEGAL_WORDS.contains(w))
        .map(str::to_string)
        .collect()
}

/// The domain of an address, lowercase, when it has a dot:
/// `Jo@Mail.Contoso.com.` → `mail.contoso.com`.
pub fn domain_of(email: &str) -> Option<String> {
    email
        .rsplit_once('@')
        .map(|(_, d)| d.trim().trim_end_matches('.').to_ascii_lowercase())
        .filter(|d| d.contains('.'))
}

/// What a domain label may spell for a company of these words: the first
/// word (of three letters or more) or the first few words run together.
pub fn label_spellings(words: &[String]) -> Vec<String> {
    let Some(first) = words.first() else {
        return Vec::new();
    };
    (1..=words.len())
        .filter(|&k| k > 1 || first.len() >= 3)
        .map(|k| words[..k].concat())
        .collect()
}

/// The start of the id of every interview made from a calendar invite
/// (`debrief-ics`'s `interview_id_for_uid`): the only interviews an
/// import looks up by id, so the only ones given an `i:` key.
pub const INVITE_INTERVIEW_PREFIX: &str = "ics-";

/// The key of an interview id.
pub fn interview(id: &str) -> String {
    format!("i:{id}")
}

/// The key of a calendar invite's UID.
pub fn invite(uid: &str) -> String {
    format!("u:{uid}")
}

/// The key of an address, as [`of`] normalizes it.
pub fn email(address: &str) -> String {
    format!("e:{}", address.trim().to_ascii_lowercase())
}

/// The key of a domain ([`domain_of`]'s form).
pub fn domain(domain: &str) -> String {
    format!("d:{domain}")
}

/// The key of a label spelling (dashes left out).
pub fn label(spelt: &str) -> String {
    format!("l:{spelt}")
}

/// The key of a company's distinctive words, joined by spaces.
pub fn company(words: &str) -> String {
    format!("c:{words}")
}

/// Every key of one application.
pub fn of(app: &Application) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    let words = company_words(&app.company);
    for spelt in label_spellings(&words) {
        keys.insert(label(&spelt));
    }
    if !words.is_empty() {
        keys.insert(company(&words.join(" ")));
    }
    for p in &app.people {
        if let Some(e) = &p.email {
            keys.insert(email(e));
            if let Some(d) = domain_of(e) {
                keys.insert(domain(&d));
            }
        }
    }
    for iv in &app.interviews {
        if iv.id.starts_with(INVITE_INTERVIEW_PREFIX) {
            keys.insert(interview(&iv.id));
        }
        if let Some(v) = &iv.invite {
            keys.insert(invite(&v.uid));
        }
    }
    keys
}

/// Whether `app` holds at least one of `keys` (the default
/// `find_applications` of a store without an index).
pub fn holds_any(app: &Application, keys: &BTreeSet<String>) -> bool {
    of(app).iter().any(|k| keys.contains(k))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Person, PersonKind};

    #[test]
    fn an_application_is_found_by_its_company_people_and_interviews() {
        let mut a = Application::new("c", "Northwind Traders Ltd.", "Engineer");
        a.people.push(Person {
            email: Some(" Ana@Mail.Northwind.example ".into()),
            ..Person::new("ana", "Ana", PersonKind::Recruiter)
        });
        let keys = of(&a);
        for k in [
            "l:northwind",
            "l:northwindtraders",
            "c:northwind traders",
            "e:ana@mail.northwind.example",
            "d:mail.northwind.example",
        ] {
            assert!(keys.contains(k), "{k} missing from {keys:?}");
        }
        assert!(!keys.iter().any(|k| k.contains("ltd")), "{keys:?}");
        assert!(holds_any(&a, &[email("ANA@mail.northwind.example")].into()));
        assert!(!holds_any(&a, &[email("bo@northwind.example")].into()));
    }

    #[test]
    fn a_short_first_word_alone_spells_no_label() {
        let words = company_words("HP Inc");
        assert_eq!(words, ["hp"]);
        assert!(label_spellings(&words).is_empty());
        assert_eq!(label_spellings(&company_words("HP Labs")), ["hplabs"]);
        assert_eq!(domain_of("x@localhost"), None);
    }
}
