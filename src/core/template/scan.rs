//! What the template front ends hand back: the units they read, the
//! definition files they claim, and the problems they met.

use std::collections::BTreeSet;

use super::problems::SYNTAX;
use crate::core::diagnostic::Finding;
use crate::core::files::FileId;
use crate::core::unit::Unit;

/// What the templates of a workspace hold.
#[derive(Default)]
pub struct Scan {
    pub units: Vec<Unit>,
    /// Definition files a template owns through `DefinitionUri`: they are
    /// analysed with the template's substitutions and role, not alone.
    pub claimed: BTreeSet<FileId>,
    /// Problems with the templates themselves (a missing `DefinitionUri`).
    pub findings: Vec<Finding>,
}

/// The name part of a state machine ARN (or the name itself), unless it
/// is known only from the resource itself (`self_reference`).
pub fn own_name(value: Option<String>, self_reference: &str) -> Option<String> {
    let value = value?;
    let name = match value.rsplit_once(":stateMachine:") {
        Some((_, name)) => name.to_string(),
        None => value,
    };
    (!name.is_empty() && !name.contains(self_reference)).then_some(name)
}

/// Reports the syntax errors of a definition embedded in a template (their
/// ranges already in the template), prefixed with where it sits.
pub fn push_embedded_errors(
    scan: &mut Scan,
    file: FileId,
    errors: Vec<crate::core::syntax::SyntaxError>,
    label: &str,
) {
    for error in errors {
        scan.findings.push(Finding::new(
            SYNTAX.id,
            SYNTAX.default_severity,
            crate::core::diagnostic::Location {
                file,
                range: error.range,
            },
            format!("{label}: {}", error.message),
        ));
    }
}
