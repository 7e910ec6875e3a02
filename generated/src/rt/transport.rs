//! The HTTP layer under the client, replaceable so users can bring their own HTTP stack.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

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
}

impl HttpRequest {
    /// The value of the first header called `name` (ignoring ASCII case).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// Debug redacts the `Authorization` header, which holds the secret key.
impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                if name.eq_ignore_ascii_case("authorization") {
                    (name.as_str(), "<redacted>")
                } else {
                    (name.as_str(), value.as_str())
                }
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// One HTTP response, whatever its status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Header names and values. Values that are not UTF-8 may be left out.
    pub headers: Vec<(String, String)>,
    /// The whole body.
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The response did not arrive within the request's timeout.
    Timeout,
    /// No connection could be made (refused, DNS, TLS handshake).
    Connect,
    /// Anything else, such as a connection that broke mid-response.
    Other,
}

/// A failure below HTTP: no response was received.
///
/// Every kind is retried. A request that failed this way may still have reached Stripe, which
/// is why POSTs always carry an `Idempotency-Key`.
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
        let kind = if e.is_timeout() {
            TransportErrorKind::Timeout
        } else if e.is_connect() {
            TransportErrorKind::Connect
        } else {
            TransportErrorKind::Other
        };
        TransportError::with_source(kind, e)
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
                let response = builder.send().await.map_err(error)?;
                let status = response.status().as_u16();
                let headers = headers(response.headers());
                let body = response.bytes().await.map_err(error)?;
                Ok(HttpResponse::new(status, headers, body.to_vec()))
            })
        }

        fn sleep(&self, duration: Duration) -> BoxFuture<'_, ()> {
            Box::pin(tokio::time::sleep(duration))
        }
    }
}
