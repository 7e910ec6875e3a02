//! The meter event stream at volume (`V2BillingMeterEventSession::stream`), against a loopback
//! server that plays Stripe's session API: it hands out session tokens, revokes the current one
//! part-way through (as an expiry would), answers a revoked token with v2's
//! `billing_meter_event_session_expired`, and records every batch with its token and
//! idempotency key. Many tasks send at once; the records must show one session per expiry,
//! every event accepted exactly once, and no task going back to a token it saw replaced.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use serde_json::{json, Value};
use stripe_typed::resources::v2_billing_meter_event_session::{
    StreamEventsV2BillingMeterEventSession as Batch,
    StreamEventsV2BillingMeterEventSessionEvents as MeterEvent, V2BillingMeterEventSession,
};
use stripe_typed::rt::{self, v2::ErrorCode};
use tests::block_on;
use tests::server::{Recorded, Reply, Server};

const KEY: &str = "sk_test_meter_SECRETKEY";
const TOKEN_PREFIX: &str = "ek_test_stream_TOKEN_";
const SESSION: &str = "/v2/billing/meter_event_session";
const STREAM: &str = "/v2/billing/meter_event_stream";

/// One request to the stream, as the server saw it.
#[derive(Clone, Debug)]
struct Sent {
    /// Which session's token it carried: 1 for the first, 0 for none known.
    generation: usize,
    idempotency_key: String,
    body: Value,
    accepted: bool,
}

