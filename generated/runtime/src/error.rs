//! Everything that can go wrong while sending a request ([`Error`], [`ErrorKind`]). Stripe's
//! error objects themselves, v1's and v2's, are in `api_error/`.

use std::fmt;
use std::time::Duration;

use super::{ApiError, TransportError};

/// The most bytes of a response body an [`Error`] keeps ([`Error::body`]).
pub const BODY_EXCERPT: usize = 4096;

/// The start of `body`, at most [`BODY_EXCERPT`] bytes cut at a character boundary, lossily
/// decoded as UTF-8.
#[cfg(feature = "client")]
pub(crate) fn excerpt(body: &[u8]) -> String {
    if body.len() <= BODY_EXCERPT {
        return String::from_utf8_lossy(body).into_owned();
    }
    let mut end = BODY_EXCERPT;
    // Step back over UTF-8 continuation bytes so a character is not cut in two.
    while end > BODY_EXCERPT - 4 && body.get(end).is_some_and(|b| b & 0xC0 == 0x80) {
        end -= 1;
    }
    String::from_utf8_lossy(&body[..end]).into_owned()
}

/// Everything a call can fail with: what went wrong ([`Error::kind`]) and, for a request that
/// was sent, what is known of it, kept once whatever went wrong: the HTTP status
/// ([`Error::status`]), the `Request-Id` ([`Error::request_id`]), the `Idempotency-Key`
/// ([`Error::idempotency_key`]) and the start of the response body ([`Error::body`]).
///
/// ```
/// use stripe_typed_runtime::{Error, ErrorKind};
///
/// fn advice(err: &Error) -> String {
///     match err.kind() {
///         ErrorKind::Api(e) if e.code.as_deref() == Some("card_declined") => {
///             "ask for another card".to_owned()
///         }
///         ErrorKind::Timeout { .. } => match err.idempotency_key() {
///             Some(key) => format!("send it again with the key {key}"),
///             None => "send it again".to_owned(),
///         },
///         _ => err.to_string(),
///     }
/// }
/// # let _ = advice;
/// ```
///
/// `Debug` and `Display` never include the secret key, and never a response body, which may
/// hold secrets such as a `client_secret`: `Debug` shows the length of the body's excerpt
/// only, and [`Error::body`] returns it.
///
/// Every error of a request that was sent with an `Idempotency-Key` (every POST) carries that
/// key ([`Error::idempotency_key`]): after a timeout or a lost connection the create may or may
/// not have happened, and sending the request again with
/// [`Request::idempotency_key`](super::Request::idempotency_key) set to the same key cannot
/// apply it twice.
#[derive(Clone, Debug)]
pub struct Error {
    kind: ErrorKind,
    /// `None` when nothing was sent.
    context: Option<Box<Context>>,
}

/// What went wrong, for [`Error::kind`]; the request's context (status, `Request-Id`,
/// `Idempotency-Key`, body) is on [`Error`] itself.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Stripe answered with a non-2xx status ([`Error::status`]) and its error object.
    Api(Box<ApiError>),
    /// Stripe's v2 API (a request to a `/v2/` path) answered with a non-2xx status
    /// ([`Error::status`]) and its error object, whose shape differs from v1's.
    ApiV2(Box<crate::v2::ApiError>),
    /// A non-2xx response whose body is not Stripe's error object (v1's or, for a `/v2/`
    /// path, v2's; for example from a proxy);
    /// [`Error::status`] and [`Error::body`] tell what came.
    Http,
    /// No response: the connection failed or broke, or could not be made.
    Transport(TransportError),
    /// No response within the timeout, on the last attempt.
    Timeout {
        /// The timeout of each attempt.
        after: Duration,
    },
    /// The response body is longer than the client reads
    /// (`Client::with_max_response_bytes`); it was not kept.
    ResponseTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// A 2xx response whose body does not match the expected type; [`Error::body`] has its
    /// start.
    Decode {
        /// Where in the JSON decoding failed, such as `accounts.data[0].balance`; `.` is the
        /// top level.
        path: String,
        /// What was wrong there.
        message: String,
    },
    /// A header value that cannot be sent, such as a `Stripe-Account` with a line break. The
    /// value itself is not kept, since it may be the secret key.
    InvalidHeader {
        /// The header's name.
        name: &'static str,
    },
    /// A path parameter that cannot stay one path segment (empty, `.`, `..`, or with `/` or
    /// `\`); nothing was sent. See [`Path`](super::Path).
    InvalidPathParameter {
        /// The parameter's name in the API reference, such as `account`.
        name: &'static str,
        /// What is wrong with its value, such as "is empty".
        reason: &'static str,
    },
    /// An `Idempotency-Key` set on the request that Stripe would refuse; nothing was sent.
    InvalidIdempotencyKey {
        /// What is wrong with it, such as "is longer than 255 characters".
        reason: &'static str,
    },
    /// App info (`Client::with_app_info`) with a field that cannot be sent in the
    /// `User-Agent` headers; the client was not configured, so nothing was sent.
    InvalidAppInfo {
        /// The field: `name`, `version`, `url` or `partner_id`.
        field: &'static str,
        /// What is wrong with it, such as "contains a control character".
        reason: &'static str,
    },
    /// The files of an upload are larger than the client's limit
    /// ([`DEFAULT_MAX_UPLOAD_BYTES`](super::DEFAULT_MAX_UPLOAD_BYTES) unless
    /// `with_max_upload_bytes` changed it); nothing was sent.
    UploadTooLarge {
        /// The bytes of the request's files.
        size: usize,
        /// The limit, in bytes.
        limit: usize,
    },
    /// The blocking client's default transport was used inside an async (tokio) runtime,
    /// where it cannot block; nothing was sent. Use the async `rt::Client` there, or run the
    /// call in `tokio::task::spawn_blocking`.
    BlockingInAsyncRuntime,
    /// Paging cannot go on: a page says more objects follow but gives no way to ask for them.
    Pagination {
        /// What was missing, such as "the last object on the page has no id".
        reason: &'static str,
    },
    /// A thin event's `related_object.url` that is not requested
    /// ([`v2::EventNotification::fetch_related_object`](crate::v2::EventNotification::fetch_related_object)):
    /// it comes from the event, so it must be a `/v1/` or `/v2/` path on the API host, safe to
    /// request as sent; nothing was sent.
    InvalidRelatedObjectUrl {
        /// What is wrong with it, such as "has a `.` or `..` segment".
        reason: &'static str,
    },
}

