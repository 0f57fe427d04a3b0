//! Policy documents: `jsonencode()`, `file()`, heredoc JSON and
//! `data "aws_iam_policy_document"` in the IAM JSON shape.

use std::sync::Arc;

use super::definition::{embedded_json, file_argument, template_vars};
use super::eval::Scope;
use super::module::{call_args, call_name, ref_text, segments, Block};
use crate::core::files::FileId;
use crate::core::fix::Dialect;
use crate::core::syntax::{Member, Node, NodeKind};
use crate::core::template::intrinsics::substitute_tree;
use crate::core::text::TextRange;
use crate::core::unit::PolicyDoc;
use crate::core::workspace::Workspace;

/// A policy argument's document.
pub(super) fn policy_value(
    workspace: &Workspace,
    scope: &Scope,
    file: FileId,
    node: &Node,
) -> Option<PolicyDoc> {
    let (scope, file, node) = scope.deref(file, node, 0);
    let text = workspace.files.text(file);
    match call_name(node) {
        Some("jsonencode") => {
            let object = call_args(node).first()?;
            return Some(PolicyDoc {
                file,
                root: Arc::new(scope.resolve_tree(text, object, 0)),
                dialect: Dialect::Hcl,
                encoder: Some(scope.encoder()),
            });
        }
        Some("file" | "templatefile") => {
            let args = call_args(node);
            let id = file_argument(workspace, scope, args.first()?)?;
            let root = workspace.shared_root(id)?;
            let vars = template_vars(scope, file, args.get(1));
            let root = if vars.is_empty() {
                root
            } else {
                Arc::new(substitute_tree(&root, &vars))
            };
            // Terraform reads the file as it is: a fix would have to write
            // the module's references as literal ARNs. None is offered.
            return Some(PolicyDoc {
                file: id,
                root,
                dialect: Dialect::Generated,
                encoder: None,
            });
        }
        _ => {}
    }
    if let Some(text_ref) = ref_text(node) {
        if let ["data", "aws_iam_policy_document", name, ..] = segments(text_ref).as_slice() {
            let block = scope.module.data.get(&("aws_iam_policy_document", *name))?;
            return Some(PolicyDoc {
                file: block.file,
                root: Arc::new(policy_document(scope, workspace.files.text(block.file), block)?),
                dialect: Dialect::Hcl,
                encoder: Some(scope.encoder()),
            });
        }
        return None;
    }
    let (root, errors, editable) = embedded_json(scope, text, node)?;
    if !errors.is_empty() {
        return None;
    }
    let root = root?;
    Some(PolicyDoc {
        file,
        root: Arc::new(root),
        dialect: if editable {
            Dialect::HclJson
        } else {
            Dialect::Generated
        },
        encoder: Some(scope.encoder()),
    })
}

/// `data "aws_iam_policy_document"` in the IAM JSON shape: each `statement`
/// block an element of `Statement`, its arguments under their IAM names,
/// `condition` blocks under `Condition` and `principals` under `Principal`.
/// Every node is where its block or argument is written; the `Statement`
/// array is the data block's body.
pub(super) fn policy_document(scope: &Scope, text: &str, block: &Block) -> Option<Node> {
    // Statements merged from elsewhere or generated: not known here.
    let opaque = [
        "dynamic",
        "source_json",
        "override_json",
        "source_policy_documents",
        "override_policy_documents",
    ];
    if block
        .body
        .members()
        .iter()
        .any(|m| opaque.contains(&m.key.as_str()))
    {
        return None;
    }
    let resolve = |node: &Node| scope.resolve_tree(text, node, 0);
    let mut statements = Vec::new();
    for member in block.all("statement") {
        let body = &member.value;
        if body.member("dynamic").is_some() {
            return None;
        }
        let span = member.key_span.cover(body.span);
        let mut members = Vec::new();
        for (hcl_key, iam_key) in [
            ("sid", "Sid"),
            ("effect", "Effect"),
            ("actions", "Action"),
            ("not_actions", "NotAction"),
            ("resources", "Resource"),
            ("not_resources", "NotResource"),
        ] {
            if let Some(m) = body.member(hcl_key) {
                members.push(Member {
                    key: iam_key.into(),
                    key_span: m.key_span,
                    value: resolve(&m.value),
                });
            }
        }
        if body.member("effect").is_none() {
            members.push(Member {
                key: "Effect".into(),
                key_span: TextRange::empty(span.start()),
                value: Node::new(TextRange::empty(span.start()), NodeKind::String("Allow".into())),
            });
        }
        for (block_key, iam_key) in [("principals", "Principal"), ("not_principals", "NotPrincipal")] {
            let blocks: Vec<&Member> = body.members().iter().filter(|m| m.key == block_key).collect();
            let Some(first) = blocks.first() else {
                continue;
            };
            let mut principal: Vec<Member> = Vec::new();
            for p in &blocks {
                let kind = p
                    .value
                    .get("type")
                    .and_then(|t| scope.eval(t, 0))
                    .unwrap_or_default();
                let identifiers = p.value.get("identifiers").map(resolve);
                if let Some(identifiers) = identifiers {
                    principal.push(Member {
                        key: kind,
                        key_span: p.key_span,
                        value: identifiers,
                    });
                }
            }
            members.push(Member {
                key: iam_key.into(),
                key_span: first.key_span,
                value: Node::new(
                    first.key_span.cover(first.value.span),
                    NodeKind::Object(principal),
                ),
            });
        }
        let conditions: Vec<&Member> = body.members().iter().filter(|m| m.key == "condition").collect();
        if let Some(first) = conditions.first() {
            let mut tests: Vec<Member> = Vec::new();
            for c in &conditions {
                let test = c
                    .value
                    .get("test")
                    .and_then(|t| scope.eval(t, 0))
                    .unwrap_or_default();
                let variable = c
                    .value
                    .get("variable")
                    .and_then(|t| scope.eval(t, 0))
                    .unwrap_or_default();
                let values = c
                    .value
                    .get("values")
                    .map(resolve)
                    .unwrap_or_else(|| Node::new(c.value.span, NodeKind::Array(Vec::new())));
                let span = c.key_span.cover(c.value.span);
                let entry = Member {
                    key: variable,
                    key_span: c.value.member("variable").map(|m| m.value.span).unwrap_or(span),
                    value: values,
                };
                match tests.iter_mut().find(|t| t.key == test) {
                    Some(existing) => {
                        if let NodeKind::Object(items) = &mut existing.value.kind {
                            items.push(entry);
                        }
                    }
                    None => tests.push(Member {
                        key: test,
                        key_span: c.value.member("test").map(|m| m.value.span).unwrap_or(span),
                        value: Node::new(span, NodeKind::Object(vec![entry])),
                    }),
                }
            }
            members.push(Member {
                key: "Condition".into(),
                key_span: first.key_span,
                value: Node::new(first.key_span.cover(first.value.span), NodeKind::Object(tests)),
            });
        }
        statements.push(Node::new(span, NodeKind::Object(members)));
    }
    let mut members = Vec::new();
    if let Some(version) = block.body.member("version") {
        members.push(Member {
            key: "Version".into(),
            key_span: version.key_span,
            value: resolve(&version.value),
        });
    }
    members.push(Member {
        key: "Statement".into(),
        key_span: block.span,
        value: Node::new(block.body.span, NodeKind::Array(statements)),
    });
    Some(Node::new(block.span, NodeKind::Object(members)))
}
