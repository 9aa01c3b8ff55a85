//! Checks a [`PackSource`] and compiles it into a [`Pack`]: resolves skus and offers, compiles
//! conditions and templates, enforces price and bundle rules, and builds the candidate index.
//! Every problem is collected, each naming its offer and JSON path.

use super::error::{PackError, PackErrorKind as K, PackErrors};
use super::hash::{FastMap, FastSet};
use super::index::CandidateIndex;
use super::money::format_money;
use super::source::*;
use super::template::Template;
use super::time::parse_rfc3339;
use super::{
    Bundle, Caps, Compat, Header, Offer, Pack, PlacementDef, Policy, Product, Selector,
    BUILTIN_PLACEMENTS,
};
use crate::condition::{self, CompileScope, Condition, ValueKind};
use crate::PACK_FORMAT;
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

/// Most placements a pack may use (built-in plus declared): they are kept as bits of a u64.
pub const MAX_PLACEMENTS: usize = 64;
/// Cooldown after "no thanks" when an offer does not set one.
pub const DEFAULT_COOLDOWN_HOURS: u32 = 24;
/// Longest id (offer ids end up in ledgers and cookies).
pub const MAX_ID_LEN: usize = 64;

/// Parses pack JSON, reporting the JSON path of a shape error (natively; on wasm32 the error
/// gives serde_json's line and column only, see [`parse_terse`]).
pub fn parse(bytes: &[u8]) -> Result<PackSource, PackErrors> {
    // A pack in the browser was already linted and signed: a terse shape error is enough there,
    // and path tracking would instantiate every pack type's deserializer a second time.
    #[cfg(target_arch = "wasm32")]
    {
        parse_terse(bytes)
    }
    // Errors are rare: parse without path tracking first, and only when that fails parse again
    // with it to build the error. Both runs use the same deserializer on the same bytes, so the
    // second fails exactly where the first did.
    #[cfg(not(target_arch = "wasm32"))]
    match parse_untracked(bytes) {
        Some(src) => Ok(src),
        None => parse_tracked(bytes),
    }
}

/// [`parse`] on wasm32: one pass with serde_json's slice reader (the one the envelope and the
/// ledger use too) and no path tracking. A shape error is a `json` error with an empty `at`
/// whose message ends with serde_json's "at line L column C".
#[cfg(any(target_arch = "wasm32", test))]
fn parse_terse(bytes: &[u8]) -> Result<PackSource, PackErrors> {
    let json_error =
        |e: serde_json::Error| PackErrors::one(PackError::new(K::Json, None, "", e.to_string()));
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let src = <PackSource as serde::Deserialize>::deserialize(&mut de)
        .map_err(|e| unsupported_format(bytes).unwrap_or_else(|| json_error(e)))?;
    de.end().map_err(json_error)?;
    Ok(src)
}

/// A pack from a newer format may fail on fields this engine does not know: say so.
fn unsupported_format(bytes: &[u8]) -> Option<PackErrors> {
    #[derive(serde::Deserialize)]
    struct Probe {
        format: u32,
    }
    let Probe { format } = serde_json::from_slice::<Probe>(bytes).ok()?;
    (format != PACK_FORMAT).then(|| {
        PackErrors::one(PackError::new(
            K::UnsupportedFormat,
            None,
            "format",
            format!(
                "pack format {format} is not supported (this engine reads format {PACK_FORMAT})"
            ),
        ))
    })
}

/// The fast path of [`parse`]: the same deserializer and trailing-characters check, without
/// recording the JSON path. The text is checked to be UTF-8 once, up front, rather than string
/// by string. `None` for anything it refuses; [`parse_tracked`] then reports why.
#[cfg(not(target_arch = "wasm32"))]
fn parse_untracked(bytes: &[u8]) -> Option<PackSource> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut de = serde_json::Deserializer::from_str(text);
    let src = <PackSource as serde::Deserialize>::deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(src)
}

/// The error path of [`parse`]: records where in the document the shape error is.
#[cfg(not(target_arch = "wasm32"))]
fn parse_tracked(bytes: &[u8]) -> Result<PackSource, PackErrors> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let src: Result<PackSource, _> = serde_path_to_error::deserialize(&mut *de);
    // Anything after the pack (a second document, junk) is an error, as in `JSON.parse`: the
    // engine and any other reader of the same signed bytes must agree on what was signed.
    if src.is_ok() {
        de.end().map_err(|e| {
            PackErrors::one(PackError::new(K::Json, None, String::new(), e.to_string()))
        })?;
    }
    let src: PackSource = src.map_err(|e| {
        if let Some(errors) = unsupported_format(bytes) {
            return errors;
        }
        let at = e.path().to_string();
        PackErrors::one(PackError::new(
            K::Json,
            None,
            if at == "." { String::new() } else { at },
            e.inner().to_string(),
        ))
    })?;
    Ok(src)
}

