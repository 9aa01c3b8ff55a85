//! Per-decision facts derived once from the signals: chosen products, cart totals, stage,
//! and the [`Facts`] view a condition reads for one offer.

use crate::condition::{Anchor, Facts, Field, Has};
use crate::ledger::Ledger;
use crate::pack::{Offer, Pack, Stage};
use crate::signals::{AnswerValue, Signals};

/// Everything a decision derives from its inputs before looking at offers.
pub struct Context<'a> {
    pub pack: &'a Pack,
    pub signals: &'a Signals,
    pub ledger: &'a Ledger,
    pub now: i64,
    /// Personalization allowed (consent, after GPC).
    pub personal: bool,
    pub placement: usize,
    pub stage: Stage,
    pub session: Option<&'a str>,
    pub page_product: Option<u32>,
    /// Catalog indices of cart items (unknown skus are skipped).
    pub cart: Vec<u32>,
    pub cart_value: u64,
    pub cart_count: u64,
    /// Catalog indices of the last purchase.
    pub purchased: Vec<u32>,
    pub purchased_at: Option<i64>,
}

impl<'a> Context<'a> {
    pub fn new(
        pack: &'a Pack,
        signals: &'a Signals,
        ledger: &'a Ledger,
        now: i64,
        personal: bool,
        placement: usize,
        placement_stage: Stage,
    ) -> Context<'a> {
        let page_product = signals
            .page
            .product
            .as_deref()
            .and_then(|s| pack.product(s))
            .map(|(i, _)| i);
        let mut cart = Vec::with_capacity(signals.cart.items.len());
        let (mut cart_value, mut cart_count) = (0u64, 0u64);
        for item in &signals.cart.items {
            cart_count = cart_count.saturating_add(u64::from(item.qty));
            if let Some((i, p)) = pack.product(&item.sku) {
                cart.push(i);
                cart_value = cart_value.saturating_add(p.price.saturating_mul(u64::from(item.qty)));
            }
        }
        // Stored purchase history is profile data: without personalization consent only the
        // host's current order (the thank-you page's own content) counts.
        let ledger_purchase = ledger.purchase.as_ref().filter(|_| personal);
        let purchased_at = signals
            .lifecycle
            .purchased_at
            .or(ledger_purchase.map(|p| p.0));
        let purchased_skus: Vec<&str> = if signals.lifecycle.purchased.is_empty() {
            ledger_purchase
                .map(|p| p.1.iter().map(String::as_str).collect())
                .unwrap_or_default()
        } else {
            signals
                .lifecycle
                .purchased
                .iter()
                .map(String::as_str)
                .collect()
        };
        let purchased = purchased_skus
            .iter()
            .filter_map(|s| pack.product(s))
            .map(|(i, _)| i)
            .collect();
        let stage = match placement_stage {
            Stage::Onboarding => match purchased_at {
                Some(t) if now.saturating_sub(t) >= pack.policy.onboarding_secs => Stage::Using,
                _ => Stage::Onboarding,
            },
            s => s,
        };
        Context {
            pack,
            signals,
            ledger,
            now,
            personal,
            placement,
            stage,
            session: signals.session.id.as_deref(),
            page_product,
            cart,
            cart_value,
            cart_count,
            purchased,
            purchased_at,
        }
    }

    /// The chosen products an offer may fit, in the order the "because" prefers them.
    pub fn anchors(&self) -> Vec<u32> {
        let mut a = Vec::with_capacity(1 + self.cart.len() + self.purchased.len());
        a.extend(self.page_product);
        a.extend(self.cart.iter().copied());
        if matches!(self.stage, Stage::Onboarding | Stage::Using) {
            a.extend(self.purchased.iter().copied());
        }
        a
    }

    /// Stock of a sku: live signal, else catalog; `None` = not tracked.
    pub fn stock(&self, sku: u32) -> Option<i64> {
        let p = self.pack.products.get(sku as usize)?;
        self.signals.stock.get(&p.sku).copied().or(p.stock)
    }

    fn page_category(&self) -> Option<&'a str> {
        self.signals.page.category.as_deref().or_else(|| {
            self.page_product
                .and_then(|i| self.pack.products.get(i as usize))
                .map(|p| p.category.as_str())
        })
    }
}

/// The facts for one offer in one decision.
pub struct OfferFacts<'c, 'a> {
    pub ctx: &'c Context<'a>,
    pub offer: &'c Offer,
}

impl OfferFacts<'_, '_> {
    fn fits_any(&self, products: &[u32]) -> bool {
        products
            .iter()
            .any(|&p| self.ctx.pack.offer_fits(self.offer, p))
    }
}

fn personal_field(f: Field) -> bool {
    matches!(
        f,
        Field::SessionPagesViewed
            | Field::SessionViewedCategories
            | Field::CustomerSegment
            | Field::CustomerTenureDays
            | Field::CustomerFirstPurchase
            | Field::CustomerOrderCount
            | Field::CustomerCategoryMix
            | Field::LifecycleDaysSincePurchase
            | Field::LifecycleHoursSincePurchase
            | Field::LifecycleDaysToRenewal
            | Field::LifecycleUsageCount
            | Field::LifecycleDaysToDepletion
            | Field::LifecyclePurchased
            | Field::Motivation
            | Field::Answer(..)
    )
}

