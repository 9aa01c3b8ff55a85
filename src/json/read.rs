//! Typed reading of [`Node`]s with the JSON path in every error: strings, integers of a given
//! width, lists, enums by name, and objects read as structs (unknown, duplicate and missing
//! fields refused). Messages follow serde's wording, so they read the same as before.

use super::{Kind, Node, Object};
use std::fmt;

/// Why a document was refused: where (a JSON path such as `offers[2].need.stage`, empty for
/// the document itself) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub at: String,
    pub message: String,
}

impl JsonError {
    pub fn new(at: String, message: String) -> Self {
        JsonError { at, message }
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.at.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.at, self.message)
        }
    }
}

impl std::error::Error for JsonError {}

/// Where a value is, built on the stack while reading (nothing is formatted unless an error
/// names it).
#[derive(Clone, Copy)]
pub enum Path<'p> {
    Root,
    Key(&'p Path<'p>, &'p str),
    Index(&'p Path<'p>, usize),
}

impl<'p> Path<'p> {
    pub fn key(&'p self, k: &'p str) -> Path<'p> {
        Path::Key(self, k)
    }

    pub fn index(&'p self, i: usize) -> Path<'p> {
        Path::Index(self, i)
    }

    /// An error at this path.
    pub fn error(&self, message: String) -> JsonError {
        JsonError::new(self.to_string(), message)
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Key(Path::Root, k) => f.write_str(k),
            Path::Key(p, k) => write!(f, "{p}.{k}"),
            Path::Index(p, i) => write!(f, "{p}[{i}]"),
        }
    }
}

/// How serde names what it found: "string \"x\"", "integer `5`", "map", ….
fn found(n: Node<'_>) -> String {
    match n.kind() {
        Kind::Null => "null".into(),
        Kind::Bool(b) => format!("boolean `{b}`"),
        Kind::Number(x) if x.is_integer() => format!("integer `{x}`"),
        Kind::Number(x) => format!("floating point `{x}`"),
        Kind::Str(s) => {
            let mut out = String::from("string ");
            super::write::string(&mut out, s);
            out
        }
        Kind::Array(_) => "sequence".into(),
        Kind::Object(_) => "map".into(),
    }
}

/// The value of an integer's text (checked JSON) of at most 18 digits: always an i64.
#[cfg(not(target_arch = "wasm32"))]
#[inline]
fn small_int(t: &str) -> Option<i64> {
    let b = t.as_bytes();
    let (neg, digits) = match b {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, b),
    };
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let mut v: i64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(c - b'0');
    }
    Some(if neg { -v } else { v })
}

/// Name equality: [`same`] natively, `memcmp` in the wasm (smaller).
#[inline]
fn eq(a: &str, b: &str) -> bool {
    if cfg!(target_arch = "wasm32") {
        a == b
    } else {
        same(a.as_bytes(), b.as_bytes())
    }
}

/// "invalid type: …, expected …" at `p`.
pub fn invalid_type(n: Node<'_>, p: &Path<'_>, expected: &str) -> JsonError {
    p.error(format!("invalid type: {}, expected {expected}", found(n)))
}

impl<'a> Node<'a> {
    /// `None` for null, else `read` of the value.
    pub fn opt<T>(
        self,
        p: &Path<'_>,
        read: impl FnOnce(Node<'a>, &Path<'_>) -> Result<T, JsonError>,
    ) -> Result<Option<T>, JsonError> {
        if self.is_null() {
            Ok(None)
        } else {
            read(self, p).map(Some)
        }
    }

