//! The sentence-level rules (`clause.rs`) on the phrasings issue 14 named,
//! each caught at the clause that says it, and the precision fixes of
//! issue 10: whole-word references, the fit in plain words, a second
//! thank-you.

use debrief_core::model::Application;
use debrief_lint::{Context, Diagnostic, NoteKind, lint};

fn app() -> Application {
    serde_json::from_value(serde_json::json!({
        "id": "acme", "company": "Acme Corp", "role": "Data Analyst",
        "stage": "interviewing", "recruiter": "inside",
        "people": [
            { "id": "marie", "name": "Marie Dubois", "kind": "interviewer",
              "said": ["We still do the forecasts in Excel"] },
            { "id": "raj", "name": "Raj Patel", "kind": "interviewer" }
        ],
        "interviews": [{
            "id": "panel", "start": "2026-11-20T10:00:00-06:00", "minutes": 60,
            "status": "done", "interviewers": ["marie", "raj"]
        }],
        "news": [{ "on": "2026-11-25", "text": "Acme opened an office in Singapore" }],
        "touches": [
            { "at": "2026-11-20T16:30:00-06:00", "person": "marie", "channel": "email", "kind": "thank-you" },
            { "at": "2026-11-26T09:00:00-06:00", "person": "raj", "channel": "email", "kind": "congratulate" }
        ]
    }))
    .expect("app")
}

fn ctx(kind: NoteKind) -> Context<'static> {
    Context::new().kind(kind)
}

/// The findings of `rule`, as the text each one underlines.
fn spans(note: &str, found: &[Diagnostic], rule: &str) -> Vec<String> {
    let lines: Vec<&str> = note.lines().collect();
    found
        .iter()
        .filter(|d| d.rule == rule)
        .map(|d| {
            assert_eq!(d.line, d.end_line, "{d:?}");
            let line = lines[d.line - 1];
            line.chars()
                .skip(d.column - 1)
                .take(d.end_column + 1 - d.column)
                .collect()
        })
        .collect()
}

fn check(note: &str, kind: NoteKind, rule: &str) -> Vec<String> {
    spans(note, &lint(note, &ctx(kind)), rule)
}

#[test]
fn a_polite_apology_for_the_whole_interview_is_blanket() {
    let note = "Dear Marie,\n\nThank you for your time. I am sorry that I did so poorly in the interview overall. Your plan for the APAC dashboards stayed with me.\n\nBest,\nSam\n";
    assert_eq!(
        check(note, NoteKind::ThankYou, "lint/blanket-apology"),
        ["I am sorry that I did so poorly in the interview overall"]
    );
}

#[test]
fn apologizing_for_everything_is_blanket_at_its_clause() {
    let note = "Dear Marie,\n\nThank you for meeting me. I apologize for everything, I am so sorry.\n\nBest,\nSam\n";
    let found = check(note, NoteKind::ThankYou, "lint/blanket-apology");
    assert_eq!(found, ["I apologize for everything"]);
}

#[test]
fn one_named_slip_is_not_a_blanket_apology() {
    for note in [
        "Dear Marie,\n\nThank you for the panel. I'm sorry I called you Mary once; that was careless.\n\nBest,\nSam\n",
        "Dear Marie,\n\nThank you for the panel. I'm sorry I arrived ten minutes late.\n\nBest,\nSam\n",
        "Dear Marie,\n\nI'm sorry this note comes a week late; my first email bounced.\n\nBest,\nSam\n",
    ] {
        assert!(
            check(note, NoteKind::ThankYou, "lint/blanket-apology").is_empty(),
            "{note}"
        );
    }
}

#[test]
fn checking_in_on_the_decision_inside_a_thank_you_is_pushy() {
    let note = "Hi Marie,\n\nThank you for the chat about the Singapore office. Just checking in: have you made a decision yet?\n\nBest,\nSam\n";
    assert_eq!(
        check(note, NoteKind::ThankYou, "lint/pushy"),
        ["have you made a decision yet"]
    );
    // The same question is the point of a status check.
    assert!(check(note, NoteKind::StatusCheck, "lint/pushy").is_empty());
}

