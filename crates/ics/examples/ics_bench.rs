//! Parser throughput: every real-world fixture, then 10,000 generated
//! invites in the shapes clients send (Google, Outlook, Teams, Zoom,
//! all-day), as one file and as 10,000 separate files.
//!
//! `cargo run --release -p debrief-ics --example ics_bench`
//! For `bench/compare.sh`:
//! `… -- --write FILE` writes the 10,000 invites as one file;
//! `… -- --write-dir DIR` writes them as 10,000 files;
//! `… -- --parse FILE` times parsing one file;
//! `… -- --parse-dir DIR` times parsing every file of a folder (read first);
//! `… -- --fixtures DIR` times each `.ics` of a folder alone and prints
//! `name<TAB>bytes<TAB>events<TAB>warnings<TAB>best µs<TAB>error`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use debrief_ics::{ParseOptions, parse_invites_with};

const INVITES: usize = 10_000;

const ZONES: &str = "BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nDTSTART:19700308T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nDTSTART:19701101T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\nBEGIN:VTIMEZONE\r\nTZID:W. Europe Standard Time\r\nBEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nRRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n";

/// One VEVENT; `i` varies the shape, people and times deterministically.
fn vevent(i: usize) -> String {
    let day = 1 + i % 28;
    let hour = 8 + i % 9;
    let people = [
        "Marie Dubois",
        "Raj Patel",
        "Jürgen Groß",
        "Ananya Iyer",
        "Lee Chen",
    ];
    let who = people[i % people.len()];
    let mail = who
        .to_lowercase()
        .replace(' ', ".")
        .replace('ü', "ue")
        .replace('ß', "ss");
    let common = format!(
        "UID:bench-{i:05}@debrief.example\r\nDTSTAMP:20261120T120000Z\r\nSEQUENCE:{}\r\nORGANIZER;CN=Talent Team:mailto:talent@corp{}.example\r\nATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN={who}:mailto:{mail}@corp{}.example\r\nATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=Sam Rivera:mailto:sam.rivera@mail.example\r\n",
        i % 3,
        i % 50,
        i % 50
    );
    let body = match i % 5 {
        0 => format!(
            "DTSTART;TZID=America/New_York:202612{day:02}T{hour:02}0000\r\nDTEND;TZID=America/New_York:202612{day:02}T{hour:02}4500\r\nSUMMARY:Interview {i} – Data Analyst\r\nX-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-{i:03}\r\nDESCRIPTION:Join with Google Meet: https://meet.google.com/abc-defg-{i:03}\\nOr dial: (US) +1 651-555-0123 PIN: 123456789#\r\n"
        ),
        1 => format!(
            "DTSTART;TZID=W. Europe Standard Time:202612{day:02}T{hour:02}0000\r\nDTEND;TZID=W. Europe Standard Time:202612{day:02}T{hour:02}3000\r\nSUMMARY;LANGUAGE=de-DE:Vorstellungsgespräch {i}\r\nLOCATION;LANGUAGE=de-DE:Friedrichstraße {i}\\, 10117 Berlin\r\nX-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE\r\nX-MICROSOFT-CDO-IMPORTANCE:1\r\n"
        ),
        2 => format!(
            "DTSTART;TZID=\"Pacific Standard Time\":202612{day:02}T{hour:02}0000\r\nDTEND;TZID=\"Pacific Standard Time\":202612{day:02}T{hour:02}5000\r\nSUMMARY:Panel {i} | Product Manager\r\nLOCATION:Microsoft Teams Meeting\r\nDESCRIPTION:____________________________________________________________\r\n ____________________\\nMicrosoft Teams meeting\\nJoin on your computer\\, mob\r\n ile app or room device\\nClick here to join the meeting<https://teams.micro\r\n soft.com/l/meetup-join/19%3ameeting_{i}%40thread.v2/0?context=%7b%7d>\\nMee\r\n ting ID: 245 123 456 789\\n\r\nX-MICROSOFT-SKYPETEAMSMEETINGURL:https://teams.microsoft.com/l/meetup-join/\r\n 19%3ameeting_{i}%40thread.v2/0?context=%7b%7d\r\n"
        ),
        3 => format!(
            "DTSTART:202612{day:02}T{hour:02}3000Z\r\nDURATION:PT45M\r\nSUMMARY:Technical round {i}\r\nLOCATION:https://us02web.zoom.us/j/8555{i:07}?pwd=QWxhZGRpbjpvcGVuIHNlc2FtZQ.1\r\n"
        ),
        _ => format!(
            "DTSTART;VALUE=DATE:202612{day:02}\r\nDTEND;VALUE=DATE:202612{:02}\r\nSUMMARY:On-site day {i}\r\nLOCATION:Building {i}\\, Floor 3\r\n",
            day + 1
        ),
    };
    format!("BEGIN:VEVENT\r\n{common}{body}END:VEVENT\r\n")
}

fn calendar(events: impl Iterator<Item = String>) -> String {
    let mut text = String::from(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Debrief//bench//EN\r\nMETHOD:REQUEST\r\n",
    );
    text.push_str(ZONES);
    for e in events {
        text.push_str(&e);
    }
    text.push_str("END:VCALENDAR\r\n");
    text
}

