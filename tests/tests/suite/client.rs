//! The async client against a scripted server on 127.0.0.1: the exact requests it sends for the
//! generated Financial Connections Session operations, how it decodes successes and every error
//! shape; and its retry policy, over `rt::testing::FakeStripe` (no socket needed there).

use std::time::Duration;

use stripe_typed::resources::financial_connections_session::{
    BankConnectionsResourceAccountholderType as HolderType, CreateFinancialConnectionsSession,
    CreateFinancialConnectionsSessionAccountHolder, CreateFinancialConnectionsSessionFilters,
    FinancialConnectionsSession, FinancialConnectionsSessionId,
    FinancialConnectionsSessionPermissions as Permission, FinancialConnectionsSessionPrefetch,
    RetrieveFinancialConnectionsSession,
};
use stripe_typed::rt::testing::{FakeStripe, Script};
use stripe_typed::rt::{self, ApiErrorType, Client, Error, ErrorKind, Expandable, Method};
use tests::block_on;
use tests::server::{Reply, Server};

const KEY: &str = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";
const CLIENT_SECRET: &str = "fcsess_client_secret_KRJ6uW4ZD1xbGXaR2Dwf4kVq";

fn session_json() -> String {
    format!(
        r#"{{
  "id": "fcsess_123",
  "object": "financial_connections.session",
  "account_holder": {{"type": "customer", "customer": "cus_123"}},
  "accounts": {{"object": "list", "data": [], "has_more": false, "url": "/v1/financial_connections/accounts"}},
  "client_secret": "{CLIENT_SECRET}",
  "filters": {{"countries": ["US"]}},
  "livemode": false,
  "permissions": ["balances", "payment_method", "brand_new_permission"],
  "prefetch": null,
  "return_url": "https://example.com/return",
  "a_field_added_later": {{"nested": true}}
}}"#
    )
}

fn create_params() -> CreateFinancialConnectionsSession {
    CreateFinancialConnectionsSession::new(
        CreateFinancialConnectionsSessionAccountHolder::new(HolderType::Customer)
            .customer("cus_123"),
        vec![Permission::Balances, Permission::PaymentMethod],
    )
    .expand(vec!["accounts".to_owned()])
    .filters(
        CreateFinancialConnectionsSessionFilters::new()
            .countries(vec!["US".to_owned(), "CA".to_owned()]),
    )
    .prefetch(vec![FinancialConnectionsSessionPrefetch::Transactions])
    .return_url("https://example.com/return?a=1&b=2 c")
}

#[test]
fn create_sends_the_exact_request_and_decodes_the_session() {
    let server = Server::start(vec![
        Reply::json(200, &session_json()).header("Request-Id", "req_create")
    ]);
    let session = block_on(
        server
            .client(KEY)
            .send(FinancialConnectionsSession::create(&create_params())),
    )
    .expect("session");

    let request = server.only_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.target, "/v1/financial_connections/sessions");
    assert_eq!(
        request.header("authorization"),
        Some(&*format!("Bearer {KEY}"))
    );
    assert_eq!(request.header("stripe-version"), Some(rt::API_VERSION));
    assert_eq!(request.header("user-agent"), Some(rt::USER_AGENT));
    assert!(rt::USER_AGENT.starts_with("stripe-typed/0."));
    assert_eq!(
        request.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(request.header("stripe-account"), None);
    let key = request
        .header("idempotency-key")
        .expect("a generated idempotency key");
    assert_eq!(key.len(), 36, "{key}");
    assert_eq!(
        request.body_text(),
        "account_holder[customer]=cus_123&account_holder[type]=customer\
         &expand[0]=accounts\
         &filters[countries][0]=US&filters[countries][1]=CA\
         &permissions[0]=balances&permissions[1]=payment_method\
         &prefetch[0]=transactions\
         &return_url=https%3A%2F%2Fexample.com%2Freturn%3Fa%3D1%26b%3D2%20c"
    );

    assert_eq!(session.id, FinancialConnectionsSessionId::new("fcsess_123"));
    let secret = session.client_secret.clone().flatten();
    assert_eq!(secret.as_ref().map(rt::Secret::expose), Some(CLIENT_SECRET));
    assert!(!session.livemode);
    // An unknown enum value is kept, an unknown field is tolerated, `null` stays distinct.
    assert_eq!(
        session.permissions,
        [
            Permission::Balances,
            Permission::PaymentMethod,
            Permission::Unknown("brand_new_permission".to_owned())
        ]
    );
    assert_eq!(session.prefetch, Some(None));
    // The customer is an expandable reference to an unselected resource: kept as its id.
    let holder = session
        .account_holder
        .clone()
        .flatten()
        .expect("account holder");
    assert_eq!(holder.customer, Some(Expandable::Id("cus_123".to_owned())));
    assert_eq!(holder.type_, HolderType::Customer);
    assert!(session.accounts.data.is_empty());
    let debug = format!("{session:?}");
    assert!(!debug.contains(CLIENT_SECRET), "{debug}");
    assert!(debug.contains("<redacted>"), "{debug}");
}

