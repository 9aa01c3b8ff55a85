//! `xsell::load` end to end: a signed demo pack loads, and every way `load` refuses a pack gives
//! its exact typed `LoadError`, a stable `code()` and a message naming the problem.
//!
//! Order of checks observed (matches the doc comment and body of src/load.rs):
//! size → envelope JSON → payload type → base64 → signature count → signatures (verify) →
//! pack JSON shape (parse) → [format == 1 only:] not yet valid → expired → audience →
//! engine version → rollback → compile (the body: skus, offers, conditions, …).
//! So a wrongly signed pack never reaches the clock checks, and an expired pack for the wrong
//! audience reports `Expired`. Header checks are skipped when `format` is not 1 (compile then
//! reports `UnsupportedFormat`) and when a timestamp does not parse (compile reports `BadTime`).

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::{json, Value};
use xsell::envelope::{add_signature, sign, EnvelopeError, MAX_SIGNATURES};
use xsell::pack::time::parse_rfc3339;
use xsell::{
    load, LoadError, LoadOptions, Loaded, PackErrorKind, SecretKey, TrustedKeys, ENGINE_VERSION,
};

const DEMO: &[u8] = include_bytes!("../fixtures/packs/demo.json");
/// The demo pack's header values.
const DEMO_ID: &str = "xsell-demo";
const DEMO_VERSION: u64 = 3;
const ISSUED: &str = "2026-11-01T00:00:00Z";
const EXPIRES: &str = "2030-01-01T00:00:00Z";
const SKEW: i64 = 300;

/// Test keys from fixed seeds: fixtures, not secrets.
fn key(seed: u8) -> SecretKey {
    SecretKey::from_seed([seed; 32])
}
fn old_key() -> SecretKey {
    key(7)
}
fn new_key() -> SecretKey {
    key(8)
}
fn stranger() -> SecretKey {
    key(9)
}
fn key_id(k: &SecretKey) -> String {
    k.public_key().key_id().to_owned()
}
fn trust(keys: &[&SecretKey]) -> TrustedKeys {
    TrustedKeys::new(keys.iter().map(|k| k.public_key()).collect())
}

fn issued() -> i64 {
    parse_rfc3339(ISSUED).unwrap()
}
fn expires() -> i64 {
    parse_rfc3339(EXPIRES).unwrap()
}
/// A moment comfortably inside the demo pack's validity.
fn now() -> i64 {
    issued() + 86_400
}

fn demo() -> Value {
    serde_json::from_slice(DEMO).unwrap()
}
fn signed_value(v: &Value, k: &SecretKey) -> Vec<u8> {
    sign(&serde_json::to_vec(v).unwrap(), k).into_bytes()
}
fn signed_demo() -> Vec<u8> {
    sign(DEMO, &old_key()).into_bytes()
}
fn with_header(field: &str, value: Value) -> Value {
    let mut v = demo();
    v["header"][field] = value;
    v
}

fn ok(bytes: &[u8], opts: &LoadOptions<'_>) -> Loaded {
    load(bytes, opts).unwrap_or_else(|e| panic!("refused: {} ({e:?})", e.code()))
}
fn err(bytes: &[u8], opts: &LoadOptions<'_>) -> LoadError {
    match load(bytes, opts) {
        Ok(l) => panic!(
            "loaded unexpectedly: {} v{}",
            l.pack.header.id, l.pack.header.version
        ),
        Err(e) => e,
    }
}
/// Asserts the stable code and that the message contains every `needle`.
fn names(e: &LoadError, code: &str, needles: &[&str]) {
    assert_eq!(e.code(), code, "{e:?}");
    let text = e.to_string();
    for n in needles {
        assert!(text.contains(n), "`{text}` does not mention `{n}`");
    }
}
fn envelope_json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap()
}
fn to_bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Success

