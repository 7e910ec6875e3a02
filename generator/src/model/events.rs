//! The events pass of the model stage: the event types of the spec, the object each one is
//! about, and the `event` resource's types made to decode by them (`Event.type` becomes the
//! event-type enum, `data.object` the object enum). It runs on the lowered types, before
//! boxing and aliasing, so those passes see the event types as they are emitted.
//!
//! The object of an event type is found by one rule: drop the last segment and take the schema
//! with that `x-resourceId` (`financial_connections.account.refreshed_balance` ->
//! `financial_connections.account`). The exceptions (`customer.subscription.*` is about a
//! `subscription`, ...) are data: `event_objects` in `spec/select.yaml`. What the spec says
//! (its event types, its `x-resourceId`s) is read by `select::events`.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, ErrorKind, Pointer};
use crate::load::Loaded;
use crate::naming::{self, FieldName, TypeName, VariantName};
use crate::select::events::{
    enabled_events_at, event_types, is_prefix_of, key_matches, resource_ids, EVENT_RESOURCE,
};
use crate::select::Selected;

use super::{
    name_error, Doc, EventKind, Events, Item, Model, ObjectVariant, StringEnum, ThinEvents, Ty,
    TypeRef,
};

/// How an event type's object was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mapping {
    /// By the rule (drop the last segment): this `x-resourceId`.
    Rule(String),
    /// By an `event_objects` entry (its key): an `x-resourceId`, or JSON on purpose.
    Listed {
        key: String,
        resource: Option<String>,
    },
    /// Neither: no rule applies and nothing is listed. The object stays JSON.
    Unmapped,
}

impl Mapping {
    /// The `x-resourceId` of the object, if any.
    pub fn resource(&self) -> Option<&str> {
        match self {
            Mapping::Rule(r) => Some(r),
            Mapping::Listed { resource, .. } => resource.as_deref(),
            Mapping::Unmapped => None,
        }
    }
}

/// The object of `event_type`: a listed exception (an exact key first, then the longest
/// `prefix.*` key), else the rule (drop the last segment, if that is an `x-resourceId`).
pub fn object_of(
    event_type: &str,
    listed: &BTreeMap<String, Option<String>>,
    resource_ids: &BTreeSet<&str>,
) -> Mapping {
    let listed_key = listed.get_key_value(event_type).or_else(|| {
        listed
            .iter()
            .filter(|(k, _)| is_prefix_of(k, event_type))
            .max_by_key(|(k, _)| k.len())
    });
    if let Some((key, resource)) = listed_key {
        return Mapping::Listed {
            key: key.clone(),
            resource: resource.clone(),
        };
    }
    match event_type.rsplit_once('.') {
        Some((object, _)) if resource_ids.contains(object) => Mapping::Rule(object.to_owned()),
        _ => Mapping::Unmapped,
    }
}

