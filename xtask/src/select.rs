//! `cargo xtask select`: choosing resources is one command.
//!
//! `select` lists every resource of the pinned spec (v1 by `x-resourceId`, v2 objects by
//! name), grouped by product area, each with what it costs against the current selection
//! (see `costs` and `generator::cost`). `select add NAME...` and `select remove NAME...`
//! edit the `resources:` list of `spec/select.yaml` as lines (`yaml`), generate the new
//! selection in memory next to the current one, print what the change adds or removes and
//! what it changes for the resources that stay, then swap `spec/select.yaml` in with
//! `generated/` in one undoable step, as `cargo xtask bump-spec` swaps the manifest. A name
//! that is not a resource is refused with the nearest ones (`generator::suggest`), before anything is
//! written.
//!
//! Product areas: a v1 id's first segment (`issuing.card` is `issuing`), `core` for an id
//! without one (`customer`); a v2 id's first two (`v2.core.account` is `v2.core`). `core`
//! first, the other v1 areas by name, then v2's.

mod costs;
mod yaml;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use generator::select::events::EVENT_RESOURCE;
use generator::summary::{self, Summary};
use generator::{Output, Pointer, Selection};

use crate::flags::SelectAction;
use crate::target::Target;

pub use costs::{build_seconds, BUILD_SECONDS_PER_LINE};

/// `cargo xtask select`: prints the listing.
pub fn list(target: &Target) -> Result<()> {
    let started = Instant::now();
    let text = read_selection_text(target)?;
    let selection = parse_selection(&text)?;
    let measured = costs::whole_api(&selection)?;
    print!("{}", listing(&measured, &selection));
    let how = match measured.generated_in {
        Some(d) => format!(
            "the whole API generated and priced in {:.1} s, cached in {}",
            d.as_secs_f64(),
            shown(&measured.cache)
        ),
        None => format!("the whole API's costs from {}", shown(&measured.cache)),
    };
    println!("listed in {:.2} s ({how})", started.elapsed().as_secs_f64());
    Ok(())
}

/// The listing: a header, a table per product area, a footer that says how it is measured.
fn listing(measured: &costs::Measured, selection: &Selection) -> String {
    let costs = &measured.costs;
    let listed: BTreeSet<&str> = selection.resources.iter().map(String::as_str).collect();
    let always = costs
        .resources
        .iter()
        .any(|r| r.id == EVENT_RESOURCE)
        .then_some(EVENT_RESOURCE);
    let selected: BTreeSet<&str> = listed.iter().copied().chain(always).collect();
    let rows = costs.against(&selected);
    let v2 = rows.iter().filter(|r| r.id.starts_with("v2.")).count();
    let mut out = wrap(&format!(
        "The {} resources of the pinned spec ({} v1, {v2} v2) by product area. `*`: listed in \
         spec/select.yaml; `+`: generated whatever it lists (webhooks need `{EVENT_RESOURCE}`).",
        rows.len(),
        rows.len() - v2,
    ));
    out.push_str(&wrap(
        "ops: its operations. types, lines: what it adds to the selection; for a selected one, \
         what only it needs, which removing it saves. build: the debug build seconds those \
         lines add (an estimate, see below).",
    ));
    let width = rows.iter().map(|r| r.id.len()).max().unwrap_or(8).max(8);
    let mut areas: BTreeMap<(bool, bool, String), Vec<&generator::cost::Cost>> = BTreeMap::new();
    for r in &rows {
        let area = area(&r.id);
        let key = (area.starts_with("v2."), area != "core", area);
        areas.entry(key).or_default().push(r);
    }
    for ((_, _, area), rows) in &areas {
        let _ = writeln!(out, "\n{area} ({})", rows.len());
        let _ = writeln!(
            out,
            "    {:width$}  {:>4}  {:>5}  {:>8}  {:>7}",
            "resource", "ops", "types", "lines", "build"
        );
        for r in rows {
            let mark = match r.id.as_str() {
                id if listed.contains(id) => '*',
                id if always == Some(id) => '+',
                _ => ' ',
            };
            let _ = writeln!(
                out,
                "  {mark} {:width$}  {:>4}  {:>5}  {:>8}  {:>5.1} s",
                r.id,
                r.ops,
                r.types,
                thousands(r.lines),
                build_seconds(r.lines),
            );
        }
    }
    let (types, lines) = costs.selection(&selected);
    out.push('\n');
    out.push_str(&wrap(&format!(
        "selected: {} resources{}, {} types, {} lines, about {:.1} s of debug build.",
        selected.len(),
        always.map_or(String::new(), |a| format!(" (with `{a}`)")),
        thousands(types),
        thousands(lines),
        build_seconds(lines),
    )));
    let unknown: Vec<&str> = listed
        .iter()
        .copied()
        .filter(|id| !costs.resources.iter().any(|r| r.id == *id))
        .collect();
    if !unknown.is_empty() {
        out.push_str(&wrap(&format!(
            "spec/select.yaml lists what the pinned spec has no resource for: {} (codegen \
             refuses it; `cargo xtask select remove NAME` takes it out).",
            quoted(&unknown)
        )));
    }
    out.push_str(&wrap(
        "types and lines: each resource's closure (its types, what its operations take and \
         answer, and what those name, expandable fields aside) in one in-memory generation of \
         the whole API, each type's lines as emit formats them (imports and re-exports not \
         counted); `select add` and `select remove` print exact figures before writing.",
    ));
    out.push_str(&wrap(&format!(
        "build: {:.0} µs a generated line (xtask::select::BUILD_SECONDS_PER_LINE): {}.",
        BUILD_SECONDS_PER_LINE * 1e6,
        costs::BUILD_SECONDS_SOURCE
    )));
    out
}

