//! The rule pack: its source schema, the compiled and indexed form decisions read, and loading.

pub mod compile;
pub mod error;
pub mod experiment;
pub(crate) mod hash;
pub mod index;
pub mod money;
pub mod source;
pub mod strict;
pub mod template;
pub mod time;

use crate::condition::{Condition, ValueKind};
use hash::FastMap;
use index::CandidateIndex;
pub use source::{Motivation, OfferKind, PriceShow, SequenceEvent, Stage, Tier, Unit};
use template::Template;

/// The built-in placements and the stage each implies (post-purchase refines by time).
pub const BUILTIN_PLACEMENTS: &[(&str, Stage)] = &[
    ("product", Stage::Researching),
    ("cart", Stage::Purchasing),
    ("checkout", Stage::Purchasing),
    ("post_purchase", Stage::Onboarding),
];

/// A compiled, validated pack. Built by [`Pack::from_source`], [`Pack::from_json`] or
/// [`crate::load`]; immutable afterwards.
#[derive(Debug, Clone)]
pub struct Pack {
    pub header: Header,
    pub products: Vec<Product>,
    pub answers: Vec<(String, ValueKind, Vec<String>)>,
    pub offers: Vec<Offer>,
    pub placements: Vec<PlacementDef>,
    pub policy: Policy,
    /// Per product (by index): the compatibility rule for it as an add-on, if any.
    pub compat: Vec<Option<Compat>>,
    pub(crate) sku_index: FastMap<String, u32>,
    pub(crate) offer_index: FastMap<String, u32>,
    pub(crate) index: CandidateIndex,
    /// Holdouts and arms; at most one covers each placement.
    pub experiments: Vec<experiment::Experiment>,
    /// The weekly scorecard's bars (read by `xsell report`, not by decisions).
    pub stop_loss: experiment::StopLoss,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub id: String,
    pub version: u64,
    pub issued_at: i64,
    pub expires_at: i64,
    pub audience: Vec<String>,
    pub min_engine: (u32, u32, u32),
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    pub sku: String,
    pub name: String,
    pub category: String,
    pub tags: Vec<String>,
    pub price: u64,
    pub currency: String,
    /// `price` formatted for display, once at load (e.g. "$1,299.00").
    pub price_display: String,
    pub image: Option<String>,
    pub url: Option<String>,
    pub stock: Option<i64>,
}

/// Matches a product when any sku, category or tag matches.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selector {
    pub skus: Vec<u32>,
    pub categories: Vec<String>,
    pub tags: Vec<String>,
}

impl Selector {
    pub fn matches(&self, idx: u32, p: &Product) -> bool {
        self.skus.contains(&idx)
            || self.categories.contains(&p.category)
            || self.tags.iter().any(|t| p.tags.contains(t))
    }
    pub fn is_empty(&self) -> bool {
        self.skus.is_empty() && self.categories.is_empty() && self.tags.is_empty()
    }
}

