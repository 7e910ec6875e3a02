//! Unions (`anyOf`/`oneOf`): expandable references, clearable parameters, one real member, or
//! an enum of members, with how its members are told apart ([`UnionTag`]).

use std::collections::BTreeMap;

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};
use serde_json::Value;

use crate::error::{Error, Pointer};
use crate::load::Loaded;
use crate::naming::{self, TypeName, VariantName};
use crate::select::resolve_chain;

use super::ir::{Doc, Item, Role, Tagging, Ty, TypeRef, Union, UnionMember, UnionTag};
use super::{doc, name_error, Lower, Scope};

/// The keyword a union schema uses, for pointers into it.
fn keyword(s: &Schema) -> &'static str {
    if matches!(s.schema_kind, SchemaKind::OneOf { .. }) {
        "oneOf"
    } else {
        "anyOf"
    }
}

impl Lower<'_> {
    /// An inline `anyOf`/`oneOf`.
    pub(super) fn lower_union(
        &mut self,
        members: &[ReferenceOr<Schema>],
        s: &Schema,
        at: &Pointer,
        hint: &TypeName,
        scope: Scope<'_>,
    ) -> Ty {
        if s.schema_data
            .extensions
            .contains_key("x-expansionResources")
        {
            return self.lower_expandable(members, keyword(s), at, scope);
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
            [(i, member)] => {
                let member_at = at.push(keyword(s)).push(&i.to_string());
                match member {
                    ReferenceOr::Reference { reference } => {
                        self.lower_ref(reference, &member_at, scope)
                    }
                    ReferenceOr::Item(inner) => self.lower_schema(inner, &member_at, hint, scope),
                }
            }
            [] => {
                let key = keyword(s);
                self.errors
                    .push(Error::unsupported(at, format!("{key} with no members")));
                Ty::Json
            }
            _ => self.make_union(&real, s, at, hint, scope),
        };
        if clearable && scope.role == Role::Params {
            Ty::Clearable(Box::new(ty))
        } else {
            ty
        }
    }

    /// `anyOf [string, $ref]` with `x-expansionResources`: the id or the expanded object, typed
    /// when the target is a selected resource and kept as JSON otherwise.
    fn lower_expandable(
        &mut self,
        members: &[ReferenceOr<Schema>],
        key: &str,
        at: &Pointer,
        scope: Scope<'_>,
    ) -> Ty {
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
        let target = match resolve_chain(self.sel.loaded, reference, &member_at) {
            Ok(target) => target,
            Err(e) => {
                self.errors.push(e);
                return Ty::Json;
            }
        };
        if self.sel.resource_by_schema(&target).is_none() {
            return Ty::Expandable(None);
        }
        match self.names.get(&target).cloned() {
            Some(tref) => {
                self.require(scope.module, &tref.module);
                Ty::Expandable(Some(tref))
            }
            None => Ty::Expandable(None),
        }
    }

    /// An enum with one variant per member (`members` are the real ones, with their index in
    /// the schema), named `hint`.
    pub(super) fn make_union(
        &mut self,
        members: &[(usize, &ReferenceOr<Schema>)],
        s: &Schema,
        at: &Pointer,
        hint: &TypeName,
        scope: Scope<'_>,
    ) -> Ty {
        let name = self.claim_inline(hint, at);
        let mut lowered = Vec::new();
        let mut kinds_seen: BTreeMap<&'static str, usize> = BTreeMap::new();
        for (i, member) in members {
            let member_at = at.push(keyword(s)).push(&i.to_string());
            let (variant_wire, ty, (tag, deleted)) = match member {
                ReferenceOr::Reference { reference } => {
                    let ty = self.lower_ref(reference, &member_at, scope);
                    let (variant_wire, tag, deleted) = self.ref_member(reference, &member_at);
                    (variant_wire, ty, (tag, deleted))
                }
                ReferenceOr::Item(inner) => {
                    let kind = kind_name(inner, &mut kinds_seen);
                    let member_hint = match naming::nested_type(&name, &kind) {
                        Ok(h) => h,
                        Err(e) => {
                            self.errors.push(name_error(&member_at, e));
                            continue;
                        }
                    };
                    let ty = self.lower_schema(inner, &member_at, &member_hint, scope);
                    (kind, ty, (None, false))
                }
            };
            // Members are boxed: a union is as large as its largest member otherwise.
            let ty = match ty {
                Ty::Named(_) => Ty::Boxed(Box::new(ty)),
                other => other,
            };
            match naming::variant(&variant_wire) {
                Ok(name) => lowered.push(UnionMember {
                    name,
                    ty,
                    tag,
                    deleted,
                }),
                Err(e) => self.errors.push(name_error(&member_at, e)),
            }
        }
        let mut names: Vec<VariantName> = lowered.iter().map(|m| m.name.clone()).collect();
        for w in naming::dedupe_variants(&mut names) {
            self.warnings.push(format!("{at}: {w}"));
        }
        for (m, n) in lowered.iter_mut().zip(names) {
            m.name = n;
        }
        self.push_item(
            scope.module,
            scope.role,
            Item::Union(Union {
                name: name.clone(),
                doc: doc(s),
                tag: union_tag(scope.role, &lowered),
                members: lowered,
                role: scope.role,
                at: at.clone(),
            }),
        );
        scope.named(name)
    }

    /// A `$ref` member's variant name (its schema's), its constant `object` tag, if any, and
    /// whether it is a deleted object.
    fn ref_member(&self, reference: &str, member_at: &Pointer) -> (String, Option<String>, bool) {
        let target = resolve_chain(self.sel.loaded, reference, member_at).ok();
        let name = target
            .as_ref()
            .and_then(|t| t.tokens().last())
            .unwrap_or_default();
        let deleted = target
            .as_ref()
            .is_some_and(|t| is_deleted(self.sel.loaded, t, 0));
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
        (name, tag, deleted)
    }

    /// The response of an operation that returns `resource` or its deleted form at `deleted`
    /// (`GET /v1/customers/{customer}` answers a deleted customer with `deleted: true`): the
    /// union `<Resource>OrDeleted`, made once per resource, in its module.
    pub(super) fn or_deleted(
        &mut self,
        resource: &TypeRef,
        deleted: &Pointer,
        scope: Scope<'_>,
    ) -> Ty {
        if let Some(ty) = self.or_deleted.get(deleted) {
            return ty.clone();
        }
        let scope = scope.with_role(Role::Object);
        let hint = match naming::type_name(&format!("{}_or_deleted", resource.name.wire())) {
            Ok(h) => h,
            Err(e) => {
                self.errors.push(name_error(deleted, e));
                return Ty::Json;
            }
        };
        let name = self.claim_inline(&hint, deleted);
        let mut members = Vec::new();
        let live_at = self
            .names
            .iter()
            .find(|(_, t)| *t == resource)
            .map(|(p, _)| p.clone());
        for (at, ty) in [
            (live_at, Ty::Named(resource.clone())),
            (
                Some(deleted.clone()),
                self.lower_ref(&format!("#{}", deleted.as_json_pointer()), deleted, scope),
            ),
        ] {
            let Some(at) = at else {
                self.errors.push(Error::internal(
                    deleted,
                    format!("no schema for `{}`", resource.name),
                ));
                return Ty::Json;
            };
            let (wire, tag, is_deleted) =
                self.ref_member(&format!("#{}", at.as_json_pointer()), &at);
            match naming::variant(&wire) {
                Ok(variant) => members.push(UnionMember {
                    name: variant,
                    // Boxed as in every union: it is as large as its largest member otherwise.
                    ty: Ty::Boxed(Box::new(ty)),
                    tag,
                    deleted: is_deleted,
                }),
                Err(e) => self.errors.push(name_error(&at, e)),
            }
        }
        self.push_item(
            scope.module,
            scope.role,
            Item::Union(Union {
                name: name.clone(),
                doc: Doc(None),
                tag: union_tag(scope.role, &members),
                members,
                role: scope.role,
                at: deleted.clone(),
            }),
        );
        let ty = scope.named(name);
        self.or_deleted.insert(deleted.clone(), ty.clone());
        ty
    }
}

