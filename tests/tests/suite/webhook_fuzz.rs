//! `webhook::construct_event_with` and `webhook::parse_event_notification_with` on arbitrary
//! headers, payloads, secrets, tolerances and clocks, against a model of the README's rules
//! written here (with the tests' own HMAC over `sha2`): they never panic, and each refusal is
//! the `WebhookError` the rules name, with the reason or figures they give. `FUZZ_CASES=N` runs
//! N times as many cases (see `tests::fuzz`).

use std::time::{Duration, UNIX_EPOCH};

use stripe_typed::resources::event::Event;
use stripe_typed::rt::{self, from_json, v2::EventNotification};
use stripe_typed::webhook::{self, Options, WebhookError};
use tests::fuzz::{cases, Rng};
use tests::{hex, hmac_sha256};

/// What the rules say a delivery ends in.
#[derive(Debug, PartialEq)]
enum Expected {
    NoSecret,
    NoHeader,
    Malformed(&'static str),
    NoV1,
    NoMatch,
    TooOld {
        timestamp: i64,
    },
    /// The signature holds: the event decodes, or is refused as no event or another version.
    Verified,
}

/// The README's rules, in their order.
fn model(payload: &str, header: &str, secret: &str, tolerance: u64, now: i64) -> Expected {
    if secret.is_empty() {
        return Expected::NoSecret;
    }
    if header.trim().is_empty() {
        return Expected::NoHeader;
    }
    let (mut t, mut v1) = (None, Vec::new());
    for item in header.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let Some((key, value)) = item.split_once('=') else {
            return Expected::Malformed("an item without `=`");
        };
        match key {
            "t" if t.is_some() => return Expected::Malformed("more than one `t`"),
            "t" => t = Some(value),
            "v1" => v1.push(value),
            _ => {}
        }
    }
    let Some(t) = t else {
        return Expected::Malformed("no `t` timestamp");
    };
    let timestamp = match t.parse::<i64>() {
        Ok(n) if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) => n,
        _ => return Expected::Malformed("`t` is not a Unix timestamp in seconds"),
    };
    if v1.is_empty() {
        return Expected::NoV1;
    }
    let mac = hex(&hmac_sha256(
        secret.as_bytes(),
        format!("{t}.{payload}").as_bytes(),
    ));
    let matching = |c: &&str| {
        c.len() == 64 && c.bytes().all(|b| b.is_ascii_hexdigit()) && c.to_ascii_lowercase() == mac
    };
    if !v1.iter().any(matching) {
        return Expected::NoMatch;
    }
    if i128::from(now) - i128::from(timestamp) > i128::from(tolerance) {
        return Expected::TooOld { timestamp };
    }
    Expected::Verified
}

