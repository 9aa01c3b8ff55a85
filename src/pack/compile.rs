//! Checks a [`PackSource`] and compiles it into a [`Pack`]: resolves skus and offers, compiles
//! conditions and templates, enforces price and bundle rules, and builds the candidate index.
//! Every problem is collected, each naming its offer and JSON path.

use super::error::{PackError, PackErrorKind as K, PackErrors};
use super::experiment;
use super::hash::FastMap;
use super::index::{push_keyed, CandidateIndex};
use super::money::format_money;
use super::source::*;
use super::template::Template;
use super::time::parse_rfc3339;
use super::{
    Bundle, Caps, Compat, Header, Offer, Pack, PlacementDef, Policy, Product, Selector,
    BUILTIN_PLACEMENTS,
};
use crate::condition::{self, CompileScope, Condition, ValueKind};
use crate::json::{self, Doc, JsonError};
use crate::PACK_FORMAT;
use std::fmt;

/// Most placements a pack may use (built-in plus declared): they are kept as bits of a u64.
pub const MAX_PLACEMENTS: usize = 64;
/// Cooldown after "no thanks" when an offer does not set one.
pub const DEFAULT_COOLDOWN_HOURS: u32 = 24;
/// Longest id (offer ids end up in ledgers and cookies).
pub const MAX_ID_LEN: usize = 64;

/// Parses pack JSON text into a document ([`read`] then reads the pack from it).
pub fn parse(bytes: &[u8]) -> Result<Doc<'_>, PackErrors> {
    json::parse_bytes(bytes).map_err(json_error)
}

/// Reads the pack's source from a parsed document: every shape error names its JSON path.
pub fn read<'a>(doc: &'a Doc<'a>) -> Result<PackSource<'a>, PackErrors> {
    PackSource::read(doc.root())
        .map_err(|e| unsupported_format(doc).unwrap_or_else(|| json_error(e)))
}

fn json_error(e: JsonError) -> PackErrors {
    PackErrors::one(PackError::new(K::Json, None, e.at, e.message))
}

