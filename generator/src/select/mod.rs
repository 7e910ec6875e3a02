//! Stage 2: which schemas and operations to generate, and which module owns each schema.
//!
//! A resource is found by `x-resourceId`; its operations are the paths whose success response is
//! the resource (or a list of it), found from the paths, not from a table (`operations.rs` has
//! the rules, `anyOf` responses included). Every operation of the spec that is not selected is
//! accounted for in [`Selected::left_out`] with the reason; one of a selected resource that
//! cannot be generated is an error unless `skip_operations` lists it. The closure follows
//! direct `$ref`s. Expandable references (`anyOf [string, $ref]` with `x-expansionResources`) are
//! the boundary: following them would pull in most of Stripe's ~1000 schemas.
//!
//! The resources selected are those `spec/select.yaml` lists, plus the ones webhooks need
//! whatever is listed ([`events::webhook_resource`]: Stripe's `event`, when the spec has it).
//! This is the only place the selection grows; the model types the events of what is here.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::config::Selection;
use crate::error::{Error, ErrorKind, Pointer};
use crate::load::Loaded;

pub mod events;
mod operations;
mod v2;

pub use operations::{canonical_path, under};
use operations::{operations, path_owner, Found, ResourceIndex};

/// HTTP methods Stripe's operations use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    /// `GET`: parameters in the query string.
    Get,
    /// `POST`: parameters form-encoded in the body.
    Post,
    /// `DELETE`: parameters in the query string.
    Delete,
}

impl Method {
    /// The key of this method in a path item.
    pub fn key(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Post => "post",
            Method::Delete => "delete",
        }
    }
}

/// How an operation's success response relates to its resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Returns {
    /// The resource itself.
    Resource,
    /// A list object of the resource (`object: list`, or `search_result`).
    List { search: bool },
    /// The deleted form of the resource (`deleted_*`).
    Deleted(Pointer),
    /// `anyOf [resource, deleted_resource]`: the resource, or its deleted form (at the pointer),
    /// as `GET /v1/customers/{customer}` answers for a deleted customer.
    OrDeleted(Pointer),
    /// A binary body about the resource (a quote's PDF), returned as sent.
    Bytes,
    /// A v2 list (`{data, next_page_url, previous_page_url}`) of the resource.
    V2List,
    /// v2's shared deleted object (`v2.deleted_object`, at the pointer), after a delete of the
    /// resource whose path it is.
    V2Deleted(Pointer),
    /// Another schema (at the pointer), from an action on the resource whose path it is:
    /// `POST /v2/core/event_destinations/{id}/ping` answers an event.
    Other(Pointer),
    /// An object with no properties (`{}`): the meter event stream's answer.
    Empty,
}

/// Why an operation of the spec is not selected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LeftOut {
    /// `skip_operations` in spec/select.yaml lists it.
    Skipped,
    /// It returns resource `.0`, which is not selected.
    NotSelected(String),
    /// It cannot be generated (the reason), and it is of no selected resource.
    Ungenerated(String),
}

/// An operation of the spec that select leaves out, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeftOutOp {
    /// `#/paths/{path}/{method}`.
    pub at: Pointer,
    /// The path template.
    pub path: String,
    /// The method.
    pub method: Method,
    /// `operationId`.
    pub operation_id: String,
    /// Why.
    pub why: LeftOut,
}

/// One selected operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelectedOp {
    /// `#/paths/{path}/{method}`.
    pub at: Pointer,
    /// The path template, e.g. `/v1/financial_connections/sessions/{session}`.
    pub path: String,
    /// The method.
    pub method: Method,
    /// `operationId`.
    pub operation_id: String,
    /// What it returns.
    pub returns: Returns,
    /// The function name `operation_resources` in spec/select.yaml gives it, if it places it.
    pub function: Option<String>,
}

