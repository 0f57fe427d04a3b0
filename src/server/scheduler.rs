//! One analysis run per document at a time, after a debounce, on a
//! blocking thread with panics caught; results are published only while
//! they are still current (biome's version checks).

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tower_lsp_server::ls_types::{Diagnostic, DiagnosticSeverity, NumberOrString, Range};

use super::state::State;
use crate::core::cancel::{Proceed, Stage};
use crate::core::files::FileSet;
use crate::core::{AnalysisHost, Defaults};
use crate::protocol::to_lsp::{diagnostic, Positions};
use crate::protocol::Encoding;

/// Diagnostics of one file from one run, with the version they were computed on.
pub struct FileResult {
    pub path: String,
    pub version: Option<i32>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Text that makes analysis panic when `ASL_LSP_TEST_PANIC=1`: lets the
/// end-to-end tests prove a panic is contained.
const PANIC_MARKER: &str = "ASL_LSP_TEST_PANIC_MARKER";
/// Text that makes analysis take `ASL_LSP_TEST_DELAY_MS` longer: lets the
/// end-to-end tests finish a run on old text after a newer one.
const SLOW_MARKER: &str = "ASL_LSP_TEST_SLOW_MARKER";

/// Sleeps `ASL_LSP_TEST_STAGE_DELAY_MS` at every stage boundary of a run
/// on text holding the slow marker: a slow document whose every stage
/// takes that long, for the tests of cancellation.
const STAGE_DELAY: &str = "ASL_LSP_TEST_STAGE_DELAY_MS";

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

fn stage_delay(text: &str) -> Option<Duration> {
    let ms: u64 = std::env::var(STAGE_DELAY).ok()?.parse().ok()?;
    text.contains(SLOW_MARKER).then(|| Duration::from_millis(ms))
}

/// The debounce before a run of a file whose last run took `last`: the
/// client's `debounceMs` when it set one; otherwise none while runs are
/// fast, and the last run's time (at most `MAX_DEBOUNCE`) once it passes
/// `SLOW_RUN`, so typing into a slow document does not queue a run per
/// keystroke.
pub fn debounce(settings: &super::settings::Settings, last: Duration) -> Duration {
    match settings.debounce_ms {
        Some(ms) => Duration::from_millis(ms),
        None if last < SLOW_RUN => Duration::ZERO,
        None => last.min(MAX_DEBOUNCE),
    }
}

/// A run that takes less than this is fast: the next one starts at once.
const SLOW_RUN: Duration = Duration::from_millis(40);
const MAX_DEBOUNCE: Duration = Duration::from_millis(300);

pub fn schedule(state: &Arc<State>, path: String) {
    if state.settings().pull_diagnostics {
        // The client asks for diagnostics when it wants them.
        return;
    }
    let (generation, counter, last_run) = {
        let record = state.records.entry(path.clone()).or_default();
        let generation = record.generation.fetch_add(1, Ordering::SeqCst) + 1;
        (generation, record.generation.clone(), record.last_run)
    };
    let state = state.clone();
    tokio::spawn(async move {
        let wait = debounce(&state.settings(), last_run);
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        if counter.load(Ordering::SeqCst) != generation {
            return;
        }
        let lock = state.records.entry(path.clone()).or_default().lock.clone();
        let _running = lock.lock().await;
        if counter.load(Ordering::SeqCst) != generation {
            return;
        }
        run(&state, &path, generation, counter).await;
    });
}

async fn run(state: &Arc<State>, path: &str, generation: u64, counter: Arc<AtomicU64>) {
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
    let host = state.host.clone();
    let started = Instant::now();
    // Straight onto the analysis' own thread pool (its rayon workers), not
    // a blocking thread that would hand the work to them and wait: one
    // thread switch less on each edit.
    let (done, outcome) = tokio::sync::oneshot::channel();
    let current = counter.clone();
    rayon::spawn(move || {
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
            let text = files.text(focus);
            test_hooks(text);
            let delay = stage_delay(text);
            // Between stages: go on only while no newer change of this
            // file has been scheduled.
            let proceed = |_stage: Stage| {
                if let Some(delay) = delay {
                    std::thread::sleep(delay);
                }
                current.load(Ordering::SeqCst) == generation
            };
            per_file(&host, &files, focus, encoding, &defaults, &proceed)
        }));
        let _ = done.send(result);
    });
    let outcome = outcome.await;
    if let Some(mut record) = state.records.get_mut(path) {
        record.last_run = started.elapsed();
    }
    if counter.load(Ordering::SeqCst) != generation {
        tracing::debug!(path, generation, "dropped: a newer run will publish");
        if matches!(outcome, Ok(Ok(None))) {
            state.cancelled.fetch_add(1, Ordering::SeqCst);
        }
        return;
    }
    let results = match outcome {
        Ok(Ok(Some(results))) => results,
        Ok(Ok(None)) => return,
        _ => {
            tracing::error!(path, "asl-lsp internal error: the analysis panicked");
            let diagnostic = Diagnostic {
                severity: Some(DiagnosticSeverity::ERROR),
                code: Some(NumberOrString::String("internal-error".into())),
                source: Some("asl-lsp".into()),
                ..Diagnostic::new_simple(
                    Range::default(),
                    "asl-lsp could not analyse this file (internal error); other files are unaffected. The server log has details.".into(),
                )
            };
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
    let previous = {
        let mut record = state.records.entry(path.to_string()).or_default();
        std::mem::replace(&mut record.covered, covered.clone())
    };
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
        .records
        .remove_if(path, |_, r| r.generation.load(Ordering::SeqCst) == generation)
        .is_some()
    {
        state.host.forget(path);
    }
}

/// One run: the snapshot's findings, per file covered; `None` when a
/// newer change stopped it between stages.
pub fn per_file(
    host: &AnalysisHost,
    files: &FileSet,
    focus: crate::core::files::FileId,
    encoding: Encoding,
    defaults: &Defaults,
    proceed: Proceed,
) -> Option<Vec<FileResult>> {
    let snapshot = host.snapshot_until(files, defaults, proceed)?;
    let analysis = snapshot.diagnostics_until(Some(&[focus]), proceed)?;
    let positions = Positions::new(files, encoding);
    let mut grouped: BTreeMap<crate::core::files::FileId, Vec<Diagnostic>> =
        analysis.covered.iter().map(|&f| (f, Vec::new())).collect();
    for finding in &analysis.findings {
        grouped
            .entry(finding.location.file)
            .or_default()
            .push(diagnostic(finding, &positions));
    }
    Some(
        grouped
            .into_iter()
            .map(|(file, diagnostics)| FileResult {
                path: files.path(file).to_string(),
                version: files.get(file).version,
                diagnostics,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::super::settings::Settings;
    use super::*;

    #[test]
    fn the_default_debounce_follows_the_last_run() {
        let ms = Duration::from_millis;
        let settings = Settings::default();
        assert_eq!(debounce(&settings, ms(0)), Duration::ZERO);
        assert_eq!(debounce(&settings, ms(39)), Duration::ZERO);
        assert_eq!(debounce(&settings, ms(40)), ms(40));
        assert_eq!(debounce(&settings, ms(120)), ms(120));
        assert_eq!(debounce(&settings, ms(7_000)), ms(300));
        // The client's own debounce wins, fast or slow.
        let fixed = Settings {
            debounce_ms: Some(150),
            ..Settings::default()
        };
        assert_eq!(debounce(&fixed, ms(0)), ms(150));
        assert_eq!(debounce(&fixed, ms(7_000)), ms(150));
    }
}
