//! Stage 3: the intermediate representation. It records decisions, not syntax: every type has
//! its name, every field its presence and type, every union how it is told apart, and emit is
//! a pure function of it. No openapiv3 types and no tokens live here.
//!
//! [`lower`] makes the model in passes, one per concern, each done before the next starts:
//! 1. types: `schema` lowers objects and their fields, `unions` `anyOf`/`oneOf` (with how
//!    each is told apart, [`UnionTag`]), `enums` string enums, `operations` request functions
//!    (with `template` for paths);
//! 2. [`events`]: the event types, and `Event` typed by them;
//! 3. `cycles`: boxes the fields that close a cycle of structs;
//! 4. `dedup`: types of one module with the same shape become aliases of one of them;
//! 5. [`crates`]: which crate each type is generated into, so that the crates build in parallel.
//!
//! Once [`lower`] returns, nothing changes the model.

pub mod crates;
mod cycles;
mod dedup;
mod enums;
pub mod events;
mod ir;
mod operations;
mod schema;
mod template;
mod unions;
mod v2_errors;

use std::collections::{BTreeMap, BTreeSet};

pub use ir::*;

use crate::error::{Error, ErrorKind, Pointer};
use crate::load::SpecInfo;
use crate::naming::{self, ModName, NameError, TypeName};
use crate::select::{LeftOut, Owner, Selected};

/// Lowers the selection into the model, collecting every error. The model is final: emit
/// renders it as it is.
pub fn lower(selected: &Selected<'_>, spec: SpecInfo) -> Result<Model, Vec<Error>> {
    let mut model = lower_types(selected, spec)?;
    events::type_events(selected, &mut model)?;
    events::thin_events(selected, &mut model)?;
    cycles::box_recursive(&mut model.modules);
    dedup::alias_duplicates(&mut model.modules);
    for m in &mut model.modules {
        m.stream_session = stream_session(m);
    }
    model.crates = crates::split(&model).map_err(|e| vec![e])?;
    Ok(model)
}

/// A module is a meter event stream's session when it has `create` and `stream_events` (the
/// function `operation_resources` gives the stream) and its type holds the session's
/// `authentication_token` (a secret) and `expires_at`: what `rt::v2::MeterEventStream` needs.
fn stream_session(m: &Module) -> Option<StreamSession> {
    let op = |name: &str| m.ops.iter().find(|op| op.name.rust() == name);
    let (create, batch) = (op("create")?, op("stream_events")?);
    let on = m.items.iter().find_map(|it| match it {
        Item::Struct(s) if s.name == create.on => Some(s),
        _ => None,
    })?;
    let has = |name: &str, ty: &Ty| {
        on.fields
            .iter()
            .any(|f| f.name.wire() == name && &f.ty == ty && f.presence == Presence::Required)
    };
    (has("authentication_token", &Ty::Secret) && has("expires_at", &Ty::DateTime)).then(|| {
        StreamSession {
            create_params: create.params.clone(),
            batch_params: batch.params.clone(),
        }
    })
}

/// The types pass: every selected schema and operation, in modules.
fn lower_types(selected: &Selected<'_>, spec: SpecInfo) -> Result<Model, Vec<Error>> {
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

/// Where a schema is lowered: the module that holds the types it makes, what they are for, and
/// what scoped `secret_fields` entries match. Every lowering function takes one, instead of
/// a `module`, a `role` and a scope argument each.
#[derive(Clone, Copy)]
struct Scope<'m> {
    module: &'m ModName,
    role: Role,
    /// The component schema being lowered (for the objects nested in it too), or the
    /// `x-resourceId` whose operation's parameters these are.
    secrets: &'m str,
}

impl<'m> Scope<'m> {
    fn new(module: &'m ModName, role: Role, secrets: &'m str) -> Self {
        Scope {
            module,
            role,
            secrets,
        }
    }

    fn with_role(self, role: Role) -> Self {
        Scope { role, ..self }
    }

    /// The type `name`, made in this scope's module.
    fn named(self, name: TypeName) -> Ty {
        Ty::Named(TypeRef {
            module: self.module.clone(),
            name,
        })
    }
}

