//! The scorecard as one self-contained HTML page (inline CSS and SVG, no script, no network):
//! the verdict table, then per offer and placement a chart of weekly revenue lift with its
//! interval bars and the stop-loss line.

use super::scorecard::{Scorecard, Verdict};
use super::tally::Intake;
use std::fmt::Write;
use xsell::Pack;

/// Text as HTML text or attribute value.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str =
    "body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d1d22;max-width:1100px}
h1{font-size:22px}h2{font-size:16px;margin:28px 0 6px}table{border-collapse:collapse;width:100%}
th,td{padding:5px 8px;border-bottom:1px solid #e3e3e8;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}.kill{color:#b00020;font-weight:700}
.watch{color:#a15c00;font-weight:700}.keep{color:#0a7d32}.muted{color:#666}
svg{display:block;margin:4px 0 12px}";

fn num(x: Option<f64>, digits: usize) -> String {
    x.map_or("–".into(), |v| format!("{v:.digits$}"))
}

fn pct(x: Option<f64>) -> String {
    x.map_or("–".into(), |v| format!("{:.1}%", 100.0 * v))
}

/// One offer's chart: weekly revenue lift (percent) with its interval and the bar.
fn chart(v: &Verdict) -> String {
    let (w, h, left, pad) = (640.0, 180.0, 56.0, 24.0);
    let points: Vec<(usize, f64, f64, f64)> = v
        .weeks
        .iter()
        .enumerate()
        .filter_map(|(i, wk)| wk.revenue_lift_pct.map(|e| (i, e.value, e.low, e.high)))
        .collect();
    let bar = v.bars.min_revenue_lift as f64;
    let mut lo = points.iter().map(|p| p.2).fold(bar.min(0.0), f64::min);
    let mut hi = points.iter().map(|p| p.3).fold(bar.max(0.0), f64::max);
    if hi - lo < 1.0 {
        lo -= 1.0;
        hi += 1.0;
    }
    let span = hi - lo;
    let y = |x: f64| pad + (hi - x) / span * (h - 2.0 * pad);
    let n = v.weeks.len().max(1) as f64;
    let x = |i: usize| left + (i as f64 + 0.5) * (w - left - 8.0) / n;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"Weekly revenue lift of {} at {}\">",
        esc(&v.offer),
        esc(&v.placement)
    );
    let _ = write!(
        s,
        "<rect x=\"{left}\" y=\"{pad}\" width=\"{}\" height=\"{}\" fill=\"#fafafc\" stroke=\"#e3e3e8\"/>",
        w - left - 8.0,
        h - 2.0 * pad
    );
    for (val, label) in [(hi, hi), (lo, lo), (0.0, 0.0)] {
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#666\">{label:+.1}%</text>",
            left - 4.0,
            y(val) + 4.0
        );
    }
    let _ = write!(
        s,
        "<line x1=\"{left}\" x2=\"{}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#b00020\" stroke-dasharray=\"5 4\"/><text x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#b00020\">stop-loss {bar:+}%</text>",
        w - 8.0,
        y(bar),
        y(bar),
        w - 12.0,
        y(bar) - 4.0
    );
    for (i, wk) in v.weeks.iter().enumerate() {
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#666\">{}</text>",
            x(i),
            h - 6.0,
            esc(wk.week.get(5..).unwrap_or(&wk.week))
        );
    }
    for &(i, val, l, hgh) in &points {
        let colour = match v.weeks[i].verdict {
            "miss" => "#b00020",
            "pass" => "#0a7d32",
            _ => "#888",
        };
        let _ = write!(
            s,
            "<line x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"{1:.1}\" y2=\"{2:.1}\" stroke=\"{colour}\" stroke-width=\"2\"/><circle cx=\"{0:.1}\" cy=\"{3:.1}\" r=\"4\" fill=\"{colour}\"><title>{4}: {5:+.1}% [{6:+.1}, {7:+.1}] {8}</title></circle>",
            x(i),
            y(l),
            y(hgh),
            y(val),
            esc(&v.weeks[i].week),
            val,
            l,
            hgh,
            v.weeks[i].verdict
        );
    }
    s.push_str("</svg>");
    s
}

