//! The rule pack as the merchant writes it: plain structs mirroring docs/pack-format.md, read
//! from a [`crate::json::Doc`] with their strings borrowed from it.
//!
//! Nothing here is trusted or checked beyond JSON shape; `compile` turns a `PackSource` into a
//! validated, indexed [`crate::Pack`]. Unknown fields are rejected everywhere so a typo is a load
//! error, not a silently ignored rule; so are duplicate keys.

use crate::json::read::{Fields, Need, Reader};
use crate::json::{JsonError, Node, Path};
use serde::{Deserialize, Serialize};

/// The whole pack document (the payload inside the signed envelope).
#[derive(Debug, Clone, PartialEq)]
pub struct PackSource<'a> {
    /// Pack format version; this engine reads [`crate::PACK_FORMAT`].
    pub format: u32,
    pub header: HeaderSource<'a>,
    pub catalog: Vec<ProductSource<'a>>,
    pub compatibility: Vec<CompatibilitySource<'a>>,
    /// Declared "told us" questions: answer key -> its type and allowed values.
    pub answers: Vec<(&'a str, AnswerSource<'a>)>,
    pub offers: Vec<OfferSource<'a>>,
    pub policy: PolicySource<'a>,
    /// Holdouts and creative arms, measured by `xsell report`.
    pub experiments: Vec<ExperimentSource<'a>>,
    /// The scorecard's bars: an offer that misses them two weekly cycles in a row is killed.
    pub stop_loss: StopLossSource<'a>,
}

/// Identity, validity and audience of a pack.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HeaderSource<'a> {
    pub id: &'a str,
    /// Only ever increases; clients refuse a version below their high-water mark.
    pub version: u64,
    /// RFC 3339 timestamp, e.g. "2026-11-01T00:00:00Z".
    pub issued_at: &'a str,
    pub expires_at: &'a str,
    /// Site host names the pack is valid for; "*.example.com" matches sub-domains.
    pub audience: Vec<&'a str>,
    /// Oldest engine version ("major.minor.patch") that understands this pack.
    pub min_engine: &'a str,
    pub description: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProductSource<'a> {
    pub sku: &'a str,
    pub name: &'a str,
    pub category: &'a str,
    pub tags: Vec<&'a str>,
    pub price: PriceSource<'a>,
    pub image: Option<&'a str>,
    pub url: Option<&'a str>,
    /// Units in stock; live stock in the signals overrides it. Absent = not tracked.
    pub stock: Option<i64>,
}

/// A price in minor units (cents) and an ISO 4217 currency code.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PriceSource<'a> {
    pub amount: i64,
    pub currency: &'a str,
}

/// Which products an add-on fits. A product matches a selector when any listed sku, category
/// or tag matches it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SelectorSource<'a> {
    pub skus: Vec<&'a str>,
    pub categories: Vec<&'a str>,
    pub tags: Vec<&'a str>,
}

/// `addon` fits a product when the product matches `requires` (if given) and not `excludes`.
#[derive(Debug, Clone, PartialEq)]
pub struct CompatibilitySource<'a> {
    pub addon: &'a str,
    pub requires: Option<SelectorSource<'a>>,
    pub excludes: Option<SelectorSource<'a>>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AnswerType {
    String,
    Number,
    Bool,
}

/// A declared "told us" answer the host may pass in `signals.answers`.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerSource<'a> {
    pub kind: AnswerType,
    /// For strings: the allowed values (empty = any).
    pub values: Vec<&'a str>,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq)]
pub struct BundleSource<'a> {
    /// Outcome name shared by the tiers, e.g. "Sleep Preservation Set".
    pub name: &'a str,
    pub tier: Tier,
    /// Tier label shown to the shopper, e.g. "Starter".
    pub tier_label: Option<&'a str>,
    /// The product the bundle is built around; if it is among `items` it stays at full price.
    pub anchor: Option<&'a str>,
    pub items: Vec<&'a str>,
    /// Price of the whole bundle, minor units, in the items' currency.
    pub price: i64,
    /// Category the bundle counts against for `policy.max_bundles_per_category`
    /// (default: the anchor's category, else the first item's).
    pub category: Option<&'a str>,
}

/// Frequency caps: how often an offer may be shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CapsSource {
    pub session: Option<u32>,
    pub day: Option<u32>,
    pub week: Option<u32>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SequenceEvent {
    Shown,
    Accepted,
}

