//! The three output formats of `check`. JSON is exactly what the server
//! publishes (the same conversion), plus `uri` and `fixes`.

use std::io::{self, IsTerminal, Write};

use serde_json::{json, Value};

use crate::cli::Color;
use crate::core::diagnostic::{Finding, Location, Severity};
use crate::core::files::FileSet;
use crate::core::rules;
use crate::protocol::to_lsp::{diagnostic, Positions};
use crate::protocol::{Encoding, LineIndex};

pub fn display_path(path: &str) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| {
            let cwd = cwd.to_string_lossy().replace('\\', "/");
            path.strip_prefix(&format!("{cwd}/")).map(str::to_string)
        })
        .unwrap_or_else(|| path.to_string())
}

/// `--color`: `auto` colours a terminal unless `NO_COLOR` is set (and not
/// empty); `FORCE_COLOR` (not empty) colours anything; the flag's
/// `always`/`never` win over both.
pub fn use_color(flag: Color, to_stdout: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    match flag {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            if set("NO_COLOR") {
                false
            } else if set("FORCE_COLOR") {
                true
            } else {
                to_stdout && io::stdout().is_terminal()
            }
        }
    }
}

/// Each file's line index, built once however many findings it has.
struct Indexes<'f> {
    files: &'f FileSet,
    built: std::collections::HashMap<crate::core::files::FileId, LineIndex>,
}

impl<'f> Indexes<'f> {
    fn new(files: &'f FileSet) -> Self {
        Indexes {
            files,
            built: Default::default(),
        }
    }

    fn of(&mut self, file: crate::core::files::FileId) -> &LineIndex {
        let files = self.files;
        self.built
            .entry(file)
            .or_insert_with(|| LineIndex::new(files.text(file)))
    }

    /// 1-based line and column (UTF-16) of a finding's start and end.
    fn span(&mut self, location: &Location) -> ((u32, u32), (u32, u32)) {
        let source = self.files.text(location.file);
        let index = self.of(location.file);
        let (line, col) = index.position(source, location.range.start(), Encoding::Utf16);
        let (end_line, end_col) = index.position(source, location.range.end(), Encoding::Utf16);
        ((line + 1, col + 1), (end_line + 1, end_col + 1))
    }
}

/// The same finding reported on the other file (the task and the
/// statement): same rule and message, another file, pointing at it.
fn twin_of(a: &Finding, b: &Finding) -> bool {
    a.rule == b.rule
        && a.message == b.message
        && a.location.file != b.location.file
        && (a.related.iter().any(|r| r.location == b.location)
            || b.related.iter().any(|r| r.location == a.location))
}

/// Compiler-style text: `path:line:col: severity[rule]: message`, the
/// source line, a caret run under the range, the fix title, and where its
/// twin on the other file is. A finding and its twin count once.
pub fn text(
    out: &mut impl Write,
    files: &FileSet,
    findings: &[Finding],
    color: bool,
    quiet: bool,
) -> io::Result<()> {
    let paint = |code: &str, text: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    let mut shown: Vec<&Finding> = Vec::new();
    let mut printed = vec![false; findings.len()];
    let mut indexes = Indexes::new(files);
    // Twins share rule and message, and one points at the other: each
    // finding looks only at the findings where its related locations are
    // and at those whose related locations are where it is.
    type Key<'a> = (&'a str, &'a str, Location);
    let mut at: std::collections::HashMap<Key, Vec<usize>> = Default::default();
    let mut pointing: std::collections::HashMap<Key, Vec<usize>> = Default::default();
    for (i, f) in findings.iter().enumerate() {
        at.entry((f.rule, f.message.as_str(), f.location))
            .or_default()
            .push(i);
        for r in &f.related {
            pointing
                .entry((f.rule, f.message.as_str(), r.location))
                .or_default()
                .push(i);
        }
    }
    for (i, finding) in findings.iter().enumerate() {
        if printed[i] {
            continue;
        }
        printed[i] = true;
        shown.push(finding);
        let file = finding.location.file;
        let source = files.text(file);
        let ((line, col), (end_line, _)) = indexes.span(&finding.location);
        let index = indexes.of(file);
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
            line,
            col,
            paint(code, label),
            finding.rule,
            finding.message
        )?;
        let line_start = index.offset(source, line - 1, 0, Encoding::Utf8);
        let line_end = index.offset(source, line - 1, u32::MAX, Encoding::Utf8);
        let source_line = &source[line_start..line_end];
        let start_in_line = finding.location.range.start().saturating_sub(line_start);
        // A finding over several lines is marked at its start.
        let end_in_line = if end_line == line {
            finding.location.range.end().saturating_sub(line_start)
        } else {
            start_in_line
        };
        let (frame_text, pad, carets) = frame(source_line, start_in_line, end_in_line);
        writeln!(out, "  | {frame_text}")?;
        writeln!(out, "  | {pad}{}", paint(code, &"^".repeat(carets)))?;
        for fix in finding.fixes.iter().filter(|f| f.preferred) {
            let mark = if fix.safe { "" } else { " (unsafe)" };
            writeln!(out, "  = fix: {}{mark}", fix.title)?;
        }
        let key = |location| (finding.rule, finding.message.as_str(), location);
        let mut candidates: Vec<usize> = finding
            .related
            .iter()
            .filter_map(|r| at.get(&key(r.location)))
            .chain(pointing.get(&key(finding.location)))
            .flatten()
            .copied()
            .filter(|&j| j > i)
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        for j in candidates {
            let other = &findings[j];
            if !printed[j] && twin_of(finding, other) {
                printed[j] = true;
                let ((l, c), _) = indexes.span(&other.location);
                writeln!(
                    out,
                    "  = note: also at {}:{l}:{c}",
                    display_path(files.path(other.location.file))
                )?;
            }
        }
    }
    if quiet {
        return Ok(());
    }
    let errors = shown.iter().filter(|f| f.severity == Severity::Error).count();
    let warnings = shown.iter().filter(|f| f.severity == Severity::Warning).count();
    let others = shown.len() - errors - warnings;
    writeln!(
        out,
        "{errors} error(s), {warnings} warning(s), {others} other finding(s)"
    )?;
    Ok(())
}

