//! ASL validity rules (`asl-*`): what AWS rejects or the language forbids.
//! One module per rule family.

use crate::core::asl::{QueryLanguage, State, StateMachine};
use std::sync::Mutex;

use crate::core::classify::Format;
use crate::core::diagnostic::{Finding, Location, Severity};
use crate::core::files::FileId;
use crate::core::hash::FastMap;
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

pub fn check(ctx: &DefinitionContext, memo: Option<&StateMemo>, out: &mut Vec<Finding>) {
    if !ctx.root.is_object() {
        out.push(ctx.finding(
            &graph::MISSING_START_AT,
            ctx.root.span,
            "A state machine definition is a JSON object with \"StartAt\" and \"States\"",
        ));
        return;
    }
    // Rules that relate states to each other, or read the state machine's
    // own fields: on the whole machine, every run.
    graph::check(ctx, out);
    allowed::names(ctx, out);
    fields::duplicate_keys(ctx, out);
    language::top(ctx, out);
    values::scopes(ctx, out);
    variables::check(ctx, out);
    match memo {
        Some(memo) => memo.per_state(ctx, out),
        None => per_state(ctx, out),
    }
}

/// The rules whose findings about a state depend only on that state (its
/// text, nested states included) and on the state machine's query
/// language: they run per top-level state, and `StateMemo` keeps them.
fn per_state(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
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
}

/// The per-state rules' findings for each top-level state, kept from one
/// run to the next by the state's text (key and value, nested states
/// included) and what it inherits (the state machine's query language,
/// the file's format). Findings are kept relative to the state's start,
/// so a state that only moved (an edit above it) is not checked again;
/// while the user types in one state, only that state is.
#[derive(Default)]
pub struct StateMemo {
    entries: Mutex<MemoEntries>,
}

#[derive(Default)]
struct MemoEntries {
    by_context: FastMap<(QueryLanguage, Format), FastMap<Box<str>, Vec<Finding>>>,
    /// About what the kept states' text and findings take, in bytes: the
    /// memo is emptied past a bound.
    bytes: usize,
}

/// Some 20,000 states of a few hundred bytes, each with a finding or two.
const STATE_MEMO_BYTES: usize = 8 << 20;

