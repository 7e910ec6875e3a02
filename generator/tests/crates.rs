#![allow(clippy::unwrap_used, clippy::panic)] // Test helpers: a failure here is a failed test.

//! How the generated code is split into crates (`model::crates`): where each type goes, that
//! the crates build in order and resource crates never depend on each other, what each
//! resource's feature turns on, and that a change to one resource changes its crate only.

use std::collections::BTreeSet;

use generator::load::sha256_hex;
use generator::model::{CrateKind, Model, TypeRef};
use generator::{Manifest, Output, Selection};

/// Three resources: a charge names its customer (expandable), so the customer's type (and its
/// operations) is shared by both and its parameters go below it; both hold an address; a
/// customer and a file hold a link.
const SPEC: &str = r#"
openapi: 3.0.0
info: {title: crates, version: '2024-04-10'}
x-select: {resources: [charge, customer, file]}
components:
  schemas:
    charge:
      x-resourceId: charge
      type: object
      required: [id, object]
      properties:
        id: {type: string}
        object: {type: string, enum: [charge]}
        amount: {type: integer}
        outcome: {$ref: '#/components/schemas/charge_outcome'}
        billing: {$ref: '#/components/schemas/address'}
        customer:
          anyOf: [{type: string}, {$ref: '#/components/schemas/customer'}]
          x-expansionResources: {oneOf: [{$ref: '#/components/schemas/customer'}]}
    charge_outcome:
      type: object
      properties:
        risk_level: {type: string}
    customer:
      x-resourceId: customer
      type: object
      required: [id, object]
      properties:
        id: {type: string}
        object: {type: string, enum: [customer]}
        address: {$ref: '#/components/schemas/address'}
        tax_exempt: {type: string, enum: [exempt, none, reverse]}
        link: {$ref: '#/components/schemas/link'}
    link:
      type: object
      properties:
        url: {type: string}
    address:
      type: object
      properties:
        city: {type: string}
        line1: {type: string}
    file:
      x-resourceId: file
      type: object
      required: [id, object]
      properties:
        id: {type: string}
        object: {type: string, enum: [file]}
        size: {type: integer}
        link: {$ref: '#/components/schemas/link'}
    error:
      type: object
      properties: {error: {type: object}}
paths:
  /v1/charges:
    post:
      operationId: PostCharges
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [amount]
              properties:
                amount: {type: integer}
                description: {type: string}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/charge'}}}}
        default: {description: err, content: {application/json: {schema: {$ref: '#/components/schemas/error'}}}}
  /v1/customers:
    post:
      operationId: PostCustomers
      requestBody:
        required: false
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties:
                email: {type: string}
                tax_exempt: {type: string, enum: [exempt, none, reverse]}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/customer'}}}}
        default: {description: err, content: {application/json: {schema: {$ref: '#/components/schemas/error'}}}}
  /v1/files/{file}:
    get:
      operationId: GetFilesFile
      parameters:
        - {in: path, name: file, required: true, schema: {type: string, maxLength: 5000}, style: simple}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/file'}}}}
        default: {description: err, content: {application/json: {schema: {$ref: '#/components/schemas/error'}}}}
"#;

fn manifest(spec: &str) -> Manifest {
    Manifest {
        api_version: "2024-04-10".into(),
        sha256: sha256_hex(spec.as_bytes()),
        also_accept: Vec::new(),
    }
}

fn selection(spec: &str) -> Selection {
    let doc: serde_yaml::Value = serde_yaml::from_str(spec).unwrap();
    let select = serde_yaml::to_string(&doc["x-select"]).unwrap();
    Selection::from_yaml(select.as_bytes()).unwrap()
}

