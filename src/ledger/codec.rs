//! The ledger's stored form: `xl1.<base64url JSON>.<checksum>`, versioned and bounded.
//!
//! The checksum (FNV-1a 64 over the JSON) catches truncation, corruption and casual hand edits.
//! It is not a secret MAC: the edge adapter adds an HMAC on top for cookies.

use super::{
    Ledger, MAX_ID_LEN, MAX_LOG, MAX_OFFERS, MAX_PACKS, MAX_PLACEMENTS, MAX_PLACEMENT_LEN,
    MAX_SHOWN_PER_OFFER, MAX_TIME,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::fmt;

/// Prefix of the current encoding (version 1).
pub const LEDGER_PREFIX: &str = "xl1.";
/// Longest encoded ledger accepted.
pub const MAX_ENCODED_LEN: usize = 16 * 1024;

/// Why a stored ledger was refused. In every case the caller should reset to an empty ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LedgerError {
    /// Longer than [`MAX_ENCODED_LEN`].
    TooLarge { size: usize },
    /// Written by a newer or unknown encoding.
    UnknownVersion { prefix: String },
    /// Not in the `xl1.<data>.<checksum>` shape, or the data is not a ledger.
    Malformed { reason: String },
    /// The checksum does not match: corrupted or edited by hand.
    Checksum,
    /// Well-formed but breaks the ledger's bounds.
    OutOfBounds { what: &'static str },
}

impl LedgerError {
    pub fn code(&self) -> &'static str {
        match self {
            LedgerError::TooLarge { .. } => "ledger_too_large",
            LedgerError::UnknownVersion { .. } => "ledger_unknown_version",
            LedgerError::Malformed { .. } => "ledger_malformed",
            LedgerError::Checksum => "ledger_checksum",
            LedgerError::OutOfBounds { .. } => "ledger_out_of_bounds",
        }
    }
}

impl fmt::Display for LedgerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LedgerError::TooLarge { size } => write!(
                f,
                "stored ledger is {size} bytes, over the {MAX_ENCODED_LEN}-byte limit"
            ),
            LedgerError::UnknownVersion { prefix } => {
                write!(f, "stored ledger has unknown version prefix `{prefix}`")
            }
            LedgerError::Malformed { reason } => write!(f, "stored ledger is malformed: {reason}"),
            LedgerError::Checksum => {
                write!(f, "stored ledger fails its checksum: corrupted or edited")
            }
            LedgerError::OutOfBounds { what } => {
                write!(f, "stored ledger is out of bounds: {what}")
            }
        }
    }
}

impl std::error::Error for LedgerError {}

