//! Terraform edits in HCL: policies written as `jsonencode({ Statement =
//! [...] })` objects (HCL object syntax, `Key = value`) and as
//! `data "aws_iam_policy_document"` blocks (`statement { ... }`), and JSON
//! policies written verbatim in a heredoc.
//!
//! Values arrive as JSON whose strings are canonical, already passed
//! through the module's [`Encoder`](crate::core::template::Encoder): a
//! lone reference is `{"$ref": "aws_lambda_function.worker.arn"}` and is
//! written bare; other strings may hold `${...}` interpolations. An IAM
//! policy variable (`${aws:username}`) is escaped as `$${aws:username}`; a
//! pseudo parameter with no data source to write it (`${AWS::Region}`)
//! cannot be written, and the edit is not offered.

use serde_json::Value;

use super::editor::Editor;
use super::json::JsonEditor;
use super::style::{line_indent, line_start, Style};
use crate::core::diagnostic::FileEdit;
use crate::core::files::FileId;
use crate::core::syntax::{Member, Node, NodeKind};
use crate::core::text::TextRange;

/// An HCL string literal for `value`; `None` when it holds a placeholder
/// HCL cannot write.
pub fn string(value: &str) -> Option<String> {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    let mut rest = value;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("${") {
            let close = after.find('}')?;
            let inner = &after[..close];
            if inner.starts_with("AWS::") {
                return None;
            }
            if is_policy_variable(inner) {
                out.push_str("$${");
            } else {
                out.push_str("${");
            }
            out.push_str(inner);
            out.push('}');
            rest = &after[close + 1..];
            continue;
        }
        if let Some(after) = rest.strip_prefix("%{") {
            out.push_str("%%{");
            rest = after;
            continue;
        }
        let c = rest.chars().next()?;
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out.push('"');
    Some(out)
}

/// `aws:username`, `s3:prefix`, `aws:PrincipalTag/team`: written literally
/// in a policy, never interpolated by Terraform.
fn is_policy_variable(inner: &str) -> bool {
    match inner.split_once(':') {
        Some((service, rest)) => {
            !service.is_empty()
                && service.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !rest.is_empty()
                && !rest.contains([' ', '(', '"'])
        }
        None => false,
    }
}

/// Whether `key` can be written bare: as an object key, or as a block's
/// name in a reference (`aws_iam_role.NAME.arn`).
pub(crate) fn is_identifier(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// How the object being edited writes its members: `Key = value` (the
/// usual) or `"Key": value` (JSON habits inside `jsonencode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flavor {
    pub separator: &'static str,
    pub quote_keys: bool,
    /// Members separated by commas (`"Sid": "X",`).
    pub commas: bool,
}

impl Flavor {
    pub const HCL: Flavor = Flavor {
        separator: " = ",
        quote_keys: false,
        commas: false,
    };

    /// The flavor of an existing member.
    fn of(text: &str, member: &Member) -> Flavor {
        let between = text
            .get(member.key_span.end()..member.value.span.start())
            .unwrap_or("");
        Flavor {
            separator: if between.contains(':') && !between.contains('=') {
                ": "
            } else {
                " = "
            },
            quote_keys: text
                .get(member.key_span.start()..)
                .is_some_and(|t| t.starts_with('"')),
            commas: after_comma(text, member.value.span.end()).is_some(),
        }
    }

    /// The flavor of the objects in or around `node`: its last member's, or
    /// its last element's last member's.
    fn near(text: &str, node: &Node) -> Flavor {
        let object = match &node.kind {
            NodeKind::Array(items) => items.last(),
            NodeKind::Object(_) => Some(node),
            _ => None,
        };
        let members = object.map(Node::members).unwrap_or(&[]);
        match (members.first(), members.last()) {
            (Some(first), Some(last)) => Flavor {
                commas: members.len() > 1 && Flavor::of(text, first).commas,
                ..Flavor::of(text, last)
            },
            _ => Flavor::HCL,
        }
    }
}

fn key(key: &str, flavor: Flavor) -> Option<String> {
    if is_identifier(key) && !flavor.quote_keys {
        Some(key.to_string())
    } else {
        string(key)
    }
}

fn reference(value: &Value) -> Option<&str> {
    let map = value.as_object()?;
    if map.len() != 1 {
        return None;
    }
    map.get("$ref")?.as_str()
}

