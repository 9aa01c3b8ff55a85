//! Experiments and stop-loss bars, compiled: which placements hold out which share of shoppers,
//! the creative arms the rest are split into, and the bars the weekly scorecard applies.
//!
//! Assignment itself is in [`crate::decision::holdout`]; this module only checks and builds
//! what the pack declares.

use super::error::{push, PackError, PackErrorKind as K};
use super::source::{BarsSource, ExperimentSource, PriceShow, StopLossSource, Unit, VariantSource};
use super::template::Template;
use super::Offer;
use crate::condition::ValueKind;
use std::fmt;

/// The largest holdout a pack may declare, percent.
pub const MAX_HOLDOUT: u32 = 90;
/// The arm id every holdout unit is reported under; no declared arm may use it.
pub const HOLDOUT_ARM: &str = "holdout";
/// The arm of an experiment that declares no arms.
pub const DEFAULT_ARM: &str = "default";

#[derive(Debug, Clone, PartialEq)]
pub struct Experiment {
    pub id: String,
    pub unit: Unit,
    /// Percent of units held out (0–90).
    pub holdout: u32,
    /// Bit per placement index.
    pub placements: u64,
    /// At least one; weights are positive.
    pub arms: Vec<Arm>,
}

impl Experiment {
    pub fn total_weight(&self) -> u64 {
        self.arms.iter().map(|a| u64::from(a.weight)).sum()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Arm {
    pub id: String,
    pub weight: u32,
    /// Offers this arm presents differently, by offer index (each at most once).
    pub variants: Vec<Variant>,
}

impl Arm {
    pub fn variant(&self, offer: u32) -> Option<&Variant> {
        self.variants.iter().find(|v| v.offer == offer)
    }
}

/// An arm's creative for one offer: the offer with its text replaced, and how its price shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub offer: u32,
    pub shown: Offer,
    pub price: PriceShow,
}

/// Stop-loss bars for one offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bars {
    /// Revenue per session, treatment over holdout, percent.
    pub min_revenue_lift: i64,
    /// Contribution margin per session, treatment minus holdout, minor units.
    pub min_margin_uplift: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StopLoss {
    /// Two-sided confidence of the scorecard's intervals, percent (50–99).
    pub confidence: u32,
    /// Sessions each side needs in a week before the week can miss.
    pub min_sessions: u32,
    /// By offer index.
    pub bars: Vec<Bars>,
}

impl StopLoss {
    /// The bars for offer `i`; the pack-wide defaults for an index out of range.
    pub fn bars(&self, i: u32) -> Bars {
        self.bars.get(i as usize).copied().unwrap_or(Bars {
            min_revenue_lift: 0,
            min_margin_uplift: 0,
        })
    }
}

/// What compiling the experiments needs from the rest of the pack.
pub(crate) struct Scope<'p> {
    pub offers: &'p [Offer],
    pub offer_index: &'p dyn Fn(&str) -> Option<u32>,
    pub placement_bit: &'p dyn Fn(&str) -> Option<u64>,
    pub all_placements: u64,
    pub answers: &'p [(String, ValueKind, Vec<String>)],
    pub valid_id: &'p dyn Fn(&str) -> bool,
}

struct At<'a>(usize, &'a str);

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "experiments[{}]{}", self.0, self.1)
    }
}

