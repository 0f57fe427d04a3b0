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
    // Plain JSON (the common case) is read directly; anything else (comments,
    // errors, rare escapes, deep nesting) goes to jsonc-parser, so results
    // and messages are its own.
    if let Some(root) = strict::parse(text) {
        return Parsed {
            root: Some(root),
            errors: Vec::new(),
            comments: Vec::new(),
        };
    }
    parse_with_jsonc(text)
}

fn parse_with_jsonc(text: &str) -> Parsed {
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

/// A reader for the plain JSON subset on which it builds exactly the tree
/// jsonc-parser's path would; `None` means "not in the subset", never an
/// error of its own. Converting jsonc-parser's AST cost a fifth of a run.
mod strict {
    use super::{Member, Node, NodeKind, TextRange};

    /// Beyond this nesting jsonc-parser decides (it has the depth limit).
    const MAX_DEPTH: usize = 128;

    pub fn parse(text: &str) -> Option<Node> {
        if text.len() > u32::MAX as usize {
            return None;
        }
        let mut reader = Reader {
            text,
            bytes: text.as_bytes(),
            at: 0,
        };
        reader.skip_whitespace();
        let root = reader.value(0)?;
        reader.skip_whitespace();
        (reader.at == reader.bytes.len()).then_some(root)
    }

    struct Reader<'t> {
        text: &'t str,
        bytes: &'t [u8],
        at: usize,
    }

    impl Reader<'_> {
        /// JSON's own whitespace; anything else (comments, a BOM, Unicode
        /// spaces) leaves the subset.
        fn skip_whitespace(&mut self) {
            while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
                self.at += 1;
            }
        }

        fn value(&mut self, depth: usize) -> Option<Node> {
            let start = self.at;
            match *self.bytes.get(self.at)? {
                b'{' => self.object(depth),
                b'[' => self.array(depth),
                b'"' => {
                    let s = self.string()?;
                    Some(Node::new(TextRange::new(start, self.at), NodeKind::String(s)))
                }
                b't' => self.word("true", NodeKind::Bool(true)),
                b'f' => self.word("false", NodeKind::Bool(false)),
                b'n' => self.word("null", NodeKind::Null),
                b'-' | b'0'..=b'9' => self.number(),
                _ => None,
            }
        }

        /// After a value: only a delimiter, whitespace or the end may follow
        /// (so `truex` or `1a` go to jsonc-parser for its message).
        fn at_delimiter(&self) -> bool {
            matches!(
                self.bytes.get(self.at),
                None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            )
        }

        fn word(&mut self, word: &str, kind: NodeKind) -> Option<Node> {
            let start = self.at;
            if !self.bytes[start..].starts_with(word.as_bytes()) {
                return None;
            }
            self.at += word.len();
            self.at_delimiter()
                .then(|| Node::new(TextRange::new(start, self.at), kind))
        }

        fn digits(&mut self) -> usize {
            let start = self.at;
            while let Some(b'0'..=b'9') = self.bytes.get(self.at) {
                self.at += 1;
            }
            self.at - start
        }

        /// RFC 8259 numbers only, kept as written.
        fn number(&mut self) -> Option<Node> {
            let start = self.at;
            if self.bytes[self.at] == b'-' {
                self.at += 1;
            }
            match self.bytes.get(self.at)? {
                b'0' => self.at += 1,
                b'1'..=b'9' => {
                    self.digits();
                }
                _ => return None,
            }
            if self.bytes.get(self.at) == Some(&b'.') {
                self.at += 1;
                if self.digits() == 0 {
                    return None;
                }
            }
            if let Some(b'e' | b'E') = self.bytes.get(self.at) {
                self.at += 1;
                if let Some(b'+' | b'-') = self.bytes.get(self.at) {
                    self.at += 1;
                }
                if self.digits() == 0 {
                    return None;
                }
            }
            if !self.at_delimiter() {
                return None;
            }
            let written = self.text[start..self.at].to_string();
            Some(Node::new(
                TextRange::new(start, self.at),
                NodeKind::Number(written),
            ))
        }

        /// A double-quoted string with the escapes JSON shares with
        /// jsonc-parser's strict mode; `\u` escapes leave the subset.
        fn string(&mut self) -> Option<String> {
            self.at += 1;
            let start = self.at;
            // Quote and backslash are ASCII, never inside a UTF-8 sequence.
            let mut i = start;
            while i < self.bytes.len() {
                match self.bytes[i] {
                    b'"' => {
                        self.at = i + 1;
                        return Some(self.text[start..i].to_string());
                    }
                    b'\\' => break,
                    _ => i += 1,
                }
            }
            let mut out = String::with_capacity(i - start + 8);
            let mut segment = start;
            while i < self.bytes.len() {
                match self.bytes[i] {
                    b'"' => {
                        out.push_str(&self.text[segment..i]);
                        self.at = i + 1;
                        return Some(out);
                    }
                    b'\\' => {
                        out.push_str(&self.text[segment..i]);
                        out.push(match self.bytes.get(i + 1)? {
                            b'"' => '"',
                            b'\\' => '\\',
                            b'/' => '/',
                            b'b' => '\u{08}',
                            b'f' => '\u{0C}',
                            b'n' => '\n',
                            b'r' => '\r',
                            b't' => '\t',
                            _ => return None,
                        });
                        i += 2;
                        segment = i;
                    }
                    _ => i += 1,
                }
            }
            None
        }

        fn object(&mut self, depth: usize) -> Option<Node> {
            if depth >= MAX_DEPTH {
                return None;
            }
            let start = self.at;
            self.at += 1;
            let mut members = Vec::new();
            self.skip_whitespace();
            if self.bytes.get(self.at) == Some(&b'}') {
                self.at += 1;
                return Some(Node::new(
                    TextRange::new(start, self.at),
                    NodeKind::Object(members),
                ));
            }
            loop {
                if self.bytes.get(self.at) != Some(&b'"') {
                    return None;
                }
                let key_start = self.at;
                let key = self.string()?;
                let key_span = TextRange::new(key_start, self.at);
                self.skip_whitespace();
                if self.bytes.get(self.at) != Some(&b':') {
                    return None;
                }
                self.at += 1;
                self.skip_whitespace();
                let value = self.value(depth + 1)?;
                members.push(Member { key, key_span, value });
                self.skip_whitespace();
                match self.bytes.get(self.at)? {
                    b',' => {
                        self.at += 1;
                        self.skip_whitespace();
                    }
                    b'}' => {
                        self.at += 1;
                        return Some(Node::new(
                            TextRange::new(start, self.at),
                            NodeKind::Object(members),
                        ));
                    }
                    _ => return None,
                }
            }
        }

        fn array(&mut self, depth: usize) -> Option<Node> {
            if depth >= MAX_DEPTH {
                return None;
            }
            let start = self.at;
            self.at += 1;
            let mut items = Vec::new();
            self.skip_whitespace();
            if self.bytes.get(self.at) == Some(&b']') {
                self.at += 1;
                return Some(Node::new(TextRange::new(start, self.at), NodeKind::Array(items)));
            }
            loop {
                items.push(self.value(depth + 1)?);
                self.skip_whitespace();
                match self.bytes.get(self.at)? {
                    b',' => {
                        self.at += 1;
                        self.skip_whitespace();
                    }
                    b']' => {
                        self.at += 1;
                        return Some(Node::new(TextRange::new(start, self.at), NodeKind::Array(items)));
                    }
                    _ => return None,
                }
            }
        }
    }
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

    /// The reader's tree is jsonc-parser's whenever the reader takes the text.
    fn same_as_jsonc(text: &str) {
        if let Some(fast) = strict::parse(text) {
            let reference = parse_with_jsonc(text);
            assert!(reference.errors.is_empty(), "{text:?}: jsonc-parser refuses it");
            assert!(reference.comments.is_empty());
            assert_eq!(Some(fast), reference.root, "{text:?}");
        }
    }

    #[test]
    fn the_plain_reader_agrees_with_jsonc_parser() {
        for text in [
            r#"{"a": [1, -2.5e+3, 0, -0.0E-1, true, false, null], "b": {}, "c": []}"#,
            "  {\r\n\t\"k\\\"\\\\\\/\\b\\f\\n\\r\\t\": \"v\u{e9}\u{1F600}\"}  \n",
            "\"raw\ttab and\nnewline\"",
            r#"{"a": 1, "a": 2}"#,
            "[[[[[[]]]]]]",
            "-1",
            "0",
            include_str!("../../../examples/orders/orders.asl.json"),
            include_str!("../../../tests/fixtures/all-integrations.asl.json"),
        ] {
            assert!(strict::parse(text).is_some(), "{text:?}");
            same_as_jsonc(text);
        }
        // Outside the subset: jsonc-parser decides.
        for text in [
            "",
            " ",
            "{\"a\": 1,}",
            "[1,]",
            "01",
            "1.",
            ".5",
            "+1",
            "-",
            "1e",
            "truex",
            "nul",
            "{\"a\" 1}",
            "{a: 1}",
            "'a'",
            "\"\\u0041\"",
            "\"\\x\"",
            "\"open",
            "{} {}",
            "// c\n1",
            "\u{feff}{}",
            "{\"a\": 1 /* b */}",
            "[1 2]",
            "\u{a0}1",
            "\"\\'\"",
        ] {
            assert!(strict::parse(text).is_none(), "{text:?}");
        }
        let deep = "[".repeat(600) + &"]".repeat(600);
        assert!(strict::parse(&deep).is_none());
    }

    proptest::proptest! {
        #[test]
        fn the_plain_reader_agrees_on_any_text(
            text in r#"[ \t\r\n{}\[\],:"\\/a-z0-9.+eE\-\u{e9}']{0,40}"#
        ) {
            same_as_jsonc(&text);
        }

        #[test]
        fn the_plain_reader_takes_serialized_json(value in json_value()) {
            for text in [serde_json::to_string(&value).unwrap(), serde_json::to_string_pretty(&value).unwrap()] {
                proptest::prop_assert!(strict::parse(&text).is_some() || text.contains("\\u"));
                same_as_jsonc(&text);
            }
        }
    }

    fn json_value() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(serde_json::Value::from),
            ".*".prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
                proptest::collection::vec((".*", inner), 0..6)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    #[test]
    fn duplicate_keys_are_kept() {
        let parsed = parse(r#"{"a": 1, "a": 2}"#);
        assert_eq!(parsed.root.unwrap().members().len(), 2);
    }
}
