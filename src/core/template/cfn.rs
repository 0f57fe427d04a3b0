//! CloudFormation and SAM: state machine resources, their definitions and
//! the policies of their roles.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use super::intrinsics::{call, Encoder, Resource, Template};
use super::scan::Scan;
use super::{embedded, sam};
use crate::core::classify::{FileKind, Format};
use crate::core::diagnostic::Location;
use crate::core::files::{join, parent_dir, FileId};
use crate::core::fix::Dialect;
use crate::core::syntax::{Node, NodeKind};
use crate::core::unit::{
    ArnDefaults, DefinitionDoc, EncryptedTarget, LinkKind, MachineResource, PolicyDoc, TaskDefinitionRoles,
    Unit,
};
use crate::core::workspace::Workspace;

const STATE_MACHINE: &str = "AWS::StepFunctions::StateMachine";
const SAM_STATE_MACHINE: &str = "AWS::Serverless::StateMachine";

/// Pseudo parameters stay symbolic in the ARNs a fix writes.
pub fn template_arn_defaults() -> ArnDefaults {
    ArnDefaults {
        partition: None,
        region: Some("${AWS::Region}".into()),
        account: Some("${AWS::AccountId}".into()),
        symbolic: true,
    }
}

pub fn scan_template(workspace: &Workspace, file: FileId, format: Format, root: Arc<Node>, scan: &mut Scan) {
    let template = Template::new(&root);
    let encoder = Arc::new(Encoder::new(&template));
    let dialect = match format {
        Format::Json => Dialect::CfnJson,
        _ => Dialect::CfnYaml,
    };
    let doc = |node: &Node| PolicyDoc {
        file,
        root: Arc::new(template.resolve_tree(node, None)),
        dialect,
        encoder: Some(encoder.clone()),
    };
    let other_resources_roles = roles_of_other_resources(&template);
    let task_definitions = Arc::new(task_definitions(&template));
    let encrypted = encrypted_targets(&template);
    for resource in template.resources() {
        if resource.kind != STATE_MACHINE && resource.kind != SAM_STATE_MACHINE {
            continue;
        }
        let resource = &resource;
        let substitutions = substitutions(&template, resource);
        let mut shared = BTreeSet::new();
        let mut unknown_policies = Vec::new();
        // A definition that cannot be read (a DefinitionUri naming no file,
        // one in S3) still leaves the resource and its role to check.
        let (definition, definition_unread) =
            match definition(workspace, file, format, &template, resource, &substitutions, scan) {
                Some(definition) => (definition, false),
                None => (unread_definition(workspace, file, format, resource), true),
            };
        let mut link = LinkKind::Template;
        let (policies, trust) = if resource.kind == SAM_STATE_MACHINE && resource.property("Role").is_none() {
            let mut policies = sam::policies(
                &template,
                resource,
                file,
                dialect,
                &encoder,
                &mut unknown_policies,
            );
            policies.extend(sam::connector_policies(&template, resource, file));
            policies.extend(sam::generated_role_additions(resource, file));
            (policies, None)
        } else {
            let role_node = resource.property("RoleArn").or_else(|| resource.property("Role"));
            match role_node.and_then(|n| role_resource(&template, n)) {
                Some(role) => {
                    let role = &role;
                    let mut policies = role_policies(&template, role, file, &doc, &mut unknown_policies);
                    if other_resources_roles.contains(role.id) {
                        shared.extend(policies.iter().map(PolicyDoc::key));
                    }
                    policies.extend(sam::connector_policies(&template, resource, file));
                    let trust = role.property("AssumeRolePolicyDocument").map(&doc);
                    (policies, trust)
                }
                None => {
                    link = LinkKind::External;
                    (sam::connector_policies(&template, resource, file), None)
                }
            }
        };
        scan.units.push(Unit {
            definition,
            definition_unread,
            policies,
            trust,
            arn: template_arn_defaults(),
            link,
            shared_policies: shared,
            unknown_policies,
            machine: Some(MachineResource {
                file,
                root: root.clone(),
                logical_id: resource.id.to_string(),
                encoder: encoder.clone(),
                dialect,
                sources: vec![file],
                name: super::scan::own_name(template.reference(resource.id), &format!("${{{}", resource.id)),
                template: Some(template.index().clone()),
                task_definitions: task_definitions.clone(),
                encryption_key: resource
                    .property("EncryptionConfiguration")
                    .and_then(|c| c.untagged().get("KmsKeyId"))
                    .and_then(|k| template.eval(k))
                    .filter(|k| !k.is_empty()),
                key_policy_grants: key_policy_grants(&template, resource),
                encrypted_targets: Arc::new(
                    encrypted
                        .iter()
                        .map(|(target, key_node)| EncryptedTarget {
                            key_policy_grants: role_grants_of_key(&template, resource, key_node),
                            ..target.clone()
                        })
                        .collect(),
                ),
            }),
        });
    }
}

