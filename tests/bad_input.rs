//! Hostile input never panics and always gets its typed error.
//!
//! Packs go through both `Pack::from_json` (tooling) and `xsell::load` (a validly signed
//! envelope around the same bytes); both must agree. Signals go through serde and `decide`;
//! stored ledgers through `Ledger::decode`. Every input tried comes from one of the `*_cases`
//! tables below, so `summary_of_bad_inputs` can count them.
//!
//! The tests under "Core bugs" at the bottom fail on the current core: each documents a panic
//! or an inconsistency found here (see the comment on each).

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use serde_json::{json, Value};
use std::panic::{catch_unwind, AssertUnwindSafe};
use xsell::envelope::{sign, EnvelopeError};
use xsell::pack::time::parse_rfc3339;
use xsell::signals::{CartItem, Signals};
use xsell::{
    decide, load, Consent, Event, EventKind, Ledger, LedgerError, LoadError, LoadOptions, Pack,
    PackErrorKind as K, PackErrors, SecretKey, TrustedKeys,
};

const DEMO: &[u8] = include_bytes!("../fixtures/packs/demo.json");
const ISSUED: &str = "2026-11-01T00:00:00Z";
const EXPIRES: &str = "2030-01-01T00:00:00Z";
/// A key that deep-nests: far past serde_json's recursion limit (128).
const DEEP: usize = 10_000;
const STEP: usize = 997;

// ---------------------------------------------------------------------------------------------
// Helpers

fn demo_str() -> &'static str {
    std::str::from_utf8(DEMO).unwrap()
}
fn demo() -> Value {
    serde_json::from_slice(DEMO).unwrap()
}
fn now() -> i64 {
    parse_rfc3339(ISSUED).unwrap() + 86_400
}
/// Test signing keys from fixed seeds: fixtures, not secrets.
fn signer() -> SecretKey {
    SecretKey::from_seed([7u8; 32])
}
fn stranger() -> SecretKey {
    SecretKey::from_seed([9u8; 32])
}
fn trusted() -> TrustedKeys {
    TrustedKeys::new(vec![signer().public_key()])
}

/// A small valid pack: one product, one add-on, three declared answers.
fn minimal() -> Value {
    json!({
        "format": 1,
        "header": {
            "id": "mini", "version": 1, "issued_at": ISSUED, "expires_at": EXPIRES,
            "audience": ["shop.example.com"], "min_engine": "0.1.0"
        },
        "catalog": [
            {"sku": "BASE", "name": "Base product", "category": "base", "tags": ["t1"],
             "price": {"amount": 10000, "currency": "USD"}},
            {"sku": "ADD", "name": "Add-on", "category": "addon", "tags": ["t2"],
             "price": {"amount": 1000, "currency": "USD"}}
        ],
        "answers": {"size": {"type": "string", "values": ["s", "m"]}},
        "offers": [
            {"id": "o1", "kind": "addon", "item": "ADD", "placements": ["product"],
             "need": {"stage": "researching", "motivation": "save_time"}}
        ]
    })
}

fn to_bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap()
}

/// `v` with the value at JSON pointer `ptr` replaced (or inserted into its parent object).
fn set(mut v: Value, ptr: &str, val: Value) -> Value {
    if let Some(slot) = v.pointer_mut(ptr) {
        *slot = val;
        return v;
    }
    let (parent, key) = ptr.rsplit_once('/').unwrap();
    v.pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("no object at {parent}"))
        .insert(key.to_owned(), val);
    v
}
fn setb(v: Value, ptr: &str, val: Value) -> Vec<u8> {
    to_bytes(&set(v, ptr, val))
}

const MARK: &str = "zz-duplicate-marker";

/// `v` serialized with `key` appearing twice in the object at `ptr`.
fn dup(mut v: Value, ptr: &str, key: &str) -> Vec<u8> {
    let obj = v
        .pointer_mut(ptr)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("no object at {ptr}"));
    let again = obj.get(key).cloned().unwrap_or(json!(1));
    obj.insert(MARK.to_owned(), again);
    let text = serde_json::to_string(&v).unwrap();
    assert_eq!(text.matches(MARK).count(), 1);
    text.replacen(&format!("\"{MARK}\""), &format!("\"{key}\""), 1)
        .into_bytes()
}

/// `v` serialized with the string `"@@RAW@@"` replaced by raw JSON text.
fn raw_at(v: Value, ptr: &str, raw: &str) -> Vec<u8> {
    let text = serde_json::to_string(&set(v, ptr, json!("@@RAW@@"))).unwrap();
    text.replacen("\"@@RAW@@\"", raw, 1).into_bytes()
}

fn demo_replace(from: &str, to: &str) -> Vec<u8> {
    assert!(demo_str().contains(from), "{from}");
    demo_str().replacen(from, to, 1).into_bytes()
}

/// Deterministic pseudo-random bytes (xorshift64*).
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..len)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8
        })
        .collect()
}

fn load_opts(trusted: &TrustedKeys) -> LoadOptions<'_> {
    LoadOptions::new(trusted, now())
}

/// Runs `f`, turning a panic into an `Err` naming the input.
fn no_panic<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|p| {
        let msg = p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default();
        format!("{what}: panicked: {msg}")
    })
}

// ---------------------------------------------------------------------------------------------
// Pack cases

