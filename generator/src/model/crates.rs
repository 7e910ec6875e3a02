//! The last pass: which crate each type is generated into.
//!
//! rustc checks one crate on one core, so the generated code is split into crates that build
//! in parallel, decided from the type graph alone (nothing is listed by hand). A type's
//! *reach* is the set of resources whose closure (their module's types, their own operations'
//! parameters and answers, and everything those name, but not the operations of the resources
//! they name) contains it; a type can only name types whose reach contains its own. A
//! module's operations and `rt::HasId` impls must sit in the crate of the type they are on, so
//! a resource type with operations sits above the crate of its parameters. Hence, in build
//! order:
//!
//! 1. `base`: types several resources reach that reach no type with operations (enums, ids,
//!    shared parameters and what they hold);
//! 2. `params`: what one resource alone reaches when other resources reach its own type (which
//!    is then in `shared`): what its operations take;
//! 3. `shared`: types several resources reach that reach a type with operations, with those
//!    operations;
//! 4. `resources`: for every other resource, all that it alone reaches, its type and
//!    operations;
//! 5. `events`: the event object enums, which name every resource, and what holds them.
//!
//! `params` and `resources` are bundled into up to [`BUNDLES`] crates by a hash of the
//! resource's name, by weight; `base` and `shared`, which all after them wait for, are split
//! by level into bundles that build in parallel. A small selection stays one crate per step. Resource crates never depend on each other, only
//! `events` depends on them. A type in a crate that several resources use is compiled under a
//! feature its resources turn on (the resource's own for one, a gate feature for several), so
//! enabling one resource compiles its closure and nothing else.

use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest, Sha256};

use super::ir::{Crate, CrateKind, Crates, Item, Model, ObjectVariant, Place, TypeRef};
use crate::error::{Error, Pointer};
use crate::naming::ModName;

/// The names of the crates, with `-<level>` and `-<i>` when a heavy one is split (see the
/// module's docs).
pub const BASE: &str = "base";
/// See [`BASE`].
pub const PARAMS: &str = "params";
/// See [`BASE`].
pub const SHARED: &str = "shared";
/// See [`BASE`].
pub const RESOURCES: &str = "resources";
/// See [`BASE`].
pub const EVENTS: &str = "events";

/// A graph of types: what each names.
type Graph = BTreeMap<TypeRef, BTreeSet<TypeRef>>;

/// Where a crate builds, in order; a crate names only types of crates before it (or its own).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Layer {
    /// Base at a level (see [`split_levels`]).
    Base(u8),
    /// A resource's crate holding what its operations take, its type being in `shared`.
    BelowShared,
    /// Shared at a level (see [`split_levels`]).
    Shared(u8),
    /// A resource's crate holding all it alone reaches, its type and operations included.
    AboveShared,
    Events,
}

impl Layer {
    fn kind(self) -> CrateKind {
        match self {
            Layer::Base(_) => CrateKind::Base,
            Layer::BelowShared | Layer::AboveShared => CrateKind::Resource,
            Layer::Shared(_) => CrateKind::Shared,
            Layer::Events => CrateKind::Events,
        }
    }
}

