//! Decoding responses: a small JSON reader that each generated type's [`Decode`] impl drives.
//!
//! Why not serde's `Deserialize` for this: a `Deserialize` impl is generic over the
//! deserializer, so the decoder of every response type was compiled once per deserializer it
//! met (serde_json's, `serde_path_to_error`'s to locate failures, `&Value`'s for event objects,
//! serde's buffer for untagged unions), and that was half of this crate's build. A [`Decode`]
//! impl is one plain function, compiled once. Failures collect their JSON path as they return
//! (nothing is tracked while decoding succeeds), and unknown fields are kept as the text they
//! were sent as, which costs a scan rather than building a `Value`.
//!
//! The generated types still implement `Deserialize`, through [`Json`]: they work with any
//! serde format, only more slowly than [`from_json`].

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{Deserialize, Deserializer};

use super::{Json, Number};

/// Objects and arrays may nest this deep, exactly serde_json's limit (127 levels; its counter
/// starts at 128 and fails on reaching 0): deeper input is refused rather than risking the
/// stack, and a document one reader takes the other takes too.
pub const MAX_DEPTH: u32 = 127;

/// A type that decodes itself from JSON text with a [`Reader`]. Every generated response type,
/// id and enum implements it, as do the runtime's shapes ([`List`](super::List),
/// [`Expandable`](super::Expandable), ...), [`Json`] and the primitives they hold.
pub trait Decode: Sized {
    /// Reads one JSON value.
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError>;
}

/// Decodes `text`, which must hold exactly one JSON value, as `T`.
///
/// This is what the clients do with a response body; use it to read a stored response.
pub fn from_json<T: Decode>(text: &str) -> Result<T, DecodeError> {
    let mut slot = None;
    let mut r = Reader::new(text);
    match r.document(&mut |r| r.set(&mut slot)) {
        Ok(()) => match slot {
            Some(value) => Ok(value),
            None => Err(r.error("no value").located_in(text)),
        },
        Err(e) => Err(e),
    }
}

/// The `Deserialize` impl of every generated type (the generated crate's `serde` feature): the
/// value's JSON text, as serde_json hands it over (`RawValue`: its extent is found, no tree is
/// built), decoded once by the type's [`Decode`]. So serde and [`from_json`] cannot disagree,
/// and nothing is compiled per type but this call. It works with serde_json (text or
/// `Value`); other formats are refused with an error that says so.
pub fn deserialize_via_json<'de, D: Deserializer<'de>, T: Decode>(
    deserializer: D,
) -> Result<T, D::Error> {
    let raw = match <Box<serde_json::value::RawValue>>::deserialize(deserializer) {
        Ok(raw) => raw,
        Err(e) => {
            return Err(serde::de::Error::custom(format_args!(
                "stripe-typed types deserialize from JSON (serde_json) only: {e}"
            )))
        }
    };
    from_json(raw.get()).map_err(serde::de::Error::custom)
}

/// Why a JSON text did not decode, and where: the JSON path (`data[1].amount`) and the line
/// and column (from [`from_json`]; an error straight from a [`Reader`] has the byte offset).
// Boxed: every decoder returns `Result<_, DecodeError>`, and a one-pointer error keeps those
// results small on the path where nothing fails.
#[derive(Clone, PartialEq, Eq)]
pub struct DecodeError(Box<Failure>);

#[derive(Clone, PartialEq, Eq)]
struct Failure {
    /// Innermost first: the path is collected while the error returns.
    path: Vec<Segment>,
    message: String,
    /// Byte offset in the text.
    offset: usize,
    /// Line and column, worked out only for an error that reaches [`from_json`]: untagged
    /// unions and `Clearable` discard the errors of the shapes they try, and counting lines
    /// for each would scan the text from its start every time.
    at: Option<(usize, usize)>,
}

#[derive(Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
}

impl DecodeError {
    /// The JSON path of the value that failed, such as `data[1].amount`; `.` for the top level.
    /// A key that would not read as one segment (empty, or with `.`, `[`, `]`, a quote, a
    /// backslash or a control character) is written as a quoted index: `metadata["a.b"]`.
    pub fn path(&self) -> String {
        if self.0.path.is_empty() {
            return ".".to_owned();
        }
        let mut out = String::new();
        for segment in self.0.path.iter().rev() {
            match segment {
                Segment::Key(key) if !plain_key(key) => {
                    out.push('[');
                    out.push_str(&Json::String(key.clone()).to_string());
                    out.push(']');
                }
                Segment::Key(key) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                }
                Segment::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
            }
        }
        out
    }

    /// What was wrong, with the line and column where it was found.
    pub fn message(&self) -> String {
        match self.0.at {
            Some((line, column)) => format!("{} at line {line} column {column}", self.0.message),
            None => format!("{} at byte {}", self.0.message, self.0.offset),
        }
    }

    /// Works out the line and column in `text`, the text the error came from.
    fn located_in(mut self, text: &str) -> Self {
        let before = &text.as_bytes()[..self.0.offset.min(text.len())];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let column = before.len()
            - before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
        self.0.at = Some((line, column));
        self
    }

    fn within(mut self, segment: Segment) -> Self {
        self.0.path.push(segment);
        self
    }
}

/// Whether `key` reads as one segment of a path written `a.b[0].c`.
fn plain_key(key: &str) -> bool {
    !key.is_empty()
        && !key
            .chars()
            .any(|c| matches!(c, '.' | '[' | ']' | '"' | '\\') || c.is_control())
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at `{}`)", self.message(), self.path())
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for DecodeError {}

impl Decode for String {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.string()
    }
}

impl Decode for bool {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.bool()
    }
}

impl Decode for i64 {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.i64()
    }
}

impl Decode for u64 {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.u64()
    }
}

impl Decode for Number {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.number()
    }
}

impl Decode for Json {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.json()
    }
}

/// `null` is `None`.
impl<T: Decode> Decode for Option<T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match r.null() {
            Ok(true) => Ok(None),
            Ok(false) => match T::decode(r) {
                Ok(value) => Ok(Some(value)),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        }
    }
}

impl<T: Decode> Decode for Box<T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        match T::decode(r) {
            Ok(value) => Ok(Box::new(value)),
            Err(e) => Err(e),
        }
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let mut items = Vec::new();
        let read = r.array(&mut |r| match T::decode(r) {
            Ok(item) => {
                items.push(item);
                Ok(())
            }
            Err(e) => Err(e),
        });
        match read {
            Ok(()) => Ok(items),
            Err(e) => Err(e),
        }
    }
}

impl<T: Decode> Decode for BTreeMap<String, T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let mut map = BTreeMap::new();
        let read = r.object(&mut |r, key| match T::decode(r) {
            Ok(value) => {
                map.insert(key.to_owned(), value);
                Ok(())
            }
            Err(e) => Err(e),
        });
        match read {
            Ok(()) => Ok(map),
            Err(e) => Err(e),
        }
    }
}

mod reader;
#[cfg(test)]
mod tests;

pub use reader::Reader;
