//! Search across applications, people and notes, and the board's filters
//! and sort: one code path for the pages (`/search`, `/applications?…`)
//! and the API (`/api/v1/search`, `/api/v1/applications?…`).
//!
//! Search reads the whole store (`StoreReader::load`), as export does: it
//! runs only when asked, never for the board or Today.

use debrief_core::model::{Application, Stage};
use debrief_store::StoreReader;
use serde::{Deserialize, Serialize};

use crate::snapshot::AppSummary;
use crate::state::{Problem, Result};

/// The most hits of each kind a search returns.
pub const SEARCH_TOP: usize = 50;

/// One application found by its company or role.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AppHit {
    pub app: String,
    pub company: String,
    pub role: String,
    pub stage: Stage,
}

/// One person found by name, title, email or phone.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PersonHit {
    pub app: String,
    pub company: String,
    pub person: String,
    pub name: String,
    pub title: Option<String>,
    pub email: Option<String>,
}

/// One note (a message's text, news, research, what someone said, a
/// reflection, feedback, a slip-up) found by its words.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct NoteHit {
    pub app: String,
    pub company: String,
    /// `message`, `news`, `research`, `said`, `reflection`, `feedback`,
    /// `slip-up`.
    pub kind: &'static str,
    /// The words around the match (at most about 160 characters).
    pub excerpt: String,
}

/// What a search found: the first [`SEARCH_TOP`] of each kind, with the
/// totals.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Found {
    pub query: String,
    pub applications: Vec<AppHit>,
    pub people: Vec<PersonHit>,
    pub notes: Vec<NoteHit>,
    pub totals: Totals,
}

#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Totals {
    pub applications: usize,
    pub people: usize,
    pub notes: usize,
}

/// Case-insensitive matching of `query`'s words: every word must appear.
struct Needle(Vec<String>);

impl Needle {
    fn new(query: &str) -> Needle {
        Needle(query.split_whitespace().map(str::to_lowercase).collect())
    }

    fn hits(&self, text: &str) -> bool {
        let t = text.to_lowercase();
        self.0.iter().all(|w| t.contains(w.as_str()))
    }

    /// About 160 characters of `text` around the first word's match.
    fn excerpt(&self, text: &str) -> String {
        let lower = text.to_lowercase();
        let first = self
            .0
            .first()
            .and_then(|w| lower.find(w.as_str()))
            .unwrap_or(0);
        // `lower` and `text` can differ in length (ß, İ): count characters.
        let at = lower[..first].chars().count();
        let start = at.saturating_sub(60);
        let chars: Vec<char> = text.chars().collect();
        let end = (start + 160).min(chars.len());
        let mut out: String = chars[start..end].iter().collect();
        out = out.split_whitespace().collect::<Vec<_>>().join(" ");
        if start > 0 {
            out.insert(0, '…');
        }
        if end < chars.len() {
            out.push('…');
        }
        out
    }
}

/// Checks a search query: one line, at most 200 characters, not blank.
pub fn check_query(q: &str) -> Result<String> {
    let q = q.trim();
    if q.is_empty() {
        return Err(Problem::field("q", "type a word to search for"));
    }
    crate::ops::one_line("q", q)?;
    Ok(q.to_string())
}

/// Searches every application, person and note of a store for `query`,
/// reading it one application at a time: memory holds the hits (at most
/// `SEARCH_TOP` of each kind), not the store.
pub fn search_store(store: &dyn StoreReader, query: &str) -> Result<Found> {
    let mut s = Search::new(query);
    store.each_application(&mut |a| {
        s.add(&a);
        Ok(())
    })?;
    Ok(s.finish())
}

/// A search fed one application at a time.
pub struct Search {
    n: Needle,
    f: Found,
}

impl Search {
    pub fn new(query: &str) -> Search {
        Search {
            n: Needle::new(query),
            f: Found {
                query: query.to_string(),
                ..Found::default()
            },
        }
    }