/// "Only after": another offer must have been shown (or accepted) first.
#[derive(Debug, Clone, PartialEq)]
pub struct AfterSource<'a> {
    pub offer: &'a str,
    pub event: SequenceEvent,
}

/// An active window, RFC 3339 timestamps; either end may be open.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WindowSource<'a> {
    pub from: Option<&'a str>,
    pub until: Option<&'a str>,
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

#[derive(Debug, Clone, PartialEq)]
pub struct OfferSource<'a> {
    pub id: &'a str,
    pub kind: OfferKind,
    /// The add-on sku (kind = addon).
    pub item: Option<&'a str>,
    /// The bundle (kind = bundle).
    pub bundle: Option<BundleSource<'a>>,
    pub placements: Vec<&'a str>,
    pub need: NeedSource,
    /// Eligibility condition; absent = always. Read as strict JSON (duplicate keys refused) into
    /// a flat tree; `compile` turns it into a [`crate::condition::Condition`].
    pub when: Option<Node<'a>>,
    /// Card title; defaults to the item or bundle name.
    pub title: Option<&'a str>,
    pub benefit: Option<&'a str>,
    /// The "because" template, e.g. "Because you chose the {chosen.name} and told us you sleep
    /// {answers.sleep_temperature}, we recommend the {offer.name}."
    pub because: Option<&'a str>,
    /// Used when `because` cites something we may not or cannot cite (no personalization
    /// consent, or a value the shopper did not give). May cite only page and cart.
    pub because_contextual: Option<&'a str>,
    pub cta: Option<&'a str>,
    pub priority: i32,
    /// Contribution margin per unit sold, minor units.
    pub margin: i64,
    pub caps: CapsSource,
    /// Hours the offer stays hidden after the shopper says "no thanks".
    pub cooldown_hours: Option<u32>,
    pub after: Vec<AfterSource<'a>>,
    /// Exclusive group: once one member was accepted, or shown this session, the others wait.
    pub group: Option<&'a str>,
    pub window: Option<WindowSource<'a>>,
    pub consent: ConsentNeed,
}

/// Caps across all offers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicySource<'a> {
    /// Caps across all offers (session / day; week allowed too).
    pub caps: CapsSource,
    /// Caps per placement, across offers.
    pub placement_caps: Vec<(&'a str, CapsSource)>,
    /// At most this many bundle offers per category (default 3).
    pub max_bundles_per_category: Option<u32>,
    /// Placements where bundles may appear (default: product, cart).
    pub bundle_placements: Option<Vec<&'a str>>,
    /// Extra placements beyond the built-in ones, each with the stage it implies.
    pub placements: Vec<(&'a str, Stage)>,
    /// Score bonus for an offer whose motivation matches the shopper's declared one.
    pub motivation_bonus: Option<i32>,
    /// Hours after a purchase that count as onboarding (default 24).
    pub onboarding_hours: Option<u32>,
    /// Consent the script assumes before the shopper or a CMP answers, by region: an ISO
    /// country code ("US"), "EEA" (the European Economic Area), or "*" for anywhere else.
    pub consent_defaults: Vec<(&'a str, ConsentDefaultSource)>,
}

/// A region's default consent (GPC and the shopper's own choice always override it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConsentDefaultSource {
    pub storage: bool,
    pub personalization: bool,
    pub measurement: bool,
}

/// What an experiment randomizes: the shopper, or one intent (shopper, placement, product, day).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// The visitor id (persistent only with storage consent), else the session id.
    #[default]
    Visitor,
    /// Visitor, placement, page product and UTC day: intent-level randomization.
    Opportunity,
}

impl Unit {
    pub fn name(self) -> &'static str {
        match self {
            Unit::Visitor => "visitor",
            Unit::Opportunity => "opportunity",
        }
    }
}

/// A holdout and its creative arms over some placements.
#[derive(Debug, Clone, PartialEq)]
pub struct ExperimentSource<'a> {
    pub id: &'a str,
    pub unit: Unit,
    /// Percent of units (0–90) that see no offer; their decisions record the would-be offer.
    pub holdout: u32,
    /// Placements it covers (default: every placement). Experiments may not overlap.
    pub placements: Option<Vec<&'a str>>,
    /// Creative variants splitting the rest by weight (default: one arm, `default`).
    pub arms: Vec<ArmSource<'a>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ArmSource<'a> {
    pub id: &'a str,
    /// Relative share of the non-holdout units (default 1).
    pub weight: u32,
    /// Offer id -> the text and price presentation this arm shows instead of the offer's own.
    pub offers: Vec<(&'a str, VariantSource<'a>)>,
}

