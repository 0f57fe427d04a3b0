//! `asl-jsonata`: in a JSONata state every string written `{% ... %}` is a
//! JSONata expression; it must parse, and a string that opens with `{%`
//! must close with `%}` (and the other way round). Errors point at the
//! exact character in the expression.

use super::common::{string_range, walk, DefinitionContext};
use crate::core::asl::{jsonata, QueryLanguage, StateType};
use crate::core::diagnostic::{Finding, Severity};
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};
use crate::core::syntax::Node;

pub const JSONATA: RuleMeta = RuleMeta {
    id: "asl-jsonata",
    default_severity: Severity::Error,
    summary: "A JSONata expression that does not parse, or `{% %}` delimiters that do not match",
};

pub const ENTRY: Rule = Rule {
    meta: JSONATA,
    scope: Scope::State,
    check: Check::Definition {
        run: check,
        machine: None,
    },
};

/// Fields that hold names, not expressions (or whose scopes are checked
/// state by state).
const NOT_EXPRESSIONS: &[&str] = &[
    "Type",
    "Comment",
    "Next",
    "Default",
    "Resource",
    "QueryLanguage",
    "End",
    "Branches",
    "ItemProcessor",
    "Iterator",
    "ErrorEquals",
];

pub fn check(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    for state in ctx.states() {
        if state.query_language != QueryLanguage::Jsonata || state.kind == StateType::Unknown {
            continue;
        }
        for member in state.node.members() {
            if NOT_EXPRESSIONS.contains(&member.key.as_str()) {
                continue;
            }
            walk(&member.value, |key, node| {
                if key.is_some_and(|k| NOT_EXPRESSIONS.contains(&k.key.as_str())) {
                    return;
                }
                if let Some(text) = node.as_str() {
                    expression(ctx, node, text, out);
                }
            });
        }
    }
}

/// Checks one string of a JSONata state.
pub fn expression(ctx: &DefinitionContext, node: &Node, text: &str, out: &mut Vec<Finding>) {
    let opens = text.starts_with("{%");
    let closes = text.ends_with("%}") && text.len() >= 4;
    match (opens, closes) {
        (false, false) => {}
        (true, false) => out.push(ctx.finding(
            &JSONATA,
            string_range(ctx.text, node, 0, 2),
            "This JSONata expression opens with \"{%\" but does not end with \"%}\"",
        )),
        (false, true) => out.push(ctx.finding(
            &JSONATA,
            string_range(ctx.text, node, text.len() - 2, text.len()),
            "This string ends with \"%}\" but does not start with \"{%\": a JSONata expression is written \"{% expression %}\"",
        )),
        (true, true) => {
            let inner = &text[2..text.len() - 2];
            if let Err(e) = jsonata::check(inner) {
                let (start, end) = if inner.trim().is_empty() {
                    (0, text.len())
                } else {
                    (2 + e.start, 2 + e.end.max(e.start + 1).min(inner.len()).max(e.start))
                };
                out.push(ctx.finding(
                    &JSONATA,
                    string_range(ctx.text, node, start, end),
                    format!("JSONata syntax error: {}", e.message),
                ));
            }
        }
    }
}
