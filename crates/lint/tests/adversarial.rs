//! Hostile input that still reads as a note: invisible and bidirectional
//! marks inside the words the rules look for, zero-width joiners, combining
//! marks on every letter, HTML pasted from a mail client, text decoded from
//! the wrong encoding, and a note at the size limit. The linter never
//! panics, every finding points inside the text, and the rules still read
//! the words (a mark the reader cannot see must not hide a concern).

use debrief_core::model::Application;
use debrief_lint::{Context, NoteKind, check_size, lint};
use proptest::prelude::*;

fn app() -> Application {
    serde_json::from_value(serde_json::json!({
        "id": "acme", "company": "Acme Corp", "role": "Data Analyst",
        "stage": "interviewing", "recruiter": "inside",
        "people": [{ "id": "marie", "name": "Marie Dubois", "kind": "interviewer",
                     "said": ["We still do the forecasts in Excel"] }],
        "interviews": [{
            "id": "first", "start": "2026-11-20T10:00:00Z", "minutes": 60,
            "status": "done", "interviewers": ["marie"],
            "slip_ups": [{ "text": "said the launch was in 2019 instead of 2021", "noticed": false }]
        }]
    }))
    .expect("app")
}

fn rules_of(text: &str, kind: NoteKind) -> Vec<String> {
    let app = app();
    let ctx = Context::for_person(&app, "marie").kind(kind);
    let found = lint(text, &ctx);
    for d in &found {
        assert!(d.line >= 1 && d.column >= 1, "{d:?}");
        assert!(d.line <= text.lines().count().max(1), "{d:?}");
    }
    found.into_iter().map(|d| d.rule).collect()
}

#[test]
fn invisible_marks_do_not_hide_what_the_words_say() {
    // Zero-width space, joiner, non-joiner, RTL and LTR marks, soft hyphen.
    for mark in [
        '\u{200B}', '\u{200D}', '\u{200C}', '\u{200F}', '\u{200E}', '\u{00AD}',
    ] {
        let note = format!(
            "Dear Marie,\n\nThank you for the Excel forecasts tour. I will need vi{mark}sa spon{mark}sorship to take the job.\n\nBest,\nSam\n"
        );
        let rules = rules_of(&note, NoteKind::ThankYou);
        assert!(
            rules.iter().any(|r| r == "lint/concern-too-early"),
            "U+{:04X}: {rules:?}",
            mark as u32
        );
        // The message quotes the words without the mark: a bidirectional
        // control must not reorder the message on a terminal.
        let app = app();
        let found = lint(
            &note,
            &Context::for_person(&app, "marie").kind(NoteKind::ThankYou),
        );
        for d in &found {
            assert!(
                !d.message.chars().any(debrief_lint::text::is_invisible),
                "{d:?}"
            );
        }
        let note = format!("Dear Marie,\n\nSorry I did so ba{mark}dly overall.\n\nBest,\nSam\n");
        assert!(
            rules_of(&note, NoteKind::StatusCheck)
                .iter()
                .any(|r| r == "lint/blanket-apology"),
            "U+{:04X}",
            mark as u32
        );
    }
}

#[test]
fn right_to_left_text_and_joined_emoji_are_read_without_findings_of_their_own() {
    let note = "Dear Marie,\n\nThank you for walking me through the Excel forecasts \u{1F469}\u{200D}\u{1F4BB}. \u{202B}شكرا جزيلا على وقتك\u{202C} — I rebuilt a similar forecast at Initech for three years.\n\nBest,\nSam\n";
    let rules = rules_of(note, NoteKind::ThankYou);
    assert!(
        !rules
            .iter()
            .any(|r| r == "lint/missing-thanks" || r == "lint/generic"),
        "{rules:?}"
    );
}

