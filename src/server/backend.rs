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
use crate::protocol::edits::to_changes_map;
use crate::protocol::ide as lsp_ide;
use crate::protocol::uri;

pub struct State {
    pub client: Client,
    pub docs: Documents,
    pub workspace: Workspace,
    settings: RwLock<Settings>,
    pub generations: DashMap<String, u64>,
    pub locks: DashMap<String, Arc<tokio::sync::Mutex<()>>>,
    /// For each analysed document, the files its last run published.
    pub covered_by: DashMap<String, Vec<String>>,
    /// Each file's last diagnostics that were not about syntax, kept (and
    /// moved through edits) while the file does not parse.
    pub last_good: DashMap<String, Vec<Value>>,
    /// Becomes true once the workspace is indexed; runs wait for it so a
    /// document opened early still finds its policy on disk.
    pub indexed: tokio::sync::watch::Sender<bool>,
    /// Numbers the snapshots runs analyse, in the order they are taken.
    pub snapshots: AtomicU64,
    /// Per file, the newest snapshot whose diagnostics were published: a
    /// run on older text (of this file or of one it is linked to) that
    /// finishes later must not overwrite them.
    pub published: DashMap<String, Arc<tokio::sync::Mutex<u64>>>,
    /// Parses of unchanged files, reused by the next run.
    pub parses: Arc<crate::core::ParseCache>,
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

    /// Waits until the workspace is indexed (the files on disk a document
    /// links to are known); a client that never sends `initialized` gets
    /// answers after a while all the same.
    pub async fn wait_indexed(&self) {
        let mut indexed = self.indexed.subscribe();
        let _ =
            tokio::time::timeout(std::time::Duration::from_secs(10), indexed.wait_for(|done| *done)).await;
    }

    pub fn generation(&self, path: &str) -> u64 {
        self.generations.get(path).map(|g| *g).unwrap_or(0)
    }

