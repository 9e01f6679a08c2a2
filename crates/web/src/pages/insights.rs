//! Insights: activity figures and charts.

use std::collections::{BTreeMap, HashMap};

use crate::charts;
use crate::html::{Nav, page};
use crate::state::{AppState, Problem, Result};
use axum::Extension;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use debrief_core::model::{AppId, Application};
use debrief_core::stats::Tally;

use super::common::respond;

/// How many months of thank-you timeliness the chart shows.
const MONTHS: usize = 12;

pub(super) async fn insights(Extension(st): Extension<AppState>, h: HeaderMap) -> Response {
    let run = || -> Result<Response> {
        let profile = st.profile()?;
        let tz =
            debrief_core::exchange::parse_timezone(&profile.timezone).map_err(Problem::internal)?;
        let now = st.now(&tz)?;
        // One application at a time, as `debrief stats` reads them: memory
        // holds the tallies and each application's company, not the store.
        let mut tally = Tally::at(&profile, now);
        let mut months = ByMonth::new(tz);
        let mut companies: HashMap<AppId, String> = HashMap::new();
        st.store()?.each_application(&mut |a| {
            tally.add(&a);
            months.add(&a);
            companies.insert(a.id.clone(), a.company);
            Ok(())
        })?;
        let mut stats = tally.finish();
        // Charts and lists name applications by company, never by id.
        for m in &mut stats.recurring_mistakes {
            for a in &mut m.applications {
                if let Some(company) = companies.get(a) {
                    *a = company.as_str().into();
                }
            }
        }
        let body = charts::insights(&stats, &months.last(MONTHS));
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

/// Thank-you timeliness month by month: the same count as `stats`, run on
/// each month's interviews (an application counted in a month with only
/// that month's interviews), so there is one definition of "on time".
struct ByMonth {
    tz: jiff::tz::TimeZone,
    months: BTreeMap<String, Tally>,
}

impl ByMonth {
    fn new(tz: jiff::tz::TimeZone) -> ByMonth {
        ByMonth {
            tz,
            months: BTreeMap::new(),
        }
    }

    fn month(&self, iv: &debrief_core::model::Interview) -> String {
        iv.start
            .ts
            .to_zoned(self.tz.clone())
            .strftime("%Y-%m")
            .to_string()
    }

    fn add(&mut self, a: &Application) {
        // Each interview's month, computed once (a time-zone conversion).
        let months: Vec<String> = a.interviews.iter().map(|iv| self.month(iv)).collect();
        let mut keys = months.clone();
        keys.sort();
        keys.dedup();
        for key in keys {
            let mut part = a.clone();
            let mut of_month = months.iter().map(|m| *m == key);
            part.interviews.retain(|_| of_month.next().unwrap_or(false));
            self.months.entry(key).or_default().add(&part);
        }
    }

    /// The last `n` months with an interview, those with a thank-you owed.
    fn last(self, n: usize) -> Vec<charts::Month> {
        let skip = self.months.len().saturating_sub(n);
        self.months
            .into_iter()
            .skip(skip)
            .map(|(month, tally)| {
                let t = tally.finish().thank_yous;
                charts::Month {
                    month,
                    owed: t.owed,
                    within: t.within_24h,
                }
            })
            .filter(|m| m.owed > 0)
            .collect()
    }
}
