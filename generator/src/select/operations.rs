//! Every operation of the spec, and the resource each is about, read from its success
//! response (see [`classify`] for the rules): what [`select`](super::select) sorts into
//! selected and left out.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::error::{Error, Pointer};
use crate::load::Loaded;

use super::{resolve_chain, LeftOut, LeftOutOp, Method, Returns, SelectedOp, SelectedResource};

/// An operation of the spec, before it is known whether it is selected.
pub(super) struct SpecOp {
    pub(super) at: Pointer,
    pub(super) path: String,
    pub(super) method: Method,
    pub(super) operation_id: String,
}

impl SpecOp {
    pub(super) fn selected(self, returns: Returns, function: Option<String>) -> SelectedOp {
        SelectedOp {
            at: self.at,
            path: self.path,
            method: self.method,
            operation_id: self.operation_id,
            returns,
            function,
        }
    }

    pub(super) fn left_out(self, why: LeftOut) -> LeftOutOp {
        LeftOutOp {
            at: self.at,
            path: self.path,
            method: self.method,
            operation_id: self.operation_id,
            why,
        }
    }
}

/// What an operation's success response says about its resource.
pub(super) enum Found {
    /// It is about the resource whose schema is at the pointer.
    Of(Pointer, Returns),
    /// It is about the resource whose path it is under, whatever that is (a v2 delete answers
    /// the shared `v2.deleted_object`; the meter event stream answers `{}`): see
    /// [`v2::place`](super::v2::place).
    ByPath(Returns),
    /// It cannot be generated, for this reason.
    Cannot(String),
}

/// The resources of the spec, as classifying a response needs them.
pub(super) struct ResourceIndex {
    /// `x-resourceId` -> component.
    by_id: BTreeMap<String, Pointer>,
    /// Component -> `x-resourceId`.
    by_schema: BTreeMap<Pointer, String>,
    /// Resources whose schema is an `anyOf` of `$ref`s (`payment_source`, `external_account`),
    /// with their members.
    unions: BTreeMap<Pointer, BTreeSet<Pointer>>,
}

impl ResourceIndex {
    pub(super) fn new(loaded: &Loaded, by_id: BTreeMap<&str, Pointer>) -> ResourceIndex {
        let by_id: BTreeMap<String, Pointer> =
            by_id.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        let by_schema = by_id.iter().map(|(k, v)| (v.clone(), k.clone())).collect();
        let mut unions = BTreeMap::new();
        for schema in by_id.values() {
            let members = loaded
                .get(schema)
                .and_then(|s| s.get("anyOf"))
                .and_then(|m| ref_members(loaded, m, &schema.push("anyOf")).ok());
            if let Some(members) = members {
                unions.insert(schema.clone(), members.into_iter().collect());
            }
        }
        ResourceIndex {
            by_id,
            by_schema,
            unions,
        }
    }

    pub(super) fn schema_of(&self, id: &str) -> Option<&Pointer> {
        self.by_id.get(id)
    }

    pub(super) fn id_of(&self, schema: &Pointer) -> Option<&str> {
        self.by_schema.get(schema).map(String::as_str)
    }

    /// The resource whose own path `path` is under (the longest such): a response that names
    /// no schema, such as a PDF, is about it. `/v1/quotes/{quote}/pdf` is `quote`'s.
    fn owner_of_path(&self, path: &str) -> Option<&Pointer> {
        longest_owner(
            path,
            self.by_id
                .iter()
                .map(|(id, schema)| (canonical_path(id), schema)),
        )
    }

    /// The union resource with the fewest members that has every one of `members` (the first
    /// by pointer among equals): `anyOf [card, bank_account, source]` is a `payment_source`.
    fn covering(&self, members: &[Pointer]) -> Option<&Pointer> {
        self.unions
            .iter()
            .filter(|(_, union)| members.iter().all(|m| union.contains(m)))
            .min_by_key(|(_, union)| union.len())
            .map(|(schema, _)| schema)
    }
}

/// The targets of an `anyOf` whose members are all `$ref`s, or the reason it is not one.
fn ref_members(loaded: &Loaded, members: &Value, at: &Pointer) -> Result<Vec<Pointer>, String> {
    let Some(members) = members.as_array().filter(|m| !m.is_empty()) else {
        return Err("an empty anyOf".to_owned());
    };
    let mut targets = Vec::new();
    for (i, m) in members.iter().enumerate() {
        let Some(r) = m.get("$ref").and_then(Value::as_str) else {
            return Err("an anyOf with an inline member".to_owned());
        };
        targets
            .push(resolve_chain(loaded, r, &at.push(&i.to_string())).map_err(|e| e.to_string())?);
    }
    Ok(targets)
}

