//! A tiny scripted HTTP/1.1 server on 127.0.0.1 for the client tests.
//!
//! It answers requests in arrival order from a queue of [`Reply`]s, or with a function of each
//! request ([`Server::respond_with`], for a test that plays a stateful API), and records every
//! request ([`Recorded`]). It speaks just enough HTTP/1.1 for a client: `Content-Length` bodies and
//! keep-alive connections. It is bounded: it accepts at most [`MAX_CONNECTIONS`] connections, stops
//! by itself after [`LIFETIME`], and stops at once when the [`Server`] is dropped. Once the queue
//! is empty it answers 500 with `Stripe-Should-Retry: false`, so a test that sends more requests
//! than it scripted fails on its counts instead of hanging.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// The longest a server runs.
pub const LIFETIME: Duration = Duration::from_secs(60);
/// The most connections a server accepts.
pub const MAX_CONNECTIONS: usize = 64;
/// The largest request (head and body) a server reads.
const MAX_REQUEST: usize = 1 << 20;
/// How often blocked threads look at the stop flag.
const POLL: Duration = Duration::from_millis(5);

/// One scripted response.
#[derive(Clone, Debug)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// Extra headers (`Content-Length` is added).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// How long to wait before answering.
    pub delay: Duration,
}

impl Reply {
    /// A JSON response.
    pub fn json(status: u16, body: &str) -> Self {
        Reply {
            status,
            headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
            body: body.as_bytes().to_vec(),
            delay: Duration::ZERO,
        }
    }

