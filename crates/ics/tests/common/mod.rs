//! Shared helpers: where the real-world fixtures and our own invites live.

#![allow(dead_code)]

use std::path::PathBuf;

/// `/work/shared/fixtures/ics` beside the repository: real files from other
/// projects' suites, read in place and never copied into this repository.
pub fn fixtures_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/ics");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
             !!! SKIPPED: real-world .ics fixtures not found at {}\n\
             !!! (expected ../shared/fixtures/ics beside the repository checkout)\n\
             !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n",
            dir.display()
        );
        None
    }
}

/// Every `.ics` in the fixtures folder, sorted by name, with its bytes.
pub fn fixtures() -> Vec<(String, Vec<u8>)> {
    let Some(dir) = fixtures_dir() else {
        return vec![];
    };
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("fixtures folder is readable")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ics"))
        .map(|p| {
            let name = p
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            let bytes = std::fs::read(&p).expect("fixture is readable");
            (name, bytes)
        })
        .collect();
    out.sort();
    out
}

/// One of our own invites in `tests/invites/`.
pub fn invite(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/invites")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn own_invites() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/invites");
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("tests/invites exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .map(|p| {
            let name = p
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(&p).expect("readable"))
        })
        .collect();
    out.sort();
    out
}
