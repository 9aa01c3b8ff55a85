//! The decision: for one placement, the single most useful eligible offer, why it won, and why
//! every other candidate lost.
//!
//! Pipeline per candidate (the first failing check is its reason): window → stage → consent →
//! already in cart → compatibility → stock → condition → sequence → cooldown → caps →
//! exclusive group. Survivors are ranked by score (priority, plus the motivation bonus when the
//! shopper's declared motivation matches), then by unit margin, then by pack order.

mod context;
mod explain;
pub mod holdout;
pub mod html;
pub mod view;

use crate::consent::Consent;
use crate::ledger::Ledger;
use crate::pack::{Caps, Offer, Pack, SequenceEvent, Stage};
use crate::signals::Signals;
use context::{Context, OfferFacts};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
pub use view::{BundleView, ItemView, Money, NeedView, OfferView, Text, TierView};

/// How the decision ended.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// An offer was chosen.
    Offer,
    /// No offer in the pack could apply to this placement and these products.
    NoCandidates,
    /// Candidates existed but none was eligible; the trace says why.
    NoneEligible,
    /// The placement is neither built in nor declared by the pack.
    UnknownPlacement,
    /// An offer was chosen but the shopper is in the experiment's holdout: nothing is shown,
    /// and `would_be` names the offer (the counterfactual lift is measured against).
    Holdout,
}

/// Why a candidate was not chosen.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    OutsideWindow,
    /// The offer's need-state stage is not the shopper's stage at this placement.
    Stage,
    /// Needs personalization consent that was not given.
    Consent,
    /// What it sells is already in the cart.
    InCart,
    Incompatible,
    OutOfStock,
    ConditionFalse,
    SequenceNotReady,
    Cooldown,
    CapReached,
    ExclusiveGroup,
    LowerScore,
}

impl Outcome {
    /// The outcome as it is serialized (`rename_all = "snake_case"`).
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Offer => "offer",
            Outcome::NoCandidates => "no_candidates",
            Outcome::NoneEligible => "none_eligible",
            Outcome::UnknownPlacement => "unknown_placement",
            Outcome::Holdout => "holdout",
        }
    }
}

impl Reason {
    /// The reason as it is serialized (`rename_all = "snake_case"`).
    pub fn name(self) -> &'static str {
        match self {
            Reason::OutsideWindow => "outside_window",
            Reason::Stage => "stage",
            Reason::Consent => "consent",
            Reason::InCart => "in_cart",
            Reason::Incompatible => "incompatible",
            Reason::OutOfStock => "out_of_stock",
            Reason::ConditionFalse => "condition_false",
            Reason::SequenceNotReady => "sequence_not_ready",
            Reason::Cooldown => "cooldown",
            Reason::CapReached => "cap_reached",
            Reason::ExclusiveGroup => "exclusive_group",
            Reason::LowerScore => "lower_score",
        }
    }
}

/// One candidate that lost, and why.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TraceEntry<'a> {
    pub offer: Text<'a>,
    pub reason: Reason,
    /// Specifics, e.g. "day cap 2 reached" or "score 40 vs 60 for bundle-pro".
    pub detail: Text<'a>,
}

/// Which pack decided.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PackRef<'a> {
    pub id: Text<'a>,
    pub version: u64,
}

/// The experiment a decision was assigned in.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ExperimentRef<'a> {
    pub id: Text<'a>,
    pub unit: crate::pack::Unit,
    /// The arm's id, or `holdout`.
    pub arm: Text<'a>,
}

/// The result of [`decide`]. "No offer" is a decision too, with its reasons in the trace.
///
/// Its text borrows from the pack (names, labels, pre-formatted prices); serialize it, or call
/// [`Decision::into_owned`] to keep it beyond the pack.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Decision<'a> {
    pub outcome: Outcome,
    pub placement: Text<'a>,
    /// The shopper's stage at this placement (absent for an unknown placement).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
    pub pack: PackRef<'a>,
    /// Whether personal signals could be used (personalization consent, no GPC).
    pub personalized: bool,
    /// The experiment covering this placement and the arm this shopper is in (absent when no
    /// experiment covers it, or the host gave neither a visitor nor a session id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experiment: Option<ExperimentRef<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<OfferView<'a>>,
    /// In the holdout: the offer that would have shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub would_be: Option<Text<'a>>,
    /// Score of the chosen offer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<i64>,
    /// The rules that made the chosen offer eligible.
    pub matched: Vec<Text<'a>>,
    /// Every other candidate, in pack order, with the reason it lost.
    pub trace: Vec<TraceEntry<'a>>,
}

