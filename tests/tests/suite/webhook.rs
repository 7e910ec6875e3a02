//! Webhook signatures and typed events, against independent references: Stripe's published
//! vector (stripe-dotnet's `event_test_signature.json`, byte for byte, and its refused headers),
//! and signatures made here by an HMAC-SHA256 of the tests' own over `sha2`, not the crate's
//! (ring). Then the events of the pinned spec decode from realistic payloads.

use std::time::{Duration, SystemTime};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use stripe_typed::resources::event::{Event, EventObject, EventType};
use stripe_typed::rt::{WireEnum, API_VERSION};
use stripe_typed::webhook::{self, Options, WebhookError, DEFAULT_TOLERANCE};
use tests::{at, header_for, hex, hmac_sha256};

/// stripe-dotnet's `src/StripeTests/Resources/event_test_signature.json`; the trailing newline
/// is part of what Stripe signed.
const STRIPE_FIXTURE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/webhook/event_test_signature.json"
));
const STRIPE_SECRET: &str = "webhook_secret";
const STRIPE_T: u64 = 1533204620;
const STRIPE_V1: &str = "2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7";
const STRIPE_V0: &str = "63f3a72374a733066c4be69ed7f8e5ac85c22c9f0a6a612ab9a025a9e4ee7eef";

fn stripe_header() -> String {
    format!("t={STRIPE_T},v1={STRIPE_V1},v0={STRIPE_V0}")
}

