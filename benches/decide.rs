//! Decision latency (`xsell::decide`), native.
//!
//! - `decide/demo/<shopper>`: the demo pack (fixtures/packs/demo.json) with five realistic
//!   shoppers. Target: median ≤ 2 µs each.
//! - `decide/generated/<offers>`: generated packs of 100, 1,000 and 10,000 offers with the same
//!   kind of shopper, whose product has the same 9 candidates at every size. Target: time stays
//!   flat as the pack grows (it follows the candidates, not the pack size).
//!
//! - `decide/fixtures/<case>`: every case of the shared corpus (fixtures/cases/*.json over
//!   fixtures/packs/*.json), native. No target of its own: `scripts/bench-web.mjs` compares these
//!   medians with the same cases decided by the wasm `Engine` in Chromium (wasm ≤ 1.5× native).
//!
//! Pack, signals, ledger and consent are built outside the timed closure; only `decide` is
//! timed. `cargo test --benches` (criterion's test mode) runs each once, so the setup's
//! assertions keep the benches honest in CI.

#[path = "gen/mod.rs"]
mod gen;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use serde_json::json;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;
use xsell::{decide, Consent, Decision, Event, EventKind, Ledger, Outcome, Pack, Signals};

const DEMO: &str = include_str!("../fixtures/packs/demo.json");
const NOW: i64 = gen::NOW;

struct Case {
    name: &'static str,
    signals: Signals,
    ledger: Ledger,
    consent: Consent,
}

fn signals(v: serde_json::Value) -> Signals {
    serde_json::from_value(v).unwrap_or_else(|e| panic!("bench shopper signals: {e}"))
}

/// Candidates the decision looked at: every loser is in the trace, plus the winner.
fn candidates(d: &Decision) -> usize {
    d.trace.len() + usize::from(d.offer.is_some())
}

fn demo_cases() -> Vec<Case> {
    let answers = json!({ "sleep_temperature": "hot", "has_bed_frame": true });
    let mut maya_ledger = Ledger::default();
    maya_ledger.record(
        &Event::new(
            EventKind::Shown,
            "white-glove-setup",
            "product",
            Some("maya-1"),
        ),
        NOW - 15 * 60,
    );
    vec![
        Case {
            name: "product_aurora_q",
            signals: signals(json!({
                "placement": "product",
                "page": { "product": "AURORA-Q", "dwell_seconds": 45 },
                "session": { "id": "maya-1", "pages_viewed": 2, "viewed_categories": ["mattress"] },
                "device": "desktop",
                "geo": { "country": "US" },
                "time": { "local_hour": 10, "weekday": 1 },
                "answers": answers,
            })),
            ledger: Ledger::default(),
            consent: Consent::ALL,
        },
        Case {
            name: "cart_hot_sleeper",
            signals: signals(json!({
                "placement": "cart",
                "cart": { "items": [{ "sku": "AURORA-Q", "qty": 1 }] },
                "session": { "id": "maya-1", "pages_viewed": 3, "viewed_categories": ["mattress"] },
                "device": "desktop",
                "geo": { "country": "US" },
                "time": { "local_hour": 10, "weekday": 1 },
                "answers": answers,
            })),
            ledger: maya_ledger.clone(),
            consent: Consent::ALL,
        },
        Case {
            name: "product_camera_desktop",
            signals: signals(json!({
                "placement": "product",
                "page": { "product": "LUMA-Z6", "dwell_seconds": 20 },
                "session": { "id": "leo-1", "pages_viewed": 5, "viewed_categories": ["camera", "lens"] },
                "device": "desktop",
                "geo": { "country": "US" },
                "answers": { "shooting": "travel" },
            })),
            ledger: Ledger::default(),
            consent: Consent::ALL,
        },
        Case {
            name: "checkout",
            signals: signals(json!({
                "placement": "checkout",
                "cart": { "items": [
                    { "sku": "AURORA-Q", "qty": 1 },
                    { "sku": "COOLGUARD-Q", "qty": 1 }
                ]},
                "session": { "id": "maya-1", "pages_viewed": 4, "viewed_categories": ["mattress"] },
                "device": "desktop",
                "geo": { "country": "US" },
                "time": { "local_hour": 10, "weekday": 1 },
                "answers": answers,
            })),
            ledger: maya_ledger,
            consent: Consent::ALL,
        },
        Case {
            name: "post_purchase",
            signals: signals(json!({
                "placement": "post_purchase",
                "session": { "id": "maya-1" },
                "customer": { "first_purchase": true, "order_count": 1 },
                "lifecycle": {
                    "purchased_at": NOW - 40 * 60,
                    "purchased": ["AURORA-Q", "COOLGUARD-Q"]
                },
            })),
            ledger: Ledger::default(),
            consent: Consent::ALL,
        },
    ]
}

fn bench_demo(c: &mut Criterion) {
    let pack = Pack::from_json(DEMO.as_bytes())
        .unwrap_or_else(|e| panic!("fixtures/packs/demo.json does not compile: {e}"));
    let mut group = c.benchmark_group("decide/demo");
    for case in demo_cases() {
        let d = decide(&pack, &case.signals, &case.ledger, &case.consent, NOW);
        assert_ne!(
            d.outcome,
            Outcome::UnknownPlacement,
            "decide/demo/{}: placement `{}` unknown to the demo pack",
            case.name,
            case.signals.placement
        );
        eprintln!(
            "decide/demo/{}: {:?}, winner {}, {} candidates",
            case.name,
            d.outcome,
            d.offer.as_ref().map_or("-", |o| o.id.as_ref()),
            candidates(&d)
        );
        group.bench_function(case.name, |b| {
            b.iter(|| {
                black_box(decide(
                    black_box(&pack),
                    black_box(&case.signals),
                    black_box(&case.ledger),
                    black_box(&case.consent),
                    black_box(NOW),
                ))
            })
        });
    }
    group.finish();
}

