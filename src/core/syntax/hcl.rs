//! HCL front end on hcl-edit: a `.tf` file as one spanned tree, shaped like
//! Terraform's JSON configuration syntax.
//!
//! * A body is an object. An attribute `k = v` is a member `k`.
//! * A block `resource "aws_sfn_state_machine" "main" { ... }` is a member
//!   `resource` (at the block identifier) whose value nests one object per
//!   label (`{"aws_sfn_state_machine": {"main": body}}`), each key at its
//!   label. Repeated blocks are repeated members.
//! * Literals, arrays and objects are what they are in JSON.
//! * Everything else is a [`NodeKind::Tagged`] node over the whole
//!   expression: `ref` (a traversal such as `aws_lambda_function.worker.arn`,
//!   as the string written), `template` and `heredoc` (an array of parts:
//!   literal strings at their own spans, and the interpolated expressions),
//!   `fn:<name>` (a function call, an array of its arguments) and `expr`
//!   (conditionals, operators, `for`: the text written).
//!
//! Template literals hold their value (escapes decoded, heredoc indentation
//! removed) and span the characters they were written as; [`literal_map`]
//! aligns the two.

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::template::{Element, Template};
use hcl_edit::Span;

use super::tree::{Member, Node, NodeKind, Parsed, SyntaxError};
use crate::core::text::TextRange;

/// Deeper nesting is kept as text (`expr`), never recursed into.
const MAX_DEPTH: usize = 256;

pub const REF: &str = "ref";
pub const TEMPLATE: &str = "template";
pub const HEREDOC: &str = "heredoc";
pub const EXPR: &str = "expr";
pub const CALL_PREFIX: &str = "fn:";

/// Parses a `.tf` file. Never panics: a file that does not parse yields
/// no tree and one error where the parser stopped.
pub fn parse(text: &str) -> Parsed {
    if let Some(at) = operator_nesting_too_deep(text) {
        let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
        return Parsed {
            root: None,
            errors: vec![SyntaxError {
                range: TextRange::new(at, end),
                message: format!(
                    "HCL: too deeply nested to analyse: more than {MAX_OPERATOR_NESTING} brackets opened after operators"
                ),
            }],
            comments: Vec::new(),
        };
    }
    match hcl_edit::parser::parse_body(text) {
        Ok(body) => {
            let converter = Converter { text };
            let root = converter.body(&body, TextRange::new(0, text.len()), 0);
            Parsed {
                root: Some(root),
                errors: Vec::new(),
                comments: Vec::new(),
            }
        }
        Err(error) => {
            // The parser reports a byte offset that may fall inside a
            // multibyte character; step back to the character's start.
            let mut offset = error.location().offset().min(text.len());
            while !text.is_char_boundary(offset) {
                offset -= 1;
            }
            let end = text[offset..]
                .char_indices()
                .nth(1)
                .map(|(i, _)| offset + i)
                .unwrap_or(text.len());
            Parsed {
                root: None,
                errors: vec![SyntaxError {
                    range: TextRange::new(offset, end),
                    message: format!("HCL: {}", error.message()),
                }],
                comments: Vec::new(),
            }
        }
    }
}

/// hcl-edit's parser backtracks over a bracket opened right after a binary
/// operator (`a/b+{`, `a*b+(`): each such bracket nested in another
/// doubles its work, so 25 levels in a few hundred bytes take seconds.
/// Real configurations nest a handful; deeper is reported, not parsed.
const MAX_OPERATOR_NESTING: usize = 12;

