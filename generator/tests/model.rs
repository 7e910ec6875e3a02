#![allow(clippy::unwrap_used, clippy::panic)] // Test helpers: a failure here is a failed test.

//! Documented config and naming behaviours, asserted on the model: legacy-alias warnings,
//! `skip_operations`, a rename that resolves a clash, and `secret_fields` from the config at any
//! depth, and types of the same shape made aliases of one.

use generator::load::sha256_hex;
use generator::model::{Item, Model, Reason, Struct, Ty};
use generator::{Errors, Manifest, Selection};

/// The model of a spec whose `x-select` holds its selection.
fn model(spec: &str) -> Result<Model, Errors> {
    let doc: serde_yaml::Value = serde_yaml::from_str(spec).unwrap();
    let select = serde_yaml::to_string(&doc["x-select"]).unwrap();
    let manifest = Manifest {
        api_version: "2024-04-10".into(),
        sha256: sha256_hex(spec.as_bytes()),
        also_accept: Vec::new(),
    };
    generator::model(
        spec.as_bytes(),
        &manifest,
        &Selection::from_yaml(select.as_bytes()).unwrap(),
    )
}

fn items(m: &Model) -> impl Iterator<Item = &Item> {
    m.modules.iter().flat_map(|m| &m.items)
}

fn find_struct<'m>(m: &'m Model, name: &str) -> &'m Struct {
    items(m)
        .find_map(|it| match it {
            Item::Struct(s) if s.name.rust() == name => Some(s),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no struct {name}"))
}

fn field_ty<'m>(s: &'m Struct, wire: &str) -> &'m Ty {
    &s.fields.iter().find(|f| f.name.wire() == wire).unwrap().ty
}

fn functions(m: &Model) -> Vec<(String, String)> {
    m.modules
        .iter()
        .flat_map(|m| &m.ops)
        .map(|o| (o.name.rust().to_owned(), o.operation_id.clone()))
        .collect()
}

#[test]
fn a_legacy_alias_path_is_skipped_with_a_warning() {
    let spec = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/operations.yaml"
    ))
    .unwrap();
    let m = model(&spec).unwrap();
    assert!(
        m.warnings.contains(
            &"#/paths/~1v1~1legacy_widgets/post: `/v1/legacy_widgets` is an alias of `/v1/widgets/widgets` (create); skipped".to_owned()
        ),
        "{:?}",
        m.warnings
    );
    let creates: Vec<_> = functions(&m)
        .into_iter()
        .filter(|(f, _)| f == "create")
        .collect();
    assert_eq!(
        creates,
        [("create".to_owned(), "PostWidgetsWidgets".to_owned())]
    );
}

const SKIPPED: &str = r#"
openapi: 3.0.0
info: {title: skip, version: '2024-04-10'}
x-select: {resources: [thing], skip_operations: [PostThingsUpload]}
components:
  schemas:
    thing:
      x-resourceId: thing
      type: object
      required: [id]
      properties:
        id: {type: string}
    upload_only:
      type: object
      properties: {bytes: {type: string}}
