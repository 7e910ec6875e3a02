//! Automatic paging through lists and search results, as Stripe's libraries do it.
//!
//! Each page type says how the request for the page after it is made ([`Page`]: a cursor set
//! in the query for v1 lists and searches, the `next_page_url` of a v2 list). [`Pages`] is what
//! both clients share around it: which request comes next, how many objects may still be
//! returned, and when to stop. A client's paging loop is then only "send [`Pages::fetch`], hand
//! the outcome to [`Pages::advance`]", written once for async ([`Paginator`]) and once for
//! blocking I/O. The page type is hidden behind `dyn Source`, so a paginator is named by the
//! type of its objects whatever kind of list it pages through.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use super::path::{response_url_target, UrlRefusal};
use super::request::Decoder;
use super::{v2, BoxFuture, Client, Error, ErrorKind, HasId, List, Request, SearchResult};

/// A page of results that the clients can page through (`client.paginate(request)`): a v1
/// [`List`] of objects with ids, a [`SearchResult`], or a [`v2::List`].
///
/// It is implemented by those three only (it is sealed): how a page leads to the next one is
/// the clients' business.
pub trait Page: sealed::Turn<Object = <Self as Page>::Item> {
    /// The type of the objects on a page.
    type Item;
}

impl<T: HasId> Page for List<T> {
    type Item = T;
}

impl<T> Page for SearchResult<T> {
    type Item = T;
}

impl<T> Page for v2::List<T> {
    type Item = T;
}

mod sealed {
    use super::{Error, Request, Turn as Next};

    /// How a page leads to the next: in a private module, so that only the runtime's page
    /// types implement it and nobody outside calls it.
    pub trait Turn: Sized {
        /// The type of the objects on a page: `Page::Item`.
        type Object;

        /// Whether paging from `first` goes backwards: a v1 list whose first request sets
        /// `ending_before` but not `starting_after`.
        fn backwards(first: &Request<Self>) -> bool {
            let _ = first;
            false
        }

        /// This page's objects in iteration order, and the request for the page after it,
        /// derived from `sent` (the request that fetched this page); `None` after the last
        /// page. A page that says more objects follow but gives no usable cursor fails with
        /// `ErrorKind::Pagination`: at once (v1, whose objects are then not returned), or after
        /// its objects, as the next page's outcome (a v2 page whose `next_page_url` is
        /// refused).
        fn turn(self, sent: Request<()>, backwards: bool) -> Result<Next<Self::Object>, Error>;
    }
}

/// A v1 list: the next request sets `starting_after` (or `ending_before`, paging backwards)
/// to the id of the page's last object in iteration order, while `has_more` says more follow.
impl<T: HasId> sealed::Turn for List<T> {
    type Object = T;

    fn backwards(first: &Request<Self>) -> bool {
        first.has_query_param("ending_before") && !first.has_query_param("starting_after")
    }

    fn turn(self, sent: Request<()>, backwards: bool) -> Result<Turn<T>, Error> {
        let mut items = self.data;
        if backwards {
            // Stripe orders every page newest first; going backwards, the objects nearest the
            // cursor are at the end of the page.
            items.reverse();
        }
        // An empty page ends paging even if it claims more: there is no cursor to follow.
        if items.is_empty() || !self.has_more {
            return Ok((items, Ok(None)));
        }
        let last = items
            .last()
            .and_then(T::object_id)
            .ok_or(ErrorKind::Pagination {
                reason: "the last object on the page has no id",
            })?;
        let key = if backwards {
            "ending_before"
        } else {
            "starting_after"
        };
        let next = sent.with_query_param(key, last);
        Ok((items, Ok(Some(next))))
    }
}

/// A search: the next request sets `page` to the result's `next_page`.
impl<T> sealed::Turn for SearchResult<T> {
    type Object = T;

    fn turn(self, sent: Request<()>, _: bool) -> Result<Turn<T>, Error> {
        if self.data.is_empty() || !self.has_more {
            return Ok((self.data, Ok(None)));
        }
        let token = self.next_page.flatten().ok_or(ErrorKind::Pagination {
            reason: "the search result has more objects but no next_page",
        })?;
        Ok((self.data, Ok(Some(sent.with_query_param("page", &token)))))
    }
}

