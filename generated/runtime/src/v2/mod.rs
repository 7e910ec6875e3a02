//! The shapes of Stripe's v2 API that every v2 resource shares: list pages ([`List`]), the
//! answer to a delete ([`Deleted`]), errors ([`ApiError`], [`ErrorCode`]) and thin events
//! ([`EventNotification`]).
//!
//! A request is a v2 one when its path starts with `/v2/` (as stripe-node and stripe-go tell
//! them apart): the clients send its parameters as JSON ([`Request::json`](crate::Request::json)),
//! and decode a failed response's error object as an [`ApiError`]
//! ([`ErrorKind::ApiV2`](crate::ErrorKind::ApiV2), [`Error::v2_api_error`](crate::Error::v2_api_error)).
//! A v2 list is paged by following its `next_page_url` (`Client::paginate`, feature `client`).
//!
//! A thin event ([`EventNotification`]) is what Stripe delivers to an event destination for
//! v2 events: it fetches the event and the object it is about with requests of its own.
//! `MeterEventStream` (feature `client`) sends meter events through the high-throughput meter
//! event stream, creating and renewing the sessions that authenticate it.

#[rustfmt::skip]
mod error_code;
mod notification;
mod objects;
#[cfg(feature = "client")]
mod stream;

#[cfg(feature = "client")]
pub(crate) use crate::api_error::v2::api_error_of;
pub use crate::api_error::v2::ApiError;
pub use error_code::ErrorCode;
pub use notification::{EventNotification, RelatedObject};
pub use objects::{Deleted, List};
#[cfg(feature = "client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
pub use stream::{MeterEventStream, StreamSession, DEFAULT_RENEWAL_MARGIN};
