//! Automatic paging through lists and search results, as Stripe's libraries do it.
//!
//! [`Pages`] is the cursor logic both clients share: which request comes next and when to stop.
//! A client's paging loop is then only "send [`Pages::fetch`], hand the page to
//! [`Pages::advance`]", written once for async ([`Paginator`]) and once for blocking I/O.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use super::request::Decoder;
use super::{BoxFuture, Client, Error, ErrorKind, HasId, List, Request, SearchResult};

/// How the next request is derived from a page.
enum Mode<T> {
    /// A list: the next request sets `starting_after` (or `ending_before`, paging backwards) to
    /// the id of the page's last object in iteration order.
    List {
        backwards: bool,
        id: fn(&T) -> Option<&str>,
        decode: Decoder<List<T>>,
    },
    /// A search: the next request sets `page` to the result's `next_page`.
    Search { decode: Decoder<SearchResult<T>> },
}

/// The request for the next page, typed by what it returns.
pub(crate) enum Fetch<T> {
    List(Request<List<T>>),
    Search(Request<SearchResult<T>>),
}

/// A page as received, for [`Pages::advance`].
pub(crate) enum Page<T> {
    List(List<T>),
    Search(SearchResult<T>),
}

/// Where paging stands: the next request (`None` once done) and how many objects may still be
/// returned.
pub(crate) struct Pages<T> {
    next: Option<Request<()>>,
    mode: Mode<T>,
    remaining: Option<usize>,
}

impl<T> Pages<T> {
    /// Paging through a list from `first`. It pages backwards, like Stripe's libraries, when
    /// `first` sets `ending_before` but not `starting_after`.
    pub(crate) fn list(first: Request<List<T>>) -> Self
    where
        T: HasId,
    {
        let backwards =
            first.has_query_param("ending_before") && !first.has_query_param("starting_after");
        Pages {
            mode: Mode::List {
                backwards,
                id: T::object_id,
                decode: first.decoder(),
            },
            next: Some(first.with_decoder(Decoder::Json(|_| Ok(())))),
            remaining: None,
        }
    }

    /// Paging through a search from `first`.
    pub(crate) fn search(first: Request<SearchResult<T>>) -> Self {
        Pages {
            mode: Mode::Search {
                decode: first.decoder(),
            },
            next: Some(first.with_decoder(Decoder::Json(|_| Ok(())))),
            remaining: None,
        }
    }

    /// Returns at most `max_items` objects in all.
    pub(crate) fn set_max_items(&mut self, max_items: usize) {
        self.remaining = Some(max_items);
    }

    /// The request for the next page; `None` once paging is done.
    pub(crate) fn fetch(&self) -> Option<Fetch<T>> {
        if self.remaining == Some(0) {
            return None;
        }
        let next = self.next.clone()?;
        Some(match self.mode {
            Mode::List { decode, .. } => Fetch::List(next.with_decoder(decode)),
            Mode::Search { decode } => Fetch::Search(next.with_decoder(decode)),
        })
    }

    /// Takes the page that answered [`Pages::fetch`]'s request and returns its objects in
    /// iteration order (`None` when it is empty), preparing the request that follows.
    pub(crate) fn advance(&mut self, page: Page<T>) -> Result<Option<Vec<T>>, Error> {
        let Some(request) = self.next.take() else {
            return Ok(None);
        };
        let (mut items, has_more, next_page) = match page {
            Page::List(list) => (list.data, list.has_more, None),
            Page::Search(result) => (result.data, result.has_more, result.next_page.flatten()),
        };
        if items.is_empty() {
            return Ok(None);
        }
        if let Mode::List {
            backwards: true, ..
        } = self.mode
        {
            // Stripe orders every page newest first; going backwards, the objects nearest the
            // cursor are at the end of the page.
            items.reverse();
        }
        if has_more {
            self.next = Some(match self.mode {
                Mode::List { backwards, id, .. } => {
                    let last = items.last().and_then(id).ok_or(ErrorKind::Pagination {
                        reason: "the last object on the page has no id",
                    })?;
                    let key = if backwards {
                        "ending_before"
                    } else {
                        "starting_after"
                    };
                    request.with_query_param(key, last)
                }
                Mode::Search { .. } => {
                    let token = next_page.ok_or(ErrorKind::Pagination {
                        reason: "the search result has more objects but no next_page",
                    })?;
                    request.with_query_param("page", &token)
                }
            });
        }
        if let Some(remaining) = &mut self.remaining {
            items.truncate(*remaining);
            *remaining -= items.len();
        }
        Ok(Some(items))
    }
}

