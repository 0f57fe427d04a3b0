//! Definitions embedded in a template as a string (`DefinitionString`, a
//! JSON string, a YAML block scalar, an `Fn::Sub` text): parsed on their
//! own, with a source map from the definition's offsets back to the
//! template's, so every finding lands on the exact characters.

use std::collections::HashMap;
use std::sync::Arc;

use super::intrinsics::{call, Template};
use crate::core::classify::Format;
use crate::core::files::{FileId, FileSet};
use crate::core::fix::Dialect;
use crate::core::syntax::{self, Node, NodeKind};
use crate::core::text::TextRange;
use crate::core::unit::{DefinitionDoc, OffsetMap};

/// A `DefinitionString` as a definition. `None` when its text cannot be
/// known (a condition, an import).
pub fn definition_string(
    files: &FileSet,
    file: FileId,
    template: &Template,
    node: &Node,
    substitutions: &HashMap<String, String>,
) -> Option<(DefinitionDoc, Vec<syntax::SyntaxError>)> {
    let file_text = files.text(file);
    let mut vars = substitutions.clone();
    let mut joined: Option<Vec<usize>> = None;
    let (text, scalar) = match call(node) {
        None => (node.untagged().as_str()?.to_string(), Some(node.untagged())),
        Some(c) if c.name == "Fn::Sub" => {
            let arg = c.argument.untagged();
            let (text_node, bindings) = match &arg.kind {
                NodeKind::String(_) => (arg, None),
                NodeKind::Array(items) if !items.is_empty() => (items[0].untagged(), items.get(1)),
                _ => return None,
            };
            for member in bindings.map(Node::members).unwrap_or(&[]) {
                if let Some(value) = template.eval(&member.value) {
                    vars.insert(member.key.clone(), value);
                }
            }
            (text_node.as_str()?.to_string(), Some(text_node))
        }
        // `Fn::Join` (as CDK writes definitions): literal parts map
        // character by character, each computed part to its own start.
        Some(c) if c.name == "Fn::Join" => {
            let (text, map) = join_map(file_text, template, c.argument.untagged())?;
            joined = Some(map);
            (text, None)
        }
        // Anything else: the text is known but has no one place in the
        // file; everything maps to the start of the expression.
        Some(_) => (template.eval(node)?, None),
    };
    let map: Vec<usize> = match (scalar, joined) {
        (Some(scalar), _) => scalar_map(file_text, scalar.span, &text),
        (None, Some(map)) => map,
        (None, None) => vec![node.span.start(); text.len() + 1],
    };
    let parsed = syntax::json::parse(&text);
    let root = parsed.root.map(|root| substitute(template, &root, &vars))?;
    let map = Arc::new(map);
    let offset_map: OffsetMap = {
        let map = map.clone();
        Arc::new(move |offset: usize| map[offset.min(map.len() - 1)])
    };
    let errors = parsed
        .errors
        .into_iter()
        .map(|e| syntax::SyntaxError {
            range: TextRange::new(
                map[e.range.start().min(map.len() - 1)],
                map[e.range.end().min(map.len() - 1)],
            ),
            message: e.message,
        })
        .collect();
    Some((
        DefinitionDoc {
            file,
            root: Arc::new(root),
            format: Format::Json,
            // Edits inside a string would have to be escaped for it: none
            // are offered.
            dialect: Dialect::Generated,
            map: Some(offset_map),
            text: Arc::from(text.as_str()),
        },
        errors,
    ))
}

/// The text of `Fn::Join [delimiter, [parts]]` and its source map.
fn join_map(file_text: &str, template: &Template, argument: &Node) -> Option<(String, Vec<usize>)> {
    let items = argument.elements();
    let delimiter_node = items.first()?;
    let delimiter = delimiter_node.untagged().as_str()?;
    let parts = items.get(1)?.untagged().elements();
    let mut text = String::new();
    let mut map = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            text.push_str(delimiter);
            map.extend(std::iter::repeat_n(delimiter_node.span.start(), delimiter.len()));
        }
        match part.untagged().as_str() {
            Some(literal) => {
                let mut part_map = scalar_map(file_text, part.untagged().span, literal);
                part_map.pop(); // the end offset; the next part continues
                text.push_str(literal);
                map.extend(part_map);
            }
            None => {
                let value = template.eval(part)?;
                text.push_str(&value);
                map.extend(std::iter::repeat_n(part.span.start(), value.len()));
            }
        }
    }
    map.push(argument.span.end());
    Some((text, map))
}

