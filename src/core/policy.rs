//! The complete least-privilege policy for a definition: every action its
//! tasks need, scoped to their static targets (`*` only where AWS documents
//! that the resource cannot be known).

use serde_json::{json, Value};

use crate::core::analysis::Workspace;
use crate::core::asl::StateMachine;
use crate::core::files::{FileId, FileSet};
use crate::core::ide::Linked;
use crate::core::rules::permissions::context::{grouped_statements, Context, Grants};

/// The policy document the role of the state machine in `definition`
/// needs, or `None` when the file holds no definition.
pub fn least_privilege(files: &FileSet, definition: FileId) -> Option<Value> {
    let workspace = Workspace::new(files);
    let (units, _) = workspace.units();
    least_privilege_in(
        &Linked {
            workspace: &workspace,
            units: &units,
        },
        definition,
    )
}

/// [`least_privilege`] on files already parsed and linked.
pub fn least_privilege_in(linked: &Linked, definition: FileId) -> Option<Value> {
    let unit = linked.units.iter().find(|u| u.definition.file == definition)?;
    let machine = StateMachine::lower(&unit.definition.root);
    let workspace = linked.workspace;
    let ctx = Context::with_cache(workspace.files, unit, &machine, workspace.cache);
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
