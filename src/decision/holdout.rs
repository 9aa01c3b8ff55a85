//! Holdout and arm assignment: a documented hash of the experiment id and the unit, so the
//! browser, the edge and any re-computation (the report, a warehouse) agree without sharing
//! state.
//!
//! `h = fmix64(fnv1a64(experiment_id ‖ 0x1F ‖ unit_key))` (FNV-1a 64 over the UTF-8 bytes,
//! then MurmurHash3's 64-bit finalizer). The unit is held out when `h % 10000 < holdout × 100`;
//! otherwise its arm is the one whose cumulative weight first exceeds
//! `(h / 10000) % total_weight`, in the pack's arm order. The unit key is the visitor id (else
//! the session id) for `unit: "visitor"`, and `visitor|placement|product|day` for
//! `unit: "opportunity"`, `day` being the UTC day number (Unix seconds / 86400, floored) and
//! `product` the page product's sku or empty. docs/pack-format.md#experiments has the same.

use crate::pack::experiment::{Arm, Experiment, HOLDOUT_ARM};
use crate::pack::Unit;
use crate::signals::Signals;

/// Buckets the holdout percentage is taken from.
pub const BUCKETS: u64 = 10_000;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a, 64 bits.
fn fnv1a(h: u64, bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(h, |h, &b| (h ^ u64::from(b)).wrapping_mul(FNV_PRIME))
}

/// MurmurHash3's 64-bit finalizer: spreads FNV's weak low bits over the whole word.
fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}

/// The assignment hash of a unit in an experiment.
pub fn unit_hash(experiment: &str, key: &str) -> u64 {
    let h = fnv1a(FNV_OFFSET, experiment.as_bytes());
    let h = fnv1a(h, &[0x1f]);
    fmix64(fnv1a(h, key.as_bytes()))
}

/// The unit key for this decision, or `None` when the host gave no visitor or session id (the
/// decision is then not in the experiment: one shared key would put every such shopper in the
/// same bucket).
pub fn unit_key(e: &Experiment, signals: &Signals, now: i64) -> Option<String> {
    let who = signals
        .session
        .visitor
        .as_deref()
        .or(signals.session.id.as_deref())
        .filter(|s| !s.is_empty())?;
    Some(match e.unit {
        Unit::Visitor => who.to_owned(),
        Unit::Opportunity => {
            let product = signals.page.product.as_deref().unwrap_or("");
            let day = now.div_euclid(86_400);
            let mut k =
                String::with_capacity(who.len() + signals.placement.len() + product.len() + 24);
            for part in [who, "|", &signals.placement, "|", product, "|"] {
                k.push_str(part);
            }
            k.push_str(&day.to_string());
            k
        }
    })
}

/// Where a unit falls: `None` for the holdout, else its arm.
pub fn assign<'e>(e: &'e Experiment, key: &str) -> Option<&'e Arm> {
    let h = unit_hash(&e.id, key);
    if h % BUCKETS < u64::from(e.holdout) * (BUCKETS / 100) {
        return None;
    }
    let total = e.total_weight().max(1);
    let mut at = (h / BUCKETS) % total;
    for arm in &e.arms {
        let w = u64::from(arm.weight);
        if at < w {
            return Some(arm);
        }
        at -= w;
    }
    e.arms.last()
}

/// The arm's name as reported: its id, or `holdout`.
pub fn arm_name(arm: Option<&Arm>) -> &str {
    arm.map_or(HOLDOUT_ARM, |a| a.id.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::experiment::Arm;

    fn experiment(holdout: u32, weights: &[u32]) -> Experiment {
        Experiment {
            id: "exp".into(),
            unit: Unit::Visitor,
            holdout,
            placements: 1,
            arms: weights
                .iter()
                .enumerate()
                .map(|(i, &w)| Arm {
                    id: format!("a{i}"),
                    weight: w,
                    variants: Vec::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn fnv_matches_the_published_vectors() {
        // From the FNV reference (draft-eastlake-fnv): "" and "a" under FNV-1a 64.
        assert_eq!(fnv1a(FNV_OFFSET, b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a(FNV_OFFSET, b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a(FNV_OFFSET, b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn shares_follow_the_holdout_and_weights() {
        let e = experiment(10, &[1, 3]);
        let n = 100_000;
        let mut counts = [0u32; 3];
        for i in 0..n {
            let key = format!("visitor-{i}");
            match assign(&e, &key).map(|a| a.id.as_str()) {
                None => counts[0] += 1,
                Some("a0") => counts[1] += 1,
                _ => counts[2] += 1,
            }
        }
        // Expected 10%, 22.5%, 67.5%; three standard deviations at n = 100k is under 0.5%.
        let share = |c: u32| f64::from(c) / f64::from(n);
        assert!((share(counts[0]) - 0.10).abs() < 0.005, "{counts:?}");
        assert!((share(counts[1]) - 0.225).abs() < 0.007, "{counts:?}");
        assert!((share(counts[2]) - 0.675).abs() < 0.007, "{counts:?}");
    }

    #[test]
    fn assignment_is_stable_and_depends_on_the_experiment() {
        let a = experiment(50, &[1]);
        let mut b = experiment(50, &[1]);
        b.id = "other".into();
        let same = (0..1000)
            .filter(|i| {
                let k = format!("v{i}");
                assign(&a, &k).is_none() == assign(&b, &k).is_none()
            })
            .count();
        // Independent 50% splits agree about half the time, not always.
        assert!((400..600).contains(&same), "{same}");
        for i in 0..100 {
            let k = format!("v{i}");
            assert_eq!(assign(&a, &k).is_none(), assign(&a, &k).is_none());
        }
    }

    #[test]
    fn zero_holdout_holds_no_one_out() {
        let e = experiment(0, &[1]);
        assert!((0..10_000).all(|i| assign(&e, &format!("v{i}")).is_some()));
    }
}
