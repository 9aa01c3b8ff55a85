//! Where the shopper's ledger and visitor id live: localStorage with storage consent, else
//! memory for the page. Storage that throws, is full, wiped or edited by hand never breaks it.

use crate::ledger::Ledger;
use std::collections::BTreeMap;

/// Keys xsell writes. Withdrawal deletes every one of them.
pub const LEDGER_KEY: &str = "xsell.ledger";
pub const VISITOR_KEY: &str = "xsell.vid";
pub const KEYS: [&str; 2] = [LEDGER_KEY, VISITOR_KEY];

/// A key-value store that prefers localStorage and falls back to memory.
pub struct Store {
    persistent: bool,
    memory: BTreeMap<String, String>,
    /// The last stored ledger text read and its decoded form: decide and record read the store
    /// on every call (another tab may have written it), but decode only text they have not seen.
    decoded: Option<(String, Ledger)>,
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

impl Store {
    pub fn new(persistent: bool) -> Store {
        Store {
            persistent,
            memory: BTreeMap::new(),
            decoded: None,
            last_problem: None,
        }
    }

    pub fn persistent(&self) -> bool {
        self.persistent
    }

    /// Switches between localStorage and memory. Turning persistence off (consent withdrawn)
    /// deletes every key xsell stored; turning it on writes what memory holds for the page
    /// only where the device has nothing stored under that key.
    pub fn set_persistent(&mut self, on: bool) {
        if on == self.persistent {
            return;
        }
        if on {
            self.persistent = true;
            let pending: Vec<(String, String)> =
                std::mem::take(&mut self.memory).into_iter().collect();
            // What the device already stored wins: it holds caps, cooldowns and the pack
            // high-water mark from earlier visits, which this page's memory never saw.
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
            match local_storage().and_then(|s| {
                s.get_item(key)
                    .map_err(|_| "localStorage.getItem threw".to_string())
            }) {
                Ok(v) => return v,
                Err(e) => self.last_problem = Some(e),
            }
        }
        None
    }

    /// Writes to localStorage; if that throws (full, blocked), keeps the value in memory.
    pub fn set(&mut self, key: &str, value: &str) {
        if self.persistent {
            match local_storage().and_then(|s| {
                s.set_item(key, value)
                    .map_err(|_| "localStorage.setItem threw (full or blocked)".to_string())
            }) {
                Ok(()) => {
                    self.memory.remove(key);
                    return;
                }
                Err(e) => self.last_problem = Some(e),
            }
        }
        self.memory.insert(key.to_owned(), value.to_owned());
    }

    pub fn remove(&mut self, key: &str) {
        self.memory.remove(key);
        if let Ok(s) = local_storage() {
            // Best effort: a store that throws here has nothing of ours we can delete.
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
    pub fn ledger(&mut self) -> Ledger {
        match self.get(LEDGER_KEY) {
            None => Ledger::default(),
            Some(text) => match self.decoded.as_ref().filter(|(t, _)| *t == text) {
                Some((_, l)) => l.clone(),
                None => match Ledger::decode(&text) {
                    Ok(l) => {
                        self.decoded = Some((text, l.clone()));
                        l
                    }
                    Err(e) => {
                        self.last_problem = Some(format!("stored ledger reset: {e}"));
                        self.remove(LEDGER_KEY);
                        Ledger::default()
                    }
                },
            },
        }
    }

    pub fn set_ledger(&mut self, ledger: &Ledger) {
        let text = ledger.encode();
        self.set(LEDGER_KEY, &text);
        self.decoded = Some((text, ledger.clone()));
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
