//! Integration tests for the signed envelope: round trips, key rotation, every error, and fuzzing that verify never panics.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ed25519_dalek::{Signer as _, SigningKey};
use proptest::prelude::*;
use serde_json::{json, Value};
use xsell::envelope::{
    add_signature, pae, sign, verify, Envelope, EnvelopeError, PublicKey, SecretKey, TrustedKeys,
    Verified, DEFAULT_MAX_ENVELOPE_BYTES, PAYLOAD_TYPE,
};

const PAYLOAD: &[u8] = br#"{"version":1,"rules":[{"id":"r1","offer":"gift-wrap"}]}"#;
const MAX: usize = DEFAULT_MAX_ENVELOPE_BYTES;

/// Test keys from fixed seeds. They are test fixtures, not secrets.
fn key(seed: u8) -> SecretKey {
    SecretKey::from_seed([seed; 32])
}

fn old_key() -> SecretKey {
    key(7)
}

fn new_key() -> SecretKey {
    key(8)
}

fn trust(keys: &[&SecretKey]) -> TrustedKeys {
    TrustedKeys::new(keys.iter().map(|k| k.public_key()).collect())
}

fn id(key: &SecretKey) -> String {
    key.public_key().key_id().to_owned()
}

fn signed() -> String {
    sign(PAYLOAD, &old_key())
}

fn as_json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn to_bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

fn verify_old(bytes: &[u8]) -> Result<Verified, EnvelopeError> {
    verify(bytes, &trust(&[&old_key()]), MAX)
}

fn malformed_reason(result: Result<Verified, EnvelopeError>) -> String {
    match result {
        Err(EnvelopeError::Malformed { reason }) => reason,
        other => panic!("expected Malformed, got {other:?}"),
    }
}

#[test]
fn sign_then_verify_returns_exact_payload_and_key_id() {
    let text = signed();
    let verified = verify_old(text.as_bytes()).unwrap();
    assert_eq!(verified.payload, PAYLOAD);
    assert_eq!(verified.key_id, id(&old_key()));
    let envelope = Envelope::parse(text.as_bytes()).unwrap();
    assert_eq!(envelope.payload_type, PAYLOAD_TYPE);
    assert_eq!(envelope.signatures.len(), 1);
    assert_eq!(envelope.signatures[0].keyid, id(&old_key()));
}

#[test]
fn binary_and_empty_payloads_round_trip() {
    let binary: Vec<u8> = (0..=255u8).rev().collect();
    for payload in [&binary[..], b"", b"\xff\xfe not utf-8"] {
        let verified = verify_old(sign(payload, &old_key()).as_bytes()).unwrap();
        assert_eq!(verified.payload, payload);
    }
}

#[test]
fn signing_is_deterministic() {
    assert_eq!(signed(), signed());
}

#[test]
fn trusted_key_from_text_verifies() {
    let text_form = old_key().public_key().to_text();
    let trusted =
        TrustedKeys::parse_list(&format!("{}, {text_form}\n", new_key().public_key())).unwrap();
    assert_eq!(trusted.len(), 2);
    let verified = verify(signed().as_bytes(), &trusted, MAX).unwrap();
    assert_eq!(
        verified.key_id,
        PublicKey::parse(&text_form).unwrap().key_id()
    );
}

#[test]
fn rotation_envelope_verifies_with_either_key() {
    let both = add_signature(signed().as_bytes(), &new_key()).unwrap();
    let envelope = Envelope::parse(both.as_bytes()).unwrap();
    let ids: Vec<&str> = envelope
        .signatures
        .iter()
        .map(|s| s.keyid.as_str())
        .collect();
    assert_eq!(ids, [id(&old_key()), id(&new_key())]);

    let only_new = verify(both.as_bytes(), &trust(&[&new_key()]), MAX).unwrap();
    assert_eq!(only_new.payload, PAYLOAD);
    assert_eq!(only_new.key_id, id(&new_key()));

    let only_old = verify(both.as_bytes(), &trust(&[&old_key()]), MAX).unwrap();
    assert_eq!(only_old.payload, PAYLOAD);
    assert_eq!(only_old.key_id, id(&old_key()));

    // With both trusted, the first signature that verifies wins.
    let both_trusted = verify(both.as_bytes(), &trust(&[&new_key(), &old_key()]), MAX).unwrap();
    assert_eq!(both_trusted.key_id, id(&old_key()));

    // Neither trusted: every keyid is reported.
    assert_eq!(
        verify(both.as_bytes(), &trust(&[&key(9)]), MAX),
        Err(EnvelopeError::UnknownKey {
            key_ids: vec![id(&old_key()), id(&new_key())]
        })
    );
}

