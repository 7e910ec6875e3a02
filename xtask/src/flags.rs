//! The command line of `cargo xtask`: its commands, and the flags each one takes.
//!
//! One table per command ([`COMMANDS`]) drives both the parser and `cargo xtask help`, so the
//! help cannot name a flag the parser refuses, nor leave out one it takes. A command refuses
//! every flag not in its table, naming the ones it takes. Each command parses into a struct
//! that holds exactly its flags; building one reads every flag of its table (checked, see
//! `Given::done`), so a flag cannot sit in a table without reaching the command.
//!
//! No dependency: the parsing is the few dozen lines below.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::CrateFile;

/// A flag in a command's table.
#[derive(Debug)]
pub struct Flag {
    /// The flag as typed: `--check`.
    pub name: &'static str,
    /// What its value is (`PATH`), or `None` for a flag that takes none.
    pub value: Option<&'static str>,
    /// What it does, one line of `cargo xtask help COMMAND`.
    pub help: &'static str,
}

/// A command: its name, what it does, how it is used, and its flags.
#[derive(Debug)]
pub struct Spec {
    /// As typed: `fetch-spec`.
    pub name: &'static str,
    /// What it does: one line in `cargo xtask help`, a paragraph in `cargo xtask help COMMAND`.
    pub about: &'static str,
    /// The ways to run it (the arguments after the command, brackets for optional ones), each
    /// with what it does.
    pub usage: &'static [(&'static str, &'static str)],
    /// The words it takes before its names (`select add NAME...`); a command with none takes
    /// flags only.
    pub subcommands: &'static [Subcommand],
    /// Every flag it takes; anything else is refused.
    pub flags: &'static [Flag],
}

/// A word a command takes, followed by names: `add` in `cargo xtask select add NAME...`.
#[derive(Debug)]
pub struct Subcommand {
    /// As typed: `add`.
    pub name: &'static str,
    /// What follows it, one or more words: `NAME...`.
    pub operands: &'static str,
}

/// `--root DIR`, which every command but `help` takes.
const ROOT: Flag = Flag {
    name: "--root",
    value: Some("DIR"),
    help: "run on the repository at DIR instead of the one xtask was built in",
};

/// `--out DIR`: a standalone crate of the user's instead of `generated/`.
const OUT: Flag = Flag {
    name: "--out",
    value: Some("DIR"),
    help: "work on the standalone crate at DIR (outside this repository; created if new or \
           empty) instead of generated/; its selection and pin are recorded in DIR/spec/",
};

/// `--name NAME`: the package name of a new standalone crate.
const NAME: Flag = Flag {
    name: "--name",
    value: Some("NAME"),
    help: "with --out, the new crate's package name (default stripe-typed)",
};

/// `cargo xtask fetch-spec`.
pub const FETCH_SPEC: Spec = Spec {
    name: "fetch-spec",
    about: "fetch a spec, verify its sha256 and cache it in spec/cache/",
    usage: &[
        (
            "",
            "the pinned spec, from the sources spec/manifest.json names, in order",
        ),
        (
            "--url URL --sha256 HEX",
            "Stripe's own spec (e.g. from the stripe/openapi repository), beside the pinned cache",
        ),
        (
            "--crate NAME@VERSION:PATH --sha256 HEX",
            "a file inside a published crate (fetched with cargo), beside the pinned cache",
        ),
    ],
    subcommands: &[],
    flags: &[
        Flag {
            name: "--url",
            value: Some("URL"),
            help: "download the spec from URL (with curl); needs --sha256",
        },
        Flag {
            name: "--crate",
            value: Some("NAME@VERSION:PATH"),
            help: "take the spec from file PATH of crate NAME, exactly VERSION; needs --sha256",
        },
        Flag {
            name: "--sha256",
            value: Some("HEX"),
            help: "the sha256 the downloaded spec must have (64 hex digits); nothing else is saved",
        },
        ROOT,
    ],
};

/// `cargo xtask check-spec`.
pub const CHECK_SPEC: Spec = Spec {
    name: "check-spec",
    about: "say whether the pin's sources have a newer spec than the pin: the latest release \
            of the stripe/openapi repository (for a sources.url that is a file of it at a tag) \
            and the newest version of the crate (sources.crate, asked of cargo's registry). \
            Prints the new spec's API version and sha256 and the `cargo xtask bump-spec` line \
            that moves the pin to it; writes nothing but --json. Exit codes: 0 up to date, 10 \
            a newer spec, 1 a source could not be asked. For tests and mirrors, \
            XTASK_GITHUB_API and XTASK_GITHUB_RAW replace https://api.github.com and \
            https://raw.githubusercontent.com; GITHUB_TOKEN, if set, is sent to \
            api.github.com only",
    usage: &[
        (
            "[--json PATH]",
            "ask every source of the pin; with --json, also write the result for scripts",
        ),
        (
            "--source KIND [--json PATH]",
            "ask the sources of one kind only: crate or url",
        ),
    ],
    subcommands: &[],
    flags: &[
        Flag {
            name: "--source",
            value: Some("KIND"),
            help: "ask only the pin's crate source or only its url source: crate or url",
        },
        Flag {
            name: "--json",
            value: Some("PATH"),
            help: "also write the result to PATH as JSON (status, the new spec, the bump's \
                   arguments)",
        },
        ROOT,
    ],
};

