//! Runs the shared fixture corpus in `fixtures/cases/` against the native engine.
//!
//! Each case names a pack (`fixtures/packs/<pack>.json`), an instant, consent, a ledger to
//! replay and the signals of one page view, and says what the decision must be. Expectations
//! were derived by hand from the pack and the documented pipeline, not pasted from a run. Every
//! mismatch in every case is collected and reported together; see `fixtures/README.md`.
//! The case format and the checks live in `tests/common/fixture_check.rs`, shared with the
//! wasm runner (`tests/web.rs`); this file only reads the files and calls the native engine.

#[path = "common/fixture_check.rs"]
mod fixture_check;

/// The corpus as `build.rs` embedded it for the wasm runner (`CASES`, `PACKS`).
mod corpus {
    include!(concat!(env!("OUT_DIR"), "/fixture_corpus.rs"));
}

use fixture_check::{run_corpus, Case, Inputs};
use serde_json::Value;
use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use xsell::{decide, Consent, Event, Ledger, Pack, Signals};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The `.json` files of a fixtures directory, sorted by name.
fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default()
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

/// One case through the native engine: replay the ledger from empty, decide, serialize.
fn native_decide(
    packs: &mut HashMap<String, Result<Pack, String>>,
    case: &Case,
    inputs: &Inputs,
) -> Result<Value, String> {
    let pack = load_pack(packs, &case.pack)
        .as_ref()
        .map_err(Clone::clone)?;
    let consent: Consent =
        serde_json::from_value(inputs.consent.clone()).map_err(|e| format!("consent: {e}"))?;
    let signals: Signals =
        serde_json::from_value(case.signals.clone()).map_err(|e| format!("signals: {e}"))?;
    let mut ledger = Ledger::default();
    for (i, (at, event)) in inputs.ledger.iter().enumerate() {
        let event: Event =
            serde_json::from_value(event.clone()).map_err(|e| format!("ledger[{i}].event: {e}"))?;
        ledger.record(&event, *at);
    }
    let d = decide(pack, &signals, &ledger, &consent, inputs.now);
    serde_json::to_value(&d).map_err(|e| format!("cannot serialize the decision: {e}"))
}

#[test]
fn fixture_cases() {
    let dir = root().join("cases");
    let files: Vec<(String, Result<String, String>)> = json_files(&dir)
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).map_err(|e| e.to_string());
            (file_name(path), text)
        })
        .collect();

    let mut packs = HashMap::new();
    let run = run_corpus(files, &dir.display().to_string(), |case, inputs| {
        native_decide(&mut packs, case, inputs)
    });
    // Written to the real stderr (not `eprintln!`) so the count shows even when the test passes
    // and the harness captures output.
    let _ = writeln!(
        std::io::stderr(),
        "fixtures: ran {} cases from {} ({} failed)",
        run.ran,
        dir.display(),
        run.failed
    );
    assert!(run.report.is_empty(), "\n{}", run.report);
}

/// The wasm runner reads the corpus `build.rs` embedded; it must be exactly what is on disk.
#[test]
fn embedded_corpus_matches_the_directories() {
    for (what, embedded) in [("cases", corpus::CASES), ("packs", corpus::PACKS)] {
        let dir = root().join(what);
        let on_disk: Vec<(String, String)> = json_files(&dir)
            .iter()
            .map(|p| {
                let text = std::fs::read_to_string(p)
                    .unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()));
                (file_name(p), text)
            })
            .collect();
        let embedded: Vec<(String, String)> = embedded
            .iter()
            .map(|(f, t)| ((*f).to_owned(), (*t).to_owned()))
            .collect();
        let names = |v: &[(String, String)]| v.iter().map(|(f, _)| f.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(&embedded),
            names(&on_disk),
            "build.rs embedded other {what} than {} holds",
            dir.display()
        );
        assert!(
            embedded == on_disk,
            "build.rs embedded stale {what}: rebuild"
        );
    }
}
