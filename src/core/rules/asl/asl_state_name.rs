//! `asl-state-name`: state names are unique in the whole state machine and
//! at most 80 characters long.

use super::common::DefinitionContext;
use crate::core::asl::State;
use crate::core::diagnostic::{Finding, Severity};
use crate::core::hash::FastMap;
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};

pub const STATE_NAME: RuleMeta = RuleMeta {
    id: "asl-state-name",
    default_severity: Severity::Error,
    summary: "A state name used twice in the machine, or longer than 80 characters",
};

pub const ENTRY: Rule = Rule {
    meta: STATE_NAME,
    scope: Scope::Machine,
    check: Check::Definition {
        run: check,
        machine: None,
    },
};

/// State names: unique in the whole state machine, and not too long.
pub fn check(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    let mut first_use: FastMap<&str, &State> = FastMap::default();
    for state in &ctx.machine.states {
        if state.name.chars().count() > 80 {
            out.push(ctx.finding(
                &STATE_NAME,
                state.name_span(),
                format!(
                    "State names are at most 80 characters; \"{}…\" has {}",
                    state.name.chars().take(20).collect::<String>(),
                    state.name.chars().count()
                ),
            ));
        }
        match first_use.get(state.name) {
            Some(other) if other.scope != state.scope || other.member.key_span != state.member.key_span => {
                out.push(ctx.finding(
                    &STATE_NAME,
                    state.name_span(),
                    format!("\"{}\" is already the name of another state; names are unique in the whole state machine", state.name),
                ));
            }
            _ => {
                first_use.insert(state.name, state);
            }
        }
    }
}