/// Every `get`, `post` and `delete` operation of the spec, in path order, with what its success
/// response says about its resource.
pub(super) fn operations(
    loaded: &Loaded,
    index: &ResourceIndex,
    errors: &mut Vec<Error>,
) -> Vec<(SpecOp, Found)> {
    let mut out = Vec::new();
    let Some(paths) = loaded.doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    let mut sorted: Vec<(&String, &Value)> = paths.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    for (path, item) in sorted {
        for method in [Method::Get, Method::Post, Method::Delete] {
            let Some(op) = item.get(method.key()) else {
                continue;
            };
            let at = Pointer::root().push("paths").push(path).push(method.key());
            let found = classify(loaded, index, op, path, &at, errors);
            let operation_id = op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            out.push((
                SpecOp {
                    at,
                    path: path.clone(),
                    method,
                    operation_id,
                },
                found,
            ));
        }
    }
    out
}

/// The resource an operation is about, from its success response (`200`, JSON):
/// - a `$ref` to a resource: that resource; to `deleted_x`: resource `x`, returning the deleted form;
/// - `anyOf [x, deleted_x]`: resource `x`, returning either ([`Returns::OrDeleted`]);
/// - `anyOf` of several resources: the union resource with the fewest members that has all
///   of them (`anyOf [card, bank_account, source]` is a `payment_source`);
/// - a list or search result: the same rules for `data.items`;
/// - a binary body (`type: string, format: binary`, such as `application/pdf`), which names
///   no schema: the resource whose own path the operation is under ([`Returns::Bytes`]).
///
/// Anything else cannot be generated, and the reason says why.
fn classify(
    loaded: &Loaded,
    index: &ResourceIndex,
    op: &Value,
    path: &str,
    at: &Pointer,
    errors: &mut Vec<Error>,
) -> Found {
    let success = at.push("responses").push("200").push("content");
    // Walked directly: looking every operation up by pointer from the root was most of
    // select's time.
    let Some(content) = ["responses", "200", "content"]
        .iter()
        .try_fold(op, |node, key| node.get(key))
        .and_then(Value::as_object)
    else {
        return Found::Cannot("it has no `200` response with content".to_owned());
    };
    let Some(schema) = content
        .get("application/json")
        .and_then(|c| c.get("schema"))
    else {
        let types: Vec<&str> = content.keys().map(String::as_str).collect();
        let binary = content.values().any(|media| {
            let schema = media.get("schema");
            schema.and_then(|s| s.get("type")).and_then(Value::as_str) == Some("string")
                && schema.and_then(|s| s.get("format")).and_then(Value::as_str) == Some("binary")
        });
        return match index.owner_of_path(path) {
            Some(owner) if binary => Found::Of(owner.clone(), Returns::Bytes),
            _ if binary => Found::Cannot(format!(
                "its success response is binary (`{}`), and its path is under no resource's",
                types.join("`, `")
            )),
            _ => Found::Cannot(format!(
                "its success response is `{}`, neither JSON nor binary",
                types.join("`, `")
            )),
        };
    };
    let at = success.push("application/json").push("schema");
    // A v2 list is inline, without `object`: `{data, next_page_url, previous_page_url}`.
    if let (Some(items), Some(_)) = (
        schema.pointer("/properties/data/items"),
        schema.pointer("/properties/next_page_url"),
    ) {
        let items_at = at.push("properties").push("data").push("items");
        return match classify_one(loaded, index, items, &items_at, errors) {
            Found::Of(target, Returns::Resource) => Found::Of(target, Returns::V2List),
            Found::Of(..) | Found::ByPath(_) => {
                Found::Cannot("its success response is a v2 list of deleted objects".to_owned())
            }
            cannot => cannot,
        };
    }
    // `{"type": "object", "properties": {}}`: nothing to decode.
    if schema.get("$ref").is_none()
        && schema.get("type").and_then(Value::as_str) == Some("object")
        && schema
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(serde_json::Map::is_empty)
    {
        return Found::ByPath(Returns::Empty);
    }
    let object = schema
        .pointer("/properties/object/enum/0")
        .and_then(Value::as_str);
    let (items, items_at, search) = match object {
        Some("list") => (
            schema.pointer("/properties/data/items"),
            at.push("properties").push("data").push("items"),
            false,
        ),
        Some("search_result") => (
            schema.pointer("/properties/data/items"),
            at.push("properties").push("data").push("items"),
            true,
        ),
        _ => return classify_one(loaded, index, schema, &at, errors),
    };
    let Some(items) = items else {
        return Found::Cannot("its success response is a list without `data.items`".to_owned());
    };
    match classify_one(loaded, index, items, &items_at, errors) {
        Found::Of(target, Returns::Resource) => Found::Of(target, Returns::List { search }),
        Found::Of(..) | Found::ByPath(_) => {
            Found::Cannot("its success response is a list of deleted objects".to_owned())
        }
        cannot => cannot,
    }
}

