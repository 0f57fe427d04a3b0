//! What the client told us at `initialize`.

use serde_json::Value;

use crate::core::Defaults;
use crate::protocol::Encoding;

#[derive(Clone, Debug)]
pub struct Settings {
    pub encoding: Encoding,
    pub debounce_ms: u64,
    pub document_changes: bool,
    pub related_information: bool,
    pub code_description: bool,
    pub tags: bool,
    pub dynamic_watch: bool,
    /// The client nests document symbols (`DocumentSymbol[]`).
    pub hierarchical_symbols: bool,
    /// The client asks `textDocument/prepareRename` first.
    pub prepare_rename: bool,
    /// Rule levels, region and account from the editor's settings.
    pub defaults: Defaults,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            encoding: Encoding::Utf16,
            debounce_ms: 150,
            document_changes: false,
            related_information: false,
            code_description: false,
            tags: false,
            dynamic_watch: false,
            hierarchical_symbols: false,
            prepare_rename: false,
            defaults: Defaults::default(),
        }
    }
}

impl Settings {
    /// Reads the client capabilities and `initializationOptions` as JSON
    /// (the typed structs would make every optional flag a nested match).
    pub fn from_initialize(capabilities: &Value, options: Option<&Value>) -> Settings {
        let flag = |path: &[&str]| {
            let mut v = capabilities;
            for p in path {
                v = &v[p];
            }
            v.as_bool().unwrap_or(false)
        };
        let offers_utf8 = capabilities["general"]["positionEncodings"]
            .as_array()
            .is_some_and(|list| list.iter().any(|e| e == "utf-8"));
        let publish = ["textDocument", "publishDiagnostics"];
        Settings {
            encoding: if offers_utf8 {
                Encoding::Utf8
            } else {
                Encoding::Utf16
            },
            debounce_ms: options
                .and_then(|o| o.get("debounceMs"))
                .and_then(Value::as_u64)
                .unwrap_or(150)
                .min(5_000),
            document_changes: flag(&["workspace", "workspaceEdit", "documentChanges"]),
            related_information: flag(&[publish[0], publish[1], "relatedInformation"]),
            code_description: flag(&[publish[0], publish[1], "codeDescriptionSupport"]),
            tags: !capabilities[publish[0]][publish[1]]["tagSupport"].is_null(),
            dynamic_watch: flag(&["workspace", "didChangeWatchedFiles", "dynamicRegistration"]),
            hierarchical_symbols: flag(&[
                "textDocument",
                "documentSymbol",
                "hierarchicalDocumentSymbolSupport",
            ]),
            prepare_rename: flag(&["textDocument", "rename", "prepareSupport"]),
            defaults: options.map(editor_defaults).unwrap_or_default(),
        }
    }
}

/// The editor's defaults from `initializationOptions` (`{"rules", "region",
/// "account"}`) or from `workspace/didChangeConfiguration` settings, which
/// VS Code sends as its `aslLsp` section (`defaultRegion`, `defaultAccount`).
pub fn editor_defaults(settings: &Value) -> Defaults {
    let section = settings.get("aslLsp").unwrap_or(settings);
    let mut normalized = serde_json::json!({ "rules": section.get("rules").cloned().unwrap_or(Value::Null) });
    for (key, alias) in [("region", "defaultRegion"), ("account", "defaultAccount")] {
        if let Some(value) = section.get(key).or_else(|| section.get(alias)) {
            normalized[key] = value.clone();
        }
    }
    Defaults::from_json(&normalized)
}
