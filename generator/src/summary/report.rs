//! The change report as people read it: Markdown for a pull request, plain text for a terminal.
//! API changes come first (breaking, then not), then the config entries the generation ignored
//! because they match nothing in the spec.

use std::fmt::Write as _;

use crate::config::ConfigWarning;

use super::{Change, Report};

impl Report {
    /// The report with the config entries that matched nothing in the new spec.
    pub fn with_config(mut self, warnings: Vec<ConfigWarning>) -> Report {
        self.config = warnings;
        self.config.sort();
        self
    }

    /// Number of breaking changes.
    pub fn breaking(&self) -> usize {
        self.changes.iter().filter(|c| c.breaking).count()
    }

    /// Whether the two summaries describe the same API (ignored config entries aside).
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    fn headline(&self) -> String {
        let breaking = self.breaking();
        format!(
            "{} breaking, {} non-breaking",
            breaking,
            self.changes.len() - breaking
        )
    }

    /// "N entries of spec/select.yaml match nothing", or `None` when every entry matched.
    fn config_headline(&self) -> Option<String> {
        let n = self.config.len();
        let entries = if n == 1 { "entry" } else { "entries" };
        let verb = if n == 1 { "matches" } else { "match" };
        (n > 0).then(|| {
            format!(
                "{n} {entries} of spec/select.yaml {verb} nothing in this spec and {} ignored",
                if n == 1 { "is" } else { "are" }
            )
        })
    }

    /// Markdown for a pull request: a heading, counts, then a list per group.
    pub fn markdown(&self) -> String {
        let mut out = format!("## Generated API changes: {} -> {}\n\n", self.from, self.to);
        if self.is_empty() {
            out.push_str("No changes to the generated API.\n");
        } else {
            let _ = writeln!(
                out,
                "{} changes in the selected resources.",
                self.headline()
            );
        }
        for (breaking, title) in [(true, "Breaking"), (false, "Non-breaking")] {
            let group: Vec<&Change> = self
                .changes
                .iter()
                .filter(|c| c.breaking == breaking)
                .collect();
            if group.is_empty() {
                continue;
            }
            let _ = write!(out, "\n### {title}\n\n");
            for c in group {
                let _ = writeln!(out, "- `{}`: {}", c.subject, c.what);
            }
        }
        if let Some(headline) = self.config_headline() {
            let _ = write!(out, "\n### Config\n\n{headline}:\n\n");
            for w in &self.config {
                let _ = writeln!(out, "- `{}`: {}", w.at, w.what);
            }
        }
        out
    }

    /// Plain text for a terminal: one line per change, then one per ignored config entry.
    pub fn terminal(&self) -> String {
        let mut out = if self.is_empty() {
            format!("generated API unchanged ({})\n", self.to)
        } else {
            format!(
                "generated API changes {} -> {}: {}\n",
                self.from,
                self.to,
                self.headline()
            )
        };
        for c in &self.changes {
            let tag = if c.breaking { "BREAKING" } else { "ok" };
            let _ = writeln!(out, "  {tag:<8}  {}: {}", c.subject, c.what);
        }
        if let Some(headline) = self.config_headline() {
            let _ = writeln!(out, "config: {headline}");
            for w in &self.config {
                let _ = writeln!(out, "  {:<8}  {w}", "warning");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::error::Pointer;
    use crate::summary::{diff, Summary};

    use super::*;

    #[test]
    fn ignored_config_entries_follow_the_changes() {
        let s = Summary {
            api_version: "v".into(),
            sha256: "0123456789abcdef".into(),
            ..Summary::default()
        };
        let warning = ConfigWarning {
            at: Pointer::root()
                .push("event_objects")
                .push("issuing_token.*"),
            what: "no event type matches".into(),
        };
        let r = diff(&s, &s).with_config(vec![warning]);
        assert_eq!(
            r.terminal(),
            "generated API unchanged (v (0123456789ab))\n\
             config: 1 entry of spec/select.yaml matches nothing in this spec and is ignored\n  \
             warning   spec/select.yaml#/event_objects/issuing_token.*: no event type matches\n"
        );
        assert_eq!(
            r.markdown(),
            "## Generated API changes: v (0123456789ab) -> v (0123456789ab)\n\n\
             No changes to the generated API.\n\n\
             ### Config\n\n\
             1 entry of spec/select.yaml matches nothing in this spec and is ignored:\n\n\
             - `#/event_objects/issuing_token.*`: no event type matches\n"
        );
    }
}
