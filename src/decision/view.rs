//! The card a host renders: plain data with prices pre-formatted and the bundle's tiers.
//!
//! Text borrows from the pack wherever it can ([`Text`] is a `Cow<str>`), so building a card
//! allocates little; serialized, it is plain JSON strings.

use crate::pack::{Motivation, OfferKind, Pack, Product, Stage, Tier};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

pub use crate::pack::money::format_money;

/// Text in a decision: borrowed from the pack, or owned when composed for this decision.
pub type Text<'a> = Cow<'a, str>;

/// An amount in minor units with its currency and a display string ("$1,299.00").
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Money<'a> {
    pub amount: u64,
    pub currency: Text<'a>,
    pub display: Text<'a>,
}

impl Money<'static> {
    /// An owned amount, formatted now.
    pub fn new(amount: u64, currency: &str) -> Money<'static> {
        Money {
            amount,
            currency: Cow::Owned(currency.to_owned()),
            display: Cow::Owned(format_money(amount, currency)),
        }
    }
}

impl<'a> Money<'a> {
    fn borrowed(amount: u64, currency: &'a str, display: &'a str) -> Money<'a> {
        Money {
            amount,
            currency: Cow::Borrowed(currency),
            display: Cow::Borrowed(display),
        }
    }

    /// A copy that owns its text.
    pub fn into_owned(self) -> Money<'static> {
        Money {
            amount: self.amount,
            currency: Cow::Owned(self.currency.into_owned()),
            display: Cow::Owned(self.display.into_owned()),
        }
    }
}

/// One product in the card.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ItemView<'a> {
    pub sku: Text<'a>,
    pub name: Text<'a>,
    pub price: Money<'a>,
    /// True for a bundle's anchor (always at full price).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub anchor: bool,
}

impl<'a> ItemView<'a> {
    pub fn of(p: &'a Product, anchor: bool) -> ItemView<'a> {
        ItemView {
            sku: Cow::Borrowed(&p.sku),
            name: Cow::Borrowed(&p.name),
            price: Money::borrowed(p.price, &p.currency, &p.price_display),
            anchor,
        }
    }
}

/// Another tier of the same mission bundle that is also eligible, for a trade-up choice.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TierView<'a> {
    pub offer: Text<'a>,
    pub tier: Tier,
    pub label: Text<'a>,
    pub price: Money<'a>,
}

/// The mission bundle an offer belongs to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BundleView<'a> {
    /// The outcome name, e.g. "Sleep Preservation Set".
    pub name: Text<'a>,
    pub tier: Tier,
    /// "Starter", "Advanced", "Pro", or the tier name.
    pub label: Text<'a>,
    /// Eligible tiers of this bundle, good → best, including this one.
    pub tiers: Vec<TierView<'a>>,
}

/// The need-state cell the offer answers.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct NeedView {
    pub stage: Stage,
    pub motivation: Motivation,
}

/// The names the pack's enums are serialized with (`rename_all = "snake_case"`), for
/// serializers that write them as plain strings (the wasm adapter's `out`).
pub fn kind_name(k: OfferKind) -> &'static str {
    match k {
        OfferKind::Addon => "addon",
        OfferKind::Bundle => "bundle",
    }
}

/// See [`kind_name`].
pub fn tier_name(t: Tier) -> &'static str {
    match t {
        Tier::Good => "good",
        Tier::Better => "better",
        Tier::Best => "best",
    }
}

/// See [`kind_name`].
pub fn motivation_name(m: Motivation) -> &'static str {
    match m {
        Motivation::SaveTime => "save_time",
        Motivation::ReduceRisk => "reduce_risk",
        Motivation::EnhanceResults => "enhance_results",
    }
}

/// What the card shows. Text fields are plain text: render with textContent, never as HTML.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OfferView<'a> {
    pub id: Text<'a>,
    pub kind: OfferKind,
    pub title: Text<'a>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub benefit: Option<Text<'a>>,
    /// "Because you chose …, we recommend …".
    pub because: Text<'a>,
    /// Call to action for the Add button.
    pub cta: Text<'a>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Text<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<Text<'a>>,
    /// What the shopper pays for the offer.
    pub price: Money<'a>,
    /// For a bundle: the items' total bought singly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regular_price: Option<Money<'a>>,
    /// For a bundle: regular price minus bundle price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub savings: Option<Money<'a>>,
    pub items: Vec<ItemView<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle: Option<BundleView<'a>>,
    pub need: NeedView,
    /// Sku of the chosen product the offer fits (the one the "because" cites), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chosen: Option<Text<'a>>,
}

/// A tier's label: the pack's, else "Starter", "Advanced" or "Pro".
pub fn tier_label(t: Tier, label: Option<&str>) -> Text<'_> {
    match label {
        Some(l) => Cow::Borrowed(l),
        None => Cow::Borrowed(match t {
            Tier::Good => "Starter",
            Tier::Better => "Advanced",
            Tier::Best => "Pro",
        }),
    }
}

