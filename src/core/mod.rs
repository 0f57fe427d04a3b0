//! The analysis core: pure functions over files handed in by the caller.
//! No LSP types, no async runtime, no file system, no clock.

pub mod catalog;
pub mod diagnostic;
pub mod files;
pub mod iam;
pub mod syntax;
pub mod text;
