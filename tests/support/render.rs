//! Renders findings and fixes for humans: the form rule snapshots take.

use std::fmt::Write;

use asl_lsp::core::diagnostic::{apply_edits, FileEdit, Finding};
use asl_lsp::core::files::{FileId, FileSet};
use asl_lsp::protocol::{Encoding, LineIndex};

/// `path:line:col [severity] rule message`, a code frame with carets under
/// the exact range (1-based lines, UTF-16 columns), related locations, and
/// each fix as a unified diff.
pub fn render(files: &FileSet, findings: &[Finding], root: &str) -> String {
    let mut out = String::new();
    for finding in findings {
        let file = finding.location.file;
        let text = files.text(file);
        let index = LineIndex::new(text);
        let (line, col) = index.position(text, finding.location.range.start(), Encoding::Utf16);
        let (end_line, end_col) = index.position(text, finding.location.range.end(), Encoding::Utf16);
        writeln!(
            out,
            "{}:{}:{} [{}] {}: {}",
            short(files.path(file), root),
            line + 1,
            col + 1,
            finding.severity.as_str(),
            finding.rule,
            finding.message
        )
        .unwrap();
        let source_line = text.lines().nth(line as usize).unwrap_or("");
        writeln!(out, "  | {source_line}").unwrap();
        let width = if end_line == line {
            (end_col - col).max(1)
        } else {
            1
        };
        writeln!(
            out,
            "  | {}{}{}",
            " ".repeat(col as usize),
            "^".repeat(width as usize),
            if end_line > line {
                format!(" (to {}:{})", end_line + 1, end_col + 1)
            } else {
                String::new()
            }
        )
        .unwrap();
        for related in &finding.related {
            let rtext = files.text(related.location.file);
            let rindex = LineIndex::new(rtext);
            let (rl, rc) = rindex.position(rtext, related.location.range.start(), Encoding::Utf16);
            writeln!(
                out,
                "  = related {}:{}:{}: {}",
                short(files.path(related.location.file), root),
                rl + 1,
                rc + 1,
                related.message
            )
            .unwrap();
        }
        for fix in &finding.fixes {
            writeln!(
                out,
                "  fix{}: {}",
                if fix.preferred { " (preferred)" } else { "" },
                fix.title
            )
            .unwrap();
            out.push_str(&indent(&fix_diff(files, &fix.edits, root), "    "));
        }
        out.push('\n');
    }
    if findings.is_empty() {
        out.push_str("(no findings)\n");
    }
    out
}

pub fn fix_diff(files: &FileSet, edits: &[FileEdit], root: &str) -> String {
    let mut out = String::new();
    let mut touched: Vec<FileId> = Vec::new();
    for edit in edits {
        match edit {
            FileEdit::Replace { file, .. } if !touched.contains(file) => touched.push(*file),
            FileEdit::Create { path, text } => {
                writeln!(out, "+++ new file {}", short(path, root)).unwrap();
                for line in text.lines() {
                    writeln!(out, "+{line}").unwrap();
                }
            }
            _ => {}
        }
    }
    for file in touched {
        let before = files.text(file);
        let after = apply_edits(before, file, edits);
        let path = short(files.path(file), root);
        let diff = similar::TextDiff::from_lines(before, after.as_str());
        out.push_str(
            &diff
                .unified_diff()
                .context_radius(2)
                .header(&format!("a/{path}"), &format!("b/{path}"))
                .to_string(),
        );
    }
    out
}

fn short<'a>(path: &'a str, root: &str) -> &'a str {
    path.strip_prefix(root)
        .map(|p| p.trim_start_matches('/'))
        .unwrap_or(path)
}

fn indent(text: &str, prefix: &str) -> String {
    text.lines().map(|l| format!("{prefix}{l}\n")).collect()
}
