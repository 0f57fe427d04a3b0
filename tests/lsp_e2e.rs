//! End-to-end: the real binary over stdio, driven like an editor.

mod support;

use serde_json::{json, Value};
use support::lsp::{apply_edit, Server};
use support::lsp_workspace::{at, span, summary, Workspace, DEFINITION, POLICY};

fn capabilities(utf8: bool) -> Value {
    json!({
        "general": {"positionEncodings": if utf8 { json!(["utf-8", "utf-16"]) } else { json!(["utf-16"]) }},
        "workspace": {"workspaceEdit": {"documentChanges": true}, "didChangeWatchedFiles": {"dynamicRegistration": true}},
        "textDocument": {"publishDiagnostics": {"relatedInformation": true, "codeDescriptionSupport": true, "tagSupport": {"valueSet": [1, 2]}}},
    })
}

fn start(ws: &Workspace, utf8: bool) -> Server {
    let mut server = Server::start(&[]);
    let result = server.initialize(&ws.root(), capabilities(utf8), json!({"debounceMs": 0}));
    assert_eq!(
        result["result"]["capabilities"]["positionEncoding"],
        if utf8 { "utf-8" } else { "utf-16" }
    );
    server
}

#[test]
fn definition_and_policy_get_their_findings_and_fixes_remove_them() {
    let ws = Workspace::new(&[("flow.asl.json", DEFINITION), ("flow.policy.json", POLICY)]);
    let mut server = start(&ws, false);
    let def = ws.uri("flow.asl.json");
    let pol = ws.uri("flow.policy.json");
    server.open(&def, DEFINITION, 1);
    let on_definition = server.diagnostics(&def, Some(1));
    assert_eq!(
        summary(&on_definition),
        vec![
            "sync-missing-events-permissions 1 14:18-14:53",
            "unscoped-lambda-invoke 2 5:18-5:50",
        ]
    );
    let lambda = on_definition
        .iter()
        .find(|d| d["code"] == "unscoped-lambda-invoke")
        .unwrap();
    assert_eq!(lambda["source"], "asl-lsp");
    assert_eq!(
        lambda["codeDescription"]["href"],
        "https://github.com/asl-lsp/asl-lsp/blob/main/docs/rules/unscoped-lambda-invoke.md"
    );
    assert_eq!(lambda["relatedInformation"][0]["location"]["uri"], pol);
    // The policy, not open, is published too (disk contents, no version).
    let on_policy = server.diagnostics(&pol, None);
    assert_eq!(
        summary(&on_policy),
        vec![
            "sync-missing-events-permissions 1 2:2-2:13",
            "unscoped-lambda-invoke 2 7:18-7:21",
        ]
    );

    // Open the policy and apply the unscoped-lambda-invoke quick fix.
    server.open(&pol, POLICY, 1);
    let on_policy = server.diagnostics(&pol, Some(1));
    let target = on_policy
        .iter()
        .find(|d| d["code"] == "unscoped-lambda-invoke")
        .unwrap()
        .clone();
    let actions = server.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": pol}, "range": target["range"], "context": {"diagnostics": [target], "only": ["quickfix"]}}),
    );
    let action = &actions["result"][0];
    assert_eq!(
        action["title"],
        "Scope lambda:InvokeFunction to the invoked functions"
    );
    assert_eq!(action["isPreferred"], true);
    assert_eq!(action["edit"]["documentChanges"][0]["textDocument"]["version"], 1);
    let fixed = apply_edit(POLICY, &pol, &action["edit"], true);
    assert!(fixed.contains("\"arn:aws:lambda:us-east-1:123456789012:function:Worker:*\""));
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": pol, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    server.expect_diagnostics(
        &pol,
        Some(2),
        summary,
        &["sync-missing-events-permissions 1 2:2-2:13"],
    );
    let on_definition = server.expect_diagnostics(
        &def,
        Some(1),
        summary,
        &["sync-missing-events-permissions 1 14:18-14:53"],
    );

    // The .sync fix from the definition's diagnostic edits the policy.
    let sync = on_definition[0].clone();
    let actions = server.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": def}, "range": sync["range"], "context": {"diagnostics": [sync]}}),
    );
    let edit = &actions["result"][0]["edit"];
    let fixed2 = apply_edit(&fixed, &pol, edit, true);
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": pol, "version": 3}, "contentChanges": [{"text": fixed2}]}),
    );
    server.expect_diagnostics(&pol, Some(3), summary, &[]);
    server.expect_diagnostics(&def, Some(1), summary, &[]);
}

#[test]
fn a_stale_fix_is_refused() {
    let ws = Workspace::new(&[("flow.asl.json", DEFINITION), ("flow.policy.json", POLICY)]);
    let mut server = start(&ws, false);
    let pol = ws.uri("flow.policy.json");
    server.open(&pol, POLICY, 1);
    let diagnostics = server.diagnostics(&pol, Some(1));
    let target = diagnostics
        .iter()
        .find(|d| d["code"] == "unscoped-lambda-invoke")
        .unwrap()
        .clone();
    server.change(&pol, 2, json!([{"range": {"start": {"line": 0, "character": 1}, "end": {"line": 0, "character": 1}}, "text": " "}]));
    server.diagnostics(&pol, Some(2));
    let actions = server.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": pol}, "range": target["range"], "context": {"diagnostics": [target]}}),
    );
    assert_eq!(actions["result"], json!([]));
}

