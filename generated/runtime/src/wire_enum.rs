//! String enums that keep unknown values.
//!
//! The generator emits the enum and its `WireEnum` impl (known values, their wire strings, the
//! catch-all); the macro here adds the shared trait impls so that each enum's serde glue is a few
//! calls into one place.

/// A string enum as Stripe sends it, with a catch-all for values this crate does not know.
///
/// Generated enums implement it with their known values ([`KNOWN`](Self::KNOWN)), the wire
/// string of each ([`as_str`](Self::as_str)) and the catch-all ([`unknown`](Self::unknown)), so
/// each wire string is written once; [`from_wire`](Self::from_wire) is derived from those.
/// `impl_wire_enum!` derives `Serialize`, `Deserialize`, `Display`, `FromStr`, `From<&str>`,
/// [`ToForm`](super::ToForm) and [`ToJson`](super::ToJson) (the wire string) from it.
pub trait WireEnum: Sized + Clone + 'static {
    /// Every value this version of the crate knows, in declaration order.
    const KNOWN: &'static [Self];

    /// The value as sent on the wire.
    fn as_str(&self) -> &str;

    /// The catch-all for a value not in [`KNOWN`](Self::KNOWN), kept as sent.
    fn unknown(wire: &str) -> Self;

    /// The value for a wire string: the one of [`KNOWN`](Self::KNOWN) sent as `s`, else
    /// [`unknown`](Self::unknown); unknown values are kept, never rejected.
    fn from_wire(s: &str) -> Self {
        // Compiled once per enum, so a plain loop over a slice pattern: an iterator or a
        // closure would compile its own `Iter<Self>` or closure for every enum too, and
        // indexing a bounds check and an overflow check.
        let mut rest = Self::KNOWN;
        while let [value, tail @ ..] = rest {
            if value.as_str() == s {
                return value.clone();
            }
            rest = tail;
        }
        Self::unknown(s)
    }
}

/// Implements `Decode`, `Display`, `FromStr`, `From<&str>`, `ToForm` and `ToJson` for a type that
/// implements `rt::WireEnum`, and serde's traits when the calling crate's `serde` feature is
/// on (the runtime's own types use `@core` and `@serde`, whatever the features).
///
/// The one-line forwarders here and in `impl_id!` are `#[inline]`: then a build compiles only
/// those a caller uses, not all of them for every enum and id (the `match` in `decode`, rather
/// than `?`, likewise avoids compiling an error conversion per type).
#[doc(hidden)]
#[macro_export]
macro_rules! impl_wire_enum {
    (@serde $ty:ty) => {
        impl $crate::__private::serde::Serialize for $ty {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                serializer.serialize_str($crate::WireEnum::as_str(self))
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $ty {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                deserializer.deserialize_str($crate::__private::WireVisitor::<$ty>::new())
            }
        }
    };
    (@core $ty:ty) => {
        impl $crate::Decode for $ty {
            fn decode(r: &mut $crate::Reader<'_>) -> Result<Self, $crate::DecodeError> {
                match r.str() {
                    Ok(s) => Ok(<$ty as $crate::WireEnum>::from_wire(&s)),
                    Err(e) => Err(e),
                }
            }
        }

        impl ::std::fmt::Display for $ty {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str($crate::WireEnum::as_str(self))
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = ::std::convert::Infallible;
            #[inline]
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(<$ty as $crate::WireEnum>::from_wire(s))
            }
        }

        impl ::std::convert::From<&str> for $ty {
            #[inline]
            fn from(s: &str) -> Self {
                <$ty as $crate::WireEnum>::from_wire(s)
            }
        }

        impl $crate::ToForm for $ty {
            #[inline]
            fn to_form(&self, key: &str, form: &mut $crate::Form) {
                form.push(key, $crate::WireEnum::as_str(self));
            }
        }

        impl $crate::ToJson for $ty {
            #[inline]
            fn to_json(&self, w: &mut $crate::JsonWriter) {
                w.string($crate::WireEnum::as_str(self));
            }
        }
    };
    ($ty:ty) => {
        $crate::impl_wire_enum!(@core $ty);
        #[cfg(feature = "serde")]
        $crate::impl_wire_enum!(@serde $ty);
    };
}

/// The one `Visitor` behind every `WireEnum`'s `Deserialize`: it borrows the string, so known
/// values decode without allocating.
#[doc(hidden)]
pub struct WireVisitor<T>(std::marker::PhantomData<fn() -> T>);

impl<T> WireVisitor<T> {
    pub fn new() -> Self {
        WireVisitor(std::marker::PhantomData)
    }
}

impl<T> Default for WireVisitor<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: WireEnum> serde::de::Visitor<'_> for WireVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        Ok(T::from_wire(v))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<T, E> {
        Ok(T::from_wire(&v))
    }
}

#[cfg(test)]
mod tests {
    use crate::{Form, JsonWriter, ToForm, WireEnum};

    #[derive(Clone, Debug, PartialEq, Eq, Hash)]
    #[non_exhaustive]
    enum Permission {
        Balances,
        PaymentMethod,
        Unknown(String),
    }

    impl WireEnum for Permission {
        const KNOWN: &'static [Self] = &[Self::Balances, Self::PaymentMethod];
        fn as_str(&self) -> &str {
            match self {
                Self::Balances => "balances",
                Self::PaymentMethod => "payment_method",
                Self::Unknown(s) => s,
            }
        }
        fn unknown(wire: &str) -> Self {
            Self::Unknown(wire.to_owned())
        }
    }
    crate::impl_wire_enum!(@core Permission);
    crate::impl_wire_enum!(@serde Permission);

    #[test]
    fn wire_enum_round_trips_and_keeps_unknown_values() {
        let v: Vec<Permission> =
            serde_json::from_str(r#"["balances","payment_method","ownership"]"#).unwrap();
        assert_eq!(
            v,
            [
                Permission::Balances,
                Permission::PaymentMethod,
                Permission::Unknown("ownership".into())
            ]
        );
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"["balances","payment_method","ownership"]"#
        );
        // A reader that only offers owned strings goes through `visit_string`.
        let owned: Permission = serde_json::from_value(serde_json::json!("balances")).unwrap();
        assert_eq!(owned, Permission::Balances);
        assert_eq!(Permission::PaymentMethod.to_string(), "payment_method");
        assert_eq!(
            "x".parse::<Permission>(),
            Ok(Permission::Unknown("x".into()))
        );
        assert_eq!(Permission::from("balances"), Permission::Balances);
        assert!(serde_json::from_str::<Permission>("3").is_err());

        let mut form = Form::new();
        Permission::Balances.to_form("p", &mut form);
        assert_eq!(form.finish(), "p=balances");
        // In a v2 JSON body too, unknown values as they came.
        assert_eq!(
            JsonWriter::encode(&v),
            r#"["balances","payment_method","ownership"]"#
        );
    }

    #[test]
    fn from_wire_finds_each_known_value_by_its_wire_string() {
        for known in Permission::KNOWN {
            assert_eq!(Permission::from_wire(known.as_str()), *known);
        }
        assert_eq!(
            Permission::from_wire(""),
            Permission::Unknown(String::new())
        );
        // The catch-all's own value is sent back as it came, even when it looks like a name.
        let odd = Permission::from_wire("Balances");
        assert_eq!(odd, Permission::Unknown("Balances".into()));
        assert_eq!(odd.as_str(), "Balances");
    }
}
