//! Terraform: every `aws_sfn_state_machine` of a module (all `.tf` files of
//! one folder), its definition (`file()`, `templatefile()`, the deprecated
//! `data "template_file"`, `jsonencode()`, a heredoc) and the policies of
//! the role its `role_arn` names (`inline_policy`, `aws_iam_role_policy`,
//! `aws_iam_policy` with its attachments, `managed_policy_arns`,
//! `data "aws_iam_policy_document"`). A local module that receives the
//! definition or the role as variables is followed from each `module` block
//! that calls it.
//!
//! Values are canonical strings exactly as for CloudFormation
//! ([`super::intrinsics`]): a reference to a resource of a known type is
//! the ARN (or URL, or name) it will have, with `${AWS::Region}` and
//! `${AWS::AccountId}` for region and account and `aws` for the partition;
//! a reference that cannot be known stays a `${...}` token.

mod definition;
mod eval;
mod module;
mod policy;
mod role;
mod shape;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use self::definition::definition;
use self::eval::Scope;
use self::module::{Block, Module};
use self::policy::policy_value;
use self::role::{role_block, role_policies, used_elsewhere};
use crate::core::classify::FileKind;
use crate::core::files::{parent_dir, FileId};
use crate::core::fix::hcl::is_identifier;
use crate::core::syntax::{Node, NodeKind};
use crate::core::template::scan::{own_name, Scan};
use crate::core::unit::{
    DefinitionDoc, EncryptedTarget, LinkKind, MachineResource, PolicyDoc, TaskDefinitionRoles, Unit,
};
use crate::core::workspace::Workspace;

/// Bounds instantiation of deep module chains.
const MAX_MODULE_DEPTH: usize = 4;

/// Scans every Terraform module of the workspace.
pub fn scan(workspace: &Workspace, scan: &mut Scan) {
    let files = workspace.files;
    let mut dirs: BTreeMap<String, Vec<(FileId, &Node)>> = BTreeMap::new();
    for id in files.ids() {
        if workspace.kind(id) != FileKind::Terraform {
            continue;
        }
        if let Some(root) = workspace.root(id) {
            dirs.entry(parent_dir(files.path(id)).to_string())
                .or_default()
                .push((id, root));
        }
    }
    let modules: BTreeMap<String, Module> = dirs
        .into_iter()
        .map(|(dir, roots)| (dir.clone(), Module::new(dir, &roots)))
        .collect();
    let mut called = BTreeSet::new();
    for module in modules.values() {
        for (_, call) in &module.calls {
            if let Some(dir) = module.source_dir(call) {
                if dir != module.dir && modules.contains_key(&dir) {
                    called.insert(dir);
                }
            }
        }
    }
    for module in modules.values() {
        if called.contains(&module.dir) {
            continue;
        }
        let scope = Scope::new(&modules, module, None, String::new());
        instantiate(workspace, &modules, &scope, 0, scan);
    }
}

fn instantiate(
    workspace: &Workspace,
    modules: &BTreeMap<String, Module>,
    scope: &Scope,
    depth: usize,
    scan: &mut Scan,
) {
    for (name, block) in &scope.module.machines {
        if let Some(unit) = machine_unit(workspace, scope, name, block, scan) {
            scan.units.push(unit);
        }
    }
    if depth >= MAX_MODULE_DEPTH {
        return;
    }
    for (name, call) in &scope.module.calls {
        let Some(child) = scope.module.source_dir(call).and_then(|d| modules.get(&d)) else {
            continue;
        };
        if child.dir == scope.module.dir {
            continue;
        }
        let child_scope = Scope::new(
            modules,
            child,
            Some((*call, scope)),
            format!("{}module.{name}.", scope.prefix),
        );
        instantiate(workspace, modules, &child_scope, depth + 1, scan);
    }
}

