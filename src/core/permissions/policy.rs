//! The complete least-privilege policy for a definition's context: every action its
//! tasks need, scoped to their static targets (`*` only where AWS documents
//! that the resource cannot be known).

use serde_json::{json, Value};

use super::context::{grouped_statements, Context, Grants};

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
