//! Entries of `spec/select.yaml` that match nothing in the spec: found before select, reported as
//! warnings, and dropped, so that no later stage fails on them.
//!
//! `spec/select.yaml` is written against one spec version, and a bump moves to another. An entry
//! that the new spec gives nothing to match (an `event_objects` pattern with no event type, a
//! `skip_operations` id or a `renames` key that is not in the spec, a scoped `secret_fields`
//! entry whose schema or resource is gone) has no effect on the output, so a bump should not
//! stop on it: it is a [`ConfigWarning`], printed on the terminal and in the change report.
//!
//! An entry that matches something and is wrong stays an error, raised where the entry is used:
//! an event pattern that applies to event types but names an object that is not an
//! `x-resourceId` (the model's events pass), a rename to a name that is not a Rust identifier or that
//! clashes (`model`). So does a resource in `resources` that the spec does not have: dropping a
//! whole module is not something to learn from a warning.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::config::{ConfigWarning, Selection, DEFAULT_SECRET_FIELDS};
use crate::error::Pointer;
use crate::load::Loaded;
use crate::select::events::{event_types, key_matches, resource_ids};

/// The selection without its entries that match nothing in the spec, and a warning for each.
/// `None` when every entry matches something (the selection is used as it is).
pub fn prune(loaded: &Loaded, selection: &Selection) -> (Option<Selection>, Vec<ConfigWarning>) {
    let mut warnings = Vec::new();
    let mut pruned = selection.clone();
    let version = &loaded.info.api_version;

    let types = event_types(loaded);
    pruned.event_objects.retain(|key, _| {
        let used = types.iter().any(|t| key_matches(key, t));
        if !used {
            warnings.push(ConfigWarning {
                at: Pointer::root().push("event_objects").push(key),
                what: format!(
                    "no event type of this spec ({version}) matches `{key}`, so the entry is ignored; remove it unless a spec you generate from has these events"
                ),
            });
        }
        used
    });

    let operation_ids = operation_ids(loaded);
    let mut index = 0;
    pruned.skip_operations.retain(|id| {
        let used = operation_ids.contains(id.as_str());
        if !used {
            warnings.push(ConfigWarning {
                at: Pointer::root()
                    .push("skip_operations")
                    .push(&index.to_string()),
                what: format!(
                    "this spec ({version}) has no operation `{id}`, so nothing is skipped for it; remove it unless a spec you generate from has it"
                ),
            });
        }
        index += 1;
        used
    });

    pruned.operation_resources.retain(|id, _| {
        let used = operation_ids.contains(id.as_str());
        if !used {
            warnings.push(ConfigWarning {
                at: Pointer::root().push("operation_resources").push(id),
                what: format!(
                    "this spec ({version}) has no operation `{id}`, so nothing is placed for it; remove it unless a spec you generate from has it"
                ),
            });
        }
        used
    });

    let schemas = schema_names(loaded);
    pruned.renames.retain(|schema, to| {
        let used = schemas.contains(schema.as_str());
        if !used {
            warnings.push(ConfigWarning {
                at: Pointer::root().push("renames").push(schema),
                what: format!(
                    "this spec ({version}) has no component schema `{schema}`, so nothing is renamed to `{to}`; remove it unless a spec you generate from has it"
                ),
            });
        }
        used
    });

    let scopes = secret_scopes(loaded);
    let mut index = 0;
    pruned.secret_fields.retain(|entry| {
        // `name` alone matches anywhere, so it cannot be stale; `scope.name` needs its scope.
        let scope = entry.rsplit_once('.').map(|(scope, _)| scope);
        let used = scope.is_none_or(|s| scopes.contains(s));
        if let (false, Some(scope)) = (used, scope) {
            let builtin = DEFAULT_SECRET_FIELDS.contains(&entry.as_str());
            let note = if builtin {
                " (it is built in, too)"
            } else {
                ""
            };
            warnings.push(ConfigWarning {
                at: Pointer::root()
                    .push("secret_fields")
                    .push(&index.to_string()),
                what: format!(
                    "this spec ({version}) has no component schema or `x-resourceId` `{scope}`, so `{entry}`{note} matches nothing; remove it unless a spec you generate from has it"
                ),
            });
        }
        index += 1;
        used
    });

    warnings.sort();
    let changed = !warnings.is_empty();
    (changed.then_some(pruned), warnings)
}

/// Every `operationId` in the spec's paths.
fn operation_ids(loaded: &Loaded) -> BTreeSet<&str> {
    let Some(paths) = loaded.doc.get("paths").and_then(Value::as_object) else {
        return BTreeSet::new();
    };
    paths
        .values()
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .filter_map(|op| op.get("operationId")?.as_str())
        .collect()
}