/// `text` as lines of at most 92 characters, as `cargo xtask help` writes its prose.
fn wrap(text: &str) -> String {
    crate::flags::wrap(text, "")
}

/// A resource's product area (see the module docs).
fn area(id: &str) -> String {
    match id.strip_prefix("v2.") {
        Some(rest) => format!("v2.{}", rest.split('.').next().unwrap_or(rest)),
        None => match id.split_once('.') {
            Some((area, _)) => area.to_owned(),
            None => "core".to_owned(),
        },
    }
}

/// `cargo xtask select add NAME...` and `select remove NAME...`.
pub fn change(target: &Target, action: &SelectAction, dry_run: bool) -> Result<()> {
    let (adding, names) = match action {
        SelectAction::Add(names) => (true, names),
        SelectAction::Remove(names) => (false, names),
        SelectAction::List => return list(target),
    };
    let shown = target.display();
    let mut unique: Vec<String> = Vec::new();
    for n in names {
        if !unique.contains(n) {
            unique.push(n.clone());
        }
    }
    let text = read_selection_text(target)?;
    let old = parse_selection(&text)?;
    let spec = crate::pinned_spec()?;
    let pin = crate::pin()?;
    let loaded = generator::load::load(&spec, &pin.manifest).map_err(|e| anyhow::anyhow!("{e}"))?;
    let ids = generator::select::resource_ids(&loaded.doc);
    let refusals = check_names(&loaded, &ids, &old, &unique, adding);
    if !refusals.is_empty() {
        bail!(
            "{}\nnothing was changed (the selection and {shown} are as they were)",
            refusals.join("\n")
        );
    }
    if target.new {
        return create(
            target,
            &text,
            &unique,
            adding,
            dry_run,
            &spec,
            &pin.manifest,
        );
    }
    let edit = match adding {
        true => yaml::add(&text, &unique)?,
        false => yaml::remove(&text, &unique)?,
    };
    for name in &edit.unchanged {
        match adding {
            true => println!("`{name}` is already listed"),
            false if name == EVENT_RESOURCE => println!(
                "`{name}` is not listed; it is generated whatever spec/select.yaml lists \
                 (webhooks need it)"
            ),
            false => println!("`{name}` is not listed; nothing to remove"),
        }
    }
    if edit.changed.is_empty() {
        println!("nothing to change: the selection and {shown} are left as they are");
        return Ok(());
    }
    let new = parse_selection(&edit.text)
        .context("the line edit of spec/select.yaml gave a file that does not parse")?;
    check_edit(&old, &new, &edit.changed, adding)?;
    let generate = |selection: &Selection| {
        generator::generate_package_with_model(&spec, &pin.manifest, selection, &target.package)
    };
    let (old_model, old_out) = generate(&old).map_err(|e| {
        anyhow::anyhow!(
            "the current spec/select.yaml does not generate, so there is nothing to compare \
                 with: {e}\nfix it first (`cargo xtask codegen` shows the same); nothing was \
                 changed"
        )
    })?;
    let (new_model, new_out) = generate(&new).map_err(|e| {
        anyhow::anyhow!(
            "with that change the selection would not generate: {e}\nnothing was changed"
        )
    })?;
    let change = Change {
        adding,
        names: &edit.changed,
        ids: &ids,
        old: (&old_model, &old_out),
        new: (&new_model, &new_out, &new),
    };
    print!("{}", change.describe()?);
    for w in &new_out.config_warnings {
        println!("  warning  {w}");
    }
    if dry_run {
        println!("--dry-run: nothing was written");
        return Ok(());
    }
    crate::codegen::write(target, &new_out, Some(&edit.text), Vec::new())?;
    let selection = match target.is_standalone() {
        true => "its spec/select.yaml",
        false => "spec/select.yaml",
    };
    println!(
        "wrote {selection} and {} files to {shown}",
        new_out.files.len()
    );
    Ok(())
}

