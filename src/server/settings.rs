//! What the client told us at `initialize`, and the editor's defaults it
//! sends or answers later.

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
    /// The client answers `workspace/configuration`.
    pub configuration: bool,
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
            configuration: false,
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
            configuration: flag(&["workspace", "configuration"]),
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
    // `"ignore": ["asl", "rule-id", ...]`: rules or groups turned off, as
    // `check --ignore` takes them (`asl` is every `asl-*` rule, `iam` every
    // other); a level the client set for a rule wins. The VS Code
    // extension sends `["asl"]` when the AWS Toolkit checks ASL validity.
    let ignored: Vec<&str> = section
        .get("ignore")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if !ignored.is_empty() {
        if !normalized["rules"].is_object() {
            normalized["rules"] = serde_json::json!({});
        }
        for rule in crate::core::rules::all() {
            let off = ignored.iter().any(|&g| match g {
                "asl" => rule.id.starts_with("asl-"),
                "iam" => !rule.id.starts_with("asl-"),
                id => id == rule.id,
            });
            if off && normalized["rules"].get(rule.id).is_none() {
                normalized["rules"][rule.id] = Value::from("off");
            }
        }
    }
    for (key, alias) in [("region", "defaultRegion"), ("account", "defaultAccount")] {
        if let Some(value) = section.get(key).or_else(|| section.get(alias)) {
            normalized[key] = value.clone();
        }
    }
    Defaults::from_json(&normalized)
}

/// The section `workspace/configuration` asks for, as VS Code names it.
pub const SECTION: &str = "aslLsp";

/// The defaults in settings a client sent (`didChangeConfiguration`) or
/// answered (`workspace/configuration`), or `None` when it gave nothing:
/// `null`, not an object, or an empty object (a pull-style client's
/// notification, an editor without our section) leave the settings as
/// they were.
pub fn given_defaults(settings: &Value) -> Option<Defaults> {
    let given = settings.as_object().is_some_and(|o| !o.is_empty());
    given.then(|| editor_defaults(settings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nothing_given_changes_nothing() {
        for nothing in [json!(null), json!({}), json!([]), json!("x")] {
            assert_eq!(given_defaults(&nothing), None, "{nothing}");
        }
        let answered = given_defaults(&json!({"rules": {"unscoped-lambda-invoke": "off"}})).unwrap();
        assert_eq!(answered.rules.get("unscoped-lambda-invoke"), Some(&None));
        let pushed = given_defaults(&json!({"aslLsp": {"defaultRegion": "eu-west-1"}})).unwrap();
        assert_eq!(pushed.region.as_deref(), Some("eu-west-1"));
        // An empty section is given: it clears what was set before.
        assert_eq!(given_defaults(&json!({"aslLsp": {}})), Some(Defaults::default()));
        // A group turned off: every rule of it, unless a level is set.
        let toolkit =
            given_defaults(&json!({"ignore": ["asl"], "rules": {"asl-unknown-state": "hint"}})).unwrap();
        let asl_rules: Vec<&str> = crate::core::rules::all()
            .iter()
            .map(|r| r.id)
            .filter(|id| id.starts_with("asl-"))
            .collect();
        assert!(asl_rules.len() > 10);
        for id in &asl_rules {
            let expected = if *id == "asl-unknown-state" {
                Some(crate::core::diagnostic::Severity::Hint)
            } else {
                None
            };
            assert_eq!(toolkit.rules.get(*id), Some(&expected), "{id}");
        }
        assert_eq!(toolkit.rules.get("unscoped-lambda-invoke"), None);
        assert_eq!(toolkit.rules.len(), asl_rules.len());
        let settings = Settings::from_initialize(&json!({"workspace": {"configuration": true}}), None);
        assert!(settings.configuration);
        assert!(!Settings::from_initialize(&json!({}), None).configuration);
    }
}
