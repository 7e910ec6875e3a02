//! Issue 26, "under load": one async `rt::Client` shared by 64 tasks on a multi-thread runtime,
//! against a loopback server (127.0.0.1, in this process) that meets a tenth of the logical
//! requests with a fault first, the faults of `tests/tests/suite/faults.rs` that heal plus Stripe's
//! own retry signals, then answers them.
//!
//! Checked, as correctness and not timing (the bench fails if one does not hold): every call
//! completes with its own object; each logical request carries one `Idempotency-Key` on all its
//! attempts, and keys are unique across logical requests; attempts are the requests plus the
//! faults met, so every fault was retried once and nothing else was; no phase stalls.
//!
//! Printed: wall time and requests/s per phase, and resident memory (`VmRSS`, `VmHWM` from
//! `/proc/self/status`) after a warm-up and after 1×, 2× and 4× the request count, with ratios,
//! so the figures show whether memory grows with the number of requests. The server's
//! bookkeeping is allocated and written before the warm-up, so it does not grow either.
//!
//! `cargo bench -p stripe-typed --bench load` runs 10,000 requests per "1×"
//! (`LOAD_REQUESTS=N` for N); BENCHMARKS.md records a run.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use stripe_typed::rt::{Client, Json, Method, Path, Request};

/// Tasks sharing the client.
const TASKS: usize = 64;
/// Logical requests per "1×" unless `LOAD_REQUESTS` says otherwise.
const DEFAULT_REQUESTS: usize = 10_000;
/// One logical request in this many meets a fault on its first attempt.
const FAULT_EVERY: usize = 10;
/// A phase that takes longer has stalled: the bench fails rather than hang.
const PHASE_LIMIT: Duration = Duration::from_secs(300);
/// The server stops by itself after this long, whatever happens.
const SERVER_LIMIT: Duration = Duration::from_secs(1200);
/// Connections the server serves at once, at most.
const MAX_CONNECTIONS: usize = 256;

/// How the first attempt of a faulty request is met. Each is retried by the client's rules
/// (README, "What the client does for you"); the retry is answered properly.
#[derive(Clone, Copy, Debug)]
enum Fault {
    /// A proxy's 502 HTML page (retried: 5xx).
    ProxyHtml502,
    /// The request is read and processed, the connection closed unanswered.
    CloseBeforeHeaders,
    /// The connection closed in the middle of the status line's headers.
    CloseDuringHeaders,
    /// The connection closed right after the headers, before the body.
    CloseAfterHeaders,
    /// A body shorter than its `Content-Length`, then closed.
    BodyShorterThanLength,
    /// Broken chunked encoding, then closed.
    BrokenChunked,
    /// Stripe's 500 with `Stripe-Should-Retry: true`.
    ShouldRetry500,
    /// Stripe's 429 with the error code `lock_timeout` (the one 429 that is retried).
    LockTimeout429,
}

const FAULTS: [Fault; 8] = [
    Fault::ProxyHtml502,
    Fault::CloseBeforeHeaders,
    Fault::CloseDuringHeaders,
    Fault::CloseAfterHeaders,
    Fault::BodyShorterThanLength,
    Fault::BrokenChunked,
    Fault::ShouldRetry500,
    Fault::LockTimeout429,
];

/// The fault logical request `n` meets first, if any: every tenth, the kinds in turn.
fn fault_for(n: usize) -> Option<Fault> {
    (n % FAULT_EVERY == FAULT_EVERY - 1).then(|| FAULTS[(n / FAULT_EVERY) % FAULTS.len()])
}

/// No key seen yet (a UUID v4 has version bits, so it is never all ones).
const NO_KEY: u128 = u128::MAX;

#[derive(Clone, Copy)]
struct Entry {
    key: u128,
    attempts: u32,
}

/// What the server saw, per logical request, in memory allocated once before the warm-up.
struct Book {
    entries: Mutex<Vec<Entry>>,
    attempts: AtomicU64,
    faults: AtomicU64,
    /// Attempts without a key, with one that is not a UUID, or a retry with another key.
    bad_keys: AtomicU64,
    /// Requests that are not for a logical request of this run.
    strays: AtomicU64,
    connections: AtomicU64,
}

