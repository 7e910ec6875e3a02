//! The IR types. They record decisions, not syntax, and own their vocabulary: nothing here
//! comes from load or select, so emit and the change report depend on this module only.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

// Part of the model's vocabulary: the model carries the config entries that were ignored
// through to emit's output and the change report.
pub use crate::config::ConfigWarning;
use crate::error::Pointer;
use crate::naming::{FieldName, FnName, ModName, TypeName, VariantName};

/// The spec a model was generated from, for headers and the change report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    /// `info.version`, Stripe's API version.
    pub api_version: String,
    /// The pinned sha256 of the spec.
    pub sha256: String,
}

/// The whole generated API.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    /// Version and hash of the spec, for headers.
    pub spec: Spec,
    /// Modules, sorted by name.
    pub modules: Vec<Module>,
    /// Naming decisions worth telling the user about (collisions renamed).
    pub warnings: Vec<String>,
    /// Typed webhook events, when the selection has the `event` resource (see [`events`](super::events)).
    pub events: Option<Events>,
    /// The objects thin events are about, when the selection has `v2.core.event`.
    pub thin_events: Option<ThinEvents>,
    /// What became of every operation of the spec.
    pub coverage: Coverage,
    /// Entries of `spec/select.yaml` that match nothing in this spec and were ignored (see
    /// [`stale`](crate::stale)), sorted.
    pub config_warnings: Vec<ConfigWarning>,
    /// The codes of v2 errors, whatever is selected: the runtime's `rt::v2::ErrorCode` (see
    /// [`pinned`](crate::pinned)).
    pub v2_error_codes: StringEnum,
    /// The crates the modules are generated into (see [`crates`](super::crates)).
    pub crates: Crates,
    /// The crate users depend on, which names the generated crates and finds the runtime.
    pub package: crate::package::Package,
}

/// What became of every operation (`get`, `post`, `delete`) of the spec: generated, or not
/// and why. Nothing is dropped without a line here.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    /// The generated operations, sorted.
    pub generated: Vec<OperationKey>,
    /// The operations not generated, sorted by path and method.
    pub not_generated: Vec<NotGenerated>,
}

impl Coverage {
    /// How many operations whose path starts with `prefix` are generated, and how many there are.
    pub fn count(&self, prefix: &str) -> (usize, usize) {
        let generated = self
            .generated
            .iter()
            .filter(|k| k.path.starts_with(prefix))
            .count();
        let left = self
            .not_generated
            .iter()
            .filter(|n| n.key.path.starts_with(prefix))
            .count();
        (generated, generated + left)
    }
}

/// An operation by method and path template.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct OperationKey {
    /// The path template, e.g. `/v1/customers/{customer}`.
    pub path: String,
    /// The method.
    pub method: Method,
}

impl OperationKey {
    /// The operation `method path`.
    pub fn new(method: Method, path: &str) -> OperationKey {
        OperationKey {
            path: path.to_owned(),
            method,
        }
    }
}

impl std::fmt::Display for OperationKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method.http(), self.path)
    }
}

/// An operation of the spec that is not generated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotGenerated {
    /// Which.
    pub key: OperationKey,
    /// Its `operationId`.
    pub operation_id: String,
    /// Why.
    pub reason: Reason,
}

/// Why an operation is not generated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// A legacy alias of the operation at path `of`: the same verb and parameters.
    Alias {
        /// The path of the operation that is generated instead.
        of: String,
    },
    /// `skip_operations` in spec/select.yaml lists it.
    Skipped,
    /// Its resource is not selected.
    NotSelected {
        /// The resource's `x-resourceId`.
        resource: String,
    },
    /// It is of no selected resource and cannot be generated: why.
    Unsupported(String),
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::Alias { of } => {
                write!(f, "a legacy alias of `{of}` (same verb and parameters)")
            }
            Reason::Skipped => write!(f, "listed in skip_operations"),
            Reason::NotSelected { resource } => {
                write!(f, "its resource `{resource}` is not selected")
            }
            Reason::Unsupported(why) => write!(f, "{why}"),
        }
    }
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
    /// Items emitted as an alias of another item of this module with the same shape (see
    /// the model's `dedup` step): alias -> the type it stands for.
    pub aliases: BTreeMap<TypeName, TypeName>,
    /// The resource is a session of a meter event stream (`rt::v2::StreamSession`): its type
    /// has the session's token and expiry, and the stream's `create` and `stream_events`.
    pub stream_session: Option<StreamSession>,
}

