#![allow(clippy::unwrap_used, clippy::panic)] // Test helpers: a failure here is a failed test.

//! What each resource costs (`generator::cost`): the types its closure holds in a model of
//! every resource, priced against a selection, and the lines emit formats for each type.

use std::collections::BTreeSet;

use generator::cost::{Cost, Costs};
use generator::load::sha256_hex;
use generator::model::Model;
use generator::{Manifest, Selection};

/// A charge holds its customer by an expandable field and its refunds by a direct list of
/// the `refund` resource; the charge and the customer both hold an address; creating a
/// charge takes parameters.
const SPEC: &str = r#"
openapi: 3.0.0
info: {title: cost, version: '2024-04-10'}
components:
  schemas:
    charge:
      x-resourceId: charge
      type: object
      required: [id, object]
      properties:
        id: {type: string}
        object: {type: string, enum: [charge]}
        billing: {$ref: '#/components/schemas/address'}
        outcome: {$ref: '#/components/schemas/charge_outcome'}
        refunds: {type: array, items: {$ref: '#/components/schemas/refund'}}
        customer:
          anyOf: [{type: string}, {$ref: '#/components/schemas/customer'}]
          x-expansionResources: {oneOf: [{$ref: '#/components/schemas/customer'}]}
    charge_outcome:
      type: object
      properties:
        risk_level: {type: string, enum: [normal, elevated]}
    refund:
      x-resourceId: refund
      type: object
      required: [id]
      properties:
        id: {type: string}
        reason: {$ref: '#/components/schemas/refund_reason'}
    refund_reason:
      type: object
      properties:
        text: {type: string}
    customer:
      x-resourceId: customer
      type: object
      required: [id, object]
      properties:
        id: {type: string}
        object: {type: string, enum: [customer]}
        address: {$ref: '#/components/schemas/address'}
        tax: {$ref: '#/components/schemas/customer_tax'}
    customer_tax:
      type: object
      properties:
        exempt: {type: boolean}
    address:
      type: object
      properties:
        city: {type: string}
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
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/charge'}}}}
"#;

fn model(resources: &[&str]) -> Model {
    let manifest = Manifest {
        api_version: "2024-04-10".into(),
        sha256: sha256_hex(SPEC.as_bytes()),
        also_accept: Vec::new(),
    };
    let selection = Selection {
        resources: resources.iter().map(|r| r.to_string()).collect(),
        ..Selection::default()
    };
    generator::model(SPEC.as_bytes(), &manifest, &selection).unwrap_or_else(|e| panic!("{e}"))
}

fn whole() -> (Model, Costs) {
    let m = model(&["charge", "customer", "refund"]);
    let costs = Costs::of(&m).unwrap();
    (m, costs)
}

/// The names of the types resource `id` needs.
fn closure(costs: &Costs, id: &str) -> BTreeSet<String> {
    let i = costs.resources.iter().position(|r| r.id == id).unwrap();
    costs
        .closure(i)
        .into_iter()
        .map(|t| costs.types[t].name.clone())
        .collect()
}

fn names(n: &[&str]) -> BTreeSet<String> {
    n.iter().map(|s| s.to_string()).collect()
}

fn cost<'c>(costs: &'c [Cost], id: &str) -> &'c Cost {
    costs.iter().find(|c| c.id == id).unwrap()
}

#[test]
fn a_closure_follows_direct_references_and_operations_but_not_expandable_fields() {
    let (_, costs) = whole();
    // The charge holds its refunds (the refund's object, not its operations) and what they
    // hold; its customer is expandable, so not the customer's types.
    assert_eq!(
        closure(&costs, "charge"),
        names(&[
            "Address",
            "Charge",
            "ChargeId",
            "ChargeOutcome",
            "ChargeOutcomeRiskLevel",
            "CreateCharge",
            "Refund",
            "RefundId",
            "RefundReason",
        ])
    );
    assert_eq!(
        closure(&costs, "customer"),
        names(&["Address", "Customer", "CustomerId", "CustomerTax"])
    );
    let ops: Vec<(&str, usize)> = costs
        .resources
        .iter()
        .map(|r| (r.id.as_str(), r.ops))
        .collect();
    assert_eq!(ops, [("charge", 1), ("customer", 0), ("refund", 0)]);
}

