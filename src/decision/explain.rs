//! Builds the "because" sentence: the offer's template when every value it cites is known and
//! may be cited, else its contextual template, else a plain sentence from the page and cart.

use super::context::Context;
use crate::pack::template::{Placeholder, Template};
use crate::pack::Offer;
use crate::signals::AnswerValue;
use std::borrow::Cow;

fn value<'a>(
    ctx: &Context<'a>,
    offer: &'a Offer,
    chosen: Option<u32>,
    p: &Placeholder,
) -> Option<Cow<'a, str>> {
    let products = &ctx.pack.products;
    let prod = |i: Option<u32>| i.and_then(|i| products.get(i as usize));
    if p.personal() && !ctx.personal {
        return None;
    }
    match p {
        Placeholder::ChosenName => prod(chosen).map(|p| Cow::Borrowed(p.name.as_str())),
        Placeholder::ChosenCategory => prod(chosen).map(|p| Cow::Borrowed(p.category.as_str())),
        Placeholder::OfferName => Some(Cow::Borrowed(offer_name(ctx, offer))),
        Placeholder::PageProductName => {
            prod(ctx.page_product).map(|p| Cow::Borrowed(p.name.as_str()))
        }
        Placeholder::PageCategory => ctx
            .signals
            .page
            .category
            .as_deref()
            .or_else(|| prod(ctx.page_product).map(|p| p.category.as_str()))
            .map(Cow::Borrowed),
        Placeholder::CartCount => {
            (ctx.cart_count > 0).then(|| Cow::Owned(ctx.cart_count.to_string()))
        }
        Placeholder::CustomerSegment => ctx.signals.customer.segment.as_deref().map(Cow::Borrowed),
        Placeholder::Answer(i) => {
            let (key, ..) = ctx.pack.answers.get(usize::from(*i))?;
            match ctx.signals.answers.get(key)? {
                AnswerValue::String(s) => Some(Cow::Borrowed(s.as_str())),
                AnswerValue::Number(n) => shortest(*n).map(Cow::Owned),
                AnswerValue::Bool(b) => Some(Cow::Borrowed(if *b { "yes" } else { "no" })),
            }
        }
    }
}

/// The item's or bundle's name.
pub fn offer_name<'a>(ctx: &Context<'a>, offer: &'a Offer) -> &'a str {
    match (&offer.bundle, offer.item) {
        (Some(b), _) => &b.name,
        (None, Some(i)) => ctx
            .pack
            .products
            .get(i as usize)
            .map(|p| p.name.as_str())
            .unwrap_or_default(),
        (None, None) => &offer.title,
    }
}

fn render<'a>(
    ctx: &Context<'a>,
    offer: &'a Offer,
    chosen: Option<u32>,
    t: &Template,
) -> Option<String> {
    if t.personal && !ctx.personal {
        return None;
    }
    t.render(&mut |p| value(ctx, offer, chosen, p))
}

/// The sentence, and whether it cites anything personal.
pub fn because<'a>(ctx: &Context<'a>, offer: &'a Offer, chosen: Option<u32>) -> (String, bool) {
    if let Some(s) = offer
        .because
        .as_ref()
        .and_then(|t| Some((render(ctx, offer, chosen, t)?, t.personal)))
    {
        return s;
    }
    if let Some(s) = offer
        .because_contextual
        .as_ref()
        .and_then(|t| render(ctx, offer, chosen, t))
    {
        return (s, false);
    }
    let name = offer_name(ctx, offer);
    let chosen_name = chosen
        .and_then(|i| ctx.pack.products.get(i as usize))
        .map(|p| p.name.as_str());
    let s = match chosen_name {
        Some(c) => format!("Because you chose the {c}, we recommend the {name}."),
        None if ctx.cart_count > 0 => {
            format!("Because of what is in your cart, we recommend the {name}.")
        }
        None => format!("We recommend the {name}."),
    };
    (s, false)
}

/// Most significant digits [`shortest`] writes: with at most 15, the candidate nearest to the
/// number is the only one of its length that reads back as it (the spacing of 15-digit decimals
/// is over four times that of f64s), so the first length that reads back is the shortest form.
const MAX_DIGITS: f64 = 1e15;

