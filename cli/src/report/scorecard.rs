//! The scorecard: per offer × placement (× the chosen breakdowns) and weekly cycle, the
//! measures of docs/report.md, shown against held out; and the stop-loss verdicts.

use super::stats::{diff, lift_pct, z_for, Estimate, Moments};
use super::tally::{ArmCell, CohortCell, Tally, HORIZONS};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use xsell::pack::time::format_rfc3339;

/// Stop-loss settings per offer, from the pack.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Bars {
    pub min_revenue_lift: i64,
    pub min_margin_uplift: i64,
}

pub struct StopLoss {
    pub confidence: u32,
    pub min_sessions: u32,
    pub bars: HashMap<String, Bars>,
    pub default: Bars,
}

#[derive(Debug, Serialize)]
pub struct Side {
    pub sessions: u64,
    pub revenue_per_session: Option<f64>,
    pub margin_per_session: Option<f64>,
    pub conversion: Option<f64>,
    pub aov: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct Row {
    pub offer: String,
    pub placement: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub by: BTreeMap<&'static str, String>,
    /// Monday of the weekly cycle (YYYY-MM-DD), or `all`.
    pub week: String,
    /// Shown (every arm but the holdout) and held out.
    pub opportunities: u64,
    pub held_opportunities: u64,
    pub exposures: u64,
    pub accepts: u64,
    pub dismisses: u64,
    pub shown: Side,
    pub held: Side,
    /// Sessions that bought the offer after an opportunity, per shown opportunity.
    pub attach_rate: Option<f64>,
    pub conversion_per_exposure: Option<f64>,
    /// Revenue per session, shown minus held (minor units).
    pub revenue_per_session_lift: Option<Estimate>,
    /// The same in percent of held.
    pub revenue_lift_pct: Option<Estimate>,
    pub incremental_aov: Option<Estimate>,
    pub margin_uplift: Option<Estimate>,
    /// Attached sessions whose offer was returned, per attached session.
    pub return_rate: Option<f64>,
    /// Conversion of sessions, shown minus held, in percentage points.
    pub core_conversion_pp: Option<Estimate>,
}

#[derive(Debug, Serialize)]
pub struct WeekVerdict {
    pub week: String,
    /// `miss`, `pass` or `no_verdict` (too few sessions on a side).
    pub verdict: &'static str,
    pub revenue_lift_pct: Option<Estimate>,
    pub margin_uplift: Option<Estimate>,
    pub shown_sessions: u64,
    pub held_sessions: u64,
}

#[derive(Debug, Serialize)]
pub struct Verdict {
    pub offer: String,
    pub placement: String,
    /// `keep`, `watch` or `kill`.
    pub status: &'static str,
    pub bars: Bars,
    pub weeks: Vec<WeekVerdict>,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct CohortRow {
    pub offer: String,
    pub placement: String,
    pub cohort: String,
    /// `shown` or `held`.
    pub side: &'static str,
    /// Visitors whose 30/60/90-day window has closed, and their mean revenue in it.
    pub visitors: [u64; 3],
    pub revenue: [Option<f64>; 3],
}

fn day(ms: i64) -> String {
    format_rfc3339(ms.div_euclid(1000))
        .get(..10)
        .unwrap_or_default()
        .to_owned()
}

/// Shown (every arm except the holdout, or one arm) and held cells merged from an arm list.
fn sides(arms: &[ArmCell], arm: Option<u32>) -> (ArmCell, ArmCell) {
    let mut shown = ArmCell::default();
    let held = arms.first().cloned().unwrap_or_default();
    for (i, c) in arms.iter().enumerate().skip(1) {
        if arm.is_none_or(|a| a as usize == i) {
            shown.merge(c);
        }
    }
    (shown, held)
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

fn side(c: &ArmCell) -> Side {
    Side {
        sessions: c.revenue.n,
        revenue_per_session: c.revenue.mean(),
        margin_per_session: c.margin.mean(),
        conversion: c.converted.mean(),
        aov: c.orders.mean(),
    }
}

/// Both sides need sessions for a comparison.
fn both(t: &Moments, c: &Moments) -> bool {
    t.n > 0 && c.n > 0
}

fn row(t: &Tally, group: u32, week: String, shown: &ArmCell, held: &ArmCell, z: f64) -> Row {
    let g = &t.group_list[group as usize];
    let cmp = |a: &Moments, b: &Moments, f: fn(&Moments, &Moments, f64) -> Option<Estimate>| {
        both(a, b).then(|| f(a, b, z)).flatten()
    };
    let pp = cmp(&shown.converted, &held.converted, diff).map(|e| Estimate {
        value: 100.0 * e.value,
        low: 100.0 * e.low,
        high: 100.0 * e.high,
    });
    Row {
        offer: t.names.get(g.offer).to_owned(),
        placement: t.names.get(g.placement).to_owned(),
        by: t
            .dims
            .iter()
            .zip(&g.dims)
            .map(|(d, v)| (d.name(), t.names.get(*v).to_owned()))
            .collect(),
        week,
        opportunities: shown.opportunities,
        held_opportunities: held.opportunities,
        exposures: shown.exposures,
        accepts: shown.accepts,
        dismisses: shown.dismisses,
        shown: side(shown),
        held: side(held),
        attach_rate: ratio(shown.attached, shown.opportunities),
        conversion_per_exposure: ratio(shown.accepts, shown.exposures),
        revenue_per_session_lift: cmp(&shown.revenue, &held.revenue, diff),
        revenue_lift_pct: cmp(&shown.revenue, &held.revenue, lift_pct),
        incremental_aov: cmp(&shown.orders, &held.orders, diff),
        margin_uplift: cmp(&shown.margin, &held.margin, diff),
        return_rate: ratio(shown.returned, shown.attached),
        core_conversion_pp: pp,
    }
}

pub struct Scorecard {
    pub rows: Vec<Row>,
    pub verdicts: Vec<Verdict>,
    pub cohorts: Vec<CohortRow>,
    pub weeks: Vec<String>,
}

/// Builds every row, verdict and cohort from a finished tally.
pub fn build(
    t: &Tally,
    cohorts: &HashMap<(u32, i64), Vec<CohortCell>>,
    stop: &StopLoss,
    arm: Option<&str>,
) -> Scorecard {
    let z = z_for(stop.confidence);
    let arm = arm.map(|a| t.arms.find(a).unwrap_or(u32::MAX));
    let mut weeks: Vec<i64> = t.cells.keys().map(|k| k.1).collect();
    weeks.sort_unstable();
    weeks.dedup();
    let mut groups: Vec<u32> = (0..t.group_list.len() as u32).collect();
    let key = |g: &u32| {
        let gr = &t.group_list[*g as usize];
        (
            t.names.get(gr.offer),
            t.names.get(gr.placement),
            gr.dims.iter().map(|d| t.names.get(*d)).collect::<Vec<_>>(),
        )
    };
    groups.sort_by(|a, b| key(a).cmp(&key(b)));

    let mut rows = Vec::new();
    // Offer × placement → per week (shown, held) merged over the breakdowns, for verdicts.
    let mut base: BTreeMap<(String, String), BTreeMap<i64, (ArmCell, ArmCell)>> = BTreeMap::new();
    for &g in &groups {
        let mut total = (ArmCell::default(), ArmCell::default());
        for &w in &weeks {
            let Some(arms) = t.cells.get(&(g, w)) else {
                continue;
            };
            let (shown, held) = sides(arms, arm);
            rows.push(row(t, g, day(w), &shown, &held, z));
            total.0.merge(&shown);
            total.1.merge(&held);
            let gr = &t.group_list[g as usize];
            let b = base
                .entry((
                    t.names.get(gr.offer).to_owned(),
                    t.names.get(gr.placement).to_owned(),
                ))
                .or_default()
                .entry(w)
                .or_default();
            b.0.merge(&shown);
            b.1.merge(&held);
        }
        rows.push(row(t, g, "all".into(), &total.0, &total.1, z));
    }

    let verdicts = base
        .into_iter()
        .map(|((offer, placement), by_week)| {
            let bars = stop.bars.get(&offer).copied().unwrap_or(stop.default);
            let min = u64::from(stop.min_sessions);
            let weeks: Vec<WeekVerdict> = by_week
                .iter()
                .map(|(w, (shown, held))| {
                    let lift = both(&shown.revenue, &held.revenue)
                        .then(|| lift_pct(&shown.revenue, &held.revenue, z))
                        .flatten();
                    let margin = both(&shown.margin, &held.margin)
                        .then(|| diff(&shown.margin, &held.margin, z))
                        .flatten();
                    let enough = shown.revenue.n >= min && held.revenue.n >= min;
                    let below = lift.is_some_and(|l| l.high < bars.min_revenue_lift as f64)
                        || margin.is_some_and(|m| m.high < bars.min_margin_uplift as f64);
                    WeekVerdict {
                        week: day(*w),
                        verdict: match (enough, below) {
                            (false, _) => "no_verdict",
                            (true, true) => "miss",
                            (true, false) => "pass",
                        },
                        revenue_lift_pct: lift,
                        margin_uplift: margin,
                        shown_sessions: shown.revenue.n,
                        held_sessions: held.revenue.n,
                    }
                })
                .collect();
            let (status, reason) = status(&weeks, bars);
            Verdict {
                offer,
                placement,
                status,
                bars,
                weeks,
                reason,
            }
        })
        .collect();

    let mut cohort_rows = Vec::new();
    let mut keys: Vec<&(u32, i64)> = cohorts.keys().collect();
    keys.sort_by(|a, b| key(&a.0).cmp(&key(&b.0)).then(a.1.cmp(&b.1)));
    for k in keys {
        let g = &t.group_list[k.0 as usize];
        let arms = &cohorts[k];
        let mut held = CohortCell::default();
        let mut shown = CohortCell::default();
        for (i, c) in arms.iter().enumerate() {
            let into = if i == 0 { &mut held } else { &mut shown };
            if i == 0 || arm.is_none_or(|a| a as usize == i) {
                for h in 0..HORIZONS.len() {
                    into.value[h].merge(&c.value[h]);
                }
            }
        }
        for (side_name, c) in [("shown", &shown), ("held", &held)] {
            if c.value[0].n == 0 {
                continue;
            }
            cohort_rows.push(CohortRow {
                offer: t.names.get(g.offer).to_owned(),
                placement: t.names.get(g.placement).to_owned(),
                cohort: day(k.1),
                side: side_name,
                visitors: [c.value[0].n, c.value[1].n, c.value[2].n],
                revenue: [c.value[0].mean(), c.value[1].mean(), c.value[2].mean()],
            });
        }
    }
    Scorecard {
        rows,
        verdicts,
        cohorts: cohort_rows,
        weeks: weeks.into_iter().map(day).collect(),
    }
}

/// Two misses in a row anywhere: kill. Else a miss in the latest week with a verdict: watch.
fn status(weeks: &[WeekVerdict], bars: Bars) -> (&'static str, String) {
    let judged: Vec<&WeekVerdict> = weeks.iter().filter(|w| w.verdict != "no_verdict").collect();
    if let Some(pair) = judged
        .windows(2)
        .find(|p| p[0].verdict == "miss" && p[1].verdict == "miss")
    {
        return (
            "kill",
            format!(
                "missed its bars (revenue lift ≥ {}%, margin uplift ≥ {}) in the weeks of {} and {}",
                bars.min_revenue_lift, bars.min_margin_uplift, pair[0].week, pair[1].week
            ),
        );
    }
    match judged.last() {
        Some(w) if w.verdict == "miss" => (
            "watch",
            format!("missed its bars in the week of {}", w.week),
        ),
        Some(_) => ("keep", "cleared its bars in its latest judged week".into()),
        None => ("keep", "not enough sessions for a verdict yet".into()),
    }
}
