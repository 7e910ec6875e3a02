//! Files sent in `multipart/form-data` uploads (`POST /v1/files`) and binary responses
//! (`GET /v1/quotes/{quote}/pdf`).

use std::fmt;
use std::io::{self, Read};
use std::sync::Arc;

/// The default limit on the bytes of the files of one request: 16 MiB, at least the largest
/// per-purpose limit in Stripe's file upload guide (16 MB, for identity documents and
/// account requirements; dispute evidence is 5 MB, logos 512 KB). A larger upload fails with
/// [`ErrorKind::UploadTooLarge`](super::ErrorKind::UploadTooLarge) before anything is sent;
/// `Client::with_max_upload_bytes` changes the limit.
pub const DEFAULT_MAX_UPLOAD_BYTES: usize = 16 * 1024 * 1024;

/// A file to upload: its bytes, the file name sent with them and a media type.
///
/// The bytes are held in memory (shared, so cloning a request does not copy them), which makes
/// the upload replayable: a retry sends exactly the same body with the same `Idempotency-Key`.
/// `Debug` shows the name and size, never the content.
#[derive(Clone, PartialEq, Eq)]
pub struct FileUpload {
    name: String,
    content_type: String,
    data: Arc<[u8]>,
}

impl FileUpload {
    /// A file called `name` (sent as the part's `filename`) holding `data`, sent as
    /// `application/octet-stream` unless [`FileUpload::content_type`] says otherwise (Stripe
    /// recognises the type from the content and the name's extension).
    pub fn new(name: impl Into<String>, data: impl Into<Vec<u8>>) -> Self {
        FileUpload {
            name: name.into(),
            content_type: "application/octet-stream".to_owned(),
            data: Arc::from(data.into()),
        }
    }

    /// A file called `name` with everything `reader` yields, read now: at most
    /// [`DEFAULT_MAX_UPLOAD_BYTES`]. A longer stream is not read to its end and fails with
    /// [`io::ErrorKind::InvalidInput`]; for a larger file under a raised client limit, read it
    /// yourself and use [`FileUpload::new`].
    pub fn from_reader(name: impl Into<String>, reader: impl Read) -> io::Result<Self> {
        let mut data = Vec::new();
        let limit = DEFAULT_MAX_UPLOAD_BYTES as u64;
        let read = reader.take(limit + 1).read_to_end(&mut data)?;
        if read > DEFAULT_MAX_UPLOAD_BYTES {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("the file is larger than the upload limit of {limit} bytes"),
            ));
        }
        Ok(FileUpload::new(name, data))
    }

    /// Sends the file with this media type, such as `application/pdf`. Control characters are
    /// sent as `_`, so a value cannot add a header.
    pub fn content_type(mut self, media_type: impl Into<String>) -> Self {
        self.content_type = media_type.into();
        self
    }

    /// The file name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The media type sent with the file.
    pub fn media_type(&self) -> &str {
        &self.content_type
    }

    /// The file's bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.data
    }

    /// The number of bytes.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

/// Shows the name, media type and size, never the content.
impl fmt::Debug for FileUpload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileUpload")
            .field("name", &self.name)
            .field("content_type", &self.content_type)
            .field("len", &self.data.len())
            .finish()
    }
}

/// A response body returned as it came, such as a quote's PDF. Read at most the client's
/// response limit (`with_max_response_bytes`), like every response.
///
/// `Debug` shows the length only.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Bytes(Vec<u8>);

impl Bytes {
    /// The body as a vector.
    pub fn into_vec(self) -> Vec<u8> {
        self.0
    }

    /// The body.
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(bytes: Vec<u8>) -> Self {
        Bytes(bytes)
    }
}

impl std::ops::Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bytes(<{} bytes>)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_is_read_up_to_the_limit() {
        let ok = FileUpload::from_reader("a.txt", &b"hello"[..]).unwrap();
        assert_eq!(
            (ok.name(), ok.bytes(), ok.len()),
            ("a.txt", &b"hello"[..], 5)
        );
        assert_eq!(ok.media_type(), "application/octet-stream");
        let at_limit = io::repeat(7).take(DEFAULT_MAX_UPLOAD_BYTES as u64);
        assert_eq!(
            FileUpload::from_reader("big", at_limit).unwrap().len(),
            DEFAULT_MAX_UPLOAD_BYTES
        );
        // An endless stream stops one byte after the limit.
        let err = FileUpload::from_reader("endless", io::repeat(0)).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    }

    #[test]
    fn debug_never_shows_content() {
        let file =
            FileUpload::new("evidence.pdf", "sk_live_secret").content_type("application/pdf");
        let debug = format!("{file:?} {:?}", Bytes::from(b"sk_live_x".to_vec()));
        assert!(!debug.contains("sk_live"), "{debug}");
        assert!(
            debug.contains("evidence.pdf") && debug.contains("14"),
            "{debug}"
        );
        assert_eq!(&*Bytes::from(vec![1, 2]), &[1, 2]);
    }
}