#[test]
fn signed_demo_pack_loads_with_key_id_and_high_water() {
    let trusted = trust(&[&old_key()]);
    let loaded = ok(&signed_demo(), &LoadOptions::new(&trusted, now()));
    assert_eq!(loaded.pack.header.id, DEMO_ID);
    assert_eq!(loaded.pack.header.version, DEMO_VERSION);
    assert_eq!(loaded.key_id, key_id(&old_key()));
    assert_eq!(loaded.high_water, DEMO_VERSION, "max(0, 3)");
    assert!(loaded.pack.offers.len() >= 20);
}

#[test]
fn high_water_is_max_of_previous_and_version() {
    let trusted = trust(&[&old_key()]);
    let bytes = signed_demo();
    for previous in [0, 1, DEMO_VERSION - 1] {
        let opts = LoadOptions {
            high_water: previous,
            ..LoadOptions::new(&trusted, now())
        };
        assert_eq!(
            ok(&bytes, &opts).high_water,
            DEMO_VERSION,
            "from {previous}"
        );
    }
    // The same version again is a reload, not a rollback.
    let opts = LoadOptions {
        high_water: DEMO_VERSION,
        ..LoadOptions::new(&trusted, now())
    };
    let again = ok(&bytes, &opts);
    assert_eq!(again.high_water, DEMO_VERSION);
    assert_eq!(again.pack.header.version, DEMO_VERSION);
    // A newer version raises the mark.
    let newer = signed_value(&with_header("version", json!(1_000)), &old_key());
    assert_eq!(ok(&newer, &opts).high_water, 1_000);
    // The biggest version there is.
    let max = signed_value(&with_header("version", json!(u64::MAX)), &old_key());
    assert_eq!(ok(&max, &opts).high_water, u64::MAX);
}

#[test]
fn defaults_of_load_options() {
    let trusted = trust(&[&old_key()]);
    let o = LoadOptions::new(&trusted, 42);
    assert_eq!(o.now, 42);
    assert_eq!(o.skew_secs, SKEW);
    assert_eq!(o.audience, None);
    assert_eq!(o.high_water, 0);
    assert_eq!(o.max_bytes, xsell::envelope::DEFAULT_MAX_ENVELOPE_BYTES);
}

// ---------------------------------------------------------------------------------------------
// Envelope errors surface as LoadError::Envelope

#[test]
fn envelope_not_json_is_malformed() {
    let trusted = trust(&[&old_key()]);
    let opts = LoadOptions::new(&trusted, now());
    for bytes in [&b"{not json"[..], b"", b"null", b"[]", b"\xff\xfe"] {
        let e = err(bytes, &opts);
        assert!(
            matches!(e, LoadError::Envelope(EnvelopeError::Malformed { .. })),
            "{e:?}"
        );
        names(&e, "malformed", &["not a well-formed signed envelope"]);
    }
}

#[test]
fn envelope_bad_base64_names_the_field() {
    let trusted = trust(&[&old_key()]);
    let opts = LoadOptions::new(&trusted, now());

    let mut env = envelope_json(&signed_demo());
    env["payload"] = json!("not base64!");
    let e = err(&to_bytes(&env), &opts);
    match &e {
        LoadError::Envelope(EnvelopeError::BadBase64 { field }) => assert_eq!(field, "payload"),
        other => panic!("{other:?}"),
    }
    names(&e, "bad_base64", &["payload", "base64"]);

    let mut env = envelope_json(&signed_demo());
    env["signatures"][0]["sig"] = json!("%%%%");
    let e = err(&to_bytes(&env), &opts);
    match &e {
        LoadError::Envelope(EnvelopeError::BadBase64 { field }) => {
            assert_eq!(field, "signatures[0].sig")
        }
        other => panic!("{other:?}"),
    }
    names(&e, "bad_base64", &["signatures[0].sig"]);
}

#[test]
fn envelope_by_unknown_key_lists_its_key_id() {
    let trusted = trust(&[&old_key()]);
    let e = err(
        sign(DEMO, &stranger()).as_bytes(),
        &LoadOptions::new(&trusted, now()),
    );
    match &e {
        LoadError::Envelope(EnvelopeError::UnknownKey { key_ids }) => {
            assert_eq!(key_ids, &vec![key_id(&stranger())])
        }
        other => panic!("{other:?}"),
    }
    names(&e, "unknown_key", &["trusted key", &key_id(&stranger())]);

    // Nobody trusted at all: still UnknownKey, never a panic.
    let e = err(
        &signed_demo(),
        &LoadOptions::new(&TrustedKeys::default(), now()),
    );
    assert!(
        matches!(e, LoadError::Envelope(EnvelopeError::UnknownKey { .. })),
        "{e:?}"
    );
}

