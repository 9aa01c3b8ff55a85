//! The wasm adapter: the only code that knows JsValue, js-sys and web-sys.
//!
//! It owns what a page needs between calls (the last good pack, the shopper's store, the
//! consent in force) and turns JS objects into core types with serde-wasm-bindgen (objects
//! cross the boundary as objects, never as JSON text per call). Nothing
//! here throws into JS: every entry point returns a value, and failures are
//! `{ ok: false, code, message }` objects the loader turns into `xsell:error`.

mod store;

pub use store::{Store, KEYS, LEDGER_KEY, VISITOR_KEY};

use crate::ledger::Event;
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

/// A random id (32 hex digits) from the browser's crypto.getRandomValues, for visitor and
/// decision ids. Empty if no random source is available.
#[wasm_bindgen(js_name = newId)]
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        return String::new();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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
        }
    }

    /// Sets consent (`{ storage, personalization, measurement, gpc }`). Without storage
    /// consent (or with GPC) the store is memory only and every key xsell wrote is deleted.
    /// Returns the effective consent, or a failure for a malformed object.
    #[wasm_bindgen(js_name = setConsent)]
    pub fn set_consent(&mut self, consent: JsValue) -> JsValue {
        match from_js::<Consent>(&consent) {
            Ok(c) => {
                self.consent = c;
                self.store.set_persistent(c.effective().storage);
                to_js(&c.effective())
            }
            Err(e) => failure("bad_consent", e),
        }
    }

    /// Verifies and loads a signed pack (envelope bytes). On success it replaces the pack and
    /// raises the stored high-water mark; on any failure the last good pack stays in use.
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
        let mut ledger = self.store.ledger();
        // The high-water mark is kept per pack id, which is only known once verified.
        let id = loaded.pack.header.id.clone();
        let version = loaded.pack.header.version;
        let high_water = ledger.high_water(&id);
        if version < high_water {
            let e = LoadError::Rollback {
                version,
                high_water,
            };
            return failure(e.code(), e.to_string());
        }
        ledger.raise_high_water(&id, version);
        self.store.set_ledger(&ledger);
        let info = to_js(&LoadedInfo {
            ok: true,
            pack_id: &id,
            version,
            key_id: &loaded.key_id,
            high_water: ledger.high_water(&id),
        });
        self.key_id = loaded.key_id;
        self.pack = Some(loaded.pack);
        info
    }

    /// Whether a good pack is loaded.
    #[wasm_bindgen(getter)]
    pub fn ready(&self) -> bool {
        self.pack.is_some()
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
        out.sort_by(f64::total_cmp);
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
    /// force. Returns the Decision with a fresh random `id`, or a failure.
    pub fn decide(&mut self, signals: JsValue, now: f64) -> JsValue {
        let Some(pack) = &self.pack else {
            return failure("no_pack", "no pack is loaded");
        };
        let signals: Signals = match from_js(&signals) {
            Ok(s) => s,
            Err(e) => return failure("bad_signals", e),
        };
        let ledger = self.store.ledger();
        let d = decide(pack, &signals, &ledger, &self.consent, secs(now));
        let out = to_js(&d);
        if out.is_object() {
            let _ = js_sys::Reflect::set(&out, &"id".into(), &new_id().into());
            let _ = js_sys::Reflect::set(&out, &"ok".into(), &true.into());
        }
        out
    }

    /// Records what happened (`{ kind, offer, placement, session, skus }`) at `now` in the
    /// stored ledger. Returns `{ ok: true }` or a failure for a malformed event.
    pub fn record(&mut self, event: JsValue, now: f64) -> JsValue {
        let event: Event = match from_js(&event) {
            Ok(e) => e,
            Err(e) => return failure("bad_event", e),
        };
        let mut ledger = self.store.ledger();
        ledger.record(&event, secs(now));
        self.store.set_ledger(&ledger);
        to_js(&Done { ok: true })
    }

    /// The visitor id: stored with storage consent, else new for this page.
    #[wasm_bindgen(js_name = visitorId)]
    pub fn visitor_id(&mut self) -> String {
        self.store.visitor_id(new_id)
    }

    /// The stored ledger, encoded (for the debug view and tests).
    #[wasm_bindgen(js_name = ledgerText)]
    pub fn ledger_text(&mut self) -> String {
        self.store.ledger().encode()
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
    }

    /// The keys xsell may write to localStorage.
    #[wasm_bindgen(js_name = storageKeys)]
    pub fn storage_keys() -> Vec<String> {
        KEYS.iter().map(|k| (*k).to_owned()).collect()
    }
}
