//! Generated workspaces for the benchmarks.

use asl_lsp::core::files::FileSet;

const ACCOUNT: &str = "123456789012";

/// A definition of `n` states cycling through Lambda, ECS `.sync`,
/// DynamoDB, SNS, SQS, a Choice and a Pass, and a policy of `statements`
/// statements that grants what they need.
pub fn workspace(n: usize, statements: usize) -> FileSet {
    let mut states = Vec::new();
    for i in 0..n {
        let next = if i + 1 == n {
            "\"End\": true".to_string()
        } else {
            format!("\"Next\": \"S{}\"", i + 1)
        };
        let body = match i % 7 {
            0 => format!(
                r#""Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {{"FunctionName": "arn:aws:lambda:us-east-1:{ACCOUNT}:function:F{i}", "Payload.$": "$"}}, "ResultPath": "$.r{i}", {next}"#
            ),
            1 => format!(
                r#""Type": "Task", "Resource": "arn:aws:states:::ecs:runTask.sync", "Parameters": {{"Cluster": "arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/c", "TaskDefinition": "arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/t{i}:1"}}, "ResultPath": null, {next}"#
            ),
            2 => format!(
                r#""Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem", "Parameters": {{"TableName": "T{i}", "Item": {{"pk": {{"S.$": "$.id"}}}}}}, "ResultPath": null, {next}"#
            ),
            3 => format!(
                r#""Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Parameters": {{"TopicArn": "arn:aws:sns:us-east-1:{ACCOUNT}:topic{i}", "Message.$": "$"}}, "ResultPath": null, {next}"#
            ),
            4 => format!(
                r#""Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {{"QueueUrl": "https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/q{i}", "MessageBody.$": "$"}}, "ResultPath": null, {next}"#
            ),
            5 => {
                let target = if i + 1 == n {
                    format!("S{i}")
                } else {
                    format!("S{}", i + 1)
                };
                if i + 1 == n {
                    r#""Type": "Succeed""#.to_string()
                } else {
                    format!(
                        r#""Type": "Choice", "Choices": [{{"Variable": "$.kind", "StringEquals": "x", "Next": "{target}"}}], "Default": "{target}""#
                    )
                }
            }
            _ => format!(r#""Type": "Pass", "Result": {{"i": {i}}}, "ResultPath": "$.p", {next}"#),
        };
        states.push(format!("    \"S{i}\": {{{body}}}"));
    }
    let definition = format!(
        "{{\n  \"StartAt\": \"S0\",\n  \"States\": {{\n{}\n  }}\n}}\n",
        states.join(",\n")
    );
    // A policy that grants what the tasks use, spread over `statements`
    // statements, as a role that grew task by task looks.
    let mut grants: Vec<(&str, String)> = Vec::new();
    for i in 0..n {
        match i % 7 {
            0 => {
                grants.push((
                    "lambda:InvokeFunction",
                    format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:F{i}"),
                ));
                grants.push((
                    "lambda:InvokeFunction",
                    format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:F{i}:*"),
                ));
            }
            1 => grants.push((
                "ecs:RunTask",
                format!("arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/t{i}:1"),
            )),
            2 => grants.push((
                "dynamodb:PutItem",
                format!("arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/T{i}"),
            )),
            3 => grants.push(("sns:Publish", format!("arn:aws:sns:us-east-1:{ACCOUNT}:topic{i}"))),
            4 => grants.push(("sqs:SendMessage", format!("arn:aws:sqs:us-east-1:{ACCOUNT}:q{i}"))),
            _ => {}
        }
    }
    let per_statement = grants.len().div_ceil(statements.saturating_sub(2).max(1)).max(1);
    let mut statement_list = vec![
        "    {\"Effect\": \"Allow\", \"Action\": [\"ecs:StopTask\", \"ecs:DescribeTasks\"], \"Resource\": \"*\"}".to_string(),
        format!("    {{\"Effect\": \"Allow\", \"Action\": [\"events:PutTargets\", \"events:PutRule\", \"events:DescribeRule\"], \"Resource\": \"arn:aws:events:us-east-1:{ACCOUNT}:rule/StepFunctionsGetEventsForECSTaskRule\"}}"),
    ];
    for chunk in grants.chunks(per_statement) {
        let actions: std::collections::BTreeSet<&str> = chunk.iter().map(|(a, _)| *a).collect();
        let actions: Vec<String> = actions.iter().map(|a| format!("\"{a}\"")).collect();
        let resources: Vec<String> = chunk.iter().map(|(_, r)| format!("\"{r}\"")).collect();
        statement_list.push(format!(
            "    {{\"Effect\": \"Allow\", \"Action\": [{}], \"Resource\": [{}]}}",
            actions.join(", "),
            resources.join(", ")
        ));
    }
    let policy = format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n{}\n  ]\n}}\n",
        statement_list.join(",\n")
    );
    let mut files = FileSet::new();
    files.insert("/bench/flow.asl.json", definition, None);
    files.insert("/bench/flow.policy.json", policy, None);
    files
}

/// A small definition of its own: one Lambda task, named by `i`.
#[allow(dead_code)]
pub fn small_definition(i: usize) -> String {
    format!(
        r#"{{"StartAt": "S", "States": {{"S": {{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {{"FunctionName": "arn:aws:lambda:us-east-1:{ACCOUNT}:function:F{i}"}}, "End": true}}}}}}"#
    )
}
