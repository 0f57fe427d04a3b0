//! Fixes → typed LSP `WorkspaceEdit`s. The canonical form is versioned
//! `documentChanges`; [`to_changes_map`] turns it into the plain `changes`
//! map for clients without `documentChanges` support.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types::{
    CreateFile, CreateFileOptions, DocumentChangeOperation, DocumentChanges, OneOf,
    OptionalVersionedTextDocumentIdentifier, Position, Range, ResourceOp, TextDocumentEdit, TextEdit, Uri,
    WorkspaceEdit,
};

use crate::core::diagnostic::{replacements, FileEdit, Fix};
use crate::protocol::position::Positions;
use crate::protocol::uri;

/// One fix as it travels in a diagnostic's `data.fixes`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FixData {
    pub title: String,
    pub is_preferred: bool,
    pub edit: WorkspaceEdit,
}

/// A diagnostic's `data`: its fixes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DiagnosticData {
    pub fixes: Vec<FixData>,
}

pub fn fix_to_lsp(fix: &Fix, positions: &Positions) -> FixData {
    let title = if fix.safe {
        fix.title.clone()
    } else {
        format!("{} (unsafe)", fix.title)
    };
    FixData {
        title,
        is_preferred: fix.preferred,
        edit: workspace_edit(&fix.edits, positions),
    }
}

pub fn workspace_edit(edits: &[FileEdit], positions: &Positions) -> WorkspaceEdit {
    let files = positions.files();
    let start = Range::new(Position::new(0, 0), Position::new(0, 0));
    let mut operations: Vec<DocumentChangeOperation> = Vec::new();
    // Creates first, so edits may target the new file.
    for edit in edits {
        if let FileEdit::Create { path, text } = edit {
            let Ok(uri) = uri::from_path(path).parse::<Uri>() else {
                continue;
            };
            operations.push(DocumentChangeOperation::Op(ResourceOp::Create(CreateFile {
                uri: uri.clone(),
                options: Some(CreateFileOptions {
                    overwrite: None,
                    ignore_if_exists: Some(true),
                }),
                annotation_id: None,
            })));
            operations.push(DocumentChangeOperation::Edit(TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier { uri, version: None },
                edits: vec![OneOf::Left(TextEdit::new(start, text.clone()))],
            }));
        }
    }
    let mut order: Vec<crate::core::files::FileId> = Vec::new();
    for edit in edits {
        if let FileEdit::Replace { file, .. } = edit {
            if !order.contains(file) {
                order.push(*file);
            }
        }
    }
    for file in order {
        let Some(uri) = positions.lsp_uri(file) else {
            continue;
        };
        let mut text_edits: Vec<(u32, u32, TextEdit)> = replacements(edits, file)
            .map(|(range, new_text)| {
                (
                    range.start,
                    range.end,
                    TextEdit::new(positions.range(file, range), new_text.to_string()),
                )
            })
            .collect();
        text_edits.sort_by_key(|(s, e, _)| (*s, *e));
        operations.push(DocumentChangeOperation::Edit(TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier {
                uri,
                version: files.get(file).version,
            },
            edits: text_edits.into_iter().map(|(_, _, e)| OneOf::Left(e)).collect(),
        }));
    }
    WorkspaceEdit {
        document_changes: Some(DocumentChanges::Operations(operations)),
        ..WorkspaceEdit::default()
    }
}

/// The text edits of each document of a `documentChanges` edit, in order
/// (file operations left out).
pub fn document_edits(edit: &WorkspaceEdit) -> Vec<&TextDocumentEdit> {
    match &edit.document_changes {
        None => Vec::new(),
        Some(DocumentChanges::Edits(edits)) => edits.iter().collect(),
        Some(DocumentChanges::Operations(operations)) => operations
            .iter()
            .filter_map(|o| match o {
                DocumentChangeOperation::Edit(edit) => Some(edit),
                DocumentChangeOperation::Op(_) => None,
            })
            .collect(),
    }
}

/// The `changes` form of a `documentChanges` edit (file creation cannot be
/// expressed there: created files become edits at their start).
pub fn to_changes_map(edit: &WorkspaceEdit) -> WorkspaceEdit {
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for document in document_edits(edit) {
        changes
            .entry(document.text_document.uri.clone())
            .or_default()
            .extend(document.edits.iter().map(|e| match e {
                OneOf::Left(edit) => edit.clone(),
                OneOf::Right(annotated) => annotated.text_edit.clone(),
            }));
    }
    WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    }
}
