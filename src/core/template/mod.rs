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
    /// The index of the CloudFormation template `root` is, built once for
    /// all the state machines of the file; `None` for Terraform.
    pub template: Option<Arc<intrinsics::TemplateIndex>>,
}

impl MachineResource {
    /// The CloudFormation template the state machine was read from.
    pub fn template(&self) -> Template<'_> {
        match &self.template {
            Some(index) => Template::with_index(&self.root, index.clone()),
            None => Template::new(&self.root),
        }
    }
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

/// A feature of a state machine resource that needs permissions of its
/// role, and the key that turns it on (`LoggingConfiguration`, SAM
/// `Tracing`, a Terraform `logging_configuration` block).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeatureUse {
    pub feature: crate::core::catalog::MachineFeature,
    /// The key as the template names it.
    pub key: String,
    pub range: crate::core::text::TextRange,
}

/// Whether a logging configuration sets a level other than `OFF` (the
/// default level is `OFF`).
fn logging_on(config: &crate::core::syntax::Node, level_key: &str) -> bool {
    config
        .untagged()
        .get(level_key)
        .and_then(|l| l.untagged().as_str())
        .is_some_and(|l| !l.eq_ignore_ascii_case("OFF"))
}

/// Whether a tracing configuration is enabled.
pub fn tracing_on(config: &crate::core::syntax::Node, enabled_key: &str) -> bool {
    config.untagged().get(enabled_key).is_some_and(|e| {
        let e = e.untagged();
        e.as_bool() == Some(true) || e.as_str().is_some_and(|s| s.eq_ignore_ascii_case("true"))
    })
}

/// The features of the resource that need its role's permissions: logging
/// at a level other than `OFF` and tracing enabled. A value the template
/// computes (a parameter, a condition) is not judged. For a SAM state
/// machine whose role SAM generates, the role holds what `Policies` lists
/// plus what SAM adds itself (`sam::generated_role_additions`).
pub fn machine_features(machine: &MachineResource) -> Vec<FeatureUse> {
    use crate::core::catalog::MachineFeature;
    use crate::core::syntax::Member;
    let mut out = Vec::new();
    let mut push = |feature, member: &Member| {
        out.push(FeatureUse {
            feature,
            key: member.key.clone(),
            range: member.key_span,
        })
    };
    if machine.dialect == crate::core::fix::Dialect::Hcl {
        let Some(name) = machine.logical_id.rsplit("aws_sfn_state_machine.").next() else {
            return out;
        };
        let blocks = machine
            .root
            .members()
            .iter()
            .filter(|m| m.key == "resource")
            .filter_map(|m| m.value.get("aws_sfn_state_machine"))
            .filter_map(|blocks| blocks.get(name));
        for body in blocks {
            if let Some(m) = body.member("logging_configuration") {
                if logging_on(&m.value, "level") {
                    push(MachineFeature::Logging, m);
                }
            }
            if let Some(m) = body.member("tracing_configuration") {
                if tracing_on(&m.value, "enabled") {
                    push(MachineFeature::Tracing, m);
                }
            }
        }
        return out;
    }
    let template = machine.template();
    let Some(resource) = template.resource(&machine.logical_id) else {
        return out;
    };
    let Some(properties) = resource.properties else {
        return out;
    };
    let sam = resource.kind == "AWS::Serverless::StateMachine";
    let (logging, tracing) = if sam {
        ("Logging", "Tracing")
    } else {
        ("LoggingConfiguration", "TracingConfiguration")
    };
    if let Some(m) = properties.member(logging) {
        if logging_on(&m.value, "Level") {
            push(MachineFeature::Logging, m);
        }
    }
    if let Some(m) = properties.member(tracing) {
        if tracing_on(&m.value, "Enabled") {
            push(MachineFeature::Tracing, m);
        }
    }
    out
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