/// The template's queues, topics and streams that a KMS key encrypts
/// (`KmsMasterKeyId`; a stream's `StreamEncryption` of type `KMS`).
fn encrypted_targets<'t>(template: &Template<'t>) -> Vec<(EncryptedTarget, &'t Node)> {
    let mut out = Vec::new();
    type KeyOf = for<'r, 't> fn(&'r Resource<'t>) -> Option<&'t Node>;
    let kinds: [(&str, KeyOf, bool); 3] = [
        ("AWS::SQS::Queue", |r| r.property("KmsMasterKeyId"), false),
        ("AWS::SNS::Topic", |r| r.property("KmsMasterKeyId"), true),
        (
            "AWS::Kinesis::Stream",
            |r| {
                let encryption = r.property("StreamEncryption")?.untagged();
                let kms = encryption.get("EncryptionType")?.untagged().as_str()? == "KMS";
                kms.then(|| encryption.get("KeyId")).flatten()
            },
            false,
        ),
    ];
    for (kind, key_of, by_reference) in kinds {
        for resource in template.resources_of_kind(kind) {
            let Some(key_node) = key_of(&resource) else {
                continue;
            };
            let Some(key) = template.eval(key_node).filter(|k| !k.is_empty()) else {
                continue;
            };
            let arn = if by_reference {
                template.reference(resource.id)
            } else {
                template.attribute(resource.id, "Arn")
            };
            if let Some(arn) = arn {
                out.push((
                    EncryptedTarget {
                        arn,
                        key,
                        key_policy_grants: Vec::new(),
                    },
                    key_node,
                ));
            }
        }
    }
    out
}

/// The actions the policy of the state machine's own KMS key (an
/// `AWS::KMS::Key` of the template) allows its role by name: a key policy
/// may grant them directly, so the role's own policies need not.
fn key_policy_grants(template: &Template, machine: &Resource) -> Vec<String> {
    machine
        .property("EncryptionConfiguration")
        .and_then(|c| c.untagged().get("KmsKeyId"))
        .map(|key| role_grants_of_key(template, machine, key))
        .unwrap_or_default()
}

