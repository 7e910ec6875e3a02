use super::*;
use crate::request::decode_json;
use crate::{ApiErrorType, Json, Secret, API_VERSION, DEFAULT_BASE_URL};

const MS: Duration = Duration::from_millis(1);

#[test]
fn caller_keys_are_checked_before_sending() {
    let req = |key: &str| -> Request<Json> {
        Request::new(Method::Post, "/v1/x".to_owned()).idempotency_key(key)
    };
    for (key, reason) in [
        ("", "is empty"),
        (&"k".repeat(256), "is longer than 255 characters"),
        ("a\nb", "contains a control character"),
        ("a\u{7f}", "contains a control character"),
    ] {
        match Exchange::new(&config(), &req(key)).map_err(Error::into_kind) {
            Err(ErrorKind::InvalidIdempotencyKey { reason: r }) => assert_eq!(r, reason),
            other => panic!("{key:?}: {:?}", other.map(|e| e.request())),
        }
    }
    let longest = "é".repeat(255);
    assert!(matches!(
        Exchange::new(&config(), &req(&longest)).map_err(Error::into_kind),
        Err(ErrorKind::InvalidHeader {
            name: "Idempotency-Key"
        })
    ));
    let ok = Exchange::new(&config(), &req(&"k".repeat(255))).unwrap();
    assert_eq!(ok.idempotency_key().map(str::len), Some(255));
}

#[test]
fn errors_carry_the_idempotency_key_sent() {
    let post: Request<Json> = Request::new(Method::Post, "/v1/x".to_owned()).max_retries(0);
    let outcomes = || -> Vec<Result<HttpResponse, TransportError>> {
        vec![
            Ok(response(402, &[], r#"{"error": {"type": "card_error"}}"#)),
            Ok(response(502, &[], "bad gateway")),
            Err(TransportError::new(TransportErrorKind::Timeout, "slow")),
            Err(TransportError::new(TransportErrorKind::Connect, "refused")),
            Ok(response(200, &[], &" ".repeat(65))),
        ]
    };
    let mut small = config();
    small.max_response_bytes = 64;
    for outcome in outcomes() {
        let mut ex = Exchange::new(&small, &post).unwrap();
        let key = ex.idempotency_key().unwrap().to_owned();
        let err = match ex.step(outcome, Duration::ZERO) {
            Step::Done(Err(e)) => e,
            _ => panic!("expected an error"),
        };
        assert_eq!(err.idempotency_key(), Some(key.as_str()), "{err:?}");
    }
    let mut ex = Exchange::new(&small, &post).unwrap();
    let key = ex.idempotency_key().unwrap().to_owned();
    let Step::Done(Ok(ok)) = ex.step(Ok(response(200, &[], "[1")), Duration::ZERO) else {
        panic!("expected a 2xx");
    };
    let err = ex
        .decode(ok, Decoder::Json(decode_json::<Json>))
        .unwrap_err();
    assert_eq!(err.idempotency_key(), Some(key.as_str()));
    // A GET has no key, and errors before sending have none either.
    let get: Request<Json> = Request::new(Method::Get, "/v1/x".to_owned()).max_retries(0);
    let mut ex = Exchange::new(&config(), &get).unwrap();
    match ex.step(Ok(response(404, &[], "{}")), Duration::ZERO) {
        Step::Done(Err(e)) => assert_eq!(e.idempotency_key(), None),
        _ => panic!("expected an error"),
    }
}

#[test]
fn oversized_bodies_fail_and_errors_keep_an_excerpt() {
    let mut small = config();
    small.max_response_bytes = 10;
    let get: Request<Json> = Request::new(Method::Get, "/v1/x".to_owned());
    let mut ex = Exchange::new(&small, &get).unwrap();
    // Not retried: the same response would come again.
    match failed(ex.step(Ok(response(200, &[], "01234567890")), Duration::ZERO)) {
        Some(ErrorKind::ResponseTooLarge { limit: 10 }) => {}
        _ => panic!("expected ResponseTooLarge"),
    }
    assert_eq!(ex.request().max_response_bytes, 10);
    let big = format!("{}é{}", "x".repeat(4095), "y".repeat(100_000));
    let err = error_from_response(&response(502, &[], &big), None, ApiMode::V1);
    assert!(matches!(err.kind(), ErrorKind::Http), "{err:?}");
    assert_eq!(err.body(), Some(&*"x".repeat(4095)));
    let err = decode(
        response(200, &[], &format!("[{}", "1,".repeat(50_000))),
        Decoder::Json(decode_json::<Vec<i64>>),
        None,
    )
    .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Decode { .. }), "{err:?}");
    assert_eq!(err.body().map(str::len), Some(4096));
}

