//! Hostile shapes from issue 18, each with a budget of ≤ 1 s in release
//! (see docs/security.md). Run with `cargo bench --bench hostile`.

use std::hint::black_box;

use asl_lsp::core::analyze;
use asl_lsp::core::files::FileSet;
use asl_lsp::core::iam::glob_match;
use asl_lsp::protocol::position::{Encoding, LineIndex};
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::{json, Value};

fn one(path: &str, text: String) -> FileSet {
    let mut files = FileSet::new();
    files.insert(path, text, None);
    files
}

fn definition(states: Value) -> String {
    let start = states
        .as_object()
        .and_then(|s| s.keys().next().cloned())
        .unwrap_or_default();
    json!({"StartAt": start, "States": states}).to_string()
}

/// A Pass state whose `ResultPath` has `n` segments (was a stack overflow).
fn deep_result_path(n: usize) -> FileSet {
    let path = format!("${}", ".a".repeat(n));
    one(
        "/w/deep.asl.json",
        definition(json!({"P": {"Type": "Pass", "ResultPath": path, "End": true}})),
    )
}

/// `InputPath` and a `Parameters` path of `n` segments.
fn long_path(n: usize) -> FileSet {
    let path = format!("${}", ".a".repeat(n));
    one(
        "/w/path.asl.json",
        definition(
            json!({"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "InputPath": path, "Parameters": {"FunctionName": "f", "Payload.$": path}, "End": true}}),
        ),
    )
}

/// One JSONata expression with `n` bindings and `2n` unbound reads.
fn jsonata(n: usize) -> FileSet {
    let binds: String = (0..n).map(|i| format!("$v{i} := {i}; ")).collect();
    let reads: Vec<String> = (0..2 * n).map(|i| format!("$u{i}")).collect();
    let text = json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Pass",
        "Output": format!("{{% ( {binds}{} ) %}}", reads.join(" + ")), "End": true}}});
    one("/w/jsonata.asl.json", text.to_string())
}

/// `n` states, each but the first with an unknown `Next`.
fn unknown_next(n: usize) -> FileSet {
    let mut states = serde_json::Map::new();
    for i in 0..n {
        let next = if i == 0 {
            "S1".to_string()
        } else {
            format!("Missing{i}")
        };
        states.insert(format!("S{i}"), json!({"Type": "Pass", "Next": next}));
    }
    one("/w/next.asl.json", definition(Value::Object(states)))
}

/// `n` Lambda tasks, each its own function, under `lambda:InvokeFunction` on `*`.
fn lambda_tasks(n: usize) -> FileSet {
    let mut states = serde_json::Map::new();
    for i in 0..n {
        let mut state = json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": format!("arn:aws:lambda:us-east-1:123456789012:function:Worker{i}")}});
        state[if i + 1 < n { "Next" } else { "End" }] = if i + 1 < n {
            json!(format!("T{}", i + 1))
        } else {
            json!(true)
        };
        states.insert(format!("T{i}"), state);
    }
    let mut files = one("/w/flow.asl.json", definition(Value::Object(states)));
    let policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "lambda:InvokeFunction", "Resource": "*"}]});
    files.insert("/w/flow.policy.json", policy.to_string(), None);
    files
}

/// A template with `n` state machines, each with its own role and function,
/// printed on many lines or (minified) on one.
fn machines(n: usize, pretty: bool) -> FileSet {
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
    let text = if pretty {
        serde_json::to_string_pretty(&template).unwrap()
    } else {
        template.to_string()
    };
    one("/w/stack.template.json", text)
}

/// An object whose keys each open a bracket after two operators, nested
/// `n` deep (exponential in the HCL parser: 25 levels took 12 s).
fn operator_brackets(n: usize) -> FileSet {
    let mut text = String::from("a = {\n");
    for _ in 0..n {
        text.push_str(" s/g+{\n");
    }
    one("/w/main.tf", text)
}

fn hostile(c: &mut Criterion) {
    let mut group = c.benchmark_group("hostile");
    group.sample_size(10);
    let cases: Vec<(&str, FileSet)> = vec![
        ("ResultPath of 4,500 segments", deep_result_path(4_500)),
        ("ResultPath of 100,000 segments", deep_result_path(100_000)),
        (
            "InputPath + Parameters path of 200,000 segments",
            long_path(200_000),
        ),
        ("JSONata, 12,500 bindings + 25,000 unbound reads", jsonata(12_500)),
        ("10,000 states with an unknown Next", unknown_next(10_000)),
        ("10,000 Lambda tasks under a * policy", lambda_tasks(10_000)),
        ("template with 1,000 state machines", machines(1_000, true)),
        (
            "template with 1,000 state machines, one line",
            machines(1_000, false),
        ),
        (
            "Terraform, 25 brackets nested after operators",
            operator_brackets(25),
        ),
    ];
    for (name, files) in &cases {
        group.bench_function(*name, |b| b.iter(|| black_box(analyze(black_box(files), None))));
    }
    // `check`'s text output of those 10,000 tasks' findings, all on one
    // 1.8 MB line (was 33 s: each code frame walked the whole line, and
    // each finding looked for its twin among all the others).
    let tasks = lambda_tasks(10_000);
    let findings = analyze(&tasks, None).findings;
    group.bench_function("text output of 10,000 findings on one line", |b| {
        b.iter(|| {
            let mut sink = Vec::new();
            asl_lsp::cli::output::text(&mut sink, &tasks, black_box(&findings), false, false).unwrap();
            black_box(sink.len())
        })
    });
    // Columns on one 1 MiB line (a minified file), 10,000 of them.
    let line = "é".repeat(512 * 1024);
    let index = LineIndex::new(&line);
    group.bench_function("10,000 UTF-16 columns on a 1 MiB line", |b| {
        b.iter(|| {
            for k in 0..10_000 {
                black_box(index.position(&line, k * 100, Encoding::Utf16));
            }
        })
    });
    // A resource glob of 80,000 characters against a long function ARN
    // (was quadratic: 12 s), and the same with `?` in the long piece.
    let arn = format!(
        "arn:aws:lambda:us-east-1:123456789012:function:{}",
        "a".repeat(100_000)
    );
    let star = format!("arn:aws:lambda:*{}b", "a".repeat(80_000));
    let question = format!("arn:aws:lambda:*{}?{}b*", "a".repeat(40_000), "a".repeat(40_000));
    group.bench_function("glob * + 80,000 a + b against a long ARN", |b| {
        b.iter(|| assert!(!glob_match(black_box(&star), black_box(&arn), false)))
    });
    group.bench_function("glob * + 80,000 a with ? + b against a long ARN", |b| {
        b.iter(|| assert!(!glob_match(black_box(&question), black_box(&arn), false)))
    });
    group.finish();
}

criterion_group!(benches, hostile);
criterion_main!(benches);
