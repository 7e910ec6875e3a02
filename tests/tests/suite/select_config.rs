//! The committed `spec/select.yaml` against the pinned spec: every entry matches something.
//! A bump may leave entries that match nothing (they are warnings in the change report, see
//! `generator::stale`); this keeps the committed pair clean, so the warnings a bump prints are
//! about the bump.

#[test]
fn every_entry_of_the_committed_selection_matches_the_pinned_spec() {
    let spec = xtask::pinned_spec().unwrap_or_else(|e| panic!("{e:#}"));
    let pin = xtask::pin().unwrap();
    let loaded = generator::load::load(&spec, &pin.manifest).unwrap();
    let (pruned, warnings) = generator::stale::prune(&loaded, &xtask::selection().unwrap());
    let lines: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    assert!(
        pruned.is_none() && lines.is_empty(),
        "spec/select.yaml has entries that match nothing in the pinned spec; remove them:\n{}",
        lines.join("\n")
    );
}
