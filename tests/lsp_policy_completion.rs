//! End-to-end: completion in a role's policy document, and the editor's
//! settings asked for with `workspace/configuration`; the real binary over
//! stdio.

mod support;

use std::time::Instant;

use serde_json::{json, Value};
use support::lsp::{Server, TIMEOUT};
use support::lsp_workspace::{at, span, summary, Workspace, DEFINITION, POLICY};

fn capabilities(configuration: bool) -> Value {
    json!({
        "general": {"positionEncodings": ["utf-16"]},
        "workspace": {"configuration": configuration},
        "textDocument": {"publishDiagnostics": {"relatedInformation": true}},
    })
}

/// Each item as `label | detail | sortText | range | newText`.
fn items(response: &Value) -> Vec<String> {
    response["result"]["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a completion list: {response}"))
        .iter()
        .map(|i| {
            format!(
                "{} | {} | {} | {} | {}",
                i["label"].as_str().unwrap(),
                i["detail"].as_str().unwrap_or("-"),
                i["sortText"].as_str().unwrap(),
                span(&i["textEdit"]["range"]),
                i["textEdit"]["newText"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn policy_completion_offers_what_the_linked_tasks_need() {
    let ws = Workspace::new(&[("flow.asl.json", DEFINITION), ("flow.policy.json", POLICY)]);
    let mut server = Server::start(&[]);
    let result = server.initialize(&ws.root(), capabilities(false), json!({"debounceMs": 0}));
    assert_eq!(
        result["result"]["capabilities"]["completionProvider"]["triggerCharacters"],
        json!(["\"", ":"])
    );
    let policy = ws.uri("flow.policy.json");
    // Only the policy is open: the definition is read from disk.
    server.open(&policy, POLICY, 1);
    // In `"ecs:RunTask"`, after `ecs:`: what the tasks need (what the role
    // does not allow yet first), then the catalog; each replaces the whole
    // string's content.
    let found = items(&server.request("textDocument/completion", at(&policy, 12, 21)));
    assert_eq!(
        found[..8],
        [
            "ecs:StopTask | needed by Task `Pack`, not allowed yet | 0000 | 12:17-12:28 | ecs:StopTask",
            "ecs:DescribeTasks | needed by Task `Pack`, not allowed yet | 0001 | 12:17-12:28 | ecs:DescribeTasks",
            "events:PutTargets | needed by Task `Pack`, not allowed yet | 0002 | 12:17-12:28 | events:PutTargets",
            "events:PutRule | needed by Task `Pack`, not allowed yet | 0003 | 12:17-12:28 | events:PutRule",
            "events:DescribeRule | needed by Task `Pack`, not allowed yet | 0004 | 12:17-12:28 | events:DescribeRule",
            "lambda:InvokeFunction | needed by Task `Validate` | 0005 | 12:17-12:28 | lambda:InvokeFunction",
            "ecs:RunTask | needed by Task `Pack` | 0006 | 12:17-12:28 | ecs:RunTask",
            "athena:getDataCatalog | in the permission catalog | 0007 | 12:17-12:28 | athena:getDataCatalog",
        ]
    );
    assert!(found[7..]
        .iter()
        .all(|i| i.contains(" | in the permission catalog | ")));
    assert!(found.iter().any(|i| i.starts_with("states:StartExecution | ")));
    let mut labels: Vec<&str> = found.iter().map(|i| i.split(" | ").next().unwrap()).collect();
    let count = labels.len();
    labels.sort();
    labels.dedup();
    assert_eq!(labels.len(), count, "each action once");

    // In a Resource: the resources the tasks need.
    let response = server.request("textDocument/completion", at(&policy, 13, 40));
    assert_eq!(
        items(&response),
        [
            "* | needed by Task `Pack` (`ecs:StopTask`), not allowed yet | 0000 | 13:19-13:76 | *",
            "arn:aws:events:us-east-1:123456789012:rule/StepFunctionsGetEventsForECSTaskRule | needed by Task `Pack` (`events:PutTargets`), not allowed yet | 0001 | 13:19-13:76 | arn:aws:events:us-east-1:123456789012:rule/StepFunctionsGetEventsForECSTaskRule",
            "arn:aws:lambda:us-east-1:123456789012:function:Worker | needed by Task `Validate` (`lambda:InvokeFunction`) | 0002 | 13:19-13:76 | arn:aws:lambda:us-east-1:123456789012:function:Worker",
            "arn:aws:ecs:us-east-1:123456789012:task-definition/pack:3 | needed by Task `Pack` (`ecs:RunTask`) | 0003 | 13:19-13:76 | arn:aws:ecs:us-east-1:123456789012:task-definition/pack:3",
            "arn:aws:lambda:us-east-1:123456789012:function:Worker:* | optional for Task `Validate` (`lambda:InvokeFunction`) | 0004 | 13:19-13:76 | arn:aws:lambda:us-east-1:123456789012:function:Worker:*",
        ]
    );
    assert_eq!(response["result"]["items"][0]["kind"], 12);

    // Elsewhere in the policy (the Effect, a Sid, a key): nothing.
    for (line, character) in [(11, 18), (10, 15), (12, 9)] {
        let response = server.request("textDocument/completion", at(&policy, line, character));
        assert_eq!(response["result"]["items"], json!([]), "{line}:{character}");
    }

    // The definition as the editor has it, unsaved: another function.
    let def = ws.uri("flow.asl.json");
    server.open(&def, &DEFINITION.replace("function:Worker", "function:Other"), 1);
    let response = server.request("textDocument/completion", at(&policy, 7, 19));
    let resources: Vec<String> = items(&response)
        .into_iter()
        .filter(|i| i.contains(":function:"))
        .collect();
    assert_eq!(
        resources,
        [
            "arn:aws:lambda:us-east-1:123456789012:function:Other | needed by Task `Validate` (`lambda:InvokeFunction`) | 0002 | 7:19-7:20 | arn:aws:lambda:us-east-1:123456789012:function:Other",
            "arn:aws:lambda:us-east-1:123456789012:function:Other:* | optional for Task `Validate` (`lambda:InvokeFunction`) | 0004 | 7:19-7:20 | arn:aws:lambda:us-east-1:123456789012:function:Other:*",
        ]
    );

    // While typing: the string is not closed, the policy does not parse;
    // the item closes it.
    let typing = POLICY.replace("\"Action\": \"ecs:RunTask\",", "\"Action\": \"ecs:");
    server.change(&policy, 2, json!([{"text": typing}]));
    let typed = items(&server.request("textDocument/completion", at(&policy, 12, 21)));
    // (The line being typed is set aside to read the policy: RunTask is
    // not allowed any more, and comes first.)
    assert_eq!(
        typed[..2],
        [
            "ecs:RunTask | needed by Task `Pack`, not allowed yet | 0000 | 12:17-12:21 | ecs:RunTask\"",
            "ecs:StopTask | needed by Task `Pack`, not allowed yet | 0001 | 12:17-12:21 | ecs:StopTask\"",
        ]
    );
    assert_eq!(typed.len(), found.len());
}

/// How many `workspace/configuration` requests the server has made, after
/// waiting (bounded) until there are at least `count`.
fn configuration_requests(server: &mut Server, uri: &str, count: usize) -> Vec<Value> {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let asked: Vec<Value> = server
            .server_requests
            .iter()
            .filter(|r| r["method"] == "workspace/configuration")
            .cloned()
            .collect();
        if asked.len() >= count || Instant::now() > deadline {
            return asked;
        }
        // A round trip lets the client answer what the server asked meanwhile.
        server.document_text(uri);
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn settings_are_asked_for_with_workspace_configuration() {
    let ws = Workspace::new(&[("flow.asl.json", DEFINITION), ("flow.policy.json", POLICY)]);
    let mut server = Server::start(&[]);
    server.answer(
        "workspace/configuration",
        json!([{"rules": {"unscoped-lambda-invoke": "off"}}]),
    );
    server.initialize(&ws.root(), capabilities(true), json!({"debounceMs": 0}));
    let def = ws.uri("flow.asl.json");
    server.open(&def, DEFINITION, 1);
    server.expect_diagnostics(
        &def,
        Some(1),
        summary,
        &["sync-missing-events-permissions 1 14:18-14:53"],
    );
    let asked = configuration_requests(&mut server, &def, 1);
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0]["params"], json!({"items": [{"section": "aslLsp"}]}));
    // A pull-style client's notification carries nothing: the server asks.
    server.answer(
        "workspace/configuration",
        json!([{"rules": {"unscoped-lambda-invoke": "error"}}]),
    );
    server.notify("workspace/didChangeConfiguration", json!({"settings": null}));
    server.expect_diagnostics(
        &def,
        Some(1),
        summary,
        &[
            "sync-missing-events-permissions 1 14:18-14:53",
            "unscoped-lambda-invoke 1 5:18-5:50",
        ],
    );
    assert_eq!(configuration_requests(&mut server, &def, 2).len(), 2);
}

#[test]
fn a_null_or_empty_answer_changes_nothing() {
    let ws = Workspace::new(&[("flow.asl.json", DEFINITION), ("flow.policy.json", POLICY)]);
    let mut server = Server::start(&[]);
    // The first answer is the test client's default: `null`.
    server.initialize(
        &ws.root(),
        capabilities(true),
        json!({"debounceMs": 0, "rules": {"unscoped-lambda-invoke": "off"}}),
    );
    let def = ws.uri("flow.asl.json");
    server.open(&def, DEFINITION, 1);
    server.expect_diagnostics(
        &def,
        Some(1),
        summary,
        &["sync-missing-events-permissions 1 14:18-14:53"],
    );
    assert_eq!(configuration_requests(&mut server, &def, 1).len(), 1);
    for (version, answer) in [(2, json!([null])), (3, json!([{}])), (4, json!([]))] {
        server.answer("workspace/configuration", answer.clone());
        server.notify("workspace/didChangeConfiguration", json!({"settings": {}}));
        let asked = version as usize;
        assert_eq!(configuration_requests(&mut server, &def, asked).len(), asked);
        // The initialization options still apply to the next check.
        server.change(&def, version, json!([{"text": DEFINITION}]));
        server.expect_diagnostics(
            &def,
            Some(version),
            summary,
            &["sync-missing-events-permissions 1 14:18-14:53"],
        );
    }
    // Without the capability, the server never asks.
    let mut server = Server::start(&[]);
    server.initialize(&ws.root(), capabilities(false), json!({"debounceMs": 0}));
    server.open(&def, DEFINITION, 1);
    server.notify("workspace/didChangeConfiguration", json!({"settings": null}));
    server.diagnostics(&def, Some(1));
    server.document_text(&def);
    assert!(server.server_requests.is_empty(), "{:?}", server.server_requests);
}

/// A SAM template whose role's policy is written in it, its definition in
/// a file of its own, on disk only.
const TEMPLATE: &str = "Transform: AWS::Serverless-2016-10-31
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - PolicyName: run
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action:
                  - lambda:Inv
                Resource:
                  - 
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Role: !GetAtt Role.Arn
      DefinitionUri: flow.asl.json
";

#[test]
fn completion_in_a_policy_written_in_a_yaml_template() {
    let ws = Workspace::new(&[("flow.asl.json", DEFINITION), ("template.yaml", TEMPLATE)]);
    let mut server = Server::start(&[]);
    server.initialize(&ws.root(), capabilities(false), json!({"debounceMs": 0}));
    let template = ws.uri("template.yaml");
    server.open(&template, TEMPLATE, 1);
    // In the block item `lambda:Inv`: the actions the definition's tasks
    // need, written bare in place of the whole scalar.
    let found = items(&server.request("textDocument/completion", at(&template, 11, 30)));
    assert_eq!(
        found[..8],
        [
            "lambda:InvokeFunction | needed by Task `Validate`, not allowed yet | 0000 | 11:20-11:30 | lambda:InvokeFunction",
            "ecs:RunTask | needed by Task `Pack`, not allowed yet | 0001 | 11:20-11:30 | ecs:RunTask",
            "ecs:StopTask | needed by Task `Pack`, not allowed yet | 0002 | 11:20-11:30 | ecs:StopTask",
            "ecs:DescribeTasks | needed by Task `Pack`, not allowed yet | 0003 | 11:20-11:30 | ecs:DescribeTasks",
            "events:PutTargets | needed by Task `Pack`, not allowed yet | 0004 | 11:20-11:30 | events:PutTargets",
            "events:PutRule | needed by Task `Pack`, not allowed yet | 0005 | 11:20-11:30 | events:PutRule",
            "events:DescribeRule | needed by Task `Pack`, not allowed yet | 0006 | 11:20-11:30 | events:DescribeRule",
            "athena:getDataCatalog | in the permission catalog | 0007 | 11:20-11:30 | athena:getDataCatalog",
        ]
    );
    // After the empty item's `- `: the resources, inserted there, quoted
    // where YAML needs it.
    let response = server.request("textDocument/completion", at(&template, 13, 20));
    assert_eq!(
        items(&response),
        [
            "arn:aws:lambda:us-east-1:123456789012:function:Worker | needed by Task `Validate` (`lambda:InvokeFunction`), not allowed yet | 0000 | 13:20-13:20 | arn:aws:lambda:us-east-1:123456789012:function:Worker",
            "arn:aws:ecs:us-east-1:123456789012:task-definition/pack:3 | needed by Task `Pack` (`ecs:RunTask`), not allowed yet | 0001 | 13:20-13:20 | arn:aws:ecs:us-east-1:123456789012:task-definition/pack:3",
            "* | needed by Task `Pack` (`ecs:StopTask`), not allowed yet | 0002 | 13:20-13:20 | '*'",
            "!Sub arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/StepFunctionsGetEventsForECSTaskRule | needed by Task `Pack` (`events:PutTargets`), not allowed yet: arn:aws:events:${AWS::Region}:${AWS::AccountId}:rule/StepFunctionsGetEventsForECSTaskRule | 0003 | 13:20-13:20 | !Sub arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/StepFunctionsGetEventsForECSTaskRule",
            "arn:aws:lambda:us-east-1:123456789012:function:Worker:* | optional for Task `Validate` (`lambda:InvokeFunction`) | 0004 | 13:20-13:20 | arn:aws:lambda:us-east-1:123456789012:function:Worker:*",
        ]
    );
    // Elsewhere in the template: nothing.
    let response = server.request("textDocument/completion", at(&template, 9, 28));
    assert_eq!(response["result"]["items"], json!([]));
}