/// Prints `value` as an HCL expression whose first line continues the
/// current line and whose later lines start with `base` plus levels of
/// `style.indent`, in the usual HCL flavor.
pub fn print(value: &Value, style: &Style, base: &str) -> Option<String> {
    print_as(value, style, base, Flavor::HCL)
}

/// Like [`print`], with object members written in `flavor`. Runs of
/// single-line members are aligned on their `=`, as `terraform fmt` does.
pub fn print_as(value: &Value, style: &Style, base: &str, flavor: Flavor) -> Option<String> {
    if let Some(r) = reference(value) {
        return Some(r.to_string());
    }
    Some(match value {
        Value::String(s) => string(s)?,
        Value::Object(map) if map.is_empty() => "{}".into(),
        Value::Object(map) => {
            let inner = format!("{base}{}", style.indent);
            let mut lines: Vec<(String, String)> = Vec::with_capacity(map.len());
            for (k, v) in map {
                lines.push((key(k, flavor)?, print_as(v, style, &inner, flavor)?));
            }
            let mut out = String::from("{");
            out.push_str(&aligned(&lines, style, &inner, flavor));
            out.push_str(style.newline);
            out.push_str(base);
            out.push('}');
            out
        }
        Value::Array(items) if items.is_empty() => "[]".into(),
        Value::Array(items) => {
            let printed: Vec<String> = items
                .iter()
                .map(|v| print_as(v, style, &format!("{base}{}", style.indent), flavor))
                .collect::<Option<_>>()?;
            let scalars = items
                .iter()
                .all(|v| !v.is_array() && (!v.is_object() || reference(v).is_some()));
            let width: usize = printed.iter().map(|p| p.len() + 2).sum();
            if scalars && (items.len() <= 1 || width <= 60) {
                format!("[{}]", printed.join(", "))
            } else {
                let inner = format!("{base}{}", style.indent);
                let mut out = String::from("[");
                for p in printed {
                    out.push_str(style.newline);
                    out.push_str(&inner);
                    out.push_str(&p);
                    out.push(',');
                }
                out.push_str(style.newline);
                out.push_str(base);
                out.push(']');
                out
            }
        }
        other => other.to_string(),
    })
}

/// A statement as a `data "aws_iam_policy_document"` `statement` block.
pub fn statement_block(value: &Value, style: &Style, base: &str) -> Option<String> {
    let map = value.as_object()?;
    let inner = format!("{base}{}", style.indent);
    let list = |v: &Value| match v {
        Value::Array(_) => v.clone(),
        other => Value::Array(vec![other.clone()]),
    };
    let mut attributes: Vec<(&str, Value)> = Vec::new();
    let mut blocks: Vec<String> = Vec::new();
    for (k, v) in map {
        match k.as_str() {
            "Sid" => attributes.push(("sid", v.clone())),
            // `Allow` is the default: written only when it is not.
            "Effect" if v.as_str() == Some("Allow") => {}
            "Effect" => attributes.push(("effect", v.clone())),
            "Action" => attributes.push(("actions", list(v))),
            "NotAction" => attributes.push(("not_actions", list(v))),
            "Resource" => attributes.push(("resources", list(v))),
            "NotResource" => attributes.push(("not_resources", list(v))),
            "Condition" => {
                for (test, entries) in v.as_object()? {
                    for (variable, values) in entries.as_object()? {
                        let body = [
                            ("test", Value::String(test.clone())),
                            ("variable", Value::String(variable.clone())),
                            ("values", list(values)),
                        ];
                        blocks.push(block("condition", &body, style, &inner)?);
                    }
                }
            }
            "Principal" | "NotPrincipal" => {
                let name = if k == "Principal" {
                    "principals"
                } else {
                    "not_principals"
                };
                match v {
                    Value::String(s) if s == "*" => {
                        let body = [("type", Value::String("*".into())), ("identifiers", list(v))];
                        blocks.push(block(name, &body, style, &inner)?);
                    }
                    Value::Object(kinds) => {
                        for (kind, ids) in kinds {
                            let body = [("type", Value::String(kind.clone())), ("identifiers", list(ids))];
                            blocks.push(block(name, &body, style, &inner)?);
                        }
                    }
                    _ => return None,
                }
            }
            _ => return None,
        }
    }
    let mut out = String::from("statement {");
    out.push_str(&attribute_lines(&attributes, style, &inner)?);
    for b in blocks {
        out.push_str(style.newline);
        out.push_str(style.newline);
        out.push_str(&inner);
        out.push_str(&b);
    }
    out.push_str(style.newline);
    out.push_str(base);
    out.push('}');
    Some(out)
}

