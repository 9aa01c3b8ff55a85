//! "Because" templates: text with {placeholders}, parsed and checked at load.

use crate::condition::ValueKind;
use crate::pack::error::{push, PackError, PackErrorKind};

/// A value a template may cite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placeholder {
    /// The product the shopper chose that the offer fits (page product, cart item or purchase).
    ChosenName,
    ChosenCategory,
    /// The offered item's or bundle's name.
    OfferName,
    PageProductName,
    PageCategory,
    CartCount,
    /// A declared answer, by index ("told us"); personal.
    Answer(u16),
    CustomerSegment,
}

impl Placeholder {
    /// Whether citing it needs personalization consent.
    pub fn personal(&self) -> bool {
        matches!(self, Placeholder::Answer(_) | Placeholder::CustomerSegment)
    }
}

/// One piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Literal text: a byte range of the template's `text`.
    Text(u32, u32),
    Slot(Placeholder),
}

/// A parsed template: its literal text in one string (two allocations per template, however
/// many pieces it has) and the pieces in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    text: String,
    segments: Vec<Segment>,
    pub personal: bool,
    /// Room for the text and typical values, to render without regrowing.
    pub len_hint: usize,
}

/// Placeholder names accepted in templates.
pub const PLACEHOLDERS: &[&str] = &[
    "chosen.name",
    "chosen.category",
    "offer.name",
    "page.product.name",
    "page.category",
    "cart.count",
    "customer.segment",
    "answers.<key>",
];
/// `PLACEHOLDERS.join(", ")`, written out: no `join` of a `&str` list in the wasm for messages.
const PLACEHOLDER_LIST: &str = "chosen.name, chosen.category, offer.name, page.product.name, \
page.category, cart.count, customer.segment, answers.<key>";

impl Template {
    /// Parses `text`; `{{` and `}}` are literal braces.
    pub fn parse(
        text: &str,
        answers: &[(String, ValueKind, Vec<String>)],
        offer: &str,
        at: &str,
        errors: &mut Vec<PackError>,
    ) -> Option<Template> {
        Template::parse_at(text, answers, offer, &at, errors)
    }

    /// [`Template::parse`] with the JSON path formatted only if there is an error.
    pub(crate) fn parse_at(
        text: &str,
        answers: &[(String, ValueKind, Vec<String>)],
        offer: &str,
        at: &dyn std::fmt::Display,
        errors: &mut Vec<PackError>,
    ) -> Option<Template> {
        // At most a text before each placeholder and one after the last.
        let braces = text.bytes().filter(|&b| b == b'{').count();
        let mut segments = Vec::with_capacity(2 * braces + 1);
        // The literal text is never longer than the template.
        let mut lit = String::with_capacity(text.len());
        // Where the literal piece being built starts in `lit`.
        let mut piece = 0;
        let mut rest = text;
        let before = errors.len();
        while let Some(i) = next_brace(rest) {
            let (Some(head), Some(tail)) = (rest.get(..i), rest.get(i..)) else {
                break;
            };
            lit.push_str(head);
            if let Some(t) = tail.strip_prefix("{{") {
                lit.push('{');
                rest = t;
                continue;
            }
            if let Some(t) = tail.strip_prefix("}}") {
                lit.push('}');
                rest = t;
                continue;
            }
            if tail.starts_with('}') {
                push(
                    errors,
                    PackErrorKind::BadValue,
                    Some(offer),
                    format_args!("{at}"),
                    format_args!("unmatched `}}` in template (write `}}}}` for a literal brace)"),
                );
                return None;
            }
            let Some(end) = tail.find('}') else {
                push(
                    errors,
                    PackErrorKind::BadValue,
                    Some(offer),
                    format_args!("{at}"),
                    format_args!("unclosed `{{` in template (write `{{{{` for a literal brace)"),
                );
                return None;
            };
            let name = tail.get(1..end).unwrap_or_default().trim();
            rest = tail.get(end + 1..).unwrap_or_default();
            let ph = match name {
                "chosen.name" => Some(Placeholder::ChosenName),
                "chosen.category" => Some(Placeholder::ChosenCategory),
                "offer.name" => Some(Placeholder::OfferName),
                "page.product.name" => Some(Placeholder::PageProductName),
                "page.category" => Some(Placeholder::PageCategory),
                "cart.count" => Some(Placeholder::CartCount),
                "customer.segment" => Some(Placeholder::CustomerSegment),
                other => match other.strip_prefix("answers.") {
                    Some(key) => match answers.iter().position(|(k, ..)| k == key) {
                        Some(i) => Some(Placeholder::Answer(u16::try_from(i).unwrap_or(u16::MAX))),
                        None => {
                            push(errors,
                                PackErrorKind::UnknownAnswer,
                                Some(offer),
                                format_args!("{at}"),
                                format_args!("template cites answer `{key}`, which the pack does not declare"),
                            );
                            None
                        }
                    },
                    None => {
                        push(
                            errors,
                            PackErrorKind::UnknownPlaceholder,
                            Some(offer),
                            format_args!("{at}"),
                            format_args!(
                                "unknown placeholder `{{{other}}}` (known: {})",
                                PLACEHOLDER_LIST
                            ),
                        );
                        None
                    }
                },
            };
            if let Some(ph) = ph {
                if lit.len() > piece {
                    segments.push(Segment::Text(to_u32(piece), to_u32(lit.len())));
                    piece = lit.len();
                }
                segments.push(Segment::Slot(ph));
            }
        }
        lit.push_str(rest);
        if lit.len() > piece {
            segments.push(Segment::Text(to_u32(piece), to_u32(lit.len())));
        }
        if errors.len() > before {
            return None;
        }
        let personal = segments
            .iter()
            .any(|s| matches!(s, Segment::Slot(p) if p.personal()));
        let slots = segments
            .iter()
            .filter(|s| matches!(s, Segment::Slot(_)))
            .count();
        Some(Template {
            len_hint: lit.len() + 32 * slots,
            text: lit,
            segments,
            personal,
        })
    }

