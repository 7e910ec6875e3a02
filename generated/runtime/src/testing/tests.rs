use super::*;
use crate::WireEnum;
use crate::{ErrorKind, Json, Request};

fn get(path: &str) -> Request<Json> {
    Request::new(Method::Get, path.to_owned())
}

#[test]
fn replies_follow_the_script_per_operation_in_order() {
    let fake = FakeStripe::new();
    fake.on(Method::Get, "/v1/a")
        .reply(&serde_json::json!({"n": 1}))
        .json(200, r#"{"n": 2}"#);
    fake.on(Method::Get, "/v1/b/*")
        .reply(&serde_json::json!({"b": true}));
    fake.on(Method::Get, "/v1/a")
        .reply(&serde_json::json!({"n": 3}));
    let client = fake.client();
    let send = |path: &str| block_on(client.send(get(path)));
    assert_eq!(send("/v1/b/x_1").unwrap()["b"], true);
    for n in 1..=3 {
        assert_eq!(send("/v1/a").unwrap()["n"], n);
    }
    assert_eq!(fake.unused(), Vec::<String>::new());
    let paths: Vec<_> = fake.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/v1/b/x_1", "/v1/a", "/v1/a", "/v1/a"]);

    // Used up, unscripted, and a `*` that does not match: clear errors, sent nowhere.
    for (path, why) in [
        ("/v1/a", "every reply scripted for it was used"),
        ("/v1/c", "nothing is scripted for it"),
        ("/v1/b/x/y", "nothing is scripted for it"),
        ("/v1/b/", "nothing is scripted for it"),
    ] {
        let err = send(path).unwrap_err();
        match err.kind() {
            ErrorKind::Transport(e) => assert!(!e.is_retryable(), "{e:?}"),
            other => panic!("{other:?}"),
        }
        let text = err.to_string();
        assert!(text.contains(&format!("GET {path}: {why}")), "{text}");
        assert!(text.contains("Method::Get"), "{text}");
    }
    assert!(fake.sleeps().is_empty());
}

#[test]
fn typed_errors_rate_limits_and_timeouts() {
    let fake = FakeStripe::new();
    fake.on(Method::Post, "/v1/x")
        .error(
            402,
            ApiErrorType::CardError,
            "card_declined",
            "Your card was declined.",
        )
        .rate_limited(None)
        .rate_limited(Some(true))
        .timeout()
        .rate_limited(Some(false));
    let client = fake.client();
    let post = || Request::<Json>::new(Method::Post, "/v1/x").form(&Some("v".to_owned()));
    let err = block_on(client.send(post())).unwrap_err();
    let api = err.api_error().expect("an API error");
    assert_eq!(api.code.as_deref(), Some("card_declined"));
    assert_eq!(api.message.as_deref(), Some("Your card was declined."));
    assert_eq!(err.status(), Some(402));
    assert_eq!(err.request_id(), Some("req_fake_1"));
    // A 429 without the header is not retried.
    let err = block_on(client.send(post())).unwrap_err();
    assert_eq!(err.status(), Some(429));
    assert_eq!(err.api_error().unwrap().code.as_deref(), Some("rate_limit"));
    assert_eq!(fake.requests().len(), 2);
    // One told to retry is, and so is a timeout; then a 429 told not to ends it.
    let err = block_on(client.send(post())).unwrap_err();
    assert_eq!(err.status(), Some(429));
    let sent = fake.requests();
    let attempts: Vec<u32> = sent.iter().map(|r| r.attempt).collect();
    assert_eq!(attempts, [1, 1, 1, 2, 3]);
    let key = sent[2].idempotency_key().expect("a key");
    assert!(sent[2..].iter().all(|r| r.idempotency_key() == Some(key)));
    assert_ne!(sent[1].idempotency_key(), Some(key));
    assert_eq!(fake.sleeps().len(), 2);

    fake.on(Method::Get, "/v1/t").timeout().timeout();
    let err = block_on(client.send(get("/v1/t").max_retries(1))).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Timeout { .. }), "{err:?}");
}

#[test]
fn requests_are_recorded_decoded_and_without_the_key_in_debug() {
    let fake = FakeStripe::new();
    fake.on(Method::Post, "/v1/things/th%2F1").json(200, "{}");
    let client = fake.client().with_base_url("http://localhost:1/");
    let mut form = crate::Form::new();
    form.push("filters[countries][0]", "US");
    form.push("return_url", "https://x.test/?a=1&b=2 c+d");
    form.push("note", "é%");
    let request = Request::<Json>::new(Method::Post, "/v1/things/th%2F1")
        .with_query_param("expand[0]", "accounts")
        .stripe_account("acct_1")
        .idempotency_key("order-42");
    let request = request.form(&RawForm(form.finish()));
    block_on(client.send(request)).expect("ok");
    let sent = &fake.requests()[0];
    assert_eq!(sent.method, Method::Post);
    assert_eq!(sent.path, "/v1/things/th%2F1");
    assert_eq!(
        sent.url,
        "http://localhost:1/v1/things/th%2F1?expand[0]=accounts"
    );
    assert_eq!(sent.param("filters[countries][0]"), Some("US"));
    assert_eq!(
        sent.param("return_url"),
        Some("https://x.test/?a=1&b=2 c+d")
    );
    assert_eq!(sent.param("note"), Some("é%"));
    assert_eq!(sent.param("expand[0]"), Some("accounts"));
    assert_eq!(
        sent.query,
        [("expand[0]".to_owned(), "accounts".to_owned())]
    );
    assert_eq!(sent.param("missing"), None);
    assert_eq!(sent.idempotency_key(), Some("order-42"));
    assert_eq!(sent.stripe_account(), Some("acct_1"));
    assert_eq!(sent.stripe_version(), Some(crate::API_VERSION));
    assert_eq!(
        sent.header("authorization"),
        Some("Bearer sk_test_fake"),
        "the key is there to check"
    );
    let debug = format!("{sent:?} {fake:?}");
    assert!(!debug.contains(FAKE_SECRET_KEY), "{debug}");
    assert!(debug.contains("order-42"), "{debug}");
    // Parameter names, not values (in the form or the query string).
    assert!(
        debug.contains("filters[countries][0]") && debug.contains("expand[0]"),
        "{debug}"
    );
    for value in ["US", "x.test", "accounts", "é%"] {
        assert!(!debug.contains(value), "{value} in {debug}");
    }
    fake.clear_requests();
    assert!(fake.requests().is_empty());
}

