//! Completion of values: the scope's state names in `StartAt`, `Next`,
//! `Default` and Choice or Catch `Next`; the state types in `Type`; the
//! optimized integrations of the permission catalog in a Task's `Resource`;
//! in a linked policy document, actions and resources (see
//! `complete_policy`). Each item replaces the value under the cursor
//! (inside its quotes when it is quoted), written in the file's syntax.

use crate::core::asl::model::{ScopeId, StateType};
use crate::core::asl::StateMachine;
use crate::core::catalog;
use crate::core::classify::{self, Format};
use crate::core::files::{FileId, FileSet};
use crate::core::syntax;
use crate::core::syntax::{Member, Node, NodeKind};
use crate::core::text::TextRange;

use super::common::{definitions, CompletionItem, CompletionKind};
use super::names::{self, slice, style, Style};

const TYPES: [(&str, &str); 8] = [
    (
        "Task",
        "Runs a unit of work: an integration, a Lambda function or an activity",
    ),
    ("Choice", "Branches on the state's input"),
    ("Pass", "Passes its input on, optionally transformed"),
    ("Wait", "Waits for a time or a timestamp"),
    ("Parallel", "Runs branches in parallel"),
    ("Map", "Runs a processor for each item"),
    ("Succeed", "Stops the execution successfully"),
    ("Fail", "Stops the execution with an error"),
];

enum Want {
    Names(ScopeId),
    Types,
    Resources,
}

