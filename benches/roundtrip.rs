//! LSP round trip: the release server over stdio, a generated 500-state
//! definition and its policy open, 1,000 single-character edits, each timed
//! from didChange to the publishDiagnostics for that version, with the
//! server's default settings (its default debounce included). Prints p50,
//! p99 and the server's resident memory. Budget: p50 ≤ 5 ms, p99 ≤ 20 ms,
//! ≤ 50 MB. Then the time of a hover and of a completion in a 1,000-state
//! definition (`ROUNDTRIP_CURSOR_STATES=n` to change it). Under `cargo bench --no-run` it only compiles;
//! `cargo bench --bench roundtrip` runs it; `ROUNDTRIP_STATES=n` sets the
//! number of states (500 unless set); `ROUNDTRIP_EDIT=state` types into
//! a state instead of the state machine's top-level Comment.

#[path = "support/generate.rs"]
mod generate;
#[path = "../tests/support/lsp.rs"]
#[allow(dead_code)]
mod lsp;

use std::time::Instant;

use serde_json::json;

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let states: usize = std::env::var("ROUNDTRIP_STATES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let files = generate::workspace(states, 100);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = std::fs::canonicalize(dir.path())
        .unwrap()
        .to_string_lossy()
        .to_string();
    for id in files.ids() {
        let name = files.path(id).rsplit('/').next().unwrap().to_string();
        std::fs::write(format!("{root}/{name}"), files.text(id)).unwrap();
    }
    let definition = files
        .text(files.lookup("/bench/flow.asl.json").unwrap())
        .to_string();
    let mut server = lsp::Server::start(&[]);
    server.initialize(
        &root,
        json!({"general": {"positionEncodings": ["utf-16"]}}),
        json!({}),
    );
    let uri = asl_lsp::protocol::uri::from_path(&format!("{root}/flow.asl.json"));
    let policy = asl_lsp::protocol::uri::from_path(&format!("{root}/flow.policy.json"));
    server.open(&uri, &definition, 1);
    server.diagnostics(&uri, Some(1));
    // Type into a Comment, so the JSON stays valid: the state machine's
    // own (`ROUNDTRIP_EDIT=top`, the default) or the middle state's
    // (`ROUNDTRIP_EDIT=state`: that state is checked again on each edit).
    let in_state = std::env::var("ROUNDTRIP_EDIT").is_ok_and(|v| v == "state");
    let (text, line, first_column) = if in_state {
        let middle = format!("    \"S{}\": {{", states / 2);
        let at = definition.find(&middle).expect("the middle state") + middle.len();
        let text = format!("{}\"Comment\": \"\", {}", &definition[..at], &definition[at..]);
        let line = definition[..at].matches('\n').count() as u32;
        (text, line, middle.len() as u32 + 12)
    } else {
        let text = definition.replacen("{\n", "{\n  \"Comment\": \"\",\n", 1);
        (text, 1, 14)
    };
    server.change(&uri, 2, json!([{"text": text}]));
    server.diagnostics(&uri, Some(2));
    let mut latencies = Vec::with_capacity(1000);
    for i in 0..1000 {
        let version = i + 3;
        let column = first_column + i as u32;
        let started = Instant::now();
        server.change(
            &uri,
            version,
            json!([{"range": {"start": {"line": line, "character": column}, "end": {"line": line, "character": column}}, "text": "x"}]),
        );
        server.diagnostics(&uri, Some(version));
        latencies.push(started.elapsed());
        // Each run also publishes the policy's diagnostics: take them too,
        // outside the timing, so the driver's queue does not grow.
        server.diagnostics(&policy, None);
    }
    // The server's text is the client's: the edits landed where intended.
    let typed = format!("\"Comment\": \"{}\"", "x".repeat(1000));
    assert!(server.document_text(&uri).contains(&typed));
    latencies.sort();
    let p50 = latencies[latencies.len() / 2];
    let p99 = latencies[latencies.len() * 99 / 100];
    let rss = server_rss_kb(&server).unwrap_or(0);
    println!(
        "roundtrip {states} states, 1000 edits {}: p50 {p50:?}, p99 {p99:?}, resident {} MB",
        if in_state { "in a state" } else { "at the top" },
        rss / 1024
    );
    cursor_requests(&mut server, &root);
    // Opening and closing documents must not grow the server: five rounds
    // of 200 distinct definitions, each opened, checked and closed.
    let mut after_round = Vec::new();
    for round in 0..5 {
        for i in 0..200 {
            let uri = asl_lsp::protocol::uri::from_path(&format!("{root}/churn/{round}-{i}.asl.json"));
            let text = generate::small_definition(i);
            server.open(&uri, &text, 1);
            server.diagnostics(&uri, Some(1));
            server.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));
        }
        // A request answered after every close has been handled.
        server.document_text(&uri);
        std::thread::sleep(std::time::Duration::from_millis(300));
        after_round.push(server_rss_kb(&server).unwrap_or(0));
    }
    println!(
        "open/close churn, 1000 documents: resident after each 200 {:?} MB",
        after_round.iter().map(|kb| kb / 1024).collect::<Vec<_>>()
    );
}

