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
    /// Offers filed by sku, by product index: product `p`'s are
    /// `sku_offers[sku_start[p]..sku_start[p + 1]]` (in pack order), with no hashing to look
    /// them up and no map type of their own in the wasm. Both empty if no offer is filed by sku.
    sku_start: Vec<u32>,
    sku_offers: Vec<u32>,
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
    pub fn build(offers: &[Offer], compat: &[Option<super::Compat>], placements: usize) -> Self {
        let mut per_placement = vec![PlacementIndex::default(); placements];
        // (product, offer) pairs filed by sku, per placement, in pack order.
        let mut by_sku: Vec<Vec<(u32, u32)>> = vec![Vec::new(); placements];
        for (oi, offer) in offers.iter().enumerate() {
            let oi = u32::try_from(oi).unwrap_or(u32::MAX);
            let keys = keys_of(compat, offer);
            for (pi, (idx, skus)) in per_placement.iter_mut().zip(&mut by_sku).enumerate() {
                if offer.placements & (1u64 << pi) == 0 {
                    continue;
                }
                match &keys {
                    Keys::Any => idx.any.push(oi),
                    Keys::Sku(s) => skus.push((*s, oi)),
                    Keys::Selector(sel) => {
                        for s in &sel.skus {
                            skus.push((*s, oi));
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
        // `compat` has one entry per product.
        for (idx, skus) in per_placement.iter_mut().zip(&by_sku) {
            idx.file_by_product(skus, compat.len());
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
            out.extend_from_slice(idx.by_product(a));
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

impl PlacementIndex {
    /// Lays out (product, offer) pairs as one list per product (a counting sort: stable, so
    /// each product's offers stay in pack order).
    fn file_by_product(&mut self, pairs: &[(u32, u32)], products: usize) {
        if pairs.is_empty() {
            return;
        }
        let mut start = vec![0u32; products + 1];
        for &(p, _) in pairs {
            if let Some(n) = start.get_mut(p as usize + 1) {
                *n += 1;
            }
        }
        for i in 1..start.len() {
            let before = start.get(i - 1).copied().unwrap_or(0);
            if let Some(n) = start.get_mut(i) {
                *n += before;
            }
        }
        let mut next = start.clone();
        let mut offers = vec![0u32; pairs.len()];
        for &(p, oi) in pairs {
            if let Some(at) = next.get_mut(p as usize) {
                if let Some(slot) = offers.get_mut(*at as usize) {
                    *slot = oi;
                }
                *at += 1;
            }
        }
        self.sku_start = start;
        self.sku_offers = offers;
    }

    /// The offers filed under product `p`'s sku.
    fn by_product(&self, p: u32) -> &[u32] {
        let at = |i: usize| self.sku_start.get(i).map_or(0, |&n| n as usize);
        let p = p as usize;
        self.sku_offers.get(at(p)..at(p + 1)).unwrap_or_default()
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