impl Book {
    fn new(requests: usize) -> Self {
        // Written, not zeroed: zeroed memory may be mapped lazily and grow the resident set
        // as it is first touched, which would look like the client growing.
        let entries = vec![
            Entry {
                key: NO_KEY,
                attempts: 0,
            };
            requests
        ];
        Book {
            entries: Mutex::new(entries),
            attempts: AtomicU64::new(0),
            faults: AtomicU64::new(0),
            bad_keys: AtomicU64::new(0),
            strays: AtomicU64::new(0),
            connections: AtomicU64::new(0),
        }
    }

    /// Records an attempt of logical request `n` with `key`; returns the fault to meet it with.
    fn record(&self, n: Option<usize>, key: Option<u128>) -> Option<Fault> {
        self.attempts.fetch_add(1, Ordering::Relaxed);
        let mut entries = self.entries.lock().unwrap();
        let Some(entry) = n.and_then(|n| entries.get_mut(n)) else {
            self.strays.fetch_add(1, Ordering::Relaxed);
            return None;
        };
        let key = key.unwrap_or_else(|| {
            self.bad_keys.fetch_add(1, Ordering::Relaxed);
            NO_KEY
        });
        entry.attempts += 1;
        if entry.attempts == 1 {
            entry.key = key;
            let fault = fault_for(n.unwrap_or(0));
            if fault.is_some() {
                self.faults.fetch_add(1, Ordering::Relaxed);
            }
            fault
        } else {
            if entry.key != key {
                self.bad_keys.fetch_add(1, Ordering::Relaxed);
            }
            None
        }
    }
}

/// A UUID's 32 hex digits as a number, or `None` if `text` is not a UUID.
fn parse_uuid(text: &str) -> Option<u128> {
    let mut value: u128 = 0;
    let mut digits = 0;
    for c in text.chars() {
        if c == '-' {
            continue;
        }
        value = value.checked_mul(16)? | u128::from(c.to_digit(16)?);
        digits += 1;
    }
    (digits == 32 && text.len() == 36).then_some(value)
}

/// Reads one request from `stream` into `buf`; returns its logical request number and key, or
/// `None` once the connection is closed or the server stops.
fn next_request(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    stop: &AtomicBool,
) -> Option<(Option<usize>, Option<u128>)> {
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(head_end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = std::str::from_utf8(&buf[..head_end]).ok()?;
            let mut lines = head.split("\r\n");
            let n = lines
                .next()?
                .split(' ')
                .nth(1)
                .and_then(|path| path.strip_prefix("/v1/charges/ch_"))
                .and_then(|n| n.parse().ok());
            let (mut length, mut key) = (0, None);
            for line in lines {
                let Some((name, value)) = line.split_once(':') else {
                    continue;
                };
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().ok()?;
                } else if name.eq_ignore_ascii_case("idempotency-key") {
                    key = parse_uuid(value.trim());
                }
            }
            let end = head_end + 4 + length;
            if buf.len() >= end {
                buf.drain(..end);
                return Some((n, key));
            }
        }
        match stream.read(&mut chunk) {
            Ok(0) => return None,
            Ok(read) => buf.extend_from_slice(&chunk[..read]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                if stop.load(Ordering::Relaxed) {
                    return None;
                }
            }
            Err(_) => return None,
        }
    }
}

const PROXY_PAGE: &str = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";
const API_ERROR: &str = r#"{"error": {"type": "api_error", "message": "An unknown error occurred, please try again."}}"#;
const LOCK_TIMEOUT: &str = r#"{"error": {"type": "invalid_request_error", "code": "lock_timeout", "message": "This object cannot be accessed right now because another API request or Stripe process is currently accessing it."}}"#;

