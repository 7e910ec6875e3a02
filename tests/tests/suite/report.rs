//! The change report of a spec bump, on real variations of the pinned spec: each test edits the
//! spec as JSON, generates from the edited bytes (accepted by the pin through `also_accept`),
//! and checks the report line by line.

use generator::summary::{self, Summary};
use serde_json::{json, Value};

fn pinned_doc() -> Value {
    let bytes = xtask::pinned_spec().unwrap_or_else(|e| panic!("{e:#}"));
    serde_json::from_slice(&bytes).unwrap()
}

/// The summary of what `doc` generates with the committed selection.
fn summary_of(doc: &Value) -> Summary {
    let bytes = serde_json::to_vec(doc).unwrap();
    let mut manifest = xtask::pin().unwrap().manifest;
    manifest
        .also_accept
        .push(generator::load::sha256_hex(&bytes));
    let model = generator::model(&bytes, &manifest, &xtask::selection().unwrap())
        .unwrap_or_else(|e| panic!("{e}"));
    summary::summarize(&model)
}

/// The Markdown report of `edit` applied to the pinned spec, as lines.
fn report_lines(edit: impl FnOnce(&mut Value)) -> Vec<String> {
    let before = pinned_doc();
    let mut after = before.clone();
    edit(&mut after);
    let report = summary::diff(&summary_of(&before), &summary_of(&after));
    report.markdown().lines().map(str::to_owned).collect()
}

fn at<'a>(doc: &'a mut Value, pointer: &str) -> &'a mut Value {
    doc.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("the pinned spec has nothing at {pointer}"))
}

const SESSION: &str = "/components/schemas/financial_connections.session";
const CREATE: &str = "/paths/~1v1~1financial_connections~1sessions/post/requestBody/content/application~1x-www-form-urlencoded/schema";
/// The form body of `POST /v1/link_account_sessions`, the legacy alias of [`CREATE`]'s path.
const LEGACY_CREATE: &str = "/paths/~1v1~1link_account_sessions/post/requestBody/content/application~1x-www-form-urlencoded/schema";
/// `2026-01-28.clover (5565665ef30a)`: how reports name the pinned spec.
fn pinned_label() -> String {
    let m = xtask::pin().unwrap().manifest;
    format!("{} ({})", m.api_version, &m.sha256[..12])
}

fn heading() -> String {
    let p = pinned_label();
    format!("## Generated API changes: {p} -> {p}")
}

fn remove(doc: &mut Value, pointer: &str, key: &str) {
    let removed = at(doc, pointer).as_object_mut().unwrap().remove(key);
    assert!(removed.is_some(), "no {key} at {pointer}");
}

#[test]
fn the_pinned_spec_reports_no_changes() {
    assert_eq!(
        report_lines(|_| {}),
        [heading().as_str(), "", "No changes to the generated API."]
    );
    let s = summary_of(&pinned_doc());
    let r = summary::diff(&s, &s);
    assert_eq!(
        r.terminal(),
        format!("generated API unchanged ({})\n", pinned_label())
    );
}

#[test]
fn removing_a_response_field_is_breaking() {
    let lines = report_lines(|doc| remove(doc, &format!("{SESSION}/properties"), "return_url"));
    assert_eq!(
        lines,
        [
            heading().as_str(),
            "",
            "1 breaking, 0 non-breaking changes in the selected resources.",
            "",
            "### Breaking",
            "",
            "- `FinancialConnectionsSession.return_url`: field removed (was `Option<String>`)",
        ]
    );
}

fn add_permission(doc: &mut Value, schema: &str) {
    let values = at(doc, &format!("{schema}/properties/permissions/items/enum"));
    values.as_array_mut().unwrap().push(json!("identity"));
}

#[test]
fn adding_an_enum_value_is_not_breaking() {
    let lines = report_lines(|doc| {
        add_permission(doc, SESSION);
        add_permission(doc, CREATE);
    });
    assert_eq!(
        lines,
        [
            heading().as_str(),
            "",
            "0 breaking, 1 non-breaking changes in the selected resources.",
            "",
            "### Non-breaking",
            "",
            "- `FinancialConnectionsSessionPermissions::Identity`: enum value `identity` added",
        ]
    );
}

/// The create parameter and the response field share one enum type while their values agree.
/// A value added to the response only splits them, and the parameter's type changes.
#[test]
fn an_enum_value_added_on_one_side_only_unshares_the_enum() {
    let lines = report_lines(|doc| add_permission(doc, SESSION));
    assert_eq!(
        lines,
        [
            heading().as_str(),
            "",
            "1 breaking, 2 non-breaking changes in the selected resources.",
            "",
            "### Breaking",
            "",
            "- `CreateFinancialConnectionsSession.permissions`: type changed from `Vec<FinancialConnectionsSessionPermissions>` to `Vec<CreateFinancialConnectionsSessionPermissions>`",
            "",
            "### Non-breaking",
            "",
            "- `CreateFinancialConnectionsSessionPermissions`: enum type added",
            "- `FinancialConnectionsSessionPermissions::Identity`: enum value `identity` added",
        ]
    );
}

