//! Every generated operation of the selected resources, sent by the real client (reqwest) to a
//! scripted server on 127.0.0.1: the method, path, query or form body it sends, and what the
//! reply decodes to. Also what reqwest's URL parsing does to dot segments, which is why path
//! parameters that are `.` or `..` are refused.

use std::time::Duration;

use stripe_typed::resources::financial_connections_account::{
    DisconnectFinancialConnectionsAccount, FinancialConnectionsAccount,
    FinancialConnectionsAccountCategory, FinancialConnectionsAccountId,
    FinancialConnectionsAccountStatus, ListFinancialConnectionsAccount,
    ListFinancialConnectionsAccountAccountHolder, RefreshFinancialConnectionsAccount,
    RefreshFinancialConnectionsAccountFeatures, RetrieveFinancialConnectionsAccount,
    SubscribeFinancialConnectionsAccount, SubscribeFinancialConnectionsAccountFeatures,
    UnsubscribeFinancialConnectionsAccount, UnsubscribeFinancialConnectionsAccountFeatures,
};
use stripe_typed::resources::financial_connections_session::{
    BankConnectionsResourceAccountholderType as HolderType, CreateFinancialConnectionsSession,
    CreateFinancialConnectionsSessionAccountHolder, FinancialConnectionsSession,
    FinancialConnectionsSessionId, FinancialConnectionsSessionPermissions as Permission,
    RetrieveFinancialConnectionsSession,
};
use stripe_typed::rt::{self, Client, Error, ErrorKind, Method, Path, Request};
use tests::block_on;
use tests::server::{exchange, Recorded, Reply, Server};

const KEY: &str = "sk_test_operations";

fn account_json(id: &str, status: &str) -> String {
    format!(
        r#"{{"id": "{id}", "object": "financial_connections.account", "category": "cash",
  "created": 1712700000, "institution_name": "StripeBank", "livemode": false,
  "status": "{status}", "subcategory": "checking", "supported_payment_method_types": ["us_bank_account"],
  "last4": "6789", "balance": null, "permissions": ["balances"], "subscriptions": ["transactions"]}}"#
    )
}

fn session_json(id: &str) -> String {
    format!(
        r#"{{"id": "{id}", "object": "financial_connections.session",
  "account_holder": {{"type": "customer", "customer": "cus_1"}},
  "accounts": {{"object": "list", "data": [], "has_more": false, "url": "/v1/financial_connections/accounts"}},
  "client_secret": "fcsess_secret_x", "livemode": false, "permissions": ["balances"]}}"#
    )
}

fn assert_sent(recorded: &Recorded, method: &str, target: &str, body: &str) {
    assert_eq!(recorded.method, method);
    assert_eq!(recorded.target, target);
    assert_eq!(recorded.body_text(), body);
    let form = recorded.header("content-type");
    let key = recorded.header("idempotency-key");
    if method == "POST" {
        assert_eq!(form, Some("application/x-www-form-urlencoded"));
        assert_eq!(key.map(str::len), Some(36), "{key:?}");
    } else {
        assert_eq!((form, key), (None, None));
    }
}

#[test]
fn account_retrieve() {
    let id = FinancialConnectionsAccountId::new("fca_1");
    let request = FinancialConnectionsAccount::retrieve(
        &id,
        &RetrieveFinancialConnectionsAccount::new().expand(vec!["ownership".to_owned()]),
    );
    let (account, sent) = exchange(KEY, request, &account_json("fca_1", "active"));
    assert_sent(
        &sent,
        "GET",
        "/v1/financial_connections/accounts/fca_1?expand[0]=ownership",
        "",
    );
    assert_eq!(account.id, id);
    assert_eq!(account.category, FinancialConnectionsAccountCategory::Cash);
    assert_eq!(account.balance, Some(None));
    assert_eq!(account.last4, Some(Some("6789".to_owned())));
}