#[test]
fn envelope_with_altered_payload_is_bad_signature() {
    let trusted = trust(&[&old_key()]);
    let mut env = envelope_json(&signed_demo());
    let mut payload = STANDARD.decode(env["payload"].as_str().unwrap()).unwrap();
    // "version": 3 → "version": 4 (still a valid pack: only the signature can catch it).
    let text = String::from_utf8(payload.clone()).unwrap();
    let at = text.find("\"version\": 3").unwrap() + "\"version\": ".len();
    payload[at] = b'4';
    env["payload"] = json!(STANDARD.encode(&payload));
    let e = err(&to_bytes(&env), &LoadOptions::new(&trusted, now()));
    match &e {
        LoadError::Envelope(EnvelopeError::BadSignature { key_id: k }) => {
            assert_eq!(k, &key_id(&old_key()))
        }
        other => panic!("{other:?}"),
    }
    names(
        &e,
        "bad_signature",
        &[&key_id(&old_key()), "does not verify"],
    );
}

#[test]
fn envelope_with_short_or_altered_signature_is_bad_signature() {
    let trusted = trust(&[&old_key()]);
    let opts = LoadOptions::new(&trusted, now());
    let env = envelope_json(&signed_demo());
    let sig = STANDARD
        .decode(env["signatures"][0]["sig"].as_str().unwrap())
        .unwrap();

    let mut flipped = sig.clone();
    flipped[10] ^= 0x01;
    let mut short = sig.clone();
    short.pop();
    for bad in [flipped, short, vec![0u8; 64]] {
        let mut env = env.clone();
        env["signatures"][0]["sig"] = json!(STANDARD.encode(&bad));
        let e = err(&to_bytes(&env), &opts);
        assert!(
            matches!(&e, LoadError::Envelope(EnvelopeError::BadSignature { key_id: k }) if *k == key_id(&old_key())),
            "{e:?}"
        );
        assert_eq!(e.code(), "bad_signature");
    }
}

#[test]
fn envelope_with_wrong_payload_type_names_it() {
    let trusted = trust(&[&old_key()]);
    let mut env = envelope_json(&signed_demo());
    env["payloadType"] = json!("application/vnd.in-toto+json");
    let e = err(&to_bytes(&env), &LoadOptions::new(&trusted, now()));
    match &e {
        LoadError::Envelope(EnvelopeError::WrongPayloadType { found }) => {
            assert_eq!(found, "application/vnd.in-toto+json")
        }
        other => panic!("{other:?}"),
    }
    names(
        &e,
        "wrong_payload_type",
        &[
            "application/vnd.in-toto+json",
            xsell::envelope::PAYLOAD_TYPE,
        ],
    );
}

#[test]
fn envelope_over_max_bytes_is_too_large() {
    let trusted = trust(&[&old_key()]);
    let bytes = signed_demo();
    let opts = LoadOptions {
        max_bytes: 1_000,
        ..LoadOptions::new(&trusted, now())
    };
    let e = err(&bytes, &opts);
    match &e {
        LoadError::Envelope(EnvelopeError::TooLarge { size, max }) => {
            assert_eq!((*size, *max), (bytes.len(), 1_000))
        }
        other => panic!("{other:?}"),
    }
    names(
        &e,
        "too_large",
        &[&bytes.len().to_string(), "1000-byte limit"],
    );
    // Exactly at the limit is fine.
    let opts = LoadOptions {
        max_bytes: bytes.len(),
        ..LoadOptions::new(&trusted, now())
    };
    ok(&bytes, &opts);
    // Size is checked before anything parses: even garbage is TooLarge.
    let opts = LoadOptions {
        max_bytes: 3,
        ..LoadOptions::new(&trusted, now())
    };
    assert!(matches!(
        err(b"garbage", &opts),
        LoadError::Envelope(EnvelopeError::TooLarge { size: 7, max: 3 })
    ));
}

