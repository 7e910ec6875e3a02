//! Type identity in the change report: which types are one type to the compiler.
//!
//! Types of one module with the same shape are emitted once, the others as aliases
//! (`pub type DisconnectFinancialConnectionsAccount = RetrieveFinancialConnectionsAccount;`), and
//! `api.json` records each alias's `alias_of`. Two names are the same type when they resolve to
//! the same kept type. A bump can change that without changing any field:
//!
//! - **Split**: two names that were one type are two. Code that passed one where the other is
//!   expected (`&retrieve_params` to `disconnect`) no longer compiles: breaking.
//! - **Merge**: two names that were two types are one. Code that implemented a trait for both
//!   (`impl From<A> for Mine` and `impl From<B> for Mine`) has conflicting impls: breaking.
//!
//! Each change is reported once, on the names that left (split) or joined (merge) a group:
//! the part of a group that keeps its kept type (or, if that is gone, the largest part) is the
//! group's continuation and is not reported. Only names in both summaries count; added and
//! removed types are reported as such.

use std::collections::BTreeMap;

use super::TypeSummary;

type Types = BTreeMap<String, TypeSummary>;

/// The type `name` is to the compiler: its kept type, or itself.
fn identity<'a>(types: &'a Types, name: &'a str) -> &'a str {
    types
        .get(name)
        .and_then(|t| t.alias_of.as_deref())
        .unwrap_or(name)
}

/// Pushes the splits and merges between `old` and `new`.
pub fn diff(old: &Types, new: &Types, push: &mut impl FnMut(bool, String, String)) {
    let both: Vec<&str> = old
        .keys()
        .filter(|n| new.contains_key(*n))
        .map(String::as_str)
        .collect();
    for (kept, part, base) in regroupings(&both, old, new) {
        for name in part {
            push(true, name.to_owned(), split(old, new, name, kept, base));
        }
    }
    for (_, part, base) in regroupings(&both, new, old) {
        for name in part {
            push(true, name.to_owned(), merge(new, name, base));
        }
    }
}

/// For each group of `before` (names of one type) whose names are not all one type in
/// `after`: (the group's kept type, a part that left it, the name that stands for the rest).
fn regroupings<'a>(
    both: &[&'a str],
    before: &'a Types,
    after: &'a Types,
) -> Vec<(&'a str, Vec<&'a str>, &'a str)> {
    let mut groups: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for &name in both {
        groups.entry(identity(before, name)).or_default().push(name);
    }
    let mut out = Vec::new();
    for (kept, members) in groups {
        let mut parts: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for &name in &members {
            parts.entry(identity(after, name)).or_default().push(name);
        }
        if parts.len() < 2 {
            continue;
        }
        // The continuation: the part holding the kept type, else the largest (then first).
        let Some(base) = parts
            .values()
            .max_by_key(|p| {
                (
                    p.contains(&kept),
                    p.len(),
                    std::cmp::Reverse(p.first().copied()),
                )
            })
            .cloned()
        else {
            continue;
        };
        let stands_for = if base.contains(&kept) {
            kept
        } else {
            base.first().copied().unwrap_or(kept)
        };
        for part in parts.into_values().filter(|p| *p != base) {
            out.push((kept, part, stands_for));
        }
    }
    out
}

/// How name `name` left the group of `kept` in `old`, whose rest `base` stands for.
fn split(old: &Types, new: &Types, name: &str, kept: &str, base: &str) -> String {
    let was = match (identity(old, name) == name, base == kept) {
        // `name` was the kept type and `base` one of its aliases.
        (true, _) => format!("`{base}` was an alias of it"),
        (false, true) => format!("it was an alias of `{kept}`"),
        (false, false) => format!("both were aliases of `{kept}`"),
    };
    let now = match new.get(name).and_then(|t| t.alias_of.as_deref()) {
        Some(other) => format!("an alias of `{other}`"),
        None => "its own type".to_owned(),
    };
    format!(
        "split from `{base}` ({was}), now {now}; code that passes one where the other is expected no longer compiles"
    )
}

/// How name `name` joined a group of `new`, whose other part `base` stands for.
fn merge(new: &Types, name: &str, base: &str) -> String {
    let now = match new.get(name).and_then(|t| t.alias_of.as_deref()) {
        Some(k) if k == base => format!("now an alias of `{k}`"),
        Some(k) => format!("now an alias of `{k}`, as `{base}` is"),
        // `name` is the kept type, and `base` became its alias.
        None => format!("`{base}` is now an alias of it"),
    };
    format!(
        "merged with `{base}` (the same shape): {now}, one type; code that implements a trait for both (`impl From<{name}>` and `impl From<{base}>`) no longer compiles"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::Kind;

    fn types(entries: &[(&str, Option<&str>)]) -> Types {
        entries
            .iter()
            .map(|(name, alias_of)| {
                let t = TypeSummary {
                    module: "m".into(),
                    kind: Kind::Params,
                    fields: BTreeMap::new(),
                    variants: BTreeMap::new(),
                    unknown: None,
                    of: None,
                    alias_of: alias_of.map(str::to_owned),
                };
                ((*name).to_owned(), t)
            })
            .collect()
    }

    fn changes(old: &Types, new: &Types) -> Vec<(bool, String, String)> {
        let mut out = Vec::new();
        diff(old, new, &mut |b, s, w| out.push((b, s, w)));
        out
    }

    #[test]
    fn a_split_and_a_merge_are_breaking_and_reported_once() {
        let old = types(&[("A", None), ("B", Some("A")), ("C", Some("A")), ("D", None)]);
        // B leaves A's group; D joins it.
        let new = types(&[("A", None), ("B", None), ("C", Some("A")), ("D", Some("A"))]);
        assert_eq!(
            changes(&old, &new),
            [
                (true, "B".into(), "split from `A` (it was an alias of `A`), now its own type; code that passes one where the other is expected no longer compiles".into()),
                (true, "D".into(), "merged with `A` (the same shape): now an alias of `A`, one type; code that implements a trait for both (`impl From<D>` and `impl From<A>`) no longer compiles".into()),
            ]
        );
        assert!(changes(&new, &new).is_empty());
    }

    #[test]
    fn a_new_kept_type_is_no_change_for_the_names_that_stay_together() {
        // `A` is added with a shorter name and becomes the kept type of `BB` and `CC`, which
        // stay one type: nothing to report here (the added type is reported as added).
        let old = types(&[("BB", None), ("CC", Some("BB"))]);
        let new = types(&[("A", None), ("BB", Some("A")), ("CC", Some("A"))]);
        assert!(changes(&old, &new).is_empty());
        // Two kept types that become aliases of a new one have merged.
        let old = types(&[("BB", None), ("CC", None)]);
        let got = changes(&old, &new);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1, "CC");
        assert!(
            got[0].2.starts_with(
                "merged with `BB` (the same shape): now an alias of `A`, as `BB` is, one type"
            ),
            "{got:?}"
        );
    }
}
