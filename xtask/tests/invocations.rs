//! Every `cargo xtask ...` the repository writes down (the Markdown docs, CI, messages and
//! comments in the sources) parses: a command renamed or a flag moved to another command shows
//! up here, not in a user's terminal.

use std::path::{Path, PathBuf};

use xtask::flags::{parse, Bench, Command};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The files that show invocations to people: the Markdown at the root, CI, and the Rust
/// sources' messages and docs (not the tests', which match pieces of output such as
/// `cargo xtask bump-spec --url`, and run the binary themselves; nor the generated crate's,
/// whose headers only say `cargo xtask codegen`).
fn files() -> Vec<PathBuf> {
    fn walk(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries {
            let path = e.unwrap().path();
            if path.is_dir() {
                walk(&path, ext, out);
            } else if path.extension().is_some_and(|x| x == ext) {
                out.push(path);
            }
        }
    }
    let root = root();
    let mut out = Vec::new();
    for e in std::fs::read_dir(&root).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_some_and(|x| x == "md") {
            out.push(path);
        }
    }
    out.push(root.join(".ci/run"));
    walk(&root.join(".github/workflows"), "yml", &mut out);
    for dir in ["xtask/src", "generator/src", "tests/src", "tests/selection"] {
        walk(&root.join(dir), "rs", &mut out);
    }
    out.sort();
    out
}

/// The invocations in `text`, each the words after `cargo xtask`: in Markdown, from code
/// (inline code may wrap; a fenced block has one command a line); in a script, to the end of
/// the line; in Rust, to the end of the string or inline code. A comment, a pipe or a closing
/// backtick ends one too.
fn invocations(path: &Path, text: &str) -> Vec<String> {
    let ext = path.extension().and_then(|x| x.to_str()).unwrap_or("");
    let mut lines: Vec<String> = Vec::new();
    match ext {
        "md" => {
            // A fenced block has one command a line; elsewhere, inline code may wrap.
            let mut prose = String::new();
            let mut fenced = false;
            for line in text.lines() {
                if line.trim_start().starts_with("```") {
                    fenced = !fenced;
                    prose.push('\n');
                } else if fenced {
                    lines.push(line.to_owned());
                } else {
                    prose.push_str(line);
                    prose.push('\n');
                }
            }
            lines.extend(
                prose
                    .split('`')
                    .skip(1)
                    .step_by(2)
                    .map(|code| code.replace('\n', " ")),
            );
        }
        "rs" => {
            for line in text.lines() {
                let mut rest = line;
                while let Some(at) = rest.find("cargo xtask ") {
                    let tail = &rest[at..];
                    let end = tail.find(['`', '"']).unwrap_or(tail.len());
                    lines.push(tail[..end].to_owned());
                    rest = &tail[end..];
                }
            }
        }
        _ => lines.extend(text.lines().map(str::to_owned)),
    }
    let mut out = Vec::new();
    for line in lines {
        let mut rest = line.as_str();
        while let Some(at) = rest.find("cargo xtask ") {
            rest = &rest[at + "cargo xtask ".len()..];
            let end = [" #", " |", " &&", ";", "`", "\\n"]
                .iter()
                .filter_map(|stop| rest.find(stop))
                .min()
                .unwrap_or(rest.len());
            out.push(rest[..end].trim().to_owned());
        }
    }
    out
}

/// `words` with brackets and `...` dropped and placeholders made values the flags accept:
/// `<raw URL of ...>` is one word, and a placeholder after `--sha256` or `--crate` becomes a
/// valid sha256 or crate file.
fn fill_in(invocation: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut open: Option<String> = None;
    for word in invocation.split_whitespace() {
        if let Some(mut o) = open.take() {
            o.push(' ');
            o.push_str(word);
            if word.ends_with('>') {
                words.push(o);
            } else {
                open = Some(o);
            }
            continue;
        }
        if word.starts_with('<') && !word.ends_with('>') {
            open = Some(word.to_owned());
            continue;
        }
        let word = word.trim_matches(|c| c == '[' || c == ']' || c == '"');
        if !word.is_empty() && word != "..." {
            words.push(word.to_owned());
        }
    }
    let placeholder = |w: &str| {
        w.starts_with('<')
            || w.starts_with('{')
            || w.chars()
                .all(|c| c.is_ascii_uppercase() || "@:|".contains(c))
    };
    for i in 1..words.len() {
        if !placeholder(&words[i]) {
            continue;
        }
        match words[i - 1].as_str() {
            "--sha256" => words[i] = "0".repeat(64),
            "--crate" => words[i] = "stripe-sdk@0.3.0:spec/openapi.spec3.json".into(),
            "help" if i == 1 => words[i] = "codegen".into(),
            _ => {}
        }
    }
    words
}

