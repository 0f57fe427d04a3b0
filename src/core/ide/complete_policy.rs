//! Completion in a role's policy document (a JSON policy file linked to
//! state machines, or a policy written inside a CloudFormation or SAM
//! template, YAML or JSON): in a statement's `Action` or `NotAction`, the
//! IAM actions the linked definitions' tasks need, then every other action
//! of the permission catalog; in `Resource` or `NotResource`, the resources
//! those needs name (in a template, as the template's references when they
//! are one: `!GetAtt Worker.Arn`). Nowhere else in a policy. While the
//! value is typed (an unclosed string, so the file does not parse) the
//! field is read from the text before the cursor and the links from the
//! file with the cursor's line blanked.

use serde_json::Value;

use crate::core::asl::StateMachine;
use crate::core::catalog;
use crate::core::classify::{self, FileKind, Format};
use crate::core::diagnostic::FileEdit;
use crate::core::files::{FileId, FileSet};
use crate::core::fix::{self, Dialect};
use crate::core::iam::Decision;
use crate::core::permissions::context::Context;
use crate::core::syntax::{self, Node, NodeKind};
use crate::core::text::TextRange;
use crate::core::unit::{PolicyDoc, PolicyKey};
use crate::core::workspace::Workspace;

use super::common::{CompletionItem, CompletionKind};
use super::names::{self, Style};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Action,
    Resource,
}

