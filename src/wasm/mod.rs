//! The wasm adapter: the only code that knows JsValue, js-sys and web-sys.
//!
//! It owns what a page needs between calls (the last good pack, the shopper's store, the
//! consent in force) and turns JS objects into core types with serde-wasm-bindgen (objects
//! cross the boundary as objects, never as JSON text per call). Nothing
//! here throws into JS: every entry point returns a value, and failures are
//! `{ ok: false, code, message }` objects the loader turns into `xsell:error`.
//!
//! `decide` is called often (every slot, every context change), so its boundary is kept cheap:
//! the stored ledger is re-read only when localStorage holds a different value (`store`), the
//! decision's strings and repeated parts are made once and shared frozen (`out`), and decision
//! ids come from a per-engine seed (`Ids`) rather than one `crypto.getRandomValues` each.

mod out;
mod store;

pub use store::{Store, KEYS, LEDGER_KEY, VISITOR_KEY};

use crate::ledger::{Event, Ledger};
use crate::load::{load, LoadError, LoadOptions};
use crate::{decide, Consent, Pack, Signals, TrustedKeys};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// How a pack is loaded, from JS: `{ keys, now, audience?, skewSecs? }`.
///
/// Object-only like the core's input types: an array would otherwise be read positionally, and
/// reading it as a map lets `deny_unknown_fields` see a misspelt key (`{ audiance }` silently
/// skipping the audience check).
#[derive(Serialize, Deserialize)]
#[serde(remote = "Self")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct LoadArgs {
    /// Trusted public keys, `ed25519:<base64>`, separated by commas or whitespace.
    keys: String,
    /// Unix seconds.
    now: f64,
    #[serde(default)]
    audience: Option<String>,
    #[serde(default)]
    skew_secs: Option<f64>,
}

crate::object_only!(LoadArgs,);

/// `decideHtml`'s answer.
#[derive(Serialize)]
struct Card<'a> {
    ok: bool,
    id: &'a str,
    outcome: &'a str,
    placement: &'a str,
    offer: Option<&'a str>,
    html: &'a str,
}

/// A failure as JS sees it.
#[derive(Serialize)]
struct Failure<'a> {
    ok: bool,
    code: &'a str,
    message: String,
}

/// `{ ok: true }`.
#[derive(Serialize)]
struct Done {
    ok: bool,
}

/// A loaded pack as JS sees it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LoadedInfo<'a> {
    ok: bool,
    pack_id: &'a str,
    version: u64,
    key_id: &'a str,
    high_water: u64,
    /// Unix seconds: a host that keeps the pack longer than a page view (the edge) stops
    /// using it then.
    expires_at: i64,
}

/// A core value as a plain JS object (maps as objects, integers as numbers).
fn to_js<T: Serialize + ?Sized>(v: &T) -> JsValue {
    let ser = serde_wasm_bindgen::Serializer::json_compatible();
    v.serialize(&ser).unwrap_or(JsValue::NULL)
}

/// A JS value as a core type, read directly from the object (no JSON text per call).
fn from_js<T: serde::de::DeserializeOwned>(v: &JsValue) -> Result<T, String> {
    serde_wasm_bindgen::from_value(v.clone()).map_err(|e| e.to_string())
}

fn failure(code: &str, message: impl Into<String>) -> JsValue {
    to_js(&Failure {
        ok: false,
        code,
        message: message.into(),
    })
}

fn secs(now: f64) -> i64 {
    if now.is_finite() {
        // Saturating float-to-int conversion; times are whole seconds.
        now as i64
    } else {
        0
    }
}

/// Random bytes from the browser's crypto.getRandomValues; false if there is no random source.
fn random(bytes: &mut [u8]) -> bool {
    getrandom::fill(bytes).is_ok()
}

/// 32 lowercase hex digits (ASCII).
fn hex(bytes: [u8; 16]) -> [u8; 32] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 32];
    for (o, b) in out.chunks_exact_mut(2).zip(bytes) {
        o[0] = HEX[usize::from(b >> 4)];
        o[1] = HEX[usize::from(b & 15)];
    }
    out
}

/// A random id (32 hex digits) from the browser's crypto.getRandomValues, for visitor and
/// session ids. Empty if no random source is available.
#[wasm_bindgen(js_name = newId)]
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    if !random(&mut bytes) {
        return String::new();
    }
    hex(bytes).iter().map(|&b| char::from(b)).collect()
}