impl Decision<'_> {
    /// A copy that owns its text, to keep beyond the pack it was decided from.
    pub fn into_owned(self) -> Decision<'static> {
        Decision {
            outcome: self.outcome,
            placement: view::own(self.placement),
            stage: self.stage,
            pack: PackRef {
                id: view::own(self.pack.id),
                version: self.pack.version,
            },
            personalized: self.personalized,
            experiment: self.experiment.map(|e| ExperimentRef {
                id: view::own(e.id),
                unit: e.unit,
                arm: view::own(e.arm),
            }),
            offer: self.offer.map(OfferView::into_owned),
            would_be: self.would_be.map(view::own),
            score: self.score,
            matched: self.matched.into_iter().map(view::own).collect(),
            trace: self
                .trace
                .into_iter()
                .map(|t| TraceEntry {
                    offer: view::own(t.offer),
                    reason: t.reason,
                    detail: view::own(t.detail),
                })
                .collect(),
        }
    }
}

const DAY: i64 = 86_400;
const WEEK: i64 = 7 * DAY;

/// Decides the offer for `signals.placement`. Pure: the same inputs give the same decision.
pub fn decide<'a>(
    pack: &'a Pack,
    signals: &Signals,
    ledger: &Ledger,
    consent: &Consent,
    now: i64,
) -> Decision<'a> {
    let personal = consent.effective().personalization;
    let pack_ref = PackRef {
        id: Cow::Borrowed(&pack.header.id),
        version: pack.header.version,
    };
    let Some((placement, def)) = pack.placement(&signals.placement) else {
        return Decision {
            outcome: Outcome::UnknownPlacement,
            placement: Cow::Owned(signals.placement.clone()),
            stage: None,
            pack: pack_ref,
            personalized: personal,
            experiment: None,
            offer: None,
            would_be: None,
            score: None,
            matched: Vec::new(),
            trace: Vec::new(),
        };
    };
    // The experiment covering this placement, and where this shopper falls in it.
    let assigned = pack.experiment(placement).and_then(|e| {
        let key = holdout::unit_key(e, signals, now)?;
        Some((e, holdout::assign(e, &key)))
    });
    let ctx = Context::new(pack, signals, ledger, now, personal, placement, def.stage);
    let anchors = ctx.anchors();
    let mut candidates = Vec::new();
    pack.index
        .candidates(pack, placement, &anchors, &mut candidates);

    let global = global_block(&ctx);
    let mut trace: Vec<(u32, TraceEntry<'a>)> = Vec::with_capacity(candidates.len());
    let mut eligible: Vec<(u32, i64, Option<u32>)> = Vec::with_capacity(candidates.len());
    for &oi in &candidates {
        let Some(offer) = pack.offers.get(oi as usize) else {
            continue;
        };
        match check(&ctx, offer, &anchors, global.as_ref()) {
            Ok(chosen) => eligible.push((oi, score(&ctx, offer), chosen)),
            Err((reason, detail)) => trace.push((
                oi,
                TraceEntry {
                    offer: Cow::Borrowed(&offer.id),
                    reason,
                    detail,
                },
            )),
        }
    }
    // The best: score, then margin, then pack order. A linear pick, not a sort: only the
    // winner matters, and the losers keep pack order in the trace (no sort code in the wasm).
    let better = |a: &(u32, i64, Option<u32>), b: &(u32, i64, Option<u32>)| {
        let (oa, ob) = (pack.offers.get(a.0 as usize), pack.offers.get(b.0 as usize));
        (a.1, oa.map(|o| o.margin), std::cmp::Reverse(a.0))
            > (b.1, ob.map(|o| o.margin), std::cmp::Reverse(b.0))
    };
    let winner = eligible
        .iter()
        .copied()
        .reduce(|best, e| if better(&e, &best) { e } else { best });
    let mut result_offer = None;
    let mut matched = Vec::new();
    let mut win_score = None;
    // Losers to lower scores, in pack order (`eligible` follows `candidates`, which is sorted).
    let mut outscored: Vec<(u32, TraceEntry<'a>)> = Vec::new();
    if let Some((wi, wscore, chosen)) = winner {
        if let Some(w) = pack.offers.get(wi as usize) {
            for &(oi, s, _) in eligible.iter().filter(|e| e.0 != wi) {
                if let Some(o) = pack.offers.get(oi as usize) {
                    let detail = Cow::Owned(score_detail(s, wscore, &w.id));
                    outscored.push((
                        oi,
                        TraceEntry {
                            offer: Cow::Borrowed(&o.id),
                            reason: Reason::LowerScore,
                            detail,
                        },
                    ));
                }
            }
            let facts = OfferFacts {
                ctx: &ctx,
                offer: w,
            };
            w.condition.explain(&facts, &mut matched);
            if let Some(p) = chosen.and_then(|c| pack.products.get(c as usize)) {
                if !w.sells.is_empty() {
                    let mut fits = String::with_capacity(8 + p.name.len() + p.sku.len());
                    for part in ["fits ", &p.name, " (", &p.sku, ")"] {
                        fits.push_str(part);
                    }
                    matched.insert(0, Cow::Owned(fits));
                }
            }
            let variant = assigned
                .and_then(|(_, arm)| arm)
                .and_then(|arm| arm.variant(wi));
            let mut card = view(
                pack,
                &ctx,
                variant.map_or(w, |v| &v.shown),
                chosen,
                &eligible,
            );
            if variant.is_some_and(|v| v.price == crate::pack::PriceShow::Plain) {
                card.regular_price = None;
                card.savings = None;
            }
            result_offer = Some(card);
            win_score = Some(wscore);
        }
    }
    let trace = merge_by_offer(trace, outscored);
    let mut outcome = match (&result_offer, candidates.is_empty()) {
        (Some(_), _) => Outcome::Offer,
        (None, true) => Outcome::NoCandidates,
        (None, false) => Outcome::NoneEligible,
    };
    let experiment = assigned.map(|(e, arm)| ExperimentRef {
        id: Cow::Borrowed(e.id.as_str()),
        unit: e.unit,
        arm: Cow::Borrowed(holdout::arm_name(arm)),
    });
    let mut would_be = None;
    if matches!(assigned, Some((_, None))) {
        if let Some(card) = result_offer.take() {
            would_be = Some(card.id);
            outcome = Outcome::Holdout;
        }
    }
    Decision {
        outcome,
        placement: Cow::Borrowed(&def.name),
        stage: Some(ctx.stage),
        pack: pack_ref,
        personalized: personal,
        experiment,
        offer: result_offer,
        would_be,
        score: win_score,
        matched,
        trace,
    }
}

/// Two trace lists, each in pack order, as one list in pack order.
fn merge_by_offer<'a>(
    a: Vec<(u32, TraceEntry<'a>)>,
    b: Vec<(u32, TraceEntry<'a>)>,
) -> Vec<TraceEntry<'a>> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let take_a = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => x.0 <= y.0,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let next = if take_a { a.next() } else { b.next() };
        if let Some((_, t)) = next {
            out.push(t);
        }
    }
    out
}

