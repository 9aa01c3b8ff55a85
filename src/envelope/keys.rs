//! Ed25519 public and secret keys, their text forms, key ids, and the set of trusted keys.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ed25519_dalek::{SigningKey, VerifyingKey};

use super::error::KeyError;

/// Prefix of a public key's text form.
const PUBLIC_PREFIX: &str = "ed25519:";
/// Prefix of a secret key's text form.
const SECRET_PREFIX: &str = "xsell-secret-ed25519:";
/// Prefix of every key id (version 1 of the derivation).
const KEY_ID_PREFIX: &str = "xk1-";
/// How many bytes of SHA-256(key) a key id carries.
const KEY_ID_HASH_BYTES: usize = 8;

/// An Ed25519 public key, with its key id computed once.
///
/// Text form: `"ed25519:"` followed by standard, padded base64 of the 32 key bytes.
/// Only canonical encodings of points that are not of small order are accepted.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    key: VerifyingKey,
    key_id: String,
}

impl PublicKey {
    /// Parses the `"ed25519:<base64>"` form; surrounding whitespace is ignored.
    pub fn parse(text: &str) -> Result<PublicKey, KeyError> {
        let bytes = decode_key_text(text, PUBLIC_PREFIX)?;
        PublicKey::from_bytes(&bytes)
    }

    /// Accepts 32 raw key bytes if they canonically encode a curve point that is not weak.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<PublicKey, KeyError> {
        let key = VerifyingKey::from_bytes(bytes).map_err(|_| KeyError::Invalid)?;
        // Decompression tolerates some non-canonical encodings (y >= p, or a sign bit
        // on x = 0). Accepting them would give one point two key ids, so refuse them.
        if key.is_weak() || key.to_edwards().compress().as_bytes() != bytes {
            return Err(KeyError::Invalid);
        }
        Ok(PublicKey::from_verifying_key(key))
    }

    /// Wraps a key already known to be good (one derived from a seed).
    fn from_verifying_key(key: VerifyingKey) -> PublicKey {
        let key_id = key_id_for(key.as_bytes());
        PublicKey { key, key_id }
    }

    /// The key id: `"xk1-"` + lowercase hex of the first 8 bytes of SHA-256 of the key bytes.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The `"ed25519:<base64>"` form, which [`PublicKey::parse`] reads back.
    pub fn to_text(&self) -> String {
        format!("{PUBLIC_PREFIX}{}", STANDARD.encode(self.key.as_bytes()))
    }

    /// The key for signature checks.
    pub(crate) fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("key_id", &self.key_id)
            .field("key", &self.to_text())
            .finish()
    }
}

/// An Ed25519 secret key: the 32-byte seed.
///
/// Text form: `"xsell-secret-ed25519:"` followed by standard, padded base64 of the seed.
/// `Debug` shows only the key id.
#[derive(Clone)]
pub struct SecretKey {
    signing: SigningKey,
    public: PublicKey,
}

impl SecretKey {
    /// Builds the key from a seed. The caller supplies the randomness.
    pub fn from_seed(seed: [u8; 32]) -> SecretKey {
        let signing = SigningKey::from_bytes(&seed);
        let public = PublicKey::from_verifying_key(signing.verifying_key());
        SecretKey { signing, public }
    }

    /// Parses the `"xsell-secret-ed25519:<base64>"` form; surrounding whitespace is ignored.
    /// Errors never contain the text.
    pub fn parse(text: &str) -> Result<SecretKey, KeyError> {
        decode_key_text(text, SECRET_PREFIX).map(SecretKey::from_seed)
    }

    /// The `"xsell-secret-ed25519:<base64>"` form. Treat the result as a secret.
    pub fn to_text(&self) -> String {
        format!(
            "{SECRET_PREFIX}{}",
            STANDARD.encode(self.signing.as_bytes())
        )
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        self.public.clone()
    }