/// `cargo xtask bump-spec`.
pub const BUMP_SPEC: Spec = Spec {
    name: "bump-spec",
    about: "move the pin to another spec (JSON or YAML): verify it, take its API version from \
            info.version, cache it, update spec/manifest.json and regenerate generated/, all or \
            nothing; prints the change report",
    usage: &[
        (
            "--url URL --sha256 HEX [--report PATH]",
            "a spec downloaded from URL",
        ),
        ("--file PATH [--sha256 HEX] [--report PATH]", "a local file"),
        (
            "--crate NAME@VERSION:PATH --sha256 HEX [--url URL] [--report PATH]",
            "a file inside a published crate; --url records a second source of the same bytes",
        ),
    ],
    subcommands: &[],
    flags: &[
        Flag {
            name: "--file",
            value: Some("PATH"),
            help: "the new spec is the file at PATH (the manifest then names no URL to fetch it)",
        },
        Flag {
            name: "--url",
            value: Some("URL"),
            help: "download the new spec from URL; with --crate, record URL as a second source",
        },
        Flag {
            name: "--crate",
            value: Some("NAME@VERSION:PATH"),
            help: "the new spec is file PATH of crate NAME, exactly VERSION (fetched with cargo)",
        },
        Flag {
            name: "--sha256",
            value: Some("HEX"),
            help: "the new spec's sha256 (64 hex digits); needed with --url and --crate",
        },
        Flag {
            name: "--report",
            value: Some("PATH"),
            help: "also append the change report as Markdown to PATH",
        },
        ROOT,
    ],
};

/// `cargo xtask codegen`.
pub const CODEGEN: Spec = Spec {
    name: "codegen",
    about: "generate generated/ from the pinned spec (fetching it if needed), and print what \
            changes in the generated API",
    usage: &[
        (
            "[--since PATH] [--report PATH]",
            "write generated/ and print the change report",
        ),
        (
            "--check [--since PATH] [--report PATH]",
            "exit non-zero and list the files that differ; write nothing",
        ),
        (
            "--spec PATH --sha256 HEX [--check]",
            "from another encoding of the pinned spec; with --check, preview any spec",
        ),
        (
            "--out DIR [--name NAME] [--check]",
            "a standalone crate at DIR for your own workspace, depending on the runtime by \
             version (this repository's selection for a new one); after a bump, moves it to the \
             new pin with its version and CHANGELOG.md",
        ),
    ],
    subcommands: &[],
    flags: &[
        Flag {
            name: "--check",
            value: None,
            help: "write nothing; exit non-zero and list the files of generated/ that differ",
        },
        Flag {
            name: "--spec",
            value: Some("PATH"),
            help: "generate from the spec at PATH instead of the pinned cache; needs --sha256",
        },
        Flag {
            name: "--sha256",
            value: Some("HEX"),
            help: "the sha256 the file of --spec must have (64 hex digits)",
        },
        Flag {
            name: "--since",
            value: Some("PATH"),
            help: "compare the generated API with the summary at PATH (default generated/api.json)",
        },
        Flag {
            name: "--report",
            value: Some("PATH"),
            help: "also append the change report as Markdown (for a pull request) to PATH",
        },
        OUT,
        NAME,
        ROOT,
    ],
};

/// `cargo xtask whole-api`.
pub const WHOLE_API: Spec = Spec {
    name: "whole-api",
    about: "generate every resource of the pinned spec into target/whole-api/ and `cargo check` \
            it, printing how many of the spec's operations are generated and why each other one \
            is not; then generate the billing resources, check that clippy and rustdoc warn \
            about nothing and run tests/selection/ (round-trips) there",
    usage: &[
        ("", "both parts"),
        ("--only whole|billing", "one part"),
        (
            "--spec PATH --sha256 HEX [--only whole]",
            "the whole part on another spec (a preview)",
        ),
    ],
    subcommands: &[],
    flags: &[
        Flag {
            name: "--only",
            value: Some("PART"),
            help: "run one part: whole (every resource) or billing (the billing resources)",
        },
        Flag {
            name: "--spec",
            value: Some("PATH"),
            help:
                "run the whole part on the spec at PATH instead of the pinned one; needs --sha256",
        },
        Flag {
            name: "--sha256",
            value: Some("HEX"),
            help: "the sha256 the file of --spec must have (64 hex digits)",
        },
        ROOT,
    ],
};

/// `cargo xtask bench`.
pub const BENCH: Spec = Spec {
    name: "bench",
    about: "time codegen stages, decoding, the generated crate's build, a billing integration's \
            build against async-stripe's, the whole API's against async-stripe's `full` crates, \
            build cost per selection size and what the split into crates buys (in release mode)",
    usage: &[
        ("", "every section"),
        ("--quick", "skip the builds"),
        ("--only SECTION", "one section"),
    ],
    subcommands: &[],
    flags: &[
        Flag {
            name: "--quick",
            value: None,
            help:
                "skip the sections that build crates (cold, billing, whole, sizes, split, project)",
        },
        Flag {
            name: "--only",
            value: Some("SECTION"),
            help: "run one section: codegen, decode, cold, billing, whole, sizes, split or project",
        },
        ROOT,
    ],
};

/// `cargo xtask select`.
pub const SELECT: Spec = Spec {
    name: "select",
    about:
        "list every resource of the pinned spec by product area with what it costs (operations, \
            types, generated lines, debug build seconds), or add resources to spec/select.yaml or \
            remove them (its comments and order kept) and regenerate generated/, printing first \
            what the change adds or removes",
    usage: &[
        (
            "",
            "every resource, selected ones marked, each with what it adds to the selection or \
             what removing it saves",
        ),
        (
            "add NAME... [--dry-run]",
            "select the resources NAME (ids as listed: customer, issuing.card, v2.core.account), \
             then regenerate",
        ),
        (
            "remove NAME... [--dry-run]",
            "leave the resources NAME out, saying what changes for the others, then regenerate",
        ),
        (
            "add NAME... --out DIR [--name NAME]",
            "the same for the standalone crate at DIR; a new one has only the resources NAME",
        ),
    ],
    subcommands: &[
        Subcommand {
            name: "add",
            operands: "NAME...",
        },
        Subcommand {
            name: "remove",
            operands: "NAME...",
        },
    ],
    flags: &[
        Flag {
            name: "--dry-run",
            value: None,
            help: "with add or remove: print what the change would do, write nothing",
        },
        OUT,
        NAME,
        ROOT,
    ],
};

