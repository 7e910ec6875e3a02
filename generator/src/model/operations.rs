//! Operations: which function each selected operation becomes (verbs, legacy aliases), its
//! path and path parameters, its query or form parameters, and what it returns.

use std::collections::BTreeMap;

use openapiv3::{
    Parameter, ParameterData, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, Type,
};
use serde_json::Value;

use crate::error::{Error, ErrorKind, Pointer};
use crate::naming::{self, FnName, ModName, TypeName};
use crate::select::{under, Method, Returns, SelectedOp, SelectedResource};

use super::ir::{
    self, Doc, Field, Item, NotGenerated, Operation, OperationKey, ParamsIn, Presence, Reason,
    Role, Struct, Ty, TypeRef,
};
use super::template::{self, Template};
use super::{name_error, Lower, Scope};

/// The resource whose operations are lowered: their functions are associated with its type.
struct Target<'r> {
    /// `x-resourceId`, what scoped `secret_fields` entries match in its parameters.
    id: &'r str,
    /// The resource type.
    ty: &'r TypeRef,
    /// Its typed id, if it has one.
    id_type: Option<&'r TypeRef>,
    /// Where its endpoints live (see [`SelectedResource::canonical`]).
    canonical: String,
}

impl Lower<'_> {
    /// Lowers the operations of resource `i`, sorted by verb.
    pub(super) fn lower_operations(&mut self, i: usize) {
        let sel = self.sel;
        let r = &sel.resources[i];
        let module = self.module_names[i].clone();
        let Some(resource) = self.names.get(&r.schema).cloned() else {
            return;
        };
        let id_type = self.id_type_of(&resource, &module);
        let target = Target {
            id: &r.id,
            ty: &resource,
            id_type: id_type.as_ref(),
            canonical: r.canonical.clone(),
        };
        let mut ops = Vec::new();
        for (verb, op) in self.functions_of(r, &target.canonical) {
            if let Some(o) = self.lower_operation(op, &verb, &target, &module) {
                self.generated
                    .push(OperationKey::new(method(op.method), &op.path));
                ops.push(o);
            }
        }
        ops.sort_by(|a, b| {
            (verb_rank(a.name.rust()), a.name.rust())
                .cmp(&(verb_rank(b.name.rust()), b.name.rust()))
        });
        let mut seen = BTreeMap::new();
        for o in &ops {
            if let Some(prev) = seen.insert(o.name.rust().to_owned(), o.at.clone()) {
                self.errors.push(Error::new(
                    o.at.clone(),
                    ErrorKind::NameCollision {
                        name: format!("{}::{}", resource.name, o.name),
                        other: prev,
                    },
                ));
            }
        }
        self.ops.insert(module, ops);
    }

    /// The typed id made for `resource` in `module`, if any.
    fn id_type_of(&self, resource: &TypeRef, module: &ModName) -> Option<TypeRef> {
        self.items.get(module)?.iter().find_map(|(_, it)| match it {
            Item::Id(id) if id.resource == resource.name => Some(TypeRef {
                module: module.clone(),
                name: id.name.clone(),
            }),
            _ => None,
        })
    }

    /// Each operation of `r` with its function name: the verb, unless several operations share
    /// it. Stripe keeps legacy alias paths (`/v1/link_account_sessions` for
    /// `/v1/financial_connections/sessions`) that map to the same function with the same
    /// parameters: the one under the resource's own path wins, and the aliases are left out
    /// (listed in the model's coverage, and a warning). An operation with the same verb under
    /// another resource's path that takes a path parameter the resource's own does not
    /// (`GET /v1/customers/{customer}/payment_methods/{payment_method}`) is its own function,
    /// named after that parameter: `retrieve_for_customer`.
    fn functions_of<'r>(
        &mut self,
        r: &'r SelectedResource,
        canonical: &str,
    ) -> Vec<(String, &'r SelectedOp)> {
        let mut by_verb: BTreeMap<String, Vec<&SelectedOp>> = BTreeMap::new();
        for op in &r.ops {
            let verb = op
                .function
                .clone()
                .or_else(|| verb_for(op.method, &op.path, canonical, &op.returns))
                .unwrap_or_else(|| op.operation_id.clone());
            by_verb.entry(verb).or_default().push(op);
        }
        let mut chosen = Vec::new();
        for (verb, group) in by_verb {
            if group.len() == 1 {
                chosen.extend(group.into_iter().map(|op| (verb.clone(), op)));
                continue;
            }
            let (main, others): (Vec<_>, Vec<_>) = group
                .into_iter()
                .partition(|op| under(&op.path, canonical).is_some());
            let [main] = main.as_slice() else {
                // The same verb on different parents (`GET /v1/quotes/{quote}/line_items` and
                // `GET /v1/checkout/sessions/{session}/line_items` both list items): the verb
                // cannot say which, so each is named after its operationId.
                chosen.extend(
                    main.into_iter()
                        .chain(others)
                        .map(|op| (op.operation_id.clone(), op)),
                );
                continue;
            };
            chosen.push((verb.clone(), *main));
            let main_params = self.parameter_names(main);
            let mut scoped = Vec::new();
            for other in others {
                let params = self.parameter_names(other);
                if params == main_params {
                    self.warnings.push(format!(
                        "{}: `{}` is an alias of `{}` ({verb}); skipped",
                        other.at, other.path, main.path
                    ));
                    self.not_generated.push(NotGenerated {
                        key: OperationKey::new(method(other.method), &other.path),
                        operation_id: other.operation_id.clone(),
                        reason: Reason::Alias {
                            of: main.path.clone(),
                        },
                    });
                    continue;
                }
                let scope = params
                    .iter()
                    .find(|p| p.0 == "path" && !main_params.contains(p));
                let name = match scope {
                    Some((_, parent)) => format!("{verb}_for_{parent}"),
                    None => other.operation_id.clone(),
                };
                scoped.push((name, other));
            }
            // Two paths under one parent (`/v1/accounts/{account}/bank_accounts/{id}` and
            // `…/external_accounts/{id}`) would both be `update_for_account`: the parent
            // cannot say which, so each is named after its operationId.
            for (name, op) in &scoped {
                let shared = scoped.iter().filter(|(n, _)| n == name).count() > 1;
                let name = if shared {
                    op.operation_id.clone()
                } else {
                    name.clone()
                };
                chosen.push((name, *op));
            }
        }
        chosen
    }

    /// The parameters of an operation as `(in, name)`, its form body's properties as
    /// `("body", name)`, sorted: two operations with the same are one operation on two paths.
    fn parameter_names(&self, op: &SelectedOp) -> Vec<(String, String)> {
        let loaded = self.sel.loaded;
        let mut names = Vec::new();
        if let Some(params) = loaded
            .get(&op.at.push("parameters"))
            .and_then(Value::as_array)
        {
            for p in params {
                let within = p.get("in").and_then(Value::as_str).unwrap_or_default();
                let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
                names.push((within.to_owned(), name.to_owned()));
            }
        }
        for media in [FORM, JSON] {
            let body = op
                .at
                .push("requestBody")
                .push("content")
                .push(media)
                .push("schema")
                .push("properties");
            if let Some(props) = loaded.get(&body).and_then(Value::as_object) {
                names.extend(props.keys().map(|k| ("body".to_owned(), k.clone())));
            }
        }
        names.sort();
        names
    }

    /// One request function named `verb`, and its parameters struct.
    fn lower_operation(
        &mut self,
        op: &SelectedOp,
        verb: &str,
        target: &Target<'_>,
        module: &ModName,
    ) -> Option<Operation> {
        let parsed: openapiv3::Operation = match self.sel.loaded.typed(&op.at, "operation") {
            Ok(o) => o,
            Err(e) => {
                self.errors.push(e);
                return None;
            }
        };
        let media = self.body_media(op)?;
        let name = match naming::function(verb) {
            Ok(n) => n,
            Err(e) => {
                self.errors.push(name_error(&op.at, e));
                return None;
            }
        };
        // Like an inline schema's, a parameters type that clashes gets a numeric suffix.
        let params_name = self.claim_inline(&naming::params_type(&name, &target.ty.name), &op.at);
        let (declared, query) = self.split_parameters(&parsed, &op.at);
        let path = match template::parse(
            &op.at,
            &op.path,
            &declared,
            &target.canonical,
            target.id_type,
        ) {
            Ok(t) => t,
            Err(e) => {
                self.errors.push(e);
                return None;
            }
        };
        self.errors
            .extend(template::unused(&op.at, &declared, &path));

        // A v2 body is JSON, so are the types nested in it (the query of a v2 GET is a form).
        let role = if media == JSON {
            Role::JsonParams
        } else {
            Role::Params
        };
        let scope = Scope::new(module, role, target.id);
        let mut fields = self.lower_query(&query, &params_name, scope);
        let params_in = self.lower_form_body(op, media, &params_name, &mut fields, scope);
        fields.sort_by(|a, b| a.name.wire().cmp(b.name.wire()));
        self.reuse_resource_enums(&mut fields, target.ty, module);
        self.push_params(&params_name, fields, target, &name, &op.at, scope);
        let returns = self.returns(op, target.ty, scope);
        let Template { parts, params } = path;
        Some(Operation {
            name,
            on: target.ty.name.clone(),
            method: method(op.method),
            path: parts,
            path_params: params,
            params: params_name,
            params_in,
            returns,
            server: self.server(op),
            doc: Doc(parsed.description.clone()),
            operation_id: op.operation_id.clone(),
            at: op.at.clone(),
        })
    }

    /// The media type of the request body: form-encoded, `multipart/form-data` (file
    /// uploads) or JSON (v2, whose POSTs without a body send `{}` too, as Stripe's libraries
    /// do); `None` after an error for anything else, which the runtime does not encode.
    fn body_media(&mut self, op: &SelectedOp) -> Option<&'static str> {
        let content_at = op.at.push("requestBody").push("content");
        let content = self.sel.loaded.get(&content_at).and_then(Value::as_object);
        let has = |media: &str| content.is_some_and(|m| m.contains_key(media));
        let v2_post = op.method == Method::Post && op.path.starts_with("/v2/");
        if has(JSON) || (v2_post && content.is_none_or(|m| m.is_empty())) {
            return Some(JSON);
        }
        if has(FORM) || content.is_none_or(|m| m.is_empty()) {
            return Some(FORM);
        }
        if has(MULTIPART) {
            return Some(MULTIPART);
        }
        self.errors.push(Error::unsupported(
            &op.at.push("requestBody"),
            format!(
                "a request body that is neither form-encoded, multipart nor JSON (list `{}` under skip_operations in spec/select.yaml to leave it out)",
                op.operation_id
            ),
        ));
        None
    }

    /// The operation's own base URL: the first of its `servers`, or of its path's, with no
    /// trailing `/`. A URL with variables (`{region}`) is an error: nothing would fill them.
    fn server(&mut self, op: &SelectedOp) -> Option<String> {
        let path_at = Pointer::root().push("paths").push(&op.path);
        let at = [op.at.push("servers"), path_at.push("servers")]
            .into_iter()
            .find(|at| self.sel.loaded.get(at).is_some())?;
        let url_at = at.push("0").push("url");
        let url = self.sel.loaded.get(&url_at).and_then(Value::as_str);
        match url {
            Some(url) if url.starts_with("https://") && !url.contains('{') => {
                Some(url.trim_end_matches('/').to_owned())
            }
            _ => {
                self.errors.push(Error::unsupported(
                    &url_at,
                    "a server that is not a literal https:// URL",
                ));
                None
            }
        }
    }

    /// The declared path parameters (name -> index in `parameters`) and the query parameters
    /// with their pointers; header, cookie and `$ref` parameters are errors.
    fn split_parameters(
        &mut self,
        parsed: &openapiv3::Operation,
        op_at: &Pointer,
    ) -> (BTreeMap<String, usize>, Vec<(Pointer, ParameterData)>) {
        let mut declared = BTreeMap::new();
        let mut query = Vec::new();
        for (index, p) in parsed.parameters.iter().enumerate() {
            let param_at = op_at.push("parameters").push(&index.to_string());
            let ReferenceOr::Item(p) = p else {
                self.errors
                    .push(Error::unsupported(&param_at, "a $ref parameter"));
                continue;
            };
            match p {
                Parameter::Path { parameter_data, .. } => {
                    declared.insert(parameter_data.name.clone(), index);
                }
                Parameter::Query { parameter_data, .. } => {
                    query.push((param_at, parameter_data.clone()));
                }
                Parameter::Header { .. } | Parameter::Cookie { .. } => {
                    self.errors.push(Error::unsupported(
                        &param_at,
                        "a header or cookie parameter",
                    ));
                }
            }
        }
        (declared, query)
    }

    /// The query parameters as fields of the parameters struct `params_name`.
    fn lower_query(
        &mut self,
        query: &[(Pointer, ParameterData)],
        params_name: &TypeName,
        scope: Scope<'_>,
    ) -> Vec<Field> {
        let mut fields = Vec::new();
        for (param_at, data) in query {
            let ParameterSchemaOrContent::Schema(schema) = &data.format else {
                self.errors.push(Error::unsupported(
                    param_at,
                    "a parameter with `content` instead of `schema`",
                ));
                continue;
            };
            let name = match naming::field(&data.name) {
                Ok(f) => f,
                Err(e) => {
                    self.errors.push(name_error(param_at, e));
                    continue;
                }
            };
            let schema_at = param_at.push("schema");
            let hint = match naming::nested_type(params_name, &data.name) {
                Ok(h) => h,
                Err(e) => {
                    self.errors.push(name_error(param_at, e));
                    continue;
                }
            };
            let ty = match schema {
                ReferenceOr::Reference { reference } => {
                    self.lower_ref(reference, &schema_at, scope)
                }
                // `GET /v1/payment_intents/{intent}?client_secret=…`: secret in the query too.
                ReferenceOr::Item(s) if self.is_secret(&data.name, s, scope) => Ty::Secret,
                ReferenceOr::Item(s) => self.lower_schema(s, &schema_at, &hint, scope),
            };
            fields.push(Field {
                name,
                ty,
                presence: if data.required {
                    Presence::Required
                } else {
                    Presence::Optional
                },
                doc: Doc(data.description.clone()),
                at: param_at.clone(),
            });
        }
        fields
    }

    /// Adds the properties of the form body to `fields`, and says where the parameters go.
    fn lower_form_body(
        &mut self,
        op: &SelectedOp,
        media: &str,
        params_name: &TypeName,
        fields: &mut Vec<Field>,
        scope: Scope<'_>,
    ) -> ParamsIn {
        let mut params_in = match op.method {
            _ if media == JSON => ParamsIn::Json,
            Method::Post if media == MULTIPART => ParamsIn::Multipart,
            Method::Post => ParamsIn::Body,
            Method::Get | Method::Delete => ParamsIn::Query,
        };
        let body_at = op.at.push("requestBody").push("content").push(media);
        let has_props = self
            .sel
            .loaded
            .get(&body_at.push("schema"))
            .and_then(|body| body.get("properties"))
            .and_then(Value::as_object)
            .is_some_and(|m| !m.is_empty());
        if !has_props {
            return params_in;
        }
        if params_in == ParamsIn::Query {
            if fields.is_empty() && op.method == Method::Delete {
                // Stripe has DELETEs with form bodies (cancel a subscription with `prorate`):
                // the parameters go in the body then.
                params_in = ParamsIn::Body;
            } else {
                self.errors.push(Error::unsupported(
                    &body_at,
                    "a request body on a GET operation, or on a DELETE with query parameters",
                ));
            }
        }
        if media != JSON {
            self.check_encoding(&body_at);
        }
        let schema_at = body_at.push("schema");
        match self.sel.loaded.typed::<Schema>(&schema_at, "schema") {
            Ok(Schema {
                schema_kind: SchemaKind::Type(Type::Object(obj)),
                ..
            }) => {
                fields.extend(self.lower_fields(&obj, params_name, &schema_at, scope));
            }
            Ok(_) => self.errors.push(Error::unsupported(
                &schema_at,
                "a form body that is not an object",
            )),
            Err(e) => self.errors.push(e),
        }
        params_in
    }

    /// Form bodies, and the parts of multipart ones, must use Stripe's deepObject rules, which
    /// is what `rt::Form` implements.
    fn check_encoding(&mut self, body_at: &Pointer) {
        let Some(enc) = self
            .sel
            .loaded
            .get(&body_at.push("encoding"))
            .and_then(Value::as_object)
        else {
            return;
        };
        for (prop, e) in enc {
            let style = e.get("style").and_then(Value::as_str).unwrap_or("form");
            let explode = e.get("explode").and_then(Value::as_bool).unwrap_or(true);
            if style != "deepObject" || !explode {
                self.errors.push(Error::unsupported(
                    &body_at.push("encoding").push(prop),
                    format!("form encoding style `{style}` with explode: {explode} (only exploded `deepObject` is implemented)"),
                ));
            }
        }
    }

    /// Adds the parameters struct of function `function` of the target resource, in
    /// `scope`'s module with its role (form or JSON).
    fn push_params(
        &mut self,
        name: &TypeName,
        fields: Vec<Field>,
        target: &Target<'_>,
        function: &FnName,
        at: &Pointer,
        scope: Scope<'_>,
    ) {
        self.push_item(
            scope.module,
            scope.role,
            Item::Struct(Struct {
                name: name.clone(),
                doc: Doc(None),
                note: Some(format!(
                    "Parameters of [`{}::{}`].",
                    target.ty.name, function
                )),
                fields,
                role: scope.role,
                at: at.clone(),
            }),
        );
    }

    /// What the function decodes the success response into.
    fn returns(&mut self, op: &SelectedOp, resource: &TypeRef, scope: Scope<'_>) -> Ty {
        match &op.returns {
            Returns::Resource => Ty::Named(resource.clone()),
            Returns::List { search: false } => Ty::List(Box::new(Ty::Named(resource.clone()))),
            Returns::List { search: true } => Ty::Search(Box::new(Ty::Named(resource.clone()))),
            Returns::Deleted(p) => {
                self.lower_ref(&format!("#{}", p.as_json_pointer()), &op.at, scope)
            }
            Returns::Bytes => Ty::Bytes,
            Returns::OrDeleted(p) => self.or_deleted(resource, p, scope),
            Returns::V2List => Ty::V2List(Box::new(Ty::Named(resource.clone()))),
            Returns::V2Deleted(_) => Ty::V2Deleted,
            Returns::Other(p) => {
                self.lower_ref(&format!("#{}", p.as_json_pointer()), &op.at, scope)
            }
            // Nothing to decode: whatever comes is kept.
            Returns::Empty => Ty::Json,
        }
    }
}