/// Types the events of the lowered types: the event-type enum joins the `event` module,
/// `Event`'s `type` becomes that enum and its `data.object` the object enum, and
/// [`Model::events`] records them. Does nothing when the selection has no `event` resource.
pub(super) fn type_events(selected: &Selected<'_>, model: &mut Model) -> Result<(), Vec<Error>> {
    let Some(event_resource) = selected.resources.iter().find(|r| r.id == EVENT_RESOURCE) else {
        return Ok(());
    };
    let mut errors = Vec::new();
    let ids = resource_ids(selected.loaded);
    let listed = &selected.selection.event_objects;
    check_listed(listed, &event_types(selected.loaded), &ids, &mut errors);
    let typed = typed_resources(selected, model);

    let names = (|| {
        Ok((
            naming::type_name("event_type")?,
            naming::type_name("event_object")?,
        ))
    })();
    let (type_enum, object_enum) = match names {
        Ok(n) => n,
        Err(e) => return Err(vec![name_error(&event_resource.schema, e)]),
    };
    let Some(event) = typed.get(EVENT_RESOURCE).cloned() else {
        return Err(vec![Error::unsupported(
            &event_resource.schema,
            "an `event` resource that is not an object",
        )]);
    };
    check_unclaimed(
        model,
        &[&type_enum, &object_enum],
        &event_resource.schema,
        &mut errors,
    );

    let kinds = event_kinds(selected.loaded, listed, &ids, &typed, &mut errors);
    let (type_field, data_field, data_struct, object_field) =
        match retype_event(model, &event, &type_enum, &object_enum) {
            Ok(f) => f,
            Err(e) => {
                errors.push(e);
                return Err(errors);
            }
        };
    if !errors.is_empty() {
        return Err(errors);
    }
    let unknown = naming::unknown_variant(&kinds.variants);
    let type_item = Item::Enum(StringEnum {
        name: type_enum.clone(),
        doc: Doc(Some(
            "The type of an event: the `enabled_events` of `POST /v1/webhook_endpoints`, without `*`."
                .to_owned(),
        )),
        variants: kinds.variants,
        unknown,
        at: enabled_events_at(),
    });
    if let Some(m) = model.modules.iter_mut().find(|m| m.name == event.module) {
        // Before the parameter structs, with the other object types.
        let at = m
            .items
            .iter()
            .position(|it| matches!(it, Item::Struct(s) if s.role.is_params()))
            .unwrap_or(m.items.len());
        m.items.insert(at, type_item);
    }
    model.warnings.extend(kinds.warnings);
    model.warnings.sort();
    model.events = Some(Events {
        module: event.module.clone(),
        event: event.name.clone(),
        type_field,
        data_field,
        data_struct,
        object_field,
        type_enum,
        object_enum,
        types: kinds.types,
        objects: kinds
            .objects
            .into_iter()
            // Boxed, as union members are: the enum is as large as its largest member otherwise.
            .map(|(name, ty)| ObjectVariant {
                name,
                ty,
                boxed: true,
            })
            .collect(),
    });
    Ok(())
}

/// The resource of thin events (v2): [`Model::thin_events`] is made when it is selected.
pub const THIN_EVENT_RESOURCE: &str = "v2.core.event";

