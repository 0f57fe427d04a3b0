//! `definition-uri-not-found`: a template's `DefinitionUri` that names no
//! file, or one whose name differs in letter case.

use crate::core::rules::rule::{Check, Rule, Scope};

/// Defined where the template front ends report it.
pub use crate::core::template::problems::DEFINITION_URI;

pub const ENTRY: Rule = Rule {
    meta: DEFINITION_URI,
    scope: Scope::Syntax,
    check: Check::Elsewhere {
        by: "the CloudFormation/SAM front end (core::template::cfn), which reads DefinitionUri",
    },
};
