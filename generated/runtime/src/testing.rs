//! A test double for code that calls Stripe (feature `testing`): [`FakeStripe`] plugs in as the
//! client's transport, answers from replies scripted per operation in typed terms, and records
//! what was sent as typed values. No sockets, no pauses between retries, no tokio needed.
//!
//! ```
//! use stripe_typed_runtime::testing::{block_on, FakeStripe};
//! use stripe_typed_runtime::{self as rt, ErrorKind, Method, Request};
//!
//! // The code under test: it takes any client.
//! async fn balance(client: &rt::Client) -> Result<rt::Json, rt::Error> {
//!     client.send(Request::new(Method::Get, "/v1/balance")).await
//! }
//!
//! let fake = FakeStripe::new();
//! fake.on(Method::Get, "/v1/balance")
//!     .rate_limited(Some(true)) // a 429 that Stripe says to retry
//!     .reply(&serde_json::json!({"object": "balance", "available": []}));
//! let value = block_on(balance(&fake.client())).expect("the retry succeeds");
//! assert_eq!(value["object"], "balance");
//! let sent = fake.requests();
//! assert_eq!((sent.len(), sent[1].attempt), (2, 2));
//! assert_eq!(fake.sleeps().len(), 1); // asked for, not slept
//!
//! // Nothing scripted: a clear error, not a hang or a panic.
//! let err = block_on(balance(&fake.client())).unwrap_err();
//! assert!(matches!(err.kind(), ErrorKind::Transport(_)));
//! assert!(err.to_string().contains("GET /v1/balance"), "{err}");
//! ```

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use serde::Serialize;

use super::redact::{redacted_headers, JsonValueNames, RedactedUrl};
use super::transport::split_url;
use super::{
    v2, ApiError, ApiErrorType, BoxFuture, Client, HttpRequest, HttpResponse, Json, Method,
    Transport, TransportError, TransportErrorKind,
};

/// The secret key of the clients [`FakeStripe::client`] makes.
pub const FAKE_SECRET_KEY: &str = "sk_test_fake";

/// A fake Stripe API that plugs in as a client's transport.
///
/// Script replies per operation with [`FakeStripe::on`] (a method and a path, whose `*`
/// segments match any one segment); each request takes the next unused reply of the first
/// operation it matches, in the order scripted. A request nothing is scripted for (or whose
/// replies are used up) fails at once with a [`TransportErrorKind::InvalidRequest`] error that
/// names its method and path, which the client does not retry.
///
/// Every request is recorded ([`FakeStripe::requests`]), with its parameters decoded, and
/// every pause the client asks for between retries is recorded ([`FakeStripe::sleeps`]) and
/// returns at once. Clones share the script and the records, so a test keeps one clone and
/// hands the client another.
///
/// Use it with [`FakeStripe::client`], or any client: `Client::from_transport(key,
/// Arc::new(fake.clone()))`; with the feature `blocking` it is also a
/// `blocking::Transport` ([`FakeStripe::blocking_client`]).
#[derive(Clone, Default)]
pub struct FakeStripe {
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    operations: Vec<Operation>,
    sent: Vec<SentRequest>,
    sleeps: Vec<Duration>,
    /// The client asked for a pause since the last request: the next one is a retry.
    retrying: bool,
    /// Numbers the `Request-Id` of replies.
    replies_given: u64,
}

/// One scripted operation: its method, path pattern and replies not yet used.
struct Operation {
    method: Method,
    pattern: String,
    replies: VecDeque<Outcome>,
}

type Outcome = Result<HttpResponse, TransportError>;

impl FakeStripe {
    /// A fake with nothing scripted.
    pub fn new() -> Self {
        FakeStripe::default()
    }

    /// An async client over this fake, with the secret key [`FAKE_SECRET_KEY`].
    pub fn client(&self) -> Client {
        Client::from_transport(FAKE_SECRET_KEY, Arc::new(self.clone()))
    }

