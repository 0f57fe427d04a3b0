//! `asl-payload-template`: in a JSONPath state's payload templates
//! (`Parameters`, `ResultSelector`, `ItemSelector`, `Credentials`,
//! `Assign`, and the `Parameters` of `ItemReader` and `ResultWriter`), a key
//! ending in `.$` takes a path or an intrinsic function, and no object may
//! hold both `name` and `name.$`. Path syntax is `asl-path`'s; function
//! calls are `asl-intrinsic`'s.

use super::asl_intrinsic;
use super::asl_path::{check_path, Expect};
use super::common::{walk, DefinitionContext};
use crate::core::asl::{intrinsics, QueryLanguage, StateType};
use crate::core::diagnostic::{Finding, Severity};
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};
use crate::core::syntax::{Node, NodeKind};

pub const PAYLOAD_TEMPLATE: RuleMeta = RuleMeta {
    id: "asl-payload-template",
    default_severity: Severity::Error,
    summary: "A `.$` field whose value is not a path or intrinsic function, or a field given both with and without `.$`",
};

pub const ENTRY: Rule = Rule {
    meta: PAYLOAD_TEMPLATE,
    scope: Scope::State,
    check: Check::Definition {
        run: check,
        machine: None,
    },
};

pub fn check(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    for state in ctx.states() {
        if state.query_language != QueryLanguage::JsonPath || state.kind == StateType::Unknown {
            continue;
        }
        let mut templates: Vec<&Node> = Vec::new();
        for key in [
            "Parameters",
            "ResultSelector",
            "ItemSelector",
            "Credentials",
            "Assign",
        ] {
            templates.extend(state.field(key));
        }
        for key in ["ItemReader", "ResultWriter"] {
            templates.extend(state.field(key).and_then(|n| n.get("Parameters")));
        }
        for list in ["Choices", "Catch"] {
            for rule in state.field(list).map(Node::elements).unwrap_or(&[]) {
                templates.extend(rule.get("Assign"));
            }
        }
        for template in templates {
            check_template(ctx, template, out);
        }
    }
}

fn check_template(ctx: &DefinitionContext, template: &Node, out: &mut Vec<Finding>) {
    walk(template, |_, node| {
        let NodeKind::Object(members) = &node.kind else {
            return;
        };
        for (i, member) in members.iter().enumerate() {
            let Some(name) = member.key.strip_suffix(".$") else {
                continue;
            };
            if let Some(plain) = members
                .iter()
                .take(i)
                .chain(members.iter().skip(i + 1))
                .find(|m| m.key == name)
            {
                let later = if plain.key_span.start() > member.key_span.start() {
                    plain
                } else {
                    member
                };
                out.push(ctx.finding(
                    &PAYLOAD_TEMPLATE,
                    later.key_span,
                    format!(
                        "\"{name}\" and \"{name}.$\" name the same field once \".$\" is removed; keep one"
                    ),
                ));
            }
            value(ctx, &member.key, &member.value, out);
        }
    });
}

/// The value of one `.$` field.
pub fn value(ctx: &DefinitionContext, key: &str, node: &Node, out: &mut Vec<Finding>) {
    let Some(text) = node.as_str() else {
        out.push(ctx.finding(
            &PAYLOAD_TEMPLATE,
            node.span,
            format!(
                "\"{key}\" ends in \".$\", so its value must be a path or intrinsic function string, not {}",
                node.type_name()
            ),
        ));
        return;
    };
    if text.starts_with('$') {
        check_path(ctx, node, text, Expect::Path, &format!("\"{key}\""), out);
    } else if intrinsics::looks_like_call(text) {
        asl_intrinsic::call(ctx, node, text, out);
    } else {
        out.push(ctx.finding(
            &PAYLOAD_TEMPLATE,
            node.span,
            format!("\"{key}\" ends in \".$\", so \"{text}\" must be a path (starting with \"$\") or an intrinsic function; drop \".$\" for a literal"),
        ));
    }
}
