//! Which column holds what, and how another tracker's stages read in
//! Debrief: the Huntr and JobSync presets, `--map FIELD=COLUMN`, and
//! mapping files.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use debrief_core::model::Stage;
use serde::Deserialize;

/// Where the CSV comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Huntr's job export (`id, createdAt, title, … companyName, listName …`).
    Huntr,
    /// JobSync's export (`index, createdAt, applied, appliedDate, Company,
    /// JobTitle, … Status`).
    JobSync,
    /// Any CSV, with the columns named by the user.
    Mapped,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Huntr => "huntr",
            Source::JobSync => "jobsync",
            Source::Mapped => "mapped",
        }
    }

    /// For messages: "Huntr export".
    pub fn label(self) -> &'static str {
        match self {
            Source::Huntr => "Huntr export",
            Source::JobSync => "JobSync export",
            Source::Mapped => "CSV file",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a column can mean to Debrief.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Company,
    Role,
    Stage,
    /// The other tracker's own id for the job: a row whose id was seen
    /// earlier in the file is a duplicate.
    Id,
    /// The job posting's address (kept only when it is http:// or https://).
    PostingUrl,
    /// Where the job is, as posted.
    Location,
    /// The salary range in the posting's words.
    Salary,
    /// The day the application was sent (the cell's first ten characters,
    /// YYYY-MM-DD).
    AppliedOn,
    /// Where the job came from (referral, a board, a recruiter…).
    JobSource,
}

impl Field {
    pub const ALL: [Field; 9] = [
        Field::Company,
        Field::Role,
        Field::Stage,
        Field::Id,
        Field::PostingUrl,
        Field::Location,
        Field::Salary,
        Field::AppliedOn,
        Field::JobSource,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Field::Company => "company",
            Field::Role => "role",
            Field::Stage => "stage",
            Field::Id => "id",
            Field::PostingUrl => "posting_url",
            Field::Location => "location",
            Field::Salary => "salary",
            Field::AppliedOn => "applied_on",
            Field::JobSource => "source",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Field {
    type Err = MappingError;
    fn from_str(s: &str) -> Result<Field, MappingError> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "company" | "employer" => Field::Company,
            "role" | "title" | "position" => Field::Role,
            "stage" | "status" | "list" => Field::Stage,
            "id" => Field::Id,
            "posting_url" | "url" => Field::PostingUrl,
            "location" => Field::Location,
            "salary" => Field::Salary,
            "applied_on" | "applied" => Field::AppliedOn,
            "source" => Field::JobSource,
            other => return Err(MappingError::UnknownField(other.to_string())),
        })
    }
}

/// What a stage value from the file becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageChoice {
    Stage(Stage),
    /// Not an application yet (a wishlist): left out.
    Skip,
}

impl fmt::Display for StageChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StageChoice::Stage(s) => write!(f, "{s}"),
            StageChoice::Skip => f.write_str("skip"),
        }
    }
}

impl FromStr for StageChoice {
    type Err = MappingError;
    fn from_str(s: &str) -> Result<StageChoice, MappingError> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("skip") {
            return Ok(StageChoice::Skip);
        }
        s.to_ascii_lowercase()
            .parse::<Stage>()
            .map(StageChoice::Stage)
            .map_err(|e| MappingError::BadStage(format!("{e}, or skip")))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    #[error(
        "'{0}' is not a field; map company, role, stage, id, posting_url, location, salary, applied_on or source"
    )]
    UnknownField(String),
    #[error("{0}")]
    BadStage(String),
    #[error("'{0}': write FIELD=COLUMN, e.g. company=Employer")]
    BadMap(String),
    #[error("'{0}': write VALUE=STAGE, e.g. \"Phone screen=screening\" or Wishlist=skip")]
    BadStageMap(String),
    #[error("the delimiter must be one character, e.g. \";\" or \"\\t\"; got '{0}'")]
    BadDelimiter(String),
    #[error("line {line}: {message}")]
    File { line: usize, message: String },
}

/// Which columns hold what, and the user's own stage names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    pub source: Source,
    /// Per field, the header names to look for (any case), first found wins.
    pub columns: BTreeMap<Field, Vec<String>>,
    /// The user's stage names, before the built-in ones (matched in any case).
    pub stages: Vec<(String, StageChoice)>,
    /// `None`: guessed from the header line.
    pub delimiter: Option<u8>,
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

