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
mod fields;
mod graph;
mod language;

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
