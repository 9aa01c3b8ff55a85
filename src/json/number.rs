//! JSON number text to f64 without the standard library's float parser (whose tables cost the
//! wasm module about 13 KB after brotli).
//!
//! Exact (correctly rounded, as `JSON.parse`) when the digits without leading and trailing zeros
//! fit 2^53 and the decimal exponent is within ±22, which covers every realistic pack number
//! (prices, thresholds, ratios); beyond that the result is within a few units in the last
//! place, and `None` when it overflows. See docs/pack-format.md ("Numbers").

/// 1e0 ..= 1e22: every one exactly representable.
const EXACT: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];
/// 1e1, 1e2, 1e4, … 1e256: 10^(2^i).
const BINARY: [f64; 9] = [1e1, 1e2, 1e4, 1e8, 1e16, 1e32, 1e64, 1e128, 1e256];
/// Largest integer an f64 holds exactly.
const MAX_EXACT: u64 = 1 << 53;

/// `m * 10^e` for `e >= 0`, by binary powers, never above `f64::MAX` unless the value is.
fn scale_up(mut f: f64, mut e: u32) -> f64 {
    let mut i = 0;
    while e > 0 && i < BINARY.len() {
        if e & 1 == 1 {
            f *= BINARY[i];
        }
        e >>= 1;
        i += 1;
    }
    if e > 0 {
        f64::INFINITY
    } else {
        f
    }
}

/// `m / 10^e` for `e >= 0`.
fn scale_down(mut f: f64, mut e: u32) -> f64 {
    let mut i = 0;
    while e > 0 && i < BINARY.len() {
        if e & 1 == 1 {
            f /= BINARY[i];
        }
        e >>= 1;
        i += 1;
    }
    if e > 0 {
        0.0
    } else {
        f
    }
}

/// The value of a JSON number's text (already checked against the JSON grammar), or `None` if
/// it is not finite as an f64.
pub fn to_f64(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    let (neg, mut i) = match b.first() {
        Some(b'-') => (true, 1),
        _ => (false, 0),
    };
    // Up to 19 significant digits in `m`; `exp` is the power of ten `m` is multiplied by.
    let mut m: u64 = 0;
    let mut digits = 0u32;
    let mut exp: i64 = 0;
    let mut seen_point = false;
    while let Some(&c) = b.get(i) {
        match c {
            b'0'..=b'9' => {
                let d = u64::from(c - b'0');
                if m == 0 && d == 0 {
                    // Leading zeros carry no digits.
                    if seen_point {
                        exp -= 1;
                    }
                } else if digits < 19 {
                    m = m * 10 + d;
                    digits += 1;
                    if seen_point {
                        exp -= 1;
                    }
                } else if !seen_point {
                    // Digits past the 19th: dropped (the rounding is approximate here).
                    exp += 1;
                }
            }
            b'.' => seen_point = true,
            b'e' | b'E' => break,
            _ => return None,
        }
        i += 1;
    }
    if let Some(b'e' | b'E') = b.get(i) {
        let rest = text.get(i + 1..)?;
        let rest = rest.strip_prefix('+').unwrap_or(rest);
        // An absurd exponent saturates: the value is then 0 or infinite anyway.
        let e: i64 = match rest.parse::<i64>() {
            Ok(e) => e,
            Err(_) if rest.starts_with('-') => -100_000,
            Err(_) => 100_000,
        };
        exp = exp.saturating_add(e);
    }
    if m == 0 {
        return Some(if neg { -0.0 } else { 0.0 });
    }
    // Trailing zeros of the digits move into the exponent, keeping `m` small.
    while m % 10 == 0 {
        m /= 10;
        exp += 1;
    }
    let v = if m <= MAX_EXACT && (-22..=22).contains(&exp) {
        // Exact operands, one rounding: correctly rounded.
        let f = m as f64;
        let p = EXACT[exp.unsigned_abs() as usize];
        if exp < 0 {
            f / p
        } else {
            f * p
        }
    } else if m <= MAX_EXACT && exp > 22 && exp <= 22 + 15 && {
        // A small mantissa may still be exact after moving powers of ten into it.
        let extra = EXACT[(exp - 22) as usize];
        (m as f64) * extra <= MAX_EXACT as f64
    } {
        (m as f64) * EXACT[(exp - 22) as usize] * EXACT[22]
    } else {
        // Normalise to [1, 10) first so that scaling cannot overflow before the true value
        // would.
        let lead = digits_of(m) as i64 - 1;
        let f = m as f64 / scale_up(1.0, lead as u32);
        let e = exp + lead;
        if e > 308 {
            return None;
        }
        if e >= 0 {
            let v = scale_up(f, e as u32);
            // Rounding in the scaling may overshoot at the very top of the range.
            if v.is_infinite() && e == 308 && f < 1.797_693_134_862_315_8 {
                f64::MAX
            } else {
                v
            }
        } else {
            scale_down(f, e.unsigned_abs().min(400) as u32)
        }
    };
    if !v.is_finite() {
        return None;
    }
    Some(if neg { -v } else { v })
}

