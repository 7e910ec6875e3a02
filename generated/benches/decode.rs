//! Prints the cost of decoding a realistic Financial Connections Session (three expanded
//! accounts, `benches/session.json`) into the generated types, as a ratio to decoding the same
//! bytes into `serde_json::Value` in the same run. Encoding back to JSON is timed the same way.
//!
//! Like for like, both sides decode from bytes (`Value` with `from_slice`, as `reqwest`'s
//! `.json()` does; the typed side as `rt::Client` does: the UTF-8 checked once, then
//! `rt::from_json`) and from a `&str`. It prints min and median over several runs and asserts
//! nothing beyond the decode being lossless. Run it with
//! `cargo bench -p stripe-typed --bench decode`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use serde_json::Value;
use stripe_typed::resources::financial_connections_session::FinancialConnectionsSession;
use stripe_typed::rt;

const SESSION: &str = include_str!("session.json");
const RUNS: usize = 15;
const DECODES_PER_RUN: usize = 4_000;

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

fn line(what: &str, (min, median): (Duration, Duration), base: (Duration, Duration)) {
    println!(
        "{what:<40} min {:>8.2} µs  median {:>8.2} µs  ratio (min/median) {:.2} / {:.2}",
        min.as_secs_f64() * 1e6,
        median.as_secs_f64() * 1e6,
        min.as_secs_f64() / base.0.as_secs_f64(),
        median.as_secs_f64() / base.1.as_secs_f64(),
    );
}

/// Prints `rows` under `title`, as ratios to the first row.
fn group<const N: usize>(title: &str, rows: [(&str, Vec<Duration>); N]) {
    println!("{title}");
    let stats = rows.map(|(name, times)| (name, min_median(times)));
    for (name, stat) in stats {
        line(name, stat, stats[0].1);
    }
}

fn main() {
    let bytes = SESSION.as_bytes();
    // A bench of a lossy decode would flatter it: check that the typed value encodes back to
    // the same JSON first.
    let value: Value = serde_json::from_slice(bytes).expect("session.json is JSON");
    let typed: FinancialConnectionsSession =
        rt::from_json(SESSION).expect("session.json decodes into the generated types");
    assert_eq!(
        serde_json::to_value(&typed).expect("encodes"),
        value,
        "the typed decode of session.json must round-trip"
    );

    let (mut value_decode, mut typed_decode, mut serde) = (Vec::new(), Vec::new(), Vec::new());
    let (mut value_str, mut typed_str) = (Vec::new(), Vec::new());
    let (mut value_encode, mut typed_encode) = (Vec::new(), Vec::new());
    // Interleaved, so drift in machine load hits both sides alike.
    for _ in 0..RUNS {
        value_decode.push(time(|| {
            black_box(serde_json::from_slice::<Value>(black_box(bytes)).unwrap());
        }));
        typed_decode.push(time(|| {
            let text = std::str::from_utf8(black_box(bytes)).unwrap();
            black_box(rt::from_json::<FinancialConnectionsSession>(text).unwrap());
        }));
        value_str.push(time(|| {
            black_box(serde_json::from_str::<Value>(black_box(SESSION)).unwrap());
        }));
        typed_str.push(time(|| {
            black_box(rt::from_json::<FinancialConnectionsSession>(black_box(SESSION)).unwrap());
        }));
        serde.push(time(|| {
            black_box(
                serde_json::from_str::<FinancialConnectionsSession>(black_box(SESSION)).unwrap(),
            );
        }));
        value_encode.push(time(|| {
            black_box(serde_json::to_vec(black_box(&value)).unwrap());
        }));
        typed_encode.push(time(|| {
            black_box(serde_json::to_vec(black_box(&typed)).unwrap());
        }));
    }
    println!(
        "decode a Financial Connections Session ({} bytes, {} accounts), {RUNS} runs of {DECODES_PER_RUN}:",
        bytes.len(),
        value["accounts"]["data"].as_array().map_or(0, Vec::len)
    );
    group(
        "from bytes (Value: `from_slice`, as reqwest's `.json()`; typed: as rt::Client does):",
        [
            ("  into serde_json::Value", value_decode),
            ("  into FinancialConnectionsSession", typed_decode),
        ],
    );
    group(
        "from a &str (`from_str`; typed: `rt::from_json`):",
        [
            ("  into serde_json::Value", value_str),
            ("  into FinancialConnectionsSession", typed_str),
            ("  the same through serde (*)", serde),
        ],
    );
    println!(
        "  (*) `serde_json::from_str` (feature `serde`): serde_json finds the value's text, `rt::Decode` reads it"
    );
    group(
        "encode:",
        [
            ("  serde_json::Value", value_encode),
            ("  FinancialConnectionsSession", typed_encode),
        ],
    );
}
