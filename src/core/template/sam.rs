//! What SAM generates: policy templates (`LambdaInvokePolicy: {FunctionName: ...}`),
//! AWS managed policies named in `Policies` or `ManagedPolicyArns`, and
//! connectors. The statements are data (`schemas/sam.json`, each entry
//! with its AWS documentation page); here they are instantiated with the
//! template's values. Generated policies point at the entry that asked for
//! them and cannot be edited by a fix.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use serde::Deserialize;
use serde_json::Value;

use super::intrinsics::{call, Encoder, Resource, Template};
use crate::core::files::FileId;
use crate::core::fix::Dialect;
use crate::core::syntax::{Member, Node, NodeKind};
use crate::core::text::TextRange;
use crate::core::unit::PolicyDoc;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    policy_templates: HashMap<String, PolicyTemplate>,
    managed_policies: HashMap<String, ManagedPolicy>,
    connectors: Vec<Connector>,
}

#[derive(Deserialize)]
struct PolicyTemplate {
    #[allow(dead_code)]
    source: String,
    parameters: Vec<String>,
    statements: Vec<Value>,
}

#[derive(Deserialize)]
struct ManagedPolicy {
    #[allow(dead_code)]
    source: String,
    arn: String,
    #[serde(default)]
    aliases: Vec<String>,
    statements: Vec<Value>,
}

#[derive(Deserialize)]
struct Connector {
    #[allow(dead_code)]
    source: String,
    from: Vec<String>,
    to: Vec<String>,
    permission: String,
    statements: Vec<Value>,
}

fn data() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(|| {
        serde_json::from_str(include_str!("../../../schemas/sam.json"))
            .expect("schemas/sam.json is checked by its tests")
    })
}

/// A generated policy: `statements` as a tree whose every span is `span`
/// (the template entry that produced them).
fn generated(file: FileId, span: TextRange, statements: Vec<Value>) -> PolicyDoc {
    let document = serde_json::json!({"Version": "2012-10-17", "Statement": statements});
    PolicyDoc {
        file,
        root: Arc::new(node_from_json(&document, span)),
        dialect: Dialect::Generated,
        encoder: None,
    }
}

/// A tree for a JSON value, every node at `span`.
pub fn node_from_json(value: &Value, span: TextRange) -> Node {
    let kind = match value {
        Value::Object(map) => NodeKind::Object(
            map.iter()
                .map(|(k, v)| Member {
                    key: k.clone(),
                    key_span: span,
                    value: node_from_json(v, span),
                })
                .collect(),
        ),
        Value::Array(items) => NodeKind::Array(items.iter().map(|v| node_from_json(v, span)).collect()),
        Value::String(s) => NodeKind::String(s.clone()),
        Value::Number(n) => NodeKind::Number(n.to_string()),
        Value::Bool(b) => NodeKind::Bool(*b),
        Value::Null => NodeKind::Null,
    };
    Node::new(span, kind)
}

