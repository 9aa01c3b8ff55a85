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