fn event_payload(rng: &mut Rng) -> String {
    let event = format!(
        r#"{{"id":"evt_1","object":"event","api_version":"{}","created":1,"data":{{"object":{{"id":"cus_1","object":"customer"}}}},"livemode":false,"pending_webhooks":1,"request":{{"id":null,"idempotency_key":null}},"type":"customer.created"}}"#,
        rt::API_VERSION
    );
    match rng.below(6) {
        0 => event,
        1 => event.replace(rt::API_VERSION, "2017-05-25"),
        2 => event.replace(r#""object":"event""#, r#""object":"evnt""#),
        3 => {
            let mut cut = rng.below(event.len());
            while !event.is_char_boundary(cut) {
                cut -= 1;
            }
            event[..cut].to_owned()
        }
        4 => rng
            .pick_str(&[
                "",
                "{}",
                "null",
                "[]",
                "\u{feff}{}",
                "é😀\u{0}",
                "{\"object\":\"event\"}",
            ])
            .to_owned(),
        _ => format!("{event}\n"),
    }
}

fn secret(rng: &mut Rng) -> String {
    match rng.below(5) {
        0 => String::new(),
        1 => "whsec_test_secret".to_owned(),
        2 => "k".repeat(65 + rng.below(100)),
        3 => rng
            .pick_str(&[" ", "é😀", "\u{0}", "whsec_", "=,"])
            .to_owned(),
        _ => format!("whsec_{:x}", rng.next_u64()),
    }
}

/// A header built from items, some right, some wrong, with odd spacing and separators.
fn header(rng: &mut Rng, payload: &str, secret: &str, t: i64) -> String {
    let t_text = match rng.below(8) {
        0 => rng
            .pick_str(&[
                "",
                "+1",
                "-1",
                "1.5",
                " 12",
                "1e3",
                "٣",
                "0x10",
                "99999999999999999999",
            ])
            .to_owned(),
        1 => "9223372036854775807".to_owned(),
        _ => t.to_string(),
    };
    let mac = hex(&hmac_sha256(
        secret.as_bytes(),
        format!("{t_text}.{payload}").as_bytes(),
    ));
    let mut items = Vec::new();
    for _ in 0..rng.below(5) {
        let item = match rng.below(12) {
            0 | 1 => format!("t={t_text}"),
            2 | 3 => format!("v1={mac}"),
            4 => format!("v1={}", mac.to_uppercase()),
            5 => format!("v1={}", &mac[1..]),
            6 => format!("v1={}g", &mac[1..]),
            7 => format!("v0={mac}"),
            8 => format!("v1={}", hex(&hmac_sha256(b"other", payload.as_bytes()))),
            _ => rng
                .pick_str(&[
                    "", " ", "x=y", "noequals", "=", "t==1", "v1=", "V1=ab", "\u{a0}", "é=😀",
                ])
                .to_owned(),
        };
        items.push(item);
    }
    if rng.one_in(20) {
        // Arbitrary bytes that happen to be text.
        let len = rng.below(40);
        return (0..len)
            .map(|_| char::from_u32(rng.below(0x3000) as u32).unwrap_or('?'))
            .collect();
    }
    let separator = rng.pick_str(&[",", ", ", " ,", ",,", ",\t"]);
    items.join(separator)
}

/// One delivery: a secret, a clock, a tolerance and a header for `payload`, some right, some
/// wrong; `None` for a clock `SystemTime` cannot hold.
struct Delivery {
    header: String,
    secret: String,
    now: i64,
    tolerance: u64,
    options: Options,
}

fn delivery(rng: &mut Rng, payload: &str) -> Option<Delivery> {
    let secret = secret(rng);
    let now: i64 = match rng.below(4) {
        0 => -(rng.below(1_000_000) as i64),
        1 => i64::MAX,
        _ => 1_700_000_000 + rng.below(1_000) as i64,
    };
    let tolerance = *rng.pick(&[0, 1, 300, u64::MAX]);
    let t = match rng.below(4) {
        0 => now.saturating_sub(tolerance.min(i64::MAX as u64) as i64),
        1 => now.saturating_sub(301),
        2 => now.saturating_add(1_000),
        _ => now.max(0),
    }
    .max(0);
    let header = header(rng, payload, &secret, t);
    let clock = if now >= 0 {
        UNIX_EPOCH.checked_add(Duration::from_secs(now as u64))
    } else {
        UNIX_EPOCH.checked_sub(Duration::from_secs(now.unsigned_abs()))
    }?;
    let options = Options::new()
        .tolerance(Duration::from_secs(tolerance))
        .now(clock);
    Some(Delivery {
        header,
        secret,
        now,
        tolerance,
        options,
    })
}

/// Whether `got` is the refusal of the signature rules that `expected` names (not `Verified`),
/// with the reason or figures they give.
fn is_named_refusal(expected: &Expected, got: &WebhookError, d: &Delivery) -> bool {
    match (expected, got) {
        (Expected::NoSecret, WebhookError::NoSecret)
        | (Expected::NoHeader, WebhookError::NoHeader)
        | (Expected::NoV1, WebhookError::NoV1Signature)
        | (Expected::NoMatch, WebhookError::NoMatchingSignature) => true,
        (Expected::Malformed(want), WebhookError::MalformedHeader { reason }) => want == reason,
        (
            Expected::TooOld { timestamp: want },
            WebhookError::OutsideTolerance {
                timestamp,
                now,
                tolerance,
            },
        ) => (want, *now, tolerance.as_secs()) == (timestamp, d.now, d.tolerance),
        _ => false,
    }
}

#[test]
fn arbitrary_deliveries_end_in_the_error_the_rules_name() {
    let mut rng = Rng::new(0x5eed_0005);
    let (mut verified, mut refused) = (0, 0);
    for case in 0..cases(5_000) {
        let payload = event_payload(&mut rng);
        let Some(d) = delivery(&mut rng, &payload) else {
            continue;
        };
        let expected = model(&payload, &d.header, &d.secret, d.tolerance, d.now);
        let got = webhook::construct_event_with(&payload, &d.header, &d.secret, &d.options);
        let context = format!(
            "case {case}: header {:?}, secret {:?}, now {}",
            d.header,
            d.secret.len(),
            d.now
        );
        match (&expected, &got) {
            (Expected::Verified, Ok(event)) => {
                verified += 1;
                assert_eq!(event.object, "event", "{context}");
            }
            (Expected::Verified, Err(WebhookError::NotAnEvent { reason })) => {
                refused += 1;
                assert!(!reason.is_empty(), "{context}");
                let decoded = from_json::<Event>(&payload);
                assert!(decoded.map_or(true, |e| e.object != "event"), "{context}");
            }
            (Expected::Verified, Err(WebhookError::ApiVersionMismatch { event, expected })) => {
                refused += 1;
                assert_eq!(*expected, rt::API_VERSION);
                assert_ne!(event.as_deref(), Some(rt::API_VERSION), "{context}");
            }
            (_, Err(e)) if is_named_refusal(&expected, e, &d) => refused += 1,
            _ => panic!("expected {expected:?}, got {got:?}; {context}"),
        }
        // Display never panics, and says something.
        if let Err(e) = &got {
            assert!(!e.to_string().is_empty());
        }
    }
    assert!(
        verified > 50 && refused > 1_000,
        "{verified} verified, {refused} refused"
    );
}

/// A signature made by the crate's helper always verifies under the model, and any one-byte
/// change to the payload, the header's signature or the secret is refused.
#[test]
fn any_single_change_breaks_a_signature() {
    let mut rng = Rng::new(0x5eed_0006);
    let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    for _ in 0..cases(300) {
        let payload = event_payload(&mut rng);
        let secret = format!("whsec_{:x}", rng.next_u64());
        let header = webhook::sign_test_payload(&payload, &secret, now);
        let check = |payload: &str, header: &str, secret: &str| {
            webhook::verify_signature(payload, header, secret, Duration::from_secs(300), now)
        };
        assert!(check(&payload, &header, &secret).is_ok());
        let mut other = payload.clone();
        other.push(' ');
        assert!(matches!(
            check(&other, &header, &secret),
            Err(WebhookError::NoMatchingSignature)
        ));
        let mut other_secret = secret.clone();
        other_secret.pop();
        assert!(matches!(
            check(&payload, &header, &other_secret),
            Err(WebhookError::NoMatchingSignature)
        ));
        let at = header.len() - 1 - rng.below(64);
        let mut bytes = header.clone().into_bytes();
        bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
        let tampered = String::from_utf8(bytes).unwrap();
        assert!(matches!(
            check(&payload, &tampered, &secret),
            Err(WebhookError::NoMatchingSignature)
        ));
    }
}

fn notification_payload(rng: &mut Rng) -> String {
    let url = rng.pick_str(&[
        "/v2/core/accounts/acct_1",
        "/v1/billing/meters/mtr_1?expand[0]=x",
        "https://evil.example/v1/x",
        "/v1/../v2/x",
        "/v1/x%zz",
        "/v1/x#y",
        "",
    ]);
    let id = rng.pick_str(&["evt_1", "..", "", "evt/1", "evt 1?x"]);
    let notification = format!(
        r#"{{"id":"{id}","object":"v2.core.event","type":"v2.core.account.updated","created":"2025-01-01T00:00:00.000Z","livemode":false,"context":"acct_1","related_object":{{"id":"acct_1","type":"v2.core.account","url":"{url}"}}}}"#
    );
    match rng.below(6) {
        0 | 1 => notification,
        2 => event_payload(rng),
        3 => notification.replace(
            "v2.core.event",
            rng.pick_str(&["event", "v2.core.account", ""]),
        ),
        4 => {
            let mut cut = rng.below(notification.len());
            while !notification.is_char_boundary(cut) {
                cut -= 1;
            }
            notification[..cut].to_owned()
        }
        _ => notification.replace(
            rng.pick_str(&[
                r#""livemode":false,"#,
                r#""id":"evt_1","#,
                r#""type":"v2.core.account.updated","#,
            ]),
            "",
        ),
    }
}

#[test]
fn arbitrary_notifications_end_in_the_error_the_rules_name() {
    let mut rng = Rng::new(0x5eed_0007);
    let (mut verified, mut refused) = (0, 0);
    for case in 0..cases(5_000) {
        let payload = notification_payload(&mut rng);
        let Some(d) = delivery(&mut rng, &payload) else {
            continue;
        };
        let expected = model(&payload, &d.header, &d.secret, d.tolerance, d.now);
        let got =
            webhook::parse_event_notification_with(&payload, &d.header, &d.secret, &d.options);
        let context = format!("case {case}: payload {payload:?}, header {:?}", d.header);
        match (&expected, &got) {
            (Expected::Verified, Ok(notification)) => {
                verified += 1;
                assert_eq!(notification.object, "v2.core.event", "{context}");
                // Whatever it holds, making its requests never panics, and a hostile id or
                // URL is refused before sending.
                let id = notification.id.as_str();
                let one_segment = !["", ".", ".."].contains(&id) && !id.contains(['/', '\\']);
                let event = notification.fetch_event::<rt::Json>();
                assert_eq!(event.check().is_ok(), one_segment, "{context}");
                if let Some(Ok(request)) = notification.fetch_related_object::<rt::Json>() {
                    assert!(request.path().starts_with("/v"), "{context}");
                    assert!(!request.path().contains(".."), "{context}");
                }
            }
            (Expected::Verified, Err(WebhookError::NotAnEvent { reason })) => {
                refused += 1;
                assert!(!reason.is_empty(), "{context}");
                let decoded = from_json::<EventNotification>(&payload);
                assert!(
                    decoded.map_or(true, |n| n.object != "v2.core.event"),
                    "{context}"
                );
            }
            (_, Err(e)) if is_named_refusal(&expected, e, &d) => refused += 1,
            _ => panic!("expected {expected:?}, got {got:?}; {context}"),
        }
        if let Err(e) = &got {
            assert!(!e.to_string().is_empty());
        }
    }
    assert!(
        verified > 50 && refused > 1_000,
        "{verified} verified, {refused} refused"
    );
}
