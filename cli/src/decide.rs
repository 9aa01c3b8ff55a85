//! `xsell decide` and `xsell ledger record | show`: decisions and caps, tried locally.

use crate::io::{self, Fail, Outcome};
use crate::pack::load_failure;
use crate::{keys, DecideArgs, RecordArgs, ShowArgs};
use serde::Serialize;
use std::path::Path;
use std::process::ExitCode;
use xsell::decision::{OfferView, PackRef};
use xsell::load::audience_matches;
use xsell::pack::time::format_rfc3339;
use xsell::pack::Stage;
use xsell::{
    decide as decide_one, load, Decision, Event, EventKind, Ledger, LoadOptions, Pack, Signals,
};

/// Reads a ledger file. A missing file is a new, empty ledger (`Ok((ledger, false))`); a
/// corrupt one is reported on stderr and replaced by an empty ledger, as a page would.
fn read_ledger(path: &Path) -> Result<(Ledger, bool), Fail> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok((Ledger::default(), false))
        }
        Err(e) => return Err(Fail::new(format!("{}: cannot read: {e}", path.display()))),
    };
    match Ledger::decode(text.trim()) {
        Ok(l) => Ok((l, true)),
        Err(e) => {
            eprintln!(
                "warning: {}: {e} [{}]; continuing with an empty ledger",
                path.display(),
                e.code()
            );
            Ok((Ledger::default(), true))
        }
    }
}

/// The pack: a verified envelope with `--keys`, or unsigned source with `--unsigned`.
fn read_pack(args: &DecideArgs, now: i64) -> Result<Pack, Fail> {
    let path = &args.pack;
    let bytes = io::read(path)?;
    let envelope = io::is_envelope(&bytes);
    match &args.keys {
        Some(spec) => {
            if !envelope {
                return Err(Fail::new(format!(
                    "{}: not a signed envelope; sign it with `xsell pack sign`, or pass --unsigned to try unsigned pack source",
                    path.display()
                )));
            }
            let trusted = keys::trusted(spec)?;
            let mut opts = LoadOptions::new(&trusted, now);
            opts.audience = args.audience.as_deref();
            load(&bytes, &opts)
                .map(|l| l.pack)
                .map_err(|e| load_failure(path, &e))
        }
        None => {
            if envelope {
                return Err(Fail::new(format!(
                    "{}: a signed envelope: pass --keys to verify it (--unsigned reads pack source only)",
                    path.display()
                )));
            }
            let pack = Pack::from_json(&bytes).map_err(|errors| {
                Fail(
                    errors
                        .iter()
                        .map(|e| format!("{}: {e} [{}]", path.display(), e.kind.code()))
                        .collect(),
                )
            })?;
            let h = &pack.header;
            if let Some(host) = args.audience.as_deref() {
                if !audience_matches(&h.audience, host) {
                    return Err(Fail::new(format!(
                        "{}: pack is not for `{host}` (audience: {}) [wrong_audience]",
                        path.display(),
                        h.audience.join(", ")
                    )));
                }
            }
            if now < h.issued_at || now >= h.expires_at {
                eprintln!(
                    "warning: {}: the pack is valid {} to {}, not at {}: a signed copy would be refused",
                    path.display(),
                    format_rfc3339(h.issued_at),
                    format_rfc3339(h.expires_at),
                    format_rfc3339(now)
                );
            }
            Ok(pack)
        }
    }
}

/// Signals: one object or an array of them.
fn read_signals(path: &Path) -> Result<(Vec<Signals>, bool), Fail> {
    let bytes = io::read(path)?;
    let many = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
    let fail =
        |e: serde_json::Error| Fail::new(format!("{}: not signals JSON: {e}", path.display()));
    if many {
        serde_json::from_slice::<Vec<Signals>>(&bytes)
            .map(|v| (v, true))
            .map_err(fail)
    } else {
        serde_json::from_slice::<Signals>(&bytes)
            .map(|s| (vec![s], false))
            .map_err(fail)
    }
}

/// A decision as printed: whole with `--trace`, else without its `trace` field (same field
/// order as [`Decision`]; the test below keeps the two in step).
#[derive(Serialize)]
#[serde(untagged)]
enum Shown<'a> {
    Full(&'a Decision<'a>),
    Untraced(Untraced<'a>),
}

