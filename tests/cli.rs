//! The binary's command line: formats, exit codes, --fix, policy.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_asl-lsp"))
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn codes(json: &[Value]) -> Vec<String> {
    let mut out: Vec<String> = json
        .iter()
        .map(|d| {
            let uri = d["uri"].as_str().unwrap();
            let file = uri.rsplit('/').next().unwrap();
            format!("{file} {} {}", d["code"].as_str().unwrap(), d["severity"])
        })
        .collect();
    out.sort();
    out
}

#[test]
fn check_reports_the_headline_findings_on_examples() {
    let output = bin()
        .args(["check", "--format", "json"])
        .arg(examples())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "errors exit 1");
    let json: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        codes(&json),
        vec![
            "dispatch.asl.json unscoped-lambda-invoke 2",
            "dispatch.asl.json unvalidated-input-target 1",
            "dispatch.policy.json unscoped-lambda-invoke 2",
            "dispatch.policy.json unvalidated-input-target 1",
            "orders.asl.json sync-missing-events-permissions 1",
            "orders.asl.json unscoped-lambda-invoke 2",
            "orders.policy.json sync-missing-events-permissions 1",
            "orders.policy.json unscoped-lambda-invoke 2",
            "orders.policy.json unused-permission 4",
            "orders.trust.json trust-policy-confused-deputy 2",
        ]
    );
    // Each finding carries its fixes in LSP WorkspaceEdit form.
    let sync = json
        .iter()
        .find(|d| d["code"] == "sync-missing-events-permissions")
        .unwrap();
    assert_eq!(sync["fixes"][0]["isPreferred"], true);
    assert!(
        sync["fixes"][0]["edit"]["documentChanges"][0]["edits"][0]["newText"]
            .as_str()
            .unwrap()
            .contains("rule/StepFunctionsGetEventsForECSTaskRule")
    );
    assert_eq!(
        sync["data"]["fixes"], sync["fixes"],
        "the same fixes the server sends in data"
    );
}

#[test]
fn text_output_looks_like_a_compiler() {
    let output = bin()
        .arg("check")
        .arg(examples().join("dispatch"))
        .current_dir(examples())
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with(
        "dispatch/dispatch.asl.json:7:19: warning[unscoped-lambda-invoke]: lambda:InvokeFunction is allowed on \"*\""
    ), "{text}");
    assert!(text.contains(
        "  |         \"FunctionName.$\": \"$.handler\",\n  |         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    ));
    assert!(
        text.contains("  = note: also at dispatch/dispatch.policy.json:8:19\n"),
        "the policy-side twin is a note: {text}"
    );
    assert!(
        text.ends_with("1 error(s), 1 warning(s), 0 other finding(s)\n"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "no colour when not on a terminal");
}

#[test]
fn sarif_output_carries_rules_results_and_fixes() {
    let output = bin()
        .args(["check", "--format", "sarif"])
        .arg(examples())
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    assert!(run["tool"]["driver"]["rules"].as_array().unwrap().len() >= 20);
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 10);
    let sync = results
        .iter()
        .find(|r| r["ruleId"] == "sync-missing-events-permissions")
        .unwrap();
    assert_eq!(sync["level"], "error");
    assert_eq!(
        sync["locations"][0]["physicalLocation"]["region"]["startLine"],
        17
    );
    assert_eq!(
        sync["locations"][0]["physicalLocation"]["region"]["startColumn"],
        19
    );
    assert!(
        sync["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"]
            .as_str()
            .unwrap()
            .contains("events:PutRule")
    );
}

#[test]
fn fix_clears_the_findings_on_a_copy() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&examples(), dir.path());
    let fixed = bin()
        .args(["check", "--fix", "--unsafe-fixes"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        fixed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&fixed.stdout)
    );
    let again = bin()
        .args(["check", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0));
    let json: Vec<Value> = serde_json::from_slice(&again.stdout).unwrap();
    assert!(json.is_empty(), "{json:#?}");
    // Every edited policy still parses.
    for name in [
        "orders/orders.policy.json",
        "dispatch/dispatch.policy.json",
        "orders/orders.trust.json",
    ] {
        let text = std::fs::read_to_string(dir.path().join(name)).unwrap();
        serde_json::from_str::<Value>(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("clean.asl.json"),
        r#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#,
    )
    .unwrap();
    assert_eq!(
        bin().arg("check").arg(dir.path()).status().unwrap().code(),
        Some(0)
    );
    assert_eq!(
        bin().args(["check", "/no/such/path"]).status().unwrap().code(),
        Some(2)
    );
    assert_eq!(
        bin().args(["check", "--format", "xml"]).status().unwrap().code(),
        Some(2)
    );
    std::fs::write(dir.path().join("broken.asl.json"), "{\"StartAt\": ").unwrap();
    assert_eq!(
        bin().arg("check").arg(dir.path()).status().unwrap().code(),
        Some(1)
    );
}

#[test]
fn policy_prints_the_least_privilege_policy() {
    let output = bin()
        .arg("policy")
        .arg(examples().join("orders/orders.asl.json"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let policy: Value = serde_json::from_slice(&output.stdout).unwrap();
    insta::assert_snapshot!(serde_json::to_string_pretty(&policy).unwrap());
    assert_eq!(
        bin()
            .args(["policy", "/no/such.asl.json"])
            .status()
            .unwrap()
            .code(),
        Some(2)
    );
}

#[test]
fn policy_for_every_catalogued_integration() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/all-integrations.asl.json");
    let output = bin().arg("policy").arg(path).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let policy: Value = serde_json::from_slice(&output.stdout).unwrap();
    insta::assert_snapshot!(serde_json::to_string_pretty(&policy).unwrap());
}

/// Copies an example of the real-world corpus, checks it (exit code and
/// finding codes), applies `--fix`, checks again (nothing left) and returns
/// the text of `edited` after the fixes.
/// `None` (the test skips, saying why) without the shared corpus.
fn check_then_fix(example: &str, exit: i32, expected: &[&str], edited: &str) -> Option<String> {
    let source = support::shared_corpus("realworld")?.join(example);
    assert!(source.is_dir(), "{example} is in the real-world corpus");
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&source, dir.path());
    let check = || {
        bin()
            .args(["check", "--format", "json"])
            .arg(dir.path())
            .output()
            .unwrap()
    };
    let output = check();
    assert_eq!(output.status.code(), Some(exit));
    let json: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let mut found = codes(&json);
    found.dedup();
    assert_eq!(found, expected);
    let fixed = bin()
        .args(["check", "--fix", "--unsafe-fixes"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        fixed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&fixed.stdout)
    );
    let json: Vec<Value> = serde_json::from_slice(&check().stdout).unwrap();
    assert!(json.is_empty(), "{json:#?}");
    Some(std::fs::read_to_string(dir.path().join(edited)).unwrap())
}