/// Why each of `names` cannot be added (or removed): not a resource of the spec (with the
/// nearest ones), or a schema that is no resource (with the resources that generate it).
fn check_names(
    loaded: &generator::load::Loaded,
    ids: &BTreeMap<&str, Pointer>,
    selection: &Selection,
    names: &[String],
    adding: bool,
) -> Vec<String> {
    // `deleted_*` objects are what deletes answer, generated with their resource.
    let resource = |n: &str| ids.contains_key(n) && !n.starts_with("deleted_");
    let listed = |n: &str| selection.resources.iter().any(|r| r == n);
    let mut refusals = Vec::new();
    let mut schemas_reached: Option<BTreeMap<Pointer, BTreeSet<String>>> = None;
    for name in names {
        // A listed name can always be taken out, even one the spec no longer has.
        if resource(name) || (!adding && listed(name)) {
            continue;
        }
        let schema = Pointer::schema(name);
        if loaded.get(&schema).is_some() {
            let reached = schemas_reached.get_or_insert_with(|| reached_by(loaded, selection));
            let by: Vec<&str> = match name.strip_prefix("deleted_").filter(|r| resource(r)) {
                Some(live) => vec![live],
                None => reached
                    .get(&schema)
                    .map(|ids| ids.iter().map(String::as_str).collect())
                    .unwrap_or_default(),
            };
            let with = match by.as_slice() {
                [] => "no resource reaches it, so it is never generated".to_owned(),
                [one] => format!("it is generated with `{one}`: select that"),
                many => format!(
                    "it is generated with the resources that reach it: {}; select one of them",
                    quoted(many)
                ),
            };
            refusals.push(format!(
                "`{name}` is a schema of the spec, not a resource: {with}"
            ));
            continue;
        }
        let candidates = ids.keys().copied().filter(|id| resource(id)).chain(
            selection
                .resources
                .iter()
                .map(String::as_str)
                .filter(|_| !adding),
        );
        let near = generator::suggest::nearest(name, candidates.collect::<BTreeSet<_>>());
        let hint = match near.as_slice() {
            [] => String::new(),
            near => format!("; did you mean {}?", or_list(near)),
        };
        refusals.push(format!(
            "`{name}` is not a resource of the pinned spec{hint} (`cargo xtask select` lists them)"
        ));
    }
    refusals
}

