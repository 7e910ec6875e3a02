//! The README's "(b) Generate a crate into your own workspace", followed as a user would: in a
//! scratch directory outside the repository, its commands run and its two files written as
//! the README gives them, then the binary built and run against a server on 127.0.0.1 that
//! plays Stripe. Only what cannot be the same here is changed: the clone is this checkout
//! (`cd stripe-typed`, and the `[patch]` path to its runtime), the key is a test key, and
//! `STRIPE_BASE_URL` names the loopback server.

use std::path::{Path, PathBuf};
use std::process::Command;

use xtask::your_project::{readme_blocks, serve, write_application, Walk, PAYMENT_INTENT};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn run(cmd: &mut Command) -> std::process::Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("running {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The bytes of the repository's own selection and generated manifest, to show that `--out`
/// wrote nothing else.
fn repository_state() -> Vec<Vec<u8>> {
    let root = repo_root();
    [
        "spec/select.yaml",
        "spec/manifest.json",
        "generated/Cargo.toml",
        "generated/api.json",
    ]
    .iter()
    .map(|f| std::fs::read(root.join(f)).unwrap())
    .collect()
}

#[test]
fn the_readme_s_own_crate_path_builds_and_runs_a_binary_against_loopback() {
    let scratch = std::env::temp_dir().join(format!("xtask-your-project-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    let before = repository_state();

    let blocks = readme_blocks().unwrap();
    let mut walk = Walk::new(&scratch, Path::new(env!("CARGO_BIN_EXE_xtask")));
    let printed = walk.run(&blocks[0].1).unwrap();
    assert!(
        printed.contains("creates the crate `stripe-typed`"),
        "{printed}"
    );
    assert_eq!(
        repository_state(),
        before,
        "--out wrote into the repository"
    );
    let app = scratch.join("my-app");
    let crate_dir = app.join("stripe");
    for f in [
        "Cargo.toml",
        "spec/select.yaml",
        "spec/manifest.json",
        "api.json",
        "src/lib.rs",
    ] {
        assert!(crate_dir.join(f).is_file(), "{f} was not generated");
    }

    // The two files, as the README gives them; the runtime from this checkout.
    write_application(&app, &blocks).unwrap();

    // Checked and regenerated in place: nothing changes.
    let check = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["codegen", "--check", "--out"])
        .arg(&crate_dir)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    let (addr, seen) = serve().unwrap();
    // Builds share a target directory in the repository's, so a second run is quick.
    let target_dir = repo_root().join("target/your-project");
    walk.env = vec![
        ("STRIPE_BASE_URL".into(), addr),
        ("CARGO_TARGET_DIR".into(), target_dir.display().to_string()),
    ];
    let printed = walk.run(&blocks[3].1).unwrap();
    assert_eq!(
        printed,
        format!(
            "created customer cus_NffrFeUfNV2Hib\npayment intent {PAYMENT_INTENT}: Succeeded\n"
        )
    );
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "{seen:#?}");
    let (create, retrieve) = (&seen[0], &seen[1]);
    assert_eq!(
        (create.method.as_str(), create.path.as_str()),
        ("POST", "/v1/customers")
    );
    assert_eq!(create.body, "email=jenny.rosen%40example.com");
    assert_eq!(create.headers["authorization"], "Bearer sk_test_...");
    let pinned = xtask::pin().unwrap().manifest.api_version;
    assert_eq!(create.headers["stripe-version"], pinned);
    assert!(create.headers.contains_key("idempotency-key"), "{create:?}");
    assert_eq!(retrieve.method, "GET");
    assert_eq!(
        retrieve.path,
        "/v1/payment_intents/pi_3OxYk4LkdIwHu7ix1EnjZ7pQ"
    );

    // Later, from the clone: another resource, a check, a regeneration.
    walk.cwd = repo_root();
    let printed = walk.run(&blocks[4].1).unwrap();
    assert!(printed.contains("adds `invoice`"), "{printed}");
    assert!(printed.contains("is up to date"), "{printed}");
    assert_eq!(
        repository_state(),
        before,
        "--out wrote into the repository"
    );

    // As if the crate had been generated from an older pin with a type this one lacks: the
    // regeneration is a release, breaking, so 0.1.0 becomes 0.2.0 with a changelog entry.
    let record = crate_dir.join("spec/manifest.json");
    let pin = std::fs::read_to_string(&record).unwrap();
    let sha = xtask::pin().unwrap().manifest.sha256;
    std::fs::write(&record, pin.replace(&sha, &"0".repeat(64))).unwrap();
    let mut api: serde_json::Value =
        serde_json::from_slice(&std::fs::read(crate_dir.join("api.json")).unwrap()).unwrap();
    let types = api["types"].as_object_mut().unwrap();
    let customer = types["Customer"].clone();
    types.insert("RetiredCustomer".into(), customer);
    std::fs::write(crate_dir.join("api.json"), api.to_string()).unwrap();
    let out = run(Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["codegen", "--out"])
        .arg(&crate_dir)
        .env("SOURCE_DATE_EPOCH", "1796688000"));
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        printed.contains("stripe-typed: 0.1.0 -> 0.2.0"),
        "{printed}"
    );
    let manifest = std::fs::read_to_string(crate_dir.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("\nversion = \"0.2.0\"\n"), "{manifest}");
    assert!(manifest.contains("version = \"=0.2.0\""), "{manifest}");
    let changelog = std::fs::read_to_string(crate_dir.join("CHANGELOG.md")).unwrap();
    assert!(
        changelog.contains(&format!(
            "## stripe-typed 0.2.0 (2026-12-08): Stripe API {pinned}"
        )),
        "{changelog}"
    );
    assert!(
        changelog.contains("### Breaking changes\n\n- `RetiredCustomer`"),
        "{changelog}"
    );
    assert_eq!(std::fs::read_to_string(&record).unwrap(), pin);
    assert_eq!(
        repository_state(),
        before,
        "--out wrote into the repository"
    );

    let _ = std::fs::remove_dir_all(&scratch);
}
