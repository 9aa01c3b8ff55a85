//! Builds the "because" sentence: the offer's template when every value it cites is known and
//! may be cited, else its contextual template, else a plain sentence from the page and cart.

use super::context::Context;
use crate::pack::template::{Placeholder, Template};
use crate::pack::Offer;
use crate::signals::AnswerValue;

fn value(ctx: &Context<'_>, offer: &Offer, chosen: Option<u32>, p: &Placeholder) -> Option<String> {
    let products = &ctx.pack.products;
    let prod = |i: Option<u32>| i.and_then(|i| products.get(i as usize));
    if p.personal() && !ctx.personal {
        return None;
    }
    match p {
        Placeholder::ChosenName => prod(chosen).map(|p| p.name.clone()),
        Placeholder::ChosenCategory => prod(chosen).map(|p| p.category.clone()),
        Placeholder::OfferName => Some(offer_name(ctx, offer)),
        Placeholder::PageProductName => prod(ctx.page_product).map(|p| p.name.clone()),
        Placeholder::PageCategory => ctx
            .signals
            .page
            .category
            .clone()
            .or_else(|| prod(ctx.page_product).map(|p| p.category.clone())),
        Placeholder::CartCount => (ctx.cart_count > 0).then(|| ctx.cart_count.to_string()),
        Placeholder::CustomerSegment => ctx.signals.customer.segment.clone(),
        Placeholder::Answer(i) => {
            let (key, ..) = ctx.pack.answers.get(usize::from(*i))?;
            match ctx.signals.answers.get(key)? {
                AnswerValue::String(s) => Some(s.clone()),
                AnswerValue::Number(n) => Some(n.to_string()),
                AnswerValue::Bool(b) => Some(if *b { "yes" } else { "no" }.to_owned()),
            }
        }
    }
}

/// The item's or bundle's name.
pub fn offer_name(ctx: &Context<'_>, offer: &Offer) -> String {
    match (&offer.bundle, offer.item) {
        (Some(b), _) => b.name.clone(),
        (None, Some(i)) => ctx
            .pack
            .products
            .get(i as usize)
            .map(|p| p.name.clone())
            .unwrap_or_default(),
        (None, None) => offer.title.clone(),
    }
}

fn render(ctx: &Context<'_>, offer: &Offer, chosen: Option<u32>, t: &Template) -> Option<String> {
    if t.personal && !ctx.personal {
        return None;
    }
    t.render(&mut |p| value(ctx, offer, chosen, p))
}

/// The sentence, and whether it cites anything personal.
pub fn because(ctx: &Context<'_>, offer: &Offer, chosen: Option<u32>) -> (String, bool) {
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
