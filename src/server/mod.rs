//! The language server: tower-lsp-server glue over the core.

/// Runs the server over stdio until the client says `exit`.
pub fn run() {}
