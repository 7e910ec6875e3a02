//! Stripe's error objects, v1's ([`v1::ApiError`], `rt::ApiError`) and v2's
//! ([`v2::ApiError`], `rt::v2::ApiError`) side by side, and what reads both from a failed
//! response's body. Which one a response holds is told by the request's API (`api_mode.rs`).

pub(crate) mod v1;
pub(crate) mod v2;

#[cfg(feature = "client")]
use crate::json::{DecodeError, Reader};

/// The `error.code` of a Stripe error body, if it has one (read even when the rest of the
/// error object is not what [`api_error_of`] expects).
#[cfg(feature = "client")]
pub(crate) fn error_code_of(body: &[u8]) -> Option<String> {
    let mut code = None;
    let read = read_error_object(body, &mut |r| {
        r.object(&mut |r, key| match key {
            "code" => r.set_nullable(&mut code),
            _ => r.raw().map(drop),
        })
    });
    read.then_some(code)?
}

/// Runs `error` on the value of the `error` key of `body`: whether the body is one JSON object
/// with an `error` that `error` read without failing, all of it read. An `error` sent twice
/// counts with its last value, as every key the reader reads.
#[cfg(feature = "client")]
pub(crate) fn read_error_object(
    body: &[u8],
    error: &mut dyn FnMut(&mut Reader<'_>) -> Result<(), DecodeError>,
) -> bool {
    let Ok(text) = std::str::from_utf8(body) else {
        return false;
    };
    let mut r = Reader::new(text);
    let mut last = None;
    let read = r.object(&mut |r, key| {
        let raw = r.raw()?;
        if key == "error" {
            last = Some(raw);
        }
        Ok(())
    });
    match (read.is_ok() && r.finish().is_ok(), last) {
        (true, Some(raw)) => error(&mut Reader::new(raw)).is_ok(),
        _ => false,
    }
}
