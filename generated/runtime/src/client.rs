//! The asynchronous client.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::exchange::{Config, Exchange, Step};
use super::{AppInfo, Error, Request, Transport};

/// Sends [`Request`]s to Stripe's API and decodes the answers.
///
/// Every request carries `Authorization: Bearer <secret key>`, `Stripe-Version` (by default
/// [`API_VERSION`](super::API_VERSION), the version the generated models match),
/// `User-Agent: stripe-typed/<version>` and `X-Stripe-Client-User-Agent`, a JSON object of the
/// crate's version, the language and the OS and architecture; [`Client::with_app_info`] adds the
/// application built on the client to both.
///
/// Failed attempts are retried (at most 2 times by default) by the rules of Stripe's official
/// libraries (stripe-node, stripe-go):
///
/// - a `Stripe-Should-Retry: true` or `false` header on the response decides;
/// - otherwise 409 (conflict) and 5xx responses are retried;
/// - a 429 is retried only when its error code is `lock_timeout`: any other 429 is rate
///   limiting, which retrying would make worse, so it is returned at once;
/// - no other status is retried;
/// - connection failures, broken connections and timeouts are retried (like stripe-node, a
///   timed-out attempt counts as a connection error;
///   [`ErrorKind::Timeout`](super::ErrorKind::Timeout) is returned when the last attempt times
///   out), but not failures that cannot heal: a rejected TLS certificate, an invalid URL or
///   scheme, a request the HTTP stack refuses, an oversized response.
///
/// Retries wait with exponential backoff and jitter, from 0.5 s up to 5 s. Every POST gets an
/// `Idempotency-Key`, a random UUID unless the request sets one, and sends the same key on
/// every retry, so a retried create never happens twice; every error of the call carries the
/// key ([`Error::idempotency_key`]) so that the caller can retry later with it too.
///
/// A response body is read up to a limit (32 MiB by default,
/// [`Client::with_max_response_bytes`]); a longer one fails with
/// [`ErrorKind::ResponseTooLarge`](super::ErrorKind::ResponseTooLarge). Errors keep at most the
/// first [`BODY_EXCERPT`](super::BODY_EXCERPT) bytes of a body ([`Error::body`]).
///
/// A request with a path parameter that cannot stay one path segment (empty, `.`, `..`) or an
/// invalid `Idempotency-Key` fails before anything is sent.
///
/// `Debug` does not print the secret key. Cloning is cheap and clones share the transport.
#[derive(Clone)]
pub struct Client {
    config: Config,
    transport: Arc<dyn Transport>,
}

impl Client {
    /// A client with `secret_key` and the default [`ReqwestTransport`](super::ReqwestTransport).
    #[cfg(feature = "reqwest")]
    pub fn new(secret_key: impl Into<String>) -> Self {
        Client::from_transport(secret_key, Arc::new(super::ReqwestTransport::new()))
    }

    /// A client with `secret_key` that sends through `transport`.
    pub fn from_transport(secret_key: impl Into<String>, transport: Arc<dyn Transport>) -> Self {
        Client {
            config: Config::new(secret_key.into()),
            transport,
        }
    }