#[test]
fn add_signature_with_same_key_is_idempotent() {
    let once = signed();
    let twice = add_signature(once.as_bytes(), &old_key()).unwrap();
    assert_eq!(once, twice);

    // A broken signature by the same key is replaced, not kept beside a good one.
    let mut value = as_json(&once);
    value["signatures"][0]["sig"] = json!(STANDARD.encode([0u8; 64]));
    let repaired = add_signature(&to_bytes(&value), &old_key()).unwrap();
    assert_eq!(repaired, once);
}

#[test]
fn add_signature_refuses_what_it_cannot_sign() {
    assert_eq!(
        add_signature(b"not json", &new_key()).unwrap_err().code(),
        "malformed"
    );
    let mut value = as_json(&signed());
    value["payloadType"] = json!("text/plain");
    assert_eq!(
        add_signature(&to_bytes(&value), &new_key()),
        Err(EnvelopeError::WrongPayloadType {
            found: "text/plain".to_owned()
        })
    );
    let mut value = as_json(&signed());
    value["payload"] = json!("***");
    assert_eq!(
        add_signature(&to_bytes(&value), &new_key()),
        Err(EnvelopeError::BadBase64 {
            field: "payload".to_owned()
        })
    );
}

#[test]
fn add_signature_to_an_unsigned_envelope_verifies() {
    let mut value = as_json(&signed());
    value["signatures"] = json!([]);
    assert_eq!(
        verify_old(&to_bytes(&value)),
        Err(EnvelopeError::NoSignatures)
    );
    let resigned = add_signature(&to_bytes(&value), &old_key()).unwrap();
    assert_eq!(resigned, signed());
}

#[test]
fn truncated_envelope_is_malformed_at_every_length() {
    let text = signed();
    let bytes = text.as_bytes();
    for cut in 0..bytes.len() {
        let result = verify_old(&bytes[..cut]);
        assert_eq!(
            result.as_ref().map_err(EnvelopeError::code),
            Err("malformed"),
            "cut at {cut}: {result:?}"
        );
    }
}

#[test]
fn garbage_empty_and_non_utf8_are_malformed() {
    for input in [
        &b""[..],
        b"   \n",
        b"\x00\x01\x02garbage",
        b"hello",
        b"null",
        b"42",
        b"\"envelope\"",
        b"[]",
        b"{}",
        b"\xff\xfe\xfd",
    ] {
        malformed_reason(verify_old(input));
    }

    // Invalid UTF-8 inside an otherwise well-formed envelope string.
    let text = signed();
    let mut bytes = text.into_bytes();
    let at = bytes.windows(4).position(|w| w == b"xk1-").unwrap();
    bytes[at] = 0xff;
    let reason = malformed_reason(verify_old(&bytes));
    assert!(reason.contains("line"), "{reason}");
}

#[test]
fn malformed_reason_has_line_and_column_or_path() {
    // Not JSON: where the reader stopped.
    let reason = malformed_reason(verify_old(b"{\n  \"payloadType\": 5,\n}"));
    assert!(reason.contains("line 3 column"), "{reason}");
    // JSON of the wrong shape: the path of the offending value.
    let reason = malformed_reason(verify_old(b"{\n  \"payloadType\": 5\n}"));
    assert_eq!(
        reason,
        "payloadType: invalid type: integer `5`, expected a string"
    );
}

#[test]
fn wrong_payload_type_is_refused() {
    for found in ["application/vnd.xsell.pack.v2+json", "", "application/json"] {
        let mut value = as_json(&signed());
        value["payloadType"] = json!(found);
        assert_eq!(
            verify_old(&to_bytes(&value)),
            Err(EnvelopeError::WrongPayloadType {
                found: found.to_owned()
            })
        );
    }
}