/// The state of lowering: what is named and made so far, and every error and warning.
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
    /// Non-component `$ref` targets already lowered in place, so each is emitted once.
    in_place: BTreeMap<Pointer, Ty>,
    /// `<Resource>OrDeleted` unions made so far, by the deleted form's pointer.
    or_deleted: BTreeMap<Pointer, Ty>,
    /// Operations generated.
    generated: Vec<OperationKey>,
    /// Operations of selected resources not generated (legacy aliases).
    not_generated: Vec<NotGenerated>,
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
            warnings: sel.warnings.clone(),
            names: BTreeMap::new(),
            taken: BTreeMap::new(),
            items: BTreeMap::new(),
            ops: BTreeMap::new(),
            requires: BTreeMap::new(),
            module_names,
            in_place: BTreeMap::new(),
            or_deleted: BTreeMap::new(),
            generated: Vec::new(),
            not_generated: Vec::new(),
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

    /// Names an inline schema: `hint`, or if a component or an earlier inline schema already
    /// has that name, `hint2`, `hint3`, ... Components are named before any inline schema, so
    /// a component never loses its name to an inline one.
    fn claim_inline(&mut self, hint: &TypeName, at: &Pointer) -> TypeName {
        let mut name = hint.clone();
        let mut n = 1;
        while self.taken.get(name.rust()).is_some_and(|p| p != at) {
            n += 1;
            name = hint.with_suffix(n);
        }
        if n > 1 {
            self.warnings
                .push(format!("{at}: `{hint}` is taken; named `{name}`"));
        }
        self.taken.insert(name.rust().to_owned(), at.clone());
        name
    }

    fn push_item(&mut self, module: &ModName, role: Role, item: Item) {
        self.items
            .entry(module.clone())
            .or_default()
            .push((role, item));
    }

    /// Notes that `from`'s code names a type of `to` (whose feature must then be on too).
    fn require(&mut self, from: &ModName, to: &ModName) {
        if from != to {
            self.requires
                .entry(from.clone())
                .or_default()
                .insert(to.clone());
        }
    }

    /// `rt::v2::ErrorCode`: every code of the spec's v2 errors (see [`v2_errors`]); `None`
    /// after an error.
    fn v2_error_codes(&mut self) -> Option<StringEnum> {
        let at = v2_errors::at();
        let name = match naming::type_name("error_code") {
            Ok(n) => n,
            Err(e) => {
                self.errors.push(name_error(&at, e));
                return None;
            }
        };
        let doc = Doc(Some(
            "The `code` of a v2 API error: one of the spec's `v2.error.*` codes, or one this version does not know.".to_owned(),
        ));
        let codes = v2_errors::codes(self.sel.loaded);
        Some(self.make_enum(name, &codes, doc, &at))
    }

    fn finish(mut self, spec: SpecInfo) -> Result<Model, Vec<Error>> {
        let v2_error_codes = self.v2_error_codes();
        let Some(v2_error_codes) = v2_error_codes.filter(|_| self.errors.is_empty()) else {
            return Err(self.errors);
        };
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
                aliases: BTreeMap::new(),
                stream_session: None,
            });
        }
        self.warnings.sort();
        let coverage = self.coverage();
        Ok(Model {
            spec: Spec {
                api_version: spec.api_version,
                sha256: spec.sha256,
            },
            modules,
            warnings: self.warnings,
            events: None,
            thin_events: None,
            coverage,
            config_warnings: Vec::new(),
            v2_error_codes,
            crates: Crates::default(),
            package: crate::package::Package::default(),
        })
    }

    /// The generated operations, and those not generated with select's reasons and ours.
    fn coverage(&mut self) -> Coverage {
        let mut not_generated = std::mem::take(&mut self.not_generated);
        not_generated.extend(self.sel.left_out.iter().map(|op| NotGenerated {
            key: OperationKey::new(operations::method(op.method), &op.path),
            operation_id: op.operation_id.clone(),
            reason: match &op.why {
                LeftOut::Skipped => Reason::Skipped,
                LeftOut::NotSelected(resource) => Reason::NotSelected {
                    resource: resource.clone(),
                },
                LeftOut::Ungenerated(why) => Reason::Unsupported(why.clone()),
            },
        }));
        not_generated.sort_by(|a, b| a.key.cmp(&b.key));
        let mut generated = std::mem::take(&mut self.generated);
        generated.sort();
        Coverage {
            generated,
            not_generated,
        }
    }
}

fn item_rank(it: &Item) -> u8 {
    match it {
        Item::Struct(s) if s.role == Role::Resource => 0,
        Item::Id(_) => 1,
        _ => 2,
    }
}

/// The spec's description, unless it is blank.
fn doc(s: &openapiv3::Schema) -> Doc {
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
