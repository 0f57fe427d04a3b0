//! What the handlers, the scheduler, the cursor requests and the pull
//! diagnostics share: the documents, the workspace on disk, the settings,
//! each file's bookkeeping and the analysis host; and how diagnostics are
//! published (under the client's URI, fitted to what it announced).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use dashmap::DashMap;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::Client;

use super::documents::Documents;
use super::settings::Settings;
use super::workspace::Workspace;
use crate::core::files::{normalize, FileSet};
use crate::core::AnalysisHost;
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
    pub fn new(client: Client) -> Self {
        State {
            client,
            docs: Documents::default(),
            workspace: Workspace::default(),
            settings: RwLock::new(Settings::default()),
            records: DashMap::new(),
            snapshots: AtomicU64::new(0),
            host: Default::default(),
            cancelled: AtomicU64::new(0),
            indexed: tokio::sync::watch::channel(false).0,
        }
    }

    /// Replaces the settings (at `initialize`, from the client's
    /// capabilities and options).
    pub fn set_settings(&self, settings: Settings) {
        *self.settings.write().unwrap_or_else(|e| e.into_inner()) = settings;
    }

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
        // Definition files a template names outside the folders the
        // candidates cover (`DefinitionUri: ../defs/flow.asl.json`). Only
        // the templates and Terraform files are read for this: every file
        // they name then counts as missing, and those already here stay.
        let naming: Vec<crate::core::files::FileId> = files
            .ids()
            .filter(|&id| {
                let path = files.path(id);
                let text = files.text(id);
                (path.ends_with(".tf") || crate::core::classify::declares_state_machine(text))
                    && (text.contains("DefinitionUri") || text.contains("file("))
            })
            .collect();
        if !naming.is_empty() {
            let mut templates = FileSet::new();
            for id in files
                .ids()
                .filter(|&id| naming.contains(&id) || files.path(id).ends_with(".tf"))
            {
                templates.insert(files.path(id), files.get(id).text.clone(), None);
            }
            for missing in crate::core::template::missing_definition_files(&templates) {
                if files.lookup(&missing).is_some() {
                    continue;
                }
                if let Some(snapshot) = self.docs.snapshot(&missing) {
                    files.insert(&missing, snapshot.text, Some(snapshot.version));
                } else if let Some(text) = self.workspace.disk_text(&missing) {
                    files.insert(&missing, text, None);
                } else if let Some(reason) = self.workspace.unread_reason(&missing) {
                    files.mark_unread(&missing, reason);
                }
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

/// The URI to publish under: the client's own for open documents.
pub fn uri_for(state: &State, path: &str) -> String {
    state.docs.uri(path).unwrap_or_else(|| uri::from_path(path))
}

/// Removes what the client did not announce support for.
pub fn fit_to_client(mut diagnostic: Diagnostic, settings: &super::settings::Settings) -> Diagnostic {
    if !settings.related_information {
        diagnostic.related_information = None;
    }
    if !settings.code_description {
        diagnostic.code_description = None;
    }
    if !settings.tags {
        diagnostic.tags = None;
    }
    diagnostic
}

/// The normalized path of a `file:` URI.
pub fn path_of(uri: &Uri) -> Option<String> {
    uri::to_path(uri.as_str()).map(|p| normalize(&p))
}
