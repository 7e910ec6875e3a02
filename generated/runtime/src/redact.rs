//! Nothing secret is printed: every way this crate keeps a secret out of `Debug` output, in
//! one place for a reviewer to read alone.
//!
//! - [`Secret`] wraps a value that is never printed: the API key, a `client_secret`, a meter
//!   event session's token, and every parameter or field the generator marks secret.
//! - [`redacted_headers`]: `Authorization` (the API key) is left out of every request's headers
//!   (`HttpRequest`, the test double's `SentRequest`).
//! - [`RedactedUrl`], [`FormNames`], [`JsonNames`] and [`JsonValueNames`]: a request shows its
//!   parameters' names, never their values (card numbers, CVCs, secrets), in its query string,
//!   its form or JSON body (`Request`, `HttpRequest`, `SentRequest`).
//! - [`ObjectById`]: objects embedded in v1's `ApiError` (a payment intent, with its
//!   `client_secret`) show their id only.
//!
//! Elsewhere, bodies are never printed whole: `HttpRequest` shows its length, errors keep an
//! excerpt of a response (what Stripe sent back, which holds no request secret), and the
//! observer's `Attempt` carries no query, body or key. The tests here, and `Debug` tests next
//! to each type, check that no secret comes out.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::json::{Decode, DecodeError, Reader};
use crate::Json;

/// A value that must not be printed, such as a `client_secret`.
///
/// `Debug` prints `<redacted>` and there is deliberately no `Display`; read the value with
/// [`Secret::expose`]. It serializes and deserializes as the plain string.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret value itself. Take care where it goes.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// So that a secret parameter's setter takes a plain string: `.client_secret("pi_..._secret_...")`.
impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

impl Decode for Secret {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Secret(r.string()?))
    }
}

/// `headers` for `Debug`: the `Authorization` header's value (the secret key) left out.
pub(crate) fn redacted_headers(headers: &[(String, String)]) -> Vec<(&str, &str)> {
    headers
        .iter()
        .map(|(name, value)| {
            if name.eq_ignore_ascii_case("authorization") {
                (name.as_str(), "<redacted>")
            } else {
                (name.as_str(), value.as_str())
            }
        })
        .collect()
}

/// A URL for `Debug`: its query string's parameter names only.
pub(crate) struct RedactedUrl<'a>(pub(crate) &'a str);

impl fmt::Debug for RedactedUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some((base, query)) = self.0.split_once('?') else {
            return fmt::Debug::fmt(self.0, f);
        };
        let mut text = format!("{base}?");
        for (i, pair) in query.split('&').enumerate() {
            if i > 0 {
                text.push('&');
            }
            text.push_str(pair.split('=').next().unwrap_or_default());
            text.push_str("=…");
        }
        fmt::Debug::fmt(&text, f)
    }
}

/// The names of an encoded form's parameters (`card[number]`), without their values.
pub(crate) struct FormNames<'a>(pub(crate) &'a str);

impl fmt::Debug for FormNames<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = self.0.split('&').filter(|pair| !pair.is_empty());
        // An encoded key has no `=` of its own (it becomes `%3D`), so the first one ends it.
        f.debug_list()
            .entries(names.map(|pair| pair.split('=').next().unwrap_or_default()))
            .finish()
    }
}

/// The top-level field names of a JSON body, without their values (nested names are not
/// shown: they are values of a top-level field).
pub(crate) struct JsonNames<'a>(pub(crate) &'a str);

impl fmt::Debug for JsonNames<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names = Vec::new();
        let mut r = Reader::new(self.0);
        let read = r.object(&mut |r, key| {
            names.push(key.to_owned());
            r.raw().map(drop)
        });
        match read {
            Ok(()) => f.debug_list().entries(&names).finish(),
            // Not an object (a body set by hand): its length only.
            Err(_) => write!(f, "<{} bytes>", self.0.len()),
        }
    }
}

/// A JSON body's top-level names, without their values (the names of an object's keys; an
/// array or a scalar shows its kind only).
#[cfg(feature = "testing")]
pub(crate) struct JsonValueNames<'a>(pub(crate) &'a Json);

#[cfg(feature = "testing")]
impl fmt::Debug for JsonValueNames<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Json::Object(entries) => f.debug_list().entries(entries.keys()).finish(),
            Json::Array(items) => write!(f, "<an array of {}>", items.len()),
            _ => f.write_str("<a scalar>"),
        }
    }
}

/// Debug shows an embedded object only by its id, as `Object("pi_123")`.
pub(crate) struct ObjectById<'a>(pub(crate) &'a Option<Json>);

impl fmt::Debug for ObjectById<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            None => f.write_str("None"),
            Some(object) => match object.get("id").and_then(Json::as_str) {
                Some(id) => f.debug_tuple("Object").field(&id).finish(),
                None => f.write_str("Object(..)"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{HttpRequest, Method};
    use std::time::Duration;

    #[test]
    fn secret_is_redacted_and_transparent() {
        let s: Secret = serde_json::from_str(r#""fcsess_client_secret_abc""#).unwrap();
        assert_eq!(s.expose(), "fcsess_client_secret_abc");
        assert_eq!(format!("{s:?}"), "<redacted>");
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#""fcsess_client_secret_abc""#
        );
    }

    #[test]
    fn debug_leaves_out_the_key_and_query_values() {
        let request = HttpRequest {
            method: Method::Get,
            url: "https://api.stripe.com/v1/payment_intents/pi_1?client_secret=pi_1_secret_2&expand[0]=x"
                .to_owned(),
            headers: vec![("Authorization".to_owned(), "Bearer sk_test_9".to_owned())],
            body: b"card[number]=4242424242424242".to_vec(),
            timeout: Duration::from_secs(1),
            max_response_bytes: 1,
        };
        let debug = format!("{request:?}");
        for secret in ["sk_test_9", "secret_2", "4242"] {
            assert!(!debug.contains(secret), "{secret} in {debug}");
        }
        assert!(
            debug.contains("/v1/payment_intents/pi_1?client_secret=…&expand[0]=…"),
            "{debug}"
        );
    }
}
