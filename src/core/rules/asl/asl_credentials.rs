//! `asl-credentials`: a Task's `Credentials` that do not name exactly one
//! role (`RoleArn` or `RoleArn.$`).

use super::common::is_typed;
use super::common::DefinitionContext;
use crate::core::asl::{State, StateType};
use crate::core::diagnostic::{Finding, Severity};
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};

pub const CREDENTIALS: RuleMeta = RuleMeta {
    id: "asl-credentials",
    default_severity: Severity::Error,
    summary: "Task Credentials that do not name a role",
};

pub const ENTRY: Rule = Rule {
    meta: CREDENTIALS,
    scope: Scope::State,
    check: Check::Definition {
        run: check,
        machine: None,
    },
};

pub fn check(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    for state in ctx.states().filter(|s| is_typed(s)) {
        if state.kind == StateType::Task {
            credentials(ctx, state, out);
        }
    }
}

fn credentials(ctx: &DefinitionContext, state: &State, out: &mut Vec<Finding>) {
    let Some(member) = state.node.member("Credentials") else {
        return;
    };
    let ok = member
        .value
        .members()
        .iter()
        .any(|m| m.key == "RoleArn" || m.key == "RoleArn.$")
        && member
            .value
            .members()
            .iter()
            .all(|m| m.key == "RoleArn" || m.key == "RoleArn.$");
    if !ok {
        out.push(ctx.finding(
            &CREDENTIALS,
            member.value.span,
            "\"Credentials\" is an object with exactly one of \"RoleArn\" or \"RoleArn.$\"",
        ));
    }
}
