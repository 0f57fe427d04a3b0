//! `asl-unknown-state`: `StartAt`, `Next` or `Default` naming a state that
//! does not exist in its scope.

use super::common::DefinitionContext;
use super::common::{closest, has_states};
use crate::core::diagnostic::{Finding, Severity};
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};
use crate::core::syntax::Node;

pub const UNKNOWN_STATE: RuleMeta = RuleMeta {
    id: "asl-unknown-state",
    default_severity: Severity::Error,
    summary: "StartAt, Next or Default names a state that does not exist in its scope",
};

pub const ENTRY: Rule = Rule {
    meta: UNKNOWN_STATE,
    scope: Scope::Machine,
    check: Check::Definition {
        run: check,
        machine: None,
    },
};

pub fn check(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    let machine = ctx.machine;
    for scope in machine.scopes.iter().filter(|s| has_states(s)) {
        let names = || scope.states.iter().map(|&s| machine.state(s).name);
        if let Some(start) = scope.start_at {
            if let Some(name) = start.as_str() {
                if machine.find(scope.id, name).is_none() {
                    out.push(unknown(ctx, start, name, names()));
                }
            }
        }
        for &id in &scope.states {
            let state = machine.state(id);
            for (target, node) in state.transitions() {
                if machine.find(scope.id, target).is_none() {
                    out.push(unknown(ctx, node, target, names()));
                }
            }
        }
    }
}

fn unknown<'a>(
    ctx: &DefinitionContext,
    node: &Node,
    name: &str,
    names: impl Iterator<Item = &'a str>,
) -> Finding {
    let suggestion = closest(name, names)
        .map(|s| format!("; did you mean \"{s}\"?"))
        .unwrap_or_default();
    ctx.finding(
        &UNKNOWN_STATE,
        node.span,
        format!("No state named \"{name}\" in this scope{suggestion}"),
    )
}
