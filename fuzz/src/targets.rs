//! The checks of each fuzz target, as plain functions: the fuzz targets
//! (fuzz/fuzz_targets) call them, and `tests/fuzz_regressions.rs` replays
//! every input a fuzzer ever crashed on (tests/fixtures/fuzz) through them
//! in the ordinary test run. Each panics when its check fails.

use std::collections::BTreeMap;

use asl_lsp::core::files::FileId;
use asl_lsp::core::iam::lower_policy;
use asl_lsp::core::syntax;

use super::{check_parse, file_set, one, parse_as};

/// Runs target `name` on `data`; `false` for an unknown name.
pub fn run(name: &str, data: &[u8]) -> bool {
    match name {
        "json" => json(data),
        "yaml" => yaml(data),
        "hcl" => hcl(data),
        "policy" => policy(data),
        "cloudformation" => cloudformation(data),
        "terraform" => terraform(data),
        "analysis" => analysis(data),
        "fixer" => fixer(data),
        _ => return false,
    }
    true
}

const FLOW: &str = r#"{"StartAt": "T", "States": {"T": {"Type": "Task",
  "Resource": "arn:aws:states:::lambda:invoke",
  "Parameters": {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:f"}, "End": true}}}"#;

/// The JSON front end (JSON with comments, as definitions are read): any text parses to a tree and errors whose spans
/// lie inside the text, without panicking.
pub fn json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = syntax::json::parse(text);
    check_parse(text, &parsed);
    if let Some(root) = &parsed.root {
        let _ = root.to_json();
    }
}

/// The YAML front end: any text parses to a tree and errors whose spans
/// lie inside the text, without panicking.
pub fn yaml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = syntax::yaml::parse(text);
    check_parse(text, &parsed);
    if let Some(root) = &parsed.root {
        let _ = root.to_json();
    }
}

/// The HCL front end: any text parses to a tree and errors whose spans
/// lie inside the text, without panicking.
pub fn hcl(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = syntax::hcl::parse(text);
    check_parse(text, &parsed);
    if let Some(root) = &parsed.root {
        let _ = root.to_json();
    }
}

/// The policy reader: any JSON document, lowered as an IAM policy, and
/// then analysed as the role of a one-task workflow.
pub fn policy(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = syntax::json::parse(text);
    if let Some(root) = &parsed.root {
        let _ = lower_policy(FileId(0), root, &|n| n.as_str().map(str::to_string));
    }
    let mut files = one("/w/flow.policy.json", data);
    files.insert("/w/flow.asl.json", FLOW, None);
    let _ = asl_lsp::core::analyze(&files, None);
}

/// The CloudFormation / SAM template reader: one template, YAML or JSON
/// (a first byte `J` chooses JSON, any other YAML), through the whole analysis.
pub fn cloudformation(data: &[u8]) {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let path = if *first == b'J' {
        "/w/template.json"
    } else {
        "/w/template.yaml"
    };
    let files = one(path, rest);
    let _ = asl_lsp::core::analyze(&files, None);
}

/// The Terraform reader: one `.tf` file through the whole analysis.
pub fn terraform(data: &[u8]) {
    let files = one("/w/main.tf", data);
    let _ = asl_lsp::core::analyze(&files, None);
}

/// The whole analysis over a small file set (see `asl_lsp_fuzz::file_set`
/// for how an input becomes files), with and without a focus.
pub fn analysis(data: &[u8]) {
    let files = file_set(data);
    let analysis = asl_lsp::core::analyze(&files, None);
    for finding in &analysis.findings {
        let text = files.text(finding.location.file);
        let (start, end) = (
            finding.location.range.start as usize,
            finding.location.range.end as usize,
        );
        assert!(
            start <= end && end <= text.len(),
            "finding {} at {start}..{end} outside its file",
            finding.rule
        );
    }
    let first = files.ids().next();
    if let Some(first) = first {
        let _ = asl_lsp::core::analyze(&files, Some(&[first]));
    }
}

/// The fixer: apply every preferred fix (safe or not), then re-parse and
/// re-analyse. A file that parsed without errors before must still parse
/// without errors after, and a file a fix creates must parse.
pub fn fixer(data: &[u8]) {
    let mut files = file_set(data);
    let clean_before: BTreeMap<String, bool> = files
        .ids()
        .filter_map(|id| {
            let path = files.path(id).to_string();
            let parsed = parse_as(&path, files.text(id))?;
            Some((path, parsed.errors.is_empty()))
        })
        .collect();
    let (_, changed) = asl_lsp::core::autofix::apply_preferred(&mut files, 3);
    for path in &changed {
        let id = files.lookup(path).expect("a changed file is in the set");
        let text = files.text(id);
        let Some(parsed) = parse_as(path, text) else {
            continue;
        };
        check_parse(text, &parsed);
        if clean_before.get(path).copied().unwrap_or(true) {
            assert!(
                parsed.errors.is_empty(),
                "{path} no longer parses after the fixes: {:?}\n{text}",
                parsed.errors
            );
        }
    }
    let _ = asl_lsp::core::analyze(&files, None);
}