    /// Renders with `value` supplying each placeholder; `None` if any value is missing
    /// (a sentence that would cite something we do not know is not shown).
    pub fn render<'v>(
        &self,
        value: &mut dyn FnMut(&Placeholder) -> Option<std::borrow::Cow<'v, str>>,
    ) -> Option<String> {
        let mut out = String::with_capacity(self.len_hint);
        for s in &self.segments {
            match s {
                Segment::Text(a, b) => {
                    out.push_str(self.text.get(*a as usize..*b as usize).unwrap_or_default())
                }
                Segment::Slot(p) => out.push_str(&value(p)?),
            }
        }
        Some(out)
    }
}

/// Where the first `{` or `}` of `s` is: two word-at-a-time searches (`str::find` of one
/// char) rather than a byte-by-byte scan for either.
fn next_brace(s: &str) -> Option<usize> {
    match (s.find('{'), s.find('}')) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// A template offset: templates are pack strings, far below 4 GiB (the envelope limit).
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers() -> Vec<(String, ValueKind, Vec<String>)> {
        vec![("sleep_temperature".into(), ValueKind::String, vec![])]
    }

    #[test]
    fn parses_and_renders() {
        let mut errs = Vec::new();
        let t = Template::parse(
            "Because you chose the {chosen.name} and told us you sleep {answers.sleep_temperature}, {{really}}",
            &answers(),
            "o",
            "at",
            &mut errs,
        )
        .unwrap();
        assert!(t.personal);
        let s = t.render(&mut |p| match p {
            Placeholder::ChosenName => Some("Aurora Queen".into()),
            Placeholder::Answer(0) => Some("hot".into()),
            _ => None,
        });
        assert_eq!(
            s.as_deref(),
            Some("Because you chose the Aurora Queen and told us you sleep hot, {really}")
        );
    }

    #[test]
    fn the_placeholder_list_is_the_placeholders() {
        assert_eq!(PLACEHOLDER_LIST, PLACEHOLDERS.join(", "));
    }

    #[test]
    fn missing_value_renders_nothing() {
        let mut errs = Vec::new();
        let t = Template::parse("x {chosen.name}", &answers(), "o", "at", &mut errs).unwrap();
        assert_eq!(t.render(&mut |_| None), None);
    }

    #[test]
    fn unknown_placeholders_and_braces_are_errors() {
        for s in ["{nope}", "{answers.budget}", "a { b", "a } b"] {
            let mut errs = Vec::new();
            assert!(
                Template::parse(s, &answers(), "o", "at", &mut errs).is_none(),
                "{s}"
            );
            assert_eq!(errs.len(), 1, "{s}");
        }
    }
}
