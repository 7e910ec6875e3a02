//! v1's error object (`{"error": {"type": ..., "code": ..., "message": ...}}`).

use std::fmt;

use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[cfg(feature = "client")]
use crate::api_error::read_error_object;
use crate::json::{Decode, DecodeError, Reader};
use crate::redact::ObjectById;
use crate::{Json, WireEnum};

/// The kind of a Stripe API error (the `type` of Stripe's error object).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiErrorType {
    /// `api_error`: a problem on Stripe's side.
    ApiError,
    /// `card_error`: the card cannot be charged.
    CardError,
    /// `idempotency_error`: an `Idempotency-Key` was reused with different parameters.
    IdempotencyError,
    /// `invalid_request_error`: the request has invalid parameters.
    InvalidRequestError,
    /// A type this crate does not know, kept as sent.
    Unknown(String),
}

impl WireEnum for ApiErrorType {
    const KNOWN: &'static [Self] = &[
        Self::ApiError,
        Self::CardError,
        Self::IdempotencyError,
        Self::InvalidRequestError,
    ];

    fn as_str(&self) -> &str {
        match self {
            Self::ApiError => "api_error",
            Self::CardError => "card_error",
            Self::IdempotencyError => "idempotency_error",
            Self::InvalidRequestError => "invalid_request_error",
            Self::Unknown(s) => s,
        }
    }

    fn unknown(wire: &str) -> Self {
        Self::Unknown(wire.to_owned())
    }
}
crate::impl_wire_enum!(@core ApiErrorType);
crate::impl_wire_enum!(@serde ApiErrorType);

/// Stripe's error object, the `error` in the body of every failed response.
///
/// Unknown fields are ignored. The objects a card error may carry (`payment_intent`,
/// `payment_method`, `setup_intent`, `source`) are kept as JSON; `Debug` prints only their ids,
/// because a PaymentIntent or SetupIntent includes its `client_secret`.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// The kind of error.
    pub type_: ApiErrorType,
    /// A short machine-readable code, such as `resource_missing`.
    pub code: Option<String>,
    /// For card errors from a decline, the issuer's reason, such as `insufficient_funds`.
    pub decline_code: Option<String>,
    /// A human-readable message.
    pub message: Option<String>,
    /// The parameter the error relates to, such as `permissions`.
    pub param: Option<String>,
    /// A link to Stripe's documentation of the error code.
    pub doc_url: Option<String>,
    /// A link to this request in the Dashboard's logs.
    pub request_log_url: Option<String>,
    /// For card errors, the id of the failed charge.
    pub charge: Option<String>,
    /// For card errors, the type of the payment method involved.
    pub payment_method_type: Option<String>,
    /// The PaymentIntent involved, as JSON.
    pub payment_intent: Option<Json>,
    /// The PaymentMethod involved, as JSON.
    pub payment_method: Option<Json>,
    /// The SetupIntent involved, as JSON.
    pub setup_intent: Option<Json>,
    /// The source involved, as JSON.
    pub source: Option<Json>,
}

impl ApiError {
    /// An error of the given type with no other details.
    pub fn new(type_: ApiErrorType) -> Self {
        ApiError {
            type_,
            code: None,
            decline_code: None,
            message: None,
            param: None,
            doc_url: None,
            request_log_url: None,
            charge: None,
            payment_method_type: None,
            payment_intent: None,
            payment_method: None,
            setup_intent: None,
            source: None,
        }
    }
}

/// An error object on its own (`{"type": ..., "code": ...}`): `type` is required, unknown
/// fields are skipped.
impl Decode for ApiError {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let mut type_ = None;
        let mut e = ApiError::new(ApiErrorType::ApiError);
        r.object(&mut |r, key| {
            let text = match key {
                "type" => return r.set(&mut type_),
                "code" => &mut e.code,
                "decline_code" => &mut e.decline_code,
                "message" => &mut e.message,
                "param" => &mut e.param,
                "doc_url" => &mut e.doc_url,
                "request_log_url" => &mut e.request_log_url,
                "charge" => &mut e.charge,
                "payment_method_type" => &mut e.payment_method_type,
                "payment_intent" => return r.set_nullable(&mut e.payment_intent),
                "payment_method" => return r.set_nullable(&mut e.payment_method),
                "setup_intent" => return r.set_nullable(&mut e.setup_intent),
                "source" => return r.set_nullable(&mut e.source),
                _ => return r.raw().map(drop),
            };
            r.set_nullable(text)
        })?;
        e.type_ = r.required(type_, "type")?;
        Ok(e)
    }
}

// Written out rather than derived: the derived visitors were a third of the runtime's
// compiled code in a build with no resource.
impl<'de> Deserialize<'de> for ApiError {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::json::deserialize_via_json(deserializer)
    }
}

