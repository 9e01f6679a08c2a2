//! Hosted mode under load (issue #13): `hosted-setup` fills a PostgreSQL
//! database with candidates (each with a token, a share and a generated
//! vault) and coaches; `hosted-load` drives a running `debrief serve` with
//! concurrent API clients and prints throughput and latency per kind of
//! request. `bench/hosted.sh` runs both around a real server.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use debrief_core::model::Dataset;
use debrief_store::{Change, StoreWriter};
use debrief_store_postgres::PgStore;
use debrief_store_postgres::hosted::{Directory, Role};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::generate::{self, Shape};
use crate::{Args, Result, ms};

/// One candidate as the load sees it: a token and what a touch names.
struct Seat {
    token: String,
    app: String,
    person: String,
}

/// `hosted-setup --database URL [--candidates N] [--coaches N] [--apps N] [--seed N] [--now T] SEATS`
///
/// Makes `coach{i}@bench.example` and `candidate{i}@bench.example`; each
/// candidate gets a token labelled `bench`, shares with coach `i % coaches`
/// and a vault of `--apps` generated applications. SEATS gets one line per
/// candidate: `TOKEN APP PERSON` (an application and one of its people).
pub fn setup(a: &Args) -> Result<()> {
    let url: String = a.get("database", String::new())?;
    if url.is_empty() {
        return Err(
            "hosted-setup needs --database URL (the owner's, as for `debrief admin migrate`)"
                .into(),
        );
    }
    let candidates: usize = a.get("candidates", 1_000)?;
    let coaches: usize = a.get("coaches", 50)?.max(1);
    let apps: usize = a.get("apps", 30)?;
    let seed: u64 = a.get("seed", 1)?;
    let now = a.now()?;
    let out = a.path(0, "SEATS")?;
    let t = Instant::now();
    let dir = Directory::connect(&url)?;
    if dir.has_accounts()? {
        return Err("the database has accounts already; give a fresh database".into());
    }
    for c in 0..coaches {
        dir.add_account(
            &format!("coach{c}@bench.example"),
            &format!("Coach {c}"),
            Role::Coach,
            "bench coach password",
            now,
        )?;
    }
    let mut seats = std::io::BufWriter::new(std::fs::File::create(&out)?);
    for i in 0..candidates {
        let account = dir.add_account(
            &format!("candidate{i}@bench.example"),
            &format!("Candidate {i}"),
            Role::Candidate,
            "bench candidate password",
            now,
        )?;
        let token = dir.new_token(&account, "bench", now)?;
        dir.share(
            &account,
            &format!("coach{}@bench.example", i % coaches),
            now,
        )?
        .ok_or("the coach to share with is missing")?;
        let data: Dataset = generate::dataset(
            Shape {
                apps,
                interviews_per_app: 3,
                touches_per_app: 6,
                seed: seed.wrapping_add(i as u64),
                all_active: false,
            },
            now,
        )?;
        let (app, person) = data
            .applications
            .iter()
            .find_map(|a| {
                a.people
                    .first()
                    .map(|p| (a.id.to_string(), p.id.to_string()))
            })
            .ok_or("the generated vault has no person to touch")?;
        let mut store = PgStore::connect_vault(&url, &account.vault_name())?;
        let mut changes = Vec::with_capacity(data.applications.len() + 1);
        changes.push(Change::SetProfile(data.profile));
        changes.extend(data.applications.into_iter().map(Change::PutApplication));
        store.apply(&changes)?;
        writeln!(seats, "{token} {app} {person}")?;
        if (i + 1) % 100 == 0 {
            eprintln!(
                "  {} candidates in {:.0} s",
                i + 1,
                t.elapsed().as_secs_f64()
            );
        }
    }
    seats.flush()?;
    println!(
        "{candidates} candidates ({apps} applications each) and {coaches} coaches in {:.1} s; seats in {}",
        t.elapsed().as_secs_f64(),
        out.display()
    );
    Ok(())
}