/// What is known of a sent request, whatever went wrong with it.
#[derive(Clone, Debug)]
struct Context {
    /// The HTTP status of the response, when there was one.
    status: Option<u16>,
    /// The `Request-Id` header of the response, which Stripe's support asks for.
    request_id: Option<String>,
    /// The `Idempotency-Key` the request was sent with.
    idempotency_key: Option<String>,
    /// The start of the response body.
    body: Option<Excerpt>,
}

/// The start of a response body (at most [`BODY_EXCERPT`] bytes), lossily decoded as UTF-8.
/// `Debug` shows its length only: a body may hold secrets such as a `client_secret`.
#[derive(Clone)]
struct Excerpt(String);

impl fmt::Debug for Excerpt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes>", self.0.len())
    }
}

/// An error with no context: nothing was sent.
impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error {
            kind,
            context: None,
        }
    }
}

impl Error {
    /// The error `kind` of a request sent with `idempotency_key` that got no usable response.
    #[cfg(feature = "client")]
    pub(crate) fn no_response(kind: ErrorKind, idempotency_key: Option<&str>) -> Self {
        Error {
            kind,
            context: Some(Box::new(Context {
                status: None,
                request_id: None,
                idempotency_key: idempotency_key.map(str::to_owned),
                body: None,
            })),
        }
    }

