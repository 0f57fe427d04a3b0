//! Rename a state: its key and every `StartAt`/`Next`/`Default`/Choice or
//! Catch `Next` naming it in its scope, written in the file's syntax.

use crate::core::asl::StateMachine;
use crate::core::files::{FileId, FileSet};
use crate::core::text::TextRange;

use super::common::{definitions, name_at, references_in};
use super::names::{self, inner, reads_as, slice};

/// AWS limits state names to 80 characters.
pub const MAX_NAME_CHARS: usize = 80;

/// What a rename at one offset would change.
struct Plan {
    old: String,
    /// The name under the cursor, without quotes.
    range: TextRange,
    /// Every place to rewrite (quotes included), the key first.
    sites: Vec<TextRange>,
    format: crate::core::classify::Format,
    taken: Vec<String>,
}

fn plan(files: &FileSet, file: FileId, offset: usize) -> Result<Option<Plan>, String> {
    let text = files.get(file).text.clone();
    for definition in definitions(files, file) {
        let machine = StateMachine::lower(&definition.root);
        let Some(at) = name_at(&machine, offset) else {
            continue;
        };
        let Some(id) = at.state else {
            return Err(format!("No state is named \"{}\" in this scope", at.name));
        };
        let state = machine.state(id);
        let mut sites = vec![state.name_span()];
        sites.extend(
            references_in(&machine, at.scope)
                .into_iter()
                .filter(|(name, _)| *name == at.name)
                .map(|(_, node)| node.span),
        );
        for &site in &sites {
            if !reads_as(&text, site, definition.format, state.name) {
                return Err(format!(
                    "\"{}\" is written in a form that cannot be rewritten safely: {}",
                    state.name,
                    slice(&text, site)
                ));
            }
        }
        let taken = machine
            .scope(at.scope)
            .states
            .iter()
            .map(|&s| machine.state(s).name.to_string())
            .collect();
        return Ok(Some(Plan {
            old: state.name.to_string(),
            range: inner(&text, at.span),
            sites,
            format: definition.format,
            taken,
        }));
    }
    Ok(None)
}

/// The name under the cursor and its range, when a state can be renamed
/// from there; an error says why not on a name that cannot be.
pub fn prepare_rename(
    files: &FileSet,
    file: FileId,
    offset: usize,
) -> Result<Option<(TextRange, String)>, String> {
    Ok(plan(files, file, offset)?.map(|p| (p.range, p.old)))
}