/// How an arm presents the price: as the offer does (with the bundle's regular price and
/// savings), or the price alone.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PriceShow {
    #[default]
    Compare,
    Plain,
}

/// An arm's creative for one offer; absent fields keep the offer's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VariantSource<'a> {
    pub title: Option<&'a str>,
    pub benefit: Option<&'a str>,
    pub because: Option<&'a str>,
    pub because_contextual: Option<&'a str>,
    pub cta: Option<&'a str>,
    pub price: PriceShow,
}

/// The scorecard's stop-loss bars (pack-wide, with per-offer overrides).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StopLossSource<'a> {
    pub bars: BarsSource,
    /// Two-sided confidence of the intervals, percent (default 95).
    pub confidence: Option<u32>,
    /// Sessions each side (treatment and holdout) needs in a week for a verdict (default 100).
    pub min_sessions: Option<u32>,
    pub offers: Vec<(&'a str, BarsSource)>,
}

/// Lift and margin bars; a week misses when the interval lies wholly below either.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BarsSource {
    /// Revenue per session, treatment over holdout, percent (default 0: do no harm).
    pub min_revenue_lift: Option<i64>,
    /// Contribution margin per session, treatment minus holdout, minor units (default 0).
    pub min_margin_uplift: Option<i64>,
}

// ---- reading from a parsed document -------------------------------------------------------

const PACK_FIELDS: Fields<9> = Fields::new(
    [
        "format",
        "header",
        "catalog",
        "compatibility",
        "answers",
        "offers",
        "policy",
        "experiments",
        "stop_loss",
    ],
    0b11,
);
const HEADER_FIELDS: Fields<7> = Fields::new(
    [
        "id",
        "version",
        "issued_at",
        "expires_at",
        "audience",
        "min_engine",
        "description",
    ],
    0b11_1111,
);
const PRODUCT_FIELDS: Fields<8> = Fields::new(
    [
        "sku", "name", "category", "tags", "price", "image", "url", "stock",
    ],
    0b1_0111,
);
const PRICE_FIELDS: Fields<2> = Fields::new(["amount", "currency"], 0b11);
const SELECTOR_FIELDS: Fields<3> = Fields::new(["skus", "categories", "tags"], 0);
const COMPATIBILITY_FIELDS: Fields<3> = Fields::new(["addon", "requires", "excludes"], 0b1);
const ANSWER_FIELDS: Fields<2> = Fields::new(["type", "values"], 0b1);
const NEED_FIELDS: Fields<2> = Fields::new(["stage", "motivation"], 0b11);
const BUNDLE_FIELDS: Fields<7> = Fields::new(
    [
        "name",
        "tier",
        "tier_label",
        "anchor",
        "items",
        "price",
        "category",
    ],
    0b11_0011,
);
const CAPS_FIELDS: Fields<3> = Fields::new(["session", "day", "week"], 0);
const AFTER_FIELDS: Fields<2> = Fields::new(["offer", "event"], 0b1);
const WINDOW_FIELDS: Fields<2> = Fields::new(["from", "until"], 0);
pub(crate) const OFFER_FIELDS: Fields<20> = Fields::new(
    [
        "id",
        "kind",
        "item",
        "bundle",
        "placements",
        "need",
        "when",
        "title",
        "benefit",
        "because",
        "because_contextual",
        "cta",
        "priority",
        "margin",
        "caps",
        "cooldown_hours",
        "after",
        "group",
        "window",
        "consent",
    ],
    0b11_0011,
);
const POLICY_FIELDS: Fields<8> = Fields::new(
    [
        "caps",
        "placement_caps",
        "max_bundles_per_category",
        "bundle_placements",
        "placements",
        "motivation_bonus",
        "onboarding_hours",
        "consent_defaults",
    ],
    0,
);
const EXPERIMENT_FIELDS: Fields<5> =
    Fields::new(["id", "unit", "holdout", "placements", "arms"], 0b1);
