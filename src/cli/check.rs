//! `asl-lsp check`.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;

use crate::cli::{load, output, CheckArgs, Format, EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE};
use crate::core::analyze;
use crate::core::diagnostic::{apply_edits, FileEdit, Severity};
use crate::core::files::{FileId, FileSet};
use crate::core::text::TextRange;

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

/// Applies preferred fixes round by round (non-overlapping edits only in one
/// round), writes the changed files, and returns how many fixes it applied.
fn fix_all(files: &mut FileSet) -> Result<usize, String> {
    let mut applied = 0;
    let mut changed: BTreeSet<String> = BTreeSet::new();
    for _ in 0..FIX_ROUNDS {
        let analysis = analyze(files, None);
        let mut taken: Vec<(FileId, TextRange)> = Vec::new();
        let mut edits: Vec<FileEdit> = Vec::new();
        let mut created = BTreeSet::new();
        for finding in &analysis.findings {
            let Some(fix) = finding.fixes.iter().find(|f| f.preferred) else {
                continue;
            };
            let overlaps = fix.edits.iter().any(|e| match e {
                FileEdit::Replace { file, range, .. } => taken
                    .iter()
                    .any(|(f, r)| f == file && r.start <= range.end && range.start <= r.end),
                FileEdit::Create { path, .. } => created.contains(path) || files.lookup(path).is_some(),
            });
            if overlaps {
                continue;
            }
            for edit in &fix.edits {
                match edit {
                    FileEdit::Replace { file, range, .. } => taken.push((*file, *range)),
                    FileEdit::Create { path, .. } => {
                        created.insert(path.clone());
                    }
                }
            }
            edits.extend(fix.edits.iter().cloned());
            applied += 1;
        }
        if edits.is_empty() {
            break;
        }
        let touched: BTreeSet<FileId> = edits
            .iter()
            .filter_map(|e| match e {
                FileEdit::Replace { file, .. } => Some(*file),
                FileEdit::Create { .. } => None,
            })
            .collect();
        for file in touched {
            let text = apply_edits(files.text(file), file, &edits);
            let path = files.path(file).to_string();
            files.insert(&path, text, None);
            changed.insert(path);
        }
        for edit in &edits {
            if let FileEdit::Create { path, text } = edit {
                files.insert(path, text.clone(), None);
                changed.insert(path.clone());
            }
        }
    }
    for path in changed {
        let id = files.lookup(&path).expect("changed files are in the set");
        std::fs::write(&path, files.text(id).as_bytes()).map_err(|e| format!("cannot write {path}: {e}"))?;
    }
    Ok(applied)
}
