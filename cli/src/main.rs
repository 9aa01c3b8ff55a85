//! `xsell`: the merchant's tool. Makes signing keys, lints, signs and verifies rule packs, and
//! tries decisions and ledgers locally. The core stays pure; this binary supplies the clock,
//! randomness and files.
//!
//! Exit codes: 0 ok, 1 bad input (invalid pack, bad signature, unreadable file, lint errors),
//! 2 usage (clap's own errors).

mod decide;
mod io;
mod keys;
mod pack;
mod report;
mod simulate;

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use xsell::Consent;

#[derive(Debug, Parser)]
#[command(
    name = "xsell",
    version,
    about = "Make keys; check, sign and verify xsell rule packs; try decisions."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Make an Ed25519 signing key: PREFIX.key (secret, mode 0600) and PREFIX.pub.
    Keygen(KeygenArgs),
    /// Check, sign and verify rule packs.
    #[command(subcommand)]
    Pack(PackCommand),
    /// Decide the offer for one or more page views, as the page or worker would.
    Decide(DecideArgs),
    /// Work with a stored visitor ledger (frequency caps, cooldowns, sequencing).
    #[command(subcommand)]
    Ledger(LedgerCommand),
    /// The weekly scorecard from measurement events: lift against the holdout per offer and
    /// placement, stop-loss verdicts (keep / watch / kill), an HTML page and a kill list.
    Report(ReportArgs),
    /// Simulate shoppers through the real engine and ledger, with known true effects per
    /// offer, and write their measurement events (JSON Lines).
    Simulate(SimulateArgs),
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Event files (JSON Lines); `-` reads stdin.
    #[arg(value_name = "EVENTS", required = true)]
    pub events: Vec<PathBuf>,
    /// Pack source JSON: offers' skus and margins, and the stop-loss bars.
    #[arg(long, value_name = "PACK.json")]
    pub pack: PathBuf,
    /// First instant counted: YYYY-MM-DD (UTC) or RFC 3339.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// First instant not counted: YYYY-MM-DD (UTC) or RFC 3339; also the horizon of the 30/60/90-day windows.
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Breakdowns beyond offer × placement: segment, tenure, device, product (comma-separated).
    #[arg(long, value_name = "DIMS")]
    pub by: Vec<String>,
    /// Compare one arm (instead of every shown arm together) with the holdout.
    #[arg(long, value_name = "ARM")]
    pub arm: Option<String>,
    /// Write the scorecard as one self-contained HTML page.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Write the offers to kill (and to watch) as JSON, for `xsell pack apply-kills`.
    #[arg(long, value_name = "FILE")]
    pub kill_list: Option<PathBuf>,
    /// Print the whole scorecard as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Pack source JSON (its experiments decide who is held out).
    #[arg(long, value_name = "PACK.json")]
    pub pack: PathBuf,
    /// The true effects per offer and the traffic model (JSON; see docs/report.md).
    #[arg(long, value_name = "TRUTH.json")]
    pub truth: PathBuf,
    /// Seed of the random source: the same seed gives the same events.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write the events here instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Path prefix of the key files: writes PREFIX.key and PREFIX.pub.
    #[arg(long, value_name = "PREFIX")]
    pub out: PathBuf,
    /// Overwrite existing key files.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Subcommand)]
enum PackCommand {
    /// Lint pack source JSON: load errors plus offers that can never show, missing
    /// explanations and more. Exits 1 if there is any error.
    Check(CheckArgs),
    /// Lint, then sign the exact file bytes into an envelope (several keys for rotation).
    Sign(SignArgs),
    /// Verify a signed envelope and load the pack, as a page or worker would.
    Verify(VerifyArgs),
    /// Take the offers a kill list names out of their placements (and out of the pack when
    /// none is left), bump the version, and write the new pack source to sign.
    ApplyKills(ApplyKillsArgs),
}