/// Every string of `statements` read as `Fn::Sub` text with `vars` bound.
fn instantiate(template: &Template, statements: &[Value], vars: &HashMap<String, String>) -> Vec<Value> {
    fn walk(template: &Template, value: &Value, vars: &HashMap<String, String>) -> Value {
        match value {
            Value::String(s) => Value::String(template.substitute(s, vars)),
            Value::Array(items) => Value::Array(items.iter().map(|v| walk(template, v, vars)).collect()),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), walk(template, v, vars)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
    statements.iter().map(|s| walk(template, s, vars)).collect()
}

/// An AWS managed policy by name (`AWSLambdaRole`) or ARN.
pub fn managed_policy(value: &str, node: &Node, file: FileId) -> Option<PolicyDoc> {
    let wanted = value.trim();
    let (_, policy) = data().managed_policies.iter().find(|(name, policy)| {
        *name == wanted
            || policy.aliases.iter().any(|a| a == wanted)
            || policy.arn == wanted
            || policy.arn.rsplit('/').next() == Some(wanted)
    })?;
    Some(generated(file, node.span, policy.statements.clone()))
}

/// What SAM puts into a state machine role it generates besides `Policies`:
/// the AWS managed policy `AWSXrayWriteOnlyAccess` when `Tracing` is enabled
/// (SAM's translator, `StateMachineGenerator._construct_role`:
/// https://github.com/aws/serverless-application-model/blob/develop/samtranslator/model/stepfunctions/generators.py).
/// Nothing for `Logging`: its permissions must come from `Policies`.
pub fn generated_role_additions(resource: &Resource, file: FileId) -> Vec<PolicyDoc> {
    resource
        .property("Tracing")
        .filter(|tracing| super::features::tracing_on(tracing, "Enabled"))
        .and_then(|tracing| managed_policy("AWSXrayWriteOnlyAccess", tracing, file))
        .into_iter()
        .collect()
}

/// SAM `Policies` of a state machine: inline documents (editable, first),
/// then policy templates and managed policies (generated).
pub fn policies(
    template: &Template,
    resource: &Resource,
    file: FileId,
    dialect: Dialect,
    encoder: &Arc<Encoder>,
    unknown: &mut Vec<String>,
) -> Vec<PolicyDoc> {
    let Some(node) = resource.property("Policies") else {
        return Vec::new();
    };
    let items: Vec<&Node> = match &node.untagged().kind {
        NodeKind::Array(items) => items.iter().collect(),
        _ => vec![node],
    };
    let mut inline = Vec::new();
    let mut generated_docs = Vec::new();
    for item in items {
        match &item.untagged().kind {
            NodeKind::String(_) => match template.eval(item) {
                Some(value) => match managed_policy(&value, item, file) {
                    Some(doc) => generated_docs.push(doc),
                    None => unknown.push(value),
                },
                None => unknown.push("a policy".into()),
            },
            NodeKind::Object(members) if item.get("Statement").is_some() => {
                let _ = members;
                inline.push(PolicyDoc {
                    file,
                    root: Arc::new(template.resolve_tree(item, None)),
                    dialect,
                    encoder: Some(encoder.clone()),
                });
            }
            NodeKind::Object(members) if members.len() == 1 && call(item).is_none() => {
                let member = &members[0];
                let Some(policy) = data().policy_templates.get(&member.key) else {
                    unknown.push(member.key.clone());
                    continue;
                };
                {
                    let mut vars = HashMap::new();
                    for parameter in &policy.parameters {
                        let value = member
                            .value
                            .get(parameter)
                            .and_then(|v| template.eval(v))
                            .unwrap_or_else(|| "*".into());
                        vars.insert(parameter.clone(), value);
                    }
                    let statements = instantiate(template, &policy.statements, &vars);
                    generated_docs.push(generated(file, item.span, statements));
                }
            }
            _ => {
                // `!Ref SomeManagedPolicy` or another intrinsic: an ARN, or a
                // customer managed policy of the template.
                let own = call(item)
                    .filter(|c| c.name == "Ref")
                    .and_then(|c| template.resource(c.argument.untagged().as_str()?))
                    .filter(|r| r.kind == "AWS::IAM::ManagedPolicy")
                    .and_then(|r| r.property("PolicyDocument"));
                if let Some(document) = own {
                    inline.push(PolicyDoc {
                        file,
                        root: Arc::new(template.resolve_tree(document, None)),
                        dialect,
                        encoder: Some(encoder.clone()),
                    });
                    continue;
                }
                match template.eval(item) {
                    Some(value) => match managed_policy(&value, item, file) {
                        Some(doc) => generated_docs.push(doc),
                        None => unknown.push(value),
                    },
                    None => unknown.push("a policy".into()),
                }
            }
        }
    }
    inline.extend(generated_docs);
    inline
}

/// What SAM connectors grant a state machine: its own `Connectors`
/// attribute and `AWS::Serverless::Connector` resources whose source it is.
pub fn connector_policies(template: &Template, machine: &Resource, file: FileId) -> Vec<PolicyDoc> {
    let mut out = Vec::new();
    let own = machine
        .member
        .value
        .get("Connectors")
        .map(Node::members)
        .unwrap_or(&[]);
    for connector in own {
        if let Some(properties) = connector.value.get("Properties") {
            out.extend(connector_grants(
                template,
                machine,
                properties,
                file,
                connector.value.span,
            ));
        }
    }
    for resource in template.resources_of_kind("AWS::Serverless::Connector") {
        let Some(properties) = resource.properties else {
            continue;
        };
        let source = properties.get("Source");
        let is_source = source
            .and_then(|s| s.get("Id"))
            .and_then(|id| id.untagged().as_str())
            .is_some_and(|id| id == machine.id);
        if is_source {
            out.extend(connector_grants(
                template,
                machine,
                properties,
                file,
                resource.member.value.span,
            ));
        }
    }
    out
}

fn connector_grants(
    template: &Template,
    machine: &Resource,
    properties: &Node,
    file: FileId,
    span: TextRange,
) -> Vec<PolicyDoc> {
    let permissions: Vec<&str> = properties
        .get("Permissions")
        .map(|p| p.untagged().elements())
        .unwrap_or(&[])
        .iter()
        .filter_map(|p| p.untagged().as_str())
        .collect();
    let destinations: Vec<&Node> = match properties.get("Destination").map(Node::untagged) {
        Some(d) if d.is_object() => vec![d],
        Some(d) => d.elements().iter().collect(),
        None => Vec::new(),
    };
    let source_arn = template.attribute(machine.id, "Arn").unwrap_or_default();
    let mut out = Vec::new();
    for destination in destinations {
        let Some(id) = destination.get("Id").and_then(|i| i.untagged().as_str()) else {
            continue;
        };
        let Some(target) = template.resource(id) else {
            continue;
        };
        let arn = ["Arn", "TopicArn"]
            .iter()
            .filter_map(|a| template.attribute(id, a))
            .find(|v| v.starts_with("arn:"))
            .or_else(|| template.reference(id).filter(|r| r.starts_with("arn:")))
            .unwrap_or_else(|| format!("${{{id}.Arn}}"));
        let name = match target.kind {
            "AWS::SQS::Queue" => template.attribute(id, "QueueName"),
            "AWS::SNS::Topic" => template.attribute(id, "TopicName"),
            "AWS::StepFunctions::StateMachine" | "AWS::Serverless::StateMachine" => {
                template.attribute(id, "Name")
            }
            _ => template.reference(id),
        }
        .unwrap_or_default();
        let vars: HashMap<String, String> = [
            ("DestinationArn", arn),
            ("DestinationName", name),
            ("DestinationQueueUrl", template.reference(id).unwrap_or_default()),
            ("SourceArn", source_arn.clone()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let mut statements = Vec::new();
        for entry in &data().connectors {
            if entry.from.iter().any(|f| f == machine.kind)
                && entry.to.iter().any(|t| t == target.kind)
                && permissions.contains(&entry.permission.as_str())
            {
                statements.extend(instantiate(template, &entry.statements, &vars));
            }
        }
        if !statements.is_empty() {
            out.push(generated(file, span, statements));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_loads_and_every_entry_names_its_source() {
        let data = data();
        assert!(data.policy_templates.contains_key("LambdaInvokePolicy"));
        for (name, t) in &data.policy_templates {
            assert!(t.source.starts_with("https://docs.aws.amazon.com/"), "{name}");
        }
        for (name, m) in &data.managed_policies {
            assert!(m.source.starts_with("https://docs.aws.amazon.com/"), "{name}");
            assert!(m.arn.starts_with("arn:aws:iam::aws:policy/"), "{name}");
        }
        for c in &data.connectors {
            assert!(c.source.starts_with("https://docs.aws.amazon.com/"));
            assert!(matches!(c.permission.as_str(), "Read" | "Write"));
        }
    }
}
