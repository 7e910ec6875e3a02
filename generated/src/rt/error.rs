//! Errors: Stripe's error object, and everything that can go wrong while sending a request.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{Json, TransportError, WireEnum};

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
    fn as_str(&self) -> &str {
        match self {
            Self::ApiError => "api_error",
            Self::CardError => "card_error",
            Self::IdempotencyError => "idempotency_error",
            Self::InvalidRequestError => "invalid_request_error",
            Self::Unknown(s) => s,
        }
    }

    fn from_wire(s: &str) -> Self {
        match s {
            "api_error" => Self::ApiError,
            "card_error" => Self::CardError,
            "idempotency_error" => Self::IdempotencyError,
            "invalid_request_error" => Self::InvalidRequestError,
            _ => Self::Unknown(s.to_owned()),
        }
    }
}
super::impl_wire_enum!(ApiErrorType);

/// Stripe's error object, the `error` in the body of every failed response.
///
/// Unknown fields are ignored. The objects a card error may carry (`payment_intent`,
/// `payment_method`, `setup_intent`, `source`) are kept as JSON; `Debug` prints only their ids,
/// because a PaymentIntent or SetupIntent includes its `client_secret`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ApiError {
    /// The kind of error.
    #[serde(rename = "type")]
    pub type_: ApiErrorType,
    /// A short machine-readable code, such as `resource_missing`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// For card errors from a decline, the issuer's reason, such as `insufficient_funds`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decline_code: Option<String>,
    /// A human-readable message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The parameter the error relates to, such as `permissions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
    /// A link to Stripe's documentation of the error code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_url: Option<String>,
    /// A link to this request in the Dashboard's logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_log_url: Option<String>,
    /// For card errors, the id of the failed charge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charge: Option<String>,
    /// For card errors, the type of the payment method involved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_type: Option<String>,
    /// The PaymentIntent involved, as JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_intent: Option<Json>,
    /// The PaymentMethod involved, as JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<Json>,
    /// The SetupIntent involved, as JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setup_intent: Option<Json>,
    /// The source involved, as JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
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

/// Debug shows an embedded object only by its id, as `Object("pi_123")`.
struct ObjectById<'a>(&'a Option<Json>);

impl fmt::Debug for ObjectById<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            None => f.write_str("None"),
            Some(object) => match object.get("id").and_then(Json::as_str) {
                Some(id) => f.debug_tuple("Object").field(&id).finish(),
                None => f.write_str("Object(..)"),
            },
        }
    }
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
        let details: Vec<String> = [
            ("decline_code", &self.decline_code),
            ("param", &self.param),
            ("charge", &self.charge),
        ]
        .iter()
        .filter_map(|(name, value)| value.as_ref().map(|v| format!("{name}: {v}")))
        .collect();
        if !details.is_empty() {
            write!(f, " ({})", details.join(", "))?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        Ok(())
    }
}

/// Everything a call can fail with.
///
/// `Debug` and `Display` never include the secret key, and never a response body, which may
/// hold secrets such as a `client_secret`; the body is kept in the variants' fields.
#[derive(Clone)]
#[non_exhaustive]
pub enum Error {
    /// Stripe answered with a non-2xx status and its error object.
    Api {
        /// The HTTP status, such as 402.
        status: u16,
        /// The `Request-Id` header, which Stripe's support asks for.
        request_id: Option<String>,
        /// The error object.
        error: Box<ApiError>,
    },
    /// A non-2xx response whose body is not Stripe's error object (for example from a proxy).
    Http {
        /// The HTTP status.
        status: u16,
        /// The `Request-Id` header, if any.
        request_id: Option<String>,
        /// The response body, lossily decoded as UTF-8.
        body: String,
    },
    /// No response: the connection failed or broke.
    Transport(TransportError),
    /// No response within the timeout, on the last attempt.
    Timeout {
        /// The timeout of each attempt.
        after: Duration,
    },
    /// A 2xx response whose body does not match the expected type.
    Decode {
        /// Where in the JSON decoding failed, such as `accounts.data[0].balance`; `.` is the
        /// top level.
        path: String,
        /// What was wrong there.
        message: String,
        /// The HTTP status.
        status: u16,
        /// The `Request-Id` header, if any.
        request_id: Option<String>,
        /// The whole response body, lossily decoded as UTF-8.
        body: String,
    },
    /// A header value that cannot be sent, such as a `Stripe-Account` with a line break. The
    /// value itself is not kept, since it may be the secret key.
    InvalidHeader {
        /// The header's name.
        name: &'static str,
    },
    /// Paging cannot go on: a page says more objects follow but gives no way to ask for them.
    Pagination {
        /// What was missing, such as "the last object on the page has no id".
        reason: &'static str,
    },
}

