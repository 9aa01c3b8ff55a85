//! Deterministic rule-pack generator shared by the benches (`#[path = "gen/mod.rs"] mod gen;`).
//!
//! A generated pack of `n` offers has `n / 10` "anchor" products (mattresses in four categories)
//! and, per anchor, six add-on products and ten offers: white-glove setup, a frame kit, a
//! three-tier bundle family, two protector offers, sheets, a pillow and onboarding coaching.
//! Every add-on's compatibility `requires` names specific anchor skus (its own anchor; the
//! pillow also its neighbour's), so for any one anchor the same offers are candidates whatever
//! `n` is: 9 at the product placement. Groups and bundle families are per anchor too, so their
//! size does not grow with the pack either.
//!
//! Conditions exercise the decision's paths: `compatible`, `page.category`, `page.tags`,
//! `page.dwell_seconds`, `cart.value`, `cart_has` (sku and category), `answers.*`,
//! `customer.segment`, `motivation`, `lifecycle.hours_since_purchase`; with caps, cooldowns,
//! `after` sequencing and exclusive groups. No `rand`: a fixed-seed LCG varies prices, stock,
//! sizes and priorities, so every run builds byte-identical packs.
#![allow(dead_code)] // each bench uses a different part of this module

use serde_json::{json, Value};
use xsell::{Consent, Event, EventKind, Ledger, Signals};

/// Offers generated per anchor product.
pub const OFFERS_PER_ANCHOR: usize = 10;
/// Offers a product-page shopper has as candidates in a generated pack: the anchor's own 8
/// product-page offers plus the previous anchor's pillow, whose `requires` names this anchor too.
pub const PRODUCT_PAGE_CANDIDATES: usize = 9;
/// "Now" for every bench: 2026-11-23T10:00:00Z (inside the packs' validity windows).
pub const NOW: i64 = 1_795_428_000;
/// Fixed test seed for signing bench envelopes. Never use a fixed seed for a real pack.
pub const TEST_SEED: [u8; 32] = [7; 32];

const CATEGORIES: [&str; 4] = [
    "mattress-foam",
    "mattress-hybrid",
    "mattress-latex",
    "mattress-innerspring",
];
const LINES: [&str; 8] = [
    "Aurora", "Nimbus", "Solace", "Drift", "Haven", "Lumen", "Cirrus", "Willow",
];
const SIZES: [&str; 4] = ["twin", "full", "queen", "king"];
const MATERIALS: [&str; 3] = ["memory-foam", "hybrid", "latex"];

/// A 64-bit linear congruential generator (Knuth's MMIX constants): deterministic, no deps.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// Number of anchors in a pack of `offers` offers (at least one).
pub fn anchors_for(offers: usize) -> usize {
    (offers / OFFERS_PER_ANCHOR).max(1)
}

pub fn anchor_sku(a: usize) -> String {
    format!("MAT-{a:05}")
}

fn product(sku: String, name: String, category: &str, tags: &[&str], price: u64) -> Value {
    json!({
        "sku": sku,
        "name": name,
        "category": category,
        "tags": tags,
        "price": { "amount": price, "currency": "USD" },
        "image": format!("/img/{}.svg", sku.to_ascii_lowercase()),
        "url": format!("/products/{}.html", sku.to_ascii_lowercase()),
    })
}

/// The pack JSON (compact) with `anchors_for(offers) * 10` offers.
pub fn pack_json(offers: usize) -> Vec<u8> {
    serde_json::to_vec(&pack_value(offers)).expect("a serde_json::Value always serializes")
}

