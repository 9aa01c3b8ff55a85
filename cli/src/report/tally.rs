//! The report's single pass over the events: counts per cell (group × week × arm), each
//! session's first opportunity per group, and the purchases and returns; then the join of
//! sessions to their later purchases.
//!
//! Memory grows with sessions, visitors and orders (a few dozen bytes each), never with the
//! events themselves: ids are kept as 64-bit hashes, strings that repeat (offers, placements,
//! segments, arms, skus) are interned once.

use super::event::{Event, Kind};
use super::stats::Moments;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};

pub const DAY_MS: i64 = 86_400_000;
const WEEK_MS: i64 = 7 * DAY_MS;
/// 1970-01-01 was a Thursday: ISO weeks start 4 days later, on Monday the 5th.
const MONDAY_MS: i64 = 4 * DAY_MS;

/// The Monday 00:00 UTC (Unix ms) of the ISO week holding `ts`.
pub fn week_of(ts: i64) -> i64 {
    (ts - MONDAY_MS).div_euclid(WEEK_MS) * WEEK_MS + MONDAY_MS
}

/// FNV-1a over a string, for ids (sessions, visitors, orders, events).
pub fn id_hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Keys that are already hashes: passed through.
#[derive(Default, Clone, Copy)]
pub struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
}

#[derive(Default, Clone, Copy)]
pub struct Fast;

impl BuildHasher for Fast {
    type Hasher = PassThrough;
    fn build_hasher(&self) -> PassThrough {
        PassThrough(0)
    }
}

/// Strings seen, numbered in order of first sight.
#[derive(Default)]
pub struct Names {
    pub list: Vec<String>,
    index: HashMap<String, u32>,
}

impl Names {
    pub fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = u32::try_from(self.list.len()).unwrap_or(u32::MAX);
        self.list.push(s.to_owned());
        self.index.insert(s.to_owned(), i);
        i
    }
    pub fn get(&self, i: u32) -> &str {
        self.list.get(i as usize).map_or("", String::as_str)
    }
    pub fn find(&self, s: &str) -> Option<u32> {
        self.index.get(s).copied()
    }
}

/// The breakdown dimensions beyond offer and placement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dim {
    Segment,
    Tenure,
    Device,
    Product,
}

impl Dim {
    pub fn name(self) -> &'static str {
        match self {
            Dim::Segment => "segment",
            Dim::Tenure => "tenure",
            Dim::Device => "device",
            Dim::Product => "product",
        }
    }
}

/// An offer at a placement, with the chosen breakdown values (interned; `(none)` when absent).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Group {
    pub offer: u32,
    pub placement: u32,
    pub dims: Vec<u32>,
}

/// One arm's numbers in one group and week.
#[derive(Debug, Clone, Default)]
pub struct ArmCell {
    pub opportunities: u64,
    pub exposures: u64,
    pub accepts: u64,
    pub dismisses: u64,
    /// Per session whose first opportunity for the group fell in this week: its revenue,
    /// margin and whether it bought anything, after that opportunity.
    pub revenue: Moments,
    pub margin: Moments,
    pub converted: Moments,
    /// Per order of those sessions.
    pub orders: Moments,
    /// Sessions that bought one of the offer's skus after the opportunity.
    pub attached: u64,
    pub returned: u64,
}

impl ArmCell {
    pub fn merge(&mut self, o: &ArmCell) {
        self.opportunities += o.opportunities;
        self.exposures += o.exposures;
        self.accepts += o.accepts;
        self.dismisses += o.dismisses;
        self.revenue.merge(&o.revenue);
        self.margin.merge(&o.margin);
        self.converted.merge(&o.converted);
        self.orders.merge(&o.orders);
        self.attached += o.attached;
        self.returned += o.returned;
    }
}

/// 30/60/90-day revenue per visitor after their first opportunity for a group.
#[derive(Debug, Clone, Default)]
pub struct CohortCell {
    pub value: [Moments; 3],
}

pub const HORIZONS: [i64; 3] = [30, 60, 90];

/// What the report needs from the pack: the skus each offer sells and the add-on margins.
#[derive(Default)]
pub struct Facts {
    pub sells: HashMap<String, Vec<String>>,
    pub margin_by_sku: HashMap<String, i64>,
}

