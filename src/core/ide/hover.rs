//! Cursor features over the same analysis: hover on a Task shows what its
//! role needs and which statements grant it.

use std::fmt::Write;

use crate::core::analysis::Workspace;
use crate::core::asl::StateMachine;
use crate::core::files::{file_name, FileId, FileSet};
use crate::core::iam::Decision;
use crate::core::rules::permissions::Context;
use crate::core::text::TextRange;

/// Markdown for the Task under `offset` in `file` (its name or its
/// `Resource`), with the range it applies to.
pub fn hover(files: &FileSet, file: FileId, offset: usize) -> Option<(TextRange, String)> {
    let workspace = Workspace::new(files);
    let unit = workspace
        .units()
        .0
        .into_iter()
        .find(|u| u.definition.file == file)?;
    if unit.definition.map.is_some() {
        return None;
    }
    let machine = StateMachine::lower(&unit.definition.root);
    let ctx = Context::new(files, &unit, &machine);
    let at = |range: TextRange| range.start() <= offset && offset <= range.end();
    let task = ctx
        .tasks
        .iter()
        .find(|t| at(t.resource_location.range) || at(t.state.name_span()))?;
    let mut text = String::new();
    let resource = task.state.resource().unwrap_or("");
    let _ = writeln!(text, "**Task `{}`** — `{}`\n", task.state.name, resource);
    if task.needs.is_empty() {
        let _ = writeln!(text, "The execution role needs no permission for this task.");
    }
    for need in &task.needs {
        for pair in &need.pairs {
            let verdict = match &pair.decision {
                Decision::Allowed { by, .. } if !by.is_empty() => {
                    let names: Vec<String> = by
                        .iter()
                        .map(|r| {
                            let policy = &ctx.policies[r.policy];
                            let statement = &policy.statements[r.statement];
                            format!(
                                "{} `{}`",
                                file_name(files.path(policy.file)),
                                statement
                                    .sid
                                    .clone()
                                    .unwrap_or_else(|| format!("#{}", r.statement + 1))
                            )
                        })
                        .collect();
                    format!("allowed by {}", names.join(", "))
                }
                Decision::Allowed { conditional, .. } => format!(
                    "allowed only if {}",
                    conditional
                        .iter()
                        .map(|(_, c)| c.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                Decision::ImplicitDeny if ctx.policies.is_empty() => "no role linked".to_string(),
                Decision::ImplicitDeny => "**not allowed**".to_string(),
                Decision::ExplicitDeny { .. } => "**explicitly denied**".to_string(),
            };
            let _ = writeln!(text, "- `{}` on `{}` — {}", pair.action, pair.resource, verdict);
        }
    }
    if let Some(source) = task.needs.first().map(|n| n.need.source) {
        let _ = writeln!(text, "\n[AWS documentation]({source})");
    }
    let range = task.state.member.key_span.cover(task.resource_location.range);
    Some((range, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hover_lists_needs_and_grants() {
        let mut files = FileSet::new();
        let definition = r#"{"StartAt":"Notify","States":{"Notify":{"Type":"Task","Resource":"arn:aws:states:::sns:publish","Parameters":{"TopicArn":"arn:aws:sns:us-east-1:123456789012:t"},"End":true}}}"#;
        let id = files.insert("/w/flow.asl.json", definition, None);
        files.insert(
            "/w/flow.policy.json",
            r#"{"Statement":[{"Sid":"Publish","Effect":"Allow","Action":"sns:Publish","Resource":"*"}]}"#,
            None,
        );
        let offset = definition.find("arn:aws:states").unwrap();
        let (_, text) = hover(&files, id, offset).unwrap();
        assert_eq!(
            text,
            "**Task `Notify`** — `arn:aws:states:::sns:publish`\n\n- `sns:Publish` on `arn:aws:sns:us-east-1:123456789012:t` — allowed by flow.policy.json `Publish`\n\n[AWS documentation](https://docs.aws.amazon.com/step-functions/latest/dg/sns-iam.html)\n"
        );
        assert!(hover(&files, id, 1).is_none());
    }
}