    /// The key for signing.
    pub(crate) fn signing_key(&self) -> &SigningKey {
        &self.signing
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretKey")
            .field("key_id", &self.public.key_id)
            .finish_non_exhaustive()
    }
}

/// The public keys a verifier trusts, looked up by key id. Several may be trusted at
/// once so a signer can rotate keys.
///
/// A list searched in order, not a map: a verifier trusts a handful of keys, and a map type
/// of its own would be several kilobytes of the wasm module.
#[derive(Clone, Debug, Default)]
pub struct TrustedKeys {
    /// Distinct key ids, in the order first given.
    keys: Vec<PublicKey>,
}

impl TrustedKeys {
    /// Collects the keys; duplicates collapse to one entry.
    pub fn new(keys: Vec<PublicKey>) -> TrustedKeys {
        let mut distinct: Vec<PublicKey> = Vec::with_capacity(keys.len());
        for key in keys {
            if !distinct.iter().any(|k| k.key_id == key.key_id) {
                distinct.push(key);
            }
        }
        TrustedKeys { keys: distinct }
    }

    /// Parses public keys separated by commas, whitespace or newlines. Empty entries are
    /// ignored, so an empty text gives an empty set. The first bad key fails the whole list.
    pub fn parse_list(text: &str) -> Result<TrustedKeys, KeyError> {
        let mut keys = Vec::new();
        for entry in text.split(|c: char| c == ',' || c.is_whitespace()) {
            if !entry.is_empty() {
                keys.push(PublicKey::parse(entry)?);
            }
        }
        Ok(TrustedKeys::new(keys))
    }

    /// The trusted key with this key id, if any.
    pub fn get(&self, key_id: &str) -> Option<&PublicKey> {
        self.keys.iter().find(|k| k.key_id == key_id)
    }

