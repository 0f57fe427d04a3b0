//! Analysis budgets: a generated 1,000-state definition of mixed
//! integrations with a 100-statement policy (budget ≤ 10 ms in release),
//! and the growth from 100 to 10,000 states (should be linear).

use std::hint::black_box;

use asl_lsp::core::analyze;
use asl_lsp::core::files::FileSet;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

const ACCOUNT: &str = "123456789012";

/// A definition of `n` states cycling through Lambda, ECS `.sync`,
/// DynamoDB, SNS, SQS, a Choice and a Pass, and a policy of `statements`
/// statements that grants most of what they need.
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
    let mut statement_list = Vec::new();
    for s in 0..statements {
        let (action, resource) = match s % 5 {
            0 => (
                "lambda:InvokeFunction",
                format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:F{s}*"),
            ),
            1 => (
                "ecs:RunTask",
                format!("arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/*"),
            ),
            2 => (
                "dynamodb:PutItem",
                format!("arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/T*"),
            ),
            3 => ("sns:Publish", format!("arn:aws:sns:us-east-1:{ACCOUNT}:*")),
            _ => ("sqs:SendMessage", "*".to_string()),
        };
        statement_list.push(format!(
            "    {{\"Sid\": \"S{s}\", \"Effect\": \"Allow\", \"Action\": \"{action}\", \"Resource\": \"{resource}\"}}"
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

fn budgets(c: &mut Criterion) {
    let files = workspace(1_000, 100);
    c.bench_function("analyze 1000 states + 100 statements", |b| {
        b.iter(|| black_box(analyze(black_box(&files), None)))
    });
    let mut group = c.benchmark_group("analyze scaling");
    group.sample_size(10);
    for n in [100, 1_000, 10_000] {
        let files = workspace(n, 100);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &files, |b, files| {
            b.iter(|| black_box(analyze(black_box(files), None)))
        });
    }
    group.finish();
}

criterion_group!(benches, budgets);
criterion_main!(benches);