paths:
  /v1/things:
    post:
      operationId: PostThings
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema: {type: object, properties: {name: {type: string}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/thing'}}}}
  /v1/things/upload:
    post:
      operationId: PostThingsUpload
      parameters: not a list
      requestBody:
        content:
          multipart/form-data:
            schema: {$ref: '#/components/schemas/upload_only'}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/thing'}}}}
"#;

#[test]
fn a_skipped_operation_is_never_read() {
    let m = model(SKIPPED).unwrap();
    assert_eq!(
        functions(&m),
        [("create".to_owned(), "PostThings".to_owned())]
    );
    assert_eq!(
        m.warnings,
        ["#/paths/~1v1~1things~1upload/post: PostThingsUpload skipped, as spec/select.yaml says"]
    );
    // Its body's schema is reached only through it, so it is not generated either.
    assert!(items(&m).all(|it| it.name().rust() != "UploadOnly"));
    // The same operation, not skipped, fails the run: what was skipped really is malformed.
    let errors = model(&SKIPPED.replace("skip_operations: [PostThingsUpload]", ""))
        .unwrap_err()
        .to_string();
    assert!(
        errors.contains(
            "#/paths/~1v1~1things~1upload/post/parameters: not a valid OpenAPI 3 operation"
        ),
        "{errors}"
    );
}

const CLASH: &str = r#"
openapi: 3.0.0
info: {title: rename, version: '2024-04-10'}
x-select: {resources: [thing], renames: {thing_detail: ThingDetails}}
components:
  schemas:
    thing:
      x-resourceId: thing
      type: object
      properties:
        detail: {type: object, properties: {a: {type: string}}}
        more: {$ref: '#/components/schemas/thing_detail'}
    thing_detail:
      type: object
      properties: {b: {type: integer}}
paths: {}
"#;

#[test]
fn a_rename_gives_the_component_its_configured_name() {
    let m = model(CLASH).unwrap();
    let thing = find_struct(&m, "Thing");
    // The component takes the configured name; the inline `detail` keeps `ThingDetail` with
    // no numeric suffix, because the component no longer claims it.
    assert!(
        matches!(field_ty(thing, "more"), Ty::Named(r) if r.name.rust() == "ThingDetails"),
        "{thing:?}"
    );
    assert!(
        matches!(field_ty(thing, "detail"), Ty::Named(r) if r.name.rust() == "ThingDetail"),
        "{thing:?}"
    );
    assert_eq!(find_struct(&m, "ThingDetails").fields[0].name.wire(), "b");
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    // Without the rename, the inline schema loses its name to the component.
    let m = model(&CLASH.replace(", renames: {thing_detail: ThingDetails}", "")).unwrap();
    assert!(
        matches!(field_ty(find_struct(&m, "Thing"), "detail"), Ty::Named(r) if r.name.rust() == "ThingDetail2"),
    );
}

const SECRETS: &str = r#"
openapi: 3.0.0
info: {title: secrets, version: '2024-04-10'}
x-select: {resources: [thing], secret_fields: [passcode]}
components:
  schemas:
    thing:
      x-resourceId: thing
      type: object
      properties:
        id: {type: string}
        passcode: {type: string}
        next_action:
          type: object
          properties:
            redirect:
              type: object
              properties:
                passcode: {type: string}
                url: {type: string}
        attempts: {type: array, items: {$ref: '#/components/schemas/thing_attempt'}}
    thing_attempt:
      type: object
      properties:
        passcode: {type: string, nullable: true}
paths:
  /v1/things:
    post:
      operationId: PostThings
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties:
                confirm:
                  type: object
                  properties: {passcode: {type: string}, note: {type: string}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/thing'}}}}
"#;

#[test]
fn secret_fields_are_secret_at_any_depth() {
    let m = model(SECRETS).unwrap();
    for (strukt, wire) in [
        ("Thing", "passcode"),
        ("ThingNextActionRedirect", "passcode"),
        ("ThingAttempt", "passcode"),
        ("CreateThingConfirm", "passcode"),
    ] {
        assert_eq!(
            field_ty(find_struct(&m, strukt), wire),
            &Ty::Secret,
            "{strukt}.{wire}"
        );
    }
    assert_eq!(
        field_ty(find_struct(&m, "ThingNextActionRedirect"), "url"),
        &Ty::Str
    );
    assert_eq!(
        field_ty(find_struct(&m, "CreateThingConfirm"), "note"),
        &Ty::Str
    );
}

const SHAPES: &str = r#"
openapi: 3.0.0
info: {title: shapes, version: '2024-04-10'}
x-select: {resources: [thing]}
components:
  schemas:
    thing:
      x-resourceId: thing
      type: object
      properties:
        id: {type: string}
        a_status: {type: string, enum: [x, y]}
        b_status: {type: string, enum: [y, x]}
        wider_status: {type: string, enum: [x, y, z]}
        first:
          type: object
          properties: {status: {type: string, enum: [x, y]}, n: {type: integer}}
        second:
          type: object
          properties: {n: {type: integer}, status: {type: string, enum: [y, x]}}
        required_n:
          type: object
          required: [n]
          properties: {status: {type: string, enum: [x, y]}, n: {type: integer}}
paths: {}
"#;

/// Alias -> kept, of every module.
fn aliases(m: &Model) -> Vec<(String, String)> {
    m.modules
        .iter()
        .flat_map(|m| &m.aliases)
        .map(|(a, k)| (a.rust().to_owned(), k.rust().to_owned()))
        .collect()
}

#[test]
fn types_of_the_same_shape_are_aliases_of_one() {
    let m = model(SHAPES).unwrap();
    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(a, k)| (a.to_string(), k.to_string()))
            .collect()
    };
    // Enums with the same values in any order; then the structs whose fields are the same
    // once those enums are one (a second round). Not the enum with more values, nor the
    // struct whose `n` is required; the kept type is the shortest name.
    assert_eq!(
        aliases(&m),
        pairs(&[
            ("ThingBStatus", "ThingAStatus"),
            ("ThingFirstStatus", "ThingAStatus"),
            ("ThingRequiredNStatus", "ThingAStatus"),
            ("ThingSecond", "ThingFirst"),
            ("ThingSecondStatus", "ThingAStatus"),
        ])
    );
    // The same whatever the order of the properties.
    let reordered = SHAPES.replace(
        "        a_status: {type: string, enum: [x, y]}\n        b_status: {type: string, enum: [y, x]}\n",
        "        b_status: {type: string, enum: [y, x]}\n        a_status: {type: string, enum: [x, y]}\n",
    );
    assert_ne!(reordered, SHAPES);
    assert_eq!(aliases(&model(&reordered).unwrap()), aliases(&m));
}

fn responses_fixture() -> Model {
    let spec = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/responses.yaml"
    ))
    .unwrap();
    model(&spec).unwrap()
}