struct Purchase {
    session: u32,
    visitor: u32,
    ts: i64,
    revenue: i64,
    margin: i64,
    order: u64,
    skus: Vec<u32>,
}

/// A session's (or visitor's) first opportunity for a group.
#[derive(Clone, Copy)]
struct First {
    arm: u32,
    ts: i64,
    visitor: u32,
}

/// Lines that could not be counted, with where they were.
#[derive(Debug, Default, serde::Serialize)]
pub struct Intake {
    pub lines: u64,
    pub counted: u64,
    pub malformed: u64,
    /// The first malformed lines, `file:line: why`.
    pub malformed_lines: Vec<String>,
    pub duplicates: u64,
    pub outside_period: u64,
}

pub const MAX_MALFORMED_SHOWN: usize = 100;

pub struct Tally {
    pub dims: Vec<Dim>,
    pub since: Option<i64>,
    pub until: Option<i64>,
    pub names: Names,
    pub arms: Names,
    pub intake: Intake,
    seen: HashSet<u64, Fast>,
    sessions: HashMap<u64, u32, Fast>,
    visitors: HashMap<u64, u32, Fast>,
    groups: HashMap<Group, u32>,
    pub group_list: Vec<Group>,
    /// (group, week) → arm → cell.
    pub cells: HashMap<(u32, i64), Vec<ArmCell>>,
    firsts: HashMap<(u32, u32), First, Fast>,
    purchases: Vec<Purchase>,
    /// Order hash → returned skus (empty: the whole order).
    returns: HashMap<u64, Vec<u32>, Fast>,
    /// The latest event time seen, the cohorts' horizon when `until` is not given.
    pub last_ts: i64,
    pub first_ts: i64,
}

/// The arm id every holdout event is counted under (arm 0).
pub const HOLDOUT: &str = "holdout";
/// Events outside any experiment (arm 1).
pub const NO_ARM: &str = "(none)";

impl Tally {
    pub fn new(dims: Vec<Dim>, since: Option<i64>, until: Option<i64>) -> Tally {
        let mut arms = Names::default();
        arms.id(HOLDOUT);
        arms.id(NO_ARM);
        Tally {
            dims,
            since,
            until,
            names: Names::default(),
            arms,
            intake: Intake::default(),
            seen: HashSet::with_hasher(Fast),
            sessions: HashMap::with_hasher(Fast),
            visitors: HashMap::with_hasher(Fast),
            groups: HashMap::new(),
            group_list: Vec::new(),
            cells: HashMap::new(),
            firsts: HashMap::with_hasher(Fast),
            purchases: Vec::new(),
            returns: HashMap::with_hasher(Fast),
            last_ts: i64::MIN,
            first_ts: i64::MAX,
        }
    }

    pub fn malformed(&mut self, file: &str, line: u64, why: &str) {
        self.intake.malformed += 1;
        if self.intake.malformed_lines.len() < MAX_MALFORMED_SHOWN {
            self.intake
                .malformed_lines
                .push(format!("{file}:{line}: {why}"));
        }
    }

    fn session(&mut self, id: &str) -> u32 {
        let n = u32::try_from(self.sessions.len()).unwrap_or(u32::MAX);
        *self.sessions.entry(id_hash(id)).or_insert(n)
    }

    fn visitor(&mut self, e: &Event<'_>) -> u32 {
        let id = e.visitor_id.as_deref().unwrap_or(&e.session_id);
        let n = u32::try_from(self.visitors.len()).unwrap_or(u32::MAX);
        *self.visitors.entry(id_hash(id)).or_insert(n)
    }

    fn group(&mut self, e: &Event<'_>) -> Option<u32> {
        let offer = self.names.id(e.offer.as_deref()?);
        let placement = self.names.id(e.placement.as_deref()?);
        let dims = self
            .dims
            .iter()
            .map(|d| {
                let v = match d {
                    Dim::Segment => e.segment.as_deref(),
                    Dim::Tenure => e.tenure.as_deref(),
                    Dim::Device => e.device.as_deref(),
                    Dim::Product => e.product.as_deref(),
                };
                self.names.id(v.unwrap_or("(none)"))
            })
            .collect();
        let g = Group {
            offer,
            placement,
            dims,
        };
        if let Some(&i) = self.groups.get(&g) {
            return Some(i);
        }
        let i = u32::try_from(self.group_list.len()).unwrap_or(u32::MAX);
        self.group_list.push(g.clone());
        self.groups.insert(g, i);
        Some(i)
    }

