//! YAML edits in the file's own style: block collections stay block, flow
//! collections stay flow, new lines take the indentation of their
//! siblings, and the file's quote style is kept. CloudFormation intrinsics
//! in values (`{"Fn::GetAtt": [X, Arn]}`, `{"Ref": X}`, `{"Fn::Sub": s}`) are
//! written as short-form tags (`!GetAtt X.Arn`, `!Ref X`, `!Sub s`).

use serde_json::Value;

use super::editor::Editor;
use super::style::{line_start, Style};
use crate::core::diagnostic::FileEdit;
use crate::core::files::FileId;
use crate::core::syntax::{Node, NodeKind};
use crate::core::text::TextRange;

pub struct YamlEditor;

/// How this file writes YAML.
struct Layout {
    newline: &'static str,
    unit: usize,
    /// `key:\n  - item` (true) or `key:\n- item` (false).
    indented_sequences: bool,
    double_quotes: bool,
}

impl Layout {
    fn detect(text: &str) -> Layout {
        let style = Style::detect(text);
        let unit = if style.indent == "\t" {
            2
        } else {
            style.indent.len().max(1)
        };
        let mut indented_sequences = true;
        let mut previous: Option<&str> = None;
        for line in text.lines().take(2000) {
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let trimmed = line.trim_start();
            if trimmed.starts_with("- ") || trimmed == "-" {
                if let Some(prev) =
                    previous.filter(|p| p.trim_end().ends_with(':') && !p.trim_start().starts_with('-'))
                {
                    indented_sequences = indent_of(line) > indent_of(prev);
                    break;
                }
            }
            previous = Some(line);
        }
        // The quote style shows in the first 64 KiB; a file with many fixes
        // must not be read whole for each.
        let mut window = text.len().min(64 * 1024);
        while !text.is_char_boundary(window) {
            window -= 1;
        }
        let sample = &text[..window];
        let doubles = sample.matches(": \"").count() + sample.matches("- \"").count();
        let singles = sample.matches(": '").count() + sample.matches("- '").count();
        Layout {
            newline: style.newline,
            unit,
            indented_sequences,
            double_quotes: doubles >= singles,
        }
    }

    fn pad(&self, column: usize) -> String {
        " ".repeat(column)
    }

    /// A scalar as the file would write it; `flow` when it sits inside
    /// `[...]` or `{...}` (where `,[]{}` need quotes).
    fn scalar(&self, value: &Value, flow: bool) -> String {
        match value {
            Value::String(s) => self.string(s, flow),
            Value::Null => "null".into(),
            other => other.to_string(),
        }
    }

    fn string(&self, s: &str, flow: bool) -> String {
        if plain_ok(s, flow) {
            s.to_string()
        } else if self.double_quotes || s.contains(['\n', '\r', '\t']) {
            serde_json::to_string(s).unwrap_or_default()
        } else {
            format!("'{}'", s.replace('\'', "''"))
        }
    }

    /// A value written after `key:` (on the key's line or below it),
    /// for a key at `key_column`.
    fn member_value(&self, value: &Value, key_column: usize) -> String {
        if let Some(tagged) = self.intrinsic(value, false) {
            return format!(" {tagged}");
        }
        match value {
            Value::Array(items) if !items.is_empty() => {
                let column = key_column + if self.indented_sequences { self.unit } else { 0 };
                let mut out = String::new();
                for item in items {
                    out.push_str(self.newline);
                    out.push_str(&self.pad(column));
                    out.push_str("- ");
                    out.push_str(&self.item(item, column + 2));
                }
                out
            }
            Value::Object(map) if !map.is_empty() => {
                let column = key_column + self.unit;
                let mut out = String::new();
                for (k, v) in map {
                    out.push_str(self.newline);
                    out.push_str(&self.pad(column));
                    out.push_str(&self.key(k));
                    out.push(':');
                    out.push_str(&self.member_value(v, column));
                }
                out
            }
            Value::Array(_) => " []".into(),
            Value::Object(_) => " {}".into(),
            scalar => format!(" {}", self.scalar(scalar, false)),
        }
    }

