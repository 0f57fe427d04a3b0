//! Hostile inputs from issue 18, run through the `check` binary: each must
//! finish with its ordinary findings instead of crashing the process.

use std::path::Path;
use std::process::Command;

use asl_lsp::core::syntax::{Node, NodeKind};
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

/// Resources whose names refer to the next one, 20,000 deep, and the last
/// back to the first: CloudFormation rejects the cycle; we must not
/// recurse along it (the chain once overflowed the stack).
#[test]
fn resource_names_referring_along_a_long_chain_do_not_overflow_the_stack() {
    let n = 20_000;
    let mut resources = serde_json::Map::new();
    for i in 0..n {
        resources.insert(
            format!("F{i}"),
            json!({"Type": "AWS::Lambda::Function",
                   "Properties": {"FunctionName": {"Ref": format!("F{}", (i + 1) % n)}}}),
        );
    }
    resources.insert(
        "M".into(),
        json!({"Type": "AWS::StepFunctions::StateMachine",
               "Properties": {"Definition": {"StartAt": "T", "States": {
                   "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                         "Parameters": {"FunctionName": {"Ref": "F0"}}, "End": true}}}}}),
    );
    let template = json!({ "Resources": resources });
    assert_eq!(
        check_one("chain.template.json", &template.to_string()),
        (Some(0), vec!["logging-disabled 2".to_string()])
    );
}

/// A workflow of `n` tasks, each invoking its own function, under a role
/// that may invoke any function.
fn lambda_tasks(n: usize) -> tempfile::TempDir {
    let mut states = serde_json::Map::new();
    for i in 0..n {
        let mut state = json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": format!("arn:aws:lambda:us-east-1:123456789012:function:Worker{i}")}});
        if i + 1 < n {
            state["Next"] = json!(format!("T{}", i + 1));
        } else {
            state["End"] = json!(true);
        }
        states.insert(format!("T{i}"), state);
    }
    let dir = tempfile::tempdir().unwrap();
    let definition = json!({"StartAt": "T0", "States": states});
    std::fs::write(dir.path().join("flow.asl.json"), definition.to_string()).unwrap();
    let policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "lambda:InvokeFunction", "Resource": "*"}]});
    std::fs::write(dir.path().join("flow.policy.json"), policy.to_string()).unwrap();
    dir
}

fn findings_json(dir: &Path) -> Vec<Value> {
    let output = Command::new(env!("CARGO_BIN_EXE_asl-lsp"))
        .args(["check", "--format", "json", "."])
        .current_dir(dir)
        .output()
        .unwrap();
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn many_lambda_tasks_under_a_star_policy_give_linear_output() {
    for n in [12, 25, 1_000] {
        let dir = lambda_tasks(n);
        let findings = findings_json(dir.path());
        assert_eq!(findings.len(), n + 1, "{n} tasks");
        assert!(findings.iter().all(|f| f["code"] == "unscoped-lambda-invoke"));
        let with_fix = findings
            .iter()
            .filter(|f| f["fixes"].as_array().is_some_and(|a| !a.is_empty()))
            .count();
        // Few tasks: each offers the fix; many: only the statement does.
        assert_eq!(with_fix, if n <= 20 { n + 1 } else { 1 }, "{n} tasks");
        let rest = if n > 10 {
            format!(" and {} more", n - 10)
        } else {
            String::new()
        };
        let mut names: Vec<String> = (0..n).map(|i| format!("Worker{i}")).collect();
        names.sort();
        let quoted: Vec<String> = names.iter().take(10).map(|n| format!("\"{n}\"")).collect();
        let message = format!(
            "lambda:InvokeFunction is allowed on \"*\", but the workflow invokes only {}{rest}",
            quoted.join(", ")
        );
        assert!(
            findings.iter().all(|f| f["message"] == message.as_str()),
            "{n} tasks"
        );
        let statement = findings
            .iter()
            .find(|f| f["uri"].as_str().unwrap().ends_with("flow.policy.json"));
        assert_eq!(
            statement.unwrap()["relatedInformation"].as_array().unwrap().len(),
            n.min(20)
        );
        if n > 20 {
            // A task's finding: its message and one related location.
            let largest = findings
                .iter()
                .filter(|f| f["uri"].as_str().unwrap().ends_with("flow.asl.json"))
                .map(|f| f.to_string().len())
                .max()
                .unwrap();
            assert!(largest < 1_000, "{largest} bytes for one task's finding");
        }
    }
}

/// A template of `n` state machines, each with its own role and function,
/// minified onto one line when `pretty` is false.
fn machines(n: usize, pretty: bool) -> String {
    let mut resources = serde_json::Map::new();
    for i in 0..n {
        let role = json!({"Fn::GetAtt": [format!("Role{i}"), "Arn"]});
        let function = json!({"Fn::GetAtt": [format!("Fn{i}"), "Arn"]});
        resources.insert(
            format!("Fn{i}"),
            json!({"Type": "AWS::Lambda::Function",
            "Properties": {"Runtime": "python3.12", "Handler": "x", "Code": {"ZipFile": "x"}, "Role": role}}),
        );
        resources.insert(
            format!("Role{i}"),
            json!({"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
            "Policies": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": function}]}}]}}),
        );
        resources.insert(
            format!("M{i}"),
            json!({"Type": "AWS::StepFunctions::StateMachine",
            "Properties": {"RoleArn": role, "Definition": {"StartAt": "T", "States": {"T": {
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": function}, "End": true}}}}}),
        );
    }
    let template = json!({"Resources": resources});
    if pretty {
        serde_json::to_string_pretty(&template).unwrap()
    } else {
        template.to_string()
    }
}

/// Each machine's findings and fixes are its own: the same for every
/// machine, however many the template holds (was ~n³ in time, each machine
/// re-reading the whole template). Timed in `benches/hostile.rs`.
#[test]
fn many_state_machines_in_one_template_give_the_same_findings_each() {
    use asl_lsp::core::diagnostic::FileEdit;
    for pretty in [true, false] {
        let mut per_machine = Vec::new();
        for n in [1, 10, 300] {
            let mut files = asl_lsp::core::files::FileSet::new();
            files.insert("/w/stack.template.json", machines(n, pretty), None);
            let analysis = asl_lsp::core::analyze(&files, None);
            let mut codes: Vec<&str> = analysis.findings.iter().map(|f| f.rule).collect();
            codes.sort();
            codes.dedup();
            let edited: usize = analysis
                .findings
                .iter()
                .flat_map(|f| &f.fixes)
                .flat_map(|fix| &fix.edits)
                .map(|e| match e {
                    FileEdit::Replace { new_text, .. } => new_text.len(),
                    FileEdit::Create { text, .. } => text.len(),
                })
                .sum();
            assert_eq!(analysis.findings.len(), 2 * n, "{n} machines: two findings each");
            // Names grow by a digit or two from 1 to 300 machines.
            per_machine.push((codes, edited / n));
        }
        assert_eq!(
            per_machine[0].0,
            ["logging-disabled", "trust-policy-confused-deputy"]
        );
        assert!(per_machine.iter().all(|(c, _)| *c == per_machine[0].0));
        let (small, large) = (per_machine[0].1, per_machine[2].1);
        assert!(
            large <= small + 40,
            "fix text per machine: {small} bytes for 1, {large} for 300"
        );
    }
}

/// A template's definition paths that leave the project (`..`, absolute,
/// a link out) are findings: nothing is read from them or quoted.
#[test]
fn template_paths_outside_the_project_are_not_read() {
    let top = tempfile::tempdir().unwrap();
    let secret = r#"{"StartAt": "SECRET", "States": {"SECRET": {"Type": "Pass", "End": true}}}"#;
    std::fs::create_dir(top.path().join("outside")).unwrap();
    std::fs::write(top.path().join("outside/victim.asl.json"), secret).unwrap();
    let proj = top.path().join("proj");
    std::fs::create_dir_all(proj.join(".git")).unwrap();
    std::os::unix::fs::symlink("../outside/victim.asl.json", proj.join("link.asl.json")).unwrap();
    let outside = top.path().join("outside/victim.asl.json");
    for uri in [
        "../outside/victim.asl.json",
        outside.to_str().unwrap(),
        "link.asl.json",
    ] {
        let template = format!(
            "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: {uri}\n"
        );
        std::fs::write(proj.join("template.yaml"), template).unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_asl-lsp"))
            .args(["check", "--format", "json", "template.yaml"])
            .current_dir(&proj)
            .output()
            .unwrap();
        let findings: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
        let codes: Vec<&str> = findings.iter().map(|f| f["code"].as_str().unwrap()).collect();
        // The resource itself is still checked (it has no Logging); the
        // definition is not read.
        assert_eq!(codes, ["logging-disabled", "definition-uri-not-found"], "{uri}");
        // Not read is not missing: an info that says why.
        assert_eq!(findings[1]["severity"], 3, "{uri}"); // LSP: 3 is information
        let message = findings[1]["message"].as_str().unwrap();
        assert!(message.contains("outside the project root"), "{uri}: {message}");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(!all.contains("SECRET"), "{uri}: {all}");
        assert_eq!(output.status.code(), Some(0), "{uri}");
    }
}

/// Whether our tree is the one PyYAML composed (see
/// tests/fixtures/yaml-compat/generate.py for its form). A plain scalar
/// we typed as a boolean or null matches any plain scalar: YAML 1.1
/// and 1.2 resolve those differently, and only types differ.
fn same_tree(ours: &Node, theirs: &serde_json::Value) -> Result<(), String> {
    let (node, tag) = match &ours.kind {
        NodeKind::Tagged { tag, node, .. } => (node.as_ref(), Some(tag.as_str())),
        _ => (ours, None),
    };
    let their_tag = theirs.get("tag").and_then(|t| t.as_str());
    if tag != their_tag {
        return Err(format!("tag {tag:?}, PyYAML {their_tag:?}"));
    }
    match &node.kind {
        NodeKind::Object(members) => {
            let pairs = theirs["map"]
                .as_array()
                .ok_or(format!("a mapping, PyYAML {theirs}"))?;
            if pairs.len() != members.len() {
                return Err(format!("{} keys, PyYAML {}", members.len(), pairs.len()));
            }
            for (member, pair) in members.iter().zip(pairs) {
                if pair[0] != member.key.as_str() {
                    return Err(format!("key {:?}, PyYAML {}", member.key, pair[0]));
                }
                same_tree(&member.value, &pair[1]).map_err(|e| format!("{}: {e}", member.key))?;
            }
            Ok(())
        }
        NodeKind::Array(items) => {
            let their = theirs["seq"]
                .as_array()
                .ok_or(format!("a sequence, PyYAML {theirs}"))?;
            if their.len() != items.len() {
                return Err(format!("{} items, PyYAML {}", items.len(), their.len()));
            }
            for (i, (item, t)) in items.iter().zip(their).enumerate() {
                same_tree(item, t).map_err(|e| format!("[{i}]: {e}"))?;
            }
            Ok(())
        }
        NodeKind::String(s) | NodeKind::Number(s) if theirs["scalar"] == s.as_str() => Ok(()),
        NodeKind::Bool(_) | NodeKind::Null if theirs["plain"] == true => Ok(()),
        _ => Err(format!("{:?}, PyYAML {theirs}", node.kind)),
    }
}

/// Each case where YAML parsers are known to disagree: we accept what
/// PyYAML or its libyaml binding loads (as CloudFormation tools do),
/// reject what both reject, and build the tree they compose.
#[test]
fn the_yaml_reader_reads_what_pyyaml_and_libyaml_do() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/yaml-compat");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 40, "{} cases", cases.len());
    let mut wrong = Vec::new();
    for case in &cases {
        let text = std::fs::read_to_string(case).unwrap();
        let expected: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(case.with_extension("expected.json")).unwrap())
                .unwrap();
        let accept = expected["pyyaml"] == true || expected["libyaml"] == true;
        let parsed = asl_lsp::core::syntax::yaml::parse(&text);
        let name = case.file_stem().unwrap().to_string_lossy();
        match (accept, parsed.errors.first(), &parsed.root) {
            // An empty file is reported on purpose: it holds nothing to check.
            (true, Some(error), _) if expected["tree"].is_null() && error.message.contains("is empty") => {}
            (true, Some(error), _) => wrong.push(format!("{name}: rejected ({})", error.message)),
            (false, None, _) => wrong.push(format!("{name}: accepted, PyYAML and libyaml reject it")),
            (true, None, Some(root)) => {
                if let Err(e) = same_tree(root, &expected["tree"]) {
                    wrong.push(format!("{name}: {e}"));
                }
            }
            (true, None, None) if !expected["tree"].is_null() => wrong.push(format!("{name}: no tree")),
            _ => {}
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
