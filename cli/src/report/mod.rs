//! `xsell report`: the weekly scorecard from measurement events (docs/report.md). Streams
//! JSON Lines with bounded memory per line, counts malformed and duplicate lines instead of
//! failing, and writes the scorecard as text, JSON, a self-contained HTML page and a kill list.

pub mod event;
mod html;
pub mod scorecard;
pub mod stats;
pub mod tally;

use crate::io::{self, Fail, Outcome};
use crate::ReportArgs;
use scorecard::{Bars, Scorecard, StopLoss};
use serde::Serialize;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::process::ExitCode;
use tally::{Dim, Facts, Intake, Tally};
use xsell::pack::time::parse_rfc3339;
use xsell::Pack;

/// The whole report as `--json` prints it.
#[derive(Serialize)]
struct Json<'a> {
    pack: PackInfo<'a>,
    events: &'a Intake,
    confidence: u32,
    weeks: &'a [String],
    rows: &'a [scorecard::Row],
    verdicts: &'a [scorecard::Verdict],
    cohorts: &'a [scorecard::CohortRow],
}

#[derive(Serialize)]
struct PackInfo<'a> {
    id: &'a str,
    version: u64,
}

/// The kill list `xsell pack apply-kills` reads.
#[derive(Serialize, serde::Deserialize)]
pub struct KillList {
    pub pack: String,
    pub version: u64,
    pub kills: Vec<Kill>,
    #[serde(default)]
    pub watch: Vec<Kill>,
}

#[derive(Serialize, serde::Deserialize)]
pub struct Kill {
    pub offer: String,
    pub placement: String,
    pub reason: String,
}

fn day_or_time(s: &str, what: &str) -> Result<i64, Fail> {
    let t = if s.len() == 10 {
        parse_rfc3339(&format!("{s}T00:00:00Z"))
    } else {
        parse_rfc3339(s)
    };
    t.map(|t| t * 1000)
        .ok_or_else(|| Fail::new(format!("{what}: `{s}` is neither YYYY-MM-DD nor RFC 3339")))
}

fn dims(by: &[String]) -> Result<Vec<Dim>, Fail> {
    let mut out = Vec::new();
    for b in by.iter().flat_map(|s| s.split(',')).map(str::trim) {
        let d = match b {
            "" | "offer" | "placement" => continue,
            "segment" => Dim::Segment,
            "tenure" => Dim::Tenure,
            "device" => Dim::Device,
            "product" => Dim::Product,
            other => {
                return Err(Fail::new(format!(
                    "--by: unknown breakdown `{other}` (use placement, segment, tenure, device, product)"
                )))
            }
        };
        if !out.contains(&d) {
            out.push(d);
        }
    }
    Ok(out)
}

/// The pack's facts and stop-loss bars.
fn from_pack(pack: &Pack) -> (Facts, StopLoss) {
    let mut facts = Facts::default();
    let sku = |i: &u32| pack.products.get(*i as usize).map(|p| p.sku.clone());
    let mut bars = HashMap::new();
    for (i, o) in pack.offers.iter().enumerate() {
        facts
            .sells
            .insert(o.id.clone(), o.sells.iter().filter_map(sku).collect());
        if o.bundle.is_none() {
            if let Some(s) = o.item.as_ref().and_then(sku) {
                facts.margin_by_sku.entry(s).or_insert(o.margin);
            }
        }
        let b = pack.stop_loss.bars(i as u32);
        bars.insert(
            o.id.clone(),
            Bars {
                min_revenue_lift: b.min_revenue_lift,
                min_margin_uplift: b.min_margin_uplift,
            },
        );
    }
    let stop = StopLoss {
        confidence: pack.stop_loss.confidence,
        min_sessions: pack.stop_loss.min_sessions,
        bars,
        default: Bars {
            min_revenue_lift: 0,
            min_margin_uplift: 0,
        },
    };
    (facts, stop)
}

/// Streams one input into the tally, line by line.
fn scan(name: &str, input: impl Read, t: &mut Tally, facts: &Facts) -> Result<(), Fail> {
    let mut r = BufReader::with_capacity(1 << 20, input);
    let mut line = Vec::with_capacity(1024);
    let mut n = 0u64;
    loop {
        line.clear();
        let got = r
            .read_until(b'\n', &mut line)
            .map_err(|e| Fail::new(format!("{name}: cannot read: {e}")))?;
        if got == 0 {
            return Ok(());
        }
        n += 1;
        let text = line.trim_ascii();
        if text.is_empty() {
            continue;
        }
        t.intake.lines += 1;
        match event::parse(text) {
            Ok(e) => t.add(&e, facts),
            Err(why) => t.malformed(name, n, &why),
        }
    }
}

/// Reads the events and builds the scorecard (for `report` and the tests).
pub fn run(
    pack: &Pack,
    inputs: &[std::path::PathBuf],
    by: &[String],
    since: Option<i64>,
    until: Option<i64>,
    arm: Option<&str>,
) -> Result<(Tally, Scorecard, u32), Fail> {
    let (facts, stop) = from_pack(pack);
    let mut t = Tally::new(dims(by)?, since, until);
    for path in inputs {
        let name = path.display().to_string();
        if name == "-" {
            scan("stdin", std::io::stdin().lock(), &mut t, &facts)?;
        } else {
            let f = std::fs::File::open(path)
                .map_err(|e| Fail::new(format!("{name}: cannot read: {e}")))?;
            scan(&name, f, &mut t, &facts)?;
        }
    }
    let cohorts = t.finish(&facts);
    let card = scorecard::build(&t, &cohorts, &stop, arm);
    Ok((t, card, stop.confidence))
}