/// `n` as `n.to_string()` writes it (the shortest decimal that reads back as `n`, never with an
/// exponent), for whole numbers below 2^53 and numbers whose shortest form is `c` × 10^-k with
/// `c` below 10^15 (15 significant digits) and `k` in -22..=22 (`2`, `2.5`, `0.001`, `1e21` as
/// `1000000000000000000000`); `None` for the rest (such as `0.1 + 0.2`, which needs 17 digits,
/// or `1e-30`), which a template then treats as absent.
///
/// Written out rather than `to_string()`: float printing (Grisu and Dragon4 with their tables)
/// is one of the largest pieces of code a wasm module can carry. Every check here is exact: a
/// candidate `c` below 2^53 and a power of ten up to 10^22 are both exact f64s, so `c / 10^k`
/// and `c * 10^k` are the correctly rounded values of the decimals, as reading them would give.
pub(crate) fn shortest(n: f64) -> Option<String> {
    if n.is_nan() {
        return Some("NaN".to_owned());
    }
    let sign = if n.is_sign_negative() { "-" } else { "" };
    let a = n.abs();
    if a.is_infinite() {
        return Some(format!("{sign}inf"));
    }
    if a == 0.0 {
        return Some(format!("{sign}0"));
    }
    if a < 9_007_199_254_740_992.0 && a.fract() == 0.0 {
        // Below 2^53 an integral f64's neighbours are whole numbers too: it is its own
        // shortest form.
        return Some(decimal(sign, a as u64, 0));
    }
    // k is the number of digits after the point (negative: zeros before it), smallest first.
    for k in -22i32..=22 {
        let scale = pow10(k.unsigned_abs());
        let x = if k < 0 { a / scale } else { a * scale };
        if x >= MAX_DIGITS {
            return None;
        }
        let nearest = x.round();
        for c in [nearest, nearest - 1.0, nearest + 1.0] {
            let back = if k < 0 { c * scale } else { c / scale };
            if (1.0..MAX_DIGITS).contains(&c) && back == a {
                return Some(decimal(sign, c as u64, k));
            }
        }
    }
    None
}

/// 10^e for e in 0..=22 (exact in an f64).
fn pow10(e: u32) -> f64 {
    let mut p = 1.0;
    for _ in 0..e.min(22) {
        p *= 10.0;
    }
    p
}

/// `sign`, then `c` with the point `k` digits from its right: `k` zeros appended when `k` is
/// negative, leading zeros added when `c` has no more than `k` digits.
fn decimal(sign: &str, c: u64, k: i32) -> String {
    let mut digits = String::new();
    crate::json::write::uint(&mut digits, c);
    let zeros = k.unsigned_abs() as usize;
    let mut out = String::with_capacity(sign.len() + digits.len() + zeros + 2);
    out.push_str(sign);
    if k <= 0 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', zeros));
    } else if let Some(whole @ 1..) = digits.len().checked_sub(zeros) {
        out.push_str(digits.get(..whole).unwrap_or_default());
        out.push('.');
        out.push_str(digits.get(whole..).unwrap_or_default());
    } else {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', zeros.saturating_sub(digits.len())));
        out.push_str(&digits);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::shortest;
    use proptest::prelude::*;

    /// Significant digits in `to_string()`'s output.
    fn significant(text: &str) -> usize {
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        digits.trim_start_matches('0').trim_end_matches('0').len()
    }

    /// Whether `to_string()`'s output is `c` × 10^-k with `c` < 10^15 and `k` in -22..=22.
    fn in_domain(text: &str) -> bool {
        let k = match text.split_once('.') {
            Some((_, fraction)) => fraction.len() as i32,
            None => -((text.len() - text.trim_end_matches('0').len()) as i32),
        };
        significant(text) <= 15 && (-22..=22).contains(&k)
    }

    #[test]
    fn writes_numbers_as_to_string_does() {
        for n in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            2.5,
            0.1,
            0.001,
            0.0000001,
            123.456,
            -7.25,
            1e15,
            1e21,
            1e22,
            1e-22,
            9007199254740991.0,
            -4503599627370497.0,
            0.3,
            100.0,
            1234567890.125,
            999999999999999.0,
            1e36,
            5e-324_f64.max(1e-22),
        ] {
            assert_eq!(shortest(n), Some(n.to_string()), "{n:?}");
        }
        for n in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(shortest(n), Some(n.to_string()));
        }
        // More than 15 significant digits, or too large or too small: treated as absent.
        for n in [
            0.1 + 0.2,
            1.0 / 3.0,
            4503599627370495.5,
            1e300,
            5e-324,
            f64::MAX,
            9007199254740993.0 * 3.0,
        ] {
            assert_eq!(shortest(n), None, "{n:?}");
        }
    }

    proptest! {
        #[test]
        fn whole_numbers_are_written_as_to_string(n in -9_007_199_254_740_991i64..=9_007_199_254_740_991) {
            let n = n as f64;
            prop_assert_eq!(shortest(n), Some(n.to_string()));
        }

        #[test]
        fn any_f64_is_written_as_to_string_or_not_at_all(
            n in prop_oneof![any::<u64>().prop_map(f64::from_bits), -1e6..1e6f64, -1.0..1.0f64],
        ) {
            let expected = n.to_string();
            match shortest(n) {
                Some(text) => prop_assert_eq!(text, expected),
                None => prop_assert!(!in_domain(&expected), "{}", expected),
            }
        }

        #[test]
        fn short_decimals_are_written_as_to_string(
            c in 0u64..1_000_000_000_000_000,
            k in -22i32..=22,
            digits in 1u32..=15,
            negative in any::<bool>(),
        ) {
            let c = c % 10u64.pow(digits);
            let text = if k < 0 {
                format!("{c}e{}", -k)
            } else {
                format!("{c}e-{k}")
            };
            let mut n: f64 = text.parse().unwrap();
            if negative {
                n = -n;
            }
            let expected = n.to_string();
            let whole = n.abs() < 9_007_199_254_740_992.0 && n.fract() == 0.0;
            if whole || in_domain(&expected) {
                prop_assert_eq!(shortest(n), Some(expected));
            } else if let Some(text) = shortest(n) {
                prop_assert_eq!(text, expected);
            }
        }
    }
}