/// Serves requests on one keep-alive connection until it closes, a fault closes it, or `stop`.
fn serve(mut stream: TcpStream, book: &Book, stop: &AtomicBool) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(50)));
    let _ = stream.set_nodelay(true);
    let mut buf = Vec::new();
    let mut out = String::new();
    while let Some((n, key)) = next_request(&mut stream, &mut buf, stop) {
        let fault = book.record(n, key);
        out.clear();
        let answer = |out: &mut String, status: &str, extra: &str, body: &str| {
            use std::fmt::Write as _;
            let _ = write!(
                out,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nRequest-Id: req_load\r\n{extra}Content-Length: {}\r\n\r\n{body}",
                body.len()
            );
        };
        let keep = match fault {
            None => {
                let body = format!(
                    r#"{{"id": "ch_{}", "object": "charge", "amount": 100}}"#,
                    n.unwrap_or(0)
                );
                answer(&mut out, "200 OK", "", &body);
                true
            }
            Some(Fault::ProxyHtml502) => {
                use std::fmt::Write as _;
                let _ = write!(
                    out,
                    "HTTP/1.1 502 Bad Gateway\r\nServer: nginx\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n{PROXY_PAGE}",
                    PROXY_PAGE.len()
                );
                true
            }
            Some(Fault::ShouldRetry500) => {
                answer(
                    &mut out,
                    "500 Internal Server Error",
                    "Stripe-Should-Retry: true\r\n",
                    API_ERROR,
                );
                true
            }
            Some(Fault::LockTimeout429) => {
                answer(&mut out, "429 Too Many Requests", "", LOCK_TIMEOUT);
                true
            }
            Some(Fault::CloseBeforeHeaders) => false,
            Some(Fault::CloseDuringHeaders) => {
                out.push_str("HTTP/1.1 200 OK\r\nContent-Ty");
                false
            }
            Some(Fault::CloseAfterHeaders) => {
                out.push_str(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 45\r\n\r\n",
                );
                false
            }
            Some(Fault::BodyShorterThanLength) => {
                out.push_str("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\": \"ch_");
                false
            }
            Some(Fault::BrokenChunked) => {
                out.push_str("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"id\"\r\nzz\r\n");
                false
            }
        };
        if stream.write_all(out.as_bytes()).is_err() || !keep {
            return;
        }
    }
}

/// Accepts connections on 127.0.0.1, one thread each and at most `MAX_CONNECTIONS` at once,
/// until `stop` or `SERVER_LIMIT`.
fn start_server(
    book: Arc<Book>,
    stop: Arc<AtomicBool>,
) -> std::io::Result<(String, thread::JoinHandle<()>)> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}", listener.local_addr()?);
    listener.set_nonblocking(true)?;
    let handle = thread::spawn(move || {
        let deadline = Instant::now() + SERVER_LIMIT;
        let live = Arc::new(AtomicUsize::new(0));
        while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
            if live.load(Ordering::Acquire) >= MAX_CONNECTIONS {
                thread::sleep(Duration::from_millis(1));
                continue;
            }
            match listener.accept() {
                Ok((stream, _)) => {
                    let _ = stream.set_nonblocking(false);
                    book.connections.fetch_add(1, Ordering::Relaxed);
                    live.fetch_add(1, Ordering::AcqRel);
                    let (book, stop, live) =
                        (Arc::clone(&book), Arc::clone(&stop), Arc::clone(&live));
                    thread::spawn(move || {
                        serve(stream, &book, &stop);
                        live.fetch_sub(1, Ordering::AcqRel);
                    });
                }
                Err(_) => thread::sleep(Duration::from_millis(1)),
            }
        }
        stop.store(true, Ordering::Relaxed);
        let give_up = Instant::now() + Duration::from_secs(5);
        while live.load(Ordering::Acquire) > 0 && Instant::now() < give_up {
            thread::sleep(Duration::from_millis(5));
        }
    });
    Ok((url, handle))
}

fn charge(n: usize) -> Request<Json> {
    Request::new(
        Method::Post,
        Path::new("/v1/charges/").param("charge", &format!("ch_{n}")),
    )
}

