//! The runtime of `stripe-typed`: everything the generated Stripe models and requests share,
//! written once by hand. Users reach it as `stripe_typed::rt`.
//!
//! Generated modules describe Stripe objects and operations; everything they share lives here
//! once: decoding ([`Decode`], [`from_json`]), form and path encoding ([`Form`], [`ToForm`], [`Path`]),
//! JSON request bodies for Stripe's v2 API ([`ToJson`], [`JsonWriter`]),
//! file uploads and binary responses ([`FileUpload`], [`Bytes`]), the serde glue for
//! Stripe's shapes ([`Expandable`], [`Clearable`], [`List`], [`SearchResult`], [`Secret`],
//! [`Timestamp`], [`WireEnum`]), v2's string formats ([`DateTime`],
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
//! Everything documented here is the public API, under semver. What is hidden from the docs
//! (`__private`, and the macros `impl_wire_enum!` and `impl_id!` it re-exports) exists for the
//! generated crate of the same version and may change in any release.

// docs.rs builds with `--cfg docsrs` on nightly: each item gated by a feature says which.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
// Every `pub` item is documented and reachable from the root, so that what is public is what
// the docs list.
#![warn(missing_docs, unreachable_pub)]

mod api_error;
mod api_mode;
#[cfg(feature = "client")]
mod app_info;
mod clearable;
#[cfg(feature = "client")]
mod client;
#[cfg(feature = "client")]
mod config;
mod error;
mod event;
#[cfg(feature = "client")]
mod exchange;
mod expandable;
mod extra;
mod form;
mod formats;
mod id;
mod json;
mod json_writer;
mod list;
mod multipart;
mod object;
#[cfg(feature = "client")]
mod observe;
#[cfg(feature = "client")]
mod paginate;
mod path;
#[cfg(feature = "client")]
mod random;
mod redact;
mod request;
#[cfg(feature = "client")]
mod retry;
mod timestamp;
mod transport;
mod upload;
mod wire_enum;

#[cfg(feature = "blocking")]
#[cfg_attr(docsrs, doc(cfg(feature = "blocking")))]
pub mod blocking;

#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;

#[cfg(feature = "webhook")]
#[cfg_attr(docsrs, doc(cfg(feature = "webhook")))]
pub mod webhook;

pub mod v2;

pub use api_error::v1::{ApiError, ApiErrorType};
#[cfg(feature = "client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
pub use app_info::AppInfo;
pub use clearable::Clearable;
#[cfg(feature = "client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
pub use client::Client;
pub use error::{Error, ErrorKind, BODY_EXCERPT};
pub use event::UndecodedObject;
pub use expandable::{Expandable, HasId};
pub use extra::Extra;
pub use form::{Form, ToForm};
pub use formats::{DateTime, DateTimeError, Decimal, DecimalError};
pub use json::{from_json, Decode, DecodeError, Reader, MAX_DEPTH};
pub use json_writer::{JsonWriter, ToJson};
pub use list::{List, SearchResult};
#[cfg(feature = "client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
pub use observe::Attempt;
#[cfg(feature = "client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
pub use paginate::{Page, Paginator};
pub use path::Path;
pub use redact::Secret;
pub use request::{Method, Request, RequestOptions};
#[cfg(feature = "client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
pub use retry::{Retry, RetryReason};
pub use timestamp::Timestamp;
#[cfg(feature = "reqwest")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
pub use transport::ReqwestTransport;
pub use transport::{
    BoxFuture, HttpRequest, HttpResponse, Transport, TransportError, TransportErrorKind,
};
pub use upload::{Bytes, FileUpload, DEFAULT_MAX_UPLOAD_BYTES};
pub use wire_enum::WireEnum;

/// What generated code calls and no user needs: the macros that write a wire enum's or an
/// id's API (`#[macro_export]` also puts them at the root, hidden), the serde glue they and
/// the models name (so that a generated crate needs no serde dependency of its own), and the
/// decoding of an event's object. Not under semver: it changes with the generator.
#[doc(hidden)]
pub mod __private {
    pub use crate::event::decode_object;
    pub use crate::json::deserialize_via_json;
    pub use crate::wire_enum::WireVisitor;
    pub use crate::{impl_id, impl_wire_enum};
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
