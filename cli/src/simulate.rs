//! `xsell simulate`: shoppers with known true effects per offer, decided by the real engine
//! (the pack's experiments, caps and cooldowns, each visitor's own ledger), written as the
//! measurement events a browser would send. Seeded: the same seed gives the same events.
//!
//! Each session is one page view: one decision, so an offer's true effect per session is
//! exactly what its truth entry says (see docs/report.md#simulate):
//! revenue per session shown = conversion × (1 + core_effect) × order value
//! + exposure × attach × the offer's price; held out = conversion × order value.

use crate::io::{self, Fail, Outcome};
use crate::SimulateArgs;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::Write;
use std::process::ExitCode;
use xsell::ledger::{Event as LedgerEvent, EventKind};
use xsell::pack::time::parse_rfc3339;
use xsell::signals::{CartItem, CustomerSignals, PageSignals, SessionSignals};
use xsell::{decide, Consent, Ledger, Outcome as DecisionOutcome, Pack, Signals};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Truth {
    /// The first Monday (YYYY-MM-DD, UTC).
    pub start: String,
    pub weeks: u32,
    pub sessions_per_week: u32,
    /// Share of sessions by a visitor seen before (their ledger carries over).
    #[serde(default = "returning")]
    pub returning: f64,
    /// Chance a session buys its core products.
    pub conversion: f64,
    /// Core order value, minor units: normal, cut at 1/10 of the mean.
    pub order_mean: f64,
    pub order_sd: f64,
    /// Contribution margin of core revenue.
    #[serde(default = "margin_rate")]
    pub margin_rate: f64,
    /// Chance a shown card is seen (an exposure).
    #[serde(default = "exposure")]
    pub exposure: f64,
    /// Chance a seen card that is not accepted is dismissed.
    #[serde(default)]
    pub dismiss: f64,
    /// Share of visitors in the `vip` segment (the rest are `regular`).
    #[serde(default)]
    pub vip: f64,
    /// The pages sessions land on, by weight.
    pub pages: Vec<Page>,
    /// True effects by offer id; offers not listed have none.
    #[serde(default)]
    pub offers: HashMap<String, Effect>,
}

fn returning() -> f64 {
    0.3
}
fn margin_rate() -> f64 {
    0.3
}
fn exposure() -> f64 {
    0.8
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page {
    pub placement: String,
    #[serde(default)]
    pub product: Option<String>,
    #[serde(default)]
    pub cart: Vec<String>,
    #[serde(default = "one")]
    pub weight: f64,
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Effect {
    /// Chance a seen card is accepted (the add-on is bought).
    #[serde(default)]
    pub attach: f64,
    /// Relative change of the core conversion when the card was seen (−0.1: cannibalizes).
    #[serde(default)]
    pub core_effect: f64,
    /// Chance an accepted add-on is returned.
    #[serde(default)]
    pub return_rate: f64,
}

/// xoshiro256**, seeded by splitmix64: small, fast and reproducible everywhere.
pub struct Rng([u64; 4]);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut x = seed;
        let mut next = || {
            x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        Rng([next(), next(), next(), next()])
    }
    pub fn u64(&mut self) -> u64 {
        let s = &mut self.0;
        let out = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        out
    }
    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.u64() % n
        }
    }
    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u = self.f64().max(f64::MIN_POSITIVE);
        let v = self.f64();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
    pub fn hex(&mut self) -> String {
        format!("{:016x}{:016x}", self.u64(), self.u64())
    }
}

/// One event line as docs/events.md defines it.
#[derive(Serialize, Default)]
struct Line<'a> {
    v: u32,
    #[serde(rename = "type")]
    kind: &'a str,
    event_id: String,
    ts: i64,
    source: &'a str,
    session_id: &'a str,
    visitor_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    decision_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pack_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pack_version: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    placement: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    outcome: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    offer: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    experiment: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    arm: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    product: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    segment: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tenure: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    order_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    revenue: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    currency: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    margin: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    amount: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    items: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct Item<'a> {
    sku: &'a str,
    qty: u32,
    price: i64,
}

struct Visitor {
    id: String,
    ledger: Ledger,
    vip: bool,
    first: i64,
}

fn tenure(days: i64) -> &'static str {
    match days {
        ..30 => "0-29",
        30..365 => "30-364",
        _ => "365+",
    }
}