    /// A blocking client over this fake, with the secret key [`FAKE_SECRET_KEY`].
    #[cfg(feature = "blocking")]
    #[cfg_attr(docsrs, doc(cfg(feature = "blocking")))]
    pub fn blocking_client(&self) -> super::blocking::Client {
        super::blocking::Client::from_transport(FAKE_SECRET_KEY, Arc::new(self.clone()))
    }

    /// Scripts replies for `method` on `path`, such as
    /// `"/v1/financial_connections/sessions"`, or `"/v1/financial_connections/sessions/*"` for
    /// any session: a `*` segment matches any one segment. The path is matched as sent
    /// (percent-encoded), without the query string.
    ///
    /// Scripting the same method and path again adds to the same queue of replies.
    #[must_use = "a script does nothing until a reply is added"]
    pub fn on(&self, method: Method, path: &str) -> Script<'_> {
        let mut state = self.lock();
        let index = match state
            .operations
            .iter()
            .position(|o| o.method == method && o.pattern == path)
        {
            Some(index) => index,
            None => {
                state.operations.push(Operation {
                    method,
                    pattern: path.to_owned(),
                    replies: VecDeque::new(),
                });
                state.operations.len() - 1
            }
        };
        Script { fake: self, index }
    }

    /// Every request sent so far, in order, retries included.
    pub fn requests(&self) -> Vec<SentRequest> {
        self.lock().sent.clone()
    }

    /// The pauses the client asked for between retries, in order (none was waited for).
    pub fn sleeps(&self) -> Vec<Duration> {
        self.lock().sleeps.clone()
    }

    /// The scripted replies not used yet, as `"POST /v1/x: 2 replies"`; empty when every reply
    /// was used. `assert!(fake.unused().is_empty(), "{:?}", fake.unused())` ends a test that
    /// expects every scripted call to happen.
    pub fn unused(&self) -> Vec<String> {
        self.lock()
            .operations
            .iter()
            .filter(|o| !o.replies.is_empty())
            .map(|o| {
                let n = o.replies.len();
                let plural = if n == 1 { "reply" } else { "replies" };
                format!("{} {}: {n} {plural}", o.method, o.pattern)
            })
            .collect()
    }

    /// Forgets what was sent and slept; the script stays.
    pub fn clear_requests(&self) {
        let mut state = self.lock();
        state.sent.clear();
        state.sleeps.clear();
        state.retrying = false;
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A test that panicked while holding the lock leaves the records as they were.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn push(&self, index: usize, outcome: Outcome) {
        if let Some(operation) = self.lock().operations.get_mut(index) {
            operation.replies.push_back(outcome);
        }
    }

    /// Records `request` and takes its reply.
    fn answer(&self, request: HttpRequest) -> Outcome {
        let mut state = self.lock();
        let sent = SentRequest::from_http(request);
        let attempt = match state.sent.last() {
            Some(last)
                if state.retrying && last.method == sent.method && last.path == sent.path =>
            {
                last.attempt + 1
            }
            _ => 1,
        };
        state.retrying = false;
        let (method, path) = (sent.method, sent.path.clone());
        state.sent.push(SentRequest { attempt, ..sent });
        let mut matched = false;
        let mut outcome = None;
        for operation in &mut state.operations {
            if operation.method == method && path_matches(&operation.pattern, &path) {
                matched = true;
                if let Some(next) = operation.replies.pop_front() {
                    outcome = Some(next);
                    break;
                }
            }
        }
        match outcome {
            Some(Ok(mut response)) => {
                state.replies_given += 1;
                response.headers.push((
                    "Request-Id".to_owned(),
                    format!("req_fake_{}", state.replies_given),
                ));
                Ok(response)
            }
            Some(Err(e)) => Err(e),
            None => {
                let why = if matched {
                    "every reply scripted for it was used"
                } else {
                    "nothing is scripted for it"
                };
                Err(TransportError::new(
                    TransportErrorKind::InvalidRequest,
                    format!(
                        "FakeStripe has no reply for {method} {path}: {why} (script one with \
                         `fake.on(Method::{method:?}, \"{path}\")`)"
                    ),
                ))
            }
        }
    }

    fn slept(&self, duration: Duration) {
        let mut state = self.lock();
        state.sleeps.push(duration);
        state.retrying = true;
    }
}

