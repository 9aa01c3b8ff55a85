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
                AnswerValue::Number(n) => Some(Cow::Owned(n.to_string())),
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