/// How a value is written where the cursor is.
#[derive(Clone, Debug)]
enum Written {
    /// Between the quotes of a string of this style; `close` is appended
    /// (the closing quote while the string is still open).
    Inside(Style, &'static str),
    /// A plain YAML scalar (or nothing yet); `space` when the text must
    /// start with a space (right after the colon).
    Plain { space: bool },
}

/// The value the cursor is in: which field it belongs to, the range it
/// replaces and how it is written. In a template, the policy it is in and
/// the value's node (spans into the template), for values the template
/// writes as references.
#[derive(Clone, Debug)]
struct Slot {
    field: Field,
    range: TextRange,
    written: Written,
    template: Option<(PolicyKey, Option<Node>)>,
}

/// `None` when `file` is not a policy document nor a template with a
/// policy statement at `offset` (the caller goes on to the definitions);
/// otherwise the items at `offset`, possibly none.
pub(super) fn completion(files: &FileSet, file: FileId, offset: usize) -> Option<Vec<CompletionItem>> {
    if file.0 as usize >= files.len() {
        return None;
    }
    let path = files.path(file);
    if classify::kind_by_name(path).is_some() {
        return None;
    }
    let format = classify::format_of(path)?;
    if format == Format::Hcl {
        return None;
    }
    let text = files.text(file);
    if offset > text.len() || !text.is_char_boundary(offset) {
        return None;
    }
    let workspace = Workspace::new(files);
    if workspace.root(file).is_some() {
        return match workspace.kind(file) {
            FileKind::Policy if format == Format::Json => {
                let root = workspace.root(file)?;
                let Some(slot) = tree_slot(root, text, offset) else {
                    return Some(Vec::new());
                };
                Some(items(&workspace, file, slot))
            }
            FileKind::Template(format) => {
                let slot = template_slot(&workspace, file, format, text, offset)?;
                Some(items(&workspace, file, slot))
            }
            _ => None,
        };
    }
    if format != Format::Json {
        return None;
    }
    // Does not parse: the value being typed.
    let (copy, slot) = while_typing(files, file, text, offset)?;
    let workspace = Workspace::new(&copy);
    Some(items(&workspace, file, slot))
}

/// The policies written in template `file` (not those SAM generates), each
/// once.
fn template_policies(workspace: &Workspace, file: FileId) -> Vec<PolicyDoc> {
    let mut out: Vec<PolicyDoc> = Vec::new();
    for unit in crate::core::link::units(workspace).0 {
        for policy in unit.policies {
            if policy.file == file
                && policy.dialect != Dialect::Generated
                && !out.iter().any(|p| p.key() == policy.key())
            {
                out.push(policy);
            }
        }
    }
    out
}

/// The slot at `offset` in a parsed template: a scalar (or an empty value)
/// of a statement's `Action`, `NotAction`, `Resource` or `NotResource` in
/// one of the policies its state machines' roles have.
fn template_slot(
    workspace: &Workspace,
    file: FileId,
    format: Format,
    text: &str,
    offset: usize,
) -> Option<Slot> {
    for policy in template_policies(workspace, file) {
        for statement in statements(&policy.root) {
            if !(statement.span.start() <= offset && offset <= statement.span.end()) {
                continue;
            }
            for member in statement.members() {
                let Some(field) = field_of(&member.key) else {
                    continue;
                };
                let values: Vec<&Node> = match &member.value.kind {
                    NodeKind::Array(items) => items.iter().collect(),
                    _ => vec![&member.value],
                };
                for value in values {
                    if let Some((range, written)) = scalar_slot(format, text, value, member.key_span, offset)
                    {
                        return Some(Slot {
                            field,
                            range,
                            written,
                            template: Some((policy.key(), Some(value.clone()))),
                        });
                    }
                }
            }
        }
    }
    None
}

/// Where a value goes when the cursor is on the scalar `value` (written in
/// `format`), or on an empty YAML value after its key's colon or its `- `.
fn scalar_slot(
    format: Format,
    text: &str,
    value: &Node,
    key_span: TextRange,
    offset: usize,
) -> Option<(TextRange, Written)> {
    let raw = names::slice(text, value.span);
    match &value.kind {
        NodeKind::String(_) if !raw.is_empty() => match names::style(raw) {
            Style::Plain => {
                if format == Format::Json
                    || raw.starts_with(['!', '&', '*', '"', '\'', '|', '>', '{', '['])
                    || raw.contains(['\n', '\r'])
                {
                    return None;
                }
                let inside = value.span.start() <= offset && offset <= value.span.end();
                inside.then_some((value.span, Written::Plain { space: false }))
            }
            style => {
                let inner = names::inner(text, value.span);
                let inside = inner.start() <= offset && offset <= inner.end();
                (inside && !names::slice(text, inner).contains(['\n', '\r']))
                    .then_some((inner, Written::Inside(style, "")))
            }
        },
        NodeKind::Null if format == Format::Yaml && (raw.is_empty() || raw == "~") => {
            // Nothing yet: the cursor on the line of the key's colon or of
            // the item's dash, after it.
            let line_start = text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
            let before = text[line_start..offset].trim_end_matches([' ', '\t']);
            let spaced = before.len() < offset - line_start;
            let item = before
                .trim_start()
                .strip_prefix('-')
                .is_some_and(|r| r.trim().is_empty());
            let member = key_span.end() <= offset
                && text[key_span.end().min(offset)..offset]
                    .trim_start_matches([' ', '\t'])
                    .starts_with(':')
                && before.ends_with(':')
                && key_span.start() >= line_start;
            let near = value.span.start().abs_diff(offset) <= (offset - line_start).max(1)
                && !text[value.span.start().min(offset)..value.span.start().max(offset)]
                    .contains(['\n', '\r']);
            ((item || member) && near)
                .then_some((TextRange::empty(offset), Written::Plain { space: !spaced }))
        }
        _ => None,
    }
}

/// The statements of a policy document: `Statement` as an array or as a
/// single object.
fn statements(root: &Node) -> Vec<&Node> {
    match root.get("Statement") {
        Some(node) if node.is_object() => vec![node],
        Some(node) => node.elements().iter().filter(|s| s.is_object()).collect(),
        None => Vec::new(),
    }
}

fn field_of(key: &str) -> Option<Field> {
    match key {
        "Action" | "NotAction" => Some(Field::Action),
        "Resource" | "NotResource" => Some(Field::Resource),
        _ => None,
    }
}

/// The slot at `offset` in a parsed policy: inside the quotes of a string
/// that is a statement's `Action` (or an element of it), and so on.
fn tree_slot(root: &Node, text: &str, offset: usize) -> Option<Slot> {
    for statement in statements(root) {
        for member in statement.members() {
            let Some(field) = field_of(&member.key) else {
                continue;
            };
            let values: Vec<&Node> = match &member.value.kind {
                NodeKind::Array(items) => items.iter().collect(),
                _ => vec![&member.value],
            };
            for value in values {
                if !matches!(value.kind, NodeKind::String(_)) {
                    continue;
                }
                let inner = names::inner(text, value.span);
                if inner.start() <= offset && offset <= inner.end() {
                    return Some(Slot {
                        field,
                        range: inner,
                        written: Written::Inside(Style::Double, ""),
                        template: None,
                    });
                }
            }
        }
    }
    None
}

/// A policy, or a template, that does not parse because of the string
/// being typed: the slot read from the text before the cursor, and the
/// files with the cursor's line blanked (and the comma before it dropped,
/// if need be) when that parses as a policy whose statement holds the
/// cursor, or as a template with such a policy.
fn while_typing(files: &FileSet, file: FileId, text: &str, offset: usize) -> Option<(FileSet, Slot)> {
    let line_start = text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line_end = text[offset..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| offset + i);
    // The opening quote: the last unescaped quote before the cursor, with
    // an odd count on the line.
    let quotes = unescaped_quotes(&text[line_start..offset]);
    if quotes.len() % 2 == 0 {
        return None;
    }
    let open = line_start + quotes[quotes.len() - 1];
    let field = field_of(&key_before(&text[..open])?)?;
    let (end, close) = match text[offset..line_end].find('"') {
        Some(i) => (offset + i, ""),
        None => (offset, "\""),
    };
    let slot = Slot {
        field,
        range: TextRange::new(open + 1, end),
        written: Written::Inside(Style::Double, close),
        template: None,
    };
    let mut blanked = String::with_capacity(text.len());
    blanked.push_str(&text[..line_start]);
    blanked.extend(std::iter::repeat_n(' ', line_end - line_start));
    blanked.push_str(&text[line_end..]);
    let mut attempts = vec![blanked.clone()];
    if let Some(comma) = blanked[..line_start].trim_end().strip_suffix(',').map(str::len) {
        let mut without = blanked;
        without.replace_range(comma..comma + 1, " ");
        attempts.push(without);
    }
    let holds = |s: &Node| s.span.start() < offset && offset < s.span.end();
    attempts.into_iter().find_map(|candidate| {
        let root = syntax::json::parse(&candidate).root?;
        let mut copy = files.clone();
        copy.insert(files.path(file), candidate, files.get(file).version);
        if statements(&root).iter().any(|s| holds(s)) {
            return Some((copy, slot.clone()));
        }
        if !classify::is_state_machine_template(&root) {
            return None;
        }
        let workspace = Workspace::new(&copy);
        let key = template_policies(&workspace, file)
            .into_iter()
            .find(|p| statements(&p.root).iter().any(|s| holds(s)))?
            .key();
        // The string typed so far, its quotes included: what a reference
        // replaces.
        let quoted = TextRange::new(open, end + usize::from(close.is_empty()));
        let slot = Slot {
            template: Some((key, Some(Node::new(quoted, NodeKind::String(String::new()))))),
            ..slot.clone()
        };
        Some((copy, slot))
    })
}

/// Positions of the unescaped double quotes in `text`.
fn unescaped_quotes(text: &str) -> Vec<usize> {
    let mut quotes = Vec::new();
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            '\\' if !escaped => {
                escaped = true;
                continue;
            }
            '"' if !escaped => quotes.push(i),
            _ => {}
        }
        escaped = false;
    }
    quotes
}

