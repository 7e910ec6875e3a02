#![doc = include_str!("../GUIDE.md")]
// docs.rs builds with `--cfg docsrs` on nightly: the resource modules and `webhook` say which
// feature they need. Not every gated item (`auto_cfg`): the items re-exported from the
// generated crates would show those crates' internal `reach-<hash>` gates.
#![cfg_attr(docsrs, feature(doc_cfg), doc(auto_cfg = false))]
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]

/// The hand-written runtime (`stripe-typed-runtime`): clients, errors, encoding, paging,
/// webhook signatures; what the generated modules build on.
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
/// Thin events (event notifications), which event destinations with the `thin` payload style
/// deliver for v2 events, are signed the same way: [`webhook::parse_event_notification`]
/// verifies one and returns an [`rt::v2::EventNotification`], which makes the requests that
/// fetch the event and the object it is about:
///
/// ```no_run
/// # #[cfg(all(feature = "reqwest", feature = "v2_core_event"))]
/// # async fn demo(client: &stripe_typed::rt::Client, body: &str, signature: &str) -> Result<(), Box<dyn std::error::Error>> {
/// use stripe_typed::resources::v2_core_event::{ThinEventObject, V2CoreEvent};
/// use stripe_typed::webhook;
///
/// let notification = webhook::parse_event_notification(body, signature, "whsec_...")?;
/// // The type is an open set: match the strings you handle, ignore the others.
/// if notification.type_ == "v2.core.account.updated" {
///     let event: V2CoreEvent = client.send(notification.fetch_event()).await?;
///     if let Some(request) = notification.fetch_related_object::<ThinEventObject>() {
///         match client.send(request?).await? {
///             # #[cfg(feature = "v2_core_account")]
///             ThinEventObject::V2CoreAccount(account) => println!("{} for {}", event.id.as_str(), account.id.as_str()),
///             other => println!("{other:?}"),
///         }
///     }
/// }
/// # Ok(())
/// # }
/// ```
///
/// The rules (which signatures are accepted, the tolerance, API versions) are the runtime's:
/// see [`rt::webhook`].
#[cfg(feature = "webhook")]
#[cfg_attr(docsrs, doc(cfg(feature = "webhook")))]
pub mod webhook {
    use crate::resources::event::Event;
    pub use crate::rt::v2::EventNotification;
    pub use crate::rt::webhook::{
        parse_event_notification, parse_event_notification_with, sign_test_payload,
        verify_signature, Options, WebhookError, DEFAULT_TOLERANCE, SIGNATURE_HEADER,
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
    #[doc = include_str!("../README.md")]
    #[cfg(all(doctest, feature = "reqwest"))]
    pub struct ReadmeDoctests;
}
