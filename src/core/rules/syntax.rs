//! Findings about the text itself: JSON/YAML syntax errors, comments in
//! JSON (AWS rejects them), and a configuration file that makes no sense.

use crate::core::diagnostic::{Finding, Location, Severity};
use crate::core::files::FileId;
use crate::core::rules::RuleMeta;
use crate::core::syntax::Parsed;

pub const SYNTAX: RuleMeta = RuleMeta {
    id: "asl-syntax",
    default_severity: Severity::Error,
    summary: "The file is not valid JSON or YAML",
};

pub const COMMENT: RuleMeta = RuleMeta {
    id: "asl-json-comment",
    default_severity: Severity::Warning,
    summary: "A comment in a JSON definition or policy, which AWS rejects",
};

pub const CONFIG: RuleMeta = RuleMeta {
    id: "invalid-config",
    default_severity: Severity::Error,
    summary: "An .asl-lsp.json entry that cannot be used",
};

pub const RULES: &[&RuleMeta] = &[&SYNTAX, &COMMENT, &CONFIG, &DEFINITION_URI];

pub const DEFINITION_URI: RuleMeta = RuleMeta {
    id: "definition-uri-not-found",
    default_severity: Severity::Error,
    summary: "A template's DefinitionUri names no file (or one that differs in letter case)",
};

pub fn check(file: FileId, parsed: &Parsed, report_comments: bool, out: &mut Vec<Finding>) {
    for error in &parsed.errors {
        out.push(Finding::new(
            SYNTAX.id,
            SYNTAX.default_severity,
            Location {
                file,
                range: error.range,
            },
            error.message.clone(),
        ));
    }
    if report_comments {
        for &range in &parsed.comments {
            out.push(Finding::new(
                COMMENT.id,
                COMMENT.default_severity,
                Location { file, range },
                "AWS rejects comments in JSON; use the \"Comment\" field instead",
            ));
        }
    }
}
