//! The permission engine: what a workflow needs of its role and what the
//! role grants (`context`), the statements a fix writes (`policy_fix`), the
//! trust policy's requests (`trust`) and the least-privilege policy
//! (`policy`). The permission rules, the IDE features and the policy
//! writer all read it.

use crate::core::diagnostic::Location;
use crate::core::iam::StatementRef;
use crate::core::text::TextRange;

use self::context::Context;

pub mod context;
mod overlap;
pub mod policy;
pub mod policy_fix;
mod task_answer;
pub mod trust;

/// Where a policy-side finding about a statement goes: the written
/// resource pattern, else the Resource value, else the statement.
pub fn statement_location(ctx: &Context, r: StatementRef, resource: Option<&str>) -> Location {
    let statement = ctx.statement(r);
    let file = ctx.policies[r.policy].file;
    let range: TextRange = match (&statement.resources, resource) {
        (Some(spec), Some(written)) => spec
            .items
            .iter()
            .find(|i| i.value == written)
            .map(|i| i.span)
            .unwrap_or(spec.span),
        (Some(spec), None) => spec.span,
        (None, _) => statement.span,
    };
    Location { file, range }
}

/// The policy file's `Statement` key, where findings about a statement the
/// role lacks go.
pub fn policy_anchor(ctx: &Context) -> Option<Location> {
    let policy = ctx.policies.first()?;
    Some(Location {
        file: policy.file,
        range: policy.statement_key_span.unwrap_or(policy.root_span),
    })
}

/// `a`, `a and b`, `a, b and c`.
pub fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