    /// A value that starts where the cursor already is, its later lines at
    /// `column` (a sequence item's content, or a collection replacing another).
    fn item(&self, value: &Value, column: usize) -> String {
        if let Some(tagged) = self.intrinsic(value, false) {
            return tagged;
        }
        match value {
            Value::Object(map) if !map.is_empty() => {
                let mut out = String::new();
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        out.push_str(self.newline);
                        out.push_str(&self.pad(column));
                    }
                    out.push_str(&self.key(k));
                    out.push(':');
                    out.push_str(&self.member_value(v, column));
                }
                out
            }
            Value::Array(items) if !items.is_empty() => {
                let mut out = String::new();
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(self.newline);
                        out.push_str(&self.pad(column));
                    }
                    out.push_str("- ");
                    out.push_str(&self.item(v, column + 2));
                }
                out
            }
            other => self.flow(other),
        }
    }

    /// A value in flow style (`[a, b]`, `{k: v}`).
    fn flow(&self, value: &Value) -> String {
        if let Some(tagged) = self.intrinsic(value, true) {
            return tagged;
        }
        match value {
            Value::Array(items) => format!(
                "[{}]",
                items.iter().map(|v| self.flow(v)).collect::<Vec<_>>().join(", ")
            ),
            Value::Object(map) => format!(
                "{{{}}}",
                map.iter()
                    .map(|(k, v)| format!("{}: {}", self.key(k), self.flow(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            scalar => self.scalar(scalar, true),
        }
    }

    /// `{"Ref": X}` → `!Ref X`, `{"Fn::GetAtt": [X, A]}` → `!GetAtt X.A`,
    /// `{"Fn::Sub": s}` → `!Sub s`.
    fn intrinsic(&self, value: &Value, flow: bool) -> Option<String> {
        let map = value.as_object().filter(|m| m.len() == 1)?;
        let (key, argument) = map.iter().next()?;
        let name = if key == "Ref" {
            "Ref"
        } else {
            key.strip_prefix("Fn::")?
        };
        let written = match (name, argument) {
            ("GetAtt", Value::Array(parts)) if parts.len() == 2 => {
                format!("{}.{}", parts[0].as_str()?, parts[1].as_str()?)
            }
            (_, Value::String(s)) => self.string(s, flow),
            (_, other) => self.flow(other),
        };
        Some(format!("!{name} {written}"))
    }

    fn key(&self, key: &str) -> String {
        if plain_ok(key, true) {
            key.to_string()
        } else {
            self.string(key, true)
        }
    }
}

/// Whether a string can be written as a plain scalar and read back as the
/// same string.
fn plain_ok(s: &str, flow: bool) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s != s.trim() || s.contains(['\n', '\r', '\t']) {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) && !(first == '-' && s.len() > 1 && !s[1..].starts_with(' ')) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return false;
    }
    if flow && s.contains([',', '[', ']', '{', '}']) {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~"
    ) {
        return false;
    }
    // Numbers, dates and times (and what YAML 1.1 reads as them) stay
    // strings only quoted: `2012-10-17` would be read as a date.
    if s.parse::<f64>().is_ok() || s.starts_with("0x") || s.starts_with("0o") {
        return false;
    }
    if first.is_ascii_digit() && s.chars().all(|c| c.is_ascii_digit() || "-:._+TZtz ".contains(c)) {
        return false;
    }
    true
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn column(text: &str, offset: usize) -> usize {
    offset - line_start(text, offset)
}

fn is_flow(text: &str, node: &Node) -> bool {
    matches!(text.as_bytes().get(node.span.start()), Some(b'[' | b'{'))
}

/// Where a new line goes after a node ending at `end`: the end of that
/// line (after any trailing comment), before its line break.
/// Whether a member at column `col` can follow `last` on the next line. Not
/// when `last`'s value is a flow collection that closes left of `col` (a
/// key after it is refused as badly indented by strict parsers), nor when
/// it is a block scalar that keeps its trailing blank lines (`|+`), which
/// would lose them to the new member.
fn appends_after(text: &str, last: &crate::core::syntax::Member, col: usize) -> bool {
    let value = last.value.untagged();
    let start = value.span.start().min(text.len());
    let end = value.span.end().min(text.len());
    // A block scalar's header (`|+`, `>2+`) is on the key's line; its span
    // may start there or at its first line of content.
    let key_end = last.key_span.end().min(start);
    let header_end = text[start..].find(['\n', '\r']).map_or(text.len(), |i| start + i);
    let header = text[key_end..header_end].split('#').next().unwrap_or("");
    let header = header.trim_start_matches([':', ' ', '\t']);
    if header.starts_with(['|', '>']) && header.lines().next().unwrap_or("").contains('+') {
        return false;
    }
    if is_flow(text, value) {
        // Every later line of the collection, the closing one included.
        return text[start..end].split(['\n', '\r']).skip(1).all(|line| {
            let content = line.trim_start_matches([' ', '\t']);
            content.is_empty() || line.len() - content.len() >= col
        });
    }
    true
}

fn after_line(text: &str, end: usize) -> usize {
    let end = end.min(text.len());
    // A block scalar's span ends after its last line break, or after the
    // indentation of the line that ends it.
    let before = text[..end].trim_end_matches([' ', '\t']);
    if before.ends_with('\n') || before.ends_with('\r') {
        return before.trim_end_matches(|c: char| c.is_ascii_whitespace()).len();
    }
    text[end..]
        .find(['\n', '\r'])
        .map(|i| end + i)
        .unwrap_or(text.len())
}

/// Whether `offset` is the start of a value written on its key's line
/// (`Resource: "*"`), and if so the range from just after the colon.
fn after_colon(text: &str, offset: usize) -> Option<usize> {
    let start = line_start(text, offset);
    let before = text[start..offset].trim_end_matches([' ', '\t']);
    before.ends_with(':').then_some(start + before.len())
}

/// The column of the key whose value starts at `offset` on the key's line:
/// past the indentation and any `- ` of enclosing sequence items.
fn key_column(text: &str, offset: usize) -> usize {
    let start = line_start(text, offset);
    let line = &text[start..offset];
    let mut column = 0;
    let bytes = line.as_bytes();
    while column < bytes.len() {
        match bytes[column] {
            b' ' => column += 1,
            b'-' if bytes.get(column + 1) == Some(&b' ') => column += 2,
            _ => break,
        }
    }
    column
}

fn edit(file: FileId, range: TextRange, new_text: String) -> FileEdit {
    FileEdit::Replace {
        file,
        range,
        new_text,
    }
}

/// The column of a block sequence's dashes: the `-` before its first item,
/// on the item's line or alone on a line above it.
fn dash_column(text: &str, array: &Node) -> Option<usize> {
    let first = array.elements().first()?;
    let before = text[..first.span.start()].trim_end_matches([' ', '\t', '\n', '\r']);
    before.ends_with('-').then(|| column(text, before.len() - 1))
}

impl Editor for YamlEditor {
    fn replace(&self, file: FileId, text: &str, node: &Node, value: &Value) -> Option<Vec<FileEdit>> {
        let layout = Layout::detect(text);
        let collection = matches!(value, Value::Array(a) if !a.is_empty())
            || matches!(value, Value::Object(o) if !o.is_empty() && layout.intrinsic(value, false).is_none());
        let flow_context = text[..node.span.start()].trim_end().ends_with(['[', '{', ',']);
        if flow_context || !collection {
            let new_text = if flow_context {
                layout.flow(value)
            } else {
                layout.item(value, column(text, node.span.start()))
            };
            return Some(vec![edit(file, node.span, new_text)]);
        }
        if let Some(colon) = after_colon(text, node.span.start()) {
            let key = key_column(text, node.span.start());
            return Some(vec![edit(
                file,
                TextRange::new(colon, node.span.end()),
                layout.member_value(value, key),
            )]);
        }
        // A block sequence's span starts at its first item, after the `- `:
        // the replacement starts at that dash.
        let mut range = node.span;
        if matches!(node.untagged().kind, NodeKind::Array(_)) && !is_flow(text, node) {
            if let Some(dash) = text[..node.span.start()]
                .trim_end_matches([' ', '\t'])
                .strip_suffix('-')
            {
                range = TextRange::new(dash.len(), node.span.end());
            }
        }
        let col = column(text, range.start());
        Some(vec![edit(file, range, layout.item(value, col))])
    }

    fn append(&self, file: FileId, text: &str, array: &Node, values: &[Value]) -> Option<Vec<FileEdit>> {
        let items = array.elements();
        if !matches!(array.untagged().kind, NodeKind::Array(_)) {
            return None;
        }
        let layout = Layout::detect(text);
        if is_flow(text, array) {
            let printed: Vec<String> = values.iter().map(|v| layout.flow(v)).collect();
            return Some(vec![match items.last() {
                Some(last) => edit(
                    file,
                    TextRange::empty(last.span.end()),
                    format!(", {}", printed.join(", ")),
                ),
                None => edit(
                    file,
                    TextRange::new(
                        array.span.start() + 1,
                        array.span.end().saturating_sub(1).max(array.span.start() + 1),
                    ),
                    printed.join(", "),
                ),
            }]);
        }
        if items.is_empty() {
            return None;
        }
        self.insert_after(file, text, array, items.len() - 1, values)
    }

    fn insert_after(
        &self,
        file: FileId,
        text: &str,
        array: &Node,
        index: usize,
        values: &[Value],
    ) -> Option<Vec<FileEdit>> {
        let element = array.elements().get(index)?;
        let layout = Layout::detect(text);
        if is_flow(text, array) {
            let printed: Vec<String> = values.iter().map(|v| layout.flow(v)).collect();
            return Some(vec![edit(
                file,
                TextRange::empty(element.span.end()),
                format!(", {}", printed.join(", ")),
            )]);
        }
        let dash = dash_column(text, array)?;
        let mut new_text = String::new();
        for value in values {
            new_text.push_str(layout.newline);
            new_text.push_str(&layout.pad(dash));
            new_text.push_str("- ");
            new_text.push_str(&layout.item(value, dash + 2));
        }
        Some(vec![edit(
            file,
            TextRange::empty(after_line(text, element.span.end())),
            new_text,
        )])
    }

    fn replace_element(
        &self,
        file: FileId,
        text: &str,
        array: &Node,
        index: usize,
        values: &[Value],
    ) -> Option<Vec<FileEdit>> {
        let element = array.elements().get(index)?;
        if values.is_empty() {
            return self.remove_element(file, text, array, index);
        }
        let layout = Layout::detect(text);
        if is_flow(text, array) {
            let printed: Vec<String> = values.iter().map(|v| layout.flow(v)).collect();
            return Some(vec![edit(file, element.span, printed.join(", "))]);
        }
        let dash = dash_column(text, array)?;
        let mut new_text = layout.item(&values[0], dash + 2);
        for value in &values[1..] {
            new_text.push_str(layout.newline);
            new_text.push_str(&layout.pad(dash));
            new_text.push_str("- ");
            new_text.push_str(&layout.item(value, dash + 2));
        }
        Some(vec![edit(file, element.span, new_text)])
    }

    fn add_member(
        &self,
        file: FileId,
        text: &str,
        object: &Node,
        key: &str,
        value: &Value,
    ) -> Option<Vec<FileEdit>> {
        let object = object.untagged();
        let NodeKind::Object(members) = &object.kind else {
            return None;
        };
        let layout = Layout::detect(text);
        if is_flow(text, object) {
            let member = format!("{}: {}", layout.key(key), layout.flow(value));
            return Some(vec![match members.last() {
                Some(last) => edit(
                    file,
                    TextRange::empty(last.value.span.end()),
                    format!(", {member}"),
                ),
                None => edit(
                    file,
                    TextRange::new(
                        object.span.start() + 1,
                        object.span.end().saturating_sub(1).max(object.span.start() + 1),
                    ),
                    member,
                ),
            }]);
        }
        let first = members.first()?;
        let last = members.last()?;
        let col = column(text, first.key_span.start());
        if !appends_after(text, last, col) {
            return self.insert_members_before(file, text, object, 0, &[(key.to_string(), value.clone())]);
        }
        let new_text = format!(
            "{}{}{}:{}",
            layout.newline,
            layout.pad(col),
            layout.key(key),
            layout.member_value(value, col)
        );
        Some(vec![edit(
            file,
            TextRange::empty(after_line(text, last.value.span.end())),
            new_text,
        )])
    }

    fn insert_members_before(
        &self,
        file: FileId,
        text: &str,
        object: &Node,
        before: usize,
        members: &[(String, Value)],
    ) -> Option<Vec<FileEdit>> {
        let member = object.untagged().members().get(before)?;
        let layout = Layout::detect(text);
        let start = member.key_span.start();
        if is_flow(text, object.untagged()) {
            let printed: String = members
                .iter()
                .map(|(k, v)| format!("{}: {}, ", layout.key(k), layout.flow(v)))
                .collect();
            return Some(vec![edit(file, TextRange::empty(start), printed)]);
        }
        let col = column(text, start);
        let mut new_text = String::new();
        for (key, value) in members {
            new_text.push_str(&layout.key(key));
            new_text.push(':');
            new_text.push_str(&layout.member_value(value, col));
            new_text.push_str(layout.newline);
            new_text.push_str(&layout.pad(col));
        }
        Some(vec![edit(file, TextRange::empty(start), new_text)])
    }

    fn remove_element(&self, file: FileId, text: &str, array: &Node, index: usize) -> Option<Vec<FileEdit>> {
        let items = array.elements();
        let item = items.get(index)?;
        if is_flow(text, array) {
            let range = if index > 0 {
                TextRange::new(items[index - 1].span.end(), item.span.end())
            } else if let Some(next) = items.get(1) {
                TextRange::new(item.span.start(), next.span.start())
            } else {
                TextRange::new(array.span.start() + 1, array.span.end() - 1)
            };
            return Some(vec![edit(file, range, String::new())]);
        }
        if items.len() < 2 {
            return None;
        }
        // From the line break before the item's line to the end of its last
        // line: the lines go, everything else stays.
        let first_line = line_start(text, item.span.start());
        let end = after_line(text, item.span.end());
        let start = text[..first_line].trim_end_matches(['\n', '\r']).len();
        if start == 0 {
            return None;
        }
        Some(vec![edit(file, TextRange::new(start, end), String::new())])
    }

    fn set_string(&self, file: FileId, text: &str, node: &Node, value: &str) -> Option<Vec<FileEdit>> {
        let layout = Layout::detect(text);
        let written = &text[node.span.start()..node.span.end().min(text.len())];
        let flow_context = text[..node.span.start()].trim_end().ends_with(['[', '{', ',']);
        let new_text = if written.starts_with('"') {
            serde_json::to_string(value).ok()?
        } else if written.starts_with('\'') && !value.contains(['\n', '\r']) {
            format!("'{}'", value.replace('\'', "''"))
        } else {
            layout.string(value, flow_context)
        };
        Some(vec![edit(file, node.span, new_text)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::diagnostic::apply_edits;
    use crate::core::syntax::yaml::parse;
    use serde_json::json;

    fn apply(text: &str, edits: Vec<FileEdit>) -> String {
        let after = apply_edits(text, FileId(0), &edits);
        let parsed = parse(&after);
        assert!(parsed.errors.is_empty(), "{after}\n{:?}", parsed.errors);
        after
    }

    /// A member cannot follow a flow collection that closes left of the
    /// keys (strict parsers refuse the next key), nor a block scalar that
    /// keeps its trailing blank lines; it goes before the first member.
    #[test]
    fn adds_a_member_first_when_it_cannot_follow_the_last() {
        for (text, expected) in [
            (
                "P:\n  A: 1\n  K: {\n    x: 1\n }\nQ: 2\n",
                "P:\n  New: 3\n  A: 1\n  K: {\n    x: 1\n }\nQ: 2\n",
            ),
            (
                "P:\n  A: 1\n  K: {\n    x: 1\n}\nQ: 2\n",
                "P:\n  New: 3\n  A: 1\n  K: {\n    x: 1\n}\nQ: 2\n",
            ),
            (
                "P:\n  A: 1\n  K: |+\n    text\n\nQ: 2\n",
                "P:\n  New: 3\n  A: 1\n  K: |+\n    text\n\nQ: 2\n",
            ),
            // After a block scalar in a tagged sequence, ended by a less
            // indented key: at the end of the scalar's last line.
            (
                "R:\n  P:\n    A: 1\n    D: !Sub\n      - |-\n        text\n\n  Q: 2\n",
                "R:\n  P:\n    A: 1\n    D: !Sub\n      - |-\n        text\n    New: 3\n\n  Q: 2\n",
            ),
            // Otherwise it goes last.
            (
                "P:\n  A: 1\n  K: {\n    x: 1\n  }\nQ: 2\n",
                "P:\n  A: 1\n  K: {\n    x: 1\n  }\n  New: 3\nQ: 2\n",
            ),
            (
                "P:\n  A: 1\n  K: |\n    text\n\nQ: 2\n",
                "P:\n  A: 1\n  K: |\n    text\n  New: 3\n\nQ: 2\n",
            ),
        ] {
            let root = parse(text).root.unwrap();
            let object = root.get("P").or_else(|| root.get("R")?.get("P")).unwrap();
            let edits = YamlEditor
                .add_member(FileId(0), text, object, "New", &json!(3))
                .unwrap();
            assert_eq!(apply(text, edits), expected, "{text}");
        }
    }

    const POLICY: &str = "\
Policies:
  - PolicyName: run
    PolicyDocument:
      Statement:
        - Effect: Allow
          Action: lambda:InvokeFunction
          Resource: '*' # too broad
Outputs: {}
";

    #[test]
    fn appends_a_statement_with_tags() {
        let root = parse(POLICY).root.unwrap();
        let statements = root.get("Policies").unwrap().elements()[0]
            .get("PolicyDocument")
            .unwrap()
            .get("Statement")
            .unwrap();
        let value = json!({
            "Effect": "Allow",
            "Action": ["events:PutRule", "events:PutTargets"],
            "Resource": [{"Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/R"}]
        });
        let edits = YamlEditor
            .append(FileId(0), POLICY, statements, &[value])
            .unwrap();
        assert_eq!(
            apply(POLICY, edits),
            "\
Policies:
  - PolicyName: run
    PolicyDocument:
      Statement:
        - Effect: Allow
          Action: lambda:InvokeFunction
          Resource: '*' # too broad
        - Effect: Allow
          Action:
            - events:PutRule
            - events:PutTargets
          Resource:
            - !Sub arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/R
Outputs: {}
"
        );
    }

    #[test]
    fn replaces_a_scalar_with_a_list() {
        let root = parse(POLICY).root.unwrap();
        let statement = &root.get("Policies").unwrap().elements()[0]
            .get("PolicyDocument")
            .unwrap()
            .get("Statement")
            .unwrap()
            .elements()[0];
        let resource = statement.get("Resource").unwrap();
        assert_eq!(&POLICY[resource.span.start()..resource.span.end()], "'*'");
        let value = json!([{"Fn::GetAtt": ["Worker", "Arn"]}, {"Fn::Sub": "${Worker.Arn}:*"}]);
        let edits = YamlEditor.replace(FileId(0), POLICY, resource, &value).unwrap();
        assert_eq!(
            apply(POLICY, edits),
            "\
Policies:
  - PolicyName: run
    PolicyDocument:
      Statement:
        - Effect: Allow
          Action: lambda:InvokeFunction
          Resource:
            - !GetAtt Worker.Arn
            - !Sub ${Worker.Arn}:* # too broad
Outputs: {}
"
        );
    }

    #[test]
    fn flow_sequences_stay_flow_and_members_are_added() {
        let text = "A:\n  Action: [a:B, a:C]\n  Effect: Allow\n";
        let root = parse(text).root.unwrap();
        let a = root.get("A").unwrap();
        let edits = YamlEditor
            .append(FileId(0), text, a.get("Action").unwrap(), &[json!("a:D")])
            .unwrap();
        assert_eq!(
            apply(text, edits),
            "A:\n  Action: [a:B, a:C, a:D]\n  Effect: Allow\n"
        );
        let edits = YamlEditor
            .add_member(
                FileId(0),
                text,
                a,
                "Condition",
                &json!({"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}),
            )
            .unwrap();
        assert_eq!(
            apply(text, edits),
            "A:\n  Action: [a:B, a:C]\n  Effect: Allow\n  Condition:\n    StringEquals:\n      aws:SourceAccount: !Ref AWS::AccountId\n"
        );
    }

    #[test]
    fn removes_and_replaces_elements_by_line() {
        let text = "L:\n  - a\n  - b: 1\n    c: 2\n  - d\n";
        let root = parse(text).root.unwrap();
        let list = root.get("L").unwrap();
        let edits = YamlEditor.remove_element(FileId(0), text, list, 1).unwrap();
        assert_eq!(apply(text, edits), "L:\n  - a\n  - d\n");
        let edits = YamlEditor
            .replace_element(FileId(0), text, list, 1, &[json!({"x": "1"}), json!("z")])
            .unwrap();
        assert_eq!(apply(text, edits), "L:\n  - a\n  - x: \"1\"\n  - z\n  - d\n");
    }

    #[test]
    fn replaces_a_block_sequence_from_its_first_dash() {
        let text = "A:\n  Action:\n  - a:B\n  - a:C\n  Effect: Allow\n";
        let root = parse(text).root.unwrap();
        let action = root.get("A").unwrap().get("Action").unwrap();
        let edits = YamlEditor
            .replace(FileId(0), text, action, &json!(["a:D", "a:E"]))
            .unwrap();
        assert_eq!(
            apply(text, edits),
            "A:\n  Action:\n  - a:D\n  - a:E\n  Effect: Allow\n"
        );
    }

    #[test]
    fn items_whose_dash_stands_alone() {
        let text = "S:\n  -\n    Effect: Allow\n    Action: a:B\n";
        let root = parse(text).root.unwrap();
        let edits = YamlEditor
            .append(
                FileId(0),
                text,
                root.get("S").unwrap(),
                &[json!({"Effect": "Deny"})],
            )
            .unwrap();
        assert_eq!(
            apply(text, edits),
            "S:\n  -\n    Effect: Allow\n    Action: a:B\n  - Effect: Deny\n"
        );
    }

    #[test]
    fn plain_scalars_only_when_they_read_back() {
        for s in [
            "yes",
            "1.5",
            "a: b",
            "#x",
            "",
            " a",
            "{x}",
            "*",
            "2012-10-17",
            "12:30",
        ] {
            assert!(!plain_ok(s, false), "{s}");
        }
        for s in [
            "arn:aws:s3:::b/*",
            "${Worker.Arn}:*",
            "lambda:InvokeFunction",
            "-x",
        ] {
            assert!(plain_ok(s, false), "{s}");
        }
    }
}