/// Every component schema name.
fn schema_names(loaded: &Loaded) -> BTreeSet<&str> {
    loaded
        .doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

/// What the scope of a `scope.name` secret can be: a component schema name (its fields and
/// nested objects) or an `x-resourceId` (its operations' parameters).
fn secret_scopes(loaded: &Loaded) -> BTreeSet<&str> {
    let mut scopes = schema_names(loaded);
    scopes.extend(resource_ids(loaded));
    scopes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Manifest;

    const SPEC: &str = r"
openapi: 3.0.0
info: {title: stale, version: '2024-04-10'}
components:
  schemas:
    thing:
      x-resourceId: thing
      type: object
      properties: {id: {type: string}}
    thing_detail:
      type: object
      properties: {code: {type: string}}
paths:
  /v1/things:
    post:
      operationId: PostThings
      responses: {}
  /v1/webhook_endpoints:
    post:
      operationId: PostWebhookEndpoints
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              properties:
                enabled_events:
                  items: {enum: ['*', thing.created, thing_note.updated]}
      responses: {}
";

    fn loaded() -> Loaded {
        let manifest = Manifest {
            api_version: "2024-04-10".into(),
            sha256: crate::load::sha256_hex(SPEC.as_bytes()),
            also_accept: Vec::new(),
        };
        crate::load::load(SPEC.as_bytes(), &manifest).unwrap()
    }

    #[test]
    fn entries_that_match_nothing_are_dropped_with_a_warning() {
        let selection = Selection::from_yaml(
            br"
resources: [thing]
secret_fields: [code, thing_detail.code, gone.code, issuing.card.number]
skip_operations: [PostThings, PostFiles]
renames: {thing_detail: ThingDetails, error: ApiErrorObject}
event_objects:
  thing_note.*: thing
  thing.created: ~
  issuing_token.*: issuing.token
  thing: ~
operation_resources:
  PostThings: {resource: thing, function: send}
  PostV2Gone: {resource: v2.gone, function: send}
",
        )
        .unwrap();
        let loaded = loaded();
        let (pruned, warnings) = prune(&loaded, &selection);
        let pruned = pruned.unwrap();
        assert_eq!(pruned.secret_fields, ["code", "thing_detail.code"]);
        assert_eq!(pruned.skip_operations, ["PostThings"]);
        assert_eq!(pruned.renames.keys().collect::<Vec<_>>(), ["thing_detail"]);
        assert_eq!(
            pruned.operation_resources.keys().collect::<Vec<_>>(),
            ["PostThings"]
        );
        assert_eq!(
            pruned.event_objects.keys().collect::<Vec<_>>(),
            ["thing.created", "thing_note.*"]
        );
        let lines: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "spec/select.yaml#/event_objects/issuing_token.*: no event type of this spec (2024-04-10) matches `issuing_token.*`, so the entry is ignored; remove it unless a spec you generate from has these events",
                "spec/select.yaml#/event_objects/thing: no event type of this spec (2024-04-10) matches `thing`, so the entry is ignored; remove it unless a spec you generate from has these events",
                "spec/select.yaml#/operation_resources/PostV2Gone: this spec (2024-04-10) has no operation `PostV2Gone`, so nothing is placed for it; remove it unless a spec you generate from has it",
                "spec/select.yaml#/renames/error: this spec (2024-04-10) has no component schema `error`, so nothing is renamed to `ApiErrorObject`; remove it unless a spec you generate from has it",
                "spec/select.yaml#/secret_fields/2: this spec (2024-04-10) has no component schema or `x-resourceId` `gone`, so `gone.code` matches nothing; remove it unless a spec you generate from has it",
                "spec/select.yaml#/secret_fields/3: this spec (2024-04-10) has no component schema or `x-resourceId` `issuing.card`, so `issuing.card.number` (it is built in, too) matches nothing; remove it unless a spec you generate from has it",
                "spec/select.yaml#/skip_operations/1: this spec (2024-04-10) has no operation `PostFiles`, so nothing is skipped for it; remove it unless a spec you generate from has it",
            ]
        );
    }

    #[test]
    fn a_selection_that_matches_is_used_as_it_is() {
        let selection = Selection::from_yaml(
            b"resources: [thing]\nskip_operations: [PostThings]\nevent_objects: {thing_note.*: ~}\n",
        )
        .unwrap();
        assert_eq!(prune(&loaded(), &selection), (None, Vec::new()));
    }
}
