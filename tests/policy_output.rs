//! `asl-lsp policy` for single integrations whose resources come from
//! their arguments.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn policy(fixture: &str, args: &[&str]) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/policy")
        .join(fixture);
    let output = Command::new(env!("CARGO_BIN_EXE_asl-lsp"))
        .arg("policy")
        .arg(path)
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Each entry's bus: a static name in the account and region, `default`
/// when absent, an ARN as written, and the wildcard form only for the entry
/// whose bus comes from the input; a dynamic `Detail` changes nothing.
#[test]
fn put_events_is_scoped_per_entry() {
    insta::assert_snapshot!(serde_json::to_string_pretty(&policy("put-events.asl.json", &[])).unwrap());
}

/// The statements of a generated policy as (actions, resources, condition).
fn statements(fixture: &str) -> Vec<(Vec<String>, Vec<String>, Option<Value>)> {
    let policy = policy(fixture, &[]);
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                strings(&s["Action"]),
                strings(&s["Resource"]),
                s.get("Condition").cloned(),
            )
        })
        .collect()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// `aws-sdk` tasks are scoped from their arguments through the Service
/// Authorization Reference's ARN formats (no region or account is known to
/// a lone definition: `*`).
#[test]
fn aws_sdk_dynamodb_get_item_names_its_table() {
    assert_eq!(
        statements("sdk-dynamodb-get-item.asl.json"),
        vec![(
            strings(&["dynamodb:GetItem"]),
            strings(&["arn:aws:dynamodb:*:*:table/Orders"]),
            None
        )]
    );
    // A table from the input: the format with `*` for its name.
    assert_eq!(
        statements("sdk-dynamodb-get-item-dynamic.asl.json"),
        vec![(
            strings(&["dynamodb:GetItem"]),
            strings(&["arn:aws:dynamodb:*:*:table/*"]),
            None
        )]
    );
}

#[test]
fn aws_sdk_s3_objects_and_buckets() {
    assert_eq!(
        statements("sdk-s3-get-object.asl.json"),
        vec![(
            strings(&["s3:GetObject"]),
            strings(&["arn:aws:s3:::bucket/key"]),
            None
        )]
    );
    assert_eq!(
        statements("sdk-s3-get-object-dynamic-key.asl.json"),
        vec![(
            strings(&["s3:GetObject"]),
            strings(&["arn:aws:s3:::bucket/*"]),
            None
        )]
    );
    assert_eq!(
        statements("sdk-s3-list-objects-v2.asl.json"),
        vec![(
            strings(&["s3:ListBucket"]),
            strings(&["arn:aws:s3:::bucket"]),
            None
        )]
    );
}

/// The application the job runs on, and the role it passes, to EMR
/// Serverless only.
#[test]
fn aws_sdk_emr_serverless_passes_its_execution_role() {
    assert_eq!(
        statements("sdk-emr-serverless-start-job-run.asl.json"),
        vec![
            (
                strings(&["emr-serverless:StartJobRun"]),
                strings(&["arn:aws:emr-serverless:*:123456789012:/applications/00fabc123"]),
                None
            ),
            (
                strings(&["iam:PassRole"]),
                strings(&["arn:aws:iam::123456789012:role/JobRole"]),
                Some(
                    serde_json::json!({"StringEquals": {"iam:PassedToService": "emr-serverless.amazonaws.com"}})
                )
            ),
        ]
    );
}

#[test]
fn put_events_names_its_bus_only() {
    assert_eq!(
        statements("put-events-one-bus.asl.json"),
        vec![(
            strings(&["events:PutEvents"]),
            strings(&["arn:aws:events:*:*:event-bus/orders"]),
            None
        )]
    );
    // A bus from the input: any bus of the account and region.
    assert_eq!(
        statements("put-events-bus-from-input.asl.json"),
        vec![(
            strings(&["events:PutEvents"]),
            strings(&["arn:aws:events:*:*:event-bus/*"]),
            None
        )]
    );
}