/// Shows what is scripted and how many requests were sent.
impl fmt::Debug for FakeStripe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        let operations: Vec<String> = state
            .operations
            .iter()
            .map(|o| format!("{} {} ({} left)", o.method, o.pattern, o.replies.len()))
            .collect();
        f.debug_struct("FakeStripe")
            .field("operations", &operations)
            .field("sent", &state.sent.len())
            .finish()
    }
}

impl Transport for FakeStripe {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(std::future::ready(self.answer(request)))
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'_, ()> {
        self.slept(duration);
        Box::pin(std::future::ready(()))
    }
}

#[cfg(feature = "blocking")]
#[cfg_attr(docsrs, doc(cfg(feature = "blocking")))]
impl super::blocking::Transport for FakeStripe {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.answer(request)
    }

    fn sleep(&self, duration: Duration) {
        self.slept(duration);
    }
}

/// Whether `path` matches `pattern`, segment by segment; a `*` segment matches any one
/// non-empty segment.
fn path_matches(pattern: &str, path: &str) -> bool {
    let mut pattern = pattern.split('/');
    let mut path = path.split('/');
    loop {
        match (pattern.next(), path.next()) {
            (None, None) => return true,
            (Some("*"), Some(segment)) if !segment.is_empty() => {}
            (Some(a), Some(b)) if a == b => {}
            _ => return false,
        }
    }
}

/// Adds replies to one scripted operation ([`FakeStripe::on`]); each method adds one reply
/// and returns the script, so replies chain in the order they are used:
/// `fake.on(Method::Post, "/v1/x").timeout().reply(&x)`.
pub struct Script<'a> {
    fake: &'a FakeStripe,
    index: usize,
}

