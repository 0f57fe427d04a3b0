//! What the cursor features share: the definitions written in a file, the
//! state names under the cursor, and the completion item.

use std::sync::Arc;

use crate::core::asl::model::{ScopeId, StateId, StateType};
use crate::core::asl::StateMachine;
use crate::core::classify::{FileKind, Format};
use crate::core::files::{FileId, FileSet};
use crate::core::syntax::Node;
use crate::core::text::TextRange;
use crate::core::workspace::Workspace;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    /// A state name, with the state's type.
    State(StateType),
    StateType,
    Resource,
    /// An IAM action in a policy; `needed` when a linked task needs it.
    Action {
        needed: bool,
    },
    /// A resource ARN a linked task needs, in a policy.
    PolicyResource,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    /// What the item replaces, and with what.
    pub range: TextRange,
    pub new_text: String,
}

/// One definition in a file, with its spans in that file.
pub(crate) struct Definition {
    pub root: Arc<Node>,
    pub format: Format,
    /// For a definition inside a template: the state machine's logical id,
    /// its resource member's span and its key's span.
    pub resource: Option<(String, TextRange, TextRange)>,
}

/// The definitions written in `file` whose tree spans are offsets into it.
pub(crate) fn definitions(files: &FileSet, file: FileId) -> Vec<Definition> {
    if file.0 as usize >= files.len() {
        return Vec::new();
    }
    let workspace = Workspace::new(files);
    match workspace.kind(file) {
        // The file's own tree, as written (no template substitutions).
        FileKind::Definition(format) => workspace
            .shared_root(file)
            .map(|root| Definition {
                root,
                format,
                resource: None,
            })
            .into_iter()
            .collect(),
        FileKind::Template(_) => crate::core::link::units(&workspace)
            .0
            .into_iter()
            .filter(|u| u.definition.file == file && u.definition.map.is_none())
            .map(|u| {
                let resource = u.machine.as_ref().and_then(|m| {
                    let member = m.root.get("Resources")?.member(&m.logical_id)?;
                    Some((m.logical_id.clone(), member.span(), member.key_span))
                });
                Definition {
                    root: u.definition.root.clone(),
                    format: u.definition.format,
                    resource,
                }
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether `offset` is within `range`, its end included (a cursor just
/// after a name is still on it).
pub(crate) fn touches(range: TextRange, offset: usize) -> bool {
    range.start() <= offset && offset <= range.end()
}

/// Every place in `scope` that names a state of it: the scope's `StartAt`
/// and every `Next`, `Default`, Choice rule `Next` and Catch `Next` of its
/// states, in document order.
pub(crate) fn references_in<'a>(machine: &StateMachine<'a>, scope: ScopeId) -> Vec<(&'a str, &'a Node)> {
    let scope = machine.scope(scope);
    let mut out: Vec<(&'a str, &'a Node)> = Vec::new();
    if let Some(node) = scope.start_at {
        if let Some(name) = node.as_str() {
            out.push((name, node));
        }
    }
    for &id in &scope.states {
        out.extend(machine.state(id).transitions());
    }
    out.sort_by_key(|(_, node)| node.span.start);
    out
}

/// A state name under the cursor: on a state's key, or in a value that
/// names a state.
pub(crate) struct NameAt<'a> {
    pub scope: ScopeId,
    pub name: &'a str,
    /// The state it names, if the scope has one by that name.
    pub state: Option<StateId>,
    /// The span under the cursor (quotes included).
    pub span: TextRange,
}

/// The state name at `offset` in `machine`, if any (the innermost one).
pub(crate) fn name_at<'a>(machine: &StateMachine<'a>, offset: usize) -> Option<NameAt<'a>> {
    let mut found: Option<NameAt<'a>> = None;
    for state in &machine.states {
        if touches(state.name_span(), offset) {
            found = Some(NameAt {
                scope: state.scope,
                name: state.name,
                state: Some(state.id),
                span: state.name_span(),
            });
        }
    }
    if found.is_some() {
        return found;
    }
    for scope in &machine.scopes {
        for (name, node) in references_in(machine, scope.id) {
            if touches(node.span, offset) {
                return Some(NameAt {
                    scope: scope.id,
                    name,
                    state: machine.find(scope.id, name),
                    span: node.span,
                });
            }
        }
    }
    None
}
