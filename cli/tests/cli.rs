//! Runs the real `xsell` binary: keys, pack check / sign / verify, decide, ledger.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

const NOW: &str = "2026-06-01T00:00:00Z";

/// A scratch directory under the system temp dir, removed on drop.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::SeqCst);
        let p = std::env::temp_dir().join(format!("xsell-cli-{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }
    fn path(&self, f: &str) -> PathBuf {
        self.0.join(f)
    }
    fn write(&self, f: &str, text: &str) {
        std::fs::write(self.path(f), text).unwrap();
    }
    fn read(&self, f: &str) -> String {
        std::fs::read_to_string(self.path(f)).unwrap()
    }
    /// Runs `xsell args…` in this directory.
    fn run(&self, args: &[&str]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_xsell"))
            .args(args)
            .current_dir(&self.0)
            .output()
            .unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
    /// `keygen --out NAME`; returns (key id, public key text).
    fn keygen(&self, name: &str) -> (String, String) {
        let r = self.run(&["keygen", "--out", name]);
        r.ok();
        let field = |label: &str| {
            r.stdout
                .lines()
                .find_map(|l| l.strip_prefix(label))
                .map(|s| s.trim().to_owned())
                .unwrap_or_else(|| panic!("no {label} in {}", r.stdout))
        };
        (field("key id:"), field("public key:"))
    }
    /// Signs `pack.json` with `name.key` into `env.json`.
    fn sign(&self, pack: &str, name: &str) {
        self.run(&[
            "pack",
            "sign",
            pack,
            "--key",
            &format!("{name}.key"),
            "--out",
            "env.json",
        ])
        .ok();
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn ok(&self) -> &Run {
        assert_eq!(self.code, 0, "expected success: {self:#?}");
        self
    }
    fn fails(&self, code: i32) -> &Run {
        assert_eq!(self.code, code, "expected exit {code}: {self:#?}");
        self
    }
    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:#?}"))
    }
}

/// A small valid pack: a mattress and a protector offered in the cart, capped at one showing
/// per session. `item` is the sku the offer sells; `version` the pack version.
fn pack_json(item: &str, version: u64) -> String {
    format!(
        r#"{{
  "format": 1,
  "header": {{"id": "test-pack", "version": {version}, "issued_at": "2026-01-01T00:00:00Z",
             "expires_at": "2027-01-01T00:00:00Z", "audience": ["shop.example.com"], "min_engine": "0.1.0"}},
  "catalog": [
    {{"sku": "M1", "name": "Aurora Queen", "category": "mattress", "price": {{"amount": 100000, "currency": "USD"}}}},
    {{"sku": "P1", "name": "CoolGuard Protector", "category": "protection", "price": {{"amount": 9000, "currency": "USD"}}}}
  ],
  "compatibility": [{{"addon": "P1", "requires": {{"categories": ["mattress"]}}}}],
  "offers": [
    {{"id": "protect", "kind": "addon", "item": "{item}", "placements": ["cart"],
      "need": {{"stage": "purchasing", "motivation": "reduce_risk"}},
      "benefit": "Keeps the mattress dry and clean.",
      "because": "Because you chose the {{chosen.name}}, we recommend the {{offer.name}}.",
      "caps": {{"session": 1}}}}
  ]
}}"#
    )
}

const CART_SIGNALS: &str =
    r#"{"placement": "cart", "cart": {"items": [{"sku": "M1"}]}, "session": {"id": "s1"}}"#;

