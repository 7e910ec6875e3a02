//! What v2 needs beyond v1's rules. v2 has no `x-*` keys: an object schema names itself in
//! `properties.object.enum`, and an operation belongs to the resource whose collection its
//! path is under (an event destination's `ping` answers an event but is the destination's).
//! Where neither path nor response says, `operation_resources` in spec/select.yaml does.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::config::Selection;
use crate::error::Pointer;

use super::operations::{Found, ResourceIndex, SpecOp};
use super::Returns;

/// The schema every v2 delete answers.
pub(super) const DELETED: &str = "v2.deleted_object";

/// Whether component `name` is a v2 object: `v2.*`, with `properties.object.enum == [name]`
/// (`v2.core.account`). Its resource id is its name.
pub(super) fn is_object(name: &str, schema: &Value) -> bool {
    name.starts_with("v2.")
        && schema
            .pointer("/properties/object/enum")
            .and_then(Value::as_array)
            .is_some_and(|e| e.len() == 1 && e[0].as_str() == Some(name))
}

/// Each v2 resource's collection: the shortest path, without a trailing parameter, of the
/// operations that answer the resource or a list of it (`/v2/core/accounts` from
/// `GET /v2/core/accounts/{id}`; `/v2/core/accounts/{account_id}/persons`).
pub(super) fn collections(found: &[(SpecOp, Found)]) -> BTreeMap<Pointer, String> {
    let mut out: BTreeMap<Pointer, String> = BTreeMap::new();
    for (op, found) in found {
        let Found::Of(schema, Returns::Resource | Returns::V2List) = found else {
            continue;
        };
        if !op.path.starts_with("/v2/") {
            continue;
        }
        let path = match op.path.rsplit_once('/') {
            Some((parent, last)) if last.starts_with('{') => parent,
            _ => op.path.as_str(),
        };
        let shorter = out
            .get(schema)
            .is_none_or(|c| (path.len(), path) < (c.len(), c.as_str()));
        if shorter {
            out.insert(schema.clone(), path.to_owned());
        }
    }
    out
}

/// The resource whose collection `path` is (or is under, segment by segment), the longest.
fn collection_owner<'c>(
    path: &str,
    collections: &'c BTreeMap<Pointer, String>,
) -> Option<&'c Pointer> {
    collections
        .iter()
        .filter(|(_, c)| {
            path.strip_prefix(c.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
        .max_by_key(|(_, c)| c.len())
        .map(|(schema, _)| schema)
}

/// The resource a v2 operation belongs to: the one whose collection its path is under, with
/// what it answers relative to that resource; else `operation_resources`; v1 operations as
/// classified.
pub(super) fn place(
    op: &SpecOp,
    found: Found,
    collections: &BTreeMap<Pointer, String>,
    index: &ResourceIndex,
    selection: &Selection,
) -> Found {
    if !op.path.starts_with("/v2/") {
        return found;
    }
    let owner = collection_owner(&op.path, collections);
    match (found, owner) {
        (Found::Of(schema, Returns::Resource), Some(owner)) if &schema != owner => {
            Found::Of(owner.clone(), Returns::Other(schema))
        }
        (Found::ByPath(returns), Some(owner)) => Found::Of(owner.clone(), returns),
        (Found::ByPath(returns), None) => match selection.operation_resources.get(&op.operation_id)
        {
            Some(place) => match index.schema_of(&place.resource) {
                Some(schema) => Found::Of(schema.clone(), returns),
                None => Found::Cannot(format!(
                    "operation_resources in spec/select.yaml places it on `{}`, which is no resource of this spec",
                    place.resource
                )),
            },
            None => Found::Cannot(
                "its success response names no resource and its path is under no resource's collection; place it with operation_resources in spec/select.yaml"
                    .to_owned(),
            ),
        },
        (found, _) => found,
    }
}
