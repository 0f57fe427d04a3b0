//! Fixes → LSP `WorkspaceEdit`s. The canonical form is versioned
//! `documentChanges`; [`to_changes_map`] turns it into the plain `changes`
//! map for clients without `documentChanges` support.

use serde_json::{json, Map, Value};

use crate::core::diagnostic::{replacements, FileEdit, Fix};
use crate::protocol::position::Positions;
use crate::protocol::uri;

/// `{"title", "isPreferred", "edit": WorkspaceEdit}`.
pub fn fix_to_json(fix: &Fix, positions: &Positions) -> Value {
    let title = if fix.safe {
        fix.title.clone()
    } else {
        format!("{} (unsafe)", fix.title)
    };
    json!({
        "title": title,
        "isPreferred": fix.preferred,
        "edit": workspace_edit(&fix.edits, positions),
    })
}

pub fn workspace_edit(edits: &[FileEdit], positions: &Positions) -> Value {
    let files = positions.files();
    let mut document_changes: Vec<Value> = Vec::new();
    // Creates first, so edits may target the new file.
    for edit in edits {
        if let FileEdit::Create { path, text } = edit {
            let uri = uri::from_path(path);
            document_changes.push(json!({"kind": "create", "uri": uri, "options": {"ignoreIfExists": true}}));
            document_changes.push(json!({
                "textDocument": {"uri": uri, "version": null},
                "edits": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "newText": text}],
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
        let mut text_edits: Vec<(u32, u32, Value)> = replacements(edits, file)
            .map(|(range, new_text)| {
                (
                    range.start,
                    range.end,
                    json!({"range": positions.range(file, range), "newText": new_text}),
                )
            })
            .collect();
        text_edits.sort_by_key(|(s, e, _)| (*s, *e));
        document_changes.push(json!({
            "textDocument": {"uri": positions.uri(file), "version": files.get(file).version},
            "edits": text_edits.into_iter().map(|(_, _, v)| v).collect::<Vec<_>>(),
        }));
    }
    json!({ "documentChanges": document_changes })
}

/// The `changes` form of a `documentChanges` edit (file creation cannot be
/// expressed there: created files become edits at their start).
pub fn to_changes_map(edit: &Value) -> Value {
    let mut changes: Map<String, Value> = Map::new();
    for change in edit["documentChanges"].as_array().into_iter().flatten() {
        let Some(uri) = change["textDocument"]["uri"].as_str() else {
            continue;
        };
        let entry = changes.entry(uri.to_string()).or_insert_with(|| json!([]));
        if let (Some(list), Some(edits)) = (entry.as_array_mut(), change["edits"].as_array()) {
            list.extend(edits.iter().cloned());
        }
    }
    json!({ "changes": changes })
}
