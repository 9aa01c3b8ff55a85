//! The browser module's size floor: the required dependencies, each used the way the engine
//! uses it, and no engine (see Cargo.toml). `scripts/bench-web.mjs` reports its size beside
//! (a1), so the room left for the engine itself is a measured number.

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// Signals-like input: nested objects, optional fields, a list, unknown fields refused.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Signals {
    placement: String,
    #[serde(default)]
    page: Option<Page>,
    #[serde(default)]
    cart: Vec<Item>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Page {
    product: Option<String>,
    dwell_seconds: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Item {
    sku: String,
    qty: u32,
}

#[derive(Deserialize)]
struct Consent {
    storage: bool,
    personalization: bool,
}

/// Decision-like output.
#[derive(Serialize)]
struct Out<'a> {
    ok: bool,
    id: String,
    placement: &'a str,
    offer: Option<&'a str>,
    score: f64,
    matched: Vec<&'a str>,
}

#[wasm_bindgen]
pub struct Engine {
    key: Option<ed25519_dalek::VerifyingKey>,
    storage: bool,
    shown: u32,
}

#[wasm_bindgen]
impl Engine {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Engine {
        Engine {
            key: None,
            storage: false,
            shown: 0,
        }
    }

    #[wasm_bindgen(js_name = setConsent)]
    pub fn set_consent(&mut self, consent: JsValue) -> JsValue {
        match serde_wasm_bindgen::from_value::<Consent>(consent) {
            Ok(c) => {
                self.storage = c.storage && c.personalization;
                JsValue::TRUE
            }
            Err(e) => JsValue::from_str(&e.to_string()),
        }
    }

    /// Verifies `sig` (64 bytes) over the base64 `payload` with the base64 Ed25519 `key`.
    pub fn load(&mut self, key: &str, payload: &str, sig: &[u8]) -> bool {
        let b64 = &base64::engine::general_purpose::STANDARD;
        let Some(key) = b64
            .decode(key)
            .ok()
            .and_then(|k| <[u8; 32]>::try_from(k).ok())
            .and_then(|k| ed25519_dalek::VerifyingKey::from_bytes(&k).ok())
        else {
            return false;
        };
        let (Ok(payload), Ok(sig)) = (b64.decode(payload), <[u8; 64]>::try_from(sig)) else {
            return false;
        };
        let sig = ed25519_dalek::Signature::from_bytes(&sig);
        let ok = key.verify_strict(&payload, &sig).is_ok();
        if ok {
            self.key = Some(key);
        }
        ok
    }

    pub fn decide(&mut self, signals: JsValue) -> JsValue {
        let s: Signals = match serde_wasm_bindgen::from_value(signals) {
            Ok(s) => s,
            Err(e) => return JsValue::from_str(&e.to_string()),
        };
        let mut id = [0u8; 8];
        if getrandom::fill(&mut id).is_err() {
            return JsValue::NULL;
        }
        self.shown = self.shown.saturating_add(1);
        if self.storage {
            if let Some(ls) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
                let _ = ls.set_item("floor", &self.shown.to_string());
            }
        }
        let page = s.page.as_ref();
        let out = Out {
            ok: self.key.is_some(),
            id: u64::from_le_bytes(id).to_string(),
            placement: &s.placement,
            offer: page.and_then(|p| p.product.as_deref()),
            score: page.and_then(|p| p.dwell_seconds).unwrap_or(0.0)
                + f64::from(s.cart.iter().map(|i| i.qty).sum::<u32>()),
            matched: s.cart.iter().map(|i| i.sku.as_str()).collect(),
        };
        serde_wasm_bindgen::to_value(&out).unwrap_or(JsValue::NULL)
    }
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new()
    }
}
