//! `asl-choice-rule`: the rules of a Choice state. In JSONPath a rule is a
//! comparison (`Variable` and exactly one operator whose value has the
//! operator's type) or a Boolean combination (`And`/`Or` with a non-empty
//! array of rules, `Not` with one); in JSONata it is a `Condition`.
//! Top-level rules need `Next`; nested rules may not have one; no rule ends
//! the execution.

use super::asl_path::{check_path, Expect};
use super::asl_wait::valid_timestamp;
use super::common::{closest, DefinitionContext};
use crate::core::asl::{QueryLanguage, StateType};
use crate::core::diagnostic::{Finding, Severity};
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};
use crate::core::syntax::{Node, NodeKind};

pub const CHOICE_RULE: RuleMeta = RuleMeta {
    id: "asl-choice-rule",
    default_severity: Severity::Error,
    summary: "A malformed Choice rule: operator, value type, Variable, Next or nesting",
};

pub const ENTRY: Rule = Rule {
    meta: CHOICE_RULE,
    scope: Scope::State,
    check: Check::Definition {
        run: check,
        machine: None,
    },
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Value {
    String,
    Number,
    Boolean,
    Timestamp,
    Path,
}

const OPERATORS: &[(&str, Value)] = &[
    ("StringEquals", Value::String),
    ("StringLessThan", Value::String),
    ("StringGreaterThan", Value::String),
    ("StringLessThanEquals", Value::String),
    ("StringGreaterThanEquals", Value::String),
    ("StringMatches", Value::String),
    ("NumericEquals", Value::Number),
    ("NumericLessThan", Value::Number),
    ("NumericGreaterThan", Value::Number),
    ("NumericLessThanEquals", Value::Number),
    ("NumericGreaterThanEquals", Value::Number),
    ("BooleanEquals", Value::Boolean),
    ("TimestampEquals", Value::Timestamp),
    ("TimestampLessThan", Value::Timestamp),
    ("TimestampGreaterThan", Value::Timestamp),
    ("TimestampLessThanEquals", Value::Timestamp),
    ("TimestampGreaterThanEquals", Value::Timestamp),
    ("IsNull", Value::Boolean),
    ("IsPresent", Value::Boolean),
    ("IsNumeric", Value::Boolean),
    ("IsString", Value::Boolean),
    ("IsBoolean", Value::Boolean),
    ("IsTimestamp", Value::Boolean),
    ("StringEqualsPath", Value::Path),
    ("StringLessThanPath", Value::Path),
    ("StringGreaterThanPath", Value::Path),
    ("StringLessThanEqualsPath", Value::Path),
    ("StringGreaterThanEqualsPath", Value::Path),
    ("NumericEqualsPath", Value::Path),
    ("NumericLessThanPath", Value::Path),
    ("NumericGreaterThanPath", Value::Path),
    ("NumericLessThanEqualsPath", Value::Path),
    ("NumericGreaterThanEqualsPath", Value::Path),
    ("BooleanEqualsPath", Value::Path),
    ("TimestampEqualsPath", Value::Path),
    ("TimestampLessThanPath", Value::Path),
    ("TimestampGreaterThanPath", Value::Path),
    ("TimestampLessThanEqualsPath", Value::Path),
    ("TimestampGreaterThanEqualsPath", Value::Path),
];

const MAX_DEPTH: usize = 64;

pub fn check(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    for state in ctx.states() {
        if state.kind != StateType::Choice {
            continue;
        }
        let Some(choices) = state.field("Choices") else {
            continue;
        };
        let NodeKind::Array(rules) = &choices.kind else {
            out.push(ctx.finding(
                &CHOICE_RULE,
                choices.span,
                "\"Choices\" must be an array of rules",
            ));
            continue;
        };
        for rule in rules {
            match state.query_language {
                QueryLanguage::JsonPath => jsonpath_rule(ctx, rule, out),
                QueryLanguage::Jsonata => jsonata_rule(ctx, rule, out),
            }
        }
    }
}

fn not_object(ctx: &DefinitionContext, rule: &Node, out: &mut Vec<Finding>) -> bool {
    if rule.is_object() {
        return false;
    }
    out.push(ctx.finding(
        &CHOICE_RULE,
        rule.span,
        format!("A Choice rule must be an object, not {}", rule.type_name()),
    ));
    true
}

fn jsonata_rule(ctx: &DefinitionContext, rule: &Node, out: &mut Vec<Finding>) {
    if not_object(ctx, rule, out) {
        return;
    }
    top_level_fields(ctx, rule, out);
    for member in rule.members() {
        let key = member.key.as_str();
        match key {
            "Condition" | "Next" | "Comment" | "Assign" | "Output" => {}
            _ => {
                let message = if key == "Variable"
                    || OPERATORS.iter().any(|(o, _)| *o == key)
                    || matches!(key, "And" | "Or" | "Not")
                {
                    format!("\"{key}\" is a JSONPath Choice field; a JSONata rule tests \"Condition\"")
                } else {
                    unknown_message(key, &["Condition", "Next", "Comment", "Assign", "Output"])
                };
                out.push(ctx.finding(&CHOICE_RULE, member.key_span, message));
            }
        }
    }
    match rule.member("Condition") {
        None => out.push(ctx.finding(
            &CHOICE_RULE,
            anchor(rule),
            "A JSONata Choice rule needs \"Condition\"",
        )),
        Some(c) if !matches!(c.value.kind, NodeKind::String(_) | NodeKind::Bool(_)) => out.push(ctx.finding(
            &CHOICE_RULE,
            c.value.span,
            "\"Condition\" is a JSONata expression \"{% ... %}\" or a boolean",
        )),
        Some(_) => {}
    }
}

/// `Next` (required) and the rest of what only a top-level rule may have.
fn top_level_fields(ctx: &DefinitionContext, rule: &Node, out: &mut Vec<Finding>) {
    match rule.member("Next") {
        None if rule.member("End").is_none() => {
            out.push(ctx.finding(&CHOICE_RULE, anchor(rule), "Each Choice rule needs \"Next\""))
        }
        Some(next) if next.value.as_str().is_none() => {
            out.push(ctx.finding(&CHOICE_RULE, next.value.span, "\"Next\" must be a state name"))
        }
        _ => {}
    }
    if let Some(end) = rule.member("End") {
        out.push(ctx.finding(
            &CHOICE_RULE,
            end.key_span,
            "A Choice rule cannot end the execution: give it \"Next\" (a Succeed state ends it)",
        ));
    }
}

fn anchor(node: &Node) -> crate::core::text::TextRange {
    crate::core::text::TextRange::new(node.span.start(), (node.span.start() + 1).min(node.span.end()))
}

fn unknown_message(key: &str, candidates: &[&str]) -> String {
    let all = candidates
        .iter()
        .copied()
        .chain(OPERATORS.iter().map(|(o, _)| *o));
    let hint = closest(key, all)
        .map(|s| format!("; did you mean \"{s}\"?"))
        .unwrap_or_default();
    format!("A Choice rule has no field \"{key}\"{hint}")
}

fn jsonpath_rule(ctx: &DefinitionContext, top: &Node, out: &mut Vec<Finding>) {
    // Explicit stack of (rule, is top level, depth).
    let mut stack = vec![(top, true, 0usize)];
    while let Some((rule, is_top, depth)) = stack.pop() {
        if not_object(ctx, rule, out) || depth > MAX_DEPTH {
            continue;
        }
        if is_top {
            top_level_fields(ctx, rule, out);
        } else if let Some(next) = rule.member("Next") {
            out.push(ctx.finding(
                &CHOICE_RULE,
                next.key_span,
                "Only a top-level Choice rule has \"Next\"; a rule inside And, Or or Not does not",
            ));
        }
        let mut operators = Vec::new();
        let mut unknown = false;
        for member in rule.members() {
            let key = member.key.as_str();
            match key {
                "Variable" | "Comment" => {}
                "Next" | "End" => {}
                "Assign" if is_top => {}
                "And" | "Or" => {
                    operators.push(member);
                    match &member.value.kind {
                        NodeKind::Array(items) if !items.is_empty() => {
                            for item in items.iter().rev() {
                                stack.push((item, false, depth + 1));
                            }
                        }
                        _ => out.push(ctx.finding(
                            &CHOICE_RULE,
                            member.value.span,
                            format!("\"{key}\" takes a non-empty array of rules"),
                        )),
                    }
                }
                "Not" => {
                    operators.push(member);
                    stack.push((&member.value, false, depth + 1));
                }
                _ => match OPERATORS.iter().find(|(o, _)| *o == key) {
                    Some((_, value)) => {
                        operators.push(member);
                        operand(ctx, key, *value, &member.value, out);
                    }
                    None => {
                        let message = if matches!(key, "Condition" | "Output") {
                            format!("\"{key}\" is a JSONata Choice field; this state uses JSONPath")
                        } else {
                            unknown_message(
                                key,
                                &["Variable", "Next", "Comment", "Assign", "And", "Or", "Not"],
                            )
                        };
                        out.push(ctx.finding(&CHOICE_RULE, member.key_span, message));
                        unknown = true;
                    }
                },
            }
        }
        match operators.as_slice() {
            // A misspelt operator was just reported; one finding is enough.
            [] if unknown => {}
            [] => out.push(ctx.finding(
                &CHOICE_RULE,
                anchor(rule),
                "A Choice rule needs a comparison operator (such as \"StringEquals\") or \"And\", \"Or\", \"Not\"",
            )),
            [only] => {
                let boolean = matches!(only.key.as_str(), "And" | "Or" | "Not");
                match (boolean, rule.member("Variable")) {
                    (false, None) => out.push(ctx.finding(
                        &CHOICE_RULE,
                        only.key_span,
                        format!("\"{}\" compares \"Variable\", which this rule lacks", only.key),
                    )),
                    (true, Some(v)) => out.push(ctx.finding(
                        &CHOICE_RULE,
                        v.key_span,
                        format!("\"Variable\" has no meaning beside \"{}\"", only.key),
                    )),
                    (false, Some(v)) => match v.value.as_str() {
                        Some(text) => check_path(ctx, &v.value, text, Expect::Reference, "\"Variable\"", out),
                        None => out.push(ctx.finding(
                            &CHOICE_RULE,
                            v.value.span,
                            "\"Variable\" must be a reference path string",
                        )),
                    },
                    (true, None) => {}
                }
            }
            [_, rest @ ..] => {
                for extra in rest {
                    out.push(ctx.finding(
                        &CHOICE_RULE,
                        extra.key_span,
                        "A Choice rule has exactly one operator; combine comparisons with \"And\" or \"Or\"",
                    ));
                }
            }
        }
    }
}

fn operand(ctx: &DefinitionContext, operator: &str, expected: Value, value: &Node, out: &mut Vec<Finding>) {
    let ok = match expected {
        Value::String => value.as_str().is_some(),
        Value::Number => value.as_f64().is_some(),
        Value::Boolean => value.as_bool().is_some(),
        Value::Timestamp => match value.as_str() {
            Some(t) => {
                if !valid_timestamp(t) {
                    out.push(ctx.finding(
                        &CHOICE_RULE,
                        value.span,
                        format!(
                            "\"{operator}\" takes an RFC 3339 timestamp such as \"2024-01-31T23:59:59Z\""
                        ),
                    ));
                }
                true
            }
            None => false,
        },
        Value::Path => match value.as_str() {
            Some(text) => {
                check_path(
                    ctx,
                    value,
                    text,
                    Expect::Reference,
                    &format!("\"{operator}\""),
                    out,
                );
                true
            }
            None => false,
        },
    };
    if !ok {
        let what = match expected {
            Value::String => "a string",
            Value::Number => "a number",
            Value::Boolean => "true or false",
            Value::Timestamp => "a timestamp string",
            Value::Path => "a reference path string",
        };
        let hint = if expected != Value::Path
            && !operator.starts_with("Is")
            && value.as_str().is_some_and(|s| s.starts_with('$'))
        {
            format!("; to compare with another value use \"{operator}Path\"")
        } else {
            String::new()
        };
        out.push(ctx.finding(
            &CHOICE_RULE,
            value.span,
            format!("\"{operator}\" takes {what}, not {}{hint}", value.type_name()),
        ));
    }
}