const ARM_FIELDS: Fields<3> = Fields::new(["id", "weight", "offers"], 0b1);
const VARIANT_FIELDS: Fields<6> = Fields::new(
    [
        "title",
        "benefit",
        "because",
        "because_contextual",
        "cta",
        "price",
    ],
    0,
);
const STOP_LOSS_FIELDS: Fields<5> = Fields::new(
    [
        "min_revenue_lift",
        "min_margin_uplift",
        "confidence",
        "min_sessions",
        "offers",
    ],
    0,
);
const BARS_FIELDS: Fields<2> = Fields::new(["min_revenue_lift", "min_margin_uplift"], 0);
const CONSENT_DEFAULT_FIELDS: Fields<3> =
    Fields::new(["storage", "personalization", "measurement"], 0);

/// The entry of `values` at a variant index read by [`Reader::variant`].
fn pick<T: Copy>(i: Option<usize>, values: &[T]) -> Option<T> {
    values.get(i?).copied()
}

const REQ: Need = Need::Required;
const OPT: Need = Need::Optional;
const DEF: Need = Need::Default;

impl<'a> PackSource<'a> {
    /// Reads a pack from its parsed JSON.
    pub fn read(root: Node<'a>) -> Result<Self, JsonError> {
        let mut r = Reader::new();
        let p = &Path::Root;
        let [format, header, catalog, compatibility, answers, offers, policy, experiments, stop_loss] =
            r.fields(root, p, &PACK_FIELDS);
        let src = PackSource {
            format: r.u32(format, p, "format", REQ).unwrap_or_default(),
            header: r
                .with(header, p, "header", REQ, HeaderSource::read)
                .unwrap_or_default(),
            catalog: r
                .list(catalog, p, "catalog", DEF, ProductSource::read)
                .unwrap_or_default(),
            compatibility: r
                .list(
                    compatibility,
                    p,
                    "compatibility",
                    DEF,
                    CompatibilitySource::read,
                )
                .unwrap_or_default(),
            answers: r
                .map(answers, p, "answers", DEF, AnswerSource::read)
                .unwrap_or_default(),
            offers: r
                .list(offers, p, "offers", DEF, OfferSource::read)
                .unwrap_or_default(),
            policy: r
                .with(policy, p, "policy", DEF, PolicySource::read)
                .unwrap_or_default(),
            experiments: r
                .list(experiments, p, "experiments", DEF, ExperimentSource::read)
                .unwrap_or_default(),
            stop_loss: r
                .with(stop_loss, p, "stop_loss", DEF, StopLossSource::read)
                .unwrap_or_default(),
        };
        r.finish(src)
    }
}

impl<'a> HeaderSource<'a> {
    fn read(r: &mut Reader, n: Node<'a>, p: &Path<'_>) -> Self {
        let [id, version, issued_at, expires_at, audience, min_engine, description] =
            r.fields(n, p, &HEADER_FIELDS);
        HeaderSource {
            id: r.text(id, p, "id", REQ),
            version: r.u64(version, p, "version", REQ).unwrap_or_default(),
            issued_at: r.text(issued_at, p, "issued_at", REQ),
            expires_at: r.text(expires_at, p, "expires_at", REQ),
            audience: r.texts(audience, p, "audience", REQ),
            min_engine: r.text(min_engine, p, "min_engine", REQ),
            description: r.str(description, p, "description", OPT),
        }
    }
}

impl<'a> ProductSource<'a> {
    fn read(r: &mut Reader, n: Node<'a>, p: &Path<'_>) -> Self {
        let [sku, name, category, tags, price, image, url, stock] = r.fields(n, p, &PRODUCT_FIELDS);
        ProductSource {
            sku: r.text(sku, p, "sku", REQ),
            name: r.text(name, p, "name", REQ),
            category: r.text(category, p, "category", REQ),
            tags: r.texts(tags, p, "tags", DEF),
            price: r
                .with(price, p, "price", REQ, PriceSource::read)
                .unwrap_or_default(),
            image: r.str(image, p, "image", OPT),
            url: r.str(url, p, "url", OPT),
            stock: r.i64(stock, p, "stock", OPT),
        }
    }
}

