//! Document symbols: every state, nested under the Parallel branch or Map
//! processor that holds it; in a template, under its state machine.

use crate::core::asl::model::{ScopeId, StateType};
use crate::core::asl::StateMachine;
use crate::core::files::{FileId, FileSet};
use crate::core::text::TextRange;

use super::common::definitions;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    State(StateType),
    /// One branch of a Parallel state.
    Branch,
    /// A state machine resource in a template.
    Machine,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    /// A state's `Type` as written.
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole state member (key and value).
    pub range: TextRange,
    /// The state's name key.
    pub selection: TextRange,
    pub children: Vec<Symbol>,
}

/// The symbols of every definition in `file`.
pub fn document_symbols(files: &FileSet, file: FileId) -> Vec<Symbol> {
    let mut out = Vec::new();
    for definition in definitions(files, file) {
        let machine = StateMachine::lower(&definition.root);
        if machine.scopes.is_empty() {
            continue;
        }
        let states = scope_symbols(&machine, ScopeId(0));
        match definition.resource {
            Some((logical_id, range, selection)) => out.push(Symbol {
                name: logical_id,
                detail: Some("State machine".to_string()),
                kind: SymbolKind::Machine,
                range,
                selection,
                children: states,
            }),
            None => out.extend(states),
        }
    }
    out
}

/// The symbols of one scope's states, children included. Scopes nest at
/// most as deep as lowering allows, so the recursion is bounded.
fn scope_symbols(machine: &StateMachine, scope: ScopeId) -> Vec<Symbol> {
    machine
        .scope(scope)
        .states
        .iter()
        .map(|&id| {
            let state = machine.state(id);
            let children = match state.kind {
                StateType::Parallel => state
                    .children
                    .iter()
                    .enumerate()
                    .map(|(i, &child)| {
                        let node = machine.scope(child).node;
                        Symbol {
                            name: format!("Branch {}", i + 1),
                            detail: None,
                            kind: SymbolKind::Branch,
                            range: node.span,
                            selection: node.span,
                            children: scope_symbols(machine, child),
                        }
                    })
                    .collect(),
                _ => state
                    .children
                    .iter()
                    .flat_map(|&child| scope_symbols(machine, child))
                    .collect(),
            };
            Symbol {
                name: state.name.to_string(),
                detail: state.field("Type").and_then(|t| t.as_str()).map(str::to_string),
                kind: SymbolKind::State(state.kind),
                range: state.member.span(),
                selection: state.name_span(),
                children,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(symbols: &[Symbol], text: &str, depth: usize, out: &mut String) {
        for s in symbols {
            out.push_str(&format!(
                "{}{} {:?} {:?} {:?} {:?}\n",
                "  ".repeat(depth),
                s.name,
                s.detail,
                s.kind,
                s.range,
                &text[s.selection.start()..s.selection.end()]
            ));
            render(&s.children, text, depth + 1, out);
        }
    }

    fn symbols(path: &str, text: &str) -> String {
        let mut files = FileSet::new();
        let id = files.insert(path, text, None);
        let mut out = String::new();
        render(&document_symbols(&files, id), text, 0, &mut out);
        out
    }

    #[test]
    fn json_states_with_branches_and_processors() {
        let text = r#"{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}},{"StartAt":"B","States":{"B":{"Type":"Wait","Seconds":1,"End":true}}}],"Next":"M"},"M":{"Type":"Map","ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}},"Next":"C"},"C":{"Type":"Choice","Choices":[],"Default":"F"},"F":{"Type":"Fail"},"S":{"Type":"Succeed"},"X":{}}}"#;
        assert_eq!(
            symbols("/w/flow.asl.json", text),
            r#"P Some("Parallel") State(Parallel) 25..200 "\"P\""
  Branch 1 None Branch 60..117 "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"End\":true}}}"
    A Some("Pass") State(Pass) 85..115 "\"A\""
  Branch 2 None Branch 118..187 "{\"StartAt\":\"B\",\"States\":{\"B\":{\"Type\":\"Wait\",\"Seconds\":1,\"End\":true}}}"
    B Some("Wait") State(Wait) 143..185 "\"B\""
M Some("Map") State(Map) 201..348 "\"M\""
  T Some("Task") State(Task) 260..334 "\"T\""
C Some("Choice") State(Choice) 349..397 "\"C\""
F Some("Fail") State(Fail) 398..417 "\"F\""
S Some("Succeed") State(Succeed) 418..440 "\"S\""
X None State(Unknown) 441..447 "\"X\""
"#
        );
    }

    #[test]
    fn yaml_states() {
        let text = "StartAt: 開始\nStates:\n  開始:\n    Type: Pass\n    Next: 'End 🚀'\n  'End 🚀':\n    Type: Succeed\n";
        assert_eq!(
            symbols("/w/flow.asl.yaml", text),
            "開始 Some(\"Pass\") State(Pass) 26..69 \"開始\"\nEnd 🚀 Some(\"Succeed\") State(Succeed) 72..101 \"'End 🚀'\"\n"
        );
    }

    #[test]
    fn template_definitions_sit_under_their_machine() {
        let text = "Resources:\n  Flow:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A:\n            Type: Succeed\n";
        assert_eq!(
            symbols("/w/template.yaml", text),
            "Flow Some(\"State machine\") Machine 13..169 \"Flow\"\n  A Some(\"Succeed\") State(Succeed) 141..169 \"A\"\n"
        );
    }

    #[test]
    fn nothing_for_broken_empty_or_other_documents() {
        assert_eq!(symbols("/w/flow.asl.json", "{\"StartAt\":"), "");
        assert_eq!(symbols("/w/flow.asl.json", ""), "");
        assert_eq!(symbols("/w/flow.asl.yaml", "- a\n- b\n"), "");
        assert_eq!(symbols("/w/policy.json", "{\"Statement\":[]}"), "");
        let mut files = FileSet::new();
        files.insert("/w/a.asl.json", "{}", None);
        assert!(document_symbols(&files, FileId(7)).is_empty());
    }
}
