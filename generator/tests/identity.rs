#![allow(clippy::unwrap_used, clippy::panic)] // Test helpers: a failure here is a failed test.

//! Type identity across a bump: parameter structs of the same shape are one type (aliases), and
//! a spec change that splits an alias off, or merges two types, is a breaking change in the
//! report. The aliases' docs say what each stands for.

use generator::load::sha256_hex;
use generator::summary::{self, Summary};
use generator::{Manifest, Selection};

/// `archive` takes what `create` takes, so its parameters are an alias of `CreateThing`;
/// `close` and `open` take different parameters.
const OLD: &str = r"
openapi: 3.0.0
info: {title: identity, version: '2024-01-01'}
components:
  schemas:
    thing:
      x-resourceId: thing
      type: object
      required: [id]
      properties:
        id: {type: string}
        state:
          type: object
          properties: {status: {type: string, enum: [open, closed]}}
        history:
          type: object
          properties: {status: {type: string, enum: [open, closed]}, at: {type: integer}}
paths:
  /v1/things:
    post:
      operationId: PostThings
      requestBody: {content: {application/x-www-form-urlencoded: {schema: {type: object, properties: {name: {type: string}}}}}}
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/thing'}}}}}
  /v1/things/{thing}/archive:
    post:
      operationId: PostThingsThingArchive
      parameters: [{name: thing, in: path, required: true, schema: {type: string}}]
      requestBody: {content: {application/x-www-form-urlencoded: {schema: {type: object, properties: {name: {type: string}}}}}}
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/thing'}}}}}
  /v1/things/{thing}/close:
    post:
      operationId: PostThingsThingClose
      parameters: [{name: thing, in: path, required: true, schema: {type: string}}]
      requestBody: {content: {application/x-www-form-urlencoded: {schema: {type: object, properties: {reason: {type: string}}}}}}
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/thing'}}}}}
  /v1/things/{thing}/open:
    post:
      operationId: PostThingsThingOpen
      parameters: [{name: thing, in: path, required: true, schema: {type: string}}]
      requestBody: {content: {application/x-www-form-urlencoded: {schema: {type: object, properties: {note: {type: string}}}}}}
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/thing'}}}}}
";

/// The next version: `archive` gains a parameter (a split from `CreateThing`), `open` takes
/// what `close` takes (a merge), and the history's status gains a value (another split).
fn new_spec() -> String {
    OLD.replace("version: '2024-01-01'", "version: '2025-01-01'")
        .replace(
            "operationId: PostThingsThingArchive\n      parameters: [{name: thing, in: path, required: true, schema: {type: string}}]\n      requestBody: {content: {application/x-www-form-urlencoded: {schema: {type: object, properties: {name: {type: string}}}}}}",
            "operationId: PostThingsThingArchive\n      parameters: [{name: thing, in: path, required: true, schema: {type: string}}]\n      requestBody: {content: {application/x-www-form-urlencoded: {schema: {type: object, properties: {name: {type: string}, force: {type: boolean}}}}}}",
        )
        .replace("properties: {note: {type: string}}", "properties: {reason: {type: string}}")
        .replace(
            "properties: {status: {type: string, enum: [open, closed]}, at: {type: integer}}",
            "properties: {status: {type: string, enum: [open, closed, reopened]}, at: {type: integer}}",
        )
}

fn manifest(spec: &str) -> Manifest {
    Manifest {
        api_version: generator::load::api_version(spec.as_bytes()).unwrap(),
        sha256: sha256_hex(spec.as_bytes()),
        also_accept: Vec::new(),
    }
}

fn selection() -> Selection {
    Selection::from_yaml(b"resources: [thing]\n").unwrap()
}

fn summary_of(spec: &str) -> Summary {
    let model = generator::model(spec.as_bytes(), &manifest(spec), &selection()).unwrap();
    summary::summarize(&model)
}

#[test]
fn api_json_records_what_each_alias_is_an_alias_of() {
    let s = summary_of(OLD);
    let aliases: Vec<(&str, &str)> = s
        .types
        .iter()
        .filter_map(|(name, t)| Some((name.as_str(), t.alias_of.as_deref()?)))
        .collect();
    assert_eq!(
        aliases,
        [
            ("ArchiveThing", "CreateThing"),
            ("ThingHistoryStatus", "ThingStateStatus"),
        ]
    );
    let json = s.to_json();
    assert!(json.contains("\"alias_of\": \"CreateThing\""), "{json}");
    assert_eq!(Summary::from_json(&json).unwrap(), s);
}

#[test]
fn splits_and_merges_are_breaking_changes_in_the_report() {
    let report = summary::diff(&summary_of(OLD), &summary_of(&new_spec()));
    let breaking: Vec<String> = report
        .changes
        .iter()
        .filter(|c| c.breaking)
        .map(|c| format!("{}: {}", c.subject, c.what))
        .collect();
    assert_eq!(
        breaking,
        [
            "ArchiveThing: split from `CreateThing` (it was an alias of `CreateThing`), now its own type; code that passes one where the other is expected no longer compiles",
            "CloseThing: merged with `OpenThing` (the same shape): now an alias of `OpenThing`, one type; code that implements a trait for both (`impl From<CloseThing>` and `impl From<OpenThing>`) no longer compiles",
            "OpenThing.note: parameter removed (was `Option<String>`)",
            "ThingHistoryStatus: split from `ThingStateStatus` (it was an alias of `ThingStateStatus`), now its own type; code that passes one where the other is expected no longer compiles",
        ]
    );
    // The same bump backwards: what split merges, and what merged splits.
    let back = summary::diff(&summary_of(&new_spec()), &summary_of(OLD));
    let subjects: Vec<(&str, bool)> = back
        .changes
        .iter()
        .filter(|c| c.what.starts_with("split") || c.what.starts_with("merged"))
        .map(|c| (c.subject.as_str(), c.what.starts_with("merged")))
        .collect();
    assert_eq!(
        subjects,
        [
            ("ArchiveThing", true),
            ("CloseThing", false),
            ("ThingHistoryStatus", true)
        ]
    );
    // A base branch's summary from before aliases were recorded reads no identity changes.
    let mut unrecorded = summary_of(OLD);
    unrecorded.records_aliases = false;
    for t in unrecorded.types.values_mut() {
        t.alias_of = None;
    }
    let report = summary::diff(&unrecorded, &summary_of(OLD));
    assert!(report.is_empty(), "{}", report.terminal());
}

#[test]
fn an_alias_says_what_it_stands_for() {
    let out = generator::generate(OLD.as_bytes(), &manifest(OLD), &selection()).unwrap();
    let thing = out
        .files
        .iter()
        .find(|f| f.path == "crates/resources/src/thing.rs")
        .unwrap();
    for doc in [
        "/// Parameters of [`Thing::archive`] (`POST /v1/things/{thing}/archive`): the same type as [`CreateThing`], which has the same shape.\npub type ArchiveThing = CreateThing;\n",
        "/// Property `history.status` of schema `thing`: the same type as [`ThingStateStatus`], which has the same shape.\npub type ThingHistoryStatus = ThingStateStatus;\n",
    ] {
        assert!(thing.contents.contains(doc), "{}", thing.contents);
    }
}
