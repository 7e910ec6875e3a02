//! The policy both clients share, as plain functions and one small state machine: which headers
//! a request carries, when to retry and how long to wait, and how a response decodes.
//!
//! A client's send loop is then only "send, [`Exchange::step`], sleep or return", written once
//! for async and once for blocking I/O.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::app_info::{AppInfo, Identity};
use super::error::{api_error_of, error_code_of};
use super::multipart;
use super::observe::{Attempt, Observer, Retry, RetryReason};
use super::request::{Body, DecodeFailure, Decoder};
use super::transport::split_url;
use super::v2::api_error_of as v2_api_error_of;
use super::{
    Error, ErrorKind, HttpRequest, HttpResponse, Method, Request, RequestOptions, Secret,
    TransportError, TransportErrorKind, API_VERSION, DEFAULT_BASE_URL, DEFAULT_MAX_UPLOAD_BYTES,
};

/// The default limit on a response body: far above any Stripe response (a page of 100 objects
/// with expansions is a few megabytes), far below what would hurt a server.
pub(crate) const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// Settings shared by the async and blocking clients.
#[derive(Clone)]
pub(crate) struct Config {
    pub(crate) secret_key: Secret,
    /// The base URL every request goes to, when one was set; otherwise a request goes to its
    /// operation's server, or [`DEFAULT_BASE_URL`].
    pub(crate) base_url: Option<String>,
    pub(crate) api_version: String,
    /// The `Stripe-Context` of every request that does not set its own.
    pub(crate) stripe_context: Option<String>,
    pub(crate) max_retries: u32,
    pub(crate) timeout: Duration,
    pub(crate) initial_retry_delay: Duration,
    pub(crate) max_retry_delay: Duration,
    pub(crate) max_response_bytes: usize,
    pub(crate) max_upload_bytes: usize,
    /// The `User-Agent` and `X-Stripe-Client-User-Agent` values, made once here rather than
    /// on every request.
    identity: Identity,
    /// The hook every attempt is reported to.
    pub(crate) observer: Option<Observer>,
}

impl Config {
    pub(crate) fn new(secret_key: String) -> Self {
        Config {
            secret_key: Secret::new(secret_key),
            base_url: None,
            api_version: API_VERSION.to_owned(),
            stripe_context: None,
            max_retries: 2,
            timeout: Duration::from_secs(80),
            initial_retry_delay: Duration::from_millis(500),
            max_retry_delay: Duration::from_secs(5),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            identity: Identity::new(),
            observer: None,
        }
    }

    /// Names `info` in both user-agent headers, or refuses it (leaving the config as it was)
    /// when a field cannot be sent.
    pub(crate) fn set_app_info(&mut self, info: AppInfo) -> Result<(), Error> {
        self.identity = Identity::with_app_info(info)?;
        Ok(())
    }

    /// The app info set, if any.
    pub(crate) fn app_info(&self) -> Option<&AppInfo> {
        self.identity.app_info.as_ref()
    }

    /// Sends every request to `base_url`; Stripe's own API host means the default (each
    /// operation to its own server).
    pub(crate) fn set_base_url(&mut self, base_url: String) {
        let is_default = base_url.trim_end_matches('/') == DEFAULT_BASE_URL;
        self.base_url = (!is_default).then_some(base_url);
    }

    /// The base URL set, or [`DEFAULT_BASE_URL`].
    pub(crate) fn base_url(&self) -> &str {
        self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL)
    }

    /// Where a request with the operation server `server` goes: the base URL set, else the
    /// server, else Stripe's API host.
    fn url_for<'a>(&'a self, server: Option<&'a str>) -> &'a str {
        match (&self.base_url, server) {
            (Some(base), _) => base,
            (None, Some(server)) => server,
            (None, None) => DEFAULT_BASE_URL,
        }
    }
}

/// Debug leaves out the secret key.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("secret_key", &self.secret_key)
            .field("base_url", &self.base_url)
            .field("api_version", &self.api_version)
            .field("stripe_context", &self.stripe_context)
            .field("max_retries", &self.max_retries)
            .field("timeout", &self.timeout)
            .field("initial_retry_delay", &self.initial_retry_delay)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("max_upload_bytes", &self.max_upload_bytes)
            .field("max_retry_delay", &self.max_retry_delay)
            .field("app_info", &self.identity.app_info)
            .field("observer", &self.observer.is_some())
            .finish()
    }
}

