//! JSON front end on jsonc-parser: strict JSON, except that comments are
//! tolerated (users type them) and returned so a rule can report them.

use jsonc_parser::ast;
use jsonc_parser::tokens::Token;
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions, Scanner, ScannerOptions};

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
    // Most documents are valid JSON without comments: build the tree straight
    // from jsonc-parser's tokens. Anything else takes jsonc-parser's own
    // parser, which gives the comments and the exact error.
    let comments = has_comment(text);
    if !comments {
        if let Some(root) = build_from_tokens(text) {
            return Parsed {
                root: Some(root),
                errors: Vec::new(),
                comments: Vec::new(),
            };
        }
    }
    parse_full(text, comments)
}

/// jsonc-parser's own parser: comments, and the error where it stopped.
fn parse_full(text: &str, comments: bool) -> Parsed {
    // Collecting comments costs a third of the parse: only when there are any.
    let collect = CollectOptions {
        comments: if comments {
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

fn strict_scanner_options() -> ScannerOptions {
    let parse = strict_options();
    ScannerOptions {
        allow_single_quoted_strings: parse.allow_single_quoted_strings,
        allow_hexadecimal_numbers: parse.allow_hexadecimal_numbers,
        allow_unary_plus_numbers: parse.allow_unary_plus_numbers,
        allow_bare_decimal_point_numbers: parse.allow_bare_decimal_point_numbers,
        allow_non_finite_numbers: parse.allow_non_finite_numbers,
        allow_extended_string_escapes: parse.allow_extended_string_escapes,
    }
}

/// Nesting beyond this is left to jsonc-parser, which refuses it with its
/// own error (its limit is higher).
const FAST_PATH_MAX_DEPTH: usize = 200;

/// An object or array still open while building from tokens.
enum Open {
    Object {
        /// The opening brace.
        start: TextRange,
        /// Where its members begin in the shared member list.
        first: usize,
        /// The key whose value is being read.
        key: (String, TextRange),
    },
    Array {
        start: TextRange,
        first: usize,
    },
}

/// The tree of a strict, comment-free JSON document, read with an explicit
/// stack; `None` at the first thing that is not (an error, a comment, a
/// word, trailing text), for the full parser to report.
fn build_from_tokens(text: &str) -> Option<Node> {
    let mut scanner = Scanner::new(text, &strict_scanner_options());
    // `Some(None)` at the end of the text, `None` on a scanner error.
    let mut scan = move || -> Option<Option<(Token<'_>, TextRange)>> {
        let token = scanner.scan().ok()?;
        Some(token.map(|t| (t, TextRange::new(scanner.token_start(), scanner.token_end()))))
    };
    let mut next = || scan().flatten();
    // `key : value` after an object's `{` or `,`: the key and the value's first token.
    fn member_start<'t>(
        next: &mut impl FnMut() -> Option<(Token<'t>, TextRange)>,
        first: (Token<'t>, TextRange),
    ) -> Option<((String, TextRange), (Token<'t>, TextRange))> {
        let (Token::String(key), key_span) = first else {
            return None;
        };
        let (Token::Colon, _) = next()? else {
            return None;
        };
        Some(((key.into_owned(), key_span), next()?))
    }
    let mut stack: Vec<Open> = Vec::new();
    // The members and items of every open container, innermost last: each
    // container gets an exactly sized vector when it closes.
    let mut open_members: Vec<Member> = Vec::new();
    let mut open_items: Vec<Node> = Vec::new();
    let mut token = next()?;
    loop {
        let (first, span) = token;
        let mut value = match first {
            Token::OpenBrace | Token::OpenBracket if stack.len() >= FAST_PATH_MAX_DEPTH => return None,
            Token::OpenBrace => {
                let after = next()?;
                if let (Token::CloseBrace, close) = after {
                    Node::new(span.cover(close), NodeKind::Object(Vec::new()))
                } else {
                    let (key, value_start) = member_start(&mut next, after)?;
                    stack.push(Open::Object {
                        start: span,
                        first: open_members.len(),
                        key,
                    });
                    token = value_start;
                    continue;
                }
            }
            Token::OpenBracket => {
                let after = next()?;
                if let (Token::CloseBracket, close) = after {
                    Node::new(span.cover(close), NodeKind::Array(Vec::new()))
                } else {
                    stack.push(Open::Array {
                        start: span,
                        first: open_items.len(),
                    });
                    token = after;
                    continue;
                }
            }
            Token::String(s) => Node::new(span, NodeKind::String(s.into_owned())),
            Token::Number(n) => Node::new(span, NodeKind::Number(n.to_string())),
            Token::Boolean(b) => Node::new(span, NodeKind::Bool(b)),
            Token::Null => Node::new(span, NodeKind::Null),
            _ => return None,
        };
        // Hand the finished value to its container, closing containers as
        // far as the tokens say.
        loop {
            match stack.last_mut() {
                None => return matches!(scan(), Some(None)).then_some(value),
                Some(Open::Object { start, first, key }) => {
                    let (member_key, key_span) = std::mem::take(key);
                    open_members.push(Member {
                        key: member_key,
                        key_span,
                        value,
                    });
                    match next()? {
                        (Token::Comma, _) => {
                            let after = next()?;
                            let (next_key, value_start) = member_start(&mut next, after)?;
                            *key = next_key;
                            token = value_start;
                            break;
                        }
                        (Token::CloseBrace, close) => {
                            let start = *start;
                            let members = open_members.drain(*first..).collect();
                            stack.pop();
                            value = Node::new(start.cover(close), NodeKind::Object(members));
                        }
                        _ => return None,
                    }
                }
                Some(Open::Array { start, first }) => {
                    open_items.push(value);
                    match next()? {
                        (Token::Comma, _) => {
                            token = next()?;
                            break;
                        }
                        (Token::CloseBracket, close) => {
                            let start = *start;
                            let items = open_items.drain(*first..).collect();
                            stack.pop();
                            value = Node::new(start.cover(close), NodeKind::Array(items));
                        }
                        _ => return None,
                    }
                }
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

    use proptest::prelude::*;

    fn json_value() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<i64>().prop_map(|n| serde_json::json!(n)),
            (-1e6f64..1e6).prop_map(|n| serde_json::json!(n)),
            "[a-z\"\\/\n\t\u{e9}\u{1F600}\u{4e2d} ]{0,8}".prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
                proptest::collection::vec(("[a-zA-Z\"]{0,5}", inner), 0..4)
                    .prop_map(|members| serde_json::Value::Object(members.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Valid JSON takes the token path, and it builds what the full parser builds.
        #[test]
        fn token_path_builds_the_full_parsers_tree(value in json_value(), pretty in any::<bool>()) {
            let text = if pretty {
                serde_json::to_string_pretty(&value).unwrap()
            } else {
                serde_json::to_string(&value).unwrap()
            };
            let full = parse_full(&text, has_comment(&text));
            prop_assert!(full.errors.is_empty());
            prop_assert_eq!(build_from_tokens(&text), full.root);
        }

        /// On any text, the token path either agrees with the full parser on
        /// a document without errors, or gives way to it.
        #[test]
        fn token_path_never_accepts_what_the_full_parser_refuses(text in "[\\[\\]{}:, \"a1.eE+\\-tfrunl\\\\/*\n]{0,24}") {
            if let Some(root) = build_from_tokens(&text) {
                let full = parse_full(&text, has_comment(&text));
                prop_assert!(full.errors.is_empty(), "{:?}", full.errors);
                prop_assert!(full.comments.is_empty());
                prop_assert_eq!(Some(root), full.root);
            }
        }
    }

    #[test]
    fn token_path_gives_way_on_errors_comments_and_depth() {
        for text in [
            "{\"a\": 1,}",
            "{\"a\" 1}",
            "[1 2]",
            "{a: 1}",
            "[1] 2",
            "",
            "// c\n{}",
            "01",
            "'a'",
            // A value followed by text the scanner refuses.
            "1\"",
        ] {
            assert_eq!(build_from_tokens(text), None, "{text:?}");
        }
        let deep = "[".repeat(FAST_PATH_MAX_DEPTH + 1) + &"]".repeat(FAST_PATH_MAX_DEPTH + 1);
        assert_eq!(build_from_tokens(&deep), None);
        assert!(parse(&deep).root.is_some());
        assert_eq!(
            build_from_tokens(" {\"k\": [true, null, -1.5e3, \"\\u00e9\"], \"e\": {}} "),
            parse_full(" {\"k\": [true, null, -1.5e3, \"\\u00e9\"], \"e\": {}} ", false).root
        );
    }

    #[test]
    fn duplicate_keys_are_kept() {
        let parsed = parse(r#"{"a": 1, "a": 2}"#);
        assert_eq!(parsed.root.unwrap().members().len(), 2);
    }
}
