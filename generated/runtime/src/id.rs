//! Typed ids (`struct FooId(String)`): the generator emits the newtype, the macro here its API.

/// Implements the API of a typed id (`struct FooId(String)`): `new`, `as_str`, `Debug` (as
/// `FooId("fcsess_123")`), `Display`, `AsRef<str>`, `From<String>`, `From<&str>`, `FromStr`,
/// serde as a plain string, `ToForm` and `ToJson`.
#[doc(hidden)]
#[macro_export]
macro_rules! impl_id {
    (@serde $ty:ident) => {
        impl $crate::__private::serde::Serialize for $ty {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $ty {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                <String as $crate::__private::serde::Deserialize>::deserialize(deserializer)
                    .map($ty)
            }
        }
    };
    (@core $ty:ident) => {
        impl $ty {
            /// Wraps an id string.
            #[inline]
            pub fn new(id: impl ::std::convert::Into<String>) -> Self {
                $ty(id.into())
            }

            /// The id as a string.
            #[inline]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Debug for $ty {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_tuple(stringify!($ty)).field(&self.0).finish()
            }
        }

        impl ::std::fmt::Display for $ty {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::convert::AsRef<str> for $ty {
            #[inline]
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::convert::From<String> for $ty {
            #[inline]
            fn from(id: String) -> Self {
                $ty(id)
            }
        }

        impl ::std::convert::From<&str> for $ty {
            #[inline]
            fn from(id: &str) -> Self {
                $ty(id.to_owned())
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = ::std::convert::Infallible;
            #[inline]
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok($ty(s.to_owned()))
            }
        }

        impl $crate::Decode for $ty {
            fn decode(r: &mut $crate::Reader<'_>) -> Result<Self, $crate::DecodeError> {
                match r.string() {
                    Ok(id) => Ok($ty(id)),
                    Err(e) => Err(e),
                }
            }
        }

        impl $crate::ToForm for $ty {
            #[inline]
            fn to_form(&self, key: &str, form: &mut $crate::Form) {
                form.push(key, &self.0);
            }
        }

        impl $crate::ToJson for $ty {
            #[inline]
            fn to_json(&self, w: &mut $crate::JsonWriter) {
                w.string(&self.0);
            }
        }
    };
    ($ty:ident) => {
        $crate::impl_id!(@core $ty);
        #[cfg(feature = "serde")]
        $crate::impl_id!(@serde $ty);
    };
}

#[cfg(test)]
// The macro makes the id's API `pub`, as generated code needs; this id is the test's own.
#[allow(unreachable_pub)]
mod tests {
    use crate::{Form, JsonWriter};

    #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
    struct SessionId(String);
    crate::impl_id!(@core SessionId);
    crate::impl_id!(@serde SessionId);

    #[test]
    fn typed_id_api() {
        let id = SessionId::new("fcsess_123");
        assert_eq!(format!("{id:?}"), r#"SessionId("fcsess_123")"#);
        assert_eq!(id.to_string(), "fcsess_123");
        assert_eq!(id.as_str(), "fcsess_123");
        assert_eq!(id.as_ref(), "fcsess_123");
        assert_eq!(SessionId::from("fcsess_123"), id);
        assert_eq!(SessionId::from(String::from("fcsess_123")), id);
        assert_eq!("fcsess_123".parse::<SessionId>(), Ok(id.clone()));
        assert_eq!(serde_json::to_string(&id).unwrap(), r#""fcsess_123""#);
        let back: SessionId = serde_json::from_str(r#""fcsess_123""#).unwrap();
        assert_eq!(back, id);
        let mut form = Form::new();
        form.field("", "session", &id);
        assert_eq!(form.finish(), "session=fcsess_123");
        assert_eq!(JsonWriter::encode(&id), r#""fcsess_123""#);
    }
}