/// The value slot at `offset`: what belongs there, the range to replace,
/// and how the value is written there.
fn slot<'a>(machine: &StateMachine<'a>, text: &str, offset: usize) -> Option<(Want, TextRange, Slot)> {
    let mut fields: Vec<(Want, &'a Member)> = Vec::new();
    for scope in &machine.scopes {
        if let Some(m) = scope.node.member("StartAt") {
            fields.push((Want::Names(scope.id), m));
        }
    }
    for state in &machine.states {
        let node = state.node;
        for key in ["Next", "Default"] {
            if let Some(m) = node.member(key) {
                fields.push((Want::Names(state.scope), m));
            }
        }
        for list in ["Choices", "Catch"] {
            for item in node.get(list).map(Node::elements).unwrap_or(&[]) {
                if let Some(m) = item.member("Next") {
                    fields.push((Want::Names(state.scope), m));
                }
            }
        }
        if let Some(m) = node.member("Type") {
            fields.push((Want::Types, m));
        }
        if matches!(state.kind, StateType::Task | StateType::Unknown) {
            if let Some(m) = node.member("Resource") {
                fields.push((Want::Resources, m));
            }
        }
    }
    fields
        .into_iter()
        .find_map(|(want, member)| value_slot(member, text, offset).map(|(range, slot)| (want, range, slot)))
}

#[derive(Clone, Copy)]
enum Slot {
    /// Between the quotes of a string of this style.
    Quoted(Style),
    /// A plain YAML scalar (or nothing yet); `space` when the text must
    /// start with a space (right after the colon).
    Plain { space: bool },
}

fn value_slot(member: &Member, text: &str, offset: usize) -> Option<(TextRange, Slot)> {
    let value = &member.value;
    let raw = slice(text, value.span);
    match &value.kind {
        NodeKind::String(_) | NodeKind::Null if !raw.is_empty() => match style(raw) {
            Style::Plain => {
                if raw.starts_with(['!', '&', '*', '"', '\'', '|', '>']) || raw.contains(['\n', '\r']) {
                    return None;
                }
                let (start, end) = (value.span.start(), value.span.end());
                (start <= offset && offset <= end).then_some((value.span, Slot::Plain { space: false }))
            }
            quoted => {
                let inner = names::inner(text, value.span);
                let inside = inner.start() <= offset && offset <= inner.end();
                (inside && !slice(text, inner).contains(['\n', '\r']))
                    .then_some((inner, Slot::Quoted(quoted)))
            }
        },
        NodeKind::Null => {
            // `Next:` with nothing yet: the cursor after the colon, on its line.
            let between = text.get(member.key_span.end()..offset)?;
            let after_colon = between.trim_start_matches([' ', '\t']).strip_prefix(':')?;
            if !after_colon.chars().all(|c| c == ' ' || c == '\t') {
                return None;
            }
            Some((
                TextRange::empty(offset),
                Slot::Plain {
                    space: after_colon.is_empty(),
                },
            ))
        }
        _ => None,
    }
}

fn write(format: Format, slot: Slot, value: &str) -> String {
    match slot {
        Slot::Quoted(style) => names::write_inside(style, value),
        Slot::Plain { space } => {
            let written = names::write(format, "", value);
            if space {
                format!(" {written}")
            } else {
                written
            }
        }
    }
}

/// The completions at `offset` in `file`. For a policy document, `files`
/// must hold the definitions it is linked to (and their configuration).
pub fn completion(files: &FileSet, file: FileId, offset: usize) -> Vec<CompletionItem> {
    if let Some(items) = super::complete_policy::completion(files, file, offset) {
        return items;
    }
    let text = files.get(file).text.clone();
    let found = definitions(files, file);
    if found.is_empty() && classify::format_of(files.path(file)) == Some(Format::Json) {
        return while_typing(&text, offset);
    }
    for definition in found {
        let machine = StateMachine::lower(&definition.root);
        let Some((want, range, slot)) = slot(&machine, &text, offset) else {
            continue;
        };
        let format = definition.format;
        let item = |label: &str, kind, detail: Option<String>| CompletionItem {
            label: label.to_string(),
            kind,
            detail,
            range,
            new_text: write(format, slot, label),
        };
        return match want {
            Want::Names(scope) => {
                let mut seen: Vec<&str> = Vec::new();
                let mut out = Vec::new();
                for &id in &machine.scope(scope).states {
                    let state = machine.state(id);
                    if seen.contains(&state.name) {
                        continue;
                    }
                    seen.push(state.name);
                    let detail = state.field("Type").and_then(Node::as_str).map(str::to_string);
                    out.push(item(state.name, CompletionKind::State(state.kind), detail));
                }
                out
            }
            Want::Types => TYPES
                .iter()
                .map(|(name, about)| item(name, CompletionKind::StateType, Some(about.to_string())))
                .collect(),
            Want::Resources => catalog::integration_resources()
                .into_iter()
                .map(|(arn, about)| item(&arn, CompletionKind::Resource, Some(about)))
                .collect(),
        };
    }
    Vec::new()
}

/// JSON that does not parse, as while a value is typed: the field is read
/// from the cursor's line, the states from the text with that line blanked
/// (and, if that leaves one, the comma before it dropped).
fn while_typing(text: &str, offset: usize) -> Vec<CompletionItem> {
    let Some(offset) = (offset <= text.len() && text.is_char_boundary(offset)).then_some(offset) else {
        return Vec::new();
    };
    let line_start = text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line_end = text[offset..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| offset + i);
    // The string the cursor is in: its opening quote must be the last
    // unescaped quote before the cursor, with an odd count on the line.
    let mut quotes = Vec::new();
    let mut escaped = false;
    for (i, c) in text[line_start..offset].char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => quotes.push(line_start + i),
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    if quotes.len() % 2 == 0 {
        return Vec::new();
    }
    let open = quotes[quotes.len() - 1];
    let head = text[line_start..open].trim_end();
    let Some(key) = head.strip_suffix(':').map(str::trim_end) else {
        return Vec::new();
    };
    let field = ["Next", "Default", "StartAt", "Type", "Resource"]
        .into_iter()
        .find(|f| key.ends_with(&format!("\"{f}\"")));
    let Some(field) = field else {
        return Vec::new();
    };
    let rest = &text[offset..line_end];
    let (end, close) = match rest.find('"') {
        Some(i) => (offset + i, ""),
        None => (offset, "\""),
    };
    let range = TextRange::new(open + 1, end);
    let item = |label: &str, kind, detail: Option<String>| CompletionItem {
        label: label.to_string(),
        kind,
        detail,
        range,
        new_text: format!("{}{close}", names::write_inside(Style::Double, label)),
    };
    // Only in what reads as a definition once the line is set aside (a
    // template's `"Type": "AWS::…"` is not a state's type).
    let Some(root) = repaired(text, line_start, line_end) else {
        return Vec::new();
    };
    match field {
        "Type" => TYPES
            .iter()
            .map(|(name, about)| item(name, CompletionKind::StateType, Some(about.to_string())))
            .collect(),
        "Resource" => catalog::integration_resources()
            .into_iter()
            .map(|(arn, about)| item(&arn, CompletionKind::Resource, Some(about)))
            .collect(),
        _ => {
            let machine = StateMachine::lower(&root);
            // The scope: the innermost one holding the cursor (for
            // StartAt), or that of the innermost state holding it.
            let scope = if field == "StartAt" {
                machine
                    .scopes
                    .iter()
                    .filter(|s| s.node.span.start() < offset && offset < s.node.span.end())
                    .min_by_key(|s| s.node.span.len())
                    .map(|s| s.id)
            } else {
                machine
                    .states
                    .iter()
                    .filter(|s| s.node.span.start() < offset && offset < s.node.span.end())
                    .min_by_key(|s| s.node.span.len())
                    .map(|s| s.scope)
            };
            let Some(scope) = scope else {
                return Vec::new();
            };
            let mut seen: Vec<&str> = Vec::new();
            let mut out = Vec::new();
            for &id in &machine.scope(scope).states {
                let state = machine.state(id);
                if !seen.contains(&state.name) {
                    seen.push(state.name);
                    let detail = state.field("Type").and_then(Node::as_str).map(str::to_string);
                    out.push(item(state.name, CompletionKind::State(state.kind), detail));
                }
            }
            out
        }
    }
}

/// The definition with the line `start..end` blanked (offsets kept), if
/// that parses, or else with the comma before it dropped too.
fn repaired(text: &str, start: usize, end: usize) -> Option<Node> {
    let mut blanked = String::with_capacity(text.len());
    blanked.push_str(&text[..start]);
    blanked.extend(std::iter::repeat_n(' ', end - start));
    blanked.push_str(&text[end..]);
    let mut attempts = vec![blanked.clone()];
    if let Some(comma) = blanked[..start].trim_end().strip_suffix(',').map(str::len) {
        let mut without = blanked;
        without.replace_range(comma..comma + 1, " ");
        attempts.push(without);
    }
    attempts.into_iter().find_map(|candidate| {
        syntax::json::parse(&candidate)
            .root
            .filter(crate::core::asl::model::looks_like_definition)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete(path: &str, fixture: &str) -> Vec<String> {
        let offset = fixture.find("$0").unwrap();
        let text = fixture.replacen("$0", "", 1);
        let mut files = FileSet::new();
        let id = files.insert(path, text, None);
        completion(&files, id, offset)
            .into_iter()
            .map(|i| format!("{} {:?} {:?}", i.label, i.range, i.new_text))
            .collect()
    }

    #[test]
    fn json_state_names_in_next_and_start_at() {
        let fixture = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"$0"},"Say \"hi\"":{"Type":"Succeed"},"P":{"Type":"Parallel","Branches":[{"StartAt":"In","States":{"In":{"Type":"Succeed"}}}],"End":true}}}"#;
        assert_eq!(
            complete("/w/flow.asl.json", fixture),
            [
                "A 52..52 \"A\"",
                "Say \"hi\" 52..52 \"Say \\\\\\\"hi\\\\\\\"\"",
                "P 52..52 \"P\"",
            ]
        );
        let fixture = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Z"},"P":{"Type":"Parallel","Branches":[{"StartAt":"I$0x","States":{"In":{"Type":"Succeed"}}}],"End":true}}}"#;
        assert_eq!(complete("/w/flow.asl.json", fixture), ["In 103..105 \"In\""]);
        // Outside the quotes, or on a key: nothing.
        assert!(complete("/w/flow.asl.json", &fixture.replace("\"I$0x\"", "$0\"Ix\"")).is_empty());
        assert!(complete(
            "/w/flow.asl.json",
            &fixture.replace("\"StartAt\":\"I", "\"Sta$0rtAt\":\"I")
        )
        .is_empty());
    }

    #[test]
    fn yaml_state_names() {
        let text = "StartAt: A\nStates:\n  A:\n    Type: Choice\n    Choices:\n      - Next: $0\n    Default: 'yes'\n  'yes':\n    Type: Pass\n    End: true\n";
        assert_eq!(
            complete("/w/flow.asl.yaml", text),
            ["A 68..68 \"A\"", "yes 68..68 \"'yes'\""]
        );
        let right_after_colon = text.replace("Next: $0", "Next:$0");
        assert_eq!(
            complete("/w/flow.asl.yaml", &right_after_colon),
            ["A 67..67 \" A\"", "yes 67..67 \" 'yes'\""]
        );
        let quoted = text
            .replace("Default: 'yes'", "Default: 'y$0es'")
            .replace("Next: $0", "Next: A");
        assert_eq!(
            complete("/w/flow.asl.yaml", &quoted),
            ["A 84..87 \"A\"", "yes 84..87 \"yes\""]
        );
        let plain = text
            .replace("StartAt: A", "StartAt: $0A")
            .replace("Next: $0", "Next: A");
        assert_eq!(
            complete("/w/flow.asl.yaml", &plain),
            ["A 9..10 \"A\"", "yes 9..10 \"'yes'\""]
        );
        // On the next line: not in the value any more.
        assert!(complete("/w/flow.asl.yaml", &text.replace("Next: $0", "Next:\n$0")).is_empty());
    }

    #[test]
    fn types_and_resources() {
        let fixture = r#"{"StartAt":"A","States":{"A":{"Type":"Ta$0","Resource":"arn:aws:states:::lambda:invoke","End":true}}}"#;
        let items = complete("/w/flow.asl.json", fixture);
        assert_eq!(items.len(), 8);
        assert_eq!(items[0], "Task 38..40 \"Task\"");
        let fixture =
            "StartAt: A\nStates:\n  A:\n    Type: Task\n    Resource: arn:aws:states:::la$0\n    End: true\n";
        let items = complete("/w/flow.asl.yaml", fixture);
        assert!(items.contains(
            &"arn:aws:states:::lambda:invoke 53..72 \"arn:aws:states:::lambda:invoke\"".to_string()
        ));
        assert!(items.contains(
            &"arn:aws:states:::ecs:runTask.sync 53..72 \"arn:aws:states:::ecs:runTask.sync\"".to_string()
        ));
        assert!(items.contains(&"arn:aws:states:::states:startExecution.sync:2 53..72 \"arn:aws:states:::states:startExecution.sync:2\"".to_string()));
        // Not on a Pass state's Resource.
        assert!(complete("/w/flow.asl.yaml", &fixture.replace("Type: Task", "Type: Pass")).is_empty());
    }

    #[test]
    fn json_while_typing() {
        // An unterminated value in the middle of a state: the comma before
        // the line is dropped to read the states; the item closes the quote.
        let fixture = "{\"StartAt\": \"A\", \"States\": {\n  \"A\": {\"Type\": \"Pass\",\n    \"Next\": \"B$0\n  },\n  \"Big \\\"B\\\"\": {\"Type\": \"Succeed\"}\n}}";
        assert_eq!(
            complete("/w/flow.asl.json", fixture),
            [
                "A 66..67 \"A\\\"\"",
                "Big \"B\" 66..67 \"Big \\\\\\\"B\\\\\\\"\\\"\""
            ]
        );
        // A value with its closing quote but no comma after it.
        let fixture = "{\"StartAt\": \"A\", \"States\": {\n  \"A\": {\"Type\": \"Pass\",\n    \"Next\": \"$0\"\n    \"End\": true},\n  \"B\": {\"Type\": \"Succeed\"}\n}}";
        assert_eq!(
            complete("/w/flow.asl.json", fixture),
            ["A 66..66 \"A\"", "B 66..66 \"B\""]
        );
        let fixture = "{\"StartAt\": \"A\", \"States\": {\"A\": {\n\"Type\": \"Ta$0\n}}}";
        assert_eq!(complete("/w/flow.asl.json", fixture).len(), 8);
        // Not in a value of those fields.
        assert!(complete("/w/flow.asl.json", "{\"Comment\": \"$0\n").is_empty());
        assert!(complete("/w/flow.asl.json", "{\"Next\": $0\n").is_empty());
        let template = "{\"Resources\": {\"Flow\": {\n\"Type\": \"AWS::$0\n}}}";
        assert!(complete("/w/template.json", template).is_empty());
    }

    #[test]
    fn nothing_on_broken_or_foreign_documents() {
        assert!(complete("/w/flow.asl.json", r#"{"StartAt":"$0"#).is_empty());
        assert!(complete("/w/flow.asl.json", "$0").is_empty());
        assert!(complete("/w/x.json", r#"{"Next":"$0"}"#).is_empty());
        let mut files = FileSet::new();
        let id = files.insert("/w/flow.asl.json", r#"{"StartAt":"A","States":{}}"#, None);
        assert!(completion(&files, id, usize::MAX).is_empty());
    }
}
