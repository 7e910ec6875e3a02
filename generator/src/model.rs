//! Stage 3: the intermediate representation. It records decisions, not syntax: every type has
//! its name, every field its presence, and emit is a pure function of it. No openapiv3 types
//! and no tokens live here.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    AdditionalProperties, ObjectType, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema,
    SchemaKind, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use crate::error::{Error, ErrorKind, Pointer};
use crate::load::SpecInfo;
use crate::naming::{self, FieldName, FnName, ModName, NameError, TypeName, VariantName};
use crate::select::{resolve_chain, Method, Owner, Returns, Selected};

/// The whole generated API.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    /// Version and hash of the spec, for headers.
    pub spec: SpecInfo,
    /// Modules, sorted by name.
    pub modules: Vec<Module>,
    /// Naming decisions worth telling the user about (collisions renamed).
    pub warnings: Vec<String>,
}

/// One generated module: a resource's, or `common`.
#[derive(Clone, Debug, PartialEq)]
pub struct Module {
    /// Module and feature name.
    pub name: ModName,
    /// The resource's `x-resourceId`; `None` for `common`.
    pub resource: Option<String>,
    /// Other modules this one refers to (their features must be on too).
    pub requires: BTreeSet<ModName>,
    /// Types, in output order.
    pub items: Vec<Item>,
    /// Operations, in verb order.
    pub ops: Vec<Operation>,
}

/// A named type.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// An object.
    Struct(Struct),
    /// A string enum that keeps unknown values.
    Enum(StringEnum),
    /// The typed id of a resource.
    Id(IdType),
    /// A value of one of several shapes (`anyOf`/`oneOf`).
    Union(Union),
}

impl Item {
    /// The type's name.
    pub fn name(&self) -> &TypeName {
        match self {
            Item::Struct(s) => &s.name,
            Item::Enum(e) => &e.name,
            Item::Id(i) => &i.name,
            Item::Union(u) => &u.name,
        }
    }
}

/// What a struct is for, which decides what it derives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// The selected resource object itself.
    Resource,
    /// A model decoded from responses.
    Object,
    /// Request parameters, form-encoded.
    Params,
}

/// An object type.
#[derive(Clone, Debug, PartialEq)]
pub struct Struct {
    /// Rust name.
    pub name: TypeName,
    /// Spec description.
    pub doc: Doc,
    /// Fields, sorted by wire name.
    pub fields: Vec<Field>,
    /// Role.
    pub role: Role,
    /// A doc line the generator writes itself (rustdoc syntax, not spec text).
    pub note: Option<String>,
    /// Where it comes from.
    pub at: Pointer,
}

/// The field of every response struct that keeps the keys the spec does not list, so a spec
/// field may not take its name.
pub const EXTRA_FIELD: &str = "extra";

/// A struct field.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Rust and wire name.
    pub name: FieldName,
    /// Type, without the presence wrapper.
    pub ty: Ty,
    /// Whether it may be absent and whether it may be `null`.
    pub presence: Presence,
    /// Spec description.
    pub doc: Doc,
    /// Where it comes from.
    pub at: Pointer,
}

/// Absent and `null` are different states and are never collapsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    /// Always present, never null: `T`.
    Required,
    /// Always present, may be null: `Option<T>`.
    Nullable,
    /// May be absent, never null: `Option<T>`, skipped when `None`.
    Optional,
    /// May be absent or null: `Option<Option<T>>`.
    OptionalNullable,
}

/// A field's type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ty {
    /// `String`.
    Str,
    /// `bool`.
    Bool,
    /// `i64`.
    Int,
    /// `f64`.
    Float,
    /// Unix seconds: `rt::Timestamp`.
    Timestamp,
    /// A value that must not reach logs: `rt::Secret`.
    Secret,
    /// Anything not typed (yet): `rt::Json`, which keeps the value as is.
    Json,
    /// A generated type.
    Named(TypeRef),
    /// `Vec<T>`.
    Vec(Box<Ty>),
    /// `BTreeMap<String, T>` (`additionalProperties`, e.g. balances by currency).
    Map(Box<Ty>),
    /// Stripe's list object: `rt::List<T>`.
    List(Box<Ty>),
    /// Stripe's search result object (`search_result`, paged by `next_page`): `rt::SearchResult<T>`.
    Search(Box<Ty>),
    /// An id or the expanded object: `rt::Expandable<T>`; `None` keeps the object as JSON
    /// because its resource is not selected.
    Expandable(Option<TypeRef>),
    /// `Box<T>`, to break a recursive type.
    Boxed(Box<Ty>),
    /// A parameter that can be unset by sending `""`: `rt::Clearable<T>`.
    Clearable(Box<Ty>),
}

/// A reference to a generated type in some module.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TypeRef {
    /// Module that defines it.
    pub module: ModName,
    /// Its name.
    pub name: TypeName,
}

/// A string enum: known values plus a catch-all that keeps new ones.
#[derive(Clone, Debug, PartialEq)]
pub struct StringEnum {
    /// Rust name.
    pub name: TypeName,
    /// Spec description of the field it came from.
    pub doc: Doc,
    /// Variants, sorted by wire value.
    pub variants: Vec<VariantName>,
    /// The catch-all variant.
    pub unknown: VariantName,
    /// Where it comes from.
    pub at: Pointer,
}

/// A union of several shapes. Decoding picks the member by the `object` tag when every member
/// has one, else the first that decodes; in responses a catch-all keeps anything else as JSON.
#[derive(Clone, Debug, PartialEq)]
pub struct Union {
    /// Rust name.
    pub name: TypeName,
    /// Spec description of the field it came from.
    pub doc: Doc,
    /// Members in spec order.
    pub members: Vec<UnionMember>,
    /// Whether it is decoded (responses) or encoded (parameters).
    pub role: Role,
    /// Where it comes from.
    pub at: Pointer,
}

/// One member of a [`Union`].
#[derive(Clone, Debug, PartialEq)]
pub struct UnionMember {
    /// Variant name.
    pub name: VariantName,
    /// Its type.
    pub ty: Ty,
    /// The member's constant `object` value, when it has one.
    pub tag: Option<String>,
}

/// A resource's typed id.
#[derive(Clone, Debug, PartialEq)]
pub struct IdType {
    /// e.g. `FinancialConnectionsSessionId`.
    pub name: TypeName,
    /// The resource type it identifies.
    pub resource: TypeName,
    /// Presence of the resource's `id` field (a few Stripe objects, e.g. a tax calculation
    /// preview, may lack one).
    pub presence: Presence,
}

