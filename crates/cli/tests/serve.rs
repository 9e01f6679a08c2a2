//! `debrief serve` under idle and slow clients, with real sockets against
//! the real binary: a crowd of idle connections beyond the cap, half a
//! request head, a body that stops halfway.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::Debrief;

const NOW: &str = "2026-11-23T09:00:00-06:00";

/// The server, killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `debrief serve` with at most 64 open files, as on a system with a low
/// descriptor limit: 300 idle sockets would exhaust them without the cap.
fn serve(d: &Debrief, limits: &[&str]) -> Server {
    let mut args = vec!["serve", "--addr", "127.0.0.1:0"];
    args.extend_from_slice(limits);
    let direct = d.command(&args);
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg("ulimit -n 64 && exec \"$0\" \"$@\"")
        .arg(direct.get_program())
        .args(direct.get_args())
        .current_dir(d.dir());
    for (k, v) in direct.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start debrief serve");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    out.read_line(&mut line).expect("first line");
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.trim().trim_end_matches('/').parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    // Keep reading stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    Server { child, addr }
}

/// A whole GET on a new connection: the status line, or the error.
fn get(addr: SocketAddr, path: &str) -> std::io::Result<String> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut body = String::new();
    s.read_to_string(&mut body)?;
    Ok(body.lines().next().unwrap_or("").to_string())
}

/// Waits until the server closes `s` (EOF or reset); how long that took.
fn closed_after(mut s: TcpStream, limit: Duration) -> Duration {
    let start = Instant::now();
    s.set_read_timeout(Some(limit)).expect("timeout");
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return start.elapsed(),
            // A 408 or similar before closing is fine.
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                panic!("still open after {limit:?}")
            }
            Err(_) => return start.elapsed(),
        }
    }
}

#[test]
fn hundreds_of_idle_connections_beyond_the_cap_do_not_lock_out_a_request() {
    let d = Debrief::imported().now(NOW);
    // Long timeouts: what saves the request here is the cap's eviction.
    let s = serve(
        &d,
        &[
            "--max-connections",
            "16",
            "--header-timeout",
            "120",
            "--idle-timeout",
            "120",
        ],
    );
    assert!(
        get(s.addr, "/api/v1/agenda")
            .expect("answered")
            .contains("200")
    );
    let idle: Vec<TcpStream> = (0..300)
        .map(|_| TcpStream::connect(s.addr).expect("connect"))
        .collect();
    let start = Instant::now();
    let status = get(s.addr, "/api/v1/agenda").expect("answered");
    assert!(status.contains("200 OK"), "{status}");
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    drop(idle);
}

#[test]
fn half_a_header_and_a_stalled_body_are_disconnected_after_their_timeouts() {
    let d = Debrief::imported().now(NOW);
    let s = serve(&d, &["--header-timeout", "1", "--idle-timeout", "2"]);

    let mut half = TcpStream::connect(s.addr).expect("connect");
    write!(
        half,
        "GET /api/v1/agenda HTTP/1.1\r\nHost: {}\r\nX-Slow: ",
        s.addr
    )
    .expect("write");
    let took = closed_after(half, Duration::from_secs(8));
    assert!(
        took >= Duration::from_millis(800),
        "closed too early: {took:?}"
    );

    // Nothing at all, then: the same timeout.
    let silent = TcpStream::connect(s.addr).expect("connect");
    closed_after(silent, Duration::from_secs(8));

    // A body promised and stopped halfway: the idle timeout.
    let mut body = TcpStream::connect(s.addr).expect("connect");
    write!(
        body,
        "POST /api/v1/import HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"format\":",
        s.addr
    )
    .expect("write");
    let took = closed_after(body, Duration::from_secs(10));
    assert!(
        took >= Duration::from_millis(1500),
        "closed too early: {took:?}"
    );

    // The server still answers, and the store is unchanged.
    assert!(
        get(s.addr, "/api/v1/agenda")
            .expect("answered")
            .contains("200 OK")
    );
    drop(s);
    assert_eq!(d.export(), Debrief::imported().now(NOW).export());
}

#[test]
fn stopping_closes_idle_connections_at_once() {
    let d = Debrief::imported().now(NOW);
    let mut s = serve(&d, &["--header-timeout", "60", "--idle-timeout", "60"]);
    // A browser tab's idle keep-alive connection, after one request.
    let mut tab = TcpStream::connect(s.addr).expect("connect");
    write!(
        tab,
        "GET /api/v1/agenda HTTP/1.1\r\nHost: {}\r\n\r\n",
        s.addr
    )
    .expect("write");
    let mut first = [0u8; 64];
    tab.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let n = tab.read(&mut first).expect("a response");
    assert!(String::from_utf8_lossy(&first[..n]).starts_with("HTTP/1.1 200"));
    let start = Instant::now();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &s.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = s.child.wait().expect("wait");
    assert!(status.success(), "{status:?}");
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn log_json_has_one_event_per_request_with_route_templates_and_no_personal_data() {
    let d = Debrief::imported().now(NOW);
    let args = ["serve", "--addr", "127.0.0.1:0", "--log", "json"];
    let mut child = d
        .command(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start debrief serve");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    out.read_line(&mut line).expect("first line");
    let addr: SocketAddr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.trim().trim_end_matches('/').parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let mut err = child.stderr.take().expect("stderr");
    let asked = [
        ("/api/v1/agenda", "200"),
        ("/api/v1/applications/acme-analyst/touches", "200"),
        (
            "/applications/acme-analyst?tab=people&who=ana@example.org",
            "200",
        ),
        ("/api/v1/applications/no-such-corp", "404"),
        ("/nowhere/acme-analyst", "404"),
    ];
    for (path, status) in asked {
        let got = get(addr, path).expect("request");
        assert!(got.contains(status), "{path}: {got}");
    }
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    assert!(child.wait().expect("wait").success());
    let mut text = String::new();
    err.read_to_string(&mut text).expect("stderr");
    let events: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let requests: Vec<&serde_json::Value> = events
        .iter()
        .filter(|e| e["message"] == "request")
        .collect();
    let routes: Vec<(&str, u64)> = requests
        .iter()
        .map(|e| {
            (
                e["route"].as_str().unwrap_or("?"),
                e["status"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        routes,
        [
            ("/api/v1/agenda", 200),
            ("/api/v1/applications/{id}/touches", 200),
            ("/applications/{id}", 200),
            ("/api/v1/applications/{id}", 404),
            ("-", 404),
        ]
    );
    for r in &requests {
        assert_eq!(r["level"], "INFO");
        assert_eq!(r["method"], "GET");
        assert!(r["micros"].as_u64().is_some(), "{r}");
        assert!(r["timestamp"].as_str().is_some(), "{r}");
    }
    assert!(events.iter().any(|e| e["message"] == "stopped"), "{text}");
    // No id, company, email, query or address anywhere in the log.
    for secret in ["acme", "Acme", "no-such-corp", "ana@", "tab=", "127.0.0.1:"] {
        let leaked: Vec<&str> = text
            .lines()
            .filter(|l| l.contains(secret) && !l.contains("\"serving on"))
            .collect();
        assert!(leaked.is_empty(), "{secret} in {leaked:?}");
    }
}
