//! `asl-syntax`: the file is not valid JSON or YAML (or HCL); also the
//! syntax errors of a definition embedded in a template, which the template
//! front ends report.

use crate::core::diagnostic::{Finding, Location};
use crate::core::files::FileId;
use crate::core::rules::rule::{Check, Rule, Scope};
use crate::core::syntax::Parsed;

/// Defined where the template front ends report it.
pub use crate::core::template::problems::SYNTAX;

pub const ENTRY: Rule = Rule {
    meta: SYNTAX,
    scope: Scope::Syntax,
    check: Check::Elsewhere {
        by: "the driver, on each file that is ours; the template front ends, on embedded definitions",
    },
};

pub fn check(file: FileId, parsed: &Parsed, out: &mut Vec<Finding>) {
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
}
