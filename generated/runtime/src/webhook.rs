//! Webhooks: verify Stripe's signature over a raw request body, then decode the event as the
//! type the generated crate gives ([`Event`] says what that type must tell). `stripe-typed`
//! wraps these as `stripe_typed::webhook::construct_event`, which returns its typed `Event`.
//!
//! ```
//! use std::time::SystemTime;
//! use stripe_typed_runtime::webhook::{self, DEFAULT_TOLERANCE};
//!
//! let (body, secret) = (r#"{"id":"evt_1","object":"event"}"#, "whsec_test");
//! let header = webhook::sign_test_payload(body, secret, SystemTime::now());
//! webhook::verify_signature(body, &header, secret, DEFAULT_TOLERANCE, SystemTime::now()).unwrap();
//! assert!(webhook::verify_signature(body, &header, "whsec_other", DEFAULT_TOLERANCE, SystemTime::now()).is_err());
//! ```
//!
//! Stripe signs `"{t}.{body}"` with HMAC-SHA256, keyed with the endpoint's secret (`whsec_…`,
//! prefix included), and sends `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`.
//! An event is accepted when **any** `v1` matches (while a secret is being rolled, Stripe signs
//! with the old and the new one), compared in constant time; `v0` and unknown keys are ignored,
//! and a signature older than the tolerance (300 s by default) is refused, so a captured request
//! cannot be replayed later. Timestamps in the future are accepted (clocks differ).
//!
//! The typed models match API version [`API_VERSION`]; an event rendered
//! for another version (the webhook endpoint's) is refused with
//! [`WebhookError::ApiVersionMismatch`] unless [`Options::ignore_api_version`] says otherwise.
//!
//! Thin events (event notifications, [`EventNotification`]), which event destinations with the
//! `thin` payload style deliver, are signed the same way: [`parse_event_notification`] checks
//! the signature by the same rules and decodes the notification. They are unversioned, so no
//! API version is checked for them.
//!
//! HMAC-SHA256 comes from `ring`, which the default build compiles anyway for rustls, and the
//! comparison from `subtle`, also already there; without the `reqwest` feature, the `webhook`
//! feature builds the two on their own.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ring::hmac;
use subtle::ConstantTimeEq;

use crate::v2::EventNotification;
use crate::{from_json, Decode, Reader, API_VERSION};

/// What [`construct_event`] needs of the type it decodes an event as (the generated
/// `resources::event::Event` implements it).
pub trait Event: Decode {
    /// The event's `object`, `event` for an event.
    fn object(&self) -> &str;
    /// The API version the event was rendered for (`None` for events older than October 2014).
    fn api_version(&self) -> Option<&str>;
}

/// The name of the HTTP header that carries the signature.
pub const SIGNATURE_HEADER: &str = "Stripe-Signature";

/// How old a signature may be, by default: 300 seconds, as in Stripe's own libraries.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// How to verify and decode an event.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Options {
    /// How old a signature may be. [`Duration::MAX`] accepts any age (replays of stored events).
    pub tolerance: Duration,
    /// The current time; `None` reads the system clock.
    pub now: Option<SystemTime>,
    /// Decode events whose `api_version` is not the crate's. Their objects may then not fit
    /// the typed models: they are kept as JSON (`EventObject::Undecoded`) when they do not.
    /// Thin events ([`parse_event_notification_with`]) have no API version: it does not apply
    /// to them.
    pub ignore_api_version: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tolerance: DEFAULT_TOLERANCE,
            now: None,
            ignore_api_version: false,
        }
    }
}

impl Options {
    /// The defaults: 300 s of tolerance, the system clock, the crate's API version only.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets how old a signature may be.
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Sets the current time (for tests and replays).
    pub fn now(mut self, now: SystemTime) -> Self {
        self.now = Some(now);
        self
    }

    /// Decodes events rendered for any API version.
    pub fn ignore_api_version(mut self) -> Self {
        self.ignore_api_version = true;
        self
    }
}

