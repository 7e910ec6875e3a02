//! A blocking client, for programs without an async runtime (the `blocking` feature).
//!
//! It sends the same [`Request`]s with the same headers, retries and decoding as
//! [`rt::Client`](super::Client); only the waiting blocks the thread. Like
//! `reqwest::blocking`, the default transport must not be created, used or dropped inside an
//! async runtime.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::exchange::{decode, Config, Exchange, Step};
use super::paginate::{Fetch, Page, Pages};
use super::transport::reqwest_impl;
use super::{Error, HasId, HttpRequest, HttpResponse, List, Request, SearchResult, TransportError};

/// A blocking HTTP stack for [`Client`]: the synchronous twin of
/// [`rt::Transport`](super::Transport).
pub trait Transport: Send + Sync {
    /// Sends `request` and returns its response, or why none arrived within `request.timeout`.
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;

    /// Waits for `duration` (between retries). The default sleeps the thread.
    fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

/// The default blocking [`Transport`]: `reqwest::blocking` with rustls.
#[derive(Clone, Debug)]
pub struct ReqwestTransport {
    client: reqwest::blocking::Client,
}

impl ReqwestTransport {
    /// A transport with reqwest's default settings.
    pub fn new() -> Self {
        ReqwestTransport {
            client: reqwest::blocking::Client::new(),
        }
    }

    /// A transport over a configured blocking reqwest client.
    pub fn from_client(client: reqwest::blocking::Client) -> Self {
        ReqwestTransport { client }
    }
}

impl Default for ReqwestTransport {
    fn default() -> Self {
        ReqwestTransport::new()
    }
}

impl Transport for ReqwestTransport {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let mut builder = self
            .client
            .request(reqwest_impl::method(request.method), &request.url)
            .timeout(request.timeout);
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        if reqwest_impl::has_body(&request) {
            builder = builder.body(request.body);
        }
        let response = builder.send().map_err(reqwest_impl::error)?;
        let status = response.status().as_u16();
        let headers = reqwest_impl::headers(response.headers());
        let body = response.bytes().map_err(reqwest_impl::error)?;
        Ok(HttpResponse::new(status, headers, body.to_vec()))
    }
}

/// The blocking twin of [`rt::Client`](super::Client), with the same settings and behaviour.
///
/// `Debug` does not print the secret key.
#[derive(Clone)]
pub struct Client {
    config: Config,
    transport: Arc<dyn Transport>,
}

impl Client {
    /// A client with `secret_key` and the default blocking [`ReqwestTransport`].
    pub fn new(secret_key: impl Into<String>) -> Self {
        Client::from_transport(secret_key, Arc::new(ReqwestTransport::new()))
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

    /// Sends to `base_url` (default `https://api.stripe.com`) instead.
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.config.base_url = base_url.into();
        self
    }

    /// Sends this `Stripe-Version` (default [`API_VERSION`](super::API_VERSION)).
    pub fn with_api_version(mut self, version: impl Into<String>) -> Self {
        self.config.api_version = version.into();
        self
    }

    /// Retries a failed request at most `retries` times (default 2; 0 disables retries).
    pub fn with_max_retries(mut self, retries: u32) -> Self {
        self.config.max_retries = retries;
        self
    }

    /// Gives up on an attempt after `timeout` (default 80 s).
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

    /// Sends `request`, retrying like [`rt::Client`](super::Client), and decodes a 2xx
    /// response as `T`.
    pub fn send<T>(&self, request: Request<T>) -> Result<T, Error> {
        let mut exchange = Exchange::new(&self.config, &request)?;
        loop {
            let outcome = self.transport.send(exchange.request());
            match exchange.step(outcome) {
                Step::Retry(delay) => self.transport.sleep(delay),
                Step::Done(response) => return decode(response?, request.decoder()),
            }
        }
    }

    /// Iterates over every object of the list that `first` requests, fetching pages as needed,
    /// as [`rt::Paginator`](super::Paginator) does; see [`Paginator`].
    pub fn paginate<T: HasId>(&self, first: Request<List<T>>) -> Paginator<'_, T> {
        Paginator::new(self, Pages::list(first))
    }

    /// Iterates over every object of the search that `first` requests, following `next_page`.
    pub fn paginate_search<T>(&self, first: Request<SearchResult<T>>) -> Paginator<'_, T> {
        Paginator::new(self, Pages::search(first))
    }
}

/// An iterator over the objects of a list or search, fetching each page when the previous one
/// is used up; made by [`Client::paginate`] and [`Client::paginate_search`].
///
/// It follows the same cursors as the async [`rt::Paginator`](super::Paginator) (including
/// paging backwards from `ending_before`) and sends each request with the client's retries.
/// An error is yielded once and ends the iteration, so
/// `collect::<Result<Vec<_>, _>>()` returns every object or the first error. To cap the number
/// of objects, use [`Iterator::take`]: no page is fetched before it is needed.
pub struct Paginator<'a, T> {
    client: &'a Client,
    pages: Pages<T>,
    page: std::vec::IntoIter<T>,
    ended: bool,
}

impl<'a, T> Paginator<'a, T> {
    fn new(client: &'a Client, pages: Pages<T>) -> Self {
        Paginator {
            client,
            pages,
            page: Vec::new().into_iter(),
            ended: false,
        }
    }

    fn next_page(&mut self) -> Result<Option<Vec<T>>, Error> {
        let page = match self.pages.fetch() {
            None => return Ok(None),
            Some(Fetch::List(request)) => Page::List(self.client.send(request)?),
            Some(Fetch::Search(request)) => Page::Search(self.client.send(request)?),
        };
        self.pages.advance(page)
    }
}

impl<T> Iterator for Paginator<'_, T> {
    type Item = Result<T, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.page.next() {
                return Some(Ok(item));
            }
            if self.ended {
                return None;
            }
            match self.next_page() {
                Ok(Some(items)) => self.page = items.into_iter(),
                Ok(None) => self.ended = true,
                Err(e) => {
                    self.ended = true;
                    return Some(Err(e));
                }
            }
        }
    }
}

impl<T> fmt::Debug for Paginator<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginator")
            .field("buffered", &self.page.len())
            .field("ended", &self.ended)
            .finish_non_exhaustive()
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