impl Facts for OfferFacts<'_, '_> {
    fn num(&self, field: Field) -> Option<f64> {
        let c = self.ctx;
        if personal_field(field) && !c.personal {
            return None;
        }
        let s = c.signals;
        #[allow(clippy::cast_precision_loss)]
        match field {
            Field::PageDwellSeconds => s.page.dwell_seconds,
            Field::CartValue => Some(c.cart_value as f64),
            Field::CartCount => Some(c.cart_count as f64),
            Field::SessionPagesViewed => s.session.pages_viewed.map(f64::from),
            Field::TimeLocalHour => s.time.local_hour.map(f64::from),
            Field::TimeWeekday => s.time.weekday.map(f64::from),
            Field::CustomerTenureDays => s.customer.tenure_days,
            Field::CustomerOrderCount => s.customer.order_count,
            Field::LifecycleDaysSincePurchase => c
                .purchased_at
                .map(|t| (c.now.saturating_sub(t) / 86_400) as f64),
            Field::LifecycleHoursSincePurchase => c
                .purchased_at
                .map(|t| (c.now.saturating_sub(t) / 3600) as f64),
            Field::LifecycleDaysToRenewal => s.lifecycle.days_to_renewal,
            Field::LifecycleUsageCount => s.lifecycle.usage_count,
            Field::LifecycleDaysToDepletion => s.lifecycle.days_to_depletion,
            Field::OfferStock => self
                .offer
                .delivers()
                .iter()
                .filter_map(|&i| c.stock(i))
                .min()
                .map(|n| n as f64),
            Field::Answer(i, _) => match answer(c, i)? {
                AnswerValue::Number(n) => Some(*n),
                _ => None,
            },
            _ => None,
        }
    }

    fn str(&self, field: Field) -> Option<&str> {
        let c = self.ctx;
        if personal_field(field) && !c.personal {
            return None;
        }
        let s = c.signals;
        match field {
            Field::PageProduct => s.page.product.as_deref(),
            Field::PageCategory => c.page_category(),
            Field::Device => s.device.map(|d| d.as_str()),
            Field::GeoCountry => s.geo.country.as_deref(),
            Field::CustomerSegment => s.customer.segment.as_deref(),
            Field::Motivation => s.motivation.map(motivation_str),
            Field::Answer(i, _) => match answer(c, i)? {
                AnswerValue::String(v) => Some(v.as_str()),
                _ => None,
            },
            _ => None,
        }
    }

    fn bool(&self, field: Field) -> Option<bool> {
        let c = self.ctx;
        if personal_field(field) && !c.personal {
            return None;
        }
        match field {
            Field::CustomerFirstPurchase => c.signals.customer.first_purchase,
            Field::Answer(i, _) => match answer(c, i)? {
                AnswerValue::Bool(b) => Some(*b),
                _ => None,
            },
            _ => None,
        }
    }

    fn list_any(&self, field: Field, f: &mut dyn FnMut(&str) -> bool) -> Option<bool> {
        let c = self.ctx;
        if personal_field(field) && !c.personal {
            return None;
        }
        let products = &c.pack.products;
        let p = |i: &u32| products.get(*i as usize);
        Some(match field {
            Field::PageTags => {
                let prod = c.page_product.as_ref().and_then(p)?;
                prod.tags.iter().any(|t| f(t))
            }
            Field::CartSkus => c.signals.cart.items.iter().any(|i| f(&i.sku)),
            Field::CartCategories => c.cart.iter().filter_map(p).any(|x| f(&x.category)),
            Field::CartTags => c
                .cart
                .iter()
                .filter_map(p)
                .any(|x| x.tags.iter().any(|t| f(t))),
            Field::SessionViewedCategories => {
                c.signals.session.viewed_categories.iter().any(|x| f(x))
            }
            Field::CustomerCategoryMix => c.signals.customer.category_mix.iter().any(|x| f(x)),
            Field::LifecyclePurchased => c.purchased.iter().filter_map(p).any(|x| f(&x.sku)),
            _ => return None,
        })
    }

    fn compatible(&self, anchor: Anchor) -> bool {
        let c = self.ctx;
        let page: &[u32] = c.page_product.as_slice();
        match anchor {
            Anchor::Page => self.fits_any(page),
            Anchor::Cart => self.fits_any(&c.cart),
            Anchor::PageOrCart => self.fits_any(page) || self.fits_any(&c.cart),
            Anchor::Purchased => self.fits_any(&c.purchased),
        }
    }

    fn cart_has(&self, has: &Has) -> bool {
        let c = self.ctx;
        let products = &c.pack.products;
        match has {
            Has::Sku(i) => c.cart.contains(i),
            Has::Category(cat) => c
                .cart
                .iter()
                .filter_map(|i| products.get(*i as usize))
                .any(|p| p.category == *cat),
            Has::Tag(t) => c
                .cart
                .iter()
                .filter_map(|i| products.get(*i as usize))
                .any(|p| p.tags.contains(t)),
        }
    }
}

fn answer<'a>(c: &Context<'a>, i: u16) -> Option<&'a AnswerValue> {
    let (key, ..) = c.pack.answers.get(usize::from(i))?;
    c.signals.answers.get(key)
}

pub fn motivation_str(m: crate::pack::Motivation) -> &'static str {
    match m {
        crate::pack::Motivation::SaveTime => "save_time",
        crate::pack::Motivation::ReduceRisk => "reduce_risk",
        crate::pack::Motivation::EnhanceResults => "enhance_results",
    }
}
