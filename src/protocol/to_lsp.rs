//! Findings → typed LSP diagnostics (`ls_types`), which the server
//! publishes and `check --format json` prints.

use tower_lsp_server::ls_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location,
    NumberOrString,
};

use crate::core::diagnostic::{Finding, Severity, Tag};
use crate::core::rules::docs_url;
use crate::protocol::edits::{fix_to_lsp, DiagnosticData};
pub use crate::protocol::position::Positions;

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