#[derive(Clone, Copy, Debug)]
enum At {
    Exact(&'static str),
    Prefix(&'static str),
    Any,
}

struct Case {
    name: String,
    input: Vec<u8>,
    kind: K,
    offer: Option<&'static str>,
    at: At,
    /// Must appear in the matching error's message.
    needle: &'static str,
    /// `load` may refuse it in a header check before compiling (so its error differs).
    header_first: bool,
}

fn case(
    name: &str,
    input: Vec<u8>,
    kind: K,
    offer: Option<&'static str>,
    at: &'static str,
    needle: &'static str,
) -> Case {
    Case {
        name: name.to_owned(),
        input,
        kind,
        offer,
        at: At::Exact(at),
        needle,
        header_first: false,
    }
}
fn json_case(name: &str, input: Vec<u8>, at: &'static str, needle: &'static str) -> Case {
    case(name, input, K::Json, None, at, needle)
}
fn loose(name: &str, input: Vec<u8>, kind: K, at: At, needle: &'static str) -> Case {
    Case {
        name: name.to_owned(),
        input,
        kind,
        offer: None,
        at,
        needle,
        header_first: false,
    }
}
impl Case {
    fn header_first(mut self) -> Case {
        self.header_first = true;
        self
    }
    fn offer(mut self, o: &'static str) -> Case {
        self.offer = Some(o);
        self
    }
}

/// Checks one case through `Pack::from_json` and through a signed `load`; returns the errors.
fn check_case(c: &Case) -> PackErrors {
    let errors = match no_panic(&c.name, || Pack::from_json(&c.input)).unwrap() {
        Ok(p) => panic!("{}: compiled (pack {})", c.name, p.header.id),
        Err(e) => e,
    };
    assert!(!errors.0.is_empty(), "{}: empty error list", c.name);
    let hit = errors.iter().find(|e| {
        e.kind == c.kind
            && e.offer.as_deref() == c.offer
            && match c.at {
                At::Exact(a) => e.at == a,
                At::Prefix(p) => e.at.starts_with(p),
                At::Any => true,
            }
            && e.message.to_lowercase().contains(&c.needle.to_lowercase())
    });
    assert!(
        hit.is_some(),
        "{}: wanted {:?} offer {:?} at {:?} mentioning {:?}; got {:#?}",
        c.name,
        c.kind,
        c.offer,
        c.at,
        c.needle,
        errors.0
    );
    // Display never panics and names something.
    assert!(!errors.to_string().is_empty());
    for e in errors.iter() {
        assert!(!e.kind.code().is_empty());
        assert!(e.to_string().contains(&e.message));
    }

    // The same bytes, validly signed, through load.
    let trusted = trusted();
    let envelope = sign(&c.input, &signer());
    let loaded = no_panic(&c.name, || load(envelope.as_bytes(), &load_opts(&trusted))).unwrap();
    match loaded {
        Ok(l) => panic!("{}: loaded (pack {})", c.name, l.pack.header.id),
        Err(LoadError::Pack(e)) => assert_eq!(e, errors, "{}: load and from_json differ", c.name),
        Err(other) if c.header_first => {
            assert!(!matches!(other, LoadError::Envelope(_)), "{}", c.name)
        }
        Err(other) => panic!("{}: load gave {other:?}, not the pack errors", c.name),
    }
    errors
}

fn document_cases() -> Vec<Case> {
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(DEMO);
    vec![
        json_case("empty document", b"".to_vec(), "", "EOF"),
        json_case("whitespace document", b"  \n\t\r ".to_vec(), "", "EOF"),
        json_case("null document", b"null".to_vec(), "", "invalid type: null"),
        json_case(
            "empty array document",
            b"[]".to_vec(),
            "",
            "expected a JSON object",
        ),
        json_case("empty object", b"{}".to_vec(), "", "missing field `format`"),
        json_case("number document", b"0".to_vec(), "", "invalid type"),
        json_case("string document", b"\"pack\"".to_vec(), "", "invalid type"),
        json_case("bool document", b"true".to_vec(), "", "invalid type"),
        json_case("NUL byte", b"\0".to_vec(), "", "expected value"),
        json_case(
            "UTF-16 BOM",
            b"\xff\xfe{\0}\0".to_vec(),
            "",
            "invalid UTF-8",
        ),
        json_case("UTF-8 BOM before the pack", bom, "", "expected value"),
        json_case(
            "only a header",
            to_bytes(&json!({"header": minimal()["header"]})),
            "",
            "missing field `format`",
        ),
        json_case(
            "missing header",
            to_bytes(&json!({"format": 1})),
            "",
            "missing field `header`",
        ),
    ]
}

fn number_cases() -> Vec<Case> {
    vec![
        json_case(
            "price 1e400",
            demo_replace("129900", "1e400"),
            "catalog[0].price.amount",
            "number out of range",
        ),
        json_case(
            "price -1e400",
            demo_replace("129900", "-1e400"),
            "catalog[0].price.amount",
            "number out of range",
        ),
        json_case(
            "price 2^63",
            demo_replace("129900", "9223372036854775808"),
            "catalog[0].price.amount",
            "expected i64",
        ),
        json_case(
            "price as float",
            demo_replace("129900", "1299.5"),
            "catalog[0].price.amount",
            "expected i64",
        ),
        json_case(
            "price NaN",
            demo_replace("129900", "NaN"),
            "catalog[0].price.amount",
            "expected value",
        ),
        json_case(
            "price Infinity",
            demo_replace("129900", "Infinity"),
            "catalog[0].price.amount",
            "expected value",
        ),
        json_case(
            "price -Infinity",
            demo_replace("129900", "-Infinity"),
            "catalog[0].price.amount",
            "",
        ),
        json_case(
            "version 2^64",
            demo_replace("\"version\": 3", "\"version\": 18446744073709551616"),
            "header.version",
            "expected u64",
        ),
        json_case(
            "version -1",
            demo_replace("\"version\": 3", "\"version\": -1"),
            "header.version",
            "expected u64",
        ),
        json_case(
            "format 2^32",
            demo_replace("\"format\": 1", "\"format\": 4294967296"),
            "format",
            "expected u32",
        ),
        json_case(
            "priority beyond i32",
            setb(demo(), "/offers/0/priority", json!(2_147_483_648i64)),
            "offers[0].priority",
            "expected i32",
        ),
        json_case(
            "priority below i32",
            setb(demo(), "/offers/0/priority", json!(-2_147_483_649i64)),
            "offers[0].priority",
            "expected i32",
        ),
        json_case(
            "margin beyond i64",
            setb(demo(), "/offers/0/margin", json!(u64::MAX)),
            "offers[0].margin",
            "expected i64",
        ),
        json_case(
            "stock 1e19",
            setb(demo(), "/catalog/0/stock", json!(1e19)),
            "catalog[0].stock",
            "expected i64",
        ),
        json_case(
            "cooldown beyond u32",
            setb(demo(), "/offers/0/cooldown_hours", json!(4_294_967_296u64)),
            "offers[0].cooldown_hours",
            "expected u32",
        ),
        json_case(
            "negative cap",
            setb(demo(), "/offers/0/caps/session", json!(-1)),
            "offers[0].caps.session",
            "expected u32",
        ),
        json_case(
            "bundles per category 2^40",
            setb(
                demo(),
                "/policy/max_bundles_per_category",
                json!(1u64 << 40),
            ),
            "policy.max_bundles_per_category",
            "expected u32",
        ),
        loose(
            "between bound 1e309 in when",
            raw_at(
                minimal(),
                "/offers/0/when",
                r#"{"path": "cart.value", "between": [0, 1e309]}"#,
            ),
            K::Json,
            At::Prefix("offers[0].when"),
            "number out of range",
        ),
        loose(
            "NaN in when",
            raw_at(
                minimal(),
                "/offers/0/when",
                r#"{"path": "cart.value", "gt": NaN}"#,
            ),
            K::Json,
            At::Prefix("offers[0].when"),
            "expected value",
        ),
    ]
}

fn duplicate_cases() -> Vec<Case> {
    vec![
        json_case(
            "duplicate top-level key",
            dup(demo(), "", "format"),
            "",
            "duplicate field `format`",
        ),
        json_case(
            "duplicate header key",
            dup(demo(), "/header", "version"),
            "header",
            "duplicate field `version`",
        ),
        json_case(
            "duplicate product key",
            dup(demo(), "/catalog/1", "price"),
            "catalog[1]",
            "duplicate field `price`",
        ),
        json_case(
            "duplicate offer key",
            dup(demo(), "/offers/0", "id"),
            "offers[0]",
            "duplicate field `id`",
        ),
        json_case(
            "duplicate policy key",
            dup(demo(), "/policy", "caps"),
            "policy",
            "duplicate field `caps`",
        ),
        loose(
            "duplicate key in when",
            dup(demo(), "/offers/0/when", "all"),
            K::Json,
            At::Prefix("offers[0].when"),
            "duplicate key `all`",
        ),
        loose(
            "duplicate key in a when leaf",
            dup(demo(), "/offers/0/when/all/1", "path"),
            K::Json,
            At::Prefix("offers[0].when"),
            "duplicate key `path`",
        ),
        loose(
            "duplicate answers key",
            dup(demo(), "/answers", "has_bed_frame"),
            K::Json,
            At::Prefix("answers"),
            "duplicate key `has_bed_frame`",
        ),
        loose(
            "duplicate placement_caps key",
            dup(demo(), "/policy/placement_caps", "checkout"),
            K::Json,
            At::Prefix("policy.placement_caps"),
            "duplicate key `checkout`",
        ),
        loose(
            "duplicate policy.placements key",
            dup(demo(), "/policy/placements", "email"),
            K::Json,
            At::Prefix("policy.placements"),
            "duplicate key `email`",
        ),
        case(
            "duplicate sku",
            setb(demo(), "/catalog/1/sku", json!("AURORA-Q")),
            K::Duplicate,
            None,
            "catalog[1].sku",
            "AURORA-Q",
        ),
        case(
            "duplicate offer id",
            setb(demo(), "/offers/1/id", json!("white-glove-setup")),
            K::Duplicate,
            Some("white-glove-setup"),
            "offers[1].id",
            "used twice",
        ),
        case(
            "duplicate bundle item",
            setb(
                demo(),
                "/offers/2/bundle/items",
                json!(["DRYSHIELD-Q", "DRYSHIELD-Q"]),
            ),
            K::Duplicate,
            Some("sleep-set-starter"),
            "offers[2].bundle.items[1]",
            "listed twice",
        ),
        case(
            "declared placement repeats a built-in",
            setb(demo(), "/policy/placements/cart", json!("purchasing")),
            K::Duplicate,
            None,
            "policy.placements.cart",
            "built in",
        ),
    ]
}

fn value_cases() -> Vec<Case> {
    let d = demo;
    vec![
        case(
            "negative price",
            setb(d(), "/catalog/3/price/amount", json!(-1)),
            K::BadValue,
            None,
            "catalog[3].price.amount",
            "COOLGUARD-Q",
        ),
        case(
            "price i64::MIN",
            setb(d(), "/catalog/0/price/amount", json!(i64::MIN)),
            K::BadValue,
            None,
            "catalog[0].price.amount",
            "negative price",
        ),
        case(
            "negative bundle price",
            setb(d(), "/offers/2/bundle/price", json!(-1)),
            K::BadValue,
            Some("sleep-set-starter"),
            "offers[2].bundle.price",
            "negative bundle price",
        ),
        case(
            "bundle dearer than its items",
            setb(d(), "/offers/2/bundle/price", json!(1_000_000)),
            K::BadValue,
            Some("sleep-set-starter"),
            "offers[2].bundle.price",
            "costs more",
        ),
        case(
            "bundle in two currencies",
            setb(d(), "/catalog/5/price/currency", json!("EUR")),
            K::BadValue,
            Some("sleep-set-starter"),
            "offers[2].bundle.items",
            "different currencies",
        ),
        case(
            "negative stock",
            setb(d(), "/catalog/0/stock", json!(-1)),
            K::BadValue,
            None,
            "catalog[0].stock",
            "negative stock",
        ),
        case(
            "lower-case currency",
            setb(d(), "/catalog/0/price/currency", json!("usd")),
            K::BadValue,
            None,
            "catalog[0].price.currency",
            "ISO 4217",
        ),
        case(
            "blank product name",
            setb(d(), "/catalog/0/name", json!("  \t")),
            K::BadValue,
            None,
            "catalog[0].name",
            "no name",
        ),
        case(
            "sku with a space",
            setb(minimal(), "/catalog/0/sku", json!("BA SE")),
            K::BadValue,
            None,
            "catalog[0].sku",
            "must be",
        ),
        case(
            "empty pack id",
            setb(d(), "/header/id", json!("")),
            K::BadValue,
            None,
            "header.id",
            "pack id",
        ),
        case(
            "65-char offer id",
            setb(minimal(), "/offers/0/id", json!("o".repeat(65))),
            K::BadValue,
            None,
            "offers[0].id",
            "offer ids",
        )
        .offer(Box::leak("o".repeat(65).into_boxed_str())),
        case(
            "empty audience",
            setb(d(), "/header/audience", json!([])),
            K::BadValue,
            None,
            "header.audience",
            "at least one",
        ),
        case(
            "audience with a scheme",
            setb(d(), "/header/audience/0", json!("https://sleep.example")),
            K::BadValue,
            None,
            "header.audience[0]",
            "not a host name",
        ),
        case(
            "min_engine not a version",
            setb(d(), "/header/min_engine", json!("1.0")),
            K::BadValue,
            None,
            "header.min_engine",
            "not a version",
        ),
        case(
            "unsupported format",
            setb(d(), "/format", json!(2)),
            K::UnsupportedFormat,
            None,
            "format",
            "format 2",
        ),
        case(
            "empty catalog",
            setb(set(minimal(), "/offers", json!([])), "/catalog", json!([])),
            K::EmptyCatalog,
            None,
            "catalog",
            "catalog is empty",
        ),
        case(
            "empty catalog under offers",
            setb(d(), "/catalog", json!([])),
            K::EmptyCatalog,
            None,
            "catalog",
            "catalog is empty",
        ),
        case(
            "no placements",
            setb(d(), "/offers/0/placements", json!([])),
            K::BadValue,
            Some("white-glove-setup"),
            "offers[0].placements",
            "at least one placement",
        ),
        case(
            "add-on without item",
            to_bytes(&{
                let mut v = minimal();
                v["offers"][0].as_object_mut().unwrap().remove("item");
                v
            }),
            K::BadValue,
            Some("o1"),
            "offers[0].item",
            "needs `item`",
        ),
        case(
            "add-on with a bundle",
            setb(
                minimal(),
                "/offers/0/bundle",
                json!({"name": "x", "tier": "good", "items": ["ADD"], "price": 1}),
            ),
            K::BadValue,
            Some("o1"),
            "offers[0].bundle",
            "not `bundle`",
        ),
        case(
            "bad group name",
            setb(d(), "/offers/0/group", json!("a group")),
            K::BadValue,
            Some("white-glove-setup"),
            "offers[0].group",
            "group names",
        ),
        case(
            "values on a bool answer",
            setb(d(), "/answers/has_bed_frame/values", json!(["yes"])),
            K::BadValue,
            None,
            "answers.has_bed_frame.values",
            "only string answers",
        ),
        case(
            "offer after itself",
            setb(d(), "/offers/1/after/0/offer", json!("frame-alignment")),
            K::BadValue,
            Some("frame-alignment"),
            "offers[1].after[0].offer",
            "after itself",
        ),
        case(
            "empty between",
            setb(
                minimal(),
                "/offers/0/when",
                json!({"path": "cart.value", "between": [10, 1]}),
            ),
            K::BadValue,
            Some("o1"),
            "offers[0].when.between",
            "is empty",
        ),
        case(
            "device value not allowed",
            setb(
                minimal(),
                "/offers/0/when",
                json!({"path": "device", "eq": "watch"}),
            ),
            K::BadValue,
            Some("o1"),
            "offers[0].when.eq",
            "watch",
        ),
        case(
            "answer value not declared",
            setb(
                minimal(),
                "/offers/0/when",
                json!({"path": "answers.size", "in": ["s", "xxl"]}),
            ),
            K::BadValue,
            Some("o1"),
            "offers[0].when.in[1]",
            "xxl",
        ),
        case(
            "template with unclosed brace",
            setb(d(), "/offers/0/because", json!("Because {chosen.name")),
            K::BadValue,
            Some("white-glove-setup"),
            "offers[0].because",
            "unclosed",
        ),
        case(
            "template with a stray closing brace",
            setb(d(), "/offers/0/because", json!("Because } you")),
            K::BadValue,
            Some("white-glove-setup"),
            "offers[0].because",
            "unmatched",
        ),
        case(
            "contextual template citing an answer",
            setb(
                d(),
                "/offers/0/because_contextual",
                json!("You sleep {answers.sleep_temperature}"),
            ),
            K::BadValue,
            Some("white-glove-setup"),
            "offers[0].because_contextual",
            "only the page and cart",
        ),
        case(
            "too many placements",
            setb(
                d(),
                "/policy/placements",
                Value::Object(
                    (0..70)
                        .map(|i| (format!("p{i:02}"), json!("using")))
                        .collect(),
                ),
            ),
            K::BadValue,
            None,
            "policy.placements",
            "at most 64",
        ),
    ]
}

fn unknown_field_cases() -> Vec<Case> {
    let d = demo;
    vec![
        json_case(
            "unknown top-level field",
            setb(d(), "/frob", json!(1)),
            "frob",
            "unknown field `frob`",
        ),
        json_case(
            "unknown header field",
            setb(d(), "/header/signature", json!("x")),
            "header.signature",
            "unknown field `signature`",
        ),
        json_case(
            "unknown product field",
            setb(d(), "/catalog/0/colour", json!("red")),
            "catalog[0].colour",
            "unknown field `colour`",
        ),
        json_case(
            "unknown price field",
            setb(d(), "/catalog/0/price/cents", json!(1)),
            "catalog[0].price.cents",
            "unknown field `cents`",
        ),
        json_case(
            "unknown offer field",
            setb(d(), "/offers/0/prio", json!(1)),
            "offers[0].prio",
            "unknown field `prio`",
        ),
        json_case(
            "unknown bundle field",
            setb(d(), "/offers/2/bundle/discount", json!(10)),
            "offers[2].bundle.discount",
            "unknown field `discount`",
        ),
        json_case(
            "unknown need field",
            setb(d(), "/offers/0/need/urgency", json!("high")),
            "offers[0].need.urgency",
            "unknown field `urgency`",
        ),
        json_case(
            "unknown caps field",
            setb(d(), "/offers/0/caps/month", json!(1)),
            "offers[0].caps.month",
            "unknown field `month`",
        ),
        json_case(
            "unknown after field",
            setb(d(), "/offers/1/after/0/delay", json!(1)),
            "offers[1].after[0].delay",
            "unknown field `delay`",
        ),
        json_case(
            "unknown window field",
            setb(
                d(),
                "/offers/0/window",
                json!({"from": ISSUED, "tz": "UTC"}),
            ),
            "offers[0].window.tz",
            "unknown field `tz`",
        ),
        json_case(
            "unknown policy field",
            setb(d(), "/policy/max_offers", json!(1)),
            "policy.max_offers",
            "unknown field `max_offers`",
        ),
        json_case(
            "unknown compatibility field",
            setb(d(), "/compatibility/0/also", json!([])),
            "compatibility[0].also",
            "unknown field `also`",
        ),
        json_case(
            "unknown selector field",
            setb(d(), "/compatibility/0/requires/brands", json!([])),
            "compatibility[0].requires.brands",
            "unknown field `brands`",
        ),
        json_case(
            "unknown answer field",
            setb(d(), "/answers/has_bed_frame/default", json!(true)),
            "answers.has_bed_frame.default",
            "unknown field `default`",
        ),
        case(
            "unknown condition key",
            setb(minimal(), "/offers/0/when", json!({"frob": 1})),
            K::BadCondition,
            Some("o1"),
            "offers[0].when.frob",
            "unknown condition `frob`",
        ),
        case(
            "unknown operator",
            setb(
                minimal(),
                "/offers/0/when",
                json!({"path": "cart.value", "approx": 1}),
            ),
            K::BadCondition,
            Some("o1"),
            "offers[0].when.approx",
            "unknown operator `approx`",
        ),
    ]
}

fn type_cases() -> Vec<Case> {
    let d = demo;
    let m = minimal;
    vec![
        json_case(
            "price as string",
            setb(d(), "/catalog/1/price/amount", json!("12")),
            "catalog[1].price.amount",
            "invalid type: string",
        ),
        json_case(
            "placements as string",
            setb(d(), "/offers/0/placements", json!("product")),
            "offers[0].placements",
            "invalid type: string",
        ),
        json_case(
            "format as string",
            setb(d(), "/format", json!("1")),
            "format",
            "invalid type: string",
        ),
        json_case(
            "version as string",
            setb(d(), "/header/version", json!("3")),
            "header.version",
            "invalid type: string",
        ),
        json_case(
            "audience as string",
            setb(d(), "/header/audience", json!("sleep.example")),
            "header.audience",
            "invalid type: string",
        ),
        json_case(
            "priority as float",
            setb(d(), "/offers/0/priority", json!(1.5)),
            "offers[0].priority",
            "invalid type: floating point",
        ),
        json_case(
            "tags of numbers",
            setb(d(), "/catalog/0/tags", json!([1, 2])),
            "catalog[0].tags[0]",
            "invalid type: integer",
        ),
        json_case(
            "unknown offer kind",
            setb(d(), "/offers/0/kind", json!("upsell")),
            "offers[0].kind",
            "unknown variant `upsell`",
        ),
        json_case(
            "unknown stage",
            setb(d(), "/offers/0/need/stage", json!("buying")),
            "offers[0].need.stage",
            "unknown variant `buying`",
        ),
        json_case(
            "unknown answer type",
            setb(d(), "/answers/has_bed_frame/type", json!("date")),
            "answers.has_bed_frame.type",
            "unknown variant `date`",
        ),
        json_case(
            "unknown consent",
            setb(d(), "/offers/0/consent", json!("always")),
            "offers[0].consent",
            "unknown variant `always`",
        ),
        json_case(
            "catalog as object",
            setb(d(), "/catalog", json!({})),
            "catalog",
            "invalid type: map",
        ),
        json_case(
            "answers as array",
            setb(d(), "/answers", json!([])),
            "answers",
            "invalid type: sequence",
        ),
        json_case(
            "header null",
            setb(d(), "/header", Value::Null),
            "header",
            "invalid type: null",
        ),
        json_case(
            "offer as number",
            setb(d(), "/offers/0", json!(5)),
            "offers[0]",
            "invalid type: integer",
        ),
        case(
            "when is a number",
            setb(m(), "/offers/0/when", json!(5)),
            K::BadCondition,
            Some("o1"),
            "offers[0].when",
            "must be an object",
        ),
        case(
            "when is an array",
            setb(m(), "/offers/0/when", json!([])),
            K::BadCondition,
            Some("o1"),
            "offers[0].when",
            "must be an object",
        ),
        case(
            "when is a string",
            setb(m(), "/offers/0/when", json!("always")),
            K::BadCondition,
            Some("o1"),
            "offers[0].when",
            "must be an object",
        ),
        case(
            "when is an empty object",
            setb(m(), "/offers/0/when", json!({})),
            K::BadCondition,
            Some("o1"),
            "offers[0].when",
            "exactly one",
        ),
        case(
            "all of a number",
            setb(m(), "/offers/0/when", json!({"all": 3})),
            K::BadCondition,
            Some("o1"),
            "offers[0].when.all",
            "takes a list",
        ),
        case(
            "string compared with a number path",
            setb(
                m(),
                "/offers/0/when",
                json!({"path": "cart.value", "eq": "lots"}),
            ),
            K::TypeMismatch,
            Some("o1"),
            "offers[0].when.eq",
            "needs a number",
        ),
        case(
            "ordering on a string path",
            setb(
                m(),
                "/offers/0/when",
                json!({"path": "geo.country", "gt": "A"}),
            ),
            K::TypeMismatch,
            Some("o1"),
            "offers[0].when.gt",
            "does not apply",
        ),
        case(
            "path as number",
            setb(m(), "/offers/0/when", json!({"path": 3, "gt": 1})),
            K::BadCondition,
            Some("o1"),
            "offers[0].when.path",
            "must be a string",
        ),
        case(
            "two operators",
            setb(
                m(),
                "/offers/0/when",
                json!({"path": "cart.value", "gt": 1, "lt": 3}),
            ),
            K::BadCondition,
            Some("o1"),
            "offers[0].when",
            "exactly one operator",
        ),
        case(
            "compatible with a number",
            setb(m(), "/offers/0/when", json!({"compatible": 1})),
            K::BadCondition,
            Some("o1"),
            "offers[0].when.compatible",
            "takes",
        ),
        case(
            "cart_has with a number",
            setb(m(), "/offers/0/when", json!({"cart_has": {"sku": 1}})),
            K::TypeMismatch,
            Some("o1"),
            "offers[0].when.cart_has.sku",
            "takes a string",
        ),
    ]
}

fn reference_cases() -> Vec<Case> {
    let d = demo;
    let m = minimal;
    vec![
        case(
            "offer item not in catalog",
            setb(d(), "/offers/0/item", json!("NOPE")),
            K::UnknownSku,
            Some("white-glove-setup"),
            "offers[0].item",
            "NOPE",
        ),
        case(
            "bundle item not in catalog",
            setb(d(), "/offers/2/bundle/items/0", json!("NOPE")),
            K::UnknownSku,
            Some("sleep-set-starter"),
            "offers[2].bundle.items[0]",
            "NOPE",
        ),
        case(
            "bundle anchor not in catalog",
            setb(d(), "/offers/2/bundle/anchor", json!("NOPE")),
            K::UnknownSku,
            Some("sleep-set-starter"),
            "offers[2].bundle.anchor",
            "NOPE",
        ),
        case(
            "compatibility add-on not in catalog",
            setb(d(), "/compatibility/0/addon", json!("NOPE")),
            K::UnknownSku,
            None,
            "compatibility[0].addon",
            "NOPE",
        ),
        case(
            "compatibility selector sku not in catalog",
            setb(d(), "/compatibility/0/requires/skus/1", json!("NOPE")),
            K::UnknownSku,
            None,
            "compatibility[0].requires.skus[1]",
            "NOPE",
        ),
        case(
            "cart_has unknown sku",
            setb(m(), "/offers/0/when", json!({"cart_has": {"sku": "NOPE"}})),
            K::UnknownSku,
            Some("o1"),
            "offers[0].when.cart_has.sku",
            "NOPE",
        ),
        case(
            "page.product unknown sku",
            setb(
                m(),
                "/offers/0/when",
                json!({"not": {"path": "page.product", "eq": "NOPE"}}),
            ),
            K::UnknownSku,
            Some("o1"),
            "offers[0].when.not.eq",
            "NOPE",
        ),
        case(
            "after an unknown offer",
            setb(d(), "/offers/1/after/0/offer", json!("nope")),
            K::UnknownOffer,
            Some("frame-alignment"),
            "offers[1].after[0].offer",
            "nope",
        ),
        case(
            "condition reads an undeclared answer",
            setb(d(), "/offers/1/when/all/2/path", json!("answers.nope")),
            K::UnknownAnswer,
            Some("frame-alignment"),
            "offers[1].when.all[2].path",
            "nope",
        ),
        case(
            "template cites an undeclared answer",
            setb(d(), "/offers/0/because", json!("You said {answers.nope}")),
            K::UnknownAnswer,
            Some("white-glove-setup"),
            "offers[0].because",
            "nope",
        ),
        case(
            "template with unknown placeholder",
            setb(d(), "/offers/0/because", json!("Hi {customer.name}")),
            K::UnknownPlaceholder,
            Some("white-glove-setup"),
            "offers[0].because",
            "customer.name",
        ),
        case(
            "unknown signal path",
            setb(d(), "/offers/0/when/all/1/path", json!("page.categroy")),
            K::UnknownPath,
            Some("white-glove-setup"),
            "offers[0].when.all[1].path",
            "page.categroy",
        ),
        case(
            "unknown placement in an offer",
            setb(d(), "/offers/0/placements/0", json!("homepage")),
            K::UnknownPlacement,
            Some("white-glove-setup"),
            "offers[0].placements[0]",
            "homepage",
        ),
        case(
            "unknown placement in placement_caps",
            setb(d(), "/policy/placement_caps/nowhere", json!({"day": 1})),
            K::UnknownPlacement,
            None,
            "policy.placement_caps.nowhere",
            "nowhere",
        ),
        case(
            "unknown placement in bundle_placements",
            setb(
                d(),
                "/policy/bundle_placements",
                json!(["product", "cart", "nowhere"]),
            ),
            K::UnknownPlacement,
            None,
            "policy.bundle_placements[2]",
            "nowhere",
        ),
    ]
}

fn bundle_cases() -> Vec<Case> {
    let d = demo;
    vec![
        case(
            "discounted anchor",
            to_bytes(&{
                let mut v = d();
                v["offers"][2]["bundle"]["items"] =
                    json!(["AURORA-Q", "DRYSHIELD-Q", "PILLOW-CLOUD"]);
                v
            }),
            K::DiscountedAnchor,
            Some("sleep-set-starter"),
            "offers[2].bundle.price",
            "below its anchor",
        ),
        case(
            "too many bundles per category",
            setb(d(), "/policy/max_bundles_per_category", json!(2)),
            K::BundlePolicy,
            None,
            "policy.max_bundles_per_category",
            "3 bundles",
        ),
        case(
            "no bundles allowed per category",
            setb(d(), "/policy/max_bundles_per_category", json!(0)),
            K::BundlePolicy,
            None,
            "policy.max_bundles_per_category",
            "more than the policy's 0",
        ),
        case(
            "bundle at a placement bundles may not use",
            setb(d(), "/offers/2/placements", json!(["product", "checkout"])),
            K::BundlePolicy,
            Some("sleep-set-starter"),
            "offers[2].placements[1]",
            "checkout",
        ),
        case(
            "bundles forbidden everywhere",
            setb(d(), "/policy/bundle_placements", json!([])),
            K::BundlePolicy,
            Some("sleep-set-starter"),
            "offers[2].placements[0]",
            "may not appear",
        ),
        case(
            "bundle without items",
            setb(d(), "/offers/2/bundle/items", json!([])),
            K::BadValue,
            Some("sleep-set-starter"),
            "offers[2].bundle.items",
            "needs items",
        ),
        case(
            "bundle without a name",
            setb(d(), "/offers/2/bundle/name", json!(" ")),
            K::BadValue,
            Some("sleep-set-starter"),
            "offers[2].bundle.name",
            "needs a name",
        ),
    ]
}

fn url_cases() -> Vec<Case> {
    let mut out = Vec::new();
    for (field, bad) in [
        ("image", "http://cdn.example/x.png"),
        ("image", "javascript:alert(1)"),
        ("image", "//evil.com/x"),
        ("image", "https://"),
        ("image", "https://cdn.example/a b.png"),
        ("image", "data:image/png;base64,AAAA"),
        ("image", "HTTPS://cdn.example/x.png"),
        ("image", "/"),
        ("url", "ftp://example.com/x"),
        ("url", "/\\evil.com"),
        ("url", "https:/evil.com"),
        ("url", "/ok\u{7}"),
        ("url", ""),
        ("url", " https://example.com"),
    ] {
        let at: &'static str = if field == "image" {
            "catalog[0].image"
        } else {
            "catalog[0].url"
        };
        out.push(case(
            &format!("insecure {field} {bad:?}"),
            setb(demo(), &format!("/catalog/0/{field}"), json!(bad)),
            K::InsecureUrl,
            None,
            at,
            "neither an https URL",
        ));
    }
    out
}

fn time_cases() -> Vec<Case> {
    let d = demo;
    vec![
        case(
            "month 13",
            setb(d(), "/header/issued_at", json!("2026-13-01T00:00:00Z")),
            K::BadTime,
            None,
            "header.issued_at",
            "not an RFC 3339",
        ),
        case(
            "date only",
            setb(d(), "/header/issued_at", json!("2026-11-01")),
            K::BadTime,
            None,
            "header.issued_at",
            "not an RFC 3339",
        ),
        case(
            "words",
            setb(d(), "/header/expires_at", json!("tomorrow")),
            K::BadTime,
            None,
            "header.expires_at",
            "tomorrow",
        ),
        case(
            "no zone",
            setb(d(), "/header/expires_at", json!("2030-01-01T00:00:00")),
            K::BadTime,
            None,
            "header.expires_at",
            "not an RFC 3339",
        ),
        case(
            "offset +24:00",
            setb(
                d(),
                "/header/expires_at",
                json!("2030-01-01T00:00:00+24:00"),
            ),
            K::BadTime,
            None,
            "header.expires_at",
            "not an RFC 3339",
        ),
        case(
            "full-width digits",
            setb(d(), "/header/expires_at", json!("２０３０-01-01T00:00:00Z")),
            K::BadTime,
            None,
            "header.expires_at",
            "not an RFC 3339",
        ),
        case(
            "expires before issued",
            setb(d(), "/header/expires_at", json!("2026-10-01T00:00:00Z")),
            K::BadTime,
            None,
            "header.expires_at",
            "expires before",
        )
        // `load` sees a parsable, past expiry first.
        .header_first(),
        case(
            "February 30 in a window",
            setb(
                d(),
                "/offers/0/window",
                json!({"from": "2027-02-30T00:00:00Z"}),
            ),
            K::BadTime,
            Some("white-glove-setup"),
            "offers[0].window.from",
            "2027-02-30",
        ),
        case(
            "window ends before it starts",
            setb(
                d(),
                "/offers/0/window",
                json!({"from": "2027-02-01T00:00:00Z", "until": "2027-01-01T00:00:00Z"}),
            ),
            K::BadTime,
            Some("white-glove-setup"),
            "offers[0].window",
            "ends before",
        ),
    ]
}

fn lab() -> Value {
    serde_json::from_str(include_str!("../fixtures/packs/lab.json")).unwrap()
}

fn experiment_cases() -> Vec<Case> {
    let l = lab;
    vec![
        case(
            "holdout over 90%",
            setb(l(), "/experiments/0/holdout", json!(95)),
            K::BadValue,
            None,
            "experiments[0].holdout",
            "at most 90",
        ),
        case(
            "two experiments on one placement",
            setb(l(), "/experiments/1/placements", json!(["cart", "product"])),
            K::Duplicate,
            None,
            "experiments[1].placements",
            "one experiment per placement",
        ),
        case(
            "experiment on an unknown placement",
            setb(l(), "/experiments/1/placements/0", json!("basket")),
            K::UnknownPlacement,
            None,
            "experiments[1].placements[0]",
            "basket",
        ),
        case(
            "experiment id declared twice",
            setb(l(), "/experiments/1/id", json!("lamp-copy")),
            K::Duplicate,
            None,
            "experiments[1].id",
            "declared twice",
        ),
        case(
            "arm named holdout",
            setb(l(), "/experiments/0/arms/0/id", json!("holdout")),
            K::BadValue,
            None,
            "experiments[0].arms[0].id",
            "not `holdout`",
        ),
        case(
            "arm named twice",
            setb(l(), "/experiments/0/arms/1/id", json!("control")),
            K::Duplicate,
            None,
            "experiments[0].arms[1].id",
            "appears twice",
        ),
        case(
            "arm weight zero",
            setb(l(), "/experiments/0/arms/0/weight", json!(0)),
            K::BadValue,
            None,
            "experiments[0].arms[0].weight",
            "weight",
        ),
        case(
            "arm restyles an unknown offer",
            setb(
                l(),
                "/experiments/0/arms/0/offers",
                json!({"nope": {"title": "X"}}),
            ),
            K::UnknownOffer,
            None,
            "experiments[0].arms[0].offers.nope",
            "nope",
        ),
        case(
            "arm restyles an offer outside its placements",
            setb(
                l(),
                "/experiments/0/arms/0/offers",
                json!({"linen-shade": {"title": "X"}}),
            ),
            K::BadValue,
            Some("linen-shade"),
            "experiments[0].arms[0].offers.linen-shade",
            "none of experiment",
        ),
        case(
            "arm template with an unknown placeholder",
            setb(
                l(),
                "/experiments/0/arms/1/offers/warm-bulb/because",
                json!("Because {nope}."),
            ),
            K::UnknownPlaceholder,
            Some("warm-bulb"),
            "experiments[0].arms[1].offers.warm-bulb.because",
            "nope",
        ),
        json_case(
            "arm price presentation misspelt",
            setb(
                l(),
                "/experiments/0/arms/1/offers/reading-set/price",
                json!("cheap"),
            ),
            "experiments[0].arms[1].offers.reading-set.price",
            "cheap",
        ),
        json_case(
            "experiment unit misspelt",
            setb(l(), "/experiments/0/unit", json!("user")),
            "experiments[0].unit",
            "user",
        ),
        json_case(
            "unknown experiment field",
            setb(l(), "/experiments/0/share", json!(10)),
            "experiments[0].share",
            "share",
        ),
        case(
            "stop-loss confidence out of range",
            setb(l(), "/stop_loss/confidence", json!(100)),
            K::BadValue,
            None,
            "stop_loss.confidence",
            "50 to 99",
        ),
        case(
            "stop-loss bars for an unknown offer",
            setb(
                l(),
                "/stop_loss/offers/nope",
                json!({"min_revenue_lift": 1}),
            ),
            K::UnknownOffer,
            None,
            "stop_loss.offers.nope",
            "nope",
        ),
    ]
}

/// Every fixed (non-generated) pack case.
fn pack_cases() -> Vec<Case> {
    let mut all = Vec::new();
    all.extend(document_cases());
    all.extend(number_cases());
    all.extend(duplicate_cases());
    all.extend(value_cases());
    all.extend(unknown_field_cases());
    all.extend(type_cases());
    all.extend(reference_cases());
    all.extend(bundle_cases());
    all.extend(url_cases());
    all.extend(time_cases());
    all.extend(experiment_cases());
    all
}

/// The demo pack cut at every 997th byte (including the empty prefix).
fn truncation_cases() -> Vec<Case> {
    (0..DEMO.len())
        .step_by(STEP)
        .map(|n| {
            loose(
                &format!("demo cut at {n}"),
                DEMO[..n].to_vec(),
                K::Json,
                At::Any,
                "",
            )
        })
        .collect()
}

fn garbage_inputs() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = (0..24u64)
        .map(|seed| noise(seed + 1, 1 + (seed as usize * 331) % 4096))
        .collect();
    out.push(b"\x00\x01\x02\x03".to_vec());
    out.push(b"{\"format\": 1, \"header\": \xff}".to_vec());
    out.push(b"<?xml version=\"1.0\"?><pack/>".to_vec());
    out.push(b"format: 1\nheader:\n  id: x\n".to_vec());
    out.push(b"{'format': 1}".to_vec());
    out.push(b"{\"format\": 1,}".to_vec());
    out.push(
        "{\"format\": 1, \"header\": \"\u{202e}\"}"
            .as_bytes()
            .to_vec(),
    );
    out.push(vec![b'{'; 64]);
    out
}

