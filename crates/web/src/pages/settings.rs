//! Settings: the profile and the sections other modules provide.

use crate::html::{
    Fields, Nav, Sticky, describedby, field_error, form_error, page, redirect_with, select,
};
use crate::ops::{self};
use crate::state::{AppState, Problem, Result};
use axum::Extension;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use debrief_core::input::parse_date;
use debrief_core::model::{HolidayCalendar, Policy};
use debrief_store::Change;
use maud::html;

use super::common::{Form, respond};

pub(super) async fn settings(Extension(st): Extension<AppState>, h: HeaderMap) -> Response {
    respond(&h, settings_page(&st, &h, &Sticky::default()))
}

pub(super) fn settings_page(st: &AppState, h: &HeaderMap, s: &Sticky) -> Result<Response> {
    let p = st.profile()?;
    let status = s
        .problem
        .as_ref()
        .map(|p| p.status)
        .unwrap_or(StatusCode::OK);
    let f = "profile";
    let extra: Vec<String> = p.holidays.extra.iter().map(|d| d.to_string()).collect();
    let calendar_feed = crate::feed::settings_section(st, h)?;
    let email = crate::mailing::settings_section(st)?;
    let history = crate::removal::settings_section(st)?;
    let digest = crate::push::settings_section(st)?;
    let body = html! {
        h1 { "Settings" }
        section aria-labelledby="profile-h" {
            h2 #profile-h { "Profile" }
            form.stack method="post" action="/settings/profile" {
                (form_error(s, f, &["name", "timezone", "extra", "emails"]))
                label for="profile-name" { "Your name (signs your notes)" }
                input #profile-name type="text" name="name" required maxlength="200" value=(s.value(f, "name", &p.name))
                    aria-describedby=[describedby(s, f, "name")];
                (field_error(s, f, "name"))
                label for="profile-emails" { "Your email addresses, one per line (a calendar invite never adds you as a person)" }
                textarea #profile-emails name="emails" rows="2" aria-describedby=[describedby(s, f, "emails")] { (s.value(f, "emails", &p.emails.join("\n"))) }
                (field_error(s, f, "emails"))
                label for="profile-timezone" { "Time zone (IANA name, e.g. America/Chicago)" }
                input #profile-timezone type="text" name="timezone" required value=(s.value(f, "timezone", &p.timezone))
                    aria-describedby=[describedby(s, f, "timezone")];
                (field_error(s, f, "timezone"))
                label for="profile-holidays" { "Public holidays" }
                (select("holidays", "profile-holidays", HolidayCalendar::ALL, s.value(f, "holidays", p.holidays.calendar.as_str()), None))
                label for="profile-extra" { "Other days off, one date per line" }
                textarea #profile-extra name="extra" rows="3" aria-describedby=[describedby(s, f, "extra")] { (s.value(f, "extra", &extra.join("\n"))) }
                (field_error(s, f, "extra"))
                label for="profile-policy" { "Chasing policy" }
                (select("policy", "profile-policy", Policy::ALL, s.value(f, "policy", p.policy.as_str()), None))
                p.muted { "Conservative: wait ten business days, then one short email. Proactive: a call after a few days. A date the person named beats both." }
                button type="submit" { "Save profile" }
            }
        }
        section aria-labelledby="import" {
            h2 #import { "Import" }
            p { "Read an exchange file (debrief/1 JSON), as written by Export or " code { "debrief export" } "." }
            form.stack method="post" action="/settings/import" enctype="multipart/form-data" {
                (form_error(s, "import", &[]))
                label for="import-file" { "File" }
                input #import-file type="file" name="file" accept="application/json,.json" required;
                label.check { input type="checkbox" name="replace" value="true"; " Replace everything in the store (otherwise add and update)" }
                button type="submit" data-confirm="Import this file into your store?" { "Import" }
            }
            (crate::exchange_pages::settings_links())
        }
        section aria-labelledby="export" {
            h2 #export { "Export" }
            p { a.button href="/export.json" download="debrief-export.json" { "Download everything (JSON)" } }
            p { (crate::exchange_pages::calendar_link(None)) }
        }
        (crate::account::settings_section())
        (calendar_feed)
        (email)
        (digest)
        (history)
    };
    Ok(page(h, status, "Settings", Some(Nav::Settings), body))
}

pub(super) async fn profile_save(
    Extension(st): Extension<AppState>,
    h: HeaderMap,
    axum::extract::Form(f): Form,
) -> Response {
    let f = Fields(f);
    let run = || -> Result<()> {
        let mut p = st.profile()?;
        let name = f.get("name").trim();
        if name.is_empty() {
            return Err(Problem::field(
                "name",
                "your name signs the notes Debrief drafts; it cannot be empty",
            ));
        }
        ops::one_line("name", name)?;
        p.name = name.to_string();
        let tz = f.get("timezone").trim();
        debrief_core::exchange::parse_timezone(tz).map_err(|e| Problem::field("timezone", e))?;
        p.timezone = tz.to_string();
        if let Some(c) = f.parse::<HolidayCalendar>("holidays")? {
            p.holidays.calendar = c;
        }
        if let Some(pol) = f.parse::<Policy>("policy")? {
            p.policy = pol;
        }
        let mut extra = Vec::new();
        for line in f.lines("extra") {
            extra.push(parse_date(&line).map_err(|e| Problem::field("extra", e))?);
        }
        extra.sort();
        extra.dedup();
        p.holidays.extra = extra;
        // A form without the field (an older page) keeps the addresses.
        if f.has("emails") {
            let mut emails: Vec<String> = Vec::new();
            for line in f.lines("emails") {
                let e = line.trim().to_string();
                ops::one_line("emails", &e)?;
                debrief_core::exchange::check_email(&e).map_err(|m| Problem::field("emails", m))?;
                if !emails.iter().any(|x| x.eq_ignore_ascii_case(&e)) {
                    emails.push(e);
                }
            }
            p.emails = emails;
        }
        debrief_core::exchange::validate_profile(&p)?;
        st.apply(&[Change::SetProfile(p)])
    };
    match run() {
        Ok(()) => redirect_with("/settings", "ok", "Saved your profile."),
        Err(p) => respond(&h, settings_page(&st, &h, &Sticky::failed("profile", f, p))),
    }
}
