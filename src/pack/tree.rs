//! A strict JSON value stored flat: one `Vec` of nodes in document order and one `String` of text.
//!
//! Offers' `when` conditions are read into a [`JsonTree`] rather than a `serde_json::Value`: two
//! allocations per condition instead of one per string, array and object entry, and a drop that
//! frees two buffers instead of walking a tree. Objects refuse duplicate keys while they are read,
//! with the same error (and position) as [`crate::pack::strict::StrictValue`]. Nesting is bounded
//! by the deserializer (serde_json's recursion limit) exactly as it is for `StrictValue`.
//!
//! Semantics follow `serde_json::Value` without `preserve_order`: equality ignores object key
//! order, and serializing or displaying an object writes its keys sorted.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::Deserialize;
use serde_json::{Number, Value};
use std::fmt;

/// A JSON value whose objects had no duplicate keys, stored flat. Read it through [`Self::root`].
#[derive(Clone)]
pub struct JsonTree {
    nodes: Vec<Slot>,
    text: String,
}

/// One node. Containers are followed by their children (an object's as key, value, key, value…);
/// `end` is the index just past the container's last descendant.
#[derive(Debug, Clone, PartialEq)]
enum Slot {
    Null,
    Bool(bool),
    Number(Number),
    /// A string value: `text[start..end]`.
    Str(u32, u32),
    /// An object key: `text[start..end]`.
    Key(u32, u32),
    Array {
        len: u32,
        end: u32,
    },
    Object {
        len: u32,
        end: u32,
    },
}

/// A JSON value inside a [`JsonTree`].
#[derive(Clone, Copy)]
pub struct Node<'a> {
    tree: &'a JsonTree,
    at: usize,
}

