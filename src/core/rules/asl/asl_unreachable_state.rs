//! `asl-unreachable-state`: a state no path from its scope's `StartAt`
//! reaches.

use super::common::has_states;
use super::common::DefinitionContext;
use crate::core::diagnostic::{Finding, Severity};
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};

pub const UNREACHABLE_STATE: RuleMeta = RuleMeta {
    id: "asl-unreachable-state",
    default_severity: Severity::Error,
    summary: "A state no path from StartAt reaches",
};

pub const ENTRY: Rule = Rule {
    meta: UNREACHABLE_STATE,
    scope: Scope::Machine,
    check: Check::Definition {
        run: check,
        machine: None,
    },
};

pub fn check(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    let machine = ctx.machine;
    for scope in machine.scopes.iter().filter(|s| has_states(s)) {
        if machine.start_state(scope.id).is_none() {
            continue;
        }
        let reached = machine.reachable(scope.id);
        for &id in &scope.states {
            let state = machine.state(id);
            if !reached[id.0 as usize] && state.node.is_object() {
                out.push(ctx.finding(
                    &UNREACHABLE_STATE,
                    state.name_span(),
                    format!("No path from StartAt reaches \"{}\"", state.name),
                ));
            }
        }
    }
}