fn model(spec: &str) -> Model {
    generator::model(spec.as_bytes(), &manifest(spec), &selection(spec))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn generate(spec: &str) -> Output {
    generator::generate(spec.as_bytes(), &manifest(spec), &selection(spec))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The crate name and gate of type `name`.
fn placed(m: &Model, name: &str) -> (String, Option<String>) {
    let (_, p) = m
        .crates
        .place
        .iter()
        .find(|(r, _): &(&TypeRef, _)| r.name.rust() == name)
        .unwrap_or_else(|| panic!("{name} is not placed: {:#?}", m.crates.place));
    (m.crates.crates[p.krate].name.clone(), p.gate.clone())
}

fn resources(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| n.to_string()).collect()
}

#[test]
fn each_type_goes_where_its_reach_says() {
    let m = model(SPEC);
    let names: Vec<(&str, CrateKind)> = m
        .crates
        .crates
        .iter()
        .map(|c| (c.name.as_str(), c.kind))
        .collect();
    // Build order: base, the customer's parameters, shared, the resources that own their
    // type, events.
    assert_eq!(
        names,
        [
            ("base", CrateKind::Base),
            ("params", CrateKind::Resource),
            ("shared", CrateKind::Shared),
            ("resources", CrateKind::Resource),
        ]
    );
    // The address the charge and the customer reach, in base (which the file uses too) behind
    // a gate both turn on.
    let (krate, gate) = placed(&m, "Address");
    assert_eq!(krate, "base");
    let gate = gate.expect("a gate: base holds more than the address's resources");
    assert!(gate.starts_with("reach-"), "{gate}");
    let base = m.crates.crates.iter().find(|c| c.name == "base").unwrap();
    let members: BTreeSet<String> = base.gates[&gate]
        .iter()
        .map(|r| r.rust().to_owned())
        .collect();
    assert_eq!(members, resources(&["charge", "customer"]));
    // The customer's type is reached by the charge too: shared, with its operations, which
    // compile with `customer` only; what its operations take is below, in its own crate.
    assert_eq!(placed(&m, "Customer").0, "shared");
    let ops = &m.crates.ops[&m
        .modules
        .iter()
        .find(|md| md.name.rust() == "customer")
        .unwrap()
        .name];
    assert_eq!(m.crates.crates[ops.krate].name, "shared");
    assert_eq!(ops.gate.as_deref(), Some("customer"));
    assert_eq!(placed(&m, "CreateCustomer"), ("params".to_owned(), None));
    // What the charge alone reaches is all in the resources' crate, which it shares with the
    // file (too small to be worth two crates), each behind its own feature.
    let charge = || ("resources".to_owned(), Some("charge".to_owned()));
    assert_eq!(placed(&m, "Charge"), charge());
    assert_eq!(placed(&m, "ChargeOutcome"), charge());
    assert_eq!(placed(&m, "CreateCharge"), charge());
    assert_eq!(
        placed(&m, "File"),
        ("resources".to_owned(), Some("file".to_owned()))
    );
    // The customer's parameters are not in the charge's reach, though the charge holds a
    // customer: the charge's feature does not compile them.
    assert!(!base.features.is_empty());
    let customer_crate = m.crates.crates.iter().find(|c| c.name == "params").unwrap();
    assert_eq!(
        customer_crate
            .features
            .iter()
            .map(|f| f.rust())
            .collect::<Vec<_>>(),
        ["customer"]
    );
}

#[test]
fn crates_build_in_order_and_resource_crates_are_independent() {
    for spec in [SPEC.to_owned(), fixture("expandable"), fixture("v2")] {
        let m = model(&spec);
        for (i, c) in m.crates.crates.iter().enumerate() {
            for &d in &c.deps {
                assert!(
                    d < i,
                    "{} depends on {}, which builds after it",
                    c.name,
                    m.crates.crates[d].name
                );
                if c.kind == CrateKind::Resource {
                    assert_ne!(
                        m.crates.crates[d].kind,
                        CrateKind::Resource,
                        "resource crate {} depends on resource crate {}",
                        c.name,
                        m.crates.crates[d].name
                    );
                }
            }
        }
    }
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}.yaml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// What `stripe-typed`'s feature `name` turns on, from the generated features block.
fn feature<'o>(out: &'o Output, name: &str) -> &'o str {
    out.cargo_features
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name} = ")))
        .unwrap_or_else(|| panic!("no feature {name} in {}", out.cargo_features))
}

