//! The typed signal paths a condition may read, with each path's value type and privacy class.

/// The type of value a path yields; operators are checked against it at load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Number,
    String,
    Bool,
    /// A list of strings; `contains` and `in` (any overlap) apply.
    List,
}

impl ValueKind {
    pub fn name(self) -> &'static str {
        match self {
            ValueKind::Number => "number",
            ValueKind::String => "string",
            ValueKind::Bool => "boolean",
            ValueKind::List => "list of strings",
        }
    }
}

/// Contextual paths describe only the current page and cart (and request context such as device
/// and local time); personal paths describe the shopper's profile or history and need
/// personalization consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathClass {
    Contextual,
    Personal,
}

/// A signal path, resolved at load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    PageProduct,
    PageCategory,
    PageTags,
    PageDwellSeconds,
    CartValue,
    CartCount,
    CartSkus,
    CartCategories,
    CartTags,
    SessionPagesViewed,
    SessionViewedCategories,
    Device,
    GeoCountry,
    TimeLocalHour,
    TimeWeekday,
    CustomerSegment,
    CustomerTenureDays,
    CustomerFirstPurchase,
    CustomerOrderCount,
    CustomerCategoryMix,
    LifecycleDaysSincePurchase,
    LifecycleHoursSincePurchase,
    LifecycleDaysToRenewal,
    LifecycleUsageCount,
    LifecycleDaysToDepletion,
    LifecyclePurchased,
    Motivation,
    /// Stock of the offer's item (for a bundle, the lowest across all its items, the anchor too when listed).
    OfferStock,
    /// A declared answer, by index into the pack's answer table, with its declared kind.
    Answer(u16, ValueKind),
}

/// Every fixed path, its field, kind and class. `answers.<key>` is resolved against the pack.
pub const FIXED_PATHS: &[(&str, Field, ValueKind, PathClass)] = &[
    (
        "page.product",
        Field::PageProduct,
        ValueKind::String,
        PathClass::Contextual,
    ),
    (
        "page.category",
        Field::PageCategory,
        ValueKind::String,
        PathClass::Contextual,
    ),
    (
        "page.tags",
        Field::PageTags,
        ValueKind::List,
        PathClass::Contextual,
    ),
    (
        "page.dwell_seconds",
        Field::PageDwellSeconds,
        ValueKind::Number,
        PathClass::Contextual,
    ),
    (
        "cart.value",
        Field::CartValue,
        ValueKind::Number,
        PathClass::Contextual,
    ),
    (
        "cart.count",
        Field::CartCount,
        ValueKind::Number,
        PathClass::Contextual,
    ),
    (
        "cart.skus",
        Field::CartSkus,
        ValueKind::List,
        PathClass::Contextual,
    ),
    (
        "cart.categories",
        Field::CartCategories,
        ValueKind::List,
        PathClass::Contextual,
    ),
    (
        "cart.tags",
        Field::CartTags,
        ValueKind::List,
        PathClass::Contextual,
    ),
    (
        "session.pages_viewed",
        Field::SessionPagesViewed,
        ValueKind::Number,
        PathClass::Personal,
    ),
    (
        "session.viewed_categories",
        Field::SessionViewedCategories,
        ValueKind::List,
        PathClass::Personal,
    ),
    (
        "device",
        Field::Device,
        ValueKind::String,
        PathClass::Contextual,
    ),
    (
        "geo.country",
        Field::GeoCountry,
        ValueKind::String,
        PathClass::Contextual,
    ),
    (
        "time.local_hour",
        Field::TimeLocalHour,
        ValueKind::Number,
        PathClass::Contextual,
    ),
    (
        "time.weekday",
        Field::TimeWeekday,
        ValueKind::Number,
        PathClass::Contextual,
    ),
    (
        "customer.segment",
        Field::CustomerSegment,
        ValueKind::String,
        PathClass::Personal,
    ),
    (
        "customer.tenure_days",
        Field::CustomerTenureDays,
        ValueKind::Number,
        PathClass::Personal,
    ),
    (
        "customer.first_purchase",
        Field::CustomerFirstPurchase,
        ValueKind::Bool,
        PathClass::Personal,
    ),
    (
        "customer.order_count",
        Field::CustomerOrderCount,
        ValueKind::Number,
        PathClass::Personal,
    ),
    (
        "customer.category_mix",
        Field::CustomerCategoryMix,
        ValueKind::List,
        PathClass::Personal,
    ),
    (
        "lifecycle.days_since_purchase",
        Field::LifecycleDaysSincePurchase,
        ValueKind::Number,
        PathClass::Personal,
    ),
    (
        "lifecycle.hours_since_purchase",
        Field::LifecycleHoursSincePurchase,
        ValueKind::Number,
        PathClass::Personal,
    ),
    (
        "lifecycle.days_to_renewal",
        Field::LifecycleDaysToRenewal,
        ValueKind::Number,
        PathClass::Personal,
    ),
    (
        "lifecycle.usage_count",
        Field::LifecycleUsageCount,
        ValueKind::Number,
        PathClass::Personal,
    ),
    (
        "lifecycle.days_to_depletion",
        Field::LifecycleDaysToDepletion,
        ValueKind::Number,
        PathClass::Personal,
    ),
    (
        "lifecycle.purchased",
        Field::LifecyclePurchased,
        ValueKind::List,
        PathClass::Personal,
    ),
    (
        "motivation",
        Field::Motivation,
        ValueKind::String,
        PathClass::Personal,
    ),
    (
        "offer.stock",
        Field::OfferStock,
        ValueKind::Number,
        PathClass::Contextual,
    ),
];

/// Allowed values of the enum-like string paths; a condition comparing against anything else is
/// a load error rather than a condition that can never be true.
pub fn allowed_values(field: Field) -> Option<&'static [&'static str]> {
    match field {
        Field::Device => Some(&["mobile", "tablet", "desktop"]),
        Field::Motivation => Some(&["save_time", "reduce_risk", "enhance_results"]),
        _ => None,
    }
}

/// Looks up a fixed path.
pub fn fixed(path: &str) -> Option<(Field, ValueKind, PathClass)> {
    FIXED_PATHS
        .iter()
        .find(|(p, ..)| *p == path)
        .map(|&(_, f, k, c)| (f, k, c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_paths_are_unique() {
        for (i, (a, ..)) in FIXED_PATHS.iter().enumerate() {
            for (b, ..) in &FIXED_PATHS[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn page_and_cart_are_contextual_profile_is_personal() {
        assert_eq!(
            fixed("cart.value").map(|x| x.2),
            Some(PathClass::Contextual)
        );
        assert_eq!(
            fixed("customer.segment").map(|x| x.2),
            Some(PathClass::Personal)
        );
        assert_eq!(
            fixed("session.viewed_categories").map(|x| x.2),
            Some(PathClass::Personal)
        );
        assert_eq!(fixed("cart.valu"), None);
    }
}