#[test]
fn policy_changed_on_disk_rechecks_the_definition() {
    let ws = Workspace::new(&[("flow.asl.json", DEFINITION), ("flow.policy.json", POLICY)]);
    let mut server = start(&ws, false);
    let def = ws.uri("flow.asl.json");
    server.open(&def, DEFINITION, 1);
    assert_eq!(server.diagnostics(&def, Some(1)).len(), 2);
    let granted = POLICY.replace(
        "\"Resource\": \"*\"",
        "\"Resource\": [\"arn:aws:lambda:us-east-1:123456789012:function:Worker\", \"arn:aws:lambda:us-east-1:123456789012:function:Worker:*\"]",
    );
    std::fs::write(format!("{}/flow.policy.json", ws.root()), granted).unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": ws.uri("flow.policy.json"), "type": 2}]}),
    );
    server.expect_diagnostics(
        &def,
        Some(1),
        summary,
        &["sync-missing-events-permissions 1 14:18-14:53"],
    );
}

#[test]
fn a_run_on_an_older_policy_never_overwrites_a_newer_one() {
    // The definition's own run is slow and reads the policy as it was; the
    // policy is opened with the fix while that run is under way. The
    // policy's run publishes the definition's fresh findings first; the
    // slow run, finishing later on the older policy, must not replace them.
    let slow = DEFINITION.replacen('{', "{\n  \"Comment\": \"ASL_LSP_TEST_SLOW_MARKER\",", 1);
    let ws = Workspace::new(&[("flow.asl.json", &slow), ("flow.policy.json", POLICY)]);
    let mut server = Server::start(&[("ASL_LSP_TEST_DELAY_MS", "1000")]);
    server.initialize(&ws.root(), capabilities(false), json!({"debounceMs": 0}));
    let def = ws.uri("flow.asl.json");
    server.open(&def, &slow, 1);
    // Start-up is over once the first findings are out.
    assert_eq!(server.diagnostics(&def, Some(1)).len(), 2);
    // An edit starts the slow run; it reads the policy from disk at once.
    server.change(&def, 2, json!([{"range": {"start": {"line": 0, "character": 1}, "end": {"line": 0, "character": 1}}, "text": " "}]));
    std::thread::sleep(std::time::Duration::from_millis(300));
    let granted = POLICY.replace(
        "\"Resource\": \"*\"",
        "\"Resource\": [\"arn:aws:lambda:us-east-1:123456789012:function:Worker\", \"arn:aws:lambda:us-east-1:123456789012:function:Worker:*\"]",
    );
    server.open(&ws.uri("flow.policy.json"), &granted, 1);
    let fresh = ["sync-missing-events-permissions 1 15:18-15:53"];
    server.expect_diagnostics(&def, Some(2), summary, &fresh);
    // Past the slow run's end: whatever it published last must still be fresh.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    server.drain_into_pending();
    if let Some(last) = server.last_diagnostics(&def) {
        assert_eq!(summary(&last), fresh);
    }
}

#[test]
fn a_change_sent_just_before_its_open_is_not_lost() {
    // Helix, applying a fix to a policy it had to open, sends the edit's
    // didChange just before the didOpen with the text as on disk.
    let ws = Workspace::new(&[("flow.asl.json", DEFINITION), ("flow.policy.json", POLICY)]);
    let mut server = start(&ws, false);
    let def = ws.uri("flow.asl.json");
    server.open(&def, DEFINITION, 1);
    assert_eq!(server.diagnostics(&def, Some(1)).len(), 2);
    let policy = ws.uri("flow.policy.json");
    let arns = "[\"arn:aws:lambda:us-east-1:123456789012:function:Worker\", \"arn:aws:lambda:us-east-1:123456789012:function:Worker:*\"]";
    assert_eq!(&POLICY.lines().nth(7).unwrap()[18..21], "\"*\"");
    server.change(&policy, 1, json!([{"range": {"start": {"line": 7, "character": 18}, "end": {"line": 7, "character": 21}}, "text": arns}]));
    server.open(&policy, POLICY, 0);
    server.expect_diagnostics(
        &def,
        Some(1),
        summary,
        &["sync-missing-events-permissions 1 14:18-14:53"],
    );
    assert_eq!(server.document_text(&policy), POLICY.replacen("\"*\"", arns, 1));
    server.expect_diagnostics(
        &policy,
        Some(1),
        summary,
        &["sync-missing-events-permissions 1 2:2-2:13"],
    );
}