fn garbage_cases() -> Vec<Case> {
    garbage_inputs()
        .into_iter()
        .enumerate()
        .map(|(i, g)| loose(&format!("garbage #{i}"), g, K::Json, At::Any, ""))
        .collect()
}

fn nest(open: &str, inner: &str, close: &str, n: usize) -> String {
    let mut s = String::with_capacity((open.len() + close.len()) * n + inner.len());
    for _ in 0..n {
        s.push_str(open);
    }
    s.push_str(inner);
    for _ in 0..n {
        s.push_str(close);
    }
    s
}

const LEAF: &str = r#"{"path": "cart.value", "gt": 0}"#;

fn deep_cases() -> Vec<Case> {
    vec![
        loose(
            "10k-deep arrays at top level",
            nest("[", "", "]", DEEP).into_bytes(),
            K::Json,
            At::Any,
            "",
        ),
        loose(
            "10k unclosed arrays",
            "[".repeat(DEEP).into_bytes(),
            K::Json,
            At::Any,
            "",
        ),
        loose(
            "10k-deep objects at top level",
            nest("{\"a\":", "1", "}", DEEP).into_bytes(),
            K::Json,
            At::Any,
            // The whole document is read before any field is looked at.
            "recursion limit exceeded",
        ),
        loose(
            "10k-deep arrays in the header",
            raw_at(minimal(), "/header/description", &nest("[", "", "]", DEEP)),
            K::Json,
            At::Prefix("header.description"),
            "",
        ),
        loose(
            "10k-deep not in when",
            raw_at(minimal(), "/offers/0/when", &nest("{\"not\":", LEAF, "}", DEEP)),
            K::Json,
            At::Prefix("offers[0].when"),
            "recursion limit exceeded",
        ),
        loose(
            "10k-deep all in when",
            raw_at(minimal(), "/offers/0/when", &nest("{\"all\":[", LEAF, "]}", DEEP)),
            K::Json,
            At::Prefix("offers[0].when"),
            "recursion limit exceeded",
        ),
        loose(
            "10k-deep any/not in when",
            raw_at(
                minimal(),
                "/offers/0/when",
                &nest("{\"any\":[{\"not\":", LEAF, "}]}", DEEP / 2),
            ),
            K::Json,
            At::Prefix("offers[0].when"),
            "recursion limit exceeded",
        ),
        loose(
            "10k-deep arrays as a between bound",
            raw_at(
                minimal(),
                "/offers/0/when",
                &format!(
                    "{{\"path\": \"cart.value\", \"between\": {}}}",
                    nest("[", "", "]", DEEP)
                ),
            ),
            K::Json,
            At::Prefix("offers[0].when"),
            "recursion limit exceeded",
        ),
        // Deep but within serde's limit: the condition compiler's own limit answers.
        case(
            "100-deep not in when",
            raw_at(minimal(), "/offers/0/when", &nest("{\"not\":", LEAF, "}", 100)),
            K::TooDeep,
            Some("o1"),
            "offers[0].when.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not",
            "deeper than 32",
        ),
        loose(
            "32-deep not in when",
            raw_at(minimal(), "/offers/0/when", &nest("{\"not\":", LEAF, "}", 32)),
            K::TooDeep,
            At::Prefix("offers[0].when.not"),
            "deeper than 32",
        )
        .offer("o1"),
        loose(
            "40-deep all in when",
            raw_at(minimal(), "/offers/0/when", &nest("{\"all\":[", LEAF, "]}", 40)),
            K::TooDeep,
            At::Prefix("offers[0].when.all[0]"),
            "deeper than 32",
        )
        .offer("o1"),
    ]
}

