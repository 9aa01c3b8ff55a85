//! A strict JSON reader for signed input: one pass turns the text into a flat node list whose
//! strings borrow from the text; typed accessors ([`read`]) then report errors with the JSON path.
//!
//! Why not serde here: a pack is read once per page and its strings mostly end up referenced,
//! not copied, so reading the whole document flat (one allocation for the nodes, none per
//! string unless it has escapes) is several times faster than deserializing owned structs, and
//! the wasm module carries one small reader instead of a serde visitor per pack type. The JS
//! boundary still uses serde (serde-wasm-bindgen); this reader is for text: packs, envelopes,
//! ledgers.
//!
//! Strictness matches `JSON.parse` plus: nesting deeper than [`MAX_DEPTH`] is refused, numbers
//! that overflow an f64 are refused, and object keys are checked for duplicates by the readers
//! (structs, maps, conditions) rather than here, so that a hostile object with many keys costs
//! one sort, not a quadratic scan.

mod number;
pub mod read;
mod scan;
pub mod write;

pub use read::{JsonError, Path};

use std::fmt;

/// Deepest nesting of arrays and objects accepted (serde_json's recursion limit).
pub const MAX_DEPTH: usize = 128;

/// A parsed document: the text it borrows from, the flat nodes, and the decoded form of the
/// strings that had escapes.
pub struct Doc<'t> {
    text: &'t str,
    /// Strings with escapes, decoded (slots with `Tag::*Decoded` point here).
    decoded: String,
    nodes: Vec<Slot>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tag {
    Null,
    False,
    True,
    /// A number: its text is `text[a..b]`, already checked to be a finite JSON number.
    Number,
    /// A string value `text[a..b]` (no escapes).
    Str,
    /// A string value with escapes, decoded: `decoded[a..b]`.
    StrDecoded,
    /// An object key, as `Str` / `StrDecoded`.
    Key,
    KeyDecoded,
    /// A container of `a` items (an object's are key, value pairs), ending before node `b`.
    Array,
    Object,
}

/// One node. A container is followed by its children; `b` is the index just past them.
#[derive(Clone, Copy, Debug)]
struct Slot {
    tag: Tag,
    a: u32,
    b: u32,
}

/// Parses `text` as one JSON document (nothing but whitespace may follow it).
pub fn parse(text: &str) -> Result<Doc<'_>, JsonError> {
    scan::Scanner::new(text).run()
}

/// Parses bytes that must be UTF-8 JSON.
pub fn parse_bytes(bytes: &[u8]) -> Result<Doc<'_>, JsonError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse(text),
        Err(e) => {
            let at = e.valid_up_to();
            let (line, column) = scan::line_column(bytes, at);
            Err(JsonError::new(
                String::new(),
                format!("invalid UTF-8 at line {line} column {column}"),
            ))
        }
    }
}

impl<'t> Doc<'t> {
    /// The top-level value.
    pub fn root(&self) -> Node<'_> {
        Node { doc: self, at: 0 }
    }

    fn slot(&self, at: usize) -> Slot {
        self.nodes.get(at).copied().unwrap_or(Slot {
            tag: Tag::Null,
            a: 0,
            b: 0,
        })
    }

    fn span(&self, s: Slot) -> &str {
        let (a, b) = (s.a as usize, s.b as usize);
        let src = match s.tag {
            Tag::StrDecoded | Tag::KeyDecoded => self.decoded.as_str(),
            _ => self.text,
        };
        src.get(a..b).unwrap_or("")
    }

    /// Index just past node `at` and its descendants.
    fn skip(&self, at: usize) -> usize {
        let s = self.slot(at);
        match s.tag {
            Tag::Array | Tag::Object => s.b as usize,
            _ => at + 1,
        }
    }
}

/// A value inside a [`Doc`].
#[derive(Clone, Copy)]
pub struct Node<'a> {
    doc: &'a Doc<'a>,
    at: usize,
}

/// A JSON number as written (checked to be a finite number).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Number<'a>(&'a str);