/// The offset of the first bracket (or interpolation) that nests more
/// than [`MAX_OPERATOR_NESTING`] levels of brackets opened after
/// operators, skipping strings' text, comments and heredocs. A linear scan.
fn operator_nesting_too_deep(text: &str) -> Option<usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum Frame {
        Bracket,
        Interpolation,
        Str,
    }
    let bytes = text.as_bytes();
    // Each open frame, and whether it counts (opened after an operator).
    let mut stack: Vec<(Frame, bool)> = Vec::new();
    let mut depth = 0usize;
    // The last two bytes of code seen (not spaces).
    let (mut last, mut before_last) = (0u8, 0u8);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if let Some(&(Frame::Str, counted)) = stack.last() {
            match b {
                b'\\' => i += 1,
                b'$' | b'%' if bytes.get(i + 1) == Some(&b) && bytes.get(i + 2) == Some(&b'{') => i += 2,
                b'$' | b'%' if bytes.get(i + 1) == Some(&b'{') => {
                    stack.push((Frame::Interpolation, counted));
                    if counted {
                        depth += 1;
                        if depth > MAX_OPERATOR_NESTING {
                            return Some(i);
                        }
                    }
                    (last, before_last) = (b'{', b);
                    i += 2;
                    continue;
                }
                b'"' | b'\n' => {
                    stack.pop();
                    (last, before_last) = (b'"', 0);
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        let next = bytes.get(i + 1).copied();
        match b {
            b'#' => {
                i = line_end(bytes, i);
                continue;
            }
            b'/' if next == Some(b'/') => {
                i = line_end(bytes, i);
                continue;
            }
            b'/' if next == Some(b'*') => {
                i = text[i + 2..].find("*/").map_or(bytes.len(), |at| i + 2 + at + 2);
                continue;
            }
            b'<' if next == Some(b'<') => {
                if let Some(after) = heredoc_end(text, i) {
                    i = after;
                    (last, before_last) = (b'"', 0);
                    continue;
                }
            }
            _ => {}
        }
        let after_operator = match last {
            b'+' | b'-' | b'*' | b'/' | b'%' | b'<' | b'!' | b'&' | b'|' => true,
            // `=>` of a `for` expression is no operator; `==`, `>=` are.
            b'>' => before_last != b'=',
            b'=' => matches!(before_last, b'=' | b'!' | b'<' | b'>'),
            _ => false,
        };
        match b {
            b'"' => stack.push((Frame::Str, after_operator)),
            b'{' | b'(' | b'[' => {
                stack.push((Frame::Bracket, after_operator));
                if after_operator {
                    depth += 1;
                    if depth > MAX_OPERATOR_NESTING {
                        return Some(i);
                    }
                }
            }
            b'}' | b')' | b']' => {
                if let Some((frame, counted)) = stack.pop() {
                    if counted && frame != Frame::Str {
                        depth -= 1;
                    }
                }
            }
            _ => {}
        }
        if !b.is_ascii_whitespace() {
            (last, before_last) = (b, last);
        }
        i += 1;
    }
    None
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |at| from + at)
}

/// Where a heredoc that starts at `at` (`<<EOF` or `<<-EOF`) ends: after
/// the line that holds only its delimiter. `None` if no heredoc starts.
fn heredoc_end(text: &str, at: usize) -> Option<usize> {
    let rest = &text[at + 2..];
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let name_len = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    if name_len == 0 || !rest[name_len..].starts_with(['\n', '\r']) {
        return None;
    }
    let name = &rest[..name_len];
    let body_start = text.len() - rest.len() + name_len;
    let mut offset = body_start;
    for (n, line) in text[body_start..].split_inclusive('\n').enumerate() {
        offset += line.len();
        // The first is the rest of the `<<EOF` line.
        if n > 0 && line.trim() == name {
            return Some(offset);
        }
    }
    // Never closed: the rest of the file is its text.
    Some(text.len())
}

fn range(span: Option<std::ops::Range<usize>>) -> TextRange {
    span.map(|r| TextRange::new(r.start, r.end))
        .unwrap_or_else(|| TextRange::empty(0))
}

struct Converter<'t> {
    text: &'t str,
}