/// A v2 list: the next request is the page's `next_page_url` (a path and query on the same
/// host, checked first: see [`Paginator`]), with the first request's options, until it is
/// `null`. As in stripe-node's `V2ListIterator`, an empty page with a `next_page_url` does not
/// end paging. A refused URL does not cost the page its objects: the error comes after them.
impl<T> sealed::Turn for v2::List<T> {
    type Object = T;

    fn turn(self, sent: Request<()>, _: bool) -> Result<Turn<T>, Error> {
        let next = match self.next_page_url {
            None => Ok(None),
            Some(url) => match next_page_target(&url) {
                // Following a page to itself would never end.
                Ok(_) if url == sent.path_and_query() => Err(ErrorKind::Pagination {
                    reason: "the next_page_url is the URL of the page itself",
                }
                .into()),
                Ok((path, query)) => Ok(Some(sent.with_target(path, query))),
                Err(reason) => Err(ErrorKind::Pagination { reason }.into()),
            },
        };
        Ok((self.data, next))
    }
}

/// The path and query string of a v2 list's `next_page_url`, or why it is not followed: the
/// check every URL taken from a response goes through ([`response_url_target`]), under
/// `/v2/`.
pub(crate) fn next_page_target(url: &str) -> Result<(&str, &str), &'static str> {
    response_url_target(url, &["/v2/"]).map_err(|refusal| match refusal {
        UrlRefusal::TooLong => "the next_page_url is longer than 8192 bytes",
        UrlRefusal::OutsidePrefixes => "the next_page_url is not a /v2/ path on the API host",
        UrlRefusal::Character => "the next_page_url has a character that cannot be sent in a URL",
        UrlRefusal::MalformedEscape => "the next_page_url has a malformed percent-escape",
        UrlRefusal::DotSegment => "the next_page_url has a `.` or `..` segment",
    })
}

/// The request for a page, in flight.
pub(crate) type Fetching<'a, T> = BoxFuture<'a, Result<Turn<T>, Error>>;

/// A page's objects, and the request for the page after it (`None` after the last page), or
/// why there is none although more objects follow.
pub(crate) type Turn<T> = (Vec<T>, Result<Option<Request<()>>, Error>);

/// Paging through pages of one type: what [`Pages`] needs of it, with the page type erased.
pub(crate) trait Source<'a, T>: Send {
    /// Sends the next page's request with `client` and turns the page; `None` once paging is
    /// done. The future owns what it needs, so the paginator can hold it.
    fn fetch(&self, client: &'a Client) -> Option<BoxFuture<'a, Result<Turn<T>, Error>>>;

    /// [`fetch`](Self::fetch) with the blocking client.
    #[cfg(feature = "blocking")]
    fn fetch_blocking(&self, client: &crate::blocking::Client) -> Option<Result<Turn<T>, Error>>;

    /// Moves on to `next` (`None`: paging is done).
    fn advance(&mut self, next: Option<Request<()>>);

    /// The request for the next page, for `Debug`.
    fn next_request(&self) -> Option<&dyn fmt::Debug>;
}

/// Where paging through pages of type `P` stands.
struct Cursor<P> {
    /// The request for the next page, with the first request's decoder; `None` once done.
    next: Option<Request<P>>,
    /// Whether a v1 list is paged backwards ([`Page::backwards`]).
    backwards: bool,
}

impl<P> Cursor<P> {
    /// The next request, and the same without its decoder to derive the one after it from.
    fn requests(&self) -> Option<(Request<P>, Request<()>)> {
        let request = self.next.clone()?;
        let sent = request.clone().with_decoder(Decoder::Json(|_| Ok(())));
        Some((request, sent))
    }
}

