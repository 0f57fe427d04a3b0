//! Findings → typed LSP diagnostics (`ls_types`), which the server
//! publishes and `check --format json` prints.

use tower_lsp_server::ls_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location,
    NumberOrString, Position, Range, Uri,
};

use crate::core::diagnostic::{Finding, Severity, Tag};
use crate::core::files::{FileId, FileSet};
use crate::core::rules::docs_url;
use crate::core::text::TextRange;
use crate::protocol::edits::{fix_to_lsp, DiagnosticData};
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

    pub fn range(&self, file: FileId, range: TextRange) -> Range {
        let text = self.files.text(file);
        let index = self.index(file);
        let (sl, sc) = index.position(text, range.start(), self.encoding);
        let (el, ec) = index.position(text, range.end(), self.encoding);
        Range::new(Position::new(sl, sc), Position::new(el, ec))
    }

    pub fn uri(&self, file: FileId) -> String {
        uri::from_path(self.files.path(file))
    }

    /// The file's URI as an LSP `Uri` (`None` only if it would not parse,
    /// which `uri::from_path`'s percent-encoding rules out).
    pub fn lsp_uri(&self, file: FileId) -> Option<Uri> {
        self.uri(file).parse().ok()
    }
}

pub fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// One LSP `Diagnostic`. Fixes travel in `data.fixes` so a code action can
/// be answered from the diagnostic alone.
pub fn diagnostic(finding: &Finding, positions: &Positions) -> Diagnostic {
    let tags: Vec<DiagnosticTag> = finding
        .tags
        .iter()
        .map(|t| match t {
            Tag::Unnecessary => DiagnosticTag::UNNECESSARY,
        })
        .collect();
    let related: Vec<DiagnosticRelatedInformation> = finding
        .related
        .iter()
        .filter_map(|r| {
            Some(DiagnosticRelatedInformation {
                location: Location {
                    uri: positions.lsp_uri(r.location.file)?,
                    range: positions.range(r.location.file, r.location.range),
                },
                message: r.message.clone(),
            })
        })
        .collect();
    let data = (!finding.fixes.is_empty()).then(|| DiagnosticData {
        fixes: finding.fixes.iter().map(|f| fix_to_lsp(f, positions)).collect(),
    });
    Diagnostic {
        range: positions.range(finding.location.file, finding.location.range),
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(finding.rule.to_string())),
        code_description: docs_url(finding.rule)
            .parse()
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some("asl-lsp".to_string()),
        message: finding.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: (!tags.is_empty()).then_some(tags),
        data: data.and_then(|d| serde_json::to_value(d).ok()),
    }
}