impl Converter<'_> {
    fn raw(&self, span: TextRange) -> &str {
        self.text.get(span.start()..span.end()).unwrap_or("")
    }

    fn body(&self, body: &Body, span: TextRange, depth: usize) -> Node {
        let mut members = Vec::with_capacity(body.len());
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attribute) => members.push(Member {
                    key: attribute.key.as_str().to_string(),
                    key_span: range(attribute.key.span()),
                    value: self.expr(&attribute.value, depth + 1),
                }),
                Structure::Block(block) => members.push(self.block(block, depth + 1)),
            }
        }
        Node::new(span, NodeKind::Object(members))
    }

    fn block(&self, block: &Block, depth: usize) -> Member {
        let span = range(block.span());
        // The body: from the opening brace to the end of the block.
        let labels_end = block
            .labels
            .last()
            .map(|l| range(l.span()).end())
            .unwrap_or_else(|| range(block.ident.span()).end());
        let open = self.text[labels_end.min(self.text.len())..]
            .find('{')
            .map(|i| labels_end + i)
            .unwrap_or(span.start());
        let mut value = if depth > MAX_DEPTH {
            Node::new(span, NodeKind::Object(Vec::new()))
        } else {
            self.body(
                &block.body,
                TextRange::new(open.min(span.end()), span.end()),
                depth,
            )
        };
        for label in block.labels.iter().rev() {
            value = Node::new(
                span,
                NodeKind::Object(vec![Member {
                    key: label.as_str().to_string(),
                    key_span: range(label.span()),
                    value,
                }]),
            );
        }
        Member {
            key: block.ident.as_str().to_string(),
            key_span: range(block.ident.span()),
            value,
        }
    }

    fn tagged(&self, span: TextRange, tag: &str, node: Node) -> Node {
        Node::new(
            span,
            NodeKind::Tagged {
                tag: tag.to_string(),
                tag_span: span,
                node: Box::new(node),
            },
        )
    }

    fn text_node(&self, span: TextRange, tag: &str) -> Node {
        let text: String = self.raw(span).split_whitespace().collect::<Vec<_>>().join(" ");
        self.tagged(span, tag, Node::new(span, NodeKind::String(text)))
    }

    fn expr(&self, expr: &Expression, depth: usize) -> Node {
        let span = range(expr.span());
        if depth > MAX_DEPTH {
            return self.text_node(span, EXPR);
        }
        match expr {
            Expression::Null(_) => Node::new(span, NodeKind::Null),
            Expression::Bool(b) => Node::new(span, NodeKind::Bool(*b.value())),
            Expression::Number(n) => {
                let written = self.raw(span).trim();
                let number = if written.is_empty() {
                    n.value().to_string()
                } else {
                    written.to_string()
                };
                Node::new(span, NodeKind::Number(number))
            }
            Expression::String(s) => Node::new(span, NodeKind::String(s.value().clone())),
            Expression::Array(array) => Node::new(
                span,
                NodeKind::Array(array.iter().map(|e| self.expr(e, depth + 1)).collect()),
            ),
            Expression::Object(object) => {
                let members = object
                    .iter()
                    .map(|(key, value)| {
                        let key_span = range(key.span());
                        let key_text = match key {
                            ObjectKey::Ident(ident) => ident.as_str().to_string(),
                            ObjectKey::Expression(Expression::String(s)) => s.value().clone(),
                            ObjectKey::Expression(other) => self.raw(range(other.span())).to_string(),
                        };
                        Member {
                            key: key_text,
                            key_span,
                            value: self.expr(value.expr(), depth + 1),
                        }
                    })
                    .collect();
                Node::new(span, NodeKind::Object(members))
            }
            Expression::StringTemplate(template) => {
                let parts = self.template(template, depth);
                self.tagged(span, TEMPLATE, Node::new(span, NodeKind::Array(parts)))
            }
            Expression::HeredocTemplate(heredoc) => {
                let parts = self.template(&heredoc.template, depth);
                self.tagged(span, HEREDOC, Node::new(span, NodeKind::Array(parts)))
            }
            Expression::Parenthesis(inner) => self.expr(inner.inner(), depth + 1),
            Expression::Variable(_) | Expression::Traversal(_) => {
                let text: String = self.raw(span).chars().filter(|c| !c.is_whitespace()).collect();
                self.tagged(span, REF, Node::new(span, NodeKind::String(text)))
            }
            Expression::FuncCall(call) => {
                let mut name = String::new();
                for part in &call.name.namespace {
                    name.push_str(part.as_str());
                    name.push_str("::");
                }
                name.push_str(call.name.name.as_str());
                let args = call.args.iter().map(|a| self.expr(a, depth + 1)).collect();
                self.tagged(
                    span,
                    &format!("{CALL_PREFIX}{name}"),
                    Node::new(span, NodeKind::Array(args)),
                )
            }
            _ => self.text_node(span, EXPR),
        }
    }

    fn template(&self, template: &Template, depth: usize) -> Vec<Node> {
        template
            .iter()
            .map(|element| match element {
                Element::Literal(literal) => {
                    Node::new(range(literal.span()), NodeKind::String(literal.value().clone()))
                }
                Element::Interpolation(interpolation) => self.expr(&interpolation.expr, depth + 1),
                Element::Directive(directive) => self.text_node(range(directive.span()), EXPR),
            })
            .collect()
    }
}

