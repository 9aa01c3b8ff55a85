//! Turns a condition's JSON into a typed [`Cond`] tree, reporting every problem with its path.

use super::path::{self, Field, PathClass, ValueKind};
use super::{Anchor, Cond, Condition, Has, Labels, NumOp, Test};
use crate::json::{self, Kind, Node, Object};
use crate::pack::error::{push, PackError, PackErrorKind};
use serde_json::Value;
use std::fmt::{self, Write as _};

/// Deepest nesting of all / any / not accepted.
pub const MAX_DEPTH: usize = 32;

/// What a condition may refer to: the pack's declared answers and catalog.
pub struct CompileScope<'a> {
    /// Offer id, for error messages.
    pub offer: &'a str,
    /// Declared answers: key, kind, allowed values.
    pub answers: &'a [(String, ValueKind, Vec<String>)],
    /// Looks a sku up in the catalog.
    pub sku: &'a dyn Fn(&str) -> Option<u32>,
    /// Whether some catalog product has this category.
    pub category: &'a dyn Fn(&str) -> bool,
    /// Whether some catalog product has this tag.
    pub tag: &'a dyn Fn(&str) -> bool,
}

struct Compiler<'a, 'b> {
    scope: &'b CompileScope<'a>,
    labels: Labels,
    personal: bool,
    errors: &'b mut Vec<PackError>,
    /// The JSON path of the value being compiled; grown and cut back as the compiler descends,
    /// so a path is only copied when an error names it.
    at: &'b mut String,
}

/// The values a compared string may take: any, a declared answer's, or a fixed path's.
#[derive(Clone, Copy)]
enum Allowed<'a> {
    Answer(&'a [String]),
    Fixed(&'static [&'static str]),
}

impl Allowed<'_> {
    fn is_empty(&self) -> bool {
        match self {
            Allowed::Answer(v) => v.is_empty(),
            Allowed::Fixed(v) => v.is_empty(),
        }
    }
    fn contains(&self, s: &str) -> bool {
        match self {
            Allowed::Answer(v) => v.iter().any(|a| a == s),
            Allowed::Fixed(v) => v.contains(&s),
        }
    }
}

impl fmt::Display for Allowed<'_> {
    /// `["a", "b"]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&match self {
            Allowed::Answer(v) => json::write::quoted_list(v.iter().map(String::as_str)),
            Allowed::Fixed(v) => json::write::quoted_list(v.iter().copied()),
        })
    }
}

/// Compiles `value` (found at JSON path `at`); problems are pushed to `errors`.
pub fn compile(
    value: &Value,
    at: &str,
    scope: &CompileScope<'_>,
    errors: &mut Vec<PackError>,
) -> Option<Condition> {
    let text = value.to_string();
    match json::parse(&text) {
        Ok(doc) => compile_at(doc.root(), &mut at.to_owned(), scope, errors),
        Err(e) => {
            errors.push(PackError::new(
                PackErrorKind::Json,
                Some(scope.offer),
                at,
                e.message,
            ));
            None
        }
    }
}

/// [`compile`] of a value in a parsed document (as a pack's `when` is read), with the path in a
/// buffer the compiler may grow (it is restored on return).
pub(crate) fn compile_at(
    value: Node<'_>,
    at: &mut String,
    scope: &CompileScope<'_>,
    errors: &mut Vec<PackError>,
) -> Option<Condition> {
    let before = errors.len();
    let base = at.len();
    let mut c = Compiler {
        scope,
        labels: Labels::with_capacity(),
        personal: false,
        errors,
        at,
    };
    let root = c.node(value, 0);
    let (labels, personal) = (c.labels, c.personal);
    at.truncate(base);
    match root {
        Some(root) if errors.len() == before => Some(Condition {
            root,
            labels,
            personal,
        }),
        _ => None,
    }
}

const OPERATORS: &[&str] = &[
    "eq", "ne", "lt", "lte", "gt", "gte", "between", "in", "contains", "exists",
];
/// `OPERATORS.join(", ")`, written out: no `join` of a `&str` list in the wasm for messages.
const OPERATOR_LIST: &str = "eq, ne, lt, lte, gt, gte, between, in, contains, exists";

