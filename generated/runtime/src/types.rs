//! Serde glue for the shapes Stripe uses everywhere: expandable fields, clearable parameters,
//! lists, search results, secrets, timestamps and fields whose `null` differs from their
//! absence.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, value, Deserializer, IntoDeserializer, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use super::json::{Decode, DecodeError, Reader};
use super::object::{required, DecodeObject, Key, ObjectVisitor};
use super::{Extra, Json};

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
trait StrOr<T>: Sized {
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
struct StrOrVisitor<X, T>(PhantomData<fn() -> (X, T)>);

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

/// A value that must not be printed, such as a `client_secret`.
///
/// `Debug` prints `<redacted>` and there is deliberately no `Display`; read the value with
/// [`Secret::expose`]. It serializes and deserializes as the plain string.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret value itself. Take care where it goes.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// So that a secret parameter's setter takes a plain string: `.client_secret("pi_..._secret_...")`.
impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

/// A point in time as Stripe sends it: seconds since the Unix epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The timestamp `secs` seconds after the Unix epoch.
    pub const fn from_secs(secs: i64) -> Self {
        Timestamp(secs)
    }

    /// Seconds since the Unix epoch.
    pub const fn as_secs(self) -> i64 {
        self.0
    }
}

/// One page of a Stripe list (`"object": "list"`).
///
/// Every key is kept as sent, so a decoded page encodes back to the same JSON: `object` and
/// `url` as received (`None` when absent: they are not made up), unknown keys in `extra`.
#[derive(Clone, Debug, PartialEq)]
pub struct List<T> {
    /// The `object` key as sent: `"list"` from Stripe; `None` when it was absent.
    pub object: Option<String>,
    /// The objects on this page.
    pub data: Vec<T>,
    /// Whether more objects follow this page.
    pub has_more: bool,
    /// The URL this list is read from, such as `/v1/financial_connections/accounts`; `None`
    /// when it was absent.
    pub url: Option<String>,
    /// Keys this crate does not know, kept as sent.
    pub extra: Extra,
}

impl<T: Serialize> Serialize for List<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(object) = &self.object {
            map.serialize_entry("object", object)?;
        }
        map.serialize_entry("data", &self.data)?;
        map.serialize_entry("has_more", &self.has_more)?;
        if let Some(url) = &self.url {
            map.serialize_entry("url", url)?;
        }
        self.extra.end(map)
    }
}

impl<T: for<'a> Deserialize<'a>> DecodeObject for List<T> {
    const EXPECTING: &'static str = "a list object";

    fn decode_map<'de, A: de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let (mut object, mut data, mut has_more, mut url) = (None, None, None, None);
        let mut extra = Extra::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.as_str() {
                "object" => object = Some(map.next_value()?),
                "data" => data = Some(map.next_value()?),
                "has_more" => has_more = Some(map.next_value()?),
                "url" => url = Some(map.next_value()?),
                _ => extra.insert_next(key, &mut map)?,
            }
        }
        Ok(List {
            object,
            data: required(data, "data")?,
            has_more: required(has_more, "has_more")?,
            url,
            extra,
        })
    }
}

impl<'de, T: for<'a> Deserialize<'a>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ObjectVisitor::<Self>::new())
    }
}

/// One page of a Stripe search (`"object": "search_result"`), as returned by the `/search`
/// endpoints.
///
/// Every key is kept as sent, so a decoded page encodes back to the same JSON: `object` and
/// `url` as received, `next_page` and `total_count` absent, `null` or a value (Stripe sends
/// `total_count` only when asked to `expand` it), unknown keys in `extra`.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchResult<T> {
    /// The `object` key as sent: `"search_result"` from Stripe; `None` when it was absent.
    pub object: Option<String>,
    /// The objects on this page.
    pub data: Vec<T>,
    /// Whether more objects follow this page.
    pub has_more: bool,
    /// The token to send as `page` for the next page: `None` absent, `Some(None)` null
    /// (Stripe's last page). [`SearchResult::next_page_token`] reads both as "none".
    pub next_page: Option<Option<String>>,
    /// The URL this search is read from, such as `/v1/customers/search`; `None` when it was
    /// absent.
    pub url: Option<String>,
    /// The number of objects that match the query, when requested with `expand[]=total_count`:
    /// `None` absent, `Some(None)` null.
    pub total_count: Option<Option<u64>>,
    /// Keys this crate does not know, kept as sent.
    pub extra: Extra,
}

