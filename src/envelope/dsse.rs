//! The DSSE-style envelope around a rule pack: its wire form, pre-authentication encoding, signing and verification.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _};
use serde::Serialize;

use super::error::EnvelopeError;
use super::keys::{SecretKey, TrustedKeys};
use crate::json::read::{Fields, Need, Reader};
use crate::json::{self, JsonError, Path};

/// The only payload type xsell signs or accepts.
pub const PAYLOAD_TYPE: &str = "application/vnd.xsell.pack.v1+json";

/// Most signatures an envelope may carry (rotation needs two or three).
pub const MAX_SIGNATURES: usize = 16;

/// A sensible default for `verify`'s `max_bytes`: 8 MiB.
pub const DEFAULT_MAX_ENVELOPE_BYTES: usize = 8 * 1024 * 1024;

/// The envelope's wire form:
/// `{"payloadType": "...", "payload": "<base64>", "signatures": [{"keyid": "...", "sig": "<base64>"}]}`.
///
/// Reading it ([`Envelope::parse`], [`verify`]) is strict: only a JSON object is accepted (not a
/// positional array), unknown fields, duplicate fields and missing fields are errors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    /// What the payload is; must be [`PAYLOAD_TYPE`].
    pub payload_type: String,
    /// The payload bytes, standard padded base64.
    pub payload: String,
    /// One signature per signing key.
    pub signatures: Vec<EnvelopeSignature>,
}

/// One signature in an [`Envelope`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvelopeSignature {
    /// The signing key's id (see [`crate::envelope::PublicKey::key_id`]).
    pub keyid: String,
    /// The 64-byte Ed25519 signature over [`pae`], standard padded base64.
    pub sig: String,
}

/// What a successful [`verify`] yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The exact bytes that were signed.
    pub payload: Vec<u8>,
    /// The id of the trusted key whose signature verified.
    pub key_id: String,
}

/// DSSE v1 pre-authentication encoding:
/// `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, LEN being the ASCII decimal byte length.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = pae_header(payload_type, payload.len(), payload.len());
    out.extend_from_slice(payload);
    out
}

/// Everything [`pae`] puts before the body: `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP`,
/// with room for `extra` more bytes.
fn pae_header(payload_type: &str, body_len: usize, extra: usize) -> Vec<u8> {
    // The lengths in decimal with the JSON writer's digits (no integer formatting machinery).
    let mut type_len = String::new();
    json::write::uint(&mut type_len, payload_type.len() as u64);
    let body_len = {
        let mut text = String::new();
        json::write::uint(&mut text, body_len as u64);
        text
    };
    let mut out = Vec::with_capacity(
        "DSSEv1".len() + 4 + type_len.len() + payload_type.len() + body_len.len() + extra,
    );
    out.extend_from_slice(b"DSSEv1 ");
    out.extend_from_slice(type_len.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload_type.as_bytes());
    out.push(b' ');
    out.extend_from_slice(body_len.as_bytes());
    out.push(b' ');
    out
}

/// Most bytes [`pae_header`] writes for [`PAYLOAD_TYPE`]: each LEN has at most 20 digits.
const PAE_HEADER_ROOM: usize = "DSSEv1".len() + 4 + 20 + PAYLOAD_TYPE.len() + 20;

/// A verified envelope's signed message, `pae(PAYLOAD_TYPE, payload)`, with the payload
/// decoded straight into its place at the end (no copy of the payload is made).
pub(crate) struct SignedMessage {
    /// Unused room, then the message.
    buf: Vec<u8>,
    /// Where the payload starts in `buf`.
    payload_at: usize,
    /// The id of the trusted key whose signature verified.
    key_id: String,
}

impl Envelope {
    /// Reads an envelope from its JSON text, as strictly as [`verify`] does (without checking
    /// anything else: payload type, base64 and signatures are left to `verify`).
    pub fn parse(bytes: &[u8]) -> Result<Envelope, EnvelopeError> {
        let doc = json::parse_bytes(bytes).map_err(malformed)?;
        read_envelope(&doc).map(|e| e.owned()).map_err(malformed)
    }
}

impl SignedMessage {
    /// The exact bytes that were signed.
    pub(crate) fn payload(&self) -> &[u8] {
        self.buf.get(self.payload_at..).unwrap_or_default()
    }

