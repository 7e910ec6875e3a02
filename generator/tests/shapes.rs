#![allow(clippy::unwrap_used, clippy::panic)] // Test helpers: a failure here is a failed test.

//! Each fixture under `tests/fixtures/` is a small spec for one behaviour; every file it
//! generates is snapshotted. Review changes with `cargo insta review`.

use std::path::Path;

use generator::{load::sha256_hex, Manifest, Output, Selection};

fn generate(path: &Path) -> Output {
    let bytes = std::fs::read(path).unwrap();
    let doc: serde_yaml::Value = serde_yaml::from_slice(&bytes).unwrap();
    let select = serde_yaml::to_string(&doc["x-select"]).unwrap();
    let selection = Selection::from_yaml(select.as_bytes()).unwrap();
    let manifest = Manifest {
        api_version: "2024-04-10".into(),
        sha256: sha256_hex(&bytes),
        also_accept: Vec::new(),
    };
    generator::generate(&bytes, &manifest, &selection)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Whether `path` is one of the license texts a generated crate ships.
fn is_license(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    generator::package::LICENSE_FILES
        .iter()
        .any(|(license, _)| *license == name)
}

/// Every generated crate is a package of its own: a manifest, a readme and the workspace's
/// license texts, byte for byte, beside its sources.
#[test]
fn every_generated_crate_ships_its_readme_and_license_texts() {
    let out = generate(&fixtures()[0]);
    let crates: std::collections::BTreeSet<&str> = out
        .files
        .iter()
        .filter_map(|f| f.path.strip_prefix("crates/")?.split('/').next())
        .collect();
    assert!(!crates.is_empty());
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for c in crates {
        let file = |name: &str| {
            out.files
                .iter()
                .find(|f| f.path == format!("crates/{c}/{name}"))
                .unwrap_or_else(|| panic!("crate {c} has no {name}"))
        };
        assert!(file("Cargo.toml")
            .contents
            .contains("readme = \"README.md\""));
        assert!(file("README.md")
            .contents
            .contains(&format!("# stripe-typed-{c}\n")));
        for (name, _) in generator::package::LICENSE_FILES {
            let workspace = std::fs::read_to_string(root.join(name)).unwrap();
            assert_eq!(file(name).contents, workspace, "crates/{c}/{name}");
        }
    }
}

fn fixtures() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut all: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    all.sort();
    all
}

#[test]
fn fixtures_generate_their_snapshots() {
    let fixtures = fixtures();
    assert!(fixtures.len() >= 4);
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for path in fixtures {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            let out = generate(&path);
            // The runtime's files depend on the pin only: the API version is tested in
            // `generator::pinned`, v2 error codes where the fixture has them.
            // The license texts are the workspace's, checked below rather than snapshotted.
            for f in out.files.iter().filter(|f| {
                f.path != generator::pinned::API_VERSION_FILE
                    && (f.path != generator::pinned::V2_ERROR_CODE_FILE || stem == "v2")
                    && !is_license(&f.path)
            }) {
                let name = format!(
                    "{stem}__{}",
                    f.path.trim_start_matches("src/").replace(['/', '.'], "_")
                );
                insta::assert_snapshot!(name, &f.contents);
            }
            insta::assert_snapshot!(format!("{stem}__features"), &out.cargo_features);
        }
    });
}

/// Reverses what reaches the pipeline in document order. Maps do not: the loader parses into
/// sorted maps, so their order is reversed too but cannot matter. Sequences do: `required`,
/// `enum` values, `parameters` and the config's lists are sets whose order must not matter.
/// `anyOf`/`oneOf` members are kept: a union's members are in spec order by design.
fn reverse(v: serde_yaml::Value) -> serde_yaml::Value {
    match v {
        serde_yaml::Value::Mapping(m) => {
            let mut entries: Vec<_> = m.into_iter().collect();
            entries.reverse();
            serde_yaml::Value::Mapping(
                entries
                    .into_iter()
                    .map(|(k, v)| {
                        let is_union = matches!(k.as_str(), Some("anyOf" | "oneOf"));
                        let v = match v {
                            serde_yaml::Value::Sequence(s) if is_union => {
                                serde_yaml::Value::Sequence(s.into_iter().map(reverse).collect())
                            }
                            other => reverse(other),
                        };
                        (k, v)
                    })
                    .collect(),
            )
        }
        serde_yaml::Value::Sequence(s) => {
            serde_yaml::Value::Sequence(s.into_iter().rev().map(reverse).collect())
        }
        other => other,
    }
}

