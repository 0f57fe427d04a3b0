//! `QueryLanguage` consistency, and Task resources that name an optimized
//! integration AWS does not offer.

use super::DefinitionContext;
use crate::core::asl::{QueryLanguage, StateType};
use crate::core::catalog::{self, TaskKind};
use crate::core::diagnostic::{Finding, Severity};
use crate::core::rules::RuleMeta;
use crate::core::syntax::Node;

pub const QUERY_LANGUAGE: RuleMeta = RuleMeta {
    id: "asl-query-language",
    default_severity: Severity::Error,
    summary: "An unknown QueryLanguage, or a JSONPath state in a JSONata state machine",
};

pub const UNKNOWN_INTEGRATION: RuleMeta = RuleMeta {
    id: "asl-unknown-integration",
    default_severity: Severity::Error,
    summary: "A Task resource naming an optimized integration, pattern or SDK operation AWS does not offer",
};

/// Services whose optimized APIs the catalog lists completely.
const COMPLETE: &[&str] = &[
    "lambda", "dynamodb", "sns", "sqs", "ecs", "batch", "events", "states",
];

/// The state machine's own `QueryLanguage`.
pub fn top(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    if let Some(node) = ctx.root.get("QueryLanguage") {
        invalid_value(ctx, node, out);
    }
}

/// Each checked state's `QueryLanguage`, and its Task resource's integration.
pub fn check(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    for state in ctx.states() {
        if let Some(node) = state.field("QueryLanguage") {
            if invalid_value(ctx, node, out) {
                continue;
            }
            // A top-level state may not go back to JSONPath when the state
            // machine is JSONata (AWS's ValidateStateMachineDefinition
            // rejects it; inside a Map or Parallel AWS accepts it).
            let top_level = ctx.machine.scope(state.scope).parent.is_none();
            if top_level
                && node.as_str() == Some("JSONPath")
                && ctx.machine.top().query_language == QueryLanguage::Jsonata
            {
                out.push(ctx.finding(
                    &QUERY_LANGUAGE,
                    node.span,
                    "A top-level state cannot use JSONPath when the state machine uses JSONata",
                ));
            }
        }
        if state.kind == StateType::Task {
            integration(ctx, state.field("Resource"), out);
        }
    }
}

fn invalid_value(ctx: &DefinitionContext, node: &Node, out: &mut Vec<Finding>) -> bool {
    if matches!(node.as_str(), Some("JSONPath" | "JSONata")) {
        return false;
    }
    out.push(ctx.finding(
        &QUERY_LANGUAGE,
        node.span,
        "\"QueryLanguage\" is \"JSONPath\" or \"JSONata\"",
    ));
    true
}

fn integration(ctx: &DefinitionContext, resource: Option<&Node>, out: &mut Vec<Finding>) {
    let Some(node) = resource else { return };
    let Some(text) = node.as_str() else { return };
    let task = catalog::parse_task_resource(text);
    if let TaskKind::AwsSdk { service, action } = &task.kind {
        aws_sdk_operation(ctx, node, service, action, out);
        return;
    }
    let TaskKind::Optimized { service, api } = &task.kind else {
        return;
    };
    if !COMPLETE.contains(&service.as_str()) || catalog::is_known(&task) {
        return;
    }
    let message = if catalog::target_arguments(&catalog::TaskResource {
        pattern: catalog::Pattern::RequestResponse,
        ..task.clone()
    })
    .is_empty()
        && !catalog::is_known(&catalog::TaskResource {
            pattern: catalog::Pattern::RequestResponse,
            ..task.clone()
        }) {
        format!("Step Functions has no optimized integration \"{service}:{api}\"; call it through aws-sdk:{service}:{api}")
    } else {
        format!("\"{service}:{api}\" does not support this integration pattern")
    };
    out.push(ctx.finding(&UNKNOWN_INTEGRATION, node.span, message));
}

/// An `aws-sdk` task naming an operation its SDK service does not have.
/// Only services the SDK models know are checked: Step Functions names a
/// few services otherwise than their SDK id (`config`).
fn aws_sdk_operation(
    ctx: &DefinitionContext,
    node: &Node,
    service: &str,
    operation: &str,
    out: &mut Vec<Finding>,
) {
    let sar = crate::core::sar::sar();
    let Some(sdk) = sar.sdk_service(service) else {
        return;
    };
    // Only the case of the name differing is not reported.
    if sdk
        .operations
        .iter()
        .any(|o| o.name.eq_ignore_ascii_case(operation))
    {
        return;
    }
    let message = format!("The {service} SDK has no operation \"{operation}\"");
    out.push(ctx.finding(&UNKNOWN_INTEGRATION, node.span, message));
}