/// What a [`Node`] is, with its contents.
#[derive(Clone, Copy)]
pub enum Kind<'a> {
    Null,
    Bool(bool),
    Number(&'a Number),
    Str(&'a str),
    Array(Array<'a>),
    Object(Object<'a>),
}

/// A JSON array inside a [`JsonTree`].
#[derive(Clone, Copy)]
pub struct Array<'a> {
    tree: &'a JsonTree,
    at: usize,
    len: usize,
}

/// A JSON object inside a [`JsonTree`], its members in document order.
#[derive(Clone, Copy)]
pub struct Object<'a> {
    tree: &'a JsonTree,
    at: usize,
    len: usize,
}

impl JsonTree {
    /// The top-level value.
    pub fn root(&self) -> Node<'_> {
        Node { tree: self, at: 0 }
    }

    /// Every string value in the tree (not object keys), in document order.
    pub fn strings(&self) -> impl Iterator<Item = &str> + '_ {
        self.nodes.iter().filter_map(|s| match s {
            Slot::Str(a, b) => self.text.get(*a as usize..*b as usize),
            _ => None,
        })
    }

    /// Index just past node `at` and its descendants.
    fn skip(&self, at: usize) -> usize {
        match self.nodes.get(at) {
            Some(Slot::Array { end, .. } | Slot::Object { end, .. }) => *end as usize,
            _ => at + 1,
        }
    }

    fn span(&self, a: u32, b: u32) -> &str {
        self.text.get(a as usize..b as usize).unwrap_or("")
    }

    /// Appends `s` to the text, returning its span.
    fn push_text<E: de::Error>(&mut self, s: &str) -> Result<(u32, u32), E> {
        let start = offset(self.text.len())?;
        self.text.push_str(s);
        Ok((start, offset(self.text.len())?))
    }

    /// Appends a container placeholder; [`Self::close`] fills it in.
    fn open(&mut self, slot: Slot) -> usize {
        self.nodes.push(slot);
        self.nodes.len() - 1
    }

    fn close<E: de::Error>(&mut self, at: usize, n: usize) -> Result<(), E> {
        let end = offset(self.nodes.len())?;
        let n = offset(n)?;
        if let Some(Slot::Array { len, end: e } | Slot::Object { len, end: e }) =
            self.nodes.get_mut(at)
        {
            *len = n;
            *e = end;
        }
        Ok(())
    }

    /// Whether the object opened at `at` already has the key at `key` (the newest slot).
    fn has_key_before(&self, at: usize, key: usize) -> bool {
        let Some(Slot::Key(ka, kb)) = self.nodes.get(key) else {
            return false;
        };
        let new = self.span(*ka, *kb);
        let mut i = at + 1;
        while i < key {
            if let Some(Slot::Key(a, b)) = self.nodes.get(i) {
                if self.span(*a, *b) == new {
                    return true;
                }
            }
            i = self.skip(i + 1);
        }
        false
    }

    /// Builds a tree from a `serde_json::Value` (whose objects cannot hold duplicate keys).
    /// Iterative, so any value that exists can be converted.
    pub fn from_value(v: &Value) -> JsonTree {
        enum Step<'v> {
            Value(&'v Value),
            Key(&'v str),
            Close(usize, usize),
        }
        let mut t = JsonTree {
            nodes: Vec::new(),
            text: String::new(),
        };
        let mut stack = vec![Step::Value(v)];
        while let Some(step) = stack.pop() {
            // Spans and counts past u32::MAX are cut to it; no such value fits in a pack.
            let text = |t: &mut JsonTree, s: &str| {
                t.push_text::<de::value::Error>(s)
                    .unwrap_or((u32::MAX, u32::MAX))
            };
            match step {
                Step::Key(k) => {
                    let (a, b) = text(&mut t, k);
                    t.nodes.push(Slot::Key(a, b));
                }
                Step::Close(at, n) => {
                    let end = u32::try_from(t.nodes.len()).unwrap_or(u32::MAX);
                    let n = u32::try_from(n).unwrap_or(u32::MAX);
                    if let Some(Slot::Array { len, end: e } | Slot::Object { len, end: e }) =
                        t.nodes.get_mut(at)
                    {
                        *len = n;
                        *e = end;
                    }
                }
                Step::Value(v) => match v {
                    Value::Null => t.nodes.push(Slot::Null),
                    Value::Bool(b) => t.nodes.push(Slot::Bool(*b)),
                    Value::Number(n) => t.nodes.push(Slot::Number(n.clone())),
                    Value::String(s) => {
                        let (a, b) = text(&mut t, s);
                        t.nodes.push(Slot::Str(a, b));
                    }
                    Value::Array(items) => {
                        let at = t.open(Slot::Array { len: 0, end: 0 });
                        stack.push(Step::Close(at, items.len()));
                        stack.extend(items.iter().rev().map(Step::Value));
                    }
                    Value::Object(m) => {
                        let at = t.open(Slot::Object { len: 0, end: 0 });
                        stack.push(Step::Close(at, m.len()));
                        for (k, v) in m.iter().rev() {
                            stack.push(Step::Value(v));
                            stack.push(Step::Key(k));
                        }
                    }
                },
            }
        }
        t
    }

    /// The tree as a `serde_json::Value`.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

fn offset<E: de::Error>(n: usize) -> Result<u32, E> {
    u32::try_from(n).map_err(|_| E::custom("condition too large"))
}

impl<'a> Node<'a> {
    fn slot(self) -> Option<&'a Slot> {
        self.tree.nodes.get(self.at)
    }

    /// What this value is.
    pub fn kind(self) -> Kind<'a> {
        let t = self.tree;
        match self.slot() {
            None | Some(Slot::Null) => Kind::Null,
            Some(Slot::Bool(b)) => Kind::Bool(*b),
            Some(Slot::Number(n)) => Kind::Number(n),
            Some(Slot::Str(a, b) | Slot::Key(a, b)) => Kind::Str(t.span(*a, *b)),
            Some(Slot::Array { len, .. }) => Kind::Array(Array {
                tree: t,
                at: self.at,
                len: *len as usize,
            }),
            Some(Slot::Object { len, .. }) => Kind::Object(Object {
                tree: t,
                at: self.at,
                len: *len as usize,
            }),
        }
    }

    pub fn as_str(self) -> Option<&'a str> {
        match self.kind() {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(self) -> Option<bool> {
        match self.slot() {
            Some(Slot::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    /// The number as an f64, as `serde_json::Value::as_f64`.
    pub fn as_f64(self) -> Option<f64> {
        match self.slot() {
            Some(Slot::Number(n)) => n.as_f64(),
            _ => None,
        }
    }

    pub fn as_array(self) -> Option<Array<'a>> {
        match self.kind() {
            Kind::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_object(self) -> Option<Object<'a>> {
        match self.kind() {
            Kind::Object(o) => Some(o),
            _ => None,
        }
    }
}

impl<'a> Array<'a> {
    pub fn len(self) -> usize {
        self.len
    }

    pub fn is_empty(self) -> bool {
        self.len == 0
    }

    /// The items in order.
    pub fn iter(self) -> impl Iterator<Item = Node<'a>> {
        let tree = self.tree;
        let mut next = self.at + 1;
        (0..self.len).map(move |_| {
            let at = next;
            next = tree.skip(at);
            Node { tree, at }
        })
    }
}

impl<'a> Object<'a> {
    pub fn len(self) -> usize {
        self.len
    }

    pub fn is_empty(self) -> bool {
        self.len == 0
    }

    /// The members in document order.
    pub fn iter(self) -> impl Iterator<Item = (&'a str, Node<'a>)> {
        let tree = self.tree;
        let mut next = self.at + 1;
        (0..self.len).map(move |_| {
            let key = match tree.nodes.get(next) {
                Some(Slot::Key(a, b)) => tree.span(*a, *b),
                _ => "",
            };
            let at = next + 1;
            next = tree.skip(at);
            (key, Node { tree, at })
        })
    }

    /// The members sorted by key, as `serde_json::Map` (without `preserve_order`) holds them.
    pub fn sorted(self) -> Vec<(&'a str, Node<'a>)> {
        let mut v: Vec<_> = self.iter().collect();
        v.sort_by(|a, b| a.0.cmp(b.0));
        v
    }

    pub fn get(self, key: &str) -> Option<Node<'a>> {
        self.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }
}

impl PartialEq for Node<'_> {
    /// JSON equality, as `serde_json::Value`'s: object key order does not matter.
    fn eq(&self, other: &Self) -> bool {
        match (self.kind(), other.kind()) {
            (Kind::Null, Kind::Null) => true,
            (Kind::Bool(a), Kind::Bool(b)) => a == b,
            (Kind::Number(a), Kind::Number(b)) => a == b,
            (Kind::Str(a), Kind::Str(b)) => a == b,
            (Kind::Array(a), Kind::Array(b)) => {
                a.len == b.len && a.iter().zip(b.iter()).all(|(x, y)| x == y)
            }
            (Kind::Object(a), Kind::Object(b)) => {
                a.len == b.len && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| v == w))
            }
            _ => false,
        }
    }
}

