//! A small, machine-readable summary of the generated API (`generated/api.json`), and the
//! change report between two summaries, used to review a spec bump.
//!
//! The summary is a pure function of the [`Model`]: one entry per type, field, enum value and
//! operation, keyed by the Rust names users write, with every map sorted, so it is
//! deterministic and diffs well. It is committed next to the generated crate, so a report
//! needs no second copy of the spec: [`diff`] compares the committed summary with the one the
//! new spec produces.
//!
//! # What counts as breaking
//!
//! "Breaking" means: code that compiled against the old generated crate may not compile, or
//! may stop matching, against the new one.
//!
//! - Removing a type, a field, a parameter, an enum value or an operation is breaking.
//! - Changing a field's or parameter's Rust type is breaking. This includes presence changes
//!   that change the wrapper, e.g. `Required` -> `Nullable` in a response turns `T` into
//!   `Option<T>`. A presence change that keeps the Rust type (`Nullable` <-> `Optional`, both
//!   `Option<T>`) only changes serde attributes and is not breaking.
//! - Adding a REQUIRED request parameter is breaking: it becomes an argument of the
//!   parameters' `new`. So is an optional parameter becoming required, or the reverse (the
//!   argument disappears and the field type changes).
//! - Adding an optional request parameter is not breaking: parameter structs are
//!   `#[non_exhaustive]` and built with `new`.
//! - Adding a response field is reported as not breaking, with a caveat: response structs are
//!   NOT `#[non_exhaustive]` (users may build them in tests), so a struct literal naming every
//!   field stops compiling. Decoding, field access and pattern matching with `..` are
//!   unaffected, which is how these types are meant to be used, so we do not count it.
//! - Adding an enum value is not breaking: enums are `#[non_exhaustive]` and already decoded
//!   the new value into their catch-all variant. Renaming the catch-all variant is breaking.
//! - Type identity: types of one module with the same shape are one type, the others
//!   aliases of it (`pub type A = B;`), recorded as `alias_of`. Two types becoming one (a merge)
//!   is breaking: code that implemented one trait for both (`impl From<A> for Mine` next to
//!   `impl From<B> for Mine`) now has conflicting impls. One type becoming two (a split) is
//!   breaking: code that passed an `A` where a `B` is expected no longer compiles. Which name
//!   an alias names, while its group stays the same, is not reported (see `summary/aliases.rs`).
//! - Adding a type or an operation is not breaking. Changing an operation's arguments,
//!   parameters type or return type is breaking; a changed HTTP path or method alone is not
//!   (the Rust signature is the same), but is reported.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::emit::types;
use crate::model::{Field, Item, Model, Operation, PathPart, Presence, Role, Ty};

mod aliases;
mod diff;
mod events;
mod report;

pub use diff::{diff, Change, Report};
pub use events::EventSummary;

/// The generated API in brief. Serialized with [`Summary::to_json`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Stripe API version of the spec.
    pub api_version: String,
    /// Hash of the spec it was generated from.
    pub sha256: String,
    /// Types by Rust name (unique across modules).
    pub types: BTreeMap<String, TypeSummary>,
    /// Operations, keyed `Type::function`.
    pub ops: BTreeMap<String, OpSummary>,
    /// Webhook event types by wire name (the event-type enum is listed here, not in `types`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub events: BTreeMap<String, EventSummary>,
    /// Whether `alias_of` is recorded. Summaries written before it was (a base branch's) lack
    /// this key; comparing one with a newer summary would read every alias as a merge, so type
    /// identity is only compared when both record it.
    #[serde(default)]
    pub records_aliases: bool,
}

/// What kind of type a summary entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A selected resource object.
    Resource,
    /// A response object.
    Object,
    /// Request parameters.
    Params,
    /// A string enum.
    Enum,
    /// A resource's typed id.
    Id,
}

impl Kind {
    fn is_params(self) -> bool {
        self == Kind::Params
    }

    fn word(self) -> &'static str {
        match self {
            Kind::Resource => "resource",
            Kind::Object => "object",
            Kind::Params => "parameters",
            Kind::Enum => "enum",
            Kind::Id => "id",
        }
    }
}

/// One type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeSummary {
    /// Module (and feature) that defines it.
    pub module: String,
    /// What it is.
    pub kind: Kind,
    /// Struct fields by Rust name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, FieldSummary>,
    /// Enum values: wire value -> Rust variant.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub variants: BTreeMap<String, String>,
    /// The enum's catch-all variant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unknown: Option<String>,
    /// The resource an id type identifies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<String>,
    /// The type this one is an alias of (`pub type Name = AliasOf;`): a type of the same
    /// module with the same shape, so the two are one type to the compiler.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias_of: Option<String>,
}

/// One struct field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldSummary {
    /// The full Rust type, presence wrapper included, e.g. `Option<Vec<String>>`.
    #[serde(rename = "type")]
    pub ty: String,
    /// `required`, `nullable`, `optional` or `optional_nullable`.
    pub presence: Presence,
    /// The wire name, when it differs from the Rust name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wire: Option<String>,
}

/// One request function.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpSummary {
    /// Module that defines it.
    pub module: String,
    /// HTTP method and path template, e.g. `GET /v1/x/{x}`.
    pub http: String,
    /// The function's arguments, e.g. `session: &FinancialConnectionsSessionId`.
    pub args: Vec<String>,
    /// What the request decodes to.
    pub returns: String,
}

