//! File uploads, operation servers and binary responses, end to end: the generated
//! `File::create` sent by the async and the blocking client to a loopback server, whose body is
//! read back by a multipart parser written here from RFC 7578 / RFC 2046 (it shares no code with
//! the runtime's encoder, so an encoder bug cannot hide behind a parser with the same bug).
//!
//! Why not a crate such as `multer`: it is async (futures, http, mime, encoding_rs …) for a
//! test that reads one buffered body, and the point is a second reading of the RFC, which ~80
//! lines below give with every rule in sight (quoted-pair unescaping included).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use stripe_typed::resources::file::{
    CreateFile, CreateFileFileLinkData, CreateFilePurpose, File, FileId, RetrieveFile,
};
use stripe_typed::rt::{
    self, BoxFuture, Bytes, Client, ErrorKind, FileUpload, HttpRequest, HttpResponse, Method,
    Request, Transport, TransportError,
};
use tests::block_on;
use tests::server::{Recorded, Reply, Server};

const KEY: &str = "sk_test_uploads_4eC39H";

const FILE_JSON: &str = r#"{"id": "file_1", "object": "file", "created": 1700000000,
  "filename": "evidence.pdf", "purpose": "dispute_evidence", "size": 42, "type": "pdf",
  "links": {"object": "list", "data": [], "has_more": false, "url": "/v1/file_links"}}"#;

/// Content that looks like multipart framing, with bytes that are not UTF-8.
fn content() -> Vec<u8> {
    let mut c = b"%PDF-1.7\r\n--\r\n--stripe-typed-\r\nContent-Disposition: x\r\n\r\n".to_vec();
    c.extend([0, 0xff, 0xfe, b'\r', b'\n', b'-', b'-']);
    c
}

/// A name with a quote, a backslash, a line break and non-ASCII text.
const AWKWARD_NAME: &str = "ev\"id\\ence\r\nBcc: x ünï.pdf";
/// How it must arrive, once the quoted string is unescaped: CR and LF replaced by `_`.
const AWKWARD_NAME_SENT: &str = "ev\"id\\ence__Bcc: x ünï.pdf";

fn params() -> CreateFile {
    let mut metadata = BTreeMap::new();
    metadata.insert("case".to_owned(), "dp_1 \"urgent\"".to_owned());
    let link = CreateFileFileLinkData::new(true).metadata(rt::Clearable::Set(metadata));
    CreateFile::new(
        FileUpload::new(AWKWARD_NAME, content()).content_type("application/pdf"),
        CreateFilePurpose::DisputeEvidence,
    )
    .file_link_data(link)
    .expand(vec!["links".to_owned()])
}

#[test]
fn async_upload_is_multipart_and_retried_with_the_same_bytes() {
    let server = Server::start(vec![
        Reply::json(500, r#"{"error": {"type": "api_error"}}"#),
        Reply::json(200, FILE_JSON),
    ]);
    let file = block_on(server.client(KEY).send(File::create(&params()))).expect("file");
    assert_eq!(file.id.as_str(), "file_1");
    check_upload_requests(&server);
}

#[test]
fn blocking_upload_is_multipart_and_retried_with_the_same_bytes() {
    let server = Server::start(vec![
        Reply::json(503, r#"{"error": {"type": "api_error"}}"#),
        Reply::json(200, FILE_JSON),
    ]);
    let file = server
        .blocking_client(KEY)
        .send(File::create(&params()))
        .expect("file");
    assert_eq!(file.size, 42);
    check_upload_requests(&server);
}

/// Two attempts of the upload: identical bytes and key, and every part as sent.
fn check_upload_requests(server: &Server) {
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let (first, retry) = (&requests[0], &requests[1]);
    assert_eq!(
        (first.method.as_str(), first.target.as_str()),
        ("POST", "/v1/files")
    );
    let key = first.header("idempotency-key").expect("a key");
    assert_eq!(retry.header("idempotency-key"), Some(key));
    assert_eq!(retry.body, first.body, "a retry sends the same body");
    assert_eq!(retry.header("content-type"), first.header("content-type"));
    assert_eq!(
        first.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    // Sent to the loopback base URL, not to files.stripe.com.
    let host = server.url().trim_start_matches("http://").to_owned();
    assert_eq!(first.header("host"), Some(host.as_str()));

    let boundary = boundary_of(first);
    assert!(!contains(&content(), boundary.as_bytes()));
    let parts = parse_multipart(&first.body, &boundary);
    let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "expand[0]",
            "file",
            "file_link_data[create]",
            "file_link_data[metadata][case]",
            "purpose"
        ]
    );
    let part = |name: &str| parts.iter().find(|p| p.name == name).expect(name);
    let file = part("file");
    assert_eq!(file.filename.as_deref(), Some(AWKWARD_NAME_SENT));
    assert_eq!(file.content_type.as_deref(), Some("application/pdf"));
    assert_eq!(file.body, content());
    for (name, value) in [
        ("expand[0]", "links"),
        ("file_link_data[create]", "true"),
        ("file_link_data[metadata][case]", "dp_1 \"urgent\""),
        ("purpose", "dispute_evidence"),
    ] {
        let p = part(name);
        assert_eq!(
            (p.filename.as_deref(), p.body.as_slice()),
            (None, value.as_bytes()),
            "{name}"
        );
    }
}

#[test]
fn an_oversized_upload_is_refused_before_sending() {
    let server = Server::start(Vec::new());
    let big = CreateFile::new(
        FileUpload::new("big.bin", vec![7u8; 1025]),
        CreateFilePurpose::DisputeEvidence,
    );
    let err = block_on(
        server
            .client(KEY)
            .with_max_upload_bytes(1024)
            .send(File::create(&big)),
    )
    .unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::UploadTooLarge {
                size: 1025,
                limit: 1024
            }
        ),
        "{err:?}"
    );
    let err = server
        .blocking_client(KEY)
        .with_max_upload_bytes(1024)
        .send(File::create(&big))
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::UploadTooLarge { .. }),
        "{err}"
    );
    assert!(server.requests().is_empty(), "nothing may be sent");
    assert_eq!(rt::DEFAULT_MAX_UPLOAD_BYTES, 16 * 1024 * 1024);
}