/// The three kinds of request the load mixes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Agenda,
    Touch,
    Import,
}

const KINDS: [(Kind, &str); 3] = [
    (Kind::Agenda, "agenda"),
    (Kind::Touch, "touch"),
    (Kind::Import, "import"),
];

/// What one client saw.
#[derive(Default)]
struct Tally {
    /// Microseconds per answered request, by kind.
    latencies: [Vec<u32>; 3],
    /// Answers that are not the request's success (or a guard refusal).
    errors: [u64; 3],
    /// A sample of what went wrong.
    first_error: Option<String>,
}

/// `hosted-load --url URL [--clients N] [--seconds N] [--import FILE] SEATS`
///
/// `--clients` concurrent clients; client `k` takes seats `k`, `k +
/// clients`, … in turn, so every candidate's vault is used and each
/// request carries its seat's own token. The mix is 80% `GET
/// /api/v1/agenda`, 15% `POST …/touches` (a thank-you by email; the
/// follow-up guard's 409 counts as an answer) and 5% `POST /api/v1/import`
/// of `--import` (one application, merged). Prints one line per kind and a
/// `# hosted-load …` line for scripts.
pub fn load(a: &Args) -> Result<()> {
    let url: String = a.get("url", "http://127.0.0.1:7878".to_string())?;
    let clients: usize = a.get("clients", 64)?.max(1);
    let seconds: u64 = a.get("seconds", 30)?;
    let import: String = a.get("import", String::new())?;
    let seats = std::fs::read_to_string(a.path(0, "SEATS")?)?;
    let seats: Vec<Seat> = seats
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            Some(Seat {
                token: f.next()?.to_string(),
                app: f.next()?.to_string(),
                person: f.next()?.to_string(),
            })
        })
        .collect();
    if seats.is_empty() {
        return Err("no seats: run hosted-setup first".into());
    }
    let import = if import.is_empty() {
        None
    } else {
        Some(Bytes::from(std::fs::read(&import)?))
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let seats = Arc::new(seats);
    let (tallies, elapsed) = runtime.block_on(async move {
        let client: Client<HttpConnector, Full<Bytes>> =
            Client::builder(TokioExecutor::new()).build_http();
        let stop = Arc::new(AtomicBool::new(false));
        let mut tasks = Vec::with_capacity(clients);
        for k in 0..clients {
            let (client, seats, stop, url, import) = (
                client.clone(),
                seats.clone(),
                stop.clone(),
                url.clone(),
                import.clone(),
            );
            tasks.push(tokio::spawn(async move {
                drive(k, clients, &client, &seats, &stop, &url, import.as_ref()).await
            }));
        }
        let t = Instant::now();
        tokio::time::sleep(Duration::from_secs(seconds)).await;
        stop.store(true, Ordering::Relaxed);
        let mut tallies = Vec::with_capacity(clients);
        for task in tasks {
            if let Ok(tally) = task.await {
                tallies.push(tally);
            }
        }
        (tallies, t.elapsed())
    });
    report(&tallies, elapsed, clients)
}