/// `cargo xtask help`.
pub const HELP: Spec = Spec {
    name: "help",
    about: "list the commands, or say how to run one and what its flags do",
    usage: &[
        ("", "list the commands"),
        (
            "COMMAND",
            "how to run COMMAND and what its flags do (as `cargo xtask COMMAND --help`)",
        ),
    ],
    subcommands: &[],
    flags: &[],
};

/// Every command, in the order `cargo xtask help` lists them.
pub const COMMANDS: [&Spec; 8] = [
    &FETCH_SPEC,
    &CHECK_SPEC,
    &BUMP_SPEC,
    &CODEGEN,
    &SELECT,
    &WHOLE_API,
    &BENCH,
    &HELP,
];

/// Flags that no command takes any more, with what to do instead.
const GONE: &[(&str, &str)] = &[(
    "--api-version",
    "--api-version is gone: the API version comes from the spec's info.version. \
     To move to another spec, run `cargo xtask bump-spec --file PATH` (or --url URL \
     --sha256 HEX); it updates spec/manifest.json and generated/ together",
)];

/// A parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    FetchSpec(FetchSpec),
    CheckSpec(CheckSpec),
    BumpSpec(BumpSpec),
    Codegen(Codegen),
    WholeApi(WholeApi),
    Bench(Bench),
    Select(Select),
    /// `help [COMMAND]`, `COMMAND --help`, or nothing at all: the list of commands (`None`),
    /// or one command's usage and flags.
    Help(Option<&'static str>),
}

/// `cargo xtask fetch-spec`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchSpec {
    pub url: Option<String>,
    pub krate: Option<CrateFile>,
    pub sha256: Option<String>,
    pub root: Option<PathBuf>,
}

/// `cargo xtask check-spec`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckSpec {
    pub source: Option<String>,
    pub json: Option<PathBuf>,
    pub root: Option<PathBuf>,
}

/// `cargo xtask bump-spec`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BumpSpec {
    pub file: Option<PathBuf>,
    pub url: Option<String>,
    pub krate: Option<CrateFile>,
    pub sha256: Option<String>,
    pub report: Option<PathBuf>,
    pub root: Option<PathBuf>,
}

/// `cargo xtask codegen`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Codegen {
    pub check: bool,
    pub spec: Option<PathBuf>,
    pub sha256: Option<String>,
    pub since: Option<PathBuf>,
    pub report: Option<PathBuf>,
    pub out: Option<PathBuf>,
    pub name: Option<String>,
    pub root: Option<PathBuf>,
}

/// `cargo xtask whole-api`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WholeApi {
    pub only: Option<String>,
    pub spec: Option<PathBuf>,
    pub sha256: Option<String>,
    pub root: Option<PathBuf>,
}

/// `cargo xtask bench`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bench {
    pub quick: bool,
    pub only: Option<String>,
    pub root: Option<PathBuf>,
}

/// `cargo xtask select`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Select {
    pub action: SelectAction,
    pub dry_run: bool,
    pub out: Option<PathBuf>,
    pub name: Option<String>,
    pub root: Option<PathBuf>,
}

/// What `cargo xtask select` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectAction {
    /// `select`: list the resources with their costs.
    List,
    /// `select add NAME...`.
    Add(Vec<String>),
    /// `select remove NAME...`.
    Remove(Vec<String>),
}

impl Command {
    /// `--root DIR`, if the command was given one.
    pub fn root(&self) -> Option<&Path> {
        match self {
            Command::FetchSpec(c) => c.root.as_deref(),
            Command::CheckSpec(c) => c.root.as_deref(),
            Command::BumpSpec(c) => c.root.as_deref(),
            Command::Codegen(c) => c.root.as_deref(),
            Command::WholeApi(c) => c.root.as_deref(),
            Command::Bench(c) => c.root.as_deref(),
            Command::Select(c) => c.root.as_deref(),
            Command::Help(_) => None,
        }
    }

    /// `--out DIR`, the standalone crate the command writes, if it was given one.
    pub fn out(&self) -> Option<&Path> {
        match self {
            Command::Codegen(c) => c.out.as_deref(),
            Command::Select(c) => c.out.as_deref(),
            _ => None,
        }
    }
}

/// The command line after the program's name: `codegen --check`.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command> {
    let mut args = args.into_iter();
    let Some(name) = args.next() else {
        return Ok(Command::Help(None));
    };
    if matches!(name.as_str(), "--help" | "-h") {
        return Ok(Command::Help(None));
    }
    let spec = command(&name)?;
    if spec.name == HELP.name {
        return parse_help(args);
    }
    let args: Vec<String> = args.collect();
    // Help wins over anything else on the line, even flags the command refuses.
    if args.iter().any(|a| matches!(a.as_str(), "--help" | "-h")) {
        return Ok(Command::Help(Some(spec.name)));
    }
    let mut given = Given::parse(spec, args)?;
    let parsed = match spec.name {
        "fetch-spec" => Command::FetchSpec(FetchSpec {
            url: given.string("--url"),
            krate: given.krate("--crate")?,
            sha256: given.sha256("--sha256")?,
            root: given.path("--root"),
        }),
        "check-spec" => Command::CheckSpec(CheckSpec {
            source: given.string("--source"),
            json: given.path("--json"),
            root: given.path("--root"),
        }),
        "bump-spec" => Command::BumpSpec(BumpSpec {
            file: given.path("--file"),
            url: given.string("--url"),
            krate: given.krate("--crate")?,
            sha256: given.sha256("--sha256")?,
            report: given.path("--report"),
            root: given.path("--root"),
        }),
        "codegen" => Command::Codegen(Codegen {
            check: given.switch("--check"),
            spec: given.path("--spec"),
            sha256: given.sha256("--sha256")?,
            since: given.path("--since"),
            report: given.path("--report"),
            out: given.path("--out"),
            name: given.string("--name"),
            root: given.path("--root"),
        }),
        "whole-api" => Command::WholeApi(WholeApi {
            only: given.string("--only"),
            spec: given.path("--spec"),
            sha256: given.sha256("--sha256")?,
            root: given.path("--root"),
        }),
        "bench" => Command::Bench(Bench {
            quick: given.switch("--quick"),
            only: given.string("--only"),
            root: given.path("--root"),
        }),
        "select" => Command::Select(Select {
            action: match given.subcommand()? {
                None => SelectAction::List,
                Some(("add", names)) => SelectAction::Add(names),
                Some((_, names)) => SelectAction::Remove(names),
            },
            dry_run: given.switch("--dry-run"),
            out: given.path("--out"),
            name: given.string("--name"),
            root: given.path("--root"),
        }),
        other => unreachable!("command `{other}` is in COMMANDS but not parsed"),
    };
    given.done();
    Ok(parsed)
}

