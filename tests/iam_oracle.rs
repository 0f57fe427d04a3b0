//! asl-lsp's IAM evaluator against an independent one: the IAM simulator
//! of npm `@cloud-copilot/iam-simulate`, installed in `tests/iam-oracle`
//! (`npm install --prefix tests/iam-oracle --no-package-lock`). Requests
//! are what the permission catalog asks for real tasks; policies are
//! generated around them. Every disagreement fails the test, printed with
//! its seed so it can be replayed with `IAM_ORACLE_SEED`.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use asl_lsp::core::catalog::{self, ArgValue, ArnContext};
use asl_lsp::core::files::FileId;
use asl_lsp::core::iam::{self, Decision, Request};
use asl_lsp::core::syntax::json;
use serde_json::{json, Value};

const ACCOUNT: &str = "123456789012";
const REGION: &str = "us-east-1";
const MACHINE: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:Orders";
const FOREIGN_MACHINE: &str = "arn:aws:states:us-east-1:999988887777:stateMachine:Orders";

/// SplitMix64: small, seedable, good enough to spread cases.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// One request the role makes: action, resource and the condition keys the
/// catalog gives it.
#[derive(Clone, Debug)]
struct Call {
    action: String,
    resource: String,
    context: Vec<(String, String)>,
}

/// Tasks whose needs cover the integrations the issue names.
fn tasks() -> Vec<(&'static str, Value)> {
    let fun = "arn:aws:lambda:us-east-1:123456789012:function:Notify";
    vec![
        (
            "arn:aws:states:::lambda:invoke",
            json!({"FunctionName": "Notify"}),
        ),
        (
            "arn:aws:states:::lambda:invoke",
            json!({"FunctionName": "Notify:prod"}),
        ),
        (
            "arn:aws:states:::lambda:invoke",
            json!({"FunctionName": "Notify:7"}),
        ),
        ("arn:aws:states:::lambda:invoke", json!({"FunctionName": fun})),
        (
            "arn:aws:states:::lambda:invoke",
            json!({"FunctionName": format!("{fun}:live")}),
        ),
        (
            "arn:aws:states:::lambda:invoke",
            json!({"FunctionName": "123456789012:function:Notify:prod"}),
        ),
        (
            "arn:aws:lambda:us-east-1:123456789012:function:Notify:prod",
            json!({}),
        ),
        ("arn:aws:lambda:us-east-1:123456789012:function:Notify", json!({})),
        (
            "arn:aws:states:::sns:publish",
            json!({"TopicArn": "arn:aws:sns:us-east-1:123456789012:Orders"}),
        ),
        (
            "arn:aws:states:::sqs:sendMessage",
            json!({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/Orders"}),
        ),
        (
            "arn:aws:states:::dynamodb:putItem",
            json!({"TableName": "Orders"}),
        ),
        (
            "arn:aws:states:::dynamodb:getItem",
            json!({"TableName": "Orders"}),
        ),
        (
            "arn:aws:states:::states:startExecution",
            json!({"StateMachineArn": MACHINE}),
        ),
        (
            "arn:aws:states:::states:startExecution.sync:2",
            json!({"StateMachineArn": MACHINE}),
        ),
        (
            "arn:aws:states:::events:putEvents",
            json!({"Entries": [{"Detail": {}, "DetailType": "d", "Source": "s"}]}),
        ),
        (
            "arn:aws:states:::events:putEvents",
            json!({"Entries": [{"EventBusName": "orders", "Detail": {}}]}),
        ),
        (
            "arn:aws:states:::sagemaker:createTrainingJob",
            json!({"RoleArn": "arn:aws:iam::123456789012:role/Trainer", "TrainingJobName": "job"}),
        ),
        (
            "arn:aws:states:::ecs:runTask.sync",
            json!({"Cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/main", "TaskDefinition": "worker:3"}),
        ),
    ]
}

fn calls() -> Vec<Call> {
    let ctx = ArnContext {
        partition: Some("aws".into()),
        region: Some(REGION.into()),
        account: Some(ACCOUNT.into()),
        symbolic: false,
    };
    let mut out = Vec::new();
    for (resource, args) in tasks() {
        let task = catalog::parse_task_resource(resource);
        let lookup = |name: &str| match args.get(name) {
            Some(v) => ArgValue::Static(v.clone()),
            None => ArgValue::Absent,
        };
        for need in catalog::needs(&task, &lookup, &ctx) {
            for action in &need.actions {
                for resource in &need.resources {
                    if resource.contains('*') {
                        continue; // requests name one resource
                    }
                    let context = need
                        .condition
                        .iter()
                        .map(|c| (c.key.clone(), c.value.clone()))
                        .collect();
                    out.push(Call {
                        action: action.clone(),
                        resource: resource.clone(),
                        context,
                    });
                }
            }
        }
    }
    // iam:PassRole with the service it is passed to (the catalog's
    // SageMaker need above, and ECS's task role).
    out.push(Call {
        action: "iam:PassRole".into(),
        resource: "arn:aws:iam::123456789012:role/TaskRole".into(),
        context: vec![("iam:PassedToService".into(), "ecs-tasks.amazonaws.com".into())],
    });
    out
}

fn vary_case(rng: &mut Rng, text: &str) -> String {
    match rng.below(3) {
        0 => text.to_ascii_lowercase(),
        1 => text.to_ascii_uppercase(),
        _ => text.to_string(),
    }
}

fn with_question_mark(rng: &mut Rng, text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let candidates: Vec<usize> = (0..chars.len()).filter(|&i| chars[i] != ':').collect();
    if candidates.is_empty() {
        return text.to_string();
    }
    let at = *rng.pick(&candidates);
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i == at { '?' } else { *c })
        .collect()
}

fn action_pattern(rng: &mut Rng, call: &Call) -> String {
    let (service, name) = call.action.split_once(':').unwrap();
    match rng.below(10) {
        0 => call.action.clone(),
        1 => vary_case(rng, &call.action),
        2 => format!("{service}:*"),
        3 => format!("{service}:{}*", &name[..name.len().min(3)]),
        4 => format!("{service}:{}", with_question_mark(rng, name)),
        5 => "*".into(),
        6 => format!("{}:{name}", vary_case(rng, service)),
        7 => rng
            .pick(&["s3:GetObject", "s3:*", "iam:PassRole", "lambda:GetFunction"])
            .to_string(),
        8 => format!("{service}:*{}", &name[name.len().saturating_sub(4)..]),
        _ => format!("{service}:{}", name.replace(&name[..1], "?")),
    }
}

fn resource_pattern(rng: &mut Rng, call: &Call) -> String {
    let r = &call.resource;
    let parts: Vec<&str> = r.splitn(6, ':').collect();
    let join = |p: &[&str]| p.join(":");
    let mut p = parts.clone();
    match rng.below(16) {
        0 | 1 => r.clone(),
        2 => "*".into(),
        3 => {
            p[3] = "*";
            join(&p)
        }
        4 => {
            p[3] = "*";
            p[4] = "*";
            join(&p)
        }
        5 => {
            // A wildcard meant to stand for region and account at once.
            format!("{}:{}:{}:*:{}", p[0], p[1], p[2], p[5])
        }
        6 => format!("{}:{}:{}:*", p[0], p[1], p[2]),
        7 => format!("{r}*"),
        8 => format!("{r}:*"),
        9 => with_question_mark(rng, r),
        10 => {
            // Everything of the resource's type.
            let kind_end = p[5].find(['/', ':']).map(|i| i + 1).unwrap_or(0);
            format!("{}*", join(&[p[0], p[1], p[2], p[3], p[4], &p[5][..kind_end]]))
        }
        11 => r
            .replacen("Notify", "Other", 1)
            .replacen("Orders", "Others", 1)
            .replacen("Role", "Rule", 1),
        12 => {
            p[5] = "*";
            join(&p)
        }
        13 => {
            // Lambda: every alias or version with this qualifier.
            format!("{}:{}:{}:{}:{}:function:*:prod", p[0], p[1], p[2], p[3], p[4])
        }
        14 => vary_case(rng, r),
        _ => format!(
            "{}:{}:{}:{}:{}:{}",
            p[0],
            p[1],
            vary_case(rng, p[2]),
            p[3],
            p[4],
            p[5]
        ),
    }
}

fn condition(rng: &mut Rng) -> Value {
    let operators = [
        "StringEquals",
        "StringNotEquals",
        "StringLike",
        "StringNotLike",
        "ArnEquals",
        "ArnLike",
        "ArnNotEquals",
        "ArnNotLike",
        "StringEqualsIfExists",
        "StringNotEqualsIfExists",
        "ArnLikeIfExists",
        "Null",
        "ForAnyValue:StringEquals",
        "ForAllValues:StringEquals",
        "StringEqualsIgnoreCase",
    ];
    let operator = *rng.pick(&operators);
    let key = *rng.pick(&["aws:SourceArn", "aws:SourceAccount", "iam:PassedToService"]);
    let values: Vec<&str> = match (operator, key) {
        ("Null", _) => vec![*rng.pick(&["true", "false"])],
        (_, "aws:SourceAccount") => vec![*rng.pick(&[ACCOUNT, "*", "999988887777", "1234*"])],
        (_, "aws:SourceArn") => vec![*rng.pick(&[
            MACHINE,
            "arn:aws:states:*:*:stateMachine:*",
            "arn:aws:states:us-east-1:123456789012:*",
            FOREIGN_MACHINE,
        ])],
        _ => vec![*rng.pick(&[
            "ecs-tasks.amazonaws.com",
            "sagemaker.amazonaws.com",
            "ecs-tasks.*",
            "states.amazonaws.com",
        ])],
    };
    json!({ operator: { key: values } })
}

fn statement(rng: &mut Rng, call: &Call) -> Value {
    let mut s = serde_json::Map::new();
    s.insert(
        "Effect".into(),
        json!(if rng.chance(30) { "Deny" } else { "Allow" }),
    );
    let actions: Vec<String> = (0..1 + rng.below(2)).map(|_| action_pattern(rng, call)).collect();
    let action_key = if rng.chance(15) { "NotAction" } else { "Action" };
    s.insert(action_key.into(), json!(actions));
    let resources: Vec<String> = (0..1 + rng.below(2))
        .map(|_| resource_pattern(rng, call))
        .collect();
    let resource_key = if rng.chance(15) { "NotResource" } else { "Resource" };
    s.insert(resource_key.into(), json!(resources));
    if rng.chance(30) {
        s.insert("Condition".into(), condition(rng));
    }
    Value::Object(s)
}

fn trust_statement(rng: &mut Rng) -> Value {
    let mut s = serde_json::Map::new();
    s.insert(
        "Effect".into(),
        json!(if rng.chance(20) { "Deny" } else { "Allow" }),
    );
    let principal = match rng.below(5) {
        0 => json!({"Service": "lambda.amazonaws.com"}),
        1 => json!({"Service": ["states.amazonaws.com", "lambda.amazonaws.com"]}),
        2 => json!({"Service": "states.us-east-1.amazonaws.com"}),
        _ => json!({"Service": "states.amazonaws.com"}),
    };
    s.insert("Principal".into(), principal);
    s.insert(
        "Action".into(),
        json!(*rng.pick(&["sts:AssumeRole", "sts:*", "sts:TagSession"])),
    );
    if rng.chance(70) {
        let mut condition = condition(rng);
        if rng.chance(40) {
            let more = self::condition(rng);
            for (op, keys) in more.as_object().unwrap() {
                let entry = condition
                    .as_object_mut()
                    .unwrap()
                    .entry(op.clone())
                    .or_insert(json!({}));
                for (k, v) in keys.as_object().unwrap() {
                    entry.as_object_mut().unwrap().insert(k.clone(), v.clone());
                }
            }
        }
        s.insert("Condition".into(), condition);
    }
    Value::Object(s)
}

fn policy_of(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn lower(policy: &Value) -> iam::Policy {
    let text = serde_json::to_string(policy).unwrap();
    let root = json::parse(&text).root.expect("generated policies are JSON");
    iam::lower_policy(FileId(0), &root, &|_| None)
}

/// Our answer, in the simulator's words.
fn ours(decision: &Decision) -> String {
    match decision {
        Decision::Allowed { by, .. } if !by.is_empty() => "Allowed".into(),
        Decision::Allowed { conditional, .. } => format!("Undecided: {conditional:?}"),
        Decision::ImplicitDeny => "ImplicitlyDenied".into(),
        Decision::ExplicitDeny { .. } => "ExplicitlyDenied".into(),
    }
}

struct Case {
    input: Value,
    ours: String,
}

fn identity_case(policy: Value, call: &Call) -> Case {
    let lowered = lower(&policy);
    let context: Vec<(&str, &str)> = call
        .context
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let decision = iam::evaluate(
        std::slice::from_ref(&lowered),
        &Request {
            action: &call.action,
            resource: &call.resource,
            context: &context,
        },
    );
    let context: serde_json::Map<String, Value> =
        call.context.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    Case {
        input: json!({"policies": [policy], "action": call.action, "resource": call.resource, "context": context}),
        ours: ours(&decision),
    }
}

fn trust_case(policy: Value, service: &str, source: Option<(&str, &str)>) -> Case {
    let lowered = lower(&policy);
    let context: Vec<(&str, &str)> = source
        .map(|(account, arn)| vec![("aws:SourceAccount", account), ("aws:SourceArn", arn)])
        .unwrap_or_default();
    let decision = iam::evaluate_trust(&lowered, service, &context);
    let context: serde_json::Map<String, Value> =
        context.iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
    Case {
        input: json!({"trust": policy, "principal": service, "context": context}),
        ours: ours(&decision),
    }
}

fn generate(seed: u64, identity: usize, trust: usize) -> Vec<Case> {
    let mut rng = Rng(seed);
    let calls = calls();
    let mut out = Vec::new();
    for _ in 0..identity {
        let call = rng.pick(&calls).clone();
        let statements = (0..1 + rng.below(3))
            .map(|_| statement(&mut rng, &call))
            .collect();
        out.push(identity_case(policy_of(statements), &call));
    }
    for _ in 0..trust {
        let statements = (0..1 + rng.below(2)).map(|_| trust_statement(&mut rng)).collect();
        let policy = policy_of(statements);
        let (account, arn) = if rng.chance(50) {
            (ACCOUNT, MACHINE)
        } else {
            ("999988887777", FOREIGN_MACHINE)
        };
        let service = *rng.pick(&[
            "states.amazonaws.com",
            "states.amazonaws.com",
            "lambda.amazonaws.com",
        ]);
        out.push(trust_case(policy, service, Some((account, arn))));
    }
    out
}

/// The simulator's answers, or `None` when it is not installed here.
fn simulate(cases: &[Value]) -> Option<Vec<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/iam-oracle");
    if !dir.join("node_modules/@cloud-copilot/iam-simulate").exists() {
        return None;
    }
    let mut child = Command::new("node")
        .arg(dir.join("simulate.mjs"))
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node runs the simulator");
    let input = serde_json::to_vec(cases).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(output.status.success(), "the simulator failed");
    Some(serde_json::from_slice(&output.stdout).expect("the simulator prints a JSON array"))
}

fn compare(label: &str, cases: &[Case]) {
    let inputs: Vec<Value> = cases.iter().map(|c| c.input.clone()).collect();
    let Some(theirs) = simulate(&inputs) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI must install the simulator: npm install --prefix tests/iam-oracle --no-package-lock"
        );
        eprintln!(
            "skipped: the IAM simulator is not installed (npm install --prefix tests/iam-oracle --no-package-lock)"
        );
        return;
    };
    assert_eq!(theirs.len(), cases.len());
    let errors: Vec<&String> = theirs.iter().filter(|t| t.starts_with("error")).collect();
    assert!(
        errors.is_empty(),
        "{label}: the simulator rejected cases: {errors:?}"
    );
    let mut disagreements = Vec::new();
    for (case, theirs) in cases.iter().zip(&theirs) {
        if &case.ours != theirs {
            disagreements.push(format!(
                "ours {} / simulator {theirs}\n  {}",
                case.ours,
                serde_json::to_string(&case.input).unwrap()
            ));
        }
    }
    println!(
        "iam-oracle {label}: {} cases, {} disagreements",
        cases.len(),
        disagreements.len()
    );
    assert!(
        disagreements.is_empty(),
        "{label}: {} of {} cases disagree:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn random_policies_agree_with_the_simulator() {
    let seed = std::env::var("IAM_ORACLE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    println!("iam-oracle seed {seed} (replay with IAM_ORACLE_SEED={seed})");
    compare(&format!("seed {seed}"), &generate(seed, 2500, 700));
}

#[test]
fn fixed_seeds_agree_with_the_simulator() {
    let mut cases = Vec::new();
    for seed in [1u64, 2, 3, 20261207] {
        cases.extend(generate(seed, 400, 100));
    }
    compare("fixed seeds", &cases);
}

/// The cases the evaluation issue reproduced, each by hand.
#[test]
fn regressions_agree_with_the_simulator() {
    let call = |action: &str, resource: &str| Call {
        action: action.into(),
        resource: resource.into(),
        context: Vec::new(),
    };
    let notify_prod = call(
        "lambda:InvokeFunction",
        "arn:aws:lambda:us-east-1:123456789012:function:Notify:prod",
    );
    let table = call(
        "dynamodb:PutItem",
        "arn:aws:dynamodb:us-east-1:123456789012:table/Orders",
    );
    let allow =
        |action: &str, resource: &str| json!({"Effect": "Allow", "Action": action, "Resource": resource});
    let mut cases = vec![
        identity_case(
            policy_of(vec![
                allow("lambda:InvokeFunction", "*"),
                json!({"Effect": "Deny", "Action": "lambda:*", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:*:prod"}),
            ]),
            &notify_prod,
        ),
        identity_case(
            policy_of(vec![allow(
                "lambda:InvokeFunction",
                "arn:aws:lambda:us-east-1:123456789012:function:Notify:prod",
            )]),
            &notify_prod,
        ),
        identity_case(
            policy_of(vec![allow("dynamodb:PutItem", "arn:aws:dynamodb:*:table/Orders")]),
            &table,
        ),
        identity_case(
            policy_of(vec![
                json!({"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "*",
                "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:states:*:*:stateMachine:*"}}}),
            ]),
            &table,
        ),
        identity_case(
            policy_of(vec![
                json!({"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:SourceAccount": "123456789012"}}}),
            ]),
            &table,
        ),
        identity_case(
            policy_of(vec![
                json!({"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": "*",
                "Condition": {"Null": {"aws:SourceArn": "true"}}}),
            ]),
            &table,
        ),
    ];
    let trust = |condition: Value| {
        policy_of(vec![
            json!({"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"},
            "Action": "sts:AssumeRole", "Condition": condition}),
        ])
    };
    for condition in [
        json!({"StringLike": {"aws:SourceAccount": "*"}}),
        json!({"StringNotEquals": {"aws:SourceAccount": ACCOUNT}}),
        json!({"ArnLike": {"aws:SourceArn": "arn:aws:states:*:*:stateMachine:*"}}),
        json!({"StringEquals": {"aws:SourceAccount": ACCOUNT}, "ArnLike": {"aws:SourceArn": MACHINE}}),
    ] {
        for source in [(ACCOUNT, MACHINE), ("999988887777", FOREIGN_MACHINE)] {
            cases.push(trust_case(
                trust(condition.clone()),
                "states.amazonaws.com",
                Some(source),
            ));
        }
    }
    compare("regressions", &cases);
}
