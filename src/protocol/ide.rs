//! The core's cursor features → typed LSP values: document symbols
//! (hierarchical or flat), locations, inlay hints, completion items and
//! rename edits.

use std::collections::HashMap;

use tower_lsp_server::ls_types::{
    CompletionItem as LspCompletionItem, CompletionItemKind, CompletionList, CompletionTextEdit,
    DocumentChanges, DocumentSymbol, InlayHint, InlayHintLabel, InlayHintTooltip, Location as LspLocation,
    MarkupContent, MarkupKind, OneOf, OptionalVersionedTextDocumentIdentifier, SymbolInformation,
    SymbolKind as LspSymbolKind, TextDocumentEdit, TextEdit, Uri, WorkspaceEdit,
};

use crate::core::asl::model::StateType;
use crate::core::diagnostic::Location;
use crate::core::files::FileId;
use crate::core::ide::{CompletionItem, CompletionKind, PermissionHint, Symbol, SymbolKind};
use crate::core::text::TextRange;
use crate::protocol::position::Positions;

/// The LSP `SymbolKind`.
pub fn symbol_kind(kind: SymbolKind) -> LspSymbolKind {
    match kind {
        SymbolKind::State(StateType::Task) => LspSymbolKind::FUNCTION,
        SymbolKind::State(StateType::Choice) => LspSymbolKind::ENUM,
        SymbolKind::State(StateType::Parallel) => LspSymbolKind::MODULE,
        SymbolKind::State(StateType::Map) => LspSymbolKind::NAMESPACE,
        SymbolKind::State(StateType::Pass) => LspSymbolKind::VARIABLE,
        SymbolKind::State(StateType::Wait) => LspSymbolKind::EVENT,
        SymbolKind::State(StateType::Succeed | StateType::Fail) => LspSymbolKind::CONSTANT,
        SymbolKind::State(StateType::Unknown) => LspSymbolKind::OBJECT,
        SymbolKind::Branch => LspSymbolKind::PACKAGE,
        SymbolKind::Machine => LspSymbolKind::CLASS,
    }
}

/// `DocumentSymbol[]`, nested as the core gives them.
pub fn document_symbols(symbols: &[Symbol], positions: &Positions, file: FileId) -> Vec<DocumentSymbol> {
    // Depth is bounded by the model's scope cap; recursion is fine here.
    symbols
        .iter()
        .map(|s| {
            #[allow(deprecated)]
            DocumentSymbol {
                name: s.name.clone(),
                detail: s.detail.clone(),
                kind: symbol_kind(s.kind),
                tags: None,
                deprecated: None,
                range: positions.range(file, s.range),
                selection_range: positions.range(file, s.selection),
                children: Some(document_symbols(&s.children, positions, file)),
            }
        })
        .collect()
}

/// `SymbolInformation[]` for clients without hierarchical symbols: every
/// symbol in document order, each with its parent's name.
pub fn symbol_information(
    symbols: &[Symbol],
    positions: &Positions,
    file: FileId,
    uri: &Uri,
) -> Vec<SymbolInformation> {
    let mut out = Vec::new();
    let mut stack: Vec<(&Symbol, Option<&str>)> = symbols.iter().rev().map(|s| (s, None)).collect();
    while let Some((symbol, container)) = stack.pop() {
        #[allow(deprecated)]
        out.push(SymbolInformation {
            name: symbol.name.clone(),
            kind: symbol_kind(symbol.kind),
            tags: None,
            deprecated: None,
            location: LspLocation::new(uri.clone(), positions.range(file, symbol.range)),
            container_name: container.map(str::to_string),
        });
        stack.extend(
            symbol
                .children
                .iter()
                .rev()
                .map(|c| (c, Some(symbol.name.as_str()))),
        );
    }
    out
}