/// A SAM project: `--fix` leaves a template that parses (tags and all).
#[test]
fn check_and_fix_a_sam_project() {
    let Some(text) = check_then_fix(
        "aws-stepfunctions-examples/sam/util-sfntoolkit",
        1,
        &[
            "template.yaml logging-disabled 2",
            "template.yaml missing-permission 1",
            "template.yaml sync-missing-events-permissions 1",
            "template.yaml unused-permission 4",
            "template.yaml wildcard-resource 2",
        ],
        "template.yaml",
    ) else {
        return;
    };
    let parsed = asl_lsp::core::syntax::yaml::parse(&text);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert!(text.contains("- !Sub arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule"));
}

/// A Terraform module: `--fix` leaves HCL that parses.
#[test]
fn check_and_fix_a_terraform_module() {
    let Some(text) = check_then_fix(
        "step-functions-workflows-collection/textract-analyze-expense-tf",
        0,
        &[
            "main.tf trust-policy-confused-deputy 2",
            "main.tf unused-permission 4",
        ],
        "main.tf",
    ) else {
        return;
    };
    let parsed = asl_lsp::core::syntax::hcl::parse(&text);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert!(text.contains("\"aws:SourceAccount\": \"${data.aws_caller_identity.current.account_id}\""));
    // The S3 read Textract makes as the caller is kept.
    assert!(text.contains("\"s3:GetObject\""));
}

const SNS_FLOW: &str = r#"{"StartAt": "P", "States": {"P": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Parameters": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "Message": "m"}, "End": true}}}"#;

/// The policy of `SNS_FLOW` with one permission too many (an unsafe fix).
const SNS_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["sns:Publish", "sns:DeleteTopic"],
     "Resource": "arn:aws:sns:us-east-1:123456789012:t"}
  ]
}
"#;

/// A project (it has `.git`) holding `a.asl.json` + `a.policy.json` and an
/// unrelated, broken `b.asl.json`.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join("a.asl.json"), SNS_FLOW).unwrap();
    std::fs::write(dir.path().join("a.policy.json"), SNS_POLICY).unwrap();
    std::fs::write(dir.path().join("b.asl.json"), "{\"StartAt\": ").unwrap();
    dir
}

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = bin()
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("FORCE_COLOR")
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

const A_UNUSED: &str =
    "a.policy.json:4:51: hint[unused-permission]: No state of the workflow needs sns:DeleteTopic
  |     {\"Effect\": \"Allow\", \"Action\": [\"sns:Publish\", \"sns:DeleteTopic\"],
  |                                                   ^^^^^^^^^^^^^^^^^
  = fix: Remove sns:DeleteTopic (unsafe)
";

#[test]
fn a_named_file_is_reported_and_fixed_with_its_links_only() {
    let dir = project();
    let (code, out, _) = run(dir.path(), &["check", "a.asl.json"]);
    assert_eq!(
        out,
        format!("{A_UNUSED}0 error(s), 0 warning(s), 1 other finding(s)\n")
    );
    assert_eq!(code, Some(0), "b's syntax error is not a's");
    // The policy named: its definition is linked, b still is not.
    let (code, out, _) = run(dir.path(), &["check", "a.policy.json"]);
    assert_eq!((code, out.lines().next()), (Some(0), A_UNUSED.lines().next()));
    // The folder: b is reported too.
    let (code, out, _) = run(dir.path(), &["check", "--format", "json", "."]);
    assert_eq!(code, Some(1));
    let json: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(
        codes(&json),
        ["a.policy.json unused-permission 4", "b.asl.json asl-syntax 1"]
    );

    // --fix: the only fix is unsafe, so nothing changes; b is untouched.
    let (code, _, err) = run(dir.path(), &["check", "--fix", "a.asl.json"]);
    assert_eq!((code, err.as_str()), (Some(0), "asl-lsp: applied 0 fix(es)\n"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.policy.json")).unwrap(),
        SNS_POLICY
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("b.asl.json")).unwrap(),
        "{\"StartAt\": "
    );

    // --diff shows the unsafe fix and writes nothing.
    let (code, out, _) = run(dir.path(), &["check", "--diff", "a.asl.json"]);
    assert_eq!(
        (code, out.as_str()),
        (Some(0), ""),
        "no safe fix, nothing to show"
    );
    let (code, out, _) = run(dir.path(), &["check", "--diff", "--unsafe-fixes", "a.asl.json"]);
    assert_eq!(code, Some(1), "a change to show");
    assert_eq!(
        out,
        "--- a/a.policy.json
+++ b/a.policy.json
@@ -1,7 +1,7 @@
 {
   \"Version\": \"2012-10-17\",
   \"Statement\": [
-    {\"Effect\": \"Allow\", \"Action\": [\"sns:Publish\", \"sns:DeleteTopic\"],
+    {\"Effect\": \"Allow\", \"Action\": [\"sns:Publish\"],
      \"Resource\": \"arn:aws:sns:us-east-1:123456789012:t\"}
   ]
 }
"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.policy.json")).unwrap(),
        SNS_POLICY
    );

    // --unsafe-fixes applies it, still to a's files only.
    let (code, _, err) = run(dir.path(), &["check", "--fix", "--unsafe-fixes", "a.asl.json"]);
    assert_eq!((code, err.as_str()), (Some(0), "asl-lsp: applied 1 fix(es)\n"));
    assert!(!std::fs::read_to_string(dir.path().join("a.policy.json"))
        .unwrap()
        .contains("DeleteTopic"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("b.asl.json")).unwrap(),
        "{\"StartAt\": "
    );
    assert_eq!(
        listing(dir.path()),
        [".git", "a.asl.json", "a.policy.json", "b.asl.json"]
    );
}