/// Splits the model's types into crates. An error is a generator bug (a cycle between crates).
pub fn split(model: &Model) -> Result<Crates, Error> {
    let (types, ops) = graph(model);
    // Where a type can go follows what its code names, its operations included; what a
    // resource reaches follows its types and its own operations, not those of the resources
    // it names (a charge holds a customer, and needs none of the customer's parameters).
    let mut graph = types.clone();
    for (on, targets) in &ops {
        graph
            .entry(on.clone())
            .or_default()
            .extend(targets.iter().cloned());
    }
    let named_by = named_by(&graph);
    let reach = reach(model, &types, &ops);
    let object_enums: BTreeSet<TypeRef> = object_enums(model).map(|(r, _)| r).collect();
    let events = reaching(&named_by, &object_enums);
    let with_ops: BTreeMap<&ModName, TypeRef> = model
        .modules
        .iter()
        .filter_map(|m| Some((&m.name, ops_on(m)?)))
        .collect();
    let top = reaching(&named_by, &with_ops.values().cloned().collect());
    // A resource whose own type is placed elsewhere (others reach it, or it holds events)
    // keeps only what its operations take, below that type's crate.
    let own_type_elsewhere = |module: &ModName| {
        with_ops
            .get(module)
            .is_some_and(|r| events.contains(r) || reach.get(r).is_some_and(|s| s.len() != 1))
    };
    let mut by_crate: BTreeMap<(Layer, String), Vec<&TypeRef>> = BTreeMap::new();
    for r in graph.keys() {
        let only = reach
            .get(r)
            .filter(|s| s.len() == 1)
            .and_then(|s| s.first());
        let key = match only {
            _ if events.contains(r) => (Layer::Events, EVENTS.to_owned()),
            Some(only) if !own_type_elsewhere(only) => (Layer::AboveShared, RESOURCES.to_owned()),
            Some(_) if !top.contains(r) => (Layer::BelowShared, PARAMS.to_owned()),
            _ if top.contains(r) => (Layer::Shared(LEVELS), SHARED.to_owned()),
            _ => (Layer::Base(LEVELS), BASE.to_owned()),
        };
        by_crate.entry(key).or_default().push(r);
    }
    let weight = weights(model);
    let weigh = |types: &[&TypeRef]| {
        types
            .iter()
            .map(|r| weight.get(*r).copied().unwrap_or(1))
            .sum()
    };
    // What one resource alone reaches is bundled by resource, whole.
    let resource_of = |r: &TypeRef| {
        let only = reach.get(r).and_then(|s| s.first());
        only.map_or_else(String::new, |m| m.rust().to_owned())
    };
    for (layer, name) in [
        (Layer::BelowShared, PARAMS),
        (Layer::AboveShared, RESOURCES),
    ] {
        bundle(&mut by_crate, (layer, name), &weigh, resource_of);
    }
    split_levels(&mut by_crate, &graph, &weigh, Layer::Base, BASE);
    split_levels(&mut by_crate, &graph, &weigh, Layer::Shared, SHARED);
    let no_reach = BTreeSet::new();
    let reach_of = |r: &TypeRef| reach.get(r).unwrap_or(&no_reach);
    let mut crates = Crates::default();
    for (i, ((layer, name), types)) in by_crate.iter().enumerate() {
        let features: BTreeSet<ModName> = types
            .iter()
            .flat_map(|r| reach_of(r).iter().cloned())
            .collect();
        let mut gates = BTreeMap::new();
        for r in types {
            let gate = gate(&features, reach_of(r));
            if let Some(g) = gate.as_ref().filter(|_| reach_of(r).len() > 1) {
                gates.insert(g.clone(), reach_of(r).clone());
            }
            crates.place.insert((*r).clone(), Place { krate: i, gate });
        }
        crates.crates.push(Crate {
            name: name.replace('_', "-"),
            kind: layer.kind(),
            deps: BTreeSet::new(),
            features,
            follows: BTreeSet::new(),
            gates,
        });
    }
    // A module's operations are compiled with its resource, wherever its type is.
    for (module, on) in &with_ops {
        if let Some(p) = crates.place.get(on) {
            let c = &crates.crates[p.krate];
            let ops = Place {
                krate: p.krate,
                gate: gate(&c.features, &BTreeSet::from([(*module).clone()])),
            };
            crates.ops.insert((*module).clone(), ops);
        }
    }
    add_event_variants(model, &mut crates);
    add_deps(&graph, &mut crates)?;
    Ok(crates)
}

/// The most crates one group of types is bundled into: more keep more cores busy, but each
/// costs rustc a fixed start (its dependencies' metadata, its own files), which a crate per
/// resource paid 150 times for the whole API.
pub const BUNDLES: usize = 8;

/// The weight (fields, variants, members, operations: a proxy for generated lines) a crate of
/// a bundle should have at least; a group lighter than two of these stays one crate.
const BUNDLE_WEIGHT: usize = 2500;

/// How many crates types of `weight` are bundled into: a power of two up to [`BUNDLES`], so
/// that when a group grows past a threshold each crate splits in two and a type moves only
/// between the two halves of its old crate (the bundle is a hash modulo the count).
fn bundles(weight: usize) -> usize {
    let n = (weight / BUNDLE_WEIGHT).clamp(1, BUNDLES);
    1 << n.ilog2()
}

/// Replaces the crate `key` by [`bundles`] crates (`<name>-<i>`, or `name` for one), each
/// type going by a hash of `unit(type)`, the name of what must stay together.
fn bundle(
    by_crate: &mut BTreeMap<(Layer, String), Vec<&TypeRef>>,
    (layer, name): (Layer, &str),
    weigh: &dyn Fn(&[&TypeRef]) -> usize,
    unit: impl Fn(&TypeRef) -> String,
) {
    let key = (layer, name.to_owned());
    let Some(types) = by_crate.remove(&key) else {
        return;
    };
    let n = bundles(weigh(&types));
    if n == 1 {
        by_crate.insert(key, types);
        return;
    }
    for r in types {
        let hash = Sha256::digest(unit(r).as_bytes());
        let which = usize::from(hash[0]) % n;
        by_crate
            .entry((layer, format!("{name}-{which}")))
            .or_default()
            .push(r);
    }
}

