//! The retry policy, whole: which failures are retried and why, how many times, and how long
//! the client waits between attempts. Both clients run it through `Exchange::step`; changing
//! the policy is a change to this file and its tests.
//!
//! The rules are documented once, on [`RetryReason`], where users read them too.

use std::time::Duration;

use crate::api_error::error_code_of;
use crate::api_mode::ApiMode;
use crate::{HttpResponse, TransportError, TransportErrorKind};

/// Whether a call is attempted again after an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Retry {
    /// No: a success, or a failure that another attempt would not fix.
    No,
    /// Yes, after this pause, for this reason.
    After {
        /// Why.
        reason: RetryReason,
        /// The pause before the next attempt.
        delay: Duration,
    },
    /// It would be, for this reason, but the client's retries are used up: the call fails.
    Exhausted(RetryReason),
}

/// Why a failed attempt is retried.
///
/// The rules are those of Stripe's official libraries (stripe-node's `_shouldRetry`, stripe-go's
/// `shouldRetry`), in this order:
///
/// 1. A `Stripe-Should-Retry: true` or `false` header on the response decides
///    ([`RetryReason::StripeShouldRetry`]).
/// 2. Otherwise a 409 ([`RetryReason::Conflict`]) and any 5xx ([`RetryReason::ServerError`]) are
///    retried.
/// 3. A v1 429 is retried only when its error code is `lock_timeout`
///    ([`RetryReason::LockTimeout`]: the object was locked by a concurrent request, stripe-go's
///    `Error.canRetry`). Any other 429 is rate limiting, which retrying would make worse. No v2
///    429 is retried: `lock_timeout` is a v1 code, and v2's `rate_limit` is refused by stripe-go's
///    `RateLimitError.canRetry` too.
/// 4. No other status is retried: a 400, 401, 402 or 404 would fail the same way again.
/// 5. A transport failure that may heal is retried: a timeout ([`RetryReason::Timeout`]; like
///    stripe-node, a timed-out attempt counts as a connection error), a refused or broken
///    connection ([`RetryReason::Connection`]). One that cannot heal is not: a rejected TLS
///    certificate, an invalid URL or scheme, a request the HTTP stack refuses, an oversized
///    response ([`TransportError::is_retryable`]).
///
/// stripe-go retries no v2 response that carries an error object (`V2RawError.canRetry` is
/// false, checked before the header); we follow stripe-node instead, which retries v2's 409s and
/// 5xx as v1's, because every v2 POST and DELETE carries an idempotency key, so a retried call
/// cannot apply twice.
///
/// A call is retried at most `max_retries` times (2 by default, `with_max_retries`). The pause
/// before retry `n` is exponential like stripe-node's, `initial * 2^(n - 1)` capped at `max`
/// (0.5 s and 5 s by default, `with_retry_delays`), scaled by a random factor in `[0.5, 1]`
/// drawn from the operating system's randomness, and kept within `[initial, max]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryReason {
    /// Stripe said so: `Stripe-Should-Retry: true`.
    StripeShouldRetry,
    /// 409 Conflict.
    Conflict,
    /// A v1 429 with the error code `lock_timeout`: the object was locked by another request.
    LockTimeout,
    /// A 5xx response.
    ServerError,
    /// The attempt timed out.
    Timeout,
    /// The connection failed or broke.
    Connection,
}

impl TransportError {
    /// Whether trying again may succeed: timeouts, connection failures and broken connections.
    /// A rejected certificate, an invalid request or an oversized response would fail the same
    /// way again.
    pub fn is_retryable(&self) -> bool {
        transport_reason(self).is_some()
    }
}

/// The retry settings of a client (`with_max_retries`, `with_retry_delays`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct RetryConfig {
    pub(crate) max_retries: u32,
    pub(crate) initial_delay: Duration,
    pub(crate) max_delay: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            max_retries: 2,
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(5),
        }
    }
}

/// One call's retries: how many were made, and what follows each attempt.
#[derive(Debug)]
pub(crate) struct Retries {
    config: RetryConfig,
    made: u32,
}

impl Retries {
    pub(crate) fn new(config: RetryConfig) -> Self {
        Retries { config, made: 0 }
    }

    /// The number of the attempt in progress, 1 for the first.
    pub(crate) fn attempt(&self) -> u32 {
        self.made + 1
    }