/// "score 40 vs 50 for <winner>", without the formatting machinery (one per losing offer).
fn score_detail(score: i64, winner_score: i64, winner: &str) -> String {
    let mut out = String::with_capacity(32 + winner.len());
    out.push_str("score ");
    push_int(&mut out, score);
    out.push_str(" vs ");
    push_int(&mut out, winner_score);
    out.push_str(" for ");
    out.push_str(winner);
    out
}

fn push_int(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    crate::pack::money::push_digits(out, n.unsigned_abs(), false);
}

type Reject<'a> = (Reason, Text<'a>);

/// A cap that blocks every offer here (global or per placement), with its description.
fn global_block(ctx: &Context<'_>) -> Option<String> {
    let l = ctx.ledger;
    let same = l.same_session(ctx.session);
    let name = ctx
        .pack
        .placements
        .get(ctx.placement)
        .map(|p| p.name.as_str())
        .unwrap_or_default();
    let g = &ctx.pack.policy.caps;
    let session_total = if same { l.session_total } else { 0 };
    if let Some(why) = cap_hit(
        g,
        session_total,
        l.log_since(None, ctx.now, DAY),
        l.log_since(None, ctx.now, WEEK),
    ) {
        return Some(format!("global {why}"));
    }
    let pc = ctx
        .pack
        .policy
        .placement_caps
        .get(ctx.placement)
        .copied()
        .unwrap_or_default();
    if !pc.is_empty() {
        let in_session = if same {
            l.session_placements.get(name).copied().unwrap_or(0)
        } else {
            0
        };
        if let Some(why) = cap_hit(
            &pc,
            in_session,
            l.log_since(Some(name), ctx.now, DAY),
            l.log_since(Some(name), ctx.now, WEEK),
        ) {
            return Some(format!("{name} placement {why}"));
        }
    }
    None
}

