//! `asl-missing-field`: a field the state's type requires, and `Next` or
//! `End: true` on a state that does not end its scope.

use super::common::is_typed;
use super::common::DefinitionContext;
use crate::core::asl::{State, StateType};
use crate::core::diagnostic::{Finding, Severity};
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};

pub const MISSING_FIELD: RuleMeta = RuleMeta {
    id: "asl-missing-field",
    default_severity: Severity::Error,
    summary: "A state lacks a field its type requires",
};

pub const ENTRY: Rule = Rule {
    meta: MISSING_FIELD,
    scope: Scope::State,
    check: Check::Definition {
        run: check,
        machine: None,
    },
};

pub fn check(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    for state in ctx.states().filter(|s| is_typed(s)) {
        check_required(ctx, state, out);
        check_transitions(ctx, state, out);
    }
}

fn check_required(ctx: &DefinitionContext, state: &State, out: &mut Vec<Finding>) {
    let required: &[&str] = match state.kind {
        StateType::Task => &["Resource"],
        StateType::Choice => &["Choices"],
        StateType::Parallel => &["Branches"],
        _ => &[],
    };
    for field in required {
        if state.field(field).is_none() {
            out.push(ctx.finding(
                &MISSING_FIELD,
                state.name_span(),
                format!("{:?} state \"{}\" needs \"{field}\"", state.kind, state.name),
            ));
        }
    }
    if state.kind == StateType::Map
        && state.field("ItemProcessor").is_none()
        && state.field("Iterator").is_none()
    {
        out.push(ctx.finding(
            &MISSING_FIELD,
            state.name_span(),
            format!("Map state \"{}\" needs \"ItemProcessor\"", state.name),
        ));
    }
    if state.kind == StateType::Choice {
        if let Some(choices) = state.field("Choices") {
            if choices.elements().is_empty() {
                out.push(ctx.finding(
                    &MISSING_FIELD,
                    choices.span,
                    "\"Choices\" needs at least one rule",
                ));
            }
        }
    }
    if state.kind == StateType::Wait {
        let present: Vec<&str> = ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"]
            .into_iter()
            .filter(|f| state.field(f).is_some())
            .collect();
        if present.is_empty() {
            out.push(ctx.finding(
                &MISSING_FIELD,
                state.name_span(),
                format!(
                    "Wait state \"{}\" needs one of \"Seconds\", \"Timestamp\", \"SecondsPath\" or \"TimestampPath\"",
                    state.name
                ),
            ));
        }
    }
}

/// A state that does not end its scope needs `Next`, else `End: true`
/// (`asl-field-conflict` reports both, or either on a terminal state).
fn check_transitions(ctx: &DefinitionContext, state: &State, out: &mut Vec<Finding>) {
    if matches!(
        state.kind,
        StateType::Choice | StateType::Succeed | StateType::Fail
    ) {
        return;
    }
    let next = state.node.member("Next");
    let end = state.node.member("End");
    match (next, end) {
        (None, None) => out.push(ctx.finding(
            &MISSING_FIELD,
            state.name_span(),
            format!("State \"{}\" needs \"Next\" or \"End\": true", state.name),
        )),
        (None, Some(end)) if end.value.as_bool() != Some(true) => out.push(ctx.finding(
            &MISSING_FIELD,
            end.value.span,
            format!(
                "State \"{}\" has no \"Next\", so \"End\" must be true",
                state.name
            ),
        )),
        _ => {}
    }
}