pub fn page(pack: &Pack, intake: &Intake, card: &Scorecard, confidence: u32) -> String {
    let mut s = String::with_capacity(64 * 1024);
    let title = format!(
        "xsell scorecard: {} v{}",
        pack.header.id, pack.header.version
    );
    let _ = write!(
        s,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{0}</title><style>{CSS}</style></head><body><h1>{0}</h1>",
        esc(&title)
    );
    let _ = write!(
        s,
        "<p class=\"muted\">Weeks {}. {} events counted of {} lines; {} malformed, {} duplicates, {} outside the period. Intervals at {confidence}%. A week misses when its interval lies wholly below a bar; two judged misses in a row kill.</p>",
        esc(&card.weeks.join(", ")),
        intake.counted,
        intake.lines,
        intake.malformed,
        intake.duplicates,
        intake.outside_period
    );
    s.push_str("<h2>Verdicts</h2><table><thead><tr><th>Status</th><th>Offer</th><th>Placement</th><th>Revenue lift / session</th><th>Margin uplift / session</th><th>Attach rate</th><th>Conversion / exposure</th><th>Return rate</th><th>Core conversion</th><th>Why</th></tr></thead><tbody>");
    for v in &card.verdicts {
        let r = card.rows.iter().find(|r| {
            r.offer == v.offer && r.placement == v.placement && r.week == "all" && r.by.is_empty()
        });
        let e = |x: Option<super::stats::Estimate>, unit: &str| {
            x.map_or("–".into(), |e| {
                format!("{:+.1}{unit} [{:+.1}, {:+.1}]", e.value, e.low, e.high)
            })
        };
        let _ = write!(
            s,
            "<tr><td class=\"{0}\">{0}</td><td>{1}</td><td>{2}</td><td class=\"n\">{3}</td><td class=\"n\">{4}</td><td class=\"n\">{5}</td><td class=\"n\">{6}</td><td class=\"n\">{7}</td><td class=\"n\">{8}</td><td>{9}</td></tr>",
            v.status,
            esc(&v.offer),
            esc(&v.placement),
            e(r.and_then(|r| r.revenue_lift_pct), "%"),
            e(r.and_then(|r| r.margin_uplift), ""),
            pct(r.and_then(|r| r.attach_rate)),
            pct(r.and_then(|r| r.conversion_per_exposure)),
            pct(r.and_then(|r| r.return_rate)),
            e(r.and_then(|r| r.core_conversion_pp), " pp"),
            esc(&v.reason)
        );
    }
    s.push_str("</tbody></table><h2>Weekly lift</h2>");
    for v in &card.verdicts {
        let _ = write!(
            s,
            "<h2>{} <span class=\"muted\">at {}</span> — <span class=\"{}\">{}</span></h2>",
            esc(&v.offer),
            esc(&v.placement),
            v.status,
            v.status
        );
        s.push_str(&chart(v));
    }
    s.push_str("<h2>Every row</h2><table><thead><tr><th>Offer</th><th>Placement</th><th>Breakdown</th><th>Week</th><th>Opportunities shown / held</th><th>Exposures</th><th>Accepts</th><th>Revenue / session shown</th><th>held</th><th>AOV Δ</th></tr></thead><tbody>");
    for r in &card.rows {
        let by: Vec<String> = r.by.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{} / {}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&r.offer),
            esc(&r.placement),
            esc(&by.join(" ")),
            esc(&r.week),
            r.opportunities,
            r.held_opportunities,
            r.exposures,
            r.accepts,
            num(r.shown.revenue_per_session, 0),
            num(r.held.revenue_per_session, 0),
            num(r.incremental_aov.map(|e| e.value), 0)
        );
    }
    s.push_str("</tbody></table><h2>30/60/90-day revenue per visitor, by first-opportunity cohort</h2><table><thead><tr><th>Offer</th><th>Placement</th><th>Cohort</th><th>Side</th><th>30 d</th><th>60 d</th><th>90 d</th></tr></thead><tbody>");
    for c in &card.cohorts {
        let cell = |k: usize| {
            format!(
                "{} <span class=\"muted\">(n {})</span>",
                num(c.revenue[k], 0),
                c.visitors[k]
            )
        };
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&c.offer),
            esc(&c.placement),
            esc(&c.cohort),
            c.side,
            cell(0),
            cell(1),
            cell(2)
        );
    }
    s.push_str("</tbody></table></body></html>\n");
    s
}
