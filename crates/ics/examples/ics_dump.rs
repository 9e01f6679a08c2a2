//! Prints what the parser reads from `.ics` files, as `debrief ics import
//! --json` would: `cargo run -p debrief-ics --example ics_dump -- FILE…`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut status = ExitCode::SUCCESS;
    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{path}: {e}");
                status = ExitCode::from(2);
                continue;
            }
        };
        match debrief_ics::parse_invites_with(&bytes, &debrief_ics::ParseOptions::default()) {
            Ok(parsed) => match serde_json::to_string_pretty(&parsed) {
                Ok(json) => println!("== {path}\n{json}"),
                Err(e) => eprintln!("{path}: {e}"),
            },
            Err(e) => {
                eprintln!("{path}: {e}");
                status = ExitCode::from(2);
            }
        }
    }
    status
}