#[test]
fn account_list() {
    let params = ListFinancialConnectionsAccount::new()
        .account_holder(ListFinancialConnectionsAccountAccountHolder::new().customer("cus_1"))
        .limit(2)
        .session("fcsess_1");
    let reply = format!(
        r#"{{"object": "list", "url": "/v1/financial_connections/accounts", "has_more": false,
  "data": [{}, {}]}}"#,
        account_json("fca_1", "active"),
        account_json("fca_2", "brand_new_status")
    );
    let (page, sent) = exchange(KEY, FinancialConnectionsAccount::list(&params), &reply);
    assert_sent(
        &sent,
        "GET",
        "/v1/financial_connections/accounts?account_holder[customer]=cus_1&limit=2&session=fcsess_1",
        "",
    );
    let ids: Vec<&str> = page.data.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["fca_1", "fca_2"]);
    assert_eq!(
        page.data[1].status,
        FinancialConnectionsAccountStatus::Unknown("brand_new_status".to_owned())
    );
}

#[test]
fn account_disconnect() {
    let request = FinancialConnectionsAccount::disconnect(
        &FinancialConnectionsAccountId::new("fca_1"),
        &DisconnectFinancialConnectionsAccount::new(),
    );
    let (account, sent) = exchange(KEY, request, &account_json("fca_1", "disconnected"));
    assert_sent(
        &sent,
        "POST",
        "/v1/financial_connections/accounts/fca_1/disconnect",
        "",
    );
    assert_eq!(
        account.status,
        FinancialConnectionsAccountStatus::Disconnected
    );
}

#[test]
fn account_refresh() {
    let request = FinancialConnectionsAccount::refresh(
        &FinancialConnectionsAccountId::new("fca_1"),
        &RefreshFinancialConnectionsAccount::new(vec![
            RefreshFinancialConnectionsAccountFeatures::Balance,
            RefreshFinancialConnectionsAccountFeatures::Ownership,
        ])
        .expand(vec!["ownership".to_owned()]),
    );
    let (account, sent) = exchange(KEY, request, &account_json("fca_1", "active"));
    assert_sent(
        &sent,
        "POST",
        "/v1/financial_connections/accounts/fca_1/refresh",
        "expand[0]=ownership&features[0]=balance&features[1]=ownership",
    );
    assert_eq!(account.id.as_str(), "fca_1");
}

#[test]
fn account_subscribe_and_unsubscribe() {
    let id = FinancialConnectionsAccountId::new("fca_1");
    let subscribe = FinancialConnectionsAccount::subscribe(
        &id,
        &SubscribeFinancialConnectionsAccount::new(vec![
            SubscribeFinancialConnectionsAccountFeatures::Transactions,
        ]),
    );
    let (account, sent) = exchange(KEY, subscribe, &account_json("fca_1", "active"));
    assert_sent(
        &sent,
        "POST",
        "/v1/financial_connections/accounts/fca_1/subscribe",
        "features[0]=transactions",
    );
    assert_eq!(account.id, id);

    let unsubscribe = FinancialConnectionsAccount::unsubscribe(
        &id,
        &UnsubscribeFinancialConnectionsAccount::new(vec![
            UnsubscribeFinancialConnectionsAccountFeatures::Unknown("balance_v2".to_owned()),
        ]),
    );
    let (account, sent) = exchange(KEY, unsubscribe, &account_json("fca_1", "inactive"));
    assert_sent(
        &sent,
        "POST",
        "/v1/financial_connections/accounts/fca_1/unsubscribe",
        "features[0]=balance_v2",
    );
    assert_eq!(account.status, FinancialConnectionsAccountStatus::Inactive);
}

#[test]
fn session_create_and_retrieve() {
    let create = FinancialConnectionsSession::create(&CreateFinancialConnectionsSession::new(
        CreateFinancialConnectionsSessionAccountHolder::new(HolderType::Customer).customer("cus_1"),
        vec![Permission::Balances],
    ));
    let (session, sent) = exchange(KEY, create, &session_json("fcsess_1"));
    assert_sent(
        &sent,
        "POST",
        "/v1/financial_connections/sessions",
        "account_holder[customer]=cus_1&account_holder[type]=customer&permissions[0]=balances",
    );
    assert_eq!(
        format!("{:?}", session.client_secret),
        "Some(Some(<redacted>))"
    );

    let retrieve = FinancialConnectionsSession::retrieve(
        &FinancialConnectionsSessionId::new("fcsess_1"),
        &RetrieveFinancialConnectionsSession::new(),
    );
    let (session, sent) = exchange(KEY, retrieve, &session_json("fcsess_1"));
    assert_sent(
        &sent,
        "GET",
        "/v1/financial_connections/sessions/fcsess_1",
        "",
    );
    assert_eq!(session.id.as_str(), "fcsess_1");
}

