//! The core's cursor features → LSP shapes: document symbols (hierarchical
//! or flat), locations, inlay hints, completion items and rename edits.

use serde_json::{json, Value};

use crate::core::asl::model::StateType;
use crate::core::diagnostic::Location;
use crate::core::files::FileId;
use crate::core::ide::{CompletionItem, CompletionKind, PermissionHint, Symbol, SymbolKind};
use crate::core::text::TextRange;
use crate::protocol::position::Positions;

/// The LSP `SymbolKind` number.
pub fn symbol_kind(kind: SymbolKind) -> u8 {
    match kind {
        SymbolKind::State(StateType::Task) => 12,    // Function
        SymbolKind::State(StateType::Choice) => 10,  // Enum
        SymbolKind::State(StateType::Parallel) => 2, // Module
        SymbolKind::State(StateType::Map) => 3,      // Namespace
        SymbolKind::State(StateType::Pass) => 13,    // Variable
        SymbolKind::State(StateType::Wait) => 24,    // Event
        SymbolKind::State(StateType::Succeed | StateType::Fail) => 14, // Constant
        SymbolKind::State(StateType::Unknown) => 19, // Object
        SymbolKind::Branch => 4,                     // Package
        SymbolKind::Machine => 5,                    // Class
    }
}

/// `DocumentSymbol[]`, nested as the core gives them.
pub fn document_symbols(symbols: &[Symbol], positions: &Positions, file: FileId) -> Value {
    // Depth is bounded by the model's scope cap; recursion is fine here.
    Value::Array(
        symbols
            .iter()
            .map(|s| {
                let mut out = json!({
                    "name": s.name,
                    "kind": symbol_kind(s.kind),
                    "range": positions.range(file, s.range),
                    "selectionRange": positions.range(file, s.selection),
                    "children": document_symbols(&s.children, positions, file),
                });
                if let Some(detail) = &s.detail {
                    out["detail"] = json!(detail);
                }
                out
            })
            .collect(),
    )
}

/// `SymbolInformation[]` for clients without hierarchical symbols: every
/// symbol in document order, each with its parent's name.
pub fn symbol_information(symbols: &[Symbol], positions: &Positions, file: FileId, uri: &str) -> Value {
    let mut out = Vec::new();
    let mut stack: Vec<(&Symbol, Option<&str>)> = symbols.iter().rev().map(|s| (s, None)).collect();
    while let Some((symbol, container)) = stack.pop() {
        let mut item = json!({
            "name": symbol.name,
            "kind": symbol_kind(symbol.kind),
            "location": {"uri": uri, "range": positions.range(file, symbol.range)},
        });
        if let Some(container) = container {
            item["containerName"] = json!(container);
        }
        out.push(item);
        stack.extend(
            symbol
                .children
                .iter()
                .rev()
                .map(|c| (c, Some(symbol.name.as_str()))),
        );
    }
    Value::Array(out)
}

/// `Location[]` in any file of the snapshot, each named by `uri_of`.
pub fn locations_in(
    locations: &[Location],
    positions: &Positions,
    uri_of: impl Fn(FileId) -> String,
) -> Value {
    Value::Array(
        locations
            .iter()
            .map(|l| json!({"uri": uri_of(l.file), "range": positions.range(l.file, l.range)}))
            .collect(),
    )
}

/// `InlayHint[]`: each label after its position, its tooltip in markdown.
pub fn inlay_hints(hints: &[PermissionHint], positions: &Positions, file: FileId) -> Value {
    Value::Array(
        hints
            .iter()
            .map(|h| {
                let at = TextRange::new(h.offset, h.offset);
                json!({
                    "position": positions.range(file, at)["start"],
                    "label": h.label,
                    "paddingLeft": true,
                    "tooltip": {"kind": "markdown", "value": h.tooltip},
                })
            })
            .collect(),
    )
}

/// The LSP `CompletionItemKind` number.
pub fn completion_kind(kind: CompletionKind) -> u8 {
    match kind {
        CompletionKind::State(_) => 18,       // Reference
        CompletionKind::StateType => 20,      // EnumMember
        CompletionKind::Resource => 12,       // Value
        CompletionKind::Action { .. } => 3,   // Function
        CompletionKind::PolicyResource => 12, // Value
    }
}

/// A `CompletionList` (complete: the items do not depend on what is typed).
pub fn completion_list(items: &[CompletionItem], positions: &Positions, file: FileId) -> Value {
    let items: Vec<Value> = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let mut out = json!({
                "label": item.label,
                "kind": completion_kind(item.kind),
                "sortText": format!("{i:04}"),
                "filterText": item.label,
                "textEdit": {"range": positions.range(file, item.range), "newText": item.new_text},
            });
            if let Some(detail) = &item.detail {
                out["detail"] = json!(detail);
            }
            out
        })
        .collect();
    json!({"isIncomplete": false, "items": items})
}

/// A `WorkspaceEdit` for edits to one document: versioned
/// `documentChanges` when the client takes them, else `changes`.
pub fn document_edit(
    edits: &[(TextRange, String)],
    positions: &Positions,
    file: FileId,
    uri: &str,
    document_changes: bool,
) -> Value {
    let mut sorted: Vec<&(TextRange, String)> = edits.iter().collect();
    sorted.sort_by_key(|(r, _)| (r.start, r.end));
    let text_edits: Vec<Value> = sorted
        .iter()
        .map(|(r, t)| json!({"range": positions.range(file, *r), "newText": t}))
        .collect();
    if document_changes {
        let version = positions.files().get(file).version;
        json!({"documentChanges": [{"textDocument": {"uri": uri, "version": version}, "edits": text_edits}]})
    } else {
        json!({"changes": {uri: text_edits}})
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::files::FileSet;
    use crate::protocol::Encoding;

    #[test]
    fn flat_symbols_name_their_container() {
        let mut files = FileSet::new();
        let id = files.insert("/w/a.asl.json", "0123456789", Some(3));
        let positions = Positions::new(&files, Encoding::Utf16);
        let leaf = |name: &str, children| Symbol {
            name: name.into(),
            detail: None,
            kind: SymbolKind::State(StateType::Pass),
            range: TextRange::new(0, 1),
            selection: TextRange::new(0, 1),
            children,
        };
        let symbols = [leaf("P", vec![leaf("A", vec![])]), leaf("B", vec![])];
        let flat = symbol_information(&symbols, &positions, id, "file:///w/a.asl.json");
        let names: Vec<(String, Value)> = flat
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["name"].as_str().unwrap().to_string(),
                    s["containerName"].clone(),
                )
            })
            .collect();
        assert_eq!(
            names,
            [
                ("P".to_string(), Value::Null),
                ("A".to_string(), json!("P")),
                ("B".to_string(), Value::Null)
            ]
        );
        let edit = document_edit(
            &[
                (TextRange::new(4, 5), "x".into()),
                (TextRange::new(1, 2), "y".into()),
            ],
            &positions,
            id,
            "file:///w/a.asl.json",
            true,
        );
        assert_eq!(edit["documentChanges"][0]["textDocument"]["version"], 3);
        assert_eq!(edit["documentChanges"][0]["edits"][0]["newText"], "y");
    }
}
