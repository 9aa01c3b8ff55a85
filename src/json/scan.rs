//! The one pass from JSON text to [`Doc`] nodes: iterative (an explicit stack, so nesting costs
//! no native stack), strings scanned sixteen bytes at a time on x86_64 (SSE2) and eight at a
//! time elsewhere (the wasm included), escapes decoded only where present.

use super::{Doc, JsonError, Slot, Tag, MAX_DEPTH};

/// An open container while scanning.
#[derive(Clone, Copy)]
struct Frame {
    /// Its node index.
    slot: u32,
    /// Items (array) or members (object) so far.
    count: u32,
    /// For objects: the node of the member key being read (for error paths).
    key: u32,
    object: bool,
}

pub(super) struct Scanner<'t> {
    text: &'t str,
    b: &'t [u8],
    i: usize,
    doc: Doc<'t>,
    /// The open containers but the innermost, outermost first (all of them once an error is
    /// being reported).
    stack: Vec<Frame>,
}

/// What the scanning steps return: an error is its message, at `Scanner::i`.
type Step = Result<(), &'static str>;

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
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
pub(super) fn plain_run(b: &[u8], i: usize) -> usize {
    sse2::plain_run(b, i)
}

/// Index of the first byte at or after `i` that ends a plain run of string text: `"`, `\` or a
/// control character (or `b.len()`).
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline]
pub(super) fn plain_run(b: &[u8], i: usize) -> usize {
    swar_plain_run(b, i)
}