#[test]
fn a_resource_feature_turns_on_its_part_of_each_crate_and_nothing_else() {
    let out = generate(SPEC);
    // The file: the link in base and its own crate.
    assert_eq!(
        feature(&out, "file"),
        r#"["stripe-typed-base/file", "stripe-typed-resources/file"]"#
    );
    // The charge: the address in base, the customer's type in shared, its own crate; not the
    // customer's parameters, and no other resource's feature.
    assert_eq!(
        feature(&out, "charge"),
        r#"["stripe-typed-base/charge", "stripe-typed-shared/charge", "stripe-typed-resources/charge"]"#
    );
    // Every generated crate is an optional dependency, so a crate no feature needs is not built;
    // the runtime is the one that is not.
    for line in out.cargo_dependencies.lines() {
        let runtime = line.starts_with("stripe-typed-runtime = ");
        assert!(line.contains("optional = true") != runtime, "{line}");
    }
    // In shared, the charge turns on what it reaches there (the customer's type), not the
    // crate of the customer's parameters, which only the customer's operations (gated by
    // `customer`) take.
    let shared = out
        .files
        .iter()
        .find(|f| f.path == "crates/shared/Cargo.toml")
        .unwrap();
    let charge = shared
        .contents
        .lines()
        .find(|l| l.starts_with("charge = "))
        .unwrap();
    assert_eq!(charge, r#"charge = ["stripe-typed-base/charge"]"#);
    let customer = shared
        .contents
        .lines()
        .find(|l| l.starts_with("customer = "))
        .unwrap();
    assert!(
        customer.contains("\"stripe-typed-params/customer\""),
        "{customer}"
    );
    let customer_rs = out
        .files
        .iter()
        .find(|f| f.path == "crates/shared/src/customer.rs")
        .unwrap();
    assert!(
        customer_rs
            .contents
            .contains("#[cfg(feature = \"customer\")]\nimpl Customer {"),
        "{}",
        customer_rs.contents
    );
}

#[test]
fn a_change_to_one_resource_changes_its_crate_only() {
    let before = generate(SPEC);
    let changed_spec = SPEC.replace(
        "risk_level: {type: string}",
        "risk_level: {type: string}\n        reason: {type: string}",
    );
    let after = generate(&changed_spec);
    let changed: BTreeSet<&str> = after
        .files
        .iter()
        .filter(|f| {
            // The header names the spec's hash, which any change moves.
            let body = |text: &str| text.split_once("\n\n").map(|(_, b)| b.to_owned());
            before
                .files
                .iter()
                .find(|b| b.path == f.path)
                .is_none_or(|b| body(&b.contents) != body(&f.contents))
        })
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(
        changed,
        BTreeSet::from(["crates/resources/src/charge.rs"]),
        "a field of a type only the charge reaches"
    );
    assert_eq!(before.cargo_features, after.cargo_features);
    assert_eq!(before.cargo_dependencies, after.cargo_dependencies);
}

/// Two resources sharing `n` enums of 30 values each (each its own values, so that none is an
/// alias of another) and an object naming two of them.
fn shared_enums(n: usize) -> String {
    let mut spec = String::from(
        "openapi: 3.0.0\ninfo: {title: levels, version: '2024-04-10'}\nx-select: {resources: [a, b]}\npaths: {}\ncomponents:\n  schemas:\n",
    );

    let fields: String = (0..n)
        .map(|i| format!("        e{i}: {{$ref: '#/components/schemas/e{i}'}}\n"))
        .collect();
    for r in ["a", "b"] {
        spec.push_str(&format!(
            "    {r}:\n      x-resourceId: {r}\n      type: object\n      properties:\n        id: {{type: string}}\n        pair: {{$ref: '#/components/schemas/pair'}}\n{fields}"
        ));
    }
    spec.push_str("    pair:\n      type: object\n      properties:\n        first: {$ref: '#/components/schemas/e0'}\n        second: {$ref: '#/components/schemas/e1'}\n");
    for i in 0..n {
        let values: Vec<String> = (0..30).map(|v| format!("v{i}_{v}")).collect();
        spec.push_str(&format!(
            "    e{i}: {{type: string, enum: [{}]}}\n",
            values.join(", ")
        ));
    }
    spec
}

#[test]
fn a_heavy_base_is_split_by_level_into_crates_that_build_in_parallel() {
    // Light: one base crate.
    let light = model(&shared_enums(10));
    let names: Vec<&str> = light
        .crates
        .crates
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["base", "resources"]);
    // Heavy: the enums (level 0) in bundles that do not depend on each other, the object
    // naming two of them (level 1) after them.
    let heavy = model(&shared_enums(400));
    let names: Vec<&str> = heavy
        .crates
        .crates
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    let level0: Vec<usize> = (0..names.len())
        .filter(|&i| names[i].starts_with("base-0-"))
        .collect();
    assert!(level0.len() >= 2, "{names:?}");
    for &i in &level0 {
        assert!(heavy.crates.crates[i].deps.is_empty(), "{}", names[i]);
    }
    assert_eq!(placed(&heavy, "Pair").0, "base-1");
    let pair = names.iter().position(|n| *n == "base-1").unwrap();
    let pair_deps: BTreeSet<&str> = heavy.crates.crates[pair]
        .deps
        .iter()
        .map(|&d| names[d])
        .collect();
    assert!(
        pair_deps.iter().all(|d| d.starts_with("base-0-")),
        "{pair_deps:?}"
    );
    // A type stays in its bundle whatever else changes: the same enum, the same crate.
    let more = model(&shared_enums(401));
    assert_eq!(placed(&heavy, "E7"), placed(&more, "E7"));
}
