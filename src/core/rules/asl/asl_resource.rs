//! `asl-resource`: a Task's `Resource` is an ARN string. A `${...}`
//! placeholder (filled in by CloudFormation, SAM or Terraform before AWS
//! sees the definition) is accepted but must be closed; a Lambda function
//! ARN names the function and at most one version or alias qualifier.

use super::common::{string_range, DefinitionContext};
use crate::core::asl::StateType;
use crate::core::diagnostic::{Finding, Severity};
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};

pub const RESOURCE: RuleMeta = RuleMeta {
    id: "asl-resource",
    default_severity: Severity::Error,
    summary: "A Task Resource that is not a well-formed ARN",
};

pub const ENTRY: Rule = Rule {
    meta: RESOURCE,
    scope: Scope::State,
    check: Check::Definition {
        run: check,
        machine: None,
    },
};

pub fn check(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    for state in ctx.states().filter(|s| s.kind == StateType::Task) {
        let Some(node) = state.field("Resource") else {
            continue;
        };
        let Some(text) = node.as_str() else {
            if is_cloudformation_intrinsic(node) {
                // Resolved by CloudFormation before AWS sees the definition.
                continue;
            }
            out.push(ctx.finding(
                &RESOURCE,
                node.span,
                format!("\"Resource\" must be an ARN string, not {}", node.type_name()),
            ));
            continue;
        };
        if let Some(open) = unclosed_placeholder(text) {
            out.push(ctx.finding(
                &RESOURCE,
                string_range(ctx.text, node, open, open + 2),
                "This \"${\" placeholder is never closed with \"}\", so nothing substitutes it and the Resource is not an ARN",
            ));
            continue;
        }
        if text.contains("${") || !text.starts_with("arn:") {
            continue;
        }
        let parts: Vec<&str> = text.splitn(7, ':').collect();
        if parts.len() < 6 {
            out.push(ctx.finding(
                &RESOURCE,
                node.span,
                "An ARN has the form arn:partition:service:region:account:resource",
            ));
            continue;
        }
        if parts[2] == "lambda" {
            lambda(ctx, node, text, out);
        }
    }
}

/// `{"Ref": ...}` or `{"Fn::GetAtt": ...}`: a template value, resolved
/// before the definition reaches Step Functions.
fn is_cloudformation_intrinsic(node: &crate::core::syntax::Node) -> bool {
    matches!(node.members(), [only] if only.key == "Ref" || only.key.starts_with("Fn::"))
        || matches!(node.kind, crate::core::syntax::NodeKind::Tagged { .. })
}

/// The offset of a `${` with no `}` after it.
fn unclosed_placeholder(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find("${") {
        let open = from + i;
        match text[open + 2..].find('}') {
            Some(j) => from = open + 2 + j + 1,
            None => return Some(open),
        }
    }
    None
}

/// `arn:aws:lambda:region:account:function:name[:qualifier]`.
fn lambda(ctx: &DefinitionContext, node: &crate::core::syntax::Node, text: &str, out: &mut Vec<Finding>) {
    let parts: Vec<&str> = text.split(':').collect();
    if parts.get(5) != Some(&"function") {
        return;
    }
    let offset = |index: usize| parts[..index].iter().map(|p| p.len() + 1).sum::<usize>();
    let name_ok = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    match parts.get(6) {
        Some(name) if name_ok(name) => {}
        _ => {
            let start = offset(6).min(text.len());
            let end = parts.get(6).map_or(text.len(), |n| start + n.len());
            out.push(ctx.finding(
                &RESOURCE,
                string_range(ctx.text, node, start, end.max(start)),
                "A Lambda function name is letters, digits, \"-\" and \"_\"",
            ));
            return;
        }
    }
    if let Some(qualifier) = parts.get(7) {
        let ok = *qualifier == "$LATEST"
            || (!qualifier.is_empty()
                && qualifier
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        if !ok {
            let start = offset(7) - 1;
            out.push(ctx.finding(
                &RESOURCE,
                string_range(ctx.text, node, start, start + 1 + qualifier.len()),
                if qualifier.is_empty() {
                    "The ARN ends with \":\": remove it, or name a version or alias after it".to_string()
                } else {
                    format!("\"{qualifier}\" is not a version or alias: use $LATEST, a version number, or an alias of letters, digits, \"-\" and \"_\"")
                },
            ));
        }
    }
    if parts.len() > 8 {
        let start = offset(8) - 1;
        out.push(ctx.finding(
            &RESOURCE,
            string_range(ctx.text, node, start, text.len()),
            "A Lambda function ARN has at most one qualifier",
        ));
    }
}