impl<'a> PriceSource<'a> {
    fn read(r: &mut Reader, n: Node<'a>, p: &Path<'_>) -> Self {
        let [amount, currency] = r.fields(n, p, &PRICE_FIELDS);
        PriceSource {
            amount: r.i64(amount, p, "amount", REQ).unwrap_or_default(),
            currency: r.text(currency, p, "currency", REQ),
        }
    }
}

impl<'a> SelectorSource<'a> {
    fn read(r: &mut Reader, n: Node<'a>, p: &Path<'_>) -> Self {
        let [skus, categories, tags] = r.fields(n, p, &SELECTOR_FIELDS);
        SelectorSource {
            skus: r.texts(skus, p, "skus", DEF),
            categories: r.texts(categories, p, "categories", DEF),
            tags: r.texts(tags, p, "tags", DEF),
        }
    }
}

impl<'a> CompatibilitySource<'a> {
    fn read(r: &mut Reader, n: Node<'a>, p: &Path<'_>) -> Self {
        let [addon, requires, excludes] = r.fields(n, p, &COMPATIBILITY_FIELDS);
        CompatibilitySource {
            addon: r.text(addon, p, "addon", REQ),
            requires: r.with(requires, p, "requires", OPT, SelectorSource::read),
            excludes: r.with(excludes, p, "excludes", OPT, SelectorSource::read),
        }
    }
}

impl<'a> AnswerSource<'a> {
    fn read(r: &mut Reader, n: Node<'a>, p: &Path<'_>) -> Self {
        let [kind, values] = r.fields(n, p, &ANSWER_FIELDS);
        let kind = r.variant(kind, p, "type", REQ, &["string", "number", "bool"]);
        AnswerSource {
            kind: pick(
                kind,
                &[AnswerType::String, AnswerType::Number, AnswerType::Bool],
            )
            .unwrap_or(AnswerType::String),
            values: r.texts(values, p, "values", DEF),
        }
    }
}

const STAGES: [Stage; 4] = [
    Stage::Researching,
    Stage::Purchasing,
    Stage::Onboarding,
    Stage::Using,
];
const STAGE_NAMES: [&str; 4] = ["researching", "purchasing", "onboarding", "using"];

impl NeedSource {
    fn read(r: &mut Reader, n: Node<'_>, p: &Path<'_>) -> Self {
        let [st, motivation] = r.fields(n, p, &NEED_FIELDS);
        let st = r.variant(st, p, "stage", REQ, &STAGE_NAMES);
        let motivation = r.variant(
            motivation,
            p,
            "motivation",
            REQ,
            &["save_time", "reduce_risk", "enhance_results"],
        );
        NeedSource {
            stage: pick(st, &STAGES).unwrap_or(Stage::Researching),
            motivation: pick(
                motivation,
                &[
                    Motivation::SaveTime,
                    Motivation::ReduceRisk,
                    Motivation::EnhanceResults,
                ],
            )
            .unwrap_or(Motivation::SaveTime),
        }
    }
}

impl<'a> BundleSource<'a> {
    fn read(r: &mut Reader, n: Node<'a>, p: &Path<'_>) -> Self {
        let [name, tier, tier_label, anchor, items, price, category] =
            r.fields(n, p, &BUNDLE_FIELDS);
        let name = r.text(name, p, "name", REQ);
        let tier = r.variant(tier, p, "tier", REQ, &["good", "better", "best"]);
        BundleSource {
            name,
            tier: pick(tier, &[Tier::Good, Tier::Better, Tier::Best]).unwrap_or(Tier::Good),
            tier_label: r.str(tier_label, p, "tier_label", OPT),
            anchor: r.str(anchor, p, "anchor", OPT),
            items: r.texts(items, p, "items", REQ),
            price: r.i64(price, p, "price", REQ).unwrap_or_default(),
            category: r.str(category, p, "category", OPT),
        }
    }
}

impl CapsSource {
    fn read(r: &mut Reader, n: Node<'_>, p: &Path<'_>) -> Self {
        let [session, day, week] = r.fields(n, p, &CAPS_FIELDS);
        CapsSource {
            session: r.u32(session, p, "session", OPT),
            day: r.u32(day, p, "day", OPT),
            week: r.u32(week, p, "week", OPT),
        }
    }
}

