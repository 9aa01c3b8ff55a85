//! The one pass from JSON text to [`Doc`] nodes: iterative (an explicit stack, so nesting costs
//! no native stack), strings scanned eight bytes at a time, escapes decoded only where present.

use super::{Doc, JsonError, Slot, Tag, MAX_DEPTH};

/// An open container while scanning.
struct Frame {
    /// Its node index.
    slot: usize,
    /// Items (array) or members (object) so far.
    count: u32,
    /// For objects: the node of the member key being read (for error paths).
    key: usize,
    object: bool,
}

pub(super) struct Scanner<'t> {
    text: &'t str,
    b: &'t [u8],
    i: usize,
    doc: Doc<'t>,
    stack: Vec<Frame>,
}

/// 1-based line and column of byte `at`, as serde_json reports them.
pub(super) fn line_column(b: &[u8], at: usize) -> (usize, usize) {
    let upto = b.get(..at).unwrap_or(b);
    let line = 1 + upto.iter().filter(|c| **c == b'\n').count();
    let column = at - upto.iter().rposition(|c| *c == b'\n').map_or(0, |p| p + 1);
    (line, column)
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Index of the first byte at or after `i` that ends a plain run of string text: `"`, `\` or a
/// control character (or `b.len()`).
pub(super) fn plain_run(b: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = b.get(i..i + 8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let w = u64::from_le_bytes(w);
        let q = w ^ (ONES * u64::from(b'"'));
        let s = w ^ (ONES * u64::from(b'\\'));
        // A byte is flagged when it is zero in q or s, or below 0x20 in w; the lowest flagged
        // byte is exact (borrows only run upwards).
        let hit = (q.wrapping_sub(ONES) & !q
            | s.wrapping_sub(ONES) & !s
            | w.wrapping_sub(ONES * 0x20) & !w)
            & HIGHS;
        if hit != 0 {
            return i + (hit.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if c == b'"' || c == b'\\' || c < 0x20 {
            return i;
        }
        i += 1;
    }
    i
}

fn to_u32(n: usize) -> Result<u32, &'static str> {
    u32::try_from(n).map_err(|_| "document too large")
}

impl<'t> Scanner<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        Scanner {
            text,
            b: text.as_bytes(),
            i: 0,
            doc: Doc {
                text,
                decoded: String::new(),
                // About one node per 12 bytes in a typical pack.
                nodes: Vec::with_capacity(text.len() / 12 + 4),
            },
            stack: Vec::new(),
        }
    }

    /// An error at the current position, with the path of the value being read.
    fn fail(&self, msg: &str) -> JsonError {
        let (line, column) = line_column(self.b, self.i);
        let mut at = String::new();
        for f in &self.stack {
            if f.object {
                if f.key > f.slot {
                    if !at.is_empty() {
                        at.push('.');
                    }
                    at.push_str(self.doc.span(self.doc.slot(f.key)));
                }
            } else {
                at.push_str(&format!("[{}]", f.count));
            }
        }
        JsonError::new(at, format!("{msg} at line {line} column {column}"))
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    /// Appends a node. Offsets fit a u32: `run` refuses longer texts, and neither the nodes
    /// nor the decoded strings can outgrow the text.
    #[inline]
    fn push(&mut self, tag: Tag, a: usize, b: usize) -> Result<(), JsonError> {
        self.doc.nodes.push(Slot {
            tag,
            a: a as u32,
            b: b as u32,
        });
        Ok(())
    }

    pub(super) fn run(mut self) -> Result<Doc<'t>, JsonError> {
        if to_u32(self.b.len()).is_err() {
            return Err(self.fail("document too large"));
        }
        self.skip_ws();
        if self.peek().is_none() {
            return Err(self.fail("EOF while parsing a value"));
        }
        self.value()?;
        // After a value: close containers, or find the next member or item.
        while let Some(top) = self.stack.last() {
            let object = top.object;
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.i += 1;
                    self.skip_ws();
                    if let Some(f) = self.stack.last_mut() {
                        f.count += 1;
                    }
                    if object {
                        if self.peek() == Some(b'}') {
                            return Err(self.fail("trailing comma"));
                        }
                        self.member()?;
                    } else {
                        if self.peek() == Some(b']') {
                            return Err(self.fail("trailing comma"));
                        }
                        self.value()?;
                    }
                }
                Some(b'}') if object => {
                    self.i += 1;
                    self.close()?;
                }
                Some(b']') if !object => {
                    self.i += 1;
                    self.close()?;
                }
                None => {
                    return Err(self.fail(if object {
                        "EOF while parsing an object"
                    } else {
                        "EOF while parsing a list"
                    }))
                }
                Some(_) => {
                    return Err(self.fail(if object {
                        "expected `,` or `}`"
                    } else {
                        "expected `,` or `]`"
                    }))
                }
            }
        }
        self.skip_ws();
        if self.peek().is_some() {
            return Err(self.fail("trailing characters"));
        }
        Ok(self.doc)
    }

    /// Closes the innermost container: its count and end become known.
    fn close(&mut self) -> Result<(), JsonError> {
        let end = self.doc.nodes.len();
        if let Some(f) = self.stack.pop() {
            let len = if end > f.slot + 1 { f.count + 1 } else { 0 };
            let end = end as u32;
            if let Some(s) = self.doc.nodes.get_mut(f.slot) {
                s.a = len;
                s.b = end;
            }
        }
        Ok(())
    }

    /// Reads `"key": ` and the start of its value, at a `"`.
    fn member(&mut self) -> Result<(), JsonError> {
        if self.peek() != Some(b'"') {
            return Err(self.fail(if self.peek().is_none() {
                "EOF while parsing an object"
            } else {
                "key must be a string"
            }));
        }
        let key = self.doc.nodes.len();
        self.string(true)?;
        if let Some(f) = self.stack.last_mut() {
            f.key = key;
        }
        self.skip_ws();
        match self.peek() {
            Some(b':') => self.i += 1,
            None => return Err(self.fail("EOF while parsing an object")),
            Some(_) => return Err(self.fail("expected `:`")),
        }
        self.skip_ws();
        self.value()
    }

    /// Reads one value, or opens a container (its contents are read by `run`'s loop).
    fn value(&mut self) -> Result<(), JsonError> {
        match self.peek() {
            Some(b'"') => self.string(false),
            Some(c @ (b'{' | b'[')) => {
                if self.stack.len() >= MAX_DEPTH {
                    return Err(self.fail("recursion limit exceeded"));
                }
                self.i += 1;
                let object = c == b'{';
                let slot = self.doc.nodes.len();
                self.push(if object { Tag::Object } else { Tag::Array }, 0, 0)?;
                self.stack.push(Frame {
                    slot,
                    count: 0,
                    key: slot,
                    object,
                });
                self.skip_ws();
                match (object, self.peek()) {
                    (true, Some(b'}')) | (false, Some(b']')) => {
                        self.i += 1;
                        self.close()
                    }
                    (true, _) => self.member(),
                    (false, None) => Err(self.fail("EOF while parsing a list")),
                    (false, _) => self.value(),
                }
            }
            Some(b't') => self.literal(b"true", Tag::True),
            Some(b'f') => self.literal(b"false", Tag::False),
            Some(b'n') => self.literal(b"null", Tag::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            None => Err(self.fail("EOF while parsing a value")),
            Some(_) => Err(self.fail("expected value")),
        }
    }

    fn literal(&mut self, word: &[u8], tag: Tag) -> Result<(), JsonError> {
        let end = self.i + word.len();
        if self.b.get(self.i..end) != Some(word) {
            return Err(self.fail("expected ident"));
        }
        self.i = end;
        self.push(tag, 0, 0)
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Result<(), JsonError> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let int_start = self.i;
        let n = self.digits();
        if n == 0 {
            return Err(self.fail("invalid number"));
        }
        if n > 1 && self.b.get(int_start) == Some(&b'0') {
            return Err(self.fail("invalid number"));
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            self.i += 1;
            integer = false;
            if self.digits() == 0 {
                return Err(self.fail("invalid number"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            integer = false;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(self.fail("invalid number"));
            }
        }
        let text = self.text.get(start..self.i).unwrap_or("");
        // Integers that fit 64 bits are exact; anything else must be a finite f64.
        let fits = integer && (text.parse::<i64>().is_ok() || text.parse::<u64>().is_ok());
        if !fits && super::number::to_f64(text).is_none() {
            let at = self.i;
            self.i = start;
            let e = self.fail("number out of range");
            self.i = at;
            return Err(e);
        }
        self.push(Tag::Number, start, self.i)
    }

    /// Reads a string at `"`: a slice of the text, or decoded into `doc.decoded` if it has
    /// escapes.
    fn string(&mut self, key: bool) -> Result<(), JsonError> {
        let start = self.i + 1;
        let end = plain_run(self.b, start);
        match self.b.get(end) {
            Some(b'"') => {
                self.i = end + 1;
                self.push(if key { Tag::Key } else { Tag::Str }, start, end)
            }
            Some(b'\\') => self.escaped(key, start, end),
            Some(_) => {
                self.i = end;
                Err(self.fail("control character (\\u0000-\\u001F) found while parsing a string"))
            }
            None => {
                self.i = end;
                Err(self.fail("EOF while parsing a string"))
            }
        }
    }

    /// The slow path of [`Self::string`]: `text[start..at]` is plain and `at` is a backslash.
    fn escaped(&mut self, key: bool, start: usize, mut at: usize) -> Result<(), JsonError> {
        let out_start = self.doc.decoded.len();
        let mut run = start;
        loop {
            self.doc
                .decoded
                .push_str(self.text.get(run..at).unwrap_or(""));
            match self.b.get(at) {
                Some(b'"') => {
                    self.i = at + 1;
                    let end = self.doc.decoded.len();
                    let tag = if key {
                        Tag::KeyDecoded
                    } else {
                        Tag::StrDecoded
                    };
                    return self.push(tag, out_start, end);
                }
                Some(b'\\') => {
                    self.i = at + 1;
                    let c = self.escape()?;
                    self.doc.decoded.push(c);
                    run = self.i;
                }
                Some(_) => {
                    self.i = at;
                    return Err(self
                        .fail("control character (\\u0000-\\u001F) found while parsing a string"));
                }
                None => {
                    self.i = at;
                    return Err(self.fail("EOF while parsing a string"));
                }
            }
            at = plain_run(self.b, self.i);
        }
    }

    /// One escape after its backslash.
    fn escape(&mut self) -> Result<char, JsonError> {
        let Some(c) = self.peek() else {
            return Err(self.fail("EOF while parsing a string"));
        };
        self.i += 1;
        Ok(match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = self.hex4()?;
                match hi {
                    0xD800..=0xDBFF => {
                        if self.b.get(self.i..self.i + 2) != Some(b"\\u") {
                            return Err(self.fail("lone leading surrogate in hex escape"));
                        }
                        self.i += 2;
                        let lo = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&lo) {
                            return Err(self.fail("lone leading surrogate in hex escape"));
                        }
                        let code = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                        char::from_u32(code)
                            .ok_or_else(|| self.fail("invalid unicode code point"))?
                    }
                    0xDC00..=0xDFFF => {
                        return Err(self.fail("unexpected end of hex escape"));
                    }
                    _ => {
                        char::from_u32(hi).ok_or_else(|| self.fail("invalid unicode code point"))?
                    }
                }
            }
            _ => return Err(self.fail("invalid escape")),
        })
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                None => return Err(self.fail("EOF while parsing a string")),
                Some(_) => return Err(self.fail("invalid escape")),
            };
            v = v * 16 + u32::from(d);
            self.i += 1;
        }
        Ok(v)
    }
}
