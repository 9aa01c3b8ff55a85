//! The Decision as JS receives it, built by serde-wasm-bindgen with two savings.
//!
//! * **JS strings are made once.** Turning a Rust string into a JS string goes through the
//!   glue's `TextDecoder`, the most expensive step of building a decision; nearly every string
//!   in one (offer ids, the because sentence, matched rules, the trace's details) repeats from
//!   one decision to the next. [`Strings`] keeps the JS string made for each text, by content,
//!   and hands it back through `serde_wasm_bindgen::preserve`.
//! * **Objects are made once.** The card (`OfferView`, with its prices, items and bundle tiers:
//!   most of a decision's objects) stays the same as long as the winner, its because sentence
//!   and its eligible tiers do; so do `matched`, `trace` and `pack` for the same shopper.
//!   [`Made`] keeps the last few `OfferView`s, `matched` and `trace` lists, and the pack's
//!   `{ id, version }`, each with the JS value made from it, frozen (`Object.freeze`, every
//!   level), and hands that value out again while the new one is equal (by content) to the
//!   kept one. Only the decision's own object, with its new `id`, is made every time. Callers
//!   that pass a decision on to code that may change it copy it first (the loader does, for
//!   its events).
//!
//! Otherwise the object is the Decision JSON of docs/decision.md (the same fields, names and
//! omissions as `Decision`'s own `Serialize`), plus `id` and `ok: true`.

use crate::decision::view::own;
use crate::decision::view::{kind_name, motivation_name, tier_name};
use crate::decision::view::{BundleView, ItemView, Money, NeedView, OfferView, TierView};
use crate::decision::{Decision, ExperimentRef, PackRef, Text, TraceEntry};
use crate::ledger::Map;
use serde::ser::{SerializeSeq, SerializeStruct, Serializer};
use serde::Serialize;
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};

/// Strings kept at most; past this the cache starts afresh (a pack's texts are far fewer).
const MAX_STRINGS: usize = 4096;
/// Longer texts are not kept (a pack's texts are short; this bounds the cache's memory).
const MAX_STRING_LEN: usize = 1024;

/// JS strings made from Rust text, by content (a sorted map: a pack has a few hundred texts,
/// and a hash map's code would be about 2 KB of wasm more).
#[derive(Default)]
struct Strings {
    made: Map<JsValue>,
}

impl Strings {
    /// The JS string for `s`, made now or earlier.
    fn get(&mut self, s: &str) -> JsValue {
        if let Some(v) = self.made.get(s) {
            return v.clone();
        }
        let v = JsValue::from_str(s);
        if s.len() <= MAX_STRING_LEN {
            if self.made.len() >= MAX_STRINGS {
                self.made.clear();
            }
            self.made.insert(s.to_owned(), v.clone());
        }
        v
    }
}

/// Offers, `matched` lists and `trace` lists kept at most, each (the oldest goes first).
const MAX_KEPT: usize = 32;

/// Everything an engine keeps to build decisions: JS strings, frozen offer objects, `matched`
/// and `trace` lists, and the `pack` object. Cleared when a pack is loaded.
#[derive(Default)]
pub struct Made {
    strings: RefCell<Strings>,
    offers: Kept<OfferView<'static>>,
    matched: Kept<Vec<Text<'static>>>,
    trace: Kept<Vec<TraceEntry<'static>>>,
    /// `{ id, version }` of the loaded pack, frozen.
    pack: Option<JsValue>,
}

/// Values and the frozen JS values made from them, newest last.
struct Kept<T>(Vec<(T, JsValue)>);

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Kept(Vec::new())
    }
}

impl<T> Kept<T> {
    /// The JS value kept for a value `same` accepts.
    fn find(&self, same: impl Fn(&T) -> bool) -> Option<JsValue> {
        self.0
            .iter()
            .find(|(k, _)| same(k))
            .map(|(_, js)| js.clone())
    }

    fn keep(&mut self, v: T, js: &JsValue) {
        if self.0.len() >= MAX_KEPT {
            self.0.remove(0);
        }
        self.0.push((v, js.clone()));
    }
}

impl Made {
    /// Forgets everything (a new pack has other texts).
    pub fn clear(&mut self) {
        self.strings.borrow_mut().made.clear();
        self.offers.0.clear();
        self.matched.0.clear();
        self.trace.0.clear();
        self.pack = None;
    }

    /// The JS object for the card `v`. (Kept values outlive `v`'s borrows: they are compared
    /// as the shorter-lived type.)
    fn offer(&mut self, v: &OfferView<'_>) -> JsValue {
        if let Some(js) = self.offers.find(|k| {
            let k: &OfferView<'_> = k;
            k == v
        }) {
            return js;
        }
        let js = frozen(&W(v, &self.strings));
        self.offers.keep(v.clone().into_owned(), &js);
        js
    }

