//! `asl-field-value`: fields whose value has the wrong type or is out of
//! range: `TimeoutSeconds` and `HeartbeatSeconds` (positive whole numbers,
//! the heartbeat shorter than the timeout), `Branches` (a non-empty array
//! of branch objects), `Next`, `Default` and `StartAt` (state names),
//! `Comment` (a string).

use super::common::{is_placeholder, DefinitionContext};
use crate::core::asl::{QueryLanguage, StateType};
use crate::core::diagnostic::{Finding, Severity};
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};
use crate::core::syntax::{Node, NodeKind};

pub const FIELD_VALUE: RuleMeta = RuleMeta {
    id: "asl-field-value",
    default_severity: Severity::Error,
    summary: "A field whose value has the wrong type or is out of range",
};

pub const ENTRY: Rule = Rule {
    meta: FIELD_VALUE,
    scope: Scope::State,
    check: Check::Definition {
        run: check,
        machine: Some(scopes),
    },
};

const MAX_SECONDS: f64 = 99_999_999.0;

/// The state machine's and its branches' own fields.
pub fn scopes(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    for scope in &ctx.machine.scopes {
        if let Some(comment) = scope.node.get("Comment") {
            string(ctx, "Comment", comment, out);
        }
        if let Some(version) = scope.node.get("Version").filter(|_| scope.parent.is_none()) {
            string(ctx, "Version", version, out);
        }
    }
}

/// Each checked state's field values.
pub fn check(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    for state in ctx.states() {
        if !state.node.is_object() || state.kind == StateType::Unknown {
            continue;
        }
        let jsonata = state.query_language == QueryLanguage::Jsonata;
        for key in ["Next", "Default", "Comment"] {
            if let Some(value) = state.field(key) {
                string(ctx, key, value, out);
            }
        }
        let timeout = seconds(ctx, state.field("TimeoutSeconds"), "TimeoutSeconds", jsonata, out);
        let heartbeat = seconds(
            ctx,
            state.field("HeartbeatSeconds"),
            "HeartbeatSeconds",
            jsonata,
            out,
        );
        if let (Some(t), Some(h)) = (timeout, heartbeat) {
            if h >= t {
                if let Some(node) = state.field("HeartbeatSeconds") {
                    out.push(ctx.finding(
                        &FIELD_VALUE,
                        node.span,
                        format!("\"HeartbeatSeconds\" ({h}) must be shorter than \"TimeoutSeconds\" ({t})"),
                    ));
                }
            }
        }
        if state.kind == StateType::Parallel {
            if let Some(branches) = state.field("Branches") {
                match &branches.kind {
                    NodeKind::Array(items) if items.is_empty() => out.push(ctx.finding(
                        &FIELD_VALUE,
                        branches.span,
                        "\"Branches\" needs at least one branch",
                    )),
                    NodeKind::Array(items) => {
                        for item in items.iter().filter(|i| !i.is_object()) {
                            out.push(ctx.finding(
                                &FIELD_VALUE,
                                item.span,
                                format!(
                                    "Each branch is an object with \"StartAt\" and \"States\", not {}",
                                    item.type_name()
                                ),
                            ));
                        }
                    }
                    _ => out.push(ctx.finding(
                        &FIELD_VALUE,
                        branches.span,
                        format!(
                            "\"Branches\" must be an array of branches, not {}",
                            branches.type_name()
                        ),
                    )),
                }
            }
        }
        if state.kind == StateType::Map {
            for key in ["ItemProcessor", "Iterator"] {
                if let Some(p) = state.field(key).filter(|p| !p.is_object()) {
                    out.push(ctx.finding(
                        &FIELD_VALUE,
                        p.span,
                        format!(
                            "\"{key}\" must be an object with \"StartAt\" and \"States\", not {}",
                            p.type_name()
                        ),
                    ));
                }
            }
        }
    }
}

fn string(ctx: &DefinitionContext, key: &str, value: &Node, out: &mut Vec<Finding>) {
    if value.as_str().is_none() {
        out.push(ctx.finding(
            &FIELD_VALUE,
            value.span,
            format!("\"{key}\" must be a string, not {}", value.type_name()),
        ));
    }
}

/// A positive whole number of seconds (or, in JSONata, an expression);
/// returns the literal value when there is one.
fn seconds(
    ctx: &DefinitionContext,
    value: Option<&Node>,
    key: &str,
    jsonata: bool,
    out: &mut Vec<Finding>,
) -> Option<f64> {
    let value = value?;
    if is_placeholder(value) {
        return None;
    }
    if jsonata && value.as_str().is_some_and(|s| s.starts_with("{%")) {
        return None;
    }
    match value.as_f64() {
        Some(n) if n.fract() == 0.0 && (1.0..=MAX_SECONDS).contains(&n) => Some(n),
        _ => {
            let hint = if !jsonata && value.as_str().is_some_and(|s| s.starts_with('$')) {
                format!("; to read it from the input use \"{key}Path\"")
            } else {
                String::new()
            };
            out.push(ctx.finding(
                &FIELD_VALUE,
                value.span,
                format!("\"{key}\" is a whole number of seconds from 1 to 99999999{hint}"),
            ));
            None
        }
    }
}