/// Best of `runs` (the machine is shared; the minimum is the least noisy).
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = f();
    for _ in 0..runs {
        let start = Instant::now();
        out = f();
        best = best.min(start.elapsed());
    }
    (best, out)
}

fn report(label: &str, events: usize, bytes: usize, took: Duration) {
    let secs = took.as_secs_f64().max(1e-9);
    println!(
        "{label:<34} {events:>6} events {:>9.2} ms {:>12.0} events/s {:>8.1} MB/s",
        secs * 1e3,
        events as f64 / secs,
        bytes as f64 / secs / 1e6
    );
}

/// Every `.ics` of a folder, sorted by name, with its bytes.
fn read_dir(dir: &std::path::Path) -> Option<Vec<(String, Vec<u8>)>> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ics"))
        .filter_map(|p| {
            let name = p.file_name()?.to_string_lossy().into_owned();
            Some((name, std::fs::read(&p).ok()?))
        })
        .collect();
    files.sort();
    Some(files)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = ParseOptions::default();
    match args.first().map(String::as_str) {
        Some("--write") => {
            let Some(path) = args.get(1) else {
                eprintln!("usage: ics_bench --write FILE");
                return ExitCode::from(2);
            };
            return match std::fs::write(path, calendar((0..INVITES).map(vevent))) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("{path}: {e}");
                    ExitCode::from(2)
                }
            };
        }
        Some("--write-dir") => {
            let Some(dir) = args.get(1).map(PathBuf::from) else {
                eprintln!("usage: ics_bench --write-dir DIR");
                return ExitCode::from(2);
            };
            let written = std::fs::create_dir_all(&dir).and_then(|()| {
                (0..INVITES).try_for_each(|i| {
                    std::fs::write(
                        dir.join(format!("{i:05}.ics")),
                        calendar(std::iter::once(vevent(i))),
                    )
                })
            });
            return match written {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("{}: {e}", dir.display());
                    ExitCode::from(2)
                }
            };
        }
        Some("--parse-dir") => {
            let Some(files) = args.get(1).and_then(|d| read_dir(d.as_ref())) else {
                eprintln!("usage: ics_bench --parse-dir DIR (readable)");
                return ExitCode::from(2);
            };
            let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
            let (took, n) = time(5, || {
                files
                    .iter()
                    .map(|(_, f)| parse_invites_with(f, &options).map_or(0, |p| p.events.len()))
                    .sum::<usize>()
            });
            report(
                &format!("rust debrief-ics, {} files (best of 5)", files.len()),
                n,
                bytes,
                took,
            );
            return ExitCode::SUCCESS;
        }
        Some("--fixtures") => {
            let Some(files) = args.get(1).and_then(|d| read_dir(d.as_ref())) else {
                eprintln!("usage: ics_bench --fixtures DIR (readable)");
                return ExitCode::from(2);
            };
            for (name, bytes) in &files {
                let (took, parsed) = time(200, || parse_invites_with(bytes, &options));
                let (events, warnings, error) = match parsed {
                    Ok(p) => (p.events.len(), p.warnings.len(), String::new()),
                    Err(e) => (0, 0, e.to_string()),
                };
                println!(
                    "{name}\t{}\t{events}\t{warnings}\t{:.1}\t{error}",
                    bytes.len(),
                    took.as_secs_f64() * 1e6
                );
            }
            return ExitCode::SUCCESS;
        }
        Some("--parse") => {
            let Some(bytes) = args.get(1).and_then(|p| std::fs::read(p).ok()) else {
                eprintln!("usage: ics_bench --parse FILE (readable)");
                return ExitCode::from(2);
            };
            let (took, n) = time(5, || {
                parse_invites_with(&bytes, &options).map_or(0, |p| p.events.len())
            });
            report("rust debrief-ics (best of 5)", n, bytes.len(), took);
            return ExitCode::SUCCESS;
        }
        _ => {}
    }

    let total = Instant::now();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/ics");
    let mut fixtures: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "ics"))
                .filter_map(|p| std::fs::read(p).ok())
                .collect()
        })
        .unwrap_or_default();
    fixtures.sort();
    if fixtures.is_empty() {
        println!("!!! SKIPPED fixtures: none found at {}", dir.display());
    } else {
        let bytes: usize = fixtures.iter().map(Vec::len).sum();
        let (took, events) = time(50, || {
            fixtures
                .iter()
                .map(|f| parse_invites_with(f, &options).map_or(0, |p| p.events.len()))
                .sum::<usize>()
        });
        report(
            &format!("{} fixtures (best of 50)", fixtures.len()),
            events,
            bytes,
            took,
        );
    }

    let one_file = calendar((0..INVITES).map(vevent));
    let (took, events) = time(5, || {
        parse_invites_with(one_file.as_bytes(), &options).map_or(0, |p| p.events.len())
    });
    report("10,000 invites, one file", events, one_file.len(), took);

    let files: Vec<String> = (0..INVITES)
        .map(|i| calendar(std::iter::once(vevent(i))))
        .collect();
    let bytes: usize = files.iter().map(String::len).sum();
    let (took, events) = time(5, || {
        files
            .iter()
            .map(|f| parse_invites_with(f.as_bytes(), &options).map_or(0, |p| p.events.len()))
            .sum::<usize>()
    });
    report("10,000 invites, separate files", events, bytes, took);
    println!(
        "total time (generation, warm-up and best-of runs): {:.2} s",
        total.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}