fn attribute_lines(attributes: &[(&str, Value)], style: &Style, indent: &str) -> Option<String> {
    let mut lines = Vec::with_capacity(attributes.len());
    for (k, v) in attributes {
        lines.push((k.to_string(), print(v, style, indent)?));
    }
    Some(aligned(&lines, style, indent, Flavor::HCL))
}

/// `key = value` lines, each on its own line at `indent`, aligned on the
/// separator as `terraform fmt` does: a run of lines ends with the first
/// whose value spans several lines (the lines inside it assign nothing).
fn aligned(lines: &[(String, String)], style: &Style, indent: &str, flavor: Flavor) -> String {
    let mut out = String::new();
    let mut start = 0;
    while start < lines.len() {
        let end = lines[start..]
            .iter()
            .position(|(_, v)| v.contains(['\n', '\r']))
            .map(|i| start + i + 1)
            .unwrap_or(lines.len());
        let width = lines[start..end]
            .iter()
            .map(|(k, _)| k.chars().count())
            .max()
            .unwrap_or(0);
        for (i, (k, v)) in lines.iter().enumerate().take(end).skip(start) {
            out.push_str(style.newline);
            out.push_str(indent);
            if flavor.separator.starts_with(':') {
                out.push_str(k);
            } else {
                out.push_str(&format!("{k:width$}"));
            }
            out.push_str(flavor.separator);
            out.push_str(v);
            if flavor.commas && i + 1 < lines.len() {
                out.push(',');
            }
        }
        start = end;
    }
    out
}

fn block(name: &str, attributes: &[(&str, Value)], style: &Style, base: &str) -> Option<String> {
    let inner = format!("{base}{}", style.indent);
    Some(format!(
        "{name} {{{}{}{base}}}",
        attribute_lines(attributes, style, &inner)?,
        style.newline
    ))
}

/// The node's text starts a block (`statement {`, `condition {`): the
/// identifier.
fn block_ident<'t>(text: &'t str, node: &Node) -> Option<&'t str> {
    let raw = text.get(node.span.start()..node.span.end())?;
    let ident_end = raw.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    let ident = &raw[..ident_end];
    (!ident.is_empty() && raw[ident_end..].trim_start().starts_with('{')).then_some(ident)
}

/// A `Statement` list that is a policy document's body (`{ statement {...} }`).
fn is_document_body(text: &str, array: &Node) -> bool {
    matches!(array.kind, NodeKind::Array(_))
        && text.get(array.span.start()..).is_some_and(|t| t.starts_with('{'))
}

/// Skips spaces, tabs and comments on the way to the next token.
fn next_token(text: &str, mut at: usize) -> usize {
    let bytes = text.as_bytes();
    loop {
        while at < bytes.len() && matches!(bytes[at], b' ' | b'\t' | b'\r' | b'\n') {
            at += 1;
        }
        if text[at..].starts_with('#') || text[at..].starts_with("//") {
            at = text[at..].find('\n').map(|i| at + i).unwrap_or(text.len());
            continue;
        }
        if text[at..].starts_with("/*") {
            at = text[at..].find("*/").map(|i| at + i + 2).unwrap_or(text.len());
            continue;
        }
        return at;
    }
}

/// The offset just after `end` and a comma following it, if there is one.
fn after_comma(text: &str, end: usize) -> Option<usize> {
    let at = next_token(text, end);
    text[at..].starts_with(',').then_some(at + 1)
}

fn child_indent(text: &str, container: &Node, first: Option<usize>, style: &Style) -> String {
    match first {
        Some(first) if line_start(text, first) != line_start(text, container.span.start()) => {
            line_indent(text, first).to_string()
        }
        _ => format!("{}{}", line_indent(text, container.span.start()), style.indent),
    }
}

fn edit(file: FileId, range: TextRange, new_text: String) -> Vec<FileEdit> {
    vec![FileEdit::Replace {
        file,
        range,
        new_text,
    }]
}

/// HCL through the [`Editor`] interface.
pub struct HclEditor;

