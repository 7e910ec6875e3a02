//! Unions (`anyOf`/`oneOf`): expandable references, clearable parameters, one real member, or
//! an enum of members.

use std::collections::BTreeMap;

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};
use serde_json::Value;

use crate::error::{Error, Pointer};
use crate::naming::{self, TypeName, VariantName};
use crate::select::resolve_chain;

use super::ir::{Item, Role, Ty, Union, UnionMember};
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
            let (variant_wire, ty, tag) = match member {
                ReferenceOr::Reference { reference } => {
                    let ty = self.lower_ref(reference, &member_at, scope);
                    let (variant_wire, tag) = self.ref_member(reference, &member_at);
                    (variant_wire, ty, tag)
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
                    (kind, ty, None)
                }
            };
            // Members are boxed: a union is as large as its largest member otherwise.
            let ty = match ty {
                Ty::Named(_) => Ty::Boxed(Box::new(ty)),
                other => other,
            };
            match naming::variant(&variant_wire) {
                Ok(name) => lowered.push(UnionMember { name, ty, tag }),
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
                members: lowered,
                role: scope.role,
                at: at.clone(),
            }),
        );
        scope.named(name)
    }

    /// A `$ref` member's variant name (its schema's) and its constant `object` tag, if any.
    fn ref_member(&self, reference: &str, member_at: &Pointer) -> (String, Option<String>) {
        let target = resolve_chain(self.sel.loaded, reference, member_at).ok();
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
        (name, tag)
    }
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
