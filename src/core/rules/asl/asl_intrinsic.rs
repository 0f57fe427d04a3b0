//! `asl-intrinsic`: intrinsic function calls (`States.Format(...)`) with an
//! unknown name, the wrong number of arguments, or a literal argument of
//! the wrong type. The payload-template walk (`asl-payload-template`)
//! finds the calls and hands each to [`call`]; the function table is
//! `core::asl::intrinsics`.

use super::common::{string_range, DefinitionContext};
use crate::core::asl::intrinsics;
use crate::core::diagnostic::{Finding, Severity};
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};
use crate::core::syntax::Node;

pub const INTRINSIC: RuleMeta = RuleMeta {
    id: "asl-intrinsic",
    default_severity: Severity::Error,
    summary: "An unknown intrinsic function, a wrong argument count, or a literal argument of the wrong type",
};

pub const ENTRY: Rule = Rule {
    meta: INTRINSIC,
    scope: Scope::State,
    check: Check::Elsewhere {
        by: "asl-payload-template, which finds each call in a payload template",
    },
};

/// One intrinsic function call, `text`, the value of `node`.
pub fn call(ctx: &DefinitionContext, node: &Node, text: &str, out: &mut Vec<Finding>) {
    if let Err(e) = intrinsics::check(text) {
        out.push(ctx.finding(
            &INTRINSIC,
            string_range(ctx.text, node, e.start, e.end),
            e.message,
        ));
    }
}