/// The media type of form-encoded bodies.
const FORM: &str = "application/x-www-form-urlencoded";
/// The media type of file uploads.
const MULTIPART: &str = "multipart/form-data";
/// The media type of v2 bodies.
const JSON: &str = "application/json";

/// The IR's method for select's.
pub(super) fn method(m: Method) -> ir::Method {
    match m {
        Method::Get => ir::Method::Get,
        Method::Post => ir::Method::Post,
        Method::Delete => ir::Method::Delete,
    }
}

/// The verb of an operation, from its method and the shape of its path relative to the
/// resource's own path, so users see `create`/`retrieve`/`refresh`, never
/// `post_financial_connections_sessions`. `None` when the shape says nothing.
fn verb_for(method: Method, path: &str, canonical: &str, returns: &Returns) -> Option<String> {
    let is_list = matches!(returns, Returns::List { .. } | Returns::V2List);
    // Under another path (a legacy alias like `/v1/linked_accounts/{account}/refresh`, or a
    // parent like `/v1/customers/{customer}/balance_transactions/{transaction}`), the
    // collection is everything before the last parameter.
    let tail = under(path, canonical).unwrap_or_else(|| {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let last_param = segments.iter().rposition(|s| s.starts_with('{'));
        match last_param {
            Some(i) => segments[i..].to_vec(),
            None => Vec::new(),
        }
    });
    let words: Vec<&str> = tail
        .iter()
        .copied()
        .filter(|s| !s.starts_with('{'))
        .collect();
    let params = tail.len() - words.len();
    if words.is_empty() {
        return match (method, params, is_list) {
            (Method::Post, 0, _) => Some("create".into()),
            (Method::Get, 0, true) => Some("list".into()),
            (Method::Get, _, false) => Some("retrieve".into()),
            (Method::Post, 1, _) => Some("update".into()),
            (Method::Delete, _, _) => Some("delete".into()),
            _ => None,
        };
    }
    // `POST .../{id}/refresh` -> `refresh`, `GET .../{id}/owners` -> `list_owners`,
    // `GET /v1/x/search` -> `search`, `POST /v1/invoices/create_preview` -> `create_preview`.
    let action = words.join("_");
    Some(match (method, returns) {
        (Method::Get, Returns::List { search: true }) => "search".into(),
        (Method::Get, Returns::List { search: false } | Returns::V2List) => {
            format!("list_{action}")
        }
        (Method::Delete, _) => format!("delete_{action}"),
        _ => action,
    })
}

