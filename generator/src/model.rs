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
}

impl Item {
    /// The type's name.
    pub fn name(&self) -> &TypeName {
        match self {
            Item::Struct(s) => &s.name,
            Item::Enum(e) => &e.name,
            Item::Id(i) => &i.name,
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
    /// An id or the expanded object: `rt::Expandable<T>`; `None` keeps the object as JSON
    /// because its resource is not selected.
    Expandable(Option<TypeRef>),
    /// `Box<T>`, to break a recursive type.
    Boxed(Box<Ty>),
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

/// A resource's typed id.
#[derive(Clone, Debug, PartialEq)]
pub struct IdType {
    /// e.g. `FinancialConnectionsSessionId`.
    pub name: TypeName,
    /// The resource type it identifies.
    pub resource: TypeName,
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
    secret_fields: BTreeSet<String>,
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
            secret_fields: sel.selection.secret_fields.iter().cloned().collect(),
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
            _ => self.errors.push(Error::unsupported(
                p,
                "a component schema that is neither an object nor a string enum",
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
                    let ty = if self.secret_fields.contains(wire.as_str())
                        && matches!(s.schema_kind, SchemaKind::Type(Type::String(_)))
                    {
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
        fields
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
                match self.make_enum(hint.clone(), &en, s, at) {
                    Some(e) => {
                        let name = e.name.clone();
                        if !self.claim(&name, at) {
                            return Ty::Json;
                        }
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
        if !self.claim(hint, at) {
            return Ty::Json;
        }
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
            let target = members.iter().enumerate().find_map(|(i, m)| match m {
                ReferenceOr::Reference { reference } => Some((i, reference)),
                ReferenceOr::Item(_) => None,
            });
            let Some((i, reference)) = target else {
                self.errors.push(Error::unsupported(
                    at,
                    "an expandable field with no $ref member",
                ));
                return Ty::Json;
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
        // is the other member.
        let real: Vec<(usize, &ReferenceOr<Schema>)> = members
            .iter()
            .enumerate()
            .filter(|(_, m)| !is_empty_string_enum(m))
            .collect();
        match real.as_slice() {
            [(i, m)] => {
                let mat = at.push(key).push(&i.to_string());
                match m {
                    ReferenceOr::Reference { reference } => self.lower_ref(reference, &mat, module),
                    ReferenceOr::Item(inner) => self.lower_schema(inner, &mat, hint, module, role),
                }
            }
            // Unions of several shapes are kept whole until they are typed.
            _ => Ty::Json,
        }
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
        let canonical = format!("/v1/{}", r.id.replace('.', "/"));
        let mut by_verb: BTreeMap<String, Vec<&crate::select::SelectedOp>> = BTreeMap::new();
        for op in &r.ops {
            let segments: Vec<&str> = op.path.trim_start_matches('/').split('/').collect();
            by_verb
                .entry(verb_for(
                    op.method,
                    &segments,
                    &op.returns,
                    &op.operation_id,
                ))
                .or_default()
                .push(op);
        }
        let mut chosen = Vec::new();
        for (verb, group) in by_verb {
            let (main, aliases): (Vec<_>, Vec<_>) = group
                .into_iter()
                .partition(|op| op.path.starts_with(&canonical));
            if main.len() == 1 {
                for a in &aliases {
                    self.warnings.push(format!(
                        "{}: `{}` is an alias of `{}` ({verb}); skipped",
                        a.at, a.path, main[0].path
                    ));
                }
                chosen.extend(main);
            } else {
                chosen.extend(main);
                chosen.extend(aliases);
            }
        }
        let mut ops = Vec::new();
        for op in chosen {
            if let Some(o) = self.lower_operation(op, &resource, id_type.as_ref(), &module) {
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
        let segments: Vec<&str> = op.path.trim_start_matches('/').split('/').collect();
        let verb = verb_for(op.method, &segments, &op.returns, &op.operation_id);
        let name = match naming::function(&verb) {
            Ok(n) => n,
            Err(e) => {
                self.errors.push(name_error(&op.at, e));
                return None;
            }
        };
        let params_name = naming::params_type(&name, &resource.name);
        if !self.claim(&params_name, &op.at) {
            return None;
        }

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
            let last = rest[close + 1..].is_empty() || rest[close + 1..].starts_with('/');
            // The resource's own id in its own path (`/v1/x/{x}`) is typed; others are strings.
            let is_own_id = last
                && matches!(op.returns, Returns::Resource | Returns::Deleted(_))
                && path_params.is_empty();
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
        let params_in = match op.method {
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
                    self.errors.push(Error::unsupported(
                        &body_at,
                        "a request body on a GET or DELETE operation",
                    ));
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
        } else if let Some(content) = self
            .sel
            .loaded
            .get(&op.at.push("requestBody").push("content"))
        {
            if content.as_object().is_some_and(|m| !m.is_empty()) {
                self.errors.push(Error::unsupported(
                    &op.at.push("requestBody"),
                    "a request body that is not form-encoded",
                ));
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
            Returns::List { .. } => Ty::List(Box::new(Ty::Named(resource.clone()))),
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
        let structs: BTreeMap<String, Struct> = self
            .items
            .values()
            .flatten()
            .filter_map(|(_, it)| match it {
                Item::Struct(s) => Some((s.name.rust().to_owned(), s.clone())),
                _ => None,
            })
            .collect();
        let enums: BTreeMap<String, Vec<VariantName>> = self
            .items
            .values()
            .flatten()
            .filter_map(|(_, it)| match it {
                Item::Enum(e) => Some((e.name.rust().to_owned(), e.variants.clone())),
                _ => None,
            })
            .collect();
        let Some(res_struct) = structs.get(resource.name.rust()) else {
            return;
        };
        let mut replace: BTreeMap<TypeName, TypeRef> = BTreeMap::new();
        pair_enums(
            fields,
            &res_struct.fields,
            &structs,
            &enums,
            &mut replace,
            0,
        );
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
fn pair_enums(
    params: &[Field],
    resource: &[Field],
    structs: &BTreeMap<String, Struct>,
    enums: &BTreeMap<String, Vec<VariantName>>,
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
        match (enums.get(p.name.rust()), enums.get(r.name.rust())) {
            (Some(pv), Some(rv)) if pv == rv && p != r => {
                replace.insert(p.name.clone(), r.clone());
            }
            (None, None) => {
                if let (Some(ps), Some(rs)) =
                    (structs.get(p.name.rust()), structs.get(r.name.rust()))
                {
                    if ps.role == Role::Params {
                        pair_enums(&ps.fields, &rs.fields, structs, enums, replace, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }
}

fn enum_of(ty: &Ty) -> Option<&TypeRef> {
    match ty {
        Ty::Named(t) => Some(t),
        Ty::Vec(inner) => enum_of(inner),
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
        Ty::Vec(inner) | Ty::Map(inner) | Ty::List(inner) | Ty::Boxed(inner) => {
            replace_named(inner, map)
        }
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

/// Fields that lead back to their own struct without passing through a `Vec`, map, list or
/// expandable would make an infinitely sized type: they are boxed.
fn box_recursive(modules: &mut [Module]) {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for m in modules.iter() {
        for it in &m.items {
            if let Item::Struct(s) = it {
                let set = edges.entry(s.name.rust().to_owned()).or_default();
                for f in &s.fields {
                    if let Ty::Named(t) = &f.ty {
                        set.insert(t.name.rust().to_owned());
                    }
                }
            }
        }
    }
    let reaches = |from: &str, to: &str| -> bool {
        let mut stack = vec![from.to_owned()];
        let mut seen = BTreeSet::new();
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n.clone()) {
                if let Some(next) = edges.get(&n) {
                    stack.extend(next.iter().cloned());
                }
            }
        }
        false
    };
    for m in modules.iter_mut() {
        for it in &mut m.items {
            if let Item::Struct(s) = it {
                let me = s.name.rust().to_owned();
                for f in &mut s.fields {
                    if let Ty::Named(t) = &f.ty {
                        if reaches(t.name.rust(), &me) {
                            f.ty = Ty::Boxed(Box::new(f.ty.clone()));
                        }
                    }
                }
            }
        }
    }
}

/// The verb of an operation, from its method and the shape of its path, so users see
/// `create`/`retrieve`, never `post_financial_connections_sessions`.
fn verb_for(method: Method, segments: &[&str], returns: &Returns, operation_id: &str) -> String {
    let last = segments.last().copied().unwrap_or_default();
    let last_is_param = last.starts_with('{');
    let params = segments.iter().filter(|s| s.starts_with('{')).count();
    match (method, returns, last_is_param, params) {
        (Method::Post, Returns::Resource, false, 0) => "create".into(),
        (Method::Get, Returns::List { search: false }, false, 0) => "list".into(),
        (Method::Get, Returns::List { search: true }, _, _) => "search".into(),
        (Method::Get, Returns::Resource, true, 1) => "retrieve".into(),
        (Method::Post, Returns::Resource, true, 1) => "update".into(),
        (Method::Delete, _, true, 1) => "delete".into(),
        // `POST /v1/x/{id}/refresh` -> `refresh`; `GET /v1/x/{id}/owners` -> `list_owners`.
        (Method::Post, _, false, 1) => last.to_owned(),
        (Method::Get, Returns::List { .. }, false, 1) => format!("list_{last}"),
        (Method::Get, _, false, 1) => format!("retrieve_{last}"),
        _ => operation_id.to_owned(),
    }
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
    fn verbs_follow_method_and_path_shape() {
        let seg = |p: &'static str| p.trim_start_matches('/').split('/').collect::<Vec<_>>();
        let r = Returns::Resource;
        let l = Returns::List { search: false };
        assert_eq!(
            verb_for(Method::Post, &seg("/v1/fc/sessions"), &r, "X"),
            "create"
        );
        assert_eq!(
            verb_for(Method::Get, &seg("/v1/fc/sessions/{session}"), &r, "X"),
            "retrieve"
        );
        assert_eq!(
            verb_for(Method::Post, &seg("/v1/fc/accounts/{account}"), &r, "X"),
            "update"
        );
        assert_eq!(
            verb_for(Method::Get, &seg("/v1/fc/accounts"), &l, "X"),
            "list"
        );
        assert_eq!(
            verb_for(
                Method::Post,
                &seg("/v1/fc/accounts/{account}/refresh"),
                &r,
                "X"
            ),
            "refresh"
        );
        assert_eq!(
            verb_for(
                Method::Get,
                &seg("/v1/fc/accounts/{account}/owners"),
                &l,
                "X"
            ),
            "list_owners"
        );
        assert_eq!(
            verb_for(Method::Get, &seg("/v1/x/{a}/y/{b}"), &r, "GetXAYB"),
            "GetXAYB"
        );
    }
}