impl Mapping {
    pub fn new(source: Source) -> Mapping {
        let mut columns = BTreeMap::new();
        match source {
            Source::Huntr => {
                // Huntr's export names, then the labels its board shows.
                columns.insert(
                    Field::Company,
                    names(&["companyName", "company", "employer", "company name"]),
                );
                columns.insert(
                    Field::Role,
                    names(&["title", "jobTitle", "job title", "position"]),
                );
                columns.insert(
                    Field::Stage,
                    names(&["listName", "list", "status", "stage"]),
                );
                columns.insert(Field::Id, names(&["id", "jobId", "job id"]));
                // The job's details as Huntr's export names them.
                columns.insert(Field::PostingUrl, names(&["url"]));
                columns.insert(Field::Location, names(&["location"]));
                columns.insert(Field::Salary, names(&["salary"]));
            }
            Source::JobSync => {
                columns.insert(Field::Company, names(&["Company"]));
                columns.insert(Field::Role, names(&["JobTitle", "job title", "title"]));
                columns.insert(Field::Stage, names(&["Status"]));
                columns.insert(Field::Location, names(&["Location"]));
                columns.insert(Field::AppliedOn, names(&["appliedDate"]));
                columns.insert(Field::JobSource, names(&["JobSource"]));
                // `index` only counts rows: no id.
            }
            Source::Mapped => {}
        }
        Mapping {
            source,
            columns,
            stages: Vec::new(),
            delimiter: None,
        }
    }

    /// `FIELD=COLUMN` (from `--map`): this column, and only it, for FIELD.
    pub fn map(&mut self, spec: &str) -> Result<(), MappingError> {
        let (field, column) = spec
            .split_once('=')
            .filter(|(f, c)| !f.trim().is_empty() && !c.trim().is_empty())
            .ok_or_else(|| MappingError::BadMap(spec.to_string()))?;
        self.columns
            .insert(field.parse()?, vec![column.trim().to_string()]);
        Ok(())
    }

    /// `VALUE=STAGE` (from `--stage`): the user's name for a stage.
    pub fn stage(&mut self, spec: &str) -> Result<(), MappingError> {
        let (value, stage) = spec
            .rsplit_once('=')
            .filter(|(v, _)| !v.trim().is_empty())
            .ok_or_else(|| MappingError::BadStageMap(spec.to_string()))?;
        let choice = stage.parse()?;
        self.stages.push((value.trim().to_string(), choice));
        Ok(())
    }

    /// A mapping file (TOML):
    ///
    /// ```toml
    /// delimiter = ";"          # optional: guessed from the header line
    /// [columns]
    /// company = "Employer"
    /// role = "Position"
    /// stage = "Status"
    /// id = "Ref"
    /// [stages]
    /// "Phone screen" = "screening"
    /// "Saved" = "skip"
    /// ```
    pub fn read_file(&mut self, text: &str) -> Result<(), MappingError> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            #[serde(default)]
            delimiter: Option<String>,
            #[serde(default)]
            columns: BTreeMap<String, String>,
            #[serde(default)]
            stages: BTreeMap<String, String>,
        }
        let file: File = toml::from_str(text).map_err(|e| MappingError::File {
            line: e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
                .unwrap_or(1),
            message: e.message().trim().to_string(),
        })?;
        if let Some(d) = file.delimiter {
            let d2 = if d == "\\t" {
                "\t".to_string()
            } else {
                d.clone()
            };
            match d2.as_bytes() {
                [b] if d2.is_ascii() => self.delimiter = Some(*b),
                _ => return Err(MappingError::BadDelimiter(d)),
            }
        }
        for (field, column) in file.columns {
            self.map(&format!("{field}={column}"))?;
        }
        for (value, stage) in file.stages {
            self.stages.push((value, stage.parse()?));
        }
        Ok(())
    }
}

/// How a stage value was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum How {
    /// From `--stage` or the mapping file.
    Yours,
    /// Debrief's own vocabulary of tracker stages.
    BuiltIn,
    /// No stage given: applied.
    Empty,
    /// Not understood: applied, and the report asks for `--stage`.
    Unknown,
}

impl How {
    pub fn as_str(self) -> &'static str {
        match self {
            How::Yours => "yours",
            How::BuiltIn => "built-in",
            How::Empty => "empty",
            How::Unknown => "unknown",
        }
    }
}