/// Decision ids: unique and unguessable enough to tell decisions apart, and cheap (one
/// crypto.getRandomValues per engine instead of one per decision). A 128-bit random seed and a
/// counter, each half through SplitMix64's finalizer: distinct counters give distinct ids
/// (the finalizer is a bijection), and ids from two engines collide only if their seeds do.
/// Not secret: an id is a label for the host's events, never a credential.
#[derive(Default)]
struct Ids {
    seed: Option<[u64; 2]>,
    n: u64,
}

impl Ids {
    /// The next id, as a JS string.
    fn next(&mut self) -> JsValue {
        let seed = *self.seed.get_or_insert_with(|| {
            let mut b = [0u8; 16];
            if !random(&mut b) {
                // No crypto: Math.random still tells this engine's ids from another's.
                for (i, c) in b.chunks_mut(4).enumerate() {
                    let r = (js_sys::Math::random() * 4_294_967_296.0) as u32;
                    c.copy_from_slice(&(r ^ i as u32).to_le_bytes());
                }
            }
            let (lo, hi) = b.split_at(8);
            let word = |s: &[u8]| s.iter().fold(0u64, |a, &x| (a << 8) | u64::from(x));
            [word(lo), word(hi)]
        });
        self.n = self.n.wrapping_add(1);
        let mix = |x: u64| {
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        let step = self.n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let a = mix(seed[0].wrapping_add(step));
        let b = mix(seed[1].wrapping_add(step));
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&a.to_be_bytes());
        bytes[8..].copy_from_slice(&b.to_be_bytes());
        let h = hex(bytes);
        from_char_codes(
            h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13],
            h[14], h[15], h[16], h[17], h[18], h[19], h[20], h[21], h[22], h[23], h[24], h[25],
            h[26], h[27], h[28], h[29], h[30], h[31],
        )
    }
}

#[wasm_bindgen]
extern "C" {
    /// `String.fromCharCode` with an id's 32 ASCII digits as arguments: one call and no
    /// `TextDecoder`, which costs more than the rest of the id (`JsValue::from_str`), nor a
    /// typed-array view spread into arguments (js-sys's variadic binding).
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(js_namespace = String, js_name = fromCharCode)]
    fn from_char_codes(
        c0: u8,
        c1: u8,
        c2: u8,
        c3: u8,
        c4: u8,
        c5: u8,
        c6: u8,
        c7: u8,
        c8: u8,
        c9: u8,
        c10: u8,
        c11: u8,
        c12: u8,
        c13: u8,
        c14: u8,
        c15: u8,
        c16: u8,
        c17: u8,
        c18: u8,
        c19: u8,
        c20: u8,
        c21: u8,
        c22: u8,
        c23: u8,
        c24: u8,
        c25: u8,
        c26: u8,
        c27: u8,
        c28: u8,
        c29: u8,
        c30: u8,
        c31: u8,
    ) -> JsValue;
}

/// This engine's version (compared with a pack's `min_engine`).
#[wasm_bindgen(js_name = engineVersion)]
pub fn engine_version() -> String {
    crate::ENGINE_VERSION.to_owned()
}

/// One page's engine: the last good pack, the shopper's store and the consent in force.
#[wasm_bindgen]
pub struct Engine {
    pack: Option<Pack>,
    key_id: String,
    store: Store,
    consent: Consent,
    ids: Ids,
    /// JS strings and objects already made for decisions (see `out`).
    made: out::Made,
    /// Hosted (`Engine.hosted()`, the edge): the host keeps each shopper's ledger (a cookie)
    /// and hands it over per request with `setLedger`; the store never touches localStorage,
    /// and pack high-water marks are the engine's own (`marks`), not the shopper's.
    hosted: bool,
    marks: crate::ledger::Map<u64>,
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.store.flush();
    }
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new()
    }
}