/// One client: requests in turn until told to stop.
async fn drive(
    k: usize,
    clients: usize,
    client: &Client<HttpConnector, Full<Bytes>>,
    seats: &[Seat],
    stop: &AtomicBool,
    url: &str,
    import: Option<&Bytes>,
) -> Tally {
    let mut tally = Tally::default();
    let mut n: u64 = 0;
    let mut seat = k % seats.len();
    while !stop.load(Ordering::Relaxed) {
        let s = &seats[seat];
        seat = (seat + clients) % seats.len();
        // 20 requests: 16 agenda reads, 3 touches, 1 import (80/15/5),
        // spread so clients are not in step.
        let kind = match (n + k as u64) % 20 {
            3 | 9 | 15 => Kind::Touch,
            19 if import.is_some() => Kind::Import,
            _ => Kind::Agenda,
        };
        n += 1;
        let (method, path, body) = match kind {
            Kind::Agenda => (Method::GET, "/api/v1/agenda".to_string(), Bytes::new()),
            Kind::Touch => (
                Method::POST,
                format!("/api/v1/applications/{}/touches", s.app),
                Bytes::from(format!(
                    r#"{{"person":"{}","kind":"thank-you","channel":"email"}}"#,
                    s.person
                )),
            ),
            Kind::Import => (
                Method::POST,
                "/api/v1/import".to_string(),
                import.cloned().unwrap_or_default(),
            ),
        };
        let request = Request::builder()
            .method(method)
            .uri(format!("{url}{path}"))
            .header("authorization", format!("Bearer {}", s.token))
            .header("content-type", "application/json")
            .body(Full::new(body));
        let Ok(request) = request else {
            continue;
        };
        let t = Instant::now();
        let answer = client.request(request).await;
        let slot = kind as usize;
        let ok = match answer {
            Ok(response) => {
                let status = response.status();
                let body = response.into_body().collect().await;
                let good = body.is_ok()
                    && (status.is_success()
                        || (kind == Kind::Touch && status == StatusCode::CONFLICT));
                if !good && tally.first_error.is_none() {
                    let text: String = body
                        .map(|b| {
                            String::from_utf8_lossy(&b.to_bytes())
                                .chars()
                                .take(200)
                                .collect()
                        })
                        .unwrap_or_default();
                    tally.first_error = Some(format!("{path}: {status} {text}"));
                }
                good
            }
            Err(e) => {
                if tally.first_error.is_none() {
                    tally.first_error = Some(format!("{path}: {e}"));
                }
                false
            }
        };
        let micros = u32::try_from(t.elapsed().as_micros()).unwrap_or(u32::MAX);
        tally.latencies[slot].push(micros);
        if !ok {
            tally.errors[slot] += 1;
        }
    }
    tally
}

fn report(tallies: &[Tally], elapsed: Duration, clients: usize) -> Result<()> {
    let secs = elapsed.as_secs_f64();
    let mut total = 0usize;
    let mut errors = 0u64;
    let mut script = format!("# hosted-load clients={clients} seconds={secs:.1}");
    println!(
        "{:<8} {:>9} {:>9} {:>8} {:>8} {:>8} {:>8}",
        "kind", "requests", "req/s", "errors", "p50 ms", "p99 ms", "max ms"
    );
    for (kind, name) in KINDS {
        let mut all: Vec<u32> = tallies
            .iter()
            .flat_map(|t| t.latencies[kind as usize].iter().copied())
            .collect();
        all.sort_unstable();
        let errs: u64 = tallies.iter().map(|t| t.errors[kind as usize]).sum();
        let pct = |p: f64| -> f64 {
            if all.is_empty() {
                return 0.0;
            }
            let i = ((all.len() as f64 * p).ceil() as usize).clamp(1, all.len()) - 1;
            f64::from(all[i]) / 1e3
        };
        let max = all.last().map_or(0.0, |m| f64::from(*m) / 1e3);
        println!(
            "{name:<8} {:>9} {:>9.0} {errs:>8} {:>8.2} {:>8.2} {max:>8.1}",
            all.len(),
            all.len() as f64 / secs,
            pct(0.50),
            pct(0.99)
        );
        script.push_str(&format!(
            " {name}_n={} {name}_errors={errs} {name}_p50_ms={:.2} {name}_p99_ms={:.2}",
            all.len(),
            pct(0.50),
            pct(0.99)
        ));
        total += all.len();
        errors += errs;
    }
    println!(
        "all      {total:>9} {:>9.0} {errors:>8}   ({} s, {clients} clients)",
        total as f64 / secs,
        ms(Duration::from_secs_f64(secs)) / 1e3
    );
    if let Some(e) = tallies.iter().find_map(|t| t.first_error.as_ref()) {
        println!("first error: {e}");
    }
    println!(
        "{script} total={total} rps={:.0} errors={errors}",
        total as f64 / secs
    );
    Ok(())
}
