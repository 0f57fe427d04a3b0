//! What every finding of a rule carries: its id, default severity, summary
//! and documentation page.

use crate::core::diagnostic::Severity;

/// Where a rule's documentation page lives; `codeDescription.href` and
/// SARIF `helpUri` point here.
pub const DOCS_BASE: &str = "https://github.com/asl-lsp/asl-lsp/blob/main/docs/rules/";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleMeta {
    pub id: &'static str,
    pub default_severity: Severity,
    /// One line for the README and SARIF `shortDescription`.
    pub summary: &'static str,
}

pub fn docs_url(rule: &str) -> String {
    format!("{DOCS_BASE}{rule}.md")
}