/// GitHub Actions workflow commands, one annotation per finding:
/// `::error file=...,line=...,col=...,endLine=...,endColumn=...,title=RULE::message`.
pub fn github(out: &mut impl Write, files: &FileSet, findings: &[Finding]) -> io::Result<()> {
    // Workflow-command escaping: `%`, CR and LF everywhere; `,` and `:` in
    // properties too.
    let data = |t: &str| t.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    let property = |t: &str| data(t).replace(':', "%3A").replace(',', "%2C");
    let mut indexes = Indexes::new(files);
    for finding in findings {
        let ((line, col), (end_line, end_col)) = indexes.span(&finding.location);
        let command = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info | Severity::Hint => "notice",
        };
        writeln!(
            out,
            "::{command} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}",
            property(&display_path(files.path(finding.location.file))),
            property(finding.rule),
            data(&finding.message)
        )?;
    }
    Ok(())
}

/// `--statistics`: how many findings of each rule, most first.
pub fn statistics(out: &mut impl Write, findings: &[Finding]) -> io::Result<()> {
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for finding in findings {
        *counts.entry(finding.rule).or_default() += 1;
    }
    let mut rows: Vec<(&str, usize)> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (rule, count) in rows {
        writeln!(out, "{count:5}  {rule}")?;
    }
    Ok(())
}

