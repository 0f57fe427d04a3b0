//! Edit builders that write in the style of the file they edit. Rules
//! describe *what* to change (a value, a new array element, a new member)
//! through [`Editor`]; each file dialect decides *how* it is written.

use serde_json::Value;

use crate::core::template::intrinsics::Encoder;

pub mod editor;
pub mod hcl;
pub mod json;
pub mod safety;
pub mod style;
pub mod yaml;

pub use editor::{Editor, Mapped};

/// The language a document's edits are written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Json,
    Yaml,
    /// CloudFormation/SAM JSON: ARNs with `${AWS::...}` are written as `Fn::Sub`.
    CfnJson,
    /// CloudFormation/SAM YAML: ARNs with `${AWS::...}` are written as `!Sub`.
    CfnYaml,
    /// Terraform: `jsonencode({...})` objects and `aws_iam_policy_document`
    /// statement blocks, written in HCL.
    Hcl,
    /// JSON written verbatim in a Terraform heredoc: JSON, with references
    /// interpolated (`"${aws_lambda_function.worker.arn}"`).
    HclJson,
    /// Statements SAM or AWS generates (policy templates, managed policies,
    /// connectors) and definitions inside strings: read, never edited.
    Generated,
}

impl Dialect {
    /// The plain dialect a file format is written in.
    pub fn of(format: crate::core::classify::Format) -> Dialect {
        match format {
            crate::core::classify::Format::Json => Dialect::Json,
            crate::core::classify::Format::Yaml => Dialect::Yaml,
            crate::core::classify::Format::Hcl => Dialect::Hcl,
        }
    }
}

/// The editor for a dialect, when one exists.
pub fn editor(dialect: Dialect) -> Option<&'static dyn Editor> {
    match dialect {
        Dialect::Json | Dialect::CfnJson => Some(&json::JsonEditor),
        Dialect::Yaml | Dialect::CfnYaml => Some(&yaml::YamlEditor),
        Dialect::Hcl => Some(&hcl::HclEditor),
        Dialect::HclJson => Some(&hcl::HEREDOC_JSON),
        Dialect::Generated => None,
    }
}

/// The editor for a dialect whose values are first written as a template's
/// references (`!GetAtt Worker.Arn` rather than the ARN it stands for).
pub fn editor_with<'e>(dialect: Dialect, encoder: Option<&'e Encoder>) -> Option<Box<dyn Editor + 'e>> {
    let inner = editor(dialect)?;
    Some(match encoder {
        None => Box::new(inner),
        Some(encoder) => Box::new(Mapped {
            inner,
            map: move |v: &Value| Some(encoder.encode(v)),
        }),
    })
}
