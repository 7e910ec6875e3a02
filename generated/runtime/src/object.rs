//! The serde glue of the runtime's generic objects ([`List`](super::List),
//! [`SearchResult`](super::SearchResult)): one visitor, a plain loop over the keys rather than
//! `#[serde(flatten)]`, which buffers every object and decodes about twice as slowly.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

/// An object key, borrowed from the input when it can be.
pub(crate) struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn into_string(self) -> String {
        self.0.into_owned()
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
