//! JSON front end on jsonc-parser: strict JSON, except that comments are
//! tolerated (users type them) and returned so a rule can report them.

use std::borrow::Cow;

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
    // Most documents are valid JSON without comments: build the tree with
    // our own strict tokenizer. Anything else (it stops at a comment) takes
    // jsonc-parser's parser, which gives the comments and the exact error.
    if let Some(root) = build_from_tokens(text) {
        return Parsed {
            root: Some(root),
            errors: Vec::new(),
            comments: Vec::new(),
        };
    }
    parse_full(text, has_comment(text))
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
    build_value(text, 0, FAST_PATH_MAX_DEPTH)
}

/// One strict JSON value that fills `text[start..]` (whitespace aside),
/// nested at most `max_depth` deep; spans are offsets into `text`.
fn build_value(text: &str, start: usize, max_depth: usize) -> Option<Node> {
    let mut lexer = Lexer { text, pos: start };
    let mut next = || lexer.next().flatten();
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
            Token::OpenBrace | Token::OpenBracket if stack.len() >= max_depth => return None,
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
                None => return matches!(lexer.next(), Some(None)).then_some(value),
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

/// A token of strict JSON.
enum Token<'t> {
    OpenBrace,
    CloseBrace,
    OpenBracket,
    CloseBracket,
    Colon,
    Comma,
    /// The string's value, escapes decoded.
    String(Cow<'t, str>),
    /// The number as written.
    Number(&'t str),
    Boolean(bool),
    Null,
}

/// The fast path's tokenizer: strict JSON only, and nothing clever. It
/// gives up (`None`) on anything else, including what the full parser
/// would accept (comments, surrogate escapes, a byte order mark): the full
/// parser then decides, so this one never has to agree on an error.
struct Lexer<'t> {
    text: &'t str,
    pos: usize,
}

impl<'t> Lexer<'t> {
    /// The next token and its span, `Some(None)` at the end of the text.
    fn next(&mut self) -> Option<Option<(Token<'t>, TextRange)>> {
        let bytes = self.text.as_bytes();
        while matches!(bytes.get(self.pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
        let start = self.pos;
        let Some(&first) = bytes.get(start) else {
            return Some(None);
        };
        let token = match first {
            b'{' => self.punctuation(Token::OpenBrace),
            b'}' => self.punctuation(Token::CloseBrace),
            b'[' => self.punctuation(Token::OpenBracket),
            b']' => self.punctuation(Token::CloseBracket),
            b':' => self.punctuation(Token::Colon),
            b',' => self.punctuation(Token::Comma),
            b'"' => Token::String(self.string()?),
            b'-' | b'0'..=b'9' => Token::Number(self.number()?),
            b't' => self.word("true", Token::Boolean(true))?,
            b'f' => self.word("false", Token::Boolean(false))?,
            b'n' => self.word("null", Token::Null)?,
            _ => return None,
        };
        Some(Some((token, TextRange::new(start, self.pos))))
    }

    fn punctuation(&mut self, token: Token<'t>) -> Token<'t> {
        self.pos += 1;
        token
    }

    /// A keyword, which must not run on into a word.
    fn word(&mut self, word: &str, token: Token<'t>) -> Option<Token<'t>> {
        let rest = &self.text.as_bytes()[self.pos..];
        if !rest.starts_with(word.as_bytes())
            || rest.get(word.len()).is_some_and(|b| b.is_ascii_alphanumeric())
        {
            return None;
        }
        self.pos += word.len();
        Some(token)
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, not followed
    /// by anything that could continue it.
    fn number(&mut self) -> Option<&'t str> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut i = start;
        let digits = |i: &mut usize| {
            let from = *i;
            while bytes.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            *i > from
        };
        if bytes.get(i) == Some(&b'-') {
            i += 1;
        }
        match bytes.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                digits(&mut i);
            }
            _ => return None,
        }
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            if !digits(&mut i) {
                return None;
            }
        }
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(bytes.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if !digits(&mut i) {
                return None;
            }
        }
        if bytes
            .get(i)
            .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-'))
        {
            return None;
        }
        self.pos = i;
        Some(&self.text[start..i])
    }

    /// A string from its opening quote: borrowed when it has no escapes.
    fn string(&mut self) -> Option<Cow<'t, str>> {
        let bytes = self.text.as_bytes();
        let start = self.pos + 1;
        let mut i = start;
        let mut owned: Option<String> = None;
        // Where the text not yet copied into `owned` begins.
        let mut copied = start;
        loop {
            match *bytes.get(i)? {
                b'"' => break,
                b'\\' => {
                    let value = owned.get_or_insert_with(String::new);
                    value.push_str(&self.text[copied..i]);
                    let escaped = match *bytes.get(i + 1)? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hex = self.text.get(i + 2..i + 6)?;
                            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                                return None;
                            }
                            // A surrogate (half of a pair, or alone) is the
                            // full parser's to judge.
                            char::from_u32(u32::from_str_radix(hex, 16).ok()?)?
                        }
                        _ => return None,
                    };
                    value.push(escaped);
                    i += if bytes[i + 1] == b'u' { 6 } else { 2 };
                    copied = i;
                }
                0..=0x1f => return None,
                _ => i += 1,
            }
        }
        self.pos = i + 1;
        Some(match owned {
            None => Cow::Borrowed(&self.text[start..i]),
            Some(mut value) => {
                value.push_str(&self.text[copied..i]);
                Cow::Owned(value)
            }
        })
    }
}