    pub fn str(self, p: &Path<'_>) -> Result<&'a str, JsonError> {
        self.as_str()
            .ok_or_else(|| invalid_type(self, p, "a string"))
    }

    pub fn bool(self, p: &Path<'_>) -> Result<bool, JsonError> {
        self.as_bool()
            .ok_or_else(|| invalid_type(self, p, "a boolean"))
    }

    /// An integer in `lo..=hi`, named `ty` in errors ("expected u32").
    fn int(self, p: &Path<'_>, ty: &str, lo: i128, hi: i128) -> Result<i128, JsonError> {
        let Some(n) = self.as_number() else {
            return Err(invalid_type(self, p, ty));
        };
        // Natively, up to 18 digits are read without the standard parser (the wasm keeps
        // one integer reader).
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(v) = small_int(n.text()) {
            let v = i128::from(v);
            if (lo..=hi).contains(&v) {
                return Ok(v);
            }
        }
        if !n.is_integer() {
            return Err(invalid_type(self, p, ty));
        }
        let t = n.text();
        let v = match t.parse::<i64>() {
            Ok(v) => Some(i128::from(v)),
            Err(_) => t.parse::<u64>().ok().map(i128::from),
        };
        match v {
            Some(v) if (lo..=hi).contains(&v) => Ok(v),
            _ => Err(p.error(format!("invalid value: integer `{n}`, expected {ty}"))),
        }
    }

    pub fn u32(self, p: &Path<'_>) -> Result<u32, JsonError> {
        let v = self.int(p, "u32", 0, u32::MAX.into())?;
        Ok(u32::try_from(v).unwrap_or(0))
    }

    pub fn i32(self, p: &Path<'_>) -> Result<i32, JsonError> {
        let v = self.int(p, "i32", i32::MIN.into(), i32::MAX.into())?;
        Ok(i32::try_from(v).unwrap_or(0))
    }

    pub fn i64(self, p: &Path<'_>) -> Result<i64, JsonError> {
        let v = self.int(p, "i64", i64::MIN.into(), i64::MAX.into())?;
        Ok(i64::try_from(v).unwrap_or(0))
    }

    pub fn u64(self, p: &Path<'_>) -> Result<u64, JsonError> {
        let v = self.int(p, "u64", 0, u64::MAX.into())?;
        Ok(u64::try_from(v).unwrap_or(0))
    }

    /// Any finite number.
    pub fn f64(self, p: &Path<'_>) -> Result<f64, JsonError> {
        self.as_f64().ok_or_else(|| invalid_type(self, p, "f64"))
    }

    /// A list, each item read with `read` (its path gets the index).
    pub fn list<T>(
        self,
        p: &Path<'_>,
        mut read: impl FnMut(Node<'a>, &Path<'_>) -> Result<T, JsonError>,
    ) -> Result<Vec<T>, JsonError> {
        let Some(arr) = self.as_array() else {
            return Err(invalid_type(self, p, "a sequence"));
        };
        let mut out = Vec::with_capacity(arr.len());
        for (i, item) in arr.iter().enumerate() {
            out.push(read(item, &p.index(i))?);
        }
        Ok(out)
    }

    /// A list of strings.
    pub fn strs(self, p: &Path<'_>) -> Result<Vec<&'a str>, JsonError> {
        let Some(arr) = self.as_array() else {
            return Err(invalid_type(self, p, "a sequence"));
        };
        let mut out = Vec::with_capacity(arr.len());
        for (i, item) in arr.iter().enumerate() {
            match item.as_str() {
                Some(s) => out.push(s),
                None => return Err(invalid_type(item, &p.index(i), "a string")),
            }
        }
        Ok(out)
    }

    /// One of `names` (an enum variant written as a string); its index.
    pub fn variant(self, p: &Path<'_>, names: &[&str]) -> Result<usize, JsonError> {
        let s = self
            .as_str()
            .ok_or_else(|| invalid_type(self, p, "a string"))?;
        names
            .iter()
            .position(|n| eq(n, s))
            .ok_or_else(|| p.error(format!("unknown variant `{s}`, expected {}", one_of(names))))
    }

    /// An object (else "invalid type: …, expected a JSON object").
    pub fn object(self, p: &Path<'_>) -> Result<Object<'a>, JsonError> {
        self.as_object()
            .ok_or_else(|| invalid_type(self, p, "a JSON object"))
    }

    /// An object read as a map: keys in document order, none twice ("duplicate key `k`").
    pub fn map(self, p: &Path<'_>) -> Result<Object<'a>, JsonError> {
        let obj = self
            .as_object()
            .ok_or_else(|| invalid_type(self, p, "a map"))?;
        if let Some(k) = obj.duplicate_key() {
            return Err(p.error(format!("duplicate key `{k}`")));
        }
        Ok(obj)
    }

    /// An object read as a struct with fields `f`: returns each field's value (or `None`).
    /// Refuses unknown fields (at the field's path), a field given twice, and a missing
    /// required field.
    pub fn fields<const N: usize>(
        self,
        p: &Path<'_>,
        f: &Fields<N>,
    ) -> Result<[Option<Node<'a>>; N], JsonError> {
        let mut out = [None; N];
        read_fields(self, p, &f.set(), &mut out)?;
        Ok(out)
    }
}

/// How a struct field is read by [`Reader`]: required (absent is "missing field"), optional
/// (absent or null reads as `None`), or defaulted (absent reads as `None`, for the caller's
/// default; null is a type error, as it was with serde).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Required,
    Optional,
    Default,
}

/// Reads struct fields, keeping the first error aside instead of returning it from each read.
///
/// A failed read gives `None` (or an empty list, or a default) and every read after the first
/// error gives `None` without looking at the document, so a struct reader is a plain sequence
/// of field reads finished by [`Reader::finish`]: no early return, so no clean-up code per
/// field for the fields already read. The error is the one the first failing read in program
/// order found, as with `?`. Each read is a small non-generic function (wasm size).
#[derive(Default)]
pub struct Reader {
    error: Option<JsonError>,
}

impl Reader {
    pub fn new() -> Self {
        Reader { error: None }
    }

    /// Whether a read failed.
    pub fn failed(&self) -> bool {
        self.error.is_some()
    }

    /// Records `e` unless an earlier error was recorded.
    #[cfg_attr(not(target_arch = "wasm32"), inline)]
    pub fn fail(&mut self, e: JsonError) {
        if self.error.is_none() {
            self.error = Some(e);
        }
    }

    /// `Some` of an `Ok`; an `Err` is recorded.
    #[cfg_attr(not(target_arch = "wasm32"), inline)]
    pub fn take<T>(&mut self, r: Result<T, JsonError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(e);
                None
            }
        }
    }

    /// `value`, unless a read failed: then the first error.
    pub fn finish<T>(self, value: T) -> Result<T, JsonError> {
        match self.error {
            None => Ok(value),
            Some(e) => Err(e),
        }
    }

    /// [`Node::fields`]; all `None` after an error.
    #[inline]
    pub fn fields<'a, const N: usize>(
        &mut self,
        n: Node<'a>,
        p: &Path<'_>,
        f: &Fields<N>,
    ) -> [Option<Node<'a>>; N] {
        let mut out = [None; N];
        self.fields_into(n, p, &f.set(), &mut out);
        out
    }

