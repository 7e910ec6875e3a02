//! The committed `generated/` is exactly what the pinned spec generates, and every generated file
//! is snapshotted so a spec bump is reviewed with `cargo insta review`.

use std::path::{Path, PathBuf};

fn generated_root() -> PathBuf {
    xtask::generated_root()
}

fn pinned() -> generator::Output {
    // Fetches and verifies the spec on first use; names `cargo xtask fetch-spec` if it cannot.
    xtask::generate_pinned().unwrap_or_else(|e| panic!("{e:#}"))
}

/// The workspace's license text if `path` is one a generated crate ships.
fn license_text(path: &str) -> Option<&'static str> {
    let name = path.rsplit('/').next()?;
    generator::package::LICENSE_FILES
        .iter()
        .find(|(license, _)| *license == name)
        .map(|(_, text)| *text)
}

#[test]
fn generated_is_fresh() {
    let out = pinned();
    let stale = generator::write::check(&out, &generated_root()).unwrap();
    assert!(
        stale.is_empty(),
        "generated/ is stale: {stale:?}\nrun `cargo xtask codegen` and commit the result"
    );
}

/// `rt::API_VERSION` and the crate description are generated from the pin, not written by hand.
#[test]
fn the_runtime_and_the_crate_description_follow_the_pin() {
    let pinned = xtask::pin().unwrap().manifest.api_version;
    assert_eq!(stripe_typed::rt::API_VERSION, pinned);
    let cargo = std::fs::read_to_string(generated_root().join("Cargo.toml")).unwrap();
    assert!(
        cargo.contains(&generator::package::cargo_description(&pinned)),
        "{cargo}"
    );
}

/// A standalone crate (`cargo xtask codegen --out`) has `stripe-typed`'s hand-written features
/// and its code: what `generated/` writes by hand, the generator writes for it.
#[test]
fn a_standalone_crate_has_the_hand_written_features_and_code_of_stripe_typed() {
    let cargo = std::fs::read_to_string(generated_root().join("Cargo.toml")).unwrap();
    let features = cargo
        .split("[features]\n")
        .nth(1)
        .and_then(|f| f.split("# generated start\n").next())
        .unwrap();
    let features: String = features
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        features,
        generator::emit::standalone::HAND_WRITTEN_FEATURES,
        "generated/Cargo.toml's hand-written features changed: update emit::standalone"
    );

    let spec = xtask::pinned_spec().unwrap();
    let pin = xtask::pin().unwrap();
    let mut selection = xtask::selection().unwrap();
    selection.resources = vec!["financial_connections.session".into()];
    let package = generator::Package {
        name: "acme-stripe".into(),
        version: "0.4.2".into(),
        runtime_version: "0.3.0".into(),
        layout: generator::Layout::Standalone,
    };
    let out = generator::generate_package(&spec, &pin.manifest, &selection, &package).unwrap();
    let file = |path: &str| {
        &out.files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("no {path}"))
            .contents
    };
    let lib = file("src/lib.rs");
    assert!(
        lib.contains("#![doc = include_str!(\"../README.md\")]"),
        "{lib}"
    );
    assert!(lib.contains("pub use stripe_typed_runtime as rt;"), "{lib}");
    assert!(lib.contains("use acme_stripe::webhook"), "{lib}");
    assert!(
        !lib.contains("stripe_typed::") && !lib.contains("with_resource"),
        "{lib}"
    );
    let manifest = file("Cargo.toml");
    assert!(
        manifest.contains("name = \"acme-stripe\"\nversion = \"0.4.2\"\n"),
        "{manifest}"
    );
    assert!(
        manifest.contains("\nstripe-typed-runtime = \"=0.3.0\"\n"),
        "{manifest}"
    );
    assert!(
        manifest
            .contains("\nacme-stripe-params = { path = \"crates/params\", version = \"=0.4.2\""),
        "{manifest}"
    );
    assert!(!manifest.contains("path = \"runtime\""), "{manifest}");
    let params = file("crates/params/Cargo.toml");
    assert!(params.contains("name = \"acme-stripe-params\""), "{params}");
    assert!(
        params.contains("\nstripe-typed-runtime = \"=0.3.0\"\n")
            && params.contains("publish = false"),
        "{params}"
    );
    // No file of the runtime: a standalone crate's runtime is a published version.
    assert!(out.files.iter().all(|f| !f.path.starts_with("runtime/")));
}

#[test]
fn every_generated_file_matches_its_snapshot() {
    let out = pinned();
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        // The license texts are the workspace's (`generation_is_deterministic` checks them).
        for f in out.files.iter().filter(|f| license_text(&f.path).is_none()) {
            let name = f.path.trim_start_matches("src/").replace(['/', '.'], "__");
            insta::assert_snapshot!(name, &f.contents);
        }
        insta::assert_snapshot!("Cargo.toml-features", &out.cargo_features);
    });
}

#[test]
fn generation_is_deterministic() {
    let a = pinned();
    let b = pinned();
    assert_eq!(a, b);
    let m = xtask::pin().unwrap().manifest;
    // The runtime's pinned files name the pin; the crates' sources and manifests do not (a
    // bump leaves unchanged files as they were).
    let pin = format!(
        "@generated by `cargo xtask codegen` from Stripe's OpenAPI spec, API version {}, sha256 {}.",
        m.api_version,
        &m.sha256[..12]
    );
    let runtime_header = format!("// {pin}");
    let crate_header = generator::emit::SOURCE_HEADER.replace("// ", "# ");
    let readme_header = generator::emit::crates::readme_header();
    for f in &a.files {
        assert!(
            f.contents.ends_with('\n') && !f.contents.ends_with("\n\n"),
            "{}",
            f.path
        );
        if let Some(text) = license_text(&f.path) {
            assert_eq!(f.contents, text, "{}", f.path);
            continue;
        }
        let header = if f.path.ends_with(".toml") {
            crate_header.as_str()
        } else if f.path.ends_with(".md") {
            readme_header.as_str()
        } else if generator::pinned::RUNTIME_FILES.contains(&f.path.as_str()) {
            runtime_header.as_str()
        } else {
            generator::emit::SOURCE_HEADER
        };
        assert!(f.contents.starts_with(header), "{}", f.path);
    }
}

