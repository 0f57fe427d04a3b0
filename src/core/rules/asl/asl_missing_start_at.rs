//! `asl-missing-start-at`: a state machine, branch or item processor
//! without `StartAt` or `States`, or with one of the wrong type.

use super::common::DefinitionContext;
use super::common::{scope_anchor, scope_owner};
use crate::core::diagnostic::{Finding, Severity};
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};

pub const MISSING_START_AT: RuleMeta = RuleMeta {
    id: "asl-missing-start-at",
    default_severity: Severity::Error,
    summary: "A state machine, branch or processor without StartAt or States",
};

pub const ENTRY: Rule = Rule {
    meta: MISSING_START_AT,
    scope: Scope::Machine,
    check: Check::Definition {
        run: check,
        machine: None,
    },
};

pub fn check(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    let machine = ctx.machine;
    for scope in &machine.scopes {
        let owner = scope_owner(machine, scope);
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
            Some(start) => {
                if start.as_str().is_none() {
                    out.push(ctx.finding(&MISSING_START_AT, start.span, "\"StartAt\" must be a state name"))
                }
            }
        }
    }
}
