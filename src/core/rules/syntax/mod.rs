//! Findings about the text itself: JSON/YAML syntax errors, comments in
//! JSON (AWS rejects them), a configuration file that makes no sense, and
//! a template's `DefinitionUri` that names no file.

use crate::core::diagnostic::Finding;
use crate::core::files::FileId;
use crate::core::syntax::Parsed;

pub mod asl_json_comment;
pub mod asl_syntax;
pub mod definition_uri_not_found;
pub mod invalid_config;

pub use asl_json_comment::COMMENT;
pub use asl_syntax::SYNTAX;
pub use definition_uri_not_found::DEFINITION_URI;
pub use invalid_config::CONFIG;

/// A file's syntax errors, and its comments where AWS rejects them.
pub fn check(file: FileId, parsed: &Parsed, report_comments: bool, out: &mut Vec<Finding>) {
    asl_syntax::check(file, parsed, out);
    if report_comments {
        asl_json_comment::check(file, parsed, out);
    }
}
