//! What the template front ends hand back: the units they read, the
//! definition files they claim, and the problems they met.

use std::collections::BTreeSet;

use super::problems::{DEFINITION_URI, SYNTAX};
use crate::core::diagnostic::{Finding, Location, Severity};
use crate::core::files::{file_name, FileId, FileSet};
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
    /// Definition files a template names that the file set lacks: a
    /// caller reading from disk may add them and scan again.
    pub missing_files: BTreeSet<String>,
}

/// A definition file a template names (`what`, as written: `DefinitionUri
/// "x"`, `file("x")`) that the file set has no file for at `path`. Reports
/// it: an error when no such file exists, an info when it exists but was
/// left unread (why is said). A file whose name differs only in letter case
/// is reported and returned, so every other check still runs on it.
pub fn missing_definition_file(
    files: &FileSet,
    scan: &mut Scan,
    location: Location,
    what: &str,
    path: &str,
) -> Option<FileId> {
    scan.missing_files.insert(crate::core::files::normalize(path));
    if let Some(reason) = files.unread_reason(path) {
        scan.findings.push(Finding::new(
            DEFINITION_URI.id,
            Severity::Info,
            location,
            format!("{what} was not read ({reason}): the state machine's definition is not checked"),
        ));
        return None;
    }
    let lower = path.to_lowercase();
    let same_but_case = files.ids().find(|&i| files.path(i).to_lowercase() == lower);
    let message = match same_but_case {
        Some(other) => format!(
            "{what} differs in letter case from the file {}: deployment from a case-sensitive file system fails",
            file_name(files.path(other))
        ),
        None => format!("{what} names no file in the workspace"),
    };
    scan.findings.push(Finding::new(
        DEFINITION_URI.id,
        DEFINITION_URI.default_severity,
        location,
        message,
    ));
    same_but_case
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