/// The settings both clients share, as builder methods and getters of a client type with a
/// `config: Config` field: written once here, expanded in `impl Client` of `client.rs` and
/// `blocking.rs`.
macro_rules! config_methods {
    () => {
        /// Sends through `transport` instead.
        pub fn with_transport(mut self, transport: Arc<dyn Transport>) -> Self {
            self.transport = transport;
            self
        }

        /// Sends every request to `base_url`, such as a mock server or a proxy. By default a
        /// request goes to its operation's server: `https://api.stripe.com`, or for file
        /// uploads and downloads `https://files.stripe.com`, as the spec says. A base URL set
        /// here replaces them all (setting `https://api.stripe.com` restores the default).
        pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
            self.config.set_base_url(base_url.into());
            self
        }

        /// Sends this `Stripe-Version` (default [`API_VERSION`](crate::API_VERSION)). The
        /// generated models match the default; other versions may not decode.
        pub fn with_api_version(mut self, version: impl Into<String>) -> Self {
            self.config.api_version = version.into();
            self
        }

        /// Acts in `context` (the `Stripe-Context` header: an account id, or segments joined
        /// by `/`) on every request that does not set its own
        /// ([`Request::stripe_context`](crate::Request::stripe_context)), v1 and v2 alike, as
        /// stripe-node and stripe-go send it. An empty context sends none. A context with a
        /// character that cannot be sent in a header (a line break, a non-ASCII character)
        /// fails each request with [`ErrorKind::InvalidHeader`](crate::ErrorKind::InvalidHeader)
        /// before anything is sent.
        pub fn with_stripe_context(mut self, context: impl Into<String>) -> Self {
            self.config.stripe_context = Some(context.into());
            self
        }

        /// The context set with [`with_stripe_context`](Self::with_stripe_context), if any.
        pub fn stripe_context(&self) -> Option<&str> {
            self.config.stripe_context.as_deref()
        }

        /// Names the application built on the client (a plugin, a platform) to Stripe, as the
        /// official libraries' app info does: `User-Agent` becomes
        /// `stripe-typed/<version> <name>/<version> (<url>)` and `X-Stripe-Client-User-Agent`
        /// gains an `application` object with every field set. Both values are made here, once.
        ///
        /// Fails with [`ErrorKind::InvalidAppInfo`](crate::ErrorKind::InvalidAppInfo), naming
        /// the field, when a field is not printable ASCII (a control character such as a line
        /// break, or a non-ASCII character) or the name is empty.
        pub fn with_app_info(mut self, info: AppInfo) -> Result<Self, Error> {
            self.config.set_app_info(info)?;
            Ok(self)
        }

        /// The app info set with [`with_app_info`](Self::with_app_info), if any.
        pub fn app_info(&self) -> Option<&AppInfo> {
            self.config.app_info()
        }

        /// Reports every attempt to `hook` (method, path, status, `Request-Id`, attempt
        /// number, whether and why it will be retried, elapsed time, idempotency key; never
        /// the API key, parameter values or bodies), for logs and metrics: see
        /// [`Attempt`](crate::Attempt). It runs where the request is sent, after each attempt,
        /// so it should be quick.
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

        /// Reads at most `bytes` of a response body (default 32 MiB); a longer response fails
        /// with [`ErrorKind::ResponseTooLarge`](crate::ErrorKind::ResponseTooLarge).
        pub fn with_max_response_bytes(mut self, bytes: usize) -> Self {
            self.config.max_response_bytes = bytes;
            self
        }

        /// Sends uploads whose files total at most `bytes` (default
        /// [`DEFAULT_MAX_UPLOAD_BYTES`](crate::DEFAULT_MAX_UPLOAD_BYTES), 16 MiB); a larger one
        /// fails with [`ErrorKind::UploadTooLarge`](crate::ErrorKind::UploadTooLarge) before
        /// anything is sent.
        pub fn with_max_upload_bytes(mut self, bytes: usize) -> Self {
            self.config.max_upload_bytes = bytes;
            self
        }

        /// The base URL set with [`with_base_url`](Self::with_base_url), or
        /// `https://api.stripe.com` (then operations with their own server, such as uploads,
        /// go there).
        pub fn base_url(&self) -> &str {
            self.config.base_url()
        }

        /// The `Stripe-Version` requests carry unless they set their own.
        pub fn api_version(&self) -> &str {
            &self.config.api_version
        }
    };
}
pub(crate) use config_methods;

/// What [`Exchange::build`] needs of a request, gathered so that building is not generic.
struct Call<'a> {
    method: Method,
    /// A request to the v2 API (see `Request::is_v2`).
    v2: bool,
    base_url: &'a str,
    path_and_query: String,
    body: Option<&'a Body>,
    options: &'a RequestOptions,
}

/// What a client does after an attempt.
pub(crate) enum Step {
    /// Wait this long, then send [`Exchange::request`] again.
    Retry(Duration),
    /// Stop with this response (2xx) or error.
    Done(Result<HttpResponse, Error>),
}

/// One call in progress: the HTTP request sent on every attempt, and the retry state.
pub(crate) struct Exchange {
    /// A request to the v2 API: its retry rules and error bodies differ.
    v2: bool,
    request: HttpRequest,
    idempotency_key: Option<String>,
    retries: u32,
    max_retries: u32,
    initial_delay: Duration,
    max_delay: Duration,
    rng: XorShift,
    observer: Option<Observer>,
}

impl Exchange {
    /// Builds the HTTP request, with every header, for `request`.
    pub(crate) fn new<T>(config: &Config, request: &Request<T>) -> Result<Self, Error> {
        request.check()?;
        if let Some(key) = &request.options().idempotency_key {
            check_idempotency_key(key)?;
        }
        // The rest is not generic, so that it is compiled once, not once per response type in
        // every crate that sends requests.
        Exchange::build(
            config,
            Call {
                method: request.method(),
                v2: request.is_v2(),
                base_url: config.url_for(request.server_url()),
                path_and_query: request.path_and_query(),
                body: request.raw_body(),
                options: request.options(),
            },
        )
    }

    fn build(config: &Config, call: Call<'_>) -> Result<Self, Error> {
        let Call {
            method,
            v2,
            base_url,
            path_and_query,
            body,
            options,
        } = call;
        // Checked before encoding: a file over the limit is not copied into a body.
        if let Some(Body::Multipart(parts)) = body {
            let size = parts.iter().map(|p| p.file_len()).sum::<usize>();
            if size > config.max_upload_bytes {
                return Err(ErrorKind::UploadTooLarge {
                    size,
                    limit: config.max_upload_bytes,
                }
                .into());
            }
        }
        let mut headers = Vec::with_capacity(7);
        let mut header = |name: &'static str, value: String| {
            if valid_header_value(&value) {
                headers.push((name.to_owned(), value));
                Ok(())
            } else {
                Err(ErrorKind::InvalidHeader { name })
            }
        };
        // A request's own key (the meter event stream's session token) replaces the client's.
        let key = options.api_key.as_ref().unwrap_or(&config.secret_key);
        header("Authorization", format!("Bearer {}", key.expose()))?;
        let version = options.api_version.as_ref().unwrap_or(&config.api_version);
        header("Stripe-Version", version.clone())?;
        header("User-Agent", config.identity.user_agent.clone())?;
        header(
            "X-Stripe-Client-User-Agent",
            config.identity.client_user_agent.clone(),
        )?;
        // Encoded once: every retry sends these same bytes.
        let body = match body {
            // stripe-node sends a v2 POST without parameters as the JSON `{}` (its
            // `_makeRequest` encodes an empty object); stripe-go sends no body when the params
            // are nil. `{}` is what every generated call without parameters sends.
            None if v2 && method == Method::Post => {
                header("Content-Type", "application/json".to_owned())?;
                b"{}".to_vec()
            }
            None => Vec::new(),
            Some(Body::Form(form)) => {
                header(
                    "Content-Type",
                    "application/x-www-form-urlencoded".to_owned(),
                )?;
                form.as_bytes().to_vec()
            }
            Some(Body::Multipart(parts)) => {
                let encoded = multipart::encode(parts, &mut new_boundary);
                header("Content-Type", encoded.content_type())?;
                encoded.body
            }
            Some(Body::Json(json)) => {
                header("Content-Type", "application/json".to_owned())?;
                json.as_bytes().to_vec()
            }
        };
        if let Some(account) = &options.stripe_account {
            header("Stripe-Account", account.clone())?;
        }
        // The request's context, else the client's; an empty one is none (stripe-node's
        // `_normalizeStripeContext` drops empty contexts too).
        let context = options
            .stripe_context
            .as_ref()
            .or(config.stripe_context.as_ref());
        if let Some(context) = context.filter(|c| !c.is_empty()) {
            header("Stripe-Context", context.clone())?;
        }
        // Like Stripe's libraries, every v1 POST and every v2 POST and DELETE carries a key, so
        // that a retry cannot apply twice (stripe-node's `_defaultIdempotencyKey`).
        let generated = method == Method::Post || (v2 && method == Method::Delete);
        let key = match &options.idempotency_key {
            Some(key) => Some(key.clone()),
            None if generated => Some(new_idempotency_key()),
            None => None,
        };
        if let Some(key) = &key {
            header("Idempotency-Key", key.clone())?;
        }

