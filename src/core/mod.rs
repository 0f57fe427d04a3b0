//! The analysis core: pure functions over files handed in by the caller.
//! No LSP types, no async runtime, no file system, no clock.

pub mod analysis;
pub mod asl;
pub mod autofix;
pub mod cancel;
pub mod catalog;
pub mod classify;
pub mod config;
pub mod diagnostic;
pub mod files;
pub mod fix;
pub mod hash;
pub mod host;
pub mod iam;
pub mod ide;
pub mod lines;
pub mod link;
pub mod permissions;
pub mod rules;
pub mod sar;
pub mod suggest;
pub mod syntax;
pub mod template;
pub mod text;
pub mod unit;
pub mod workspace;

pub use analysis::{analyze, analyze_cached, analyze_with, Analysis, Defaults, ParseCache};
pub use host::{AnalysisHost, Snapshot};
