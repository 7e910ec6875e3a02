//! The change report's content: what differs between two summaries, and whether it breaks
//! users (the rules are in the [`summary`](super) module docs). `report.rs` renders it.

use crate::config::ConfigWarning;
use crate::model::Presence;

use super::{aliases, events, FieldSummary, Kind, Summary, TypeSummary};

/// One difference between two summaries.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Whether code using the old generated crate may stop compiling.
    pub breaking: bool,
    /// What changed: `Type`, `Type.field`, `Type::Variant` or `Type::function`.
    pub subject: String,
    /// How, in a few words.
    pub what: String,
}

/// The differences between two summaries, breaking first, each group sorted by subject, and
/// the config entries the new generation ignored. Rendered by `Report::markdown` and
/// `Report::terminal` (in `report.rs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// `api_version (sha256 prefix)` of the old summary.
    pub from: String,
    /// Same, of the new one.
    pub to: String,
    /// Every change.
    pub changes: Vec<Change>,
    /// Entries of `spec/select.yaml` that match nothing in the new spec (see
    /// [`stale`](crate::stale)); empty from [`diff`], set with [`Report::with_config`].
    pub config: Vec<ConfigWarning>,
}

fn short(s: &Summary) -> String {
    format!(
        "{} ({})",
        s.api_version,
        s.sha256.chars().take(12).collect::<String>()
    )
}

/// Compares `old` with `new`. See the module docs for what counts as breaking.
pub fn diff(old: &Summary, new: &Summary) -> Report {
    let mut changes = Vec::new();
    let mut push = |breaking: bool, subject: String, what: String| {
        changes.push(Change {
            breaking,
            subject,
            what,
        })
    };

    for (name, o) in &old.types {
        if !new.types.contains_key(name) {
            push(
                true,
                name.clone(),
                format!("{} type removed", o.kind.word()),
            );
        }
    }
    for (name, n) in &new.types {
        let Some(o) = old.types.get(name) else {
            let alias = match &n.alias_of {
                Some(kept) => format!(", an alias of `{kept}`"),
                None => String::new(),
            };
            push(
                false,
                name.clone(),
                format!("{} type added{alias}", n.kind.word()),
            );
            continue;
        };
        if o.kind != n.kind {
            push(
                true,
                name.clone(),
                format!("kind changed from {} to {}", o.kind.word(), n.kind.word()),
            );
            continue;
        }
        if o.module != n.module {
            push(
                true,
                name.clone(),
                format!("moved from module `{}` to `{}`", o.module, n.module),
            );
        }
        if o.of != n.of {
            push(
                true,
                name.clone(),
                format!(
                    "identifies `{}` instead of `{}`",
                    n.of.as_deref().unwrap_or("-"),
                    o.of.as_deref().unwrap_or("-")
                ),
            );
        }
        diff_fields(name, n.kind, o, n, &mut push);
        diff_variants(name, o, n, &mut push);
    }

    if old.records_aliases && new.records_aliases {
        aliases::diff(&old.types, &new.types, &mut push);
    }
    diff_ops(old, new, &mut push);
    events::diff(&old.events, &new.events, &mut push);

    changes.sort_by(|a, b| {
        (!a.breaking, &a.subject, &a.what).cmp(&(!b.breaking, &b.subject, &b.what))
    });
    Report {
        from: short(old),
        to: short(new),
        changes,
        config: Vec::new(),
    }
}

/// Operations removed, added, or changed in their signature or request.
fn diff_ops(old: &Summary, new: &Summary, push: &mut impl FnMut(bool, String, String)) {
    for (name, o) in &old.ops {
        if !new.ops.contains_key(name) {
            push(
                true,
                name.clone(),
                format!("operation removed (`{}`)", o.http),
            );
        }
    }
    for (name, n) in &new.ops {
        let Some(o) = old.ops.get(name) else {
            push(
                false,
                name.clone(),
                format!("operation added (`{}`)", n.http),
            );
            continue;
        };
        if o.args != n.args {
            push(
                true,
                name.clone(),
                format!(
                    "arguments changed from `({})` to `({})`",
                    o.args.join(", "),
                    n.args.join(", ")
                ),
            );
        }
        if o.returns != n.returns {
            push(
                true,
                name.clone(),
                format!("returns `{}` instead of `{}`", n.returns, o.returns),
            );
        }
        if o.http != n.http {
            push(
                false,
                name.clone(),
                format!("request changed from `{}` to `{}`", o.http, n.http),
            );
        }
    }
}