fn verb_rank(verb: &str) -> u8 {
    match verb {
        "create" => 0,
        "retrieve" => 1,
        "update" => 2,
        "list" => 3,
        "delete" => 4,
        "search" => 5,
        _ => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbs_follow_method_and_path_shape() {
        let r = Returns::Resource;
        let l = Returns::List { search: false };
        let srch = Returns::List { search: true };
        let c = "/v1/fc/session";
        for (method, path, returns, want) in [
            (Method::Post, "/v1/fc/sessions", &r, Some("create")),
            (
                Method::Get,
                "/v1/fc/sessions/{session}",
                &r,
                Some("retrieve"),
            ),
            (
                Method::Post,
                "/v1/fc/sessions/{session}",
                &r,
                Some("update"),
            ),
            (Method::Get, "/v1/fc/sessions", &l, Some("list")),
            (
                Method::Delete,
                "/v1/fc/sessions/{session}",
                &r,
                Some("delete"),
            ),
            (Method::Get, "/v1/fc/sessions/search", &srch, Some("search")),
            (
                Method::Post,
                "/v1/fc/sessions/{session}/refresh",
                &r,
                Some("refresh"),
            ),
            (
                Method::Get,
                "/v1/fc/sessions/{session}/owners",
                &l,
                Some("list_owners"),
            ),
            (
                Method::Post,
                "/v1/fc/sessions/create_preview",
                &r,
                Some("create_preview"),
            ),
            (
                Method::Get,
                "/v1/parents/{p}/sessions",
                &l,
                Some("list_sessions"),
            ),
            (
                Method::Post,
                "/v1/legacy_sessions/{s}/refresh",
                &r,
                Some("refresh"),
            ),
            (Method::Post, "/v1/legacy_sessions", &r, Some("create")),
            (
                Method::Get,
                "/v1/parents/{p}/sessions/{s}",
                &r,
                Some("retrieve"),
            ),
            (Method::Get, "/v1/fc/session_links", &r, Some("retrieve")),
        ] {
            assert_eq!(
                verb_for(method, path, c, returns).as_deref(),
                want,
                "{path}"
            );
        }
        assert_eq!(under("/v1/fc/session_links", c), None);
        assert_eq!(under("/v1/fc/sessions/{s}/x", c), Some(vec!["{s}", "x"]));
    }
}