#[test]
fn keygen_writes_both_files_and_refuses_to_overwrite() {
    let d = Dir::new("keygen");
    let (key_id, public) = d.keygen("merchant");
    assert!(key_id.starts_with("xk1-"), "{key_id}");
    assert!(public.starts_with("ed25519:"), "{public}");
    let secret = d.read("merchant.key");
    assert!(secret.starts_with("xsell-secret-ed25519:"), "{secret}");
    assert_eq!(d.read("merchant.pub"), format!("{public}\n"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.path("merchant.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }

    let r = d.run(&["keygen", "--out", "merchant"]);
    r.fails(1);
    assert!(
        r.stderr.contains("merchant.key") && r.stderr.contains("already exists"),
        "{r:#?}"
    );
    assert_eq!(
        d.read("merchant.key"),
        secret,
        "the secret key was not touched"
    );

    // Only the .pub exists: still refused, and no .key is written.
    std::fs::remove_file(d.path("merchant.key")).unwrap();
    let r = d.run(&["keygen", "--out", "merchant"]);
    r.fails(1);
    assert!(r.stderr.contains("merchant.pub"), "{r:#?}");
    assert!(!d.path("merchant.key").exists());

    d.run(&["keygen", "--out", "merchant", "--force"]).ok();
    assert_ne!(d.read("merchant.pub"), format!("{public}\n"), "a new key");
}

#[test]
fn sign_then_verify_round_trip() {
    let d = Dir::new("roundtrip");
    let (key_id, public) = d.keygen("k");
    d.write("pack.json", &pack_json("P1", 3));
    let r = d.run(&[
        "pack",
        "sign",
        "pack.json",
        "--key",
        "k.key",
        "--out",
        "env.json",
    ]);
    r.ok();
    assert!(r.stderr.contains(&key_id), "{r:#?}");

    let r = d.run(&[
        "pack", "verify", "env.json", "--keys", "k.pub", "--now", NOW,
    ]);
    r.ok();
    assert!(r.stdout.contains("test-pack"), "{r:#?}");
    assert!(r.stdout.contains(&key_id), "{r:#?}");
    assert!(r.stdout.contains("high-water: 3"), "{r:#?}");

    // The same with the key text inline, with Unix seconds for --now, and the right audience.
    let r = d.run(&[
        "pack",
        "verify",
        "env.json",
        "--keys",
        &public,
        "--now",
        "1780272000",
        "--audience",
        "shop.example.com",
    ]);
    r.ok();

    // Signing to stdout gives an envelope too.
    let r = d.run(&["pack", "sign", "pack.json", "--key", "k.key"]);
    r.ok();
    assert!(r.stdout.contains("\"payloadType\""), "{r:#?}");
}

#[test]
fn sign_with_two_keys_for_rotation() {
    let d = Dir::new("rotation");
    let (old_id, _) = d.keygen("old");
    let (new_id, _) = d.keygen("new");
    d.write("pack.json", &pack_json("P1", 1));
    let r = d.run(&[
        "pack",
        "sign",
        "pack.json",
        "--key",
        "old.key",
        "--key",
        "new.key",
        "--out",
        "env.json",
    ]);
    r.ok();
    assert!(
        r.stderr.contains(&old_id) && r.stderr.contains(&new_id),
        "{r:#?}"
    );
    let r = d.run(&[
        "pack", "verify", "env.json", "--keys", "new.pub", "--now", NOW,
    ]);
    r.ok();
    assert!(r.stdout.contains(&new_id), "{r:#?}");
    d.run(&[
        "pack", "verify", "env.json", "--keys", "old.pub", "--now", NOW,
    ])
    .ok();
}

#[test]
fn verify_with_the_wrong_key_fails() {
    let d = Dir::new("wrongkey");
    d.keygen("k");
    d.keygen("other");
    d.write("pack.json", &pack_json("P1", 1));
    d.sign("pack.json", "k");
    let r = d.run(&[
        "pack",
        "verify",
        "env.json",
        "--keys",
        "other.pub",
        "--now",
        NOW,
    ]);
    r.fails(1);
    assert!(r.stderr.contains("env.json"), "{r:#?}");
    assert!(
        r.stderr.contains("no signature is by a trusted key"),
        "{r:#?}"
    );
    assert!(r.stderr.contains("[unknown_key]"), "{r:#?}");
}

#[test]
fn verify_a_tampered_envelope_fails() {
    let d = Dir::new("tamper");
    d.keygen("k");
    d.write("pack.json", &pack_json("P1", 1));
    d.sign("pack.json", "k");
    let mut env: serde_json::Value = serde_json::from_str(&d.read("env.json")).unwrap();
    let payload = env["payload"].as_str().unwrap().to_owned();
    // Change one base64 character well inside the payload: one payload byte changes.
    let mut chars: Vec<char> = payload.chars().collect();
    chars[40] = if chars[40] == 'A' { 'B' } else { 'A' };
    env["payload"] = serde_json::Value::String(chars.into_iter().collect());
    d.write("env.json", &env.to_string());
    let r = d.run(&[
        "pack", "verify", "env.json", "--keys", "k.pub", "--now", NOW,
    ]);
    r.fails(1);
    assert!(
        r.stderr.contains("does not verify") && r.stderr.contains("[bad_signature]"),
        "{r:#?}"
    );
}

#[test]
fn verify_after_expiry_fails() {
    let d = Dir::new("expired");
    d.keygen("k");
    d.write("pack.json", &pack_json("P1", 1));
    d.sign("pack.json", "k");
    let r = d.run(&[
        "pack",
        "verify",
        "env.json",
        "--keys",
        "k.pub",
        "--now",
        "2027-06-01T00:00:00Z",
    ]);
    r.fails(1);
    assert!(r.stderr.contains("expired"), "{r:#?}");
}

#[test]
fn verify_below_the_high_water_mark_fails() {
    let d = Dir::new("rollback");
    d.keygen("k");
    d.write("pack.json", &pack_json("P1", 3));
    d.sign("pack.json", "k");
    d.run(&[
        "pack",
        "verify",
        "env.json",
        "--keys",
        "k.pub",
        "--now",
        NOW,
        "--high-water",
        "3",
    ])
    .ok();
    let r = d.run(&[
        "pack",
        "verify",
        "env.json",
        "--keys",
        "k.pub",
        "--now",
        NOW,
        "--high-water",
        "4",
    ]);
    r.fails(1);
    assert!(r.stderr.contains("rollback"), "{r:#?}");
}

#[test]
fn verify_for_another_site_fails() {
    let d = Dir::new("audience");
    d.keygen("k");
    d.write("pack.json", &pack_json("P1", 1));
    d.sign("pack.json", "k");
    let r = d.run(&[
        "pack",
        "verify",
        "env.json",
        "--keys",
        "k.pub",
        "--now",
        NOW,
        "--audience",
        "evil.example.net",
    ]);
    r.fails(1);
    assert!(
        r.stderr.contains("evil.example.net") && r.stderr.contains("[wrong_audience]"),
        "{r:#?}"
    );
}

#[test]
fn check_names_the_file_offer_and_path() {
    let d = Dir::new("check");
    d.write("pack.json", &pack_json("NOPE", 1));
    let r = d.run(&["pack", "check", "pack.json"]);
    r.fails(1);
    let out = r.all();
    assert!(
        out.contains("pack.json: error: [unknown_sku] offer `protect` at offers[0].item: sku `NOPE` is not in the catalog"),
        "{r:#?}"
    );
    assert!(
        out.contains("pack.json: 1 error, 0 warnings (1 offer, 2 products)"),
        "{r:#?}"
    );

    let r = d.run(&["pack", "check", "pack.json", "--json"]);
    r.fails(1);
    let findings = r.json();
    assert_eq!(findings[0]["code"], "unknown_sku");
    assert_eq!(findings[0]["severity"], "error");
    assert_eq!(findings[0]["offer"], "protect");
    assert_eq!(findings[0]["at"], "offers[0].item");

    d.write("good.json", &pack_json("P1", 1));
    let r = d.run(&["pack", "check", "good.json"]);
    r.ok();
    assert_eq!(
        r.stdout.trim(),
        "good.json: 0 errors, 0 warnings (1 offer, 2 products)"
    );
    let r = d.run(&["pack", "check", "good.json", "--json"]);
    r.ok();
    assert_eq!(r.json(), serde_json::json!([]));
}

#[test]
fn check_warnings_do_not_fail() {
    let d = Dir::new("warnings");
    let pack = pack_json("P1", 1).replace(r#""benefit": "Keeps the mattress dry and clean.","#, "");
    d.write("pack.json", &pack);
    let r = d.run(&["pack", "check", "pack.json"]);
    r.ok();
    assert!(
        r.stdout.contains(
            "pack.json: warning: [missing_benefit] offer `protect` at offers[0].benefit:"
        ),
        "{r:#?}"
    );
    assert!(r.stdout.contains("0 errors, 1 warning"), "{r:#?}");
}

#[test]
fn sign_refuses_a_pack_with_lint_errors() {
    let d = Dir::new("signbad");
    d.keygen("k");
    // Loads, but the offer's cap of 0 means it never shows: a lint error.
    d.write(
        "pack.json",
        &pack_json("P1", 1).replace(r#""caps": {"session": 1}"#, r#""caps": {"session": 0}"#),
    );
    let r = d.run(&[
        "pack",
        "sign",
        "pack.json",
        "--key",
        "k.key",
        "--out",
        "env.json",
    ]);
    r.fails(1);
    assert!(
        r.stderr
            .contains("[never_shows] offer `protect` at offers[0].caps.session"),
        "{r:#?}"
    );
    assert!(r.stderr.contains("pack.json: not signed"), "{r:#?}");
    assert!(!d.path("env.json").exists());
}

#[test]
fn unreadable_files_are_named() {
    let d = Dir::new("missing");
    let r = d.run(&["pack", "check", "nope.json"]);
    r.fails(1);
    assert!(r.stderr.contains("nope.json: cannot read"), "{r:#?}");
    let r = d.run(&["pack", "verify", "env.json", "--keys", "missing.pub"]);
    r.fails(1);
    assert!(
        r.stderr.contains("env.json") || r.stderr.contains("missing.pub"),
        "{r:#?}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let d = Dir::new("usage");
    d.run(&["frobnicate"]).fails(2);
    d.run(&["pack", "verify", "env.json"]).fails(2); // --keys missing
    d.run(&["pack", "sign", "pack.json"]).fails(2); // --key missing
    d.run(&["decide", "--pack", "p.json", "--signals", "s.json"])
        .fails(2); // neither --keys nor --unsigned
    d.run(&[
        "decide",
        "--pack",
        "p.json",
        "--unsigned",
        "--keys",
        "k.pub",
        "--signals",
        "s.json",
    ])
    .fails(2);
    d.run(&[
        "pack",
        "verify",
        "env.json",
        "--keys",
        "k.pub",
        "--now",
        "yesterday",
    ])
    .fails(2);
    d.run(&[
        "decide",
        "--pack",
        "p.json",
        "--unsigned",
        "--signals",
        "s.json",
        "--consent",
        "cookies",
    ])
    .fails(2);
    d.run(&["--help"]).ok();
    d.run(&["pack", "--help"]).ok();
}

#[test]
fn decide_on_an_unsigned_pack() {
    let d = Dir::new("decide");
    d.write("pack.json", &pack_json("P1", 1));
    d.write("signals.json", CART_SIGNALS);
    let r = d.run(&[
        "decide",
        "--pack",
        "pack.json",
        "--unsigned",
        "--signals",
        "signals.json",
        "--now",
        NOW,
    ]);
    r.ok();
    let v = r.json();
    assert_eq!(v["outcome"], "offer", "{r:#?}");
    assert_eq!(v["offer"]["id"], "protect");
    assert_eq!(
        v["offer"]["because"],
        "Because you chose the Aurora Queen, we recommend the CoolGuard Protector."
    );
    assert!(v.get("trace").is_none(), "no trace without --trace: {v:#}");

    let r = d.run(&[
        "decide",
        "--pack",
        "pack.json",
        "--unsigned",
        "--signals",
        "signals.json",
        "--now",
        NOW,
        "--trace",
    ]);
    r.ok();
    assert!(r.json()["trace"].is_array(), "{r:#?}");

    // An array of signals gives an array of decisions.
    d.write(
        "many.json",
        &format!(r#"[{CART_SIGNALS}, {{"placement": "product", "page": {{"product": "M1"}}}}]"#),
    );
    let r = d.run(&[
        "decide",
        "--pack",
        "pack.json",
        "--unsigned",
        "--signals",
        "many.json",
        "--now",
        NOW,
    ]);
    r.ok();
    let v = r.json();
    assert_eq!(v[0]["outcome"], "offer");
    assert_eq!(v[1]["outcome"], "no_candidates");

    // Bad signals name the file.
    d.write("bad.json", r#"{"placement": "cart", "colour": "red"}"#);
    let r = d.run(&[
        "decide",
        "--pack",
        "pack.json",
        "--unsigned",
        "--signals",
        "bad.json",
        "--now",
        NOW,
    ]);
    r.fails(1);
    assert!(
        r.stderr.contains("bad.json") && r.stderr.contains("colour"),
        "{r:#?}"
    );
}

#[test]
fn decide_on_a_signed_pack_needs_keys() {
    let d = Dir::new("decidesigned");
    d.keygen("k");
    d.write("pack.json", &pack_json("P1", 1));
    d.sign("pack.json", "k");
    d.write("signals.json", CART_SIGNALS);
    let r = d.run(&[
        "decide",
        "--pack",
        "env.json",
        "--keys",
        "k.pub",
        "--signals",
        "signals.json",
        "--now",
        NOW,
    ]);
    r.ok();
    assert_eq!(r.json()["outcome"], "offer");

    let r = d.run(&[
        "decide",
        "--pack",
        "env.json",
        "--unsigned",
        "--signals",
        "signals.json",
        "--now",
        NOW,
    ]);
    r.fails(1);
    assert!(
        r.stderr.contains("env.json") && r.stderr.contains("--keys"),
        "{r:#?}"
    );

    let r = d.run(&[
        "decide",
        "--pack",
        "pack.json",
        "--keys",
        "k.pub",
        "--signals",
        "signals.json",
        "--now",
        NOW,
    ]);
    r.fails(1);
    assert!(
        r.stderr.contains("pack.json") && r.stderr.contains("not a signed envelope"),
        "{r:#?}"
    );

    let r = d.run(&[
        "decide",
        "--pack",
        "env.json",
        "--keys",
        "k.pub",
        "--signals",
        "signals.json",
        "--now",
        NOW,
        "--audience",
        "other.example",
    ]);
    r.fails(1);
    assert!(r.stderr.contains("[wrong_audience]"), "{r:#?}");
}

#[test]
fn recorded_showing_reaches_the_session_cap() {
    let d = Dir::new("cap");
    d.write("pack.json", &pack_json("P1", 1));
    d.write("signals.json", CART_SIGNALS);
    let decide = |d: &Dir| {
        let r = d.run(&[
            "decide",
            "--pack",
            "pack.json",
            "--unsigned",
            "--signals",
            "signals.json",
            "--ledger",
            "ledger.txt",
            "--now",
            "2026-06-01T00:05:00Z",
            "--trace",
        ]);
        r.ok();
        r.json()
    };
    // No ledger yet: the offer shows.
    assert_eq!(decide(&d)["outcome"], "offer");

    let r = d.run(&[
        "ledger",
        "record",
        "--ledger",
        "ledger.txt",
        "--event",
        r#"{"kind":"shown","offer":"protect","placement":"cart","session":"s1"}"#,
        "--now",
        NOW,
    ]);
    r.ok();
    assert!(
        d.read("ledger.txt").starts_with("xl1."),
        "{}",
        d.read("ledger.txt")
    );

    let v = decide(&d);
    assert_eq!(v["outcome"], "none_eligible", "{v:#}");
    assert_eq!(v["trace"][0]["offer"], "protect");
    assert_eq!(v["trace"][0]["reason"], "cap_reached");

    // Another session is not capped.
    d.write("s2.json", &CART_SIGNALS.replace("s1", "s2"));
    let r = d.run(&[
        "decide",
        "--pack",
        "pack.json",
        "--unsigned",
        "--signals",
        "s2.json",
        "--ledger",
        "ledger.txt",
        "--now",
        "2026-06-01T00:05:00Z",
    ]);
    r.ok();
    assert_eq!(r.json()["outcome"], "offer");
}

#[test]
fn a_corrupt_ledger_is_a_warning() {
    let d = Dir::new("corrupt");
    d.write("pack.json", &pack_json("P1", 1));
    d.write("signals.json", CART_SIGNALS);
    d.write("ledger.txt", "xl1.not-a-ledger.0000000000000000\n");
    let r = d.run(&[
        "decide",
        "--pack",
        "pack.json",
        "--unsigned",
        "--signals",
        "signals.json",
        "--ledger",
        "ledger.txt",
        "--now",
        NOW,
    ]);
    r.ok();
    assert!(
        r.stderr.contains("warning: ledger.txt") && r.stderr.contains("[ledger_"),
        "{r:#?}"
    );
    assert_eq!(r.json()["outcome"], "offer");

    let r = d.run(&[
        "ledger",
        "record",
        "--ledger",
        "ledger.txt",
        "--event",
        r#"{"kind":"shown"}"#,
        "--now",
        NOW,
    ]);
    r.fails(1);
    assert!(r.stderr.contains("offer"), "{r:#?}");
}