#[test]
fn creating_a_policy_is_an_unsafe_fix() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("lone.asl.json"), SNS_FLOW).unwrap();
    let (_, out, _) = run(dir.path(), &["check", "--format", "json", "lone.asl.json"]);
    let json: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(json[0]["code"], "no-linked-role");
    assert_eq!(
        json[0]["fixes"][0]["title"],
        "Create lone.policy.json with the least-privilege policy (unsafe)"
    );
    run(dir.path(), &["check", "--fix", "lone.asl.json"]);
    assert_eq!(listing(dir.path()), ["lone.asl.json"], "--fix creates nothing");
    run(dir.path(), &["check", "--fix", "--unsafe-fixes", "lone.asl.json"]);
    assert_eq!(listing(dir.path()), ["lone.asl.json", "lone.policy.json"]);
}

const B_SYNTAX: &str = "b.asl.json:1:13: error[asl-syntax]: Expected value after colon in object property
  | {\"StartAt\": 
  |             ^
";

#[test]
fn select_ignore_severity_statistics_and_exit_flags() {
    let dir = project();
    let summary = |e, w, o| format!("{e} error(s), {w} warning(s), {o} other finding(s)\n");
    let (code, out, _) = run(dir.path(), &["check", "--select", "asl", "."]);
    assert_eq!((code, out), (Some(1), format!("{B_SYNTAX}{}", summary(1, 0, 0))));
    let (code, out, _) = run(dir.path(), &["check", "--ignore", "asl"]);
    assert_eq!((code, out), (Some(0), format!("{A_UNUSED}{}", summary(0, 0, 1))));
    let (code, out, _) = run(
        dir.path(),
        &[
            "check",
            "--select",
            "iam,asl-syntax",
            "--ignore",
            "unused-permission",
        ],
    );
    assert_eq!((code, out), (Some(1), format!("{B_SYNTAX}{}", summary(1, 0, 0))));
    let (code, out, _) = run(dir.path(), &["check", "--severity", "warning"]);
    assert_eq!((code, out), (Some(1), format!("{B_SYNTAX}{}", summary(1, 0, 0))));
    // --quiet drops the summary; --statistics counts per rule.
    let (code, out, _) = run(dir.path(), &["check", "--quiet", "--statistics"]);
    assert_eq!(
        (code, out),
        (
            Some(1),
            format!("{A_UNUSED}{B_SYNTAX}    1  asl-syntax\n    1  unused-permission\n")
        )
    );
    assert_eq!(run(dir.path(), &["check", "--exit-zero"]).0, Some(0));
    // Unknown rule ids are usage errors, with the nearest id.
    let (code, out, err) = run(dir.path(), &["check", "--select", "unused-permision"]);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            Some(2),
            "",
            "asl-lsp: --select: unknown rule \"unused-permision\": did you mean \"unused-permission\"?\n"
        )
    );
    assert_eq!(run(dir.path(), &["check", "--ignore", "nope"]).0, Some(2));
    // --output-file: the report goes there, nothing to stdout.
    let (code, out, _) = run(
        dir.path(),
        &["check", "--select", "asl", "--output-file", "report.txt"],
    );
    assert_eq!((code, out.as_str()), (Some(1), ""));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("report.txt")).unwrap(),
        format!("{B_SYNTAX}{}", summary(1, 0, 0))
    );
}

#[test]
fn github_annotations() {
    let dir = project();
    let (code, out, _) = run(dir.path(), &["check", "--format", "github", "."]);
    assert_eq!(code, Some(1));
    assert_eq!(
        out,
        "::notice file=a.policy.json,line=4,col=51,endLine=4,endColumn=68,title=unused-permission::No state of the workflow needs sns:DeleteTopic
::error file=b.asl.json,line=1,col=13,endLine=1,endColumn=13,title=asl-syntax::Expected value after colon in object property
"
    );
}

#[test]
fn colour_follows_the_flag_then_no_color_then_force_color() {
    let dir = project();
    let coloured = "b.asl.json:1:13: \u{1b}[1;31merror\u{1b}[0m[asl-syntax]";
    let with = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = bin();
        cmd.args(["check", "--select", "asl"])
            .args(args)
            .current_dir(dir.path());
        cmd.env_remove("NO_COLOR").env_remove("FORCE_COLOR");
        for (k, v) in env {
            cmd.env(k, v);
        }
        String::from_utf8(cmd.output().unwrap().stdout)
            .unwrap()
            .starts_with(coloured)
    };
    assert!(!with(&[], &[]), "not a terminal");
    assert!(with(&["--color", "always"], &[("NO_COLOR", "1")]));
    assert!(!with(&["--color", "never"], &[("FORCE_COLOR", "1")]));
    assert!(with(&[], &[("FORCE_COLOR", "1")]));
    assert!(!with(&[], &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]));
    assert!(
        with(&[], &[("FORCE_COLOR", "1"), ("NO_COLOR", "")]),
        "an empty NO_COLOR is unset"
    );
}

