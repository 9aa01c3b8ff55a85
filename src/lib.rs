//! xsell core: verifies a signed rule pack and decides the one explained add-on for a placement.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod condition;
pub mod consent;
pub mod envelope;
pub mod json;
pub mod pack;
pub mod signals;

/// The pack format this engine reads (`format` in the pack, `v1` in the payload type).
pub const PACK_FORMAT: u32 = 1;
/// This engine's version, compared with a pack's `min_engine`.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");
pub mod decision;
pub mod ledger;
pub mod lint;
pub mod load;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use consent::Consent;
pub use decision::{decide, Decision, Outcome, Reason, Text};
pub use envelope::{PublicKey, SecretKey, TrustedKeys};
pub use ledger::{Event, EventKind, Ledger, LedgerError};
pub use load::{load, LoadError, LoadOptions, Loaded};
pub use pack::error::{PackError, PackErrorKind, PackErrors};
pub use pack::Pack;
pub use signals::Signals;
