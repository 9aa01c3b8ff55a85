//! Runs the shared fixture corpus in `fixtures/cases/` against the native engine.
//!
//! Each case names a pack (`fixtures/packs/<pack>.json`), an instant, consent, a ledger to
//! replay and the signals of one page view, and says what the decision must be. Expectations
//! were derived by hand from the pack and the documented pipeline, not pasted from a run. Every
//! mismatch in every case is collected and reported together; see `fixtures/README.md`.

use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use xsell::decision::{Decision, Outcome, Reason};
use xsell::pack::time::parse_rfc3339;
use xsell::pack::Stage;
use xsell::{decide, Consent, Event, Ledger, Pack, Signals};

/// The corpus must hold at least this many cases, so a broken directory walk cannot pass.
const MIN_CASES: usize = 30;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    pack: String,
    now: String,
    /// Free-text derivation of the expectation (documentation only).
    #[serde(default)]
    #[allow(dead_code)]
    notes: Vec<String>,
    #[serde(default)]
    consent: Option<serde_json::Value>,
    #[serde(default)]
    ledger: Vec<LedgerEntry>,
    signals: Signals,
    expect: Expect,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LedgerEntry {
    at: String,
    event: Event,
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
    #[serde(default)]
    savings: Option<String>,
    #[serde(default)]
    tiers: Option<Vec<String>>,
    #[serde(default)]
    items: Option<Vec<ExpectItem>>,
    #[serde(default)]
    matched_includes: Option<Vec<String>>,
    trace: BTreeMap<String, Reason>,
}

#[derive(Debug, Deserialize, PartialEq)]
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

fn present_nullable<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<Stage>>, D::Error> {
    Option::<Stage>::deserialize(d).map(Some)
}

/// Collects the mismatches of one case.
struct Report<'a> {
    file: &'a str,
    lines: Vec<String>,
}

impl Report<'_> {
    fn mismatch(
        &mut self,
        field: &str,
        expected: impl std::fmt::Debug,
        actual: impl std::fmt::Debug,
    ) {
        self.lines.push(format!(
            "{}: {field}\n    expected: {expected:?}\n    actual:   {actual:?}",
            self.file
        ));
    }

    fn error(&mut self, what: impl std::fmt::Display) {
        self.lines.push(format!("{}: {what}", self.file));
    }

    fn check<T: PartialEq + std::fmt::Debug>(
        &mut self,
        field: &str,
        expected: Option<T>,
        actual: T,
    ) {
        if let Some(e) = expected {
            if e != actual {
                self.mismatch(field, e, actual);
            }
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn time(s: &str, what: &str) -> Result<i64, String> {
    parse_rfc3339(s).ok_or_else(|| format!("{what}: `{s}` is not an RFC 3339 timestamp"))
}

/// Consent: absent = everything granted without GPC; present = all four flags spelled out.
fn consent(v: Option<&serde_json::Value>) -> Result<Consent, String> {
    let Some(v) = v else {
        return Ok(Consent::ALL);
    };
    for key in ["storage", "personalization", "measurement", "gpc"] {
        if v.get(key).and_then(serde_json::Value::as_bool).is_none() {
            return Err(format!("consent must spell out `{key}` as true or false"));
        }
    }
    serde_json::from_value(v.clone()).map_err(|e| format!("consent: {e}"))
}

fn load_pack<'c>(
    cache: &'c mut HashMap<String, Result<Pack, String>>,
    name: &str,
) -> &'c Result<Pack, String> {
    cache.entry(name.to_owned()).or_insert_with(|| {
        let path = root().join("packs").join(format!("{name}.json"));
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Pack::from_json(&bytes).map_err(|e| format!("pack `{name}` does not compile: {e}"))
    })
}

fn run_case(
    file: &str,
    text: &str,
    packs: &mut HashMap<String, Result<Pack, String>>,
) -> Vec<String> {
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
    if let Err(e) = check_case(&case, packs, &mut r) {
        r.error(e);
    }
    if !r.lines.is_empty() {
        r.lines.insert(0, format!("{file}: case \"{}\"", case.name));
    }
    r.lines
}