    /// [`Reader::fields`] without the array size: one copy for every struct in the wasm (kept
    /// out of line there only; natively the optimizer inlines what pays).
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn fields_into<'a>(
        &mut self,
        n: Node<'a>,
        p: &Path<'_>,
        f: &FieldSet<'_>,
        out: &mut [Option<Node<'a>>],
    ) {
        if self.error.is_none() {
            if let Err(e) = read_fields(n, p, f, out) {
                self.fail(e);
            }
        }
    }

    /// The value of field `name` (of the object at `p`) to read, if there is one to read.
    #[cfg_attr(not(target_arch = "wasm32"), inline)]
    pub fn field<'a>(
        &mut self,
        n: Option<Node<'a>>,
        p: &Path<'_>,
        name: &str,
        need: Need,
    ) -> Option<Node<'a>> {
        if self.error.is_some() {
            return None;
        }
        match n {
            None => {
                if need == Need::Required {
                    self.fail(p.error(format!("missing field `{name}`")));
                }
                None
            }
            Some(n) if need == Need::Optional && n.is_null() => None,
            Some(n) => Some(n),
        }
    }

    /// A string field.
    #[cfg_attr(not(target_arch = "wasm32"), inline)]
    pub fn str<'a>(
        &mut self,
        n: Option<Node<'a>>,
        p: &Path<'_>,
        name: &str,
        need: Need,
    ) -> Option<&'a str> {
        let n = self.field(n, p, name, need)?;
        let s = n.as_str();
        if s.is_none() {
            self.fail(invalid_type(n, &p.key(name), "a string"));
        }
        s
    }

    /// A string field, "" if absent or unread (for required and defaulted fields).
    #[cfg_attr(not(target_arch = "wasm32"), inline)]
    pub fn text<'a>(
        &mut self,
        n: Option<Node<'a>>,
        p: &Path<'_>,
        name: &str,
        need: Need,
    ) -> &'a str {
        self.str(n, p, name, need).unwrap_or_default()
    }

    /// A list-of-strings field, empty if absent or unread.
    #[cfg_attr(not(target_arch = "wasm32"), inline)]
    pub fn texts<'a>(
        &mut self,
        n: Option<Node<'a>>,
        p: &Path<'_>,
        name: &str,
        need: Need,
    ) -> Vec<&'a str> {
        self.strs(n, p, name, need).unwrap_or_default()
    }

    /// A list-of-strings field.
    #[cfg_attr(not(target_arch = "wasm32"), inline)]
    pub fn strs<'a>(
        &mut self,
        n: Option<Node<'a>>,
        p: &Path<'_>,
        name: &str,
        need: Need,
    ) -> Option<Vec<&'a str>> {
        let n = self.field(n, p, name, need)?;
        let v = n.strs(&p.key(name));
        self.take(v)
    }

    /// A boolean field.
    #[cfg_attr(not(target_arch = "wasm32"), inline)]
    pub fn bool(
        &mut self,
        n: Option<Node<'_>>,
        p: &Path<'_>,
        name: &str,
        need: Need,
    ) -> Option<bool> {
        let n = self.field(n, p, name, need)?;
        let b = n.bool(&p.key(name));
        self.take(b)
    }

    /// An integer field in `lo..=hi` (named `ty` in errors: "u32", "i64", …).
    #[cfg_attr(not(target_arch = "wasm32"), inline)]
    pub fn int(
        &mut self,
        n: Option<Node<'_>>,
        p: &Path<'_>,
        name: &str,
        need: Need,
        ty: Int,
    ) -> Option<i128> {
        let n = self.field(n, p, name, need)?;
        let (ty, lo, hi): (&str, i128, i128) = match ty {
            Int::U32 => ("u32", 0, u32::MAX.into()),
            Int::I32 => ("i32", i32::MIN.into(), i32::MAX.into()),
            Int::I64 => ("i64", i64::MIN.into(), i64::MAX.into()),
            Int::U64 => ("u64", 0, u64::MAX.into()),
        };
        let v = n.int(&p.key(name), ty, lo, hi);
        self.take(v)
    }

    /// A `u32` field.
    #[cfg_attr(not(target_arch = "wasm32"), inline)]
    pub fn u32(
        &mut self,
        n: Option<Node<'_>>,
        p: &Path<'_>,
        name: &str,
        need: Need,
    ) -> Option<u32> {
        self.int(n, p, name, need, Int::U32)
            .map(|v| u32::try_from(v).unwrap_or(0))
    }

    /// An `i32` field.
    #[cfg_attr(not(target_arch = "wasm32"), inline)]
    pub fn i32(
        &mut self,
        n: Option<Node<'_>>,
        p: &Path<'_>,
        name: &str,
        need: Need,
    ) -> Option<i32> {
        self.int(n, p, name, need, Int::I32)
            .map(|v| i32::try_from(v).unwrap_or(0))
    }

    /// An `i64` field.
    #[cfg_attr(not(target_arch = "wasm32"), inline)]
    pub fn i64(
        &mut self,
        n: Option<Node<'_>>,
        p: &Path<'_>,
        name: &str,
        need: Need,
    ) -> Option<i64> {
        self.int(n, p, name, need, Int::I64)
            .map(|v| i64::try_from(v).unwrap_or(0))
    }

    /// A `u64` field.
    #[cfg_attr(not(target_arch = "wasm32"), inline)]
    pub fn u64(
        &mut self,
        n: Option<Node<'_>>,
        p: &Path<'_>,
        name: &str,
        need: Need,
    ) -> Option<u64> {
        self.int(n, p, name, need, Int::U64)
            .map(|v| u64::try_from(v).unwrap_or(0))
    }

    /// A field that is one of `names` (an enum variant written as a string): its index.
    #[cfg_attr(not(target_arch = "wasm32"), inline)]
    pub fn variant(
        &mut self,
        n: Option<Node<'_>>,
        p: &Path<'_>,
        name: &str,
        need: Need,
        names: &[&str],
    ) -> Option<usize> {
        let n = self.field(n, p, name, need)?;
        let i = n.variant(&p.key(name), names);
        self.take(i)
    }

    /// A field read with `read` (a struct, usually).
    pub fn with<'a, T>(
        &mut self,
        n: Option<Node<'a>>,
        p: &Path<'_>,
        name: &str,
        need: Need,
        read: impl FnOnce(&mut Reader, Node<'a>, &Path<'_>) -> T,
    ) -> Option<T> {
        let n = self.field(n, p, name, need)?;
        Some(read(self, n, &p.key(name)))
    }

    /// A list field, each item read with `read` (its path gets the index); the items before
    /// the first error.
    pub fn list<'a, T>(
        &mut self,
        n: Option<Node<'a>>,
        p: &Path<'_>,
        name: &str,
        need: Need,
        mut read: impl FnMut(&mut Reader, Node<'a>, &Path<'_>) -> T,
    ) -> Option<Vec<T>> {
        let arr = self.array(n, p, name, need)?;
        let p = p.key(name);
        let mut out = Vec::with_capacity(arr.len());
        for (i, item) in arr.iter().enumerate() {
            if self.error.is_some() {
                break;
            }
            out.push(read(self, item, &p.index(i)));
        }
        Some(out)
    }

    /// An object field read as a map (keys unique, "duplicate key `k`"), each value read with
    /// `read`, sorted by key; the entries before the first error.
    pub fn map<'a, V>(
        &mut self,
        n: Option<Node<'a>>,
        p: &Path<'_>,
        name: &str,
        need: Need,
        mut read: impl FnMut(&mut Reader, Node<'a>, &Path<'_>) -> V,
    ) -> Option<Vec<(&'a str, V)>> {
        let entries = self.entries(n, p, name, need)?;
        let p = p.key(name);
        let mut out = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            if self.error.is_some() {
                break;
            }
            out.push((k, read(self, v, &p.key(k))));
        }
        Some(out)
    }

    /// The field as an array (else the error is recorded). Not generic: [`Reader::list`]'s
    /// instantiations share it (out of line in the wasm only).
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn array<'a>(
        &mut self,
        n: Option<Node<'a>>,
        p: &Path<'_>,
        name: &str,
        need: Need,
    ) -> Option<super::Array<'a>> {
        let n = self.field(n, p, name, need)?;
        let a = n.as_array();
        if a.is_none() {
            self.fail(invalid_type(n, &p.key(name), "a sequence"));
        }
        a
    }

    /// The field as a map's entries sorted by key (else the error is recorded). Not generic:
    /// [`Reader::map`]'s instantiations share it (out of line in the wasm only).
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn entries<'a>(
        &mut self,
        n: Option<Node<'a>>,
        p: &Path<'_>,
        name: &str,
        need: Need,
    ) -> Option<Vec<(&'a str, Node<'a>)>> {
        let n = self.field(n, p, name, need)?;
        let m = n.map(&p.key(name));
        self.take(m).map(Object::sorted)
    }
}