/// An already encoded form, pushed as is.
struct RawForm(String);

impl crate::ToForm for RawForm {
    fn to_form(&self, _key: &str, form: &mut crate::Form) {
        for (k, v) in decode_pairs(&self.0) {
            form.push(&k, &v);
        }
    }
}

#[test]
fn json_bodies_are_recorded_decoded_and_named_in_debug() {
    let fake = FakeStripe::new();
    fake.on(Method::Post, "/v2/core/accounts").json(200, "{}");
    let params = serde_json::json!({
        "display_name": "Jenny Rosen",
        "metadata": {"order": null},
        "identity": {"country": "us"},
    });
    let request = Request::<Json>::new(Method::Post, "/v2/core/accounts")
        .json(&params)
        .stripe_context("acct_1");
    block_on(fake.client().send(request)).expect("ok");
    let sent = &fake.requests()[0];
    assert_eq!(sent.json.as_ref(), Some(&params));
    assert_eq!(
        sent.json
            .as_ref()
            .and_then(|j| j.pointer("/identity/country")),
        Some(&Json::from("us"))
    );
    assert!(sent.form.is_empty());
    assert_eq!(sent.param("display_name"), None);
    assert_eq!(sent.stripe_context(), Some("acct_1"));
    assert_eq!(sent.idempotency_key().map(str::len), Some(36));
    let debug = format!("{sent:?}");
    assert!(
        debug.contains(r#"json: Some(["display_name", "identity", "metadata"])"#),
        "{debug}"
    );
    for value in ["Jenny", "order", "country"] {
        assert!(!debug.contains(value), "{value} in {debug}");
    }
    // A v2 POST without parameters is recorded as the `{}` it sends.
    fake.on(Method::Post, "/v2/core/event_destinations/*/ping")
        .json(200, "{}");
    let ping = Request::<Json>::new(Method::Post, "/v2/core/event_destinations/ed_1/ping");
    block_on(fake.client().send(ping)).expect("ok");
    assert_eq!(fake.requests()[1].json, Some(serde_json::json!({})));
}

#[test]
fn v2_errors_are_scripted_typed() {
    let fake = FakeStripe::new();
    fake.on(Method::Get, "/v2/core/accounts/*")
        .v2_error(
            404,
            v2::ErrorCode::from_wire("not_found"),
            "No such account.",
        )
        .v2_error(500, v2::ErrorCode::Unknown("internal".into()), "Oops.")
        .json(200, r#"{"id": "acct_1"}"#);
    let client = fake.client();
    let get = || Request::<Json>::new(Method::Get, "/v2/core/accounts/acct_1");
    let err = block_on(client.send(get())).unwrap_err();
    let api = err.v2_api_error().expect("a v2 error");
    assert_eq!(
        (&api.code, api.message.as_str()),
        (&v2::ErrorCode::from_wire("not_found"), "No such account.")
    );
    assert_eq!(err.status(), Some(404));
    // A 500 is retried, then the scripted success comes.
    let ok = block_on(client.send(get())).expect("the retry succeeds");
    assert_eq!(ok["id"], "acct_1");
    assert_eq!(fake.sleeps().len(), 1);
}

#[test]
fn paths_and_percent_decoding() {
    assert!(path_matches("/v1/a/*/b", "/v1/a/x/b"));
    assert!(!path_matches("/v1/a/*/b", "/v1/a//b"));
    assert!(!path_matches("/v1/a", "/v1/a/"));
    assert!(!path_matches("/v1/a/*", "/v1/a"));
    let one = |text: &str| decode_pairs(text).remove(0).0;
    assert_eq!(one("a%20b+c%2"), "a b c%2");
    assert_eq!(one("%C3%A9%zz"), "é%zz");
    assert_eq!(
        decode_pairs("a=1&&b&c=%3D"),
        [
            ("a".to_owned(), "1".to_owned()),
            ("b".to_owned(), String::new()),
            ("c".to_owned(), "=".to_owned())
        ]
    );
}

#[cfg(feature = "blocking")]
#[test]
fn the_blocking_client_too() {
    let fake = FakeStripe::new();
    fake.on(Method::Delete, "/v1/x/*")
        .error(500, ApiErrorType::ApiError, "oops", "Try again.")
        .json(200, r#"{"deleted": true}"#);
    let value: Json = fake
        .blocking_client()
        .send(Request::new(Method::Delete, "/v1/x/x_1"))
        .expect("the retry succeeds");
    assert_eq!(value["deleted"], true);
    assert_eq!(fake.sleeps().len(), 1);
    assert_eq!(fake.requests()[1].attempt, 2);
}
