//! What the clients report of every attempt, to a hook the application installs
//! ([`Client::with_observer`](crate::Client::with_observer)): for logs, metrics and traces.
//!
//! A report names the request (method, path without the query string), what came back
//! (status, `Request-Id`, or the transport failure), the attempt number, whether and why the
//! call will be retried, how long the attempt took, and the idempotency key that ties the
//! attempts of one call together. It never carries the API key, parameter values (the query
//! string and the body are left out) or bodies, so a hook may log it whole.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::retry::Retry;
use crate::{Method, TransportErrorKind};

/// One HTTP attempt of a call, as the client's observer sees it. `Debug` prints every field:
/// none is secret.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Attempt<'a> {
    /// The HTTP method.
    pub method: Method,
    /// The URL's path (`/v1/customers/cus_123`), without the query string, whose values may
    /// be personal data.
    pub path: &'a str,
    /// 1 for the first attempt of a call, 2 for its first retry, and so on.
    pub attempt: u32,
    /// The response's status; `None` when no response arrived.
    pub status: Option<u16>,
    /// The response's `Request-Id`, which Stripe's support asks for.
    pub request_id: Option<&'a str>,
    /// Why no response arrived, when none did.
    pub transport_error: Option<TransportErrorKind>,
    /// The `Idempotency-Key` sent with every attempt of the call (POSTs and v2 DELETEs always
    /// have one).
    pub idempotency_key: Option<&'a str>,
    /// How long the attempt took, from sending to the whole response (or the failure).
    pub elapsed: Duration,
    /// What the client does next.
    pub retry: Retry,
}

#[derive(Clone)]
pub(crate) struct Observer(Arc<dyn Fn(&Attempt<'_>) + Send + Sync>);

impl Observer {
    pub(crate) fn new(hook: impl Fn(&Attempt<'_>) + Send + Sync + 'static) -> Self {
        Observer(Arc::new(hook))
    }

    pub(crate) fn report(&self, attempt: &Attempt<'_>) {
        (self.0)(attempt)
    }
}

impl fmt::Debug for Observer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Observer")
    }
}

#[cfg(test)]
mod tests {
    use crate::transport::split_url;

    fn path_of(url: &str) -> &str {
        split_url(url).0
    }

    #[test]
    fn paths_leave_out_host_and_query() {
        assert_eq!(
            path_of("https://api.stripe.com/v1/customers?email=a%40b.c"),
            "/v1/customers"
        );
        assert_eq!(
            path_of("http://127.0.0.1:8080/prefix/v1/x/y"),
            "/prefix/v1/x/y"
        );
        assert_eq!(path_of("https://api.stripe.com"), "/");
        assert_eq!(path_of("https://api.stripe.com?x=1"), "/");
    }
}
