//! Random identifiers a client makes: idempotency keys and multipart boundaries, from the
//! operating system's randomness.

use std::fmt::Write as _;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

/// A fresh idempotency key: a random (version 4) UUID, as Stripe recommends.
pub(crate) fn idempotency_key() -> String {
    uuid_v4(bytes())
}

/// A fresh multipart boundary: 128 random bits in hex after a fixed prefix (70 characters at
/// most, RFC 2046; only characters that need no quoting).
pub(crate) fn boundary() -> String {
    let mut boundary = String::from("stripe-typed-");
    for b in bytes() {
        // Writing to a String cannot fail.
        let _ = write!(boundary, "{b:02x}");
    }
    boundary
}

/// 16 bytes from the operating system's randomness. Should the OS refuse (the TLS stack could
/// not work then either), they are a hash of what differs between calls and processes (the
/// clock, a process-wide counter, the process id): still unique, though not unpredictable.
fn bytes() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    if getrandom::getrandom(&mut bytes).is_err() {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        for (half, chunk) in bytes.chunks_exact_mut(8).enumerate() {
            let mut hasher = DefaultHasher::new();
            (SystemTime::now(), count, std::process::id(), half).hash(&mut hasher);
            chunk.copy_from_slice(&hasher.finish().to_le_bytes());
        }
    }
    bytes
}

/// Formats 16 random bytes as a version-4 UUID (RFC 9562): the version nibble of byte 6 is
/// `4` and the two top bits of byte 8 are the variant `10`; the other 122 bits are random.
fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0F) | 0x40;
    bytes[8] = (bytes[8] & 0x3F) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        // Writing to a String cannot fail.
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_v4_sets_version_and_variant_bits_only() {
        assert_eq!(uuid_v4([0; 16]), "00000000-0000-4000-8000-000000000000");
        assert_eq!(uuid_v4([0xFF; 16]), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        let counting: [u8; 16] = std::array::from_fn(|i| i as u8 * 17);
        assert_eq!(uuid_v4(counting), "00112233-4455-4677-8899-aabbccddeeff");
    }

    #[test]
    fn idempotency_keys_are_random_uuids() {
        let keys: Vec<String> = (0..100).map(|_| idempotency_key()).collect();
        for key in &keys {
            assert_eq!(key.len(), 36, "{key}");
            assert_eq!(&key[14..15], "4", "{key}");
            assert!(matches!(&key[19..20], "8" | "9" | "a" | "b"), "{key}");
        }
        let mut unique = keys.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), keys.len());
        // 122 random bits: two keys made back to back share about half their bits, where keys
        // derived from a clock and a counter would share most of them before mixing.
        let bits = |k: &str| u128::from_str_radix(&k.replace('-', ""), 16).unwrap();
        let differing = (bits(&keys[0]) ^ bits(&keys[1])).count_ones();
        assert!((20..=108).contains(&differing), "{differing}");
    }
}
