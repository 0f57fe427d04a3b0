//! `asl-lsp check`, `policy`, `rule` and `rules`: the core over files on disk.

use std::path::PathBuf;

mod check;
mod load;
pub mod output;
mod policy;
mod policy_format;
pub(crate) mod rules;
mod select;
mod stdin;

pub use check::check;
pub use policy::policy;
pub use rules::{rule, rules};

#[derive(clap::Args, Debug, Default)]
pub struct CheckArgs {
    /// Files and folders to check (default: the current folder); `-` is
    /// standard input, checked as the file --stdin-filename names.
    pub paths: Vec<PathBuf>,
    /// The path the document on standard input is checked as: linked to
    /// the files beside it, reported under its name. With --fix the fixed
    /// document goes to standard output and the report to standard error.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Apply the safe preferred fixes, then report what remains.
    #[arg(long)]
    pub fix: bool,
    /// With --fix or --diff: also the unsafe fixes (removing a permission,
    /// inserting states, creating a file).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes --fix would apply as a unified diff; write nothing.
    #[arg(long)]
    pub diff: bool,
    /// Report only these rules or groups (`asl`, `iam`), comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not report these rules or groups, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Report findings of at least this severity.
    #[arg(long, value_enum)]
    pub severity: Option<Level>,
    /// After the findings, print how many there are of each rule.
    #[arg(long)]
    pub statistics: bool,
    /// Print the findings only: no summary line, no notes on stderr.
    #[arg(long)]
    pub quiet: bool,
    /// Exit 0 even when an error is found (usage errors still exit 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Write the report to this file instead of stdout.
    #[arg(long)]
    pub output_file: Option<PathBuf>,
    /// Colour the text output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Use exactly this configuration file (no `.asl-lsp.json` discovery).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Skip files and folders matching this glob (repeatable).
    #[arg(long)]
    pub exclude: Vec<String>,
}

#[derive(clap::Args, Debug)]
pub struct PolicyArgs {
    /// A state machine definition, a template, a Terraform file, or a
    /// folder (a Terraform module): a template or folder gets one policy
    /// per state machine, keyed by its logical id or resource address.
    pub definition: PathBuf,
    #[arg(long, value_enum, default_value_t = PolicyFormat::Json)]
    pub format: PolicyFormat,
}

#[derive(clap::Args, Debug)]
pub struct RuleArgs {
    /// The rule id, e.g. `unscoped-lambda-invoke`.
    pub name: String,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
    Sarif,
    /// GitHub Actions workflow annotations.
    Github,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Hint,
    Info,
    Warning,
    Error,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Color {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyFormat {
    Json,
    /// A CloudFormation `PolicyDocument` (template values as `!Sub`).
    Yaml,
    /// Terraform `data "aws_iam_policy_document"` blocks.
    Hcl,
}

/// Exit codes of SPEC §5.
pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