/// Raw description text from the spec; emit renders it for rustdoc.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Doc(pub Option<String>);

/// A request function.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// Function name (`create`, `retrieve`, ...).
    pub name: FnName,
    /// The resource type the function is associated with.
    pub on: TypeName,
    /// Method.
    pub method: Method,
    /// The path, split at parameters.
    pub path: Vec<PathPart>,
    /// Path parameters, in path order: function arguments.
    pub path_params: Vec<PathParam>,
    /// The parameters struct, and where it goes.
    pub params: TypeName,
    /// Where the parameters go.
    pub params_in: ParamsIn,
    /// The success type.
    pub returns: Ty,
    /// Spec description.
    pub doc: Doc,
    /// `operationId`.
    pub operation_id: String,
    /// Where it comes from.
    pub at: Pointer,
}

/// A piece of a path template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathPart {
    /// Literal text.
    Lit(String),
    /// A parameter, by argument name.
    Param(FieldName),
}

/// A path parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct PathParam {
    /// Argument name.
    pub name: FieldName,
    /// `Ty::Str` or the resource's typed id.
    pub ty: Ty,
}

/// Where an operation's parameters are encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamsIn {
    /// The query string (GET, DELETE).
    Query,
    /// A form-encoded body (POST).
    Body,
}

/// Lowers the selection into the model, collecting every error.
pub fn lower(selected: &Selected<'_>, spec: SpecInfo) -> Result<Model, Vec<Error>> {
    let mut cx = Lower::new(selected);
    for (p, owner) in &selected.owners {
        cx.component_name(p, owner);
    }
    for (p, owner) in &selected.owners {
        let module = cx.module_of(owner);
        cx.lower_component(p, &module);
    }
    for i in 0..selected.resources.len() {
        cx.lower_operations(i);
    }
    cx.finish(spec)
}

struct Lower<'a> {
    sel: &'a Selected<'a>,
    errors: Vec<Error>,
    warnings: Vec<String>,
    /// Component pointer -> its type.
    names: BTreeMap<Pointer, TypeRef>,
    /// Rust type name -> where it was first made, to report collisions.
    taken: BTreeMap<String, Pointer>,
    /// Items per module.
    items: BTreeMap<ModName, Vec<(Role, Item)>>,
    ops: BTreeMap<ModName, Vec<Operation>>,
    requires: BTreeMap<ModName, BTreeSet<ModName>>,
    module_names: Vec<ModName>,
    /// What a scoped `secret_fields` entry is matched against: the component schema being
    /// lowered, or the resource whose operation is being lowered.
    scope: String,
    /// Non-component `$ref` targets already lowered in place, so each is emitted once.
    in_place: BTreeMap<Pointer, Ty>,
}

impl<'a> Lower<'a> {
    fn new(sel: &'a Selected<'a>) -> Self {
        let mut errors = Vec::new();
        let module_names = sel
            .resources
            .iter()
            .enumerate()
            .map(|(i, r)| {
                naming::module(&r.id).unwrap_or_else(|e| {
                    errors.push(name_error(
                        &Pointer::root().push("resources").push(&i.to_string()),
                        e,
                    ));
                    naming::common_module()
                })
            })
            .collect();
        Lower {
            sel,
            errors,
            warnings: Vec::new(),
            names: BTreeMap::new(),
            taken: BTreeMap::new(),
            items: BTreeMap::new(),
            ops: BTreeMap::new(),
            requires: BTreeMap::new(),
            module_names,
            scope: String::new(),
            in_place: BTreeMap::new(),
        }
    }

    fn module_of(&self, owner: &Owner) -> ModName {
        match owner {
            Owner::Resource(i) => self.module_names[*i].clone(),
            Owner::Common => naming::common_module(),
        }
    }

    /// Names a component schema (renames from the config first) and records its module.
    fn component_name(&mut self, p: &Pointer, owner: &Owner) {
        let wire = p.tokens().last().unwrap_or_default();
        let renamed = self.sel.selection.renames.get(&wire);
        let name = match naming::type_name(renamed.map(String::as_str).unwrap_or(&wire)) {
            Ok(n) => n,
            Err(e) => {
                self.errors.push(name_error(p, e));
                return;
            }
        };
        if self.claim(&name, p) {
            let module = self.module_of(owner);
            self.names.insert(p.clone(), TypeRef { module, name });
        }
    }

    /// Records that `name` is made at `at`; a second, different origin is a collision.
    fn claim(&mut self, name: &TypeName, at: &Pointer) -> bool {
        match self.taken.get(name.rust()) {
            Some(other) if other != at => {
                // Report on the later pointer so the message is the same whatever the visit order.
                let (here, there) = if at > other { (at, other) } else { (other, at) };
                self.errors.push(Error::new(
                    here.clone(),
                    ErrorKind::NameCollision {
                        name: name.rust().to_owned(),
                        other: there.clone(),
                    },
                ));
                false
            }
            Some(_) => true,
            None => {
                self.taken.insert(name.rust().to_owned(), at.clone());
                true
            }
        }
    }

    /// Names an inline schema: `hint`, or if a component or an earlier inline schema already
    /// has that name, `hint2`, `hint3`, ... Components are named before any inline schema, so
    /// a component never loses its name to an inline one.
    fn claim_inline(&mut self, hint: &TypeName, at: &Pointer) -> TypeName {
        let mut name = hint.clone();
        let mut n = 1;
        while self.taken.get(name.rust()).is_some_and(|p| p != at) {
            n += 1;
            name = hint.with_suffix(n);
        }
        if n > 1 {
            self.warnings
                .push(format!("{at}: `{hint}` is taken; named `{name}`"));
        }
        self.taken.insert(name.rust().to_owned(), at.clone());
        name
    }

    fn push_item(&mut self, module: &ModName, role: Role, item: Item) {
        self.items
            .entry(module.clone())
            .or_default()
            .push((role, item));
    }