/// One selected resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelectedResource {
    /// `x-resourceId`, e.g. `financial_connections.session`; for v2, the object's own
    /// `object` value (`v2.core.account`).
    pub id: String,
    /// Its component schema.
    pub schema: Pointer,
    /// Where its own endpoints live, for verbs and paths (see [`canonical_path`]):
    /// `/v1/financial_connections/session`, or a v2 resource's collection,
    /// `/v2/core/accounts/{account_id}/persons`.
    pub canonical: String,
    /// Its operations, by path then method.
    pub ops: Vec<SelectedOp>,
}

/// Which module a component schema is generated into.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Owner {
    /// The module of one resource (index into [`Selected::resources`]).
    Resource(usize),
    /// Shared by several resources.
    Common,
}

/// The selection, resolved against the spec.
#[derive(Debug)]
pub struct Selected<'a> {
    /// The spec.
    pub loaded: &'a Loaded,
    /// Selected resources, sorted by id.
    pub resources: Vec<SelectedResource>,
    /// Every component schema to generate, with its module.
    pub owners: BTreeMap<Pointer, Owner>,
    /// The config.
    pub selection: &'a Selection,
    /// Decisions worth telling the user about (operations skipped as the config says).
    pub warnings: Vec<String>,
    /// Every operation of the spec (`get`, `post`, `delete`) that no selected resource has, in
    /// path order, with the reason.
    pub left_out: Vec<LeftOutOp>,
}

impl Selected<'_> {
    /// The resource whose schema is at `schema`, if it is selected.
    pub fn resource_by_schema(&self, schema: &Pointer) -> Option<usize> {
        self.resources.iter().position(|r| &r.schema == schema)
    }
}