/// Lower case, words separated by single spaces: "Phone-Screen " →
/// "phone screen".
fn words(value: &str) -> String {
    value
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads a tracker's stage: the user's names first, then the lists and
/// statuses Huntr, JobSync, Teal and hand-made spreadsheets use.
pub fn read_stage(value: &str, yours: &[(String, StageChoice)]) -> (StageChoice, How) {
    let w = words(value);
    if let Some((_, c)) = yours.iter().find(|(v, _)| words(v) == w) {
        return (*c, How::Yours);
    }
    if w.is_empty() {
        return (StageChoice::Stage(Stage::Applied), How::Empty);
    }
    let has = |k: &str| w.split(' ').any(|x| x == k);
    let starts = |k: &str| w.split(' ').any(|x| x.starts_with(k));
    let phrase = |p: &str| w == p || w.contains(p);
    use StageChoice::{Skip, Stage as S};
    let choice = if phrase("not selected") || starts("reject") || phrase("turned down") {
        S(Stage::Rejected)
    } else if starts("withdr") || phrase("not interested") {
        S(Stage::Withdrawn)
    } else if starts("offer") || has("accepted") || starts("negotiat") || has("hired") {
        S(Stage::Offer)
    } else if starts("archiv")
        || starts("expired")
        || starts("ghost")
        || has("closed")
        || phrase("no response")
        || phrase("no reply")
        || has("filled")
    {
        S(Stage::Closed)
    } else if starts("interview")
        || has("onsite")
        || phrase("on site")
        || has("round")
        || has("final")
        || has("panel")
    {
        S(Stage::Interviewing)
    } else if starts("screen")
        || phrase("phone call")
        || phrase("recruiter call")
        || phrase("hr call")
        || starts("assessment")
        || phrase("take home")
        || phrase("coding challenge")
    {
        S(Stage::Screening)
    } else if starts("wish")
        || starts("bookmark")
        || has("saved")
        || has("draft")
        || has("interested")
        || phrase("to apply")
        || phrase("not applied")
        || starts("research")
    {
        Skip
    } else if starts("appl") || has("submitted") || has("sent") || has("waiting") {
        S(Stage::Applied)
    } else {
        return (S(Stage::Applied), How::Unknown);
    };
    (choice, How::BuiltIn)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(v: &str) -> (StageChoice, How) {
        read_stage(v, &[])
    }

    #[test]
    fn every_trackers_stage_names_land_on_a_debrief_stage() {
        use StageChoice::{Skip, Stage as S};
        for (value, want) in [
            // Huntr's default lists.
            ("Wishlist", Skip),
            ("Applied", S(Stage::Applied)),
            ("Interview", S(Stage::Interviewing)),
            ("Offer", S(Stage::Offer)),
            ("Rejected", S(Stage::Rejected)),
            // JobSync's statuses.
            ("Draft", Skip),
            ("Expired", S(Stage::Closed)),
            ("Archived", S(Stage::Closed)),
            // Teal's and hand-made ones.
            ("Bookmarked", Skip),
            ("Applying", S(Stage::Applied)),
            ("Phone Screen", S(Stage::Screening)),
            ("Final round", S(Stage::Interviewing)),
            ("Negotiating", S(Stage::Offer)),
            ("I Withdrew", S(Stage::Withdrawn)),
            ("Not Selected", S(Stage::Rejected)),
            ("No Response", S(Stage::Closed)),
            ("Ghosted 👻", S(Stage::Closed)),
            ("  INTERVIEWING ", S(Stage::Interviewing)),
        ] {
            assert_eq!(read(value), (want, How::BuiltIn), "{value}");
        }
        assert_eq!(read(""), (S(Stage::Applied), How::Empty));
        assert_eq!(read("On hold"), (S(Stage::Applied), How::Unknown));
        let yours = vec![("on-hold".to_string(), S(Stage::Closed))];
        assert_eq!(
            read_stage("On Hold", &yours),
            (S(Stage::Closed), How::Yours)
        );
    }

    #[test]
    fn flags_and_files_name_columns_and_stages() {
        let mut m = Mapping::new(Source::Mapped);
        m.map("company=Employer").expect("ok");
        m.map(" Title = Job Title ").expect("ok");
        m.stage("Phone screen=screening").expect("ok");
        m.stage("a=b=skip").expect("the last = splits");
        assert_eq!(m.columns[&Field::Company], vec!["Employer"]);
        assert_eq!(m.columns[&Field::Role], vec!["Job Title"]);
        assert_eq!(m.stages[1], ("a=b".to_string(), StageChoice::Skip));
        assert!(matches!(
            m.map("wage=Pay"),
            Err(MappingError::UnknownField(_))
        ));
        assert!(matches!(m.map("company"), Err(MappingError::BadMap(_))));
        assert!(
            m.stage("Saved=later")
                .unwrap_err()
                .to_string()
                .contains("or skip")
        );

        let mut f = Mapping::new(Source::Mapped);
        f.read_file(
            "delimiter = \";\"\n[columns]\ncompany = \"Firma\"\nstage = \"Stand\"\n[stages]\n\"Absage\" = \"rejected\"\n",
        )
        .expect("reads");
        assert_eq!(f.delimiter, Some(b';'));
        assert_eq!(f.columns[&Field::Stage], vec!["Stand"]);
        assert_eq!(
            f.stages,
            vec![("Absage".to_string(), StageChoice::Stage(Stage::Rejected))]
        );
        let e = Mapping::new(Source::Mapped)
            .read_file("[columns]\ncompany = \"A\"\n[stage]\n")
            .unwrap_err();
        assert!(matches!(e, MappingError::File { line: 3, .. }), "{e}");
    }
}