impl<T> SearchResult<T> {
    /// The token for the next page, if there is one (absent and `null` both mean none).
    pub fn next_page_token(&self) -> Option<&str> {
        self.next_page.as_ref().and_then(Option::as_deref)
    }
}

impl<T: Serialize> Serialize for SearchResult<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(object) = &self.object {
            map.serialize_entry("object", object)?;
        }
        map.serialize_entry("data", &self.data)?;
        map.serialize_entry("has_more", &self.has_more)?;
        if let Some(next_page) = &self.next_page {
            map.serialize_entry("next_page", next_page)?;
        }
        if let Some(url) = &self.url {
            map.serialize_entry("url", url)?;
        }
        if let Some(total_count) = &self.total_count {
            map.serialize_entry("total_count", total_count)?;
        }
        self.extra.end(map)
    }
}

impl<T: for<'a> Deserialize<'a>> DecodeObject for SearchResult<T> {
    const EXPECTING: &'static str = "a search_result object";

    fn decode_map<'de, A: de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let (mut object, mut data, mut has_more, mut url) = (None, None, None, None);
        let (mut next_page, mut total_count) = (None, None);
        let mut extra = Extra::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.as_str() {
                "object" => object = Some(map.next_value()?),
                "data" => data = Some(map.next_value()?),
                "has_more" => has_more = Some(map.next_value()?),
                "next_page" => next_page = Some(map.next_value()?),
                "url" => url = Some(map.next_value()?),
                "total_count" => total_count = Some(map.next_value()?),
                _ => extra.insert_next(key, &mut map)?,
            }
        }
        Ok(SearchResult {
            object,
            data: required(data, "data")?,
            has_more: required(has_more, "has_more")?,
            next_page,
            url,
            total_count,
            extra,
        })
    }
}

impl<'de, T: for<'a> Deserialize<'a>> Deserialize<'de> for SearchResult<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ObjectVisitor::<Self>::new())
    }
}

// The generic decoders below use `match` rather than `?` or `map`, as `Reader::set` does: they
// are compiled once per item type, in every build.

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

impl Decode for Secret {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Secret(r.string()?))
    }
}

impl Decode for Timestamp {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Timestamp(r.i64()?))
    }
}

impl<T: Decode> Decode for List<T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let mut data = None;
        let page = Page::read(r, false, &mut |r| r.set(&mut data));
        match (page, data) {
            (Ok(page), Some(data)) => Ok(List {
                object: page.object,
                data,
                has_more: page.has_more,
                url: page.url,
                extra: page.extra,
            }),
            (Err(e), _) => Err(e),
            (Ok(_), None) => Err(r.missing_field("data")),
        }
    }
}

impl<T: Decode> Decode for SearchResult<T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let mut data = None;
        let page = Page::read(r, true, &mut |r| r.set(&mut data));
        match (page, data) {
            (Ok(page), Some(data)) => Ok(SearchResult {
                object: page.object,
                data,
                has_more: page.has_more,
                next_page: page.next_page,
                url: page.url,
                total_count: page.total_count,
                extra: page.extra,
            }),
            (Err(e), _) => Err(e),
            (Ok(_), None) => Err(r.missing_field("data")),
        }
    }
}

/// The keys of a list or search page other than `data`, read by one function for every item
/// type: only the `data` closure is compiled per type.
struct Page {
    object: Option<String>,
    has_more: bool,
    next_page: Option<Option<String>>,
    url: Option<String>,
    total_count: Option<Option<u64>>,
    extra: Extra,
}