    /// Sends through `transport` instead.
    pub fn with_transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = transport;
        self
    }

    /// Sends every request to `base_url`, such as a mock server or a proxy. By default a
    /// request goes to its operation's server: `https://api.stripe.com`, or for file uploads and
    /// downloads `https://files.stripe.com`, as the spec says. A base URL set here replaces
    /// them all (setting `https://api.stripe.com` restores the default).
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.config.set_base_url(base_url.into());
        self
    }

    /// Sends this `Stripe-Version` (default [`API_VERSION`](super::API_VERSION)). The generated
    /// models match the default; other versions may not decode.
    pub fn with_api_version(mut self, version: impl Into<String>) -> Self {
        self.config.api_version = version.into();
        self
    }

    /// Names the application built on the client (a plugin, a platform) to Stripe, as the
    /// official libraries' app info does: `User-Agent` becomes
    /// `stripe-typed/<version> <name>/<version> (<url>)` and `X-Stripe-Client-User-Agent` gains
    /// an `application` object with every field set. Both values are made here, once.
    ///
    /// Fails with [`ErrorKind::InvalidAppInfo`](super::ErrorKind::InvalidAppInfo), naming the
    /// field, when a field is not printable ASCII (a control character such as a line break,
    /// or a non-ASCII character) or the name is empty.
    pub fn with_app_info(mut self, info: AppInfo) -> Result<Self, Error> {
        self.config.set_app_info(info)?;
        Ok(self)
    }

    /// The app info set with [`Client::with_app_info`], if any.
    pub fn app_info(&self) -> Option<&AppInfo> {
        self.config.app_info()
    }

    /// Reports every attempt to `hook` (method, path, status, `Request-Id`, attempt number,
    /// whether and why it will be retried, elapsed time, idempotency key; never the API key,
    /// parameter values or bodies), for logs and metrics: see [`Attempt`](crate::Attempt).
    /// It runs on the task that sends, after each attempt, so it should be quick.
    pub fn with_observer(
        mut self,
        hook: impl Fn(&crate::Attempt<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.config.observer = Some(crate::observe::Observer::new(hook));
        self
    }

    /// Retries a failed request at most `retries` times (default 2; 0 disables retries).
    pub fn with_max_retries(mut self, retries: u32) -> Self {
        self.config.max_retries = retries;
        self
    }

    /// Gives up on an attempt after `timeout` (default 80 s, as Stripe's libraries).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.config.timeout = timeout;
        self
    }

    /// Waits between `initial` (default 0.5 s) and `max` (default 5 s) before a retry.
    pub fn with_retry_delays(mut self, initial: Duration, max: Duration) -> Self {
        self.config.initial_retry_delay = initial;
        self.config.max_retry_delay = max.max(initial);
        self
    }

    /// Reads at most `bytes` of a response body (default 32 MiB); a longer response fails with
    /// [`ErrorKind::ResponseTooLarge`](super::ErrorKind::ResponseTooLarge).
    pub fn with_max_response_bytes(mut self, bytes: usize) -> Self {
        self.config.max_response_bytes = bytes;
        self
    }

    /// Sends uploads whose files total at most `bytes` (default
    /// [`DEFAULT_MAX_UPLOAD_BYTES`](super::DEFAULT_MAX_UPLOAD_BYTES), 16 MiB); a larger one
    /// fails with [`ErrorKind::UploadTooLarge`](super::ErrorKind::UploadTooLarge) before
    /// anything is sent.
    pub fn with_max_upload_bytes(mut self, bytes: usize) -> Self {
        self.config.max_upload_bytes = bytes;
        self
    }

    /// The base URL set with [`Client::with_base_url`], or `https://api.stripe.com` (then
    /// operations with their own server, such as uploads, go there).
    pub fn base_url(&self) -> &str {
        self.config.base_url()
    }

    /// The `Stripe-Version` requests carry unless they set their own.
    pub fn api_version(&self) -> &str {
        &self.config.api_version
    }

    /// Sends `request`, retrying as described on [`Client`], and decodes a 2xx response as `T`.
    pub async fn send<T>(&self, request: Request<T>) -> Result<T, Error> {
        let mut exchange = Exchange::new(&self.config, &request)?;
        loop {
            let started = Instant::now();
            let outcome = self.transport.send(exchange.request()).await;
            match exchange.step(outcome, started.elapsed()) {
                Step::Retry(delay) => self.transport.sleep(delay).await,
                Step::Done(response) => return exchange.decode(response?, request.decoder()),
            }
        }
    }
}

/// Debug leaves out the secret key.
impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

#[cfg(all(test, feature = "reqwest"))]
mod tests {
    use super::*;
    use crate::{Json, Method, API_VERSION, DEFAULT_BASE_URL};

    fn assert_send<T: Send>(_: &T) {}
    fn assert_send_sync_clone<T: Send + Sync + Clone>() {}

    #[test]
    fn defaults_and_send_future() {
        assert_send_sync_clone::<Client>();
        let client = Client::new("sk_test_defaults");
        assert_eq!(client.base_url(), DEFAULT_BASE_URL);
        assert_eq!(client.api_version(), API_VERSION);
        let debug = format!("{client:?}");
        assert!(debug.contains("max_retries: 2"), "{debug}");
        assert!(debug.contains("timeout: 80s"), "{debug}");
        assert!(!debug.contains("sk_test_defaults"), "{debug}");
        // The future is never polled: this only proves it can move between threads.
        let future = client.send(Request::<Json>::new(Method::Get, "/v1/x".to_owned()));
        assert_send(&future);
    }
}