fn bench_generated(c: &mut Criterion) {
    let mut group = c.benchmark_group("decide/generated");
    for offers in [100, 1_000, 10_000] {
        let json = gen::pack_json(offers);
        let pack = Pack::from_json(&json)
            .unwrap_or_else(|e| panic!("generated pack of {offers} offers does not compile: {e}"));
        assert_eq!(pack.offers.len(), offers, "generated pack offer count");
        let (signals, ledger, consent) =
            (gen::shopper(offers), gen::ledger(offers), gen::consent());
        let d = decide(&pack, &signals, &ledger, &consent, NOW);
        assert_eq!(
            d.outcome,
            Outcome::Offer,
            "decide/generated/{offers}: the generated shopper should get an offer; trace: {:?}",
            d.trace
        );
        assert_eq!(
            candidates(&d),
            gen::PRODUCT_PAGE_CANDIDATES,
            "decide/generated/{offers}: candidates should not depend on pack size; trace: {:?}",
            d.trace
        );
        eprintln!(
            "decide/generated/{offers}: {} offers, {} products, {} KB JSON; {} candidates \
             (winner {}, {} in trace)",
            pack.offers.len(),
            pack.products.len(),
            json.len() / 1024,
            candidates(&d),
            d.offer.as_ref().map_or("-", |o| o.id.as_ref()),
            d.trace.len()
        );
        group.bench_with_input(BenchmarkId::from_parameter(offers), &pack, |b, pack| {
            b.iter(|| {
                black_box(decide(
                    black_box(pack),
                    black_box(&signals),
                    black_box(&ledger),
                    black_box(&consent),
                    black_box(NOW),
                ))
            })
        });
    }
    group.finish();
}

/// One fixture case, ready to decide: its pack (by file name), signals, replayed ledger,
/// consent and `now` (fixtures/README.md has the format; `expect` is checked, not timed).
struct FixtureCase {
    name: String,
    pack: String,
    signals: Signals,
    ledger: Ledger,
    consent: Consent,
    now: i64,
    outcome: serde_json::Value,
    offer: serde_json::Value,
}

fn rfc3339(v: &serde_json::Value, what: &str) -> i64 {
    v.as_str()
        .and_then(xsell::pack::time::parse_rfc3339)
        .unwrap_or_else(|| panic!("{what}: not an RFC 3339 time: {v}"))
}

fn fixture_cases(dir: &Path) -> Vec<FixtureCase> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| {
            let name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_owned();
            let text =
                std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let v: serde_json::Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            let mut ledger = Ledger::default();
            for (i, entry) in v["ledger"].as_array().into_iter().flatten().enumerate() {
                let event: Event = serde_json::from_value(entry["event"].clone())
                    .unwrap_or_else(|e| panic!("{name}: ledger[{i}].event: {e}"));
                ledger.record(
                    &event,
                    rfc3339(&entry["at"], &format!("{name}: ledger[{i}].at")),
                );
            }
            let consent = match v.get("consent") {
                None => Consent::ALL,
                Some(c) => serde_json::from_value(c.clone())
                    .unwrap_or_else(|e| panic!("{name}: consent: {e}")),
            };
            FixtureCase {
                pack: v["pack"].as_str().unwrap_or_default().to_owned(),
                signals: serde_json::from_value(v["signals"].clone())
                    .unwrap_or_else(|e| panic!("{name}: signals: {e}")),
                now: rfc3339(&v["now"], &format!("{name}: now")),
                outcome: v["expect"]["outcome"].clone(),
                offer: v["expect"]["offer"].clone(),
                ledger,
                consent,
                name,
            }
        })
        .collect()
}

fn bench_fixtures(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let cases = fixture_cases(&root.join("cases"));
    assert!(!cases.is_empty(), "no fixtures/cases/*.json");
    let mut packs = std::collections::HashMap::new();
    let mut group = c.benchmark_group("decide/fixtures");
    // 50-odd sub-microsecond ids: short windows keep the group near 40 s.
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_millis(500));
    for case in &cases {
        let pack = packs.entry(case.pack.clone()).or_insert_with(|| {
            let file = root.join("packs").join(format!("{}.json", case.pack));
            let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            Pack::from_json(&bytes).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
        });
        // The decision must be the case's, or the timing is of something else.
        let d = decide(pack, &case.signals, &case.ledger, &case.consent, case.now);
        let got = serde_json::to_value(&d).unwrap_or_else(|e| panic!("{}: {e}", case.name));
        assert_eq!(
            got["outcome"], case.outcome,
            "decide/fixtures/{}: outcome",
            case.name
        );
        assert_eq!(
            got.get("offer")
                .map_or(&serde_json::Value::Null, |o| &o["id"]),
            &case.offer,
            "decide/fixtures/{}: offer",
            case.name
        );
        group.bench_function(case.name.as_str(), |b| {
            b.iter(|| {
                black_box(decide(
                    black_box(&*pack),
                    black_box(&case.signals),
                    black_box(&case.ledger),
                    black_box(&case.consent),
                    black_box(case.now),
                ))
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    // Sub-microsecond routines: 1 s warm-up and 2 s of samples give tight medians; 8 ids
    // finish in about 30 s.
    config = Criterion::default()
        .sample_size(60)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2));
    targets = bench_demo, bench_generated, bench_fixtures
}
criterion_main!(benches);