    /// The error `kind` about `response`, to a request sent with `idempotency_key`: keeps its
    /// status, `Request-Id` and the start of its body.
    #[cfg(feature = "client")]
    pub(crate) fn about_response(
        kind: ErrorKind,
        response: &super::HttpResponse,
        idempotency_key: Option<&str>,
    ) -> Self {
        Error {
            kind,
            context: Some(Box::new(Context {
                status: Some(response.status),
                request_id: response.header("request-id").map(str::to_owned),
                idempotency_key: idempotency_key.map(str::to_owned),
                body: Some(Excerpt(excerpt(&response.body))),
            })),
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// What went wrong, without the context.
    pub fn into_kind(self) -> ErrorKind {
        self.kind
    }

    fn context(&self) -> Option<&Context> {
        self.context.as_deref()
    }

    /// The HTTP status, for errors that come from a response.
    pub fn status(&self) -> Option<u16> {
        self.context()?.status
    }

    /// The `Request-Id` of the response, when there was one.
    pub fn request_id(&self) -> Option<&str> {
        self.context()?.request_id.as_deref()
    }

    /// The `Idempotency-Key` the failed request was sent with: with it, the same request can be
    /// sent again without the risk of applying it twice. `None` when nothing was sent or the
    /// request had no key (GETs and v1 DELETEs, unless one was set).
    pub fn idempotency_key(&self) -> Option<&str> {
        self.context()?.idempotency_key.as_deref()
    }

    /// The start of the response body (at most [`BODY_EXCERPT`] bytes), lossily decoded as
    /// UTF-8, for errors that come from a response ([`ErrorKind::Api`], [`ErrorKind::ApiV2`],
    /// [`ErrorKind::Http`], [`ErrorKind::Decode`]): such as what a proxy sent instead of
    /// Stripe's error object, or what did not decode.
    pub fn body(&self) -> Option<&str> {
        Some(&self.context()?.body.as_ref()?.0)
    }

    /// Stripe's error object, for [`ErrorKind::Api`] (v1).
    pub fn api_error(&self) -> Option<&ApiError> {
        match &self.kind {
            ErrorKind::Api(error) => Some(error),
            _ => None,
        }
    }

    /// Stripe's v2 error object, for [`ErrorKind::ApiV2`] (a request to a `/v2/` path).
    pub fn v2_api_error(&self) -> Option<&crate::v2::ApiError> {
        match &self.kind {
            ErrorKind::ApiV2(error) => Some(error),
            _ => None,
        }
    }
}

/// What went wrong, then the `Request-Id` when there is one, as ` [request req_123]`.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = self.status();
        match &self.kind {
            ErrorKind::Api(error) => {
                f.write_str("Stripe API error")?;
                if let Some(code) = status {
                    write!(f, " {code}")?;
                }
                write!(f, " {error}")?
            }
            ErrorKind::ApiV2(error) => {
                f.write_str("Stripe API v2 error")?;
                if let Some(code) = status {
                    write!(f, " {code}")?;
                }
                write!(f, " {error}")?
            }
            ErrorKind::Http => {
                match status {
                    Some(code) => write!(f, "HTTP {code}")?,
                    None => f.write_str("an HTTP error")?,
                }
                f.write_str(
                    " from the Stripe API without a Stripe error object (a proxy or an \
                     outage?); Error::body has the start of the body",
                )?
            }
            ErrorKind::Transport(e) => write!(f, "could not reach the Stripe API: {e}")?,
            ErrorKind::Timeout { after } => write!(
                f,
                "the Stripe API did not answer within {after:?}; raise the timeout or retry later \
                 with the same idempotency key (Error::idempotency_key)"
            )?,
            ErrorKind::ResponseTooLarge { limit } => write!(
                f,
                "the Stripe API response is larger than {limit} bytes, the most the client reads; \
                 raise it with with_max_response_bytes"
            )?,
            ErrorKind::Decode { path, message } => {
                f.write_str("could not decode the Stripe response")?;
                if let Some(code) = status {
                    write!(f, " (HTTP {code})")?;
                }
                write!(
                    f,
                    " at `{path}`: {message}; the API version or the generated models may not \
                     match, Error::body has the start of the body"
                )?
            }
            ErrorKind::InvalidHeader { name } => write!(
                f,
                "the {name} header value contains characters that cannot be sent in a header"
            )?,
            ErrorKind::InvalidPathParameter { name, reason } => {
                write!(f, "the path parameter `{name}` {reason}; nothing was sent")?
            }
            ErrorKind::InvalidIdempotencyKey { reason } => write!(
                f,
                "the Idempotency-Key {reason}; Stripe accepts 1 to 255 characters without \
                 control characters; nothing was sent"
            )?,
            ErrorKind::InvalidAppInfo { field, reason } => write!(
                f,
                "the app info's {field} {reason}; the User-Agent headers accept printable ASCII \
                 only"
            )?,
            ErrorKind::UploadTooLarge { size, limit } => write!(
                f,
                "the upload's files are {size} bytes, more than the limit of {limit} bytes; \
                 nothing was sent"
            )?,
            ErrorKind::BlockingInAsyncRuntime => f.write_str(
                "the blocking client cannot send from inside an async runtime; use rt::Client \
                 there, or call it inside tokio::task::spawn_blocking; nothing was sent",
            )?,
            ErrorKind::Pagination { reason } => {
                write!(f, "cannot fetch the next page of results: {reason}")?
            }
            ErrorKind::InvalidRelatedObjectUrl { reason } => write!(
                f,
                "the event's related_object.url {reason}, so it is not requested; nothing was \
                 sent"
            )?,
        }
        match self.request_id() {
            Some(id) => write!(f, " [request {id}]"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Transport(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(all(test, feature = "client"))]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_the_context_once_and_the_body_by_its_length() {
        let response = crate::HttpResponse::new(
            502,
            vec![("Request-Id".to_owned(), "req_1".to_owned())],
            b"<html>pi_1_secret_xyz</html>".to_vec(),
        );
        let err = Error::about_response(ErrorKind::Http, &response, Some("key_1"));
        assert_eq!(
            format!("{err:?}"),
            "Error { kind: Http, context: Some(Context { status: Some(502), \
             request_id: Some(\"req_1\"), idempotency_key: Some(\"key_1\"), \
             body: Some(<28 bytes>) }) }"
        );
        assert_eq!(err.body(), Some("<html>pi_1_secret_xyz</html>"));
        assert_eq!(
            err.to_string(),
            "HTTP 502 from the Stripe API without a Stripe error object (a proxy or an \
             outage?); Error::body has the start of the body [request req_1]"
        );
        // Nothing sent, no context.
        let err = Error::from(ErrorKind::InvalidHeader {
            name: "Authorization",
        });
        assert_eq!(
            format!("{err:?}"),
            r#"Error { kind: InvalidHeader { name: "Authorization" }, context: None }"#
        );
        assert_eq!(
            (err.status(), err.request_id(), err.body()),
            (None, None, None)
        );
        // An error made without a response says so rather than showing a status.
        assert!(Error::from(ErrorKind::Http)
            .to_string()
            .starts_with("an HTTP error from the Stripe API"));
        let decode = Error::from(ErrorKind::Decode {
            path: ".".to_owned(),
            message: "expected a value".to_owned(),
        });
        assert!(decode
            .to_string()
            .starts_with("could not decode the Stripe response at `.`"));
    }
}
