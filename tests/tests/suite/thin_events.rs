//! Thin events (event notifications): signatures made by the tests' own HMAC-SHA256 (over
//! `sha2`, not the crate's ring), what a notification keeps, and the requests that fetch its
//! event and related object, sent to the loopback server and decoded as the generated types,
//! with hostile ids and URLs refused before anything is sent.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use stripe_typed::resources::v2_core_event::{ThinEventObject, V2CoreEvent};
use stripe_typed::rt::{self, v2::EventNotification, ErrorKind};
use stripe_typed::webhook::{self, Options, WebhookError, DEFAULT_TOLERANCE};
use tests::server::{Recorded, Reply, Server};
use tests::{at, block_on, header_for};

const SECRET: &str = "whsec_thin_test_secret";
const KEY: &str = "sk_test_thin_SECRETKEY";
const T: u64 = 1_735_689_600;

/// A thin event as an event destination delivers it (stripe-node's and stripe-go's test
/// payloads have this shape), about `related`.
fn payload(type_: &str, related: Option<Value>) -> String {
    let mut event = json!({
        "id": "evt_test_65R9Ijk8",
        "object": "v2.core.event",
        "type": type_,
        "livemode": false,
        "created": "2025-01-01T00:00:00.000Z",
        "context": "acct_1Nv0FGQ9RKHgCVdK",
        "reason": {"type": "request", "request": {"id": "req_1", "idempotency_key": "ik_1"}},
    });
    if let Some(related) = related {
        event["related_object"] = related;
    }
    event.to_string()
}

fn related(id: &str, type_: &str, url: &str) -> Value {
    json!({"id": id, "type": type_, "url": url})
}

fn parse(payload: &str, now: u64) -> Result<EventNotification, WebhookError> {
    let header = header_for(payload, SECRET, T);
    webhook::parse_event_notification_with(
        payload,
        &header,
        SECRET,
        &Options::new().tolerance(DEFAULT_TOLERANCE).now(at(now)),
    )
}

#[test]
fn a_signed_notification_is_parsed_and_unknown_types_and_fields_are_kept() {
    let mut event: Value = serde_json::from_str(&payload(
        "llama.created",
        Some(
            json!({"id": "llama_1", "type": "llama", "url": "/v1/llamas/llama_1",
                    "shape": "fluffy"}),
        ),
    ))
    .unwrap();
    event["brand_new_field"] = json!({"nested": [1, 2]});
    let body = event.to_string();
    let n = parse(&body, T + 10).expect("verified");
    assert_eq!(n.id, "evt_test_65R9Ijk8");
    assert_eq!(n.object, "v2.core.event");
    assert_eq!(n.type_, "llama.created");
    assert_eq!(n.created.to_unix().unwrap(), (1_735_689_600, 0));
    assert!(!n.livemode);
    assert_eq!(n.context.as_deref(), Some("acct_1Nv0FGQ9RKHgCVdK"));
    assert_eq!(
        n.reason.as_ref().unwrap()["request"]["idempotency_key"],
        "ik_1"
    );
    let related = n.related_object.as_ref().expect("related object");
    assert_eq!(
        (
            related.id.as_str(),
            related.type_.as_str(),
            related.url.as_str()
        ),
        ("llama_1", "llama", "/v1/llamas/llama_1")
    );
    assert_eq!(related.extra.get("shape"), Some(json!("fluffy")));
    assert_eq!(
        n.extra.get("brand_new_field"),
        Some(json!({"nested": [1, 2]}))
    );
    // It encodes back to what was sent.
    assert_eq!(serde_json::to_value(&n).unwrap(), event);

    // The defaults (system clock, 300 s) and every option take the same path.
    let now = SystemTime::now();
    let t = now.duration_since(UNIX_EPOCH).unwrap().as_secs();
    let header = header_for(&body, SECRET, t);
    assert_eq!(
        webhook::parse_event_notification(&body, &header, SECRET).unwrap(),
        n
    );
    let options = Options::new().now(at(T + 1000)).tolerance(Duration::MAX);
    let old = header_for(&body, SECRET, T);
    assert_eq!(
        webhook::parse_event_notification_with(&body, &old, SECRET, &options).unwrap(),
        n
    );
    // A notification without context or related object.
    let bare = r#"{"id":"evt_2","object":"v2.core.event","type":"v1.billing.meter.no_meter_found","livemode":true,"created":"2025-01-01T00:00:00Z"}"#;
    let n = parse(bare, T).unwrap();
    assert_eq!((n.context, n.related_object, n.reason), (None, None, None));
}