// ---------------------------------------------------------------------------------------------
// Pack tests

#[test]
fn minimal_pack_and_demo_compile() {
    Pack::from_json(&to_bytes(&minimal())).unwrap();
    Pack::from_json(DEMO).unwrap();
    // 31 levels of `not` around a leaf is the deepest accepted condition.
    let ok = raw_at(
        minimal(),
        "/offers/0/when",
        &nest("{\"not\":", LEAF, "}", 31),
    );
    Pack::from_json(&ok).unwrap();
}

#[test]
fn fixed_pack_cases_give_typed_errors() {
    for c in pack_cases() {
        check_case(&c);
    }
}

#[test]
fn truncated_demo_packs_are_json_errors() {
    for c in truncation_cases() {
        let e = check_case(&c);
        assert_eq!(e.0.len(), 1, "{}: a shape error stops early", c.name);
    }
}

#[test]
fn garbage_is_a_json_error() {
    for c in garbage_cases() {
        check_case(&c);
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    // A fresh thread with the default (2 MiB) stack: a recursive parse or compile of 10,000
    // levels would overflow it and abort the whole test binary.
    std::thread::spawn(|| {
        for c in deep_cases() {
            check_case(&c);
        }
        let trusted = trusted();
        for bad in deep_envelopes() {
            let e = load(&bad, &load_opts(&trusted)).err();
            assert!(
                matches!(
                    e,
                    Some(LoadError::Envelope(EnvelopeError::Malformed { .. }))
                ),
                "{e:?}"
            );
        }
    })
    .join()
    .unwrap();
}

#[test]
fn extreme_but_valid_numbers_are_accepted() {
    let v = set(
        set(minimal(), "/header/version", json!(u64::MAX)),
        "/catalog/1/price/amount",
        json!(i64::MAX),
    );
    let v = set(
        v,
        "/offers/0/when",
        json!({"all": [
            {"path": "cart.value", "between": [-1e308, 1e308]},
            {"path": "cart.value", "lt": 1.7976931348623157e308},
            {"path": "page.dwell_seconds", "gte": 5e-324}
        ]}),
    );
    let v = set(v, "/offers/0/priority", json!(i32::MAX));
    let v = set(v, "/offers/0/margin", json!(i64::MIN));
    let v = set(v, "/offers/0/cooldown_hours", json!(u32::MAX));
    let v = set(v, "/catalog/0/stock", json!(i64::MAX));
    let v = set(
        v,
        "/policy",
        json!({"onboarding_hours": u32::MAX, "motivation_bonus": i32::MIN}),
    );
    let pack = Pack::from_json(&to_bytes(&v)).unwrap();
    assert_eq!(pack.header.version, u64::MAX);
    // And decide copes with them.
    let signals: Signals = serde_json::from_value(json!({
        "placement": "product",
        "page": {"product": "BASE", "dwell_seconds": 1e308},
        "cart": {"items": [{"sku": "BASE", "qty": u32::MAX}, {"sku": "BASE", "qty": u32::MAX}]},
        "motivation": "save_time"
    }))
    .unwrap();
    for consent in [Consent::ALL, Consent::default()] {
        let d = decide(&pack, &signals, &Ledger::default(), &consent, now());
        assert_eq!(d.placement, "product");
    }
}

// ---------------------------------------------------------------------------------------------
// Envelope cases through load

fn signed_demo() -> String {
    sign(DEMO, &signer())
}

fn envelope_with_payload(payload: &[u8], sig_from: &str) -> Vec<u8> {
    let mut env: Value = serde_json::from_str(sig_from).unwrap();
    env["payload"] = json!(STANDARD.encode(payload));
    to_bytes(&env)
}

/// One flipped payload byte at every 997th position, signature kept.
fn flipped_payload_envelopes() -> Vec<Vec<u8>> {
    let original = signed_demo();
    (0..DEMO.len())
        .step_by(STEP)
        .chain([DEMO.len() - 1])
        .map(|i| {
            let mut p = DEMO.to_vec();
            p[i] ^= 0x01;
            envelope_with_payload(&p, &original)
        })
        .collect()
}

fn flipped_signature_envelopes() -> Vec<Vec<u8>> {
    let original = signed_demo();
    let env: Value = serde_json::from_str(&original).unwrap();
    let sig = STANDARD
        .decode(env["signatures"][0]["sig"].as_str().unwrap())
        .unwrap();
    [0usize, 1, 31, 32, 33, 62, 63]
        .into_iter()
        .map(|i| {
            let mut s = sig.clone();
            s[i] ^= 0x40;
            let mut e = env.clone();
            e["signatures"][0]["sig"] = json!(STANDARD.encode(&s));
            to_bytes(&e)
        })
        .collect()
}

fn deep_envelopes() -> Vec<Vec<u8>> {
    vec![
        nest("[", "", "]", DEEP).into_bytes(),
        nest("{\"payload\":", "\"\"", "}", DEEP).into_bytes(),
        format!(
            "{{\"payloadType\": \"x\", \"payload\": \"\", \"signatures\": {}}}",
            nest("[", "", "]", DEEP)
        )
        .into_bytes(),
    ]
}

/// Other hostile envelopes, each with the error code it must give.
fn envelope_cases() -> Vec<(String, Vec<u8>, &'static str)> {
    let original = signed_demo();
    let env: Value = serde_json::from_str(&original).unwrap();
    let mut out: Vec<(String, Vec<u8>, &'static str)> = Vec::new();
    out.push((
        "valid signature by an untrusted key".into(),
        sign(DEMO, &stranger()).into_bytes(),
        "unknown_key",
    ));
    // A stranger's signature relabelled with the trusted key id.
    let mut relabelled: Value = serde_json::from_str(&sign(DEMO, &stranger())).unwrap();
    relabelled["signatures"][0]["keyid"] = env["signatures"][0]["keyid"].clone();
    out.push((
        "stranger's signature under the trusted key id".into(),
        to_bytes(&relabelled),
        "bad_signature",
    ));
    // A valid signature over another payload.
    let other = sign(b"{}", &signer());
    let other: Value = serde_json::from_str(&other).unwrap();
    let mut swapped = env.clone();
    swapped["signatures"] = other["signatures"].clone();
    out.push((
        "signature from another payload".into(),
        to_bytes(&swapped),
        "bad_signature",
    ));
    let mut dup = env.clone();
    dup["signatures"] = json!([]);
    out.push(("no signatures".into(), to_bytes(&dup), "no_signatures"));
    out.push((
        "duplicate payload field".into(),
        original
            .replacen("\"payload\":", "\"payload\": \"\", \"payload\":", 1)
            .into_bytes(),
        "malformed",
    ));
    out.push((
        "envelope as array".into(),
        to_bytes(&json!([
            env["payloadType"],
            env["payload"],
            env["signatures"]
        ])),
        "malformed",
    ));
    let mut b64 = env.clone();
    b64["payload"] = json!(format!("{} ", env["payload"].as_str().unwrap()));
    out.push((
        "payload base64 with a space".into(),
        to_bytes(&b64),
        "bad_base64",
    ));
    let mut b64 = env.clone();
    b64["payload"] = json!(format!("{}=", env["payload"].as_str().unwrap()));
    out.push((
        "payload base64 with extra padding".into(),
        to_bytes(&b64),
        "bad_base64",
    ));
    let mut b64 = env.clone();
    let p = env["payload"].as_str().unwrap();
    b64["payload"] = json!(format!("{}\n{}", &p[..76], &p[76..]));
    out.push((
        "payload base64 with a line break".into(),
        to_bytes(&b64),
        "bad_base64",
    ));
    let mut b64 = env.clone();
    b64["payload"] = json!(format!("-{}", &p[1..]));
    out.push((
        "payload with a URL-safe character".into(),
        to_bytes(&b64),
        "bad_base64",
    ));
    for (i, cut) in (0..original.len()).step_by(STEP).enumerate() {
        out.push((
            format!("envelope cut #{i} at {cut}"),
            original.as_bytes()[..cut].to_vec(),
            "malformed",
        ));
    }
    for (i, g) in garbage_inputs().into_iter().enumerate() {
        out.push((format!("garbage envelope #{i}"), g, "malformed"));
    }
    for (i, e) in flipped_payload_envelopes().into_iter().enumerate() {
        out.push((format!("flipped payload byte #{i}"), e, "bad_signature"));
    }
    for (i, e) in flipped_signature_envelopes().into_iter().enumerate() {
        out.push((format!("flipped signature byte #{i}"), e, "bad_signature"));
    }
    out
}

#[test]
fn hostile_envelopes_give_their_envelope_error() {
    let trusted = trusted();
    let signer_id = signer().public_key().key_id().to_owned();
    for (name, bytes, code) in envelope_cases() {
        let e = match no_panic(&name, || load(&bytes, &load_opts(&trusted))).unwrap() {
            Ok(_) => panic!("{name}: loaded"),
            Err(e) => e,
        };
        assert_eq!(e.code(), code, "{name}: {e:?}");
        let LoadError::Envelope(inner) = &e else {
            panic!("{name}: {e:?}")
        };
        if let EnvelopeError::BadSignature { key_id } = inner {
            assert_eq!(key_id, &signer_id, "{name}");
        }
        if let EnvelopeError::UnknownKey { key_ids } = inner {
            assert_eq!(key_ids, &[stranger().public_key().key_id().to_owned()]);
        }
        assert!(!e.to_string().is_empty());
    }
}

#[test]
fn unflipped_envelope_still_loads() {
    // Control for the flipped-byte cases: the untouched envelope, re-serialized the same way.
    let trusted = trusted();
    let same = envelope_with_payload(DEMO, &signed_demo());
    assert!(load(&same, &load_opts(&trusted)).is_ok());
}

// ---------------------------------------------------------------------------------------------
// Signals

/// Signals JSON that serde must refuse, with a word its message must contain.
fn signals_parse_cases() -> Vec<(&'static str, String, &'static str)> {
    let long = "x".repeat(100_000);
    vec![
        (
            "unknown top-level field",
            r#"{"placement":"cart","frob":1}"#.into(),
            "unknown field `frob`",
        ),
        (
            "unknown page field",
            r#"{"placement":"cart","page":{"sku":"X"}}"#.into(),
            "unknown field `sku`",
        ),
        (
            "unknown cart item field",
            r#"{"placement":"cart","cart":{"items":[{"sku":"X","price":1}]}}"#.into(),
            "unknown field `price`",
        ),
        (
            "unknown customer field",
            r#"{"placement":"cart","customer":{"vip":true}}"#.into(),
            "unknown field `vip`",
        ),
        (
            "unknown lifecycle field",
            r#"{"placement":"cart","lifecycle":{"renewal":1}}"#.into(),
            "unknown field `renewal`",
        ),
        (
            "missing placement",
            "{}".into(),
            "missing field `placement`",
        ),
        (
            "placement as number",
            r#"{"placement":5}"#.into(),
            "invalid type",
        ),
        (
            "dwell 1e400",
            r#"{"placement":"cart","page":{"dwell_seconds":1e400}}"#.into(),
            "number out of range",
        ),
        (
            "dwell NaN",
            r#"{"placement":"cart","page":{"dwell_seconds":NaN}}"#.into(),
            "expected value",
        ),
        (
            "dwell Infinity",
            r#"{"placement":"cart","page":{"dwell_seconds":Infinity}}"#.into(),
            "expected value",
        ),
        (
            "qty 2^32",
            r#"{"placement":"cart","cart":{"items":[{"sku":"X","qty":4294967296}]}}"#.into(),
            "expected u32",
        ),
        (
            "qty -1",
            r#"{"placement":"cart","cart":{"items":[{"sku":"X","qty":-1}]}}"#.into(),
            "expected u32",
        ),
        (
            "local hour 256",
            r#"{"placement":"cart","time":{"local_hour":256}}"#.into(),
            "expected u8",
        ),
        (
            "pages viewed -1",
            r#"{"placement":"cart","session":{"pages_viewed":-1}}"#.into(),
            "expected u32",
        ),
        (
            "unknown device",
            r#"{"placement":"cart","device":"watch"}"#.into(),
            "unknown variant `watch`",
        ),
        (
            "unknown motivation",
            r#"{"placement":"cart","motivation":"greed"}"#.into(),
            "unknown variant `greed`",
        ),
        (
            "answer as object",
            r#"{"placement":"cart","answers":{"x":{"a":1}}}"#.into(),
            "did not match any variant",
        ),
        (
            "answer as null",
            r#"{"placement":"cart","answers":{"x":null}}"#.into(),
            "did not match any variant",
        ),
        (
            "stock 1e19",
            r#"{"placement":"cart","stock":{"X":1e19}}"#.into(),
            "expected i64",
        ),
        (
            "purchased_at 2^63",
            r#"{"placement":"cart","lifecycle":{"purchased_at":9223372036854775808}}"#.into(),
            "expected i64",
        ),
        (
            "items as object",
            r#"{"placement":"cart","cart":{"items":{}}}"#.into(),
            "invalid type: map",
        ),
        (
            "truncated",
            r#"{"placement":"cart","cart":{"items":[{"sku":"#.into(),
            "EOF",
        ),
        (
            "deep nesting in signals",
            format!(
                "{{\"placement\":\"cart\",\"answers\":{{\"x\":{}}}}}",
                nest("[", "", "]", DEEP)
            ),
            "",
        ),
        (
            "long unknown field",
            format!("{{\"placement\":\"cart\",\"{long}\":1}}"),
            "unknown field",
        ),
    ]
}

#[test]
fn hostile_signals_json_is_refused_by_serde() {
    std::thread::spawn(|| {
        for (name, text, needle) in signals_parse_cases() {
            match serde_json::from_str::<Signals>(&text) {
                Ok(s) => panic!("{name}: parsed {s:?}"),
                Err(e) => assert!(e.to_string().contains(needle), "{name}: {e}"),
            }
        }
    })
    .join()
    .unwrap();
}

fn sig(v: Value) -> Signals {
    serde_json::from_value(v).unwrap()
}

/// Extreme signals that parse; `decide` must return for each at every placement.
fn signals_extreme_cases() -> Vec<(String, Signals)> {
    let long = "é".repeat(500_000);
    let skus = [
        "AURORA-Q",
        "AURORA-K",
        "NIMBUS-Q",
        "COOLGUARD-Q",
        "LUMA-Z6",
        "SDX-128",
        "NOPE",
    ];
    let many_items: Vec<CartItem> = (0..10_000)
        .map(|i| CartItem {
            sku: skus[i % skus.len()].to_owned(),
            qty: if i % 2 == 0 { u32::MAX } else { 0 },
        })
        .collect();
    let mut out = vec![
        ("10,000 cart items".to_owned(), {
            let mut s = sig(json!({"placement": "cart", "page": {"product": "AURORA-Q"}}));
            s.cart.items = many_items.clone();
            s
        }),
        ("10,000 unknown cart skus".to_owned(), {
            let mut s = sig(json!({"placement": "cart"}));
            s.cart.items = (0..10_000)
                .map(|i| CartItem {
                    sku: format!("X{i}"),
                    qty: 1,
                })
                .collect();
            s
        }),
        (
            "huge dwell".into(),
            sig(
                json!({"placement": "product", "page": {"product": "AURORA-Q", "dwell_seconds": 1.7976931348623157e308}}),
            ),
        ),
        (
            "negative dwell".into(),
            sig(
                json!({"placement": "product", "page": {"product": "AURORA-Q", "dwell_seconds": -1e308}}),
            ),
        ),
        (
            "tiny dwell".into(),
            sig(
                json!({"placement": "product", "page": {"product": "AURORA-Q", "dwell_seconds": 5e-324}}),
            ),
        ),
        ("long placement".into(), sig(json!({"placement": long}))),
        (
            "long page product".into(),
            sig(json!({"placement": "product", "page": {"product": long, "category": long}})),
        ),
        (
            "long segment and session id".into(),
            sig(
                json!({"placement": "cart", "customer": {"segment": long}, "session": {"id": long}}),
            ),
        ),
        (
            "long sku in cart".into(),
            sig(json!({"placement": "cart", "cart": {"items": [{"sku": long}]}})),
        ),
        (
            "control characters".into(),
            sig(
                json!({"placement": "product\u{0}", "page": {"product": "AURORA-Q\u{1b}[31m"}, "geo": {"country": "\u{202e}SU"}}),
            ),
        ),
        (
            "extreme profile numbers".into(),
            sig(json!({
                "placement": "cart",
                "cart": {"items": [{"sku": "AURORA-Q"}]},
                "customer": {"tenure_days": 1e308, "order_count": -1e308, "first_purchase": true, "category_mix": ["camera"]},
                "session": {"pages_viewed": u32::MAX},
                "time": {"local_hour": 255, "weekday": 0},
                "lifecycle": {"days_to_renewal": -1e308, "usage_count": 1e308, "days_to_depletion": 0.0}
            })),
        ),
        (
            "extreme stock".into(),
            sig(json!({
                "placement": "cart",
                "cart": {"items": [{"sku": "AURORA-Q"}, {"sku": "LUMA-Z6"}]},
                "stock": {"COOLGUARD-Q": i64::MIN, "DRYSHIELD-Q": i64::MAX, "SDX-256": i64::MIN, "NOPE": 0}
            })),
        ),
        (
            "answers of the wrong kinds".into(),
            sig(json!({
                "placement": "product",
                "page": {"product": "AURORA-Q", "dwell_seconds": 60},
                "answers": {"has_bed_frame": "yes", "sleep_temperature": 5, "shooting": true, "undeclared": 1e308}
            })),
        ),
        (
            "purchased far in the future".into(),
            sig(json!({
                "placement": "post_purchase",
                "lifecycle": {"purchased_at": i64::MAX, "purchased": ["LUMA-Z6", "AURORA-Q", "NOPE"]}
            })),
        ),
        (
            "purchased at epoch".into(),
            sig(json!({
                "placement": "post_purchase",
                "lifecycle": {"purchased_at": 0, "purchased": ["LUMA-Z6"]}
            })),
        ),
        (
            "purchased before epoch".into(),
            sig(json!({
                "placement": "email",
                "lifecycle": {"purchased_at": -62_135_596_800i64, "purchased": ["AURORA-Q"]}
            })),
        ),
    ];
    let mut big = sig(json!({"placement": "cart", "page": {"product": "LUMA-Z6"}}));
    big.session.viewed_categories = (0..10_000).map(|i| format!("c{i}")).collect();
    big.customer.category_mix = (0..10_000).map(|i| format!("c{i}")).collect();
    big.lifecycle.purchased = (0..10_000)
        .map(|i| skus[i % skus.len()].to_owned())
        .collect();
    big.answers = (0..10_000)
        .map(|i| {
            (
                format!("a{i}"),
                xsell::signals::AnswerValue::Number(f64::from(i)),
            )
        })
        .collect();
    big.stock = (0..10_000).map(|i| (format!("S{i}"), i64::MIN)).collect();
    big.cart.items = many_items;
    out.push(("10,000 of every list and map".into(), big));
    out
}

/// A ledger that has seen a lot, to push decide through caps, cooldowns and sequences.
fn busy_ledger() -> Ledger {
    let mut l = Ledger::default();
    let t = now();
    for (i, offer) in [
        "white-glove-setup",
        "sleep-set-starter",
        "coolguard-protector",
        "spare-battery",
    ]
    .iter()
    .enumerate()
    {
        for k in 0..5 {
            l.record(
                &Event::new(EventKind::Shown, offer, "product", Some("s")),
                t - 3_600 * (k + i as i64),
            );
        }
        l.record(
            &Event::new(EventKind::Dismissed, offer, "cart", Some("s")),
            t - 60,
        );
        l.record(
            &Event::new(EventKind::Accepted, offer, "cart", Some("s")),
            t - 30,
        );
    }
    l
}

const PLACEMENTS: &[&str] = &[
    "product",
    "cart",
    "checkout",
    "post_purchase",
    "email",
    "nowhere",
];

#[test]
fn extreme_signals_never_panic_decide() {
    let pack = Pack::from_json(DEMO).unwrap();
    let ledgers = [Ledger::default(), busy_ledger()];
    let mut failures = Vec::new();
    for (name, s) in signals_extreme_cases() {
        for placement in PLACEMENTS {
            let mut s = s.clone();
            if !name.starts_with("long placement") && !name.starts_with("control") {
                s.placement = (*placement).to_owned();
            }
            for consent in [Consent::ALL, Consent::default()] {
                for ledger in &ledgers {
                    let what = format!("{name} at {placement}");
                    match no_panic(&what, || decide(&pack, &s, ledger, &consent, now())) {
                        Ok(d) => {
                            assert_eq!(d.placement, s.placement);
                            // The decision serializes (the host sends it as JSON).
                            serde_json::to_string(&d).unwrap();
                        }
                        Err(e) => failures.push(e),
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

// ---------------------------------------------------------------------------------------------
// Ledgers

fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}
/// A stored ledger with a correct checksum over arbitrary bytes.
fn forge(json: &[u8]) -> String {
    format!(
        "xl1.{}.{:016x}",
        URL_SAFE_NO_PAD.encode(json),
        fnv1a64(json)
    )
}
fn sample_ledger() -> Ledger {
    let mut l = Ledger::default();
    let t = now();
    l.record(
        &Event::new(EventKind::Shown, "white-glove-setup", "product", Some("s1")),
        t,
    );
    l.record(
        &Event::new(
            EventKind::Dismissed,
            "coolguard-protector",
            "cart",
            Some("s1"),
        ),
        t + 5,
    );
    l.record(
        &Event::new(
            EventKind::Accepted,
            "sleep-set-starter",
            "product",
            Some("s1"),
        ),
        t + 9,
    );
    l.record(
        &Event {
            kind: Some(EventKind::Purchased),
            skus: vec!["AURORA-Q".into()],
            ..Event::default()
        },
        t + 20,
    );
    l.raise_high_water("xsell-demo", 3);
    l
}

/// Corrupt stored ledgers, each with the error code it must give (`None`: any ledger error).
fn ledger_cases() -> Vec<(String, String, Option<&'static str>)> {
    let good = sample_ledger().encode();
    let (data, sum) = good.strip_prefix("xl1.").unwrap().split_once('.').unwrap();
    let json = URL_SAFE_NO_PAD.decode(data).unwrap();
    let mal = Some("ledger_malformed");
    let oob = Some("ledger_out_of_bounds");
    let mut out: Vec<(String, String, Option<&'static str>)> = vec![
        ("empty".into(), String::new(), mal),
        ("prefix only".into(), "xl1.".into(), mal),
        ("no data".into(), "xl1..".into(), mal),
        ("no checksum".into(), format!("xl1.{data}"), mal),
        ("empty checksum".into(), format!("xl1.{data}."), mal),
        ("checksum not hex".into(), format!("xl1.{data}.zz"), mal),
        (
            "checksum too long".into(),
            format!("xl1.{data}.{sum}0"),
            mal,
        ),
        (
            "checksum off by one".into(),
            format!("xl1.{data}.{:016x}", fnv1a64(&json) ^ 1),
            Some("ledger_checksum"),
        ),
        (
            "checksum of another ledger".into(),
            format!("xl1.{data}.{:016x}", fnv1a64(b"{}")),
            Some("ledger_checksum"),
        ),
        ("extra dot part".into(), format!("xl1.{data}.{sum}.x"), mal),
        ("padded base64".into(), format!("xl1.{data}==.{sum}"), mal),
        (
            "standard base64 alphabet".into(),
            format!(
                "xl1.{}.{sum}",
                data.replace('-', "+").replace('_', "/") + "+/"
            ),
            mal,
        ),
        ("unicode data".into(), "xl1.é.00".into(), mal),
        ("leading space".into(), format!(" {good}"), mal),
        (
            "upper-case prefix".into(),
            good.replacen("xl1", "XL1", 1),
            mal,
        ),
        (
            "version 2".into(),
            good.replacen("xl1", "xl2", 1),
            Some("ledger_unknown_version"),
        ),
        (
            "version 0".into(),
            "xl0.abc.def".into(),
            Some("ledger_unknown_version"),
        ),
        (
            "JSON instead of an encoding".into(),
            String::from_utf8(json.clone()).unwrap(),
            mal,
        ),
        (
            "too large".into(),
            "xl1.".to_owned() + &"A".repeat(16 * 1024),
            Some("ledger_too_large"),
        ),
        (
            "hand-edited high-water mark".into(),
            format!(
                "xl1.{}.{sum}",
                URL_SAFE_NO_PAD.encode(
                    String::from_utf8(json.clone())
                        .unwrap()
                        .replace("\"xsell-demo\":3", "\"xsell-demo\":0")
                )
            ),
            Some("ledger_checksum"),
        ),
        ("non-ledger JSON".into(), forge(b"{\"o\":5}"), mal),
        ("string".into(), forge(b"\"ledger\""), mal),
        ("unknown field".into(), forge(b"{\"zz\":1}"), mal),
        (
            "unknown offer field".into(),
            forge(b"{\"o\":{\"a\":{\"t\":1,\"x\":1}}}"),
            mal,
        ),
        ("missing touched".into(), forge(b"{\"o\":{\"a\":{}}}"), mal),
        ("negative counter".into(), forge(b"{\"st\":-1}"), mal),
        (
            "negative high-water".into(),
            forge(b"{\"hw\":{\"p\":-1}}"),
            mal,
        ),
        ("short log entry".into(), forge(b"{\"log\":[[1]]}"), mal),
        ("short purchase".into(), forge(b"{\"p\":[1]}"), mal),
        ("duplicate field".into(), forge(b"{\"st\":1,\"st\":2}"), mal),
        ("trailing garbage".into(), forge(b"{} x"), mal),
        ("not UTF-8".into(), forge(b"\xff\xfe"), mal),
        (
            "deep JSON (within the size limit)".into(),
            forge(nest("[", "", "]", 5_000).as_bytes()),
            mal,
        ),
        (
            "deep JSON (over the size limit)".into(),
            forge(nest("[", "", "]", DEEP).as_bytes()),
            Some("ledger_too_large"),
        ),
        (
            "65 offers".into(),
            forge(
                format!(
                    "{{\"o\":{{{}}}}}",
                    (0..65)
                        .map(|i| format!("\"o{i}\":{{\"t\":1}}"))
                        .collect::<Vec<_>>()
                        .join(",")
                )
                .as_bytes(),
            ),
            oob,
        ),
        (
            "129 log entries".into(),
            forge(format!("{{\"log\":[{}]}}", vec!["[1,\"p\"]"; 129].join(",")).as_bytes()),
            oob,
        ),
        (
            "9 high-water marks".into(),
            forge(
                format!(
                    "{{\"hw\":{{{}}}}}",
                    (0..9)
                        .map(|i| format!("\"p{i}\":1"))
                        .collect::<Vec<_>>()
                        .join(",")
                )
                .as_bytes(),
            ),
            oob,
        ),
        (
            "33 shown times".into(),
            forge(
                format!(
                    "{{\"o\":{{\"a\":{{\"s\":[{}],\"t\":1}}}}}}",
                    vec!["1"; 33].join(",")
                )
                .as_bytes(),
            ),
            oob,
        ),
        (
            "empty offer id".into(),
            forge(b"{\"o\":{\"\":{\"t\":1}}}"),
            oob,
        ),
        (
            "65-char offer id".into(),
            forge(format!("{{\"o\":{{\"{}\":{{\"t\":1}}}}}}", "a".repeat(65)).as_bytes()),
            oob,
        ),
        (
            "negative touched".into(),
            forge(b"{\"o\":{\"a\":{\"t\":-1}}}"),
            oob,
        ),
        (
            "touched far future".into(),
            forge(b"{\"o\":{\"a\":{\"t\":100000000001}}}"),
            oob,
        ),
        (
            "touched i64::MIN".into(),
            forge(b"{\"o\":{\"a\":{\"t\":-9223372036854775808}}}"),
            oob,
        ),
        (
            "negative shown time".into(),
            forge(b"{\"o\":{\"a\":{\"s\":[-5],\"t\":1}}}"),
            oob,
        ),
        (
            "negative dismissal".into(),
            forge(b"{\"o\":{\"a\":{\"d\":-1,\"t\":1}}}"),
            oob,
        ),
        (
            "negative log time".into(),
            forge(b"{\"log\":[[-1,\"p\"]]}"),
            oob,
        ),
        (
            "negative purchase time".into(),
            forge(b"{\"p\":[-1,[]]}"),
            oob,
        ),
        (
            "17 purchased skus".into(),
            forge(format!("{{\"p\":[1,[{}]]}}", ["\"s\""; 17].join(",")).as_bytes()),
            oob,
        ),
    ];
    // Every 7th prefix of a good encoding (each is truncated).
    for cut in (0..good.len()).step_by(7) {
        out.push((format!("cut at {cut}"), good[..cut].to_owned(), None));
    }
    for (i, g) in garbage_inputs().into_iter().enumerate() {
        out.push((
            format!("garbage #{i}"),
            String::from_utf8_lossy(&g).into_owned(),
            None,
        ));
    }
    out
}

#[test]
fn corrupt_ledgers_are_typed_errors() {
    assert_eq!(
        Ledger::decode(&sample_ledger().encode()),
        Ok(sample_ledger())
    );
    std::thread::spawn(|| {
        for (name, text, code) in ledger_cases() {
            let r = no_panic(&name, || Ledger::decode(&text)).unwrap();
            let e: LedgerError = match r {
                Ok(l) => panic!("{name}: decoded {l:?}"),
                Err(e) => e,
            };
            if let Some(code) = code {
                assert_eq!(e.code(), code, "{name}: {e:?}");
            }
            assert!(e.code().starts_with("ledger_"), "{name}");
            assert!(!e.to_string().is_empty());
        }
    })
    .join()
    .unwrap();
}

// ---------------------------------------------------------------------------------------------
// Summary

#[test]
fn summary_of_bad_inputs() {
    let counts = [
        ("fixed pack cases", pack_cases().len()),
        ("demo truncations", truncation_cases().len()),
        ("garbage packs", garbage_cases().len()),
        ("deep nesting (pack)", deep_cases().len()),
        ("deep nesting (envelope)", deep_envelopes().len()),
        ("hostile envelopes", envelope_cases().len()),
        ("hostile signals JSON", signals_parse_cases().len()),
        ("extreme signals", signals_extreme_cases().len()),
        ("corrupt ledgers", ledger_cases().len()),
        ("core-bug inputs", bug_inputs()),
    ];
    let total: usize = counts.iter().map(|(_, n)| n).sum();
    for (what, n) in counts {
        eprintln!("  {what}: {n}");
    }
    eprintln!("bad_input: {total} distinct bad inputs tried");
    assert!(total >= 300, "{total}");
}

// ---------------------------------------------------------------------------------------------
// Regressions: inputs that once panicked or were wrongly accepted by the core.

/// Number of distinct inputs the bug tests below try.
fn bug_inputs() -> usize {
    // purchase times + huge bundle + 3 oversized ledgers + 3 array forms + 4 trailing texts
    purchase_time_signals().len() + 1 + 3 + 4 + trailing_text_payloads().len()
}

fn purchase_time_signals() -> Vec<(String, Signals)> {
    let mut out = Vec::new();
    for t in [i64::MIN, i64::MIN + 1, -(1i64 << 62) * 2] {
        for placement in ["post_purchase", "email"] {
            out.push((
                format!("purchased_at {t} at {placement}"),
                sig(json!({
                    "placement": placement,
                    "lifecycle": {"purchased_at": t, "purchased": ["AURORA-Q", "LUMA-Z6"], "days_to_renewal": 5},
                    "customer": {"order_count": 1, "first_purchase": true}
                })),
            ));
        }
    }
    out
}

/// Regression (src/decision/context.rs): `decide` computes `now - purchased_at` with plain i64
/// subtraction (the onboarding/using stage split in `Context::new`, and the
/// `lifecycle.days_since_purchase` / `hours_since_purchase` facts). `lifecycle.purchased_at`
/// comes straight from host-supplied Signals JSON (any i64 parses), so a very negative value
/// overflows: a panic in debug builds, a wrapped (wrong-stage) answer in release. Hostile
/// signals must never panic; use `saturating_sub` / `checked_sub` (treating an unrepresentable
/// age as "missing" or as "long ago").
#[test]
fn bug_extreme_purchase_times_do_not_overflow_decide() {
    let pack = Pack::from_json(DEMO).unwrap();
    let failures: Vec<String> = purchase_time_signals()
        .into_iter()
        .filter_map(|(name, s)| {
            no_panic(&name, || {
                decide(&pack, &s, &Ledger::default(), &Consent::ALL, now())
            })
            .err()
        })
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Regression (src/pack/compile.rs `compile_bundle`, and src/decision/view.rs `priced`): a bundle's
/// items' prices are summed with `Iterator::sum::<u64>()`. Each price is a valid i64 (≤ 2^63−1),
/// but three of them exceed u64::MAX, so compiling such a pack panics with "attempt to add
/// with overflow" (debug) or wraps and misjudges "costs more than its items" (release). Both
/// `Pack::from_json` and `load` of a signed pack reach it. Expected: a typed error (or a
/// saturating sum) and no panic, in compile and in `decide`'s price view.
#[test]
fn bug_bundle_of_huge_prices_does_not_overflow() {
    let max = i64::MAX;
    let v = json!({
        "format": 1,
        "header": {"id": "huge", "version": 1, "issued_at": ISSUED, "expires_at": EXPIRES,
                   "audience": ["shop.example.com"], "min_engine": "0.1.0"},
        "catalog": [
            {"sku": "BASE", "name": "Base", "category": "c", "price": {"amount": 100, "currency": "USD"}},
            {"sku": "A", "name": "A", "category": "c", "price": {"amount": max, "currency": "USD"}},
            {"sku": "B", "name": "B", "category": "c", "price": {"amount": max, "currency": "USD"}},
            {"sku": "C", "name": "C", "category": "c", "price": {"amount": max, "currency": "USD"}}
        ],
        "offers": [{
            "id": "big", "kind": "bundle", "placements": ["product"],
            "need": {"stage": "researching", "motivation": "save_time"},
            "bundle": {"name": "Big", "tier": "good", "anchor": "BASE", "items": ["A", "B", "C"], "price": 1000}
        }]
    });
    let bytes = to_bytes(&v);
    let compiled = no_panic("Pack::from_json", || {
        Pack::from_json(&bytes).map_err(|e| e.to_string())
    });
    let trusted = trusted();
    let envelope = sign(&bytes, &signer());
    let loaded = no_panic("load", || {
        load(envelope.as_bytes(), &load_opts(&trusted)).map(|_| ())
    });
    let mut failures = Vec::new();
    if let Err(e) = &loaded {
        failures.push(e.clone());
    }
    match compiled {
        Err(e) => failures.push(e),
        Ok(Ok(pack)) => {
            let s = sig(json!({"placement": "product", "page": {"product": "BASE"}}));
            if let Err(e) = no_panic("decide", || {
                decide(&pack, &s, &Ledger::default(), &Consent::ALL, now())
            }) {
                failures.push(e);
            }
        }
        Ok(Err(_)) => {}
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Regression (src/ledger): `Ledger::encode` can produce a string that `Ledger::decode` refuses.
/// `decode` rejects anything over 16 KiB (`MAX_ENCODED_LEN`), but neither `record` nor
/// `encode` keeps the ledger under that size: the session id, placement names and purchased
/// skus are stored at any length, and even at the ledger's own bounds (64 offers × 32 shown
/// times) the encoding is ~38 KB. The host stores it, the next page load gets
/// `LedgerError::TooLarge`, resets to an empty ledger, and every frequency cap, cooldown,
/// sequence and pack high-water mark (the anti-rollback ratchet) is forgotten. Any ledger
/// reachable through `record` must round-trip (bound the strings in `record`, and keep the
/// bounds consistent with the size limit, or evict until `encode` fits).
#[test]
fn bug_recorded_ledgers_always_decode() {
    let t = now();
    let mut long_session = Ledger::default();
    long_session.raise_high_water("xsell-demo", 3);
    long_session.record(
        &Event::new(EventKind::Shown, "o", "cart", Some(&"s".repeat(20_000))),
        t,
    );
    let mut long_sku = Ledger::default();
    long_sku.record(
        &Event {
            kind: Some(EventKind::Purchased),
            skus: vec!["S".repeat(20_000)],
            ..Event::default()
        },
        t,
    );
    let mut full = Ledger::default();
    for i in 0..64 {
        for k in 0..32 {
            full.record(
                &Event::new(
                    EventKind::Shown,
                    &format!("offer-{i:02}"),
                    "product",
                    Some("s1"),
                ),
                t + i * 100 + k,
            );
        }
    }
    let mut failures = Vec::new();
    for (name, l) in [
        ("20 kB session id", long_session),
        ("20 kB purchased sku", long_sku),
        ("64 offers × 32 shows", full),
    ] {
        let text = l.encode();
        match Ledger::decode(&text) {
            Ok(back) if back == l => {}
            Ok(_) => failures.push(format!("{name}: decoded to a different ledger")),
            Err(e) => failures.push(format!("{name}: {} bytes → {e:?}", text.len())),
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Regression, strictness gap (src/pack/source.rs): the pack's structs use serde's derived
/// `Deserialize`, which also accepts the positional array form (`[1, {header}, [catalog], …]`,
/// or a header written as `["id", 3, "…"]`). docs/pack-format.md documents `header`, products,
/// offers… as objects and promises "Unknown fields are rejected in every object"; a positional
/// form bypasses field names entirely (a reordered field silently changes meaning). The
/// envelope layer already refuses its array form for the same reason (tests in
/// src/envelope/dsse.rs). Expected: a `json` error for any array where an object is required.
#[test]
fn bug_pack_in_positional_array_form_is_refused() {
    let d = demo();
    let whole = json!([
        d["format"],
        d["header"],
        d["catalog"],
        d["compatibility"],
        d["answers"],
        d["offers"],
        d["policy"]
    ]);
    let h = &d["header"];
    let header = set(
        d.clone(),
        "/header",
        json!([
            h["id"],
            h["version"],
            h["issued_at"],
            h["expires_at"],
            h["audience"],
            h["min_engine"]
        ]),
    );
    let mut accepted = Vec::new();
    for (name, v) in [("whole pack as array", whole), ("header as array", header)] {
        if let Ok(p) = Pack::from_json(&to_bytes(&v)) {
            accepted.push(format!("{name}: compiled pack {}", p.header.id));
        }
    }
    // A stored ledger has the same gap: `[]` (with a valid checksum) is an empty ledger.
    if let Ok(l) = Ledger::decode(&forge(b"[]")) {
        accepted.push(format!("ledger `[]`: decoded {l:?}"));
    }
    // Signals have the same gap: `["cart"]` is read as `{"placement": "cart"}`.
    if let Ok(s) = serde_json::from_str::<Signals>(r#"["cart"]"#) {
        accepted.push(format!(
            "signals as array: parsed placement {:?}",
            s.placement
        ));
    }
    assert!(accepted.is_empty(), "{accepted:#?}");
}

fn trailing_text_payloads() -> Vec<(&'static str, Vec<u8>)> {
    let with = |tail: &[u8]| {
        let mut v = DEMO.to_vec();
        v.extend_from_slice(tail);
        v
    };
    vec![
        ("a stray closing brace", with(b"}")),
        ("the pack twice", with(DEMO)),
        ("a second, different pack", with(&to_bytes(&minimal()))),
        ("binary junk", with(b"\x00\xff garbage")),
    ]
}

/// Regression (src/pack/compile.rs `parse`): the pack is read with
/// `serde_path_to_error::deserialize(&mut Deserializer::from_slice(..))` but the deserializer's
/// `end()` is never called, so anything after the first JSON value is silently ignored:
/// `<pack>}`, `<pack><pack>`, `<pack><another pack>` and `<pack>` + binary junk all compile,
/// through `Pack::from_json` and through `load` of a signed envelope. `serde_json::from_slice`
/// (and JavaScript's `JSON.parse`) refuse trailing characters, so the engine and other readers
/// of the same signed bytes can disagree about what was signed (a parser differential), and
/// docs/pack-format.md promises the payload is "parsed as pack JSON (strictly)". Expected: a
/// `json` error "trailing characters".
#[test]
fn bug_pack_with_trailing_text_is_refused() {
    let trusted = trusted();
    let mut accepted = Vec::new();
    for (name, bytes) in trailing_text_payloads() {
        if Pack::from_json(&bytes).is_ok() {
            accepted.push(format!(
                "Pack::from_json accepted the demo pack followed by {name}"
            ));
        }
        if load(sign(&bytes, &signer()).as_bytes(), &load_opts(&trusted)).is_ok() {
            accepted.push(format!("load accepted the demo pack followed by {name}"));
        }
    }
    assert!(accepted.is_empty(), "{accepted:#?}");
}
