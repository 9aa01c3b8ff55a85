//! The demo pack compiles, and uses every condition helper, operator and signal path.

use serde_json::Value;
use std::collections::BTreeSet;
use xsell::condition::path::FIXED_PATHS;
use xsell::{Consent, Pack};

const DEMO: &str = include_str!("../fixtures/packs/demo.json");

#[test]
fn demo_pack_compiles() {
    let pack = Pack::from_json(DEMO.as_bytes()).unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(pack.header.id, "xsell-demo");
    assert!(pack.offers.len() >= 20);
}

/// Collects "path:<p>", "op:<op>", "helper:<name>:<arg>" from a condition tree.
fn walk(v: &Value, out: &mut BTreeSet<String>) {
    let Some(o) = v.as_object() else { return };
    if let Some(p) = o.get("path").and_then(Value::as_str) {
        let p = if p.starts_with("answers.") {
            "answers.*"
        } else {
            p
        };
        out.insert(format!("path:{p}"));
        for k in o.keys().filter(|k| *k != "path") {
            out.insert(format!("op:{k}"));
        }
        return;
    }
    for (k, inner) in o {
        match k.as_str() {
            "all" | "any" => {
                out.insert(format!("op:{k}"));
                inner
                    .as_array()
                    .into_iter()
                    .flatten()
                    .for_each(|c| walk(c, out));
            }
            "not" => {
                out.insert("op:not".into());
                walk(inner, out);
            }
            "compatible" => {
                out.insert(format!(
                    "helper:compatible:{}",
                    inner.as_str().unwrap_or("?")
                ));
            }
            "cart_has" => {
                for key in inner.as_object().into_iter().flat_map(|m| m.keys()) {
                    out.insert(format!("helper:cart_has:{key}"));
                }
            }
            _ => {}
        }
    }
}

#[test]
fn demo_pack_uses_every_path_operator_and_helper() {
    let doc: Value = serde_json::from_str(DEMO).unwrap();
    let mut used = BTreeSet::new();
    for offer in doc["offers"].as_array().unwrap() {
        walk(&offer["when"], &mut used);
    }
    let mut wanted: Vec<String> = FIXED_PATHS
        .iter()
        .map(|(p, ..)| format!("path:{p}"))
        .collect();
    wanted.push("path:answers.*".into());
    for op in [
        "eq", "ne", "lt", "lte", "gt", "gte", "between", "in", "contains", "exists", "all", "any",
        "not",
    ] {
        wanted.push(format!("op:{op}"));
    }
    for a in ["page", "cart", "page_or_cart", "purchased"] {
        wanted.push(format!("helper:compatible:{a}"));
    }
    for h in ["sku", "category", "tag"] {
        wanted.push(format!("helper:cart_has:{h}"));
    }
    let missing: Vec<&String> = wanted.iter().filter(|w| !used.contains(*w)).collect();
    assert!(missing.is_empty(), "demo pack does not use: {missing:?}");
}

#[test]
fn consent_defaults_pick_the_most_specific_region() {
    let pack = Pack::from_json(include_bytes!("../fixtures/packs/demo.json")).unwrap();
    let p = &pack.policy;
    // The demo pack: "*" grants, "EEA", "GB" and "CH" assume nothing until the shopper answers.
    let granted = |c: Option<Consent>| c.map(|c| (c.storage, c.personalization, c.measurement));
    assert_eq!(
        granted(p.consent_default(Some("US"))),
        Some((true, true, true))
    );
    assert_eq!(granted(p.consent_default(None)), Some((true, true, true)));
    assert_eq!(
        granted(p.consent_default(Some("de"))),
        Some((false, false, false))
    );
    assert_eq!(
        granted(p.consent_default(Some("NO"))),
        Some((false, false, false))
    );
    assert_eq!(
        granted(p.consent_default(Some("GB"))),
        Some((false, false, false))
    );
    assert!(p.consent_default(Some("US")).is_some_and(|c| !c.gpc));
    let bad = String::from_utf8_lossy(include_bytes!("../fixtures/packs/demo.json"))
        .replace("\"GB\": {", "\"Britain\": {");
    let errs = Pack::from_json(bad.as_bytes()).unwrap_err();
    assert!(
        errs.0
            .iter()
            .any(|e| e.at == "policy.consent_defaults.Britain"),
        "{errs:?}"
    );
}