    /// The id of the trusted key whose signature verified.
    pub(crate) fn key_id(&self) -> &str {
        &self.key_id
    }

    fn into_verified(mut self) -> Verified {
        self.buf.drain(..self.payload_at.min(self.buf.len()));
        Verified {
            payload: self.buf,
            key_id: self.key_id,
        }
    }
}

/// Decodes the base64 payload into a buffer holding `pae(PAYLOAD_TYPE, payload)` at its end.
/// Returns the buffer, where the message starts in it and where the payload starts in it.
fn decode_payload_into_pae(text: &str) -> Result<(Vec<u8>, usize, usize), EnvelopeError> {
    let mut buf = Vec::with_capacity(PAE_HEADER_ROOM + text.len() / 4 * 3 + 3);
    buf.resize(PAE_HEADER_ROOM, 0);
    payload_engine()
        .decode_vec(text, &mut buf)
        .map_err(|_| EnvelopeError::BadBase64 {
            field: "payload".to_owned(),
        })?;
    let body_len = buf.len().saturating_sub(PAE_HEADER_ROOM);
    let header = pae_header(PAYLOAD_TYPE, body_len, 0);
    let start = PAE_HEADER_ROOM.saturating_sub(header.len());
    match buf.get_mut(start..PAE_HEADER_ROOM) {
        Some(room) if room.len() == header.len() => {
            // Not `copy_from_slice`: its length check would bring a panic message along.
            for (to, from) in room.iter_mut().zip(&header) {
                *to = *from;
            }
            Ok((buf, start, PAE_HEADER_ROOM))
        }
        // Unreachable (the room fits any length), but never panic: build it the plain way.
        _ => {
            let payload = buf.split_off(PAE_HEADER_ROOM.min(buf.len()));
            Ok((pae(PAYLOAD_TYPE, &payload), 0, header.len()))
        }
    }
}

/// The base64 engine for the payload: standard, padded, canonical, as [`STANDARD`]; on x86-64
/// and aarch64 the crate's SIMD decoder (same checks, the same scalar code for the last quad).
fn payload_engine() -> impl base64::Engine {
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    {
        base64::engine::Simd::standard(base64::engine::general_purpose::PAD)
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        STANDARD
    }
}

/// Signs `payload` and returns the envelope as pretty JSON with one signature.
pub fn sign(payload: &[u8], key: &SecretKey) -> String {
    let envelope = Envelope {
        payload_type: PAYLOAD_TYPE.to_owned(),
        payload: STANDARD.encode(payload),
        signatures: vec![signature_for(payload, key)],
    };
    to_pretty_json(&envelope)
}

/// Adds `key`'s signature to an existing envelope (to sign with both an old and a new
/// key during rotation) and returns it as pretty JSON. Existing signatures are kept
/// unchecked, except that one already by the same key id is replaced in place, so
/// signing twice with one key is idempotent.
///
/// Errors if the text is not an envelope, its payload type is not [`PAYLOAD_TYPE`], or
/// its payload is not base64.
pub fn add_signature(envelope_json: &[u8], key: &SecretKey) -> Result<String, EnvelopeError> {
    let mut envelope = Envelope::parse(envelope_json)?;
    check_payload_type(&envelope.payload_type)?;
    let payload = decode_base64(&envelope.payload, || "payload".to_owned())?;
    let fresh = signature_for(&payload, key);
    let keyid = fresh.keyid.clone();
    let mut fresh = Some(fresh);
    envelope.signatures.retain_mut(|existing| {
        if existing.keyid != keyid {
            return true;
        }
        match fresh.take() {
            Some(replacement) => {
                *existing = replacement;
                true
            }
            None => false,
        }
    });
    if let Some(appended) = fresh {
        envelope.signatures.push(appended);
    }
    Ok(to_pretty_json(&envelope))
}

/// Checks an envelope and returns its payload; call it before anything parses the payload.
///
/// In order: size (before any parsing), JSON shape, payload type, base64 of the payload
/// and of every signature (and 64-byte signature length), at least one signature, then
/// signatures by trusted key ids are checked with `verify_strict` over
/// `pae(PAYLOAD_TYPE, payload)`; the first that verifies wins. If some signature named a
/// trusted key but none verified, the error is `BadSignature` for the first such
/// signature; if none named a trusted key, `UnknownKey`.
pub fn verify(
    bytes: &[u8],
    trusted: &TrustedKeys,
    max_bytes: usize,
) -> Result<Verified, EnvelopeError> {
    verify_message(bytes, trusted, max_bytes).map(SignedMessage::into_verified)
}

