//! `debrief-bench`: the core benchmark's helper (see `bench/core.sh` and
//! docs/BENCHMARKS.md).
//!
//! ```text
//! debrief-bench generate [--apps N] [--interviews-per-app N] [--touches-per-app N]
//!                        [--seed N] [--now TIME] [--all-active true] OUT.json
//! debrief-bench engine FILE.json [--iterations N] [--now TIME]
//! debrief-bench phases DB [--iterations N] [--now TIME]
//! debrief-bench import-phases FILE.json DB
//! debrief-bench hosted-setup --database URL [--candidates N] [--coaches N] [--apps N] SEATS
//! debrief-bench hosted-load [--url URL] [--clients N] [--seconds N] [--import FILE] SEATS
//! ```
//!
//! `engine` times `Engine::agenda` alone, in process. `phases` splits the
//! `debrief agenda --json` path (open, load, engine, JSON) and
//! `import-phases` the import path (read, parse, validate, write), so a
//! missed target can be traced to its part. Each prints a human summary and
//! one `# name key=value …` line for scripts.

mod generate;
mod hosted;

// The same allocator as `debrief`, so in-process phases match the command.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use debrief_core::engine::Engine;
use debrief_core::model::{Dataset, Moment};
use debrief_store::{Change, StoreReader, StoreWriter};
use debrief_store_sqlite::SqliteStore;
use jiff::Timestamp;

use crate::generate::Shape;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// The benchmark's clock: a Sunday morning in the profile's zone, so the
/// agenda mixes overdue, due and upcoming actions.
const DEFAULT_NOW: &str = "2026-11-22T09:00:00-06:00";

const USAGE: &str = "usage:
  debrief-bench generate [--apps N] [--interviews-per-app N] [--touches-per-app N] [--seed N] [--now TIME] [--all-active true] OUT.json
  debrief-bench engine FILE.json [--iterations N] [--now TIME]
  debrief-bench phases DB [--iterations N] [--now TIME]
  debrief-bench import-phases FILE.json DB
  debrief-bench hosted-setup --database URL [--candidates N] [--coaches N] [--apps N] [--seed N] [--now TIME] SEATS
  debrief-bench hosted-load [--url URL] [--clients N] [--seconds N] [--import FILE] SEATS";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("debrief-bench: {e}");
            ExitCode::from(2)
        }
    }
}

/// Options and positional arguments of one subcommand.
struct Args {
    options: Vec<(String, String)>,
    positional: Vec<String>,
}

impl Args {
    fn parse(args: &[String], known: &[&str]) -> Result<Args> {
        let mut options = Vec::new();
        let mut positional = Vec::new();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            if let Some(name) = a.strip_prefix("--") {
                if !known.contains(&name) {
                    return Err(format!("unknown option --{name}\n{USAGE}").into());
                }
                let value = it.next().ok_or_else(|| format!("--{name} needs a value"))?;
                options.push((name.to_string(), value.clone()));
            } else {
                positional.push(a.clone());
            }
        }
        Ok(Args {
            options,
            positional,
        })
    }

    fn get<T: std::str::FromStr>(&self, name: &str, default: T) -> Result<T>
    where
        T::Err: std::fmt::Display,
    {
        match self.options.iter().rev().find(|(n, _)| n == name) {
            None => Ok(default),
            Some((_, v)) => v.parse().map_err(|e| format!("--{name} {v}: {e}").into()),
        }
    }

    fn now(&self) -> Result<Timestamp> {
        let text: String = self.get("now", DEFAULT_NOW.to_string())?;
        let m: Moment = text.parse()?;
        Ok(m.ts)
    }

    fn path(&self, i: usize, what: &str) -> Result<PathBuf> {
        self.positional
            .get(i)
            .map(PathBuf::from)
            .ok_or_else(|| format!("missing {what}\n{USAGE}").into())
    }
}

