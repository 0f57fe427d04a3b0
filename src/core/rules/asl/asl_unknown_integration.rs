//! `asl-unknown-integration`: a Task resource naming an optimized
//! integration, integration pattern or SDK operation AWS does not offer.

use super::asl_query_language;
use super::common::DefinitionContext;
use crate::core::asl::StateType;
use crate::core::catalog::{self, TaskKind};
use crate::core::diagnostic::{Finding, Severity};
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};
use crate::core::syntax::Node;

pub const UNKNOWN_INTEGRATION: RuleMeta = RuleMeta {
    id: "asl-unknown-integration",
    default_severity: Severity::Error,
    summary: "A Task resource naming an optimized integration, pattern or SDK operation AWS does not offer",
};

pub const ENTRY: Rule = Rule {
    meta: UNKNOWN_INTEGRATION,
    scope: Scope::State,
    check: Check::Definition {
        run: check,
        machine: None,
    },
};

/// Services whose optimized APIs the catalog lists completely.
const COMPLETE: &[&str] = &[
    "lambda", "dynamodb", "sns", "sqs", "ecs", "batch", "events", "states",
];

/// Each checked Task's resource. A state whose `QueryLanguage` is not
/// valid is `asl-query-language`'s alone.
pub fn check(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    for state in ctx.states() {
        if state
            .field("QueryLanguage")
            .is_some_and(|node| !asl_query_language::is_valid(node))
        {
            continue;
        }
        if state.kind == StateType::Task {
            integration(ctx, state.field("Resource"), out);
        }
    }
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
        if !catalog::sdk_actions_known(service, operation) {
            // The operation exists; its IAM action is not known (a retired
            // service such as CloudHSM Classic, a name the mapping could
            // not place): said once, at info, instead of a guessed need.
            let message = format!(
                "No IAM action is known for aws-sdk:{service}:{operation}: the Service Authorization Reference lists none, so the role is not checked for it"
            );
            let info = crate::core::rules::meta::RuleMeta {
                default_severity: crate::core::diagnostic::Severity::Info,
                ..UNKNOWN_INTEGRATION
            };
            out.push(ctx.finding(&info, node.span, message));
        }
        return;
    }
    let message = format!("The {service} SDK has no operation \"{operation}\"");
    out.push(ctx.finding(&UNKNOWN_INTEGRATION, node.span, message));
}
