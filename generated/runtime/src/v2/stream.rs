//! v2's meter event stream at volume: one session shared by every sender, renewed before it
//! expires and when the stream says it has.

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use crate::random;
use crate::{Client, DateTime, Decode, Error, Json, Request, Secret};

/// What [`MeterEventStream`] needs of a meter event session (the generated
/// `V2BillingMeterEventSession`, `POST /v2/billing/meter_event_session`): the token that
/// authenticates the stream, and when it expires.
pub trait StreamSession: Decode {
    /// The token sent as the API key of the stream's requests.
    fn authentication_token(&self) -> &Secret;
    /// When the token expires (Stripe's sessions last 15 minutes).
    fn expires_at(&self) -> &DateTime;
}

/// How long before its `expires_at` a session is renewed, unless
/// [`MeterEventStream::with_renewal_margin`] says otherwise: one minute, which covers the
/// time a request takes and a clock that is a little off.
pub const DEFAULT_RENEWAL_MARGIN: Duration = Duration::from_secs(60);

/// Sends meter events through v2's high-throughput meter event stream
/// (`POST /v2/billing/meter_event_stream`, on `https://meter-events.stripe.com`), from any
/// number of tasks at once, taking care of the session that authenticates it.
///
/// The stream is not authenticated by the secret key but by the token of a meter event
/// session, which expires after 15 minutes. A `MeterEventStream` creates a session when it
/// first sends, sends every batch with its token as the request's API key
/// ([`Request::api_key`]), and creates the next session:
///
/// - before the current one expires: a batch sent less than the renewal margin (one minute,
///   [`DEFAULT_RENEWAL_MARGIN`]) before its `expires_at`, by the local clock, waits for a new
///   session first (a session whose `expires_at` cannot be read is renewed only as follows);
/// - when the stream answers that the session expired anyway (the v2 error
///   `billing_meter_event_session_expired`, or an error of type
///   `temporary_session_expired`, which the spec pins to that code): the batch is sent once
///   more, with the new session's token and the same `Idempotency-Key`, so that it is neither
///   lost nor applied twice. If it fails again, the error is returned.
///
/// One session is created at a time: senders that need a new one while another sender is
/// creating it wait for that one and use it, so a session that expires under many senders is
/// renewed once (a sender whose request was refused with a session that was already
/// replaced uses the replacement). A batch is sent with a token older than the current one
/// only if it was on its way when the token was replaced. If creating a session fails, the
/// senders waiting for it get that error; the next batch tries again. A sender cancelled while
/// it creates a session (its future dropped) hands the renewal to the next sender.
///
/// Each batch gets an `Idempotency-Key` of its own (unless the request has one), kept across
/// the client's retries and the re-send after a renewal. The client's retry rules apply to
/// every request as usual. Stripe also drops a meter event whose `identifier` it has seen in
/// the past 24 hours: set one on each event to make re-sending a batch after a crash safe.
///
/// The token is a [`Secret`]: it is in no `Debug` output (the stream's shows the current
/// session's `expires_at` and how many sessions were created) and in no error.
///
/// stripe-node and stripe-go offer the two requests only (`meterEventSession.create`,
/// `meterEventStream.create`) and leave sessions to their users: their examples create a new
/// one when `expires_at` has passed. This type goes further: sessions shared by concurrent
/// senders, renewed ahead of time, and the batch refused by an expired session sent again.
///
/// ```no_run
/// # #[cfg(feature = "reqwest")]
/// # async fn demo() -> Result<(), stripe_typed_runtime::Error> {
/// use std::sync::Arc;
/// use stripe_typed_runtime::v2::{MeterEventStream, StreamSession};
/// use stripe_typed_runtime::{self as rt, Client, DateTime, Method, Request, Secret};
///
/// // What the generated crate provides as `V2BillingMeterEventSession` and `::stream`.
/// struct Session { token: Secret, expires_at: DateTime }
/// # impl rt::Decode for Session {
/// #     fn decode(r: &mut rt::Reader<'_>) -> Result<Self, rt::DecodeError> {
/// #         let (mut token, mut expires_at) = (None, None);
/// #         r.object(&mut |r, key| match key {
/// #             "authentication_token" => r.set(&mut token),
/// #             "expires_at" => r.set(&mut expires_at),
/// #             _ => r.raw().map(drop),
/// #         })?;
/// #         let token = r.required(token, "authentication_token")?;
/// #         Ok(Session { token, expires_at: r.required(expires_at, "expires_at")? })
/// #     }
/// # }
/// impl StreamSession for Session {
///     fn authentication_token(&self) -> &Secret { &self.token }
///     fn expires_at(&self) -> &DateTime { &self.expires_at }
/// }
///
/// let stream: Arc<MeterEventStream<Session, rt::Json>> = Arc::new(MeterEventStream::new(
///     Client::new("sk_test_..."),
///     || Request::new(Method::Post, "/v2/billing/meter_event_session"),
///     |events| {
///         Request::new(Method::Post, "/v2/billing/meter_event_stream")
///             .json(events)
///             .server("https://meter-events.stripe.com")
///     },
/// ));
/// let events = serde_json::json!({"events": [{"event_name": "api_calls",
///     "payload": {"stripe_customer_id": "cus_1", "value": "1"}}]});
/// stream.send(&events).await?;
/// # Ok(())
/// # }
/// ```
pub struct MeterEventStream<S, P: ?Sized> {
    client: Client,
    create_session: fn() -> Request<S>,
    request: fn(&P) -> Request<Json>,
    margin: Duration,
    state: Mutex<State>,
    /// The turn to create a session: one sender at a time, the others queued in order. A
    /// sender cancelled while it holds the turn drops it, and the next in line takes over.
    renewal: tokio::sync::Mutex<()>,
}

