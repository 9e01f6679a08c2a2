//! The pages' forms read into the API's typed shapes (`ops`): what a form
//! gets right lands as the JSON would, and what it gets wrong is named by
//! field on the page again, with nothing written.

mod common;

use common::*;
use serde_json::json;

fn seeded() -> Server {
    let s = Server::start(Some(NOW));
    let r = post_json(&s, "/api/v1/import", &sample());
    assert_eq!(r.status, 200, "{}", r.body);
    s
}

const APP: &str = "/applications/acme-analyst";

fn app(s: &Server) -> serde_json::Value {
    get(s, &format!("/api/v1{APP}")).json()
}

#[test]
fn a_form_and_the_api_land_the_same_record() {
    let s = seeded();
    let r = post_form(
        &s,
        &format!("{APP}/people"),
        &[
            ("name", "Lee Chan"),
            ("kind", "recruiter"),
            ("title", ""),
            ("email", ""),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let lee = app(&s)["people"]
        .as_array()
        .expect("people")
        .iter()
        .find(|p| p["name"] == "Lee Chan")
        .cloned()
        .expect("Lee added");
    assert_eq!(lee["kind"], "recruiter");
    // A blank input is not given: no empty title or address is stored.
    assert_eq!(lee["title"], json!(null));
    assert_eq!(lee["email"], json!(null));

    let r = post_form(
        &s,
        &format!("{APP}/interviews"),
        &[
            ("start", "2026-12-02T10:00:00-06:00"),
            ("minutes", "45"),
            ("format", "phone"),
            ("with", "marie"),
            ("with", "raj"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let a = app(&s);
    let iv = a["interviews"]
        .as_array()
        .expect("interviews")
        .iter()
        .find(|i| i["minutes"] == 45)
        .expect("scheduled");
    assert_eq!(iv["format"], "phone");
    assert_eq!(iv["interviewers"], json!(["marie", "raj"]));
}

#[test]
fn a_bad_choice_or_number_is_named_by_field_and_nothing_is_written() {
    let s = seeded();
    let before = app(&s);
    let r = post_form(
        &s,
        &format!("{APP}/touches"),
        &[
            ("person", "marie"),
            ("kind", "thank-you"),
            ("channel", "pigeon"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains(
            "&#39;pigeon&#39; is not a choice here; choose email, phone, letter, in-person, message"
        ) || r.body.contains(
            "'pigeon' is not a choice here; choose email, phone, letter, in-person, message"
        ),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("role=\"alert\""),
        "shown as an error: {}",
        r.body
    );

    let r = post_form(
        &s,
        &format!("{APP}/interviews"),
        &[
            ("start", "2026-12-02T10:00:00-06:00"),
            ("minutes", "an hour"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("expected a whole number, 0 or more"),
        "{}",
        r.body
    );

    let r = post_form(
        &s,
        &format!("{APP}/touches"),
        &[("person", "marie"), ("channel", "email")],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("`kind` is required"), "{}", r.body);

    let r = post_form(
        &s,
        &format!("{APP}/feedback"),
        &[("point", "first"), ("text", "x")],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("expected a whole number, 0 or more"),
        "{}",
        r.body
    );

    assert_eq!(app(&s), before, "nothing written");
}

#[test]
fn the_person_form_clears_a_blank_text_and_the_interview_form_an_unticked_box() {
    let s = seeded();
    let r = patch_json(
        &s,
        &format!("/api/v1{APP}/people/marie"),
        &json!({ "title": "Analytics Lead", "phone": "555-0100" }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = post_form(
        &s,
        &format!("{APP}/people/marie"),
        &[
            ("person", "marie"),
            ("name", "Marie Dubois"),
            ("kind", "interviewer"),
            ("title", ""),
            ("email", "marie@acme.example"),
            ("phone", "555-0100"),
            ("prefers", "phone"),
            ("after", ""),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let marie = &app(&s)["people"][0];
    assert_eq!(marie["title"], json!(null), "{marie}");
    assert_eq!(marie["phone"], "555-0100");
    assert_eq!(marie["prefers"]["channel"], "phone");

    let r = patch_json(
        &s,
        &format!("/api/v1{APP}/interviews/acme-panel"),
        &json!({ "research": true }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = post_form(
        &s,
        &format!("{APP}/interviews/acme-panel"),
        &[
            ("interview", "acme-panel"),
            ("start", "2026-11-20T10:00:00-06:00"),
            ("minutes", "90"),
            ("questions", "4"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let iv = &app(&s)["interviews"][0];
    assert_eq!(
        iv["prepared"],
        json!({ "research": false, "questions": 4 }),
        "{iv}"
    );
}
