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
    fn literal_paths_convert_unchanged() {
        assert_eq!(Path::from("/v1/balance".to_owned()).as_str(), "/v1/balance");
        assert_eq!(Path::from("/v1/balance").refusal(), None);
    }
}
