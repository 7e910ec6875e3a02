//! The codes of v2 errors: the spec's `v2.error.*` schemas each pin `error.code` to one value.
//! They follow the pin, not the selection (every v2 operation answers them), so they become
//! the runtime's `rt::v2::ErrorCode` (see [`pinned`](crate::pinned)).

use serde_json::Value;

use crate::error::Pointer;
use crate::load::Loaded;

/// Where the codes are read from, for errors: the generic v2 error schema.
pub(super) fn at() -> Pointer {
    Pointer::schema("v2.error")
}

/// Every code of the spec's `v2.error.*` schemas (none for a spec without v2), the values of
/// `rt::v2::ErrorCode`: made an enum like any other (`Lower::make_enum`).
pub(super) fn codes(loaded: &Loaded) -> Vec<Option<String>> {
    let Some(schemas) = loaded
        .doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    schemas
        .iter()
        .filter(|(name, _)| name.starts_with("v2.error."))
        .filter_map(|(_, schema)| {
            schema
                .pointer("/properties/error/properties/code/enum")
                .and_then(Value::as_array)
        })
        .flatten()
        .map(|code| code.as_str().map(str::to_owned))
        .collect()
}