impl Page {
    /// Reads a page object, handing the reader to `data` at the `data` key. `next_page` and
    /// `total_count` are fields of a search page and unknown keys of a list.
    fn read<'a>(
        r: &mut Reader<'a>,
        search: bool,
        data: &mut dyn FnMut(&mut Reader<'a>) -> Result<(), DecodeError>,
    ) -> Result<Page, DecodeError> {
        let (mut object, mut has_more, mut url) = (None, None, None);
        let (mut next_page, mut total_count) = (None, None);
        let mut extra = Extra::new();
        let mut has_data = false;
        r.object(&mut |r, key| match key {
            // Kept as sent (the type already says what it is), so it encodes back unchanged.
            "object" => r.set(&mut object),
            "data" => {
                has_data = true;
                data(r)
            }
            "has_more" => r.set(&mut has_more),
            "url" => r.set(&mut url),
            "next_page" if search => r.set(&mut next_page),
            "total_count" if search => r.set(&mut total_count),
            _ => extra.read(key, r),
        })?;
        if !has_data {
            return Err(r.missing_field("data"));
        }
        Ok(Page {
            object,
            has_more: r.required(has_more, "has_more")?,
            next_page,
            url,
            total_count,
            extra,
        })
    }
}

/// Deserializes a field whose `null` must stay distinct from its absence.
///
/// Use it as
/// `#[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "rt::double_option")]`
/// on an `Option<Option<T>>`: an absent key is `None`, `null` is `Some(None)` and a value is
/// `Some(Some(value))`.
pub fn double_option<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, PartialEq, Deserialize, Serialize)]
    struct Account {
        id: String,
        balance: i64,
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

    #[test]
    fn secret_is_redacted_and_transparent() {
        let s: Secret = serde_json::from_str(r#""fcsess_client_secret_abc""#).unwrap();
        assert_eq!(s.expose(), "fcsess_client_secret_abc");
        assert_eq!(format!("{s:?}"), "<redacted>");
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#""fcsess_client_secret_abc""#
        );
    }

    #[test]
    fn timestamp_is_transparent() {
        let t: Timestamp = serde_json::from_str("1712700000").unwrap();
        assert_eq!(t, Timestamp::from_secs(1_712_700_000));
        assert_eq!(t.as_secs(), 1_712_700_000);
        assert_eq!(serde_json::to_string(&t).unwrap(), "1712700000");
    }

    #[test]
    fn list_round_trips_and_tolerates_unknown_keys() {
        let wire = json!({"object": "list", "data": [{"id": "a", "balance": 1}], "has_more": true, "url": "/v1/x"});
        let list: List<Account> = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(list.data.len(), 1);
        assert!(list.has_more);
        assert_eq!(serde_json::to_value(&list).unwrap(), wire);
        let mut with_extra = wire.clone();
        with_extra["total_count"] = json!(1);
        let list: List<Account> = serde_json::from_value(with_extra.clone()).unwrap();
        assert_eq!(list.extra.get("total_count"), Some(json!(1)));
        assert_eq!(serde_json::to_value(&list).unwrap(), with_extra);
    }

    #[derive(Debug, PartialEq, Deserialize, Serialize)]
    struct Nullable {
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "double_option"
        )]
        v: Option<Option<i64>>,
    }

    #[test]
    fn double_option_keeps_null_and_absent_apart() {
        for (wire, v) in [
            (json!({}), None),
            (json!({"v": null}), Some(None)),
            (json!({"v": 4}), Some(Some(4))),
        ] {
            let c: Nullable = serde_json::from_value(wire.clone()).unwrap();
            assert_eq!(c.v, v);
            assert_eq!(serde_json::to_value(&c).unwrap(), wire);
        }
    }

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

    /// The reader's path (`Decode`), which the clients take; the tests above take serde's.
    #[test]
    fn pages_and_clearable_decode_with_the_reader() {
        use crate::from_json;

        let list: List<i64> = from_json(
            r#"{"object":"list","data":[1,2],"has_more":true,"url":"/v1/x","total_count":2}"#,
        )
        .unwrap();
        assert_eq!(
            (list.data, list.has_more, list.url.as_deref()),
            (vec![1, 2], true, Some("/v1/x"))
        );
        // `total_count` is a field of a search page, an unknown key of a list.
        assert_eq!(list.extra.get_raw("total_count"), Some("2"));

        let page: SearchResult<i64> = from_json(
            r#"{"object":"search_result","data":[3],"has_more":false,"next_page":null,"url":"/v1/s","total_count":1,"livemode":false}"#,
        )
        .unwrap();
        assert_eq!(
            (page.data, page.next_page, page.total_count),
            (vec![3], Some(None), Some(Some(1)))
        );
        assert_eq!(page.extra.get_raw("livemode"), Some("false"));
        let page: SearchResult<i64> =
            from_json(r#"{"data":[],"has_more":true,"next_page":"tok_2"}"#).unwrap();
        assert_eq!(
            (page.next_page_token(), page.url.as_deref()),
            (Some("tok_2"), None)
        );

        let err = |text: &str| from_json::<List<i64>>(text).unwrap_err().to_string();
        assert!(err(r#"{"has_more":true}"#).contains("missing field `data`"));
        assert!(err(r#"{"data":[]}"#).contains("missing field `has_more`"));
        assert!(err(r#"{"data":[1,"x"],"has_more":true}"#).ends_with("(at `data[1]`)"));

        assert_eq!(from_json::<Clearable<i64>>(r#""""#), Ok(Clearable::Clear));
        assert_eq!(from_json::<Clearable<i64>>(" 7"), Ok(Clearable::Set(7)));
        assert_eq!(
            from_json::<Clearable<String>>(r#"" ""#),
            Ok(Clearable::Set(" ".to_owned()))
        );
        assert!(from_json::<Clearable<i64>>(r#""x""#).is_err());
    }

    #[test]
    fn search_result_round_trips_and_tolerates_unknown_keys() {
        let wire = json!({"object": "search_result", "data": [{"id": "a", "balance": 1}],
            "has_more": true, "next_page": "tok_2", "url": "/v1/customers/search"});
        let page: SearchResult<Account> = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(page.data.len(), 1);
        assert_eq!(page.next_page_token(), Some("tok_2"));
        assert_eq!(page.total_count, None);
        assert_eq!(page.next_page_token(), Some("tok_2"));
        assert_eq!(serde_json::to_value(&page).unwrap(), wire);
        let mut with_extra = wire.clone();
        with_extra["livemode"] = json!(false);
        let page: SearchResult<Account> = serde_json::from_value(with_extra.clone()).unwrap();
        assert_eq!(serde_json::to_value(&page).unwrap(), with_extra);

        let wire = json!({"object": "search_result", "data": [], "has_more": false,
            "next_page": null, "url": "/v1/customers/search", "total_count": 0});
        let page: SearchResult<Account> = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(page.total_count, Some(Some(0)));
        assert_eq!(serde_json::to_value(&page).unwrap(), wire);

        let page: SearchResult<Account> =
            serde_json::from_value(json!({"data": [], "has_more": false})).unwrap();
        assert_eq!((page.next_page, page.url), (None, None));
    }

    /// What was sent comes back, whatever it is: no `object`, `url` or `next_page` is made up
    /// or replaced, on both decoding paths.
    #[test]
    fn pages_encode_back_what_was_sent() {
        use crate::from_json;

        for wire in [
            json!({"data": [], "has_more": false}),
            json!({"object": "lisst", "data": [1], "has_more": true, "url": "/v1/y"}),
            json!({"object": "list", "data": [], "has_more": false, "url": ""}),
        ] {
            let list: List<i64> = from_json(&wire.to_string()).unwrap();
            assert_eq!(serde_json::to_value(&list).unwrap(), wire);
            let list: List<i64> = serde_json::from_value(wire.clone()).unwrap();
            assert_eq!(serde_json::to_value(&list).unwrap(), wire);
        }
        for wire in [
            json!({"data": [], "has_more": false}),
            json!({"object": "search_result", "data": [], "has_more": false, "next_page": null,
                "total_count": null}),
            json!({"object": "x", "data": [2], "has_more": true, "next_page": "t", "url": "/s",
                "total_count": 3}),
        ] {
            let page: SearchResult<i64> = from_json(&wire.to_string()).unwrap();
            assert_eq!(serde_json::to_value(&page).unwrap(), wire);
            let page: SearchResult<i64> = serde_json::from_value(wire.clone()).unwrap();
            assert_eq!(serde_json::to_value(&page).unwrap(), wire);
        }
    }
}
