//! Runs the real `xsell report`, `xsell simulate` and `xsell pack apply-kills`: exact numbers on
//! a hand-made event file, and on simulated traffic with known true effects that the report
//! recovers the truth (lift detected, the harmful offer killed, null offers left alone).

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn sim(f: &str) -> String {
    root().join("fixtures/sim").join(f).display().to_string()
}

fn scratch(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("xsell-report-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).unwrap();
    p
}

/// Runs `xsell args…`; returns (exit code, stdout, stderr).
fn xsell(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xsell"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn report_json(args: &[&str]) -> Value {
    let mut all = vec!["report", "--json"];
    all.extend_from_slice(args);
    let (code, out, err) = xsell(&all);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

fn row<'a>(r: &'a Value, offer: &str, week: &str) -> &'a Value {
    r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["offer"] == offer && x["week"] == week && x.get("by").is_none())
        .unwrap_or_else(|| panic!("no row {offer} {week}"))
}

fn verdict<'a>(r: &'a Value, offer: &str) -> &'a Value {
    r["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["offer"] == offer)
        .unwrap_or_else(|| panic!("no verdict for {offer}"))
}

const TUE: i64 = 1_791_280_800_000; // 2026-10-06T10:00:00Z, in the week of Monday 2026-10-05

fn card(kind: &str, id: &str, session: &str, arm: &str, ts: i64) -> String {
    json!({"v": 1, "type": kind, "event_id": id, "ts": ts, "source": "browser", "session_id": session,
           "decision_id": format!("d-{session}"), "pack_id": "xsell-sim", "pack_version": 1,
           "placement": "product", "outcome": if arm == "holdout" { "holdout" } else { "offer" },
           "offer": "bulbs", "experiment": "loop", "arm": arm, "product": "LAMP"})
    .to_string()
}

fn purchase(
    id: &str,
    session: &str,
    order: &str,
    revenue: i64,
    margin: i64,
    skus: &[&str],
    ts: i64,
) -> String {
    let items: Vec<Value> = skus.iter().map(|s| json!({"sku": s, "qty": 1})).collect();
    json!({"v": 1, "type": "purchase", "event_id": id, "ts": ts, "source": "browser", "session_id": session,
           "order_id": order, "revenue": revenue, "currency": "USD", "margin": margin, "items": items})
    .to_string()
}

