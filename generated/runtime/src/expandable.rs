//! Expandable fields: an object's id, or the whole object when the request asked to `expand`
//! it; and the one serde visitor for shapes that read a JSON string their own way.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, value, Deserializer, IntoDeserializer, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

use super::json::{Decode, DecodeError, Reader};
use super::Json;

/// A field that Stripe returns either as an object's id or, when the request asked to
/// `expand` it, as the whole object.
///
/// It decodes a JSON string as [`Expandable::Id`] and anything else as
/// [`Expandable::Object`], and encodes back to the same JSON. `T` defaults to [`Json`], which
/// the generated code uses when the expanded object's type is not part of the crate.
#[derive(Clone, Debug, PartialEq)]
pub enum Expandable<T = Json> {
    /// The object was not expanded: only its id.
    Id(String),
    /// The expanded object.
    Object(Box<T>),
}

/// Objects whose id [`Expandable::id`] can read once expanded.
///
/// [`Json`] implements it by reading a string `"id"` key. Typed objects implement it when they
/// have an `id` field.
pub trait HasId {
    /// The object's id, if it has one.
    fn object_id(&self) -> Option<&str>;
}

impl HasId for Json {
    fn object_id(&self) -> Option<&str> {
        self.get("id").and_then(Json::as_str)
    }
}

impl<T> Expandable<T> {
    /// The id if the field was not expanded; `None` for an expanded object.
    pub fn as_id(&self) -> Option<&str> {
        match self {
            Expandable::Id(id) => Some(id),
            Expandable::Object(_) => None,
        }
    }

    /// The expanded object, or `None` if only the id was returned.
    pub fn as_object(&self) -> Option<&T> {
        match self {
            Expandable::Id(_) => None,
            Expandable::Object(object) => Some(object),
        }
    }

    /// Whether Stripe returned the whole object.
    pub fn is_object(&self) -> bool {
        matches!(self, Expandable::Object(_))
    }

    /// The id in either form: the string itself, or the expanded object's id (see [`HasId`]).
    pub fn id(&self) -> Option<&str>
    where
        T: HasId,
    {
        match self {
            Expandable::Id(id) => Some(id),
            Expandable::Object(object) => object.object_id(),
        }
    }
}

impl<T: Serialize> Serialize for Expandable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Expandable::Id(id) => serializer.serialize_str(id),
            Expandable::Object(object) => object.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Expandable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrOrVisitor(PhantomData))
    }
}

impl<T> StrOr<T> for Expandable<T> {
    const EXPECTING: &'static str = "an id string or an expanded object";

    fn from_string<'de, E: de::Error>(s: String) -> Result<Self, E>
    where
        T: Deserialize<'de>,
    {
        Ok(Expandable::Id(s))
    }

    fn from_other(other: T) -> Self {
        Expandable::Object(Box::new(other))
    }
}

/// A type that decodes a JSON string its own way and hands any other shape to `T`:
/// [`Expandable`] (a string is an id) and [`Clearable`] (`""` clears).
pub(crate) trait StrOr<T>: Sized {
    /// What the visitor expects, for error messages.
    const EXPECTING: &'static str;
    /// Decodes a string.
    fn from_string<'de, E: de::Error>(s: String) -> Result<Self, E>
    where
        T: Deserialize<'de>;
    /// Wraps a `T` decoded from any other shape.
    fn from_other(other: T) -> Self;
}

/// The one visitor behind [`StrOr`]: strings go to [`StrOr::from_string`]; every other shape is
/// handed to `T` through a deserializer that wraps the original access, so
/// `serde_path_to_error` still sees paths inside the object.
pub(crate) struct StrOrVisitor<X, T>(pub(crate) PhantomData<fn() -> (X, T)>);

impl<X: StrOr<T>, T> StrOrVisitor<X, T> {
    fn other<'de, D: Deserializer<'de>>(d: D) -> Result<X, D::Error>
    where
        T: Deserialize<'de>,
    {
        T::deserialize(d).map(X::from_other)
    }
}

impl<'de, X: StrOr<T>, T: Deserialize<'de>> Visitor<'de> for StrOrVisitor<X, T> {
    type Value = X;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(X::EXPECTING)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<X, E> {
        X::from_string(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<X, E> {
        X::from_string(v)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<X, A::Error> {
        Self::other(value::MapAccessDeserializer::new(map))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<X, A::Error> {
        Self::other(value::SeqAccessDeserializer::new(seq))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<X, E> {
        Self::other(IntoDeserializer::<E>::into_deserializer(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<X, E> {
        Self::other(IntoDeserializer::<E>::into_deserializer(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<X, E> {
        Self::other(IntoDeserializer::<E>::into_deserializer(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<X, E> {
        Self::other(IntoDeserializer::<E>::into_deserializer(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<X, E> {
        Self::other(value::UnitDeserializer::<E>::new())
    }
}

/// A string is an id; anything else is the expanded object.
impl<T: Decode> Decode for Expandable<T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match r.at_string() {
            Ok(true) => match r.string() {
                Ok(id) => Ok(Expandable::Id(id)),
                Err(e) => Err(e),
            },
            Ok(false) => match T::decode(r) {
                Ok(object) => Ok(Expandable::Object(Box::new(object))),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    /// An object of the tests' own, for the runtime's shapes to hold.
    #[derive(Debug, PartialEq, Deserialize, Serialize)]
    pub(crate) struct Account {
        pub(crate) id: String,
        pub(crate) balance: i64,
    }

    #[derive(Debug, PartialEq, Deserialize, Serialize)]
    struct Holder {
        account: Expandable<Account>,
        other: Expandable,
    }

    #[test]
    fn expandable_id_and_object_round_trip() {
        let wire = json!({"account": "fca_1", "other": {"id": "cus_1", "x": [1]}});
        let h: Holder = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(h.account, Expandable::Id("fca_1".into()));
        assert_eq!(h.account.as_id(), Some("fca_1"));
        assert_eq!(h.other.id(), Some("cus_1"));
        assert!(h.other.is_object());
        assert_eq!(serde_json::to_value(&h).unwrap(), wire);

        let wire = json!({"account": {"id": "fca_2", "balance": 5}, "other": "cus_2"});
        let h: Holder = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(
            h.account.as_object(),
            Some(&Account {
                id: "fca_2".into(),
                balance: 5
            })
        );
        assert_eq!(h.account.as_id(), None);
        assert_eq!(h.other.id(), Some("cus_2"));
        assert_eq!(serde_json::to_value(&h).unwrap(), wire);
    }

    #[test]
    fn expandable_json_keeps_any_shape() {
        for wire in [json!([1, 2]), json!(true), json!(3), json!(-3), json!(1.5)] {
            let e: Expandable = serde_json::from_value(wire.clone()).unwrap();
            assert_eq!(e, Expandable::Object(Box::new(wire.clone())));
            assert_eq!(e.id(), None);
            assert_eq!(serde_json::to_value(&e).unwrap(), wire);
        }
    }

    #[test]
    fn expandable_error_path_reaches_inside_the_object() {
        let text = r#"{"account": {"id": "fca_1", "balance": "many"}, "other": "x"}"#;
        let de = &mut serde_json::Deserializer::from_str(text);
        let err = serde_path_to_error::deserialize::<_, Holder>(de).unwrap_err();
        assert_eq!(err.path().to_string(), "account.balance");
    }
}