/// [`plain_run`] eight bytes at a time in a u64 (portable; the wasm's).
pub(super) fn swar_plain_run(b: &[u8], mut i: usize) -> usize {
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

/// [`plain_run`] sixteen bytes at a time with SSE2 (always present on x86_64).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
pub(super) mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_max_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };

    /// Bit k set when byte k of `chunk` is `"`, `\` or below 0x20.
    #[inline]
    fn specials(chunk: &[u8; 16]) -> u32 {
        // SAFETY: the intrinsics need SSE2, which this module is compiled only with (it is
        // part of the x86_64 baseline); the one memory access, `_mm_loadu_si128`, reads the 16
        // bytes of `chunk` and has no alignment requirement.
        unsafe {
            let v = _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>());
            let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
            let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
            // max(v, 0x1F) == 0x1F exactly when v <= 0x1F (unsigned).
            let low = _mm_set1_epi8(0x1F);
            let control = _mm_cmpeq_epi8(_mm_max_epu8(v, low), low);
            _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control)) as u32
        }
    }

    /// The 16 bytes of `b` at `at`, if there are as many.
    #[inline]
    fn chunk(b: &[u8], at: usize) -> Option<&[u8; 16]> {
        b.get(at..at.checked_add(16)?)?.try_into().ok()
    }

    pub(in crate::json) fn plain_run(b: &[u8], mut i: usize) -> usize {
        while let Some(c) = chunk(b, i) {
            let m = specials(c);
            if m != 0 {
                return i + m.trailing_zeros() as usize;
            }
            i += 16;
        }
        // Fewer than 16 bytes left: the last 16 of the text, ignoring those before `i`.
        let n = b.len();
        match n.checked_sub(16).and_then(|s| Some((s, chunk(b, s)?))) {
            Some((s, c)) if i < n => {
                let m = specials(c) >> (i - s);
                if m != 0 {
                    i + m.trailing_zeros() as usize
                } else {
                    n
                }
            }
            _ => super::swar_plain_run(b, i),
        }
    }
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
                // About one node per 10 bytes in a typical pack: room for it without a reallocation.
                nodes: Vec::with_capacity(text.len() / 8 + 4),
            },
            stack: Vec::new(),
        }
    }

    /// An error at the current position, with the path of the value being read.
    #[cold]
    #[inline(never)]
    fn fail(&self, msg: &str) -> JsonError {
        let (line, column) = line_column(self.b, self.i);
        let mut at = String::new();
        for f in &self.stack {
            if f.object {
                if f.key > f.slot {
                    if !at.is_empty() {
                        at.push('.');
                    }
                    at.push_str(self.doc.span(self.doc.slot(f.key as usize)));
                }
            } else {
                at.push_str(&format!("[{}]", f.count));
            }
        }
        JsonError::new(at, format!("{msg} at line {line} column {column}"))
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    #[inline]
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    /// Appends a node. Offsets fit a u32: `run` refuses longer texts, and neither the nodes
    /// nor the decoded strings can outgrow the text.
    #[inline]
    fn push(&mut self, tag: Tag, a: usize, b: usize) {
        self.doc.nodes.push(Slot {
            tag,
            a: a as u32,
            b: b as u32,
        });
    }

    pub(super) fn run(mut self) -> Result<Doc<'t>, JsonError> {
        let scanned = match to_u32(self.b.len()) {
            Ok(_) => self.scan(),
            Err(e) => Err(e),
        };
        match scanned {
            Ok(()) => Ok(self.doc),
            Err(msg) => Err(self.fail(msg)),
        }
    }

    /// The whole document. One loop, a value per turn: `top` is the innermost open container
    /// (when `open`), its parents are on `stack`; on an error every open container is.
    fn scan(&mut self) -> Step {
        self.skip_ws();
        let mut top = Frame {
            slot: 0,
            count: 0,
            key: 0,
            object: false,
        };
        let mut open = false;
        macro_rules! bail {
            ($msg:expr) => {{
                if open {
                    self.stack.push(top);
                }
                return Err($msg);
            }};
        }
        macro_rules! check {
            ($step:expr) => {
                if let Err(msg) = $step {
                    bail!(msg);
                }
            };
        }
        'value: loop {
            // At a value (whitespace skipped).
            let Some(c) = self.peek() else {
                bail!("EOF while parsing a value")
            };
            match c {
                b'"' => check!(self.string(Tag::Str, Tag::StrDecoded)),
                b'{' | b'[' => {
                    if self.stack.len() + usize::from(open) >= MAX_DEPTH {
                        bail!("recursion limit exceeded");
                    }
                    self.i += 1;
                    let object = c == b'{';
                    let slot = self.doc.nodes.len() as u32;
                    self.push(if object { Tag::Object } else { Tag::Array }, 0, 0);
                    if open {
                        self.stack.push(top);
                    }
                    top = Frame {
                        slot,
                        count: 0,
                        key: slot,
                        object,
                    };
                    open = true;
                    self.skip_ws();
                    match (object, self.peek()) {
                        (true, Some(b'}')) | (false, Some(b']')) => {
                            self.i += 1;
                            open = self.close(&mut top);
                        }
                        (true, _) => {
                            check!(self.member(&mut top));
                            continue 'value;
                        }
                        (false, None) => bail!("EOF while parsing a list"),
                        (false, _) => continue 'value,
                    }
                }
                b'-' | b'0'..=b'9' => check!(self.number()),
                b't' => check!(self.literal(b"true", Tag::True)),
                b'f' => check!(self.literal(b"false", Tag::False)),
                b'n' => check!(self.literal(b"null", Tag::Null)),
                _ => bail!("expected value"),
            }
            // After a value: close containers, or find the next member or item.
            while open {
                self.skip_ws();
                match self.peek() {
                    Some(b',') => {
                        self.i += 1;
                        self.skip_ws();
                        top.count += 1;
                        if top.object {
                            if self.peek() == Some(b'}') {
                                bail!("trailing comma");
                            }
                            check!(self.member(&mut top));
                        } else if self.peek() == Some(b']') {
                            bail!("trailing comma");
                        }
                        continue 'value;
                    }
                    Some(b'}') if top.object => {
                        self.i += 1;
                        open = self.close(&mut top);
                    }
                    Some(b']') if !top.object => {
                        self.i += 1;
                        open = self.close(&mut top);
                    }
                    None if top.object => bail!("EOF while parsing an object"),
                    None => bail!("EOF while parsing a list"),
                    Some(_) if top.object => bail!("expected `,` or `}`"),
                    Some(_) => bail!("expected `,` or `]`"),
                }
            }
            break;
        }
        self.skip_ws();
        if self.peek().is_some() {
            return Err("trailing characters");
        }
        Ok(())
    }

    /// Closes the container `top`: its count and end become known. Then `top` is its parent,
    /// if it has one (returned).
    #[inline]
    fn close(&mut self, top: &mut Frame) -> bool {
        let end = self.doc.nodes.len();
        let len = if end > top.slot as usize + 1 {
            top.count + 1
        } else {
            0
        };
        if let Some(s) = self.doc.nodes.get_mut(top.slot as usize) {
            s.a = len;
            s.b = end as u32;
        }
        match self.stack.pop() {
            Some(f) => {
                *top = f;
                true
            }
            None => false,
        }
    }

    /// Reads `"key": ` up to the member's value (whitespace skipped); `top` is its object.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn member(&mut self, top: &mut Frame) -> Step {
        match self.peek() {
            Some(b'"') => {}
            None => return Err("EOF while parsing an object"),
            Some(_) => return Err("key must be a string"),
        }
        let key = self.doc.nodes.len() as u32;
        self.string(Tag::Key, Tag::KeyDecoded)?;
        top.key = key;
        self.skip_ws();
        match self.peek() {
            Some(b':') => self.i += 1,
            None => return Err("EOF while parsing an object"),
            Some(_) => return Err("expected `:`"),
        }
        self.skip_ws();
        Ok(())
    }

    fn literal(&mut self, word: &[u8], tag: Tag) -> Step {
        let end = self.i + word.len();
        if self.b.get(self.i..end) != Some(word) {
            return Err("expected ident");
        }
        self.i = end;
        self.push(tag, 0, 0);
        Ok(())
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        self.i - start
    }

    #[inline]
    fn number(&mut self) -> Step {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let int_start = self.i;
        let n = self.digits();
        if n == 0 {
            return Err("invalid number");
        }
        if n > 1 && self.b.get(int_start) == Some(&b'0') {
            return Err("invalid number");
        }
        match self.peek() {
            // An integer of up to 18 digits always fits an i64.
            Some(b'.' | b'e' | b'E') => self.fraction(start),
            _ if n <= 18 => {
                self.push(Tag::Number, start, self.i);
                Ok(())
            }
            _ => self.fraction(start),
        }
    }

    /// The rest of [`Self::number`] after its integer digits, and the range check.
    #[cfg_attr(not(target_arch = "wasm32"), inline(never))]
    fn fraction(&mut self, start: usize) -> Step {
        let mut integer = true;
        if self.peek() == Some(b'.') {
            self.i += 1;
            integer = false;
            if self.digits() == 0 {
                return Err("invalid number");
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            integer = false;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err("invalid number");
            }
        }
        let text = self.text.get(start..self.i).unwrap_or("");
        // Integers that fit 64 bits are exact; anything else must be a finite f64.
        let fits = integer && (text.parse::<i64>().is_ok() || text.parse::<u64>().is_ok());
        if !fits && super::number::to_f64(text).is_none() {
            self.i = start;
            return Err("number out of range");
        }
        self.push(Tag::Number, start, self.i);
        Ok(())
    }

    /// Reads a string at `"`: a slice of the text (`plain`), or decoded into `doc.decoded`
    /// (`decoded`) if it has escapes.
    #[inline]
    fn string(&mut self, plain: Tag, decoded: Tag) -> Step {
        let start = self.i + 1;
        let end = plain_run(self.b, start);
        match self.b.get(end) {
            Some(b'"') => {
                self.i = end + 1;
                self.push(plain, start, end);
                Ok(())
            }
            Some(b'\\') => self.escaped(decoded, start, end),
            Some(_) => {
                self.i = end;
                Err("control character (\\u0000-\\u001F) found while parsing a string")
            }
            None => {
                self.i = end;
                Err("EOF while parsing a string")
            }
        }
    }

    /// The slow path of [`Self::string`]: `text[start..at]` is plain and `at` is a backslash.
    #[cfg_attr(not(target_arch = "wasm32"), inline(never))]
    fn escaped(&mut self, tag: Tag, start: usize, mut at: usize) -> Step {
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
                    self.push(tag, out_start, end);
                    return Ok(());
                }
                Some(b'\\') => {
                    self.i = at + 1;
                    let c = self.escape()?;
                    self.doc.decoded.push(c);
                    run = self.i;
                }
                Some(_) => {
                    self.i = at;
                    return Err("control character (\\u0000-\\u001F) found while parsing a string");
                }
                None => {
                    self.i = at;
                    return Err("EOF while parsing a string");
                }
            }
            at = plain_run(self.b, self.i);
        }
    }

    /// One escape after its backslash.
    fn escape(&mut self) -> Result<char, &'static str> {
        let Some(c) = self.peek() else {
            return Err("EOF while parsing a string");
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
                            return Err("lone leading surrogate in hex escape");
                        }
                        self.i += 2;
                        let lo = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&lo) {
                            return Err("lone leading surrogate in hex escape");
                        }
                        let code = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                        char::from_u32(code).ok_or("invalid unicode code point")?
                    }
                    0xDC00..=0xDFFF => return Err("unexpected end of hex escape"),
                    _ => char::from_u32(hi).ok_or("invalid unicode code point")?,
                }
            }
            _ => return Err("invalid escape"),
        })
    }

    fn hex4(&mut self) -> Result<u32, &'static str> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                None => return Err("EOF while parsing a string"),
                Some(_) => return Err("invalid escape"),
            };
            v = v * 16 + u32::from(d);
            self.i += 1;
        }
        Ok(v)
    }
}
