//! State machines where users keep them: CloudFormation and SAM templates
//! (JSON and YAML). Each `AWS::StepFunctions::StateMachine` or
//! `AWS::Serverless::StateMachine` becomes a [`Unit`]: its definition (inline,
//! a string, or a `DefinitionUri` file) with `DefinitionSubstitutions`
//! applied, and the policies of the role the template gives it. Terraform
//! modules likewise ([`terraform`]).

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::core::analysis::{Unit, Workspace};
use crate::core::diagnostic::Finding;
use crate::core::files::FileId;

pub mod cfn;
pub mod embedded;
pub mod intrinsics;
pub mod sam;
pub mod terraform;

pub use intrinsics::{Encoder, Template};

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

/// The state machine resource a unit came from, for the rules that look at
/// the resource itself (logging, tracing, type).
#[derive(Clone)]
pub struct MachineResource {
    pub file: FileId,
    pub root: Arc<crate::core::syntax::Node>,
    pub logical_id: String,
    pub encoder: Arc<Encoder>,
    /// How the template is written (`CfnYaml`, `CfnJson` or `Hcl`).
    pub dialect: crate::core::fix::Dialect,
    /// Every file the state machine was read from (a module's `.tf`
    /// files): a change to any of them re-checks it.
    pub sources: Vec<FileId>,
    /// The state machine's own name, when the template states it (a
    /// literal, or a parameter or variable); `None` when only deployment
    /// names it (a policy of its own role could not refer to that name
    /// without a circular dependency).
    pub name: Option<String>,
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

pub fn scan(workspace: &Workspace) -> Scan {
    let mut scan = Scan::default();
    for id in workspace.files.ids() {
        if let crate::core::classify::FileKind::Template(format) = workspace.kind(id) {
            if let Some(root) = workspace.shared_root(id) {
                cfn::scan_template(workspace, id, format, root, &mut scan);
            }
        }
    }
    // One pass over every Terraform module (a folder of `.tf` files).
    terraform::scan(workspace, &mut scan);
    scan
}

/// Reports the syntax errors of a definition embedded in a template (their
/// ranges already in the template), prefixed with where it sits.
pub fn push_embedded_errors(
    scan: &mut Scan,
    file: FileId,
    errors: Vec<crate::core::syntax::SyntaxError>,
    label: &str,
) {
    use crate::core::rules::syntax::SYNTAX;
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
