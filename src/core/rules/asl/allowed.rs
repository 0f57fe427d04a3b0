//! Which fields each state type allows, in JSONPath and in JSONata mode
//! (Amazon States Language specification, "State Types" and "Transforming
//! data with JSONata"); fields that exclude each other; Retry and Catch;
//! state names; Credentials.

use crate::core::hash::FastMap;

use super::{closest, DefinitionContext};
use crate::core::asl::{QueryLanguage, State, StateType};
use crate::core::diagnostic::{Finding, Severity};
use crate::core::rules::RuleMeta;
use crate::core::syntax::{Node, NodeKind};

pub const UNKNOWN_FIELD: RuleMeta = RuleMeta {
    id: "asl-unknown-field",
    default_severity: Severity::Error,
    summary: "A field the state's type (or query language) does not allow",
};

pub const RETRY_CATCH: RuleMeta = RuleMeta {
    id: "asl-retry-catch",
    default_severity: Severity::Error,
    summary: "A malformed Retry or Catch rule",
};

pub const STATE_NAME: RuleMeta = RuleMeta {
    id: "asl-state-name",
    default_severity: Severity::Error,
    summary: "A state name used twice in the machine, or longer than 80 characters",
};

pub const CREDENTIALS: RuleMeta = RuleMeta {
    id: "asl-credentials",
    default_severity: Severity::Error,
    summary: "Task Credentials that do not name a role",
};

const COMMON: &[&str] = &["Type", "Comment", "QueryLanguage", "Assign"];
const JSONPATH_IO: &[&str] = &["InputPath", "OutputPath"];

fn allowed(kind: StateType, language: QueryLanguage) -> &'static [&'static str] {
    use QueryLanguage::*;
    use StateType::*;
    match (kind, language) {
        (Pass, JsonPath) => &["Next", "End", "Parameters", "Result", "ResultPath"],
        (Pass, Jsonata) => &["Next", "End", "Output"],
        (Task, JsonPath) => &[
            "Next",
            "End",
            "Resource",
            "Parameters",
            "Credentials",
            "ResultSelector",
            "ResultPath",
            "Retry",
            "Catch",
            "TimeoutSeconds",
            "TimeoutSecondsPath",
            "HeartbeatSeconds",
            "HeartbeatSecondsPath",
        ],
        (Task, Jsonata) => &[
            "Next",
            "End",
            "Resource",
            "Arguments",
            "Output",
            "Credentials",
            "Retry",
            "Catch",
            "TimeoutSeconds",
            "HeartbeatSeconds",
        ],
        (Choice, JsonPath) => &["Choices", "Default"],
        (Choice, Jsonata) => &["Choices", "Default", "Output"],
        (Wait, JsonPath) => &[
            "Next",
            "End",
            "Seconds",
            "Timestamp",
            "SecondsPath",
            "TimestampPath",
        ],
        (Wait, Jsonata) => &["Next", "End", "Seconds", "Timestamp", "Output"],
        (Succeed, JsonPath) => &[],
        (Succeed, Jsonata) => &["Output"],
        (Fail, JsonPath) => &["Error", "Cause", "ErrorPath", "CausePath"],
        (Fail, Jsonata) => &["Error", "Cause"],
        (Parallel, JsonPath) => &[
            "Next",
            "End",
            "Branches",
            "Parameters",
            "ResultSelector",
            "ResultPath",
            "Retry",
            "Catch",
        ],
        (Parallel, Jsonata) => &["Next", "End", "Branches", "Arguments", "Output", "Retry", "Catch"],
        (Map, JsonPath) => &[
            "Next",
            "End",
            "ItemsPath",
            "ItemProcessor",
            "Iterator",
            "ItemSelector",
            "Parameters",
            "ItemReader",
            "ItemBatcher",
            "ResultWriter",
            "MaxConcurrency",
            "MaxConcurrencyPath",
            "ToleratedFailurePercentage",
            "ToleratedFailurePercentagePath",
            "ToleratedFailureCount",
            "ToleratedFailureCountPath",
            "Label",
            "ResultSelector",
            "ResultPath",
            "Retry",
            "Catch",
        ],
        (Map, Jsonata) => &[
            "Next",
            "End",
            "Items",
            "ItemProcessor",
            "ItemSelector",
            "ItemReader",
            "ItemBatcher",
            "ResultWriter",
            "MaxConcurrency",
            "ToleratedFailurePercentage",
            "ToleratedFailureCount",
            "Label",
            "Output",
            "Retry",
            "Catch",
        ],
        (Unknown, _) => &[],
    }
}

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

/// State names: unique in the whole state machine, and not too long.
pub fn names(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
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

/// Each checked state's fields, Credentials, Retry and Catch.
pub fn check(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    for state in ctx.states() {
        if !state.node.is_object() || state.kind == StateType::Unknown {
            continue;
        }
        fields(ctx, state, out);
        if state.kind == StateType::Task {
            credentials(ctx, state, out);
        }
        for field in ["Retry", "Catch"] {
            if let Some(list) = state.field(field) {
                retry_catch(ctx, field, list, out);
            }
        }
    }
}

fn fields(ctx: &DefinitionContext, state: &State, out: &mut Vec<Finding>) {
    let language = state.query_language;
    let own = allowed(state.kind, language);
    let io: &[&str] = if language == QueryLanguage::JsonPath {
        JSONPATH_IO
    } else {
        &[]
    };
    let is_allowed = |key: &str| COMMON.contains(&key) || own.contains(&key) || io.contains(&key);
    for member in state.node.members() {
        let key = member.key.as_str();
        // `Next`/`End` on a terminal or Choice state: asl-field-conflict says so.
        if is_allowed(key) || key == "Next" || key == "End" {
            continue;
        }
        let other = match language {
            QueryLanguage::JsonPath => QueryLanguage::Jsonata,
            QueryLanguage::Jsonata => QueryLanguage::JsonPath,
        };
        let other_io: &[&str] = if other == QueryLanguage::JsonPath {
            JSONPATH_IO
        } else {
            &[]
        };
        let message = if allowed(state.kind, other).contains(&key) || other_io.contains(&key) {
            format!(
                "\"{key}\" is a {} field; this state uses {}",
                if other == QueryLanguage::Jsonata {
                    "JSONata"
                } else {
                    "JSONPath"
                },
                if language == QueryLanguage::Jsonata {
                    "JSONata"
                } else {
                    "JSONPath"
                }
            )
        } else {
            let candidates = COMMON.iter().chain(own.iter()).chain(io.iter()).copied();
            let hint = closest(key, candidates)
                .map(|s| format!("; did you mean \"{s}\"?"))
                .unwrap_or_default();
            format!("A {:?} state has no field \"{key}\"{hint}", state.kind)
        };
        out.push(ctx.finding(&UNKNOWN_FIELD, member.key_span, message));
    }
    for (a, b) in EXCLUSIVE {
        if let (Some(_), Some(second)) = (state.node.member(a), state.node.member(b)) {
            out.push(ctx.finding(
                &super::fields::FIELD_CONFLICT,
                second.key_span,
                format!("\"{a}\" and \"{b}\" cannot both be set"),
            ));
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
