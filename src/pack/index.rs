//! The candidate index built at load: placement × (any | sku | category | tag) → offers, so a
//! decision looks only at offers that could fit this placement and these products.

use super::hash::FastMap;
use super::{Offer, Pack, Product};

#[derive(Debug, Clone, Default)]
pub struct CandidateIndex {
    per_placement: Vec<PlacementIndex>,
}

#[derive(Debug, Clone, Default)]
struct PlacementIndex {
    any: Vec<u32>,
    /// By sku (not product index: one map type for the three keys, wasm size).
    by_sku: FastMap<String, Vec<u32>>,
    by_category: FastMap<String, Vec<u32>>,
    by_tag: FastMap<String, Vec<u32>>,
}

/// Where an offer is filed: it can only fit products matching one of these keys.
enum Keys<'a> {
    Any,
    Sku(u32),
    Selector(&'a super::Selector),
}

fn keys_of<'a>(pack_compat: &'a [Option<super::Compat>], offer: &Offer) -> Keys<'a> {
    if let Some(a) = offer.bundle.as_ref().and_then(|b| b.anchor) {
        return Keys::Sku(a);
    }
    // Every sold item must fit, so any one item's `requires` is a necessary condition.
    for s in &offer.sells {
        if let Some(req) = pack_compat
            .get(*s as usize)
            .and_then(Option::as_ref)
            .and_then(|c| c.requires.as_ref())
            .filter(|r| !r.is_empty())
        {
            return Keys::Selector(req);
        }
    }
    Keys::Any
}

/// Files `oi` under `key`, copying the key only the first time it is seen.
pub(super) fn push_keyed(map: &mut FastMap<String, Vec<u32>>, key: &str, oi: u32) {
    match map.get_mut(key) {
        Some(v) => v.push(oi),
        None => {
            map.insert(key.to_owned(), vec![oi]);
        }
    }
}

impl CandidateIndex {
    pub fn build(
        offers: &[Offer],
        products: &[Product],
        compat: &[Option<super::Compat>],
        placements: usize,
    ) -> Self {
        let sku = |i: &u32| products.get(*i as usize).map_or("", |p| p.sku.as_str());
        let mut per_placement = vec![PlacementIndex::default(); placements];
        for (oi, offer) in offers.iter().enumerate() {
            let oi = u32::try_from(oi).unwrap_or(u32::MAX);
            let keys = keys_of(compat, offer);
            for (pi, idx) in per_placement.iter_mut().enumerate() {
                if offer.placements & (1u64 << pi) == 0 {
                    continue;
                }
                match &keys {
                    Keys::Any => idx.any.push(oi),
                    Keys::Sku(s) => push_keyed(&mut idx.by_sku, sku(s), oi),
                    Keys::Selector(sel) => {
                        for s in &sel.skus {
                            push_keyed(&mut idx.by_sku, sku(s), oi);
                        }
                        for c in &sel.categories {
                            push_keyed(&mut idx.by_category, c, oi);
                        }
                        for t in &sel.tags {
                            push_keyed(&mut idx.by_tag, t, oi);
                        }
                    }
                }
            }
        }
        CandidateIndex { per_placement }
    }

    /// Appends the offers that could apply at `placement` for these chosen products, sorted and
    /// without duplicates.
    pub fn candidates(&self, pack: &Pack, placement: usize, anchors: &[u32], out: &mut Vec<u32>) {
        let Some(idx) = self.per_placement.get(placement) else {
            return;
        };
        let start = out.len();
        out.extend_from_slice(&idx.any);
        for &a in anchors {
            let Some(p): Option<&Product> = pack.products.get(a as usize) else {
                continue;
            };
            if let Some(v) = idx.by_sku.get(&p.sku) {
                out.extend_from_slice(v);
            }
            if let Some(v) = idx.by_category.get(&p.category) {
                out.extend_from_slice(v);
            }
            for t in &p.tags {
                if let Some(v) = idx.by_tag.get(t) {
                    out.extend_from_slice(v);
                }
            }
        }
        sort_and_dedup(out, start);
    }
}

/// Sorts `out[start..]` and drops its repeats, through a bitset over the range of the values:
/// no sort in the wasm (an instantiation of the standard library's is about 4 KB), and linear
/// time in the candidates plus one bit per offer index in their range.
fn sort_and_dedup(out: &mut Vec<u32>, start: usize) {
    let Some(appended) = out.get(start..).filter(|a| a.len() > 1) else {
        return;
    };
    let lo = appended.iter().copied().min().unwrap_or(0);
    let hi = appended.iter().copied().max().unwrap_or(0);
    let words = ((hi - lo) / 64) as usize + 1;
    // On the stack for a range of up to 512 offers (a decision allocates nothing more).
    let (mut small, mut large) = ([0u64; 8], Vec::new());
    let bits: &mut [u64] = match small.get_mut(..words) {
        Some(bits) => bits,
        None => {
            large.resize(words, 0);
            &mut large
        }
    };
    for &x in appended {
        if let Some(word) = bits.get_mut(((x - lo) / 64) as usize) {
            *word |= 1 << ((x - lo) % 64);
        }
    }
    out.truncate(start);
    for (w, &word) in bits.iter().enumerate() {
        let mut word = word;
        while word != 0 {
            out.push(lo + 64 * w as u32 + word.trailing_zeros());
            word &= word - 1;
        }
    }
}
