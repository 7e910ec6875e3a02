//! The serde glue of generated response objects: they keep the fields they do not know.
//!
//! Stripe sends fields its spec does not document (`plan` on subscription items, `source` on
//! charges, ...). Every generated response struct has an `extra: rt::Extra` field that keeps
//! them, and its `Serialize` writes them back, so a decoded object encodes to the JSON it came
//! from. The generated `Deserialize` is a plain loop over the object's keys (one `match` on
//! the key, the unknown ones into `extra`) rather than `#[serde(flatten)]`, which would buffer
//! every object and decode about twice as slowly. The loop lives in one generic visitor here;
//! each struct only supplies [`DecodeObject::decode_map`].

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use super::Json;

/// The fields of a response object that this version of the crate does not know, kept as sent
/// and written back when the object is encoded.
///
/// `Debug` prints only the keys: an unknown field may hold a secret.
#[derive(Clone, Default, PartialEq)]
pub struct Extra(serde_json::Map<String, Json>);

impl Extra {
    /// An empty set of fields.
    pub fn new() -> Self {
        Extra::default()
    }

    /// The value of the unknown field `key`.
    pub fn get(&self, key: &str) -> Option<&Json> {
        self.0.get(key)
    }

    /// Sets the unknown field `key`, returning its previous value.
    pub fn insert(&mut self, key: impl Into<String>, value: Json) -> Option<Json> {
        self.0.insert(key.into(), value)
    }

    /// Removes the unknown field `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<Json> {
        self.0.remove(key)
    }

    /// The unknown fields, by key.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Json)> {
        self.0.iter()
    }

    /// How many unknown fields there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the object had no unknown field.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Reads the next value of `map` as the unknown field `key`.
    pub(crate) fn insert_next<'de, A: MapAccess<'de>>(
        &mut self,
        key: Key<'de>,
        map: &mut A,
    ) -> Result<(), A::Error> {
        let value = map.next_value::<Json>()?;
        self.0.insert(key.0.into_owned(), value);
        Ok(())
    }

    /// Writes the unknown fields into `map` and ends it.
    pub(crate) fn end<M: SerializeMap>(&self, mut map: M) -> Result<M::Ok, M::Error> {
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// Keys only, values never: they may be secrets.
impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl Serialize for Extra {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Extra {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde_json::Map::deserialize(deserializer).map(Extra)
    }
}

/// An object key, borrowed from the input when it can be.
pub(crate) struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// A generated response object, decoded from a JSON object's entries.
pub(crate) trait DecodeObject: Sized {
    /// What a wrong shape is reported as expecting, such as `"a Customer object"`.
    const EXPECTING: &'static str;

    /// Reads every entry of `map` and builds the object.
    fn decode_map<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// The one `Visitor` of every generated response object.
pub(crate) struct ObjectVisitor<T>(PhantomData<fn() -> T>);

impl<T> ObjectVisitor<T> {
    pub(crate) fn new() -> Self {
        ObjectVisitor(PhantomData)
    }
}

impl<'de, T: DecodeObject> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::decode_map(map)
    }
}

/// A required field's value, or serde's "missing field" error.
pub(crate) fn required<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What the generator emits for `{ id: string (required), n: integer (optional) }`.
    #[derive(Debug, PartialEq)]
    struct Thing {
        id: String,
        n: Option<i64>,
        extra: Extra,
    }

    impl DecodeObject for Thing {
        const EXPECTING: &'static str = "a Thing object";

        fn decode_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
            let (mut v_id, mut v_n) = (None, None);
            let mut extra = Extra::new();
            while let Some(key) = map.next_key::<Key<'de>>()? {
                match key.as_str() {
                    "id" => v_id = Some(map.next_value()?),
                    "n" => v_n = map.next_value()?,
                    _ => extra.insert_next(key, &mut map)?,
                }
            }
            Ok(Thing {
                id: required(v_id, "id")?,
                n: v_n,
                extra,
            })
        }
    }

    impl<'de> Deserialize<'de> for Thing {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_map(ObjectVisitor::<Self>::new())
        }
    }

    impl Serialize for Thing {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(None)?;
            map.serialize_entry("id", &self.id)?;
            if let Some(n) = &self.n {
                map.serialize_entry("n", n)?;
            }
            self.extra.end(map)
        }
    }

    #[test]
    fn unknown_fields_are_kept_and_written_back() {
        let wire = json!({"id": "x", "n": 3, "plan": {"id": "plan_1", "amount": 19}, "z": [1.5]});
        let thing: Thing = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(thing.extra.len(), 2);
        assert_eq!(
            thing.extra.get("plan"),
            Some(&json!({"id": "plan_1", "amount": 19}))
        );
        assert_eq!(serde_json::to_value(&thing).unwrap(), wire);
        // From text too, where keys are borrowed, and with an escaped (owned) key.
        let text = r#"{"id":"x","n\u0031":true}"#;
        let thing: Thing = serde_json::from_str(text).unwrap();
        assert_eq!(thing.extra.get("n1"), Some(&json!(true)));
        assert_eq!(format!("{:?}", thing.extra), r#"{"n1"}"#);
    }

    #[test]
    fn missing_and_mistyped_fields_are_errors_with_a_path() {
        let err = serde_json::from_str::<Thing>(r#"{"n": 1}"#).unwrap_err();
        assert!(err.to_string().contains("missing field `id`"), "{err}");
        let de = &mut serde_json::Deserializer::from_str(r#"{"id": "x", "n": "many"}"#);
        let err = serde_path_to_error::deserialize::<_, Thing>(de).unwrap_err();
        assert_eq!(err.path().to_string(), "n");
        assert!(serde_json::from_str::<Thing>("[1]").is_err());
    }

    #[test]
    fn extra_api() {
        let mut extra = Extra::new();
        assert!(extra.is_empty());
        assert_eq!(extra.insert("a", json!(1)), None);
        assert_eq!(extra.iter().count(), 1);
        assert_eq!(extra.remove("a"), Some(json!(1)));
        let back: Extra = serde_json::from_str(r#"{"k": null}"#).unwrap();
        assert_eq!(serde_json::to_string(&back).unwrap(), r#"{"k":null}"#);
    }
}
