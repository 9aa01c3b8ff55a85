//! What the host tells the engine about this page view: placement, page, cart, session, shopper.
//!
//! Signals are plain data supplied per decision; the engine never gathers them itself. Every
//! field is optional except the placement, and unknown fields are rejected so a host typo
//! surfaces as an error instead of an offer silently never firing.

use crate::ledger::Map;
use crate::pack::source::Motivation;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct Signals {
    /// Where the card would show: product, cart, checkout, post_purchase, or a pack-declared one.
    pub placement: String,
    #[serde(default)]
    pub page: PageSignals,
    #[serde(default)]
    pub cart: CartSignals,
    #[serde(default)]
    pub session: SessionSignals,
    #[serde(default)]
    pub device: Option<Device>,
    #[serde(default)]
    pub geo: GeoSignals,
    #[serde(default)]
    pub time: TimeSignals,
    #[serde(default)]
    pub customer: CustomerSignals,
    #[serde(default)]
    pub lifecycle: LifecycleSignals,
    /// Declared answers ("told us"), keyed by the pack's declared answer keys.
    #[serde(default, deserialize_with = "crate::pack::strict::unique_map")]
    pub answers: Map<AnswerValue>,
    /// The shopper's declared motivation, if they told us.
    #[serde(default)]
    pub motivation: Option<Motivation>,
    /// Live stock levels by sku; override the catalog's.
    #[serde(default, deserialize_with = "crate::pack::strict::unique_map")]
    pub stock: Map<i64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct PageSignals {
    /// Sku of the product this page is about.
    #[serde(default)]
    pub product: Option<String>,
    /// Category of the page; defaults to the page product's category.
    #[serde(default)]
    pub category: Option<String>,
    /// Seconds the page has been visible.
    #[serde(default)]
    pub dwell_seconds: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct CartSignals {
    #[serde(default)]
    pub items: Vec<CartItem>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct CartItem {
    pub sku: String,
    #[serde(default = "one")]
    pub qty: u32,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct SessionSignals {
    /// Session id; frequency caps "per session" count within it.
    #[serde(default)]
    pub id: Option<String>,
    /// Visitor id (persistent only with storage consent); experiments assign by it, else by
    /// the session id.
    #[serde(default)]
    pub visitor: Option<String>,
    #[serde(default)]
    pub pages_viewed: Option<u32>,
    #[serde(default)]
    pub viewed_categories: Vec<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Device {
    Mobile,
    Tablet,
    Desktop,
}

impl Device {
    pub fn as_str(self) -> &'static str {
        match self {
            Device::Mobile => "mobile",
            Device::Tablet => "tablet",
            Device::Desktop => "desktop",
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct GeoSignals {
    /// ISO 3166-1 alpha-2 country code.
    #[serde(default)]
    pub country: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct TimeSignals {
    /// 0–23 in the shopper's time zone.
    #[serde(default)]
    pub local_hour: Option<u8>,
    /// 1 = Monday … 7 = Sunday (ISO 8601).
    #[serde(default)]
    pub weekday: Option<u8>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct CustomerSignals {
    #[serde(default)]
    pub segment: Option<String>,
    #[serde(default)]
    pub tenure_days: Option<f64>,
    #[serde(default)]
    pub first_purchase: Option<bool>,
    #[serde(default)]
    pub order_count: Option<f64>,
    /// Categories the customer has bought from.
    #[serde(default)]
    pub category_mix: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct LifecycleSignals {
    /// Unix seconds of the last purchase (the ledger's record is used when absent).
    #[serde(default)]
    pub purchased_at: Option<i64>,
    /// Skus of the last purchase.
    #[serde(default)]
    pub purchased: Vec<String>,
    #[serde(default)]
    pub days_to_renewal: Option<f64>,
    #[serde(default)]
    pub usage_count: Option<f64>,
    #[serde(default)]
    pub days_to_depletion: Option<f64>,
}

/// A declared answer: a string, number or boolean.
///
/// Written as an untagged enum; read with one visitor instead of serde's untagged trial and
/// error, which builds (and throws away) an error per variant that does not match: in the wasm
/// adapter every such error is a JS `Error` with a stack trace, the most expensive part of
/// reading a shopper's answers.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(untagged)]
pub enum AnswerValue {
    Bool(bool),
    Number(f64),
    String(String),
}

impl<'de> Deserialize<'de> for AnswerValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{Error, MapAccess, SeqAccess, Visitor};
        use std::fmt;
        // Everything else is refused with serde's untagged message, as before.
        const NO_MATCH: &str = "data did not match any variant of untagged enum AnswerValue";
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AnswerValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, number or boolean")
            }
            fn visit_bool<E: Error>(self, v: bool) -> Result<AnswerValue, E> {
                Ok(AnswerValue::Bool(v))
            }
            fn visit_i64<E: Error>(self, v: i64) -> Result<AnswerValue, E> {
                Ok(AnswerValue::Number(v as f64))
            }
            fn visit_u64<E: Error>(self, v: u64) -> Result<AnswerValue, E> {
                Ok(AnswerValue::Number(v as f64))
            }
            fn visit_f64<E: Error>(self, v: f64) -> Result<AnswerValue, E> {
                Ok(AnswerValue::Number(v))
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<AnswerValue, E> {
                Ok(AnswerValue::String(v.to_owned()))
            }
            fn visit_string<E: Error>(self, v: String) -> Result<AnswerValue, E> {
                Ok(AnswerValue::String(v))
            }
            fn visit_unit<E: Error>(self) -> Result<AnswerValue, E> {
                Err(E::custom(NO_MATCH))
            }
            fn visit_none<E: Error>(self) -> Result<AnswerValue, E> {
                Err(E::custom(NO_MATCH))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<AnswerValue, A::Error> {
                Err(A::Error::custom(NO_MATCH))
            }
            fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<AnswerValue, A::Error> {
                Err(A::Error::custom(NO_MATCH))
            }
        }
        d.deserialize_any(V)
    }
}

crate::object_only!(
    Signals,
    PageSignals,
    CartSignals,
    CartItem,
    SessionSignals,
    GeoSignals,
    TimeSignals,
    CustomerSignals,
    LifecycleSignals,
);
