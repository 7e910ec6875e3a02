//! Every generated v2 operation, built with its typed function and parameters, sent by the
//! real client (reqwest) to the scripted server on 127.0.0.1, and answered with a realistic
//! reply (`tests/fixtures/v2/`).
//!
//! What the server received is read back with serde_json, which the client's encoder does not
//! share: the method, the path (parameters percent-encoded), the query string (lists indexed,
//! nested objects bracketed), the JSON body compared whole (so an absent optional field must be
//! left out, and a `None` metadata value must be `null`), and the headers (`Content-Type` on
//! POSTs only, an `Idempotency-Key` on every POST and DELETE and on no GET, `Stripe-Version`,
//! the API key). The reply's decoding is checked too: key fields, a `DateTime` or `Decimal`
//! keeping its exact text, an unknown field kept in `extra`, an unknown enum value kept in its
//! catch-all variant.
//!
//! Then what cuts across operations: path parameters, paging a v2 list as a `Stream`, v2 error
//! answers, `Debug` without parameter values, the blocking client, and a check that this file
//! covers every v2 operation the generator emits.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{json, Value};
use stripe_typed::resources::{
    v2_billing_meter_event as meter_event, v2_billing_meter_event_adjustment as adjustment,
    v2_billing_meter_event_session as session, v2_core_account as account,
    v2_core_account_link as account_link, v2_core_account_person as person,
    v2_core_account_person_token as person_token, v2_core_account_token as account_token,
    v2_core_event as event, v2_core_event_destination as destination,
};
use stripe_typed::rt::testing::FakeStripe;
use stripe_typed::rt::{self, v2, Client, DateTime, Decimal, ErrorKind, Method, Request};
use tests::block_on;
use tests::server::{Recorded, Reply, Server};

/// The secret key of every request that sets no key of its own.
const KEY: &str = "sk_test_v2ops_51HxQ2eLmN8pRsTuVwXyZ";
/// Account and person tokens are made in the browser, with the publishable key.
const PUBLISHABLE_KEY: &str = "pk_test_v2ops_51HxQ2eLmN8pRsTuVwXyZ";
/// The meter event stream authenticates with a session's token instead of the secret key.
const SESSION_TOKEN: &str = "mes_token_test_R7fLx0Tq3ZkP9wYb2NcV5hJ8sD1gA6uE";

const ACCOUNT_ID: &str = "acct_1RxB4cQ3mNtZ8vPq";
const PERSON_ID: &str = "person_test_61RS0CgWt5xBDGN8f41Lq2WdKcJk";
const DESTINATION_ID: &str = "ed_test_61RxC9nP2bV4wQ0d841Lq2WdKcAa";
const EVENT_ID: &str = "evt_test_65RxD2kM8pQ1vT7y441Lq2WdKcEe";

// ---------------------------------------------------------------------------------------------
// Exchange and assertions
// ---------------------------------------------------------------------------------------------

/// The text of a reply in `tests/fixtures/v2/`.
macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/v2/",
            $name,
            ".json"
        ))
    };
}

/// Sends `request` with the real client to a loopback server that answers `reply` with 200;
/// returns the decoded value and the one request the server received.
fn exchange<T>(request: Request<T>, reply: &str) -> (T, Recorded) {
    let server = Server::start(vec![Reply::json(200, reply)]);
    let value = block_on(server.client(KEY).send(request)).unwrap_or_else(|e| panic!("{e}"));
    let mut requests = server.requests();
    assert_eq!(requests.len(), 1, "{requests:#?}");
    (value, requests.remove(0))
}

/// A v2 list page of `items` (each a fixture's text, kept as is) pointing at `next`.
fn list_reply(items: &[&str], next: Option<&str>) -> String {
    let next = serde_json::to_string(&next).expect("a string or null");
    format!(
        r#"{{"data": [{}], "next_page_url": {next}, "previous_page_url": null}}"#,
        items.join(", ")
    )
}

/// `text` with `from` replaced by `to`, which must occur: a variant of a fixture.
fn replaced(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from:?} is not in the fixture");
    text.replace(from, to)
}

