//! The card as HTML text, for a server that fills a slot before the page reaches the browser
//! (the edge worker): the drop-in script's markup and classes, every text escaped, links and
//! images only from `https://` or the site's own absolute paths.

use super::view::OfferView;
use crate::pack::source::OfferKind;

/// The card's fixed words (the drop-in script's defaults).
#[derive(Debug, Clone, Copy)]
pub struct Labels<'a> {
    /// The card's accessible name.
    pub label: &'a str,
    /// The dismiss button.
    pub no: &'a str,
    /// Before a bundle's savings.
    pub save: &'a str,
}

/// The words the drop-in script uses.
pub const LABELS: Labels<'static> = Labels {
    label: "Suggested add-on",
    no: "No thanks",
    save: "Save",
};

/// The card for `offer`, as the drop-in script builds it with `createElement`, as one HTML
/// fragment. The `<aside>` carries `data-xsell-offer` (the offer id) and
/// `data-xsell-skus` (what Add puts in the cart, space-separated) for the script to wire the
/// buttons.
pub fn card(offer: &OfferView<'_>, labels: &Labels<'_>) -> String {
    let mut h = String::with_capacity(768);
    h.push_str("<aside class=\"xsell-card\" aria-label=\"");
    escape(&mut h, labels.label);
    h.push_str("\" data-xsell-offer=\"");
    escape(&mut h, &offer.id);
    h.push_str("\" data-xsell-skus=\"");
    for (i, item) in offer.items.iter().enumerate() {
        if i > 0 {
            h.push(' ');
        }
        escape(&mut h, &item.sku);
    }
    h.push_str("\">");
    if let Some(src) = offer.image.as_deref().filter(|u| safe_url(u)) {
        h.push_str("<img class=\"xsell-img\" src=\"");
        escape(&mut h, src);
        h.push_str("\" alt=\"\" width=\"64\" height=\"64\" loading=\"lazy\">");
    }
    h.push_str("<div class=\"xsell-body\"><p class=\"xsell-title\">");
    match offer.url.as_deref().filter(|u| safe_url(u)) {
        Some(href) => {
            h.push_str("<a href=\"");
            escape(&mut h, href);
            h.push_str("\">");
            escape(&mut h, &offer.title);
            h.push_str("</a>");
        }
        None => escape(&mut h, &offer.title),
    }
    h.push_str("</p>");
    if let Some(b) = &offer.benefit {
        para(&mut h, "benefit", b);
    }
    if offer.kind == OfferKind::Bundle {
        h.push_str("<p class=\"xsell-items\">");
        for (i, item) in offer.items.iter().enumerate() {
            if i > 0 {
                h.push_str(" + ");
            }
            escape(&mut h, &item.name);
        }
        h.push_str("</p>");
    }
    h.push_str("<p class=\"xsell-price\"><span class=\"xsell-now\">");
    escape(&mut h, &offer.price.display);
    h.push_str("</span>");
    if let Some(s) = &offer.savings {
        if let Some(r) = &offer.regular_price {
            h.push_str("<s class=\"xsell-was\">");
            escape(&mut h, &r.display);
            h.push_str("</s>");
        }
        h.push_str("<span class=\"xsell-save\">");
        escape(&mut h, labels.save);
        h.push(' ');
        escape(&mut h, &s.display);
        h.push_str("</span>");
    }
    h.push_str("</p>");
    para(&mut h, "because", &offer.because);
    h.push_str("<div class=\"xsell-actions\"><button type=\"button\" class=\"xsell-add\">");
    escape(
        &mut h,
        if offer.cta.is_empty() {
            "Add"
        } else {
            &offer.cta
        },
    );
    h.push_str("</button><button type=\"button\" class=\"xsell-no\">");
    escape(&mut h, labels.no);
    h.push_str("</button></div></div></aside>");
    h
}

fn para(h: &mut String, class: &str, text: &str) {
    h.push_str("<p class=\"xsell-");
    h.push_str(class);
    h.push_str("\">");
    escape(h, text);
    h.push_str("</p>");
}

/// Text for an element's content or a double-quoted attribute value.
pub fn escape(out: &mut String, s: &str) {
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(s.get(start..i).unwrap_or_default());
        out.push_str(rep);
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or_default());
}

