//! Loading a signed pack: verify the envelope, then parse, then check validity, audience,
//! engine version and rollback, then compile. The first failure is a typed [`LoadError`].

use crate::envelope::{self, EnvelopeError, TrustedKeys, DEFAULT_MAX_ENVELOPE_BYTES};
use crate::pack::compile::{self, parse_version};
use crate::pack::error::PackErrors;
use crate::pack::time::format_rfc3339;
use crate::pack::Pack;
use crate::{ENGINE_VERSION, PACK_FORMAT};
use std::fmt;

/// What the caller supplies to load a pack. Time and the stored high-water mark come in as
/// arguments: the core reads no clock and no storage.
#[derive(Debug, Clone)]
pub struct LoadOptions<'a> {
    pub trusted: &'a TrustedKeys,
    /// Unix seconds.
    pub now: i64,
    /// Allowed clock difference either side of issued_at / expires_at, seconds.
    pub skew_secs: i64,
    /// The host the pack will serve ("shop.example.com"); `None` skips the audience check
    /// (tooling only: every page and worker passes its host).
    pub audience: Option<&'a str>,
    /// The highest version of this pack id accepted before (0 if none).
    pub high_water: u64,
    pub max_bytes: usize,
}

impl<'a> LoadOptions<'a> {
    /// Defaults: 5 minutes of skew, no audience check, no high-water mark, 8 MiB limit.
    pub fn new(trusted: &'a TrustedKeys, now: i64) -> LoadOptions<'a> {
        LoadOptions {
            trusted,
            now,
            skew_secs: 300,
            audience: None,
            high_water: 0,
            max_bytes: DEFAULT_MAX_ENVELOPE_BYTES,
        }
    }
}

/// A verified, compiled pack and the high-water mark to persist.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub pack: Pack,
    /// The key whose signature verified.
    pub key_id: String,
    /// max(previous high-water mark, this version): store it for the next load.
    pub high_water: u64,
}

/// Why a pack was refused. On any of these, keep the last good pack (or show nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// The envelope: size, JSON, base64, payload type, keys, signature.
    Envelope(EnvelopeError),
    /// The signed payload is not a valid pack.
    Pack(PackErrors),
    NotYetValid {
        issued_at: i64,
        now: i64,
    },
    Expired {
        expires_at: i64,
        now: i64,
    },
    WrongAudience {
        host: String,
        audience: Vec<String>,
    },
    EngineTooOld {
        required: String,
        engine: String,
    },
    Rollback {
        version: u64,
        high_water: u64,
    },
}

impl LoadError {
    /// Stable snake_case code for events and logs.
    pub fn code(&self) -> &'static str {
        match self {
            LoadError::Envelope(e) => e.code(),
            LoadError::Pack(_) => "invalid_pack",
            LoadError::NotYetValid { .. } => "not_yet_valid",
            LoadError::Expired { .. } => "expired",
            LoadError::WrongAudience { .. } => "wrong_audience",
            LoadError::EngineTooOld { .. } => "engine_too_old",
            LoadError::Rollback { .. } => "rollback",
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Envelope(e) => write!(f, "{e}"),
            LoadError::Pack(e) => write!(f, "invalid pack: {e}"),
            LoadError::NotYetValid { issued_at, now } => write!(
                f,
                "pack is not valid until {} (now {})",
                format_rfc3339(*issued_at),
                format_rfc3339(*now)
            ),
            LoadError::Expired { expires_at, now } => write!(
                f,
                "pack expired at {} (now {})",
                format_rfc3339(*expires_at),
                format_rfc3339(*now)
            ),
            LoadError::WrongAudience { host, audience } => {
                write!(f, "pack is not for `{host}` (audience: {})", audience.join(", "))
            }
            LoadError::EngineTooOld { required, engine } => {
                write!(f, "pack needs engine {required} or newer; this is {engine}")
            }
            LoadError::Rollback { version, high_water } => write!(
                f,
                "pack version {version} is older than version {high_water} already seen (rollback refused)"
            ),
        }
    }
}

impl std::error::Error for LoadError {}

impl From<EnvelopeError> for LoadError {
    fn from(e: EnvelopeError) -> Self {
        LoadError::Envelope(e)
    }
}

/// Whether `host` is in the audience ("*.example.com" matches sub-domains, not the apex).
pub fn audience_matches(audience: &[String], host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    audience.iter().any(|a| match a.strip_prefix("*.") {
        Some(suffix) => {
            host.len() > suffix.len() + 1
                && host
                    .strip_suffix(suffix)
                    .is_some_and(|rest| rest.ends_with('.'))
        }
        None => *a == host,
    })
}

/// Verifies, parses, checks and compiles a signed pack.
pub fn load(envelope_bytes: &[u8], opts: &LoadOptions<'_>) -> Result<Loaded, LoadError> {
    let verified = envelope::verify_message(envelope_bytes, opts.trusted, opts.max_bytes)?;
    let doc = compile::parse(verified.payload()).map_err(LoadError::Pack)?;
    let src = compile::read(&doc).map_err(LoadError::Pack)?;
    // Header checks before compiling the body: cheap refusals first.
    let h = &src.header;
    if src.format == PACK_FORMAT {
        if let (Some(issued), Some(expires)) = (
            crate::pack::time::parse_rfc3339(h.issued_at),
            crate::pack::time::parse_rfc3339(h.expires_at),
        ) {
            if opts.now + opts.skew_secs < issued {
                return Err(LoadError::NotYetValid {
                    issued_at: issued,
                    now: opts.now,
                });
            }
            if opts.now - opts.skew_secs >= expires {
                return Err(LoadError::Expired {
                    expires_at: expires,
                    now: opts.now,
                });
            }
        }
        if let Some(host) = opts.audience {
            let audience: Vec<String> = h.audience.iter().map(|a| a.to_ascii_lowercase()).collect();
            if !audience_matches(&audience, host) {
                return Err(LoadError::WrongAudience {
                    host: host.to_owned(),
                    audience,
                });
            }
        }
        if let (Some(req), Some(engine)) =
            (parse_version(h.min_engine), parse_version(ENGINE_VERSION))
        {
            if req > engine {
                return Err(LoadError::EngineTooOld {
                    required: h.min_engine.to_owned(),
                    engine: ENGINE_VERSION.to_owned(),
                });
            }
        }
        if h.version < opts.high_water {
            return Err(LoadError::Rollback {
                version: h.version,
                high_water: opts.high_water,
            });
        }
    }
    let pack = compile::compile(src).map_err(LoadError::Pack)?;
    let high_water = opts.high_water.max(pack.header.version);
    Ok(Loaded {
        pack,
        key_id: verified.key_id().to_owned(),
        high_water,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audience_wildcards() {
        let a = vec!["shop.example.com".to_owned(), "*.example.org".to_owned()];
        assert!(audience_matches(&a, "shop.example.com"));
        assert!(audience_matches(&a, "SHOP.example.com."));
        assert!(audience_matches(&a, "www.example.org"));
        assert!(!audience_matches(&a, "example.org"));
        assert!(!audience_matches(&a, "evilexample.org"));
        assert!(!audience_matches(&a, "example.com"));
    }
}