impl<'a> AfterSource<'a> {
    fn read(r: &mut Reader, n: Node<'a>, p: &Path<'_>) -> Self {
        let [offer, event] = r.fields(n, p, &AFTER_FIELDS);
        let offer = r.text(offer, p, "offer", REQ);
        // A present `event` must be a string, null included (there is no default for null).
        let event = r.variant(event, p, "event", DEF, &["shown", "accepted"]);
        AfterSource {
            offer,
            event: pick(event, &[SequenceEvent::Shown, SequenceEvent::Accepted])
                .unwrap_or(SequenceEvent::Shown),
        }
    }
}

impl<'a> WindowSource<'a> {
    fn read(r: &mut Reader, n: Node<'a>, p: &Path<'_>) -> Self {
        let [from, until] = r.fields(n, p, &WINDOW_FIELDS);
        WindowSource {
            from: r.str(from, p, "from", OPT),
            until: r.str(until, p, "until", OPT),
        }
    }
}

impl<'a> OfferSource<'a> {
    fn read(r: &mut Reader, n: Node<'a>, p: &Path<'_>) -> Self {
        let [id, kind, item, bundle, placements, need, when, title, benefit, because, because_contextual, cta, priority, margin, caps, cooldown_hours, after, group, window, consent] =
            r.fields(n, p, &OFFER_FIELDS);
        let id = r.text(id, p, "id", REQ);
        let kind = r.variant(kind, p, "kind", REQ, &["addon", "bundle"]);
        let item = r.str(item, p, "item", OPT);
        let bundle = r.with(bundle, p, "bundle", OPT, BundleSource::read);
        let placements = r.texts(placements, p, "placements", REQ);
        let need = r.with(need, p, "need", REQ, NeedSource::read);
        OfferSource {
            id,
            kind: pick(kind, &[OfferKind::Addon, OfferKind::Bundle]).unwrap_or(OfferKind::Addon),
            item,
            bundle,
            placements,
            need: need.unwrap_or(NeedSource {
                stage: Stage::Researching,
                motivation: Motivation::SaveTime,
            }),
            when: when.filter(|w| !w.is_null()),
            title: r.str(title, p, "title", OPT),
            benefit: r.str(benefit, p, "benefit", OPT),
            because: r.str(because, p, "because", OPT),
            because_contextual: r.str(because_contextual, p, "because_contextual", OPT),
            cta: r.str(cta, p, "cta", OPT),
            priority: r.i32(priority, p, "priority", DEF).unwrap_or_default(),
            margin: r.i64(margin, p, "margin", DEF).unwrap_or_default(),
            caps: r
                .with(caps, p, "caps", DEF, CapsSource::read)
                .unwrap_or_default(),
            cooldown_hours: r.u32(cooldown_hours, p, "cooldown_hours", OPT),
            after: r
                .list(after, p, "after", DEF, AfterSource::read)
                .unwrap_or_default(),
            group: r.str(group, p, "group", OPT),
            window: r.with(window, p, "window", OPT, WindowSource::read),
            consent: {
                let c = r.variant(
                    consent,
                    p,
                    "consent",
                    DEF,
                    &["contextual", "personalization"],
                );
                pick(c, &[ConsentNeed::Contextual, ConsentNeed::Personalization])
                    .unwrap_or_default()
            },
        }
    }
}

impl<'a> PolicySource<'a> {
    fn read(r: &mut Reader, n: Node<'a>, p: &Path<'_>) -> Self {
        let [caps, placement_caps, max_bundles, bundle_placements, placements, motivation_bonus, onboarding_hours, consent_defaults] =
            r.fields(n, p, &POLICY_FIELDS);
        PolicySource {
            caps: r
                .with(caps, p, "caps", DEF, CapsSource::read)
                .unwrap_or_default(),
            placement_caps: r
                .map(placement_caps, p, "placement_caps", DEF, CapsSource::read)
                .unwrap_or_default(),
            max_bundles_per_category: r.u32(max_bundles, p, "max_bundles_per_category", OPT),
            bundle_placements: r.strs(bundle_placements, p, "bundle_placements", OPT),
            placements: r
                .map(placements, p, "placements", DEF, |r, n, p| {
                    let i = n.variant(p, &STAGE_NAMES);
                    pick(r.take(i), &STAGES).unwrap_or(Stage::Researching)
                })
                .unwrap_or_default(),
            motivation_bonus: r.i32(motivation_bonus, p, "motivation_bonus", OPT),
            onboarding_hours: r.u32(onboarding_hours, p, "onboarding_hours", OPT),
            consent_defaults: r
                .map(
                    consent_defaults,
                    p,
                    "consent_defaults",
                    DEF,
                    ConsentDefaultSource::read,
                )
                .unwrap_or_default(),
        }
    }
}