#[test]
fn nothing_outside_the_project_root_is_read() {
    let top = tempfile::tempdir().unwrap();
    // Above the project root: a config that would silence the finding.
    std::fs::write(
        top.path().join(".asl-lsp.json"),
        r#"{"rules": {"unused-permission": "off"}}"#,
    )
    .unwrap();
    std::fs::create_dir(top.path().join("outside")).unwrap();
    let secret = r#"{"Statement": [{"Effect": "Allow", "Action": "SECRET:Line", "Resource": "*"}]}"#;
    std::fs::write(top.path().join("outside/victim.json"), secret).unwrap();
    let proj = top.path().join("proj");
    std::fs::create_dir_all(proj.join(".git")).unwrap();
    std::fs::write(proj.join("a.asl.json"), SNS_FLOW).unwrap();
    std::fs::write(proj.join("a.policy.json"), SNS_POLICY).unwrap();
    let (code, out, _) = run(&proj, &["check", "a.asl.json"]);
    assert_eq!(
        (code, out.as_str()),
        (
            Some(0),
            format!("{A_UNUSED}0 error(s), 0 warning(s), 1 other finding(s)\n").as_str()
        )
    );

    // Paths in a config that leave the root are findings, never read.
    let config = "{\n  \"stateMachines\": [{\"definition\": \"a.asl.json\", \"policies\": [\"../outside/victim.json\", \"/etc/hostname\", \"a.policy.json\"]}],\n  \"rules\": {\"unused-permision\": \"off\"}\n}\n";
    std::fs::write(proj.join(".asl-lsp.json"), config).unwrap();
    let (code, out, _) = run(&proj, &["check", "--format", "json", "a.asl.json"]);
    assert_eq!(code, Some(1));
    let json: Vec<Value> = serde_json::from_str(&out).unwrap();
    let found: Vec<(String, u64, u64, String)> = json
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap(),
                d["range"]["start"]["character"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let outside = "This path is outside the project root: it is not read".to_string();
    assert_eq!(
        found,
        [
            ("invalid-config".to_string(), 1, 62, outside.clone()),
            ("invalid-config".to_string(), 1, 88, outside),
            (
                "invalid-config".to_string(),
                2,
                12,
                "Unknown rule \"unused-permision\": did you mean \"unused-permission\"?".to_string()
            ),
            (
                "unused-permission".to_string(),
                3,
                50,
                "No state of the workflow needs sns:DeleteTopic".to_string()
            ),
        ]
    );
    assert!(!out.contains("SECRET"), "the file outside is not quoted");
    std::fs::remove_file(proj.join(".asl-lsp.json")).unwrap();

    // A link out of the project is not read, and --fix neither writes
    // through it nor creates a file in its place.
    std::fs::write(proj.join("flow.asl.json"), SNS_FLOW).unwrap();
    std::os::unix::fs::symlink("../outside/victim.json", proj.join("flow.policy.json")).unwrap();
    let (code, out, err) = run(&proj, &["check", "--fix", "--unsafe-fixes", "flow.asl.json"]);
    assert_eq!(code, Some(0));
    assert!(
        out.starts_with("flow.asl.json:1:13: hint[no-linked-role]"),
        "{out}"
    );
    assert!(!out.contains("SECRET"));
    assert_eq!(
        err.lines().collect::<Vec<_>>(),
        [
            "asl-lsp: skipped flow.policy.json: outside the project root",
            "asl-lsp: applied 0 fix(es)"
        ]
    );
    assert_eq!(
        std::fs::read_to_string(top.path().join("outside/victim.json")).unwrap(),
        secret
    );

    // A link inside the project is read but never written.
    std::fs::remove_file(proj.join("flow.policy.json")).unwrap();
    std::fs::write(proj.join("real.json"), SNS_POLICY).unwrap();
    std::os::unix::fs::symlink("real.json", proj.join("flow.policy.json")).unwrap();
    let (code, out, _) = run(&proj, &["check", "--fix", "--unsafe-fixes", "flow.asl.json"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("hint[unused-permission]"), "{out}");
    assert_eq!(
        std::fs::read_to_string(proj.join("real.json")).unwrap(),
        SNS_POLICY
    );
}

#[test]
fn a_named_file_that_cannot_be_read_is_exit_2_said_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("u16.asl.json"), b"\xff\xfe{\x00}\x00").unwrap();
    std::fs::write(dir.path().join("bin.asl.json"), b"{\"a\": \"\xff\"}").unwrap();
    std::fs::write(dir.path().join("big.asl.json"), vec![b' '; 8 * 1024 * 1024 + 1]).unwrap();
    for (name, reason) in [
        ("u16.asl.json", "UTF-16 text; save it as UTF-8"),
        ("bin.asl.json", "not UTF-8 text"),
        ("big.asl.json", "larger than 8388608 bytes (8 MiB)"),
    ] {
        let (code, out, err) = run(dir.path(), &["check", name]);
        assert_eq!(
            (code, out.as_str(), err),
            (Some(2), "", format!("asl-lsp: cannot check {name}: {reason}\n"))
        );
    }
}

#[test]
fn folders_are_walked_honouring_gitignore_excludes_and_build_output() {
    let dir = project();
    std::fs::remove_file(dir.path().join("b.asl.json")).unwrap();
    for sub in [".aws-sam/build", "node_modules/x", "ignored", "kept"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        std::fs::write(dir.path().join(sub).join("c.asl.json"), "{\"StartAt\": ").unwrap();
    }
    std::fs::write(dir.path().join(".gitignore"), "ignored/\n").unwrap();
    let (code, out, _) = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!(code, Some(1));
    let json: Vec<Value> = serde_json::from_str(&out).unwrap();
    let uris: Vec<&str> = json.iter().map(|d| d["uri"].as_str().unwrap()).collect();
    let root = format!("file://{}", dir.path().canonicalize().unwrap().display());
    assert_eq!(
        uris,
        [format!("{root}/a.policy.json"), format!("{root}/kept/c.asl.json")]
    );
    let (code, out, _) = run(dir.path(), &["check", "--format", "json", "--exclude", "kept"]);
    let json: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert_eq!((code, json.len()), (Some(0), 1));
    // Nothing of ours at all: said so.
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(empty.path().join("package.json"), "{}").unwrap();
    let (code, out, err) = run(empty.path(), &["check"]);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            Some(0),
            "",
            "asl-lsp: nothing to check: no state machine definition, policy or template found\n"
        )
    );
}

