//! Descriptions of API calls, built by generated operations and executed by a client.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use serde::de::DeserializeOwned;

use super::api_mode::ApiMode;
use super::json::Decode;
use super::multipart::Part;
use super::redact::{FormNames, JsonNames};
use super::{Bytes, Error, ErrorKind, Form, JsonWriter, Path, Secret, ToForm, ToJson};

/// An HTTP method used by Stripe's API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`: reads; parameters go in the query string.
    Get,
    /// `POST`: creates and updates; parameters go in a form body (v1) or a JSON body (v2).
    Post,
    /// `DELETE`: deletes.
    Delete,
}

impl Method {
    /// The method's name, such as `"POST"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Options that apply to one request and override the client's settings.
///
/// `Debug` does not print the API key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestOptions {
    /// The connected account to act as (Connect's `Stripe-Account` header).
    pub stripe_account: Option<String>,
    /// The context to act in (the `Stripe-Context` header: an account id, or segments joined
    /// by `/`), instead of the client's (`with_stripe_context`); `Some("")` sends no context
    /// even when the client has one.
    pub stripe_context: Option<String>,
    /// The API key to authenticate with instead of the client's secret key, such as the
    /// session token that authenticates v2's meter event stream.
    pub api_key: Option<Secret>,
    /// The `Idempotency-Key`; v1 POSTs and v2 POSTs and DELETEs get a generated one when this
    /// is `None`. A key set here must be 1 to 255 characters without control characters.
    pub idempotency_key: Option<String>,
    /// The `Stripe-Version` for this request instead of the client's.
    pub api_version: Option<String>,
    /// The timeout of each attempt instead of the client's.
    pub timeout: Option<Duration>,
    /// The number of retries instead of the client's.
    pub max_retries: Option<u32>,
}

/// One API call, described but not sent: method, path, query string, form body and options.
///
/// Generated operations return a `Request<T>`, where `T` is what a successful response decodes
/// to; `rt::Client::send` (or the blocking client's `send`) executes it. Being plain data, a
/// request can also be inspected or sent by other means; [`Request::check`] says whether it
/// may be sent at all.
///
/// A request carries the function that decodes its response, chosen where the request is
/// made: for a generated operation that is inside this crate, so the serde code of a response
/// type is compiled once here and never again in the crates that send it.
///
/// `Debug` shows the method, the path and the names of the parameters, never their values,
/// which may be card numbers or secrets.
pub struct Request<T> {
    method: Method,
    path: Path,
    query: String,
    body: Option<Body>,
    server: Option<Cow<'static, str>>,
    options: RequestOptions,
    decode: Slot<T>,
    response: PhantomData<fn() -> T>,
}

/// A request body: form-encoded parameters, the parts of a multipart upload, or a JSON text
/// (v2).
#[derive(Clone)]
pub(crate) enum Body {
    Form(String),
    Multipart(Vec<Part>),
    Json(String),
}

impl<T: Decode> Request<T> {
    /// A request for `path`, with no query, body or options, whose response decodes as `T`:
    /// a generated model, or [`Json`](super::Json) for anything.
    ///
    /// `path` is a [`Path`] built from parameters, or a whole literal path that starts with
    /// `/v1/` or `/v2/` given as a `String` or `&str` and sent as is. A `/v2/` path makes it a
    /// request to Stripe's v2 API (see [`Request::json`] and `rt::v2`).
    pub fn new(method: Method, path: impl Into<Path>) -> Self {
        Request::with_decoder_new(method, path.into(), slot::typed())
    }
}

impl Request<Bytes> {
    /// A request whose response is returned as it comes, such as a PDF: its bytes, read up to
    /// the client's response limit like any response.
    pub fn binary(method: Method, path: impl Into<Path>) -> Self {
        Request::with_decoder_new(method, path.into(), slot::bytes())
    }
}

impl<T> Request<T> {
    fn with_decoder_new(method: Method, path: Path, decode: Slot<T>) -> Self {
        Request {
            method,
            path,
            query: String::new(),
            body: None,
            server: None,
            options: RequestOptions::default(),
            decode,
            response: PhantomData,
        }
    }

    /// Decodes the response as `U` instead: any type serde decodes, such as a struct of your
    /// own for an endpoint this crate does not type.
    pub fn with_response<U: DeserializeOwned>(self) -> Request<U> {
        self.with_decoder(slot::serde())
    }

    /// Returns the response body as it comes ([`Bytes`]) instead of decoding it.
    pub fn with_bytes_response(self) -> Request<Bytes> {
        self.with_decoder(slot::bytes())
    }

