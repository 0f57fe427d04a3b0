//! `asl-query-language`: a `QueryLanguage` that is neither `JSONPath` nor
//! `JSONata`, and a top-level JSONPath state in a JSONata state machine.

use super::common::DefinitionContext;
use crate::core::asl::QueryLanguage;
use crate::core::diagnostic::{Finding, Severity};
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};
use crate::core::syntax::Node;

pub const QUERY_LANGUAGE: RuleMeta = RuleMeta {
    id: "asl-query-language",
    default_severity: Severity::Error,
    summary: "An unknown QueryLanguage, or a JSONPath state in a JSONata state machine",
};

pub const ENTRY: Rule = Rule {
    meta: QUERY_LANGUAGE,
    scope: Scope::State,
    check: Check::Definition {
        run: check,
        machine: Some(top),
    },
};

/// The state machine's own `QueryLanguage`.
pub fn top(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    if let Some(node) = ctx.root.get("QueryLanguage") {
        invalid_value(ctx, node, out);
    }
}

/// Each checked state's `QueryLanguage`.
pub fn check(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    for state in ctx.states() {
        if let Some(node) = state.field("QueryLanguage") {
            if invalid_value(ctx, node, out) {
                continue;
            }
            // A top-level state may not go back to JSONPath when the state
            // machine is JSONata (AWS's ValidateStateMachineDefinition
            // rejects it; inside a Map or Parallel AWS accepts it).
            let top_level = ctx.machine.scope(state.scope).parent.is_none();
            if top_level
                && node.as_str() == Some("JSONPath")
                && ctx.machine.top().query_language == QueryLanguage::Jsonata
            {
                out.push(ctx.finding(
                    &QUERY_LANGUAGE,
                    node.span,
                    "A top-level state cannot use JSONPath when the state machine uses JSONata",
                ));
            }
        }
    }
}

fn invalid_value(ctx: &DefinitionContext, node: &Node, out: &mut Vec<Finding>) -> bool {
    if is_valid(node) {
        return false;
    }
    out.push(ctx.finding(
        &QUERY_LANGUAGE,
        node.span,
        "\"QueryLanguage\" is \"JSONPath\" or \"JSONata\"",
    ));
    true
}

/// Whether a `QueryLanguage` value is one AWS knows.
pub fn is_valid(node: &Node) -> bool {
    matches!(node.as_str(), Some("JSONPath" | "JSONata"))
}
