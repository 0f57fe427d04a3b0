//! ASL validity rules (`asl-*`): what AWS rejects or the language forbids.
//! One module per rule family.

use crate::core::asl::StateMachine;
use crate::core::classify::Format;
use crate::core::diagnostic::{Finding, Location, Severity};
use crate::core::files::FileId;
use crate::core::rules::RuleMeta;
use crate::core::syntax::Node;
use crate::core::text::TextRange;

mod allowed;
mod choice;
mod fields;
mod graph;
mod intrinsic;
mod jsonata;
mod language;
mod map;
mod path;
mod payload;
mod resource;
mod values;
mod variables;
mod wait;

/// What an ASL rule sees. Ranges in findings are offsets into `text` (the
/// definition's own text); the driver maps them into the file.
pub struct DefinitionContext<'a> {
    pub file: FileId,
    pub text: &'a str,
    pub root: &'a Node,
    pub machine: &'a StateMachine<'a>,
    pub format: Format,
}

impl DefinitionContext<'_> {
    pub fn finding(&self, rule: &RuleMeta, range: TextRange, message: impl Into<String>) -> Finding {
        Finding::new(
            rule.id,
            rule.default_severity,
            Location {
                file: self.file,
                range,
            },
            message,
        )
    }

    pub fn finding_at(
        &self,
        rule: &RuleMeta,
        severity: Severity,
        range: TextRange,
        message: impl Into<String>,
    ) -> Finding {
        Finding::new(
            rule.id,
            severity,
            Location {
                file: self.file,
                range,
            },
            message,
        )
    }
}

pub const RULES: &[&RuleMeta] = &[
    &graph::MISSING_START_AT,
    &graph::UNKNOWN_STATE,
    &graph::UNREACHABLE_STATE,
    &graph::NO_TERMINAL_STATE,
    &fields::INVALID_TYPE,
    &fields::MISSING_FIELD,
    &fields::FIELD_CONFLICT,
    &fields::DUPLICATE_KEY,
    &allowed::UNKNOWN_FIELD,
    &allowed::RETRY_CATCH,
    &allowed::STATE_NAME,
    &allowed::CREDENTIALS,
    &language::QUERY_LANGUAGE,
    &language::UNKNOWN_INTEGRATION,
    &path::PATH,
    &payload::PAYLOAD_TEMPLATE,
    &intrinsic::INTRINSIC,
    &jsonata::JSONATA,
    &choice::CHOICE_RULE,
    &wait::WAIT,
    &map::MAP,
    &values::FIELD_VALUE,
    &resource::RESOURCE,
    &variables::VARIABLE,
];

pub fn check(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    if !ctx.root.is_object() {
        out.push(ctx.finding(
            &graph::MISSING_START_AT,
            ctx.root.span,
            "A state machine definition is a JSON object with \"StartAt\" and \"States\"",
        ));
        return;
    }
    graph::check(ctx, out);
    fields::check(ctx, out);
    allowed::check(ctx, out);
    language::check(ctx, out);
    path::check(ctx, out);
    payload::check(ctx, out);
    jsonata::check(ctx, out);
    choice::check(ctx, out);
    wait::check(ctx, out);
    map::check(ctx, out);
    values::check(ctx, out);
    resource::check(ctx, out);
    variables::check(ctx, out);
}

/// Levenshtein distance, bounded to short identifiers (state and field names).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(128).collect();
    let b: Vec<char> = b.chars().take(128).collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            previous = current;
        }
    }
    row[b.len()]
}

