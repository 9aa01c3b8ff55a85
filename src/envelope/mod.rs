//! The signed envelope around a rule pack: keys, key ids, DSSE encoding, signing and verification.
//!
//! A rule pack travels as a DSSE-style envelope: JSON holding the payload type, the
//! payload in base64, and one or more Ed25519 signatures over the DSSE v1
//! pre-authentication encoding of (type, payload). [`verify`] checks all of that
//! before anything reads the payload, and hands back the exact signed bytes.
//!
//! Everything here is pure: no clock, no randomness (callers supply key seeds), no I/O.
//! Untrusted input never panics; every failure is an [`EnvelopeError`] or [`KeyError`]
//! with a stable [`EnvelopeError::code`].

mod dsse;
mod error;
mod keys;

pub(crate) use dsse::verify_message;
pub use dsse::{
    add_signature, pae, sign, verify, Envelope, EnvelopeSignature, Verified,
    DEFAULT_MAX_ENVELOPE_BYTES, MAX_SIGNATURES, PAYLOAD_TYPE,
};
pub use error::{EnvelopeError, KeyError};
pub use keys::{PublicKey, SecretKey, TrustedKeys};
