//! The HTTP layer under the client, replaceable so users can bring their own HTTP stack.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use super::redact::{redacted_headers, RedactedUrl};
use super::Method;

/// A boxed, sendable future, as returned by [`Transport`]'s methods.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One HTTP request, ready to send: the client has already added every header.
#[derive(Clone)]
#[non_exhaustive]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The absolute URL, with the query string.
    pub url: String,
    /// Header names and values, in order. Values contain no control characters.
    pub headers: Vec<(String, String)>,
    /// The body; empty for requests without one.
    pub body: Vec<u8>,
    /// How long to wait for the whole response before giving up with
    /// [`TransportErrorKind::Timeout`].
    pub timeout: Duration,
    /// The most body bytes to read: a longer response fails with
    /// [`TransportErrorKind::ResponseTooLarge`] instead of being read whole.
    pub max_response_bytes: usize,
}

impl HttpRequest {
    /// The value of the first header called `name` (ignoring ASCII case).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// Debug redacts the `Authorization` header, which holds the secret key, and shows the query
/// string's parameter names only (a GET may carry a `client_secret`).
impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers = redacted_headers(&self.headers);
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &RedactedUrl(&self.url))
            .field("headers", &headers)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .field("timeout", &self.timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

/// An absolute URL's path (from the first `/` after the host; `/` when there is none) and
/// its query string (empty when there is none): what the observer reports and the test
/// double records.
#[cfg(feature = "client")]
pub(crate) fn split_url(url: &str) -> (&str, &str) {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let (before_query, query) = after_scheme.split_once('?').unwrap_or((after_scheme, ""));
    let path = before_query.find('/').map_or("/", |at| &before_query[at..]);
    (path, query)
}

/// One HTTP response, whatever its status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Header names and values. Values that are not UTF-8 may be left out.
    pub headers: Vec<(String, String)>,
    /// The whole body, at most the request's `max_response_bytes`.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A response with the given parts.
    pub fn new(status: u16, headers: Vec<(String, String)>, body: Vec<u8>) -> Self {
        HttpResponse {
            status,
            headers,
            body,
        }
    }

    /// The value of the first header called `name` (ignoring ASCII case).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// How a request failed to get a response.
///
/// `Timeout`, `Connect` and `Other` may heal and are retried; the other kinds cannot and are
/// not (`TransportError::is_retryable`, in `retry.rs` with the rest of the retry policy).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The response did not arrive within the request's timeout.
    Timeout,
    /// No connection could be made (refused, DNS, TLS handshake).
    Connect,
    /// Anything else, such as a connection that broke mid-response.
    Other,
    /// The server's TLS certificate was rejected (untrusted, expired, wrong name).
    Certificate,
    /// The request could not be made at all: an invalid URL or scheme, a header the HTTP stack
    /// refused, or too many redirects.
    InvalidRequest,
    /// The response body is longer than the request's `max_response_bytes`.
    ResponseTooLarge,
    /// A blocking transport was used inside an async runtime, where it cannot block.
    InsideAsyncRuntime,
}

/// A failure below HTTP: no usable response was received.
///
/// Failures that may heal (timeouts, refused or broken connections) are retried; a request that
/// failed this way may still have reached Stripe, which is why POSTs always carry an
/// `Idempotency-Key`; the client's [`Error`](super::Error) that wraps this one has it
/// ([`Error::idempotency_key`](super::Error::idempotency_key)).
#[derive(Clone)]
pub struct TransportError {
    kind: TransportErrorKind,
    message: String,
    source: Option<std::sync::Arc<dyn std::error::Error + Send + Sync>>,
}

impl TransportError {
    /// An error of `kind`, described by `message`.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        TransportError {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// An error of `kind` caused by `source`, whose `Display` becomes the message.
    pub fn with_source(
        kind: TransportErrorKind,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        TransportError {
            kind,
            message: source.to_string(),
            source: Some(std::sync::Arc::new(source)),
        }
    }

    /// How the request failed.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether the request timed out.
    pub fn is_timeout(&self) -> bool {
        self.kind == TransportErrorKind::Timeout
    }

    /// Whether no connection could be made.
    pub fn is_connect(&self) -> bool {
        self.kind == TransportErrorKind::Connect
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .finish()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TransportErrorKind::Timeout => "timed out",
            TransportErrorKind::Connect => "connection failed",
            TransportErrorKind::Other => "request failed",
            TransportErrorKind::Certificate => "TLS certificate rejected",
            TransportErrorKind::InvalidRequest => "invalid request",
            TransportErrorKind::ResponseTooLarge => "response too large",
            TransportErrorKind::InsideAsyncRuntime => "blocking inside an async runtime",
        };
        write!(f, "{what}: {}", self.message)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.source {
            Some(source) => Some(&**source),
            None => None,
        }
    }
}

/// An asynchronous HTTP stack for [`Client`](super::Client).
///
/// It sends one request and returns the response whatever its status; retries, headers and
/// decoding are the client's job. It also provides the timer for the pause between retries, so
/// the client does not depend on one async runtime.
pub trait Transport: Send + Sync {
    /// Sends `request` and returns its response, or why none arrived within `request.timeout`.
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>>;

    /// Waits for `duration` (between retries).
    fn sleep(&self, duration: Duration) -> BoxFuture<'_, ()>;
}

#[cfg(feature = "reqwest")]
pub use self::reqwest_impl::ReqwestTransport;