    /// A JSON response whose body is `body` as is, even if it is not UTF-8.
    pub fn json_bytes(status: u16, body: &[u8]) -> Self {
        Reply {
            body: body.to_vec(),
            ..Reply::json(status, "")
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Answers only after `delay`.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// One request as the server read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    /// The method, such as `POST`.
    pub method: String,
    /// The request target: path and query, as sent.
    pub target: String,
    /// Header names (as sent) and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Recorded {
    /// The first header called `name`, ignoring ASCII case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// What answers a request: [`Server::respond_with`]'s function.
type Handler = Box<dyn Fn(&Recorded) -> Reply + Send + Sync>;

struct State {
    replies: Mutex<VecDeque<Reply>>,
    handler: Option<Handler>,
    recorded: Mutex<Vec<Recorded>>,
    stop: AtomicBool,
    deadline: Instant,
}

impl State {
    fn stopping(&self) -> bool {
        self.stop.load(Ordering::Relaxed) || Instant::now() >= self.deadline
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking test thread must not hide what was recorded.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A running server; dropping it stops it.
pub struct Server {
    addr: SocketAddr,
    state: Arc<State>,
    acceptor: Option<JoinHandle<()>>,
}

impl Server {
    /// An async client of this server with `key`, retrying after 1–2 ms instead of Stripe's
    /// 0.5–5 s, so that retry tests are quick.
    pub fn client(&self, key: &str) -> stripe_typed::rt::Client {
        stripe_typed::rt::Client::new(key)
            .with_base_url(self.url())
            .with_retry_delays(Duration::from_millis(1), Duration::from_millis(2))
    }

    /// [`Server::client`]'s blocking twin.
    pub fn blocking_client(&self, key: &str) -> stripe_typed::rt::blocking::Client {
        stripe_typed::rt::blocking::Client::new(key)
            .with_base_url(self.url())
            .with_retry_delays(Duration::from_millis(1), Duration::from_millis(2))
    }

    /// An async client of this server with `key` that never retries, so every scripted reply
    /// answers exactly one request.
    pub fn client_without_retries(&self, key: &str) -> stripe_typed::rt::Client {
        stripe_typed::rt::Client::new(key)
            .with_base_url(self.url())
            .with_max_retries(0)
    }

    /// [`Server::client_without_retries`]'s blocking twin.
    pub fn blocking_client_without_retries(&self, key: &str) -> stripe_typed::rt::blocking::Client {
        stripe_typed::rt::blocking::Client::new(key)
            .with_base_url(self.url())
            .with_max_retries(0)
    }

    /// Starts a server on 127.0.0.1 with an ephemeral port that answers with `replies` in order.
    pub fn start(replies: Vec<Reply>) -> Server {
        Server::launch(replies, None)
    }

    /// Starts a server that answers each request with `handler(request)`, called on the
    /// connection's thread (so concurrently for concurrent connections), after the request is
    /// recorded.
    pub fn respond_with(handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Server {
        Server::launch(Vec::new(), Some(Box::new(handler)))
    }

    fn launch(replies: Vec<Reply>, handler: Option<Handler>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        listener
            .set_nonblocking(true)
            .expect("nonblocking listener");
        let state = Arc::new(State {
            replies: Mutex::new(replies.into()),
            handler,
            recorded: Mutex::new(Vec::new()),
            stop: AtomicBool::new(false),
            deadline: Instant::now() + LIFETIME,
        });
        let acceptor = {
            let state = Arc::clone(&state);
            thread::spawn(move || accept_loop(listener, state))
        };
        Server {
            addr,
            state,
            acceptor: Some(acceptor),
        }
    }

    /// The base URL, such as `http://127.0.0.1:40123`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The requests read so far, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.state.recorded).clone()
    }

    /// The one request read so far; fails the test if there were more or none.
    pub fn only_request(&self) -> Recorded {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "{requests:#?}");
        requests.into_iter().next().expect("one request")
    }

    /// How many scripted replies have not been used.
    pub fn replies_left(&self) -> usize {
        lock(&self.state.replies).len()
    }
}

/// Sends `request` with [`Server::client`]'s client (key `key`) to a new server that answers
/// `reply` with 200; returns what the reply decoded to and the one request the server read.
pub fn exchange<T>(key: &str, request: stripe_typed::rt::Request<T>, reply: &str) -> (T, Recorded) {
    let server = Server::start(vec![Reply::json(200, reply)]);
    let value = crate::block_on(server.client(key).send(request))
        .unwrap_or_else(|e| panic!("a 2xx that decodes: {e}"));
    (value, server.only_request())
}

impl Drop for Server {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::Relaxed);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

fn accept_loop(listener: TcpListener, state: Arc<State>) {
    let mut connections = Vec::new();
    while !state.stopping() && connections.len() < MAX_CONNECTIONS {
        match listener.accept() {
            Ok((stream, _)) => {
                let state = Arc::clone(&state);
                connections.push(thread::spawn(move || {
                    let _ = serve(stream, &state);
                }));
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => thread::sleep(POLL),
            Err(_) => thread::sleep(POLL),
        }
    }
    for connection in connections {
        let _ = connection.join();
    }
}

/// Serves requests on one keep-alive connection until the client closes it or the server stops.
fn serve(mut stream: TcpStream, state: &State) -> io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(POLL))?;
    stream.set_nodelay(true)?;
    let mut buf = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buf, state)? else {
            return Ok(());
        };
        lock(&state.recorded).push(request.clone());
        let scripted = match &state.handler {
            Some(handler) => Some(handler(&request)),
            None => lock(&state.replies).pop_front(),
        };
        let reply = scripted.unwrap_or_else(|| {
            Reply::json(
                500,
                r#"{"error":{"type":"api_error","message":"test server: no scripted reply left"}}"#,
            )
            .header("Stripe-Should-Retry", "false")
        });
        let until = Instant::now() + reply.delay;
        while Instant::now() < until {
            if state.stopping() {
                return Ok(());
            }
            thread::sleep(POLL.min(until.saturating_duration_since(Instant::now())));
        }
        let mut head = format!("HTTP/1.1 {} Scripted\r\n", reply.status);
        for (name, value) in &reply.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", reply.body.len()));
        stream.write_all(head.as_bytes())?;
        stream.write_all(&reply.body)?;
        stream.flush()?;
    }
}

/// Reads one request; `None` when the connection closed (or the server stops) between requests.
fn read_request(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    state: &State,
) -> io::Result<Option<Recorded>> {
    let head_end = loop {
        if let Some(i) = find(buf, b"\r\n\r\n") {
            break i;
        }
        if !fill(stream, buf, state)? {
            return Ok(None);
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_owned();
    let target = request_line.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            Some((name.trim().to_owned(), value.trim().to_owned()))
        })
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let body_start = head_end + 4;
    while buf.len() < body_start + length {
        if !fill(stream, buf, state)? {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "body cut short",
            ));
        }
    }
    let body = buf[body_start..body_start + length].to_vec();
    buf.drain(..body_start + length);
    Ok(Some(Recorded {
        method,
        target,
        headers,
        body,
    }))
}

/// Reads more bytes into `buf`; `false` at end of stream or when the server stops.
fn fill(stream: &mut TcpStream, buf: &mut Vec<u8>, state: &State) -> io::Result<bool> {
    let mut chunk = [0u8; 8192];
    loop {
        if state.stopping() || buf.len() > MAX_REQUEST {
            return Ok(false);
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Ok(false),
            Ok(n) => {
                buf.extend_from_slice(&chunk[..n]);
                return Ok(true);
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                ) => {}
            Err(e) => return Err(e),
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