/// Price, items, image and link of an offer.
pub struct Priced<'a> {
    pub price: Money<'a>,
    pub regular_price: Option<Money<'a>>,
    pub savings: Option<Money<'a>>,
    pub items: Vec<ItemView<'a>>,
    pub image: Option<Text<'a>>,
    pub url: Option<Text<'a>>,
}

fn link(s: &Option<String>) -> Option<Text<'_>> {
    s.as_deref().map(Cow::Borrowed)
}

pub fn priced<'a>(pack: &'a Pack, offer: &'a crate::pack::Offer) -> Priced<'a> {
    let get = |i: u32| pack.products.get(i as usize);
    if let Some(b) = &offer.bundle {
        let items: Vec<ItemView<'a>> = b
            .items
            .iter()
            .filter_map(|&i| get(i).map(|p| ItemView::of(p, Some(i) == b.anchor)))
            .collect();
        // The picture is the anchor's when the bundle includes it, else its first item's.
        let lead = b
            .anchor
            .filter(|a| b.items.contains(a))
            .or(b.items.first().copied())
            .and_then(get);
        let savings = b.regular.saturating_sub(b.price);
        Priced {
            price: Money::borrowed(b.price, &b.currency, &b.price_display),
            regular_price: Some(Money::borrowed(b.regular, &b.currency, &b.regular_display)),
            savings: b
                .savings_display
                .as_deref()
                .map(|d| Money::borrowed(savings, &b.currency, d)),
            items,
            image: lead.and_then(|p| link(&p.image)),
            url: lead.and_then(|p| link(&p.url)),
        }
    } else {
        let p = offer.item.and_then(get);
        Priced {
            price: p
                .map(|p| Money::borrowed(p.price, &p.currency, &p.price_display))
                .unwrap_or_else(|| Money::new(0, "USD")),
            regular_price: None,
            savings: None,
            items: p.map(|p| vec![ItemView::of(p, false)]).unwrap_or_default(),
            image: p.and_then(|p| link(&p.image)),
            url: p.and_then(|p| link(&p.url)),
        }
    }
}

/// The owned copy of a text.
pub fn own(t: Text<'_>) -> Text<'static> {
    Cow::Owned(t.into_owned())
}

impl ItemView<'_> {
    pub fn into_owned(self) -> ItemView<'static> {
        ItemView {
            sku: own(self.sku),
            name: own(self.name),
            price: self.price.into_owned(),
            anchor: self.anchor,
        }
    }
}

impl OfferView<'_> {
    /// A copy that owns its text.
    pub fn into_owned(self) -> OfferView<'static> {
        OfferView {
            id: own(self.id),
            kind: self.kind,
            title: own(self.title),
            benefit: self.benefit.map(own),
            because: own(self.because),
            cta: own(self.cta),
            image: self.image.map(own),
            url: self.url.map(own),
            price: self.price.into_owned(),
            regular_price: self.regular_price.map(Money::into_owned),
            savings: self.savings.map(Money::into_owned),
            items: self.items.into_iter().map(ItemView::into_owned).collect(),
            bundle: self.bundle.map(|b| BundleView {
                name: own(b.name),
                tier: b.tier,
                label: own(b.label),
                tiers: b
                    .tiers
                    .into_iter()
                    .map(|t| TierView {
                        offer: own(t.offer),
                        tier: t.tier,
                        label: own(t.label),
                        price: t.price.into_owned(),
                    })
                    .collect(),
            }),
            need: self.need,
            chosen: self.chosen.map(own),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decision::{Outcome, Reason};
    use serde_json::{json, to_value};

    #[test]
    fn names_are_the_serde_names() {
        use Reason::*;
        for o in [
            Outcome::Offer,
            Outcome::NoCandidates,
            Outcome::NoneEligible,
            Outcome::UnknownPlacement,
        ] {
            assert_eq!(to_value(o).unwrap(), json!(o.name()));
        }
        for r in [
            OutsideWindow,
            Stage,
            Consent,
            InCart,
            Incompatible,
            OutOfStock,
            ConditionFalse,
            SequenceNotReady,
            Cooldown,
            CapReached,
            ExclusiveGroup,
            LowerScore,
        ] {
            assert_eq!(to_value(r).unwrap(), json!(r.name()));
        }
        for k in [OfferKind::Addon, OfferKind::Bundle] {
            assert_eq!(to_value(k).unwrap(), json!(kind_name(k)));
        }
        for t in [Tier::Good, Tier::Better, Tier::Best] {
            assert_eq!(to_value(t).unwrap(), json!(tier_name(t)));
        }
        for m in [
            Motivation::SaveTime,
            Motivation::ReduceRisk,
            Motivation::EnhanceResults,
        ] {
            assert_eq!(to_value(m).unwrap(), json!(motivation_name(m)));
        }
        for s in [
            crate::pack::Stage::Researching,
            crate::pack::Stage::Purchasing,
            crate::pack::Stage::Onboarding,
            crate::pack::Stage::Using,
        ] {
            assert_eq!(to_value(s).unwrap(), json!(s.name()));
        }
    }
}
