//! Deleting or correcting any one record of an application, from every
//! front end (the CLI's `debrief delete` and `debrief correct`, the API's
//! `DELETE` and `PATCH`). Like `edit`, pure: the caller runs it inside one store
//! transaction, validates and writes; the journal makes it undoable.
//!
//! Records without ids are named by their 1-based position as `debrief
//! app show` and the API list them (touches in time order, news, research,
//! feedback points, dismissals; a person's `said` lines; an interview's
//! slip-ups).

use crate::edit::EditError;
use crate::model::{Application, InterviewId, PersonId};

/// One record to delete.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// A person; with `from_panels`, also taken off every interview panel
    /// (else a person on a panel is refused).
    Person {
        id: PersonId,
        from_panels: bool,
    },
    Interview {
        id: InterviewId,
    },
    Touch {
        index: usize,
    },
    /// The reply recorded on a touch (the touch stays).
    Reply {
        index: usize,
    },
    Said {
        person: PersonId,
        index: usize,
    },
    SlipUp {
        interview: InterviewId,
        index: usize,
    },
    News {
        index: usize,
    },
    Research {
        index: usize,
    },
    Feedback {
        point: usize,
    },
    Reflection {
        interview: InterviewId,
    },
    Dismissal {
        index: usize,
    },
    Outcome,
}

fn missing(field: &str, message: String) -> EditError {
    EditError {
        field: field.to_string(),
        message,
        missing: true,
    }
}

/// Checks a 1-based position in a list of `len` things called `what`.
fn position(index: usize, len: usize, what: &str, app: &str) -> Result<usize, EditError> {
    if index == 0 || index > len {
        // "touches", "slip-ups", "said lines".
        let many = if what.ends_with("ch") {
            format!("{what}es")
        } else {
            format!("{what}s")
        };
        let known = match len {
            0 => format!("application '{app}' has no {many}"),
            1 => format!("application '{app}' has 1 {what} (number 1)"),
            n => format!("application '{app}' has {n} {many} (numbers 1 to {n})"),
        };
        return Err(missing(
            "index",
            format!("no {what} number {index}: {known}"),
        ));
    }
    Ok(index - 1)
}

/// Deletes `target` from `app`; returns what was deleted, in words.
pub fn remove(app: &mut Application, target: &Target) -> Result<String, EditError> {
    let app_id = app.id.clone();
    match target {
        Target::Person { id, from_panels } => {
            let Some(at) = app.people.iter().position(|p| &p.id == id) else {
                return Err(missing(
                    "person",
                    format!("unknown person '{id}' in application '{app_id}'"),
                ));
            };
            let name = app.people[at].name.clone();
            let panels: Vec<String> = app
                .interviews
                .iter()
                .filter(|i| i.interviewers.contains(id) || i.also_met.contains(id))
                .map(|i| i.id.to_string())
                .collect();
            if !panels.is_empty() && !from_panels {
                return Err(EditError::field(
                    "from_panels",
                    format!(
                        "{name} is on the panel of interview {}; remove them from the panel too (--from-panels; the API's ?from_panels=true), or keep them",
                        panels.join(", ")
                    ),
                ));
            }
            let touches = app
                .touches
                .iter()
                .filter(|t| t.person.as_deref() == Some(id.as_str()))
                .count();
            if touches > 0 {
                return Err(EditError::field(
                    "person",
                    format!(
                        "{touches} logged touch{} to {name}; delete {} first, or keep {name}",
                        if touches == 1 { " is" } else { "es are" },
                        if touches == 1 { "it" } else { "them" }
                    ),
                ));
            }
            for i in &mut app.interviews {
                i.interviewers.retain(|p| p != id);
                i.also_met.retain(|p| p != id);
            }
            app.dismissed
                .retain(|d| d.person.as_deref() != Some(id.as_str()));
            app.people.remove(at);
            Ok(if panels.is_empty() {
                format!("person {name}")
            } else {
                format!(
                    "person {name} (and from the panel of {})",
                    panels.join(", ")
                )
            })
        }
        Target::Interview { id } => {
            let Some(at) = app.interviews.iter().position(|i| &i.id == id) else {
                return Err(missing(
                    "interview",
                    format!("unknown interview '{id}' in application '{app_id}'"),
                ));
            };
            app.dismissed
                .retain(|d| d.interview.as_deref() != Some(id.as_str()));
            app.interviews.remove(at);
            Ok(format!("interview {id}"))
        }
        Target::Touch { index } => {
            let i = position(*index, app.touches.len(), "touch", &app_id)?;
            let t = app.touches.remove(i);
            Ok(format!(
                "touch {index} ({} by {}, {})",
                t.kind, t.channel, t.at
            ))
        }
        Target::Reply { index } => {
            let i = position(*index, app.touches.len(), "touch", &app_id)?;
            if app.touches[i].replied_at.take().is_none() {
                return Err(missing(
                    "index",
                    format!("touch {index} has no reply recorded"),
                ));
            }
            Ok(format!("the reply to touch {index}"))
        }
        Target::Said { person, index } => {
            let Some(p) = app.people.iter_mut().find(|p| &p.id == person) else {
                return Err(missing(
                    "person",
                    format!("unknown person '{person}' in application '{app_id}'"),
                ));
            };
            let i = position(*index, p.said.len(), "said line", &app_id)?;
            let text = p.said.remove(i);
            Ok(format!("what {} said: \"{text}\"", p.name))
        }
        Target::SlipUp { interview, index } => {
            let Some(iv) = app.interviews.iter_mut().find(|i| &i.id == interview) else {
                return Err(missing(
                    "interview",
                    format!("unknown interview '{interview}' in application '{app_id}'"),
                ));
            };
            let i = position(*index, iv.slip_ups.len(), "slip-up", &app_id)?;
            let s = iv.slip_ups.remove(i);
            Ok(format!("slip-up \"{}\"", s.text))
        }
        Target::News { index } => {
            let i = position(*index, app.news.len(), "news item", &app_id)?;
            let n = app.news.remove(i);
            Ok(format!("news \"{}\"", n.text))
        }
        Target::Research { index } => {
            let i = position(*index, app.research.len(), "research fact", &app_id)?;
            let r = app.research.remove(i);
            Ok(format!("research \"{}\"", r.fact))
        }
        Target::Feedback { point } => {
            let len = app.outcome.as_ref().map_or(0, |o| o.feedback.len());
            let i = position(*point, len, "feedback point", &app_id)?;
            let f = match app.outcome.as_mut() {
                Some(o) => o.feedback.remove(i),
                None => return Err(missing("point", "no outcome recorded".into())),
            };
            Ok(format!("feedback point {point} \"{}\"", f.text))
        }
        Target::Reflection { interview } => {
            let Some(iv) = app.interviews.iter_mut().find(|i| &i.id == interview) else {
                return Err(missing(
                    "interview",
                    format!("unknown interview '{interview}' in application '{app_id}'"),
                ));
            };
            if iv.reflection.take().is_none() {
                return Err(missing(
                    "interview",
                    format!("interview '{interview}' has no reflection"),
                ));
            }
            Ok(format!("the reflection on {interview}"))
        }
        Target::Dismissal { index } => {
            let i = position(*index, app.dismissed.len(), "dismissal", &app_id)?;
            let d = app.dismissed.remove(i);
            Ok(format!("dismissal of {}", d.rule))
        }
        Target::Outcome => {
            if app.outcome.take().is_none() {
                return Err(missing(
                    "outcome",
                    format!("application '{app_id}' has no outcome"),
                ));
            }
            Ok("the outcome".to_string())
        }
    }
}