    /// The same request, decoding its response with `decode`.
    pub(crate) fn with_decoder<U>(self, decode: Slot<U>) -> Request<U> {
        Request {
            method: self.method,
            path: self.path,
            query: self.query,
            body: self.body,
            server: self.server,
            options: self.options,
            decode,
            response: PhantomData,
        }
    }

    /// The function that decodes this request's response.
    #[cfg(feature = "client")]
    pub(crate) fn decoder(&self) -> Decoder<T> {
        self.decode
    }

    /// Sets the form-encoded body from the parameters (sent even when empty).
    pub fn form<P: ToForm + ?Sized>(mut self, params: &P) -> Self {
        self.body = Some(Body::Form(Form::encode(params)));
        self
    }

    /// Sets a JSON body from the parameters, as Stripe's v2 API takes them: sent with
    /// `Content-Type: application/json`, the text [`JsonWriter::encode`] writes.
    ///
    /// A v2 `POST` without a body (`Request::new(Method::Post, "/v2/...")` and no call to this)
    /// is sent with the body `{}`, as stripe-node sends a v2 `POST` without parameters.
    pub fn json<P: ToJson + ?Sized>(mut self, params: &P) -> Self {
        self.body = Some(Body::Json(JsonWriter::encode(params)));
        self
    }

    /// Sets a `multipart/form-data` body (RFC 7578) from the parameters, as file uploads are
    /// sent: one part per parameter, named as form encoding names it (`file_link_data[create]`,
    /// `expand[0]`), and a file part for each [`FileUpload`](super::FileUpload). The client
    /// chooses the boundary when it sends the request.
    pub fn multipart<P: ToForm>(mut self, params: &P) -> Self {
        self.body = Some(Body::Multipart(Form::parts(params)));
        self
    }

    /// Sends the request to `base_url` (such as `https://files.stripe.com`) rather than
    /// Stripe's API host: the operation's own server in the spec. A client configured with
    /// another base URL (`with_base_url`: a mock server, a proxy) sends it there instead.
    pub fn server(mut self, base_url: impl Into<Cow<'static, str>>) -> Self {
        self.server = Some(base_url.into());
        self
    }

    /// The operation's own server, if it has one (see [`Request::server`]).
    pub fn server_url(&self) -> Option<&str> {
        self.server.as_deref()
    }

    /// Sets the query string from the parameters; no parameters means no `?`.
    ///
    /// Lists are indexed (`include[0]=a&include[1]=b`) and nested objects bracketed
    /// (`created[gt]=...`), for v1 and v2 paths alike, as Stripe's libraries encode them since
    /// November 2025 (before, they sent a v2 list as repeated keys, `include=a&include=b`).
    /// Set the path first: whether a request is v2 is read from its path.
    pub fn query<P: ToForm + ?Sized>(mut self, params: &P) -> Self {
        self.query = ApiMode::of_path(self.path.as_str()).encode_query(params);
        self
    }

    /// Sets one query parameter, given unencoded, such as `starting_after` when paging.
    ///
    /// An existing `key` keeps its place and gets the new value (any later repeats of it are
    /// dropped); otherwise the pair is appended. The other parameters keep their order.
    pub fn with_query_param(mut self, key: &str, value: &str) -> Self {
        let mut pair = Form::new();
        pair.push(key, value);
        let pair = pair.finish();
        // An encoded key has no `=` of its own (it becomes `%3D`), so the first one ends it.
        let encoded_key = &pair[..pair.find('=').map_or(pair.len(), |i| i + 1)];
        let mut query = String::with_capacity(self.query.len() + pair.len() + 1);
        let mut replaced = false;
        for existing in self.query.split('&').filter(|p| !p.is_empty()) {
            let text = if existing.starts_with(encoded_key) {
                if replaced {
                    continue;
                }
                replaced = true;
                pair.as_str()
            } else {
                existing
            };
            if !query.is_empty() {
                query.push('&');
            }
            query.push_str(text);
        }
        if !replaced {
            if !query.is_empty() {
                query.push('&');
            }
            query.push_str(&pair);
        }
        self.query = query;
        self
    }

    /// The same request to `path` with the query string `query` (both already encoded), such
    /// as a v2 list's checked `next_page_url`.
    #[cfg(feature = "client")]
    pub(crate) fn with_target(mut self, path: &str, query: &str) -> Self {
        self.path = Path::from(path);
        self.with_encoded_query(query)
    }

