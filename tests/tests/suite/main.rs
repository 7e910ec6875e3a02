//! The workspace's integration tests, as one test binary: each file beside this one was its
//! own binary, and each linked `stripe-typed`, the generator and xtask again, so linking took
//! most of `cargo test` on two cores. As modules of one crate they link once.
//!
//! What the modules share is the `tests` library (`tests/src/`): the scripted loopback
//! server, the fuzz helpers, the tests' own HMAC. Run one module with a filter, such as
//! `cargo test -p tests --test suite -- webhook::`.

mod client;
mod client_blocking;
mod client_identity;
mod client_transport;
mod codegen;
mod decode_fuzz;
mod events;
mod faults;
mod fixtures_compile;
mod json_fuzz;
mod meter_event_stream;
mod observe;
mod operations;
mod readme_testing;
mod report;
mod roundtrip;
mod rt_paginate;
mod select_config;
mod thin_events;
mod uploads;
mod v2;
mod v2_operations;
mod webhook;
mod webhook_example;
mod webhook_fuzz;
mod workflow;