/// [`verify`], handing back the signed message with the payload inside it (no copy).
pub(crate) fn verify_message(
    bytes: &[u8],
    trusted: &TrustedKeys,
    max_bytes: usize,
) -> Result<SignedMessage, EnvelopeError> {
    if bytes.len() > max_bytes {
        return Err(EnvelopeError::TooLarge {
            size: bytes.len(),
            max: max_bytes,
        });
    }
    let doc = json::parse_bytes(bytes).map_err(malformed)?;
    let envelope = read_envelope(&doc).map_err(malformed)?;
    check_payload_type(envelope.payload_type)?;
    let (buf, message_at, payload_at) = decode_payload_into_pae(envelope.payload)?;

    if envelope.signatures.len() > MAX_SIGNATURES {
        return Err(EnvelopeError::TooManySignatures {
            count: envelope.signatures.len(),
        });
    }
    let mut signatures = Vec::with_capacity(envelope.signatures.len());
    for (i, entry) in envelope.signatures.iter().enumerate() {
        let raw = decode_base64(entry.sig, || format!("signatures[{i}].sig"))?;
        let raw = <[u8; 64]>::try_from(raw).map_err(|_| EnvelopeError::BadSignature {
            key_id: entry.keyid.to_owned(),
        })?;
        signatures.push((entry.keyid, Signature::from_bytes(&raw)));
    }
    if signatures.is_empty() {
        return Err(EnvelopeError::NoSignatures);
    }

    let message = buf.get(message_at..).unwrap_or_default();
    let mut first_failure: Option<&str> = None;
    for (keyid, signature) in &signatures {
        let Some(key) = trusted.get(keyid) else {
            continue;
        };
        if key
            .verifying_key()
            .verify_strict(message, signature)
            .is_ok()
        {
            return Ok(SignedMessage {
                buf,
                payload_at,
                key_id: key.key_id().to_owned(),
            });
        }
        first_failure.get_or_insert(keyid);
    }
    match first_failure {
        Some(key_id) => Err(EnvelopeError::BadSignature {
            key_id: key_id.to_owned(),
        }),
        None => {
            let mut key_ids: Vec<String> = Vec::new();
            for (keyid, _) in &signatures {
                if !key_ids.iter().any(|seen| seen == keyid) {
                    key_ids.push((*keyid).to_owned());
                }
            }
            Err(EnvelopeError::UnknownKey { key_ids })
        }
    }
}

/// Signs `pae(PAYLOAD_TYPE, payload)` with `key`.
fn signature_for(payload: &[u8], key: &SecretKey) -> EnvelopeSignature {
    let signature = key.signing_key().sign(&pae(PAYLOAD_TYPE, payload));
    EnvelopeSignature {
        keyid: key.public_key().key_id().to_owned(),
        sig: STANDARD.encode(signature.to_bytes()),
    }
}

fn check_payload_type(payload_type: &str) -> Result<(), EnvelopeError> {
    if payload_type == PAYLOAD_TYPE {
        Ok(())
    } else {
        Err(EnvelopeError::WrongPayloadType {
            found: payload_type.to_owned(),
        })
    }
}

/// Strict standard base64: padding required, no stray trailing bits, no whitespace.
fn decode_base64(text: &str, field: impl FnOnce() -> String) -> Result<Vec<u8>, EnvelopeError> {
    STANDARD
        .decode(text)
        .map_err(|_| EnvelopeError::BadBase64 { field: field() })
}

/// Writes the envelope exactly as `serde_json::to_string_pretty` would, without a
/// fallible serializer (so `sign` needs no error path).
fn to_pretty_json(envelope: &Envelope) -> String {
    let mut out =
        String::with_capacity(envelope.payload.len() + 160 * (envelope.signatures.len() + 1));
    out.push_str("{\n  \"payloadType\": ");
    json::write::string(&mut out, &envelope.payload_type);
    out.push_str(",\n  \"payload\": ");
    json::write::string(&mut out, &envelope.payload);
    out.push_str(",\n  \"signatures\": [");
    for (i, signature) in envelope.signatures.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        out.push_str("    {\n      \"keyid\": ");
        json::write::string(&mut out, &signature.keyid);
        out.push_str(",\n      \"sig\": ");
        json::write::string(&mut out, &signature.sig);
        out.push_str("\n    }");
    }
    if !envelope.signatures.is_empty() {
        out.push_str("\n  ");
    }
    out.push_str("]\n}");
    out
}