#[test]
fn json_and_yaml_encodings_of_the_spec_generate_the_same_bytes() {
    let json = xtask::pinned_spec().unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let yaml = serde_yaml::to_string(&doc).unwrap();
    assert!(!yaml.trim_start().starts_with('{'));
    let mut manifest = xtask::pin().unwrap().manifest;
    manifest
        .also_accept
        .push(generator::load::sha256_hex(yaml.as_bytes()));
    let from_yaml =
        generator::generate(yaml.as_bytes(), &manifest, &xtask::selection().unwrap()).unwrap();
    assert_eq!(from_yaml, pinned());
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

#[test]
fn check_catches_a_hand_edit_and_write_repairs_it() {
    let out = pinned();
    let scratch = std::env::temp_dir().join(format!("stale-check-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(scratch.join("src")).unwrap();
    std::fs::copy(
        generated_root().join("Cargo.toml"),
        scratch.join("Cargo.toml"),
    )
    .unwrap();
    std::fs::copy(
        generated_root().join("src/resources.rs"),
        scratch.join("src/resources.rs"),
    )
    .unwrap();
    copy_dir(
        &generated_root().join("src/resources"),
        &scratch.join("src/resources"),
    );
    copy_dir(&generated_root().join("crates"), &scratch.join("crates"));
    std::fs::copy(generated_root().join("api.json"), scratch.join("api.json")).unwrap();
    for file in generator::pinned::RUNTIME_FILES {
        let target = scratch.join(file);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(generated_root().join(file), target).unwrap();
    }
    assert!(generator::write::check(&out, &scratch).unwrap().is_empty());

    let edited = scratch.join("crates/resources-1/src/financial_connections_session.rs");
    let text = std::fs::read_to_string(&edited).unwrap();
    std::fs::write(
        &edited,
        text.replace("pub livemode: bool", "pub livemode: bool, pub extra: bool"),
    )
    .unwrap();
    std::fs::write(scratch.join("src/resources/leftover.rs"), "").unwrap();
    assert_eq!(
        generator::write::check(&out, &scratch).unwrap(),
        [
            "crates/resources-1/src/financial_connections_session.rs",
            "src/resources/leftover.rs"
        ]
    );
    generator::write::write(&out, &scratch).unwrap();
    assert!(generator::write::check(&out, &scratch).unwrap().is_empty());
    std::fs::remove_dir_all(&scratch).unwrap();
}

/// The fields of `pub struct name` in `text`, as `field: Type` lines.
fn struct_fields<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
    let start = text
        .find(&format!("pub struct {name} {{"))
        .unwrap_or_else(|| panic!("no struct {name}"));
    let body = &text[start..];
    let body = &body[..body.find("\n}").unwrap()];
    body.lines()
        .map(str::trim)
        .filter_map(|l| l.strip_prefix("pub "))
        .collect()
}

/// Stripe's secrets in the pinned spec come out as `rt::Secret`, in responses and in query and
/// body parameters, and only where they are secret: an invoice's `number` is not.
#[test]
fn stripes_secrets_are_typed_secret_in_the_pinned_spec() {
    let spec = xtask::pinned_spec().unwrap();
    let manifest = xtask::pin().unwrap().manifest;
    let selection = generator::Selection::from_yaml(
        b"resources: [payment_intent, issuing.card, invoice, ephemeral_key, webhook_endpoint, \
          terminal.connection_token, payment_method, token]\n",
    )
    .unwrap();
    let out = generator::generate(&spec, &manifest, &selection).unwrap_or_else(|e| panic!("{e}"));
    let all: String = out.files.iter().map(|f| f.contents.as_str()).collect();
    for (ty, field) in [
        (
            "PaymentIntent",
            "client_secret: Option<Option<rt::Secret>>,",
        ),
        (
            "RetrievePaymentIntent",
            "client_secret: Option<rt::Secret>,",
        ),
        ("ConfirmPaymentIntent", "client_secret: Option<rt::Secret>,"),
        ("IssuingCard", "cvc: Option<rt::Secret>,"),
        ("IssuingCard", "number: Option<rt::Secret>,"),
        ("EphemeralKey", "secret: Option<rt::Secret>,"),
        ("WebhookEndpoint", "secret: Option<rt::Secret>,"),
        ("TerminalConnectionToken", "secret: rt::Secret,"),
        ("Invoice", "number: Option<Option<String>>,"),
        ("CreateInvoice", "number: Option<String>,"),
    ] {
        let fields = struct_fields(&all, ty);
        assert!(fields.contains(&field), "{ty}: {field} not in {fields:#?}");
    }
    // Card details in parameters, at depth (`card[number]`, `card[cvc]`).
    let card_params = all.match_indices("pub number: rt::Secret,").count();
    assert!(
        card_params >= 2,
        "payment method and token card numbers: {card_params}"
    );
    assert!(all.contains("pub cvc: Option<rt::Secret>,"));
}