/// The key whose value holds a string opening at the end of `before`: the
/// key right before it (`"Action": "`), or that of the array it is an
/// element of (`"Action": ["a", "`, across lines).
fn key_before(before: &str) -> Option<String> {
    let mut rest = before.trim_end();
    // Earlier elements of an array, back to its opening bracket.
    if !rest.ends_with(':') {
        loop {
            if let Some(r) = rest.strip_suffix('[') {
                rest = r.trim_end();
                break;
            }
            rest = rest.strip_suffix(',')?.trim_end();
            rest = &rest[..string_start(rest)?];
            rest = rest.trim_end();
        }
    }
    let rest = rest.strip_suffix(':')?.trim_end();
    let start = string_start(rest)?;
    serde_json::from_str::<String>(&rest[start..]).ok()
}

/// Where the JSON string that `text` ends with starts.
fn string_start(text: &str) -> Option<usize> {
    let body = text.strip_suffix('"')?;
    let mut search = body;
    loop {
        let quote = search.rfind('"')?;
        let backslashes = search[..quote].chars().rev().take_while(|&c| c == '\\').count();
        if backslashes % 2 == 0 {
            return Some(quote);
        }
        search = &search[..quote];
    }
}

/// One (action, resource) pair a linked task needs.
struct Needed {
    task: String,
    action: String,
    resource: String,
    /// 0: needed and not allowed yet; 1: needed and allowed; 2: only
    /// optional (a Lambda function's versions and aliases).
    rank: u8,
}

/// What the state machines whose role has the policy `file` (in a
/// template: the policy `key`) need.
fn needed(workspace: &Workspace, file: FileId, key: Option<PolicyKey>) -> Vec<Needed> {
    let mut out = Vec::new();
    for unit in crate::core::link::units(workspace).0 {
        let linked = unit.policies.iter().any(|p| match key {
            Some(key) => p.key() == key,
            None => p.file == file,
        });
        if !linked {
            continue;
        }
        let machine = StateMachine::lower(&unit.definition.root);
        let ctx = Context::new(workspace.files, &unit, &machine);
        for (task, _, pair) in ctx.all_pairs() {
            let rank = match (pair.optional, &pair.decision) {
                (true, _) => 2,
                (false, Decision::Allowed { .. }) => 1,
                (false, _) => 0,
            };
            out.push(Needed {
                task: task.state.name.to_string(),
                action: pair.action.clone(),
                resource: pair.resource.clone(),
                rank,
            });
        }
    }
    out
}

