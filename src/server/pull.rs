//! Pull diagnostics (LSP 3.17), for clients that announce them:
//! `textDocument/diagnostic` answers one document (and, as related
//! documents, every file its analysis covers: the policies linked to a
//! definition, the definitions linked to a policy); `workspace/diagnostic`
//! answers every open document and the files linked to them. Both run the
//! pipeline the pushed diagnostics use, on the analysis host's snapshot
//! of the files (parsed and linked once for every request on the same
//! text), off the async threads with panics caught.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use super::scheduler::{per_file, FileResult};
use super::state::{fit_to_client, path_of, uri_for, State};
use crate::core::cancel;

/// The diagnostics of every file one analysis of `path` covers, as
/// published in push mode; `None` when `path` is neither open nor on disk.
async fn analyse(state: &Arc<State>, path: &str) -> Result<Option<Vec<FileResult>>> {
    state.wait_indexed().await;
    let files = state.snapshot_files(path);
    let Some(focus) = files.lookup(path) else {
        return Ok(None);
    };
    let settings = state.settings();
    let host = state.host.clone();
    let answer = tokio::task::spawn_blocking(move || {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            super::ide::on_requests_pool(|| {
                per_file(
                    &host,
                    &files,
                    focus,
                    settings.encoding,
                    &settings.defaults,
                    &cancel::always,
                )
            })
        }))
    })
    .await;
    let Ok(Ok(results)) = answer else {
        tracing::error!(path, "asl-lsp internal error in a diagnostic request");
        return Err(Error::internal_error());
    };
    let settings = state.settings();
    Ok(results.map(|results| {
        results
            .into_iter()
            .map(|mut result| {
                let fitted = result
                    .diagnostics
                    .into_iter()
                    .map(|d| fit_to_client(d, &settings))
                    .collect();
                result.diagnostics = state.with_last_good(&result.path, fitted);
                result
            })
            .collect()
    }))
}

fn full(items: Vec<Diagnostic>) -> FullDocumentDiagnosticReport {
    FullDocumentDiagnosticReport {
        result_id: None,
        items,
    }
}

/// `textDocument/diagnostic`: the document's diagnostics, with those of
/// every other file its analysis covers as related documents.
pub async fn document(
    state: &Arc<State>,
    params: DocumentDiagnosticParams,
) -> Result<DocumentDiagnosticReportResult> {
    let Some(path) = path_of(&params.text_document.uri) else {
        return Err(Error::invalid_params("not a file URI"));
    };
    let results = analyse(state, &path).await?.unwrap_or_default();
    let mut items = Vec::new();
    let mut related: HashMap<Uri, DocumentDiagnosticReportKind> = HashMap::new();
    for result in results {
        if result.path == path {
            items = result.diagnostics;
        } else if let Ok(uri) = uri_for(state, &result.path).parse::<Uri>() {
            related.insert(uri, DocumentDiagnosticReportKind::Full(full(result.diagnostics)));
        }
    }
    Ok(DocumentDiagnosticReportResult::Report(
        DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
            related_documents: (!related.is_empty()).then_some(related),
            full_document_diagnostic_report: full(items),
        }),
    ))
}

/// `workspace/diagnostic`: every open document and every file linked to
/// one, each once (an analysis covers every state machine connected to
/// its file, so any analysis covering a file gives all its findings).
pub async fn workspace(state: &Arc<State>) -> Result<WorkspaceDiagnosticReportResult> {
    let mut reports: BTreeMap<String, (Option<i32>, Vec<Diagnostic>)> = BTreeMap::new();
    let mut open = state.docs.paths();
    open.sort();
    for path in open {
        if reports.contains_key(&path) {
            continue;
        }
        for result in analyse(state, &path).await?.unwrap_or_default() {
            reports
                .entry(result.path)
                .or_insert((result.version, result.diagnostics));
        }
    }
    let items = reports
        .into_iter()
        .filter_map(|(path, (version, diagnostics))| {
            Some(WorkspaceDocumentDiagnosticReport::Full(
                WorkspaceFullDocumentDiagnosticReport {
                    uri: uri_for(state, &path).parse().ok()?,
                    version: version.map(i64::from),
                    full_document_diagnostic_report: full(diagnostics),
                },
            ))
        })
        .collect();
    Ok(WorkspaceDiagnosticReportResult::Report(
        WorkspaceDiagnosticReport { items },
    ))
}