/// The same fixture with every set-like sequence reversed generates the same bytes; and the
/// reversal does reach the pipeline (the loaded documents differ), so the test can fail.
#[test]
fn output_does_not_depend_on_document_order() {
    for path in fixtures() {
        let bytes = std::fs::read(&path).unwrap();
        let doc: serde_yaml::Value = serde_yaml::from_slice(&bytes).unwrap();
        let reversed_doc = reverse(doc.clone());
        let reversed = serde_yaml::to_string(&reversed_doc).unwrap();
        let manifest = Manifest {
            api_version: "2024-04-10".into(),
            sha256: sha256_hex(&bytes),
            also_accept: vec![sha256_hex(reversed.as_bytes())],
        };
        let selection = |d: &serde_yaml::Value| {
            Selection::from_yaml(serde_yaml::to_string(&d["x-select"]).unwrap().as_bytes()).unwrap()
        };
        let loaded = generator::load::load(&bytes, &manifest).unwrap();
        let loaded_reversed = generator::load::load(reversed.as_bytes(), &manifest).unwrap();
        assert_ne!(
            loaded.doc,
            loaded_reversed.doc,
            "{}: the reversal does not reach the pipeline",
            path.display()
        );
        let a = generator::generate(&bytes, &manifest, &selection(&doc)).unwrap();
        let b =
            generator::generate(reversed.as_bytes(), &manifest, &selection(&reversed_doc)).unwrap();
        assert_eq!(a, b, "{}", path.display());
    }
}

/// Model and emit do not depend on the order select hands over resources and operations:
/// both are reversed between select and model (the document cannot reorder them, since the
/// loader sorts paths).
#[test]
fn output_does_not_depend_on_the_order_of_resources_and_operations() {
    use generator::select::{self, Owner, Selected};
    let mut reordered_any = false;
    for path in fixtures() {
        let bytes = std::fs::read(&path).unwrap();
        let doc: serde_yaml::Value = serde_yaml::from_slice(&bytes).unwrap();
        let selection =
            Selection::from_yaml(serde_yaml::to_string(&doc["x-select"]).unwrap().as_bytes())
                .unwrap();
        let manifest = Manifest {
            api_version: "2024-04-10".into(),
            sha256: sha256_hex(&bytes),
            also_accept: Vec::new(),
        };
        let loaded = generator::load::load(&bytes, &manifest).unwrap();
        let selected = select::select(&loaded, &selection).unwrap();
        let n = selected.resources.len();
        let mut resources = selected.resources.clone();
        resources.reverse();
        for r in &mut resources {
            r.ops.reverse();
        }
        reordered_any |=
            resources != selected.resources && selected.resources.iter().any(|r| r.ops.len() > 1);
        let owners = selected
            .owners
            .iter()
            .map(|(p, o)| {
                let o = match o {
                    Owner::Resource(i) => Owner::Resource(n - 1 - i),
                    Owner::Common => Owner::Common,
                };
                (p.clone(), o)
            })
            .collect();
        let reordered = Selected {
            loaded: &loaded,
            resources,
            owners,
            selection: &selection,
            warnings: selected.warnings.clone(),
            left_out: selected.left_out.iter().rev().cloned().collect(),
        };
        let a = generator::model::lower(&selected, loaded.info.clone()).unwrap();
        let b = generator::model::lower(&reordered, loaded.info.clone()).unwrap();
        assert_eq!(a, b, "{}", path.display());
        assert_eq!(
            generator::emit::emit(&a).unwrap(),
            generator::emit::emit(&b).unwrap()
        );
    }
    assert!(reordered_any, "no fixture has operations to reorder");
}
