//! A coach's cohort insights (hosted mode, FORMAT.md §3):
//! `GET /api/v1/caseload/insights` and the page `/caseload/insights`,
//! linked from the caseload. The core's stats (`debrief stats`) of each
//! candidate who shares with the coach, summed: the funnel, thank-you
//! timeliness, status checks, lapsed windows. Counts and ratios only —
//! never a note's text, a mistake's words or a person's name; a candidate
//! who does not share counts for nothing.

// A refusal here is the response itself (403, 503), made once and
// returned as is; boxing it would only move the allocation.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;

use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use debrief_core::engine::State as ActionState;
use debrief_core::model::{Stage, TouchKind};
use debrief_core::rules::Rule;
use debrief_core::stats::{self, StageCount};
use debrief_store_postgres::hosted::{Account, Role};
use jiff::SignedDuration;
use maud::html;
use schemars::JsonSchema;
use serde::Serialize;

use crate::hosted::{Hosted, forbidden_for, page, problem_response, store_failed};

/// Thank-you timeliness across the cohort.
#[derive(Debug, Default, Serialize, JsonSchema)]
pub(crate) struct CohortThankYous {
    /// Interviewers owed a note (held interviews × interviewers).
    pub owed: usize,
    pub sent: usize,
    /// Sent within 24 hours of the interview's end.
    pub within_24h: usize,
    /// `within_24h / owed`, 0 when nothing was owed.
    pub share_within_24h: f64,
    /// The median time from an interview's end to the note, in hours, over
    /// the notes sent; `null` when none was.
    pub median_delay_hours: Option<f64>,
}

/// Status checks (PLAYBOOK `status-check`) across the cohort.
#[derive(Debug, Default, Serialize, JsonSchema)]
pub(crate) struct StatusChecks {
    /// Status checks logged as sent.
    pub done: usize,
    /// Open now, not yet late.
    pub due: usize,
    /// Open and past their deadline.
    pub overdue: usize,
    /// Windows that passed with no check made.
    pub lapsed: usize,
}

/// `GET /api/v1/caseload/insights`: the stats of every candidate who
/// shares with the caller, summed.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct CohortInsights {
    /// Candidates who share with the caller (the cohort).
    pub candidates: usize,
    pub applications: usize,
    /// Applications per stage, in pipeline order (every stage listed):
    /// `count` now in it, `reached` got at least this far.
    pub funnel: Vec<StageCount>,
    pub interviews_held: usize,
    /// Applications that reached an offer.
    pub offers: usize,
    pub thank_yous: CohortThankYous,
    pub status_checks: StatusChecks,
    /// Windows that passed with nothing done (PLAYBOOK `lapse`), every rule.
    pub lapsed_windows: usize,
}

/// One vault's share of the cohort's figures.
struct Part {
    stats: stats::Stats,
    delays: Vec<SignedDuration>,
    status_due: usize,
    status_overdue: usize,
}

fn part_of(h: &Hosted, candidate: &Account) -> Result<Part, Response> {
    let state = h.vault_state(candidate)?;
    let snap = state.snapshot().map_err(|p| problem_response(&p))?;
    let data = state
        .store()
        .map_err(|p| problem_response(&p))?
        .load()
        .map_err(|e| store_failed(&e))?;
    let count = |st: ActionState| {
        snap.agenda
            .actions
            .iter()
            .filter(|a| a.rule == Rule::StatusCheck && a.state == st)
            .count()
    };
    Ok(Part {
        stats: stats::compute_at(&data, snap.now),
        delays: data
            .applications
            .iter()
            .flat_map(stats::thank_you_delays)
            .flatten()
            .collect(),
        status_due: count(ActionState::Due),
        status_overdue: count(ActionState::Overdue),
    })
}

/// The median of `delays` in hours (a note sent before the interview
/// ended counts as no delay).
fn median_hours(mut delays: Vec<SignedDuration>) -> Option<f64> {
    if delays.is_empty() {
        return None;
    }
    delays.sort();
    let hours = |d: SignedDuration| d.as_secs_f64().max(0.0) / 3600.0;
    let mid = delays.len() / 2;
    Some(if delays.len() % 2 == 1 {
        hours(delays[mid])
    } else {
        (hours(delays[mid - 1]) + hours(delays[mid])) / 2.0
    })
}