/// Reads the envelope's JSON with the strict reader: an object with exactly `payloadType`,
/// `payload` and `signatures` (each signature an object with exactly `keyid` and `sig`), every
/// value a string; no unknown, duplicate or missing fields, no positional array form, nothing
/// after the document. Strings are borrowed from `doc` unless they had escapes.
fn read_envelope<'a>(doc: &'a json::Doc<'a>) -> Result<EnvelopeRef<'a>, JsonError> {
    const REQ: Need = Need::Required;
    let mut r = Reader::new();
    let p = &Path::Root;
    let [payload_type, payload, signatures] = r.fields(doc.root(), p, &ENVELOPE_FIELDS);
    let payload_type = r.text(payload_type, p, "payloadType", REQ);
    let payload = r.text(payload, p, "payload", REQ);
    let signatures = r.list(signatures, p, "signatures", REQ, |r, n, p| {
        let [keyid, sig] = r.fields(n, p, &SIGNATURE_FIELDS);
        SignatureRef {
            keyid: r.text(keyid, p, "keyid", REQ),
            sig: r.text(sig, p, "sig", REQ),
        }
    });
    r.finish(EnvelopeRef {
        payload_type,
        payload,
        signatures: signatures.unwrap_or_default(),
    })
}

/// The envelope's fields (each is required; [`Reader::str`] and [`Reader::list`] say which
/// is missing).
const ENVELOPE_FIELDS: Fields<3> = Fields::new(["payloadType", "payload", "signatures"], 0);
/// A signature's fields.
const SIGNATURE_FIELDS: Fields<2> = Fields::new(["keyid", "sig"], 0);

fn malformed(e: JsonError) -> EnvelopeError {
    EnvelopeError::Malformed {
        reason: e.to_string(),
    }
}

/// The envelope as read; strings borrow from the document (the payload is most of the
/// envelope: `verify` decodes it from there, without a copy).
struct EnvelopeRef<'a> {
    payload_type: &'a str,
    payload: &'a str,
    signatures: Vec<SignatureRef<'a>>,
}

struct SignatureRef<'a> {
    keyid: &'a str,
    sig: &'a str,
}