/// The actions the policy of the key `key_node` names (an `AWS::KMS::Key`
/// of the template, by `Ref` or `GetAtt`) allows the machine's role by name.
fn role_grants_of_key(template: &Template, machine: &Resource, key_node: &Node) -> Vec<String> {
    // The resource a `Ref` or `GetAtt` names.
    let named = |node: &Node| {
        let id = match call(node) {
            Some(c) if c.name == "Ref" => c.argument.untagged().as_str(),
            Some(c) if c.name == "Fn::GetAtt" => match &c.argument.untagged().kind {
                NodeKind::String(s) => s.split('.').next(),
                NodeKind::Array(items) => items.first().and_then(Node::as_str),
                _ => None,
            },
            _ => None,
        };
        id.and_then(|id| template.resource(id))
    };
    // An alias of the template stands for the key it targets.
    let key = named(key_node).and_then(|r| match r.kind {
        "AWS::KMS::Alias" => r.property("TargetKeyId").and_then(named),
        _ => Some(r),
    });
    let Some(key) = key.filter(|k| k.kind == "AWS::KMS::Key") else {
        return Vec::new();
    };
    let role = machine
        .property("RoleArn")
        .or_else(|| machine.property("Role"))
        .and_then(|n| template.eval(n));
    let Some(role) = role else {
        return Vec::new();
    };
    let Some(policy) = key.property("KeyPolicy") else {
        return Vec::new();
    };
    // A list, or one value standing for a list of one.
    fn listed(node: Option<&Node>) -> Vec<&Node> {
        // Elements keep their tags (`!GetAtt`): `eval` reads them.
        match node {
            Some(n) if matches!(n.untagged().kind, NodeKind::Array(_)) => {
                n.untagged().elements().iter().collect()
            }
            Some(n) => vec![n],
            None => Vec::new(),
        }
    }
    let statements = listed(policy.untagged().get("Statement"));
    let mut granted = Vec::new();
    for statement in statements {
        let statement = statement.untagged();
        let allows = statement
            .get("Effect")
            .and_then(|e| template.eval(e))
            .is_some_and(|e| e == "Allow");
        // The role by name, or every principal (`*`, which key policies
        // narrow with conditions such as kms:ViaService that a call
        // through the service meets).
        let principal = statement.get("Principal").map(Node::untagged);
        let everyone = |p: &Node| template.eval(p).as_deref() == Some("*");
        let names_role = principal.is_some_and(|p| {
            everyone(p)
                || p.get("AWS").is_some_and(|aws| {
                    listed(Some(aws)).iter().any(|v| {
                        let v = template.eval(v);
                        v.as_deref() == Some(role.as_str()) || v.as_deref() == Some("*")
                    })
                })
        });
        if !allows || !names_role || statement.get("NotAction").is_some() {
            continue;
        }
        for action in listed(statement.get("Action"))
            .iter()
            .filter_map(|a| template.eval(a))
        {
            granted.push(action);
        }
    }
    granted
}

/// The template's ECS task definitions and the roles each passes to ECS
/// (`TaskRoleArn`, `ExecutionRoleArn`), where they can be resolved.
fn task_definitions(template: &Template) -> Vec<TaskDefinitionRoles> {
    template
        .resources_of_kind("AWS::ECS::TaskDefinition")
        .filter_map(|resource| {
            let arn = template.reference(resource.id)?;
            let family = resource
                .property("Family")
                .and_then(|n| template.eval(n))
                .filter(|f| !f.is_empty());
            let roles: Vec<String> = ["TaskRoleArn", "ExecutionRoleArn"]
                .iter()
                .filter_map(|p| resource.property(p))
                .filter_map(|n| template.eval(n))
                .filter(|r| !r.is_empty())
                .fold(Vec::new(), |mut roles, r| {
                    if !roles.contains(&r) {
                        roles.push(r);
                    }
                    roles
                });
            Some(TaskDefinitionRoles { arn, family, roles })
        })
        .collect()
}

/// The stand-in for a definition that could not be read: an empty object
/// at the resource, in the template.
fn unread_definition(
    workspace: &Workspace,
    file: FileId,
    format: Format,
    resource: &Resource,
) -> DefinitionDoc {
    let span = resource
        .property("DefinitionUri")
        .map(|n| n.span)
        .unwrap_or(resource.member.key_span);
    DefinitionDoc {
        file,
        root: Arc::new(Node {
            span,
            kind: NodeKind::Object(Vec::new()),
        }),
        format,
        dialect: Dialect::of(format),
        map: None,
        text: workspace.files.get(file).text.clone(),
    }
}