/// The command called `name`.
fn command(name: &str) -> Result<&'static Spec> {
    if let Some(spec) = COMMANDS.iter().find(|c| c.name == name) {
        return Ok(spec);
    }
    let names: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
    if name.starts_with('-') {
        bail!(
            "`{name}` before a command: run `cargo xtask COMMAND [FLAGS]`; the commands: {}",
            names.join(", ")
        );
    }
    bail!(
        "unknown command `{name}`; the commands: {} (`cargo xtask help` says what each does)",
        names.join(", ")
    )
}

/// `help [COMMAND]`.
fn parse_help(mut args: impl Iterator<Item = String>) -> Result<Command> {
    let Some(topic) = args.next() else {
        return Ok(Command::Help(None));
    };
    if matches!(topic.as_str(), "--help" | "-h") {
        return Ok(Command::Help(Some(HELP.name)));
    }
    if topic.starts_with('-') {
        bail!("help takes no flags, but was given {topic}; run `cargo xtask help [COMMAND]`");
    }
    let spec = command(&topic)?;
    if let Some(extra) = args.next() {
        bail!(
            "help takes one COMMAND, but was given `{extra}` after `{topic}`; \
             run `cargo xtask help [COMMAND]`"
        );
    }
    Ok(Command::Help(Some(spec.name)))
}

/// The flags given to one command, checked against its table; each read once into the
/// command's struct.
struct Given {
    spec: &'static Spec,
    values: Vec<(&'static str, Option<String>)>,
    /// The words that are no flag or flag value, in order (only a command with subcommands
    /// takes any).
    words: Vec<String>,
    read: Vec<&'static str>,
}

impl Given {
    /// Checks `args` against `spec`'s table.
    fn parse(spec: &'static Spec, args: Vec<String>) -> Result<Given> {
        let name = spec.name;
        let mut values: Vec<(&'static str, Option<String>)> = Vec::new();
        let mut words = Vec::new();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if let Some((_, why)) = GONE.iter().find(|(gone, _)| *gone == arg) {
                bail!("{why}");
            }
            if !arg.starts_with('-') && !spec.subcommands.is_empty() {
                words.push(arg);
                continue;
            }
            if !arg.starts_with('-') {
                bail!(
                    "{name} takes no argument `{arg}` (only flags); its flags: {}",
                    flag_list(spec)
                );
            }
            let Some(flag) = spec.flags.iter().find(|f| f.name == arg) else {
                if let Some((flag, value)) = arg.split_once('=') {
                    match spec.flags.iter().find(|f| f.name == flag) {
                        Some(f) if f.value.is_some() => {
                            bail!("{name}: write `{} {value}`, not `{arg}`", f.name)
                        }
                        Some(f) => {
                            bail!("{name}: {} takes no value, but was given `{arg}`", f.name)
                        }
                        None => {}
                    }
                }
                bail!("{}", not_taken(spec, &arg));
            };
            if values.iter().any(|(n, _)| *n == flag.name) {
                bail!("{name}: {} is given twice", flag.name);
            }
            let value = match flag.value {
                None => None,
                Some(what) => match args.next() {
                    Some(v) if !v.starts_with("--") => Some(v),
                    Some(v) => {
                        bail!(
                            "{name}: {} needs a value ({what}), not the flag {v}",
                            flag.name
                        )
                    }
                    None => bail!("{name}: {} needs a value ({what})", flag.name),
                },
            };
            values.push((flag.name, value));
        }
        Ok(Given {
            spec,
            values,
            words,
            read: Vec::new(),
        })
    }

    /// The subcommand and the names after it (at least one), or `None` when no word was
    /// given.
    fn subcommand(&mut self) -> Result<Option<(&'static str, Vec<String>)>> {
        let name = self.spec.name;
        let mut words = std::mem::take(&mut self.words).into_iter();
        let Some(first) = words.next() else {
            return Ok(None);
        };
        let forms = self
            .spec
            .subcommands
            .iter()
            .map(|s| format!("`{} {}`", s.name, s.operands))
            .collect::<Vec<_>>()
            .join(" or ");
        let Some(sub) = self.spec.subcommands.iter().find(|s| s.name == first) else {
            let example = self.spec.subcommands.first().map_or(String::new(), |s| {
                format!(" (`cargo xtask {name} {} {first}`?)", s.name)
            });
            bail!(
                "{name} takes {forms}, or nothing, not `{first}`{example}; see \
                 `cargo xtask help {name}`"
            );
        };
        let names: Vec<String> = words.collect();
        if names.is_empty() {
            bail!(
                "{name} {}: name at least one ({}); `cargo xtask {name}` lists them",
                sub.name,
                sub.operands
            );
        }
        Ok(Some((sub.name, names)))
    }

    /// The value of `flag` (`Some("")` for a given flag that takes none).
    fn get(&mut self, flag: &'static str) -> Option<&str> {
        assert!(
            self.spec.flags.iter().any(|f| f.name == flag),
            "{} reads {flag}, which is not in its table",
            self.spec.name
        );
        self.read.push(flag);
        self.values
            .iter()
            .find(|(n, _)| *n == flag)
            .map(|(_, v)| v.as_deref().unwrap_or(""))
    }

    fn switch(&mut self, flag: &'static str) -> bool {
        self.get(flag).is_some()
    }

