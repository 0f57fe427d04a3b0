//! Glue for the cursor requests: take a snapshot of the document, turn the
//! client's position into a byte offset, run the core off the async
//! threads with panics caught, and convert the answer.

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::Position;

use super::state::{uri_for, State};
use std::sync::Arc;

use crate::core::files::{normalize, FileId, FileSet};
use crate::core::{AnalysisHost, Defaults, Snapshot};
use crate::protocol::to_lsp::Positions;
use crate::protocol::{uri, Encoding, LineIndex};

/// The threads cursor requests run the core's parallel work on (two: the
/// analysis pool's size on the machines we measure), apart from the
/// analysis pool.
fn requests_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .stack_size(crate::ANALYSIS_STACK)
            .thread_name(|i| format!("asl-lsp-request-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// Runs `f` on the requests' pool (on this thread if it could not start).
pub fn on_requests_pool<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    match requests_pool() {
        Some(pool) => pool.install(f),
        None => f(),
    }
}

/// One request's view of one open document.
pub struct Cursor {
    host: Arc<AnalysisHost>,
    defaults: Defaults,
    pub files: FileSet,
    pub file: FileId,
    pub offset: usize,
    pub encoding: Encoding,
    /// Each file's URI (as the client wrote it for an open document), by
    /// `FileId`.
    uris: Vec<String>,
}

impl Cursor {
    /// `None` when the document is not open (nothing to answer); an error
    /// for a line past the end of the document. The snapshot holds only
    /// this document: the features read the definitions written in it, as
    /// the editor has it now.
    pub fn new(state: &State, uri_text: &str, position: Option<Position>) -> Result<Option<Cursor>> {
        Cursor::open(state, uri_text, position, false)
    }

    /// As `new`, with every file the document's analysis reads (its linked
    /// policies, the template owning it), open ones as the editor has them:
    /// for the features that need the role.
    /// Waits for the workspace index first, so the files on disk are known.
    pub async fn linked(state: &State, uri_text: &str, position: Option<Position>) -> Result<Option<Cursor>> {
        state.wait_indexed().await;
        Cursor::open(state, uri_text, position, true)
    }

    fn open(
        state: &State,
        uri_text: &str,
        position: Option<Position>,
        linked: bool,
    ) -> Result<Option<Cursor>> {
        let Some(path) = uri::to_path(uri_text).map(|p| normalize(&p)) else {
            return Ok(None);
        };
        let Some(snapshot) = state.docs.snapshot(&path) else {
            return Ok(None);
        };
        let mut files = if linked {
            state.snapshot_files(&path)
        } else {
            FileSet::new()
        };
        // The document as taken now, whatever the snapshot read before.
        let file = files.insert(&path, snapshot.text, Some(snapshot.version));
        let uris = files
            .ids()
            .map(|id| {
                if id == file {
                    uri_text.to_string()
                } else {
                    uri_for(state, files.path(id))
                }
            })
            .collect();
        let settings = state.settings();
        let mut cursor = Cursor {
            host: state.host.clone(),
            defaults: settings.defaults,
            files,
            file,
            offset: 0,
            encoding: settings.encoding,
            uris,
        };
        if let Some(position) = position {
            let index = LineIndex::new(cursor.files.text(file));
            if !index.has_line(position.line) {
                return Err(Error::invalid_params("position is past the end of the document"));
            }
            cursor.offset = cursor.offset_of(position);
        }
        Ok(Some(cursor))
    }

    /// The byte offset of a position in the document (a line past the end
    /// clamps to its end).
    pub fn offset_of(&self, position: Position) -> usize {
        let text = self.files.text(self.file);
        LineIndex::new(text).offset(text, position.line, position.character, self.encoding)
    }

    /// A file's URI, as the client wrote it when the file is open.
    pub fn uri_of(&self, file: FileId) -> String {
        self.uris
            .get(file.0 as usize)
            .cloned()
            .unwrap_or_else(|| uri::from_path(self.files.path(file)))
    }

    /// Runs `f` on a blocking thread with the document's positions and
    /// the host's snapshot of the files (parsed and linked once for the
    /// diagnostics and every request on the same text); a panic becomes an
    /// internal error, never a crash. The core's parallel work runs on the
    /// requests' own thread pool: analyses holding the analysis pool's
    /// threads do not make a request wait.
    pub async fn run<T: Send + 'static>(
        self,
        f: impl FnOnce(&Cursor, &Snapshot, &Positions) -> T + Send + 'static,
    ) -> Result<T> {
        let result = tokio::task::spawn_blocking(move || {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let work = || {
                    let snapshot = self.host.snapshot(&self.files, &self.defaults);
                    let positions = Positions::new(&self.files, self.encoding);
                    f(&self, &snapshot, &positions)
                };
                on_requests_pool(work)
            }))
        })
        .await;
        match result {
            Ok(Ok(value)) => Ok(value),
            _ => {
                tracing::error!("asl-lsp internal error in a cursor request");
                Err(Error::internal_error())
            }
        }
    }
}
