//! Least-privilege rules: the workflow against the role that runs it.

use crate::core::asl::StateMachine;
use crate::core::diagnostic::Finding;
use crate::core::files::FileSet;
use crate::core::permissions::context::RoleCache;
use crate::core::rules::in_scope;
use crate::core::rules::rule::{Check, Scope};
use crate::core::unit::Unit;

pub mod conditional_permission;
pub mod missing_permission;
pub mod no_linked_role;
pub mod secret_in_definition;
pub mod sync_missing_events_permissions;
pub mod trust_policy_blocks_service;
pub mod trust_policy_confused_deputy;
pub mod unknown_action;
pub mod unscoped_lambda_invoke;
pub mod unscoped_pass_role;
pub mod unused_permission;
pub mod unvalidated_input_target;
pub mod wildcard_resource;

pub use crate::core::permissions::context::Context;

/// Role rules that do not read the definition: what the trust policy
/// allows, what the policies name, and the needs of the state machine
/// resource itself (logging, tracing) in `missing-permission`.
const DEFINITION_FREE: &[&str] = &[
    "trust-policy-confused-deputy",
    "trust-policy-blocks-service",
    "missing-permission",
    "unscoped-pass-role",
    "unknown-action",
];

/// Runs the `Role` rules of the registry: those that read only the
/// definition or the trust policy first, then, when the role is known, the
/// others side by side, their findings joined in registry order.
pub fn check(
    files: &FileSet,
    unit: &Unit,
    machine: &StateMachine,
    cache: Option<&RoleCache>,
    out: &mut Vec<Finding>,
) {
    let ctx = Context::with_cache(files, unit, machine, cache);
    let mut held = Vec::new();
    // Without the definition, only what the role and the resource say.
    let rules =
        in_scope(Scope::Role).filter(|r| !unit.definition_unread || DEFINITION_FREE.contains(&r.meta.id));
    for rule in rules {
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
