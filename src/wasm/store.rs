//! Where the shopper's ledger and visitor id live: localStorage with storage consent, else
//! memory for the page. Storage that throws, is full, wiped or edited by hand never breaks it.
//!
//! `decide` reads the ledger on every call, and must see what another tab, the page itself or a
//! hand edit wrote since. The store keeps the ledger it last read or wrote together with the
//! localStorage value it came from, as the JS string itself. A read asks localStorage for the
//! current value and compares the two JS strings with `===`, in JS: an unchanged ledger costs
//! one `getItem` and one comparison, with no copy into wasm memory, no decode and no clone. Only
//! a value that differs is copied and decoded. So no `storage` event listener is needed, and
//! writes a `storage` event would not report (same tab, same page) are seen as well.
//!
//! A ledger held in memory (no storage consent, or a localStorage write that failed) is kept
//! decoded: it is encoded only to be written or shown (`ledger_text`).

use crate::ledger::{Ledger, Map};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Keys xsell writes. Withdrawal deletes every one of them.
pub const LEDGER_KEY: &str = "xsell.ledger";
pub const VISITOR_KEY: &str = "xsell.vid";
pub const KEYS: [&str; 2] = [LEDGER_KEY, VISITOR_KEY];

#[wasm_bindgen]
extern "C" {
    /// A `Storage` seen through the two methods that take and return JS values: web-sys's own
    /// `getItem` copies the value into a Rust `String`, which is what the comparison avoids.
    type Raw;

    #[wasm_bindgen(method, catch, js_name = getItem)]
    fn get_item(this: &Raw, key: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch, js_name = setItem)]
    fn set_item(this: &Raw, key: &JsValue, value: &JsValue) -> Result<(), JsValue>;
}

fn raw(s: &web_sys::Storage) -> &Raw {
    s.unchecked_ref()
}

/// A key-value store that prefers localStorage and falls back to memory.
pub struct Store {
    persistent: bool,
    /// `window.localStorage`, asked for once: an `Err` is why it is unavailable.
    local: Option<Result<web_sys::Storage, String>>,
    /// `LEDGER_KEY` as a JS string, made once.
    ledger_key: JsValue,
    /// Values other than the ledger kept in memory (no consent, or a failed write).
    memory: Map<String>,
    /// The ledger kept in memory: without storage consent the only one; with it, one whose
    /// localStorage write failed (full or blocked), newer than what localStorage still has.
    held: Option<Ledger>,
    /// The localStorage value last read or written (a string, or null for nothing stored) and
    /// the ledger it holds, with `marks` applied.
    cached: Option<(JsValue, Ledger)>,
    /// High-water marks raised but not written yet (pack id, version): applied to every ledger
    /// read from localStorage until a write carries them (see [`Store::raise_later`]).
    marks: Vec<(String, u64)>,
    /// Why the last persistent read or write failed, if it did (for the debug view).
    pub last_problem: Option<String>,
}

fn local_storage() -> Result<web_sys::Storage, String> {
    let window = web_sys::window().ok_or("no window")?;
    match window.local_storage() {
        Ok(Some(s)) => Ok(s),
        Ok(None) => Err("localStorage is not available".into()),
        Err(_) => Err("localStorage threw on access".into()),
    }
}

/// A stored ledger, decoded. Out of line: a first visit has nothing to decode, and this code
/// is then never compiled by the browser.
#[inline(never)]
fn decode(value: &JsValue) -> Result<Ledger, String> {
    let text = value.as_string().unwrap_or_default();
    Ledger::decode(&text).map_err(|e| format!("stored ledger reset: {e}"))
}

/// A ledger's stored form, as a JS string. Out of line, like [`decode`].
#[inline(never)]
fn encode(ledger: &Ledger) -> JsValue {
    JsValue::from_str(&ledger.encode())
}

impl Store {
    pub fn new(persistent: bool) -> Store {
        Store {
            persistent,
            local: None,
            ledger_key: JsValue::from_str(LEDGER_KEY),
            memory: Map::new(),
            held: None,
            cached: None,
            marks: Vec::new(),
            last_problem: None,
        }
    }

    pub fn persistent(&self) -> bool {
        self.persistent
    }

    /// Switches between localStorage and memory. Turning persistence off (consent withdrawn)
    /// deletes every key xsell stored. Turning it on adopts what the device stored: the ledger
    /// kept in memory for the page is dropped (its events are the caller's to replay with
    /// `record`, in the session now in force), and the page's visitor id is written only where
    /// the device has none.
    pub fn set_persistent(&mut self, on: bool) {
        if on == self.persistent {
            return;
        }
        if on {
            self.persistent = true;
            self.held = None;
            self.cached = None;
            self.marks.clear();
            let pending = std::mem::take(&mut self.memory);
            for (k, v) in pending {
                if self.get(&k).is_none() {
                    self.set(&k, &v);
                }
            }
        } else {
            self.clear();
            self.persistent = false;
        }
    }

    /// Memory first: with persistence on, memory holds only values whose localStorage write
    /// failed (full or blocked), which are newer than whatever localStorage still has.
    pub fn get(&mut self, key: &str) -> Option<String> {
        if let Some(v) = self.memory.get(key) {
            return Some(v.clone());
        }
        if self.persistent {
            match self.local.get_or_insert_with(local_storage) {
                Ok(s) => match s.get_item(key) {
                    Ok(v) => return v,
                    Err(_) => self.last_problem = Some("localStorage.getItem threw".into()),
                },
                Err(e) => self.last_problem = Some(e.clone()),
            }
        }
        None
    }

