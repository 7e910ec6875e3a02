//! Prints the client's per-request cost on loopback as a ratio to a bare reqwest request made in
//! the same run: `rt::Client::send` (headers, idempotency policy, decoding a Financial
//! Connections Session) against `reqwest::Client::get(..).send()` plus reading the body.
//!
//! It prints min and median over several runs and asserts nothing. Run it with
//! `cargo bench -p stripe-typed --bench client_overhead`.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use stripe_typed::resources::financial_connections_session::{
    FinancialConnectionsSession, FinancialConnectionsSessionId, RetrieveFinancialConnectionsSession,
};
use stripe_typed::rt::Client;

const RUNS: usize = 7;
const REQUESTS_PER_RUN: usize = 300;

const SESSION: &str = r#"{"id": "fcsess_123", "object": "financial_connections.session",
 "account_holder": {"type": "customer", "customer": "cus_123"},
 "accounts": {"object": "list", "data": [], "has_more": false, "url": "/v1/financial_connections/accounts"},
 "client_secret": "fcsess_client_secret_abc", "filters": {"countries": ["US"]}, "livemode": false,
 "permissions": ["balances", "payment_method"], "prefetch": null, "return_url": "https://example.com"}"#;

/// Answers every request on a keep-alive connection with the same session, until `stop`.
fn serve(mut stream: TcpStream, stop: &AtomicBool) {
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nRequest-Id: req_bench\r\nContent-Length: {}\r\n\r\n{SESSION}",
        SESSION.len()
    );
    let _ = stream.set_read_timeout(Some(Duration::from_millis(20)));
    let _ = stream.set_nodelay(true);
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !stop.load(Ordering::Relaxed) {
        match stream.read(&mut chunk) {
            Ok(0) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(_) => continue,
        }
        // Requests here are GETs without bodies: each ends with an empty line.
        while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            buf.drain(..end + 4);
            if stream.write_all(response.as_bytes()).is_err() {
                return;
            }
        }
    }
}

fn start_server(stop: Arc<AtomicBool>) -> std::io::Result<(String, thread::JoinHandle<()>)> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}", listener.local_addr()?);
    listener.set_nonblocking(true)?;
    let handle = thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(300);
        let mut connections = Vec::new();
        while !stop.load(Ordering::Relaxed) && Instant::now() < deadline && connections.len() < 64 {
            match listener.accept() {
                Ok((stream, _)) => {
                    let _ = stream.set_nonblocking(false);
                    let stop = Arc::clone(&stop);
                    connections.push(thread::spawn(move || serve(stream, &stop)));
                }
                Err(_) => thread::sleep(Duration::from_millis(2)),
            }
        }
        stop.store(true, Ordering::Relaxed);
        for connection in connections {
            let _ = connection.join();
        }
    });
    Ok((url, handle))
}

fn stats(mut samples: Vec<f64>) -> (f64, f64) {
    samples.sort_by(f64::total_cmp);
    (samples[0], samples[samples.len() / 2])
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let stop = Arc::new(AtomicBool::new(false));
    let (url, server) = start_server(Arc::clone(&stop))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;

    let bare = reqwest::Client::new();
    let client = Client::new("sk_test_bench").with_base_url(url.clone());
    let id = FinancialConnectionsSessionId::new("fcsess_123");
    let params = RetrieveFinancialConnectionsSession::new();
    let bare_url = format!("{url}/v1/financial_connections/sessions/fcsess_123");

    let mut bare_us = Vec::new();
    let mut client_us = Vec::new();
    let mut ratios = Vec::new();
    runtime.block_on(async {
        // One warm-up round opens the pooled connections.
        for _ in 0..20 {
            bare.get(&bare_url).send().await?.bytes().await?;
            client
                .send(FinancialConnectionsSession::retrieve(&id, &params))
                .await?;
        }
        for _ in 0..RUNS {
            let start = Instant::now();
            for _ in 0..REQUESTS_PER_RUN {
                bare.get(&bare_url).send().await?.bytes().await?;
            }
            let b = start.elapsed().as_secs_f64() * 1e6 / REQUESTS_PER_RUN as f64;

            let start = Instant::now();
            for _ in 0..REQUESTS_PER_RUN {
                client
                    .send(FinancialConnectionsSession::retrieve(&id, &params))
                    .await?;
            }
            let c = start.elapsed().as_secs_f64() * 1e6 / REQUESTS_PER_RUN as f64;
            bare_us.push(b);
            client_us.push(c);
            ratios.push(c / b);
        }
        Ok::<(), Box<dyn std::error::Error>>(())
    })?;
    stop.store(true, Ordering::Relaxed);
    drop(bare);
    drop(client);
    let _ = server.join();

    let (bare_min, bare_median) = stats(bare_us);
    let (client_min, client_median) = stats(client_us);
    let (ratio_min, ratio_median) = stats(ratios);
    println!("client_overhead: {RUNS} runs x {REQUESTS_PER_RUN} sequential GETs on loopback");
    println!(
        "  bare reqwest     min {bare_min:8.1} us/request   median {bare_median:8.1} us/request"
    );
    println!("  rt::Client::send min {client_min:8.1} us/request   median {client_median:8.1} us/request");
    println!("  ratio client/bare min {ratio_min:.3}   median {ratio_median:.3}");
    Ok(())
}