/// `type`, then the fields that are set, in declaration order.
impl Serialize for ApiError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("type", &self.type_)?;
        let texts = [
            ("code", &self.code),
            ("decline_code", &self.decline_code),
            ("message", &self.message),
            ("param", &self.param),
            ("doc_url", &self.doc_url),
            ("request_log_url", &self.request_log_url),
            ("charge", &self.charge),
            ("payment_method_type", &self.payment_method_type),
        ];
        for (key, value) in texts {
            if let Some(value) = value {
                map.serialize_entry(key, value)?;
            }
        }
        let objects = [
            ("payment_intent", &self.payment_intent),
            ("payment_method", &self.payment_method),
            ("setup_intent", &self.setup_intent),
            ("source", &self.source),
        ];
        for (key, value) in objects {
            if let Some(value) = value {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

/// Stripe's error object from the body of a failed response (`{"error": {...}}`); `None` when
/// the body is not one. Unknown fields are skipped.
#[cfg(feature = "client")]
pub(crate) fn api_error_of(body: &[u8]) -> Option<ApiError> {
    let mut error = None;
    read_error_object(body, &mut |r| r.set(&mut error)).then_some(error)?
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("type_", &self.type_)
            .field("code", &self.code)
            .field("decline_code", &self.decline_code)
            .field("message", &self.message)
            .field("param", &self.param)
            .field("doc_url", &self.doc_url)
            .field("request_log_url", &self.request_log_url)
            .field("charge", &self.charge)
            .field("payment_method_type", &self.payment_method_type)
            .field("payment_intent", &ObjectById(&self.payment_intent))
            .field("payment_method", &ObjectById(&self.payment_method))
            .field("setup_intent", &ObjectById(&self.setup_intent))
            .field("source", &ObjectById(&self.source))
            .finish()
    }
}

/// Formats as `card_error/card_declined (decline_code: insufficient_funds, param: x): message`,
/// leaving out what Stripe did not send.
impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.type_.as_str())?;
        if let Some(code) = &self.code {
            write!(f, "/{code}")?;
        }
        // Written piece by piece: no `Vec` and no `join` (its generic copy loop alone was 4%
        // of the runtime's compiled code).
        let mut open = false;
        for (name, value) in [
            ("decline_code", &self.decline_code),
            ("param", &self.param),
            ("charge", &self.charge),
        ] {
            if let Some(value) = value {
                f.write_str(if open { ", " } else { " (" })?;
                write!(f, "{name}: {value}")?;
                open = true;
            }
        }
        if open {
            f.write_str(")")?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(feature = "client")]
    use crate::api_error::error_code_of;
    use crate::from_json;

    #[test]
    fn api_error_reads_and_writes_stripe_error_objects() {
        let text = r#"{"type": "card_error", "code": "card_declined", "decline_code": null,
            "new_field": [1, {"x": 2}], "message": "Declined.",
            "payment_intent": {"id": "pi_1", "amount": 19}}"#;
        let e: ApiError = from_json(text).unwrap();
        assert_eq!(e.type_, ApiErrorType::CardError);
        assert_eq!(e.code.as_deref(), Some("card_declined"));
        assert_eq!(e.decline_code, None);
        assert_eq!(e.message.as_deref(), Some("Declined."));
        assert_eq!(e.payment_intent.as_ref().unwrap()["amount"], 19);

        // serde both ways: `type` first, then what is set, in declaration order; unknown
        // fields are not kept (the documented contract of `ApiError`).
        let written = serde_json::to_string(&e).unwrap();
        assert_eq!(
            written,
            r#"{"type":"card_error","code":"card_declined","message":"Declined.","payment_intent":{"amount":19,"id":"pi_1"}}"#
        );
        let back: ApiError = serde_json::from_str(&written).unwrap();
        assert_eq!(back, e);
        let from_value: ApiError = serde_json::from_value(serde_json::json!({
            "type": "api_error", "source": {"id": "src_1"}
        }))
        .unwrap();
        assert_eq!(from_value.type_, ApiErrorType::ApiError);
        assert_eq!(from_value.source.unwrap()["id"], "src_1");

        // `type` is required and must be a string; other fields must have their types.
        let missing = from_json::<ApiError>(r#"{"code": "x"}"#).unwrap_err();
        assert!(
            missing.to_string().contains("missing field `type`"),
            "{missing}"
        );
        assert!(from_json::<ApiError>(r#"{"type": null}"#).is_err());
        let wrong = from_json::<ApiError>(r#"{"type": "api_error", "code": 3}"#).unwrap_err();
        assert_eq!(wrong.path(), "code");
        assert!(serde_json::from_str::<ApiError>(r#"{"code": "x"}"#).is_err());
    }

    #[test]
    #[cfg(feature = "client")]
    fn error_bodies_are_read_from_the_error_object() {
        let body = br#"{"error": {"type": "invalid_request_error", "code": "lock_timeout",
            "param": "amount", "extra": {"deep": [null]}}, "other": 1}"#;
        let e = api_error_of(body).unwrap();
        assert_eq!(e.type_, ApiErrorType::InvalidRequestError);
        assert_eq!(e.param.as_deref(), Some("amount"));
        assert_eq!(error_code_of(body).as_deref(), Some("lock_timeout"));
        // No `type`: not an error object, though its code is still read for the retry rule.
        let untyped = br#"{"error": {"code": "lock_timeout"}}"#;
        assert!(api_error_of(untyped).is_none());
        assert_eq!(error_code_of(untyped).as_deref(), Some("lock_timeout"));
        for refused in [
            &b"{}"[..],
            b"[]",
            b"{\"error\": 1}",
            b"{\"error\": {\"type\": \"api_error\"}} x",
        ] {
            assert!(api_error_of(refused).is_none(), "{refused:?}");
        }
        // An `error` sent twice counts with its last value, as every key does.
        let twice = br#"{"error": {"type": "api_error", "code": "a"}, "error": {"type":
            "card_error", "code": "b"}}"#;
        assert_eq!(api_error_of(twice).unwrap().type_, ApiErrorType::CardError);
        assert_eq!(error_code_of(twice).as_deref(), Some("b"));
        let last_not_an_error = br#"{"error": {"type": "api_error"}, "error": 1}"#;
        assert!(api_error_of(last_not_an_error).is_none());
    }
}
