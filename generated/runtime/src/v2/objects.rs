//! v2's list page and deleted object.

use serde::de::{self, Deserializer};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::json::{deserialize_via_json, Decode, DecodeError, Reader};
use crate::object::{required, DecodeObject, Key, ObjectVisitor};
use crate::Extra;

/// One page of a v2 list, such as `GET /v2/core/accounts` returns: the objects, and the URLs
/// of the pages around it.
///
/// Unlike a v1 [`List`](crate::List) it has no `object`, `has_more` or `url`: a page is
/// followed by requesting its `next_page_url`, a path with a query string
/// (`/v2/core/accounts?page=...`), until it is `null`. `Client::paginate` does that (feature
/// `client`).
///
/// Keys this crate does not know are kept in `extra`, so a decoded page encodes back to the
/// same JSON; both URLs are always written (`null` when `None`), as Stripe sends them.
#[derive(Clone, Debug, PartialEq)]
pub struct List<T> {
    /// The objects on this page.
    pub data: Vec<T>,
    /// The path and query of the next page; `None` on the last page.
    pub next_page_url: Option<String>,
    /// The path and query of the previous page; `None` on the first page.
    pub previous_page_url: Option<String>,
    /// Keys this crate does not know, kept as sent.
    pub extra: Extra,
}

impl<T: Serialize> Serialize for List<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("data", &self.data)?;
        map.serialize_entry("next_page_url", &self.next_page_url)?;
        map.serialize_entry("previous_page_url", &self.previous_page_url)?;
        self.extra.end(map)
    }
}

impl<T: for<'a> Deserialize<'a>> DecodeObject for List<T> {
    const EXPECTING: &'static str = "a v2 list object";

    fn decode_map<'de, A: de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let (mut data, mut next_page_url, mut previous_page_url) = (None, None, None);
        let mut extra = Extra::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.as_str() {
                "data" => data = Some(map.next_value()?),
                "next_page_url" => next_page_url = map.next_value()?,
                "previous_page_url" => previous_page_url = map.next_value()?,
                _ => extra.insert_next(key, &mut map)?,
            }
        }
        Ok(List {
            data: required(data, "data")?,
            next_page_url,
            previous_page_url,
            extra,
        })
    }
}

impl<'de, T: for<'a> Deserialize<'a>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ObjectVisitor::<Self>::new())
    }
}

/// `data` is required; the URLs may be absent or `null` (both `None`).
impl<T: Decode> Decode for List<T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let mut data = None;
        let page = Page::read(r, &mut |r| r.set(&mut data));
        match (page, data) {
            (Ok(page), Some(data)) => Ok(List {
                data,
                next_page_url: page.next_page_url,
                previous_page_url: page.previous_page_url,
                extra: page.extra,
            }),
            (Err(e), _) => Err(e),
            (Ok(_), None) => Err(r.missing_field("data")),
        }
    }
}

/// The keys of a v2 page other than `data`, read by one function for every item type (only
/// the `data` closure is compiled per type).
struct Page {
    next_page_url: Option<String>,
    previous_page_url: Option<String>,
    extra: Extra,
}

impl Page {
    fn read<'a>(
        r: &mut Reader<'a>,
        data: &mut dyn FnMut(&mut Reader<'a>) -> Result<(), DecodeError>,
    ) -> Result<Page, DecodeError> {
        let (mut next_page_url, mut previous_page_url) = (None, None);
        let mut extra = Extra::new();
        let mut has_data = false;
        r.object(&mut |r, key| match key {
            "data" => {
                has_data = true;
                data(r)
            }
            "next_page_url" => r.set_nullable(&mut next_page_url),
            "previous_page_url" => r.set_nullable(&mut previous_page_url),
            _ => extra.read(key, r),
        })?;
        if !has_data {
            return Err(r.missing_field("data"));
        }
        Ok(Page {
            next_page_url,
            previous_page_url,
            extra,
        })
    }
}

