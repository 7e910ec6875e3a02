//! Versions that follow the API: when a bump moves a generated crate to another spec, its
//! version moves by the change report (semver, with 0.x's convention that the minor version is
//! the breaking one), and its `CHANGELOG.md` gets an entry made from the report, breaking
//! changes first. The runtime's version moves only when the runtime's files change.

use anyhow::{bail, Result};
use generator::summary::Report;

/// The version after `version` for a release with or without breaking changes: below 1.0 a
/// breaking change bumps the minor version and anything else the patch version; from 1.0 on,
/// the major and the minor.
pub fn next_version(version: &str, breaking: bool) -> Result<String> {
    let parts: Vec<u64> = version
        .split('.')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .map_err(|_| {
            anyhow::anyhow!("`{version}` is not a version of the form MAJOR.MINOR.PATCH")
        })?;
    let [major, minor, patch] = parts[..] else {
        bail!("`{version}` is not a version of the form MAJOR.MINOR.PATCH");
    };
    Ok(match (major, breaking) {
        (0, true) => format!("0.{}.0", minor + 1),
        (0, false) => format!("0.{minor}.{}", patch + 1),
        (_, true) => format!("{}.0.0", major + 1),
        (_, false) => format!("{major}.{}.0", minor + 1),
    })
}

/// What moved in one release of a generated crate.
pub struct Release<'a> {
    /// The crate's package name.
    pub name: &'a str,
    /// Its new version.
    pub version: &'a str,
    /// The day, `YYYY-MM-DD` (UTC).
    pub date: &'a str,
    /// The Stripe API version it is generated from.
    pub api_version: &'a str,
    /// The runtime version it requires, and whether that moved in this release.
    pub runtime: (&'a str, bool),
    /// What changed in the generated API.
    pub report: &'a Report,
}

/// The `CHANGELOG.md` entry of `r`: a heading with the version, the date and the API version;
/// which runtime goes with it; then the report's changes, breaking first.
pub fn entry(r: &Release<'_>) -> String {
    let mut out = format!(
        "## {} {} ({}): Stripe API {}\n\n",
        r.name, r.version, r.date, r.api_version
    );
    let (runtime, moved) = r.runtime;
    out.push_str(&format!(
        "Generated from {}; requires `stripe-typed-runtime` ={runtime}{}.\n",
        r.report.to,
        if moved { " (new in this release)" } else { "" }
    ));
    if r.report.is_empty() {
        out.push_str("\nNo changes to the generated API.\n");
    }
    for (breaking, title) in [(true, "Breaking changes"), (false, "Other changes")] {
        let group: Vec<_> = r
            .report
            .changes
            .iter()
            .filter(|c| c.breaking == breaking)
            .collect();
        if !group.is_empty() {
            out.push_str(&format!("\n### {title}\n\n"));
            for c in group {
                out.push_str(&format!("- `{}`: {}\n", c.subject, c.what));
            }
        }
    }
    out
}

/// The first line of every changelog written here.
const TITLE: &str = "# Changelog\n";

/// `changelog` (empty if there is none yet) with `entry` first under its title, the older
/// entries after it unchanged.
pub fn prepend(changelog: &str, entry: &str) -> String {
    let rest = changelog.strip_prefix(TITLE).unwrap_or(changelog);
    let rest = rest.trim_start_matches('\n');
    let intro = "\nEach release of the generated crate, newest first: its version follows the \
                 change report (breaking changes bump the minor version below 1.0, anything \
                 else the patch version). Written by `cargo xtask bump-spec`.\n";
    let (intro, rest) = match rest.strip_prefix(intro.trim_start_matches('\n')) {
        Some(after) => (intro, after.trim_start_matches('\n')),
        None => (intro, rest),
    };
    let mut out = format!("{TITLE}{intro}\n{entry}");
    if !rest.is_empty() {
        out.push('\n');
        out.push_str(rest);
    }
    out
}

/// Today's date in UTC, `YYYY-MM-DD`; `SOURCE_DATE_EPOCH` (seconds) overrides the clock, so
/// tests and reproducible runs get a fixed date.
pub fn today() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        });
    date_of(secs / 86_400)
}

/// The civil date of a day number since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn date_of(days: u64) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use generator::summary::Change;

    #[test]
    fn versions_follow_semver_with_0x_minor_as_breaking() {
        assert_eq!(next_version("0.1.0", true).unwrap(), "0.2.0");
        assert_eq!(next_version("0.1.3", false).unwrap(), "0.1.4");
        assert_eq!(next_version("0.9.2", true).unwrap(), "0.10.0");
        assert_eq!(next_version("1.4.2", true).unwrap(), "2.0.0");
        assert_eq!(next_version("1.4.2", false).unwrap(), "1.5.0");
        for bad in ["0.1", "a.b.c", "0.1.0-beta", ""] {
            assert!(next_version(bad, true).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_are_utc_civil_dates() {
        assert_eq!(date_of(0), "1970-01-01");
        assert_eq!(date_of(11_016), "2000-02-29");
        // 2026-12-08
        assert_eq!(date_of(20_795), "2026-12-08");
    }

    fn report(changes: Vec<Change>) -> Report {
        Report {
            from: "2026-01-28.clover (5565665ef30a)".into(),
            to: "2026-03-25.dahlia (0123456789ab)".into(),
            changes,
            config: Vec::new(),
        }
    }

    #[test]
    fn an_entry_puts_breaking_changes_first_and_names_the_runtime() {
        let r = report(vec![
            Change {
                breaking: true,
                subject: "Customer.tax".into(),
                what: "removed".into(),
            },
            Change {
                breaking: false,
                subject: "Customer.name".into(),
                what: "added".into(),
            },
        ]);
        let text = entry(&Release {
            name: "stripe-typed",
            version: "0.2.0",
            date: "2026-12-08",
            api_version: "2026-03-25.dahlia",
            runtime: ("0.2.0", true),
            report: &r,
        });
        assert_eq!(
            text,
            "## stripe-typed 0.2.0 (2026-12-08): Stripe API 2026-03-25.dahlia\n\n\
             Generated from 2026-03-25.dahlia (0123456789ab); requires `stripe-typed-runtime` =0.2.0 (new in this release).\n\n\
             ### Breaking changes\n\n- `Customer.tax`: removed\n\n\
             ### Other changes\n\n- `Customer.name`: added\n"
        );
    }

    #[test]
    fn prepending_keeps_the_title_and_every_older_entry() {
        let first = prepend("", "## a 0.1.1\n");
        assert!(first.starts_with("# Changelog\n\nEach release"), "{first}");
        assert!(first.ends_with("\n\n## a 0.1.1\n"), "{first}");
        let second = prepend(&first, "## a 0.2.0\n");
        let a = second.find("## a 0.2.0").unwrap();
        let b = second.find("## a 0.1.1").unwrap();
        assert!(a < b, "{second}");
        assert_eq!(second.matches("# Changelog").count(), 1, "{second}");
        assert_eq!(second.matches("Each release").count(), 1, "{second}");
        // A hand-written changelog keeps its text after the new entry.
        let hand = prepend("# Changelog\n\nOlder notes.\n", "## x\n");
        assert!(hand.ends_with("## x\n\nOlder notes.\n"), "{hand}");
    }
}
