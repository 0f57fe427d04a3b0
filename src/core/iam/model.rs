//! The policy model, lowered from a spanned tree with every part's span.

use crate::core::files::FileId;
use crate::core::syntax::{Node, NodeKind};
use crate::core::text::TextRange;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: TextRange,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// `Action` or `NotAction` (`negated`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionSpec {
    pub negated: bool,
    pub items: Vec<Spanned<String>>,
    /// The whole value (a string or an array).
    pub span: TextRange,
}

/// `Resource` or `NotResource` (`negated`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceSpec {
    pub negated: bool,
    pub items: Vec<Spanned<String>>,
    pub span: TextRange,
}

/// One `operator: { key: values }` test; all of a statement's must hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    pub operator: String,
    pub key: String,
    pub values: Vec<Spanned<String>>,
}

impl Condition {
    pub fn describe(&self) -> String {
        let values: Vec<&str> = self.values.iter().map(|v| v.value.as_str()).collect();
        format!("{} {} {}", self.operator, self.key, values.join(", "))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub index: usize,
    pub span: TextRange,
    pub sid: Option<String>,
    pub effect: Effect,
    pub actions: Option<ActionSpec>,
    pub resources: Option<ResourceSpec>,
    /// `Principal.Service` values (trust policies).
    pub principal_services: Vec<Spanned<String>>,
    /// `"Principal": "*"` or `{"AWS": "*"}`: anyone.
    pub principal_any: bool,
    /// The principal holds something the model does not read: a value
    /// that could not be resolved, `NotPrincipal`, or a form other than
    /// `Service` and `AWS`/`Federated`/`CanonicalUser` entries.
    pub principal_unknown: bool,
    pub conditions: Vec<Condition>,
    pub condition_span: Option<TextRange>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub file: FileId,
    pub root_span: TextRange,
    pub statements: Vec<Statement>,
    /// The `Statement` value and key.
    pub statement_span: Option<TextRange>,
    pub statement_key_span: Option<TextRange>,
    pub problems: Vec<PolicyProblem>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyProblem {
    pub range: TextRange,
    pub message: String,
}

pub fn looks_like_policy(root: &Node) -> bool {
    root.get("Statement").is_some()
}

/// Lowers a policy document. Values that are not plain strings (a YAML
/// `!Sub` in a template) go through `resolve`; what it cannot resolve is
/// left out, so it grants nothing.
pub fn lower_policy(file: FileId, root: &Node, resolve: &dyn Fn(&Node) -> Option<String>) -> Policy {
    let mut policy = Policy {
        file,
        root_span: root.span,
        statements: Vec::new(),
        statement_span: None,
        statement_key_span: None,
        problems: Vec::new(),
    };
    let Some(member) = root.member("Statement") else {
        policy.problems.push(PolicyProblem {
            range: root.span,
            message: "A policy needs a \"Statement\"".into(),
        });
        return policy;
    };
    policy.statement_span = Some(member.value.span);
    policy.statement_key_span = Some(member.key_span);
    let statement_nodes: Vec<&Node> = match &member.value.untagged().kind {
        NodeKind::Array(items) => items.iter().collect(),
        NodeKind::Object(_) => vec![member.value.untagged()],
        _ => {
            policy.problems.push(PolicyProblem {
                range: member.value.span,
                message: "\"Statement\" must be an object or an array of objects".into(),
            });
            Vec::new()
        }
    };
    for (index, node) in statement_nodes.into_iter().enumerate() {
        if let Some(statement) = lower_statement(index, node, resolve, &mut policy.problems) {
            policy.statements.push(statement);
        }
    }
    policy
}

fn strings(node: &Node, resolve: &dyn Fn(&Node) -> Option<String>) -> Vec<Spanned<String>> {
    let one = |n: &Node| -> Option<Spanned<String>> {
        let value = match n.as_str() {
            Some(s) => s.to_string(),
            None => resolve(n)?,
        };
        Some(Spanned { value, span: n.span })
    };
    match &node.untagged().kind {
        NodeKind::Array(items) => items.iter().filter_map(one).collect(),
        _ => one(node).into_iter().collect(),
    }
}

fn lower_statement(
    index: usize,
    node: &Node,
    resolve: &dyn Fn(&Node) -> Option<String>,
    problems: &mut Vec<PolicyProblem>,
) -> Option<Statement> {
    if !node.is_object() {
        problems.push(PolicyProblem {
            range: node.span,
            message: "A statement must be an object".into(),
        });
        return None;
    }
    let effect = match node.get("Effect").and_then(Node::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        _ => {
            problems.push(PolicyProblem {
                range: node.member("Effect").map(|m| m.value.span).unwrap_or(node.span),
                message: "A statement's \"Effect\" is \"Allow\" or \"Deny\"".into(),
            });
            return None;
        }
    };
    let spec = |positive: &str, negative: &str| -> Option<(bool, Vec<Spanned<String>>, TextRange)> {
        if let Some(n) = node.get(positive) {
            Some((false, strings(n, resolve), n.span))
        } else {
            node.get(negative).map(|n| (true, strings(n, resolve), n.span))
        }
    };
    if node.get("Action").is_some() && node.get("NotAction").is_some() {
        problems.push(PolicyProblem {
            range: node.span,
            message: "A statement has either \"Action\" or \"NotAction\", not both".into(),
        });
    }
    let actions =
        spec("Action", "NotAction").map(|(negated, items, span)| ActionSpec { negated, items, span });
    let resources =
        spec("Resource", "NotResource").map(|(negated, items, span)| ResourceSpec { negated, items, span });
    let principal_services = node
        .get("Principal")
        .and_then(|p| p.get("Service"))
        .map(|s| strings(s, resolve))
        .unwrap_or_default();
    let principal_any = node.get("Principal").is_some_and(|p| {
        p.as_str() == Some("*")
            || p.get("AWS")
                .is_some_and(|a| strings(a, resolve).iter().any(|v| v.value == "*"))
    });
    let principal_unknown = node.get("NotPrincipal").is_some()
        || node.get("Principal").is_some_and(|p| {
            p.members().iter().any(|m| {
                let items = match &m.value.untagged().kind {
                    NodeKind::Array(items) => items.len(),
                    _ => 1,
                };
                strings(&m.value, resolve).len() != items
            }) || (p.as_str().is_none() && !p.is_object())
        });
    let mut conditions = Vec::new();
    let condition_node = node.get("Condition");
    for operator in condition_node.map(Node::members).unwrap_or(&[]) {
        for key in operator.value.members() {
            conditions.push(Condition {
                operator: operator.key.clone(),
                key: key.key.clone(),
                values: strings(&key.value, resolve),
            });
        }
    }
    Some(Statement {
        index,
        span: node.span,
        sid: node.get("Sid").and_then(Node::as_str).map(str::to_string),
        effect,
        actions,
        resources,
        principal_services,
        principal_any,
        principal_unknown,
        conditions,
        condition_span: condition_node.map(|c| c.span),
    })
}
