//! v1 and v2: the one place where Stripe's two APIs differ in how a request is sent and its
//! answer read. Everything else about a request is the same for both.

#[cfg(feature = "client")]
use crate::{api_error::v1::api_error_of, ErrorKind, Method};
use crate::{Form, ToForm};

/// Which of Stripe's APIs a request goes to, told by its path as stripe-node's `getAPIMode`
/// and stripe-go's `extractVersion` tell it: `/v2` and paths under `/v2/` are v2, every other
/// path is v1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ApiMode {
    V1,
    V2,
}

impl ApiMode {
    pub(crate) fn of_path(path: &str) -> ApiMode {
        let v2 = path
            .strip_prefix("/v2")
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        if v2 {
            ApiMode::V2
        } else {
            ApiMode::V1
        }
    }

    /// The body, with its content type, of a request sent without parameters. A request with
    /// parameters names its encoding itself (a form for v1, JSON for v2, as generated).
    ///
    /// stripe-node sends a v2 POST without parameters as the JSON `{}` (its `_makeRequest`
    /// encodes an empty object); stripe-go sends no body when the params are nil. `{}` is what
    /// every generated v2 call without parameters sends. A v1 request and every v2 GET and
    /// DELETE go without a body.
    #[cfg(feature = "client")]
    pub(crate) fn empty_body(self, method: Method) -> Option<(&'static str, &'static [u8])> {
        (self == ApiMode::V2 && method == Method::Post).then_some(("application/json", b"{}"))
    }

    /// Whether a request that sets no `Idempotency-Key` gets a generated one. Like Stripe's
    /// libraries, every v1 POST and every v2 POST and DELETE carries a key, so that a retry
    /// cannot apply twice (stripe-node's `_defaultIdempotencyKey`).
    #[cfg(feature = "client")]
    pub(crate) fn generates_idempotency_key(self, method: Method) -> bool {
        method == Method::Post || (self == ApiMode::V2 && method == Method::Delete)
    }

    /// Stripe's error object in the body of a failed response, as this API writes it
    /// (stripe-node's `generateV2Error` and stripe-go's `responseToErrorV2` read v2's); `None`
    /// when the body is not one.
    #[cfg(feature = "client")]
    pub(crate) fn api_error(self, body: &[u8]) -> Option<ErrorKind> {
        match self {
            ApiMode::V1 => api_error_of(body).map(|e| ErrorKind::Api(Box::new(e))),
            ApiMode::V2 => crate::v2::api_error_of(body).map(|e| ErrorKind::ApiV2(Box::new(e))),
        }
    }

    /// Whether a 429 may be a lock timeout, which the retry rules retry (`lock_timeout` is a v1
    /// error code; v2 has none).
    #[cfg(feature = "client")]
    pub(crate) fn has_lock_timeouts(self) -> bool {
        self == ApiMode::V1
    }

    /// The query string of `params`: the same for both APIs. Nested objects are bracketed
    /// (`created[gt]=...`) and lists indexed (`include[0]=a&include[1]=b`).
    ///
    /// stripe-node and stripe-go sent v2 lists as repeated keys (`include=a&include=b`) from
    /// v2's launch (API version 2024-09-30.acacia) and switched to indexed keys in November 2025
    /// "to align with v1" (stripe-node #2497, `src/utils.ts`; stripe-go v84.0.0 #2210,
    /// `form/form.go`), with API version 2025-11-17.clover; the pinned version is later. A
    /// version that differed again would differ here.
    pub(crate) fn encode_query<T: ToForm + ?Sized>(self, params: &T) -> String {
        Form::encode(params)
    }
}

#[cfg(all(test, feature = "client"))]
mod tests {
    use super::*;

    #[test]
    fn differences() {
        use ApiMode::{V1, V2};
        assert_eq!(
            V2.empty_body(Method::Post),
            Some(("application/json", &b"{}"[..]))
        );
        for method in [Method::Get, Method::Delete] {
            assert_eq!(V2.empty_body(method), None);
        }
        assert_eq!(V1.empty_body(Method::Post), None);
        assert!(V1.generates_idempotency_key(Method::Post));
        assert!(!V1.generates_idempotency_key(Method::Delete));
        assert!(V2.generates_idempotency_key(Method::Delete));
        assert!(!V2.generates_idempotency_key(Method::Get));
        assert!(V1.has_lock_timeouts() && !V2.has_lock_timeouts());
    }
}
