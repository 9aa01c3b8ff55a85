//! Money display: minor units and an ISO 4217 code to the text a card shows ("$1,299.00").

/// Formats `amount` (minor units) in `currency`. Known currencies get their symbol and decimals;
/// any other code is written after the number with two decimals ("19.99 SEK").
pub fn format_money(amount: u64, currency: &str) -> String {
    let (symbol, decimals) = match currency {
        "USD" => ("$", 2),
        "EUR" => ("€", 2),
        "GBP" => ("£", 2),
        "JPY" => ("¥", 0),
        "CAD" => ("CA$", 2),
        "AUD" => ("A$", 2),
        _ => ("", 2),
    };
    let (whole, frac) = if decimals == 0 {
        (amount, 0)
    } else {
        (amount / 100, amount % 100)
    };
    let mut out = String::with_capacity(symbol.len() + 32 + currency.len());
    out.push_str(symbol);
    push_digits(&mut out, whole, true);
    if decimals == 2 {
        out.push('.');
        out.push(char::from(b'0' + (frac / 10) as u8));
        out.push(char::from(b'0' + (frac % 10) as u8));
    }
    if symbol.is_empty() {
        out.push(' ');
        out.push_str(currency);
    }
    out
}

/// Appends `n` in decimal, with a `,` between thousands when `group` is set; no formatting
/// machinery, one digit buffer on the stack.
pub fn push_digits(out: &mut String, n: u64, group: bool) {
    // The text, written backwards from the end of a stack buffer: 20 digits and 6 commas at
    // most. Pushed as one ASCII string.
    let mut buf = [0u8; 26];
    let (mut v, mut at, mut digits) = (n, buf.len(), 0);
    loop {
        if group && digits > 0 && digits % 3 == 0 {
            at -= 1;
            if let Some(b) = buf.get_mut(at) {
                *b = b',';
            }
        }
        at -= 1;
        if let Some(b) = buf.get_mut(at) {
            *b = b'0' + (v % 10) as u8;
        }
        digits += 1;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    // ASCII digits and commas: always UTF-8.
    if let Some(text) = buf.get(at..).and_then(|b| std::str::from_utf8(b).ok()) {
        out.push_str(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_money() {
        assert_eq!(format_money(129_900, "USD"), "$1,299.00");
        assert_eq!(format_money(5, "EUR"), "€0.05");
        assert_eq!(format_money(0, "USD"), "$0.00");
        assert_eq!(format_money(100_000, "USD"), "$1,000.00");
        assert_eq!(format_money(99_999, "USD"), "$999.99");
        assert_eq!(format_money(123_456_789, "GBP"), "£1,234,567.89");
        assert_eq!(format_money(1500, "JPY"), "¥1,500");
        assert_eq!(format_money(999, "JPY"), "¥999");
        assert_eq!(format_money(1999, "SEK"), "19.99 SEK");
        assert_eq!(format_money(u64::MAX, "USD"), "$184,467,440,737,095,516.15");
    }
}