#[derive(Default)]
struct Calls {
    ok: AtomicU64,
    errors: AtomicU64,
    /// A response that is not the call's own object.
    crossed: AtomicU64,
    first_error: Mutex<Option<String>>,
}

/// Sends logical requests `range` from `TASKS` tasks sharing `client`.
async fn phase(client: &Client, range: Range<usize>, calls: &Arc<Calls>) {
    let next = Arc::new(AtomicUsize::new(range.start));
    let mut tasks = Vec::with_capacity(TASKS);
    for _ in 0..TASKS {
        let (client, next, calls, end) = (
            client.clone(),
            Arc::clone(&next),
            Arc::clone(calls),
            range.end,
        );
        tasks.push(tokio::spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= end {
                    break;
                }
                match client.send(charge(n)).await {
                    Ok(json) => {
                        let own = json["id"]
                            .as_str()
                            .and_then(|id| id.strip_prefix("ch_"))
                            .is_some_and(|id| id.parse() == Ok(n));
                        let counter = if own { &calls.ok } else { &calls.crossed };
                        counter.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(e) => {
                        calls.errors.fetch_add(1, Ordering::Relaxed);
                        calls
                            .first_error
                            .lock()
                            .unwrap()
                            .get_or_insert_with(|| format!("request {n}: {e}"));
                    }
                }
            }
        }));
    }
    for task in tasks {
        task.await.expect("a task panicked");
    }
}