    /// How many distinct keys are trusted.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether no key is trusted (then nothing verifies).
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// Strips whitespace and `prefix`, then decodes exactly 32 bytes of base64.
fn decode_key_text(text: &str, prefix: &'static str) -> Result<[u8; 32], KeyError> {
    let encoded = text
        .trim()
        .strip_prefix(prefix)
        .ok_or(KeyError::BadPrefix { expected: prefix })?;
    let bytes = STANDARD.decode(encoded).map_err(|_| KeyError::BadBase64)?;
    let found = bytes.len();
    <[u8; 32]>::try_from(bytes).map_err(|_| KeyError::BadLength { found })
}

/// `"xk1-"` + lowercase hex of the first 8 bytes of SHA-256(key bytes).
fn key_id_for(key_bytes: &[u8; 32]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = sha256_32(key_bytes);
    let mut id = String::with_capacity(KEY_ID_PREFIX.len() + 2 * KEY_ID_HASH_BYTES);
    id.push_str(KEY_ID_PREFIX);
    for b in digest.iter().take(KEY_ID_HASH_BYTES) {
        for nibble in [b >> 4, b & 0xf] {
            id.push(char::from(
                HEX.get(usize::from(nibble)).copied().unwrap_or(b'0'),
            ));
        }
    }
    id
}

/// SHA-256 (FIPS 180-4) round constants.
const K256: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// SHA-256 of 32 bytes (a public key), one block, rounds in a loop.
///
/// Key ids are the only SHA-256 the engine computes, once per trusted key: the sha2 crate's
/// unrolled compression function would be about 8 KB of the wasm module for them.
fn sha256_32(data: &[u8; 32]) -> [u8; 32] {
    // The one padded block: the data, 0x80, zeros, then the length in bits (256), big-endian.
    let mut block = [0u8; 64];
    for (to, from) in block.iter_mut().zip(data) {
        *to = *from;
    }
    block[32] = 0x80;
    block[62] = 1;
    let mut w = [0u32; 64];
    for (word, b) in w.iter_mut().zip(block.chunks_exact(4)) {
        *word = b.iter().fold(0, |acc, &x| acc << 8 | u32::from(x));
    }
    for t in 16..64 {
        let at = |back: usize| w.get(t - back).copied().unwrap_or(0);
        let (w2, w15) = (at(2), at(15));
        let s0 = w15.rotate_right(7) ^ w15.rotate_right(18) ^ (w15 >> 3);
        let s1 = w2.rotate_right(17) ^ w2.rotate_right(19) ^ (w2 >> 10);
        let next = at(16).wrapping_add(s0).wrapping_add(at(7)).wrapping_add(s1);
        if let Some(slot) = w.get_mut(t) {
            *slot = next;
        }
    }
    let init: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = init;
    for (k, wt) in K256.iter().zip(w) {
        let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
        let ch = (e & f) ^ (!e & g);
        let t1 = h
            .wrapping_add(s1)
            .wrapping_add(ch)
            .wrapping_add(*k)
            .wrapping_add(wt);
        let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
        let maj = (a & b) ^ (a & c) ^ (b & c);
        (h, g, f, e, d, c, b, a) = (
            g,
            f,
            e,
            d.wrapping_add(t1),
            c,
            b,
            a,
            t1.wrapping_add(s0.wrapping_add(maj)),
        );
    }
    let mut out = [0u8; 32];
    let words = [a, b, c, d, e, f, g, h];
    for ((to, v), s) in out.chunks_exact_mut(4).zip(words).zip(init) {
        for (byte, x) in to.iter_mut().zip(v.wrapping_add(s).to_be_bytes()) {
            *byte = x;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    fn public_of(seed: u8) -> PublicKey {
        SecretKey::from_seed([seed; 32]).public_key()
    }

    #[test]
    fn public_key_text_round_trips() {
        let key = public_of(7);
        let text = key.to_text();
        assert!(text.starts_with("ed25519:"), "{text}");
        assert_eq!(text.len(), "ed25519:".len() + 44);
        assert_eq!(PublicKey::parse(&text), Ok(key.clone()));
        assert_eq!(PublicKey::parse(&format!("  {text}\n")), Ok(key.clone()));
        assert_eq!(key.to_string(), text);
    }

    #[test]
    fn secret_key_text_round_trips() {
        let secret = SecretKey::from_seed([9; 32]);
        let text = secret.to_text();
        assert_eq!(
            text,
            format!("xsell-secret-ed25519:{}", STANDARD.encode([9u8; 32]))
        );
        let back = SecretKey::parse(&format!("\t{text} \n")).unwrap();
        assert_eq!(back.to_text(), text);
        assert_eq!(back.public_key(), secret.public_key());
    }

    #[test]
    fn sha256_matches_the_sha2_crate() {
        for seed in 0..=255u8 {
            let data: [u8; 32] =
                std::array::from_fn(|i| seed.wrapping_mul(31).wrapping_add(i as u8));
            assert_eq!(sha256_32(&data)[..], Sha256::digest(data)[..], "{data:?}");
        }
        // FIPS 180-4 style check: SHA-256 of 32 zero bytes.
        assert_eq!(
            STANDARD.encode(sha256_32(&[0; 32])),
            "Zmh6rfhivXdsj8GLjp+OIAiXFIVu4jOzkCpZHQ1fKSU="
        );
    }

    #[test]
    fn key_id_has_documented_format() {
        let key = public_of(7);
        let id = key.key_id();
        assert_eq!(id.len(), 4 + 16, "{id}");
        let hex = id.strip_prefix("xk1-").unwrap();
        assert!(hex
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)));
        // Independently: first 8 bytes of SHA-256 of the raw key bytes.
        let raw = STANDARD
            .decode(key.to_text().strip_prefix("ed25519:").unwrap())
            .unwrap();
        let digest = Sha256::digest(&raw);
        let expected: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, expected);
    }