    /// The JS array for `matched`.
    fn matched(&mut self, v: &[Text<'_>]) -> JsValue {
        if let Some(js) = self.matched.find(|k| k.as_slice() == v) {
            return js;
        }
        let js = frozen(&W(v, &self.strings));
        self.matched.keep(v.iter().cloned().map(own).collect(), &js);
        js
    }

    /// The JS array for `trace`.
    fn trace(&mut self, v: &[TraceEntry<'_>]) -> JsValue {
        if let Some(js) = self.trace.find(|k| {
            let k: &[TraceEntry<'_>] = k;
            k == v
        }) {
            return js;
        }
        let js = frozen(&W(v, &self.strings));
        let owned = v.iter().map(|t| TraceEntry {
            offer: own(t.offer.clone()),
            reason: t.reason,
            detail: own(t.detail.clone()),
        });
        self.trace.keep(owned.collect(), &js);
        js
    }

    /// The JS object for `pack: { id, version }`.
    fn pack(&mut self, p: &PackRef<'_>) -> JsValue {
        if let Some(js) = &self.pack {
            return js.clone();
        }
        let js = frozen(p);
        self.pack = Some(js.clone());
        js
    }

    /// The decision as a JS object: see the module's documentation.
    pub fn decision(&mut self, d: &Decision<'_>, id: &JsValue) -> JsValue {
        let out = Out {
            offer: d.offer.as_ref().map(|o| self.offer(o)),
            matched: self.matched(&d.matched),
            trace: self.trace(&d.trace),
            pack: self.pack(&d.pack),
            decision: d,
            id,
            strings: &self.strings,
        };
        super::to_js(&out)
    }
}

/// `v` as a JS value, frozen.
fn frozen<T: Serialize + ?Sized>(v: &T) -> JsValue {
    let js = super::to_js(v);
    freeze(&js);
    js
}

/// `Object.freeze` on an object and everything in it.
fn freeze(v: &JsValue) {
    if let Some(o) = v.dyn_ref::<js_sys::Object>() {
        for x in js_sys::Object::values(o).iter() {
            freeze(&x);
        }
        js_sys::Object::freeze(o);
    }
}

/// A decision to serialize, with the parts made (or kept) already.
struct Out<'a, 'p> {
    decision: &'a Decision<'p>,
    offer: Option<JsValue>,
    matched: JsValue,
    trace: JsValue,
    pack: JsValue,
    /// The decision's random id (a JS string).
    id: &'a JsValue,
    strings: &'a RefCell<Strings>,
}

/// A JS value passed through as it is.
struct Js<'a>(&'a JsValue);

impl Serialize for Js<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serde_wasm_bindgen::preserve::serialize(self.0, s)
    }
}

/// A value serialized with the string cache.
struct W<'a, T: ?Sized>(&'a T, &'a RefCell<Strings>);

/// Serialization with the string cache (the cache is threaded through every nested value).
trait ToJs {
    fn to_js<S: Serializer>(&self, strings: &RefCell<Strings>, s: S) -> Result<S::Ok, S::Error>;
}

impl<T: ToJs + ?Sized> Serialize for W<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.to_js(self.1, s)
    }
}

impl ToJs for str {
    fn to_js<S: Serializer>(&self, strings: &RefCell<Strings>, s: S) -> Result<S::Ok, S::Error> {
        // The borrow ends before serde-wasm-bindgen takes the value.
        let v = strings.borrow_mut().get(self);
        Js(&v).serialize(s)
    }
}

impl ToJs for std::borrow::Cow<'_, str> {
    fn to_js<S: Serializer>(&self, strings: &RefCell<Strings>, s: S) -> Result<S::Ok, S::Error> {
        self.as_ref().to_js(strings, s)
    }
}

impl<T: ToJs> ToJs for [T] {
    fn to_js<S: Serializer>(&self, strings: &RefCell<Strings>, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for v in self {
            seq.serialize_element(&W(v, strings))?;
        }
        seq.end()
    }
}

/// `field: value` with the cache.
fn field<M: SerializeStruct, T: ToJs + ?Sized>(
    m: &mut M,
    key: &'static str,
    v: &T,
    strings: &RefCell<Strings>,
) -> Result<(), M::Error> {
    m.serialize_field(key, &W(v, strings))
}

/// `field: value` with the cache, or nothing for `None` (as `skip_serializing_if`).
fn some<M: SerializeStruct, T: ToJs>(
    m: &mut M,
    key: &'static str,
    v: &Option<T>,
    strings: &RefCell<Strings>,
) -> Result<(), M::Error> {
    match v {
        Some(v) => field(m, key, v, strings),
        None => Ok(()),
    }
}