impl Sent {
    /// The event identifiers of the batch.
    fn identifiers(&self) -> Vec<String> {
        let events = self.body["events"].as_array().cloned().unwrap_or_default();
        events
            .iter()
            .map(|e| e["identifier"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// The task that sent it (identifiers are `t<task>-b<batch>-e<event>`).
    fn task(&self) -> String {
        let first = self.identifiers().into_iter().next().unwrap_or_default();
        first.split('-').next().unwrap_or_default().to_owned()
    }
}

#[derive(Default)]
struct Records {
    /// The tokens handed out, in order: token `n` is session `n + 1`.
    tokens: Vec<String>,
    /// How many sessions were revoked: the first `revoked` are.
    revoked: usize,
    /// The keys the session requests were authenticated with.
    session_keys: Vec<String>,
    stream: Vec<Sent>,
}

/// Stripe's session API as far as the stream needs it.
struct Api {
    records: Mutex<Records>,
    /// After how many accepted batches the current session is revoked.
    revoke_after: Vec<usize>,
}

fn v2_error(status: u16, type_: &str, code: &str) -> Reply {
    let body = json!({"error": {"type": type_, "code": code, "message": "test server"}});
    Reply::json(status, &body.to_string())
}

impl Api {
    fn new(revoke_after: Vec<usize>) -> Arc<Api> {
        Arc::new(Api {
            records: Mutex::default(),
            revoke_after,
        })
    }

    fn records(&self) -> std::sync::MutexGuard<'_, Records> {
        self.records.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn answer(&self, request: &Recorded) -> Reply {
        let key = request
            .header("authorization")
            .and_then(|value| value.strip_prefix("Bearer "))
            .unwrap_or_default()
            .to_owned();
        let mut records = self.records();
        match (request.method.as_str(), request.target.as_str()) {
            ("POST", SESSION) => {
                records.session_keys.push(key.clone());
                if key != KEY {
                    return v2_error(401, "invalid_request_error", "unauthorized");
                }
                let token = format!("{TOKEN_PREFIX}{}", records.tokens.len() + 1);
                records.tokens.push(token.clone());
                let now = SystemTime::now();
                let at = |t| rt::DateTime::from_system_time(t).expect("a date-time");
                let session = json!({
                    "id": format!("mes_{}", records.tokens.len()),
                    "object": "v2.billing.meter_event_session",
                    "authentication_token": token,
                    "created": at(now).as_str(),
                    "expires_at": at(now + Duration::from_secs(15 * 60)).as_str(),
                    "livemode": false,
                });
                Reply::json(200, &session.to_string())
            }
            ("POST", STREAM) => {
                let generation = records
                    .tokens
                    .iter()
                    .position(|t| *t == key)
                    .map_or(0, |i| i + 1);
                let accepted = generation > records.revoked;
                records.stream.push(Sent {
                    generation,
                    idempotency_key: request
                        .header("idempotency-key")
                        .unwrap_or_default()
                        .to_owned(),
                    body: serde_json::from_slice(&request.body).unwrap_or(Value::Null),
                    accepted,
                });
                if generation == 0 {
                    return v2_error(401, "invalid_request_error", "unauthorized");
                }
                if !accepted {
                    // The spec gives no status for it; the stream decides by the body.
                    return v2_error(
                        401,
                        "temporary_session_expired",
                        "billing_meter_event_session_expired",
                    );
                }
                let accepted = records.stream.iter().filter(|s| s.accepted).count();
                if self.revoke_after.contains(&accepted) {
                    records.revoked = records.tokens.len();
                }
                Reply::json(200, "{}")
            }
            _ => v2_error(404, "invalid_request_error", "not_found"),
        }
    }
}

fn start(api: &Arc<Api>) -> Server {
    let api = Arc::clone(api);
    Server::respond_with(move |request| api.answer(request))
}

fn batch(task: usize, batch: usize, events: usize) -> Batch {
    let events = (0..events)
        .map(|event| {
            let payload = BTreeMap::from([
                ("stripe_customer_id".to_owned(), format!("cus_{task}")),
                ("value".to_owned(), "1".to_owned()),
            ]);
            MeterEvent::new("api_calls".to_owned(), payload)
                .identifier(format!("t{task}-b{batch}-e{event}"))
        })
        .collect();
    Batch::new(events)
}

#[test]
fn concurrent_senders_share_each_session_and_lose_or_repeat_no_event() {
    const TASKS: usize = 8;
    const BATCHES: usize = 20;
    const EVENTS: usize = 3;
    let api = Api::new(vec![40, 120]);
    let server = start(&api);
    let stream = Arc::new(V2BillingMeterEventSession::stream(server.client(KEY)));
    block_on(async {
        let tasks: Vec<_> = (0..TASKS)
            .map(|task| {
                let stream = Arc::clone(&stream);
                tokio::spawn(async move {
                    for n in 0..BATCHES {
                        stream.send(&batch(task, n, EVENTS)).await?;
                    }
                    Ok::<(), rt::Error>(())
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("the task ran").expect("every batch sent");
        }
    });

    let records = api.records();
    // One session at first, one per revocation: never two for one expiry.
    assert_eq!(records.tokens.len(), 3, "{:?}", records.session_keys);
    assert!(records.session_keys.iter().all(|k| k == KEY));
    let sent = &records.stream;
    assert!(
        sent.iter().all(|s| s.generation > 0),
        "a stream request without a session token"
    );

    // Every event accepted exactly once.
    let accepted: Vec<String> = sent
        .iter()
        .filter(|s| s.accepted)
        .flat_map(Sent::identifiers)
        .collect();
    let unique: BTreeSet<&String> = accepted.iter().collect();
    assert_eq!(accepted.len(), TASKS * BATCHES * EVENTS);
    assert_eq!(unique.len(), accepted.len(), "an event was accepted twice");

    // Each refused batch was sent once more, with the same key and body, on a newer session.
    let refused: Vec<&Sent> = sent.iter().filter(|s| !s.accepted).collect();
    assert!(
        refused.len() >= 2,
        "each revocation is discovered: {refused:?}"
    );
    for no in &refused {
        let same_key: Vec<&Sent> = sent
            .iter()
            .filter(|s| s.idempotency_key == no.idempotency_key)
            .collect();
        assert_eq!(same_key.len(), 2, "{:?}", no.idempotency_key);
        let again = same_key[1];
        assert!(again.accepted && again.generation > no.generation);
        assert_eq!(again.body, no.body);
    }
    // Keys are one per batch.
    let keys: BTreeSet<&str> = sent.iter().map(|s| s.idempotency_key.as_str()).collect();
    assert_eq!(keys.len(), TASKS * BATCHES);

    // No task goes back to a session it has seen replaced, and each sends at most one request
    // with a revoked token (the one that discovered it, or one already on its way).
    let mut by_task: BTreeMap<String, Vec<&Sent>> = BTreeMap::new();
    for s in sent {
        by_task.entry(s.task()).or_default().push(s);
    }
    assert_eq!(by_task.len(), TASKS);
    for (task, sent) in by_task {
        let generations: Vec<usize> = sent.iter().map(|s| s.generation).collect();
        assert!(
            generations.windows(2).all(|w| w[0] <= w[1]),
            "{task}: {generations:?}"
        );
        for generation in 1..=3 {
            let refused = sent
                .iter()
                .filter(|s| !s.accepted && s.generation == generation)
                .count();
            assert!(
                refused <= 1,
                "{task}: {refused} refused with session {generation}"
            );
        }
    }
    drop(records);

    let debug = format!("{stream:?}");
    assert!(debug.contains("sessions_created: 3"), "{debug}");
    assert!(
        !debug.contains(TOKEN_PREFIX) && !debug.contains(KEY),
        "{debug}"
    );
}

#[test]
fn a_batch_refused_twice_fails_without_showing_the_token() {
    // Every session is revoked as soon as it exists: the batch is sent twice, then fails.
    let api = Api::new(Vec::new());
    api.records().revoked = usize::MAX;
    let server = start(&api);
    let stream = V2BillingMeterEventSession::stream(server.client(KEY));
    let err = block_on(stream.send(&batch(0, 0, 2))).expect_err("refused twice");
    assert_eq!(
        err.v2_api_error().map(|e| e.code.clone()),
        Some(ErrorCode::BillingMeterEventSessionExpired)
    );
    assert_eq!(err.status(), Some(401));
    let shown = format!("{err:?} {err} {stream:?}");
    assert!(!shown.contains(TOKEN_PREFIX), "{shown}");
    assert!(err.idempotency_key().is_some());

    let records = api.records();
    assert_eq!(records.tokens.len(), 2);
    let sent: Vec<(usize, &str)> = records
        .stream
        .iter()
        .map(|s| (s.generation, s.idempotency_key.as_str()))
        .collect();
    let key = err.idempotency_key().unwrap_or_default();
    assert_eq!(sent, [(1, key), (2, key)]);
    let requests = server.requests();
    let paths: Vec<&str> = requests.iter().map(|r| r.target.as_str()).collect();
    assert_eq!(paths, [SESSION, STREAM, SESSION, STREAM]);
    // The stream's requests carry the token, never the secret key; the sessions the key.
    for r in &requests {
        let auth = r.header("authorization").unwrap_or_default();
        assert_eq!(auth.contains(KEY), r.target == SESSION, "{}", r.target);
    }
}
