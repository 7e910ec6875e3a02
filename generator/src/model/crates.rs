//! The last pass: which crate each type is generated into.
//!
//! rustc checks one crate on one core, so the generated code is split into crates that build
//! in parallel, decided from the type graph alone (nothing is listed by hand). A type's
//! *reach* is the set of resources whose closure (their module's types, their operations'
//! parameters and answers, and everything those name) contains it; a type can only name types
//! whose reach contains its own. A module's operations and `rt::HasId` impls must sit in the
//! crate of the type they are on, so a resource type with operations sits above the crate of
//! its parameters. Hence, in build order:
//!
//! 1. `base`: types several resources reach that reach no type with operations (enums, ids,
//!    shared parameters and what they hold);
//! 2. one crate per resource for what it alone reaches; when other resources reach its own
//!    type, that type (with its operations) is in `shared` and this crate holds what its
//!    operations take;
//! 3. `shared`: types several resources reach that reach a type with operations;
//! 4. the other resources' crates: all that each alone reaches, its type and operations;
//! 5. `events`: the event object enums, which name every resource, and what holds them.
//!
//! Resource crates never depend on each other, only `events` depends on them. A type in a
//! crate that several resources use is compiled under a feature its resources turn on (the
//! resource's own for one, a gate feature for several), so enabling one resource compiles its
//! closure and nothing else.

use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest, Sha256};

use super::ir::{Crate, CrateKind, Crates, Item, Model, Place, Ty, TypeRef};
use crate::error::{Error, Pointer};
use crate::naming::ModName;

/// The names of the crates that are not a resource's.
pub const BASE: &str = "base";
/// See [`BASE`].
pub const SHARED: &str = "shared";
/// See [`BASE`].
pub const EVENTS: &str = "events";

/// A type and its reach.
type Reached = (TypeRef, BTreeSet<ModName>);

/// The type graph: what each type names, operations counted on the type they are on.
type Graph = BTreeMap<TypeRef, BTreeSet<TypeRef>>;

/// Splits the model's types into crates. An error is a generator bug (a cycle between crates).
pub fn split(model: &Model) -> Result<Crates, Error> {
    let graph = graph(model);
    let reach = reach(model, &graph);
    let events = event_types(model, &graph);
    let with_ops: BTreeSet<TypeRef> = model
        .modules
        .iter()
        .filter_map(|m| {
            m.ops.first().map(|op| TypeRef {
                module: m.name.clone(),
                name: op.on.clone(),
            })
        })
        .collect();
    let top = reaching(&graph, &with_ops);
    // A resource whose own type is placed elsewhere (others reach it, or it holds events)
    // keeps only what its operations take, below that type's crate.
    let own_type_elsewhere = |module: &ModName| {
        with_ops
            .iter()
            .find(|r| &r.module == module)
            .is_some_and(|r| events.contains(r) || reach.get(r).is_some_and(|s| s.len() != 1))
    };
    let mut by_crate: BTreeMap<(CrateKind, String), Vec<Reached>> = BTreeMap::new();
    for r in graph.keys() {
        let resources = reach.get(r).cloned().unwrap_or_default();
        let key = match resources.iter().next() {
            _ if events.contains(r) => (CrateKind::Events, EVENTS.to_owned()),
            Some(only) if resources.len() == 1 => {
                if !own_type_elsewhere(only) {
                    (CrateKind::Shared, only.rust().to_owned())
                } else if top.contains(r) {
                    (CrateKind::Shared, SHARED.to_owned())
                } else {
                    (CrateKind::Resource, only.rust().to_owned())
                }
            }
            _ if top.contains(r) => (CrateKind::Shared, SHARED.to_owned()),
            _ => (CrateKind::Base, BASE.to_owned()),
        };
        by_crate
            .entry(key)
            .or_default()
            .push((r.clone(), resources));
    }
    // Build order: base, resources below shared, shared, resources above it, events. The
    // key's kind sorts them; a resource that owns its type sorts after `shared` by its name's
    // key `(Shared, name)`, so it is given the `Resource` kind here.
    let order = |(kind, name): &(CrateKind, String)| match kind {
        CrateKind::Shared if name != SHARED => (3, name.clone()),
        CrateKind::Shared => (2, name.clone()),
        CrateKind::Base => (0, name.clone()),
        CrateKind::Resource => (1, name.clone()),
        CrateKind::Events => (4, name.clone()),
    };
    let mut keys: Vec<(CrateKind, String)> = by_crate.keys().cloned().collect();
    keys.sort_by_key(order);
    let mut crates = Crates::default();
    for (i, key) in keys.iter().enumerate() {
        let types = &by_crate[key];
        let features: BTreeSet<ModName> = types.iter().flat_map(|(_, s)| s.clone()).collect();
        let mut gates = BTreeMap::new();
        for (r, resources) in types {
            let gate = (!features.iter().all(|f| resources.contains(f)))
                .then(|| gate_name(resources))
                .flatten();
            if let Some(g) = &gate {
                if resources.len() > 1 {
                    gates.insert(g.clone(), resources.clone());
                }
            }
            crates.place.insert(r.clone(), Place { krate: i, gate });
        }
        let kind = match key.0 {
            CrateKind::Shared if key.1 != SHARED => CrateKind::Resource,
            k => k,
        };
        crates.crates.push(Crate {
            name: key.1.replace('_', "-"),
            kind,
            deps: BTreeSet::new(),
            features,
            follows: BTreeSet::new(),
            gates,
        });
    }
    add_event_features(model, &mut crates);
    for (from, to) in graph
        .iter()
        .flat_map(|(f, ts)| ts.iter().map(move |t| (f, t)))
    {
        let (Some(a), Some(b)) = (crates.place.get(from), crates.place.get(to)) else {
            continue;
        };
        let (a, b) = (a.krate, b.krate);
        if a == b {
            continue;
        }
        if b > a {
            return Err(Error::internal(
                &Pointer::root(),
                format!(
                    "crate split: `{}` (crate {}) names `{}` (crate {}), which builds after it",
                    from.name, crates.crates[a].name, to.name, crates.crates[b].name
                ),
            ));
        }
        crates.crates[a].deps.insert(b);
    }
    Ok(crates)
}

