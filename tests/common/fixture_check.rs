//! The fixture corpus's case format and expectation checks, shared by every runner of it.
//!
//! `tests/fixtures.rs` (native) and `tests/web.rs` (wasm in a browser) include this file with
//! `#[path]`. A runner only supplies the engine call: given a parsed [`Case`] and its prepared
//! [`Inputs`], it returns the decision as a `serde_json::Value` (the native `Decision`
//! serialized, or the JS object the wasm `Engine::decide` returned, through `JSON.stringify`).
//! Everything else (parsing, consent and time rules, every check in `fixtures/README.md`, the
//! report and the minimum case count) is here, so the runtimes cannot drift apart.

use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use xsell::decision::{Outcome, Reason};
use xsell::pack::time::parse_rfc3339;
use xsell::pack::Stage;

/// The corpus must hold at least this many cases, so a broken directory walk cannot pass.
pub const MIN_CASES: usize = 30;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub name: String,
    /// `fixtures/packs/<pack>.json`.
    pub pack: String,
    now: String,
    /// Free-text derivation of the expectation (documentation only).
    #[serde(default)]
    #[allow(dead_code)]
    notes: Vec<String>,
    #[serde(default)]
    consent: Option<Value>,
    #[serde(default)]
    ledger: Vec<LedgerEntry>,
    /// The engine's `Signals` JSON, kept as JSON: each runner hands it over as its host would
    /// (parsed into `Signals` natively, a plain JS object in wasm).
    pub signals: Value,
    expect: Expect,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LedgerEntry {
    at: String,
    /// The engine's `Event` JSON.
    event: Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    outcome: Outcome,
    /// Required key; `null` means no offer.
    #[serde(deserialize_with = "nullable")]
    offer: Option<String>,
    #[serde(default)]
    because: Option<String>,
    /// Absent: not checked; `null`: the decision has no stage (unknown placement).
    #[serde(default, deserialize_with = "present_nullable")]
    stage: Option<Option<Stage>>,
    #[serde(default)]
    personalized: Option<bool>,
    #[serde(default)]
    score: Option<i64>,
    #[serde(default)]
    price: Option<String>,
    /// Absent: not checked; `null`: the offer shows no savings.
    #[serde(default, deserialize_with = "present")]
    savings: Option<Value>,
    #[serde(default)]
    title: Option<String>,
    /// Absent: not checked; `null`: no experiment; else `{ id, unit, arm }` exactly.
    #[serde(default, deserialize_with = "present")]
    experiment: Option<Value>,
    /// Absent: not checked; `null`: no `would_be`; else the held-out offer's id.
    #[serde(default, deserialize_with = "present")]
    would_be: Option<Value>,
    #[serde(default)]
    tiers: Option<Vec<String>>,
    #[serde(default)]
    items: Option<Vec<ExpectItem>>,
    #[serde(default)]
    matched_includes: Option<Vec<String>>,
    trace: BTreeMap<String, Reason>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectItem {
    sku: String,
    price: String,
    #[serde(default)]
    anchor: bool,
}

fn nullable<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Option::<String>::deserialize(d)
}

/// A key that is present, `null` included (absent keys stay `None` through `default`).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

fn present_nullable<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<Stage>>, D::Error> {
    Option::<Stage>::deserialize(d).map(Some)
}

/// A case's inputs with the corpus rules applied: times as Unix seconds, consent complete.
pub struct Inputs {
    /// `now`, Unix seconds.
    pub now: i64,
    /// All four consent flags (`Consent::ALL` when the case has none).
    pub consent: Value,
    /// The ledger to replay from empty, in order: (Unix seconds, `Event` JSON).
    pub ledger: Vec<(i64, Value)>,
}

fn time(s: &str, what: &str) -> Result<i64, String> {
    parse_rfc3339(s).ok_or_else(|| format!("{what}: `{s}` is not an RFC 3339 timestamp"))
}

