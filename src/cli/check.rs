//! `asl-lsp check`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;

use crate::cli::select::Selection;
use crate::cli::{load, output, stdin, CheckArgs, Format, EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE};
use crate::core::autofix::{self, FixScope};
use crate::core::classify::FileKind;
use crate::core::diagnostic::{Finding, Location, Severity};
use crate::core::files::{join, parent_dir, FileId, FileSet};
use crate::core::rules;
use crate::core::syntax::Node;
use crate::core::workspace::Workspace;

/// How many rounds `--fix` runs: one fix can make room for another.
const FIX_ROUNDS: usize = 8;

pub fn check(args: &CheckArgs) -> u8 {
    match run(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("asl-lsp: {message}");
            EXIT_USAGE
        }
    }
}

fn run(args: &CheckArgs) -> Result<u8, String> {
    let selection = Selection::new(&args.select, &args.ignore, args.severity)?;
    let stdin = stdin::document(args)?;
    let paths = match &stdin {
        Some(document) => vec![document.path.clone()],
        None if args.paths.is_empty() => vec![load::absolute(Path::new("."))?],
        None => args
            .paths
            .iter()
            .map(|p| load::absolute(p))
            .collect::<Result<Vec<_>, _>>()?,
    };
    let config = args.config.as_deref().map(load::absolute).transpose()?;
    let loaded = load::load_with(&paths, config.as_deref(), &args.exclude, stdin.as_ref())?;
    // Standard input's document is the only one a fix may edit: the files
    // on disk are context, and nothing is written.
    let piped = stdin
        .as_ref()
        .and_then(|s| loaded.files.lookup(&load::path_string(&s.path)));
    if !args.quiet {
        for (path, reason) in &loaded.skipped {
            eprintln!("asl-lsp: skipped {}: {reason}", output::display_path(path));
        }
    }
    let mut files = loaded.files.clone();
    if args.fix || args.diff {
        let scope = FixScope {
            focus: Some(loaded.focus.clone()),
            unsafe_fixes: args.unsafe_fixes,
            read_only: match piped {
                Some(doc) => loaded.files.ids().filter(|&id| id != doc).collect(),
                None => loaded.read_only.clone(),
            },
            rules: Some(
                rules::all()
                    .into_iter()
                    .map(|r| r.id)
                    .filter(|id| selection.keeps_rule(id))
                    .collect(),
            ),
            may_create: Some(if piped.is_some() {
                |_: &str| false
            } else {
                |path: &str| std::fs::symlink_metadata(path).is_err()
            }),
        };
        let (count, changed) = autofix::apply(&mut files, FIX_ROUNDS, &scope);
        if args.diff {
            let mut diff = String::new();
            for path in &changed {
                let before = loaded
                    .files
                    .lookup(path)
                    .map(|id| loaded.files.text(id))
                    .unwrap_or("");
                let after = files.lookup(path).map(|id| files.text(id)).unwrap_or("");
                diff.push_str(&output::unified_diff(&output::display_path(path), before, after));
            }
            write_report(args, diff.as_bytes())?;
            if !args.quiet {
                eprintln!("asl-lsp: {count} fix(es) would be applied");
            }
            // Like a formatter's check mode: a change to show fails the run.
            return Ok(if diff.is_empty() || args.exit_zero {
                EXIT_CLEAN
            } else {
                EXIT_FINDINGS
            });
        }
        match piped {
            Some(doc) => write_stdout(files.text(doc).as_bytes())?,
            None => write_fixes(&loaded.files, &files, &changed)?,
        }
        if !args.quiet {
            eprintln!("asl-lsp: applied {count} fix(es)");
        }
    }
    let analysis = crate::core::analyze(&files, Some(&loaded.focus));
    let mut findings = analysis.findings;
    findings.extend(outside_findings(&files, &loaded.outside));
    findings.retain(|f| selection.keeps(f));
    sort(&files, &mut findings);
    if findings.is_empty() && !has_input(&files, &loaded.focus) {
        if !args.quiet {
            eprintln!("asl-lsp: nothing to check: no state machine definition, policy or template found");
        }
        return Ok(EXIT_CLEAN);
    }
    let mut report: Vec<u8> = Vec::new();
    let color = output::use_color(args.color, args.output_file.is_none());
    let written = match args.format {
        Format::Text => output::text(&mut report, &files, &findings, color, args.quiet),
        Format::Json => output::json(&mut report, &files, &findings),
        Format::Sarif => output::sarif(&mut report, &files, &findings, &loaded.root, &loaded.skipped),
        Format::Github => output::github(&mut report, &files, &findings),
    };
    written.map_err(|e| e.to_string())?;
    if args.statistics {
        output::statistics(&mut report, &findings).map_err(|e| e.to_string())?;
    }
    if piped.is_some() && args.fix && args.output_file.is_none() {
        // Standard output holds the fixed document.
        if !args.quiet {
            std::io::stderr().write_all(&report).map_err(|e| e.to_string())?;
        }
    } else {
        write_report(args, &report)?;
    }
    if !args.exit_zero && findings.iter().any(|f| f.severity == Severity::Error) {
        Ok(EXIT_FINDINGS)
    } else {
        Ok(EXIT_CLEAN)
    }
}

