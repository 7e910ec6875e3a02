//! Runtime support for generated webhook events (`resources::event`): keeping an event's object
//! as sent when it does not decode as the type its event type names.

use super::json::{Decode, DecodeError, Reader};
use super::Json;

/// An event's `data.object` that did not decode as the type its event type names (an event
/// rendered for another API version, say), kept as sent, with the reason.
///
/// It encodes back to the object unchanged; the error is not part of the JSON.
#[derive(Clone, Debug, PartialEq)]
pub struct UndecodedObject {
    object: Json,
    error: String,
}

impl UndecodedObject {
    /// The object, as sent.
    pub fn object(&self) -> &Json {
        &self.object
    }

    /// The object, as sent, by value.
    pub fn into_object(self) -> Json {
        self.object
    }

    /// Why it did not decode: the message, with the JSON path it stopped at.
    pub fn error(&self) -> &str {
        &self.error
    }
}

impl serde::Serialize for UndecodedObject {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.object.serialize(serializer)
    }
}

/// Decodes the object ahead as `T`, or, when it does not fit, reads it again as JSON and keeps
/// it with the error (only then is its text read twice). Fails only when the text is not JSON.
// Only the generated `resources::event` calls it.
pub fn decode_object<T: Decode>(
    r: &mut Reader<'_>,
) -> Result<Result<T, UndecodedObject>, DecodeError> {
    match r.decode_or_json::<T>() {
        Ok(Ok(typed)) => Ok(Ok(typed)),
        Ok(Err((object, e))) => Ok(Err(UndecodedObject {
            object,
            error: e.to_string(),
        })),
        Err(e) => Err(e),
    }
}