fn diff_fields(
    name: &str,
    kind: Kind,
    o: &TypeSummary,
    n: &TypeSummary,
    push: &mut impl FnMut(bool, String, String),
) {
    let noun = if kind.is_params() {
        "parameter"
    } else {
        "field"
    };
    for (f, of) in &o.fields {
        if !n.fields.contains_key(f) {
            push(
                true,
                format!("{name}.{f}"),
                format!("{noun} removed (was `{}`)", of.ty),
            );
        }
    }
    for (f, nf) in &n.fields {
        let subject = format!("{name}.{f}");
        let Some(of) = o.fields.get(f) else {
            let (breaking, what) = field_added(name, kind, nf);
            push(breaking, subject, what);
            continue;
        };
        if of.presence != nf.presence {
            let what = format!("{} -> {}", of.presence.word(), nf.presence.word());
            if of.ty != nf.ty {
                let why = if kind.is_params()
                    && (of.presence == Presence::Required || nf.presence == Presence::Required)
                {
                    format!(", and the arguments of `{name}::new` change")
                } else {
                    String::new()
                };
                push(
                    true,
                    subject,
                    format!("presence {what}: `{}` becomes `{}`{why}", of.ty, nf.ty),
                );
            } else {
                push(
                    false,
                    subject,
                    format!("presence {what}: same Rust type `{}`", nf.ty),
                );
            }
        } else if of.ty != nf.ty {
            push(
                true,
                subject,
                format!("type changed from `{}` to `{}`", of.ty, nf.ty),
            );
        }
        if of.wire != nf.wire {
            push(
                false,
                format!("{name}.{f}"),
                format!(
                    "wire name changed from `{}` to `{}`",
                    of.wire.as_deref().unwrap_or(f),
                    nf.wire.as_deref().unwrap_or(f)
                ),
            );
        }
    }
}

/// Whether adding field `nf` to type `name` breaks users, and how the report says it.
fn field_added(name: &str, kind: Kind, nf: &FieldSummary) -> (bool, String) {
    if kind.is_params() && nf.presence == Presence::Required {
        (
            true,
            format!(
                "required parameter added (`{}`), a new argument of `{name}::new`",
                nf.ty
            ),
        )
    } else if kind.is_params() {
        (false, format!("optional parameter added (`{}`)", nf.ty))
    } else {
        (
            false,
            format!(
                "field added (`{}`); breaks only struct literals, response structs are not #[non_exhaustive]",
                nf.ty
            ),
        )
    }
}

fn diff_variants(
    name: &str,
    o: &TypeSummary,
    n: &TypeSummary,
    push: &mut impl FnMut(bool, String, String),
) {
    for (wire, rust) in &o.variants {
        match n.variants.get(wire) {
            None => push(
                true,
                format!("{name}::{rust}"),
                format!("enum value `{wire}` removed"),
            ),
            Some(new_rust) if new_rust != rust => push(
                true,
                format!("{name}::{rust}"),
                format!("enum value `{wire}` renamed to `{new_rust}`"),
            ),
            Some(_) => {}
        }
    }
    for (wire, rust) in &n.variants {
        if !o.variants.contains_key(wire) {
            push(
                false,
                format!("{name}::{rust}"),
                format!("enum value `{wire}` added"),
            );
        }
    }
    if o.unknown != n.unknown {
        push(
            true,
            name.to_owned(),
            format!(
                "catch-all variant renamed from `{}` to `{}`",
                o.unknown.as_deref().unwrap_or("-"),
                n.unknown.as_deref().unwrap_or("-")
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn field(ty: &str, presence: Presence) -> FieldSummary {
        FieldSummary {
            ty: ty.into(),
            presence,
            wire: None,
        }
    }

    fn strukt(kind: Kind, fields: &[(&str, FieldSummary)]) -> TypeSummary {
        TypeSummary {
            module: "m".into(),
            kind,
            fields: fields
                .iter()
                .map(|(n, f)| ((*n).to_owned(), f.clone()))
                .collect(),
            variants: BTreeMap::new(),
            unknown: None,
            of: None,
            alias_of: None,
        }
    }

    fn summary(types: &[(&str, TypeSummary)]) -> Summary {
        Summary {
            api_version: "v".into(),
            sha256: "0123456789abcdef".into(),
            types: types
                .iter()
                .map(|(n, t)| ((*n).to_owned(), t.clone()))
                .collect(),
            ops: BTreeMap::new(),
            events: BTreeMap::new(),
            records_aliases: true,
        }
    }

    #[test]
    fn presence_changes_break_only_when_the_rust_type_changes() {
        let old = summary(&[(
            "S",
            strukt(
                Kind::Object,
                &[
                    ("a", field("Option<bool>", Presence::Nullable)),
                    ("b", field("bool", Presence::Required)),
                ],
            ),
        )]);
        let new = summary(&[(
            "S",
            strukt(
                Kind::Object,
                &[
                    ("a", field("Option<bool>", Presence::Optional)),
                    ("b", field("Option<bool>", Presence::Nullable)),
                ],
            ),
        )]);
        let r = diff(&old, &new);
        assert_eq!(
            r.terminal(),
            "generated API changes v (0123456789ab) -> v (0123456789ab): 1 breaking, 1 non-breaking\n  \
             BREAKING  S.b: presence required -> nullable: `bool` becomes `Option<bool>`\n  \
             ok        S.a: presence nullable -> optional: same Rust type `Option<bool>`\n"
        );
    }

    #[test]
    fn params_required_added_breaks_optional_does_not() {
        let old = summary(&[("P", strukt(Kind::Params, &[]))]);
        let new = summary(&[(
            "P",
            strukt(
                Kind::Params,
                &[
                    ("a", field("String", Presence::Required)),
                    ("b", field("Option<String>", Presence::Optional)),
                ],
            ),
        )]);
        let r = diff(&old, &new);
        assert_eq!(r.breaking(), 1);
        assert_eq!(r.changes[0].subject, "P.a");
        assert!(!r.changes[1].breaking);
        assert!(diff(&new, &new).is_empty());
    }
}