/// What a meter event stream needs of its session resource (see [`Module::stream_session`]).
#[derive(Clone, Debug, PartialEq)]
pub struct StreamSession {
    /// The parameters of `create`, which makes a session.
    pub create_params: TypeName,
    /// The parameters of `stream_events`, a batch of events.
    pub batch_params: TypeName,
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

    /// The type's documentation.
    pub fn doc(&self) -> &Doc {
        static NONE: Doc = Doc(None);
        match self {
            Item::Struct(s) => &s.doc,
            Item::Enum(e) => &e.doc,
            Item::Id(_) => &NONE,
            Item::Union(u) => &u.doc,
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
    /// Request parameters, form-encoded (v1) or in a v2 query string.
    Params,
    /// Request parameters written as a JSON body (v2).
    JsonParams,
}

impl Role {
    /// Whether the struct holds request parameters (encoded, never decoded).
    pub fn is_params(self) -> bool {
        matches!(self, Role::Params | Role::JsonParams)
    }
}

/// The field of every response struct that keeps the keys the spec does not list, so a spec
/// field may not take its name.
pub const EXTRA_FIELD: &str = "extra";

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

/// Absent and `null` are different states and are never collapsed. Serialized (in `api.json`)
/// as `required`, `nullable`, `optional` or `optional_nullable`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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

impl Presence {
    /// From the schema's two facts: listed in `required`, and `nullable`.
    pub fn new(required: bool, nullable: bool) -> Presence {
        match (required, nullable) {
            (true, false) => Presence::Required,
            (true, true) => Presence::Nullable,
            (false, false) => Presence::Optional,
            (false, true) => Presence::OptionalNullable,
        }
    }

    /// The word the change report uses.
    pub fn word(self) -> &'static str {
        match self {
            Presence::Required => "required",
            Presence::Nullable => "nullable",
            Presence::Optional => "optional",
            Presence::OptionalNullable => "optional_nullable",
        }
    }
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
    /// A number (`type: number`): `rt::Number`, not `f64`, so `19` encodes back as `19`.
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
    /// A file to upload (`format: binary` in a multipart body): `rt::FileUpload`.
    File,
    /// A binary response body (a PDF), returned as sent: `rt::Bytes`.
    Bytes,
    /// A v2 timestamp (`format: date-time`), kept as sent: `rt::DateTime`.
    DateTime,
    /// A v2 decimal string (`format: decimal`), kept as sent: `rt::Decimal`.
    Decimal,
    /// A v2 list, paged by `next_page_url`: `rt::v2::List<T>`.
    V2List(Box<Ty>),
    /// v2's deleted object (`{id, object}`): `rt::v2::Deleted`.
    V2Deleted,
    /// A value that may be `null` where presence does not apply (a map's values: v2 removes a
    /// metadata key sent as `null`): `Option<T>`.
    Nullable(Box<Ty>),
}

impl Ty {
    /// The type a wrapper holds (`Vec<T>`, `Option<T>`, a list, a box...), if this is one.
    pub fn inner(&self) -> Option<&Ty> {
        match self {
            Ty::Vec(i)
            | Ty::Map(i)
            | Ty::List(i)
            | Ty::Search(i)
            | Ty::Boxed(i)
            | Ty::Clearable(i)
            | Ty::V2List(i)
            | Ty::Nullable(i) => Some(i),
            _ => None,
        }
    }

