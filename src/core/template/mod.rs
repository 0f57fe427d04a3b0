//! State machines where users keep them: CloudFormation and SAM templates
//! (JSON and YAML). Each `AWS::StepFunctions::StateMachine` or
//! `AWS::Serverless::StateMachine` becomes a [`Unit`]: its definition (inline,
//! a string, or a `DefinitionUri` file) with `DefinitionSubstitutions`
//! applied, and the policies of the role the template gives it. Terraform
//! modules likewise ([`terraform`]).
//!
//! [`Unit`]: crate::core::unit::Unit

use crate::core::workspace::Workspace;

pub mod cfn;
mod cfn_shape;
pub mod embedded;
pub mod features;
pub mod intrinsics;
pub mod problems;
pub mod sam;
pub mod scan;
pub mod terraform;

pub use crate::core::unit::MachineResource;
pub use features::{machine_features, FeatureUse};
pub use intrinsics::{Encoder, Template};
pub use scan::Scan;

/// The definition files the templates of `files` name that `files` does
/// not hold (absolute paths): what a caller reading from disk adds.
pub fn missing_definition_files(files: &crate::core::files::FileSet) -> std::collections::BTreeSet<String> {
    scan(&Workspace::new(files)).missing_files
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
