//! The per-visitor ledger: counters, cooldowns, sequence progress and pack high-water marks.
//!
//! A small, versioned, bounded value that lives on the shopper's device (localStorage or a
//! cookie). The core reads it to enforce caps and updates it with [`Ledger::record`]; the host
//! stores the encoded form. [`Ledger::decode`] refuses anything corrupt or hand-edited with a
//! typed [`LedgerError`]; the caller then starts from [`Ledger::default`].

mod codec;
mod map;

pub use codec::{LedgerError, LEDGER_PREFIX, MAX_ENCODED_LEN};
pub use map::Map;
use serde::{Deserialize, Serialize};

/// Offers remembered at most (least recently touched are forgotten first).
pub const MAX_OFFERS: usize = 64;
/// Shown times remembered per offer (enough for any weekly cap up to this).
pub const MAX_SHOWN_PER_OFFER: usize = 32;
/// Shown events remembered across offers (for global and per-placement day/week caps).
pub const MAX_LOG: usize = 128;
/// Pack ids whose high-water mark is kept.
pub const MAX_PACKS: usize = 8;
/// Longest id kept as is (offer ids, session ids, skus); longer session ids are hashed.
pub const MAX_ID_LEN: usize = 64;
/// Longest placement name kept as is; longer ones are hashed.
pub const MAX_PLACEMENT_LEN: usize = 32;
/// Placements with a per-session counter.
pub const MAX_PLACEMENTS: usize = 16;
/// Latest time a ledger stores (Unix seconds, year 5138); events outside 0..=this are ignored.
pub const MAX_TIME: i64 = 100_000_000_000;
const WEEK: i64 = 7 * 86_400;

/// What happened to an offer, as the host reports it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Shown,
    Accepted,
    Dismissed,
    Purchased,
}

/// An event to record. `offer` is required except for `purchased`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub kind: Option<EventKind>,
    #[serde(default)]
    pub offer: Option<String>,
    #[serde(default)]
    pub placement: Option<String>,
    #[serde(default)]
    pub session: Option<String>,
    /// Skus bought (`purchased`).
    #[serde(default)]
    pub skus: Vec<String>,
}

impl Event {
    pub fn new(kind: EventKind, offer: &str, placement: &str, session: Option<&str>) -> Event {
        Event {
            kind: Some(kind),
            offer: Some(offer.to_owned()),
            placement: Some(placement.to_owned()),
            session: session.map(str::to_owned),
            skus: Vec::new(),
        }
    }
}

/// History of one offer.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct OfferHistory {
    /// Recent shown times (Unix seconds, within a week), oldest first.
    #[serde(rename = "s", default, skip_serializing_if = "Vec::is_empty")]
    pub shown: Vec<i64>,
    /// Times shown in the ledger's current session.
    #[serde(rename = "ss", default, skip_serializing_if = "is_zero")]
    pub session_shown: u32,
    /// Ever shown (survives the one-week window, for sequencing).
    #[serde(rename = "e", default, skip_serializing_if = "is_false")]
    pub ever_shown: bool,
    #[serde(rename = "a", default, skip_serializing_if = "is_zero")]
    pub accepted: u32,
    /// Last "no thanks".
    #[serde(rename = "d", default, skip_serializing_if = "Option::is_none")]
    pub dismissed_at: Option<i64>,
    /// Last time anything happened (for eviction).
    #[serde(rename = "t")]
    pub touched: i64,
}

/// One shown event in the cross-offer log.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Shown(pub i64, pub String);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct Ledger {
    /// The session the `session_*` counters belong to.
    #[serde(rename = "sid", default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// Shown this session, all offers.
    #[serde(rename = "st", default, skip_serializing_if = "is_zero")]
    pub session_total: u32,
    /// Shown this session, by placement.
    #[serde(rename = "sp", default, skip_serializing_if = "Map::is_empty")]
    pub session_placements: Map<u32>,
    /// Shown events within the last week (time, placement), oldest first.
    #[serde(rename = "log", default, skip_serializing_if = "Vec::is_empty")]
    pub log: Vec<Shown>,
    #[serde(rename = "o", default, skip_serializing_if = "Map::is_empty")]
    pub offers: Map<OfferHistory>,
    /// Highest pack version accepted, by pack id (anti-rollback).
    #[serde(rename = "hw", default, skip_serializing_if = "Map::is_empty")]
    pub high_water: Map<u64>,
    /// Last purchase: time and skus.
    #[serde(rename = "p", default, skip_serializing_if = "Option::is_none")]
    pub purchase: Option<(i64, Vec<String>)>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}
fn is_false(b: &bool) -> bool {
    !*b
}

impl Ledger {
    /// The history of `offer`, if any.
    pub fn offer(&self, offer: &str) -> Option<&OfferHistory> {
        self.offers.get(offer)
    }

