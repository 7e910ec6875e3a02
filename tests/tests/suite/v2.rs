//! Stripe's v2 API against the scripted loopback server: the exact requests the clients send
//! for `/v2/` paths (JSON bodies, `{}` for a POST without parameters, query strings, the
//! `Stripe-Context` header, idempotency keys on POST and DELETE, a per-request API key), how
//! v2's error object and shapes decode, the retry rules, paging by `next_page_url` (and
//! refusing a hostile one), and what the observer sees.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use stripe_typed::rt::{
    self, v2, Attempt, DateTime, Decimal, ErrorKind, JsonWriter, Method, Request, Retry,
    RetryReason, ToForm, ToJson,
};
use tests::server::{Reply, Server};
use tests::{block_on, ids};

const KEY: &str = "sk_test_v2_SECRETKEY_51H";
const SESSION_TOKEN: &str = "ek_test_SESSION_TOKEN_SECRET";

/// The parameters of `POST /v2/core/accounts/{id}`, as the generator writes them.
struct UpdateAccount {
    display_name: Option<String>,
    contact_email: Option<String>,
    metadata: Option<BTreeMap<String, Option<String>>>,
    include: Vec<String>,
    percent_ownership: Option<Decimal>,
    signed_at: Option<DateTime>,
}

impl ToJson for UpdateAccount {
    fn to_json(&self, w: &mut JsonWriter) {
        w.begin_object();
        w.field("display_name", &self.display_name);
        w.field("contact_email", &self.contact_email);
        w.field("metadata", &self.metadata);
        w.field("include", &self.include);
        w.field("percent_ownership", &self.percent_ownership);
        w.field("signed_at", &self.signed_at);
        w.end_object();
    }
}

/// The query of `GET /v2/core/events`, as the generator writes it.
struct ListEvents {
    object_id: Option<String>,
    types: Vec<String>,
    created_gt: Option<DateTime>,
    limit: Option<i64>,
}

impl ToForm for ListEvents {
    fn to_form(&self, key: &str, form: &mut rt::Form) {
        form.field(key, "object_id", &self.object_id);
        form.field(key, "types", &self.types);
        struct Created<'a>(&'a Option<DateTime>);
        impl ToForm for Created<'_> {
            fn to_form(&self, key: &str, form: &mut rt::Form) {
                form.field(key, "gt", self.0);
            }
        }
        form.field(key, "created", &Created(&self.created_gt));
        form.field(key, "limit", &self.limit);
    }
}

fn account_json(id: &str) -> String {
    format!(
        r#"{{"id": "{id}", "object": "v2.core.account", "created": "2024-09-30T21:15:00.000Z"}}"#
    )
}

#[test]
fn a_post_sends_its_parameters_as_json() {
    let server = Server::start(vec![Reply::json(200, &account_json("acct_1"))]);
    let params = UpdateAccount {
        display_name: Some("Jenny \"J\" Rosen\n".to_owned()),
        contact_email: None,
        metadata: Some(
            [
                ("remove_me".to_owned(), None),
                ("order".to_owned(), Some("42".to_owned())),
            ]
            .into(),
        ),
        include: vec!["identity".to_owned(), "configuration.customer".to_owned()],
        percent_ownership: Some(Decimal::new("12.50").expect("decimal")),
        signed_at: Some(DateTime::from_unix(1_727_730_900).expect("in range")),
    };
    let request = Request::<rt::Json>::new(
        Method::Post,
        rt::Path::new("/v2/core/accounts/").param("id", "acct_1"),
    )
    .json(&params)
    .stripe_context("acct_platform/acct_1");
    assert!(request.is_json());
    let debug = format!("{request:?}");
    assert!(
        !debug.contains("Jenny") && !debug.contains("12.50"),
        "{debug}"
    );
    let account = block_on(server.client(KEY).send(request)).expect("account");
    assert_eq!(account["created"], "2024-09-30T21:15:00.000Z");

    let sent = server.only_request();
    assert_eq!(
        (sent.method.as_str(), sent.target.as_str()),
        ("POST", "/v2/core/accounts/acct_1")
    );
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.body_text(),
        r#"{"display_name":"Jenny \"J\" Rosen\u000a","metadata":{"order":"42","remove_me":null},"include":["identity","configuration.customer"],"percent_ownership":"12.50","signed_at":"2024-09-30T21:15:00Z"}"#
    );
    assert_eq!(
        sent.header("content-length"),
        Some(&*sent.body.len().to_string())
    );
    assert_eq!(sent.header("stripe-context"), Some("acct_platform/acct_1"));
    assert_eq!(
        sent.header("authorization"),
        Some(&*format!("Bearer {KEY}"))
    );
    assert_eq!(sent.header("stripe-version"), Some(rt::API_VERSION));
    assert_eq!(sent.header("idempotency-key").map(str::len), Some(36));
}

