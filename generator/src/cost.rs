//! What each resource costs: its operations, the types it needs and their generated lines.
//!
//! Measured on one model of the whole API (every resource selected) and the lines emit
//! formats for each of its types ([`emit::type_lines`]), then priced against any selection:
//! a resource's *closure* is the types it needs when selected, found in the model's type
//! graph: its module's types, its operations' parameters and answers, and every type those
//! name directly (a field, a list's items, a union's members, the type an alias stands for).
//! An expandable field is not followed: its target is typed only when that resource is
//! selected too (and is then counted there), else it is `rt::Expandable<rt::Json>`. A direct
//! reference to another resource's object is followed (a customer holds its subscriptions),
//! but not that resource's operations. The event object enums name every resource and are
//! followed no further, for the same reason as expandable fields.
//!
//! Against a selection, a resource that is not selected adds the types of its closure that no
//! selected resource needs; a selected one costs the types only it needs, which removing it
//! saves. `cargo xtask select` lists both; its add and remove print exact figures from the
//! real generation instead, so the estimate differs from them where the whole API's model
//! does (a type that is an alias there may be a struct in a smaller selection; a resource's
//! own type is there once, in its module, whoever holds it).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::emit;
use crate::error::Error;
use crate::model::{Item, Model, Ty};

/// The cost data of a model: its types as a graph, and each resource's roots in it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Costs {
    /// Every type, sorted by name.
    pub types: Vec<TypeCost>,
    /// Every resource, sorted by id.
    pub resources: Vec<ResourceCost>,
}

/// One type of the model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeCost {
    /// Its Rust name (unique across modules).
    pub name: String,
    /// Its generated lines (see [`emit::type_lines`]).
    pub lines: usize,
    /// The types it names directly (indexes into [`Costs::types`]), expandable fields aside.
    pub names: Vec<usize>,
}

/// One resource of the model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceCost {
    /// Its id (`x-resourceId`, or a v2 object's name).
    pub id: String,
    /// Its operations.
    pub ops: usize,
    /// Its module's types and what its operations take and answer (indexes into
    /// [`Costs::types`]): where its closure starts.
    pub roots: Vec<usize>,
}

/// What one resource costs against a selection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cost {
    /// The resource's id.
    pub id: String,
    /// Whether the selection has it.
    pub selected: bool,
    /// Its operations.
    pub ops: usize,
    /// Selected: the types only it needs (removing it saves them); else the types it adds.
    pub types: usize,
    /// Those types' generated lines.
    pub lines: usize,
}

impl Costs {
    /// The costs of `model`'s resources, its types' lines formatted as emit formats them.
    pub fn of(model: &Model) -> Result<Costs, Error> {
        Ok(Costs::new(model, &emit::type_lines(model)?))
    }

    /// The costs of `model`'s resources, with `lines` the lines of each type by name (a type
    /// missing there has none).
    pub fn new(model: &Model, lines: &BTreeMap<String, usize>) -> Costs {
        let mut names: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for m in &model.modules {
            for it in &m.items {
                let mut out = BTreeSet::new();
                match it {
                    Item::Struct(s) => s.fields.iter().for_each(|f| direct(&f.ty, &mut out)),
                    Item::Union(u) => u.members.iter().for_each(|mem| direct(&mem.ty, &mut out)),
                    Item::Enum(_) => {}
                    // `rt::HasId` is implemented on the resource's type, with it.
                    Item::Id(id) => {
                        names
                            .entry(id.resource.to_string())
                            .or_default()
                            .insert(id.name.to_string());
                    }
                }
                if let Some(kept) = m.aliases.get(it.name()) {
                    out.insert(kept.to_string());
                }
                names.entry(it.name().to_string()).or_default().extend(out);
            }
        }
        // The event object enums: a variant per selected resource, so they lead nowhere.
        let object_enums = model.events.iter().map(|e| (&e.module, &e.object_enum));
        let thin = model
            .thin_events
            .iter()
            .map(|t| (&t.module, &t.object_enum));
        for (_, name) in object_enums.clone().chain(thin.clone()) {
            names.entry(name.to_string()).or_default();
        }
        let index: BTreeMap<&str, usize> = names
            .keys()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .collect();
        let indexes = |set: &BTreeSet<String>| -> Vec<usize> {
            set.iter()
                .filter_map(|n| index.get(n.as_str()).copied())
                .collect()
        };
        let types = names
            .iter()
            .map(|(name, named)| TypeCost {
                name: name.clone(),
                lines: lines.get(name).copied().unwrap_or(0),
                names: indexes(named),
            })
            .collect();
        let mut resources: Vec<ResourceCost> = model
            .modules
            .iter()
            .filter_map(|m| {
                let id = m.resource.clone()?;
                let mut roots: BTreeSet<String> =
                    m.items.iter().map(|it| it.name().to_string()).collect();
                for op in &m.ops {
                    roots.insert(op.params.to_string());
                    direct(&op.returns, &mut roots);
                    op.path_params
                        .iter()
                        .for_each(|p| direct(&p.ty, &mut roots));
                }
                let enums = object_enums.clone().chain(thin.clone());
                for (_, name) in enums.filter(|(module, _)| **module == m.name) {
                    roots.insert(name.to_string());
                }
                Some(ResourceCost {
                    id,
                    ops: m.ops.len(),
                    roots: indexes(&roots),
                })
            })
            .collect();
        resources.sort_by(|a, b| a.id.cmp(&b.id));
        Costs { types, resources }
    }

