//! `invalid-config`: an `.asl-lsp.json` entry that cannot be used. The
//! configuration reader finds the problems; the driver and the CLI report
//! them.

use crate::core::diagnostic::Severity;
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};

pub const CONFIG: RuleMeta = RuleMeta {
    id: "invalid-config",
    default_severity: Severity::Error,
    summary: "An .asl-lsp.json entry that cannot be used",
};

pub const ENTRY: Rule = Rule {
    meta: CONFIG,
    scope: Scope::Syntax,
    check: Check::Elsewhere {
        by: "the configuration reader (core::config), reported by the driver and the CLI",
    },
};