#[test]
fn envelope_signed_for_another_payload_type_does_not_verify_as_ours() {
    // A correct DSSE signature, but over a different payload type: relabelling it must fail.
    let signing = SigningKey::from_bytes(&[7; 32]);
    let sig = signing.sign(&pae("application/json", PAYLOAD));
    let value = json!({
        "payloadType": PAYLOAD_TYPE,
        "payload": STANDARD.encode(PAYLOAD),
        "signatures": [{"keyid": id(&old_key()), "sig": STANDARD.encode(sig.to_bytes())}],
    });
    assert_eq!(
        verify_old(&to_bytes(&value)),
        Err(EnvelopeError::BadSignature {
            key_id: id(&old_key())
        })
    );
}

#[test]
fn bad_base64_in_payload_is_refused() {
    let good_payload = STANDARD.encode(PAYLOAD);
    for bad in [
        "not base64!".to_owned(),
        format!("{good_payload}="), // extra padding
        format!(" {good_payload}"),
        "-_-_".to_owned(), // URL-safe alphabet
        "QR==".to_owned(), // non-canonical: stray trailing bits
        "QQ".to_owned(),   // unpadded
    ] {
        let mut value = as_json(&signed());
        value["payload"] = json!(bad);
        assert_eq!(
            verify_old(&to_bytes(&value)),
            Err(EnvelopeError::BadBase64 {
                field: "payload".to_owned()
            }),
            "{bad:?}"
        );
    }
}

#[test]
fn bad_base64_in_sig_is_refused_with_its_index() {
    let both = add_signature(signed().as_bytes(), &new_key()).unwrap();
    for index in 0..2 {
        let mut value = as_json(&both);
        value["signatures"][index]["sig"] = json!("%%%%");
        assert_eq!(
            verify_old(&to_bytes(&value)),
            Err(EnvelopeError::BadBase64 {
                field: format!("signatures[{index}].sig")
            })
        );
    }
}

#[test]
fn signature_of_wrong_length_is_bad_signature() {
    for len in [0usize, 63, 65, 128] {
        let mut value = as_json(&signed());
        value["signatures"][0]["sig"] = json!(STANDARD.encode(vec![1u8; len]));
        assert_eq!(
            verify_old(&to_bytes(&value)),
            Err(EnvelopeError::BadSignature {
                key_id: id(&old_key())
            }),
            "length {len}"
        );
    }
}

#[test]
fn stuffed_signature_list_is_refused_before_any_is_checked() {
    let mut value = as_json(&signed());
    let one = value["signatures"][0].clone();
    value["signatures"] = Value::Array(vec![one; xsell::envelope::MAX_SIGNATURES + 1]);
    assert_eq!(
        verify_old(&to_bytes(&value)),
        Err(EnvelopeError::TooManySignatures {
            count: xsell::envelope::MAX_SIGNATURES + 1
        })
    );
    // At the limit it still verifies.
    let mut value = as_json(&signed());
    let one = value["signatures"][0].clone();
    value["signatures"] = Value::Array(vec![one; xsell::envelope::MAX_SIGNATURES]);
    assert!(verify_old(&to_bytes(&value)).is_ok());
}

#[test]
fn empty_signatures_array_is_refused() {
    let mut value = as_json(&signed());
    value["signatures"] = json!([]);
    assert_eq!(
        verify_old(&to_bytes(&value)),
        Err(EnvelopeError::NoSignatures)
    );
}

#[test]
fn flipped_payload_byte_is_bad_signature() {
    let value = as_json(&signed());
    let payload = STANDARD.decode(value["payload"].as_str().unwrap()).unwrap();
    for at in [0, payload.len() / 2, payload.len() - 1] {
        for bit in [0x01u8, 0x80] {
            let mut tampered = payload.clone();
            tampered[at] ^= bit;
            let mut value = value.clone();
            value["payload"] = json!(STANDARD.encode(&tampered));
            assert_eq!(
                verify_old(&to_bytes(&value)),
                Err(EnvelopeError::BadSignature {
                    key_id: id(&old_key())
                }),
                "byte {at} bit {bit:#x}"
            );
        }
    }
    // Appending a byte is tampering too.
    let mut longer = payload.clone();
    longer.push(b' ');
    let mut value = value.clone();
    value["payload"] = json!(STANDARD.encode(&longer));
    assert_eq!(
        verify_old(&to_bytes(&value)).unwrap_err().code(),
        "bad_signature"
    );
}