#[test]
fn a_cost_is_what_a_resource_adds_or_what_only_it_needs() {
    let (_, costs) = whole();
    let lines = |ts: &[&str]| -> usize {
        ts.iter()
            .map(|n| costs.types.iter().find(|t| t.name == *n).unwrap().lines)
            .sum()
    };
    // With the customer selected, the charge adds all it needs but the address.
    let against = costs.against(&BTreeSet::from(["customer"]));
    let charge = cost(&against, "charge");
    assert!(!charge.selected);
    assert_eq!((charge.ops, charge.types), (1, 8));
    let own = [
        "Charge",
        "ChargeId",
        "ChargeOutcome",
        "ChargeOutcomeRiskLevel",
        "CreateCharge",
        "Refund",
        "RefundId",
        "RefundReason",
    ];
    assert_eq!(charge.lines, lines(&own));
    let customer = cost(&against, "customer");
    assert!(customer.selected);
    assert_eq!(
        customer.types, 4,
        "alone, the customer needs all of its closure"
    );
    // Both selected: removing the customer saves its types but the address the charge needs;
    // the refund, whose object the charge holds, adds only its own id... which the charge
    // needs too, so nothing.
    let both = costs.against(&BTreeSet::from(["charge", "customer"]));
    assert_eq!(cost(&both, "customer").types, 3);
    assert_eq!(
        cost(&both, "customer").lines,
        lines(&["Customer", "CustomerId", "CustomerTax"])
    );
    assert_eq!(cost(&both, "charge").types, 8);
    assert_eq!(
        (cost(&both, "refund").types, cost(&both, "refund").lines),
        (0, 0)
    );
    assert_eq!(
        costs.selection(&BTreeSet::from(["charge", "customer"])),
        (
            12,
            lines(&own) + lines(&["Address", "Customer", "CustomerId", "CustomerTax"])
        )
    );
    // Ids the model does not have are no resource of it.
    assert_eq!(
        costs.against(&BTreeSet::from(["nope"])),
        costs.against(&BTreeSet::new())
    );
}

#[test]
fn every_type_has_the_lines_of_its_items_in_the_formatted_files() {
    let (m, costs) = whole();
    let out = generator::emit::emit(&m).unwrap();
    let module_files: Vec<&generator::File> = out
        .files
        .iter()
        .filter(|f| f.path.starts_with("crates/") && f.path.ends_with(".rs"))
        .filter(|f| !f.path.ends_with("/lib.rs"))
        .collect();
    for t in &costs.types {
        assert!(t.lines > 0, "{} has no lines", t.name);
        // Each of its items is there, as formatted.
        let decl = [
            format!("pub struct {} {{", t.name),
            format!("pub struct {}(", t.name),
            format!("pub enum {} {{", t.name),
            format!("pub type {} =", t.name),
        ];
        let files = module_files
            .iter()
            .filter(|f| decl.iter().any(|d| f.contents.contains(d.as_str())))
            .count();
        assert_eq!(files, 1, "{} is declared in {files} files", t.name);
    }
    // What no type has: each file's header and imports.
    let total: usize = module_files
        .iter()
        .map(|f| f.contents.lines().count())
        .sum();
    let typed: usize = costs.types.iter().map(|t| t.lines).sum();
    let untyped: usize = module_files
        .iter()
        .flat_map(|f| f.contents.lines())
        .filter(|l| l.starts_with("//") || l.starts_with("use ") || l.starts_with("pub use "))
        .count();
    assert!(
        typed < total && typed + untyped + 40 >= total,
        "{typed} + {untyped} vs {total}"
    );
    // The cache format reads back, and refuses what is not it.
    assert_eq!(Costs::from_json(&costs.to_json()), Some(costs.clone()));
    assert_eq!(Costs::from_json("{}"), None);
    let mut broken = costs.clone();
    broken.resources[0].roots.push(costs.types.len());
    assert_eq!(Costs::from_json(&broken.to_json()), None);
}

#[test]
fn a_schema_is_reached_by_the_resources_whose_closure_holds_it() {
    let manifest = Manifest {
        api_version: "2024-04-10".into(),
        sha256: sha256_hex(SPEC.as_bytes()),
        also_accept: Vec::new(),
    };
    let loaded = generator::load::load(SPEC.as_bytes(), &manifest).unwrap();
    let selection = Selection {
        resources: vec!["charge".into(), "customer".into(), "refund".into()],
        ..Selection::default()
    };
    let selected = generator::select::select(&loaded, &selection).unwrap();
    let reached = generator::select::reached_by(&selected);
    let by = |schema: &str| {
        reached[&generator::Pointer::schema(schema)]
            .iter()
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(by("address"), ["charge", "customer"]);
    assert_eq!(by("refund_reason"), ["refund"]);
    assert_eq!(by("customer_tax"), ["customer"]);
    assert!(!reached.contains_key(&generator::Pointer::schema("nowhere")));
}
