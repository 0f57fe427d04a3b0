//! The three output formats of `check`. JSON is exactly what the server
//! publishes (the same conversion), plus `uri` and `fixes`.

use std::io::{self, IsTerminal, Write};

use serde_json::{json, Value};

use crate::core::diagnostic::{Finding, Severity};
use crate::core::files::FileSet;
use crate::core::rules;
use crate::protocol::to_lsp::{diagnostic, Positions};
use crate::protocol::{Encoding, LineIndex};

fn display_path(path: &str) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| {
            let cwd = cwd.to_string_lossy().replace('\\', "/");
            path.strip_prefix(&format!("{cwd}/")).map(str::to_string)
        })
        .unwrap_or_else(|| path.to_string())
}

/// Compiler-style text: `path:line:col: severity[rule]: message`, the
/// source line, a caret run under the range, and the fix title.
pub fn text(out: &mut impl Write, files: &FileSet, findings: &[Finding]) -> io::Result<()> {
    let color = io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let paint = |code: &str, text: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    for finding in findings {
        let file = finding.location.file;
        let source = files.text(file);
        let index = LineIndex::new(source);
        let (line, col) = index.position(source, finding.location.range.start(), Encoding::Utf16);
        let (end_line, end_col) = index.position(source, finding.location.range.end(), Encoding::Utf16);
        let (label, code) = match finding.severity {
            Severity::Error => ("error", "1;31"),
            Severity::Warning => ("warning", "1;33"),
            Severity::Info => ("info", "1;36"),
            Severity::Hint => ("hint", "1;32"),
        };
        writeln!(
            out,
            "{}:{}:{}: {}[{}]: {}",
            display_path(files.path(file)),
            line + 1,
            col + 1,
            paint(code, label),
            finding.rule,
            finding.message
        )?;
        let line_start = index.offset(source, line, 0, Encoding::Utf8);
        let line_end = index.offset(source, line, u32::MAX, Encoding::Utf8);
        let source_line = &source[line_start..line_end];
        let width = if end_line == line {
            (end_col - col).max(1)
        } else {
            1
        };
        let (shown, pad, carets) = frame(source_line, col, width);
        writeln!(out, "  | {shown}")?;
        writeln!(out, "  | {pad}{}", paint(code, &"^".repeat(carets)))?;
        for fix in finding.fixes.iter().filter(|f| f.preferred) {
            writeln!(out, "  = fix: {}", fix.title)?;
        }
    }
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    let warnings = findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .count();
    let others = findings.len() - errors - warnings;
    writeln!(
        out,
        "{errors} error(s), {warnings} warning(s), {others} other finding(s)"
    )?;
    Ok(())
}

/// At most this many characters of a source line are shown: a longer line
/// (a minified document) is cut around the finding, the cuts marked `…`.
const FRAME_CHARS: usize = 120;
/// How much of a cut line is shown before the finding.
const FRAME_LEAD: usize = 40;

/// The line as shown, the padding up to the finding and how many carets
/// mark it. `col` and `width` count UTF-16 units, as finding positions do.
fn frame(line: &str, col: u32, width: u32) -> (String, String, usize) {
    let mut starts = Vec::new();
    let mut units = 0u32;
    for c in line.chars() {
        starts.push((units, c));
        units += c.len_utf16() as u32;
    }
    let blank = |c: char| if c == '\t' { '\t' } else { ' ' };
    if starts.len() <= FRAME_CHARS {
        let pad: String = starts
            .iter()
            .take_while(|(u, _)| *u < col)
            .map(|&(_, c)| blank(c))
            .collect();
        return (line.to_string(), pad, width as usize);
    }
    let first = starts.partition_point(|(u, _)| *u < col);
    let last = starts.partition_point(|(u, _)| *u < col + width);
    let lo = first.saturating_sub(FRAME_LEAD);
    let hi = (lo + FRAME_CHARS).min(starts.len());
    let mut shown = String::new();
    let mut pad = String::new();
    if lo > 0 {
        shown.push('…');
        pad.push(' ');
    }
    shown.extend(starts[lo..hi].iter().map(|&(_, c)| c));
    pad.extend(starts[lo..first.min(hi)].iter().map(|&(_, c)| blank(c)));
    if hi < starts.len() {
        shown.push('…');
    }
    let carets = last.min(hi).saturating_sub(first).max(1);
    (shown, pad, carets)
}