#[test]
fn a_change_after_close_is_not_applied_when_the_document_opens_again() {
    let ws = Workspace::new(&[]);
    let mut server = start(&ws, false);
    let uri = ws.uri("flow.asl.json");
    let good = "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"End\": true}}}";
    server.open(&uri, good, 1);
    assert_eq!(server.diagnostics(&uri, Some(1)), Vec::<Value>::new());
    server.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));
    server.change(&uri, 7, json!([{"text": "{"}]));
    server.open(&uri, good, 1);
    assert_eq!(server.document_text(&uri), good);
    assert_eq!(server.diagnostics(&uri, Some(1)), Vec::<Value>::new());
}

#[test]
fn ranges_count_utf16_or_utf8_as_negotiated() {
    let text = "{\n  \"StartAt\": \"開始 🚀\",\n  \"States\": {\n    \"開始 🚀\": {\"Type\": \"Pass\", \"Next\": \"終わり\"}\n  }\n}\n";
    for (utf8, first, last) in [(false, 38, 43), (true, 44, 55)] {
        let ws = Workspace::new(&[]);
        let mut server = start(&ws, utf8);
        let uri = ws.uri("flow.asl.json");
        server.open(&uri, text, 1);
        let diagnostics = server.diagnostics(&uri, Some(1));
        let unknown = diagnostics
            .iter()
            .find(|d| d["code"] == "asl-unknown-state")
            .unwrap();
        assert_eq!(
            unknown["range"]["start"],
            json!({"line": 3, "character": first}),
            "utf8={utf8}"
        );
        assert_eq!(
            unknown["range"]["end"],
            json!({"line": 3, "character": last}),
            "utf8={utf8}"
        );
    }
}

#[test]
fn five_hundred_edits_back_to_back_keep_the_text_in_step() {
    let ws = Workspace::new(&[]);
    let mut server = start(&ws, false);
    let uri = ws.uri("flow.asl.json");
    let mut text = String::from(
        "{\n  \"Comment\": \"\",\n  \"StartAt\": \"A\",\n  \"States\": {\"A\": {\"Type\": \"Succeed\"}}\n}\n",
    );
    server.open(&uri, &text, 1);
    let alphabet = ['a', 'é', '😀', '字', 'z'];
    for i in 0..500 {
        let ch = alphabet[i % alphabet.len()];
        // Insert inside the Comment string, at a position that moves.
        let line1: String = text.lines().nth(1).unwrap().to_string();
        let utf16_len: usize = line1.chars().map(char::len_utf16).sum();
        let column = (utf16_len - 2) as u32; // before the closing quote and comma
        server.change(
            &uri,
            i as i32 + 2,
            json!([{"range": {"start": {"line": 1, "character": column}, "end": {"line": 1, "character": column}}, "text": ch.to_string()}]),
        );
        let byte = text.find('\n').unwrap() + 1 + line1.len() - 2;
        text.insert(byte, ch);
    }
    server.expect_diagnostics(&uri, Some(501), summary, &[]);
    assert_eq!(server.document_text(&uri), text);
}

#[test]
fn crlf_policies_stay_crlf_after_a_fix() {
    let policy = POLICY.replace('\n', "\r\n");
    let ws = Workspace::new(&[("flow.asl.json", DEFINITION), ("flow.policy.json", &policy)]);
    let mut server = start(&ws, false);
    let pol = ws.uri("flow.policy.json");
    server.open(&pol, &policy, 1);
    let diagnostics = server.diagnostics(&pol, Some(1));
    let sync = diagnostics
        .iter()
        .find(|d| d["code"] == "sync-missing-events-permissions")
        .unwrap()
        .clone();
    let actions = server.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": pol}, "range": sync["range"], "context": {"diagnostics": [sync]}}),
    );
    let fixed = apply_edit(&policy, &pol, &actions["result"][0]["edit"], true);
    assert!(fixed.len() > policy.len());
    assert_eq!(
        fixed.matches('\n').count(),
        fixed.matches("\r\n").count(),
        "{fixed}"
    );
}

#[test]
fn a_panic_is_contained_and_other_documents_keep_working() {
    let ws = Workspace::new(&[]);
    let mut server = Server::start(&[("ASL_LSP_TEST_PANIC", "1")]);
    server.initialize(&ws.root(), capabilities(false), json!({"debounceMs": 0}));
    let bad = ws.uri("bad.asl.json");
    server.open(
        &bad,
        "{\"Comment\": \"ASL_LSP_TEST_PANIC_MARKER\", \"StartAt\": \"A\", \"States\": {}}",
        1,
    );
    let diagnostics = server.diagnostics(&bad, Some(1));
    assert_eq!(summary(&diagnostics), vec!["internal-error 1 0:0-0:0"]);
    let good = ws.uri("good.asl.json");
    server.open(
        &good,
        "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"B\"}}}",
        1,
    );
    server.expect_diagnostics(
        &good,
        Some(1),
        summary,
        &[
            "asl-no-terminal-state 1 0:27-0:63",
            "asl-unknown-state 1 0:58-0:61",
        ],
    );
}

