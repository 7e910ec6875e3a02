//! The `resources:` list of `spec/select.yaml`, edited as lines, so that every comment, blank
//! line and the order of what is there stay as written (a YAML round-trip would drop the
//! comments and reorder nothing back).
//!
//! The list is the block sequence under a top-level `resources:` (one `- name` a line, an
//! inline comment allowed after it); `resources: []` counts as an empty one. A name is added
//! right after the last listed name that sorts before it, v1 names before v2 ones (`v2.*`), so
//! a sorted list stays sorted and a v1 name never lands among the v2 ones below their comment;
//! a name that sorts first goes right before the first listed one. Removing a name removes its
//! line, inline comment included; comment lines above it stay (one may speak of others too).

use anyhow::{bail, Result};

/// What an edit did.
#[derive(Debug, PartialEq, Eq)]
pub struct Edit {
    /// The new text of the file.
    pub text: String,
    /// The names added or removed, in the order given.
    pub changed: Vec<String>,
    /// The names that needed no change (already listed for `add`, not listed for `remove`).
    pub unchanged: Vec<String>,
}

/// `text` with each of `names` that is not listed yet added to `resources:`.
pub fn add(text: &str, names: &[String]) -> Result<Edit> {
    let mut list = List::parse(text)?;
    let mut edit = Edit {
        text: String::new(),
        changed: Vec::new(),
        unchanged: Vec::new(),
    };
    for name in names {
        if list.items.iter().any(|(_, n)| n == name) {
            edit.unchanged.push(name.clone());
            continue;
        }
        list.insert(name);
        edit.changed.push(name.clone());
    }
    edit.text = list.text();
    Ok(edit)
}

/// `text` with every line of each of `names` taken out of `resources:`. Refused if that would
/// leave the list empty, which codegen refuses.
pub fn remove(text: &str, names: &[String]) -> Result<Edit> {
    let mut list = List::parse(text)?;
    let mut edit = Edit {
        text: String::new(),
        changed: Vec::new(),
        unchanged: Vec::new(),
    };
    for name in names {
        let lines: Vec<usize> = list
            .items
            .iter()
            .filter(|(_, n)| n == name)
            .map(|(line, _)| *line)
            .collect();
        if lines.is_empty() {
            edit.unchanged.push(name.clone());
            continue;
        }
        for line in lines.into_iter().rev() {
            list.remove_line(line);
        }
        edit.changed.push(name.clone());
    }
    if list.items.is_empty() {
        bail!(
            "that would leave `resources` in spec/select.yaml empty, and codegen needs at least \
             one resource; add the one you want first (`cargo xtask select add NAME`)"
        );
    }
    edit.text = list.text();
    Ok(edit)
}

/// The file as lines (each with its line ending), and where the list is in it.
struct List {
    lines: Vec<String>,
    /// The line of `resources:`.
    header: usize,
    /// Each item's line and name, in file order.
    items: Vec<(usize, String)>,
    /// What goes before a name on an item's line: the first item's (`  - `).
    prefix: String,
    /// The file's line ending.
    newline: &'static str,
}

