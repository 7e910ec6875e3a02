//! Webhook event types in the summary and the change report: which types exist, and what each
//! one's `data.object` decodes as.
//!
//! A new event type is not breaking (`EventType` is `#[non_exhaustive]`, and the type already
//! decoded into its catch-all). A removed one is. So is a changed object: a `match` on the old
//! `EventObject` variant stops matching.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::Model;

/// One event type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSummary {
    /// Its `EventType` variant.
    pub variant: String,
    /// What its object decodes as: `EventObject::<Variant>`, or `EventObject::Other` (JSON).
    pub object: String,
}

/// Event types by wire name; empty when the model has no events.
pub fn summarize(model: &Model) -> BTreeMap<String, EventSummary> {
    let Some(events) = &model.events else {
        return BTreeMap::new();
    };
    let object_enum = events.object_enum.rust();
    events
        .types
        .iter()
        .map(|t| {
            let object = match &t.object {
                Some(v) => format!("{object_enum}::{v}"),
                None => format!("{object_enum}::Other"),
            };
            let summary = EventSummary {
                variant: format!("{}::{}", events.type_enum, t.name),
                object,
            };
            (t.name.wire().to_owned(), summary)
        })
        .collect()
}

/// The event types added, removed or decoded differently.
pub fn diff(
    old: &BTreeMap<String, EventSummary>,
    new: &BTreeMap<String, EventSummary>,
    push: &mut impl FnMut(bool, String, String),
) {
    for (wire, o) in old {
        if !new.contains_key(wire) {
            push(
                true,
                o.variant.clone(),
                format!("event type `{wire}` removed"),
            );
        }
    }
    for (wire, n) in new {
        match old.get(wire) {
            None => push(
                false,
                n.variant.clone(),
                format!(
                    "event type `{wire}` added; its object decodes as `{}`",
                    n.object
                ),
            ),
            Some(o) if o.object != n.object => push(
                true,
                n.variant.clone(),
                format!(
                    "the object of `{wire}` decodes as `{}` instead of `{}`",
                    n.object, o.object
                ),
            ),
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(variant: &str, object: &str) -> EventSummary {
        EventSummary {
            variant: variant.into(),
            object: object.into(),
        }
    }

    #[test]
    fn added_types_do_not_break_removed_and_retyped_ones_do() {
        let old = BTreeMap::from([
            ("a.b".to_owned(), one("EventType::AB", "EventObject::Other")),
            ("c.d".to_owned(), one("EventType::CD", "EventObject::Other")),
        ]);
        let new = BTreeMap::from([
            ("a.b".to_owned(), one("EventType::AB", "EventObject::A")),
            ("e.f".to_owned(), one("EventType::EF", "EventObject::Other")),
        ]);
        let mut changes = Vec::new();
        diff(&old, &new, &mut |b, s, w| changes.push((b, s, w)));
        assert_eq!(
            changes,
            [
                (true, "EventType::CD".into(), "event type `c.d` removed".into()),
                (
                    true,
                    "EventType::AB".into(),
                    "the object of `a.b` decodes as `EventObject::A` instead of `EventObject::Other`".into()
                ),
                (
                    false,
                    "EventType::EF".into(),
                    "event type `e.f` added; its object decodes as `EventObject::Other`".into()
                ),
            ]
        );
    }
}
