//! Writing JSON text: strings escaped as `JSON.stringify` does, and [`Node`]s as compact JSON.

use super::{Kind, Node};

/// Appends `s` as a JSON string literal.
pub fn string(out: &mut String, s: &str) {
    out.push('"');
    let mut run = 0;
    for (i, c) in s.char_indices() {
        let esc = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\u{8}' => "\\b",
            '\u{c}' => "\\f",
            c if c < ' ' => "",
            _ => continue,
        };
        out.push_str(s.get(run..i).unwrap_or(""));
        if esc.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            let b = c as usize;
            out.push_str("\\u00");
            out.push(char::from(HEX[b >> 4]));
            out.push(char::from(HEX[b & 15]));
        } else {
            out.push_str(esc);
        }
        run = i + c.len_utf8();
    }
    out.push_str(s.get(run..).unwrap_or(""));
    out.push('"');
}

/// `["a", "b"]`: a list of strings quoted as JSON, for messages (as `{:?}` of a `Vec<&str>`
/// would write it for plain text, without pulling `char::escape_debug` into the wasm module).
pub fn quoted_list<'s>(items: impl IntoIterator<Item = &'s str>) -> String {
    let mut out = String::from("[");
    for (i, s) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        string(&mut out, s);
    }
    out.push(']');
    out
}

/// Appends `n` as compact JSON: object keys sorted, numbers as written.
pub fn value(out: &mut String, n: Node<'_>) {
    match n.kind() {
        Kind::Null => out.push_str("null"),
        Kind::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        Kind::Number(x) => out.push_str(x.text()),
        Kind::Str(s) => string(out, s),
        Kind::Array(a) => {
            out.push('[');
            for (i, item) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                value(out, item);
            }
            out.push(']');
        }
        Kind::Object(o) => {
            out.push('{');
            for (i, (k, v)) in o.sorted().into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                string(out, k);
                out.push(':');
                value(out, v);
            }
            out.push('}');
        }
    }
}

/// Appends an unsigned integer in decimal.
pub fn uint(out: &mut String, v: u64) {
    crate::pack::money::push_digits(out, v, false);
}

/// Appends a signed integer in decimal.
pub fn int(out: &mut String, v: i64) {
    if v < 0 {
        out.push('-');
    }
    uint(out, v.unsigned_abs());
}