/// Why an event was refused. Each variant names the rule that failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookError {
    /// The `Stripe-Signature` header is missing or empty.
    NoHeader,
    /// The webhook secret is empty: anyone could make a matching signature.
    NoSecret,
    /// The header is not `t=<unix seconds>,v1=<hex>,…`.
    MalformedHeader {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The header has no `v1` signature (only `v0`, say).
    NoV1Signature,
    /// No `v1` signature matches the payload and the secret: the wrong secret, or a payload
    /// that is not the raw body Stripe sent (re-encoded JSON, say).
    NoMatchingSignature,
    /// The signature is older than the tolerance.
    OutsideTolerance {
        /// The header's `t`, in Unix seconds.
        timestamp: i64,
        /// The current time, in Unix seconds.
        now: i64,
        /// The tolerance.
        tolerance: Duration,
    },
    /// The event was rendered for another API version than the crate's.
    ApiVersionMismatch {
        /// The event's `api_version` (`None` for events older than October 2014).
        event: Option<String>,
        /// The crate's, [`API_VERSION`].
        expected: &'static str,
    },
    /// The signed payload is not an event (or, for [`parse_event_notification`], not a thin
    /// event: not JSON, a required field missing, or another `object`).
    NotAnEvent {
        /// Why not.
        reason: String,
    },
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookError::NoHeader => write!(f, "no {SIGNATURE_HEADER} header"),
            WebhookError::NoSecret => {
                write!(f, "the webhook secret is empty; pass the endpoint's `whsec_…` secret")
            }
            WebhookError::MalformedHeader { reason } => {
                write!(f, "malformed {SIGNATURE_HEADER} header: {reason}")
            }
            WebhookError::NoV1Signature => {
                write!(f, "the {SIGNATURE_HEADER} header has no v1 signature")
            }
            WebhookError::NoMatchingSignature => write!(
                f,
                "no v1 signature matches the payload; check the endpoint's secret and pass the raw request body"
            ),
            WebhookError::OutsideTolerance {
                timestamp,
                now,
                tolerance,
            } => write!(
                f,
                "the signature was made at {timestamp}, more than {}s before now ({now})",
                tolerance.as_secs()
            ),
            WebhookError::ApiVersionMismatch { event, expected } => write!(
                f,
                "the event has API version {}, but stripe-typed's models are for {expected}; set the webhook endpoint's API version to {expected}, or opt out with Options::ignore_api_version (objects that do not fit stay JSON)",
                event.as_deref().unwrap_or("(none)")
            ),
            WebhookError::NotAnEvent { reason } => write!(f, "the payload is not an event: {reason}"),
        }
    }
}

impl std::error::Error for WebhookError {}

/// Verifies `signature_header` over `payload` (the raw request body) with `secret`, with the
/// default tolerance against the system clock, and decodes the event.
pub fn construct_event<E: Event>(
    payload: &str,
    signature_header: &str,
    secret: &str,
) -> Result<E, WebhookError> {
    construct_event_with(payload, signature_header, secret, &Options::default())
}

/// [`construct_event`] with every option.
pub fn construct_event_with<E: Event>(
    payload: &str,
    signature_header: &str,
    secret: &str,
    options: &Options,
) -> Result<E, WebhookError> {
    let now = options.now.unwrap_or_else(SystemTime::now);
    verify_signature(payload, signature_header, secret, options.tolerance, now)?;
    decode_event(payload, options.ignore_api_version)
}

