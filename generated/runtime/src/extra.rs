//! Unknown fields, kept as sent and written back.
//!
//! Stripe sends fields its spec does not document (`plan` on subscription items, `source` on
//! charges, ...). Every generated response struct has an `extra: rt::Extra` field that keeps
//! them as sent, and its `Serialize` writes them back, so a decoded object encodes to the JSON
//! it came from, whether it was decoded with [`Decode`](super::Decode) or with serde.

use std::fmt;

use serde::de::{Deserializer, MapAccess};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use super::json::{Decode, DecodeError, Reader};
use super::object::Key;
use super::Json;

/// The fields of a response object that this version of the crate does not know, kept as
/// sent (their JSON text, in the order they came) and written back when the object is encoded.
///
/// It also remembers which *known* optional fields came as `null`: such a field reads as
/// `None`, as an absent one does, and is written back as `null` while it stays `None`
/// ([`sent_null`](Self::sent_null)). v2 responses send `null` for optional fields the spec
/// does not mark nullable, so this is what keeps them exact.
///
/// `Debug` prints only the keys: an unknown field may hold a secret. Two sets are equal when
/// they hold the same keys with equal JSON values, whatever their order or spacing, and the
/// same known fields sent as `null`.
#[derive(Clone, Default)]
pub struct Extra {
    fields: Vec<(String, Box<str>)>,
    nulls: Vec<Box<str>>,
}

impl Extra {
    /// An empty set of fields.
    pub fn new() -> Self {
        Extra::default()
    }

    /// The value of the unknown field `key`; `None` also when it holds a number that [`Json`]
    /// cannot represent (beyond `f64`, such as `1e400`): [`get_raw`](Self::get_raw) has it.
    pub fn get(&self, key: &str) -> Option<Json> {
        self.get_raw(key).and_then(parse)
    }

    /// The unknown field `key` as it was sent: its JSON text.
    pub fn get_raw(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| &**v)
    }

    /// Sets the unknown field `key`, returning its previous value (as [`get`](Self::get) reads
    /// it).
    pub fn insert(&mut self, key: impl Into<String>, value: Json) -> Option<Json> {
        self.insert_raw(key.into(), value.to_string().into())
            .and_then(|old| parse(&old))
    }

    /// Removes the unknown field `key`, returning its value (as [`get`](Self::get) reads it).
    pub fn remove(&mut self, key: &str) -> Option<Json> {
        let at = self.fields.iter().position(|(k, _)| k == key)?;
        parse(&self.fields.remove(at).1)
    }

    /// The unknown fields: each key with its JSON text, in the order they were sent.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.fields.iter().map(|(k, v)| (k.as_str(), &**v))
    }

    /// How many unknown fields there are.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether the object had no unknown field.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// Whether the known optional field `key` was sent as `null` (it reads as `None`). The
    /// generated `Serialize` writes such a field back as `null` while it is `None`.
    pub fn sent_null(&self, key: &str) -> bool {
        self.nulls.iter().any(|k| &**k == key)
    }

    /// Remembers that the known optional field `key` came as `null`.
    fn mark_null(&mut self, key: &str) {
        if !self.sent_null(key) {
            self.nulls.push(key.into());
        }
    }

    /// Forgets that the known optional field `key` came as `null`.
    fn unmark_null(&mut self, key: &str) {
        self.nulls.retain(|k| &**k != key);
    }

    /// Reads the value at `r` into the optional field `slot`, `key` of its object: `null`
    /// leaves `None`, as an absent key does, and is remembered (see
    /// [`sent_null`](Self::sent_null)). A [`Decode`](Decode) impl calls it for each
    /// optional field that is not nullable. A key sent twice keeps its last value, `null` or
    /// not, as everywhere in the reader.
    pub fn read_optional<T: Decode>(
        &mut self,
        key: &str,
        slot: &mut Option<T>,
        r: &mut Reader<'_>,
    ) -> Result<(), DecodeError> {
        match r.null() {
            Ok(true) => {
                *slot = None;
                self.mark_null(key);
                Ok(())
            }
            Ok(false) => {
                self.unmark_null(key);
                r.set(slot)
            }
            Err(e) => Err(e),
        }
    }

    /// Reads the value at `r` as the unknown field `key`: its text is kept, not parsed. A
    /// [`Decode`](Decode) impl calls it for every key it does not know.
    pub fn read(&mut self, key: &str, r: &mut Reader<'_>) -> Result<(), DecodeError> {
        let raw = r.raw()?;
        self.insert_raw(key.to_owned(), raw.into());
        Ok(())
    }

    /// Reads the next value of `map` as the unknown field `key`.
    pub(crate) fn insert_next<'de, A: MapAccess<'de>>(
        &mut self,
        key: Key<'de>,
        map: &mut A,
    ) -> Result<(), A::Error> {
        let value = map.next_value::<Json>()?;
        self.insert_raw(key.into_string(), value.to_string().into());
        Ok(())
    }

    /// A later duplicate key replaces the earlier value, as when decoding into a map: the key
    /// keeps its first place and is written back once, with its last value.
    fn insert_raw(&mut self, key: String, raw: Box<str>) -> Option<Box<str>> {
        match self.fields.iter_mut().find(|(k, _)| *k == key) {
            Some((_, old)) => Some(std::mem::replace(old, raw)),
            None => {
                self.fields.push((key, raw));
                None
            }
        }
    }

    /// Writes the unknown fields into `map` and ends it: with serde_json, as the exact text
    /// they were received as. A `Serialize` impl calls it after its known fields.
    pub fn end<M: SerializeMap>(&self, mut map: M) -> Result<M::Ok, M::Error> {
        for (key, raw) in &self.fields {
            map.serialize_entry(key, &Raw(raw))?;
        }
        map.end()
    }
}