fn op<'m>(m: &'m Model, operation_id: &str) -> &'m generator::model::Operation {
    m.modules
        .iter()
        .flat_map(|m| &m.ops)
        .find(|o| o.operation_id == operation_id)
        .unwrap_or_else(|| panic!("{operation_id} is not generated"))
}

fn returns_named(o: &generator::model::Operation) -> String {
    match &o.returns {
        Ty::Named(t) => t.name.rust().to_owned(),
        other => panic!("{} returns {other:?}", o.operation_id),
    }
}

#[test]
fn a_resource_or_its_deleted_form_is_a_union_told_apart_by_deleted() {
    let m = responses_fixture();
    let retrieve = op(&m, "GetCustomersCustomer");
    assert_eq!(retrieve.name.rust(), "retrieve");
    assert_eq!(returns_named(retrieve), "CustomerOrDeleted");
    let union = items(&m)
        .find_map(|it| match it {
            Item::Union(u) if u.name.rust() == "CustomerOrDeleted" => Some(u),
            _ => None,
        })
        .unwrap();
    let members: Vec<(&str, Option<&str>, bool)> = union
        .members
        .iter()
        .map(|m| (m.name.rust(), m.tag.as_deref(), m.deleted))
        .collect();
    assert_eq!(
        members,
        [
            ("Customer", Some("customer"), false),
            ("DeletedCustomer", Some("customer"), true)
        ]
    );
    // The deleted side of a union resource is deleted when all its members are.
    assert_eq!(
        returns_named(op(&m, "DeleteCustomersCustomerSourcesId")),
        "PaymentSourceOrDeleted"
    );
}

#[test]
fn an_any_of_of_several_resources_belongs_to_the_union_resource_that_has_them() {
    let m = responses_fixture();
    let update = op(&m, "PostCustomersCustomerSourcesId");
    assert_eq!(update.on.rust(), "PaymentSource");
    assert_eq!(returns_named(update), "PaymentSource");
}

