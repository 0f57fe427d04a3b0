//! `asl-no-terminal-state`: a scope with no state that ends the execution.

use super::common::DefinitionContext;
use super::common::{has_states, scope_owner};
use crate::core::diagnostic::{Finding, Severity};
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};

pub const NO_TERMINAL_STATE: RuleMeta = RuleMeta {
    id: "asl-no-terminal-state",
    default_severity: Severity::Error,
    summary: "A scope with no state that ends the execution",
};

pub const ENTRY: Rule = Rule {
    meta: NO_TERMINAL_STATE,
    scope: Scope::Machine,
    check: Check::Definition {
        run: check,
        machine: None,
    },
};

pub fn check(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    let machine = ctx.machine;
    for scope in machine.scopes.iter().filter(|s| has_states(s)) {
        if !scope.states.is_empty() && !scope.states.iter().any(|&s| machine.state(s).is_terminal()) {
            out.push(ctx.finding(
                &NO_TERMINAL_STATE,
                scope.states_node.map(|n| n.span).unwrap_or(scope.node.span),
                format!(
                    "{} never ends: add \"End\": true to a state, or a Succeed or Fail state",
                    scope_owner(machine, scope)
                ),
            ));
        }
    }
}
