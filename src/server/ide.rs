//! Glue for the cursor requests: take a snapshot of the document, turn the
//! client's position into a byte offset, run the core off the async
//! threads with panics caught, and convert the answer.

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::Position;

use super::backend::State;
use crate::core::files::{normalize, FileId, FileSet};
use crate::protocol::to_lsp::Positions;
use crate::protocol::{uri, Encoding, LineIndex};

/// One request's view of one open document.
pub struct Cursor {
    pub files: FileSet,
    pub file: FileId,
    pub offset: usize,
    pub encoding: Encoding,
    /// The document's URI as the client wrote it.
    pub uri: String,
}

impl Cursor {
    /// `None` when the document is not open (nothing to answer); an error
    /// for a line past the end of the document.
    pub fn new(state: &State, uri_text: &str, position: Option<Position>) -> Result<Option<Cursor>> {
        let Some(path) = uri::to_path(uri_text).map(|p| normalize(&p)) else {
            return Ok(None);
        };
        let Some(snapshot) = state.docs.snapshot(&path) else {
            return Ok(None);
        };
        let encoding = state.settings().encoding;
        let offset = match position {
            None => 0,
            Some(position) => {
                let index = LineIndex::new(&snapshot.text);
                if !index.has_line(position.line) {
                    return Err(Error::invalid_params("position is past the end of the document"));
                }
                index.offset(&snapshot.text, position.line, position.character, encoding)
            }
        };
        // Only this document: the features read the definitions written in
        // it, as the editor has it now.
        let mut files = FileSet::new();
        let file = files.insert(&path, snapshot.text, Some(snapshot.version));
        Ok(Some(Cursor {
            files,
            file,
            offset,
            encoding,
            uri: uri_text.to_string(),
        }))
    }

    /// For a document that may be a policy: the files it is linked to
    /// (definitions, configuration) join it, open ones as the editor has
    /// them, the rest as on disk; the document stays as this request read it.
    pub fn with_linked_files(mut self, state: &State) -> Cursor {
        let source = self.files.get(self.file).clone();
        if !crate::core::ide::may_be_policy(&source.path, &source.text) {
            return self;
        }
        let mut files = state.snapshot_files(&source.path);
        self.file = files.insert(&source.path, source.text, source.version);
        self.files = files;
        self
    }

    /// Runs `f` on a blocking thread with the document's positions; a panic
    /// becomes an internal error, never a crash.
    pub async fn run<T: Send + 'static>(
        self,
        f: impl FnOnce(&Cursor, &Positions) -> T + Send + 'static,
    ) -> Result<T> {
        let result = tokio::task::spawn_blocking(move || {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let positions = Positions::new(&self.files, self.encoding);
                f(&self, &positions)
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
