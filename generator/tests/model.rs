#![allow(clippy::unwrap_used, clippy::panic)] // Test helpers: a failure here is a failed test.

//! Documented config and naming behaviours, asserted on the model: legacy-alias warnings,
//! `skip_operations`, a rename that resolves a clash, and `secret_fields` from the config at any
//! depth, and types of the same shape made aliases of one.

use generator::load::sha256_hex;
use generator::model::{Item, Model, Struct, Ty};
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
