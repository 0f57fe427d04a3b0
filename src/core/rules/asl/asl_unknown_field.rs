//! `asl-unknown-field`: a field the state's type does not allow, in
//! JSONPath and in JSONata mode (Amazon States Language specification,
//! "State Types" and "Transforming data with JSONata").

use super::common::DefinitionContext;
use super::common::{closest, is_typed};
use crate::core::asl::{QueryLanguage, State, StateType};
use crate::core::diagnostic::{Finding, Severity};
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};

pub const UNKNOWN_FIELD: RuleMeta = RuleMeta {
    id: "asl-unknown-field",
    default_severity: Severity::Error,
    summary: "A field the state's type (or query language) does not allow",
};

pub const ENTRY: Rule = Rule {
    meta: UNKNOWN_FIELD,
    scope: Scope::State,
    check: Check::Definition {
        run: check,
        machine: None,
    },
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

pub fn check(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    for state in ctx.states().filter(|s| is_typed(s)) {
        fields(ctx, state, out);
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
}
