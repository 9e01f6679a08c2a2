//! Builds a store the size of a heavy user's (10,000 applications, 50,000
//! interviews, 200,000 touches) in a temp directory, then times the import
//! (one `apply`) and cold and warm loads.
//!
//! `cargo run --release -p debrief-store-sqlite --example load_bench [APPS [DB]]`
//!
//! With `DB`, the store is kept there and, if it already exists, only the
//! loads are timed (handy under a profiler).

use std::process::ExitCode;
use std::time::{Duration, Instant};

use debrief_core::model::{
    Application, Channel, Dataset, Dismissal, Feedback, FeedbackKind, HolidayCalendar, Holidays,
    Interview, InterviewFormat, InterviewStatus, Moment, News, Outcome, OutcomeKind, Person,
    PersonKind, Policy, Prefers, Prepared, Profile, RecruiterKind, Reflection, ResearchFact,
    SlipUp, Stage, Touch, TouchKind,
};
use debrief_store::{Change, StoreReader, StoreWriter};
use debrief_store_sqlite::SqliteStore;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::Offset;

/// A small deterministic generator, so every run builds the same store.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const FIRST: &[&str] = &[
    "Marie", "Raj", "Sam", "Aiko", "Lars", "Fatima", "José", "Chloé", "Wei", "Olu",
];
const LAST: &[&str] = &[
    "Dubois", "Patel", "Rivera", "Tanaka", "Nilsson", "Haddad", "García", "Müller", "Chen",
    "Adeyemi",
];
const COMPANIES: &[&str] = &[
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark",
    "Wayne",
    "Tyrell",
    "Cyberdyne",
    "Soylent",
];
const ROLES: &[&str] = &[
    "Data Analyst",
    "Backend Engineer",
    "Product Manager",
    "SRE",
    "Designer",
];
const SAID: &[&str] = &[
    "APAC expansion is next year's top priority",
    "The team is moving to a new warehouse stack",
    "We hire for curiosity more than tools",
    "Decisions come within two weeks",
];
const OFFSETS: &[i32] = &[-6 * 3600, -5 * 3600, 0, 3600, 5 * 3600 + 1800, 9 * 3600];

fn moment(rng: &mut Rng, base: i64) -> Moment {
    let ts = Timestamp::from_second(base + rng.below(90 * 86_400) as i64)
        .unwrap_or(Timestamp::UNIX_EPOCH);
    let offset = Offset::from_seconds(*rng.pick(OFFSETS)).unwrap_or(Offset::UTC);
    Moment::new(ts, offset)
}

fn date(rng: &mut Rng) -> Date {
    Date::new(2026, 1 + rng.below(12) as i8, 1 + rng.below(28) as i8).unwrap_or_default()
}