fn check_case(
    case: &Case,
    packs: &mut HashMap<String, Result<Pack, String>>,
    r: &mut Report<'_>,
) -> Result<(), String> {
    let pack = load_pack(packs, &case.pack)
        .as_ref()
        .map_err(Clone::clone)?;
    let now = time(&case.now, "now")?;
    let consent = consent(case.consent.as_ref())?;
    let mut ledger = Ledger::default();
    for (i, entry) in case.ledger.iter().enumerate() {
        ledger.record(&entry.event, time(&entry.at, &format!("ledger[{i}].at"))?);
    }
    let d: Decision = decide(pack, &case.signals, &ledger, &consent, now);
    let e = &case.expect;

    r.check("outcome", Some(e.outcome), d.outcome);
    let offer = d.offer.as_ref();
    r.check(
        "offer",
        Some(e.offer.as_deref()),
        offer.map(|o| o.id.as_ref()),
    );
    match (&e.because, offer) {
        (Some(want), Some(o)) => r.check("because", Some(want.as_ref()), o.because.as_ref()),
        (Some(want), None) => r.mismatch("because", want, "(no offer)"),
        (None, Some(o)) if e.offer.is_some() => {
            r.error(format!(
                "expect.because is required when an offer is expected (engine said {:?})",
                o.because
            ));
        }
        (None, _) => {}
    }
    r.check("stage", e.stage, d.stage);
    r.check("personalized", e.personalized, d.personalized);
    r.check("score", e.score.map(Some), d.score);
    if let Some(want) = &e.price {
        r.check(
            "price",
            Some(Some(want.as_ref())),
            offer.map(|o| o.price.display.as_ref()),
        );
    }
    if let Some(want) = &e.savings {
        let got = offer
            .and_then(|o| o.savings.as_ref())
            .map(|m| m.display.as_ref());
        r.check("savings", Some(Some(want.as_ref())), got);
    }
    if let Some(want) = &e.tiers {
        let got: Option<Vec<&str>> = offer
            .and_then(|o| o.bundle.as_ref())
            .map(|b| b.tiers.iter().map(|t| t.offer.as_ref()).collect());
        let want: Vec<&str> = want.iter().map(String::as_str).collect();
        r.check("tiers", Some(Some(want)), got);
    }
    if let Some(want) = &e.items {
        let got: Vec<ExpectItem> = offer
            .map(|o| {
                o.items
                    .iter()
                    .map(|i| ExpectItem {
                        sku: i.sku.to_string(),
                        price: i.price.display.to_string(),
                        anchor: i.anchor,
                    })
                    .collect()
            })
            .unwrap_or_default();
        r.check("items", Some(want), &got);
    }
    if let Some(want) = &e.matched_includes {
        let missing: Vec<&String> = want
            .iter()
            .filter(|m| !d.matched.iter().any(|x| x == m.as_str()))
            .collect();
        if !missing.is_empty() {
            r.mismatch(
                "matched_includes (labels missing from matched)",
                missing,
                &d.matched,
            );
        }
    }
    let got: BTreeMap<String, Reason> = d
        .trace
        .iter()
        .map(|t| (t.offer.to_string(), t.reason))
        .collect();
    if got.len() != d.trace.len() {
        r.error(format!("trace lists an offer twice: {:?}", d.trace));
    }
    if got != e.trace {
        let details: Vec<String> = d
            .trace
            .iter()
            .map(|t| format!("{} {:?} ({})", t.offer, t.reason, t.detail))
            .collect();
        r.mismatch("trace", &e.trace, details);
    }
    Ok(())
}

#[test]
fn fixture_cases() {
    let dir = root().join("cases");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();

    let mut packs = HashMap::new();
    let mut failures: Vec<String> = Vec::new();
    let mut failed_cases = 0usize;
    for path in &files {
        let file = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let lines = match std::fs::read_to_string(path) {
            Ok(text) => run_case(&file, &text, &mut packs),
            Err(e) => vec![format!("{file}: cannot read: {e}")],
        };
        if !lines.is_empty() {
            failed_cases += 1;
            failures.extend(lines);
        }
    }
    // Written to the real stderr (not `eprintln!`) so the count shows even when the test passes
    // and the harness captures output.
    let _ = writeln!(
        std::io::stderr(),
        "fixtures: ran {} cases from {} ({} failed)",
        files.len(),
        dir.display(),
        failed_cases
    );

    let mut report = String::new();
    if files.len() < MIN_CASES {
        let _ = writeln!(
            report,
            "only {} fixture cases found in {} (at least {MIN_CASES} expected)",
            files.len(),
            dir.display()
        );
    }
    if !failures.is_empty() {
        let _ = writeln!(
            report,
            "{failed_cases} of {} fixture cases failed:\n",
            files.len()
        );
        for f in &failures {
            let _ = writeln!(report, "{f}");
        }
    }
    assert!(report.is_empty(), "\n{report}");
}
