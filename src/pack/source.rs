//! The rule pack as the merchant writes it: plain structs mirroring docs/pack-format.md, read
//! from a [`crate::json::Doc`] with their strings borrowed from it.
//!
//! Nothing here is trusted or checked beyond JSON shape; `compile` turns a `PackSource` into a
//! validated, indexed [`crate::Pack`]. Unknown fields are rejected everywhere so a typo is a load
//! error, not a silently ignored rule; so are duplicate keys.

use crate::json::read::Fields;
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
}

/// Identity, validity and audience of a pack.
#[derive(Debug, Clone, PartialEq)]
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
#[derive(Debug, Clone, PartialEq)]
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

// ---- reading from a parsed document -------------------------------------------------------

const PACK_FIELDS: Fields<7> = Fields::new(
    [
        "format",
        "header",
        "catalog",
        "compatibility",
        "answers",
        "offers",
        "policy",
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
const OFFER_FIELDS: Fields<20> = Fields::new(
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
const CONSENT_DEFAULT_FIELDS: Fields<3> =
    Fields::new(["storage", "personalization", "measurement"], 0);

/// One of `names`, as the matching entry of `values`.
fn pick<T: Copy>(n: Node<'_>, p: &Path<'_>, names: &[&str], values: &[T]) -> Result<T, JsonError> {
    let i = n.variant(p, names)?;
    values
        .get(i)
        .copied()
        .ok_or_else(|| p.error("unknown variant".into()))
}

/// `read` of a present, non-null field; `None` if absent or null.
fn opt<'a, T>(
    n: Option<Node<'a>>,
    p: &Path<'_>,
    name: &str,
    read: impl FnOnce(Node<'a>, &Path<'_>) -> Result<T, JsonError>,
) -> Result<Option<T>, JsonError> {
    match n {
        Some(n) => n.opt(&p.key(name), read),
        None => Ok(None),
    }
}

/// `read` of a present field, else the default. Null is an error, as it was with serde.
fn or_default<'a, T: Default>(
    n: Option<Node<'a>>,
    p: &Path<'_>,
    name: &str,
    read: impl FnOnce(Node<'a>, &Path<'_>) -> Result<T, JsonError>,
) -> Result<T, JsonError> {
    match n {
        Some(n) => read(n, &p.key(name)),
        None => Ok(T::default()),
    }
}

/// `read` of a required field (its presence was checked by `fields`).
fn req<'a, T>(
    n: Option<Node<'a>>,
    p: &Path<'_>,
    name: &str,
    read: impl FnOnce(Node<'a>, &Path<'_>) -> Result<T, JsonError>,
) -> Result<T, JsonError> {
    match n {
        Some(n) => read(n, &p.key(name)),
        None => Err(p.error(format!("missing field `{name}`"))),
    }
}

fn strs<'a>(n: Node<'a>, p: &Path<'_>) -> Result<Vec<&'a str>, JsonError> {
    n.strs(p)
}

fn string<'a>(n: Node<'a>, p: &Path<'_>) -> Result<&'a str, JsonError> {
    n.str(p)
}

/// An object read as a map: keys unique ("duplicate key `k`"), each value read with `read`,
/// sorted by key.
fn map<'a, V>(
    n: Node<'a>,
    p: &Path<'_>,
    mut read: impl FnMut(Node<'a>, &Path<'_>) -> Result<V, JsonError>,
) -> Result<Vec<(&'a str, V)>, JsonError> {
    let obj = n.map(p)?;
    let mut out = Vec::with_capacity(obj.len());
    for (k, v) in obj.sorted() {
        out.push((k, read(v, &p.key(k))?));
    }
    Ok(out)
}

impl<'a> PackSource<'a> {
    /// Reads a pack from its parsed JSON.
    pub fn read(root: Node<'a>) -> Result<Self, JsonError> {
        let p = &Path::Root;
        let [format, header, catalog, compatibility, answers, offers, policy] =
            root.fields(p, &PACK_FIELDS)?;
        Ok(PackSource {
            format: req(format, p, "format", |n, p| n.u32(p))?,
            header: req(header, p, "header", HeaderSource::read)?,
            catalog: or_default(catalog, p, "catalog", |n, p| n.list(p, ProductSource::read))?,
            compatibility: or_default(compatibility, p, "compatibility", |n, p| {
                n.list(p, CompatibilitySource::read)
            })?,
            answers: or_default(answers, p, "answers", |n, p| map(n, p, AnswerSource::read))?,
            offers: or_default(offers, p, "offers", |n, p| n.list(p, OfferSource::read))?,
            policy: or_default(policy, p, "policy", PolicySource::read)?,
        })
    }
}

impl<'a> HeaderSource<'a> {
    fn read(n: Node<'a>, p: &Path<'_>) -> Result<Self, JsonError> {
        let [id, version, issued_at, expires_at, audience, min_engine, description] =
            n.fields(p, &HEADER_FIELDS)?;
        Ok(HeaderSource {
            id: req(id, p, "id", string)?,
            version: req(version, p, "version", |n, p| n.u64(p))?,
            issued_at: req(issued_at, p, "issued_at", string)?,
            expires_at: req(expires_at, p, "expires_at", string)?,
            audience: req(audience, p, "audience", strs)?,
            min_engine: req(min_engine, p, "min_engine", string)?,
            description: opt(description, p, "description", string)?,
        })
    }
}

