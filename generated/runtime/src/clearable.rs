//! Parameters that Stripe lets you unset by sending an empty string.

use serde::de::{self, Deserializer, IntoDeserializer};
use std::marker::PhantomData;

use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

use super::expandable::{StrOr, StrOrVisitor};
use super::json::{Decode, DecodeError, Reader};

/// A parameter that Stripe lets you unset by sending an empty string (`anyOf [T, enum [""]]`
/// in the spec), such as `description` on an update.
///
/// As a form value [`Clearable::Clear`] is written as `key=` (for a list or an object too) and
/// [`Clearable::Set`] as the value itself. Leaving a parameter alone is `None` around it. In
/// JSON, `Clear` is `""`, and a `""` decodes as `Clear`.
#[derive(Clone, Debug, PartialEq)]
pub enum Clearable<T> {
    /// Unset the field: sends an empty string.
    Clear,
    /// Set the field to this value.
    Set(T),
}

impl<T> Clearable<T> {
    /// Whether this unsets the field.
    pub fn is_clear(&self) -> bool {
        matches!(self, Clearable::Clear)
    }

    /// The value, or `None` for [`Clearable::Clear`].
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Clearable::Clear => None,
            Clearable::Set(value) => Some(value),
        }
    }
}

impl<T> From<T> for Clearable<T> {
    fn from(value: T) -> Self {
        Clearable::Set(value)
    }
}

/// So that a setter taking `impl Into<Clearable<String>>` accepts `"text"`.
impl From<&str> for Clearable<String> {
    fn from(value: &str) -> Self {
        Clearable::Set(value.to_owned())
    }
}

impl<T: Serialize> Serialize for Clearable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Clearable::Clear => serializer.serialize_str(""),
            Clearable::Set(value) => value.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Clearable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrOrVisitor(PhantomData))
    }
}

impl<T> StrOr<T> for Clearable<T> {
    const EXPECTING: &'static str = "an empty string or a value";

    fn from_string<'de, E: de::Error>(s: String) -> Result<Self, E>
    where
        T: Deserialize<'de>,
    {
        if s.is_empty() {
            Ok(Clearable::Clear)
        } else {
            T::deserialize(IntoDeserializer::<E>::into_deserializer(s)).map(Clearable::Set)
        }
    }

    fn from_other(other: T) -> Self {
        Clearable::Set(other)
    }
}

/// `""` clears; anything else is the value.
impl<T: Decode> Decode for Clearable<T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        if r.empty_string() {
            return Ok(Clearable::Clear);
        }
        match T::decode(r) {
            Ok(value) => Ok(Clearable::Set(value)),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expandable::tests::Account;
    use crate::Expandable;
    use serde_json::json;

    #[derive(Debug, PartialEq, Deserialize, Serialize)]
    struct Update {
        description: Clearable<String>,
        account: Clearable<Expandable<Account>>,
        count: Option<Clearable<i64>>,
    }

    #[test]
    fn clearable_decodes_empty_string_as_clear() {
        let wire = json!({"description": "", "account": "", "count": ""});
        let u: Update = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(u.description, Clearable::Clear);
        assert!(u.account.is_clear());
        assert_eq!(u.count, Some(Clearable::Clear));
        assert_eq!(serde_json::to_value(&u).unwrap(), wire);

        let wire =
            json!({"description": "x", "account": {"id": "fca_1", "balance": 2}, "count": 3});
        let u: Update = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(u.description, Clearable::from("x"));
        assert_eq!(u.description.as_set().map(String::as_str), Some("x"));
        assert_eq!(
            u.account
                .as_set()
                .and_then(Expandable::as_object)
                .map(|a| a.balance),
            Some(2)
        );
        assert_eq!(u.count, Some(Clearable::Set(3)));
        assert_eq!(serde_json::to_value(&u).unwrap(), wire);

        let u: Update =
            serde_json::from_value(json!({"description": "d", "account": "fca_2", "count": null}))
                .unwrap();
        assert_eq!(u.account, Clearable::Set(Expandable::Id("fca_2".into())));
        assert_eq!(u.count, None);
        assert_eq!(Clearable::from(5i64), Clearable::Set(5));
        assert!(!Clearable::Set(1).is_clear());
        assert_eq!(Clearable::<i64>::Clear.as_set(), None);
    }

    #[test]
    fn clearable_error_path_reaches_inside_the_value() {
        let text = r#"{"description": 4, "account": "", "count": null}"#;
        let de = &mut serde_json::Deserializer::from_str(text);
        let err = serde_path_to_error::deserialize::<_, Update>(de).unwrap_err();
        assert_eq!(err.path().to_string(), "description");
        let text = r#"{"description": "", "account": {"id": "a", "balance": "x"}, "count": "7"}"#;
        let de = &mut serde_json::Deserializer::from_str(text);
        let err = serde_path_to_error::deserialize::<_, Update>(de).unwrap_err();
        assert_eq!(err.path().to_string(), "account.balance");
    }
}