/// Hover on a Task's `Resource` and completion in a `Next` value of the
/// middle state of a 1,000-state definition with its policy (both linked
/// on disk), each asked 50 times on the same text: p50 and the slowest.
fn cursor_requests(server: &mut lsp::Server, root: &str) {
    let states: usize = std::env::var("ROUNDTRIP_CURSOR_STATES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let files = generate::workspace(states, 100);
    let dir = format!("{root}/cursor");
    std::fs::create_dir_all(&dir).unwrap();
    for id in files.ids() {
        let name = files.path(id).rsplit('/').next().unwrap().to_string();
        std::fs::write(format!("{dir}/{name}"), files.text(id)).unwrap();
    }
    let definition = files
        .text(files.lookup("/bench/flow.asl.json").unwrap())
        .to_string();
    let uri = asl_lsp::protocol::uri::from_path(&format!("{dir}/flow.asl.json"));
    server.open(&uri, &definition, 1);
    server.diagnostics(&uri, Some(1));
    // The state's line and the column of a marker on it.
    let at = |state: usize, marker: &str, shift: usize| {
        let key = format!("    \"S{state}\": {{");
        let start = definition.find(&key).expect("the state");
        let line = definition[..start].matches('\n').count();
        let text = &definition[start..start + definition[start..].find('\n').unwrap_or(0)];
        let column = text.find(marker).expect("the marker") + shift;
        json!({"line": line, "character": column})
    };
    // A Lambda task (every seventh state) and a Pass with a `Next`.
    let task = (states / 2) / 7 * 7;
    let pass = task + 6;
    let hover_at = at(task, "arn:aws:states:::lambda:invoke", 3);
    let next_at = at(pass, "\"Next\": \"", 9);
    let mut time = |method: &str, position: &serde_json::Value| {
        let mut took = Vec::new();
        for _ in 0..50 {
            let started = Instant::now();
            let answer = server.request(
                method,
                json!({"textDocument": {"uri": uri}, "position": position}),
            );
            took.push(started.elapsed());
            assert!(!answer["result"].is_null(), "{method} answered: {answer}");
        }
        took.sort();
        (took[took.len() / 2], took[took.len() - 1])
    };
    let hover = time("textDocument/hover", &hover_at);
    let completion = time("textDocument/completion", &next_at);
    println!(
        "{states} states: hover p50 {:?} (slowest {:?}), completion p50 {:?} (slowest {:?})",
        hover.0, hover.1, completion.0, completion.1
    );
    server.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));
}

/// The server's resident set from /proc (a benchmark driver may read it).
fn server_rss_kb(server: &lsp::Server) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.pid())).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}
