//! The client over a user-supplied in-memory `Transport`: the trait is object-safe, the client
//! hands it complete requests, and the pauses it asks for between retries stay within the
//! configured bounds (the requested durations are checked, not measured).

use std::collections::VecDeque;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use stripe_typed::rt::{
    self, BoxFuture, Client, Error, HttpRequest, HttpResponse, Method, Transport, TransportError,
    TransportErrorKind,
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
        status(429),
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
    assert!(matches!(err, Error::Timeout { after } if after == Duration::from_secs(3)));
    assert!(fake.slept().is_empty());

    let fake = Fake::new(vec![failure(TransportErrorKind::Other); 3]);
    let client = client.with_transport(fake.clone()).with_max_retries(2);
    let err = block_on(client.send(request)).expect_err("transport");
    match &err {
        Error::Transport(e) => assert_eq!(e.kind(), TransportErrorKind::Other),
        other => panic!("{other:?}"),
    }
    assert_eq!(fake.sent().len(), 3);
    assert!(std::error::Error::source(&err).is_some());
}
