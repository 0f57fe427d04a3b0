//! Hostile inputs from issue 18, run through the `check` binary: each must
//! finish with its ordinary findings instead of crashing the process.

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};

/// Runs `check --format json` on a folder holding one file, and returns the
/// exit code and each finding as `code severity`.
fn check_one(name: &str, text: &str) -> (Option<i32>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    check_dir(dir.path())
}

fn check_dir(dir: &Path) -> (Option<i32>, Vec<String>) {
    let output = Command::new(env!("CARGO_BIN_EXE_asl-lsp"))
        .args(["check", "--format", "json", "."])
        .current_dir(dir)
        .output()
        .unwrap();
    let findings: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON ({e}), status {:?}, stderr: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let mut codes: Vec<String> = findings
        .iter()
        .map(|d| format!("{} {}", d["code"].as_str().unwrap(), d["severity"]))
        .collect();
    codes.sort();
    (output.status.code(), codes)
}

fn deep_path(n: usize) -> String {
    format!("${}", ".a".repeat(n))
}

#[test]
fn deep_result_path_does_not_overflow_the_stack() {
    for n in [4_500, 100_000] {
        let definition = json!({"StartAt": "P", "States": {
            "P": {"Type": "Pass", "ResultPath": deep_path(n), "End": true}}});
        assert_eq!(
            check_one("deep.asl.json", &definition.to_string()),
            (Some(0), vec![]),
            "{n} segments"
        );
    }
}

#[test]
fn deep_catch_result_path_does_not_overflow_the_stack() {
    let definition = json!({"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": "f"},
              "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": deep_path(4_500), "Next": "D"}],
              "End": true},
        "D": {"Type": "Pass", "End": true}}});
    assert_eq!(
        check_one("catch.asl.json", &definition.to_string()),
        (Some(0), vec!["no-linked-role 4".to_string()])
    );
}

#[test]
fn deep_result_path_in_a_template_does_not_overflow_the_stack() {
    let template = json!({"Resources": {"M": {"Type": "AWS::StepFunctions::StateMachine",
        "Properties": {"Definition": {"StartAt": "P", "States": {
            "P": {"Type": "Pass", "ResultPath": deep_path(4_500), "End": true}}}}}}});
    assert_eq!(
        check_one("stack.template.json", &template.to_string()),
        (Some(0), vec!["logging-disabled 2".to_string()])
    );
}