#[test]
fn a_customer_scoped_endpoint_is_generated_and_a_true_alias_is_listed() {
    let m = responses_fixture();
    let tax_id_functions: Vec<(String, String)> = m
        .modules
        .iter()
        .filter(|m| m.name.rust() == "tax_id")
        .flat_map(|m| &m.ops)
        .map(|o| (o.name.rust().to_owned(), o.operation_id.clone()))
        .collect();
    assert_eq!(
        tax_id_functions,
        [
            ("retrieve".to_owned(), "GetTaxIdsId".to_owned()),
            (
                "retrieve_for_customer".to_owned(),
                "GetCustomersCustomerTaxIdsId".to_owned()
            ),
        ]
    );
    let listed: Vec<(String, String, Reason)> = m
        .coverage
        .not_generated
        .iter()
        .map(|n| (n.key.to_string(), n.operation_id.clone(), n.reason.clone()))
        .collect();
    assert_eq!(
        listed,
        [(
            "GET /v1/legacy_tax_ids/{id}".to_owned(),
            "GetLegacyTaxIdsId".to_owned(),
            Reason::Alias {
                of: "/v1/tax_ids/{id}".to_owned()
            }
        )]
    );
    assert_eq!(m.coverage.count("/v1/"), (6, 7));
}

const CANNOT: &str = r#"
openapi: 3.0.0
info: {title: cannot, version: '2024-04-10'}
x-select: {resources: [quote], skip_operations: []}
components:
  schemas:
    quote:
      x-resourceId: quote
      type: object
      required: [id]
      properties:
        id: {type: string}
    other:
      x-resourceId: other
      type: object
      properties:
        id: {type: string}
paths:
  /v1/quotes/{quote}:
    get:
      operationId: GetQuotesQuote
      parameters:
        - {in: path, name: quote, required: true, schema: {type: string}, style: simple}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/quote'}}}}
  /v1/quotes/{quote}/csv:
    get:
      operationId: GetQuotesQuoteCsv
      parameters:
        - {in: path, name: quote, required: true, schema: {type: string}, style: simple}
      responses:
        '200': {description: ok, content: {text/csv: {schema: {type: string}}}}
  /v1/others/{other}/csv:
    get:
      operationId: GetOthersOtherCsv
      responses:
        '200': {description: ok, content: {text/csv: {schema: {type: string}}}}
"#;

#[test]
fn an_operation_of_a_selected_resource_that_cannot_be_generated_is_an_error_unless_skipped() {
    let errors = model(CANNOT).unwrap_err();
    let found: Vec<(String, String)> = errors
        .0
        .iter()
        .map(|e| (e.at.to_string(), e.to_string()))
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "#/paths/~1v1~1quotes~1{quote}~1csv/get");
    assert!(
        found[0].1.contains("operation `GetQuotesQuoteCsv` of the selected resource `quote` cannot be generated: its success response is `text/csv`, neither JSON nor binary")
            && found[0].1.contains("List `GetQuotesQuoteCsv` under skip_operations"),
        "{}",
        found[0].1
    );
    assert!(matches!(
        &errors.0[0].kind,
        generator::ErrorKind::Ungenerated { operation_id, .. } if operation_id == "GetQuotesQuoteCsv"
    ));

    let m = model(&CANNOT.replace(
        "skip_operations: []",
        "skip_operations: [GetQuotesQuoteCsv]",
    ))
    .unwrap();
    let listed: Vec<(&str, &Reason)> = m
        .coverage
        .not_generated
        .iter()
        .map(|n| (n.operation_id.as_str(), &n.reason))
        .collect();
    // The other resource's operation is not an error: it is not selected, and says why.
    assert_eq!(
        listed,
        [
            (
                "GetOthersOtherCsv",
                &Reason::Unsupported(
                    "its success response is `text/csv`, neither JSON nor binary".to_owned()
                )
            ),
            ("GetQuotesQuoteCsv", &Reason::Skipped),
        ]
    );
    assert_eq!(m.coverage.count("/v1/"), (1, 3));
}

