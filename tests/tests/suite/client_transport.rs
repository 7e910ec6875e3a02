//! The client over an in-memory `Transport`, `rt::testing::FakeStripe`: the trait is
//! object-safe, the client hands it complete requests, failures below HTTP map to the right
//! errors and are retried or not, and the pauses it asks for between retries stay within the
//! configured bounds (the requested durations are checked, not measured). No socket, and no
//! async runtime: `rt::testing::block_on` runs the client, as a user's test would.

use std::sync::Arc;
use std::time::Duration;

use stripe_typed::resources::financial_connections_account::{
    FinancialConnectionsAccount, FinancialConnectionsAccountId,
    ListFinancialConnectionsAccountAccountHolder, RefreshFinancialConnectionsAccount,
    RefreshFinancialConnectionsAccountFeatures,
};
use stripe_typed::rt::testing::{block_on, FakeStripe, Script};
use stripe_typed::rt::{
    self, ApiErrorType, ErrorKind, List, Method, Path, Request, TransportError, TransportErrorKind,
};

fn failure(kind: TransportErrorKind) -> TransportError {
    TransportError::new(kind, "simulated")
}

/// A failed response with Stripe's error object.
fn status(script: Script<'_>, code: u16) -> Script<'_> {
    script.error(code, ApiErrorType::ApiError, "simulated", "Simulated.")
}

#[test]
fn the_transport_gets_complete_requests() {
    let fake = FakeStripe::new();
    fake.on(Method::Post, "/v1/things")
        .json(200, r#"{"ok": true}"#);
    let client = fake
        .client()
        .with_base_url("https://stripe.test/")
        .with_api_version("2024-04-10")
        .with_timeout(Duration::from_secs(7));
    let request: rt::Request<rt::Json> = rt::Request::new(Method::Post, "/v1/things".to_owned())
        .form(&Some("x".to_owned()))
        .stripe_account("acct_9");
    let value = block_on(client.send(request)).expect("ok");
    assert_eq!(value, serde_json::json!({"ok": true}));

    let sent = fake.requests();
    assert_eq!(sent.len(), 1);
    let request = &sent[0];
    assert_eq!(request.method, Method::Post);
    assert_eq!(request.url, "https://stripe.test/v1/things");
    assert_eq!(request.timeout, Duration::from_secs(7));
    assert_eq!(request.body, b"=x");
    assert_eq!(request.form, [(String::new(), "x".to_owned())]);
    assert_eq!(request.stripe_account(), Some("acct_9"));
    assert_eq!(request.stripe_version(), Some("2024-04-10"));
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
    let fake = FakeStripe::new();
    let script = fake
        .on(Method::Delete, "/v1/things/a")
        .fail(failure(TransportErrorKind::Connect));
    let script = status(script, 500).fail(failure(TransportErrorKind::Other));
    status(status(script, 503), 409).json(200, "{}");
    let client = fake
        .client()
        .with_max_retries(5)
        .with_retry_delays(initial, max);
    let request: rt::Request<rt::Json> =
        rt::Request::new(Method::Delete, "/v1/things/a".to_owned());
    block_on(client.send(request)).expect("the sixth attempt succeeds");
    let attempts: Vec<u32> = fake.requests().iter().map(|r| r.attempt).collect();
    assert_eq!(attempts, [1, 2, 3, 4, 5, 6]);
    let slept = fake.sleeps();
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
    assert_eq!(fake.requests()[0].idempotency_key(), None);
}

#[test]
fn transport_failures_map_to_errors() {
    let fake = FakeStripe::new();
    fake.on(Method::Get, "/v1/x").timeout();
    let client = fake
        .client()
        .with_max_retries(0)
        .with_timeout(Duration::from_secs(3));
    let request: rt::Request<rt::Json> = rt::Request::new(Method::Get, "/v1/x".to_owned());
    let err = block_on(client.send(request.clone())).expect_err("timeout");
    assert!(matches!(err.kind(), ErrorKind::Timeout { after } if *after == Duration::from_secs(3)));
    assert!(fake.sleeps().is_empty());

    let fake = FakeStripe::new();
    let other = || failure(TransportErrorKind::Other);
    fake.on(Method::Get, "/v1/x")
        .fail(other())
        .fail(other())
        .fail(other());
    let client = client
        .with_transport(Arc::new(fake.clone()))
        .with_max_retries(2);
    let err = block_on(client.send(request)).expect_err("transport");
    match err.kind() {
        ErrorKind::Transport(e) => assert_eq!(e.kind(), TransportErrorKind::Other),
        other => panic!("{other:?}"),
    }
    assert_eq!(fake.requests().len(), 3);
    assert!(std::error::Error::source(&err).is_some());
}

#[test]
fn failures_that_cannot_heal_are_not_retried() {
    for kind in [
        TransportErrorKind::Certificate,
        TransportErrorKind::InvalidRequest,
        TransportErrorKind::ResponseTooLarge,
    ] {
        let fake = FakeStripe::new();
        fake.on(Method::Get, "/v1/x")
            .fail(failure(kind))
            .json(200, "{}");
        let client = fake.client().with_max_retries(3);
        let request: rt::Request<rt::Json> = rt::Request::new(Method::Get, "/v1/x".to_owned());
        let err = block_on(client.send(request)).expect_err("final");
        assert_eq!(fake.requests().len(), 1, "{kind:?}");
        assert!(fake.sleeps().is_empty(), "{kind:?}");
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
    let fake = FakeStripe::new();
    let client = fake.client();
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
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

/// A create that timed out may have happened; the key it was sent with lets the caller retry
/// it safely.
#[test]
fn every_error_of_a_post_carries_its_idempotency_key() {
    let fake = FakeStripe::new();
    fake.on(Method::Post, "/v1/charges")
        .timeout()
        .timeout()
        .timeout();
    let client = fake.client();
    let request: rt::Request<rt::Json> =
        rt::Request::new(Method::Post, "/v1/charges".to_owned()).form(&Some("x".to_owned()));
    let err = block_on(client.send(request.clone())).expect_err("timeout");
    let key = err.idempotency_key().expect("a key").to_owned();
    let sent: Vec<_> = fake
        .requests()
        .iter()
        .map(|r| r.idempotency_key().map(str::to_owned))
        .collect();
    assert_eq!(sent, vec![Some(key.clone()); 3]);

    fake.on(Method::Post, "/v1/charges").json(200, "{}");
    fake.clear_requests();
    block_on(client.send(request.idempotency_key(key.clone()))).expect("the retry succeeds");
    assert_eq!(fake.requests()[0].idempotency_key(), Some(key.as_str()));

    let outcomes: [fn(Script<'_>) -> Script<'_>; 4] = [
        |s| status(s, 402),
        |s| status(s, 503),
        |s| s.fail(failure(TransportErrorKind::Connect)),
        |s| s.json(200, "not json"),
    ];
    for outcome in outcomes {
        let fake = FakeStripe::new();
        outcome(fake.on(Method::Post, "/v1/charges"));
        let client = client
            .clone()
            .with_transport(Arc::new(fake.clone()))
            .with_max_retries(0);
        let request: rt::Request<rt::Json> =
            rt::Request::new(Method::Post, "/v1/charges".to_owned());
        let err = block_on(client.send(request)).expect_err("an error");
        assert_eq!(
            err.idempotency_key(),
            fake.requests()[0].idempotency_key(),
            "{err:?}"
        );
        assert!(err.idempotency_key().is_some(), "{err:?}");
    }
}

#[test]
fn responses_over_the_limit_fail_even_from_a_transport_that_ignores_it() {
    let fake = FakeStripe::new();
    fake.on(Method::Get, "/v1/x")
        .json(200, &format!("\"{}\"", "x".repeat(100)));
    let client = fake.client().with_max_response_bytes(64);
    let request: rt::Request<rt::Json> = rt::Request::new(Method::Get, "/v1/x".to_owned());
    let err = block_on(client.send(request)).expect_err("too large");
    assert!(
        matches!(err.kind(), ErrorKind::ResponseTooLarge { limit: 64 }),
        "{err:?}"
    );
    assert!(err.to_string().contains("with_max_response_bytes"), "{err}");
    assert_eq!(fake.requests().len(), 1);
}

#[test]
fn a_list_request_with_a_hostile_filter_shows_no_values_in_debug() {
    let holder = ListFinancialConnectionsAccountAccountHolder::new().customer("cus_SECRET");
    let request = FinancialConnectionsAccount::list(
        &stripe_typed::resources::financial_connections_account::ListFinancialConnectionsAccount::new()
            .account_holder(holder),
    );
    let fake = FakeStripe::new();
    let client = fake.client();
    let paginator = client.paginate(request.clone());
    for debug in [format!("{request:?}"), format!("{paginator:?}")] {
        assert!(!debug.contains("cus_SECRET"), "{debug}");
        assert!(debug.contains("account_holder[customer]"), "{debug}");
    }
}
