//! `decide` on the shared fixture corpus inside wasm, for scripts/bench-web.mjs: the same work
//! as `decide/fixtures/*` in benches/decide.rs, with the timing done by the page around one
//! call that runs a batch. Plain C ABI (no wasm-bindgen): the page writes UTF-8 JSON into
//! memory from `bc_alloc`, and reads results from `bc_out_ptr`/`bc_out_len`.
//!
//! The xsell rlib still brings its wasm-bindgen exports (the `Engine`) along, with their
//! `__wbindgen_*` imports; the page satisfies those with stubs that throw, and never calls them.

use std::cell::RefCell;
use std::hint::black_box;
use xsell::{decide, Consent, Event, Ledger, Pack, Signals};

struct Case {
    pack: usize,
    signals: Signals,
    ledger: Ledger,
    ledger_text: String,
    consent: Consent,
    now: i64,
}

#[derive(Default)]
struct State {
    packs: Vec<Pack>,
    cases: Vec<Case>,
    out: Vec<u8>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

fn set_out(s: &mut State, text: String) {
    s.out = text.into_bytes();
}

/// `len` bytes the page may write into; never freed (the bench page is short-lived).
#[no_mangle]
pub extern "C" fn bc_alloc(len: usize) -> *mut u8 {
    let mut v = vec![0u8; len];
    let p = v.as_mut_ptr();
    std::mem::forget(v);
    p
}

#[no_mangle]
pub extern "C" fn bc_out_ptr() -> *const u8 {
    STATE.with(|s| s.borrow().out.as_ptr())
}

#[no_mangle]
pub extern "C" fn bc_out_len() -> usize {
    STATE.with(|s| s.borrow().out.len())
}

unsafe fn text<'a>(ptr: *const u8, len: usize) -> &'a str {
    std::str::from_utf8(std::slice::from_raw_parts(ptr, len)).unwrap_or("")
}

/// Compiles a pack source (unsigned JSON, as `Pack::from_json`); its index, or -1 (error text
/// in the out buffer).
#[no_mangle]
pub unsafe extern "C" fn bc_pack(ptr: *const u8, len: usize) -> i32 {
    let src = text(ptr, len);
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        match Pack::from_json(src.as_bytes()) {
            Ok(p) => {
                s.packs.push(p);
                (s.packs.len() - 1) as i32
            }
            Err(e) => {
                set_out(&mut s, e.to_string());
                -1
            }
        }
    })
}

fn rfc3339(v: &serde_json::Value) -> Result<i64, String> {
    v.as_str()
        .and_then(xsell::pack::time::parse_rfc3339)
        .ok_or_else(|| format!("not an RFC 3339 time: {v}"))
}

fn parse_case(pack: usize, src: &str) -> Result<Case, String> {
    let v: serde_json::Value = serde_json::from_str(src).map_err(|e| e.to_string())?;
    let mut ledger = Ledger::default();
    for entry in v["ledger"].as_array().into_iter().flatten() {
        let event: Event =
            serde_json::from_value(entry["event"].clone()).map_err(|e| e.to_string())?;
        ledger.record(&event, rfc3339(&entry["at"])?);
    }
    let consent = match v.get("consent") {
        None => Consent::ALL,
        Some(c) => serde_json::from_value(c.clone()).map_err(|e| e.to_string())?,
    };
    Ok(Case {
        pack,
        signals: serde_json::from_value(v["signals"].clone()).map_err(|e| e.to_string())?,
        ledger_text: ledger.encode(),
        ledger,
        consent,
        now: rfc3339(&v["now"])?,
    })
}

/// Prepares a fixture case (the case file's JSON) over pack `pack`: ledger replayed, signals
/// parsed. Its index, or -1 (error text in the out buffer).
#[no_mangle]
pub unsafe extern "C" fn bc_case(pack: i32, ptr: *const u8, len: usize) -> i32 {
    let src = text(ptr, len);
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        if pack < 0 || pack as usize >= s.packs.len() {
            set_out(&mut s, "no such pack".into());
            return -1;
        }
        match parse_case(pack as usize, src) {
            Ok(c) => {
                s.cases.push(c);
                (s.cases.len() - 1) as i32
            }
            Err(e) => {
                set_out(&mut s, e);
                -1
            }
        }
    })
}

/// The case's decision as JSON in the out buffer (to check it is the expected one).
#[no_mangle]
pub extern "C" fn bc_decision(case: i32) -> i32 {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        let Some(c) = s.cases.get(case as usize) else {
            return -1;
        };
        let Some(p) = s.packs.get(c.pack) else {
            return -1;
        };
        let d = decide(p, &c.signals, &c.ledger, &c.consent, c.now);
        let json = serde_json::to_string(&d).unwrap_or_default();
        set_out(&mut s, json);
        0
    })
}

/// `decide` `iters` times on the case (what `decide/fixtures/<case>` times natively).
#[no_mangle]
pub extern "C" fn bc_run(case: i32, iters: u32) -> u32 {
    STATE.with(|s| {
        let s = s.borrow();
        let Some(c) = s.cases.get(case as usize) else {
            return 0;
        };
        let Some(p) = s.packs.get(c.pack) else {
            return 0;
        };
        let mut acc = 0u32;
        for _ in 0..iters {
            let d = decide(
                black_box(p),
                black_box(&c.signals),
                black_box(&c.ledger),
                black_box(&c.consent),
                black_box(c.now),
            );
            acc = acc.wrapping_add(d.trace.len() as u32);
            black_box(&d);
        }
        acc
    })
}

/// What-if for the JS boundary: one decision with strings crossing it instead of JS objects.
/// Reads the signals as JSON text at `ptr`, decodes the case's encoded ledger (as the Engine
/// reads its stored one), decides, and writes the Decision as JSON text to the out buffer.
/// Returns the text's length, or -1.
#[no_mangle]
pub unsafe extern "C" fn bc_decide_json(case: i32, ptr: *const u8, len: usize) -> i32 {
    let src = std::slice::from_raw_parts(ptr, len);
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        let State { packs, cases, out } = &mut *s;
        let Some(c) = cases.get(case as usize) else {
            return -1;
        };
        let Some(p) = packs.get(c.pack) else {
            return -1;
        };
        let Ok(signals) = serde_json::from_slice::<Signals>(src) else {
            return -1;
        };
        let ledger = Ledger::decode(&c.ledger_text).unwrap_or_default();
        let d = decide(p, &signals, &ledger, &c.consent, c.now);
        out.clear();
        if serde_json::to_writer(&mut *out, &d).is_err() {
            return -1;
        }
        out.len() as i32
    })
}

/// `Ledger::decode` of the case's encoded ledger `iters` times: the part of `Engine.decide`
/// that reads the stored ledger, without the localStorage call.
#[no_mangle]
pub extern "C" fn bc_run_ledger(case: i32, iters: u32) -> u32 {
    STATE.with(|s| {
        let s = s.borrow();
        let Some(c) = s.cases.get(case as usize) else {
            return 0;
        };
        let mut acc = 0u32;
        for _ in 0..iters {
            let l = Ledger::decode(black_box(&c.ledger_text));
            acc = acc.wrapping_add(u32::from(l.is_ok()));
            black_box(&l);
        }
        acc
    })
}
