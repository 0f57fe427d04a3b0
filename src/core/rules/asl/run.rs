//! Runs the ASL rules the registry lists: the `Machine`-scoped ones on the
//! whole machine, the `State`-scoped ones on the states a pass checks,
//! answered per top-level state from [`StateMemo`] where it can.

use std::sync::Mutex;

use super::asl_missing_start_at::MISSING_START_AT;
use super::common::DefinitionContext;
use crate::core::asl::QueryLanguage;
use crate::core::classify::Format;
use crate::core::diagnostic::Finding;
use crate::core::hash::FastMap;
use crate::core::rules::rule::{Check, DefinitionCheck, Scope};
use crate::core::rules::RULES;
use crate::core::text::TextRange;

/// The ASL rules of a scope, in registry order: what each runs on the
/// states (or the machine), and its part on the machine's own fields.
fn definition_checks(scope: Scope) -> impl Iterator<Item = (DefinitionCheck, Option<DefinitionCheck>)> {
    RULES
        .iter()
        .filter(move |r| r.scope == scope)
        .filter_map(|r| match r.check {
            Check::Definition { run, machine } => Some((run, machine)),
            _ => None,
        })
}

pub fn check(ctx: &DefinitionContext, memo: Option<&StateMemo>, out: &mut Vec<Finding>) {
    if !ctx.root.is_object() {
        out.push(ctx.finding(
            &MISSING_START_AT,
            ctx.root.span,
            "A state machine definition is a JSON object with \"StartAt\" and \"States\"",
        ));
        return;
    }
    // Rules that relate states to each other, or read the state machine's
    // own fields: on the whole machine, every run.
    for (run, _) in definition_checks(Scope::Machine) {
        run(ctx, out);
    }
    for (_, machine) in definition_checks(Scope::State) {
        if let Some(machine) = machine {
            machine(ctx, out);
        }
    }
    match memo {
        Some(memo) => memo.per_state(ctx, out),
        None => per_state(ctx, out),
    }
}

/// The rules whose findings about a state depend only on that state (its
/// text, nested states included) and on the state machine's query
/// language: they run per top-level state, and `StateMemo` keeps them.
fn per_state(ctx: &DefinitionContext, out: &mut Vec<Finding>) {
    for (run, _) in definition_checks(Scope::State) {
        run(ctx, out);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
