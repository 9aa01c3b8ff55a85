//! The rule pack as the merchant writes it: plain serde structs mirroring docs/pack-format.md.
//!
//! Nothing here is trusted or checked beyond JSON shape; `compile` turns a `PackSource` into a
//! validated, indexed [`crate::Pack`]. Unknown fields are rejected everywhere so a typo is a load
//! error, not a silently ignored rule.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The whole pack document (the payload inside the signed envelope).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct PackSource {
    /// Pack format version; this engine reads [`crate::PACK_FORMAT`].
    pub format: u32,
    pub header: HeaderSource,
    #[serde(default)]
    pub catalog: Vec<ProductSource>,
    #[serde(default)]
    pub compatibility: Vec<CompatibilitySource>,
    /// Declared "told us" questions: answer key -> its type and allowed values.
    #[serde(default, deserialize_with = "crate::pack::strict::unique_map")]
    pub answers: BTreeMap<String, AnswerSource>,
    #[serde(default)]
    pub offers: Vec<OfferSource>,
    #[serde(default)]
    pub policy: PolicySource,
}

/// Identity, validity and audience of a pack.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct HeaderSource {
    pub id: String,
    /// Only ever increases; clients refuse a version below their high-water mark.
    pub version: u64,
    /// RFC 3339 timestamp, e.g. "2026-11-01T00:00:00Z".
    pub issued_at: String,
    pub expires_at: String,
    /// Site host names the pack is valid for; "*.example.com" matches sub-domains.
    pub audience: Vec<String>,
    /// Oldest engine version ("major.minor.patch") that understands this pack.
    pub min_engine: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct ProductSource {
    pub sku: String,
    pub name: String,
    pub category: String,
    #[serde(default)]
    pub tags: Vec<String>,
    pub price: PriceSource,
    #[serde(default)]
    pub image: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    /// Units in stock; live stock in the signals overrides it. Absent = not tracked.
    #[serde(default)]
    pub stock: Option<i64>,
}

/// A price in minor units (cents) and an ISO 4217 currency code.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct PriceSource {
    pub amount: i64,
    pub currency: String,
}

/// Which products an add-on fits. A product matches a selector when any listed sku, category
/// or tag matches it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct SelectorSource {
    #[serde(default)]
    pub skus: Vec<String>,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// `addon` fits a product when the product matches `requires` (if given) and not `excludes`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct CompatibilitySource {
    pub addon: String,
    #[serde(default)]
    pub requires: Option<SelectorSource>,
    #[serde(default)]
    pub excludes: Option<SelectorSource>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AnswerType {
    String,
    Number,
    Bool,
}

/// A declared "told us" answer the host may pass in `signals.answers`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct AnswerSource {
    #[serde(rename = "type")]
    pub kind: AnswerType,
    /// For strings: the allowed values (empty = any).
    #[serde(default)]
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum OfferKind {
    Addon,
    Bundle,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Researching,
    Purchasing,
    Onboarding,
    Using,
}

impl Stage {
    /// The stage's name as written in a pack.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Researching => "researching",
            Stage::Purchasing => "purchasing",
            Stage::Onboarding => "onboarding",
            Stage::Using => "using",
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Motivation {
    SaveTime,
    ReduceRisk,
    EnhanceResults,
}

/// The need-state matrix cell an offer answers.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct NeedSource {
    pub stage: Stage,
    pub motivation: Motivation,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Good,
    Better,
    Best,
}

/// A mission bundle: named by outcome, sold at one price for the items' collective value.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct BundleSource {
    /// Outcome name shared by the tiers, e.g. "Sleep Preservation Set".
    pub name: String,
    pub tier: Tier,
    /// Tier label shown to the shopper, e.g. "Starter".
    #[serde(default)]
    pub tier_label: Option<String>,
    /// The product the bundle is built around; if it is among `items` it stays at full price.
    #[serde(default)]
    pub anchor: Option<String>,
    pub items: Vec<String>,
    /// Price of the whole bundle, minor units, in the items' currency.
    pub price: i64,
    /// Category the bundle counts against for `policy.max_bundles_per_category`
    /// (default: the anchor's category, else the first item's).
    #[serde(default)]
    pub category: Option<String>,
}

/// Frequency caps: how often an offer may be shown.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct CapsSource {
    #[serde(default)]
    pub session: Option<u32>,
    #[serde(default)]
    pub day: Option<u32>,
    #[serde(default)]
    pub week: Option<u32>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SequenceEvent {
    Shown,
    Accepted,
}