struct Ctx {
    errors: Vec<PackError>,
}

impl Ctx {
    fn push(
        &mut self,
        kind: K,
        offer: Option<&str>,
        at: impl Into<String>,
        msg: impl Into<String>,
    ) {
        self.errors.push(PackError::new(kind, offer, at, msg));
    }
}

/// `list[i]`: the JSON path of a list item, formatted only when an error names it.
#[derive(Clone, Copy)]
struct Item(&'static str, usize);

impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]", self.0, self.1)
    }
}

fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_ID_LEN
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

fn check_url(ctx: &mut Ctx, url: Option<&str>, at: Item, field: &str) {
    if let Some(u) = url {
        // https, or root-relative ("/img/x.svg": same origin, same scheme as the page).
        let rest = u
            .strip_prefix("https://")
            .or_else(|| u.strip_prefix('/').filter(|r| !r.starts_with('/')));
        let ok = rest.is_some_and(|r| {
            !r.is_empty() && !r.contains(|c: char| c.is_whitespace() || c.is_control() || c == '\\')
        });
        if !ok {
            ctx.push(
                K::InsecureUrl,
                None,
                format!("{at}.{field}"),
                format!("`{u}` is neither an https URL nor a root-relative path"),
            );
        }
    }
}

/// Parses "major.minor.patch".
pub fn parse_version(s: &str) -> Option<(u32, u32, u32)> {
    let mut it = s.split('.').map(|p| p.parse::<u32>().ok());
    let v = (it.next()??, it.next()??, it.next()??);
    if it.next().is_some() {
        return None;
    }
    Some(v)
}

/// Checks that day and week caps can be counted by the bounded ledger.
fn check_caps(
    ctx: &mut Ctx,
    offer: Option<&str>,
    c: &CapsSource,
    at: &dyn fmt::Display,
    max: usize,
) {
    for (name, v) in [("day", c.day), ("week", c.week)] {
        if let Some(v) = v.filter(|v| *v as usize > max) {
            ctx.push(
                K::BadValue,
                offer,
                format!("{at}.{name}"),
                format!("a {name} cap of {v} cannot be counted: the ledger keeps at most {max} shown events here"),
            );
        }
    }
}

fn caps(c: &CapsSource) -> Caps {
    Caps {
        session: c.session,
        day: c.day,
        week: c.week,
    }
}

/// Checks and compiles a parsed pack. [`compile_owned`] does the same without copying the
/// source's strings.
pub fn compile(src: &PackSource) -> Result<Pack, PackErrors> {
    compile_owned(src.clone())
}