/// Records the URLs a client sends to and answers `FILE_JSON`: no network needed to see where
/// a client with the default base URL would go.
#[derive(Default)]
struct Recorder(Mutex<Vec<String>>);

impl Transport for Recorder {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        self.0.lock().expect("lock").push(request.url);
        Box::pin(async {
            Ok(HttpResponse::new(
                200,
                Vec::new(),
                FILE_JSON.as_bytes().to_vec(),
            ))
        })
    }

    fn sleep(&self, _: Duration) -> BoxFuture<'_, ()> {
        Box::pin(async {})
    }
}

fn urls_sent(client: &Client, recorder: &Recorder) -> Vec<String> {
    let upload = CreateFile::new(
        FileUpload::new("a.png", &b"\x89PNG"[..]),
        CreateFilePurpose::IdentityDocument,
    );
    let id = FileId::new("file_1");
    block_on(client.send(File::create(&upload))).expect("create");
    block_on(client.send(File::retrieve(&id, &RetrieveFile::new()))).expect("retrieve");
    std::mem::take(&mut *recorder.0.lock().expect("lock"))
}

#[test]
fn each_operation_goes_to_its_server_unless_a_base_url_is_set() {
    let recorder = Arc::new(Recorder::default());
    let client = Client::from_transport(KEY, recorder.clone());
    assert_eq!(
        urls_sent(&client, &recorder),
        [
            "https://files.stripe.com/v1/files",
            "https://api.stripe.com/v1/files/file_1"
        ]
    );
    let proxied = client.clone().with_base_url("http://proxy.test:8080/");
    assert_eq!(proxied.base_url(), "http://proxy.test:8080/");
    assert_eq!(
        urls_sent(&proxied, &recorder),
        [
            "http://proxy.test:8080/v1/files",
            "http://proxy.test:8080/v1/files/file_1"
        ]
    );
    let back = proxied.with_base_url(rt::DEFAULT_BASE_URL);
    assert_eq!(
        urls_sent(&back, &recorder)[0],
        "https://files.stripe.com/v1/files"
    );
}

fn pdf_request() -> Request<Bytes> {
    // The shape of the generated `Quote::pdf` (snapshot `uploads__resources_quote_rs`).
    Request::binary(
        Method::Get,
        rt::Path::new("/v1/quotes/")
            .param("quote", "qt_1")
            .push("/pdf"),
    )
    .server("https://files.stripe.com")
}

fn pdf_reply(body: &[u8]) -> Reply {
    Reply {
        status: 200,
        headers: vec![("Content-Type".to_owned(), "application/pdf".to_owned())],
        body: body.to_vec(),
        delay: Duration::ZERO,
    }
}

#[test]
fn binary_responses_are_exact_bytes_within_the_response_limit() {
    let pdf = content();
    let server = Server::start(vec![pdf_reply(&pdf), pdf_reply(&pdf), pdf_reply(&pdf)]);
    let bytes = block_on(server.client(KEY).send(pdf_request())).expect("pdf");
    assert_eq!(bytes.as_slice(), pdf.as_slice());
    let bytes = server
        .blocking_client(KEY)
        .send(pdf_request())
        .expect("pdf");
    assert_eq!(bytes.into_vec(), pdf);
    let requests = server.requests();
    assert_eq!(requests[0].target, "/v1/quotes/qt_1/pdf");
    assert_eq!(requests[0].header("idempotency-key"), None);

    let limit = pdf.len() - 1;
    let err = block_on(
        server
            .client(KEY)
            .with_max_response_bytes(limit)
            .send(pdf_request()),
    )
    .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::ResponseTooLarge { .. }),
        "{err:?}"
    );
    let server = Server::start(vec![pdf_reply(&pdf)]);
    let err = server
        .blocking_client(KEY)
        .with_max_response_bytes(limit)
        .send(pdf_request())
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::ResponseTooLarge { .. }),
        "{err:?}"
    );
}

