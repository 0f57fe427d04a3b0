//! The `LanguageServer` implementation: each handler a few lines.

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use serde_json::{json, Value};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::documents::{shift_range, Edit};
use super::ide::Cursor;
use super::scheduler::schedule;
use super::settings::Settings;
use super::state::{path_of, State};
use crate::core::files::normalize;
use crate::core::ide;
use crate::core::text::TextRange;
use crate::protocol::edits::{document_edits, to_changes_map, DiagnosticData};
use crate::protocol::ide as lsp_ide;
use crate::protocol::uri;

/// Whether `edit` creates the file `uri`.
fn is_created(edit: &WorkspaceEdit, uri: &Uri) -> bool {
    matches!(&edit.document_changes, Some(DocumentChanges::Operations(operations))
        if operations.iter().any(|o| matches!(o, DocumentChangeOperation::Op(ResourceOp::Create(c)) if c.uri == *uri)))
}

pub struct Backend {
    state: Arc<State>,
}

impl Backend {
    pub fn new(client: Client) -> Self {
        Backend {
            state: Arc::new(State::new(client)),
        }
    }

    /// Test-only request `asl-lsp/documentText`: the server's copy of a document.
    pub async fn document_text(&self, params: TextDocumentIdentifier) -> Result<Value> {
        let path = uri::to_path(params.uri.as_str())
            .map(|p| normalize(&p))
            .ok_or_else(|| Error::invalid_params("not a file URI"))?;
        let snapshot = self
            .state
            .docs
            .snapshot(&path)
            .ok_or_else(|| Error::invalid_params("document is not open"))?;
        Ok(json!({"text": &*snapshot.text, "version": snapshot.version}))
    }

    /// Test-only request `asl-lsp/stats`: how many entries the per-document
    /// bookkeeping holds (open/close churn must not grow it).
    pub async fn stats(&self, _params: Value) -> Result<Value> {
        let state = &self.state;
        let (parses, linkings) = state.host.kept();
        Ok(json!({
            "open": state.docs.paths().len(),
            "records": state.records.len(),
            "parses": parses,
            "linkings": linkings,
            "cancelled": state.cancelled.load(Ordering::SeqCst),
        }))
    }

    fn code_actions(&self, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let settings = self.state.settings();
        let only = params.context.only.as_ref();
        let wants = |kind: &CodeActionKind| {
            only.is_none_or(|o| {
                o.iter()
                    .any(|k| kind == k || kind.as_str().starts_with(&format!("{}.", k.as_str())))
            })
        };
        let mut actions = Vec::new();
        if wants(&CodeActionKind::QUICKFIX) {
            for diagnostic in &params.context.diagnostics {
                let data: DiagnosticData = diagnostic
                    .data
                    .clone()
                    .and_then(|d| serde_json::from_value(d).ok())
                    .unwrap_or_default();
                for fix in data.fixes {
                    if !self.is_current(&fix.edit) {
                        continue; // stale: the document changed since the analysis
                    }
                    let edit = if settings.document_changes {
                        fix.edit
                    } else {
                        to_changes_map(&fix.edit)
                    };
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: fix.title,
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![diagnostic.clone()]),
                        is_preferred: Some(fix.is_preferred),
                        edit: Some(edit),
                        ..CodeAction::default()
                    }));
                }
            }
        }
        if wants(&CodeActionKind::SOURCE) {
            if let Some(action) = self.generate_policy_action(&params.text_document.uri, &settings) {
                actions.push(CodeActionOrCommand::CodeAction(action));
            }
        }
        actions
    }

    /// Every versioned document an edit touches still has that version
    /// (a created file has none).
    fn is_current(&self, edit: &WorkspaceEdit) -> bool {
        document_edits(edit).into_iter().all(|change| {
            let Some(path) = path_of(&change.text_document.uri) else {
                return false;
            };
            match (change.text_document.version, self.state.docs.version(&path)) {
                (Some(v), Some(now)) => v == now,
                (None, None) => true,
                // A file the fix creates, or one on disk the editor has not opened.
                (None, Some(_)) => {
                    !self.state.docs.is_open(&path) || is_created(edit, &change.text_document.uri)
                }
                (Some(_), None) => false,
            }
        })
    }

    /// "Generate least-privilege policy": the core's fix creating
    /// `<stem>.policy.json` beside a definition that has no role.
    fn generate_policy_action(&self, uri: &Uri, settings: &Settings) -> Option<CodeAction> {
        let path = path_of(uri)?;
        let snapshot = self.state.docs.snapshot(&path)?;
        let mut files = self.state.snapshot_files(&path);
        let id = files.insert(&path, snapshot.text, Some(snapshot.version));
        let fix = self
            .state
            .host
            .snapshot(&files, &settings.defaults)
            .generate_policy(id)?;
        let positions = crate::protocol::to_lsp::Positions::new(&files, settings.encoding);
        let edit = crate::protocol::edits::workspace_edit(&fix.edits, &positions);
        Some(CodeAction {
            title: fix.title,
            kind: Some(CodeActionKind::SOURCE),
            edit: Some(if settings.document_changes {
                edit
            } else {
                to_changes_map(&edit)
            }),
            ..CodeAction::default()
        })
    }
}