/// [`compile`], taking the source by value: its strings move into the pack.
pub fn compile_owned(src: PackSource) -> Result<Pack, PackErrors> {
    let mut ctx = Ctx { errors: Vec::new() };
    if src.format != PACK_FORMAT {
        return Err(PackErrors::one(PackError::new(
            K::UnsupportedFormat,
            None,
            "format",
            format!(
                "pack format {} is not supported (this engine reads format {PACK_FORMAT})",
                src.format
            ),
        )));
    }
    let PackSource {
        format: _,
        header: header_src,
        catalog,
        compatibility,
        answers: answer_src,
        offers: offer_src,
        policy,
    } = src;
    let header = header(&mut ctx, &header_src);

    // Catalog.
    if catalog.is_empty() {
        ctx.push(
            K::EmptyCatalog,
            None,
            "catalog",
            "the catalog is empty: a pack needs at least one product",
        );
    }
    let mut products = Vec::with_capacity(catalog.len());
    let mut sku_index: FastMap<String, u32> =
        FastMap::with_capacity_and_hasher(catalog.len(), Default::default());
    for (i, p) in catalog.into_iter().enumerate() {
        let at = Item("catalog", i);
        if !valid_id(&p.sku) {
            ctx.push(
                K::BadValue,
                None,
                format!("{at}.sku"),
                format!(
                    "sku `{}` must be 1–{MAX_ID_LEN} of A–Z a–z 0–9 - _ . :",
                    p.sku
                ),
            );
        }
        if sku_index
            .insert(p.sku.clone(), u32::try_from(i).unwrap_or(u32::MAX))
            .is_some()
        {
            ctx.push(
                K::Duplicate,
                None,
                format!("{at}.sku"),
                format!("sku `{}` appears twice in the catalog", p.sku),
            );
        }
        if p.name.trim().is_empty() {
            ctx.push(
                K::BadValue,
                None,
                format!("{at}.name"),
                format!("product `{}` has no name", p.sku),
            );
        }
        if p.price.amount < 0 {
            ctx.push(
                K::BadValue,
                None,
                format!("{at}.price.amount"),
                format!(
                    "product `{}` has a negative price ({})",
                    p.sku, p.price.amount
                ),
            );
        }
        if p.price.currency.len() != 3 || !p.price.currency.bytes().all(|b| b.is_ascii_uppercase())
        {
            ctx.push(
                K::BadValue,
                None,
                format!("{at}.price.currency"),
                format!(
                    "`{}` is not an ISO 4217 currency code such as USD",
                    p.price.currency
                ),
            );
        }
        if p.stock.is_some_and(|s| s < 0) {
            ctx.push(
                K::BadValue,
                None,
                format!("{at}.stock"),
                format!("product `{}` has negative stock", p.sku),
            );
        }
        check_url(&mut ctx, p.image.as_deref(), at, "image");
        check_url(&mut ctx, p.url.as_deref(), at, "url");
        let price = u64::try_from(p.price.amount).unwrap_or(0);
        let price_display = format_money(price, &p.price.currency);
        products.push(Product {
            sku: p.sku,
            name: p.name,
            category: p.category,
            tags: p.tags,
            price,
            currency: p.price.currency,
            price_display,
            image: p.image,
            url: p.url,
            stock: p.stock,
        });
    }

    // Declared answers.
    let answers: Vec<(String, ValueKind, Vec<String>)> = answer_src
        .into_iter()
        .map(|(k, a)| {
            let kind = match a.kind {
                AnswerType::String => ValueKind::String,
                AnswerType::Number => ValueKind::Number,
                AnswerType::Bool => ValueKind::Bool,
            };
            if !a.values.is_empty() && a.kind != AnswerType::String {
                ctx.push(
                    K::BadValue,
                    None,
                    format!("answers.{k}.values"),
                    "only string answers take a list of values",
                );
            }
            (k, kind, a.values)
        })
        .collect();

    // Placements: built-ins, then declared ones.
    let mut placements: Vec<PlacementDef> = BUILTIN_PLACEMENTS
        .iter()
        .map(|(n, s)| PlacementDef {
            name: (*n).to_owned(),
            stage: *s,
        })
        .collect();
    for (name, stage) in &policy.placements {
        if placements.iter().any(|p| p.name == *name) {
            ctx.push(
                K::Duplicate,
                None,
                format!("policy.placements.{name}"),
                format!("placement `{name}` is built in"),
            );
        } else if !valid_id(name) {
            ctx.push(
                K::BadValue,
                None,
                format!("policy.placements.{name}"),
                "placement names use A–Z a–z 0–9 - _ . :",
            );
        } else {
            placements.push(PlacementDef {
                name: name.clone(),
                stage: *stage,
            });
        }
    }
    if placements.len() > MAX_PLACEMENTS {
        ctx.push(
            K::BadValue,
            None,
            "policy.placements",
            format!("at most {MAX_PLACEMENTS} placements"),
        );
        placements.truncate(MAX_PLACEMENTS);
    }
    let placement_bit = |name: &str| {
        placements
            .iter()
            .position(|p| p.name == name)
            .map(|i| 1u64 << i)
    };

    let categories: FastSet<&str> = products.iter().map(|p| p.category.as_str()).collect();
    let tags: FastSet<&str> = products
        .iter()
        .flat_map(|p| p.tags.iter().map(String::as_str))
        .collect();
    let sku_lookup = |s: &str| sku_index.get(s).copied();
    let has_category = |c: &str| categories.contains(c);
    let has_tag = |t: &str| tags.contains(t);

    let known = Known {
        sku: &sku_lookup,
        category: &has_category,
        tag: &has_tag,
    };
    // Compatibility, merged per add-on.
    let mut compat: Vec<Option<Compat>> = vec![None; products.len()];
    for (i, c) in compatibility.into_iter().enumerate() {
        let at = Item("compatibility", i);
        let Some(&addon) = sku_index.get(&c.addon) else {
            ctx.push(
                K::UnknownSku,
                None,
                format!("{at}.addon"),
                format!("sku `{}` is not in the catalog", c.addon),
            );
            continue;
        };
        let req = c
            .requires
            .map(|s| selector(&mut ctx, &known, s, &format_args!("{at}.requires")));
        let exc = c
            .excludes
            .map(|s| selector(&mut ctx, &known, s, &format_args!("{at}.excludes")));
        if let Some(slot) = compat.get_mut(addon as usize) {
            let entry = slot.get_or_insert_with(Compat::default);
            merge(&mut entry.requires, req);
            merge(&mut entry.excludes, exc);
        }
    }

    // Offers: ids first, so `after` can point forwards.
    let mut offer_index: FastMap<String, u32> =
        FastMap::with_capacity_and_hasher(offer_src.len(), Default::default());
    for (i, o) in offer_src.iter().enumerate() {
        if !valid_id(&o.id) {
            ctx.push(
                K::BadValue,
                Some(&o.id),
                format!("offers[{i}].id"),
                format!("offer ids must be 1–{MAX_ID_LEN} of A–Z a–z 0–9 - _ . :"),
            );
        }
        if offer_index
            .insert(o.id.clone(), u32::try_from(i).unwrap_or(u32::MAX))
            .is_some()
        {
            ctx.push(
                K::Duplicate,
                Some(&o.id),
                format!("offers[{i}].id"),
                format!("offer id `{}` is used twice", o.id),
            );
        }
    }

    let bundle_placements = match &policy.bundle_placements {
        None => placement_bit("product").unwrap_or(0) | placement_bit("cart").unwrap_or(0),
        Some(list) => {
            let mut bits = 0;
            for (i, p) in list.iter().enumerate() {
                match placement_bit(p) {
                    Some(b) => bits |= b,
                    None => ctx.push(
                        K::UnknownPlacement,
                        None,
                        format!("policy.bundle_placements[{i}]"),
                        format!("unknown placement `{p}`"),
                    ),
                }
            }
            bits
        }
    };

    let mut offers = Vec::with_capacity(offer_src.len());
    let mut path = String::new();
    for (i, o) in offer_src.into_iter().enumerate() {
        if let Some(offer) = compile_offer(
            &mut ctx,
            i,
            o,
            &mut path,
            &products,
            &sku_index,
            &offer_index,
            &answers,
            &sku_lookup,
            &has_category,
            &has_tag,
            &placement_bit,
            bundle_placements,
        ) {
            offers.push(offer);
        }
    }

    // Bundle families and the per-category limit.
    let max_bundles = policy.max_bundles_per_category.unwrap_or(3);
    let mut by_category: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut families: FastMap<&str, Vec<(Tier, u32)>> = FastMap::default();
    for (i, o) in offers.iter().enumerate() {
        if let Some(b) = &o.bundle {
            by_category
                .entry(b.category.as_str())
                .or_default()
                .push(o.id.as_str());
            families
                .entry(b.name.as_str())
                .or_default()
                .push((b.tier, u32::try_from(i).unwrap_or(u32::MAX)));
        }
    }
    for (cat, ids) in &by_category {
        if ids.len() > max_bundles as usize {
            ctx.push(
                K::BundlePolicy,
                None,
                "policy.max_bundles_per_category",
                format!(
                    "category `{cat}` has {} bundles ({}), more than the policy's {max_bundles}",
                    ids.len(),
                    ids.join(", ")
                ),
            );
        }
    }
    for f in families.values_mut() {
        f.sort();
    }
    let family_of: Vec<Option<Vec<u32>>> = offers
        .iter()
        .map(|o| {
            let b = o.bundle.as_ref()?;
            let f = families.get(b.name.as_str())?;
            Some(f.iter().map(|&(_, i)| i).collect())
        })
        .collect();
    for (o, f) in offers.iter_mut().zip(family_of) {
        if let (Some(b), Some(f)) = (&mut o.bundle, f) {
            b.family = f;
        }
    }

    let mut groups: FastMap<&str, Vec<u32>> = FastMap::default();
    for (i, o) in offers.iter().enumerate() {
        if let Some(g) = &o.group {
            groups
                .entry(g.as_str())
                .or_default()
                .push(u32::try_from(i).unwrap_or(u32::MAX));
        }
    }
    let peers: Vec<Vec<u32>> = offers
        .iter()
        .enumerate()
        .map(|(i, o)| {
            o.group
                .as_deref()
                .and_then(|g| groups.get(g))
                .map(|m| m.iter().copied().filter(|&x| x as usize != i).collect())
                .unwrap_or_default()
        })
        .collect();
    for (o, p) in offers.iter_mut().zip(peers) {
        o.group_peers = p;
    }

    check_caps(
        &mut ctx,
        None,
        &policy.caps,
        &"policy.caps",
        crate::ledger::MAX_LOG,
    );
    for (name, c) in &policy.placement_caps {
        check_caps(
            &mut ctx,
            None,
            c,
            &format_args!("policy.placement_caps.{name}"),
            crate::ledger::MAX_LOG,
        );
    }
    let policy_out = Policy {
        caps: caps(&policy.caps),
        placement_caps: placements
            .iter()
            .map(|p| {
                policy
                    .placement_caps
                    .get(&p.name)
                    .map(caps)
                    .unwrap_or_default()
            })
            .collect(),
        max_bundles_per_category: max_bundles,
        bundle_placements,
        motivation_bonus: policy.motivation_bonus.unwrap_or(10),
        onboarding_secs: i64::from(policy.onboarding_hours.unwrap_or(24)) * 3600,
        consent_defaults: policy
            .consent_defaults
            .iter()
            .map(|(k, c)| {
                (
                    k.clone(),
                    crate::Consent {
                        storage: c.storage,
                        personalization: c.personalization,
                        measurement: c.measurement,
                        gpc: false,
                    },
                )
            })
            .collect(),
    };
    for key in policy.consent_defaults.keys() {
        let region = key == "*"
            || key == "EEA"
            || (key.len() == 2 && key.bytes().all(|b| b.is_ascii_uppercase()));
        if !region {
            ctx.push(
                K::BadValue,
                None,
                format!("policy.consent_defaults.{key}"),
                format!("`{key}` is not a region: use an ISO country code such as \"US\", \"EEA\" or \"*\""),
            );
        }
    }
    for name in policy.placement_caps.keys() {
        if placement_bit(name).is_none() {
            ctx.push(
                K::UnknownPlacement,
                None,
                format!("policy.placement_caps.{name}"),
                format!("unknown placement `{name}`"),
            );
        }
    }

    if !ctx.errors.is_empty() {
        return Err(PackErrors(ctx.errors));
    }
    let Some(header) = header else {
        return Err(PackErrors::one(PackError::new(
            K::BadValue,
            None,
            "header",
            "invalid header",
        )));
    };
    let index = CandidateIndex::build(&offers, &compat, placements.len());
    Ok(Pack {
        header,
        products,
        answers,
        offers,
        placements,
        policy: policy_out,
        compat,
        sku_index,
        offer_index,
        index,
    })
}