/// Which resources reach each schema when every resource is selected; empty if that does not
/// select (then the refusal names no resource).
fn reached_by(
    loaded: &generator::load::Loaded,
    selection: &Selection,
) -> BTreeMap<Pointer, BTreeSet<String>> {
    let mut whole = selection.clone();
    let ids = generator::select::resource_ids(&loaded.doc);
    whole.resources = ids
        .keys()
        .filter(|id| !id.starts_with("deleted_"))
        .map(|id| id.to_string())
        .collect();
    match generator::select::select(loaded, &whole) {
        Ok(selected) => generator::select::reached_by(&selected),
        Err(_) => BTreeMap::new(),
    }
}

/// Checks that the line edit changed `resources` as meant and nothing else, so a file the
/// line edit misread is never written.
fn check_edit(old: &Selection, new: &Selection, changed: &[String], adding: bool) -> Result<()> {
    let mut expected: Vec<String> = old.resources.clone();
    match adding {
        true => expected.extend(changed.iter().cloned()),
        false => expected.retain(|r| !changed.contains(r)),
    }
    expected.sort();
    let mut got = new.resources.clone();
    got.sort();
    let rest = |s: &Selection| Selection {
        resources: Vec::new(),
        ..s.clone()
    };
    if got != expected || rest(old) != rest(new) {
        bail!(
            "editing spec/select.yaml as lines did not give the list meant (it has {got:?}, \
             not {expected:?}); edit its `resources:` by hand, then run `cargo xtask codegen`; \
             nothing was changed"
        );
    }
    Ok(())
}

/// What a change does, from the generations before and after it.
struct Change<'a> {
    adding: bool,
    names: &'a [String],
    ids: &'a BTreeMap<&'a str, Pointer>,
    old: (&'a generator::model::Model, &'a Output),
    new: (&'a generator::model::Model, &'a Output, &'a Selection),
}

impl Change<'_> {
    fn describe(&self) -> Result<String> {
        let summary = |out: &Output| {
            Summary::from_json(&out.summary).context("reading a generated API summary")
        };
        let (old, new) = (summary(self.old.1)?, summary(self.new.1)?);
        let mut out = String::new();
        let what: Vec<String> = self
            .names
            .iter()
            .map(|n| {
                let ops = match self.adding {
                    true => ops_of(self.new.0, n),
                    false => ops_of(self.old.0, n),
                };
                format!("`{n}` ({ops} operations)")
            })
            .collect();
        let verb = if self.adding { "adds" } else { "removes" };
        let _ = writeln!(out, "{verb} {}", what.join(", "));
        if self.adding {
            let pulled = self.pulled_in(&old);
            if !pulled.is_empty() {
                let _ = writeln!(
                    out,
                    "  pulls in the objects of {} as types, without their operations (select \
                     them for those)",
                    quoted(&pulled)
                );
            }
        }
        let added: BTreeSet<&String> = new
            .types
            .keys()
            .filter(|t| !old.types.contains_key(*t))
            .collect();
        let removed: BTreeSet<&String> = old
            .types
            .keys()
            .filter(|t| !new.types.contains_key(*t))
            .collect();
        let ops_added = new.ops.keys().filter(|o| !old.ops.contains_key(*o)).count();
        let ops_removed = old.ops.keys().filter(|o| !new.ops.contains_key(*o)).count();
        let (before, after) = (rust_lines(self.old.1), rust_lines(self.new.1));
        let delta = after as i64 - before as i64;
        let _ = writeln!(
            out,
            "  generated code: {} types, {} operations, {} lines ({} to {}), about {} s of \
             debug build",
            signed(added.len(), removed.len()),
            signed(ops_added, ops_removed),
            signed_lines(delta),
            thousands(before),
            thousands(after),
            signed_seconds(delta as f64 * BUILD_SECONDS_PER_LINE),
        );
        // What changes in types that are there before and after: the others' fields, event
        // decoding, enums and aliases.
        let report = summary::diff(&old, &new);
        let others: Vec<&summary::Change> = report
            .changes
            .iter()
            .filter(|c| {
                let base = base_type(&c.subject);
                let own = added.contains(&base.to_owned()) || removed.contains(&base.to_owned());
                let op = c.what.starts_with("operation added")
                    || c.what.starts_with("operation removed");
                !own && !op
            })
            .collect();
        let whose = if self.adding {
            "the resources already selected"
        } else {
            "the resources that stay"
        };
        match others.len() {
            0 => {
                let _ = writeln!(out, "  nothing changes for {whose}");
            }
            n => {
                let _ = writeln!(out, "  changes for {whose} ({n}):");
                for c in others {
                    let tag = if c.breaking { "BREAKING" } else { "ok" };
                    let _ = writeln!(out, "    {tag:<8}  {}: {}", c.subject, c.what);
                }
            }
        }
        Ok(out)
    }

    /// The resources not selected after the change whose object the new generation has as a
    /// type and the old one did not: pulled in by a direct reference (a customer holds its
    /// subscriptions).
    fn pulled_in(&self, old: &Summary) -> Vec<&str> {
        let (model, _, selection) = self.new;
        let selected =
            |id: &str| selection.resources.iter().any(|r| r == id) || id == EVENT_RESOURCE;
        let by_schema: BTreeMap<&Pointer, &str> = self.ids.iter().map(|(id, p)| (p, *id)).collect();
        let mut pulled: BTreeSet<&str> = BTreeSet::new();
        for m in &model.modules {
            for it in &m.items {
                let generator::model::Item::Struct(s) = it else {
                    continue;
                };
                // A deleted object is what its resource's delete answers, not a resource.
                let Some(id) = by_schema
                    .get(&s.at)
                    .filter(|id| !id.starts_with("deleted_"))
                else {
                    continue;
                };
                if !selected(id) && !old.types.contains_key(s.name.rust()) {
                    pulled.insert(id);
                }
            }
        }
        pulled.into_iter().collect()
    }
}