    /// The same request with the query string `query`, already encoded (a URL's query taken
    /// from a response and checked, such as a thin event's `related_object.url`).
    pub(crate) fn with_encoded_query(mut self, query: &str) -> Self {
        self.query = query.to_owned();
        self
    }

    /// Whether the query string sets `key` (an unreserved name such as `ending_before`) to a
    /// non-empty value.
    #[cfg(feature = "client")]
    pub(crate) fn has_query_param(&self, key: &str) -> bool {
        self.query.split('&').any(|pair| {
            pair.strip_prefix(key)
                .and_then(|rest| rest.strip_prefix('='))
                .is_some_and(|value| !value.is_empty())
        })
    }

    /// Acts as the connected account `account` (`Stripe-Account` header).
    pub fn stripe_account(mut self, account: impl Into<String>) -> Self {
        self.options.stripe_account = Some(account.into());
        self
    }

    /// Acts in the context `context` (the `Stripe-Context` header), instead of the client's.
    /// An empty context sends none, even when the client has one.
    pub fn stripe_context(mut self, context: impl Into<String>) -> Self {
        self.options.stripe_context = Some(context.into());
        self
    }

    /// Authenticates with `key` instead of the client's secret key: another account's key,
    /// or the session token of v2's meter event stream (`POST /v2/billing/meter_event_stream`,
    /// authenticated by the `authentication_token` of a meter event session).
    pub fn api_key(mut self, key: impl Into<Secret>) -> Self {
        self.options.api_key = Some(key.into());
        self
    }

    /// Uses this `Idempotency-Key` instead of a generated one. It is sent on every retry.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.options.idempotency_key = Some(key.into());
        self
    }

    /// Sends this `Stripe-Version` instead of the client's. The response still decodes into
    /// `T`, which matches [`API_VERSION`](super::API_VERSION).
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.options.api_version = Some(version.into());
        self
    }

    /// Limits each attempt to `timeout` instead of the client's timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// Retries at most `retries` times instead of the client's number.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.options.max_retries = Some(retries);
        self
    }

    /// The HTTP method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The API the request goes to, told by its path (see [`ApiMode`]).
    #[cfg(feature = "client")]
    pub(crate) fn api_mode(&self) -> ApiMode {
        ApiMode::of_path(self.path.as_str())
    }

    /// The encoded path, such as `/v1/financial_connections/sessions/fcsess_123`. Check
    /// [`Request::check`] before sending it by other means than this crate's clients.
    pub fn path(&self) -> &str {
        self.path.as_str()
    }

    /// Whether the request may be sent: a path parameter that cannot stay one path segment
    /// (see [`Path`]) fails with [`ErrorKind::InvalidPathParameter`] naming it. Every client checks
    /// this before sending anything.
    pub fn check(&self) -> Result<(), Error> {
        match self.path.refusal() {
            None => Ok(()),
            Some(refusal) => Err(ErrorKind::InvalidPathParameter {
                name: refusal.name,
                reason: refusal.reason,
            }
            .into()),
        }
    }

    /// The encoded query string without `?`; empty when there is none.
    pub fn query_string(&self) -> &str {
        &self.query
    }

    /// The path followed by `?` and the query string when there is one.
    pub fn path_and_query(&self) -> String {
        if self.query.is_empty() {
            self.path.as_str().to_owned()
        } else {
            format!("{}?{}", self.path.as_str(), self.query)
        }
    }

    /// The form-encoded or JSON body, if the request has one (not a multipart one: see
    /// [`Request::is_multipart`]; [`Request::is_json`] tells JSON from a form).
    pub fn body(&self) -> Option<&str> {
        match &self.body {
            Some(Body::Form(text) | Body::Json(text)) => Some(text),
            _ => None,
        }
    }

    /// Whether the body is a multipart upload.
    pub fn is_multipart(&self) -> bool {
        matches!(self.body, Some(Body::Multipart(_)))
    }

    /// Whether the body is JSON ([`Request::json`]).
    pub fn is_json(&self) -> bool {
        matches!(self.body, Some(Body::Json(_)))
    }

    /// The body, for the exchange.
    #[cfg(feature = "client")]
    pub(crate) fn raw_body(&self) -> Option<&Body> {
        self.body.as_ref()
    }

    /// The per-request options.
    pub fn options(&self) -> &RequestOptions {
        &self.options
    }
}

impl<T> Clone for Request<T> {
    fn clone(&self) -> Self {
        Request {
            method: self.method,
            path: self.path.clone(),
            query: self.query.clone(),
            body: self.body.clone(),
            server: self.server.clone(),
            options: self.options.clone(),
            decode: self.decode,
            response: PhantomData,
        }
    }
}