        let url = format!("{}{}", base_url.trim_end_matches('/'), path_and_query);
        Ok(Exchange {
            v2,
            request: HttpRequest {
                method,
                url,
                headers,
                body,
                timeout: options.timeout.unwrap_or(config.timeout),
                max_response_bytes: config.max_response_bytes,
            },
            idempotency_key: key,
            retries: 0,
            max_retries: options.max_retries.unwrap_or(config.max_retries),
            initial_delay: config.initial_retry_delay,
            max_delay: config.max_retry_delay,
            rng: XorShift::seeded(),
            observer: config.observer.clone(),
        })
    }

    /// The request to send on the next attempt.
    pub(crate) fn request(&self) -> HttpRequest {
        self.request.clone()
    }

    /// The `Idempotency-Key` sent on every attempt, if any.
    pub(crate) fn idempotency_key(&self) -> Option<&str> {
        self.idempotency_key.as_deref()
    }

    /// Decodes a 2xx response; a failure carries the idempotency key.
    pub(crate) fn decode<T>(
        &self,
        response: HttpResponse,
        decoder: Decoder<T>,
    ) -> Result<T, Error> {
        decode(response, decoder, self.idempotency_key())
    }

    /// Decides what follows an attempt's outcome.
    /// `elapsed` is how long the attempt took, for the observer.
    pub(crate) fn step(
        &mut self,
        outcome: Result<HttpResponse, TransportError>,
        elapsed: Duration,
    ) -> Step {
        let limit = self.request.max_response_bytes;
        // A transport that ignores the limit is held to it here.
        let outcome = match outcome {
            Ok(response) if response.body.len() > limit => Err(TransportError::new(
                TransportErrorKind::ResponseTooLarge,
                "too large",
            )),
            other => other,
        };
        let reason = match &outcome {
            Ok(response) if is_success(response.status) => None,
            Ok(response) => retry_reason(response, self.v2),
            Err(e) => transport_retry_reason(e),
        };
        let retry = match reason {
            None => Retry::No,
            Some(reason) if self.retries >= self.max_retries => Retry::Exhausted(reason),
            Some(reason) => {
                let jitter = self.rng.next_unit();
                let delay =
                    backoff_delay(self.retries + 1, self.initial_delay, self.max_delay, jitter);
                Retry::After { reason, delay }
            }
        };
        if let Some(observer) = &self.observer {
            let response = outcome.as_ref().ok();
            observer.report(&Attempt {
                method: self.request.method,
                path: split_url(&self.request.url).0,
                attempt: self.retries + 1,
                status: response.map(|r| r.status),
                request_id: response.and_then(|r| r.header("request-id")),
                transport_error: outcome.as_ref().err().map(TransportError::kind),
                idempotency_key: self.idempotency_key.as_deref(),
                elapsed,
                retry,
            });
        }
        if let Retry::After { delay, .. } = retry {
            self.retries += 1;
            return Step::Retry(delay);
        }
        let key = self.idempotency_key();
        Step::Done(match outcome {
            Ok(response) if is_success(response.status) => Ok(response),
            Ok(response) => Err(error_from_response(&response, key, self.v2)),
            // Nothing was sent, so there is no key to keep.
            Err(e) if e.kind() == TransportErrorKind::InsideAsyncRuntime => {
                Err(ErrorKind::BlockingInAsyncRuntime.into())
            }
            Err(e) => {
                let kind = match e.kind() {
                    TransportErrorKind::Timeout => ErrorKind::Timeout {
                        after: self.request.timeout,
                    },
                    TransportErrorKind::ResponseTooLarge => ErrorKind::ResponseTooLarge { limit },
                    _ => ErrorKind::Transport(e),
                };
                Err(Error::no_response(kind, key))
            }
        })
    }
}

/// Checks a caller's `Idempotency-Key` against Stripe's rules before anything is sent.
fn check_idempotency_key(key: &str) -> Result<(), Error> {
    let reason = if key.is_empty() {
        "is empty"
    } else if key.chars().count() > 255 {
        "is longer than 255 characters"
    } else if key.chars().any(char::is_control) {
        "contains a control character"
    } else {
        return Ok(());
    };
    Err(ErrorKind::InvalidIdempotencyKey { reason }.into())
}

fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

/// Header values go out as visible ASCII, spaces and tabs; anything else would be rejected by
/// the HTTP stack or split the header.
fn valid_header_value(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
}

