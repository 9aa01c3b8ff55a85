//! Pack lint: every load error of a pack, plus the mistakes that load but make an offer useless
//! (it can never show, it collides with its own exclusive group, it has nothing to say).
//!
//! Pure like the rest of the core: [`lint`] takes the pack's bytes and returns findings; the
//! `xsell pack check` command prints them and `xsell pack sign` refuses a pack with errors.

use crate::pack::compile;
use crate::pack::source::{OfferSource, PackSource};
use crate::pack::{OfferKind, Pack, SequenceEvent, Stage};
use serde::Serialize;
use std::collections::{BTreeSet, VecDeque};
use std::fmt;

/// Stable codes of the findings this module adds (load errors keep their
/// [`crate::PackErrorKind::code`]).
pub mod codes {
    /// Error: the offer can never be shown (window, zero cap, `after` cycle, waits for an
    /// offer that can never show).
    pub const NEVER_SHOWS: &str = "never_shows";
    /// Error (waits for acceptance of a group peer) or warning (waits for it to be shown).
    pub const CONFLICTING_GROUP: &str = "conflicting_group";
    /// Warning: an item the offer sells has catalog stock 0.
    pub const OUT_OF_STOCK: &str = "out_of_stock";
    pub const MISSING_BENEFIT: &str = "missing_benefit";
    pub const MISSING_EXPLANATION: &str = "missing_explanation";
    pub const PERSONAL_EXPLANATION_WITHOUT_FALLBACK: &str = "personal_explanation_without_fallback";
    pub const BUNDLE_ANCHOR_MISSING: &str = "bundle_anchor_missing";
    pub const STAGE_PLACEMENT_MISMATCH: &str = "stage_placement_mismatch";
    /// Warning (for information): a product nothing in the pack refers to.
    pub const UNUSED_PRODUCT: &str = "unused_product";
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The pack must not be signed as it is.
    Error,
    /// Worth a look; the pack still works.
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem found in a pack.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Finding {
    pub severity: Severity,
    /// Stable snake_case code: a [`crate::PackErrorKind::code`] or one of [`codes`].
    pub code: String,
    /// The offer the finding is about, if any.
    pub offer: Option<String>,
    /// JSON path in the pack source, e.g. `offers[3].after[0].offer` (empty when none applies).
    pub at: String,
    pub message: String,
}

impl Finding {
    fn new(
        severity: Severity,
        code: &str,
        offer: Option<&str>,
        at: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            severity,
            code: code.to_owned(),
            offer: offer.map(str::to_owned),
            at: at.into(),
            message: message.into(),
        }
    }
}

/// `error: [code] offer `id` at PATH: message` (the offer and path parts only when known).
impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: [{}] ", self.severity.as_str(), self.code)?;
        match (&self.offer, self.at.is_empty()) {
            (Some(o), false) => write!(f, "offer `{o}` at {}: ", self.at)?,
            (Some(o), true) => write!(f, "offer `{o}`: ")?,
            (None, false) => write!(f, "at {}: ", self.at)?,
            (None, true) => {}
        }
        f.write_str(&self.message)
    }
}

/// The findings and what the pack holds (counts are 0 when the JSON did not parse).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub offers: usize,
    pub products: usize,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    }
    pub fn warnings(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count()
    }
}

/// Lints pack source JSON: load errors first (as errors), then, if it compiles, the checks
/// of this module. Errors come before warnings; otherwise findings keep pack order.
pub fn lint(bytes: &[u8]) -> Vec<Finding> {
    report(bytes).findings
}

/// [`lint`], with the number of offers and products for a summary line.
pub fn report(bytes: &[u8]) -> Report {
    let doc = compile::parse(bytes);
    let src = match doc.as_ref().map_err(Clone::clone).and_then(compile::read) {
        Ok(src) => src,
        Err(errors) => {
            return Report {
                findings: from_pack_errors(&errors),
                offers: 0,
                products: 0,
            };
        }
    };
    let mut findings = match compile::compile(src.clone()) {
        Err(errors) => from_pack_errors(&errors),
        Ok(pack) => check(&src, &pack),
    };
    findings.sort_by_key(|f| f.severity);
    Report {
        findings,
        offers: src.offers.len(),
        products: src.catalog.len(),
    }
}

fn from_pack_errors(errors: &crate::PackErrors) -> Vec<Finding> {
    errors
        .iter()
        .map(|e| {
            Finding::new(
                Severity::Error,
                e.kind.code(),
                e.offer.as_deref(),
                e.at.clone(),
                e.message.clone(),
            )
        })
        .collect()
}

fn stage_name(s: Stage) -> &'static str {
    match s {
        Stage::Researching => "researching",
        Stage::Purchasing => "purchasing",
        Stage::Onboarding => "onboarding",
        Stage::Using => "using",
    }
}

