//! Insights as server-rendered SVG: no script, no external library. Each
//! chart carries a text table too, for screen readers and for reading exact
//! numbers.

use debrief_core::stats::{ReplyRate, StageCount, Stats};
use maud::{Markup, html};

const BAR_W: f64 = 240.0;
const ROW_H: f64 = 28.0;
/// The narrowest label column, and the most characters a label shows.
const LABEL_W: f64 = 100.0;
const LABEL_CHARS: usize = 22;
/// Width of one character of chart text (13 px), generously: room reserved
/// for labels so none is cut at either edge.
const CHAR_W: f64 = 7.5;

/// Horizontal bars: (label, value, text shown after the bar). The drawing is
/// as wide as its longest value text needs, never scaled above its natural
/// size (`width` = the viewBox's), and shrinks with a narrow screen.
pub(crate) fn bars(title: &str, rows: &[(String, f64, String)], max: f64) -> Markup {
    let height = ROW_H * rows.len().max(1) as f64 + 8.0;
    let longest = rows
        .iter()
        .map(|(_, _, t)| t.chars().count())
        .max()
        .unwrap_or(0) as f64;
    // Labels longer than this end in "…" (the full text is in the list or
    // table under each chart); the label column fits the longest.
    let label = |l: &str| -> String {
        if l.chars().count() > LABEL_CHARS {
            let cut: String = l.chars().take(LABEL_CHARS - 1).collect();
            format!("{}…", cut.trim_end())
        } else {
            l.to_string()
        }
    };
    let label_w = rows
        .iter()
        .map(|(l, _, _)| label(l).chars().count() as f64 * CHAR_W + 12.0)
        .fold(LABEL_W, f64::max);
    let width = label_w + BAR_W + 6.0 + longest * CHAR_W + 8.0;
    html! {
        svg role="img" aria-label=(title) viewBox=(format!("0 0 {width} {height}")) width=(width) height=(height) class="chart" {
            title { (title) }
            @for (i, (name, value, text)) in rows.iter().enumerate() {
                @let y = 4.0 + ROW_H * i as f64;
                @let w = if max > 0.0 { (value / max * BAR_W).clamp(if *value > 0.0 { 2.0 } else { 0.0 }, BAR_W) } else { 0.0 };
                text x=(label_w - 8.0) y=(y + 18.0) text-anchor="end" class="label" { (label(name)) }
                rect x=(label_w) y=(y + 4.0) width=(format!("{w:.1}")) height=(ROW_H - 10.0) class="bar" {}
                text x=(format!("{:.1}", label_w + w + 6.0)) y=(y + 18.0) text-anchor="start" class="value" { (text) }
            }
        }
    }
}

fn pct(r: f64) -> String {
    format!("{:.0}%", r * 100.0)
}

fn rates(title: &str, rs: &[ReplyRate]) -> Markup {
    let rows: Vec<(String, f64, String)> = rs
        .iter()
        .map(|r| {
            (
                r.key.clone(),
                r.rate,
                format!("{} ({}/{})", pct(r.rate), r.replied, r.sent),
            )
        })
        .collect();
    html! {
        @if rows.is_empty() { p.muted { "No messages logged yet." } } @else { (bars(title, &rows, 1.0)) }
    }
}

/// Thank-you notes owed and sent within 24 hours in one month.
pub struct Month {
    pub month: String,
    pub owed: usize,
    pub within: usize,
}

/// The share of thank-you notes sent within 24 hours, month by month, as
/// columns, with the numbers in a table.
fn over_time(months: &[Month]) -> Markup {
    let col = 44.0;
    let plot_h = 120.0;
    // Room at the left for "100%" (anchored at its end), at the top for the
    // value over a full column, at the bottom for the month.
    let left = 48.0;
    let top = 20.0;
    let base = top + plot_h;
    let width = left + col * months.len().max(1) as f64 + 8.0;
    let height = base + 26.0;
    let share = |m: &Month| {
        if m.owed == 0 {
            0.0
        } else {
            m.within as f64 / m.owed as f64
        }
    };
    html! {
        @if months.is_empty() {
            p.muted { "No interviews held yet." }
        } @else {
            svg role="img" aria-label="Share of thank-you notes sent within 24 hours, by month"
                viewBox=(format!("0 0 {width} {height}")) width=(width) height=(height) class="chart" {
                title { "Share of thank-you notes sent within 24 hours, by month" }
                line x1=(left - 4.0) y1=(base) x2=(width) y2=(base) class="axis" {}
                text x=(left - 8.0) y=(top + 4.0) text-anchor="end" class="label" { "100%" }
                text x=(left - 8.0) y=(base) text-anchor="end" class="label" { "0" }
                @for (i, m) in months.iter().enumerate() {
                    @let x = left + col * i as f64;
                    @let h = share(m) * plot_h;
                    @let mid = x + (col - 12.0) / 2.0;
                    rect x=(x) y=(format!("{:.1}", base - h)) width=(col - 12.0) height=(format!("{h:.1}")) class="bar" {}
                    text x=(mid) y=(base + 18.0) text-anchor="middle" class="label" { (m.month.get(2..).unwrap_or(&m.month)) }
                    text x=(mid) y=(format!("{:.1}", base - h - 5.0)) text-anchor="middle" class="value" { (pct(share(m))) }
                }
            }
            table.numbers {
                caption { "Thank-you notes by month" }
                thead { tr { th scope="col" { "Month" } th scope="col" { "Owed" } th scope="col" { "Within 24 h" } } }
                tbody {
                    @for m in months {
                        tr { th scope="row" { (m.month) } td { (m.owed) } td { (m.within) " (" (pct(share(m))) ")" } }
                    }
                }
            }
        }
    }
}

