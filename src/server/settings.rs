//! What the client told us at `initialize`.

use serde_json::Value;

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
        }
    }
}