/// Why a non-2xx response should be retried, by the rules of stripe-node and stripe-go, or
/// `None` when it should not.
///
/// `Stripe-Should-Retry: true` or `false` decides when present. Otherwise a 409 (conflict) and
/// any 5xx are retried. A v1 429 is retried only when its error code is `lock_timeout` (a
/// request that conflicted with another on the same object; stripe-go's `Error.canRetry`):
/// any other 429 is rate limiting, which retrying would make worse. Nothing else is retried: a
/// 400, 401, 402 or 404 would fail the same way again.
///
/// A v2 response (`v2`) follows stripe-node's `_shouldRetry`, which is the same for v1 and v2:
/// the header, then 409 and 5xx; no 429 is retried (`lock_timeout` is a v1 code; v2's 429 is
/// `rate_limit`, which stripe-go's `RateLimitError.canRetry` refuses too). stripe-go retries
/// no v2 response that carries an error object (`V2RawError.canRetry` is false, checked before
/// the header); we follow stripe-node instead, because every v2 POST and DELETE carries an
/// idempotency key, so a retried 409 or 5xx cannot apply twice.
fn retry_reason(response: &HttpResponse, v2: bool) -> Option<RetryReason> {
    match response.header("stripe-should-retry") {
        Some("true") => return Some(RetryReason::StripeShouldRetry),
        Some("false") => return None,
        _ => {}
    }
    match response.status {
        409 => Some(RetryReason::Conflict),
        429 if !v2 && error_code_of(&response.body).as_deref() == Some("lock_timeout") => {
            Some(RetryReason::LockTimeout)
        }
        status if status >= 500 => Some(RetryReason::ServerError),
        _ => None,
    }
}

/// Why a transport failure is retried ([`TransportError::is_retryable`] says whether), or `None`.
fn transport_retry_reason(e: &TransportError) -> Option<RetryReason> {
    if !e.is_retryable() {
        return None;
    }
    Some(match e.kind() {
        TransportErrorKind::Timeout => RetryReason::Timeout,
        _ => RetryReason::Connection,
    })
}

/// The pause before retry number `retry` (1 for the first retry).
///
/// Exponential like stripe-node: `initial * 2^(retry - 1)`, capped at `max`, then scaled by a
/// jitter factor between 0.5 and 1 (`jitter` is uniform in `[0, 1)`), and finally kept within
/// `[initial, max]`.
pub(crate) fn backoff_delay(retry: u32, initial: Duration, max: Duration, jitter: f64) -> Duration {
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

/// The error for a non-2xx response to a request sent with `idempotency_key`: Stripe's error
/// object when the body has one, v2's for a request to the v2 API (`v2`), as stripe-node's
/// `generateV2Error` and stripe-go's `responseToErrorV2` read them.
pub(crate) fn error_from_response(
    response: &HttpResponse,
    idempotency_key: Option<&str>,
    v2: bool,
) -> Error {
    let kind = if v2 {
        v2_api_error_of(&response.body).map(|e| ErrorKind::ApiV2(Box::new(e)))
    } else {
        api_error_of(&response.body).map(|e| ErrorKind::Api(Box::new(e)))
    };
    let kind = kind.unwrap_or(ErrorKind::Http);
    Error::about_response(kind, response, idempotency_key)
}

/// Decodes a 2xx response body with `decoder`, checking its UTF-8 once up front rather than
/// string by string; a failure carries `idempotency_key`.
pub(crate) fn decode<T>(
    response: HttpResponse,
    decoder: Decoder<T>,
    idempotency_key: Option<&str>,
) -> Result<T, Error> {
    let decoder = match decoder {
        Decoder::Json(decoder) => decoder,
        Decoder::Bytes(wrap) => return Ok(wrap(response.body)),
    };
    let failure = match std::str::from_utf8(&response.body) {
        Ok(text) => match decoder(text) {
            Ok(value) => return Ok(value),
            Err(failure) => failure,
        },
        Err(e) => DecodeFailure {
            path: ".".to_owned(),
            message: format!("the body is not UTF-8: {e}"),
        },
    };
    let kind = ErrorKind::Decode {
        path: failure.path,
        message: failure.message,
    };
    Err(Error::about_response(kind, &response, idempotency_key))
}

/// 16 bytes from the operating system's randomness. Should the OS refuse (the TLS stack could
/// not work then either), the bytes come from [`fallback_entropy`], which still differ between
/// calls and processes.
fn random_bytes() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    if getrandom::getrandom(&mut bytes).is_err() {
        bytes[..8].copy_from_slice(&fallback_entropy().to_le_bytes());
        bytes[8..].copy_from_slice(&fallback_entropy().to_le_bytes());
    }
    bytes
}

/// 64 bits that differ between calls and processes: the clock, a process-wide counter, the
/// process id and a stack address, mixed by splitmix64. Only used when the OS has no randomness.
fn fallback_entropy() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let local = 0u8;
    let address = &local as *const u8 as u64;
    splitmix64(
        nanos ^ splitmix64(count) ^ (u64::from(std::process::id()) << 32) ^ address.rotate_left(17),
    )
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A fresh multipart boundary: 128 random bits in hex after a fixed prefix (70 characters at
/// most, RFC 2046; only characters that need no quoting).
fn new_boundary() -> String {
    let mut boundary = String::from("stripe-typed-");
    for b in random_bytes() {
        // Writing to a String cannot fail.
        let _ = write!(boundary, "{b:02x}");
    }
    boundary
}

/// A fresh idempotency key: a random (version 4) UUID, as Stripe recommends.
pub(crate) fn new_idempotency_key() -> String {
    uuid_v4(random_bytes())
}

/// Formats 16 random bytes as a version-4 UUID (RFC 9562): the version nibble of byte 6 is
/// `4` and the two top bits of byte 8 are the variant `10`; the other 122 bits are random.
fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0F) | 0x40;
    bytes[8] = (bytes[8] & 0x3F) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        // Writing to a String cannot fail.
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// xorshift64*: enough randomness for retry jitter.
struct XorShift(u64);

impl XorShift {
    fn seeded() -> Self {
        let bytes = random_bytes();
        let mut seed = [0u8; 8];
        seed.copy_from_slice(&bytes[..8]);
        // xorshift must not start at zero.
        XorShift(u64::from_le_bytes(seed) | 1)
    }

