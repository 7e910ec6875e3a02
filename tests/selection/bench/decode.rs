//! Not part of this workspace: `cargo xtask bench --only decode` copies it into a scratch crate
//! generated with the billing selection and runs it there as `benches/decode.rs`.
//!
//! Prints the cost of decoding a large payment intent (`tests/payment_intent.json`: its charges
//! expanded, fields the spec does not list kept in `extra`) into the generated types, as a ratio
//! to decoding the same text into `serde_json::Value` in the same run, interleaved. Both decode
//! from a `&str`, as `rt::Client` does. It asserts nothing beyond the decode being lossless.

use std::hint::black_box;
use std::time::{Duration, Instant};

use serde_json::Value;
use stripe_typed::resources::payment_intent::PaymentIntent;

const INTENT: &str = include_str!("../tests/payment_intent.json");
const RUNS: usize = 15;
const DECODES_PER_RUN: usize = 2_000;

fn time(mut f: impl FnMut()) -> Duration {
    let started = Instant::now();
    for _ in 0..DECODES_PER_RUN {
        f();
    }
    started.elapsed() / DECODES_PER_RUN as u32
}

fn min_median(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    (v[0], v[v.len() / 2])
}

fn main() {
    let value: Value = serde_json::from_str(INTENT).expect("payment_intent.json is JSON");
    let typed: PaymentIntent = stripe_typed::rt::from_json(INTENT).expect("decodes");
    assert_eq!(serde_json::to_value(&typed).expect("encodes"), value, "must round-trip");

    let (mut value_times, mut typed_times) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        value_times.push(time(|| {
            black_box(serde_json::from_str::<Value>(black_box(INTENT)).unwrap());
        }));
        typed_times.push(time(|| {
            black_box(stripe_typed::rt::from_json::<PaymentIntent>(black_box(INTENT)).unwrap());
        }));
    }
    let (base, typed) = (min_median(value_times), min_median(typed_times));
    println!(
        "decode a PaymentIntent ({} bytes, charges expanded, unknown fields kept), {RUNS} runs of {DECODES_PER_RUN}, from &str:",
        INTENT.len()
    );
    for (what, (min, median)) in [("into serde_json::Value", base), ("into PaymentIntent (`rt::from_json`)", typed)] {
        println!(
            "  {what:<38} min {:>8.2} µs  median {:>8.2} µs  ratio (min/median) {:.2} / {:.2}",
            min.as_secs_f64() * 1e6,
            median.as_secs_f64() * 1e6,
            min.as_secs_f64() / base.0.as_secs_f64(),
            median.as_secs_f64() / base.1.as_secs_f64(),
        );
    }
}