impl List {
    fn parse(text: &str) -> Result<List> {
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_owned).collect();
        let Some(header) = lines.iter().position(|l| key(l) == Some("resources")) else {
            bail!(
                "spec/select.yaml has no top-level `resources:` line; restore it from git \
                 (`git checkout spec/select.yaml`) or write one"
            );
        };
        if lines.iter().filter(|l| key(l) == Some("resources")).count() > 1 {
            bail!("spec/select.yaml has `resources:` twice; keep one");
        }
        let value = after_key(&lines[header]);
        match value {
            "" => {}
            "[]" => {
                // An empty flow list becomes an empty block list, its comment kept.
                let comment = comment_of(&lines[header]);
                let ending = ending(&lines[header], newline);
                lines[header] = match comment {
                    Some(c) => format!("resources: {c}{ending}"),
                    None => format!("resources:{ending}"),
                };
            }
            other => bail!(
                "spec/select.yaml writes `resources: {other}` on one line; write it as a block \
                 list, one `  - name` a line, for `cargo xtask select` to edit it"
            ),
        }
        let mut items = Vec::new();
        for (i, line) in lines.iter().enumerate().skip(header + 1) {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let Some(rest) = trimmed.strip_prefix('-') else {
                if line.starts_with(char::is_whitespace) {
                    bail!(
                        "spec/select.yaml, line {}: `{trimmed}` inside `resources:` is not a \
                         `- name` item; fix the list by hand",
                        i + 1
                    );
                }
                break;
            };
            if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
                break;
            }
            let name = item_name(rest);
            if name.is_empty() || name.contains([':', '[', '{']) {
                bail!(
                    "spec/select.yaml, line {}: `{trimmed}` is not one resource name; \
                     `resources:` lists one name a line",
                    i + 1
                );
            }
            items.push((i, name));
        }
        let prefix = match items.first() {
            Some((line, _)) => {
                let line = &lines[*line];
                let dash = line.find('-').unwrap_or(0);
                let name_at = dash
                    + 1
                    + line[dash + 1..]
                        .find(|c: char| !c.is_whitespace())
                        .unwrap_or(1);
                line[..name_at].to_owned()
            }
            None => "  - ".to_owned(),
        };
        Ok(List {
            lines,
            header,
            items,
            prefix,
            newline,
        })
    }

    /// Adds `name`'s line where the module docs say.
    fn insert(&mut self, name: &str) {
        let order = |n: &str| (n.starts_with("v2."), n.to_owned());
        let before = self
            .items
            .iter()
            .filter(|(_, n)| order(n) < order(name))
            .max_by_key(|(_, n)| order(n))
            .map(|(line, _)| *line);
        let at = match (before, self.items.first()) {
            (Some(line), _) => line + 1,
            (None, Some((first, _))) => *first,
            (None, None) => self.header + 1,
        };
        // The line before it ends, so the new one starts on a line of its own.
        if let Some(previous) = at.checked_sub(1).and_then(|p| self.lines.get_mut(p)) {
            if !previous.ends_with('\n') {
                previous.push_str(self.newline);
            }
        }
        self.lines
            .insert(at, format!("{}{name}{}", self.prefix, self.newline));
        for (line, _) in &mut self.items {
            if *line >= at {
                *line += 1;
            }
        }
        self.items.push((at, name.to_owned()));
        self.items.sort();
    }

    fn remove_line(&mut self, at: usize) {
        self.lines.remove(at);
        self.items.retain(|(line, _)| *line != at);
        for (line, _) in &mut self.items {
            if *line > at {
                *line -= 1;
            }
        }
    }

    fn text(&self) -> String {
        self.lines.concat()
    }
}

/// The top-level key a line starts, if it does: `resources` of `resources: # ...`.
fn key(line: &str) -> Option<&str> {
    if line.starts_with(char::is_whitespace) || line.starts_with(['#', '-']) {
        return None;
    }
    let (key, _) = line.split_once(':')?;
    Some(key.trim().trim_matches(|c| c == '"' || c == '\''))
}

/// What follows `key:` on its line, comment and spaces left out.
fn after_key(line: &str) -> &str {
    let value = line.split_once(':').map_or("", |(_, v)| v);
    let value = match value.find(" #") {
        Some(at) => &value[..at],
        None if value.trim_start().starts_with('#') => "",
        None => value,
    };
    value.trim()
}

/// The comment at the end of a `key: value` line, `#` included.
fn comment_of(line: &str) -> Option<&str> {
    let value = line.split_once(':')?.1;
    let at = value.find('#')?;
    Some(value[at..].trim_end())
}

/// The line ending `line` has, or `newline` if it has none (the last line of a file).
fn ending<'a>(line: &str, newline: &'a str) -> &'a str {
    if line.ends_with('\n') {
        newline
    } else {
        ""
    }
}

