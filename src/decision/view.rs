//! The card a host renders: plain data with prices pre-formatted and the bundle's tiers.

use crate::pack::{Motivation, OfferKind, Pack, Product, Stage, Tier};
use serde::{Deserialize, Serialize};

/// An amount in minor units with its currency and a display string ("$1,299.00").
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Money {
    pub amount: u64,
    pub currency: String,
    pub display: String,
}

impl Money {
    pub fn new(amount: u64, currency: &str) -> Money {
        Money {
            amount,
            currency: currency.to_owned(),
            display: format_money(amount, currency),
        }
    }
}

/// Formats minor units for display: known symbols for common currencies, else the code.
pub fn format_money(amount: u64, currency: &str) -> String {
    let (symbol, decimals) = match currency {
        "USD" => ("$", 2),
        "EUR" => ("€", 2),
        "GBP" => ("£", 2),
        "JPY" => ("¥", 0),
        "CAD" => ("CA$", 2),
        "AUD" => ("A$", 2),
        _ => ("", 2),
    };
    let (whole, frac) = if decimals == 0 {
        (amount, 0)
    } else {
        (amount / 100, amount % 100)
    };
    let digits = whole.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let number = if decimals == 0 {
        grouped
    } else {
        format!("{grouped}.{frac:02}")
    };
    if symbol.is_empty() {
        format!("{number} {currency}")
    } else {
        format!("{symbol}{number}")
    }
}

/// One product in the card.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ItemView {
    pub sku: String,
    pub name: String,
    pub price: Money,
    /// True for a bundle's anchor (always at full price).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub anchor: bool,
}

impl ItemView {
    pub fn of(p: &Product, anchor: bool) -> ItemView {
        ItemView {
            sku: p.sku.clone(),
            name: p.name.clone(),
            price: Money::new(p.price, &p.currency),
            anchor,
        }
    }
}

/// Another tier of the same mission bundle that is also eligible, for a trade-up choice.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TierView {
    pub offer: String,
    pub tier: Tier,
    pub label: String,
    pub price: Money,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BundleView {
    /// The outcome name, e.g. "Sleep Preservation Set".
    pub name: String,
    pub tier: Tier,
    /// "Starter", "Advanced", "Pro", or the tier name.
    pub label: String,
    /// Eligible tiers of this bundle, good → best, including this one.
    pub tiers: Vec<TierView>,
}

/// The need-state cell the offer answers.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct NeedView {
    pub stage: Stage,
    pub motivation: Motivation,
}

/// What the card shows. Text fields are plain text: render with textContent, never as HTML.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OfferView {
    pub id: String,
    pub kind: OfferKind,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub benefit: Option<String>,
    /// "Because you chose …, we recommend …".
    pub because: String,
    /// Call to action for the Add button.
    pub cta: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// What the shopper pays for the offer.
    pub price: Money,
    /// For a bundle: the items' total bought singly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regular_price: Option<Money>,
    /// For a bundle: regular price minus bundle price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub savings: Option<Money>,
    pub items: Vec<ItemView>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle: Option<BundleView>,
    pub need: NeedView,
    /// Sku of the chosen product the offer fits (the one the "because" cites), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chosen: Option<String>,
}

pub fn tier_label(t: Tier, label: Option<&str>) -> String {
    label.map(str::to_owned).unwrap_or_else(|| {
        match t {
            Tier::Good => "Starter",
            Tier::Better => "Advanced",
            Tier::Best => "Pro",
        }
        .to_owned()
    })
}

/// Price, items, image and link of an offer.
pub struct Priced {
    pub price: Money,
    pub regular_price: Option<Money>,
    pub savings: Option<Money>,
    pub items: Vec<ItemView>,
    pub image: Option<String>,
    pub url: Option<String>,
}

pub fn priced(pack: &Pack, offer: &crate::pack::Offer) -> Priced {
    let get = |i: u32| pack.products.get(i as usize);
    if let Some(b) = &offer.bundle {
        let items: Vec<ItemView> = b
            .items
            .iter()
            .filter_map(|&i| get(i).map(|p| ItemView::of(p, Some(i) == b.anchor)))
            .collect();
        let currency = items
            .first()
            .map(|i| i.price.currency.clone())
            .unwrap_or_default();
        let regular: u64 = items
            .iter()
            .fold(0u64, |acc, i| acc.saturating_add(i.price.amount));
        // The picture is the anchor's when the bundle includes it, else its first item's.
        let lead = b
            .anchor
            .filter(|a| b.items.contains(a))
            .or(b.items.first().copied())
            .and_then(get);
        let savings = regular.saturating_sub(b.price);
        Priced {
            price: Money::new(b.price, &currency),
            regular_price: Some(Money::new(regular, &currency)),
            savings: (savings > 0).then(|| Money::new(savings, &currency)),
            items,
            image: lead.and_then(|p| p.image.clone()),
            url: lead.and_then(|p| p.url.clone()),
        }
    } else {
        let p = offer.item.and_then(get);
        Priced {
            price: p
                .map(|p| Money::new(p.price, &p.currency))
                .unwrap_or_else(|| Money::new(0, "USD")),
            regular_price: None,
            savings: None,
            items: p.map(|p| vec![ItemView::of(p, false)]).unwrap_or_default(),
            image: p.and_then(|p| p.image.clone()),
            url: p.and_then(|p| p.url.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_money() {
        assert_eq!(format_money(129_900, "USD"), "$1,299.00");
        assert_eq!(format_money(5, "EUR"), "€0.05");
        assert_eq!(format_money(123_456_789, "GBP"), "£1,234,567.89");
        assert_eq!(format_money(1500, "JPY"), "¥1,500");
        assert_eq!(format_money(1999, "SEK"), "19.99 SEK");
        assert_eq!(
            format_money(u64::MAX, "USD").len(),
            "$184,467,440,737,095,516.15".len()
        );
    }
}