/// The gate feature of types reached by `resources`: the resource's own feature for one, a
/// name made from the set for several (stable while the set is).
fn gate_name(resources: &BTreeSet<ModName>) -> Option<String> {
    match resources.len() {
        0 => None,
        1 => resources.iter().next().map(|r| r.rust().to_owned()),
        _ => {
            let mut h = Sha256::new();
            for r in resources {
                h.update(r.rust().as_bytes());
                h.update(b",");
            }
            let hex: String = h.finalize()[..4]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            Some(format!("reach-{hex}"))
        }
    }
}

/// Every type (and event object enum) and the types it names. A module's operations count as
/// naming what they take and answer from the type they are on; event object enums are left
/// out, since each of their variants is compiled only with its own resource.
fn graph(model: &Model) -> Graph {
    let mut graph = Graph::new();
    for m in &model.modules {
        let here = |name: &crate::naming::TypeName| TypeRef {
            module: m.name.clone(),
            name: name.clone(),
        };
        for it in &m.items {
            let mut out = BTreeSet::new();
            match it {
                Item::Struct(s) => s.fields.iter().for_each(|f| refs(&f.ty, &mut out)),
                Item::Union(u) => u.members.iter().for_each(|mem| refs(&mem.ty, &mut out)),
                Item::Enum(_) => {}
                // `rt::HasId` is implemented on the resource's type, with it.
                Item::Id(_) => {}
            }
            if let Some(kept) = m.aliases.get(it.name()) {
                out.insert(here(kept));
            }
            graph.entry(here(it.name())).or_default().extend(out);
        }
        for it in &m.items {
            if let Item::Id(id) = it {
                graph
                    .entry(here(&id.resource))
                    .or_default()
                    .insert(here(&id.name));
            }
        }
        for op in &m.ops {
            let mut out = BTreeSet::from([here(&op.params)]);
            refs(&op.returns, &mut out);
            op.path_params.iter().for_each(|p| refs(&p.ty, &mut out));
            out.remove(&here(&op.on));
            graph.entry(here(&op.on)).or_default().extend(out);
        }
    }
    if let Some(t) = &model.thin_events {
        graph
            .entry(TypeRef {
                module: t.module.clone(),
                name: t.object_enum.clone(),
            })
            .or_default();
    }
    if let Some(e) = &model.events {
        graph
            .entry(TypeRef {
                module: e.module.clone(),
                name: e.object_enum.clone(),
            })
            .or_default();
    }
    graph
}