/// The name in what follows an item's `-`: up to a comment, without quotes.
fn item_name(rest: &str) -> String {
    let rest = rest.trim_start();
    let name = match rest.find(" #").or_else(|| rest.find("\t#")) {
        Some(at) => &rest[..at],
        None => rest,
    };
    name.trim()
        .trim_matches(|c| c == '"' || c == '\'')
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed file's shape: a comment heading the list, inline comments, a v2 group
    /// under its own comment, and keys after the list with comments of their own.
    const FILE: &str = "\
# What to generate.

# Resources by id.
resources:
  - file                          # file uploads
  - financial_connections.account
  - financial_connections.session
  # v2: thin events and meter events.
  - v2.billing.meter_event
  - v2.core.event

# Secrets.
secret_fields: []
";

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    /// The names of the list, in file order.
    fn resources(text: &str) -> Result<Vec<String>> {
        Ok(List::parse(text)?
            .items
            .into_iter()
            .map(|(_, n)| n)
            .collect())
    }

    #[test]
    fn add_puts_each_name_in_its_place_and_keeps_every_comment() {
        let edit = add(
            FILE,
            &names(&[
                "payment_intent",
                "customer",
                "webhook_endpoint",
                "v2.core.account",
            ]),
        )
        .unwrap();
        assert_eq!(
            edit.text,
            "\
# What to generate.

# Resources by id.
resources:
  - customer
  - file                          # file uploads
  - financial_connections.account
  - financial_connections.session
  - payment_intent
  - webhook_endpoint
  # v2: thin events and meter events.
  - v2.billing.meter_event
  - v2.core.account
  - v2.core.event

# Secrets.
secret_fields: []
"
        );
        assert_eq!(
            edit.changed,
            names(&[
                "payment_intent",
                "customer",
                "webhook_endpoint",
                "v2.core.account"
            ])
        );
        assert!(edit.unchanged.is_empty());
        assert_eq!(
            resources(&edit.text).unwrap(),
            names(&[
                "customer",
                "file",
                "financial_connections.account",
                "financial_connections.session",
                "payment_intent",
                "webhook_endpoint",
                "v2.billing.meter_event",
                "v2.core.account",
                "v2.core.event",
            ])
        );
    }

    #[test]
    fn add_then_remove_gives_the_file_back_and_both_are_idempotent() {
        let new = names(&["customer", "payment_intent", "v2.core.account"]);
        let added = add(FILE, &new).unwrap();
        let again = add(&added.text, &new).unwrap();
        assert_eq!(again.text, added.text);
        assert!(again.changed.is_empty());
        assert_eq!(again.unchanged, new);
        let removed = remove(&added.text, &new).unwrap();
        assert_eq!(removed.text, FILE);
        assert_eq!(removed.changed, new);
        let again = remove(FILE, &new).unwrap();
        assert_eq!(again.text, FILE);
        assert_eq!(again.unchanged, new);
    }

    #[test]
    fn remove_takes_the_line_and_its_inline_comment_but_not_the_comments_above() {
        let edit = remove(FILE, &names(&["file", "v2.billing.meter_event"])).unwrap();
        assert_eq!(
            edit.text,
            "\
# What to generate.

# Resources by id.
resources:
  - financial_connections.account
  - financial_connections.session
  # v2: thin events and meter events.
  - v2.core.event

# Secrets.
secret_fields: []
"
        );
        // A name listed twice goes entirely.
        let twice = FILE.replace("  - v2.core.event\n", "  - v2.core.event\n  - file\n");
        assert_eq!(
            remove(&twice, &names(&["file"])).unwrap().text,
            FILE.replace("  - file                          # file uploads\n", "")
        );
    }

    #[test]
    fn other_layouts_of_the_list() {
        // No indentation, quoted names, CRLF line endings, no final newline.
        let text = "resources:\r\n- 'file'\r\n- \"v2.core.event\" # thin\r\nrenames: {}";
        let edit = add(text, &names(&["customer", "zzz"])).unwrap();
        assert_eq!(
            edit.text,
            "resources:\r\n- customer\r\n- 'file'\r\n- zzz\r\n- \"v2.core.event\" # thin\r\nrenames: {}"
        );
        assert_eq!(
            remove(&edit.text, &names(&["customer", "zzz"]))
                .unwrap()
                .text,
            text
        );
        // The list last in a file without a final newline.
        let last = "renames: {}\nresources:\n    -   file";
        assert_eq!(
            add(last, &names(&["z"])).unwrap().text,
            "renames: {}\nresources:\n    -   file\n    -   z\n"
        );
        // An empty list, flow or block, gets the usual indentation.
        for empty in [
            "resources: []  # none yet\nrenames: {}\n",
            "resources:\nrenames: {}\n",
        ] {
            let edit = add(empty, &names(&["file"])).unwrap();
            assert!(edit.text.contains("resources:"), "{}", edit.text);
            assert!(
                edit.text.contains("\n  - file\nrenames: {}\n"),
                "{}",
                edit.text
            );
            assert_eq!(resources(&edit.text).unwrap(), names(&["file"]));
        }
        assert!(add("resources: []  # none yet\n", &names(&["file"]))
            .unwrap()
            .text
            .starts_with("resources: # none yet\n"));
    }

    #[test]
    fn what_cannot_be_edited_as_lines_is_refused_saying_what_to_do() {
        let err = |text: &str| format!("{:#}", add(text, &names(&["customer"])).unwrap_err());
        assert!(err("resources: [file, customer]\n").contains("write it as a block list"));
        assert!(err("renames: {}\n").contains("no top-level `resources:`"));
        assert!(err("resources:\n  - file\nresources:\n  - x\n").contains("twice"));
        assert!(err("resources:\n  - file\n  name: x\n").contains("line 3: `name: x`"));
        assert!(err("resources:\n  - {name: file}\n").contains("not one resource name"));
        let e = format!(
            "{:#}",
            remove(
                FILE,
                &names(&[
                    "file",
                    "financial_connections.account",
                    "financial_connections.session",
                    "v2.billing.meter_event",
                    "v2.core.event"
                ])
            )
            .unwrap_err()
        );
        assert!(e.contains("empty"), "{e}");
        assert!(e.contains("cargo xtask select add NAME"), "{e}");
    }
}