/// `DefinitionSubstitutions`: each `${Name}` of the definition stands for
/// the canonical value of its entry; one that cannot be known statically
/// becomes `${?Name}`, a placeholder that may stand for anything.
fn substitutions(template: &Template, resource: &Resource) -> HashMap<String, String> {
    resource
        .property("DefinitionSubstitutions")
        .map(Node::members)
        .unwrap_or(&[])
        .iter()
        .map(|m| {
            let value = template
                .eval(&m.value)
                .unwrap_or_else(|| format!("${{?{}}}", m.key));
            (m.key.clone(), value)
        })
        .collect()
}

fn definition(
    workspace: &Workspace,
    file: FileId,
    format: Format,
    template: &Template,
    resource: &Resource,
    substitutions: &HashMap<String, String>,
    scan: &mut Scan,
) -> Option<DefinitionDoc> {
    let files = workspace.files;
    if let Some(node) = resource.property("Definition") {
        let root = template.resolve_tree(node, Some(substitutions));
        return Some(DefinitionDoc {
            file,
            root: Arc::new(root),
            format,
            dialect: Dialect::of(format),
            map: None,
            text: files.get(file).text.clone(),
        });
    }
    if let Some(node) = resource.property("DefinitionString") {
        let (doc, errors) = embedded::definition_string(files, file, template, node, substitutions)?;
        super::scan::push_embedded_errors(scan, file, errors, "DefinitionString");
        return Some(doc);
    }
    let uri_node = resource.property("DefinitionUri")?;
    let uri = uri_node.untagged().as_str()?;
    if uri.starts_with("s3://") {
        return None;
    }
    let path = join(parent_dir(files.path(file)), uri);
    let id = match files.lookup(&path) {
        Some(id) => id,
        None => super::scan::missing_definition_file(
            files,
            scan,
            Location {
                file,
                range: uri_node.span,
            },
            &format!("DefinitionUri \"{uri}\""),
            &path,
        )?,
    };
    let root = workspace.shared_root(id)?;
    let def_format = match workspace.kind(id) {
        FileKind::Definition(f) => f,
        _ => crate::core::classify::format_of(files.path(id)).unwrap_or(Format::Json),
    };
    scan.claimed.insert(id);
    let root = Arc::new(super::intrinsics::substitute_tree(&root, substitutions));
    Some(DefinitionDoc {
        file: id,
        root,
        format: def_format,
        dialect: Dialect::of(def_format),
        map: None,
        text: files.get(id).text.clone(),
    })
}

/// The `AWS::IAM::Role` of the template a role reference names.
pub fn role_resource<'t>(template: &Template<'t>, node: &Node) -> Option<Resource<'t>> {
    // `!GetAtt Role.Arn` and `!Ref Role` name the resource directly; any
    // other form is compared by value.
    if let Some(call) = call(node) {
        let direct = match (call.name.as_str(), &call.argument.untagged().kind) {
            ("Fn::GetAtt", crate::core::syntax::NodeKind::String(s)) => s.split('.').next(),
            ("Fn::GetAtt", crate::core::syntax::NodeKind::Array(items)) => {
                items.first().and_then(Node::as_str)
            }
            ("Ref", crate::core::syntax::NodeKind::String(s)) => Some(s.as_str()),
            _ => None,
        };
        if let Some(role) = direct.and_then(|id| template.resource(id)) {
            if role.kind == "AWS::IAM::Role" {
                return Some(role);
            }
        }
    }
    let value = template.eval(node)?;
    template.resources_of_kind("AWS::IAM::Role").find(|r| {
        r.kind == "AWS::IAM::Role" && template.attribute(r.id, "Arn").as_deref() == Some(value.as_str())
    })
}