#[test]
fn a_congratulation_that_chases_the_decision_is_pushy() {
    let note = "Hi Raj,\n\nCongratulations on the Singapore office, that is great news for the team! By the way, have you made a decision on the analyst role yet?\n\nBest,\nSam\n";
    assert_eq!(
        check(note, NoteKind::Congratulate, "lint/pushy"),
        ["have you made a decision on the analyst role yet"]
    );
    let fine = "Hi Raj,\n\nCongratulations on the Singapore office! Opening in a new market that quickly is a real feat.\n\nBest,\nSam\n";
    assert!(check(fine, NoteKind::Congratulate, "lint/pushy").is_empty());
}

#[test]
fn asking_how_the_team_decides_is_not_chasing() {
    let note = "Hi Marie,\n\nThank you for the panel. How does the team decide what to build next?\n\nBest,\nSam\n";
    assert!(check(note, NoteKind::ThankYou, "lint/pushy").is_empty());
}

#[test]
fn deadlines_and_leverage_are_pushy_and_say_what_to_write_instead() {
    let note =
        "Hi Marie,\n\nI have received another offer, so I need your decision by Friday.\n\nSam\n";
    let found = lint(note, &ctx(NoteKind::StatusCheck));
    let pushy: Vec<&Diagnostic> = found.iter().filter(|d| d.rule == "lint/pushy").collect();
    assert!(!pushy.is_empty());
    assert!(pushy.iter().all(|d| d.suggestion.is_some()), "{pushy:?}");
    let polite = "Hi Marie,\n\nI wanted to ask whether there is any news on the timeline. Whenever suits you, I'd be glad to hear where things stand.\n\nSam\n";
    assert!(check(polite, NoteKind::StatusCheck, "lint/pushy").is_empty());
}

#[test]
fn excuses_are_found_by_their_cause_and_owning_it_is_not_one() {
    let note = "Dear Marie,\n\nThank you for the interview. I'm sorry my connection kept dropping, but my internet provider has been terrible all week.\n\nSam\n";
    assert_eq!(
        check(note, NoteKind::ThankYou, "lint/excuse"),
        ["but my internet provider has been terrible all week"]
    );
    let owned = "Dear Marie,\n\nI missed our interview because I mixed up the time zones, and that mistake is mine.\n\nSam\n";
    assert!(check(owned, NoteKind::Recovery, "lint/excuse").is_empty());
}

#[test]
fn feedback_and_other_candidates_are_read_per_clause() {
    let note = "Dear Marie,\n\nThank you for letting me know. Who did you hire in the end? Could you jot down a few notes and send them over?\n\nSam\n";
    assert_eq!(
        check(note, NoteKind::FeedbackRequest, "lint/other-candidate"),
        ["Who did you hire in the end"]
    );
    assert!(!check(note, NoteKind::FeedbackRequest, "lint/feedback-by-email").is_empty());
}

#[test]
fn a_reference_matches_whole_words_not_prefixes() {
    let app = app();
    // "excellent" is not "Excel": a stock note stays stock.
    let stock = "Dear Marie,\n\nThank you for your time. It was an excellent conversation and I look forward to hearing from you.\n\nBest,\nSam\n";
    let c = Context::for_person(&app, "marie").kind(NoteKind::ThankYou);
    let rules: Vec<String> = lint(stock, &c).into_iter().map(|d| d.rule).collect();
    assert!(
        rules.contains(&"lint/no-reference".to_string()),
        "{rules:?}"
    );
    assert!(rules.contains(&"lint/generic".to_string()), "{rules:?}");
    // An inflection is still the same word.
    let real = "Dear Marie,\n\nThank you for your time. Moving the forecasts out of Excel is work I have done twice.\n\nBest,\nSam\n";
    let rules: Vec<String> = lint(real, &c).into_iter().map(|d| d.rule).collect();
    assert!(
        !rules.contains(&"lint/no-reference".to_string()),
        "{rules:?}"
    );
}

