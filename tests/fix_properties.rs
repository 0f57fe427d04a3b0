//! A fix never stops allowing an (action, resource) pair the workflow needs.

use asl_lsp::core::analyze;
use asl_lsp::core::asl::StateMachine;
use asl_lsp::core::diagnostic::apply_edits;
use asl_lsp::core::files::FileSet;
use asl_lsp::core::iam::Decision;
use asl_lsp::core::permissions::context::Context;
use asl_lsp::core::workspace::Workspace;
use proptest::prelude::*;

const DEFINITION: &str = r#"{
  "StartAt": "Invoke",
  "States": {
    "Invoke": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:Worker"}, "Next": "Run"},
    "Run": {"Type": "Task", "Resource": "arn:aws:states:::ecs:runTask.sync",
      "Parameters": {"Cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/c",
        "TaskDefinition": "arn:aws:ecs:us-east-1:123456789012:task-definition/t:1"}, "Next": "Notify"},
    "Notify": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
      "Parameters": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:topic", "Message.$": "$"}, "End": true}
  }
}"#;

const ACTIONS: &[&str] = &[
    "lambda:InvokeFunction",
    "lambda:*",
    "lambda:GetFunction",
    "ecs:RunTask",
    "ecs:*",
    "ecs:StopTask",
    "ecs:DescribeTasks",
    "events:*",
    "events:PutRule",
    "sns:Publish",
    "sqs:SendMessage",
    "*",
];

const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:lambda:us-east-1:123456789012:function:*",
    "arn:aws:lambda:us-east-1:123456789012:function:Worker",
    "arn:aws:ecs:us-east-1:123456789012:task-definition/*",
    "arn:aws:events:us-east-1:123456789012:rule/*",
    "arn:aws:sns:us-east-1:123456789012:*",
];

/// Every needed pair that the role in `files` allows.
fn allowed_pairs(files: &FileSet) -> Vec<(String, String)> {
    let workspace = Workspace::new(files);
    let (units, _) = asl_lsp::core::link::units(&workspace);
    let unit = units.first().expect("the definition is a unit");
    let machine = StateMachine::lower(&unit.definition.root);
    let ctx = Context::new(files, unit, &machine);
    ctx.all_pairs()
        .filter(|(_, _, p)| matches!(p.decision, Decision::Allowed { .. }))
        .map(|(_, _, p)| (p.action.clone(), p.resource.clone()))
        .collect()
}

fn statement() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(0..ACTIONS.len(), 1..4),
        proptest::collection::vec(0..RESOURCES.len(), 1..3),
        any::<bool>(),
    )
        .prop_map(|(actions, resources, single)| {
            let actions: Vec<String> = actions.iter().map(|&i| format!("\"{}\"", ACTIONS[i])).collect();
            let resources: Vec<String> = resources.iter().map(|&i| format!("\"{}\"", RESOURCES[i])).collect();
            let action = if single && actions.len() == 1 {
                actions[0].clone()
            } else {
                format!("[{}]", actions.join(", "))
            };
            format!(
                "    {{\n      \"Effect\": \"Allow\",\n      \"Action\": {action},\n      \"Resource\": [{}]\n    }}",
                resources.join(", ")
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn fixes_keep_every_needed_permission(statements in proptest::collection::vec(statement(), 1..5)) {
        let policy = format!("{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n{}\n  ]\n}}\n", statements.join(",\n"));
        let mut files = FileSet::new();
        files.insert("/w/flow.asl.json", DEFINITION, None);
        let policy_id = files.insert("/w/flow.policy.json", policy.as_str(), None);
        let before = allowed_pairs(&files);
        let analysis = analyze(&files, None);
        for finding in &analysis.findings {
            for fix in finding.fixes.iter().filter(|f| f.preferred) {
                let after_text = apply_edits(&policy, policy_id, &fix.edits);
                let mut fixed = files.clone();
                fixed.insert("/w/flow.policy.json", after_text.as_str(), None);
                prop_assert!(
                    asl_lsp::core::syntax::json::parse(&after_text).errors.is_empty(),
                    "{} made invalid JSON:\n{}", fix.title, after_text
                );
                let after = allowed_pairs(&fixed);
                for pair in &before {
                    prop_assert!(after.contains(pair), "{} ({}) lost {:?}:\n{}", fix.title, finding.rule, pair, after_text);
                }
            }
        }
    }
}