    fn cell(&mut self, group: u32, week: i64, arm: u32) -> &mut ArmCell {
        let arms = self.cells.entry((group, week)).or_default();
        let i = arm as usize;
        if arms.len() <= i {
            arms.resize(i + 1, ArmCell::default());
        }
        &mut arms[i]
    }

    /// Counts one parsed event.
    pub fn add(&mut self, e: &Event<'_>, facts: &Facts) {
        if !self.seen.insert(id_hash(&e.event_id)) {
            self.intake.duplicates += 1;
            return;
        }
        if self.since.is_some_and(|s| e.ts < s) || self.until.is_some_and(|u| e.ts >= u) {
            self.intake.outside_period += 1;
            return;
        }
        self.intake.counted += 1;
        self.last_ts = self.last_ts.max(e.ts);
        self.first_ts = self.first_ts.min(e.ts);
        match e.kind {
            Kind::Opportunity | Kind::Exposure | Kind::Accept | Kind::Dismiss => {
                // A card event without an offer (nothing was chosen) is no opportunity for any.
                let Some(group) = self.group(e) else {
                    return;
                };
                let arm = self.arms.id(e.arm.as_deref().unwrap_or(NO_ARM));
                let week = week_of(e.ts);
                let c = self.cell(group, week, arm);
                match e.kind {
                    Kind::Opportunity => c.opportunities += 1,
                    Kind::Exposure => c.exposures += 1,
                    Kind::Accept => c.accepts += 1,
                    _ => c.dismisses += 1,
                }
                if e.kind == Kind::Opportunity {
                    let session = self.session(&e.session_id);
                    let visitor = self.visitor(e);
                    let first = First {
                        arm,
                        ts: e.ts,
                        visitor,
                    };
                    self.firsts
                        .entry((session, group))
                        .and_modify(|f| {
                            if e.ts < f.ts {
                                *f = first;
                            }
                        })
                        .or_insert(first);
                }
            }
            Kind::Purchase => {
                let session = self.session(&e.session_id);
                let visitor = self.visitor(e);
                let skus: Vec<u32> = e.items.iter().map(|i| self.names.id(&i.sku)).collect();
                let margin = e.margin.unwrap_or_else(|| {
                    e.items
                        .iter()
                        .map(|i| {
                            facts
                                .margin_by_sku
                                .get(i.sku.as_ref())
                                .copied()
                                .unwrap_or(0)
                                * i64::from(i.qty)
                        })
                        .sum()
                });
                self.purchases.push(Purchase {
                    session,
                    visitor,
                    ts: e.ts,
                    revenue: e.revenue.unwrap_or(0),
                    margin,
                    order: id_hash(e.order_id.as_deref().unwrap_or("")),
                    skus,
                });
            }
            Kind::Return => {
                let skus: Vec<u32> = e.items.iter().map(|i| self.names.id(&i.sku)).collect();
                let order = id_hash(e.order_id.as_deref().unwrap_or(""));
                let entry = self.returns.entry(order).or_default();
                if skus.is_empty() {
                    entry.clear();
                    entry.push(u32::MAX);
                } else if entry.first() != Some(&u32::MAX) {
                    entry.extend(skus);
                }
            }
        }
    }