/// Verifies `signature_header` over `payload` (the raw request body) with `secret`, with the
/// default tolerance against the system clock, and decodes the thin event (event
/// notification) it carries.
///
/// The signature rules and errors are [`construct_event`]'s. A payload that verifies but is
/// not a thin event is [`WebhookError::NotAnEvent`]: not JSON, without `id`, `type`,
/// `created`, `livemode` or `object`, or with an `object` other than `v2.core.event` (a v1
/// snapshot event, `object: event`, is told to go to [`construct_event`], as stripe-node and
/// stripe-go do). An event type this crate does not know is no error.
///
/// This is stripe-node's `parseEventNotification` and stripe-go's `ParseEventNotification`,
/// returning one [`EventNotification`] rather than a type per event type.
///
/// ```
/// use std::time::SystemTime;
/// use stripe_typed_runtime::webhook;
///
/// let body = r#"{"id": "evt_1", "object": "v2.core.event", "type": "v1.billing.meter.no_meter_found",
///     "created": "2025-01-01T00:00:00.000Z", "livemode": false}"#;
/// let header = webhook::sign_test_payload(body, "whsec_test", SystemTime::now());
/// let notification = webhook::parse_event_notification(body, &header, "whsec_test").unwrap();
/// assert_eq!(notification.type_, "v1.billing.meter.no_meter_found");
/// assert!(notification.related_object.is_none());
/// ```
pub fn parse_event_notification(
    payload: &str,
    signature_header: &str,
    secret: &str,
) -> Result<EventNotification, WebhookError> {
    parse_event_notification_with(payload, signature_header, secret, &Options::default())
}

/// [`parse_event_notification`] with every option (`ignore_api_version` does not apply: thin
/// events have no API version).
pub fn parse_event_notification_with(
    payload: &str,
    signature_header: &str,
    secret: &str,
    options: &Options,
) -> Result<EventNotification, WebhookError> {
    let now = options.now.unwrap_or_else(SystemTime::now);
    verify_signature(payload, signature_header, secret, options.tolerance, now)?;
    decode_notification(payload)
}

/// Checks the signature only: `Ok` when a `v1` of the header matches `payload` and `secret`
/// and is no older than `tolerance` at `now`.
pub fn verify_signature(
    payload: &str,
    signature_header: &str,
    secret: &str,
    tolerance: Duration,
    now: SystemTime,
) -> Result<(), WebhookError> {
    if secret.is_empty() {
        return Err(WebhookError::NoSecret);
    }
    let header = Header::parse(signature_header)?;
    if header.v1.is_empty() {
        return Err(WebhookError::NoV1Signature);
    }
    let expected = sign(header.t_text, payload, secret);
    let matches = header.v1.iter().any(|candidate| {
        // The candidate comes from the request, so decoding it leaks nothing; the comparison
        // with the expected tag, which depends on the secret, is constant-time.
        decode_hex_32(candidate).is_some_and(|c| bool::from(c.ct_eq(expected.as_ref())))
    });
    if !matches {
        return Err(WebhookError::NoMatchingSignature);
    }
    let now = unix_seconds(now);
    let age = i128::from(now) - i128::from(header.timestamp);
    if age > i128::from(tolerance.as_secs()) {
        return Err(WebhookError::OutsideTolerance {
            timestamp: header.timestamp,
            now,
            tolerance,
        });
    }
    Ok(())
}