    /// The types resource `resource` (an index into [`Costs::resources`]) needs.
    pub fn closure(&self, resource: usize) -> BTreeSet<usize> {
        let Some(r) = self.resources.get(resource) else {
            return BTreeSet::new();
        };
        let mut seen: BTreeSet<usize> = r.roots.iter().copied().collect();
        let mut stack: Vec<usize> = r.roots.clone();
        while let Some(t) = stack.pop() {
            for &next in self.types.get(t).map_or(&[][..], |t| &t.names) {
                if seen.insert(next) {
                    stack.push(next);
                }
            }
        }
        seen
    }

    /// Every resource's cost against the selection of the resources `selected` (ids; ones
    /// this model does not have are ignored), in the order of [`Costs::resources`].
    pub fn against(&self, selected: &BTreeSet<&str>) -> Vec<Cost> {
        let closures: Vec<BTreeSet<usize>> =
            (0..self.resources.len()).map(|i| self.closure(i)).collect();
        let is_selected = |i: usize| selected.contains(self.resources[i].id.as_str());
        // How many selected resources need each type.
        let mut needed_by = vec![0usize; self.types.len()];
        for (i, closure) in closures.iter().enumerate() {
            if is_selected(i) {
                closure.iter().for_each(|&t| needed_by[t] += 1);
            }
        }
        closures
            .iter()
            .enumerate()
            .map(|(i, closure)| {
                let selected = is_selected(i);
                // Selected: needed by it alone; not selected: needed by none yet.
                let counted = usize::from(selected);
                let own: Vec<usize> = closure
                    .iter()
                    .copied()
                    .filter(|&t| needed_by[t] == counted)
                    .collect();
                Cost {
                    id: self.resources[i].id.clone(),
                    selected,
                    ops: self.resources[i].ops,
                    types: own.len(),
                    lines: own.iter().map(|&t| self.types[t].lines).sum(),
                }
            })
            .collect()
    }

    /// The types the resources `selected` need together, and their lines.
    pub fn selection(&self, selected: &BTreeSet<&str>) -> (usize, usize) {
        let mut all = BTreeSet::new();
        for (i, r) in self.resources.iter().enumerate() {
            if selected.contains(r.id.as_str()) {
                all.extend(self.closure(i));
            }
        }
        let lines = all.iter().map(|&t| self.types[t].lines).sum();
        (all.len(), lines)
    }

    /// As JSON, for a cache.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// From [`Costs::to_json`]'s output; `None` if it is not that (a cache from another
    /// version, a truncated file), or its indexes point nowhere.
    pub fn from_json(text: &str) -> Option<Costs> {
        let costs: Costs = serde_json::from_str(text).ok()?;
        let n = costs.types.len();
        let fits = |i: &usize| *i < n;
        let sound = costs.types.iter().all(|t| t.names.iter().all(fits))
            && costs.resources.iter().all(|r| r.roots.iter().all(fits));
        sound.then_some(costs)
    }
}

/// The types `ty` names directly: not through an expandable field (see the module docs).
fn direct(ty: &Ty, out: &mut BTreeSet<String>) {
    match ty {
        Ty::Named(r) => {
            out.insert(r.name.to_string());
        }
        Ty::Expandable(_) => {}
        other => {
            if let Some(inner) = other.inner() {
                direct(inner, out);
            }
        }
    }
}
