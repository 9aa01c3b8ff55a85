//! JS objects as core types: read once by serde-wasm-bindgen into a small value tree, then by hand.
//!
//! Each input (signals, consent, an event, load options) crosses as a JS object and is read with
//! serde-wasm-bindgen, as before, but through one visitor ([`Val`]'s `deserialize_any`) instead
//! of one serde-derived visitor per struct and field type: each derived struct instantiated the
//! deserializer's map, sequence and option code again (about 1–2 KB of wasm each). The typed
//! reads below are one reader driven by tables of fields ([`Fields`]): they follow the core
//! types' serde derives (`deny_unknown_fields`, defaults, objects only, integers in range, the
//! first problem in JS order) with serde's own messages, and every message from inside an object
//! starts with the path of the field that was wrong (`cart.items[0].qty: invalid value: …`).
//!
//! Where serde-wasm-bindgen's typed reads differ from its `deserialize_any`, the derives'
//! behaviour is kept for a list read as an object (`[key, value]` pairs). Not kept: a `Set`
//! or a `Map` where a list is expected is now refused, and a BigInt where a float is expected
//! now accepted. `tests/web.rs` compares both readers on a corpus of good and bad inputs.

use crate::consent::Consent;
use crate::ledger::{Event, EventKind, Map};
use crate::pack::source::Motivation;
use crate::signals::{
    AnswerValue, CartItem, CartSignals, CustomerSignals, Device, GeoSignals, LifecycleSignals,
    PageSignals, SessionSignals, Signals, TimeSignals,
};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Unexpected, Visitor};
use std::fmt;

/// A JS value as serde-wasm-bindgen's `deserialize_any` gives it.
#[derive(Debug)]
pub enum Val {
    /// `null` or `undefined`.
    Null,
    Bool(bool),
    /// A safe integer (or a BigInt within i64).
    Int(i64),
    /// Any other number (or a BigInt above i64).
    Num(f64),
    Str(String),
    List(Vec<Val>),
    /// A plain object or a `Map` with string keys, in JS order.
    Obj(Vec<(String, Val)>),
    /// A `Uint8Array` or `ArrayBuffer`.
    Bytes,
    /// A value serde-wasm-bindgen refused (a function, a symbol, a `Set`…): its message, given
    /// if the value is read.
    Bad(String),
}

impl<'de> de::Deserialize<'de> for Val {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Val, D::Error> {
        d.deserialize_any(ValVisitor)
    }
}

struct ValVisitor;