fn items(workspace: &Workspace, file: FileId, slot: Slot) -> Vec<CompletionItem> {
    let key = slot.template.as_ref().map(|(key, _)| *key);
    let needed = needed(workspace, file, key);
    let value = |n: &Needed| match slot.field {
        Field::Action => n.action.clone(),
        Field::Resource => n.resource.clone(),
    };
    // Each value once, from the task that needs it most (first in the
    // definition among equals); what the role does not allow yet first.
    let mut firsts: Vec<&Needed> = Vec::new();
    for need in &needed {
        match firsts.iter_mut().find(|f| value(f) == value(need)) {
            Some(first) if need.rank < first.rank => *first = need,
            Some(_) => {}
            None => firsts.push(need),
        }
    }
    firsts.sort_by_key(|n| n.rank);
    let format = classify::format_of(workspace.files.path(file)).unwrap_or(Format::Json);
    let literal = |value: &str| match &slot.written {
        Written::Inside(style, close) => format!("{}{close}", names::write_inside(*style, value)),
        Written::Plain { space } => {
            let written = names::write(format, "", value);
            if *space {
                format!(" {written}")
            } else {
                written
            }
        }
    };
    let item = |label: &str, kind, detail: String| CompletionItem {
        label: label.to_string(),
        kind,
        detail: Some(detail),
        range: slot.range,
        new_text: literal(label),
    };
    // A resource a template names by reference, written as the template's
    // intrinsic in place of the whole scalar.
    let policy = match &slot.template {
        Some((key, Some(node))) if slot.field == Field::Resource => template_policies(workspace, file)
            .into_iter()
            .find(|p| p.key() == *key)
            .map(|p| (p, node)),
        _ => None,
    };
    let reference = |value: &str| -> Option<(String, TextRange, String)> {
        let (policy, node) = policy.as_ref()?;
        let encoder = policy.encoder.as_deref()?;
        if matches!(encoder.encode_str(value), Value::String(_)) {
            return None;
        }
        let text = workspace.files.text(file);
        let editor = fix::editor_with(policy.dialect, Some(encoder))?;
        let target = Node::new(slot_node_span(node, slot.range), NodeKind::Null);
        let edits = editor.replace(file, text, &target, &Value::String(value.to_string()))?;
        let [FileEdit::Replace { range, new_text, .. }] = edits.as_slice() else {
            return None;
        };
        let written = new_text.trim_start().to_string();
        let new_text = match &slot.written {
            Written::Plain { space: true } => format!(" {written}"),
            _ => written.clone(),
        };
        Some((written, *range, new_text))
    };
    let detail = |n: &Needed| {
        let for_action = match slot.field {
            Field::Action => String::new(),
            Field::Resource => format!(" (`{}`)", n.action),
        };
        match n.rank {
            0 => format!("needed by Task `{}`{for_action}, not allowed yet", n.task),
            1 => format!("needed by Task `{}`{for_action}", n.task),
            _ => format!("optional for Task `{}`{for_action}", n.task),
        }
    };
    let mut out: Vec<CompletionItem> = firsts
        .iter()
        .map(|n| {
            let kind = match slot.field {
                Field::Action => CompletionKind::Action { needed: true },
                Field::Resource => CompletionKind::PolicyResource,
            };
            let value = value(n);
            match reference(&value) {
                Some((label, range, new_text)) => CompletionItem {
                    label,
                    kind,
                    detail: Some(format!("{}: {value}", detail(n))),
                    range,
                    new_text,
                },
                None => item(&value, kind, detail(n)),
            }
        })
        .collect();
    if slot.field == Field::Action {
        for action in catalog::known_actions() {
            if !firsts.iter().any(|n| n.action == action) {
                out.push(item(
                    &action,
                    CompletionKind::Action { needed: false },
                    "in the permission catalog".to_string(),
                ));
            }
        }
    }
    out
}

/// The span the whole value takes: the scalar with its quotes, or the
/// empty insertion point.
fn slot_node_span(node: &Node, range: TextRange) -> TextRange {
    if node.span.start() <= range.start() && range.end() <= node.span.end() && !node.span.is_empty() {
        node.span
    } else {
        range
    }
}

#[cfg(test)]
mod tests {
    use super::super::completion as complete_at;
    use super::*;

