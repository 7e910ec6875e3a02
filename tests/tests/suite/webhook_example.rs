//! `generated/examples/webhook.rs`, run: its handler serves signed and forged deliveries on a
//! server started here on 127.0.0.1.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::SystemTime;

// The example's `main` listens on a fixed port and is not called here.
#[allow(dead_code)]
#[path = "../../../generated/examples/webhook.rs"]
mod example;

const SECRET: &str = "whsec_example";

/// Posts `body` with `signature` to a one-request server running the example's handler.
fn post(body: &str, signature: &str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        example::serve_one(stream, SECRET).unwrap();
    });
    let mut client = TcpStream::connect(addr).unwrap();
    write!(
        client,
        "POST /webhook HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\nStripe-Signature: {signature}\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut reply = String::new();
    client.read_to_string(&mut reply).unwrap();
    server.join().unwrap();
    reply
}

fn disconnected() -> String {
    serde_json::json!({
        "id": "evt_1", "object": "event", "api_version": stripe_typed::rt::API_VERSION,
        "created": 1681259890, "livemode": false, "pending_webhooks": 1, "request": null,
        "type": "financial_connections.account.disconnected",
        "data": {"object": {
            "id": "fca_123", "object": "financial_connections.account", "category": "cash",
            "created": 1681259860, "institution_name": "StripeBank", "livemode": false,
            "status": "disconnected", "subcategory": "checking",
            "supported_payment_method_types": ["us_bank_account"]
        }}
    })
    .to_string()
}

#[test]
fn the_example_accepts_a_signed_delivery_and_acts_on_the_typed_object() {
    let body = disconnected();
    let signature = stripe_typed::webhook::sign_test_payload(&body, SECRET, SystemTime::now());
    let reply = post(&body, &signature);
    assert!(reply.starts_with("HTTP/1.1 200 OK"), "{reply}");
    assert!(
        reply.ends_with("account fca_123 disconnected: stop using it"),
        "{reply}"
    );
}

#[test]
fn the_example_refuses_a_forged_or_unsigned_delivery() {
    let body = disconnected();
    let forged = stripe_typed::webhook::sign_test_payload(&body, "whsec_guess", SystemTime::now());
    let reply = post(&body, &forged);
    assert!(reply.starts_with("HTTP/1.1 400 Bad Request"), "{reply}");
    assert!(reply.contains("no v1 signature matches"), "{reply}");
    let reply = post(&body, "");
    assert!(reply.ends_with("no Stripe-Signature header"), "{reply}");
}