fn event_name(e: SequenceEvent) -> &'static str {
    match e {
        SequenceEvent::Shown => "shown",
        SequenceEvent::Accepted => "accepted",
    }
}

/// Checks on a pack that compiled. `src.offers[i]` is `pack.offers[i]` (compile keeps order).
fn check(src: &PackSource, pack: &Pack) -> Vec<Finding> {
    let mut out = Vec::new();
    let n = pack.offers.len();
    // Offers that never show for a reason of their own (already reported).
    let mut blocked = vec![false; n];

    // Global caps of 0 stop every offer.
    let g = &pack.policy.caps;
    for (label, cap) in [("session", g.session), ("day", g.day), ("week", g.week)] {
        if cap == Some(0) {
            out.push(Finding::new(
                Severity::Error,
                codes::NEVER_SHOWS,
                None,
                format!("policy.caps.{label}"),
                format!("a global {label} cap of 0 means no offer is ever shown"),
            ));
            blocked.iter_mut().for_each(|b| *b = true);
        }
    }
    // Placements where a placement cap of 0 stops everything.
    let mut closed = 0u64;
    for (pi, c) in pack.policy.placement_caps.iter().enumerate() {
        if [c.session, c.day, c.week].contains(&Some(0)) && pi < 64 {
            closed |= 1u64 << pi;
        }
    }

    for (i, (o, s)) in pack.offers.iter().zip(&src.offers).enumerate() {
        let at = format!("offers[{i}]");
        let id = Some(o.id.as_str());
        let mut push = |severity: Severity, code: &str, path: String, msg: String| {
            out.push(Finding::new(severity, code, id, path, msg));
        };
        let err = Severity::Error;

        // Never shows: window outside the pack's validity.
        let h = &pack.header;
        if o.window.1.is_some_and(|u| u <= h.issued_at) {
            push(
                err,
                codes::NEVER_SHOWS,
                format!("{at}.window.until"),
                format!(
                    "the offer's window ends ({}) before the pack is issued ({}), so it never shows",
                    s.window.as_ref().and_then(|w| w.until).unwrap_or_default(),
                    src.header.issued_at
                ),
            );
            blocked[i] = true;
        }
        if o.window.0.is_some_and(|f| f >= h.expires_at) {
            push(
                err,
                codes::NEVER_SHOWS,
                format!("{at}.window.from"),
                format!(
                    "the offer's window starts ({}) once the pack has expired ({}), so it never shows",
                    s.window.as_ref().and_then(|w| w.from).unwrap_or_default(),
                    src.header.expires_at
                ),
            );
            blocked[i] = true;
        }
        // Never shows: a cap of 0.
        for (label, cap) in [
            ("session", o.caps.session),
            ("day", o.caps.day),
            ("week", o.caps.week),
        ] {
            if cap == Some(0) {
                push(
                    err,
                    codes::NEVER_SHOWS,
                    format!("{at}.caps.{label}"),
                    format!("a {label} cap of 0 means the offer is never shown"),
                );
                blocked[i] = true;
            }
        }
        if o.placements != 0 && o.placements & !closed == 0 {
            push(
                err,
                codes::NEVER_SHOWS,
                format!("{at}.placements"),
                "every placement of the offer has a cap of 0 in policy.placement_caps, so it never shows".to_owned(),
            );
            blocked[i] = true;
        }
        // Sequencing on a peer of its own exclusive group.
        for (k, (prev, event)) in o.after.iter().enumerate() {
            let Some(p) = pack.offers.get(*prev as usize) else {
                continue;
            };
            let (Some(mine), Some(theirs)) = (&o.group, &p.group) else {
                continue;
            };
            if mine != theirs {
                continue;
            }
            match event {
                SequenceEvent::Accepted => {
                    push(
                err,
                        codes::CONFLICTING_GROUP,
                        format!("{at}.after[{k}]"),
                        format!(
                            "waits until `{}` is accepted, but `{}` is in its own exclusive group `{mine}`, which suppresses this offer for good once `{}` is accepted: it can never show",
                            p.id, p.id, p.id
                        ),
                    );
                    blocked[i] = true;
                }
                SequenceEvent::Shown => push(
                    Severity::Warning,
                    codes::CONFLICTING_GROUP,
                    format!("{at}.after[{k}]"),
                    format!(
                        "waits until `{}` is shown, but `{}` is in its own exclusive group `{mine}`, so it stays suppressed for the rest of that session and can show only in a later one",
                        p.id, p.id
                    ),
                ),
            }
        }
    }

    never_shows_by_sequence(pack, &blocked, &mut out);

    for (i, (o, s)) in pack.offers.iter().zip(&src.offers).enumerate() {
        let at = format!("offers[{i}]");
        let id = Some(o.id.as_str());
        let mut warn = |code: &str, path: String, msg: String| {
            out.push(Finding::new(Severity::Warning, code, id, path, msg));
        };

        // Out of stock in the catalog.
        for &x in &o.sells {
            let Some(p) = pack.products.get(x as usize) else {
                continue;
            };
            if p.stock != Some(0) {
                continue;
            }
            warn(
                codes::OUT_OF_STOCK,
                sold_item_path(&at, s, &p.sku),
                format!("sells `{}`, whose catalog stock is 0: it will not show unless live stock says otherwise", p.sku),
            );
        }

        // Nothing to say.
        if s.benefit.is_none_or(|b| b.trim().is_empty()) {
            warn(
                codes::MISSING_BENEFIT,
                format!("{at}.benefit"),
                "no benefit statement: say what the add-on does for the shopper".to_owned(),
            );
        }
        match &o.because {
            None => warn(
                codes::MISSING_EXPLANATION,
                format!("{at}.because"),
                "no `because`: the shopper gets a generic sentence instead of the reason for this offer".to_owned(),
            ),
            Some(t) if t.personal && o.because_contextual.is_none() => warn(
                codes::PERSONAL_EXPLANATION_WITHOUT_FALLBACK,
                format!("{at}.because_contextual"),
                "the `because` cites personal values (answers or segment) and there is no `because_contextual`: shoppers without personalization consent get a generic sentence".to_owned(),
            ),
            Some(_) => {}
        }

        // Bundle without an anchor.
        if let Some(b) = &o.bundle {
            if b.anchor.is_none() {
                warn(
                    codes::BUNDLE_ANCHOR_MISSING,
                    format!("{at}.bundle.anchor"),
                    format!("bundle `{}` names no anchor: name the product it is built around (it stays at full price)", b.name),
                );
            }
        }

        // Need stage that none of its placements ever sees.
        let mut seen: Vec<Stage> = Vec::new();
        let mut names: Vec<&str> = Vec::new();
        for (pi, p) in pack.placements.iter().enumerate() {
            if pi >= 64 || o.placements & (1u64 << pi) == 0 {
                continue;
            }
            names.push(&p.name);
            seen.push(p.stage);
            // The engine moves an onboarding placement to `using` once the onboarding
            // window after the purchase has passed.
            if p.stage == Stage::Onboarding {
                seen.push(Stage::Using);
            }
        }
        // A placement that never sees the stage, while another does: the offer shows there.
        if seen.contains(&o.stage) {
            for (pi, p) in pack.placements.iter().enumerate() {
                if pi >= 64 || o.placements & (1u64 << pi) == 0 {
                    continue;
                }
                let sees =
                    p.stage == o.stage || (p.stage == Stage::Onboarding && o.stage == Stage::Using);
                if !sees {
                    warn(
                        codes::STAGE_PLACEMENT_MISMATCH,
                        format!("{at}.placements"),
                        format!(
                            "the offer is for the {} stage, but placement `{}` only sees {}: it never shows there",
                            stage_name(o.stage),
                            p.name,
                            if p.stage == Stage::Onboarding {
                                "onboarding or using".to_owned()
                            } else {
                                stage_name(p.stage).to_owned()
                            }
                        ),
                    );
                }
            }
        }
        if !seen.is_empty() && !seen.contains(&o.stage) {
            let stages: BTreeSet<&str> = seen.iter().map(|s| stage_name(*s)).collect();
            warn(
                codes::STAGE_PLACEMENT_MISMATCH,
                format!("{at}.need.stage"),
                format!(
                    "the offer is for the {} stage, but its placements ({}) only see {}: it never shows",
                    stage_name(o.stage),
                    names.join(", "),
                    stages.into_iter().collect::<Vec<_>>().join(" or ")
                ),
            );
        }
    }

    unused_products(src, pack, &mut out);
    out
}

