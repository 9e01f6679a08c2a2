//! Reading and checking exchange files (`debrief/1`, FORMAT.md §1).
//!
//! Parsing is strict: an unknown field, a bad date or a dangling reference is
//! an error that names its JSON path, so a user can find it in their file.

use std::collections::HashSet;
use std::fmt;

use jiff::tz::TimeZone;

use crate::model::{Application, Dataset, FORMAT_TAG, Profile};

/// One problem in an exchange file, located by its JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeError {
    /// `applications[0].people[1].nmae`, or empty for the whole document.
    pub path: String,
    pub message: String,
    /// 1-based line and column in the file, when the parser knows them.
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl fmt::Display for ExchangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)?;
        if let (Some(l), Some(c)) = (self.line, self.column) {
            write!(f, " (line {l}, column {c})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ExchangeError {}

impl ExchangeError {
    pub fn at(path: impl Into<String>, message: impl Into<String>) -> Self {
        ExchangeError {
            path: path.into(),
            message: message.into(),
            line: None,
            column: None,
        }
    }
}

/// Parses and validates an exchange document.
pub fn parse(text: &str) -> Result<Dataset, ExchangeError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    let dataset: Dataset = serde_path_to_error::deserialize(de).map_err(|e| {
        let inner = e.inner();
        let (line, column) = (inner.line(), inner.column());
        let mut path = e.path().to_string();
        if path == "." {
            path.clear();
        }
        let mut message = serde_message(inner);
        // serde names the unknown field in its message; put it in the path
        // too, where people look, and suggest the field they meant.
        if let Some(field) = unknown_field(&message) {
            let expected = expected_fields(&message);
            let hint = expected
                .iter()
                .map(|f| (strsim::jaro_winkler(f, &field), f))
                .filter(|(s, _)| *s > 0.8)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, f)| format!("; did you mean `{f}`?"))
                .unwrap_or_default();
            if path.is_empty() {
                path = field.clone();
            } else if !path.ends_with(&field) {
                path = format!("{path}.{field}");
            }
            message = format!("unknown field{hint}");
        }
        ExchangeError {
            path,
            message,
            line: (line > 0).then_some(line),
            column: (line > 0).then_some(column),
        }
    })?;
    validate(&dataset)?;
    Ok(dataset)
}

/// serde_json's message without its own " at line L column C" tail.
fn serde_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    match full.rfind(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full,
    }
}

fn unknown_field(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    Some(rest[..rest.find('`')?].to_string())
}

