//! `.asl-lsp.json`: which policies belong to which definition, and rule
//! severity overrides. Its JSON Schema is `schemas/asl-lsp.schema.json`.

use std::collections::HashMap;

use crate::core::diagnostic::Severity;
use crate::core::files::{join, parent_dir};
use crate::core::syntax::Node;
use crate::core::text::TextRange;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    /// The folder the config file sits in; its paths are relative to it.
    pub dir: String,
    pub state_machines: Vec<StateMachineEntry>,
    /// `None` = the rule is off.
    pub rules: HashMap<String, Option<Severity>>,
    pub problems: Vec<(TextRange, String)>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct StateMachineEntry {
    /// Absolute, normalized paths.
    pub definition: String,
    pub policies: Vec<String>,
    pub trust_policy: Option<String>,
    pub region: Option<String>,
    pub account: Option<String>,
    pub partition: Option<String>,
}

impl Config {
    pub fn from_tree(path: &str, root: &Node) -> Config {
        let dir = parent_dir(path).to_string();
        let mut config = Config {
            dir: dir.clone(),
            ..Config::default()
        };
        if !root.is_object() {
            config
                .problems
                .push((root.span, "The configuration must be a JSON object".into()));
            return config;
        }
        for member in root.members() {
            match member.key.as_str() {
                "$schema" => {}
                "stateMachines" => {
                    for entry in member.value.elements() {
                        let Some(definition) = entry.get("definition").and_then(Node::as_str) else {
                            config.problems.push((
                                entry.span,
                                "A stateMachines entry needs a \"definition\" path".into(),
                            ));
                            continue;
                        };
                        let text = |key: &str| entry.get(key).and_then(Node::as_str).map(str::to_string);
                        config.state_machines.push(StateMachineEntry {
                            definition: join(&dir, definition),
                            policies: entry
                                .get("policies")
                                .map(Node::elements)
                                .unwrap_or(&[])
                                .iter()
                                .filter_map(Node::as_str)
                                .map(|p| join(&dir, p))
                                .collect(),
                            trust_policy: text("trustPolicy").map(|p| join(&dir, &p)),
                            region: text("region"),
                            account: text("account"),
                            partition: text("partition"),
                        });
                    }
                }
                "rules" => {
                    for rule in member.value.members() {
                        if crate::core::rules::meta(&rule.key).is_none() {
                            config.problems.push((rule.key_span, unknown_rule(&rule.key)));
                            continue;
                        }
                        match rule.value.as_str() {
                            Some("off") => {
                                config.rules.insert(rule.key.clone(), None);
                            }
                            Some(level) if Severity::parse(level).is_some() => {
                                config.rules.insert(rule.key.clone(), Severity::parse(level));
                            }
                            _ => config.problems.push((
                                rule.value.span,
                                "A rule level is one of \"off\", \"hint\", \"info\", \"warning\", \"error\""
                                    .into(),
                            )),
                        }
                    }
                }
                other => config
                    .problems
                    .push((member.key_span, format!("Unknown configuration key \"{other}\""))),
            }
        }
        config
    }

    pub fn entry_for(&self, definition_path: &str) -> Option<&StateMachineEntry> {
        self.state_machines
            .iter()
            .find(|e| e.definition == definition_path)
    }
}

/// "Unknown rule id", with the closest rule id when one is near.
pub fn unknown_rule(id: &str) -> String {
    let all = crate::core::rules::all();
    match crate::core::suggest::closest(id, all.iter().map(|r| r.id)) {
        Some(near) => format!("Unknown rule \"{id}\": did you mean \"{near}\"?"),
        None => format!("Unknown rule \"{id}\""),
    }
}
