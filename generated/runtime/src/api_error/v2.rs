//! v2's error object.

use std::fmt;

use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Deserializer, Serialize};

use crate::json::{deserialize_via_json, Decode, DecodeError, Reader};
use crate::v2::ErrorCode;
use crate::{Extra, WireEnum};

/// The error object of a failed v2 response, the `error` of its body:
/// `{"error": {"type": ..., "code": ..., "message": ...}}`.
///
/// The spec describes one schema per `code` (`v2.error.not_found`, ...); some codes add fields
/// of their own (`invalid_permutation`, `age_limit`, ...), which are kept in `extra` exactly as
/// sent. A client returns it as [`ErrorKind::ApiV2`](crate::ErrorKind::ApiV2) for a non-2xx
/// response to a `/v2/` path ([`Error::v2_api_error`](crate::Error::v2_api_error)).
///
/// Like stripe-go's `V2RawError` and stripe-node's `StripeError`, every `error` object is
/// read, even one missing what the spec calls for: an absent `code` is an empty
/// [`ErrorCode::Unknown`], an absent `message` is empty. (Both libraries choose their error
/// class by `type`, such as `temporary_session_expired` or `rate_limit`; here `type_` is that
/// string and [`code`](Self::code) the typed code.)
///
/// `Debug` shows the keys of `extra`, not their values.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// What went wrong, such as `not_found`.
    pub code: ErrorCode,
    /// The class of the error, such as `invalid_request_error` or `temporary_session_expired`,
    /// when Stripe sends one.
    pub type_: Option<String>,
    /// A human-readable message for developers.
    pub message: String,
    /// A message that can be shown to the end user, when there is one.
    pub user_message: Option<String>,
    /// A link to Stripe's documentation of the error.
    pub doc_url: Option<String>,
    /// The fields the code adds, and any this crate does not know, kept as sent.
    pub extra: Extra,
}

impl ApiError {
    /// An error with `code` and `message` and nothing else.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            type_: None,
            message: message.into(),
            user_message: None,
            doc_url: None,
            extra: Extra::new(),
        }
    }
}

/// The error object itself (the value of the body's `error` key). `null` counts as absent;
/// a known key of the wrong type fails.
impl Decode for ApiError {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let (mut code, mut type_, mut message) = (None, None, None);
        let mut e = ApiError::new(ErrorCode::unknown(""), String::new());
        r.object(&mut |r, key| match key {
            "code" => r.set_nullable(&mut code),
            "type" => r.set_nullable(&mut type_),
            "message" => r.set_nullable(&mut message),
            "user_message" => r.set_nullable(&mut e.user_message),
            "doc_url" => r.set_nullable(&mut e.doc_url),
            _ => e.extra.read(key, r),
        })?;
        if let Some(code) = code {
            e.code = code;
        }
        e.type_ = type_;
        e.message = message.unwrap_or_default();
        Ok(e)
    }
}

impl<'de> Deserialize<'de> for ApiError {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_via_json(deserializer)
    }
}

/// `type` when set, `code`, `message`, the other fields when set, then `extra`.
impl Serialize for ApiError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(type_) = &self.type_ {
            map.serialize_entry("type", type_)?;
        }
        map.serialize_entry("code", self.code.as_str())?;
        map.serialize_entry("message", &self.message)?;
        if let Some(user_message) = &self.user_message {
            map.serialize_entry("user_message", user_message)?;
        }
        if let Some(doc_url) = &self.doc_url {
            map.serialize_entry("doc_url", doc_url)?;
        }
        self.extra.end(map)
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("code", &self.code)
            .field("type_", &self.type_)
            .field("message", &self.message)
            .field("user_message", &self.user_message)
            .field("doc_url", &self.doc_url)
            .field("extra", &self.extra)
            .finish()
    }
}

/// Formats as `type/code: message`, leaving out what Stripe did not send.
impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = self.code.as_str();
        match (&self.type_, code.is_empty()) {
            (Some(type_), false) => write!(f, "{type_}/{code}")?,
            (Some(type_), true) => f.write_str(type_)?,
            (None, false) => f.write_str(code)?,
            (None, true) => f.write_str("an error without a code")?,
        }
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        Ok(())
    }
}

