//! Every socket-level fault ends in a documented outcome, for the async and the blocking
//! client: a named `ErrorKind` variant, retried exactly when the README's retry rules say so,
//! with one `Idempotency-Key` across the attempts, and never a panic, a hang or a second
//! charge.
//! The README's fault table is this test's table (`FAULTS`).
//!
//! The server is raw TCP on 127.0.0.1, so it can misbehave below HTTP: it reads each request,
//! counts a POST as processed ("charged") once per idempotency key, then does what the fault
//! says; once the fault's attempts are used up it answers properly.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use stripe_typed::rt::{self, Error, ErrorKind, Json, Method, Request, TransportErrorKind};

const CHARGE: &str = r#"{"id":"ch_1","object":"charge","amount":100}"#;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Fault {
    CloseBeforeHeaders,
    CloseDuringHeaders,
    CloseAfterHeaders,
    BodyShorterThanLength,
    BodyLongerThanLength,
    BrokenChunked,
    DripsPastTimeout,
    Html200,
    Empty200,
    ProxyHtml502,
    ResetAfterProcessing,
}

/// How a fault ends when every attempt meets it.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// `ErrorKind::Transport` of this kind, after the retries.
    Transport(TransportErrorKind),
    /// `ErrorKind::Timeout`, after the retries.
    Timeout,
    /// `ErrorKind::Decode` at this path, not retried.
    Decode(&'static str),
    /// `ErrorKind::Http` with this status, after the retries.
    Http(u16),
    /// The response as framed by `Content-Length` decodes; what follows is not read.
    Ok,
}

/// Each fault, whether it is retried, and its outcome: the README's table.
const FAULTS: &[(Fault, bool, Outcome)] = &[
    (
        Fault::CloseBeforeHeaders,
        true,
        Outcome::Transport(TransportErrorKind::Other),
    ),
    (
        Fault::CloseDuringHeaders,
        true,
        Outcome::Transport(TransportErrorKind::Other),
    ),
    (
        Fault::CloseAfterHeaders,
        true,
        Outcome::Transport(TransportErrorKind::Other),
    ),
    (
        Fault::BodyShorterThanLength,
        true,
        Outcome::Transport(TransportErrorKind::Other),
    ),
    (Fault::BodyLongerThanLength, false, Outcome::Ok),
    (
        Fault::BrokenChunked,
        true,
        Outcome::Transport(TransportErrorKind::Other),
    ),
    (Fault::DripsPastTimeout, true, Outcome::Timeout),
    (Fault::Html200, false, Outcome::Decode(".")),
    (Fault::Empty200, false, Outcome::Decode(".")),
    (Fault::ProxyHtml502, true, Outcome::Http(502)),
    (
        Fault::ResetAfterProcessing,
        true,
        Outcome::Transport(TransportErrorKind::Other),
    ),
];

const TIMEOUT: Duration = Duration::from_millis(400);
const RETRIES: u32 = 2;

#[derive(Default)]
struct Log {
    /// The idempotency key of each request, in arrival order.
    keys: Vec<Option<String>>,
    /// Keys whose POST was processed (a charge made).
    charged: Vec<String>,
}

struct FaultServer {
    addr: SocketAddr,
    log: Arc<Mutex<Log>>,
}

impl FaultServer {
    /// Meets the first `faulty` requests with `fault`, then answers properly.
    fn start(fault: Fault, faulty: usize) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(Log::default()));
        let shared = Arc::clone(&log);
        thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(30);
            let mut served = 0;
            while Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let fault = (served < faulty).then_some(fault);
                        served += 1;
                        serve(stream, fault, &shared);
                    }
                    Err(_) => thread::sleep(Duration::from_millis(2)),
                }
            }
        });
        FaultServer { addr, log }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn keys(&self) -> Vec<Option<String>> {
        self.log.lock().unwrap().keys.clone()
    }

    fn charges(&self) -> usize {
        self.log.lock().unwrap().charged.len()
    }
}

/// Reads one request; returns its idempotency key.
fn read_request(stream: &mut TcpStream) -> Option<Option<String>> {
    stream.set_nonblocking(false).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let header = |name: &str| {
        head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    };
    let length: usize = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some(header("idempotency-key"))
}

fn serve(stream: TcpStream, fault: Option<Fault>, log: &Mutex<Log>) {
    serve_with(stream, log, &|_, _| fault);
}