    #[test]
    fn key_id_is_known_for_fixed_seed() {
        // RFC 8032 test 1: this secret gives this public key.
        let seed: [u8; 32] = [
            0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec,
            0x2c, 0xc4, 0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03,
            0x1c, 0xae, 0x7f, 0x60,
        ];
        let public: [u8; 32] = [
            0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64,
            0x07, 0x3a, 0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68,
            0xf7, 0x07, 0x51, 0x1a,
        ];
        let from_seed = SecretKey::from_seed(seed).public_key();
        assert_eq!(PublicKey::from_bytes(&public), Ok(from_seed.clone()));
        let digest = Sha256::digest(public);
        let expected: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(from_seed.key_id(), format!("xk1-{expected}"));
    }

    #[test]
    fn different_keys_have_different_ids() {
        let ids: Vec<String> = (0..=20u8)
            .map(|s| public_of(s).key_id().to_owned())
            .collect();
        for (i, a) in ids.iter().enumerate() {
            for b in ids.iter().skip(i + 1) {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn parse_rejects_wrong_prefix() {
        let good = public_of(7).to_text();
        let body = good.strip_prefix("ed25519:").unwrap();
        for text in [
            body.to_owned(),
            format!("ed448:{body}"),
            format!("ED25519:{body}"),
            format!("ed25519 {body}"),
            String::new(),
        ] {
            assert_eq!(
                PublicKey::parse(&text),
                Err(KeyError::BadPrefix {
                    expected: "ed25519:"
                }),
                "{text}"
            );
        }
        // A secret key pasted where a public key belongs is refused, and vice versa.
        let secret = SecretKey::from_seed([7; 32]).to_text();
        assert_eq!(
            PublicKey::parse(&secret).unwrap_err().code(),
            "bad_key_prefix"
        );
        assert_eq!(
            SecretKey::parse(&good).unwrap_err().code(),
            "bad_key_prefix"
        );
    }

    #[test]
    fn parse_rejects_bad_base64() {
        let good = public_of(7).to_text();
        let body = good.strip_prefix("ed25519:").unwrap();
        let unpadded = body.trim_end_matches('=');
        let urlsafe = STANDARD
            .encode([0xfb_u8; 32])
            .replace('+', "-")
            .replace('/', "_");
        for text in [
            "ed25519:not base64!".to_owned(),
            format!("ed25519:{unpadded}"),
            format!("ed25519:{urlsafe}"),
            format!("ed25519: {body}"),
            format!("ed25519:{body}="),
        ] {
            assert_eq!(PublicKey::parse(&text), Err(KeyError::BadBase64), "{text}");
        }
        assert_eq!(
            SecretKey::parse("xsell-secret-ed25519:%%%").unwrap_err(),
            KeyError::BadBase64
        );
    }

    #[test]
    fn parse_rejects_wrong_lengths() {
        let key_bytes = STANDARD
            .decode(public_of(7).to_text().strip_prefix("ed25519:").unwrap())
            .unwrap();
        let short = format!("ed25519:{}", STANDARD.encode(&key_bytes[..31]));
        let mut long_bytes = key_bytes.clone();
        long_bytes.push(0);
        let long = format!("ed25519:{}", STANDARD.encode(&long_bytes));
        assert_eq!(
            PublicKey::parse(&short),
            Err(KeyError::BadLength { found: 31 })
        );
        assert_eq!(
            PublicKey::parse(&long),
            Err(KeyError::BadLength { found: 33 })
        );
        assert_eq!(
            PublicKey::parse("ed25519:"),
            Err(KeyError::BadLength { found: 0 })
        );
        let err = SecretKey::parse(&format!(
            "xsell-secret-ed25519:{}",
            STANDARD.encode([1u8; 31])
        ))
        .unwrap_err();
        assert_eq!(err, KeyError::BadLength { found: 31 });
    }

    #[test]
    fn rejects_weak_keys() {
        // The identity point (y = 1) and the order-2 point (y = -1) have small order.
        let identity = {
            let mut b = [0u8; 32];
            b[0] = 1;
            b
        };
        let minus_one = {
            let mut b = [0xff; 32];
            b[0] = 0xec;
            b[31] = 0x7f;
            b
        };
        for bytes in [identity, minus_one, [0u8; 32]] {
            assert_eq!(PublicKey::from_bytes(&bytes), Err(KeyError::Invalid));
            let text = format!("ed25519:{}", STANDARD.encode(bytes));
            assert_eq!(PublicKey::parse(&text), Err(KeyError::Invalid));
        }
    }

    #[test]
    fn rejects_non_points() {
        // y = 2 is not the y-coordinate of any curve point.
        let mut not_a_point = [0u8; 32];
        not_a_point[0] = 2;
        assert!(
            VerifyingKey::from_bytes(&not_a_point).is_err(),
            "test premise: y = 2 is off the curve"
        );
        assert_eq!(PublicKey::from_bytes(&not_a_point), Err(KeyError::Invalid));
    }

    #[test]
    fn rejects_non_canonical_encodings() {
        // Only y in 0..19 can be written a second way, as y + p (< 2^255). Every such
        // encoding, with either sign bit, must be refused so one point cannot have two
        // key ids. Some of them decode to strong points, so the canonical check (not the
        // weak-key check) is what refuses those.
        let mut decodes_to_strong_point = 0;
        for y in 0u8..19 {
            let mut bytes = [0xff; 32];
            bytes[0] = 0xed + y; // p = 2^255 - 19 is ed ff .. ff 7f; no carry for y < 19
            bytes[31] = 0x7f;
            for sign in [0u8, 0x80] {
                let mut encoded = bytes;
                encoded[31] |= sign;
                if let Ok(vk) = VerifyingKey::from_bytes(&encoded) {
                    if !vk.is_weak() {
                        decodes_to_strong_point += 1;
                    }
                }
                assert_eq!(
                    PublicKey::from_bytes(&encoded),
                    Err(KeyError::Invalid),
                    "y = {y} + p, sign {sign}"
                );
            }
        }
        assert!(
            decodes_to_strong_point > 0,
            "test premise: some non-canonical encoding decodes to a strong point"
        );
    }

    #[test]
    fn secret_key_debug_hides_the_seed() {
        let seed = [7u8; 32];
        let secret = SecretKey::from_seed(seed);
        let debug = format!("{secret:?}");
        let alt = format!("{secret:#?}");
        for shown in [&debug, &alt] {
            assert!(!shown.contains(&STANDARD.encode(seed)), "{shown}");
            assert!(!shown.contains(&secret.to_text()), "{shown}");
            assert!(!shown.contains("7, 7, 7"), "{shown}");
            assert!(shown.contains(secret.public_key().key_id()), "{shown}");
        }
    }

    #[test]
    fn trusted_keys_collapse_duplicates_and_look_up_by_id() {
        let a = public_of(1);
        let b = public_of(2);
        let set = TrustedKeys::new(vec![a.clone(), b.clone(), a.clone()]);
        assert_eq!(set.len(), 2);
        assert!(!set.is_empty());
        assert_eq!(set.get(a.key_id()), Some(&a));
        assert_eq!(set.get(b.key_id()), Some(&b));
        assert_eq!(set.get(public_of(3).key_id()), None);
        assert_eq!(set.get(""), None);
        assert!(TrustedKeys::default().is_empty());
    }

    #[test]
    fn parse_list_accepts_mixed_separators() {
        let a = public_of(1);
        let b = public_of(2);
        let c = public_of(3);
        let text = format!(" {a},{b}\n\n,, {c}\r\n\t{a} ,");
        let set = TrustedKeys::parse_list(&text).unwrap();
        assert_eq!(set.len(), 3);
        for k in [&a, &b, &c] {
            assert_eq!(set.get(k.key_id()), Some(k));
        }
        assert!(TrustedKeys::parse_list("").unwrap().is_empty());
        assert!(TrustedKeys::parse_list(" ,\n, ").unwrap().is_empty());
        assert_eq!(
            TrustedKeys::parse_list(&format!("{a}, ed25519:AAAA")).unwrap_err(),
            KeyError::BadLength { found: 3 }
        );
    }
}
