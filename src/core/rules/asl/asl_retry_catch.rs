//! `asl-retry-catch`: malformed `Retry` and `Catch` rules: `ErrorEquals`,
//! error names Step Functions raises, `States.ALL` alone and last, the
//! retry numbers, `JitterStrategy`, a Catch rule's `Next`.

use super::common::DefinitionContext;
use super::common::{closest, is_typed};
use crate::core::diagnostic::{Finding, Severity};
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};
use crate::core::syntax::{Node, NodeKind};

pub const RETRY_CATCH: RuleMeta = RuleMeta {
    id: "asl-retry-catch",
    default_severity: Severity::Error,
    summary: "A malformed Retry or Catch rule",
};

pub const ENTRY: Rule = Rule {
    meta: RETRY_CATCH,
    scope: Scope::State,
    check: Check::Definition {
        run: check,
        machine: None,
    },
};

/// The errors Step Functions raises (developer guide, "Handling errors in
/// Step Functions workflows", Error names).
const ERROR_NAMES: &[&str] = &[
    "States.ALL",
    "States.BranchFailed",
    "States.DataLimitExceeded",
    "States.ExceedToleratedFailureThreshold",
    "States.HeartbeatTimeout",
    "States.Http.Socket",
    "States.IntrinsicFailure",
    "States.ItemReaderFailed",
    "States.NoChoiceMatched",
    "States.ParameterPathFailure",
    "States.Permissions",
    "States.QueryEvaluationError",
    "States.ResultPathMatchFailure",
    "States.ResultWriterFailed",
    "States.Runtime",
    "States.TaskFailed",
    "States.Timeout",
];

pub fn check(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    for state in ctx.states().filter(|s| is_typed(s)) {
        for field in ["Retry", "Catch"] {
            if let Some(list) = state.field(field) {
                retry_catch(ctx, field, list, out);
            }
        }
    }
}

fn retry_catch(ctx: &DefinitionContext, field: &str, list: &Node, out: &mut Vec<Finding>) {
    let NodeKind::Array(rules) = &list.kind else {
        out.push(ctx.finding(
            &RETRY_CATCH,
            list.span,
            format!("\"{field}\" must be an array of rules"),
        ));
        return;
    };
    for (i, rule) in rules.iter().enumerate() {
        let Some(errors) = rule.member("ErrorEquals") else {
            out.push(ctx.finding(&RETRY_CATCH, rule.span, "Each rule needs \"ErrorEquals\""));
            continue;
        };
        let names = errors.value.elements();
        if names.is_empty() || names.iter().any(|n| n.as_str().is_none()) {
            out.push(ctx.finding(
                &RETRY_CATCH,
                errors.value.span,
                "\"ErrorEquals\" is a non-empty array of error names",
            ));
            continue;
        }
        for name in names {
            let Some(text) = name.as_str() else { continue };
            if text.starts_with("States.") && !ERROR_NAMES.contains(&text) {
                let hint = closest(text, ERROR_NAMES.iter().copied())
                    .map(|s| format!("; did you mean \"{s}\"?"))
                    .unwrap_or_default();
                out.push(ctx.finding_at(
                    &RETRY_CATCH,
                    Severity::Warning,
                    name.span,
                    format!("Step Functions raises no error \"{text}\", and other errors cannot use the \"States.\" prefix, so this never matches{hint}"),
                ));
            }
        }
        if let Some(all) = names.iter().find(|n| n.as_str() == Some("States.ALL")) {
            if names.len() > 1 || i + 1 != rules.len() {
                out.push(ctx.finding(
                    &RETRY_CATCH,
                    all.span,
                    format!("\"States.ALL\" must be alone and in the last {field} rule"),
                ));
            }
        }
        if field == "Retry" {
            if let Some(rate) = rule.get("BackoffRate") {
                if rate.as_f64().is_none_or(|r| r < 1.0) {
                    out.push(ctx.finding(
                        &RETRY_CATCH,
                        rate.span,
                        "\"BackoffRate\" is a number of at least 1.0",
                    ));
                }
            }
            for key in ["IntervalSeconds", "MaxAttempts", "MaxDelaySeconds"] {
                if let Some(v) = rule.get(key) {
                    let minimum = if key == "MaxAttempts" { 0.0 } else { 1.0 };
                    if v.as_f64().is_none_or(|n| n < minimum || n.fract() != 0.0) {
                        out.push(ctx.finding(
                            &RETRY_CATCH,
                            v.span,
                            format!("\"{key}\" is a whole number of at least {minimum}"),
                        ));
                    }
                }
            }
            if let Some(j) = rule.get("JitterStrategy") {
                if !matches!(j.as_str(), Some("FULL" | "NONE")) {
                    out.push(ctx.finding(&RETRY_CATCH, j.span, "\"JitterStrategy\" is \"FULL\" or \"NONE\""));
                }
            }
        }
        if field == "Catch" && rule.get("Next").is_none() {
            out.push(ctx.finding(&RETRY_CATCH, rule.span, "Each Catch rule needs \"Next\""));
        }
    }
}