impl<'a, P: Page + 'a> Source<'a, P::Item> for Cursor<P> {
    fn fetch(&self, client: &'a Client) -> Option<BoxFuture<'a, Result<Turn<P::Item>, Error>>> {
        let (request, sent) = self.requests()?;
        let backwards = self.backwards;
        Some(Box::pin(async move {
            let page = client.send(request).await?;
            page.turn(sent, backwards)
        }))
    }

    #[cfg(feature = "blocking")]
    fn fetch_blocking(
        &self,
        client: &crate::blocking::Client,
    ) -> Option<Result<Turn<P::Item>, Error>> {
        let (request, sent) = self.requests()?;
        Some(
            client
                .send(request)
                .and_then(|page| page.turn(sent, self.backwards)),
        )
    }

    fn advance(&mut self, next: Option<Request<()>>) {
        self.next = match (next, &self.next) {
            (Some(next), Some(current)) => Some(next.with_decoder(current.decoder())),
            _ => None,
        };
    }

    fn next_request(&self) -> Option<&dyn fmt::Debug> {
        self.next.as_ref().map(|r| r as &dyn fmt::Debug)
    }
}

/// Paging as both clients do it: the page type's [`Source`], how many objects may still be
/// returned, and an error that comes after the objects of the page that caused it.
pub(crate) struct Pages<'a, T> {
    source: Box<dyn Source<'a, T> + 'a>,
    remaining: Option<usize>,
    pending: Option<Error>,
}

impl<'a, T> Pages<'a, T> {
    /// Paging from `first`.
    pub(crate) fn new<P: Page<Item = T> + 'a>(first: Request<P>) -> Self {
        Pages {
            source: Box::new(Cursor {
                backwards: P::backwards(&first),
                next: Some(first),
            }),
            remaining: None,
            pending: None,
        }
    }

    /// Returns at most `max_items` objects in all.
    pub(crate) fn set_max_items(&mut self, max_items: usize) {
        self.remaining = Some(max_items);
    }

    /// Sends the request for the next page, or returns the error the last page left (to be
    /// handed to [`Pages::advance`] as the outcome); `None` once paging is done.
    pub(crate) fn fetch(&mut self, client: &'a Client) -> Option<Result<Fetching<'a, T>, Error>> {
        if self.remaining == Some(0) {
            return None;
        }
        if let Some(e) = self.pending.take() {
            return Some(Err(e));
        }
        self.source.fetch(client).map(Ok)
    }

    /// [`fetch`](Self::fetch) with the blocking client.
    #[cfg(feature = "blocking")]
    pub(crate) fn fetch_blocking(
        &mut self,
        client: &crate::blocking::Client,
    ) -> Option<Result<Turn<T>, Error>> {
        if self.remaining == Some(0) {
            return None;
        }
        if let Some(e) = self.pending.take() {
            return Some(Err(e));
        }
        self.source.fetch_blocking(client)
    }

    /// Takes the outcome of [`Pages::fetch`] and returns the page's objects (`None` when
    /// paging is done; an empty page when a v2 page was empty but others follow), preparing
    /// the request that follows. After a failed request the same request is sent again next
    /// time; a page without a usable cursor ([`ErrorKind::Pagination`]) ends paging, its error
    /// returned now, or after the page's objects when its type says so (v2).
    pub(crate) fn advance(
        &mut self,
        turn: Result<Turn<T>, Error>,
    ) -> Result<Option<Vec<T>>, Error> {
        let (mut items, next) = match turn {
            Ok(turn) => turn,
            Err(e) => {
                if matches!(e.kind(), ErrorKind::Pagination { .. }) {
                    self.source.advance(None);
                }
                return Err(e);
            }
        };
        let next = next.unwrap_or_else(|e| {
            self.pending = Some(e);
            None
        });
        let more = next.is_some();
        self.source.advance(next);
        if let Some(remaining) = &mut self.remaining {
            items.truncate(*remaining);
            *remaining -= items.len();
        }
        if items.is_empty() && !more {
            return match self.pending.take() {
                Some(e) => Err(e),
                None => Ok(None),
            };
        }
        Ok(Some(items))
    }

    /// The request for the next page, for `Debug`.
    pub(crate) fn next_request(&self) -> Option<&dyn fmt::Debug> {
        self.source.next_request()
    }

    /// How many objects may still be returned, for `Debug`.
    pub(crate) fn remaining(&self) -> Option<usize> {
        self.remaining
    }
}

