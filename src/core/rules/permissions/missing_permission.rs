//! `missing-permission`: an action a task needs that the role does not
//! allow (or explicitly denies). The task fails with AccessDenied at run time.

use super::context::{grouped_statements, Context, Grants, NeedCheck, Task};
use super::{list, policy_anchor, policy_fix};
use crate::core::catalog::NeedKind;
use crate::core::diagnostic::{Finding, Fix, Location, Severity};
use crate::core::iam::Decision;
use crate::core::rules::RuleMeta;

pub const RULE: RuleMeta = RuleMeta {
    id: "missing-permission",
    default_severity: Severity::Error,
    summary: "The role does not allow an action a task needs",
};

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    report(ctx, out, &RULE, |kind| {
        !matches!(kind, NeedKind::SyncPoll | NeedKind::EventsRule)
    });
}

/// Reports, per task, the needs of the selected kinds that the role does not
/// meet, on the task and on the policy, with a fix that inserts exactly the
/// missing statements. Shared with `sync-missing-events-permissions`.
pub fn report(ctx: &Context, out: &mut Vec<Finding>, rule: &RuleMeta, select: impl Fn(NeedKind) -> bool) {
    for task in &ctx.tasks {
        let unmet: Vec<&NeedCheck> = task
            .needs
            .iter()
            .filter(|n| select(n.need.kind) && !n.is_met())
            .collect();
        if unmet.is_empty() {
            continue;
        }
        // action → resources missing, keeping the need's condition.
        let mut missing = Grants::new();
        let mut denied: Vec<String> = Vec::new();
        for need in &unmet {
            // The fix also grants what comes with a missing pair (a
            // function's versions and aliases), as the AWS policy does.
            let missing_bases: Vec<String> = need.missing().map(|p| format!("{}:*", p.resource)).collect();
            let companions = need.pairs.iter().filter(|p| {
                p.optional
                    && !matches!(p.decision, Decision::Allowed { .. })
                    && missing_bases.contains(&p.resource)
            });
            for pair in need.missing().chain(companions) {
                missing
                    .entry((need.need.condition.clone(), pair.action.clone()))
                    .or_default()
                    .insert(pair.resource.clone());
                if matches!(pair.decision, Decision::ExplicitDeny { .. }) && !denied.contains(&pair.action) {
                    denied.push(pair.action.clone());
                }
            }
        }
        let actions: Vec<String> = {
            let mut a: Vec<String> = missing.keys().map(|(_, a)| a.clone()).collect();
            a.dedup();
            a
        };
        let statements = grouped_statements(&missing);
        let mut message = format!(
            "State \"{}\" needs {} but the role does not allow {}",
            task.state.name,
            list(&actions),
            if actions.len() == 1 { "it" } else { "them" }
        );
        if !denied.is_empty() {
            message.push_str(&format!(" ({} explicitly denied)", list(&denied)));
        }
        let fix = if denied.is_empty() {
            policy_fix::insert_statements(ctx, statements).map(|edits| Fix {
                title: format!("Allow {} for \"{}\"", list(&actions), task.state.name),
                preferred: true,
                edits,
            })
        } else {
            None
        };
        push_pair(ctx, out, rule, task, message, fix);
    }
}

/// The task-side finding and its policy-side twin, sharing one fix.
pub fn push_pair(
    ctx: &Context,
    out: &mut Vec<Finding>,
    rule: &RuleMeta,
    task: &Task,
    message: String,
    fix: Option<Fix>,
) {
    let anchor: Option<Location> = policy_anchor(ctx);
    // With policies out of sight, the need may be met there.
    let (severity, message) = match ctx.unit.unknown_policies.as_slice() {
        [] => (rule.default_severity, message),
        unknown => (
            crate::core::diagnostic::Severity::Info,
            format!(
                "{message}, unless {} (not in view) does",
                unknown
                    .iter()
                    .map(|u| format!("\"{u}\""))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        ),
    };
    let mut on_task = Finding::new(rule.id, severity, task.resource_location, message.clone());
    if let Some(anchor) = anchor {
        on_task = on_task.with_related(anchor, "The role's policy");
    }
    if let Some(fix) = &fix {
        on_task = on_task.with_fix(fix.clone());
    }
    out.push(on_task);
    if let Some(anchor) = anchor {
        let mut on_policy = Finding::new(rule.id, severity, anchor, message)
            .with_related(task.resource_location, format!("State \"{}\"", task.state.name));
        if let Some(fix) = fix {
            on_policy = on_policy.with_fix(fix);
        }
        out.push(on_policy);
    }
}