/// v2's error object from the body of a failed response (`{"error": {...}}`); `None` when the
/// body is not one JSON object with an `error` object that decodes.
#[cfg(feature = "client")]
pub(crate) fn api_error_of(body: &[u8]) -> Option<ApiError> {
    let mut error = None;
    crate::api_error::read_error_object(body, &mut |r| r.set(&mut error)).then_some(error)?
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::from_json;
    use crate::WireEnum;
    use serde_json::json;

    #[test]
    fn error_objects_keep_what_a_code_adds() {
        let text = r#"{"type": "invalid_request_error", "code": "invalid_permutation",
            "message": "Bad.", "user_message": "Try again.", "doc_url": "https://docs.stripe.com/x",
            "invalid_param": {"name": "a", "reason": "b"}, "age_limit": 18}"#;
        let e: ApiError = from_json(text).unwrap();
        assert_eq!(e.code, ErrorCode::Unknown("invalid_permutation".to_owned()));
        assert_eq!(e.type_.as_deref(), Some("invalid_request_error"));
        assert_eq!(
            (e.message.as_str(), e.user_message.as_deref()),
            ("Bad.", Some("Try again."))
        );
        assert_eq!(e.doc_url.as_deref(), Some("https://docs.stripe.com/x"));
        assert_eq!(e.extra.get_raw("age_limit"), Some("18"));
        assert_eq!(
            e.extra.get_raw("invalid_param"),
            Some(r#"{"name": "a", "reason": "b"}"#)
        );
        assert_eq!(
            e.to_string(),
            "invalid_request_error/invalid_permutation: Bad."
        );
        let debug = format!("{e:?}");
        assert!(
            debug.contains(r#"extra: {"invalid_param", "age_limit"}"#),
            "{debug}"
        );
        assert!(!debug.contains("reason"), "{debug}");
        // serde both ways, extra included.
        let written = serde_json::to_value(&e).unwrap();
        assert_eq!(written, serde_json::from_str::<crate::Json>(text).unwrap());
        let back: ApiError = serde_json::from_value(written).unwrap();
        assert_eq!(back, e);
    }

    #[test]
    fn known_codes_and_missing_fields() {
        let e: ApiError =
            from_json(r#"{"code": "not_found", "message": "No such account."}"#).unwrap();
        assert_eq!(
            (e.code.clone(), e.type_.clone()),
            (ErrorCode::from_wire("not_found"), None)
        );
        assert_eq!(e.to_string(), "not_found: No such account.");
        let empty: ApiError = from_json(r#"{"code": null, "message": null}"#).unwrap();
        assert_eq!(empty.code, ErrorCode::Unknown(String::new()));
        assert_eq!(empty.message, "");
        assert_eq!(empty.to_string(), "an error without a code");
        let typed: ApiError = from_json(r#"{"type": "rate_limit"}"#).unwrap();
        assert_eq!(typed.to_string(), "rate_limit");
        for bad in [r#"{"code": 3}"#, r#"{"message": []}"#, "[]", r#""x""#] {
            assert!(from_json::<ApiError>(bad).is_err(), "{bad}");
        }
        let made = ApiError::new(ErrorCode::from_wire("idempotency_error"), "Keys differ.");
        assert_eq!(
            serde_json::to_value(&made).unwrap(),
            json!({"code": "idempotency_error", "message": "Keys differ."})
        );
    }

    #[cfg(feature = "client")]
    #[test]
    fn bodies_are_read_from_their_error_key() {
        let body = br#"{"error": {"type": "temporary_session_expired",
            "code": "billing_meter_event_session_expired", "message": "Expired."}, "x": 1}"#;
        let e = api_error_of(body).unwrap();
        assert_eq!(
            e.code,
            ErrorCode::from_wire("billing_meter_event_session_expired")
        );
        for refused in [
            &b"{}"[..],
            b"[]",
            b"{\"error\": 1}",
            b"{\"error\": {\"code\": 1}}",
            b"{\"error\": {}} x",
            b"\xff",
            b"",
        ] {
            assert!(api_error_of(refused).is_none(), "{refused:?}");
        }
        assert!(api_error_of(br#"{"error": {}}"#).is_some());
    }
}