impl<'de> Visitor<'de> for ValVisitor {
    type Value = Val;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Val, E> {
        Ok(Val::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Val, E> {
        Ok(Val::Null)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Val, E> {
        Ok(Val::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Val, E> {
        Ok(Val::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Val, E> {
        Ok(match i64::try_from(v) {
            Ok(i) => Val::Int(i),
            Err(_) => Val::Num(v as f64),
        })
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Val, E> {
        Ok(Val::Num(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Val, E> {
        Ok(Val::Str(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Val, E> {
        Ok(Val::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Val, E> {
        Ok(Val::Bytes)
    }
    fn visit_byte_buf<E: de::Error>(self, _: Vec<u8>) -> Result<Val, E> {
        Ok(Val::Bytes)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Val, A::Error> {
        let mut out = Vec::new();
        loop {
            match seq.next_element::<Val>() {
                Ok(Some(v)) => out.push(v),
                Ok(None) => break,
                // The element itself was refused: kept, reported if it is read.
                Err(e) => out.push(Val::Bad(e.to_string())),
            }
        }
        Ok(Val::List(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Val, A::Error> {
        let mut out = Vec::new();
        let mut bad = None;
        while let Some(k) = map.next_key::<Val>()? {
            let v = map
                .next_value::<Val>()
                .unwrap_or_else(|e| Val::Bad(e.to_string()));
            match k {
                Val::Str(k) => out.push((k, v)),
                other => bad = bad.or_else(|| Some(invalid(&other, &"a string key"))),
            }
        }
        Ok(match bad {
            Some(e) => Val::Bad(e),
            None => Val::Obj(out),
        })
    }
}

impl Val {
    fn unexpected(&self) -> Unexpected<'_> {
        match self {
            Val::Null => Unexpected::Unit,
            Val::Bool(b) => Unexpected::Bool(*b),
            Val::Int(i) => Unexpected::Float(*i as f64),
            Val::Num(n) => Unexpected::Float(*n),
            Val::Str(s) => Unexpected::Str(s),
            Val::List(_) => Unexpected::Seq,
            Val::Obj(_) => Unexpected::Map,
            Val::Bytes => Unexpected::Bytes(&[]),
            Val::Bad(_) => Unexpected::Other("value"),
        }
    }
}

/// serde's "invalid type" message (a refused value keeps its own message).
fn invalid(v: &Val, expected: &dyn de::Expected) -> String {
    match v {
        Val::Bad(e) => e.clone(),
        _ => format!("invalid type: {}, expected {expected}", v.unexpected()),
    }
}

/// Where a value is: a field of an object, or an element of a list.
#[derive(Clone, Copy)]
enum Seg<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

/// A value's path from the input (`cart.items[0].qty`), for messages.
#[derive(Clone, Copy)]
struct At<'a> {
    up: Option<&'a At<'a>>,
    seg: Seg<'a>,
}

const ROOT: At<'static> = At {
    up: None,
    seg: Seg::Root,
};

impl<'a> At<'a> {
    fn key(&'a self, k: &'a str) -> At<'a> {
        At {
            up: Some(self),
            seg: Seg::Key(k),
        }
    }
    fn index(&'a self, i: usize) -> At<'a> {
        At {
            up: Some(self),
            seg: Seg::Index(i),
        }
    }

    /// `message`, after the path when there is one.
    #[inline(never)]
    fn err(&self, message: String) -> String {
        let mut path = String::new();
        self.write(&mut path);
        if path.is_empty() {
            message
        } else {
            path.push_str(": ");
            path.push_str(&message);
            path
        }
    }

    fn write(&self, out: &mut String) {
        if let Some(up) = self.up {
            up.write(out);
        }
        match self.seg {
            Seg::Root => {}
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }

    #[inline(never)]
    fn invalid(&self, v: &Val, expected: &str) -> String {
        self.err(invalid(v, &expected))
    }
}

type Res<T> = Result<T, String>;

/// What a struct is expected to be, in messages.
const OBJECT: &str = "a JSON object";

/// An object's entries. A list is read as serde-wasm-bindgen reads any iterable where it wants
/// a map: as `[key, value]` pairs (so `[]` is an empty object).
#[inline(never)]
fn entries<'v>(v: &'v Val, at: &At<'_>, expected: &str) -> Res<Vec<(&'v str, &'v Val)>> {
    match v {
        Val::Obj(e) => Ok(e.iter().map(|(k, v)| (k.as_str(), v)).collect()),
        Val::List(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, x) in items.iter().enumerate() {
                let (k, v) = match x {
                    Val::List(p) => (p.first(), p.get(1)),
                    _ => (None, None),
                };
                match k {
                    // A key given twice: serde's message for a struct ("field") or a map.
                    Some(Val::Str(k)) if out.iter().any(|(o, _)| o == k) => {
                        let what = if expected == OBJECT { "field" } else { "key" };
                        return Err(at.err(format!("duplicate {what} `{k}`")));
                    }
                    Some(Val::Str(k)) => out.push((k.as_str(), v.unwrap_or(&Val::Null))),
                    k => return Err(at.index(i).invalid(k.unwrap_or(&Val::Null), "a string key")),
                }
            }
            Ok(out)
        }
        _ => Err(at.invalid(v, expected)),
    }
}

/// What a field holds, as the core types' serde derives read it.
#[derive(Clone, Copy)]
enum Kind {
    /// A string; required.
    Str,
    /// A number; required.
    Num,
    /// A boolean, `false` when absent.
    Bool,
    /// Optional (absent or null): a string, a number, an integer in `0..=255`, in `0..=u32::MAX`
    /// or an i64, a boolean.
    OptStr,
    OptNum,
    OptU8,
    OptU32,
    OptI64,
    OptBool,
    /// An integer in `0..=u32::MAX`, a default when absent.
    U32,
    /// A list of strings, empty when absent.
    Strs,
    /// Optional: a unit variant of an enum (its names, and serde's "enum Name").
    OptVariant(&'static [&'static str], &'static str),
    /// An object with these fields (defaults when absent).
    Obj(Fields),
    /// A list of objects with these fields (empty when absent).
    Objs(Fields),
    /// An object of declared answers, or of stock levels (i64).
    Answers,
    Stock,
}

type Fields = &'static [(&'static str, Kind)];

/// A field as read ([`Got::Absent`] when absent, or null where that means absent).
#[derive(Default)]
enum Got {
    #[default]
    Absent,
    Str(String),
    Num(f64),
    Int(i64),
    Bool(bool),
    Strs(Vec<String>),
    Obj(Vec<Got>),
    Objs(Vec<Vec<Got>>),
    Answers(Vec<(String, AnswerValue)>),
    Stock(Vec<(String, i64)>),
}

/// An object's fields (in the order of `fields`), read in JS order: the first problem in JS
/// order is the one reported, as serde's derives do.
fn object(v: &Val, at: &At<'_>, fields: Fields) -> Res<Vec<Got>> {
    let mut out: Vec<Got> = fields.iter().map(|_| Got::Absent).collect();
    for (k, x) in entries(v, at, OBJECT)? {
        let Some(i) = fields.iter().position(|(n, _)| *n == k) else {
            let names = fields.iter().map(|(n, _)| *n);
            return Err(at.err(format!("unknown field `{k}`, expected {}", one_of(names))));
        };
        if let (Some(slot), Some((_, kind))) = (out.get_mut(i), fields.get(i)) {
            *slot = read(x, &at.key(k), *kind)?;
        }
    }
    for ((name, kind), got) in fields.iter().zip(&out) {
        if matches!(kind, Kind::Str | Kind::Num) && matches!(got, Got::Absent) {
            return Err(at.err(format!("missing field `{name}`")));
        }
    }
    Ok(out)
}

/// serde's list of expected names: "`a`", "`a` or `b`", "one of `a`, `b`, `c`".
fn one_of<'n>(names: impl ExactSizeIterator<Item = &'n str>) -> String {
    let n = names.len();
    let mut out = String::new();
    if n > 2 {
        out.push_str("one of ");
    }
    for (i, name) in names.enumerate() {
        if i > 0 {
            out.push_str(if n == 2 { " or " } else { ", " });
        }
        out.push('`');
        out.push_str(name);
        out.push('`');
    }
    out
}

fn read(v: &Val, at: &At<'_>, kind: Kind) -> Res<Got> {
    use Kind::*;
    let optional = matches!(
        kind,
        OptStr | OptNum | OptU8 | OptU32 | OptI64 | OptBool | OptVariant(..)
    );
    if optional && matches!(v, Val::Null) {
        return Ok(Got::Absent);
    }
    Ok(match kind {
        Str | OptStr => match v {
            Val::Str(s) => Got::Str(s.clone()),
            _ => return Err(at.invalid(v, "a string")),
        },
        Num | OptNum => match v {
            Val::Int(i) => Got::Num(*i as f64),
            Val::Num(n) => Got::Num(*n),
            _ => return Err(at.invalid(v, "f64")),
        },
        Bool | OptBool => match v {
            Val::Bool(b) => Got::Bool(*b),
            _ => return Err(at.invalid(v, "a boolean")),
        },
        OptU8 => Got::Int(unsigned(v, at, 255, "u8")?),
        U32 | OptU32 => Got::Int(unsigned(v, at, u32::MAX.into(), "u32")?),
        OptI64 => Got::Int(integer(v, at)?),
        Strs => {
            let mut out = Vec::new();
            for (i, x) in list(v, at)?.iter().enumerate() {
                match x {
                    Val::Str(s) => out.push(s.clone()),
                    _ => return Err(at.index(i).invalid(x, "a string")),
                }
            }
            Got::Strs(out)
        }
        OptVariant(names, what) => Got::Int(variant(v, at, names, what)?),
        Obj(fields) => Got::Obj(object(v, at, fields)?),
        Objs(fields) => {
            let mut out = Vec::new();
            for (i, x) in list(v, at)?.iter().enumerate() {
                out.push(object(x, &at.index(i), fields)?);
            }
            Got::Objs(out)
        }
        Answers => {
            let mut out = Vec::new();
            for (k, x) in entries(v, at, "an object")? {
                out.push((k.to_owned(), answer(x, &at.key(k))?));
            }
            Got::Answers(out)
        }
        Stock => {
            let mut out = Vec::new();
            for (k, x) in entries(v, at, "an object")? {
                out.push((k.to_owned(), integer(x, &at.key(k))?));
            }
            Got::Stock(out)
        }
    })
}

fn list<'v>(v: &'v Val, at: &At<'_>) -> Res<&'v [Val]> {
    match v {
        Val::List(items) => Ok(items),
        _ => Err(at.invalid(v, "a sequence")),
    }
}

/// An integer in `0..=max` (serde-wasm-bindgen: safe integers only; `what` is the Rust type).
fn unsigned(v: &Val, at: &At<'_>, max: i64, what: &str) -> Res<i64> {
    match v {
        Val::Int(i) if *i >= 0 => {
            if *i <= max {
                Ok(*i)
            } else {
                let n = Unexpected::Unsigned(*i as u64);
                Err(at.err(format!("invalid value: {n}, expected {what}")))
            }
        }
        _ => Err(at.invalid(v, what)),
    }
}

fn integer(v: &Val, at: &At<'_>) -> Res<i64> {
    match v {
        Val::Int(i) => Ok(*i),
        _ => Err(at.invalid(v, "i64")),
    }
}

/// A unit variant of an enum, by index: its name as a string (or serde's `{ name: null }`).
fn variant(v: &Val, at: &At<'_>, names: &'static [&'static str], what: &str) -> Res<i64> {
    let name = match v {
        Val::Str(s) => s,
        Val::Obj(e) if e.len() == 1 && matches!(e[0].1, Val::Null) => &e[0].0,
        Val::Obj(e) if e.len() != 1 => {
            return Err(at.err(format!("invalid length {}, expected 1", e.len())))
        }
        _ => return Err(at.invalid(v, what)),
    };
    match names.iter().position(|n| n == name) {
        Some(i) => Ok(i as i64),
        None => Err(at.err(format!(
            "unknown variant `{name}`, expected {}",
            one_of(names.iter().copied())
        ))),
    }
}

fn answer(v: &Val, at: &At<'_>) -> Res<AnswerValue> {
    match v {
        Val::Bool(b) => Ok(AnswerValue::Bool(*b)),
        Val::Int(i) => Ok(AnswerValue::Number(*i as f64)),
        Val::Num(n) => Ok(AnswerValue::Number(*n)),
        Val::Str(s) => Ok(AnswerValue::String(s.clone())),
        Val::Bytes | Val::Bad(_) => Err(at.invalid(v, "a string, number or boolean")),
        _ => Err(at.err("data did not match any variant of untagged enum AnswerValue".to_owned())),
    }
}

/// Field `i` of an object read by [`object`], taken out.
#[inline(never)]
fn take(g: &mut [Got], i: usize) -> Got {
    g.get_mut(i).map(std::mem::take).unwrap_or_default()
}

impl Got {
    #[inline(never)]
    fn str(self) -> Option<String> {
        match self {
            Got::Str(s) => Some(s),
            _ => None,
        }
    }
    #[inline(never)]
    fn num(self) -> Option<f64> {
        match self {
            Got::Num(n) => Some(n),
            _ => None,
        }
    }
    #[inline(never)]
    fn int(self) -> Option<i64> {
        match self {
            Got::Int(n) => Some(n),
            _ => None,
        }
    }
    #[inline(never)]
    fn bool(self) -> Option<bool> {
        match self {
            Got::Bool(b) => Some(b),
            _ => None,
        }
    }
    #[inline(never)]
    fn strs(self) -> Vec<String> {
        match self {
            Got::Strs(v) => v,
            _ => Vec::new(),
        }
    }
    /// An object's fields (none when absent: [`take`] then gives `Absent`).
    #[inline(never)]
    fn obj(self) -> Vec<Got> {
        match self {
            Got::Obj(v) => v,
            _ => Vec::new(),
        }
    }
}

use Kind::*;

const PAGE: Fields = &[
    ("product", OptStr),
    ("category", OptStr),
    ("dwell_seconds", OptNum),
];
const CART_ITEM: Fields = &[("sku", Str), ("qty", U32)];
const SESSION: Fields = &[
    ("id", OptStr),
    ("pages_viewed", OptU32),
    ("viewed_categories", Strs),
];
const TIME: Fields = &[("local_hour", OptU8), ("weekday", OptU8)];
const CUSTOMER: Fields = &[
    ("segment", OptStr),
    ("tenure_days", OptNum),
    ("first_purchase", OptBool),
    ("order_count", OptNum),
    ("category_mix", Strs),
];
const LIFECYCLE: Fields = &[
    ("purchased_at", OptI64),
    ("purchased", Strs),
    ("days_to_renewal", OptNum),
    ("usage_count", OptNum),
    ("days_to_depletion", OptNum),
];
const SIGNALS: Fields = &[
    ("placement", Str),
    ("page", Obj(PAGE)),
    ("cart", Obj(&[("items", Objs(CART_ITEM))])),
    ("session", Obj(SESSION)),
    (
        "device",
        OptVariant(&["mobile", "tablet", "desktop"], "enum Device"),
    ),
    ("geo", Obj(&[("country", OptStr)])),
    ("time", Obj(TIME)),
    ("customer", Obj(CUSTOMER)),
    ("lifecycle", Obj(LIFECYCLE)),
    ("answers", Answers),
    (
        "motivation",
        OptVariant(
            &["save_time", "reduce_risk", "enhance_results"],
            "enum Motivation",
        ),
    ),
    ("stock", Stock),
];

/// `Signals` (see `crate::signals`) from a JS object.
pub fn signals(v: &Val) -> Res<Signals> {
    let mut g = object(v, &ROOT, SIGNALS)?;
    let mut page = take(&mut g, 1).obj();
    let mut session = take(&mut g, 3).obj();
    let mut time = take(&mut g, 6).obj();
    let mut customer = take(&mut g, 7).obj();
    let mut lifecycle = take(&mut g, 8).obj();
    let items = match take(&mut take(&mut g, 2).obj(), 0) {
        Got::Objs(items) => items,
        _ => Vec::new(),
    };
    Ok(Signals {
        placement: take(&mut g, 0).str().unwrap_or_default(),
        page: PageSignals {
            product: take(&mut page, 0).str(),
            category: take(&mut page, 1).str(),
            dwell_seconds: take(&mut page, 2).num(),
        },
        cart: CartSignals {
            items: items
                .into_iter()
                .map(|mut item| CartItem {
                    sku: take(&mut item, 0).str().unwrap_or_default(),
                    qty: take(&mut item, 1).int().map_or(1, |n| n as u32),
                })
                .collect(),
        },
        session: SessionSignals {
            id: take(&mut session, 0).str(),
            pages_viewed: take(&mut session, 1).int().map(|n| n as u32),
            viewed_categories: take(&mut session, 2).strs(),
        },
        device: take(&mut g, 4).int().map(|i| match i {
            0 => Device::Mobile,
            1 => Device::Tablet,
            _ => Device::Desktop,
        }),
        geo: GeoSignals {
            country: take(&mut take(&mut g, 5).obj(), 0).str(),
        },
        time: TimeSignals {
            local_hour: take(&mut time, 0).int().map(|n| n as u8),
            weekday: take(&mut time, 1).int().map(|n| n as u8),
        },
        customer: CustomerSignals {
            segment: take(&mut customer, 0).str(),
            tenure_days: take(&mut customer, 1).num(),
            first_purchase: take(&mut customer, 2).bool(),
            order_count: take(&mut customer, 3).num(),
            category_mix: take(&mut customer, 4).strs(),
        },
        lifecycle: LifecycleSignals {
            purchased_at: take(&mut lifecycle, 0).int(),
            purchased: take(&mut lifecycle, 1).strs(),
            days_to_renewal: take(&mut lifecycle, 2).num(),
            usage_count: take(&mut lifecycle, 3).num(),
            days_to_depletion: take(&mut lifecycle, 4).num(),
        },
        answers: match take(&mut g, 9) {
            Got::Answers(a) => a.into_iter().collect(),
            _ => Map::new(),
        },
        motivation: take(&mut g, 10).int().map(|i| match i {
            0 => Motivation::SaveTime,
            1 => Motivation::ReduceRisk,
            _ => Motivation::EnhanceResults,
        }),
        stock: match take(&mut g, 11) {
            Got::Stock(s) => s.into_iter().collect(),
            _ => Map::new(),
        },
    })
}

/// `Consent` from a JS object.
pub fn consent(v: &Val) -> Res<Consent> {
    const F: Fields = &[
        ("storage", Bool),
        ("personalization", Bool),
        ("measurement", Bool),
        ("gpc", Bool),
    ];
    let mut g = object(v, &ROOT, F)?;
    let mut b = |i| take(&mut g, i).bool().unwrap_or(false);
    Ok(Consent {
        storage: b(0),
        personalization: b(1),
        measurement: b(2),
        gpc: b(3),
    })
}

/// `Event` (`crate::ledger`) from a JS object.
pub fn event(v: &Val) -> Res<Event> {
    const KINDS: &[&str] = &["shown", "accepted", "dismissed", "purchased"];
    const F: Fields = &[
        ("kind", OptVariant(KINDS, "enum EventKind")),
        ("offer", OptStr),
        ("placement", OptStr),
        ("session", OptStr),
        ("skus", Strs),
    ];
    let mut g = object(v, &ROOT, F)?;
    Ok(Event {
        kind: take(&mut g, 0).int().map(|i| match i {
            0 => EventKind::Shown,
            1 => EventKind::Accepted,
            2 => EventKind::Dismissed,
            _ => EventKind::Purchased,
        }),
        offer: take(&mut g, 1).str(),
        placement: take(&mut g, 2).str(),
        session: take(&mut g, 3).str(),
        skus: take(&mut g, 4).strs(),
    })
}

/// How a pack is loaded, from JS: `{ keys, now, audience?, skewSecs? }`.
pub struct LoadArgs {
    /// Trusted public keys, `ed25519:<base64>`, separated by commas or whitespace.
    pub keys: String,
    /// Unix seconds.
    pub now: f64,
    pub audience: Option<String>,
    pub skew_secs: Option<f64>,
}

/// `LoadArgs` from a JS object (camelCase names; a misspelt one is refused, so that
/// `{ audiance }` cannot silently skip the audience check).
pub fn load_args(v: &Val) -> Res<LoadArgs> {
    const F: Fields = &[
        ("keys", Str),
        ("now", Num),
        ("audience", OptStr),
        ("skewSecs", OptNum),
    ];
    let mut g = object(v, &ROOT, F)?;
    Ok(LoadArgs {
        keys: take(&mut g, 0).str().unwrap_or_default(),
        now: take(&mut g, 1).num().unwrap_or_default(),
        audience: take(&mut g, 2).str(),
        skew_secs: take(&mut g, 3).num(),
    })
}