impl HclEditor {
    /// An element printed for the list it goes in: a `statement` block in a
    /// policy document, an expression elsewhere.
    fn element(
        &self,
        text: &str,
        array: &Node,
        value: &Value,
        style: &Style,
        indent: &str,
    ) -> Option<String> {
        if is_document_body(text, array) {
            statement_block(value, style, indent)
        } else {
            let style = local_style(text, array, style);
            print_as(value, &style, indent, Flavor::near(text, array))
        }
    }

    fn elements(
        &self,
        text: &str,
        array: &Node,
        values: &[Value],
        style: &Style,
        indent: &str,
    ) -> Option<Vec<String>> {
        values
            .iter()
            .map(|v| self.element(text, array, v, style, indent))
            .collect()
    }
}

impl Editor for HclEditor {
    fn replace(&self, file: FileId, text: &str, node: &Node, value: &Value) -> Option<Vec<FileEdit>> {
        if node.span.is_empty() || block_ident(text, node).is_some() {
            return None;
        }
        let style = Style::detect(text);
        let base = line_indent(text, node.span.start());
        Some(edit(
            file,
            node.span,
            print_as(value, &style, base, Flavor::near(text, node))?,
        ))
    }

    fn append(&self, file: FileId, text: &str, array: &Node, values: &[Value]) -> Option<Vec<FileEdit>> {
        let style = Style::detect(text);
        if array.is_object() {
            // `Statement = { ... }`: a list of it and the new elements.
            if block_ident(text, array).is_some() {
                return None;
            }
            let indent = line_indent(text, array.span.start());
            let printed = self.elements(text, array, values, &style, indent)?;
            let mut after = String::new();
            for p in printed {
                after.push(',');
                after.push_str(style.newline);
                after.push_str(indent);
                after.push_str(&p);
            }
            after.push(']');
            let mut edits = edit(file, TextRange::empty(array.span.start()), "[".into());
            edits.extend(edit(file, TextRange::empty(array.span.end()), after));
            return Some(edits);
        }
        let NodeKind::Array(items) = &array.kind else {
            return None;
        };
        let indent = child_indent(text, array, items.first().map(|f| f.span.start()), &style);
        let printed = self.elements(text, array, values, &style, &indent)?;
        if is_document_body(text, array) {
            let mut new_text = String::new();
            for p in &printed {
                new_text.push_str(style.newline);
                new_text.push_str(style.newline);
                new_text.push_str(&indent);
                new_text.push_str(p);
            }
            return items
                .last()
                .map(|last| edit(file, TextRange::empty(last.span.end()), new_text));
        }
        match items.last() {
            Some(last) => Some(insert_after_element(file, text, last, &printed, &indent, &style)),
            None => {
                // `[]` → `[\n  new,\n]`
                let mut new_text = String::new();
                for p in &printed {
                    new_text.push_str(style.newline);
                    new_text.push_str(&indent);
                    new_text.push_str(p);
                    new_text.push(',');
                }
                new_text.push_str(style.newline);
                new_text.push_str(line_indent(text, array.span.start()));
                let inner = TextRange::new(array.span.start() + 1, array.span.end().saturating_sub(1));
                Some(edit(file, inner, new_text))
            }
        }
    }

    fn insert_after(
        &self,
        file: FileId,
        text: &str,
        array: &Node,
        index: usize,
        values: &[Value],
    ) -> Option<Vec<FileEdit>> {
        if array.is_object() {
            return self.append(file, text, array, values);
        }
        let element = array.elements().get(index)?;
        let style = Style::detect(text);
        let indent = line_indent(text, element.span.start()).to_string();
        let printed = self.elements(text, array, values, &style, &indent)?;
        if is_document_body(text, array) {
            let mut new_text = String::new();
            for p in &printed {
                new_text.push_str(style.newline);
                new_text.push_str(style.newline);
                new_text.push_str(&indent);
                new_text.push_str(p);
            }
            return Some(edit(file, TextRange::empty(element.span.end()), new_text));
        }
        Some(insert_after_element(
            file, text, element, &printed, &indent, &style,
        ))
    }

