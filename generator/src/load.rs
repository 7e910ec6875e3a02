//! Stage 1: bytes -> a checked document. JSON or YAML, verified against the pin.
//!
//! The document is kept as a `serde_json::Value`; only the schemas and operations that select
//! reaches are converted into `openapiv3` types (see [`Loaded::typed`]). Converting all of
//! Stripe's ~1000 schemas would cost more than parsing the file, and a shape we never visit
//! must never fail the run.

use std::cell::Cell;

use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, Visitor};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::config::Manifest;
use crate::error::{comma_columns, Error, ErrorKind, Pointer};

/// Facts about the loaded spec that end up in generated headers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecInfo {
    /// `info.version`, Stripe's API version.
    pub api_version: String,
    /// The pinned sha256 (of the canonical encoding), whichever accepted encoding was read.
    pub sha256: String,
}

/// A parsed, verified OpenAPI 3 document.
#[derive(Debug)]
pub struct Loaded {
    /// The whole document.
    pub doc: Value,
    /// Version and hash.
    pub info: SpecInfo,
}

/// Lowercase hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn parse_error(what: impl Into<String>) -> Error {
    Error::new(Pointer::root(), ErrorKind::Parse(what.into()))
}

/// Parses and checks `bytes`: UTF-8, JSON or YAML, an OpenAPI 3 document, the pinned hash and
/// API version. Syntax errors carry a line and column; shape errors a pointer.
pub fn load(bytes: &[u8], manifest: &Manifest) -> Result<Loaded, Error> {
    let doc = parse(bytes)?;
    let sha256 = sha256_hex(bytes);
    if !manifest.accepts(&sha256) {
        return Err(Error::new(
            Pointer::root(),
            ErrorKind::HashMismatch {
                expected: manifest.sha256.clone(),
                actual: sha256,
            },
        ));
    }
    let api_version = version_of(&doc)?;
    if api_version != manifest.api_version {
        return Err(Error::new(
            version_pointer(),
            ErrorKind::VersionMismatch {
                spec: api_version,
                pinned: manifest.api_version.clone(),
            },
        ));
    }
    // The pin, not these bytes, identifies the spec: another accepted encoding of the same
    // document must generate the same files.
    Ok(Loaded {
        doc,
        info: SpecInfo {
            api_version,
            sha256: manifest.sha256.clone(),
        },
    })
}

/// The API version (`info.version`) of a spec that is not pinned yet, checked as [`load`]
/// checks a pinned one: `cargo xtask bump-spec` reads it to make the new pin.
pub fn api_version(bytes: &[u8]) -> Result<String, Error> {
    version_of(&parse(bytes)?)
}

fn version_pointer() -> Pointer {
    Pointer::root().push("info").push("version")
}

/// `info.version`, which must look like a Stripe API version: it is written into generated
/// comments, string literals, `Cargo.toml` and a cache file name, so nothing else gets through.
fn version_of(doc: &Value) -> Result<String, Error> {
    let at = version_pointer();
    let version = match doc.pointer(at.as_json_pointer()) {
        Some(Value::String(v)) => v,
        Some(other) => {
            return Err(Error::new(
                at,
                ErrorKind::Parse(format!("`info.version` is not a string but `{other}`")),
            ))
        }
        None => {
            return Err(Error::new(
                at,
                ErrorKind::Parse("there is no `info.version` (Stripe's API version)".into()),
            ))
        }
    };
    let plausible = !version.is_empty()
        && version.len() <= 64
        && version.starts_with(|c: char| c.is_ascii_alphanumeric())
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'));
    if !plausible {
        return Err(Error::new(
            at,
            ErrorKind::Parse(format!(
                "`info.version` is `{version}`, which is not an API version like `2024-04-10` or `2024-09-30.acacia` (letters, digits, `-`, `.`, `_`)"
            )),
        ));
    }
    Ok(version.clone())
}