/// The edits renaming the state at `offset` to `new_name`, or why not.
pub fn rename(
    files: &FileSet,
    file: FileId,
    offset: usize,
    new_name: &str,
) -> Result<Vec<(TextRange, String)>, String> {
    let Some(plan) = plan(files, file, offset)? else {
        return Err("There is no state name here to rename".to_string());
    };
    if new_name.is_empty() {
        return Err("A state name cannot be empty".to_string());
    }
    let chars = new_name.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(format!(
            "A state name has at most {MAX_NAME_CHARS} characters; \"{new_name}\" has {chars}"
        ));
    }
    if new_name.chars().any(char::is_control) {
        return Err("A state name cannot hold control characters or line breaks".to_string());
    }
    if new_name == plan.old {
        return Ok(Vec::new());
    }
    if plan.taken.iter().any(|n| n == new_name) {
        return Err(format!(
            "A state named \"{new_name}\" already exists in this scope"
        ));
    }
    let text = files.get(file).text.clone();
    Ok(plan
        .sites
        .iter()
        .map(|&site| (site, names::write(plan.format, slice(&text, site), new_name)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, mut edits: Vec<(TextRange, String)>) -> String {
        edits.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
        let mut out = text.to_string();
        for (range, new) in edits {
            out.replace_range(range.start()..range.end(), &new);
        }
        out
    }

    fn renamed(path: &str, fixture: &str, new_name: &str) -> Result<String, String> {
        let offset = fixture.find("$0").unwrap();
        let text = fixture.replacen("$0", "", 1);
        let mut files = FileSet::new();
        let id = files.insert(path, text.clone(), None);
        rename(&files, id, offset, new_name).map(|edits| apply(&text, edits))
    }

    const JSON: &str = r#"{"StartAt":"A","States":{
"A":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"B"}],"Default":"P"},
"B":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Catch":[{"ErrorEquals":["States.ALL"],"Next":"P"}],"Next":"A"},
"P":{"Type":"Parallel","Branches":[{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Succeed"}}}],"End":true}}}"#;

    #[test]
    fn json_rename_in_one_scope_with_escapes() {
        let fixture = JSON.replacen("\"A\":{\"Type\":\"Choice\"", "\"$0A\":{\"Type\":\"Choice\"", 1);
        let out = renamed("/w/flow.asl.json", &fixture, "Say \"hi\" 🚀").unwrap();
        assert_eq!(
            out,
            JSON.replacen("\"StartAt\":\"A\"", r#""StartAt":"Say \"hi\" 🚀""#, 1)
                .replacen(
                    "\"A\":{\"Type\":\"Choice\"",
                    r#""Say \"hi\" 🚀":{"Type":"Choice""#,
                    1
                )
                .replacen("\"Next\":\"A\"", r#""Next":"Say \"hi\" 🚀""#, 1)
        );
        // From a reference inside the branch: only the branch's B.
        let fixture = JSON.replacen("\"Pass\",\"Next\":\"B\"", "\"Pass\",\"Next\":\"$0B\"", 1);
        let out = renamed("/w/flow.asl.json", &fixture, "Done").unwrap();
        assert_eq!(
            out,
            JSON.replacen(
                "\"Pass\",\"Next\":\"B\"},\"B\"",
                "\"Pass\",\"Next\":\"Done\"},\"Done\"",
                1
            )
        );
    }

    #[test]
    fn yaml_rename_keeps_quote_styles() {
        let fixture = "StartAt: Begin\nStates:\n  $0Begin:\n    Type: Pass\n    Next: \"Check\"\n  \"Check\":\n    Type: Choice\n    Choices:\n      - Next: 'Begin'\n        Variable: $.x\n        IsPresent: true\n    Default: Begin\n";
        assert_eq!(
            renamed("/w/flow.asl.yaml", fixture, "開始 🚀").unwrap(),
            fixture.replace("$0", "").replace("Begin", "開始 🚀")
        );
        assert_eq!(
            renamed("/w/flow.asl.yaml", fixture, "yes").unwrap(),
            fixture
                .replace("$0", "")
                .replace("'Begin'", "'yes'")
                .replace("Begin", "'yes'")
        );
        assert_eq!(
            renamed(
                "/w/flow.asl.yaml",
                &fixture.replace("$0", "").replace("Type: Pass", "Type: P$0ass"),
                "x"
            )
            .unwrap_err(),
            "There is no state name here to rename"
        );
        let fixture = fixture
            .replacen("  \"Check\"", "  \"$0Check\"", 1)
            .replacen("$0Begin", "Begin", 1);
        assert_eq!(
            renamed("/w/flow.asl.yaml", &fixture, "it's \"x\"").unwrap(),
            fixture
                .replace("$0", "")
                .replace("\"Check\"", "\"it's \\\"x\\\"\"")
        );
    }

    #[test]
    fn refusals() {
        let fixture = JSON.replacen("\"Default\":\"P\"", "\"Default\":\"$0P\"", 1);
        let err = |name: &str| renamed("/w/flow.asl.json", &fixture, name).unwrap_err();
        assert_eq!(err(""), "A state name cannot be empty");
        assert_eq!(
            err(&"x".repeat(81)),
            format!(
                "A state name has at most 80 characters; \"{}\" has 81",
                "x".repeat(81)
            )
        );
        assert_eq!(err("B"), "A state named \"B\" already exists in this scope");
        assert_eq!(
            err("a\nb"),
            "A state name cannot hold control characters or line breaks"
        );
        assert!(renamed("/w/flow.asl.json", &fixture, &"é".repeat(80)).is_ok());
        // The branch's A is not in this scope: no conflict there.
        let fixture = JSON.replacen("\"Pass\",\"Next\":\"B\"", "\"Pass\",\"Next\":\"$0B\"", 1);
        assert_eq!(
            renamed("/w/flow.asl.json", &fixture, "P").unwrap(),
            JSON.replacen(
                "\"Pass\",\"Next\":\"B\"},\"B\"",
                "\"Pass\",\"Next\":\"P\"},\"P\"",
                1
            )
        );
        let unknown = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"$0Z"}}}"#;
        assert_eq!(
            renamed("/w/flow.asl.json", unknown, "Y").unwrap_err(),
            "No state is named \"Z\" in this scope"
        );
    }

    #[test]
    fn prepare_gives_the_name_without_quotes() {
        let text = r#"{"StartAt":"Go","States":{"Go":{"Type":"Succeed"}}}"#;
        let mut files = FileSet::new();
        let id = files.insert("/w/flow.asl.json", text, None);
        assert_eq!(
            prepare_rename(&files, id, 12),
            Ok(Some((TextRange::new(12, 14), "Go".to_string())))
        );
        assert_eq!(prepare_rename(&files, id, 2), Ok(None));
        assert_eq!(prepare_rename(&files, id, 10_000), Ok(None));
    }

    #[test]
    fn json_template_definitions_too() {
        let text = r#"{"Resources":{"Flow":{"Type":"AWS::StepFunctions::StateMachine","Properties":{"Definition":{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Succeed"}}}}}}}"#;
        let mut files = FileSet::new();
        let id = files.insert("/w/template.json", text, None);
        let offset = text.find("\"Next\":\"B\"").unwrap() + 8;
        let b = text.find("\"B\":{").unwrap();
        assert_eq!(
            crate::core::ide::goto_definition(&files, id, offset),
            Some(TextRange::new(b + 1, b + 2))
        );
        let edits = rename(&files, id, offset, "Done").unwrap();
        assert_eq!(apply(text, edits), text.replace("\"B\"", "\"Done\""));
        // A definition held in a string is not rewritten.
        let text = r#"{"Resources":{"Flow":{"Type":"AWS::StepFunctions::StateMachine","Properties":{"DefinitionString":"{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Succeed\"}}}"}}}}"#;
        let mut files = FileSet::new();
        let id = files.insert("/w/template.json", text, None);
        let offset = text.find("A\\\"").unwrap();
        assert_eq!(prepare_rename(&files, id, offset), Ok(None));
    }

    #[test]
    fn template_definitions_are_renamed_in_place() {
        let text = "Resources:\n  Flow:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A:\n            Type: Succeed\n";
        let mut files = FileSet::new();
        let id = files.insert("/w/template.yaml", text, None);
        let offset = text.find("StartAt: A").unwrap() + 9;
        let edits = rename(&files, id, offset, "First").unwrap();
        assert_eq!(
            apply(text, edits),
            text.replace("StartAt: A", "StartAt: First")
                .replace(" A:", " First:")
        );
    }
}