#[test]
fn signatures_follow_the_webhook_rules() {
    let body = payload("v2.core.account.updated", None);
    let header = header_for(&body, SECRET, T);
    let check = |body: &str, header: &str, secret: &str, now: u64| {
        webhook::parse_event_notification_with(
            body,
            header,
            secret,
            &Options::new().tolerance(DEFAULT_TOLERANCE).now(at(now)),
        )
    };
    assert!(check(&body, &header, SECRET, T + 300).is_ok());
    assert!(matches!(
        check(&body, &header, "whsec_other", T),
        Err(WebhookError::NoMatchingSignature)
    ));
    let tampered = body.replace("account.updated", "account.created");
    assert!(matches!(
        check(&tampered, &header, SECRET, T),
        Err(WebhookError::NoMatchingSignature)
    ));
    match check(&body, &header, SECRET, T + 301) {
        Err(WebhookError::OutsideTolerance {
            timestamp,
            now,
            tolerance,
        }) => assert_eq!(
            (timestamp, now, tolerance),
            (T as i64, T as i64 + 301, DEFAULT_TOLERANCE)
        ),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        check(&body, "", SECRET, T),
        Err(WebhookError::NoHeader)
    ));
    assert!(matches!(
        check(&body, &header, "", T),
        Err(WebhookError::NoSecret)
    ));
    let v0_only = header.replace("v1=", "v0=");
    assert!(matches!(
        check(&body, &v0_only, SECRET, T),
        Err(WebhookError::NoV1Signature)
    ));
    assert!(matches!(
        check(&body, "t=x,v1=00", SECRET, T),
        Err(WebhookError::MalformedHeader { .. })
    ));
    // Any v1 may match (a secret being rolled).
    let current = header.split_once("v1=").expect("a v1").1;
    let both = format!("{},v1={current}", header_for(&body, "whsec_old", T));
    assert!(check(&body, &both, SECRET, T).is_ok(), "{both}");
}

