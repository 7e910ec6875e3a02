//! The runtime of `stripe-typed`: everything the generated Stripe models and requests share,
//! written once by hand. Users reach it as `stripe_typed::rt`.
//!
//! Generated modules describe Stripe objects and operations; everything they share lives here
//! once: decoding ([`Decode`], [`from_json`]), form and path encoding ([`Form`], [`ToForm`], [`Path`], [`encode_path`]),
//! JSON request bodies for Stripe's v2 API ([`ToJson`], [`JsonWriter`]),
//! file uploads and binary responses ([`FileUpload`], [`Bytes`]), the serde glue for
//! Stripe's shapes ([`Expandable`], [`Clearable`], [`List`], [`SearchResult`], [`Secret`],
//! [`Timestamp`], [`double_option`], [`WireEnum`]), v2's string formats ([`DateTime`],
//! [`Decimal`]), request descriptions ([`Request`]), errors
//! ([`Error`], [`ErrorKind`], [`ApiError`]), the shapes of Stripe's v2 API ([`v2`]: its list
//! pages, deleted objects, errors and thin events), and with features: the clients that execute
//! requests (`Client`, feature `client`, and `blocking::Client`, feature `blocking`), paging
//! through lists, v1's and v2's (`Paginator`, `Page`, `client`), webhook signatures (`webhook`, feature `webhook`)
//! and a test double for code that calls Stripe (`testing`, feature `testing`).
//!
//! A generated operation returns a [`Request`]; a client sends it:
//!
//! ```no_run
//! # #[cfg(feature = "reqwest")]
//! # async fn demo() -> Result<(), stripe_typed_runtime::Error> {
//! use stripe_typed_runtime::{self as rt, Client, Method, Request};
//!
//! let client = Client::new("sk_test_...");
//! let balance: rt::Json = client.send(Request::new(Method::Get, "/v1/balance".to_owned())).await?;
//! # let _ = balance;
//! # Ok(())
//! # }
//! ```
//!
//! Everything documented here is the public API, under semver. Items hidden from the docs
//! (`impl_wire_enum!`, `impl_id!`, `decode_object`, `__private`) exist for the generated crate
//! of the same version and may change in any release.

mod api_mode;
#[cfg(feature = "client")]
mod app_info;
#[cfg(feature = "client")]
mod config;
mod error;
mod event;
#[cfg(feature = "client")]
mod exchange;
mod form;
mod formats;
mod json;
mod json_writer;
mod multipart;
mod object;
#[cfg(feature = "client")]
mod observe;
#[cfg(feature = "client")]
mod paginate;
mod path;
#[cfg(feature = "client")]
mod random;
mod request;
#[cfg(feature = "client")]
mod retry;
mod transport;
mod types;
mod upload;
mod wire;

#[cfg(feature = "client")]
mod client;

#[cfg(feature = "blocking")]
pub mod blocking;

#[cfg(feature = "testing")]
pub mod testing;

#[cfg(feature = "webhook")]
pub mod webhook;

pub mod v2;

#[cfg(feature = "client")]
pub use app_info::AppInfo;
#[cfg(feature = "client")]
pub use client::Client;
pub use error::{ApiError, ApiErrorType, Error, ErrorKind, BODY_EXCERPT};
pub use event::UndecodedObject;
pub use form::{encode_path, Form, ToForm};
pub use formats::{DateTime, DateTimeError, Decimal, DecimalError};
#[doc(hidden)]
pub use json::deserialize_via_json;
pub use json::{from_json, Decode, DecodeError, Reader, MAX_DEPTH};
pub use json_writer::{JsonWriter, ToJson};
pub use object::Extra;
#[cfg(feature = "client")]
pub use observe::Attempt;
#[cfg(feature = "client")]
pub use paginate::{Page, Paginator};
pub use path::Path;
pub use request::{Method, Request, RequestOptions};
#[cfg(feature = "client")]
pub use retry::{Retry, RetryReason};
#[cfg(feature = "reqwest")]
pub use transport::ReqwestTransport;
pub use transport::{
    BoxFuture, HttpRequest, HttpResponse, Transport, TransportError, TransportErrorKind,
};
pub use types::{
    double_option, Clearable, Expandable, HasId, List, SearchResult, Secret, Timestamp,
};
pub use upload::{Bytes, FileUpload, DEFAULT_MAX_UPLOAD_BYTES};
pub use wire::WireEnum;

// Generated code calls `rt::impl_wire_enum!(X);` and `rt::impl_id!(X);` (exported at the
// crate's root) and this: users see only what they produce.
#[doc(hidden)]
pub use event::decode_object;

/// What the macros name, so that a crate using them needs no dependency of its own.
#[doc(hidden)]
pub mod __private {
    pub use crate::wire::WireVisitor;
    pub use serde;
}

/// Arbitrary JSON, for values the generated models do not type (yet).
pub type Json = serde_json::Value;

/// A JSON number (`type: number` in the spec), kept as sent: `19` encodes back as `19`, not
/// `19.0`. Read it with `as_f64`, `as_i64` or `as_u64`.
pub type Number = serde_json::Number;

// Generated from the pinned spec (`cargo xtask codegen` writes it), so a spec bump cannot
// leave it behind.
#[rustfmt::skip]
mod api_version;
pub use api_version::API_VERSION;

/// Stripe's production API endpoint, the default base URL of the clients.
pub const DEFAULT_BASE_URL: &str = "https://api.stripe.com";

/// The `User-Agent` every request carries: `stripe-typed/<crate version>`.
pub const USER_AGENT: &str = concat!("stripe-typed/", env!("CARGO_PKG_VERSION"));