pub fn report(args: &ReportArgs) -> Outcome {
    let pack = Pack::from_json(&io::read(&args.pack)?).map_err(|e| {
        Fail(
            std::iter::once(format!("{}: not a valid pack", args.pack.display()))
                .chain(e.iter().map(|x| x.to_string()))
                .collect(),
        )
    })?;
    let since = args
        .since
        .as_deref()
        .map(|s| day_or_time(s, "--since"))
        .transpose()?;
    let until = args
        .until
        .as_deref()
        .map(|s| day_or_time(s, "--until"))
        .transpose()?;
    let (t, card, confidence) = run(
        &pack,
        &args.events,
        &args.by,
        since,
        until,
        args.arm.as_deref(),
    )?;

    if let Some(path) = &args.kill_list {
        let pick = |status: &str| {
            card.verdicts
                .iter()
                .filter(|v| v.status == status)
                .map(|v| Kill {
                    offer: v.offer.clone(),
                    placement: v.placement.clone(),
                    reason: v.reason.clone(),
                })
                .collect()
        };
        let list = KillList {
            pack: pack.header.id.clone(),
            version: pack.header.version,
            kills: pick("kill"),
            watch: pick("watch"),
        };
        let text = serde_json::to_string_pretty(&list).map_err(|e| Fail::new(e.to_string()))?;
        io::write(path, format!("{text}\n").as_bytes())?;
    }
    if let Some(path) = &args.html {
        let page = html::page(&pack, &t.intake, &card, confidence);
        io::write(path, page.as_bytes())?;
    }
    if args.json {
        let j = Json {
            pack: PackInfo {
                id: &pack.header.id,
                version: pack.header.version,
            },
            events: &t.intake,
            confidence,
            weeks: &card.weeks,
            rows: &card.rows,
            verdicts: &card.verdicts,
            cohorts: &card.cohorts,
        };
        let text = serde_json::to_string(&j).map_err(|e| Fail::new(e.to_string()))?;
        io::out(&format!("{text}\n"))?;
    } else {
        io::out(&text(&t.intake, &card, confidence))?;
    }
    for line in &t.intake.malformed_lines {
        eprintln!("malformed: {line}");
    }
    Ok(ExitCode::SUCCESS)
}

fn pct(x: Option<f64>) -> String {
    x.map_or("–".into(), |v| format!("{:.1}%", 100.0 * v))
}

/// The plain-text scorecard: verdicts first, then each offer's totals.
fn text(intake: &Intake, card: &Scorecard, confidence: u32) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "events: {} lines, {} counted, {} malformed, {} duplicates, {} outside the period\n",
        intake.lines, intake.counted, intake.malformed, intake.duplicates, intake.outside_period
    ));
    s.push_str(&format!(
        "weeks: {}  (intervals at {confidence}%)\n\n",
        card.weeks.join(", ")
    ));
    s.push_str("status  offer @ placement: revenue lift per session [interval], margin uplift [interval]  (weeks: verdicts)\n");
    for v in &card.verdicts {
        let weeks: Vec<&str> = v.weeks.iter().map(|w| w.verdict).collect();
        let total = card.rows.iter().find(|r| {
            r.offer == v.offer && r.placement == v.placement && r.week == "all" && r.by.is_empty()
        });
        let (lift, margin) = total.map_or(("–".into(), "–".into()), |r| {
            (
                r.revenue_lift_pct.map_or("–".into(), |e| {
                    format!("{:+.1}% [{:+.1}, {:+.1}]", e.value, e.low, e.high)
                }),
                r.margin_uplift.map_or("–".into(), |e| {
                    format!("{:+.0} [{:+.0}, {:+.0}]", e.value, e.low, e.high)
                }),
            )
        });
        s.push_str(&format!(
            "{:<7} {} @ {}: {lift}, {margin}  ({})\n",
            v.status,
            v.offer,
            v.placement,
            weeks.join(" ")
        ));
    }
    s.push_str("\noffer @ placement [breakdown]: opportunities shown/held, exposures, accepts, attach rate, conversion per exposure, return rate\n");
    for r in card.rows.iter().filter(|r| r.week == "all") {
        let by: Vec<String> = r.by.iter().map(|(k, v)| format!("{k}={v}")).collect();
        s.push_str(&format!(
            "{} @ {}{}: {}/{}, {}, {}, {}, {}, {}\n",
            r.offer,
            r.placement,
            if by.is_empty() {
                String::new()
            } else {
                format!(" [{}]", by.join(" "))
            },
            r.opportunities,
            r.held_opportunities,
            r.exposures,
            r.accepts,
            pct(r.attach_rate),
            pct(r.conversion_per_exposure),
            pct(r.return_rate)
        ));
    }
    s
}