impl<'a> ProductSource<'a> {
    fn read(n: Node<'a>, p: &Path<'_>) -> Result<Self, JsonError> {
        let [sku, name, category, tags, price, image, url, stock] = n.fields(p, &PRODUCT_FIELDS)?;
        Ok(ProductSource {
            sku: req(sku, p, "sku", string)?,
            name: req(name, p, "name", string)?,
            category: req(category, p, "category", string)?,
            tags: or_default(tags, p, "tags", strs)?,
            price: req(price, p, "price", PriceSource::read)?,
            image: opt(image, p, "image", string)?,
            url: opt(url, p, "url", string)?,
            stock: opt(stock, p, "stock", |n, p| n.i64(p))?,
        })
    }
}

impl<'a> PriceSource<'a> {
    fn read(n: Node<'a>, p: &Path<'_>) -> Result<Self, JsonError> {
        let [amount, currency] = n.fields(p, &PRICE_FIELDS)?;
        Ok(PriceSource {
            amount: req(amount, p, "amount", |n, p| n.i64(p))?,
            currency: req(currency, p, "currency", string)?,
        })
    }
}

impl<'a> SelectorSource<'a> {
    fn read(n: Node<'a>, p: &Path<'_>) -> Result<Self, JsonError> {
        let [skus, categories, tags] = n.fields(p, &SELECTOR_FIELDS)?;
        Ok(SelectorSource {
            skus: or_default(skus, p, "skus", strs)?,
            categories: or_default(categories, p, "categories", strs)?,
            tags: or_default(tags, p, "tags", strs)?,
        })
    }
}

impl<'a> CompatibilitySource<'a> {
    fn read(n: Node<'a>, p: &Path<'_>) -> Result<Self, JsonError> {
        let [addon, requires, excludes] = n.fields(p, &COMPATIBILITY_FIELDS)?;
        Ok(CompatibilitySource {
            addon: req(addon, p, "addon", string)?,
            requires: opt(requires, p, "requires", SelectorSource::read)?,
            excludes: opt(excludes, p, "excludes", SelectorSource::read)?,
        })
    }
}

impl<'a> AnswerSource<'a> {
    fn read(n: Node<'a>, p: &Path<'_>) -> Result<Self, JsonError> {
        let [kind, values] = n.fields(p, &ANSWER_FIELDS)?;
        Ok(AnswerSource {
            kind: req(kind, p, "type", |n, p| {
                pick(
                    n,
                    p,
                    &["string", "number", "bool"],
                    &[AnswerType::String, AnswerType::Number, AnswerType::Bool],
                )
            })?,
            values: or_default(values, p, "values", strs)?,
        })
    }
}

fn stage(n: Node<'_>, p: &Path<'_>) -> Result<Stage, JsonError> {
    pick(
        n,
        p,
        &["researching", "purchasing", "onboarding", "using"],
        &[
            Stage::Researching,
            Stage::Purchasing,
            Stage::Onboarding,
            Stage::Using,
        ],
    )
}

impl NeedSource {
    fn read(n: Node<'_>, p: &Path<'_>) -> Result<Self, JsonError> {
        let [st, motivation] = n.fields(p, &NEED_FIELDS)?;
        Ok(NeedSource {
            stage: req(st, p, "stage", stage)?,
            motivation: req(motivation, p, "motivation", |n, p| {
                pick(
                    n,
                    p,
                    &["save_time", "reduce_risk", "enhance_results"],
                    &[
                        Motivation::SaveTime,
                        Motivation::ReduceRisk,
                        Motivation::EnhanceResults,
                    ],
                )
            })?,
        })
    }
}

impl<'a> BundleSource<'a> {
    fn read(n: Node<'a>, p: &Path<'_>) -> Result<Self, JsonError> {
        let [name, tier, tier_label, anchor, items, price, category] =
            n.fields(p, &BUNDLE_FIELDS)?;
        Ok(BundleSource {
            name: req(name, p, "name", string)?,
            tier: req(tier, p, "tier", |n, p| {
                pick(
                    n,
                    p,
                    &["good", "better", "best"],
                    &[Tier::Good, Tier::Better, Tier::Best],
                )
            })?,
            tier_label: opt(tier_label, p, "tier_label", string)?,
            anchor: opt(anchor, p, "anchor", string)?,
            items: req(items, p, "items", strs)?,
            price: req(price, p, "price", |n, p| n.i64(p))?,
            category: opt(category, p, "category", string)?,
        })
    }
}

