//! Linking: the role a state machine's `role_arn` names, and every policy
//! attached to it.

use std::collections::BTreeSet;

use super::eval::Scope;
use super::module::{ref_text, segments, Block, Module};
use super::policy::policy_value;
use crate::core::files::FileId;
use crate::core::syntax::hcl::REF;
use crate::core::syntax::{Node, NodeKind};
use crate::core::unit::PolicyDoc;
use crate::core::workspace::Workspace;

/// The `aws_iam_role` a `role_arn` names: by reference, else by value.
pub(super) fn role_block<'s, 'a>(scope: &'s Scope<'s, 'a>, node: &Node) -> Option<(&'a str, Block<'a>)> {
    if let Some(text) = ref_text(node) {
        if let [kind, name, ..] = segments(text).as_slice() {
            if *kind == "aws_iam_role" {
                return scope
                    .module
                    .resources
                    .iter()
                    .find(|((k, n), _)| *k == "aws_iam_role" && n == name)
                    .map(|((_, n), block)| (*n, *block));
            }
        }
    }
    let value = scope.eval(node, 0)?;
    scope
        .module
        .resources
        .iter()
        .find(|((kind, name), block)| {
            *kind == "aws_iam_role"
                && scope.attribute(kind, name, block, "arn", "", 0).as_deref() == Some(value.as_str())
        })
        .map(|((_, name), block)| (*name, *block))
}

/// Whether a resource other than a state machine (a Lambda function, an
/// ECS task, an EventBridge target) runs as the role: what it needs is not
/// this workflow's to judge unused.
pub(super) fn used_elsewhere(module: &Module, role_name: &str) -> bool {
    let attribute_of_role =
        |text: &str| matches!(segments(text).as_slice(), ["aws_iam_role", name, _] if *name == role_name);
    module.resources.iter().any(|(&(kind, _), block)| {
        if kind == "aws_sfn_state_machine" || kind.starts_with("aws_iam_") {
            return false;
        }
        let mut stack = vec![block.body];
        let mut budget = 10_000;
        while let Some(node) = stack.pop() {
            budget -= 1;
            if budget == 0 {
                return false;
            }
            match &node.kind {
                NodeKind::Tagged { tag, node: inner, .. }
                    if tag == REF && inner.as_str().is_some_and(attribute_of_role) =>
                {
                    return true;
                }
                NodeKind::Tagged { node: inner, .. } => stack.push(inner),
                NodeKind::Object(members) => stack.extend(members.iter().map(|m| &m.value)),
                NodeKind::Array(items) => stack.extend(items.iter()),
                _ => {}
            }
        }
        false
    })
}

/// Whether `node` (a policy's `role`, or an element of `roles`) names the role.
pub(super) fn names_role(scope: &Scope, node: &Node, role_name: &str, role: &Block) -> bool {
    if let Some(text) = ref_text(node) {
        if let ["aws_iam_role", name, ..] = segments(text).as_slice() {
            return *name == role_name;
        }
    }
    let Some(value) = scope.eval(node, 0) else {
        return false;
    };
    ["name", "arn"].iter().any(|a| {
        scope
            .attribute("aws_iam_role", role_name, role, a, "", 0)
            .as_deref()
            == Some(value.as_str())
    })
}

/// Every policy attached to the role: `inline_policy` blocks and
/// `aws_iam_role_policy` resources first (a fix adds statements to the
/// first policy it can edit), then attached `aws_iam_policy` resources and
/// managed policies.
/// `None` when one of them cannot be read.
pub(super) fn role_policies(
    workspace: &Workspace,
    scope: &Scope,
    role_name: &str,
    role: &Block,
) -> Option<Vec<PolicyDoc>> {
    let module = scope.module;
    let mut out = Vec::new();
    // A policy document that cannot be read (`policy = var.json`, dynamic
    // statements): the role's permissions are not known, and judging them
    // from the rest would report grants as missing.
    let mut unreadable = false;
    let mut read = |doc: Option<PolicyDoc>, out: &mut Vec<PolicyDoc>| match doc {
        Some(doc) => out.push(doc),
        None => unreadable = true,
    };
    for member in role.all("inline_policy") {
        if let Some(policy) = member.value.get("policy") {
            read(policy_value(workspace, scope, role.file, policy), &mut out);
        }
    }
    for (&(kind, _), block) in &module.resources {
        if kind == "aws_iam_role_policy"
            && block
                .get("role")
                .is_some_and(|r| names_role(scope, r, role_name, role))
        {
            if let Some(policy) = block.get("policy") {
                read(policy_value(workspace, scope, block.file, policy), &mut out);
            }
        }
    }
    let mut attached: Vec<(FileId, &Node)> = Vec::new();
    for (&(kind, _), block) in &module.resources {
        let roles: Vec<&Node> = match kind {
            "aws_iam_role_policy_attachment" => block.get("role").into_iter().collect(),
            "aws_iam_policy_attachment" => block
                .get("roles")
                .map(|r| r.elements().iter().collect())
                .unwrap_or_default(),
            _ => continue,
        };
        if roles.iter().any(|r| names_role(scope, r, role_name, role)) {
            if let Some(arn) = block.get("policy_arn") {
                attached.push((block.file, arn));
            }
        }
    }
    if let Some(arns) = role.get("managed_policy_arns") {
        for arn in arns.elements() {
            attached.push((role.file, arn));
        }
    }
    let mut seen = BTreeSet::new();
    for (file, arn) in attached {
        let (arn_scope, file, arn) = scope.deref(file, arn, 0);
        if let Some(text) = ref_text(arn) {
            match segments(text).as_slice() {
                ["aws_iam_policy", name, ..] => {
                    if !seen.insert(name.to_string()) {
                        continue;
                    }
                    if let Some(block) = arn_scope.module.resources.get(&("aws_iam_policy", *name)) {
                        if let Some(policy) = block.get("policy") {
                            read(policy_value(workspace, arn_scope, block.file, policy), &mut out);
                        }
                    }
                    continue;
                }
                ["data", "aws_iam_policy", name, ..] => {
                    if let Some(block) = arn_scope.module.data.get(&("aws_iam_policy", *name)) {
                        let value = block
                            .get("arn")
                            .or_else(|| block.get("name"))
                            .and_then(|n| arn_scope.eval(n, 0));
                        if let Some(value) = value {
                            out.extend(crate::core::template::sam::managed_policy(&value, arn, file));
                        }
                    }
                    continue;
                }
                _ => {}
            }
        }
        if let Some(value) = arn_scope.eval(arn, 0) {
            out.extend(crate::core::template::sam::managed_policy(&value, arn, file));
        }
    }
    if unreadable {
        return None;
    }
    Some(out)
}