fn date_time(text: &str) -> DateTime {
    DateTime::new(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn decimal(text: &str) -> Decimal {
    Decimal::new(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// A metadata update: `None` removes the key (sent as `null`).
fn metadata_update(pairs: &[(&str, Option<&str>)]) -> BTreeMap<String, Option<String>> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.map(str::to_owned)))
        .collect()
}

/// Checks one v2 request as the server received it: method and target (path and query) as
/// sent, the API key, the pinned `Stripe-Version`, and by method: a POST has a JSON body equal
/// to `body` (read by serde_json, so key order and spacing do not matter but every key and
/// `null` does), `Content-Type: application/json` and a fresh idempotency key; a GET has no
/// body, no `Content-Type` and no idempotency key; a DELETE has an idempotency key and no body.
fn assert_v2_request(
    sent: &Recorded,
    method: &str,
    target: &str,
    api_key: &str,
    body: Option<&Value>,
) {
    assert_eq!(
        (sent.method.as_str(), sent.target.as_str()),
        (method, target)
    );
    assert_eq!(
        sent.header("authorization"),
        Some(&*format!("Bearer {api_key}"))
    );
    assert_eq!(sent.header("stripe-version"), Some(rt::API_VERSION));
    let content_type = sent.header("content-type");
    let idempotency_key = sent.header("idempotency-key");
    match method {
        "POST" => {
            let expected = body.expect("a POST's expected body");
            let received = parse_json_body(sent);
            assert_eq!(&received, expected, "body as sent: {}", sent.body_text());
            assert_eq!(content_type, Some("application/json"));
            assert_eq!(
                sent.header("content-length"),
                Some(&*sent.body.len().to_string())
            );
            assert_uuid_v4(idempotency_key);
        }
        "GET" | "DELETE" => {
            assert!(body.is_none(), "a {method} has no body to expect");
            assert!(sent.body.is_empty(), "{method} body: {}", sent.body_text());
            assert_eq!(content_type, None);
            if method == "DELETE" {
                assert_uuid_v4(idempotency_key);
            } else {
                assert_eq!(idempotency_key, None);
            }
        }
        other => panic!("no v2 operation uses {other}"),
    }
}

/// A request's body parsed by serde_json; see [`json_without_repeated_keys`].
fn parse_json_body(sent: &Recorded) -> Value {
    let body = sent.body_text();
    json_without_repeated_keys(&body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// `text` parsed by serde_json, or an error if an object in it repeats a key (which
/// `serde_json::Value` would collapse to the last value without a word).
fn json_without_repeated_keys(text: &str) -> Result<Value, serde_json::Error> {
    use serde::de::{Deserialize, Deserializer, Error, MapAccess, SeqAccess, Visitor};

    /// Any JSON, as long as no object in it repeats a key.
    struct NoRepeatedKeys;

    impl<'de> Deserialize<'de> for NoRepeatedKeys {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_any(NoRepeatedKeys)
        }
    }

    impl<'de> Visitor<'de> for NoRepeatedKeys {
        type Value = NoRepeatedKeys;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("JSON")
        }
        fn visit_unit<E>(self) -> Result<Self, E> {
            Ok(self)
        }
        fn visit_bool<E>(self, _: bool) -> Result<Self, E> {
            Ok(self)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self, E> {
            Ok(self)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self, E> {
            Ok(self)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self, E> {
            Ok(self)
        }
        fn visit_str<E>(self, _: &str) -> Result<Self, E> {
            Ok(self)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Self, A::Error> {
            while items.next_element::<NoRepeatedKeys>()?.is_some() {}
            Ok(self)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Self, A::Error> {
            let mut keys = std::collections::BTreeSet::new();
            while let Some(key) = entries.next_key::<String>()? {
                if !keys.insert(key.clone()) {
                    return Err(A::Error::custom(format!("the key {key:?} is repeated")));
                }
                entries.next_value::<NoRepeatedKeys>()?;
            }
            Ok(self)
        }
    }

    serde_json::from_str::<NoRepeatedKeys>(text)?;
    serde_json::from_str(text)
}

/// The body check itself: a repeated key anywhere fails it.
#[test]
fn the_body_check_refuses_repeated_keys() {
    let nested = r#"{"metadata": {"a": "1", "a": null}}"#;
    let err = json_without_repeated_keys(nested).expect_err("repeated");
    assert!(
        err.to_string().contains(r#"the key "a" is repeated"#),
        "{err}"
    );
    assert!(json_without_repeated_keys(r#"[{"a": 1}, {"a": 2}]"#).is_ok());
    assert_eq!(
        json_without_repeated_keys(r#"{"a": [1, null, "x"], "b": {"a": true}}"#).ok(),
        Some(json!({"a": [1, null, "x"], "b": {"a": true}}))
    );
}

fn assert_post(sent: &Recorded, target: &str, body: Value) {
    assert_v2_request(sent, "POST", target, KEY, Some(&body));
}

fn assert_get(sent: &Recorded, target: &str) {
    assert_v2_request(sent, "GET", target, KEY, None);
}

fn assert_delete(sent: &Recorded, target: &str) {
    assert_v2_request(sent, "DELETE", target, KEY, None);
}

/// An idempotency key as Stripe's libraries make one: a random (version 4) UUID.
fn assert_uuid_v4(key: Option<&str>) {
    let key = key.expect("an Idempotency-Key");
    let groups: Vec<usize> = key.split('-').map(str::len).collect();
    assert_eq!(groups, [8, 4, 4, 4, 12], "{key}");
    assert!(
        key.bytes()
            .all(|b| b == b'-' || b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "{key}"
    );
    assert_eq!(&key[14..15], "4", "version 4: {key}");
}

// ---------------------------------------------------------------------------------------------
// v2_billing_meter_event, v2_billing_meter_event_adjustment, v2_billing_meter_event_session
// ---------------------------------------------------------------------------------------------

#[test]
fn billing_meter_event_create() {
    use meter_event::{CreateV2BillingMeterEvent, V2BillingMeterEvent};

    let payload = map(&[
        ("stripe_customer_id", "cus_Rq7WnT8xYv2Lb4"),
        ("value", "25"),
    ]);
    let params = CreateV2BillingMeterEvent::new("api_requests".to_owned(), payload.clone())
        .identifier("batch-2026-01-15-0001")
        .timestamp(date_time("2026-01-15T10:29:58+00:00"));
    let (meter_event, sent) = exchange(
        V2BillingMeterEvent::create(&params),
        fixture!("billing_meter_event"),
    );
    assert_post(
        &sent,
        "/v2/billing/meter_events",
        json!({
            "event_name": "api_requests",
            "identifier": "batch-2026-01-15-0001",
            "payload": {"stripe_customer_id": "cus_Rq7WnT8xYv2Lb4", "value": "25"},
            "timestamp": "2026-01-15T10:29:58+00:00",
        }),
    );
    assert_eq!(meter_event.object, "v2.billing.meter_event");
    assert_eq!(meter_event.event_name, "api_requests");
    assert_eq!(meter_event.identifier, "batch-2026-01-15-0001");
    assert_eq!(meter_event.payload, payload);
    assert_eq!(meter_event.created.as_str(), "2026-01-15T10:30:00.123Z");
    assert_eq!(meter_event.timestamp.as_str(), "2026-01-15T10:29:58+00:00");
    assert!(!meter_event.livemode);
    assert_eq!(
        meter_event.extra.get("processing"),
        Some(json!("asynchronous"))
    );

    // Only the required parameters: the optional ones are left out, not sent as `null`.
    let params = CreateV2BillingMeterEvent::new("api_requests".to_owned(), payload);
    let (_, sent) = exchange(
        V2BillingMeterEvent::create(&params),
        fixture!("billing_meter_event"),
    );
    assert_post(
        &sent,
        "/v2/billing/meter_events",
        json!({
            "event_name": "api_requests",
            "payload": {"stripe_customer_id": "cus_Rq7WnT8xYv2Lb4", "value": "25"},
        }),
    );
}

#[test]
fn billing_meter_event_adjustment_create() {
    use adjustment::{
        CreateV2BillingMeterEventAdjustment, CreateV2BillingMeterEventAdjustmentCancel,
        V2BillingMeterEventAdjustment, V2BillingMeterEventAdjustmentStatus,
        V2BillingMeterEventAdjustmentType,
    };

    let params = CreateV2BillingMeterEventAdjustment::new(
        CreateV2BillingMeterEventAdjustmentCancel::new("batch-2026-01-15-0001".to_owned()),
        "api_requests".to_owned(),
        V2BillingMeterEventAdjustmentType::Cancel,
    );
    let (adjustment, sent) = exchange(
        V2BillingMeterEventAdjustment::create(&params),
        fixture!("billing_meter_event_adjustment"),
    );
    assert_post(
        &sent,
        "/v2/billing/meter_event_adjustments",
        json!({
            "cancel": {"identifier": "batch-2026-01-15-0001"},
            "event_name": "api_requests",
            "type": "cancel",
        }),
    );
    assert_eq!(
        adjustment.id.as_str(),
        "mtr_adj_test_61RQt1mYc0bq5aA7F41Lq2Wd"
    );
    assert_eq!(adjustment.type_, V2BillingMeterEventAdjustmentType::Cancel);
    assert_eq!(
        adjustment.status,
        V2BillingMeterEventAdjustmentStatus::Unknown("reconciling".to_owned())
    );
    assert_eq!(adjustment.cancel.identifier, "batch-2026-01-15-0001");
    assert_eq!(
        adjustment.cancel.extra.get("requested_by"),
        Some(json!("dashboard_user"))
    );
    assert_eq!(adjustment.created.as_str(), "2026-01-15T11:02:17.450Z");
}

#[test]
fn billing_meter_event_session_create() {
    use session::{CreateV2BillingMeterEventSession, V2BillingMeterEventSession};

    let (session, sent) = exchange(
        V2BillingMeterEventSession::create(&CreateV2BillingMeterEventSession::new()),
        fixture!("billing_meter_event_session"),
    );
    // A POST without parameters sends an empty object.
    assert_post(&sent, "/v2/billing/meter_event_session", json!({}));
    assert_eq!(sent.body_text(), "{}");
    assert_eq!(session.id.as_str(), "mes_test_61RQt5Ut2Gn2k8RSw41Lq2WdKc");
    assert_eq!(session.authentication_token.expose(), SESSION_TOKEN);
    assert!(!format!("{session:?}").contains(SESSION_TOKEN));
    assert_eq!(session.created.as_str(), "2026-01-15T11:05:00.000Z");
    assert_eq!(session.expires_at.as_str(), "2026-01-15T11:20:00.000Z");
    assert_eq!(
        session.extra.get("max_requests_per_second"),
        Some(json!(10000))
    );
}

fn stream_events_params() -> session::StreamEventsV2BillingMeterEventSession {
    use session::{
        StreamEventsV2BillingMeterEventSession, StreamEventsV2BillingMeterEventSessionEvents,
    };

    StreamEventsV2BillingMeterEventSession::new(vec![
        StreamEventsV2BillingMeterEventSessionEvents::new(
            "api_requests".to_owned(),
            map(&[("stripe_customer_id", "cus_Rq7WnT8xYv2Lb4"), ("value", "3")]),
        )
        .identifier("batch-2026-01-15-0002")
        .timestamp(date_time("2026-01-15T11:06:00.250Z")),
        StreamEventsV2BillingMeterEventSessionEvents::new(
            "api_requests".to_owned(),
            map(&[("stripe_customer_id", "cus_Lk2Vb8Nm4Qx7Tz"), ("value", "1")]),
        ),
    ])
}

/// The stream has its own server in the spec; a client with a base URL (the loopback one)
/// sends it there instead, with the session's token as the key.
#[test]
fn billing_meter_event_session_stream_events() {
    let request = session::V2BillingMeterEventSession::stream_events(&stream_events_params())
        .api_key(SESSION_TOKEN);
    assert_eq!(
        request.server_url(),
        Some("https://meter-events.stripe.com")
    );
    let (accepted, sent) = exchange(request, "{}");
    assert_v2_request(
        &sent,
        "POST",
        "/v2/billing/meter_event_stream",
        SESSION_TOKEN,
        Some(&json!({
            "events": [
                {
                    "event_name": "api_requests",
                    "identifier": "batch-2026-01-15-0002",
                    "payload": {"stripe_customer_id": "cus_Rq7WnT8xYv2Lb4", "value": "3"},
                    "timestamp": "2026-01-15T11:06:00.250Z",
                },
                {
                    "event_name": "api_requests",
                    "payload": {"stripe_customer_id": "cus_Lk2Vb8Nm4Qx7Tz", "value": "1"},
                },
            ],
        })),
    );
    assert_eq!(accepted, json!({}));
}

/// Where the stream goes without a loopback server: to its own server by default (also when
/// the default base URL is set explicitly), to a configured base URL otherwise; the other
/// operations go to Stripe's API host. Recorded by an in-memory transport, so nothing leaves
/// the process.
#[test]
fn billing_meter_event_stream_goes_to_its_own_server_unless_a_base_url_is_set() {
    let fake = FakeStripe::new();
    fake.on(Method::Post, "/v2/billing/meter_event_stream")
        .json(200, "{}")
        .json(200, "{}")
        .json(200, "{}");
    fake.on(Method::Post, "/v2/billing/meter_event_session")
        .json(200, fixture!("billing_meter_event_session"));
    let stream = || {
        session::V2BillingMeterEventSession::stream_events(&stream_events_params())
            .api_key(SESSION_TOKEN)
    };
    let clients = [
        Client::from_transport(KEY, Arc::new(fake.clone())),
        Client::from_transport(KEY, Arc::new(fake.clone()))
            .with_base_url("https://api.stripe.com/"),
        Client::from_transport(KEY, Arc::new(fake.clone()))
            .with_base_url("http://proxy.internal:8080"),
    ];
    for client in &clients {
        block_on(client.send(stream())).expect("accepted");
    }
    let create = session::V2BillingMeterEventSession::create(
        &session::CreateV2BillingMeterEventSession::new(),
    );
    block_on(clients[0].send(create)).expect("session");
    let sent = fake.requests();
    let urls: Vec<&str> = sent.iter().map(|r| r.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://meter-events.stripe.com/v2/billing/meter_event_stream",
            "https://meter-events.stripe.com/v2/billing/meter_event_stream",
            "http://proxy.internal:8080/v2/billing/meter_event_stream",
            "https://api.stripe.com/v2/billing/meter_event_session",
        ]
    );
    let keys: Vec<Option<&str>> = sent.iter().map(|r| r.header("authorization")).collect();
    let session_token = format!("Bearer {SESSION_TOKEN}");
    let secret_key = format!("Bearer {KEY}");
    assert_eq!(
        keys,
        [
            Some(&*session_token),
            Some(&*session_token),
            Some(&*session_token),
            Some(&*secret_key),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// v2_core_account
// ---------------------------------------------------------------------------------------------

/// What `account.json` decodes to, checked for every operation that answers with it.
fn assert_account_fixture(account: &account::V2CoreAccount) {
    use account::{
        V2CoreAccountAppliedConfigurations as Applied,
        V2CoreAccountConfigurationMerchantCapabilitiesEpsPaymentsStatus as Status,
        V2CoreAccountConfigurationMerchantCapabilitiesEpsPaymentsStatusDetailsCode as Code,
        V2CoreAccountDashboard, V2CoreAccountDefaultsLocales as Locale,
        V2CoreAccountIdentityEntityType, V2CoreAccountRequirementsEntriesMinimumDeadlineStatus,
    };

    assert_eq!(account.id.as_str(), ACCOUNT_ID);
    assert_eq!(account.object, "v2.core.account");
    assert_eq!(
        account.applied_configurations,
        [Applied::Customer, Applied::Merchant]
    );
    assert_eq!(account.created.as_str(), "2026-01-20T16:04:05.123456Z");
    assert_eq!(account.dashboard, Some(V2CoreAccountDashboard::Full));
    assert_eq!(account.contact_phone, None);
    assert_eq!(account.future_requirements, None);
    assert_eq!(
        account.extra.get("risk_controls"),
        Some(json!({"payouts": {"paused": false}}))
    );

    let configuration = account.configuration.as_ref().expect("configuration");
    assert!(configuration.recipient.is_none());
    let customer = configuration.customer.as_ref().expect("customer");
    let invoice = customer
        .billing
        .as_ref()
        .and_then(|b| b.invoice.as_ref())
        .expect("invoice");
    assert_eq!(invoice.custom_fields[0].value, "PO-7781");
    assert_eq!(invoice.next_sequence, Some(7));
    let merchant = configuration.merchant.as_ref().expect("merchant");
    let capabilities = merchant.capabilities.as_ref().expect("capabilities");
    let card = capabilities.card_payments.as_ref().expect("card_payments");
    assert_eq!(card.status, Status::Restricted);
    assert_eq!(card.status_details[0].code, Code::RequirementsPastDue);
    let link = capabilities.link_payments.as_ref().expect("link_payments");
    assert_eq!(link.status, Status::Unknown("in_review".to_owned()));
    assert_eq!(merchant.mcc.as_deref(), Some("5734"));

    let defaults = account.defaults.as_ref().expect("defaults");
    assert_eq!(defaults.locales, Some(vec![Locale::EnUs, Locale::FrFr]));

    let identity = account.identity.as_ref().expect("identity");
    assert_eq!(
        identity.entity_type,
        Some(V2CoreAccountIdentityEntityType::Individual)
    );
    let tos = identity
        .attestations
        .as_ref()
        .and_then(|a| a.terms_of_service.as_ref())
        .and_then(|t| t.account.as_ref())
        .expect("terms of service");
    assert_eq!(
        tos.date.as_ref().map(DateTime::as_str),
        Some("2026-01-20T16:04:05Z")
    );
    let individual = identity.individual.as_ref().expect("individual");
    assert_eq!(individual.account, ACCOUNT_ID);
    assert_eq!(individual.updated.as_str(), "2026-01-21T08:00:00.000Z");
    let relationship = individual.relationship.as_ref().expect("relationship");
    assert_eq!(
        relationship.percent_ownership.as_ref().map(Decimal::as_str),
        Some("100.00")
    );

    let requirements = account.requirements.as_ref().expect("requirements");
    let deadline = requirements
        .summary
        .as_ref()
        .and_then(|s| s.minimum_deadline.as_ref())
        .expect("minimum deadline");
    assert_eq!(
        deadline.status,
        V2CoreAccountRequirementsEntriesMinimumDeadlineStatus::PastDue
    );
    assert_eq!(
        deadline.time.as_ref().map(DateTime::as_str),
        Some("2026-02-03T00:00:00.000Z")
    );
}

#[test]
fn account_create() {
    use account::*;

    let requested = CreateV2CoreAccountConfigurationMerchantCapabilitiesEpsPayments::new;
    let customer = CreateV2CoreAccountConfigurationCustomer::new()
        .automatic_indirect_tax(
            CreateV2CoreAccountConfigurationCustomerAutomaticIndirectTax::new()
                .exempt(V2CoreAccountConfigurationCustomerAutomaticIndirectTaxExempt::None)
                .ip_address("203.0.113.7"),
        )
        .billing(
            CreateV2CoreAccountConfigurationCustomerBilling::new().invoice(
                CreateV2CoreAccountConfigurationCustomerBillingInvoice::new()
                    .custom_fields(vec![
                        CreateV2CoreAccountConfigurationCustomerBillingInvoiceCustomFields::new(
                            "PO number".to_owned(),
                            "PO-7781".to_owned(),
                        ),
                    ])
                    .next_sequence(7)
                    .prefix("JRS")
                    .rendering(
                        CreateV2CoreAccountConfigurationCustomerBillingInvoiceRendering::new()
                            .amount_tax_display(
                                V2CoreAccountConfigurationCustomerBillingInvoiceRenderingAmountTaxDisplay::IncludeInclusiveTax,
                            ),
                    ),
            ),
        )
        .capabilities(
            CreateV2CoreAccountConfigurationCustomerCapabilities::new()
                .automatic_indirect_tax(requested(true)),
        );
    let merchant = CreateV2CoreAccountConfigurationMerchant::new()
        .capabilities(
            CreateV2CoreAccountConfigurationMerchantCapabilities::new()
                .card_payments(requested(true))
                .link_payments(requested(false)),
        )
        .card_payments(
            CreateV2CoreAccountConfigurationMerchantCardPayments::new().decline_on(
                CreateV2CoreAccountConfigurationMerchantCardPaymentsDeclineOn::new()
                    .avs_failure(true)
                    .cvc_failure(true),
            ),
        )
        .mcc("5734")
        .statement_descriptor(
            CreateV2CoreAccountConfigurationMerchantStatementDescriptor::new()
                .descriptor("JENNY ROSEN CERAMICS")
                .prefix("JROSEN"),
        );
    let individual = CreateV2CoreAccountIdentityIndividual::new()
        .address(
            CreateV2CoreAccountIdentityIndividualAddress::new("US".to_owned())
                .city("San Francisco")
                .line1("510 Townsend St")
                .postal_code("94103")
                .state("CA"),
        )
        .date_of_birth(CreateV2CoreAccountIdentityIndividualDateOfBirth::new(
            14, 2, 1990,
        ))
        .email("jenny.rosen@example.com")
        .given_name("Jenny")
        .id_numbers(vec![CreateV2CoreAccountIdentityIndividualIdNumbers::new(
            V2CoreAccountIdentityIndividualIdNumbersType::UsSsnLast4,
            "6789".to_owned(),
        )])
        .relationship(
            CreateV2CoreAccountIdentityIndividualRelationship::new()
                .executive(true)
                .owner(true)
                .percent_ownership(decimal("100.00"))
                .title("Founder"),
        )
        .surname("Rosen");
    let params = CreateV2CoreAccount::new()
        .configuration(
            CreateV2CoreAccountConfiguration::new()
                .customer(customer)
                .merchant(merchant),
        )
        .contact_email("jenny.rosen@example.com")
        .dashboard(V2CoreAccountDashboard::Full)
        .defaults(
            CreateV2CoreAccountDefaults::new()
                .currency("usd")
                .locales(vec![
                    V2CoreAccountDefaultsLocales::EnUs,
                    V2CoreAccountDefaultsLocales::FrFr,
                ])
                .responsibilities(CreateV2CoreAccountDefaultsResponsibilities::new(
                    V2CoreAccountDefaultsResponsibilitiesFeesCollector::Stripe,
                    V2CoreAccountDefaultsResponsibilitiesLossesCollector::Stripe,
                )),
        )
        .display_name("Jenny Rosen Ceramics")
        .identity(
            CreateV2CoreAccountIdentity::new()
                .attestations(
                    CreateV2CoreAccountIdentityAttestations::new().terms_of_service(
                        CreateV2CoreAccountIdentityAttestationsTermsOfService::new().account(
                            CreateV2CoreAccountIdentityAttestationsTermsOfServiceAccount::new(
                                date_time("2026-01-20T16:04:05Z"),
                                "203.0.113.7".to_owned(),
                            )
                            .user_agent("Mozilla/5.0 (X11; Linux x86_64)"),
                        ),
                    ),
                )
                .country("US")
                .entity_type(V2CoreAccountIdentityEntityType::Individual)
                .individual(individual),
        )
        .include(vec![
            CreateV2CoreAccountInclude::Identity,
            CreateV2CoreAccountInclude::Requirements,
        ])
        .metadata(map(&[("order_id", "6735")]));

    let (created, sent) = exchange(V2CoreAccount::create(&params), fixture!("account"));
    assert_post(
        &sent,
        "/v2/core/accounts",
        json!({
            "configuration": {
                "customer": {
                    "automatic_indirect_tax": {"exempt": "none", "ip_address": "203.0.113.7"},
                    "billing": {
                        "invoice": {
                            "custom_fields": [{"name": "PO number", "value": "PO-7781"}],
                            "next_sequence": 7,
                            "prefix": "JRS",
                            "rendering": {"amount_tax_display": "include_inclusive_tax"},
                        },
                    },
                    "capabilities": {"automatic_indirect_tax": {"requested": true}},
                },
                "merchant": {
                    "capabilities": {
                        "card_payments": {"requested": true},
                        "link_payments": {"requested": false},
                    },
                    "card_payments": {"decline_on": {"avs_failure": true, "cvc_failure": true}},
                    "mcc": "5734",
                    "statement_descriptor": {"descriptor": "JENNY ROSEN CERAMICS", "prefix": "JROSEN"},
                },
            },
            "contact_email": "jenny.rosen@example.com",
            "dashboard": "full",
            "defaults": {
                "currency": "usd",
                "locales": ["en-US", "fr-FR"],
                "responsibilities": {"fees_collector": "stripe", "losses_collector": "stripe"},
            },
            "display_name": "Jenny Rosen Ceramics",
            "identity": {
                "attestations": {
                    "terms_of_service": {
                        "account": {
                            "date": "2026-01-20T16:04:05Z",
                            "ip": "203.0.113.7",
                            "user_agent": "Mozilla/5.0 (X11; Linux x86_64)",
                        },
                    },
                },
                "country": "US",
                "entity_type": "individual",
                "individual": {
                    "address": {
                        "city": "San Francisco",
                        "country": "US",
                        "line1": "510 Townsend St",
                        "postal_code": "94103",
                        "state": "CA",
                    },
                    "date_of_birth": {"day": 14, "month": 2, "year": 1990},
                    "email": "jenny.rosen@example.com",
                    "given_name": "Jenny",
                    "id_numbers": [{"type": "us_ssn_last_4", "value": "6789"}],
                    "relationship": {
                        "executive": true,
                        "owner": true,
                        "percent_ownership": "100.00",
                        "title": "Founder",
                    },
                    "surname": "Rosen",
                },
            },
            "include": ["identity", "requirements"],
            "metadata": {"order_id": "6735"},
        }),
    );
    assert_account_fixture(&created);
    assert_eq!(created.metadata, Some(map(&[("order_id", "6735")])));
}

#[test]
fn account_retrieve() {
    use account::{
        RetrieveV2CoreAccount, RetrieveV2CoreAccountInclude as Include, V2CoreAccount,
        V2CoreAccountId,
    };

    // An include this version does not know is sent as given.
    let params = RetrieveV2CoreAccount::new().include(vec![
        Include::Identity,
        Include::ConfigurationMerchant,
        Include::Unknown("configuration.storer".to_owned()),
    ]);
    let (account, sent) = exchange(
        V2CoreAccount::retrieve(&V2CoreAccountId::new(ACCOUNT_ID), &params),
        fixture!("account"),
    );
    assert_get(
        &sent,
        "/v2/core/accounts/acct_1RxB4cQ3mNtZ8vPq?include[0]=identity\
         &include[1]=configuration.merchant&include[2]=configuration.storer",
    );
    assert_account_fixture(&account);

    // Without parameters, no query string at all.
    let (_, sent) = exchange(
        V2CoreAccount::retrieve(
            &V2CoreAccountId::new(ACCOUNT_ID),
            &RetrieveV2CoreAccount::new(),
        ),
        fixture!("account"),
    );
    assert_get(&sent, "/v2/core/accounts/acct_1RxB4cQ3mNtZ8vPq");
}

#[test]
fn account_update() {
    use account::*;

    let params = UpdateV2CoreAccount::new()
        .configuration(
            UpdateV2CoreAccountConfiguration::new()
                .customer(
                    UpdateV2CoreAccountConfigurationCustomer::new()
                        .applied(true)
                        .automatic_indirect_tax(
                            UpdateV2CoreAccountConfigurationCustomerAutomaticIndirectTax::new()
                                .validate_location(
                                    UpdateV2CoreAccountConfigurationCustomerAutomaticIndirectTaxValidateLocation::Deferred,
                                ),
                        ),
                )
                .merchant(
                    UpdateV2CoreAccountConfigurationMerchant::new().capabilities(
                        UpdateV2CoreAccountConfigurationMerchantCapabilities::new().link_payments(
                            UpdateV2CoreAccountConfigurationMerchantCapabilitiesEpsPayments::new()
                                .requested(true),
                        ),
                    ),
                ),
        )
        .contact_phone("+14155550123")
        .display_name("Jenny Rosen Ceramics & Co.")
        .identity(
            UpdateV2CoreAccountIdentity::new().individual(
                UpdateV2CoreAccountIdentityIndividual::new()
                    .address(UpdateV2CoreAccountIdentityIndividualAddress::new().line2("Studio 4"))
                    .metadata(metadata_update(&[("nickname", None)]))
                    .phone("+14155550123"),
            ),
        )
        .include(vec![UpdateV2CoreAccountInclude::Identity])
        .metadata(metadata_update(&[("order_id", None), ("tier", Some("gold"))]));

    let reply = replaced(
        fixture!("account"),
        r#""metadata": {"order_id": "6735"}"#,
        r#""metadata": {"tier": "gold"}"#,
    );
    let (updated, sent) = exchange(
        V2CoreAccount::update(&V2CoreAccountId::new(ACCOUNT_ID), &params),
        &reply,
    );
    assert_post(
        &sent,
        "/v2/core/accounts/acct_1RxB4cQ3mNtZ8vPq",
        json!({
            "configuration": {
                "customer": {
                    "applied": true,
                    "automatic_indirect_tax": {"validate_location": "deferred"},
                },
                "merchant": {"capabilities": {"link_payments": {"requested": true}}},
            },
            "contact_phone": "+14155550123",
            "display_name": "Jenny Rosen Ceramics & Co.",
            "identity": {
                "individual": {
                    "address": {"line2": "Studio 4"},
                    "metadata": {"nickname": null},
                    "phone": "+14155550123",
                },
            },
            "include": ["identity"],
            "metadata": {"order_id": null, "tier": "gold"},
        }),
    );
    assert_account_fixture(&updated);
    assert_eq!(updated.metadata, Some(map(&[("tier", "gold")])));
}

#[test]
fn account_list() {
    use account::{
        ListV2CoreAccount, V2CoreAccount, V2CoreAccountAppliedConfigurations as Applied,
    };

    let params = ListV2CoreAccount::new()
        .applied_configurations(vec![Applied::Customer, Applied::Merchant])
        .closed(false)
        .limit(2);
    let second = replaced(fixture!("account"), ACCOUNT_ID, "acct_1RxB9zK7pLm2NvQw");
    let reply = list_reply(
        &[fixture!("account"), &second],
        Some("/v2/core/accounts?limit=2&page=page_3Rk9Lq2Wd"),
    );
    let (page, sent) = exchange(V2CoreAccount::list(&params), &reply);
    assert_get(
        &sent,
        "/v2/core/accounts?applied_configurations[0]=customer\
         &applied_configurations[1]=merchant&closed=false&limit=2",
    );
    assert_eq!(page.data.len(), 2);
    assert_account_fixture(&page.data[0]);
    assert_eq!(page.data[1].id.as_str(), "acct_1RxB9zK7pLm2NvQw");
    assert_eq!(
        page.next_page_url.as_deref(),
        Some("/v2/core/accounts?limit=2&page=page_3Rk9Lq2Wd")
    );
    assert_eq!(page.previous_page_url, None);
}

#[test]
fn account_close() {
    use account::{
        CloseV2CoreAccount, V2CoreAccount, V2CoreAccountAppliedConfigurations as Applied,
        V2CoreAccountId,
    };

    let params = CloseV2CoreAccount::new()
        .applied_configurations(vec![Applied::Merchant, Applied::Customer]);
    let reply = replaced(
        fixture!("account"),
        r#""closed": false"#,
        r#""closed": true"#,
    );
    let (closed, sent) = exchange(
        V2CoreAccount::close(&V2CoreAccountId::new(ACCOUNT_ID), &params),
        &reply,
    );
    assert_post(
        &sent,
        "/v2/core/accounts/acct_1RxB4cQ3mNtZ8vPq/close",
        json!({"applied_configurations": ["merchant", "customer"]}),
    );
    assert_eq!(closed.closed, Some(true));
    assert_eq!(closed.id.as_str(), ACCOUNT_ID);

    // Without parameters: `{}`.
    let (_, sent) = exchange(
        V2CoreAccount::close(
            &V2CoreAccountId::new(ACCOUNT_ID),
            &CloseV2CoreAccount::new(),
        ),
        &reply,
    );
    assert_post(
        &sent,
        "/v2/core/accounts/acct_1RxB4cQ3mNtZ8vPq/close",
        json!({}),
    );
}

// ---------------------------------------------------------------------------------------------
// v2_core_account_link
// ---------------------------------------------------------------------------------------------

#[test]
fn account_link_create() {
    use account_link::{
        CreateV2CoreAccountLink, CreateV2CoreAccountLinkUseCase,
        CreateV2CoreAccountLinkUseCaseAccountOnboarding,
        CreateV2CoreAccountLinkUseCaseAccountOnboardingCollectionOptions, V2CoreAccountLink,
        V2CoreAccountLinkUseCaseAccountUpdateCollectionOptionsFields as Fields,
        V2CoreAccountLinkUseCaseAccountUpdateCollectionOptionsFutureRequirements as FutureRequirements,
        V2CoreAccountLinkUseCaseAccountUpdateConfigurations as Configuration,
        V2CoreAccountLinkUseCaseType,
    };

    // A configuration this version does not know is sent as given.
    let onboarding = CreateV2CoreAccountLinkUseCaseAccountOnboarding::new(
        vec![
            Configuration::Merchant,
            Configuration::Unknown("storer".to_owned()),
        ],
        "https://jenny-rosen.example/onboarding/refresh".to_owned(),
    )
    .collection_options(
        CreateV2CoreAccountLinkUseCaseAccountOnboardingCollectionOptions::new()
            .fields(Fields::EventuallyDue)
            .future_requirements(FutureRequirements::Include),
    )
    .return_url("https://jenny-rosen.example/onboarding/done");
    let params = CreateV2CoreAccountLink::new(
        ACCOUNT_ID.to_owned(),
        CreateV2CoreAccountLinkUseCase::new(V2CoreAccountLinkUseCaseType::AccountOnboarding)
            .account_onboarding(onboarding),
    );
    let (link, sent) = exchange(V2CoreAccountLink::create(&params), fixture!("account_link"));
    assert_post(
        &sent,
        "/v2/core/account_links",
        json!({
            "account": ACCOUNT_ID,
            "use_case": {
                "account_onboarding": {
                    "collection_options": {"fields": "eventually_due", "future_requirements": "include"},
                    "configurations": ["merchant", "storer"],
                    "refresh_url": "https://jenny-rosen.example/onboarding/refresh",
                    "return_url": "https://jenny-rosen.example/onboarding/done",
                },
                "type": "account_onboarding",
            },
        }),
    );
    assert_eq!(link.account, ACCOUNT_ID);
    assert_eq!(
        link.url,
        "https://connect.stripe.com/d/setup/s/_RxB6yK2Lm9Qv4Tn8/YWNjdF8xUnhCNGNRM21OdFo4dlBx"
    );
    assert_eq!(link.expires_at.as_str(), "2026-01-20T16:15:00.000Z");
    assert_eq!(
        link.use_case.type_,
        V2CoreAccountLinkUseCaseType::AccountOnboarding
    );
    assert_eq!(link.use_case.account_update, None);
    let onboarding = link
        .use_case
        .account_onboarding
        .as_ref()
        .expect("onboarding");
    assert_eq!(
        onboarding.configurations,
        [
            Configuration::Merchant,
            Configuration::Unknown("storer".to_owned())
        ]
    );
    assert_eq!(
        onboarding
            .collection_options
            .as_ref()
            .and_then(|o| o.fields.clone()),
        Some(Fields::EventuallyDue)
    );
    assert_eq!(link.extra.get("branding_applied"), Some(json!(true)));
}

// ---------------------------------------------------------------------------------------------
// v2_core_account_person
// ---------------------------------------------------------------------------------------------

/// What `person.json` decodes to.
fn assert_person_fixture(person: &person::V2CoreAccountPerson) {
    use person::{
        V2CoreAccountPersonAdditionalAddressesPurpose, V2CoreAccountPersonAdditionalNamesPurpose,
        V2CoreAccountPersonDocumentsPrimaryVerificationType, V2CoreAccountPersonLegalGender,
    };

    assert_eq!(person.id.as_str(), PERSON_ID);
    assert_eq!(person.object, "v2.core.account_person");
    assert_eq!(person.account, ACCOUNT_ID);
    assert_eq!(person.created.as_str(), "2026-01-22T09:15:00.000Z");
    assert_eq!(
        person.legal_gender,
        Some(V2CoreAccountPersonLegalGender::Female)
    );
    let addresses = person.additional_addresses.as_deref().expect("addresses");
    assert_eq!(
        addresses[0].purpose,
        V2CoreAccountPersonAdditionalAddressesPurpose::Unknown("mailing".to_owned())
    );
    assert_eq!(addresses[0].line2, None);
    let names = person.additional_names.as_deref().expect("names");
    assert_eq!(
        names[0].purpose,
        V2CoreAccountPersonAdditionalNamesPurpose::Maiden
    );
    let tos = person
        .additional_terms_of_service
        .as_ref()
        .and_then(|t| t.account.as_ref())
        .expect("terms of service");
    assert_eq!(
        tos.date.as_ref().map(DateTime::as_str),
        Some("2026-01-22T09:15:00Z")
    );
    let verification = person
        .documents
        .as_ref()
        .and_then(|d| d.primary_verification.as_ref())
        .expect("primary verification");
    assert_eq!(
        verification.type_,
        V2CoreAccountPersonDocumentsPrimaryVerificationType::FrontBack
    );
    assert_eq!(verification.front_back.front, "file_1RxB9aQ3mNtZ8vPqFr1");
    let relationship = person.relationship.as_ref().expect("relationship");
    assert_eq!(
        relationship.percent_ownership.as_ref().map(Decimal::as_str),
        Some("25.5")
    );
    assert_eq!(relationship.director, Some(true));
    let kana = person
        .script_names
        .as_ref()
        .and_then(|s| s.kana.as_ref())
        .expect("kana");
    assert_eq!(kana.given_name.as_deref(), Some("ジェニー"));
    assert_eq!(
        person.extra.get("verification_status"),
        Some(json!("pending"))
    );
}

#[test]
fn account_person_create() {
    use person::*;

    let params = CreateV2CoreAccountPerson::new()
        .additional_addresses(vec![CreateV2CoreAccountPersonAdditionalAddresses::new(
            "US".to_owned(),
            V2CoreAccountPersonAdditionalAddressesPurpose::Registered,
        )
        .city("Oakland")
        .line1("1 Broadway")
        .postal_code("94607")
        .state("CA")])
        .additional_names(vec![CreateV2CoreAccountPersonAdditionalNames::new(
            V2CoreAccountPersonAdditionalNamesPurpose::Maiden,
        )
        .full_name("Jennifer Rosen-Smith")])
        .additional_terms_of_service(
            CreateV2CoreAccountPersonAdditionalTermsOfService::new().account(
                CreateV2CoreAccountPersonAdditionalTermsOfServiceAccount::new(
                    date_time("2026-01-22T09:15:00Z"),
                    "198.51.100.23".to_owned(),
                ),
            ),
        )
        .address(
            CreateV2CoreAccountPersonAddress::new("US".to_owned())
                .city("San Francisco")
                .line1("510 Townsend St")
                .line2("Suite 400")
                .postal_code("94103")
                .state("CA"),
        )
        .date_of_birth(CreateV2CoreAccountPersonDateOfBirth::new(3, 11, 1985))
        .documents(
            CreateV2CoreAccountPersonDocuments::new().primary_verification(
                CreateV2CoreAccountPersonDocumentsPrimaryVerification::new(
                    CreateV2CoreAccountPersonDocumentsPrimaryVerificationFrontBack::new(
                        "file_1RxB9aQ3mNtZ8vPqFr1".to_owned(),
                    )
                    .back("file_1RxB9aQ3mNtZ8vPqBk2"),
                    V2CoreAccountPersonDocumentsPrimaryVerificationType::FrontBack,
                ),
            ),
        )
        .email("jenny@jenny-rosen.example")
        .given_name("Jenny")
        .id_numbers(vec![CreateV2CoreAccountPersonIdNumbers::new(
            V2CoreAccountPersonIdNumbersType::UsSsn,
            "000000000".to_owned(),
        )])
        .legal_gender(V2CoreAccountPersonLegalGender::Female)
        .metadata(map(&[("role", "cfo")]))
        .nationalities(strings(&["US", "IE"]))
        .phone("+14155550199")
        .political_exposure(V2CoreAccountPersonPoliticalExposure::None)
        .relationship(
            CreateV2CoreAccountPersonRelationship::new()
                .director(true)
                .executive(true)
                .owner(true)
                .percent_ownership(decimal("25.5"))
                .title("CFO"),
        )
        .script_names(
            CreateV2CoreAccountPersonScriptNames::new().kana(
                CreateV2CoreAccountPersonScriptNamesKana::new()
                    .given_name("ジェニー")
                    .surname("ローゼン"),
            ),
        )
        .surname("Rosen");
    let (created, sent) = exchange(
        V2CoreAccountPerson::create(ACCOUNT_ID, &params),
        fixture!("person"),
    );
    assert_post(
        &sent,
        "/v2/core/accounts/acct_1RxB4cQ3mNtZ8vPq/persons",
        json!({
            "additional_addresses": [{
                "city": "Oakland",
                "country": "US",
                "line1": "1 Broadway",
                "postal_code": "94607",
                "purpose": "registered",
                "state": "CA",
            }],
            "additional_names": [{"full_name": "Jennifer Rosen-Smith", "purpose": "maiden"}],
            "additional_terms_of_service": {
                "account": {"date": "2026-01-22T09:15:00Z", "ip": "198.51.100.23"},
            },
            "address": {
                "city": "San Francisco",
                "country": "US",
                "line1": "510 Townsend St",
                "line2": "Suite 400",
                "postal_code": "94103",
                "state": "CA",
            },
            "date_of_birth": {"day": 3, "month": 11, "year": 1985},
            "documents": {
                "primary_verification": {
                    "front_back": {"back": "file_1RxB9aQ3mNtZ8vPqBk2", "front": "file_1RxB9aQ3mNtZ8vPqFr1"},
                    "type": "front_back",
                },
            },
            "email": "jenny@jenny-rosen.example",
            "given_name": "Jenny",
            "id_numbers": [{"type": "us_ssn", "value": "000000000"}],
            "legal_gender": "female",
            "metadata": {"role": "cfo"},
            "nationalities": ["US", "IE"],
            "phone": "+14155550199",
            "political_exposure": "none",
            "relationship": {
                "director": true,
                "executive": true,
                "owner": true,
                "percent_ownership": "25.5",
                "title": "CFO",
            },
            "script_names": {"kana": {"given_name": "ジェニー", "surname": "ローゼン"}},
            "surname": "Rosen",
        }),
    );
    assert_person_fixture(&created);
}

#[test]
fn account_person_retrieve() {
    use person::{RetrieveV2CoreAccountPerson, V2CoreAccountPerson, V2CoreAccountPersonId};

    let (person, sent) = exchange(
        V2CoreAccountPerson::retrieve(
            ACCOUNT_ID,
            &V2CoreAccountPersonId::new(PERSON_ID),
            &RetrieveV2CoreAccountPerson::new(),
        ),
        fixture!("person"),
    );
    assert_get(
        &sent,
        "/v2/core/accounts/acct_1RxB4cQ3mNtZ8vPq/persons/person_test_61RS0CgWt5xBDGN8f41Lq2WdKcJk",
    );
    assert_person_fixture(&person);
}

#[test]
fn account_person_update() {
    use person::*;

    let params = UpdateV2CoreAccountPerson::new()
        .address(UpdateV2CoreAccountPersonAddress::new().line2("Suite 410"))
        .documents(
            UpdateV2CoreAccountPersonDocuments::new().secondary_verification(
                UpdateV2CoreAccountPersonDocumentsSecondaryVerification::new(
                    UpdateV2CoreAccountPersonDocumentsSecondaryVerificationFrontBack::new()
                        .front("file_1RxBAbQ3mNtZ8vPqUt1"),
                    V2CoreAccountPersonDocumentsPrimaryVerificationType::FrontBack,
                ),
            ),
        )
        .metadata(metadata_update(&[
            ("department", Some("finance")),
            ("role", None),
        ]))
        .relationship(
            UpdateV2CoreAccountPersonRelationship::new()
                .percent_ownership(decimal("30"))
                .title("CFO & Treasurer"),
        );
    let (updated, sent) = exchange(
        V2CoreAccountPerson::update(ACCOUNT_ID, &V2CoreAccountPersonId::new(PERSON_ID), &params),
        fixture!("person"),
    );
    assert_post(
        &sent,
        "/v2/core/accounts/acct_1RxB4cQ3mNtZ8vPq/persons/person_test_61RS0CgWt5xBDGN8f41Lq2WdKcJk",
        json!({
            "address": {"line2": "Suite 410"},
            "documents": {
                "secondary_verification": {
                    "front_back": {"front": "file_1RxBAbQ3mNtZ8vPqUt1"},
                    "type": "front_back",
                },
            },
            "metadata": {"department": "finance", "role": null},
            "relationship": {"percent_ownership": "30", "title": "CFO & Treasurer"},
        }),
    );
    assert_person_fixture(&updated);
}

#[test]
fn account_person_list() {
    use person::{ListV2CoreAccountPerson, V2CoreAccountPerson};

    let params = ListV2CoreAccountPerson::new()
        .limit(10)
        .page("page_2Lq9Wd4Kc");
    let (page, sent) = exchange(
        V2CoreAccountPerson::list(ACCOUNT_ID, &params),
        &list_reply(&[fixture!("person")], None),
    );
    assert_get(
        &sent,
        "/v2/core/accounts/acct_1RxB4cQ3mNtZ8vPq/persons?limit=10&page=page_2Lq9Wd4Kc",
    );
    assert_eq!(page.data.len(), 1);
    assert_person_fixture(&page.data[0]);
    assert_eq!((page.next_page_url, page.previous_page_url), (None, None));
}

#[test]
fn account_person_delete() {
    use person::{DeleteV2CoreAccountPerson, V2CoreAccountPerson, V2CoreAccountPersonId};

    let reply = r#"{"id": "person_test_61RS0CgWt5xBDGN8f41Lq2WdKcJk",
        "object": "v2.core.account_person", "deleted": true}"#;
    let (deleted, sent) = exchange(
        V2CoreAccountPerson::delete(
            ACCOUNT_ID,
            &V2CoreAccountPersonId::new(PERSON_ID),
            &DeleteV2CoreAccountPerson::new(),
        ),
        reply,
    );
    assert_delete(
        &sent,
        "/v2/core/accounts/acct_1RxB4cQ3mNtZ8vPq/persons/person_test_61RS0CgWt5xBDGN8f41Lq2WdKcJk",
    );
    assert_eq!(deleted.id, PERSON_ID);
    assert_eq!(deleted.object.as_deref(), Some("v2.core.account_person"));
    assert_eq!(deleted.extra.get("deleted"), Some(json!(true)));
}

// ---------------------------------------------------------------------------------------------
// v2_core_account_person_token, v2_core_account_token
// ---------------------------------------------------------------------------------------------

#[test]
fn account_person_token_create() {
    use person_token::*;

    let params = CreateV2CoreAccountPersonToken::new()
        .additional_terms_of_service(
            CreateV2CoreAccountPersonTokenAdditionalTermsOfService::new().account(
                CreateV2CoreAccountPersonTokenAdditionalTermsOfServiceAccount::new()
                    .shown_and_accepted(true),
            ),
        )
        .address(
            CreateV2CoreAccountPersonTokenAddress::new()
                .country("US")
                .postal_code("94103"),
        )
        .given_name("Jenny")
        .id_numbers(vec![CreateV2CoreAccountPersonTokenIdNumbers::new(
            CreateV2CoreAccountPersonTokenIdNumbersType::UsSsnLast4,
            "6789".to_owned(),
        )])
        .metadata(metadata_update(&[
            ("draft", None),
            ("source", Some("onboarding_form")),
        ]))
        .political_exposure(CreateV2CoreAccountPersonTokenPoliticalExposure::Existing)
        .relationship(
            CreateV2CoreAccountPersonTokenRelationship::new()
                .percent_ownership(decimal("0.5"))
                .representative(true),
        )
        .surname("Rosen");
    let request = V2CoreAccountPersonToken::create(ACCOUNT_ID, &params).api_key(PUBLISHABLE_KEY);
    let (token, sent) = exchange(request, fixture!("person_token"));
    assert_v2_request(
        &sent,
        "POST",
        "/v2/core/accounts/acct_1RxB4cQ3mNtZ8vPq/person_tokens",
        PUBLISHABLE_KEY,
        Some(&json!({
            "additional_terms_of_service": {"account": {"shown_and_accepted": true}},
            "address": {"country": "US", "postal_code": "94103"},
            "given_name": "Jenny",
            "id_numbers": [{"type": "us_ssn_last_4", "value": "6789"}],
            "metadata": {"draft": null, "source": "onboarding_form"},
            "political_exposure": "existing",
            "relationship": {"percent_ownership": "0.5", "representative": true},
            "surname": "Rosen",
        })),
    );
    assert_eq!(
        token.id.as_str(),
        "perstok_test_61RxB8qY4mM3nP0sT41Lq2WdKcXz"
    );
    assert_eq!(token.object, "v2.core.account_person_token");
    assert!(token.used);
    assert_eq!(token.expires_at.as_str(), "2026-01-22T09:20:03.511Z");
    assert_eq!(token.extra.get("account"), Some(json!(ACCOUNT_ID)));
}

#[test]
fn account_person_token_retrieve() {
    use person_token::{
        RetrieveV2CoreAccountPersonToken, V2CoreAccountPersonToken, V2CoreAccountPersonTokenId,
    };

    let id = V2CoreAccountPersonTokenId::new("perstok_test_61RxB8qY4mM3nP0sT41Lq2WdKcXz");
    let (token, sent) = exchange(
        V2CoreAccountPersonToken::retrieve(
            ACCOUNT_ID,
            &id,
            &RetrieveV2CoreAccountPersonToken::new(),
        ),
        fixture!("person_token"),
    );
    assert_get(
        &sent,
        "/v2/core/accounts/acct_1RxB4cQ3mNtZ8vPq/person_tokens/perstok_test_61RxB8qY4mM3nP0sT41Lq2WdKcXz",
    );
    assert_eq!(token.id, id);
    assert_eq!(token.created.as_str(), "2026-01-22T09:10:03.511Z");
}

#[test]
fn account_token_create() {
    use account_token::*;

    let business = CreateV2CoreAccountTokenIdentityBusinessDetails::new()
        .annual_revenue(
            CreateV2CoreAccountTokenIdentityBusinessDetailsAnnualRevenue::new()
                .amount(
                    CreateV2CoreAccountTokenIdentityBusinessDetailsAnnualRevenueAmount::new()
                        .currency("usd")
                        .value(12_500_000),
                )
                .fiscal_year_end("12-31"),
        )
        .estimated_worker_count(4)
        .id_numbers(vec![
            CreateV2CoreAccountTokenIdentityBusinessDetailsIdNumbers::new(
                CreateV2CoreAccountTokenIdentityBusinessDetailsIdNumbersType::UsEin,
                "12-3456789".to_owned(),
            ),
        ])
        .registered_name("Jenny Rosen Ceramics LLC")
        .structure(CreateV2CoreAccountTokenIdentityBusinessDetailsStructure::SingleMemberLlc);
    let attestations = CreateV2CoreAccountTokenIdentityAttestations::new()
        .persons_provided(
            CreateV2CoreAccountTokenIdentityAttestationsPersonsProvided::new()
                .owners(true)
                .ownership_exemption_reason(
                    CreateV2CoreAccountTokenIdentityAttestationsPersonsProvidedOwnershipExemptionReason::QualifiesAsFinancialInstitution,
                ),
        )
        .terms_of_service(CreateV2CoreAccountTokenIdentityAttestationsTermsOfService::new().account(
            CreateV2CoreAccountTokenIdentityAttestationsTermsOfServiceAccount::new()
                .shown_and_accepted(true),
        ));
    let params = CreateV2CoreAccountToken::new()
        .contact_email("jenny.rosen@example.com")
        .display_name("Jenny Rosen Ceramics")
        .identity(
            CreateV2CoreAccountTokenIdentity::new()
                .attestations(attestations)
                .business_details(business)
                .entity_type(CreateV2CoreAccountTokenIdentityEntityType::Company),
        );
    let request = V2CoreAccountToken::create(&params).api_key(PUBLISHABLE_KEY);
    let (token, sent) = exchange(request, fixture!("account_token"));
    assert_v2_request(
        &sent,
        "POST",
        "/v2/core/account_tokens",
        PUBLISHABLE_KEY,
        Some(&json!({
            "contact_email": "jenny.rosen@example.com",
            "display_name": "Jenny Rosen Ceramics",
            "identity": {
                "attestations": {
                    "persons_provided": {
                        "owners": true,
                        "ownership_exemption_reason": "qualifies_as_financial_institution",
                    },
                    "terms_of_service": {"account": {"shown_and_accepted": true}},
                },
                "business_details": {
                    "annual_revenue": {
                        "amount": {"currency": "usd", "value": 12_500_000},
                        "fiscal_year_end": "12-31",
                    },
                    "estimated_worker_count": 4,
                    "id_numbers": [{"type": "us_ein", "value": "12-3456789"}],
                    "registered_name": "Jenny Rosen Ceramics LLC",
                    "structure": "single_member_llc",
                },
                "entity_type": "company",
            },
        })),
    );
    assert_eq!(
        token.id.as_str(),
        "accttok_test_61RxB7pX3kL2mN9qR41Lq2WdKcVb"
    );
    assert_eq!(token.object, "v2.core.account_token");
    assert!(!token.used);
    assert_eq!(token.created.as_str(), "2026-01-20T15:58:41.907Z");
    assert_eq!(
        token.extra.get("created_with"),
        Some(json!("publishable_key"))
    );
}

#[test]
fn account_token_retrieve() {
    use account_token::{RetrieveV2CoreAccountToken, V2CoreAccountToken, V2CoreAccountTokenId};

    let id = V2CoreAccountTokenId::new("accttok_test_61RxB7pX3kL2mN9qR41Lq2WdKcVb");
    let (token, sent) = exchange(
        V2CoreAccountToken::retrieve(&id, &RetrieveV2CoreAccountToken::new()),
        fixture!("account_token"),
    );
    assert_get(
        &sent,
        "/v2/core/account_tokens/accttok_test_61RxB7pX3kL2mN9qR41Lq2WdKcVb",
    );
    assert_eq!(token.id, id);
    assert_eq!(token.expires_at.as_str(), "2026-01-20T16:08:41.907Z");
}

// ---------------------------------------------------------------------------------------------
// v2_core_event
// ---------------------------------------------------------------------------------------------

/// What `event.json` decodes to.
fn assert_event_fixture(event: &event::V2CoreEvent) {
    use event::V2CoreEventReasonType;

    assert_eq!(event.id.as_str(), EVENT_ID);
    assert_eq!(event.object, "v2.core.event");
    assert_eq!(event.type_, "v1.billing.meter.error_report_triggered");
    assert_eq!(event.created.as_str(), "2026-01-24T07:45:12.345Z");
    assert_eq!(event.context.as_deref(), Some(ACCOUNT_ID));
    assert_eq!(event.changes, None);
    let data = event.data.as_ref().expect("data");
    assert_eq!(
        data["reason"]["error_types"][0]["code"],
        "meter_event_no_customer_defined"
    );
    let reason = event.reason.as_ref().expect("reason");
    assert_eq!(reason.type_, V2CoreEventReasonType::Request);
    let request = reason.request.as_ref().expect("request");
    assert_eq!(request.id, "req_v2Qm3Lx8Rt5Yn1Kc");
    assert_eq!(
        request.idempotency_key,
        "9b2f6a1e-4c3d-4e8f-a7b6-5d4c3b2a1f0e"
    );
    let related = event.related_object.as_ref().expect("related object");
    assert_eq!(related.type_, "billing.meter");
    assert_eq!(
        related.url,
        "/v1/billing/meters/mtr_test_61RxD1jL7oP0uS6x341Lq2WdKcMm"
    );
    assert_eq!(event.extra.get("delivery_mode"), Some(json!("thin")));
}

#[test]
fn event_retrieve() {
    use event::{RetrieveV2CoreEvent, V2CoreEvent, V2CoreEventId};

    let (event, sent) = exchange(
        V2CoreEvent::retrieve(&V2CoreEventId::new(EVENT_ID), &RetrieveV2CoreEvent::new()),
        fixture!("event"),
    );
    assert_get(
        &sent,
        "/v2/core/events/evt_test_65RxD2kM8pQ1vT7y441Lq2WdKcEe",
    );
    assert_event_fixture(&event);
}

fn list_events_params() -> event::ListV2CoreEvent {
    use event::{ListV2CoreEvent, ListV2CoreEventCreated};

    ListV2CoreEvent::new()
        .created(
            ListV2CoreEventCreated::new()
                .gt(date_time("2026-01-24T08:00:00+01:00"))
                .lte(date_time("2026-01-24T12:00:00Z")),
        )
        .limit(2)
        .object_id("mtr_test_61RxD1jL7oP0uS6x341Lq2WdKcMm")
        .types(strings(&[
            "v1.billing.meter.error_report_triggered",
            "v1.billing.meter.no_meter_found",
        ]))
}

/// The query of `list_events_params()`: `created` bracketed, its times percent-encoded
/// (`+` too, which would otherwise read as a space), `types` indexed.
const LIST_EVENTS_TARGET: &str = "/v2/core/events?created[gt]=2026-01-24T08%3A00%3A00%2B01%3A00\
    &created[lte]=2026-01-24T12%3A00%3A00Z&limit=2&object_id=mtr_test_61RxD1jL7oP0uS6x341Lq2WdKcMm\
    &types[0]=v1.billing.meter.error_report_triggered&types[1]=v1.billing.meter.no_meter_found";

#[test]
fn event_list() {
    use event::{V2CoreEvent, V2CoreEventReasonType};

    let scheduled = replaced(
        &replaced(
            fixture!("event"),
            EVENT_ID,
            "evt_test_65RxD3lN9qR2wU8z541Lq2WdKcFf",
        ),
        r#""type": "request","#,
        r#""type": "scheduled","#,
    );
    let reply = list_reply(&[fixture!("event"), &scheduled], None);
    let (page, sent) = exchange(V2CoreEvent::list(&list_events_params()), &reply);
    assert_get(&sent, LIST_EVENTS_TARGET);
    assert_eq!(page.data.len(), 2);
    assert_event_fixture(&page.data[0]);
    assert_eq!(
        page.data[1].id.as_str(),
        "evt_test_65RxD3lN9qR2wU8z541Lq2WdKcFf"
    );
    assert_eq!(
        page.data[1].reason.as_ref().map(|r| r.type_.clone()),
        Some(V2CoreEventReasonType::Unknown("scheduled".to_owned()))
    );
    assert_eq!(page.next_page_url, None);
}

// ---------------------------------------------------------------------------------------------
// v2_core_event_destination
// ---------------------------------------------------------------------------------------------

/// What `event_destination.json` decodes to (a webhook endpoint), up to its status.
fn assert_webhook_destination(destination: &destination::V2CoreEventDestination) {
    use destination::{
        V2CoreEventDestinationEventPayload, V2CoreEventDestinationEventsFrom,
        V2CoreEventDestinationType,
    };

    assert_eq!(destination.id.as_str(), DESTINATION_ID);
    assert_eq!(destination.object, "v2.core.event_destination");
    assert_eq!(
        destination.type_,
        V2CoreEventDestinationType::WebhookEndpoint
    );
    assert_eq!(
        destination.event_payload,
        V2CoreEventDestinationEventPayload::Thin
    );
    assert_eq!(
        destination.events_from,
        Some(vec![
            V2CoreEventDestinationEventsFrom::Self_,
            V2CoreEventDestinationEventsFrom::Unknown("organization".to_owned()),
        ])
    );
    assert_eq!(
        destination.enabled_events,
        strings(&[
            "v1.billing.meter.error_report_triggered",
            "v1.billing.meter.no_meter_found"
        ])
    );
    assert_eq!(destination.amazon_eventbridge, None);
    assert_eq!(destination.snapshot_api_version, None);
    assert_eq!(destination.created.as_str(), "2026-01-23T12:00:00.000Z");
    let endpoint = destination
        .webhook_endpoint
        .as_ref()
        .expect("webhook endpoint");
    assert_eq!(
        endpoint.url.as_deref(),
        Some("https://hooks.jenny-rosen.example/stripe")
    );
    let secret = endpoint.signing_secret.as_ref().expect("signing secret");
    assert_eq!(secret.expose(), "whsec_test_Zp9Qm2Lx7Rv4Tn8Kc1Wd5Hy3");
    assert!(!format!("{destination:?}").contains("whsec_test_Zp9Qm2"));
    assert_eq!(destination.metadata, Some(map(&[("team", "finance")])));
    assert_eq!(
        destination.extra.get("deliveries_last_24h"),
        Some(json!(17))
    );
}

#[test]
fn event_destination_create() {
    use destination::*;

    let params = CreateV2CoreEventDestination::new(
        strings(&[
            "v1.billing.meter.error_report_triggered",
            "v1.billing.meter.no_meter_found",
        ]),
        V2CoreEventDestinationEventPayload::Thin,
        "finance-meter-alerts".to_owned(),
        V2CoreEventDestinationType::WebhookEndpoint,
    )
    .description("Meter errors for the finance team")
    .events_from(vec![
        V2CoreEventDestinationEventsFrom::Self_,
        V2CoreEventDestinationEventsFrom::OtherAccounts,
    ])
    .include(vec![
        CreateV2CoreEventDestinationInclude::WebhookEndpointSigningSecret,
        CreateV2CoreEventDestinationInclude::WebhookEndpointUrl,
    ])
    .metadata(map(&[("team", "finance")]))
    .webhook_endpoint(CreateV2CoreEventDestinationWebhookEndpoint::new(
        "https://hooks.jenny-rosen.example/stripe".to_owned(),
    ));
    let (created, sent) = exchange(
        V2CoreEventDestination::create(&params),
        fixture!("event_destination"),
    );
    assert_post(
        &sent,
        "/v2/core/event_destinations",
        json!({
            "description": "Meter errors for the finance team",
            "enabled_events": [
                "v1.billing.meter.error_report_triggered",
                "v1.billing.meter.no_meter_found",
            ],
            "event_payload": "thin",
            "events_from": ["self", "other_accounts"],
            "include": ["webhook_endpoint.signing_secret", "webhook_endpoint.url"],
            "metadata": {"team": "finance"},
            "name": "finance-meter-alerts",
            "type": "webhook_endpoint",
            "webhook_endpoint": {"url": "https://hooks.jenny-rosen.example/stripe"},
        }),
    );
    assert_webhook_destination(&created);
    assert_eq!(created.status, V2CoreEventDestinationStatus::Enabled);
    assert_eq!(created.status_details, None);

    // An Amazon EventBridge destination; its source status `unknown` is a value of the spec's
    // own (kept apart from values this version does not know).
    let params = CreateV2CoreEventDestination::new(
        strings(&["v1.billing.meter.no_meter_found"]),
        V2CoreEventDestinationEventPayload::Snapshot,
        "eventbridge-eu".to_owned(),
        V2CoreEventDestinationType::AmazonEventbridge,
    )
    .amazon_eventbridge(CreateV2CoreEventDestinationAmazonEventbridge::new(
        "123456789012".to_owned(),
        "eu-west-1".to_owned(),
    ))
    .snapshot_api_version("2026-01-28.clover");
    let (created, sent) = exchange(
        V2CoreEventDestination::create(&params),
        fixture!("event_destination_eventbridge"),
    );
    assert_post(
        &sent,
        "/v2/core/event_destinations",
        json!({
            "amazon_eventbridge": {"aws_account_id": "123456789012", "aws_region": "eu-west-1"},
            "enabled_events": ["v1.billing.meter.no_meter_found"],
            "event_payload": "snapshot",
            "name": "eventbridge-eu",
            "snapshot_api_version": "2026-01-28.clover",
            "type": "amazon_eventbridge",
        }),
    );
    let bridge = created.amazon_eventbridge.as_ref().expect("eventbridge");
    assert_eq!(
        bridge.aws_event_source_status,
        V2CoreEventDestinationAmazonEventbridgeAwsEventSourceStatus::Unknown
    );
    assert_eq!(created.status, V2CoreEventDestinationStatus::Disabled);
    assert_eq!(
        created
            .status_details
            .as_ref()
            .and_then(|d| d.disabled.as_ref())
            .map(|d| d.reason.clone()),
        Some(V2CoreEventDestinationStatusDetailsDisabledReason::NoAwsEventSourceExists)
    );
    assert_eq!(created.webhook_endpoint, None);
    assert_eq!(created.description, "");
}

#[test]
fn event_destination_retrieve() {
    use destination::{
        RetrieveV2CoreEventDestination, RetrieveV2CoreEventDestinationInclude,
        V2CoreEventDestination,
        V2CoreEventDestinationAmazonEventbridgeAwsEventSourceStatus as SourceStatus,
        V2CoreEventDestinationId,
    };

    let id = V2CoreEventDestinationId::new("ed_test_61RxCAoQ3cW5xR1e941Lq2WdKcBb");
    let params = RetrieveV2CoreEventDestination::new().include(vec![
        RetrieveV2CoreEventDestinationInclude::WebhookEndpointUrl,
    ]);
    // A source status this version does not know, unlike the spec's own `unknown`.
    let reply = replaced(
        fixture!("event_destination_eventbridge"),
        r#""aws_event_source_status": "unknown""#,
        r#""aws_event_source_status": "suspended""#,
    );
    let (destination, sent) = exchange(V2CoreEventDestination::retrieve(&id, &params), &reply);
    assert_get(
        &sent,
        "/v2/core/event_destinations/ed_test_61RxCAoQ3cW5xR1e941Lq2WdKcBb?include[0]=webhook_endpoint.url",
    );
    assert_eq!(destination.id, id);
    assert_eq!(
        destination
            .amazon_eventbridge
            .map(|b| b.aws_event_source_status),
        Some(SourceStatus::UnknownValue("suspended".to_owned()))
    );
    assert_eq!(destination.updated.as_str(), "2026-01-23T13:45:10.000Z");
}

#[test]
fn event_destination_update() {
    use destination::*;

    let params = UpdateV2CoreEventDestination::new()
        .description("Meter errors for billing operations")
        .enabled_events(strings(&["v1.billing.meter.error_report_triggered"]))
        .include(vec![
            UpdateV2CoreEventDestinationInclude::WebhookEndpointUrl,
        ])
        .metadata(metadata_update(&[
            ("owner", Some("billing-ops")),
            ("team", None),
        ]))
        .name("billing-meter-alerts")
        .webhook_endpoint(UpdateV2CoreEventDestinationWebhookEndpoint::new(
            "https://hooks.jenny-rosen.example/stripe/v2".to_owned(),
        ));
    let (updated, sent) = exchange(
        V2CoreEventDestination::update(&V2CoreEventDestinationId::new(DESTINATION_ID), &params),
        fixture!("event_destination"),
    );
    assert_post(
        &sent,
        "/v2/core/event_destinations/ed_test_61RxC9nP2bV4wQ0d841Lq2WdKcAa",
        json!({
            "description": "Meter errors for billing operations",
            "enabled_events": ["v1.billing.meter.error_report_triggered"],
            "include": ["webhook_endpoint.url"],
            "metadata": {"owner": "billing-ops", "team": null},
            "name": "billing-meter-alerts",
            "webhook_endpoint": {"url": "https://hooks.jenny-rosen.example/stripe/v2"},
        }),
    );
    assert_webhook_destination(&updated);
}

#[test]
fn event_destination_list() {
    use destination::{
        ListV2CoreEventDestination, ListV2CoreEventDestinationInclude, V2CoreEventDestination,
        V2CoreEventDestinationType,
    };

    let params = ListV2CoreEventDestination::new()
        .include(vec![ListV2CoreEventDestinationInclude::WebhookEndpointUrl])
        .limit(2)
        .page("page_7Hs2Lq9Wd");
    let reply = list_reply(
        &[
            fixture!("event_destination"),
            fixture!("event_destination_eventbridge"),
        ],
        Some("/v2/core/event_destinations?limit=2&page=page_8Jt3Mr0Xe"),
    );
    let (page, sent) = exchange(V2CoreEventDestination::list(&params), &reply);
    assert_get(
        &sent,
        "/v2/core/event_destinations?include[0]=webhook_endpoint.url&limit=2&page=page_7Hs2Lq9Wd",
    );
    assert_eq!(page.data.len(), 2);
    assert_webhook_destination(&page.data[0]);
    assert_eq!(
        page.data[1].type_,
        V2CoreEventDestinationType::AmazonEventbridge
    );
    assert_eq!(
        page.next_page_url.as_deref(),
        Some("/v2/core/event_destinations?limit=2&page=page_8Jt3Mr0Xe")
    );
}

#[test]
fn event_destination_delete() {
    use destination::{
        DeleteV2CoreEventDestination, V2CoreEventDestination, V2CoreEventDestinationId,
    };

    let (deleted, sent) = exchange(
        V2CoreEventDestination::delete(
            &V2CoreEventDestinationId::new(DESTINATION_ID),
            &DeleteV2CoreEventDestination::new(),
        ),
        r#"{"id": "ed_test_61RxC9nP2bV4wQ0d841Lq2WdKcAa", "object": "v2.core.event_destination"}"#,
    );
    assert_delete(
        &sent,
        "/v2/core/event_destinations/ed_test_61RxC9nP2bV4wQ0d841Lq2WdKcAa",
    );
    assert_eq!(deleted.id, DESTINATION_ID);
    assert_eq!(deleted.object.as_deref(), Some("v2.core.event_destination"));
    assert_eq!(deleted.extra.len(), 0);
}

#[test]
fn event_destination_disable_and_enable() {
    use destination::{
        DisableV2CoreEventDestination, EnableV2CoreEventDestination, V2CoreEventDestination,
        V2CoreEventDestinationId, V2CoreEventDestinationStatus,
        V2CoreEventDestinationStatusDetailsDisabledReason as Reason,
    };

    let id = V2CoreEventDestinationId::new(DESTINATION_ID);
    let disabled_reply = replaced(
        &replaced(
            fixture!("event_destination"),
            r#""status": "enabled""#,
            r#""status": "disabled""#,
        ),
        r#""status_details": null"#,
        r#""status_details": {"disabled": {"reason": "endpoint_unreachable"}}"#,
    );
    let (disabled, sent) = exchange(
        V2CoreEventDestination::disable(&id, &DisableV2CoreEventDestination::new()),
        &disabled_reply,
    );
    assert_post(
        &sent,
        "/v2/core/event_destinations/ed_test_61RxC9nP2bV4wQ0d841Lq2WdKcAa/disable",
        json!({}),
    );
    assert_webhook_destination(&disabled);
    assert_eq!(disabled.status, V2CoreEventDestinationStatus::Disabled);
    assert_eq!(
        disabled
            .status_details
            .and_then(|d| d.disabled)
            .map(|d| d.reason),
        Some(Reason::Unknown("endpoint_unreachable".to_owned()))
    );

    let (enabled, sent) = exchange(
        V2CoreEventDestination::enable(&id, &EnableV2CoreEventDestination::new()),
        fixture!("event_destination"),
    );
    assert_post(
        &sent,
        "/v2/core/event_destinations/ed_test_61RxC9nP2bV4wQ0d841Lq2WdKcAa/enable",
        json!({}),
    );
    assert_webhook_destination(&enabled);
    assert_eq!(enabled.status, V2CoreEventDestinationStatus::Enabled);
}

/// A ping answers with the event it sent, not the destination.
#[test]
fn event_destination_ping() {
    use destination::{
        PingV2CoreEventDestination, V2CoreEventDestination, V2CoreEventDestinationId,
    };
    use event::V2CoreEventReasonType;

    let (ping, sent) = exchange(
        V2CoreEventDestination::ping(
            &V2CoreEventDestinationId::new(DESTINATION_ID),
            &PingV2CoreEventDestination::new(),
        ),
        fixture!("event_ping"),
    );
    assert_post(
        &sent,
        "/v2/core/event_destinations/ed_test_61RxC9nP2bV4wQ0d841Lq2WdKcAa/ping",
        json!({}),
    );
    assert_eq!(ping.type_, "v2.core.event_destination.ping");
    assert_eq!(ping.created.as_str(), "2026-01-24T08:00:00.001Z");
    assert_eq!((ping.context.as_deref(), ping.data.as_ref()), (None, None));
    let reason = ping.reason.as_ref().expect("reason");
    assert_eq!(
        reason.type_,
        V2CoreEventReasonType::Unknown("dashboard".to_owned())
    );
    assert_eq!(reason.request, None);
    let related = ping.related_object.as_ref().expect("related object");
    assert_eq!(related.id, DESTINATION_ID);
    assert_eq!(related.type_, "v2.core.event_destination");
}

// ---------------------------------------------------------------------------------------------
// Across operations
// ---------------------------------------------------------------------------------------------

/// Every operation with path parameters, given an id that needs percent-encoding: each
/// parameter stays one segment, encoded on the wire as the path shows it.
#[test]
fn path_parameters_are_percent_encoded_in_every_operation() {
    let odd = "x 1?y#z%~ü";
    let enc = "x%201%3Fy%23z%25~%C3%BC";
    let account_id = account::V2CoreAccountId::new(odd);
    let person_id = person::V2CoreAccountPersonId::new(odd);
    let person_token_id = person_token::V2CoreAccountPersonTokenId::new(odd);
    let account_token_id = account_token::V2CoreAccountTokenId::new(odd);
    let event_id = event::V2CoreEventId::new(odd);
    let destination_id = destination::V2CoreEventDestinationId::new(odd);
    let requests: Vec<(Request<rt::Json>, String)> = vec![
        (
            account::V2CoreAccount::retrieve(&account_id, &account::RetrieveV2CoreAccount::new())
                .with_response(),
            format!("GET /v2/core/accounts/{enc}"),
        ),
        (
            account::V2CoreAccount::update(&account_id, &account::UpdateV2CoreAccount::new())
                .with_response(),
            format!("POST /v2/core/accounts/{enc}"),
        ),
        (
            account::V2CoreAccount::close(&account_id, &account::CloseV2CoreAccount::new())
                .with_response(),
            format!("POST /v2/core/accounts/{enc}/close"),
        ),
        (
            person::V2CoreAccountPerson::create(odd, &person::CreateV2CoreAccountPerson::new())
                .with_response(),
            format!("POST /v2/core/accounts/{enc}/persons"),
        ),
        (
            person::V2CoreAccountPerson::retrieve(
                odd,
                &person_id,
                &person::RetrieveV2CoreAccountPerson::new(),
            )
            .with_response(),
            format!("GET /v2/core/accounts/{enc}/persons/{enc}"),
        ),
        (
            person::V2CoreAccountPerson::update(
                odd,
                &person_id,
                &person::UpdateV2CoreAccountPerson::new(),
            )
            .with_response(),
            format!("POST /v2/core/accounts/{enc}/persons/{enc}"),
        ),
        (
            person::V2CoreAccountPerson::list(odd, &person::ListV2CoreAccountPerson::new())
                .with_response(),
            format!("GET /v2/core/accounts/{enc}/persons"),
        ),
        (
            person::V2CoreAccountPerson::delete(
                odd,
                &person_id,
                &person::DeleteV2CoreAccountPerson::new(),
            )
            .with_response(),
            format!("DELETE /v2/core/accounts/{enc}/persons/{enc}"),
        ),
        (
            person_token::V2CoreAccountPersonToken::create(
                odd,
                &person_token::CreateV2CoreAccountPersonToken::new(),
            )
            .with_response(),
            format!("POST /v2/core/accounts/{enc}/person_tokens"),
        ),
        (
            person_token::V2CoreAccountPersonToken::retrieve(
                odd,
                &person_token_id,
                &person_token::RetrieveV2CoreAccountPersonToken::new(),
            )
            .with_response(),
            format!("GET /v2/core/accounts/{enc}/person_tokens/{enc}"),
        ),
        (
            account_token::V2CoreAccountToken::retrieve(
                &account_token_id,
                &account_token::RetrieveV2CoreAccountToken::new(),
            )
            .with_response(),
            format!("GET /v2/core/account_tokens/{enc}"),
        ),
        (
            event::V2CoreEvent::retrieve(&event_id, &event::RetrieveV2CoreEvent::new())
                .with_response(),
            format!("GET /v2/core/events/{enc}"),
        ),
        (
            destination::V2CoreEventDestination::retrieve(
                &destination_id,
                &destination::RetrieveV2CoreEventDestination::new(),
            )
            .with_response(),
            format!("GET /v2/core/event_destinations/{enc}"),
        ),
        (
            destination::V2CoreEventDestination::update(
                &destination_id,
                &destination::UpdateV2CoreEventDestination::new(),
            )
            .with_response(),
            format!("POST /v2/core/event_destinations/{enc}"),
        ),
        (
            destination::V2CoreEventDestination::delete(
                &destination_id,
                &destination::DeleteV2CoreEventDestination::new(),
            )
            .with_response(),
            format!("DELETE /v2/core/event_destinations/{enc}"),
        ),
        (
            destination::V2CoreEventDestination::disable(
                &destination_id,
                &destination::DisableV2CoreEventDestination::new(),
            )
            .with_response(),
            format!("POST /v2/core/event_destinations/{enc}/disable"),
        ),
        (
            destination::V2CoreEventDestination::enable(
                &destination_id,
                &destination::EnableV2CoreEventDestination::new(),
            )
            .with_response(),
            format!("POST /v2/core/event_destinations/{enc}/enable"),
        ),
        (
            destination::V2CoreEventDestination::ping(
                &destination_id,
                &destination::PingV2CoreEventDestination::new(),
            )
            .with_response(),
            format!("POST /v2/core/event_destinations/{enc}/ping"),
        ),
    ];
    let server = Server::start(vec![Reply::json(200, "{}"); requests.len()]);
    let client = server.client(KEY);
    let mut expected = Vec::new();
    for (request, line) in requests {
        block_on(client.send(request)).unwrap_or_else(|e| panic!("{line}: {e}"));
        expected.push(line);
    }
    let received: Vec<String> = server
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.target))
        .collect();
    assert_eq!(received, expected);
}

/// A v2 list paged as a `Stream` of typed objects: the first request with the parameters, the
/// next one exactly the `next_page_url` Stripe gave, and no more after a `null` one.
#[test]
fn a_v2_list_pages_through_next_page_url() {
    use futures_util::TryStreamExt;

    let next = "/v2/core/events?limit=2&page=page_5Ng2Lq9WdKc";
    let last_event = replaced(
        fixture!("event"),
        EVENT_ID,
        "evt_test_65RxD4mO0rS3xV9a641Lq2WdKcGg",
    );
    let server = Server::start(vec![
        Reply::json(
            200,
            &list_reply(&[fixture!("event"), fixture!("event_ping")], Some(next)),
        ),
        Reply::json(200, &list_reply(&[&last_event], None)),
    ]);
    let client = server.client(KEY);
    let first = event::V2CoreEvent::list(&list_events_params()).stripe_context(ACCOUNT_ID);
    let events: Vec<event::V2CoreEvent> =
        block_on(client.paginate(first).try_collect()).unwrap_or_else(|e| panic!("{e}"));
    let ids: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            EVENT_ID,
            "evt_test_65RxD5nP1sT4yW0b741Lq2WdKcPp",
            "evt_test_65RxD4mO0rS3xV9a641Lq2WdKcGg",
        ]
    );
    assert_event_fixture(&events[0]);
    let sent = server.requests();
    assert_eq!(sent.len(), 2, "{sent:#?}");
    assert_get(&sent[0], LIST_EVENTS_TARGET);
    assert_get(&sent[1], next);
    // The first request's options carry over to the next page.
    for request in &sent {
        assert_eq!(request.header("stripe-context"), Some(ACCOUNT_ID));
    }
}

/// A v2 error answer on a generated operation: its error object, the status, the request id,
/// and the idempotency key the failed request was sent with, so it can be retried safely.
#[test]
fn a_v2_error_with_a_known_code() {
    use person::{
        CreateV2CoreAccountPerson, CreateV2CoreAccountPersonRelationship, V2CoreAccountPerson,
    };

    let body = r#"{"error": {"type": "invalid_request_error", "code": "person_percent_ownership_invalid",
        "message": "percent_ownership must be between 0 and 100.",
        "user_message": "Enter an ownership percentage between 0 and 100.",
        "doc_url": "https://docs.stripe.com/error-codes/person-percent-ownership-invalid",
        "extra_field": 1}}"#;
    let server = Server::start(vec![
        Reply::json(400, body).header("Request-Id", "req_v2Kx7Lm2Nq9Rt4Ws")
    ]);
    let params = CreateV2CoreAccountPerson::new().relationship(
        CreateV2CoreAccountPersonRelationship::new().percent_ownership(decimal("120.00")),
    );
    let err = block_on(
        server
            .client(KEY)
            .send(V2CoreAccountPerson::create(ACCOUNT_ID, &params)),
    )
    .expect_err("400");
    assert!(matches!(err.kind(), ErrorKind::ApiV2(_)), "{err:?}");
    let api = err.v2_api_error().expect("a v2 error object");
    assert_eq!(api.code, v2::ErrorCode::PersonPercentOwnershipInvalid);
    assert_eq!(api.type_.as_deref(), Some("invalid_request_error"));
    assert_eq!(api.message, "percent_ownership must be between 0 and 100.");
    assert_eq!(
        api.user_message.as_deref(),
        Some("Enter an ownership percentage between 0 and 100.")
    );
    assert_eq!(
        api.doc_url.as_deref(),
        Some("https://docs.stripe.com/error-codes/person-percent-ownership-invalid")
    );
    assert_eq!(api.extra.get_raw("extra_field"), Some("1"));
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.request_id(), Some("req_v2Kx7Lm2Nq9Rt4Ws"));
    assert!(err.api_error().is_none());

    let sent = server.requests();
    assert_eq!(sent.len(), 1, "a 400 is not retried");
    let key = sent[0].header("idempotency-key");
    assert_uuid_v4(key);
    assert_eq!(err.idempotency_key(), key);
}

/// A code this version does not know is kept as sent; a GET's error has no idempotency key.
#[test]
fn a_v2_error_with_an_unknown_code() {
    use destination::{
        CreateV2CoreEventDestination, RetrieveV2CoreEventDestination, V2CoreEventDestination,
        V2CoreEventDestinationEventPayload, V2CoreEventDestinationId, V2CoreEventDestinationType,
    };

    let body = r#"{"error": {"type": "invalid_request_error", "code": "webhook_endpoint_unreachable",
        "message": "The URL did not answer with a 2xx.", "user_message": null,
        "doc_url": "https://docs.stripe.com/error-codes", "extra_field": 1}}"#;
    let not_found = r#"{"error": {"type": "invalid_request_error", "code": "not_found",
        "message": "No such event destination."}}"#;
    let server = Server::start(vec![
        Reply::json(400, body).header("Request-Id", "req_v2Pw3Zx8Cv1Bn6Mq"),
        Reply::json(404, not_found).header("Request-Id", "req_v2Hd5Fg2Jk7Ls0Qa"),
    ]);
    let client = server.client(KEY);
    let params = CreateV2CoreEventDestination::new(
        strings(&["v1.billing.meter.no_meter_found"]),
        V2CoreEventDestinationEventPayload::Thin,
        "unreachable".to_owned(),
        V2CoreEventDestinationType::WebhookEndpoint,
    );
    let err = block_on(client.send(V2CoreEventDestination::create(&params))).expect_err("400");
    let api = err.v2_api_error().expect("a v2 error object");
    assert_eq!(
        api.code,
        v2::ErrorCode::Unknown("webhook_endpoint_unreachable".to_owned())
    );
    assert_eq!(api.user_message, None);
    assert_eq!(api.extra.get_raw("extra_field"), Some("1"));
    assert_eq!(
        (err.status(), err.request_id()),
        (Some(400), Some("req_v2Pw3Zx8Cv1Bn6Mq"))
    );
    let sent = server.requests();
    assert_eq!(err.idempotency_key(), sent[0].header("idempotency-key"));
    assert!(err.idempotency_key().is_some());

    let retrieve = V2CoreEventDestination::retrieve(
        &V2CoreEventDestinationId::new("ed_test_missing"),
        &RetrieveV2CoreEventDestination::new(),
    );
    let err = block_on(client.send(retrieve)).expect_err("404");
    assert_eq!(
        err.v2_api_error().map(|e| e.code.clone()),
        Some(v2::ErrorCode::NotFound)
    );
    assert_eq!(
        (err.status(), err.request_id(), err.idempotency_key()),
        (Some(404), Some("req_v2Hd5Fg2Jk7Ls0Qa"), None)
    );
}

/// `Debug` of a request and of the error it got names parameters but shows none of their
/// values, wherever they are (body or query, top level or nested).
#[test]
fn debug_shows_no_parameter_values() {
    use person::{
        CreateV2CoreAccountPerson, CreateV2CoreAccountPersonIdNumbers, ListV2CoreAccountPerson,
        V2CoreAccountPerson, V2CoreAccountPersonIdNumbersType,
    };

    const SECRET_ID_NUMBER: &str = "SSN-078051120-SECRET";
    const SECRET_EMAIL: &str = "secret.person@example.com";
    const SECRET_PAGE: &str = "page_SECRETCURSOR";
    let params = CreateV2CoreAccountPerson::new()
        .email(SECRET_EMAIL)
        .id_numbers(vec![CreateV2CoreAccountPersonIdNumbers::new(
            V2CoreAccountPersonIdNumbersType::UsSsn,
            SECRET_ID_NUMBER.to_owned(),
        )]);
    let create = V2CoreAccountPerson::create(ACCOUNT_ID, &params);
    let list = V2CoreAccountPerson::list(
        ACCOUNT_ID,
        &ListV2CoreAccountPerson::new().page(SECRET_PAGE),
    );
    let create_debug = format!("{create:?}");
    let list_debug = format!("{list:?}");
    assert!(
        create_debug.contains("id_numbers") && create_debug.contains("email"),
        "{create_debug}"
    );
    assert!(list_debug.contains("page"), "{list_debug}");
    for debug in [&create_debug, &list_debug] {
        for secret in [SECRET_ID_NUMBER, SECRET_EMAIL, SECRET_PAGE] {
            assert!(!debug.contains(secret), "{secret} in {debug}");
        }
    }

    // The error answer repeats the value in a field of its own (kept in `extra`, whose `Debug`
    // shows keys only).
    let body = format!(
        r#"{{"error": {{"type": "invalid_request_error", "code": "id_number_invalid",
        "message": "The id number is not valid for its type.",
        "invalid_param": {{"name": "id_numbers[0].value", "value": "{SECRET_ID_NUMBER}"}}}}}}"#
    );
    let server = Server::start(vec![
        Reply::json(400, &body).header("Request-Id", "req_v2Debug")
    ]);
    let err = block_on(server.client(KEY).send(create)).expect_err("400");
    assert_eq!(
        err.v2_api_error().map(|e| e.code.clone()),
        Some(v2::ErrorCode::IdNumberInvalid)
    );
    let err_debug = format!("{err:?}");
    assert!(err_debug.contains("invalid_param"), "{err_debug}");
    for secret in [SECRET_ID_NUMBER, SECRET_EMAIL, KEY] {
        assert!(!err_debug.contains(secret), "{secret} in {err_debug}");
    }
    // The value was sent, though.
    assert!(server.requests()[0].body_text().contains(SECRET_ID_NUMBER));
}

