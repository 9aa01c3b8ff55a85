//! Errors for envelope verification (`EnvelopeError`) and key parsing (`KeyError`), each with a stable code.

use std::fmt;

/// Longest stretch of an attacker-supplied string (key id, payload type) echoed in a message.
const MAX_ECHO_CHARS: usize = 64;
/// Longest parser message echoed (it may quote an attacker-chosen field name).
const MAX_ECHO_REASON_CHARS: usize = 512;
/// Most key ids listed in an `UnknownKey` message; the rest are counted.
const MAX_ECHO_KEY_IDS: usize = 8;

/// Why an envelope was refused. Verification stops at the first problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvelopeError {
    /// The envelope is bigger than the caller's limit; nothing was parsed.
    TooLarge {
        /// Size of the input in bytes.
        size: usize,
        /// The limit it exceeded.
        max: usize,
    },
    /// The input is not JSON of the envelope's shape.
    Malformed {
        /// The JSON reader's message: line and column for text that is not JSON, the JSON path
        /// (such as `signatures[0].sig`) for JSON of the wrong shape.
        reason: String,
    },
    /// `payloadType` is not [`crate::envelope::PAYLOAD_TYPE`].
    WrongPayloadType {
        /// The payload type the envelope declared.
        found: String,
    },
    /// A field that must be standard, padded base64 is not.
    BadBase64 {
        /// `"payload"` or `"signatures[i].sig"`.
        field: String,
    },
    /// The `signatures` array is empty.
    NoSignatures,
    /// More signatures than [`crate::envelope::MAX_SIGNATURES`]: refused before any is checked,
    /// so a stuffed envelope cannot buy seconds of verification work.
    TooManySignatures {
        /// How many the envelope carried.
        count: usize,
    },
    /// No signature names a trusted key id.
    UnknownKey {
        /// The key ids the envelope's signatures named (duplicates removed, in order).
        key_ids: Vec<String>,
    },
    /// A signature is malformed (not 64 bytes) or, by a trusted key, does not verify.
    BadSignature {
        /// The key id the failing signature named.
        key_id: String,
    },
}

impl EnvelopeError {
    /// A stable snake_case code for this kind of error, for logs and telemetry.
    pub fn code(&self) -> &'static str {
        match self {
            EnvelopeError::TooLarge { .. } => "too_large",
            EnvelopeError::Malformed { .. } => "malformed",
            EnvelopeError::WrongPayloadType { .. } => "wrong_payload_type",
            EnvelopeError::BadBase64 { .. } => "bad_base64",
            EnvelopeError::NoSignatures => "no_signatures",
            EnvelopeError::TooManySignatures { .. } => "too_many_signatures",
            EnvelopeError::UnknownKey { .. } => "unknown_key",
            EnvelopeError::BadSignature { .. } => "bad_signature",
        }
    }
}

impl fmt::Display for EnvelopeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvelopeError::TooLarge { size, max } => {
                write!(f, "envelope is {size} bytes, over the {max}-byte limit")
            }
            EnvelopeError::Malformed { reason } => {
                write!(
                    f,
                    "envelope is not a well-formed signed envelope: {}",
                    Echo(reason, MAX_ECHO_REASON_CHARS)
                )
            }
            EnvelopeError::WrongPayloadType { found } => write!(
                f,
                "envelope payloadType is \"{}\", expected \"{}\"",
                Echo(found, MAX_ECHO_CHARS),
                super::dsse::PAYLOAD_TYPE
            ),
            EnvelopeError::BadBase64 { field } => write!(
                f,
                "envelope field {} is not valid standard base64 (with padding)",
                Echo(field, MAX_ECHO_CHARS)
            ),
            EnvelopeError::NoSignatures => f.write_str("envelope has no signatures"),
            EnvelopeError::TooManySignatures { count } => write!(
                f,
                "envelope has {count} signatures, more than the {} allowed",
                crate::envelope::MAX_SIGNATURES
            ),
            EnvelopeError::UnknownKey { key_ids } => {
                f.write_str("no signature is by a trusted key (saw keyids: ")?;
                if key_ids.is_empty() {
                    f.write_str("none")?;
                }
                for (i, id) in key_ids.iter().take(MAX_ECHO_KEY_IDS).enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}", Echo(id, MAX_ECHO_CHARS))?;
                }
                if key_ids.len() > MAX_ECHO_KEY_IDS {
                    write!(f, " and {} more", key_ids.len() - MAX_ECHO_KEY_IDS)?;
                }
                f.write_str(")")
            }
            EnvelopeError::BadSignature { key_id } => write!(
                f,
                "signature by key {} does not verify: the payload or signature was altered",
                Echo(key_id, MAX_ECHO_CHARS)
            ),
        }
    }
}

impl std::error::Error for EnvelopeError {}