/// `https://…`, or a path on the site itself (`/…` but not `//…`), with no whitespace,
/// backslash or control characters: what the drop-in script's `safeUrl` accepts.
pub fn safe_url(u: &str) -> bool {
    let b = u.as_bytes();
    let https = b
        .get(..8)
        .is_some_and(|p| p.eq_ignore_ascii_case(b"https://"));
    let own_path = b.first() == Some(&b'/') && b.get(1) != Some(&b'/');
    (https || own_path)
        && !b
            .iter()
            .any(|&c| c.is_ascii_whitespace() || c == b'\\' || c < 0x20 || c == 0x7f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_markup_character() {
        let mut s = String::new();
        escape(&mut s, r#"<a href="x" onclick='y'>&</a>"#);
        assert_eq!(
            s,
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
        let mut t = String::new();
        escape(&mut t, "Crème brûlée — no markup");
        assert_eq!(t, "Crème brûlée — no markup");
    }

    #[test]
    fn only_https_and_own_paths_are_links() {
        for ok in [
            "https://cdn.example/a.png",
            "HTTPS://x.example/",
            "/img/a.svg",
        ] {
            assert!(safe_url(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "http://x.example/",
            "//evil.example/a",
            "data:image/svg+xml,<svg>",
            "/a b",
            "/a\\b",
            "/a\nb",
            "",
            "img/a.svg",
        ] {
            assert!(!safe_url(bad), "{bad}");
        }
    }

    fn demo_card(edit: impl FnOnce(&mut serde_json::Value)) -> String {
        let mut pack: serde_json::Value =
            serde_json::from_str(include_str!("../../fixtures/packs/demo.json")).unwrap();
        edit(&mut pack);
        let pack = crate::Pack::from_json(pack.to_string().as_bytes()).unwrap();
        let signals: crate::Signals = serde_json::from_value(serde_json::json!({
            "placement": "product",
            "page": { "product": "AURORA-Q", "dwell_seconds": 45 }
        }))
        .unwrap();
        let now = crate::pack::time::parse_rfc3339("2026-11-23T09:30:00Z").unwrap();
        let d = crate::decide(
            &pack,
            &signals,
            &crate::Ledger::default(),
            &crate::Consent::ALL,
            now,
        );
        card(d.offer.as_ref().expect("an offer"), &LABELS)
    }

    #[test]
    fn the_demo_card_has_the_scripts_markup() {
        // Fixture 001: the Sleep Preservation Set, $139.00, saving $19.00 on $158.00.
        let h = demo_card(|_| {});
        for part in [
            r#"<aside class="xsell-card" aria-label="Suggested add-on" data-xsell-offer="sleep-set-advanced" data-xsell-skus="COOLGUARD-Q PILLOW-CLOUD">"#,
            r#"<img class="xsell-img" src="/img/coolguard-q.svg" alt="" width="64" height="64" loading="lazy">"#,
            r#"<p class="xsell-title"><a href="/products/coolguard-q.html">Sleep Preservation Set</a></p>"#,
            r#"<p class="xsell-items">CoolGuard Queen Protector + Cloud Pillow</p>"#,
            r#"<span class="xsell-now">$139.00</span><s class="xsell-was">$158.00</s><span class="xsell-save">Save $19.00</span>"#,
            r#"<p class="xsell-because">Because you chose the Aurora Queen Mattress, the Sleep Preservation Set protects it from day one.</p>"#,
            r#"<button type="button" class="xsell-add">Add set</button><button type="button" class="xsell-no">No thanks</button>"#,
        ] {
            assert!(h.contains(part), "missing {part}\nin {h}");
        }
    }

    #[test]
    fn hostile_pack_text_stays_text() {
        let h = demo_card(|p| {
            for o in p["offers"].as_array_mut().unwrap() {
                if o["id"] == "sleep-set-advanced" {
                    o["title"] = "\"><script>alert(1)</script>".into();
                    o["benefit"] = "<img src=x onerror=alert(2)>".into();
                }
            }
        });
        assert!(!h.contains("<script") && !h.contains("<img src=x"), "{h}");
        assert!(h.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{h}");
    }
}
