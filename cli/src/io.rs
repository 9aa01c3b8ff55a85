//! The boundary: files, the clock, stdout, and parsing of flag values.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};
use xsell::pack::time::parse_rfc3339;
use xsell::Consent;

/// A failure: lines printed to stderr as `error: …`, exit code 1.
#[derive(Debug)]
pub struct Fail(pub Vec<String>);

impl Fail {
    pub fn new(msg: impl Into<String>) -> Fail {
        Fail(vec![msg.into()])
    }
}

pub type Outcome = Result<ExitCode, Fail>;

/// Reads a file; the error names it.
pub fn read(path: &Path) -> Result<Vec<u8>, Fail> {
    std::fs::read(path).map_err(|e| Fail::new(format!("{}: cannot read: {e}", path.display())))
}

/// Reads a UTF-8 text file; the error names it.
pub fn read_text(path: &Path) -> Result<String, Fail> {
    let bytes = read(path)?;
    String::from_utf8(bytes).map_err(|_| Fail::new(format!("{}: not UTF-8 text", path.display())))
}

/// Writes a file; the error names it.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), Fail> {
    std::fs::write(path, bytes)
        .map_err(|e| Fail::new(format!("{}: cannot write: {e}", path.display())))
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
pub fn out(text: &str) -> Result<(), Fail> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Fail::new(format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}

/// Unix seconds from the system clock.
pub fn clock() -> Result<i64, Fail> {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| Fail::new("the system clock is before 1970"))?;
    i64::try_from(d.as_secs()).map_err(|_| Fail::new("the system clock is out of range"))
}

/// `--now` if given, else the system clock.
pub fn now_or_clock(now: Option<i64>) -> Result<i64, Fail> {
    match now {
        Some(t) => Ok(t),
        None => clock(),
    }
}

/// A time flag: RFC 3339 ("2026-11-01T00:00:00Z") or integer Unix seconds.
pub fn parse_time(s: &str) -> Result<i64, String> {
    let t = s.trim();
    if let Ok(n) = t.parse::<i64>() {
        return Ok(n);
    }
    parse_rfc3339(t).ok_or_else(|| {
        format!("`{s}` is neither an RFC 3339 time (2026-11-01T00:00:00Z) nor Unix seconds")
    })
}

/// `all`, `none`, or a comma list of storage, personalization, measurement, gpc.
pub fn parse_consent(s: &str) -> Result<Consent, String> {
    let mut c = Consent::default();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part {
            "all" => {
                c.storage = true;
                c.personalization = true;
                c.measurement = true;
            }
            "none" => {}
            "storage" => c.storage = true,
            "personalization" => c.personalization = true,
            "measurement" => c.measurement = true,
            "gpc" => c.gpc = true,
            other => {
                return Err(format!(
                    "unknown consent `{other}` (use all, none, or a comma list of storage, personalization, measurement, gpc)"
                ))
            }
        }
    }
    Ok(c)
}

/// Whether the bytes look like a signed envelope (a JSON object with `payloadType`).
pub fn is_envelope(bytes: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(bytes)
        .ok()
        .is_some_and(|v| v.get("payloadType").is_some())
}

/// "1 error", "2 errors".
pub fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(parse_time("0"), Ok(0));
        assert_eq!(parse_time("1767225600"), Ok(1_767_225_600));
        assert_eq!(parse_time("2026-01-01T00:00:00Z"), Ok(1_767_225_600));
        assert!(parse_time("yesterday").is_err());
    }

    #[test]
    fn consents() {
        assert_eq!(parse_consent("all"), Ok(Consent::ALL));
        assert_eq!(parse_consent("none"), Ok(Consent::default()));
        let c = parse_consent("storage, gpc").unwrap();
        assert!(c.storage && c.gpc && !c.personalization && !c.measurement);
        assert!(parse_consent("storage,cookies").is_err());
    }
}