/// A `Stripe-Signature` header for `payload`, signed with `secret` at `timestamp`, as Stripe
/// would send it: for testing your own webhook handlers.
pub fn sign_test_payload(payload: &str, secret: &str, timestamp: SystemTime) -> String {
    let t = unix_seconds(timestamp).to_string();
    let tag = sign(&t, payload, secret);
    let mut header = format!("t={t},v1=");
    for b in tag.as_ref() {
        header.push(char::from(HEX[usize::from(b >> 4)]));
        header.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    header
}

/// Decodes a verified payload, refusing other API versions unless told not to.
fn decode_event<E: Event>(payload: &str, ignore_api_version: bool) -> Result<E, WebhookError> {
    let check_version = |version: Option<&str>| {
        if ignore_api_version || version == Some(API_VERSION) {
            Ok(())
        } else {
            Err(WebhookError::ApiVersionMismatch {
                event: version.map(str::to_owned),
                expected: API_VERSION,
            })
        }
    };
    let event: E = match from_json(payload) {
        Ok(event) => event,
        Err(e) => {
            // A payload of another API version may fail for that reason: say so first (only
            // for a version that is there: a payload without one is no event at all).
            if let Some(version) = api_version_of(payload) {
                check_version(Some(&version))?;
            }
            let reason = match object_of(payload).as_deref() {
                Some("v2.core.event") => THIN_EVENT.to_owned(),
                _ => e.to_string(),
            };
            return Err(WebhookError::NotAnEvent { reason });
        }
    };
    if event.object() == "v2.core.event" {
        return Err(WebhookError::NotAnEvent {
            reason: THIN_EVENT.to_owned(),
        });
    }
    if event.object() != "event" {
        return Err(WebhookError::NotAnEvent {
            reason: format!("its `object` is `{}`, not `event`", event.object()),
        });
    }
    check_version(event.api_version())?;
    Ok(event)
}

/// What a v1 snapshot event given to [`parse_event_notification`] is told.
const V1_EVENT: &str =
    "it is a snapshot event (`object: event`), not a thin event; decode it with construct_event";

/// What a thin event given to [`construct_event`] is told.
const THIN_EVENT: &str = "it is a thin event (`object: v2.core.event`), not a snapshot event; \
                          decode it with parse_event_notification";

/// Decodes a verified payload as a thin event.
fn decode_notification(payload: &str) -> Result<EventNotification, WebhookError> {
    let not_one = |reason: String| Err(WebhookError::NotAnEvent { reason });
    match from_json::<EventNotification>(payload) {
        Ok(n) if n.object == "v2.core.event" => Ok(n),
        Ok(n) if n.object == "event" => not_one(V1_EVENT.to_owned()),
        Ok(n) => not_one(format!(
            "its `object` is `{}`, not `v2.core.event`",
            n.object
        )),
        // A v1 event fails to decode (its `created` is a number): say what it is.
        Err(_) if object_of(payload).as_deref() == Some("event") => not_one(V1_EVENT.to_owned()),
        Err(e) => not_one(e.to_string()),
    }
}

/// The `object` of a payload that is one JSON object, when it is a string.
fn object_of(payload: &str) -> Option<String> {
    let mut r = Reader::new(payload);
    Some(r.tag("object").ok()??.into_owned())
}

/// The `api_version` of a payload that is one JSON object, when it is a string.
fn api_version_of(payload: &str) -> Option<String> {
    let mut r = Reader::new(payload);
    let version = r.tag("api_version").ok()??;
    // Only for a payload that is JSON throughout: the tag is read ahead, the rest checked.
    r.raw().and_then(|_| r.finish()).ok()?;
    Some(version.into_owned())
}

/// `Stripe-Signature`, parsed: `t` (its text is what was signed) and the `v1` values.
struct Header<'a> {
    timestamp: i64,
    t_text: &'a str,
    v1: Vec<&'a str>,
}

impl<'a> Header<'a> {
    fn parse(header: &'a str) -> Result<Header<'a>, WebhookError> {
        let malformed = |reason| WebhookError::MalformedHeader { reason };
        if header.trim().is_empty() {
            return Err(WebhookError::NoHeader);
        }
        let mut t = None;
        let mut v1 = Vec::new();
        for part in header.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((key, value)) = part.split_once('=') else {
                return Err(malformed("an item without `=`"));
            };
            match key {
                "t" if t.is_some() => return Err(malformed("more than one `t`")),
                "t" => t = Some(value),
                "v1" => v1.push(value),
                // `v0` (a legacy scheme) and keys of future schemes.
                _ => {}
            }
        }
        let t_text = t.ok_or(malformed("no `t` timestamp"))?;
        let digits = !t_text.is_empty() && t_text.bytes().all(|b| b.is_ascii_digit());
        let timestamp = t_text
            .parse::<i64>()
            .ok()
            .filter(|_| digits)
            .ok_or(malformed("`t` is not a Unix timestamp in seconds"))?;
        Ok(Header {
            timestamp,
            t_text,
            v1,
        })
    }
}