impl StateMemo {
    /// How many top-level states' findings are kept.
    pub fn len(&self) -> usize {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.by_context.values().map(FastMap::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn per_state(&self, ctx: &DefinitionContext, out: &mut Vec<Finding>) {
        // A YAML alias copies a node written elsewhere into a state: that
        // state's findings would depend on more than its own text.
        if ctx.format == Format::Yaml && may_hold_an_alias(ctx.text) {
            return per_state(ctx, out);
        }
        let context = (ctx.machine.top().query_language, ctx.format);
        let tops: Option<Vec<(TextRange, &str)>> = ctx
            .machine
            .top()
            .states
            .iter()
            .map(|&id| {
                let span = ctx.machine.state(id).member.span();
                Some((span, ctx.text.get(span.start()..span.end())?))
            })
            .collect();
        // Spans are the text's own; were one not, the memo could not key it.
        let Some(tops) = tops else {
            return per_state(ctx, out);
        };
        // Top-level states answered by the memo, and the others.
        let mut changed: Vec<(TextRange, &str)> = Vec::new();
        {
            let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            let kept = entries.by_context.get(&context);
            for &(span, text) in &tops {
                match kept.and_then(|k| k.get(text)) {
                    Some(findings) => out.extend(findings.iter().map(|f| {
                        let mut f = f.clone();
                        f.location.file = ctx.file;
                        f.location.range = f.location.range.shifted(span.start);
                        f
                    })),
                    None => changed.push((span, text)),
                }
            }
        }
        if changed.is_empty() {
            return;
        }
        changed.sort_by_key(|(span, _)| span.start);
        let holder = |range: TextRange| {
            let i = changed.partition_point(|(span, _)| span.start <= range.start);
            i.checked_sub(1).filter(|&i| changed[i].0.contains_range(range))
        };
        let checked: Vec<bool> = ctx
            .machine
            .states
            .iter()
            .map(|s| holder(s.member.span()).is_some())
            .collect();
        let pass = DefinitionContext {
            checked: Some(&checked),
            ..*ctx
        };
        let mut found = Vec::new();
        per_state(&pass, &mut found);
        // Each finding goes to the top-level state it lies in. One that lies
        // in none, or carries more than a message, is not kept (nor is
        // anything else from this pass): the next run checks these states again.
        let mut by_state: Vec<Vec<Finding>> = vec![Vec::new(); changed.len()];
        let mut keep = true;
        for finding in &found {
            match holder(finding.location.range) {
                Some(i) if finding.related.is_empty() && finding.fixes.is_empty() => {
                    let mut relative = finding.clone();
                    relative.location.range = finding.location.range.shifted_back(changed[i].0.start);
                    by_state[i].push(relative);
                }
                _ => keep = false,
            }
        }
        out.extend(found);
        if !keep {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.bytes > STATE_MEMO_BYTES {
            *entries = MemoEntries::default();
        }
        for ((_, text), findings) in changed.into_iter().zip(by_state) {
            let size = |f: &Finding| std::mem::size_of::<Finding>() + f.message.len();
            entries.bytes += text.len() + findings.iter().map(size).sum::<usize>();
            entries
                .by_context
                .entry(context)
                .or_default()
                .insert(text.into(), findings);
        }
    }
}

/// Whether YAML `text` may use an alias (`*name` where a node begins):
/// conservative, a `*` in a comment or quoted string may say yes.
fn may_hold_an_alias(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.windows(3).any(|w| {
        matches!(w[0], b' ' | b'\t' | b'\n' | b'[' | b'{' | b',')
            && w[1] == b'*'
            && !w[2].is_ascii_whitespace()
    }) || bytes.first() == Some(&b'*')
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

/// Work one "did you mean" search may do, in characters read and character
/// pairs compared: a few hundred state-sized names. Each finding makes at
/// most one search, so a definition with thousands of unknown names against
/// thousands of candidates stays linear; past the budget the best so far
/// (or none) is the suggestion.
const SUGGESTION_BUDGET: usize = 8 * 1024;

/// The closest candidate within a third of the name's length, for "did you
/// mean" (the first of equally close ones), searched within
/// [`SUGGESTION_BUDGET`].
pub fn closest<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let limit = (name.chars().count() / 3).max(1);
    let name: Vec<char> = name.to_lowercase().chars().take(128).collect();
    let mut best: Option<(usize, &str)> = None;
    let mut spent = 0usize;
    let mut other: Vec<char> = Vec::new();
    for candidate in candidates {
        spent += candidate.len() + 1;
        if spent > SUGGESTION_BUDGET {
            break;
        }
        // Only a strictly closer candidate replaces the best so far.
        let bound = match best {
            Some((0, _)) => break,
            Some((d, _)) => d - 1,
            None => limit,
        };
        // An ASCII name's length is known before it is lowered.
        if candidate.is_ascii() && candidate.len().min(128).abs_diff(name.len()) > bound {
            continue;
        }
        other.clear();
        other.extend(candidate.chars().flat_map(char::to_lowercase).take(128));
        if other.len().abs_diff(name.len()) > bound {
            continue;
        }
        spent += name.len() * other.len();
        if let Some(d) = bounded_distance(&name, &other, bound) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// The Levenshtein distance of `a` and `b` if it is at most `bound`.
fn bounded_distance(a: &[char], b: &[char], bound: usize) -> Option<usize> {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        let mut smallest = row[0];
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            smallest = smallest.min(row[j + 1]);
            previous = current;
        }
        if smallest > bound {
            return None;
        }
    }
    Some(row[b.len()]).filter(|d| *d <= bound)
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

    #[test]
    fn closest_keeps_the_first_of_the_nearest() {
        assert_eq!(closest("Procss", ["Process", "Proces", "Other"]), Some("Process"));
        assert_eq!(
            closest("Proces", ["Other", "Procesz", "Process"]),
            Some("Procesz")
        );
        assert_eq!(closest("DONE", ["Fail", "done"]), Some("done"));
        assert_eq!(closest("Abc", ["Xyz", "Abcdef"]), None);
        assert_eq!(closest("", ["a", ""]), Some(""));
    }

    #[test]
    fn closest_stops_at_its_budget() {
        let many: Vec<String> = (0..10_000).map(|i| format!("Unrelated{i:05}")).collect();
        let names = || many.iter().map(String::as_str);
        // First: found; after thousands of others: past the budget.
        assert_eq!(
            closest("Targat", std::iter::once("Target").chain(names())),
            Some("Target")
        );
        assert_eq!(closest("Targat", names().chain(std::iter::once("Target"))), None);
    }

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

    #[test]
    fn an_alias_is_seen_where_a_node_begins_and_not_inside_a_scalar() {
        for text in ["Type: *kind", "- *a\n", "Items: [*a, *b]", "{k: *v}", "*root"] {
            assert!(may_hold_an_alias(text), "{text}");
        }
        for text in [
            "Resource: arn:aws:lambda:*:123456789012:function:*",
            "Resource: \"*\"",
            "Resource: '*'",
            "Comment: a * b",
            "Type: &kind Pass",
        ] {
            assert!(!may_hold_an_alias(text), "{text}");
        }
    }
}