#[test]
fn envelope_without_or_with_too_many_signatures() {
    let trusted = trust(&[&old_key()]);
    let opts = LoadOptions::new(&trusted, now());
    let mut env = envelope_json(&signed_demo());
    env["signatures"] = json!([]);
    let e = err(&to_bytes(&env), &opts);
    assert_eq!(e, LoadError::Envelope(EnvelopeError::NoSignatures));
    names(&e, "no_signatures", &["no signatures"]);

    let mut env = envelope_json(&signed_demo());
    let one = env["signatures"][0].clone();
    env["signatures"] = Value::Array(vec![one; MAX_SIGNATURES + 1]);
    let e = err(&to_bytes(&env), &opts);
    assert_eq!(
        e,
        LoadError::Envelope(EnvelopeError::TooManySignatures {
            count: MAX_SIGNATURES + 1
        })
    );
    names(&e, "too_many_signatures", &["17 signatures"]);
}

// ---------------------------------------------------------------------------------------------
// Validity window

#[test]
fn not_yet_valid_before_issued_minus_skew() {
    let trusted = trust(&[&old_key()]);
    let bytes = signed_demo();
    let early = issued() - SKEW - 1;
    let e = err(&bytes, &LoadOptions::new(&trusted, early));
    assert_eq!(
        e,
        LoadError::NotYetValid {
            issued_at: issued(),
            now: early
        }
    );
    names(
        &e,
        "not_yet_valid",
        &[
            "not valid until 2026-11-01T00:00:00Z",
            "2026-10-31T23:54:59Z",
        ],
    );
    // Boundary: exactly issued_at − skew is accepted.
    ok(&bytes, &LoadOptions::new(&trusted, issued() - SKEW));
    // With no skew, one second early is refused and issued_at itself is fine.
    let strict = |now| LoadOptions {
        skew_secs: 0,
        ..LoadOptions::new(&trusted, now)
    };
    assert!(matches!(
        err(&bytes, &strict(issued() - 1)),
        LoadError::NotYetValid { .. }
    ));
    ok(&bytes, &strict(issued()));
    // Long before (and negative clocks) are refused the same way.
    assert!(matches!(
        err(&bytes, &LoadOptions::new(&trusted, -1_000_000)),
        LoadError::NotYetValid { .. }
    ));
}

#[test]
fn expired_at_expires_plus_skew() {
    let trusted = trust(&[&old_key()]);
    let bytes = signed_demo();
    let late = expires() + SKEW;
    let e = err(&bytes, &LoadOptions::new(&trusted, late));
    assert_eq!(
        e,
        LoadError::Expired {
            expires_at: expires(),
            now: late
        }
    );
    names(
        &e,
        "expired",
        &[
            "expired at 2030-01-01T00:00:00Z",
            "now 2030-01-01T00:05:00Z",
        ],
    );
    // Boundary: one second before expires_at + skew is still accepted.
    ok(&bytes, &LoadOptions::new(&trusted, expires() + SKEW - 1));
    let strict = |now| LoadOptions {
        skew_secs: 0,
        ..LoadOptions::new(&trusted, now)
    };
    assert!(matches!(
        err(&bytes, &strict(expires())),
        LoadError::Expired { .. }
    ));
    ok(&bytes, &strict(expires() - 1));
}

#[test]
fn timestamps_with_offsets_are_honoured() {
    let trusted = trust(&[&old_key()]);
    // 2026-11-01T01:00:00+01:00 is the same instant as the demo's issued_at.
    let v = with_header("issued_at", json!("2026-11-01T01:00:00+01:00"));
    let bytes = signed_value(&v, &old_key());
    let strict = |now| LoadOptions {
        skew_secs: 0,
        ..LoadOptions::new(&trusted, now)
    };
    ok(&bytes, &strict(issued()));
    assert_eq!(
        err(&bytes, &strict(issued() - 1)),
        LoadError::NotYetValid {
            issued_at: issued(),
            now: issued() - 1
        }
    );
}