#[test]
fn hostile_input_gets_a_diagnostic_not_a_crash() {
    let ws = Workspace::new(&[]);
    let mut server = start(&ws, false);
    let uri = ws.uri("deep.asl.json");
    let deep = "[".repeat(100_000);
    server.open(&uri, &deep, 1);
    let diagnostics = server.diagnostics(&uri, Some(1));
    assert_eq!(diagnostics[0]["code"], "asl-syntax");
    // Positions past the end are clamped for edits...
    server.change(&uri, 2, json!([{"range": {"start": {"line": 99, "character": 99}, "end": {"line": 120, "character": 0}}, "text": "]"}]));
    server.diagnostics(&uri, Some(2));
    // ...and refused for requests.
    let hover = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 500, "character": 0}}),
    );
    assert!(hover["error"].is_object(), "{hover}");
    let unknown = server.request("asl-lsp/noSuchMethod", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
}

#[test]
fn an_undecodable_message_gets_an_error_and_the_server_keeps_serving() {
    let ws = Workspace::new(&[("flow.asl.json", DEFINITION), ("flow.policy.json", POLICY)]);
    let mut server = start(&ws, false);
    let def = ws.uri("flow.asl.json");
    server.open(&def, DEFINITION, 1);
    server.diagnostics(&def, Some(1));
    let bad: [(&[u8], i64); 6] = [
        (b"[]", -32600),
        (b"{}", -32600),
        (b"{\"jsonrpc\":\"2.0\",\"id\":", -32700),
        (b"{\"jsonrpc\":\"2.0\",\"method\":\"\xff\xfe\"}", -32700),
        (b"", -32700),
        (b"42", -32600),
    ];
    let hover = |server: &mut Server| {
        server.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": def}, "position": {"line": 5, "character": 25}}),
        )["result"]["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .starts_with("**Task `Validate`**")
    };
    let error = |server: &mut Server| {
        server.wait_for("an error response", |m| {
            m["id"].is_null() && m.get("error").is_some()
        })
    };
    for (body, code) in bad {
        server.send_raw(body);
        let reply = error(&mut server);
        assert_eq!(
            reply,
            json!({"jsonrpc": "2.0", "id": null, "error": {"code": code,
                "message": if code == -32700 { "Parse error" } else { "Invalid request" }}}),
            "{}",
            String::from_utf8_lossy(body)
        );
        assert!(
            hover(&mut server),
            "no hover after {}",
            String::from_utf8_lossy(body)
        );
    }
    // A header block without a length.
    server.send_bytes(b"Content-Type: x\r\n\r\n");
    assert_eq!(error(&mut server)["error"]["code"], -32700);
    assert!(hover(&mut server));
}

#[test]
fn opening_and_closing_documents_does_not_grow_the_server() {
    let ws = Workspace::new(&[("flow.asl.json", DEFINITION), ("flow.policy.json", POLICY)]);
    let mut server = start(&ws, false);
    let flow = ws.uri("flow.asl.json");
    server.open(&flow, DEFINITION, 1);
    server.diagnostics(&flow, Some(1));
    // The bookkeeping once every pending run has finished.
    let settled = |server: &mut Server| {
        let mut last = server.request("asl-lsp/stats", json!({}))["result"].clone();
        for _ in 0..100 {
            std::thread::sleep(std::time::Duration::from_millis(100));
            let now = server.request("asl-lsp/stats", json!({}))["result"].clone();
            if now == last {
                return now;
            }
            last = now;
        }
        panic!("the server's bookkeeping never settled: {last}");
    };
    let policy = ws.uri("flow.policy.json");
    let round = |server: &mut Server, round: usize| {
        // The policy is on disk: it keeps its bookkeeping (the workspace
        // bounds those). Files that exist only in the editor are cleared
        // by the last publish after their close.
        for (i, (uri, text)) in std::iter::once((policy.clone(), POLICY))
            .chain((0..20).map(|i| (ws.uri(&format!("scratch/{round}-{i}.asl.json")), DEFINITION)))
            .enumerate()
        {
            server.open(&uri, text, 1);
            server.diagnostics(&uri, Some(1));
            server.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));
            if i > 0 {
                server.wait_for("the closed file's last publish", |m| {
                    m["method"] == "textDocument/publishDiagnostics"
                        && m["params"]["uri"] == uri
                        && m["params"].get("version").is_none_or(Value::is_null)
                });
            }
        }
    };
    round(&mut server, 0);
    let before = settled(&mut server);
    for n in 1..4 {
        round(&mut server, n);
    }
    let after = settled(&mut server);
    assert_eq!(
        after, before,
        "bookkeeping after 20 and after 80 opens and closes"
    );
    assert_eq!(after["open"], 1);
}

#[test]
fn hover_shows_what_a_task_needs() {
    let ws = Workspace::new(&[("flow.asl.json", DEFINITION), ("flow.policy.json", POLICY)]);
    let mut server = start(&ws, false);
    let def = ws.uri("flow.asl.json");
    server.open(&def, DEFINITION, 1);
    server.diagnostics(&def, Some(1));
    let hover = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": def}, "position": {"line": 5, "character": 25}}),
    );
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(
        text.starts_with("**Task `Validate`** — `arn:aws:states:::lambda:invoke`"),
        "{text}"
    );
    assert!(text.contains("- `lambda:InvokeFunction` on `arn:aws:lambda:us-east-1:123456789012:function:Worker` — allowed by flow.policy.json `Invoke`"));
}