pub(super) fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl Ledger {
    /// The stored form. Cookie- and localStorage-safe (base64url, dots).
    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        format!(
            "{LEDGER_PREFIX}{}.{:016x}",
            URL_SAFE_NO_PAD.encode(&json),
            fnv1a64(&json)
        )
    }

    /// Length of [`Ledger::encode`]'s output, without building it.
    pub fn encoded_len(&self) -> usize {
        let json = serde_json::to_vec(self).map_or(0, |j| j.len());
        LEDGER_PREFIX.len() + (json * 4).div_ceil(3) + 1 + 16
    }

    /// Reads a stored ledger; any problem is a typed error and the caller resets.
    pub fn decode(text: &str) -> Result<Ledger, LedgerError> {
        if text.len() > MAX_ENCODED_LEN {
            return Err(LedgerError::TooLarge { size: text.len() });
        }
        let Some(rest) = text.strip_prefix(LEDGER_PREFIX) else {
            let prefix: String = text
                .split('.')
                .next()
                .unwrap_or_default()
                .chars()
                .take(8)
                .collect();
            return Err(if prefix.starts_with("xl") && text.contains('.') {
                LedgerError::UnknownVersion { prefix }
            } else {
                LedgerError::Malformed {
                    reason: "missing the `xl1.` prefix".into(),
                }
            });
        };
        let Some((data, sum)) = rest.split_once('.') else {
            return Err(LedgerError::Malformed {
                reason: "missing the checksum".into(),
            });
        };
        let json = URL_SAFE_NO_PAD
            .decode(data)
            .map_err(|e| LedgerError::Malformed {
                reason: format!("bad base64: {e}"),
            })?;
        let sum = u64::from_str_radix(sum, 16).map_err(|_| LedgerError::Malformed {
            reason: "bad checksum digits".into(),
        })?;
        if sum != fnv1a64(&json) {
            return Err(LedgerError::Checksum);
        }
        let ledger: Ledger = serde_json::from_slice(&json).map_err(|e| LedgerError::Malformed {
            reason: e.to_string(),
        })?;
        ledger.check_bounds()?;
        Ok(ledger)
    }

    fn check_bounds(&self) -> Result<(), LedgerError> {
        let oob = |what| Err(LedgerError::OutOfBounds { what });
        if self.offers.len() > MAX_OFFERS {
            return oob("too many offers");
        }
        if self.log.len() > MAX_LOG {
            return oob("too many shown events");
        }
        if self.high_water.len() > MAX_PACKS || self.high_water.keys().any(|k| k.len() > MAX_ID_LEN)
        {
            return oob("too many pack high-water marks");
        }
        if self
            .offers
            .values()
            .any(|h| h.shown.len() > MAX_SHOWN_PER_OFFER)
        {
            return oob("too many shown times for one offer");
        }
        if self
            .offers
            .keys()
            .any(|k| k.is_empty() || k.len() > MAX_ID_LEN)
        {
            return oob("an offer id is empty or too long");
        }
        if self.session.as_ref().is_some_and(|s| s.len() > MAX_ID_LEN) {
            return oob("the session id is too long");
        }
        if self.session_placements.len() > MAX_PLACEMENTS
            || self
                .session_placements
                .keys()
                .chain(self.log.iter().map(|s| &s.1))
                .any(|p| p.len() > MAX_PLACEMENT_LEN)
        {
            return oob("too many or too long placement names");
        }
        if self
            .purchase
            .as_ref()
            .is_some_and(|p| p.1.iter().any(|s| s.len() > MAX_ID_LEN))
        {
            return oob("a purchased sku is too long");
        }
        let bad_time = |t: i64| !(0..=MAX_TIME).contains(&t);
        if self.offers.values().any(|h| {
            bad_time(h.touched)
                || h.shown.iter().any(|t| bad_time(*t))
                || h.dismissed_at.is_some_and(bad_time)
        }) || self.log.iter().any(|s| bad_time(s.0))
            || self
                .purchase
                .as_ref()
                .is_some_and(|p| bad_time(p.0) || p.1.len() > 16)
        {
            return oob("a timestamp is out of range");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{Event, EventKind};

    fn sample() -> Ledger {
        let mut l = Ledger::default();
        l.record(
            &Event::new(EventKind::Shown, "setup", "product", Some("s1")),
            1_000,
        );
        l.record(
            &Event::new(EventKind::Dismissed, "protector", "cart", Some("s1")),
            1_100,
        );
        l.raise_high_water("demo", 7);
        l
    }

    #[test]
    fn round_trips() {
        let l = sample();
        let s = l.encode();
        assert!(s.starts_with("xl1."));
        assert!(s
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_'));
        assert_eq!(Ledger::decode(&s), Ok(l.clone()));
        assert_eq!(
            Ledger::decode(&Ledger::default().encode()),
            Ok(Ledger::default())
        );
        assert_eq!(l.encoded_len(), s.len());
    }

    #[test]
    fn every_corruption_is_a_typed_error() {
        let s = sample().encode();
        let (data, sum) = s.trim_start_matches("xl1.").split_once('.').unwrap();
        // Hand edit: change the JSON, keep the old checksum.
        let json = URL_SAFE_NO_PAD.decode(data).unwrap();
        let edited = String::from_utf8(json)
            .unwrap()
            .replace("\"demo\":7", "\"demo\":1");
        let forged = format!("xl1.{}.{sum}", URL_SAFE_NO_PAD.encode(edited.as_bytes()));
        assert_eq!(Ledger::decode(&forged), Err(LedgerError::Checksum));
        assert!(matches!(
            Ledger::decode(&s[..s.len() - 3]),
            Err(LedgerError::Checksum | LedgerError::Malformed { .. })
        ));
        assert!(matches!(
            Ledger::decode(""),
            Err(LedgerError::Malformed { .. })
        ));
        assert!(matches!(
            Ledger::decode("{\"o\":{}}"),
            Err(LedgerError::Malformed { .. })
        ));
        assert!(matches!(
            Ledger::decode("xl9.abc.def"),
            Err(LedgerError::UnknownVersion { .. })
        ));
        assert!(matches!(
            Ledger::decode("xl1.%%%.00"),
            Err(LedgerError::Malformed { .. })
        ));
        assert!(matches!(
            Ledger::decode(&"x".repeat(MAX_ENCODED_LEN + 1)),
            Err(LedgerError::TooLarge { .. })
        ));
        // Valid checksum over JSON that is not a ledger.
        let j = b"{\"o\":5}";
        let fake = format!("xl1.{}.{:016x}", URL_SAFE_NO_PAD.encode(j), fnv1a64(j));
        assert!(matches!(
            Ledger::decode(&fake),
            Err(LedgerError::Malformed { .. })
        ));
        // Valid checksum over a ledger that breaks the bounds.
        let j = b"{\"o\":{\"a\":{\"t\":-5}}}";
        let fake = format!("xl1.{}.{:016x}", URL_SAFE_NO_PAD.encode(j), fnv1a64(j));
        assert!(matches!(
            Ledger::decode(&fake),
            Err(LedgerError::OutOfBounds { .. })
        ));
    }
}