fn machine_unit(
    workspace: &Workspace,
    scope: &Scope,
    name: &str,
    block: &Block,
    scan: &mut Scan,
) -> Option<Unit> {
    let definition_node = block.get("definition")?;
    // A definition that cannot be read (a file that is not there, a path
    // from a variable) still leaves the state machine and its role to check.
    let (definition, definition_unread) =
        match definition(workspace, scope, block.file, definition_node, scan) {
            Some(definition) => (definition, false),
            None => (unread_definition(workspace, block.file, definition_node), true),
        };
    let mut policies = Vec::new();
    let mut trust = None;
    let mut names_module = scope;
    let mut shared_policies = BTreeSet::new();
    // A role the module does not declare (a variable, an ARN) is out of sight.
    let mut link = LinkKind::External;
    if let Some(role_node) = block.get("role_arn") {
        let (role_scope, _, role_node) = scope.deref(block.file, role_node, 0);
        if let Some((role_name, role)) = role_block(role_scope, role_node) {
            match role_policies(workspace, role_scope, role_name, &role) {
                Some(read) => {
                    policies = read;
                    link = LinkKind::Template;
                }
                // Out of sight: the role is judged by nothing it holds.
                None => link = LinkKind::External,
            }
            if used_elsewhere(role_scope.module, role_name) {
                shared_policies.extend(policies.iter().map(PolicyDoc::key));
            }
            trust = role
                .get("assume_role_policy")
                .and_then(|n| policy_value(workspace, role_scope, role.file, n));
            names_module = role_scope;
        }
    }
    let root = workspace.shared_root(block.file)?;
    let data = &names_module.module.data;
    let has = |kind: &str| data.keys().any(|(k, _)| *k == kind);
    let mut arn = super::cfn::template_arn_defaults();
    if !has("aws_region") && names_module.module.region_variable.is_none() {
        arn.region = None;
    }
    if !has("aws_caller_identity") {
        arn.account = None;
    }
    Some(Unit {
        definition,
        definition_unread,
        policies,
        trust,
        arn,
        link,
        shared_policies,
        machine: Some(MachineResource {
            name: own_name(
                scope.attribute("aws_sfn_state_machine", name, block, "name", "", 0),
                &format!("aws_sfn_state_machine.{name}"),
            ),
            file: block.file,
            root,
            template: None,
            logical_id: format!("{}aws_sfn_state_machine.{name}", scope.prefix),
            encoder: scope.encoder(),
            dialect: crate::core::fix::Dialect::Hcl,
            task_definitions: Arc::new(task_definitions(scope, names_module)),
            encryption_key: block
                .get("encryption_configuration")
                .and_then(|c| c.get("kms_key_id"))
                .and_then(|k| scope.eval(k, 0))
                .filter(|k| !k.is_empty()),
            // Terraform key policies (`aws_kms_key.policy`) are not read yet.
            key_policy_grants: Vec::new(),
            encrypted_targets: Arc::new(encrypted_targets(scope, names_module)),
            sources: workspace
                .files
                .ids()
                .filter(|&id| {
                    let dir = crate::core::files::parent_dir(workspace.files.path(id));
                    (dir == scope.module.dir || dir == names_module.module.dir)
                        && workspace.files.path(id).ends_with(".tf")
                })
                .collect(),
        }),
        unknown_policies: Vec::new(),
    })
}

/// The stand-in for a definition that could not be read: an empty object
/// at the `definition` argument.
fn unread_definition(workspace: &Workspace, file: FileId, node: &Node) -> DefinitionDoc {
    DefinitionDoc {
        file,
        root: Arc::new(Node {
            span: node.span,
            kind: NodeKind::Object(Vec::new()),
        }),
        format: crate::core::classify::Format::Json,
        dialect: crate::core::fix::Dialect::Hcl,
        map: None,
        text: workspace.files.get(file).text.clone(),
    }
}

/// The state machine's module, and its role's when that is another: where
/// the resources its tasks name are declared.
fn machine_and_role_modules<'r, 's, 'a>(
    scope: &'r Scope<'s, 'a>,
    role_scope: &'r Scope<'s, 'a>,
) -> Vec<&'r Scope<'s, 'a>> {
    if std::ptr::eq(scope.module, role_scope.module) {
        vec![scope]
    } else {
        vec![scope, role_scope]
    }
}

/// The queues, topics and streams of the state machine's module (and of
/// its role's) that a KMS key encrypts: `kms_master_key_id`, a stream's
/// `kms_key_id` with `encryption_type = "KMS"`.
fn encrypted_targets(scope: &Scope, role_scope: &Scope) -> Vec<EncryptedTarget> {
    let mut out: Vec<EncryptedTarget> = Vec::new();
    for scope in machine_and_role_modules(scope, role_scope) {
        for (&(kind, name), block) in &scope.module.resources {
            let key_node = match kind {
                "aws_sqs_queue" | "aws_sns_topic" => block.get("kms_master_key_id"),
                "aws_kinesis_stream" => block
                    .get("encryption_type")
                    .and_then(|t| scope.eval(t, 0))
                    .filter(|t| t == "KMS")
                    .and_then(|_| block.get("kms_key_id")),
                _ => continue,
            };
            let Some(key) = key_node.and_then(|k| scope.eval(k, 0)).filter(|k| !k.is_empty()) else {
                continue;
            };
            if !is_identifier(name) {
                continue;
            }
            if let Some(arn) = scope.attribute(kind, name, block, "arn", "", 0) {
                let found = EncryptedTarget {
                    arn,
                    key,
                    key_policy_grants: Vec::new(),
                };
                if !out.contains(&found) {
                    out.push(found);
                }
            }
        }
    }
    out
}

/// The ECS task definitions of the state machine's module (and of its
/// role's, when that is another) with the roles each passes to ECS
/// (`task_role_arn`, `execution_role_arn`), where they can be resolved.
fn task_definitions(scope: &Scope, role_scope: &Scope) -> Vec<TaskDefinitionRoles> {
    let mut out: Vec<TaskDefinitionRoles> = Vec::new();
    for scope in machine_and_role_modules(scope, role_scope) {
        for (&(kind, name), block) in &scope.module.resources {
            if kind != "aws_ecs_task_definition" || !is_identifier(name) {
                continue;
            }
            let Some(arn) = scope.attribute(kind, name, block, "arn", "", 0) else {
                continue;
            };
            let family = block
                .get("family")
                .and_then(|n| scope.eval(n, 0))
                .filter(|f| !f.is_empty());
            let mut roles = Vec::new();
            for attribute in ["task_role_arn", "execution_role_arn"] {
                let Some(role) = block.get(attribute).and_then(|n| scope.eval(n, 0)) else {
                    continue;
                };
                if !role.is_empty() && !roles.contains(&role) {
                    roles.push(role);
                }
            }
            let found = TaskDefinitionRoles { arn, family, roles };
            if !out.contains(&found) {
                out.push(found);
            }
        }
    }
    out
}