impl Script<'_> {
    fn then(self, outcome: Outcome) -> Self {
        self.fake.push(self.index, outcome);
        self
    }

    /// A 200 whose body is `value` as JSON: a generated response type (with the feature
    /// `serde`, which `testing` turns on in `stripe-typed`), or any serde value. Should
    /// `value` not encode, the request fails with an error that says so.
    pub fn reply<T: Serialize + ?Sized>(self, value: &T) -> Self {
        let outcome = match serde_json::to_vec(value) {
            Ok(body) => Ok(json_response(200, body)),
            Err(e) => Err(TransportError::new(
                TransportErrorKind::InvalidRequest,
                format!("FakeStripe could not encode the scripted reply as JSON: {e}"),
            )),
        };
        self.then(outcome)
    }

    /// A response with `status` and `body` as given (JSON or not): the escape hatch for what
    /// the typed replies do not cover.
    pub fn json(self, status: u16, body: &str) -> Self {
        self.then(Ok(json_response(status, body.as_bytes().to_vec())))
    }

    /// This response as it is, headers included.
    pub fn raw(self, response: HttpResponse) -> Self {
        self.then(Ok(response))
    }

    /// A failed response with `status` and Stripe's error object `error`, which the client
    /// returns as [`ErrorKind::Api`](super::ErrorKind::Api) (or retries, by its rules).
    pub fn api_error(self, status: u16, error: ApiError) -> Self {
        let outcome = match serde_json::to_vec(&ErrorBody { error: &error }) {
            Ok(body) => Ok(json_response(status, body)),
            Err(e) => Err(TransportError::new(
                TransportErrorKind::InvalidRequest,
                format!("FakeStripe could not encode the scripted error: {e}"),
            )),
        };
        self.then(outcome)
    }

    /// A failed response with `status` and v2's error object `error`, which the client
    /// returns as [`ErrorKind::ApiV2`](super::ErrorKind::ApiV2) for a request to a `/v2/`
    /// path (or retries, by its rules).
    pub fn v2_api_error(self, status: u16, error: v2::ApiError) -> Self {
        let outcome = match serde_json::to_vec(&V2ErrorBody { error: &error }) {
            Ok(body) => Ok(json_response(status, body)),
            Err(e) => Err(TransportError::new(
                TransportErrorKind::InvalidRequest,
                format!("FakeStripe could not encode the scripted error: {e}"),
            )),
        };
        self.then(outcome)
    }

    /// A failed response with `status` and a v2 error object of `code` (such as
    /// `v2::ErrorCode::from_wire("not_found")`) and `message`.
    pub fn v2_error(self, status: u16, code: v2::ErrorCode, message: &str) -> Self {
        self.v2_api_error(status, v2::ApiError::new(code, message))
    }

    /// A failed response with `status` and an error object of `type_`, `code` (such as
    /// `resource_missing`) and `message`.
    pub fn error(self, status: u16, type_: ApiErrorType, code: &str, message: &str) -> Self {
        let mut error = ApiError::new(type_);
        error.code = Some(code.to_owned());
        error.message = Some(message.to_owned());
        self.api_error(status, error)
    }

    /// A 429 with the error code `rate_limit`. `should_retry` sets the `Stripe-Should-Retry`
    /// header: `None` leaves it out (the client does not retry rate limiting), `Some(true)`
    /// makes the client retry, `Some(false)` forbids it.
    pub fn rate_limited(self, should_retry: Option<bool>) -> Self {
        let mut error = ApiError::new(ApiErrorType::InvalidRequestError);
        error.code = Some("rate_limit".to_owned());
        error.message = Some("Too many requests hit the API too quickly.".to_owned());
        let script = self.api_error(429, error);
        match should_retry {
            Some(retry) => script.with_header("Stripe-Should-Retry", &retry.to_string()),
            None => script,
        }
    }

    /// No response within the attempt's timeout, at once: the client retries it, and returns
    /// [`ErrorKind::Timeout`](super::ErrorKind::Timeout) if the last attempt times out.
    pub fn timeout(self) -> Self {
        self.fail(TransportError::new(
            TransportErrorKind::Timeout,
            "FakeStripe: scripted timeout",
        ))
    }

    /// No response, failing with `error` (a refused connection, a rejected certificate…).
    pub fn fail(self, error: TransportError) -> Self {
        self.then(Err(error))
    }

    /// Adds a header to the reply scripted last, such as `Stripe-Should-Retry: false` on a
    /// 500; nothing when that reply is a failure without a response, or there is none.
    pub fn with_header(self, name: &str, value: &str) -> Self {
        if let Some(Ok(response)) = self
            .fake
            .lock()
            .operations
            .get_mut(self.index)
            .and_then(|o| o.replies.back_mut())
        {
            response.headers.push((name.to_owned(), value.to_owned()));
        }
        self
    }
}

impl fmt::Debug for Script<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Script")
            .field("operation", &self.index)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a ApiError,
}

#[derive(Serialize)]
struct V2ErrorBody<'a> {
    error: &'a v2::ApiError,
}

fn json_response(status: u16, body: Vec<u8>) -> HttpResponse {
    HttpResponse::new(
        status,
        vec![("Content-Type".to_owned(), "application/json".to_owned())],
        body,
    )
}

