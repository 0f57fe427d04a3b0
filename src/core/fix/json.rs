//! JSON edits that keep the file's style: new values are printed with the
//! file's indentation unit and newline, at the indentation of the place
//! they go, and nothing outside the edited range changes.

use serde_json::Value;

use super::editor::Editor;
use super::style::{line_indent, line_start, Style};
use crate::core::diagnostic::FileEdit;
use crate::core::files::FileId;
use crate::core::syntax::{Node, NodeKind};
use crate::core::text::TextRange;

/// Prints `value` as JSON whose first line continues the current line and
/// whose later lines start with `base` plus levels of `style.indent`.
/// Arrays of scalars stay on one line, as people write `"Action": [...]`.
pub fn print(value: &Value, style: &Style, base: &str) -> String {
    let mut out = String::new();
    write_value(&mut out, value, style, base);
    out
}

fn write_value(out: &mut String, value: &Value, style: &Style, indent: &str) {
    if let Some(call) = inline_intrinsic(value) {
        out.push_str(&call);
        return;
    }
    match value {
        Value::Object(map) if !map.is_empty() => {
            let inner = format!("{indent}{}", style.indent);
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(style.newline);
                out.push_str(&inner);
                out.push_str(&serde_json::to_string(k).unwrap_or_default());
                out.push_str(": ");
                write_value(out, v, style, &inner);
            }
            out.push_str(style.newline);
            out.push_str(indent);
            out.push('}');
        }
        Value::Array(items) if !items.is_empty() => {
            let scalars = items.iter().all(|v| !v.is_object() && !v.is_array());
            let inline_width: usize = items.iter().map(|v| v.to_string().len() + 2).sum();
            if scalars && (items.len() <= 1 || inline_width <= 60) {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&serde_json::to_string(v).unwrap_or_default());
                }
                out.push(']');
                return;
            }
            let inner = format!("{indent}{}", style.indent);
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(style.newline);
                out.push_str(&inner);
                write_value(out, v, style, &inner);
            }
            out.push_str(style.newline);
            out.push_str(indent);
            out.push(']');
        }
        other => out.push_str(&serde_json::to_string(other).unwrap_or_default()),
    }
}