    pub fn add(&mut self, a: &Application) {
        let (n, f) = (&self.n, &mut self.f);
        if n.hits(&a.company) || n.hits(&a.role) || n.hits(&format!("{} {}", a.company, a.role)) {
            f.totals.applications += 1;
            if f.applications.len() < SEARCH_TOP {
                f.applications.push(AppHit {
                    app: a.id.to_string(),
                    company: a.company.clone(),
                    role: a.role.clone(),
                    stage: a.stage,
                });
            }
        }
        for p in &a.people {
            let fields = [
                Some(p.name.as_str()),
                p.title.as_deref(),
                p.email.as_deref(),
                p.phone.as_deref(),
            ];
            if fields.iter().flatten().any(|t| n.hits(t)) {
                f.totals.people += 1;
                if f.people.len() < SEARCH_TOP {
                    f.people.push(PersonHit {
                        app: a.id.to_string(),
                        company: a.company.clone(),
                        person: p.id.to_string(),
                        name: p.name.clone(),
                        title: p.title.clone(),
                        email: p.email.clone(),
                    });
                }
            }
        }
        for (kind, text) in notes(a) {
            if n.hits(text) {
                f.totals.notes += 1;
                if f.notes.len() < SEARCH_TOP {
                    f.notes.push(NoteHit {
                        app: a.id.to_string(),
                        company: a.company.clone(),
                        kind,
                        excerpt: n.excerpt(text),
                    });
                }
            }
        }
    }

    pub fn finish(self) -> Found {
        self.f
    }
}

/// Every free text of an application, with what it is.
fn notes(a: &Application) -> Vec<(&'static str, &str)> {
    let mut out: Vec<(&'static str, &str)> = Vec::new();
    out.extend(
        a.touches
            .iter()
            .filter_map(|t| t.note.as_deref().map(|n| ("message", n))),
    );
    out.extend(a.news.iter().map(|n| ("news", n.text.as_str())));
    for r in &a.research {
        out.push(("research", r.fact.as_str()));
        if let Some(c) = &r.contribution {
            out.push(("research", c.as_str()));
        }
    }
    for p in &a.people {
        out.extend(p.said.iter().map(|s| ("said", s.as_str())));
    }
    for iv in &a.interviews {
        out.extend(iv.slip_ups.iter().map(|s| ("slip-up", s.text.as_str())));
        if let Some(r) = &iv.reflection {
            out.push(("reflection", r.went_well.as_str()));
            out.push(("reflection", r.change.as_str()));
            out.extend(r.mistakes.iter().map(|m| ("reflection", m.as_str())));
            out.extend(r.missing_info.iter().map(|m| ("reflection", m.as_str())));
            if let Some(q) = &r.hardest_question {
                out.push(("reflection", q.as_str()));
            }
        }
    }
    if let Some(o) = &a.outcome {
        out.extend(o.feedback.iter().map(|fb| ("feedback", fb.text.as_str())));
    }
    out.retain(|(_, t)| !t.trim().is_empty());
    out
}

/// How the board and `GET /api/v1/applications` order applications.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Sort {
    /// The most recently added first (the default).
    #[default]
    Recent,
    /// The oldest first.
    Oldest,
    /// By company, A to Z.
    Company,
    /// The most actions overdue or due now first.
    ToDo,
}

impl Sort {
    pub const ALL: &'static [(Sort, &'static str, &'static str)] = &[
        (Sort::Recent, "recent", "Newest first"),
        (Sort::Oldest, "oldest", "Oldest first"),
        (Sort::Company, "company", "Company A–Z"),
        (Sort::ToDo, "to-do", "Most to do first"),
    ];

    pub fn parse(s: &str) -> Result<Sort> {
        Sort::ALL
            .iter()
            .find(|(_, w, _)| *w == s)
            .map(|(v, _, _)| *v)
            .ok_or_else(|| {
                Problem::field(
                    "sort",
                    format!("unknown sort '{s}'; expected recent, oldest, company or to-do"),
                )
            })
    }

    pub fn wire(self) -> &'static str {
        Sort::ALL
            .iter()
            .find(|(v, _, _)| *v == self)
            .map(|(_, w, _)| *w)
            .unwrap_or("recent")
    }
}