/// The funnel: applications that reached each stage (the insights page,
/// a coach's cohort insights).
pub fn funnel_bars(funnel: &[StageCount]) -> Markup {
    let bars_of: Vec<(String, f64, String)> = funnel
        .iter()
        .map(|f| {
            (
                f.stage.to_string(),
                f.reached as f64,
                format!("{} reached, {} now", f.reached, f.count),
            )
        })
        .collect();
    let max = funnel.iter().map(|f| f.reached).max().unwrap_or(0) as f64;
    bars("Applications that reached each stage", &bars_of, max)
}

/// Thank-you notes owed, sent, and sent within 24 hours (`share` of the
/// owed).
pub fn thank_you_bars(owed: usize, sent: usize, within_24h: usize, share: f64) -> Markup {
    let thanks = vec![
        ("owed".to_string(), owed as f64, owed.to_string()),
        ("sent".to_string(), sent as f64, sent.to_string()),
        (
            "within 24 h".to_string(),
            within_24h as f64,
            format!("{within_24h} ({})", pct(share)),
        ),
    ];
    bars(
        "Thank-you notes owed, sent, and sent within 24 hours",
        &thanks,
        owed.max(sent) as f64,
    )
}

pub fn insights(s: &Stats, months: &[Month]) -> Markup {
    let t = &s.thank_yous;
    html! {
        h1 { "Insights" }
        p.lede { (s.applications) " application(s), " (s.interviews_held) " interview(s) held." }
        section aria-labelledby="funnel-h" {
            h2 #funnel-h { "Funnel by stage" }
            (funnel_bars(&s.funnel))
        }
        section aria-labelledby="thanks-h" {
            h2 #thanks-h { "Thank-you notes within 24 hours" }
            (thank_you_bars(t.owed, t.sent, t.within_24h, t.share_within_24h))
            h3 { "Month by month" }
            (over_time(months))
        }
        section aria-labelledby="channel-h" {
            h2 #channel-h { "Replies by channel" }
            (rates("Share of messages answered, by channel", &s.replies_by_channel))
        }
        section aria-labelledby="kind-h" {
            h2 #kind-h { "Replies by kind of message" }
            (rates("Share of messages answered, by kind", &s.replies_by_kind))
        }
        section aria-labelledby="missed-h" {
            h2 #missed-h { "Missed windows" }
            @if s.missed.is_empty() {
                p.muted { "Nothing lapsed: every chore was done, dismissed, or is still open." }
            } @else {
                p.muted { "Chores whose moment passed with nothing done (they left the agenda), by the month they lapsed." }
                table.missed {
                    thead { tr { th scope="col" { "Month" } th scope="col" { "Thank-you notes never sent in time" } th scope="col" { "Reflections skipped" } th scope="col" { "All missed windows" } } }
                    tbody {
                        @for m in &s.missed {
                            tr {
                                th scope="row" { (m.month) }
                                td { (m.thank_yous) }
                                td { (m.reflections) }
                                td title=(m.by_rule.iter().map(|(r, n)| format!("{r}: {n}")).collect::<Vec<_>>().join(", ")) { (m.total) }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="mistakes-h" {
            h2 #mistakes-h { "Mistakes that recur" }
            @if s.recurring_mistakes.is_empty() {
                p.muted { "None named in two or more reflections yet." }
            } @else {
                @let rows: Vec<(String, f64, String)> = s.recurring_mistakes.iter().map(|m| (m.mistake.clone(), m.times as f64, format!("{}×", m.times))).collect();
                @let top = s.recurring_mistakes.iter().map(|m| m.times).max().unwrap_or(1) as f64;
                (bars("Mistakes named in more than one reflection", &rows, top))
                ul { @for m in &s.recurring_mistakes { li { (m.mistake) " — " (m.times) " times (" (m.applications.join(", ")) ")" } } }
            }
        }
    }
}
