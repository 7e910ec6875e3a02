//! The generated models lose no data: realistic session JSON decodes and encodes back to the
//! same JSON value, `null` and absent stay apart, unknown enum values and expanded objects are
//! kept, unknown fields are tolerated, and `client_secret` never shows in `Debug`.

use serde_json::{json, Value};
use stripe_typed::resources::financial_connections_account::*;
use stripe_typed::resources::financial_connections_session::*;
use stripe_typed::rt;

fn account() -> Value {
    json!({
        "id": "fca_1MwVK82eZvKYlo2Cjw8FMwXo",
        "object": "financial_connections.account",
        "account_holder": {"customer": "cus_NfjonN9919dELB", "type": "customer"},
        "balance": {
            "as_of": 1681241600,
            "cash": {"available": {"usd": 6000}},
            "current": {"usd": 6000, "eur": -125},
            "type": "cash"
        },
        "balance_refresh": {
            "last_attempted_at": 1681241601,
            "next_refresh_available_at": null,
            "status": "succeeded"
        },
        "category": "cash",
        "created": 1681241500,
        "display_name": "Sample Checking Account",
        "institution_name": "StripeBank",
        "last4": "6789",
        "livemode": false,
        "ownership": "fcaowns_1MwVKF2eZvKYlo2CqOKD6bzy",
        "ownership_refresh": null,
        "permissions": ["balances", "payment_method"],
        "status": "active",
        "subcategory": "checking",
        "subscriptions": [],
        "supported_payment_method_types": ["us_bank_account", "link"],
        "transaction_refresh": {
            "id": "fctxnref_1MwVKF2eZvKYlo2C",
            "last_attempted_at": 1681241602,
            "next_refresh_available_at": 1681245202,
            "status": "pending"
        }
    })
}

fn session() -> Value {
    json!({
        "id": "fcsess_1MwVJ2LkdIwHu7ixTY9CzjQZ",
        "object": "financial_connections.session",
        "account_holder": {"customer": "cus_NfjonN9919dELB", "type": "customer"},
        "accounts": {
            "object": "list",
            "data": [account()],
            "has_more": false,
            "url": "/v1/financial_connections/accounts"
        },
        "client_secret": "fcsess_client_secret_KRJNVHrnZHuLwmdPGMAavCgn",
        "filters": {"countries": ["US"]},
        "livemode": false,
        "permissions": ["balances", "payment_method"],
        "prefetch": null,
        "return_url": "https://example.com/return"
    })
}

fn roundtrip(v: &Value) -> FinancialConnectionsSession {
    let s: FinancialConnectionsSession = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(
        &serde_json::to_value(&s).unwrap(),
        v,
        "re-encoding changed the document"
    );
    s
}

#[test]
fn a_realistic_session_round_trips_exactly() {
    let s = roundtrip(&session());
    assert_eq!(s.id.as_str(), "fcsess_1MwVJ2LkdIwHu7ixTY9CzjQZ");
    assert_eq!(
        s.permissions,
        [
            FinancialConnectionsSessionPermissions::Balances,
            FinancialConnectionsSessionPermissions::PaymentMethod
        ]
    );
    let acct = &s.accounts.data[0];
    assert!(!s.accounts.has_more);
    assert_eq!(acct.category, FinancialConnectionsAccountCategory::Cash);
    assert_eq!(acct.created, rt::Timestamp::from_secs(1681241500));
    let balance = acct.balance.clone().flatten().unwrap();
    assert_eq!(balance.current["eur"], -125);
    assert_eq!(
        balance.cash.unwrap().available,
        Some(Some([("usd".to_owned(), 6000)].into()))
    );
    assert_eq!(
        acct.ownership,
        Some(Some(rt::Expandable::Id(
            "fcaowns_1MwVKF2eZvKYlo2CqOKD6bzy".into()
        )))
    );
}

#[test]
fn null_and_absent_stay_apart() {
    let with_null = roundtrip(&session());
    assert_eq!(with_null.prefetch, Some(None));

    let mut absent = session();
    absent.as_object_mut().unwrap().remove("prefetch");
    absent.as_object_mut().unwrap().remove("account_holder");
    let s = roundtrip(&absent);
    assert_eq!(s.prefetch, None);
    assert_eq!(s.account_holder, None);

    let mut set = session();
    set["prefetch"] = json!(["balances"]);
    assert_eq!(
        roundtrip(&set).prefetch,
        Some(Some(vec![FinancialConnectionsSessionPrefetch::Balances]))
    );
}