/// The integer types [`Reader::int`] reads.
#[derive(Clone, Copy)]
pub enum Int {
    U32,
    I32,
    I64,
    U64,
}

/// "`a`, `b` or `c`" for error messages.
fn one_of(names: &[&str]) -> String {
    let mut out = String::new();
    match names {
        [] => out.push_str("nothing"),
        [a, b] => {
            for (i, n) in [a, b].into_iter().enumerate() {
                out.push_str(if i == 0 { "`" } else { "` or `" });
                out.push_str(n);
            }
            out.push('`');
        }
        _ => {
            if names.len() > 2 {
                out.push_str("one of ");
            }
            for (i, n) in names.iter().enumerate() {
                out.push_str(if i == 0 { "`" } else { "`, `" });
                out.push_str(n);
            }
            out.push('`');
        }
    }
    out
}

/// The fields of a struct as read from an object: names, a fingerprint of each, which are
/// required (bit i = `names[i]`), and (natively) a table from fingerprint to field. Built at
/// compile time (`const`).
pub struct Fields<const N: usize> {
    names: [&'static str; N],
    sigs: [u32; N],
    required: u64,
    table: Table,
}

impl<const N: usize> Fields<N> {
    pub const fn new(names: [&'static str; N], required: u64) -> Self {
        let mut sigs = [0u32; N];
        let mut i = 0;
        while i < N {
            sigs[i] = sig(names[i].as_bytes());
            i += 1;
        }
        Fields {
            names,
            sigs,
            required,
            table: Table::new(&sigs),
        }
    }
}

/// [`Fields`] without the array size: what [`read_fields`] reads (one copy for every struct).
#[derive(Clone, Copy)]
struct FieldSet<'f> {
    names: &'f [&'static str],
    sigs: &'f [u32],
    required: u64,
    table: &'f Table,
}