#[test]
fn rules_and_rule_print_the_built_in_pages() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, out, _) = run(here, &["rules"]);
    assert_eq!(code, Some(0));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines.len(),
        std::fs::read_dir(here.join("docs/rules")).unwrap().count()
    );
    assert!(
        lines.contains(&"unused-permission                hint     The role allows actions no state needs"),
        "{out}"
    );
    let (code, out, _) = run(here, &["rule", "unused-permission"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        out,
        std::fs::read_to_string(here.join("docs/rules/unused-permission.md")).unwrap()
    );
    let (code, out, err) = run(here, &["rule", "unused-permision"]);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            Some(2),
            "",
            "asl-lsp: unknown rule \"unused-permision\": did you mean \"unused-permission\"?\n"
        )
    );
}

/// What GitHub code scanning requires beyond the SARIF schema: rules with
/// `name`, `fullDescription`, `help`, tags and `security-severity`,
/// relative URIs under `%SRCROOT%`, and skipped files as notifications.
#[test]
fn sarif_has_what_github_code_scanning_requires() {
    let dir = project();
    std::fs::write(dir.path().join("u16.asl.json"), b"\xff\xfe{\x00}\x00").unwrap();
    let (code, out, _) = run(dir.path(), &["check", "--format", "sarif"]);
    assert_eq!(code, Some(1));
    let sarif: Value = serde_json::from_str(&out).unwrap();
    let run = &sarif["runs"][0];
    let root = format!("file://{}/", dir.path().canonicalize().unwrap().display());
    assert_eq!(run["originalUriBaseIds"]["%SRCROOT%"]["uri"], root.as_str());
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        for field in ["name", "shortDescription", "fullDescription", "help", "helpUri"] {
            assert!(!rule[field].is_null(), "{id}: no {field}");
        }
        assert!(
            !rule["fullDescription"]["text"].as_str().unwrap().is_empty(),
            "{id}"
        );
        assert!(
            rule["help"]["markdown"]
                .as_str()
                .unwrap()
                .starts_with(&format!("# {id}\n")),
            "{id}"
        );
        let severity: f64 = rule["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((0.0..=10.0).contains(&severity), "{id}");
        assert!(!rule["properties"]["tags"].as_array().unwrap().is_empty(), "{id}");
    }
    let unused = rules.iter().find(|r| r["id"] == "unused-permission").unwrap();
    assert_eq!(unused["name"], "UnusedPermission");
    assert_eq!(
        unused["properties"]["tags"],
        serde_json::json!(["security", "iam"])
    );
    assert_eq!(unused["properties"]["security-severity"], "1.0");
    let locations: Vec<&Value> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["locations"][0]["physicalLocation"]["artifactLocation"])
        .collect();
    assert_eq!(
        locations,
        [
            &serde_json::json!({"uri": "a.policy.json", "uriBaseId": "%SRCROOT%"}),
            &serde_json::json!({"uri": "b.asl.json", "uriBaseId": "%SRCROOT%"}),
        ]
    );
    assert_eq!(
        run["invocations"],
        serde_json::json!([{
            "executionSuccessful": true,
            "toolExecutionNotifications": [{
                "level": "warning",
                "message": {"text": "Skipped: UTF-16 text; save it as UTF-8"},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": "u16.asl.json", "uriBaseId": "%SRCROOT%"}}}],
            }],
        }])
    );
}

#[test]
fn config_replaces_discovery() {
    let dir = project();
    std::fs::write(
        dir.path().join(".asl-lsp.json"),
        r#"{"rules": {"unused-permission": "error"}}"#,
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("ci")).unwrap();
    std::fs::write(
        dir.path().join("ci/quiet.json"),
        r#"{"rules": {"unused-permission": "off"}}"#,
    )
    .unwrap();
    let (code, out, _) = run(dir.path(), &["check", "a.asl.json"]);
    assert_eq!(code, Some(1), "the discovered config makes it an error: {out}");
    let (code, out, _) = run(dir.path(), &["check", "--config", "ci/quiet.json", "a.asl.json"]);
    assert_eq!(
        (code, out.as_str()),
        (Some(0), "0 error(s), 0 warning(s), 0 other finding(s)\n")
    );
}

fn run_stdin(dir: &Path, args: &[&str], input: &str) -> (Option<i32>, String, String) {
    use std::io::Write;
    let mut child = bin()
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("FORCE_COLOR")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A child that stops reading early closes the pipe; what it printed
    // (asserted by the caller) says why, so a broken pipe is not the error.
    let written = child.stdin.take().unwrap().write_all(input.as_bytes());
    let output = child.wait_with_output().unwrap();
    if let Err(e) = written {
        assert_eq!(
            e.kind(),
            std::io::ErrorKind::BrokenPipe,
            "stdin: {e}; stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// The unsaved buffer of `a.asl.json`: it publishes to topic `u`, which
/// a.policy.json (on disk) does not allow, then deletes topic `t`.
const A_BUFFER: &str = r#"{
  "StartAt": "P",
  "States": {
    "P": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Next": "D",
          "Parameters": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:u", "Message": "m"}},
    "D": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sns:deleteTopic", "End": true,
          "Parameters": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t"}}
  }
}
"#;

#[test]
fn stdin_is_checked_as_the_file_it_names_with_the_links_on_disk() {
    let dir = project();
    // The text on stdin, not the disk's, is checked; the policy beside
    // a.asl.json is linked (no unused-permission now: D deletes the topic);
    // b is not reported.
    let (code, out, err) = run_stdin(
        dir.path(),
        &["check", "--stdin-filename", "a.asl.json", "-"],
        A_BUFFER,
    );
    assert_eq!(err, "");
    assert_eq!(
        out,
        "a.asl.json:4:39: error[missing-permission]: State \"P\" needs sns:Publish on arn:aws:sns:us-east-1:123456789012:u but the role does not allow it
  |     \"P\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::sns:publish\", \"Next\": \"D\",
  |                                       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  = fix: Allow sns:Publish on arn:aws:sns:us-east-1:123456789012:u for \"P\"
  = note: also at a.policy.json:3:3
1 error(s), 0 warning(s), 0 other finding(s)
"
    );
    assert_eq!(code, Some(1));
    // `--stdin-filename` alone reads stdin too; a file not on disk yet is
    // checked beside the files of its folder.
    let (code, out, _) = run_stdin(
        dir.path(),
        &["check", "--format", "json", "--stdin-filename", "new.asl.json"],
        SNS_FLOW,
    );
    let json: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (code, codes(&json)),
        (Some(0), vec!["new.asl.json no-linked-role 4".to_string()])
    );
    // Usage errors: `-` without a name, a name beside other paths.
    let (code, out, err) = run_stdin(dir.path(), &["check", "-"], SNS_FLOW);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            Some(2),
            "",
            "asl-lsp: checking standard input (`-`) needs --stdin-filename PATH, the path it is checked as\n"
        )
    );
    let (code, _, err) = run_stdin(
        dir.path(),
        &["check", "--stdin-filename", "a.asl.json", "-", "b.asl.json"],
        SNS_FLOW,
    );
    assert_eq!(
        (code, err.as_str()),
        (
            Some(2),
            "asl-lsp: --stdin-filename checks standard input alone: give `-` as the only path\n"
        )
    );
    let (code, _, err) = run_stdin(
        dir.path(),
        &["check", "--stdin-filename", "a.asl.json", "-"],
        "\u{FEFF}bad \u{0}",
    );
    assert_eq!(
        (code, err.as_str()),
        (Some(1), ""),
        "text that is no JSON is still checked"
    );
    assert_eq!(
        listing(dir.path()),
        [".git", "a.asl.json", "a.policy.json", "b.asl.json"]
    );
}

