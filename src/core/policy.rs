//! The complete least-privilege policy for a definition.

use crate::core::files::{FileId, FileSet};

/// The policy document (`{"Version", "Statement"}`) the definition's role
/// needs, or `None` when `definition` is not a definition.
pub fn least_privilege(_files: &FileSet, _definition: FileId) -> Option<serde_json::Value> {
    None
}