impl Error {
    /// The HTTP status, for errors that come from a response.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. }
            | Error::Http { status, .. }
            | Error::Decode { status, .. } => Some(*status),
            Error::Transport(_)
            | Error::Timeout { .. }
            | Error::InvalidHeader { .. }
            | Error::Pagination { .. } => None,
        }
    }

    /// The `Request-Id` of the response, when there was one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api { request_id, .. }
            | Error::Http { request_id, .. }
            | Error::Decode { request_id, .. } => request_id.as_deref(),
            Error::Transport(_)
            | Error::Timeout { .. }
            | Error::InvalidHeader { .. }
            | Error::Pagination { .. } => None,
        }
    }

    /// Stripe's error object, for [`Error::Api`].
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api { error, .. } => Some(error),
            _ => None,
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api {
                status,
                request_id,
                error,
            } => f
                .debug_struct("Api")
                .field("status", status)
                .field("request_id", request_id)
                .field("error", error)
                .finish(),
            Error::Http {
                status,
                request_id,
                body,
            } => f
                .debug_struct("Http")
                .field("status", status)
                .field("request_id", request_id)
                .field("body", &format_args!("<{} bytes>", body.len()))
                .finish(),
            Error::Transport(e) => f.debug_tuple("Transport").field(e).finish(),
            Error::Timeout { after } => f.debug_struct("Timeout").field("after", after).finish(),
            Error::Decode {
                path,
                message,
                status,
                request_id,
                body,
            } => f
                .debug_struct("Decode")
                .field("path", path)
                .field("message", message)
                .field("status", status)
                .field("request_id", request_id)
                .field("body", &format_args!("<{} bytes>", body.len()))
                .finish(),
            Error::InvalidHeader { name } => {
                f.debug_struct("InvalidHeader").field("name", name).finish()
            }
            Error::Pagination { reason } => f
                .debug_struct("Pagination")
                .field("reason", reason)
                .finish(),
        }
    }
}

fn request_suffix(f: &mut fmt::Formatter<'_>, request_id: &Option<String>) -> fmt::Result {
    match request_id {
        Some(id) => write!(f, " [request {id}]"),
        None => Ok(()),
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api {
                status,
                request_id,
                error,
            } => {
                write!(f, "Stripe API error {status} {error}")?;
                request_suffix(f, request_id)
            }
            Error::Http {
                status, request_id, ..
            } => {
                write!(
                    f,
                    "HTTP {status} from the Stripe API without a Stripe error object \
                     (a proxy or an outage?); the body is in Error::Http"
                )?;
                request_suffix(f, request_id)
            }
            Error::Transport(e) => write!(f, "could not reach the Stripe API: {e}"),
            Error::Timeout { after } => write!(
                f,
                "the Stripe API did not answer within {after:?}; raise the timeout or retry later"
            ),
            Error::Decode {
                path,
                message,
                status,
                request_id,
                ..
            } => {
                write!(
                    f,
                    "could not decode the Stripe response (HTTP {status}) at `{path}`: {message}; \
                     the API version or the generated models may not match, the body is in Error::Decode"
                )?;
                request_suffix(f, request_id)
            }
            Error::InvalidHeader { name } => write!(
                f,
                "the {name} header value contains characters that cannot be sent in a header"
            ),
            Error::Pagination { reason } => {
                write!(f, "cannot fetch the next page of results: {reason}")
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(e),
            _ => None,
        }
    }
}