#[test]
fn flipped_signature_byte_is_bad_signature() {
    let value = as_json(&signed());
    let sig = STANDARD
        .decode(value["signatures"][0]["sig"].as_str().unwrap())
        .unwrap();
    for at in [0usize, 1, 31, 32, 33, 62, 63] {
        let mut tampered = sig.clone();
        tampered[at] ^= 0x04;
        let mut value = value.clone();
        value["signatures"][0]["sig"] = json!(STANDARD.encode(&tampered));
        assert_eq!(
            verify_old(&to_bytes(&value)),
            Err(EnvelopeError::BadSignature {
                key_id: id(&old_key())
            }),
            "byte {at}"
        );
    }
}

#[test]
fn valid_signature_by_untrusted_key_is_unknown_key() {
    let text = sign(PAYLOAD, &key(42));
    assert_eq!(
        verify_old(text.as_bytes()),
        Err(EnvelopeError::UnknownKey {
            key_ids: vec![id(&key(42))]
        })
    );
    // Nothing trusted at all.
    assert_eq!(
        verify(text.as_bytes(), &TrustedKeys::default(), MAX)
            .unwrap_err()
            .code(),
        "unknown_key"
    );
}

#[test]
fn unknown_key_ids_are_listed_once_each() {
    let mut value = as_json(&sign(PAYLOAD, &key(42)));
    let sig = value["signatures"][0].clone();
    value["signatures"] = json!([sig, sig, {"keyid": "other", "sig": STANDARD.encode([0u8; 64])}]);
    assert_eq!(
        verify_old(&to_bytes(&value)),
        Err(EnvelopeError::UnknownKey {
            key_ids: vec![id(&key(42)), "other".to_owned()]
        })
    );
}

#[test]
fn failing_trusted_signature_is_reported_not_hidden_behind_unknown_key() {
    // An untrusted (but valid) signature plus a trusted keyid whose signature is wrong.
    let untrusted = as_json(&sign(PAYLOAD, &key(42)))["signatures"][0].clone();
    let mut value = as_json(&signed());
    value["signatures"][0]["sig"] = json!(STANDARD.encode([9u8; 64]));
    let bad_trusted = value["signatures"][0].clone();
    value["signatures"] = json!([untrusted, bad_trusted]);
    assert_eq!(
        verify_old(&to_bytes(&value)),
        Err(EnvelopeError::BadSignature {
            key_id: id(&old_key())
        })
    );
}

#[test]
fn bad_trusted_signature_then_good_one_verifies() {
    let both = add_signature(signed().as_bytes(), &new_key()).unwrap();
    let mut value = as_json(&both);
    value["signatures"][0]["sig"] = json!(STANDARD.encode([9u8; 64]));
    let trusted = trust(&[&old_key(), &new_key()]);
    let verified = verify(&to_bytes(&value), &trusted, MAX).unwrap();
    assert_eq!(verified.key_id, id(&new_key()));
    assert_eq!(verified.payload, PAYLOAD);

    // Both broken: the first trusted one tried is named.
    value["signatures"][1]["sig"] = json!(STANDARD.encode([9u8; 64]));
    assert_eq!(
        verify(&to_bytes(&value), &trusted, MAX),
        Err(EnvelopeError::BadSignature {
            key_id: id(&old_key())
        })
    );
}

#[test]
fn signature_claiming_another_trusted_keyid_is_bad_signature() {
    // A real signature by the old key, labelled with the new key's id.
    let mut value = as_json(&signed());
    value["signatures"][0]["keyid"] = json!(id(&new_key()));
    assert_eq!(
        verify(&to_bytes(&value), &trust(&[&new_key()]), MAX),
        Err(EnvelopeError::BadSignature {
            key_id: id(&new_key())
        })
    );
}

