//! `conditional-permission`: a need is met only through an Allow whose
//! condition the analysis cannot decide (or a Deny may apply), so whether
//! the task works depends on the request at run time.

use crate::core::diagnostic::{Finding, Severity};
use crate::core::iam::Decision;
use crate::core::permissions::context::Context;
use crate::core::permissions::statement_location;
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};

pub const RULE: RuleMeta = RuleMeta {
    id: "conditional-permission",
    default_severity: Severity::Info,
    summary: "A permission depends on a condition the analysis cannot decide",
};

pub const ENTRY: Rule = Rule {
    meta: RULE,
    scope: Scope::Role,
    check: Check::Role {
        run: check,
        needs_role: true,
    },
};

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    for task in &ctx.tasks {
        let mut reported: Vec<String> = Vec::new();
        for need in task.needs.iter() {
            for pair in &need.pairs {
                let Decision::Allowed { by, conditional } = &pair.decision else {
                    continue;
                };
                for (r, condition) in conditional {
                    let may_deny = condition.contains("may deny");
                    if !by.is_empty() && !may_deny {
                        continue; // also granted unconditionally
                    }
                    let key = format!("{}|{condition}", pair.action);
                    if reported.contains(&key) {
                        continue;
                    }
                    reported.push(key);
                    let message = format!(
                        "{} for \"{}\" depends on the condition {condition}, which the analysis cannot decide",
                        pair.action, task.state.name
                    );
                    out.push(
                        Finding::new(RULE.id, RULE.default_severity, task.resource_location, message)
                            .with_related(statement_location(ctx, *r, None), "The conditional statement"),
                    );
                }
            }
        }
    }
}
