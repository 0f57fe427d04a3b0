//! `asl-lsp check` and `asl-lsp policy`: the core over files on disk.

use std::path::PathBuf;

mod check;
mod load;
mod output;
mod policy;

pub use check::check;
pub use policy::policy;

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files and folders to check (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Apply every finding's preferred fix, then report what remains.
    #[arg(long)]
    pub fix: bool,
    /// Use this .asl-lsp.json instead of looking for one.
    #[arg(long)]
    pub config: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct PolicyArgs {
    /// The state machine definition.
    pub definition: PathBuf,
    #[arg(long, value_enum, default_value_t = PolicyFormat::Json)]
    pub format: PolicyFormat,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyFormat {
    Json,
}

/// Exit codes of SPEC §5.
pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