    /// While a file has a syntax error its other findings stay (as last
    /// seen, moved through the edits since); otherwise they are remembered.
    pub fn with_last_good(&self, path: &str, mut diagnostics: Vec<Value>) -> Vec<Value> {
        let broken = diagnostics.iter().any(|d| d["code"] == "asl-syntax");
        if broken {
            if let Some(previous) = self.last_good.get(path) {
                diagnostics.extend(previous.iter().cloned());
            }
        } else {
            self.last_good.insert(path.to_string(), diagnostics.clone());
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
        diagnostics: Vec<Value>,
        kept: bool,
    ) {
        let slot = self.published.entry(path.to_string()).or_default().clone();
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
            .filter_map(|d| serde_json::from_value(fit_to_client(d, &settings)).ok())
            .collect();
        self.client.publish_diagnostics(uri, diagnostics, version).await;
    }
}

pub struct Backend {
    state: Arc<State>,
}

fn path_of(uri: &Uri) -> Option<String> {
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
                generations: DashMap::new(),
                locks: DashMap::new(),
                covered_by: DashMap::new(),
                last_good: DashMap::new(),
                snapshots: AtomicU64::new(0),
                published: DashMap::new(),
                parses: Default::default(),
                indexed: tokio::sync::watch::channel(false).0,
            }),
        }
    }

    /// Test-only request `asl-lsp/documentText`: the server's copy of a document.
    pub async fn document_text(&self, params: Value) -> Result<Value> {
        let uri = params["uri"]
            .as_str()
            .ok_or_else(|| Error::invalid_params("missing \"uri\""))?;
        let path = uri::to_path(uri)
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
        Ok(json!({
            "open": state.docs.paths().len(),
            "generations": state.generations.len(),
            "locks": state.locks.len(),
            "published": state.published.len(),
            "coveredBy": state.covered_by.len(),
            "lastGood": state.last_good.len(),
            "parses": state.parses.len(),
        }))
    }

    fn code_actions(&self, params: &Value) -> Vec<Value> {
        let settings = self.state.settings();
        let only: Option<Vec<String>> = params["context"]["only"]
            .as_array()
            .map(|a| a.iter().filter_map(|k| k.as_str().map(str::to_string)).collect());
        let wants = |kind: &str| {
            only.as_ref()
                .is_none_or(|o| o.iter().any(|k| kind == k || kind.starts_with(&format!("{k}."))))
        };
        let mut actions = Vec::new();
        if wants("quickfix") {
            for diagnostic in params["context"]["diagnostics"].as_array().into_iter().flatten() {
                for fix in diagnostic["data"]["fixes"].as_array().into_iter().flatten() {
                    if !self.is_current(&fix["edit"]) {
                        continue; // stale: the document changed since the analysis
                    }
                    let edit = if settings.document_changes {
                        fix["edit"].clone()
                    } else {
                        to_changes_map(&fix["edit"])
                    };
                    actions.push(json!({
                        "title": fix["title"],
                        "kind": "quickfix",
                        "diagnostics": [diagnostic],
                        "isPreferred": fix["isPreferred"],
                        "edit": edit,
                    }));
                }
            }
        }
        if wants("source") {
            if let Some(action) = self.generate_policy_action(params, &settings) {
                actions.push(action);
            }
        }
        actions
    }

    /// Every versioned document an edit touches still has that version.
    fn is_current(&self, edit: &Value) -> bool {
        edit["documentChanges"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|change| {
                let Some(uri) = change["textDocument"]["uri"].as_str() else {
                    return true;
                };
                if change.get("kind").is_some() {
                    return true; // a file creation
                }
                let Some(path) = uri::to_path(uri).map(|p| normalize(&p)) else {
                    return false;
                };
                let expected = change["textDocument"]["version"].as_i64().map(|v| v as i32);
                match (expected, self.state.docs.version(&path)) {
                    (Some(v), Some(now)) => v == now,
                    (None, None) => true,
                    (None, Some(_)) => !self.state.docs.is_open(&path),
                    (Some(_), None) => false,
                }
            })
    }

    /// "Generate least-privilege policy": creates `<stem>.policy.json`
    /// beside a definition that has no linked policy.
    fn generate_policy_action(&self, params: &Value, settings: &Settings) -> Option<Value> {
        let uri_text = params["textDocument"]["uri"].as_str()?;
        let path = uri::to_path(uri_text).map(|p| normalize(&p))?;
        let snapshot = self.state.docs.snapshot(&path)?;
        let mut files = self.state.snapshot_files(&path);
        files.insert(&path, snapshot.text, Some(snapshot.version));
        let id = files.lookup(&path)?;
        let workspace = crate::core::workspace::Workspace::new(&files);
        let unit = crate::core::link::units(&workspace)
            .0
            .into_iter()
            .find(|u| u.definition.file == id)?;
        // Only a definition without a role gets a policy file: a template's
        // state machine is fixed in the template.
        if !unit.policies.is_empty() || unit.link != crate::core::unit::LinkKind::Unlinked {
            return None;
        }
        let policy = crate::core::link::least_privilege(&files, id)?;
        let stem = crate::core::classify::definition_stem(crate::core::files::file_name(&path)).to_string();
        let target = crate::core::files::join(
            crate::core::files::parent_dir(&path),
            &format!("{stem}.policy.json"),
        );
        let target_uri = uri::from_path(&target);
        let mut text = serde_json::to_string_pretty(&policy).ok()?;
        text.push('\n');
        let edit = json!({"documentChanges": [
            {"kind": "create", "uri": target_uri, "options": {"ignoreIfExists": true}},
            {"textDocument": {"uri": target_uri, "version": null}, "edits": [
                {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "newText": text}
            ]},
        ]});
        Some(json!({
            "title": format!("Generate least-privilege policy ({stem}.policy.json)"),
            "kind": "source",
            "edit": if settings.document_changes { edit } else { to_changes_map(&edit) },
        }))
    }
}

