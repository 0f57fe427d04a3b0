//! End-to-end: inlay hints for what the role lacks, and navigation between
//! a Task's `Resource` and the policy statements granting it, over the
//! real binary's stdio.

mod support;

use serde_json::{json, Value};
use support::lsp::Server;
use support::lsp_workspace::{at, span, Workspace};

const DEFINITION: &str = r#"{
  "StartAt": "Invoke",
  "States": {
    "Invoke": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {
        "FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:Worker"
      },
      "Next": "Pack"
    },
    "Pack": {
      "Type": "Task",
      "Resource": "arn:aws:states:::ecs:runTask.sync",
      "Parameters": {
        "Cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/main",
        "TaskDefinition": "arn:aws:ecs:us-east-1:123456789012:task-definition/pack:3"
      },
      "End": true
    }
  }
}
"#;

const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Invoke",
      "Effect": "Allow",
      "Action": "lambda:InvokeFunction",
      "Resource": "*"
    },
    {
      "Sid": "Run",
      "Effect": "Allow",
      "Action": "ecs:RunTask",
      "Resource": "*"
    }
  ]
}
"#;

/// `POLICY` with what the `.sync` task also needs.
const FIXED_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Invoke",
      "Effect": "Allow",
      "Action": "lambda:InvokeFunction",
      "Resource": "*"
    },
    {
      "Sid": "Run",
      "Effect": "Allow",
      "Action": ["ecs:RunTask", "ecs:StopTask", "ecs:DescribeTasks"],
      "Resource": "*"
    },
    {
      "Sid": "Events",
      "Effect": "Allow",
      "Action": ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
      "Resource": "*"
    }
  ]
}
"#;

fn start(ws: &Workspace) -> Server {
    let mut server = Server::start(&[]);
    let result = server.initialize(
        &ws.root(),
        json!({"general": {"positionEncodings": ["utf-16"]}}),
        json!({"debounceMs": 0}),
    );
    assert_eq!(result["result"]["capabilities"]["inlayHintProvider"], true);
    server
}

/// The hints in lines `from..to` as `line:character label`.
fn hints(server: &mut Server, uri: &str, from: u32, to: u32) -> Vec<String> {
    let response = server.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": from, "character": 0}, "end": {"line": to, "character": 0}}}),
    );
    response["result"]
        .as_array()
        .unwrap_or_else(|| panic!("{response}"))
        .iter()
        .map(|h| {
            assert_eq!(h["paddingLeft"], true);
            assert_eq!(h["tooltip"]["kind"], "markdown");
            format!(
                "{}:{} {}",
                h["position"]["line"],
                h["position"]["character"],
                h["label"].as_str().unwrap()
            )
        })
        .collect()
}

/// Each location as `file line:character-line:character`.
fn locations(response: &Value, ws: &Workspace) -> Vec<String> {
    response["result"]
        .as_array()
        .unwrap_or_else(|| panic!("{response}"))
        .iter()
        .map(|l| {
            let name = ["flow.asl.json", "flow.policy.json"]
                .into_iter()
                .find(|n| l["uri"] == ws.uri(n))
                .unwrap_or_else(|| panic!("unexpected uri in {l}"));
            format!("{name} {}", span(&l["range"]))
        })
        .collect()
}

#[test]
fn hints_show_what_the_role_lacks_until_the_policy_grants_it() {
    let ws = Workspace::new(&[("flow.asl.json", DEFINITION), ("flow.policy.json", POLICY)]);
    let mut server = start(&ws);
    let def = ws.uri("flow.asl.json");
    server.open(&def, DEFINITION, 1);
    server.diagnostics(&def, Some(1));

    // The Lambda task is allowed: no hint. The ECS task lacks its `.sync`
    // permissions: a hint right after its Resource's closing quote.
    assert_eq!(
        hints(&mut server, &def, 0, 30),
        ["13:53 ✗ missing ecs:StopTask, ecs:DescribeTasks, events:PutTargets +2 more"]
    );
    let response = server.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": def}, "range": {"start": {"line": 13, "character": 0}, "end": {"line": 14, "character": 0}}}),
    );
    let tooltip = response["result"][0]["tooltip"]["value"].as_str().unwrap();
    assert!(
        tooltip.starts_with("**Task `Pack`** — `arn:aws:states:::ecs:runTask.sync`\n\n"),
        "{tooltip}"
    );
    assert!(
        tooltip.contains("- `ecs:StopTask` on `*` — **not allowed**"),
        "{tooltip}"
    );
    // Only the hints inside the range asked for.
    assert_eq!(hints(&mut server, &def, 0, 13), Vec::<String>::new());

    // The policy as the editor has it, with the missing grants: no hints.
    let pol = ws.uri("flow.policy.json");
    server.open(&pol, FIXED_POLICY, 1);
    server.diagnostics(&pol, Some(1));
    assert_eq!(hints(&mut server, &def, 0, 30), Vec::<String>::new());
}

#[test]
fn a_definition_without_a_role_gets_no_hints() {
    let ws = Workspace::new(&[("flow.asl.json", DEFINITION)]);
    let mut server = start(&ws);
    let def = ws.uri("flow.asl.json");
    server.open(&def, DEFINITION, 1);
    server.diagnostics(&def, Some(1));
    assert_eq!(hints(&mut server, &def, 0, 30), Vec::<String>::new());
}

#[test]
fn resource_goes_to_its_statements_and_statements_list_their_tasks() {
    let ws = Workspace::new(&[("flow.asl.json", DEFINITION), ("flow.policy.json", POLICY)]);
    let mut server = start(&ws);
    let def = ws.uri("flow.asl.json");
    server.open(&def, DEFINITION, 1);
    server.diagnostics(&def, Some(1));

    // From each Resource value to the statement objects granting it, in
    // the policy file (closed: read from disk).
    let response = server.request("textDocument/definition", at(&def, 5, 25));
    assert_eq!(locations(&response, &ws), ["flow.policy.json 3:4-8:5"]);
    let response = server.request("textDocument/definition", at(&def, 13, 30));
    assert_eq!(locations(&response, &ws), ["flow.policy.json 9:4-14:5"]);
    // `Next` still goes to the state, and a state's key to itself.
    let response = server.request("textDocument/definition", at(&def, 9, 16));
    assert_eq!(locations(&response, &ws), ["flow.asl.json 11:5-11:9"]);
    let response = server.request("textDocument/definition", at(&def, 11, 6));
    assert_eq!(locations(&response, &ws), ["flow.asl.json 11:5-11:9"]);
    let response = server.request("textDocument/definition", at(&def, 4, 10));
    assert_eq!(response["result"], Value::Null);

    // From inside a statement of the open policy: the Resource of every
    // Task it grants, after the statement itself when asked.
    let pol = ws.uri("flow.policy.json");
    server.open(&pol, POLICY, 1);
    server.diagnostics(&pol, Some(1));
    let refs = |server: &mut Server, line, character, include: bool| {
        let mut params = at(&pol, line, character);
        params["context"] = json!({"includeDeclaration": include});
        let response = server.request("textDocument/references", params);
        locations(&response, &ws)
    };
    assert_eq!(refs(&mut server, 12, 20, false), ["flow.asl.json 13:18-13:53"]);
    assert_eq!(
        refs(&mut server, 6, 20, true),
        ["flow.policy.json 3:4-8:5", "flow.asl.json 5:18-5:50"]
    );
    // Outside any statement: nothing.
    assert_eq!(refs(&mut server, 1, 5, true), Vec::<String>::new());
}