#[test]
fn the_fit_in_plain_words_is_enough() {
    for note in [
        "Dear Marie,\n\nThank you for the panel. I ran the reporting for a two-shift floor of 40 people at Clyde Freight for six years.\n\nSam\n",
        "Dear Marie,\n\nThank you for the panel. My four years on the night desk at the Gazette mean I can hold that shift.\n\nSam\n",
        "Dear Marie,\n\nThank you for the panel. The weekly deck you described is exactly what I build every Monday now.\n\nSam\n",
    ] {
        assert!(
            check(note, NoteKind::ThankYou, "lint/missing-fit").is_empty(),
            "{note}"
        );
    }
    let none = "Dear Marie,\n\nThank you for the panel and the tour of the new office.\n\nSam\n";
    assert_eq!(check(none, NoteKind::ThankYou, "lint/missing-fit").len(), 1);
}

#[test]
fn a_second_thank_you_for_the_same_interview_names_the_first() {
    let app = app();
    let now = "2026-11-23T10:00:00-06:00"
        .parse::<jiff::Timestamp>()
        .expect("now");
    let pack = debrief_lint::RulePack::builtin();
    let note = "Dear Marie,\n\nThank you again for the panel.\n\nSam\n";
    let c = debrief_lint::note_context(&app, Some("marie"), None, now, &pack);
    let found: Vec<Diagnostic> = lint(note, &c)
        .into_iter()
        .filter(|d| d.rule == "lint/already-sent")
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].message.contains("Friday, November 20, 2026"),
        "{}",
        found[0].message
    );
    assert_eq!(found[0].severity, debrief_lint::Severity::Warning);
    // Raj was not thanked yet.
    let c = debrief_lint::note_context(&app, Some("raj"), None, now, &pack);
    assert!(lint(note, &c).iter().all(|d| d.rule != "lint/already-sent"));
    // Before the first note went out, there was nothing to repeat.
    let early = "2026-11-20T16:00:00-06:00"
        .parse::<jiff::Timestamp>()
        .expect("now");
    let c = debrief_lint::note_context(&app, Some("marie"), None, early, &pack);
    assert!(lint(note, &c).iter().all(|d| d.rule != "lint/already-sent"));
    // A second congratulation on the same news.
    let later = "2026-11-28T10:00:00-06:00"
        .parse::<jiff::Timestamp>()
        .expect("now");
    let c = debrief_lint::note_context(
        &app,
        Some("raj"),
        Some(NoteKind::Congratulate),
        later,
        &pack,
    );
    let cong = "Dear Raj,\n\nCongratulations on the Singapore office!\n\nSam\n";
    assert!(lint(cong, &c).iter().any(|d| d.rule == "lint/already-sent"));
}

#[test]
fn a_note_over_the_free_text_limit_is_refused_naming_it() {
    let long = "a".repeat(debrief_lint::NOTE_MAX + 1);
    let e = debrief_lint::check_size(&long).expect_err("too long");
    assert!(e.contains(&debrief_lint::NOTE_MAX.to_string()), "{e}");
    assert!(debrief_lint::check_size(&"é".repeat(debrief_lint::NOTE_MAX)).is_ok());
}

/// Lints with the application (one interview held, inside recruiter), so
/// the store conditions of `lint/concern-too-early` hold.
fn check_with_app(note: &str, kind: NoteKind, rule: &str) -> Vec<String> {
    let app = app();
    let ctx = Context {
        app: Some(&app),
        ..Context::default()
    }
    .kind(kind);
    spans(note, &lint(note, &ctx), rule)
}

#[test]
fn a_concern_is_the_writers_own_need_at_its_clause() {
    let note = "Dear Raj,\n\nThank you for the tour of the warehouse. I should mention that I will need visa sponsorship to take the job.\n\nBest,\nSam\n";
    assert_eq!(
        check_with_app(note, NoteKind::ThankYou, "lint/concern-too-early"),
        ["I should mention that I will need visa sponsorship to take the job"]
    );
    let note = "Dear Raj,\n\nThank you for the tour. I should let you know that we are moving to Denver next spring.\n\nBest,\nSam\n";
    assert_eq!(
        check_with_app(note, NoteKind::ThankYou, "lint/concern-too-early"),
        ["I should let you know that we are moving to Denver next spring"]
    );
}

