//! Evaluates a compiled condition against the facts of one decision; a missing value is false.

use super::{Anchor, Cond, Field, Has, Labels, NumOp, Test};
use std::borrow::Cow;

/// The values a condition can read, for one offer in one decision. A `None` means the signal
/// is missing (or may not be read without consent): every test on it is false except
/// `exists: false`.
pub trait Facts {
    fn num(&self, field: Field) -> Option<f64>;
    fn str(&self, field: Field) -> Option<&str>;
    fn bool(&self, field: Field) -> Option<bool>;
    /// Calls `f` on each element of a list path; `None` if the list is missing.
    fn list_any(&self, field: Field, f: &mut dyn FnMut(&str) -> bool) -> Option<bool>;
    fn compatible(&self, anchor: Anchor) -> bool;
    fn cart_has(&self, has: &Has) -> bool;
}

fn test(field: Field, t: &Test, facts: &impl Facts) -> bool {
    match t {
        Test::Num(op, v) => facts.num(field).is_some_and(|x| match op {
            NumOp::Eq => x == *v,
            NumOp::Ne => x != *v,
            NumOp::Lt => x < *v,
            NumOp::Lte => x <= *v,
            NumOp::Gt => x > *v,
            NumOp::Gte => x >= *v,
        }),
        Test::Between(lo, hi) => facts.num(field).is_some_and(|x| *lo <= x && x <= *hi),
        Test::NumIn(vs) => facts.num(field).is_some_and(|x| vs.contains(&x)),
        Test::StrEq(v) => facts.str(field) == Some(v.as_str()),
        Test::StrNe(v) => facts.str(field).is_some_and(|x| x != v),
        Test::StrIn(vs) => facts.str(field).is_some_and(|x| vs.iter().any(|v| v == x)),
        Test::BoolEq(v) => facts.bool(field) == Some(*v),
        Test::ListContains(v) => facts.list_any(field, &mut |x| x == v) == Some(true),
        Test::ListAny(vs) => {
            facts.list_any(field, &mut |x| vs.iter().any(|v| v == x)) == Some(true)
        }
        Test::Exists(want) => exists(field, facts) == *want,
    }
}

fn exists(field: Field, facts: &impl Facts) -> bool {
    facts.num(field).is_some()
        || facts.str(field).is_some()
        || facts.bool(field).is_some()
        || facts.list_any(field, &mut |_| true) == Some(true)
}

pub(super) fn eval(c: &Cond, facts: &impl Facts) -> bool {
    match c {
        Cond::All(cs) => cs.iter().all(|c| eval(c, facts)),
        Cond::Any(cs) => cs.iter().any(|c| eval(c, facts)),
        Cond::Not(c) => !eval(c, facts),
        Cond::Path { field, test: t, .. } => test(*field, t, facts),
        Cond::Compatible { anchor, .. } => facts.compatible(*anchor),
        Cond::CartHas { has, .. } => facts.cart_has(has),
    }
}

/// Like [`eval`], collecting the labels of the leaves that made the result true.
pub(super) fn explain<'a>(
    c: &Cond,
    facts: &impl Facts,
    labels: &'a Labels,
    out: &mut Vec<Cow<'a, str>>,
) -> bool {
    let mark = out.len();
    let result = match c {
        Cond::All(cs) => cs.iter().all(|c| explain(c, facts, labels, out)),
        Cond::Any(cs) => cs.iter().any(|c| explain(c, facts, labels, out)),
        Cond::Not(inner) => {
            let held = eval(inner, facts);
            if !held {
                out.push(Cow::Owned(format!("not ({})", leaf_summary(inner, labels))));
            }
            !held
        }
        Cond::Path { leaf, .. } | Cond::Compatible { leaf, .. } | Cond::CartHas { leaf, .. } => {
            let held = eval(c, facts);
            if held {
                if let Some(l) = labels.get(*leaf as usize) {
                    out.push(Cow::Borrowed(l));
                }
            }
            held
        }
    };
    if !result {
        out.truncate(mark);
    }
    result
}

fn leaf_summary(c: &Cond, labels: &Labels) -> String {
    match c {
        Cond::Path { leaf, .. } | Cond::Compatible { leaf, .. } | Cond::CartHas { leaf, .. } => {
            labels
                .get(*leaf as usize)
                .map(str::to_owned)
                .unwrap_or_default()
        }
        Cond::All(cs) => join(cs, labels, " and "),
        Cond::Any(cs) => join(cs, labels, " or "),
        Cond::Not(inner) => format!("not ({})", leaf_summary(inner, labels)),
    }
}

fn join(cs: &[Cond], labels: &Labels, sep: &str) -> String {
    cs.iter()
        .map(|c| leaf_summary(c, labels))
        .collect::<Vec<_>>()
        .join(sep)
}

/// Describes why a condition that evaluated false did so: the first failing leaf of an `all`,
/// every alternative of an `any`, or the negated part of a `not`.
pub(super) fn why_false(c: &Cond, facts: &impl Facts, labels: &Labels) -> String {
    match c {
        Cond::All(cs) => cs
            .iter()
            .find(|c| !eval(c, facts))
            .map(|c| why_false(c, facts, labels))
            .unwrap_or_default(),
        Cond::Any(cs) if cs.is_empty() => "an empty `any` is never true".to_owned(),
        Cond::Any(cs) => format!(
            "none of: {}",
            cs.iter()
                .map(|c| why_false(c, facts, labels))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        Cond::Not(inner) => format!("not ({}) is false", leaf_summary(inner, labels)),
        Cond::Path { leaf, .. } | Cond::Compatible { leaf, .. } | Cond::CartHas { leaf, .. } => {
            format!(
                "{} is false",
                labels.get(*leaf as usize).unwrap_or("a rule")
            )
        }
    }
}