/// The closest candidate within a third of the name's length, for "did you mean".
pub fn closest<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(&name.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The range in the definition's text of bytes `start..end` of a string
/// value's decoded content. JSON escapes and YAML quoting are undone to find
/// the exact place; where the source cannot be mapped (a folded YAML block,
/// say) the whole value is the range.
pub fn string_range(text: &str, node: &Node, start: usize, end: usize) -> TextRange {
    let whole = node.span;
    let Some(content) = node.as_str() else {
        return whole;
    };
    let Some(raw) = text.get(whole.start()..whole.end()) else {
        return whole;
    };
    let Some(map) = source_map(raw) else {
        return whole;
    };
    if map.0 != content {
        return whole;
    }
    let offsets = map.1;
    let at = |i: usize| offsets.get(i.min(offsets.len().saturating_sub(1))).copied();
    match (at(start), at(end)) {
        (Some(s), Some(e)) if e >= s => TextRange::new(whole.start() + s, whole.start() + e),
        _ => whole,
    }
}

/// Decodes a scalar as written (JSON or YAML double-quoted, YAML
/// single-quoted, or plain) and records, for every byte of the decoded
/// text and its end, the offset in `raw` it came from.
fn source_map(raw: &str) -> Option<(String, Vec<usize>)> {
    let mut decoded = String::new();
    let mut offsets = Vec::new();
    let push = |decoded: &mut String, offsets: &mut Vec<usize>, c: char, at: usize| {
        for _ in 0..c.len_utf8() {
            offsets.push(at);
        }
        decoded.push(c);
    };
    let quote = raw.chars().next()?;
    if quote != '"' && quote != '\'' {
        for (i, c) in raw.char_indices() {
            push(&mut decoded, &mut offsets, c, i);
        }
        offsets.push(raw.len());
        return Some((decoded, offsets));
    }
    let body_end = raw.len().checked_sub(1)?;
    if body_end == 0 || !raw.ends_with(quote) {
        return None;
    }
    let mut chars = raw[..body_end].char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        if quote == '\'' && c == '\'' {
            // YAML: '' stands for one quote.
            chars.next();
            push(&mut decoded, &mut offsets, '\'', i);
        } else if quote == '"' && c == '\\' {
            let (_, e) = chars.next()?;
            let value = match e {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                'b' => '\u{8}',
                'f' => '\u{c}',
                '0' => '\0',
                'u' => {
                    let mut hex = String::new();
                    for _ in 0..4 {
                        hex.push(chars.next()?.1);
                    }
                    let code = u32::from_str_radix(&hex, 16).ok()?;
                    match char::from_u32(code) {
                        Some(c) => c,
                        None => {
                            // A surrogate pair: the second half follows.
                            let (_, b) = chars.next()?;
                            let (_, u) = chars.next()?;
                            if b != '\\' || u != 'u' {
                                return None;
                            }
                            let mut low = String::new();
                            for _ in 0..4 {
                                low.push(chars.next()?.1);
                            }
                            let low = u32::from_str_radix(&low, 16).ok()?;
                            char::decode_utf16([code as u16, low as u16]).next()?.ok()?
                        }
                    }
                }
                other => other,
            };
            push(&mut decoded, &mut offsets, value, i);
        } else if c == '\n' || c == '\r' {
            // Line folding in a quoted YAML scalar: not mapped.
            return None;
        } else {
            push(&mut decoded, &mut offsets, c, i);
        }
    }
    offsets.push(body_end);
    Some((decoded, offsets))
}

/// A value that is wholly a `${Name}` placeholder, which CloudFormation,
/// SAM (`DefinitionSubstitutions`) or Terraform replaces before AWS reads
/// the definition: it stands for a value of whatever type the field needs.
pub fn is_placeholder(node: &Node) -> bool {
    node.as_str()
        .is_some_and(|s| s.starts_with("${") && s.ends_with('}') && s[2..].find('}') == Some(s.len() - 3))
}

/// Calls `f` on every value inside `node` (itself included) with the key it
/// sits under, walking with an explicit stack and a depth cap.
pub fn walk<'n>(node: &'n Node, mut f: impl FnMut(Option<&'n crate::core::syntax::Member>, &'n Node)) {
    let mut stack: Vec<(Option<&crate::core::syntax::Member>, &Node, usize)> = Vec::with_capacity(16);
    stack.push((None, node, 0));
    while let Some((member, node, depth)) = stack.pop() {
        f(member, node);
        if depth >= 256 {
            continue;
        }
        match &node.kind {
            crate::core::syntax::NodeKind::Object(members) => {
                for m in members.iter().rev() {
                    stack.push((Some(m), &m.value, depth + 1));
                }
            }
            crate::core::syntax::NodeKind::Array(items) => {
                for item in items.iter().rev() {
                    stack.push((member, item, depth + 1));
                }
            }
            crate::core::syntax::NodeKind::Tagged { node: inner, .. } => {
                stack.push((member, inner, depth + 1))
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::syntax::NodeKind;

    fn node(text: &str, content: &str) -> Node {
        Node::new(
            TextRange::new(0, text.len()),
            NodeKind::String(content.to_string()),
        )
    }

    #[test]
    fn string_ranges_follow_escapes() {
        let text = r#""a\"b\u00e9c""#;
        let n = node(text, "a\"béc");
        // "c" is the decoded bytes 5..6 (é is two bytes).
        let r = string_range(text, &n, 5, 6);
        assert_eq!(&text[r.start()..r.end()], "c");
        let r = string_range(text, &n, 1, 2);
        assert_eq!(&text[r.start()..r.end()], "\\\"");
        let text = "'it''s'";
        let n = node(text, "it's");
        let r = string_range(text, &n, 3, 4);
        assert_eq!(&text[r.start()..r.end()], "s");
        let text = "plain";
        let r = string_range(text, &node(text, "plain"), 1, 3);
        assert_eq!(&text[r.start()..r.end()], "la");
        // Content that does not match the source: the whole value.
        let r = string_range(text, &node(text, "other"), 1, 3);
        assert_eq!(r, TextRange::new(0, 5));
    }
}
