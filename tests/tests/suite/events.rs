//! The event type -> object mapping over every event type of the pinned spec: each maps to an
//! `x-resourceId` that exists, or is listed in `spec/select.yaml` as deliberately JSON.

use std::collections::BTreeSet;

use generator::model::events::{object_of, Mapping};
use generator::select::events::{event_types, resource_ids};

fn pinned() -> (Vec<u8>, generator::Manifest, generator::Selection) {
    let spec = xtask::pinned_spec().unwrap_or_else(|e| panic!("{e:#}"));
    (
        spec,
        xtask::pin().unwrap().manifest,
        xtask::selection().unwrap(),
    )
}

#[test]
fn every_event_type_maps_to_a_resource_or_is_listed_as_json() {
    let (spec, manifest, selection) = pinned();
    let loaded = generator::load::load(&spec, &manifest).unwrap();
    let doc = &loaded.doc;
    let raw = doc["paths"]["/v1/webhook_endpoints"]["post"]["requestBody"]["content"]
        ["application/x-www-form-urlencoded"]["schema"]["properties"]["enabled_events"]["items"]
        ["enum"]
        .as_array()
        .unwrap();
    // 247 values: the 246 event types and the `*` wildcard, which is no event type.
    assert_eq!(raw.len(), 247);
    let types = event_types(&loaded);
    assert_eq!(types.len(), 246);
    assert!(!types.iter().any(|t| t == "*"));

    let ids = resource_ids(&loaded);
    let listed = &selection.event_objects;
    let mut used_keys = BTreeSet::new();
    let mut json_on_purpose = Vec::new();
    for t in &types {
        match object_of(t, listed, &ids) {
            Mapping::Rule(r) => assert!(ids.contains(r.as_str()), "{t} -> {r}"),
            Mapping::Listed { key, resource } => {
                match &resource {
                    Some(r) => assert!(ids.contains(r.as_str()), "{t} -> {r} (listed as {key})"),
                    None => json_on_purpose.push(t.as_str()),
                }
                used_keys.insert(key);
            }
            Mapping::Unmapped => panic!("{t}: no rule applies; list it under event_objects"),
        }
    }
    // Every listed exception is used: a stale entry would hide a changed spec.
    let keys: BTreeSet<String> = listed.keys().cloned().collect();
    assert_eq!(keys, used_keys);
    assert_eq!(
        json_on_purpose,
        [
            "account.application.authorized",
            "account.application.deauthorized",
            "entitlements.active_entitlement_summary.updated",
        ]
    );

    // The irregular cases the issue names, and the rule's own cases.
    for (t, want) in [
        ("customer.subscription.trial_will_end", "subscription"),
        ("charge.refund.updated", "refund"),
        ("charge.dispute.funds_withdrawn", "dispute"),
        ("issuing_authorization.request", "issuing.authorization"),
        ("account.external_account.created", "external_account"),
        ("customer.source.expiring", "payment_source"),
        ("source.mandate_notification", "source_mandate_notification"),
        ("source.chargeable", "source"),
        (
            "financial_connections.account.refreshed_balance",
            "financial_connections.account",
        ),
        ("invoice.payment_failed", "invoice"),
    ] {
        assert_eq!(object_of(t, listed, &ids).resource(), Some(want), "{t}");
    }
}

#[test]
fn the_model_types_the_objects_of_selected_resources_only() {
    let (spec, manifest, selection) = pinned();
    assert!(!selection.resources.iter().any(|r| r == "event"));
    let model = generator::model(&spec, &manifest, &selection).unwrap();
    assert!(
        !model.warnings.iter().any(|w| w.contains("event type")),
        "{:#?}",
        model.warnings
    );
    let events = model
        .events
        .expect("the event resource is added for webhooks");
    assert_eq!(events.types.len(), 246);
    let typed: Vec<(&str, &str)> = events
        .types
        .iter()
        .filter_map(|t| Some((t.name.wire(), t.object.as_ref()?.rust())))
        .collect();
    // The nine `financial_connections.account.*` events, and `file.created`.
    assert_eq!(typed.len(), 10);
    for (wire, variant) in typed {
        if wire == "file.created" {
            assert_eq!(variant, "File");
            continue;
        }
        assert!(wire.starts_with("financial_connections.account."), "{wire}");
        assert_eq!(variant, "FinancialConnectionsAccount");
    }
    let customer = events
        .types
        .iter()
        .find(|t| t.name.wire() == "customer.created")
        .unwrap();
    assert_eq!(
        (customer.resource.as_deref(), &customer.object),
        (Some("customer"), &None)
    );
}

#[test]
fn a_listed_object_that_is_no_resource_is_an_error_naming_the_entry() {
    let (spec, manifest, mut selection) = pinned();
    selection
        .event_objects
        .insert("charge.dispute.*".into(), Some("disputes".into()));
    let errors = generator::model(&spec, &manifest, &selection).unwrap_err();
    let text = errors.to_string();
    assert!(
        text.contains("#/event_objects/charge.dispute.*")
            && text.contains("`disputes` is not an `x-resourceId` of the spec"),
        "{text}"
    );
}