fn expected_fields(message: &str) -> Vec<String> {
    message
        .split_once("expected ")
        .map(|(_, tail)| {
            tail.split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Checks what types alone cannot: the format tag, the time zone, unique ids
/// and that every reference points at something that exists.
pub fn validate(d: &Dataset) -> Result<(), ExchangeError> {
    if d.format != FORMAT_TAG {
        return Err(ExchangeError::at(
            "format",
            format!(
                "unsupported format '{}'; this version reads '{FORMAT_TAG}'",
                d.format
            ),
        ));
    }
    validate_profile(&d.profile)?;
    let mut app_ids = HashSet::new();
    for (i, app) in d.applications.iter().enumerate() {
        let here = format!("applications[{i}]");
        if !app_ids.insert(app.id.as_str()) {
            return Err(ExchangeError::at(
                format!("{here}.id"),
                format!("duplicate application id '{}'", app.id),
            ));
        }
        validate_application(app, &here)?;
    }
    Ok(())
}

pub fn validate_profile(p: &Profile) -> Result<(), ExchangeError> {
    parse_timezone(&p.timezone).map_err(|m| ExchangeError::at("profile.timezone", m))?;
    for (i, e) in p.emails.iter().enumerate() {
        check_email(e).map_err(|m| ExchangeError::at(format!("profile.emails[{i}]"), m))?;
    }
    Ok(())
}

/// An address as people write it: `name@domain`, no spaces.
pub fn check_email(e: &str) -> Result<(), String> {
    let ok = e.len() <= 320
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
        && e.split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty());
    if ok {
        Ok(())
    } else {
        Err(format!("'{e}' is not an email address"))
    }
}

/// A meeting link must be a web address: anything else (`javascript:`…)
/// would be unsafe to offer as a link.
pub fn check_link(link: &str) -> Result<(), String> {
    let lower = link.get(..8).unwrap_or(link).to_ascii_lowercase();
    let web = lower.starts_with("https://") || lower.starts_with("http://");
    if web
        && link.len() > "https://".len()
        && link.len() <= 4096
        && !link.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        Ok(())
    } else {
        Err(format!(
            "'{}' is not a web address (https://…)",
            link.chars().take(60).collect::<String>()
        ))
    }
}

/// Resolves an IANA time zone name, with an error a person can act on.
pub fn parse_timezone(name: &str) -> Result<TimeZone, String> {
    TimeZone::get(name).map_err(|_| {
        format!(
            "unknown time zone '{name}'; use an IANA name such as America/Chicago or Europe/London"
        )
    })
}

fn check_id(id: &str, path: String) -> Result<(), ExchangeError> {
    if id.trim().is_empty() {
        return Err(ExchangeError::at(path, "an id must not be empty"));
    }
    if id.chars().any(char::is_control) {
        return Err(ExchangeError::at(
            path,
            format!("the id {id:?} contains control characters"),
        ));
    }
    Ok(())
}

/// Validates one application; `here` is its JSON path.
pub fn validate_application(app: &Application, here: &str) -> Result<(), ExchangeError> {
    check_id(&app.id, format!("{here}.id"))?;
    if app.company.trim().is_empty() {
        return Err(ExchangeError::at(
            format!("{here}.company"),
            "the company name is empty",
        ));
    }
    let mut people = HashSet::new();
    for (j, p) in app.people.iter().enumerate() {
        check_id(&p.id, format!("{here}.people[{j}].id"))?;
        if !people.insert(p.id.as_str()) {
            return Err(ExchangeError::at(
                format!("{here}.people[{j}].id"),
                format!("duplicate person id '{}' in application '{}'", p.id, app.id),
            ));
        }
        if p.name.trim().is_empty() {
            return Err(ExchangeError::at(
                format!("{here}.people[{j}].name"),
                "the name is empty",
            ));
        }
    }
    let known = |id: &str, path: String| -> Result<(), ExchangeError> {
        if people.contains(id) {
            Ok(())
        } else {
            Err(ExchangeError::at(
                path,
                format!(
                    "unknown person '{id}'; application '{}' has no such person",
                    app.id
                ),
            ))
        }
    };
    let mut interviews = HashSet::new();
    let mut invites = HashSet::new();
    for (j, iv) in app.interviews.iter().enumerate() {
        let ih = format!("{here}.interviews[{j}]");
        check_id(&iv.id, format!("{ih}.id"))?;
        if !interviews.insert(iv.id.as_str()) {
            return Err(ExchangeError::at(
                format!("{ih}.id"),
                format!(
                    "duplicate interview id '{}' in application '{}'",
                    iv.id, app.id
                ),
            ));
        }
        if iv.minutes == 0 || iv.minutes > 24 * 60 {
            return Err(ExchangeError::at(
                format!("{ih}.minutes"),
                format!(
                    "{} minutes is not a plausible interview length (1 to 1440)",
                    iv.minutes
                ),
            ));
        }
        for (k, pid) in iv.interviewers.iter().enumerate() {
            known(pid, format!("{ih}.interviewers[{k}]"))?;
        }
        for (k, pid) in iv.also_met.iter().enumerate() {
            known(pid, format!("{ih}.also_met[{k}]"))?;
        }
        if let Some(link) = &iv.link {
            check_link(link).map_err(|m| ExchangeError::at(format!("{ih}.link"), m))?;
        }
        if let Some(invite) = &iv.invite {
            check_id(&invite.uid, format!("{ih}.invite.uid"))?;
            if !invites.insert(invite.uid.as_str()) {
                return Err(ExchangeError::at(
                    format!("{ih}.invite.uid"),
                    format!(
                        "two interviews of application '{}' come from the same invite '{}'",
                        app.id, invite.uid
                    ),
                ));
            }
        }
    }
    for (j, t) in app.touches.iter().enumerate() {
        if let Some(pid) = &t.person {
            known(pid, format!("{here}.touches[{j}].person"))?;
        }
        if let Some(r) = t.replied_at
            && r < t.at
        {
            return Err(ExchangeError::at(
                format!("{here}.touches[{j}].replied_at"),
                format!(
                    "the reply ({r}) comes before the touch it answers ({})",
                    t.at
                ),
            ));
        }
    }
    for (j, d) in app.dismissed.iter().enumerate() {
        if crate::rules::Rule::from_id(&d.rule).is_none() {
            return Err(ExchangeError::at(
                format!("{here}.dismissed[{j}].rule"),
                format!("unknown rule '{}'", d.rule),
            ));
        }
        if let Some(iv) = &d.interview
            && !interviews.contains(iv.as_str())
        {
            return Err(ExchangeError::at(
                format!("{here}.dismissed[{j}].interview"),
                format!("unknown interview '{iv}'"),
            ));
        }
        if let Some(pid) = &d.person {
            known(pid, format!("{here}.dismissed[{j}].person"))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{"format":"debrief/1","profile":{"name":"Sam","timezone":"America/Chicago"},
        "applications":[{"id":"a","company":"Acme","role":"Analyst",
          "people":[{"id":"marie","name":"Marie Dubois","kind":"interviewer"}]}]}"#;

    #[test]
    fn a_minimal_file_parses() {
        let d = parse(MINIMAL).expect("valid");
        assert_eq!(d.applications[0].people[0].name, "Marie Dubois");
    }

    #[test]
    fn an_unknown_field_is_named_with_its_path_and_a_hint() {
        let bad = MINIMAL.replace(r#""name":"Marie Dubois""#, r#""nmae":"Marie Dubois""#);
        let e = parse(&bad).unwrap_err();
        assert_eq!(e.path, "applications[0].people[0].nmae");
        assert!(
            e.message.contains("unknown field; did you mean `name`?"),
            "{e}"
        );
    }

    #[test]
    fn a_bad_date_names_its_place() {
        let bad = MINIMAL.replace(
            r#""applications":[{"#,
            r#""applications":[{"news":[{"on":"2026-02-30","text":"x"}],"#,
        );
        let e = parse(&bad).unwrap_err();
        assert_eq!(e.path, "applications[0].news[0].on", "{e}");
    }

    #[test]
    fn a_bad_time_zone_is_refused() {
        let e = parse(&MINIMAL.replace("America/Chicago", "Mars/Olympus")).unwrap_err();
        assert_eq!(e.path, "profile.timezone");
        assert!(e.message.contains("Mars/Olympus"));
    }

    #[test]
    fn duplicate_and_dangling_ids_are_refused() {
        let dup = MINIMAL.replace(
            r#"{"id":"marie","name":"Marie Dubois","kind":"interviewer"}"#,
            r#"{"id":"marie","name":"Marie Dubois"},{"id":"marie","name":"M"}"#,
        );
        assert_eq!(
            parse(&dup).unwrap_err().path,
            "applications[0].people[1].id"
        );
        let dangling = MINIMAL.replace(
            r#""role":"Analyst","#,
            r#""role":"Analyst","interviews":[{"id":"i","start":"2026-11-20T10:00:00-06:00","interviewers":["raj"]}],"#,
        );
        let e = parse(&dangling).unwrap_err();
        assert_eq!(e.path, "applications[0].interviews[0].interviewers[0]");
        assert!(e.message.contains("raj"));
    }

    #[test]
    fn truncated_json_reports_a_position() {
        let e = parse(&MINIMAL[..60]).unwrap_err();
        assert!(e.line.is_some(), "{e}");
    }

    #[test]
    fn interview_extensions_round_trip_and_are_checked() {
        let with = MINIMAL.replace(
            r#""role":"Analyst","#,
            r#""role":"Analyst","interviews":[{"id":"i","start":"2026-11-20T10:00:00-06:00",
              "location":"1 Main St","link":"https://meet.example/x",
              "invite":{"uid":"abc@example","sequence":3}}],"#,
        );
        let d = parse(&with).expect("valid");
        let iv = &d.applications[0].interviews[0];
        assert_eq!(iv.location.as_deref(), Some("1 Main St"));
        assert_eq!(iv.invite.as_ref().map(|i| i.sequence), Some(3));
        let json = serde_json::to_string(&d).expect("json");
        assert_eq!(parse(&json).expect("round trip"), d);

        let bad = with.replace("https://meet.example/x", "javascript:alert(1)");
        assert_eq!(
            parse(&bad).unwrap_err().path,
            "applications[0].interviews[0].link"
        );
        let twice = with.replace(
            r#""invite":{"uid":"abc@example","sequence":3}}]"#,
            r#""invite":{"uid":"abc@example","sequence":3}},
               {"id":"j","start":"2026-11-21T10:00:00-06:00","invite":{"uid":"abc@example"}}]"#,
        );
        assert_eq!(
            parse(&twice).unwrap_err().path,
            "applications[0].interviews[1].invite.uid"
        );
        let email = MINIMAL.replace(
            r#""timezone":"America/Chicago""#,
            r#""timezone":"America/Chicago","emails":["sam@mail.example","not an address"]"#,
        );
        assert_eq!(parse(&email).unwrap_err().path, "profile.emails[1]");
    }

    #[test]
    fn the_format_tag_is_checked() {
        let e = parse(&MINIMAL.replace("debrief/1", "debrief/9")).unwrap_err();
        assert_eq!(e.path, "format");
    }
}