const SAM_TEMPLATE: &str = "Transform: AWS::Serverless-2016-10-31
Resources:
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: statemachine/flow.asl.json
      DefinitionSubstitutions:
        WorkerArn: !GetAtt Worker.Arn
      Logging:
        Level: ERROR
        Destinations:
          - CloudWatchLogsLogGroup:
              LogGroupArn: !GetAtt Logs.Arn
      Policies:
        - Statement:
            - Effect: Allow
              Action: lambda:InvokeFunction
              Resource: '*'
        - CloudWatchLogsFullAccess
  Worker:
    Type: AWS::Serverless::Function
  Logs:
    Type: AWS::Logs::LogGroup
";

const SAM_DEFINITION: &str = r#"{
  "StartAt": "Work",
  "States": {
    "Work": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": { "FunctionName": "${WorkerArn}" },
      "End": true
    }
  }
}
"#;

/// A definition opened alone finds the SAM template that owns it on disk;
/// the fix from the definition's diagnostic edits the template in YAML with
/// the template's own references.
#[test]
fn a_sam_template_and_its_definition_uri() {
    let ws = Workspace::new(&[
        ("template.yaml", SAM_TEMPLATE),
        ("statemachine/flow.asl.json", SAM_DEFINITION),
    ]);
    let mut server = start(&ws, false);
    let def = ws.uri("statemachine/flow.asl.json");
    let template = ws.uri("template.yaml");
    server.open(&def, SAM_DEFINITION, 1);
    let on_definition = server.diagnostics(&def, Some(1));
    assert_eq!(
        summary(&on_definition),
        vec!["unscoped-lambda-invoke 2 5:18-5:50"]
    );
    assert_eq!(
        on_definition[0]["relatedInformation"][0]["location"]["uri"],
        template
    );
    let on_template = server.diagnostics(&template, None);
    assert_eq!(
        summary(&on_template),
        vec!["unscoped-lambda-invoke 2 17:24-17:27"]
    );
    let actions = server.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": def}, "range": on_definition[0]["range"], "context": {"diagnostics": [on_definition[0].clone()]}}),
    );
    let edit = &actions["result"][0]["edit"];
    let fixed = apply_edit(SAM_TEMPLATE, &template, edit, true);
    assert!(
        fixed.contains("              Resource:\n                - !GetAtt Worker.Arn\n                - !Sub ${Worker.Arn}:*\n"),
        "{fixed}"
    );
    server.open(&template, &fixed, 1);
    server.expect_diagnostics(&template, Some(1), summary, &[]);
    server.expect_diagnostics(&def, Some(1), summary, &[]);
}

/// A template whose `DefinitionUri` names a file in a sibling folder: the
/// server reads that file from its index (no false "names no file"), and a
/// path outside the workspace folders is an info that says so.
#[test]
fn a_definition_uri_in_another_folder_is_read_and_one_outside_is_said_unread() {
    let beside = SAM_TEMPLATE.replace("statemachine/flow.asl.json", "../definitions/flow.asl.json");
    let outside = SAM_TEMPLATE.replace("statemachine/flow.asl.json", "../../elsewhere/flow.asl.json");
    let ws = Workspace::new(&[
        ("templates/template.yaml", beside.as_str()),
        ("templates/outside.yaml", outside.as_str()),
        ("definitions/flow.asl.json", SAM_DEFINITION),
    ]);
    let mut server = start(&ws, false);
    let template = ws.uri("templates/template.yaml");
    server.open(&template, &beside, 1);
    assert_eq!(
        summary(&server.diagnostics(&template, Some(1))),
        vec!["unscoped-lambda-invoke 2 17:24-17:27"]
    );
    let other = ws.uri("templates/outside.yaml");
    server.open(&other, &outside, 1);
    let found = server.diagnostics(&other, Some(1));
    assert_eq!(summary(&found), vec!["definition-uri-not-found 3 5:21-5:50"]);
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("was not read (it is outside the workspace folders)"),
        "{found:?}"
    );
}

/// Rule levels from the editor: `initializationOptions`, then
/// `workspace/didChangeConfiguration` (VS Code's `aslLsp` section).
#[test]
fn editor_settings_set_rule_levels() {
    let ws = Workspace::new(&[("flow.asl.json", DEFINITION), ("flow.policy.json", POLICY)]);
    let mut server = Server::start(&[]);
    server.initialize(
        &ws.root(),
        capabilities(false),
        json!({"debounceMs": 0, "rules": {"unscoped-lambda-invoke": "off"}}),
    );
    let def = ws.uri("flow.asl.json");
    server.open(&def, DEFINITION, 1);
    assert_eq!(
        summary(&server.diagnostics(&def, Some(1))),
        vec!["sync-missing-events-permissions 1 14:18-14:53"]
    );
    server.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"aslLsp": {"rules": {"unscoped-lambda-invoke": "error", "sync-missing-events-permissions": "hint"}}}}),
    );
    server.expect_diagnostics(
        &def,
        Some(1),
        summary,
        &[
            "sync-missing-events-permissions 4 14:18-14:53",
            "unscoped-lambda-invoke 1 5:18-5:50",
        ],
    );
}

