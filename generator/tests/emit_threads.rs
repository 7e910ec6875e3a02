#![allow(clippy::unwrap_used, clippy::panic)] // Test helpers: a failure here is a failed test.

//! Emit formats files on several threads from `PARALLEL_FROM` files on. The output must not
//! depend on the number of threads (an ARCHITECTURE invariant), whatever cores the machine has.

use std::fmt::Write as _;

use generator::emit::{self, PARALLEL_FROM};
use generator::load::sha256_hex;
use generator::{Manifest, Selection};

/// A spec with `n` resources, each with a nested type, an enum and a create operation.
fn spec(n: usize) -> String {
    let mut s = String::from(
        "openapi: 3.0.0\ninfo: {title: many, version: '2024-04-10'}\ncomponents:\n  schemas:\n",
    );
    for i in 0..n {
        write!(
            s,
            "    thing{i}:
      x-resourceId: thing{i}
      type: object
      required: [id]
      properties:
        id: {{type: string}}
        size: {{type: string, enum: [big, small]}}
        detail: {{type: object, properties: {{note: {{type: string}}, count: {{type: integer}}}}}}
"
        )
        .unwrap();
    }
    s.push_str("paths:\n");
    for i in 0..n {
        write!(
            s,
            "  /v1/thing{i}s:
    post:
      operationId: PostThing{i}s
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema: {{type: object, properties: {{size: {{type: string, enum: [big, small]}}}}}}
      responses:
        '200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/thing{i}'}}}}}}}}
"
        )
        .unwrap();
    }
    s
}

#[test]
fn output_is_the_same_on_any_number_of_threads() {
    let n = PARALLEL_FROM + 1;
    let spec = spec(n);
    let manifest = Manifest {
        api_version: "2024-04-10".into(),
        sha256: sha256_hex(spec.as_bytes()),
        also_accept: Vec::new(),
    };
    let selection = Selection {
        resources: (0..n).map(|i| format!("thing{i}")).collect(),
        ..Selection::default()
    };
    let model = generator::model(spec.as_bytes(), &manifest, &selection).unwrap();
    // The one-thread reference: tokens, then formatting, in order on this thread.
    let reference = emit::format(emit::tokens(&model)).unwrap();
    assert!(
        reference.files.len() >= PARALLEL_FROM,
        "{} files do not reach the threaded path",
        reference.files.len()
    );
    for threads in [1, 2, 3, n, n + 5] {
        assert_eq!(
            emit::emit_on(&model, threads).unwrap(),
            reference,
            "{threads} threads"
        );
    }
    assert_eq!(emit::emit(&model).unwrap(), reference);
}