/// The LSP diagnostics, each with `uri` and `fixes`.
pub fn json_values(files: &FileSet, findings: &[Finding]) -> Vec<Value> {
    let positions = Positions::new(files, Encoding::Utf16);
    findings
        .iter()
        .map(|finding| {
            let mut value = diagnostic(finding, &positions);
            let fixes = value
                .get("data")
                .and_then(|d| d.get("fixes"))
                .cloned()
                .unwrap_or_else(|| json!([]));
            value["uri"] = json!(positions.uri(finding.location.file));
            value["fixes"] = fixes;
            value
        })
        .collect()
}

pub fn json(out: &mut impl Write, files: &FileSet, findings: &[Finding]) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &json_values(files, findings))?;
    writeln!(out)
}

/// SARIF 2.1.0 with UTF-16 columns and the fixes as SARIF fixes.
pub fn sarif(out: &mut impl Write, files: &FileSet, findings: &[Finding]) -> io::Result<()> {
    let positions = Positions::new(files, Encoding::Utf16);
    let region = |file, range| {
        let r = positions.range(file, range);
        json!({
            "startLine": r["start"]["line"].as_u64().unwrap_or(0) + 1,
            "startColumn": r["start"]["character"].as_u64().unwrap_or(0) + 1,
            "endLine": r["end"]["line"].as_u64().unwrap_or(0) + 1,
            "endColumn": r["end"]["character"].as_u64().unwrap_or(0) + 1,
        })
    };
    let all_rules = rules::all();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let level = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info | Severity::Hint => "note",
            };
            let fixes: Vec<Value> = f
                .fixes
                .iter()
                .map(|fix| {
                    let mut changes: Vec<Value> = Vec::new();
                    for edit in &fix.edits {
                        match edit {
                            crate::core::diagnostic::FileEdit::Replace { file, range, new_text } => {
                                changes.push(json!({
                                    "artifactLocation": {"uri": positions.uri(*file)},
                                    "replacements": [{"deletedRegion": region(*file, *range), "insertedContent": {"text": new_text}}],
                                }))
                            }
                            crate::core::diagnostic::FileEdit::Create { path, text } => changes.push(json!({
                                "artifactLocation": {"uri": crate::protocol::uri::from_path(path)},
                                "replacements": [{"deletedRegion": {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1}, "insertedContent": {"text": text}}],
                            })),
                        }
                    }
                    json!({"description": {"text": fix.title}, "artifactChanges": changes})
                })
                .collect();
            let mut result = json!({
                "ruleId": f.rule,
                "ruleIndex": all_rules.iter().position(|r| r.id == f.rule),
                "level": level,
                "message": {"text": f.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": positions.uri(f.location.file)},
                    "region": region(f.location.file, f.location.range),
                }}],
            });
            if !f.related.is_empty() {
                result["relatedLocations"] = f
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        json!({
                            "id": i,
                            "message": {"text": r.message},
                            "physicalLocation": {
                                "artifactLocation": {"uri": positions.uri(r.location.file)},
                                "region": region(r.location.file, r.location.range),
                            },
                        })
                    })
                    .collect();
            }
            if !fixes.is_empty() {
                result["fixes"] = json!(fixes);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "asl-lsp",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/asl-lsp/asl-lsp",
                "rules": all_rules.iter().map(|r| json!({
                    "id": r.id,
                    "shortDescription": {"text": r.summary},
                    "helpUri": rules::docs_url(r.id),
                    "defaultConfiguration": {"level": match r.default_severity {
                        Severity::Error => "error",
                        Severity::Warning => "warning",
                        _ => "note",
                    }},
                })).collect::<Vec<_>>(),
            }},
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::frame;

    #[test]
    fn a_long_line_is_cut_around_the_finding() {
        let line = format!("{}\"Resource\": \"*\"{}", "a".repeat(500), "b".repeat(500));
        let (shown, pad, carets) = frame(&line, 512, 3);
        assert_eq!(
            shown,
            format!("…{}\"Resource\": \"*\"{}…", "a".repeat(28), "b".repeat(77))
        );
        assert_eq!(pad, " ".repeat(1 + 40));
        assert_eq!(carets, 3);
        // A short line is shown whole, the carets as wide as the finding.
        assert_eq!(frame("\tab", 1, 2), ("\tab".to_string(), "\t".to_string(), 2));
    }
}