#[derive(Serialize)]
struct Untraced<'a> {
    outcome: &'a xsell::Outcome,
    placement: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    stage: Option<&'a Stage>,
    pack: &'a PackRef<'a>,
    personalized: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    experiment: Option<&'a xsell::decision::ExperimentRef<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    offer: Option<&'a OfferView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    would_be: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<i64>,
    matched: &'a [xsell::Text<'a>],
}

impl<'a> Shown<'a> {
    fn new(d: &'a Decision<'a>, trace: bool) -> Shown<'a> {
        if trace {
            return Shown::Full(d);
        }
        Shown::Untraced(Untraced {
            outcome: &d.outcome,
            placement: &d.placement,
            stage: d.stage.as_ref(),
            pack: &d.pack,
            personalized: d.personalized,
            experiment: d.experiment.as_ref(),
            offer: d.offer.as_ref(),
            would_be: d.would_be.as_deref(),
            score: d.score,
            matched: &d.matched,
        })
    }
}

pub fn decide(args: &DecideArgs) -> Outcome {
    let now = io::now_or_clock(args.now)?;
    let pack = read_pack(args, now)?;
    let (all, many) = read_signals(&args.signals)?;
    let mut ledger = match &args.ledger {
        Some(path) => {
            let (l, existed) = read_ledger(path)?;
            if !existed {
                eprintln!(
                    "note: {}: no ledger yet; deciding with an empty one",
                    path.display()
                );
            }
            l
        }
        None => Ledger::default(),
    };
    let mut decisions: Vec<Decision> = Vec::with_capacity(all.len());
    for signals in &all {
        let d = decide_one(&pack, signals, &ledger, &args.consent, now);
        if args.record_shown {
            if let Some(offer) = &d.offer {
                let session = signals.session.id.as_deref();
                ledger.record(
                    &Event::new(EventKind::Shown, &offer.id, &d.placement, session),
                    now,
                );
            }
        }
        decisions.push(d);
    }
    if let (true, Some(path)) = (args.record_shown, &args.ledger) {
        io::write(path, format!("{}\n", ledger.encode()).as_bytes())?;
    }
    if args.format == "text" {
        let text: Vec<String> = decisions.iter().map(explain_text).collect();
        io::out(&text.join("\n"))?;
        return Ok(ExitCode::SUCCESS);
    }
    let shown: Vec<Shown<'_>> = decisions
        .iter()
        .map(|d| Shown::new(d, args.trace))
        .collect();
    let encoded = match shown.as_slice() {
        [one] if !many => serde_json::to_string_pretty(one),
        _ => serde_json::to_string_pretty(&shown),
    };
    let text = encoded.map_err(|e| Fail::new(format!("cannot encode the decision: {e}")))?;
    io::out(&format!("{text}\n"))?;
    Ok(ExitCode::SUCCESS)
}

/// A decision as a few readable lines: the offer, its price, the because, what matched, and
/// why every other candidate lost.
pub fn explain_text(d: &Decision) -> String {
    let mut out = String::new();
    let stage = d
        .stage
        .and_then(|s| serde_json::to_value(s).ok())
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "-".into());
    match &d.offer {
        Some(o) => {
            out.push_str(&format!(
                "  offer    {} — {}  [{}, score {}]\n",
                o.title,
                o.price.display,
                o.id,
                d.score.unwrap_or_default()
            ));
            out.push_str(&format!("  because  {}\n", o.because));
            if let Some(b) = &o.benefit {
                out.push_str(&format!("  benefit  {b}\n"));
            }
            if let Some(b) = &o.bundle {
                let save = o
                    .savings
                    .as_ref()
                    .map(|s| format!(", you save {}", s.display))
                    .unwrap_or_default();
                let items: Vec<String> = o
                    .items
                    .iter()
                    .map(|i| {
                        if i.anchor {
                            format!("{} (full price)", i.name)
                        } else {
                            i.name.to_string()
                        }
                    })
                    .collect();
                out.push_str(&format!(
                    "  bundle   {} {}: {}{save}\n",
                    b.name,
                    b.label,
                    items.join(" + ")
                ));
                let tiers: Vec<String> = b
                    .tiers
                    .iter()
                    .map(|t| format!("{} {}", t.label, t.price.display))
                    .collect();
                if tiers.len() > 1 {
                    out.push_str(&format!("  tiers    {}\n", tiers.join(" · ")));
                }
            }
            if !d.matched.is_empty() {
                out.push_str(&format!("  matched  {}\n", d.matched.join("; ")));
            }
        }
        None => {
            let outcome = serde_json::to_value(d.outcome)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            out.push_str(&format!(
                "  no offer ({outcome}) at {} [{stage}]\n",
                d.placement
            ));
        }
    }
    for t in &d.trace {
        let reason = serde_json::to_value(t.reason)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        out.push_str(&format!(
            "  lost     {}: {reason} ({})\n",
            t.offer, t.detail
        ));
    }
    if !d.personalized {
        out.push_str("  note     not personalized: no personalization consent (or GPC)\n");
    }
    out
}