/// The blocking client sends v2 operations as the async one does: the same targets, bodies
/// and headers (a JSON update with a `null`, a query, the stream with its own key, a DELETE,
/// a POST without parameters), each with an idempotency key of its own.
#[test]
fn the_blocking_client_sends_the_same_requests() {
    fn requests() -> Vec<Request<rt::Json>> {
        let destination_id = destination::V2CoreEventDestinationId::new(DESTINATION_ID);
        let update = destination::UpdateV2CoreEventDestination::new()
            .metadata(metadata_update(&[("team", None)]))
            .name("billing-meter-alerts");
        vec![
            destination::V2CoreEventDestination::update(&destination_id, &update).with_response(),
            event::V2CoreEvent::list(&list_events_params()).with_response(),
            session::V2BillingMeterEventSession::stream_events(&stream_events_params())
                .api_key(SESSION_TOKEN),
            person::V2CoreAccountPerson::delete(
                ACCOUNT_ID,
                &person::V2CoreAccountPersonId::new(PERSON_ID),
                &person::DeleteV2CoreAccountPerson::new(),
            )
            .with_response(),
            session::V2BillingMeterEventSession::create(
                &session::CreateV2BillingMeterEventSession::new(),
            )
            .with_response(),
        ]
    }
    /// What must match: everything but the idempotency key's value.
    fn summary(sent: &Recorded) -> Vec<String> {
        let mut lines = vec![
            format!("{} {}", sent.method, sent.target),
            sent.body_text(),
            format!(
                "idempotency key: {}",
                sent.header("idempotency-key").is_some()
            ),
        ];
        for name in [
            "authorization",
            "content-type",
            "content-length",
            "stripe-version",
        ] {
            lines.push(format!("{name}: {:?}", sent.header(name)));
        }
        lines
    }

    let replies = vec![Reply::json(200, "{}"); requests().len()];
    let async_server = Server::start(replies.clone());
    let client = async_server.client(KEY);
    for request in requests() {
        block_on(client.send(request)).unwrap_or_else(|e| panic!("{e}"));
    }
    let blocking_server = Server::start(replies);
    let client = blocking_server.blocking_client(KEY);
    for request in requests() {
        client.send(request).unwrap_or_else(|e| panic!("{e}"));
    }
    let async_sent = async_server.requests();
    let blocking_sent = blocking_server.requests();
    assert_eq!(async_sent.len(), 5);
    assert_eq!(
        async_sent.iter().map(summary).collect::<Vec<_>>(),
        blocking_sent.iter().map(summary).collect::<Vec<_>>()
    );
    assert_eq!(
        parse_json_body(&async_sent[0]),
        json!({"metadata": {"team": null}, "name": "billing-meter-alerts"})
    );
    for (a, b) in async_sent.iter().zip(&blocking_sent) {
        let key = a.header("idempotency-key");
        assert!(
            key.is_none() || key != b.header("idempotency-key"),
            "{key:?}"
        );
    }
}