const TERRAFORM: &str = r#"resource "aws_lambda_function" "worker" {
  function_name = "worker"
}

resource "aws_sfn_state_machine" "flow" {
  name       = "flow"
  role_arn   = aws_iam_role.flow.arn
  definition = <<EOF
{
  "StartAt": "Work",
  "States": {
    "Work": {"Type": "Task", "Resource": "${aws_lambda_function.worker.arn}", "End": true}
  }
}
EOF
}

resource "aws_iam_role" "flow" {
  name = "flow"
  inline_policy {
    name = "invoke"
    policy = jsonencode({
      Statement = [
        {
          Effect   = "Allow"
          Action   = ["lambda:InvokeFunction"]
          Resource = "*"
        },
      ]
    })
  }
}
"#;

#[test]
fn a_terraform_module_gets_findings_and_hcl_fixes() {
    let ws = Workspace::new(&[("main.tf", TERRAFORM)]);
    let mut server = start(&ws, false);
    let tf = ws.uri("main.tf");
    server.open(&tf, TERRAFORM, 1);
    let found = server.diagnostics(&tf, Some(1));
    assert_eq!(
        summary(&found),
        vec![
            "logging-disabled 2 4:33-4:39",
            "unscoped-lambda-invoke 2 11:41-11:76",
            "unscoped-lambda-invoke 2 26:21-26:24"
        ]
    );
    let target = found
        .iter()
        .find(|d| d["range"]["start"]["line"] == 26)
        .unwrap()
        .clone();
    let actions = server.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": tf}, "range": target["range"], "context": {"diagnostics": [target], "only": ["quickfix"]}}),
    );
    let fixed = apply_edit(TERRAFORM, &tf, &actions["result"][0]["edit"], true);
    assert!(
        fixed.contains("Resource = [\n            aws_lambda_function.worker.arn,\n            \"${aws_lambda_function.worker.arn}:*\",\n          ]"),
        "{fixed}"
    );
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": tf, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    server.expect_diagnostics(&tf, Some(2), summary, &["logging-disabled 2 4:33-4:39"]);
}

/// A definition with non-ASCII names (CJK, an emoji: two UTF-16 units) and
/// a Parallel state, for the cursor features.
const UNICODE_DEFINITION: &str = r#"{
  "StartAt": "開始 🚀",
  "States": {
    "開始 🚀": {
      "Type": "Parallel",
      "Branches": [
        {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "End": true}}},
        {"StartAt": "Right", "States": {"Right": {"Type": "Wait", "Seconds": 1, "End": true}}}
      ],
      "Next": "終わり"
    },
    "終わり": {"Type": "Choice", "Choices": [{"Variable": "$.ok", "BooleanEquals": true, "Next": "開始 🚀"}], "Default": "Done"},
    "Done": {"Type": "Succeed"}
  }
}
"#;

fn ide_capabilities(document_changes: bool) -> Value {
    let mut caps = capabilities(false);
    caps["workspace"]["workspaceEdit"]["documentChanges"] = json!(document_changes);
    caps["textDocument"]["documentSymbol"] = json!({"hierarchicalDocumentSymbolSupport": true});
    caps["textDocument"]["rename"] = json!({"prepareSupport": true});
    caps
}

fn start_ide(ws: &Workspace, document_changes: bool) -> Server {
    let mut server = Server::start(&[]);
    let result = server.initialize(
        &ws.root(),
        ide_capabilities(document_changes),
        json!({"debounceMs": 0}),
    );
    let caps = &result["result"]["capabilities"];
    assert_eq!(caps["documentSymbolProvider"]["label"], "Step Functions states");
    assert_eq!(caps["definitionProvider"], true);
    assert_eq!(caps["referencesProvider"], true);
    assert_eq!(caps["renameProvider"], json!({"prepareProvider": true}));
    assert_eq!(
        caps["completionProvider"]["triggerCharacters"],
        json!(["\"", ":"])
    );
    server
}

fn outline(symbols: &Value, depth: usize, out: &mut Vec<String>) {
    for s in symbols.as_array().into_iter().flatten() {
        out.push(format!(
            "{}{} kind={} {} {} sel={}",
            "  ".repeat(depth),
            s["name"].as_str().unwrap(),
            s["kind"],
            s["detail"].as_str().unwrap_or("-"),
            span(&s["range"]),
            span(&s["selectionRange"])
        ));
        outline(&s["children"], depth + 1, out);
    }
}