impl PartialEq for JsonTree {
    fn eq(&self, other: &Self) -> bool {
        self.root() == other.root()
    }
}

impl serde::Serialize for Node<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.kind() {
            Kind::Null => s.serialize_unit(),
            Kind::Bool(b) => s.serialize_bool(b),
            Kind::Number(n) => n.serialize(s),
            Kind::Str(v) => s.serialize_str(v),
            Kind::Array(a) => {
                let mut seq = s.serialize_seq(Some(a.len))?;
                for item in a.iter() {
                    seq.serialize_element(&item)?;
                }
                seq.end()
            }
            Kind::Object(o) => {
                let mut map = s.serialize_map(Some(o.len))?;
                for (k, v) in o.sorted() {
                    map.serialize_entry(k, &v)?;
                }
                map.end()
            }
        }
    }
}

impl serde::Serialize for JsonTree {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.root().serialize(s)
    }
}

impl fmt::Display for Node<'_> {
    /// Compact JSON, as `serde_json::Value`'s `Display`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind() {
            Kind::Null => f.write_str("null"),
            Kind::Bool(b) => write!(f, "{b}"),
            Kind::Number(n) => write!(f, "{n}"),
            Kind::Str(s) => {
                let quoted = serde_json::to_string(s).map_err(|_| fmt::Error)?;
                f.write_str(&quoted)
            }
            Kind::Array(a) => {
                f.write_str("[")?;
                for (i, item) in a.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Kind::Object(o) => {
                f.write_str("{")?;
                for (i, (k, v)) in o.sorted().into_iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    let quoted = serde_json::to_string(k).map_err(|_| fmt::Error)?;
                    write!(f, "{quoted}:{v}")?;
                }
                f.write_str("}")
            }
        }
    }
}

impl fmt::Display for JsonTree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.root().fmt(f)
    }
}

impl fmt::Debug for JsonTree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JsonTree({self})")
    }
}

/// Largest scratch buffer (in nodes, or bytes of text) kept for the next tree.
const SCRATCH_KEEP: usize = 4096;

thread_local! {
    /// Buffers a tree is built in before it is copied out at its exact size: one allocation for
    /// the nodes and one for the text per tree, rather than one per doubling of each.
    static SCRATCH: std::cell::Cell<Option<JsonTree>> = const { std::cell::Cell::new(None) };
}

impl<'de> Deserialize<'de> for JsonTree {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Taken, not borrowed: were a tree ever read while another is (it is not), the inner
        // one would simply start from empty buffers.
        let mut t = SCRATCH.take().unwrap_or_else(|| JsonTree {
            nodes: Vec::with_capacity(64),
            text: String::with_capacity(256),
        });
        t.nodes.clear();
        t.text.clear();
        let built = Build(&mut t).deserialize(d).map(|()| JsonTree {
            nodes: t.nodes.as_slice().into(),
            text: t.text.as_str().into(),
        });
        // Keep modest buffers only: one huge value should not pin its memory for good.
        if t.nodes.capacity() <= SCRATCH_KEEP && t.text.capacity() <= SCRATCH_KEEP {
            SCRATCH.set(Some(t));
        }
        built
    }
}