impl<const N: usize> Fields<N> {
    fn set(&self) -> FieldSet<'_> {
        FieldSet {
            names: &self.names,
            sigs: &self.sigs,
            required: self.required,
            table: &self.table,
        }
    }
}

/// Natively, fields are found by a perfect hash of their fingerprint: `slots[h(sig)]` is the
/// only field a key with fingerprint `sig` can be (its index + 1; 0 for none), with `h` the top
/// six bits of `mix(sig) * mul`. `mul` is 0 when no multiplier tried separates the fingerprints
/// (more than 64 fields, or two with the same fingerprint): the fields are then searched.
#[cfg(not(target_arch = "wasm32"))]
struct Table {
    mul: u64,
    slots: [u8; 64],
}

/// In the wasm fields are searched (a table per struct would cost module size).
#[cfg(target_arch = "wasm32")]
struct Table;

#[cfg(not(target_arch = "wasm32"))]
impl Table {
    /// The first multiplier (of a few thousand odd ones) under which the fingerprints' slots
    /// differ.
    const fn new(sigs: &[u32]) -> Table {
        let n = sigs.len();
        if n == 0 || n > 64 || n > u8::MAX as usize {
            return Table {
                mul: 0,
                slots: [0; 64],
            };
        }
        let mut mul: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut tries = 0;
        while tries < 4096 {
            let mut slots = [0u8; 64];
            let mut ok = true;
            let mut i = 0;
            while i < n {
                let h = Table::slot(sigs[i], mul);
                if slots[h] != 0 {
                    ok = false;
                    break;
                }
                slots[h] = i as u8 + 1;
                i += 1;
            }
            if ok {
                return Table { mul, slots };
            }
            mul = mul.wrapping_add(0x2545_F491_4F6C_DD1D_u64.wrapping_mul(2));
            tries += 1;
        }
        Table {
            mul: 0,
            slots: [0; 64],
        }
    }

