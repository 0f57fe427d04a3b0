//! The `LanguageServer` implementation: each handler a few lines.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use dashmap::DashMap;
use serde_json::{json, Value};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::documents::{shift_range, Documents, Edit};
use super::ide::Cursor;
use super::scheduler::{fit_to_client, schedule, uri_for};
use super::settings::Settings;
use super::workspace::Workspace;
use crate::core::files::{normalize, FileSet};
use crate::core::ide;
use crate::core::text::TextRange;
use crate::core::AnalysisHost;
use crate::protocol::edits::{document_edits, to_changes_map, DiagnosticData};
use crate::protocol::ide as lsp_ide;
use crate::protocol::uri;

pub struct State {
    pub client: Client,
    pub docs: Documents,
    pub workspace: Workspace,
    settings: RwLock<Settings>,
    /// What the server keeps per file it analyses or publishes for: one
    /// record, cleared as one.
    pub records: DashMap<String, Record>,
    /// Becomes true once the workspace is indexed; runs wait for it so a
    /// document opened early still finds its policy on disk.
    pub indexed: tokio::sync::watch::Sender<bool>,
    /// Numbers the snapshots runs analyse, in the order they are taken.
    pub snapshots: AtomicU64,
    /// Parses, lowered roles, per-state findings and linkings, shared by
    /// the diagnostics and every cursor request.
    pub host: Arc<AnalysisHost>,
    /// Runs stopped at a stage boundary because a newer edit superseded
    /// them (reported by `asl-lsp/stats`).
    pub cancelled: AtomicU64,
}

/// One file's bookkeeping.
#[derive(Default)]
pub struct Record {
    /// Bumped by every change that schedules a run of this file; a run
    /// compares it with its own between stages (and stops once it moved).
    pub generation: Arc<AtomicU64>,
    /// One run of this file at a time.
    pub lock: Arc<tokio::sync::Mutex<()>>,
    /// The files its last run published.
    pub covered: Vec<String>,
    /// Its last diagnostics that were not about syntax, kept (and moved
    /// through edits) while the file does not parse.
    pub last_good: Option<Vec<Diagnostic>>,
    /// The newest snapshot whose diagnostics were published for it: a run
    /// on older text (of this file or of one it is linked to) that
    /// finishes later must not overwrite them.
    pub published: Arc<tokio::sync::Mutex<u64>>,
    /// How long its last run took: sets the next debounce.
    pub last_run: std::time::Duration,
}