#[test]
fn every_written_invocation_parses() {
    let root = root();
    let mut seen = Vec::new();
    let mut failures = Vec::new();
    for path in files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let rel = path.strip_prefix(&root).unwrap().display().to_string();
        for invocation in invocations(&path, &text) {
            let words = fill_in(&invocation);
            // `cargo xtask bench: Stripe spec ...` is output, `cargo xtask COMMAND` a pattern.
            let Some(command) = words.first() else {
                continue;
            };
            if !command.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
                continue;
            }
            match parse(words.clone()) {
                Ok(Command::Help(Some(_))) if !words.iter().any(|w| w == "help") => failures.push(
                    format!("{rel}: `cargo xtask {invocation}` asks for help ({words:?})"),
                ),
                // A bench section is checked when the command runs, so check the written ones.
                Ok(Command::Bench(Bench {
                    only: Some(section),
                    ..
                })) if !xtask::bench::SECTIONS.contains(&section.as_str())
                    && section != "SECTION" =>
                {
                    failures.push(format!(
                        "{rel}: `cargo xtask {invocation}`: no bench section `{section}`"
                    ))
                }
                Ok(_) => seen.push(format!("{rel}: {}", words.join(" "))),
                Err(e) => failures.push(format!(
                    "{rel}: `cargo xtask {invocation}` ({words:?}): {e:#}"
                )),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The places this is about: the README, the benchmarks, CI, and xtask's own messages.
    for (place, invocation) in [
        ("README.md", "bump-spec --url <same URL> --sha256 "),
        ("README.md", "bump-spec --crate stripe-sdk@0.3.0"),
        ("README.md", "codegen --spec PATH --sha256 "),
        ("README.md", "check-spec --source crate"),
        ("BENCHMARKS.md", "bench --only split"),
        (".ci/run", "codegen --check"),
        (
            ".github/workflows/ci.yml",
            "codegen --since $RUNNER_TEMP/base-api.json --report",
        ),
        (".github/workflows/ci.yml", "bench"),
        ("xtask/src/main.rs", "codegen --spec {} --sha256 "),
    ] {
        let prefix = format!("{place}: {invocation}");
        assert!(
            seen.iter().any(|s| s.starts_with(&prefix)),
            "no `{prefix}` among:\n{}",
            seen.join("\n")
        );
    }
    assert!(seen.len() > 40, "only {} invocations found", seen.len());
}

#[test]
fn the_scanner_reads_what_it_should() {
    let md = Path::new("x.md");
    assert_eq!(
        invocations(
            md,
            "a `cargo xtask bump-spec --crate\nNAME@VERSION:PATH --sha256 HEX [--url URL]` b\n\
             ```sh\ncargo xtask codegen   # fetch\ncargo test\n```\n\
             ```\nspec/  written by `cargo xtask bump-spec`, read `elsewhere`\n```\n\
             `cargo xtask fetch-spec` c"
        ),
        [
            "codegen",
            "bump-spec",
            "bump-spec --crate NAME@VERSION:PATH --sha256 HEX [--url URL]",
            "fetch-spec"
        ]
    );
    assert_eq!(
        invocations(Path::new("ci.yml"), "  run: cargo xtask bench | tee x\n"),
        ["bench"]
    );
    assert_eq!(
        invocations(
            Path::new("x.rs"),
            "println!(\"with: cargo xtask bump-spec --url {url} --sha256 {sha}\");"
        ),
        ["bump-spec --url {url} --sha256 {sha}"]
    );
    assert_eq!(
        fill_in("fetch-spec --url <raw URL of x at a tag> --sha256 <hex> [--report PATH]"),
        [
            "fetch-spec",
            "--url",
            "<raw URL of x at a tag>",
            "--sha256",
            &"0".repeat(64),
            "--report",
            "PATH"
        ]
    );
}
