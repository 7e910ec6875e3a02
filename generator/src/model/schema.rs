//! Schema lowering: component schemas, inline schemas, objects and their fields with presence,
//! `$ref`s, arrays and maps. Unions and string enums have their own files.

use std::collections::BTreeSet;

use openapiv3::{
    AdditionalProperties, ObjectType, ReferenceOr, Schema, SchemaKind, Type,
    VariantOrUnknownOrEmpty,
};

use crate::error::{Error, ErrorKind, Pointer};
use crate::naming::{self, FieldName, ModName, TypeName};
use crate::select::resolve_chain;

use super::ir::{Doc, Field, IdType, Item, Presence, Role, Struct, Ty, TypeRef, EXTRA_FIELD};
use super::{doc, name_error, Lower, Scope};

impl Lower<'_> {
    /// Lowers the component schema at `p`, named by `component_name`, into `module`.
    pub(super) fn lower_component(&mut self, p: &Pointer, module: &ModName) {
        let Some(tref) = self.names.get(p).cloned() else {
            return;
        };
        let schema: Schema = match self.sel.loaded.typed(p, "schema") {
            Ok(s) => s,
            Err(e) => return self.errors.push(e),
        };
        let is_resource = self.sel.resource_by_schema(p).is_some();
        let role = if is_resource {
            Role::Resource
        } else {
            Role::Object
        };
        let component = p.tokens().last().unwrap_or_default();
        let scope = Scope::new(module, role, &component);
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(obj)) if !is_list_object(obj) => {
                let id_type = if is_resource {
                    self.make_id_type(&tref, obj, module)
                } else {
                    None
                };
                let mut fields = self.lower_fields(obj, &tref.name, p, scope);
                if let Some(id) = &id_type {
                    for f in &mut fields {
                        if f.name.wire() == "id" && f.ty == Ty::Str {
                            f.ty = Ty::Named(id.clone());
                        }
                    }
                }
                self.push_item(
                    module,
                    role,
                    Item::Struct(Struct {
                        name: tref.name.clone(),
                        doc: doc(&schema),
                        fields,
                        role,
                        note: None,
                        at: p.clone(),
                    }),
                );
            }
            SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
                let e = self.make_enum(tref.name.clone(), &s.enumeration, doc(&schema), p);
                self.push_item(module, role, Item::Enum(e));
            }
            SchemaKind::AnyOf { any_of: members } | SchemaKind::OneOf { one_of: members } => {
                let all: Vec<(usize, &ReferenceOr<Schema>)> = members.iter().enumerate().collect();
                // The name is the component's, already claimed by `component_name`.
                self.taken.remove(tref.name.rust());
                self.make_union(&all, &schema, p, &tref.name, scope);
            }
            _ => self.errors.push(Error::unsupported(
                p,
                "a component schema that is neither an object, a string enum nor a union",
            )),
        }
    }

    /// The typed id of a resource whose `id` is a string.
    fn make_id_type(
        &mut self,
        resource: &TypeRef,
        obj: &ObjectType,
        module: &ModName,
    ) -> Option<TypeRef> {
        let id = obj.properties.get("id")?;
        let is_string = matches!(id, ReferenceOr::Item(s) if matches!(s.schema_kind, SchemaKind::Type(Type::String(_))));
        if !is_string {
            return None;
        }
        let nullable = matches!(id, ReferenceOr::Item(s) if s.schema_data.nullable);
        let presence = Presence::new(obj.required.iter().any(|r| r == "id"), nullable);
        let name = naming::id_type(&resource.name);
        let at = Pointer::schema(resource.name.wire())
            .push("properties")
            .push("id");
        if !self.claim(&name, &at) {
            return None;
        }
        self.push_item(
            module,
            Role::Resource,
            Item::Id(IdType {
                name: name.clone(),
                resource: resource.name.clone(),
                presence,
            }),
        );
        Some(TypeRef {
            module: module.clone(),
            name,
        })
    }

    /// The fields of an object, sorted by wire name; nested types are named `<parent><Field>`.
    pub(super) fn lower_fields(
        &mut self,
        obj: &ObjectType,
        parent: &TypeName,
        at: &Pointer,
        scope: Scope<'_>,
    ) -> Vec<Field> {
        // Types nested in the resource are ordinary models; only the resource itself leads.
        let scope = match scope.role {
            Role::Resource => scope.with_role(Role::Object),
            _ => scope,
        };
        let mut fields = Vec::new();
        let mut props: Vec<(&String, &ReferenceOr<Box<Schema>>)> = obj.properties.iter().collect();
        props.sort_by(|a, b| a.0.cmp(b.0));
        for (wire, prop) in props {
            let field_at = at.push("properties").push(wire);
            let name = match naming::field(wire) {
                Ok(n) => n,
                Err(e) => {
                    self.errors.push(name_error(&field_at, e));
                    continue;
                }
            };
            let (ty, nullable, doc) = match prop {
                ReferenceOr::Reference { reference } => (
                    self.lower_ref(reference, &field_at, scope),
                    false,
                    Doc(None),
                ),
                ReferenceOr::Item(s) => {
                    let Some(ty) = self.lower_field_schema(wire, s, parent, &field_at, scope)
                    else {
                        continue;
                    };
                    (ty, s.schema_data.nullable, doc(s))
                }
            };
            let required = obj.required.iter().any(|r| r == wire);
            fields.push(Field {
                name,
                ty,
                presence: Presence::new(required, nullable),
                doc,
                at: field_at,
            });
        }
        let mut names: Vec<FieldName> = fields.iter().map(|f| f.name.clone()).collect();
        for w in naming::dedupe_fields(&mut names) {
            self.warnings.push(format!("{at}: {w}"));
        }
        for (f, n) in fields.iter_mut().zip(names) {
            f.name = n;
        }
        // Response structs keep unknown keys in a field of their own (see `emit::serde`).
        if !scope.role.is_params() {
            for f in fields.iter().filter(|f| f.name.rust() == EXTRA_FIELD) {
                self.errors.push(Error::new(
                    f.at.clone(),
                    ErrorKind::Reserved {
                        name: f.name.rust().to_owned(),
                    },
                ));
            }
        }
        fields
    }

    /// The type of the inline schema of field `wire`; `None` (after recording an error) when
    /// its nested type cannot be named.
    fn lower_field_schema(
        &mut self,
        wire: &str,
        s: &Schema,
        parent: &TypeName,
        at: &Pointer,
        scope: Scope<'_>,
    ) -> Option<Ty> {
        if self.is_secret(wire, s, scope) {
            return Some(Ty::Secret);
        }
        if wire == "object" && is_single_value_enum(s) {
            // A constant discriminator (`"object": "financial_connections.session"`):
            // an enum of one value would add a type and tell the user nothing.
            return Some(Ty::Str);
        }
        match naming::nested_type(parent, wire) {
            Ok(hint) => Some(self.lower_schema(s, at, &hint, scope)),
            Err(e) => {
                self.errors.push(name_error(at, e));
                None
            }
        }
    }

    /// Whether a string property or parameter is one of the selection's secrets in `scope`.
    pub(super) fn is_secret(&self, wire: &str, s: &Schema, scope: Scope<'_>) -> bool {
        matches!(s.schema_kind, SchemaKind::Type(Type::String(_)))
            && self.sel.selection.is_secret(scope.secrets, wire)
    }

    /// A `$ref` to a component: its generated type, or a named error.
    pub(super) fn lower_ref(&mut self, reference: &str, at: &Pointer, scope: Scope<'_>) -> Ty {
        let target = match resolve_chain(self.sel.loaded, reference, at) {
            Ok(t) => t,
            Err(e) => {
                self.errors.push(e);
                return Ty::Json;
            }
        };
        if let Some(tref) = self.names.get(&target).cloned() {
            self.require(scope.module, &tref.module);
            return Ty::Named(tref);
        }
        // A ref select did not reach is a schema that is not a component (or a bug): lower it
        // in place, named after the reference.
        if let Some(ty) = self.in_place.get(&target) {
            return ty.clone();
        }
        let schema: Schema = match self.sel.loaded.typed(&target, "schema") {
            Ok(s) => s,
            Err(e) => {
                self.errors.push(e);
                return Ty::Json;
            }
        };
        let wire = target.tokens().last().unwrap_or_default();
        let ty = match naming::type_name(&wire) {
            Ok(hint) => self.lower_schema(&schema, &target, &hint, scope.with_role(Role::Object)),
            Err(e) => {
                self.errors.push(name_error(&target, e));
                Ty::Json
            }
        };
        self.in_place.insert(target, ty.clone());
        ty
    }

    /// A `$ref` or an inline schema.
    pub(super) fn lower_boxed_or_ref(
        &mut self,
        s: &ReferenceOr<Box<Schema>>,
        at: &Pointer,
        hint: &TypeName,
        scope: Scope<'_>,
    ) -> Ty {
        match s {
            ReferenceOr::Reference { reference } => self.lower_ref(reference, at, scope),
            ReferenceOr::Item(s) => self.lower_schema(s, at, hint, scope),
        }
    }

    /// Lowers an inline schema; nested objects and enums become types named `hint`.
    pub(super) fn lower_schema(
        &mut self,
        s: &Schema,
        at: &Pointer,
        hint: &TypeName,
        scope: Scope<'_>,
    ) -> Ty {
        match &s.schema_kind {
            // A file in a multipart upload (`POST /v1/files`): its bytes and name.
            SchemaKind::Type(Type::String(st))
                if scope.role == Role::Params
                    && st.format
                        == VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary) =>
            {
                Ty::File
            }
            // v2's timestamps (v1 has none: it sends unix seconds).
            SchemaKind::Type(Type::String(st))
                if st.enumeration.is_empty()
                    && st.format
                        == VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::DateTime) =>
            {
                Ty::DateTime
            }
            // v2's decimals. v1's (`unit_amount_decimal`) stay `String` for now: typing them
            // would break every v1 user that sets one, for no gain in what is kept.
            SchemaKind::Type(Type::String(st))
                if st.enumeration.is_empty()
                    && is_v2(at)
                    && matches!(&st.format, VariantOrUnknownOrEmpty::Unknown(f) if f == "decimal") =>
            {
                Ty::Decimal
            }
            SchemaKind::Type(Type::String(st)) => {
                self.lower_string(&st.enumeration, s, at, hint, scope)
            }
            SchemaKind::Type(Type::Integer(it)) => match &it.format {
                VariantOrUnknownOrEmpty::Unknown(f) if f == "unix-time" => Ty::Timestamp,
                _ => Ty::Int,
            },
            SchemaKind::Type(Type::Number(_)) => Ty::Float,
            SchemaKind::Type(Type::Boolean(_)) => Ty::Bool,
            SchemaKind::Type(Type::Array(arr)) => match &arr.items {
                Some(items) => {
                    let item_ty = self.lower_boxed_or_ref(items, &at.push("items"), hint, scope);
                    Ty::Vec(Box::new(item_ty))
                }
                None => Ty::Vec(Box::new(Ty::Json)),
            },
            SchemaKind::Type(Type::Object(obj)) => self.lower_object(obj, s, at, hint, scope),
            SchemaKind::AnyOf { any_of: members } | SchemaKind::OneOf { one_of: members } => {
                self.lower_union(members, s, at, hint, scope)
            }
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => {
                let member_at = at.push("allOf").push("0");
                match &all_of[0] {
                    ReferenceOr::Reference { reference } => {
                        self.lower_ref(reference, &member_at, scope)
                    }
                    ReferenceOr::Item(inner) => self.lower_schema(inner, &member_at, hint, scope),
                }
            }
            SchemaKind::AllOf { .. } => {
                self.errors
                    .push(Error::unsupported(at, "allOf with several members"));
                Ty::Json
            }
            SchemaKind::Not { .. } => {
                self.errors.push(Error::unsupported(at, "a `not` schema"));
                Ty::Json
            }
            // No type at all: any JSON value, kept as it is.
            SchemaKind::Any(any)
                if any.typ.is_none() && any.properties.is_empty() && any.items.is_none() =>
            {
                Ty::Json
            }
            SchemaKind::Any(any) => {
                // openapiv3 reads a misspelt `type` as a schema of no particular type.
                let known = ["string", "number", "integer", "boolean", "array", "object"];
                let what = match any.typ.as_deref() {
                    Some(t) if !known.contains(&t) => format!("the unknown type `{t}`"),
                    _ => "a schema that mixes keywords of several types".to_owned(),
                };
                self.errors.push(Error::unsupported(at, what));
                Ty::Json
            }
        }
    }

    /// A string: `String`, or a string enum named `hint` when it has values other than `""`.
    fn lower_string(
        &mut self,
        values: &[Option<String>],
        s: &Schema,
        at: &Pointer,
        hint: &TypeName,
        scope: Scope<'_>,
    ) -> Ty {
        let values: Vec<Option<String>> = values
            .iter()
            .filter(|v| v.as_deref() != Some(""))
            .cloned()
            .collect();
        if values.is_empty() {
            return Ty::Str;
        }
        let name = self.claim_inline(hint, at);
        let e = self.make_enum(name.clone(), &values, doc(s), at);
        self.push_item(scope.module, scope.role, Item::Enum(e));
        scope.named(name)
    }

    /// An inline object: Stripe's list object, a map (`additionalProperties`), free-form JSON,
    /// or a struct named `hint`.
    fn lower_object(
        &mut self,
        obj: &ObjectType,
        s: &Schema,
        at: &Pointer,
        hint: &TypeName,
        scope: Scope<'_>,
    ) -> Ty {
        if is_list_object(obj) {
            let data_at = at.push("properties").push("data").push("items");
            let item = obj.properties.get("data").and_then(|d| match d {
                ReferenceOr::Item(d) => match &d.schema_kind {
                    SchemaKind::Type(Type::Array(a)) => a.items.clone(),
                    _ => None,
                },
                ReferenceOr::Reference { .. } => None,
            });
            let item_ty = match item {
                Some(i) => self.lower_boxed_or_ref(&i, &data_at, hint, scope),
                None => Ty::Json,
            };
            return Ty::List(Box::new(item_ty));
        }
        if obj.properties.is_empty() {
            return match &obj.additional_properties {
                Some(AdditionalProperties::Schema(value)) => {
                    self.lower_map_value(value, &at.push("additionalProperties"), hint, scope)
                }
                // A free-form object: keep it whole.
                _ => Ty::Json,
            };
        }
        let name = self.claim_inline(hint, at);
        let fields = self.lower_fields(obj, &name, at, scope);
        self.push_item(
            scope.module,
            scope.role,
            Item::Struct(Struct {
                name: name.clone(),
                doc: doc(s),
                fields,
                role: scope.role,
                note: None,
                at: at.clone(),
            }),
        );
        scope.named(name)
    }

    /// `BTreeMap<String, T>` for `additionalProperties: T`.
    fn lower_map_value(
        &mut self,
        value: &ReferenceOr<Schema>,
        value_at: &Pointer,
        hint: &TypeName,
        scope: Scope<'_>,
    ) -> Ty {
        let value_hint = match naming::nested_type(hint, "value") {
            Ok(h) => h,
            Err(e) => {
                self.errors.push(name_error(value_at, e));
                return Ty::Json;
            }
        };
        let ty = match value {
            ReferenceOr::Reference { reference } => self.lower_ref(reference, value_at, scope),
            // v2 update bodies remove a metadata key sent as `null`.
            ReferenceOr::Item(vs) if vs.schema_data.nullable => Ty::Nullable(Box::new(
                self.lower_schema(vs, value_at, &value_hint, scope),
            )),
            ReferenceOr::Item(vs) => self.lower_schema(vs, value_at, &value_hint, scope),
        };
        Ty::Map(Box::new(ty))
    }
}