#[test]
fn document_symbols_nest_parallel_branches() {
    let ws = Workspace::new(&[]);
    let mut server = start_ide(&ws, true);
    let uri = ws.uri("flow.asl.json");
    server.open(&uri, UNICODE_DEFINITION, 1);
    let response = server.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let mut lines = Vec::new();
    outline(&response["result"], 0, &mut lines);
    assert_eq!(
        lines,
        [
            "開始 🚀 kind=2 Parallel 3:4-10:5 sel=3:4-3:11",
            "  Branch 1 kind=4 - 6:8-6:78 sel=6:8-6:78",
            "    Left kind=13 Pass 6:39-6:76 sel=6:39-6:45",
            "  Branch 2 kind=4 - 7:8-7:94 sel=7:8-7:94",
            "    Right kind=24 Wait 7:40-7:92 sel=7:40-7:47",
            "終わり kind=10 Choice 11:4-11:123 sel=11:4-11:9",
            "Done kind=14 Succeed 12:4-12:31 sel=12:4-12:10",
        ]
    );
    // A document that does not parse has no symbols, and no error.
    server.change(&uri, 2, json!([{"text": "{\"StartAt\": "}]));
    let response = server.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(response["result"], json!([]));
}

#[test]
fn definition_and_references_follow_next_in_utf16() {
    let ws = Workspace::new(&[]);
    let mut server = start_ide(&ws, true);
    let uri = ws.uri("flow.asl.json");
    server.open(&uri, UNICODE_DEFINITION, 1);
    // From `"Next": "終わり"` to the state's key.
    let response = server.request("textDocument/definition", at(&uri, 9, 16));
    assert_eq!(response["result"][0]["uri"], uri);
    assert_eq!(span(&response["result"][0]["range"]), "11:5-11:8");
    // From a Choice rule's Next, after CJK and before an emoji.
    let response = server.request("textDocument/definition", at(&uri, 11, 96));
    assert_eq!(span(&response["result"][0]["range"]), "3:5-3:10");
    // Elsewhere: nothing.
    let response = server.request("textDocument/definition", at(&uri, 4, 10));
    assert_eq!(response["result"], Value::Null);

    let refs = |server: &mut Server, line, character, include| {
        let mut params = at(&uri, line, character);
        params["context"] = json!({"includeDeclaration": include});
        let response = server.request("textDocument/references", params);
        response["result"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| span(&l["range"]))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        refs(&mut server, 3, 6, true),
        ["3:5-3:10", "1:14-1:19", "11:95-11:100"]
    );
    assert_eq!(refs(&mut server, 3, 6, false), ["1:14-1:19", "11:95-11:100"]);
    // From a value inside a branch: that branch's state only.
    assert_eq!(refs(&mut server, 7, 22, true), ["7:41-7:46", "7:21-7:26"]);
}