fn header(ctx: &mut Ctx, h: &HeaderSource) -> Option<Header> {
    let before = ctx.errors.len();
    if !valid_id(&h.id) {
        ctx.push(
            K::BadValue,
            None,
            "header.id",
            format!("pack id must be 1–{MAX_ID_LEN} of A–Z a–z 0–9 - _ . :"),
        );
    }
    let issued = parse_rfc3339(&h.issued_at);
    let expires = parse_rfc3339(&h.expires_at);
    if issued.is_none() {
        ctx.push(
            K::BadTime,
            None,
            "header.issued_at",
            format!("`{}` is not an RFC 3339 timestamp", h.issued_at),
        );
    }
    if expires.is_none() {
        ctx.push(
            K::BadTime,
            None,
            "header.expires_at",
            format!("`{}` is not an RFC 3339 timestamp", h.expires_at),
        );
    }
    if let (Some(i), Some(e)) = (issued, expires) {
        if e <= i {
            ctx.push(
                K::BadTime,
                None,
                "header.expires_at",
                "the pack expires before it is issued",
            );
        }
    }
    if h.audience.is_empty() {
        ctx.push(
            K::BadValue,
            None,
            "header.audience",
            "name at least one site host the pack is for",
        );
    }
    for (i, a) in h.audience.iter().enumerate() {
        let host = a.strip_prefix("*.").unwrap_or(a);
        if host.is_empty()
            || !host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        {
            ctx.push(
                K::BadValue,
                None,
                format!("header.audience[{i}]"),
                format!("`{a}` is not a host name"),
            );
        }
    }
    let min_engine = parse_version(&h.min_engine);
    if min_engine.is_none() {
        ctx.push(
            K::BadValue,
            None,
            "header.min_engine",
            format!("`{}` is not a version like 0.1.0", h.min_engine),
        );
    }
    if ctx.errors.len() > before {
        return None;
    }
    Some(Header {
        id: h.id.clone(),
        version: h.version,
        issued_at: issued?,
        expires_at: expires?,
        audience: h.audience.iter().map(|a| a.to_ascii_lowercase()).collect(),
        min_engine: min_engine?,
        description: h.description.clone(),
    })
}