/// Exactly the providers the handlers below implement.
fn capabilities(settings: &Settings) -> ServerCapabilities {
    let rename = if settings.prepare_rename {
        OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })
    } else {
        OneOf::Left(true)
    };
    let diagnostics = settings.pull_diagnostics.then(|| {
        DiagnosticServerCapabilities::Options(DiagnosticOptions {
            identifier: Some("asl-lsp".into()),
            inter_file_dependencies: true,
            workspace_diagnostics: true,
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })
    });
    ServerCapabilities {
        position_encoding: Some(match settings.encoding {
            crate::protocol::Encoding::Utf8 => PositionEncodingKind::UTF8,
            crate::protocol::Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                include_text: Some(false),
            })),
            ..TextDocumentSyncOptions::default()
        })),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::SOURCE]),
            ..CodeActionOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        document_symbol_provider: Some(OneOf::Right(DocumentSymbolOptions {
            label: Some("Step Functions states".into()),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        definition_provider: Some(OneOf::Left(true)),
        inlay_hint_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(rename),
        // `"` opens a value; `:` continues one (a policy's `lambda:`, a YAML
        // `Next:`), where clients would otherwise end the completion.
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["\"".into(), ":".into()]),
            ..CompletionOptions::default()
        }),
        diagnostic_provider: diagnostics,
        ..ServerCapabilities::default()
    }
}