fn refs(t: &Ty, out: &mut BTreeSet<TypeRef>) {
    match t {
        Ty::Named(r) | Ty::Expandable(Some(r)) => {
            out.insert(r.clone());
        }
        other => {
            if let Some(i) = other.inner() {
                refs(i, out);
            }
        }
    }
}

/// Each type's reach: the resources whose module's types name it, directly or not.
fn reach(model: &Model, graph: &Graph) -> BTreeMap<TypeRef, BTreeSet<ModName>> {
    let mut reach: BTreeMap<TypeRef, BTreeSet<ModName>> = BTreeMap::new();
    for m in model.modules.iter().filter(|m| m.resource.is_some()) {
        let mut stack: Vec<TypeRef> = graph
            .keys()
            .filter(|r| r.module == m.name)
            .cloned()
            .collect();
        let mut seen: BTreeSet<TypeRef> = stack.iter().cloned().collect();
        while let Some(r) = stack.pop() {
            for next in graph.get(&r).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    stack.push(next.clone());
                }
            }
        }
        for r in seen {
            reach.entry(r).or_default().insert(m.name.clone());
        }
    }
    reach
}

/// The types that name any of `targets`, directly or not, `targets` included.
fn reaching(graph: &Graph, targets: &BTreeSet<TypeRef>) -> BTreeSet<TypeRef> {
    let mut named_by: BTreeMap<&TypeRef, Vec<&TypeRef>> = BTreeMap::new();
    for (from, tos) in graph {
        for to in tos {
            named_by.entry(to).or_default().push(from);
        }
    }
    let mut out: BTreeSet<TypeRef> = targets.clone();
    let mut stack: Vec<&TypeRef> = targets.iter().collect();
    while let Some(r) = stack.pop() {
        for from in named_by.get(r).into_iter().flatten() {
            if out.insert((*from).clone()) {
                stack.push(from);
            }
        }
    }
    out
}

/// The event object enums and every type that holds one.
fn event_types(model: &Model, graph: &Graph) -> BTreeSet<TypeRef> {
    let enums: BTreeSet<TypeRef> = model
        .events
        .iter()
        .map(|e| TypeRef {
            module: e.module.clone(),
            name: e.object_enum.clone(),
        })
        .chain(model.thin_events.iter().map(|t| TypeRef {
            module: t.module.clone(),
            name: t.object_enum.clone(),
        }))
        .collect();
    reaching(graph, &enums)
}

/// The `events` crate has a feature per resource an event object can be, which turns on
/// that resource's type in its crate, and the object enums are gated by their module's.
fn add_event_features(model: &Model, crates: &mut Crates) {
    let Some(i) = crates
        .crates
        .iter()
        .position(|c| c.kind == CrateKind::Events)
    else {
        return;
    };
    let variants = model
        .events
        .iter()
        .flat_map(|e| &e.objects)
        .chain(model.thin_events.iter().flat_map(|t| &t.objects));
    let mut deps = BTreeSet::new();
    for v in variants {
        if !crates.crates[i].features.contains(&v.ty.module) {
            crates.crates[i].follows.insert(v.ty.module.clone());
        }
        if let Some(p) = crates.place.get(&v.ty) {
            if p.krate != i {
                deps.insert(p.krate);
            }
        }
    }
    for (e, module) in model
        .events
        .iter()
        .map(|e| (&e.object_enum, &e.module))
        .chain(
            model
                .thin_events
                .iter()
                .map(|t| (&t.object_enum, &t.module)),
        )
    {
        let r = TypeRef {
            module: module.clone(),
            name: e.clone(),
        };
        crates.crates[i].features.insert(module.clone());
        if let Some(p) = crates.place.get_mut(&r) {
            p.gate = Some(module.rust().to_owned());
        }
    }
    crates.crates[i].deps.extend(deps);
}
