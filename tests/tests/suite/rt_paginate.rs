//! Paging through lists and search results against the scripted loopback server: the exact
//! request for every page (cursor set, other parameters kept), when paging stops, paging
//! backwards from `ending_before`, search's `next_page`, errors, and the blocking iterator.

use serde_json::json;
use stripe_typed::rt::{self, ErrorKind, List, Method, Request, SearchResult};
use tests::server::{Reply, Server};
use tests::{block_on, ids};

const KEY: &str = "sk_test_paginate_51H";

fn assert_send<T: Send>(_: &T) {}

/// A list page of objects with these ids.
fn page(ids: &[&str], has_more: bool) -> Reply {
    let data: Vec<_> = ids
        .iter()
        .map(|id| json!({"id": id, "object": "customer"}))
        .collect();
    let body =
        json!({"object": "list", "data": data, "has_more": has_more, "url": "/v1/customers"});
    Reply::json(200, &body.to_string())
}

/// A search page of objects with these ids.
fn search_page(ids: &[&str], has_more: bool, next_page: Option<&str>) -> Reply {
    let data: Vec<_> = ids.iter().map(|id| json!({"id": id})).collect();
    let body = json!({"object": "search_result", "data": data, "has_more": has_more,
        "next_page": next_page, "url": "/v1/customers/search"});
    Reply::json(200, &body.to_string())
}

fn list_customers() -> Request<List<rt::Json>> {
    Request::new(Method::Get, "/v1/customers".to_owned())
        .with_query_param("limit", "2")
        .with_query_param("expand[0]", "data.default_source")
}

fn targets(server: &Server) -> Vec<String> {
    server.requests().into_iter().map(|r| r.target).collect()
}

#[test]
fn three_pages_follow_starting_after_and_keep_other_parameters() {
    let server = Server::start(vec![
        page(&["cus_1", "cus_2"], true),
        page(&["cus_3", "cus_4"], true),
        page(&["cus_5"], false),
    ]);
    let client = server.client_without_retries(KEY);
    let mut pages = client.paginate(list_customers().stripe_account("acct_1"));
    // Never polled: this only proves a page's future can move between threads.
    assert_send(&pages.next_page());
    block_on(async {
        let first = pages.next_page().await.expect("page 1").expect("some");
        assert_eq!(ids(&first), ["cus_1", "cus_2"]);
        let second = pages.next_page().await.expect("page 2").expect("some");
        assert_eq!(ids(&second), ["cus_3", "cus_4"]);
        let third = pages.next_page().await.expect("page 3").expect("some");
        assert_eq!(ids(&third), ["cus_5"]);
        assert!(pages.next_page().await.expect("done").is_none());
        assert!(pages.next_page().await.expect("still done").is_none());
    });
    assert_eq!(
        targets(&server),
        [
            "/v1/customers?limit=2&expand[0]=data.default_source",
            "/v1/customers?limit=2&expand[0]=data.default_source&starting_after=cus_2",
            "/v1/customers?limit=2&expand[0]=data.default_source&starting_after=cus_4",
        ]
    );
    for request in server.requests() {
        assert_eq!(request.method, "GET");
        assert_eq!(request.header("stripe-account"), Some("acct_1"));
        assert!(request.body.is_empty());
    }
    assert_eq!(server.replies_left(), 0);
}

#[test]
fn collect_all_and_max_items() {
    let server = Server::start(vec![
        page(&["cus_1", "cus_2"], true),
        page(&["cus_3", "cus_4"], true),
        page(&["cus_5"], false),
    ]);
    let all = block_on(
        server
            .client_without_retries(KEY)
            .paginate(list_customers())
            .collect_all(),
    )
    .expect("all");
    assert_eq!(ids(&all), ["cus_1", "cus_2", "cus_3", "cus_4", "cus_5"]);
    assert_eq!(server.requests().len(), 3);

    // The page that reaches the cap is cut short and the third page is never requested.
    let server = Server::start(vec![
        page(&["cus_1", "cus_2"], true),
        page(&["cus_3", "cus_4"], true),
        page(&["cus_5"], false),
    ]);
    let capped = block_on(
        server
            .client_without_retries(KEY)
            .paginate(list_customers())
            .max_items(3)
            .collect_all(),
    )
    .expect("capped");
    assert_eq!(ids(&capped), ["cus_1", "cus_2", "cus_3"]);
    assert_eq!(server.requests().len(), 2);
    assert_eq!(server.replies_left(), 1);

    let server = Server::start(vec![]);
    let none = block_on(
        server
            .client_without_retries(KEY)
            .paginate(list_customers())
            .max_items(0)
            .collect_all(),
    )
    .expect("nothing");
    assert!(none.is_empty());
    assert!(server.requests().is_empty());
}