    fn replace_element(
        &self,
        file: FileId,
        text: &str,
        array: &Node,
        index: usize,
        values: &[Value],
    ) -> Option<Vec<FileEdit>> {
        let style = Style::detect(text);
        if array.is_object() {
            if block_ident(text, array).is_some() {
                return None;
            }
            let indent = line_indent(text, array.span.start());
            let printed = self.elements(text, array, values, &style, indent)?;
            let new_text = if printed.len() == 1 {
                printed.into_iter().next()?
            } else {
                format!("[{}]", printed.join(&format!(",{}{indent}", style.newline)))
            };
            return Some(edit(file, array.span, new_text));
        }
        let element = array.elements().get(index)?;
        let indent = line_indent(text, element.span.start());
        let printed = self.elements(text, array, values, &style, indent)?;
        let joiner = if is_document_body(text, array) {
            format!("{}{}{indent}", style.newline, style.newline)
        } else {
            format!(",{}{indent}", style.newline)
        };
        Some(edit(file, element.span, printed.join(&joiner)))
    }

    fn add_member(
        &self,
        file: FileId,
        text: &str,
        object: &Node,
        key: &str,
        value: &Value,
    ) -> Option<Vec<FileEdit>> {
        let style = Style::detect(text);
        if let Some(ident) = block_ident(text, object) {
            // A `statement` block: the member as its arguments or blocks.
            if ident != "statement" || object.get(key).is_some() {
                return None;
            }
            let close = object.span.end().checked_sub(1)?;
            if !text[close..].starts_with('}') {
                return None;
            }
            let indent = format!("{}{}", line_indent(text, object.span.start()), style.indent);
            let mut single = serde_json::Map::new();
            single.insert(key.to_string(), value.clone());
            let printed = statement_block(&Value::Object(single), &style, "")?;
            // The inner lines of the printed block, re-indented.
            let body = printed
                .strip_prefix("statement {")?
                .strip_suffix('}')?
                .trim_end_matches(['\n', '\r']);
            let body = body.trim_start_matches(['\n', '\r']);
            let mut new_text = String::new();
            for line in body.split(style.newline) {
                let line = line.strip_prefix(style.indent.as_str()).unwrap_or(line);
                if !line.is_empty() {
                    new_text.push_str(&indent);
                    new_text.push_str(line);
                }
                new_text.push_str(style.newline);
            }
            let at = line_start(text, close);
            if text[at..close].trim().is_empty() {
                return Some(edit(file, TextRange::empty(at), new_text));
            }
            return None;
        }
        let NodeKind::Object(members) = &object.kind else {
            return None;
        };
        let indent = child_indent(text, object, members.first().map(|m| m.key_span.start()), &style);
        let flavor = Flavor::near(text, object);
        let style = local_style(text, object, &style);
        let line = format!(
            "{}{}{}",
            self::key(key, flavor)?,
            flavor.separator,
            print_as(value, &style, &indent, flavor)?
        );
        match members.last() {
            Some(last) => {
                // A trailing comma stays trailing; members separated by
                // commas get one before the new member.
                let (at, before, after) = match after_comma(text, last.value.span.end()) {
                    Some(at) => (at, "", ","),
                    None if flavor.commas => (last.value.span.end(), ",", ""),
                    None => (last.value.span.end(), "", ""),
                };
                Some(edit(
                    file,
                    TextRange::empty(at),
                    format!("{before}{}{indent}{line}{after}", style.newline),
                ))
            }
            None => {
                let inner = TextRange::new(object.span.start() + 1, object.span.end().saturating_sub(1));
                Some(edit(
                    file,
                    inner,
                    format!(
                        "{}{indent}{line}{}{}",
                        style.newline,
                        style.newline,
                        line_indent(text, object.span.start())
                    ),
                ))
            }
        }
    }

    fn insert_members_before(
        &self,
        file: FileId,
        text: &str,
        object: &Node,
        before: usize,
        members: &[(String, Value)],
    ) -> Option<Vec<FileEdit>> {
        if block_ident(text, object).is_some() {
            return None;
        }
        let existing = object.members();
        let member = existing.get(before)?;
        let style = Style::detect(text);
        let start = member.key_span.start();
        let indent = line_indent(text, start);
        let comma = if after_comma(text, member.value.span.end()).is_some() {
            ","
        } else {
            ""
        };
        let flavor = Flavor::of(text, member);
        let mut new_text = String::new();
        for (k, v) in members {
            new_text.push_str(&key(k, flavor)?);
            new_text.push_str(flavor.separator);
            new_text.push_str(&print_as(v, &style, indent, flavor)?);
            new_text.push_str(comma);
            new_text.push_str(style.newline);
            new_text.push_str(indent);
        }
        Some(edit(file, TextRange::empty(start), new_text))
    }

