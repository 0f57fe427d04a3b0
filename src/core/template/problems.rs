//! The problems the template front ends report, under the rule ids that
//! name them (`rules::syntax` registers these rules and documents them).

use crate::core::diagnostic::Severity;
use crate::core::rules::meta::RuleMeta;

pub const SYNTAX: RuleMeta = RuleMeta {
    id: "asl-syntax",
    default_severity: Severity::Error,
    summary: "The file is not valid JSON or YAML",
};

pub const DEFINITION_URI: RuleMeta = RuleMeta {
    id: "definition-uri-not-found",
    default_severity: Severity::Error,
    summary: "A template's definition file (DefinitionUri, Terraform file()/templatefile()) names no file, or one that differs in letter case",
};