    fn string(&mut self, flag: &'static str) -> Option<String> {
        self.get(flag).map(str::to_owned)
    }

    fn path(&mut self, flag: &'static str) -> Option<PathBuf> {
        self.get(flag).map(PathBuf::from)
    }

    fn sha256(&mut self, flag: &'static str) -> Result<Option<String>> {
        let Some(sha) = self.get(flag) else {
            return Ok(None);
        };
        if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            bail!("{flag} takes 64 hex digits (a sha256), not `{sha}`");
        }
        Ok(Some(sha.to_owned()))
    }

    fn krate(&mut self, flag: &'static str) -> Result<Option<CrateFile>> {
        self.get(flag)
            .map(|v| CrateFile::parse(v).context(flag))
            .transpose()
    }

    /// Checks that the command's struct read every flag of its table, so that none is taken
    /// and then ignored.
    fn done(self) {
        assert!(
            self.words.is_empty(),
            "{} takes subcommands but does not read them",
            self.spec.name
        );
        for f in self.spec.flags {
            assert!(
                self.read.contains(&f.name),
                "{} takes {} but does not read it",
                self.spec.name,
                f.name
            );
        }
    }
}

/// `--flag VALUE` or `--flag`.
fn flag_usage(f: &Flag) -> String {
    match f.value {
        Some(v) => format!("{} {v}", f.name),
        None => f.name.to_owned(),
    }
}