    fn lower_component(&mut self, p: &Pointer, module: &ModName) {
        let Some(tref) = self.names.get(p).cloned() else {
            return;
        };
        self.scope = p.tokens().last().unwrap_or_default();
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
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(obj)) if !is_list_object(obj) => {
                let id_type = if is_resource {
                    self.make_id_type(&tref, obj, module)
                } else {
                    None
                };
                let mut fields = self.lower_fields(obj, &tref.name, p, module, role);
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
                if let Some(e) = self.make_enum(tref.name.clone(), &s.enumeration, &schema, p) {
                    self.push_item(module, role, Item::Enum(e));
                }
            }
            SchemaKind::AnyOf { any_of: members } | SchemaKind::OneOf { one_of: members } => {
                let key = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) {
                    "oneOf"
                } else {
                    "anyOf"
                };
                let real: Vec<(usize, &ReferenceOr<Schema>)> = members.iter().enumerate().collect();
                // The name is the component's, already claimed by `component_name`.
                self.taken.remove(tref.name.rust());
                self.make_union(&real, &schema, p, key, &tref.name, module, role);
            }
            _ => self.errors.push(Error::unsupported(
                p,
                "a component schema that is neither an object, a string enum nor a union",
            )),
        }
    }

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
        let presence = match (obj.required.iter().any(|r| r == "id"), nullable) {
            (true, false) => Presence::Required,
            (true, true) => Presence::Nullable,
            (false, false) => Presence::Optional,
            (false, true) => Presence::OptionalNullable,
        };
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

    fn lower_fields(
        &mut self,
        obj: &ObjectType,
        parent: &TypeName,
        at: &Pointer,
        module: &ModName,
        role: Role,
    ) -> Vec<Field> {
        // Types nested in the resource are ordinary models; only the resource itself leads.
        let role = if role == Role::Resource {
            Role::Object
        } else {
            role
        };
        let mut fields = Vec::new();
        let mut props: Vec<(&String, &ReferenceOr<Box<Schema>>)> = obj.properties.iter().collect();
        props.sort_by(|a, b| a.0.cmp(b.0));
        for (wire, prop) in props {
            let fat = at.push("properties").push(wire);
            let name = match naming::field(wire) {
                Ok(n) => n,
                Err(e) => {
                    self.errors.push(name_error(&fat, e));
                    continue;
                }
            };
            let required = obj.required.iter().any(|r| r == wire);
            let (ty, nullable, doc) = match prop {
                ReferenceOr::Reference { reference } => {
                    (self.lower_ref(reference, &fat, module), false, Doc(None))
                }
                ReferenceOr::Item(s) => {
                    let ty = if self.is_secret(wire, s) {
                        Ty::Secret
                    } else if wire == "object" && is_single_value_enum(s) {
                        // A constant discriminator (`"object": "financial_connections.session"`):
                        // an enum of one value would add a type and tell the user nothing.
                        Ty::Str
                    } else {
                        let hint = match naming::nested_type(parent, wire) {
                            Ok(h) => h,
                            Err(e) => {
                                self.errors.push(name_error(&fat, e));
                                continue;
                            }
                        };
                        self.lower_schema(s, &fat, &hint, module, role)
                    };
                    (ty, s.schema_data.nullable, doc(s))
                }
            };
            let presence = match (required, nullable) {
                (true, false) => Presence::Required,
                (true, true) => Presence::Nullable,
                (false, false) => Presence::Optional,
                (false, true) => Presence::OptionalNullable,
            };
            fields.push(Field {
                name,
                ty,
                presence,
                doc,
                at: fat,
            });
        }
        let mut names: Vec<FieldName> = fields.iter().map(|f| f.name.clone()).collect();
        let warnings = naming::dedupe_fields(&mut names);
        for w in warnings {
            self.warnings.push(format!("{at}: {w}"));
        }
        for (f, n) in fields.iter_mut().zip(names) {
            f.name = n;
        }
        // Response structs keep unknown keys in a field of their own (see `emit::serde`).
        if role != Role::Params {
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

    /// Whether a string property or parameter is one of the selection's secrets in the
    /// current scope.
    fn is_secret(&self, wire: &str, s: &Schema) -> bool {
        matches!(s.schema_kind, SchemaKind::Type(Type::String(_)))
            && self.sel.selection.is_secret(&self.scope, wire)
    }

    /// A `$ref` to a component: its generated type, or a named error.
    fn lower_ref(&mut self, reference: &str, at: &Pointer, module: &ModName) -> Ty {
        let target = match resolve_chain(self.sel.loaded, reference, at) {
            Ok(t) => t,
            Err(e) => {
                self.errors.push(e);
                return Ty::Json;
            }
        };
        match self.names.get(&target).cloned() {
            Some(tref) => {
                if &tref.module != module {
                    self.requires
                        .entry(module.clone())
                        .or_default()
                        .insert(tref.module.clone());
                }
                Ty::Named(tref)
            }
            None => {
                // A ref select did not reach is a schema that is not a component (or a bug):
                // lower it in place, named after the reference.
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
                    Ok(hint) => self.lower_schema(&schema, &target, &hint, module, Role::Object),
                    Err(e) => {
                        self.errors.push(name_error(&target, e));
                        Ty::Json
                    }
                };
                self.in_place.insert(target, ty.clone());
                ty
            }
        }
    }

    fn lower_boxed_or_ref(
        &mut self,
        s: &ReferenceOr<Box<Schema>>,
        at: &Pointer,
        hint: &TypeName,
        module: &ModName,
        role: Role,
    ) -> Ty {
        match s {
            ReferenceOr::Reference { reference } => self.lower_ref(reference, at, module),
            ReferenceOr::Item(s) => self.lower_schema(s, at, hint, module, role),
        }
    }

    /// Lowers an inline schema; nested objects and enums become types named `hint`.
    fn lower_schema(
        &mut self,
        s: &Schema,
        at: &Pointer,
        hint: &TypeName,
        module: &ModName,
        role: Role,
    ) -> Ty {
        match &s.schema_kind {
            SchemaKind::Type(Type::String(st)) => {
                let values: Vec<&Option<String>> = st
                    .enumeration
                    .iter()
                    .filter(|v| v.as_deref() != Some(""))
                    .collect();
                if values.is_empty() {
                    return Ty::Str;
                }
                let en: Vec<Option<String>> = values.into_iter().cloned().collect();
                let name = self.claim_inline(hint, at);
                match self.make_enum(name, &en, s, at) {
                    Some(e) => {
                        let name = e.name.clone();
                        self.push_item(module, role, Item::Enum(e));
                        Ty::Named(TypeRef {
                            module: module.clone(),
                            name,
                        })
                    }
                    None => Ty::Json,
                }
            }
            SchemaKind::Type(Type::Integer(it)) => match &it.format {
                VariantOrUnknownOrEmpty::Unknown(f) if f == "unix-time" => Ty::Timestamp,
                _ => Ty::Int,
            },
            SchemaKind::Type(Type::Number(_)) => Ty::Float,
            SchemaKind::Type(Type::Boolean(_)) => Ty::Bool,
            SchemaKind::Type(Type::Array(arr)) => match &arr.items {
                Some(items) => {
                    let item_at = at.push("items");
                    Ty::Vec(Box::new(
                        self.lower_boxed_or_ref(items, &item_at, hint, module, role),
                    ))
                }
                None => Ty::Vec(Box::new(Ty::Json)),
            },
            SchemaKind::Type(Type::Object(obj)) => {
                self.lower_object(obj, s, at, hint, module, role)
            }
            SchemaKind::AnyOf { any_of: members } | SchemaKind::OneOf { one_of: members } => {
                self.lower_union(members, s, at, hint, module, role)
            }
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => match &all_of[0] {
                ReferenceOr::Reference { reference } => {
                    self.lower_ref(reference, &at.push("allOf").push("0"), module)
                }
                ReferenceOr::Item(inner) => {
                    self.lower_schema(inner, &at.push("allOf").push("0"), hint, module, role)
                }
            },
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

    fn lower_object(
        &mut self,
        obj: &ObjectType,
        s: &Schema,
        at: &Pointer,
        hint: &TypeName,
        module: &ModName,
        role: Role,
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
                Some(i) => self.lower_boxed_or_ref(&i, &data_at, hint, module, role),
                None => Ty::Json,
            };
            return Ty::List(Box::new(item_ty));
        }
        if obj.properties.is_empty() {
            return match &obj.additional_properties {
                Some(AdditionalProperties::Schema(v)) => {
                    let vat = at.push("additionalProperties");
                    let value_hint = match naming::nested_type(hint, "value") {
                        Ok(h) => h,
                        Err(e) => {
                            self.errors.push(name_error(&vat, e));
                            return Ty::Json;
                        }
                    };
                    let ty = match v.as_ref() {
                        ReferenceOr::Reference { reference } => {
                            self.lower_ref(reference, &vat, module)
                        }
                        ReferenceOr::Item(vs) => {
                            self.lower_schema(vs, &vat, &value_hint, module, role)
                        }
                    };
                    Ty::Map(Box::new(ty))
                }
                // A free-form object: keep it whole.
                _ => Ty::Json,
            };
        }
        let hint = &self.claim_inline(hint, at);
        let fields = self.lower_fields(obj, hint, at, module, role);
        self.push_item(
            module,
            role,
            Item::Struct(Struct {
                name: hint.clone(),
                doc: doc(s),
                fields,
                role,
                note: None,
                at: at.clone(),
            }),
        );
        Ty::Named(TypeRef {
            module: module.clone(),
            name: hint.clone(),
        })
    }

    fn lower_union(
        &mut self,
        members: &[ReferenceOr<Schema>],
        s: &Schema,
        at: &Pointer,
        hint: &TypeName,
        module: &ModName,
        role: Role,
    ) -> Ty {
        let key = if matches!(s.schema_kind, SchemaKind::OneOf { .. }) {
            "oneOf"
        } else {
            "anyOf"
        };
        if s.schema_data
            .extensions
            .contains_key("x-expansionResources")
        {
            let targets: Vec<(usize, &String)> = members
                .iter()
                .enumerate()
                .filter_map(|(i, m)| match m {
                    ReferenceOr::Reference { reference } => Some((i, reference)),
                    ReferenceOr::Item(_) => None,
                })
                .collect();
            let (i, reference) = match targets.as_slice() {
                [one] => *one,
                // Several possible resources (a balance transaction's source): keep the object
                // as JSON rather than guess which one it is.
                [_, _, ..] => return Ty::Expandable(None),
                [] => {
                    self.errors.push(Error::unsupported(
                        at,
                        "an expandable field with no $ref member",
                    ));
                    return Ty::Json;
                }
            };
            let member_at = at.push(key).push(&i.to_string());
            return match resolve_chain(self.sel.loaded, reference, &member_at) {
                Ok(target) => match self.sel.resource_by_schema(&target) {
                    Some(_) => match self.names.get(&target).cloned() {
                        Some(tref) => {
                            if &tref.module != module {
                                self.requires
                                    .entry(module.clone())
                                    .or_default()
                                    .insert(tref.module.clone());
                            }
                            Ty::Expandable(Some(tref))
                        }
                        None => Ty::Expandable(None),
                    },
                    None => Ty::Expandable(None),
                },
                Err(e) => {
                    self.errors.push(e);
                    Ty::Json
                }
            };
        }
        // Stripe adds `enum: [""]` members to parameters that can be cleared; the value itself
        // is the other member, and "" becomes `rt::Clearable::Clear`.
        let clearable = members.iter().any(is_empty_string_enum);
        let real: Vec<(usize, &ReferenceOr<Schema>)> = members
            .iter()
            .enumerate()
            .filter(|(_, m)| !is_empty_string_enum(m))
            .collect();
        let ty = match real.as_slice() {
            [(i, m)] => {
                let mat = at.push(key).push(&i.to_string());
                match m {
                    ReferenceOr::Reference { reference } => self.lower_ref(reference, &mat, module),
                    ReferenceOr::Item(inner) => self.lower_schema(inner, &mat, hint, module, role),
                }
            }
            [] => {
                self.errors
                    .push(Error::unsupported(at, format!("{key} with no members")));
                Ty::Json
            }
            _ => self.make_union(&real, s, at, key, hint, module, role),
        };
        if clearable && role == Role::Params {
            Ty::Clearable(Box::new(ty))
        } else {
            ty
        }
    }

    #[allow(clippy::too_many_arguments)] // One call site; a struct for these would only rename them.
    fn make_union(
        &mut self,
        real: &[(usize, &ReferenceOr<Schema>)],
        s: &Schema,
        at: &Pointer,
        key: &str,
        hint: &TypeName,
        module: &ModName,
        role: Role,
    ) -> Ty {
        let hint = &self.claim_inline(hint, at);
        let mut members = Vec::new();
        let mut kinds_seen: BTreeMap<&'static str, usize> = BTreeMap::new();
        for (i, m) in real {
            let mat = at.push(key).push(&i.to_string());
            let (variant_wire, ty, tag) = match m {
                ReferenceOr::Reference { reference } => {
                    let ty = self.lower_ref(reference, &mat, module);
                    let target = resolve_chain(self.sel.loaded, reference, &mat).ok();
                    let name = target
                        .as_ref()
                        .and_then(|t| t.tokens().last())
                        .unwrap_or_default();
                    let tag = target
                        .and_then(|t| {
                            self.sel
                                .loaded
                                .get(&t.push("properties").push("object").push("enum"))
                        })
                        .and_then(Value::as_array)
                        .filter(|e| e.len() == 1)
                        .and_then(|e| e[0].as_str())
                        .map(str::to_owned);
                    (name, ty, tag)
                }
                ReferenceOr::Item(inner) => {
                    let kind = match &inner.schema_kind {
                        SchemaKind::Type(Type::String(_)) => "string",
                        SchemaKind::Type(Type::Integer(_)) => "int",
                        SchemaKind::Type(Type::Number(_)) => "number",
                        SchemaKind::Type(Type::Boolean(_)) => "bool",
                        SchemaKind::Type(Type::Array(_)) => "list",
                        SchemaKind::Type(Type::Object(_)) => "object",
                        _ => "value",
                    };
                    // Two inline objects in one union (`mandate_data`) become `Object`, `Object2`.
                    let seen = kinds_seen.entry(kind).or_default();
                    *seen += 1;
                    let kind = if *seen == 1 {
                        kind.to_owned()
                    } else {
                        format!("{kind}{seen}")
                    };
                    let member_hint = match naming::nested_type(hint, &kind) {
                        Ok(h) => h,
                        Err(e) => {
                            self.errors.push(name_error(&mat, e));
                            continue;
                        }
                    };
                    let ty = self.lower_schema(inner, &mat, &member_hint, module, role);
                    (kind, ty, None)
                }
            };
            // Members are boxed: a union is as large as its largest member otherwise.
            let ty = match ty {
                Ty::Named(_) => Ty::Boxed(Box::new(ty)),
                other => other,
            };
            match naming::variant(&variant_wire) {
                Ok(name) => members.push(UnionMember { name, ty, tag }),
                Err(e) => self.errors.push(name_error(&mat, e)),
            }
        }
        let mut names: Vec<VariantName> = members.iter().map(|m| m.name.clone()).collect();
        for w in naming::dedupe_variants(&mut names) {
            self.warnings.push(format!("{at}: {w}"));
        }
        for (m, n) in members.iter_mut().zip(names) {
            m.name = n;
        }
        self.push_item(
            module,
            role,
            Item::Union(Union {
                name: hint.clone(),
                doc: doc(s),
                members,
                role,
                at: at.clone(),
            }),
        );
        Ty::Named(TypeRef {
            module: module.clone(),
            name: hint.clone(),
        })
    }

    fn make_enum(
        &mut self,
        name: TypeName,
        values: &[Option<String>],
        s: &Schema,
        at: &Pointer,
    ) -> Option<StringEnum> {
        let mut wires: Vec<&str> = values
            .iter()
            .filter_map(|v| v.as_deref())
            .filter(|v| !v.is_empty())
            .collect();
        wires.sort_unstable();
        wires.dedup();
        let mut variants = Vec::new();
        for (i, w) in wires.iter().enumerate() {
            match naming::variant(w) {
                Ok(v) => variants.push(v),
                Err(e) => self
                    .errors
                    .push(name_error(&at.push("enum").push(&i.to_string()), e)),
            }
        }
        for w in naming::dedupe_variants(&mut variants) {
            self.warnings.push(format!("{at}: {w}"));
        }
        let unknown = naming::unknown_variant(&variants);
        Some(StringEnum {
            name,
            doc: doc(s),
            variants,
            unknown,
            at: at.clone(),
        })
    }

    fn lower_operations(&mut self, i: usize) {
        let r = &self.sel.resources[i];
        let module = self.module_names[i].clone();
        let Some(resource) = self.names.get(&r.schema).cloned() else {
            return;
        };
        let id_type = self.items.get(&module).and_then(|items| {
            items.iter().find_map(|(_, it)| match it {
                Item::Id(id) if id.resource == resource.name => Some(TypeRef {
                    module: module.clone(),
                    name: id.name.clone(),
                }),
                _ => None,
            })
        });
        // Stripe keeps legacy alias paths (`/v1/link_account_sessions` for
        // `/v1/financial_connections/sessions`) that map to the same function. The one under
        // the resource's own path wins; the aliases are skipped, and the user is told.
        let r_id = r.id.clone();
        let canonical = canonical_path(&r.id);
        let mut by_verb: BTreeMap<String, Vec<&crate::select::SelectedOp>> = BTreeMap::new();
        for op in &r.ops {
            let verb = verb_for(op.method, &op.path, &canonical, &op.returns)
                .unwrap_or_else(|| op.operation_id.clone());
            by_verb.entry(verb).or_default().push(op);
        }
        let mut chosen: Vec<(String, &crate::select::SelectedOp)> = Vec::new();
        for (verb, group) in by_verb {
            if group.len() == 1 {
                chosen.extend(group.into_iter().map(|op| (verb.clone(), op)));
                continue;
            }
            let (main, aliases): (Vec<_>, Vec<_>) = group
                .into_iter()
                .partition(|op| under(&op.path, &canonical).is_some());
            if main.len() == 1 {
                for a in &aliases {
                    self.warnings.push(format!(
                        "{}: `{}` is an alias of `{}` ({verb}); skipped",
                        a.at, a.path, main[0].path
                    ));
                }
                chosen.push((verb, main[0]));
            } else {
                // The same verb on different parents (`GET /v1/quotes/{quote}/line_items` and
                // `GET /v1/checkout/sessions/{session}/line_items` both list items): the verb
                // cannot say which, so each is named after its operationId.
                chosen.extend(
                    main.into_iter()
                        .chain(aliases)
                        .map(|op| (op.operation_id.clone(), op)),
                );
            }
        }
        let mut ops = Vec::new();
        for (verb, op) in chosen {
            if let Some(o) =
                self.lower_operation(op, &verb, &r_id, &resource, id_type.as_ref(), &module)
            {
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

    fn lower_operation(
        &mut self,
        op: &crate::select::SelectedOp,
        verb: &str,
        resource_id: &str,
        resource: &TypeRef,
        id_type: Option<&TypeRef>,
        module: &ModName,
    ) -> Option<Operation> {
        let parsed: openapiv3::Operation = match self.sel.loaded.typed(&op.at, "operation") {
            Ok(o) => o,
            Err(e) => {
                self.errors.push(e);
                return None;
            }
        };
        if self
            .sel
            .selection
            .skip_operations
            .contains(&op.operation_id)
        {
            self.warnings.push(format!(
                "{}: {} skipped, as spec/select.yaml says",
                op.at, op.operation_id
            ));
            return None;
        }
        let content_at = op.at.push("requestBody").push("content");
        let non_form = self
            .sel
            .loaded
            .get(&content_at)
            .and_then(Value::as_object)
            .is_some_and(|m| !m.is_empty() && !m.contains_key("application/x-www-form-urlencoded"));
        if non_form {
            self.errors.push(Error::unsupported(
                &op.at.push("requestBody"),
                format!(
                    "a request body that is not form-encoded (list `{}` under skip_operations in spec/select.yaml to leave it out)",
                    op.operation_id
                ),
            ));
            return None;
        }
        let name = match naming::function(verb) {
            Ok(n) => n,
            Err(e) => {
                self.errors.push(name_error(&op.at, e));
                return None;
            }
        };
        self.scope = resource_id.to_owned();
        // Like an inline schema's, a parameters type that clashes gets a numeric suffix.
        let params_name = self.claim_inline(&naming::params_type(&name, &resource.name), &op.at);

        // Path template -> parts; every `{param}` must be a declared path parameter and back.
        let mut path = Vec::new();
        let mut path_params = Vec::new();
        let mut declared: BTreeMap<String, (usize, bool)> = BTreeMap::new();
        let mut query_fields = Vec::new();
        for (pi, p) in parsed.parameters.iter().enumerate() {
            let pat = op.at.push("parameters").push(&pi.to_string());
            let ReferenceOr::Item(p) = p else {
                self.errors
                    .push(Error::unsupported(&pat, "a $ref parameter"));
                continue;
            };
            match p {
                Parameter::Path { parameter_data, .. } => {
                    declared.insert(parameter_data.name.clone(), (pi, false));
                }
                Parameter::Query { parameter_data, .. } => {
                    query_fields.push((pat, parameter_data.clone()));
                }
                Parameter::Header { .. } | Parameter::Cookie { .. } => {
                    self.errors
                        .push(Error::unsupported(&pat, "a header or cookie parameter"));
                }
            }
        }
        let mut rest = op.path.as_str();
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                self.errors
                    .push(Error::unsupported(&op.at, "a path with an unclosed `{`"));
                return None;
            };
            path.push(PathPart::Lit(rest[..open].to_owned()));
            let pname = &rest[open + 1..close];
            match declared.get_mut(pname) {
                Some(entry) => entry.1 = true,
                None => {
                    self.errors.push(Error::new(
                        op.at.push("parameters"),
                        ErrorKind::Unsupported(format!(
                            "a `{{{pname}}}` in the path with no `in: path` parameter"
                        )),
                    ));
                    return None;
                }
            }
            let fname = match naming::field(pname) {
                Ok(f) => f,
                Err(e) => {
                    self.errors.push(name_error(&op.at, e));
                    return None;
                }
            };
            // The resource's own id, right after its own collection path (`/v1/x/sessions/{session}`,
            // also in `/v1/x/sessions/{session}/refresh`), is typed; other parameters (a parent
            // resource's id, say) are strings.
            let prefix = &op.path[..op.path.len() - rest.len() + open];
            let is_own_id =
                path_params.is_empty() && prefix.starts_with(&canonical_path(resource_id));
            let ty = match (is_own_id, id_type) {
                (true, Some(id)) => Ty::Named(id.clone()),
                _ => Ty::Str,
            };
            path.push(PathPart::Param(fname.clone()));
            path_params.push(PathParam { name: fname, ty });
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            path.push(PathPart::Lit(rest.to_owned()));
        }
        for (pname, (pi, used)) in &declared {
            if !used {
                self.errors.push(Error::new(
                    op.at.push("parameters").push(&pi.to_string()),
                    ErrorKind::Unsupported(format!(
                        "path parameter `{pname}` that does not appear in the path"
                    )),
                ));
            }
        }

        // Parameters: the query parameters, or the properties of the form body.
        let mut params_in = match op.method {
            Method::Post => ParamsIn::Body,
            Method::Get | Method::Delete => ParamsIn::Query,
        };
        let mut fields = Vec::new();
        for (pat, data) in &query_fields {
            let ParameterSchemaOrContent::Schema(schema) = &data.format else {
                self.errors.push(Error::unsupported(
                    pat,
                    "a parameter with `content` instead of `schema`",
                ));
                continue;
            };
            let fname = match naming::field(&data.name) {
                Ok(f) => f,
                Err(e) => {
                    self.errors.push(name_error(pat, e));
                    continue;
                }
            };
            let sat = pat.push("schema");
            let hint = match naming::nested_type(&params_name, &data.name) {
                Ok(h) => h,
                Err(e) => {
                    self.errors.push(name_error(pat, e));
                    continue;
                }
            };
            let ty = match schema {
                ReferenceOr::Reference { reference } => self.lower_ref(reference, &sat, module),
                // `GET /v1/payment_intents/{intent}?client_secret=…`: secret in the query too.
                ReferenceOr::Item(s) if self.is_secret(&data.name, s) => Ty::Secret,
                ReferenceOr::Item(s) => self.lower_schema(s, &sat, &hint, module, Role::Params),
            };
            fields.push(Field {
                name: fname,
                ty,
                presence: if data.required {
                    Presence::Required
                } else {
                    Presence::Optional
                },
                doc: Doc(data.description.clone()),
                at: pat.clone(),
            });
        }
        let body_at = op
            .at
            .push("requestBody")
            .push("content")
            .push("application/x-www-form-urlencoded");
        if let Some(body) = self.sel.loaded.get(&body_at.push("schema")) {
            let has_props = body
                .get("properties")
                .and_then(Value::as_object)
                .is_some_and(|m| !m.is_empty());
            if has_props {
                if params_in == ParamsIn::Query {
                    if fields.is_empty() && op.method == Method::Delete {
                        // Stripe has DELETEs with form bodies (cancel a subscription with
                        // `prorate`): the parameters go in the body then.
                        params_in = ParamsIn::Body;
                    } else {
                        self.errors.push(Error::unsupported(
                            &body_at,
                            "a request body on a GET operation, or on a DELETE with query parameters",
                        ));
                    }
                }
                self.check_encoding(&body_at);
                let sat = body_at.push("schema");
                match self.sel.loaded.typed::<Schema>(&sat, "schema") {
                    Ok(Schema {
                        schema_kind: SchemaKind::Type(Type::Object(obj)),
                        ..
                    }) => {
                        fields.extend(self.lower_fields(
                            &obj,
                            &params_name,
                            &sat,
                            module,
                            Role::Params,
                        ));
                    }
                    Ok(_) => self.errors.push(Error::unsupported(
                        &sat,
                        "a form body that is not an object",
                    )),
                    Err(e) => self.errors.push(e),
                }
            }
        }
        fields.sort_by(|a, b| a.name.wire().cmp(b.name.wire()));
        self.reuse_resource_enums(&mut fields, resource, module);
        self.push_item(
            module,
            Role::Params,
            Item::Struct(Struct {
                name: params_name.clone(),
                doc: Doc(None),
                note: Some(format!("Parameters of [`{}::{}`].", resource.name, name)),
                fields,
                role: Role::Params,
                at: op.at.clone(),
            }),
        );

        let returns = match &op.returns {
            Returns::Resource => Ty::Named(resource.clone()),
            Returns::List { search: false } => Ty::List(Box::new(Ty::Named(resource.clone()))),
            Returns::List { search: true } => Ty::Search(Box::new(Ty::Named(resource.clone()))),
            Returns::Deleted(p) => {
                self.lower_ref(&format!("#{}", p.as_json_pointer()), &op.at, module)
            }
        };
        Some(Operation {
            name,
            on: resource.name.clone(),
            method: op.method,
            path,
            path_params,
            params: params_name,
            params_in,
            returns,
            doc: Doc(parsed.description.clone()),
            operation_id: op.operation_id.clone(),
            at: op.at.clone(),
        })
    }

    /// Form bodies must use Stripe's deepObject rules, which is what `rt::Form` implements.
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

    /// A parameter enum with the same values as the resource's field at the same place (by
    /// wire names, nested objects included) is the same type: users pass back what they read.
    /// The params-only enum is dropped.
    fn reuse_resource_enums(&mut self, fields: &mut [Field], resource: &TypeRef, module: &ModName) {
        // Types are looked up in their own module only: indexing every item per operation
        // made whole-API generation quadratic.
        let items = &self.items;
        let find = |r: &TypeRef| -> Option<&Item> {
            items
                .get(&r.module)?
                .iter()
                .map(|(_, it)| it)
                .find(|it| it.name() == &r.name)
        };
        let Some(Item::Struct(res_struct)) = find(resource) else {
            return;
        };
        let mut replace: BTreeMap<TypeName, TypeRef> = BTreeMap::new();
        pair_enums(fields, &res_struct.fields, &find, &mut replace, 0);
        if replace.is_empty() {
            return;
        }
        for f in fields.iter_mut() {
            replace_named(&mut f.ty, &replace);
        }
        for items in self.items.values_mut() {
            for (_, it) in items.iter_mut() {
                if let Item::Struct(s) = it {
                    if s.role == Role::Params {
                        for f in &mut s.fields {
                            replace_named(&mut f.ty, &replace);
                        }
                    }
                }
            }
        }
        if let Some(items) = self.items.get_mut(module) {
            items.retain(|(_, it)| !matches!(it, Item::Enum(e) if replace.contains_key(&e.name)));
        }
        for (name, target) in &replace {
            self.taken.remove(name.rust());
            if &target.module != module {
                self.requires
                    .entry(module.clone())
                    .or_default()
                    .insert(target.module.clone());
            }
        }
    }

    fn finish(mut self, spec: SpecInfo) -> Result<Model, Vec<Error>> {
        if !self.errors.is_empty() {
            return Err(self.errors);
        }
        let mut all: BTreeSet<ModName> = self.module_names.iter().cloned().collect();
        all.extend(self.items.keys().cloned());
        let mut modules = Vec::new();
        for name in all {
            let mut items = self.items.remove(&name).unwrap_or_default();
            items.sort_by(|a, b| {
                (a.0, item_rank(&a.1), a.1.name().rust()).cmp(&(
                    b.0,
                    item_rank(&b.1),
                    b.1.name().rust(),
                ))
            });
            let resource = self
                .module_names
                .iter()
                .position(|m| m == &name)
                .map(|i| self.sel.resources[i].id.clone());
            let mut requires = self.requires.remove(&name).unwrap_or_default();
            requires.remove(&name);
            modules.push(Module {
                name: name.clone(),
                resource,
                requires,
                items: items.into_iter().map(|(_, it)| it).collect(),
                ops: self.ops.remove(&name).unwrap_or_default(),
            });
        }
        box_recursive(&mut modules);
        self.warnings.sort();
        Ok(Model {
            spec,
            modules,
            warnings: self.warnings,
        })
    }
}

/// Walks params fields and resource fields side by side (same wire names) and records params
/// enums that have a resource twin with the same variants.
fn pair_enums<'m>(
    params: &[Field],
    resource: &[Field],
    find: &dyn Fn(&TypeRef) -> Option<&'m Item>,
    replace: &mut BTreeMap<TypeName, TypeRef>,
    depth: usize,
) {
    if depth > 8 {
        return;
    }
    for f in params {
        let Some(rf) = resource.iter().find(|rf| rf.name.wire() == f.name.wire()) else {
            continue;
        };
        let (Some(p), Some(r)) = (enum_of(&f.ty), enum_of(&rf.ty)) else {
            continue;
        };
        match (find(p), find(r)) {
            (Some(Item::Enum(pe)), Some(Item::Enum(re)))
                if pe.variants == re.variants && p != r =>
            {
                replace.insert(p.name.clone(), r.clone());
            }
            (Some(Item::Struct(ps)), Some(Item::Struct(rs))) if ps.role == Role::Params => {
                pair_enums(&ps.fields, &rs.fields, find, replace, depth + 1);
            }
            _ => {}
        }
    }
}