/// LSP's `RequestFailed` (-32803): the request was valid, its answer is no
/// (a refused rename, with the reason).
fn request_failed(message: String) -> Error {
    Error {
        code: tower_lsp_server::jsonrpc::ErrorCode::ServerError(-32803),
        message: message.into(),
        data: None,
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let settings =
            Settings::from_initialize(&params.capabilities, params.initialization_options.as_ref());
        let mut roots: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| uri::to_path(f.uri.as_str()))
            .map(PathBuf::from)
            .collect();
        #[allow(deprecated)]
        if roots.is_empty() {
            if let Some(root) = params.root_uri.as_ref().and_then(|u| uri::to_path(u.as_str())) {
                roots.push(PathBuf::from(root));
            }
        }
        self.state.workspace.set_roots(roots);
        let result = InitializeResult {
            capabilities: capabilities(&settings),
            server_info: Some(ServerInfo {
                name: "asl-lsp".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            ..InitializeResult::default()
        };
        self.state.set_settings(settings);
        Ok(result)
    }

    async fn initialized(&self, _: InitializedParams) {
        let state = self.state.clone();
        let _ = tokio::task::spawn_blocking(move || state.workspace.index()).await;
        self.state.indexed.send_replace(true);
        if self.state.settings().dynamic_watch {
            let watch = |glob: &str| FileSystemWatcher {
                glob_pattern: GlobPattern::String(glob.into()),
                kind: None,
            };
            let options = DidChangeWatchedFilesRegistrationOptions {
                watchers: vec![
                    watch("**/*.{json,yaml,yml,tf,template}"),
                    watch("**/.asl-lsp.json"),
                ],
            };
            let registration = Registration {
                id: "asl-lsp-watch".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(options).ok(),
            };
            if let Err(err) = self.state.client.register_capability(vec![registration]).await {
                tracing::warn!(%err, "the client refused the file watcher");
            }
        }
        // The editor's settings, for clients that are asked for them; the
        // open documents are checked below in any case.
        self.state.pull_configuration().await;
        for path in self.state.docs.paths() {
            schedule(&self.state, path);
        }
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let Some(path) = path_of(&doc.uri) else { return };
        let early = self
            .state
            .docs
            .open(&path, doc.uri.as_str(), doc.version, &doc.text);
        tracing::debug!(path, version = doc.version, early, "didOpen");
        schedule(&self.state, path);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        // Mutate first, synchronously: nothing above this line awaits.
        let Some(path) = path_of(&params.text_document.uri) else {
            return;
        };
        let encoding = self.state.settings().encoding;
        let edits = self.state.docs.apply(
            &path,
            params.text_document.version,
            &params.content_changes,
            encoding,
        );
        tracing::debug!(
            path,
            version = params.text_document.version,
            changes = params.content_changes.len(),
            "didChange"
        );
        if let Some(kept) = self
            .state
            .records
            .get_mut(&path)
            .as_mut()
            .and_then(|r| r.last_good.as_mut())
        {
            let mut moved = Vec::new();
            'diagnostics: for mut d in kept.drain(..) {
                for edit in &edits {
                    if *edit == Edit::Whole {
                        continue 'diagnostics;
                    }
                    match shift_range(&d.range, edit) {
                        Some(range) => d.range = range,
                        None => continue 'diagnostics,
                    }
                }
                // The fix was computed on the old text: it no longer applies.
                d.data = None;
                moved.push(d);
            }
            *kept = moved;
        }
        schedule(&self.state, path);
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        // The disk copy stands in for the file once it is closed; a client
        // without file watching keeps it current through saves.
        let Some(path) = path_of(&params.text_document.uri) else {
            return;
        };
        self.state.workspace.refresh(&path);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let Some(path) = path_of(&params.text_document.uri) else {
            return;
        };
        self.state.docs.close(&path);
        self.state.workspace.refresh(&path);
        if let Some(mut record) = self.state.records.get_mut(&path) {
            record.last_good = None;
        }
        // Back to the disk version: re-check what the file is linked to.
        schedule(&self.state, path);
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        // Settings pushed with the notification, then (for clients that
        // answer `workspace/configuration`, whose notification may carry
        // nothing) those asked for.
        let pushed = super::settings::given_defaults(&params.settings);
        let mut changed = pushed.is_some_and(|defaults| self.state.set_defaults(defaults));
        changed |= self.state.pull_configuration().await;
        if !changed {
            return;
        }
        // New levels or region: every open document is checked again.
        for path in self.state.docs.paths() {
            schedule(&self.state, path);
        }
        self.state.refresh_pulled();
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        for change in params.changes {
            let Some(path) = path_of(&change.uri) else {
                continue;
            };
            self.state.workspace.refresh(&path);
            let affected: Vec<String> = self
                .state
                .records
                .iter()
                .filter(|e| e.value().covered.contains(&path))
                .map(|e| e.key().clone())
                .collect();
            for origin in affected {
                schedule(&self.state, origin);
            }
            if !self.state.docs.is_open(&path) {
                schedule(&self.state, path);
            }
        }
        self.state.refresh_pulled();
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        Ok(Some(self.code_actions(&params)))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        let Some(cursor) =
            Cursor::linked(&self.state, at.text_document.uri.as_str(), Some(at.position)).await?
        else {
            return Ok(None);
        };
        cursor
            .run(|c, snapshot, positions| {
                snapshot.hover(c.file, c.offset).map(|(range, text)| Hover {
                    contents: HoverContents::Markup(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value: text,
                    }),
                    range: Some(positions.range(c.file, range)),
                })
            })
            .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let Some(cursor) = Cursor::linked(&self.state, params.text_document.uri.as_str(), None).await? else {
            return Ok(None);
        };
        let range = params.range;
        cursor
            .run(move |c, snapshot, positions| {
                let range = TextRange::new(c.offset_of(range.start), c.offset_of(range.end));
                let hints = snapshot.inlay_hints(c.file, range);
                Some(lsp_ide::inlay_hints(&hints, positions, c.file))
            })
            .await
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        let Some(cursor) = Cursor::new(&self.state, params.text_document.uri.as_str(), None)? else {
            return Ok(None);
        };
        let hierarchical = self.state.settings().hierarchical_symbols;
        let uri = params.text_document.uri;
        cursor
            .run(move |c, snapshot, positions| {
                let symbols = ide::document_symbols(&snapshot.linked(), c.file);
                Some(if hierarchical {
                    DocumentSymbolResponse::Nested(lsp_ide::document_symbols(&symbols, positions, c.file))
                } else {
                    DocumentSymbolResponse::Flat(lsp_ide::symbol_information(
                        &symbols, positions, c.file, &uri,
                    ))
                })
            })
            .await
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        let Some(cursor) =
            Cursor::linked(&self.state, at.text_document.uri.as_str(), Some(at.position)).await?
        else {
            return Ok(None);
        };
        cursor
            .run(|c, snapshot, positions| {
                let targets = ide::definition_targets(&snapshot.linked(), c.file, c.offset);
                (!targets.is_empty()).then(|| {
                    GotoDefinitionResponse::Array(lsp_ide::locations_in(&targets, positions, |f| {
                        c.uri_of(f).parse().ok()
                    }))
                })
            })
            .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let at = params.text_document_position;
        let Some(cursor) =
            Cursor::linked(&self.state, at.text_document.uri.as_str(), Some(at.position)).await?
        else {
            return Ok(None);
        };
        let declaration = params.context.include_declaration;
        cursor
            .run(move |c, snapshot, positions| {
                let targets = ide::reference_targets(&snapshot.linked(), c.file, c.offset, declaration);
                Some(lsp_ide::locations_in(&targets, positions, |f| {
                    c.uri_of(f).parse().ok()
                }))
            })
            .await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let Some(cursor) = Cursor::new(
            &self.state,
            params.text_document.uri.as_str(),
            Some(params.position),
        )?
        else {
            return Ok(None);
        };
        let answer = cursor
            .run(|c, snapshot, positions| {
                ide::prepare_rename(&snapshot.linked(), c.file, c.offset).map(|found| {
                    found.map(
                        |(range, placeholder)| PrepareRenameResponse::RangeWithPlaceholder {
                            range: positions.range(c.file, range),
                            placeholder,
                        },
                    )
                })
            })
            .await?;
        answer.map_err(request_failed)
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let at = params.text_document_position;
        let Some(cursor) = Cursor::new(&self.state, at.text_document.uri.as_str(), Some(at.position))? else {
            return Ok(None);
        };
        let document_changes = self.state.settings().document_changes;
        let new_name = params.new_name;
        let uri = at.text_document.uri;
        let answer = cursor
            .run(move |c, snapshot, positions| {
                ide::rename(&snapshot.linked(), c.file, c.offset, &new_name)
                    .map(|edits| lsp_ide::document_edit(&edits, positions, c.file, &uri, document_changes))
            })
            .await?;
        answer.map(Some).map_err(request_failed)
    }

    async fn diagnostic(&self, params: DocumentDiagnosticParams) -> Result<DocumentDiagnosticReportResult> {
        super::pull::document(&self.state, params).await
    }

    async fn workspace_diagnostic(
        &self,
        _params: WorkspaceDiagnosticParams,
    ) -> Result<WorkspaceDiagnosticReportResult> {
        super::pull::workspace(&self.state).await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let at = params.text_document_position;
        let uri = at.text_document.uri.as_str();
        // A policy's completion reads the definitions linked to it.
        let policy = path_of(&at.text_document.uri)
            .and_then(|path| Some((self.state.docs.snapshot(&path)?, path)))
            .is_some_and(|(doc, path)| ide::may_be_policy(&path, &doc.text));
        let cursor = if policy {
            Cursor::linked(&self.state, uri, Some(at.position)).await?
        } else {
            Cursor::new(&self.state, uri, Some(at.position))?
        };
        let Some(cursor) = cursor else {
            return Ok(None);
        };
        cursor
            .run(|c, snapshot, positions| {
                let items = snapshot.completion(c.file, c.offset);
                Some(CompletionResponse::List(lsp_ide::completion_list(
                    &items, positions, c.file,
                )))
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn advertised(client: Value) -> Value {
        let client: ClientCapabilities = serde_json::from_value(client).unwrap();
        serde_json::to_value(capabilities(&Settings::from_initialize(&client, None))).unwrap()
    }

    /// What a client is told, exactly: no provider the handlers lack, and
    /// pull diagnostics, prepare-rename and UTF-8 only for clients that take them.
    #[test]
    fn capabilities_are_the_implemented_providers() {
        let plain = json!({
            "positionEncoding": "utf-16",
            "textDocumentSync": {"openClose": true, "change": 2, "save": {"includeText": false}},
            "codeActionProvider": {"codeActionKinds": ["quickfix", "source"]},
            "hoverProvider": true,
            "documentSymbolProvider": {"label": "Step Functions states"},
            "definitionProvider": true,
            "inlayHintProvider": true,
            "referencesProvider": true,
            "renameProvider": true,
            "completionProvider": {"triggerCharacters": ["\"", ":"]},
        });
        assert_eq!(advertised(json!({})), plain);
        let mut rich = plain.clone();
        rich["positionEncoding"] = json!("utf-8");
        rich["renameProvider"] = json!({"prepareProvider": true});
        rich["diagnosticProvider"] = json!({
            "identifier": "asl-lsp",
            "interFileDependencies": true,
            "workspaceDiagnostics": true,
        });
        let client = json!({
            "general": {"positionEncodings": ["utf-8", "utf-16"]},
            "textDocument": {
                "rename": {"prepareSupport": true},
                "diagnostic": {"relatedDocumentSupport": true},
            },
        });
        assert_eq!(advertised(client), rich);
    }
}
