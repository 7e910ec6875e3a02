//! The blocking client against the scripted loopback server: same requests, same retries,
//! same errors as the async client, with no async runtime.

use std::time::Duration;

use stripe_typed::resources::financial_connections_session::{
    BankConnectionsResourceAccountholderType as HolderType, CreateFinancialConnectionsSession,
    CreateFinancialConnectionsSessionAccountHolder, FinancialConnectionsSession,
    FinancialConnectionsSessionId, FinancialConnectionsSessionPermissions as Permission,
    RetrieveFinancialConnectionsSession,
};
use stripe_typed::rt::{ApiErrorType, ErrorKind, USER_AGENT};
use tests::server::{Reply, Server};

const KEY: &str = "sk_test_blocking_51H";

const SESSION: &str = r#"{"id": "fcsess_9", "object": "financial_connections.session",
  "accounts": {"object": "list", "data": [], "has_more": false, "url": "/v1/financial_connections/accounts"},
  "client_secret": "fcsess_client_secret_zzz", "livemode": true, "permissions": ["transactions"]}"#;

#[test]
fn blocking_create_retries_with_one_key_then_decodes() {
    let server = Server::start(vec![
        Reply::json(503, r#"{"error": {"type": "api_error"}}"#),
        Reply::json(200, SESSION),
    ]);
    let params = CreateFinancialConnectionsSession::new(
        CreateFinancialConnectionsSessionAccountHolder::new(HolderType::Customer),
        vec![Permission::Transactions],
    );
    let session = server
        .blocking_client(KEY)
        .send(FinancialConnectionsSession::create(&params))
        .expect("session");
    assert_eq!(session.id.as_str(), "fcsess_9");
    assert!(session.livemode);
    assert!(!format!("{session:?}").contains("zzz"));

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.method, "POST");
        assert_eq!(request.target, "/v1/financial_connections/sessions");
        assert_eq!(
            request.body_text(),
            "account_holder[type]=customer&permissions[0]=transactions"
        );
        assert_eq!(
            request.header("authorization"),
            Some(&*format!("Bearer {KEY}"))
        );
        assert_eq!(
            request.header("stripe-version"),
            Some(stripe_typed::rt::API_VERSION)
        );
        assert_eq!(request.header("user-agent"), Some(USER_AGENT));
        assert_eq!(
            request.header("idempotency-key"),
            requests[0].header("idempotency-key")
        );
    }
    assert!(requests[0].header("idempotency-key").is_some());
}

#[test]
fn blocking_errors_and_timeouts() {
    let server = Server::start(vec![Reply::json(
        404,
        r#"{"error": {"type": "invalid_request_error", "code": "resource_missing", "param": "session", "message": "No such session"}}"#,
    )
    .header("Request-Id", "req_b404")]);
    let request = FinancialConnectionsSession::retrieve(
        &FinancialConnectionsSessionId::new("fcsess_x"),
        &RetrieveFinancialConnectionsSession::new(),
    );
    let err = server
        .blocking_client(KEY)
        .send(request.clone())
        .expect_err("404");
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.request_id(), Some("req_b404"));
    match err.kind() {
        ErrorKind::Api(error) => {
            assert_eq!(error.type_, ApiErrorType::InvalidRequestError);
            assert_eq!(error.param.as_deref(), Some("session"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 1);
    let client_debug = format!("{:?}", server.blocking_client(KEY));
    assert!(!client_debug.contains(KEY), "{client_debug}");

    let server = Server::start(vec![Reply::json(200, SESSION).delay(Duration::from_secs(5))]);
    let err = server
        .blocking_client(KEY)
        .with_timeout(Duration::from_millis(50))
        .with_max_retries(0)
        .send(request)
        .expect_err("timeout");
    assert!(matches!(err.kind(), ErrorKind::Timeout { .. }), "{err:?}");
}

/// reqwest's blocking client panics inside an async runtime; the blocking client says so with
/// an error instead, sends nothing, and works again outside the runtime.
#[test]
fn blocking_inside_an_async_runtime_is_an_error_not_a_panic() {
    let server = Server::start(vec![Reply::json(200, SESSION)]);
    let request = FinancialConnectionsSession::retrieve(
        &FinancialConnectionsSessionId::new("fcsess_9"),
        &RetrieveFinancialConnectionsSession::new(),
    );
    let (inside, client) = tests::block_on(async {
        // Made inside the runtime too, as a user's async handler would.
        let client = server.blocking_client(KEY);
        (client.send(request.clone()), client)
    });
    let err = inside.expect_err("inside a runtime");
    assert!(
        matches!(err.kind(), ErrorKind::BlockingInAsyncRuntime),
        "{err:?}"
    );
    assert!(err.to_string().contains("spawn_blocking"), "{err}");
    assert!(server.requests().is_empty());
    let session = client.send(request).expect("outside the runtime");
    assert_eq!(session.id.as_str(), "fcsess_9");
}

#[test]
fn blocking_reads_no_more_than_the_limit() {
    let server = Server::start(vec![Reply::json(200, SESSION), Reply::json(200, SESSION)]);
    let request = FinancialConnectionsSession::retrieve(
        &FinancialConnectionsSessionId::new("fcsess_9"),
        &RetrieveFinancialConnectionsSession::new(),
    );
    let err = server
        .blocking_client(KEY)
        .with_max_response_bytes(SESSION.len() - 1)
        .send(request.clone())
        .expect_err("too large");
    assert!(
        matches!(err.kind(), ErrorKind::ResponseTooLarge { .. }),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 1, "not retried");
    server
        .blocking_client(KEY)
        .with_max_response_bytes(SESSION.len())
        .send(request)
        .expect("exactly at the limit");
}
