//! What every ASL rule shares: the context it sees and the helpers for
//! names, string ranges and walking values.

use crate::core::asl::{State, StateMachine, StateType};
use crate::core::classify::Format;
use crate::core::diagnostic::{Finding, Location, Severity};
use crate::core::files::FileId;
use crate::core::rules::meta::RuleMeta;
use crate::core::syntax::Node;
use crate::core::text::TextRange;

pub use crate::core::suggest::{closest, edit_distance};

/// What an ASL rule sees. Ranges in findings are offsets into `text` (the
/// definition's own text); the driver maps them into the file.
pub struct DefinitionContext<'a> {
    pub file: FileId,
    pub text: &'a str,
    pub root: &'a Node,
    pub machine: &'a StateMachine<'a>,
    pub format: Format,
    /// Which states the per-state rules check on this pass (by state id);
    /// `None` for all of them.
    pub checked: Option<&'a [bool]>,
}

impl<'a> DefinitionContext<'a> {
    /// The states the per-state rules look at: every state, or on an
    /// incremental pass those inside the top-level states that changed.
    pub fn states(&self) -> impl Iterator<Item = &'a State<'a>> + '_ {
        self.machine
            .states
            .iter()
            .filter(|s| self.checked.is_none_or(|c| c.get(s.id.0 as usize) == Some(&true)))
    }

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

/// A state that is an object with a known `Type`: the rules about its
/// fields look at it (`asl-invalid-type` reports the others).
pub fn is_typed(state: &State) -> bool {
    state.node.is_object() && state.kind != StateType::Unknown
}

/// A scope whose `States` is an object (`asl-missing-start-at` reports the
/// others): the graph rules look at it.
pub fn has_states(scope: &crate::core::asl::model::Scope) -> bool {
    scope.states_node.is_some_and(Node::is_object)
}

/// "The state machine", or "A branch of \"Name\"".
pub fn scope_owner(machine: &StateMachine, scope: &crate::core::asl::model::Scope) -> String {
    match scope.parent {
        None => "The state machine".to_string(),
        Some(p) => format!("A branch of \"{}\"", machine.state(p).name),
    }
}

/// A scope's opening brace: a one-character anchor.
pub fn scope_anchor(node: &Node) -> TextRange {
    TextRange::new(node.span.start(), node.span.start() + 1)
}

/// The range in the definition's text of bytes `start..end` of a string
/// value's decoded content. JSON escapes and YAML quoting are undone to find
/// the exact place; where the source cannot be mapped (a folded YAML block,
/// say) the whole value is the range.
pub fn string_range(text: &str, node: &Node, start: usize, end: usize) -> TextRange {
    StringRanges::default().range(text, node, start, end)
}

/// [`string_range`] for many ranges of the same strings: the last string's
/// decoding is kept, so n findings in one long string decode it once.
#[derive(Default)]
pub struct StringRanges {
    last: Option<(TextRange, Option<Vec<usize>>)>,
}

impl StringRanges {
    pub fn range(&mut self, text: &str, node: &Node, start: usize, end: usize) -> TextRange {
        let whole = node.span;
        if self.last.as_ref().is_none_or(|(span, _)| *span != whole) {
            self.last = Some((whole, offsets_of(text, node)));
        }
        let Some((_, Some(offsets))) = &self.last else {
            return whole;
        };
        let at = |i: usize| offsets.get(i.min(offsets.len().saturating_sub(1))).copied();
        match (at(start), at(end)) {
            (Some(s), Some(e)) if e >= s => TextRange::new(whole.start() + s, whole.start() + e),
            _ => whole,
        }
    }
}

/// For each byte of a string node's decoded content (and its end), the
/// offset in its source text; `None` where the source cannot be mapped.
fn offsets_of(text: &str, node: &Node) -> Option<Vec<usize>> {
    let content = node.as_str()?;
    let raw = text.get(node.span.start()..node.span.end())?;
    let (decoded, offsets) = source_map(raw)?;
    (decoded == content).then_some(offsets)
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

    #[test]
    fn kept_decodings_give_the_same_ranges() {
        let text = r#""a\"b\u00e9c" 'it''s'"#;
        let first = node(&text[..13], "a\"béc");
        let mut second = node(text, "it's");
        second.span = TextRange::new(14, 21);
        let mut ranges = StringRanges::default();
        for (n, start, end, expected) in [
            (&first, 5, 6, "c"),
            (&first, 1, 2, "\\\""),
            (&second, 3, 4, "s"),
            (&first, 0, 1, "a"),
            (&second, 0, 2, "it"),
        ] {
            let r = ranges.range(text, n, start, end);
            assert_eq!(&text[r.start()..r.end()], expected);
            assert_eq!(r, string_range(text, n, start, end));
        }
    }
}