    /// [`Ty::inner`], mutably.
    pub fn inner_mut(&mut self) -> Option<&mut Ty> {
        match self {
            Ty::Vec(i)
            | Ty::Map(i)
            | Ty::List(i)
            | Ty::Search(i)
            | Ty::Boxed(i)
            | Ty::Clearable(i)
            | Ty::V2List(i)
            | Ty::Nullable(i) => Some(i),
            _ => None,
        }
    }

    /// Adds the generated types this type names to `out` (an expandable field names its
    /// target when it is typed).
    pub fn named(&self, out: &mut BTreeSet<TypeRef>) {
        match self {
            Ty::Named(r) | Ty::Expandable(Some(r)) => {
                out.insert(r.clone());
            }
            other => {
                if let Some(i) = other.inner() {
                    i.named(out);
                }
            }
        }
    }
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

/// A union of several shapes. How a value finds its member is [`Union::tag`], decided when the
/// union is made; in responses a catch-all keeps anything else as JSON.
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
    /// How its members are told apart.
    pub tag: UnionTag,
    /// Where it comes from.
    pub at: Pointer,
}

/// How a union's members are told apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnionTag {
    /// Request parameters: encoded as whichever member is set, never decoded.
    Encoded,
    /// A response: its members are told apart as the [`Tagging`] says.
    Decoded(Tagging),
    /// A response with deleted members (`CustomerOrDeleted`). Stripe's deleted objects carry
    /// the live one's `object` value, so `deleted: true` is read first, then the deleted
    /// members or the live ones are told apart.
    DeletedFirst {
        /// How the members with `deleted: true` are told apart.
        deleted: Tagging,
        /// How the others are.
        live: Tagging,
    },
}

/// How one group of a response union's members is told apart. A value that fits none is kept
/// as JSON in the union's catch-all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tagging {
    /// No member: the value is kept as JSON.
    Unknown,
    /// One member: the value is decoded as it, so a failure says where.
    Only(VariantName),
    /// By the value of the `object` key: `(value, variant)`, in member order.
    Object(Vec<(String, VariantName)>),
    /// The first member that decodes, in this order (serde's `untagged`).
    FirstThatDecodes(Vec<VariantName>),
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
    /// Whether the member is a deleted object (`deleted: true`). Stripe's deleted objects carry
    /// the live one's `object` value, so a union with deleted members is first told apart by
    /// `deleted`, then by `object`.
    pub deleted: bool,
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
    /// The success type; [`Ty::Bytes`] for a binary response.
    pub returns: Ty,
    /// The operation's own server (`servers` of the operation or its path), such as
    /// `https://files.stripe.com`, without a trailing `/`; `None` for the API's.
    pub server: Option<String>,
    /// Spec description.
    pub doc: Doc,
    /// `operationId`.
    pub operation_id: String,
    /// Where it comes from.
    pub at: Pointer,
}

/// An operation's HTTP method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    /// `GET`: parameters in the query string.
    Get,
    /// `POST`: parameters form-encoded in the body.
    Post,
    /// `DELETE`: parameters in the query string (or, for a few, the body).
    Delete,
}

