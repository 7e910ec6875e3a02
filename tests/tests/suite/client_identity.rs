//! How both clients name themselves: `User-Agent` and `X-Stripe-Client-User-Agent`, without and
//! with app info, and app info that cannot be sent refused when the client is configured.

use serde_json::{json, Value};
use stripe_typed::rt::{self, blocking, AppInfo, Client, Error, ErrorKind, Method, Request};
use tests::block_on;
use tests::server::{Recorded, Reply, Server};

const KEY: &str = "sk_test_identity_51H";

fn full_app_info() -> AppInfo {
    AppInfo::new("MyPlugin")
        .version("1.2.3")
        .url("https://example.com/plugin")
        .partner_id("pp_partner_123")
}

fn balance() -> Request<rt::Json> {
    Request::new(Method::Get, "/v1/balance".to_owned())
}

/// Sends one GET with each client, configured by `configure`, and returns what the server saw.
fn sent_by_both(
    configure_async: impl Fn(Client) -> Client,
    configure_blocking: impl Fn(blocking::Client) -> blocking::Client,
) -> [Recorded; 2] {
    let server = Server::start(vec![Reply::json(200, "{}"), Reply::json(200, "{}")]);
    let client = configure_async(server.client(KEY));
    block_on(client.send(balance())).expect("async");
    let client = configure_blocking(server.blocking_client(KEY));
    client.send(balance()).expect("blocking");
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "{requests:#?}");
    let mut it = requests.into_iter();
    [it.next().unwrap(), it.next().unwrap()]
}

fn client_user_agent(request: &Recorded) -> Value {
    let header = request
        .header("x-stripe-client-user-agent")
        .expect("X-Stripe-Client-User-Agent");
    serde_json::from_str(header).expect("the header is JSON")
}

fn expected_base() -> Value {
    json!({
        "bindings_version": rt::USER_AGENT.strip_prefix("stripe-typed/").expect("prefix"),
        "lang": "rust",
        "publisher": "stripe-typed",
        "platform": std::env::consts::OS,
        "uname": format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
    })
}

#[test]
fn without_app_info_both_headers_name_the_crate() {
    for request in sent_by_both(|c| c, |c| c) {
        assert_eq!(request.header("user-agent"), Some(rt::USER_AGENT));
        assert!(rt::USER_AGENT.starts_with("stripe-typed/0."));
        assert_eq!(client_user_agent(&request), expected_base());
    }
}

#[test]
fn app_info_is_appended_to_user_agent_and_sent_as_application() {
    let requests = sent_by_both(
        |c| c.with_app_info(full_app_info()).expect("valid"),
        |c| c.with_app_info(full_app_info()).expect("valid"),
    );
    for request in requests {
        assert_eq!(
            request.header("user-agent"),
            Some(&*format!(
                "{} MyPlugin/1.2.3 (https://example.com/plugin)",
                rt::USER_AGENT
            ))
        );
        let mut expected = expected_base();
        expected["application"] = json!({
            "name": "MyPlugin",
            "version": "1.2.3",
            "url": "https://example.com/plugin",
            "partner_id": "pp_partner_123",
        });
        assert_eq!(client_user_agent(&request), expected);
    }
}

#[test]
fn app_info_with_only_a_name_and_json_special_characters() {
    let info = || AppInfo::new(r#"Shop "Quoted" \ Plugin"#);
    let requests = sent_by_both(
        |c| c.with_app_info(info()).expect("valid"),
        |c| c.with_app_info(info()).expect("valid"),
    );
    for request in requests {
        assert_eq!(
            request.header("user-agent"),
            Some(&*format!(r#"{} Shop "Quoted" \ Plugin"#, rt::USER_AGENT))
        );
        let mut expected = expected_base();
        expected["application"] = json!({"name": r#"Shop "Quoted" \ Plugin"#});
        assert_eq!(client_user_agent(&request), expected);
    }
}

/// Every field with a value that a header cannot carry, and the error it must give.
fn invalid_cases() -> Vec<(AppInfo, &'static str, &'static str)> {
    let control = "contains a control character";
    vec![
        (AppInfo::new("My\r\nX-Evil: 1"), "name", control),
        (AppInfo::new(""), "name", "is empty"),
        (AppInfo::new("Plugin").version("1.0\n"), "version", control),
        (
            AppInfo::new("Plugin").url("https://x\t.com"),
            "url",
            control,
        ),
        (
            AppInfo::new("Plugin").partner_id("pp_\u{7f}"),
            "partner_id",
            control,
        ),
        (
            AppInfo::new("Plugin").partner_id("pp_\u{85}"),
            "partner_id",
            control,
        ),
        (
            AppInfo::new("Café"),
            "name",
            "contains a non-ASCII character",
        ),
    ]
}

#[test]
fn app_info_that_cannot_be_sent_is_refused_at_configuration() {
    let server = Server::start(vec![]);
    for (info, field, reason) in invalid_cases() {
        let expect_refused = |result: Result<(), Error>| match result.map_err(Error::into_kind) {
            Err(ErrorKind::InvalidAppInfo {
                field: f,
                reason: r,
            }) => {
                assert_eq!((f, r), (field, reason), "{info:?}");
            }
            other => panic!("{info:?}: {other:?}"),
        };
        expect_refused(server.client(KEY).with_app_info(info.clone()).map(drop));
        expect_refused(
            server
                .blocking_client(KEY)
                .with_app_info(info.clone())
                .map(drop),
        );
        let message = server
            .client(KEY)
            .with_app_info(info.clone())
            .expect_err("refused")
            .to_string();
        assert!(
            message.contains(field) && message.contains(reason),
            "{message}"
        );
    }
    assert!(server.requests().is_empty());
}

#[test]
fn app_info_is_shown_by_debug_and_readable_back() {
    let client = Client::new(KEY)
        .with_app_info(full_app_info())
        .expect("valid");
    assert_eq!(client.app_info(), Some(&full_app_info()));
    let debug = format!("{client:?}");
    assert!(debug.contains("MyPlugin"), "{debug}");
    assert!(!debug.contains(KEY), "{debug}");
    let blocking = blocking::Client::new(KEY)
        .with_app_info(full_app_info())
        .expect("valid");
    assert_eq!(blocking.app_info(), Some(&full_app_info()));
    assert_eq!(Client::new(KEY).app_info(), None);
}