/// Brings `root`, the tree of the valid, comment-free JSON `old`, up to
/// date with `new` by reading again only the smallest value the edit lies
/// in, and moving every later span by the change in length. Typing in one
/// state of a large definition then re-reads that state, not the file.
/// Returns false, with `root` untouched, when the edit is not inside such
/// a value or the value no longer reads as strict JSON: the caller then
/// parses `new` whole (which also finds its errors and comments).
///
/// The rest of the text is unchanged, and a value is delimited by what
/// surrounds it (`:`, `,`, a bracket or whitespace), so a new value that
/// reads cleanly in the old one's place gives exactly the tree a full
/// parse of `new` gives; the proptests check this on random edits.
pub fn reparse(old: &str, new: &str, root: &mut Node) -> bool {
    let (old_bytes, new_bytes) = (old.as_bytes(), new.as_bytes());
    let prefix = common_prefix(old_bytes, new_bytes);
    let suffix = common_suffix(&old_bytes[prefix..], &new_bytes[prefix..]);
    let changed = TextRange::new(prefix, old.len() - suffix);
    let delta = new.len() as i64 - old.len() as i64;
    if !root.span.contains_range(changed) {
        return false;
    }
    // The values that hold the change, outermost first: each one's index
    // in its parent and its span.
    let mut path: Vec<(usize, TextRange)> = Vec::new();
    let mut node: &Node = root;
    while let Some((i, child)) = children(node)
        .enumerate()
        .find(|(_, child)| child.span.contains_range(changed))
    {
        path.push((i, child.span));
        node = child;
    }
    // The innermost value first; the root is the caller's full parse.
    // Reading a value as large as half the file again saves nothing.
    while let Some(&(_, old_span)) = path.last() {
        let new_end = usize::try_from(old_span.end as i64 + delta).unwrap_or(0);
        let Some(text) = new.get(..new_end) else {
            return false;
        };
        if new_end.saturating_sub(old_span.start()) > new.len() / 2 {
            return false;
        }
        let depth_left = FAST_PATH_MAX_DEPTH.saturating_sub(path.len());
        if let Some(value) = build_value(text, old_span.start(), depth_left) {
            let indices: Vec<usize> = path.iter().map(|&(i, _)| i).collect();
            if node_at_mut(root, &indices).is_none() {
                return false;
            }
            // Shifting keeps the tree's shape: the slot is still there.
            root.shift_from(old_span.end, delta);
            if let Some(slot) = node_at_mut(root, &indices) {
                *slot = value;
            }
            return true;
        }
        path.pop();
    }
    false
}

