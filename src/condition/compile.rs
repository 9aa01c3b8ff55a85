//! Turns a condition's JSON into a typed [`Cond`] tree, reporting every problem with its path.

use super::path::{self, Field, PathClass, ValueKind};
use super::{Anchor, Cond, Condition, Has, NumOp, Test};
use crate::pack::error::{PackError, PackErrorKind};
use serde_json::{Map, Value};

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
    labels: Vec<String>,
    personal: bool,
    errors: &'b mut Vec<PackError>,
}

/// Compiles `value` (found at JSON path `at`); problems are pushed to `errors`.
pub fn compile(
    value: &Value,
    at: &str,
    scope: &CompileScope<'_>,
    errors: &mut Vec<PackError>,
) -> Option<Condition> {
    let before = errors.len();
    let mut c = Compiler {
        scope,
        labels: Vec::new(),
        personal: false,
        errors,
    };
    let root = c.node(value, at, 0);
    let (labels, personal) = (c.labels, c.personal);
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

impl Compiler<'_, '_> {
    fn err(&mut self, kind: PackErrorKind, at: &str, msg: String) -> Option<Cond> {
        self.errors
            .push(PackError::new(kind, Some(self.scope.offer), at, msg));
        None
    }

    fn node(&mut self, v: &Value, at: &str, depth: usize) -> Option<Cond> {
        if depth >= MAX_DEPTH {
            return self.err(
                PackErrorKind::TooDeep,
                at,
                format!("conditions nest deeper than {MAX_DEPTH} levels"),
            );
        }
        let Some(obj) = v.as_object() else {
            return self.err(
                PackErrorKind::BadCondition,
                at,
                "a condition must be an object such as {\"path\": …, \"eq\": …}".into(),
            );
        };
        if obj.contains_key("path") {
            return self.leaf(obj, at);
        }
        if obj.len() != 1 {
            let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
            return self.err(
                PackErrorKind::BadCondition,
                at,
                format!(
                    "expected exactly one of all, any, not, compatible, cart_has, or a path test; found keys {keys:?}"
                ),
            );
        }
        let (key, inner) = obj.iter().next()?;
        let here = format!("{at}.{key}");
        match key.as_str() {
            "all" | "any" => {
                let Some(items) = inner.as_array() else {
                    return self.err(
                        PackErrorKind::BadCondition,
                        &here,
                        format!("`{key}` takes a list of conditions"),
                    );
                };
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for (i, item) in items.iter().enumerate() {
                    match self.node(item, &format!("{here}[{i}]"), depth + 1) {
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
            "not" => self
                .node(inner, &here, depth + 1)
                .map(|c| Cond::Not(Box::new(c))),
            "compatible" => {
                let anchor = match inner.as_str() {
                    Some("page") => Anchor::Page,
                    Some("cart") => Anchor::Cart,
                    Some("page_or_cart") => Anchor::PageOrCart,
                    Some("purchased") => Anchor::Purchased,
                    _ => return self.err(
                        PackErrorKind::BadCondition,
                        &here,
                        "`compatible` takes \"page\", \"cart\", \"page_or_cart\" or \"purchased\""
                            .into(),
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
                let leaf = self.label(label.to_owned());
                Some(Cond::Compatible { leaf, anchor })
            }
            "cart_has" => self.cart_has(inner, &here),
            other => {
                let hint = if OPERATORS.contains(&other) {
                    " (an operator needs a \"path\" beside it)"
                } else {
                    ""
                };
                self.err(
                    PackErrorKind::BadCondition,
                    &here,
                    format!("unknown condition `{other}`{hint}"),
                )
            }
        }
    }

    fn label(&mut self, s: String) -> u32 {
        self.labels.push(s);
        u32::try_from(self.labels.len() - 1).unwrap_or(u32::MAX)
    }

    fn cart_has(&mut self, inner: &Value, at: &str) -> Option<Cond> {
        let Some(obj) = inner.as_object().filter(|o| o.len() == 1) else {
            return self.err(
                PackErrorKind::BadCondition,
                at,
                "`cart_has` takes one of {\"sku\": …}, {\"category\": …}, {\"tag\": …}".into(),
            );
        };
        let (k, v) = obj.iter().next()?;
        let Some(s) = v.as_str() else {
            return self.err(
                PackErrorKind::TypeMismatch,
                &format!("{at}.{k}"),
                format!("`cart_has.{k}` takes a string"),
            );
        };
        let has = match k.as_str() {
            "sku" => match (self.scope.sku)(s) {
                Some(i) => Has::Sku(i),
                None => {
                    return self.err(
                        PackErrorKind::UnknownSku,
                        &format!("{at}.sku"),
                        format!("sku `{s}` is not in the catalog"),
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
                return self.err(
                    kind,
                    &format!("{at}.{k}"),
                    format!("no product in the catalog has {k} `{s}`"),
                );
            }
            _ => {
                return self.err(
                    PackErrorKind::BadCondition,
                    &format!("{at}.{k}"),
                    format!("`cart_has` takes sku, category or tag, not `{k}`"),
                )
            }
        };
        let leaf = self.label(format!("cart has {k} {s}"));
        Some(Cond::CartHas { leaf, has })
    }

    fn resolve(&mut self, path: &str, at: &str) -> Option<(Field, ValueKind, Vec<String>)> {
        if let Some(key) = path.strip_prefix("answers.") {
            let found = self
                .scope
                .answers
                .iter()
                .enumerate()
                .find(|(_, (k, ..))| k == key);
            return match found {
                Some((i, (_, kind, values))) => {
                    self.personal = true;
                    let idx = u16::try_from(i).unwrap_or(u16::MAX);
                    Some((Field::Answer(idx, *kind), *kind, values.clone()))
                }
                None => {
                    self.err(
                        PackErrorKind::UnknownAnswer,
                        at,
                        format!("answer `{key}` is not declared in the pack's `answers`"),
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
                let allowed = path::allowed_values(field)
                    .map(|v| v.iter().map(|s| (*s).to_owned()).collect())
                    .unwrap_or_default();
                Some((field, kind, allowed))
            }
            None => {
                self.err(
                    PackErrorKind::UnknownPath,
                    at,
                    format!("unknown signal path `{path}`"),
                );
                None
            }
        }
    }

    fn leaf(&mut self, obj: &Map<String, Value>, at: &str) -> Option<Cond> {
        let path_at = format!("{at}.path");
        let Some(path) = obj.get("path").and_then(Value::as_str) else {
            return self.err(
                PackErrorKind::BadCondition,
                &path_at,
                "`path` must be a string".into(),
            );
        };
        let ops: Vec<(&String, &Value)> = obj.iter().filter(|(k, _)| *k != "path").collect();
        let [(op, value)] = ops.as_slice() else {
            return self.err(
                PackErrorKind::BadCondition,
                at,
                format!(
                    "a path test takes exactly one operator ({})",
                    OPERATORS.join(", ")
                ),
            );
        };
        let (field, kind, allowed) = self.resolve(path, &path_at)?;
        let op_at = format!("{at}.{op}");
        let mismatch = |want: &str| format!("`{op}` on `{path}` ({}) needs {want}", kind.name());
        let test = match (op.as_str(), kind) {
            ("exists", _) => match value.as_bool() {
                Some(b) => Test::Exists(b),
                None => {
                    return self.err(
                        PackErrorKind::TypeMismatch,
                        &op_at,
                        mismatch("true or false"),
                    )
                }
            },
            ("eq" | "ne" | "lt" | "lte" | "gt" | "gte", ValueKind::Number) => {
                let Some(n) = value.as_f64() else {
                    return self.err(PackErrorKind::TypeMismatch, &op_at, mismatch("a number"));
                };
                let o = match op.as_str() {
                    "eq" => NumOp::Eq,
                    "ne" => NumOp::Ne,
                    "lt" => NumOp::Lt,
                    "lte" => NumOp::Lte,
                    "gt" => NumOp::Gt,
                    _ => NumOp::Gte,
                };
                Test::Num(o, n)
            }
            ("between", ValueKind::Number) => {
                let pair = value.as_array().and_then(|a| match a.as_slice() {
                    [lo, hi] => Some((lo.as_f64()?, hi.as_f64()?)),
                    _ => None,
                });
                match pair {
                    Some((lo, hi)) if lo <= hi => Test::Between(lo, hi),
                    Some((lo, hi)) => {
                        return self.err(
                            PackErrorKind::BadValue,
                            &op_at,
                            format!(
                            "`between` [{lo}, {hi}] is empty: the low bound is above the high one"
                        ),
                        )
                    }
                    None => {
                        return self.err(
                            PackErrorKind::TypeMismatch,
                            &op_at,
                            mismatch("[low, high] numbers"),
                        )
                    }
                }
            }
            ("in", ValueKind::Number) => {
                let nums: Option<Vec<f64>> = value
                    .as_array()
                    .map(|a| a.iter().map(Value::as_f64).collect::<Option<Vec<_>>>())
                    .unwrap_or(None);
                match nums {
                    Some(n) => Test::NumIn(n),
                    None => {
                        return self.err(
                            PackErrorKind::TypeMismatch,
                            &op_at,
                            mismatch("a list of numbers"),
                        )
                    }
                }
            }
            ("eq" | "ne", ValueKind::String) => {
                let Some(s) = value.as_str() else {
                    return self.err(PackErrorKind::TypeMismatch, &op_at, mismatch("a string"));
                };
                self.check_value(field, &allowed, path, s, &op_at)?;
                if op.as_str() == "eq" {
                    Test::StrEq(s.to_owned())
                } else {
                    Test::StrNe(s.to_owned())
                }
            }
            ("in", ValueKind::String | ValueKind::List) => {
                let strs: Option<Vec<String>> = value
                    .as_array()
                    .and_then(|a| a.iter().map(|v| v.as_str().map(str::to_owned)).collect());
                let Some(strs) = strs else {
                    return self.err(
                        PackErrorKind::TypeMismatch,
                        &op_at,
                        mismatch("a list of strings"),
                    );
                };
                for (i, s) in strs.iter().enumerate() {
                    self.check_value(field, &allowed, path, s, &format!("{op_at}[{i}]"))?;
                }
                if kind == ValueKind::List {
                    Test::ListAny(strs)
                } else {
                    Test::StrIn(strs)
                }
            }
            ("eq" | "ne", ValueKind::Bool) => {
                let Some(b) = value.as_bool() else {
                    return self.err(
                        PackErrorKind::TypeMismatch,
                        &op_at,
                        mismatch("true or false"),
                    );
                };
                Test::BoolEq(if op.as_str() == "eq" { b } else { !b })
            }
            ("contains", ValueKind::List) => {
                let Some(s) = value.as_str() else {
                    return self.err(PackErrorKind::TypeMismatch, &op_at, mismatch("a string"));
                };
                self.check_value(field, &allowed, path, s, &op_at)?;
                Test::ListContains(s.to_owned())
            }
            (o, _) if OPERATORS.contains(&o) => {
                return self.err(
                    PackErrorKind::TypeMismatch,
                    &op_at,
                    format!(
                        "operator `{o}` does not apply to `{path}`, a {}",
                        kind.name()
                    ),
                )
            }
            (o, _) => {
                return self.err(
                    PackErrorKind::BadCondition,
                    &op_at,
                    format!(
                        "unknown operator `{o}` (expected one of {})",
                        OPERATORS.join(", ")
                    ),
                )
            }
        };
        let label = format!("{path} {op} {}", compact(value));
        let leaf = self.label(label);
        Some(Cond::Path { leaf, field, test })
    }

    /// Checks a compared string against the path's allowed values and, for sku paths, the catalog.
    fn check_value(
        &mut self,
        field: Field,
        allowed: &[String],
        path: &str,
        s: &str,
        at: &str,
    ) -> Option<()> {
        if !allowed.is_empty() && !allowed.iter().any(|a| a == s) {
            self.err(
                PackErrorKind::BadValue,
                at,
                format!("`{s}` is not a value `{path}` can take (one of {allowed:?})"),
            );
            return None;
        }
        let is_sku = matches!(
            field,
            Field::PageProduct | Field::CartSkus | Field::LifecyclePurchased
        );
        if is_sku && (self.scope.sku)(s).is_none() {
            self.err(
                PackErrorKind::UnknownSku,
                at,
                format!("sku `{s}` is not in the catalog"),
            );
            return None;
        }
        let is_category = matches!(
            field,
            Field::PageCategory
                | Field::CartCategories
                | Field::SessionViewedCategories
                | Field::CustomerCategoryMix
        );
        if is_category && !(self.scope.category)(s) {
            self.err(
                PackErrorKind::UnknownCategory,
                at,
                format!("no product in the catalog has category `{s}`"),
            );
            return None;
        }
        if matches!(field, Field::PageTags | Field::CartTags) && !(self.scope.tag)(s) {
            self.err(
                PackErrorKind::UnknownTag,
                at,
                format!("no product in the catalog has tag `{s}`"),
            );
            return None;
        }
        Some(())
    }
}

fn compact(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
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
    fn reports_every_error_not_just_the_first() {
        let k = kinds(scope_compile(json!({"any": [
            {"path": "nope", "eq": 1}, {"path": "cart.value", "eq": true}, {"frob": 1}
        ]})));
        assert_eq!(k.len(), 3);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let mut v = json!({"path": "cart.value", "gt": 0});
        for _ in 0..200 {
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