    /// Whether the session counters belong to `session`.
    pub fn same_session(&self, session: Option<&str>) -> bool {
        match (session, self.session.as_deref()) {
            (Some(s), Some(mine)) => bounded(s, MAX_ID_LEN) == mine,
            _ => false,
        }
    }

    /// Shown count of `offer` in `session`.
    pub fn shown_in_session(&self, offer: &str, session: Option<&str>) -> u32 {
        if !self.same_session(session) {
            return 0;
        }
        self.offer(offer).map_or(0, |h| h.session_shown)
    }

    /// Shown count of `offer` within `window` seconds before `now`.
    pub fn shown_since(&self, offer: &str, now: i64, window: i64) -> u32 {
        self.offer(offer)
            .map_or(0, |h| count_since(h.shown.iter().copied(), now, window))
    }

    /// Shown count across offers within `window` seconds, optionally at one placement.
    pub fn log_since(&self, placement: Option<&str>, now: i64, window: i64) -> u32 {
        count_since(
            self.log
                .iter()
                .filter(|s| placement.is_none_or(|p| s.1 == bounded(p, MAX_PLACEMENT_LEN)))
                .map(|s| s.0),
            now,
            window,
        )
    }

    /// The high-water mark for pack `id` (0 if never seen).
    pub fn high_water(&self, id: &str) -> u64 {
        self.high_water
            .get(&bounded(id, MAX_ID_LEN))
            .copied()
            .unwrap_or(0)
    }

    /// Raises the high-water mark for a pack; never lowers it.
    pub fn raise_high_water(&mut self, id: &str, version: u64) {
        let id = &bounded(id, MAX_ID_LEN);
        let hw = self.high_water.get_or_insert_with(id, || 0);
        *hw = (*hw).max(version);
        while self.high_water.len() > MAX_PACKS {
            // Forget the lowest mark (by version, then id): the oldest pack lineage.
            let Some(k) = lowest(self.high_water.iter().filter(|(k, _)| *k != id), |v| *v) else {
                break;
            };
            self.high_water.remove(&k);
        }
    }

    /// Records an event at `now`. Events without a kind, or without an offer where one is
    /// needed, change nothing.
    pub fn record(&mut self, event: &Event, now: i64) {
        let Some(kind) = event.kind else { return };
        if !(0..=MAX_TIME).contains(&now) {
            return;
        }
        let session = event.session.as_deref();
        if kind == EventKind::Purchased {
            let skus: Vec<String> = event
                .skus
                .iter()
                .filter(|s| s.len() <= MAX_ID_LEN)
                .take(16)
                .cloned()
                .collect();
            self.purchase = Some((now, skus));
            self.fit();
            return;
        }
        let Some(offer) = event
            .offer
            .as_deref()
            .filter(|o| !o.is_empty() && o.len() <= MAX_ID_LEN)
        else {
            return;
        };
        if session.is_some() && !self.same_session(session) {
            // A new session: reset the session counters.
            self.session = session.map(|s| bounded(s, MAX_ID_LEN));
            self.session_total = 0;
            self.session_placements.clear();
            for h in self.offers.values_mut() {
                h.session_shown = 0;
            }
        }
        let placement = bounded(
            event.placement.as_deref().unwrap_or_default(),
            MAX_PLACEMENT_LEN,
        );
        let h = self.offers.get_or_insert_with(offer, OfferHistory::default);
        h.touched = now;
        match kind {
            EventKind::Shown => {
                h.shown.push(now);
                h.shown.retain(|t| now.saturating_sub(*t) < WEEK);
                let excess = h.shown.len().saturating_sub(MAX_SHOWN_PER_OFFER);
                h.shown.drain(..excess);
                h.ever_shown = true;
                if session.is_some() {
                    h.session_shown = h.session_shown.saturating_add(1);
                    self.session_total = self.session_total.saturating_add(1);
                    if self.session_placements.len() < MAX_PLACEMENTS
                        || self.session_placements.contains_key(&placement)
                    {
                        let c = self.session_placements.get_or_insert_with(&placement, || 0);
                        *c = c.saturating_add(1);
                    }
                }
                self.log.push(Shown(now, placement));
                self.log.retain(|s| now.saturating_sub(s.0) < WEEK);
                let excess = self.log.len().saturating_sub(MAX_LOG);
                self.log.drain(..excess);
            }
            EventKind::Accepted => h.accepted = h.accepted.saturating_add(1),
            EventKind::Dismissed => h.dismissed_at = Some(now),
            EventKind::Purchased => {}
        }
        self.evict();
        self.fit();
    }

    /// Forgets the least recently touched offers, then the oldest shown events, until the
    /// encoded ledger fits in [`MAX_ENCODED_LEN`], so whatever `record` produces decodes again.
    fn fit(&mut self) {
        self.shrink_to(MAX_ENCODED_LEN);
    }

