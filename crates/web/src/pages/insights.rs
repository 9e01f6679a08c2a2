//! Insights: activity figures and charts.

use crate::charts;
use crate::html::{Nav, page};
use crate::state::{AppState, Problem, Result};
use axum::Extension;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use debrief_core::model::Dataset;

use super::common::respond;

pub(super) async fn insights(Extension(st): Extension<AppState>, h: HeaderMap) -> Response {
    let run = || -> Result<Response> {
        let data = st.load()?;
        let tz = debrief_core::exchange::parse_timezone(&st.profile()?.timezone)
            .map_err(Problem::internal)?;
        let mut stats = debrief_core::stats::compute_at(&data, st.now(&tz)?);
        // Charts and lists name applications by company, never by id.
        for m in &mut stats.recurring_mistakes {
            for a in &mut m.applications {
                if let Some(app) = data.applications.iter().find(|x| &x.id == a) {
                    *a = app.company.as_str().into();
                }
            }
        }
        let months = thank_yous_by_month(&data, &tz, 12);
        let body = charts::insights(&stats, &months);
        Ok(page(
            &h,
            StatusCode::OK,
            "Insights",
            Some(Nav::Insights),
            body,
        ))
    };
    respond(&h, run())
}

/// Thank-you timeliness month by month (the last `last` months with a
/// held interview): the same count as `stats`, run on each month's
/// interviews, so there is one definition of "on time".
fn thank_yous_by_month(data: &Dataset, tz: &jiff::tz::TimeZone, last: usize) -> Vec<charts::Month> {
    let month = |iv: &debrief_core::model::Interview| {
        iv.start
            .ts
            .to_zoned(tz.clone())
            .strftime("%Y-%m")
            .to_string()
    };
    let mut keys: Vec<String> = data
        .applications
        .iter()
        .flat_map(|a| a.interviews.iter().map(month))
        .collect();
    keys.sort();
    keys.dedup();
    let keys = &keys[keys.len().saturating_sub(last)..];
    keys.iter()
        .map(|key| {
            let apps = data
                .applications
                .iter()
                .filter(|a| a.interviews.iter().any(|iv| &month(iv) == key))
                .map(|a| {
                    let mut a = a.clone();
                    a.interviews.retain(|iv| &month(iv) == key);
                    a
                })
                .collect();
            let part = Dataset {
                applications: apps,
                ..Dataset::default()
            };
            let t = debrief_core::stats::compute(&part).thank_yous;
            charts::Month {
                month: key.clone(),
                owed: t.owed,
                within: t.within_24h,
            }
        })
        .filter(|m| m.owed > 0)
        .collect()
}