#[test]
fn create_with_only_required_parameters() {
    let server = Server::start(vec![Reply::json(200, &session_json())]);
    let params = CreateFinancialConnectionsSession::new(
        CreateFinancialConnectionsSessionAccountHolder::new(HolderType::Account),
        vec![Permission::Ownership],
    );
    block_on(
        server
            .client(KEY)
            .send(FinancialConnectionsSession::create(&params)),
    )
    .expect("session");
    assert_eq!(
        server.only_request().body_text(),
        "account_holder[type]=account&permissions[0]=ownership"
    );
}

#[test]
fn retrieve_with_expand_and_request_options() {
    let expanded = session_json().replace(
        r#""customer": "cus_123""#,
        r#""customer": {"id": "cus_123", "object": "customer", "email": "a@example.com"}"#,
    );
    let server = Server::start(vec![Reply::json(200, &expanded)]);
    let params = RetrieveFinancialConnectionsSession::new().expand(vec![
        "accounts".to_owned(),
        "account_holder.customer".to_owned(),
    ]);
    let request = FinancialConnectionsSession::retrieve(
        &FinancialConnectionsSessionId::new("fcsess_123"),
        &params,
    )
    .stripe_account("acct_1Connected")
    .api_version("2023-10-16")
    .idempotency_key("my-key-1");
    assert_eq!(request.method(), Method::Get);
    assert_eq!(
        request.path_and_query(),
        "/v1/financial_connections/sessions/fcsess_123?expand[0]=accounts&expand[1]=account_holder.customer"
    );
    let session = block_on(server.client(KEY).send(request)).expect("session");

    let recorded = server.only_request();
    assert_eq!(recorded.method, "GET");
    assert_eq!(
        recorded.target,
        "/v1/financial_connections/sessions/fcsess_123?expand[0]=accounts&expand[1]=account_holder.customer"
    );
    assert!(recorded.body.is_empty());
    assert_eq!(recorded.header("content-type"), None);
    assert_eq!(recorded.header("stripe-account"), Some("acct_1Connected"));
    assert_eq!(recorded.header("stripe-version"), Some("2023-10-16"));
    assert_eq!(recorded.header("idempotency-key"), Some("my-key-1"));
    assert_eq!(
        recorded.header("authorization"),
        Some(&*format!("Bearer {KEY}"))
    );

    // The expanded customer is not a selected resource, so it is kept as JSON.
    let customer = session
        .account_holder
        .flatten()
        .and_then(|h| h.customer)
        .expect("customer");
    assert_eq!(customer.id(), Some("cus_123"));
    assert_eq!(
        customer.as_object().and_then(|c| c.get("email")),
        Some(&rt::Json::from("a@example.com"))
    );
}

#[test]
fn retrieve_encodes_the_path_parameter_and_sends_no_query_without_params() {
    let server = Server::start(vec![Reply::json(200, &session_json())]);
    let id = FinancialConnectionsSessionId::new("fcsess_1..%2e?y#z é");
    let request =
        FinancialConnectionsSession::retrieve(&id, &RetrieveFinancialConnectionsSession::new());
    block_on(server.client(KEY).send(request)).expect("session");
    let recorded = server.only_request();
    assert_eq!(
        recorded.target,
        "/v1/financial_connections/sessions/fcsess_1..%252e%3Fy%23z%20%C3%A9"
    );
    assert_eq!(recorded.header("idempotency-key"), None);
}

