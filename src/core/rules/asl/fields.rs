//! Each state type's required fields and the combinations AWS rejects.

use std::collections::HashSet;

use super::{closest, DefinitionContext};
use crate::core::asl::{State, StateType};
use crate::core::diagnostic::{Finding, Severity};
use crate::core::rules::RuleMeta;
use crate::core::syntax::{Node, NodeKind};

pub const INVALID_TYPE: RuleMeta = RuleMeta {
    id: "asl-invalid-type",
    default_severity: Severity::Error,
    summary: "A state with a missing or unknown Type",
};

pub const MISSING_FIELD: RuleMeta = RuleMeta {
    id: "asl-missing-field",
    default_severity: Severity::Error,
    summary: "A state lacks a field its type requires",
};

pub const FIELD_CONFLICT: RuleMeta = RuleMeta {
    id: "asl-field-conflict",
    default_severity: Severity::Error,
    summary: "Fields that cannot appear together (Next with End, End on a Choice, ...)",
};

pub const DUPLICATE_KEY: RuleMeta = RuleMeta {
    id: "asl-duplicate-key",
    default_severity: Severity::Error,
    summary: "The same key twice in one object",
};

const TYPES: &[&str] = &[
    "Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map",
];
const MAX_DEPTH: usize = 512;

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
        if !check_type(ctx, state, out) {
            continue;
        }
        check_required(ctx, state, out);
        check_transitions(ctx, state, out);
    }
}

fn check_type(ctx: &DefinitionContext, state: &State, out: &mut Vec<Finding>) -> bool {
    match state.node.member("Type") {
        None => {
            out.push(ctx.finding(
                &INVALID_TYPE,
                state.name_span(),
                format!("State \"{}\" has no \"Type\"", state.name),
            ));
            false
        }
        Some(member) => match member.value.as_str() {
            Some(t) if TYPES.contains(&t) => true,
            Some(t) => {
                let hint = closest(t, TYPES.iter().copied())
                    .map(|s| format!("; did you mean \"{s}\"?"))
                    .unwrap_or_default();
                out.push(ctx.finding(
                    &INVALID_TYPE,
                    member.value.span,
                    format!("\"{t}\" is not a state type{hint}"),
                ));
                false
            }
            None => {
                out.push(ctx.finding(&INVALID_TYPE, member.value.span, "\"Type\" must be a string"));
                false
            }
        },
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

fn check_transitions(ctx: &DefinitionContext, state: &State, out: &mut Vec<Finding>) {
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
        _ => match (next, end) {
            (Some(_), Some(end)) => out.push(ctx.finding(
                &FIELD_CONFLICT,
                end.span(),
                format!("State \"{}\" has both \"Next\" and \"End\"", state.name),
            )),
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
        },
    }
}

pub fn duplicate_keys(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    let mut stack: Vec<(&Node, usize)> = vec![(ctx.root, 0)];
    while let Some((node, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            continue;
        }
        match &node.kind {
            NodeKind::Object(members) => {
                // Small objects (nearly all of them) are compared pairwise.
                let mut seen = HashSet::new();
                for (i, member) in members.iter().enumerate() {
                    let repeated = if members.len() <= 16 {
                        members[..i].iter().any(|m| m.key == member.key)
                    } else {
                        !seen.insert(member.key.as_str())
                    };
                    if repeated {
                        out.push(ctx.finding(
                            &DUPLICATE_KEY,
                            member.key_span,
                            format!(
                                "\"{}\" appears twice in this object; AWS rejects duplicate keys",
                                member.key
                            ),
                        ));
                    }
                    stack.push((&member.value, depth + 1));
                }
            }
            NodeKind::Array(items) => stack.extend(items.iter().map(|i| (i, depth + 1))),
            NodeKind::Tagged { node, .. } => stack.push((node, depth + 1)),
            _ => {}
        }
    }
}