#[test]
fn stdin_fix_prints_the_fixed_document_and_writes_nothing() {
    let dir = project();
    // The policy's buffer: Publish allowed on every topic (a safe fix scopes
    // it) and DeleteTopic unused (an unsafe fix removes it).
    let buffer = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": [\"sns:Publish\", \"sns:DeleteTopic\"], \"Resource\": \"*\"}\n  ]\n}\n";
    let (code, out, err) = run_stdin(
        dir.path(),
        &["check", "--fix", "--stdin-filename", "a.policy.json", "-"],
        buffer,
    );
    assert_eq!(code, Some(0));
    let scoped = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["sns:DeleteTopic"], "Resource": "*"},
    {
      "Sid": "SnsPublish",
      "Effect": "Allow",
      "Action": ["sns:Publish"],
      "Resource": ["arn:aws:sns:us-east-1:123456789012:t"]
    }
  ]
}
"#;
    assert_eq!(out, scoped);
    // The report of what remains goes to stderr, under the name given.
    assert_eq!(
        err,
        r#"asl-lsp: applied 1 fix(es)
a.policy.json:4:36: hint[unused-permission]: No state of the workflow needs sns:DeleteTopic
  |     {"Effect": "Allow", "Action": ["sns:DeleteTopic"], "Resource": "*"},
  |                                    ^^^^^^^^^^^^^^^^^
  = fix: Remove sns:DeleteTopic (unsafe)
0 error(s), 0 warning(s), 1 other finding(s)
"#
    );
    let (code, out, _) = run_stdin(
        dir.path(),
        &[
            "check",
            "--fix",
            "--unsafe-fixes",
            "--quiet",
            "--stdin-filename",
            "a.policy.json",
            "-",
        ],
        buffer,
    );
    assert_eq!(code, Some(0));
    assert_eq!(
        out,
        r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["sns:Publish"],
      "Resource": ["arn:aws:sns:us-east-1:123456789012:t"]
    }
  ]
}
"#
    );
    // --diff: the change as a patch of the named file.
    let (code, out, _) = run_stdin(
        dir.path(),
        &["check", "--diff", "--stdin-filename", "a.policy.json", "-"],
        buffer,
    );
    assert_eq!(
        (code, out.as_str()),
        (
            Some(1),
            r#"--- a/a.policy.json
+++ b/a.policy.json
@@ -1,6 +1,12 @@
 {
   "Version": "2012-10-17",
   "Statement": [
-    {"Effect": "Allow", "Action": ["sns:Publish", "sns:DeleteTopic"], "Resource": "*"}
+    {"Effect": "Allow", "Action": ["sns:DeleteTopic"], "Resource": "*"},
+    {
+      "Sid": "SnsPublish",
+      "Effect": "Allow",
+      "Action": ["sns:Publish"],
+      "Resource": ["arn:aws:sns:us-east-1:123456789012:t"]
+    }
   ]
 }
"#
        )
    );
    // Nothing on disk changed, nothing was created: a definition piped in
    // whose fix would edit the policy on disk is left as it is.
    let (code, out, _) = run_stdin(
        dir.path(),
        &[
            "check",
            "--fix",
            "--unsafe-fixes",
            "--stdin-filename",
            "a.asl.json",
            "-",
        ],
        A_BUFFER,
    );
    assert_eq!((code, out.as_str()), (Some(1), A_BUFFER));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.policy.json")).unwrap(),
        SNS_POLICY
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.asl.json")).unwrap(),
        SNS_FLOW
    );
    assert_eq!(
        listing(dir.path()),
        [".git", "a.asl.json", "a.policy.json", "b.asl.json"]
    );
}

