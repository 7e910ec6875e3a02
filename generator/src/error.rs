//! Errors of every stage, each tied to the JSON pointer of the spec node that caused it.

use std::fmt;

/// An RFC 6901 JSON pointer into the spec, printed with a leading `#`.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pointer(String);

impl Pointer {
    /// The document root, `#`.
    pub fn root() -> Pointer {
        Pointer(String::new())
    }

    /// This pointer extended by one reference token, escaped per RFC 6901.
    pub fn push(&self, token: &str) -> Pointer {
        let mut p = String::with_capacity(self.0.len() + 1 + token.len());
        p.push_str(&self.0);
        p.push('/');
        for c in token.chars() {
            match c {
                '~' => p.push_str("~0"),
                '/' => p.push_str("~1"),
                c => p.push(c),
            }
        }
        Pointer(p)
    }

    /// The pointer of a component schema, `#/components/schemas/{name}`.
    pub fn schema(name: &str) -> Pointer {
        Pointer::root()
            .push("components")
            .push("schemas")
            .push(name)
    }

    /// Parses the fragment of a `$ref` (`#/components/schemas/x`), unescaping nothing: the
    /// stored form stays escaped, as in the document.
    pub fn from_ref(reference: &str) -> Option<Pointer> {
        reference
            .strip_prefix('#')
            .filter(|rest| rest.is_empty() || rest.starts_with('/'))
            .map(|rest| Pointer(rest.to_owned()))
    }

    /// The unescaped reference tokens of this pointer.
    pub fn tokens(&self) -> impl Iterator<Item = String> + '_ {
        self.0
            .split('/')
            .skip(1)
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
    }

    /// The pointer without the `#` (as `serde_json::Value::pointer` wants it).
    pub fn as_json_pointer(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// What went wrong; the `Display` of [`Error`] adds where and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The bytes are not a readable document (syntax, encoding, truncation, wrong shape).
    Parse(String),
    /// The spec's sha256 is not the one pinned in `spec/manifest.json`.
    HashMismatch { expected: String, actual: String },
    /// The spec's `info.version` is not the API version pinned in `spec/manifest.json`.
    VersionMismatch { spec: String, pinned: String },
    /// A resource named in `spec/select.yaml` has no schema with that `x-resourceId`.
    MissingResource {
        name: String,
        did_you_mean: Vec<String>,
    },
    /// A `$ref` points at nothing in the document.
    DanglingRef(String),
    /// A `$ref` chain that loops back on itself without any schema in between.
    RefCycle(String),
    /// A schema or operation shape the generator does not type.
    Unsupported(String),
    /// An operation of a selected resource that cannot be generated (`why`), and that
    /// `skip_operations` does not list.
    Ungenerated {
        operation_id: String,
        resource: String,
        why: String,
    },
    /// Two different spec names map to the same Rust type name.
    NameCollision { name: String, other: Pointer },
    /// A spec name maps to a Rust name the generated code reserves.
    Reserved { name: String },
    /// A config file (`spec/select.yaml`, `spec/manifest.json`) is malformed; the pointer is
    /// into that file.
    Config { file: &'static str, what: String },
    /// A bug in the generator, not in the input.
    Internal(String),
    /// Reading or writing files failed.
    Io(String),
}

/// One error, located in the spec by a JSON pointer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// Where in the spec (or config) the problem is.
    pub at: Pointer,
    /// What the problem is.
    pub kind: ErrorKind,
}

impl Error {
    /// An error at `at`.
    pub fn new(at: Pointer, kind: ErrorKind) -> Error {
        Error { at, kind }
    }

    /// Shorthand for an [`ErrorKind::Unsupported`] error.
    pub fn unsupported(at: &Pointer, what: impl Into<String>) -> Error {
        Error::new(at.clone(), ErrorKind::Unsupported(what.into()))
    }

    /// Shorthand for an [`ErrorKind::Internal`] error.
    pub fn internal(at: &Pointer, what: impl Into<String>) -> Error {
        Error::new(at.clone(), ErrorKind::Internal(what.into()))
    }
}

/// Writes through to a formatter with line breaks escaped, so that every message is one line
/// whatever spec text (a `$ref`, a key, a parser's message) it quotes.
struct OneLine<'a, 'b>(&'a mut fmt::Formatter<'b>);

impl fmt::Write for OneLine<'_, '_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let mut rest = s;
        while let Some(i) = rest.find(['\n', '\r']) {
            self.0.write_str(&rest[..i])?;
            self.0.write_str(if rest[i..].starts_with('\n') {
                "\\n"
            } else {
                "\\r"
            })?;
            rest = &rest[i + 1..];
        }
        self.0.write_str(rest)
    }
}