/// The pack as a JSON value.
pub fn pack_value(offers: usize) -> Value {
    let n = anchors_for(offers);
    let mut rng = Lcg(0x5eed_0000_0000_0000 ^ n as u64);
    let mut catalog = Vec::with_capacity(n * 7);
    let mut compatibility = Vec::with_capacity(n * 6);
    let mut offer_list = Vec::with_capacity(n * OFFERS_PER_ANCHOR);

    for a in 0..n {
        let s = format!("{a:05}");
        let mat = anchor_sku(a);
        let next_mat = anchor_sku((a + 1) % n);
        let category = CATEGORIES[a % CATEGORIES.len()];
        let size = rng.pick(&SIZES);
        let material = rng.pick(&MATERIALS);
        let line = rng.pick(&LINES);
        let size_name = {
            let mut c = size.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        };
        let mat_price = 69_900 + rng.below(120) * 1_000;
        let (prot, pillow, sheets, frame, setup, coach) = (
            format!("PROT-{s}"),
            format!("PILLOW-{s}"),
            format!("SHEETS-{s}"),
            format!("FRAME-{s}"),
            format!("SETUP-{s}"),
            format!("COACH-{s}"),
        );
        let prices = [
            5_900 + rng.below(40) * 100,  // protector
            4_900 + rng.below(40) * 100,  // pillow
            9_900 + rng.below(60) * 100,  // sheets
            3_900 + rng.below(20) * 100,  // frame kit
            12_900 + rng.below(40) * 100, // setup
            1_900,                        // coaching
        ];

        let mut m = product(
            mat.clone(),
            format!("{line} {size_name} Mattress {s}"),
            category,
            &[size, material],
            mat_price,
        );
        m["stock"] = json!(1 + rng.below(40));
        catalog.push(m);
        for (sku, name, cat, tags, price, stock) in [
            (
                &prot,
                format!("CoolGuard {size_name} Protector {s}"),
                "protector",
                vec![size, "cooling"],
                prices[0],
                Some(5 + rng.below(50)),
            ),
            (
                &pillow,
                format!("Cloud Pillow {s}"),
                "pillow",
                vec!["cooling"],
                prices[1],
                Some(5 + rng.below(80)),
            ),
            (
                &sheets,
                format!("Percale Sheet Set ({size_name}) {s}"),
                "bedding",
                vec![size],
                prices[2],
                Some(1 + rng.below(30)),
            ),
            (
                &frame,
                format!("Frame Alignment Kit ({size_name}) {s}"),
                "accessory",
                vec![size],
                prices[3],
                Some(5 + rng.below(30)),
            ),
            (
                &setup,
                format!("White-Glove Setup {s}"),
                "service",
                vec!["service"],
                prices[4],
                None,
            ),
            (
                &coach,
                format!("30-Night Sleep Coaching {s}"),
                "service",
                vec!["service", "onboarding"],
                prices[5],
                None,
            ),
        ] {
            let mut p = product(sku.clone(), name, cat, &tags, price);
            if let Some(st) = stock {
                p["stock"] = json!(st);
            }
            catalog.push(p);
        }

        // Compatibility: each add-on names its anchor sku; the pillow also the next anchor's.
        for addon in [&prot, &sheets, &setup, &coach] {
            compatibility.push(json!({ "addon": addon, "requires": { "skus": [mat] } }));
        }
        compatibility.push(json!({ "addon": pillow, "requires": { "skus": [mat, next_mat] } }));
        compatibility.push(json!({
            "addon": frame,
            "requires": { "skus": [mat] },
            "excludes": { "categories": ["bedding", "protector", "accessory"] }
        }));

        let jitter = rng.below(5) as i64;
        let bundle_price = |items: &[u64]| items.iter().sum::<u64>() * 85 / 100;
        let set_name = format!("Sleep Preservation Set {s}");
        let dwell = 20 + rng.below(20);
        offer_list.extend([
            json!({
                "id": format!("setup-{s}"), "kind": "addon", "item": setup,
                "placements": ["product", "checkout"],
                "need": { "stage": "researching", "motivation": "save_time" },
                "when": { "all": [
                    { "compatible": "page" },
                    { "path": "page.category", "eq": category }
                ]},
                "title": "White-glove setup",
                "benefit": "We carry it in, set it up and take the old mattress away.",
                "because": "Because you chose the {chosen.name}, we recommend {offer.name}: no lifting, no packaging to deal with.",
                "cta": "Add setup", "priority": 50 + jitter, "margin": 6000,
                "caps": { "session": 2, "day": 3, "week": 6 }, "cooldown_hours": 48
            }),
            json!({
                "id": format!("frame-{s}"), "kind": "addon", "item": frame,
                "placements": ["product"],
                "need": { "stage": "researching", "motivation": "enhance_results" },
                "when": { "all": [
                    { "compatible": "page" },
                    { "path": "page.tags", "contains": size },
                    { "path": "answers.has_bed_frame", "eq": true }
                ]},
                "benefit": "Levels your existing frame so the mattress supports you evenly.",
                "because": "Because you chose the {chosen.name} and told us you are keeping your bed frame, we recommend the {offer.name}.",
                "because_contextual": "Because you chose the {chosen.name}, we recommend the {offer.name}.",
                "cta": "Add kit", "priority": 55, "margin": 2500,
                "caps": { "session": 1, "week": 3 },
                "after": [{ "offer": format!("setup-{s}"), "event": "shown" }]
            }),
            json!({
                "id": format!("set-good-{s}"), "kind": "bundle", "placements": ["product"],
                "bundle": {
                    "name": set_name, "tier": "good", "tier_label": "Starter", "anchor": mat,
                    "items": [prot, pillow], "price": bundle_price(&prices[..2])
                },
                "need": { "stage": "researching", "motivation": "reduce_risk" },
                "when": { "path": "page.dwell_seconds", "gte": dwell },
                "benefit": "A protector and a pillow: the essentials that keep a new mattress new.",
                "because": "Because you chose the {chosen.name}, the {offer.name} protects it from day one.",
                "cta": "Add set", "priority": 52, "margin": 3900,
                "caps": { "session": 1, "day": 2 }, "group": format!("sleep-set-{s}")
            }),
            json!({
                "id": format!("set-better-{s}"), "kind": "bundle", "placements": ["product"],
                "bundle": {
                    "name": set_name, "tier": "better", "tier_label": "Advanced", "anchor": mat,
                    "items": [prot, pillow, sheets], "price": bundle_price(&prices[..3])
                },
                "need": { "stage": "researching", "motivation": "reduce_risk" },
                "when": { "all": [
                    { "path": "page.dwell_seconds", "gte": dwell },
                    { "path": "answers.sleep_temperature", "in": ["hot", "neutral"] }
                ]},
                "benefit": "Cooling protector, pillow and sheets: sleeps cooler from night one.",
                "because": "Because you chose the {chosen.name}, the {offer.name} protects it from day one.",
                "cta": "Add set", "priority": 56, "margin": 5200,
                "caps": { "session": 1, "day": 2 }, "group": format!("sleep-set-{s}")
            }),
            json!({
                "id": format!("set-best-{s}"), "kind": "bundle", "placements": ["product"],
                "bundle": {
                    "name": set_name, "tier": "best", "tier_label": "Pro", "anchor": mat,
                    "items": [prot, pillow, sheets, frame], "price": bundle_price(&prices[..4])
                },
                "need": { "stage": "researching", "motivation": "reduce_risk" },
                "when": { "all": [
                    { "path": "page.dwell_seconds", "gte": 45 },
                    { "path": "answers.sleep_temperature", "eq": "hot" },
                    { "path": "page.tags", "contains": size }
                ]},
                "benefit": "Everything for cool, clean sleep on a level frame.",
                "because": "Because you chose the {chosen.name} and told us you sleep {answers.sleep_temperature}, the {offer.name} keeps you cool from day one.",
                "because_contextual": "Because you chose the {chosen.name}, the {offer.name} protects it from day one.",
                "cta": "Add set", "priority": 57 + jitter, "margin": 8100,
                "caps": { "session": 1, "day": 2 }, "group": format!("sleep-set-{s}")
            }),
            json!({
                "id": format!("protector-{s}"), "kind": "addon", "item": prot,
                "placements": ["cart"],
                "need": { "stage": "purchasing", "motivation": "reduce_risk" },
                "when": { "all": [
                    { "compatible": "cart" },
                    { "path": "answers.sleep_temperature", "eq": "hot" }
                ]},
                "benefit": "Wicks heat away and keeps your 10-year warranty valid.",
                "because": "Because you chose the {chosen.name} and told us you sleep {answers.sleep_temperature}, we recommend the {offer.name}.",
                "because_contextual": "Because you chose the {chosen.name}, we recommend the {offer.name}.",
                "cta": "Add protector", "priority": 60, "margin": 4200,
                "caps": { "session": 1, "day": 2, "week": 4 }, "cooldown_hours": 72,
                "after": [{ "offer": format!("setup-{s}"), "event": "shown" }],
                "group": format!("protection-{s}")
            }),
            json!({
                "id": format!("sheets-{s}"), "kind": "addon", "item": sheets,
                "placements": ["product", "cart"],
                "need": { "stage": "purchasing", "motivation": "enhance_results" },
                "when": { "all": [
                    { "compatible": "page_or_cart" },
                    { "path": "cart.value", "gte": 50000 },
                    { "any": [
                        { "path": "customer.segment", "eq": "vip" },
                        { "path": "motivation", "eq": "enhance_results" }
                    ]}
                ]},
                "benefit": "Crisp, breathable cotton cut for deep-pocket mattresses.",
                "because": "Because you chose the {chosen.name}, we recommend the {offer.name}.",
                "cta": "Add sheets", "priority": 40, "margin": 5100,
                "caps": { "day": 1 }
            }),
            json!({
                "id": format!("pillow-{s}"), "kind": "addon", "item": pillow,
                "placements": ["product"],
                "need": { "stage": "researching", "motivation": "enhance_results" },
                "when": { "all": [
                    { "compatible": "page" },
                    { "not": { "cart_has": { "category": "pillow" } } }
                ]},
                "benefit": "Cooling gel pillow made to match your mattress's feel.",
                "because": "Because you chose the {chosen.name}, the {offer.name} completes the feel.",
                "cta": "Add pillow", "priority": 35, "margin": 3000,
                "caps": { "session": 2, "day": 4 }, "cooldown_hours": 24
            }),
            json!({
                "id": format!("coach-{s}"), "kind": "addon", "item": coach,
                "placements": ["post_purchase"],
                "need": { "stage": "onboarding", "motivation": "enhance_results" },
                "when": { "all": [
                    { "compatible": "purchased" },
                    { "path": "lifecycle.hours_since_purchase", "lte": 24 }
                ]},
                "benefit": "A nightly check-in for your first 30 nights while your body adjusts.",
                "because": "Because this is your first {chosen.category} from us, {offer.name} helps you through the first month.",
                "cta": "Start coaching", "priority": 50, "margin": 1500,
                "caps": { "week": 2 }
            }),
            json!({
                "id": format!("protector-page-{s}"), "kind": "addon", "item": prot,
                "placements": ["product"],
                "need": { "stage": "researching", "motivation": "reduce_risk" },
                "when": { "all": [
                    { "cart_has": { "sku": mat } },
                    { "path": "page.dwell_seconds", "gte": 20 }
                ]},
                "title": "Protect it from day one",
                "benefit": "Spills and stains void most mattress warranties.",
                "because": "Because the {chosen.name} is in your cart, we recommend the {offer.name}.",
                "cta": "Add protector", "priority": 45, "margin": 4200,
                "caps": { "session": 1, "day": 2 }, "group": format!("protection-{s}")
            }),
        ]);
    }

    json!({
        "format": 1,
        "header": {
            "id": format!("xsell-bench-{}", n * OFFERS_PER_ANCHOR),
            "version": 1,
            "issued_at": "2026-11-01T00:00:00Z",
            "expires_at": "2030-01-01T00:00:00Z",
            "audience": ["bench.example"],
            "min_engine": "0.1.0",
            "description": "Generated benchmark pack."
        },
        "catalog": catalog,
        "compatibility": compatibility,
        "answers": {
            "sleep_temperature": { "type": "string", "values": ["hot", "cold", "neutral"] },
            "has_bed_frame": { "type": "bool" }
        },
        "offers": offer_list,
        "policy": {
            "caps": { "session": 6, "day": 12 },
            "placement_caps": { "checkout": { "session": 2 } },
            // Three tiers per anchor, anchors spread over four categories.
            "max_bundles_per_category": 3 * n,
            "bundle_placements": ["product", "cart"],
            "motivation_bonus": 10,
            "onboarding_hours": 24
        }
    })
}

