//! `multipart/form-data` bodies (RFC 7578), for file uploads.
//!
//! Parameters become parts named as form encoding names them (`file_link_data[create]`,
//! `expand[0]`): [`Form`](super::Form) collects them through the same [`ToForm`](super::ToForm)
//! code, and this module writes them out. Nothing here is generic, so it is compiled once.

use std::fmt;

use super::FileUpload;

/// One part of a multipart body: a parameter's text, or a file.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Part {
    /// The form name, such as `file_link_data[create]`.
    pub(crate) name: String,
    pub(crate) value: PartValue,
}

#[derive(Clone, PartialEq, Eq)]
pub(crate) enum PartValue {
    Text(String),
    File(FileUpload),
}

#[cfg(feature = "client")] // Encoding happens when a client sends.
impl Part {
    fn contains(&self, needle: &[u8]) -> bool {
        let (value, file_name, media_type): (&[u8], &[u8], &[u8]) = match &self.value {
            PartValue::Text(text) => (text.as_bytes(), b"", b""),
            PartValue::File(file) => (
                file.bytes(),
                file.name().as_bytes(),
                file.media_type().as_bytes(),
            ),
        };
        [self.name.as_bytes(), value, file_name, media_type]
            .iter()
            .any(|haystack| contains(haystack, needle))
    }

    /// The bytes of the part's files.
    pub(crate) fn file_len(&self) -> usize {
        match &self.value {
            PartValue::Text(_) => 0,
            PartValue::File(file) => file.len(),
        }
    }
}

/// Shows the name, and a file's name and size; never a value or a file's content.
impl fmt::Debug for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            PartValue::Text(_) => fmt::Debug::fmt(&self.name, f),
            PartValue::File(file) => write!(
                f,
                "{:?} (file {:?}, {} bytes)",
                self.name,
                file.name(),
                file.len()
            ),
        }
    }
}

#[cfg(feature = "client")] // Encoding happens when a client sends.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(feature = "client")] // Encoding happens when a client sends.
/// A multipart body and its boundary, for the `Content-Type` header.
pub(crate) struct Encoded {
    pub(crate) boundary: String,
    pub(crate) body: Vec<u8>,
}

#[cfg(feature = "client")] // Encoding happens when a client sends.
impl Encoded {
    /// `multipart/form-data; boundary=…`.
    pub(crate) fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }
}

#[cfg(feature = "client")] // Encoding happens when a client sends.
/// Writes `parts` as a `multipart/form-data` body. The boundary is the first of `boundaries`
/// that occurs nowhere in the parts (names, file names, media types, values, content), so no
/// line of the content can end a part early. Boundaries are random, so the first one is all
/// but certain to do.
pub(crate) fn encode(parts: &[Part], boundaries: &mut dyn FnMut() -> String) -> Encoded {
    let boundary = loop {
        let candidate = boundaries();
        if !parts.iter().any(|p| p.contains(candidate.as_bytes())) {
            break candidate;
        }
    };
    let size: usize = parts
        .iter()
        .map(|p| p.name.len() + p.file_len() + 128)
        .sum();
    let mut body = Vec::with_capacity(size + boundary.len() * (parts.len() + 1));
    for part in parts {
        push_all(&mut body, &[b"--", boundary.as_bytes(), b"\r\n"]);
        body.extend_from_slice(b"Content-Disposition: form-data; name=");
        push_quoted(&mut body, &part.name);
        match &part.value {
            PartValue::Text(text) => {
                body.extend_from_slice(b"\r\n\r\n");
                body.extend_from_slice(text.as_bytes());
            }
            PartValue::File(file) => {
                body.extend_from_slice(b"; filename=");
                push_quoted(&mut body, file.name());
                body.extend_from_slice(b"\r\nContent-Type: ");
                push_header_text(&mut body, file.media_type());
                body.extend_from_slice(b"\r\n\r\n");
                body.extend_from_slice(file.bytes());
            }
        }
        body.extend_from_slice(b"\r\n");
    }
    push_all(&mut body, &[b"--", boundary.as_bytes(), b"--\r\n"]);
    Encoded { boundary, body }
}

