#![allow(clippy::unwrap_used, clippy::panic)] // Test helpers: a failure here is a failed test.

//! The model decides, emit renders: the model is final when `model::lower` returns, and emit
//! reads nothing but it. Two checks that fail if emit makes a model decision: emit renders
//! what the IR says even where the IR says something emit could have worked out otherwise
//! from the members, and emit's sources name nothing of the stages before the model.

use std::path::Path;

use generator::load::sha256_hex;
use generator::model::{Item, Model, Tagging, Union, UnionTag};
use generator::{Manifest, Selection};

fn fixture_model(name: &str) -> Model {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let bytes = std::fs::read(path).unwrap();
    let doc: serde_yaml::Value = serde_yaml::from_slice(&bytes).unwrap();
    let select = serde_yaml::to_string(&doc["x-select"]).unwrap();
    let manifest = Manifest {
        api_version: "2024-04-10".into(),
        sha256: sha256_hex(&bytes),
        also_accept: Vec::new(),
    };
    generator::model(
        &bytes,
        &manifest,
        &Selection::from_yaml(select.as_bytes()).unwrap(),
    )
    .unwrap()
}

fn union_mut<'m>(model: &'m mut Model, name: &str) -> &'m mut Union {
    model
        .modules
        .iter_mut()
        .flat_map(|m| &mut m.items)
        .find_map(|it| match it {
            Item::Union(u) if u.name.rust() == name => Some(u),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no union {name}"))
}

/// The emitted text of the union `name` (from its `pub enum` to the next `pub enum`).
fn emitted_union(model: &Model, name: &str) -> String {
    let out = generator::emit::emit(model).unwrap();
    let all: String = out.files.iter().map(|f| f.contents.as_str()).collect();
    let start = all
        .find(&format!("pub enum {name} "))
        .unwrap_or_else(|| panic!("{name} not emitted"));
    let rest = &all[start + 1..];
    let end = rest.find("pub enum ").map_or(all.len(), |i| start + 1 + i);
    all[start..end].to_owned()
}

#[test]
fn emit_tells_union_members_apart_as_the_model_says() {
    let mut model = fixture_model("unions.yaml");
    // Every member of `HolderSource` has its own `object` value: the model tags by it.
    let source = union_mut(&mut model, "HolderSource");
    let UnionTag::Decoded(Tagging::Object(tagged)) = &source.tag else {
        panic!("HolderSource is not tagged by `object`: {:?}", source.tag);
    };
    let variants: Vec<_> = tagged.iter().map(|(_, v)| v.clone()).collect();
    assert!(variants.len() >= 2);
    let by_tag = emitted_union(&model, "HolderSource");
    assert!(by_tag.contains(r#"match r.tag("object")"#), "{by_tag}");
    assert!(!by_tag.contains("try_decode"), "{by_tag}");

    // The same members, told apart by trying each in turn, because the IR says so.
    union_mut(&mut model, "HolderSource").tag =
        UnionTag::Decoded(Tagging::FirstThatDecodes(variants.clone()));
    let in_order = emitted_union(&model, "HolderSource");
    assert!(!in_order.contains("r.tag("), "{in_order}");
    assert_eq!(in_order.matches("r.try_decode()").count(), variants.len());

    // `deleted` read first, although no member is a deleted object.
    union_mut(&mut model, "HolderSource").tag = UnionTag::DeletedFirst {
        deleted: Tagging::Only(variants[0].clone()),
        live: Tagging::Unknown,
    };
    let deleted_first = emitted_union(&model, "HolderSource");
    assert!(
        deleted_first.contains("match r.deleted()"),
        "{deleted_first}"
    );
    assert!(!deleted_first.contains("r.tag("), "{deleted_first}");
}

#[test]
fn emit_names_nothing_of_the_stages_before_the_model() {
    // What emit may name of this crate: the IR and its vocabulary, the summary (itself a
    // function of the model) and `package` (what every published crate's manifest says, the
    // workspace's and no stage's). `crate::rt` is text of the generated code, inside `quote!`.
    const ALLOWED: &[&str] = &["model", "naming", "error", "summary", "package", "rt"];
    const FORBIDDEN: &[&str] = &["openapiv3", "serde_json", "Selected", "Loaded", "Selection"];
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/emit");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 5, "{files:?}");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains("use crate::{"),
            "{}: name each module in its own `use`",
            path.display()
        );
        for (at, _) in text.match_indices("crate::") {
            let module: String = text[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            assert!(
                ALLOWED.contains(&module.as_str()),
                "{} names `crate::{module}`: emit reads the model only",
                path.display()
            );
        }
        for word in FORBIDDEN {
            assert!(
                !text.contains(word),
                "{} names `{word}`: emit reads the model only",
                path.display()
            );
        }
    }
}