/// The type a change's subject is about: `Type` of `Type.field`, `Type::Variant`.
fn base_type(subject: &str) -> &str {
    let end = subject.find(['.', ':', ' ']).unwrap_or(subject.len());
    &subject[..end]
}

/// Swaps the new `spec/select.yaml` in with the new `generated/`, all or nothing.
/// The operations generated for resource `id` (none if it is not a resource of `model`).
fn ops_of(model: &generator::model::Model, id: &str) -> usize {
    model
        .modules
        .iter()
        .find(|m| m.resource.as_deref() == Some(id))
        .map_or(0, |m| m.ops.len())
}

/// The lines of the generated Rust files of `out`.
fn rust_lines(out: &Output) -> usize {
    out.files
        .iter()
        .filter(|f| f.path.ends_with(".rs"))
        .map(|f| f.contents.lines().count())
        .sum()
}

/// The selection's text (for a new standalone crate, this repository's).
fn read_selection_text(target: &Target) -> Result<String> {
    target.selection_text()
}

/// `select add NAME... --out DIR` for a new crate: this repository's selection with `names` as
/// its only resources (and `event`, which webhooks need), generated into DIR.
fn create(
    target: &Target,
    text: &str,
    names: &[String],
    adding: bool,
    dry_run: bool,
    spec: &[u8],
    manifest: &generator::Manifest,
) -> Result<()> {
    let shown = target.display();
    if !adding {
        bail!(
            "{shown} holds no crate yet, so there is nothing to remove; `select add NAME... \
             --out DIR` creates one"
        );
    }
    let others: Vec<String> = parse_selection(text)?
        .resources
        .into_iter()
        .filter(|r| !names.contains(r))
        .collect();
    let added = yaml::add(text, names)?;
    let text = yaml::remove(&added.text, &others)?.text;
    let selection = parse_selection(&text)
        .context("the line edit of spec/select.yaml gave a file that does not parse")?;
    let (model, out) =
        generator::generate_package_with_model(spec, manifest, &selection, &target.package)
            .map_err(|e| {
                anyhow::anyhow!("the selection would not generate: {e}\nnothing was written")
            })?;
    let summary = Summary::from_json(&out.summary).context("reading the generated API summary")?;
    let what: Vec<String> = names
        .iter()
        .map(|n| format!("`{n}` ({} operations)", ops_of(&model, n)))
        .collect();
    let lines = rust_lines(&out);
    println!(
        "creates the crate `{}` at {shown} with {}",
        target.package.name,
        what.join(", ")
    );
    println!(
        "  generated code: {} types, {} operations, {} lines, about {:.0} s of debug build",
        summary.types.len(),
        summary.ops.len(),
        thousands(lines),
        build_seconds(lines)
    );
    if dry_run {
        println!("--dry-run: nothing was written");
        return Ok(());
    }
    crate::codegen::write(target, &out, Some(&text), Vec::new())?;
    println!(
        "wrote its selection and {} files to {shown}",
        out.files.len()
    );
    Ok(())
}

