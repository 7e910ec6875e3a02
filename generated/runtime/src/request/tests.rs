use super::*;
use crate::Json;

#[test]
fn builder_and_accessors() {
    let r: Request<Json> = Request::new(Method::Get, "/v1/x/a%2Fb".to_owned())
        .query(&vec!["y".to_owned()])
        .stripe_account("acct_1")
        .stripe_context("acct_2/ctx")
        .api_key("ek_test_session")
        .idempotency_key("k")
        .api_version("2020-08-27")
        .timeout(Duration::from_secs(3))
        .max_retries(5);
    assert_eq!(r.method(), Method::Get);
    assert_eq!(r.path(), "/v1/x/a%2Fb");
    assert_eq!(r.query_string(), "[0]=y");
    assert_eq!(r.path_and_query(), "/v1/x/a%2Fb?[0]=y");
    assert_eq!(r.body(), None);
    let o = r.options();
    assert_eq!(o.stripe_account.as_deref(), Some("acct_1"));
    assert_eq!(o.stripe_context.as_deref(), Some("acct_2/ctx"));
    assert_eq!(
        o.api_key.as_ref().map(Secret::expose),
        Some("ek_test_session")
    );
    assert!(!format!("{r:?}").contains("ek_test"), "{r:?}");
    assert_eq!(o.idempotency_key.as_deref(), Some("k"));
    assert_eq!(o.api_version.as_deref(), Some("2020-08-27"));
    assert_eq!(o.timeout, Some(Duration::from_secs(3)));
    assert_eq!(o.max_retries, Some(5));

    let empty: Request<Json> =
        Request::new(Method::Post, "/v1/y".to_owned()).query(&None::<String>);
    assert_eq!(empty.path_and_query(), "/v1/y");
    let posted = empty.form(&None::<String>).with_response::<()>();
    assert_eq!(posted.body(), Some(""));
    assert_eq!(Method::Delete.to_string(), "DELETE");
    assert!(format!("{:?}", posted.clone()).contains("/v1/y"));
}

#[test]
fn with_query_param_replaces_in_place_or_appends() {
    let r: Request<Json> = Request::new(Method::Get, "/v1/x".to_owned());
    let r = r.with_query_param("starting_after", "a b");
    assert_eq!(r.query_string(), "starting_after=a%20b");
    let r = r
        .query(&vec!["e".to_owned()])
        .with_query_param("limit", "3")
        .with_query_param("starting_after", "fca_1")
        .with_query_param("limit", "4")
        .with_query_param("[0]", "f");
    assert_eq!(r.query_string(), "[0]=f&limit=4&starting_after=fca_1");
    #[cfg(feature = "client")]
    assert!(r.has_query_param("limit"));
    #[cfg(feature = "client")]
    assert!(!r.has_query_param("limi"));
    #[cfg(feature = "client")]
    assert!(!r.has_query_param("ending_before"));

    let mut r: Request<Json> = Request::new(Method::Get, "/v1/x".to_owned());
    r.query = "a=1&ending_before=&a=2&a_b=3&k%3D=4".to_owned();
    #[cfg(feature = "client")]
    assert!(!r.has_query_param("ending_before"));
    let r = r.with_query_param("a", "x&y").with_query_param("k=", "5");
    assert_eq!(r.query_string(), "a=x%26y&ending_before=&a_b=3&k%3D=5");
    assert_eq!(
        r.path_and_query(),
        "/v1/x?a=x%26y&ending_before=&a_b=3&k%3D=5"
    );
}

#[test]
fn v2_queries_and_single_parameters() {
    let r: Request<Json> = Request::new(Method::Get, "/v2/core/accounts")
        .query(&vec![
            "configuration.customer".to_owned(),
            "identity".to_owned(),
        ])
        .with_query_param("limit", "10")
        .with_query_param("page", "tok/1+2");
    assert_eq!(
        r.path_and_query(),
        "/v2/core/accounts?[0]=configuration.customer&[1]=identity&limit=10&page=tok%2F1%2B2"
    );
    let r = r
        .with_query_param("page", "tok_2")
        .with_query_param("[0]", "x");
    assert_eq!(r.query_string(), "[0]=x&[1]=identity&limit=10&page=tok_2");
}