/// HMAC-SHA256 of `"{t}.{payload}"`, keyed with the secret's bytes.
fn sign(t: &str, payload: &str, secret: &str) -> hmac::Tag {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let mut ctx = hmac::Context::with_key(&key);
    ctx.update(t.as_bytes());
    ctx.update(b".");
    ctx.update(payload.as_bytes());
    ctx.sign()
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// 64 hex digits (either case) -> 32 bytes; anything else is no SHA-256 signature.
fn decode_hex_32(text: &str) -> Option<[u8; 32]> {
    let bytes = text.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        out[i] = nibble(pair[0])? << 4 | nibble(pair[1])?;
    }
    Some(out)
}

/// Seconds since the Unix epoch; negative before it, saturating far from it.
fn unix_seconds(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_parse_by_the_rules() {
        let h = Header::parse(" t=12 , v1=ab,v0=cd,v1=ef,x=y,,").unwrap();
        assert_eq!((h.timestamp, h.t_text, h.v1), (12, "12", vec!["ab", "ef"]));
        for (header, reason) in [
            ("t", "an item without `=`"),
            ("t=1,t=1,v1=a", "more than one `t`"),
            ("v1=a", "no `t` timestamp"),
            ("t=+1,v1=a", "`t` is not a Unix timestamp in seconds"),
            (
                "t=99999999999999999999,v1=a",
                "`t` is not a Unix timestamp in seconds",
            ),
        ] {
            match Header::parse(header) {
                Err(WebhookError::MalformedHeader { reason: r }) => {
                    assert_eq!(r, reason, "{header}")
                }
                _ => panic!("{header} parsed"),
            }
        }
        assert!(matches!(Header::parse("  "), Err(WebhookError::NoHeader)));
    }

    #[test]
    fn hex_is_64_digits_of_either_case() {
        let lower = "2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7";
        let decoded = decode_hex_32(lower).unwrap();
        assert_eq!(decoded[0], 0x22);
        assert_eq!(decoded[31], 0xc7);
        assert_eq!(decode_hex_32(&lower.to_uppercase()), Some(decoded));
        assert_eq!(decode_hex_32(&lower[1..]), None);
        assert_eq!(decode_hex_32(&format!("{}g", &lower[1..])), None);
        // Multi-byte characters are not digits, and do not split a byte pair.
        assert_eq!(decode_hex_32(&format!("é{}", &lower[2..])), None);
    }

    #[test]
    fn notifications_are_thin_events_only() {
        let thin = r#"{"id": "evt_1", "object": "v2.core.event", "type": "new.type",
            "created": "2025-01-01T00:00:00Z", "livemode": true}"#;
        assert_eq!(decode_notification(thin).unwrap().type_, "new.type");
        let reason = |payload: &str| match decode_notification(payload) {
            Err(WebhookError::NotAnEvent { reason }) => reason,
            other => panic!("{payload}: {other:?}"),
        };
        let v1 = r#"{"id": "evt_1", "object": "event", "type": "customer.created",
            "created": 1735689600, "livemode": true, "api_version": "2017-05-25"}"#;
        assert_eq!(reason(v1), V1_EVENT);
        assert_eq!(reason(&thin.replace("v2.core.event", "event")), V1_EVENT);
        assert_eq!(
            reason(&thin.replace("v2.core.event", "v2.core.account")),
            "its `object` is `v2.core.account`, not `v2.core.event`"
        );
        assert!(reason(r#"{"id": "evt_1"}"#).contains("missing field"));
        assert!(reason("not json").contains("expected"));
        assert!(!reason("").is_empty());
        assert_eq!(object_of("[1]"), None);
        assert_eq!(object_of(r#"{"object": 1}"#), None);
    }

    #[test]
    fn unix_seconds_saturate() {
        assert_eq!(unix_seconds(UNIX_EPOCH + Duration::from_secs(5)), 5);
        assert_eq!(unix_seconds(UNIX_EPOCH - Duration::from_secs(5)), -5);
    }
}