// The independent parser (RFC 7578 over RFC 2046 section 5.1.1).

#[derive(Debug)]
struct Part {
    name: String,
    filename: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
}

/// The `boundary` parameter of the request's `multipart/form-data` Content-Type, checked to be
/// 1-70 characters of RFC 2046's `bchars`.
fn boundary_of(request: &Recorded) -> String {
    let content_type = request.header("content-type").expect("a Content-Type");
    let (media, params) = content_type.split_once(';').expect("parameters");
    assert_eq!(media.trim(), "multipart/form-data");
    let value = params
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .next()
        .expect("a boundary");
    let value = value.trim_matches('"');
    assert!((1..=70).contains(&value.len()), "{value}");
    assert!(
        value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"'()+_,-./:=? ".contains(&b)),
        "{value}"
    );
    value.to_owned()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// Splits `body` at its delimiters: it must open with `--boundary CRLF`, every part ends at
/// `CRLF --boundary`, followed by CRLF (another part) or `--` (the end, then CRLF or nothing).
fn parse_multipart(body: &[u8], boundary: &str) -> Vec<Part> {
    let dash = format!("--{boundary}");
    let delimiter = format!("\r\n--{boundary}");
    assert!(
        body.starts_with(format!("{dash}\r\n").as_bytes()),
        "opening delimiter"
    );
    let mut at = dash.len() + 2;
    let mut parts = Vec::new();
    loop {
        let end = find(body, delimiter.as_bytes(), at).expect("a closing delimiter");
        parts.push(parse_part(&body[at..end]));
        let after = end + delimiter.len();
        match &body[after..after + 2] {
            b"\r\n" => at = after + 2,
            b"--" => {
                assert!(matches!(&body[after + 2..], b"" | b"\r\n"), "epilogue");
                return parts;
            }
            other => panic!("bad delimiter end {other:?}"),
        }
    }
}

/// Headers up to the blank line, then the content as is.
fn parse_part(part: &[u8]) -> Part {
    let split = find(part, b"\r\n\r\n", 0).expect("end of the part's headers");
    let head = std::str::from_utf8(&part[..split]).expect("UTF-8 headers");
    let mut parsed = Part {
        name: String::new(),
        filename: None,
        content_type: None,
        body: part[split + 4..].to_vec(),
    };
    for line in head.split("\r\n") {
        let (field, value) = line.split_once(':').expect("a header");
        match field.to_ascii_lowercase().as_str() {
            "content-disposition" => {
                let (kind, params) = disposition(value.trim());
                assert_eq!(kind, "form-data");
                parsed.name = params.get("name").expect("a name").clone();
                parsed.filename = params.get("filename").cloned();
            }
            "content-type" => parsed.content_type = Some(value.trim().to_owned()),
            other => panic!("unexpected part header {other}"),
        }
    }
    parsed
}

/// `form-data; name="a"; filename="b"`: parameter values are tokens or quoted strings, whose
/// quoted pairs (`\"`, `\\`) stand for the character after the backslash.
fn disposition(value: &str) -> (String, BTreeMap<String, String>) {
    let mut chars = value.chars().peekable();
    let kind: String = chars.by_ref().take_while(|c| *c != ';').collect();
    let mut params = BTreeMap::new();
    loop {
        while chars.peek() == Some(&' ') {
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let key: String = chars.by_ref().take_while(|c| *c != '=').collect();
        let mut val = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next().expect("an unterminated quoted string") {
                    '"' => break,
                    '\\' => val.push(chars.next().expect("a quoted pair")),
                    c => {
                        assert!(!c.is_control(), "a control character in {value:?}");
                        val.push(c);
                    }
                }
            }
            match chars.next() {
                None | Some(';') => {}
                Some(c) => panic!("{c:?} after a quoted string"),
            }
        } else {
            val = chars.by_ref().take_while(|c| *c != ';').collect();
        }
        assert!(
            params.insert(key.trim().to_owned(), val).is_none(),
            "a repeated parameter"
        );
    }
    (kind.trim().to_owned(), params)
}

#[test]
fn the_parser_reads_what_the_rfc_allows() {
    let body = b"--b\r\nContent-Disposition: form-data; name=\"a\\\"b\"; filename=plain\r\n\r\nx\r\n--b\r\n\
                 content-disposition: form-data; name=c\r\nContent-Type: text/plain\r\n\r\n\r\n--b--";
    let parts = parse_multipart(body, "b");
    assert_eq!(parts.len(), 2);
    assert_eq!(
        (parts[0].name.as_str(), parts[0].filename.as_deref()),
        ("a\"b", Some("plain"))
    );
    assert_eq!(parts[0].body, b"x");
    assert_eq!(
        (parts[1].name.as_str(), parts[1].body.as_slice()),
        ("c", &b""[..])
    );
    assert_eq!(parts[1].content_type.as_deref(), Some("text/plain"));
}