#[test]
fn signature_over_raw_payload_instead_of_pae_is_bad_signature() {
    let signing = SigningKey::from_bytes(&[7; 32]);
    let raw_sig = signing.sign(PAYLOAD);
    let value = json!({
        "payloadType": PAYLOAD_TYPE,
        "payload": STANDARD.encode(PAYLOAD),
        "signatures": [{"keyid": id(&old_key()), "sig": STANDARD.encode(raw_sig.to_bytes())}],
    });
    assert_eq!(
        verify_old(&to_bytes(&value)),
        Err(EnvelopeError::BadSignature {
            key_id: id(&old_key())
        })
    );
    // Premise: the same construction over the PAE does verify.
    let pae_sig = signing.sign(&pae(PAYLOAD_TYPE, PAYLOAD));
    let mut value = value;
    value["signatures"][0]["sig"] = json!(STANDARD.encode(pae_sig.to_bytes()));
    assert_eq!(verify_old(&to_bytes(&value)).unwrap().payload, PAYLOAD);
}

#[test]
fn oversize_input_is_refused_before_parsing() {
    let text = signed();
    let len = text.len();
    assert_eq!(
        verify(text.as_bytes(), &trust(&[&old_key()]), len - 1),
        Err(EnvelopeError::TooLarge {
            size: len,
            max: len - 1
        })
    );
    // Exactly at the limit is allowed.
    assert!(verify(text.as_bytes(), &trust(&[&old_key()]), len).is_ok());

    // Not JSON at all, yet TooLarge rather than Malformed: nothing was parsed.
    let junk = b"{".repeat(MAX + 1);
    let err = verify_old(&junk).unwrap_err();
    assert_eq!(
        err,
        EnvelopeError::TooLarge {
            size: MAX + 1,
            max: MAX
        }
    );
    assert_eq!(
        err.to_string(),
        format!("envelope is {} bytes, over the {MAX}-byte limit", MAX + 1)
    );
    // The same junk under the limit is Malformed, so the limit is what stopped it.
    assert_eq!(verify_old(&junk[..100]).unwrap_err().code(), "malformed");
}

#[test]
fn unknown_top_level_field_is_malformed() {
    let mut value = as_json(&signed());
    value["comment"] = json!("hi");
    let reason = malformed_reason(verify_old(&to_bytes(&value)));
    assert!(reason.contains("unknown field `comment`"), "{reason}");

    let mut value = as_json(&signed());
    value["signatures"][0]["extra"] = json!(1);
    let reason = malformed_reason(verify_old(&to_bytes(&value)));
    assert!(reason.contains("unknown field `extra`"), "{reason}");
}

#[test]
fn duplicate_payload_field_is_malformed() {
    let text = signed();
    let value = as_json(&text);
    let other = STANDARD.encode(b"{\"rules\":[\"evil\"]}");
    let signatures = serde_json::to_string(&value["signatures"]).unwrap();
    let payload = value["payload"].as_str().unwrap();
    // Both orders: neither "first wins" nor "last wins" may be used.
    for (a, b) in [(payload, other.as_str()), (other.as_str(), payload)] {
        let doubled = format!(
            r#"{{"payloadType":"{PAYLOAD_TYPE}","payload":"{a}","payload":"{b}","signatures":{signatures}}}"#
        );
        let reason = malformed_reason(verify_old(doubled.as_bytes()));
        assert!(reason.contains("duplicate field `payload`"), "{reason}");
    }
}

#[test]
fn array_form_of_envelope_is_malformed() {
    let value = as_json(&signed());
    let array = json!([value["payloadType"], value["payload"], value["signatures"]]);
    malformed_reason(verify_old(&to_bytes(&array)));
}