fn parse_selection(text: &str) -> Result<Selection> {
    Selection::from_yaml(text.as_bytes()).map_err(|e| anyhow::anyhow!("{e}"))
}

/// `path` relative to the repository when it is in it.
fn shown(path: &std::path::Path) -> String {
    let root = crate::repo_root();
    path.strip_prefix(&root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// `1,234,567`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `+3`, `-2`, or `+3 -2` when both.
fn signed(added: usize, removed: usize) -> String {
    match (added, removed) {
        (a, 0) => format!("+{}", thousands(a)),
        (0, r) => format!("-{}", thousands(r)),
        (a, r) => format!("+{} -{}", thousands(a), thousands(r)),
    }
}

/// `+1.2`, `-0.3`, or `0.0` for what rounds to nothing (not `-0.0`).
fn signed_seconds(seconds: f64) -> String {
    match format!("{seconds:+.1}").as_str() {
        "+0.0" | "-0.0" => "0.0".to_owned(),
        s => s.to_owned(),
    }
}

fn signed_lines(delta: i64) -> String {
    let sign = if delta < 0 { '-' } else { '+' };
    format!("{sign}{}", thousands(delta.unsigned_abs() as usize))
}

/// `` `a`, `b` ``.
fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `` `a` ``, `` `a` or `b` ``, `` `a`, `b` or `c` ``.
fn or_list(names: &[&str]) -> String {
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => format!("`{last}`"),
        Some((last, rest)) => format!("{} or `{last}`", quoted(rest)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas() {
        for (id, area_of) in [
            ("customer", "core"),
            ("issuing.card", "issuing"),
            ("financial_connections.session", "financial_connections"),
            ("test_helpers.test_clock", "test_helpers"),
            ("v2.core.account", "v2.core"),
            ("v2.billing.meter_event", "v2.billing"),
        ] {
            assert_eq!(area(id), area_of, "{id}");
        }
    }

    #[test]
    fn numbers_and_lists() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(signed(3, 0), "+3");
        assert_eq!(signed(0, 2), "-2");
        assert_eq!(signed(0, 0), "+0");
        assert_eq!(signed(1200, 5), "+1,200 -5");
        assert_eq!(signed_lines(-14_845), "-14,845");
        assert_eq!(signed_seconds(-0.01), "0.0");
        assert_eq!(signed_seconds(0.04), "0.0");
        assert_eq!(signed_seconds(1.25), "+1.2");
        assert_eq!(signed_seconds(-5.8), "-5.8");
        assert_eq!(or_list(&["a"]), "`a`");
        assert_eq!(or_list(&["a", "b", "c"]), "`a`, `b` or `c`");
        assert_eq!(base_type("PaymentIntent.customer"), "PaymentIntent");
        assert_eq!(base_type("EventType::CustomerCreated"), "EventType");
        assert_eq!(base_type("Customer"), "Customer");
    }

    #[test]
    fn the_build_constant_is_the_benchmarks_figure() {
        // 36.5 s for 306k lines: 119 µs a line; 10k lines are about 1.2 s.
        assert!((BUILD_SECONDS_PER_LINE * 1e6 - 119.3).abs() < 0.1);
        assert!((build_seconds(10_000) - 1.19).abs() < 0.01);
        let benchmarks = std::fs::read_to_string(crate::repo_root().join("BENCHMARKS.md")).unwrap();
        assert!(benchmarks.contains("306k lines with v2) adds 36.5 s"));
        assert!(benchmarks.contains("## What the v2 API adds (issue 25"));
    }
}
