//! JSON request bodies, as Stripe's v2 API reads its parameters.
//!
//! v1 takes form-encoded parameters ([`Form`](super::Form)); v2 takes a JSON object
//! (`Content-Type: application/json`). Generated v2 parameter structs implement [`ToJson`] by
//! calling [`JsonWriter::field`] once per field, as v1's call [`Form::field`](super::Form::field):
//! one non-generic call per field, so that a struct's encoder is one plain function whatever the
//! types of its fields.
//!
//! The output is compact (no whitespace), objects keep their fields in call order, and strings
//! are escaped as RFC 8259 requires: `"` and `\` with a backslash, control characters
//! (U+0000 to U+001F) as `\u00XX`; every other character, non-ASCII included, is written as
//! UTF-8.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Json, Number, Secret};

/// A value that can be written as JSON, for v2 request bodies.
///
/// Generated parameter structs write an object of their fields:
///
/// ```
/// use stripe_typed_runtime::{JsonWriter, ToJson};
///
/// struct UpdateAccount {
///     display_name: Option<String>,
///     metadata: Option<std::collections::BTreeMap<String, Option<String>>>,
/// }
///
/// impl ToJson for UpdateAccount {
///     fn to_json(&self, w: &mut JsonWriter) {
///         w.begin_object();
///         w.field("display_name", &self.display_name);
///         w.field("metadata", &self.metadata);
///         w.end_object();
///     }
/// }
///
/// let params = UpdateAccount {
///     display_name: None,
///     // `None` as a map value is `null`: v2 removes the key.
///     metadata: Some([("order".to_owned(), None)].into()),
/// };
/// assert_eq!(JsonWriter::encode(&params), r#"{"metadata":{"order":null}}"#);
/// ```
///
/// Every enum given `impl_wire_enum!` and every id given `impl_id!` writes its wire string.
pub trait ToJson {
    /// Writes `self` as one JSON value.
    fn to_json(&self, w: &mut JsonWriter);

    /// Whether `self` is left out when it is an object's field ([`JsonWriter::field`]):
    /// `true` for `None`, so that an optional parameter that is not set is not sent. Where
    /// a value cannot be left out (an array item, a map value), an absent value writes
    /// `null`.
    fn is_absent(&self) -> bool {
        false
    }
}

/// A JSON text under construction; see [`ToJson`].
///
/// Values are written in call order. Each container is opened and closed by its `begin_` and
/// `end_` calls; between them an object takes [`field`](Self::field)s or
/// [`entry`](Self::entry)s and an array [`item`](Self::item)s, and the writer puts the
/// commas. A key whose value writes nothing gets `null`, so the text stays JSON even when a
/// [`ToJson`] impl writes nothing.
#[derive(Clone, Debug, Default)]
pub struct JsonWriter {
    out: String,
    /// A value was written in the current container: the next one needs a comma.
    comma: bool,
}

impl JsonWriter {
    /// An empty writer.
    pub fn new() -> Self {
        JsonWriter::default()
    }

    /// The JSON text of `value`.
    pub fn encode<T: ToJson + ?Sized>(value: &T) -> String {
        let mut w = JsonWriter::new();
        value.to_json(&mut w);
        w.finish()
    }

    /// The text written so far.
    pub fn finish(self) -> String {
        self.out
    }

    /// Starts a value: a comma when one came before it in the same container.
    fn value(&mut self) {
        if self.comma {
            self.out.push(',');
        }
        self.comma = true;
    }

    /// Opens an object: `{`.
    pub fn begin_object(&mut self) {
        self.value();
        self.out.push('{');
        self.comma = false;
    }

    /// Writes the field `name` with `value`, or nothing when `value` is absent
    /// ([`ToJson::is_absent`]: an optional parameter that is not set).
    ///
    /// Not generic: generated parameter structs call it once per field, and a generic method
    /// would be compiled once per field type.
    pub fn field(&mut self, name: &str, value: &dyn ToJson) {
        if !value.is_absent() {
            self.entry(name, value);
        }
    }

    /// Writes the key `name` with `value`, even an absent one (as `null`): a map's entry.
    pub fn entry(&mut self, name: &str, value: &dyn ToJson) {
        self.value();
        escape_into(&mut self.out, name);
        self.out.push(':');
        self.comma = false;
        let start = self.out.len();
        value.to_json(self);
        if self.out.len() == start {
            self.out.push_str("null");
        }
        self.comma = true;
    }