#[test]
fn the_tests_hmac_is_hmac_sha256() {
    // RFC 4231, test cases 2 and 6 (a key longer than the block is hashed first).
    assert_eq!(
        hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    assert_eq!(
        hex(&hmac_sha256(
            &[0xaa; 131],
            b"Test Using Larger Than Block-Size Key - Hash Key First"
        )),
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
    );
    // And it reproduces Stripe's published signature.
    let signed = format!("{STRIPE_T}.{STRIPE_FIXTURE}");
    assert_eq!(
        hex(&hmac_sha256(STRIPE_SECRET.as_bytes(), signed.as_bytes())),
        STRIPE_V1
    );
}

#[test]
fn the_fixture_is_the_exact_bytes_stripe_signed() {
    assert_eq!(STRIPE_FIXTURE.len(), 484);
    assert!(STRIPE_FIXTURE.ends_with("}\n") && !STRIPE_FIXTURE.contains('\r'));
    assert_eq!(
        hex(&Sha256::digest(STRIPE_FIXTURE.as_bytes())),
        "98cc89412549ca7faf118fca984763bdb6f81e13d1ce8c528dbbb5be602ec1be"
    );
}

#[test]
fn stripes_published_vector_verifies_and_decodes() {
    let options = Options::new().now(at(STRIPE_T + 100)).ignore_api_version();
    let event =
        webhook::construct_event_with(STRIPE_FIXTURE, &stripe_header(), STRIPE_SECRET, &options)
            .unwrap();
    assert_eq!(event.id.as_str(), "evt_123");
    assert_eq!(event.account.as_deref(), Some("acct_123"));
    let request = event.request.clone().flatten().unwrap();
    assert_eq!(request.id.flatten().as_deref(), Some("req_123"));
    assert_eq!(
        request.idempotency_key.flatten().as_deref(),
        Some("idempotency-key-123")
    );
    assert_eq!(event.type_, EventType::CustomerCreated);
    // `customer` is not a selected resource: its object is kept as sent.
    let sent: Value = serde_json::from_str(STRIPE_FIXTURE).unwrap();
    assert_eq!(
        event.data.object,
        EventObject::Other(sent["data"]["object"].clone())
    );
    assert_eq!(serde_json::to_value(&event).unwrap(), sent);

    // The same with the signature check alone.
    webhook::verify_signature(
        STRIPE_FIXTURE,
        &stripe_header(),
        STRIPE_SECRET,
        DEFAULT_TOLERANCE,
        at(STRIPE_T + 100),
    )
    .unwrap();
}

#[test]
fn each_rule_that_fails_is_named() {
    let header = stripe_header();
    let check = |payload: &str, header: &str, secret: &str, now: u64| {
        webhook::construct_event_with(
            payload,
            header,
            secret,
            &Options::new().tolerance(DEFAULT_TOLERANCE).now(at(now)),
        )
    };
    // The fixture is for API version 2017-05-25.
    match check(STRIPE_FIXTURE, &header, STRIPE_SECRET, STRIPE_T + 100) {
        Err(WebhookError::ApiVersionMismatch { event, expected }) => {
            assert_eq!(
                (event.as_deref(), expected),
                (Some("2017-05-25"), API_VERSION)
            );
        }
        other => panic!("{other:?}"),
    }
    match check(STRIPE_FIXTURE, &header, STRIPE_SECRET, STRIPE_T + 400) {
        Err(WebhookError::OutsideTolerance { timestamp, now, .. }) => {
            assert_eq!((timestamp, now), (STRIPE_T as i64, STRIPE_T as i64 + 400))
        }
        other => panic!("{other:?}"),
    }
    let changed = format!("{STRIPE_FIXTURE}this_changes_the_json");
    let no_newline = STRIPE_FIXTURE.trim_end();
    for payload in [changed.as_str(), no_newline] {
        assert!(matches!(
            check(payload, &header, STRIPE_SECRET, STRIPE_T),
            Err(WebhookError::NoMatchingSignature)
        ));
    }
    assert!(matches!(
        check(STRIPE_FIXTURE, &header, "whsec_other", STRIPE_T),
        Err(WebhookError::NoMatchingSignature)
    ));
    // An empty secret is refused even with a signature made with it: anyone can make one.
    let empty_key = header_for("{}", "", STRIPE_T);
    assert!(matches!(
        check("{}", &empty_key, "", STRIPE_T),
        Err(WebhookError::NoSecret)
    ));
    let v0_only = format!("t={STRIPE_T},v0={STRIPE_V0}");
    assert!(matches!(
        check(STRIPE_FIXTURE, &v0_only, STRIPE_SECRET, STRIPE_T),
        Err(WebhookError::NoV1Signature)
    ));
    assert!(matches!(
        check(STRIPE_FIXTURE, "", STRIPE_SECRET, STRIPE_T),
        Err(WebhookError::NoHeader)
    ));
    // Each message says which rule failed.
    let e = check(STRIPE_FIXTURE, &header, STRIPE_SECRET, STRIPE_T + 400).unwrap_err();
    assert!(e.to_string().contains("more than 300s before now"), "{e}");
}

#[test]
fn headers_stripe_dotnet_refuses_are_refused() {
    let refused = [
        format!("t=,v1={STRIPE_V1},v0={STRIPE_V0}"),
        "t,v1=,v0=".into(),
        "t,v1=,v0".into(),
        "t,v1=,".into(),
        "t,,".into(),
        ",,".into(),
        "t".into(),
    ];
    for header in &refused {
        let r =
            webhook::verify_signature("{}", header, STRIPE_SECRET, DEFAULT_TOLERANCE, at(STRIPE_T));
        assert!(
            matches!(r, Err(WebhookError::MalformedHeader { .. })),
            "{header:?}: {r:?}"
        );
    }
}

/// Odd headers never panic and are never accepted unless they carry the right signature.
#[test]
fn no_header_panics() {
    let pieces = [
        "t",
        "=",
        ",",
        "v1",
        "v0",
        " ",
        "1533204620",
        STRIPE_V1,
        "-1",
        "é",
        "\0",
        "99999999999999999999",
        "t=1533204620",
        "v1=",
        ";",
        "\u{feff}",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..20_000 {
        let mut header = String::new();
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        for i in 0..(seed >> 60) {
            let pick = (seed >> (i * 4 % 56)) as usize % pieces.len();
            header.push_str(pieces[pick]);
        }
        let r = webhook::verify_signature(
            STRIPE_FIXTURE,
            &header,
            STRIPE_SECRET,
            DEFAULT_TOLERANCE,
            at(STRIPE_T),
        );
        if r.is_ok() {
            assert!(header.contains(&format!("v1={STRIPE_V1}")), "{header:?}");
        }
    }
    let long = format!("t={STRIPE_T},{}", "v1=00,".repeat(100_000));
    assert!(matches!(
        webhook::verify_signature("{}", &long, "s", DEFAULT_TOLERANCE, at(STRIPE_T)),
        Err(WebhookError::NoMatchingSignature)
    ));
}

/// While a secret is rolled Stripe signs with both; any `v1` may be the one that matches
/// (async-stripe kept only the last one and refused these).
#[test]
fn any_v1_signature_may_match() {
    let payload = r#"{"id":"evt_1"}"#;
    let (old, new) = ("whsec_old", "whsec_new");
    let sig =
        |secret: &str| header_for(payload, secret, STRIPE_T)["t=1533204620,".len()..].to_owned();
    for header in [
        format!("t={STRIPE_T},{},{}", sig(old), sig(new)),
        format!("t={STRIPE_T},{},{}", sig(new), sig(old)),
        format!("t={STRIPE_T},{},v1={}", sig(new), "0".repeat(64)),
        format!(
            "v0={STRIPE_V0},{},t={STRIPE_T},x=1",
            sig(new).to_uppercase().replace("V1", "v1")
        ),
    ] {
        webhook::verify_signature(payload, &header, new, DEFAULT_TOLERANCE, at(STRIPE_T))
            .unwrap_or_else(|e| panic!("{header}: {e}"));
    }
    let both = format!("t={STRIPE_T},{},{}", sig(old), sig(new));
    webhook::verify_signature(payload, &both, old, DEFAULT_TOLERANCE, at(STRIPE_T)).unwrap();
}

#[test]
fn signatures_from_an_independent_hmac_verify() {
    let long_secret = format!("whsec_{}", "k".repeat(100));
    let payloads = ["", "{}", "ünïcödé ✓\n", &"x".repeat(100_000)];
    for secret in ["whsec_test_secret", "s", long_secret.as_str()] {
        for payload in payloads {
            let header = header_for(payload, secret, STRIPE_T);
            webhook::verify_signature(payload, &header, secret, DEFAULT_TOLERANCE, at(STRIPE_T))
                .unwrap_or_else(|e| panic!("{secret} {}: {e}", payload.len()));
            // The helper for users' tests signs exactly as Stripe (and the tests' HMAC) does.
            assert_eq!(
                webhook::sign_test_payload(payload, secret, at(STRIPE_T)),
                header
            );
        }
    }
}

#[test]
fn tolerance_refuses_only_older_signatures() {
    let header = header_for("{}", "s", STRIPE_T);
    let verify = |tolerance: Duration, now: u64| {
        webhook::verify_signature("{}", &header, "s", tolerance, at(now))
    };
    assert!(verify(DEFAULT_TOLERANCE, STRIPE_T + 300).is_ok());
    assert!(matches!(
        verify(DEFAULT_TOLERANCE, STRIPE_T + 301),
        Err(WebhookError::OutsideTolerance { .. })
    ));
    // A clock behind Stripe's is not a replay.
    assert!(verify(DEFAULT_TOLERANCE, STRIPE_T - 3600).is_ok());
    assert!(verify(Duration::ZERO, STRIPE_T).is_ok());
    assert!(verify(Duration::MAX, 4_000_000_000).is_ok());
}

#[test]
fn signed_payloads_that_are_not_events_are_refused() {
    let thin = r#"{"id":"evt_234","object":"v2.core.event","type":"v1.billing.meter.error_report_triggered","created":"2022-02-15T00:27:45.330Z","livemode":true}"#;
    for payload in ["this is not valid json", thin, "{}"] {
        let header = header_for(payload, "s", STRIPE_T);
        for options in [Options::new(), Options::new().ignore_api_version()] {
            let r =
                webhook::construct_event_with(payload, &header, "s", &options.now(at(STRIPE_T)));
            assert!(
                matches!(r, Err(WebhookError::NotAnEvent { .. })),
                "{payload}: {r:?}"
            );
        }
    }
}

/// A realistic `financial_connections.account`, as each event type would carry it.
fn account(event_type: &str) -> Value {
    let mut a = json!({
        "id": "fca_1MwVK82eZvKYlo2Cjw8FMxXf",
        "object": "financial_connections.account",
        "account_holder": {"customer": "cus_NfjonN9919dELB", "type": "customer"},
        "balance": null,
        "balance_refresh": null,
        "category": "cash",
        "created": 1681259860,
        "display_name": "Sample Checking Account",
        "institution_name": "StripeBank",
        "last4": "6789",
        "livemode": false,
        "ownership": null,
        "ownership_refresh": null,
        "permissions": ["balances", "ownership", "transactions"],
        "status": "active",
        "subcategory": "checking",
        "subscriptions": [],
        "supported_payment_method_types": ["us_bank_account"],
        "transaction_refresh": null
    });
    match event_type.rsplit('.').next() {
        Some("deactivated") => a["status"] = json!("inactive"),
        Some("disconnected") => a["status"] = json!("disconnected"),
        Some("refreshed_balance") => {
            a["balance"] = json!({"as_of": 1681259880, "cash": {"available": {"usd": 6000}}, "current": {"usd": 6000}, "type": "cash"});
            a["balance_refresh"] = json!({"last_attempted_at": 1681259870, "next_refresh_available_at": null, "status": "succeeded"});
        }
        Some("refreshed_ownership") => {
            a["ownership"] = json!("fcaowns_1MwVK82eZvKYlo2C");
            a["ownership_refresh"] = json!({"last_attempted_at": 1681259870, "next_refresh_available_at": 1681263470, "status": "succeeded"});
        }
        Some("refreshed_transactions") => {
            a["subscriptions"] = json!(["transactions"]);
            a["transaction_refresh"] = json!({"id": "fctxnref_1MwVK82eZvKYlo2C", "last_attempted_at": 1681259870, "next_refresh_available_at": null, "status": "succeeded"});
        }
        _ => {}
    }
    a
}

fn event_json(event_type: &str, object: Value) -> Value {
    json!({
        "id": "evt_1MwVKA2eZvKYlo2C",
        "object": "event",
        "api_version": API_VERSION,
        "created": 1681259890,
        "data": {"object": object},
        "livemode": false,
        "pending_webhooks": 1,
        "request": {"id": null, "idempotency_key": null},
        "type": event_type
    })
}

/// Signs `event` as Stripe would and verifies it now.
fn deliver(event: &Value) -> Event {
    let body = serde_json::to_string_pretty(event).unwrap();
    let header = webhook::sign_test_payload(&body, "whsec_test", SystemTime::now());
    webhook::construct_event(&body, &header, "whsec_test").unwrap()
}

/// The `financial_connections.account.*` event types of the pinned spec.
fn account_event_types() -> Vec<String> {
    event_types()
        .into_iter()
        .filter(|t| t.starts_with("financial_connections.account."))
        .collect()
}

/// The `enabled_events` of the pinned spec, `*` included.
fn event_types() -> Vec<String> {
    let spec: Value = serde_json::from_slice(&xtask::pinned_spec().unwrap()).unwrap();
    let all = &spec["paths"]["/v1/webhook_endpoints"]["post"]["requestBody"]["content"]
        ["application/x-www-form-urlencoded"]["schema"]["properties"]["enabled_events"]["items"]
        ["enum"];
    all.as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

#[test]
fn event_type_knows_every_event_type_of_the_spec_by_its_wire_string() {
    let mut spec: Vec<String> = event_types().into_iter().filter(|t| t != "*").collect();
    spec.sort();
    let known: Vec<&str> = EventType::KNOWN.iter().map(EventType::as_str).collect();
    assert_eq!(known, spec);
    for t in EventType::KNOWN {
        assert_eq!(EventType::from_wire(t.as_str()), *t);
        assert!(!matches!(t, EventType::Unknown(_)), "{t:?}");
    }
}

#[test]
fn every_financial_connections_account_event_decodes_typed() {
    let types = account_event_types();
    assert_eq!(
        types,
        [
            "financial_connections.account.account_numbers_updated",
            "financial_connections.account.created",
            "financial_connections.account.deactivated",
            "financial_connections.account.disconnected",
            "financial_connections.account.reactivated",
            "financial_connections.account.refreshed_balance",
            "financial_connections.account.refreshed_ownership",
            "financial_connections.account.refreshed_transactions",
            "financial_connections.account.upcoming_account_number_expiry",
        ]
    );
    for event_type in &types {
        let sent = event_json(event_type, account(event_type));
        let event = deliver(&sent);
        assert_eq!(event.type_.as_str(), event_type);
        assert!(
            !matches!(event.type_, EventType::Unknown(_)),
            "{event_type}"
        );
        let EventObject::FinancialConnectionsAccount(a) = &event.data.object else {
            panic!("{event_type}: {:?}", event.data.object);
        };
        assert_eq!(a.id.as_str(), "fca_1MwVK82eZvKYlo2Cjw8FMxXf");
        assert_eq!(a.institution_name, "StripeBank");
        let status = a.status.as_str();
        match event_type.as_str() {
            "financial_connections.account.disconnected" => assert_eq!(status, "disconnected"),
            "financial_connections.account.deactivated" => assert_eq!(status, "inactive"),
            "financial_connections.account.refreshed_balance" => {
                let balance = a.balance.clone().flatten().unwrap();
                assert_eq!(balance.current.get("usd"), Some(&6000));
            }
            _ => assert_eq!(status, "active"),
        }
        // Nothing is lost: the typed event encodes back to what was sent.
        assert_eq!(serde_json::to_value(&event).unwrap(), sent, "{event_type}");
    }
}

#[test]
fn unselected_resources_and_unknown_types_keep_the_object_as_json() {
    let customer = json!({"id": "cus_1", "object": "customer", "email": "a@example.com"});
    let event = deliver(&event_json("customer.created", customer.clone()));
    assert_eq!(event.type_, EventType::CustomerCreated);
    assert_eq!(event.data.object, EventObject::Other(customer));

    // A type newer than the spec: kept as JSON even when the object is one the crate types.
    let object = account("financial_connections.account.created");
    let sent = event_json("financial_connections.account.upgraded", object.clone());
    let event = deliver(&sent);
    assert_eq!(
        event.type_,
        EventType::Unknown("financial_connections.account.upgraded".into())
    );
    assert_eq!(event.data.object, EventObject::Other(object));
    assert_eq!(serde_json::to_value(&event).unwrap(), sent);
}

#[test]
fn an_object_that_does_not_fit_its_type_is_kept_with_the_reason() {
    let mut object = account("financial_connections.account.created");
    object.as_object_mut().unwrap().remove("institution_name");
    let sent = event_json("financial_connections.account.created", object.clone());
    let event = deliver(&sent);
    let EventObject::Undecoded(kept) = &event.data.object else {
        panic!("{:?}", event.data.object);
    };
    assert!(
        kept.error().contains("institution_name"),
        "{}",
        kept.error()
    );
    assert_eq!(kept.object(), Some(&object));
    assert_eq!(serde_json::from_str::<Value>(kept.text()).unwrap(), object);
    assert_eq!(serde_json::to_value(&event).unwrap(), sent);
}

#[test]
fn events_from_the_api_are_typed_the_same_way() {
    // `Event::retrieve` and `Event::list` decode through the same `Deserialize`.
    let sent = event_json(
        "financial_connections.account.reactivated",
        account("financial_connections.account.reactivated"),
    );
    let event: Event = serde_json::from_value(sent.clone()).unwrap();
    assert!(matches!(
        event.data.object,
        EventObject::FinancialConnectionsAccount(_)
    ));
    let list: stripe_typed::rt::List<Event> = serde_json::from_value(json!({
        "object": "list", "url": "/v1/events", "has_more": false, "data": [sent]
    }))
    .unwrap();
    assert!(matches!(
        list.data[0].data.object,
        EventObject::FinancialConnectionsAccount(_)
    ));
}

/// The object is decoded once, from the text as sent (the event's `type`, after `data` in
/// Stripe's payloads, is read ahead), so unknown fields inside a typed object keep their exact
/// spelling, as they do everywhere else, and a number beyond `f64` in one does not fail it.
#[test]
fn unknown_fields_inside_a_typed_event_object_keep_their_text() {
    let object = account("financial_connections.account.created").to_string();
    let object = object.replacen(
        '{',
        r#"{"new_amount":1.50e2,"huge":1e400,"nested":{"k":[1.0]},"#,
        1,
    );
    let body = format!(
        r#"{{"id":"evt_1","object":"event","api_version":"{API_VERSION}","created":1,"data":{{"object":{object}}},"livemode":false,"pending_webhooks":0,"request":null,"type":"financial_connections.account.created"}}"#
    );
    let header = webhook::sign_test_payload(&body, "whsec_test", SystemTime::now());
    let event = webhook::construct_event(&body, &header, "whsec_test").unwrap();
    let EventObject::FinancialConnectionsAccount(a) = &event.data.object else {
        panic!("{:?}", event.data.object);
    };
    let extra: Vec<(&str, &str)> = a.extra.iter().collect();
    assert_eq!(
        extra,
        [
            ("new_amount", "1.50e2"),
            ("huge", "1e400"),
            ("nested", r#"{"k":[1.0]}"#)
        ]
    );
    // And they are written back as they came.
    let back = serde_json::to_string(&event).unwrap();
    assert!(
        back.contains(r#""new_amount":1.50e2,"huge":1e400,"nested":{"k":[1.0]}"#),
        "{back}"
    );
}