#[wasm_bindgen]
impl Engine {
    /// A new engine with no pack, no consent (nothing stored) and an in-memory store.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Engine {
        #[cfg(feature = "debug")]
        console_error_panic_hook::set_once();
        Engine {
            pack: None,
            key_id: String::new(),
            store: Store::new(false),
            consent: Consent::default(),
            ids: Ids::default(),
            made: out::Made::default(),
            hosted: false,
            marks: crate::ledger::Map::new(),
        }
    }

    /// An engine whose host keeps the ledger (an edge worker, in a signed cookie): it never
    /// uses localStorage, takes each shopper's ledger with `setLedger` and gives it back with
    /// `ledgerText`, and keeps the high-water marks of the packs it loaded itself.
    pub fn hosted() -> Engine {
        let mut e = Engine::new();
        e.hosted = true;
        e
    }

    /// Sets consent (`{ storage, personalization, measurement, gpc }`). Returns the effective
    /// consent, or a failure for a malformed object (the consent in force is then unchanged).
    ///
    /// Without storage consent (or with GPC) the store is memory only and every key xsell wrote
    /// is deleted. When storage consent arrives, the engine switches to localStorage in place:
    /// the device's stored ledger is used from now on, and the events recorded in memory for the
    /// page so far are dropped (replay them with `record`, in the session now in force, as the
    /// loader does). The loaded pack is checked against the stored high-water mark: an older
    /// version than the device has seen is a `rollback` failure and is unloaded.
    #[wasm_bindgen(js_name = setConsent)]
    pub fn set_consent(&mut self, consent: JsValue) -> JsValue {
        let c = match from_js::<Consent>(&consent) {
            Ok(c) => c,
            Err(e) => return failure("bad_consent", e),
        };
        let was = self.store.persistent();
        // Kept decision parts may hold personal text (a because sentence): not past a change.
        // The same consent again (an edge worker sets it for every request) keeps them.
        if c.effective() != self.consent.effective() {
            self.made.clear();
        }
        self.consent = c;
        if self.hosted {
            return to_js(&c.effective());
        }
        self.store.set_persistent(c.effective().storage);
        if self.store.persistent() && !was {
            if let Some(pack) = &self.pack {
                let (id, version) = (pack.header.id.clone(), pack.header.version);
                if let Err(e) = self.raise_high_water(&id, version) {
                    self.pack = None;
                    self.key_id.clear();
                    return failure(e.code(), e.to_string());
                }
            }
        }
        to_js(&c.effective())
    }

    /// Refuses `version` of pack `id` if the stored ledger has seen a later one; else raises
    /// the stored high-water mark to it. Returns the mark.
    fn raise_high_water(&mut self, id: &str, version: u64) -> Result<u64, LoadError> {
        // A hosted engine's marks are its own; otherwise they are the stored ledger's.
        let high_water = if self.hosted {
            self.marks.get(id).copied().unwrap_or(0)
        } else {
            self.store.ledger().high_water(id)
        };
        if version < high_water {
            return Err(LoadError::Rollback {
                version,
                high_water,
            });
        }
        if version > high_water {
            if self.hosted {
                self.marks.insert(id.to_owned(), version);
            } else {
                // Written with the next record, `flush` or drop: not in the way of the first card.
                self.store.raise_later(id, version);
            }
        }
        Ok(version)
    }

    /// Writes what the engine holds back to localStorage (a raised high-water mark; see
    /// `load`). The loader calls it once the first cards are on screen; `record` and dropping
    /// the engine do it too.
    pub fn flush(&mut self) {
        self.store.flush();
    }

    /// Verifies and loads a signed pack (envelope bytes). On success it replaces the pack and
    /// raises the stored high-water mark (written at the next `record` or `flush`); on any
    /// failure the last good pack stays in use.
    pub fn load(&mut self, envelope: &[u8], args: JsValue) -> JsValue {
        let args: LoadArgs = match from_js(&args) {
            Ok(a) => a,
            Err(e) => return failure("bad_arguments", e),
        };
        let trusted = match TrustedKeys::parse_list(&args.keys) {
            Ok(t) => t,
            Err(e) => return failure("bad_keys", e.to_string()),
        };
        let mut opts = LoadOptions::new(&trusted, secs(args.now));
        opts.audience = args.audience.as_deref();
        if let Some(s) = args.skew_secs {
            opts.skew_secs = secs(s);
        }
        let loaded = match load(envelope, &opts) {
            Ok(l) => l,
            Err(e) => return failure(e.code(), e.to_string()),
        };
        // The high-water mark is kept per pack id, which is only known once verified.
        let header = &loaded.pack.header;
        let high_water = match self.raise_high_water(&header.id, header.version) {
            Ok(h) => h,
            Err(e) => return failure(e.code(), e.to_string()),
        };
        let info = to_js(&LoadedInfo {
            ok: true,
            pack_id: &header.id,
            version: header.version,
            key_id: &loaded.key_id,
            high_water,
            expires_at: header.expires_at,
        });
        self.key_id = loaded.key_id;
        self.pack = Some(loaded.pack);
        self.made.clear();
        info
    }

    /// Whether a good pack is loaded.
    #[wasm_bindgen(getter)]
    pub fn ready(&self) -> bool {
        self.pack.is_some()
    }

    /// Whether the loaded pack declares experiments: only then does the script give decisions a
    /// visitor id (which it keeps with storage consent) to assign shoppers by.
    #[wasm_bindgen(getter)]
    pub fn experiments(&self) -> bool {
        self.pack
            .as_ref()
            .is_some_and(|p| !p.experiments.is_empty())
    }

    /// The dwell times (seconds, ascending) at which some condition of the pack changes its
    /// mind about `page.dwell_seconds`: the page decides again for an empty slot at each.
    #[wasm_bindgen(js_name = dwellThresholds)]
    pub fn dwell_thresholds(&self) -> Vec<f64> {
        let mut out = Vec::new();
        if let Some(pack) = &self.pack {
            for o in &pack.offers {
                o.condition
                    .thresholds(crate::condition::Field::PageDwellSeconds, &mut out);
            }
        }
        out.retain(|v| v.is_finite() && *v > 0.0 && *v <= 3600.0);
        // An insertion sort: a pack has a few thresholds, and the standard library's sort
        // would be about 3.5 KB of wasm used only here.
        for i in 1..out.len() {
            let mut j = i;
            while j > 0 && out[j - 1] > out[j] {
                out.swap(j - 1, j);
                j -= 1;
            }
        }
        out.dedup();
        out
    }

    /// The pack's default consent for a shopper in `country` (ISO code; "" or null for
    /// unknown): `{ storage, personalization, measurement, gpc: false }`, or null when the
    /// pack sets none (then nothing is assumed until the host or a CMP answers).
    #[wasm_bindgen(js_name = consentDefault)]
    pub fn consent_default(&self, country: Option<String>) -> JsValue {
        let Some(pack) = &self.pack else {
            return JsValue::NULL;
        };
        let country = country.filter(|c| !c.is_empty());
        match pack.policy.consent_default(country.as_deref()) {
            Some(c) => to_js(&c),
            None => JsValue::NULL,
        }
    }

    /// The catalog category of `sku`, if the pack knows it (for "categories viewed").
    pub fn category(&self, sku: &str) -> Option<String> {
        let pack = self.pack.as_ref()?;
        pack.product(sku).map(|(_, p)| p.category.clone())
    }

    /// Decides for `signals` at `now` (Unix seconds) with the stored ledger and the consent in
    /// force. Returns the Decision with a fresh `id` and `ok: true`, or a failure. Parts of
    /// it are shared, frozen, between decisions (see `out`): copy before changing it.
    pub fn decide(&mut self, signals: JsValue, now: f64) -> JsValue {
        self.deciding(&signals, now, |d, ids, made| made.decision(d, &ids.next()))
    }

    /// For a server that fills the slot itself (the edge's HTML mode): the decision in brief
    /// and its card as HTML, `{ ok, id, outcome, placement, offer, html }`, where `offer` is the
    /// offer id (or null) and `html` the drop-in script's card markup with every text escaped
    /// (`decision::html`), empty without an offer. The full decision object is not made. A
    /// failure is returned as `decide`'s.
    #[wasm_bindgen(js_name = decideHtml)]
    pub fn decide_html(&mut self, signals: JsValue, now: f64) -> JsValue {
        self.deciding(&signals, now, |d, ids, _| {
            let html = d
                .offer
                .as_ref()
                .map(|o| crate::decision::html::card(o, &crate::decision::html::LABELS))
                .unwrap_or_default();
            let id = ids.next().as_string().unwrap_or_default();
            to_js(&Card {
                ok: true,
                id: &id,
                outcome: d.outcome.name(),
                placement: &d.placement,
                offer: d.offer.as_ref().map(|o| &*o.id),
                html: &html,
            })
        })
    }

    /// The decision for `signals` at `now` with the stored ledger and the consent in force,
    /// handed to `answer` with the id source and the made parts; `no_pack` or `bad_signals`
    /// as a failure.
    fn deciding(
        &mut self,
        signals: &JsValue,
        now: f64,
        answer: impl FnOnce(&crate::Decision<'_>, &mut Ids, &mut out::Made) -> JsValue,
    ) -> JsValue {
        let Some(pack) = &self.pack else {
            return failure("no_pack", "no pack is loaded");
        };
        let signals: Signals = match from_js(signals) {
            Ok(s) => s,
            Err(e) => return failure("bad_signals", e),
        };
        let d = decide(
            pack,
            &signals,
            self.store.ledger(),
            &self.consent,
            secs(now),
        );
        answer(&d, &mut self.ids, &mut self.made)
    }

    /// Records what happened (`{ kind, offer, placement, session, skus }`) at `now` in the
    /// stored ledger. Returns `{ ok: true }` or a failure for a malformed event.
    pub fn record(&mut self, event: JsValue, now: f64) -> JsValue {
        let event: Event = match from_js(&event) {
            Ok(e) => e,
            Err(e) => return failure("bad_event", e),
        };
        let mut ledger = self.store.take_ledger();
        ledger.record(&event, secs(now));
        self.store.set_ledger(ledger);
        to_js(&Done { ok: true })
    }

    /// The visitor id: stored with storage consent, else new for this page.
    #[wasm_bindgen(js_name = visitorId)]
    pub fn visitor_id(&mut self) -> String {
        self.store.visitor_id(new_id)
    }

    /// The stored ledger, encoded (for the debug view, tests and a hosted engine's cookie).
    /// With `max`, at most that many bytes: the least recently used offers go first, then the
    /// oldest shown events (`Ledger::shrink_to`); the engine's own copy is left whole.
    #[wasm_bindgen(js_name = ledgerText)]
    pub fn ledger_text(&mut self, max: Option<u32>) -> String {
        let ledger = self.store.ledger();
        match max {
            Some(max) if ledger.encoded_len() > max as usize => {
                let mut small = ledger.clone();
                small.shrink_to(max as usize);
                small.encode()
            }
            _ => ledger.encode(),
        }
    }

    /// A hosted engine's ledger for the next decisions: the shopper's stored text (a cookie's),
    /// or nothing for a new shopper. A text that does not decode (edited, truncated, from
    /// another engine version) is not trusted: the ledger starts empty and the result is a
    /// `bad_ledger` failure saying why, so the host can drop what it stored.
    #[wasm_bindgen(js_name = setLedger)]
    pub fn set_ledger(&mut self, text: Option<String>) -> JsValue {
        if !self.hosted {
            return failure(
                "not_hosted",
                "setLedger is for an engine made by Engine.hosted()",
            );
        }
        let (ledger, problem) = match text.as_deref() {
            None | Some("") => (Ledger::default(), None),
            Some(t) => match Ledger::decode(t) {
                Ok(l) => (l, None),
                Err(e) => (Ledger::default(), Some(e.to_string())),
            },
        };
        self.store.set_ledger(ledger);
        match problem {
            Some(p) => failure("bad_ledger", format!("stored ledger reset: {p}")),
            None => to_js(&Done { ok: true }),
        }
    }

    /// Whether the store writes to localStorage (storage consent given).
    #[wasm_bindgen(getter)]
    pub fn persistent(&self) -> bool {
        self.store.persistent()
    }

    /// The last storage problem, if any (a throwing or full localStorage, a reset ledger).
    #[wasm_bindgen(js_name = storageProblem)]
    pub fn storage_problem(&self) -> Option<String> {
        self.store.last_problem.clone()
    }

    /// Deletes every key xsell stored (consent withdrawn).
    pub fn forget(&mut self) {
        self.store.clear();
        self.made.clear();
    }

    /// The keys xsell may write to localStorage.
    #[wasm_bindgen(js_name = storageKeys, unchecked_return_type = "string[]")]
    pub fn storage_keys() -> js_sys::Array {
        KEYS.iter().map(|k| JsValue::from_str(k)).collect()
    }
}