/// `Location[]` in any file of the snapshot, each named by `uri_of`.
pub fn locations_in(
    locations: &[Location],
    positions: &Positions,
    uri_of: impl Fn(FileId) -> Option<Uri>,
) -> Vec<LspLocation> {
    locations
        .iter()
        .filter_map(|l| {
            Some(LspLocation::new(
                uri_of(l.file)?,
                positions.range(l.file, l.range),
            ))
        })
        .collect()
}

/// `InlayHint[]`: each label after its position, its tooltip in markdown.
pub fn inlay_hints(hints: &[PermissionHint], positions: &Positions, file: FileId) -> Vec<InlayHint> {
    hints
        .iter()
        .map(|h| InlayHint {
            position: positions.range(file, TextRange::new(h.offset, h.offset)).start,
            label: InlayHintLabel::String(h.label.clone()),
            kind: None,
            text_edits: None,
            tooltip: Some(InlayHintTooltip::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value: h.tooltip.clone(),
            })),
            padding_left: Some(true),
            padding_right: None,
            data: None,
        })
        .collect()
}

/// The LSP `CompletionItemKind`.
pub fn completion_kind(kind: CompletionKind) -> CompletionItemKind {
    match kind {
        CompletionKind::State(_) => CompletionItemKind::REFERENCE,
        CompletionKind::StateType => CompletionItemKind::ENUM_MEMBER,
        CompletionKind::Resource => CompletionItemKind::VALUE,
        CompletionKind::Action { .. } => CompletionItemKind::FUNCTION,
        CompletionKind::PolicyResource => CompletionItemKind::VALUE,
    }
}

/// A `CompletionList` (complete: the items do not depend on what is typed).
pub fn completion_list(items: &[CompletionItem], positions: &Positions, file: FileId) -> CompletionList {
    let items = items
        .iter()
        .enumerate()
        .map(|(i, item)| LspCompletionItem {
            label: item.label.clone(),
            kind: Some(completion_kind(item.kind)),
            detail: item.detail.clone(),
            sort_text: Some(format!("{i:04}")),
            filter_text: Some(item.label.clone()),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                positions.range(file, item.range),
                item.new_text.clone(),
            ))),
            ..LspCompletionItem::default()
        })
        .collect();
    CompletionList {
        is_incomplete: false,
        items,
    }
}

/// A `WorkspaceEdit` for edits to one document: versioned
/// `documentChanges` when the client takes them, else `changes`.
pub fn document_edit(
    edits: &[(TextRange, String)],
    positions: &Positions,
    file: FileId,
    uri: &Uri,
    document_changes: bool,
) -> WorkspaceEdit {
    let mut sorted: Vec<&(TextRange, String)> = edits.iter().collect();
    sorted.sort_by_key(|(r, _)| (r.start, r.end));
    let text_edits: Vec<TextEdit> = sorted
        .iter()
        .map(|(r, t)| TextEdit::new(positions.range(file, *r), t.clone()))
        .collect();
    if document_changes {
        let version = positions.files().get(file).version;
        WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: uri.clone(),
                    version,
                },
                edits: text_edits.into_iter().map(OneOf::Left).collect(),
            }])),
            ..WorkspaceEdit::default()
        }
    } else {
        WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), text_edits)])),
            ..WorkspaceEdit::default()
        }
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
        let uri: Uri = "file:///w/a.asl.json".parse().unwrap();
        let flat = symbol_information(&symbols, &positions, id, &uri);
        let names: Vec<(&str, Option<&str>)> = flat
            .iter()
            .map(|s| (s.name.as_str(), s.container_name.as_deref()))
            .collect();
        assert_eq!(names, [("P", None), ("A", Some("P")), ("B", None)]);
        let edit = document_edit(
            &[
                (TextRange::new(4, 5), "x".into()),
                (TextRange::new(1, 2), "y".into()),
            ],
            &positions,
            id,
            &uri,
            true,
        );
        let edit = serde_json::to_value(edit).unwrap();
        assert_eq!(edit["documentChanges"][0]["textDocument"]["version"], 3);
        assert_eq!(edit["documentChanges"][0]["edits"][0]["newText"], "y");
    }
}