/// Catalog look-ups shared by selectors and conditions.
struct Known<'a> {
    sku: &'a dyn Fn(&str) -> Option<u32>,
    category: &'a dyn Fn(&str) -> bool,
    tag: &'a dyn Fn(&str) -> bool,
}

fn selector(
    ctx: &mut Ctx,
    known: &Known<'_>,
    s: SelectorSource,
    at: &dyn fmt::Display,
) -> Selector {
    if s.skus.is_empty() && s.categories.is_empty() && s.tags.is_empty() {
        ctx.push(
            K::BadValue,
            None,
            at.to_string(),
            "an empty selector matches nothing: name skus, categories or tags, or leave it out",
        );
    }
    for (i, c) in s.categories.iter().enumerate() {
        if !(known.category)(c) {
            ctx.push(
                K::UnknownCategory,
                None,
                format!("{at}.categories[{i}]"),
                format!("no product in the catalog has category `{c}`"),
            );
        }
    }
    for (i, t) in s.tags.iter().enumerate() {
        if !(known.tag)(t) {
            ctx.push(
                K::UnknownTag,
                None,
                format!("{at}.tags[{i}]"),
                format!("no product in the catalog has tag `{t}`"),
            );
        }
    }
    let mut skus = Vec::with_capacity(s.skus.len());
    for (i, sku) in s.skus.iter().enumerate() {
        match (known.sku)(sku) {
            Some(x) => skus.push(x),
            None => ctx.push(
                K::UnknownSku,
                None,
                format!("{at}.skus[{i}]"),
                format!("sku `{sku}` is not in the catalog"),
            ),
        }
    }
    Selector {
        skus,
        categories: s.categories,
        tags: s.tags,
    }
}

