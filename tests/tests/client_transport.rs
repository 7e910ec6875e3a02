//! The client over a user-supplied in-memory `Transport`: the trait is object-safe, the client
//! hands it complete requests, and the pauses it asks for between retries stay within the
//! configured bounds (the requested durations are checked, not measured).

use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use stripe_typed::resources::financial_connections_account::{
    FinancialConnectionsAccount, FinancialConnectionsAccountId,
    ListFinancialConnectionsAccountAccountHolder, RefreshFinancialConnectionsAccount,
    RefreshFinancialConnectionsAccountFeatures,
};
use stripe_typed::rt::{
    self, BoxFuture, Client, ErrorKind, HttpRequest, HttpResponse, List, Method, Path, Request,
    Transport, TransportError, TransportErrorKind,
};

type Outcome = Result<HttpResponse, TransportError>;

#[derive(Default)]
struct Fake {
    outcomes: Mutex<VecDeque<Outcome>>,
    sent: Mutex<Vec<HttpRequest>>,
    slept: Mutex<Vec<Duration>>,
}

impl Fake {
    fn new(outcomes: Vec<Outcome>) -> Arc<Fake> {
        Arc::new(Fake {
            outcomes: Mutex::new(outcomes.into()),
            ..Fake::default()
        })
    }

    fn sent(&self) -> Vec<HttpRequest> {
        self.sent.lock().expect("lock").clone()
    }

    fn slept(&self) -> Vec<Duration> {
        self.slept.lock().expect("lock").clone()
    }
}

impl Transport for Fake {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Outcome> {
        self.sent.lock().expect("lock").push(request);
        let outcome = self.outcomes.lock().expect("lock").pop_front();
        Box::pin(async move {
            outcome.unwrap_or_else(|| {
                Err(TransportError::new(
                    TransportErrorKind::Other,
                    "no outcome left",
                ))
            })
        })
    }

    fn sleep(&self, duration: Duration) -> BoxFuture<'_, ()> {
        self.slept.lock().expect("lock").push(duration);
        Box::pin(async {})
    }
}

fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("tokio runtime")
        .block_on(future)
}

fn ok(body: &str) -> Outcome {
    Ok(HttpResponse::new(
        200,
        vec![("request-id".to_owned(), "req_1".to_owned())],
        body.as_bytes().to_vec(),
    ))
}

fn status(code: u16) -> Outcome {
    Ok(HttpResponse::new(
        code,
        Vec::new(),
        br#"{"error": {"type": "api_error"}}"#.to_vec(),
    ))
}

fn failure(kind: TransportErrorKind) -> Outcome {
    Err(TransportError::new(kind, "simulated"))
}