#[test]
fn unknown_enum_values_are_kept_and_sent_back() {
    let mut v = session();
    v["permissions"] = json!(["balances", "crypto_wallets"]);
    v["accounts"]["data"][0]["status"] = json!("frozen");
    let s = roundtrip(&v);
    assert_eq!(
        s.permissions[1],
        FinancialConnectionsSessionPermissions::Unknown("crypto_wallets".into())
    );
    assert_eq!(
        s.accounts.data[0].status,
        FinancialConnectionsAccountStatus::Unknown("frozen".into())
    );
}

#[test]
fn expanded_objects_of_unselected_resources_are_kept_as_json() {
    let mut v = session();
    let customer =
        json!({"id": "cus_NfjonN9919dELB", "object": "customer", "email": "jenny@example.com"});
    v["account_holder"]["customer"] = customer.clone();
    let s = roundtrip(&v);
    let holder = s.account_holder.flatten().unwrap();
    assert_eq!(
        holder.type_,
        BankConnectionsResourceAccountholderType::Customer
    );
    match holder.customer.unwrap() {
        rt::Expandable::Object(obj) => assert_eq!(*obj, customer),
        other => panic!("expected the expanded object, got {other:?}"),
    }
}

#[test]
fn unknown_fields_are_kept_at_every_depth() {
    let mut v = session();
    // The object, a nested object, the list, an object in the list and an object nested in it,
    // with integer-valued and fractional numbers that must come back as they were.
    v["brand_new_field"] = json!({"nested": [1, 2.5, {"n": 19}]});
    v["account_holder"]["since"] = json!(1681241500);
    v["accounts"]["total_count"] = json!(1);
    v["accounts"]["data"][0]["another_new_field"] = json!(true);
    v["accounts"]["data"][0]["balance"]["cash"]["pending"] = json!({"usd": 19});
    v["accounts"]["data"][0]["balance"]["ratio"] = json!(0.25);
    let s: FinancialConnectionsSession = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(
        s.extra.get("brand_new_field"),
        Some(json!({"nested": [1, 2.5, {"n": 19}]}))
    );
    assert_eq!(s.accounts.extra.get("total_count"), Some(json!(1)));
    let account = &s.accounts.data[0];
    assert_eq!(account.extra.get("another_new_field"), Some(json!(true)));
    assert_eq!(serde_json::to_value(&s).unwrap(), v);
    // Through text too, as the client decodes, and byte for byte on the numbers.
    let text = serde_json::to_string(&v).unwrap();
    let s: FinancialConnectionsSession = serde_json::from_str(&text).unwrap();
    let back = serde_json::to_string(&s).unwrap();
    assert_eq!(serde_json::from_str::<Value>(&back).unwrap(), v);
    assert!(
        back.contains(r#"{"usd":19}"#) && back.contains(r#""ratio":0.25"#),
        "{back}"
    );
    // Debug shows which unknown fields there are, never their values.
    let debug = format!("{:?}", s.extra);
    assert_eq!(debug, r#"{"brand_new_field"}"#);
}

#[test]
fn a_missing_required_field_is_an_error_that_names_it() {
    let mut v = session();
    v.as_object_mut().unwrap().remove("livemode");
    let e = serde_json::from_value::<FinancialConnectionsSession>(v).unwrap_err();
    assert!(e.to_string().contains("livemode"), "{e}");
}

#[test]
fn client_secret_is_redacted_in_debug() {
    let s = roundtrip(&session());
    let debug = format!("{s:?}");
    assert!(
        !debug.contains("fcsess_client_secret_KRJNVHrnZHuLwmdPGMAavCgn"),
        "{debug}"
    );
    assert!(debug.contains("redacted"), "{debug}");
    assert_eq!(
        s.client_secret
            .as_ref()
            .and_then(Option::as_ref)
            .map(rt::Secret::expose),
        Some("fcsess_client_secret_KRJNVHrnZHuLwmdPGMAavCgn")
    );
}

/// Since 2026-01-28.clover a session's `client_secret` is optional and nullable: a retrieved
/// session may leave it out or send `null`. The two stay apart and each encodes back as sent.
#[test]
fn a_session_without_a_client_secret_or_with_null_round_trips_as_sent() {
    let mut absent = session();
    absent.as_object_mut().unwrap().remove("client_secret");
    let s = roundtrip(&absent);
    assert_eq!(s.client_secret, None);

    let mut null = session();
    null["client_secret"] = Value::Null;
    let s = roundtrip(&null);
    assert_eq!(s.client_secret, Some(None));
    // What a user who only needs "is there a secret" writes: both read as none.
    assert!(s.client_secret.clone().flatten().is_none());
}

/// With the `serde` feature, `Deserialize` is the same decoder as `rt::from_json`: from text,
/// from a `Value` and from a reader alike, with the same errors; a non-JSON format is refused
/// with a message that says why.
#[test]
fn serde_deserialize_is_the_same_decoder_from_text_values_and_readers() {
    let v = session();
    let text = serde_json::to_string(&v).unwrap();
    let decoded: FinancialConnectionsSession = rt::from_json(&text).unwrap();
    let from_str: FinancialConnectionsSession = serde_json::from_str(&text).unwrap();
    let from_value: FinancialConnectionsSession = serde_json::from_value(v.clone()).unwrap();
    let from_reader: FinancialConnectionsSession =
        serde_json::from_reader(text.as_bytes()).unwrap();
    assert_eq!(from_str, decoded);
    assert_eq!(from_value, decoded);
    assert_eq!(from_reader, decoded);

    let mut bad = v;
    bad["livemode"] = json!("yes");
    let ours = rt::from_json::<FinancialConnectionsSession>(&bad.to_string()).unwrap_err();
    let theirs = serde_json::from_value::<FinancialConnectionsSession>(bad).unwrap_err();
    assert!(theirs.to_string().contains(&ours.message()), "{theirs}");
    assert_eq!(ours.path(), "livemode");

    // A format that cannot hand over JSON text: a `bool` deserializer, say.
    let not_json = serde::de::value::BoolDeserializer::<serde::de::value::Error>::new(true);
    let e = <FinancialConnectionsSession as serde::Deserialize>::deserialize(not_json).unwrap_err();
    assert!(e.to_string().contains("JSON (serde_json) only"), "{e}");
}

/// v2 responses send `null` for optional fields the spec does not mark nullable: each reads as
/// `None` and is written back as `null` while it stays `None`, so every v2 fixture encodes back
/// to the JSON it came from; a field set afterwards is written once, with its value.
#[test]
fn v2_nulls_of_optional_fields_encode_back() {
    use stripe_typed::resources::v2_core_account::V2CoreAccount;
    use stripe_typed::resources::v2_core_event::V2CoreEvent;
    use stripe_typed::resources::v2_core_event_destination::V2CoreEventDestination;

    fn back<T: rt::Decode + serde::Serialize>(file: &str) -> (Value, Value) {
        let path = format!("{}/fixtures/v2/{file}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap();
        let sent: Value = serde_json::from_str(&text).unwrap();
        let typed: T = rt::from_json(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        (sent, serde_json::to_value(&typed).unwrap())
    }
    let (sent, again) = back::<V2CoreAccount>("account.json");
    assert_eq!(again, sent);
    let (sent, again) = back::<V2CoreEvent>("event.json");
    assert_eq!(again, sent);
    let (sent, again) = back::<V2CoreEventDestination>("event_destination.json");
    assert_eq!(again, sent);

    let text = r#"{"id": "acct_1", "object": "v2.core.account", "applied_configurations": [],
        "created": "2026-01-28T12:00:00.000Z", "livemode": false,
        "display_name": null, "contact_email": null}"#;
    let mut account: V2CoreAccount = rt::from_json(text).unwrap();
    assert_eq!(account.display_name, None);
    assert!(account.extra.sent_null("display_name") && account.extra.is_empty());
    let encoded = serde_json::to_string(&account).unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&encoded).unwrap(),
        serde_json::from_str::<Value>(text).unwrap()
    );
    account.display_name = Some("Furever".to_owned());
    let encoded = serde_json::to_string(&account).unwrap();
    assert_eq!(encoded.matches("\"display_name\"").count(), 1, "{encoded}");
    let value: Value = serde_json::from_str(&encoded).unwrap();
    assert_eq!(value["display_name"], json!("Furever"));
    assert_eq!(value["contact_email"], Value::Null);
    // Absent stays absent.
    assert!(value.get("defaults").is_none());
}