impl CapsSource {
    fn read(n: Node<'_>, p: &Path<'_>) -> Result<Self, JsonError> {
        let [session, day, week] = n.fields(p, &CAPS_FIELDS)?;
        let u32_ = |n: Node<'_>, p: &Path<'_>| n.u32(p);
        Ok(CapsSource {
            session: opt(session, p, "session", u32_)?,
            day: opt(day, p, "day", u32_)?,
            week: opt(week, p, "week", u32_)?,
        })
    }
}

impl<'a> AfterSource<'a> {
    fn read(n: Node<'a>, p: &Path<'_>) -> Result<Self, JsonError> {
        let [offer, event] = n.fields(p, &AFTER_FIELDS)?;
        Ok(AfterSource {
            offer: req(offer, p, "offer", string)?,
            event: match event {
                Some(e) => pick(
                    e,
                    &p.key("event"),
                    &["shown", "accepted"],
                    &[SequenceEvent::Shown, SequenceEvent::Accepted],
                )?,
                None => SequenceEvent::Shown,
            },
        })
    }
}

impl<'a> WindowSource<'a> {
    fn read(n: Node<'a>, p: &Path<'_>) -> Result<Self, JsonError> {
        let [from, until] = n.fields(p, &WINDOW_FIELDS)?;
        Ok(WindowSource {
            from: opt(from, p, "from", string)?,
            until: opt(until, p, "until", string)?,
        })
    }
}

impl<'a> OfferSource<'a> {
    fn read(n: Node<'a>, p: &Path<'_>) -> Result<Self, JsonError> {
        let [id, kind, item, bundle, placements, need, when, title, benefit, because, because_contextual, cta, priority, margin, caps, cooldown_hours, after, group, window, consent] =
            n.fields(p, &OFFER_FIELDS)?;
        Ok(OfferSource {
            id: req(id, p, "id", string)?,
            kind: req(kind, p, "kind", |n, p| {
                pick(
                    n,
                    p,
                    &["addon", "bundle"],
                    &[OfferKind::Addon, OfferKind::Bundle],
                )
            })?,
            item: opt(item, p, "item", string)?,
            bundle: opt(bundle, p, "bundle", BundleSource::read)?,
            placements: req(placements, p, "placements", strs)?,
            need: req(need, p, "need", NeedSource::read)?,
            when: when.filter(|w| !w.is_null()),
            title: opt(title, p, "title", string)?,
            benefit: opt(benefit, p, "benefit", string)?,
            because: opt(because, p, "because", string)?,
            because_contextual: opt(because_contextual, p, "because_contextual", string)?,
            cta: opt(cta, p, "cta", string)?,
            priority: or_default(priority, p, "priority", |n, p| n.i32(p))?,
            margin: or_default(margin, p, "margin", |n, p| n.i64(p))?,
            caps: or_default(caps, p, "caps", CapsSource::read)?,
            cooldown_hours: opt(cooldown_hours, p, "cooldown_hours", |n, p| n.u32(p))?,
            after: or_default(after, p, "after", |n, p| n.list(p, AfterSource::read))?,
            group: opt(group, p, "group", string)?,
            window: opt(window, p, "window", WindowSource::read)?,
            consent: or_default(consent, p, "consent", |n, p| {
                pick(
                    n,
                    p,
                    &["contextual", "personalization"],
                    &[ConsentNeed::Contextual, ConsentNeed::Personalization],
                )
            })?,
        })
    }
}

impl<'a> PolicySource<'a> {
    fn read(n: Node<'a>, p: &Path<'_>) -> Result<Self, JsonError> {
        let [caps, placement_caps, max_bundles, bundle_placements, placements, motivation_bonus, onboarding_hours, consent_defaults] =
            n.fields(p, &POLICY_FIELDS)?;
        Ok(PolicySource {
            caps: or_default(caps, p, "caps", CapsSource::read)?,
            placement_caps: or_default(placement_caps, p, "placement_caps", |n, p| {
                map(n, p, CapsSource::read)
            })?,
            max_bundles_per_category: opt(max_bundles, p, "max_bundles_per_category", |n, p| {
                n.u32(p)
            })?,
            bundle_placements: opt(bundle_placements, p, "bundle_placements", strs)?,
            placements: or_default(placements, p, "placements", |n, p| map(n, p, stage))?,
            motivation_bonus: opt(motivation_bonus, p, "motivation_bonus", |n, p| n.i32(p))?,
            onboarding_hours: opt(onboarding_hours, p, "onboarding_hours", |n, p| n.u32(p))?,
            consent_defaults: or_default(consent_defaults, p, "consent_defaults", |n, p| {
                map(n, p, ConsentDefaultSource::read)
            })?,
        })
    }
}

impl ConsentDefaultSource {
    fn read(n: Node<'_>, p: &Path<'_>) -> Result<Self, JsonError> {
        let [storage, personalization, measurement] = n.fields(p, &CONSENT_DEFAULT_FIELDS)?;
        let b = |n: Node<'_>, p: &Path<'_>| n.bool(p);
        Ok(ConsentDefaultSource {
            storage: or_default(storage, p, "storage", b)?,
            personalization: or_default(personalization, p, "personalization", b)?,
            measurement: or_default(measurement, p, "measurement", b)?,
        })
    }
}