#[test]
fn a_post_without_parameters_sends_an_empty_object() {
    let server = Server::start(vec![Reply::json(
        200,
        r#"{"id": "evt_1", "object": "v2.core.event"}"#,
    )]);
    let ping = Request::<rt::Json>::new(Method::Post, "/v2/core/event_destinations/ed_1/ping");
    block_on(server.client(KEY).send(ping)).expect("event");
    let sent = server.only_request();
    assert_eq!(sent.body_text(), "{}");
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert!(sent.header("idempotency-key").is_some());
}

#[test]
fn a_delete_gets_an_idempotency_key_and_decodes_the_deleted_object() {
    let server = Server::start(vec![Reply::json(
        200,
        r#"{"id": "person_1", "object": "v2.core.account_person", "deleted": true}"#,
    )]);
    let delete = Request::<v2::Deleted>::new(
        Method::Delete,
        rt::Path::new("/v2/core/accounts/")
            .param("account_id", "acct_1")
            .push("/persons/")
            .param("id", "person_1"),
    );
    let deleted = block_on(server.client(KEY).send(delete)).expect("deleted");
    assert_eq!(deleted.id, "person_1");
    assert_eq!(deleted.object.as_deref(), Some("v2.core.account_person"));
    assert_eq!(deleted.extra.get_raw("deleted"), Some("true"));
    let sent = server.only_request();
    assert_eq!(sent.method, "DELETE");
    assert_eq!(sent.header("idempotency-key").map(str::len), Some(36));
    assert!(sent.body.is_empty());
    assert_eq!(sent.header("content-type"), None);
}

#[test]
fn a_get_encodes_its_query_and_sends_no_body() {
    let server = Server::start(vec![Reply::json(
        200,
        r#"{"data": [], "next_page_url": null, "previous_page_url": null}"#,
    )]);
    let query = ListEvents {
        object_id: Some("mtr_1".to_owned()),
        types: vec![
            "v1.billing.meter.error_report_triggered".to_owned(),
            "v1.billing.meter.no_meter_found".to_owned(),
        ],
        created_gt: Some(DateTime::new("2024-09-30T21:15:00.5+02:00").expect("valid")),
        limit: Some(10),
    };
    let list = Request::<v2::List<rt::Json>>::new(Method::Get, "/v2/core/events").query(&query);
    let page = block_on(server.client(KEY).send(list)).expect("page");
    assert!(page.data.is_empty() && page.next_page_url.is_none());
    let sent = server.only_request();
    // Lists indexed as v1's, as Stripe's libraries send them since November 2025.
    assert_eq!(
        sent.target,
        "/v2/core/events?object_id=mtr_1&types[0]=v1.billing.meter.error_report_triggered\
         &types[1]=v1.billing.meter.no_meter_found&created[gt]=2024-09-30T21%3A15%3A00.5%2B02%3A00\
         &limit=10"
    );
    assert!(sent.body.is_empty());
    assert_eq!(sent.header("idempotency-key"), None);
}

