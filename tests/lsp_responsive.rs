//! The server stays responsive: a run superseded by a newer edit stops at
//! the next stage boundary, a cursor request on another document is
//! answered while slow analyses hold the analysis threads, and the default
//! debounce adds no wait while analyses are fast. The slow document is
//! made by a test hook that sleeps at every stage boundary of a run on
//! text holding its marker.

mod support;

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::lsp::Server;
use support::lsp_workspace::{summary, Workspace, DEFINITION, POLICY};

const STAGE_DELAY: &str = "ASL_LSP_TEST_STAGE_DELAY_MS";

fn slow(definition: &str) -> String {
    definition.replacen('{', "{\n  \"Comment\": \"ASL_LSP_TEST_SLOW_MARKER\",", 1)
}

fn stats(server: &mut Server) -> Value {
    server.request("asl-lsp/stats", json!({}))["result"].clone()
}

#[test]
fn a_slow_run_superseded_by_an_edit_stops_at_the_next_stage() {
    let ws = Workspace::new(&[("flow.policy.json", POLICY)]);
    // Five stage boundaries of 1.5 s each: 7.5 s for a run left to finish.
    let mut server = Server::start(&[(STAGE_DELAY, "1500")]);
    server.initialize(&ws.root(), json!({}), json!({}));
    let def = ws.uri("flow.asl.json");
    server.open(&def, &slow(DEFINITION), 1);
    // The run of version 1 is in its first stage when the edit arrives
    // (a second in, half a second before that stage ends).
    std::thread::sleep(Duration::from_millis(1000));
    let edited = Instant::now();
    server.change(&def, 2, json!([{"text": DEFINITION}]));
    let diagnostics = server.diagnostics(&def, Some(2));
    let took = edited.elapsed();
    assert_eq!(
        summary(&diagnostics),
        [
            "sync-missing-events-permissions 1 14:18-14:53",
            "unscoped-lambda-invoke 2 5:18-5:50"
        ],
        "{diagnostics:?}"
    );
    // Version 2 waited for the rest of version 1's first stage, not for
    // its other four (6 s more).
    assert!(took < Duration::from_millis(3000), "version 2 after {took:?}");
    assert_eq!(stats(&mut server)["cancelled"], 1);
}

#[test]
fn a_hover_is_answered_while_slow_documents_hold_the_analysis_threads() {
    let ws = Workspace::new(&[("flow.asl.json", DEFINITION), ("flow.policy.json", POLICY)]);
    // Each slow run: five boundaries of 1.5 s.
    let mut server = Server::start(&[(STAGE_DELAY, "1500")]);
    server.initialize(&ws.root(), json!({}), json!({}));
    // One slow document per analysis thread (and one more).
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    for i in 0..=threads {
        server.open(&ws.uri(&format!("slow{i}.asl.json")), &slow(DEFINITION), 1);
    }
    std::thread::sleep(Duration::from_millis(300));
    let def = ws.uri("flow.asl.json");
    server.open(&def, DEFINITION, 1);
    let asked = Instant::now();
    let hover = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": def}, "position": {"line": 5, "character": 25}}),
    );
    let took = asked.elapsed();
    let text = hover["result"]["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.starts_with("**Task `Validate`**"), "{hover}");
    assert!(took < Duration::from_millis(1000), "hover after {took:?}");
}

#[test]
fn the_default_debounce_adds_no_wait_while_analyses_are_fast() {
    let ws = Workspace::new(&[("flow.policy.json", POLICY)]);
    let mut server = Server::start(&[]);
    server.initialize(&ws.root(), json!({}), json!({}));
    let def = ws.uri("flow.asl.json");
    server.open(&def, DEFINITION, 1);
    server.diagnostics(&def, Some(1));
    let mut took = Vec::new();
    for version in 2..22 {
        let started = Instant::now();
        server.change(&def, version, json!([{"text": DEFINITION}]));
        server.diagnostics(&def, Some(version));
        took.push(started.elapsed());
    }
    took.sort();
    // The old fixed debounce alone was 150 ms on every edit. (A run slowed
    // by a busy machine may lengthen the next edit's debounce: the median,
    // not the slowest.)
    let median = took[took.len() / 2];
    assert!(
        median < Duration::from_millis(100),
        "median edit {median:?} of {took:?}"
    );
}