#[test]
fn deeply_nested_json_is_malformed_not_a_stack_overflow() {
    let depth = 10_000;
    let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    malformed_reason(verify_old(nested.as_bytes()));

    let nested_objects = "{\"a\":".repeat(depth) + "1" + &"}".repeat(depth);
    malformed_reason(verify_old(nested_objects.as_bytes()));

    let in_field =
        format!(r#"{{"payloadType":"{PAYLOAD_TYPE}","payload":"","signatures":{nested}}}"#);
    malformed_reason(verify_old(in_field.as_bytes()));
}

#[test]
fn whitespace_and_field_order_do_not_matter() {
    let value = as_json(&signed());
    let compact = to_bytes(&value);
    assert_eq!(verify_old(&compact).unwrap().payload, PAYLOAD);
    let reordered = format!(
        "\n\t{{ \"signatures\" : {} , \"payload\":{}, \"payloadType\" :{} }}\r\n",
        value["signatures"], value["payload"], value["payloadType"]
    );
    assert_eq!(verify_old(reordered.as_bytes()).unwrap().payload, PAYLOAD);
}

#[test]
fn error_messages_are_specific() {
    let text = sign(PAYLOAD, &key(42));
    let err = verify_old(text.as_bytes()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "no signature is by a trusted key (saw keyids: {})",
            id(&key(42))
        )
    );
    let mut value = as_json(&signed());
    value["signatures"][0]["sig"] = json!(STANDARD.encode([9u8; 64]));
    let err = verify_old(&to_bytes(&value)).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "signature by key {} does not verify: the payload or signature was altered",
            id(&old_key())
        )
    );
    let err = verify_old(b"{").unwrap_err();
    assert!(err.to_string().contains("line 1 column 1"), "{err}");
    let _: &dyn std::error::Error = &err;
}

fn mutate_flip(bytes: &[u8], at: usize, xor: u8) -> Vec<u8> {
    let mut out = bytes.to_vec();
    if let Some(b) = out.get_mut(at % bytes.len().max(1)) {
        *b ^= xor;
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_verify_and_never_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        prop_assert!(verify_old(&bytes).is_err());
    }

    #[test]
    fn arbitrary_json_like_text_never_verifies(
        text in r#"[{}\[\]",:a-zA-Z0-9+/= \n]{0,200}"#,
    ) {
        prop_assert!(verify_old(text.as_bytes()).is_err());
    }

    #[test]
    fn flipped_byte_is_accepted_only_with_the_original_payload(
        at in any::<usize>(),
        xor in 1u8..=255,
    ) {
        let text = signed();
        let mutated = mutate_flip(text.as_bytes(), at, xor);
        prop_assert_ne!(&mutated[..], text.as_bytes());
        if let Ok(verified) = verify_old(&mutated) {
            prop_assert_eq!(&verified.payload[..], PAYLOAD);
            prop_assert_eq!(verified.key_id, id(&old_key()));
        }
    }

    #[test]
    fn rotation_envelope_flips_are_accepted_only_with_the_original_payload(
        at in any::<usize>(),
        xor in 1u8..=255,
    ) {
        let text = add_signature(signed().as_bytes(), &new_key()).unwrap();
        let mutated = mutate_flip(text.as_bytes(), at, xor);
        let trusted = trust(&[&old_key(), &new_key()]);
        if let Ok(verified) = verify(&mutated, &trusted, MAX) {
            prop_assert_eq!(&verified.payload[..], PAYLOAD);
        }
    }

    #[test]
    fn truncation_is_never_accepted(cut in any::<usize>()) {
        let text = signed();
        let cut = cut % text.len();
        prop_assert_eq!(
            verify_old(&text.as_bytes()[..cut]).map_err(|e| e.code()),
            Err("malformed")
        );
    }

    #[test]
    fn spliced_bytes_are_accepted_only_with_the_original_payload(
        at in any::<usize>(),
        insert in proptest::collection::vec(any::<u8>(), 1..8),
        remove in 0usize..8,
    ) {
        let text = signed();
        let mut bytes = text.into_bytes();
        let at = at % bytes.len();
        let end = (at + remove).min(bytes.len());
        bytes.splice(at..end, insert);
        if let Ok(verified) = verify_old(&bytes) {
            prop_assert_eq!(&verified.payload[..], PAYLOAD);
        }
    }

    #[test]
    fn any_payload_round_trips(payload in proptest::collection::vec(any::<u8>(), 0..300)) {
        let text = sign(&payload, &old_key());
        let verified = verify_old(text.as_bytes()).unwrap();
        prop_assert_eq!(verified.payload, payload);
    }
}

#[test]
fn whitespace_mutation_is_accepted_with_the_original_payload() {
    // The one kind of mutation that should still verify: layout only.
    let text = signed();
    let spaced = text.replace(": ", ":   ").replace(",\n", " ,\n\n");
    assert_ne!(spaced, text);
    let verified = verify_old(spaced.as_bytes()).unwrap();
    assert_eq!(verified.payload, PAYLOAD);
}