/// "Only after": another offer must have been shown (or accepted) first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct AfterSource {
    pub offer: String,
    #[serde(default = "default_after_event")]
    pub event: SequenceEvent,
}

fn default_after_event() -> SequenceEvent {
    SequenceEvent::Shown
}

/// An active window, RFC 3339 timestamps; either end may be open.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct WindowSource {
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub until: Option<String>,
}

/// The consent an offer needs beyond the contextual minimum.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ConsentNeed {
    /// Decided from the current page and cart only; may show without personalization consent
    /// (the engine still upgrades this to `personalization` when the condition reads profile data).
    #[default]
    Contextual,
    Personalization,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct OfferSource {
    pub id: String,
    pub kind: OfferKind,
    /// The add-on sku (kind = addon).
    #[serde(default)]
    pub item: Option<String>,
    /// The bundle (kind = bundle).
    #[serde(default)]
    pub bundle: Option<BundleSource>,
    pub placements: Vec<String>,
    pub need: NeedSource,
    /// Eligibility condition; absent = always. Read as strict JSON (duplicate keys refused) into
    /// a flat tree; `compile` turns it into a [`crate::condition::Condition`].
    #[serde(default)]
    pub when: Option<crate::pack::tree::JsonTree>,
    /// Card title; defaults to the item or bundle name.
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub benefit: Option<String>,
    /// The "because" template, e.g. "Because you chose the {chosen.name} and told us you sleep
    /// {answers.sleep_temperature}, we recommend the {offer.name}."
    #[serde(default)]
    pub because: Option<String>,
    /// Used when `because` cites something we may not or cannot cite (no personalization
    /// consent, or a value the shopper did not give). May cite only page and cart.
    #[serde(default)]
    pub because_contextual: Option<String>,
    #[serde(default)]
    pub cta: Option<String>,
    #[serde(default)]
    pub priority: i32,
    /// Contribution margin per unit sold, minor units.
    #[serde(default)]
    pub margin: i64,
    #[serde(default)]
    pub caps: CapsSource,
    /// Hours the offer stays hidden after the shopper says "no thanks".
    #[serde(default)]
    pub cooldown_hours: Option<u32>,
    #[serde(default)]
    pub after: Vec<AfterSource>,
    /// Exclusive group: once one member was accepted, or shown this session, the others wait.
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub window: Option<WindowSource>,
    #[serde(default)]
    pub consent: ConsentNeed,
}

/// Caps across all offers.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct PolicySource {
    /// Caps across all offers (session / day; week allowed too).
    #[serde(default)]
    pub caps: CapsSource,
    /// Caps per placement, across offers.
    #[serde(default, deserialize_with = "crate::pack::strict::unique_map")]
    pub placement_caps: BTreeMap<String, CapsSource>,
    /// At most this many bundle offers per category (default 3).
    #[serde(default)]
    pub max_bundles_per_category: Option<u32>,
    /// Placements where bundles may appear (default: product, cart).
    #[serde(default)]
    pub bundle_placements: Option<Vec<String>>,
    /// Extra placements beyond the built-in ones, each with the stage it implies.
    #[serde(default, deserialize_with = "crate::pack::strict::unique_map")]
    pub placements: BTreeMap<String, Stage>,
    /// Score bonus for an offer whose motivation matches the shopper's declared one.
    #[serde(default)]
    pub motivation_bonus: Option<i32>,
    /// Hours after a purchase that count as onboarding (default 24).
    #[serde(default)]
    pub onboarding_hours: Option<u32>,
    /// Consent the script assumes before the shopper or a CMP answers, by region: an ISO
    /// country code ("US"), "EEA" (the European Economic Area), or "*" for anywhere else.
    #[serde(default, deserialize_with = "crate::pack::strict::unique_map")]
    pub consent_defaults: BTreeMap<String, ConsentDefaultSource>,
}

/// A region's default consent (GPC and the shopper's own choice always override it).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct ConsentDefaultSource {
    #[serde(default)]
    pub storage: bool,
    #[serde(default)]
    pub personalization: bool,
    #[serde(default)]
    pub measurement: bool,
}

crate::object_only!(
    ConsentDefaultSource,
    PackSource,
    HeaderSource,
    ProductSource,
    PriceSource,
    SelectorSource,
    CompatibilitySource,
    AnswerSource,
    NeedSource,
    BundleSource,
    CapsSource,
    AfterSource,
    WindowSource,
    OfferSource,
    PolicySource,
);