#[cfg(feature = "client")] // Encoding happens when a client sends.
fn push_all(out: &mut Vec<u8>, pieces: &[&[u8]]) {
    for piece in pieces {
        out.extend_from_slice(piece);
    }
}

#[cfg(feature = "client")] // Encoding happens when a client sends.
/// `text` as a quoted string (RFC 7578 section 4.2, RFC 2045's `quoted-string`): `"` and `\`
/// are escaped with `\`, and a control character (CR and LF among them), which would end the
/// header, becomes `_`. Other text, UTF-8 included, is sent as is, as browsers do.
fn push_quoted(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push(b'\\');
                out.push(c as u8);
            }
            c if c.is_control() => out.push(b'_'),
            c => {
                let mut utf8 = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
            }
        }
    }
    out.push(b'"');
}

#[cfg(feature = "client")] // Encoding happens when a client sends.
/// A header value with control characters replaced by `_`.
fn push_header_text(out: &mut Vec<u8>, text: &str) {
    for c in text.chars() {
        let c = if c.is_control() { '_' } else { c };
        let mut utf8 = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
    }
}

#[cfg(all(test, feature = "client"))]
mod tests {
    use super::*;

    fn text(name: &str, value: &str) -> Part {
        Part {
            name: name.to_owned(),
            value: PartValue::Text(value.to_owned()),
        }
    }

    #[test]
    fn parts_names_and_file_names_are_written_and_escaped() {
        let file = FileUpload::new("a\"b\\c\r\nd.pdf", &b"%PDF\r\n--x"[..])
            .content_type("application/pdf\r\nX-Evil: 1");
        let parts = [
            text("purpose", "dispute_evidence"),
            Part {
                name: "file".to_owned(),
                value: PartValue::File(file),
            },
            text("meta[\"k\"]", ""),
        ];
        let encoded = encode(&parts, &mut || "BOUNDARY".to_owned());
        assert_eq!(
            encoded.content_type(),
            "multipart/form-data; boundary=BOUNDARY"
        );
        let want = "--BOUNDARY\r\n\
            Content-Disposition: form-data; name=\"purpose\"\r\n\r\n\
            dispute_evidence\r\n\
            --BOUNDARY\r\n\
            Content-Disposition: form-data; name=\"file\"; filename=\"a\\\"b\\\\c__d.pdf\"\r\n\
            Content-Type: application/pdf__X-Evil: 1\r\n\r\n\
            %PDF\r\n--x\r\n\
            --BOUNDARY\r\n\
            Content-Disposition: form-data; name=\"meta[\\\"k\\\"]\"\r\n\r\n\
            \r\n\
            --BOUNDARY--\r\n";
        assert_eq!(String::from_utf8(encoded.body).unwrap(), want);
    }

    #[test]
    fn a_boundary_found_in_the_content_is_replaced() {
        let parts = [
            text("a", "--first-- and"),
            Part {
                name: "f".to_owned(),
                value: PartValue::File(FileUpload::new("n", "second")),
            },
            text("third", "x"),
        ];
        let mut offered = vec!["first", "second", "third", "fourth"].into_iter();
        let mut tried = 0;
        let encoded = encode(&parts, &mut || {
            tried += 1;
            offered.next().unwrap().to_owned()
        });
        assert_eq!((encoded.boundary.as_str(), tried), ("fourth", 4));
        let empty = encode(&[], &mut || "b".to_owned());
        assert_eq!(empty.body, b"--b--\r\n");
    }

    #[test]
    fn debug_shows_names_only() {
        let parts = [
            text("card[number]", "4242424242424242"),
            Part {
                name: "file".to_owned(),
                value: PartValue::File(FileUpload::new("id.png", "secret-bytes")),
            },
        ];
        let debug = format!("{parts:?}");
        assert!(
            !debug.contains("4242") && !debug.contains("secret-bytes"),
            "{debug}"
        );
        assert!(
            debug.contains("card[number]") && debug.contains("id.png"),
            "{debug}"
        );
    }
}
