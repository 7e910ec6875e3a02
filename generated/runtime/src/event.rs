//! Runtime support for generated webhook events (`resources::event`): keeping an event's object
//! as sent when it does not decode as the type its event type names.

use super::json::{from_json, Decode, DecodeError, Reader};
use super::Json;

/// An event's `data.object` that did not decode as the type its event type names (an event
/// rendered for another API version, say), kept as sent, with the reason.
///
/// It encodes back to the exact text it came as (with serde_json); the error is not part of
/// the JSON.
#[derive(Clone, Debug, PartialEq)]
pub struct UndecodedObject {
    text: Box<str>,
    object: Option<Json>,
    error: String,
}

impl UndecodedObject {
    /// The object, as sent; `None` when [`Json`] cannot hold it (a number beyond `f64`, such
    /// as `1e400`: [`text`](Self::text) has it).
    pub fn object(&self) -> Option<&Json> {
        self.object.as_ref()
    }

    /// The object, as sent, by value (`None` as for [`object`](Self::object)).
    pub fn into_object(self) -> Option<Json> {
        self.object
    }

    /// The object's JSON text, exactly as sent.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Why it did not decode: the message, with the JSON path it stopped at.
    pub fn error(&self) -> &str {
        &self.error
    }
}

impl serde::Serialize for UndecodedObject {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        crate::extra::Raw(&self.text).serialize(serializer)
    }
}

/// Decodes the object ahead as `T`, or, when it does not fit, keeps its text (and its value,
/// when [`Json`] can hold it) with the error: only then is its text read twice. Fails only
/// when the text is not JSON.
// Only the generated `resources::event` calls it.
pub fn decode_object<T: Decode>(
    r: &mut Reader<'_>,
) -> Result<Result<T, UndecodedObject>, DecodeError> {
    match r.decode_or_raw::<T>() {
        Ok(Ok(typed)) => Ok(Ok(typed)),
        Ok(Err((text, e))) => Ok(Err(UndecodedObject {
            text: text.into(),
            object: from_json::<Json>(text).ok(),
            error: e.to_string(),
        })),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    type Kept = Result<BTreeMap<String, i64>, UndecodedObject>;

    /// The reason an object was kept is located in the object's own text, like its path, so
    /// the same object reads the same wherever it sits: written back into a document laid out
    /// otherwise (keys repeated in the original, other spacing), it decodes to what it was.
    #[test]
    fn a_kept_object_reads_the_same_wherever_it_sits() {
        let alone: Kept = decode_object(&mut Reader::new(r#"{"a": true}"#)).unwrap();
        let mut inside = None;
        Reader::new(r#"[ 1,  {"a": true}]"#)
            .array(&mut |r| {
                if r.try_decode::<i64>().is_none() {
                    inside = Some(decode_object::<BTreeMap<String, i64>>(r)?);
                }
                Ok(())
            })
            .unwrap();
        let (Err(alone), Some(Err(inside))) = (alone, inside) else {
            panic!("decoded");
        };
        assert_eq!(alone, inside);
        assert_eq!(alone.text(), r#"{"a": true}"#);
        assert!(
            alone.error().contains("line 1 column 6"),
            "{}",
            alone.error()
        );
        assert!(alone.error().contains("(at `a`)"), "{}", alone.error());
    }
}
