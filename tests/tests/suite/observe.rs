//! What both clients report of every attempt to the observer hook: method, path without the
//! query, status, `Request-Id`, attempt number, the retry decision and its reason, elapsed
//! time and the idempotency key; and that nothing secret can reach it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use stripe_typed::resources::financial_connections_session::*;
use stripe_typed::rt::{self, Attempt, Client, Method, Request, Retry, RetryReason};
use tests::block_on;
use tests::server::{Reply, Server};

const KEY: &str = "sk_test_observe_SECRETKEY_51H";
const CUSTOMER: &str = "cus_PARAM_VALUE_SECRET";
const CLIENT_SECRET: &str = "fcsess_client_secret_BODY_SECRET";

/// An attempt as reported, owned, plus its `Debug` text.
#[derive(Debug)]
struct Seen {
    method: &'static str,
    path: String,
    attempt: u32,
    status: Option<u16>,
    request_id: Option<String>,
    idempotency_key: Option<String>,
    retry: Retry,
    elapsed: Duration,
    debug: String,
}

fn recorder() -> (
    Arc<Mutex<Vec<Seen>>>,
    impl Fn(&Attempt<'_>) + Send + Sync + 'static,
) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let hook = move |a: &Attempt<'_>| {
        sink.lock().unwrap().push(Seen {
            method: a.method.as_str(),
            path: a.path.to_owned(),
            attempt: a.attempt,
            status: a.status,
            request_id: a.request_id.map(str::to_owned),
            idempotency_key: a.idempotency_key.map(str::to_owned),
            retry: a.retry,
            elapsed: a.elapsed,
            debug: format!("{a:?}"),
        });
    };
    (seen, hook)
}

fn session_json() -> String {
    format!(
        r#"{{"id":"fcsess_1","object":"financial_connections.session","account_holder":{{"customer":"{CUSTOMER}","type":"customer"}},"accounts":{{"object":"list","data":[],"has_more":false,"url":"/v1/x"}},"client_secret":"{CLIENT_SECRET}","filters":{{"countries":["US"]}},"livemode":false,"permissions":["balances"],"return_url":"https://example.com/return"}}"#
    )
}

/// A 500 (retried), then the session: two attempts, the second a success.
fn replies() -> Vec<Reply> {
    vec![
        Reply::json(500, r#"{"error":{"type":"api_error","message":"boom"}}"#)
            .header("request-id", "req_first"),
        Reply::json(200, &session_json()).header("request-id", "req_second"),
    ]
}

fn create() -> Request<FinancialConnectionsSession> {
    let holder = CreateFinancialConnectionsSessionAccountHolder::new(
        BankConnectionsResourceAccountholderType::Customer,
    )
    .customer(CUSTOMER);
    let params = CreateFinancialConnectionsSession::new(
        holder,
        vec![FinancialConnectionsSessionPermissions::Balances],
    );
    FinancialConnectionsSession::create(&params)
}

fn check(seen: &[Seen]) {
    assert_eq!(seen.len(), 2, "{seen:#?}");
    let (first, second) = (&seen[0], &seen[1]);
    for (s, n) in [(first, 1), (second, 2)] {
        assert_eq!(s.method, "POST");
        assert_eq!(s.path, "/v1/financial_connections/sessions");
        assert_eq!(s.attempt, n);
        assert!(s.elapsed > Duration::ZERO);
    }
    assert_eq!(first.status, Some(500));
    assert_eq!(first.request_id.as_deref(), Some("req_first"));
    assert!(
        matches!(first.retry, Retry::After { reason: RetryReason::ServerError, delay } if delay > Duration::ZERO),
        "{:?}",
        first.retry
    );
    assert_eq!(second.status, Some(200));
    assert_eq!(second.request_id.as_deref(), Some("req_second"));
    assert_eq!(second.retry, Retry::No);
    // One key for both attempts of the call.
    let key = first.idempotency_key.as_deref().expect("a POST has a key");
    assert_eq!(second.idempotency_key.as_deref(), Some(key));
    // Nothing secret: not the API key, not a parameter value, not the body.
    for s in seen {
        for secret in [
            KEY,
            "SECRETKEY",
            CUSTOMER,
            CLIENT_SECRET,
            "boom",
            "balances",
        ] {
            assert!(!s.debug.contains(secret), "{secret} in {}", s.debug);
        }
    }
}

#[test]
fn the_async_client_reports_every_attempt_and_nothing_secret() {
    let server = Server::start(replies());
    let (seen, hook) = recorder();
    let client = server.client(KEY).with_observer(hook);
    let session = block_on(client.send(create())).expect("session");
    assert_eq!(session.id.as_str(), "fcsess_1");
    check(&seen.lock().unwrap());
    // The hook is not part of the client's `Debug`, and neither is the key.
    let debug = format!("{client:?}");
    assert!(
        debug.contains("observer: true") && !debug.contains(KEY),
        "{debug}"
    );
}

#[test]
fn the_blocking_client_reports_the_same() {
    let server = Server::start(replies());
    let (seen, hook) = recorder();
    let client = server.blocking_client(KEY).with_observer(hook);
    client.send(create()).expect("session");
    check(&seen.lock().unwrap());
}

/// A retryable failure on the last allowed attempt is reported as exhausted; the query
/// string's values never reach the report; a refused connection is a transport failure.
#[test]
fn exhausted_retries_queries_and_connection_failures() {
    let rate = r#"{"error":{"type":"invalid_request_error","code":"lock_timeout"}}"#;
    let server = Server::start(vec![Reply::json(429, rate), Reply::json(429, rate)]);
    let (seen, hook) = recorder();
    let client = server.client(KEY).with_max_retries(1).with_observer(hook);
    let list: Request<rt::Json> = Request::new(Method::Get, "/v1/customers".to_owned())
        .with_query_param("email", "person@example.com");
    block_on(client.send(list)).expect_err("429 twice");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert!(matches!(
        seen[0].retry,
        Retry::After {
            reason: RetryReason::LockTimeout,
            ..
        }
    ));
    assert_eq!(seen[1].retry, Retry::Exhausted(RetryReason::LockTimeout));
    for s in seen.iter() {
        assert_eq!(s.path, "/v1/customers");
        assert_eq!(s.idempotency_key, None);
        assert!(!s.debug.contains("person"), "{}", s.debug);
    }
    drop(seen);

    // Nothing listens on a port just released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (seen, hook) = recorder();
    let client = Client::new(KEY)
        .with_base_url(format!("http://127.0.0.1:{port}"))
        .with_max_retries(0)
        .with_observer(hook);
    block_on(client.send(Request::<rt::Json>::new(
        Method::Get,
        "/v1/balance".to_owned(),
    )))
    .expect_err("refused");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].status, None);
    assert_eq!(seen[0].retry, Retry::Exhausted(RetryReason::Connection));
    assert!(
        seen[0].debug.contains("transport_error: Some(Connect)"),
        "{}",
        seen[0].debug
    );
}
