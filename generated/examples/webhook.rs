//! A webhook endpoint: verifies Stripe's signature over the raw request body, then acts on the
//! typed event.
//!
//! ```text
//! STRIPE_WEBHOOK_SECRET=whsec_... cargo run -p stripe-typed --example webhook
//! stripe listen --forward-to localhost:4242/webhook   # in another terminal
//! ```
//!
//! A real service would use its web framework; all the handler needs is the body's bytes as
//! received (not re-encoded JSON) and the `Stripe-Signature` header. This one is std only.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};

use stripe_typed::resources::event::{Event, EventObject, EventType};
use stripe_typed::rt::WireEnum;
use stripe_typed::webhook::{self, WebhookError};

/// Bodies larger than this are refused before they are read.
const MAX_BODY: usize = 1 << 20;

/// Verifies and decodes one delivery, and says what was done with it.
pub fn handle(body: &str, signature: &str, secret: &str) -> Result<String, WebhookError> {
    let event: Event = webhook::construct_event(body, signature, secret)?;
    Ok(match (&event.type_, &event.data.object) {
        (
            EventType::FinancialConnectionsAccountDisconnected,
            EventObject::FinancialConnectionsAccount(account),
        ) => {
            format!(
                "account {} disconnected: stop using it",
                account.id.as_str()
            )
        }
        (_, EventObject::FinancialConnectionsAccount(account)) => {
            format!(
                "{} for account {}",
                event.type_.as_str(),
                account.id.as_str()
            )
        }
        // Events about other resources keep their object as JSON.
        (other, _) => format!("{} ignored", other.as_str()),
    })
}

/// Serves one HTTP/1.1 request on `stream`: 200 for a verified event, 400 otherwise.
pub fn serve_one(stream: TcpStream, secret: &str) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let (mut length, mut signature) = (0usize, String::new());
    let mut line = String::new();
    reader.read_line(&mut line)?; // The request line; any path will do here.
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 || line.trim_end().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            match name.trim().to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().unwrap_or(usize::MAX),
                "stripe-signature" => signature = value.trim().to_owned(),
                _ => {}
            }
        }
    }
    let (status, message) = if length > MAX_BODY {
        ("413 Payload Too Large", "body too large".to_owned())
    } else {
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        match std::str::from_utf8(&body) {
            Err(_) => ("400 Bad Request", "the body is not UTF-8".to_owned()),
            Ok(body) => match handle(body, &signature, secret) {
                Ok(done) => ("200 OK", done),
                Err(e) => ("400 Bad Request", e.to_string()),
            },
        }
    };
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{message}",
        message.len()
    )
}

fn main() -> std::io::Result<()> {
    let secret = std::env::var("STRIPE_WEBHOOK_SECRET").unwrap_or_default();
    if secret.is_empty() {
        eprintln!("set STRIPE_WEBHOOK_SECRET to the endpoint's signing secret (whsec_...)");
        std::process::exit(2);
    }
    let listener = TcpListener::bind("127.0.0.1:4242")?;
    println!("listening on http://{}/webhook", listener.local_addr()?);
    for stream in listener.incoming() {
        if let Err(e) = serve_one(stream?, &secret) {
            eprintln!("request failed: {e}");
        }
    }
    Ok(())
}
