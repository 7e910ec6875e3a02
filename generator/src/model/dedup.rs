//! Types of one module with the same shape are one type; the others are aliases of it.
//!
//! Stripe's spec repeats shapes: the billing selection had 679 string enums with 253 distinct
//! value sets per module (`setup_future_usage: none` alone 96 times), and many parameter
//! structs that differ only in name. Each copy is a full type with its derives and trait impls,
//! and the compiler checks and builds every one. An alias (`pub type A = B;`) keeps the name
//! users find in the docs and costs nothing to build. Only types of one module are merged, so
//! no module needs another's feature for it.
//!
//! Shapes are compared by what the generated code depends on (wire names, types, presence,
//! roles, union tags), not by documentation. Two structs whose fields name equal types are
//! equal too, so the comparison repeats until nothing more merges. Resource structs keep
//! their own type: operations hang off them.

use std::collections::BTreeMap;

use crate::naming::{ModName, TypeName};

use super::ir::{Item, Module, Role, Ty};

/// Sets each module's `aliases`.
pub(super) fn alias_duplicates(modules: &mut [Module]) {
    for m in modules {
        m.aliases = module_aliases(m);
    }
}

/// Alias -> the type it stands for. The type kept is the group's shortest name (then the
/// first by name), so the choice does not depend on item order.
fn module_aliases(m: &Module) -> BTreeMap<TypeName, TypeName> {
    let mut aliases: BTreeMap<TypeName, TypeName> = BTreeMap::new();
    loop {
        let mut groups: BTreeMap<String, Vec<&TypeName>> = BTreeMap::new();
        for item in &m.items {
            if let Some(key) = shape(item, &aliases, &m.name) {
                groups.entry(key).or_default().push(item.name());
            }
        }
        let mut next = BTreeMap::new();
        for names in groups.values().filter(|names| names.len() > 1) {
            let Some(kept) = names
                .iter()
                .copied()
                .min_by_key(|n| (n.rust().len(), n.rust()))
            else {
                continue;
            };
            for &name in names.iter().filter(|&&n| n != kept) {
                next.insert(name.clone(), kept.clone());
            }
        }
        // Groups only grow (equal types make more types equal), so this ends.
        if next == aliases {
            return aliases;
        }
        aliases = next;
    }
}

/// What a type's generated code depends on, with this module's types named by what they are
/// aliases of; `None` for types that are never merged.
fn shape(item: &Item, aliases: &BTreeMap<TypeName, TypeName>, here: &ModName) -> Option<String> {
    let ty = |t: &Ty| ty_shape(t, aliases, here);
    match item {
        Item::Struct(s) if s.role == Role::Resource => None,
        Item::Struct(s) => {
            let mut key = format!("struct {:?}", s.role);
            for f in &s.fields {
                key += &format!(
                    " {}={}:{}:{}",
                    f.name.rust(),
                    f.name.wire(),
                    f.presence.word(),
                    ty(&f.ty)
                );
            }
            Some(key)
        }
        Item::Enum(e) => {
            let mut key = format!("enum {}", e.unknown.rust());
            for v in &e.variants {
                key += &format!(" {}={}", v.rust(), v.wire());
            }
            Some(key)
        }
        Item::Union(u) => {
            let mut key = format!("union {:?} {:?}", u.role, u.tag);
            for m in &u.members {
                key += &format!(" {}={}:{:?}", m.name.rust(), ty(&m.ty), m.tag);
            }
            Some(key)
        }
        Item::Id(_) => None,
    }
}

fn ty_shape(t: &Ty, aliases: &BTreeMap<TypeName, TypeName>, here: &ModName) -> String {
    let named = |module: &ModName, name: &TypeName| {
        let name = match module == here {
            true => aliases.get(name).unwrap_or(name),
            false => name,
        };
        format!("{}::{}", module.rust(), name.rust())
    };
    let inner = |i: &Ty| ty_shape(i, aliases, here);
    match t {
        Ty::Named(r) => named(&r.module, &r.name),
        Ty::Expandable(Some(r)) => format!("Expandable<{}>", named(&r.module, &r.name)),
        Ty::Expandable(None) => "Expandable".to_owned(),
        Ty::Vec(i) => format!("Vec<{}>", inner(i)),
        Ty::Map(i) => format!("Map<{}>", inner(i)),
        Ty::List(i) => format!("List<{}>", inner(i)),
        Ty::Search(i) => format!("Search<{}>", inner(i)),
        Ty::Boxed(i) => format!("Box<{}>", inner(i)),
        Ty::Clearable(i) => format!("Clearable<{}>", inner(i)),
        Ty::V2List(i) => format!("V2List<{}>", inner(i)),
        Ty::Nullable(i) => format!("Nullable<{}>", inner(i)),
        other => format!("{other:?}"),
    }
}