    #[inline]
    const fn slot(sig: u32, mul: u64) -> usize {
        ((sig as u64 ^ (sig as u64) << 29).wrapping_mul(mul) >> 58) as usize
    }

    /// The field that is `key` (fingerprint `k`), if any (`next`: see [`search`]).
    #[inline]
    fn find(&self, names: &[&str], sigs: &[u32], k: u32, key: &[u8], next: usize) -> Option<usize> {
        if self.mul == 0 {
            return search(names, sigs, k, key, next);
        }
        let i = usize::from(*self.slots.get(Table::slot(k, self.mul))?).checked_sub(1)?;
        (sigs.get(i) == Some(&k) && names.get(i).is_some_and(|n| same(n.as_bytes(), key)))
            .then_some(i)
    }
}

#[cfg(target_arch = "wasm32")]
impl Table {
    const fn new(_: &[u32]) -> Table {
        Table
    }

    /// The field that is `key` (fingerprint `k`), if any; `next` is tried first.
    #[inline]
    fn find(&self, names: &[&str], sigs: &[u32], k: u32, key: &[u8], next: usize) -> Option<usize> {
        search(names, sigs, k, key, next)
    }
}

/// The first of `names` (fingerprints `sigs`) that is `key` (fingerprint `k`), trying `next`
/// first: fields usually come in order.
fn search(names: &[&str], sigs: &[u32], k: u32, key: &[u8], next: usize) -> Option<usize> {
    let is =
        |i: usize| sigs.get(i) == Some(&k) && names.get(i).is_some_and(|n| same(n.as_bytes(), key));
    if is(next) {
        Some(next)
    } else {
        (0..names.len()).find(|&i| is(i))
    }
}

/// A cheap fingerprint of a name: length, first and last byte.
const fn sig(b: &[u8]) -> u32 {
    let (first, last) = match b {
        [] => (0, 0),
        [f, .., l] => (*f, *l),
        [f] => (*f, *f),
    };
    (b.len() as u32) << 16 | (first as u32) << 8 | last as u32
}

/// `a == b` without a call to `memcmp` (names are short): a few word compares natively.
#[cfg(not(target_arch = "wasm32"))]
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    // Overlapping first and last words of the widest size that fits, then whole words.
    match n {
        0 => true,
        1..=3 => a.first() == b.first() && a.get(n / 2) == b.get(n / 2) && a.last() == b.last(),
        4..=7 => word4(a, 0) == word4(b, 0) && word4(a, n - 4) == word4(b, n - 4),
        _ => {
            let mut i = 0;
            while i + 8 < n {
                if word8(a, i) != word8(b, i) {
                    return false;
                }
                i += 8;
            }
            word8(a, n - 8) == word8(b, n - 8)
        }
    }
}