/// For each byte of a template literal's value (and one past its end), the
/// offset in `file_text` of the character it was written as. `quoted`: a
/// `"..."` string, whose backslash escapes are decoded; a heredoc has none,
/// but its indentation was removed. In both, `$${` and `%%{` stand for
/// `${` and `%{`.
pub fn literal_map(file_text: &str, span: TextRange, value: &str, quoted: bool) -> Vec<usize> {
    let raw = file_text.get(span.start()..span.end()).unwrap_or("");
    let written = decode(raw, span.start(), quoted);
    crate::core::text::align_decoded(&written, value, span.end())
}

/// The characters a literal's source stands for, each with its offset.
fn decode(raw: &str, base: usize, quoted: bool) -> Vec<(char, usize)> {
    let mut out = Vec::with_capacity(raw.len());
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if quoted && c == '\\' {
            let Some((_, e)) = chars.next() else { break };
            let decoded = match e {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                'u' | 'U' => {
                    let digits = if e == 'u' { 4 } else { 8 };
                    let hex: String = (0..digits).filter_map(|_| chars.next().map(|(_, h)| h)).collect();
                    u32::from_str_radix(&hex, 16)
                        .ok()
                        .and_then(char::from_u32)
                        .unwrap_or('\u{FFFD}')
                }
                other => other,
            };
            out.push((decoded, base + i));
        } else if (c == '$' || c == '%') && raw[i + 1..].starts_with(&format!("{c}{{")) {
            chars.next();
            out.push((c, base + i));
        } else {
            out.push((c, base + i));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(node: &Node, text: &str, depth: usize, out: &mut String) {
        let pad = "  ".repeat(depth);
        let raw = &text[node.span.start()..node.span.end()];
        let first = raw.lines().next().unwrap_or("");
        match &node.kind {
            NodeKind::Object(members) => {
                out.push_str(&format!("{pad}object {:?} {first:?}\n", node.span));
                for m in members {
                    out.push_str(&format!(
                        "{pad} key {:?} at {:?} {:?}\n",
                        m.key,
                        m.key_span,
                        &text[m.key_span.start()..m.key_span.end()]
                    ));
                    render(&m.value, text, depth + 1, out);
                }
            }
            NodeKind::Array(items) => {
                out.push_str(&format!("{pad}array {:?}\n", node.span));
                for i in items {
                    render(i, text, depth + 1, out);
                }
            }
            NodeKind::Tagged { tag, node: inner, .. } => {
                out.push_str(&format!("{pad}{tag} {:?}\n", node.span));
                render(inner, text, depth + 1, out);
            }
            other => out.push_str(&format!("{pad}{other:?} {:?} {raw:?}\n", node.span)),
        }
    }

    #[test]
    fn converts_blocks_attributes_and_expressions() {
        let text = "resource \"aws_iam_role_policy\" \"p\" {\n  policy = jsonencode({\n    \"Statement\" = [{\n      Action   = [\"lambda:InvokeFunction\"]\n      Resource = \"${aws_lambda_function.worker.arn}:*\"\n      R2       = aws_lambda_function.worker.arn\n    }]\n  })\n  statement {\n    n = 1\n  }\n}\n";
        let parsed = parse(text);
        assert!(parsed.errors.is_empty());
        let mut out = String::new();
        render(parsed.root.as_ref().unwrap(), text, 0, &mut out);
        let expected = r#"object 0..270 "resource \"aws_iam_role_policy\" \"p\" {"
 key "resource" at 0..8 "resource"
  object 0..269 "resource \"aws_iam_role_policy\" \"p\" {"
   key "aws_iam_role_policy" at 9..30 "\"aws_iam_role_policy\""
    object 0..269 "resource \"aws_iam_role_policy\" \"p\" {"
     key "p" at 31..34 "\"p\""
      object 35..269 "{"
       key "policy" at 39..45 "policy"
        fn:jsonencode 48..239
          array 48..239
            object 59..238 "{"
             key "Statement" at 65..76 "\"Statement\""
              array 79..234
                object 80..233 "{"
                 key "Action" at 88..94 "Action"
                  array 99..124
                    String("lambda:InvokeFunction") 100..123 "\"lambda:InvokeFunction\""
                 key "Resource" at 131..139 "Resource"
                  template 142..179
                    array 142..179
                      ref 145..175
                        String("aws_lambda_function.worker.arn") 145..175 "aws_lambda_function.worker.arn"
                      String(":*") 176..178 ":*"
                 key "R2" at 186..188 "R2"
                  ref 197..227
                    String("aws_lambda_function.worker.arn") 197..227 "aws_lambda_function.worker.arn"
       key "statement" at 242..251 "statement"
        object 252..267 "{"
         key "n" at 258..259 "n"
          Number("1") 262..263 "1"
"#;
        assert_eq!(out, expected, "{out}");
    }

    #[test]
    fn heredoc_literals_map_to_what_was_written() {
        let text = "x = <<-EOT\n    {\n      \"A\": \"b$${c}\\n\"\n    }\n  EOT\n";
        let parsed = parse(text);
        let root = parsed.root.unwrap();
        let NodeKind::Tagged { tag, node, .. } = &root.get("x").unwrap().kind else {
            panic!()
        };
        assert_eq!(tag, HEREDOC);
        let literal = &node.elements()[0];
        let value = literal.as_str().unwrap();
        assert_eq!(value, "{\n  \"A\": \"b${c}\\n\"\n}\n");
        let map = literal_map(text, literal.span, value, false);
        assert_eq!(map.len(), value.len() + 1);
        for (i, c) in value.char_indices() {
            if !c.is_whitespace() {
                assert!(text[map[i]..].starts_with(c), "{c:?} at {i}");
            }
        }
        // `$${` is written with two dollars: `{` is the third character.
        let brace = value.find("${").unwrap() + 1;
        assert_eq!(&text[map[brace]..map[brace] + 1], "{");
    }

    #[test]
    fn quoted_escapes_map_to_their_backslash() {
        let text = "x = \"a\\\"b\\u00e9c ${y}\"\n";
        let root = parse(text).root.unwrap();
        let NodeKind::Tagged { node, .. } = &root.get("x").unwrap().kind else {
            panic!()
        };
        let literal = &node.elements()[0];
        let value = literal.as_str().unwrap();
        assert_eq!(value, "a\"béc ");
        let map = literal_map(text, literal.span, value, true);
        assert_eq!(&text[map[1]..map[1] + 2], "\\\"");
        assert_eq!(&text[map[2]..map[2] + 1], "b");
        assert_eq!(&text[map[3]..map[3] + 2], "\\u");
        assert_eq!(&text[map[5]..map[5] + 1], "c");
    }

    #[test]
    fn syntax_errors_have_a_place() {
        let text = "resource \"a\" \"b\" {\n  x = \n}\n";
        let parsed = parse(text);
        assert!(parsed.root.is_none());
        assert_eq!(parsed.errors.len(), 1);
        assert!(parsed.errors[0].range.start() >= 20, "{:?}", parsed.errors);
        for bad in [
            "{",
            "x = [",
            "x = <<EOF\n",
            "a \"b\" {",
            "x = \"${",
            "\u{feff}x = 1",
            "x = 1e999999",
        ] {
            let _ = parse(bad);
        }
    }

    /// The parser can stop inside a multibyte character (found by the hcl
    /// fuzz target); the error then starts at that character.
    #[test]
    fn an_error_inside_a_multibyte_character_starts_at_the_character() {
        for (text, start) in [
            ("a \"b\" {é", 7),
            ("x = [é", 5),
            ("x = <<Eé", 7),
            ("x = \"${€", 7),
        ] {
            let parsed = parse(text);
            assert_eq!(parsed.errors.len(), 1, "{text:?}");
            let range = parsed.errors[0].range;
            assert_eq!(range.start(), start, "{text:?}");
            assert_eq!(range.end(), text.len(), "{text:?}");
        }
    }
}

#[cfg(test)]
mod nesting_tests {
    use super::*;

    /// `depth` nested lines that each open a bracket after two operators.
    fn operator_chain(depth: usize, line: &str) -> String {
        let mut text = String::from("a = {\n");
        for _ in 0..depth {
            text.push_str(line);
            text.push('\n');
        }
        text
    }

    #[test]
    fn brackets_nested_after_operators_past_the_limit_are_reported_not_parsed() {
        let text = operator_chain(25, " s/g+{");
        let parsed = parse(&text);
        assert!(parsed.root.is_none());
        // The 13th bracket opened after an operator: line 14, its `{`.
        let at = text.match_indices('{').nth(MAX_OPERATOR_NESTING + 1).unwrap().0;
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!(parsed.errors[0].range, TextRange::new(at, at + 1));
        assert_eq!(
            parsed.errors[0].message,
            "HCL: too deeply nested to analyse: more than 12 brackets opened after operators"
        );
        // Inside interpolations too.
        let text = operator_chain(25, " s/g+\"${");
        assert!(operator_nesting_too_deep(&text).is_some());
    }

    #[test]
    fn ordinary_nesting_strings_comments_and_heredocs_are_not_counted() {
        // Attributes, `for` arrows, comparisons closed again, and deep
        // plain nesting are all fine.
        let mut deep = String::from("a = ");
        for _ in 0..100 {
            deep.push_str("{ k = [");
        }
        for _ in 0..100 {
            deep.push_str("] }");
        }
        assert_eq!(operator_nesting_too_deep(&deep), None);
        let fors = "x = { for k, v in m : k => { for a, b in v : a => { y = b } } }\n";
        assert_eq!(operator_nesting_too_deep(fors), None);
        let closed = " s/g+{ }\n".repeat(40);
        assert_eq!(operator_nesting_too_deep(&format!("a = {{\n{closed}}}\n")), None);
        let hidden = format!(
            "# {c}\n// {c}\n/* {c} */\nb = \"{c}\"\nc = <<EOF\n{c}\nEOF\nd = 1\n",
            c = "+{".repeat(40)
        );
        assert_eq!(operator_nesting_too_deep(&hidden), None);
        assert!(parse(&hidden).root.is_some());
        // The heredoc's end is found: what follows it is scanned again.
        let after = format!("c = <<-EOF\n  text\n  EOF\n{}", operator_chain(20, " s/g+{"));
        assert!(operator_nesting_too_deep(&after).is_some());
    }
}
