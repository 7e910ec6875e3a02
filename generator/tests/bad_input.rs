//! The bad-input corpus: every malformed spec, config or pin gives one-line errors that say where
//! (a JSON pointer, or a line and column) and what to do, without panicking and without touching
//! the generated tree. Also the deterministic rule for name collisions.
//!
//! Each case is a small file under `tests/bad/`, or inline bytes where a file makes no sense.
//! Specs are pinned by hashing them here, so only `hash_mismatch` fails the hash check.

// The helpers below are test code too, but clippy exempts only `#[test]` functions themselves.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use generator::load::sha256_hex;
use generator::{Errors, Manifest, Selection};

/// A valid spec with one resource, `thing`, and a `retrieve` operation.
const BASE: &str = r"openapi: 3.0.0
info: {title: t, version: '2024-04-10'}
paths:
  /v1/things/{thing}:
    get:
      operationId: GetThingsThing
      parameters:
        - {name: thing, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/thing'}
components:
  schemas:
    thing:
      type: object
      x-resourceId: thing
      required: [id]
      properties:
        id: {type: string}
        x: {type: string}
";

const SELECT: &str = "resources: [thing]\n";

/// Every message ends by telling the user what to do; these are the ways it can start.
const WHAT_TO_DO: &[&str] = &[
    ". Check that the file is a complete OpenAPI 3 document",
    ". Delete the cached spec and run `cargo xtask fetch-spec`",
    ". To move the pin and generated/ to this spec, run `cargo xtask bump-spec",
    ". Fix the name in spec/select.yaml",
    ". Fix the reference",
    ". Break the cycle in the spec",
    ". Deselect the resource in spec/select.yaml",
    ". Add a rename",
    ". Fix spec/select.yaml",
    ". Fix spec/manifest.json",
];

/// Where a case's input comes from.
enum Input {
    /// A spec under `tests/bad/`, selected with [`SELECT`].
    Spec(&'static str),
    /// Spec bytes that cannot sensibly live in a file.
    Bytes(Vec<u8>),
    /// A `select.yaml` under `tests/bad/`, applied to [`BASE`].
    Select(&'static str),
    /// A `manifest.json` under `tests/bad/`, with [`BASE`].
    Manifest(&'static str),
    /// A valid spec under `tests/bad/` pinned to other bytes.
    WrongPin(&'static str),
}

struct Case {
    name: &'static str,
    input: Input,
    /// The location the first message must name: a pointer (`#/...`) or `line N, column M`.
    at: &'static str,
    /// A distinctive part of the first message.
    says: &'static str,
}

fn case(name: &'static str, input: Input, at: &'static str, says: &'static str) -> Case {
    Case {
        name,
        input,
        at,
        says,
    }
}

fn bad(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/bad")
        .join(file)
}

fn read(file: &str) -> Vec<u8> {
    fs::read(bad(file)).unwrap_or_else(|e| panic!("reading tests/bad/{file}: {e}"))
}

fn pin(bytes: &[u8]) -> Manifest {
    let json = format!(
        r#"{{"api_version": "2024-04-10", "sha256": "{}"}}"#,
        sha256_hex(bytes)
    );
    Manifest::from_json(json.as_bytes()).unwrap()
}

/// Runs what xtask runs: parse the pin, parse the selection, generate. Returns the errors.
fn run(input: &Input) -> Errors {
    let (spec, manifest, select) = match input {
        Input::Spec(f) => {
            let spec = read(f);
            (spec.clone(), Ok(pin(&spec)), SELECT.as_bytes().to_vec())
        }
        Input::Bytes(b) => (b.clone(), Ok(pin(b)), SELECT.as_bytes().to_vec()),
        Input::Select(f) => (BASE.into(), Ok(pin(BASE.as_bytes())), read(f)),
        Input::Manifest(f) => (
            BASE.into(),
            Manifest::from_json(&read(f)),
            SELECT.as_bytes().to_vec(),
        ),
        Input::WrongPin(f) => (
            read(f),
            Ok(pin(b"some other spec")),
            SELECT.as_bytes().to_vec(),
        ),
    };
    let manifest = match manifest {
        Ok(m) => m,
        Err(e) => return e.into(),
    };
    let selection = match Selection::from_yaml(&select) {
        Ok(s) => s,
        Err(e) => return e.into(),
    };
    match generator::generate(&spec, &manifest, &selection) {
        Ok(out) => panic!("generated {} files instead of failing", out.files.len()),
        Err(e) => e,
    }
}

/// A JSON document nested `depth` arrays deep: deeper than any parser's recursion limit.
fn deeply_nested(depth: usize) -> Vec<u8> {
    let mut s = "[".repeat(depth);
    s.push_str(&"]".repeat(depth));
    s.into_bytes()
}

fn corpus() -> Vec<Case> {
    use Input::*;
    let ptr = "#/components/schemas/thing/properties/x";
    vec![
        // Bytes that are not a document.
        case("empty", Bytes(Vec::new()), "#:", "the file is empty"),
        case("whitespace_only", Bytes(b"\xef\xbb\xbf \n\t\n".to_vec()), "#:", "the file is empty"),
        case(
            "non_utf8",
            Bytes(b"openapi: 3.0.0\ninfo: {title: \"caf\xe9\"}\n".to_vec()),
            "line 2, column 19",
            "not UTF-8",
        ),
        case("invalid_json", Spec("invalid_json.json"), "line 4, column 31", "invalid JSON: trailing comma"),
        case("invalid_json_array", Spec("invalid_json_array.json"), "line 1, column 24", "invalid JSON"),
        case("truncated_json", Spec("truncated_json.json"), "line 3, column 55", "the JSON ends early (truncated file?)"),
        case("invalid_yaml", Spec("invalid_yaml.yaml"), "line 4, column 11", "invalid YAML"),
        case("truncated_yaml", Spec("truncated_yaml.yaml"), "line 5, column 1", "invalid YAML"),
        case("invalid_json_after_blank_lines", Bytes(b"\n\n{\"openapi\": }\n".to_vec()), "line 3, column 13", "invalid JSON: expected value"),
        case("duplicate_json_key", Spec("duplicate_json_key.json"), "#/components/schemas/thing/properties/id:", "the key `id` appears twice in one object at line 5, column"),
        case("duplicate_yaml_key", Spec("duplicate_yaml_key.yaml"), "#/paths:", "the key `paths` appears twice"),
        case("yaml_alias_bomb", Spec("yaml_alias_bomb.yaml"), "#:", "repetition limit exceeded"),
        case("deeply_nested_json", Bytes(deeply_nested(100_000)), "line 1, column 128", "recursion limit exceeded"),
        // Documents that are not OpenAPI 3.
        case("swagger2", Spec("swagger2.json"), "#:", "this is Swagger 2"),
        case("json_array", Spec("json_array.json"), "#:", "the top level is not an object"),
        case("scalar_document", Spec("scalar_document.yaml"), "#:", "the top level is not an object"),
        case("openapi_2_0", Spec("openapi_2_0.yaml"), "#/openapi:", "`openapi` is `2.0`"),
        case("no_openapi_field", Spec("no_openapi_field.yaml"), "#:", "there is no `openapi: 3.x` field"),
        case("paths_not_object", Spec("paths_not_object.yaml"), "#/paths:", "`paths` is missing or not an object"),
        case("no_schemas", Spec("no_schemas.yaml"), "#/components/schemas:", "`components.schemas` is missing"),
        // The pin.
        case("hash_mismatch", WrongPin("hash_mismatch.yaml"), "#:", "but spec/manifest.json pins"),
        case("version_mismatch", Spec("version_mismatch.yaml"), "#/info/version:", "the spec is API version `2020-08-27`"),
        case("no_info_version", Spec("no_info_version.yaml"), "#/info/version:", "there is no `info.version`"),
        case("info_version_not_a_version", Spec("info_version_not_a_version.yaml"), "#/info/version:", "which is not an API version like `2024-04-10`"),
        case("manifest_invalid_json", Manifest("manifest_invalid_json.manifest.json"), "line 1, column 41", "spec/manifest.json#: expected value"),
        case("manifest_missing_sha", Manifest("manifest_missing_sha.manifest.json"), "line 1, column 29", "missing field `sha256`"),
        // The selection.
        case("select_unknown_key", Select("select_unknown_key.select.yaml"), "line 2, column 1", "unknown field `resource`"),
        case("select_nothing", Select("select_nothing.select.yaml"), "spec/select.yaml#/resources:", "selects no resources"),
        case("select_no_resources_key", Select("select_no_resources_key.select.yaml"), "line 2, column 1", "missing field `resources`"),
        case("select_wrong_type", Select("select_wrong_type.select.yaml"), "line 1, column 12", "invalid type: string \"thing\", expected a sequence"),
        case("select_invalid_yaml", Select("select_invalid_yaml.select.yaml"), "line 2, column", "spec/select.yaml"),
        case("select_missing_resource", Select("select_missing_resource.select.yaml"), "spec/select.yaml#/resources/0:", "no schema has x-resourceId `thng`"),
        case("select_missing_v2_resource", Select("select_missing_v2_resource.select.yaml"), "spec/select.yaml#/resources/0:", "no v2 object schema is named `v2.core.thing`"),
        case("select_missing_second_resource", Select("select_missing_second_resource.select.yaml"), "spec/select.yaml#/resources/1:", "(did you mean `thing`?)"),
        case("select_rename_to_reserved", Select("select_rename_to_reserved.select.yaml"), "#/components/schemas/thing:", "generates the Rust name `Option`, which the generated crate reserves"),
        // References.
        case("dangling_ref", Spec("dangling_ref.yaml"), ptr, "$ref `#/components/schemas/nowhere` points at nothing"),
        case("dangling_ref_with_newline", Spec("dangling_ref_with_newline.yaml"), ptr, "$ref `#/components/schemas/no\\nwhere` points at nothing"),
        case("non_local_ref", Spec("non_local_ref.yaml"), ptr, "the non-local $ref `other.yaml#/components/schemas/x` is not supported"),
        case("ref_cycle", Spec("ref_cycle.yaml"), ptr, "$ref `#/components/schemas/a` leads back to itself"),
        // Schema shapes.
        case("not_schema", Spec("not_schema.yaml"), ptr, "a `not` schema is not supported"),
        case("allof_several", Spec("allof_several.yaml"), ptr, "allOf with several members is not supported"),
        case("mixed_type_keywords", Spec("mixed_type_keywords.yaml"), ptr, "mixes keywords"),
        case("unknown_type", Spec("unknown_type.yaml"), ptr, "the unknown type `strung`"),
        case("schema_not_a_mapping", Spec("schema_not_a_mapping.yaml"), "#/components/schemas/weird:", "not a valid OpenAPI 3 schema"),
        case("resource_not_object", Spec("resource_not_object.yaml"), "#/components/schemas/thing:", "neither an object, a string enum nor a union"),
        case("resource_is_array", Spec("resource_is_array.yaml"), "#/components/schemas/thing:", "neither an object, a string enum nor a union"),
        // Names.
        case("duplicate_type_name", Spec("duplicate_type_name.yaml"), "#/components/schemas/foo_bar:", "generates the Rust name `FooBar`, which #/components/schemas/foo.bar also generates"),
        case("reserved_error", Spec("reserved_error.yaml"), "#/components/schemas/error:", "generates the Rust name `Error`, which the generated crate reserves"),
        case("reserved_option", Spec("reserved_option.yaml"), "#/components/schemas/option:", "generates the Rust name `Option`"),
        case("property_not_identifier", Spec("property_not_identifier.yaml"), "#/components/schemas/thing/properties/$$:", "the name `$$` (it gives ``, not a Rust identifier)"),
        case("enum_value_not_identifier", Spec("enum_value_not_identifier.yaml"), "#/components/schemas/thing/properties/x/enum/0:", "not a Rust identifier"),
        // Operations.
        case("header_parameter", Spec("header_parameter.yaml"), "#/paths/~1v1~1things~1{thing}/get/parameters/1:", "a header or cookie parameter is not supported"),
        case("path_parameter_not_in_path", Spec("path_parameter_not_in_path.yaml"), "#/paths/~1v1~1things~1{thing}/get/parameters/1:", "path parameter `other` that does not appear in the path"),
        case("path_template_parameter_undeclared", Spec("path_template_parameter_undeclared.yaml"), "#/paths/~1v1~1things~1{thing}/get/parameters:", "a `{thing}` in the path with no `in: path` parameter is not supported"),
        case("path_unclosed_brace", Spec("path_unclosed_brace.yaml"), "#/paths/~1v1~1things~1{thing/get:", "a path with an unclosed `{`"),
        case("ref_parameter", Spec("ref_parameter.yaml"), "#/paths/~1v1~1things/post/parameters/0:", "a $ref parameter"),
        case("parameters_not_a_list", Spec("parameters_not_a_list.yaml"), "#/paths/~1v1~1things/post/parameters:", "not a valid OpenAPI 3 operation"),
        case("text_request_body", Spec("text_request_body.yaml"), "#/paths/~1v1~1things/post/requestBody:", "a request body that is neither form-encoded, multipart nor JSON"),
        case("server_with_variables", Spec("server_with_variables.yaml"), "#/paths/~1v1~1things/post/servers/0/url:", "a server that is not a literal https:// URL"),
        case("get_with_body", Spec("get_with_body.yaml"), "#/paths/~1v1~1things/get/requestBody/content/application~1x-www-form-urlencoded:", "a request body on a GET operation"),
        case("form_encoding_not_deep_object", Spec("form_encoding_not_deep_object.yaml"), "#/paths/~1v1~1things/post/requestBody/content/application~1x-www-form-urlencoded/encoding/a:", "form encoding style `form` with explode: false"),
    ]
}

#[test]
fn every_bad_input_gives_located_one_line_errors() {
    let cases = corpus();
    assert!(
        cases.len() >= 25,
        "the corpus has only {} cases",
        cases.len()
    );
    let mut failures = Vec::new();
    for c in &cases {
        let run = std::panic::catch_unwind(|| run(&c.input));
        let errors = match run {
            Ok(e) => e,
            Err(_) => {
                failures.push(format!("{}: panicked", c.name));
                continue;
            }
        };
        if errors.0.is_empty() {
            failures.push(format!("{}: no errors", c.name));
            continue;
        }
        for e in &errors.0 {
            let msg = e.to_string();
            if msg.contains('\n') || msg.contains('\r') {
                failures.push(format!("{}: message spans lines: {msg:?}", c.name));
            }
            if !WHAT_TO_DO.iter().any(|d| msg.contains(d)) {
                failures.push(format!("{}: message says nothing to do: {msg}", c.name));
            }
        }
        let first = errors.0[0].to_string();
        if !first.contains(c.at) {
            failures.push(format!(
                "{}: expected location `{}` in: {first}",
                c.name, c.at
            ));
        }
        if !first.contains(c.says) {
            failures.push(format!("{}: expected `{}` in: {first}", c.name, c.says));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_file_in_the_corpus_is_a_case() {
    let used: Vec<&str> = corpus()
        .iter()
        .filter_map(|c| match c.input {
            Input::Spec(f) | Input::Select(f) | Input::Manifest(f) | Input::WrongPin(f) => Some(f),
            Input::Bytes(_) => None,
        })
        .collect();
    let mut unused = Vec::new();
    for e in fs::read_dir(bad("")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if !used.contains(&name.as_str()) {
            unused.push(name);
        }
    }
    assert!(
        unused.is_empty(),
        "files in tests/bad/ that no case uses: {unused:?}"
    );
}

#[test]
fn the_base_spec_generates() {
    generator::generate(
        BASE.as_bytes(),
        &pin(BASE.as_bytes()),
        &Selection::from_yaml(SELECT.as_bytes()).unwrap(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
}

// ---------------------------------------------------------------------------------------------
// A failed run leaves the generated tree byte-identical.

/// Every file under `root`, by relative path, with its bytes.
fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let mut entries: Vec<_> = fs::read_dir(dir).unwrap().map(|e| e.unwrap()).collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let path = e.path();
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if e.file_type().unwrap().is_dir() {
                out.insert(format!("{rel}/"), Vec::new());
                walk(root, &path, out);
            } else {
                out.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// What `cargo xtask codegen` does: generate, and write only if that succeeded.
fn codegen(spec: &[u8], root: &Path) -> Result<(), String> {
    let selection = Selection::from_yaml(SELECT.as_bytes()).map_err(|e| e.to_string())?;
    let out = generator::generate(spec, &pin(spec), &selection).map_err(|e| e.to_string())?;
    generator::write::write(&out, root).map_err(|e| e.to_string())
}

/// A generated tree, made by generating [`BASE`] into a fresh directory.
fn generated_tree(name: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("bad-input-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    fs::create_dir_all(root.join("src")).unwrap();
    fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"generated\"\n# generated package start\n# generated package end\n\n[dependencies]\n# generated dependencies start\n# generated dependencies end\n\n[features]\n# generated start\n# generated end\n",
    )
    .unwrap();
    fs::write(root.join("src/lib.rs"), "pub mod resources;\n").unwrap();
    codegen(BASE.as_bytes(), &root).unwrap();
    root
}

/// [`BASE`] with one more field, so a successful write would change files.
fn changed_spec() -> String {
    let spec = BASE.replace(
        "        x: {type: string}\n",
        "        x: {type: string}\n        y: {type: boolean}\n",
    );
    assert_ne!(spec, BASE);
    spec
}

#[test]
fn a_failed_run_leaves_the_generated_tree_byte_identical() {
    let root = generated_tree("atomic");
    let resources = root.join("src/resources");
    assert!(resources.join("thing.rs").is_file());
    assert!(root.join("src/resources.rs").is_file());

    // A bad spec: generate fails, so nothing is written.
    let before = snapshot(&root);
    let e = codegen(&read("dangling_ref.yaml"), &root).unwrap_err();
    assert!(e.contains("points at nothing"), "{e}");
    assert_eq!(snapshot(&root), before, "a bad spec changed the tree");

    // A good spec, but `Cargo.toml` has lost its fence: refused before anything is written.
    let cargo = fs::read(root.join("Cargo.toml")).unwrap();
    fs::write(root.join("Cargo.toml"), "[package]\nname = \"generated\"\n").unwrap();
    let before = snapshot(&root);
    let e = codegen(changed_spec().as_bytes(), &root).unwrap_err();
    assert!(e.contains("# generated start"), "{e}");
    assert_eq!(
        snapshot(&root),
        before,
        "a fenceless Cargo.toml changed the tree"
    );
    fs::write(root.join("Cargo.toml"), cargo).unwrap();

    // A good spec, but the staging directory cannot be created (a file is in its place; this
    // stops root too, unlike permissions).
    let stage = root.join(format!(".codegen-new-{}", std::process::id()));
    fs::write(&stage, "in the way\n").unwrap();
    let before = snapshot(&root);
    let e = codegen(changed_spec().as_bytes(), &root).unwrap_err();
    assert!(e.contains(".codegen-new-"), "{e}");
    assert_eq!(snapshot(&root), before, "a failed staging changed the tree");
    fs::remove_file(&stage).unwrap();

    // A good spec, but `src/resources.rs` is a directory, so the swap fails after the module
    // directory was already moved in: the swap must be undone.
    fs::remove_file(root.join("src/resources.rs")).unwrap();
    fs::create_dir(root.join("src/resources.rs")).unwrap();
    fs::write(root.join("src/resources.rs/keep"), "mine\n").unwrap();
    let before = snapshot(&root);
    let e = codegen(changed_spec().as_bytes(), &root).unwrap_err();
    assert!(e.contains("src/resources.rs"), "{e}");
    assert_eq!(snapshot(&root), before, "a failed swap changed the tree");

    // And with the obstacle gone, the same run succeeds and changes the module.
    fs::remove_dir_all(root.join("src/resources.rs")).unwrap();
    let module = root.join("crates/resources/src/thing.rs");
    let old = fs::read_to_string(&module).unwrap();
    codegen(changed_spec().as_bytes(), &root).unwrap();
    let new = fs::read_to_string(&module).unwrap();
    assert_ne!(old, new);
    assert!(root.join("src/resources.rs").is_file());
    let left: Vec<_> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".codegen"))
        .collect();
    assert!(left.is_empty(), "staging left behind: {left:?}");
    fs::remove_dir_all(&root).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Collisions: one deterministic rule.

/// `(rust, wire)` of the fields of struct `name` in the model of `spec`.
fn fields_of(spec: &str, name: &str) -> Vec<(String, String)> {
    let model = generator::model(
        spec.as_bytes(),
        &pin(spec.as_bytes()),
        &Selection::from_yaml(SELECT.as_bytes()).unwrap(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    model
        .modules
        .iter()
        .flat_map(|m| &m.items)
        .find_map(|it| match it {
            generator::model::Item::Struct(s) if s.name.rust() == name => Some(
                s.fields
                    .iter()
                    .map(|f| (f.name.rust().to_owned(), f.name.wire().to_owned()))
                    .collect(),
            ),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no struct {name}"))
}

fn colliding_fields_spec(order: &[&str]) -> String {
    let props: String = order
        .iter()
        .map(|p| format!("        {p}: {{type: string}}\n"))
        .collect();
    format!(
        r"openapi: 3.0.0
info: {{title: t, version: '2024-04-10'}}
paths: {{}}
components:
  schemas:
    thing:
      type: object
      x-resourceId: thing
      properties:
        id: {{type: string}}
{props}"
    )
}

#[test]
fn field_collisions_get_numbered_suffixes_in_wire_order_whatever_the_property_order() {
    let wires = ["type", "type_", "fooBar", "foo_bar", "FOO_BAR"];
    let expected = [
        ("foo_bar", "FOO_BAR"),
        ("foo_bar2", "fooBar"),
        ("foo_bar3", "foo_bar"),
        ("id", "id"),
        ("type_", "type"),
        ("type_2", "type_"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(r, w)| (r.to_string(), w.to_string()))
        .collect();
    let forward = colliding_fields_spec(&wires);
    let mut reversed = wires;
    reversed.reverse();
    let backward = colliding_fields_spec(&reversed);
    let mut a = fields_of(&forward, "Thing");
    let mut b = fields_of(&backward, "Thing");
    a.sort();
    b.sort();
    assert_eq!(a, expected);
    assert_eq!(b, expected);

    // The emitted module is byte-identical too, and keeps each wire name.
    let sel = Selection::from_yaml(SELECT.as_bytes()).unwrap();
    let manifest = pin(forward.as_bytes());
    let mut m2 = manifest.clone();
    m2.also_accept.push(sha256_hex(backward.as_bytes()));
    let out_a = generator::generate(forward.as_bytes(), &manifest, &sel).unwrap();
    let out_b = generator::generate(backward.as_bytes(), &m2, &sel).unwrap();
    assert_eq!(out_a, out_b);
    let module = out_a
        .files
        .iter()
        .find(|f| f.path == "crates/resources/src/thing.rs")
        .unwrap();
    for needle in [
        "pub type_: ",
        "pub type_2: ",
        "pub foo_bar3: ",
        r#""foo_bar" => extra.read_optional(key, &mut v_foo_bar"#,
        r#""type_" => extra.read_optional(key, &mut v_type_"#,
    ] {
        assert!(
            module.contents.contains(needle),
            "no `{needle}` in:\n{}",
            module.contents
        );
    }
}

#[test]
fn a_type_collision_is_an_error_naming_both_pointers_whatever_the_order() {
    let a = read("duplicate_type_name.yaml");
    let text = String::from_utf8(a.clone()).unwrap();
    // The same two schemas, declared the other way round.
    let swapped = text
        .replace("    foo.bar: {type: object, properties: {a: {type: string}}}\n", "")
        .replace(
            "    foo_bar: {type: object, properties: {b: {type: string}}}\n",
            "    foo_bar: {type: object, properties: {b: {type: string}}}\n    foo.bar: {type: object, properties: {a: {type: string}}}\n",
        );
    assert_ne!(swapped, text);
    let sel = Selection::from_yaml(SELECT.as_bytes()).unwrap();
    let errors_a = generator::generate(&a, &pin(&a), &sel).unwrap_err();
    let errors_b =
        generator::generate(swapped.as_bytes(), &pin(swapped.as_bytes()), &sel).unwrap_err();
    assert_eq!(errors_a.to_string(), errors_b.to_string());
    assert_eq!(errors_a.0.len(), 1, "{errors_a}");
    let e = &errors_a.0[0];
    assert_eq!(e.at.to_string(), "#/components/schemas/foo_bar");
    assert_eq!(
        e.kind,
        generator::ErrorKind::NameCollision {
            name: "FooBar".into(),
            other: generator::Pointer::schema("foo.bar"),
        }
    );
}

/// An inline schema whose `<Parent><Field>` name a component already has is not an error: the
/// component keeps the name and the inline type gets the next numeric suffix, whatever the
/// document order.
#[test]
fn inline_type_clash_gets_a_numeric_suffix() {
    let spec = r"
openapi: 3.0.0
info: {title: t, version: '2024-04-10'}
paths: {}
components:
  schemas:
    thing:
      type: object
      x-resourceId: thing
      properties:
        id: {type: string}
        bar: {type: object, properties: {a: {type: string}}}
        y: {$ref: '#/components/schemas/thing_bar'}
    thing_bar: {type: object, properties: {b: {type: string}}}
";
    let selection = Selection::from_yaml(SELECT.as_bytes()).unwrap();
    let out = generator::generate(spec.as_bytes(), &pin(spec.as_bytes()), &selection).unwrap();
    let thing = &out
        .files
        .iter()
        .find(|f| f.path.ends_with("/thing.rs"))
        .unwrap()
        .contents;
    assert!(
        thing.contains("pub struct ThingBar {\n    /// `b`, which Stripe's spec does not describe.\n    pub b:"),
        "{thing}"
    );
    assert!(thing.contains("pub struct ThingBar2 {"), "{thing}");
    assert!(thing.contains("pub bar: Option<ThingBar2>"), "{thing}");
}

/// Response structs keep unknown keys in `extra`, so a spec field of that name is refused with
/// its pointer rather than silently shadowed.
#[test]
fn a_response_field_named_extra_is_reserved() {
    let spec = r"
openapi: 3.0.0
info: {title: t, version: '2024-04-10'}
paths: {}
components:
  schemas:
    thing:
      type: object
      x-resourceId: thing
      properties:
        id: {type: string}
        extra: {type: string}
";
    let selection = Selection::from_yaml(SELECT.as_bytes()).unwrap();
    let errors =
        generator::generate(spec.as_bytes(), &pin(spec.as_bytes()), &selection).unwrap_err();
    assert_eq!(errors.0.len(), 1, "{errors}");
    assert_eq!(
        errors.0[0].at.to_string(),
        "#/components/schemas/thing/properties/extra"
    );
    assert_eq!(
        errors.0[0].kind,
        generator::ErrorKind::Reserved {
            name: "extra".into()
        }
    );
}