/// `(status, body, request id)` for each error shape, and what it must decode to.
struct ErrorCase {
    status: u16,
    body: &'static str,
    type_: ApiErrorType,
    code: Option<&'static str>,
    param: Option<&'static str>,
    decline_code: Option<&'static str>,
    charge: Option<&'static str>,
    display: &'static str,
}

fn error_cases() -> Vec<ErrorCase> {
    vec![
        ErrorCase {
            status: 400,
            body: r#"{"error": {"type": "invalid_request_error", "code": "parameter_missing", "param": "permissions",
                "message": "Missing required param: permissions.", "doc_url": "https://stripe.com/docs/error-codes/parameter-missing",
                "request_log_url": "https://dashboard.stripe.com/test/logs/req_400"}}"#,
            type_: ApiErrorType::InvalidRequestError,
            code: Some("parameter_missing"),
            param: Some("permissions"),
            decline_code: None,
            charge: None,
            display: "Stripe API error 400 invalid_request_error/parameter_missing (param: permissions): \
                      Missing required param: permissions. [request req_400]",
        },
        ErrorCase {
            status: 401,
            body: r#"{"error": {"type": "invalid_request_error", "message": "Invalid API Key provided: sk_test_****p7dc"}}"#,
            type_: ApiErrorType::InvalidRequestError,
            code: None,
            param: None,
            decline_code: None,
            charge: None,
            display: "Stripe API error 401 invalid_request_error: Invalid API Key provided: sk_test_****p7dc [request req_401]",
        },
        ErrorCase {
            status: 402,
            body: r#"{"error": {"type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds",
                "charge": "ch_123", "message": "Your card has insufficient funds.", "payment_method_type": "card",
                "payment_intent": {"id": "pi_123", "object": "payment_intent", "client_secret": "pi_123_secret_abc"},
                "payment_method": {"id": "pm_123", "object": "payment_method"}, "a_new_field": 1}}"#,
            type_: ApiErrorType::CardError,
            code: Some("card_declined"),
            param: None,
            decline_code: Some("insufficient_funds"),
            charge: Some("ch_123"),
            display: "Stripe API error 402 card_error/card_declined (decline_code: insufficient_funds, charge: ch_123): \
                      Your card has insufficient funds. [request req_402]",
        },
        ErrorCase {
            status: 404,
            body: r#"{"error": {"type": "invalid_request_error", "code": "resource_missing", "param": "session",
                "message": "No such financialconnections.session: 'fcsess_nope'"}}"#,
            type_: ApiErrorType::InvalidRequestError,
            code: Some("resource_missing"),
            param: Some("session"),
            decline_code: None,
            charge: None,
            display: "Stripe API error 404 invalid_request_error/resource_missing (param: session): \
                      No such financialconnections.session: 'fcsess_nope' [request req_404]",
        },
        ErrorCase {
            status: 429,
            body: r#"{"error": {"type": "invalid_request_error", "code": "rate_limit", "message": "Too many requests."}}"#,
            type_: ApiErrorType::InvalidRequestError,
            code: Some("rate_limit"),
            param: None,
            decline_code: None,
            charge: None,
            display: "Stripe API error 429 invalid_request_error/rate_limit: Too many requests. [request req_429]",
        },
        ErrorCase {
            status: 500,
            body: r#"{"error": {"type": "api_error", "message": "Something went wrong on Stripe's end."}}"#,
            type_: ApiErrorType::ApiError,
            code: None,
            param: None,
            decline_code: None,
            charge: None,
            display: "Stripe API error 500 api_error: Something went wrong on Stripe's end. [request req_500]",
        },
        ErrorCase {
            status: 400,
            body: r#"{"error": {"type": "some_future_error", "message": "New."}}"#,
            type_: ApiErrorType::Unknown("some_future_error".to_owned()),
            code: None,
            param: None,
            decline_code: None,
            charge: None,
            display: "Stripe API error 400 some_future_error: New. [request req_400]",
        },
    ]
}