/// Whether `at` is in Stripe's v2 API: a `v2.*` component, or under a `/v2/` path.
pub(super) fn is_v2(at: &Pointer) -> bool {
    let mut tokens = at.tokens();
    match (tokens.next().as_deref(), tokens.next()) {
        (Some("components"), Some(_)) => tokens.next().is_some_and(|n| n.starts_with("v2.")),
        (Some("paths"), Some(path)) => path.starts_with("/v2/"),
        _ => false,
    }
}

/// Stripe's list object (`object: list`, `data`, `has_more`, `url`), which is `rt::List<T>`.
fn is_list_object(obj: &ObjectType) -> bool {
    let keys: BTreeSet<&str> = obj.properties.keys().map(String::as_str).collect();
    let object_is_list = obj.properties.get("object").is_some_and(|o| match o {
        ReferenceOr::Item(s) => matches!(&s.schema_kind, SchemaKind::Type(Type::String(st)) if st.enumeration == [Some("list".to_owned())]),
        ReferenceOr::Reference { .. } => false,
    });
    object_is_list && keys == BTreeSet::from(["data", "has_more", "object", "url"])
}

fn is_single_value_enum(s: &Schema) -> bool {
    matches!(&s.schema_kind, SchemaKind::Type(Type::String(st)) if st.enumeration.len() == 1)
}
