//! One analysis run per document at a time, after a debounce, on a
//! blocking thread with panics caught; results are published only while
//! they are still current (biome's version checks).

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use super::backend::State;
use crate::core::files::FileSet;
use crate::core::{analyze_cached, Defaults, ParseCache};
use crate::protocol::to_lsp::{diagnostic, Positions};
use crate::protocol::{uri, Encoding};

/// Diagnostics of one file from one run, with the version they were computed on.
struct FileResult {
    path: String,
    version: Option<i32>,
    diagnostics: Vec<Value>,
}

/// Text that makes analysis panic when `ASL_LSP_TEST_PANIC=1`: lets the
/// end-to-end tests prove a panic is contained.
const PANIC_MARKER: &str = "ASL_LSP_TEST_PANIC_MARKER";
/// Text that makes analysis take `ASL_LSP_TEST_DELAY_MS` longer: lets the
/// end-to-end tests finish a run on old text after a newer one.
const SLOW_MARKER: &str = "ASL_LSP_TEST_SLOW_MARKER";

fn test_hooks(text: &str) {
    if std::env::var_os("ASL_LSP_TEST_PANIC").is_some() && text.contains(PANIC_MARKER) {
        panic!("injected by the test hook");
    }
    if let Some(ms) = std::env::var("ASL_LSP_TEST_DELAY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        if text.contains(SLOW_MARKER) {
            std::thread::sleep(Duration::from_millis(ms));
        }
    }
}

pub fn schedule(state: &Arc<State>, path: String) {
    let generation = {
        let mut g = state.generations.entry(path.clone()).or_insert(0);
        *g += 1;
        *g
    };
    let state = state.clone();
    tokio::spawn(async move {
        let debounce = state.settings().debounce_ms;
        if debounce > 0 {
            tokio::time::sleep(Duration::from_millis(debounce)).await;
        }
        if state.generation(&path) != generation {
            return;
        }
        let lock = state.locks.entry(path.clone()).or_default().clone();
        let _running = lock.lock().await;
        if state.generation(&path) != generation {
            return;
        }
        run(&state, &path, generation).await;
    });
}

async fn run(state: &Arc<State>, path: &str, generation: u64) {
    state.wait_indexed().await;
    let (number, files) = state.numbered_snapshot(path);
    tracing::debug!(path, generation, number, "run");
    let Some(focus) = files.lookup(path) else {
        state.publish(path, number, None, Vec::new(), false).await;
        forget_if_gone(state, path, generation);
        return;
    };
    let settings = state.settings();
    let (encoding, defaults) = (settings.encoding, settings.defaults);
    let parses = state.parses.clone();
    // Straight onto the analysis' own thread pool (its rayon workers), not
    // a blocking thread that would hand the work to them and wait: one
    // thread switch less on each edit.
    let (done, outcome) = tokio::sync::oneshot::channel();
    rayon::spawn(move || {
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
            test_hooks(files.text(focus));
            per_file(&files, focus, encoding, &defaults, &parses)
        }));
        let _ = done.send(result);
    });
    let outcome = outcome.await;
    if state.generation(path) != generation {
        tracing::debug!(path, generation, "dropped: a newer run will publish");
        return;
    }
    let results = match outcome {
        Ok(Ok(results)) => results,
        _ => {
            tracing::error!(path, "asl-lsp internal error: the analysis panicked");
            let diagnostic = json!({
                "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                "severity": 1,
                "code": "internal-error",
                "source": "asl-lsp",
                "message": "asl-lsp could not analyse this file (internal error); other files are unaffected. The server log has details.",
            });
            let version = state.docs.version(path);
            state
                .publish(path, number, version, vec![diagnostic], false)
                .await;
            return;
        }
    };
    let mut covered = Vec::new();
    for result in results {
        covered.push(result.path.clone());
        // Another file's result is stale if that file changed since the snapshot.
        if state.docs.version(&result.path) != result.version {
            continue;
        }
        state
            .publish(&result.path, number, result.version, result.diagnostics, true)
            .await;
    }
    let previous = state
        .covered_by
        .insert(path.to_string(), covered.clone())
        .unwrap_or_default();
    for dropped in previous.into_iter().filter(|p| !covered.contains(p)) {
        if state.docs.is_open(&dropped) {
            schedule(state, dropped);
        } else {
            state.publish(&dropped, number, None, Vec::new(), false).await;
        }
    }
    forget_if_gone(state, path, generation);
}

/// A document closed and not on disk has had its last publish: its
/// bookkeeping goes, so opening and closing many files does not grow the
/// server. Only while no newer run is scheduled (that run needs it).
fn forget_if_gone(state: &State, path: &str, generation: u64) {
    if state.docs.is_open(path) || state.workspace.disk_text(path).is_some() {
        return;
    }
    if state
        .generations
        .remove_if(path, |_, g| *g == generation)
        .is_some()
    {
        state.covered_by.remove(path);
        state.published.remove(path);
        state.locks.remove(path);
        state.parses.forget(path);
    }
}

fn per_file(
    files: &FileSet,
    focus: crate::core::files::FileId,
    encoding: Encoding,
    defaults: &Defaults,
    parses: &ParseCache,
) -> Vec<FileResult> {
    let analysis = analyze_cached(files, Some(&[focus]), defaults, Some(parses));
    let positions = Positions::new(files, encoding);
    let mut grouped: BTreeMap<crate::core::files::FileId, Vec<Value>> =
        analysis.covered.iter().map(|&f| (f, Vec::new())).collect();
    for finding in &analysis.findings {
        grouped
            .entry(finding.location.file)
            .or_default()
            .push(diagnostic(finding, &positions));
    }
    grouped
        .into_iter()
        .map(|(file, diagnostics)| FileResult {
            path: files.path(file).to_string(),
            version: files.get(file).version,
            diagnostics,
        })
        .collect()
}

/// The URI to publish under: the client's own for open documents.
pub fn uri_for(state: &State, path: &str) -> String {
    state.docs.uri(path).unwrap_or_else(|| uri::from_path(path))
}

/// Removes what the client did not announce support for.
pub fn fit_to_client(mut diagnostic: Value, settings: &super::settings::Settings) -> Value {
    if let Some(object) = diagnostic.as_object_mut() {
        if !settings.related_information {
            object.remove("relatedInformation");
        }
        if !settings.code_description {
            object.remove("codeDescription");
        }
        if !settings.tags {
            object.remove("tags");
        }
    }
    diagnostic
}