/// An unknown field's text, serialized as serde_json's `RawValue`: serde_json's serializers
/// write it byte for byte (`1e400`, `19e58`, `"\u00e9"` and nested documents stay as sent),
/// where a parsed [`Json`] would turn a number beyond `f64` into `null`, re-spell long floats
/// and re-escape strings. `serde_json::to_value` parses it (and fails on a number beyond
/// `f64`, rather than inventing a value); other serde formats see serde_json's raw-value
/// struct.
pub(crate) struct Raw<'a>(pub(crate) &'a str);

impl Serialize for Raw<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // The text was checked to be one JSON value when it was kept; this checks it again
        // (without building anything) rather than trusting it in `unsafe`.
        match serde_json::value::RawValue::from_string(self.0.to_owned()) {
            Ok(raw) => raw.serialize(serializer),
            Err(e) => Err(serde::ser::Error::custom(e)),
        }
    }
}

/// The value of a kept text: `None` for a number `Json` cannot hold, such as `1e400` (read
/// such a field with [`Extra::get_raw`]). The text was JSON when it was kept (read by
/// [`Reader::raw`] or written from a [`Json`]).
fn parse(raw: &str) -> Option<Json> {
    super::json::from_json(raw).ok()
}

/// Keys only, values never: they may be secrets.
impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(self.fields.iter().map(|(k, _)| k))
            .finish()
    }
}

impl PartialEq for Extra {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len()
            && self.nulls.len() == other.nulls.len()
            && self.nulls.iter().all(|k| other.sent_null(k))
            && self.iter().all(|(key, raw)| {
                other
                    .get_raw(key)
                    .is_some_and(|theirs| theirs == raw || same_value(theirs, raw))
            })
    }
}