/// The session the stream sends with, and what became of the renewals.
#[derive(Default)]
struct State {
    /// The newest session, once one was created.
    session: Option<Arc<Active>>,
    /// How many sessions were created: the generation of `session`.
    created: u64,
    /// How many renewals failed.
    failed: u64,
    /// The error of the last renewal that failed, for the senders that waited for it.
    failure: Option<Error>,
    /// Whether a session is being created.
    renewing: bool,
}

/// A session being created, for `Debug`: over when the creation ends or is cancelled.
struct Renewing<'a>(&'a Mutex<State>);

impl<'a> Renewing<'a> {
    fn start(state: &'a Mutex<State>) -> Self {
        lock(state).renewing = true;
        Renewing(state)
    }
}

impl Drop for Renewing<'_> {
    fn drop(&mut self) {
        lock(self.0).renewing = false;
    }
}

/// A session, as the stream uses it.
struct Active {
    token: Secret,
    expires_at: DateTime,
    /// When to create the next one; `None` when `expires_at` cannot be read.
    renew_at: Option<SystemTime>,
    /// Which session it is: 1 for the first.
    generation: u64,
}

impl<S: StreamSession, P: ?Sized> MeterEventStream<S, P> {
    /// A stream that sends through `client` (whose secret key creates the sessions), creates
    /// sessions with the requests `create_session` makes, and sends a batch of events with the
    /// request `request` makes of it (the generated `V2BillingMeterEventSession::stream` fills
    /// in both).
    pub fn new(
        client: Client,
        create_session: fn() -> Request<S>,
        request: fn(&P) -> Request<Json>,
    ) -> Self {
        MeterEventStream {
            client,
            create_session,
            request,
            margin: DEFAULT_RENEWAL_MARGIN,
            state: Mutex::new(State::default()),
            renewal: tokio::sync::Mutex::new(()),
        }
    }