impl<'a> Compiler<'a, '_> {
    /// Records an error at the current path.
    fn err<T>(&mut self, kind: PackErrorKind, msg: fmt::Arguments<'_>) -> Option<T> {
        self.report(kind, "", msg);
        None
    }

    /// Records an error at the current path followed by `.key`.
    fn err_in<T>(&mut self, kind: PackErrorKind, key: &str, msg: fmt::Arguments<'_>) -> Option<T> {
        self.report(kind, key, msg);
        None
    }

    /// Records an error at the current path, followed by `.key` unless `key` is empty (not
    /// generic, unlike `err`).
    fn report(&mut self, kind: PackErrorKind, key: &str, msg: fmt::Arguments<'_>) {
        let dot = if key.is_empty() { "" } else { "." };
        push(
            self.errors,
            kind,
            Some(self.scope.offer),
            format_args!("{}{dot}{key}", self.at),
            msg,
        );
    }

    /// Records a type mismatch of operator `op` on `path` at the current path.
    fn mismatch(&mut self, op: &str, path: &str, kind: ValueKind, want: &str) -> Option<Test> {
        self.err(
            PackErrorKind::TypeMismatch,
            format_args!("`{op}` on `{path}` ({}) needs {want}", kind.name()),
        )
    }

    fn node(&mut self, v: Node<'_>, depth: usize) -> Option<Cond> {
        if depth >= MAX_DEPTH {
            return self.err(
                PackErrorKind::TooDeep,
                format_args!("conditions nest deeper than {MAX_DEPTH} levels"),
            );
        }
        let Some(obj) = v.as_object() else {
            return self.err(
                PackErrorKind::BadCondition,
                format_args!("a condition must be an object such as {{\"path\": …, \"eq\": …}}"),
            );
        };
        if let Some(path) = obj.get("path") {
            return self.leaf(obj, path);
        }
        if obj.len() != 1 {
            let keys = json::write::quoted_list(obj.sorted().into_iter().map(|(k, _)| k));
            return self.err(
                PackErrorKind::BadCondition,
                format_args!(
                    "expected exactly one of all, any, not, compatible, cart_has, or a path test; found keys {keys}"
                ),
            );
        }
        let (key, inner) = obj.iter().next()?;
        let base = self.at.len();
        self.at.push('.');
        self.at.push_str(key);
        let out = self.keyed(key, inner, depth);
        self.at.truncate(base);
        out
    }

    /// The single-key forms; the current path already ends in `.key`.
    fn keyed(&mut self, key: &str, inner: Node<'_>, depth: usize) -> Option<Cond> {
        match key {
            "all" | "any" => {
                let Some(items) = inner.as_array() else {
                    return self.err(
                        PackErrorKind::BadCondition,
                        format_args!("`{key}` takes a list of conditions"),
                    );
                };
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                let base = self.at.len();
                for (i, item) in items.iter().enumerate() {
                    push_index(self.at, i);
                    let c = self.node(item, depth + 1);
                    self.at.truncate(base);
                    match c {
                        Some(c) => out.push(c),
                        None => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                Some(if key == "all" {
                    Cond::All(out)
                } else {
                    Cond::Any(out)
                })
            }
            "not" => self.node(inner, depth + 1).map(|c| Cond::Not(Box::new(c))),
            "compatible" => {
                let anchor = match inner.as_str() {
                    Some("page") => Anchor::Page,
                    Some("cart") => Anchor::Cart,
                    Some("page_or_cart") => Anchor::PageOrCart,
                    Some("purchased") => Anchor::Purchased,
                    _ => return self.err(
                        PackErrorKind::BadCondition,
                        format_args!("`compatible` takes \"page\", \"cart\", \"page_or_cart\" or \"purchased\"")
                            ,
                    ),
                };
                let label = match anchor {
                    Anchor::Page => "fits the product on this page",
                    Anchor::Cart => "fits a product in the cart",
                    Anchor::PageOrCart => "fits the product on this page or in the cart",
                    Anchor::Purchased => "fits a product already bought",
                };
                if anchor == Anchor::Purchased {
                    // Purchase history is the shopper's history, not the current page or cart.
                    self.personal = true;
                }
                let leaf = self.label(&[label]);
                Some(Cond::Compatible { leaf, anchor })
            }
            "cart_has" => self.cart_has(inner),
            other => {
                let hint = if OPERATORS.contains(&other) {
                    " (an operator needs a \"path\" beside it)"
                } else {
                    ""
                };
                self.err(
                    PackErrorKind::BadCondition,
                    format_args!("unknown condition `{other}`{hint}"),
                )
            }
        }
    }

    /// A leaf label from its pieces, written straight into the condition's labels.
    fn label(&mut self, pieces: &[&str]) -> u32 {
        let text = self.labels.text();
        for p in pieces {
            text.push_str(p);
        }
        self.labels.end()
    }

    fn cart_has(&mut self, inner: Node<'_>) -> Option<Cond> {
        let Some(obj) = inner.as_object().filter(|o| o.len() == 1) else {
            return self.err(
                PackErrorKind::BadCondition,
                format_args!(
                    "`cart_has` takes one of {{\"sku\": …}}, {{\"category\": …}}, {{\"tag\": …}}"
                ),
            );
        };
        let (k, v) = obj.iter().next()?;
        let Some(s) = v.as_str() else {
            return self.err_in(
                PackErrorKind::TypeMismatch,
                k,
                format_args!("`cart_has.{k}` takes a string"),
            );
        };
        let has = match k {
            "sku" => match (self.scope.sku)(s) {
                Some(i) => Has::Sku(i),
                None => {
                    return self.err_in(
                        PackErrorKind::UnknownSku,
                        "sku",
                        format_args!("sku `{s}` is not in the catalog"),
                    )
                }
            },
            "category" if (self.scope.category)(s) => Has::Category(s.to_owned()),
            "tag" if (self.scope.tag)(s) => Has::Tag(s.to_owned()),
            "category" | "tag" => {
                let kind = if k == "tag" {
                    PackErrorKind::UnknownTag
                } else {
                    PackErrorKind::UnknownCategory
                };
                return self.err_in(
                    kind,
                    k,
                    format_args!("no product in the catalog has {k} `{s}`"),
                );
            }
            _ => {
                return self.err_in(
                    PackErrorKind::BadCondition,
                    k,
                    format_args!("`cart_has` takes sku, category or tag, not `{k}`"),
                )
            }
        };
        let leaf = self.label(&["cart has ", k, " ", s]);
        Some(Cond::CartHas { leaf, has })
    }

    /// Resolves a path; errors are reported at the current path (the leaf's `.path`).
    fn resolve(&mut self, path: &str) -> Option<(Field, ValueKind, Allowed<'a>)> {
        let answers = self.scope.answers;
        if let Some(key) = path.strip_prefix("answers.") {
            let found = answers.iter().enumerate().find(|(_, (k, ..))| k == key);
            return match found {
                Some((i, (_, kind, values))) => {
                    self.personal = true;
                    let idx = u16::try_from(i).unwrap_or(u16::MAX);
                    Some((Field::Answer(idx, *kind), *kind, Allowed::Answer(values)))
                }
                None => {
                    self.err::<()>(
                        PackErrorKind::UnknownAnswer,
                        format_args!("answer `{key}` is not declared in the pack's `answers`"),
                    );
                    None
                }
            };
        }
        match path::fixed(path) {
            Some((field, kind, class)) => {
                if class == PathClass::Personal {
                    self.personal = true;
                }
                let allowed = Allowed::Fixed(path::allowed_values(field).unwrap_or(&[]));
                Some((field, kind, allowed))
            }
            None => {
                self.err::<()>(
                    PackErrorKind::UnknownPath,
                    format_args!("unknown signal path `{path}`"),
                );
                None
            }
        }
    }

    fn leaf(&mut self, obj: Object<'_>, path: Node<'_>) -> Option<Cond> {
        let Some(path) = path.as_str() else {
            return self.err_in(
                PackErrorKind::BadCondition,
                "path",
                format_args!("`path` must be a string"),
            );
        };
        let mut ops = obj.iter().filter(|(k, _)| *k != "path");
        let (Some((op, value)), None) = (ops.next(), ops.next()) else {
            return self.err(
                PackErrorKind::BadCondition,
                format_args!("a path test takes exactly one operator ({})", OPERATOR_LIST),
            );
        };
        let base = self.at.len();
        self.at.push_str(".path");
        let resolved = self.resolve(path);
        self.at.truncate(base);
        let (field, kind, allowed) = resolved?;
        self.at.push('.');
        self.at.push_str(op);
        let test = self.test(op, value, path, field, kind, allowed);
        self.at.truncate(base);
        let test = test?;
        let label = self.labels.text();
        label.push_str(path);
        label.push(' ');
        label.push_str(op);
        label.push(' ');
        match value.kind() {
            Kind::Str(s) => label.push_str(s),
            // Writing to a String cannot fail. This is `value.to_string()` without the copy; a
            // number's own Display writes exactly what the JSON serializer would.
            Kind::Number(n) => {
                let _ = write!(label, "{n}");
            }
            _ => {
                let _ = write!(label, "{value}");
            }
        }
        let leaf = self.labels.end();
        Some(Cond::Path { leaf, field, test })
    }

    /// The test of a path leaf; errors are reported at the current path (the operator's).
    fn test(
        &mut self,
        op: &str,
        value: Node<'_>,
        path: &str,
        field: Field,
        kind: ValueKind,
        allowed: Allowed<'_>,
    ) -> Option<Test> {
        let Some(o) = OPERATORS.iter().position(|o| *o == op) else {
            return self.err(
                PackErrorKind::BadCondition,
                format_args!("unknown operator `{op}` (expected one of {OPERATOR_LIST})"),
            );
        };
        // The operator by its index in OPERATORS (0..=5 are eq, ne, lt, lte, gt, gte, in
        // NumOp order): one string search, not one per match arm.
        let (eq, ne, between, is_in, contains, exists) = (0, 1, 6, 7, 8, 9);
        let test = match (o, kind) {
            (o, _) if o == exists => match value.as_bool() {
                Some(b) => Test::Exists(b),
                None => return self.mismatch(op, path, kind, "true or false"),
            },
            (0..=5, ValueKind::Number) => {
                let Some(n) = value.as_f64() else {
                    return self.mismatch(op, path, kind, "a number");
                };
                let ops = [
                    NumOp::Eq,
                    NumOp::Ne,
                    NumOp::Lt,
                    NumOp::Lte,
                    NumOp::Gt,
                    NumOp::Gte,
                ];
                Test::Num(ops.get(o).copied().unwrap_or(NumOp::Gte), n)
            }
            (o, ValueKind::Number) if o == between => {
                let pair = value.as_array().filter(|a| a.len() == 2).and_then(|a| {
                    let mut it = a.iter().filter_map(Node::as_number);
                    let (lo, hi) = (it.next()?, it.next()?);
                    Some((lo, lo.as_f64()?, hi, hi.as_f64()?))
                });
                match pair {
                    Some((_, lo, _, hi)) if lo <= hi => Test::Between(lo, hi),
                    // The bounds as written: printing an f64 would bring float formatting
                    // into the wasm module.
                    Some((lo, _, hi, _)) => {
                        return self.err(
                            PackErrorKind::BadValue,
                            format_args!(
                            "`between` [{lo}, {hi}] is empty: the low bound is above the high one"
                        ),
                        )
                    }
                    None => return self.mismatch(op, path, kind, "[low, high] numbers"),
                }
            }
            (o, ValueKind::Number) if o == is_in => {
                let mut nums = Vec::new();
                let all = value
                    .as_array()
                    .is_some_and(|a| a.iter().all(|n| n.as_f64().map(|x| nums.push(x)).is_some()));
                if !all {
                    return self.mismatch(op, path, kind, "a list of numbers");
                }
                Test::NumIn(nums)
            }
            (o, ValueKind::String) if o == eq || o == ne => {
                let Some(s) = value.as_str() else {
                    return self.mismatch(op, path, kind, "a string");
                };
                self.check_value(field, allowed, path, s)?;
                if o == eq {
                    Test::StrEq(s.to_owned())
                } else {
                    Test::StrNe(s.to_owned())
                }
            }
            (o, ValueKind::String | ValueKind::List) if o == is_in => {
                let mut strs = Vec::new();
                let all = value.as_array().is_some_and(|a| {
                    a.iter()
                        .all(|v| v.as_str().map(|s| strs.push(s.to_owned())).is_some())
                });
                if !all {
                    return self.mismatch(op, path, kind, "a list of strings");
                }
                let base = self.at.len();
                for (i, s) in strs.iter().enumerate() {
                    push_index(self.at, i);
                    let checked = self.check_value(field, allowed, path, s);
                    self.at.truncate(base);
                    checked?;
                }
                if kind == ValueKind::List {
                    Test::ListAny(strs)
                } else {
                    Test::StrIn(strs)
                }
            }
            (o, ValueKind::Bool) if o == eq || o == ne => {
                let Some(b) = value.as_bool() else {
                    return self.mismatch(op, path, kind, "true or false");
                };
                Test::BoolEq(if o == eq { b } else { !b })
            }
            (o, ValueKind::List) if o == contains => {
                let Some(s) = value.as_str() else {
                    return self.mismatch(op, path, kind, "a string");
                };
                self.check_value(field, allowed, path, s)?;
                Test::ListContains(s.to_owned())
            }
            _ => {
                return self.err(
                    PackErrorKind::TypeMismatch,
                    format_args!(
                        "operator `{op}` does not apply to `{path}`, a {}",
                        kind.name()
                    ),
                )
            }
        };
        Some(test)
    }

    /// Checks a compared string against the path's allowed values and, for sku paths, the
    /// catalog; errors are reported at the current path.
    fn check_value(
        &mut self,
        field: Field,
        allowed: Allowed<'_>,
        path: &str,
        s: &str,
    ) -> Option<()> {
        if !allowed.is_empty() && !allowed.contains(s) {
            return self.err(
                PackErrorKind::BadValue,
                format_args!("`{s}` is not a value `{path}` can take (one of {allowed})"),
            );
        }
        let is_sku = matches!(
            field,
            Field::PageProduct | Field::CartSkus | Field::LifecyclePurchased
        );
        if is_sku && (self.scope.sku)(s).is_none() {
            return self.err(
                PackErrorKind::UnknownSku,
                format_args!("sku `{s}` is not in the catalog"),
            );
        }
        let is_category = matches!(
            field,
            Field::PageCategory
                | Field::CartCategories
                | Field::SessionViewedCategories
                | Field::CustomerCategoryMix
        );
        if is_category && !(self.scope.category)(s) {
            return self.err(
                PackErrorKind::UnknownCategory,
                format_args!("no product in the catalog has category `{s}`"),
            );
        }
        if matches!(field, Field::PageTags | Field::CartTags) && !(self.scope.tag)(s) {
            return self.err(
                PackErrorKind::UnknownTag,
                format_args!("no product in the catalog has tag `{s}`"),
            );
        }
        Some(())
    }
}

/// Appends `[i]` to a JSON path: no formatting machinery on the path of every list item.
fn push_index(at: &mut String, i: usize) {
    at.push('[');
    crate::pack::money::push_digits(at, i as u64, false);
    at.push(']');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn scope_compile(v: Value) -> Result<Condition, Vec<PackError>> {
        let answers = vec![(
            "sleep_temperature".to_owned(),
            ValueKind::String,
            vec!["hot".to_owned(), "cold".to_owned()],
        )];
        let sku = |s: &str| (s == "AURORA-Q").then_some(0u32);
        let category = |s: &str| s == "mattress";
        let tag = |s: &str| s == "queen";
        let scope = CompileScope {
            offer: "o1",
            answers: &answers,
            sku: &sku,
            category: &category,
            tag: &tag,
        };
        let mut errors = Vec::new();
        compile(&v, "offers[0].when", &scope, &mut errors).ok_or(errors)
    }

    fn kinds(r: Result<Condition, Vec<PackError>>) -> Vec<(PackErrorKind, String)> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.kind, e.at))
            .collect()
    }

    #[test]
    fn compiles_nested_condition_and_marks_personal() {
        let c = scope_compile(json!({"all": [
            {"path": "cart.value", "gte": 50000},
            {"any": [{"path": "answers.sleep_temperature", "eq": "hot"}, {"compatible": "page"}]},
            {"not": {"cart_has": {"sku": "AURORA-Q"}}}
        ]}))
        .unwrap();
        assert!(c.personal);
        assert_eq!(c.labels.len(), 4);
        // Leaf labels in leaf order, each cut from the one string at its own bounds.
        let labels: Vec<_> = c.labels.iter().collect();
        assert_eq!(
            labels,
            [
                "cart.value gte 50000",
                "answers.sleep_temperature eq hot",
                "fits the product on this page",
                "cart has sku AURORA-Q",
            ]
        );
        assert_eq!(c.labels.get(4), None);
        let contextual = scope_compile(json!({"path": "device", "in": ["mobile"]})).unwrap();
        assert!(!contextual.personal);
    }

    #[test]
    fn unknown_path_names_the_path_and_location() {
        let k = kinds(scope_compile(
            json!({"all": [{"path": "cart.valu", "gte": 1}]}),
        ));
        assert_eq!(
            k,
            vec![(
                PackErrorKind::UnknownPath,
                "offers[0].when.all[0].path".into()
            )]
        );
    }

    #[test]
    fn type_mismatches_are_errors() {
        let k = kinds(scope_compile(json!({"path": "cart.value", "eq": "lots"})));
        assert_eq!(k[0].0, PackErrorKind::TypeMismatch);
        let k = kinds(scope_compile(json!({"path": "device", "gte": 3})));
        assert_eq!(k[0].0, PackErrorKind::TypeMismatch);
        let k = kinds(scope_compile(
            json!({"path": "cart.skus", "eq": "AURORA-Q"}),
        ));
        assert_eq!(k[0].0, PackErrorKind::TypeMismatch);
    }

    #[test]
    fn bad_values_unknown_skus_and_answers_are_errors() {
        let k = kinds(scope_compile(json!({"path": "device", "eq": "watch"})));
        assert_eq!(k[0].0, PackErrorKind::BadValue);
        let k = kinds(scope_compile(
            json!({"path": "answers.sleep_temperature", "eq": "tepid"}),
        ));
        assert_eq!(k[0].0, PackErrorKind::BadValue);
        let k = kinds(scope_compile(json!({"path": "answers.budget", "gt": 1})));
        assert_eq!(k[0].0, PackErrorKind::UnknownAnswer);
        let k = kinds(scope_compile(json!({"cart_has": {"sku": "NOPE"}})));
        assert_eq!(k[0].0, PackErrorKind::UnknownSku);
        let k = kinds(scope_compile(json!({"cart_has": {"category": "matress"}})));
        assert_eq!(k[0].0, PackErrorKind::UnknownCategory);
        let k = kinds(scope_compile(
            json!({"path": "page.category", "eq": "matress"}),
        ));
        assert_eq!(k[0].0, PackErrorKind::UnknownCategory);
        let k = kinds(scope_compile(
            json!({"path": "cart.tags", "contains": "qeen"}),
        ));
        assert_eq!(k[0].0, PackErrorKind::UnknownTag);
        assert!(scope_compile(
            json!({"path": "session.viewed_categories", "contains": "mattress"})
        )
        .is_ok());
        let k = kinds(scope_compile(
            json!({"path": "cart.value", "between": [10, 1]}),
        ));
        assert_eq!(k[0].0, PackErrorKind::BadValue);
    }

    #[test]
    fn labels_quote_the_value_as_json_writes_it() {
        for v in [
            json!(50000),
            json!(-3),
            json!(1.5),
            json!(1e21),
            json!(0.1),
            json!(u64::MAX),
        ] {
            let c = scope_compile(json!({"path": "cart.value", "gte": v})).unwrap();
            let labels: Vec<_> = c.labels.iter().collect();
            assert_eq!(labels, [format!("cart.value gte {v}")]);
        }
        let c = scope_compile(json!({"path": "device", "in": ["mobile", "tablet"]})).unwrap();
        let labels: Vec<_> = c.labels.iter().collect();
        assert_eq!(labels, [r#"device in ["mobile","tablet"]"#]);
        let c = scope_compile(json!({"path": "device", "eq": "mobile"})).unwrap();
        let labels: Vec<_> = c.labels.iter().collect();
        assert_eq!(labels, ["device eq mobile"]);
    }

    #[test]
    fn the_operator_list_is_the_operators() {
        assert_eq!(OPERATOR_LIST, OPERATORS.join(", "));
        // `test` matches operators by these indices.
        let at = |op: &str| OPERATORS.iter().position(|o| *o == op);
        let expected = [
            "eq", "ne", "lt", "lte", "gt", "gte", "between", "in", "contains", "exists",
        ];
        for (i, op) in expected.iter().enumerate() {
            assert_eq!(at(op), Some(i), "{op}");
        }
    }

    #[test]
    fn reports_every_error_not_just_the_first() {
        let k = kinds(scope_compile(json!({"any": [
            {"path": "nope", "eq": 1}, {"path": "cart.value", "eq": true}, {"frob": 1}
        ]})));
        assert_eq!(k.len(), 3);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let mut v = json!({"path": "cart.value", "gt": 0});
        // 60 `not`s: 120 levels of JSON, within the reader's limit, past the compiler's.
        for _ in 0..60 {
            v = json!({"not": v});
        }
        let k = kinds(scope_compile(v));
        assert_eq!(k[0].0, PackErrorKind::TooDeep);
    }

    #[test]
    fn malformed_shapes_are_errors() {
        for v in [
            json!(1),
            json!({}),
            json!({"all": 3}),
            json!({"path": "cart.value"}),
            json!({"path": "cart.value", "gt": 1, "lt": 3}),
            json!({"path": 3, "gt": 1}),
            json!({"all": [], "any": []}),
            json!({"gt": 1}),
        ] {
            assert!(scope_compile(v.clone()).is_err(), "{v} compiled");
        }
    }
}