    /// A number uniform in `[0, 1)`.
    fn next_unit(&mut self) -> f64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::decode_json;
    use crate::{ApiErrorType, Json, TransportErrorKind};

    const MS: Duration = Duration::from_millis(1);

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
        let mut rng = XorShift::seeded();
        let samples: Vec<f64> = (0..1000).map(|_| rng.next_unit()).collect();
        assert!(samples.iter().all(|x| (0.0..1.0).contains(x)));
        assert!(samples.iter().any(|x| *x < 0.1));
        assert!(samples.iter().any(|x| *x > 0.9));
    }

    #[test]
    fn retry_decisions_follow_stripes_libraries() {
        let retry = |status: u16, header: Option<&str>, body: &str| {
            let headers: Vec<(&str, &str)> = header
                .map(|h| vec![("Stripe-Should-Retry", h)])
                .unwrap_or_default();
            retry_reason(&response(status, &headers, body), false).is_some()
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
            let headers: Vec<(&str, &str)> = header
                .map(|h| vec![("Stripe-Should-Retry", h)])
                .unwrap_or_default();
            retry_reason(&response(status, &headers, body), true)
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
    fn uuid_v4_sets_version_and_variant_bits_only() {
        assert_eq!(uuid_v4([0; 16]), "00000000-0000-4000-8000-000000000000");
        assert_eq!(uuid_v4([0xFF; 16]), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        let counting: [u8; 16] = std::array::from_fn(|i| i as u8 * 17);
        assert_eq!(uuid_v4(counting), "00112233-4455-4677-8899-aabbccddeeff");
    }

    #[test]
    fn idempotency_keys_are_random_uuids() {
        let keys: Vec<String> = (0..100).map(|_| new_idempotency_key()).collect();
        for key in &keys {
            assert_eq!(key.len(), 36, "{key}");
            assert_eq!(&key[14..15], "4", "{key}");
            assert!(matches!(&key[19..20], "8" | "9" | "a" | "b"), "{key}");
        }
        let mut unique = keys.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), keys.len());
        // 122 random bits: two keys made back to back share about half their bits, where keys
        // derived from a clock and a counter would share most of them before mixing.
        let bits = |k: &str| u128::from_str_radix(&k.replace('-', ""), 16).unwrap();
        let differing = (bits(&keys[0]) ^ bits(&keys[1])).count_ones();
        assert!((20..=108).contains(&differing), "{differing}");
    }

    #[test]
    fn caller_keys_are_checked_before_sending() {
        let req = |key: &str| -> Request<Json> {
            Request::new(Method::Post, "/v1/x".to_owned()).idempotency_key(key)
        };
        for (key, reason) in [
            ("", "is empty"),
            (&"k".repeat(256), "is longer than 255 characters"),
            ("a\nb", "contains a control character"),
            ("a\u{7f}", "contains a control character"),
        ] {
            match Exchange::new(&config(), &req(key)).map_err(Error::into_kind) {
                Err(ErrorKind::InvalidIdempotencyKey { reason: r }) => assert_eq!(r, reason),
                other => panic!("{key:?}: {:?}", other.map(|e| e.request())),
            }
        }
        let longest = "é".repeat(255);
        assert!(matches!(
            Exchange::new(&config(), &req(&longest)).map_err(Error::into_kind),
            Err(ErrorKind::InvalidHeader {
                name: "Idempotency-Key"
            })
        ));
        let ok = Exchange::new(&config(), &req(&"k".repeat(255))).unwrap();
        assert_eq!(ok.idempotency_key().map(str::len), Some(255));
    }

    #[test]
    fn errors_carry_the_idempotency_key_sent() {
        let post: Request<Json> = Request::new(Method::Post, "/v1/x".to_owned()).max_retries(0);
        let outcomes = || -> Vec<Result<HttpResponse, TransportError>> {
            vec![
                Ok(response(402, &[], r#"{"error": {"type": "card_error"}}"#)),
                Ok(response(502, &[], "bad gateway")),
                Err(TransportError::new(TransportErrorKind::Timeout, "slow")),
                Err(TransportError::new(TransportErrorKind::Connect, "refused")),
                Ok(response(200, &[], &" ".repeat(65))),
            ]
        };
        let mut small = config();
        small.max_response_bytes = 64;
        for outcome in outcomes() {
            let mut ex = Exchange::new(&small, &post).unwrap();
            let key = ex.idempotency_key().unwrap().to_owned();
            let err = match ex.step(outcome, Duration::ZERO) {
                Step::Done(Err(e)) => e,
                _ => panic!("expected an error"),
            };
            assert_eq!(err.idempotency_key(), Some(key.as_str()), "{err:?}");
        }
        let mut ex = Exchange::new(&small, &post).unwrap();
        let key = ex.idempotency_key().unwrap().to_owned();
        let Step::Done(Ok(ok)) = ex.step(Ok(response(200, &[], "[1")), Duration::ZERO) else {
            panic!("expected a 2xx");
        };
        let err = ex
            .decode(ok, Decoder::Json(decode_json::<Json>))
            .unwrap_err();
        assert_eq!(err.idempotency_key(), Some(key.as_str()));
        // A GET has no key, and errors before sending have none either.
        let get: Request<Json> = Request::new(Method::Get, "/v1/x".to_owned()).max_retries(0);
        let mut ex = Exchange::new(&config(), &get).unwrap();
        match ex.step(Ok(response(404, &[], "{}")), Duration::ZERO) {
            Step::Done(Err(e)) => assert_eq!(e.idempotency_key(), None),
            _ => panic!("expected an error"),
        }
    }

    #[test]
    fn oversized_bodies_fail_and_errors_keep_an_excerpt() {
        let mut small = config();
        small.max_response_bytes = 10;
        let get: Request<Json> = Request::new(Method::Get, "/v1/x".to_owned());
        let mut ex = Exchange::new(&small, &get).unwrap();
        // Not retried: the same response would come again.
        match failed(ex.step(Ok(response(200, &[], "01234567890")), Duration::ZERO)) {
            Some(ErrorKind::ResponseTooLarge { limit: 10 }) => {}
            _ => panic!("expected ResponseTooLarge"),
        }
        assert_eq!(ex.request().max_response_bytes, 10);
        let big = format!("{}é{}", "x".repeat(4095), "y".repeat(100_000));
        let err = error_from_response(&response(502, &[], &big), None, false);
        assert!(matches!(err.kind(), ErrorKind::Http), "{err:?}");
        assert_eq!(err.body(), Some(&*"x".repeat(4095)));
        let err = decode(
            response(200, &[], &format!("[{}", "1,".repeat(50_000))),
            Decoder::Json(decode_json::<Vec<i64>>),
            None,
        )
        .unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Decode { .. }), "{err:?}");
        assert_eq!(err.body().map(str::len), Some(4096));
    }

    /// What went wrong, when `step` ended the call with an error.
    fn failed(step: Step) -> Option<ErrorKind> {
        match step {
            Step::Done(Err(e)) => Some(e.into_kind()),
            _ => None,
        }
    }

    fn config() -> Config {
        let mut c = Config::new("sk_test_123".into());
        c.base_url = Some("http://127.0.0.1:1/".into());
        c.max_retries = 2;
        c.initial_retry_delay = MS;
        c.max_retry_delay = 2 * MS;
        c
    }

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
        HttpResponse::new(
            status,
            headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            body.as_bytes().to_vec(),
        )
    }

    #[test]
    fn exchange_headers_and_url() {
        let req: Request<Json> = Request::new(Method::Post, "/v1/x".to_owned())
            .form(&Some("a b".to_owned()))
            .stripe_account("acct_1");
        let ex = Exchange::new(&config(), &req).unwrap();
        let http = ex.request();
        assert_eq!(http.url, "http://127.0.0.1:1/v1/x");
        assert_eq!(http.body, b"=a%20b");
        assert_eq!(http.header("authorization"), Some("Bearer sk_test_123"));
        assert_eq!(http.header("stripe-version"), Some(API_VERSION));
        assert_eq!(http.header("stripe-account"), Some("acct_1"));
        assert_eq!(http.header("idempotency-key").map(str::len), Some(36));
        assert!(!format!("{http:?}").contains("sk_test_123"));

        let get: Request<Json> = Request::new(Method::Get, "/v1/x".to_owned());
        let http = Exchange::new(&config(), &get).unwrap().request();
        assert_eq!(http.header("idempotency-key"), None);
        assert_eq!(http.header("content-type"), None);

        let bad = get.clone().stripe_account("acct\r\nX-Evil: 1");
        let err = Exchange::new(&config(), &bad).err().unwrap();
        assert!(matches!(
            err.kind(),
            ErrorKind::InvalidHeader {
                name: "Stripe-Account"
            }
        ));
        let mut bad_key = config();
        bad_key.secret_key = Secret::new("sk_test_\nsecret");
        let err = Exchange::new(&bad_key, &get).err().unwrap();
        assert!(!format!("{err:?} {err}").contains("secret"));
    }

    #[test]
    fn json_bodies_and_v2_posts_without_parameters() {
        let req: Request<Json> = Request::new(Method::Post, "/v2/core/accounts")
            .json(&serde_json::json!({"display_name": "x"}));
        let http = Exchange::new(&config(), &req).unwrap().request();
        assert_eq!(http.header("content-type"), Some("application/json"));
        assert_eq!(http.body, br#"{"display_name":"x"}"#);
        // A v2 POST without parameters sends `{}`, as stripe-node does.
        let bare: Request<Json> =
            Request::new(Method::Post, "/v2/core/event_destinations/ed_1/ping");
        let http = Exchange::new(&config(), &bare).unwrap().request();
        assert_eq!(http.header("content-type"), Some("application/json"));
        assert_eq!(http.body, b"{}");
        // A v1 one sends nothing, and v2 GETs and DELETEs have no body.
        let v1: Request<Json> = Request::new(Method::Post, "/v1/x");
        let http = Exchange::new(&config(), &v1).unwrap().request();
        assert_eq!((http.header("content-type"), http.body.len()), (None, 0));
        for method in [Method::Get, Method::Delete] {
            let r: Request<Json> = Request::new(method, "/v2/core/accounts/acct_1");
            let http = Exchange::new(&config(), &r).unwrap().request();
            assert_eq!((http.header("content-type"), http.body.len()), (None, 0));
        }
    }

    #[test]
    fn context_api_key_and_v2_idempotency_headers() {
        let send =
            |config: &Config, r: &Request<Json>| Exchange::new(config, r).map(|e| e.request());
        let mut with_context = config();
        with_context.stripe_context = Some("acct_1".to_owned());
        // The client's context on v1 and v2; a request's own replaces it; empty means none.
        for path in ["/v1/customers", "/v2/core/accounts"] {
            let get: Request<Json> = Request::new(Method::Get, path);
            let http = send(&with_context, &get).unwrap();
            assert_eq!(http.header("stripe-context"), Some("acct_1"));
            let own = get.clone().stripe_context("acct_1/acct_2");
            assert_eq!(
                send(&with_context, &own).unwrap().header("stripe-context"),
                Some("acct_1/acct_2")
            );
            let none = get.clone().stripe_context("");
            assert_eq!(
                send(&with_context, &none).unwrap().header("stripe-context"),
                None
            );
            assert_eq!(
                send(&config(), &get).unwrap().header("stripe-context"),
                None
            );
        }
        let mut empty = config();
        empty.stripe_context = Some(String::new());
        let get: Request<Json> = Request::new(Method::Get, "/v2/core/accounts");
        assert_eq!(send(&empty, &get).unwrap().header("stripe-context"), None);
        // User input that would break the header is refused before sending, named, not shown.
        for bad in ["acct_1\r\nX-Evil: 1", "acct_\u{7f}", "acct_é"] {
            let err = send(&config(), &get.clone().stripe_context(bad)).unwrap_err();
            assert!(
                matches!(
                    err.kind(),
                    ErrorKind::InvalidHeader {
                        name: "Stripe-Context"
                    }
                ),
                "{err:?}"
            );
            assert!(!format!("{err:?} {err}").contains("acct_"), "{err:?}");
            let mut client_wide = config();
            client_wide.stripe_context = Some(bad.to_owned());
            assert!(send(&client_wide, &get).is_err());
        }
        // A request's own key replaces the client's, and never shows in Debug.
        let stream: Request<Json> = Request::new(Method::Post, "/v2/billing/meter_event_stream")
            .api_key("ek_test_session_token");
        let http = send(&config(), &stream).unwrap();
        assert_eq!(
            http.header("authorization"),
            Some("Bearer ek_test_session_token")
        );
        assert!(!format!("{stream:?} {http:?}").contains("session_token"));
        let err = send(&config(), &stream.clone().api_key("ek\nx")).unwrap_err();
        assert!(matches!(
            err.kind(),
            ErrorKind::InvalidHeader {
                name: "Authorization"
            }
        ));
        // v2 DELETEs get a key as v2 POSTs do; v1 DELETEs and every GET do not.
        let key = |method, path: &str| {
            let r: Request<Json> = Request::new(method, path);
            send(&config(), &r)
                .unwrap()
                .header("idempotency-key")
                .map(str::len)
        };
        assert_eq!(
            key(Method::Delete, "/v2/core/accounts/acct_1/persons/p_1"),
            Some(36)
        );
        assert_eq!(key(Method::Post, "/v2/core/accounts"), Some(36));
        assert_eq!(key(Method::Delete, "/v1/customers/cus_1"), None);
        assert_eq!(key(Method::Get, "/v2/core/accounts"), None);
        let own: Request<Json> = Request::new(Method::Delete, "/v2/x").idempotency_key("mine");
        assert_eq!(
            send(&config(), &own).unwrap().header("idempotency-key"),
            Some("mine")
        );
    }

    #[test]
    fn operation_servers_unless_a_base_url_is_set() {
        let upload: Request<Json> =
            Request::new(Method::Post, "/v1/files").server("https://files.stripe.com/");
        let plain: Request<Json> = Request::new(Method::Get, "/v1/x");
        let url =
            |config: &Config, r: &Request<Json>| Exchange::new(config, r).unwrap().request().url;
        let mut default = config();
        default.base_url = None;
        assert_eq!(url(&default, &upload), "https://files.stripe.com/v1/files");
        assert_eq!(url(&default, &plain), "https://api.stripe.com/v1/x");
        // A base URL set (a mock server, a proxy) takes every request.
        assert_eq!(url(&config(), &upload), "http://127.0.0.1:1/v1/files");
        assert_eq!(url(&config(), &plain), "http://127.0.0.1:1/v1/x");
        // Setting Stripe's own API host is the default, not "everything to api.stripe.com".
        let mut explicit = config();
        explicit.set_base_url("https://api.stripe.com/".to_owned());
        assert_eq!(explicit.base_url(), DEFAULT_BASE_URL);
        assert_eq!(url(&explicit, &upload), "https://files.stripe.com/v1/files");
    }

    #[test]
    fn uploads_are_encoded_once_and_bounded() {
        use crate::{FileUpload, Form, ToForm};
        struct Upload(FileUpload);
        impl ToForm for Upload {
            fn to_form(&self, key: &str, form: &mut Form) {
                form.field(key, "file", &self.0);
                form.field(key, "purpose", &"dispute_evidence");
            }
        }
        let file = Upload(FileUpload::new("e.pdf", vec![b'x'; 100]));
        let post: Request<Json> = Request::new(Method::Post, "/v1/files").multipart(&file);
        let mut ex = Exchange::new(&config(), &post).unwrap();
        let first = ex.request();
        let content_type = first.header("content-type").unwrap().to_owned();
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=stripe-typed-")
            .unwrap();
        assert_eq!(boundary.len(), 32, "{content_type}");
        assert!(matches!(
            ex.step(Ok(response(500, &[], "")), Duration::ZERO),
            Step::Retry(_)
        ));
        let second = ex.request();
        assert_eq!(
            (&second.body, second.header("idempotency-key")),
            (&first.body, first.header("idempotency-key"))
        );
        // Another exchange chooses another boundary.
        let other = Exchange::new(&config(), &post).unwrap().request();
        assert_ne!(other.header("content-type").unwrap(), content_type);

        let mut small = config();
        small.max_upload_bytes = 99;
        match Exchange::new(&small, &post).map_err(Error::into_kind) {
            Err(ErrorKind::UploadTooLarge {
                size: 100,
                limit: 99,
            }) => {}
            other => panic!("{:?}", other.map(|e| e.request())),
        }
        small.max_upload_bytes = 100;
        assert!(Exchange::new(&small, &post).is_ok());
    }

    #[test]
    fn binary_responses_are_returned_as_sent() {
        let pdf: Request<crate::Bytes> = Request::binary(Method::Get, "/v1/quotes/q/pdf");
        let body = b"%PDF-1.7\n\xff\xfe".to_vec();
        let bytes = decode(response_bytes(200, body.clone()), pdf.decoder(), None).unwrap();
        assert_eq!(bytes.into_vec(), body);
    }

    fn response_bytes(status: u16, body: Vec<u8>) -> HttpResponse {
        HttpResponse::new(status, Vec::new(), body)
    }

    #[test]
    fn exchange_retries_then_gives_up() {
        let req: Request<Json> = Request::new(Method::Get, "/v1/x".to_owned());
        let mut ex = Exchange::new(&config(), &req).unwrap();
        assert!(matches!(
            ex.step(Ok(response(500, &[], "")), Duration::ZERO),
            Step::Retry(_)
        ));
        let timeout = TransportError::new(TransportErrorKind::Timeout, "slow");
        assert!(matches!(
            ex.step(Err(timeout.clone()), Duration::ZERO),
            Step::Retry(_)
        ));
        match failed(ex.step(Err(timeout), Duration::ZERO)) {
            Some(ErrorKind::Timeout { .. }) => {}
            _ => panic!("expected a timeout"),
        }

        let mut ex = Exchange::new(&config(), &req.clone().max_retries(0)).unwrap();
        match failed(ex.step(
            Err(TransportError::new(TransportErrorKind::Connect, "refused")),
            Duration::ZERO,
        )) {
            Some(ErrorKind::Transport(e)) => assert!(e.is_connect()),
            _ => panic!("expected a transport error"),
        }

        // Failures that cannot heal end the call at once, with retries left.
        for kind in [
            TransportErrorKind::Certificate,
            TransportErrorKind::InvalidRequest,
        ] {
            let mut ex = Exchange::new(&config(), &req).unwrap();
            match failed(ex.step(Err(TransportError::new(kind, "final")), Duration::ZERO)) {
                Some(ErrorKind::Transport(e)) => assert_eq!(e.kind(), kind),
                _ => panic!("{kind:?} was retried"),
            }
        }
        let mut ex = Exchange::new(&config(), &req).unwrap();
        let inside = TransportError::new(TransportErrorKind::InsideAsyncRuntime, "no");
        let err = match ex.step(Err(inside), Duration::ZERO) {
            Step::Done(Err(e)) => e,
            _ => panic!("expected BlockingInAsyncRuntime"),
        };
        assert!(matches!(err.kind(), ErrorKind::BlockingInAsyncRuntime));
        // Nothing was sent: no context, not even the key.
        assert_eq!(err.idempotency_key(), None);
    }

    #[test]
    fn error_bodies() {
        let err = error_from_response(
            &response(
                402,
                &[("Request-Id", "req_1")],
                r#"{"error": {"type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds",
                "charge": "ch_1", "message": "Your card has insufficient funds.", "new_field": 1,
                "payment_intent": {"id": "pi_1", "client_secret": "pi_1_secret_xyz"}}}"#,
            ),
            None,
            false,
        );
        match err.kind() {
            ErrorKind::Api(error) => {
                assert_eq!(error.type_, ApiErrorType::CardError);
                assert_eq!(error.decline_code.as_deref(), Some("insufficient_funds"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!((err.status(), err.request_id()), (Some(402), Some("req_1")));
        assert_eq!(
            err.to_string(),
            "Stripe API error 402 card_error/card_declined (decline_code: insufficient_funds, \
             charge: ch_1): Your card has insufficient funds. [request req_1]"
        );
        let debug = format!("{err:?}");
        assert!(
            debug.contains(r#"payment_intent: Object("pi_1")"#),
            "{debug}"
        );
        assert!(!debug.contains("secret"), "{debug}");

        let err = error_from_response(&response(502, &[], "<html>bad gateway</html>"), None, false);
        assert!(matches!(err.kind(), ErrorKind::Http), "{err:?}");
        assert_eq!(err.status(), Some(502));
        assert!(err.body().is_some_and(|b| b.contains("bad gateway")));
        assert!(!format!("{err:?}{err}").contains("bad gateway"));
    }

    #[test]
    fn v2_error_bodies() {
        let body = r#"{"error": {"type": "invalid_request_error", "code": "not_found",
            "message": "No such account: 'acct_x'", "user_message": "Not found."}}"#;
        let err = error_from_response(
            &response(404, &[("Request-Id", "req_2")], body),
            Some("k"),
            true,
        );
        let e = err.v2_api_error().expect("a v2 error");
        assert_eq!(
            e.code,
            <crate::v2::ErrorCode as crate::WireEnum>::from_wire("not_found")
        );
        assert_eq!(e.user_message.as_deref(), Some("Not found."));
        assert!(err.api_error().is_none());
        assert_eq!(
            (err.status(), err.request_id(), err.idempotency_key()),
            (Some(404), Some("req_2"), Some("k"))
        );
        assert_eq!(
            err.to_string(),
            "Stripe API v2 error 404 invalid_request_error/not_found: No such account: 'acct_x' \
             [request req_2]"
        );
        // The same body on a v1 path is v1's error object (with `type` it decodes there too).
        let v1 = error_from_response(&response(404, &[], body), None, false);
        assert!(v1.api_error().is_some() && v1.v2_api_error().is_none());
        // A body that is not an error object is Http, as for v1, with the body's start kept.
        for junk in [
            "<html>502</html>",
            r#"{"error": "x"}"#,
            r#"{"error": {"code": 5}}"#,
            "",
        ] {
            let err = error_from_response(&response(502, &[], junk), None, true);
            assert!(matches!(err.kind(), ErrorKind::Http), "{junk}: {err:?}");
            assert_eq!(err.body(), Some(junk));
        }
        // Through the exchange: a v2 path reads v2's object.
        let get: Request<Json> =
            Request::new(Method::Get, "/v2/core/accounts/acct_x").max_retries(0);
        let mut ex = Exchange::new(&config(), &get).unwrap();
        match failed(ex.step(Ok(response(404, &[], body)), Duration::ZERO)) {
            Some(ErrorKind::ApiV2(e)) => assert_eq!(
                e.code,
                <crate::v2::ErrorCode as crate::WireEnum>::from_wire("not_found")
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn decode_names_the_path() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)] // Only decoding is under test.
        struct Item {
            n: i64,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Page {
            data: Vec<Item>,
        }
        let err = decode(
            response(
                200,
                &[("request-id", "req_2")],
                r#"{"data": [{"n": 1}, {"n": "two"}]}"#,
            ),
            Decoder::Json(decode_json::<Page>),
            None,
        )
        .unwrap_err();
        match err.kind() {
            ErrorKind::Decode { path, .. } => assert_eq!(path, "data[1].n"),
            other => panic!("{other:?}"),
        }
        assert_eq!((err.status(), err.request_id()), (Some(200), Some("req_2")));
        assert!(err.body().is_some_and(|b| b.contains("two")));
        assert!(err.to_string().contains("`data[1].n`"), "{err}");
        let trailing = decode(
            response(200, &[], "{} x"),
            Decoder::Json(decode_json::<Json>),
            None,
        )
        .unwrap_err();
        assert!(matches!(trailing.kind(), ErrorKind::Decode { .. }));
    }
}