#[test]
fn combining_marks_on_every_letter_do_not_panic() {
    let base = "Dear Marie,\n\nThank you. I will need visa sponsorship.\n\nBest,\nSam\n";
    let zalgo: String = base
        .chars()
        .flat_map(|c| {
            let marks: &[char] = if c.is_alphabetic() {
                &['\u{0301}', '\u{0334}', '\u{0360}']
            } else {
                &[]
            };
            std::iter::once(c).chain(marks.iter().copied())
        })
        .collect();
    let _ = rules_of(&zalgo, NoteKind::ThankYou);
}

#[test]
fn html_pasted_from_a_mail_client_is_read_as_its_words() {
    let note = "<div dir=\"ltr\">Dear Marie,<br><br>Thank you for the tour of the Excel forecasts&nbsp;on Friday. I rebuilt a similar forecast at Initech in 2023.<br><br>Best,<br>Sam</div>\n";
    let rules = rules_of(note, NoteKind::ThankYou);
    // Markup is not a blank to fill in, and the thanks inside it count.
    assert!(
        !rules
            .iter()
            .any(|r| r == "lint/placeholder" || r == "lint/missing-thanks"),
        "{rules:?}"
    );
}

#[test]
fn text_decoded_from_the_wrong_encoding_is_linted_not_refused() {
    // UTF-16LE with a byte-order mark, read as UTF-8 with replacement (what
    // the CLI does with bytes that are not UTF-8), and Latin-1 bytes.
    let utf16: Vec<u8> = std::iter::once(0xFEFF_u16)
        .chain("Dear Marie,\n\nThank you.\n".encode_utf16())
        .flat_map(u16::to_le_bytes)
        .collect();
    let latin1: &[u8] = b"Dear Ren\xe9e,\n\nThank you for the caf\xe9 visit.\n\nBest,\nSam\n";
    for bytes in [utf16.as_slice(), latin1] {
        let text = String::from_utf8_lossy(bytes);
        let _ = rules_of(&text, NoteKind::ThankYou);
    }
}

#[test]
fn a_note_at_the_limit_is_linted_and_one_over_is_refused_by_name() {
    let limit = debrief_lint::NOTE_MAX;
    let sentence = "I will need visa sponsorship and I'm sorry I did so badly overall. ";
    let mut at: String = sentence.repeat(limit / sentence.len() + 1);
    at.truncate(limit);
    assert!(check_size(&at).is_ok());
    let start = std::time::Instant::now();
    let _ = rules_of(&at, NoteKind::ThankYou);
    // Generous for a debug build on a busy machine; the point is "linear".
    assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
    let over = format!("{at}x");
    let e = check_size(&over).expect_err("over the limit");
    assert!(e.contains(&limit.to_string()), "{e}");
}

/// Words the rules react to, mixed with hostile characters.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Dear Marie,\n".to_string()),
        Just("Thank you ".to_string()),
        Just("I will need visa sponsorship ".to_string()),
        Just("sorry I did so badly overall ".to_string()),
        Just("\"I was nervous\" ".to_string()),
        Just("please reply ASAP ".to_string()),
        Just("the launch was in 2019 ".to_string()),
        Just("[Name] ".to_string()),
        Just("<br>&nbsp;</div> ".to_string()),
        Just("\nBest,\nSam\n".to_string()),
        Just(". ".to_string()),
        Just("? ".to_string()),
        Just(", ".to_string()),
        prop::sample::select(vec![
            '\u{200B}',
            '\u{200D}',
            '\u{200F}',
            '\u{202E}',
            '\u{2066}',
            '\u{FEFF}',
            '\u{0301}',
            '\u{FFFD}',
            '\r',
            '\t',
            '“',
            '”',
            '—',
            'ß',
            'İ',
            '\u{1F469}',
        ])
        .prop_map(String::from),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn notes_built_from_rule_words_and_hostile_characters_never_panic(
        parts in proptest::collection::vec(piece(), 0..60),
    ) {
        let text: String = parts.concat();
        for kind in [NoteKind::ThankYou, NoteKind::StatusCheck, NoteKind::Recovery] {
            let _ = rules_of(&text, kind);
        }
    }
}