    /// Writes to localStorage; if that throws (full, blocked), keeps the value in memory.
    pub fn set(&mut self, key: &str, value: &str) {
        if self.persistent {
            match self.local.get_or_insert_with(local_storage) {
                Ok(s) => {
                    if s.set_item(key, value).is_ok() {
                        self.memory.remove(key);
                        return;
                    }
                    self.last_problem = Some("localStorage.setItem threw (full or blocked)".into());
                }
                Err(e) => self.last_problem = Some(e.clone()),
            }
        }
        self.memory.insert(key.to_owned(), value.to_owned());
    }

    pub fn remove(&mut self, key: &str) {
        if key == LEDGER_KEY {
            self.held = None;
            self.cached = None;
            self.marks.clear();
        }
        self.memory.remove(key);
        // Best effort, and even without storage consent (withdrawal, `forget`): a store that
        // throws here has nothing of ours we can delete.
        if let Ok(s) = self.local.get_or_insert_with(local_storage) {
            let _ = s.remove_item(key);
        }
    }

    /// Deletes every key xsell stored, in memory and in localStorage.
    pub fn clear(&mut self) {
        for k in KEYS {
            self.remove(k);
        }
    }

    /// The stored ledger; a missing one is empty, a corrupt or hand-edited one is deleted and
    /// replaced by an empty ledger (the caps it held are forgotten, never trusted).
    pub fn ledger(&mut self) -> &Ledger {
        if !self.persistent || self.held.is_some() {
            return self.held.get_or_insert_with(Ledger::default);
        }
        let value = match self.local.get_or_insert_with(local_storage) {
            Ok(s) => raw(s).get_item(&self.ledger_key).unwrap_or_else(|_| {
                self.last_problem = Some("localStorage.getItem threw".into());
                JsValue::NULL
            }),
            Err(e) => {
                self.last_problem = Some(e.clone());
                JsValue::NULL
            }
        };
        let fresh = matches!(&self.cached, Some((was, _)) if *was == value);
        if !fresh {
            let mut ledger = if value.is_string() {
                decode(&value).unwrap_or_else(|e| {
                    let marks = std::mem::take(&mut self.marks);
                    self.remove(LEDGER_KEY);
                    self.marks = marks;
                    self.last_problem = Some(e);
                    Ledger::default()
                })
            } else {
                Ledger::default()
            };
            for (id, version) in &self.marks {
                ledger.raise_high_water(id, *version);
            }
            // A corrupt value that could not be deleted stays the key: it is not decoded again.
            self.cached = Some((value, ledger));
        }
        &self
            .cached
            .get_or_insert_with(|| (JsValue::NULL, Ledger::default()))
            .1
    }

    /// The stored ledger as [`Store::ledger`] reads it, taken out of the store to be changed
    /// (no copy of it is made). The caller gives it back with [`Store::set_ledger`]: until then
    /// a ledger kept in memory is missing from the store.
    pub(super) fn take_ledger(&mut self) -> Ledger {
        self.ledger();
        match self.held.take() {
            Some(l) => l,
            None => self.cached.take().map(|(_, l)| l).unwrap_or_default(),
        }
    }

    /// Raises the high-water mark of pack `id` to `version` in the stored ledger, writing it
    /// later: at the next write or [`Store::flush`], so that encoding and writing it is not in
    /// the way of the first card. Until then every read applies it, to whatever another tab
    /// may have stored meanwhile.
    pub fn raise_later(&mut self, id: &str, version: u64) {
        if self.held.is_some() || !self.persistent {
            let held = self.held.get_or_insert_with(Ledger::default);
            held.raise_high_water(id, version);
            return;
        }
        if let Some((_, l)) = &mut self.cached {
            l.raise_high_water(id, version);
        }
        self.marks.push((id.to_owned(), version));
    }

    /// Writes what is held back (raised marks, or a ledger whose write failed) to localStorage,
    /// with storage consent.
    pub fn flush(&mut self) {
        if self.persistent && (self.held.is_some() || !self.marks.is_empty()) {
            let ledger = self.take_ledger();
            self.set_ledger(ledger);
        }
    }

    /// Stores `ledger`: in localStorage with storage consent (kept in memory if that throws),
    /// else in memory.
    pub fn set_ledger(&mut self, ledger: Ledger) {
        if self.persistent {
            match self.local.get_or_insert_with(local_storage) {
                Ok(s) => {
                    let value = encode(&ledger);
                    if raw(s).set_item(&self.ledger_key, &value).is_ok() {
                        self.held = None;
                        self.marks.clear();
                        self.cached = Some((value, ledger));
                        return;
                    }
                    self.last_problem = Some("localStorage.setItem threw (full or blocked)".into());
                }
                Err(e) => self.last_problem = Some(e.clone()),
            }
        }
        self.held = Some(ledger);
        self.marks.clear();
    }

    /// The visitor id, created (from `new_id`) and stored on first use.
    pub fn visitor_id(&mut self, new_id: impl FnOnce() -> String) -> String {
        match self.get(VISITOR_KEY) {
            Some(v) if valid_id(&v) => v,
            _ => {
                let id = new_id();
                self.set(VISITOR_KEY, &id);
                id
            }
        }
    }
}

/// Ids are 32 lowercase hex digits; anything else in storage was edited and is replaced.
pub fn valid_id(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
