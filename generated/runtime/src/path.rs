//! Request paths built from literal text and percent-encoded parameters, refusing a parameter
//! that would not stay one path segment.

use std::fmt;

use super::form::encode_path;

/// The path of a request, such as `/v1/financial_connections/accounts/fca_123/refresh`.
///
/// Generated operations build it from literal pieces and parameters:
///
/// ```
/// use stripe_typed_runtime::Path;
///
/// let path = Path::new("/v1/customers/").param("customer", "cus_1").push("/tax_ids");
/// assert_eq!(path.as_str(), "/v1/customers/cus_1/tax_ids");
/// ```
///
/// A parameter is percent-encoded (everything but `A-Z a-z 0-9 - . _ ~`), so `?`, `#` and
/// spaces stay inside it. A value that cannot stay one segment is refused instead: the empty
/// string (`…/accounts//disconnect`), `.` and `..` (which URL parsing resolves, so `..` would
/// act on the parent object), and values with `/` or `\` (which a server or proxy that decodes
/// `%2F` would split). A refused path remembers the first refused parameter; clients fail with
/// [`ErrorKind::InvalidPathParameter`](super::ErrorKind::InvalidPathParameter) naming it, and
/// nothing is sent.
///
/// Literal text, including a whole path given as a `String` (`Request::new(Method::Get,
/// "/v1/balance".to_owned())`), is used as is: it is the caller's code, not user input.
#[derive(Clone, PartialEq, Eq)]
pub struct Path {
    encoded: String,
    refused: Option<Refusal>,
}

/// Why a path parameter was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub(crate) name: &'static str,
    pub(crate) reason: &'static str,
}

impl Path {
    /// A path that starts with `literal` (already encoded, such as `/v1/customers/`).
    pub fn new(literal: &str) -> Self {
        Path {
            encoded: literal.to_owned(),
            refused: None,
        }
    }

    /// Appends literal text (already encoded), such as `/refresh`.
    pub fn push(mut self, literal: &str) -> Self {
        self.encoded.push_str(literal);
        self
    }

    /// Appends the parameter `name` (for the error) with `value` percent-encoded, or records
    /// that `value` cannot be one path segment.
    pub fn param(mut self, name: &'static str, value: &str) -> Self {
        match refusal_reason(value) {
            Some(reason) => {
                self.refused.get_or_insert(Refusal { name, reason });
            }
            None => self.encoded.push_str(&encode_path(value)),
        }
        self
    }

    /// The encoded path. A refused parameter is left out of it.
    pub fn as_str(&self) -> &str {
        &self.encoded
    }

    /// The first refused parameter, if any.
    pub(crate) fn refusal(&self) -> Option<Refusal> {
        self.refused
    }
}

/// Why `value` cannot be a path segment, or `None` when it can.
///
/// After [`encode_path`] only `.` and `-_~` and alphanumerics stay literal, and `%` becomes
/// `%25`, so the encoded value is a dot segment under the WHATWG URL rules (`.`, `..`, or any
/// spelling with `%2e`) exactly when the value itself is `.` or `..`.
fn refusal_reason(value: &str) -> Option<&'static str> {
    if value.is_empty() {
        Some("is empty")
    } else if value == "." || value == ".." {
        Some("is `.` or `..`, which URL parsing resolves to another path")
    } else if value.contains(['/', '\\']) {
        Some("contains `/` or `\\`, which could split it into several path segments")
    } else {
        None
    }
}

/// The longest URL taken from a response that is requested (a v2 list's `next_page_url`, a
/// thin event's `related_object.url`): far above Stripe's (a path and one page token).
pub(crate) const MAX_RESPONSE_URL: usize = 8192;