#[test]
fn required_parameters_are_breaking_optional_ones_are_not() {
    let lines = report_lines(|doc| {
        // On the legacy alias too, as Stripe ships them: a path whose parameters differ from the
        // resource's own is an operation of its own, not an alias.
        for body in [CREATE, LEGACY_CREATE] {
            let required = at(doc, &format!("{body}/required"));
            required.as_array_mut().unwrap().push(json!("return_url"));
            let props = at(doc, &format!("{body}/properties"));
            let props = props.as_object_mut().unwrap();
            props.insert("locale".into(), json!({"type": "string"}));
            props.insert(
                "nickname".into(),
                json!({"type": "string", "maxLength": 5000}),
            );
            at(doc, &format!("{body}/required"))
                .as_array_mut()
                .unwrap()
                .push(json!("nickname"));
        }
    });
    assert_eq!(
        lines,
        [
            heading().as_str(),
            "",
            "2 breaking, 1 non-breaking changes in the selected resources.",
            "",
            "### Breaking",
            "",
            "- `CreateFinancialConnectionsSession.nickname`: required parameter added (`String`), a new argument of `CreateFinancialConnectionsSession::new`",
            "- `CreateFinancialConnectionsSession.return_url`: presence optional -> required: `Option<String>` becomes `String`, and the arguments of `CreateFinancialConnectionsSession::new` change",
            "",
            "### Non-breaking",
            "",
            "- `CreateFinancialConnectionsSession.locale`: optional parameter added (`Option<String>`)",
        ]
    );
}

#[test]
fn a_type_change_and_a_new_response_field() {
    let lines = report_lines(|doc| {
        *at(doc, &format!("{SESSION}/properties/livemode/type")) = json!("string");
        at(doc, &format!("{SESSION}/properties"))
            .as_object_mut()
            .unwrap()
            .insert("status".into(), json!({"type": "string", "nullable": true}));
    });
    assert_eq!(
        lines,
        [
            heading().as_str(),
            "",
            "1 breaking, 1 non-breaking changes in the selected resources.",
            "",
            "### Breaking",
            "",
            "- `FinancialConnectionsSession.livemode`: type changed from `bool` to `String`",
            "",
            "### Non-breaking",
            "",
            "- `FinancialConnectionsSession.status`: field added (`Option<Option<String>>`); breaks only struct literals, response structs are not #[non_exhaustive]",
        ]
    );
}

#[test]
fn nullable_in_a_response_is_breaking() {
    let lines = report_lines(|doc| {
        at(doc, &format!("{SESSION}/properties/livemode"))
            .as_object_mut()
            .unwrap()
            .insert("nullable".into(), json!(true));
    });
    assert_eq!(
        lines[2..],
        [
            "1 breaking, 0 non-breaking changes in the selected resources.",
            "",
            "### Breaking",
            "",
            "- `FinancialConnectionsSession.livemode`: presence required -> nullable: `bool` becomes `Option<bool>`",
        ]
    );
}

#[test]
fn operations_added_and_removed() {
    let lines = report_lines(|doc| {
        // `retrieve` goes, with its legacy alias; an `update` (POST /v1/.../{session}) comes.
        let get = at(
            doc,
            "/paths/~1v1~1financial_connections~1sessions~1{session}/get",
        )
        .clone();
        let mut post = get;
        post["operationId"] = json!("PostFinancialConnectionsSessionsSession");
        let item = at(
            doc,
            "/paths/~1v1~1financial_connections~1sessions~1{session}",
        );
        let item = item.as_object_mut().unwrap();
        item.remove("get");
        item.insert("post".into(), post);
        remove(doc, "/paths/~1v1~1link_account_sessions~1{session}", "get");
    });
    assert_eq!(
        lines,
        [
            heading().as_str(),
            "",
            "2 breaking, 2 non-breaking changes in the selected resources.",
            "",
            "### Breaking",
            "",
            "- `FinancialConnectionsSession::retrieve`: operation removed (`GET /v1/financial_connections/sessions/{session}`)",
            "- `RetrieveFinancialConnectionsSession`: parameters type removed",
            "",
            "### Non-breaking",
            "",
            "- `FinancialConnectionsSession::update`: operation added (`POST /v1/financial_connections/sessions/{session}`)",
            "- `UpdateFinancialConnectionsSession`: parameters type added",
        ]
    );
}

#[test]
fn the_terminal_summary_has_one_line_per_change() {
    let before = pinned_doc();
    let mut after = before.clone();
    remove(&mut after, &format!("{SESSION}/properties"), "return_url");
    add_permission(&mut after, SESSION);
    add_permission(&mut after, CREATE);
    let report = summary::diff(&summary_of(&before), &summary_of(&after));
    assert_eq!(
        report.terminal().lines().collect::<Vec<_>>(),
        [
            format!("generated API changes {p} -> {p}: 1 breaking, 1 non-breaking", p = pinned_label()).as_str(),
            "  BREAKING  FinancialConnectionsSession.return_url: field removed (was `Option<String>`)",
            "  ok        FinancialConnectionsSessionPermissions::Identity: enum value `identity` added",
        ]
    );
}

const ENABLED_EVENTS: &str = "/paths/~1v1~1webhook_endpoints/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties/enabled_events/items/enum";

#[test]
fn event_types_added_and_removed_are_reported() {
    let lines = report_lines(|doc| {
        let types = at(doc, ENABLED_EVENTS).as_array_mut().unwrap();
        types.retain(|t| t != "financial_connections.account.refreshed_balance");
        types.push(json!("financial_connections.account.upgraded"));
        types.push(json!("climate.supplier.created"));
    });
    assert_eq!(
        lines,
        [
            heading().as_str(),
            "",
            "1 breaking, 2 non-breaking changes in the selected resources.",
            "",
            "### Breaking",
            "",
            "- `EventType::FinancialConnectionsAccountRefreshedBalance`: event type `financial_connections.account.refreshed_balance` removed",
            "",
            "### Non-breaking",
            "",
            "- `EventType::ClimateSupplierCreated`: event type `climate.supplier.created` added; its object decodes as `EventObject::Other`",
            "- `EventType::FinancialConnectionsAccountUpgraded`: event type `financial_connections.account.upgraded` added; its object decodes as `EventObject::FinancialConnectionsAccount`",
        ]
    );
}