/// What went wrong, when `step` ended the call with an error.
fn failed(step: Step) -> Option<ErrorKind> {
    match step {
        Step::Done(Err(e)) => Some(e.into_kind()),
        _ => None,
    }
}

fn config() -> Config {
    let mut c = Config::new("sk_test_123".into());
    c.base_url = Some("http://127.0.0.1:1/".into());
    c.retry.max_retries = 2;
    c.retry.initial_delay = MS;
    c.retry.max_delay = 2 * MS;
    c
}

fn response(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
    HttpResponse::new(
        status,
        headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect(),
        body.as_bytes().to_vec(),
    )
}

#[test]
fn exchange_headers_and_url() {
    let req: Request<Json> = Request::new(Method::Post, "/v1/x".to_owned())
        .form(&Some("a b".to_owned()))
        .stripe_account("acct_1");
    let ex = Exchange::new(&config(), &req).unwrap();
    let http = ex.request();
    assert_eq!(http.url, "http://127.0.0.1:1/v1/x");
    assert_eq!(http.body, b"=a%20b");
    assert_eq!(http.header("authorization"), Some("Bearer sk_test_123"));
    assert_eq!(http.header("stripe-version"), Some(API_VERSION));
    assert_eq!(http.header("stripe-account"), Some("acct_1"));
    assert_eq!(http.header("idempotency-key").map(str::len), Some(36));
    assert!(!format!("{http:?}").contains("sk_test_123"));

    let get: Request<Json> = Request::new(Method::Get, "/v1/x".to_owned());
    let http = Exchange::new(&config(), &get).unwrap().request();
    assert_eq!(http.header("idempotency-key"), None);
    assert_eq!(http.header("content-type"), None);

    let bad = get.clone().stripe_account("acct\r\nX-Evil: 1");
    let err = Exchange::new(&config(), &bad).err().unwrap();
    assert!(matches!(
        err.kind(),
        ErrorKind::InvalidHeader {
            name: "Stripe-Account"
        }
    ));
    let mut bad_key = config();
    bad_key.secret_key = Secret::new("sk_test_\nsecret");
    let err = Exchange::new(&bad_key, &get).err().unwrap();
    assert!(!format!("{err:?} {err}").contains("secret"));
}