fn application(rng: &mut Rng, n: usize) -> Application {
    let company = format!("{} {}", rng.pick(COMPANIES), n);
    let mut a = Application::new(format!("app-{n:05}"), company, *rng.pick(ROLES));
    a.stage = *rng.pick(Stage::ALL);
    a.urgent = rng.chance(10);
    a.recruiter = *rng.pick(RecruiterKind::ALL);
    a.policy = rng.chance(30).then(|| *rng.pick(Policy::ALL));
    let base = 1_780_000_000 + (n as i64) * 600;

    let people = 3 + rng.below(3) as usize;
    for p in 0..people {
        let name = format!("{} {}", rng.pick(FIRST), rng.pick(LAST));
        let mut person = Person::new(format!("p{p}"), name, *rng.pick(PersonKind::ALL));
        person.title = rng.chance(70).then(|| "Lead".to_string());
        person.email = rng.chance(80).then(|| format!("p{p}@example.com"));
        person.phone = rng.chance(20).then(|| "+1 555 0100".to_string());
        if rng.chance(50) {
            person.said = (0..1 + rng.below(2))
                .map(|_| rng.pick(SAID).to_string())
                .collect();
        }
        if rng.chance(25) {
            person.prefers = Some(Prefers {
                channel: Some(*rng.pick(Channel::ALL)),
                after: rng.chance(50).then(|| date(rng)),
            });
        }
        a.people.push(person);
    }

    for i in 0..5 {
        let mut iv = Interview::new(format!("iv{i}"), moment(rng, base));
        iv.minutes = 30 + 15 * rng.below(5) as u32;
        iv.format = *rng.pick(InterviewFormat::ALL);
        iv.status = *rng.pick(InterviewStatus::ALL);
        iv.interviewers = (0..1 + rng.below(3))
            .map(|k| format!("p{}", k as usize % people))
            .collect();
        if rng.chance(30) {
            iv.also_met = vec![format!("p{}", people - 1)];
        }
        iv.asked_questions = if rng.chance(50) {
            Some(rng.chance(80))
        } else {
            None
        };
        iv.prepared = Prepared {
            research: rng.chance(60),
            questions: rng.below(6) as u32,
        };
        if rng.chance(10) {
            iv.slip_ups = vec![SlipUp {
                text: "Mixed up two names".to_string(),
                noticed: true,
                apologized: rng.chance(50),
            }];
        }
        if iv.status == InterviewStatus::Done && rng.chance(60) {
            iv.reflection = Some(Reflection {
                went_well: "The case study".to_string(),
                change: "Shorter answers".to_string(),
                mistakes: vec!["Rambled".to_string()],
                missing_info: vec![],
                hardest_question: rng.chance(30).then(|| "Why us?".to_string()),
            });
        }
        iv.scheduled_at = rng.chance(50).then(|| moment(rng, base - 864_000));
        a.interviews.push(iv);
    }

    for t in 0..20 {
        a.touches.push(Touch {
            at: moment(rng, base),
            person: rng.chance(85).then(|| format!("p{}", t % people)),
            channel: *rng.pick(Channel::ALL),
            kind: *rng.pick(TouchKind::ALL),
            replied_at: rng.chance(30).then(|| moment(rng, base + 86_400)),
            forced: rng.chance(2),
            note: rng.chance(20).then(|| "Thank you for taking the time to meet me on Tuesday. I enjoyed hearing about the warehouse migration.".to_string()),
        });
    }

    for _ in 0..rng.below(3) {
        a.news.push(News {
            on: date(rng),
            text: "Opened an office in Singapore".to_string(),
        });
    }
    if rng.chance(40) {
        a.outcome = Some(Outcome {
            kind: *rng.pick(OutcomeKind::ALL),
            on: date(rng),
            feedback: (0..rng.below(3))
                .map(|_| Feedback {
                    text: "Strong SQL, less depth in statistics".to_string(),
                    kind: rng.chance(70).then(|| *rng.pick(FeedbackKind::ALL)),
                    positive: rng.chance(50),
                    plan: None,
                })
                .collect(),
            stay_in_touch: rng.chance(50),
        });
    }
    for _ in 0..rng.below(3) {
        a.research.push(ResearchFact {
            fact: "Moving to Snowflake".to_string(),
            contribution: rng
                .chance(70)
                .then(|| "Migrated two warehouses".to_string()),
        });
    }
    if rng.chance(20) {
        a.dismissed.push(Dismissal {
            rule: "thank-staff".to_string(),
            interview: Some("iv0".to_string()),
            person: None,
            at: moment(rng, base),
            reason: "Done in person".to_string(),
        });
    }
    a
}