/// Path of a sold sku in the offer source.
fn sold_item_path(at: &str, s: &OfferSource, sku: &str) -> String {
    if s.kind == OfferKind::Addon {
        return format!("{at}.item");
    }
    match s
        .bundle
        .as_ref()
        .and_then(|b| b.items.iter().position(|x| *x == sku))
    {
        Some(k) => format!("{at}.bundle.items[{k}]"),
        None => format!("{at}.bundle.items"),
    }
}

/// Offers that can never show because of their `after` chain: it forms a cycle, or it waits
/// for an offer that can never show. An offer "can show" when it is not blocked on its own
/// and every offer it waits for can show (least fixed point, so cycles never qualify).
fn never_shows_by_sequence(pack: &Pack, blocked: &[bool], out: &mut Vec<Finding>) {
    let n = pack.offers.len();
    let mut live = vec![false; n];
    loop {
        let mut changed = false;
        for (i, o) in pack.offers.iter().enumerate() {
            if live[i] || blocked[i] {
                continue;
            }
            if o.after
                .iter()
                .all(|(p, _)| live.get(*p as usize).copied().unwrap_or(false))
            {
                live[i] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for (i, o) in pack.offers.iter().enumerate() {
        if live[i] || blocked[i] {
            continue;
        }
        let at = format!("offers[{i}]");
        if let Some((k, cycle)) = cycle_through(pack, i) {
            let names: Vec<&str> = cycle
                .iter()
                .filter_map(|&x| pack.offers.get(x))
                .map(|x| x.id.as_str())
                .collect();
            out.push(Finding::new(
                Severity::Error,
                codes::NEVER_SHOWS,
                Some(&o.id),
                format!("{at}.after[{k}].offer"),
                format!(
                    "its `after` chain forms a cycle ({}), so none of them can ever show first",
                    names.join(" → ")
                ),
            ));
            continue;
        }
        let dead = o
            .after
            .iter()
            .enumerate()
            .find(|(_, (p, _))| !live.get(*p as usize).copied().unwrap_or(false));
        if let Some((k, (p, event))) = dead {
            let pid = pack
                .offers
                .get(*p as usize)
                .map(|x| x.id.as_str())
                .unwrap_or_default();
            out.push(Finding::new(
                Severity::Error,
                codes::NEVER_SHOWS,
                Some(&o.id),
                format!("{at}.after[{k}].offer"),
                format!("waits until `{pid}` is {}, but `{pid}` can never show, so neither can this offer", event_name(*event)),
            ));
        }
    }
}

/// A shortest `after` cycle from offer `start` back to itself, if any: the index of the
/// first edge in `start`'s `after` list, and the offers along the way (`start` at both ends).
fn cycle_through(pack: &Pack, start: usize) -> Option<(usize, Vec<usize>)> {
    let n = pack.offers.len();
    // parent[x] = (previous offer, index of the edge taken from `start` when previous is start)
    let mut parent: Vec<Option<usize>> = vec![None; n];
    let mut first_edge: Vec<usize> = vec![0; n];
    let mut queue = VecDeque::new();
    let edges = |x: usize| {
        pack.offers
            .get(x)
            .map(|o| o.after.iter().map(|(p, _)| *p as usize).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    for (k, p) in edges(start).into_iter().enumerate() {
        if p == start {
            return Some((k, vec![start, start]));
        }
        if p < n && parent[p].is_none() {
            parent[p] = Some(start);
            first_edge[p] = k;
            queue.push_back(p);
        }
    }
    while let Some(x) = queue.pop_front() {
        for p in edges(x) {
            if p == start {
                let mut path = vec![start, x];
                let mut cur = x;
                while let Some(prev) = parent.get(cur).copied().flatten() {
                    if prev == start {
                        break;
                    }
                    path.push(prev);
                    cur = prev;
                }
                path.push(start);
                path.reverse();
                return Some((first_edge[x], path));
            }
            if p < n && p != start && parent[p].is_none() {
                parent[p] = Some(x);
                first_edge[p] = first_edge[x];
                queue.push_back(p);
            }
        }
    }
    None
}

/// Products that no offer sells or anchors, no compatibility rule names or selects, and no
/// condition mentions (by sku, category or tag).
fn unused_products(src: &PackSource, pack: &Pack, out: &mut Vec<Finding>) {
    let mut used = vec![false; pack.products.len()];
    let mut mark = |x: u32| {
        if let Some(u) = used.get_mut(x as usize) {
            *u = true;
        }
    };
    for o in &pack.offers {
        o.item
            .into_iter()
            .chain(o.sells.iter().copied())
            .for_each(&mut mark);
        if let Some(b) = &o.bundle {
            b.items.iter().copied().chain(b.anchor).for_each(&mut mark);
        }
    }
    for (addon, c) in pack.compat.iter().enumerate() {
        let Some(c) = c else { continue };
        mark(u32::try_from(addon).unwrap_or(u32::MAX));
        for sel in c.requires.iter().chain(c.excludes.iter()) {
            for (x, p) in pack.products.iter().enumerate() {
                let x = u32::try_from(x).unwrap_or(u32::MAX);
                if sel.matches(x, p) {
                    mark(x);
                }
            }
        }
    }
    let mut words: BTreeSet<&str> = BTreeSet::new();
    for o in &src.offers {
        if let Some(w) = &o.when {
            words.extend(w.strings());
        }
    }
    for (x, p) in pack.products.iter().enumerate() {
        let mentioned = words.contains(p.sku.as_str())
            || words.contains(p.category.as_str())
            || p.tags.iter().any(|t| words.contains(t.as_str()));
        if used.get(x).copied().unwrap_or(true) || mentioned {
            continue;
        }
        out.push(Finding::new(
            Severity::Warning,
            codes::UNUSED_PRODUCT,
            None,
            format!("catalog[{x}]"),
            format!(
                "product `{}` is not sold or anchored by any offer, and no compatibility rule or condition names it",
                p.sku
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A valid pack: a mattress, a protector and a pillow; `offers` is the offers array body,
    /// `extra` more top-level members (with a leading comma).
    fn pack_with(catalog_extra: &str, offers: &str, extra: &str) -> String {
        format!(
            r#"{{
  "format": 1,
  "header": {{"id": "test-pack", "version": 1, "issued_at": "2026-01-01T00:00:00Z",
             "expires_at": "2027-01-01T00:00:00Z", "audience": ["shop.example.com"], "min_engine": "0.1.0"}},
  "catalog": [
    {{"sku": "M1", "name": "Aurora Queen", "category": "mattress", "price": {{"amount": 100000, "currency": "USD"}}}},
    {{"sku": "P1", "name": "CoolGuard Protector", "category": "protection", "price": {{"amount": 9000, "currency": "USD"}}}},
    {{"sku": "L1", "name": "Cloud Pillow", "category": "pillow", "price": {{"amount": 5000, "currency": "USD"}}}}
    {catalog_extra}
  ],
  "compatibility": [
    {{"addon": "P1", "requires": {{"categories": ["mattress"]}}}},
    {{"addon": "L1", "requires": {{"categories": ["mattress"]}}}}
  ],
  "answers": {{"sleep": {{"type": "string", "values": ["hot", "cold"]}}}},
  "offers": [{offers}]
  {extra}
}}"#
        )
    }

    fn pack(offers: &str) -> String {
        pack_with("", offers, "")
    }

    /// An add-on offer with every field a clean offer has; `more` (object members) adds or
    /// replaces members.
    fn offer(id: &str, item: &str, more: &str) -> String {
        let mut base = serde_json::json!({
            "id": id, "kind": "addon", "item": item, "placements": ["cart"],
            "need": {"stage": "purchasing", "motivation": "reduce_risk"},
            "benefit": "Keeps it clean.",
            "because": "Because you chose the {chosen.name}, we recommend the {offer.name}."
        });
        let more: serde_json::Value = serde_json::from_str(&format!("{{{more}}}")).unwrap();
        if let (Some(b), Some(m)) = (base.as_object_mut(), more.as_object()) {
            for (k, v) in m {
                b.insert(k.clone(), v.clone());
            }
        }
        base.to_string()
    }

    fn codes_of(findings: &[Finding]) -> Vec<(&str, Severity, Option<&str>)> {
        findings
            .iter()
            .map(|f| (f.code.as_str(), f.severity, f.offer.as_deref()))
            .collect()
    }

    fn has(findings: &[Finding], code: &str, severity: Severity, offer: Option<&str>) -> bool {
        findings
            .iter()
            .any(|f| f.code == code && f.severity == severity && f.offer.as_deref() == offer)
    }

    fn clean_offers() -> String {
        format!(
            "{}, {}",
            offer("protect", "P1", ""),
            offer("pillow", "L1", "")
        )
    }

    #[test]
    fn clean_pack_has_no_findings() {
        let f = lint(pack(&clean_offers()).as_bytes());
        assert!(f.is_empty(), "{f:#?}");
        let r = report(pack(&clean_offers()).as_bytes());
        assert_eq!(
            (r.offers, r.products, r.errors(), r.warnings()),
            (2, 3, 0, 0)
        );
    }

    #[test]
    fn bad_json_is_an_error() {
        let f = lint(b"{\"format\": 1,");
        assert_eq!(codes_of(&f), vec![("json", Severity::Error, None)]);
        let f = lint(pack(&offer("protect", "P1", r#""colour": "red""#)).as_bytes());
        assert!(has(&f, "json", Severity::Error, None), "{f:#?}");
    }

    #[test]
    fn load_errors_keep_their_code_offer_and_path() {
        let f = lint(pack(&offer("protect", "NOPE", "")).as_bytes());
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].code, "unknown_sku");
        assert_eq!(f[0].severity, Severity::Error);
        assert_eq!(f[0].offer.as_deref(), Some("protect"));
        assert_eq!(f[0].at, "offers[0].item");
        assert!(
            f[0].to_string()
                .starts_with("error: [unknown_sku] offer `protect` at offers[0].item: "),
            "{}",
            f[0]
        );

        let f = lint(
            pack(&offer(
                "protect",
                "P1",
                r#""when": {"path": "cart.valu", "gt": 1}"#,
            ))
            .as_bytes(),
        );
        assert!(
            has(&f, "unknown_path", Severity::Error, Some("protect")),
            "{f:#?}"
        );
    }

    #[test]
    fn window_outside_the_pack_never_shows() {
        let early = offer(
            "early",
            "P1",
            r#""window": {"until": "2025-12-31T00:00:00Z"}"#,
        );
        let late = offer(
            "late",
            "L1",
            r#""window": {"from": "2027-02-01T00:00:00Z"}"#,
        );
        let f = lint(pack(&format!("{early}, {late}")).as_bytes());
        assert!(
            has(&f, codes::NEVER_SHOWS, Severity::Error, Some("early")),
            "{f:#?}"
        );
        assert!(
            has(&f, codes::NEVER_SHOWS, Severity::Error, Some("late")),
            "{f:#?}"
        );
        assert!(f.iter().any(|x| x.at == "offers[0].window.until"));
        assert!(f.iter().any(|x| x.at == "offers[1].window.from"));

        // A window inside the pack's validity is fine.
        let ok = offer(
            "ok",
            "P1",
            r#""window": {"from": "2026-03-01T00:00:00Z", "until": "2026-04-01T00:00:00Z"}"#,
        );
        assert!(lint(pack(&ok).as_bytes()).is_empty());
    }

    #[test]
    fn zero_caps_never_show() {
        let f = lint(pack(&offer("protect", "P1", r#""caps": {"day": 0}"#)).as_bytes());
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(
            (f[0].code.as_str(), f[0].at.as_str()),
            (codes::NEVER_SHOWS, "offers[0].caps.day")
        );
        assert!(lint(
            pack(&offer(
                "protect",
                "P1",
                r#""caps": {"day": 1, "session": 1}"#
            ))
            .as_bytes()
        )
        .is_empty());

        // A global cap of 0 stops every offer: one finding, on the policy.
        let f = lint(
            pack_with(
                "",
                &clean_offers(),
                r#", "policy": {"caps": {"session": 0}}"#,
            )
            .as_bytes(),
        );
        assert_eq!(
            codes_of(&f),
            vec![(codes::NEVER_SHOWS, Severity::Error, None)],
            "{f:#?}"
        );
        assert_eq!(f[0].at, "policy.caps.session");

        // A placement cap of 0 on the only placement.
        let f = lint(
            pack_with(
                "",
                &clean_offers(),
                r#", "policy": {"placement_caps": {"cart": {"week": 0}}}"#,
            )
            .as_bytes(),
        );
        assert!(
            has(&f, codes::NEVER_SHOWS, Severity::Error, Some("protect")),
            "{f:#?}"
        );
        assert!(
            has(&f, codes::NEVER_SHOWS, Severity::Error, Some("pillow")),
            "{f:#?}"
        );
    }

    #[test]
    fn after_cycles_of_any_length_never_show() {
        let a = offer("a", "P1", r#""after": [{"offer": "b"}]"#);
        let b = offer(
            "b",
            "L1",
            r#""after": [{"offer": "a", "event": "accepted"}]"#,
        );
        let f = lint(pack(&format!("{a}, {b}")).as_bytes());
        for id in ["a", "b"] {
            assert!(
                has(&f, codes::NEVER_SHOWS, Severity::Error, Some(id)),
                "{f:#?}"
            );
        }
        assert!(f.iter().all(|x| x.message.contains("cycle")), "{f:#?}");

        let a = offer("a", "P1", r#""after": [{"offer": "b"}]"#);
        let b = offer("b", "L1", r#""after": [{"offer": "c"}]"#);
        let c = offer(
            "c",
            "P1",
            r#""after": [{"offer": "a"}], "placements": ["checkout"]"#,
        );
        let f = lint(pack(&format!("{a}, {b}, {c}")).as_bytes());
        assert_eq!(
            f.iter().filter(|x| x.code == codes::NEVER_SHOWS).count(),
            3,
            "{f:#?}"
        );
        let first = f
            .iter()
            .find(|x| x.offer.as_deref() == Some("a"))
            .map(|x| x.message.clone())
            .unwrap_or_default();
        assert!(first.contains("a → b → c → a"), "{first}");

        // A chain without a cycle is fine.
        let a = offer("a", "P1", "");
        let b = offer("b", "L1", r#""after": [{"offer": "a"}]"#);
        let c = offer(
            "c",
            "P1",
            r#""after": [{"offer": "b"}], "placements": ["checkout"]"#,
        );
        assert!(lint(pack(&format!("{a}, {b}, {c}")).as_bytes()).is_empty());
    }

    #[test]
    fn waiting_for_an_offer_that_never_shows_never_shows() {
        let a = offer("a", "P1", r#""caps": {"session": 0}"#);
        let b = offer("b", "L1", r#""after": [{"offer": "a"}]"#);
        let f = lint(pack(&format!("{a}, {b}")).as_bytes());
        assert!(
            has(&f, codes::NEVER_SHOWS, Severity::Error, Some("a")),
            "{f:#?}"
        );
        let fb = f.iter().find(|x| x.offer.as_deref() == Some("b"));
        assert!(
            fb.is_some_and(
                |x| x.at == "offers[1].after[0].offer" && x.message.contains("`a` can never show")
            ),
            "{f:#?}"
        );
    }

    #[test]
    fn sequencing_inside_an_exclusive_group() {
        let a = offer("a", "P1", r#""group": "g""#);
        let b = offer(
            "b",
            "L1",
            r#""group": "g", "after": [{"offer": "a", "event": "accepted"}]"#,
        );
        let f = lint(pack(&format!("{a}, {b}")).as_bytes());
        assert_eq!(
            codes_of(&f),
            vec![(codes::CONFLICTING_GROUP, Severity::Error, Some("b"))],
            "{f:#?}"
        );
        assert_eq!(f[0].at, "offers[1].after[0]");

        let b = offer("b", "L1", r#""group": "g", "after": [{"offer": "a"}]"#);
        let f = lint(pack(&format!("{a}, {b}")).as_bytes());
        assert_eq!(
            codes_of(&f),
            vec![(codes::CONFLICTING_GROUP, Severity::Warning, Some("b"))],
            "{f:#?}"
        );

        // Different groups do not conflict.
        let b = offer(
            "b",
            "L1",
            r#""group": "h", "after": [{"offer": "a", "event": "accepted"}]"#,
        );
        assert!(lint(pack(&format!("{a}, {b}")).as_bytes()).is_empty());
    }

    #[test]
    fn zero_catalog_stock_is_only_a_warning() {
        let cat = r#", {"sku": "S1", "name": "Sheet", "category": "bedding", "price": {"amount": 3000, "currency": "USD"}, "stock": 0}"#;
        let f = lint(
            pack_with(
                cat,
                &format!("{}, {}", clean_offers(), offer("sheet", "S1", "")),
                "",
            )
            .as_bytes(),
        );
        assert_eq!(
            codes_of(&f),
            vec![(codes::OUT_OF_STOCK, Severity::Warning, Some("sheet"))],
            "{f:#?}"
        );
        assert_eq!(f[0].at, "offers[2].item");
    }

    #[test]
    fn missing_benefit_and_explanation() {
        let bare = r#"{"id": "bare", "kind": "addon", "item": "P1", "placements": ["cart"],
                      "need": {"stage": "purchasing", "motivation": "reduce_risk"}}"#;
        let f = lint(pack(&format!("{bare}, {}", offer("pillow", "L1", ""))).as_bytes());
        assert_eq!(
            codes_of(&f),
            vec![
                (codes::MISSING_BENEFIT, Severity::Warning, Some("bare")),
                (codes::MISSING_EXPLANATION, Severity::Warning, Some("bare")),
            ],
            "{f:#?}"
        );
    }

    #[test]
    fn personal_explanation_needs_a_contextual_fallback() {
        let personal =
            r#""because": "Because you sleep {answers.sleep}, we recommend the {offer.name}.""#;
        let f = lint(
            pack(&format!(
                "{}, {}",
                offer("protect", "P1", personal),
                offer("pillow", "L1", "")
            ))
            .as_bytes(),
        );
        assert_eq!(
            codes_of(&f),
            vec![(
                codes::PERSONAL_EXPLANATION_WITHOUT_FALLBACK,
                Severity::Warning,
                Some("protect")
            )],
            "{f:#?}"
        );
        let with_fallback = format!(
            r#"{personal}, "because_contextual": "Because you chose the {{chosen.name}}.""#
        );
        let f = lint(
            pack(&format!(
                "{}, {}",
                offer("protect", "P1", &with_fallback),
                offer("pillow", "L1", "")
            ))
            .as_bytes(),
        );
        assert!(f.is_empty(), "{f:#?}");
    }

    #[test]
    fn bundle_without_anchor() {
        let bundle = |anchor: &str| {
            format!(
                r#"{{"id": "kit", "kind": "bundle", "placements": ["product"],
                    "need": {{"stage": "researching", "motivation": "enhance_results"}},
                    "benefit": "Everything for cool sleep.",
                    "because": "Because you chose the {{chosen.name}}.",
                    "bundle": {{"name": "Sleep Preservation Set", "tier": "good", {anchor} "items": ["M1", "P1", "L1"], "price": 110000}}}}"#
            )
        };
        let f = lint(pack(&format!("{}, {}", clean_offers(), bundle(""))).as_bytes());
        assert_eq!(
            codes_of(&f),
            vec![(codes::BUNDLE_ANCHOR_MISSING, Severity::Warning, Some("kit"))],
            "{f:#?}"
        );
        let f = lint(
            pack(&format!(
                "{}, {}",
                clean_offers(),
                bundle(r#""anchor": "M1","#)
            ))
            .as_bytes(),
        );
        assert!(f.is_empty(), "{f:#?}");
    }

    #[test]
    fn stage_that_no_placement_sees() {
        let using_at_cart = offer(
            "protect",
            "P1",
            r#""need": {"stage": "using", "motivation": "reduce_risk"}"#,
        );
        let f = lint(pack(&format!("{using_at_cart}, {}", offer("pillow", "L1", ""))).as_bytes());
        assert_eq!(
            codes_of(&f),
            vec![(
                codes::STAGE_PLACEMENT_MISMATCH,
                Severity::Warning,
                Some("protect")
            )],
            "{f:#?}"
        );
        assert_eq!(f[0].at, "offers[0].need.stage");

        // Post-purchase sees both onboarding and using.
        for stage in ["onboarding", "using"] {
            let o = offer(
                "protect",
                "P1",
                &format!(
                    r#""placements": ["post_purchase"], "need": {{"stage": "{stage}", "motivation": "save_time"}}"#
                ),
            );
            let f = lint(pack(&format!("{o}, {}", offer("pillow", "L1", ""))).as_bytes());
            assert!(f.is_empty(), "{stage}: {f:#?}");
        }
        // A declared placement sees its declared stage.
        let policy = r#", "policy": {"placements": {"email": "purchasing"}}"#;
        let o = offer("protect", "P1", r#""placements": ["email"]"#);
        assert!(lint(
            pack_with("", &format!("{o}, {}", offer("pillow", "L1", "")), policy).as_bytes()
        )
        .is_empty());
        let o = offer(
            "protect",
            "P1",
            r#""placements": ["email"], "need": {"stage": "researching", "motivation": "save_time"}"#,
        );
        let f =
            lint(pack_with("", &format!("{o}, {}", offer("pillow", "L1", "")), policy).as_bytes());
        assert!(
            has(
                &f,
                codes::STAGE_PLACEMENT_MISMATCH,
                Severity::Warning,
                Some("protect")
            ),
            "{f:#?}"
        );
    }

    #[test]
    fn a_placement_that_never_sees_the_stage() {
        // Researching is seen at the product page, not at checkout (purchasing).
        let o = offer(
            "setup",
            "P1",
            r#""placements": ["product", "checkout"], "need": {"stage": "researching", "motivation": "save_time"}"#,
        );
        let f = lint(pack(&format!("{o}, {}", offer("pillow", "L1", ""))).as_bytes());
        assert_eq!(
            codes_of(&f),
            vec![(
                codes::STAGE_PLACEMENT_MISMATCH,
                Severity::Warning,
                Some("setup")
            )],
            "{f:#?}"
        );
        assert_eq!(f[0].at, "offers[0].placements");
        assert!(f[0].message.contains("`checkout`"), "{}", f[0].message);
        assert!(!f[0].message.contains("`product`"), "{}", f[0].message);
        // Both cart and checkout see purchasing: nothing to say.
        let o = offer("protect", "P1", r#""placements": ["cart", "checkout"]"#);
        let f = lint(pack(&format!("{o}, {}", offer("pillow", "L1", ""))).as_bytes());
        assert!(f.is_empty(), "{f:#?}");
    }

    #[test]
    fn products_nothing_refers_to() {
        let cat = r#", {"sku": "X1", "name": "Lamp", "category": "lighting", "price": {"amount": 3000, "currency": "USD"}}"#;
        let f = lint(pack_with(cat, &clean_offers(), "").as_bytes());
        assert_eq!(
            codes_of(&f),
            vec![(codes::UNUSED_PRODUCT, Severity::Warning, None)],
            "{f:#?}"
        );
        assert_eq!(f[0].at, "catalog[3]");

        // Named by a condition: used.
        let o = offer("protect", "P1", r#""when": {"cart_has": {"sku": "X1"}}"#);
        let f = lint(pack_with(cat, &format!("{o}, {}", offer("pillow", "L1", "")), "").as_bytes());
        assert!(f.is_empty(), "{f:#?}");
    }

    #[test]
    fn errors_sort_before_warnings() {
        let bare = r#"{"id": "bare", "kind": "addon", "item": "P1", "placements": ["cart"],
                      "need": {"stage": "purchasing", "motivation": "reduce_risk"}, "benefit": "b"}"#;
        let capped = offer("capped", "L1", r#""caps": {"week": 0}"#);
        let f = lint(pack(&format!("{bare}, {capped}")).as_bytes());
        assert_eq!(
            codes_of(&f),
            vec![
                (codes::NEVER_SHOWS, Severity::Error, Some("capped")),
                (codes::MISSING_EXPLANATION, Severity::Warning, Some("bare")),
            ],
            "{f:#?}"
        );
        let json = serde_json::to_value(&f).unwrap_or_default();
        assert_eq!(json[0]["severity"], "error");
        assert_eq!(json[0]["code"], "never_shows");
        assert_eq!(json[1]["offer"], "bare");
    }
}