impl Summary {
    /// Stable pretty JSON: sorted keys, two-space indent, one trailing newline.
    pub fn to_json(&self) -> String {
        // Through `Value`, whose maps are sorted, so struct fields are sorted too. Serializing
        // plain strings and maps cannot fail; fall back to an empty object rather than panic.
        let mut s = serde_json::to_value(self)
            .and_then(|v| serde_json::to_string_pretty(&v))
            .unwrap_or_else(|_| "{}".to_owned());
        s.push('\n');
        s
    }

    /// Parses a summary written by [`Summary::to_json`].
    pub fn from_json(text: &str) -> Result<Summary, serde_json::Error> {
        serde_json::from_str(text)
    }
}

/// A type as users write it, rendered by emit's renderer.
fn type_text(t: &Ty) -> String {
    types::text(&types::rust_type(t))
}

fn field_summary(f: &Field) -> FieldSummary {
    FieldSummary {
        ty: types::text(&types::field_type(&f.ty, f.presence)),
        presence: f.presence,
        wire: (f.name.rust() != f.name.wire()).then(|| f.name.wire().to_owned()),
    }
}

fn op_summary(module: &str, op: &Operation) -> OpSummary {
    let mut path = String::new();
    for part in &op.path {
        match part {
            PathPart::Lit(l) => path.push_str(l),
            PathPart::Param(p) => {
                let _ = write!(path, "{{{}}}", p.wire());
            }
        }
    }
    let mut args: Vec<String> = op
        .path_params
        .iter()
        .map(|p| format!("{}: {}", p.name, types::text(&types::path_arg_type(p))))
        .collect();
    args.push(format!("params: &{}", op.params));
    OpSummary {
        module: module.to_owned(),
        http: format!("{} {path}", op.method.http()),
        args,
        returns: type_text(&op.returns),
    }
}

/// Summarizes the generated API of `model`.
pub fn summarize(model: &Model) -> Summary {
    let mut types = BTreeMap::new();
    let mut ops = BTreeMap::new();
    let event_types = model.events.as_ref().map(|e| &e.type_enum);
    for m in &model.modules {
        let module = m.name.rust().to_owned();
        for item in &m.items {
            if event_types == Some(item.name()) {
                continue; // In `events`, with each type's object.
            }
            let entry = match item {
                Item::Struct(s) => TypeSummary {
                    module: module.clone(),
                    kind: match s.role {
                        Role::Resource => Kind::Resource,
                        Role::Object => Kind::Object,
                        Role::Params | Role::JsonParams => Kind::Params,
                    },
                    fields: s
                        .fields
                        .iter()
                        .map(|f| (f.name.rust().to_owned(), field_summary(f)))
                        .collect(),
                    variants: BTreeMap::new(),
                    unknown: None,
                    of: None,
                    alias_of: None,
                },
                Item::Enum(e) => TypeSummary {
                    module: module.clone(),
                    kind: Kind::Enum,
                    fields: BTreeMap::new(),
                    variants: e
                        .variants
                        .iter()
                        .map(|v| (v.wire().to_owned(), v.rust().to_owned()))
                        .collect(),
                    unknown: Some(e.unknown.rust().to_owned()),
                    of: None,
                    alias_of: None,
                },
                Item::Id(id) => TypeSummary {
                    module: module.clone(),
                    kind: Kind::Id,
                    fields: BTreeMap::new(),
                    variants: BTreeMap::new(),
                    unknown: None,
                    of: Some(id.resource.rust().to_owned()),
                    alias_of: None,
                },
                // A union's members are listed like an enum's variants, with their types.
                Item::Union(u) => TypeSummary {
                    module: module.clone(),
                    kind: Kind::Enum,
                    fields: BTreeMap::new(),
                    variants: u
                        .members
                        .iter()
                        .map(|m| (m.name.rust().to_owned(), type_text(&m.ty)))
                        .collect(),
                    unknown: (!u.role.is_params()).then(|| "Unknown".to_owned()),
                    of: None,
                    alias_of: None,
                },
            };
            let entry = TypeSummary {
                alias_of: m.aliases.get(item.name()).map(|k| k.rust().to_owned()),
                ..entry
            };
            types.insert(item.name().rust().to_owned(), entry);
        }
        for op in &m.ops {
            ops.insert(format!("{}::{}", op.on, op.name), op_summary(&module, op));
        }
    }
    Summary {
        records_aliases: true,
        api_version: model.spec.api_version.clone(),
        sha256: model.spec.sha256.clone(),
        types,
        ops,
        events: events::summarize(model),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trips_and_ends_in_one_newline() {
        let field = FieldSummary {
            ty: "bool".into(),
            presence: Presence::Required,
            wire: None,
        };
        let s = Summary {
            api_version: "v".into(),
            sha256: "0123456789abcdef".into(),
            types: BTreeMap::from([(
                "S".to_owned(),
                TypeSummary {
                    module: "m".into(),
                    kind: Kind::Object,
                    fields: BTreeMap::from([("a".to_owned(), field)]),
                    variants: BTreeMap::new(),
                    unknown: None,
                    of: None,
                    alias_of: None,
                },
            )]),
            ops: BTreeMap::new(),
            events: BTreeMap::new(),
            records_aliases: true,
        };
        let text = s.to_json();
        assert!(text.ends_with("}\n") && !text.ends_with("\n\n"));
        assert_eq!(Summary::from_json(&text).unwrap(), s);
    }
}
