//! One call as both clients run it, a small state machine: the headers and body a request is
//! sent with, what follows each attempt (the policy is in `retry.rs`, v1's and v2's
//! differences in `api_mode.rs`), and how a response decodes.
//!
//! A client's send loop is then only "send, [`Exchange::step`], sleep or return", written once
//! for async and once for blocking I/O.

use std::time::Duration;

use super::api_mode::ApiMode;
use super::config::Config;
use super::multipart;
use super::observe::{Attempt, Observer};
use super::random;
use super::request::{Body, DecodeFailure, Decoder};
use super::retry::{Retries, Retry};
use super::transport::split_url;
use super::{
    Error, ErrorKind, HttpRequest, HttpResponse, Method, Request, RequestOptions, TransportError,
    TransportErrorKind,
};

/// What [`Exchange::build`] needs of a request, gathered so that building is not generic.
struct Call<'a> {
    method: Method,
    mode: ApiMode,
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
    mode: ApiMode,
    request: HttpRequest,
    idempotency_key: Option<String>,
    retries: Retries,
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
                mode: request.api_mode(),
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
            mode,
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
            None => match mode.empty_body(method) {
                Some((content_type, body)) => {
                    header("Content-Type", content_type.to_owned())?;
                    body.to_vec()
                }
                None => Vec::new(),
            },
            Some(Body::Form(form)) => {
                header(
                    "Content-Type",
                    "application/x-www-form-urlencoded".to_owned(),
                )?;
                form.as_bytes().to_vec()
            }
            Some(Body::Multipart(parts)) => {
                let encoded = multipart::encode(parts, &mut random::boundary);
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
        let key = match &options.idempotency_key {
            Some(key) => Some(key.clone()),
            None if mode.generates_idempotency_key(method) => Some(random::idempotency_key()),
            None => None,
        };
        if let Some(key) = &key {
            header("Idempotency-Key", key.clone())?;
        }

        let url = format!("{}{}", base_url.trim_end_matches('/'), path_and_query);
        let mut retry = config.retry;
        if let Some(max) = options.max_retries {
            retry.max_retries = max;
        }
        Ok(Exchange {
            mode,
            request: HttpRequest {
                method,
                url,
                headers,
                body,
                timeout: options.timeout.unwrap_or(config.timeout),
                max_response_bytes: config.max_response_bytes,
            },
            idempotency_key: key,
            retries: Retries::new(retry),
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
        let attempt = self.retries.attempt();
        let retry = match &outcome {
            Ok(response) if is_success(response.status) => Retry::No,
            failed => self.retries.after_failure(failed.as_ref(), self.mode),
        };
        if let Some(observer) = &self.observer {
            let response = outcome.as_ref().ok();
            observer.report(&Attempt {
                method: self.request.method,
                path: split_url(&self.request.url).0,
                attempt,
                status: response.map(|r| r.status),
                request_id: response.and_then(|r| r.header("request-id")),
                transport_error: outcome.as_ref().err().map(TransportError::kind),
                idempotency_key: self.idempotency_key.as_deref(),
                elapsed,
                retry,
            });
        }
        if let Retry::After { delay, .. } = retry {
            return Step::Retry(delay);
        }
        let key = self.idempotency_key();
        Step::Done(match outcome {
            Ok(response) if is_success(response.status) => Ok(response),
            Ok(response) => Err(error_from_response(&response, key, self.mode)),
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

/// The error for a non-2xx response to a request sent with `idempotency_key`: Stripe's error
/// object when the body has one, as `mode` writes it, else [`ErrorKind::Http`].
pub(crate) fn error_from_response(
    response: &HttpResponse,
    idempotency_key: Option<&str>,
    mode: ApiMode,
) -> Error {
    let kind = mode.api_error(&response.body).unwrap_or(ErrorKind::Http);
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

#[cfg(test)]
mod tests;