/// Why a key's text or bytes were refused. Messages never echo the input, so a
/// mistyped secret key does not end up in a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyError {
    /// The text does not start with the expected prefix.
    BadPrefix {
        /// The prefix that was expected (`"ed25519:"` or `"xsell-secret-ed25519:"`).
        expected: &'static str,
    },
    /// The text after the prefix is not standard, padded base64.
    BadBase64,
    /// The decoded key is not 32 bytes.
    BadLength {
        /// Number of bytes decoded.
        found: usize,
    },
    /// The 32 bytes are not an acceptable Ed25519 public key: not a point on the
    /// curve, not canonically encoded, or a weak (small-order) point.
    Invalid,
}

impl KeyError {
    /// A stable snake_case code for this kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            KeyError::BadPrefix { .. } => "bad_key_prefix",
            KeyError::BadBase64 => "bad_key_base64",
            KeyError::BadLength { .. } => "bad_key_length",
            KeyError::Invalid => "invalid_key",
        }
    }
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::BadPrefix { expected } => write!(f, "key must start with \"{expected}\""),
            KeyError::BadBase64 => {
                f.write_str("key is not valid standard base64 (with padding) after its prefix")
            }
            KeyError::BadLength { found } => {
                write!(f, "key is {found} bytes long, expected 32")
            }
            KeyError::Invalid => f.write_str(
                "key is not a usable Ed25519 public key (not a canonical curve point, or a weak small-order point)",
            ),
        }
    }
}

impl std::error::Error for KeyError {}

/// Displays an untrusted string with control characters escaped and its length capped,
/// so an envelope cannot inject terminal escapes or megabytes of text into a message.
struct Echo<'a>(&'a str, usize);

impl fmt::Display for Echo<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut chars = self.0.chars();
        for c in chars.by_ref().take(self.1) {
            if c.is_control() || c == '"' || c == '\\' {
                write!(f, "{}", c.escape_default())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        if chars.next().is_some() {
            f.write_str("…")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_large_message_names_sizes() {
        let e = EnvelopeError::TooLarge {
            size: 9_437_184,
            max: 8_388_608,
        };
        assert_eq!(
            e.to_string(),
            "envelope is 9437184 bytes, over the 8388608-byte limit"
        );
        assert_eq!(e.code(), "too_large");
    }

    #[test]
    fn codes_are_distinct_snake_case() {
        let all = [
            EnvelopeError::TooLarge { size: 2, max: 1 }.code(),
            EnvelopeError::Malformed { reason: "x".into() }.code(),
            EnvelopeError::WrongPayloadType { found: "x".into() }.code(),
            EnvelopeError::BadBase64 { field: "x".into() }.code(),
            EnvelopeError::NoSignatures.code(),
            EnvelopeError::TooManySignatures { count: 17 }.code(),
            EnvelopeError::UnknownKey { key_ids: vec![] }.code(),
            EnvelopeError::BadSignature { key_id: "x".into() }.code(),
            KeyError::BadPrefix { expected: "x" }.code(),
            KeyError::BadBase64.code(),
            KeyError::BadLength { found: 1 }.code(),
            KeyError::Invalid.code(),
        ];
        for (i, a) in all.iter().enumerate() {
            assert!(
                a.starts_with(|c: char| c.is_ascii_lowercase())
                    && a.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{a}"
            );
            for b in all.iter().skip(i + 1) {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn messages_name_the_key_ids() {
        let e = EnvelopeError::BadSignature {
            key_id: "xk1-0011223344556677".into(),
        };
        assert_eq!(
            e.to_string(),
            "signature by key xk1-0011223344556677 does not verify: the payload or signature was altered"
        );
        let e = EnvelopeError::UnknownKey {
            key_ids: vec!["xk1-aa".into(), "xk1-bb".into()],
        };
        assert_eq!(
            e.to_string(),
            "no signature is by a trusted key (saw keyids: xk1-aa, xk1-bb)"
        );
    }

    #[test]
    fn untrusted_strings_are_escaped_and_capped() {
        let e = EnvelopeError::BadSignature {
            key_id: "\u{1b}[31mred".into(),
        };
        let text = e.to_string();
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(text.contains("\\u{1b}[31mred"), "{text}");

        let e = EnvelopeError::WrongPayloadType {
            found: "a".repeat(10_000),
        };
        let text = e.to_string();
        assert!(text.len() < 300, "{}", text.len());
        assert!(text.contains('…'));

        let e = EnvelopeError::UnknownKey {
            key_ids: (0..20).map(|i| format!("k{i}")).collect(),
        };
        let text = e.to_string();
        assert!(text.contains("k7") && !text.contains("k8"), "{text}");
        assert!(text.ends_with("and 12 more)"), "{text}");
    }

    #[test]
    fn key_error_messages_do_not_echo_input() {
        assert_eq!(
            KeyError::BadPrefix {
                expected: "ed25519:"
            }
            .to_string(),
            "key must start with \"ed25519:\""
        );
        assert_eq!(
            KeyError::BadLength { found: 31 }.to_string(),
            "key is 31 bytes long, expected 32"
        );
    }
}