fn run(args: &[String]) -> Result<()> {
    let Some((cmd, rest)) = args.split_first() else {
        return Err(USAGE.into());
    };
    match cmd.as_str() {
        "generate" => generate(&Args::parse(
            rest,
            &[
                "apps",
                "interviews-per-app",
                "touches-per-app",
                "seed",
                "now",
                "all-active",
            ],
        )?),
        "engine" => engine(&Args::parse(rest, &["iterations", "now"])?),
        "phases" => phases(&Args::parse(rest, &["iterations", "now"])?),
        "import-phases" => import_phases(&Args::parse(rest, &[])?),
        "hosted-setup" => hosted::setup(&Args::parse(
            rest,
            &["database", "candidates", "coaches", "apps", "seed", "now"],
        )?),
        "hosted-load" => hosted::load(&Args::parse(
            rest,
            &["url", "clients", "seconds", "import"],
        )?),
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command '{other}'\n{USAGE}").into()),
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// min, median, max of a set of timings.
fn spread(mut runs: Vec<Duration>) -> (Duration, Duration, Duration) {
    runs.sort_unstable();
    match (runs.first(), runs.last()) {
        (Some(&min), Some(&max)) => (min, runs[runs.len() / 2], max),
        _ => Default::default(),
    }
}

fn counts(d: &Dataset) -> String {
    let apps = d.applications.len();
    let interviews: usize = d.applications.iter().map(|a| a.interviews.len()).sum();
    let touches: usize = d.applications.iter().map(|a| a.touches.len()).sum();
    let people: usize = d.applications.iter().map(|a| a.people.len()).sum();
    format!("{apps} applications, {people} people, {interviews} interviews, {touches} touches")
}

fn generate(a: &Args) -> Result<()> {
    let shape = Shape {
        apps: a.get("apps", 10_000)?,
        interviews_per_app: a.get("interviews-per-app", 5)?,
        touches_per_app: a.get("touches-per-app", 20)?,
        seed: a.get("seed", 1)?,
        all_active: a.get("all-active", false)?,
    };
    let out = a.path(0, "OUT.json")?;
    let t = Instant::now();
    let data = generate::dataset(shape, a.now()?)?;
    debrief_core::exchange::validate(&data)
        .map_err(|e| format!("the generated data is invalid (a bug in the generator): {e}"))?;
    let file =
        std::fs::File::create(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let mut w = std::io::BufWriter::new(file);
    serde_json::to_writer(&mut w, &data)?;
    w.write_all(b"\n")?;
    w.flush()?;
    let bytes = std::fs::metadata(&out)?.len();
    println!(
        "wrote {} ({:.1} MB): {} in {:.0} ms",
        out.display(),
        bytes as f64 / 1e6,
        counts(&data),
        ms(t.elapsed())
    );
    Ok(())
}

fn read_dataset(path: &Path) -> Result<(Dataset, Duration)> {
    let t = Instant::now();
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let data =
        debrief_core::exchange::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((data, t.elapsed()))
}

/// Times `Engine::agenda` alone: a warm-up, then `--iterations` runs.
fn engine(a: &Args) -> Result<()> {
    let iterations: usize = a.get("iterations", 30)?;
    let now = a.now()?;
    let (data, parse) = read_dataset(&a.path(0, "FILE.json")?)?;
    println!("dataset: {}", counts(&data));
    println!(
        "read and parse (once, not part of the target): {:.0} ms",
        ms(parse)
    );
    let t = Instant::now();
    let engine = Engine::new(&data.profile)?;
    let setup = t.elapsed();
    // Warm-up: fault in the calendar's year tables and the allocator.
    let mut actions = 0;
    for _ in 0..3 {
        actions = engine.agenda(&data, now).actions.len();
    }
    let mut runs = Vec::with_capacity(iterations);
    for _ in 0..iterations.max(1) {
        let t = Instant::now();
        let agenda = engine.agenda(&data, now);
        runs.push(t.elapsed());
        actions = std::hint::black_box(agenda).actions.len();
    }
    let (min, median, max) = spread(runs);
    println!(
        "Engine::new: {:.3} ms; Engine::agenda over {} runs: min {:.2} ms, median {:.2} ms, max {:.2} ms; {actions} actions",
        ms(setup),
        iterations.max(1),
        ms(min),
        ms(median),
        ms(max)
    );
    println!(
        "# engine min_ms={:.3} median_ms={:.3} max_ms={:.3} actions={actions} new_ms={:.3}",
        ms(min),
        ms(median),
        ms(max),
        ms(setup)
    );
    Ok(())
}

/// The `debrief agenda --json` path, part by part, in one process.
fn phases(a: &Args) -> Result<()> {
    let iterations: usize = a.get("iterations", 10)?;
    let now = a.now()?;
    let db = a.path(0, "DB")?;
    let mut open = Vec::new();
    let mut load = Vec::new();
    let mut eng = Vec::new();
    let mut json = Vec::new();
    let mut write = Vec::new();
    let mut bytes = 0;
    let mut actions = 0;
    let mut sink = std::io::sink();
    for _ in 0..iterations.max(1) {
        let t = Instant::now();
        let store = SqliteStore::open(&db)?;
        open.push(t.elapsed());
        let t = Instant::now();
        // As `debrief agenda` does: only what can still yield an action.
        let zone = store.profile()?.timezone;
        let data = store.load_active(now, &zone)?;
        load.push(t.elapsed());
        let t = Instant::now();
        let agenda = Engine::new(&data.profile)?.agenda(&data, now);
        eng.push(t.elapsed());
        let t = Instant::now();
        // As `debrief agenda --json` writes it (on every core).
        let mut text = agenda.to_pretty_json();
        text.push(b'\n');
        json.push(t.elapsed());
        let t = Instant::now();
        sink.write_all(&text)?;
        write.push(t.elapsed());
        bytes = text.len();
        actions = agenda.actions.len();
        let t = Instant::now();
        drop((text, agenda, data, store));
        // Dropping is part of a real process's exit only if it frees
        // before exiting; the CLI does, so count it with the write.
        if let Some(last) = write.last_mut() {
            *last += t.elapsed();
        }
    }
    let show = |name: &str, runs: &[Duration]| {
        let (min, median, max) = spread(runs.to_vec());
        println!(
            "  {name:<28} min {:>8.2} ms  median {:>8.2} ms  max {:>8.2} ms",
            ms(min),
            ms(median),
            ms(max)
        );
        median
    };
    println!(
        "agenda --json path, in process, {} runs ({actions} actions, {:.1} MB of JSON):",
        iterations.max(1),
        bytes as f64 / 1e6
    );
    let o = show("SqliteStore::open", &open);
    let l = show("StoreReader::load_active", &load);
    let e = show("Engine::new + agenda", &eng);
    let j = show("Agenda::to_pretty_json", &json);
    let w = show("write + drop", &write);
    println!(
        "# phases open_ms={:.3} load_ms={:.3} engine_ms={:.3} json_ms={:.3} drop_ms={:.3} actions={actions} json_bytes={bytes}",
        ms(o),
        ms(l),
        ms(e),
        ms(j),
        ms(w)
    );
    Ok(())
}

/// The import path, part by part: read, serde, validation, one `apply`.
fn import_phases(a: &Args) -> Result<()> {
    let file = a.path(0, "FILE.json")?;
    let db = a.path(1, "DB")?;
    if db.exists() {
        return Err(format!("{} exists; give a fresh path", db.display()).into());
    }
    let t = Instant::now();
    let text = std::fs::read_to_string(&file)?;
    let read = t.elapsed();
    let t = Instant::now();
    let plain: Dataset = serde_json::from_str(&text)?;
    let serde = t.elapsed();
    drop(plain);
    let t = Instant::now();
    let data = debrief_core::exchange::parse(&text)?;
    let parse = t.elapsed();
    let t = Instant::now();
    debrief_core::exchange::validate(&data)?;
    let validate = t.elapsed();
    drop(text);
    let t = Instant::now();
    let mut store = SqliteStore::open(&db)?;
    let open = t.elapsed();
    let t = Instant::now();
    let mut changes = Vec::with_capacity(data.applications.len() + 1);
    changes.push(Change::SetProfile(data.profile));
    changes.extend(data.applications.into_iter().map(Change::PutApplication));
    store.apply(&changes)?;
    let apply = t.elapsed();
    println!("import path, in process:");
    println!("  read file                    {:>8.0} ms", ms(read));
    println!("  serde_json::from_str alone   {:>8.0} ms", ms(serde));
    println!(
        "  exchange::parse (serde_path_to_error + validate) {:>8.0} ms",
        ms(parse)
    );
    println!("  exchange::validate alone     {:>8.0} ms", ms(validate));
    println!("  SqliteStore::open (new file) {:>8.0} ms", ms(open));
    println!("  StoreWriter::apply           {:>8.0} ms", ms(apply));
    println!(
        "# import-phases read_ms={:.1} serde_ms={:.1} parse_ms={:.1} validate_ms={:.1} open_ms={:.1} apply_ms={:.1}",
        ms(read),
        ms(serde),
        ms(parse),
        ms(validate),
        ms(open),
        ms(apply)
    );
    Ok(())
}