fn cap_hit(caps: &Caps, session: u32, day: u32, week: u32) -> Option<String> {
    for (label, cap, n) in [
        ("session", caps.session, session),
        ("day", caps.day, day),
        ("week", caps.week, week),
    ] {
        if let Some(c) = cap.filter(|c| n >= *c) {
            return Some(format!("{label} cap {c} reached"));
        }
    }
    None
}

/// Runs the eligibility pipeline; on success returns the chosen product the offer fits.
fn check<'a>(
    ctx: &Context<'_>,
    o: &'a Offer,
    anchors: &[u32],
    global: Option<&String>,
) -> Result<Option<u32>, Reject<'a>> {
    let pack = ctx.pack;
    let now = ctx.now;
    if o.window.0.is_some_and(|f| now < f) || o.window.1.is_some_and(|u| now >= u) {
        return Err((
            Reason::OutsideWindow,
            Cow::Borrowed("not within the offer's active window"),
        ));
    }
    if o.stage != ctx.stage {
        return Err((
            Reason::Stage,
            Cow::Owned(format!(
                "for {}, shopper is {}",
                o.stage.name(),
                ctx.stage.name()
            )),
        ));
    }
    if o.personal && !ctx.personal {
        return Err((
            Reason::Consent,
            Cow::Borrowed("needs personalization consent"),
        ));
    }
    if !o.sells.is_empty() && o.sells.iter().all(|s| ctx.cart.contains(s)) {
        return Err((Reason::InCart, Cow::Borrowed("already in the cart")));
    }
    // An offer with no compatibility rules at all fits anything, even when nothing is chosen.
    let unconstrained = o.bundle.as_ref().is_none_or(|b| b.anchor.is_none())
        && o.sells
            .iter()
            .all(|s| pack.compat.get(*s as usize).is_none_or(Option::is_none));
    let chosen = if anchors.is_empty() && unconstrained {
        None
    } else {
        match anchors.iter().copied().find(|&a| pack.offer_fits(o, a)) {
            Some(a) => Some(a),
            None => {
                return Err((
                    Reason::Incompatible,
                    Cow::Borrowed("fits none of the products chosen"),
                ))
            }
        }
    };
    if let Some(s) = o
        .delivers()
        .iter()
        .find(|&&s| ctx.stock(s).is_some_and(|n| n <= 0))
    {
        let sku = pack
            .products
            .get(*s as usize)
            .map(|p| p.sku.as_str())
            .unwrap_or_default();
        return Err((
            Reason::OutOfStock,
            Cow::Owned(format!("{sku} is out of stock")),
        ));
    }
    let facts = OfferFacts { ctx, offer: o };
    if !o.condition.eval(&facts) {
        return Err((
            Reason::ConditionFalse,
            Cow::Owned(o.condition.why_false(&facts)),
        ));
    }
    let l = ctx.ledger;
    for (prev, event) in &o.after {
        let Some(p) = pack.offers.get(*prev as usize) else {
            continue;
        };
        let h = l.offer(&p.id);
        let ready = match event {
            SequenceEvent::Shown => h.is_some_and(|h| h.ever_shown),
            SequenceEvent::Accepted => h.is_some_and(|h| h.accepted > 0),
        };
        if !ready {
            let what = if *event == SequenceEvent::Shown {
                "shown"
            } else {
                "accepted"
            };
            return Err((
                Reason::SequenceNotReady,
                Cow::Owned(format!("waits until {} was {what}", p.id)),
            ));
        }
    }
    if let Some(d) = l.offer(&o.id).and_then(|h| h.dismissed_at) {
        let since = now.saturating_sub(d);
        if o.cooldown_secs > 0 && since < o.cooldown_secs {
            let hours = o.cooldown_secs.saturating_sub(since).saturating_add(3599) / 3600;
            return Err((
                Reason::Cooldown,
                Cow::Owned(format!("dismissed; {hours} h of cooldown left")),
            ));
        }
    }
    if let Some(why) = global {
        return Err((Reason::CapReached, Cow::Owned(why.clone())));
    }
    let session = l.shown_in_session(&o.id, ctx.session);
    if let Some(why) = cap_hit(
        &o.caps,
        session,
        l.shown_since(&o.id, now, DAY),
        l.shown_since(&o.id, now, WEEK),
    ) {
        return Err((Reason::CapReached, Cow::Owned(why)));
    }
    if let Some(g) = &o.group {
        for peer in o
            .group_peers
            .iter()
            .filter_map(|&p| pack.offers.get(p as usize))
        {
            if let Some(h) = l.offer(&peer.id) {
                if h.accepted > 0 {
                    return Err((
                        Reason::ExclusiveGroup,
                        Cow::Owned(format!("{} in group {g} was accepted", peer.id)),
                    ));
                }
                if l.same_session(ctx.session) && h.session_shown > 0 {
                    return Err((
                        Reason::ExclusiveGroup,
                        Cow::Owned(format!("{} in group {g} was shown this session", peer.id)),
                    ));
                }
            }
        }
    }
    Ok(chosen)
}