/// The roles a resource other than state machines (a Lambda function, an
/// ECS task definition, ...) runs with: what such a role allows is not the
/// workflow's alone to judge as unused. Found once per template.
fn roles_of_other_resources<'t>(template: &Template<'t>) -> BTreeSet<&'t str> {
    const ROLE_PROPERTIES: &[&str] = &[
        "Role",
        "RoleArn",
        "ExecutionRoleArn",
        "TaskRoleArn",
        "ServiceRole",
    ];
    template
        .resources()
        .filter(|other| other.kind != STATE_MACHINE && other.kind != SAM_STATE_MACHINE)
        .flat_map(|other| ROLE_PROPERTIES.iter().filter_map(move |p| other.property(p)))
        .filter_map(|node| role_resource(template, node).map(|r| r.id))
        .collect()
}

/// Whether `node` (an element of a policy's `Roles`) names `role`.
fn names_role(template: &Template, node: &Node, role: &Resource) -> bool {
    if let Some(call) = call(node) {
        if call.name == "Ref" && call.argument.untagged().as_str() == Some(role.id) {
            return true;
        }
    }
    match (template.eval(node), template.reference(role.id)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// Every policy the template attaches to `role`: inline `Policies` first
/// (a fix adds statements to the first policy it can edit), then
/// `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy` resources, then
/// `ManagedPolicyArns`.
fn role_policies(
    template: &Template,
    role: &Resource,
    file: FileId,
    doc: &dyn Fn(&Node) -> PolicyDoc,
    unknown: &mut Vec<String>,
) -> Vec<PolicyDoc> {
    let mut out = Vec::new();
    // A document CloudFormation takes as a JSON string is not read: its
    // statements are out of sight, like a managed policy's.
    let read = |document: &Node, name: &str, out: &mut Vec<PolicyDoc>, unknown: &mut Vec<String>| {
        if matches!(document.untagged().kind, crate::core::syntax::NodeKind::String(_)) {
            unknown.push(format!("the policy document of {name}, written as a string"));
        } else {
            out.push(doc(document));
        }
    };
    for policy in role.property("Policies").map(Node::elements).unwrap_or(&[]) {
        if let Some(document) = policy.get("PolicyDocument") {
            let name = policy
                .get("PolicyName")
                .and_then(|n| n.untagged().as_str())
                .unwrap_or(role.id);
            read(document, name, &mut out, unknown);
        }
    }
    // In logical-id order, both kinds together, as the template lists them.
    let mut policies: Vec<Resource> = template.resources_of_kind("AWS::IAM::Policy").collect();
    policies.extend(template.resources_of_kind("AWS::IAM::ManagedPolicy"));
    policies.sort_by_key(|r| r.id);
    for other in &policies {
        let attached = other
            .property("Roles")
            .map(|r| r.untagged().elements())
            .unwrap_or(&[])
            .iter()
            .any(|r| names_role(template, r, role));
        if attached {
            if let Some(document) = other.property("PolicyDocument") {
                read(document, other.id, &mut out, unknown);
            }
        }
    }
    for arn in role
        .property("ManagedPolicyArns")
        .map(|r| r.untagged().elements())
        .unwrap_or(&[])
    {
        if let Some(call) = call(arn) {
            if call.name == "Ref" {
                let id = call.argument.untagged().as_str().unwrap_or("");
                if let Some(managed) = template.resource(id) {
                    if managed.kind == "AWS::IAM::ManagedPolicy" {
                        // Attached through its own `Roles` as well: count it once.
                        let twice = managed
                            .property("Roles")
                            .map(|r| r.untagged().elements())
                            .unwrap_or(&[])
                            .iter()
                            .any(|r| names_role(template, r, role));
                        if !twice {
                            if let Some(document) = managed.property("PolicyDocument") {
                                read(document, managed.id, &mut out, unknown);
                            }
                        }
                        continue;
                    }
                }
            }
        }
        match template.eval(arn) {
            Some(value) => match sam::managed_policy(&value, arn, file) {
                Some(doc) => out.push(doc),
                None => unknown.push(value),
            },
            None => unknown.push("a managed policy".into()),
        }
    }
    out
}