/// How a union's members are told apart. Parameters are only encoded. In responses, Stripe's
/// deleted objects carry the live one's `object` value, so when a member is deleted,
/// `deleted: true` is read first and each side is then told apart on its own.
fn union_tag(role: Role, members: &[UnionMember]) -> UnionTag {
    if role.is_params() {
        return UnionTag::Encoded;
    }
    if !members.iter().any(|m| m.deleted) {
        return UnionTag::Decoded(tagging(members.iter()));
    }
    UnionTag::DeletedFirst {
        deleted: tagging(members.iter().filter(|m| m.deleted)),
        live: tagging(members.iter().filter(|m| !m.deleted)),
    }
}

/// How one group of a response union's members is told apart: by the `object` tag when every
/// member has a distinct one (a wrong guess by shape would silently mislabel money-moving
/// objects), else the first shape that decodes. One member (a side of `X | deleted_X`) is
/// decoded as that member, so a failure says where.
fn tagging<'m>(members: impl Iterator<Item = &'m UnionMember>) -> Tagging {
    let members: Vec<&UnionMember> = members.collect();
    if let [only] = members.as_slice() {
        return Tagging::Only(only.name.clone());
    }
    if members.is_empty() {
        return Tagging::Unknown;
    }
    let tags: Vec<(String, VariantName)> = members
        .iter()
        .filter_map(|m| Some((m.tag.clone()?, m.name.clone())))
        .collect();
    let distinct: std::collections::BTreeSet<&str> =
        tags.iter().map(|(tag, _)| tag.as_str()).collect();
    if tags.len() == members.len() && distinct.len() == tags.len() {
        Tagging::Object(tags)
    } else {
        Tagging::FirstThatDecodes(members.iter().map(|m| m.name.clone()).collect())
    }
}

