//! String enums: variants sorted by wire value with a catch-all for values newer than the spec,
//! and the reuse of a resource's enum by the parameters that set the same field.

use std::collections::BTreeMap;

use crate::error::Pointer;
use crate::naming::{self, ModName, TypeName};

use super::ir::{Doc, Field, Item, StringEnum, Ty, TypeRef};
use super::{name_error, Lower};

impl Lower<'_> {
    /// The enum `name` of `values`, documented with `doc`; `""` is never a variant (it is how
    /// Stripe clears a field). Values are sorted and deduplicated, and values that map to one
    /// Rust name get numbered suffixes (a warning says which).
    pub(super) fn make_enum(
        &mut self,
        name: TypeName,
        values: &[Option<String>],
        doc: Doc,
        at: &Pointer,
    ) -> StringEnum {
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
        StringEnum {
            name,
            doc,
            variants,
            unknown,
            at: at.clone(),
        }
    }

    /// A parameter enum with the same values as the resource's field at the same place (by
    /// wire names, nested objects included) is the same type: users pass back what they read.
    /// The params-only enum is dropped.
    pub(super) fn reuse_resource_enums(
        &mut self,
        fields: &mut [Field],
        resource: &TypeRef,
        module: &ModName,
    ) {
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
                    if s.role.is_params() {
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
            self.require(module, &target.module);
        }
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
            (Some(Item::Struct(ps)), Some(Item::Struct(rs))) if ps.role.is_params() => {
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
        other => {
            if let Some(inner) = other.inner_mut() {
                replace_named(inner, map);
            }
        }
    }
}
