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
pub mod webhook {
    use std::time::{Duration, SystemTime};

    use crate::resources::event::Event;
    pub use crate::rt::v2::EventNotification;
    pub use crate::rt::webhook::{
        parse_event_notification, parse_event_notification_at, parse_event_notification_with,
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

resources::with_resource! { v2_billing_meter_event_session:
    /// The session's token authenticates the meter event stream until `expires_at`.
    #[cfg(feature = "client")]
    impl rt::v2::StreamSession
        for resources::v2_billing_meter_event_session::V2BillingMeterEventSession
    {
        fn authentication_token(&self) -> &rt::Secret {
            &self.authentication_token
        }

        fn expires_at(&self) -> &rt::DateTime {
            &self.expires_at
        }
    }

    /// Meter events at volume (feature `client`).
    #[cfg(feature = "client")]
    impl resources::v2_billing_meter_event_session::V2BillingMeterEventSession {
        /// A [`rt::v2::MeterEventStream`] that sends batches of meter events through `client`:
        /// it creates sessions with [`create`](Self::create), sends each batch with
        /// [`stream_events`](Self::stream_events) authenticated by the current session's token,
        /// and renews the session before it expires, or when the stream says it has (then the
        /// batch is sent once more, with the same idempotency key). One stream serves every
        /// task: share it in an `Arc`.
        ///
        /// ```no_run
        /// # #[cfg(feature = "reqwest")]
        /// # async fn demo() -> Result<(), stripe_typed::rt::Error> {
        /// use std::collections::BTreeMap;
        /// use std::sync::Arc;
        /// use stripe_typed::resources::v2_billing_meter_event_session::{
        ///     StreamEventsV2BillingMeterEventSession as Batch,
        ///     StreamEventsV2BillingMeterEventSessionEvents as MeterEvent,
        ///     V2BillingMeterEventSession,
        /// };
        /// use stripe_typed::rt;
        ///
        /// let stream = Arc::new(V2BillingMeterEventSession::stream(rt::Client::new("sk_test_...")));
        /// let payload = BTreeMap::from([
        ///     ("stripe_customer_id".to_owned(), "cus_123".to_owned()),
        ///     ("value".to_owned(), "25".to_owned()),
        /// ]);
        /// // An identifier lets Stripe drop a duplicate if a batch is ever sent again.
        /// let event = MeterEvent::new("api_calls".to_owned(), payload).identifier("req_8f2a");
        /// stream.send(&Batch::new(vec![event])).await?;
        /// # Ok(())
        /// # }
        /// ```
        pub fn stream(
            client: rt::Client,
        ) -> rt::v2::MeterEventStream<
            Self,
            resources::v2_billing_meter_event_session::StreamEventsV2BillingMeterEventSession,
        > {
            use resources::v2_billing_meter_event_session::CreateV2BillingMeterEventSession;
            rt::v2::MeterEventStream::new(
                client,
                || Self::create(&CreateV2BillingMeterEventSession::new()),
                Self::stream_events,
            )
        }
    }
}

resources::with_resource! { financial_connections_session:
    /// The README's usage example, compiled as a doctest so it cannot rot (when the resource it
    /// uses is selected).
    #[doc = include_str!("../../README.md")]
    #[cfg(all(doctest, feature = "reqwest"))]
    pub struct ReadmeDoctests;
}
