//! Strict serde helpers for what crosses the JS boundary (signals, load options) and the ledger:
//! maps that refuse duplicate keys instead of keeping the last one silently (serde's default),
//! and structs read only from objects, never from serde's positional array form.

use crate::ledger::Map;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;

/// `deserialize_with` for [`Map`] fields: refuses duplicate keys.
pub fn unique_map<'de, D, V>(d: D) -> Result<Map<V>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct MapVisitor<V>(std::marker::PhantomData<V>);
    impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
        type Value = Map<V>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
            while let Some(entry) = map.next_entry::<String, V>()? {
                out.push(entry);
            }
            Map::from_unique(out)
                .map_err(|key| de::Error::custom(format_args!("duplicate key `{key}`")))
        }
    }
    d.deserialize_map(MapVisitor(std::marker::PhantomData))
}

/// A struct read only from a JSON object, never from serde's positional array form (which
/// would bypass field names, so a reordered field would silently change meaning). Implemented
/// by [`object_only!`](crate::object_only) for structs declared with `#[serde(remote = "Self")]`.
pub trait ObjectOnly: Sized {
    fn from_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// Deserializes `T` from a map only; an array is "invalid type: sequence, expected a map".
pub fn object<'de, D: Deserializer<'de>, T: ObjectOnly>(d: D) -> Result<T, D::Error> {
    struct V<T>(std::marker::PhantomData<T>);
    impl<'de, T: ObjectOnly> Visitor<'de> for V<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::from_map(map)
        }
    }
    d.deserialize_map(V(std::marker::PhantomData))
}

/// Gives structs declared with `#[serde(remote = "Self")]` their `Serialize` and an
/// object-only `Deserialize` (see [`ObjectOnly`]).
#[macro_export]
#[doc(hidden)]
macro_rules! object_only {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::pack::strict::ObjectOnly for $t {
            fn from_map<'de, A: serde::de::MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
                <$t>::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::pack::strict::object(d)
            }
        }
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                <$t>::serialize(self, s)
            }
        }
    )*};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_map_rejects_duplicates() {
        #[derive(Deserialize)]
        struct W {
            #[serde(deserialize_with = "unique_map")]
            m: Map<u8>,
        }
        let w = serde_json::from_str::<W>(r#"{"m":{"x":1,"y":2}}"#).unwrap();
        assert_eq!(w.m.len(), 2);
        let dup = serde_json::from_str::<W>(r#"{"m":{"y":0,"x":1,"z":3,"x":2}}"#)
            .err()
            .map(|e| e.to_string());
        assert!(
            dup.as_deref()
                .is_some_and(|e| e.contains("duplicate key `x`")),
            "{dup:?}"
        );
        let w = serde_json::from_str::<W>(r#"{"m":{"z":1,"a":2,"m":3}}"#).unwrap();
        assert_eq!(w.m.keys().collect::<Vec<_>>(), ["a", "m", "z"]);
    }
}
