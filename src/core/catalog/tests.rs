use serde_json::json;

use super::*;

fn ctx() -> ArnContext {
    ArnContext {
        partition: None,
        region: Some("us-east-1".into()),
        account: Some("123456789012".into()),
        symbolic: false,
    }
}

fn needs_for(resource: &str, args: serde_json::Value) -> Vec<Need> {
    let task = parse_task_resource(resource);
    let lookup = |name: &str| match args.get(name) {
        Some(serde_json::Value::String(s)) if s == "$dynamic" => ArgValue::Dynamic,
        Some(v) => ArgValue::Static(v.clone()),
        None => ArgValue::Absent,
    };
    needs(&task, &lookup, &ctx())
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn every_entry_parses_and_names_its_aws_source() {
    let catalog = catalog();
    assert!(catalog.integrations.len() >= 25);
    assert!(catalog.aws_sdk.source.starts_with("https://docs.aws.amazon.com/"));
    for entry in &catalog.integrations {
        assert!(
            entry.source.starts_with("https://docs.aws.amazon.com/"),
            "{}:{} has no AWS source",
            entry.service,
            entry.api
        );
        assert!(!entry.patterns.is_empty());
        for (pattern, specs) in &entry.patterns {
            assert!(
                ["request-response", "sync", "sync:2", "waitForTaskToken"].contains(&pattern.as_str()),
                "{pattern}"
            );
            assert!(specs.iter().all(|s| !s.actions.is_empty()));
        }
    }
}

#[test]
fn machine_needs_name_their_aws_source_and_any_resource() {
    for feature in [MachineFeature::Logging, MachineFeature::Tracing] {
        let need = machine_need(feature, None, &ctx());
        assert!(need
            .source
            .starts_with("https://docs.aws.amazon.com/step-functions/"));
        assert_eq!(need.resources, ["*"]);
        assert!(!need.actions.is_empty());
    }
    assert_eq!(
        machine_need(MachineFeature::Tracing, None, &ctx()).actions,
        strings(&[
            "xray:PutTraceSegments",
            "xray:PutTelemetryRecords",
            "xray:GetSamplingRules",
            "xray:GetSamplingTargets"
        ])
    );
    assert!(machine_need(MachineFeature::Logging, None, &ctx())
        .actions
        .iter()
        .all(|a| a.starts_with("logs:")));
    let page = include_str!("../../../docs/catalog.md");
    for (feature, _) in machine_unconfirmed() {
        assert!(
            page.contains(&format!("`{feature}`")),
            "docs/catalog.md does not list {feature}"
        );
    }
}

#[test]
fn unconfirmed_facts_are_listed_in_the_docs() {
    let page = include_str!("../../../docs/catalog.md");
    for entry in catalog().integrations.iter().filter(|e| e.unconfirmed.is_some()) {
        let name = format!("{}:{}", entry.service, entry.api);
        assert!(page.contains(&name), "docs/catalog.md does not list {name}");
    }
}

#[test]
fn parses_task_resources() {
    let r = parse_task_resource("arn:aws:states:::states:startExecution.sync:2");
    assert_eq!(
        r.kind,
        TaskKind::Optimized {
            service: "states".into(),
            api: "startExecution".into()
        }
    );
    assert_eq!(r.pattern, Pattern::Sync2);
    let r = parse_task_resource("arn:${AWS::Partition}:states:us-east-1:123456789012:aws-sdk:s3:getObject");
    assert_eq!(
        r.kind,
        TaskKind::AwsSdk {
            service: "s3".into(),
            action: "getObject".into()
        }
    );
    assert_eq!(r.region.as_deref(), Some("us-east-1"));
    assert_eq!(
        parse_task_resource("${GenerateBatchJobArn}").kind,
        TaskKind::Unknown
    );
    assert_eq!(
        parse_task_resource("arn:aws:states:us-east-1:1:activity:Approve").kind,
        TaskKind::Activity
    );
}

#[test]
fn lambda_names_partial_and_full_arns() {
    let function = "arn:aws:lambda:us-east-1:123456789012:function:Worker";
    let unqualified = strings(&[function, &format!("{function}:*")]);
    // A version or alias is authorised against its own ARN.
    for (name, expected) in [
        ("Worker", unqualified.clone()),
        ("123456789012:function:Worker", unqualified.clone()),
        (function, unqualified.clone()),
        ("Worker:prod", strings(&[&format!("{function}:prod")])),
        (
            "123456789012:function:Worker:prod",
            strings(&[&format!("{function}:prod")]),
        ),
        (
            &format!("{function}:7") as &str,
            strings(&[&format!("{function}:7")]),
        ),
    ] {
        let needs = needs_for("arn:aws:states:::lambda:invoke", json!({"FunctionName": name}));
        assert_eq!(needs.len(), 1, "{name}");
        assert_eq!(needs[0].actions, strings(&["lambda:InvokeFunction"]));
        assert_eq!(needs[0].resources, expected, "{name}");
        assert_eq!(needs[0].kind, NeedKind::Call);
        assert!(!needs[0].dynamic);
        assert_eq!(needs[0].target_argument.as_deref(), Some("FunctionName"));
        assert_eq!(
            needs[0].source,
            "https://docs.aws.amazon.com/step-functions/latest/dg/lambda-iam.html"
        );
    }
    let legacy = parse_task_resource(&format!("{function}:live"));
    let needs = needs(&legacy, &|_| ArgValue::Absent, &ArnContext::default());
    assert_eq!(needs[0].resources, strings(&[&format!("{function}:live")]));
    let dynamic = needs_for(
        "arn:aws:states:::lambda:invoke",
        json!({"FunctionName": "$dynamic"}),
    );
    assert_eq!(
        dynamic[0].resources,
        strings(&["arn:aws:lambda:us-east-1:123456789012:function:*"])
    );
    assert!(dynamic[0].dynamic);
}

#[test]
fn ecs_run_task_sync() {
    let task = parse_task_resource("arn:aws:states:::ecs:runTask.sync");
    let needs = needs_for(
        "arn:aws:states:::ecs:runTask.sync",
        json!({"Cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/c", "TaskDefinition": "pack-order"}),
    );
    assert_eq!(needs.len(), 3);
    assert_eq!(needs[0].actions, strings(&["ecs:RunTask"]));
    assert_eq!(
        needs[0].resources,
        strings(&["arn:aws:ecs:us-east-1:123456789012:task-definition/pack-order:*"])
    );
    assert_eq!(needs[1].kind, NeedKind::SyncPoll);
    assert_eq!(needs[1].actions, strings(&["ecs:StopTask", "ecs:DescribeTasks"]));
    assert_eq!(needs[1].resources, strings(&["*"]));
    assert_eq!(needs[2].kind, NeedKind::EventsRule);
    assert_eq!(
        needs[2].actions,
        strings(&["events:PutTargets", "events:PutRule", "events:DescribeRule"])
    );
    assert_eq!(
        needs[2].resources,
        strings(&["arn:aws:events:us-east-1:123456789012:rule/StepFunctionsGetEventsForECSTaskRule"])
    );
    assert_eq!(managed_rule(&task), Some("StepFunctionsGetEventsForECSTaskRule"));
    assert_eq!(target_arguments(&task), vec!["Cluster", "TaskDefinition"]);
}

#[test]
fn sqs_queue_url_becomes_an_arn() {
    let needs = needs_for(
        "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        json!({"QueueUrl": "https://sqs.eu-west-1.amazonaws.com/210987654321/orders"}),
    );
    assert_eq!(
        needs[0].resources,
        strings(&["arn:aws:sqs:eu-west-1:210987654321:orders"])
    );
}

#[test]
fn nested_state_machine_sync2() {
    let needs = needs_for(
        "arn:aws:states:::states:startExecution.sync:2",
        json!({"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Child"}),
    );
    assert_eq!(
        needs[0].resources,
        strings(&["arn:aws:states:us-east-1:123456789012:stateMachine:Child"])
    );
    assert_eq!(
        needs[1].actions,
        strings(&["states:DescribeExecution", "states:StopExecution"])
    );
    assert_eq!(
        needs[1].resources,
        strings(&["arn:aws:states:us-east-1:123456789012:execution:Child:*"])
    );
    assert_eq!(
        needs[2].resources,
        strings(&[
            "arn:aws:events:us-east-1:123456789012:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule"
        ])
    );
}

#[test]
fn aws_sdk_names_and_exceptions() {
    assert_eq!(
        aws_sdk_actions("s3", "listObjectsV2"),
        strings(&["s3:ListBucket"])
    );
    assert_eq!(
        aws_sdk_actions("sfn", "startSyncExecution"),
        strings(&["states:StartSyncExecution"])
    );
    assert_eq!(
        aws_sdk_actions("cloudwatchlogs", "putLogEvents"),
        strings(&["logs:PutLogEvents"])
    );
    assert_eq!(aws_sdk_actions("dynamodb", "query"), strings(&["dynamodb:Query"]));
    let needs = needs_for(
        "arn:aws:states:::aws-sdk:s3:getObject",
        json!({"Bucket": "b", "Key": "k"}),
    );
    assert_eq!(needs[0].actions, strings(&["s3:GetObject"]));
    assert_eq!(needs[0].resources, strings(&["arn:aws:s3:::b/k"]));
    assert!(!needs[0].dynamic);
}

/// The call's resource from its arguments: a static target exactly, a
/// dynamic one as the ARN format with `*` in the dynamic parts, and `*`
/// for an action without resource-level permissions.
#[test]
fn aws_sdk_resources_from_arguments() {
    type Summary = (Vec<String>, Vec<String>, bool, Option<String>);
    let one = |resource: &str, args: serde_json::Value| -> Vec<Summary> {
        needs_for(resource, args)
            .into_iter()
            .map(|n| (n.actions, n.resources, n.dynamic, n.target_argument))
            .collect()
    };
    let table = one(
        "arn:aws:states:::aws-sdk:dynamodb:getItem",
        json!({"TableName": "Orders", "Key": {}}),
    );
    assert_eq!(
        table,
        vec![(
            strings(&["dynamodb:GetItem"]),
            strings(&["arn:aws:dynamodb:us-east-1:123456789012:table/Orders"]),
            false,
            Some("TableName".to_string())
        )]
    );
    let dynamic_table = one(
        "arn:aws:states:::aws-sdk:dynamodb:getItem",
        json!({"TableName": "$dynamic"}),
    );
    assert_eq!(
        dynamic_table[0].1,
        strings(&["arn:aws:dynamodb:us-east-1:123456789012:table/*"])
    );
    assert!(dynamic_table[0].2);
    // An ARN given whole, and a name given as an ARN.
    let by_arn = one(
        "arn:aws:states:::aws-sdk:sfn:startExecution",
        json!({"StateMachineArn": "arn:aws:states:eu-west-1:210987654321:stateMachine:Child"}),
    );
    assert_eq!(
        by_arn[0].1,
        strings(&["arn:aws:states:eu-west-1:210987654321:stateMachine:Child"])
    );
    let dynamic_arn = one(
        "arn:aws:states:::aws-sdk:sfn:startExecution",
        json!({"StateMachineArn": "$dynamic"}),
    );
    assert_eq!(
        dynamic_arn[0],
        (
            strings(&["states:StartExecution"]),
            strings(&["arn:aws:states:us-east-1:123456789012:stateMachine:*"]),
            true,
            Some("StateMachineArn".to_string())
        )
    );
    // A queue URL carries its region and account.
    let queue = one(
        "arn:aws:states:::aws-sdk:sqs:sendMessage",
        json!({"QueueUrl": "https://sqs.eu-west-1.amazonaws.com/210987654321/jobs", "MessageBody": "x"}),
    );
    assert_eq!(queue[0].1, strings(&["arn:aws:sqs:eu-west-1:210987654321:jobs"]));
    // A key from the data: every object of the bucket, dynamic.
    let objects = one(
        "arn:aws:states:::aws-sdk:s3:putObject",
        json!({"Bucket": "b", "Key": "$dynamic"}),
    );
    assert_eq!(objects[0].1, strings(&["arn:aws:s3:::b/*"]));
    assert!(objects[0].2);
    // No resource-level permissions.
    let translate = one(
        "arn:aws:states:::aws-sdk:translate:translateText",
        json!({"Text": "x", "SourceLanguageCode": "en", "TargetLanguageCode": "fr"}),
    );
    assert_eq!(translate[0].1, strings(&["*"]));
    // The events PutEvents default bus, per entry.
    let bus = one(
        "arn:aws:states:::aws-sdk:eventbridge:putEvents",
        json!({"Entries": [{"EventBusName": "orders"}, {"Source": "s"}]}),
    );
    assert_eq!(
        bus[0].1,
        strings(&[
            "arn:aws:events:us-east-1:123456789012:event-bus/orders",
            "arn:aws:events:us-east-1:123456789012:event-bus/default"
        ])
    );
    // An SSM parameter name without its leading slash.
    let parameter = one(
        "arn:aws:states:::aws-sdk:ssm:getParameter",
        json!({"Name": "/app/key"}),
    );
    assert_eq!(
        parameter[0].1,
        strings(&["arn:aws:ssm:us-east-1:123456789012:parameter/app/key"])
    );
}

/// Roles a call passes, with the service principal where AWS documents
/// it; and the S3 object Rekognition reads with the caller's credentials.
#[test]
fn aws_sdk_side_permissions() {
    let emr = needs_for(
        "arn:aws:states:::aws-sdk:emrserverless:startJobRun",
        json!({"ApplicationId": "app1", "ExecutionRoleArn": "arn:aws:iam::123456789012:role/Job"}),
    );
    assert_eq!(emr.len(), 2);
    assert_eq!(emr[0].actions, strings(&["emr-serverless:StartJobRun"]));
    assert_eq!(
        emr[0].resources,
        strings(&["arn:aws:emr-serverless:us-east-1:123456789012:/applications/app1"])
    );
    assert_eq!(emr[1].kind, NeedKind::PassRole);
    assert_eq!(emr[1].resources, strings(&["arn:aws:iam::123456789012:role/Job"]));
    assert_eq!(
        emr[1].condition,
        Some(Condition::equals(
            "iam:PassedToService",
            "emr-serverless.amazonaws.com"
        ))
    );
    let nested = needs_for(
        "arn:aws:states:::aws-sdk:scheduler:createSchedule",
        json!({"Name": "s", "Target": {"Arn": "arn:aws:sqs:us-east-1:123456789012:q", "RoleArn": "${?}"}}),
    );
    let pass = nested.iter().find(|n| n.kind == NeedKind::PassRole).unwrap();
    assert_eq!(pass.resources, strings(&["arn:aws:iam::123456789012:role/*"]));
    assert!(pass.dynamic);
    assert_eq!(pass.condition, None);
    // `sts:assumeRole` assumes the role it names; it passes none.
    let assume = needs_for(
        "arn:aws:states:::aws-sdk:sts:assumeRole",
        json!({"RoleArn": "arn:aws:iam::123456789012:role/Other", "RoleSessionName": "x"}),
    );
    assert!(assume.iter().all(|n| n.kind != NeedKind::PassRole));
    let labels = needs_for(
        "arn:aws:states:::aws-sdk:rekognition:detectLabels",
        json!({"Image": {"S3Object": {"Bucket": "pics", "Name": "a.jpg"}}}),
    );
    assert_eq!(labels[1].actions, strings(&["s3:GetObject"]));
    assert_eq!(labels[1].resources, strings(&["arn:aws:s3:::pics/a.jpg"]));
    // Image bytes: nothing read from S3.
    let bytes = needs_for(
        "arn:aws:states:::aws-sdk:rekognition:detectLabels",
        json!({"Image": {"Bytes": "AAAA"}}),
    );
    assert_eq!(bytes.len(), 1);
}

#[test]
fn activities_need_nothing_and_unknown_is_not_known() {
    let activity = parse_task_resource("arn:aws:states:us-east-1:123456789012:activity:Approve");
    assert!(needs(&activity, &|_| ArgValue::Absent, &ctx()).is_empty());
    assert!(is_known(&activity));
    let unknown = parse_task_resource("arn:aws:states:::made:up");
    assert!(!is_known(&unknown));
    assert!(needs(&unknown, &|_| ArgValue::Absent, &ctx()).is_empty());
}

/// A definition's own substitution is one value made at deploy time, not
/// a target chosen at run time: kept, by name, in the need.
#[test]
fn substitutions_are_kept_as_one_unknown_value() {
    let needs = needs_for(
        "arn:aws:states:::lambda:invoke",
        json!({"FunctionName": "${WorkerArn}"}),
    );
    assert!(!needs[0].dynamic);
    assert_eq!(
        needs[0].resources,
        strings(&[
            "arn:aws:lambda:us-east-1:123456789012:function:${WorkerArn}",
            "arn:aws:lambda:us-east-1:123456789012:function:${WorkerArn}:*"
        ])
    );
    // A value from the state's data stays dynamic.
    let needs = needs_for("arn:aws:states:::lambda:invoke", json!({"FunctionName": "${?}"}));
    assert!(needs[0].dynamic);
}

#[test]
fn event_bus_defaults_and_lists() {
    let needs = needs_for(
        "arn:aws:states:::events:putEvents",
        json!({"Entries": [{"Detail": {}}, {"EventBusName": "orders"}]}),
    );
    assert_eq!(
        needs[0].resources,
        strings(&[
            "arn:aws:events:us-east-1:123456789012:event-bus/default",
            "arn:aws:events:us-east-1:123456789012:event-bus/orders"
        ])
    );
}

#[test]
fn action_exception_sources_name_their_exception() {
    let sdk = &super::catalog().aws_sdk;
    for (key, url) in &sdk.action_sources {
        assert!(
            sdk.actions.contains_key(key),
            "{key} has a source but no exception"
        );
        assert!(url.starts_with("https://docs.aws.amazon.com/"), "{key}: {url}");
    }
    assert_eq!(
        super::aws_sdk_actions("s3", "copyObject"),
        ["s3:GetObject", "s3:PutObject"]
    );
    assert_eq!(
        super::aws_sdk_actions("dynamodb", "transactWriteItems"),
        [
            "dynamodb:ConditionCheckItem",
            "dynamodb:DeleteItem",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem"
        ]
    );
}

fn map_needs(
    site: MapSite,
    resource: Option<&str>,
    args: serde_json::Value,
    machine: Option<&str>,
) -> Vec<Need> {
    let lookup = |name: &str| match args.get(name) {
        Some(serde_json::Value::String(s)) if s == "$dynamic" => ArgValue::Dynamic,
        Some(v) => ArgValue::Static(v.clone()),
        None => ArgValue::Absent,
    };
    distributed_map_needs(site, resource, &lookup, machine, &ctx()).expect("known site")
}

#[test]
fn distributed_map_entries_name_their_aws_source() {
    let map = &catalog().distributed_map;
    assert_eq!(
        map.source,
        "https://docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html"
    );
    assert!(map.item_reader.contains_key("s3:getObject"));
    assert!(map.item_reader.contains_key("s3:listObjectsV2"));
    assert!(map.result_writer.contains_key("s3:putObject"));
    let page = include_str!("../../../docs/catalog.md");
    assert!(page.contains("iam-policies-eg-dist-map.html"));
    let unconfirmed = distributed_map_unconfirmed().expect("listed");
    assert!(unconfirmed.contains("RedriveExecution"));
    assert!(page.contains("states:RedriveExecution"));
}

#[test]
fn distributed_map_child_executions() {
    let needs = map_needs(MapSite::ChildExecutions, None, json!({}), Some("orders"));
    assert_eq!(needs[0].actions, strings(&["states:StartExecution"]));
    assert_eq!(
        needs[0].resources,
        strings(&["arn:aws:states:us-east-1:123456789012:stateMachine:orders"])
    );
    assert!(!needs[0].dynamic && !needs[0].optional);
    assert_eq!(needs[1].actions, strings(&["states:DescribeExecution"]));
    assert_eq!(
        needs[1].resources,
        strings(&["arn:aws:states:us-east-1:123456789012:execution:orders:*"])
    );
    assert!(needs[1].optional);
    // A standalone definition does not know its own name.
    let needs = map_needs(MapSite::ChildExecutions, None, json!({}), None);
    assert_eq!(
        needs[0].resources,
        strings(&["arn:aws:states:us-east-1:123456789012:stateMachine:*"])
    );
    assert!(needs[0].dynamic);
}

#[test]
fn distributed_map_reader_and_writer() {
    let get = map_needs(
        MapSite::ItemReader,
        Some("arn:aws:states:::s3:getObject"),
        json!({"Bucket": "in", "Key": "data/ratings.csv"}),
        None,
    );
    assert_eq!(get.len(), 1);
    assert_eq!(get[0].actions, strings(&["s3:GetObject"]));
    assert_eq!(get[0].resources, strings(&["arn:aws:s3:::in/data/ratings.csv"]));
    assert!(!get[0].dynamic);

    let dynamic = map_needs(
        MapSite::ItemReader,
        Some("arn:aws:states:::s3:getObject"),
        json!({"Bucket": "$dynamic", "Key": "data/ratings.csv"}),
        None,
    );
    assert_eq!(
        dynamic[0].resources,
        strings(&["arn:aws:s3:::*/data/ratings.csv"])
    );
    assert!(dynamic[0].dynamic);

    let list = map_needs(
        MapSite::ItemReader,
        Some("arn:aws-cn:states:::s3:listObjectsV2"),
        json!({"Bucket": "in", "Prefix": "images/"}),
        None,
    );
    assert_eq!(list[0].actions, strings(&["s3:ListBucket"]));
    assert_eq!(list[0].resources, strings(&["arn:aws-cn:s3:::in"]));
    assert_eq!(
        list[0].condition,
        Some(Condition {
            operator: "StringLike".into(),
            key: "s3:prefix".into(),
            value: "images/".into()
        })
    );
    assert_eq!(list[1].resources, strings(&["arn:aws-cn:s3:::in/images/*"]));
    assert!(list[1].optional);
    let whole = map_needs(
        MapSite::ItemReader,
        Some("arn:aws:states:::s3:listObjectsV2"),
        json!({"Bucket": "in"}),
        None,
    );
    assert_eq!(whole[0].condition, None);
    assert_eq!(whole[1].resources, strings(&["arn:aws:s3:::in/*"]));

    let put = map_needs(
        MapSite::ResultWriter,
        Some("arn:aws:states:::s3:putObject"),
        json!({"Bucket": "out", "Prefix": "csvJobs/"}),
        None,
    );
    assert_eq!(
        put[0].actions,
        strings(&[
            "s3:PutObject",
            "s3:GetObject",
            "s3:ListMultipartUploadParts",
            "s3:AbortMultipartUpload"
        ])
    );
    assert_eq!(put[0].resources, strings(&["arn:aws:s3:::out/csvJobs/*"]));
    let no_prefix = map_needs(
        MapSite::ResultWriter,
        Some("arn:aws:states:::s3:putObject"),
        json!({"Bucket": "out"}),
        None,
    );
    assert_eq!(no_prefix[0].resources, strings(&["arn:aws:s3:::out/*"]));

    let lookup = |_: &str| ArgValue::Absent;
    assert!(distributed_map_needs(
        MapSite::ItemReader,
        Some("arn:aws:states:::s3:unknownReader"),
        &lookup,
        None,
        &ctx()
    )
    .is_none());
}

/// The share of SDK operations whose actions all exist in the Service
/// Authorization Reference snapshot (or that AWS documents as needing
/// none), with the naming rule alone and with the snapshot's map.
/// `cargo test --lib aws_sdk_mapping_share -- --nocapture` prints both.
#[test]
fn aws_sdk_mapping_share() {
    let sar = crate::core::sar::sar();
    let exists = |actions: &[String]| actions.iter().all(|a| sar.action(a).is_some());
    let (mut total, mut before, mut after) = (0usize, 0usize, 0usize);
    for service in sar.sdk_services() {
        for op in &service.operations {
            total += 1;
            let rule = super::sdk::aws_sdk_naming_rule(service.id, op.name);
            before += usize::from(!rule.is_empty() && exists(&rule));
            let mapped = aws_sdk_actions(service.id, op.name);
            after += usize::from((!mapped.is_empty() || op.source.is_some()) && exists(&mapped));
        }
    }
    let share = |n: usize| 100.0 * n as f64 / total as f64;
    println!(
        "aws-sdk operations mapped to existing actions: before {before}/{total} ({:.2} %), after {after}/{total} ({:.2} %)",
        share(before),
        share(after)
    );
    assert!(share(after) > 99.0, "{after}/{total}");
    assert!(after > before);
}

#[test]
fn dynamodb_transactions_need_the_actions_of_their_items() {
    let put_and_check = needs_for(
        "arn:aws:states:::aws-sdk:dynamodb:transactWriteItems",
        json!({"TransactItems": [{"Put": {"TableName": "Orders"}}, {"ConditionCheck": {"TableName": "Stock"}}]}),
    );
    let scoped: Vec<(Vec<String>, Vec<String>)> = put_and_check
        .iter()
        .map(|n| (n.actions.clone(), n.resources.clone()))
        .collect();
    assert_eq!(
        scoped,
        vec![
            (
                strings(&["dynamodb:PutItem"]),
                strings(&["arn:aws:dynamodb:us-east-1:123456789012:table/Orders"])
            ),
            (
                strings(&["dynamodb:ConditionCheckItem"]),
                strings(&["arn:aws:dynamodb:us-east-1:123456789012:table/Stock"])
            ),
        ]
    );
    assert!(!put_and_check[0].any_of);
    // Items from the data: any one of the write actions may be what it uses.
    let unknown = needs_for("arn:aws:states:::aws-sdk:dynamodb:transactWriteItems", json!({}));
    assert!(unknown[0].any_of);
    assert!(unknown[0].actions.contains(&"dynamodb:PutItem".to_string()));
}

/// An inference profile id needs the profile and the foundation model in
/// the profile's Regions (not known: `*`); a foundation model its ARN.
#[test]
fn bedrock_inference_profiles() {
    let profile = needs_for(
        "arn:aws:states:::bedrock:invokeModel",
        json!({"ModelId": "us.anthropic.claude-3-haiku-20240307-v1:0"}),
    );
    assert_eq!(
        profile[0].resources,
        strings(&[
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0",
            "arn:aws:bedrock:*::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
        ])
    );
    assert!(profile[0].dynamic);
    let model = needs_for(
        "arn:aws:states:::bedrock:invokeModel",
        json!({"ModelId": "anthropic.claude-v2"}),
    );
    assert_eq!(
        model[0].resources,
        strings(&["arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2"])
    );
    assert!(!model[0].dynamic);
    let by_arn = needs_for(
        "arn:aws:states:::aws-sdk:bedrockruntime:converse",
        json!({"ModelId": "arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.amazon.nova-pro-v1:0"}),
    );
    assert_eq!(by_arn[0].actions, strings(&["bedrock:InvokeModel"]));
    assert_eq!(
        by_arn[0].resources,
        strings(&[
            "arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.amazon.nova-pro-v1:0",
            "arn:aws:bedrock:*::foundation-model/amazon.nova-pro-v1:0"
        ])
    );
}

/// API Gateway signs the call with the role only for `AuthType: IAM_ROLE`
/// (the default is `NO_AUTH`); a WebSocket `@connections` path is the
/// management API.
#[test]
fn api_gateway_auth_types() {
    let endpoint = "abc123.execute-api.us-east-1.amazonaws.com";
    let no_auth = needs_for(
        "arn:aws:states:::apigateway:invoke",
        json!({"ApiEndpoint": endpoint, "Method": "GET"}),
    );
    assert!(no_auth.is_empty());
    let policy = needs_for(
        "arn:aws:states:::apigateway:invoke",
        json!({"ApiEndpoint": endpoint, "Method": "GET", "AuthType": "RESOURCE_POLICY"}),
    );
    assert!(policy.is_empty());
    let iam = needs_for(
        "arn:aws:states:::apigateway:invoke",
        json!({"ApiEndpoint": endpoint, "Method": "GET", "AuthType": "IAM_ROLE"}),
    );
    assert_eq!(iam[0].actions, strings(&["execute-api:Invoke"]));
    assert_eq!(
        iam[0].resources,
        strings(&["arn:aws:execute-api:us-east-1:123456789012:abc123/*"])
    );
    assert!(!iam[0].optional);
    let chosen_later = needs_for(
        "arn:aws:states:::apigateway:invoke",
        json!({"ApiEndpoint": endpoint, "Method": "GET", "AuthType": "$dynamic"}),
    );
    assert!(chosen_later[0].optional);
    let connections = needs_for(
        "arn:aws:states:::apigateway:invoke",
        json!({"ApiEndpoint": endpoint, "Method": "POST", "AuthType": "IAM_ROLE", "Stage": "prod", "Path": "@connections/abc="}),
    );
    assert_eq!(
        connections[0].actions,
        strings(&["execute-api:ManageConnections"])
    );
}

/// CodeBuild's other optimized APIs: builds by id (their project's wildcard
/// form) and reports in report groups; `.sync` polls the build, not reports.
#[test]
fn codebuild_apis() {
    let reports = needs_for(
        "arn:aws:states:::codebuild:batchGetReports",
        json!({"ReportArns": ["arn:aws:codebuild:us-east-1:123456789012:report/tests:1"]}),
    );
    assert_eq!(reports[0].actions, strings(&["codebuild:BatchGetReports"]));
    assert_eq!(
        reports[0].resources,
        strings(&["arn:aws:codebuild:us-east-1:123456789012:report-group/*"])
    );
    assert!(reports[0].dynamic);
    let stop = needs_for("arn:aws:states:::codebuild:stopBuild", json!({"Id": "app:1234"}));
    assert_eq!(
        stop[0].resources,
        strings(&["arn:aws:codebuild:us-east-1:123456789012:project/*"])
    );
    let delete = needs_for(
        "arn:aws:states:::codebuild:batchDeleteBuilds",
        json!({"Ids": ["app:1"]}),
    );
    assert_eq!(delete[0].actions, strings(&["codebuild:BatchDeleteBuilds"]));
    let sync = needs_for(
        "arn:aws:states:::codebuild:startBuild.sync",
        json!({"ProjectName": "app"}),
    );
    assert!(sync
        .iter()
        .all(|n| !n.actions.contains(&"codebuild:BatchGetReports".to_string())));
}

/// Athena's Glue grants as the Step Functions page scopes them (the catalog,
/// databases, tables and functions of the account), and its data catalogs.
#[test]
fn athena_glue_and_data_catalog_scopes() {
    let needs = needs_for(
        "arn:aws:states:::athena:startQueryExecution",
        json!({"QueryString": "SELECT 1", "WorkGroup": "reports"}),
    );
    let glue: Vec<&str> = needs
        .iter()
        .filter(|n| n.actions.iter().any(|a| a.starts_with("glue:")))
        .flat_map(|n| n.resources.iter().map(String::as_str))
        .collect();
    assert_eq!(
        glue,
        [
            "arn:aws:glue:us-east-1:123456789012:catalog",
            "arn:aws:glue:us-east-1:123456789012:database/*",
            "arn:aws:glue:us-east-1:123456789012:table/*",
            "arn:aws:glue:us-east-1:123456789012:userDefinedFunction/*"
        ]
    );
    let catalogs = needs
        .iter()
        .find(|n| n.actions == strings(&["athena:getDataCatalog"]))
        .unwrap();
    assert_eq!(
        catalogs.resources,
        strings(&["arn:aws:athena:us-east-1:123456789012:datacatalog/*"])
    );
    assert!(catalogs.optional);
    let optional: Vec<bool> = needs
        .iter()
        .filter(|n| n.actions.iter().any(|a| a.starts_with("glue:")))
        .map(|n| n.optional)
        .collect();
    assert_eq!(optional, [false, true, true, true]);
}

/// `aws-sdk:ecs:runTask` names its task definition as ECS does: a family
/// (its latest revision runs), `family:revision`, or an ARN.
#[test]
fn sdk_run_task_scopes_the_task_definition() {
    let resources = |value: &str| {
        needs_for(
            "arn:aws:states:::aws-sdk:ecs:runTask",
            json!({"Cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/c", "TaskDefinition": value}),
        )
        .into_iter()
        .find(|n| n.actions == ["ecs:RunTask"])
        .unwrap()
        .resources
    };
    assert_eq!(
        resources("pack"),
        strings(&["arn:aws:ecs:us-east-1:123456789012:task-definition/pack:*"])
    );
    assert_eq!(
        resources("pack:3"),
        strings(&["arn:aws:ecs:us-east-1:123456789012:task-definition/pack:3"])
    );
    assert_eq!(
        resources("arn:aws:ecs:eu-west-1:210987654321:task-definition/pack:7"),
        strings(&["arn:aws:ecs:eu-west-1:210987654321:task-definition/pack:7"])
    );
}

/// `ec2:runInstances` acts on the image it names and on resources it
/// creates or uses: instance, subnet, security group, network interface
/// (required in the reference) and the volume of an EBS-backed instance
/// (`alsoActsOn`). Only the image is certain; the rest are granted, never
/// reported missing.
#[test]
fn sdk_run_instances_also_grants_the_volume() {
    let needs = needs_for(
        "arn:aws:states:::aws-sdk:ec2:runInstances",
        json!({"ImageId": "ami-0abcdef1234567890", "MinCount": 1, "MaxCount": 1}),
    );
    let run: Vec<(String, bool)> = needs
        .iter()
        .filter(|n| n.actions == ["ec2:RunInstances"])
        .flat_map(|n| n.resources.iter().map(move |r| (r.clone(), n.optional)))
        .collect();
    let has = |suffix: &str, optional: bool| run.iter().any(|(r, o)| r.ends_with(suffix) && *o == optional);
    assert!(has(":image/ami-0abcdef1234567890", false), "{run:?}");
    for optional_type in [
        ":instance/*",
        ":subnet/*",
        ":security-group/*",
        ":network-interface/*",
        ":volume/*",
    ] {
        assert!(has(optional_type, true), "{optional_type}: {run:?}");
    }
    let volume = needs
        .iter()
        .find(|n| n.resources.iter().any(|r| r.ends_with(":volume/*")))
        .unwrap();
    assert_eq!(
        volume.source,
        "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ExamplePolicies_EC2.html#iam-example-runinstances"
    );
}

/// A Neptune query needs read, write or delete via query as its steps do
/// (the data-access page): a static query with no step that changes data
/// needs only the read action; any other needs at least one of the three,
/// and which is left to the query (met by any one, never reported for the
/// others).
#[test]
fn neptune_queries_need_the_actions_their_steps_take() {
    let actions = |resource: &str, args: serde_json::Value| {
        let needs = needs_for(resource, args);
        assert_eq!(needs.len(), 1, "{needs:?}");
        (needs[0].actions.clone(), needs[0].any_of)
    };
    let gremlin = "arn:aws:states:::aws-sdk:neptunedata:executeGremlinQuery";
    assert_eq!(
        actions(
            gremlin,
            json!({"GremlinQuery": "g.V().hasLabel('order').count()"})
        ),
        (strings(&["neptune-db:ReadDataViaQuery"]), false)
    );
    let all = strings(&[
        "neptune-db:DeleteDataViaQuery",
        "neptune-db:ReadDataViaQuery",
        "neptune-db:WriteDataViaQuery",
    ]);
    assert_eq!(
        actions(
            gremlin,
            json!({"GremlinQuery": "g.addV('order').property('id', 1)"})
        ),
        (all.clone(), true)
    );
    assert_eq!(
        actions(gremlin, json!({"GremlinQuery": "$dynamic"})),
        (all.clone(), true)
    );
    let cypher = "arn:aws:states:::aws-sdk:neptunedata:executeOpenCypherQuery";
    assert_eq!(
        actions(
            cypher,
            json!({"OpenCypherQuery": "MATCH (n:Order) RETURN n LIMIT 10"})
        ),
        (strings(&["neptune-db:ReadDataViaQuery"]), false)
    );
    assert_eq!(
        actions(cypher, json!({"OpenCypherQuery": "MATCH (n) DETACH DELETE n"})),
        (all.clone(), true)
    );
    // A substitution left in the text could be any clause.
    assert_eq!(
        actions(cypher, json!({"OpenCypherQuery": "MATCH (n) ${Rest}"})),
        (all, true)
    );
}

/// A customer managed key is authorised by its key ARN: given whole, built
/// from a key ID, or any key of the account for an alias or a value not
/// known here.
#[test]
fn encryption_needs_the_data_key_actions_on_the_key_arn() {
    let need = |key: &str| {
        let n = machine_need(MachineFeature::Encryption, Some(key), &ctx());
        assert_eq!(n.actions, strings(&["kms:Decrypt", "kms:GenerateDataKey"]));
        assert_eq!(
            n.source,
            "https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html"
        );
        (n.resources[0].clone(), n.dynamic)
    };
    let arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    assert_eq!(need(arn), (arn.to_string(), false));
    assert_eq!(
        need("1234abcd-12ab-34cd-56ef-1234567890ab"),
        (arn.to_string(), false)
    );
    let any = ("arn:aws:kms:us-east-1:123456789012:key/*".to_string(), true);
    assert_eq!(need("alias/flow"), any);
    assert_eq!(need("arn:aws:kms:us-east-1:123456789012:alias/flow"), any);
    assert_eq!(need("${KeyParameter}"), any);
    assert_eq!(
        need("${FlowKey.KeyId}"),
        (
            "arn:aws:kms:us-east-1:123456789012:key/${FlowKey.KeyId}".to_string(),
            false
        )
    );
    assert_eq!(need("${FlowKey.Arn}"), ("${FlowKey.Arn}".to_string(), false));
}