#[test]
fn the_transport_gets_complete_requests() {
    let fake = Fake::new(vec![ok(r#"{"ok": true}"#)]);
    let client = Client::from_transport("sk_test_fake", fake.clone())
        .with_base_url("https://stripe.test/")
        .with_api_version("2024-04-10")
        .with_timeout(Duration::from_secs(7));
    let request: rt::Request<rt::Json> = rt::Request::new(Method::Post, "/v1/things".to_owned())
        .form(&Some("x".to_owned()))
        .stripe_account("acct_9");
    let value = block_on(client.send(request)).expect("ok");
    assert_eq!(value, serde_json::json!({"ok": true}));

    let sent = fake.sent();
    assert_eq!(sent.len(), 1);
    let request = &sent[0];
    assert_eq!(request.method, Method::Post);
    assert_eq!(request.url, "https://stripe.test/v1/things");
    assert_eq!(request.timeout, Duration::from_secs(7));
    assert_eq!(request.body, b"=x");
    let names: Vec<&str> = request.headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "Authorization",
            "Stripe-Version",
            "User-Agent",
            "X-Stripe-Client-User-Agent",
            "Content-Type",
            "Stripe-Account",
            "Idempotency-Key"
        ]
    );
    assert_eq!(request.header("authorization"), Some("Bearer sk_test_fake"));
    let debug = format!("{request:?}");
    assert!(!debug.contains("sk_test_fake"), "{debug}");
}

#[test]
fn retries_pause_within_the_configured_bounds() {
    let (initial, max) = (Duration::from_millis(300), Duration::from_millis(1000));
    let fake = Fake::new(vec![
        failure(TransportErrorKind::Connect),
        status(500),
        failure(TransportErrorKind::Other),
        status(503),
        status(409),
        ok("{}"),
    ]);
    let client = Client::from_transport("sk_test_fake", fake.clone())
        .with_max_retries(5)
        .with_retry_delays(initial, max);
    let request: rt::Request<rt::Json> =
        rt::Request::new(Method::Delete, "/v1/things/a".to_owned());
    block_on(client.send(request)).expect("the sixth attempt succeeds");
    assert_eq!(fake.sent().len(), 6);
    let slept = fake.slept();
    assert_eq!(slept.len(), 5);
    for (i, pause) in slept.iter().enumerate() {
        assert!(
            *pause >= initial && *pause <= max,
            "retry {}: {pause:?}",
            i + 1
        );
        // Exponential: retry n waits at least half of initial * 2^(n-1), capped at max.
        let base = (initial * 2u32.pow(i as u32)).min(max);
        assert!(*pause * 2 >= base, "retry {}: {pause:?}", i + 1);
    }
    // DELETE carries no idempotency key.
    assert_eq!(fake.sent()[0].header("idempotency-key"), None);
}

#[test]
fn transport_failures_map_to_errors() {
    let fake = Fake::new(vec![failure(TransportErrorKind::Timeout)]);
    let client = Client::from_transport("sk_test_fake", fake.clone())
        .with_max_retries(0)
        .with_timeout(Duration::from_secs(3));
    let request: rt::Request<rt::Json> = rt::Request::new(Method::Get, "/v1/x".to_owned());
    let err = block_on(client.send(request.clone())).expect_err("timeout");
    assert!(matches!(err.kind(), ErrorKind::Timeout { after } if *after == Duration::from_secs(3)));
    assert!(fake.slept().is_empty());

    let fake = Fake::new(vec![failure(TransportErrorKind::Other); 3]);
    let client = client.with_transport(fake.clone()).with_max_retries(2);
    let err = block_on(client.send(request)).expect_err("transport");
    match err.kind() {
        ErrorKind::Transport(e) => assert_eq!(e.kind(), TransportErrorKind::Other),
        other => panic!("{other:?}"),
    }
    assert_eq!(fake.sent().len(), 3);
    assert!(std::error::Error::source(&err).is_some());
}

#[test]
fn failures_that_cannot_heal_are_not_retried() {
    for kind in [
        TransportErrorKind::Certificate,
        TransportErrorKind::InvalidRequest,
        TransportErrorKind::ResponseTooLarge,
    ] {
        let fake = Fake::new(vec![failure(kind), ok("{}")]);
        let client = Client::from_transport("sk_test_fake", fake.clone()).with_max_retries(3);
        let request: rt::Request<rt::Json> = rt::Request::new(Method::Get, "/v1/x".to_owned());
        let err = block_on(client.send(request)).expect_err("final");
        assert_eq!(fake.sent().len(), 1, "{kind:?}");
        assert!(fake.slept().is_empty(), "{kind:?}");
        if kind == TransportErrorKind::ResponseTooLarge {
            assert!(
                matches!(err.kind(), ErrorKind::ResponseTooLarge { .. }),
                "{err:?}"
            );
        } else {
            assert!(
                matches!(err.kind(), ErrorKind::Transport(e) if e.kind() == kind),
                "{err:?}"
            );
        }
    }
}

/// A path parameter that would leave its segment is refused before the transport sees
/// anything, by every generated operation and by paging.
#[test]
fn refused_path_parameters_never_reach_the_transport() {
    let fake = Fake::new(vec![ok("{}"); 8]);
    let client = Client::from_transport("sk_test_fake", fake.clone());
    for (value, reason) in [
        ("", "is empty"),
        (".", "is `.` or `..`"),
        ("..", "is `.` or `..`"),
        ("fca_1/../fca_2", "contains `/`"),
    ] {
        let id = FinancialConnectionsAccountId::new(value);
        let refresh = FinancialConnectionsAccount::refresh(
            &id,
            &RefreshFinancialConnectionsAccount::new(vec![
                RefreshFinancialConnectionsAccountFeatures::Balance,
            ]),
        );
        assert!(refresh.check().is_err(), "{value:?}");
        let err = block_on(client.send(refresh)).expect_err("refused");
        match err.kind() {
            ErrorKind::InvalidPathParameter { name, reason: r } => {
                assert_eq!(*name, "account");
                assert!(r.starts_with(reason), "{value:?}: {r}");
            }
            other => panic!("{value:?}: {other:?}"),
        }
        assert!(err.to_string().contains("`account`"), "{err}");
        assert_eq!(err.idempotency_key(), None);
    }
    // Paging stops at the refused first page.
    let first: Request<List<rt::Json>> = Request::new(
        Method::Get,
        Path::new("/v1/customers/")
            .param("customer", "..")
            .push("/tax_ids"),
    );
    let err = block_on(client.paginate(first).collect_all()).expect_err("refused");
    assert!(
        matches!(
            err.kind(),
            ErrorKind::InvalidPathParameter {
                name: "customer",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(fake.sent().is_empty(), "{:?}", fake.sent());
}

/// A create that timed out may have happened; the key it was sent with lets the caller retry
/// it safely.
#[test]
fn every_error_of_a_post_carries_its_idempotency_key() {
    let fake = Fake::new(vec![failure(TransportErrorKind::Timeout); 3]);
    let client = Client::from_transport("sk_test_fake", fake.clone());
    let request: rt::Request<rt::Json> =
        rt::Request::new(Method::Post, "/v1/charges".to_owned()).form(&Some("x".to_owned()));
    let err = block_on(client.send(request.clone())).expect_err("timeout");
    let key = err.idempotency_key().expect("a key").to_owned();
    let sent: Vec<_> = fake
        .sent()
        .iter()
        .map(|r| r.header("idempotency-key").map(str::to_owned))
        .collect();
    assert_eq!(sent, vec![Some(key.clone()); 3]);

    let fake = Fake::new(vec![ok("{}")]);
    let client = client.with_transport(fake.clone());
    block_on(client.send(request.idempotency_key(key.clone()))).expect("the retry succeeds");
    assert_eq!(fake.sent()[0].header("idempotency-key"), Some(key.as_str()));

    for outcome in [
        status(402),
        status(503),
        failure(TransportErrorKind::Connect),
        ok("not json"),
    ] {
        let fake = Fake::new(vec![outcome]);
        let client = client
            .clone()
            .with_transport(fake.clone())
            .with_max_retries(0);
        let request: rt::Request<rt::Json> =
            rt::Request::new(Method::Post, "/v1/charges".to_owned());
        let err = block_on(client.send(request)).expect_err("an error");
        assert_eq!(
            err.idempotency_key(),
            fake.sent()[0].header("idempotency-key"),
            "{err:?}"
        );
        assert!(err.idempotency_key().is_some(), "{err:?}");
    }
}

#[test]
fn responses_over_the_limit_fail_even_from_a_transport_that_ignores_it() {
    let fake = Fake::new(vec![ok(&format!("\"{}\"", "x".repeat(100)))]);
    let client = Client::from_transport("sk_test_fake", fake.clone()).with_max_response_bytes(64);
    let request: rt::Request<rt::Json> = rt::Request::new(Method::Get, "/v1/x".to_owned());
    let err = block_on(client.send(request)).expect_err("too large");
    assert!(
        matches!(err.kind(), ErrorKind::ResponseTooLarge { limit: 64 }),
        "{err:?}"
    );
    assert!(err.to_string().contains("with_max_response_bytes"), "{err}");
    assert_eq!(fake.sent()[0].max_response_bytes, 64);
}

#[test]
fn a_list_request_with_a_hostile_filter_shows_no_values_in_debug() {
    let holder = ListFinancialConnectionsAccountAccountHolder::new().customer("cus_SECRET");
    let request = FinancialConnectionsAccount::list(
        &stripe_typed::resources::financial_connections_account::ListFinancialConnectionsAccount::new()
            .account_holder(holder),
    );
    let fake = Fake::new(vec![]);
    let client = Client::from_transport("sk_test_fake", fake);
    let paginator = client.paginate(request.clone());
    for debug in [format!("{request:?}"), format!("{paginator:?}")] {
        assert!(!debug.contains("cus_SECRET"), "{debug}");
        assert!(debug.contains("account_holder[customer]"), "{debug}");
    }
}