/// The pages of a list or search, fetched one after another: a [`Stream`] of its objects
/// (`futures::StreamExt`'s `next`, `take`, `try_collect`, `try_for_each` … work on it), or page
/// by page with [`next_page`](Paginator::next_page); made by [`Client::paginate`].
///
/// A v1 list page is followed by the request with `starting_after` set to the id of the page's
/// last object; when the first request sets `ending_before` (and not `starting_after`), paging
/// goes backwards instead with `ending_before` set to the id of the page's first object, and
/// each page's objects come in reverse, so that the whole sequence moves away from the cursor
/// as in Stripe's libraries. A search page is followed by the request with `page` set to its
/// `next_page`. Every other parameter (`limit`, `expand[]`, filters, options) is sent
/// unchanged. Paging ends after a page without `has_more`, or at an empty page.
///
/// A v2 list page ([`v2::List`]) is followed by requesting its `next_page_url`, with the same
/// options (account, context, API key, retries) on the same host, until it is `null`, as
/// stripe-node's `V2ListIterator` does; an empty v2 page does not end paging when it has a
/// `next_page_url`. The URL comes from the response, so it is checked first: one that is not a
/// `/v2/` path (a scheme, a host), or has a `..` segment, a control character or a malformed
/// escape, or points at the page itself, ends paging with [`ErrorKind::Pagination`] and is not
/// requested.
///
/// As a stream, a page is fetched only when the objects before it are used up, and an error
/// is yielded once and ends the stream, so `try_collect` returns every object or the first
/// error.
pub struct Paginator<'a, T> {
    client: &'a Client,
    pages: Pages<'a, T>,
    /// The objects of the current page the stream has not yielded yet.
    buffered: std::vec::IntoIter<T>,
    /// The page the stream is fetching.
    in_flight: Option<Fetching<'a, T>>,
    /// Whether the stream has ended (after the last page, or an error).
    ended: bool,
}

// Nothing is pinned in place: the in-flight request is boxed, and objects are only moved.
impl<T> Unpin for Paginator<'_, T> {}

impl<'a, T> Paginator<'a, T> {
    pub(crate) fn new(client: &'a Client, pages: Pages<'a, T>) -> Self {
        Paginator {
            client,
            pages,
            buffered: Vec::new().into_iter(),
            in_flight: None,
            ended: false,
        }
    }

    /// Stops after `max_items` objects in all: the page that reaches the cap is cut short and
    /// no further page is requested. Without it, paging goes on until the list ends.
    pub fn max_items(mut self, max_items: usize) -> Self {
        self.pages.set_max_items(max_items);
        self
    }

    /// Fetches the next page and returns its objects, or `None` when paging is done (after
    /// the stream has yielded part of a page, the rest of that page first). Empty v2 pages
    /// are skipped: a page returned here is never empty.
    ///
    /// After an error from the request, calling it again sends the same request again. A page
    /// that says more objects follow but gives no cursor (a list object without an id, a
    /// search result without `next_page`, a v2 `next_page_url` that is refused) fails with
    /// [`ErrorKind::Pagination`] and ends paging.
    pub async fn next_page(&mut self) -> Result<Option<Vec<T>>, Error> {
        let rest: Vec<T> = self.buffered.by_ref().collect();
        if !rest.is_empty() {
            return Ok(Some(rest));
        }
        loop {
            let turn = match self.in_flight.take() {
                Some(fetching) => fetching.await,
                None => match self.pages.fetch(self.client) {
                    None => return Ok(None),
                    Some(Ok(fetching)) => fetching.await,
                    Some(Err(e)) => Err(e),
                },
            };
            match self.pages.advance(turn)? {
                Some(items) if items.is_empty() => continue,
                page => return Ok(page),
            }
        }
    }