#[test]
fn rename_a_state_in_json() {
    let ws = Workspace::new(&[]);
    let mut server = start_ide(&ws, true);
    let uri = ws.uri("flow.asl.json");
    server.open(&uri, UNICODE_DEFINITION, 1);
    let prepared = server.request("textDocument/prepareRename", at(&uri, 9, 15));
    assert_eq!(span(&prepared["result"]["range"]), "9:15-9:18");
    assert_eq!(prepared["result"]["placeholder"], "終わり");

    let mut params = at(&uri, 11, 97);
    params["newName"] = json!("Start \"now\"");
    let response = server.request("textDocument/rename", params);
    let edit = &response["result"];
    assert_eq!(edit["documentChanges"][0]["textDocument"]["version"], 1);
    let renamed = apply_edit(UNICODE_DEFINITION, &uri, edit, true);
    assert_eq!(
        renamed,
        UNICODE_DEFINITION.replace("\"開始 🚀\"", r#""Start \"now\"""#)
    );

    // Refused: a name already used in the scope, an empty name, a long one.
    for (name, message) in [
        ("終わり", "A state named \"終わり\" already exists in this scope"),
        ("", "A state name cannot be empty"),
    ] {
        let mut params = at(&uri, 12, 6);
        params["newName"] = json!(name);
        let response = server.request("textDocument/rename", params);
        assert_eq!(response["error"]["code"], -32803, "{response}");
        assert_eq!(response["error"]["message"], message);
    }
    let mut params = at(&uri, 12, 6);
    params["newName"] = json!("x".repeat(81));
    let response = server.request("textDocument/rename", params);
    assert!(
        response["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("A state name has at most 80 characters"),
        "{response}"
    );
    // Not on a state name: prepare says so with null, rename with an error.
    let prepared = server.request("textDocument/prepareRename", at(&uri, 4, 10));
    assert_eq!(prepared["result"], Value::Null);
}

const YAML_DEFINITION: &str = "StartAt: Begin
States:
  Begin:
    Type: Pass
    Next: 'Check 🚀'
  'Check 🚀':
    Type: Choice
    Choices:
      - Variable: $.ok
        BooleanEquals: true
        Next: Begin
    Default: \"Done\"
  Done:
    Type: Succeed
";

#[test]
fn rename_a_state_in_yaml_keeps_its_quoting() {
    let ws = Workspace::new(&[]);
    // A client without documentChanges gets the `changes` map.
    let mut server = start_ide(&ws, false);
    let uri = ws.uri("flow.asl.yaml");
    server.open(&uri, YAML_DEFINITION, 1);
    let rename = |server: &mut Server, line, character, name: &str| {
        let mut params = at(&uri, line, character);
        params["newName"] = json!(name);
        server.request("textDocument/rename", params)["result"].clone()
    };
    // A plain name that YAML would read as a boolean gets quotes.
    let edit = rename(&mut server, 2, 3, "true");
    assert!(edit.get("documentChanges").is_none(), "{edit}");
    let text = apply_edit(YAML_DEFINITION, &uri, &edit, true);
    assert_eq!(
        text,
        YAML_DEFINITION
            .replace("StartAt: Begin", "StartAt: 'true'")
            .replace("  Begin:", "  'true':")
            .replace("Next: Begin", "Next: 'true'")
    );
    server.change(&uri, 2, json!([{"text": text}]));
    // Single quotes stay single (a quote inside doubled); the emoji counts
    // two UTF-16 units before the cursor.
    let edit = rename(&mut server, 4, 16, "it's 終");
    let text2 = apply_edit(&text, &uri, &edit, true);
    assert_eq!(text2, text.replace("'Check 🚀'", "'it''s 終'"));
    server.change(&uri, 3, json!([{"text": text2}]));
    // Double quotes stay double; a plain key takes quotes when it must.
    let edit = rename(&mut server, 11, 15, "a: b");
    let text3 = apply_edit(&text2, &uri, &edit, true);
    assert_eq!(
        text3,
        text2
            .replace("\"Done\"", "\"a: b\"")
            .replace("  Done:", "  'a: b':")
    );
}

#[test]
fn completion_offers_the_scope_s_state_names_in_next() {
    let ws = Workspace::new(&[]);
    let mut server = start_ide(&ws, true);
    let uri = ws.uri("flow.asl.json");
    server.open(&uri, UNICODE_DEFINITION, 1);
    let response = server.request("textDocument/completion", at(&uri, 9, 16));
    let items = response["result"]["items"].as_array().unwrap();
    let summary: Vec<String> = items
        .iter()
        .map(|i| {
            format!(
                "{} {} {} {:?}",
                i["label"].as_str().unwrap(),
                i["detail"].as_str().unwrap(),
                span(&i["textEdit"]["range"]),
                i["textEdit"]["newText"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            "開始 🚀 Parallel 9:15-9:18 \"開始 🚀\"",
            "終わり Choice 9:15-9:18 \"終わり\"",
            "Done Succeed 9:15-9:18 \"Done\"",
        ]
    );
    // In a branch's StartAt: that branch's states.
    let response = server.request("textDocument/completion", at(&uri, 7, 22));
    let labels: Vec<&str> = response["result"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["Right"]);
    // While typing, before the closing quote: the document does not parse,
    // the item closes the string.
    let typing = UNICODE_DEFINITION.replace("\"Next\": \"終わり\"", "\"Next\": \"終");
    server.change(&uri, 2, json!([{"text": typing}]));
    let response = server.request("textDocument/completion", at(&uri, 9, 16));
    let first = &response["result"]["items"][0];
    assert_eq!(first["label"], "開始 🚀");
    assert_eq!(span(&first["textEdit"]["range"]), "9:15-9:16");
    assert_eq!(first["textEdit"]["newText"], "開始 🚀\"");
    assert_eq!(response["result"]["items"].as_array().unwrap().len(), 3);
}

#[test]
fn cursor_requests_are_total() {
    let ws = Workspace::new(&[]);
    let mut server = start_ide(&ws, true);
    let uri = ws.uri("flow.asl.json");
    for (version, text) in [
        (1, ""),
        (2, "[[[{"),
        (3, "{\"Statement\": []}"),
        (4, UNICODE_DEFINITION),
    ] {
        if version == 1 {
            server.open(&uri, text, version);
        } else {
            server.change(&uri, version, json!([{"text": text}]));
        }
        for (line, character) in [(0, 0), (0, 9999), (9, 16), (14, 1)] {
            if text.lines().count() <= line as usize && line > 0 {
                continue;
            }
            for method in [
                "textDocument/definition",
                "textDocument/references",
                "textDocument/completion",
                "textDocument/prepareRename",
            ] {
                let mut params = at(&uri, line, character);
                if method == "textDocument/references" {
                    params["context"] = json!({"includeDeclaration": true});
                }
                let response = server.request(method, params);
                assert!(
                    response.get("result").is_some(),
                    "{method} v{version}: {response}"
                );
            }
        }
    }
    // A line past the end is refused; a document that is not open has nothing.
    let response = server.request("textDocument/completion", at(&uri, 500, 0));
    assert!(response["error"].is_object(), "{response}");
    let other = ws.uri("closed.asl.json");
    let response = server.request("textDocument/definition", at(&other, 0, 0));
    assert_eq!(response["result"], Value::Null);
    let response = server.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": other}}),
    );
    assert_eq!(response["result"], Value::Null);
}