fn v2_fixture() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/v2.yaml");
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn v2_operations_belong_to_the_collection_their_path_is_under() {
    let m = model(&v2_fixture()).unwrap();
    assert_eq!(
        functions(&m),
        [
            ("create", "PostV2BillingSession"),
            ("stream_events", "PostV2BillingStream"),
            ("retrieve", "GetV2CoreEventsId"),
            ("create", "PostV2CoreThings"),
            ("retrieve", "GetV2CoreThingsId"),
            ("update", "PostV2CoreThingsId"),
            ("list", "GetV2CoreThings"),
            ("delete", "DeleteV2CoreThingsId"),
            ("ping", "PostV2CoreThingsIdPing"),
            ("retrieve", "GetV2CoreThingsThingIdPartsId"),
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
    // The ping answers an event, and is the thing's: its path is under the things.
    assert_eq!(
        returns_named(op(&m, "PostV2CoreThingsIdPing")),
        "V2CoreEvent"
    );
    assert!(
        matches!(&op(&m, "GetV2CoreThings").returns, Ty::V2List(item)
            if matches!(item.as_ref(), Ty::Named(t) if t.name.rust() == "V2CoreThing")),
        "{:?}",
        op(&m, "GetV2CoreThings").returns
    );
    assert_eq!(op(&m, "DeleteV2CoreThingsId").returns, Ty::V2Deleted);
    assert_eq!(op(&m, "PostV2BillingStream").returns, Ty::Json);
    assert_eq!(
        op(&m, "PostV2BillingStream").server.as_deref(),
        Some("https://meter-events.stripe.com")
    );
    // A nested collection's own id is typed; its parent's is a string.
    let part = op(&m, "GetV2CoreThingsThingIdPartsId");
    let params: Vec<(&str, bool)> = part
        .path_params
        .iter()
        .map(|p| (p.name.wire(), matches!(p.ty, Ty::Named(_))))
        .collect();
    assert_eq!(params, [("thing_id", false), ("id", true)]);
    assert_eq!(m.coverage.count("/v2/"), (10, 10));
    let create = find_struct(&m, "CreateV2CoreThing");
    assert_eq!(create.role, generator::model::Role::JsonParams);
    assert_eq!(field_ty(create, "starts_at"), &Ty::DateTime);
    assert_eq!(field_ty(create, "share"), &Ty::Decimal);
    let update = find_struct(&m, "UpdateV2CoreThing");
    assert_eq!(
        field_ty(update, "metadata"),
        &Ty::Map(Box::new(Ty::Nullable(Box::new(Ty::Str))))
    );
    let codes: Vec<&str> = m.v2_error_codes.variants.iter().map(|v| v.wire()).collect();
    assert_eq!(codes, ["thing_locked"]);
}

#[test]
fn a_v2_operation_no_path_or_config_places_is_listed_with_why() {
    let spec = v2_fixture().replace(
        "  operation_resources:\n    PostV2BillingStream: {resource: v2.billing.session, function: stream_events}\n",
        "",
    );
    let m = model(&spec).unwrap();
    let listed: Vec<(&str, String)> = m
        .coverage
        .not_generated
        .iter()
        .map(|n| (n.operation_id.as_str(), n.reason.to_string()))
        .collect();
    assert_eq!(
        listed,
        [(
            "PostV2BillingStream",
            "its success response names no resource and its path is under no resource's collection; place it with operation_resources in spec/select.yaml".to_owned()
        )]
    );
    assert_eq!(m.coverage.count("/v2/"), (9, 10));

    let spec = v2_fixture().replace(
        "{resource: v2.billing.session, function",
        "{resource: v2.billing.nothing, function",
    );
    let m = model(&spec).unwrap();
    assert!(
        m.coverage.not_generated[0]
            .reason
            .to_string()
            .contains("places it on `v2.billing.nothing`, which is no resource of this spec"),
        "{:?}",
        m.coverage.not_generated
    );
}