/// What a [`Node`] is, with its contents.
#[derive(Clone, Copy)]
pub enum Kind<'a> {
    Null,
    Bool(bool),
    Number(Number<'a>),
    Str(&'a str),
    Array(Array<'a>),
    Object(Object<'a>),
}

/// An array inside a [`Doc`].
#[derive(Clone, Copy)]
pub struct Array<'a> {
    doc: &'a Doc<'a>,
    at: usize,
    len: usize,
}

/// An object inside a [`Doc`], its members in document order.
#[derive(Clone, Copy)]
pub struct Object<'a> {
    doc: &'a Doc<'a>,
    at: usize,
    len: usize,
}

impl<'a> Number<'a> {
    /// The number's text as it appears in the document.
    pub fn text(self) -> &'a str {
        self.0
    }

    /// Whether it is written as an integer (no fraction, no exponent).
    pub fn is_integer(self) -> bool {
        !self.0.contains(['.', 'e', 'E'])
    }

    pub fn as_f64(self) -> Option<f64> {
        number::to_f64(self.0)
    }

    /// The value if it is an integer that fits an i64.
    pub fn as_i64(self) -> Option<i64> {
        if self.is_integer() {
            self.0.parse().ok()
        } else {
            None
        }
    }

    /// The value if it is an integer that fits a u64.
    pub fn as_u64(self) -> Option<u64> {
        if self.is_integer() {
            self.0.parse().ok()
        } else {
            None
        }
    }
}