impl State {
    pub fn settings(&self) -> Settings {
        self.settings.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Sets the editor's defaults; whether they changed.
    pub fn set_defaults(&self, defaults: crate::core::Defaults) -> bool {
        let mut settings = self.settings.write().unwrap_or_else(|e| e.into_inner());
        if settings.defaults == defaults {
            return false;
        }
        settings.defaults = defaults;
        true
    }

    /// Asks a client that answers `workspace/configuration` for our
    /// section and applies what it gives (an error, a `null` or an empty
    /// answer changes nothing); whether the defaults changed.
    pub async fn pull_configuration(&self) -> bool {
        if !self.settings().configuration {
            return false;
        }
        let item = ConfigurationItem {
            scope_uri: None,
            section: Some(super::settings::SECTION.to_string()),
        };
        let asked = self.client.configuration(vec![item]);
        let answer = tokio::time::timeout(std::time::Duration::from_secs(10), asked).await;
        let Ok(Ok(sections)) = answer else {
            tracing::debug!("no answer to workspace/configuration");
            return false;
        };
        match sections.first().and_then(super::settings::given_defaults) {
            Some(defaults) => self.set_defaults(defaults),
            None => false,
        }
    }

    /// Asks a client that pulls diagnostics to pull them again (a file on
    /// disk or the settings changed: its open documents do not say so).
    pub fn refresh_pulled(&self) {
        let settings = self.settings();
        if settings.pull_diagnostics && settings.diagnostic_refresh {
            let client = self.client.clone();
            tokio::spawn(async move {
                let _ = client.workspace_diagnostic_refresh().await;
            });
        }
    }

    /// Waits until the workspace is indexed (the files on disk a document
    /// links to are known); a client that never sends `initialized` gets
    /// answers after a while all the same.
    pub async fn wait_indexed(&self) {
        let mut indexed = self.indexed.subscribe();
        let _ =
            tokio::time::timeout(std::time::Duration::from_secs(10), indexed.wait_for(|done| *done)).await;
    }

    /// While a file has a syntax error its other findings stay (as last
    /// seen, moved through the edits since); otherwise they are remembered.
    pub fn with_last_good(&self, path: &str, mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let broken = diagnostics.iter().any(is_syntax_error);
        let mut record = self.records.entry(path.to_string()).or_default();
        if broken {
            if let Some(previous) = &record.last_good {
                diagnostics.extend(previous.iter().cloned());
            }
        } else {
            record.last_good = Some(diagnostics.clone());
        }
        diagnostics
    }

    /// The files one analysis of `path` needs: open documents as the
    /// editor has them, the rest as on disk.
    pub fn snapshot_files(&self, path: &str) -> FileSet {
        let mut files = FileSet::new();
        for candidate in self.workspace.candidates(path, &self.docs.paths()) {
            if let Some(snapshot) = self.docs.snapshot(&candidate) {
                files.insert(&candidate, snapshot.text, Some(snapshot.version));
            } else if let Some(text) = self.workspace.disk_text(&candidate) {
                files.insert(&candidate, text, None);
            }
        }
        files
    }

    /// `snapshot_files` with the snapshot's number (see `published`). The
    /// number is taken before the files are read: a change made while they
    /// are read schedules a run whose number is higher still.
    pub fn numbered_snapshot(&self, path: &str) -> (u64, FileSet) {
        let number = self.snapshots.fetch_add(1, Ordering::SeqCst) + 1;
        (number, self.snapshot_files(path))
    }

    /// Publishes `path`'s diagnostics from snapshot `number` unless a newer
    /// snapshot's are already out; `kept` applies `with_last_good`.
    pub async fn publish(
        &self,
        path: &str,
        number: u64,
        version: Option<i32>,
        diagnostics: Vec<Diagnostic>,
        kept: bool,
    ) {
        let slot = self
            .records
            .entry(path.to_string())
            .or_default()
            .published
            .clone();
        let mut newest = slot.lock().await;
        if number < *newest {
            tracing::debug!(
                path,
                number,
                newest = *newest,
                "not published: a newer snapshot's are out"
            );
            return;
        }
        tracing::debug!(path, number, ?version, count = diagnostics.len(), "publish");
        *newest = number;
        let diagnostics = if kept {
            self.with_last_good(path, diagnostics)
        } else {
            diagnostics
        };
        let settings = self.settings();
        let Ok(uri) = uri_for(self, path).parse::<Uri>() else {
            return;
        };
        let diagnostics: Vec<Diagnostic> = diagnostics
            .into_iter()
            .map(|d| fit_to_client(d, &settings))
            .collect();
        self.client.publish_diagnostics(uri, diagnostics, version).await;
    }
}

/// An `asl-syntax` diagnostic: the file does not parse.
fn is_syntax_error(diagnostic: &Diagnostic) -> bool {
    matches!(&diagnostic.code, Some(NumberOrString::String(code)) if code == "asl-syntax")
}

/// Whether `edit` creates the file `uri`.
fn is_created(edit: &WorkspaceEdit, uri: &Uri) -> bool {
    matches!(&edit.document_changes, Some(DocumentChanges::Operations(operations))
        if operations.iter().any(|o| matches!(o, DocumentChangeOperation::Op(ResourceOp::Create(c)) if c.uri == *uri)))
}

pub struct Backend {
    state: Arc<State>,
}

pub fn path_of(uri: &Uri) -> Option<String> {
    uri::to_path(uri.as_str()).map(|p| normalize(&p))
}

impl Backend {
    pub fn new(client: Client) -> Self {
        Backend {
            state: Arc::new(State {
                client,
                docs: Documents::default(),
                workspace: Workspace::default(),
                settings: RwLock::new(Settings::default()),
                records: DashMap::new(),
                snapshots: AtomicU64::new(0),
                host: Default::default(),
                cancelled: AtomicU64::new(0),
                indexed: tokio::sync::watch::channel(false).0,
            }),
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
fn capabilities(settings: &Settings) -> Value {
    let mut capabilities = json!({
        "textDocumentSync": {"openClose": true, "change": 2, "save": {"includeText": false}},
        "codeActionProvider": {"codeActionKinds": ["quickfix", "source"]},
        "hoverProvider": true,
        "documentSymbolProvider": {"label": "Step Functions states"},
        "definitionProvider": true,
        "inlayHintProvider": true,
        "referencesProvider": true,
        "renameProvider": if settings.prepare_rename { json!({"prepareProvider": true}) } else { json!(true) },
        // `"` opens a value; `:` continues one (a policy's `lambda:`, a YAML
        // `Next:`), where clients would otherwise end the completion.
        "completionProvider": {"triggerCharacters": ["\"", ":"]},
    });
    if settings.pull_diagnostics {
        capabilities["diagnosticProvider"] = json!({
            "identifier": "asl-lsp",
            "interFileDependencies": true,
            "workspaceDiagnostics": true,
        });
    }
    capabilities
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
        let mut result = json!({
            "capabilities": capabilities(&settings),
            "serverInfo": {"name": "asl-lsp", "version": env!("CARGO_PKG_VERSION")},
        });
        result["capabilities"]["positionEncoding"] = json!(match settings.encoding {
            crate::protocol::Encoding::Utf8 => "utf-8",
            crate::protocol::Encoding::Utf16 => "utf-16",
        });
        *self.state.settings.write().unwrap_or_else(|e| e.into_inner()) = settings;
        serde_json::from_value(result).map_err(|_| Error::internal_error())
    }

    async fn initialized(&self, _: InitializedParams) {
        let state = self.state.clone();
        let _ = tokio::task::spawn_blocking(move || state.workspace.index()).await;
        self.state.indexed.send_replace(true);
        if self.state.settings().dynamic_watch {
            let options = json!({"watchers": [
                {"globPattern": "**/*.{json,yaml,yml,tf,template}"},
                {"globPattern": "**/.asl-lsp.json"},
            ]});
            let registration = Registration {
                id: "asl-lsp-watch".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: Some(options),
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