#[test]
fn a_hand_made_week_gives_the_hand_computed_scorecard() {
    let dir = scratch("hand");
    let lines = [
        card("opportunity", "e1", "s1", "control", TUE),
        card("exposure", "e2", "s1", "control", TUE + 2_000),
        "this is not json".to_owned(),
        card("accept", "e3", "s1", "control", TUE + 5_000),
        purchase("e4", "s1", "o1", 14_500, 4_800, &["LAMP", "BULBS"], TUE + 60_000),
        card("opportunity", "e5", "s2", "control", TUE),
        card("opportunity", "e5", "s2", "control", TUE), // a retried beacon: counted once
        card("opportunity", "e6", "s3", "holdout", TUE),
        purchase("e7", "s3", "o2", 12_000, 3_600, &["LAMP"], TUE + 60_000),
        card("opportunity", "e8", "s4", "holdout", TUE),
        // s5 bought before its opportunity: not revenue after it.
        purchase("e9", "s5", "o3", 9_000, 2_700, &["LAMP"], TUE - 60_000),
        card("opportunity", "e10", "s5", "holdout", TUE),
        json!({"v": 2, "type": "exposure", "event_id": "e11", "ts": TUE, "session_id": "s1", "placement": "product"}).to_string(),
        json!({"v": 1, "type": "return", "event_id": "e12", "ts": TUE + 86_400_000, "session_id": "s1", "order_id": "o1", "items": [{"sku": "BULBS"}]}).to_string(),
        // Before --since.
        card("opportunity", "e13", "s6", "control", TUE - 20 * 86_400_000),
    ];
    let events = dir.join("events.jsonl");
    std::fs::write(&events, lines.join("\n") + "\n").unwrap();
    let r = report_json(&[
        events.to_str().unwrap(),
        "--pack",
        &sim("pack.json"),
        "--since",
        "2026-10-01",
    ]);

    let ev = &r["events"];
    assert_eq!(ev["lines"], 15);
    assert_eq!(ev["malformed"], 2);
    assert_eq!(ev["duplicates"], 1);
    assert_eq!(ev["outside_period"], 1);
    assert_eq!(ev["counted"], 11);
    let bad: Vec<&str> = ev["malformed_lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(
        bad[0].ends_with("events.jsonl:3: expected ident at line 1 column 2"),
        "{bad:?}"
    );
    assert!(
        bad[1].contains("events.jsonl:13: schema version 2"),
        "{bad:?}"
    );

    let w = row(&r, "bulbs", "2026-10-05");
    assert_eq!(w["opportunities"], 2);
    assert_eq!(w["held_opportunities"], 3);
    assert_eq!(w["exposures"], 1);
    assert_eq!(w["accepts"], 1);
    assert_eq!(w["shown"]["sessions"], 2);
    assert_eq!(w["held"]["sessions"], 3);
    // Shown sessions bought 14,500 and 0; held 12,000, 0 and 0 (s5's order came first).
    assert_eq!(w["shown"]["revenue_per_session"], 7_250.0);
    assert_eq!(w["held"]["revenue_per_session"], 4_000.0);
    let lift = &w["revenue_per_session_lift"];
    assert_eq!(lift["value"], 3_250.0);
    // Welch: 14500²/2/2 + 48e6/3 = 68,562,500.
    let se = 68_562_500f64.sqrt();
    let z = 1.959_963_985;
    assert!(
        (lift["low"].as_f64().unwrap() - (3_250.0 - z * se)).abs() < 0.01,
        "{lift}"
    );
    assert!((w["revenue_lift_pct"]["value"].as_f64().unwrap() - 81.25).abs() < 1e-9);
    assert_eq!(w["margin_uplift"]["value"], 1_200.0);
    assert_eq!(w["incremental_aov"]["value"], 2_500.0);
    assert_eq!(w["attach_rate"], 0.5);
    assert_eq!(w["conversion_per_exposure"], 1.0);
    assert_eq!(w["return_rate"], 1.0);
    assert!(
        (w["core_conversion_pp"]["value"].as_f64().unwrap() - (50.0 - 100.0 / 3.0)).abs() < 1e-9
    );
    // Two sessions a side are below the pack's min_sessions (200): no verdict, keep.
    let v = verdict(&r, "bulbs");
    assert_eq!(v["weeks"][0]["verdict"], "no_verdict");
    assert_eq!(v["status"], "keep");

    // 30/60/90 days: no window has closed by the last event; with --until past 90 days, each
    // visitor (the session, without visitor ids) counts its revenue after its opportunity.
    assert_eq!(r["cohorts"], json!([]));
    let r = report_json(&[
        events.to_str().unwrap(),
        "--pack",
        &sim("pack.json"),
        "--since",
        "2026-10-01",
        "--until",
        "2027-01-31",
    ]);
    let cohort = |side: &str| {
        r["cohorts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["side"] == side)
            .cloned()
            .unwrap()
    };
    assert_eq!(cohort("shown")["cohort"], "2026-10-05");
    assert_eq!(cohort("shown")["visitors"], json!([2, 2, 2]));
    assert_eq!(cohort("shown")["revenue"], json!([7250.0, 7250.0, 7250.0]));
    assert_eq!(cohort("held")["visitors"], json!([3, 3, 3]));
    assert_eq!(cohort("held")["revenue"], json!([4000.0, 4000.0, 4000.0]));
}

/// The relative revenue lift the truth file implies for an add-on (docs/report.md#simulate).
fn true_lift(truth: &Value, offer: &str, price: f64) -> f64 {
    let f = |k: &str| truth[k].as_f64().unwrap();
    let e = &truth["offers"][offer];
    let g = |k: &str| e[k].as_f64().unwrap_or(0.0);
    let base = f("conversion") * f("order_mean");
    let shown = f("conversion")
        * (1.0 - f("exposure") + f("exposure") * (1.0 + g("core_effect")))
        * f("order_mean")
        + f("exposure") * g("attach") * price;
    100.0 * (shown / base - 1.0)
}

#[test]
fn simulated_traffic_the_report_recovers_the_truth() {
    let dir = scratch("truth");
    let events = dir.join("events.jsonl");
    let (code, _, err) = xsell(&[
        "simulate",
        "--pack",
        &sim("pack.json"),
        "--truth",
        &sim("truth.json"),
        "--seed",
        "1",
        "--out",
        events.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let kills = dir.join("kills.json");
    let html = dir.join("card.html");
    let r = report_json(&[
        events.to_str().unwrap(),
        "--pack",
        &sim("pack.json"),
        "--kill-list",
        kills.to_str().unwrap(),
        "--html",
        html.to_str().unwrap(),
    ]);
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(sim("truth.json")).unwrap()).unwrap();
    assert_eq!(r["events"]["malformed"], 0);

    // bulbs: a true +8% revenue lift, detected (the interval excludes 0) and covered.
    let want = true_lift(&truth, "bulbs", 2_500.0);
    assert!((want - 8.0).abs() < 1e-9, "{want}");
    let got = &row(&r, "bulbs", "all")["revenue_lift_pct"];
    assert!(got["low"].as_f64().unwrap() > 0.0, "{got}");
    assert!(
        got["low"].as_f64().unwrap() < want && want < got["high"].as_f64().unwrap(),
        "{got} vs {want}"
    );
    assert_eq!(verdict(&r, "bulbs")["status"], "keep");

    // cushion cannibalizes the chair: killed after its first two weekly cycles.
    let want = true_lift(&truth, "cushion", 3_900.0);
    assert!(want < -15.0, "{want}");
    let got = &row(&r, "cushion", "all")["revenue_lift_pct"];
    assert!(
        got["low"].as_f64().unwrap() < want && want < got["high"].as_f64().unwrap(),
        "{got} vs {want}"
    );
    let v = verdict(&r, "cushion");
    assert_eq!(v["status"], "kill");
    assert_eq!(v["weeks"][0]["verdict"], "miss");
    assert_eq!(v["weeks"][1]["verdict"], "miss");

    // desk-mat and descaler do nothing: kept.
    for o in ["desk-mat", "descaler"] {
        assert_eq!(verdict(&r, o)["status"], "keep", "{o}");
    }

    // The kill list names exactly the cushion, and apply-kills ships a pack without it.
    let list: Value = serde_json::from_str(&std::fs::read_to_string(&kills).unwrap()).unwrap();
    assert_eq!(list["kills"].as_array().unwrap().len(), 1);
    assert_eq!(list["kills"][0]["offer"], "cushion");
    let next = dir.join("next.json");
    let (code, _, err) = xsell(&[
        "pack",
        "apply-kills",
        &sim("pack.json"),
        "--kills",
        kills.to_str().unwrap(),
        "--out",
        next.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("offer `cushion` is removed"), "{err}");
    let pack: Value = serde_json::from_str(&std::fs::read_to_string(&next).unwrap()).unwrap();
    assert_eq!(pack["header"]["version"], 2);
    let ids: Vec<&str> = pack["offers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["bulbs", "desk-mat", "descaler"]);
    let (code, out, _) = xsell(&["pack", "check", next.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");

    // The page: self-contained, one chart per offer, the verdicts in it.
    let page = std::fs::read_to_string(&html).unwrap();
    assert_eq!(page.matches("<svg").count(), 4);
    assert!(page.contains("stop-loss"));
    assert!(page.contains("<td class=\"kill\">kill</td><td>cushion</td>"));
    for banned in ["<script", "src=", "href=", "url(", "@import"] {
        assert!(!page.contains(banned), "{banned}");
    }
}

#[test]
fn null_offers_are_falsely_killed_no_more_often_than_the_bars_allow() {
    // Four weeks, 4,000 sessions a week: each null offer has about 500 sessions a side a week,
    // over the pack's min_sessions. At 95% a null week misses with probability 2.5% (the
    // interval's upper end below 0); over 8 seeds × 2 null offers × 4 weeks = 64 weeks, seven
    // or more misses would happen with probability under 0.1%.
    let dir = scratch("null");
    let mut truth: Value =
        serde_json::from_str(&std::fs::read_to_string(sim("truth.json")).unwrap()).unwrap();
    truth["sessions_per_week"] = json!(4000);
    let truth_file = dir.join("truth.json");
    std::fs::write(&truth_file, truth.to_string()).unwrap();
    let (mut misses, mut judged, mut kills) = (0, 0, 0);
    for seed in 1..=8 {
        let events = dir.join(format!("e{seed}.jsonl"));
        let (code, _, err) = xsell(&[
            "simulate",
            "--pack",
            &sim("pack.json"),
            "--truth",
            truth_file.to_str().unwrap(),
            "--seed",
            &seed.to_string(),
            "--out",
            events.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{err}");
        let r = report_json(&[events.to_str().unwrap(), "--pack", &sim("pack.json")]);
        for o in ["desk-mat", "descaler"] {
            let v = verdict(&r, o);
            for w in v["weeks"].as_array().unwrap() {
                judged += usize::from(w["verdict"] != "no_verdict");
                misses += usize::from(w["verdict"] == "miss");
            }
            kills += usize::from(v["status"] == "kill");
        }
    }
    assert_eq!(
        judged, 64,
        "every null week had enough sessions for a verdict"
    );
    assert!(misses <= 6, "{misses} misses in {judged} null weeks");
    assert!(kills <= 1, "{kills} null offers killed");
}

#[test]
fn breakdowns_split_rows_and_bad_flags_are_refused() {
    let dir = scratch("by");
    let events = dir.join("events.jsonl");
    let mut truth: Value =
        serde_json::from_str(&std::fs::read_to_string(sim("truth.json")).unwrap()).unwrap();
    truth["sessions_per_week"] = json!(500);
    truth["weeks"] = json!(1);
    let truth_file = dir.join("truth.json");
    std::fs::write(&truth_file, truth.to_string()).unwrap();
    let (code, _, err) = xsell(&[
        "simulate",
        "--pack",
        &sim("pack.json"),
        "--truth",
        truth_file.to_str().unwrap(),
        "--out",
        events.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let r = report_json(&[
        events.to_str().unwrap(),
        "--pack",
        &sim("pack.json"),
        "--by",
        "placement,segment",
    ]);
    let segments: std::collections::BTreeSet<&str> = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["by"]["segment"].as_str().unwrap())
        .collect();
    assert_eq!(segments.into_iter().collect::<Vec<_>>(), ["regular", "vip"]);
    // The segments add up to the offer's verdict rows.
    let opp = |seg: &str| -> u64 {
        r["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["offer"] == "bulbs" && x["week"] == "all" && x["by"]["segment"] == seg)
            .map(|x| x["opportunities"].as_u64().unwrap())
            .sum()
    };
    let total = report_json(&[events.to_str().unwrap(), "--pack", &sim("pack.json")]);
    assert_eq!(
        opp("regular") + opp("vip"),
        row(&total, "bulbs", "all")["opportunities"]
            .as_u64()
            .unwrap()
    );

    let (code, _, err) = xsell(&[
        "report",
        events.to_str().unwrap(),
        "--pack",
        &sim("pack.json"),
        "--by",
        "colour",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("unknown breakdown `colour`"), "{err}");
}
