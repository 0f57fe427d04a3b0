//! `definition-uri-not-found`: a template's `DefinitionUri` that names no
//! file, or one whose name differs in letter case.

use crate::core::diagnostic::Severity;
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};

pub const DEFINITION_URI: RuleMeta = RuleMeta {
    id: "definition-uri-not-found",
    default_severity: Severity::Error,
    summary: "A template's DefinitionUri names no file (or one that differs in letter case)",
};

pub const ENTRY: Rule = Rule {
    meta: DEFINITION_URI,
    scope: Scope::Syntax,
    check: Check::Elsewhere {
        by: "the CloudFormation/SAM front end (core::template::cfn), which reads DefinitionUri",
    },
};