/// What a v2 delete returns (the spec's `v2.deleted_object`): the id of the deleted object,
/// and its `object` type when Stripe sends it.
#[derive(Clone, Debug, PartialEq)]
pub struct Deleted {
    /// The id of the deleted object.
    pub id: String,
    /// The type of the deleted object, such as `v2.core.account_person`.
    pub object: Option<String>,
    /// Keys this crate does not know, kept as sent.
    pub extra: Extra,
}

/// `id` is required; `object` may be absent or `null` (both `None`).
impl Decode for Deleted {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let (mut id, mut object) = (None, None);
        let mut extra = Extra::new();
        r.object(&mut |r, key| match key {
            "id" => r.set(&mut id),
            "object" => r.set_nullable(&mut object),
            _ => extra.read(key, r),
        })?;
        Ok(Deleted {
            id: r.required(id, "id")?,
            object,
            extra,
        })
    }
}

impl Serialize for Deleted {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("id", &self.id)?;
        if let Some(object) = &self.object {
            map.serialize_entry("object", object)?;
        }
        self.extra.end(map)
    }
}

impl<'de> Deserialize<'de> for Deleted {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_via_json(deserializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{from_json, Json};
    use serde_json::json;

    #[test]
    fn lists_decode_both_ways_and_encode_back() {
        let wire = json!({
            "data": [{"id": "acct_1"}, {"id": "acct_2"}],
            "next_page_url": "/v2/core/accounts?page=abc",
            "previous_page_url": null,
            "livemode": false,
        });
        let text = wire.to_string();
        let list: List<Json> = from_json(&text).unwrap();
        assert_eq!(list.data.len(), 2);
        assert_eq!(
            list.next_page_url.as_deref(),
            Some("/v2/core/accounts?page=abc")
        );
        assert_eq!(list.previous_page_url, None);
        assert_eq!(list.extra.get_raw("livemode"), Some("false"));
        assert_eq!(serde_json::to_value(&list).unwrap(), wire);
        let via_serde: List<Json> = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(via_serde, list);
        // Absent URLs are `None`, written back as `null`.
        let bare: List<i64> = from_json(r#"{"data": [1]}"#).unwrap();
        assert_eq!((bare.next_page_url, bare.previous_page_url), (None, None));
        let bare: List<i64> = serde_json::from_str(r#"{"data": []}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&bare).unwrap(),
            r#"{"data":[],"next_page_url":null,"previous_page_url":null}"#
        );
    }

    #[test]
    fn malformed_lists_fail_with_a_path() {
        let err = |text: &str| from_json::<List<i64>>(text).unwrap_err().to_string();
        assert!(err(r#"{"next_page_url": null}"#).contains("missing field `data`"));
        assert!(err(r#"{"data": [1, "x"]}"#).ends_with("(at `data[1]`)"));
        assert!(err(r#"{"data": [], "next_page_url": 3}"#).ends_with("(at `next_page_url`)"));
        assert!(err("[]").contains("expected an object"));
        assert!(serde_json::from_str::<List<i64>>(r#"{"next_page_url": null}"#).is_err());
    }

    #[test]
    fn deleted_objects() {
        let text = r#"{"id": "person_1", "object": "v2.core.account_person", "deleted": true}"#;
        let deleted: Deleted = from_json(text).unwrap();
        assert_eq!(deleted.id, "person_1");
        assert_eq!(deleted.object.as_deref(), Some("v2.core.account_person"));
        assert_eq!(deleted.extra.get("deleted"), Some(json!(true)));
        assert_eq!(
            serde_json::to_value(&deleted).unwrap(),
            serde_json::from_str::<Json>(text).unwrap()
        );
        let back: Deleted = serde_json::from_str(text).unwrap();
        assert_eq!(back, deleted);
        let bare: Deleted = from_json(r#"{"id": "x", "object": null}"#).unwrap();
        assert_eq!(bare.object, None);
        assert!(from_json::<Deleted>(r#"{"object": "x"}"#).is_err());
        assert!(from_json::<Deleted>(r#"{"id": 1}"#).is_err());
    }
}
