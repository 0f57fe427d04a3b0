//! Cursor features over the same analysis: hover on a Task shows what its
//! role needs and which statements grant it.

use crate::core::files::FileId;
use crate::core::text::TextRange;

use super::common::Input;
use super::permissions::task_hover;

/// Markdown for the Task under `offset` in `file` (its name or its
/// `Resource`), with the range it applies to.
pub fn hover(input: &impl Input, file: FileId, offset: usize) -> Option<(TextRange, String)> {
    input.with_linked(|linked| task_hover(linked, file, offset))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::files::FileSet;

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