/// This file's tests cover exactly the v2 operations the generator emits (`generated/api.json`):
/// a new or renamed one fails here until it has a test.
#[test]
fn every_generated_v2_operation_is_covered() {
    const COVERED: [(&str, &str); 29] = [
        (
            "V2BillingMeterEvent::create",
            "POST /v2/billing/meter_events",
        ),
        (
            "V2BillingMeterEventAdjustment::create",
            "POST /v2/billing/meter_event_adjustments",
        ),
        (
            "V2BillingMeterEventSession::create",
            "POST /v2/billing/meter_event_session",
        ),
        (
            "V2BillingMeterEventSession::stream_events",
            "POST /v2/billing/meter_event_stream",
        ),
        ("V2CoreAccount::close", "POST /v2/core/accounts/{id}/close"),
        ("V2CoreAccount::create", "POST /v2/core/accounts"),
        ("V2CoreAccount::list", "GET /v2/core/accounts"),
        ("V2CoreAccount::retrieve", "GET /v2/core/accounts/{id}"),
        ("V2CoreAccount::update", "POST /v2/core/accounts/{id}"),
        ("V2CoreAccountLink::create", "POST /v2/core/account_links"),
        (
            "V2CoreAccountPerson::create",
            "POST /v2/core/accounts/{account_id}/persons",
        ),
        (
            "V2CoreAccountPerson::delete",
            "DELETE /v2/core/accounts/{account_id}/persons/{id}",
        ),
        (
            "V2CoreAccountPerson::list",
            "GET /v2/core/accounts/{account_id}/persons",
        ),
        (
            "V2CoreAccountPerson::retrieve",
            "GET /v2/core/accounts/{account_id}/persons/{id}",
        ),
        (
            "V2CoreAccountPerson::update",
            "POST /v2/core/accounts/{account_id}/persons/{id}",
        ),
        (
            "V2CoreAccountPersonToken::create",
            "POST /v2/core/accounts/{account_id}/person_tokens",
        ),
        (
            "V2CoreAccountPersonToken::retrieve",
            "GET /v2/core/accounts/{account_id}/person_tokens/{id}",
        ),
        ("V2CoreAccountToken::create", "POST /v2/core/account_tokens"),
        (
            "V2CoreAccountToken::retrieve",
            "GET /v2/core/account_tokens/{id}",
        ),
        ("V2CoreEvent::list", "GET /v2/core/events"),
        ("V2CoreEvent::retrieve", "GET /v2/core/events/{id}"),
        (
            "V2CoreEventDestination::create",
            "POST /v2/core/event_destinations",
        ),
        (
            "V2CoreEventDestination::delete",
            "DELETE /v2/core/event_destinations/{id}",
        ),
        (
            "V2CoreEventDestination::disable",
            "POST /v2/core/event_destinations/{id}/disable",
        ),
        (
            "V2CoreEventDestination::enable",
            "POST /v2/core/event_destinations/{id}/enable",
        ),
        (
            "V2CoreEventDestination::list",
            "GET /v2/core/event_destinations",
        ),
        (
            "V2CoreEventDestination::ping",
            "POST /v2/core/event_destinations/{id}/ping",
        ),
        (
            "V2CoreEventDestination::retrieve",
            "GET /v2/core/event_destinations/{id}",
        ),
        (
            "V2CoreEventDestination::update",
            "POST /v2/core/event_destinations/{id}",
        ),
    ];
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../generated/api.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let api: Value = serde_json::from_str(&text).expect("api.json");
    let ops = api["ops"].as_object().expect("api.json has `ops`");
    let generated: BTreeMap<&str, &str> = ops
        .iter()
        .filter_map(|(name, op)| {
            let http = op["http"].as_str()?;
            http.contains(" /v2/").then_some((name.as_str(), http))
        })
        .collect();
    let covered: BTreeMap<&str, &str> = COVERED.into_iter().collect();
    assert_eq!(generated, covered);
}