/// Whether two kept texts hold the same JSON value; texts with a number `Json` cannot hold
/// are the same only when spelled the same.
fn same_value(a: &str, b: &str) -> bool {
    match (parse(a), parse(b)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

impl Serialize for Extra {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.end(serializer.serialize_map(Some(self.len()))?)
    }
}

impl<'de> Deserialize<'de> for Extra {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = serde_json::Map::<String, Json>::deserialize(deserializer)?;
        Ok(Extra {
            fields: map
                .into_iter()
                .map(|(k, v)| (k, v.to_string().into()))
                .collect(),
            nulls: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{from_json, Decode};
    use serde_json::json;

    /// What the generator emits for `{ id: string (required), n: integer (optional) }`.
    #[derive(Clone, Debug, PartialEq)]
    struct Thing {
        id: String,
        n: Option<i64>,
        extra: Extra,
    }

    impl Decode for Thing {
        fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
            let (mut v_id, mut v_n) = (None, None);
            let mut extra = Extra::new();
            r.object(&mut |r, key| {
                match key {
                    "id" => v_id = Some(Decode::decode(r)?),
                    "n" => extra.read_optional(key, &mut v_n, r)?,
                    _ => extra.read(key, r)?,
                }
                Ok(())
            })?;
            Ok(Thing {
                id: r.required(v_id, "id")?,
                n: v_n,
                extra,
            })
        }
    }

    impl<'de> Deserialize<'de> for Thing {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            crate::json::deserialize_via_json(deserializer)
        }
    }

    impl Serialize for Thing {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(None)?;
            map.serialize_entry("id", &self.id)?;
            if let Some(n) = &self.n {
                map.serialize_entry("n", n)?;
            } else if self.extra.sent_null("n") {
                map.serialize_entry("n", &())?;
            }
            self.extra.end(map)
        }
    }

    #[test]
    fn an_optional_field_sent_as_null_is_none_and_written_back_as_null() {
        let null: Thing = from_json(r#"{"id":"x","n":null}"#).unwrap();
        let absent: Thing = from_json(r#"{"id":"x"}"#).unwrap();
        assert_eq!((null.n, absent.n), (None, None));
        assert!(null.extra.sent_null("n") && !absent.extra.sent_null("n"));
        assert!(null.extra.is_empty() && null.extra.get("n").is_none());
        assert_ne!(null, absent);
        assert_eq!(
            serde_json::to_string(&null).unwrap(),
            r#"{"id":"x","n":null}"#
        );
        assert_eq!(serde_json::to_string(&absent).unwrap(), r#"{"id":"x"}"#);
        let mut set = null.clone();
        set.n = Some(4);
        assert_eq!(serde_json::to_string(&set).unwrap(), r#"{"id":"x","n":4}"#);
        let number: Thing = from_json(r#"{"id":"x","n":2}"#).unwrap();
        assert_eq!(number.n, Some(2));
    }

    #[test]
    fn unknown_fields_are_kept_as_sent_and_written_back() {
        let text = r#"{"id":"x","z":[1.5, 19],"n":3,"plan":{"id":"plan_1","amount":19}}"#;
        let thing: Thing = from_json(text).unwrap();
        assert_eq!(thing.extra.len(), 2);
        assert_eq!(thing.extra.get_raw("z"), Some("[1.5, 19]"));
        assert_eq!(
            thing.extra.get("plan"),
            Some(json!({"id": "plan_1", "amount": 19}))
        );
        // In the order sent, after the known fields, each as the text it was sent as.
        assert_eq!(
            serde_json::to_string(&thing).unwrap(),
            r#"{"id":"x","n":3,"z":[1.5, 19],"plan":{"id":"plan_1","amount":19}}"#
        );
        // Through serde too, and with an escaped key.
        let thing: Thing = serde_json::from_value(json!({"id": "x", "n1": true})).unwrap();
        assert_eq!(thing.extra.get("n1"), Some(json!(true)));
        let thing: Thing = from_json(r#"{"id":"x","n\u0031":true}"#).unwrap();
        assert_eq!(thing.extra.get("n1"), Some(json!(true)));
        assert_eq!(format!("{:?}", thing.extra), r#"{"n1"}"#);
    }

    /// Numbers of any size and spelling, strings with any escapes and nested documents come
    /// back byte for byte; `to_value` parses them, and refuses what `Json` cannot hold rather
    /// than writing `null`.
    #[test]
    fn unknown_fields_are_written_back_byte_for_byte() {
        let fields = [
            r#""big":1e400"#,
            r#""long":19e58"#,
            r#""neg":-0"#,
            r#""frac":1.50"#,
            r#""exp":-0.25E-2"#,
            r#""huge":123456789012345678901234567890"#,
            r#""esc":"\u00e9\/\"\ud83d\ude00\n""#,
            r#""doc":{"b":[1e400, {"z": 19e58}],"a":"\u0041"}"#,
        ];
        let text = format!(r#"{{"id":"x",{}}}"#, fields.join(","));
        let thing: Thing = from_json(&text).unwrap();
        assert_eq!(serde_json::to_string(&thing).unwrap(), text);
        assert_eq!(thing.extra.get_raw("big"), Some("1e400"));
        assert_eq!(thing.extra.get("big"), None);
        assert_eq!(thing.extra.get("long"), Some(json!(19e58)));
        // Pretty printing keeps the text too (only the layout around it changes).
        let pretty = serde_json::to_string_pretty(&thing).unwrap();
        assert!(pretty.contains(r#""doc": {"b":[1e400, {"z": 19e58}],"a":"\u0041"}"#));
        assert!(serde_json::to_value(&thing).is_err());
        let small: Thing = from_json(r#"{"id":"x","long":19e58,"s":"\u0041"}"#).unwrap();
        assert_eq!(
            serde_json::to_value(&small).unwrap(),
            json!({"id": "x", "long": 19e58, "s": "A"})
        );
        // Different numbers beyond `f64` are different values.
        let other: Thing = from_json(&text.replace("1e400", "2e400")).unwrap();
        assert_ne!(thing.extra, other.extra);
    }

    #[test]
    fn missing_and_mistyped_fields_are_errors_with_a_path() {
        let err = from_json::<Thing>(r#"{"n": 1}"#).unwrap_err();
        assert_eq!(err.message(), "missing field `id` at line 1 column 8");
        let err = from_json::<Vec<Thing>>(r#"[{"id": "x", "n": "many"}]"#).unwrap_err();
        assert_eq!(err.path(), "[0].n");
        assert!(from_json::<Thing>("[1]").is_err());
        let err = serde_json::from_str::<Thing>(r#"{"n": 1}"#).unwrap_err();
        assert!(err.to_string().contains("missing field `id`"), "{err}");
    }

    /// A key sent twice keeps its last value, known or not, `null` or not, and is written back
    /// once: what is decoded from what was written is what was decoded.
    #[test]
    fn repeated_keys_keep_their_last_value_and_are_written_back_once() {
        for (text, written) in [
            (r#"{"id":"x","n":null,"n":2}"#, r#"{"id":"x","n":2}"#),
            (r#"{"id":"x","n":2,"n":null}"#, r#"{"id":"x","n":null}"#),
            (
                r#"{"n":null,"id":"x","n":2,"n":null}"#,
                r#"{"id":"x","n":null}"#,
            ),
            (
                r#"{"z":1,"id":"x","y":true,"z":[1.50],"id":"w"}"#,
                r#"{"id":"w","z":[1.50],"y":true}"#,
            ),
        ] {
            let thing: Thing = from_json(text).unwrap();
            assert_eq!(serde_json::to_string(&thing).unwrap(), written, "{text}");
            assert_eq!(from_json::<Thing>(written).unwrap(), thing, "{text}");
        }
    }

    #[test]
    fn extra_api() {
        let mut extra = Extra::new();
        assert!(extra.is_empty());
        assert_eq!(extra.insert("a", json!(1)), None);
        assert_eq!(extra.insert("a", json!(2)), Some(json!(1)));
        assert_eq!(extra.iter().collect::<Vec<_>>(), [("a", "2")]);
        assert_eq!(extra.remove("a"), Some(json!(2)));
        let back: Extra = serde_json::from_str(r#"{"k": null, "j": [1]}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&back).unwrap(),
            r#"{"j":[1],"k":null}"#
        );
        // Equal by value, not by spelling or order.
        let spaced: Extra = serde_json::from_str(r#"{"k": null, "j": [ 1 ]}"#).unwrap();
        let mut read = Extra::new();
        read.read("j", &mut Reader::new("[ 1 ]")).unwrap();
        read.read("k", &mut Reader::new("null")).unwrap();
        assert_eq!(read, back);
        assert_eq!(spaced, back);
        read.insert("k", json!(0));
        assert_ne!(read, back);
    }
}
