//! The complete least-privilege policy for a definition: every action its
//! tasks need, scoped to their static targets (`*` only where AWS documents
//! that the resource cannot be known).

use serde_json::{json, Value};

use super::context::{grouped_statements, Context, Grants};
use crate::core::analysis::Workspace;
use crate::core::asl::StateMachine;
use crate::core::files::{FileId, FileSet};

/// The policy document the role of the state machine in `definition`
/// needs, or `None` when the file holds no definition.
pub fn least_privilege(files: &FileSet, definition: FileId) -> Option<Value> {
    let workspace = Workspace::new(files);
    let unit = workspace
        .units()
        .0
        .into_iter()
        .find(|u| u.definition.file == definition)?;
    let machine = StateMachine::lower(&unit.definition.root);
    let ctx = Context::new(files, &unit, &machine);
    Some(policy_document(&ctx))
}

pub fn policy_document(ctx: &Context) -> Value {
    let mut grants = Grants::new();
    for task in &ctx.tasks {
        for need in task.needs.iter() {
            for action in &need.need.actions {
                grants
                    .entry((need.need.condition.clone(), action.clone()))
                    .or_default()
                    .extend(need.need.resources.iter().cloned());
            }
        }
    }
    // A `*` grant makes narrower ones of the same action redundant.
    for resources in grants.values_mut() {
        if resources.contains("*") {
            resources.retain(|r| r == "*");
        }
    }
    json!({"Version": "2012-10-17", "Statement": grouped_statements(&grants)})
}
