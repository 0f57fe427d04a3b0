//! `secret-in-definition`: a literal credential in the definition, which
//! anyone who can describe the state machine (or read its history) sees.

use crate::core::asl::StateMachine;
use crate::core::diagnostic::{Finding, Location, Severity};
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};
use crate::core::syntax::{Node, NodeKind};
use crate::core::unit::Unit;

pub const RULE: RuleMeta = RuleMeta {
    id: "secret-in-definition",
    default_severity: Severity::Warning,
    summary: "A literal credential in the definition",
};

pub const ENTRY: Rule = Rule {
    meta: RULE,
    scope: Scope::Role,
    check: Check::Role {
        run: on_context,
        needs_role: false,
    },
};

/// The rule reads only the definition: it runs whether or not a role is known.
fn on_context(ctx: &crate::core::permissions::context::Context, out: &mut Vec<Finding>) {
    check(ctx.unit, ctx.machine, out);
}

const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "apikey",
    "api_key",
    "accesskey",
    "privatekey",
    "token",
];
/// Tokens that are identifiers, not credentials.
const NOT_SECRET: &[&str] = &[
    "clienttoken",
    "nexttoken",
    "continuationtoken",
    "idempotencytoken",
    "tasktoken",
    "paginationtoken",
    "tokenizer",
    "secretarn",
    "secretid",
    "secretname",
];
const FIELDS: &[&str] = &["Result", "Parameters", "Arguments", "Assign"];
const MAX_DEPTH: usize = 32;

pub fn check(unit: &Unit, machine: &StateMachine, out: &mut Vec<Finding>) {
    let definition = &unit.definition;
    for state in &machine.states {
        for field in FIELDS {
            let Some(node) = state.field(field) else { continue };
            let mut stack: Vec<(&Node, usize)> = vec![(node, 0)];
            while let Some((node, depth)) = stack.pop() {
                if depth > MAX_DEPTH {
                    continue;
                }
                match &node.kind {
                    NodeKind::Object(members) => {
                        for m in members {
                            if let Some(value) = m.value.as_str() {
                                if let Some(reason) = secret_reason(&m.key, value) {
                                    out.push(Finding::new(
                                        RULE.id,
                                        RULE.default_severity,
                                        Location {
                                            file: definition.file,
                                            range: definition.to_file(m.value.span),
                                        },
                                        format!(
                                            "\"{}\" in \"{}\" holds {reason}; read it at run time from Secrets Manager or an EventBridge connection instead",
                                            m.key, state.name
                                        ),
                                    ));
                                }
                            }
                            stack.push((&m.value, depth + 1));
                        }
                    }
                    NodeKind::Array(items) => stack.extend(items.iter().map(|i| (i, depth + 1))),
                    _ => {}
                }
            }
        }
    }
}

fn secret_reason(key: &str, value: &str) -> Option<&'static str> {
    if value.len() < 6 || value.starts_with("arn:") || value.starts_with("https://") {
        return None;
    }
    if key.ends_with(".$")
        || value.is_empty()
        || value.starts_with('$')
        || value.contains("{%")
        || value.contains("${")
    {
        return None;
    }
    if value.contains("-----BEGIN") && value.contains("PRIVATE KEY") {
        return Some("a private key");
    }
    let bytes = value.as_bytes();
    if bytes.len() == 20
        && (value.starts_with("AKIA") || value.starts_with("ASIA"))
        && bytes.iter().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return Some("an AWS access key id");
    }
    let lowered: String = key
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let compact = lowered.replace('_', "");
    let named = SECRET_WORDS.iter().any(|w| compact.contains(&w.replace('_', "")))
        && !NOT_SECRET.iter().any(|n| compact.ends_with(n));
    let looks_like_reference = value.starts_with("arn:") || value.starts_with("{{resolve:");
    if named
        && !looks_like_reference
        && !compact.ends_with("arn")
        && !compact.ends_with("name")
        && !compact.ends_with("id")
        && value.len() >= 6
    {
        return Some("a literal secret");
    }
    None
}
