//! Every generator fixture (`generator/tests/fixtures/*.yaml`, one per supported shape) generates
//! code that builds, not only the shapes Stripe's pinned spec happens to have today. The
//! snapshots pin the text; this test compiles it.
//!
//! Each fixture becomes a crate of the generated crate's layout (the runtime crate as its
//! `rt`, the generated `resources` tree and Cargo features, written by `generator::write`), all in one
//! scratch workspace under `target/`, checked with one `cargo check --offline` with warnings
//! denied. Only serde and its few dependencies are built (once, then cached in that
//! workspace's own target directory): the HTTP transport is not what is checked here.

use std::path::{Path, PathBuf};
use std::process::Command;

use xtask::whole_api::{absolute_runtime_path, manifest_section};

use generator::{load::sha256_hex, Manifest, Output, Selection};

fn fixtures() -> Vec<PathBuf> {
    let dir = xtask::repo_root().join("generator/tests/fixtures");
    let mut all: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    all.sort();
    all
}

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

/// `generated/Cargo.toml` for a fixture: the same required dependencies (workspace ones spelled
/// out) and runtime features, but those features are empty and off, so the optional transport
/// dependencies are never built.
fn fixture_manifest(name: &str) -> String {
    let generated = std::fs::read_to_string(xtask::generated_root().join("Cargo.toml")).unwrap();
    let root = std::fs::read_to_string(xtask::repo_root().join("Cargo.toml")).unwrap();
    let workspace_deps: Vec<&str> = manifest_section(&root, "workspace.dependencies")
        .into_iter()
        .filter(|l| !l.starts_with('#'))
        .collect();
    let key = |line: &str| line.split('=').next().unwrap_or_default().trim().to_owned();
    let mut manifest = format!(
        "[package]\nname = \"fixture-{name}\"\nedition = \"2021\"\n\
         publish = false\n# generated package start\n# generated package end\n\n[dependencies]\n"
    );
    for dep in manifest_section(&generated, "dependencies") {
        // serde is kept (the `serde` feature's impls are checked too, with `--all-features`);
        // the transport's optional dependencies are not.
        // The generated block (the runtime and the generated crates) is written by codegen.
        if dep.starts_with('#')
            || dep.starts_with("stripe-typed-")
            || (dep.contains("optional = true") && !dep.starts_with("serde "))
        {
            continue;
        }
        let dep = &dep.replace(", optional = true", "");
        let dep = match dep.contains("workspace = true") {
            true => workspace_deps
                .iter()
                .find(|w| key(w) == key(dep))
                .unwrap_or_else(|| panic!("{dep} is not a workspace dependency"))
                .to_string(),
            // The runtime, by its absolute path.
            false => absolute_runtime_path(dep),
        };
        // serde stays optional: the generated `serde` feature turns it on.
        let dep = match dep.starts_with("serde ") {
            true => dep.replacen(" }", ", optional = true }", 1),
            false => dep,
        };
        manifest.push_str(&dep);
        manifest.push('\n');
    }
    manifest.push_str("# generated dependencies start\n# generated dependencies end\n");
    manifest.push_str("\n[features]\n");
    for feature in manifest_section(&generated, "features") {
        if feature.starts_with("# generated start") {
            break;
        }
        if feature.starts_with('#') {
            continue;
        }
        manifest.push_str(&format!("{} = []\n", key(feature)));
    }
    manifest.push_str("# generated start\n# generated end\n");
    manifest
}

/// A crate like `generated/` holding `out`, with the runtime's transport features off.
fn fixture_crate(dir: &Path, name: &str, mut out: Output) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("Cargo.toml"), fixture_manifest(name)).unwrap();
    let with_transport = out.cargo_features.clone();
    out.cargo_features = with_transport.replacen("\"reqwest\", ", "", 1);
    assert_ne!(
        out.cargo_features, with_transport,
        "the default features name reqwest"
    );
    // The runtime is the workspace's own (a path dependency); its API version is the pin's.
    out.files
        .retain(|f| f.path != generator::pinned::API_VERSION_FILE);
    // The module layout of `generated/src/lib.rs`, without its webhook wrappers and README
    // doctest (which name the pinned selection's resources), but calling `with_resource!` as
    // it does.
    std::fs::write(
        dir.join("src/lib.rs"),
        "pub use stripe_typed_runtime as rt;\n\n#[rustfmt::skip]\npub mod resources;\n\n\
         resources::with_resource! { readme: }\n",
    )
    .unwrap();
    generator::write::write(&out, dir).unwrap();
    xtask::whole_api::runtime_by_absolute_path(dir).unwrap();
    // A fixture may come with tests of its own (`<fixture>.rs`, e.g. decoding its unions).
    let own_tests = xtask::repo_root().join(format!("generator/tests/fixtures/{name}.rs"));
    if own_tests.is_file() {
        std::fs::create_dir_all(dir.join("tests")).unwrap();
        std::fs::copy(&own_tests, dir.join("tests").join(format!("{name}.rs"))).unwrap();
    }
}

#[test]
fn every_fixture_generates_code_that_builds() {
    let fixtures = fixtures();
    assert!(fixtures.len() >= 5, "{fixtures:?}");
    let root = xtask::repo_root().join("target/fixture-crates");
    std::fs::create_dir_all(&root).unwrap();
    // Each fixture is a workspace of its own (their generated crates share names), over one
    // target directory.
    let target = root.join("target");
    for path in &fixtures {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let dir = root.join(&stem);
        fixture_crate(&dir, &stem, generate(path));
        let mut manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        manifest.push_str("\n[workspace]\nresolver = \"2\"\n");
        std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
        // The workspace's lock file, so the versions are those already downloaded: no network.
        std::fs::copy(
            xtask::repo_root().join("Cargo.lock"),
            dir.join("Cargo.lock"),
        )
        .unwrap();
        // Every feature is empty but `serde`'s impls: all of the generated code is checked.
        let output = cargo_in(&dir, &target, &["check", "--workspace", "--all-features"]);
        assert!(
            output.status.success(),
            "the generated code of fixture {stem} does not build:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    // Then the tests that come with fixtures, in their crates.
    for path in &fixtures {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        if !path.with_extension("rs").is_file() {
            continue;
        }
        let package = format!("fixture-{stem}");
        let output = cargo_in(
            &root.join(&stem),
            &target,
            &["test", "-p", &package, "--test", &stem],
        );
        assert!(
            output.status.success(),
            "the tests of fixture {stem} fail:\n{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// `cargo ARGS` on the fixture's workspace at `root`: offline, warnings denied, the fixtures'
/// target directory.
fn cargo_in(root: &Path, target: &Path, args: &[&str]) -> std::process::Output {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .args(["--offline", "--message-format=short", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .unwrap()
}
