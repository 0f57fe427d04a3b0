//! Fixes that edit a JSON policy file: insert statements, and scope a
//! statement to what the workflow needs without losing anything it grants
//! that is still needed (a shared statement is split, not rewritten).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::context::{sid_for, statement_json, Context};
use crate::core::diagnostic::FileEdit;
use crate::core::fix::{self, Dialect};
use crate::core::iam::{self, StatementRef};
use crate::core::syntax::{Node, NodeKind};

/// The tree node of a statement (the policy's `Statement` array element, or
/// the single statement object).
pub fn statement_node<'c>(ctx: &'c Context, r: StatementRef) -> Option<&'c Node> {
    let root = &ctx.policy_root(r.policy).root;
    let statement = root.get("Statement")?;
    match &statement.kind {
        NodeKind::Array(items) => items.get(r.statement),
        NodeKind::Object(_) if r.statement == 0 => Some(statement),
        _ => None,
    }
}

fn unique_sids_except_first(ctx: &Context, policy: usize, statements: &mut [Value], keep_first: bool) {
    if keep_first {
        if let Some((_, rest)) = statements.split_first_mut() {
            unique_sids(ctx, policy, rest);
        }
    } else {
        unique_sids(ctx, policy, statements);
    }
}

fn unique_sids(ctx: &Context, policy: usize, statements: &mut [Value]) {
    let mut taken: BTreeSet<String> = ctx.policies[policy]
        .statements
        .iter()
        .filter_map(|s| s.sid.clone())
        .collect();
    for statement in statements {
        let Some(sid) = statement.get("Sid").and_then(Value::as_str).map(str::to_string) else {
            continue;
        };
        let mut candidate = sid.clone();
        let mut n = 2;
        while taken.contains(&candidate) {
            candidate = format!("{sid}{n}");
            n += 1;
        }
        taken.insert(candidate.clone());
        statement["Sid"] = Value::String(candidate);
    }
}

/// Adds statements to the first policy of the role that a fix can edit.
pub fn insert_statements(ctx: &Context, mut statements: Vec<Value>) -> Option<Vec<FileEdit>> {
    if statements.is_empty() {
        return None;
    }
    let Some(index) = (0..ctx.unit.policies.len()).find(|&i| ctx.policy_root(i).editor().is_some()) else {
        return insert_into_sam_policies(ctx, statements);
    };
    unique_sids(ctx, index, &mut statements);
    let doc = ctx.policy_root(index);
    if !writable(doc.dialect, &statements) {
        return None;
    }
    let editor = doc.editor()?;
    let text = ctx_text(ctx, index);
    let root = &doc.root;
    match root.get("Statement") {
        Some(node) if matches!(node.kind, NodeKind::Array(_) | NodeKind::Object(_)) => {
            editor.append(doc.file, text, node, &statements)
        }
        Some(_) => None,
        None if root.is_object() => {
            editor.add_member(doc.file, text, root, "Statement", &Value::Array(statements))
        }
        None => None,
    }
}