fn policy_output(path: &Path, format: &str) -> String {
    let output = bin()
        .args(["policy", "--format", format])
        .arg(path)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// A definition's policy in the three formats: the YAML reads back as the
/// JSON; the HCL is a data source Terraform accepts (it parses, labelled
/// by the file's stem).
#[test]
fn policy_of_a_definition_as_json_yaml_and_hcl() {
    let orders = examples().join("orders/orders.asl.json");
    let json: Value = serde_json::from_str(&policy_output(&orders, "json")).unwrap();
    let yaml = policy_output(&orders, "yaml");
    let parsed = asl_lsp::core::syntax::yaml::parse(&yaml);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert_eq!(parsed.root.unwrap().to_json(), json);
    insta::assert_snapshot!("policy_orders_yaml", yaml);
    let hcl = policy_output(&orders, "hcl");
    let parsed = asl_lsp::core::syntax::hcl::parse(&hcl);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    insta::assert_snapshot!("policy_orders_hcl", hcl);
}

/// A Terraform module (a folder or one of its files) and a SAM template:
/// one policy per state machine, named by its resource address or logical
/// id, written with the module's or template's own references.
#[test]
fn policy_per_state_machine_of_a_module_and_a_template() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cli-policy");
    let module = fixtures.join("terraform");
    let json: Value = serde_json::from_str(&policy_output(&module, "json")).unwrap();
    let names: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(
        names,
        ["aws_sfn_state_machine.flow", "aws_sfn_state_machine.nightly"]
    );
    insta::assert_snapshot!(
        "policy_terraform_json",
        serde_json::to_string_pretty(&json).unwrap()
    );
    let hcl = policy_output(&module, "hcl");
    let parsed = asl_lsp::core::syntax::hcl::parse(&hcl);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    insta::assert_snapshot!("policy_terraform_hcl", hcl);
    // Naming a file of the module is naming the module.
    assert_eq!(policy_output(&module.join("main.tf"), "hcl"), hcl);
    let yaml = policy_output(&module, "yaml");
    let parsed = asl_lsp::core::syntax::yaml::parse(&yaml);
    assert_eq!(parsed.root.unwrap().to_json(), json);

    let template = fixtures.join("sam/template.yaml");
    let yaml = policy_output(&template, "yaml");
    assert!(asl_lsp::core::syntax::yaml::parse(&yaml).errors.is_empty());
    insta::assert_snapshot!("policy_sam_yaml", yaml);
    insta::assert_snapshot!("policy_sam_json", policy_output(&template, "json"));
    insta::assert_snapshot!("policy_sam_hcl", policy_output(&template, "hcl"));
    // Not a state machine at all: exit 2, said.
    let output = bin()
        .args(["policy"])
        .arg(examples().join("orders/orders.policy.json"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).ends_with("is not a state machine definition\n"));
}