#[test]
fn a_verified_payload_that_is_no_thin_event_is_refused() {
    let not_one = |body: &str| match parse(body, T) {
        Err(WebhookError::NotAnEvent { reason }) => reason,
        other => panic!("{body}: {other:?}"),
    };
    assert!(not_one("not json").contains("expected"));
    assert!(not_one(r#"{"object": "v2.core.event", "type": "x"}"#).contains("`id`"));
    let no_type = r#"{"id": "evt_1", "object": "v2.core.event", "created": "2025-01-01T00:00:00Z", "livemode": false}"#;
    assert!(not_one(no_type).contains("`type`"));
    assert!(
        not_one(&payload("x", None).replace("v2.core.event", "v2.core.account"))
            .contains("`v2.core.account`")
    );
    // A v1 snapshot event is pointed to construct_event, and the other way round.
    let v1 = r#"{"id": "evt_1", "object": "event", "type": "customer.created", "created": 1735689600, "livemode": false, "api_version": "2026-01-28.clover", "data": {"object": {}}}"#;
    assert!(not_one(v1).contains("construct_event"));
    let thin = payload("v2.core.account.updated", None);
    let header = header_for(&thin, SECRET, T);
    match webhook::construct_event_with(
        &thin,
        &header,
        SECRET,
        &Options::new().tolerance(DEFAULT_TOLERANCE).now(at(T)),
    ) {
        Err(WebhookError::NotAnEvent { reason }) => {
            assert!(reason.contains("parse_event_notification"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
}

fn v2_account(id: &str) -> String {
    json!({"id": id, "object": "v2.core.account", "applied_configurations": ["customer"],
           "created": "2025-01-01T00:00:00.000Z", "livemode": false, "display_name": "Jenny"})
    .to_string()
}

#[test]
fn fetch_event_gets_the_whole_event_in_the_notifications_context() {
    let body = payload(
        "v2.core.account.updated",
        Some(related(
            "acct_2",
            "v2.core.account",
            "/v2/core/accounts/acct_2",
        )),
    );
    let n = parse(&body, T).unwrap();
    let event_json = json!({
        "id": "evt_test_65R9Ijk8", "object": "v2.core.event", "type": "v2.core.account.updated",
        "created": "2025-01-01T00:00:00.000Z", "livemode": false,
        "context": "acct_1Nv0FGQ9RKHgCVdK",
        "data": {"updated_fields": ["display_name"]},
        "changes": {"before": {"display_name": "A"}, "after": {"display_name": "B"}},
        "related_object": {"id": "acct_2", "type": "v2.core.account", "url": "/v2/core/accounts/acct_2"},
        "reason": {"type": "request", "request": {"id": "req_1", "idempotency_key": "ik_1"}},
    });
    let server = Server::start(vec![Reply::json(200, &event_json.to_string())]);
    // The client's own context is replaced by the notification's.
    let client = server.client(KEY).with_stripe_context("acct_client");
    let event: V2CoreEvent = block_on(client.send(n.fetch_event())).expect("event");
    assert_eq!(event.id.as_str(), "evt_test_65R9Ijk8");
    assert_eq!(event.type_, "v2.core.account.updated");
    assert_eq!(
        event.data.as_ref().unwrap()["updated_fields"][0],
        "display_name"
    );
    assert_eq!(
        event.related_object.as_ref().map(|r| r.id.as_str()),
        Some("acct_2")
    );
    let sent = server.only_request();
    assert_eq!(
        (sent.method.as_str(), sent.target.as_str()),
        ("GET", "/v2/core/events/evt_test_65R9Ijk8")
    );
    assert_eq!(sent.header("stripe-context"), Some("acct_1Nv0FGQ9RKHgCVdK"));
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert!(sent.body.is_empty());

    // Without a context of its own, the client's applies.
    let mut without = n.clone();
    without.context = None;
    let server = Server::start(vec![Reply::json(200, &event_json.to_string())]);
    let client = server.client(KEY).with_stripe_context("acct_client");
    block_on(client.send(without.fetch_event::<V2CoreEvent>())).expect("event");
    assert_eq!(
        server.only_request().header("stripe-context"),
        Some("acct_client")
    );

    // A hostile id is encoded as one segment, or refused before anything is sent.
    let mut odd = n.clone();
    odd.id = "evt_1?expand=x#y".to_owned();
    let server = Server::start(vec![Reply::json(200, &event_json.to_string())]);
    block_on(server.client(KEY).send(odd.fetch_event::<rt::Json>())).expect("sent");
    assert_eq!(
        server.only_request().target,
        "/v2/core/events/evt_1%3Fexpand%3Dx%23y"
    );
    let server = Server::start(vec![]);
    for id in ["..", "../../v1/customers", "", "a\\b"] {
        odd.id = id.to_owned();
        let err =
            block_on(server.client(KEY).send(odd.fetch_event::<rt::Json>())).expect_err("refused");
        assert!(
            matches!(
                err.kind(),
                ErrorKind::InvalidPathParameter { name: "id", .. }
            ),
            "{id:?}: {err:?}"
        );
    }
    assert!(server.requests().is_empty());
}

/// Fetches the related object of a notification whose `related_object.url` is `url`, from a
/// server answering `reply`: the object and the request sent.
fn fetch_related(url: &str, type_: &str, reply: &str) -> (ThinEventObject, Recorded) {
    let body = payload("some.event", Some(related("obj_1", type_, url)));
    let n = parse(&body, T).unwrap();
    let server = Server::start(vec![Reply::json(200, reply)]);
    let request = n
        .fetch_related_object::<ThinEventObject>()
        .expect("a related object")
        .expect("a safe URL");
    let object = block_on(server.client(KEY).send(request)).expect("object");
    (object, server.only_request())
}

#[test]
fn fetch_related_object_decodes_by_the_fetched_objects_own_type() {
    // A v2 object.
    let (object, sent) = fetch_related(
        "/v2/core/accounts/acct_2?include=identity",
        "v2.core.account",
        &v2_account("acct_2"),
    );
    match object {
        ThinEventObject::V2CoreAccount(account) => {
            assert_eq!(account.id.as_str(), "acct_2");
            assert_eq!(account.display_name.as_deref(), Some("Jenny"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        (sent.method.as_str(), sent.target.as_str()),
        ("GET", "/v2/core/accounts/acct_2?include=identity")
    );
    assert_eq!(sent.header("stripe-context"), Some("acct_1Nv0FGQ9RKHgCVdK"));

    // A v1 object.
    let account = json!({
        "id": "fca_1", "object": "financial_connections.account", "category": "cash",
        "created": 1681241500, "institution_name": "StripeBank", "livemode": false,
        "status": "active", "subcategory": "checking",
        "supported_payment_method_types": ["us_bank_account"],
    });
    let (object, sent) = fetch_related(
        "/v1/financial_connections/accounts/fca_1",
        "financial_connections.account",
        &account.to_string(),
    );
    match object {
        ThinEventObject::FinancialConnectionsAccount(account) => {
            assert_eq!(account.id.as_str(), "fca_1");
            assert_eq!(account.institution_name, "StripeBank");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(sent.target, "/v1/financial_connections/accounts/fca_1");
    assert_eq!(sent.header("stripe-context"), Some("acct_1Nv0FGQ9RKHgCVdK"));

    // An object this crate does not type: kept as sent.
    let meter = json!({"id": "mtr_1", "object": "billing.meter", "event_name": "api_calls"});
    let (object, sent) = fetch_related(
        "/v1/billing/meters/mtr_1",
        "billing.meter",
        &meter.to_string(),
    );
    assert_eq!(object, ThinEventObject::Other(meter));
    assert_eq!(sent.target, "/v1/billing/meters/mtr_1");
}

#[test]
fn hostile_related_object_urls_are_never_requested() {
    let server = Server::start(vec![]);
    for url in [
        "https://evil.example/v1/customers",
        "//evil.example/v1/customers",
        "http://127.0.0.1:1/v1/customers",
        "/v1/../../admin",
        "/v2/core/%2e%2e/%2E%2E/admin",
        "/v1/customers/./cus_1",
        "/v1/customers\\..\\admin",
        "/v1/customers#fragment",
        "/v1/customers?x=1\r\nX-Injected: 1",
        "/v1/customers?x=%zz",
        "/v1/cus tomers",
        "/v1/customérs",
        "/admin/v1/customers",
        "javascript:alert(1)",
        "",
    ] {
        let n = parse(
            &payload("some.event", Some(related("obj_1", "customer", url))),
            T,
        )
        .unwrap();
        let err = n
            .fetch_related_object::<rt::Json>()
            .expect("a related object")
            .expect_err(url);
        assert!(
            matches!(err.kind(), ErrorKind::InvalidRelatedObjectUrl { .. }),
            "{url:?}: {err:?}"
        );
        assert!(err.to_string().contains("related_object.url"), "{err}");
        assert_eq!(err.status(), None);
    }
    let long = format!("/v1/customers?page={}", "a".repeat(8192));
    let n = parse(
        &payload("some.event", Some(related("obj_1", "customer", &long))),
        T,
    )
    .unwrap();
    assert!(n.fetch_related_object::<rt::Json>().unwrap().is_err());
    assert!(server.requests().is_empty());

    // No related object: nothing to fetch.
    let n = parse(&payload("v1.billing.meter.no_meter_found", None), T).unwrap();
    assert!(n.fetch_related_object::<rt::Json>().is_none());
}
