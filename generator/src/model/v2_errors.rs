//! The codes of v2 errors: the spec's `v2.error.*` schemas each pin `error.code` to one value.
//! They follow the pin, not the selection (every v2 operation answers them), so they become
//! the runtime's `rt::v2::ErrorCode` (see [`pinned`](crate::pinned)).

use serde_json::Value;

use crate::error::{Error, Pointer};
use crate::load::Loaded;
use crate::naming;

use super::ir::{Doc, StringEnum};
use super::name_error;

/// `rt::v2::ErrorCode`: every code of the spec's `v2.error.*` schemas, sorted. Empty (only the catch-all) for a spec without v2. `None`
/// after an error.
pub(super) fn codes(loaded: &Loaded, errors: &mut Vec<Error>) -> Option<StringEnum> {
    let mut wires: Vec<(String, Pointer)> = Vec::new();
    if let Some(schemas) = loaded
        .doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            if !name.starts_with("v2.error.") {
                continue;
            }
            let at = Pointer::schema(name)
                .push("properties")
                .push("error")
                .push("properties")
                .push("code")
                .push("enum");
            let Some(code) = schema
                .pointer("/properties/error/properties/code/enum")
                .and_then(Value::as_array)
            else {
                continue;
            };
            for (i, c) in code.iter().enumerate() {
                if let Some(c) = c.as_str().filter(|c| !c.is_empty()) {
                    wires.push((c.to_owned(), at.push(&i.to_string())));
                }
            }
        }
    }
    wires.sort_by(|a, b| a.0.cmp(&b.0));
    wires.dedup_by(|a, b| a.0 == b.0);
    let mut variants = Vec::new();
    for (wire, at) in wires {
        match naming::variant(&wire) {
            Ok(v) => variants.push(v),
            Err(e) => errors.push(name_error(&at, e)),
        }
    }
    let unknown = naming::unknown_variant(&variants);
    let at = Pointer::schema("v2.error");
    let name = match naming::type_name("error_code") {
        Ok(n) => n,
        Err(e) => {
            errors.push(name_error(&at, e));
            return None;
        }
    };
    Some(StringEnum {
        name,
        doc: Doc(Some(
            "The `code` of a v2 API error: one of the spec's `v2.error.*` codes, or one this version does not know.".to_owned(),
        )),
        variants,
        unknown,
        at,
    })
}