/// `check --format sarif examples/` is valid SARIF 2.1.0: the OASIS
/// schema (vendored in tests/fixtures/cli-sarif, see its README) accepts
/// it, with every result, rule, fix and notification in it.
#[test]
fn sarif_of_the_examples_validates_against_the_sarif_2_1_0_schema() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    copy_dir(&examples(), &dir.path().join("examples"));
    // A file that is skipped, so the notifications are validated too.
    std::fs::write(dir.path().join("examples/u16.asl.json"), b"\xff\xfe{\x00}\x00").unwrap();
    let (code, out, _) = run(dir.path(), &["check", "--format", "sarif", "examples"]);
    assert_eq!(code, Some(1));
    let sarif: Value = serde_json::from_str(&out).unwrap();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cli-sarif/sarif-schema-2.1.0.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert_eq!(errors, Vec::<String>::new());
    let run = &sarif["runs"][0];
    assert!(!run["results"].as_array().unwrap().is_empty());
    assert!(run["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r.get("fixes").is_some()));
    assert_eq!(
        run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // The schema is not a formality: a log missing a required field, or
    // with a level SARIF does not define, is refused.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    broken["runs"][0]["tool"]["driver"]
        .as_object_mut()
        .unwrap()
        .remove("name");
    assert_eq!(validator.iter_errors(&broken).count(), 2);
}

/// What GitHub code scanning reads from a SARIF upload beyond the schema,
/// as "SARIF support for code scanning" lists it
/// (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning):
/// `$schema` and `version` 2.1.0; `tool.driver.name`; each rule's `id`,
/// `shortDescription.text`, `fullDescription.text`, `help.text`, and for
/// the severity GitHub shows, `properties.security-severity` (a number
/// 0.0–10.0 written as a string) with a `security` tag; each result's
/// `ruleId` (a rule of the run), `message.text`, 1 to 10 `locations`
/// whose `artifactLocation.uri` is relative to a base in
/// `originalUriBaseIds` and whose `region` has start and end lines and
/// columns. Returns each requirement broken.
fn github_violations(sarif: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut need = |ok: bool, what: String| {
        if !ok {
            out.push(what);
        }
    };
    let text = |v: &Value| v["text"].as_str().is_some_and(|t| !t.trim().is_empty());
    need(sarif["$schema"].is_string(), "$schema".into());
    need(sarif["version"] == "2.1.0", "version".into());
    for (r, run) in sarif["runs"].as_array().into_iter().flatten().enumerate() {
        let driver = &run["tool"]["driver"];
        need(driver["name"].is_string(), format!("run {r}: tool.driver.name"));
        let bases = run["originalUriBaseIds"].as_object();
        let rules = driver["rules"].as_array().cloned().unwrap_or_default();
        for rule in &rules {
            let id = rule["id"].as_str().unwrap_or("?");
            need(rule["id"].is_string(), format!("rule {id}: id"));
            need(rule["name"].is_string(), format!("rule {id}: name"));
            for field in ["shortDescription", "fullDescription", "help"] {
                need(text(&rule[field]), format!("rule {id}: {field}.text"));
            }
            need(
                rule["help"]["markdown"].is_string(),
                format!("rule {id}: help.markdown"),
            );
            let tags: Vec<&str> = rule["properties"]["tags"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            need(!tags.is_empty(), format!("rule {id}: properties.tags"));
            let severity = rule["properties"]["security-severity"]
                .as_str()
                .and_then(|s| s.parse::<f64>().ok());
            need(
                severity.is_some_and(|s| (0.0..=10.0).contains(&s)),
                format!("rule {id}: security-severity"),
            );
        }
        for (i, result) in run["results"].as_array().into_iter().flatten().enumerate() {
            let rule_id = result["ruleId"].as_str();
            need(
                rule_id.is_some_and(|id| rules.iter().any(|r| r["id"] == id)),
                format!("result {i}: ruleId names a rule"),
            );
            need(text(&result["message"]), format!("result {i}: message.text"));
            let locations = result["locations"].as_array().cloned().unwrap_or_default();
            need(
                (1..=10).contains(&locations.len()),
                format!("result {i}: 1 to 10 locations"),
            );
            for location in &locations {
                let physical = &location["physicalLocation"];
                let artifact = &physical["artifactLocation"];
                let uri = artifact["uri"].as_str().unwrap_or("");
                need(
                    !uri.is_empty() && !uri.contains("://") && !uri.starts_with('/'),
                    format!("result {i}: relative uri {uri}"),
                );
                need(
                    artifact["uriBaseId"]
                        .as_str()
                        .is_some_and(|b| bases.is_some_and(|m| m.contains_key(b))),
                    format!("result {i}: uriBaseId in originalUriBaseIds"),
                );
                for field in ["startLine", "startColumn", "endLine", "endColumn"] {
                    need(
                        physical["region"][field].as_u64().is_some_and(|n| n >= 1),
                        format!("result {i}: region.{field}"),
                    );
                }
            }
        }
        for base in bases.into_iter().flat_map(|m| m.values()) {
            need(
                base["uri"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("file:///") && u.ends_with('/')),
                "originalUriBaseIds: an absolute file URI ending in /".into(),
            );
        }
    }
    out
}

/// The SARIF of examples/ has every field GitHub code scanning requires,
/// and a file that was skipped is a notification of the invocation.
#[test]
fn sarif_of_the_examples_has_every_field_github_requires() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    copy_dir(&examples(), &dir.path().join("examples"));
    std::fs::write(
        dir.path().join("examples/big.asl.json"),
        vec![b' '; 8 * 1024 * 1024 + 1],
    )
    .unwrap();
    let (code, out, _) = run(dir.path(), &["check", "--format", "sarif", "examples"]);
    assert_eq!(code, Some(1));
    let sarif: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(github_violations(&sarif), Vec::<String>::new());
    let run = &sarif["runs"][0];
    assert_eq!(run["results"].as_array().unwrap().len(), 10);
    let first = &run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(
        first,
        &serde_json::json!({"uri": "examples/dispatch/dispatch.asl.json", "uriBaseId": "%SRCROOT%"})
    );
    assert_eq!(
        run["invocations"][0]["toolExecutionNotifications"],
        serde_json::json!([{
            "level": "warning",
            "message": {"text": "Skipped: larger than 8388608 bytes (8 MiB)"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": "examples/big.asl.json", "uriBaseId": "%SRCROOT%"}}}],
        }])
    );
    // The check is not a formality: each field removed is caught.
    let mut broken = sarif.clone();
    let rule = &mut broken["runs"][0]["tool"]["driver"]["rules"][0];
    let id = rule["id"].as_str().unwrap().to_string();
    rule.as_object_mut().unwrap().remove("fullDescription");
    rule["properties"]["security-severity"] = Value::from("11");
    let location = &mut broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    location["artifactLocation"] = serde_json::json!({"uri": "file:///x/examples/a.json"});
    assert_eq!(
        github_violations(&broken),
        [
            format!("rule {id}: fullDescription.text"),
            format!("rule {id}: security-severity"),
            "result 0: relative uri file:///x/examples/a.json".to_string(),
            "result 0: uriBaseId in originalUriBaseIds".to_string(),
        ]
    );
}

/// Every finding's `codeDescription.href` is its rule's page in the
/// repository Cargo.toml names, and that page is in docs/rules.
#[test]
fn code_description_links_point_at_the_repository_pages() {
    let output = bin()
        .args(["check", "--format", "json"])
        .arg(examples())
        .output()
        .unwrap();
    let json: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert!(!json.is_empty());
    let base = format!("{}/blob/main/docs/rules/", env!("CARGO_PKG_REPOSITORY"));
    for d in &json {
        let href = d["codeDescription"]["href"].as_str().unwrap();
        let page = href.strip_prefix(&base).unwrap_or_else(|| panic!("{href}"));
        assert_eq!(page, format!("{}.md", d["code"].as_str().unwrap()));
        assert!(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("docs/rules")
                .join(page)
                .is_file(),
            "{page}"
        );
    }
}

/// An ECS task definition's task and execution roles are passed by
/// `ecs:runTask`: the statement granting `iam:PassRole` on them is used,
/// so `--fix --unsafe-fixes` (which may remove unused actions) keeps it,
/// and removing one of its roles is reported.
#[test]
fn unsafe_fixes_keep_pass_role_for_a_task_definitions_roles() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/rules/unused-permission/ecs-task-definition-roles-pass-role-kept");
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&case, dir.path());
    let template = dir.path().join("template.yaml");
    let before = std::fs::read_to_string(&template).unwrap();
    let pass_role = "              - Effect: Allow
                Action: iam:PassRole
                Resource:
                  - !GetAtt TaskRole.Arn
                  - !GetAtt ExecutionRole.Arn
                Condition:
                  StringEquals:
                    iam:PassedToService: ecs-tasks.amazonaws.com
";
    assert!(before.contains(pass_role));
    let (code, _, err) = run(dir.path(), &["check", "--fix", "--unsafe-fixes"]);
    assert_eq!(code, Some(0), "{err}");
    let after = std::fs::read_to_string(&template).unwrap();
    assert!(after.contains(pass_role), "{after}");
    // The only change is the logging fix.
    assert_eq!(after.replace("Level: ERROR", "Level: \"OFF\""), before);

    // Without the execution role's grant, the task may not start: both
    // roles' names are made at deploy time, so this is an `info` naming them.
    let narrowed = before.replace("                  - !GetAtt ExecutionRole.Arn\n", "");
    std::fs::write(&template, narrowed).unwrap();
    let (code, out, _) = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!(code, Some(0));
    let json: Vec<Value> = serde_json::from_str(&out).unwrap();
    let missing: Vec<&Value> = json
        .iter()
        .filter(|f| f["code"] == "missing-permission")
        .collect();
    assert_eq!(missing.len(), 2, "{json:#?}");
    assert_eq!(missing[0]["severity"], 3, "info");
    assert_eq!(
        missing[0]["message"],
        "State \"Run\" needs iam:PassRole on arn:aws:iam::${AWS::AccountId}:role/${ExecutionRole}; \
         whether the role allows it depends on ExecutionRole and TaskRole, which cannot be resolved here"
    );
}
