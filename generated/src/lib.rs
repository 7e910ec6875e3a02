#![doc = include_str!("../GUIDE.md")]

pub use stripe_typed_runtime as rt;

/// Generated modules: one per Stripe resource, each behind a feature named after it, written by
/// `cargo xtask codegen` and never edited by hand.
#[rustfmt::skip]
pub mod resources;

/// Webhooks: verify Stripe's signature over a raw request body and decode the typed
/// [`Event`](crate::resources::event::Event) (feature `webhook`, on by default).
///
/// ```
/// use stripe_typed::resources::event::{EventObject, EventType};
/// use stripe_typed::rt::WireEnum;
/// use stripe_typed::webhook::{self, WebhookError};
///
/// /// The body as received (not re-encoded JSON) and the `Stripe-Signature` header.
/// fn handle(body: &str, signature: &str, secret: &str) -> Result<(), WebhookError> {
///     let event = webhook::construct_event(body, signature, secret)?;
///     // `EventType` lists every event type of the spec; `EventObject` has a typed variant per
///     // selected resource (`EventObject::FinancialConnectionsAccount(account)`, ...), see
///     // `examples/webhook.rs`, and keeps the objects of other resources as JSON.
///     match (&event.type_, &event.data.object) {
///         (EventType::BalanceAvailable, EventObject::Other(balance)) => {
///             println!("balance available: {}", balance["available"]);
///         }
///         (other, _) => println!("{} ignored", other.as_str()),
///     }
///     Ok(())
/// }
/// # let secret = "whsec_test";
/// # let body = r#"{"id":"evt_1","object":"event","api_version":"2026-01-28.clover","created":1,"livemode":false,"pending_webhooks":0,"request":null,"type":"balance.available","data":{"object":{}}}"#;
/// # let header = webhook::sign_test_payload(body, secret, std::time::SystemTime::now());
/// # handle(body, &header, secret).unwrap();
/// ```
///
/// The rules (which signatures are accepted, the tolerance, API versions) are the runtime's:
/// see [`rt::webhook`].
#[cfg(feature = "webhook")]
pub mod webhook {
    use std::time::{Duration, SystemTime};

    use crate::resources::event::Event;
    pub use crate::rt::webhook::{
        sign_test_payload, verify_signature, Options, WebhookError, DEFAULT_TOLERANCE,
        SIGNATURE_HEADER,
    };

    /// Verifies `signature_header` over `payload` (the raw request body) with `secret`, with
    /// the default tolerance against the system clock, and decodes the event.
    pub fn construct_event(
        payload: &str,
        signature_header: &str,
        secret: &str,
    ) -> Result<Event, WebhookError> {
        crate::rt::webhook::construct_event(payload, signature_header, secret)
    }

    /// [`construct_event`] with the tolerance and the current time given (tests, replays).
    pub fn construct_event_at(
        payload: &str,
        signature_header: &str,
        secret: &str,
        tolerance: Duration,
        now: SystemTime,
    ) -> Result<Event, WebhookError> {
        crate::rt::webhook::construct_event_at(payload, signature_header, secret, tolerance, now)
    }

    /// [`construct_event`] with every option.
    pub fn construct_event_with(
        payload: &str,
        signature_header: &str,
        secret: &str,
        options: &Options,
    ) -> Result<Event, WebhookError> {
        crate::rt::webhook::construct_event_with(payload, signature_header, secret, options)
    }
}

resources::with_resource! { financial_connections_session:
    /// The README's usage example, compiled as a doctest so it cannot rot (when the resource it
    /// uses is selected).
    #[doc = include_str!("../../README.md")]
    #[cfg(all(doctest, feature = "reqwest"))]
    pub struct ReadmeDoctests;
}