/// A role with nothing a fix can edit: a SAM state machine whose `Policies`
/// hold no inline statements (only policy templates, managed policies,
/// connectors, or nothing) gets an inline document in `Policies`; a
/// template role with only managed policies gets an inline policy.
fn insert_into_sam_policies(ctx: &Context, statements: Vec<Value>) -> Option<Vec<FileEdit>> {
    let machine = ctx.unit.machine.as_ref()?;
    let template = machine.template();
    let resource = template.resource(&machine.logical_id)?;
    let editor = fix::editor_with(machine.dialect, Some(&machine.encoder))?;
    let text = ctx.unit_text(machine.file);
    let role_node = resource.property("RoleArn").or_else(|| resource.property("Role"));
    if let Some(role_node) = role_node {
        // A role of the template with no inline policy (only managed
        // ones): the statements go into a new inline policy of the role.
        let role = crate::core::template::cfn::role_resource(&template, role_node)?;
        let properties = role.properties?;
        let policy = serde_json::json!({
            "PolicyName": format!("{}Permissions", machine.logical_id),
            "PolicyDocument": { "Version": "2012-10-17", "Statement": statements },
        });
        return match properties.get("Policies") {
            Some(list)
                if matches!(list.untagged().kind, NodeKind::Array(_))
                    && !list.untagged().elements().is_empty() =>
            {
                editor.append(machine.file, text, list.untagged(), &[policy])
            }
            Some(list) if matches!(list.untagged().kind, NodeKind::Array(_)) => {
                editor.replace(machine.file, text, list, &Value::Array(vec![policy]))
            }
            Some(_) => None,
            None => editor.add_member(
                machine.file,
                text,
                properties,
                "Policies",
                &Value::Array(vec![policy]),
            ),
        };
    }
    if resource.kind != "AWS::Serverless::StateMachine" {
        return None;
    }
    let document = serde_json::json!({ "Statement": statements });
    match resource.property("Policies") {
        Some(policies)
            if policies.untagged().elements().is_empty()
                && matches!(policies.untagged().kind, NodeKind::Array(_)) =>
        {
            editor.replace(machine.file, text, policies, &Value::Array(vec![document]))
        }
        Some(policies) if matches!(policies.untagged().kind, NodeKind::Array(_)) => {
            editor.append(machine.file, text, policies.untagged(), &[document])
        }
        Some(_) => None,
        None => editor.add_member(
            machine.file,
            text,
            resource.properties?,
            "Policies",
            &Value::Array(vec![document]),
        ),
    }
}

/// Whether statements can be written into a policy of `dialect` as they
/// are. A plain JSON or YAML policy has no template to resolve a
/// placeholder a need kept (`${WorkerFunctionArn}`, `${AWS::Region}`): IAM
/// would read it as a policy variable, so such a fix is not offered. IAM's
/// own variables (`${aws:username}`, `${*}`) are written as they are.
fn writable(dialect: Dialect, statements: &[Value]) -> bool {
    if !matches!(dialect, Dialect::Json | Dialect::Yaml) {
        return true;
    }
    fn unresolved(value: &Value) -> bool {
        match value {
            Value::String(s) => {
                let mut found = false;
                crate::core::template::intrinsics::replace_placeholders(s, |name| {
                    found |=
                        name.starts_with("AWS::") || !name.contains(':') && !matches!(name, "*" | "?" | "$");
                    None
                });
                found
            }
            Value::Array(items) => items.iter().any(unresolved),
            Value::Object(members) => members.values().any(unresolved),
            _ => false,
        }
    }
    !statements.iter().any(unresolved)
}

fn ctx_text<'c>(ctx: &'c Context, policy: usize) -> &'c str {
    ctx.unit_text(ctx.policy_root(policy).file)
}

/// What a statement grants that the workflow needs: action → resources.
pub fn needed_through(ctx: &Context, r: StatementRef) -> BTreeMap<String, BTreeSet<String>> {
    ctx.grants().get(&r).cloned().unwrap_or_default()
}

/// Rewrites statement `r` so that the actions the workflow needs through it
/// are granted only on the resources it needs; its other actions stay in
/// the statement as they were. `only` limits the rewrite to these actions
/// (e.g. just `lambda:InvokeFunction`). `None` when no safe rewrite exists
/// (NotAction/NotResource statements, or nothing needed goes through it).
/// Whether a fix may take anything away from this policy: only when what
/// this workflow needs is all that uses it. A policy other state machines
/// or other resources (a Lambda function with the same role) also use, or
/// a workflow with a call the catalog does not model, keeps what it has.
pub fn may_narrow(ctx: &Context, policy: usize) -> bool {
    use crate::core::catalog::TaskKind;
    let doc = ctx.policy_root(policy);
    if ctx.unit.shared_policies.contains(&doc.key()) {
        return false;
    }
    !ctx.tasks.iter().any(|t| {
        t.map_site.is_none()
            && match t.resource.kind {
                TaskKind::Unknown => true,
                TaskKind::Optimized { .. } | TaskKind::AwsSdk { .. } => t.needs.is_empty(),
                TaskKind::Activity | TaskKind::LambdaArn { .. } => false,
            }
    })
}