/// Records what thin events may be about: every selected resource but the events, each a
/// variant of `ThinEventObject` in `v2.core.event`'s module. Does nothing without that resource.
pub(super) fn thin_events(selected: &Selected<'_>, model: &mut Model) -> Result<(), Vec<Error>> {
    let Some(thin) = selected
        .resources
        .iter()
        .find(|r| r.id == THIN_EVENT_RESOURCE)
    else {
        return Ok(());
    };
    let typed = typed_resources(selected, model);
    let Some(module) = typed.get(THIN_EVENT_RESOURCE).map(|t| t.module.clone()) else {
        return Err(vec![Error::unsupported(
            &thin.schema,
            "a `v2.core.event` resource that is not an object",
        )]);
    };
    let object_enum = match naming::type_name("thin_event_object") {
        Ok(n) => n,
        Err(e) => return Err(vec![name_error(&thin.schema, e)]),
    };
    let mut errors = Vec::new();
    check_unclaimed(model, &[&object_enum], &thin.schema, &mut errors);
    let mut objects = Vec::new();
    for (id, ty) in typed {
        if id == THIN_EVENT_RESOURCE || id == EVENT_RESOURCE {
            continue;
        }
        match naming::variant(id) {
            // Boxed, as the event objects are.
            Ok(name) => objects.push(ObjectVariant {
                name,
                ty,
                boxed: true,
            }),
            Err(e) => errors.push(name_error(&thin.schema, e)),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    objects.sort_by(|a, b| a.name.rust().cmp(b.name.rust()));
    model.thin_events = Some(ThinEvents {
        module,
        object_enum,
        objects,
    });
    Ok(())
}

/// The generated type of each selected resource, found by its schema pointer.
fn typed_resources<'s>(selected: &'s Selected<'_>, model: &Model) -> BTreeMap<&'s str, TypeRef> {
    let mut typed = BTreeMap::new();
    for r in &selected.resources {
        let found = model.modules.iter().find_map(|m| {
            m.items.iter().find_map(|it| {
                let at = match it {
                    Item::Struct(s) => &s.at,
                    Item::Union(u) => &u.at,
                    Item::Enum(_) | Item::Id(_) => return None,
                };
                (at == &r.schema).then(|| TypeRef {
                    module: m.name.clone(),
                    name: it.name().clone(),
                })
            })
        });
        if let Some(tref) = found {
            typed.insert(r.id.as_str(), tref);
        }
    }
    typed
}

/// The names the events add must not be taken by a generated type already.
fn check_unclaimed(model: &Model, names: &[&TypeName], at: &Pointer, errors: &mut Vec<Error>) {
    for m in &model.modules {
        for it in &m.items {
            if names.contains(&it.name()) {
                errors.push(Error::new(
                    at.clone(),
                    ErrorKind::NameCollision {
                        name: it.name().rust().to_owned(),
                        other: Pointer::schema(it.name().wire()),
                    },
                ));
            }
        }
    }
}

/// The event types with their variants, and the typed object each one is about.
struct Kinds {
    variants: Vec<VariantName>,
    types: Vec<EventKind>,
    objects: BTreeMap<VariantName, TypeRef>,
    warnings: Vec<String>,
}

fn event_kinds(
    loaded: &Loaded,
    listed: &BTreeMap<String, Option<String>>,
    ids: &BTreeSet<&str>,
    typed: &BTreeMap<&str, TypeRef>,
    errors: &mut Vec<Error>,
) -> Kinds {
    let types_at = enabled_events_at();
    let mut variants = Vec::new();
    for (i, wire) in event_types(loaded).iter().enumerate() {
        match naming::variant(wire) {
            Ok(v) => variants.push(v),
            Err(e) => errors.push(name_error(&types_at.push(&i.to_string()), e)),
        }
    }
    let mut warnings = Vec::new();
    for w in naming::dedupe_variants(&mut variants) {
        warnings.push(format!("{types_at}: {w}"));
    }
    let mut objects = BTreeMap::new();
    let mut types = Vec::new();
    for name in &variants {
        let mapping = object_of(name.wire(), listed, ids);
        if mapping == Mapping::Unmapped {
            warnings.push(format!(
                "{types_at}: the object of event type `{}` is not known (no `x-resourceId` `{}`); it stays JSON. List it under event_objects in spec/select.yaml",
                name.wire(),
                name.wire().rsplit_once('.').map_or("", |(o, _)| o)
            ));
        }
        let resource = mapping.resource().map(str::to_owned);
        let object = match resource
            .as_deref()
            .and_then(|r| typed.get(r).map(|t| (r, t)))
        {
            Some((r, tref)) if r != EVENT_RESOURCE => match naming::variant(r) {
                Ok(v) => {
                    objects.insert(v.clone(), tref.clone());
                    Some(v)
                }
                Err(e) => {
                    errors.push(name_error(&types_at, e));
                    None
                }
            },
            _ => None,
        };
        types.push(EventKind {
            name: name.clone(),
            resource,
            object,
        });
    }
    Kinds {
        variants,
        types,
        objects,
        warnings,
    }
}

/// Every `event_objects` entry must name an `x-resourceId` of the spec. Only entries that apply
/// to some event type get here: the others are stale, warned about and dropped before select
/// (`crate::stale`), so an entry is an error only when the spec has its events and lacks the
/// object it names.
fn check_listed(
    listed: &BTreeMap<String, Option<String>>,
    types: &[String],
    ids: &BTreeSet<&str>,
    errors: &mut Vec<Error>,
) {
    for (key, resource) in listed {
        let Some(r) = resource else { continue };
        if ids.contains(r.as_str()) {
            continue;
        }
        let matching: Vec<&str> = types
            .iter()
            .map(String::as_str)
            .filter(|t| key_matches(key, t))
            .collect();
        let examples = match matching.as_slice() {
            [] => String::new(),
            [one] => format!(" (event type `{one}`)"),
            [first, rest @ ..] => format!(
                " ({} event types: `{first}` and {} more)",
                matching.len(),
                rest.len()
            ),
        };
        errors.push(Error::new(
            Pointer::root().push("event_objects").push(key),
            ErrorKind::Config {
                file: "spec/select.yaml",
                what: format!(
                    "`{key}` applies to this spec's events{examples}, but `{r}` is not an `x-resourceId` of the spec; name the object's `x-resourceId`, or `~` to keep the object as JSON"
                ),
            },
        ));
    }
}

/// `Event.type` becomes the event-type enum and `Event.data.object` the object enum. Returns
/// the names of those three fields, with the struct of `data` before `object`'s.
fn retype_event(
    model: &mut Model,
    event: &TypeRef,
    type_enum: &TypeName,
    object_enum: &TypeName,
) -> Result<(FieldName, FieldName, TypeName, FieldName), Error> {
    let here = |name: &TypeName| TypeRef {
        module: event.module.clone(),
        name: name.clone(),
    };
    let at = Pointer::schema(EVENT_RESOURCE);
    let module = model
        .modules
        .iter_mut()
        .find(|m| m.name == event.module)
        .ok_or_else(|| Error::internal(&at, "the event resource has no module"))?;
    let mut data_type = None;
    let mut fields = (None, None);
    for it in &mut module.items {
        let Item::Struct(s) = it else { continue };
        if s.name != event.name {
            continue;
        }
        for f in &mut s.fields {
            match (f.name.wire(), &f.ty) {
                ("type", Ty::Str) => {
                    f.ty = Ty::Named(here(type_enum));
                    fields.0 = Some(f.name.clone());
                }
                ("data", Ty::Named(d)) if d.module == event.module => {
                    data_type = Some(d.name.clone());
                    fields.1 = Some(f.name.clone());
                }
                _ => {}
            }
        }
    }
    let (Some(type_field), Some(data_field), Some(data_type)) = (fields.0, fields.1, data_type)
    else {
        return Err(Error::unsupported(
            &at,
            "an event without a string `type` and an object `data` of its own (webhook events need both)",
        ));
    };
    let mut object_field = None;
    for it in &mut module.items {
        let Item::Struct(s) = it else { continue };
        if s.name != data_type {
            continue;
        }
        for f in &mut s.fields {
            if f.name.wire() == "object" && f.ty == Ty::Json {
                f.ty = Ty::Named(here(object_enum));
                object_field = Some(f.name.clone());
            }
        }
    }
    let object_field = object_field.ok_or_else(|| {
        Error::unsupported(
            &at.push("properties").push("data"),
            "an event `data` without a free-form `object` (webhook events decode it by type)",
        )
    })?;
    Ok((type_field, data_field, data_type, object_field))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(entries: &[(&str, Option<&str>)]) -> BTreeMap<String, Option<String>> {
        entries
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.map(str::to_owned)))
            .collect()
    }

    #[test]
    fn the_rule_drops_the_last_segment_and_listed_entries_win() {
        let ids: BTreeSet<&str> = ["charge", "dispute", "source", "source_mandate_notification"]
            .into_iter()
            .collect();
        let listed = listed(&[
            ("charge.dispute.*", Some("dispute")),
            (
                "source.mandate_notification",
                Some("source_mandate_notification"),
            ),
            ("account.application.*", None),
        ]);
        let cases = [
            ("charge.succeeded", Mapping::Rule("charge".into())),
            (
                "charge.dispute.closed",
                Mapping::Listed {
                    key: "charge.dispute.*".into(),
                    resource: Some("dispute".into()),
                },
            ),
            ("source.chargeable", Mapping::Rule("source".into())),
            (
                "source.mandate_notification",
                Mapping::Listed {
                    key: "source.mandate_notification".into(),
                    resource: Some("source_mandate_notification".into()),
                },
            ),
            (
                "account.application.authorized",
                Mapping::Listed {
                    key: "account.application.*".into(),
                    resource: None,
                },
            ),
            ("invoice.paid", Mapping::Unmapped),
            ("nodots", Mapping::Unmapped),
            // A prefix entry matches whole segments only.
            ("charge.disputes_x.y", Mapping::Unmapped),
        ];
        for (event_type, want) in cases {
            assert_eq!(object_of(event_type, &listed, &ids), want, "{event_type}");
        }
    }
}