#[test]
fn json_bodies_and_v2_posts_without_parameters() {
    let req: Request<Json> = Request::new(Method::Post, "/v2/core/accounts")
        .json(&serde_json::json!({"display_name": "x"}));
    let http = Exchange::new(&config(), &req).unwrap().request();
    assert_eq!(http.header("content-type"), Some("application/json"));
    assert_eq!(http.body, br#"{"display_name":"x"}"#);
    // A v2 POST without parameters sends `{}`, as stripe-node does.
    let bare: Request<Json> = Request::new(Method::Post, "/v2/core/event_destinations/ed_1/ping");
    let http = Exchange::new(&config(), &bare).unwrap().request();
    assert_eq!(http.header("content-type"), Some("application/json"));
    assert_eq!(http.body, b"{}");
    // A v1 one sends nothing, and v2 GETs and DELETEs have no body.
    let v1: Request<Json> = Request::new(Method::Post, "/v1/x");
    let http = Exchange::new(&config(), &v1).unwrap().request();
    assert_eq!((http.header("content-type"), http.body.len()), (None, 0));
    for method in [Method::Get, Method::Delete] {
        let r: Request<Json> = Request::new(method, "/v2/core/accounts/acct_1");
        let http = Exchange::new(&config(), &r).unwrap().request();
        assert_eq!((http.header("content-type"), http.body.len()), (None, 0));
    }
}

#[test]
fn context_api_key_and_v2_idempotency_headers() {
    let send = |config: &Config, r: &Request<Json>| Exchange::new(config, r).map(|e| e.request());
    let mut with_context = config();
    with_context.stripe_context = Some("acct_1".to_owned());
    // The client's context on v1 and v2; a request's own replaces it; empty means none.
    for path in ["/v1/customers", "/v2/core/accounts"] {
        let get: Request<Json> = Request::new(Method::Get, path);
        let http = send(&with_context, &get).unwrap();
        assert_eq!(http.header("stripe-context"), Some("acct_1"));
        let own = get.clone().stripe_context("acct_1/acct_2");
        assert_eq!(
            send(&with_context, &own).unwrap().header("stripe-context"),
            Some("acct_1/acct_2")
        );
        let none = get.clone().stripe_context("");
        assert_eq!(
            send(&with_context, &none).unwrap().header("stripe-context"),
            None
        );
        assert_eq!(
            send(&config(), &get).unwrap().header("stripe-context"),
            None
        );
    }
    let mut empty = config();
    empty.stripe_context = Some(String::new());
    let get: Request<Json> = Request::new(Method::Get, "/v2/core/accounts");
    assert_eq!(send(&empty, &get).unwrap().header("stripe-context"), None);
    // User input that would break the header is refused before sending, named, not shown.
    for bad in ["acct_1\r\nX-Evil: 1", "acct_\u{7f}", "acct_é"] {
        let err = send(&config(), &get.clone().stripe_context(bad)).unwrap_err();
        assert!(
            matches!(
                err.kind(),
                ErrorKind::InvalidHeader {
                    name: "Stripe-Context"
                }
            ),
            "{err:?}"
        );
        assert!(!format!("{err:?} {err}").contains("acct_"), "{err:?}");
        let mut client_wide = config();
        client_wide.stripe_context = Some(bad.to_owned());
        assert!(send(&client_wide, &get).is_err());
    }
    // A request's own key replaces the client's, and never shows in Debug.
    let stream: Request<Json> = Request::new(Method::Post, "/v2/billing/meter_event_stream")
        .api_key("ek_test_session_token");
    let http = send(&config(), &stream).unwrap();
    assert_eq!(
        http.header("authorization"),
        Some("Bearer ek_test_session_token")
    );
    assert!(!format!("{stream:?} {http:?}").contains("session_token"));
    let err = send(&config(), &stream.clone().api_key("ek\nx")).unwrap_err();
    assert!(matches!(
        err.kind(),
        ErrorKind::InvalidHeader {
            name: "Authorization"
        }
    ));
    // v2 DELETEs get a key as v2 POSTs do; v1 DELETEs and every GET do not.
    let key = |method, path: &str| {
        let r: Request<Json> = Request::new(method, path);
        send(&config(), &r)
            .unwrap()
            .header("idempotency-key")
            .map(str::len)
    };
    assert_eq!(
        key(Method::Delete, "/v2/core/accounts/acct_1/persons/p_1"),
        Some(36)
    );
    assert_eq!(key(Method::Post, "/v2/core/accounts"), Some(36));
    assert_eq!(key(Method::Delete, "/v1/customers/cus_1"), None);
    assert_eq!(key(Method::Get, "/v2/core/accounts"), None);
    let own: Request<Json> = Request::new(Method::Delete, "/v2/x").idempotency_key("mine");
    assert_eq!(
        send(&config(), &own).unwrap().header("idempotency-key"),
        Some("mine")
    );
}

#[test]
fn operation_servers_unless_a_base_url_is_set() {
    let upload: Request<Json> =
        Request::new(Method::Post, "/v1/files").server("https://files.stripe.com/");
    let plain: Request<Json> = Request::new(Method::Get, "/v1/x");
    let url = |config: &Config, r: &Request<Json>| Exchange::new(config, r).unwrap().request().url;
    let mut default = config();
    default.base_url = None;
    assert_eq!(url(&default, &upload), "https://files.stripe.com/v1/files");
    assert_eq!(url(&default, &plain), "https://api.stripe.com/v1/x");
    // A base URL set (a mock server, a proxy) takes every request.
    assert_eq!(url(&config(), &upload), "http://127.0.0.1:1/v1/files");
    assert_eq!(url(&config(), &plain), "http://127.0.0.1:1/v1/x");
    // Setting Stripe's own API host is the default, not "everything to api.stripe.com".
    let mut explicit = config();
    explicit.set_base_url("https://api.stripe.com/".to_owned());
    assert_eq!(explicit.base_url(), DEFAULT_BASE_URL);
    assert_eq!(url(&explicit, &upload), "https://files.stripe.com/v1/files");
}

#[test]
fn uploads_are_encoded_once_and_bounded() {
    use crate::{FileUpload, Form, ToForm};
    struct Upload(FileUpload);
    impl ToForm for Upload {
        fn to_form(&self, key: &str, form: &mut Form) {
            form.field(key, "file", &self.0);
            form.field(key, "purpose", &"dispute_evidence");
        }
    }
    let file = Upload(FileUpload::new("e.pdf", vec![b'x'; 100]));
    let post: Request<Json> = Request::new(Method::Post, "/v1/files").multipart(&file);
    let mut ex = Exchange::new(&config(), &post).unwrap();
    let first = ex.request();
    let content_type = first.header("content-type").unwrap().to_owned();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=stripe-typed-")
        .unwrap();
    assert_eq!(boundary.len(), 32, "{content_type}");
    assert!(matches!(
        ex.step(Ok(response(500, &[], "")), Duration::ZERO),
        Step::Retry(_)
    ));
    let second = ex.request();
    assert_eq!(
        (&second.body, second.header("idempotency-key")),
        (&first.body, first.header("idempotency-key"))
    );
    // Another exchange chooses another boundary.
    let other = Exchange::new(&config(), &post).unwrap().request();
    assert_ne!(other.header("content-type").unwrap(), content_type);

    let mut small = config();
    small.max_upload_bytes = 99;
    match Exchange::new(&small, &post).map_err(Error::into_kind) {
        Err(ErrorKind::UploadTooLarge {
            size: 100,
            limit: 99,
        }) => {}
        other => panic!("{:?}", other.map(|e| e.request())),
    }
    small.max_upload_bytes = 100;
    assert!(Exchange::new(&small, &post).is_ok());
}

#[test]
fn binary_responses_are_returned_as_sent() {
    let pdf: Request<crate::Bytes> = Request::binary(Method::Get, "/v1/quotes/q/pdf");
    let body = b"%PDF-1.7\n\xff\xfe".to_vec();
    let bytes = decode(response_bytes(200, body.clone()), pdf.decoder(), None).unwrap();
    assert_eq!(bytes.into_vec(), body);
}

fn response_bytes(status: u16, body: Vec<u8>) -> HttpResponse {
    HttpResponse::new(status, Vec::new(), body)
}

#[test]
fn exchange_retries_then_gives_up() {
    let req: Request<Json> = Request::new(Method::Get, "/v1/x".to_owned());
    let mut ex = Exchange::new(&config(), &req).unwrap();
    assert!(matches!(
        ex.step(Ok(response(500, &[], "")), Duration::ZERO),
        Step::Retry(_)
    ));
    let timeout = TransportError::new(TransportErrorKind::Timeout, "slow");
    assert!(matches!(
        ex.step(Err(timeout.clone()), Duration::ZERO),
        Step::Retry(_)
    ));
    match failed(ex.step(Err(timeout), Duration::ZERO)) {
        Some(ErrorKind::Timeout { .. }) => {}
        _ => panic!("expected a timeout"),
    }

    let mut ex = Exchange::new(&config(), &req.clone().max_retries(0)).unwrap();
    match failed(ex.step(
        Err(TransportError::new(TransportErrorKind::Connect, "refused")),
        Duration::ZERO,
    )) {
        Some(ErrorKind::Transport(e)) => assert!(e.is_connect()),
        _ => panic!("expected a transport error"),
    }

    // Failures that cannot heal end the call at once, with retries left.
    for kind in [
        TransportErrorKind::Certificate,
        TransportErrorKind::InvalidRequest,
    ] {
        let mut ex = Exchange::new(&config(), &req).unwrap();
        match failed(ex.step(Err(TransportError::new(kind, "final")), Duration::ZERO)) {
            Some(ErrorKind::Transport(e)) => assert_eq!(e.kind(), kind),
            _ => panic!("{kind:?} was retried"),
        }
    }
    let mut ex = Exchange::new(&config(), &req).unwrap();
    let inside = TransportError::new(TransportErrorKind::InsideAsyncRuntime, "no");
    let err = match ex.step(Err(inside), Duration::ZERO) {
        Step::Done(Err(e)) => e,
        _ => panic!("expected BlockingInAsyncRuntime"),
    };
    assert!(matches!(err.kind(), ErrorKind::BlockingInAsyncRuntime));
    // Nothing was sent: no context, not even the key.
    assert_eq!(err.idempotency_key(), None);
}

#[test]
fn error_bodies() {
    let err = error_from_response(
        &response(
            402,
            &[("Request-Id", "req_1")],
            r#"{"error": {"type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds",
            "charge": "ch_1", "message": "Your card has insufficient funds.", "new_field": 1,
            "payment_intent": {"id": "pi_1", "client_secret": "pi_1_secret_xyz"}}}"#,
        ),
        None,
        ApiMode::V1,
    );
    match err.kind() {
        ErrorKind::Api(error) => {
            assert_eq!(error.type_, ApiErrorType::CardError);
            assert_eq!(error.decline_code.as_deref(), Some("insufficient_funds"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!((err.status(), err.request_id()), (Some(402), Some("req_1")));
    assert_eq!(
        err.to_string(),
        "Stripe API error 402 card_error/card_declined (decline_code: insufficient_funds, \
         charge: ch_1): Your card has insufficient funds. [request req_1]"
    );
    let debug = format!("{err:?}");
    assert!(
        debug.contains(r#"payment_intent: Object("pi_1")"#),
        "{debug}"
    );
    assert!(!debug.contains("secret"), "{debug}");

    let err = error_from_response(
        &response(502, &[], "<html>bad gateway</html>"),
        None,
        ApiMode::V1,
    );
    assert!(matches!(err.kind(), ErrorKind::Http), "{err:?}");
    assert_eq!(err.status(), Some(502));
    assert!(err.body().is_some_and(|b| b.contains("bad gateway")));
    assert!(!format!("{err:?}{err}").contains("bad gateway"));
}

#[test]
fn v2_error_bodies() {
    let body = r#"{"error": {"type": "invalid_request_error", "code": "not_found",
        "message": "No such account: 'acct_x'", "user_message": "Not found."}}"#;
    let err = error_from_response(
        &response(404, &[("Request-Id", "req_2")], body),
        Some("k"),
        ApiMode::V2,
    );
    let e = err.v2_api_error().expect("a v2 error");
    assert_eq!(
        e.code,
        <crate::v2::ErrorCode as crate::WireEnum>::from_wire("not_found")
    );
    assert_eq!(e.user_message.as_deref(), Some("Not found."));
    assert!(err.api_error().is_none());
    assert_eq!(
        (err.status(), err.request_id(), err.idempotency_key()),
        (Some(404), Some("req_2"), Some("k"))
    );
    assert_eq!(
        err.to_string(),
        "Stripe API v2 error 404 invalid_request_error/not_found: No such account: 'acct_x' \
         [request req_2]"
    );
    // The same body on a v1 path is v1's error object (with `type` it decodes there too).
    let v1 = error_from_response(&response(404, &[], body), None, ApiMode::V1);
    assert!(v1.api_error().is_some() && v1.v2_api_error().is_none());
    // A body that is not an error object is Http, as for v1, with the body's start kept.
    for junk in [
        "<html>502</html>",
        r#"{"error": "x"}"#,
        r#"{"error": {"code": 5}}"#,
        "",
    ] {
        let err = error_from_response(&response(502, &[], junk), None, ApiMode::V2);
        assert!(matches!(err.kind(), ErrorKind::Http), "{junk}: {err:?}");
        assert_eq!(err.body(), Some(junk));
    }
    // Through the exchange: a v2 path reads v2's object.
    let get: Request<Json> = Request::new(Method::Get, "/v2/core/accounts/acct_x").max_retries(0);
    let mut ex = Exchange::new(&config(), &get).unwrap();
    match failed(ex.step(Ok(response(404, &[], body)), Duration::ZERO)) {
        Some(ErrorKind::ApiV2(e)) => assert_eq!(
            e.code,
            <crate::v2::ErrorCode as crate::WireEnum>::from_wire("not_found")
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn decode_names_the_path() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)] // Only decoding is under test.
    struct Item {
        n: i64,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Page {
        data: Vec<Item>,
    }
    let err = decode(
        response(
            200,
            &[("request-id", "req_2")],
            r#"{"data": [{"n": 1}, {"n": "two"}]}"#,
        ),
        Decoder::Json(decode_json::<Page>),
        None,
    )
    .unwrap_err();
    match err.kind() {
        ErrorKind::Decode { path, .. } => assert_eq!(path, "data[1].n"),
        other => panic!("{other:?}"),
    }
    assert_eq!((err.status(), err.request_id()), (Some(200), Some("req_2")));
    assert!(err.body().is_some_and(|b| b.contains("two")));
    assert!(err.to_string().contains("`data[1].n`"), "{err}");
    let trailing = decode(
        response(200, &[], "{} x"),
        Decoder::Json(decode_json::<Json>),
        None,
    )
    .unwrap_err();
    assert!(matches!(trailing.kind(), ErrorKind::Decode { .. }));
}
