pub mod fuzz;
pub mod server;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

/// HMAC-SHA256 (RFC 2104) written here over `sha2`, so the crate's ring HMAC (webhook
/// signatures) is checked against something else.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|k| k ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// `bytes` in lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A `Stripe-Signature` header, `t=..,v1=..`, for `payload` signed with `secret` at `t`, made
/// by [`hmac_sha256`].
pub fn header_for(payload: &str, secret: &str, t: u64) -> String {
    let mac = hmac_sha256(secret.as_bytes(), format!("{t}.{payload}").as_bytes());
    format!("t={t},v1={}", hex(&mac))
}

/// The instant `unix` seconds after the Unix epoch.
pub fn at(unix: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(unix)
}

/// The `id` of each item, which must have one.
pub fn ids(items: &[stripe_typed::rt::Json]) -> Vec<&str> {
    items
        .iter()
        .map(|item| item["id"].as_str().expect("id"))
        .collect()
}

/// Runs `future` to completion on a current-thread runtime with timers and I/O, as the async
/// client tests need (`tests/tests/suite/client_transport.rs` keeps its own without drivers,
/// to show a custom transport needs none).
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(future)
}
