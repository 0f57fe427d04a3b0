//! `asl-duplicate-key`: the same key twice in one object of the
//! definition, which AWS rejects.

use std::collections::HashSet;

use super::common::DefinitionContext;
use crate::core::diagnostic::{Finding, Severity};
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};
use crate::core::syntax::{Node, NodeKind};

pub const DUPLICATE_KEY: RuleMeta = RuleMeta {
    id: "asl-duplicate-key",
    default_severity: Severity::Error,
    summary: "The same key twice in one object",
};

pub const ENTRY: Rule = Rule {
    meta: DUPLICATE_KEY,
    scope: Scope::Machine,
    check: Check::Definition {
        run: check,
        machine: None,
    },
};

const MAX_DEPTH: usize = 512;

pub fn check(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    let mut stack: Vec<(&Node, usize)> = vec![(ctx.root, 0)];
    while let Some((node, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            continue;
        }
        match &node.kind {
            NodeKind::Object(members) => {
                // Small objects (nearly all of them) are compared pairwise.
                let mut seen = HashSet::new();
                for (i, member) in members.iter().enumerate() {
                    let repeated = if members.len() <= 16 {
                        members[..i].iter().any(|m| m.key == member.key)
                    } else {
                        !seen.insert(member.key.as_str())
                    };
                    if repeated {
                        out.push(ctx.finding(
                            &DUPLICATE_KEY,
                            member.key_span,
                            format!(
                                "\"{}\" appears twice in this object; AWS rejects duplicate keys",
                                member.key
                            ),
                        ));
                    }
                    stack.push((&member.value, depth + 1));
                }
            }
            NodeKind::Array(items) => stack.extend(items.iter().map(|i| (i, depth + 1))),
            NodeKind::Tagged { node, .. } => stack.push((node, depth + 1)),
            _ => {}
        }
    }
}