impl Case {
    fn inputs(&self) -> Result<Inputs, String> {
        let now = time(&self.now, "now")?;
        // Absent = everything granted without GPC; present = all four flags spelled out.
        let consent = match &self.consent {
            None => {
                json!({"storage": true, "personalization": true, "measurement": true, "gpc": false})
            }
            Some(v) => {
                for key in ["storage", "personalization", "measurement", "gpc"] {
                    if v.get(key).and_then(Value::as_bool).is_none() {
                        return Err(format!("consent must spell out `{key}` as true or false"));
                    }
                }
                v.clone()
            }
        };
        let mut ledger = Vec::with_capacity(self.ledger.len());
        for (i, entry) in self.ledger.iter().enumerate() {
            ledger.push((
                time(&entry.at, &format!("ledger[{i}].at"))?,
                entry.event.clone(),
            ));
        }
        Ok(Inputs {
            now,
            consent,
            ledger,
        })
    }
}

/// Collects the mismatches of one case.
struct Report<'a> {
    file: &'a str,
    lines: Vec<String>,
}

impl Report<'_> {
    fn mismatch(&mut self, field: &str, expected: &Value, actual: &Value) {
        self.lines.push(format!(
            "{}: {field}\n    expected: {expected}\n    actual:   {actual}",
            self.file
        ));
    }

    fn error(&mut self, what: impl std::fmt::Display) {
        self.lines.push(format!("{}: {what}", self.file));
    }

    /// Compares when an expectation is given.
    fn check(&mut self, field: &str, expected: Option<Value>, actual: Value) {
        if let Some(e) = expected {
            if e != actual {
                self.mismatch(field, &e, &actual);
            }
        }
    }
}

