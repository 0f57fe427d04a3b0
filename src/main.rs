/// mimalloc 3: a third of the analysis thread's time went to glibc's
/// malloc/free (many small tree and permission strings per run); version 3
/// returns memory eagerly, so the server stays near glibc's footprint.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use asl_lsp::cli;

/// Language server and checker for AWS Step Functions state machines and
/// the IAM roles that run them.
#[derive(Parser)]
#[command(name = "asl-lsp", version, about)]
struct Args {
    /// Speak LSP over stdin/stdout (the default with no subcommand).
    #[arg(long)]
    stdio: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Check definitions and their roles; exit 1 when an error is found.
    Check(cli::CheckArgs),
    /// Print the least-privilege role policy of a definition, or of each state
    /// machine of a template or Terraform module.
    Policy(cli::PolicyArgs),
    /// Print a rule's documentation.
    Rule(cli::RuleArgs),
    /// List the rules with a one-line summary each.
    Rules,
}

fn main() -> ExitCode {
    asl_lsp::configure_threads();
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(err) => {
            let _ = err.print();
            return match err.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(2),
            };
        }
    };
    match args.command {
        None => {
            asl_lsp::server::run();
            ExitCode::SUCCESS
        }
        Some(Command::Check(check)) => ExitCode::from(cli::check(&check)),
        Some(Command::Policy(policy)) => ExitCode::from(cli::policy(&policy)),
        Some(Command::Rule(rule)) => ExitCode::from(cli::rule(&rule)),
        Some(Command::Rules) => ExitCode::from(cli::rules()),
    }
}
