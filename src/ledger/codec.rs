//! The ledger's stored form: `xl1.<base64url JSON>.<checksum>`, versioned and bounded.
//!
//! The checksum (FNV-1a 64 over the JSON) catches truncation, corruption and casual hand edits.
//! It is not a secret MAC: the edge adapter adds an HMAC on top for cookies.
//!
//! The JSON is written and read by hand (with [`crate::json`]), not with serde_json, so the wasm
//! module carries no serde_json for it; the text is byte for byte what serde_json wrote from the
//! serde attributes in `mod.rs` (pinned by the tests), so stored ledgers and their checksums
//! stay valid.

use super::{
    Ledger, OfferHistory, Shown, MAX_ID_LEN, MAX_LOG, MAX_OFFERS, MAX_PACKS, MAX_PLACEMENTS,
    MAX_PLACEMENT_LEN, MAX_SHOWN_PER_OFFER, MAX_TIME,
};
use crate::json::read::{invalid_type, Fields};
use crate::json::{self, write, JsonError, Node, Path};
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
        let json = self.to_json();
        let mut out = String::with_capacity(LEDGER_PREFIX.len() + json.len().div_ceil(3) * 4 + 17);
        out.push_str(LEDGER_PREFIX);
        push_base64url(&mut out, json.as_bytes());
        out.push('.');
        push_hex16(&mut out, fnv1a64(json.as_bytes()));
        out
    }

    /// Length of [`Ledger::encode`]'s output, without building it.
    pub fn encoded_len(&self) -> usize {
        let json = self.to_json().len();
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
        let ledger = json::parse_bytes(&json)
            .and_then(|doc| read_ledger(doc.root()))
            .map_err(|e| LedgerError::Malformed {
                reason: e.to_string(),
            })?;
        ledger.check_bounds()?;
        Ok(ledger)
    }

    /// The ledger as compact JSON, exactly as `serde_json::to_string` writes it with the serde
    /// attributes in `mod.rs` (fields in declaration order, short names, empty and default
    /// fields left out, maps in key order): the checksum of every ledger stored so far is over
    /// this text.
    pub(super) fn to_json(&self) -> String {
        let mut out = String::with_capacity(256);
        let mut obj = ObjectWriter::new(&mut out);
        if let Some(sid) = &self.session {
            write::string(obj.key("sid"), sid);
        }
        if self.session_total != 0 {
            write::uint(obj.key("st"), self.session_total.into());
        }
        if !self.session_placements.is_empty() {
            let mut map = ObjectWriter::new(obj.key("sp"));
            for (placement, n) in &self.session_placements {
                write::uint(map.key(placement), (*n).into());
            }
            map.end();
        }
        if !self.log.is_empty() {
            let out = obj.key("log");
            out.push('[');
            for (i, Shown(t, placement)) in self.log.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push('[');
                write::int(out, *t);
                out.push(',');
                write::string(out, placement);
                out.push(']');
            }
            out.push(']');
        }
        if !self.offers.is_empty() {
            let mut map = ObjectWriter::new(obj.key("o"));
            for (id, h) in &self.offers {
                write_offer(map.key(id), h);
            }
            map.end();
        }
        if !self.high_water.is_empty() {
            let mut map = ObjectWriter::new(obj.key("hw"));
            for (id, v) in &self.high_water {
                write::uint(map.key(id), *v);
            }
            map.end();
        }
        if let Some((t, skus)) = &self.purchase {
            let out = obj.key("p");
            out.push('[');
            write::int(out, *t);
            out.push_str(",[");
            for (i, sku) in skus.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write::string(out, sku);
            }
            out.push_str("]]");
        }
        obj.end();
        out
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

fn write_offer(out: &mut String, h: &OfferHistory) {
    let mut obj = ObjectWriter::new(out);
    if !h.shown.is_empty() {
        let out = obj.key("s");
        out.push('[');
        for (i, t) in h.shown.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write::int(out, *t);
        }
        out.push(']');
    }
    if h.session_shown != 0 {
        write::uint(obj.key("ss"), h.session_shown.into());
    }
    if h.ever_shown {
        obj.key("e").push_str("true");
    }
    if h.accepted != 0 {
        write::uint(obj.key("a"), h.accepted.into());
    }
    if let Some(d) = h.dismissed_at {
        write::int(obj.key("d"), d);
    }
    write::int(obj.key("t"), h.touched);
    obj.end();
}

