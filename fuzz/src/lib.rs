//! What the fuzz targets share: turning one input into a small file set,
//! and the checks every target makes on what the core returns.

pub mod targets;

use asl_lsp::core::files::FileSet;
use asl_lsp::core::syntax::{self, Parsed};

/// The most files one input becomes.
const MAX_FILES: usize = 8;

/// Splits an input into files: chunks separated by NUL bytes, each a path
/// on its first line and the file's text after it (`scripts/fuzz.sh` packs
/// each fixture folder this way). Paths are kept inside `/w/`: characters
/// other than letters, digits and `._-/` become `_`, and `..` segments are
/// dropped. Invalid UTF-8 is replaced, as the CLI and server never hand the
/// core anything but text.
pub fn file_set(data: &[u8]) -> FileSet {
    asl_lsp::configure_threads();
    let text = String::from_utf8_lossy(data);
    let mut files = FileSet::new();
    for chunk in text.split('\0').take(MAX_FILES) {
        let (name, body) = chunk.split_once('\n').unwrap_or((chunk, ""));
        files.insert(&format!("/w/{}", clean_path(name)), body, None);
    }
    files
}

fn clean_path(name: &str) -> String {
    let name: String = name
        .chars()
        .take(96)
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-/".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let segments: Vec<&str> = name
        .split('/')
        .filter(|s| !s.is_empty() && *s != "." && *s != "..")
        .collect();
    if segments.is_empty() {
        "flow.asl.json".to_string()
    } else {
        segments.join("/")
    }
}

/// One file set holding `text` at `path`.
pub fn one(path: &str, data: &[u8]) -> FileSet {
    asl_lsp::configure_threads();
    let mut files = FileSet::new();
    files.insert(path, String::from_utf8_lossy(data).as_ref(), None);
    files
}

/// Parses `text` in the format its path names, as the workspace does.
pub fn parse_as(path: &str, text: &str) -> Option<Parsed> {
    use asl_lsp::core::classify::{self, Format};
    let format = if path.ends_with(".tf") {
        Format::Hcl
    } else {
        classify::format_of(path)?
    };
    Some(match format {
        Format::Json => syntax::json::parse(text),
        Format::Yaml => syntax::yaml::parse(text),
        Format::Hcl => syntax::hcl::parse(text),
    })
}

/// The invariants of a parse: every span lies inside the text, on
/// character boundaries, and a parse without errors has a tree.
pub fn check_parse(text: &str, parsed: &Parsed) {
    fn span_ok(text: &str, start: u32, end: u32) {
        let (start, end) = (start as usize, end as usize);
        assert!(
            start <= end && end <= text.len(),
            "span {start}..{end} outside {}",
            text.len()
        );
        assert!(
            text.is_char_boundary(start) && text.is_char_boundary(end),
            "span {start}..{end} splits a character"
        );
    }
    fn walk(text: &str, node: &syntax::Node) {
        span_ok(text, node.span.start, node.span.end);
        match &node.kind {
            syntax::NodeKind::Object(members) => {
                for m in members {
                    span_ok(text, m.key_span.start, m.key_span.end);
                    walk(text, &m.value);
                }
            }
            syntax::NodeKind::Array(items) => items.iter().for_each(|n| walk(text, n)),
            syntax::NodeKind::Tagged { tag_span, node, .. } => {
                span_ok(text, tag_span.start, tag_span.end);
                walk(text, node);
            }
            _ => {}
        }
    }
    if let Some(root) = &parsed.root {
        walk(text, root);
    }
    for error in &parsed.errors {
        span_ok(text, error.range.start, error.range.end);
    }
}