fn digits_of(mut m: u64) -> u32 {
    let mut n = 1;
    while m >= 10 {
        m /= 10;
        n += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::to_f64;
    use proptest::prelude::*;

    #[test]
    fn exact_for_realistic_numbers() {
        for (text, want) in [
            ("0", 0.0),
            ("-0", -0.0),
            ("0.1", 0.1),
            ("49.99", 49.99),
            ("129900", 129900.0),
            ("-3", -3.0),
            ("1e21", 1e21),
            ("1.5e-7", 1.5e-7),
            ("123456789012345", 123456789012345.0),
            ("9007199254740992", 9007199254740992.0),
            ("0.000001", 0.000001),
            ("100e-2", 1.0),
            ("5e30", 5e30),
        ] {
            assert_eq!(to_f64(text), Some(want), "{text}");
        }
    }

    #[test]
    fn extremes_stay_finite_or_are_refused() {
        let max = to_f64("1.7976931348623157e308").unwrap();
        assert!(max.is_finite() && max > 1.797e308);
        assert_eq!(to_f64("-1e308").map(f64::is_finite), Some(true));
        let tiny = to_f64("5e-324").unwrap();
        assert!((0.0..1e-300).contains(&tiny));
        assert_eq!(to_f64("1e309"), None);
        assert_eq!(to_f64("1.8e308"), None);
        assert_eq!(to_f64("1e400"), None);
        assert_eq!(to_f64("-1e400"), None);
        assert_eq!(to_f64("1e-400"), Some(0.0));
        assert_eq!(to_f64("1e99999999999999999999"), None);
        assert_eq!(to_f64("1e-99999999999999999999"), Some(0.0));
        let big = to_f64(&("1".to_owned() + &"0".repeat(300))).unwrap();
        assert!((big / 1e300 - 1.0).abs() < 1e-12);
    }

    proptest! {
        /// Up to 15 significant digits and exponents within ±22: the same as the standard
        /// parser, bit for bit.
        #[test]
        fn agrees_with_std_in_the_exact_range(m in 0u64..1_000_000_000_000_000, e in -22i32..=22, neg: bool) {
            let text = format!("{}{m}e{e}", if neg { "-" } else { "" });
            prop_assert_eq!(to_f64(&text), text.parse::<f64>().ok());
            let text = format!("{}{}.{}", if neg { "-" } else { "" }, m % 10_000_000_000_000, e.unsigned_abs());
            prop_assert_eq!(to_f64(&text), text.parse::<f64>().ok());
        }

        /// Anywhere else: within a relative 1e-14 of the standard parser (or both refuse).
        #[test]
        fn close_to_std_elsewhere(m in 1u64..u64::MAX, e in -330i32..=310) {
            let text = format!("{m}e{e}");
            let std = text.parse::<f64>().ok().filter(|f| f.is_finite());
            match (to_f64(&text), std) {
                (Some(a), Some(b)) if b.abs() > 1e-300 => prop_assert!(((a - b) / b).abs() < 1e-14, "{} vs {}", a, b),
                (Some(_), Some(_)) => {}
                (None, None) => {}
                // At the very edge of the range one may round to infinity and the other not.
                (a, b) => prop_assert!(text.parse::<f64>().unwrap().abs() > 1.79e308, "{:?} vs {:?} for {}", a, b, text),
            }
        }
    }
}