/// Exactly the providers the handlers below implement.
fn capabilities(settings: &Settings) -> Value {
    json!({
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
    })
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

/// A JSON value as the typed response, or an internal error.
fn typed<T: serde::de::DeserializeOwned>(value: Value) -> Result<T> {
    serde_json::from_value(value).map_err(|_| Error::internal_error())
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let capabilities_json = serde_json::to_value(&params.capabilities).unwrap_or(Value::Null);
        let settings = Settings::from_initialize(&capabilities_json, params.initialization_options.as_ref());
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
        let changes: Vec<Value> = params
            .content_changes
            .iter()
            .filter_map(|c| serde_json::to_value(c).ok())
            .collect();
        let encoding = self.state.settings().encoding;
        let edits = self
            .state
            .docs
            .apply(&path, params.text_document.version, &changes, encoding);
        tracing::debug!(
            path,
            version = params.text_document.version,
            changes = changes.len(),
            "didChange"
        );
        if let Some(mut kept) = self.state.last_good.get_mut(&path) {
            let mut moved = Vec::new();
            'diagnostics: for mut d in kept.drain(..) {
                for edit in &edits {
                    if *edit == Edit::Whole {
                        continue 'diagnostics;
                    }
                    match shift_range(&d["range"], edit) {
                        Some(range) => d["range"] = range,
                        None => continue 'diagnostics,
                    }
                }
                // The fix was computed on the old text: it no longer applies.
                if let Some(o) = d.as_object_mut() {
                    o.remove("data");
                }
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
        self.state.last_good.remove(&path);
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
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        for change in params.changes {
            let Some(path) = path_of(&change.uri) else {
                continue;
            };
            self.state.workspace.refresh(&path);
            let affected: Vec<String> = self
                .state
                .covered_by
                .iter()
                .filter(|e| e.value().contains(&path))
                .map(|e| e.key().clone())
                .collect();
            for origin in affected {
                schedule(&self.state, origin);
            }
            if !self.state.docs.is_open(&path) {
                schedule(&self.state, path);
            }
        }
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let params = serde_json::to_value(&params).map_err(|_| Error::invalid_params("bad params"))?;
        let actions = self.code_actions(&params);
        Ok(Some(
            serde_json::from_value(Value::Array(actions)).map_err(|_| Error::internal_error())?,
        ))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        let Some(cursor) =
            Cursor::linked(&self.state, at.text_document.uri.as_str(), Some(at.position)).await?
        else {
            return Ok(None);
        };
        let value = cursor
            .run(|c, positions| {
                ide::hover(&c.files, c.file, c.offset).map(|(range, text)| {
                    json!({"contents": {"kind": "markdown", "value": text}, "range": positions.range(c.file, range)})
                })
            })
            .await?;
        value.map(typed).transpose()
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let Some(cursor) = Cursor::linked(&self.state, params.text_document.uri.as_str(), None).await? else {
            return Ok(None);
        };
        let range = params.range;
        let value = cursor
            .run(move |c, positions| {
                let range = TextRange::new(c.offset_of(range.start), c.offset_of(range.end));
                let hints = ide::permission_hints(&c.files, c.file, range);
                lsp_ide::inlay_hints(&hints, positions, c.file)
            })
            .await?;
        typed(value).map(Some)
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        let Some(cursor) = Cursor::new(&self.state, params.text_document.uri.as_str(), None)? else {
            return Ok(None);
        };
        let hierarchical = self.state.settings().hierarchical_symbols;
        let value = cursor
            .run(move |c, positions| {
                let symbols = ide::document_symbols(&c.files, c.file);
                if hierarchical {
                    lsp_ide::document_symbols(&symbols, positions, c.file)
                } else {
                    lsp_ide::symbol_information(&symbols, positions, c.file, &c.uri)
                }
            })
            .await?;
        typed(value).map(Some)
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        let Some(cursor) =
            Cursor::linked(&self.state, at.text_document.uri.as_str(), Some(at.position)).await?
        else {
            return Ok(None);
        };
        let value = cursor
            .run(|c, positions| {
                let targets = ide::definition_targets(&c.files, c.file, c.offset);
                (!targets.is_empty()).then(|| lsp_ide::locations_in(&targets, positions, |f| c.uri_of(f)))
            })
            .await?;
        value.map(typed).transpose()
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let at = params.text_document_position;
        let Some(cursor) =
            Cursor::linked(&self.state, at.text_document.uri.as_str(), Some(at.position)).await?
        else {
            return Ok(None);
        };
        let declaration = params.context.include_declaration;
        let value = cursor
            .run(move |c, positions| {
                let targets = ide::reference_targets(&c.files, c.file, c.offset, declaration);
                lsp_ide::locations_in(&targets, positions, |f| c.uri_of(f))
            })
            .await?;
        typed(value).map(Some)
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
            .run(|c, positions| {
                ide::prepare_rename(&c.files, c.file, c.offset).map(|found| {
                    found.map(
                        |(range, name)| json!({"range": positions.range(c.file, range), "placeholder": name}),
                    )
                })
            })
            .await?;
        match answer {
            Ok(value) => value.map(typed).transpose(),
            Err(message) => Err(request_failed(message)),
        }
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let at = params.text_document_position;
        let Some(cursor) = Cursor::new(&self.state, at.text_document.uri.as_str(), Some(at.position))? else {
            return Ok(None);
        };
        let document_changes = self.state.settings().document_changes;
        let new_name = params.new_name;
        let answer = cursor
            .run(move |c, positions| {
                ide::rename(&c.files, c.file, c.offset, &new_name)
                    .map(|edits| lsp_ide::document_edit(&edits, positions, c.file, &c.uri, document_changes))
            })
            .await?;
        match answer {
            Ok(value) => typed(value).map(Some),
            Err(message) => Err(request_failed(message)),
        }
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
        let value = cursor
            .run(|c, positions| {
                let items = ide::completion(&c.files, c.file, c.offset);
                lsp_ide::completion_list(&items, positions, c.file)
            })
            .await?;
        typed(value).map(Some)
    }
}