    /// Closes an object: `}`.
    pub fn end_object(&mut self) {
        self.out.push('}');
        self.comma = true;
    }

    /// Opens an array: `[`.
    pub fn begin_array(&mut self) {
        self.value();
        self.out.push('[');
        self.comma = false;
    }

    /// Writes one item of an array (an absent one as `null`, so indexes do not shift).
    pub fn item(&mut self, value: &dyn ToJson) {
        let start = self.out.len();
        value.to_json(self);
        if self.out.len() == start {
            self.null();
        }
    }

    /// Closes an array: `]`.
    pub fn end_array(&mut self) {
        self.out.push(']');
        self.comma = true;
    }

    /// Writes a string, escaped.
    pub fn string(&mut self, value: &str) {
        self.value();
        escape_into(&mut self.out, value);
    }

    /// Writes `true` or `false`.
    pub fn bool(&mut self, value: bool) {
        self.value();
        self.out.push_str(if value { "true" } else { "false" });
    }

    /// Writes an integer.
    pub fn i64(&mut self, value: i64) {
        self.value();
        // Writing to a String cannot fail.
        let _ = write!(self.out, "{value}");
    }

    /// Writes a non-negative integer.
    pub fn u64(&mut self, value: u64) {
        self.value();
        let _ = write!(self.out, "{value}");
    }

    /// Writes a number as its JSON text: `19` stays `19`, `0.25` stays `0.25`.
    pub fn number(&mut self, value: &Number) {
        self.value();
        // A `Number` is finite, so its text is a JSON number.
        let _ = write!(self.out, "{value}");
    }

    /// Writes `null`.
    pub fn null(&mut self) {
        self.value();
        self.out.push_str("null");
    }
}

/// Writes `text` as a JSON string: quoted, with `"`, `\` and the control characters escaped.
fn escape_into(out: &mut String, text: &str) {
    out.reserve(text.len() + 2);
    out.push('"');
    let mut run = 0;
    for (i, byte) in text.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x00..=0x1F => "",
            _ => continue,
        };
        out.push_str(&text[run..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{byte:04x}");
        } else {
            out.push_str(escape);
        }
        run = i + 1;
    }
    out.push_str(&text[run..]);
    out.push('"');
}

impl ToJson for str {
    fn to_json(&self, w: &mut JsonWriter) {
        w.string(self);
    }
}

impl ToJson for String {
    fn to_json(&self, w: &mut JsonWriter) {
        w.string(self);
    }
}

impl ToJson for bool {
    fn to_json(&self, w: &mut JsonWriter) {
        w.bool(*self);
    }
}

impl ToJson for i64 {
    fn to_json(&self, w: &mut JsonWriter) {
        w.i64(*self);
    }
}

impl ToJson for u64 {
    fn to_json(&self, w: &mut JsonWriter) {
        w.u64(*self);
    }
}

/// Its JSON text, as sent or parsed.
impl ToJson for Number {
    fn to_json(&self, w: &mut JsonWriter) {
        w.number(self);
    }
}

/// The secret value itself (a body is never printed: see `Request`'s `Debug`).
impl ToJson for Secret {
    fn to_json(&self, w: &mut JsonWriter) {
        w.string(self.expose());
    }
}

/// Written as it is: objects keep the map's order, `null` is written (as a field too: a
/// `Json::Null` is a value, not an absent one).
impl ToJson for Json {
    fn to_json(&self, w: &mut JsonWriter) {
        match self {
            Json::Null => w.null(),
            Json::Bool(value) => w.bool(*value),
            Json::Number(value) => w.number(value),
            Json::String(value) => w.string(value),
            Json::Array(items) => items.to_json(w),
            Json::Object(entries) => {
                w.begin_object();
                for (name, value) in entries {
                    w.entry(name, value);
                }
                w.end_object();
            }
        }
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn to_json(&self, w: &mut JsonWriter) {
        (**self).to_json(w);
    }

    fn is_absent(&self) -> bool {
        (**self).is_absent()
    }
}

impl<T: ToJson + ?Sized> ToJson for Box<T> {
    fn to_json(&self, w: &mut JsonWriter) {
        (**self).to_json(w);
    }

