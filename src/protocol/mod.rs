//! The one conversion layer between the core (byte ranges, plain data) and
//! the LSP shapes. The server and the CLI both go through it, so
//! `check --format json` prints exactly what the server publishes.

pub mod edits;
pub mod ide;
pub mod position;
pub mod to_lsp;
pub mod uri;

pub use position::{Encoding, LineIndex};