fn write_report(args: &CheckArgs, report: &[u8]) -> Result<(), String> {
    match &args.output_file {
        Some(path) => {
            std::fs::write(path, report).map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
        None => write_stdout(report),
    }
}

fn write_stdout(bytes: &[u8]) -> Result<(), String> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(bytes)
        .and_then(|_| out.flush())
        .map_err(|e| e.to_string())
}

/// Writes what the fixes changed: only files that were read whole and are
/// not links; a new file only where nothing (not even a dangling link) is.
fn write_fixes(before: &FileSet, after: &FileSet, changed: &BTreeSet<String>) -> Result<(), String> {
    for path in changed {
        let Some(id) = after.lookup(path) else { continue };
        let text = after.text(id);
        let link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        if link {
            eprintln!(
                "asl-lsp: not writing {}: it is a symbolic link",
                output::display_path(path)
            );
            continue;
        }
        if before.lookup(path).is_some() {
            std::fs::write(path, text.as_bytes()).map_err(|e| format!("cannot write {path}: {e}"))?;
        } else {
            let created = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(Path::new(path))
                .and_then(|mut f| f.write_all(text.as_bytes()));
            if let Err(e) = created {
                eprintln!("asl-lsp: not creating {}: {e}", output::display_path(path));
            }
        }
    }
    Ok(())
}

/// Whether a focus file is a definition, a policy or a template.
fn has_input(files: &FileSet, focus: &[FileId]) -> bool {
    let workspace = Workspace::new(files);
    focus.iter().any(|&id| {
        matches!(
            workspace.kind(id),
            FileKind::Definition(_) | FileKind::Policy | FileKind::Template(_) | FileKind::Terraform
        )
    })
}

/// Path, line, column, rule: the order of every output.
fn sort(files: &FileSet, findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let key = |f: &Finding| {
            (
                files.path(f.location.file).to_string(),
                f.location.range.start(),
                f.rule,
                f.location.range.end(),
                f.message.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
}

/// `invalid-config` on each config path that points outside the project
/// root; the path's target is not read.
fn outside_findings(files: &FileSet, outside: &[(FileId, String)]) -> Vec<Finding> {
    let mut by_config: BTreeMap<FileId, BTreeSet<&str>> = BTreeMap::new();
    for (config, path) in outside {
        by_config.entry(*config).or_default().insert(path);
    }
    let mut out = Vec::new();
    for (config, paths) in by_config {
        let parsed = crate::core::syntax::json::parse(files.text(config));
        let Some(root) = parsed.root else { continue };
        let dir = parent_dir(files.path(config)).to_string();
        let mut values: Vec<&Node> = Vec::new();
        for entry in root.get("stateMachines").map(Node::elements).unwrap_or(&[]) {
            values.extend(entry.get("definition"));
            values.extend(entry.get("trustPolicy"));
            values.extend(entry.get("policies").map(Node::elements).unwrap_or(&[]));
        }
        for node in values {
            let Some(text) = node.as_str() else { continue };
            if paths.contains(join(&dir, text).as_str()) {
                out.push(Finding::new(
                    rules::syntax::CONFIG.id,
                    rules::syntax::CONFIG.default_severity,
                    Location {
                        file: config,
                        range: node.span,
                    },
                    "This path is outside the project root: it is not read",
                ));
            }
        }
    }
    out
}