pub fn scope_statement(
    ctx: &Context,
    r: StatementRef,
    only: Option<&dyn Fn(&str) -> bool>,
    extra: &BTreeMap<String, BTreeSet<String>>,
) -> Option<Vec<FileEdit>> {
    if !may_narrow(ctx, r.policy) {
        return None;
    }
    let statement = ctx.statement(r);
    let actions = statement.actions.as_ref()?;
    let resources = statement.resources.as_ref()?;
    if actions.negated || resources.negated {
        return None;
    }
    let node = statement_node(ctx, r)?;
    let mut needed_all = needed_through(ctx, r);
    for (action, set) in extra {
        needed_all
            .entry(action.clone())
            .or_default()
            .extend(set.iter().cloned());
    }
    let focus = |a: &str| only.is_none_or(|f| f(a));
    // Sort the written actions: those rewritten to the needed resources,
    // and the rest, which stay in the statement as they were. A wildcard
    // used for a focused action is replaced by the exact actions it was
    // needed for (whatever else it allowed, nothing needs).
    let mut kept: Vec<&str> = Vec::new();
    let mut needed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in &actions.items {
        let written = item.value.as_str();
        let covered: Vec<&String> = needed_all
            .keys()
            .filter(|n| iam::glob_match(written, n, true))
            .collect();
        if covered.is_empty() || !covered.iter().any(|a| focus(a)) {
            kept.push(written);
            continue;
        }
        let is_pattern = written.contains(['*', '?']);
        for action in covered {
            if is_pattern || focus(action) {
                needed.insert(action.clone(), needed_all[action].clone());
            }
        }
    }
    if needed.is_empty() {
        return None;
    }
    // Group needed actions by identical resource sets.
    let mut groups: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
    for (action, set) in &needed {
        groups
            .entry(set.iter().cloned().collect())
            .or_default()
            .push(action.clone());
    }
    let condition = node.get("Condition").map(Node::to_json);
    let mut new_statements: Vec<Value> = groups
        .into_iter()
        .map(|(resources, actions)| {
            let mut s = statement_json(&sid_for(&actions), &actions, &resources, None);
            if let Some(c) = &condition {
                s["Condition"] = c.clone();
            }
            s
        })
        .collect();
    if kept.is_empty() {
        // A rewritten statement keeps its name (or its lack of one);
        // split-off statements get new ones.
        if let Some(first) = new_statements.first_mut().and_then(Value::as_object_mut) {
            match &statement.sid {
                Some(sid) => {
                    first.insert("Sid".into(), Value::String(sid.clone()));
                }
                None => {
                    first.shift_remove("Sid");
                }
            }
        }
    }
    unique_sids_except_first(
        ctx,
        r.policy,
        &mut new_statements,
        kept.is_empty() && statement.sid.is_some(),
    );
    let doc = ctx.policy_root(r.policy);
    if !writable(doc.dialect, &new_statements) {
        return None;
    }
    let editor = doc.editor()?;
    let text = ctx_text(ctx, r.policy);
    let statements = doc.root.get("Statement")?;
    if kept.is_empty() {
        return editor.replace_element(doc.file, text, statements, r.statement, &new_statements);
    }
    let action_node = node.get("Action")?;
    let kept_value = Value::Array(kept.iter().map(|a| Value::String(a.to_string())).collect());
    let mut edits = editor.replace(doc.file, text, action_node, &kept_value)?;
    edits.extend(editor.insert_after(doc.file, text, statements, r.statement, &new_statements)?);
    Some(edits)
}
