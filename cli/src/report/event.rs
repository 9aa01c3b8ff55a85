//! One measurement event line (docs/events.md#network-events), read with its strings borrowed
//! from the line, and checked for what its type needs.

use serde::Deserialize;
use std::borrow::Cow;

/// The schema version this reader understands.
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Opportunity,
    Exposure,
    Accept,
    Dismiss,
    Purchase,
    Return,
}

#[derive(Debug, Deserialize)]
pub struct Item<'a> {
    #[serde(borrow)]
    pub sku: Cow<'a, str>,
    #[serde(default = "one")]
    pub qty: u32,
}

fn one() -> u32 {
    1
}

/// The fields the report reads; the rest of a line is ignored.
#[derive(Debug, Deserialize)]
pub struct Event<'a> {
    pub v: u32,
    #[serde(rename = "type")]
    pub kind: Kind,
    #[serde(borrow)]
    pub event_id: Cow<'a, str>,
    pub ts: i64,
    #[serde(borrow)]
    pub session_id: Cow<'a, str>,
    #[serde(default, borrow)]
    pub visitor_id: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub placement: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub offer: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub arm: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub product: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub segment: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub tenure: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub device: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub order_id: Option<Cow<'a, str>>,
    #[serde(default)]
    pub revenue: Option<i64>,
    #[serde(default)]
    pub margin: Option<i64>,
    #[serde(default, borrow)]
    pub items: Vec<Item<'a>>,
}

/// Parses and checks one line; the error says what is wrong with it.
pub fn parse(line: &[u8]) -> Result<Event<'_>, String> {
    let e: Event<'_> = serde_json::from_slice(line).map_err(|e| e.to_string())?;
    if e.v != VERSION {
        return Err(format!(
            "schema version {} (this report reads {VERSION})",
            e.v
        ));
    }
    if e.event_id.is_empty() {
        return Err("empty event_id".into());
    }
    if e.session_id.is_empty() {
        return Err("empty session_id".into());
    }
    match e.kind {
        Kind::Opportunity | Kind::Exposure | Kind::Accept | Kind::Dismiss => {
            if e.placement.as_deref().is_none_or(str::is_empty) {
                return Err("a card event needs `placement`".into());
            }
        }
        Kind::Purchase => {
            if e.order_id.is_none() || e.revenue.is_none() {
                return Err("a purchase needs `order_id` and `revenue`".into());
            }
        }
        Kind::Return => {
            if e.order_id.is_none() {
                return Err("a return needs `order_id`".into());
            }
        }
    }
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_card_event_and_ignores_extra_fields() {
        let e = parse(br#"{"v":1,"type":"opportunity","event_id":"e1","ts":5,"session_id":"s","placement":"cart","offer":"o","arm":"holdout","mine":true}"#).unwrap();
        assert_eq!(e.kind, Kind::Opportunity);
        assert_eq!(e.arm.as_deref(), Some("holdout"));
    }

    #[test]
    fn refuses_what_a_type_needs() {
        for (line, needle) in [
            (&br#"{"v":2,"type":"exposure","event_id":"e","ts":1,"session_id":"s","placement":"p"}"#[..], "version"),
            (br#"{"v":1,"type":"purchase","event_id":"e","ts":1,"session_id":"s","order_id":"o"}"#, "revenue"),
            (br#"{"v":1,"type":"accept","event_id":"e","ts":1,"session_id":"s"}"#, "placement"),
            (br#"{"v":1,"type":"click","event_id":"e","ts":1,"session_id":"s"}"#, "unknown variant"),
            (br#"{"v":1,"type":"accept""#, "EOF"),
        ] {
            let err = parse(line).unwrap_err();
            assert!(err.contains(needle), "{err}");
        }
    }
}