/// `a == b` without a call to `memcmp` (names are short).
#[cfg(target_arch = "wasm32")]
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// The 4 bytes of `b` at `at` as a u32 (0 past the end).
#[cfg(not(target_arch = "wasm32"))]
#[inline]
fn word4(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .and_then(|w| w.try_into().ok())
        .map_or(0, u32::from_le_bytes)
}

/// The 8 bytes of `b` at `at` as a u64 (0 past the end).
#[cfg(not(target_arch = "wasm32"))]
#[inline]
fn word8(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 8)
        .and_then(|w| w.try_into().ok())
        .map_or(0, u64::from_le_bytes)
}

fn read_fields<'a>(
    n: Node<'a>,
    p: &Path<'_>,
    f: &FieldSet<'_>,
    out: &mut [Option<Node<'a>>],
) -> Result<(), JsonError> {
    let FieldSet {
        names,
        sigs,
        required,
        table,
    } = *f;
    let obj = n.object(p)?;
    let doc = obj.doc;
    let mut next = 0;
    let mut at = obj.at + 1;
    for _ in 0..obj.len {
        let ks = doc.slot(at);
        let value = Node { doc, at: at + 1 };
        at = doc.skip(at + 1);
        let key = doc.span(ks);
        let kb = key.as_bytes();
        // Keys are matched by fingerprint first (no byte comparisons for the names that
        // differ).
        let found = table.find(names, sigs, sig(kb), kb, next);
        let Some(i) = found else {
            return Err(p
                .key(key)
                .error(format!("unknown field `{key}`, expected {}", one_of(names))));
        };
        next = i + 1;
        match out.get_mut(i) {
            Some(Some(_)) => return Err(p.error(format!("duplicate field `{key}`"))),
            Some(slot) => *slot = Some(value),
            None => {}
        }
    }
    // The required fields, lowest bit (first declared) first.
    let mut need = required;
    while need != 0 {
        let i = need.trailing_zeros() as usize;
        if out.get(i).is_some_and(Option::is_none) {
            let name = names.get(i).copied().unwrap_or_default();
            return Err(p.error(format!("missing field `{name}`")));
        }
        need &= need - 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What `find` must return: the first field with that name.
    fn first(names: &[&str], key: &str) -> Option<usize> {
        names.iter().position(|n| *n == key)
    }

    fn sigs(names: &[&str]) -> Vec<u32> {
        names.iter().map(|n| sig(n.as_bytes())).collect()
    }

    #[test]
    fn the_pack_structs_get_a_perfect_table() {
        // The offer's own field set, as the pack reader uses it.
        let offer = &crate::pack::source::OFFER_FIELDS;
        #[cfg(not(target_arch = "wasm32"))]
        assert_ne!(offer.table.mul, 0);
        for (i, name) in offer.names.iter().enumerate() {
            let key = name.as_bytes();
            assert_eq!(
                offer
                    .table
                    .find(&offer.names, &offer.sigs, sig(key), key, 0),
                Some(i)
            );
        }
    }

    proptest! {
        /// The table (natively) and the search agree with a plain lookup by name, for names
        /// that are fields and names that are not, whatever the hint.
        #[test]
        fn find_agrees_with_a_plain_lookup(
            names in proptest::collection::vec("[a-d_]{0,5}", 0..24),
            keys in proptest::collection::vec("[a-d_]{0,5}", 0..24),
            next in 0usize..30,
        ) {
            let mut names: Vec<&str> = names.iter().map(String::as_str).collect();
            let mut seen = std::collections::HashSet::new();
            names.retain(|n| seen.insert(*n));
            let sigs = sigs(&names);
            let table = Table::new(&sigs);
            for key in keys.iter().map(String::as_str).chain(names.iter().copied()) {
                let kb = key.as_bytes();
                let want = first(&names, key);
                prop_assert_eq!(table.find(&names, &sigs, sig(kb), kb, next), want);
                prop_assert_eq!(search(&names, &sigs, sig(kb), kb, next), want);
            }
        }

        #[test]
        fn same_is_equality(a in "[ab]{0,20}", b in "[ab]{0,20}") {
            prop_assert_eq!(same(a.as_bytes(), b.as_bytes()), a == b);
        }
    }
}
