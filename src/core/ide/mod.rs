//! Cursor features over ASL definitions, in byte offsets and byte ranges:
//! hover, inlay hints, document symbols, go to definition, references,
//! rename and completion (which also works in the policy documents linked
//! to them). A definition is a standalone JSON or YAML file, or one written
//! inline in a template (whose tree's spans are already offsets into the
//! template); definitions held in a string (`DefinitionString`) are left
//! out. Every function is total: any offset, any text.

mod common;
mod complete;
mod complete_policy;
mod hover;
mod names;
mod navigate;
mod permissions;
mod rename;
mod symbols;

pub use common::{CompletionItem, CompletionKind};
pub use complete::completion;
pub use hover::hover;
pub use navigate::{definition_targets, goto_definition, reference_targets, references};
pub use permissions::{granted_tasks, granting_statements, permission_hints, PermissionHint};
pub use rename::{prepare_rename, rename, MAX_NAME_CHARS};
pub use symbols::{document_symbols, Symbol, SymbolKind};

use crate::core::classify::Format;

/// Whether a document may hold a role's policy, whose completion reads
/// the definitions linked to it: JSON not named as a definition or a
/// configuration, that mentions `"Statement"`, or a JSON or YAML template
/// that mentions `Statement` (the policies written in it).
pub fn may_be_policy(path: &str, text: &str) -> bool {
    if crate::core::classify::kind_by_name(path).is_some() {
        return false;
    }
    match crate::core::classify::format_of(path) {
        Some(Format::Json) => text.contains("\"Statement\""),
        Some(Format::Yaml) => text.contains("Statement"),
        _ => false,
    }
}