fn merge(into: &mut Option<Selector>, add: Option<Selector>) {
    let Some(add) = add else { return };
    match into {
        None => *into = Some(add),
        Some(s) => {
            s.skus.extend(add.skus);
            s.categories.extend(add.categories);
            s.tags.extend(add.tags);
        }
    }
}

/// Where an offer's default title comes from.
enum Named {
    Nothing,
    Item(u32),
    Bundle,
}

#[allow(clippy::too_many_arguments)]
fn compile_offer(
    ctx: &mut Ctx,
    i: usize,
    o: OfferSource,
    path: &mut String,
    products: &[Product],
    skus: &FastMap<String, u32>,
    offers: &FastMap<String, u32>,
    answers: &[(String, ValueKind, Vec<String>)],
    sku_lookup: &dyn Fn(&str) -> Option<u32>,
    has_category: &dyn Fn(&str) -> bool,
    has_tag: &dyn Fn(&str) -> bool,
    placement_bit: &dyn Fn(&str) -> Option<u64>,
    bundle_placements: u64,
) -> Option<Offer> {
    let before = ctx.errors.len();
    let at = Item("offers", i);
    let id = Some(o.id.as_str());

    // What it sells.
    let mut item = None;
    let mut bundle = None;
    let mut sells = Vec::new();
    let mut named = Named::Nothing;
    match o.kind {
        OfferKind::Addon => {
            if o.bundle.is_some() {
                ctx.push(
                    K::BadValue,
                    id,
                    format!("{at}.bundle"),
                    "an add-on offer has `item`, not `bundle`",
                );
            }
            match o.item.as_deref() {
                None => ctx.push(
                    K::BadValue,
                    id,
                    format!("{at}.item"),
                    "an add-on offer needs `item` (a sku)",
                ),
                Some(s) => match skus.get(s) {
                    Some(&x) => {
                        item = Some(x);
                        sells.push(x);
                        named = Named::Item(x);
                    }
                    None => ctx.push(
                        K::UnknownSku,
                        id,
                        format!("{at}.item"),
                        format!("sku `{s}` is not in the catalog"),
                    ),
                },
            }
        }
        OfferKind::Bundle => {
            if o.item.is_some() {
                ctx.push(
                    K::BadValue,
                    id,
                    format!("{at}.item"),
                    "a bundle offer has `bundle`, not `item`",
                );
            }
            match o.bundle {
                None => ctx.push(
                    K::BadValue,
                    id,
                    format!("{at}.bundle"),
                    "a bundle offer needs `bundle`",
                ),
                Some(b) => {
                    bundle = compile_bundle(ctx, at, id, b, products, skus);
                    if let Some(b) = &bundle {
                        sells = b
                            .items
                            .iter()
                            .copied()
                            .filter(|x| Some(*x) != b.anchor)
                            .collect();
                        named = Named::Bundle;
                    }
                }
            }
        }
    }

    // Placements.
    let mut placements = 0u64;
    if o.placements.is_empty() {
        ctx.push(
            K::BadValue,
            id,
            format!("{at}.placements"),
            "an offer needs at least one placement",
        );
    }
    for (k, p) in o.placements.iter().enumerate() {
        match placement_bit(p) {
            Some(b) => {
                if o.kind == OfferKind::Bundle && b & bundle_placements == 0 {
                    ctx.push(
                        K::BundlePolicy,
                        id,
                        format!("{at}.placements[{k}]"),
                        format!("bundles may not appear at `{p}` (policy.bundle_placements)"),
                    );
                }
                placements |= b;
            }
            None => ctx.push(
                K::UnknownPlacement,
                id,
                format!("{at}.placements[{k}]"),
                format!("unknown placement `{p}`"),
            ),
        }
    }

    check_caps(
        ctx,
        id,
        &o.caps,
        &format_args!("{at}.caps"),
        crate::ledger::MAX_SHOWN_PER_OFFER,
    );

    // Condition and templates.
    let condition = match &o.when {
        None => Some(Condition::always()),
        Some(v) => {
            let scope = CompileScope {
                offer: &o.id,
                answers,
                sku: sku_lookup,
                category: has_category,
                tag: has_tag,
            };
            path.clear();
            // Writing to a String cannot fail.
            let _ = write!(path, "{at}.when");
            condition::compile_at(v.root(), path, &scope, &mut ctx.errors)
        }
    };
    let because = o.because.as_deref().and_then(|t| {
        Template::parse_at(
            t,
            answers,
            &o.id,
            &format_args!("{at}.because"),
            &mut ctx.errors,
        )
    });
    let because_contextual = o.because_contextual.as_deref().and_then(|t| {
        let tpl = Template::parse_at(
            t,
            answers,
            &o.id,
            &format_args!("{at}.because_contextual"),
            &mut ctx.errors,
        )?;
        if tpl.personal {
            ctx.push(
                K::BadValue,
                id,
                format!("{at}.because_contextual"),
                "the contextual explanation may cite only the page and cart",
            );
        }
        Some(tpl)
    });

    // Sequence.
    let mut after = Vec::with_capacity(o.after.len());
    for (k, a) in o.after.iter().enumerate() {
        match offers.get(&a.offer) {
            Some(&x) if a.offer == o.id => {
                let _ = x;
                ctx.push(
                    K::BadValue,
                    id,
                    format!("{at}.after[{k}].offer"),
                    "an offer cannot come after itself",
                );
            }
            Some(&x) => after.push((x, a.event)),
            None => ctx.push(
                K::UnknownOffer,
                id,
                format!("{at}.after[{k}].offer"),
                format!("offer `{}` is not in the pack", a.offer),
            ),
        }
    }

    // Window.
    let mut window = (None, None);
    if let Some(w) = &o.window {
        for (field, val, slot) in [
            ("from", &w.from, &mut window.0),
            ("until", &w.until, &mut window.1),
        ] {
            if let Some(s) = val {
                match parse_rfc3339(s) {
                    Some(t) => *slot = Some(t),
                    None => ctx.push(
                        K::BadTime,
                        id,
                        format!("{at}.window.{field}"),
                        format!("`{s}` is not an RFC 3339 timestamp"),
                    ),
                }
            }
        }
        if let (Some(f), Some(u)) = window {
            if u <= f {
                ctx.push(
                    K::BadTime,
                    id,
                    format!("{at}.window"),
                    "the window ends before it starts",
                );
            }
        }
    }
    if o.margin < 0 && o.kind == OfferKind::Addon {
        // A negative margin is allowed (loss leader) but must be deliberate: nothing to check.
    }
    if let Some(g) = &o.group {
        if !valid_id(g) {
            ctx.push(
                K::BadValue,
                id,
                format!("{at}.group"),
                "group names use A–Z a–z 0–9 - _ . :",
            );
        }
    }

    if ctx.errors.len() > before {
        return None;
    }
    let condition = condition?;
    let personal = o.consent == ConsentNeed::Personalization || condition.personal;
    let title = match o.title {
        Some(t) => t,
        None => match named {
            Named::Nothing => String::new(),
            Named::Item(x) => products
                .get(x as usize)
                .map(|p| p.name.clone())
                .unwrap_or_default(),
            Named::Bundle => bundle.as_ref().map(|b| b.name.clone()).unwrap_or_default(),
        },
    };
    Some(Offer {
        id: o.id,
        kind: o.kind,
        item,
        bundle,
        placements,
        stage: o.need.stage,
        motivation: o.need.motivation,
        title,
        benefit: o.benefit,
        because,
        because_contextual,
        cta: o.cta.unwrap_or_else(|| "Add".to_owned()),
        priority: o.priority,
        margin: o.margin,
        caps: caps(&o.caps),
        cooldown_secs: i64::from(o.cooldown_hours.unwrap_or(DEFAULT_COOLDOWN_HOURS)) * 3600,
        after,
        group: o.group,
        group_peers: Vec::new(),
        window,
        personal,
        sells,
        condition,
    })
}