/// A CloudFormation intrinsic over scalars (`{"Ref": "Topic"}`,
/// `{"Fn::GetAtt": ["Worker", "Arn"]}`) on one line, as templates write them.
fn inline_intrinsic(value: &Value) -> Option<String> {
    let map = value.as_object().filter(|m| m.len() == 1)?;
    let (key, argument) = map.iter().next()?;
    if key != "Ref" && !key.starts_with("Fn::") {
        return None;
    }
    let scalar = |v: &Value| !v.is_object() && !v.is_array();
    let flat = scalar(argument) || argument.as_array().is_some_and(|items| items.iter().all(scalar));
    flat.then(|| {
        let printed = match argument {
            Value::Array(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(|v| serde_json::to_string(v).unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            other => serde_json::to_string(other).unwrap_or_default(),
        };
        format!(
            "{{{}: {printed}}}",
            serde_json::to_string(key).unwrap_or_default()
        )
    })
}

/// Replaces `node` with `value`, printed at the node's indentation.
pub fn replace(file: FileId, text: &str, node: &Node, value: &Value) -> FileEdit {
    let style = Style::detect(text);
    let base = line_indent(text, node.span.start());
    FileEdit::Replace {
        file,
        range: node.span,
        new_text: print(value, &style, base),
    }
}

/// The indentation of a container's children: the first child's when it
/// starts its own line, else one level in from the container's line.
fn child_indent(text: &str, container: &Node, first_child: Option<usize>, style: &Style) -> String {
    match first_child {
        Some(first) if line_start(text, first) != line_start(text, container.span.start()) => {
            line_indent(text, first).to_string()
        }
        _ => format!("{}{}", line_indent(text, container.span.start()), style.indent),
    }
}

/// Appends `values` to a JSON array, one per line at the indentation of
/// the existing elements (or one level in from the bracket).
pub fn append_to_array(file: FileId, text: &str, array: &Node, values: &[Value]) -> Option<FileEdit> {
    let NodeKind::Array(items) = &array.kind else {
        return None;
    };
    let style = Style::detect(text);
    let element_indent = child_indent(text, array, items.first().map(|f| f.span.start()), &style);
    let mut new_text = String::new();
    for (i, value) in values.iter().enumerate() {
        if i > 0 || !items.is_empty() {
            new_text.push(',');
        }
        new_text.push_str(style.newline);
        new_text.push_str(&element_indent);
        new_text.push_str(&print(value, &style, &element_indent));
    }
    let last_end = items.last().map(|last| last.span.end());
    Some(insert_children(file, text, array, last_end, new_text, &style))
}

/// Adds a member to an object, after its last member.
pub fn add_member(file: FileId, text: &str, object: &Node, key: &str, value: &Value) -> Option<FileEdit> {
    let NodeKind::Object(members) = &object.kind else {
        return None;
    };
    let style = Style::detect(text);
    let member_indent = child_indent(text, object, members.first().map(|m| m.key_span.start()), &style);
    let mut new_text = String::new();
    if !members.is_empty() {
        new_text.push(',');
    }
    new_text.push_str(style.newline);
    new_text.push_str(&member_indent);
    new_text.push_str(&serde_json::to_string(key).unwrap_or_default());
    new_text.push_str(": ");
    new_text.push_str(&print(value, &style, &member_indent));
    let last_end = members.last().map(|last| last.value.span.end());
    Some(insert_children(file, text, object, last_end, new_text, &style))
}

/// Places new children after the last one, or fills an empty container
/// (`[]` → `[\n  new\n]`), closing it at the container's indentation.
fn insert_children(
    file: FileId,
    text: &str,
    container: &Node,
    last_end: Option<usize>,
    mut new_text: String,
    style: &Style,
) -> FileEdit {
    match last_end {
        Some(end) => FileEdit::Replace {
            file,
            range: TextRange::empty(end),
            new_text,
        },
        None => {
            new_text.push_str(style.newline);
            new_text.push_str(line_indent(text, container.span.start()));
            FileEdit::Replace {
                file,
                range: TextRange::new(container.span.start() + 1, container.span.end() - 1),
                new_text,
            }
        }
    }
}

/// Removes element `index` of an array together with one separating comma
/// (and the line break and indentation before it), leaving the rest as is.
pub fn remove_element(file: FileId, array: &Node, index: usize) -> Option<FileEdit> {
    let items = array.elements();
    let item = items.get(index)?;
    let range = if index > 0 {
        TextRange::new(items[index - 1].span.end(), item.span.end())
    } else if let Some(next) = items.get(1) {
        TextRange::new(item.span.start(), next.span.start())
    } else {
        TextRange::new(array.span.start() + 1, array.span.end() - 1)
    };
    Some(FileEdit::Replace {
        file,
        range,
        new_text: String::new(),
    })
}

/// JSON (and JSON CloudFormation) through the [`Editor`] interface.
pub struct JsonEditor;

fn join_printed(values: &[Value], style: &Style, indent: &str) -> String {
    values
        .iter()
        .map(|v| print(v, style, indent))
        .collect::<Vec<_>>()
        .join(&format!(",{}{}", style.newline, indent))
}

impl Editor for JsonEditor {
    fn replace(&self, file: FileId, text: &str, node: &Node, value: &Value) -> Option<Vec<FileEdit>> {
        Some(vec![replace(file, text, node, value)])
    }

    fn append(&self, file: FileId, text: &str, array: &Node, values: &[Value]) -> Option<Vec<FileEdit>> {
        if array.is_object() {
            // A single statement object becomes an array: `[` before it, the
            // new elements and `]` after it; the object itself is untouched.
            let style = Style::detect(text);
            let indent = line_indent(text, array.span.start());
            let after = format!(
                ",{}{}{}]",
                style.newline,
                indent,
                join_printed(values, &style, indent)
            );
            return Some(vec![
                FileEdit::Replace {
                    file,
                    range: TextRange::empty(array.span.start()),
                    new_text: "[".into(),
                },
                FileEdit::Replace {
                    file,
                    range: TextRange::empty(array.span.end()),
                    new_text: after,
                },
            ]);
        }
        append_to_array(file, text, array, values).map(|e| vec![e])
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
        let indent = line_indent(text, element.span.start());
        Some(vec![FileEdit::Replace {
            file,
            range: TextRange::empty(element.span.end()),
            new_text: format!(
                ",{}{}{}",
                style.newline,
                indent,
                join_printed(values, &style, indent)
            ),
        }])
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
            let indent = line_indent(text, array.span.start());
            let printed = join_printed(values, &style, indent);
            let new_text = if values.len() == 1 {
                printed
            } else {
                format!("[{printed}]")
            };
            return Some(vec![FileEdit::Replace {
                file,
                range: array.span,
                new_text,
            }]);
        }
        let element = array.elements().get(index)?;
        let indent = line_indent(text, element.span.start());
        Some(vec![FileEdit::Replace {
            file,
            range: element.span,
            new_text: join_printed(values, &style, indent),
        }])
    }

    fn add_member(
        &self,
        file: FileId,
        text: &str,
        object: &Node,
        key: &str,
        value: &Value,
    ) -> Option<Vec<FileEdit>> {
        add_member(file, text, object, key, value).map(|e| vec![e])
    }

    fn insert_members_before(
        &self,
        file: FileId,
        text: &str,
        object: &Node,
        before: usize,
        members: &[(String, Value)],
    ) -> Option<Vec<FileEdit>> {
        let member = object.members().get(before)?;
        let style = Style::detect(text);
        let start = member.key_span.start();
        let indent = line_indent(text, start);
        let mut new_text = String::new();
        for (key, value) in members {
            new_text.push_str(&serde_json::to_string(key).ok()?);
            new_text.push_str(": ");
            new_text.push_str(&print(value, &style, indent));
            new_text.push(',');
            new_text.push_str(style.newline);
            new_text.push_str(indent);
        }
        Some(vec![FileEdit::Replace {
            file,
            range: TextRange::empty(start),
            new_text,
        }])
    }

    fn remove_element(&self, file: FileId, text: &str, array: &Node, index: usize) -> Option<Vec<FileEdit>> {
        let _ = text; // the JSON removal needs no layout information
        remove_element(file, array, index).map(|e| vec![e])
    }

    fn set_string(&self, file: FileId, _text: &str, node: &Node, value: &str) -> Option<Vec<FileEdit>> {
        Some(vec![FileEdit::Replace {
            file,
            range: node.span,
            new_text: serde_json::to_string(value).ok()?,
        }])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::diagnostic::apply_edits;
    use crate::core::syntax::json::parse;
    use serde_json::json;

    #[test]
    fn appends_in_the_files_style() {
        let text = "{\r\n    \"Statement\": [\r\n        {\"Effect\": \"Allow\"}\r\n    ]\r\n}\r\n";
        let root = parse(text).root.unwrap();
        let edit = append_to_array(
            FileId(0),
            text,
            root.get("Statement").unwrap(),
            &[json!({"Sid": "X", "Action": ["a:B"]})],
        )
        .unwrap();
        let after = apply_edits(text, FileId(0), &[edit]);
        assert_eq!(
            after,
            "{\r\n    \"Statement\": [\r\n        {\"Effect\": \"Allow\"},\r\n        {\r\n            \"Sid\": \"X\",\r\n            \"Action\": [\"a:B\"]\r\n        }\r\n    ]\r\n}\r\n"
        );
        assert!(parse(&after).errors.is_empty());
    }

    #[test]
    fn fills_an_empty_array() {
        let text = "{\n  \"Statement\": []\n}";
        let root = parse(text).root.unwrap();
        let edit = append_to_array(FileId(0), text, root.get("Statement").unwrap(), &[json!("x")]).unwrap();
        assert_eq!(
            apply_edits(text, FileId(0), &[edit]),
            "{\n  \"Statement\": [\n    \"x\"\n  ]\n}"
        );
    }

    #[test]
    fn replaces_at_indentation() {
        let text = "{\n  \"Resource\": \"*\"\n}";
        let root = parse(text).root.unwrap();
        let node = root.get("Resource").unwrap();
        let short = replace(FileId(0), text, node, &json!(["a", "b"]));
        assert_eq!(
            apply_edits(text, FileId(0), &[short]),
            "{\n  \"Resource\": [\"a\", \"b\"]\n}"
        );
        let long = json!([
            "arn:aws:lambda:us-east-1:123456789012:function:ValidateOrder",
            "arn:aws:lambda:us-east-1:123456789012:function:ValidateOrder:*"
        ]);
        let edit = replace(FileId(0), text, node, &long);
        assert_eq!(
            apply_edits(text, FileId(0), &[edit]),
            "{\n  \"Resource\": [\n    \"arn:aws:lambda:us-east-1:123456789012:function:ValidateOrder\",\n    \"arn:aws:lambda:us-east-1:123456789012:function:ValidateOrder:*\"\n  ]\n}"
        );
    }

    #[test]
    fn removes_elements_with_their_comma() {
        let text = "[\n  \"a\",\n  \"b\",\n  \"c\"\n]";
        let root = parse(text).root.unwrap();
        let first = remove_element(FileId(0), &root, 0).unwrap();
        assert_eq!(apply_edits(text, FileId(0), &[first]), "[\n  \"b\",\n  \"c\"\n]");
        let last = remove_element(FileId(0), &root, 2).unwrap();
        assert_eq!(apply_edits(text, FileId(0), &[last]), "[\n  \"a\",\n  \"b\"\n]");
    }

    #[test]
    fn adds_a_member() {
        let text = "{\n  \"a\": 1\n}";
        let root = parse(text).root.unwrap();
        let edit = add_member(FileId(0), text, &root, "b", &json!({"c": true})).unwrap();
        assert_eq!(
            apply_edits(text, FileId(0), &[edit]),
            "{\n  \"a\": 1,\n  \"b\": {\n    \"c\": true\n  }\n}"
        );
    }
}
