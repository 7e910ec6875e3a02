//! Stage 2: which schemas and operations to generate, and which module owns each schema.
//!
//! A resource is found by `x-resourceId`; its operations are the paths whose success response is
//! the resource (or a list of it), found from the paths, not from a table (see [`classify`] for
//! the rules, `anyOf` responses included). Every operation of the spec that is not selected is
//! accounted for in [`Selected::left_out`] with the reason; one of a selected resource that
//! cannot be generated is an error unless `skip_operations` lists it. The closure follows
//! direct `$ref`s. Expandable references (`anyOf [string, $ref]` with `x-expansionResources`) are
//! the boundary: following them would pull in most of Stripe's ~1000 schemas.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::config::Selection;
use crate::error::{Error, ErrorKind, Pointer};
use crate::load::Loaded;

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
}

/// One selected resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelectedResource {
    /// `x-resourceId`, e.g. `financial_connections.session`.
    pub id: String,
    /// Its component schema.
    pub schema: Pointer,
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
    let by_resource_id = resource_ids(loaded);
    let mut resources = Vec::new();
    let mut wanted: Vec<&String> = selection.resources.iter().collect();
    wanted.sort();
    wanted.dedup();
    for name in wanted {
        match by_resource_id.get(name.as_str()) {
            Some(schema) => resources.push(SelectedResource {
                id: name.clone(),
                schema: schema.clone(),
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
    for (op, found) in operations(loaded, &index, &mut errors) {
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
                    r.ops.push(op.selected(returns));
                    continue;
                }
                LeftOut::Skipped
            }
            Found::Cannot(why) => match path_owner(&op.path, &resources) {
                Some(_) if skipped => LeftOut::Skipped,
                // An operation of a selected resource is never dropped silently.
                Some(resource) => {
                    errors.push(Error::new(
                        op.at.clone(),
                        ErrorKind::Ungenerated {
                            operation_id: op.operation_id.clone(),
                            resource: resource.to_owned(),
                            why,
                        },
                    ));
                    continue;
                }
                None => LeftOut::Ungenerated(why),
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

/// The module of every component schema the resources reach: a resource's own schema and what
/// only it reaches live in its module; what several reach is common.
fn owners(
    loaded: &Loaded,
    resources: &[SelectedResource],
    errors: &mut Vec<Error>,
) -> BTreeMap<Pointer, Owner> {
    let resource_schemas: BTreeSet<&Pointer> = resources.iter().map(|r| &r.schema).collect();
    let mut reached: BTreeMap<Pointer, BTreeSet<usize>> = BTreeMap::new();
    for (i, r) in resources.iter().enumerate() {
        for p in closure(loaded, &resource_schemas, r, errors) {
            reached.entry(p).or_default().insert(i);
        }
    }
    let mut owners = BTreeMap::new();
    for (p, users) in reached {
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

/// `x-resourceId` -> component pointer, for every component that has one.
fn resource_ids(loaded: &Loaded) -> BTreeMap<&str, Pointer> {
    let mut out = BTreeMap::new();
    let Some(schemas) = loaded
        .doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return out;
    };
    for (name, schema) in schemas {
        if let Some(id) = schema.get("x-resourceId").and_then(Value::as_str) {
            // Schemas iterate by name, so a duplicated id means the first name, every time.
            out.entry(id).or_insert_with(|| Pointer::schema(name));
        }
    }
    out
}

/// Up to three resource ids that share a word with `name`, closest first.
fn suggestions<'a>(name: &str, ids: impl Iterator<Item = &'a str>) -> Vec<String> {
    let words: BTreeSet<&str> = name.split(['.', '_']).filter(|w| w.len() > 2).collect();
    let mut scored: Vec<(usize, &str)> = ids
        .filter_map(|id| {
            let shared = id.split(['.', '_']).filter(|w| words.contains(w)).count();
            (shared > 0).then_some((shared, id))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    scored
        .into_iter()
        .take(3)
        .map(|(_, id)| format!("`{id}`"))
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

/// An operation of the spec, before it is known whether it is selected.
struct SpecOp {
    at: Pointer,
    path: String,
    method: Method,
    operation_id: String,
}

impl SpecOp {
    fn selected(self, returns: Returns) -> SelectedOp {
        SelectedOp {
            at: self.at,
            path: self.path,
            method: self.method,
            operation_id: self.operation_id,
            returns,
        }
    }

    fn left_out(self, why: LeftOut) -> LeftOutOp {
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
enum Found {
    /// It is about the resource whose schema is at the pointer.
    Of(Pointer, Returns),
    /// It cannot be generated, for this reason.
    Cannot(String),
}

/// The resources of the spec, as classifying a response needs them.
struct ResourceIndex {
    /// `x-resourceId` -> component.
    by_id: BTreeMap<String, Pointer>,
    /// Component -> `x-resourceId`.
    by_schema: BTreeMap<Pointer, String>,
    /// Resources whose schema is an `anyOf` of `$ref`s (`payment_source`, `external_account`),
    /// with their members.
    unions: BTreeMap<Pointer, BTreeSet<Pointer>>,
}

impl ResourceIndex {
    fn new(loaded: &Loaded, by_id: BTreeMap<&str, Pointer>) -> ResourceIndex {
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

    fn id_of(&self, schema: &Pointer) -> Option<&str> {
        self.by_schema.get(schema).map(String::as_str)
    }

    /// The resource whose own path `path` is under (the longest such): a response that names
    /// no schema, such as a PDF, is about it. `/v1/quotes/{quote}/pdf` is `quote`'s.
    fn owner_of_path(&self, path: &str) -> Option<&Pointer> {
        self.by_id
            .iter()
            .map(|(id, schema)| (canonical_path(id), schema))
            .filter(|(canonical, _)| under(path, canonical).is_some())
            .max_by_key(|(canonical, _)| canonical.len())
            .map(|(_, schema)| schema)
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
fn operations(
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
        Found::Of(..) => {
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
fn path_owner<'r>(path: &str, resources: &'r [SelectedResource]) -> Option<&'r str> {
    resources
        .iter()
        .map(|r| (canonical_path(&r.id), r.id.as_str()))
        .filter(|(canonical, _)| under(path, canonical).is_some())
        .max_by_key(|(canonical, _)| canonical.len())
        .map(|(_, id)| id)
}

/// Where a resource's own endpoints live: `financial_connections.session` ->
/// `/v1/financial_connections/session` (a prefix of `/v1/financial_connections/sessions`).
pub fn canonical_path(resource_id: &str) -> String {
    format!("/v1/{}", resource_id.replace('.', "/"))
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