/// Resolves the selection against the spec, collecting every error.
pub fn select<'a>(
    loaded: &'a Loaded,
    selection: &'a Selection,
) -> Result<Selected<'a>, Vec<Error>> {
    let mut errors = Vec::new();
    let by_resource_id = resource_ids(&loaded.doc);
    let mut resources = Vec::new();
    let webhooks = events::webhook_resource(loaded);
    let mut wanted: Vec<&String> = selection.resources.iter().chain(&webhooks).collect();
    wanted.sort();
    wanted.dedup();
    for name in wanted {
        match by_resource_id.get(name.as_str()) {
            Some(schema) => resources.push(SelectedResource {
                id: name.clone(),
                schema: schema.clone(),
                canonical: canonical_path(name),
                ops: Vec::new(),
            }),
            // The pointer is into spec/select.yaml, so it uses the name's place in that file.
            None => errors.push(Error::new(
                Pointer::root().push("resources").push(
                    &selection
                        .resources
                        .iter()
                        .position(|r| r == name)
                        .unwrap_or_default()
                        .to_string(),
                ),
                ErrorKind::MissingResource {
                    name: name.clone(),
                    did_you_mean: suggestions(name, by_resource_id.keys().copied()),
                },
            )),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut warnings = Vec::new();
    let mut left_out = Vec::new();
    let index = ResourceIndex::new(loaded, by_resource_id);
    let found = operations(loaded, &index, &mut errors);
    let collections = v2::collections(&found);
    for r in &mut resources {
        if let Some(c) = collections.get(&r.schema) {
            r.canonical = c.clone();
        }
    }
    for (op, found) in found {
        let found = v2::place(&op, found, &collections, &index, selection);
        // Skipped before anything reads them, so a skipped operation cannot fail the run, and
        // its parameters and body add no types.
        let skipped = selection.skip_operations.contains(&op.operation_id);
        let why = match found {
            Found::Of(schema, returns) => {
                let Some(r) = resources.iter_mut().find(|r| r.schema == schema) else {
                    let id = index.id_of(&schema).unwrap_or_default().to_owned();
                    left_out.push(op.left_out(LeftOut::NotSelected(id)));
                    continue;
                };
                if !skipped {
                    let function = selection
                        .operation_resources
                        .get(&op.operation_id)
                        .map(|p| p.function.clone());
                    r.ops.push(op.selected(returns, function));
                    continue;
                }
                LeftOut::Skipped
            }
            // Only v2 operations are placed by path; a v1 one answering `{}` names nothing.
            Found::ByPath(_) | Found::Cannot(_) => match path_owner(&op.path, &resources) {
                Some(_) if skipped => LeftOut::Skipped,
                // An operation of a selected resource is never dropped silently.
                Some(resource) => {
                    errors.push(Error::new(
                        op.at.clone(),
                        ErrorKind::Ungenerated {
                            operation_id: op.operation_id.clone(),
                            resource: resource.to_owned(),
                            why: found_why(found),
                        },
                    ));
                    continue;
                }
                None => LeftOut::Ungenerated(found_why(found)),
            },
        };
        if why == LeftOut::Skipped {
            warnings.push(format!(
                "{}: {} skipped, as spec/select.yaml says",
                op.at, op.operation_id
            ));
        }
        left_out.push(op.left_out(why));
    }

    let owners = owners(loaded, &resources, &mut errors);
    if errors.is_empty() {
        Ok(Selected {
            loaded,
            resources,
            owners,
            selection,
            warnings,
            left_out,
        })
    } else {
        Err(errors)
    }
}

/// Why an operation that no resource was found for cannot be generated.
fn found_why(found: Found) -> String {
    match found {
        Found::Cannot(why) => why,
        _ => "its success response names no resource".to_owned(),
    }
}

/// The module of every component schema the resources reach: a resource's own schema and what
/// only it reaches live in its module; what several reach is common.
fn owners(
    loaded: &Loaded,
    resources: &[SelectedResource],
    errors: &mut Vec<Error>,
) -> BTreeMap<Pointer, Owner> {
    let mut owners = BTreeMap::new();
    for (p, users) in reached(loaded, resources, errors) {
        let owner = match resources.iter().position(|r| r.schema == p) {
            Some(i) => Owner::Resource(i),
            None if users.len() == 1 => users
                .first()
                .map(|&i| Owner::Resource(i))
                .unwrap_or(Owner::Common),
            None => Owner::Common,
        };
        owners.insert(p, owner);
    }
    owners
}

/// The resources (indexes into `resources`) whose closure holds each schema.
fn reached(
    loaded: &Loaded,
    resources: &[SelectedResource],
    errors: &mut Vec<Error>,
) -> BTreeMap<Pointer, BTreeSet<usize>> {
    let resource_schemas: BTreeSet<&Pointer> = resources.iter().map(|r| &r.schema).collect();
    let mut reached: BTreeMap<Pointer, BTreeSet<usize>> = BTreeMap::new();
    for (i, r) in resources.iter().enumerate() {
        for p in closure(loaded, &resource_schemas, r, errors) {
            reached.entry(p).or_default().insert(i);
        }
    }
    reached
}

/// The ids of the selected resources whose closure holds each schema: where a schema that is
/// not a resource is generated (`cargo xtask select` says so to whoever names one). [`Owner`]
/// keeps only whether it is one resource or several.
pub fn reached_by(selected: &Selected<'_>) -> BTreeMap<Pointer, BTreeSet<String>> {
    // `select` succeeded on these resources, so their closures found no error the first time.
    let mut errors = Vec::new();
    reached(selected.loaded, &selected.resources, &mut errors)
        .into_iter()
        .map(|(p, users)| {
            let ids = users
                .into_iter()
                .filter_map(|i| selected.resources.get(i).map(|r| r.id.clone()))
                .collect();
            (p, ids)
        })
        .collect()
}

/// The closure of resource `r`: its schema, its operations' parameters and bodies, and every
/// component reached from them by direct `$ref`s, stopping at other selected resources.
fn closure(
    loaded: &Loaded,
    resource_schemas: &BTreeSet<&Pointer>,
    r: &SelectedResource,
    errors: &mut Vec<Error>,
) -> BTreeSet<Pointer> {
    let mut roots = vec![r.schema.clone()];
    for op in &r.ops {
        for key in ["parameters", "requestBody"] {
            let at = op.at.push(key);
            if loaded.get(&at).is_some() {
                roots.push(at);
            }
        }
        // What an action answers when it is not the resource (an event destination's ping
        // answers an event) is generated with it, unless it is a selected resource.
        if let Returns::Other(schema) = &op.returns {
            if !resource_schemas.contains(schema) {
                roots.push(schema.clone());
            }
        }
    }
    let mut seen = BTreeSet::new();
    let mut stack = roots;
    while let Some(at) = stack.pop() {
        let Some(node) = loaded.get(&at) else {
            continue;
        };
        let mut refs = Vec::new();
        collect_refs(node, &at, &mut refs);
        for (reference, from) in refs {
            match resolve_chain(loaded, &reference, &from) {
                Ok(target) => {
                    let other_resource = target != r.schema && resource_schemas.contains(&target);
                    if is_component(&target) && !other_resource && seen.insert(target.clone()) {
                        stack.push(target);
                    }
                }
                Err(e) => errors.push(e),
            }
        }
    }
    seen.insert(r.schema.clone());
    seen
}

fn is_component(p: &Pointer) -> bool {
    let t: Vec<String> = p.tokens().collect();
    t.len() == 3 && t[0] == "components" && t[1] == "schemas"
}

/// `x-resourceId` -> component pointer, for every component that has one, and each v2 object
/// schema by its own name (v2 has no `x-*` keys: a v2 object names itself in `object.enum`).
pub fn resource_ids(doc: &Value) -> BTreeMap<&str, Pointer> {
    let mut out = BTreeMap::new();
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return out;
    };
    for (name, schema) in schemas {
        if let Some(id) = schema.get("x-resourceId").and_then(Value::as_str) {
            // Schemas iterate by name, so a duplicated id means the first name, every time.
            out.entry(id).or_insert_with(|| Pointer::schema(name));
        } else if v2::is_object(name, schema) {
            out.entry(name.as_str())
                .or_insert_with(|| Pointer::schema(name));
        }
    }
    out
}

