//! Pack loading (`xsell::load`: verify the signed envelope, parse, check, compile), native.
//!
//! - `load/demo`: the demo pack's envelope.
//! - `load/1mb`: a generated pack whose JSON payload is about 1 MiB. Target: median ≤ 5 ms.
//! - The split of `load/1mb`: `load/verify_1mb` (envelope only: JSON, base64, Ed25519 over the
//!   payload), `load/parse_1mb` (payload JSON → document → source structs, borrowing) and `load/from_json_1mb`
//!   (`Pack::from_json`: parse + compile, no signature).
//! - Floors for `load/1mb`, work any loader of this pack must do, none of it ours:
//!   `load/floor_sha512_1mb` (SHA-512 of the payload, which Ed25519 hashes whole before anything
//!   may be parsed) and `load/floor_json_syntax_1mb` (serde_json checking the payload's JSON
//!   syntax and building nothing: `IgnoredAny`).
//!
//! Payloads are signed once, outside the timed loop, with a fixed test seed. The loaded pack is
//! dropped outside the timing (`iter_with_large_drop`): these measure building it.

#[path = "gen/mod.rs"]
mod gen;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use std::hint::black_box;
use std::time::Duration;
use xsell::envelope::{self, SecretKey, TrustedKeys, DEFAULT_MAX_ENVELOPE_BYTES};
use xsell::pack::compile;
use xsell::{load, LoadOptions, Pack};

const DEMO: &str = include_str!("../fixtures/packs/demo.json");
/// The 1 MB case aims at 1 MiB of payload and accepts ±5 %.
const TARGET_BYTES: usize = 1 << 20;

fn bench_load(c: &mut Criterion) {
    let key = SecretKey::from_seed(gen::TEST_SEED);
    let trusted = TrustedKeys::new(vec![key.public_key()]);
    let opts = LoadOptions::new(&trusted, gen::NOW);

    let (offers, big) = gen::pack_json_near(TARGET_BYTES);
    let off_by = big.len().abs_diff(TARGET_BYTES) as f64 / TARGET_BYTES as f64;
    assert!(
        off_by <= 0.05,
        "generated pack is {} bytes, more than 5% from {TARGET_BYTES}",
        big.len()
    );
    let big_env = envelope::sign(&big, &key);
    let demo_env = envelope::sign(DEMO.as_bytes(), &key);

    for (name, env) in [("demo", &demo_env), ("1mb", &big_env)] {
        let loaded = load(env.as_bytes(), &opts)
            .unwrap_or_else(|e| panic!("load/{name}: the signed pack does not load: {e}"));
        eprintln!(
            "load/{name}: payload {} bytes, envelope {} bytes, {} offers, {} products",
            if name == "demo" {
                DEMO.len()
            } else {
                big.len()
            },
            env.len(),
            loaded.pack.offers.len(),
            loaded.pack.products.len()
        );
    }
    assert_eq!(
        Pack::from_json(&big).map(|p| p.offers.len()).ok(),
        Some(offers),
        "the 1 MB pack should compile without its signature too"
    );

    let mut group = c.benchmark_group("load");
    // Milliseconds per iteration: flat sampling, 20 samples in 3 s.
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));

    group.throughput(Throughput::Bytes(DEMO.len() as u64));
    group.bench_function("demo", |b| {
        b.iter_with_large_drop(|| load(black_box(demo_env.as_bytes()), black_box(&opts)))
    });

    group.throughput(Throughput::Bytes(big.len() as u64));
    group.bench_function("1mb", |b| {
        b.iter_with_large_drop(|| load(black_box(big_env.as_bytes()), black_box(&opts)))
    });
    group.bench_function("verify_1mb", |b| {
        b.iter_with_large_drop(|| {
            envelope::verify(
                black_box(big_env.as_bytes()),
                black_box(&trusted),
                DEFAULT_MAX_ENVELOPE_BYTES,
            )
        })
    });
    group.bench_function("parse_1mb", |b| {
        b.iter(|| {
            let doc = compile::parse(black_box(&big)).ok()?;
            compile::read(&doc).ok().map(|src| src.offers.len())
        })
    });
    group.bench_function("from_json_1mb", |b| {
        b.iter_with_large_drop(|| Pack::from_json(black_box(&big)))
    });
    group.bench_function("floor_sha512_1mb", |b| {
        b.iter(|| {
            use sha2::Digest;
            sha2::Sha512::digest(black_box(&big))
        })
    });
    group.bench_function("floor_json_syntax_1mb", |b| {
        b.iter(|| serde_json::from_slice::<serde::de::IgnoredAny>(black_box(&big)).is_ok())
    });
    group.finish();
}

criterion_group!(benches, bench_load);
criterion_main!(benches);
