//! `xsell pack check | sign | verify`.

use crate::io::{self, count, Fail, Outcome};
use crate::keys;
use crate::{CheckArgs, SignArgs, VerifyArgs};
use std::path::Path;
use std::process::ExitCode;
use xsell::envelope::{add_signature, sign as sign_envelope};
use xsell::lint::{self, Report};
use xsell::pack::time::format_rfc3339;
use xsell::{load, LoadError, LoadOptions};

/// A note for a file that is an envelope, where pack source was expected.
fn envelope_hint(path: &Path, bytes: &[u8], report: &Report) {
    if report.errors() > 0 && io::is_envelope(bytes) {
        eprintln!(
            "{}: note: this is a signed envelope; check the pack source it was signed from, or use `xsell pack verify`",
            path.display()
        );
    }
}

fn summary(path: &Path, report: &Report) -> String {
    format!(
        "{}: {}, {} ({}, {})",
        path.display(),
        count(report.errors(), "error"),
        count(report.warnings(), "warning"),
        count(report.offers, "offer"),
        count(report.products, "product")
    )
}

pub fn check(args: &CheckArgs) -> Outcome {
    let bytes = io::read(&args.pack)?;
    let report = lint::report(&bytes);
    if args.json {
        let json = serde_json::to_string_pretty(&report.findings)
            .map_err(|e| Fail::new(format!("cannot encode findings: {e}")))?;
        io::out(&format!("{json}\n"))?;
    } else {
        let mut text = String::new();
        for f in &report.findings {
            text.push_str(&format!("{}: {f}\n", args.pack.display()));
        }
        text.push_str(&summary(&args.pack, &report));
        text.push('\n');
        io::out(&text)?;
    }
    envelope_hint(&args.pack, &bytes, &report);
    Ok(if report.errors() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

pub fn sign(args: &SignArgs) -> Outcome {
    let bytes = io::read(&args.pack)?;
    let report = lint::report(&bytes);
    for f in &report.findings {
        eprintln!("{}: {f}", args.pack.display());
    }
    if report.errors() > 0 {
        envelope_hint(&args.pack, &bytes, &report);
        return Err(Fail::new(format!(
            "{}: not signed: the pack has {} (see `xsell pack check`)",
            args.pack.display(),
            count(report.errors(), "error")
        )));
    }
    let secrets = args
        .keys
        .iter()
        .map(|p| keys::read_secret(p))
        .collect::<Result<Vec<_>, _>>()?;
    let Some((first, rest)) = secrets.split_first() else {
        return Err(Fail::new("pass at least one --key"));
    };
    let mut envelope = sign_envelope(&bytes, first);
    for (k, path) in rest.iter().zip(args.keys.iter().skip(1)) {
        envelope = add_signature(envelope.as_bytes(), k).map_err(|e| {
            Fail::new(format!(
                "{}: cannot add its signature: {e} [{}]",
                path.display(),
                e.code()
            ))
        })?;
    }
    envelope.push('\n');
    match &args.out {
        Some(path) => io::write(path, envelope.as_bytes())?,
        None => io::out(&envelope)?,
    }
    for k in &secrets {
        eprintln!("signed with key {}", k.public_key().key_id());
    }
    if let Some(path) = &args.out {
        eprintln!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// A load failure as error lines, each naming the file, with the LoadError code.
pub fn load_failure(path: &Path, e: &LoadError) -> Fail {
    let name = path.display();
    match e {
        LoadError::Pack(errors) => {
            let mut lines = vec![format!(
                "{name}: the signed payload is not a valid pack [{}]",
                e.code()
            )];
            lines.extend(
                errors
                    .iter()
                    .map(|pe| format!("{name}: payload: {pe} [{}]", pe.kind.code())),
            );
            Fail(lines)
        }
        e => Fail::new(format!("{name}: {e} [{}]", e.code())),
    }
}

pub fn verify(args: &VerifyArgs) -> Outcome {
    let bytes = io::read(&args.envelope)?;
    let trusted = keys::trusted(&args.keys)?;
    let now = io::now_or_clock(args.now)?;
    let mut opts = LoadOptions::new(&trusted, now);
    opts.skew_secs = i64::from(args.skew);
    opts.audience = args.audience.as_deref();
    opts.high_water = args.high_water;
    let loaded = load(&bytes, &opts).map_err(|e| load_failure(&args.envelope, &e))?;
    let h = &loaded.pack.header;
    io::out(&format!(
        "{}: verified\npack: {}\nversion: {}\nkey id: {}\nissued: {}\nexpires: {}\naudience: {}\nhigh-water: {}\n",
        args.envelope.display(),
        h.id,
        h.version,
        loaded.key_id,
        format_rfc3339(h.issued_at),
        format_rfc3339(h.expires_at),
        h.audience.join(", "),
        loaded.high_water
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// `xsell pack apply-kills`: takes each killed offer out of the placement it was killed at,
/// drops offers left with no placement (and what referred to them), bumps the version and
/// checks that the result still compiles.
pub fn apply_kills(args: &crate::ApplyKillsArgs) -> Outcome {
    use serde_json::Value;
    let bytes = io::read(&args.pack)?;
    let mut pack: Value = serde_json::from_slice(&bytes)
        .map_err(|e| Fail::new(format!("{}: not JSON: {e}", args.pack.display())))?;
    let list: crate::report::KillList = serde_json::from_slice(&io::read(&args.kills)?)
        .map_err(|e| Fail::new(format!("{}: not a kill list: {e}", args.kills.display())))?;
    let id = pack
        .pointer("/header/id")
        .and_then(Value::as_str)
        .unwrap_or("");
    if id != list.pack {
        return Err(Fail::new(format!(
            "{}: the kill list is for pack `{}`, not `{id}`",
            args.kills.display(),
            list.pack
        )));
    }
    let mut notes = Vec::new();
    let mut removed = Vec::new();
    if let Some(offers) = pack.get_mut("offers").and_then(Value::as_array_mut) {
        for k in &list.kills {
            let Some(o) = offers
                .iter_mut()
                .find(|o| o.get("id").and_then(Value::as_str) == Some(k.offer.as_str()))
            else {
                notes.push(format!("offer `{}` is no longer in the pack", k.offer));
                continue;
            };
            if let Some(ps) = o.get_mut("placements").and_then(Value::as_array_mut) {
                let before = ps.len();
                ps.retain(|p| p.as_str() != Some(k.placement.as_str()));
                if ps.len() < before {
                    notes.push(format!(
                        "offer `{}` no longer shows at `{}`",
                        k.offer, k.placement
                    ));
                }
                if ps.is_empty() {
                    removed.push(k.offer.clone());
                }
            }
        }
        offers.retain(|o| {
            !o.get("id")
                .and_then(Value::as_str)
                .is_some_and(|i| removed.iter().any(|r| r == i))
        });
        // Sequences that waited on a removed offer no longer wait.
        for o in offers.iter_mut() {
            let oid = o.get("id").and_then(Value::as_str).unwrap_or("").to_owned();
            if let Some(after) = o.get_mut("after").and_then(Value::as_array_mut) {
                after.retain(|a| {
                    let gone = a
                        .get("offer")
                        .and_then(Value::as_str)
                        .is_some_and(|x| removed.iter().any(|r| r == x));
                    if gone {
                        notes.push(format!(
                            "offer `{oid}` no longer waits for `{}`",
                            a.get("offer").and_then(Value::as_str).unwrap_or("")
                        ));
                    }
                    !gone
                });
            }
        }
    }
    for r in &removed {
        notes.push(format!("offer `{r}` is removed: it has no placement left"));
        if let Some(exps) = pack.get_mut("experiments").and_then(Value::as_array_mut) {
            for arm in exps
                .iter_mut()
                .filter_map(|e| e.get_mut("arms").and_then(Value::as_array_mut))
                .flatten()
            {
                if let Some(m) = arm.get_mut("offers").and_then(Value::as_object_mut) {
                    m.remove(r);
                }
            }
        }
        if let Some(m) = pack
            .pointer_mut("/stop_loss/offers")
            .and_then(Value::as_object_mut)
        {
            m.remove(r);
        }
    }
    let version = pack
        .pointer("/header/version")
        .and_then(Value::as_u64)
        .unwrap_or(0)
        + 1;
    if let Some(h) = pack.get_mut("header").and_then(Value::as_object_mut) {
        h.insert("version".into(), Value::from(version));
    }
    let text = serde_json::to_string_pretty(&pack).map_err(|e| Fail::new(e.to_string()))? + "\n";
    if let Err(errors) = xsell::Pack::from_json(text.as_bytes()) {
        return Err(Fail(
            std::iter::once("the pack without the killed offers does not compile:".to_owned())
                .chain(errors.iter().map(|e| e.to_string()))
                .collect(),
        ));
    }
    for n in &notes {
        eprintln!("{n}");
    }
    eprintln!("version {version}: sign it to ship (`xsell pack sign`)");
    match &args.out {
        Some(p) => io::write(p, text.as_bytes())?,
        None => io::out(&text)?,
    }
    Ok(ExitCode::SUCCESS)
}