#[test]
fn a_concern_that_is_not_raised_is_left_alone() {
    for body in [
        // The company's move, not the writer's.
        "Thank you for telling me about Acme's move to a four-day week.",
        "Moving to Snowflake this spring is a project I know well.",
        // A reassurance, and a fact of the past.
        "I won't need sponsorship, and I can start immediately.",
        "I relocated to Austin in 2019 and have run the Excel forecasts there since.",
        // The reader's topic, handed back.
        "Thank you for explaining the relocation package.",
        // Quoted.
        "You said \"visa sponsorship\" is handled by HR.",
    ] {
        let note = format!("Dear Raj,\n\n{body}\n\nBest,\nSam\n");
        assert_eq!(
            check_with_app(&note, NoteKind::ThankYou, "lint/concern-too-early"),
            Vec::<String>::new(),
            "{body}"
        );
    }
}

#[test]
fn thanks_must_thank_not_ask() {
    // A request dressed as thanks does not thank.
    for body in [
        "I would appreciate an update on the Data Analyst role.",
        "Thanks in advance for letting me know where things stand.",
        "I'd be grateful if you could share the next steps.",
    ] {
        let note = format!("Dear Raj,\n\n{body}\n\nBest,\nSam\n");
        assert_eq!(
            check(&note, NoteKind::ThankYou, "lint/missing-thanks").len(),
            1,
            "{body}"
        );
    }
    for body in [
        "Thank you for the tour of the warehouse.",
        "I really appreciated the time you took to walk me through the Excel forecasts.",
        "I am grateful for the chance to meet the team.",
        "I wanted to thank you for Friday's conversation.",
    ] {
        let note = format!("Dear Raj,\n\n{body}\n\nBest,\nSam\n");
        assert_eq!(
            check(&note, NoteKind::ThankYou, "lint/missing-thanks"),
            Vec::<String>::new(),
            "{body}"
        );
    }
}

#[test]
fn a_note_carried_by_stock_clauses_is_generic_at_its_first_stock_clause() {
    // No detail, and its clauses are stock once the pressure is set aside.
    let note = "Hi,\n\nThanks for your time. I really need to know if I got the job, so please get back to me today.\n\nRob\n";
    assert_eq!(
        check(note, NoteKind::ThankYou, "lint/generic"),
        ["Thanks for your time"]
    );
    // No phrase of the old list, still only stock words.
    let note = "Hi,\n\nIt was really great to talk with you today. I look forward to the next steps.\n\nSam\n";
    assert_eq!(
        check(note, NoteKind::ThankYou, "lint/generic"),
        ["I look forward to the next steps"]
    );
    // One closing courtesy does not carry a note that says how the writer
    // fits (what a draft without recorded details looks like).
    let note = "Dear Kofi,\n\nThank you for meeting with me on Friday to talk about the Support Engineer role at Initech. I'm confident my experience fits what the Support Engineer role needs, and I'd like to put it to work for Initech. I look forward to the next steps.\n\nBest regards,\nSam\n";
    assert_eq!(
        check(note, NoteKind::ThankYou, "lint/generic"),
        Vec::<String>::new()
    );
}

#[test]
fn an_unnoticed_slip_is_underlined_at_the_clause_that_names_it() {
    let mut app = app();
    app.interviews[0].slip_ups = serde_json::from_value(serde_json::json!([
        { "text": "gave the wrong revenue figures for the third quarter", "noticed": false }
    ]))
    .expect("slip");
    let ctx = Context::for_person(&app, "marie").kind(NoteKind::ThankYou);
    let note = "Dear Marie,\n\nThank you for Saturday, and I enjoyed the Excel forecasts. I loved the office, but the revenue figures I gave for the third quarter were mixed up.\nAlso, the revenue figures for the third quarter were wrong.\n\nBest,\nSam\n";
    assert_eq!(
        spans(note, &lint(note, &ctx), "lint/unnoticed-mistake"),
        [
            "but the revenue figures I gave for the third quarter were mixed up",
            "Also, the revenue figures for the third quarter were wrong"
        ]
    );
}