/// [`classify`] for one schema (the response, or a list's items).
fn classify_one(
    loaded: &Loaded,
    index: &ResourceIndex,
    schema: &Value,
    at: &Pointer,
    errors: &mut Vec<Error>,
) -> Found {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let target = match resolve_chain(loaded, r, at) {
            Ok(p) => p,
            Err(e) => {
                let why = e.to_string();
                errors.push(e);
                return Found::Cannot(why);
            }
        };
        // `deleted_foo` carries `x-resourceId: deleted_foo`; it belongs to `foo`.
        let name = target.tokens().last().unwrap_or_default();
        // v2 deletes all answer one schema, which names no resource: the path does.
        if name == super::v2::DELETED {
            return Found::ByPath(Returns::V2Deleted(target));
        }
        if let Some(live) = name
            .strip_prefix("deleted_")
            .and_then(|l| index.by_id.get(l))
        {
            return Found::Of(live.clone(), Returns::Deleted(target));
        }
        if index.id_of(&target).is_none() {
            return Found::Cannot(format!(
                "its success response `{name}` is no resource (it has no x-resourceId)"
            ));
        }
        return Found::Of(target, Returns::Resource);
    }
    let Some(members) = schema.get("anyOf") else {
        return Found::Cannot(
            "its success response is an inline schema, not a resource, a list or an anyOf of resources"
                .to_owned(),
        );
    };
    let targets = match ref_members(loaded, members, &at.push("anyOf")) {
        Ok(t) => t,
        Err(why) => return Found::Cannot(format!("its success response is {why}")),
    };
    if let [live, deleted] = targets.as_slice() {
        let live_name = live.tokens().last().unwrap_or_default();
        let deleted_name = deleted.tokens().last().unwrap_or_default();
        if deleted_name == format!("deleted_{live_name}") && index.id_of(live).is_some() {
            return Found::Of(live.clone(), Returns::OrDeleted(deleted.clone()));
        }
    }
    match index.covering(&targets) {
        Some(union) if targets.len() > 1 => Found::Of(union.clone(), Returns::Resource),
        _ => {
            let names: Vec<String> = targets
                .iter()
                .map(|t| t.tokens().last().unwrap_or_default())
                .collect();
            Found::Cannot(format!(
                "its success response is anyOf `{}`, which no resource's schema covers",
                names.join("`, `")
            ))
        }
    }
}

/// The selected resource whose own path `path` is under (the longest such), if any: the
/// resource an operation is about when its response does not say.
pub(super) fn path_owner<'r>(path: &str, resources: &'r [SelectedResource]) -> Option<&'r str> {
    longest_owner(
        path,
        resources
            .iter()
            .map(|r| (r.canonical.as_str(), r.id.as_str())),
    )
}

/// Of `candidates` (a resource's own path, what to return for it), the one whose own path
/// `path` is under, the longest if several are (`/v1/financial_connections/sessions/{session}`
/// is the session's, not a shorter resource's). The one rule for an operation whose response
/// says nothing about its resource, among all resources or the selected ones.
fn longest_owner<C: AsRef<str>, T>(
    path: &str,
    candidates: impl Iterator<Item = (C, T)>,
) -> Option<T> {
    candidates
        .filter(|(canonical, _)| under(path, canonical.as_ref()).is_some())
        .max_by_key(|(canonical, _)| canonical.as_ref().len())
        .map(|(_, owner)| owner)
}

/// Where a resource's own endpoints live: `financial_connections.session` ->
/// `/v1/financial_connections/session` (a prefix of `/v1/financial_connections/sessions`);
/// `v2.core.account` -> `/v2/core/account`. Select replaces a v2 resource's with its
/// collection as its operations' paths show it (`select::v2::collections`),
/// since nested ones (`/v2/core/accounts/{account_id}/persons`) do not follow the id.
pub fn canonical_path(resource_id: &str) -> String {
    match resource_id.strip_prefix("v2.") {
        Some(rest) => format!("/v2/{}", rest.replace('.', "/")),
        None => format!("/v1/{}", resource_id.replace('.', "/")),
    }
}

/// The path segments after a resource's own collection path, if the path is under it:
/// `/v1/financial_connections/sessions/{session}` under `/v1/financial_connections/session`
/// gives `["{session}"]`. The collection may add a plural `s` or `es`, nothing else
/// (`/v1/account_links` is not under `/v1/account`).
pub fn under<'p>(path: &'p str, canonical: &str) -> Option<Vec<&'p str>> {
    let rest = path.strip_prefix(canonical)?;
    let (plural, after) = rest.split_once('/').unwrap_or((rest, ""));
    matches!(plural, "" | "s" | "es").then(|| after.split('/').filter(|s| !s.is_empty()).collect())
}