/// Writes the events of a simulation to `out`; returns the number of events.
pub fn run(pack: &Pack, truth: &Truth, seed: u64, out: &mut impl Write) -> Result<u64, Fail> {
    let start = parse_rfc3339(&format!("{}T00:00:00Z", truth.start))
        .ok_or_else(|| Fail::new(format!("truth.start: `{}` is not YYYY-MM-DD", truth.start)))?;
    if truth.pages.is_empty() {
        return Err(Fail::new("truth.pages: at least one page"));
    }
    let total_weight: f64 = truth.pages.iter().map(|p| p.weight.max(0.0)).sum();
    let mut rng = Rng::new(seed);
    let mut visitors: Vec<Visitor> = Vec::new();
    let mut n = 0u64;
    let mut session_no = 0u64;
    let mut order_no = 0u64;
    let consent = Consent::ALL;
    let currency = pack
        .products
        .first()
        .map_or("USD", |p| p.currency.as_str())
        .to_owned();
    let mut emit = |line: &Line<'_>, out: &mut dyn Write| -> Result<(), Fail> {
        serde_json::to_writer(&mut *out, line).map_err(|e| Fail::new(e.to_string()))?;
        out.write_all(b"\n")
            .map_err(|e| Fail::new(format!("cannot write events: {e}")))?;
        n += 1;
        Ok(())
    };
    let week_secs = 7 * 86_400;
    for week in 0..i64::from(truth.weeks) {
        for _ in 0..truth.sessions_per_week {
            let t0 = start + week * week_secs + rng.below(week_secs as u64) as i64;
            // The visitor: a returning one, or new.
            let v = if !visitors.is_empty() && rng.chance(truth.returning) {
                rng.below(visitors.len() as u64) as usize
            } else {
                let vip = rng.chance(truth.vip);
                visitors.push(Visitor {
                    id: format!("v{:x}", rng.u64()),
                    ledger: Ledger::default(),
                    vip,
                    first: t0,
                });
                visitors.len() - 1
            };
            session_no += 1;
            let sid = format!("s{session_no:x}-{:x}", rng.u64() & 0xffff);
            // The page.
            let mut pick = rng.f64() * total_weight;
            let page = truth
                .pages
                .iter()
                .find(|p| {
                    pick -= p.weight.max(0.0);
                    pick < 0.0
                })
                .unwrap_or(&truth.pages[0]);
            let visitor = &mut visitors[v];
            let segment = if visitor.vip { "vip" } else { "regular" };
            let ten = tenure((t0 - visitor.first).div_euclid(86_400));
            let signals = Signals {
                placement: page.placement.clone(),
                page: PageSignals {
                    product: page.product.clone(),
                    ..Default::default()
                },
                cart: xsell::signals::CartSignals {
                    items: page
                        .cart
                        .iter()
                        .map(|s| CartItem {
                            sku: s.clone(),
                            qty: 1,
                        })
                        .collect(),
                },
                session: SessionSignals {
                    id: Some(sid.clone()),
                    visitor: Some(visitor.id.clone()),
                    ..Default::default()
                },
                customer: CustomerSignals {
                    segment: Some(segment.to_owned()),
                    ..Default::default()
                },
                ..Default::default()
            };
            let d = decide(pack, &signals, &visitor.ledger, &consent, t0);
            let decision_id = rng.hex();
            let offer_id: Option<String> = d
                .offer
                .as_ref()
                .map(|o| o.id.to_string())
                .or_else(|| d.would_be.as_ref().map(|w| w.to_string()));
            let arm = d.experiment.as_ref().map(|e| e.arm.to_string());
            let experiment = d.experiment.as_ref().map(|e| e.id.to_string());
            let shown = d.outcome == DecisionOutcome::Offer;
            let price = d.offer.as_ref().map_or(0, |o| o.price.amount as i64);
            let sells: Vec<(String, i64)> = d
                .offer
                .as_ref()
                .map(|o| {
                    o.items
                        .iter()
                        .filter(|i| !i.anchor)
                        .map(|i| (i.sku.to_string(), i.price.amount as i64))
                        .collect()
                })
                .unwrap_or_default();
            let outcome = d.outcome;
            let vid = visitors[v].id.clone();
            let base = |kind: &'static str, event_id: String, ts: i64| Line {
                v: 1,
                kind,
                event_id,
                ts: ts * 1000,
                source: "simulate",
                session_id: &sid,
                visitor_id: &vid,
                decision_id: Some(&decision_id),
                pack_id: Some(&pack.header.id),
                pack_version: Some(pack.header.version),
                placement: Some(&page.placement),
                offer: offer_id.as_deref(),
                experiment: experiment.as_deref(),
                arm: arm.as_deref(),
                product: page.product.as_deref(),
                segment: Some(segment),
                tenure: Some(ten),
                ..Default::default()
            };
            let mut opp = base("opportunity", rng.hex(), t0);
            opp.outcome = Some(outcome_name(outcome));
            emit(&opp, out)?;

            let effect = offer_id
                .as_ref()
                .and_then(|o| truth.offers.get(o))
                .copied()
                .unwrap_or_default();
            let mut accepted = false;
            let mut seen = false;
            let ledger = &mut visitors[v].ledger;
            if shown {
                if let Some(o) = &offer_id {
                    ledger.record(
                        &LedgerEvent::new(EventKind::Shown, o, &page.placement, Some(&sid)),
                        t0,
                    );
                    if rng.chance(truth.exposure) {
                        seen = true;
                        emit(&base("exposure", rng.hex(), t0 + 2), out)?;
                        if rng.chance(effect.attach) {
                            accepted = true;
                            emit(&base("accept", rng.hex(), t0 + 20), out)?;
                            ledger.record(
                                &LedgerEvent::new(
                                    EventKind::Accepted,
                                    o,
                                    &page.placement,
                                    Some(&sid),
                                ),
                                t0 + 20,
                            );
                        } else if rng.chance(truth.dismiss) {
                            emit(&base("dismiss", rng.hex(), t0 + 20), out)?;
                            ledger.record(
                                &LedgerEvent::new(
                                    EventKind::Dismissed,
                                    o,
                                    &page.placement,
                                    Some(&sid),
                                ),
                                t0 + 20,
                            );
                        }
                    }
                }
            }
            // The order: the core with the (possibly changed) conversion, plus the add-on.
            let conv = truth.conversion * if seen { 1.0 + effect.core_effect } else { 1.0 };
            let core = rng.chance(conv.clamp(0.0, 1.0));
            let core_value = if core {
                (truth.order_mean + truth.order_sd * rng.normal())
                    .max(truth.order_mean / 10.0)
                    .round() as i64
            } else {
                0
            };
            if core || accepted {
                order_no += 1;
                let order_id = format!("o{order_no:x}");
                let mut items = Vec::new();
                if core {
                    items.push(Item {
                        sku: page
                            .product
                            .as_deref()
                            .or(page.cart.first().map(String::as_str))
                            .unwrap_or("CORE"),
                        qty: 1,
                        price: core_value,
                    });
                }
                let mut revenue = core_value;
                let mut margin = (core_value as f64 * truth.margin_rate).round() as i64;
                if accepted {
                    revenue += price;
                    margin += offer_id
                        .as_deref()
                        .and_then(|o| pack.offer(o))
                        .map_or(0, |(_, o)| o.margin);
                    for (sku, p) in &sells {
                        items.push(Item {
                            sku,
                            qty: 1,
                            price: *p,
                        });
                    }
                }
                let ts = t0 + 300;
                let p = Line {
                    v: 1,
                    kind: "purchase",
                    event_id: rng.hex(),
                    ts: ts * 1000,
                    source: "simulate",
                    session_id: &sid,
                    visitor_id: &vid,
                    order_id: Some(&order_id),
                    revenue: Some(revenue),
                    currency: Some(&currency),
                    margin: Some(margin),
                    items,
                    ..Default::default()
                };
                emit(&p, out)?;
                visitors[v].ledger.record(
                    &LedgerEvent {
                        kind: Some(EventKind::Purchased),
                        skus: page.cart.clone(),
                        ..Default::default()
                    },
                    ts,
                );
                if accepted && rng.chance(effect.return_rate) {
                    let r = Line {
                        v: 1,
                        kind: "return",
                        event_id: rng.hex(),
                        ts: (ts + 7 * 86_400) * 1000,
                        source: "simulate",
                        session_id: &sid,
                        visitor_id: &vid,
                        order_id: Some(&order_id),
                        amount: Some(price),
                        currency: Some(&currency),
                        items: sells
                            .iter()
                            .map(|(sku, p)| Item {
                                sku,
                                qty: 1,
                                price: *p,
                            })
                            .collect(),
                        ..Default::default()
                    };
                    emit(&r, out)?;
                }
            }
        }
    }
    Ok(n)
}

fn outcome_name(o: DecisionOutcome) -> &'static str {
    o.name()
}

pub fn simulate(args: &SimulateArgs) -> Outcome {
    let pack = Pack::from_json(&io::read(&args.pack)?).map_err(|e| {
        Fail(
            std::iter::once(format!("{}: not a valid pack", args.pack.display()))
                .chain(e.iter().map(|x| x.to_string()))
                .collect(),
        )
    })?;
    let truth: Truth = serde_json::from_slice(&io::read(&args.truth)?)
        .map_err(|e| Fail::new(format!("{}: {e}", args.truth.display())))?;
    let n = match &args.out {
        Some(path) => {
            let f = std::fs::File::create(path)
                .map_err(|e| Fail::new(format!("{}: cannot write: {e}", path.display())))?;
            let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
            let n = run(&pack, &truth, args.seed, &mut w)?;
            w.flush()
                .map_err(|e| Fail::new(format!("{}: cannot write: {e}", path.display())))?;
            n
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
            let n = run(&pack, &truth, args.seed, &mut w)?;
            let _ = w.flush();
            n
        }
    };
    eprintln!("simulate: {n} events");
    Ok(ExitCode::SUCCESS)
}