pub fn record(args: &RecordArgs) -> Outcome {
    let event: Event = serde_json::from_str(&args.event)
        .map_err(|e| Fail::new(format!("--event: not an event: {e}")))?;
    let Some(kind) = event.kind else {
        return Err(Fail::new(
            "--event: needs a \"kind\": shown, accepted, dismissed or purchased",
        ));
    };
    if kind != EventKind::Purchased && event.offer.as_deref().is_none_or(str::is_empty) {
        return Err(Fail::new(
            "--event: needs an \"offer\" (every kind but purchased)",
        ));
    }
    let now = io::now_or_clock(args.now)?;
    let (mut ledger, _) = read_ledger(&args.ledger)?;
    ledger.record(&event, now);
    io::write(&args.ledger, format!("{}\n", ledger.encode()).as_bytes())?;
    let kind = serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let mut what = format!("{}: recorded {kind}", args.ledger.display());
    if let Some(o) = &event.offer {
        what.push_str(&format!(" of offer `{o}`"));
    }
    if let Some(p) = &event.placement {
        what.push_str(&format!(" at {p}"));
    }
    if let Some(s) = &event.session {
        what.push_str(&format!(" (session {s})"));
    }
    io::out(&format!("{what} at {}\n", format_rfc3339(now)))?;
    Ok(ExitCode::SUCCESS)
}

pub fn show(args: &ShowArgs) -> Outcome {
    let text = io::read_text(&args.ledger)?;
    let ledger = Ledger::decode(text.trim())
        .map_err(|e| Fail::new(format!("{}: {e} [{}]", args.ledger.display(), e.code())))?;
    let json = serde_json::to_string_pretty(&ledger)
        .map_err(|e| Fail::new(format!("cannot encode the ledger: {e}")))?;
    io::out(&format!("{json}\n"))?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Without `--trace`, every field of the decision but `trace` is printed, in order.
    #[test]
    fn untraced_keeps_every_other_field() {
        let pack = Pack::from_json(
            br#"{"format": 1,
                "header": {"id": "t", "version": 1, "issued_at": "2026-01-01T00:00:00Z",
                           "expires_at": "2027-01-01T00:00:00Z", "audience": ["a.example"], "min_engine": "0.1.0"},
                "catalog": [{"sku": "M1", "name": "M", "category": "m", "price": {"amount": 100, "currency": "USD"}},
                            {"sku": "P1", "name": "P", "category": "p", "price": {"amount": 10, "currency": "USD"}}],
                "offers": [{"id": "o", "kind": "addon", "item": "P1", "placements": ["cart"],
                            "need": {"stage": "purchasing", "motivation": "save_time"}},
                           {"id": "o2", "kind": "addon", "item": "P1", "placements": ["cart"],
                            "need": {"stage": "using", "motivation": "save_time"}}]}"#,
        )
        .unwrap();
        let signals: Signals =
            serde_json::from_str(r#"{"placement": "cart", "cart": {"items": [{"sku": "M1"}]}}"#)
                .unwrap();
        let d = decide_one(
            &pack,
            &signals,
            &Ledger::default(),
            &xsell::Consent::ALL,
            1_780_000_000,
        );
        assert!(d.offer.is_some() && d.score.is_some() && d.stage.is_some() && !d.trace.is_empty());

        let full = serde_json::to_string(&Shown::new(&d, true)).unwrap();
        assert_eq!(full, serde_json::to_string(&d).unwrap());
        let mut expected: serde_json::Value = serde_json::to_value(&d).unwrap();
        expected.as_object_mut().unwrap().remove("trace");
        let untraced = serde_json::to_value(Shown::new(&d, false)).unwrap();
        assert_eq!(untraced, expected);
        assert!(serde_json::to_string(&Shown::new(&d, false))
            .unwrap()
            .starts_with(r#"{"outcome":"offer","#));
    }
}