impl Method {
    /// The method as HTTP writes it: `GET`, `POST`, `DELETE`.
    pub fn http(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
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
    /// A `multipart/form-data` body (file uploads).
    Multipart,
    /// A JSON body (v2).
    Json,
}

/// Typed webhook events: what emit needs to decode `Event.data.object` by the event's `type`.
#[derive(Clone, Debug, PartialEq)]
pub struct Events {
    /// The module of `Event`, `EventType` and `EventObject` (the `event` resource's).
    pub module: ModName,
    /// `Event`, whose decoding types its `data.object` once its `type` is read.
    pub event: TypeName,
    /// `Event`'s `type` field.
    pub type_field: FieldName,
    /// `Event`'s `data` field.
    pub data_field: FieldName,
    /// The struct of `data` (in [`Events::module`]), decoded with the event's type.
    pub data_struct: TypeName,
    /// The `object` field of the `data` struct.
    pub object_field: FieldName,
    /// The enum of event types (an [`Item::Enum`] of [`Events::module`]).
    pub type_enum: TypeName,
    /// The typed object enum (emitted from this IR).
    pub object_enum: TypeName,
    /// Every event type of the spec, sorted by wire name.
    pub types: Vec<EventKind>,
    /// The typed variants of the object enum, sorted by name: one per selected resource that
    /// some event type is about.
    pub objects: Vec<ObjectVariant>,
}

/// What a thin event (`v2.core.event`) is about: its `related_object`, fetched by its URL,
/// decoded by the fetched object's own `object` value. Thin events name no schema, so every
/// selected resource may be one.
#[derive(Clone, Debug, PartialEq)]
pub struct ThinEvents {
    /// The module of `v2.core.event`, which holds the enum.
    pub module: ModName,
    /// The enum of related objects (emitted from this IR).
    pub object_enum: TypeName,
    /// Its typed variants, sorted by name: one per selected resource (but events); the wire
    /// name is the resource's `object` value.
    pub objects: Vec<ObjectVariant>,
}

/// One event type.
#[derive(Clone, Debug, PartialEq)]
pub struct EventKind {
    /// Its variant of the event-type enum; the wire name is the event type.
    pub name: VariantName,
    /// The `x-resourceId` of its object, when known.
    pub resource: Option<String>,
    /// The object enum's variant that holds its object, when that resource is selected.
    pub object: Option<VariantName>,
}

/// A typed variant of the object enum.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectVariant {
    /// Variant name; the wire name is the `x-resourceId`.
    pub name: VariantName,
    /// The resource's generated type; its module is also the feature that enables it.
    pub ty: TypeRef,
    /// Whether the variant holds it in a `Box`.
    pub boxed: bool,
}

/// How the generated code is split into crates that build in parallel (see
/// [`crates`](super::crates)): the crates in build order, and where every type is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Crates {
    /// The crates, in build order: each depends only on crates before it.
    pub crates: Vec<Crate>,
    /// The crate (index into `crates`) of every type of every module, and of the event object
    /// enums; a module's `rt::HasId` impls are with the type they are on.
    pub place: BTreeMap<TypeRef, Place>,
    /// Where each module's operations are: in the crate of the type they are on, compiled
    /// with the module's resource.
    pub ops: BTreeMap<ModName, Place>,
}

impl Crates {
    /// Where `r` is, if it is generated.
    pub fn of(&self, r: &TypeRef) -> Option<&Place> {
        self.place.get(r)
    }
}

/// One generated crate.
#[derive(Clone, Debug, PartialEq)]
pub struct Crate {
    /// Its directory under `crates/` and the suffix of its package name (`stripe-typed-base`).
    pub name: String,
    /// What it holds.
    pub kind: CrateKind,
    /// The crates whose types its code names, by index into [`Crates::crates`].
    pub deps: BTreeSet<usize>,
    /// The resources (module names) that reach something in it: one Cargo feature each.
    pub features: BTreeSet<ModName>,
    /// Features that only add to the crate when another of its features has turned it on:
    /// the resources an event can be about, in `events`.
    pub follows: BTreeSet<ModName>,
    /// Gate features of types reached by several resources: name -> the resources whose
    /// features turn it on.
    pub gates: BTreeMap<String, BTreeSet<ModName>>,
}

/// What a generated crate holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CrateKind {
    /// Types several resources reach that reach no resource with operations: enums, ids,
    /// shared parameters and the objects nested in them.
    Base,
    /// What one resource alone reaches: all of it, or (when other resources reach its type,
    /// which then lives in `Shared`) what its operations take.
    Resource,
    /// Types several resources reach that reach a resource with operations, with those
    /// resources' operations.
    Shared,
    /// The event object enums (`EventObject`, `ThinEventObject`), which name every resource,
    /// and the types that hold them.
    Events,
}

/// Where a type is generated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    /// Index into [`Crates::crates`].
    pub krate: usize,
    /// The feature of that crate it is compiled under, when the crate holds more than it.
    pub gate: Option<String>,
}
