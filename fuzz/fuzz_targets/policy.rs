//! The policy reader: any JSON document, lowered as an IAM policy, and
//! then analysed as the role of a one-task workflow.
#![no_main]

use asl_lsp::core::files::FileId;
use asl_lsp::core::iam::lower_policy;
use asl_lsp::core::syntax;
use libfuzzer_sys::fuzz_target;

const FLOW: &str = r#"{"StartAt": "T", "States": {"T": {"Type": "Task",
  "Resource": "arn:aws:states:::lambda:invoke",
  "Parameters": {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:f"}, "End": true}}}"#;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = syntax::json::parse(text);
    if let Some(root) = &parsed.root {
        let _ = lower_policy(FileId(0), root, &|n| n.as_str().map(str::to_string));
    }
    let mut files = asl_lsp_fuzz::one("/w/flow.policy.json", data);
    files.insert("/w/flow.asl.json", FLOW, None);
    let _ = asl_lsp::core::analyze(&files, None);
});