    /// Joins every session's first opportunity per group to its later purchases, and every
    /// visitor's to 30/60/90 days of purchases. Returns the cohort cells by
    /// (group, cohort week) → arm.
    pub fn finish(&mut self, facts: &Facts) -> HashMap<(u32, i64), Vec<CohortCell>> {
        let mut purchases = std::mem::take(&mut self.purchases);
        // The offer's skus per group, interned.
        let sells: Vec<Vec<u32>> = self
            .group_list
            .clone()
            .iter()
            .map(|g| {
                let offer = self.names.get(g.offer).to_owned();
                facts
                    .sells
                    .get(&offer)
                    .map(|s| s.iter().map(|k| self.names.id(k)).collect())
                    .unwrap_or_default()
            })
            .collect();
        let returns = std::mem::take(&mut self.returns);
        let returned = |p: &Purchase, skus: &[u32]| {
            returns
                .get(&p.order)
                .is_some_and(|r| r.first() == Some(&u32::MAX) || r.iter().any(|s| skus.contains(s)))
        };

        // Sessions.
        purchases.sort_unstable_by_key(|p| (p.session, p.ts));
        let by_session = index(&purchases, |p| p.session);
        let firsts = std::mem::take(&mut self.firsts);
        let mut visitor_firsts: HashMap<(u32, u32), First, Fast> = HashMap::with_hasher(Fast);
        for (&(session, group), f) in &firsts {
            let skus = sells.get(group as usize).map(Vec::as_slice).unwrap_or(&[]);
            let mut c = ArmCell::default();
            let (mut revenue, mut margin, mut bought, mut attached, mut back) =
                (0i64, 0i64, false, false, false);
            for p in slice(&purchases, &by_session, session)
                .iter()
                .filter(|p| p.ts >= f.ts)
            {
                revenue += p.revenue;
                margin += p.margin;
                bought = true;
                c.orders.add(p.revenue as f64);
                if p.skus.iter().any(|s| skus.contains(s)) {
                    attached = true;
                    back |= returned(p, skus);
                }
            }
            c.revenue.add(revenue as f64);
            c.margin.add(margin as f64);
            c.converted.add(if bought { 1.0 } else { 0.0 });
            c.attached = u64::from(attached);
            c.returned = u64::from(back);
            // Merged at once: a list of per-session cells would be the report's largest
            // allocation (about 150 bytes a session).
            self.cell(group, week_of(f.ts), f.arm).merge(&c);
            visitor_firsts
                .entry((f.visitor, group))
                .and_modify(|v| {
                    if f.ts < v.ts {
                        *v = *f;
                    }
                })
                .or_insert(*f);
        }

        // Visitors: revenue within 30/60/90 days of the first opportunity, counted only where
        // the whole window lies before the horizon.
        let horizon = self.until.unwrap_or(self.last_ts.saturating_add(1));
        purchases.sort_unstable_by_key(|p| (p.visitor, p.ts));
        let by_visitor = index(&purchases, |p| p.visitor);
        let mut cohorts: HashMap<(u32, i64), Vec<CohortCell>> = HashMap::new();
        for (&(visitor, group), f) in &visitor_firsts {
            let bought = slice(&purchases, &by_visitor, visitor);
            let arms = cohorts.entry((group, week_of(f.ts))).or_default();
            if arms.len() <= f.arm as usize {
                arms.resize(f.arm as usize + 1, CohortCell::default());
            }
            let cell = &mut arms[f.arm as usize];
            for (k, days) in HORIZONS.iter().enumerate() {
                let end = f.ts + days * DAY_MS;
                if end > horizon {
                    continue;
                }
                let sum: i64 = bought
                    .iter()
                    .filter(|p| p.ts >= f.ts && p.ts < end)
                    .map(|p| p.revenue)
                    .sum();
                cell.value[k].add(sum as f64);
            }
        }
        cohorts
    }
}

/// Start and end of each key's run in a slice sorted by that key.
fn index<T>(items: &[T], key: impl Fn(&T) -> u32) -> HashMap<u32, (usize, usize), Fast> {
    let mut out: HashMap<u32, (usize, usize), Fast> = HashMap::with_hasher(Fast);
    for (i, it) in items.iter().enumerate() {
        out.entry(key(it))
            .and_modify(|r| r.1 = i + 1)
            .or_insert((i, i + 1));
    }
    out
}

fn slice<'p, T>(items: &'p [T], idx: &HashMap<u32, (usize, usize), Fast>, k: u32) -> &'p [T] {
    idx.get(&k)
        .and_then(|&(a, b)| items.get(a..b))
        .unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday_utc() {
        // 2026-11-23 is a Monday; 2026-11-29 23:59:59 is the Sunday after.
        let monday = 1_795_392_000_000; // 2026-11-23T00:00:00Z
        assert_eq!(week_of(monday), monday);
        assert_eq!(week_of(monday + 7 * DAY_MS - 1), monday);
        assert_eq!(week_of(monday - 1), monday - 7 * DAY_MS);
        assert_eq!(week_of(0), -3 * DAY_MS); // 1970-01-01 is in the week of Monday 1969-12-29
    }
}