    /// What follows a failed attempt (`outcome` is a non-2xx response or a transport failure)
    /// of a request to `mode`'s API. A retry is counted when it is decided.
    pub(crate) fn after_failure(
        &mut self,
        outcome: Result<&HttpResponse, &TransportError>,
        mode: ApiMode,
    ) -> Retry {
        let reason = match outcome {
            Ok(response) => response_reason(response, mode),
            Err(e) => transport_reason(e),
        };
        match reason {
            None => Retry::No,
            Some(reason) if self.made >= self.config.max_retries => Retry::Exhausted(reason),
            Some(reason) => {
                self.made += 1;
                let delay = backoff_delay(
                    self.made,
                    self.config.initial_delay,
                    self.config.max_delay,
                    jitter(),
                );
                Retry::After { reason, delay }
            }
        }
    }
}

/// Why a non-2xx response should be retried (rules 1 to 4), or `None`.
fn response_reason(response: &HttpResponse, mode: ApiMode) -> Option<RetryReason> {
    match response.header("stripe-should-retry") {
        Some("true") => return Some(RetryReason::StripeShouldRetry),
        Some("false") => return None,
        _ => {}
    }
    match response.status {
        409 => Some(RetryReason::Conflict),
        429 if mode.has_lock_timeouts()
            && error_code_of(&response.body).as_deref() == Some("lock_timeout") =>
        {
            Some(RetryReason::LockTimeout)
        }
        status if status >= 500 => Some(RetryReason::ServerError),
        _ => None,
    }
}

/// Why a transport failure should be retried (rule 5), or `None`.
fn transport_reason(e: &TransportError) -> Option<RetryReason> {
    match e.kind() {
        TransportErrorKind::Timeout => Some(RetryReason::Timeout),
        TransportErrorKind::Connect | TransportErrorKind::Other => Some(RetryReason::Connection),
        _ => None,
    }
}

/// The pause before retry number `retry` (1 for the first retry), for `jitter` uniform in
/// `[0, 1)`: `initial * 2^(retry - 1)` capped at `max`, scaled by `0.5 + 0.5 * jitter`, then
/// kept within `[initial, max]`.
fn backoff_delay(retry: u32, initial: Duration, max: Duration, jitter: f64) -> Duration {
    let exponent = retry.saturating_sub(1).min(31);
    let base = initial.saturating_mul(1u32 << exponent).min(max);
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let scaled = base.mul_f64(0.5 + 0.5 * jitter);
    scaled.max(initial).min(max)
}