#[derive(Debug, Args)]
pub struct ApplyKillsArgs {
    /// Pack source JSON.
    #[arg(value_name = "PACK.json")]
    pub pack: PathBuf,
    /// The kill list from `xsell report --kill-list`.
    #[arg(long, value_name = "FILE")]
    pub kills: PathBuf,
    /// Write the new pack source here (default: stdout).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Pack source JSON.
    #[arg(value_name = "PACK.json")]
    pub pack: PathBuf,
    /// Print the findings as a JSON array.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// Pack source JSON.
    #[arg(value_name = "PACK.json")]
    pub pack: PathBuf,
    /// Secret key file (from `xsell keygen`); repeat to sign with several keys.
    #[arg(long = "key", value_name = "KEY", required = true)]
    pub keys: Vec<PathBuf>,
    /// Write the envelope here instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Signed envelope.
    #[arg(value_name = "ENVELOPE")]
    pub envelope: PathBuf,
    /// Trusted public keys, comma-separated: "ed25519:…" texts or .pub files (one key a line).
    #[arg(long, value_name = "KEYS")]
    pub keys: String,
    /// The time to check validity at: RFC 3339 or Unix seconds (default: now).
    #[arg(long, value_name = "TIME", value_parser = io::parse_time)]
    pub now: Option<i64>,
    /// Allowed clock skew either side of issued_at / expires_at, seconds.
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    pub skew: u32,
    /// The site host the pack must be for.
    #[arg(long, value_name = "HOST")]
    pub audience: Option<String>,
    /// Highest version of this pack already accepted (refuse older: anti-rollback).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub high_water: u64,
}

#[derive(Debug, Args)]
pub struct DecideArgs {
    /// A signed envelope (with --keys) or pack source JSON (with --unsigned).
    #[arg(long, value_name = "FILE")]
    pub pack: PathBuf,
    /// Trusted public keys for a signed pack (as for `pack verify`).
    #[arg(
        long,
        value_name = "KEYS",
        required_unless_present = "unsigned",
        conflicts_with = "unsigned"
    )]
    pub keys: Option<String>,
    /// Read --pack as unsigned pack source (to try rules before signing).
    #[arg(long)]
    pub unsigned: bool,
    /// Signals JSON: one Signals object, or an array of them.
    #[arg(long, value_name = "SIGNALS.json")]
    pub signals: PathBuf,
    /// File holding an encoded ledger (xl1.…); a missing file is an empty ledger.
    #[arg(long, value_name = "LEDGER_FILE")]
    pub ledger: Option<PathBuf>,
    /// all, none, or a comma list of storage, personalization, measurement, gpc.
    #[arg(long, value_name = "CONSENT", default_value = "all", value_parser = io::parse_consent)]
    pub consent: Consent,
    /// The time to decide at: RFC 3339 or Unix seconds (default: now).
    #[arg(long, value_name = "TIME", value_parser = io::parse_time)]
    pub now: Option<i64>,
    /// The site host (checks the pack's audience).
    #[arg(long, value_name = "HOST")]
    pub audience: Option<String>,
    /// Include the trace: every candidate that lost, and why.
    #[arg(long)]
    pub trace: bool,
    /// Output: `json` (the Decision) or `text` (a readable explanation, trace included).
    #[arg(long, value_name = "FORMAT", default_value = "json", value_parser = ["json", "text"])]
    pub format: String,
    /// Record each chosen offer as shown in the --ledger file, as a page would after
    /// rendering it; with an array of signals, each decision sees the ones before it.
    #[arg(long, requires = "ledger")]
    pub record_shown: bool,
}

#[derive(Debug, Subcommand)]
enum LedgerCommand {
    /// Record an event into the ledger file (starting one if it does not exist).
    Record(RecordArgs),
    /// Print a ledger file as JSON.
    Show(ShowArgs),
}

#[derive(Debug, Args)]
pub struct RecordArgs {
    /// File holding the encoded ledger; created if missing.
    #[arg(long, value_name = "FILE")]
    pub ledger: PathBuf,
    /// The event as JSON, e.g. {"kind":"shown","offer":"x","placement":"cart","session":"s1"}.
    #[arg(long, value_name = "EVENT_JSON")]
    pub event: String,
    /// When it happened: RFC 3339 or Unix seconds (default: now).
    #[arg(long, value_name = "TIME", value_parser = io::parse_time)]
    pub now: Option<i64>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// File holding the encoded ledger.
    #[arg(long, value_name = "FILE")]
    pub ledger: PathBuf,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Keygen(a) => keys::keygen(&a),
        Command::Pack(PackCommand::Check(a)) => pack::check(&a),
        Command::Pack(PackCommand::Sign(a)) => pack::sign(&a),
        Command::Pack(PackCommand::Verify(a)) => pack::verify(&a),
        Command::Decide(a) => decide::decide(&a),
        Command::Ledger(LedgerCommand::Record(a)) => decide::record(&a),
        Command::Ledger(LedgerCommand::Show(a)) => decide::show(&a),
        Command::Report(a) => report::report(&a),
        Command::Simulate(a) => simulate::simulate(&a),
        Command::Pack(PackCommand::ApplyKills(a)) => pack::apply_kills(&a),
    };
    match result {
        Ok(code) => code,
        Err(fail) => {
            for line in &fail.0 {
                eprintln!("error: {line}");
            }
            ExitCode::from(1)
        }
    }
}