/// How many levels of `base` and `shared` are bundled apart before the rest goes into one
/// crate (see [`split_levels`]).
const LEVELS: u8 = 2;

/// Splits `base` or `shared` (`name`, of `layer`), which everything after them waits for, so
/// that they build on several cores too, when it weighs more than two bundles. A type's level
/// is 0 when it names no other type of the crate (enums, ids, plain objects), else one more
/// than the highest level it names (a cycle counts as one type). No type names another of its
/// own level, so each of the first [`LEVELS`] levels is [`bundle`]d (`<name>-<level>-<i>`), a
/// cycle by its smallest member; the levels above stay one crate, `name`.
fn split_levels(
    by_crate: &mut BTreeMap<(Layer, String), Vec<&TypeRef>>,
    graph: &Graph,
    weigh: &dyn Fn(&[&TypeRef]) -> usize,
    layer: fn(u8) -> Layer,
    name: &str,
) {
    let key = (layer(LEVELS), name.to_owned());
    let Some(types) = by_crate.remove(&key) else {
        return;
    };
    if bundles(weigh(&types)) == 1 {
        by_crate.insert(key, types);
        return;
    }
    let index: BTreeMap<&TypeRef, usize> = types.iter().enumerate().map(|(i, r)| (*r, i)).collect();
    let edges: Vec<Vec<usize>> = types
        .iter()
        .map(|r| {
            let named = graph.get(*r).into_iter().flatten();
            named.filter_map(|t| index.get(t).copied()).collect()
        })
        .collect();
    let component = super::cycles::strongly_connected(&edges);
    // Tarjan numbers a component after every component it reaches, so in that order each
    // one's level is known from those it names.
    let components = component.iter().max().map_or(0, |c| c + 1);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); components];
    for (i, &c) in component.iter().enumerate() {
        members[c].push(i);
    }
    let mut level = vec![0u8; components];
    for c in 0..components {
        let named = members[c]
            .iter()
            .flat_map(|&i| &edges[i])
            .map(|&j| component[j]);
        level[c] = named
            .filter(|&d| d != c)
            .map(|d| level[d].saturating_add(1))
            .max()
            .unwrap_or(0)
            .min(LEVELS);
    }
    // A cycle's smallest member names it.
    let first: Vec<String> = members
        .iter()
        .map(|nodes| {
            let first = nodes.iter().map(|&i| types[i]).min();
            first.map_or_else(String::new, |r| format!("{}::{}", r.module, r.name))
        })
        .collect();
    for (i, r) in types.iter().enumerate() {
        let l = level[component[i]];
        let level_name = match l {
            LEVELS => name.to_owned(),
            l => format!("{name}-{l}"),
        };
        by_crate.entry((layer(l), level_name)).or_default().push(r);
    }
    for l in 0..LEVELS {
        let unit = |r: &TypeRef| first[component[index[r]]].clone();
        bundle(by_crate, (layer(l), &format!("{name}-{l}")), weigh, unit);
    }
}

/// The weight of each type: its fields, variants or members, and the operations on it.
fn weights(model: &Model) -> BTreeMap<TypeRef, usize> {
    let mut out = BTreeMap::new();
    for m in &model.modules {
        for it in &m.items {
            let w = match it {
                Item::Struct(s) => s.fields.len(),
                Item::Enum(e) => e.variants.len(),
                Item::Union(u) => u.members.len(),
                Item::Id(_) => 0,
            };
            let r = TypeRef {
                module: m.name.clone(),
                name: it.name().clone(),
            };
            out.insert(r, 1 + w);
        }
        if let Some(on) = ops_on(m) {
            *out.entry(on).or_default() += 4 * m.ops.len();
        }
    }
    out
}

/// The type a module's operations are on, if it has any.
fn ops_on(m: &super::ir::Module) -> Option<TypeRef> {
    m.ops.first().map(|op| TypeRef {
        module: m.name.clone(),
        name: op.on.clone(),
    })
}

/// The event object enums, each with its variants.
fn object_enums(model: &Model) -> impl Iterator<Item = (TypeRef, &[ObjectVariant])> {
    let events = model
        .events
        .iter()
        .map(|e| (&e.module, &e.object_enum, &e.objects));
    let thin = model
        .thin_events
        .iter()
        .map(|t| (&t.module, &t.object_enum, &t.objects));
    events.chain(thin).map(|(module, name, objects)| {
        let r = TypeRef {
            module: module.clone(),
            name: name.clone(),
        };
        (r, objects.as_slice())
    })
}