    /// Forgets the oldest history until [`Ledger::encode`] is at most `max` bytes (for stores
    /// smaller than localStorage, such as a cookie). High-water marks are kept last.
    pub fn shrink_to(&mut self, max: usize) {
        while self.encoded_len() > max {
            if let Some(k) = self.least_recent() {
                self.offers.remove(&k);
            } else if !self.log.is_empty() {
                let half = self.log.len().div_ceil(2);
                self.log.drain(..half);
            } else if self.purchase.is_some() || !self.session_placements.is_empty() {
                self.purchase = None;
                self.session_placements.clear();
            } else {
                break;
            }
        }
    }

    fn evict(&mut self) {
        while self.offers.len() > MAX_OFFERS {
            let Some(k) = self.least_recent() else {
                break;
            };
            self.offers.remove(&k);
        }
    }

    /// The least recently touched offer (by time, then id).
    fn least_recent(&self) -> Option<String> {
        lowest(self.offers.iter(), |h| h.touched)
    }
}

/// The key whose value has the lowest `by`, the first in key order among equals: the lowest
/// by (`by`, key), since maps iterate in key order.
fn lowest<'m, V: 'm, K: Ord + Copy>(
    entries: impl Iterator<Item = (&'m String, &'m V)>,
    by: impl Fn(&V) -> K,
) -> Option<String> {
    let mut low: Option<(&String, K)> = None;
    for (k, v) in entries {
        let b = by(v);
        if low.is_none_or(|(_, l)| b < l) {
            low = Some((k, b));
        }
    }
    low.map(|(k, _)| k.clone())
}

/// `s` itself when short enough, else a stable digest of it (`#` and 16 hex digits).
fn bounded(s: &str, max: usize) -> String {
    if s.len() <= max {
        s.to_owned()
    } else {
        format!("#{:016x}", codec::fnv1a64(s.as_bytes()))
    }
}

fn count_since(times: impl Iterator<Item = i64>, now: i64, window: i64) -> u32 {
    let n = times
        .filter(|t| *t <= now && now.saturating_sub(*t) < window)
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

crate::object_only!(Event, OfferHistory, Ledger,);

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(l: &mut Ledger, offer: &str, t: i64, session: &str) {
        l.record(
            &Event::new(EventKind::Shown, offer, "cart", Some(session)),
            t,
        );
    }

    #[test]
    fn counts_by_session_day_and_week() {
        let mut l = Ledger::default();
        shown(&mut l, "a", 1_000, "s1");
        shown(&mut l, "a", 4_000, "s1");
        assert_eq!(l.shown_in_session("a", Some("s1")), 2);
        assert_eq!(l.shown_in_session("a", Some("s2")), 0);
        shown(&mut l, "a", 90_000, "s2");
        assert_eq!(l.shown_in_session("a", Some("s2")), 1);
        // 4_000 is 86_000 s before 90_000 (inside 24 h); 1_000 is 89_000 s before (outside).
        assert_eq!(l.shown_since("a", 90_000, 86_400), 2);
        assert_eq!(l.shown_since("a", 90_000, 7 * 86_400), 3);
        assert_eq!(l.log_since(Some("cart"), 90_000, 7 * 86_400), 3);
        assert_eq!(l.log_since(Some("product"), 90_000, 7 * 86_400), 0);
    }

    #[test]
    fn stays_bounded() {
        let mut l = Ledger::default();
        for i in 0..500 {
            shown(&mut l, &format!("offer-{i}"), 1_000 + i, "s");
            shown(&mut l, "hot", 1_000 + i, "s");
        }
        assert!(l.offers.len() <= MAX_OFFERS);
        assert!(l.log.len() <= MAX_LOG);
        assert!(l
            .offer("hot")
            .is_some_and(|h| h.shown.len() <= MAX_SHOWN_PER_OFFER));
    }

    #[test]
    fn high_water_never_lowers() {
        let mut l = Ledger::default();
        l.raise_high_water("p", 5);
        l.raise_high_water("p", 3);
        assert_eq!(l.high_water("p"), 5);
        for i in 0..20 {
            l.raise_high_water(&format!("p{i}"), 1);
        }
        assert!(l.high_water.len() <= MAX_PACKS);
        assert_eq!(l.high_water("p"), 5, "the highest mark is kept longest");
    }

    #[test]
    fn dismiss_accept_and_purchase() {
        let mut l = Ledger::default();
        l.record(&Event::new(EventKind::Dismissed, "a", "cart", None), 50);
        l.record(&Event::new(EventKind::Accepted, "b", "cart", None), 60);
        l.record(
            &Event {
                kind: Some(EventKind::Purchased),
                skus: vec!["X".into()],
                ..Event::default()
            },
            70,
        );
        assert_eq!(l.offer("a").and_then(|h| h.dismissed_at), Some(50));
        assert_eq!(l.offer("b").map(|h| h.accepted), Some(1));
        assert_eq!(l.purchase, Some((70, vec!["X".to_owned()])));
    }
}