/// Writes a JSON object member by member: `{`, then `"key":` (with the comma before all but
/// the first) for each [`ObjectWriter::key`], then `}` at [`ObjectWriter::end`].
struct ObjectWriter<'o> {
    out: &'o mut String,
    first: bool,
}

impl<'o> ObjectWriter<'o> {
    fn new(out: &'o mut String) -> Self {
        out.push('{');
        ObjectWriter { out, first: true }
    }

    /// Starts the member `key`; the caller writes its value into the returned string.
    fn key(&mut self, key: &str) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        write::string(self.out, key);
        self.out.push(':');
        self.out
    }

    fn end(self) {
        self.out.push('}');
    }
}

/// Appends `bytes` in base64url without padding, as `URL_SAFE_NO_PAD` encodes them (written
/// out here: the base64 crate's encoder is generic and unrolled, several times the size).
fn push_base64url(out: &mut String, bytes: &[u8]) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let symbol = |v: u32| char::from(ALPHABET.get((v & 63) as usize).copied().unwrap_or(b'A'));
    for chunk in bytes.chunks(3) {
        let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = byte(0) << 16 | byte(1) << 8 | byte(2);
        out.push(symbol(n >> 18));
        out.push(symbol(n >> 12));
        if chunk.len() > 1 {
            out.push(symbol(n >> 6));
        }
        if chunk.len() > 2 {
            out.push(symbol(n));
        }
    }
}

/// Appends `v` as 16 lowercase hex digits.
fn push_hex16(out: &mut String, v: u64) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for i in (0..16).rev() {
        let digit = HEX
            .get(((v >> (i * 4)) & 15) as usize)
            .copied()
            .unwrap_or(b'0');
        out.push(char::from(digit));
    }
}

const LEDGER_FIELDS: Fields<7> = Fields::new(["sid", "st", "sp", "log", "o", "hw", "p"], 0);
/// `t` (touched) is the one required field.
const OFFER_FIELDS: Fields<6> = Fields::new(["s", "ss", "e", "a", "d", "t"], 1 << 5);

/// Reads the ledger's JSON as its serde attributes in `mod.rs` describe it: an object (never a
/// positional array), unknown and duplicate fields refused, absent fields at their default,
/// `null` only where the field is an `Option`. Map keys must be unique (serde would keep the
/// last silently; `encode` never writes a key twice).
fn read_ledger(n: Node<'_>) -> Result<Ledger, JsonError> {
    let p = Path::Root;
    let [sid, st, sp, log, o, hw, purchase] = n.fields(&p, &LEDGER_FIELDS)?;
    let mut ledger = Ledger::default();
    if let Some(n) = sid {
        ledger.session = n.opt(&p.key("sid"), |n, p| n.str(p).map(str::to_owned))?;
    }
    if let Some(n) = st {
        ledger.session_total = n.u32(&p.key("st"))?;
    }
    if let Some(n) = sp {
        let p = p.key("sp");
        for (k, v) in n.map(&p)?.iter() {
            ledger
                .session_placements
                .insert(k.to_owned(), v.u32(&p.key(k))?);
        }
    }
    if let Some(n) = log {
        ledger.log = n.list(&p.key("log"), |n, p| {
            let [t, placement] = pair(n, p)?;
            Ok(Shown(
                t.i64(&p.index(0))?,
                placement.str(&p.index(1))?.to_owned(),
            ))
        })?;
    }
    if let Some(n) = o {
        let p = p.key("o");
        for (k, v) in n.map(&p)?.iter() {
            ledger
                .offers
                .insert(k.to_owned(), read_offer(v, &p.key(k))?);
        }
    }
    if let Some(n) = hw {
        let p = p.key("hw");
        for (k, v) in n.map(&p)?.iter() {
            ledger.high_water.insert(k.to_owned(), v.u64(&p.key(k))?);
        }
    }
    if let Some(n) = purchase {
        ledger.purchase = n.opt(&p.key("p"), |n, p| {
            let [t, skus] = pair(n, p)?;
            let skus = skus.list(&p.index(1), |n, p| n.str(p).map(str::to_owned))?;
            Ok((t.i64(&p.index(0))?, skus))
        })?;
    }
    Ok(ledger)
}