/// One request as the client sent it to a [`FakeStripe`], decoded.
///
/// `Debug` leaves out the `Authorization` header (the secret key) and parameter values (as a
/// request's `Debug` does: they may be card numbers or secrets, and shows a JSON body's
/// top-level names only); read them with `param` or `json`.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SentRequest {
    /// The method.
    pub method: Method,
    /// The whole URL as sent: the client's base URL (or the operation's server), the path and
    /// the query string.
    pub url: String,
    /// The path as sent (percent-encoded), without the query string, such as
    /// `/v1/financial_connections/sessions/fcsess_123`.
    pub path: String,
    /// The query string's parameters, decoded, in order: `("expand[0]", "accounts")`.
    pub query: Vec<(String, String)>,
    /// The form body's parameters, decoded, in order: `("filters[countries][0]", "US")`.
    /// Empty for a request without a form body (a multipart upload's is in
    /// [`SentRequest::body`], a JSON one in [`SentRequest::json`]).
    pub form: Vec<(String, String)>,
    /// A JSON body (v2's parameters), decoded: `sent.json.as_ref().unwrap()["metadata"]["k"]`,
    /// or `.pointer("/identity/country")`. `None` for a request without a JSON body (or one
    /// whose body is not JSON).
    pub json: Option<Json>,
    /// Every header, in order, as the client sent it.
    pub headers: Vec<(String, String)>,
    /// The body as sent.
    pub body: Vec<u8>,
    /// The attempt: 1, or 2 and more for the client's retries of the same request.
    pub attempt: u32,
    /// The attempt's timeout.
    pub timeout: Duration,
}

impl SentRequest {
    fn from_http(request: HttpRequest) -> Self {
        let (path, query) = split_url(&request.url);
        let is_form = request
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
        let form = if is_form {
            decode_pairs(&String::from_utf8_lossy(&request.body))
        } else {
            Vec::new()
        };
        let is_json = request
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/json"));
        let json = is_json
            .then(|| std::str::from_utf8(&request.body).ok())
            .flatten()
            .and_then(|text| crate::from_json::<Json>(text).ok());
        SentRequest {
            method: request.method,
            url: request.url.clone(),
            path: path.to_owned(),
            query: decode_pairs(query),
            form,
            json,
            headers: request.headers,
            body: request.body,
            attempt: 1,
            timeout: request.timeout,
        }
    }

    /// The value of parameter `key` (as Stripe names it, such as `filters[countries][0]`), in
    /// the form body or else the query string; the first when it repeats. A JSON body's
    /// values are in [`SentRequest::json`].
    pub fn param(&self, key: &str) -> Option<&str> {
        self.form
            .iter()
            .chain(&self.query)
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The value of the first header called `name` (ignoring ASCII case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The `Idempotency-Key` (every POST and v2 DELETE has one; the same on every retry).
    pub fn idempotency_key(&self) -> Option<&str> {
        self.header("idempotency-key")
    }

    /// The connected account acted as (`Stripe-Account`), if any.
    pub fn stripe_account(&self) -> Option<&str> {
        self.header("stripe-account")
    }

    /// The context acted in (`Stripe-Context`), if any.
    pub fn stripe_context(&self) -> Option<&str> {
        self.header("stripe-context")
    }

    /// The `Stripe-Version` sent.
    pub fn stripe_version(&self) -> Option<&str> {
        self.header("stripe-version")
    }
}

impl fmt::Debug for SentRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Parameter names only, as a request's `Debug`: values may be card numbers or secrets
        // (`param` reads them).
        let names = |pairs: &[(String, String)]| -> Vec<String> {
            pairs.iter().map(|(name, _)| name.clone()).collect()
        };
        f.debug_struct("SentRequest")
            .field("method", &self.method)
            .field("url", &RedactedUrl(&self.url))
            .field("query", &names(&self.query))
            .field("form", &names(&self.form))
            .field("json", &self.json.as_ref().map(JsonValueNames))
            .field("headers", &redacted_headers(&self.headers))
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .field("attempt", &self.attempt)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Decodes `k=v&k=v` as `application/x-www-form-urlencoded` (percent-encoding, `+` as a
/// space, empty pairs skipped, invalid UTF-8 replaced), with the crate reqwest's `url` uses.
fn decode_pairs(text: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(text.as_bytes())
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect()
}

/// Runs `future` to completion on this thread, parking it while the future waits: enough for
/// a client over [`FakeStripe`], whose futures never wait, so tests need no async runtime.
/// A future that needs one (tokio's timers or sockets) needs that runtime's own `block_on`.
pub fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let Poll::Ready(value) = future.as_mut().poll(&mut cx) {
            return value;
        }
        std::thread::park();
    }
}

#[cfg(test)]
mod tests;
