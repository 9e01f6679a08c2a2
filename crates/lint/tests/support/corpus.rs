//! The labelled corpus (`tests/corpus/*.note`), shared by the corpus test
//! and the speed example.
//!
//! A note file starts with TOML front matter between `+++` lines: the
//! application (`app`, an id in `apps.json`), the recipient (`to`), the note
//! `kind`, the moment of sending (`now`), optionally another panel member's
//! note (`panel = { person, note }`), and the rules it should trigger (`expect`).

#![allow(dead_code)] // each user takes what it needs

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use debrief_core::model::Application;
use debrief_lint::{Context, NoteKind};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Front {
    pub app: Option<String>,
    pub to: Option<String>,
    pub kind: Option<String>,
    pub now: Option<String>,
    pub panel: Option<PanelRef>,
    pub expect: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PanelRef {
    pub person: String,
    pub note: String,
}

pub struct Case {
    pub name: String,
    pub front: Front,
    pub body: String,
}

impl Case {
    pub fn expected(&self) -> BTreeSet<String> {
        self.front.expect.iter().cloned().collect()
    }
}

pub struct Corpus {
    pub cases: Vec<Case>,
    pub apps: Vec<Application>,
}

pub fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn split(text: &str) -> Result<(&str, &str), String> {
    let rest = text
        .strip_prefix("+++\n")
        .ok_or("front matter must start with a +++ line")?;
    let end = rest
        .find("\n+++\n")
        .ok_or("front matter must end with a +++ line")?;
    Ok((&rest[..end], &rest[end + 5..]))
}

impl Corpus {
    pub fn load() -> Result<Corpus, String> {
        let apps_text = std::fs::read_to_string(dir().join("apps.json"))
            .map_err(|e| format!("apps.json: {e}"))?;
        let apps: Vec<Application> =
            serde_json::from_str(&apps_text).map_err(|e| format!("apps.json: {e}"))?;
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir())
            .map_err(|e| format!("{}: {e}", dir().display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "note"))
            .collect();
        paths.sort();
        let mut cases = Vec::new();
        for p in paths {
            let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            let (front, body) = split(&text).map_err(|e| format!("{}: {e}", p.display()))?;
            let front: Front =
                toml::from_str(front).map_err(|e| format!("{}: {e}", p.display()))?;
            let name = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            cases.push(Case {
                name,
                front,
                body: body.to_string(),
            });
        }
        Ok(Corpus { cases, apps })
    }

    /// The store context a case is labelled for.
    pub fn context<'a>(&'a self, case: &'a Case) -> Result<Context<'a>, String> {
        let f = &case.front;
        let app = match &f.app {
            Some(id) => Some(
                self.apps
                    .iter()
                    .find(|a| &a.id == id)
                    .ok_or_else(|| format!("{}: no app {id} in apps.json", case.name))?,
            ),
            None => None,
        };
        let mut ctx = match (app, &f.to) {
            (Some(a), Some(to)) => Context::for_person(a, to),
            (Some(a), None) => Context {
                app: Some(a),
                ..Context::default()
            },
            _ => Context::default(),
        };
        if let Some(k) = &f.kind {
            ctx = ctx.kind(k.parse::<NoteKind>()?);
        }
        if let Some(n) = &f.now {
            let m: debrief_core::model::Moment = n
                .parse()
                .map_err(|e| format!("{}: now: {e:?}", case.name))?;
            ctx = ctx.at(m.ts);
        }
        if let Some(p) = &f.panel {
            let other = self
                .cases
                .iter()
                .find(|c| c.name == p.note)
                .ok_or_else(|| format!("{}: no note {}", case.name, p.note))?;
            ctx = ctx.with_panel(vec![(p.person.as_str(), other.body.as_str())]);
        }
        Ok(ctx)
    }
}