pub(crate) fn compile_experiments(
    errors: &mut Vec<PackError>,
    src: &[ExperimentSource<'_>],
    scope: &Scope<'_>,
) -> Vec<Experiment> {
    let mut out: Vec<Experiment> = Vec::with_capacity(src.len());
    let mut taken = 0u64;
    for (i, e) in src.iter().enumerate() {
        let before = errors.len();
        if !(scope.valid_id)(e.id) {
            push(
                errors,
                K::BadValue,
                None,
                format_args!("{}", At(i, ".id")),
                format_args!(
                    "experiment id `{}` must be 1–64 of A–Z a–z 0–9 - _ . :",
                    e.id
                ),
            );
        }
        if src[..i].iter().any(|x| x.id == e.id) {
            push(
                errors,
                K::Duplicate,
                None,
                format_args!("{}", At(i, ".id")),
                format_args!("experiment `{}` is declared twice", e.id),
            );
        }
        if e.holdout > MAX_HOLDOUT {
            push(
                errors,
                K::BadValue,
                None,
                format_args!("{}", At(i, ".holdout")),
                format_args!(
                    "a holdout of {}% leaves too few shoppers to learn from: at most {MAX_HOLDOUT}",
                    e.holdout
                ),
            );
        }
        let mut placements = 0u64;
        match &e.placements {
            None => placements = scope.all_placements,
            Some(names) => {
                for (k, name) in names.iter().enumerate() {
                    match (scope.placement_bit)(name) {
                        Some(b) => placements |= b,
                        None => push(
                            errors,
                            K::UnknownPlacement,
                            None,
                            format_args!("{}.placements[{k}]", At(i, "")),
                            format_args!("unknown placement `{name}`"),
                        ),
                    }
                }
            }
        }
        if placements & taken != 0 {
            push(
                errors,
                K::Duplicate,
                None,
                format_args!("{}", At(i, ".placements")),
                format_args!(
                    "experiment `{}` covers a placement another experiment already covers: one experiment per placement",
                    e.id
                ),
            );
        }
        taken |= placements;
        let mut arms = Vec::with_capacity(e.arms.len().max(1));
        if e.arms.is_empty() {
            arms.push(Arm {
                id: DEFAULT_ARM.to_owned(),
                weight: 1,
                variants: Vec::new(),
            });
        }
        for (k, a) in e.arms.iter().enumerate() {
            let at = At(i, "");
            if !(scope.valid_id)(a.id) || a.id == HOLDOUT_ARM {
                push(
                    errors,
                    K::BadValue,
                    None,
                    format_args!("{at}.arms[{k}].id"),
                    format_args!(
                        "arm id `{}` must be 1–64 of A–Z a–z 0–9 - _ . : and not `{HOLDOUT_ARM}`",
                        a.id
                    ),
                );
            }
            if e.arms[..k].iter().any(|x| x.id == a.id) {
                push(
                    errors,
                    K::Duplicate,
                    None,
                    format_args!("{at}.arms[{k}].id"),
                    format_args!("arm `{}` appears twice in experiment `{}`", a.id, e.id),
                );
            }
            if a.weight == 0 || a.weight > 10_000 {
                push(
                    errors,
                    K::BadValue,
                    None,
                    format_args!("{at}.arms[{k}].weight"),
                    format_args!("an arm's weight is 1–10000, not {}", a.weight),
                );
            }
            let mut variants = Vec::with_capacity(a.offers.len());
            for (offer_id, v) in &a.offers {
                let where_ = format!("{at}.arms[{k}].offers.{offer_id}");
                let Some(oi) = (scope.offer_index)(offer_id) else {
                    push(
                        errors,
                        K::UnknownOffer,
                        None,
                        format_args!("{where_}"),
                        format_args!(
                            "arm `{}` restyles offer `{offer_id}`, which the pack does not define",
                            a.id
                        ),
                    );
                    continue;
                };
                let Some(o) = scope.offers.get(oi as usize) else {
                    continue;
                };
                if let Some(shown) = variant(errors, o, v, &where_, scope) {
                    if o.placements & placements == 0 {
                        push(
                            errors,
                            K::BadValue,
                            Some(offer_id),
                            format_args!("{where_}"),
                            format_args!(
                                "offer `{offer_id}` shows at none of experiment `{}`'s placements",
                                e.id
                            ),
                        );
                    }
                    variants.push(Variant {
                        offer: oi,
                        shown,
                        price: v.price,
                    });
                }
            }
            arms.push(Arm {
                id: a.id.to_owned(),
                weight: a.weight,
                variants,
            });
        }
        if errors.len() == before {
            out.push(Experiment {
                id: e.id.to_owned(),
                unit: e.unit,
                holdout: e.holdout,
                placements,
                arms,
            });
        }
    }
    out
}

/// The offer as an arm shows it.
fn variant(
    errors: &mut Vec<PackError>,
    o: &Offer,
    v: &VariantSource<'_>,
    at: &str,
    scope: &Scope<'_>,
) -> Option<Offer> {
    let before = errors.len();
    let mut shown = o.clone();
    if let Some(t) = v.title {
        shown.title = t.to_owned();
    }
    if let Some(b) = v.benefit {
        shown.benefit = Some(b.to_owned());
    }
    if let Some(c) = v.cta {
        shown.cta = c.to_owned();
    }
    for (text, field) in [(v.title, "title"), (v.cta, "cta")] {
        if text.is_some_and(|t| t.trim().is_empty()) {
            push(
                errors,
                K::BadValue,
                Some(&o.id),
                format_args!("{at}.{field}"),
                format_args!("an arm's {field} may not be empty"),
            );
        }
    }
    if let Some(t) = v.because {
        shown.because = Template::parse_at(
            t,
            scope.answers,
            &o.id,
            &format_args!("{at}.because"),
            errors,
        );
    }
    if let Some(t) = v.because_contextual {
        let tpl = Template::parse_at(
            t,
            scope.answers,
            &o.id,
            &format_args!("{at}.because_contextual"),
            errors,
        );
        if tpl.as_ref().is_some_and(|t| t.personal) {
            push(
                errors,
                K::BadValue,
                Some(&o.id),
                format_args!("{at}.because_contextual"),
                format_args!("the contextual explanation may cite only the page and cart"),
            );
        }
        shown.because_contextual = tpl;
    }
    (errors.len() == before).then_some(shown)
}

pub(crate) fn compile_stop_loss(
    errors: &mut Vec<PackError>,
    src: &StopLossSource<'_>,
    offers: &[Offer],
    offer_index: &dyn Fn(&str) -> Option<u32>,
) -> StopLoss {
    let confidence = src.confidence.unwrap_or(95);
    if !(50..=99).contains(&confidence) {
        push(
            errors,
            K::BadValue,
            None,
            format_args!("stop_loss.confidence"),
            format_args!("confidence is a percent from 50 to 99, not {confidence}"),
        );
    }
    let base = bars(
        &src.bars,
        Bars {
            min_revenue_lift: 0,
            min_margin_uplift: 0,
        },
    );
    let mut all = vec![base; offers.len()];
    for (id, b) in &src.offers {
        match offer_index(id).and_then(|i| all.get_mut(i as usize)) {
            Some(slot) => *slot = bars(b, base),
            None => push(
                errors,
                K::UnknownOffer,
                None,
                format_args!("stop_loss.offers.{id}"),
                format_args!("stop-loss bars for offer `{id}`, which the pack does not define"),
            ),
        }
    }
    StopLoss {
        confidence,
        min_sessions: src.min_sessions.unwrap_or(100),
        bars: all,
    }
}

fn bars(b: &BarsSource, base: Bars) -> Bars {
    Bars {
        min_revenue_lift: b.min_revenue_lift.unwrap_or(base.min_revenue_lift),
        min_margin_uplift: b.min_margin_uplift.unwrap_or(base.min_margin_uplift),
    }
}