// ---------------------------------------------------------------------------------------------
// Audience

fn audience_opts<'a>(trusted: &'a TrustedKeys, host: &'a str) -> LoadOptions<'a> {
    LoadOptions {
        audience: Some(host),
        ..LoadOptions::new(trusted, now())
    }
}

#[test]
fn wrong_audience_names_host_and_audience() {
    let trusted = trust(&[&old_key()]);
    let bytes = signed_demo();
    let e = err(&bytes, &audience_opts(&trusted, "evil.example"));
    match &e {
        LoadError::WrongAudience { host, audience } => {
            assert_eq!(host, "evil.example");
            assert_eq!(
                audience,
                &["sleep.example", "camera.example", "localhost", "127.0.0.1"]
            );
        }
        other => panic!("{other:?}"),
    }
    names(
        &e,
        "wrong_audience",
        &["`evil.example`", "sleep.example, camera.example"],
    );
    // Exact entries match case-insensitively and with a trailing dot.
    for host in [
        "sleep.example",
        "SLEEP.Example",
        "sleep.example.",
        "localhost",
    ] {
        ok(&bytes, &audience_opts(&trusted, host));
    }
    // Not a wildcard: sub-domains of an exact entry do not match.
    for host in ["www.sleep.example", "example", "sleep.example.evil", ""] {
        assert!(
            matches!(
                err(&bytes, &audience_opts(&trusted, host)),
                LoadError::WrongAudience { .. }
            ),
            "{host}"
        );
    }
    // No audience given: the check is skipped (tooling).
    ok(&bytes, &LoadOptions::new(&trusted, now()));
}

#[test]
fn wildcard_audience_matches_sub_domains_only() {
    let trusted = trust(&[&old_key()]);
    let bytes = signed_value(
        &with_header("audience", json!(["*.Example.com"])),
        &old_key(),
    );
    for host in [
        "shop.example.com",
        "a.b.example.com",
        "SHOP.EXAMPLE.COM",
        "Shop.Example.Com.",
        "x.example.com",
    ] {
        let l = ok(&bytes, &audience_opts(&trusted, host));
        assert_eq!(l.pack.header.audience, ["*.example.com"], "{host}");
    }
    for host in [
        "example.com",
        "EXAMPLE.COM",
        ".example.com",
        "evilexample.com",
        "shop-example.com",
        "example.com.evil.net",
        "shop.example.co",
        "shop.example.com.evil",
        "shop.example.comm",
        "com",
    ] {
        let e = err(&bytes, &audience_opts(&trusted, host));
        match &e {
            LoadError::WrongAudience { host: h, audience } => {
                assert_eq!(h, host);
                assert_eq!(audience, &["*.example.com"], "lower-cased in the error");
            }
            other => panic!("{host}: {other:?}"),
        }
        names(&e, "wrong_audience", &[host, "*.example.com"]);
    }
}

// ---------------------------------------------------------------------------------------------
// Engine version and rollback

#[test]
fn engine_too_old_names_both_versions() {
    let trusted = trust(&[&old_key()]);
    let bytes = signed_value(&with_header("min_engine", json!("99.0.0")), &old_key());
    let e = err(&bytes, &LoadOptions::new(&trusted, now()));
    assert_eq!(
        e,
        LoadError::EngineTooOld {
            required: "99.0.0".into(),
            engine: ENGINE_VERSION.into()
        }
    );
    names(&e, "engine_too_old", &["99.0.0", ENGINE_VERSION]);
    // This engine's own version is new enough; so is 0.0.0.
    for v in [ENGINE_VERSION, "0.0.0"] {
        let bytes = signed_value(&with_header("min_engine", json!(v)), &old_key());
        ok(&bytes, &LoadOptions::new(&trusted, now()));
    }
    // One patch level newer is too new: comparison is numeric, not textual.
    let (maj, min, patch) = xsell::pack::compile::parse_version(ENGINE_VERSION).unwrap();
    for v in [
        format!("{maj}.{min}.{}", patch + 1),
        format!("{maj}.{}.0", min + 1),
        format!("{}.0.0", maj + 1),
    ] {
        let bytes = signed_value(&with_header("min_engine", json!(v)), &old_key());
        assert!(
            matches!(err(&bytes, &LoadOptions::new(&trusted, now())), LoadError::EngineTooOld { required, .. } if required == v),
            "{v}"
        );
    }
}