fn compile_bundle(
    ctx: &mut Ctx,
    at: Item,
    id: Option<&str>,
    b: BundleSource,
    products: &[Product],
    skus: &FastMap<String, u32>,
) -> Option<Bundle> {
    let before = ctx.errors.len();
    if b.name.trim().is_empty() {
        ctx.push(
            K::BadValue,
            id,
            format!("{at}.bundle.name"),
            "a mission bundle needs a name (its outcome)",
        );
    }
    if b.items.is_empty() {
        ctx.push(
            K::BadValue,
            id,
            format!("{at}.bundle.items"),
            "a bundle needs items",
        );
    }
    let mut items = Vec::with_capacity(b.items.len());
    for (k, s) in b.items.iter().enumerate() {
        match skus.get(s) {
            Some(&x) if items.contains(&x) => ctx.push(
                K::Duplicate,
                id,
                format!("{at}.bundle.items[{k}]"),
                format!("sku `{s}` is listed twice"),
            ),
            Some(&x) => items.push(x),
            None => ctx.push(
                K::UnknownSku,
                id,
                format!("{at}.bundle.items[{k}]"),
                format!("sku `{s}` is not in the catalog"),
            ),
        }
    }
    let anchor = match &b.anchor {
        None => None,
        Some(s) => match skus.get(s) {
            Some(&x) => Some(x),
            None => {
                ctx.push(
                    K::UnknownSku,
                    id,
                    format!("{at}.bundle.anchor"),
                    format!("sku `{s}` is not in the catalog"),
                );
                None
            }
        },
    };
    if b.price < 0 {
        ctx.push(
            K::BadValue,
            id,
            format!("{at}.bundle.price"),
            format!("negative bundle price ({})", b.price),
        );
    }
    if ctx.errors.len() > before {
        return None;
    }
    let get = |x: u32| products.get(x as usize);
    let currency = items
        .first()
        .and_then(|&x| get(x))
        .map(|p| p.currency.clone())
        .unwrap_or_default();
    if items
        .iter()
        .filter_map(|&x| get(x))
        .any(|p| p.currency != currency)
    {
        ctx.push(
            K::BadValue,
            id,
            format!("{at}.bundle.items"),
            "bundle items are priced in different currencies",
        );
    }
    let price = u64::try_from(b.price).unwrap_or(0);
    let total: u64 = items
        .iter()
        .filter_map(|&x| get(x))
        .fold(0u64, |acc, p| acc.saturating_add(p.price));
    if price > total {
        ctx.push(
            K::BadValue,
            id,
            format!("{at}.bundle.price"),
            format!("the bundle costs more ({price}) than its items bought singly ({total})"),
        );
    }
    if let Some(a) = anchor.filter(|a| items.contains(a)) {
        let anchor_price = get(a).map(|p| p.price).unwrap_or(0);
        if price < anchor_price {
            ctx.push(
                K::DiscountedAnchor,
                id,
                format!("{at}.bundle.price"),
                format!("the bundle price {price} is below its anchor's full price {anchor_price}: discount the add-ons, never the anchor"),
            );
        }
    }
    let category = b
        .category
        .or_else(|| anchor.and_then(get).map(|p| p.category.clone()))
        .or_else(|| {
            items
                .first()
                .and_then(|&x| get(x))
                .map(|p| p.category.clone())
        })
        .unwrap_or_default();
    if ctx.errors.len() > before {
        return None;
    }
    let savings = total.saturating_sub(price);
    Some(Bundle {
        name: b.name,
        tier: b.tier,
        tier_label: b.tier_label,
        anchor,
        items,
        price,
        price_display: format_money(price, &currency),
        regular: total,
        regular_display: format_money(total, &currency),
        savings_display: (savings > 0).then(|| format_money(savings, &currency)),
        currency,
        category,
        family: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEMO: &[u8] = include_bytes!("../../fixtures/packs/demo.json");

    #[test]
    #[cfg(not(target_arch = "wasm32"))]
    fn untracked_parse_agrees_with_tracked_parse() {
        let fast = parse_untracked(DEMO).unwrap();
        assert_eq!(Ok(fast.clone()), parse_tracked(DEMO));
        assert_eq!(Ok(fast), parse(DEMO));
        // Anything the fast path refuses is reported by the tracked parse, path and all.
        let mut not_utf8 = DEMO.to_vec();
        let at = not_utf8.iter().position(|&b| b == b'A').unwrap();
        not_utf8[at] = 0xff;
        let trailing = [DEMO, b" {}"].concat();
        let dup = String::from_utf8(DEMO.to_vec()).unwrap().replacen(
            "\"format\": 1,",
            "\"format\": 1, \"format\": 1,",
            1,
        );
        for bad in [&not_utf8[..], &trailing[..], dup.as_bytes(), b"[]", b""] {
            assert!(parse_untracked(bad).is_none());
            let err = parse(bad).unwrap_err();
            assert_eq!(Err(err), parse_tracked(bad));
        }
    }

    #[test]
    fn terse_parse_agrees_with_parse_without_the_path() {
        assert_eq!(parse_terse(DEMO), parse(DEMO));
        let trailing = [DEMO, b" {}"].concat();
        let unknown = String::from_utf8(DEMO.to_vec()).unwrap().replacen(
            "\"format\": 1,",
            "\"format\": 1, \"colour\": 1,",
            1,
        );
        for bad in [&trailing[..], unknown.as_bytes(), b"[]", b"", b"\xff"] {
            let terse = parse_terse(bad).unwrap_err();
            let full = parse(bad).unwrap_err();
            let (t, f) = (terse.first().unwrap(), full.first().unwrap());
            assert_eq!((t.kind, t.at.as_str()), (K::Json, ""));
            assert_eq!(t.kind, f.kind);
            assert!(t.message.contains(" at line "), "{}", t.message);
        }
        let newer = String::from_utf8(DEMO.to_vec()).unwrap().replacen(
            "\"format\": 1,",
            "\"format\": 2, \"colour\": 1,",
            1,
        );
        assert_eq!(parse_terse(newer.as_bytes()), parse(newer.as_bytes()));
    }

    #[test]
    fn compile_by_reference_and_by_value_agree() {
        let src = parse(DEMO).unwrap();
        let by_ref = format!(
            "{:?}",
            compile(&src).map(|p| (p.offers, p.products, p.compat))
        );
        let by_value = format!(
            "{:?}",
            compile_owned(src).map(|p| (p.offers, p.products, p.compat))
        );
        assert_eq!(by_ref, by_value);
    }
}