fn read_offer(n: Node<'_>, p: &Path<'_>) -> Result<OfferHistory, JsonError> {
    let [s, ss, e, a, d, t] = n.fields(p, &OFFER_FIELDS)?;
    let Some(t) = t else {
        return Err(p.error("missing field `t`".to_owned()));
    };
    let mut h = OfferHistory {
        touched: t.i64(&p.key("t"))?,
        ..OfferHistory::default()
    };
    if let Some(n) = s {
        h.shown = n.list(&p.key("s"), |n, p| n.i64(p))?;
    }
    if let Some(n) = ss {
        h.session_shown = n.u32(&p.key("ss"))?;
    }
    if let Some(n) = e {
        h.ever_shown = n.bool(&p.key("e"))?;
    }
    if let Some(n) = a {
        h.accepted = n.u32(&p.key("a"))?;
    }
    if let Some(n) = d {
        h.dismissed_at = n.opt(&p.key("d"), |n, p| n.i64(p))?;
    }
    Ok(h)
}

/// A two-item array (serde's tuple form), its items.
fn pair<'a>(n: Node<'a>, p: &Path<'_>) -> Result<[Node<'a>; 2], JsonError> {
    let Some(items) = n.as_array() else {
        return Err(invalid_type(n, p, "a tuple of size 2"));
    };
    let mut it = items.iter();
    match (it.next(), it.next(), it.next()) {
        (Some(a), Some(b), None) => Ok([a, b]),
        _ => Err(p.error(format!(
            "invalid length {}, expected a tuple of size 2",
            items.len()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{Event, EventKind};
    use proptest::prelude::*;

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

    /// A ledger with every field set, and strings that need escapes.
    fn every_field() -> Ledger {
        let mut l = Ledger {
            session: Some("s\"1\n\u{1}é".to_owned()),
            session_total: 3,
            ..Ledger::default()
        };
        l.session_placements.insert("product".into(), 1);
        l.session_placements.insert("cart".into(), 2);
        l.log = vec![
            Shown(1_000, "cart".into()),
            Shown(1_100, "prod\\uct".into()),
        ];
        l.offers.insert(
            "b".into(),
            OfferHistory {
                touched: 5,
                ..OfferHistory::default()
            },
        );
        l.offers.insert(
            "a".into(),
            OfferHistory {
                shown: vec![1_000, 1_100],
                session_shown: 2,
                ever_shown: true,
                accepted: 1,
                dismissed_at: Some(1_200),
                touched: 1_200,
            },
        );
        l.high_water.insert("p2".into(), u64::MAX);
        l.high_water.insert("demo".into(), 7);
        l.purchase = Some((1_300, vec!["X".into(), "Y\t".into()]));
        l
    }

    /// The exact stored JSON: fields in declaration order with their serde names, maps in key
    /// order, defaults left out. Every ledger stored so far was written by serde_json from the
    /// serde attributes in `mod.rs`, and its checksum is over this text.
    const EVERY_FIELD_JSON: &str = concat!(
        r#"{"sid":"s\"1\n\u0001é","st":3,"sp":{"cart":2,"product":1},"#,
        r#""log":[[1000,"cart"],[1100,"prod\\uct"]],"#,
        r#""o":{"a":{"s":[1000,1100],"ss":2,"e":true,"a":1,"d":1200,"t":1200},"b":{"t":5}},"#,
        r#""hw":{"demo":7,"p2":18446744073709551615},"p":[1300,["X","Y\t"]]}"#
    );

    #[test]
    fn writes_the_pinned_json() {
        let l = every_field();
        assert_eq!(l.to_json(), EVERY_FIELD_JSON);
        // The serde attributes say the same (the CLI still prints ledgers with serde_json).
        assert_eq!(serde_json::to_string(&l).unwrap(), EVERY_FIELD_JSON);
        assert_eq!(Ledger::default().to_json(), "{}");
        let encoded = l.encode();
        assert_eq!(
            encoded,
            format!(
                "xl1.{}.{:016x}",
                URL_SAFE_NO_PAD.encode(EVERY_FIELD_JSON),
                fnv1a64(EVERY_FIELD_JSON.as_bytes())
            )
        );
        assert_eq!(l.encoded_len(), encoded.len());
        assert_eq!(Ledger::decode(&encoded), Ok(l));
    }

    #[test]
    fn decodes_a_ledger_stored_by_the_serde_json_encoder() {
        // Written by `Ledger::encode` when it used serde_json (same ledger as `every_field`).
        const STORED: &str = "xl1.eyJzaWQiOiJzXCIxXG5cdTAwMDHDqSIsInN0IjozLCJzcCI6eyJjYXJ0IjoyLCJwcm9kdWN0IjoxfSwibG9nIjpbWzEwMDAsImNhcnQiXSxbMTEwMCwicHJvZFxcdWN0Il1dLCJvIjp7ImEiOnsicyI6WzEwMDAsMTEwMF0sInNzIjoyLCJlIjp0cnVlLCJhIjoxLCJkIjoxMjAwLCJ0IjoxMjAwfSwiYiI6eyJ0Ijo1fX0sImh3Ijp7ImRlbW8iOjcsInAyIjoxODQ0Njc0NDA3MzcwOTU1MTYxNX0sInAiOlsxMzAwLFsiWCIsIllcdCJdXX0.b2797634fb115711";
        assert_eq!(Ledger::decode(STORED), Ok(every_field()));
        assert_eq!(every_field().encode(), STORED);
    }

    /// The reader, straight from JSON text (no checksum, no bounds).
    fn read(text: &str) -> Result<Ledger, JsonError> {
        json::parse(text).and_then(|doc| read_ledger(doc.root()))
    }

    #[test]
    fn reads_what_serde_reads_and_refuses_what_it_refuses() {
        let accepted = [
            "{}",
            " {\"sid\":null,\"p\":null} ",
            r#"{"sid":"x","st":0,"sp":{},"log":[],"o":{},"hw":{}}"#,
            r#"{"o":{"a":{"t":1,"d":null,"e":false,"s":[],"ss":0,"a":0}}}"#,
            r#"{"p":[1,[]],"log":[[0,""]],"st":4294967295}"#,
            r#"{"hw":{"a":18446744073709551615},"o":{"x":{"t":-9223372036854775808}}}"#,
            r#"{"sid":"\u00e9\ud83d\ude00\/"}"#,
            EVERY_FIELD_JSON,
        ];
        for text in accepted {
            let ours = read(text);
            let serde = serde_json::from_str::<Ledger>(text);
            assert_eq!(ours.as_ref().ok(), serde.as_ref().ok(), "{text}: {ours:?}");
            assert!(ours.is_ok(), "{text}");
        }
        let refused = [
            ("", "EOF while parsing a value at line 1 column "),
            ("[]", "invalid type: sequence, expected a JSON object"),
            ("null", "invalid type: null, expected a JSON object"),
            ("{} {}", "trailing characters at line 1 column "),
            (
                r#"{"zz":1}"#,
                "zz: unknown field `zz`, expected one of `sid`, `st`, `sp`, `log`, `o`, `hw`, `p`",
            ),
            (r#"{"st":1,"st":1}"#, "duplicate field `st`"),
            (r#"{"st":null}"#, "st: invalid type: null, expected u32"),
            (
                r#"{"st":-1}"#,
                "st: invalid value: integer `-1`, expected u32",
            ),
            (
                r#"{"st":4294967296}"#,
                "st: invalid value: integer `4294967296`, expected u32",
            ),
            (
                r#"{"st":1.0}"#,
                "st: invalid type: floating point `1.0`, expected u32",
            ),
            (
                r#"{"st":"1"}"#,
                "st: invalid type: string \"1\", expected u32",
            ),
            (
                r#"{"sid":5}"#,
                "sid: invalid type: integer `5`, expected a string",
            ),
            (r#"{"sp":null}"#, "sp: invalid type: null, expected a map"),
            (
                r#"{"sp":{"a":-1}}"#,
                "sp.a: invalid value: integer `-1`, expected u32",
            ),
            (
                r#"{"log":[[1]]}"#,
                "log[0]: invalid length 1, expected a tuple of size 2",
            ),
            (
                r#"{"log":[[1,"a",2]]}"#,
                "log[0]: invalid length 3, expected a tuple of size 2",
            ),
            (
                r#"{"log":[{"0":1}]}"#,
                "log[0]: invalid type: map, expected a tuple of size 2",
            ),
            (
                r#"{"log":[["a",1]]}"#,
                "log[0][0]: invalid type: string \"a\", expected i64",
            ),
            (
                r#"{"log":null}"#,
                "log: invalid type: null, expected a sequence",
            ),
            (r#"{"o":{"a":{}}}"#, "o.a: missing field `t`"),
            (
                r#"{"o":{"a":[1]}}"#,
                "o.a: invalid type: sequence, expected a JSON object",
            ),
            (
                r#"{"o":{"a":{"t":1,"x":1}}}"#,
                "o.a.x: unknown field `x`, expected one of `s`, `ss`, `e`, `a`, `d`, `t`",
            ),
            (
                r#"{"o":{"a":{"t":1,"e":1}}}"#,
                "o.a.e: invalid type: integer `1`, expected a boolean",
            ),
            (
                r#"{"o":{"a":{"t":1,"s":[null]}}}"#,
                "o.a.s[0]: invalid type: null, expected i64",
            ),
            (
                r#"{"o":{"a":{"t":9223372036854775808}}}"#,
                "o.a.t: invalid value: integer `9223372036854775808`, expected i64",
            ),
            (
                r#"{"hw":{"a":-1}}"#,
                "hw.a: invalid value: integer `-1`, expected u64",
            ),
            (
                r#"{"p":[1]}"#,
                "p: invalid length 1, expected a tuple of size 2",
            ),
            (
                r#"{"p":[1,["a",2]]}"#,
                "p[1][1]: invalid type: integer `2`, expected a string",
            ),
            (
                r#"{"p":[1,null]}"#,
                "p[1]: invalid type: null, expected a sequence",
            ),
        ];
        for (text, message) in refused {
            let ours = read(text).map_err(|e| e.to_string());
            let ours = match ours {
                // Syntax errors: the position is the JSON reader's business.
                Err(e) if message.ends_with(" column ") && e.starts_with(message) => {
                    Err(message.to_owned())
                }
                other => other,
            };
            assert_eq!(ours, Err(message.to_owned()), "{text}");
            assert!(serde_json::from_str::<Ledger>(text).is_err(), "{text}");
        }
        // Stricter than serde, which keeps the last of a repeated map key silently.
        for (text, message) in [
            (r#"{"hw":{"a":9,"a":1}}"#, "hw: duplicate key `a`"),
            (r#"{"sp":{"a":1,"a":2}}"#, "sp: duplicate key `a`"),
            (r#"{"o":{"a":{"t":1},"a":{"t":2}}}"#, "o: duplicate key `a`"),
        ] {
            assert_eq!(
                read(text).map_err(|e| e.to_string()),
                Err(message.to_owned())
            );
            assert!(serde_json::from_str::<Ledger>(text).is_ok(), "{text}");
        }
        // More lenient in one spot: `-0` is the integer 0 (serde_json reads it as a float).
        let text = r#"{"log":[[-0,""]]}"#;
        assert_eq!(read(text).map(|l| l.log), Ok(vec![Shown(0, String::new())]));
        assert!(serde_json::from_str::<Ledger>(text).is_err());
    }

    fn ledger_strategy() -> impl Strategy<Value = Ledger> {
        let text = || proptest::string::string_regex("(.|\\n|\\u{1}){0,6}").unwrap();
        let offer = (
            proptest::collection::vec(any::<i64>(), 0..3),
            any::<u32>(),
            any::<bool>(),
            any::<u32>(),
            proptest::option::of(any::<i64>()),
            any::<i64>(),
        )
            .prop_map(
                |(shown, session_shown, ever_shown, accepted, dismissed_at, touched)| {
                    OfferHistory {
                        shown,
                        session_shown,
                        ever_shown,
                        accepted,
                        dismissed_at,
                        touched,
                    }
                },
            );
        (
            proptest::option::of(text()),
            prop_oneof![Just(0u32), any::<u32>()],
            proptest::collection::btree_map(text(), any::<u32>(), 0..3),
            proptest::collection::vec((any::<i64>(), text()), 0..3),
            proptest::collection::btree_map(text(), offer, 0..3),
            proptest::collection::btree_map(text(), any::<u64>(), 0..3),
            proptest::option::of((any::<i64>(), proptest::collection::vec(text(), 0..3))),
        )
            .prop_map(
                |(
                    session,
                    session_total,
                    session_placements,
                    log,
                    offers,
                    high_water,
                    purchase,
                )| {
                    Ledger {
                        session,
                        session_total,
                        session_placements: session_placements.into_iter().collect(),
                        log: log.into_iter().map(|(t, p)| Shown(t, p)).collect(),
                        offers: offers.into_iter().collect(),
                        high_water: high_water.into_iter().collect(),
                        purchase,
                    }
                },
            )
    }

    proptest! {
        /// The hand-written JSON is serde_json's, byte for byte, and reads back to the same
        /// ledger (bounds aside: these ledgers need not be within them).
        #[test]
        fn json_matches_serde_json(l in ledger_strategy()) {
            let text = l.to_json();
            prop_assert_eq!(&text, &serde_json::to_string(&l).unwrap());
            prop_assert_eq!(read(&text), Ok(l.clone()));
            prop_assert_eq!(l.encoded_len(), l.encode().len());
        }

        /// On text near a ledger's (a byte changed, removed or repeated), the reader accepts
        /// exactly what serde accepts, and reads the same ledger; the exceptions are a map key
        /// given twice, which serde keeps the last of and the reader refuses, and `-0`, which
        /// serde reads as a float and the reader as the integer 0.
        #[test]
        fn reader_agrees_with_serde_on_mutations(
            l in ledger_strategy(),
            at in any::<usize>(),
            byte in prop_oneof![Just(b'"'), Just(b','), Just(b'1'), Just(b'-'), Just(b'['), Just(b'}'), Just(b'n'), any::<u8>()],
            how in 0..3u8,
        ) {
            let mut bytes = l.to_json().into_bytes();
            let at = at % bytes.len();
            match how {
                0 => bytes[at] = byte,
                1 => { bytes.remove(at); }
                _ => { let b = bytes[at]; bytes.insert(at, b); }
            }
            let ours = json::parse_bytes(&bytes).and_then(|doc| read_ledger(doc.root()));
            let serde = serde_json::from_slice::<Ledger>(&bytes);
            match (&ours, &serde) {
                (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
                (Err(e), Ok(_)) => prop_assert!(e.message.starts_with("duplicate key"), "{:?}", e),
                (Ok(a), Err(e)) => prop_assert!(
                    e.to_string().contains("floating point `-0.0`"),
                    "serde refused ({}) what we read: {:?}", e, a
                ),
                (Err(_), Err(_)) => {}
            }
        }
    }

    proptest! {
        #[test]
        fn base64url_matches_the_crate(bytes in proptest::collection::vec(any::<u8>(), 0..100)) {
            let mut ours = String::new();
            push_base64url(&mut ours, &bytes);
            prop_assert_eq!(ours, URL_SAFE_NO_PAD.encode(&bytes));
        }

        #[test]
        fn hex16_matches_format(v in any::<u64>()) {
            let mut ours = String::new();
            push_hex16(&mut ours, v);
            prop_assert_eq!(ours, format!("{v:016x}"));
        }
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