impl ToJs for Money<'_> {
    fn to_js<S: Serializer>(&self, st: &RefCell<Strings>, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("Money", 3)?;
        m.serialize_field("amount", &self.amount)?;
        field(&mut m, "currency", &self.currency, st)?;
        field(&mut m, "display", &self.display, st)?;
        m.end()
    }
}

impl ToJs for ItemView<'_> {
    fn to_js<S: Serializer>(&self, st: &RefCell<Strings>, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("ItemView", 4)?;
        field(&mut m, "sku", &self.sku, st)?;
        field(&mut m, "name", &self.name, st)?;
        field(&mut m, "price", &self.price, st)?;
        if self.anchor {
            m.serialize_field("anchor", &true)?;
        }
        m.end()
    }
}

impl ToJs for TierView<'_> {
    fn to_js<S: Serializer>(&self, st: &RefCell<Strings>, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("TierView", 4)?;
        field(&mut m, "offer", &self.offer, st)?;
        field(&mut m, "tier", tier_name(self.tier), st)?;
        field(&mut m, "label", &self.label, st)?;
        field(&mut m, "price", &self.price, st)?;
        m.end()
    }
}

impl ToJs for BundleView<'_> {
    fn to_js<S: Serializer>(&self, st: &RefCell<Strings>, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("BundleView", 4)?;
        field(&mut m, "name", &self.name, st)?;
        field(&mut m, "tier", tier_name(self.tier), st)?;
        field(&mut m, "label", &self.label, st)?;
        field(&mut m, "tiers", self.tiers.as_slice(), st)?;
        m.end()
    }
}

impl ToJs for OfferView<'_> {
    fn to_js<S: Serializer>(&self, st: &RefCell<Strings>, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("OfferView", 15)?;
        field(&mut m, "id", &self.id, st)?;
        field(&mut m, "kind", kind_name(self.kind), st)?;
        field(&mut m, "title", &self.title, st)?;
        some(&mut m, "benefit", &self.benefit, st)?;
        field(&mut m, "because", &self.because, st)?;
        field(&mut m, "cta", &self.cta, st)?;
        some(&mut m, "image", &self.image, st)?;
        some(&mut m, "url", &self.url, st)?;
        field(&mut m, "price", &self.price, st)?;
        some(&mut m, "regular_price", &self.regular_price, st)?;
        some(&mut m, "savings", &self.savings, st)?;
        field(&mut m, "items", self.items.as_slice(), st)?;
        some(&mut m, "bundle", &self.bundle, st)?;
        field(&mut m, "need", &self.need, st)?;
        some(&mut m, "chosen", &self.chosen, st)?;
        m.end()
    }
}

impl ToJs for NeedView {
    fn to_js<S: Serializer>(&self, st: &RefCell<Strings>, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("NeedView", 2)?;
        field(&mut m, "stage", self.stage.name(), st)?;
        field(&mut m, "motivation", motivation_name(self.motivation), st)?;
        m.end()
    }
}

impl ToJs for ExperimentRef<'_> {
    fn to_js<S: Serializer>(&self, st: &RefCell<Strings>, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("ExperimentRef", 3)?;
        field(&mut m, "id", &self.id, st)?;
        field(&mut m, "unit", self.unit.name(), st)?;
        field(&mut m, "arm", &self.arm, st)?;
        m.end()
    }
}

impl ToJs for TraceEntry<'_> {
    fn to_js<S: Serializer>(&self, st: &RefCell<Strings>, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_struct("TraceEntry", 3)?;
        field(&mut m, "offer", &self.offer, st)?;
        field(&mut m, "reason", self.reason.name(), st)?;
        field(&mut m, "detail", &self.detail, st)?;
        m.end()
    }
}

impl Serialize for Out<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (d, st) = (self.decision, self.strings);
        let mut m = s.serialize_struct("Decision", 14)?;
        field(&mut m, "outcome", d.outcome.name(), st)?;
        field(&mut m, "placement", &d.placement, st)?;
        if let Some(stage) = d.stage {
            field(&mut m, "stage", stage.name(), st)?;
        }
        m.serialize_field("pack", &Js(&self.pack))?;
        m.serialize_field("personalized", &d.personalized)?;
        if let Some(e) = &d.experiment {
            m.serialize_field("experiment", &W(e, st))?;
        }
        if let Some(offer) = &self.offer {
            m.serialize_field("offer", &Js(offer))?;
        }
        if let Some(w) = &d.would_be {
            field(&mut m, "would_be", w, st)?;
        }
        if let Some(score) = d.score {
            m.serialize_field("score", &score)?;
        }
        m.serialize_field("matched", &Js(&self.matched))?;
        m.serialize_field("trace", &Js(&self.trace))?;
        m.serialize_field("id", &Js(self.id))?;
        m.serialize_field("ok", &true)?;
        m.end()
    }
}
