//! Pull diagnostics: a client announcing `textDocument.diagnostic` gets
//! the `diagnosticProvider` capability and no pushed diagnostics, and its
//! `textDocument/diagnostic` and `workspace/diagnostic` requests are
//! answered with what push mode would publish (a definition's linked
//! policy as a related document). A client without it gets pushes.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::lsp::Server;
use support::lsp_workspace::{summary, Workspace, DEFINITION, POLICY};

const ON_DEFINITION: [&str; 2] = [
    "sync-missing-events-permissions 1 14:18-14:53",
    "unscoped-lambda-invoke 2 5:18-5:50",
];
const ON_POLICY: [&str; 2] = [
    "sync-missing-events-permissions 1 2:2-2:13",
    "unscoped-lambda-invoke 2 7:18-7:21",
];

fn items(report: &Value) -> Vec<String> {
    summary(report["items"].as_array().expect("a full report's items"))
}

fn pulling(ws: &Workspace) -> Server {
    let mut server = Server::start(&[]);
    let capabilities = json!({
        "textDocument": {"diagnostic": {"relatedDocumentSupport": true}},
        "workspace": {"diagnostics": {"refreshSupport": true}},
    });
    let result = server.initialize(&ws.root(), capabilities, json!({}));
    assert_eq!(
        result["result"]["capabilities"]["diagnosticProvider"],
        json!({"identifier": "asl-lsp", "interFileDependencies": true, "workspaceDiagnostics": true})
    );
    server
}

#[test]
fn a_pulling_client_gets_a_document_report_with_its_linked_policy() {
    let ws = Workspace::new(&[("flow.asl.json", DEFINITION), ("flow.policy.json", POLICY)]);
    let mut server = pulling(&ws);
    let def = ws.uri("flow.asl.json");
    let pol = ws.uri("flow.policy.json");
    server.open(&def, DEFINITION, 1);
    let report =
        server.request("textDocument/diagnostic", json!({"textDocument": {"uri": def}}))["result"].clone();
    assert_eq!(report["kind"], "full");
    assert_eq!(items(&report), ON_DEFINITION);
    // The fixes travel in the pulled diagnostics as in the pushed ones.
    let lambda = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "unscoped-lambda-invoke")
        .unwrap();
    assert!(
        lambda["data"]["fixes"][0]["edit"]["documentChanges"].is_array(),
        "{lambda}"
    );
    let related = &report["relatedDocuments"][&pol];
    assert_eq!(related["kind"], "full");
    assert_eq!(items(related), ON_POLICY);
    // The next answer is the edited text's; nothing is pushed meanwhile.
    server.change(
        &def,
        2,
        json!([{"text": DEFINITION.replace("\"Next\": \"Pack\"", "\"Next\": \"Pak\"")}]),
    );
    let again =
        server.request("textDocument/diagnostic", json!({"textDocument": {"uri": def}}))["result"].clone();
    assert_eq!(
        items(&again),
        [
            "asl-unknown-state 1 10:14-10:19",
            "asl-unreachable-state 1 12:4-12:10",
            ON_DEFINITION[0],
            ON_DEFINITION[1],
        ]
    );
    std::thread::sleep(Duration::from_millis(300));
    server.drain_into_pending();
    assert!(
        server.last_diagnostics(&def).is_none(),
        "pushed to a pulling client"
    );
    assert!(
        server.last_diagnostics(&pol).is_none(),
        "pushed to a pulling client"
    );
}

#[test]
fn a_workspace_report_holds_every_open_document_and_its_linked_files() {
    let ws = Workspace::new(&[("flow.asl.json", DEFINITION), ("flow.policy.json", POLICY)]);
    let mut server = pulling(&ws);
    let def = ws.uri("flow.asl.json");
    let pol = ws.uri("flow.policy.json");
    server.open(&def, DEFINITION, 3);
    let report = server.request("workspace/diagnostic", json!({"previousResultIds": []}))["result"].clone();
    let reports = report["items"].as_array().expect("items");
    let by_uri = |uri: &str| {
        reports
            .iter()
            .find(|r| r["uri"] == uri)
            .unwrap_or_else(|| panic!("no report for {uri}: {report}"))
    };
    assert_eq!(reports.len(), 2, "{report}");
    assert_eq!(by_uri(&def)["version"], 3);
    assert_eq!(items(by_uri(&def)), ON_DEFINITION);
    // The policy is not open: reported from disk, without a version.
    assert_eq!(by_uri(&pol)["version"], Value::Null);
    assert_eq!(items(by_uri(&pol)), ON_POLICY);
}

#[test]
fn a_client_without_pull_support_gets_pushed_diagnostics() {
    let ws = Workspace::new(&[("flow.asl.json", DEFINITION), ("flow.policy.json", POLICY)]);
    let mut server = Server::start(&[]);
    let result = server.initialize(&ws.root(), json!({}), json!({}));
    assert!(result["result"]["capabilities"]
        .get("diagnosticProvider")
        .is_none());
    let def = ws.uri("flow.asl.json");
    server.open(&def, DEFINITION, 1);
    assert_eq!(summary(&server.diagnostics(&def, Some(1))), ON_DEFINITION);
}