/// A pack whose compact JSON is about `target` bytes: the offer count (a multiple of ten) and
/// the bytes. Size grows linearly with the offer count, so one calibration step is enough.
pub fn pack_json_near(target: usize) -> (usize, Vec<u8>) {
    let probe = 100;
    let per_anchor = pack_json(probe).len() as f64 / anchors_for(probe) as f64;
    let anchors = ((target as f64 / per_anchor).round() as usize).max(1);
    let offers = anchors * OFFERS_PER_ANCHOR;
    (offers, pack_json(offers))
}

/// The same kind of shopper for every generated pack: on the product page of the middle anchor
/// (dwell 45 s, told us they sleep hot and keep their bed frame), that mattress in the cart.
pub fn shopper(offers: usize) -> Signals {
    let a = anchors_for(offers) / 2;
    let v = json!({
        "placement": "product",
        "page": { "product": anchor_sku(a), "dwell_seconds": 45 },
        "cart": { "items": [{ "sku": anchor_sku(a), "qty": 1 }] },
        "session": { "id": "bench-1", "pages_viewed": 3, "viewed_categories": ["mattress-foam"] },
        "device": "desktop",
        "geo": { "country": "US" },
        "time": { "local_hour": 10, "weekday": 2 },
        "customer": { "segment": "new", "order_count": 0 },
        "answers": { "sleep_temperature": "hot", "has_bed_frame": true },
        "motivation": "reduce_risk"
    });
    serde_json::from_value(v).expect("the generated shopper's signals deserialize")
}

/// The generated shopper's ledger: setup was shown ten minutes ago this session (so the frame
/// kit's sequence is ready and setup's caps count), and the pillow was dismissed an hour ago
/// (so its cooldown applies).
pub fn ledger(offers: usize) -> Ledger {
    let s = format!("{:05}", anchors_for(offers) / 2);
    let mut l = Ledger::default();
    let shown = Event::new(
        EventKind::Shown,
        &format!("setup-{s}"),
        "product",
        Some("bench-1"),
    );
    l.record(&shown, NOW - 600);
    let dismissed = Event::new(
        EventKind::Dismissed,
        &format!("pillow-{s}"),
        "product",
        Some("bench-1"),
    );
    l.record(&dismissed, NOW - 3_600);
    l
}

pub fn consent() -> Consent {
    Consent::ALL
}