/// Whether the schema at `at` is a deleted object: `deleted: enum [true]`, or a union whose
/// members all are (`deleted_payment_source`). `depth` stops a union that contains itself.
fn is_deleted(loaded: &Loaded, at: &Pointer, depth: usize) -> bool {
    let Some(schema) = loaded.get(at) else {
        return false;
    };
    let flag = schema
        .pointer("/properties/deleted/enum")
        .and_then(Value::as_array)
        .is_some_and(|e| e.as_slice() == [Value::Bool(true)]);
    if flag || depth > 4 {
        return flag;
    }
    let members = ["anyOf", "oneOf"]
        .iter()
        .find_map(|k| schema.get(k).and_then(Value::as_array).map(|m| (k, m)));
    members.is_some_and(|(key, members)| {
        !members.is_empty()
            && members.iter().enumerate().all(|(i, m)| {
                let member_at = at.push(key).push(&i.to_string());
                m.get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| resolve_chain(loaded, r, &member_at).ok())
                    .is_some_and(|t| is_deleted(loaded, &t, depth + 1))
            })
    })
}

/// An inline member's variant name, after its kind. Two inline objects in one union
/// (`mandate_data`) become `Object`, `Object2`.
fn kind_name(member: &Schema, seen: &mut BTreeMap<&'static str, usize>) -> String {
    let kind = match &member.schema_kind {
        SchemaKind::Type(Type::String(_)) => "string",
        SchemaKind::Type(Type::Integer(_)) => "int",
        SchemaKind::Type(Type::Number(_)) => "number",
        SchemaKind::Type(Type::Boolean(_)) => "bool",
        SchemaKind::Type(Type::Array(_)) => "list",
        SchemaKind::Type(Type::Object(_)) => "object",
        _ => "value",
    };
    let count = seen.entry(kind).or_default();
    *count += 1;
    if *count == 1 {
        kind.to_owned()
    } else {
        format!("{kind}{count}")
    }
}

fn is_empty_string_enum(m: &ReferenceOr<Schema>) -> bool {
    matches!(m, ReferenceOr::Item(s) if matches!(&s.schema_kind, SchemaKind::Type(Type::String(st)) if st.enumeration == [Some(String::new())]))
}