/// Why a URL taken from a response is not requested ([`response_url_target`]). Each caller
/// words the reason for the URL it checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UrlRefusal {
    /// Longer than [`MAX_RESPONSE_URL`] bytes.
    TooLong,
    /// Not a path under one of the allowed prefixes: a scheme, a host, `//host`, another
    /// API version.
    OutsidePrefixes,
    /// A character that cannot be sent in a URL as is: a control character, a space, a
    /// non-ASCII byte, or `\` or `#` (which URL parsers read as `/` and as the fragment).
    Character,
    /// A `%` not followed by two hex digits.
    MalformedEscape,
    /// A `.` or `..` segment, also spelled with `%2e`.
    DotSegment,
}

/// The path and query string of `url`, a URL taken from a response to be requested next, on
/// the same host with the same credentials: a v2 list's `next_page_url`, a thin event's
/// `related_object.url`. Or why it is not requested.
///
/// The URL is hostile input, so it must be a path that starts with one of `prefixes` (such as
/// `/v2/`: so no scheme, no host, no `//host`), at most [`MAX_RESPONSE_URL`] bytes of visible
/// ASCII (no control character, space or non-ASCII byte; no `\` or `#`), with well-formed
/// percent-escapes and no `.` or `..` segment (spelled with `%2e` too), which URL parsing
/// would resolve to another path. The query string is kept as sent (it is already encoded).
pub(crate) fn response_url_target<'u>(
    url: &'u str,
    prefixes: &[&str],
) -> Result<(&'u str, &'u str), UrlRefusal> {
    if url.len() > MAX_RESPONSE_URL {
        return Err(UrlRefusal::TooLong);
    }
    if !prefixes.iter().any(|prefix| url.starts_with(prefix)) {
        return Err(UrlRefusal::OutsidePrefixes);
    }
    if url
        .bytes()
        .any(|b| !b.is_ascii_graphic() || b == b'\\' || b == b'#')
    {
        return Err(UrlRefusal::Character);
    }
    let bytes = url.as_bytes();
    for (i, _) in url.match_indices('%') {
        let hex = |at: usize| bytes.get(at).is_some_and(u8::is_ascii_hexdigit);
        if !hex(i + 1) || !hex(i + 2) {
            return Err(UrlRefusal::MalformedEscape);
        }
    }
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let dot_segment = path.split('/').any(|segment| {
        let segment = segment.to_ascii_lowercase().replace("%2e", ".");
        segment == "." || segment == ".."
    });
    if dot_segment {
        return Err(UrlRefusal::DotSegment);
    }
    Ok((path, query))
}

impl From<String> for Path {
    /// A whole literal path, already encoded.
    fn from(literal: String) -> Self {
        Path {
            encoded: literal,
            refused: None,
        }
    }
}

impl From<&str> for Path {
    /// A whole literal path, already encoded.
    fn from(literal: &str) -> Self {
        Path::new(literal)
    }
}

impl fmt::Debug for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.refused {
            None => fmt::Debug::fmt(&self.encoded, f),
            Some(r) => f
                .debug_struct("Path")
                .field("encoded", &self.encoded)
                .field("refused", &r.name)
                .finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_encoded_between_literals() {
        let path = Path::new("/v1/customers/")
            .param("customer", "cus 1?#")
            .push("/tax_ids/")
            .param("id", "%2e")
            .push("");
        assert_eq!(path.as_str(), "/v1/customers/cus%201%3F%23/tax_ids/%252e");
        assert_eq!(path.refusal(), None);
        assert_eq!(
            format!("{path:?}"),
            r#""/v1/customers/cus%201%3F%23/tax_ids/%252e""#
        );
    }