impl ConsentDefaultSource {
    fn read(r: &mut Reader, n: Node<'_>, p: &Path<'_>) -> Self {
        let [storage, personalization, measurement] = r.fields(n, p, &CONSENT_DEFAULT_FIELDS);
        ConsentDefaultSource {
            storage: r.bool(storage, p, "storage", DEF).unwrap_or_default(),
            personalization: r
                .bool(personalization, p, "personalization", DEF)
                .unwrap_or_default(),
            measurement: r
                .bool(measurement, p, "measurement", DEF)
                .unwrap_or_default(),
        }
    }
}

impl<'a> ExperimentSource<'a> {
    fn read(r: &mut Reader, n: Node<'a>, p: &Path<'_>) -> Self {
        let [id, unit, holdout, placements, arms] = r.fields(n, p, &EXPERIMENT_FIELDS);
        let id = r.text(id, p, "id", REQ);
        let unit = r.variant(unit, p, "unit", DEF, &["visitor", "opportunity"]);
        ExperimentSource {
            id,
            unit: pick(unit, &[Unit::Visitor, Unit::Opportunity]).unwrap_or_default(),
            holdout: r.u32(holdout, p, "holdout", DEF).unwrap_or_default(),
            placements: r.strs(placements, p, "placements", OPT),
            arms: r
                .list(arms, p, "arms", DEF, ArmSource::read)
                .unwrap_or_default(),
        }
    }
}

impl<'a> ArmSource<'a> {
    fn read(r: &mut Reader, n: Node<'a>, p: &Path<'_>) -> Self {
        let [id, weight, offers] = r.fields(n, p, &ARM_FIELDS);
        ArmSource {
            id: r.text(id, p, "id", REQ),
            weight: r.u32(weight, p, "weight", DEF).unwrap_or(1),
            offers: r
                .map(offers, p, "offers", DEF, VariantSource::read)
                .unwrap_or_default(),
        }
    }
}

impl<'a> VariantSource<'a> {
    fn read(r: &mut Reader, n: Node<'a>, p: &Path<'_>) -> Self {
        let [title, benefit, because, because_contextual, cta, price] =
            r.fields(n, p, &VARIANT_FIELDS);
        let price = r.variant(price, p, "price", DEF, &["compare", "plain"]);
        VariantSource {
            title: r.str(title, p, "title", OPT),
            benefit: r.str(benefit, p, "benefit", OPT),
            because: r.str(because, p, "because", OPT),
            because_contextual: r.str(because_contextual, p, "because_contextual", OPT),
            cta: r.str(cta, p, "cta", OPT),
            price: pick(price, &[PriceShow::Compare, PriceShow::Plain]).unwrap_or_default(),
        }
    }
}

impl<'a> StopLossSource<'a> {
    fn read(r: &mut Reader, n: Node<'a>, p: &Path<'_>) -> Self {
        let [min_revenue_lift, min_margin_uplift, confidence, min_sessions, offers] =
            r.fields(n, p, &STOP_LOSS_FIELDS);
        StopLossSource {
            bars: BarsSource {
                min_revenue_lift: r.i64(min_revenue_lift, p, "min_revenue_lift", OPT),
                min_margin_uplift: r.i64(min_margin_uplift, p, "min_margin_uplift", OPT),
            },
            confidence: r.u32(confidence, p, "confidence", OPT),
            min_sessions: r.u32(min_sessions, p, "min_sessions", OPT),
            offers: r
                .map(offers, p, "offers", DEF, BarsSource::read)
                .unwrap_or_default(),
        }
    }
}

impl BarsSource {
    fn read(r: &mut Reader, n: Node<'_>, p: &Path<'_>) -> Self {
        let [min_revenue_lift, min_margin_uplift] = r.fields(n, p, &BARS_FIELDS);
        BarsSource {
            min_revenue_lift: r.i64(min_revenue_lift, p, "min_revenue_lift", OPT),
            min_margin_uplift: r.i64(min_margin_uplift, p, "min_margin_uplift", OPT),
        }
    }
}