fn score(ctx: &Context<'_>, o: &Offer) -> i64 {
    let mut s = i64::from(o.priority);
    if ctx.personal && ctx.signals.motivation == Some(o.motivation) {
        s += i64::from(ctx.pack.policy.motivation_bonus);
    }
    s
}

fn view<'a>(
    pack: &'a Pack,
    ctx: &Context<'_>,
    o: &'a Offer,
    chosen: Option<u32>,
    eligible: &[(u32, i64, Option<u32>)],
) -> OfferView<'a> {
    let view::Priced {
        price,
        regular_price,
        savings,
        items,
        image,
        url,
    } = view::priced(pack, o);
    let bundle = o.bundle.as_ref().map(|b| BundleView {
        name: Cow::Borrowed(&b.name),
        tier: b.tier,
        label: view::tier_label(b.tier, b.tier_label.as_deref()),
        tiers: b
            .family
            .iter()
            .filter(|f| eligible.iter().any(|e| e.0 == **f))
            .filter_map(|f| pack.offers.get(*f as usize))
            .filter_map(|f| {
                let fb = f.bundle.as_ref()?;
                Some(TierView {
                    offer: Cow::Borrowed(&f.id),
                    tier: fb.tier,
                    label: view::tier_label(fb.tier, fb.tier_label.as_deref()),
                    price: Money {
                        amount: fb.price,
                        currency: Cow::Borrowed(&fb.currency),
                        display: Cow::Borrowed(&fb.price_display),
                    },
                })
            })
            .collect(),
    });
    let (because, _) = explain::because(ctx, o, chosen);
    OfferView {
        id: Cow::Borrowed(&o.id),
        kind: o.kind,
        title: Cow::Borrowed(&o.title),
        benefit: o.benefit.as_deref().map(Cow::Borrowed),
        because: Cow::Owned(because),
        cta: Cow::Borrowed(&o.cta),
        image,
        url,
        price,
        regular_price,
        savings,
        items,
        bundle,
        need: NeedView {
            stage: o.stage,
            motivation: o.motivation,
        },
        chosen: chosen
            .and_then(|c| pack.products.get(c as usize))
            .map(|p| Cow::Borrowed(p.sku.as_str())),
    }
}