    const DEFINITION: &str = r#"{"StartAt":"Work","States":{
"Work":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"arn:aws:lambda:us-east-1:123456789012:function:Worker"},"Next":"Tell"},
"Tell":{"Type":"Task","Resource":"arn:aws:states:::sns:publish","Parameters":{"TopicArn":"arn:aws:sns:us-east-1:123456789012:news"},"End":true}}}"#;

    /// The items at `$0` in the policy `fixture` linked to `DEFINITION`:
    /// label, kind, detail, range and text.
    fn complete(fixture: &str) -> Vec<String> {
        let offset = fixture.find("$0").unwrap();
        let text = fixture.replacen("$0", "", 1);
        let mut files = FileSet::new();
        files.insert("/w/flow.asl.json", DEFINITION, None);
        let id = files.insert("/w/flow.policy.json", text, Some(1));
        rendered(&files, id, offset)
    }

    #[test]
    fn actions_needed_first_then_the_catalog() {
        let fixture = r#"{"Statement":[{"Effect":"Allow","Action":["sns:Publish","la$0"],"Resource":"*"}]}"#;
        let items = complete(fixture);
        assert_eq!(
            items[..3],
            [
                "lambda:InvokeFunction Action { needed: true } needed by Task `Work`, not allowed yet 57..59 \"lambda:InvokeFunction\"",
                "sns:Publish Action { needed: true } needed by Task `Tell` 57..59 \"sns:Publish\"",
                "athena:getQueryExecution Action { needed: false } in the permission catalog 57..59 \"athena:getQueryExecution\"",
            ]
        );
        // Every catalog action once: the two needed ones are not repeated.
        let known = catalog::known_actions();
        assert_eq!(items.len(), known.len());
        assert_eq!(
            items
                .iter()
                .filter(|i| i.starts_with("lambda:InvokeFunction ") || i.starts_with("sns:Publish "))
                .count(),
            2
        );
        assert!(items[2..]
            .iter()
            .all(|i| i.contains(" Action { needed: false } in the permission catalog 57..59 ")));
        // A single string, and NotAction, the same (everything but what it
        // names is allowed); the range covers the whole content, the
        // cursor in its middle.
        let single = r#"{"Statement":{"Effect":"Allow","NotAction":"sn$0s:Pub","Resource":"*"}}"#;
        let items = complete(single);
        assert_eq!(
            items[..2],
            [
                "lambda:InvokeFunction Action { needed: true } needed by Task `Work` 44..51 \"lambda:InvokeFunction\"",
                "sns:Publish Action { needed: true } needed by Task `Tell` 44..51 \"sns:Publish\"",
            ]
        );
    }

    #[test]
    fn resources_the_tasks_need() {
        let fixture = r#"{"Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"},{"Effect":"Allow","Action":"sns:Publish","Resource":["$0"]}]}"#;
        assert_eq!(
            complete(fixture),
            [
                "arn:aws:sns:us-east-1:123456789012:news PolicyResource needed by Task `Tell` (`sns:Publish`), not allowed yet 135..135 \"arn:aws:sns:us-east-1:123456789012:news\"",
                "arn:aws:lambda:us-east-1:123456789012:function:Worker PolicyResource needed by Task `Work` (`lambda:InvokeFunction`) 135..135 \"arn:aws:lambda:us-east-1:123456789012:function:Worker\"",
                "arn:aws:lambda:us-east-1:123456789012:function:Worker:* PolicyResource optional for Task `Work` (`lambda:InvokeFunction`) 135..135 \"arn:aws:lambda:us-east-1:123456789012:function:Worker:*\"",
            ]
        );
        let not_resource = fixture.replace("\"Resource\":[\"$0\"]", "\"NotResource\":\"arn:aws:s3:::$0\"");
        // (NotResource allows the topic: both needs are met, in the
        // definition's order. A shorter ARN, such as a bare `arn:`, would
        // not: a NotResource entry that is not a whole ARN applies to
        // nothing.)
        assert_eq!(
            complete(&not_resource)[..2],
            [
                "arn:aws:lambda:us-east-1:123456789012:function:Worker PolicyResource needed by Task `Work` (`lambda:InvokeFunction`) 137..150 \"arn:aws:lambda:us-east-1:123456789012:function:Worker\"",
                "arn:aws:sns:us-east-1:123456789012:news PolicyResource needed by Task `Tell` (`sns:Publish`) 137..150 \"arn:aws:sns:us-east-1:123456789012:news\"",
            ]
        );
    }

    #[test]
    fn nothing_elsewhere_in_a_policy() {
        let fixture = r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"sns:Publish","Resource":"*","Condition":{"StringEquals":{"aws:Action":"x"}}}]}"#;
        for at in [
            "\"2012-10-17\"",
            "\"A\"",
            "\"Allow\"",
            "\"Action\"",
            "\"x\"",
            ":\"sns",
        ] {
            let marked = fixture.replacen(at, &format!("$0{at}"), 1);
            assert!(complete(&marked).is_empty(), "{marked}");
        }
        // Not linked to a state machine: the catalog only, no resources.
        let mut files = FileSet::new();
        files.insert("/w/flow.asl.json", DEFINITION, None);
        let text = r#"{"Statement":[{"Effect":"Allow","Action":"","Resource":""}]}"#;
        let id = files.insert("/w/other.policy.json", text, None);
        let actions = complete_at(&files, id, 42);
        assert_eq!(actions.len(), catalog::known_actions().len());
        assert!(actions
            .iter()
            .all(|i| i.kind == CompletionKind::Action { needed: false }));
        assert!(complete_at(&files, id, 56).is_empty());
        // The trust policy is not the permissions policy.
        let id = files.insert("/w/flow.trust.json", text, None);
        assert!(complete_at(&files, id, 56).is_empty());
    }

    #[test]
    fn while_typing_an_unclosed_string() {
        let policy = "{\"Statement\": [{\n  \"Effect\": \"Allow\",\n  \"Action\": \"lambda:$0\n  \"Resource\": \"*\"\n}]}";
        let items = complete(policy);
        assert_eq!(
            items[..2],
            [
                "lambda:InvokeFunction Action { needed: true } needed by Task `Work`, not allowed yet 51..58 \"lambda:InvokeFunction\\\"\"",
                "sns:Publish Action { needed: true } needed by Task `Tell`, not allowed yet 51..58 \"sns:Publish\\\"\"",
            ]
        );
        assert_eq!(items.len(), catalog::known_actions().len());
        // An array element on its own line, after another one; the line's
        // comma is dropped to read the policy.
        let policy = "{\"Statement\": [{\"Effect\": \"Allow\", \"Resource\": \"*\", \"Action\": [\n  \"sns:Publish\",\n  \"l$0\n]}]}";
        let items = complete(policy);
        assert_eq!(
            items[..2],
            [
                "lambda:InvokeFunction Action { needed: true } needed by Task `Work`, not allowed yet 84..85 \"lambda:InvokeFunction\\\"\"",
                "sns:Publish Action { needed: true } needed by Task `Tell` 84..85 \"sns:Publish\\\"\"",
            ]
        );
        // A closed value followed by a missing comma: replaced up to its quote.
        let policy = "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"sns:Publish\",\n  \"Resource\": \"arn:$0aws\"\n  \"Sid\": \"S\"}]}";
        assert_eq!(
            complete(policy),
            [
                "arn:aws:lambda:us-east-1:123456789012:function:Worker PolicyResource needed by Task `Work` (`lambda:InvokeFunction`), not allowed yet 75..82 \"arn:aws:lambda:us-east-1:123456789012:function:Worker\"",
                "arn:aws:sns:us-east-1:123456789012:news PolicyResource needed by Task `Tell` (`sns:Publish`), not allowed yet 75..82 \"arn:aws:sns:us-east-1:123456789012:news\"",
                "arn:aws:lambda:us-east-1:123456789012:function:Worker:* PolicyResource optional for Task `Work` (`lambda:InvokeFunction`) 75..82 \"arn:aws:lambda:us-east-1:123456789012:function:Worker:*\"",
            ]
        );
        // A key being typed, or a value of another field: nothing.
        assert!(complete("{\"Statement\": [{\n  \"Act$0\n}]}").is_empty());
        assert!(complete("{\"Statement\": [{\n  \"Effect\": \"Al$0\n}]}").is_empty());
        // Outside any statement.
        assert!(complete("{\"Statement\": [],\n  \"Action\": \"x$0\n}").is_empty());
    }

    const TEMPLATE: &str = "AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: states.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: run
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [lambda:Inv]
                Resource: '*'
              - Effect: Allow
                Action:
                  - ecs:RunTask
                  - 
                Resource:
                  - 
  Flow:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: !GetAtt Role.Arn
      Definition:
        StartAt: Work
        States:
          Work:
            Type: Task
            Resource: arn:aws:states:::lambda:invoke
            Parameters:
              FunctionName: !GetAtt Worker.Arn
            Next: Pack
          Pack:
            Type: Task
            Resource: arn:aws:states:::ecs:runTask.sync
            Parameters:
              Cluster: arn:aws:ecs:us-east-1:123456789012:cluster/main
              TaskDefinition: arn:aws:ecs:us-east-1:123456789012:task-definition/pack:3
            End: true
