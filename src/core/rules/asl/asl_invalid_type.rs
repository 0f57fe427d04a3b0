//! `asl-invalid-type`: a state that is not an object, or whose `Type` is
//! missing, not a string, or not a state type.

use super::common::closest;
use super::common::DefinitionContext;
use crate::core::asl::State;
use crate::core::diagnostic::{Finding, Severity};
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};

pub const INVALID_TYPE: RuleMeta = RuleMeta {
    id: "asl-invalid-type",
    default_severity: Severity::Error,
    summary: "A state with a missing or unknown Type",
};

pub const ENTRY: Rule = Rule {
    meta: INVALID_TYPE,
    scope: Scope::State,
    check: Check::Definition {
        run: check,
        machine: None,
    },
};

const TYPES: &[&str] = &[
    "Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map",
];

pub fn check(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    for state in ctx.states() {
        if !state.node.is_object() {
            let message = if ["QueryLanguage", "Comment", "TimeoutSeconds", "Version", "StartAt"]
                .contains(&state.name)
            {
                format!(
                    "\"{}\" is a field of the state machine, not a state: move it out of \"States\"",
                    state.name
                )
            } else {
                format!("State \"{}\" must be an object", state.name)
            };
            out.push(ctx.finding(&INVALID_TYPE, state.member.span(), message));
            continue;
        }
        check_type(ctx, state, out);
    }
}

fn check_type(ctx: &DefinitionContext, state: &State, out: &mut Vec<Finding>) {
    match state.node.member("Type") {
        None => {
            out.push(ctx.finding(
                &INVALID_TYPE,
                state.name_span(),
                format!("State \"{}\" has no \"Type\"", state.name),
            ));
        }
        Some(member) => match member.value.as_str() {
            Some(t) if TYPES.contains(&t) => {}
            Some(t) => {
                let hint = closest(t, TYPES.iter().copied())
                    .map(|s| format!("; did you mean \"{s}\"?"))
                    .unwrap_or_default();
                out.push(ctx.finding(
                    &INVALID_TYPE,
                    member.value.span,
                    format!("\"{t}\" is not a state type{hint}"),
                ));
            }
            None => {
                out.push(ctx.finding(&INVALID_TYPE, member.value.span, "\"Type\" must be a string"));
            }
        },
    }
}