    fn remove_element(&self, file: FileId, text: &str, array: &Node, index: usize) -> Option<Vec<FileEdit>> {
        let items = array.elements();
        let item = items.get(index)?;
        if is_document_body(text, array) {
            // The block with its line.
            let start = line_start(text, item.span.start());
            if !text[start..item.span.start()].trim().is_empty() {
                return None;
            }
            let end = text[item.span.end()..]
                .find('\n')
                .map(|i| item.span.end() + i + 1)
                .unwrap_or(item.span.end());
            return Some(edit(file, TextRange::new(start, end), String::new()));
        }
        let range = if index > 0 {
            TextRange::new(items[index - 1].span.end(), item.span.end())
        } else if let Some(next) = items.get(1) {
            TextRange::new(item.span.start(), next.span.start())
        } else {
            TextRange::new(array.span.start() + 1, array.span.end().saturating_sub(1))
        };
        Some(edit(file, range, String::new()))
    }

    fn set_string(&self, file: FileId, text: &str, node: &Node, value: &str) -> Option<Vec<FileEdit>> {
        if !text.get(node.span.start()..)?.starts_with('"') {
            return None;
        }
        Some(edit(file, node.span, string(value)?))
    }
}

/// The file's style, with the indentation step the objects in or around
/// `node` use (a `jsonencode` block often indents deeper than the file).
fn local_style(text: &str, node: &Node, style: &Style) -> Style {
    let object = match &node.kind {
        NodeKind::Array(items) => items.iter().rev().find(|i| i.is_object()),
        NodeKind::Object(_) => Some(node),
        _ => None,
    };
    let step = object.and_then(|o| {
        let member = o.members().first()?;
        if line_start(text, member.key_span.start()) == line_start(text, o.span.start()) {
            return None;
        }
        let outer = line_indent(text, o.span.start());
        let inner = line_indent(text, member.key_span.start());
        inner
            .strip_prefix(outer)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    });
    match step {
        Some(indent) => Style {
            newline: style.newline,
            indent,
        },
        None => style.clone(),
    }
}

/// New elements after `element` of an HCL list, keeping its comma style
/// (a trailing comma stays trailing).
fn insert_after_element(
    file: FileId,
    text: &str,
    element: &Node,
    printed: &[String],
    indent: &str,
    style: &Style,
) -> Vec<FileEdit> {
    let mut new_text = String::new();
    match after_comma(text, element.span.end()) {
        Some(at) => {
            for p in printed {
                new_text.push_str(style.newline);
                new_text.push_str(indent);
                new_text.push_str(p);
                new_text.push(',');
            }
            edit(file, TextRange::empty(at), new_text)
        }
        None => {
            for p in printed {
                new_text.push(',');
                new_text.push_str(style.newline);
                new_text.push_str(indent);
                new_text.push_str(p);
            }
            edit(file, TextRange::empty(element.span.end()), new_text)
        }
    }
}

/// A value for JSON written in a heredoc: references interpolated,
/// policy variables escaped; `None` when it cannot be written.
fn heredoc_value(value: &Value) -> Option<Value> {
    if let Some(r) = reference(value) {
        return Some(Value::String(format!("${{{r}}}")));
    }
    Some(match value {
        Value::String(s) => {
            let quoted = string(s)?;
            // Undo the HCL quoting but keep its `$${` and `%%{` escapes.
            let mut out = String::new();
            let inner = &quoted[1..quoted.len() - 1];
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    match chars.next() {
                        Some('n') => out.push('\n'),
                        Some('r') => out.push('\r'),
                        Some('t') => out.push('\t'),
                        Some(other) => out.push(other),
                        None => {}
                    }
                } else {
                    out.push(c);
                }
            }
            Value::String(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(heredoc_value).collect::<Option<_>>()?),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| Some((k.clone(), heredoc_value(v)?)))
                .collect::<Option<_>>()?,
        ),
        other => other.clone(),
    })
}