/// All compatibility entries for one add-on, merged: `requires` and `excludes` are unions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Compat {
    pub requires: Option<Selector>,
    pub excludes: Option<Selector>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlacementDef {
    pub name: String,
    pub stage: Stage,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Caps {
    pub session: Option<u32>,
    pub day: Option<u32>,
    pub week: Option<u32>,
}

impl Caps {
    pub fn is_empty(&self) -> bool {
        self.session.is_none() && self.day.is_none() && self.week.is_none()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub caps: Caps,
    /// By placement index.
    pub placement_caps: Vec<Caps>,
    pub max_bundles_per_category: u32,
    /// Bit per placement index.
    pub bundle_placements: u64,
    pub motivation_bonus: i32,
    pub onboarding_secs: i64,
    /// Default consent by region key ("US", "EEA", "*"), sorted by key.
    pub consent_defaults: Vec<(String, crate::Consent)>,
}

/// Member states of the European Economic Area (ISO 3166-1 alpha-2), for `"EEA"` defaults.
pub const EEA: [&str; 30] = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO",
];

impl Policy {
    /// The pack's default consent for a shopper in `country` (ISO code, any case): the
    /// country's own entry, else "EEA" for its members, else "*", else none.
    pub fn consent_default(&self, country: Option<&str>) -> Option<crate::Consent> {
        let find = |k: &str| {
            self.consent_defaults
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, c)| *c)
        };
        let upper = country.map(str::to_ascii_uppercase);
        upper
            .as_deref()
            .and_then(find)
            .or_else(|| {
                upper
                    .as_deref()
                    .filter(|c| EEA.contains(c))
                    .and_then(|_| find("EEA"))
            })
            .or_else(|| find("*"))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    pub name: String,
    pub tier: Tier,
    pub tier_label: Option<String>,
    pub anchor: Option<u32>,
    pub items: Vec<u32>,
    pub price: u64,
    /// The items' common currency.
    pub currency: String,
    /// The items bought singly.
    pub regular: u64,
    /// `price`, `regular` and the savings (if any) formatted for display, once at load.
    pub price_display: String,
    pub regular_display: String,
    pub savings_display: Option<String>,
    pub category: String,
    /// Offer indices of the bundle's tiers (same name), ordered good → best, including itself.
    pub family: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    pub id: String,
    pub kind: OfferKind,
    /// The add-on (kind = addon).
    pub item: Option<u32>,
    pub bundle: Option<Bundle>,
    /// Bit per placement index.
    pub placements: u64,
    pub stage: Stage,
    pub motivation: Motivation,
    pub condition: Condition,
    pub title: String,
    pub benefit: Option<String>,
    pub because: Option<Template>,
    pub because_contextual: Option<Template>,
    pub cta: String,
    pub priority: i32,
    pub margin: i64,
    pub caps: Caps,
    pub cooldown_secs: i64,
    pub after: Vec<(u32, SequenceEvent)>,
    pub group: Option<String>,
    /// Other offers in the same exclusive group.
    pub group_peers: Vec<u32>,
    pub window: (Option<i64>, Option<i64>),
    /// Needs personalization consent (declared, or its condition reads personal signals).
    pub personal: bool,
    /// The skus the offer sells: the add-on, or the bundle's items other than its anchor.
    pub sells: Vec<u32>,
}

impl Offer {
    /// Every sku the shopper receives: the add-on, or all the bundle's items (its anchor too,
    /// when listed). Stock is checked over these: a bundle cannot ship without its anchor.
    pub fn delivers(&self) -> &[u32] {
        match &self.bundle {
            Some(b) => &b.items,
            None => &self.sells,
        }
    }
}

impl Pack {
    /// Compiles an already-parsed source.
    pub fn from_source(src: &source::PackSource<'_>) -> Result<Pack, error::PackErrors> {
        compile::compile(src.clone())
    }

    /// Parses and compiles pack JSON (no signature check: for tooling and tests; use
    /// [`crate::load`] for anything that came over a network).
    pub fn from_json(bytes: &[u8]) -> Result<Pack, error::PackErrors> {
        let doc = compile::parse(bytes)?;
        compile::compile(compile::read(&doc)?)
    }

    pub fn product(&self, sku: &str) -> Option<(u32, &Product)> {
        let i = *self.sku_index.get(sku)?;
        Some((i, self.products.get(i as usize)?))
    }

    pub fn offer(&self, id: &str) -> Option<(u32, &Offer)> {
        let i = *self.offer_index.get(id)?;
        Some((i, self.offers.get(i as usize)?))
    }

    /// The experiment covering placement index `placement`, if any.
    pub fn experiment(&self, placement: usize) -> Option<&experiment::Experiment> {
        let bit = 1u64.checked_shl(u32::try_from(placement).ok()?)?;
        self.experiments.iter().find(|e| e.placements & bit != 0)
    }

    pub fn placement(&self, name: &str) -> Option<(usize, &PlacementDef)> {
        self.placements
            .iter()
            .enumerate()
            .find(|(_, p)| p.name == name)
    }

    /// Whether add-on `addon` fits product `product` (both catalog indices).
    pub fn fits(&self, addon: u32, product: u32) -> bool {
        let Some(p) = self.products.get(product as usize) else {
            return false;
        };
        match self.compat.get(addon as usize).and_then(Option::as_ref) {
            None => true,
            Some(c) => {
                c.requires.as_ref().is_none_or(|r| r.matches(product, p))
                    && !c.excludes.as_ref().is_some_and(|x| x.matches(product, p))
            }
        }
    }

    /// Whether an offer fits a chosen product: every item it sells fits, and a bundle with an
    /// anchor is only for shoppers who chose that anchor.
    pub fn offer_fits(&self, offer: &Offer, product: u32) -> bool {
        if let Some(b) = &offer.bundle {
            if b.anchor.is_some_and(|a| a != product) {
                return false;
            }
        }
        offer
            .sells
            .iter()
            .all(|&s| s != product && self.fits(s, product))
    }
}
