pub mod fuzz;
pub mod server;

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