/// A pack from a newer format may fail on fields this engine does not know: say so.
fn unsupported_format(doc: &Doc<'_>) -> Option<PackErrors> {
    let format = doc
        .root()
        .as_object()?
        .get("format")?
        .as_number()?
        .as_u64()?;
    let format = u32::try_from(format).ok()?;
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

struct Ctx {
    errors: Vec<PackError>,
}

impl Ctx {
    fn push(
        &mut self,
        kind: K,
        offer: Option<&str>,
        at: fmt::Arguments<'_>,
        msg: fmt::Arguments<'_>,
    ) {
        super::error::push(&mut self.errors, kind, offer, at, msg);
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
            // Printable ASCII other than a backslash is fine; anything else is looked at closely.
            let plain = r.bytes().all(|b| (0x21..0x7f).contains(&b) && b != b'\\');
            !r.is_empty()
                && (plain
                    || !r.contains(|c: char| c.is_whitespace() || c.is_control() || c == '\\'))
        });
        if !ok {
            ctx.push(
                K::InsecureUrl,
                None,
                format_args!("{at}.{field}"),
                format_args!("`{u}` is neither an https URL nor a root-relative path"),
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
                format_args!("{at}.{name}"),
                format_args!("a {name} cap of {v} cannot be counted: the ledger keeps at most {max} shown events here"),
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

/// Checks and compiles a pack read from its document; the strings the pack keeps are copied
/// out of the document.
pub fn compile(src: PackSource<'_>) -> Result<Pack, PackErrors> {
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
        experiments: experiment_src,
        stop_loss: stop_loss_src,
    } = src;
    let header = header(&mut ctx, &header_src);

    // Catalog.
    if catalog.is_empty() {
        ctx.push(
            K::EmptyCatalog,
            None,
            format_args!("catalog"),
            format_args!("the catalog is empty: a pack needs at least one product"),
        );
    }
    let mut products = Vec::with_capacity(catalog.len());
    let mut sku_index: FastMap<String, u32> =
        FastMap::with_capacity_and_hasher(catalog.len(), Default::default());
    for (i, p) in catalog.into_iter().enumerate() {
        let at = Item("catalog", i);
        if !valid_id(p.sku) {
            ctx.push(
                K::BadValue,
                None,
                format_args!("{at}.sku"),
                format_args!(
                    "sku `{}` must be 1–{MAX_ID_LEN} of A–Z a–z 0–9 - _ . :",
                    p.sku
                ),
            );
        }
        if sku_index
            .insert(p.sku.to_owned(), u32::try_from(i).unwrap_or(u32::MAX))
            .is_some()
        {
            ctx.push(
                K::Duplicate,
                None,
                format_args!("{at}.sku"),
                format_args!("sku `{}` appears twice in the catalog", p.sku),
            );
        }
        if p.name.trim().is_empty() {
            ctx.push(
                K::BadValue,
                None,
                format_args!("{at}.name"),
                format_args!("product `{}` has no name", p.sku),
            );
        }
        if p.price.amount < 0 {
            ctx.push(
                K::BadValue,
                None,
                format_args!("{at}.price.amount"),
                format_args!(
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
                format_args!("{at}.price.currency"),
                format_args!(
                    "`{}` is not an ISO 4217 currency code such as USD",
                    p.price.currency
                ),
            );
        }
        if p.stock.is_some_and(|s| s < 0) {
            ctx.push(
                K::BadValue,
                None,
                format_args!("{at}.stock"),
                format_args!("product `{}` has negative stock", p.sku),
            );
        }
        check_url(&mut ctx, p.image, at, "image");
        check_url(&mut ctx, p.url, at, "url");
        let price = u64::try_from(p.price.amount).unwrap_or(0);
        let price_display = format_money(price, p.price.currency);
        products.push(Product {
            sku: p.sku.to_owned(),
            name: p.name.to_owned(),
            category: p.category.to_owned(),
            tags: p.tags.iter().map(|t| (*t).to_owned()).collect(),
            price,
            currency: p.price.currency.to_owned(),
            price_display,
            image: p.image.map(str::to_owned),
            url: p.url.map(str::to_owned),
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
                    format_args!("answers.{k}.values"),
                    format_args!("only string answers take a list of values"),
                );
            }
            (
                k.to_owned(),
                kind,
                a.values.iter().map(|v| (*v).to_owned()).collect(),
            )
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
                format_args!("policy.placements.{name}"),
                format_args!("placement `{name}` is built in"),
            );
        } else if !valid_id(name) {
            ctx.push(
                K::BadValue,
                None,
                format_args!("policy.placements.{name}"),
                format_args!("placement names use A–Z a–z 0–9 - _ . :"),
            );
        } else {
            placements.push(PlacementDef {
                name: (*name).to_owned(),
                stage: *stage,
            });
        }
    }
    if placements.len() > MAX_PLACEMENTS {
        ctx.push(
            K::BadValue,
            None,
            format_args!("policy.placements"),
            format_args!("at most {MAX_PLACEMENTS} placements"),
        );
        placements.truncate(MAX_PLACEMENTS);
    }
    let placement_bit = |name: &str| {
        placements
            .iter()
            .position(|p| p.name == name)
            .map(|i| 1u64 << i)
    };

    // The catalog's categories and tags, in the sku index's map type (wasm size).
    let mut categories: FastMap<String, u32> = FastMap::default();
    let mut tags: FastMap<String, u32> = FastMap::default();
    for p in &products {
        note(&mut categories, &p.category);
        for t in &p.tags {
            note(&mut tags, t);
        }
    }
    let sku_lookup = |s: &str| sku_index.get(s).copied();
    let has_category = |c: &str| categories.contains_key(c);
    let has_tag = |t: &str| tags.contains_key(t);

    let known = Known {
        sku: &sku_lookup,
        category: &has_category,
        tag: &has_tag,
    };
    // Compatibility, merged per add-on.
    let mut compat: Vec<Option<Compat>> = vec![None; products.len()];
    for (i, c) in compatibility.into_iter().enumerate() {
        let at = Item("compatibility", i);
        let Some(&addon) = sku_index.get(c.addon) else {
            ctx.push(
                K::UnknownSku,
                None,
                format_args!("{at}.addon"),
                format_args!("sku `{}` is not in the catalog", c.addon),
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
        if !valid_id(o.id) {
            ctx.push(
                K::BadValue,
                Some(o.id),
                format_args!("offers[{i}].id"),
                format_args!("offer ids must be 1–{MAX_ID_LEN} of A–Z a–z 0–9 - _ . :"),
            );
        }
        if offer_index
            .insert(o.id.to_owned(), u32::try_from(i).unwrap_or(u32::MAX))
            .is_some()
        {
            ctx.push(
                K::Duplicate,
                Some(o.id),
                format_args!("offers[{i}].id"),
                format_args!("offer id `{}` is used twice", o.id),
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
                        format_args!("policy.bundle_placements[{i}]"),
                        format_args!("unknown placement `{p}`"),
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

    // Bundle families, the per-category limit and exclusive groups: offer indices by bundle
    // category, bundle name and group, in the candidate index's map type (wasm size).
    let max_bundles = policy.max_bundles_per_category.unwrap_or(3);
    let mut by_category: FastMap<String, Vec<u32>> = FastMap::default();
    let mut families: FastMap<String, Vec<u32>> = FastMap::default();
    let mut groups: FastMap<String, Vec<u32>> = FastMap::default();
    for (i, o) in offers.iter().enumerate() {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        if let Some(b) = &o.bundle {
            push_keyed(&mut by_category, &b.category, i);
            push_keyed(&mut families, &b.name, i);
        }
        if let Some(g) = &o.group {
            push_keyed(&mut groups, g, i);
        }
    }
    let mut over: Vec<(&str, &[u32])> = by_category
        .iter()
        .filter(|(_, ids)| ids.len() > max_bundles as usize)
        .map(|(cat, ids)| (cat.as_str(), ids.as_slice()))
        .collect();
    // In category order (usually there are none: no sort for them).
    while let Some(j) = over
        .iter()
        .enumerate()
        .min_by(|a, b| a.1 .0.cmp(b.1 .0))
        .map(|(j, _)| j)
    {
        let (cat, ids) = over.swap_remove(j);
        let mut list = String::new();
        for (k, &i) in ids.iter().enumerate() {
            if k > 0 {
                list.push_str(", ");
            }
            list.push_str(offers.get(i as usize).map_or("", |o| o.id.as_str()));
        }
        ctx.push(
            K::BundlePolicy,
            None,
            format_args!("policy.max_bundles_per_category"),
            format_args!(
                "category `{cat}` has {} bundles ({list}), more than the policy's {max_bundles}",
                ids.len(),
            ),
        );
    }
    let tier = |i: u32| {
        offers
            .get(i as usize)
            .and_then(|o| o.bundle.as_ref())
            .map(|b| b.tier)
    };
    for f in families.values_mut() {
        // By tier, then pack order: a stable partition into the three tiers, not a sort.
        let mut sorted = Vec::with_capacity(f.len());
        for t in [Tier::Good, Tier::Better, Tier::Best] {
            for &i in f.iter() {
                if tier(i) == Some(t) {
                    sorted.push(i);
                }
            }
        }
        *f = sorted;
    }
    let mut family_and_peers = Vec::with_capacity(offers.len());
    for (i, o) in offers.iter().enumerate() {
        let family = o
            .bundle
            .as_ref()
            .and_then(|b| families.get(b.name.as_str()))
            .cloned()
            .unwrap_or_default();
        let mut peers = Vec::new();
        if let Some(m) = o.group.as_deref().and_then(|g| groups.get(g)) {
            peers = m.iter().copied().filter(|&x| x as usize != i).collect();
        }
        family_and_peers.push((family, peers));
    }
    for (o, (family, peers)) in offers.iter_mut().zip(family_and_peers) {
        if let Some(b) = &mut o.bundle {
            b.family = family;
        }
        o.group_peers = peers;
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
                    .iter()
                    .find(|(name, _)| *name == p.name)
                    .map(|(_, c)| caps(c))
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
                    (*k).to_owned(),
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
    for (key, _) in &policy.consent_defaults {
        let region = *key == "*"
            || *key == "EEA"
            || (key.len() == 2 && key.bytes().all(|b| b.is_ascii_uppercase()));
        if !region {
            ctx.push(
                K::BadValue,
                None,
                format_args!("policy.consent_defaults.{key}"),
                format_args!("`{key}` is not a region: use an ISO country code such as \"US\", \"EEA\" or \"*\""),
            );
        }
    }
    for (name, _) in &policy.placement_caps {
        if placement_bit(name).is_none() {
            ctx.push(
                K::UnknownPlacement,
                None,
                format_args!("policy.placement_caps.{name}"),
                format_args!("unknown placement `{name}`"),
            );
        }
    }

    // Experiments and stop-loss bars (after the offers: arms restyle compiled offers).
    let offer_at = |id: &str| offer_index.get(id).copied();
    let all_placements = match placements.len() {
        64 => u64::MAX,
        n => (1u64 << n) - 1,
    };
    let experiments = experiment::compile_experiments(
        &mut ctx.errors,
        &experiment_src,
        &experiment::Scope {
            offers: &offers,
            offer_index: &offer_at,
            placement_bit: &placement_bit,
            all_placements,
            answers: &answers,
            valid_id: &valid_id,
        },
    );
    let stop_loss =
        experiment::compile_stop_loss(&mut ctx.errors, &stop_loss_src, &offers, &offer_at);

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
        experiments,
        stop_loss,
    })
}

fn header(ctx: &mut Ctx, h: &HeaderSource) -> Option<Header> {
    let before = ctx.errors.len();
    if !valid_id(h.id) {
        ctx.push(
            K::BadValue,
            None,
            format_args!("header.id"),
            format_args!("pack id must be 1–{MAX_ID_LEN} of A–Z a–z 0–9 - _ . :"),
        );
    }
    let issued = parse_rfc3339(h.issued_at);
    let expires = parse_rfc3339(h.expires_at);
    if issued.is_none() {
        ctx.push(
            K::BadTime,
            None,
            format_args!("header.issued_at"),
            format_args!("`{}` is not an RFC 3339 timestamp", h.issued_at),
        );
    }
    if expires.is_none() {
        ctx.push(
            K::BadTime,
            None,
            format_args!("header.expires_at"),
            format_args!("`{}` is not an RFC 3339 timestamp", h.expires_at),
        );
    }
    if let (Some(i), Some(e)) = (issued, expires) {
        if e <= i {
            ctx.push(
                K::BadTime,
                None,
                format_args!("header.expires_at"),
                format_args!("the pack expires before it is issued"),
            );
        }
    }
    if h.audience.is_empty() {
        ctx.push(
            K::BadValue,
            None,
            format_args!("header.audience"),
            format_args!("name at least one site host the pack is for"),
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
                format_args!("header.audience[{i}]"),
                format_args!("`{a}` is not a host name"),
            );
        }
    }
    let min_engine = parse_version(h.min_engine);
    if min_engine.is_none() {
        ctx.push(
            K::BadValue,
            None,
            format_args!("header.min_engine"),
            format_args!("`{}` is not a version like 0.1.0", h.min_engine),
        );
    }
    if ctx.errors.len() > before {
        return None;
    }
    Some(Header {
        id: h.id.to_owned(),
        version: h.version,
        issued_at: issued?,
        expires_at: expires?,
        audience: h.audience.iter().map(|a| a.to_ascii_lowercase()).collect(),
        min_engine: min_engine?,
        description: h.description.map(str::to_owned),
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
            format_args!("{at}"),
            format_args!(
                "an empty selector matches nothing: name skus, categories or tags, or leave it out"
            ),
        );
    }
    for (i, c) in s.categories.iter().enumerate() {
        if !(known.category)(c) {
            ctx.push(
                K::UnknownCategory,
                None,
                format_args!("{at}.categories[{i}]"),
                format_args!("no product in the catalog has category `{c}`"),
            );
        }
    }
    for (i, t) in s.tags.iter().enumerate() {
        if !(known.tag)(t) {
            ctx.push(
                K::UnknownTag,
                None,
                format_args!("{at}.tags[{i}]"),
                format_args!("no product in the catalog has tag `{t}`"),
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
                format_args!("{at}.skus[{i}]"),
                format_args!("sku `{sku}` is not in the catalog"),
            ),
        }
    }
    Selector {
        skus,
        categories: s.categories.iter().map(|c| (*c).to_owned()).collect(),
        tags: s.tags.iter().map(|t| (*t).to_owned()).collect(),
    }
}

/// Adds `key` to a set kept as a map.
fn note(set: &mut FastMap<String, u32>, key: &str) {
    if set.get(key).is_none() {
        set.insert(key.to_owned(), 0);
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
    let id = Some(o.id);

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
                    format_args!("{at}.bundle"),
                    format_args!("an add-on offer has `item`, not `bundle`"),
                );
            }
            match o.item {
                None => ctx.push(
                    K::BadValue,
                    id,
                    format_args!("{at}.item"),
                    format_args!("an add-on offer needs `item` (a sku)"),
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
                        format_args!("{at}.item"),
                        format_args!("sku `{s}` is not in the catalog"),
                    ),
                },
            }
        }
        OfferKind::Bundle => {
            if o.item.is_some() {
                ctx.push(
                    K::BadValue,
                    id,
                    format_args!("{at}.item"),
                    format_args!("a bundle offer has `bundle`, not `item`"),
                );
            }
            match o.bundle {
                None => ctx.push(
                    K::BadValue,
                    id,
                    format_args!("{at}.bundle"),
                    format_args!("a bundle offer needs `bundle`"),
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
            format_args!("{at}.placements"),
            format_args!("an offer needs at least one placement"),
        );
    }
    for (k, p) in o.placements.iter().enumerate() {
        match placement_bit(p) {
            Some(b) => {
                if o.kind == OfferKind::Bundle && b & bundle_placements == 0 {
                    ctx.push(
                        K::BundlePolicy,
                        id,
                        format_args!("{at}.placements[{k}]"),
                        format_args!("bundles may not appear at `{p}` (policy.bundle_placements)"),
                    );
                }
                placements |= b;
            }
            None => ctx.push(
                K::UnknownPlacement,
                id,
                format_args!("{at}.placements[{k}]"),
                format_args!("unknown placement `{p}`"),
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
                offer: o.id,
                answers,
                sku: sku_lookup,
                category: has_category,
                tag: has_tag,
            };
            path.clear();
            path.push_str("offers[");
            super::money::push_digits(path, i as u64, false);
            path.push_str("].when");
            // Conditions are free-form JSON: refuse a repeated key anywhere in them here, as
            // the struct and map readers do for the rest of the pack.
            if let Some((inner, key)) = v.duplicate_key() {
                ctx.push(
                    K::Json,
                    None,
                    format_args!("{path}{inner}"),
                    format_args!("duplicate key `{key}`"),
                );
                None
            } else {
                condition::compile_at(*v, path, &scope, &mut ctx.errors)
            }
        }
    };
    let because = o.because.and_then(|t| {
        Template::parse_at(
            t,
            answers,
            o.id,
            &format_args!("{at}.because"),
            &mut ctx.errors,
        )
    });
    let because_contextual = o.because_contextual.and_then(|t| {
        let tpl = Template::parse_at(
            t,
            answers,
            o.id,
            &format_args!("{at}.because_contextual"),
            &mut ctx.errors,
        )?;
        if tpl.personal {
            ctx.push(
                K::BadValue,
                id,
                format_args!("{at}.because_contextual"),
                format_args!("the contextual explanation may cite only the page and cart"),
            );
        }
        Some(tpl)
    });

    // Sequence.
    let mut after = Vec::with_capacity(o.after.len());
    for (k, a) in o.after.iter().enumerate() {
        match offers.get(a.offer) {
            Some(&x) if a.offer == o.id => {
                let _ = x;
                ctx.push(
                    K::BadValue,
                    id,
                    format_args!("{at}.after[{k}].offer"),
                    format_args!("an offer cannot come after itself"),
                );
            }
            Some(&x) => after.push((x, a.event)),
            None => ctx.push(
                K::UnknownOffer,
                id,
                format_args!("{at}.after[{k}].offer"),
                format_args!("offer `{}` is not in the pack", a.offer),
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
                        format_args!("{at}.window.{field}"),
                        format_args!("`{s}` is not an RFC 3339 timestamp"),
                    ),
                }
            }
        }
        if let (Some(f), Some(u)) = window {
            if u <= f {
                ctx.push(
                    K::BadTime,
                    id,
                    format_args!("{at}.window"),
                    format_args!("the window ends before it starts"),
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
                format_args!("{at}.group"),
                format_args!("group names use A–Z a–z 0–9 - _ . :"),
            );
        }
    }

    if ctx.errors.len() > before {
        return None;
    }
    let condition = condition?;
    let personal = o.consent == ConsentNeed::Personalization || condition.personal;
    let title = match o.title {
        Some(t) => t.to_owned(),
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
        id: o.id.to_owned(),
        kind: o.kind,
        item,
        bundle,
        placements,
        stage: o.need.stage,
        motivation: o.need.motivation,
        title,
        benefit: o.benefit.map(str::to_owned),
        because,
        because_contextual,
        cta: o.cta.unwrap_or("Add").to_owned(),
        priority: o.priority,
        margin: o.margin,
        caps: caps(&o.caps),
        cooldown_secs: i64::from(o.cooldown_hours.unwrap_or(DEFAULT_COOLDOWN_HOURS)) * 3600,
        after,
        group: o.group.map(str::to_owned),
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
            format_args!("{at}.bundle.name"),
            format_args!("a mission bundle needs a name (its outcome)"),
        );
    }
    if b.items.is_empty() {
        ctx.push(
            K::BadValue,
            id,
            format_args!("{at}.bundle.items"),
            format_args!("a bundle needs items"),
        );
    }
    let mut items = Vec::with_capacity(b.items.len());
    for (k, s) in b.items.iter().enumerate() {
        match skus.get(*s) {
            Some(&x) if items.contains(&x) => ctx.push(
                K::Duplicate,
                id,
                format_args!("{at}.bundle.items[{k}]"),
                format_args!("sku `{s}` is listed twice"),
            ),
            Some(&x) => items.push(x),
            None => ctx.push(
                K::UnknownSku,
                id,
                format_args!("{at}.bundle.items[{k}]"),
                format_args!("sku `{s}` is not in the catalog"),
            ),
        }
    }
    let anchor = match &b.anchor {
        None => None,
        Some(s) => match skus.get(*s) {
            Some(&x) => Some(x),
            None => {
                ctx.push(
                    K::UnknownSku,
                    id,
                    format_args!("{at}.bundle.anchor"),
                    format_args!("sku `{s}` is not in the catalog"),
                );
                None
            }
        },
    };
    if b.price < 0 {
        ctx.push(
            K::BadValue,
            id,
            format_args!("{at}.bundle.price"),
            format_args!("negative bundle price ({})", b.price),
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
            format_args!("{at}.bundle.items"),
            format_args!("bundle items are priced in different currencies"),
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
            format_args!("{at}.bundle.price"),
            format_args!("the bundle costs more ({price}) than its items bought singly ({total})"),
        );
    }
    if let Some(a) = anchor.filter(|a| items.contains(a)) {
        let anchor_price = get(a).map(|p| p.price).unwrap_or(0);
        if price < anchor_price {
            ctx.push(
                K::DiscountedAnchor,
                id,
                format_args!("{at}.bundle.price"),
                format_args!("the bundle price {price} is below its anchor's full price {anchor_price}: discount the add-ons, never the anchor"),
            );
        }
    }
    let category = b
        .category
        .or_else(|| anchor.and_then(get).map(|p| p.category.as_str()))
        .or_else(|| {
            items
                .first()
                .and_then(|&x| get(x))
                .map(|p| p.category.as_str())
        })
        .unwrap_or_default()
        .to_owned();
    if ctx.errors.len() > before {
        return None;
    }
    let savings = total.saturating_sub(price);
    Some(Bundle {
        name: b.name.to_owned(),
        tier: b.tier,
        tier_label: b.tier_label.map(str::to_owned),
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

    fn first(bytes: &[u8]) -> PackError {
        let doc = parse(bytes);
        let errors = match doc.as_ref().map_err(Clone::clone).and_then(read) {
            Err(e) => e,
            Ok(src) => compile(src).err().unwrap(),
        };
        errors.first().unwrap().clone()
    }

    #[test]
    fn the_demo_pack_reads_and_compiles() {
        let doc = parse(DEMO).unwrap();
        let src = read(&doc).unwrap();
        assert_eq!(src.format, PACK_FORMAT);
        let pack = compile(src.clone()).unwrap();
        assert_eq!(pack.offers.len(), src.offers.len());
        assert_eq!(pack.products.len(), src.catalog.len());
    }

    #[test]
    fn shape_errors_name_their_path() {
        let text = String::from_utf8(DEMO.to_vec()).unwrap();
        let unknown = text.replacen("\"format\": 1,", "\"format\": 1, \"colour\": 1,", 1);
        let e = first(unknown.as_bytes());
        assert_eq!((e.kind, e.at.as_str()), (K::Json, "colour"));
        assert!(
            e.message.starts_with("unknown field `colour`"),
            "{}",
            e.message
        );
        let trailing = [DEMO, b" {}"].concat();
        let e = first(&trailing);
        assert_eq!((e.kind, e.at.as_str()), (K::Json, ""));
        assert!(
            e.message.contains("trailing characters at line "),
            "{}",
            e.message
        );
        let e = first(b"\xff");
        assert!(e.message.contains("invalid UTF-8"), "{}", e.message);
    }

    #[test]
    fn a_newer_format_is_named_as_such() {
        let text = String::from_utf8(DEMO.to_vec()).unwrap();
        let newer = text.replacen("\"format\": 1,", "\"format\": 2, \"colour\": 1,", 1);
        let e = first(newer.as_bytes());
        assert_eq!((e.kind, e.at.as_str()), (K::UnsupportedFormat, "format"));
        let newer = text.replacen("\"format\": 1,", "\"format\": 2,", 1);
        assert_eq!(first(newer.as_bytes()).kind, K::UnsupportedFormat);
    }
}