#[test]
fn rollback_names_both_versions() {
    let trusted = trust(&[&old_key()]);
    let opts = LoadOptions {
        high_water: DEMO_VERSION + 1,
        ..LoadOptions::new(&trusted, now())
    };
    let e = err(&signed_demo(), &opts);
    assert_eq!(
        e,
        LoadError::Rollback {
            version: DEMO_VERSION,
            high_water: DEMO_VERSION + 1
        }
    );
    names(
        &e,
        "rollback",
        &["version 3", "version 4", "rollback refused"],
    );
    let opts = LoadOptions {
        high_water: u64::MAX,
        ..LoadOptions::new(&trusted, now())
    };
    assert!(matches!(
        err(&signed_demo(), &opts),
        LoadError::Rollback {
            version: 3,
            high_water: u64::MAX
        }
    ));
}

// ---------------------------------------------------------------------------------------------
// Order of checks

#[test]
fn signature_is_checked_before_the_clock() {
    // Expired and signed by an untrusted key / with a broken signature: the envelope wins.
    let trusted = trust(&[&old_key()]);
    let late = LoadOptions::new(&trusted, expires() + 10 * SKEW);
    assert!(matches!(
        err(&signed_demo(), &late),
        LoadError::Expired { .. }
    ));
    let e = err(sign(DEMO, &stranger()).as_bytes(), &late);
    assert!(
        matches!(e, LoadError::Envelope(EnvelopeError::UnknownKey { .. })),
        "{e:?}"
    );
    let mut env = envelope_json(&signed_demo());
    let mut sig = STANDARD
        .decode(env["signatures"][0]["sig"].as_str().unwrap())
        .unwrap();
    sig[0] ^= 0x80;
    env["signatures"][0]["sig"] = json!(STANDARD.encode(&sig));
    let e = err(&to_bytes(&env), &late);
    assert!(
        matches!(e, LoadError::Envelope(EnvelopeError::BadSignature { .. })),
        "{e:?}"
    );
    // Same for an invalid pack body: nothing parses it before the signature verifies.
    let mut env = envelope_json(sign(b"{not a pack", &old_key()).as_bytes());
    env["signatures"][0]["sig"] = json!(STANDARD.encode([1u8; 64]));
    assert!(matches!(
        err(&to_bytes(&env), &late),
        LoadError::Envelope(EnvelopeError::BadSignature { .. })
    ));
}

#[test]
fn header_checks_run_in_order_validity_audience_engine_rollback() {
    let trusted = trust(&[&old_key()]);
    // Expired + wrong audience + too old engine + rollback → Expired.
    let v = with_header("min_engine", json!("99.0.0"));
    let bytes = signed_value(&v, &old_key());
    let all_wrong = |now| LoadOptions {
        audience: Some("evil.example"),
        high_water: 100,
        ..LoadOptions::new(&trusted, now)
    };
    assert!(matches!(
        err(&bytes, &all_wrong(expires() + SKEW)),
        LoadError::Expired { .. }
    ));
    // Not yet valid is checked before expiry and everything else.
    assert!(matches!(
        err(&bytes, &all_wrong(issued() - SKEW - 1)),
        LoadError::NotYetValid { .. }
    ));
    // In the window: audience next.
    assert!(matches!(
        err(&bytes, &all_wrong(now())),
        LoadError::WrongAudience { .. }
    ));
    // Right audience: engine next.
    let opts = LoadOptions {
        audience: Some("sleep.example"),
        high_water: 100,
        ..LoadOptions::new(&trusted, now())
    };
    assert!(matches!(err(&bytes, &opts), LoadError::EngineTooOld { .. }));
    // Engine fine: rollback last among the header checks.
    assert!(matches!(
        err(&signed_demo(), &opts),
        LoadError::Rollback { .. }
    ));
}

