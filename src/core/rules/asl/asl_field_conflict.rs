//! `asl-field-conflict`: fields a state may not have together (`Next` with
//! `End`, `Error` with `ErrorPath`, ...), and `Next` or `End` on a Choice,
//! Succeed or Fail state.

use super::common::is_typed;
use super::common::DefinitionContext;
use crate::core::asl::{State, StateType};
use crate::core::diagnostic::{Finding, Severity};
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};

pub const FIELD_CONFLICT: RuleMeta = RuleMeta {
    id: "asl-field-conflict",
    default_severity: Severity::Error,
    summary: "Fields that cannot appear together (Next with End, End on a Choice, ...)",
};

pub const ENTRY: Rule = Rule {
    meta: FIELD_CONFLICT,
    scope: Scope::State,
    check: Check::Definition {
        run: check,
        machine: None,
    },
};

/// Pairs of fields a state may not have together.
const EXCLUSIVE: &[(&str, &str)] = &[
    ("Error", "ErrorPath"),
    ("Cause", "CausePath"),
    ("TimeoutSeconds", "TimeoutSecondsPath"),
    ("HeartbeatSeconds", "HeartbeatSecondsPath"),
    ("ItemProcessor", "Iterator"),
    ("Parameters", "ItemSelector"),
    ("MaxConcurrency", "MaxConcurrencyPath"),
    ("ToleratedFailurePercentage", "ToleratedFailurePercentagePath"),
    ("ToleratedFailureCount", "ToleratedFailureCountPath"),
];

pub fn check(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    for state in ctx.states().filter(|s| is_typed(s)) {
        for (a, b) in EXCLUSIVE {
            if let (Some(_), Some(second)) = (state.node.member(a), state.node.member(b)) {
                out.push(ctx.finding(
                    &FIELD_CONFLICT,
                    second.key_span,
                    format!("\"{a}\" and \"{b}\" cannot both be set"),
                ));
            }
        }
        transitions(ctx, state, out);
    }
}

fn transitions(ctx: &DefinitionContext, state: &State, out: &mut Vec<Finding>) {
    let next = state.node.member("Next");
    let end = state.node.member("End");
    match state.kind {
        StateType::Choice | StateType::Succeed | StateType::Fail => {
            for member in [next, end].into_iter().flatten() {
                out.push(ctx.finding(
                    &FIELD_CONFLICT,
                    member.span(),
                    format!("A {:?} state cannot have \"{}\"", state.kind, member.key),
                ));
            }
        }
        _ => {
            if let (Some(_), Some(end)) = (next, end) {
                out.push(ctx.finding(
                    &FIELD_CONFLICT,
                    end.span(),
                    format!("State \"{}\" has both \"Next\" and \"End\"", state.name),
                ));
            }
        }
    }
}
