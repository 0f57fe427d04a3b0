//! "Generate least-privilege policy": for a standalone definition with no
//! role linked to it, a fix that creates `<stem>.policy.json` beside it
//! holding what its tasks need. A template's state machine gets none (its
//! role is fixed in the template), nor does a definition that has a role.

use crate::core::asl::StateMachine;
use crate::core::classify::definition_stem;
use crate::core::diagnostic::{FileEdit, Fix};
use crate::core::files::{file_name, join, parent_dir, FileId};
use crate::core::permissions::policy::policy_document;
use crate::core::unit::LinkKind;

use super::common::Input;

/// The fix creating the policy file for the definition in `file`, or
/// `None` when it has a role or is not a standalone definition.
pub fn generate_policy(input: &impl Input, file: FileId) -> Option<Fix> {
    input.with_linked(|linked| {
        let unit = linked.units.iter().find(|u| u.definition.file == file)?;
        if !unit.policies.is_empty() || unit.link != LinkKind::Unlinked || unit.machine.is_some() {
            return None;
        }
        let workspace = linked.workspace;
        let machine = StateMachine::lower(&unit.definition.root);
        let ctx = linked.context(unit, &machine);
        let mut text = serde_json::to_string_pretty(&policy_document(&ctx)).ok()?;
        text.push('\n');
        let path = workspace.files.path(file);
        let stem = definition_stem(file_name(path));
        let target = join(parent_dir(path), &format!("{stem}.policy.json"));
        Some(Fix {
            title: format!("Generate least-privilege policy ({stem}.policy.json)"),
            preferred: false,
            safe: true,
            edits: vec![FileEdit::Create { path: target, text }],
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::files::FileSet;

    const FLOW: &str = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Parameters": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "Message": "m"}, "End": true}}}"#;

    #[test]
    fn a_definition_without_a_role_gets_a_policy_file() {
        let mut files = FileSet::new();
        let id = files.insert("/w/flow.asl.json", FLOW, Some(1));
        let fix = generate_policy(&files, id).expect("a fix");
        assert_eq!(fix.title, "Generate least-privilege policy (flow.policy.json)");
        assert_eq!(
            fix.edits,
            [FileEdit::Create {
                path: "/w/flow.policy.json".into(),
                text: "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\": \"SnsPublish\",\n      \"Effect\": \"Allow\",\n      \"Action\": [\n        \"sns:Publish\"\n      ],\n      \"Resource\": [\n        \"arn:aws:sns:us-east-1:123456789012:t\"\n      ]\n    }\n  ]\n}\n".into(),
            }]
        );
        // With a policy beside it, the definition has a role: no fix.
        files.insert("/w/flow.policy.json", r#"{"Statement": []}"#, None);
        assert!(generate_policy(&files, id).is_none());
    }
}