impl EnvelopeRef<'_> {
    fn owned(&self) -> Envelope {
        Envelope {
            payload_type: self.payload_type.to_owned(),
            payload: self.payload.to_owned(),
            signatures: self
                .signatures
                .iter()
                .map(|s| EnvelopeSignature {
                    keyid: s.keyid.to_owned(),
                    sig: s.sig.to_owned(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn pae_matches_dsse_spec_example() {
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
    }

    #[test]
    fn pae_edge_cases() {
        assert_eq!(pae("", b""), b"DSSEv1 0  0 ".to_vec());
        let body = vec![0xffu8; 1234];
        let mut expected = b"DSSEv1 34 application/vnd.xsell.pack.v1+json 1234 ".to_vec();
        expected.extend_from_slice(&body);
        assert_eq!(pae(PAYLOAD_TYPE, &body), expected);
        // Lengths are bytes, not chars.
        assert_eq!(pae("é", b"x"), "DSSEv1 2 é 1 x".as_bytes().to_vec());
    }

    #[test]
    fn pae_separates_type_from_body() {
        // Moving a byte across the boundary changes the encoding.
        assert_ne!(pae("ab", b"c"), pae("a", b"bc"));
        assert_ne!(pae("a 1 b", b""), pae("a", b"b"));
    }

    fn sample_envelope(signatures: usize) -> Envelope {
        Envelope {
            payload_type: PAYLOAD_TYPE.to_owned(),
            payload: STANDARD.encode(b"{\"rules\":[]}"),
            signatures: (0..signatures)
                .map(|i| EnvelopeSignature {
                    keyid: format!("xk1-{i:016x}"),
                    sig: STANDARD.encode([i as u8; 64]),
                })
                .collect(),
        }
    }

    #[test]
    fn pretty_json_matches_serde_json() {
        for n in 0..3 {
            let envelope = sample_envelope(n);
            assert_eq!(
                to_pretty_json(&envelope),
                serde_json::to_string_pretty(&envelope).unwrap()
            );
        }
    }

    #[test]
    fn pretty_json_escapes_every_ascii_char_like_serde_json() {
        let all: String = (0u8..=0x7f).map(char::from).collect();
        let envelope = Envelope {
            payload_type: all.clone(),
            payload: "é😀\u{2028}".to_owned(),
            signatures: vec![EnvelopeSignature {
                keyid: all.clone(),
                sig: all,
            }],
        };
        let text = to_pretty_json(&envelope);
        assert_eq!(text, serde_json::to_string_pretty(&envelope).unwrap());
        assert_eq!(Envelope::parse(text.as_bytes()).unwrap(), envelope);
    }

    proptest! {
        #[test]
        fn pretty_json_matches_serde_json_for_any_strings(
            payload_type in any::<String>(),
            payload in any::<String>(),
            sigs in proptest::collection::vec((any::<String>(), any::<String>()), 0..4),
        ) {
            let envelope = Envelope {
                payload_type,
                payload,
                signatures: sigs
                    .into_iter()
                    .map(|(keyid, sig)| EnvelopeSignature { keyid, sig })
                    .collect(),
            };
            let text = to_pretty_json(&envelope);
            prop_assert_eq!(&text, &serde_json::to_string_pretty(&envelope).unwrap());
            prop_assert_eq!(Envelope::parse(text.as_bytes()).unwrap(), envelope);
        }
    }

    #[test]
    fn wire_field_names() {
        let value = serde_json::to_value(sample_envelope(1)).unwrap();
        let object = value.as_object().unwrap();
        let mut names: Vec<&str> = object.keys().map(String::as_str).collect();
        names.sort_unstable();
        assert_eq!(names, ["payload", "payloadType", "signatures"]);
        let sig = value["signatures"][0].as_object().unwrap();
        let mut names: Vec<&str> = sig.keys().map(String::as_str).collect();
        names.sort_unstable();
        assert_eq!(names, ["keyid", "sig"]);
    }

    fn parse_err(text: &str) -> String {
        match Envelope::parse(text.as_bytes()) {
            Ok(e) => panic!("parsed unexpectedly: {e:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn reading_is_strict() {
        let ok = r#"{"payloadType":"t","payload":"","signatures":[{"keyid":"k","sig":""}]}"#;
        assert!(Envelope::parse(ok.as_bytes()).is_ok());

        // serde's derived structs would also take the array form; the envelope does not.
        assert_eq!(
            parse_err(r#"["t","",[["k",""]]]"#),
            "envelope is not a well-formed signed envelope: \
             invalid type: sequence, expected a JSON object"
        );
        assert_eq!(
            parse_err(r#"{"payloadType":"t","payload":"","signatures":[["k",""]]}"#),
            "envelope is not a well-formed signed envelope: \
             signatures[0]: invalid type: sequence, expected a JSON object"
        );
        assert!(
            parse_err(r#"{"payloadType":"t","payload":"","signatures":[],"x":1}"#)
                .contains("unknown field `x`")
        );
        assert!(parse_err(
            r#"{"payloadType":"t","payload":"","signatures":[{"keyid":"k","sig":"","x":1}]}"#
        )
        .contains("unknown field `x`"));
        assert!(
            parse_err(r#"{"payloadType":"t","payload":"","payload":"","signatures":[]}"#)
                .contains("duplicate field `payload`")
        );
        assert!(parse_err(
            r#"{"payloadType":"t","payload":"","signatures":[{"keyid":"k","keyid":"k","sig":""}]}"#
        )
        .contains("duplicate field `keyid`"));
        assert!(
            parse_err(r#"{"payloadType":"t","signatures":[]}"#).contains("missing field `payload`")
        );
        assert!(
            parse_err(r#"{"payloadType":"t","payload":"","signatures":[{"keyid":"k"}]}"#)
                .contains("missing field `sig`")
        );
        assert!(
            parse_err(r#"{"payloadType":"t","payload":null,"signatures":[]}"#)
                .ends_with(": payload: invalid type: null, expected a string")
        );
        assert!(
            parse_err(r#"{"payloadType":"t","payload":"","signatures":{}}"#)
                .ends_with(": signatures: invalid type: map, expected a sequence")
        );
        assert!(parse_err(
            r#"{"payloadType":"t","payload":"","signatures":[{"keyid":5,"sig":""}]}"#
        )
        .ends_with(": signatures[0].keyid: invalid type: integer `5`, expected a string"));
        // One document only, and it must be complete.
        for text in [
            format!("{ok} {ok}"),
            format!("{ok}x"),
            format!("{ok},"),
            ok[..ok.len() - 1].to_owned(),
            String::new(),
        ] {
            assert!(parse_err(&text).contains(" at line 1 column "), "{text}");
        }
        // Surrounding whitespace is fine.
        assert!(Envelope::parse(format!("\n\t {ok} \r\n").as_bytes()).is_ok());
    }

    #[test]
    fn reads_escaped_strings() {
        let text = r#"{"payloadType":"a\/b\u00e9\"","payload":"x\n","signatures":[{"keyid":"\ud83d\ude00","sig":""}]}"#;
        let envelope = Envelope::parse(text.as_bytes()).unwrap();
        assert_eq!(envelope.payload_type, "a/bé\"");
        assert_eq!(envelope.payload, "x\n");
        assert_eq!(envelope.signatures[0].keyid, "😀");
        assert_eq!(envelope.signatures[0].sig, "");
    }

    #[test]
    fn sign_output_parses_back() {
        let key = SecretKey::from_seed([3; 32]);
        let text = sign(b"payload", &key);
        let envelope = Envelope::parse(text.as_bytes()).unwrap();
        assert_eq!(envelope.payload_type, PAYLOAD_TYPE);
        assert_eq!(STANDARD.decode(&envelope.payload).unwrap(), b"payload");
        assert_eq!(envelope.signatures.len(), 1);
        assert_eq!(envelope.signatures[0].keyid, key.public_key().key_id());
        assert_eq!(
            STANDARD.decode(&envelope.signatures[0].sig).unwrap().len(),
            64
        );
        assert_eq!(text, serde_json::to_string_pretty(&envelope).unwrap());
    }

    #[test]
    fn verify_reads_escaped_strings_and_hands_back_the_payload() {
        let key = SecretKey::from_seed([3; 32]);
        let trusted = TrustedKeys::new(vec![key.public_key()]);
        let payload: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
        let text = sign(&payload, &key);
        // Strings borrowed from the input; then the same envelope with escapes (so copied).
        let escaped = text.replace('/', "\\/").replace("xk1-", "xk1\\u002d");
        assert!(escaped.contains("application\\/vnd") && escaped.contains("xk1\\u002d"));
        assert!(
            escaped.matches("\\/").count() > 3,
            "the payload and signature have escapes"
        );
        for input in [&text, &escaped] {
            let verified = verify(input.as_bytes(), &trusted, DEFAULT_MAX_ENVELOPE_BYTES).unwrap();
            assert_eq!(verified.payload, payload);
            assert_eq!(verified.key_id, key.public_key().key_id());
            let message =
                verify_message(input.as_bytes(), &trusted, DEFAULT_MAX_ENVELOPE_BYTES).unwrap();
            assert_eq!(message.payload(), payload.as_slice());
        }
    }

    #[test]
    fn payload_is_decoded_into_the_pae() {
        for len in [0usize, 1, 2, 3, 63, 64, 65, 1000, 100_000] {
            let payload: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            let (buf, message_at, payload_at) =
                decode_payload_into_pae(&STANDARD.encode(&payload)).unwrap();
            assert_eq!(&buf[message_at..], pae(PAYLOAD_TYPE, &payload).as_slice());
            assert_eq!(&buf[payload_at..], payload.as_slice());
        }
    }

    proptest! {
        #[test]
        fn payload_engine_accepts_exactly_what_standard_accepts(
            bytes in proptest::collection::vec(any::<u8>(), 0..400),
            edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..3),
            cut in proptest::option::of(any::<usize>()),
        ) {
            let mut text = STANDARD.encode(&bytes).into_bytes();
            for (at, byte) in edits {
                if !text.is_empty() {
                    let at = at % text.len();
                    text[at] = byte;
                }
            }
            if let Some(cut) = cut {
                text.truncate(cut % (text.len() + 1));
            }
            prop_assert_eq!(payload_engine().decode(&text).ok(), STANDARD.decode(&text).ok());
        }
    }
}
