//! What kind of document a file is, from its name and, where the name does
//! not say, from its top-level keys.

use crate::core::asl::model::looks_like_definition;
use crate::core::files::file_name;
use crate::core::syntax::Node;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Json,
    Yaml,
    Hcl,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Definition(Format),
    /// An IAM identity policy (or a trust policy: told apart when linked).
    Policy,
    Config,
    /// CloudFormation / SAM template.
    Template(Format),
    Terraform,
    Other,
}

/// The format a path's extension implies, if it is one we read at all.
pub fn format_of(path: &str) -> Option<Format> {
    let name = file_name(path).to_ascii_lowercase();
    if name.ends_with(".json") || name.ends_with(".template") {
        Some(Format::Json)
    } else if name.ends_with(".yaml") || name.ends_with(".yml") {
        Some(Format::Yaml)
    } else if name.ends_with(".tf") {
        Some(Format::Hcl)
    } else {
        None
    }
}

/// Kind by name alone, where the name decides it.
pub fn kind_by_name(path: &str) -> Option<FileKind> {
    let name = file_name(path).to_ascii_lowercase();
    if name == ".asl-lsp.json" {
        Some(FileKind::Config)
    } else if name.ends_with(".asl.json") {
        Some(FileKind::Definition(Format::Json))
    } else if name.ends_with(".asl.yaml") || name.ends_with(".asl.yml") {
        Some(FileKind::Definition(Format::Yaml))
    } else if name.ends_with(".tf") {
        Some(FileKind::Terraform)
    } else {
        None
    }
}

/// Kind by content, for files whose name does not decide.
pub fn kind_by_content(format: Format, root: &Node) -> FileKind {
    if looks_like_definition(root) {
        return FileKind::Definition(format);
    }
    if root.get("Statement").is_some() {
        return FileKind::Policy;
    }
    if is_state_machine_template(root) {
        return FileKind::Template(format);
    }
    FileKind::Other
}

pub fn is_state_machine_template(root: &Node) -> bool {
    root.get("Resources").is_some_and(|resources| {
        resources.members().iter().any(|r| {
            matches!(
                r.value.get("Type").and_then(Node::as_str),
                Some("AWS::StepFunctions::StateMachine" | "AWS::Serverless::StateMachine")
            )
        })
    })
}

/// Whether a file's text declares a state machine (a CloudFormation or SAM
/// template, a Terraform module), by a cheap text search.
pub fn declares_state_machine(text: &str) -> bool {
    text.contains("AWS::StepFunctions::StateMachine")
        || text.contains("AWS::Serverless::StateMachine")
        || text.contains("aws_sfn_state_machine")
}

/// `flow.asl.json` → `flow`; `flow.json` → `flow`.
pub fn definition_stem(name: &str) -> &str {
    for suffix in [".asl.json", ".asl.yaml", ".asl.yml", ".json", ".yaml", ".yml"] {
        if name.len() > suffix.len() && name.to_ascii_lowercase().ends_with(suffix) {
            return &name[..name.len() - suffix.len()];
        }
    }
    name
}
