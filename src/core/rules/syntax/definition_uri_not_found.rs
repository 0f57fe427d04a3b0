//! `definition-uri-not-found`: a template's definition file (`DefinitionUri`,
//! Terraform `file()`/`templatefile()`) that names no file, or one whose
//! name differs in letter case.

use crate::core::rules::rule::{Check, Rule, Scope};

/// Defined where the template front ends report it.
pub use crate::core::template::problems::DEFINITION_URI;

pub const ENTRY: Rule = Rule {
    meta: DEFINITION_URI,
    scope: Scope::Syntax,
    check: Check::Elsewhere {
        by: "the template front ends (core::template::cfn, core::template::terraform), which read definition files",
    },
};