/// JSON in a heredoc: the JSON editor, with values written for the heredoc.
pub const HEREDOC_JSON: super::editor::Mapped<'static, fn(&Value) -> Option<Value>> = super::editor::Mapped {
    inner: &JsonEditor,
    map: heredoc_value,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::diagnostic::apply_edits;
    use crate::core::syntax::hcl::parse;
    use serde_json::json;

    /// The `jsonencode` object of attribute `policy` in the first block.
    fn policy(root: &Node) -> &Node {
        let body = &root.members()[0].value.members()[0].value.members()[0].value;
        let NodeKind::Tagged { node, .. } = &body.get("policy").unwrap().kind else {
            panic!("not a call")
        };
        &node.elements()[0]
    }

    fn apply(text: &str, edits: Vec<FileEdit>) -> String {
        let after = apply_edits(text, FileId(0), &edits);
        assert!(parse(&after).errors.is_empty(), "does not parse:\n{after}");
        after
    }

    const TRAILING: &str = "resource \"aws_iam_role_policy\" \"p\" {\n  policy = jsonencode({\n    Statement = [\n      {\n        Effect = \"Allow\"\n        Action = [\"sns:Publish\"]\n      },\n    ]\n  })\n}\n";

    #[test]
    fn appends_after_a_trailing_comma() {
        let root = parse(TRAILING).root.unwrap();
        let statements = policy(&root).get("Statement").unwrap();
        let value = json!({"Sid": "Invoke", "Action": ["lambda:InvokeFunction"], "Resource": [
            {"$ref": "aws_lambda_function.worker.arn"}, "${aws_lambda_function.worker.arn}:*"]});
        let edits = HclEditor
            .append(FileId(0), TRAILING, statements, &[value])
            .unwrap();
        assert_eq!(
            apply(TRAILING, edits),
            "resource \"aws_iam_role_policy\" \"p\" {\n  policy = jsonencode({\n    Statement = [\n      {\n        Effect = \"Allow\"\n        Action = [\"sns:Publish\"]\n      },\n      {\n        Sid      = \"Invoke\"\n        Action   = [\"lambda:InvokeFunction\"]\n        Resource = [\n          aws_lambda_function.worker.arn,\n          \"${aws_lambda_function.worker.arn}:*\",\n        ]\n      },\n    ]\n  })\n}\n"
        );
    }

    #[test]
    fn appends_with_a_comma_when_there_is_none() {
        let text = TRAILING.replace("      },\n    ]", "      }\n    ]");
        let root = parse(&text).root.unwrap();
        let statements = policy(&root).get("Statement").unwrap();
        let edits = HclEditor
            .append(FileId(0), &text, statements, &[json!({"Effect": "Allow"})])
            .unwrap();
        assert_eq!(
            apply(&text, edits),
            "resource \"aws_iam_role_policy\" \"p\" {\n  policy = jsonencode({\n    Statement = [\n      {\n        Effect = \"Allow\"\n        Action = [\"sns:Publish\"]\n      },\n      {\n        Effect = \"Allow\"\n      }\n    ]\n  })\n}\n"
        );
    }

    #[test]
    fn adds_a_member_in_the_objects_flavor() {
        let text = "resource \"a\" \"b\" {\n  policy = jsonencode({\n    \"Statement\": [{\n      \"Effect\": \"Allow\",\n      \"Action\": \"sts:AssumeRole\"\n    }]\n  })\n}\n";
        let root = parse(text).root.unwrap();
        let statement = &policy(&root).get("Statement").unwrap().elements()[0];
        let condition =
            json!({"StringEquals": {"aws:SourceAccount": "${data.aws_caller_identity.current.account_id}"}});
        let edits = HclEditor
            .add_member(FileId(0), text, statement, "Condition", &condition)
            .unwrap();
        assert_eq!(
            apply(text, edits),
            "resource \"a\" \"b\" {\n  policy = jsonencode({\n    \"Statement\": [{\n      \"Effect\": \"Allow\",\n      \"Action\": \"sts:AssumeRole\",\n      \"Condition\": {\n        \"StringEquals\": {\n          \"aws:SourceAccount\": \"${data.aws_caller_identity.current.account_id}\"\n        }\n      }\n    }]\n  })\n}\n"
        );
    }

    const DOCUMENT: &str = "data \"aws_iam_policy_document\" \"d\" {\n  statement {\n    actions   = [\"lambda:InvokeFunction\"]\n    resources = [\"*\"]\n  }\n}\n";

    /// The `Statement` array as the Terraform scan builds it: the body, with
    /// each `statement` block an element.
    fn document(text: &str) -> (Node, Node) {
        let root = parse(text).root.unwrap();
        let body = root.members()[0].value.members()[0].value.members()[0]
            .value
            .clone();
        let block = &body.members()[0];
        let element = Node::new(block.key_span.cover(block.value.span), block.value.kind.clone());
        let array = Node::new(body.span, NodeKind::Array(vec![element.clone()]));
        (array, element)
    }

    #[test]
    fn writes_statement_blocks_in_a_policy_document() {
        let (array, element) = document(DOCUMENT);
        let value = json!({"Effect": "Allow", "Action": ["events:PutRule"], "Resource": ["arn:aws:events:${var.region}:123456789012:rule/R"],
            "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}});
        let edits = HclEditor
            .append(FileId(0), DOCUMENT, &array, std::slice::from_ref(&value))
            .unwrap();
        assert_eq!(
            apply(DOCUMENT, edits),
            "data \"aws_iam_policy_document\" \"d\" {\n  statement {\n    actions   = [\"lambda:InvokeFunction\"]\n    resources = [\"*\"]\n  }\n\n  statement {\n    actions   = [\"events:PutRule\"]\n    resources = [\"arn:aws:events:${var.region}:123456789012:rule/R\"]\n\n    condition {\n      test     = \"StringEquals\"\n      variable = \"aws:SourceAccount\"\n      values   = [\"123456789012\"]\n    }\n  }\n}\n"
        );
        let edits = HclEditor
            .replace_element(
                FileId(0),
                DOCUMENT,
                &array,
                0,
                &[json!({"Action": ["a:B"], "Resource": "*"})],
            )
            .unwrap();
        assert_eq!(
            apply(DOCUMENT, edits),
            "data \"aws_iam_policy_document\" \"d\" {\n  statement {\n    actions   = [\"a:B\"]\n    resources = [\"*\"]\n  }\n}\n"
        );
        let condition = json!({"ArnLike": {"aws:SourceArn": "arn:aws:states:*:*:stateMachine:*"}});
        let edits = HclEditor
            .add_member(FileId(0), DOCUMENT, &element, "Condition", &condition)
            .unwrap();
        assert_eq!(
            apply(DOCUMENT, edits),
            "data \"aws_iam_policy_document\" \"d\" {\n  statement {\n    actions   = [\"lambda:InvokeFunction\"]\n    resources = [\"*\"]\n    condition {\n      test     = \"ArnLike\"\n      variable = \"aws:SourceArn\"\n      values   = [\"arn:aws:states:*:*:stateMachine:*\"]\n    }\n  }\n}\n"
        );
        let edits = HclEditor.remove_element(FileId(0), DOCUMENT, &array, 0).unwrap();
        assert_eq!(
            apply(DOCUMENT, edits),
            "data \"aws_iam_policy_document\" \"d\" {\n}\n"
        );
    }

    #[test]
    fn strings_escape_policy_variables_and_refuse_pseudo_parameters() {
        assert_eq!(
            string("arn:aws:s3:::b/${aws:username}/*").as_deref(),
            Some("\"arn:aws:s3:::b/$${aws:username}/*\"")
        );
        assert_eq!(
            string("${aws_s3_bucket.b.arn}/\"x\"").as_deref(),
            Some("\"${aws_s3_bucket.b.arn}/\\\"x\\\"\"")
        );
        assert_eq!(string("arn:aws:sns:${AWS::Region}:1:t"), None);
        assert_eq!(string("100%{x}").as_deref(), Some("\"100%%{x}\""));
    }

    #[test]
    fn heredoc_json_interpolates_references() {
        let text = "x = <<EOF\n{\n  \"Resource\": \"*\"\n}\nEOF\n";
        let start = text.find("\"*\"").unwrap();
        let node = Node::new(TextRange::new(start, start + 3), NodeKind::String("*".into()));
        let value = json!([{"$ref": "aws_sqs_queue.q.arn"}, "arn:aws:s3:::b/${aws:username}"]);
        let edits = HEREDOC_JSON.replace(FileId(0), text, &node, &value).unwrap();
        assert_eq!(
            apply(text, edits),
            "x = <<EOF\n{\n  \"Resource\": [\n    \"${aws_sqs_queue.q.arn}\",\n    \"arn:aws:s3:::b/$${aws:username}\"\n  ]\n}\nEOF\n"
        );
        assert!(HEREDOC_JSON
            .replace(FileId(0), text, &node, &json!("arn:aws:sqs:${AWS::Region}:1:q"))
            .is_none());
    }
}