/// A number uniform in `[0, 1)` from the operating system's randomness; `1.0` (no shortening of
/// the pause) should it have none.
fn jitter() -> f64 {
    let mut bytes = [0u8; 8];
    if getrandom::getrandom(&mut bytes).is_err() {
        return 1.0;
    }
    // The top 53 bits: every value is an exact `f64` below 1.
    (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    fn response(status: u16, header: Option<&str>, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: header
                .map(|h| vec![("Stripe-Should-Retry".to_owned(), h.to_owned())])
                .unwrap_or_default(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn backoff_is_exponential_jittered_and_bounded() {
        let (initial, max) = (500 * MS, 5000 * MS);
        // No jitter halves the exponential base, but never below the initial delay.
        assert_eq!(backoff_delay(1, initial, max, 0.0), initial);
        assert_eq!(backoff_delay(2, initial, max, 0.0), initial);
        assert_eq!(backoff_delay(3, initial, max, 0.0), 1000 * MS);
        assert_eq!(backoff_delay(4, initial, max, 0.0), 2000 * MS);
        // Full jitter reaches the base, which is capped at the maximum.
        assert_eq!(backoff_delay(2, initial, max, 1.0), 1000 * MS);
        assert_eq!(backoff_delay(4, initial, max, 1.0), 4000 * MS);
        assert_eq!(backoff_delay(5, initial, max, 1.0), max);
        assert_eq!(backoff_delay(u32::MAX, initial, max, 1.0), max);
        assert_eq!(backoff_delay(u32::MAX, initial, max, 0.0), max / 2);
        assert_eq!(backoff_delay(3, initial, max, f64::NAN), 1000 * MS);
        for retry in 0..40 {
            for jitter in [0.0, 0.25, 0.5, 0.999_999, 7.0, -1.0] {
                let d = backoff_delay(retry, initial, max, jitter);
                assert!(d >= initial && d <= max, "{retry} {jitter} {d:?}");
                let base = initial * 2u32.pow(retry.saturating_sub(1).min(20));
                assert!(d <= base.max(initial), "{retry} {jitter} {d:?}");
                assert!(d.mul_f64(2.0) >= base.min(max), "{retry} {jitter} {d:?}");
            }
        }
        // Tiny delays for tests work the same way.
        assert_eq!(backoff_delay(1, MS, 2 * MS, 0.5), MS);
        assert_eq!(backoff_delay(9, MS, 2 * MS, 0.5), 3 * MS / 2);
    }

    #[test]
    fn jitter_is_uniform_enough() {
        let samples: Vec<f64> = (0..1000).map(|_| jitter()).collect();
        assert!(samples.iter().all(|x| (0.0..1.0).contains(x)));
        assert!(samples.iter().any(|x| *x < 0.1));
        assert!(samples.iter().any(|x| *x > 0.9));
    }

    #[test]
    fn retry_decisions_follow_stripes_libraries() {
        let retry = |status: u16, header: Option<&str>, body: &str| {
            response_reason(&response(status, header, body), ApiMode::V1).is_some()
        };
        let rate_limited = r#"{"error": {"type": "invalid_request_error", "code": "rate_limit"}}"#;
        let lock_timeout =
            r#"{"error": {"type": "invalid_request_error", "code": "lock_timeout"}}"#;
        for status in [409, 500, 502, 503, 504] {
            assert!(retry(status, None, ""), "{status}");
            assert!(!retry(status, Some("false"), ""), "{status}");
        }
        // A 429 is rate limiting unless its code says lock timeout or the header says retry.
        assert!(!retry(429, None, ""));
        assert!(!retry(429, None, rate_limited));
        assert!(!retry(429, None, "<html>slow down</html>"));
        assert!(retry(429, None, lock_timeout));
        assert!(retry(429, Some("true"), rate_limited));
        assert!(!retry(429, Some("false"), lock_timeout));
        for status in [400, 401, 402, 403, 404] {
            assert!(!retry(status, None, lock_timeout), "{status}");
            assert!(retry(status, Some("true"), ""), "{status}");
        }
        assert!(retry(500, Some("maybe"), ""));
    }

    #[test]
    fn v2_retry_decisions_follow_stripe_node() {
        let retry = |status: u16, header: Option<&str>, body: &str| {
            response_reason(&response(status, header, body), ApiMode::V2)
        };
        let error = |code: &str| format!(r#"{{"error": {{"type": "x", "code": "{code}"}}}}"#);
        assert_eq!(
            retry(409, None, &error("idempotency_error")),
            Some(RetryReason::Conflict)
        );
        for status in [500, 502, 503] {
            assert_eq!(retry(status, None, ""), Some(RetryReason::ServerError));
            assert_eq!(retry(status, Some("false"), ""), None);
        }
        // No 429 is retried, a lock timeout included, unless Stripe says so.
        assert_eq!(retry(429, None, &error("rate_limit")), None);
        assert_eq!(retry(429, None, &error("lock_timeout")), None);
        assert_eq!(
            retry(429, Some("true"), &error("rate_limit")),
            Some(RetryReason::StripeShouldRetry)
        );
        for status in [400, 401, 403, 404] {
            assert_eq!(retry(status, None, &error("not_found")), None);
        }
    }

    #[test]
    fn retryable_transport_kinds() {
        use TransportErrorKind::*;
        for (kind, reason) in [
            (Timeout, RetryReason::Timeout),
            (Connect, RetryReason::Connection),
            (Other, RetryReason::Connection),
        ] {
            let e = TransportError::new(kind, "x");
            assert!(e.is_retryable(), "{kind:?}");
            assert_eq!(transport_reason(&e), Some(reason));
        }
        for kind in [
            Certificate,
            InvalidRequest,
            ResponseTooLarge,
            InsideAsyncRuntime,
        ] {
            assert!(!TransportError::new(kind, "x").is_retryable(), "{kind:?}");
        }
    }

    #[test]
    fn retries_are_counted_and_used_up() {
        let config = RetryConfig {
            max_retries: 2,
            initial_delay: MS,
            max_delay: 4 * MS,
        };
        let mut retries = Retries::new(config);
        let failed = response(503, None, "");
        assert_eq!(retries.attempt(), 1);
        for attempt in 2..=3 {
            let Retry::After { reason, delay } = retries.after_failure(Ok(&failed), ApiMode::V1)
            else {
                panic!("attempt {attempt} is a retry");
            };
            assert_eq!(reason, RetryReason::ServerError);
            assert!(delay >= MS && delay <= 4 * MS, "{delay:?}");
            assert_eq!(retries.attempt(), attempt);
        }
        assert_eq!(
            retries.after_failure(Ok(&failed), ApiMode::V1),
            Retry::Exhausted(RetryReason::ServerError)
        );
        assert_eq!(
            retries.after_failure(Ok(&response(404, None, "")), ApiMode::V1),
            Retry::No
        );
        assert_eq!(retries.attempt(), 3);
    }
}
