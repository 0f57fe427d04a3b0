//! Completion in a role's policy document (a JSON policy file linked to
//! state machines): in a statement's `Action` or `NotAction`, the IAM
//! actions the linked definitions' tasks need, then every other action of
//! the permission catalog; in `Resource` or `NotResource`, the resources
//! those needs name. Nowhere else in a policy. While the value is typed
//! (an unclosed string, so the file does not parse) the field is read from
//! the text before the cursor and the links from the file with the cursor's
//! line blanked.

use crate::core::analysis::Workspace;
use crate::core::asl::StateMachine;
use crate::core::catalog;
use crate::core::classify::{self, FileKind, Format};
use crate::core::files::{FileId, FileSet};
use crate::core::iam::Decision;
use crate::core::rules::permissions::Context;
use crate::core::syntax::{self, Node, NodeKind};
use crate::core::text::TextRange;

use super::complete::{CompletionItem, CompletionKind};
use super::names::{self, Style};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Action,
    Resource,
}

/// The string value the cursor is in: which field it belongs to, the range
/// of its content, and what the item appends (the closing quote while the
/// string is still open).
#[derive(Clone, Copy, Debug)]
struct Slot {
    field: Field,
    range: TextRange,
    close: &'static str,
}

/// `None` when `file` is not a policy document (the caller goes on to the
/// definitions); otherwise the items at `offset`, possibly none.
pub(super) fn completion(files: &FileSet, file: FileId, offset: usize) -> Option<Vec<CompletionItem>> {
    if file.0 as usize >= files.len() {
        return None;
    }
    let path = files.path(file);
    if classify::kind_by_name(path).is_some() || classify::format_of(path) != Some(Format::Json) {
        return None;
    }
    let text = files.text(file);
    if offset > text.len() || !text.is_char_boundary(offset) {
        return None;
    }
    let workspace = Workspace::new(files);
    if let Some(root) = workspace.root(file) {
        if workspace.kind(file) != FileKind::Policy {
            return None;
        }
        let Some(slot) = tree_slot(root, text, offset) else {
            return Some(Vec::new());
        };
        return Some(items(&workspace, file, slot));
    }
    // Does not parse: the value being typed.
    let (repaired, slot) = while_typing(text, offset)?;
    let mut copy = files.clone();
    copy.insert(path, repaired, files.get(file).version);
    let workspace = Workspace::new(&copy);
    Some(items(&workspace, file, slot))
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
                        close: "",
                    });
                }
            }
        }
    }
    None
}

/// A policy that does not parse because of the string being typed: the
/// slot read from the text before the cursor, and the text with the
/// cursor's line blanked (and the comma before it dropped, if need be)
/// when that parses as a policy whose statement holds the cursor.
fn while_typing(text: &str, offset: usize) -> Option<(String, Slot)> {
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
        close,
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
    attempts
        .into_iter()
        .find(|candidate| {
            syntax::json::parse(candidate).root.is_some_and(|root| {
                statements(&root)
                    .iter()
                    .any(|s| s.span.start() < offset && offset < s.span.end())
            })
        })
        .map(|repaired| (repaired, slot))
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

/// What the state machines whose role has `file` as a policy need.
fn needed(workspace: &Workspace, file: FileId) -> Vec<Needed> {
    let mut out = Vec::new();
    for unit in workspace.units().0 {
        if !unit.policies.iter().any(|p| p.file == file) {
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
    let needed = needed(workspace, file);
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
    let item = |label: &str, kind, detail: String| CompletionItem {
        label: label.to_string(),
        kind,
        detail: Some(detail),
        range: slot.range,
        new_text: format!("{}{}", names::write_inside(Style::Double, label), slot.close),
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
            item(&value(n), kind, detail(n))
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
        complete_at(&files, id, offset)
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
        let not_resource = fixture.replace("\"Resource\":[\"$0\"]", "\"NotResource\":\"arn:$0\"");
        // (NotResource allows the topic: both needs are met, in the
        // definition's order.)
        assert_eq!(
            complete(&not_resource)[..2],
            [
                "arn:aws:lambda:us-east-1:123456789012:function:Worker PolicyResource needed by Task `Work` (`lambda:InvokeFunction`) 137..141 \"arn:aws:lambda:us-east-1:123456789012:function:Worker\"",
                "arn:aws:sns:us-east-1:123456789012:news PolicyResource needed by Task `Tell` (`sns:Publish`) 137..141 \"arn:aws:sns:us-east-1:123456789012:news\"",
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
}