/// The parts summed.
fn sum(parts: Vec<Part>) -> CohortInsights {
    let mut counts: BTreeMap<Stage, (usize, usize)> = BTreeMap::new();
    let mut order: Vec<Stage> = Vec::new();
    let mut delays = Vec::new();
    let mut t = CohortThankYous::default();
    let mut checks = StatusChecks::default();
    let (mut applications, mut held, mut lapsed) = (0, 0, 0);
    let candidates = parts.len();
    for p in parts {
        applications += p.stats.applications;
        held += p.stats.interviews_held;
        for f in &p.stats.funnel {
            if !order.contains(&f.stage) {
                order.push(f.stage);
            }
            let c = counts.entry(f.stage).or_default();
            c.0 += f.count;
            c.1 += f.reached;
        }
        t.owed += p.stats.thank_yous.owed;
        t.sent += p.stats.thank_yous.sent;
        t.within_24h += p.stats.thank_yous.within_24h;
        delays.extend(p.delays);
        checks.done += p
            .stats
            .replies_by_kind
            .iter()
            .filter(|r| r.key == TouchKind::StatusCheck.as_str())
            .map(|r| r.sent)
            .sum::<usize>();
        checks.due += p.status_due;
        checks.overdue += p.status_overdue;
        for m in &p.stats.missed {
            lapsed += m.total;
            checks.lapsed += m.by_rule.get(Rule::StatusCheck.id()).copied().unwrap_or(0);
        }
    }
    t.share_within_24h = if t.owed == 0 {
        0.0
    } else {
        t.within_24h as f64 / t.owed as f64
    };
    t.median_delay_hours = median_hours(delays);
    let funnel: Vec<StageCount> = order
        .iter()
        .map(|&stage| {
            let (count, reached) = counts.get(&stage).copied().unwrap_or_default();
            StageCount {
                stage,
                count,
                reached,
            }
        })
        .collect();
    let offers = funnel
        .iter()
        .find(|f| f.stage == Stage::Offer)
        .map_or(0, |f| f.reached);
    CohortInsights {
        candidates,
        applications,
        funnel,
        interviews_held: held,
        offers,
        thank_yous: t,
        status_checks: checks,
        lapsed_windows: lapsed,
    }
}

/// `GET /api/v1/caseload/insights` and the page `/caseload/insights`.
pub(crate) async fn insights(h: &Hosted, caller: &Account, req: Request) -> Response {
    let uri = req.uri().clone();
    if caller.role != Role::Coach {
        return forbidden_for(&uri, "only a coach has a caseload");
    }
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return forbidden_for(&uri, "the caseload is read-only");
    }
    let candidates = match h.directory().shared_with(caller) {
        Ok(c) => c,
        Err(e) => return store_failed(&e),
    };
    let mut parts = Vec::with_capacity(candidates.len());
    for c in &candidates {
        match part_of(h, c) {
            Ok(p) => parts.push(p),
            Err(res) => return res,
        }
    }
    let cohort = sum(parts);
    if uri.path().starts_with("/api/") {
        return axum::Json(cohort).into_response();
    }
    insights_page(caller, &cohort)
}

fn insights_page(caller: &Account, c: &CohortInsights) -> Response {
    let t = &c.thank_yous;
    let s = &c.status_checks;
    page(
        StatusCode::OK,
        "Cohort insights",
        Some(caller),
        html! {
            h1 { "Cohort insights" }
            p.lede #cohort-summary {
                (c.candidates) " candidate(s) sharing with you: "
                (c.applications) " application(s), " (c.interviews_held) " interview(s) held, "
                (c.offers) " offer(s)."
            }
            p.muted { "Counts and ratios only, summed over the candidates who share with you; nobody's notes or contacts. "
                a href="/" { "Back to the caseload" } "." }
            section aria-labelledby="funnel-h" {
                h2 #funnel-h { "Funnel by stage" }
                (crate::charts::funnel_bars(&c.funnel))
            }
            section aria-labelledby="thanks-h" {
                h2 #thanks-h { "Thank-you notes within 24 hours" }
                (crate::charts::thank_you_bars(t.owed, t.sent, t.within_24h, t.share_within_24h))
                p #median-delay {
                    "Median delay from the interview's end to the note: "
                    @match t.median_delay_hours {
                        Some(hours) => strong { (format!("{hours:.1} h")) },
                        None => "no note sent yet",
                    }
                    "."
                }
            }
            section aria-labelledby="checks-h" {
                h2 #checks-h { "Status checks" }
                table.numbers #status-checks {
                    caption { "Status checks done and due" }
                    thead { tr { th scope="col" { "Done" } th scope="col" { "Due now" } th scope="col" { "Overdue" } th scope="col" { "Lapsed" } } }
                    tbody { tr { td { (s.done) } td { (s.due) } td { (s.overdue) } td { (s.lapsed) } } }
                }
            }
            section aria-labelledby="lapsed-h" {
                h2 #lapsed-h { "Missed windows" }
                p #lapsed { (c.lapsed_windows) " window(s) passed with nothing done." }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_an_even_count_is_between_the_middle_two() {
        let h = |n: i64| SignedDuration::from_hours(n);
        assert_eq!(median_hours(vec![]), None);
        assert_eq!(median_hours(vec![h(30), h(2), h(5)]), Some(5.0));
        assert_eq!(median_hours(vec![h(30), h(2), h(5), h(7)]), Some(6.0));
        assert_eq!(median_hours(vec![h(-1)]), Some(0.0));
    }
}
