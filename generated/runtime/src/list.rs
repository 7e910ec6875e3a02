//! Pages of v1 lists and searches, which keep every key as sent.

use serde::de::{self, Deserializer};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use super::json::{Decode, DecodeError, Reader};
use super::object::{required, DecodeObject, Key, ObjectVisitor};
use super::Extra;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expandable::tests::Account;
    use crate::Clearable;
    use serde_json::json;

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