#[test]
fn debug_shows_parameter_names_never_values() {
    let mut card = Form::new();
    card.push("card[number]", "4242424242424242");
    card.push("card[cvc]", "314");
    card.push("client_secret", "pi_1_secret_2");
    let mut r: Request<Json> = Request::new(Method::Post, "/v1/payment_methods".to_owned());
    r.body = Some(Body::Form(card.finish()));
    let r = r.with_query_param("expand[0]", "customer");
    let debug = format!("{r:?}");
    for secret in ["4242", "314", "secret_2", "customer"] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
    assert!(
        debug.contains("card[number]") && debug.contains("card[cvc]"),
        "{debug}"
    );
    assert!(
        debug.contains("client_secret") && debug.contains("expand[0]"),
        "{debug}"
    );
    assert!(
        debug.contains("/v1/payment_methods") && debug.contains("Post"),
        "{debug}"
    );
    let get: Request<Json> = Request::new(Method::Get, "/v1/x");
    assert!(
        format!("{get:?}").contains("query: [], body: None"),
        "{get:?}"
    );
}

#[test]
fn json_bodies_show_their_top_level_names_only() {
    let params = serde_json::json!({
        "display_name": "Jenny Rosen",
        "identity": {"individual": {"id_number": "000-00-0000"}},
    });
    let r: Request<Json> = Request::new(Method::Post, "/v2/core/accounts").json(&params);
    assert!(r.is_json() && !r.is_multipart());
    assert_eq!(
        r.body(),
        Some(
            r#"{"display_name":"Jenny Rosen","identity":{"individual":{"id_number":"000-00-0000"}}}"#
        )
    );
    let debug = format!("{r:?}");
    assert!(
        debug.contains(r#"json: ["display_name", "identity"]"#),
        "{debug}"
    );
    for value in ["Jenny", "individual", "id_number", "000"] {
        assert!(!debug.contains(value), "{value} in {debug}");
    }
    // A body that is not an object shows its length only.
    let list: Request<Json> = Request::new(Method::Post, "/v2/x").json(&vec!["a b".to_owned()]);
    assert!(format!("{list:?}").contains("json: <7 bytes>"), "{list:?}");
    let form: Request<Json> = Request::new(Method::Post, "/v1/x").form(&Some("v".to_owned()));
    assert!(!form.is_json());
}

#[test]
#[cfg(feature = "client")]
fn v2_is_told_by_the_path_prefix() {
    for (path, mode) in [
        ("/v2/core/accounts", ApiMode::V2),
        ("/v2", ApiMode::V2),
        ("/v2/", ApiMode::V2),
        ("/v1/customers", ApiMode::V1),
        ("/v20/x", ApiMode::V1),
        ("/v2x", ApiMode::V1),
        ("v2/core/accounts", ApiMode::V1),
        ("", ApiMode::V1),
    ] {
        assert_eq!(ApiMode::of_path(path), mode, "{path}");
        assert_eq!(
            Request::<Json>::new(Method::Get, path).api_mode(),
            mode,
            "{path}"
        );
    }
}

#[test]
fn a_refused_path_parameter_fails_the_check_by_name() {
    let ok: Request<Json> = Request::new(Method::Get, Path::new("/v1/x/").param("x", "a"));
    assert!(ok.check().is_ok());
    let bad: Request<Json> = Request::new(
        Method::Post,
        Path::new("/v1/x/").param("account", "..").push("/y"),
    );
    match bad
        .clone()
        .with_response::<()>()
        .check()
        .map_err(Error::into_kind)
    {
        Err(ErrorKind::InvalidPathParameter {
            name: "account", ..
        }) => {}
        other => panic!("{other:?}"),
    }
}
