//! What the spec says about webhook events, for select, `stale` and the model's events pass:
//! the event types, the `x-resourceId`s, how an `event_objects` key matches an event type, and
//! the resource webhooks need whatever is selected.
//!
//! Stripe's spec3 has no `x-stripeEvent`; the event types are the values of `enabled_events`
//! in `POST /v1/webhook_endpoints`.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::error::Pointer;
use crate::load::Loaded;

/// The `x-resourceId` of Stripe's event object.
pub const EVENT_RESOURCE: &str = "event";

/// The value of `enabled_events` that subscribes to every event; not an event type.
const WILDCARD: &str = "*";

/// Where the spec lists its event types.
pub fn enabled_events_at() -> Pointer {
    Pointer::root()
        .push("paths")
        .push("/v1/webhook_endpoints")
        .push("post")
        .push("requestBody")
        .push("content")
        .push("application/x-www-form-urlencoded")
        .push("schema")
        .push("properties")
        .push("enabled_events")
        .push("items")
        .push("enum")
}

/// The event types of the spec, sorted, without the wildcard.
pub fn event_types(loaded: &Loaded) -> Vec<String> {
    let mut types: Vec<String> = loaded
        .get(&enabled_events_at())
        .and_then(Value::as_array)
        .map(|values| {
            values
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != WILDCARD)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    types.sort();
    types.dedup();
    types
}

/// Every `x-resourceId` of the spec.
pub fn resource_ids(loaded: &Loaded) -> BTreeSet<&str> {
    loaded
        .doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| {
            schemas
                .values()
                .filter_map(|s| s.get("x-resourceId")?.as_str())
                .collect()
        })
        .unwrap_or_default()
}

/// The resource selected whatever `spec/select.yaml` lists: webhooks verify and return an
/// `Event`, so the `event` resource is selected when the spec has one. `None` for a spec
/// without it (such as the generator's small fixtures), which then gets no events.
pub fn webhook_resource(loaded: &Loaded) -> Option<String> {
    resource_ids(loaded)
        .contains(EVENT_RESOURCE)
        .then(|| EVENT_RESOURCE.to_owned())
}

/// Whether `event_objects` key `key` (an event type, or a prefix ending in `.*`) applies to
/// `event_type`.
pub fn key_matches(key: &str, event_type: &str) -> bool {
    key == event_type || is_prefix_of(key, event_type)
}

/// Whether `key` is a `prefix.*` entry that covers `event_type` (whole segments only).
pub fn is_prefix_of(key: &str, event_type: &str) -> bool {
    key.strip_suffix('*')
        .is_some_and(|prefix| prefix.ends_with('.') && event_type.starts_with(prefix))
}