impl fmt::Display for Number<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl<'a> Node<'a> {
    /// What this value is.
    pub fn kind(self) -> Kind<'a> {
        let doc = self.doc;
        let s = doc.slot(self.at);
        match s.tag {
            Tag::Null => Kind::Null,
            Tag::False => Kind::Bool(false),
            Tag::True => Kind::Bool(true),
            Tag::Number => Kind::Number(Number(doc.span(s))),
            Tag::Str | Tag::StrDecoded | Tag::Key | Tag::KeyDecoded => Kind::Str(doc.span(s)),
            Tag::Array => Kind::Array(Array {
                doc,
                at: self.at,
                len: s.a as usize,
            }),
            Tag::Object => Kind::Object(Object {
                doc,
                at: self.at,
                len: s.a as usize,
            }),
        }
    }

    pub fn is_null(self) -> bool {
        self.doc.slot(self.at).tag == Tag::Null
    }

    pub fn as_str(self) -> Option<&'a str> {
        let s = self.doc.slot(self.at);
        match s.tag {
            Tag::Str | Tag::StrDecoded | Tag::Key | Tag::KeyDecoded => Some(self.doc.span(s)),
            _ => None,
        }
    }

    pub fn as_bool(self) -> Option<bool> {
        match self.kind() {
            Kind::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_number(self) -> Option<Number<'a>> {
        let s = self.doc.slot(self.at);
        (s.tag == Tag::Number).then(|| Number(self.doc.span(s)))
    }

    /// The number as an f64 (any JSON number).
    pub fn as_f64(self) -> Option<f64> {
        self.as_number().and_then(Number::as_f64)
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

    /// Every string value in this value (not object keys), in document order.
    pub fn strings(self) -> impl Iterator<Item = &'a str> {
        let doc = self.doc;
        (self.at..doc.skip(self.at)).filter_map(move |i| {
            let s = doc.slot(i);
            matches!(s.tag, Tag::Str | Tag::StrDecoded).then(|| doc.span(s))
        })
    }

    /// The first object key, anywhere in this value, that repeats a key of the same object,
    /// with the path (relative to this value) of the object holding it.
    pub fn duplicate_key(self) -> Option<(String, &'a str)> {
        let end = self.doc.skip(self.at);
        let mut at = self.at;
        while at < end {
            if self.doc.slot(at).tag == Tag::Object {
                let obj = Object {
                    doc: self.doc,
                    at,
                    len: self.doc.slot(at).a as usize,
                };
                if let Some(k) = obj.duplicate_key() {
                    return Some((self.path_to(at), k));
                }
            }
            at += 1;
        }
        None
    }

    /// The JSON path from this value to the node at `target` (one of its descendants).
    fn path_to(self, target: usize) -> String {
        let mut out = String::new();
        let mut node = self;
        while node.at != target {
            let next = match node.kind() {
                Kind::Array(a) => {
                    a.iter()
                        .enumerate()
                        .find(|(_, n)| n.contains(target))
                        .map(|(i, n)| {
                            out.push_str(&format!("[{i}]"));
                            n
                        })
                }
                Kind::Object(o) => o.iter().find(|(_, n)| n.contains(target)).map(|(k, n)| {
                    out.push('.');
                    out.push_str(k);
                    n
                }),
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        out
    }

    fn contains(self, target: usize) -> bool {
        (self.at..self.doc.skip(self.at)).contains(&target)
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
        let doc = self.doc;
        let mut next = self.at + 1;
        (0..self.len).map(move |_| {
            let at = next;
            next = doc.skip(at);
            Node { doc, at }
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
        let doc = self.doc;
        let mut next = self.at + 1;
        (0..self.len).map(move |_| {
            let key = doc.span(doc.slot(next));
            let at = next + 1;
            next = doc.skip(at);
            (key, Node { doc, at })
        })
    }

    /// The members sorted by key (members with equal keys in no particular order).
    pub fn sorted(self) -> Vec<(&'a str, Node<'a>)> {
        let mut v: Vec<_> = self.iter().collect();
        sort_by_key(&mut v);
        v
    }

    /// The first member named `key`.
    pub fn get(self, key: &str) -> Option<Node<'a>> {
        self.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// A key that appears twice, if any (the smallest such key).
    pub fn duplicate_key(self) -> Option<&'a str> {
        if self.len < 2 {
            return None;
        }
        // A small object (a condition, a price) is checked pairwise, without allocating; the
        // key named is the least repeated one, as the sorted search below finds.
        const SMALL: usize = 8;
        if self.len <= SMALL {
            let mut seen = [""; SMALL];
            let mut least: Option<&'a str> = None;
            for (i, (k, _)) in self.iter().enumerate() {
                if seen.get(..i).is_some_and(|s| s.contains(&k)) && least.is_none_or(|l| k < l) {
                    least = Some(k);
                }
                if let Some(slot) = seen.get_mut(i) {
                    *slot = k;
                }
            }
            return least;
        }
        // `sorted`'s sort, not a second instantiation of one for keys alone (wasm size).
        let sorted = self.sorted();
        sorted.windows(2).find(|w| w[0].0 == w[1].0).map(|w| w[0].0)
    }
}

/// Sorts members by key (see [`heapsort`]).
fn sort_by_key(v: &mut [(&str, Node<'_>)]) {
    heapsort(v, |a, b| a.0 < b.0);
}

/// Sorts `v` by `less`, not stably: a heapsort (an insertion sort up to 16 elements), O(n log n)
/// at worst like the standard library's unstable sort (so an object with many keys still costs
/// one sort), and a few hundred bytes of wasm where an instantiation of that sort is about 4 KB.
/// Objects are small: mostly it is the insertion sort.
fn heapsort<T: Copy>(v: &mut [T], less: impl Fn(&T, &T) -> bool) {
    let n = v.len();
    if n <= 16 {
        // Insertion sort: faster on a few elements, as the standard library's sort does too.
        for i in 1..n {
            let mut j = i;
            while j > 0 && matches!((v.get(j), v.get(j - 1)), (Some(a), Some(b)) if less(a, b)) {
                v.swap(j, j - 1);
                j -= 1;
            }
        }
        return;
    }
    for root in (0..n / 2).rev() {
        sift_down(v, root, n, &less);
    }
    for end in (1..n).rev() {
        v.swap(0, end);
        sift_down(v, 0, end, &less);
    }
}

/// Restores the max-heap property of `v[..end]` below `root`.
fn sift_down<T>(v: &mut [T], mut root: usize, end: usize, less: &impl Fn(&T, &T) -> bool) {
    let end = end.min(v.len());
    let below = |v: &[T], i: usize, j: usize| match (v.get(i), v.get(j)) {
        (Some(a), Some(b)) => less(a, b),
        _ => false,
    };
    loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && below(v, child, child + 1) {
            child += 1;
        }
        if !below(v, root, child) {
            return;
        }
        v.swap(root, child);
        root = child;
    }
}

impl PartialEq for Node<'_> {
    /// JSON equality: object key order does not matter; numbers compare by value.
    fn eq(&self, other: &Self) -> bool {
        match (self.kind(), other.kind()) {
            (Kind::Null, Kind::Null) => true,
            (Kind::Bool(a), Kind::Bool(b)) => a == b,
            (Kind::Number(a), Kind::Number(b)) => {
                a.0 == b.0
                    || match (a.as_i64(), b.as_i64()) {
                        (Some(x), Some(y)) => x == y,
                        _ => a.as_f64() == b.as_f64(),
                    }
            }
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

impl fmt::Display for Node<'_> {
    /// Compact JSON; object keys sorted, numbers as written.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        write::value(&mut out, *self);
        f.write_str(&out)
    }
}

impl fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Node({self})")
    }
}

impl fmt::Debug for Doc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Doc({})", self.root())
    }
}

#[cfg(test)]
mod tests;
