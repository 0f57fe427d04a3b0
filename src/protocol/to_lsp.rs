//! Findings → LSP diagnostics (as serde_json values in the exact LSP shape).

use serde_json::{json, Value};

use crate::core::diagnostic::{Finding, Severity, Tag};
use crate::core::files::{FileId, FileSet};
use crate::core::rules::docs_url;
use crate::core::text::TextRange;
use crate::protocol::edits::fix_to_json;
use crate::protocol::position::{Encoding, LineIndex};
use crate::protocol::uri;

/// Line indexes for the files of one run, built on first use.
pub struct Positions<'a> {
    files: &'a FileSet,
    encoding: Encoding,
    indexes: std::cell::RefCell<std::collections::HashMap<FileId, std::rc::Rc<LineIndex>>>,
}

impl<'a> Positions<'a> {
    pub fn new(files: &'a FileSet, encoding: Encoding) -> Self {
        Positions {
            files,
            encoding,
            indexes: Default::default(),
        }
    }

    pub fn files(&self) -> &'a FileSet {
        self.files
    }

    fn index(&self, file: FileId) -> std::rc::Rc<LineIndex> {
        self.indexes
            .borrow_mut()
            .entry(file)
            .or_insert_with(|| std::rc::Rc::new(LineIndex::new(self.files.text(file))))
            .clone()
    }

    pub fn range(&self, file: FileId, range: TextRange) -> Value {
        let text = self.files.text(file);
        let index = self.index(file);
        let (sl, sc) = index.position(text, range.start(), self.encoding);
        let (el, ec) = index.position(text, range.end(), self.encoding);
        json!({"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}})
    }

    pub fn uri(&self, file: FileId) -> String {
        uri::from_path(self.files.path(file))
    }
}

pub fn severity_number(severity: Severity) -> u8 {
    match severity {
        Severity::Error => 1,
        Severity::Warning => 2,
        Severity::Info => 3,
        Severity::Hint => 4,
    }
}

/// One LSP `Diagnostic`. Fixes travel in `data.fixes` so a code action can
/// be answered from the diagnostic alone.
pub fn diagnostic(finding: &Finding, positions: &Positions) -> Value {
    let mut diagnostic = json!({
        "range": positions.range(finding.location.file, finding.location.range),
        "severity": severity_number(finding.severity),
        "code": finding.rule,
        "codeDescription": {"href": docs_url(finding.rule)},
        "source": "asl-lsp",
        "message": finding.message,
    });
    if !finding.tags.is_empty() {
        diagnostic["tags"] = finding
            .tags
            .iter()
            .map(|t| match t {
                Tag::Unnecessary => json!(1),
            })
            .collect();
    }
    if !finding.related.is_empty() {
        diagnostic["relatedInformation"] = finding
            .related
            .iter()
            .map(|r| {
                json!({
                    "location": {
                        "uri": positions.uri(r.location.file),
                        "range": positions.range(r.location.file, r.location.range),
                    },
                    "message": r.message,
                })
            })
            .collect();
    }
    if !finding.fixes.is_empty() {
        diagnostic["data"] = json!({
            "fixes": finding.fixes.iter().map(|f| fix_to_json(f, positions)).collect::<Vec<_>>()
        });
    }
    diagnostic
}
