//! What the client told us at `initialize`, and the editor's defaults it
//! sends or answers later.

use serde_json::Value;
use tower_lsp_server::ls_types::{ClientCapabilities, PositionEncodingKind};

use crate::core::Defaults;
use crate::protocol::Encoding;

#[derive(Clone, Debug)]
pub struct Settings {
    pub encoding: Encoding,
    /// The client's `debounceMs`; `None`: adapt to how long runs take.
    pub debounce_ms: Option<u64>,
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
    /// The client pulls diagnostics (`textDocument/diagnostic`): none are
    /// pushed.
    pub pull_diagnostics: bool,
    /// The client takes `workspace/diagnostic/refresh`.
    pub diagnostic_refresh: bool,
    /// Rule levels, region and account from the editor's settings.
    pub defaults: Defaults,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            encoding: Encoding::Utf16,
            debounce_ms: None,
            document_changes: false,
            related_information: false,
            code_description: false,
            tags: false,
            dynamic_watch: false,
            hierarchical_symbols: false,
            prepare_rename: false,
            configuration: false,
            pull_diagnostics: false,
            diagnostic_refresh: false,
            defaults: Defaults::default(),
        }
    }
}

impl Settings {
    /// Reads the client's capabilities and `initializationOptions` (the
    /// options are ours, free-form JSON).
    pub fn from_initialize(capabilities: &ClientCapabilities, options: Option<&Value>) -> Settings {
        let text = capabilities.text_document.as_ref();
        let workspace = capabilities.workspace.as_ref();
        let publish = text.and_then(|t| t.publish_diagnostics.as_ref());
        let yes = |flag: Option<bool>| flag.unwrap_or(false);
        let offers_utf8 = capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|list| list.contains(&PositionEncodingKind::UTF8));
        Settings {
            encoding: if offers_utf8 {
                Encoding::Utf8
            } else {
                Encoding::Utf16
            },
            debounce_ms: options
                .and_then(|o| o.get("debounceMs"))
                .and_then(Value::as_u64)
                .map(|ms| ms.min(5_000)),
            document_changes: yes(workspace
                .and_then(|w| w.workspace_edit.as_ref())
                .and_then(|e| e.document_changes)),
            related_information: yes(publish.and_then(|p| p.related_information)),
            code_description: yes(publish.and_then(|p| p.code_description_support)),
            tags: publish.is_some_and(|p| p.tag_support.is_some()),
            dynamic_watch: yes(workspace
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|w| w.dynamic_registration)),
            hierarchical_symbols: yes(text
                .and_then(|t| t.document_symbol.as_ref())
                .and_then(|s| s.hierarchical_document_symbol_support)),
            prepare_rename: yes(text
                .and_then(|t| t.rename.as_ref())
                .and_then(|r| r.prepare_support)),
            configuration: yes(workspace.and_then(|w| w.configuration)),
            // A finding spans files (a task and the statement for it): pull
            // only for clients that take the linked files' reports with a
            // document's, or those would go stale; push otherwise.
            pull_diagnostics: yes(text
                .and_then(|t| t.diagnostic.as_ref())
                .and_then(|d| d.related_document_support)),
            diagnostic_refresh: yes(workspace
                .and_then(|w| w.diagnostics.as_ref())
                .and_then(|d| d.refresh_support)),
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
        let capabilities = |value: Value| -> ClientCapabilities { serde_json::from_value(value).unwrap() };
        let settings =
            Settings::from_initialize(&capabilities(json!({"workspace": {"configuration": true}})), None);
        assert!(settings.configuration);
        assert!(!Settings::from_initialize(&capabilities(json!({})), None).configuration);
    }
}
