//! The HTML pages: Today, Applications, Application, Interview debrief,
//! Composer, Insights, Settings. Every form posts url-encoded fields,
//! redirects (303) with a message on success, and on error shows the page
//! again with what was typed and the error next to the field.

mod application;
mod applications;
mod common;
mod composer;
mod debrief;
mod find;
mod import;
mod insights;
mod settings;
mod today;

pub(crate) use composer::{diagnostics, panel_check};
pub(crate) use import::import_text;

use axum::Router;
use axum::routing::{get, post};

pub fn routes() -> Router {
    Router::new()
        .route("/", get(today::today))
        .route("/actions/log", post(today::action_log))
        .route("/actions/dismiss", post(today::action_dismiss))
        .route(
            "/applications",
            get(applications::applications).post(applications::application_add),
        )
        .route(
            "/applications/{id}",
            get(application::application).post(application::application_edit),
        )
        .route("/applications/{id}/stage", post(applications::stage_move))
        .route("/applications/{id}/archive", post(applications::archive))
        .route("/search", get(find::search))
        .route("/people", get(find::people))
        .route("/people/vcard", get(find::vcard))
        .route("/applications/{id}/people", post(application::person_add))
        .route(
            "/applications/{id}/people/{person}",
            post(application::person_edit),
        )
        .route(
            "/applications/{id}/interviews/{iv}",
            post(application::interview_edit),
        )
        .route(
            "/applications/{id}/research",
            post(application::research_add),
        )
        .route(
            "/applications/{id}/feedback",
            post(application::feedback_add),
        )
        .route(
            "/applications/{id}/interviews",
            post(application::interview_add),
        )
        .route("/applications/{id}/touches", post(application::touch_add))
        .route("/applications/{id}/replies", post(application::reply_add))
        .route("/applications/{id}/news", post(application::news_add))
        .route("/applications/{id}/outcome", post(application::outcome_set))
        .route(
            "/applications/{id}/interviews/{iv}/debrief",
            get(debrief::debrief_form).post(debrief::debrief_save),
        )
        .route(
            "/applications/{id}/compose",
            get(composer::composer).post(composer::composer_post),
        )
        .route("/applications/{id}/compose/eml", post(composer::eml))
        .route("/applications/{id}/compose/send", post(composer::send_form))
        .route("/insights", get(insights::insights))
        .route("/settings", get(settings::settings))
        .route("/settings/profile", post(settings::profile_save))
        .route("/settings/import", post(import::import))
        .route("/export.json", get(import::export))
}