/// Every string of the parsed definition with `${...}` read as `Fn::Sub`.
fn substitute(template: &Template, root: &Node, vars: &HashMap<String, String>) -> Node {
    let mut root = root.clone();
    let mut stack: Vec<&mut Node> = vec![&mut root];
    while let Some(n) = stack.pop() {
        match &mut n.kind {
            NodeKind::String(s) if s.contains("${") => *s = template.substitute(s, vars),
            NodeKind::Object(members) => stack.extend(members.iter_mut().map(|m| &mut m.value)),
            NodeKind::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
    root
}

/// For each byte offset of `value` (and one past its end), the byte offset
/// in `file_text` of the character it came from, for the scalar written at
/// `span`. Escapes (`\"`, `\n`, `\u00e9`, `''`) are decoded first; then the
/// value is aligned with the written characters, skipping what the writer
/// added (quotes, a block header, indentation).
pub fn scalar_map(file_text: &str, span: TextRange, value: &str) -> Vec<usize> {
    let raw = file_text.get(span.start()..span.end()).unwrap_or("");
    let written = decode(raw, span.start());
    crate::core::text::align_decoded(&written, value, span.end())
}

/// The characters a scalar's source stands for, each with its offset.
fn decode(raw: &str, base: usize) -> Vec<(char, usize)> {
    let mut out = Vec::with_capacity(raw.len());
    let mut chars = raw.char_indices().peekable();
    let double = raw.starts_with('"');
    let single = raw.starts_with('\'');
    while let Some((i, c)) = chars.next() {
        if double && c == '\\' {
            let Some((_, e)) = chars.next() else { break };
            let decoded = match e {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                'b' => '\u{8}',
                'f' => '\u{c}',
                '0' => '\0',
                'u' => {
                    let hex: String = (0..4).filter_map(|_| chars.next().map(|(_, h)| h)).collect();
                    let code = u32::from_str_radix(&hex, 16).unwrap_or(0xFFFD);
                    if (0xD800..0xDC00).contains(&code) {
                        // A surrogate pair: `\uD83D\uDE80` is one character.
                        let low: String = (0..6).filter_map(|_| chars.next().map(|(_, h)| h)).collect();
                        let low = u32::from_str_radix(low.trim_start_matches("\\u"), 16).unwrap_or(0);
                        let combined = 0x10000 + ((code - 0xD800) << 10) + (low.wrapping_sub(0xDC00) & 0x3FF);
                        char::from_u32(combined).unwrap_or('\u{FFFD}')
                    } else {
                        char::from_u32(code).unwrap_or('\u{FFFD}')
                    }
                }
                other => other,
            };
            out.push((decoded, base + i));
        } else if single && c == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') {
            chars.next();
            out.push(('\'', base + i));
        } else {
            out.push((c, base + i));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(file: &str, value: &str) {
        let start = file.find(['"', '\'', '|', '>']).unwrap_or(0);
        let span = TextRange::new(start, file.len());
        let map = scalar_map(file, span, value);
        assert_eq!(map.len(), value.len() + 1);
        for (offset, c) in value.char_indices() {
            if c.is_whitespace() {
                continue;
            }
            let at = map[offset];
            let written = &file[at..];
            let matches = written.starts_with(c)
                || written.starts_with('\\')
                || (c == '\'' && written.starts_with("''"));
            assert!(matches, "{c:?} at {offset} maps to {written:?}");
        }
    }

    #[test]
    fn maps_json_strings_and_block_scalars() {
        check(
            "x: \"{\\\"StartAt\\\": \\\"A\\u00e9\\\"}\"",
            "{\"StartAt\": \"Aé\"}",
        );
        check(
            "x: |\n    {\n      \"StartAt\": \"A\"\n    }\n",
            "{\n  \"StartAt\": \"A\"\n}\n",
        );
        check("x: 'it''s'", "it's");
    }

    proptest! {
        #[test]
        fn block_scalars_map_every_character(lines in proptest::collection::vec("[ -~é🚀]{0,20}", 1..8), indent in 1usize..6) {
            let value: String = lines.iter().map(|l| format!("{}\n", l.trim_start())).collect();
            let pad = " ".repeat(indent);
            let body: String = lines.iter().map(|l| format!("{pad}{}\n", l.trim_start())).collect();
            let file = format!("k: |\n{body}");
            check(&file, &value);
        }

        #[test]
        fn json_strings_map_every_character(value in "[ -~é🚀\n\t]{0,40}") {
            let file = format!("{{\"k\": {}}}", serde_json::to_string(&value).unwrap());
            let start = file.find(": ").unwrap() + 2;
            let span = TextRange::new(start, file.len() - 1);
            let map = scalar_map(&file, span, &value);
            for (offset, c) in value.char_indices() {
                let written = &file[map[offset]..];
                prop_assert!(written.starts_with(c) || written.starts_with('\\'), "{:?} -> {:?}", c, written);
            }
        }
    }
}
