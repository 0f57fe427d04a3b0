//! `asl-lsp check`.

use std::io::Write;
use std::path::PathBuf;

use crate::cli::{load, output, CheckArgs, Format, EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE};
use crate::core::analyze;
use crate::core::diagnostic::Severity;
use crate::core::files::FileSet;

/// How many rounds `--fix` runs: one fix can make room for another.
const FIX_ROUNDS: usize = 8;

pub fn check(args: &CheckArgs) -> u8 {
    let requested: Vec<PathBuf> = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut paths = Vec::new();
    for path in &requested {
        match load::absolute(path) {
            Ok(p) => paths.push(p),
            Err(message) => {
                eprintln!("asl-lsp: {message}");
                return EXIT_USAGE;
            }
        }
    }
    let config = match &args.config {
        Some(c) => match load::absolute(c) {
            Ok(p) => Some(p),
            Err(message) => {
                eprintln!("asl-lsp: {message}");
                return EXIT_USAGE;
            }
        },
        None => None,
    };
    let loaded = match load::load(&paths, config.as_deref()) {
        Ok(l) => l,
        Err(message) => {
            eprintln!("asl-lsp: {message}");
            return EXIT_USAGE;
        }
    };
    for warning in &loaded.warnings {
        eprintln!("asl-lsp: {warning}");
    }
    let mut files = loaded.files;
    if args.fix {
        match fix_all(&mut files) {
            Ok(count) => eprintln!("asl-lsp: applied {count} fix(es)"),
            Err(message) => {
                eprintln!("asl-lsp: {message}");
                return EXIT_USAGE;
            }
        }
    }
    let analysis = analyze(&files, None);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = match args.format {
        Format::Text => output::text(&mut out, &files, &analysis.findings),
        Format::Json => output::json(&mut out, &files, &analysis.findings),
        Format::Sarif => output::sarif(&mut out, &files, &analysis.findings),
    };
    if written.and_then(|_| out.flush()).is_err() {
        return EXIT_USAGE;
    }
    if analysis.findings.iter().any(|f| f.severity == Severity::Error) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// Applies preferred fixes (see `core::autofix`), writes the changed files,
/// and returns how many fixes it applied.
fn fix_all(files: &mut FileSet) -> Result<usize, String> {
    let (applied, changed) = crate::core::autofix::apply_preferred(files, FIX_ROUNDS);
    for path in changed {
        let id = files.lookup(&path).expect("changed files are in the set");
        std::fs::write(&path, files.text(id).as_bytes()).map_err(|e| format!("cannot write {path}: {e}"))?;
    }
    Ok(applied)
}