#[cfg(feature = "reqwest")]
pub(crate) mod reqwest_impl {
    use super::*;

    /// The default [`Transport`]: reqwest with rustls, on tokio.
    #[derive(Clone, Debug, Default)]
    pub struct ReqwestTransport {
        client: reqwest::Client,
    }

    impl ReqwestTransport {
        /// A transport with reqwest's default settings.
        pub fn new() -> Self {
            ReqwestTransport::default()
        }

        /// A transport over a configured reqwest client (proxies, connection pool, …).
        pub fn from_client(client: reqwest::Client) -> Self {
            ReqwestTransport { client }
        }
    }

    pub(crate) fn method(method: Method) -> reqwest::Method {
        match method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Delete => reqwest::Method::DELETE,
        }
    }

    pub(crate) fn error(e: reqwest::Error) -> TransportError {
        TransportError::with_source(kind(&e), e)
    }

    /// Sorts a reqwest error into what may heal (retried) and what cannot, as stripe-go does:
    /// invalid URLs and schemes, builder errors, redirect loops and certificate failures are
    /// final.
    pub(crate) fn kind(e: &reqwest::Error) -> TransportErrorKind {
        if e.is_builder() || e.is_redirect() {
            TransportErrorKind::InvalidRequest
        } else if e.is_timeout() {
            TransportErrorKind::Timeout
        } else if is_certificate_error(e) {
            TransportErrorKind::Certificate
        } else if e.is_connect() {
            TransportErrorKind::Connect
        } else {
            TransportErrorKind::Other
        }
    }

    /// Whether a rustls certificate error is somewhere in the chain of `e`.
    pub(crate) fn is_certificate_error(e: &(dyn std::error::Error + 'static)) -> bool {
        let mut next = Some(e);
        while let Some(e) = next {
            if is_certificate(e) {
                return true;
            }
            // `io::Error::source` skips the error it wraps, so look inside it too.
            if let Some(inner) = e
                .downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
            {
                if is_certificate(inner) || is_certificate_error(inner) {
                    return true;
                }
            }
            next = e.source();
        }
        false
    }

    fn is_certificate(e: &(dyn std::error::Error + 'static)) -> bool {
        matches!(
            e.downcast_ref::<rustls::Error>(),
            Some(
                rustls::Error::InvalidCertificate(_)
                    | rustls::Error::NoCertificatesPresented
                    | rustls::Error::InvalidCertRevocationList(_)
            )
        )
    }

    pub(crate) fn too_large(limit: usize) -> TransportError {
        TransportError::new(
            TransportErrorKind::ResponseTooLarge,
            format!("the response body is longer than {limit} bytes"),
        )
    }

    /// Whether a declared `Content-Length` is already over the limit.
    pub(crate) fn declared_too_large(length: Option<u64>, limit: usize) -> bool {
        length.is_some_and(|n| n > limit as u64)
    }

    /// POSTs always send their (maybe empty) body, so that `Content-Length: 0` goes out.
    pub(crate) fn has_body(request: &HttpRequest) -> bool {
        !request.body.is_empty() || request.method == Method::Post
    }

    pub(crate) fn headers(map: &reqwest::header::HeaderMap) -> Vec<(String, String)> {
        map.iter()
            .filter_map(|(name, value)| {
                let value = value.to_str().ok()?;
                Some((name.as_str().to_owned(), value.to_owned()))
            })
            .collect()
    }

    impl Transport for ReqwestTransport {
        fn send(
            &self,
            request: HttpRequest,
        ) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
            Box::pin(async move {
                let mut builder = self
                    .client
                    .request(method(request.method), &request.url)
                    .timeout(request.timeout);
                for (name, value) in &request.headers {
                    builder = builder.header(name.as_str(), value.as_str());
                }
                if has_body(&request) {
                    builder = builder.body(request.body);
                }
                let limit = request.max_response_bytes;
                let mut response = builder.send().await.map_err(error)?;
                let status = response.status().as_u16();
                let headers = headers(response.headers());
                if declared_too_large(response.content_length(), limit) {
                    return Err(too_large(limit));
                }
                // Read chunk by chunk so that no more than `limit` bytes are ever held.
                let mut body = Vec::new();
                while let Some(chunk) = response.chunk().await.map_err(error)? {
                    if chunk.len() > limit - body.len() {
                        return Err(too_large(limit));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(HttpResponse::new(status, headers, body))
            })
        }

        fn sleep(&self, duration: Duration) -> BoxFuture<'_, ()> {
            Box::pin(tokio::time::sleep(duration))
        }
    }
}

#[cfg(all(test, feature = "reqwest"))]
mod tests {
    use super::reqwest_impl::is_certificate_error;
    use super::*;

    #[test]
    fn certificate_errors_are_found_inside_io_errors() {
        // How hyper-rustls reports a rejected certificate: a rustls error inside an io::Error,
        // inside the connector's error.
        #[derive(Debug)]
        struct Outer(std::io::Error);
        impl fmt::Display for Outer {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("client error (Connect)")
            }
        }
        impl std::error::Error for Outer {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let cert = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, cert);
        assert!(is_certificate_error(&Outer(io)));
        let other =
            std::io::Error::new(std::io::ErrorKind::InvalidData, rustls::Error::DecryptError);
        assert!(!is_certificate_error(&Outer(other)));
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert!(!is_certificate_error(&refused));
    }
}