/// UTF-8, JSON or YAML, an OpenAPI 3 document: everything but the pin.
fn parse(bytes: &[u8]) -> Result<Value, Error> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, col) = line_col(bytes, e.valid_up_to());
        parse_error(format!(
            "the file is not UTF-8 (invalid byte at line {line}, column {col})"
        ))
    })?;
    // Only the byte-order mark is dropped, so that line numbers stay those of the file.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(parse_error("the file is empty"));
    }
    // A JSON document is an object (or, wrongly, an array); anything else is read as YAML.
    let dup = Cell::new(None);
    let strict = Strict {
        at: &Step::Root,
        dup: &dup,
    };
    let parsed = if text.trim_start().starts_with(['{', '[']) {
        let mut de = serde_json::Deserializer::from_str(text);
        strict
            .deserialize(&mut de)
            .and_then(|v| de.end().map(|()| v))
            .map_err(|e| {
                let what = if e.is_eof() {
                    "the JSON ends early (truncated file?)"
                } else {
                    "invalid JSON"
                };
                format!("{what}: {}", comma_columns(&e.to_string()))
            })
    } else {
        strict
            .deserialize(serde_yaml::Deserializer::from_str(text))
            .map_err(|e| format!("invalid YAML: {}", comma_columns(&e.to_string())))
    };
    let doc = parsed.map_err(|what| {
        Error::new(
            dup.take().unwrap_or_else(Pointer::root),
            ErrorKind::Parse(what),
        )
    })?;
    check_openapi3(&doc)?;
    Ok(doc)
}

/// The cheap structural checks that tell "not an OpenAPI 3 document" from a broken one.
fn check_openapi3(doc: &Value) -> Result<(), Error> {
    let Some(obj) = doc.as_object() else {
        return Err(parse_error(
            "not an OpenAPI 3 document: the top level is not an object",
        ));
    };
    // YAML reads an unquoted `openapi: 3.1` as a number.
    let version = match obj.get("openapi") {
        Some(Value::String(v)) => Some(v.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    match version.as_deref() {
        Some(v) if v.starts_with("3.") => {}
        Some(v) => {
            return Err(Error::new(
                Pointer::root().push("openapi"),
                ErrorKind::Parse(format!(
                    "not an OpenAPI 3 document: `openapi` is `{v}`"
                )),
            ))
        }
        None if obj.contains_key("swagger") => {
            return Err(parse_error(
                "not an OpenAPI 3 document: this is Swagger 2 (`swagger` key); Stripe's spec3 files are OpenAPI 3",
            ))
        }
        None => {
            return Err(parse_error(
                "not an OpenAPI 3 document: there is no `openapi: 3.x` field",
            ))
        }
    }
    for (key, at) in [
        ("paths", Pointer::root().push("paths")),
        ("components", Pointer::root().push("components")),
    ] {
        if !obj.get(key).is_some_and(Value::is_object) {
            return Err(Error::new(
                at,
                ErrorKind::Parse(format!(
                    "not an OpenAPI 3 document: `{key}` is missing or not an object"
                )),
            ));
        }
    }
    let schemas = Pointer::root().push("components").push("schemas");
    if !doc
        .pointer(schemas.as_json_pointer())
        .is_some_and(Value::is_object)
    {
        return Err(Error::new(
            schemas,
            ErrorKind::Parse("`components.schemas` is missing or not an object".into()),
        ));
    }
    Ok(())
}

/// Where the strict parser is, as a chain of stack frames: a pointer is built only on error.
#[derive(Clone, Copy)]
enum Step<'a> {
    Root,
    Key(&'a Step<'a>, &'a str),
    Index(&'a Step<'a>, usize),
}

impl Step<'_> {
    fn pointer(&self) -> Pointer {
        match self {
            Step::Root => Pointer::root(),
            Step::Key(parent, key) => parent.pointer().push(key),
            Step::Index(parent, i) => parent.pointer().push(&i.to_string()),
        }
    }
}

/// Parses a document into a JSON value, except that a key given twice in one object is an
/// error: serde's own `Value` keeps the last one silently, so a spec with a pasted-over block
/// would load. The duplicate's pointer is left in `dup`, since serde errors carry only text.
#[derive(Clone, Copy)]
struct Strict<'a> {
    at: &'a Step<'a>,
    dup: &'a Cell<Option<Pointer>>,
}

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON or YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom(format!("the number {v} has no JSON form")))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let at = Step::Index(self.at, items.len());
            match seq.next_element_seed(Strict {
                at: &at,
                dup: self.dup,
            })? {
                Some(v) => items.push(v),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut obj = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if obj.contains_key(&key) {
                self.dup.set(Some(self.at.pointer().push(&key)));
                return Err(de::Error::custom(format!(
                    "the key `{key}` appears twice in one object"
                )));
            }
            let at = Step::Key(self.at, &key);
            let v = map.next_value_seed(Strict {
                at: &at,
                dup: self.dup,
            })?;
            obj.insert(key, v);
        }
        Ok(Value::Object(obj))
    }
}

fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, col)
}

impl Loaded {
    /// The node at `at`, if any.
    pub fn get(&self, at: &Pointer) -> Option<&Value> {
        self.doc.pointer(at.as_json_pointer())
    }