    #[test]
    fn values_that_are_not_one_segment_are_refused_by_name() {
        for value in ["", ".", "..", "a/b", "a\\b", "/", "../x"] {
            let path = Path::new("/v1/customers/")
                .param("customer", "cus_1")
                .push("/tax_ids/")
                .param("id", value);
            let refusal = path
                .refusal()
                .unwrap_or_else(|| panic!("{value:?} accepted"));
            assert_eq!(refusal.name, "id", "{value:?}");
            assert!(!path.as_str().contains(".."), "{value:?}");
        }
        // The first refused parameter is the one reported.
        let path = Path::new("/v1/x/")
            .param("a", "")
            .push("/")
            .param("b", "..");
        assert_eq!(path.refusal().map(|r| r.name), Some("a"));
        assert!(format!("{path:?}").contains("refused: \"a\""));
        // Dots inside a value, or spelled encoded, stay one segment.
        for value in ["...", ".a", "a.", "%2e", "%2E%2E", ".%2e", "\u{2024}"] {
            assert_eq!(
                Path::new("/v1/x/").param("p", value).refusal(),
                None,
                "{value:?}"
            );
        }
    }

    #[test]
    fn response_urls_are_checked_as_hostile_input() {
        let v2 = &["/v2/"][..];
        for (url, path, query) in [
            (
                "/v2/core/accounts?page=abc",
                "/v2/core/accounts",
                "page=abc",
            ),
            ("/v2/core/accounts", "/v2/core/accounts", ""),
            (
                "/v2/core/events?page=a%2Fb&limit=10&types[0]=x",
                "/v2/core/events",
                "page=a%2Fb&limit=10&types[0]=x",
            ),
            ("/v2/core/a.b/..c?page=..", "/v2/core/a.b/..c", "page=.."),
        ] {
            assert_eq!(response_url_target(url, v2), Ok((path, query)), "{url}");
        }
        for (url, refusal) in [
            ("", UrlRefusal::OutsidePrefixes),
            (
                "https://evil.example/v2/core/accounts",
                UrlRefusal::OutsidePrefixes,
            ),
            (
                "//evil.example/v2/core/accounts",
                UrlRefusal::OutsidePrefixes,
            ),
            ("/v1/customers?page=a", UrlRefusal::OutsidePrefixes),
            ("v2/core/accounts", UrlRefusal::OutsidePrefixes),
            ("/v2", UrlRefusal::OutsidePrefixes),
            ("/v2/../v1/customers", UrlRefusal::DotSegment),
            ("/v2/core/./accounts", UrlRefusal::DotSegment),
            ("/v2/core/%2e%2E/x", UrlRefusal::DotSegment),
            ("/v2/core/.%2e", UrlRefusal::DotSegment),
            ("/v2/core/accounts?page=a b", UrlRefusal::Character),
            (
                "/v2/core/accounts?page=a\r\nX-Evil: 1",
                UrlRefusal::Character,
            ),
            ("/v2/core/accounts\t", UrlRefusal::Character),
            ("/v2/core/accounts?page=é", UrlRefusal::Character),
            ("/v2/core\\..\\accounts", UrlRefusal::Character),
            ("/v2/core/accounts#frag", UrlRefusal::Character),
            ("/v2/core/accounts?page=%zz", UrlRefusal::MalformedEscape),
            ("/v2/core/accounts?page=%2", UrlRefusal::MalformedEscape),
            ("/v2/core/accounts?page=\u{7f}", UrlRefusal::Character),
        ] {
            assert_eq!(response_url_target(url, v2), Err(refusal), "{url:?}");
        }
        let long = format!("/v2/core/accounts?page={}", "a".repeat(MAX_RESPONSE_URL));
        assert_eq!(response_url_target(&long, v2), Err(UrlRefusal::TooLong));
        // Several prefixes: any of them.
        let both = &["/v1/", "/v2/"][..];
        assert_eq!(
            response_url_target("/v1/billing/meters/mtr_1", both),
            Ok(("/v1/billing/meters/mtr_1", ""))
        );
        assert_eq!(
            response_url_target("/v3/x", both),
            Err(UrlRefusal::OutsidePrefixes)
        );
    }

    #[test]
    fn literal_paths_convert_unchanged() {
        assert_eq!(Path::from("/v1/balance".to_owned()).as_str(), "/v1/balance");
        assert_eq!(Path::from("/v1/balance").refusal(), None);
    }
}