/// Appends one value (and its descendants) to the tree.
struct Build<'t>(&'t mut JsonTree);

impl<'de> DeserializeSeed<'de> for Build<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Build<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.0.nodes.push(Slot::Bool(v));
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.0.nodes.push(Slot::Number(Number::from(v)));
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.0.nodes.push(Slot::Number(Number::from(v)));
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        let n = Number::from_f64(v).ok_or_else(|| E::custom("number is not finite"))?;
        self.0.nodes.push(Slot::Number(n));
        Ok(())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        let (a, b) = self.0.push_text(v)?;
        self.0.nodes.push(Slot::Str(a, b));
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.0.nodes.push(Slot::Null);
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.0.nodes.push(Slot::Null);
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let t = self.0;
        let at = t.open(Slot::Array { len: 0, end: 0 });
        let mut n = 0;
        while seq.next_element_seed(Build(t))?.is_some() {
            n += 1;
        }
        t.close(at, n)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let t = self.0;
        let at = t.open(Slot::Object { len: 0, end: 0 });
        let mut n = 0;
        while map.next_key_seed(KeySeed(t))?.is_some() {
            let key = t.nodes.len() - 1;
            if t.has_key_before(at, key) {
                let dup = match t.nodes.get(key) {
                    Some(Slot::Key(a, b)) => t.span(*a, *b),
                    _ => "",
                };
                return Err(de::Error::custom(format_args!("duplicate key `{dup}`")));
            }
            map.next_value_seed(Build(t))?;
            n += 1;
        }
        t.close(at, n)
    }
}

/// Appends an object key.
struct KeySeed<'t>(&'t mut JsonTree);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        let (a, b) = self.0.push_text(v)?;
        self.0.nodes.push(Slot::Key(a, b));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::strict::StrictValue;

    fn both(json: &str) -> (Result<JsonTree, String>, Result<StrictValue, String>) {
        (
            serde_json::from_str::<JsonTree>(json).map_err(|e| e.to_string()),
            serde_json::from_str::<StrictValue>(json).map_err(|e| e.to_string()),
        )
    }

    #[test]
    fn reads_and_writes_like_a_strict_value() {
        for json in [
            r#"{"all":[{"path":"cart.value","gte":50000},{"not":{"cart_has":{"sku":"A"}}}]}"#,
            r#"{"z":1,"a":[1,-2,1.5,1e300,"x\n\"y",true,false,null,{}],"m":{"b":[],"a":{}}}"#,
            r#"[[[[]]],{"k":[{"k":{"k":"v"}}]}]"#,
            r#""just a string""#,
            "18446744073709551615",
            "-9223372036854775808",
            "null",
        ] {
            let (tree, strict) = both(json);
            let (tree, strict) = (tree.unwrap(), strict.unwrap().0);
            assert_eq!(tree.to_string(), strict.to_string(), "{json}");
            assert_eq!(tree.to_value(), strict, "{json}");
            assert_eq!(JsonTree::from_value(&strict), tree, "{json}");
            assert_eq!(
                serde_json::to_string(&tree).unwrap(),
                serde_json::to_string(&strict).unwrap()
            );
        }
    }

    #[test]
    fn refuses_what_a_strict_value_refuses_with_the_same_error() {
        let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        for json in [
            r#"{"a":{"b":1,"b":2}}"#,
            r#"{"a":1,"c":[{"b":2}],"a":{"x" 3}}"#,
            r#"{"a":1,"a":2}"#,
            r#"{"a":[1,2"#,
            r#"{"a":1e999}"#,
            deep.as_str(),
        ] {
            let (tree, strict) = both(json);
            assert_eq!(tree.err(), strict.err(), "{json}");
        }
    }

    #[test]
    fn equality_ignores_key_order_and_strings_lists_values() {
        let a: JsonTree = serde_json::from_str(r#"{"a":1,"b":["x",{"c":"y"}]}"#).unwrap();
        let b: JsonTree = serde_json::from_str(r#"{"b":["x",{"c":"y"}],"a":1}"#).unwrap();
        assert_eq!(a, b);
        let c: JsonTree = serde_json::from_str(r#"{"b":["x",{"c":"z"}],"a":1}"#).unwrap();
        assert_ne!(a, c);
        assert_eq!(a.strings().collect::<Vec<_>>(), vec!["x", "y"]);
    }
}
