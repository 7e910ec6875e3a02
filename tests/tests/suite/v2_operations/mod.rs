//! Every generated v2 operation, built with its typed function and parameters, sent by the
//! real client (reqwest) to the scripted server on 127.0.0.1, and answered with a realistic
//! reply (`tests/fixtures/v2/`): a table (`rows.rs`), one row per exchange, and one driver,
//! [`every_row_of_the_table`], that runs them all.
//!
//! A row names its operation as `generated/api.json` does, builds the typed request (its
//! parameters, and a key of its own where the operation takes one), gives the request the
//! server must read and the reply it gets, and checks what the reply decoded to. Adding an
//! operation to the selection adds a row; [`every_generated_v2_operation_is_covered`] fails
//! until it has one, and checks each row's request against its operation's method and path.
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
//! answers, `Debug` without parameter values, and the blocking client.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
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
use tests::server::{exchange, Recorded, Reply, Server};

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
// Fixtures and assertions
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

fn assert_get(sent: &Recorded, target: &str) {
    assert_v2_request(sent, "GET", target, KEY, None);
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
// The table and its driver
// ---------------------------------------------------------------------------------------------

mod rows;

use rows::{assert_event_fixture, rows};

/// One exchange with a generated v2 operation: what is sent, what the server must read, what
/// it answers, and what that decodes to.
struct Row {
    /// The operation, as `generated/api.json` names it, such as `V2CoreAccount::create`.
    op: &'static str,
    /// What sets the row apart from the operation's other rows; empty for an operation's only
    /// row.
    case: &'static str,
    /// Builds the typed request, sends it and checks what the reply decoded to.
    call: Call,
    /// The request the server must read.
    sent: Sent,
    /// The reply's body, answered with 200.
    reply: String,
}

impl Row {
    fn name(&self) -> String {
        if self.case.is_empty() {
            self.op.to_owned()
        } else {
            format!("{} ({})", self.op, self.case)
        }
    }

    /// Sends the row's request to a new loopback server that answers its reply, and checks
    /// the request as the server read it, then what the reply decoded to.
    fn run(&self) {
        (self.call)(&self.reply, &|server_url, sent| {
            let expected = &self.sent;
            assert_eq!(server_url, expected.server, "the request's own server");
            assert_v2_request(
                sent,
                expected.method,
                expected.target,
                expected.key,
                expected.body.as_ref(),
            );
            // A POST without parameters sends an empty object, as these two characters.
            if expected.body == Some(json!({})) {
                assert_eq!(sent.body_text(), "{}");
            }
        });
    }
}

/// A row's request and the check of its decoded reply, for any response type: given the
/// reply's body and the request check, it sends the request, checks what was sent (with the
/// request's `server_url`), then checks the decoded value.
type Call = Box<dyn Fn(&str, &dyn Fn(Option<&str>, &Recorded))>;

/// The [`Call`] that sends what `request` builds and gives its decoded reply to `check`.
fn call<T: 'static>(
    request: impl Fn() -> Request<T> + 'static,
    check: impl Fn(T) + 'static,
) -> Call {
    Box::new(move |reply, check_sent| {
        let request = request();
        let server_url = request.server_url().map(str::to_owned);
        let (value, sent) = exchange(KEY, request, reply);
        check_sent(server_url.as_deref(), &sent);
        check(value);
    })
}

/// The request a row's server must read; see [`assert_v2_request`].
struct Sent {
    method: &'static str,
    /// The path and query, as sent.
    target: &'static str,
    /// The API key it carries.
    key: &'static str,
    /// A POST's JSON body.
    body: Option<Value>,
    /// `Request::server_url`: the server the spec gives the operation instead of Stripe's API
    /// host (the loopback client's base URL takes its place).
    server: Option<&'static str>,
}

impl Sent {
    /// With `key` instead of [`KEY`].
    fn key(self, key: &'static str) -> Self {
        Sent { key, ..self }
    }

    /// To an operation whose request names `server`.
    fn server(self, server: &'static str) -> Self {
        Sent {
            server: Some(server),
            ..self
        }
    }
}

fn post(target: &'static str, body: Value) -> Sent {
    Sent {
        method: "POST",
        target,
        key: KEY,
        body: Some(body),
        server: None,
    }
}

fn get(target: &'static str) -> Sent {
    Sent {
        method: "GET",
        target,
        key: KEY,
        body: None,
        server: None,
    }
}

fn delete(target: &'static str) -> Sent {
    Sent {
        method: "DELETE",
        ..get(target)
    }
}

/// Runs every row of the table, each against a server of its own; a row that fails is named
/// at the end, after its panic message, and the others still run.
#[test]
fn every_row_of_the_table() {
    let rows = rows();
    let mut failed = Vec::new();
    for row in &rows {
        if catch_unwind(AssertUnwindSafe(|| row.run())).is_err() {
            eprintln!("the row above is {}\n", row.name());
            failed.push(row.name());
        }
    }
    assert!(
        failed.is_empty(),
        "{} of the {} rows failed: {failed:#?}",
        failed.len(),
        rows.len()
    );
}

/// The table covers exactly the v2 operations the generator emits (`generated/api.json`): a
/// new or renamed one fails here until it has a row. And each row sends its operation's
/// method to its operation's path (a `{parameter}` matching one segment), so a row cannot name
/// one operation and call another.
#[test]
fn every_generated_v2_operation_is_covered() {
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
    let rows = rows();
    let covered: BTreeMap<&str, &str> = rows
        .iter()
        .map(|row| {
            (
                row.op,
                generated.get(row.op).copied().unwrap_or("not generated"),
            )
        })
        .collect();
    assert_eq!(covered, generated);
    for row in &rows {
        let (method, template) = generated[row.op].split_once(' ').expect("METHOD /path");
        let path = row.sent.target.split('?').next().unwrap_or_default();
        let segments: Vec<&str> = path.split('/').collect();
        let expected: Vec<&str> = template.split('/').collect();
        let matches = segments.len() == expected.len()
            && segments.iter().zip(&expected).all(|(segment, expected)| {
                segment == expected || (expected.starts_with('{') && !segment.is_empty())
            });
        assert!(
            row.sent.method == method && matches,
            "{}: sends {} {}, the operation is {}",
            row.name(),
            row.sent.method,
            row.sent.target,
            generated[row.op]
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Parameters more than one test sends
// ---------------------------------------------------------------------------------------------

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