/// A unified diff of one file (`--diff`); empty when nothing changed.
pub fn unified_diff(path: &str, before: &str, after: &str) -> String {
    if before == after {
        return String::new();
    }
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

/// At most this many characters of a source line are shown: a longer line
/// (a minified document) is cut around the finding, the cuts marked `…`.
const FRAME_CHARS: usize = 120;
/// How much of a cut line is shown before the finding.
const FRAME_LEAD: usize = 40;

/// The line as shown, the padding up to the finding and how many carets
/// mark it. `col` and `width` count UTF-16 units, as finding positions do.
fn frame(line: &str, start: usize, end: usize) -> (String, String, usize) {
    // Offsets into the line, on character boundaries; only a window around
    // the finding is ever walked (a minified file is one long line).
    let boundary = |mut i: usize| {
        i = i.min(line.len());
        while !line.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = boundary(start);
    let end = boundary(end.max(start));
    let blank = |c: char| if c == '\t' { '\t' } else { ' ' };
    if line.chars().take(FRAME_CHARS + 1).count() <= FRAME_CHARS {
        let pad: String = line[..start].chars().map(blank).collect();
        let carets = line[start..end].encode_utf16().count().max(1);
        return (line.to_string(), pad, carets);
    }
    let lo = line[..start]
        .char_indices()
        .rev()
        .take(FRAME_LEAD)
        .last()
        .map_or(start, |(i, _)| i);
    let hi = line[lo..]
        .char_indices()
        .nth(FRAME_CHARS)
        .map_or(line.len(), |(i, _)| lo + i);
    let mut shown = String::new();
    let mut pad = String::new();
    if lo > 0 {
        shown.push('…');
        pad.push(' ');
    }
    shown.push_str(&line[lo..hi]);
    pad.extend(line[lo..start.min(hi)].chars().map(blank));
    if hi < line.len() {
        shown.push('…');
    }
    let carets = line[start.min(hi)..end.min(hi)].chars().count().max(1);
    (shown, pad, carets)
}

/// The LSP diagnostics, each with `uri` and `fixes`.
pub fn json_values(files: &FileSet, findings: &[Finding]) -> Vec<Value> {
    let positions = Positions::new(files, Encoding::Utf16);
    findings
        .iter()
        .map(|finding| {
            let mut value = serde_json::to_value(diagnostic(finding, &positions)).unwrap_or_default();
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

/// `security-severity` (GitHub's 0.0–10.0 scale) of a rule by its default
/// severity.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "8.0",
        Severity::Warning => "5.0",
        Severity::Info => "3.0",
        Severity::Hint => "1.0",
    }
}

/// The rule's display name: its id in UpperCamelCase (`UnusedPermission`).
fn rule_name(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A SARIF artifact location: relative to `%SRCROOT%` (the project root)
/// when inside it, else an absolute file URI.
fn artifact(root: &str, path: &str) -> Value {
    match path.strip_prefix(&format!("{}/", root.trim_end_matches('/'))) {
        Some(relative) => json!({"uri": percent_encode(relative), "uriBaseId": "%SRCROOT%"}),
        None => json!({"uri": crate::protocol::uri::from_path(path)}),
    }
}

/// Percent-encodes what a relative URI reference cannot hold as is.
fn percent_encode(path: &str) -> String {
    let mut out = String::new();
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// SARIF 2.1.0 for GitHub code scanning: rules with `name`,
/// `fullDescription`, `help` (the rule page), tags and `security-severity`;
/// URIs relative to `%SRCROOT%`; UTF-16 columns; the fixes as SARIF fixes;
/// skipped files as tool notifications.
pub fn sarif(
    out: &mut impl Write,
    files: &FileSet,
    findings: &[Finding],
    root: &std::path::Path,
    skipped: &[(String, String)],
) -> io::Result<()> {
    let root = root.to_string_lossy().replace('\\', "/");
    let positions = Positions::new(files, Encoding::Utf16);
    let location = |file| artifact(&root, files.path(file));
    let region = |file, range| {
        let r = positions.range(file, range);
        json!({
            "startLine": u64::from(r.start.line) + 1,
            "startColumn": u64::from(r.start.character) + 1,
            "endLine": u64::from(r.end.line) + 1,
            "endColumn": u64::from(r.end.character) + 1,
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
                                    "artifactLocation": location(*file),
                                    "replacements": [{"deletedRegion": region(*file, *range), "insertedContent": {"text": new_text}}],
                                }))
                            }
                            crate::core::diagnostic::FileEdit::Create { path, text } => changes.push(json!({
                                "artifactLocation": artifact(&root, path),
                                "replacements": [{"deletedRegion": {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1}, "insertedContent": {"text": text}}],
                            })),
                        }
                    }
                    let title = if fix.safe { fix.title.clone() } else { format!("{} (unsafe)", fix.title) };
                    json!({"description": {"text": title}, "artifactChanges": changes})
                })
                .collect();
            let mut result = json!({
                "ruleId": f.rule,
                "ruleIndex": all_rules.iter().position(|r| r.id == f.rule),
                "level": level,
                "message": {"text": f.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": location(f.location.file),
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
                                "artifactLocation": location(r.location.file),
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
    let notifications: Vec<Value> = skipped
        .iter()
        .map(|(path, reason)| {
            json!({
                "level": "warning",
                "message": {"text": format!("Skipped: {reason}")},
                "locations": [{"physicalLocation": {"artifactLocation": artifact(&root, path)}}],
            })
        })
        .collect();
    let root_uri = format!(
        "{}/",
        crate::protocol::uri::from_path(&root).trim_end_matches('/')
    );
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "asl-lsp",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": all_rules.iter().map(|r| {
                    let iam = !r.id.starts_with("asl-");
                    let page = crate::cli::rules::page(r.id).unwrap_or(r.summary);
                    json!({
                        "id": r.id,
                        "name": rule_name(r.id),
                        "shortDescription": {"text": r.summary},
                        "fullDescription": {"text": crate::cli::rules::what(r.id).unwrap_or_else(|| r.summary.to_string())},
                        "help": {"text": page, "markdown": page},
                        "helpUri": rules::docs_url(r.id),
                        "defaultConfiguration": {"level": match r.default_severity {
                            Severity::Error => "error",
                            Severity::Warning => "warning",
                            _ => "note",
                        }},
                        "properties": {
                            "tags": if iam { json!(["security", "iam"]) } else { json!(["correctness", "asl"]) },
                            "precision": "high",
                            "security-severity": security_severity(r.default_severity),
                        },
                    })
                }).collect::<Vec<_>>(),
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": root_uri}},
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
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
        let (shown, pad, carets) = frame(&line, 512, 515);
        assert_eq!(
            shown,
            format!("…{}\"Resource\": \"*\"{}…", "a".repeat(28), "b".repeat(77))
        );
        assert_eq!(pad, " ".repeat(1 + 40));
        assert_eq!(carets, 3);
        // A short line is shown whole, the carets as wide as the finding.
        assert_eq!(frame("\tab", 1, 3), ("\tab".to_string(), "\t".to_string(), 2));
        // Offsets off a character boundary are moved back onto one.
        assert_eq!(frame("éa", 1, 3), ("éa".to_string(), String::new(), 2));
    }
}