#[test]
fn every_error_shape_decodes_into_error_api_with_the_request_id() {
    for case in error_cases() {
        let request_id = format!("req_{}", case.status);
        let server = Server::start(vec![
            Reply::json(case.status, case.body).header("Request-Id", &request_id)
        ]);
        let params = RetrieveFinancialConnectionsSession::new();
        let request = FinancialConnectionsSession::retrieve(
            &FinancialConnectionsSessionId::new("fcsess_nope"),
            &params,
        )
        .max_retries(0);
        let err = block_on(server.client(KEY).send(request)).expect_err("an error");
        match err.kind() {
            ErrorKind::Api(error) => {
                assert_eq!(error.type_, case.type_);
                assert_eq!(error.code.as_deref(), case.code);
                assert_eq!(error.param.as_deref(), case.param);
                assert_eq!(error.decline_code.as_deref(), case.decline_code);
                assert_eq!(error.charge.as_deref(), case.charge);
                assert!(error.message.is_some());
            }
            other => panic!("{}: {other:?}", case.status),
        }
        assert_eq!(err.status(), Some(case.status));
        assert_eq!(err.request_id(), Some(&*request_id));
        assert_eq!(err.to_string(), case.display);
        let shown = format!("{err:?} {err}");
        assert!(!shown.contains(KEY), "{shown}");
        assert!(!shown.contains("secret_abc"), "{shown}");
    }
}