/// Serves one request, meeting it with the fault `decide` picks from the log (before this
/// request is in it) and the request's key.
fn serve_with(
    mut stream: TcpStream,
    log: &Mutex<Log>,
    decide: &dyn Fn(&Log, &Option<String>) -> Option<Fault>,
) {
    let Some(key) = read_request(&mut stream) else {
        return;
    };
    let fault;
    {
        // Processed before anything is answered: a retry with the same key must not charge
        // again (Stripe replays the first result for a key it has seen).
        let mut log = log.lock().unwrap();
        fault = decide(&log, &key);
        log.keys.push(key.clone());
        if let Some(key) = key {
            if !log.charged.contains(&key) {
                log.charged.push(key);
            }
        }
    }
    let ok = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{CHARGE}",
        CHARGE.len()
    );
    let write = |stream: &mut TcpStream, bytes: &[u8]| {
        let _ = stream.write_all(bytes);
        let _ = stream.flush();
    };
    match fault {
        None => write(&mut stream, ok.as_bytes()),
        Some(Fault::CloseBeforeHeaders) => {}
        Some(Fault::CloseDuringHeaders) => write(&mut stream, b"HTTP/1.1 200 OK\r\nContent-Ty"),
        Some(Fault::CloseAfterHeaders) => write(
            &mut stream,
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 45\r\n\r\n",
        ),
        Some(Fault::BodyShorterThanLength) => write(
            &mut stream,
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":\"ch_1\"",
        ),
        Some(Fault::BodyLongerThanLength) => {
            write(&mut stream, format!("{ok}<garbage after the body>").as_bytes())
        }
        Some(Fault::BrokenChunked) => write(
            &mut stream,
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"id\"\r\nzz\r\n",
        ),
        Some(Fault::DripsPastTimeout) => {
            write(
                &mut stream,
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                    CHARGE.len()
                )
                .as_bytes(),
            );
            // One byte every 100 ms: the whole body would take over 4 s, ten timeouts.
            for byte in CHARGE.bytes() {
                thread::sleep(Duration::from_millis(100));
                if stream.write_all(&[byte]).is_err() {
                    break;
                }
            }
        }
        Some(Fault::Html200) => write(
            &mut stream,
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 27\r\nConnection: close\r\n\r\n<html><body>ok</body></html>",
        ),
        Some(Fault::Empty200) => write(
            &mut stream,
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        ),
        Some(Fault::ProxyHtml502) => {
            let page = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";
            write(
                &mut stream,
                format!(
                    "HTTP/1.1 502 Bad Gateway\r\nServer: nginx\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                    page.len()
                )
                .as_bytes(),
            );
        }
        Some(Fault::ResetAfterProcessing) => {
            // SO_LINGER 0 would be a hard reset; std has no stable setter, so shut both ways
            // with the request unanswered, which the client sees as a broken connection.
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

fn charge() -> Request<Json> {
    Request::new(Method::Post, "/v1/charges")
}

/// Checks one call's result against the fault's row; `attempts` is how many requests the
/// server saw.
fn check(
    fault: Fault,
    retried: bool,
    outcome: &Outcome,
    result: Result<Json, Error>,
    server: &FaultServer,
) {
    let keys = server.keys();
    let expected_attempts = if retried { 1 + RETRIES as usize } else { 1 };
    assert_eq!(keys.len(), expected_attempts, "{fault:?}: attempts");
    let first = keys[0].clone().expect("a POST carries an Idempotency-Key");
    assert!(
        keys.iter().all(|k| k.as_deref() == Some(&first)),
        "{fault:?}: one key, got {keys:?}"
    );
    assert_eq!(server.charges(), 1, "{fault:?}: charged once");
    let kind = result.as_ref().map_err(Error::kind);
    let (status, body) = match &result {
        Err(e) => (e.status(), e.body().unwrap_or_default()),
        Ok(_) => (None, ""),
    };
    match (outcome, kind) {
        (Outcome::Ok, Ok(json)) => assert_eq!(json["id"], "ch_1", "{fault:?}"),
        (Outcome::Transport(kind), Err(ErrorKind::Transport(e))) => {
            assert_eq!(e.kind(), *kind, "{fault:?}: {e}");
        }
        (Outcome::Timeout, Err(ErrorKind::Timeout { after })) => assert_eq!(*after, TIMEOUT),
        (Outcome::Decode(path), Err(ErrorKind::Decode { path: at, .. })) => {
            assert_eq!((at.as_str(), status), (*path, Some(200)), "{fault:?}");
        }
        (Outcome::Http(expected), Err(ErrorKind::Http)) => {
            assert_eq!(status, Some(*expected), "{fault:?}");
            assert!(body.contains("Bad Gateway"), "{fault:?}: {body}");
        }
        _ => panic!("{fault:?}: expected {outcome:?}, got {result:?}"),
    }
    if let Err(e) = &result {
        assert_eq!(
            e.idempotency_key(),
            Some(first.as_str()),
            "{fault:?}: the error carries the key"
        );
    }
}

#[test]
fn every_fault_ends_as_documented_async() {
    for (fault, retried, outcome) in FAULTS {
        let faulty = if *retried { 1 + RETRIES as usize } else { 1 };
        let server = FaultServer::start(*fault, faulty);
        let client = rt::Client::new("sk_test_faults")
            .with_base_url(server.url())
            .with_timeout(TIMEOUT)
            .with_retry_delays(Duration::from_millis(1), Duration::from_millis(2));
        let result = tests::block_on(client.send(charge()));
        check(*fault, *retried, outcome, result, &server);
    }
}

#[test]
fn every_fault_ends_as_documented_blocking() {
    for (fault, retried, outcome) in FAULTS {
        let faulty = if *retried { 1 + RETRIES as usize } else { 1 };
        let server = FaultServer::start(*fault, faulty);
        let client = rt::blocking::Client::new("sk_test_faults")
            .with_base_url(server.url())
            .with_timeout(TIMEOUT)
            .with_retry_delays(Duration::from_millis(1), Duration::from_millis(2));
        let result = client.send(charge());
        check(*fault, *retried, outcome, result, &server);
    }
}

/// A retried fault that heals: the retry gets the charge, with the key of the first attempt,
/// and the server charged once.
#[test]
fn a_fault_that_heals_is_one_charge() {
    for (fault, retried, _) in FAULTS.iter().filter(|(_, retried, _)| *retried) {
        assert!(retried);
        let server = FaultServer::start(*fault, 1);
        let client = rt::Client::new("sk_test_faults")
            .with_base_url(server.url())
            .with_timeout(TIMEOUT)
            .with_retry_delays(Duration::from_millis(1), Duration::from_millis(2));
        let charge =
            tests::block_on(client.send(charge())).unwrap_or_else(|e| panic!("{fault:?}: {e}"));
        assert_eq!(charge["id"], "ch_1");
        let keys = server.keys();
        assert_eq!(keys.len(), 2, "{fault:?}");
        assert_eq!(keys[0], keys[1], "{fault:?}");
        assert_eq!(server.charges(), 1, "{fault:?}");
    }
}

/// One client shared by many tasks, a tenth of the requests meeting a fault first: every call
/// completes, each logical request has its own key, kept across its retry, and the server
/// charges each once. (Counts are small for CI; `cargo bench -p stripe-typed --bench load` runs
/// 64 tasks and tens of thousands of requests, and measures memory.)
#[test]
fn one_client_shared_by_many_tasks_under_faults() {
    const TASKS: usize = 16;
    const PER_TASK: usize = 25;
    // The first attempt of every tenth logical request meets a proxy 502 (retried once).
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let log = Arc::new(Mutex::new(Log::default()));
    let shared = Arc::clone(&log);
    thread::spawn(move || {
        let decide = |log: &Log, key: &Option<String>| {
            let new = key.as_ref().is_some_and(|k| !log.charged.contains(k));
            (new && log.charged.len() % 10 == 9).then_some(Fault::ProxyHtml502)
        };
        for stream in listener.incoming() {
            let Ok(stream) = stream else { break };
            serve_with(stream, &shared, &decide);
        }
    });
    let client = rt::Client::new("sk_test_load")
        .with_base_url(format!("http://{addr}"))
        .with_timeout(Duration::from_secs(20))
        .with_retry_delays(Duration::from_millis(1), Duration::from_millis(2));
    let results = tests::block_on(async move {
        let mut handles = Vec::new();
        for _ in 0..TASKS {
            let client = client.clone();
            handles.push(tokio::spawn(async move {
                let mut out = Vec::new();
                for _ in 0..PER_TASK {
                    out.push(client.send(charge()).await.map(|json| json["id"].clone()));
                }
                out
            }));
        }
        let mut all = Vec::new();
        for handle in handles {
            all.extend(handle.await.unwrap());
        }
        all
    });
    assert_eq!(results.len(), TASKS * PER_TASK);
    for result in &results {
        assert_eq!(result.as_ref().unwrap(), "ch_1");
    }
    let log = log.lock().unwrap();
    let mut keys: Vec<&String> = log.keys.iter().map(|k| k.as_ref().unwrap()).collect();
    let attempts = keys.len();
    keys.sort();
    keys.dedup();
    // One key per logical request; the extra attempts are retries that reused theirs.
    assert_eq!(keys.len(), TASKS * PER_TASK);
    assert_eq!(log.charged.len(), TASKS * PER_TASK);
    assert!(
        attempts > TASKS * PER_TASK,
        "{attempts} attempts: some faults were met"
    );
}