#[test]
fn errors_decode_as_v2_error_objects() {
    let body = r#"{"error": {"type": "invalid_request_error", "code": "not_found",
        "message": "No such account: 'acct_x'", "user_message": "Not found.",
        "doc_url": "https://docs.stripe.com/error-codes", "invalid_param": {"secret": "pi_1_secret_x"}}}"#;
    let server = Server::start(vec![Reply::json(404, body).header("Request-Id", "req_v2")]);
    let get = Request::<rt::Json>::new(Method::Get, "/v2/core/accounts/acct_x");
    let err = block_on(server.client(KEY).send(get)).expect_err("404");
    let api = err.v2_api_error().expect("v2 error");
    assert_eq!(api.code, v2::ErrorCode::NotFound);
    assert_eq!(api.type_.as_deref(), Some("invalid_request_error"));
    assert_eq!(api.user_message.as_deref(), Some("Not found."));
    assert_eq!(
        api.extra.get("invalid_param"),
        Some(serde_json::json!({"secret": "pi_1_secret_x"}))
    );
    assert!(matches!(err.kind(), ErrorKind::ApiV2(_)));
    assert!(err.api_error().is_none());
    assert_eq!(
        (err.status(), err.request_id()),
        (Some(404), Some("req_v2"))
    );
    assert_eq!(
        err.to_string(),
        "Stripe API v2 error 404 invalid_request_error/not_found: No such account: 'acct_x' \
         [request req_v2]"
    );
    let debug = format!("{err:?}");
    assert!(
        !debug.contains("pi_1_secret") && !debug.contains(KEY),
        "{debug}"
    );

    // What is not an error object (a proxy's page) is an HTTP error, as on v1.
    let server = Server::start(vec![
        Reply::json(502, "<html>bad gateway</html>").header("Stripe-Should-Retry", "false")
    ]);
    let get = Request::<rt::Json>::new(Method::Get, "/v2/core/accounts/acct_x");
    let err = block_on(server.client(KEY).send(get)).expect_err("502");
    assert!(matches!(err.kind(), ErrorKind::Http), "{err:?}");
    assert_eq!(err.body(), Some("<html>bad gateway</html>"));
}