/// The board's filters: a stage, only those with actions due, words in
/// the company or role; and the order.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub stage: Option<Stage>,
    pub due: bool,
    /// The archived applications instead of the others.
    pub archived: bool,
    pub q: Option<String>,
    pub sort: Sort,
}

impl Filter {
    /// Reads the query fields `stage`, `due`, `q`, `sort` (blank: none).
    pub fn read(get: impl Fn(&str) -> Option<String>) -> Result<Filter> {
        let stage = match get("stage").filter(|s| !s.trim().is_empty()) {
            None => None,
            Some(s) => Some(
                s.trim()
                    .parse::<Stage>()
                    .map_err(|e| Problem::field("stage", e))?,
            ),
        };
        let flag = |name: &str| match get(name).as_deref().map(str::trim) {
            None | Some("") | Some("false") => Ok(false),
            Some("true") | Some("1") | Some("on") => Ok(true),
            Some(other) => Err(Problem::field(
                name,
                format!("'{other}' is not true or false"),
            )),
        };
        let due = flag("due")?;
        let archived = flag("archived")?;
        let q = get("q")
            .map(|q| q.trim().to_string())
            .filter(|q| !q.is_empty());
        if let Some(q) = &q {
            crate::ops::one_line("q", q)?;
        }
        let sort = match get("sort").filter(|s| !s.trim().is_empty()) {
            None => Sort::default(),
            Some(s) => Sort::parse(s.trim())?,
        };
        Ok(Filter {
            stage,
            due,
            archived,
            q,
            sort,
        })
    }

    pub fn is_set(&self) -> bool {
        self.stage.is_some()
            || self.due
            || self.archived
            || self.q.is_some()
            || self.sort != Sort::Recent
    }

    /// The applications that pass, in the chosen order.
    pub fn apply<'a>(&self, apps: &'a [AppSummary]) -> Vec<&'a AppSummary> {
        let n = self.q.as_deref().map(Needle::new);
        let mut out: Vec<&AppSummary> = apps
            .iter()
            .filter(|a| a.app.archived == self.archived)
            .filter(|a| self.stage.is_none_or(|s| a.app.stage == s))
            .filter(|a| !self.due || a.to_do > 0)
            .filter(|a| {
                n.as_ref()
                    .is_none_or(|n| n.hits(&format!("{} {}", a.app.company, a.app.role)))
            })
            .collect();
        match self.sort {
            Sort::Recent => out.reverse(),
            Sort::Oldest => {}
            Sort::Company => out.sort_by_cached_key(|a| a.app.company.to_lowercase()),
            // Stable: ties keep the newest first.
            Sort::ToDo => {
                out.reverse();
                out.sort_by_key(|a| std::cmp::Reverse(a.to_do));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_must_match_in_any_case() {
        let n = Needle::new("acme  ANALYST");
        assert!(n.hits("Acme Corp — Data Analyst"));
        assert!(!n.hits("Acme Corp — Engineer"));
    }

    #[test]
    fn an_excerpt_is_short_and_centred_on_the_match() {
        let long = format!("{} needle {}", "a ".repeat(200), "b ".repeat(200));
        let e = Needle::new("needle").excerpt(&long);
        assert!(e.contains("needle"), "{e}");
        assert!(e.starts_with('…') && e.ends_with('…'), "{e}");
        assert!(e.chars().count() <= 162, "{}", e.chars().count());
        // Lower-casing that changes the length does not slice mid-character.
        let e = Needle::new("straße").excerpt("İİİ STRASSE Straße");
        assert!(e.contains("Straße"), "{e}");
    }

    #[test]
    fn a_bad_filter_names_its_field() {
        let get = |k: &str| (k == "sort").then(|| "sideways".to_string());
        let e = Filter::read(get).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("sort"));
        let get = |k: &str| (k == "stage").then(|| "limbo".to_string());
        assert_eq!(
            Filter::read(get).unwrap_err().field.as_deref(),
            Some("stage")
        );
    }
}
