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
            // `src/api_version.rs` depends on the pin only (tested in `generator::pinned`).
            for f in out
                .files
                .iter()
                .filter(|f| f.path != generator::pinned::API_VERSION_FILE)
            {
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

/// Reversing the order of every map in the document changes nothing in the output.
#[test]
fn output_does_not_depend_on_document_order() {
    fn reverse(v: serde_yaml::Value) -> serde_yaml::Value {
        match v {
            serde_yaml::Value::Mapping(m) => {
                let mut entries: Vec<_> = m.into_iter().collect();
                entries.reverse();
                serde_yaml::Value::Mapping(
                    entries.into_iter().map(|(k, v)| (k, reverse(v))).collect(),
                )
            }
            serde_yaml::Value::Sequence(s) => {
                serde_yaml::Value::Sequence(s.into_iter().map(reverse).collect())
            }
            other => other,
        }
    }
    for path in fixtures() {
        let bytes = std::fs::read(&path).unwrap();
        let doc: serde_yaml::Value = serde_yaml::from_slice(&bytes).unwrap();
        let reversed = serde_yaml::to_string(&reverse(doc.clone())).unwrap();
        let select = serde_yaml::to_string(&doc["x-select"]).unwrap();
        let selection = Selection::from_yaml(select.as_bytes()).unwrap();
        let mut manifest = Manifest {
            api_version: "2024-04-10".into(),
            sha256: sha256_hex(&bytes),
            also_accept: vec![sha256_hex(reversed.as_bytes())],
        };
        let a = generator::generate(&bytes, &manifest, &selection).unwrap();
        manifest.also_accept.clear();
        manifest.also_accept.push(sha256_hex(reversed.as_bytes()));
        let b = generator::generate(reversed.as_bytes(), &manifest, &selection).unwrap();
        assert_eq!(a, b, "{}", path.display());
    }
}