    fn is_absent(&self) -> bool {
        (**self).is_absent()
    }
}

/// `None` is absent as a field (not sent) and `null` where it must be written (an array item,
/// a map value). So `Option<Option<T>>` leaves a field out with `None` and sends `null` with
/// `Some(None)`.
impl<T: ToJson> ToJson for Option<T> {
    fn to_json(&self, w: &mut JsonWriter) {
        match self {
            Some(value) => value.to_json(w),
            None => w.null(),
        }
    }

    fn is_absent(&self) -> bool {
        self.is_none()
    }
}

impl<T: ToJson> ToJson for [T] {
    fn to_json(&self, w: &mut JsonWriter) {
        w.begin_array();
        for value in self {
            w.item(value);
        }
        w.end_array();
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self, w: &mut JsonWriter) {
        self.as_slice().to_json(w);
    }
}

/// An object of the map's entries in key order; an absent value (`None`) is `null`, which is
/// how v2 removes a `metadata` key.
impl<T: ToJson> ToJson for BTreeMap<String, T> {
    fn to_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        for (name, value) in self {
            w.entry(name, value);
        }
        w.end_object();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::from_json;
    use serde_json::json;

    struct Address {
        line1: String,
        city: Option<String>,
    }

    impl ToJson for Address {
        fn to_json(&self, w: &mut JsonWriter) {
            w.begin_object();
            w.field("line1", &self.line1);
            w.field("city", &self.city);
            w.end_object();
        }
    }

    struct Update {
        name: Option<String>,
        description: Option<Option<String>>,
        addresses: Vec<Address>,
        metadata: Option<BTreeMap<String, Option<String>>>,
        include: Vec<String>,
        count: i64,
        enabled: bool,
        boxed: Option<Box<Address>>,
        raw: Json,
    }

    impl ToJson for Update {
        fn to_json(&self, w: &mut JsonWriter) {
            w.begin_object();
            w.field("name", &self.name);
            w.field("description", &self.description);
            w.field("addresses", &self.addresses);
            w.field("metadata", &self.metadata);
            w.field("include", &self.include);
            w.field("count", &self.count);
            w.field("enabled", &self.enabled);
            w.field("boxed", &self.boxed);
            w.field("raw", &self.raw);
            w.end_object();
        }
    }

    #[test]
    fn fields_in_call_order_absent_ones_left_out() {
        let update = Update {
            name: None,
            description: Some(None),
            addresses: vec![
                Address {
                    line1: "1 Main St".into(),
                    city: None,
                },
                Address {
                    line1: "2".into(),
                    city: Some("Paris".into()),
                },
            ],
            metadata: Some(
                [
                    ("remove".to_owned(), None),
                    ("set".to_owned(), Some("v".to_owned())),
                ]
                .into(),
            ),
            include: vec![],
            count: -3,
            enabled: false,
            boxed: Some(Box::new(Address {
                line1: "b".into(),
                city: None,
            })),
            raw: json!({"z": [1, 2.5, null], "a": "x"}),
        };
        let text = JsonWriter::encode(&update);
        assert_eq!(
            text,
            r#"{"description":null,"addresses":[{"line1":"1 Main St"},{"line1":"2","city":"Paris"}],"metadata":{"remove":null,"set":"v"},"include":[],"count":-3,"enabled":false,"boxed":{"line1":"b"},"raw":{"a":"x","z":[1,2.5,null]}}"#
        );
        // The text is JSON, and serde_json reads the same value.
        let back: Json = from_json(&text).unwrap();
        assert_eq!(back, serde_json::from_str::<Json>(&text).unwrap());
        assert_eq!(back["metadata"]["remove"], Json::Null);
        assert!(back.get("name").is_none());
    }