fn v2_error(status: u16, code: &str) -> Reply {
    Reply::json(
        status,
        &format!(r#"{{"error": {{"type": "x", "code": "{code}", "message": "m"}}}}"#),
    )
}

#[test]
fn retries_resend_the_same_body_and_key() {
    let server = Server::start(vec![
        v2_error(500, "internal"),
        v2_error(409, "idempotency_error"),
        Reply::json(200, &account_json("acct_2")),
    ]);
    let create = Request::<rt::Json>::new(Method::Post, "/v2/core/accounts")
        .json(&serde_json::json!({"display_name": "x"}));
    block_on(server.client(KEY).send(create)).expect("third attempt");
    let sent = server.requests();
    assert_eq!(sent.len(), 3);
    let key = sent[0].header("idempotency-key").expect("key");
    for attempt in &sent {
        assert_eq!(attempt.header("idempotency-key"), Some(key));
        assert_eq!(attempt.body_text(), r#"{"display_name":"x"}"#);
    }

    // A 429 is not retried on v2 (not even a lock timeout), nor a 500 Stripe says not to.
    for reply in [
        v2_error(429, "rate_limit"),
        v2_error(429, "lock_timeout"),
        v2_error(500, "internal").header("Stripe-Should-Retry", "false"),
        v2_error(400, "invalid_fields"),
    ] {
        let status = reply.status;
        let server = Server::start(vec![reply, Reply::json(200, "{}")]);
        let post = Request::<rt::Json>::new(Method::Post, "/v2/core/accounts");
        let err = block_on(server.client(KEY).send(post)).expect_err("not retried");
        assert_eq!(err.status(), Some(status));
        assert!(err.v2_api_error().is_some(), "{err:?}");
        assert_eq!(server.requests().len(), 1, "{status}");
    }
}

#[test]
fn the_client_context_and_a_request_api_key() {
    let server = Server::start(vec![Reply::json(200, "{}"), Reply::json(200, "{}")]);
    let client = server.client(KEY).with_stripe_context("acct_ctx");
    assert_eq!(client.default_stripe_context(), Some("acct_ctx"));
    // The meter event stream: its own server, and a session token instead of the secret key.
    let stream = Request::<rt::Json>::new(Method::Post, "/v2/billing/meter_event_stream")
        .server("https://meter-events.stripe.com/")
        .api_key(SESSION_TOKEN)
        .json(&serde_json::json!({"events": [{"event_name": "api_call", "payload": {"n": "1"}}]}));
    assert!(!format!("{stream:?}").contains("SESSION_TOKEN"));
    block_on(client.send(stream)).expect("accepted");
    // A v1 request carries the context too.
    block_on(client.send(Request::<rt::Json>::new(Method::Get, "/v1/balance"))).expect("balance");
    let sent = server.requests();
    assert_eq!(sent[0].target, "/v2/billing/meter_event_stream");
    assert_eq!(
        sent[0].header("authorization"),
        Some(&*format!("Bearer {SESSION_TOKEN}"))
    );
    assert_eq!(
        sent[1].header("authorization"),
        Some(&*format!("Bearer {KEY}"))
    );
    for request in &sent {
        assert_eq!(request.header("stripe-context"), Some("acct_ctx"));
    }

    // A context that would break the header fails before anything is sent.
    let server = Server::start(vec![]);
    let bad = server
        .client(KEY)
        .with_stripe_context("acct_1\r\nX-Injected: 1");
    let err = block_on(bad.send(Request::<rt::Json>::new(Method::Get, "/v2/core/accounts")))
        .expect_err("refused");
    assert!(
        matches!(
            err.kind(),
            ErrorKind::InvalidHeader {
                name: "Stripe-Context"
            }
        ),
        "{err:?}"
    );
    assert!(server.requests().is_empty());
}

/// A v2 list page of objects with these ids, pointing at `next`.
fn page(ids: &[&str], next: Option<&str>) -> Reply {
    let data: Vec<_> = ids.iter().map(|id| serde_json::json!({"id": id})).collect();
    let body = serde_json::json!({"data": data, "next_page_url": next, "previous_page_url": null});
    Reply::json(200, &body.to_string())
}

fn list_accounts() -> Request<v2::List<rt::Json>> {
    Request::new(Method::Get, "/v2/core/accounts")
        .with_query_param("limit", "2")
        .stripe_context("acct_ctx")
}

#[test]
fn paging_follows_next_page_url_through_empty_pages() {
    let server = Server::start(vec![
        page(&["acct_1", "acct_2"], Some("/v2/core/accounts?page=p2")),
        page(&[], Some("/v2/core/accounts?page=p3&limit=2")),
        page(&["acct_3"], None),
    ]);
    let client = server.client(KEY);
    let mut pages = client.paginate(list_accounts());
    block_on(async {
        let first = pages.next_page().await.expect("page 1").expect("some");
        assert_eq!(ids(&first), ["acct_1", "acct_2"]);
        // The empty page is skipped, not the end.
        let last = pages.next_page().await.expect("page 3").expect("some");
        assert_eq!(ids(&last), ["acct_3"]);
        assert!(pages.next_page().await.expect("done").is_none());
    });
    let sent = server.requests();
    let targets: Vec<&str> = sent.iter().map(|r| r.target.as_str()).collect();
    assert_eq!(
        targets,
        [
            "/v2/core/accounts?limit=2",
            "/v2/core/accounts?page=p2",
            "/v2/core/accounts?page=p3&limit=2",
        ]
    );
    // Options carry over to every page.
    assert!(sent
        .iter()
        .all(|r| r.header("stripe-context") == Some("acct_ctx")));

    let server = Server::start(vec![
        page(&["acct_1", "acct_2"], Some("/v2/core/accounts?page=p2")),
        page(&["acct_3", "acct_4"], Some("/v2/core/accounts?page=p3")),
    ]);
    let capped = block_on(
        server
            .client(KEY)
            .paginate(list_accounts())
            .max_items(3)
            .collect_all(),
    )
    .expect("capped");
    assert_eq!(ids(&capped), ["acct_1", "acct_2", "acct_3"]);
    assert_eq!(server.requests().len(), 2);

    // The blocking iterator pages the same way.
    let server = Server::start(vec![
        page(&["acct_1"], Some("/v2/core/accounts?page=p2")),
        page(&["acct_2"], None),
    ]);
    let client = server.blocking_client(KEY);
    let all: Vec<rt::Json> = client
        .paginate(list_accounts())
        .collect::<Result<_, _>>()
        .expect("all");
    assert_eq!(ids(&all), ["acct_1", "acct_2"]);
}

#[test]
fn a_hostile_next_page_url_is_never_requested() {
    for next in [
        "https://evil.example/v2/core/accounts?page=p2",
        "//evil.example/v2/core/accounts",
        "/v1/customers",
        "/v2/core/../../v1/customers",
        "/v2/core/accounts?page=p2\r\nX-Injected: 1",
        "/v2/core/accounts?limit=2",
    ] {
        let server = Server::start(vec![
            page(&["acct_1"], Some(next)),
            page(&["acct_evil"], None),
        ]);
        let client = server.client(KEY);
        let mut pages = client.paginate(list_accounts());
        block_on(async {
            let first = pages.next_page().await.expect("page 1").expect("some");
            assert_eq!(ids(&first), ["acct_1"]);
            let err = pages.next_page().await.expect_err(next);
            assert!(
                matches!(err.kind(), ErrorKind::Pagination { .. }),
                "{next}: {err:?}"
            );
            assert!(err.to_string().contains("next_page_url"), "{err}");
            assert!(pages.next_page().await.expect("ended").is_none());
        });
        assert_eq!(server.requests().len(), 1, "{next}");
    }

    // An empty page with a refused URL fails at once; the blocking iterator yields the
    // objects, then the error once, then ends.
    let server = Server::start(vec![page(&[], Some("https://evil.example/v2/x"))]);
    let err =
        block_on(server.client(KEY).paginate(list_accounts()).collect_all()).expect_err("refused");
    assert!(
        matches!(err.kind(), ErrorKind::Pagination { .. }),
        "{err:?}"
    );
    let server = Server::start(vec![page(&["acct_1"], Some("/v1/customers"))]);
    let client = server.blocking_client(KEY);
    let items: Vec<Result<rt::Json, rt::Error>> = client.paginate(list_accounts()).collect();
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[0].as_ref().map(|a| a["id"].clone()).ok(),
        Some("acct_1".into())
    );
    assert!(items[1].is_err());
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn the_observer_sees_v2_attempts_without_secrets() {
    /// An attempt's number, status, retry decision and `Debug` text.
    type Seen = (u32, Option<u16>, Retry, String);
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let sink = Arc::clone(&seen);
    let server = Server::start(vec![v2_error(503, "unavailable"), Reply::json(200, "{}")]);
    let client = server.client(KEY).with_observer(move |a: &Attempt<'_>| {
        sink.lock()
            .unwrap()
            .push((a.attempt, a.status, a.retry, format!("{a:?}")));
    });
    let request = Request::<rt::Json>::new(Method::Delete, "/v2/core/event_destinations/ed_1")
        .api_key(SESSION_TOKEN)
        .with_query_param("include", "webhook_endpoint.url");
    block_on(client.send(request)).expect("second attempt");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert!(matches!(
        seen[0].2,
        Retry::After {
            reason: RetryReason::ServerError,
            ..
        }
    ));
    assert_eq!((seen[1].0, seen[1].1, seen[1].2), (2, Some(200), Retry::No));
    for (_, _, _, debug) in seen.iter() {
        assert!(
            debug.contains("/v2/core/event_destinations/ed_1"),
            "{debug}"
        );
        assert!(debug.contains("idempotency_key: Some("), "{debug}");
        for secret in [KEY, SESSION_TOKEN, "webhook_endpoint.url"] {
            assert!(!debug.contains(secret), "{secret} in {debug}");
        }
    }
}