#[test]
fn header_checks_come_before_compiling_the_body() {
    let trusted = trust(&[&old_key()]);
    let mut v = demo();
    v["offers"][0]["item"] = json!("NO-SUCH-SKU");
    let bytes = signed_value(&v, &old_key());
    // Invalid body + expired → Expired (cheap refusals first).
    assert!(matches!(
        err(&bytes, &LoadOptions::new(&trusted, expires() + SKEW)),
        LoadError::Expired { .. }
    ));
    // Invalid body + rollback → Rollback.
    let opts = LoadOptions {
        high_water: 99,
        ..LoadOptions::new(&trusted, now())
    };
    assert!(matches!(err(&bytes, &opts), LoadError::Rollback { .. }));
    // But a payload that is not pack JSON at all is a Pack error even when it would be expired.
    let bytes = sign(b"{\"format\": 1}", &old_key()).into_bytes();
    let e = err(&bytes, &LoadOptions::new(&trusted, expires() + SKEW));
    match &e {
        LoadError::Pack(p) => assert_eq!(p.first().unwrap().kind, PackErrorKind::Json),
        other => panic!("{other:?}"),
    }
}

#[test]
fn header_checks_are_skipped_for_other_formats_and_unparsable_times() {
    let trusted = trust(&[&old_key()]);
    let late = LoadOptions::new(&trusted, expires() + 10 * SKEW);
    // format 2 and expired: the format is what is reported.
    let mut v = demo();
    v["format"] = json!(2);
    let e = err(&signed_value(&v, &old_key()), &late);
    match &e {
        LoadError::Pack(p) => {
            let first = p.first().unwrap();
            assert_eq!(first.kind, PackErrorKind::UnsupportedFormat);
            assert_eq!(first.at, "format");
        }
        other => panic!("{other:?}"),
    }
    names(&e, "invalid_pack", &["pack format 2 is not supported"]);
    // An unparsable expires_at cannot be compared with the clock: compile reports BadTime.
    let v = with_header("expires_at", json!("2030-01-01"));
    let e = err(&signed_value(&v, &old_key()), &late);
    match &e {
        LoadError::Pack(p) => {
            assert!(p
                .iter()
                .any(|x| x.kind == PackErrorKind::BadTime && x.at == "header.expires_at"));
        }
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Invalid pack inside a valid signature

#[test]
fn invalid_pack_names_offer_and_path() {
    let trusted = trust(&[&old_key()]);
    let mut v = demo();
    v["offers"][0]["item"] = json!("NO-SUCH-SKU");
    v["offers"][1]["when"]["all"][1]["path"] = json!("page.tagz");
    let e = err(
        &signed_value(&v, &old_key()),
        &LoadOptions::new(&trusted, now()),
    );
    let LoadError::Pack(errors) = &e else {
        panic!("{e:?}")
    };
    let found: Vec<(PackErrorKind, Option<&str>, &str)> = errors
        .iter()
        .map(|x| (x.kind, x.offer.as_deref(), x.at.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                PackErrorKind::UnknownSku,
                Some("white-glove-setup"),
                "offers[0].item"
            ),
            (
                PackErrorKind::UnknownPath,
                Some("frame-alignment"),
                "offers[1].when.all[1].path"
            ),
        ]
    );
    names(
        &e,
        "invalid_pack",
        &[
            "invalid pack: offer `white-glove-setup` at offers[0].item",
            "NO-SUCH-SKU",
            "(and 1 more)",
        ],
    );
    assert!(errors.0[1].message.contains("page.tagz"));
}

#[test]
fn pack_json_shape_error_names_its_path() {
    let trusted = trust(&[&old_key()]);
    let mut v = demo();
    v["catalog"][2]["price"]["amount"] = json!("cheap");
    let e = err(
        &signed_value(&v, &old_key()),
        &LoadOptions::new(&trusted, now()),
    );
    let LoadError::Pack(errors) = &e else {
        panic!("{e:?}")
    };
    let first = errors.first().unwrap();
    assert_eq!(first.kind, PackErrorKind::Json);
    assert_eq!(first.at, "catalog[2].price.amount");
    assert_eq!(first.offer, None);
    names(
        &e,
        "invalid_pack",
        &["catalog[2].price.amount", "expected i64"],
    );
    // A payload that is not UTF-8 / not JSON at all.
    let e = err(
        sign(b"\xff\xfe\x00garbage", &old_key()).as_bytes(),
        &LoadOptions::new(&trusted, now()),
    );
    assert!(
        matches!(&e, LoadError::Pack(p) if p.has(PackErrorKind::Json)),
        "{e:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Key rotation

#[test]
fn rotation_envelope_loads_with_either_key_trusted() {
    let both = add_signature(sign(DEMO, &old_key()).as_bytes(), &new_key()).unwrap();
    let bytes = both.as_bytes();
    for (trusted, expect) in [
        (trust(&[&old_key()]), old_key()),
        (trust(&[&new_key()]), new_key()),
        (trust(&[&new_key(), &old_key()]), old_key()),
    ] {
        let l = ok(bytes, &LoadOptions::new(&trusted, now()));
        assert_eq!(l.key_id, key_id(&expect));
        assert_eq!(l.pack.header.id, DEMO_ID);
    }
    // Neither trusted: UnknownKey lists both signers, old first.
    let e = err(bytes, &LoadOptions::new(&trust(&[&stranger()]), now()));
    assert_eq!(
        e,
        LoadError::Envelope(EnvelopeError::UnknownKey {
            key_ids: vec![key_id(&old_key()), key_id(&new_key())]
        })
    );
}

#[test]
fn rotation_with_one_broken_signature_falls_through_to_the_other() {
    let both = add_signature(sign(DEMO, &old_key()).as_bytes(), &new_key()).unwrap();
    let mut env = envelope_json(both.as_bytes());
    env["signatures"][0]["sig"] = json!(STANDARD.encode([0u8; 64]));
    let bytes = to_bytes(&env);
    // Both trusted: the old one fails, the new one verifies.
    let l = ok(
        &bytes,
        &LoadOptions::new(&trust(&[&old_key(), &new_key()]), now()),
    );
    assert_eq!(l.key_id, key_id(&new_key()));
    // Only the old (broken) one trusted: BadSignature naming it.
    let e = err(&bytes, &LoadOptions::new(&trust(&[&old_key()]), now()));
    assert_eq!(
        e,
        LoadError::Envelope(EnvelopeError::BadSignature {
            key_id: key_id(&old_key())
        })
    );
}

#[test]
fn every_load_error_code_is_distinct_snake_case() {
    let codes = [
        LoadError::Envelope(EnvelopeError::NoSignatures).code(),
        LoadError::Pack(xsell::PackErrors(vec![])).code(),
        LoadError::NotYetValid {
            issued_at: 0,
            now: 0,
        }
        .code(),
        LoadError::Expired {
            expires_at: 0,
            now: 0,
        }
        .code(),
        LoadError::WrongAudience {
            host: String::new(),
            audience: vec![],
        }
        .code(),
        LoadError::EngineTooOld {
            required: String::new(),
            engine: String::new(),
        }
        .code(),
        LoadError::Rollback {
            version: 0,
            high_water: 0,
        }
        .code(),
    ];
    for (i, a) in codes.iter().enumerate() {
        assert!(a.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
        for b in &codes[i + 1..] {
            assert_ne!(a, b);
        }
    }
    // `From<EnvelopeError>` wraps without changing the code.
    let e: LoadError = EnvelopeError::NoSignatures.into();
    assert_eq!(e.code(), "no_signatures");
    // An error is a std error.
    let boxed: Box<dyn std::error::Error> = Box::new(e);
    assert_eq!(boxed.to_string(), "envelope has no signatures");
}
