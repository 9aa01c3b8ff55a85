//! Eligibility conditions: all / any / not over typed signal paths, compiled once at load.
//!
//! A condition is written as JSON in the pack (see docs/pack-format.md), resolved against the
//! path table and the pack's catalog and answers by [`compile`], and evaluated per decision
//! against a [`Facts`] view of the signals. Unknown paths and type mismatches are load errors.

mod compile;
mod eval;
pub mod path;

pub(crate) use compile::compile_at;
pub use compile::{compile, CompileScope, MAX_DEPTH};
pub use eval::Facts;
pub use path::{Field, PathClass, ValueKind};

/// Which chosen products `compatible` checks the offer against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Page,
    Cart,
    PageOrCart,
    Purchased,
}

/// `cart_has`: what the cart must contain.
#[derive(Debug, Clone, PartialEq)]
pub enum Has {
    /// Product index in the pack's catalog.
    Sku(u32),
    Category(String),
    Tag(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumOp {
    Eq,
    Ne,
    Lt,
    Lte,
    Gt,
    Gte,
}

/// The test a leaf applies to its path's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    Num(NumOp, f64),
    Between(f64, f64),
    NumIn(Vec<f64>),
    StrEq(String),
    StrNe(String),
    StrIn(Vec<String>),
    BoolEq(bool),
    ListContains(String),
    /// Any element of the list is among these values.
    ListAny(Vec<String>),
    Exists(bool),
}

/// A compiled condition node. Leaves carry an index into [`Condition::labels`].
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    All(Vec<Cond>),
    Any(Vec<Cond>),
    Not(Box<Cond>),
    Path { leaf: u32, field: Field, test: Test },
    Compatible { leaf: u32, anchor: Anchor },
    CartHas { leaf: u32, has: Has },
}

/// The human-readable labels of a condition's leaves, e.g. "cart.value gte 50000", kept in
/// one string (two allocations per condition, however many leaves it has).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Labels {
    text: String,
    /// Where each label ends in `text`; label `i` starts where label `i - 1` ends.
    ends: Vec<u32>,
}

impl Labels {
    /// Empty, with room for a few typical labels (most conditions have one to four leaves).
    pub(crate) fn with_capacity() -> Labels {
        Labels {
            text: String::with_capacity(96),
            ends: Vec::with_capacity(4),
        }
    }

    /// Label `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = match i.checked_sub(1) {
            Some(j) => *self.ends.get(j)? as usize,
            None => 0,
        };
        self.text.get(start..end)
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The labels in leaf order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// The label being written: append its text here, then call [`Labels::end`].
    pub(crate) fn text(&mut self) -> &mut String {
        &mut self.text
    }

    /// Ends the label being written; its leaf index.
    pub(crate) fn end(&mut self) -> u32 {
        // Labels are written from a pack, far below 4 GiB (the envelope limit).
        self.ends
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        u32::try_from(self.ends.len() - 1).unwrap_or(u32::MAX)
    }
}

/// A compiled condition with the human-readable label of each leaf.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub root: Cond,
    /// One label per leaf.
    pub labels: Labels,
    /// True if any leaf reads a personal path (needs personalization consent).
    pub personal: bool,
}

impl Condition {
    /// The always-true condition (an offer with no `when`).
    pub fn always() -> Condition {
        Condition {
            root: Cond::All(Vec::new()),
            labels: Labels::default(),
            personal: false,
        }
    }

    /// Evaluates the condition.
    pub fn eval(&self, facts: &impl Facts) -> bool {
        eval::eval(&self.root, facts)
    }

    /// The values this condition compares `field` with (for example the dwell seconds a
    /// page should re-decide at), appended to `out`.
    pub fn thresholds(&self, field: Field, out: &mut Vec<f64>) {
        fn walk(c: &Cond, field: Field, out: &mut Vec<f64>) {
            match c {
                Cond::All(cs) | Cond::Any(cs) => cs.iter().for_each(|c| walk(c, field, out)),
                Cond::Not(inner) => walk(inner, field, out),
                Cond::Path { field: f, test, .. } if *f == field => match test {
                    Test::Num(_, v) => out.push(*v),
                    Test::Between(lo, hi) => out.extend([*lo, *hi]),
                    Test::NumIn(vs) => out.extend(vs.iter().copied()),
                    _ => {}
                },
                _ => {}
            }
        }
        walk(&self.root, field, out);
    }

    /// Why the condition is false (call only when [`Condition::eval`] returned false).
    pub fn why_false(&self, facts: &impl Facts) -> String {
        eval::why_false(&self.root, facts, &self.labels)
    }

    /// Evaluates and appends the labels of the leaves that held and counted towards the result.
    pub fn explain<'a>(
        &'a self,
        facts: &impl Facts,
        out: &mut Vec<std::borrow::Cow<'a, str>>,
    ) -> bool {
        eval::explain(&self.root, facts, &self.labels, out)
    }
}
