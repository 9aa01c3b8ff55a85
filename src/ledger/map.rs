//! A small map from strings, kept as a vector sorted by key: the ledger's and the signals' maps.
//!
//! These maps hold a few to a few dozen entries. A sorted vector finds a key by binary search,
//! iterates in key order like a `BTreeMap` (so the ledger's text is the same), and costs a few
//! hundred bytes of wasm where `BTreeMap`'s insert, remove and drop were about 10 KB.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// Entries sorted by key, each key once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Map<V>(Vec<(String, V)>);

impl<V> Default for Map<V> {
    fn default() -> Self {
        Map(Vec::new())
    }
}

impl<V> Map<V> {
    pub fn new() -> Self {
        Map(Vec::new())
    }

    /// Where `key` is, or where it would go.
    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        let i = self.find(key).ok()?;
        self.0.get(i).map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        let i = self.find(key).ok()?;
        self.0.get_mut(i).map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value`; returns the value it replaced.
    pub fn insert(&mut self, key: String, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => self
                .0
                .get_mut(i)
                .map(|e| std::mem::replace(&mut e.1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    /// From entries in any order, each key at most once: sorted once rather than inserted one
    /// by one (which is quadratic, and a host or a request may send a long map). A repeated key
    /// is the error.
    pub fn from_unique(entries: Vec<(String, V)>) -> Result<Self, String> {
        let order = key_order(&entries.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>());
        let mut slots: Vec<Option<(String, V)>> = entries.into_iter().map(Some).collect();
        let mut out: Vec<(String, V)> = Vec::with_capacity(slots.len());
        for i in order {
            let Some(e) = slots.get_mut(i).and_then(Option::take) else {
                continue;
            };
            if out.last().is_some_and(|(k, _)| *k == e.0) {
                return Err(e.0);
            }
            out.push(e);
        }
        Ok(Map(out))
    }

    /// The value of `key`, inserted from `make` first if there is none (`entry().or_insert_with`).
    pub fn get_or_insert_with(&mut self, key: &str, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.find(key) {
            Ok(i) => i,
            Err(i) => {
                self.0.insert(i, (key.to_owned(), make()));
                i
            }
        };
        &mut self.0[i].1
    }

    pub fn remove(&mut self, key: &str) -> Option<V> {
        let i = self.find(key).ok()?;
        Some(self.0.remove(i).1)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// Entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.0.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.0.iter_mut().map(|(_, v)| v)
    }
}

/// The positions of `keys` in ascending key order: a heapsort over indices, O(n log n) with no
/// recursion, and one small function in the wasm whatever the map's value type (the standard
/// library's sorts are about 2.5 KB of code per element type).
fn key_order(keys: &[&str]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..keys.len()).collect();
    // The key at heap position `i` (positions are always in range: `get` only keeps the
    // no-panic rule).
    let key = |idx: &[usize], i: usize| {
        idx.get(i)
            .and_then(|&k| keys.get(k))
            .copied()
            .unwrap_or_default()
    };
    // Moves the entry at `root` down the max-heap held in idx[..end].
    let sift = |idx: &mut [usize], mut root: usize, end: usize| loop {
        let mut child = 2 * root + 1;
        if child >= end {
            break;
        }
        if child + 1 < end && key(idx, child) < key(idx, child + 1) {
            child += 1;
        }
        if key(idx, root) >= key(idx, child) {
            break;
        }
        idx.swap(root, child);
        root = child;
    };
    let n = idx.len();
    for root in (0..n / 2).rev() {
        sift(&mut idx, root, n);
    }
    for end in (1..n).rev() {
        idx.swap(0, end);
        sift(&mut idx, 0, end);
    }
    idx
}

impl<'a, V> IntoIterator for &'a Map<V> {
    type Item = (&'a String, &'a V);
    type IntoIter =
        std::iter::Map<std::slice::Iter<'a, (String, V)>, fn(&'a (String, V)) -> Self::Item>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl<V> IntoIterator for Map<V> {
    type Item = (String, V);
    type IntoIter = std::vec::IntoIter<(String, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// Like a `BTreeMap`'s: a key given twice keeps its last value.
impl<V> FromIterator<(String, V)> for Map<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(iter: I) -> Self {
        let mut m = Map::new();
        for (k, v) in iter {
            m.insert(k, v);
        }
        m
    }
}

/// A JSON object, in key order (as a `BTreeMap`'s).
impl<V: Serialize> Serialize for Map<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// From a JSON object (as a `BTreeMap`'s: a repeated key keeps its last value).
impl<'de, V: Deserialize<'de>> Deserialize<'de> for Map<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V2<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for V2<V> {
            type Value = Map<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Map<V>, A::Error> {
                let mut out = Map::new();
                while let Some((k, v)) = map.next_entry::<String, V>()? {
                    out.insert(k, v);
                }
                Ok(out)
            }
        }
        d.deserialize_map(V2(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn behaves_like_a_btree_map() {
        let ops: Vec<(&str, Option<u32>)> = vec![
            ("b", Some(1)),
            ("a", Some(2)),
            ("c", Some(3)),
            ("b", Some(4)),
            ("a", None),
            ("", Some(5)),
            ("é", Some(6)),
            ("Z", Some(7)),
            ("zz", None),
            ("c", None),
        ];
        let (mut m, mut b) = (Map::new(), BTreeMap::new());
        for (k, op) in ops {
            match op {
                Some(v) => assert_eq!(m.insert(k.to_owned(), v), b.insert(k.to_owned(), v)),
                None => assert_eq!(m.remove(k), b.remove(k)),
            }
            assert!(m.iter().eq(b.iter()));
            assert_eq!(m.len(), b.len());
            assert_eq!(m.get(k), b.get(k));
        }
        *m.get_or_insert_with("y", || 0) += 1;
        *m.get_or_insert_with("y", || 0) += 1;
        assert_eq!(m.get("y"), Some(&2));
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            r#"{"":5,"Z":7,"b":4,"y":2,"é":6}"#
        );
        for n in [0usize, 1, 2, 3, 7, 64, 200] {
            // Every key once, in a scrambled order (37 is prime to each n here).
            let entries: Vec<(String, usize)> = (0..n)
                .map(|i| (format!("k{:03}", (i * 37 + 11) % n), i))
                .collect();
            let m = Map::from_unique(entries.clone()).unwrap();
            let b: BTreeMap<String, usize> = entries.into_iter().collect();
            assert!(m.iter().eq(b.iter()), "n = {n}");
        }
        let dup = vec![
            ("b".to_owned(), 1),
            ("a".to_owned(), 2),
            ("b".to_owned(), 3),
        ];
        assert_eq!(Map::from_unique(dup), Err("b".to_owned()));
        let back: Map<u32> = serde_json::from_str(r#"{"b":1,"a":2,"b":3}"#).unwrap();
        assert!(back.iter().eq([("a".to_owned(), 2), ("b".to_owned(), 3)]
            .iter()
            .map(|(k, v)| (k, v))));
    }
}
