//! How fast a tracker export is read and planned, in process.
//!
//! ```sh
//! cargo run --release -p debrief-trackers --example csv_plan -- [ROWS] [STORED] [ITERATIONS]
//! ```
//!
//! Builds a Huntr-style export of ROWS jobs (default 100,000; ~40 MB with
//! descriptions) and a store of STORED applications (default 10,000, half
//! of them also in the file), then times `decode` + `plan` ITERATIONS times
//! (default 5) after one warm-up run and prints the median, min and max.

use std::time::{Duration, Instant};

use debrief_core::model::Application;
use debrief_trackers::{Mapping, Source, decode, plan};

fn arg(n: usize, default: usize) -> usize {
    std::env::args()
        .nth(n)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let rows = arg(1, 100_000);
    let stored = arg(2, 10_000);
    let iterations = arg(3, 5).max(1);
    let lists = [
        "Wishlist",
        "Applied",
        "Applied",
        "Phone Screen",
        "Interview",
        "Offer",
        "Rejected",
    ];
    let mut text = String::from(
        "id,createdAt,title,salary,location,url,description,companyName,companyDomain,listName,boardName,lastMovedAt\n",
    );
    for i in 0..rows {
        text.push_str(&format!(
            "{i:024x},2026-09-02T14:31:07.512Z,Analyst {role},\"$85,000 - $95,000\",\"Chicago, IL\",https://jobs.example/{i},\"Own the weekly dashboards; \"\"SQL-heavy\"\" role, {pad}\",Company {c},c{c}.example,{list},Job Search,2026-11-12T16:02:44.101Z\n",
            role = i % 50,
            pad = "lorem ipsum ".repeat(20),
            c = i % 5_000,
            list = lists[i % lists.len()],
        ));
    }
    // Half the stored applications are jobs of the file (re-import), half
    // are others.
    let existing: Vec<Application> = (0..stored)
        .map(|i| {
            if i % 2 == 0 {
                Application::new(
                    format!("s{i}"),
                    format!("Company {}", i % 5_000),
                    format!("Analyst {}", i % 50),
                )
            } else {
                Application::new(format!("s{i}"), format!("Other {i}"), "Role")
            }
        })
        .collect();
    let bytes = text.into_bytes();
    let mapping = Mapping::new(Source::Huntr);
    let run = || {
        let (text, _) = decode(&bytes).expect("text");
        let jobs: Vec<debrief_trackers::StoredJob> = existing
            .iter()
            .map(debrief_trackers::StoredJob::from)
            .collect();
        plan(&text, &mapping, &jobs, &mut |_| {}).expect("plans")
    };
    let p = run();
    let mut times: Vec<Duration> = (0..iterations)
        .map(|_| {
            let start = Instant::now();
            let p = run();
            let took = start.elapsed();
            std::hint::black_box(p);
            took
        })
        .collect();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{rows} rows ({:.1} MB), {stored} stored: {} to create, {} known, {} skipped, {} problems",
        bytes.len() as f64 / 1e6,
        p.create.len(),
        p.known.len(),
        p.skipped.len(),
        p.problems.len()
    );
    println!(
        "decode + plan: median {:.1} ms, min {:.1} ms, max {:.1} ms over {iterations} runs ({:.0} rows/s at the median)",
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1]),
        rows as f64 / times[times.len() / 2].as_secs_f64()
    );
}
