//! Findings → LSP diagnostics (as serde_json values in the exact LSP shape).

use serde_json::{json, Value};

use crate::core::diagnostic::{Finding, Severity, Tag};
use crate::core::rules::docs_url;
use crate::protocol::edits::fix_to_json;
pub use crate::protocol::position::Positions;

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
