//! The state graph: `StartAt`, transitions to states that exist in the same
//! scope, reachability, and a way to finish.

use super::{closest, DefinitionContext};
use crate::core::asl::ScopeId;
use crate::core::diagnostic::{Finding, Severity};
use crate::core::rules::RuleMeta;
use crate::core::syntax::Node;

pub const MISSING_START_AT: RuleMeta = RuleMeta {
    id: "asl-missing-start-at",
    default_severity: Severity::Error,
    summary: "A state machine, branch or processor without StartAt or States",
};

pub const UNKNOWN_STATE: RuleMeta = RuleMeta {
    id: "asl-unknown-state",
    default_severity: Severity::Error,
    summary: "StartAt, Next or Default names a state that does not exist in its scope",
};

pub const UNREACHABLE_STATE: RuleMeta = RuleMeta {
    id: "asl-unreachable-state",
    default_severity: Severity::Error,
    summary: "A state no path from StartAt reaches",
};

pub const NO_TERMINAL_STATE: RuleMeta = RuleMeta {
    id: "asl-no-terminal-state",
    default_severity: Severity::Error,
    summary: "A scope with no state that ends the execution",
};

pub fn check(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    let machine = ctx.machine;
    for scope in &machine.scopes {
        let names = || scope.states.iter().map(|&s| machine.state(s).name);
        let owner = match scope.parent {
            None => "The state machine".to_string(),
            Some(p) => format!("A branch of \"{}\"", machine.state(p).name),
        };
        match scope.states_node {
            None => {
                out.push(ctx.finding(
                    &MISSING_START_AT,
                    scope_anchor(scope.node),
                    format!("{owner} has no \"States\""),
                ));
                continue;
            }
            Some(states) if !states.is_object() => {
                out.push(ctx.finding(
                    &MISSING_START_AT,
                    states.span,
                    "\"States\" must be an object of named states",
                ));
                continue;
            }
            Some(_) => {}
        }
        match scope.start_at {
            None => {
                out.push(ctx.finding(
                    &MISSING_START_AT,
                    scope_anchor(scope.node),
                    format!("{owner} has no \"StartAt\""),
                ));
            }
            Some(start) => match start.as_str() {
                None => {
                    out.push(ctx.finding(&MISSING_START_AT, start.span, "\"StartAt\" must be a state name"))
                }
                Some(name) if machine.find(scope.id, name).is_none() => {
                    out.push(unknown(ctx, start, name, names()));
                }
                Some(_) => {}
            },
        }
        for &id in &scope.states {
            let state = machine.state(id);
            for (target, node) in state.transitions() {
                if machine.find(scope.id, target).is_none() {
                    out.push(unknown(ctx, node, target, names()));
                }
            }
        }
        if machine.start_state(scope.id).is_some() {
            unreachable(ctx, scope.id, out);
        }
        if !scope.states.is_empty() && !scope.states.iter().any(|&s| machine.state(s).is_terminal()) {
            out.push(ctx.finding(
                &NO_TERMINAL_STATE,
                scope.states_node.map(|n| n.span).unwrap_or(scope.node.span),
                format!("{owner} never ends: add \"End\": true to a state, or a Succeed or Fail state"),
            ));
        }
    }
}

fn scope_anchor(node: &Node) -> crate::core::text::TextRange {
    // The opening brace: a zero-width-free, one-character anchor.
    crate::core::text::TextRange::new(node.span.start(), node.span.start() + 1)
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

fn unreachable(ctx: &DefinitionContext, scope: ScopeId, out: &mut Vec<Finding>) {
    let machine = ctx.machine;
    let reached = machine.reachable(scope);
    for &id in &machine.scope(scope).states {
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