    /// Converts the node at `at` into an `openapiv3` type; a shape error names the exact pointer.
    pub fn typed<T: DeserializeOwned>(&self, at: &Pointer, what: &str) -> Result<T, Error> {
        let node = self.get(at).ok_or_else(|| {
            Error::new(at.clone(), ErrorKind::Internal(format!("no {what} here")))
        })?;
        // Path tracking doubles the cost of a conversion, so it only runs to locate a failure.
        if let Ok(value) = T::deserialize(node) {
            return Ok(value);
        }
        serde_path_to_error::deserialize(node).map_err(|e| {
            let mut pointer = at.clone();
            for segment in e.path().iter() {
                pointer = match segment {
                    serde_path_to_error::Segment::Seq { index } => pointer.push(&index.to_string()),
                    serde_path_to_error::Segment::Map { key } => pointer.push(key),
                    serde_path_to_error::Segment::Enum { .. }
                    | serde_path_to_error::Segment::Unknown => pointer,
                };
            }
            Error::new(
                pointer,
                ErrorKind::Parse(format!("not a valid OpenAPI 3 {what}: {}", e.inner())),
            )
        })
    }

    /// Resolves a `$ref` string to the pointer it names, checking that something is there.
    pub fn resolve_ref(&self, reference: &str, from: &Pointer) -> Result<Pointer, Error> {
        match Pointer::from_ref(reference) {
            Some(p) if self.get(&p).is_some() => Ok(p),
            Some(_) => Err(Error::new(
                from.clone(),
                ErrorKind::DanglingRef(reference.to_owned()),
            )),
            None => Err(Error::unsupported(
                from,
                format!("the non-local $ref `{reference}`"),
            )),
        }
    }

    /// The component schemas, sorted by name.
    pub fn schema_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default();
        names.sort_unstable();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest_for(bytes: &[u8]) -> Manifest {
        Manifest {
            api_version: "2024-04-10".into(),
            sha256: sha256_hex(bytes),
            also_accept: Vec::new(),
        }
    }

    const MINI: &str = r#"{"openapi":"3.0.0","info":{"title":"t","version":"2024-04-10"},"paths":{},"components":{"schemas":{}}}"#;

    #[test]
    fn json_and_yaml_load_to_the_same_document() {
        let yaml = "openapi: 3.0.0\ninfo: {title: t, version: '2024-04-10'}\npaths: {}\ncomponents: {schemas: {}}\n";
        let a = load(MINI.as_bytes(), &manifest_for(MINI.as_bytes())).unwrap();
        let b = load(yaml.as_bytes(), &manifest_for(yaml.as_bytes())).unwrap();
        assert_eq!(a.doc, b.doc);
    }

    #[test]
    fn hash_and_version_are_checked() {
        let mut m = manifest_for(MINI.as_bytes());
        m.sha256 = "00".into();
        let e = load(MINI.as_bytes(), &m).unwrap_err();
        assert!(matches!(e.kind, ErrorKind::HashMismatch { .. }));
        let mut m = manifest_for(MINI.as_bytes());
        m.api_version = "2020-01-01".into();
        let e = load(MINI.as_bytes(), &m).unwrap_err();
        assert_eq!(e.at.to_string(), "#/info/version");
        assert!(e.to_string().contains("cargo xtask bump-spec"), "{e}");
    }

    #[test]
    fn the_api_version_is_read_and_must_look_like_one() {
        assert_eq!(api_version(MINI.as_bytes()).unwrap(), "2024-04-10");
        let acacia = MINI.replace("2024-04-10", "2024-09-30.acacia");
        assert_eq!(api_version(acacia.as_bytes()).unwrap(), "2024-09-30.acacia");
        for bad in [r#""""#, r#""2024-04-10\n// x""#, r#""../x""#, "20240410"] {
            let spec = MINI.replace(r#""2024-04-10""#, bad);
            let e = api_version(spec.as_bytes()).unwrap_err();
            assert_eq!(e.at.to_string(), "#/info/version", "{bad}: {e}");
        }
        let e = api_version(
            br#"{"openapi":"3.0.0","info":{"title":"t"},"paths":{},"components":{"schemas":{}}}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("no `info.version`"), "{e}");
    }

    #[test]
    fn non_utf8_reports_line_and_column() {
        let bytes = b"{\n  \"a\": \"\xff\"}";
        let e = load(bytes, &manifest_for(bytes)).unwrap_err();
        assert!(
            e.to_string()
                .contains("not UTF-8 (invalid byte at line 2, column 9)"),
            "{e}"
        );
    }
}
