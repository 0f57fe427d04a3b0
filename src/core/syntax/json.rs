//! JSON front end on jsonc-parser: strict JSON, except that comments are
//! tolerated (users type them) and returned so a rule can report them.

use jsonc_parser::ast;
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions};

use super::tree::{Member, Node, NodeKind, Parsed, SyntaxError};
use crate::core::text::TextRange;

fn strict_options() -> ParseOptions {
    ParseOptions {
        allow_comments: true,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

/// Parses `text` as JSON. Never panics; a document that does not parse
/// yields no tree and exactly one error at the place the parser stopped.
pub fn parse(text: &str) -> Parsed {
    // Collecting comments costs a third of the parse: only when there are any.
    let collect = CollectOptions {
        comments: if has_comment(text) {
            CommentCollectionStrategy::Separate
        } else {
            CommentCollectionStrategy::Off
        },
        tokens: false,
    };
    match jsonc_parser::parse_to_ast(text, &collect, &strict_options()) {
        Ok(result) => {
            let mut comments: Vec<TextRange> = result
                .comments
                .iter()
                .flat_map(|map| map.values())
                .flat_map(|list| list.iter())
                .map(|c| {
                    let r = match c {
                        ast::Comment::Line(l) => l.range,
                        ast::Comment::Block(b) => b.range,
                    };
                    TextRange::new(r.start, r.end)
                })
                .collect();
            comments.sort();
            comments.dedup();
            let root = result.value.as_ref().map(convert);
            let mut errors = Vec::new();
            if root.is_none() {
                errors.push(SyntaxError {
                    range: TextRange::empty(0),
                    message: "Expected a JSON value, but the document is empty".into(),
                });
            }
            Parsed {
                root,
                errors,
                comments,
            }
        }
        Err(err) => {
            let range = err.range();
            let message = match err.kind() {
                jsonc_parser::errors::ParseErrorKind::NestingDepthExceeded => {
                    "The document nests objects and arrays too deeply to analyse (the limit is about 250 levels)"
                        .to_string()
                }
                kind => kind.to_string(),
            };
            Parsed {
                root: None,
                errors: vec![SyntaxError {
                    range: TextRange::new(range.start, range.end.min(text.len())),
                    message,
                }],
                comments: Vec::new(),
            }
        }
    }
}

/// Whether `//` or `/*` appears outside a string.
fn has_comment(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'/' if !in_string && matches!(bytes.get(i + 1), Some(b'/' | b'*')) => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

/// Recursion is bounded: jsonc-parser refuses input nested past 512 levels.
fn convert(value: &ast::Value) -> Node {
    match value {
        ast::Value::StringLit(s) => Node::new(span(s.range), NodeKind::String(s.value.to_string())),
        ast::Value::NumberLit(n) => Node::new(span(n.range), NodeKind::Number(n.value.to_string())),
        ast::Value::BooleanLit(b) => Node::new(span(b.range), NodeKind::Bool(b.value)),
        ast::Value::NullKeyword(n) => Node::new(span(n.range), NodeKind::Null),
        ast::Value::Array(a) => Node::new(
            span(a.range),
            NodeKind::Array(a.elements.iter().map(convert).collect()),
        ),
        ast::Value::Object(o) => Node::new(
            span(o.range),
            NodeKind::Object(
                o.properties
                    .iter()
                    .map(|p| {
                        let (key, key_range) = match &p.name {
                            ast::ObjectPropName::String(s) => (s.value.to_string(), s.range),
                            ast::ObjectPropName::Word(w) => (w.value.to_string(), w.range),
                        };
                        Member {
                            key,
                            key_span: span(key_range),
                            value: convert(&p.value),
                        }
                    })
                    .collect(),
            ),
        ),
    }
}

fn span(range: jsonc_parser::common::Range) -> TextRange {
    TextRange::new(range.start, range.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_cover_keys_and_values() {
        let parsed = parse(r#"{"StartAt": "A", "n": 1.5}"#);
        let root = parsed.root.unwrap();
        let m = root.member("StartAt").unwrap();
        assert_eq!(m.key_span, TextRange::new(1, 10));
        assert_eq!(m.value.span, TextRange::new(12, 15));
        assert_eq!(root.get("n").unwrap().as_f64(), Some(1.5));
    }

    #[test]
    fn comments_are_collected_not_fatal() {
        let parsed = parse("{\n// note\n\"a\": 1 /* b */}");
        assert!(parsed.errors.is_empty());
        assert_eq!(
            parsed.comments,
            vec![TextRange::new(2, 9), TextRange::new(17, 24)]
        );
    }

    #[test]
    fn trailing_comma_is_an_error_with_a_range() {
        let parsed = parse("{\"a\": 1,}");
        assert!(parsed.root.is_none());
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!(parsed.errors[0].range.start, 7);
    }

    #[test]
    fn deep_nesting_is_refused_without_overflow() {
        let text = "[".repeat(100_000) + &"]".repeat(100_000);
        let parsed = parse(&text);
        assert!(parsed.root.is_none());
        assert!(parsed.errors[0].message.contains("too deeply"));
    }

    #[test]
    fn duplicate_keys_are_kept() {
        let parsed = parse(r#"{"a": 1, "a": 2}"#);
        assert_eq!(parsed.root.unwrap().members().len(), 2);
    }
}
