//! Go to definition (a `StartAt`/`Next`/`Default`/Choice or Catch `Next`
//! value → the state's key in the same scope) and references (every value
//! naming a state, and its key on request). Ranges are the names without
//! their quotes. Across files: a Task's `Resource` → the policy statements
//! that grant it, and a statement → the Tasks it grants.

use crate::core::asl::StateMachine;
use crate::core::diagnostic::Location;
use crate::core::files::{FileId, FileSet};
use crate::core::text::TextRange;

use super::common::{definitions, name_at, references_in};
use super::names::inner;
use super::permissions::{granted_tasks, granting_statements};

/// The key of the state named at `offset` (on a key: that key).
pub fn goto_definition(files: &FileSet, file: FileId, offset: usize) -> Option<TextRange> {
    let text = files.get(file).text.clone();
    for definition in definitions(files, file) {
        let machine = StateMachine::lower(&definition.root);
        if let Some(at) = name_at(&machine, offset) {
            let state = machine.state(at.state?);
            return Some(inner(&text, state.name_span()));
        }
    }
    None
}

/// Every value that names the state at `offset` in its scope, in document
/// order, after its key when `include_declaration`. A name no state has
/// gets the other values naming it.
pub fn references(files: &FileSet, file: FileId, offset: usize, include_declaration: bool) -> Vec<TextRange> {
    let text = files.get(file).text.clone();
    for definition in definitions(files, file) {
        let machine = StateMachine::lower(&definition.root);
        let Some(at) = name_at(&machine, offset) else {
            continue;
        };
        let mut out = Vec::new();
        if include_declaration {
            if let Some(state) = at.state {
                out.push(inner(&text, machine.state(state).name_span()));
            }
        }
        for (name, node) in references_in(&machine, at.scope) {
            if name == at.name {
                out.push(inner(&text, node.span));
            }
        }
        return out;
    }
    Vec::new()
}

/// Go to definition in any file: the state a name refers to (in `file`),
/// else the statements granting the Task whose `Resource` is at `offset`.
pub fn definition_targets(files: &FileSet, file: FileId, offset: usize) -> Vec<Location> {
    match goto_definition(files, file, offset) {
        Some(range) => vec![Location { file, range }],
        None => granting_statements(files, file, offset),
    }
}

/// References in any file: those of the state name at `offset` (in
/// `file`), else, from a policy statement, the Tasks it grants.
pub fn reference_targets(
    files: &FileSet,
    file: FileId,
    offset: usize,
    include_declaration: bool,
) -> Vec<Location> {
    let names = references(files, file, offset, include_declaration);
    if !names.is_empty() {
        return names.into_iter().map(|range| Location { file, range }).collect();
    }
    granted_tasks(files, file, offset, include_declaration)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text with `$0` removed and the cursor's offset.
    pub(crate) fn cursor(fixture: &str) -> (String, usize) {
        let offset = fixture.find("$0").expect("a $0 cursor");
        (fixture.replacen("$0", "", 1), offset)
    }

    fn slices(text: &str, ranges: &[TextRange]) -> Vec<String> {
        ranges
            .iter()
            .map(|r| format!("{}@{}", &text[r.start()..r.end()], r.start))
            .collect()
    }

    const JSON: &str = r#"{"StartAt":"A","States":{
"A":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"B"}],"Default":"P"},
"B":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Catch":[{"ErrorEquals":["States.ALL"],"Next":"P"}],"Next":"A"},
"P":{"Type":"Parallel","Branches":[{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Succeed"}}}],"End":true}}}"#;

    fn files(path: &str, text: &str) -> (FileSet, FileId) {
        let mut files = FileSet::new();
        let id = files.insert(path, text.to_string(), None);
        (files, id)
    }

    #[test]
    fn definition_from_every_kind_of_reference() {
        let (files, id) = files("/w/flow.asl.json", JSON);
        let key = |name: &str, nth: usize| {
            let needle = format!("\"{name}\":{{");
            JSON.match_indices(&needle).nth(nth).unwrap().0 + 1
        };
        let value = |needle: &str| JSON.find(needle).unwrap() + needle.len() - 2;
        let cases = [
            (value("\"StartAt\":\"A\""), key("A", 0)),
            (value("\"IsPresent\":true,\"Next\":\"B\""), key("B", 0)),
            (value("\"Default\":\"P\""), key("P", 0)),
            (value("\"States.ALL\"],\"Next\":\"P\""), key("P", 0)),
            (value("}],\"Next\":\"A\""), key("A", 0)),
            // Inside the branch: its own A and B.
            (value("[{\"StartAt\":\"A\""), key("A", 1)),
            (value("\"Type\":\"Pass\",\"Next\":\"B\""), key("B", 1)),
        ];
        for (offset, target) in cases {
            assert_eq!(
                goto_definition(&files, id, offset),
                Some(TextRange::new(target, target + 1)),
                "at {offset}"
            );
        }
        assert_eq!(goto_definition(&files, id, 3), None);
        assert_eq!(goto_definition(&files, id, usize::MAX), None);
    }

    #[test]
    fn references_stay_in_their_scope() {
        let (text, offset) = cursor(&JSON.replacen("\"P\":{", "\"$0P\":{", 1));
        let (files, id) = files("/w/flow.asl.json", &text);
        assert_eq!(
            slices(&text, &references(&files, id, offset, true)),
            ["P@251", "P@117", "P@232"]
        );
        assert_eq!(
            slices(&text, &references(&files, id, offset, false)),
            ["P@117", "P@232"]
        );
        // From a value, the branch's B.
        let offset = text.find("\"Next\":\"B\"},\"B\"").unwrap() + 8;
        assert_eq!(
            slices(&text, &references(&files, id, offset, true)),
            ["B@342", "B@337"]
        );
    }

    #[test]
    fn yaml_references_and_definition() {
        let (text, offset) = cursor(
            "StartAt: \"🚀 Go\"\nStates:\n  🚀 Go:\n    Type: Pass\n    Next: 終わり\n  終わり:\n    Type: Choice\n    Choices: []\n    Default: '🚀 $0Go'\n",
        );
        let (files, id) = files("/w/flow.asl.yaml", &text);
        let go = text.find("🚀 Go:").unwrap();
        assert_eq!(
            goto_definition(&files, id, offset),
            Some(TextRange::new(go, go + "🚀 Go".len()))
        );
        assert_eq!(
            slices(&text, &references(&files, id, offset, true)),
            [
                format!("🚀 Go@{go}"),
                "🚀 Go@10".to_string(),
                format!("🚀 Go@{}", text.rfind("🚀").unwrap())
            ]
        );
    }

    #[test]
    fn unknown_names_have_references_but_no_definition() {
        let text =
            r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Z"},"B":{"Type":"Pass","Next":"Z"}}}"#;
        let (files, id) = files("/w/flow.asl.json", text);
        let offset = text.find("\"Z\"").unwrap() + 1;
        assert_eq!(goto_definition(&files, id, offset), None);
        assert_eq!(
            slices(text, &references(&files, id, offset, true)),
            ["Z@52", "Z@83"]
        );
    }
}