    #[test]
    fn strings_are_escaped_as_rfc_8259_says() {
        let all_controls: String = (0u8..0x20).map(char::from).collect();
        let text = format!("a\"b\\c/é€😀\u{7f}\u{2028}{all_controls}");
        let encoded = JsonWriter::encode(&text);
        assert!(encoded.starts_with(r#""a\"b\\c/é€😀"#), "{encoded}");
        assert!(encoded.contains("\\u0000\\u0001"), "{encoded}");
        assert!(encoded.ends_with("\\u001e\\u001f\""), "{encoded}");
        assert!(!encoded.bytes().any(|b| b < 0x20), "{encoded}");
        let back: String = serde_json::from_str(&encoded).unwrap();
        assert_eq!(back, text);
        // Keys too.
        let map: BTreeMap<String, i64> = [("k\n\"".to_owned(), 1)].into();
        assert_eq!(JsonWriter::encode(&map), r#"{"k\u000a\"":1}"#);
    }

    #[test]
    fn scalars_and_options_as_values() {
        assert_eq!(JsonWriter::encode("x"), r#""x""#);
        assert_eq!(JsonWriter::encode(&true), "true");
        assert_eq!(JsonWriter::encode(&i64::MIN), "-9223372036854775808");
        assert_eq!(JsonWriter::encode(&u64::MAX), "18446744073709551615");
        let number: Number = serde_json::from_str("0.25").unwrap();
        assert_eq!(JsonWriter::encode(&number), "0.25");
        assert_eq!(JsonWriter::encode(&Number::from(19)), "19");
        assert_eq!(JsonWriter::encode(&Secret::new("sk")), r#""sk""#);
        assert_eq!(JsonWriter::encode(&None::<String>), "null");
        assert_eq!(
            JsonWriter::encode(&vec![Some(1i64), None, Some(3)]),
            "[1,null,3]"
        );
        assert_eq!(
            JsonWriter::encode(&vec![vec![1i64], vec![], vec![2, 3]]),
            "[[1],[],[2,3]]"
        );
        assert_eq!(JsonWriter::encode(&Some(None::<i64>)), "null");
        assert_eq!(JsonWriter::encode(&json!(null)), "null");
        let nested: BTreeMap<String, BTreeMap<String, Vec<i64>>> =
            [("a".to_owned(), [("b".to_owned(), vec![1])].into())].into();
        assert_eq!(JsonWriter::encode(&nested), r#"{"a":{"b":[1]}}"#);
        assert_eq!(JsonWriter::encode(&&&"ref"), r#""ref""#);
        // References and boxes are absent when what they point at is.
        assert!(ToJson::is_absent(&&None::<i64>));
        assert!(Box::new(None::<i64>).is_absent());
        assert!(!Some(None::<i64>).is_absent());
    }

    /// A field or item whose impl writes nothing still leaves JSON behind.
    #[test]
    fn a_value_that_writes_nothing_is_null() {
        struct Nothing;
        impl ToJson for Nothing {
            fn to_json(&self, _: &mut JsonWriter) {}
        }
        let mut w = JsonWriter::new();
        w.begin_object();
        w.field("a", &Nothing);
        w.field("b", &1i64);
        w.end_object();
        assert_eq!(w.finish(), r#"{"a":null,"b":1}"#);
        assert_eq!(JsonWriter::encode(&vec![Nothing, Nothing]), "[null,null]");
    }

    /// Random nested values written and read back are the same value.
    #[test]
    fn random_documents_round_trip_through_serde_json() {
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        fn value(next: &mut dyn FnMut(u64) -> u64, depth: u32) -> Json {
            let text = |next: &mut dyn FnMut(u64) -> u64| -> String {
                (0..next(6))
                    .map(|_| {
                        char::from_u32(match next(4) {
                            0 => next(0x20) as u32,
                            1 => 0x20 + next(0x60) as u32,
                            2 => 0xA0 + next(0x700) as u32,
                            _ => 0x1F600 + next(0x40) as u32,
                        })
                        .unwrap_or('?')
                    })
                    .collect()
            };
            match if depth > 3 { next(4) } else { next(6) } {
                0 => Json::Null,
                1 => Json::Bool(next(2) == 1),
                2 => json!(next(u64::MAX) as i64),
                3 => Json::String(text(next)),
                4 => Json::Array((0..next(4)).map(|_| value(next, depth + 1)).collect()),
                _ => Json::Object(
                    (0..next(4))
                        .map(|_| (text(next), value(next, depth + 1)))
                        .collect(),
                ),
            }
        }
        for _ in 0..2_000 {
            let original = value(&mut next, 0);
            let text = JsonWriter::encode(&original);
            let back: Json = serde_json::from_str(&text).unwrap();
            assert_eq!(back, original, "{text}");
            assert!(!text.bytes().any(|b| b < 0x20), "{text}");
        }
    }
}
