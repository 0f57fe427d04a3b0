//! A small LSP client over the real binary's stdio, for end-to-end tests.
//! Every wait is bounded; on drop the server is shut down (or killed).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub const TIMEOUT: Duration = Duration::from_secs(10);

pub struct Server {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    next_id: i64,
    /// Messages read while waiting for something else.
    pending: Vec<Value>,
    /// The result given to the server's requests, by method (`null` for
    /// any other).
    answers: HashMap<String, Value>,
    /// Every request the server made, in order.
    pub server_requests: Vec<Value>,
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Server {
    pub fn start(envs: &[(&str, &str)]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_asl-lsp"));
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (k, v) in envs {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("the server binary starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        Server {
            child,
            stdin,
            incoming: rx,
            next_id: 1,
            pending: Vec::new(),
            answers: HashMap::new(),
            server_requests: Vec::new(),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn send(&mut self, message: &Value) {
        let body = serde_json::to_string(message).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body).unwrap();
        self.stdin.flush().unwrap();
    }

    /// Sends `body` framed as is, whatever its bytes.
    pub fn send_raw(&mut self, body: &[u8]) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(body).unwrap();
        self.stdin.flush().unwrap();
    }

    /// Sends raw bytes, header included.
    pub fn send_bytes(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    /// From now on, the server's requests for `method` get `result`.
    pub fn answer(&mut self, method: &str, result: Value) {
        self.answers.insert(method.to_string(), result);
    }

    /// Answers a server-to-client request and keeps it.
    fn acknowledge(&mut self, request: Value) {
        let method = request["method"].as_str().unwrap_or_default();
        let result = self.answers.get(method).cloned().unwrap_or(Value::Null);
        self.send(&json!({"jsonrpc": "2.0", "id": request["id"], "result": result}));
        self.server_requests.push(request);
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response (answering any request
    /// the server makes meanwhile, e.g. capability registration).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(&format!("response to {method}"), |m| {
            m["id"] == id && m.get("method").is_none()
        })
    }

    /// Waits for a message matching `pred`; other messages are kept.
    pub fn wait_for(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.pending.iter().position(&pred) {
            return self.pending.remove(i);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self
                .incoming
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("timed out waiting for {what}; unconsumed: {:#?}", self.pending));
            if message.get("id").is_some() && message.get("method").is_some() {
                // A server-to-client request: acknowledge it.
                self.acknowledge(message);
                continue;
            }
            if pred(&message) {
                return message;
            }
            self.pending.push(message);
        }
    }

    pub fn initialize(&mut self, root: &str, capabilities: Value, options: Value) -> Value {
        let root_uri = asl_lsp::protocol::uri::from_path(root);
        let result = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "workspaceFolders": [{"uri": root_uri, "name": "w"}],
                "capabilities": capabilities,
                "initializationOptions": options,
            }),
        );
        self.notify("initialized", json!({}));
        result
    }

    pub fn open(&mut self, uri: &str, text: &str, version: i32) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "json", "version": version, "text": text}}),
        );
    }

    pub fn change(&mut self, uri: &str, version: i32, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    /// The next publishDiagnostics for `uri` whose version is `version`
    /// (`None`: any version); earlier publishes for it are skipped.
    pub fn diagnostics(&mut self, uri: &str, version: Option<i32>) -> Vec<Value> {
        let message = self.wait_for(&format!("diagnostics for {uri} v{version:?}"), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && version.is_none_or(|v| m["params"]["version"] == v)
        });
        self.pending
            .retain(|m| !(m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri));
        message["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Waits until the server publishes, for `uri` at `version`, exactly
    /// the diagnostics `summary` renders as `expected` (earlier publishes
    /// may still be in flight when an edit is sent). Panics with the last
    /// publish seen when that does not happen within the timeout.
    pub fn expect_diagnostics(
        &mut self,
        uri: &str,
        version: Option<i32>,
        summary: impl Fn(&[Value]) -> Vec<String>,
        expected: &[&str],
    ) -> Vec<Value> {
        let deadline = Instant::now() + TIMEOUT;
        let mut last = Vec::new();
        while Instant::now() < deadline {
            let left = deadline.saturating_duration_since(Instant::now());
            let found = self.pending.iter().position(|m| {
                m["method"] == "textDocument/publishDiagnostics"
                    && m["params"]["uri"] == uri
                    && version.is_none_or(|v| m["params"]["version"] == v)
            });
            let message = match found {
                Some(i) => self.pending.remove(i),
                None => match self.incoming.recv_timeout(left) {
                    Ok(m) => {
                        if m.get("id").is_some() && m.get("method").is_some() {
                            self.acknowledge(m);
                        } else {
                            self.pending.push(m);
                        }
                        continue;
                    }
                    Err(_) => break,
                },
            };
            last = message["params"]["diagnostics"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            if summary(&last) == expected {
                return last;
            }
        }
        panic!(
            "{uri} v{version:?}: expected {expected:?}, last published {:?}",
            summary(&last)
        );
    }

    /// Keeps everything received so far for later inspection.
    pub fn drain_into_pending(&mut self) {
        while let Ok(m) = self.incoming.try_recv() {
            self.pending.push(m);
        }
    }

    /// The diagnostics of the last publish for `uri` among those received
    /// and not yet consumed.
    pub fn last_diagnostics(&self, uri: &str) -> Option<Vec<Value>> {
        self.pending
            .iter()
            .rev()
            .find(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri)
            .map(|m| m["params"]["diagnostics"].as_array().cloned().unwrap_or_default())
    }

    /// Discards everything received so far.
    pub fn drain(&mut self) {
        std::thread::sleep(Duration::from_millis(100));
        while let Ok(m) = self.incoming.try_recv() {
            self.pending.push(m);
        }
        self.pending.clear();
    }

    pub fn document_text(&mut self, uri: &str) -> String {
        self.request("asl-lsp/documentText", json!({"uri": uri}))["result"]["text"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let id = self.next_id;
        let body = json!({"jsonrpc": "2.0", "id": id, "method": "shutdown"}).to_string();
        let _ = write!(self.stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body);
        let body = json!({"jsonrpc": "2.0", "method": "exit"}).to_string();
        let _ = write!(self.stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body);
        let _ = self.stdin.flush();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Applies a WorkspaceEdit (`documentChanges` or `changes`) to one text.
pub fn apply_edit(text: &str, uri: &str, edit: &Value, utf16: bool) -> String {
    let mut edits: Vec<Value> = Vec::new();
    for change in edit["documentChanges"].as_array().into_iter().flatten() {
        if change["textDocument"]["uri"] == uri {
            edits.extend(change["edits"].as_array().cloned().unwrap_or_default());
        }
    }
    if let Some(list) = edit["changes"][uri].as_array() {
        edits.extend(list.iter().cloned());
    }
    let index = asl_lsp::protocol::LineIndex::new(text);
    let encoding = if utf16 {
        asl_lsp::protocol::Encoding::Utf16
    } else {
        asl_lsp::protocol::Encoding::Utf8
    };
    let offset = |p: &Value| {
        index.offset(
            text,
            p["line"].as_u64().unwrap() as u32,
            p["character"].as_u64().unwrap() as u32,
            encoding,
        )
    };
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (a, b, t) in spans {
        out.replace_range(a..b, &t);
    }
    out
}
