//! A blocking client, for programs without an async runtime (the `blocking` feature).
//!
//! It sends the same [`Request`]s with the same headers, retries and decoding as
//! [`rt::Client`](super::Client); only the waiting blocks the thread. The default transport
//! (`reqwest::blocking`) cannot block inside an async runtime: used there, it sends nothing and
//! fails with [`ErrorKind::BlockingInAsyncRuntime`](super::ErrorKind::BlockingInAsyncRuntime)
//! instead of panicking as reqwest would.

use std::fmt;
use std::io::Read;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use super::config::Config;
use super::exchange::{Exchange, Step};
use super::paginate::Pages;
use super::transport::reqwest_impl;
use super::{
    AppInfo, Error, HttpRequest, HttpResponse, Page, Request, TransportError, TransportErrorKind,
};

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
///
/// Inside an async (tokio) runtime, where reqwest's blocking client panics, it sends nothing
/// and fails with [`TransportErrorKind::InsideAsyncRuntime`] (the client's
/// [`ErrorKind::BlockingInAsyncRuntime`](super::ErrorKind::BlockingInAsyncRuntime)). The
/// reqwest client is made on first use, so creating a transport inside a runtime is fine.
#[derive(Clone, Debug, Default)]
pub struct ReqwestTransport {
    client: OnceLock<reqwest::blocking::Client>,
}

impl ReqwestTransport {
    /// A transport with reqwest's default settings.
    pub fn new() -> Self {
        ReqwestTransport::default()
    }

    /// A transport over a configured blocking reqwest client.
    pub fn from_client(client: reqwest::blocking::Client) -> Self {
        ReqwestTransport {
            client: OnceLock::from(client),
        }
    }
}

/// Whether this thread runs a tokio runtime, where reqwest's blocking client panics.
fn inside_async_runtime() -> bool {
    tokio::runtime::Handle::try_current().is_ok()
}

impl Transport for ReqwestTransport {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        if inside_async_runtime() {
            return Err(TransportError::new(
                TransportErrorKind::InsideAsyncRuntime,
                "reqwest's blocking client cannot run inside an async runtime",
            ));
        }
        let limit = request.max_response_bytes;
        let mut builder = self
            .client
            .get_or_init(reqwest::blocking::Client::new)
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
        if reqwest_impl::declared_too_large(response.content_length(), limit) {
            return Err(reqwest_impl::too_large(limit));
        }
        // One byte more than the limit tells a body at the limit from a longer one.
        let mut body = Vec::new();
        let read = response
            .take(limit as u64 + 1)
            .read_to_end(&mut body)
            .map_err(read_error)?;
        if read > limit {
            return Err(reqwest_impl::too_large(limit));
        }
        Ok(HttpResponse::new(status, headers, body))
    }
}

/// A failure while reading the body: reqwest's own error when it is inside the io::Error.
fn read_error(e: std::io::Error) -> TransportError {
    if !e
        .get_ref()
        .is_some_and(|inner| inner.is::<reqwest::Error>())
    {
        return TransportError::with_source(TransportErrorKind::Other, e);
    }
    match e
        .into_inner()
        .map(|inner| inner.downcast::<reqwest::Error>())
    {
        Some(Ok(inner)) => reqwest_impl::error(*inner),
        _ => TransportError::new(TransportErrorKind::Other, "the body could not be read"),
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

    crate::config::config_methods!();

    /// Sends `request`, retrying like [`rt::Client`](super::Client), and decodes a 2xx
    /// response as `T`.
    pub fn send<T>(&self, request: Request<T>) -> Result<T, Error> {
        let mut exchange = Exchange::new(&self.config, &request)?;
        loop {
            let started = Instant::now();
            let outcome = self.transport.send(exchange.request());
            match exchange.step(outcome, started.elapsed()) {
                Step::Retry(delay) => self.transport.sleep(delay),
                Step::Done(response) => return exchange.decode(response?, request.decoder()),
            }
        }
    }

    /// Iterates over every object of the list or search results that `first` requests (a v1
    /// [`List`](super::List), a [`SearchResult`](super::SearchResult) or a [`v2::List`](super::v2::List)), fetching
    /// pages as needed, as [`rt::Paginator`](super::Paginator) does; see [`Paginator`].
    pub fn paginate<'a, P: Page + 'a>(&'a self, first: Request<P>) -> Paginator<'a, P::Item> {
        Paginator::new(self, Pages::new(first))
    }
}

/// An iterator over the objects of a list or search, fetching each page when the previous one
/// is used up; made by [`Client::paginate`].
///
/// It follows the same cursors as the async [`rt::Paginator`](super::Paginator) (including
/// paging backwards from `ending_before`, and a v2 list's checked `next_page_url`) and sends
/// each request with the client's retries.
/// An error is yielded once and ends the iteration, so
/// `collect::<Result<Vec<_>, _>>()` returns every object or the first error. To cap the number
/// of objects, use [`Iterator::take`]: no page is fetched before it is needed.
pub struct Paginator<'a, T> {
    client: &'a Client,
    pages: Pages<'a, T>,
    page: std::vec::IntoIter<T>,
    ended: bool,
}

impl<'a, T> Paginator<'a, T> {
    fn new(client: &'a Client, pages: Pages<'a, T>) -> Self {
        Paginator {
            client,
            pages,
            page: Vec::new().into_iter(),
            ended: false,
        }
    }

    /// The next page's objects (`None` when paging is done); empty v2 pages are skipped.
    fn next_page(&mut self) -> Result<Option<Vec<T>>, Error> {
        loop {
            let Some(turn) = self.pages.fetch_blocking(self.client) else {
                return Ok(None);
            };
            match self.pages.advance(turn)? {
                Some(items) if items.is_empty() => continue,
                page => return Ok(page),
            }
        }
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