/// `VmRSS` and `VmHWM` in KiB, on Linux.
fn memory() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        status.lines().find_map(|line| {
            line.strip_prefix(name)?
                .trim()
                .strip_suffix("kB")?
                .trim()
                .parse()
                .ok()
        })
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let requests: usize = match std::env::var("LOAD_REQUESTS") {
        Ok(v) => v
            .parse()
            .map_err(|_| format!("LOAD_REQUESTS={v}: not a count"))?,
        Err(_) => DEFAULT_REQUESTS,
    };
    if requests < TASKS {
        return Err(format!("LOAD_REQUESTS must be at least {TASKS}").into());
    }
    let warm_up = requests / 4;
    // Warm-up, then 1×, 2× and 4× the count in all: phases of N, N and 2N requests.
    let phases = [
        ("warm-up", warm_up),
        ("1x", requests),
        ("2x", requests),
        ("4x", 2 * requests),
    ];
    let total: usize = phases.iter().map(|(_, n)| n).sum();

    let book = Arc::new(Book::new(total));
    let stop = Arc::new(AtomicBool::new(false));
    let (url, server) = start_server(Arc::clone(&book), Arc::clone(&stop))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let workers = runtime.metrics().num_workers();
    let client = Client::new("sk_test_load_bench")
        .with_base_url(url)
        .with_timeout(Duration::from_secs(10))
        .with_retry_delays(Duration::from_millis(1), Duration::from_millis(5));

    println!(
        "load: one rt::Client shared by {TASKS} tasks on {workers} worker threads, loopback server in-process; \
         {requests} requests per 1x (LOAD_REQUESTS), 1 in {FAULT_EVERY} meeting a fault first ({} kinds in turn), retry delays 1-5 ms",
        FAULTS.len()
    );
    println!(
        "  server bookkeeping, allocated before the warm-up: {} KiB",
        total * std::mem::size_of::<Entry>() / 1024
    );
    println!(
        "  {:<8} {:>8} {:>8} {:>9} {:>8} {:>9} {:>9} {:>10} {:>10}",
        "after", "requests", "total", "attempts", "retries", "wall", "req/s", "VmRSS", "VmHWM"
    );

    let calls = Arc::new(Calls::default());
    let mut done = 0;
    let mut rss = Vec::new();
    let mut busy = Duration::ZERO;
    for (name, count) in phases {
        let range = done..done + count;
        let start = Instant::now();
        runtime.block_on(async {
            tokio::time::timeout(PHASE_LIMIT, phase(&client, range, &calls))
                .await
                .map_err(|_| format!("phase {name} did not finish in {PHASE_LIMIT:?}: stalled"))
        })?;
        let wall = start.elapsed();
        done += count;
        let attempts = book.attempts.load(Ordering::Relaxed);
        let mem = memory();
        rss.push(mem.map(|(rss, _)| rss));
        if name != "warm-up" {
            busy += wall;
        }
        println!(
            "  {name:<8} {count:>8} {done:>8} {attempts:>9} {:>8} {:>7.2} s {:>9.0} {:>10} {:>10}",
            attempts - done as u64,
            wall.as_secs_f64(),
            count as f64 / wall.as_secs_f64(),
            mem.map_or("n/a".into(), |(rss, _)| mib(rss)),
            mem.map_or("n/a".into(), |(_, hwm)| mib(hwm)),
        );
    }
    drop(client);
    stop.store(true, Ordering::Relaxed);
    let _ = server.join();
    drop(runtime);

    // Correctness: none of this is about timing.
    let measured = (total - warm_up) as f64;
    println!(
        "  {} requests after the warm-up in {:.2} s: {:.0} requests/s",
        total - warm_up,
        busy.as_secs_f64(),
        measured / busy.as_secs_f64()
    );
    if let [Some(warm), Some(x1), Some(x2), Some(x4)] = rss[..] {
        let per_request = (x4 as f64 - x1 as f64) * 1024.0 / (3 * requests) as f64;
        println!(
            "  VmRSS ratios: 1x/warm-up {:.3}, 2x/1x {:.3}, 4x/1x {:.3}; 1x to 4x {:+} KiB over {} requests ({per_request:+.2} bytes/request)",
            x1 as f64 / warm as f64,
            x2 as f64 / x1 as f64,
            x4 as f64 / x1 as f64,
            x4 as i64 - x1 as i64,
            3 * requests,
        );
    }
    let ok = calls.ok.load(Ordering::Relaxed);
    let errors = calls.errors.load(Ordering::Relaxed);
    let crossed = calls.crossed.load(Ordering::Relaxed);
    let attempts = book.attempts.load(Ordering::Relaxed);
    let faults = book.faults.load(Ordering::Relaxed);
    let bad_keys = book.bad_keys.load(Ordering::Relaxed);
    let strays = book.strays.load(Ordering::Relaxed);
    let entries = std::mem::take(&mut *book.entries.lock().unwrap());
    let expected_faults = (0..total).filter(|n| fault_for(*n).is_some()).count() as u64;
    let unexpected_attempts = entries
        .iter()
        .enumerate()
        .filter(|(n, e)| e.attempts != 1 + u32::from(fault_for(*n).is_some()))
        .count();
    let mut keys: Vec<u128> = entries.iter().map(|e| e.key).collect();
    keys.sort_unstable();
    keys.dedup();
    let unique = keys.iter().filter(|k| **k != NO_KEY).count();
    println!(
        "  calls: {total} logical requests, {ok} completed with their own object, {errors} errors, {crossed} crossed"
    );
    println!(
        "  attempts: {attempts} = {total} requests + {} retries; faults met {faults} (expected {expected_faults}); {unexpected_attempts} requests with another attempt count; {strays} stray requests",
        attempts - total as u64
    );
    println!(
        "  idempotency keys: {unique} unique for {total} logical requests; {bad_keys} attempts missing a key or retrying with another"
    );
    println!(
        "  server: {} connections accepted (faults that close a connection open another)",
        book.connections.load(Ordering::Relaxed)
    );
    if let Some(e) = calls.first_error.lock().unwrap().as_ref() {
        println!("  first error: {e}");
    }
    let holds = ok == total as u64
        && errors == 0
        && crossed == 0
        && faults == expected_faults
        && attempts == total as u64 + faults
        && unexpected_attempts == 0
        && strays == 0
        && unique == total
        && bad_keys == 0;
    if !holds {
        return Err("an invariant does not hold (see above)".into());
    }
    println!("  invariants hold");
    Ok(())
}