/// The pages of a list or search, fetched one after another: a [`Stream`] of its objects
/// (`futures::StreamExt`'s `next`, `take`, `try_collect`, `try_for_each` … work on it), or page
/// by page with [`next_page`](Paginator::next_page); made by [`Client::paginate`] and
/// [`Client::paginate_search`].
///
/// A list page is followed by the request with `starting_after` set to the id of the page's
/// last object; when the first request sets `ending_before` (and not `starting_after`), paging
/// goes backwards instead with `ending_before` set to the id of the page's first object, and
/// each page's objects come in reverse, so that the whole sequence moves away from the cursor
/// as in Stripe's libraries. A search page is followed by the request with `page` set to its
/// `next_page`. Every other parameter (`limit`, `expand[]`, filters, options) is sent
/// unchanged. Paging ends after a page without `has_more`, or at an empty page. As a stream,
/// a page is fetched only when the objects before it are used up, and an error is yielded
/// once and ends the stream, so `try_collect` returns every object or the first error.
pub struct Paginator<'a, T> {
    client: &'a Client,
    pages: Pages<T>,
    /// The objects of the current page the stream has not yielded yet.
    buffered: std::vec::IntoIter<T>,
    /// The page the stream is fetching.
    in_flight: Option<BoxFuture<'a, Result<Page<T>, Error>>>,
    /// Whether the stream has ended (after the last page, or an error).
    ended: bool,
}

// Nothing is pinned in place: the in-flight request is boxed, and objects are only moved.
impl<T> Unpin for Paginator<'_, T> {}

/// Sends the request for a page.
async fn fetch_page<T>(client: &Client, fetch: Fetch<T>) -> Result<Page<T>, Error> {
    Ok(match fetch {
        Fetch::List(request) => Page::List(client.send(request).await?),
        Fetch::Search(request) => Page::Search(client.send(request).await?),
    })
}

impl<'a, T> Paginator<'a, T> {
    pub(crate) fn new(client: &'a Client, pages: Pages<T>) -> Self {
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
    /// the stream has yielded part of a page, the rest of that page first).
    ///
    /// After an error from the request, calling it again sends the same request again. A page
    /// that says more objects follow but gives no cursor (a list object without an id, or a
    /// search result without `next_page`) fails with [`ErrorKind::Pagination`] and ends paging.
    pub async fn next_page(&mut self) -> Result<Option<Vec<T>>, Error> {
        let rest: Vec<T> = self.buffered.by_ref().collect();
        if !rest.is_empty() {
            return Ok(Some(rest));
        }
        let page = match self.in_flight.take() {
            Some(fetching) => fetching.await?,
            None => match self.pages.fetch() {
                None => return Ok(None),
                Some(fetch) => fetch_page(self.client, fetch).await?,
            },
        };
        self.pages.advance(page)
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
            let fetching = match &mut this.in_flight {
                Some(fetching) => fetching,
                None => match this.pages.fetch() {
                    None => {
                        this.ended = true;
                        return Poll::Ready(None);
                    }
                    Some(fetch) => this
                        .in_flight
                        .insert(Box::pin(fetch_page(this.client, fetch))),
                },
            };
            let page = match fetching.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(page) => page,
            };
            this.in_flight = None;
            match page.and_then(|page| this.pages.advance(page)) {
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
            .field("next", &self.pages.next)
            .field("remaining", &self.pages.remaining)
            .field("buffered", &self.buffered.len())
            .field("fetching", &self.in_flight.is_some())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Pages through the list that `first` requests; see [`Paginator`].
    ///
    /// ```no_run
    /// # #[cfg(feature = "reqwest")]
    /// # async fn demo() -> Result<(), stripe_typed_runtime::Error> {
    /// use stripe_typed_runtime::{self as rt, Client, List, Method, Request};
    ///
    /// let client = Client::new("sk_test_...");
    /// let first: Request<List<rt::Json>> =
    ///     Request::new(Method::Get, "/v1/customers".to_owned()).with_query_param("limit", "100");
    /// let mut pages = client.paginate(first);
    /// while let Some(customers) = pages.next_page().await? {
    ///     println!("{} customers", customers.len());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn paginate<T: HasId>(&self, first: Request<List<T>>) -> Paginator<'_, T> {
        Paginator::new(self, Pages::list(first))
    }

    /// Pages through the search results that `first` requests, following `next_page`; see
    /// [`Paginator`].
    pub fn paginate_search<T>(&self, first: Request<SearchResult<T>>) -> Paginator<'_, T> {
        Paginator::new(self, Pages::search(first))
    }
}
