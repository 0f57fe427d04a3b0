//! `unknown-action`: a policy names an IAM action, or an action pattern,
//! that matches no action in the Service Authorization Reference: a
//! misspelling (`logs:CreateLogStreams`), an SDK operation name that is not
//! the action's (`s3:ListObjectsV2`), or a prefix that does not exist
//! (`bedrock-agent:`). The statement then grants nothing for it.

use crate::core::diagnostic::{FileEdit, Finding, Fix, Location, Severity};
use crate::core::fix::Dialect;
use crate::core::permissions::context::Context;
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};
use crate::core::sar;
use crate::core::text::TextRange;

pub const RULE: RuleMeta = RuleMeta {
    id: "unknown-action",
    default_severity: Severity::Warning,
    summary: "An IAM action, or action pattern, that matches no action AWS has",
};

pub const ENTRY: Rule = Rule {
    meta: RULE,
    scope: Scope::Role,
    check: Check::Role {
        run: check,
        needs_role: true,
    },
};

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let sar = sar::sar();
    for (p, policy) in ctx.policies.iter().enumerate() {
        let doc = ctx.policy_root(p);
        // SAM's policy templates and AWS managed policies are not the
        // user's to correct.
        if doc.dialect == Dialect::Generated {
            continue;
        }
        let text = ctx.files.text(policy.file);
        for statement in &policy.statements {
            let Some(actions) = &statement.actions else {
                continue;
            };
            for item in &actions.items {
                let action = item.value.as_str();
                if action.contains("${") || sar.matches_any(action) {
                    continue;
                }
                let Some((prefix, _)) = action.split_once(':') else {
                    continue;
                };
                let closest = sar.closest(action);
                let what = if sar.service(prefix).is_none() && !prefix.contains(['*', '?']) {
                    format!("no AWS service has the IAM prefix \"{prefix}\"")
                } else if action.contains(['*', '?']) {
                    "the pattern matches no action".to_string()
                } else {
                    "no such action exists".to_string()
                };
                let message = match &closest {
                    Some(c) => format!("\"{action}\" grants nothing: {what}; did you mean \"{c}\"?"),
                    None => format!("\"{action}\" grants nothing: {what}"),
                };
                let location = Location {
                    file: policy.file,
                    range: item.span,
                };
                let mut finding = Finding::new(RULE.id, RULE.default_severity, location, message);
                if let Some(edit) =
                    closest.and_then(|c| replace_string(text, policy.file, item.span, action, &c))
                {
                    finding = finding.with_fix(Fix {
                        title: format!("Replace with {}", edit.1),
                        preferred: true,
                        edits: vec![edit.0],
                        safe: true,
                    });
                }
                out.push(finding);
            }
        }
    }
}

/// Replaces the string at `span` when it is written plainly or in simple
/// quotes, keeping the quotes; `None` for any other spelling.
fn replace_string(
    text: &str,
    file: crate::core::files::FileId,
    span: TextRange,
    written: &str,
    with: &str,
) -> Option<(FileEdit, String)> {
    let source = text.get(span.start()..span.end())?;
    let inner = if source == written {
        span
    } else {
        let quote = source.chars().next().filter(|q| *q == '"' || *q == '\'')?;
        let body = source.strip_prefix(quote)?.strip_suffix(quote)?;
        if body != written {
            return None;
        }
        TextRange::new(span.start() + 1, span.end() - 1)
    };
    Some((
        FileEdit::Replace {
            file,
            range: inner,
            new_text: with.to_string(),
        },
        with.to_string(),
    ))
}
