//! Typed load errors for a pack: each names the offer (when there is one) and the JSON path.

use std::fmt;

/// What kind of problem a [`PackError`] reports. Stable snake_case codes via [`PackErrorKind::code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackErrorKind {
    /// The payload is not valid JSON or does not have the pack's shape.
    Json,
    /// The pack declares a format this engine does not read.
    UnsupportedFormat,
    /// A condition reads a signal path that does not exist.
    UnknownPath,
    /// An operator or value does not fit the path's type.
    TypeMismatch,
    /// A condition is not one of the known forms.
    BadCondition,
    /// Conditions nested deeper than the engine allows.
    TooDeep,
    /// A reference to an offer id that the pack does not define.
    UnknownOffer,
    /// A reference to a sku that is not in the catalog.
    UnknownSku,
    /// A category no catalog product has.
    UnknownCategory,
    /// A tag no catalog product has.
    UnknownTag,
    /// A condition or template reads an answer the pack does not declare.
    UnknownAnswer,
    /// A template names a placeholder that does not exist.
    UnknownPlaceholder,
    /// A placement that is neither built in nor declared in the policy.
    UnknownPlacement,
    /// Two things share an id that must be unique.
    Duplicate,
    /// A value is out of range or malformed (negative price, bad currency, empty id, …).
    BadValue,
    /// A timestamp is not RFC 3339, or a window ends before it starts.
    BadTime,
    /// A link or image is not https.
    InsecureUrl,
    /// A bundle discounts its anchor product.
    DiscountedAnchor,
    /// A bundle breaks the pack's bundle policy.
    BundlePolicy,
    /// The catalog is empty.
    EmptyCatalog,
}

impl PackErrorKind {
    pub fn code(self) -> &'static str {
        match self {
            PackErrorKind::Json => "json",
            PackErrorKind::UnsupportedFormat => "unsupported_format",
            PackErrorKind::UnknownPath => "unknown_path",
            PackErrorKind::TypeMismatch => "type_mismatch",
            PackErrorKind::BadCondition => "bad_condition",
            PackErrorKind::TooDeep => "too_deep",
            PackErrorKind::UnknownOffer => "unknown_offer",
            PackErrorKind::UnknownSku => "unknown_sku",
            PackErrorKind::UnknownCategory => "unknown_category",
            PackErrorKind::UnknownTag => "unknown_tag",
            PackErrorKind::UnknownAnswer => "unknown_answer",
            PackErrorKind::UnknownPlaceholder => "unknown_placeholder",
            PackErrorKind::UnknownPlacement => "unknown_placement",
            PackErrorKind::Duplicate => "duplicate",
            PackErrorKind::BadValue => "bad_value",
            PackErrorKind::BadTime => "bad_time",
            PackErrorKind::InsecureUrl => "insecure_url",
            PackErrorKind::DiscountedAnchor => "discounted_anchor",
            PackErrorKind::BundlePolicy => "bundle_policy",
            PackErrorKind::EmptyCatalog => "empty_catalog",
        }
    }
}

/// One problem in a pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackError {
    pub kind: PackErrorKind,
    /// The offer the problem is in, if any.
    pub offer: Option<String>,
    /// JSON path to the offending value, e.g. `offers[3].when.all[0].path`.
    pub at: String,
    pub message: String,
}

impl PackError {
    pub fn new(
        kind: PackErrorKind,
        offer: Option<&str>,
        at: impl Into<String>,
        message: impl Into<String>,
    ) -> PackError {
        PackError {
            kind,
            offer: offer.map(str::to_owned),
            at: at.into(),
            message: message.into(),
        }
    }
}

/// Appends an error to `errors`, formatting its path and message here. Out of line and not
/// generic: the load path's many checks share this one copy of the formatting, allocation and
/// push code instead of each inlining its own (wasm size).
#[inline(never)]
pub(crate) fn push(
    errors: &mut Vec<PackError>,
    kind: PackErrorKind,
    offer: Option<&str>,
    at: fmt::Arguments<'_>,
    message: fmt::Arguments<'_>,
) {
    errors.push(PackError {
        kind,
        offer: offer.map(str::to_owned),
        at: fmt::format(at),
        message: fmt::format(message),
    });
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.offer {
            Some(o) => write!(f, "offer `{o}` at {}: {}", self.at, self.message),
            None if self.at.is_empty() => write!(f, "{}", self.message),
            None => write!(f, "at {}: {}", self.at, self.message),
        }
    }
}

impl std::error::Error for PackError {}

/// Every problem found while loading a pack (the loader keeps going to report them all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackErrors(pub Vec<PackError>);

impl PackErrors {
    pub fn one(e: PackError) -> PackErrors {
        PackErrors(vec![e])
    }
    pub fn first(&self) -> Option<&PackError> {
        self.0.first()
    }
    pub fn iter(&self) -> std::slice::Iter<'_, PackError> {
        self.0.iter()
    }
    /// True if any error has this kind.
    pub fn has(&self, kind: PackErrorKind) -> bool {
        self.0.iter().any(|e| e.kind == kind)
    }
}

impl fmt::Display for PackErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_slice() {
            [] => write!(f, "invalid pack"),
            [one] => write!(f, "{one}"),
            [first, rest @ ..] => write!(f, "{first} (and {} more)", rest.len()),
        }
    }
}

impl std::error::Error for PackErrors {}