fn enum_of(ty: &Ty) -> Option<&TypeRef> {
    match ty {
        Ty::Named(t) => Some(t),
        Ty::Vec(inner) | Ty::Clearable(inner) => enum_of(inner),
        _ => None,
    }
}

fn replace_named(ty: &mut Ty, map: &BTreeMap<TypeName, TypeRef>) {
    match ty {
        Ty::Named(t) => {
            if let Some(r) = map.get(&t.name) {
                *t = r.clone();
            }
        }
        Ty::Vec(inner)
        | Ty::Map(inner)
        | Ty::List(inner)
        | Ty::Search(inner)
        | Ty::Boxed(inner)
        | Ty::Clearable(inner) => replace_named(inner, map),
        _ => {}
    }
}

fn item_rank(it: &Item) -> u8 {
    match it {
        Item::Struct(s) if s.role == Role::Resource => 0,
        Item::Id(_) => 1,
        _ => 2,
    }
}

/// Boxes every field that closes a cycle of structs held by value: a field of `S` naming `T`
/// where `T` leads back to `S`, i.e. `S` and `T` are in one strongly connected component of
/// the "has a field of type" graph. One pass (Tarjan) instead of a search per field, which was
/// quadratic on the whole API.
fn box_recursive(modules: &mut [Module]) {
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for m in modules.iter() {
        for it in &m.items {
            if let Item::Struct(s) = it {
                let next = index.len();
                index.entry(s.name.rust()).or_insert(next);
            }
        }
    }
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); index.len()];
    for m in modules.iter() {
        for it in &m.items {
            if let Item::Struct(s) = it {
                let from = index[s.name.rust()];
                for f in &s.fields {
                    if let Ty::Named(t) = &f.ty {
                        if let Some(&to) = index.get(t.name.rust()) {
                            edges[from].push(to);
                        }
                    }
                }
            }
        }
    }
    let component = strongly_connected(&edges);
    let index: BTreeMap<String, usize> =
        index.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    for m in modules.iter_mut() {
        for it in &mut m.items {
            if let Item::Struct(s) = it {
                let me = component[index[s.name.rust()]];
                for f in &mut s.fields {
                    if let Ty::Named(t) = &f.ty {
                        if index.get(t.name.rust()).map(|&i| component[i]) == Some(me) {
                            f.ty = Ty::Boxed(Box::new(f.ty.clone()));
                        }
                    }
                }
            }
        }
    }
}

