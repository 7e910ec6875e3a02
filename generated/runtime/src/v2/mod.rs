//! The shapes of Stripe's v2 API that every v2 resource shares: list pages ([`List`]), the
//! answer to a delete ([`Deleted`]) and errors ([`ApiError`], [`ErrorCode`]).
//!
//! A request is a v2 one when its path starts with `/v2/` (as stripe-node and stripe-go tell
//! them apart): the clients send its parameters as JSON ([`Request::json`](crate::Request::json)),
//! and decode a failed response's error object as an [`ApiError`]
//! ([`ErrorKind::ApiV2`](crate::ErrorKind::ApiV2), [`Error::v2_api_error`](crate::Error::v2_api_error)).
//! A v2 list is paged by following its `next_page_url` (`Client::paginate`, feature `client`).

mod error;
#[rustfmt::skip]
mod error_code;
mod objects;

#[cfg(feature = "client")]
pub(crate) use error::api_error_of;
pub use error::ApiError;
pub use error_code::ErrorCode;
pub use objects::{Deleted, List};