/// serde_json and serde_yaml say `at line 4 column 31`; our messages say `line 4, column 31`.
pub(crate) fn comma_columns(message: &str) -> String {
    let mut out = String::with_capacity(message.len() + 8);
    let mut rest = message;
    while let Some(i) = rest.find(" column ") {
        let before = &rest[..i];
        out.push_str(before);
        let without_digits = before.trim_end_matches(|c: char| c.is_ascii_digit());
        if without_digits.len() < before.len() && without_digits.ends_with("line ") {
            out.push(',');
        }
        out.push_str(" column ");
        rest = &rest[i + " column ".len()..];
    }
    out.push_str(rest);
    out
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write as _;
        let at = &self.at;
        let f = &mut OneLine(f);
        match &self.kind {
            ErrorKind::Parse(what) => write!(
                f,
                "{at}: {what}. Check that the file is a complete OpenAPI 3 document (JSON or YAML), or fetch it again with `cargo xtask fetch-spec`."
            ),
            ErrorKind::HashMismatch { expected, actual } => write!(
                f,
                "{at}: spec sha256 is {actual}, but spec/manifest.json pins {expected}. Delete the cached spec and run `cargo xtask fetch-spec`, or move the pin to this spec with `cargo xtask bump-spec --file PATH`."
            ),
            ErrorKind::VersionMismatch { spec, pinned } => write!(
                f,
                "{at}: the spec is API version `{spec}`, but spec/manifest.json pins `{pinned}`. To move the pin and generated/ to this spec, run `cargo xtask bump-spec --file PATH`; to use the pinned spec, run `cargo xtask fetch-spec`."
            ),
            ErrorKind::MissingResource { name, did_you_mean } => {
                if name.starts_with("v2.") {
                    write!(
                        f,
                        "spec/select.yaml{at}: no v2 object schema is named `{name}` (a v2 object names itself in `properties.object.enum`). Fix the name in spec/select.yaml, or remove it to generate from a spec without it (Stripe's specs have v2 since API version 2024-09-30.acacia)"
                    )?;
                } else {
                    write!(
                        f,
                        "spec/select.yaml{at}: no schema has x-resourceId `{name}`. Fix the name in spec/select.yaml"
                    )?;
                }
                if did_you_mean.is_empty() {
                    write!(f, ".")
                } else {
                    write!(f, " (did you mean {}?).", did_you_mean.join(", "))
                }
            }
            ErrorKind::DanglingRef(target) => write!(
                f,
                "{at}: $ref `{target}` points at nothing in the spec. Fix the reference or use the spec the manifest pins."
            ),
            ErrorKind::RefCycle(target) => write!(
                f,
                "{at}: $ref `{target}` leads back to itself through references alone. Break the cycle in the spec."
            ),
            ErrorKind::Unsupported(what) => write!(
                f,
                "{at}: {what} is not supported. Deselect the resource in spec/select.yaml or teach generator/src/model/ this shape."
            ),
            ErrorKind::Ungenerated {
                operation_id,
                resource,
                why,
            } => write!(
                f,
                "{at}: operation `{operation_id}` of the selected resource `{resource}` cannot be generated: {why}. List `{operation_id}` under skip_operations in spec/select.yaml to leave it out, or teach generator/src/select/operations.rs this response."
            ),
            ErrorKind::NameCollision { name, other } => write!(
                f,
                "{at}: generates the Rust name `{name}`, which {other} also generates. Add a rename for one of them in spec/select.yaml."
            ),
            ErrorKind::Reserved { name } => write!(
                f,
                "{at}: generates the Rust name `{name}`, which the generated crate reserves. Add a rename in spec/select.yaml."
            ),
            ErrorKind::Config { file, what } => write!(f, "{file}{at}: {what}. Fix {file}."),
            ErrorKind::Internal(what) => write!(
                f,
                "{at}: internal generator error: {what}. This is a bug in the generator; please report it with the spec and spec/select.yaml."
            ),
            ErrorKind::Io(what) => write!(f, "{at}: {what}."),
        }
    }
}

impl std::error::Error for Error {}

/// Every error of a run, sorted by pointer; nothing is written unless this is empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Errors(pub Vec<Error>);

impl Errors {
    /// Sorts and deduplicates, so the report does not depend on visit order.
    pub fn sorted(mut errors: Vec<Error>) -> Errors {
        errors.sort_by(|a, b| (&a.at, a.to_string()).cmp(&(&b.at, b.to_string())));
        errors.dedup();
        Errors(errors)
    }
}

impl From<Error> for Errors {
    fn from(e: Error) -> Errors {
        Errors(vec![e])
    }
}

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_escapes_per_rfc6901() {
        let p = Pointer::root()
            .push("paths")
            .push("/v1/financial_connections/sessions")
            .push("a~b");
        assert_eq!(
            p.to_string(),
            "#/paths/~1v1~1financial_connections~1sessions/a~0b"
        );
        assert_eq!(
            p.tokens().collect::<Vec<_>>(),
            ["paths", "/v1/financial_connections/sessions", "a~b"]
        );
    }

    #[test]
    fn messages_are_one_line_and_columns_are_comma_separated() {
        let e = Error::new(
            Pointer::schema("a\nb"),
            ErrorKind::DanglingRef("#/x\r\ny".into()),
        );
        let msg = e.to_string();
        assert!(!msg.contains(['\n', '\r']), "{msg}");
        assert!(
            msg.starts_with("#/components/schemas/a\\nb: $ref `#/x\\r\\ny`"),
            "{msg}"
        );
        assert_eq!(
            comma_columns("x at line 4 column 31, while parsing at line 1 column 2"),
            "x at line 4, column 31, while parsing at line 1, column 2"
        );
        assert_eq!(
            comma_columns("a column of 3 column 4"),
            "a column of 3 column 4"
        );
    }

    #[test]
    fn refs_parse_only_local_fragments() {
        assert_eq!(
            Pointer::from_ref("#/components/schemas/x"),
            Some(Pointer::schema("x"))
        );
        assert_eq!(Pointer::from_ref("other.json#/x"), None);
        assert_eq!(Pointer::from_ref("#x"), None);
    }
}