    /// Fetches every remaining page (up to [`max_items`](Paginator::max_items) objects) and
    /// returns their objects in order, or the first error.
    pub async fn collect_all(mut self) -> Result<Vec<T>, Error> {
        let mut all = Vec::new();
        while let Some(items) = self.next_page().await? {
            all.extend(items);
        }
        Ok(all)
    }
}

impl<'a, T: 'a> Stream for Paginator<'a, T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.buffered.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            if this.ended {
                return Poll::Ready(None);
            }
            let turn = match &mut this.in_flight {
                Some(fetching) => fetching.as_mut().poll(cx),
                None => match this.pages.fetch(this.client) {
                    None => {
                        this.ended = true;
                        return Poll::Ready(None);
                    }
                    Some(Ok(fetching)) => this.in_flight.insert(fetching).as_mut().poll(cx),
                    Some(Err(e)) => Poll::Ready(Err(e)),
                },
            };
            let turn = match turn {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(turn) => turn,
            };
            this.in_flight = None;
            match this.pages.advance(turn) {
                Ok(Some(items)) => this.buffered = items.into_iter(),
                Ok(None) => this.ended = true,
                Err(e) => {
                    this.ended = true;
                    return Poll::Ready(Some(Err(e)));
                }
            }
        }
    }
}

impl<T> fmt::Debug for Paginator<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginator")
            .field("next", &self.pages.next_request())
            .field("remaining", &self.pages.remaining())
            .field("buffered", &self.buffered.len())
            .field("fetching", &self.in_flight.is_some())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Pages through the list or search results that `first` requests: a v1 [`List`] (by
    /// `starting_after`), a [`SearchResult`] (by `next_page`) or a [`v2::List`] (by
    /// `next_page_url`); see [`Paginator`].
    ///
    /// ```no_run
    /// # #[cfg(feature = "reqwest")]
    /// # async fn demo() -> Result<(), stripe_typed_runtime::Error> {
    /// use stripe_typed_runtime::{self as rt, v2, Client, List, Method, Request};
    ///
    /// let client = Client::new("sk_test_...");
    /// let first: Request<List<rt::Json>> =
    ///     Request::new(Method::Get, "/v1/customers".to_owned()).with_query_param("limit", "100");
    /// let mut pages = client.paginate(first);
    /// while let Some(customers) = pages.next_page().await? {
    ///     println!("{} customers", customers.len());
    /// }
    ///
    /// let accounts: Request<v2::List<rt::Json>> = Request::new(Method::Get, "/v2/core/accounts");
    /// let all = client.paginate(accounts).max_items(500).collect_all().await?;
    /// # let _ = all;
    /// # Ok(())
    /// # }
    /// ```
    pub fn paginate<'a, P: Page + 'a>(&'a self, first: Request<P>) -> Paginator<'a, P::Item> {
        Paginator::new(self, Pages::new(first))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path::MAX_RESPONSE_URL;

    #[test]
    fn refused_next_page_urls_say_why() {
        assert_eq!(
            next_page_target("/v2/core/accounts?page=abc"),
            Ok(("/v2/core/accounts", "page=abc"))
        );
        for (url, reason) in [
            (
                "https://evil.example/v2/x",
                "the next_page_url is not a /v2/ path on the API host",
            ),
            (
                "/v1/customers",
                "the next_page_url is not a /v2/ path on the API host",
            ),
            ("/v2/../v1/x", "the next_page_url has a `.` or `..` segment"),
            (
                "/v2/x?a=%z",
                "the next_page_url has a malformed percent-escape",
            ),
            (
                "/v2/x?a=\n",
                "the next_page_url has a character that cannot be sent in a URL",
            ),
        ] {
            assert_eq!(next_page_target(url), Err(reason), "{url:?}");
        }
        let long = format!("/v2/x?page={}", "a".repeat(MAX_RESPONSE_URL));
        assert_eq!(
            next_page_target(&long),
            Err("the next_page_url is longer than 8192 bytes")
        );
    }
}