/// What reqwest (WHATWG URL parsing) does to a path: `.` and `..` segments are resolved, also
/// when spelled `%2e`. A literal path is sent as given, so this is what a path parameter `..`
/// would have done.
#[test]
fn reqwest_resolves_dot_segments_in_literal_paths() {
    let server = Server::start(vec![Reply::json(200, "{}"); 4]);
    let client = server.client(KEY);
    for literal in [
        "/v1/financial_connections/accounts/../disconnect",
        "/v1/financial_connections/accounts/%2e%2E/disconnect",
        "/v1/financial_connections/accounts/.%2e/disconnect",
        "/v1/financial_connections/accounts/x/%2E/../disconnect",
    ] {
        let request: Request<rt::Json> = Request::new(Method::Post, literal);
        block_on(client.send(request)).expect("sent");
    }
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        [
            "/v1/financial_connections/disconnect",
            "/v1/financial_connections/disconnect",
            "/v1/financial_connections/disconnect",
            "/v1/financial_connections/accounts/disconnect",
        ]
    );
}

/// Parameters are encoded so that no spelling of a dot segment survives, and `.`, `..` and
/// the empty string are refused before anything is sent, for every operation.
#[test]
fn path_parameters_stay_one_segment_or_are_refused() {
    let server = Server::start(vec![Reply::json(200, &account_json("fca_1", "active")); 5]);
    let client = server.client(KEY);
    let retrieve = RetrieveFinancialConnectionsAccount::new();
    for value in ["%2e", "%2E%2e", ".%2e", "...", "a..b"] {
        let id = FinancialConnectionsAccountId::new(value);
        block_on(client.send(FinancialConnectionsAccount::retrieve(&id, &retrieve))).expect("sent");
    }
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        [
            "/v1/financial_connections/accounts/%252e",
            "/v1/financial_connections/accounts/%252E%252e",
            "/v1/financial_connections/accounts/.%252e",
            "/v1/financial_connections/accounts/...",
            "/v1/financial_connections/accounts/a..b",
        ]
    );

    for value in ["", ".", ".."] {
        let id = FinancialConnectionsAccountId::new(value);
        let session = FinancialConnectionsSessionId::new(value);
        let features = || vec![RefreshFinancialConnectionsAccountFeatures::Balance];
        let subscribe = || vec![SubscribeFinancialConnectionsAccountFeatures::Transactions];
        let unsubscribe = || vec![UnsubscribeFinancialConnectionsAccountFeatures::Transactions];
        let results = [
            block_on(client.send(FinancialConnectionsAccount::retrieve(&id, &retrieve))).err(),
            block_on(client.send(FinancialConnectionsAccount::disconnect(
                &id,
                &DisconnectFinancialConnectionsAccount::new(),
            )))
            .err(),
            block_on(client.send(FinancialConnectionsAccount::refresh(
                &id,
                &RefreshFinancialConnectionsAccount::new(features()),
            )))
            .err(),
            block_on(client.send(FinancialConnectionsAccount::subscribe(
                &id,
                &SubscribeFinancialConnectionsAccount::new(subscribe()),
            )))
            .err(),
            block_on(client.send(FinancialConnectionsAccount::unsubscribe(
                &id,
                &UnsubscribeFinancialConnectionsAccount::new(unsubscribe()),
            )))
            .err(),
        ];
        for err in results {
            assert!(
                matches!(
                    err.as_ref().map(Error::kind),
                    Some(ErrorKind::InvalidPathParameter {
                        name: "account",
                        ..
                    })
                ),
                "{value:?}: {err:?}"
            );
        }
        let err = block_on(client.send(FinancialConnectionsSession::retrieve(
            &session,
            &RetrieveFinancialConnectionsSession::new(),
        )))
        .expect_err("refused");
        assert!(
            matches!(
                err.kind(),
                ErrorKind::InvalidPathParameter {
                    name: "session",
                    ..
                }
            ),
            "{err:?}"
        );
        // Built by hand, the same refusal.
        let nested: Request<rt::Json> = Request::new(
            Method::Delete,
            Path::new("/v1/customers/")
                .param("customer", "cus_1")
                .push("/tax_ids/")
                .param("id", value),
        );
        let err = block_on(client.send(nested)).expect_err("refused");
        assert!(
            matches!(
                err.kind(),
                ErrorKind::InvalidPathParameter { name: "id", .. }
            ),
            "{err:?}"
        );
    }
    assert_eq!(server.requests().len(), 5, "nothing more was sent");
}

