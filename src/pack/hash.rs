//! A small, fast hasher for the pack's own look-up tables (sku, offer id, category, tag).
//!
//! Each 8-byte word is folded in with a 64×64→128-bit multiply whose halves are xor-ed
//! together (the "folded multiply" of wyhash and foldhash), so a difference in any input bit
//! reaches every output bit; several times faster than std's SipHash on short keys. It is not
//! keyed, so it gives no protection against chosen collisions: use it only for tables whose
//! keys come from the signed pack (a look-up with a shopper's value cannot add keys, so it
//! cannot degrade the table).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` with [`FastHasher`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// Constants with well-spread bits, nothing up the sleeve: hexadecimal digits of pi (the
/// multiplier made odd).
const K0: u64 = 0x243f_6a88_85a3_08d3;
const K1: u64 = 0x1319_8a2e_0370_7345;

/// See the module docs.
#[derive(Clone, Copy)]
pub struct FastHasher {
    hash: u64,
}

impl Default for FastHasher {
    fn default() -> Self {
        FastHasher { hash: K1 }
    }
}

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        let full = u128::from(self.hash ^ word) * u128::from(K0);
        self.hash = (full as u64) ^ ((full >> 64) as u64);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            if let Some(head) = word.get_mut(..rest.len()) {
                head.copy_from_slice(rest);
            }
            self.add(u64::from_le_bytes(word));
        }
        self.add(bytes.len() as u64);
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::hash::{BuildHasher, BuildHasherDefault};

    fn hash(s: &str) -> u64 {
        BuildHasherDefault::<FastHasher>::default().hash_one(s)
    }

    #[test]
    fn similar_keys_spread_over_buckets() {
        // Keys that differ in a few characters, anywhere, spread over the low bits (the table
        // index) and the high bits (its tag) about as random values would: 4,096 keys in 4,096
        // buckets fill about 63% of them.
        for shape in [
            |i: u32| format!("SETUP-{i:05}"),
            |i: u32| format!("{i:05}-SETUP-ITEM"),
            |i: u32| format!("MAT-{i:05}"),
            |i: u32| format!("{i}"),
        ] {
            let keys: Vec<String> = (0..4096).map(shape).collect();
            let low: HashSet<u64> = keys.iter().map(|k| hash(k) & 0xfff).collect();
            let high: HashSet<u64> = keys.iter().map(|k| hash(k) >> 52).collect();
            assert!(low.len() > 2400, "{} low {}", keys[1], low.len());
            assert!(high.len() > 2400, "{} high {}", keys[1], high.len());
        }
        assert_ne!(hash("a"), hash("a\0"));
        assert_ne!(hash(""), hash("\0"));
    }

    #[test]
    fn maps_work_as_maps() {
        let mut m: FastMap<String, u32> = FastMap::default();
        for i in 0..1000u32 {
            m.insert(format!("MAT-{i:05}"), i);
        }
        assert_eq!(m.len(), 1000);
        assert_eq!(m.get("MAT-00042"), Some(&42));
        assert_eq!(m.get("MAT-01000"), None);
    }
}