/// Shows parameter names only: values may be card numbers, CVCs or secrets.
impl<T> fmt::Debug for Request<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Request");
        debug
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &FormNames(&self.query));
        match &self.body {
            None => debug.field("body", &None::<()>),
            Some(Body::Form(form)) => debug.field("body", &Some(FormNames(form))),
            Some(Body::Json(json)) => debug.field("json", &JsonNames(json)),
            // Parts show their names and files' names and sizes only.
            Some(Body::Multipart(parts)) => debug.field("multipart", parts),
        };
        if let Some(server) = &self.server {
            debug.field("server", server);
        }
        debug.field("options", &self.options).finish()
    }
}

/// What a [`Request`] knows of decoding its response: with the `client` feature, the
/// function that decodes it ([`Decoder`]); without, nothing (no client sends it).
use slot::Slot;

#[cfg(feature = "client")]
mod slot {
    use serde::de::DeserializeOwned;

    use super::{decode_json, decode_typed, Decode, Decoder};
    use crate::Bytes;

    pub(super) type Slot<T> = Decoder<T>;

    pub(super) fn typed<T: Decode>() -> Slot<T> {
        Decoder::Json(decode_typed::<T>)
    }

    pub(super) fn serde<T: DeserializeOwned>() -> Slot<T> {
        Decoder::Json(decode_json::<T>)
    }

    pub(super) fn bytes() -> Slot<Bytes> {
        Decoder::Bytes(Bytes::from)
    }
}

#[cfg(not(feature = "client"))]
mod slot {
    use std::marker::PhantomData;

    pub(super) type Slot<T> = PhantomData<fn() -> T>;

    pub(super) fn typed<T>() -> Slot<T> {
        PhantomData
    }

    pub(super) fn serde<T>() -> Slot<T> {
        PhantomData
    }

    pub(super) fn bytes<T>() -> Slot<T> {
        PhantomData
    }
}

#[cfg(feature = "client")]
pub(crate) use client_decoding::{decode_json, decode_typed, DecodeFailure, Decoder};

#[cfg(feature = "client")]
mod client_decoding {
    use serde::de::DeserializeOwned;

    use crate::json::{from_json, Decode, DecodeError};

    /// Decodes a response body as `T`: the value, or where and why decoding failed; or, for a
    /// binary response, wraps the bytes.
    ///
    /// Plain `fn`s, so that a [`Request`](crate::Request) can carry them and the code that sends the request need
    /// not be generic over serde.
    pub(crate) enum Decoder<T> {
        /// A JSON body, checked to be UTF-8 first.
        Json(fn(&str) -> Result<T, DecodeFailure>),
        /// The body as it came ([`Bytes`](crate::Bytes)).
        Bytes(fn(Vec<u8>) -> T),
    }

    impl<T> Clone for Decoder<T> {
        fn clone(&self) -> Self {
            *self
        }
    }

    impl<T> Copy for Decoder<T> {}

    /// Where (a JSON path such as `data[1].n`, `.` for the whole body) and why a decode failed.
    pub(crate) struct DecodeFailure {
        pub(crate) path: String,
        pub(crate) message: String,
    }

    /// The [`Decoder`] of every [`Decode`] type: the generated models, [`Json`](crate::Json).
    pub(crate) fn decode_typed<T: Decode>(text: &str) -> Result<T, DecodeFailure> {
        match from_json(text) {
            Ok(value) => Ok(value),
            Err(e) => Err(DecodeFailure::from(e)),
        }
    }

    impl From<DecodeError> for DecodeFailure {
        fn from(e: DecodeError) -> Self {
            DecodeFailure {
                path: e.path(),
                message: e.message(),
            }
        }
    }

    /// The [`Decoder`] of a type that only serde decodes (see
    /// [`Request::with_response`]). The JSON path is tracked only to locate a failure: tracking
    /// costs as much as the decode itself.
    pub(crate) fn decode_json<T: DeserializeOwned>(text: &str) -> Result<T, DecodeFailure> {
        let first = match serde_json::from_str::<T>(text) {
            Ok(value) => return Ok(value),
            Err(e) => e,
        };
        let mut de = serde_json::Deserializer::from_str(text);
        let (path, e) = match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Err(e) => (e.path().to_string(), e.into_inner()),
            // The value itself decodes, so what failed is the text after it.
            Ok(_) => (".".to_owned(), first),
        };
        Err(DecodeFailure {
            path,
            message: e.to_string(),
        })
    }
}

#[cfg(test)]
mod tests;