#[test]
fn card_error_keeps_its_objects_but_debug_shows_only_their_ids() {
    let case = &error_cases()[2];
    let server = Server::start(vec![Reply::json(402, case.body)]);
    let request = FinancialConnectionsSession::create(&create_params());
    let err = block_on(server.client(KEY).send(request)).expect_err("a card error");
    let error = err.api_error().expect("an API error");
    assert_eq!(error.payment_method_type.as_deref(), Some("card"));
    let intent = error.payment_intent.as_ref().expect("payment intent");
    assert_eq!(intent["client_secret"], "pi_123_secret_abc");
    let debug = format!("{err:?}");
    assert!(
        debug.contains(r#"payment_intent: Object("pi_123")"#),
        "{debug}"
    );
    assert!(
        debug.contains(r#"payment_method: Object("pm_123")"#),
        "{debug}"
    );
    assert!(!debug.contains("secret"), "{debug}");
}

#[test]
fn a_non_stripe_error_body_is_kept_in_error_http() {
    let server = Server::start(vec![
        Reply::json(502, "<html>Bad Gateway</html>").header("Request-Id", "req_proxy")
    ]);
    let request: rt::Request<rt::Json> =
        rt::Request::new(Method::Get, "/v1/balance".to_owned()).max_retries(0);
    let err = block_on(server.client(KEY).send(request)).expect_err("an error");
    assert!(matches!(err.kind(), ErrorKind::Http), "{err:?}");
    assert_eq!(err.status(), Some(502));
    assert_eq!(err.request_id(), Some("req_proxy"));
    assert_eq!(err.body(), Some("<html>Bad Gateway</html>"));
    assert!(err.to_string().contains("HTTP 502"), "{err}");
}

#[test]
fn a_decode_error_names_the_json_path_and_keeps_the_body() {
    let body = session_json().replace(r#""livemode": false"#, r#""livemode": "nope""#);
    let server = Server::start(vec![Reply::json(200, &body).header("Request-Id", "req_bad")]);
    let request = FinancialConnectionsSession::create(&create_params());
    let err = block_on(server.client(KEY).send(request)).expect_err("a decode error");
    match err.kind() {
        ErrorKind::Decode { path, message } => {
            assert_eq!(path, "livemode");
            assert!(message.contains("invalid type"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.status(), Some(200));
    assert_eq!(err.request_id(), Some("req_bad"));
    assert_eq!(err.body(), Some(&*body));
    let shown = format!("{err:?} {err}");
    assert!(shown.contains("`livemode`"), "{shown}");
    assert!(!shown.contains(CLIENT_SECRET), "{shown}");

    // A path inside a nested list is named too.
    let body = session_json().replace(
        r#""data": []"#,
        r#""data": [{"id": "fca_1", "category": "cash", "created": "yesterday"}]"#,
    );
    let server = Server::start(vec![Reply::json(200, &body)]);
    let request = FinancialConnectionsSession::create(&create_params());
    match block_on(server.client(KEY).send(request)).map_err(Error::into_kind) {
        Err(ErrorKind::Decode { path, .. }) => assert_eq!(path, "accounts.data[0].created"),
        other => panic!("{other:?}"),
    }

    // A body that is not UTF-8 is named as such.
    let mut bytes = session_json().into_bytes();
    let at = bytes.len() - 10;
    bytes[at] = 0xff;
    let message = decode_error_at_root(Reply::json_bytes(200, &bytes));
    assert!(message.contains("not UTF-8"), "{message}");

    // Text after a valid value is an error too, at the root.
    let body = format!("{} trailing", session_json());
    let message = decode_error_at_root(Reply::json(200, &body));
    assert!(message.contains("trailing characters"), "{message}");
}

/// The message of the decode error that `reply` to a create causes, which must be at the root.
fn decode_error_at_root(reply: Reply) -> String {
    let server = Server::start(vec![reply]);
    let request = FinancialConnectionsSession::create(&create_params());
    match block_on(server.client(KEY).send(request)).map_err(Error::into_kind) {
        Err(ErrorKind::Decode { path, message }) => {
            assert_eq!(path, ".");
            message
        }
        other => panic!("{other:?}"),
    }
}

/// Stripe's error object for a failure on its side.
fn api_error() -> rt::ApiError {
    let mut error = rt::ApiError::new(ApiErrorType::ApiError);
    error.message = Some("Try again.".to_owned());
    error
}

fn stripe_error(script: Script<'_>, status: u16) -> Script<'_> {
    script.api_error(status, api_error())
}

const CREATE: &str = "/v1/financial_connections/sessions";

// The retry rules need no socket: these run over `rt::testing::FakeStripe`, whose pauses
// return at once.

#[test]
fn post_retries_reuse_one_idempotency_key() {
    let fake = FakeStripe::new();
    let script = stripe_error(fake.on(Method::Post, CREATE), 500);
    stripe_error(script, 503).json(200, &session_json());
    let session = block_on(
        fake.client()
            .send(FinancialConnectionsSession::create(&create_params())),
    )
    .expect("the third attempt succeeds");
    assert_eq!(session.id.as_str(), "fcsess_123");
    let requests = fake.requests();
    assert_eq!(requests.len(), 3);
    let key = requests[0].idempotency_key().expect("a key");
    for (i, request) in requests.iter().enumerate() {
        assert_eq!(request.idempotency_key(), Some(key));
        assert_eq!(request.body, requests[0].body);
        assert_eq!(request.path, CREATE);
        assert_eq!(request.attempt as usize, i + 1);
    }
    assert_eq!(fake.sleeps().len(), 2);

    // A key the caller chose is the one sent on every retry.
    let fake = FakeStripe::new();
    stripe_error(fake.on(Method::Post, CREATE), 409).json(200, &session_json());
    let request = FinancialConnectionsSession::create(&create_params()).idempotency_key("order-42");
    block_on(fake.client().send(request)).expect("the retry succeeds");
    let keys: Vec<_> = fake
        .requests()
        .iter()
        .map(|r| r.idempotency_key().map(str::to_owned))
        .collect();
    assert_eq!(
        keys,
        [Some("order-42".to_owned()), Some("order-42".to_owned())]
    );

    // Two calls get two keys.
    let fake = FakeStripe::new();
    fake.on(Method::Post, CREATE)
        .json(200, &session_json())
        .json(200, &session_json());
    let c = fake.client();
    block_on(c.send(FinancialConnectionsSession::create(&create_params()))).expect("first");
    block_on(c.send(FinancialConnectionsSession::create(&create_params()))).expect("second");
    let requests = fake.requests();
    assert_eq!(requests[1].attempt, 1);
    assert_ne!(requests[0].idempotency_key(), requests[1].idempotency_key());
}

/// Sends one retrieve through a fresh fake whose replies `script` adds; returns the result and
/// how many requests were sent.
fn retrieve_against(
    script: impl FnOnce(Script<'_>) -> Script<'_>,
    max_retries: Option<u32>,
) -> (Result<FinancialConnectionsSession, Error>, usize) {
    let fake = FakeStripe::new();
    script(fake.on(Method::Get, "/v1/financial_connections/sessions/*"));
    let mut request = FinancialConnectionsSession::retrieve(
        &FinancialConnectionsSessionId::new("fcsess_123"),
        &RetrieveFinancialConnectionsSession::new(),
    );
    if let Some(n) = max_retries {
        request = request.max_retries(n);
    }
    let result = block_on(fake.client().send(request));
    (result, fake.requests().len())
}

/// A script of `status` `times` times.
fn repeat(status: u16, times: usize) -> impl FnOnce(Script<'_>) -> Script<'_> {
    move |mut script| {
        for _ in 0..times {
            script = stripe_error(script, status);
        }
        script
    }
}

#[test]
fn retryable_statuses_are_retried_up_to_the_limit() {
    for status in [409, 500, 502, 503] {
        let (result, count) =
            retrieve_against(|s| stripe_error(s, status).json(200, &session_json()), None);
        assert!(result.is_ok(), "{status}: {result:?}");
        assert_eq!(count, 2, "{status}");
    }
    // The default is 2 retries: 3 attempts, then the last error.
    let (result, count) = retrieve_against(repeat(500, 4), None);
    assert_eq!(count, 3);
    assert_eq!(result.expect_err("500").status(), Some(500));
    // Per request and per client limits.
    let (result, count) = retrieve_against(repeat(500, 4), Some(0));
    assert_eq!((result.is_err(), count), (true, 1));
    let (result, count) = retrieve_against(repeat(500, 4), Some(3));
    assert_eq!((result.is_err(), count), (true, 4));
    let fake = FakeStripe::new();
    repeat(503, 3)(fake.on(Method::Get, "/v1/balance"));
    let request: rt::Request<rt::Json> = rt::Request::new(Method::Get, "/v1/balance".to_owned());
    let err = block_on(fake.client().with_max_retries(1).send(request)).expect_err("503");
    assert_eq!((err.status(), fake.requests().len()), (Some(503), 2));
}

/// Like stripe-node and stripe-go: a 429 is rate limiting, and retrying it would make the
/// limiting worse, unless Stripe says to retry or the code is `lock_timeout`.
#[test]
fn rate_limited_requests_are_not_retried_unless_stripe_says_so() {
    let (result, count) =
        retrieve_against(|s| s.rate_limited(None).json(200, &session_json()), None);
    let err = result.expect_err("429");
    assert_eq!(err.status(), Some(429));
    assert_eq!(
        err.api_error().and_then(|e| e.code.as_deref()),
        Some("rate_limit")
    );
    assert_eq!(count, 1);
    let (result, count) = retrieve_against(
        |s| {
            s.error(
                429,
                ApiErrorType::InvalidRequestError,
                "lock_timeout",
                "Locked.",
            )
            .json(200, &session_json())
        },
        None,
    );
    assert_eq!((result.is_ok(), count), (true, 2));
    let (result, count) = retrieve_against(
        |s| s.rate_limited(Some(true)).json(200, &session_json()),
        None,
    );
    assert_eq!((result.is_ok(), count), (true, 2));
    let (result, count) = retrieve_against(
        |s| {
            s.error(
                429,
                ApiErrorType::InvalidRequestError,
                "lock_timeout",
                "Locked.",
            )
            .with_header("Stripe-Should-Retry", "false")
            .json(200, &session_json())
        },
        None,
    );
    assert_eq!((result.is_err(), count), (true, 1));
}

#[test]
fn client_errors_are_not_retried() {
    for status in [400, 401, 402, 403, 404] {
        let (result, count) =
            retrieve_against(|s| stripe_error(s, status).json(200, &session_json()), None);
        assert_eq!(result.expect_err("an error").status(), Some(status));
        assert_eq!(count, 1, "{status}");
    }
}

#[test]
fn stripe_should_retry_overrides_the_status() {
    let (result, count) = retrieve_against(
        |s| {
            stripe_error(s, 500)
                .with_header("Stripe-Should-Retry", "false")
                .json(200, &session_json())
        },
        None,
    );
    assert_eq!((result.is_err(), count), (true, 1));
    let (result, count) = retrieve_against(
        |s| {
            stripe_error(s, 400)
                .with_header("Stripe-Should-Retry", "true")
                .json(200, &session_json())
        },
        None,
    );
    assert_eq!((result.is_ok(), count), (true, 2));
    // Even when Stripe says to retry, the limit holds.
    let (result, count) = retrieve_against(
        |mut s| {
            for _ in 0..4 {
                s = stripe_error(s, 400).with_header("Stripe-Should-Retry", "true");
            }
            s
        },
        Some(1),
    );
    assert_eq!((result.is_err(), count), (true, 2));
}

#[test]
fn a_timeout_surfaces_as_error_timeout_after_retries() {
    let slow = || Reply::json(200, &session_json()).delay(Duration::from_secs(5));
    let server = Server::start(vec![slow(), slow(), slow()]);
    let request = FinancialConnectionsSession::retrieve(
        &FinancialConnectionsSessionId::new("fcsess_123"),
        &RetrieveFinancialConnectionsSession::new(),
    )
    .max_retries(1)
    .timeout(Duration::from_millis(100));
    let err = block_on(server.client(KEY).send(request)).expect_err("a timeout");
    assert!(
        matches!(err.kind(), ErrorKind::Timeout { after } if *after == Duration::from_millis(100)),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("did not answer within 100ms"),
        "{err}"
    );
    // Like stripe-node, a timed-out attempt is retried.
    assert_eq!(server.requests().len(), 2);

    let server = Server::start(vec![slow()]);
    let client = server
        .client(KEY)
        .with_timeout(Duration::from_millis(50))
        .with_max_retries(0);
    let request = FinancialConnectionsSession::create(&create_params());
    assert!(matches!(
        block_on(client.send(request)).map_err(Error::into_kind),
        Err(ErrorKind::Timeout { .. })
    ));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_refused_connection_is_a_transport_error() {
    // Bind, note the port and close it, so nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let client = Client::new(KEY)
        .with_base_url(format!("http://127.0.0.1:{port}"))
        .with_retry_delays(Duration::from_millis(1), Duration::from_millis(2));
    let request: rt::Request<rt::Json> = rt::Request::new(Method::Get, "/v1/balance".to_owned());
    let err = block_on(client.send(request)).expect_err("connection refused");
    match err.kind() {
        ErrorKind::Transport(e) => assert!(e.is_connect(), "{e:?}"),
        other => panic!("{other:?}"),
    }
    assert!(
        err.to_string()
            .starts_with("could not reach the Stripe API"),
        "{err}"
    );
}

#[test]
fn the_secret_key_never_shows() {
    let server = Server::start(vec![Reply::json(
        401,
        r#"{"error": {"type": "invalid_request_error", "message": "Invalid API Key."}}"#,
    )]);
    let client = server.client(KEY);
    let debug = format!("{client:?}");
    assert!(!debug.contains(KEY), "{debug}");
    assert!(debug.contains("<redacted>"), "{debug}");
    let request: rt::Request<rt::Json> = rt::Request::new(Method::Get, "/v1/balance".to_owned());
    let err = block_on(client.send(request)).expect_err("401");
    assert!(!format!("{err:?} {err}").contains(KEY));

    // A key that cannot be sent is refused without echoing it.
    let bad = Client::new("sk_test_with\nnewline").with_base_url(server.url());
    let request: rt::Request<rt::Json> = rt::Request::new(Method::Get, "/v1/balance".to_owned());
    let err = block_on(bad.send(request)).expect_err("invalid header");
    assert!(matches!(
        err.kind(),
        ErrorKind::InvalidHeader {
            name: "Authorization"
        }
    ));
    assert!(!format!("{err:?} {err} {bad:?}").contains("newline"));
}