/// The default transport reads no more than the limit and the error says how to raise it.
#[test]
fn a_response_over_the_limit_is_an_error_not_a_download() {
    let big = format!(r#"{{"data": "{}"}}"#, "x".repeat(10_000));
    let server = Server::start(vec![Reply::json(200, &big), Reply::json(200, &big)]);
    let request: Request<rt::Json> = Request::new(Method::Get, "/v1/balance");
    let err = block_on(
        server
            .client(KEY)
            .with_max_response_bytes(9_999)
            .send(request.clone()),
    )
    .expect_err("too large");
    assert!(
        matches!(err.kind(), ErrorKind::ResponseTooLarge { limit: 9_999 }),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 1, "not retried");
    let value = block_on(
        server
            .client(KEY)
            .with_max_response_bytes(big.len())
            .send(request),
    )
    .expect("exactly at the limit");
    assert_eq!(value["data"].as_str().map(str::len), Some(10_000));
}

/// A malformed base URL is a builder error that no retry can heal: one attempt, no sleep.
#[test]
fn an_invalid_url_is_not_retried() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use stripe_typed::rt::{BoxFuture, HttpRequest, HttpResponse, ReqwestTransport, Transport};
    use stripe_typed::rt::{TransportError, TransportErrorKind};

    #[derive(Default)]
    struct Counting {
        inner: ReqwestTransport,
        sent: AtomicUsize,
    }
    impl Transport for Counting {
        fn send(
            &self,
            request: HttpRequest,
        ) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
            self.sent.fetch_add(1, Ordering::Relaxed);
            self.inner.send(request)
        }
        fn sleep(&self, duration: Duration) -> BoxFuture<'_, ()> {
            self.inner.sleep(duration)
        }
    }
    for base in ["http://[::1", "ftp://127.0.0.1:1"] {
        let transport = Arc::new(Counting::default());
        let client = Client::from_transport("sk_test_x", transport.clone())
            .with_base_url(base)
            .with_retry_delays(Duration::from_millis(1), Duration::from_millis(2));
        let request: Request<rt::Json> = Request::new(Method::Get, "/v1/balance");
        let err = block_on(client.send(request)).expect_err("invalid URL");
        match err.kind() {
            ErrorKind::Transport(e) => {
                assert_eq!(e.kind(), TransportErrorKind::InvalidRequest, "{e}")
            }
            other => panic!("{base}: {other:?}"),
        }
        assert_eq!(transport.sent.load(Ordering::Relaxed), 1, "{base}");
    }
}

fn event_json(id: &str, event_type: &str, object: &str) -> String {
    format!(
        r#"{{"id": "{id}", "object": "event", "api_version": "2026-01-28.clover", "created": 1712700001,
  "livemode": false, "pending_webhooks": 0, "request": null, "type": "{event_type}",
  "data": {{"object": {object}}}}}"#
    )
}

#[test]
fn event_retrieve_and_list_type_the_object_by_the_event_type() {
    use stripe_typed::resources::event::{Event, EventId, EventObject, ListEvent, RetrieveEvent};

    let id = EventId::new("evt_1");
    let reply = event_json(
        "evt_1",
        "financial_connections.account.disconnected",
        &account_json("fca_1", "disconnected"),
    );
    let (event, sent) = exchange(KEY, Event::retrieve(&id, &RetrieveEvent::new()), &reply);
    assert_sent(&sent, "GET", "/v1/events/evt_1", "");
    let EventObject::FinancialConnectionsAccount(account) = &event.data.object else {
        panic!("{:?}", event.data.object);
    };
    assert_eq!(
        account.status,
        FinancialConnectionsAccountStatus::Disconnected
    );

    let reply = format!(
        r#"{{"object": "list", "url": "/v1/events", "has_more": false, "data": [{}]}}"#,
        event_json(
            "evt_2",
            "customer.created",
            r#"{"id": "cus_1", "object": "customer"}"#
        )
    );
    let (page, sent) = exchange(KEY, Event::list(&ListEvent::new().limit(1)), &reply);
    assert_sent(&sent, "GET", "/v1/events?limit=1", "");
    assert!(matches!(&page.data[0].data.object, EventObject::Other(json) if json["id"] == "cus_1"));
}