/// Each crate's dependencies: the crates of the types its types name. One that builds after
/// it would be a cycle, a generator bug.
fn add_deps(graph: &Graph, crates: &mut Crates) -> Result<(), Error> {
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
    Ok(())
}

/// The feature a type reached by `resources` is compiled under in a crate with `features`:
/// none when every feature of the crate reaches it; else the resource's own feature for one,
/// or a name made from the set for several (stable while the set is).
fn gate(features: &BTreeSet<ModName>, resources: &BTreeSet<ModName>) -> Option<String> {
    if features.iter().all(|f| resources.contains(f)) {
        return None;
    }
    match resources.len() {
        0 => None,
        1 => resources.first().map(|r| r.rust().to_owned()),
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

/// Every type (and event object enum) and the types it names; and apart, what each module's
/// operations take and answer, by the type they are on. Event object enums name nothing here,
/// since each of their variants is compiled only with its own resource.
fn graph(model: &Model) -> (Graph, Graph) {
    let mut graph = Graph::new();
    let mut ops = Graph::new();
    for m in &model.modules {
        let here = |name: &crate::naming::TypeName| TypeRef {
            module: m.name.clone(),
            name: name.clone(),
        };
        for it in &m.items {
            let mut out = BTreeSet::new();
            match it {
                Item::Struct(s) => s.fields.iter().for_each(|f| f.ty.named(&mut out)),
                Item::Union(u) => u.members.iter().for_each(|mem| mem.ty.named(&mut out)),
                Item::Enum(_) => {}
                // `rt::HasId` is implemented on the resource's type, with it.
                Item::Id(id) => {
                    graph
                        .entry(here(&id.resource))
                        .or_default()
                        .insert(here(&id.name));
                }
            }
            if let Some(kept) = m.aliases.get(it.name()) {
                out.insert(here(kept));
            }
            graph.entry(here(it.name())).or_default().extend(out);
        }
        for op in &m.ops {
            let mut out = BTreeSet::from([here(&op.params)]);
            op.returns.named(&mut out);
            op.path_params.iter().for_each(|p| p.ty.named(&mut out));
            out.remove(&here(&op.on));
            ops.entry(here(&op.on)).or_default().extend(out);
        }
    }
    for (r, _) in object_enums(model) {
        graph.entry(r).or_default();
    }
    (graph, ops)
}

/// Each type's reach: the resources whose module's types or operations name it, directly or
/// through the types they name.
fn reach(model: &Model, graph: &Graph, ops: &Graph) -> BTreeMap<TypeRef, BTreeSet<ModName>> {
    let mut reach: BTreeMap<TypeRef, BTreeSet<ModName>> = BTreeMap::new();
    for m in model.modules.iter().filter(|m| m.resource.is_some()) {
        let own_ops = ops_on(m).and_then(|on| ops.get(&on)).into_iter().flatten();
        let mut stack: Vec<&TypeRef> = graph
            .keys()
            .filter(|r| r.module == m.name)
            .chain(own_ops)
            .collect();
        let mut seen: BTreeSet<&TypeRef> = stack.iter().copied().collect();
        while let Some(r) = stack.pop() {
            for next in graph.get(r).into_iter().flatten() {
                if seen.insert(next) {
                    stack.push(next);
                }
            }
        }
        for r in seen {
            reach.entry(r.clone()).or_default().insert(m.name.clone());
        }
    }
    reach
}

/// The graph reversed: what names each type.
fn named_by(graph: &Graph) -> BTreeMap<&TypeRef, Vec<&TypeRef>> {
    let mut named_by: BTreeMap<&TypeRef, Vec<&TypeRef>> = BTreeMap::new();
    for (from, tos) in graph {
        for to in tos {
            named_by.entry(to).or_default().push(from);
        }
    }
    named_by
}

/// The types that name any of `targets`, directly or not, `targets` included.
fn reaching(
    named_by: &BTreeMap<&TypeRef, Vec<&TypeRef>>,
    targets: &BTreeSet<TypeRef>,
) -> BTreeSet<TypeRef> {
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

/// The `events` crate has a feature per resource an event object can be, which turns on that
/// resource's type in its crate when `events` is on, and depends on the crate of each.
fn add_event_variants(model: &Model, crates: &mut Crates) {
    let Some(i) = crates
        .crates
        .iter()
        .position(|c| c.kind == CrateKind::Events)
    else {
        return;
    };
    for v in object_enums(model).flat_map(|(_, variants)| variants) {
        if !crates.crates[i].features.contains(&v.ty.module) {
            crates.crates[i].follows.insert(v.ty.module.clone());
        }
        if let Some(k) = crates.place.get(&v.ty).map(|p| p.krate).filter(|&k| k != i) {
            crates.crates[i].deps.insert(k);
        }
    }
}
