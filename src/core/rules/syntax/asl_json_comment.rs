//! `asl-json-comment`: a comment in a JSON definition or policy. The
//! parser tolerates it while typing; AWS rejects it.

use crate::core::diagnostic::{Finding, Location, Severity};
use crate::core::files::FileId;
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};
use crate::core::syntax::Parsed;

pub const COMMENT: RuleMeta = RuleMeta {
    id: "asl-json-comment",
    default_severity: Severity::Warning,
    summary: "A comment in a JSON definition or policy, which AWS rejects",
};

pub const ENTRY: Rule = Rule {
    meta: COMMENT,
    scope: Scope::Syntax,
    check: Check::Elsewhere {
        by: "the driver, on each JSON definition and policy",
    },
};

pub fn check(file: FileId, parsed: &Parsed, out: &mut Vec<Finding>) {
    for &range in &parsed.comments {
        out.push(Finding::new(
            COMMENT.id,
            COMMENT.default_severity,
            Location { file, range },
            "AWS rejects comments in JSON; use the \"Comment\" field instead",
        ));
    }
}