";

    /// Each item at `offset` as label, kind, detail, range and text.
    fn rendered(files: &FileSet, id: FileId, offset: usize) -> Vec<String> {
        complete_at(files, id, offset)
            .into_iter()
            .map(|i| {
                format!(
                    "{} {:?} {} {:?} {:?}",
                    i.label,
                    i.kind,
                    i.detail.unwrap_or_default(),
                    i.range,
                    i.new_text
                )
            })
            .collect()
    }

    /// The items at `$0` in the template `fixture` (named by `path`), as in
    /// `complete`, with the text that ends up there.
    fn complete_template(path: &str, fixture: &str) -> Vec<String> {
        let offset = fixture.find("$0").unwrap();
        let text = fixture.replacen("$0", "", 1);
        let mut files = FileSet::new();
        let id = files.insert(path, text, Some(1));
        rendered(&files, id, offset)
    }

    const JSON_TEMPLATE: &str = r#"{
  "Resources": {
    "Worker": {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": "python3.12"}},
    "Role": {
      "Type": "AWS::IAM::Role",
      "Properties": {
        "Policies": [{"PolicyName": "run", "PolicyDocument": {"Statement": [
          {
            "Effect": "Allow",
            "Action": ["lambda:Inv"],
            "Resource": ""
          }
        ]}}]
      }
    },
    "Flow": {
      "Type": "AWS::StepFunctions::StateMachine",
      "Properties": {
        "RoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
        "Definition": {"StartAt": "Work", "States": {
          "Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": {"Fn::GetAtt": ["Worker", "Arn"]}}, "End": true}
        }}
      }
    }
  }
}
"#;

    /// The items of `template` with `at` marked as `with`.
    fn at(path: &str, template: &str, at: &str, with: &str) -> Vec<String> {
        let fixture = template.replacen(at, with, 1);
        assert_ne!(fixture, template, "{at}");
        complete_template(path, &fixture)
    }

    #[test]
    fn actions_in_a_yaml_template() {
        const NEEDED: [&str; 7] = [
            "lambda:InvokeFunction Action { needed: true } needed by Task `Work`, not allowed yet",
            "ecs:RunTask Action { needed: true } needed by Task `Pack`, not allowed yet",
            "ecs:StopTask Action { needed: true } needed by Task `Pack`, not allowed yet",
            "ecs:DescribeTasks Action { needed: true } needed by Task `Pack`, not allowed yet",
            "events:PutTargets Action { needed: true } needed by Task `Pack`, not allowed yet",
            "events:PutRule Action { needed: true } needed by Task `Pack`, not allowed yet",
            "events:DescribeRule Action { needed: true } needed by Task `Pack`, not allowed yet",
        ];
        let expect = |range: &str| -> Vec<String> {
            let mut out: Vec<String> = NEEDED
                .iter()
                .map(|n| {
                    let action = n.split(' ').next().unwrap();
                    format!("{n} {range} \"{action}\"")
                })
                .collect();
            out.push(format!(
                "athena:getQueryExecution Action {{ needed: false }} in the permission catalog {range} \"athena:getQueryExecution\""
            ));
            out
        };
        // A plain scalar in a flow sequence: the whole scalar, written bare.
        let items = at("/w/template.yaml", TEMPLATE, "[lambda:Inv]", "[lambda:Inv$0]");
        assert_eq!(items[..8], expect("496..506"));
        assert_eq!(items.len(), catalog::known_actions().len());
        // A block sequence item, the cursor in its middle.
        let items = at("/w/template.yaml", TEMPLATE, "- ecs:RunTask", "- ecs:Run$0Task");
        assert_eq!(items[..8], expect("612..623"));
        // An empty item after `- `: inserted at the cursor.
        let items = at(
            "/w/template.yaml",
            TEMPLATE,
            "- \n                Resource",
            "- $0\n                Resource",
        );
        assert_eq!(items[..8], expect("644..644"));
        // A value still to write right after the colon: a space first.
        let items = at("/w/template.yaml", TEMPLATE, "Action: [lambda:Inv]", "Action:$0");
        assert_eq!(
            items[0],
            "lambda:InvokeFunction Action { needed: true } needed by Task `Work`, not allowed yet 494..494 \" lambda:InvokeFunction\""
        );
    }

    #[test]
    fn resources_in_a_yaml_template_as_its_references() {
        let items = at(
            "/w/template.yaml",
            TEMPLATE,
            "                  - \n  Flow",
            "                  - $0\n  Flow",
        );
        assert_eq!(
            items,
            [
                "!GetAtt Worker.Arn PolicyResource needed by Task `Work` (`lambda:InvokeFunction`), not allowed yet: arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${Worker} 691..691 \"!GetAtt Worker.Arn\"",
                "arn:aws:ecs:us-east-1:123456789012:task-definition/pack:3 PolicyResource needed by Task `Pack` (`ecs:RunTask`), not allowed yet 691..691 \"arn:aws:ecs:us-east-1:123456789012:task-definition/pack:3\"",
                "* PolicyResource needed by Task `Pack` (`ecs:StopTask`), not allowed yet 691..691 \"'*'\"",
                "!Sub arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/StepFunctionsGetEventsForECSTaskRule PolicyResource needed by Task `Pack` (`events:PutTargets`), not allowed yet: arn:aws:events:${AWS::Region}:${AWS::AccountId}:rule/StepFunctionsGetEventsForECSTaskRule 691..691 \"!Sub arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/StepFunctionsGetEventsForECSTaskRule\"",
                "!Sub ${Worker.Arn}:* PolicyResource optional for Task `Work` (`lambda:InvokeFunction`): arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${Worker}:* 691..691 \"!Sub ${Worker.Arn}:*\"",
            ]
        );
        // In a quoted scalar: literal values inside its quotes, references
        // in place of the whole scalar.
        let items = at("/w/template.yaml", TEMPLATE, "Resource: '*'", "Resource: '$0*'");
        assert_eq!(
            items[..3],
            [
                "!GetAtt Worker.Arn PolicyResource needed by Task `Work` (`lambda:InvokeFunction`), not allowed yet: arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${Worker} 534..537 \"!GetAtt Worker.Arn\"",
                "arn:aws:ecs:us-east-1:123456789012:task-definition/pack:3 PolicyResource needed by Task `Pack` (`ecs:RunTask`), not allowed yet 535..536 \"arn:aws:ecs:us-east-1:123456789012:task-definition/pack:3\"",
                "* PolicyResource needed by Task `Pack` (`ecs:StopTask`), not allowed yet 535..536 \"*\"",
            ]
        );
    }

    #[test]
    fn nothing_elsewhere_in_a_template_and_its_definition_unchanged() {
        for (marked, with) in [
            (
                "Effect: Allow\n                Action: [",
                "Effect: Al$0low\n                Action: [",
            ),
            ("sts:AssumeRole", "sts:$0AssumeRole"),
            ("PolicyName: run", "PolicyName: r$0un"),
            ("Resource: '*'", "Resource:$0 '*'"),
            (
                "Resource: arn:aws:states:::lambda:invoke",
                "Resource: arn:aws:states:::lambda:invoke$0",
            ),
        ] {
            let fixture = TEMPLATE.replacen(marked, with, 1);
            let offset = fixture.find("$0").unwrap();
            let mut files = FileSet::new();
            let id = files.insert("/w/template.yaml", fixture.replacen("$0", "", 1), None);
            assert_eq!(super::completion(&files, id, offset), None, "{with}");
        }
        // The inline definition's completion is the definition's.
        assert_eq!(
            at("/w/template.yaml", TEMPLATE, "Next: Pack", "Next: P$0ack"),
            [
                "Work State(Task) Task 1028..1032 \"Work\"",
                "Pack State(Task) Task 1028..1032 \"Pack\"",
            ]
        );
        // A role no state machine uses: not a linked policy.
        let unused = TEMPLATE.replace(
            "RoleArn: !GetAtt Role.Arn",
            "RoleArn: arn:aws:iam::123456789012:role/r",
        );
        assert!(at("/w/template.yaml", &unused, "[lambda:Inv]", "[lambda:Inv$0]").is_empty());
    }

    #[test]
    fn actions_and_resources_in_a_json_template() {
        let items = at(
            "/w/template.json",
            JSON_TEMPLATE,
            "\"lambda:Inv\"",
            "\"lambda:Inv$0\"",
        );
        assert_eq!(
            items[..2],
            [
                "lambda:InvokeFunction Action { needed: true } needed by Task `Work`, not allowed yet 321..331 \"lambda:InvokeFunction\"",
                "athena:getQueryExecution Action { needed: false } in the permission catalog 321..331 \"athena:getQueryExecution\"",
            ]
        );
        assert_eq!(items.len(), catalog::known_actions().len());
        assert_eq!(
            at("/w/template.json", JSON_TEMPLATE, "\"Resource\": \"\"", "\"Resource\": \"$0\""),
            [
                "{\"Fn::GetAtt\": [\"Worker\", \"Arn\"]} PolicyResource needed by Task `Work` (`lambda:InvokeFunction`), not allowed yet: arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${Worker} 359..361 \"{\\\"Fn::GetAtt\\\": [\\\"Worker\\\", \\\"Arn\\\"]}\"",
                "{\"Fn::Sub\": \"${Worker.Arn}:*\"} PolicyResource optional for Task `Work` (`lambda:InvokeFunction`): arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${Worker}:* 359..361 \"{\\\"Fn::Sub\\\": \\\"${Worker.Arn}:*\\\"}\"",
            ]
        );
        assert!(at(
            "/w/template.json",
            JSON_TEMPLATE,
            "\"Effect\": \"Allow\"",
            "\"Effect\": \"Al$0low\""
        )
        .is_empty());
        // While typing: an unclosed string, its closing quote appended;
        // resources as literal strings.
        let items = at(
            "/w/template.json",
            JSON_TEMPLATE,
            "\"Action\": [\"lambda:Inv\"],",
            "\"Action\": \"lambda:$0",
        );
        assert_eq!(
            items[..2],
            [
                "lambda:InvokeFunction Action { needed: true } needed by Task `Work`, not allowed yet 320..327 \"lambda:InvokeFunction\\\"\"",
                "athena:getQueryExecution Action { needed: false } in the permission catalog 320..327 \"athena:getQueryExecution\\\"\"",
            ]
        );
        // A reference replaces the open string, its quote included.
        let items = at(
            "/w/template.json",
            JSON_TEMPLATE,
            "\"Resource\": \"\"",
            "\"Resource\": \"arn$0",
        );
        assert_eq!(
            items,
            [
                "{\"Fn::GetAtt\": [\"Worker\", \"Arn\"]} PolicyResource needed by Task `Work` (`lambda:InvokeFunction`), not allowed yet: arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${Worker} 359..363 \"{\\\"Fn::GetAtt\\\": [\\\"Worker\\\", \\\"Arn\\\"]}\"",
                "{\"Fn::Sub\": \"${Worker.Arn}:*\"} PolicyResource optional for Task `Work` (`lambda:InvokeFunction`): arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${Worker}:* 359..363 \"{\\\"Fn::Sub\\\": \\\"${Worker.Arn}:*\\\"}\"",
            ]
        );
    }
}
