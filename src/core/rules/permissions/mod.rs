//! Least-privilege rules: the workflow against the role that runs it.

use crate::core::analysis::{ParseCache, Unit};
use crate::core::asl::StateMachine;
use crate::core::diagnostic::{Finding, Location};
use crate::core::files::FileSet;
use crate::core::iam::StatementRef;
use crate::core::rules::in_scope;
use crate::core::rules::rule::{Check, Scope};
use crate::core::text::TextRange;

pub mod context;
pub mod policy_fix;

pub mod conditional_permission;
pub mod missing_permission;
pub mod no_linked_role;
pub mod secret_in_definition;
pub mod sync_missing_events_permissions;
mod trust;
pub mod trust_policy_blocks_service;
pub mod trust_policy_confused_deputy;
pub mod unknown_action;
pub mod unscoped_lambda_invoke;
pub mod unscoped_pass_role;
pub mod unused_permission;
pub mod unvalidated_input_target;
pub mod wildcard_resource;

pub use context::Context;

/// Runs the `Role` rules of the registry: those that read only the
/// definition or the trust policy first, then, when the role is known, the
/// others side by side, their findings joined in registry order.
pub fn check(
    files: &FileSet,
    unit: &Unit,
    machine: &StateMachine,
    cache: Option<&ParseCache>,
    out: &mut Vec<Finding>,
) {
    let ctx = Context::with_cache(files, unit, machine, cache);
    let mut held = Vec::new();
    for rule in in_scope(Scope::Role) {
        match rule.check {
            Check::Role {
                run,
                needs_role: false,
            } => run(&ctx, out),
            Check::Role {
                run,
                needs_role: true,
            } => held.push(run),
            _ => {}
        }
    }
    if !ctx.has_role() {
        return;
    }
    use rayon::prelude::*;
    let found: Vec<Vec<Finding>> = held
        .par_iter()
        .map(|rule| {
            let mut found = Vec::new();
            rule(&ctx, &mut found);
            found
        })
        .collect();
    out.extend(found.into_iter().flatten());
}

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