/// The strongly connected component of each node (Tarjan's algorithm, without recursion so a
/// deep type graph cannot overflow the stack).
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let (mut order, mut low, mut component) = (vec![UNSEEN; n], vec![0; n], vec![UNSEEN; n]);
    let (mut on_stack, mut stack) = (vec![false; n], Vec::new());
    let (mut next_order, mut next_component) = (0, 0);
    for root in 0..n {
        if order[root] != UNSEEN {
            continue;
        }
        // (node, how many of its edges are done)
        let mut calls = vec![(root, 0usize)];
        while let Some(&mut (v, ref mut done)) = calls.last_mut() {
            if *done == 0 && order[v] == UNSEEN {
                order[v] = next_order;
                low[v] = next_order;
                next_order += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = edges[v].get(*done) {
                *done += 1;
                if order[w] == UNSEEN {
                    calls.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(order[w]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == order[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = next_component;
                    if w == v {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

/// The path segments after a resource's own collection path, if the path is under it:
/// `/v1/financial_connections/sessions/{session}` under `/v1/financial_connections/session`
/// gives `["{session}"]`. The collection may add a plural `s` or `es`, nothing else
/// (`/v1/account_links` is not under `/v1/account`).
fn under<'p>(path: &'p str, canonical: &str) -> Option<Vec<&'p str>> {
    let rest = path.strip_prefix(canonical)?;
    let (plural, after) = rest.split_once('/').unwrap_or((rest, ""));
    matches!(plural, "" | "s" | "es").then(|| after.split('/').filter(|s| !s.is_empty()).collect())
}

/// The verb of an operation, from its method and the shape of its path relative to the
/// resource's own path, so users see `create`/`retrieve`/`refresh`, never
/// `post_financial_connections_sessions`. `None` when the shape says nothing.
fn verb_for(method: Method, path: &str, canonical: &str, returns: &Returns) -> Option<String> {
    let is_list = matches!(returns, Returns::List { .. });
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
        (Method::Get, Returns::List { search: false }) => format!("list_{action}"),
        (Method::Delete, _) => format!("delete_{action}"),
        _ => action,
    })
}

/// Where a resource's own endpoints live: `financial_connections.session` ->
/// `/v1/financial_connections/session` (a prefix of `/v1/financial_connections/sessions`).
fn canonical_path(resource_id: &str) -> String {
    format!("/v1/{}", resource_id.replace('.', "/"))
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

fn is_empty_string_enum(m: &ReferenceOr<Schema>) -> bool {
    matches!(m, ReferenceOr::Item(s) if matches!(&s.schema_kind, SchemaKind::Type(Type::String(st)) if st.enumeration == [Some(String::new())]))
}

fn doc(s: &Schema) -> Doc {
    Doc(s
        .schema_data
        .description
        .clone()
        .filter(|d| !d.trim().is_empty()))
}

fn name_error(at: &Pointer, e: NameError) -> Error {
    match e {
        NameError::Reserved { rust } => Error::new(at.clone(), ErrorKind::Reserved { name: rust }),
        NameError::Invalid { wire, rust } => Error::unsupported(
            at,
            format!("the name `{wire}` (it gives `{rust}`, not a Rust identifier)"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_group_exactly_the_nodes_on_a_common_cycle() {
        // 0 -> 1 -> 2 -> 0 is a cycle; 3 points into it; 4 points at itself; 5 is alone;
        // 6 <-> 7 is a second cycle reached from 2.
        let edges = vec![
            vec![1],
            vec![2],
            vec![0, 6],
            vec![0],
            vec![4],
            vec![],
            vec![7],
            vec![6],
        ];
        let c = strongly_connected(&edges);
        assert!(c[0] == c[1] && c[1] == c[2]);
        assert!(c[6] == c[7] && c[6] != c[0]);
        let alone = [c[3], c[4], c[5]];
        for (i, x) in alone.iter().enumerate() {
            assert!(*x != c[0] && *x != c[6], "node {} joined a cycle", i + 3);
        }
        assert!(c[3] != c[4] && c[4] != c[5] && c[3] != c[5]);
        // A long chain does not recurse: no stack overflow on deep type graphs.
        let chain: Vec<Vec<usize>> = (0..200_000).map(|i| vec![i + 1]).chain([vec![0]]).collect();
        let c = strongly_connected(&chain);
        assert!(c.iter().all(|&x| x == c[0]));
    }

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