/// `--check, --spec PATH, ...`: what a command takes.
fn flag_list(spec: &Spec) -> String {
    if spec.flags.is_empty() {
        return "none".to_owned();
    }
    spec.flags
        .iter()
        .map(flag_usage)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The error for `flag` given to a command that does not take it.
fn not_taken(spec: &Spec, flag: &str) -> String {
    let others: Vec<&str> = COMMANDS
        .iter()
        .filter(|c| c.flags.iter().any(|f| f.name == flag))
        .map(|c| c.name)
        .collect();
    let whose = if others.is_empty() {
        String::new()
    } else {
        format!(" (it is a flag of {})", others.join(", "))
    };
    format!(
        "{} does not take {flag}{whose}; its flags: {} (see `cargo xtask help {}`)",
        spec.name,
        flag_list(spec),
        spec.name
    )
}

/// `codegen [--check] [--spec PATH] ...`: a command and all its flags.
fn synopsis(spec: &Spec) -> String {
    let mut line = spec.name.to_owned();
    if !spec.subcommands.is_empty() {
        let forms: Vec<String> = spec
            .subcommands
            .iter()
            .map(|s| format!("{} {}", s.name, s.operands))
            .collect();
        line.push_str(&format!(" [{}]", forms.join(" | ")));
    }
    for f in spec.flags {
        line.push_str(&format!(" [{}]", flag_usage(f)));
    }
    if spec.name == HELP.name {
        line.push_str(" [COMMAND]");
    }
    line
}

/// `cargo xtask help` (`None`) or `cargo xtask help COMMAND`.
pub fn help(command: Option<&str>) -> String {
    match command.and_then(|name| COMMANDS.iter().find(|c| c.name == name)) {
        None => overview(),
        Some(spec) => command_help(spec),
    }
}

fn overview() -> String {
    let mut out = String::from(
        "cargo xtask COMMAND [FLAGS]: the project's tasks. A command takes only the flags \
         listed with it.\n`cargo xtask help COMMAND` (or `cargo xtask COMMAND --help`) says \
         how to run it and what each flag does.\n\ncommands:\n",
    );
    for spec in COMMANDS {
        out.push_str(&format!("  {}\n", synopsis(spec)));
        out.push_str(&wrap(spec.about, "      "));
    }
    out
}

fn command_help(spec: &Spec) -> String {
    let mut out = format!("cargo xtask {}\n\n", synopsis(spec));
    out.push_str(&wrap(spec.about, ""));
    out.push_str("\nusage:\n");
    for (args, what) in spec.usage {
        let form = format!("cargo xtask {} {args}", spec.name);
        out.push_str(&format!("  {}\n", form.trim_end()));
        out.push_str(&wrap(what, "      "));
    }
    if !spec.flags.is_empty() {
        out.push_str("\nflags:\n");
        let width = spec
            .flags
            .iter()
            .map(|f| flag_usage(f).len())
            .max()
            .unwrap_or(0);
        for f in spec.flags {
            out.push_str(&format!("  {:width$}  {}\n", flag_usage(f), f.help));
        }
    }
    out
}

/// `text` in lines of at most 92 characters (words allowing), each after `indent`.
pub(crate) fn wrap(text: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.len() + line.len() + 1 + word.len() > 92 {
            out.push_str(&format!("{indent}{line}\n"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(&format!("{indent}{line}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "5565665e5565665e5565665e5565665e5565665e5565665e5565665e5565665e";
    const KRATE: &str = "stripe-sdk@0.3.0:spec/openapi.spec3.json";

    fn parse(args: &[&str]) -> Result<Command> {
        super::parse(args.iter().map(|a| a.to_string()))
    }

    #[track_caller]
    fn ok(args: &[&str]) -> Command {
        parse(args).unwrap_or_else(|e| panic!("`{}`: {e:#}", args.join(" ")))
    }

    #[track_caller]
    fn err(args: &[&str]) -> String {
        match parse(args) {
            Ok(c) => panic!("`{}` parsed, as {c:?}", args.join(" ")),
            Err(e) => format!("{e:#}"),
        }
    }

    /// A value that passes `flag`'s checks.
    fn sample(flag: &Flag) -> &'static str {
        match flag.name {
            "--sha256" => SHA,
            "--crate" => KRATE,
            _ => "x",
        }
    }

    #[test]
    fn each_command_takes_each_of_its_flags() {
        assert_eq!(
            ok(&[
                "fetch-spec",
                "--url",
                "https://x/spec3.json",
                "--crate",
                KRATE,
                "--sha256",
                SHA,
                "--root",
                "/r",
            ]),
            Command::FetchSpec(FetchSpec {
                url: Some("https://x/spec3.json".into()),
                krate: Some(CrateFile::parse(KRATE).unwrap()),
                sha256: Some(SHA.into()),
                root: Some("/r".into()),
            })
        );
        assert_eq!(
            ok(&[
                "check-spec",
                "--json",
                "check.json",
                "--source",
                "url",
                "--root",
                "/r"
            ]),
            Command::CheckSpec(CheckSpec {
                source: Some("url".into()),
                json: Some("check.json".into()),
                root: Some("/r".into()),
            })
        );
        assert_eq!(
            ok(&[
                "bump-spec",
                "--root",
                "/r",
                "--file",
                "a.json",
                "--url",
                "u",
                "--crate",
                KRATE,
                "--sha256",
                SHA,
                "--report",
                "bump.md",
            ]),
            Command::BumpSpec(BumpSpec {
                file: Some("a.json".into()),
                url: Some("u".into()),
                krate: Some(CrateFile::parse(KRATE).unwrap()),
                sha256: Some(SHA.into()),
                report: Some("bump.md".into()),
                root: Some("/r".into()),
            })
        );
        assert_eq!(
            ok(&[
                "codegen",
                "--check",
                "--spec",
                "s.yaml",
                "--sha256",
                SHA,
                "--since",
                "base.json",
                "--report",
                "r.md",
                "--out",
                "../app/stripe",
                "--name",
                "my-stripe",
                "--root",
                "/r",
            ]),
            Command::Codegen(Codegen {
                check: true,
                spec: Some("s.yaml".into()),
                sha256: Some(SHA.into()),
                since: Some("base.json".into()),
                report: Some("r.md".into()),
                out: Some("../app/stripe".into()),
                name: Some("my-stripe".into()),
                root: Some("/r".into()),
            })
        );
        assert_eq!(
            ok(&[
                "whole-api",
                "--only",
                "whole",
                "--spec",
                "s.json",
                "--sha256",
                SHA,
                "--root",
                "/r",
            ]),
            Command::WholeApi(WholeApi {
                only: Some("whole".into()),
                spec: Some("s.json".into()),
                sha256: Some(SHA.into()),
                root: Some("/r".into()),
            })
        );
        assert_eq!(
            ok(&["bench", "--only", "split", "--quick", "--root", "/r"]),
            Command::Bench(Bench {
                quick: true,
                only: Some("split".into()),
                root: Some("/r".into()),
            })
        );
        assert_eq!(ok(&["help", "codegen"]), Command::Help(Some("codegen")));
    }

    #[test]
    fn select_takes_a_subcommand_with_names_and_flags_anywhere() {
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            ok(&["select"]),
            Command::Select(Select {
                action: SelectAction::List,
                dry_run: false,
                out: None,
                name: None,
                root: None,
            })
        );
        assert_eq!(
            ok(&["select", "add", "customer", "payment_intent"]),
            Command::Select(Select {
                action: SelectAction::Add(names(&["customer", "payment_intent"])),
                dry_run: false,
                out: None,
                name: None,
                root: None,
            })
        );
        assert_eq!(
            ok(&[
                "select",
                "--root",
                "/r",
                "remove",
                "customer",
                "--dry-run",
                "v2.core.account"
            ]),
            Command::Select(Select {
                action: SelectAction::Remove(names(&["customer", "v2.core.account"])),
                dry_run: true,
                out: None,
                name: None,
                root: Some("/r".into()),
            })
        );
        assert_eq!(
            err(&["select", "customer"]),
            "select takes `add NAME...` or `remove NAME...`, or nothing, not `customer` \
             (`cargo xtask select add customer`?); see `cargo xtask help select`"
        );
        assert_eq!(
            err(&["select", "add"]),
            "select add: name at least one (NAME...); `cargo xtask select` lists them"
        );
        assert_eq!(
            err(&["select", "remove", "--dry-run"]),
            "select remove: name at least one (NAME...); `cargo xtask select` lists them"
        );
        assert!(err(&["select", "add", "x", "--check"]).starts_with("select does not take --check"));
        // Commands without subcommands still refuse words.
        assert!(err(&["codegen", "add", "x"]).starts_with("codegen takes no argument `add`"));
    }

    #[test]
    fn each_command_runs_with_no_flags() {
        assert_eq!(
            ok(&["fetch-spec"]),
            Command::FetchSpec(FetchSpec {
                url: None,
                krate: None,
                sha256: None,
                root: None,
            })
        );
        assert_eq!(
            ok(&["codegen"]),
            Command::Codegen(Codegen {
                check: false,
                spec: None,
                sha256: None,
                since: None,
                report: None,
                out: None,
                name: None,
                root: None,
            })
        );
        assert_eq!(
            ok(&["bench"]),
            Command::Bench(Bench {
                quick: false,
                only: None,
                root: None,
            })
        );
        for spec in COMMANDS {
            let parsed = ok(&[spec.name]);
            assert_eq!(parsed.root(), None);
            assert_eq!(parsed == Command::Help(None), spec.name == "help");
        }
        assert_eq!(ok(&[]), Command::Help(None));
    }

    /// Every flag of every table reaches its command's struct, alone and all together (the
    /// struct reads each flag of its table, or `Given::done` panics).
    #[test]
    fn every_flag_of_a_table_parses_alone_and_together() {
        for spec in COMMANDS {
            let mut all = vec![spec.name];
            for f in spec.flags {
                let mut args = vec![spec.name, f.name];
                if f.value.is_some() {
                    args.push(sample(f));
                }
                let parsed = ok(&args);
                assert_ne!(
                    parsed,
                    ok(&[spec.name]),
                    "`{}` changed nothing",
                    args.join(" ")
                );
                all.extend(&args[1..]);
            }
            ok(&all);
            if spec.name != "help" {
                assert_eq!(
                    ok(&[spec.name, "--root", "/r"]).root(),
                    Some(Path::new("/r"))
                );
            }
        }
    }

    #[test]
    fn a_flag_of_another_command_is_refused_naming_the_flags_taken() {
        let e = err(&["codegen", "--quick"]);
        assert_eq!(
            e,
            "codegen does not take --quick (it is a flag of bench); its flags: --check, \
             --spec PATH, --sha256 HEX, --since PATH, --report PATH, --out DIR, --name NAME, --root DIR \
             (see `cargo xtask help codegen`)"
        );
        let mut refused = 0;
        for spec in COMMANDS.iter().filter(|s| s.name != "help") {
            for other in COMMANDS {
                for f in other.flags {
                    if spec.flags.iter().any(|g| g.name == f.name) {
                        continue;
                    }
                    let e = err(&[spec.name, f.name, sample(f)]);
                    assert!(
                        e.starts_with(&format!("{} does not take {}", spec.name, f.name)),
                        "{e}"
                    );
                    let takers: Vec<&str> = COMMANDS
                        .iter()
                        .filter(|c| c.flags.iter().any(|g| g.name == f.name))
                        .map(|c| c.name)
                        .collect();
                    assert!(
                        e.contains(&format!("(it is a flag of {})", takers.join(", "))),
                        "{e}"
                    );
                    assert!(e.contains(&flag_list(spec)), "{e}");
                    refused += 1;
                }
            }
        }
        assert!(refused >= 15, "only {refused} foreign flags tried");
        assert_eq!(
            err(&["bench", "--frob"]),
            "bench does not take --frob; its flags: --quick, --only SECTION, --root DIR \
             (see `cargo xtask help bench`)"
        );
        assert!(err(&["fetch-spec", "--check"]).contains("a flag of codegen"));
        assert!(err(&["bench", "--spec", "s"]).contains("a flag of codegen, whole-api"));
        assert!(err(&["help", "--root", "/r"]).contains("help takes no flags"));
    }

    #[test]
    fn missing_values_are_errors() {
        for spec in COMMANDS {
            for f in spec.flags {
                let Some(what) = f.value else { continue };
                assert_eq!(
                    err(&[spec.name, f.name]),
                    format!("{}: {} needs a value ({what})", spec.name, f.name)
                );
                // The next flag is not taken as the value.
                assert_eq!(
                    err(&[spec.name, f.name, "--root", "/r"]),
                    format!(
                        "{}: {} needs a value ({what}), not the flag --root",
                        spec.name, f.name
                    )
                );
            }
        }
    }

    #[test]
    fn a_flag_given_twice_a_stray_argument_and_flag_equals_value_are_errors() {
        assert_eq!(
            err(&["codegen", "--check", "--check"]),
            "codegen: --check is given twice"
        );
        assert_eq!(
            err(&["bench", "--only", "codegen", "--only", "decode"]),
            "bench: --only is given twice"
        );
        assert_eq!(
            err(&["codegen", "generated"]),
            "codegen takes no argument `generated` (only flags); its flags: --check, \
             --spec PATH, --sha256 HEX, --since PATH, --report PATH, --out DIR, --name NAME, --root DIR"
        );
        assert!(err(&["bench", "--quick", "cold"]).contains("bench takes no argument `cold`"));
        assert_eq!(
            err(&["codegen", "--spec=a.json"]),
            "codegen: write `--spec a.json`, not `--spec=a.json`"
        );
        assert_eq!(
            err(&["codegen", "--check=yes"]),
            "codegen: --check takes no value, but was given `--check=yes`"
        );
        assert!(err(&["help", "codegen", "bench"]).contains("help takes one COMMAND"));
    }

    #[test]
    fn unknown_commands_are_errors_listing_the_commands() {
        let list = "fetch-spec, check-spec, bump-spec, codegen, select, whole-api, bench, help";
        assert_eq!(
            err(&["frobnicate"]),
            format!(
                "unknown command `frobnicate`; the commands: {list} \
                 (`cargo xtask help` says what each does)"
            )
        );
        assert!(err(&["help", "frobnicate"]).starts_with("unknown command `frobnicate`"));
        assert!(err(&["report"]).starts_with("unknown command `report`"));
        assert_eq!(
            err(&["--root", "/r", "codegen"]),
            format!("`--root` before a command: run `cargo xtask COMMAND [FLAGS]`; the commands: {list}")
        );
    }

    #[test]
    fn removed_flags_and_bad_values_keep_their_errors() {
        for spec in COMMANDS.iter().filter(|s| s.name != "help") {
            let e = err(&[spec.name, "--api-version", "2024-06-20"]);
            assert!(e.starts_with("--api-version is gone"), "{e}");
            assert!(e.contains("`cargo xtask bump-spec --file PATH`"), "{e}");
        }
        for spec in [&FETCH_SPEC, &BUMP_SPEC, &CODEGEN, &WHOLE_API] {
            for bad in ["abc", &SHA[1..], &format!("{}g", &SHA[1..])] {
                assert_eq!(
                    err(&[spec.name, "--sha256", bad]),
                    format!("--sha256 takes 64 hex digits (a sha256), not `{bad}`")
                );
            }
            // Upper case is hex too; it is compared lower-cased.
            ok(&[spec.name, "--sha256", &SHA.to_ascii_uppercase()]);
        }
        for spec in [&FETCH_SPEC, &BUMP_SPEC] {
            for bad in [
                "stripe-sdk:spec.json",
                "stripe-sdk@0.3.0",
                "stripe-sdk@0.3.0:../x.json",
                "stripe-sdk@>=0.3:x.json",
            ] {
                let e = err(&[spec.name, "--crate", bad]);
                assert!(e.starts_with("--crate: "), "{e}");
                assert!(e.contains("NAME@VERSION:PATH"), "{e}");
            }
        }
    }

    #[test]
    fn help_is_asked_for_with_help_command_or_a_help_flag() {
        for spec in COMMANDS {
            let topic = Command::Help(Some(spec.name));
            assert_eq!(ok(&["help", spec.name]), topic);
            assert_eq!(ok(&[spec.name, "--help"]), topic);
            assert_eq!(ok(&[spec.name, "-h"]), topic);
            if let Some(f) = spec.flags.first() {
                // Help wins over the rest of the line, even a bad one.
                let mut args = vec![spec.name, f.name];
                if f.value.is_some() {
                    args.push(sample(f));
                }
                args.push("--help");
                assert_eq!(ok(&args), topic);
                assert_eq!(ok(&[spec.name, "--nonsense", "-h", "stray"]), topic);
            }
        }
        for args in [&[][..], &["help"], &["--help"], &["-h"]] {
            assert_eq!(ok(args), Command::Help(None));
        }
    }

    #[test]
    fn a_commands_help_has_its_usage_and_one_line_per_flag() {
        for spec in COMMANDS {
            let text = help(Some(spec.name));
            assert!(
                text.starts_with(&format!("cargo xtask {}\n\n", synopsis(spec))),
                "{text}"
            );
            for (args, _) in spec.usage {
                let form = format!("  cargo xtask {} {args}", spec.name);
                assert!(
                    text.lines().any(|l| l == form.trim_end()),
                    "{}: no usage line `{form}`",
                    spec.name
                );
            }
            for f in spec.flags {
                let lines: Vec<&str> = text
                    .lines()
                    .filter(|l| l.trim_start().starts_with(&format!("{} ", f.name)))
                    .collect();
                assert_eq!(lines.len(), 1, "{}: {} in {lines:?}", spec.name, f.name);
                assert!(lines[0].starts_with(&format!("  {}", flag_usage(f))));
                assert!(lines[0].ends_with(&format!("  {}", f.help)), "{}", lines[0]);
            }
            assert_eq!(text.contains("\nflags:\n"), !spec.flags.is_empty());
        }
        let codegen = help(Some("codegen"));
        assert!(
            codegen.contains("\n  --check        write nothing;"),
            "{codegen}"
        );
        assert!(
            codegen.contains("\n  --spec PATH    generate from"),
            "{codegen}"
        );
        assert!(codegen.contains("\n  cargo xtask codegen --spec PATH --sha256 HEX [--check]\n"));
    }

    /// The list of commands names every command with all of its flags on one line, which is
    /// the line tests/tests/workflow.rs finds CI's and the README's flags on.
    #[test]
    fn the_list_of_commands_names_every_flag() {
        let text = help(None);
        assert_eq!(help(Some("nonsense")), text);
        for spec in COMMANDS {
            let line = format!("  {}", synopsis(spec));
            assert!(text.lines().any(|l| l == line), "no `{line}` in\n{text}");
            for f in spec.flags {
                assert!(line.contains(&format!("[{}]", flag_usage(f))), "{line}");
            }
        }
        assert!(text.contains(
            "\n  codegen [--check] [--spec PATH] [--sha256 HEX] [--since PATH] [--report PATH] \
             [--out DIR] [--name NAME] [--root DIR]\n"
        ));
        assert!(text.contains("\n  help [COMMAND]\n"));
    }

    /// The usage lines of each command's help parse (placeholders filled in), so they cannot
    /// show a flag the command refuses.
    #[test]
    fn every_usage_line_parses() {
        for spec in COMMANDS {
            for (args, _) in spec.usage {
                let mut line = vec![spec.name.to_owned()];
                for word in args.split_whitespace() {
                    let word = word.trim_matches(|c| c == '[' || c == ']');
                    let arg = match line.last().map(String::as_str) {
                        _ if word.starts_with("--") => word,
                        Some("--sha256") => SHA,
                        Some("--crate") => KRATE,
                        Some("--only") if spec.name == "whole-api" => "billing",
                        Some("--only") => "codegen",
                        _ if spec.name == "help" => "codegen",
                        _ => word,
                    };
                    line.push(arg.to_owned());
                }
                let words: Vec<&str> = line.iter().map(String::as_str).collect();
                ok(&words);
            }
        }
    }

    #[test]
    fn the_bench_help_names_every_section() {
        let only = BENCH.flags.iter().find(|f| f.name == "--only").unwrap();
        let named: Vec<&str> = only
            .help
            .trim_start_matches("run one section: ")
            .split([',', ' '])
            .filter(|w| !w.is_empty() && *w != "or")
            .collect();
        assert_eq!(named, crate::bench::SECTIONS);
    }

    #[test]
    fn tables_are_consistent() {
        let mut names: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), COMMANDS.len(), "a command is listed twice");
        for spec in COMMANDS {
            assert!(!spec.usage.is_empty(), "{} has no usage", spec.name);
            let mut flags: Vec<&str> = spec.flags.iter().map(|f| f.name).collect();
            flags.sort_unstable();
            flags.dedup();
            assert_eq!(flags.len(), spec.flags.len(), "{}: a flag twice", spec.name);
            for f in spec.flags {
                assert!(f.name.starts_with("--") && !f.help.is_empty(), "{f:?}");
                assert!(!GONE.iter().any(|(g, _)| *g == f.name), "{f:?}");
                if let Some(v) = f.value {
                    assert!(!v.starts_with('-'), "{f:?}");
                }
            }
            // Every subcommand shows in a usage line, with what follows it.
            for sub in spec.subcommands {
                let form = format!("{} {}", sub.name, sub.operands);
                assert!(
                    spec.usage.iter().any(|(u, _)| u.starts_with(&form)),
                    "{}: no usage line starts with `{form}`",
                    spec.name
                );
            }
            // Every flag shows in some usage line but --root, which every command takes.
            for f in spec.flags.iter().filter(|f| f.name != "--root") {
                assert!(
                    spec.usage.iter().any(|(u, _)| u
                        .split_whitespace()
                        .any(|w| w.trim_matches(|c| c == '[' || c == ']') == f.name)),
                    "{}: no usage line shows {}",
                    spec.name,
                    f.name
                );
            }
        }
    }
}