fn best(times: &[Duration]) -> Duration {
    times.iter().copied().min().unwrap_or_default()
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("load_bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `--load-once DB`: what a fresh `debrief agenda` process pays (open and
/// load with nothing allocated or cached before); prints milliseconds.
fn load_once(path: &str) -> Result<(), Box<dyn std::error::Error>> {
    let t = Instant::now();
    let store = SqliteStore::open(std::path::Path::new(path))?;
    let data = store.load()?;
    let elapsed = t.elapsed();
    // The floor for any backend: building the same values in fresh memory.
    let t = Instant::now();
    let copy = data.clone();
    let floor = t.elapsed();
    println!("{:.3} {:.3}", ms(elapsed), ms(floor));
    // Freeing half a million values is the process's exit, not the load.
    std::mem::forget(data);
    std::mem::forget(copy);
    Ok(())
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::args().nth(1).as_deref() == Some("--load-once") {
        return load_once(&std::env::args().nth(2).unwrap_or_default());
    }
    let apps: usize = match std::env::args().nth(1) {
        Some(n) => n.parse()?,
        None => 10_000,
    };
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let data = Dataset {
        profile: Profile {
            name: "Sam Rivera".to_string(),
            timezone: "America/Chicago".to_string(),
            holidays: Holidays {
                calendar: HolidayCalendar::Us,
                extra: vec![date(&mut rng)],
            },
            policy: Policy::Conservative,
        },
        applications: (0..apps).map(|n| application(&mut rng, n)).collect(),
        ..Dataset::default()
    };
    let count = |f: fn(&Application) -> usize| data.applications.iter().map(f).sum::<usize>();
    println!(
        "dataset: {} applications, {} people, {} interviews, {} touches",
        data.applications.len(),
        count(|a| a.people.len()),
        count(|a| a.interviews.len()),
        count(|a| a.touches.len()),
    );

    let dir = tempfile::TempDir::new()?;
    let path = match std::env::args().nth(2) {
        Some(p) => std::path::PathBuf::from(p),
        None => dir.path().join("debrief.db"),
    };
    let mut changes = vec![Change::SetProfile(data.profile.clone())];
    changes.extend(
        data.applications
            .iter()
            .cloned()
            .map(Change::PutApplication),
    );

    let load_only = path.exists();
    if !load_only {
        let started = Instant::now();
        let mut store = SqliteStore::open(&path)?;
        store.apply(&changes)?;
        let import = started.elapsed();
        drop(store);
        println!("import (open + one apply): {:>8.1} ms", ms(import));
    }
    println!(
        "file size: {:.1} MB",
        std::fs::metadata(&path)?.len() as f64 / 1e6
    );

    // Cold-ish: a new connection each time, as a fresh CLI process has.
    let mut open_times = Vec::new();
    let mut load_times = Vec::new();
    for _ in 0..10 {
        let t0 = Instant::now();
        let store = SqliteStore::open(&path)?;
        let t1 = Instant::now();
        let loaded = store.load()?;
        let t2 = Instant::now();
        open_times.push(t1 - t0);
        load_times.push(t2 - t1);
        if loaded != data {
            return Err("the loaded dataset differs from the imported one".into());
        }
    }
    println!(
        "open (new connection): best {:>6.2} ms, median {:>6.2} ms",
        ms(best(&open_times)),
        ms(median(&mut open_times))
    );
    println!(
        "load (same process):   best {:>6.2} ms, median {:>6.2} ms",
        ms(best(&load_times)),
        ms(median(&mut load_times))
    );

    // Fresh processes, as the command line runs.
    let mut cold = Vec::new();
    let mut clone = Vec::new();
    for _ in 0..10 {
        let out = std::process::Command::new(std::env::current_exe()?)
            .arg("--load-once")
            .arg(&path)
            .output()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let mut numbers = text.split_whitespace();
        let mut next = || -> Result<Duration, std::num::ParseFloatError> {
            let millis: f64 = numbers.next().unwrap_or("").parse()?;
            Ok(Duration::from_secs_f64(millis / 1000.0))
        };
        cold.push(next()?);
        clone.push(next()?);
    }
    println!(
        "open + load in a fresh process: best {:>6.2} ms, median {:>6.2} ms",
        ms(best(&cold)),
        ms(median(&mut cold))
    );
    println!(
        "  for scale, Dataset::clone():  best {:>6.2} ms, median {:>6.2} ms",
        ms(best(&clone)),
        ms(median(&mut clone))
    );

    if load_only {
        return Ok(());
    }
    let store = SqliteStore::open(&path)?;
    let mut one = Vec::new();
    for n in (0..apps).step_by((apps / 100).max(1)) {
        let t = Instant::now();
        let found = store.application(&format!("app-{n:05}"))?;
        one.push(t.elapsed());
        if found.as_ref() != data.applications.get(n) {
            return Err(format!("application app-{n:05} differs").into());
        }
    }
    println!(
        "application(id):       median {:>6.3} ms",
        ms(median(&mut one))
    );

    let mut store = store;
    let t = Instant::now();
    store.apply(&[Change::DeleteAllApplications])?;
    println!("DeleteAllApplications:       {:>8.1} ms", ms(t.elapsed()));
    let t = Instant::now();
    store.apply(&changes)?;
    println!(
        "re-import into the emptied store: {:>6.1} ms",
        ms(t.elapsed())
    );
    let t = Instant::now();
    store.apply(&changes)?;
    println!(
        "re-import replacing every application: {:>6.1} ms",
        ms(t.elapsed())
    );
    if store.load()? != data {
        return Err("the dataset differs after replacing everything".into());
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