/// Up to three resource ids nearest to `name` ([`crate::suggest::nearest`]), as code spans.
fn suggestions<'a>(name: &str, ids: impl Iterator<Item = &'a str>) -> Vec<String> {
    crate::suggest::nearest(name, ids)
        .into_iter()
        .map(|id| format!("`{id}`"))
        .collect()
}

/// Every `$ref` under `node`, except inside expandable references: those are the boundary.
fn collect_refs(node: &Value, at: &Pointer, out: &mut Vec<(String, Pointer)>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push((r.clone(), at.clone()));
            }
            let expandable = map.contains_key("x-expansionResources");
            for (k, v) in map {
                // Stripe's own extensions hold refs that are documentation, not structure.
                if k.starts_with("x-") || (expandable && k == "anyOf") {
                    continue;
                }
                // Only the success response is a model; errors decode into `rt::ApiError`.
                if k == "responses" {
                    continue;
                }
                collect_refs(v, &at.push(k), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                collect_refs(v, &at.push(&i.to_string()), out);
            }
        }
        _ => {}
    }
}

/// Resolves `reference` and any further pure-`$ref` nodes it lands on, so that a cycle of
/// references with no schema in between is reported instead of looping.
pub fn resolve_chain(loaded: &Loaded, reference: &str, from: &Pointer) -> Result<Pointer, Error> {
    let mut seen = BTreeSet::new();
    let mut target = loaded.resolve_ref(reference, from)?;
    loop {
        if !seen.insert(target.clone()) {
            return Err(Error::new(
                from.clone(),
                ErrorKind::RefCycle(reference.to_owned()),
            ));
        }
        let next = loaded
            .get(&target)
            .and_then(Value::as_object)
            .filter(|m| m.len() == 1)
            .and_then(|m| m.get("$ref"))
            .and_then(Value::as_str);
        match next {
            Some(r) => target = loaded.resolve_ref(r, &target)?,
            None => return Ok(target),
        }
    }
}
