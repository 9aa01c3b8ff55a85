//! The reader against serde_json (the reference for what is valid JSON and what it means) and
//! its error paths.

use super::*;
use proptest::prelude::*;
use serde_json::Value;

/// The document as a serde_json value, through our own writer.
fn via_doc(text: &str) -> Result<Value, JsonError> {
    let doc = parse(text)?;
    let mut out = String::new();
    write::value(&mut out, doc.root());
    Ok(serde_json::from_str(&out).expect("our writer writes JSON"))
}

#[test]
fn reads_what_serde_json_reads() {
    for text in [
        "null",
        " true ",
        "false",
        "0",
        "-0",
        "12.5e-3",
        "18446744073709551615",
        "-9223372036854775808",
        "1e300",
        r#""plain""#,
        r#""esc \" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00 end""#,
        "[]",
        "{}",
        r#"{"a":[1,{"b":null,"c":[true,false]}],"d":"x"}"#,
        "[[[[]]],[{}]]",
        "\n\t{ \"k\" : [ 1 , 2 ] }\r\n",
    ] {
        let ours = via_doc(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let theirs: Value = serde_json::from_str(text).unwrap();
        assert_eq!(ours, theirs, "{text}");
    }
}

#[test]
fn refuses_what_serde_json_refuses() {
    for (text, needle) in [
        ("", "EOF while parsing a value"),
        ("  ", "EOF"),
        ("[1,]", "trailing comma"),
        ("{\"a\":1,}", "trailing comma"),
        ("{\"a\" 1}", "expected `:`"),
        ("{1:2}", "key must be a string"),
        ("[1 2]", "expected `,` or `]`"),
        ("{\"a\":1 \"b\":2}", "expected `,` or `}`"),
        ("[1", "EOF while parsing a list"),
        ("{\"a\":1", "EOF while parsing an object"),
        ("\"abc", "EOF while parsing a string"),
        ("\"a\u{1}b\"", "control character"),
        ("\"\\x\"", "invalid escape"),
        ("\"\\ud800\"", "lone leading surrogate"),
        ("\"\\udc00\"", "unexpected end of hex escape"),
        ("01", "invalid number"),
        ("1.", "invalid number"),
        ("1e", "invalid number"),
        ("-", "invalid number"),
        ("1e400", "number out of range"),
        ("-1e400", "number out of range"),
        ("NaN", "expected value"),
        ("tru", "expected ident"),
        ("nul", "expected ident"),
        ("{} {}", "trailing characters"),
        ("[] x", "trailing characters"),
        ("\u{feff}{}", "expected value"),
    ] {
        let e = parse(text)
            .err()
            .unwrap_or_else(|| panic!("{text:?} was accepted"));
        assert!(e.message.contains(needle), "{text:?}: {e}");
        assert!(
            serde_json::from_str::<Value>(text).is_err(),
            "serde_json takes {text:?}"
        );
    }
}

#[test]
fn nesting_is_bounded_without_recursion() {
    let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
    assert!(parse(&ok).is_ok());
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    let e = parse(&deep).unwrap_err();
    assert!(e.message.contains("recursion limit exceeded"), "{e}");
}

#[test]
fn syntax_errors_name_the_path() {
    let e = parse(r#"{"catalog":[{"price":{"amount":NaN}}]}"#).unwrap_err();
    assert_eq!(e.at, "catalog[0].price.amount");
    let e = parse(r#"{"a":[1,2,{"b":1e999}]}"#).unwrap_err();
    assert_eq!(e.at, "a[2].b");
    assert!(e.message.contains("line 1 column"), "{e}");
    let e = parse("{\n\"a\":\n  x}").unwrap_err();
    assert!(e.message.ends_with("at line 3 column 2"), "{e}");
}

#[test]
fn typed_reads_name_the_path_and_follow_serde_wording() {
    let doc =
        parse(r#"{"n":-1,"f":1.5,"big":18446744073709551616,"s":"x","o":{"k":1,"k":2}}"#).unwrap();
    let root = doc.root();
    let p = Path::Root;
    let [n, f, big, s, o] = root
        .fields(&p, &read::Fields::new(["n", "f", "big", "s", "o"], 0b11111))
        .unwrap()
        .map(Option::unwrap);
    let e = n.u32(&p.key("n")).unwrap_err();
    assert_eq!(
        (e.at.as_str(), e.message.as_str()),
        ("n", "invalid value: integer `-1`, expected u32")
    );
    assert_eq!(n.i32(&p).unwrap(), -1);
    assert!(f
        .i64(&p)
        .unwrap_err()
        .message
        .contains("floating point `1.5`, expected i64"));
    assert!(big.u64(&p).unwrap_err().message.contains("expected u64"));
    assert!(s
        .u32(&p)
        .unwrap_err()
        .message
        .contains("invalid type: string \"x\", expected u32"));
    let e = o.map(&p.key("o")).err().unwrap();
    assert_eq!(
        (e.at.as_str(), e.message.as_str()),
        ("o", "duplicate key `k`")
    );
    let e = o
        .fields(&p.key("o"), &read::Fields::new(["k"], 1))
        .unwrap_err();
    assert_eq!(e.message, "duplicate field `k`");

    let e = root.fields(&p, &read::Fields::new(["n"], 1)).unwrap_err();
    assert_eq!(
        (e.at.as_str(), e.message.as_str()),
        ("f", "unknown field `f`, expected `n`")
    );
    let doc = parse(r#"{"list":[{"a":1},{}]}"#).unwrap();
    let [list] = doc
        .root()
        .fields(&p, &read::Fields::new(["list"], 1))
        .unwrap();
    let lp = p.key("list");
    let e = list
        .unwrap()
        .list(&lp, |item, p| item.fields(p, &read::Fields::new(["a"], 1)))
        .unwrap_err();
    assert_eq!(
        (e.at.as_str(), e.message.as_str()),
        ("list[1]", "missing field `a`")
    );
    let e = doc.root().variant(&p, &["a", "b"]).unwrap_err();
    assert!(
        e.message.contains("invalid type: map, expected a string"),
        "{e}"
    );
}

#[test]
fn duplicate_keys_are_found_anywhere_in_a_value() {
    let doc = parse(r#"{"all":[{"path":"a"},{"path":"b","path":"c"}]}"#).unwrap();
    let (at, key) = doc.root().duplicate_key().unwrap();
    assert_eq!((at.as_str(), key), (".all[1]", "path"));
    let doc = parse(r#"{"all":[{"path":"a"},{"x":{"y":1}}]}"#).unwrap();
    assert!(doc.root().duplicate_key().is_none());
}

#[test]
fn equality_ignores_key_order_and_number_spelling() {
    let a = parse(r#"{"a":1,"b":[1.0,"x"]}"#).unwrap();
    let b = parse(r#"{"b":[1.00,"x"],"a":1}"#).unwrap();
    assert_eq!(a.root(), b.root());
    let c = parse(r#"{"b":[1.0,"y"],"a":1}"#).unwrap();
    assert_ne!(a.root(), c.root());
    assert_eq!(a.root().to_string(), r#"{"a":1,"b":[1.0,"x"]}"#);
}

fn naive_plain_run(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .position(|c| *c == b'"' || *c == b'\\' || *c < 0x20)
        .map_or(b.len(), |p| i + p)
}

proptest! {
    #[test]
    fn plain_run_finds_the_first_special_byte(
        bytes in proptest::collection::vec(prop_oneof![Just(b'"'), Just(b'\\'), 0u8..0x20, 0x20u8..=0xff, Just(b'a')], 0..64),
        start in 0usize..8,
    ) {
        let start = start.min(bytes.len());
        prop_assert_eq!(scan::plain_run(&bytes, start), naive_plain_run(&bytes, start));
    }

    /// The SIMD scan (x86_64) and the portable one (the wasm's) agree with the naive one,
    /// across chunk boundaries and in the tail (fewer than 16 bytes left).
    #[test]
    fn plain_run_paths_agree(
        bytes in proptest::collection::vec(prop_oneof![
            1 => Just(b'"'), 1 => Just(b'\\'), 1 => 0u8..0x20, 2 => 0x20u8..=0xff, 8 => Just(b'a'),
        ], 0..120),
        start in 0usize..120,
    ) {
        let start = start.min(bytes.len());
        let want = naive_plain_run(&bytes, start);
        prop_assert_eq!(scan::swar_plain_run(&bytes, start), want);
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
        prop_assert_eq!(scan::sse2::plain_run(&bytes, start), want);
        prop_assert_eq!(scan::plain_run(&bytes, start), want);
    }

    /// Integer reads (with their fast path for up to 18 digits) agree with the standard
    /// parser, range errors included.
    #[test]
    fn integer_reads_agree_with_std(v in prop_oneof![any::<i64>(), -1_000_000i64..1_000_000, Just(i64::MIN), Just(i64::MAX)], u in any::<u64>()) {
        let p = Path::Root;
        for text in [v.to_string(), u.to_string()] {
            let doc = parse(&text).unwrap();
            let n = doc.root();
            prop_assert_eq!(n.i64(&p).ok(), text.parse::<i64>().ok());
            prop_assert_eq!(n.u64(&p).ok(), text.parse::<u64>().ok());
            prop_assert_eq!(n.i32(&p).ok(), text.parse::<i32>().ok());
            prop_assert_eq!(n.u32(&p).ok(), text.parse::<u32>().ok());
            if let Err(e) = n.u32(&p) {
                prop_assert_eq!(e.message, format!("invalid value: integer `{text}`, expected u32"));
            }
        }
    }

    #[test]
    fn agrees_with_serde_json_on_generated_values(v in arb_json()) {
        // Numbers are compared as serde_json reads them back (its float parsing is not exact).
        let text = serde_json::to_string(&v).unwrap();
        let reference: Value = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(via_doc(&text).unwrap(), reference.clone());
        let pretty = serde_json::to_string_pretty(&v).unwrap();
        prop_assert_eq!(via_doc(&pretty).unwrap(), reference);
    }

    #[test]
    fn sorted_orders_members_by_key_and_finds_duplicates(keys in proptest::collection::vec("[a-c]{0,3}", 0..40)) {
        let members: Vec<String> = keys.iter().enumerate().map(|(i, k)| format!("{k:?}:{i}")).collect();
        let text = format!("{{{}}}", members.join(","));
        let doc = parse(&text).unwrap();
        let obj = doc.root().as_object().unwrap();
        let sorted: Vec<&str> = obj.sorted().into_iter().map(|(k, _)| k).collect();
        let mut expected: Vec<&str> = keys.iter().map(String::as_str).collect();
        expected.sort_unstable();
        prop_assert_eq!(&sorted, &expected);
        let dup = expected.windows(2).find(|w| w[0] == w[1]).map(|w| w[0]);
        prop_assert_eq!(obj.duplicate_key(), dup);
    }

    #[test]
    fn never_panics_and_agrees_on_validity(s in "[\\[\\]{}\",:0-9a-z.eE+\\-\\\\ \n]{0,40}") {
        let ours = parse(&s).is_ok();
        let theirs = serde_json::from_str::<Value>(&s).is_ok();
        prop_assert_eq!(ours, theirs, "{:?}", s);
    }
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e9f64..1e9).prop_map(Value::from),
        ".*".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z\"\\\\]{0,6}", inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}