    /// Renews a session `margin` before its `expires_at` instead of
    /// [`DEFAULT_RENEWAL_MARGIN`]. A session that is within the margin when it is created is
    /// still used by the senders that waited for it; the next batch creates another.
    pub fn with_renewal_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Sends `events` (one batch: Stripe takes up to 100 events a request) through the stream,
    /// creating or renewing the session as described on [`MeterEventStream`].
    ///
    /// The request is made of `events` before the future starts, so the future does not
    /// borrow them.
    pub fn send(&self, events: &P) -> impl Future<Output = Result<(), Error>> + Send + '_ {
        let mut request = (self.request)(events);
        if request.options().idempotency_key.is_none() {
            request = request.idempotency_key(random::idempotency_key());
        }
        self.deliver(request)
    }

    /// Sends `request` with the current session, and once more with the next one if the
    /// stream says the current one expired.
    async fn deliver(&self, request: Request<Json>) -> Result<(), Error> {
        let session = self.session(None).await?;
        let first = request.clone().api_key(session.token.clone());
        match self.client.send(first).await {
            Ok(_) => Ok(()),
            Err(e) if is_session_expired(&e) => {
                let renewed = self.session(Some(session.generation)).await?;
                let again = request.api_key(renewed.token.clone());
                self.client.send(again).await.map(drop)
            }
            Err(e) => Err(e),
        }
    }

    /// A session to send with: the current one, unless it is generation `expired` or due for
    /// renewal; else the next one, created here or by the sender whose turn came first.
    async fn session(&self, expired: Option<u64>) -> Result<Arc<Active>, Error> {
        let (created, failed) = {
            let state = self.lock();
            if let Some(session) = &state.session {
                let due = session.renew_at.is_some_and(|at| SystemTime::now() >= at);
                if Some(session.generation) != expired && !due {
                    return Ok(Arc::clone(session));
                }
            }
            (state.created, state.failed)
        };
        let _turn = self.renewal.lock().await;
        {
            let state = self.lock();
            match (&state.session, &state.failure) {
                // Made while this sender waited: used even if already due.
                (Some(session), _) if state.created > created => return Ok(Arc::clone(session)),
                // Failed while this sender waited: the senders that waited get the error.
                (_, Some(e)) if state.failed > failed => return Err(e.clone()),
                _ => {}
            }
        }
        let made = {
            let _renewing = Renewing::start(&self.state);
            self.client.send((self.create_session)()).await
        };
        let mut state = self.lock();
        match made {
            Ok(session) => {
                state.created += 1;
                let active = Arc::new(Active {
                    token: session.authentication_token().clone(),
                    expires_at: session.expires_at().clone(),
                    renew_at: session
                        .expires_at()
                        .to_system_time()
                        .ok()
                        .map(|at| at.checked_sub(self.margin).unwrap_or(at)),
                    generation: state.created,
                });
                state.session = Some(Arc::clone(&active));
                state.failure = None;
                Ok(active)
            }
            Err(e) => {
                state.failed += 1;
                state.failure = Some(e.clone());
                Err(e)
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // Nothing panics while the lock is held; if something did, the state is still whole.
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The code of the stream's "session expired" error. Compared as text: `ErrorCode` is
/// generated from the pinned spec, and the runtime must build whatever spec it is pinned to.
const SESSION_EXPIRED: &str = "billing_meter_event_session_expired";

/// Whether `e` is the stream saying the session's token expired.
fn is_session_expired(e: &Error) -> bool {
    e.v2_api_error().is_some_and(|e| {
        crate::WireEnum::as_str(&e.code) == SESSION_EXPIRED
            || e.type_.as_deref() == Some("temporary_session_expired")
    })
}

/// The client (without its key), the margin, and the current session's `expires_at` and
/// generation; never a token.
impl<S, P: ?Sized> fmt::Debug for MeterEventStream<S, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = lock(&self.state);
        let expires_at = state.session.as_ref().map(|s| &s.expires_at);
        f.debug_struct("MeterEventStream")
            .field("client", &self.client)
            .field("renewal_margin", &self.margin)
            .field("sessions_created", &state.created)
            .field("expires_at", &expires_at)
            .field("renewing", &state.renewing)
            .finish_non_exhaustive()
    }
}

#[cfg(all(test, feature = "testing"))]
mod tests {
    use super::*;
    use crate::testing::{block_on, FakeStripe};
    use crate::v2::ErrorCode;
    use crate::WireEnum;
    use crate::{ErrorKind, Method, Reader};
    use serde_json::json;
    use std::pin::Pin;
    use std::task::{Context, Poll, Waker};

    struct Session {
        token: Secret,
        expires_at: DateTime,
    }

    impl Decode for Session {
        fn decode(r: &mut Reader<'_>) -> Result<Self, crate::DecodeError> {
            let (mut token, mut expires_at) = (None, None);
            r.object(&mut |r, key| match key {
                "authentication_token" => r.set(&mut token),
                "expires_at" => r.set(&mut expires_at),
                _ => r.raw().map(drop),
            })?;
            Ok(Session {
                token: r.required(token, "authentication_token")?,
                expires_at: r.required(expires_at, "expires_at")?,
            })
        }
    }

    impl StreamSession for Session {
        fn authentication_token(&self) -> &Secret {
            &self.token
        }
        fn expires_at(&self) -> &DateTime {
            &self.expires_at
        }
    }

    const SESSION: &str = "/v2/billing/meter_event_session";
    const STREAM: &str = "/v2/billing/meter_event_stream";

    fn new_stream(client: Client) -> MeterEventStream<Session, Json> {
        MeterEventStream::new(
            client,
            || Request::new(Method::Post, SESSION),
            |events| Request::new(Method::Post, STREAM).json(events),
        )
    }

    /// A session whose token is `token`, expiring `in_secs` from now.
    fn session(token: &str, in_secs: u64) -> Json {
        let at = DateTime::from_system_time(SystemTime::now() + Duration::from_secs(in_secs));
        json!({"id": "mes_1", "object": "v2.billing.meter_event_session",
               "authentication_token": token, "expires_at": at.unwrap().as_str()})
    }

    fn batch(n: u32) -> Json {
        json!({"events": [{"event_name": "calls", "payload": {"n": n.to_string()}}]})
    }

    fn token_of(sent: &crate::testing::SentRequest) -> &str {
        sent.header("authorization").unwrap_or_default()
    }

    #[test]
    fn one_session_serves_every_batch_until_it_is_due() {
        let fake = FakeStripe::new();
        fake.on(Method::Post, SESSION)
            .reply(&session("ek_test_ONE", 900));
        fake.on(Method::Post, STREAM)
            .reply(&json!({}))
            .reply(&json!({}));
        let stream = new_stream(fake.client());
        block_on(stream.send(&batch(1))).unwrap();
        block_on(stream.send(&batch(2))).unwrap();
        let sent = fake.requests();
        let paths: Vec<_> = sent.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(paths, [SESSION, STREAM, STREAM]);
        assert_eq!(token_of(&sent[0]), "Bearer sk_test_fake");
        assert_eq!(token_of(&sent[1]), "Bearer ek_test_ONE");
        assert_eq!(token_of(&sent[2]), "Bearer ek_test_ONE");
        assert_eq!(sent[1].json, Some(batch(1)));
        let keys = (sent[1].idempotency_key(), sent[2].idempotency_key());
        assert!(keys.0.is_some() && keys.0 != keys.1, "{keys:?}");
        let debug = format!("{stream:?}");
        assert!(debug.contains("sessions_created: 1"), "{debug}");
        assert!(!debug.contains("ek_test"), "{debug}");
    }

    #[test]
    fn an_expired_session_is_renewed_and_the_batch_sent_once_more() {
        let fake = FakeStripe::new();
        fake.on(Method::Post, SESSION)
            .reply(&session("ek_test_ONE", 900))
            .reply(&session("ek_test_TWO", 900));
        fake.on(Method::Post, STREAM)
            .v2_error(401, ErrorCode::from_wire(SESSION_EXPIRED), "Expired.")
            .reply(&json!({}))
            .reply(&json!({}));
        let stream = new_stream(fake.client());
        block_on(stream.send(&batch(1))).unwrap();
        block_on(stream.send(&batch(2))).unwrap();
        let sent = fake.requests();
        let seen: Vec<_> = sent
            .iter()
            .map(|r| (r.path.as_str(), token_of(r)))
            .collect();
        assert_eq!(
            seen,
            [
                (SESSION, "Bearer sk_test_fake"),
                (STREAM, "Bearer ek_test_ONE"),
                (SESSION, "Bearer sk_test_fake"),
                (STREAM, "Bearer ek_test_TWO"),
                (STREAM, "Bearer ek_test_TWO"),
            ]
        );
        // The same batch, with the same key.
        assert_eq!(
            (&sent[1].json, &sent[3].json),
            (&Some(batch(1)), &Some(batch(1)))
        );
        assert_eq!(sent[1].idempotency_key(), sent[3].idempotency_key());
        assert_ne!(sent[3].idempotency_key(), sent[4].idempotency_key());
    }

    #[test]
    fn the_batch_is_sent_once_more_only() {
        let fake = FakeStripe::new();
        fake.on(Method::Post, SESSION)
            .reply(&session("ek_test_ONE", 900))
            .reply(&session("ek_test_TWO", 900));
        // Told by `type` too, as stripe-node tells it.
        let by_type = super::super::ApiError {
            type_: Some("temporary_session_expired".to_owned()),
            ..super::super::ApiError::new(ErrorCode::Unknown("a_new_code".to_owned()), "Expired.")
        };
        fake.on(Method::Post, STREAM)
            .v2_api_error(400, by_type)
            .v2_error(401, ErrorCode::from_wire(SESSION_EXPIRED), "Expired.");
        let stream = new_stream(fake.client());
        let err = block_on(stream.send(&batch(1))).unwrap_err();
        assert_eq!(
            err.v2_api_error().map(|e| e.code.clone()),
            Some(ErrorCode::from_wire(SESSION_EXPIRED))
        );
        assert_eq!(fake.requests().len(), 4);
        assert_eq!(fake.unused(), Vec::<String>::new());
        let shown = format!("{err:?} {err} {stream:?}");
        assert!(!shown.contains("ek_test"), "{shown}");
        assert!(shown.contains("sessions_created: 2"), "{shown}");
    }

    #[test]
    fn other_errors_are_returned_as_they_are() {
        let fake = FakeStripe::new();
        fake.on(Method::Post, SESSION)
            .reply(&session("ek_test_ONE", 900));
        fake.on(Method::Post, STREAM).v2_error(
            400,
            ErrorCode::Unknown("invalid_events".to_owned()),
            "Bad.",
        );
        let stream = new_stream(fake.client());
        let err = block_on(stream.send(&batch(1))).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::ApiV2(_)), "{err:?}");
        assert_eq!(fake.requests().len(), 2);
    }

    #[test]
    fn a_session_due_for_renewal_is_renewed_before_sending() {
        let fake = FakeStripe::new();
        fake.on(Method::Post, SESSION)
            .reply(&session("ek_test_ONE", 60))
            .reply(&session("ek_test_TWO", 900));
        fake.on(Method::Post, STREAM)
            .reply(&json!({}))
            .reply(&json!({}))
            .reply(&json!({}));
        let stream = new_stream(fake.client()).with_renewal_margin(Duration::from_secs(120));
        for n in 1..=3 {
            block_on(stream.send(&batch(n))).unwrap();
        }
        let seen: Vec<_> = fake
            .requests()
            .iter()
            .map(|r| format!("{} {}", r.path, token_of(r)))
            .collect();
        assert_eq!(
            seen,
            [
                format!("{SESSION} Bearer sk_test_fake"),
                // Fresh, though within the margin: used by the batch that waited for it.
                format!("{STREAM} Bearer ek_test_ONE"),
                format!("{SESSION} Bearer sk_test_fake"),
                format!("{STREAM} Bearer ek_test_TWO"),
                format!("{STREAM} Bearer ek_test_TWO"),
            ]
        );
    }

    #[test]
    fn a_failed_session_fails_the_batch_and_the_next_batch_tries_again() {
        let fake = FakeStripe::new();
        fake.on(Method::Post, SESSION)
            .v2_error(400, ErrorCode::Unknown("invalid_request".to_owned()), "No.")
            .reply(&session("ek_test_ONE", 900));
        fake.on(Method::Post, STREAM).reply(&json!({}));
        let stream = new_stream(fake.client());
        let err = block_on(stream.send(&batch(1))).unwrap_err();
        assert_eq!(err.status(), Some(400));
        block_on(stream.send(&batch(2))).unwrap();
        let paths: Vec<_> = fake.requests().into_iter().map(|r| r.path).collect();
        assert_eq!(paths, [SESSION, SESSION, STREAM]);
        // A session without a readable expiry is used until the stream refuses it.
        let fake = FakeStripe::new();
        let mut odd = session("ek_test_ODD", 900);
        odd["expires_at"] = json!("soon");
        fake.on(Method::Post, SESSION).reply(&odd);
        fake.on(Method::Post, STREAM)
            .reply(&json!({}))
            .reply(&json!({}));
        let stream = new_stream(fake.client());
        block_on(stream.send(&batch(1))).unwrap();
        block_on(stream.send(&batch(2))).unwrap();
        assert_eq!(fake.requests().len(), 3);
    }

    /// Polls `future` once with a waker that does nothing.
    fn poll_once<F: Future + ?Sized>(future: Pin<&mut F>) -> Poll<F::Output> {
        future.poll(&mut Context::from_waker(Waker::noop()))
    }

    #[test]
    fn waiting_senders_share_the_renewal_and_take_over_a_cancelled_one() {
        use crate::{BoxFuture, HttpRequest, HttpResponse, Transport, TransportError};
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

        /// Sessions are created only once `open`; every request is counted.
        #[derive(Default)]
        struct Gate {
            open: AtomicBool,
            sessions: AtomicUsize,
            batches: AtomicUsize,
        }
        struct GateTransport(Arc<Gate>);
        impl Transport for GateTransport {
            fn send(
                &self,
                request: HttpRequest,
            ) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
                let gate = Arc::clone(&self.0);
                Box::pin(std::future::poll_fn(move |_| {
                    if !request.url.ends_with(SESSION) {
                        gate.batches.fetch_add(1, Ordering::SeqCst);
                        return Poll::Ready(Ok(HttpResponse::new(200, Vec::new(), b"{}".to_vec())));
                    }
                    if !gate.open.load(Ordering::SeqCst) {
                        return Poll::Pending;
                    }
                    let n = gate.sessions.fetch_add(1, Ordering::SeqCst);
                    let body = session(&format!("ek_test_{n}"), 900).to_string();
                    Poll::Ready(Ok(HttpResponse::new(200, Vec::new(), body.into_bytes())))
                }))
            }
            fn sleep(&self, _: Duration) -> BoxFuture<'_, ()> {
                Box::pin(async {})
            }
        }

        let gate = Arc::new(Gate::default());
        let client =
            Client::from_transport("sk_test_gate", Arc::new(GateTransport(Arc::clone(&gate))));
        let stream = new_stream(client);
        let (one, two, three) = (batch(1), batch(2), batch(3));
        let mut first = Box::pin(stream.send(&one));
        let mut second = Box::pin(stream.send(&two));
        let mut third = Box::pin(stream.send(&three));
        // The first creates the session; the others wait for it.
        assert!(poll_once(first.as_mut()).is_pending());
        assert!(poll_once(second.as_mut()).is_pending());
        assert!(poll_once(third.as_mut()).is_pending());
        assert!(format!("{stream:?}").contains("renewing: true"));
        // The first is cancelled mid-renewal: the second takes over, the third waits for it.
        drop(first);
        assert!(format!("{stream:?}").contains("renewing: false"));
        assert!(poll_once(second.as_mut()).is_pending());
        assert!(poll_once(third.as_mut()).is_pending());
        gate.open.store(true, Ordering::SeqCst);
        assert!(matches!(poll_once(second.as_mut()), Poll::Ready(Ok(()))));
        assert!(matches!(poll_once(third.as_mut()), Poll::Ready(Ok(()))));
        assert_eq!(gate.sessions.load(Ordering::SeqCst), 1);
        assert_eq!(gate.batches.load(Ordering::SeqCst), 2);
        assert!(format!("{stream:?}").contains("sessions_created: 1"));
    }

    #[test]
    fn streams_and_their_futures_are_send_and_sync() {
        fn send_sync<T: Send + Sync>(_: &T) {}
        fn send<T: Send>(_: &T) {}
        let stream = new_stream(FakeStripe::new().client());
        send_sync(&stream);
        let events = batch(1);
        send(&stream.send(&events));
    }
}