/// Changes fields of one record, named as for [`remove`]: `patch` holds
/// exchange-format fields (`{"kind": "thank-you"}` for a touch, `{"text":
/// …}` for a said line or news); fields not named stay. An unknown field,
/// a value of the wrong type and a changed id are refused naming the
/// field. The caller validates the application afterwards. Returns what
/// was changed, in words.
pub fn correct(
    app: &mut Application,
    target: &Target,
    patch: &serde_json::Map<String, serde_json::Value>,
) -> Result<String, EditError> {
    use serde::Serialize;
    use serde::de::DeserializeOwned;

    fn merge<T: Serialize + DeserializeOwned>(
        record: &mut T,
        patch: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<(), EditError> {
        let mut value = serde_json::to_value(&*record)
            .map_err(|e| EditError::field("record", e.to_string()))?;
        let Some(fields) = value.as_object_mut() else {
            return Err(EditError::field(
                "record",
                "this record has no fields to change",
            ));
        };
        for (key, v) in patch {
            if key == "id" {
                return Err(EditError::field(
                    "id",
                    "an id cannot be changed (delete the record and add it again)",
                ));
            }
            if !fields.contains_key(key) {
                let known: Vec<&str> = fields.keys().map(String::as_str).collect();
                return Err(EditError::field(
                    key,
                    format!(
                        "unknown field '{key}'; this record has {}",
                        known.join(", ")
                    ),
                ));
            }
            fields.insert(key.clone(), v.clone());
        }
        *record = serde_json::from_value(value).map_err(|e| {
            let field = patch.keys().next().map_or("record", String::as_str);
            EditError::field(field, e.to_string())
        })?;
        Ok(())
    }

    // Find the record with `remove`'s checks (on a copy), then change it.
    let mut probe = app.clone();
    let what = match target {
        // Removing a person probes more than needed; only the lookup matters.
        Target::Person { id, .. } => {
            if app.person(id).is_none() {
                return Err(missing(
                    "person",
                    format!("unknown person '{id}' in application '{}'", app.id),
                ));
            }
            format!("person {id}")
        }
        other => remove(&mut probe, other)?,
    };
    let what = what.replacen("the reply to", "the reply on", 1);
    match target {
        Target::Person { id, .. } => {
            let p = app.people.iter_mut().find(|p| &p.id == id);
            if let Some(p) = p {
                merge(p, patch)?;
            }
        }
        Target::Interview { id } => {
            if let Some(i) = app.interviews.iter_mut().find(|i| &i.id == id) {
                merge(i, patch)?;
            }
        }
        Target::Touch { index } | Target::Reply { index } => {
            merge(&mut app.touches[index - 1], patch)?;
            app.touches.sort_by_key(|t| t.at);
        }
        Target::Said { person, index } => {
            let text = patch
                .get("text")
                .and_then(|v| v.as_str())
                .filter(|_| patch.len() == 1)
                .ok_or_else(|| EditError::field("text", "give the new words as {\"text\": …}"))?;
            if let Some(p) = app.people.iter_mut().find(|p| &p.id == person) {
                p.said[index - 1] = text.to_string();
            }
        }
        Target::SlipUp { interview, index } => {
            if let Some(i) = app.interviews.iter_mut().find(|i| &i.id == interview) {
                merge(&mut i.slip_ups[index - 1], patch)?;
            }
        }
        Target::News { index } => merge(&mut app.news[index - 1], patch)?,
        Target::Research { index } => merge(&mut app.research[index - 1], patch)?,
        Target::Feedback { point } => {
            if let Some(o) = app.outcome.as_mut() {
                merge(&mut o.feedback[point - 1], patch)?;
            }
        }
        Target::Reflection { interview } => {
            if let Some(r) = app
                .interviews
                .iter_mut()
                .find(|i| &i.id == interview)
                .and_then(|i| i.reflection.as_mut())
            {
                merge(r, patch)?;
            }
        }
        Target::Dismissal { index } => merge(&mut app.dismissed[index - 1], patch)?,
        Target::Outcome => {
            if let Some(o) = app.outcome.as_mut() {
                merge(o, patch)?;
            }
        }
    }
    Ok(what)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Interview, Person, PersonKind};

    fn app() -> Application {
        let mut a = Application::new("a", "Acme", "Analyst");
        let mut marie = Person::new("marie", "Marie Dubois", PersonKind::Interviewer);
        marie.said = vec!["one".into(), "two".into()];
        a.people = vec![
            marie,
            Person::new("raj", "Raj Patel", PersonKind::Interviewer),
        ];
        let mut iv = Interview::new(
            "panel",
            "2026-11-20T10:00:00-06:00".parse().expect("moment"),
        );
        iv.interviewers = vec!["marie".into()];
        a.interviews = vec![iv];
        a
    }

    #[test]
    fn a_person_on_a_panel_is_refused_unless_taken_off_it() {
        let mut a = app();
        let target = Target::Person {
            id: "marie".into(),
            from_panels: false,
        };
        let e = remove(&mut a, &target).expect_err("on a panel");
        assert!(
            e.message.contains("panel of interview panel"),
            "{}",
            e.message
        );
        assert_eq!(a.people.len(), 2);
        let target = Target::Person {
            id: "marie".into(),
            from_panels: true,
        };
        remove(&mut a, &target).expect("taken off the panel");
        assert_eq!(a.people.len(), 1);
        assert!(a.interviews[0].interviewers.is_empty());
        crate::exchange::validate_application(&a, "a").expect("still valid");
    }

    #[test]
    fn a_record_is_corrected_field_by_field() {
        let mut a = app();
        let patch = |v: serde_json::Value| v.as_object().cloned().expect("object");
        let said = Target::Said {
            person: "marie".into(),
            index: 1,
        };
        correct(&mut a, &said, &patch(serde_json::json!({"text": "uno"}))).expect("said");
        assert_eq!(a.people[0].said, ["uno", "two"]);
        let person = Target::Person {
            id: "raj".into(),
            from_panels: false,
        };
        correct(
            &mut a,
            &person,
            &patch(serde_json::json!({"title": "Lead"})),
        )
        .expect("title");
        assert_eq!(a.people[1].title.as_deref(), Some("Lead"));
        let e = correct(&mut a, &person, &patch(serde_json::json!({"nmae": "x"})))
            .expect_err("unknown field");
        assert_eq!(e.field, "nmae");
        let e = correct(&mut a, &person, &patch(serde_json::json!({"id": "x"}))).expect_err("id");
        assert_eq!(e.field, "id");
        let e = correct(
            &mut a,
            &person,
            &patch(serde_json::json!({"kind": "wizard"})),
        )
        .expect_err("bad value");
        assert_eq!(e.field, "kind");
        assert_eq!(a.people[1].kind, PersonKind::Interviewer);
    }

    #[test]
    fn positions_are_one_based_and_checked() {
        let mut a = app();
        let said = |index| Target::Said {
            person: "marie".into(),
            index,
        };
        assert!(remove(&mut a, &said(0)).expect_err("0").missing);
        assert!(
            remove(&mut a, &said(3))
                .expect_err("3")
                .message
                .contains("numbers 1 to 2")
        );
        remove(&mut a, &said(2)).expect("the second");
        assert_eq!(a.people[0].said, ["one"]);
        assert!(remove(&mut a, &Target::News { index: 1 }).is_err());
    }
}