fn to_value<T: serde::Serialize>(v: T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// `v` at a JSON pointer, `null` when absent.
fn at(v: &Value, pointer: &str) -> Value {
    v.pointer(pointer).cloned().unwrap_or(Value::Null)
}

/// Runs one case file: parse, prepare, let `decide` run the engine, check the decision.
/// Returns the report lines, empty when the case passed. Runners also use it to replay one
/// case through an engine set up differently (a second engine, a failing store, …).
pub fn run_case<D>(file: &str, text: &str, decide: &mut D) -> Vec<String>
where
    D: FnMut(&Case, &Inputs) -> Result<Value, String>,
{
    let mut r = Report {
        file,
        lines: Vec::new(),
    };
    let case: Case = match serde_json::from_str(text) {
        Ok(c) => c,
        Err(e) => {
            r.error(format!("cannot parse case: {e}"));
            return r.lines;
        }
    };
    match case.inputs().and_then(|inputs| decide(&case, &inputs)) {
        Ok(d) => check_decision(&case.expect, &d, &mut r),
        Err(e) => r.error(e),
    }
    if !r.lines.is_empty() {
        r.lines.insert(0, format!("{file}: case \"{}\"", case.name));
    }
    r.lines
}

/// Every check of `fixtures/README.md`, on the decision as JSON.
fn check_decision(e: &Expect, d: &Value, r: &mut Report<'_>) {
    r.check("outcome", Some(to_value(e.outcome)), at(d, "/outcome"));
    let offer = d.get("offer").filter(|o| !o.is_null());
    r.check("offer", Some(to_value(&e.offer)), at(d, "/offer/id"));
    match (&e.because, offer) {
        (Some(want), Some(o)) => r.check("because", Some(json!(want)), at(o, "/because")),
        (Some(want), None) => r.mismatch("because", &json!(want), &json!("(no offer)")),
        (None, Some(o)) if e.offer.is_some() => {
            r.error(format!(
                "expect.because is required when an offer is expected (engine said {})",
                at(o, "/because")
            ));
        }
        (None, _) => {}
    }
    r.check("stage", e.stage.map(to_value), at(d, "/stage"));
    r.check(
        "personalized",
        e.personalized.map(Value::Bool),
        at(d, "/personalized"),
    );
    r.check("score", e.score.map(|s| json!(s)), at(d, "/score"));
    r.check(
        "price",
        e.price.as_ref().map(|p| json!(p)),
        at(d, "/offer/price/display"),
    );
    r.check(
        "savings",
        e.savings.clone(),
        at(d, "/offer/savings/display"),
    );
    r.check(
        "title",
        e.title.as_ref().map(|t| json!(t)),
        at(d, "/offer/title"),
    );
    r.check("experiment", e.experiment.clone(), at(d, "/experiment"));
    r.check("would_be", e.would_be.clone(), at(d, "/would_be"));
    if let Some(want) = &e.tiers {
        let got = match d.pointer("/offer/bundle/tiers").and_then(Value::as_array) {
            Some(tiers) => tiers.iter().map(|t| at(t, "/offer")).collect(),
            None => Value::Null,
        };
        r.check("tiers", Some(json!(want)), got);
    }
    if let Some(want) = &e.items {
        let want: Vec<Value> = want
            .iter()
            .map(|i| json!({"sku": i.sku, "price": i.price, "anchor": i.anchor}))
            .collect();
        let got: Vec<Value> = offer
            .and_then(|o| o.get("items"))
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .map(|i| {
                        json!({
                            "sku": at(i, "/sku"),
                            "price": at(i, "/price/display"),
                            // Serialized only when true.
                            "anchor": i.get("anchor").cloned().unwrap_or(Value::Bool(false)),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        r.check("items", Some(Value::Array(want)), Value::Array(got));
    }
    if let Some(want) = &e.matched_includes {
        let matched = at(d, "/matched");
        let labels = matched.as_array().map(Vec::as_slice).unwrap_or_default();
        let missing: Vec<&String> = want
            .iter()
            .filter(|m| !labels.iter().any(|x| x.as_str() == Some(m.as_str())))
            .collect();
        if !missing.is_empty() {
            r.mismatch(
                "matched_includes (labels missing from matched)",
                &json!(missing),
                &matched,
            );
        }
    }
    let trace = at(d, "/trace");
    let entries = trace.as_array().map(Vec::as_slice).unwrap_or_default();
    if !trace.is_array() {
        r.error(format!("decision has no trace list: {trace}"));
    }
    let got: BTreeMap<String, Value> = entries
        .iter()
        .map(|t| {
            let offer = t.get("offer").and_then(Value::as_str).unwrap_or_default();
            (offer.to_owned(), at(t, "/reason"))
        })
        .collect();
    if got.len() != entries.len() {
        r.error(format!("trace lists an offer twice: {trace}"));
    }
    let want: BTreeMap<String, Value> = e
        .trace
        .iter()
        .map(|(offer, reason)| (offer.clone(), to_value(reason)))
        .collect();
    if got != want {
        let details: Vec<String> = entries
            .iter()
            .map(|t| {
                let s = |p: &str| {
                    let v = at(t, p);
                    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
                };
                format!("{} {} ({})", s("/offer"), s("/reason"), s("/detail"))
            })
            .collect();
        r.mismatch("trace", &json!(want), &json!(details));
    }
}

/// The outcome of a corpus run.
pub struct Run {
    /// Case files run.
    pub ran: usize,
    /// Case files with at least one problem.
    pub failed: usize,
    /// Everything wrong, empty when the corpus passed (including the minimum case count).
    pub report: String,
}

/// Runs every case file, given as (file name, its text or why it could not be read), in the
/// order given. `source` names where the files came from, for the report.
pub fn run_corpus<D>(
    files: Vec<(String, Result<String, String>)>,
    source: &str,
    mut decide: D,
) -> Run
where
    D: FnMut(&Case, &Inputs) -> Result<Value, String>,
{
    let mut failures: Vec<String> = Vec::new();
    let mut failed = 0usize;
    for (file, text) in &files {
        let lines = match text {
            Ok(text) => run_case(file, text, &mut decide),
            Err(e) => vec![format!("{file}: cannot read: {e}")],
        };
        if !lines.is_empty() {
            failed += 1;
            failures.extend(lines);
        }
    }

    let mut report = String::new();
    if files.len() < MIN_CASES {
        let _ = writeln!(
            report,
            "only {} fixture cases found in {source} (at least {MIN_CASES} expected)",
            files.len(),
        );
    }
    if !failures.is_empty() {
        let _ = writeln!(
            report,
            "{failed} of {} fixture cases failed:\n",
            files.len()
        );
        for f in &failures {
            let _ = writeln!(report, "{f}");
        }
    }
    Run {
        ran: files.len(),
        failed,
        report,
    }
}
