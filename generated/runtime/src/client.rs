//! The asynchronous client.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::config::Config;
use super::exchange::{Exchange, Step};
use super::{AppInfo, Error, Request, Transport};

/// Sends [`Request`]s to Stripe's API and decodes the answers.
///
/// Every request carries `Authorization: Bearer <secret key>`, `Stripe-Version` (by default
/// [`API_VERSION`](super::API_VERSION), the version the generated models match),
/// `User-Agent: stripe-typed/<version>` and `X-Stripe-Client-User-Agent`, a JSON object of the
/// crate's version, the language and the OS and architecture; [`Client::with_app_info`] adds the
/// application built on the client to both. `Stripe-Account` and `Stripe-Context` go out when a
/// request or the client ([`Client::with_stripe_context`]) sets them.
///
/// Requests to Stripe's v2 API are told by their path (`/v2/...`), as stripe-node and
/// stripe-go tell them: their bodies are JSON ([`Request::json`]; `{}` for a POST without
/// parameters), and a non-2xx response's error object is read as v2's
/// ([`ErrorKind::ApiV2`](super::ErrorKind::ApiV2)).
///
/// Failed attempts are retried (at most 2 times by default, [`Client::with_max_retries`]) by
/// the rules of Stripe's official libraries: a 409, a 5xx, a v1 lock timeout, a connection
/// failure or a timeout, or whatever `Stripe-Should-Retry` says; never rate limiting. The rules,
/// in order, and the pauses between attempts are listed once, on
/// [`RetryReason`](super::RetryReason); an observer ([`Client::with_observer`]) is told each
/// attempt's [`Retry`](super::Retry) decision.
///
/// Every POST, and
/// every v2 DELETE (as stripe-node does), gets an `Idempotency-Key`, a random UUID unless the
/// request sets one, and sends the same key on every retry, so a retried create never happens
/// twice; every error of the call carries the key ([`Error::idempotency_key`]) so that the
/// caller can retry later with it too.
///
/// A response body is read up to a limit (32 MiB by default,
/// [`Client::with_max_response_bytes`]); a longer one fails with
/// [`ErrorKind::ResponseTooLarge`](super::ErrorKind::ResponseTooLarge). Errors keep at most the
/// first [`BODY_EXCERPT`](super::BODY_EXCERPT) bytes of a body ([`Error::body`]).
///
/// A request with a path parameter that cannot stay one path segment (empty, `.`, `..`), an
/// invalid `Idempotency-Key`, or a header value that cannot be sent (a `Stripe-Account` or
/// `Stripe-Context` with a control character) fails before anything is sent.
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
    #[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
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

    crate::config::config_methods!();

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
        assert_eq!(client.default_api_version(), API_VERSION);
        let debug = format!("{client:?}");
        assert!(debug.contains("max_retries: 2"), "{debug}");
        assert!(debug.contains("timeout: 80s"), "{debug}");
        assert!(!debug.contains("sk_test_defaults"), "{debug}");
        // The future is never polled: this only proves it can move between threads.
        let future = client.send(Request::<Json>::new(Method::Get, "/v1/x".to_owned()));
        assert_send(&future);
    }
}