#[test]
fn an_empty_page_ends_paging() {
    let server = Server::start(vec![page(&[], false)]);
    let client = server.client_without_retries(KEY);
    let mut pages = client.paginate(list_customers());
    block_on(async {
        assert!(pages.next_page().await.expect("empty").is_none());
        assert!(pages.next_page().await.expect("done").is_none());
    });
    assert_eq!(server.requests().len(), 1);

    // Even one that claims more objects follow: there is no cursor to follow.
    let server = Server::start(vec![page(&["cus_1"], true), page(&[], true)]);
    let all = block_on(
        server
            .client_without_retries(KEY)
            .paginate(list_customers())
            .collect_all(),
    )
    .expect("all");
    assert_eq!(ids(&all), ["cus_1"]);
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn ending_before_pages_backwards() {
    // Stripe orders each page newest first; going backwards from cus_9, the objects nearest
    // the cursor come last on each page.
    let server = Server::start(vec![
        page(&["cus_11", "cus_10"], true),
        page(&["cus_13", "cus_12"], false),
    ]);
    let first: Request<List<rt::Json>> = Request::new(Method::Get, "/v1/customers".to_owned())
        .with_query_param("ending_before", "cus_9")
        .with_query_param("limit", "2");
    let all = block_on(
        server
            .client_without_retries(KEY)
            .paginate(first)
            .collect_all(),
    )
    .expect("all");
    assert_eq!(ids(&all), ["cus_10", "cus_11", "cus_12", "cus_13"]);
    assert_eq!(
        targets(&server),
        [
            "/v1/customers?ending_before=cus_9&limit=2",
            "/v1/customers?ending_before=cus_11&limit=2",
        ]
    );
}

#[test]
fn search_follows_next_page() {
    let server = Server::start(vec![
        search_page(&["cus_1", "cus_2"], true, Some("tok_2")),
        search_page(&["cus_3", "cus_4"], true, Some("tok 3/+")),
        search_page(&["cus_5"], false, None),
    ]);
    let first: Request<SearchResult<rt::Json>> =
        Request::new(Method::Get, "/v1/customers/search".to_owned())
            .with_query_param("query", "email:'a@b.c'")
            .with_query_param("limit", "2");
    let client = server.client_without_retries(KEY);
    let mut pages = client.paginate(first);
    block_on(async {
        let mut seen = Vec::new();
        while let Some(items) = pages.next_page().await.expect("page") {
            seen.push(ids(&items).join(","));
        }
        assert_eq!(seen, ["cus_1,cus_2", "cus_3,cus_4", "cus_5"]);
    });
    assert_eq!(
        targets(&server),
        [
            "/v1/customers/search?query=email%3A%27a%40b.c%27&limit=2",
            "/v1/customers/search?query=email%3A%27a%40b.c%27&limit=2&page=tok_2",
            "/v1/customers/search?query=email%3A%27a%40b.c%27&limit=2&page=tok%203%2F%2B",
        ]
    );
}

#[test]
fn a_failed_page_can_be_fetched_again() {
    let server = Server::start(vec![
        page(&["cus_1", "cus_2"], true),
        Reply::json(
            404,
            r#"{"error": {"type": "invalid_request_error", "code": "resource_missing"}}"#,
        ),
        page(&["cus_3"], false),
    ]);
    let client = server.client_without_retries(KEY);
    let mut pages = client.paginate(list_customers());
    block_on(async {
        pages.next_page().await.expect("page 1");
        let err = pages.next_page().await.expect_err("404");
        assert_eq!(err.status(), Some(404));
        let again = pages.next_page().await.expect("page 2").expect("some");
        assert_eq!(ids(&again), ["cus_3"]);
        assert!(pages.next_page().await.expect("done").is_none());
    });
    let targets = targets(&server);
    assert_eq!(targets.len(), 3);
    assert_eq!(targets[1], targets[2]);
    assert!(targets[2].ends_with("&starting_after=cus_2"), "{targets:?}");
}

#[test]
fn a_page_without_a_cursor_is_an_error() {
    let body = json!({"object": "list", "data": [{"object": "customer"}], "has_more": true});
    let server = Server::start(vec![Reply::json(200, &body.to_string())]);
    let client = server.client_without_retries(KEY);
    let mut pages = client.paginate(list_customers());
    block_on(async {
        let err = pages.next_page().await.expect_err("no id");
        assert!(
            matches!(err.kind(), ErrorKind::Pagination { .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("no id"), "{err}");
        assert!(pages.next_page().await.expect("ended").is_none());
    });

    let server = Server::start(vec![search_page(&["cus_1"], true, None)]);
    let first = Request::<SearchResult<rt::Json>>::new(Method::Get, "/v1/x/search".to_owned());
    let err = block_on(
        server
            .client_without_retries(KEY)
            .paginate(first)
            .collect_all(),
    )
    .expect_err("no next_page");
    assert!(
        matches!(err.kind(), ErrorKind::Pagination { .. }),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn blocking_iterator_yields_every_object() {
    let server = Server::start(vec![
        page(&["cus_1", "cus_2"], true),
        page(&["cus_3", "cus_4"], true),
        page(&["cus_5"], false),
    ]);
    let client = server.blocking_client_without_retries(KEY);
    let all: Vec<rt::Json> = client
        .paginate(list_customers())
        .collect::<Result<_, _>>()
        .expect("all");
    assert_eq!(ids(&all), ["cus_1", "cus_2", "cus_3", "cus_4", "cus_5"]);
    assert_eq!(
        targets(&server),
        [
            "/v1/customers?limit=2&expand[0]=data.default_source",
            "/v1/customers?limit=2&expand[0]=data.default_source&starting_after=cus_2",
            "/v1/customers?limit=2&expand[0]=data.default_source&starting_after=cus_4",
        ]
    );

    // `take` fetches no page it does not need.
    let server = Server::start(vec![
        page(&["cus_1", "cus_2"], true),
        page(&["cus_3"], false),
    ]);
    let two: Vec<rt::Json> = server
        .blocking_client_without_retries(KEY)
        .paginate(list_customers())
        .take(2)
        .collect::<Result<_, _>>()
        .expect("two");
    assert_eq!(ids(&two), ["cus_1", "cus_2"]);
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn blocking_iterator_backwards_search_and_errors() {
    let server = Server::start(vec![
        page(&["cus_11", "cus_10"], true),
        page(&["cus_12"], false),
    ]);
    let first: Request<List<rt::Json>> = Request::new(Method::Get, "/v1/customers".to_owned())
        .with_query_param("ending_before", "cus_9");
    let all: Vec<rt::Json> = server
        .blocking_client_without_retries(KEY)
        .paginate(first)
        .collect::<Result<_, _>>()
        .expect("backwards");
    assert_eq!(ids(&all), ["cus_10", "cus_11", "cus_12"]);
    assert_eq!(
        targets(&server),
        [
            "/v1/customers?ending_before=cus_9",
            "/v1/customers?ending_before=cus_11"
        ]
    );

    let server = Server::start(vec![
        search_page(&["cus_1"], true, Some("tok_2")),
        search_page(&["cus_2"], false, None),
    ]);
    let first =
        Request::<SearchResult<rt::Json>>::new(Method::Get, "/v1/customers/search".to_owned())
            .with_query_param("query", "name:'x'");
    let found: Vec<rt::Json> = server
        .blocking_client_without_retries(KEY)
        .paginate(first)
        .collect::<Result<_, _>>()
        .expect("search");
    assert_eq!(ids(&found), ["cus_1", "cus_2"]);
    assert_eq!(
        targets(&server)[1],
        "/v1/customers/search?query=name%3A%27x%27&page=tok_2"
    );

    // An error is yielded once, after the objects before it, and ends the iteration.
    let server = Server::start(vec![
        page(&["cus_1"], true),
        Reply::json(500, r#"{"error": {"type": "api_error"}}"#),
    ]);
    let client = server.blocking_client_without_retries(KEY);
    let mut iter = client.paginate(list_customers());
    assert_eq!(iter.next().expect("first").expect("ok")["id"], "cus_1");
    let err = iter.next().expect("second").expect_err("500");
    assert_eq!(err.status(), Some(500));
    assert!(iter.next().is_none());
    assert!(iter.next().is_none());
    assert_eq!(server.requests().len(), 2);
}

/// `Paginator` is a `Stream` of objects: the usual adapters work, a page is fetched only when
/// the objects before it are used up, and paging ends where `next_page` would end it.
#[test]
fn the_paginator_is_a_stream_of_objects() {
    use futures_util::{StreamExt, TryStreamExt};

    let server = Server::start(vec![
        page(&["cus_1", "cus_2"], true),
        page(&["cus_3", "cus_4"], true),
        page(&["cus_5"], false),
    ]);
    let client = server.client_without_retries(KEY);
    let all: Vec<rt::Json> =
        block_on(client.paginate(list_customers()).try_collect()).expect("all");
    assert_eq!(ids(&all), ["cus_1", "cus_2", "cus_3", "cus_4", "cus_5"]);
    assert_eq!(server.replies_left(), 0);

    // `take(3)` needs two pages: the third is never requested.
    let server = Server::start(vec![
        page(&["cus_1", "cus_2"], true),
        page(&["cus_3", "cus_4"], true),
        page(&["cus_5"], false),
    ]);
    let client = server.client_without_retries(KEY);
    let stream = client.paginate(list_customers());
    assert_send(&stream);
    let three: Vec<rt::Json> = block_on(stream.take(3).try_collect()).expect("three");
    assert_eq!(ids(&three), ["cus_1", "cus_2", "cus_3"]);
    assert_eq!(server.requests().len(), 2);

    // `max_items` caps the stream as it caps pages; search results stream the same way.
    let server = Server::start(vec![
        search_page(&["cus_1", "cus_2"], true, Some("tok_2")),
        search_page(&["cus_3"], false, None),
    ]);
    let client = server.client_without_retries(KEY);
    let first: Request<SearchResult<rt::Json>> =
        Request::new(Method::Get, "/v1/customers/search".to_owned());
    let found: Vec<rt::Json> =
        block_on(client.paginate(first).max_items(2).try_collect()).expect("found");
    assert_eq!(ids(&found), ["cus_1", "cus_2"]);
    assert_eq!(server.requests().len(), 1);

    // Part of a page streamed, the rest of it through `next_page`.
    let server = Server::start(vec![
        page(&["cus_1", "cus_2"], true),
        page(&["cus_3"], false),
    ]);
    let client = server.client_without_retries(KEY);
    let mut pages = client.paginate(list_customers());
    block_on(async {
        let one = pages.next().await.expect("some").expect("cus_1");
        assert_eq!(one["id"], "cus_1");
        let rest = pages.next_page().await.expect("rest").expect("some");
        assert_eq!(ids(&rest), ["cus_2"]);
        let next = pages.next_page().await.expect("page 2").expect("some");
        assert_eq!(ids(&next), ["cus_3"]);
        assert!(pages.next().await.is_none());
    });
}

/// An error is yielded once and ends the stream: `try_collect` returns it, and polling on
/// after it yields nothing (no request is sent again).
#[test]
fn an_error_ends_the_stream_after_it_is_yielded() {
    use futures_util::StreamExt;

    let server = Server::start(vec![
        page(&["cus_1"], true),
        Reply::json(
            404,
            r#"{"error": {"type": "invalid_request_error", "code": "resource_missing"}}"#,
        ),
        page(&["cus_2"], false),
    ]);
    let client = server.client_without_retries(KEY);
    let mut stream = client.paginate(list_customers());
    block_on(async {
        assert!(stream.next().await.expect("cus_1").is_ok());
        let err = stream.next().await.expect("the error").expect_err("404");
        assert_eq!(err.status(), Some(404));
        assert!(stream.next().await.is_none());
        assert!(stream.next().await.is_none());
    });
    assert_eq!(server.requests().len(), 2);
    assert_eq!(server.replies_left(), 1);
}