/// Compared a block at a time (the slices' own `==`), then byte by byte.
const BLOCK: usize = 64;

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let blocks = a
        .chunks_exact(BLOCK)
        .zip(b.chunks_exact(BLOCK))
        .take_while(|(x, y)| x == y)
        .count();
    let at = blocks * BLOCK;
    at + a[at..].iter().zip(&b[at..]).take_while(|(x, y)| x == y).count()
}

fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let blocks = a
        .rchunks_exact(BLOCK)
        .zip(b.rchunks_exact(BLOCK))
        .take_while(|(x, y)| x == y)
        .count();
    let at = blocks * BLOCK;
    at + a[..a.len() - at]
        .iter()
        .rev()
        .zip(b[..b.len() - at].iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// A value's child values (object members' values, array items), in order.
fn children(node: &Node) -> impl Iterator<Item = &Node> {
    node.members()
        .iter()
        .map(|m| &m.value)
        .chain(node.elements().iter())
}

fn node_at_mut<'n>(root: &'n mut Node, path: &[usize]) -> Option<&'n mut Node> {
    path.iter().try_fold(root, |node, &i| match &mut node.kind {
        NodeKind::Object(members) => members.get_mut(i).map(|m| &mut m.value),
        NodeKind::Array(items) => items.get_mut(i),
        _ => None,
    })
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
        fn token_path_never_accepts_what_the_full_parser_refuses(text in "[\\[\\]{}:, \"a01.eE+\\-tfrunl\\\\/*\n\t\u{1}\u{7f}\u{feff}\u{e9}]{0,24}") {
            if let Some(root) = build_from_tokens(&text) {
                let full = parse_full(&text, has_comment(&text));
                prop_assert!(full.errors.is_empty(), "{:?}", full.errors);
                prop_assert!(full.comments.is_empty());
                prop_assert_eq!(Some(root), full.root);
            }
        }
    }

    proptest! {
        /// Strings with escapes, good and bad: the token path decodes them as
        /// the full parser does, or gives way to it.
        #[test]
        fn token_path_reads_escapes_as_the_full_parser_does(body in "([a\u{e9}\u{1}\t/]|\\\\[\"\\\\/bfnrtxu]|\\\\u[0-9a-fA-F]{4}|\\\\u[dD][89abAB][0-9a-f]{2}\\\\u[dD][c-fC-F][0-9a-f]{2}|\\\\u[0-9g]{0,4}){0,6}") {
            let text = format!("[\"{body}\"]");
            let full = parse_full(&text, false);
            match build_from_tokens(&text) {
                Some(root) => {
                    prop_assert!(full.errors.is_empty(), "{:?}", full.errors);
                    prop_assert_eq!(Some(root), full.root);
                }
                // Giving way is right only where the full parser refuses it
                // too, or for what this path leaves to it on purpose.
                None => {
                    let left_on_purpose = body.contains("\\u") || body.contains(['\u{1}', '\t']);
                    prop_assert!(!full.errors.is_empty() || left_on_purpose, "gave way on {}", text);
                }
            }
        }
    }

    /// A document, a place in it (a char boundary), how many chars to
    /// delete there and what to insert: an edit as a user types it.
    fn edited_document() -> impl Strategy<Value = (String, String)> {
        (
            json_value(),
            any::<bool>(),
            any::<proptest::sample::Index>(),
            0usize..3,
            "[\\[\\]{}:, \"a1.e\\-tn\\\\/\n\u{e9}]{0,3}",
        )
            .prop_map(|(value, pretty, at, delete, insert)| {
                let old = if pretty {
                    serde_json::to_string_pretty(&value).unwrap()
                } else {
                    serde_json::to_string(&value).unwrap()
                };
                let boundaries: Vec<usize> = old.char_indices().map(|(i, _)| i).chain([old.len()]).collect();
                let i = at.index(boundaries.len());
                let start = boundaries[i];
                let end = boundaries[(i + delete).min(boundaries.len() - 1)];
                let new = format!("{}{}{}", &old[..start], insert, &old[end..]);
                (old, new)
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Re-reading only the edited value gives the tree a full parse of
        /// the new text gives, or gives way; never a tree the full parser
        /// would not build.
        #[test]
        fn reparse_builds_what_a_full_parse_builds((old, new) in edited_document()) {
            let mut root = parse(&old).root.expect("a serialized value parses");
            let untouched = root.clone();
            let full = parse_full(&new, has_comment(&new));
            if reparse(&old, &new, &mut root) {
                prop_assert!(full.errors.is_empty() && full.comments.is_empty(), "accepted {:?}: {:?}", new, full.errors);
                prop_assert_eq!(Some(root), full.root);
            } else {
                prop_assert_eq!(root, untouched);
            }
        }
    }

    proptest! {
        /// The block-wise prefix and suffix agree with a byte-by-byte count,
        /// across block boundaries.
        #[test]
        fn common_prefix_and_suffix_count_bytes(
            head in proptest::collection::vec(0u8..3, 0..200),
            a in proptest::collection::vec(0u8..3, 0..80),
            b in proptest::collection::vec(0u8..3, 0..80),
            tail in proptest::collection::vec(0u8..3, 0..200),
        ) {
            let x = [head.clone(), a, tail.clone()].concat();
            let y = [head, b, tail].concat();
            let naive_prefix = x.iter().zip(&y).take_while(|(p, q)| p == q).count();
            prop_assert_eq!(common_prefix(&x, &y), naive_prefix);
            let naive_suffix = x.iter().rev().zip(y.iter().rev()).take_while(|(p, q)| p == q).count();
            prop_assert_eq!(common_suffix(&x, &y), naive_suffix);
        }
    }

    #[test]
    fn reparse_reads_only_the_edited_value_and_moves_what_follows() {
        let rest = r#""B": {"Type": "Pass", "Result": [1, 2.5, true, null], "Next": "C"}, "C": {"Type": "Succeed"}}"#;
        let old = format!(r#"{{"A": {{"Type": "Pass", "Next": "B"}}, {rest}"#);
        let new = format!(r#"{{"A": {{"Type": "Pass", "Comment": "hi", "Next": "B"}}, {rest}"#);
        let mut root = parse(&old).root.unwrap();
        assert!(reparse(&old, &new, &mut root));
        assert_eq!(Some(root), parse(&new).root);
        // Typing inside a string keeps the edit inside that string.
        let typed = format!(r#"{{"A": {{"Type": "Pass", "Comment": "hi\u00e9", "Next": "B"}}, {rest}"#);
        let mut root = parse(&new).root.unwrap();
        assert!(reparse(&new, &typed, &mut root));
        assert_eq!(Some(root), parse(&typed).root);
    }

    #[test]
    fn reparse_gives_way_on_errors_whole_file_edits_and_comments() {
        let old = r#"{"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}}"#;
        for new in [
            // An unclosed string, a trailing comma, a comment.
            r#"{"A": {"Type": "Pass, "Next": "B"}, "B": {"Type": "Succeed"}}"#,
            r#"{"A": {"Type": "Pass", "Next": "B",}, "B": {"Type": "Succeed"}}"#,
            r#"{"A": {"Type": "Pass", /* c */ "Next": "B"}, "B": {"Type": "Succeed"}}"#,
            // An edit between the top level's members is the root's own.
            r#"{"A": {"Type": "Pass", "Next": "B"},  "B": {"Type": "Succeed"}}"#,
            // After the root value.
            r#"{"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}} x"#,
        ] {
            let mut root = parse(old).root.unwrap();
            assert!(!reparse(old, new, &mut root), "{new}");
            assert_eq!(Some(root), parse(old).root);
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
            "truex",
            "[1.]",
            "[.5]",
            "[-]",
            "[1e]",
            "[+1]",
            "\u{feff}{}",
            "[\"\\x\"]",
            "[\"a\u{1}\"]",
            "[\"\\ud800\"]",
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
