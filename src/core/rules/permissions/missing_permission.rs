//! `missing-permission`: an action a task needs that the role does not
//! allow (or explicitly denies). The task fails with AccessDenied at run time.
//! Also the needs of the state machine resource itself: log delivery when it
//! logs, X-Ray when it traces.

use crate::core::catalog::{MachineFeature, NeedKind};
use crate::core::diagnostic::{Finding, Fix, Location, Severity};
use crate::core::iam::Decision;
use crate::core::permissions::context::{
    grouped_statements, placeholder_names, Context, Grants, MachineNeed, NeedCheck, Task,
};
use crate::core::permissions::policy_fix;
use crate::core::permissions::{list, policy_anchor};
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};

pub const RULE: RuleMeta = RuleMeta {
    id: "missing-permission",
    default_severity: Severity::Error,
    summary: "The role does not allow an action a task, or the state machine's logging or tracing, needs",
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
    report(ctx, out, &RULE, |kind| {
        !matches!(kind, NeedKind::SyncPoll | NeedKind::EventsRule | NeedKind::KeyUse)
    });
    // A target's KMS key: its key policy, out of sight, may grant the use.
    let key_use = RuleMeta {
        default_severity: Severity::Info,
        ..RULE
    };
    let mut uses = Vec::new();
    report(ctx, &mut uses, &key_use, |kind| kind == NeedKind::KeyUse);
    for mut finding in uses {
        if finding.message.contains("explicitly denied") {
            // No key policy overrides a deny in the role's own policies.
            finding.severity = RULE.default_severity;
        } else {
            finding.message.push_str(
                "; the target is encrypted with this key, so the call fails unless the key's policy grants the role that use",
            );
        }
        out.push(finding);
    }
    // One finding per task for every kind of need, `.sync` ones included.
    for task in &ctx.tasks {
        report_unresolved(ctx, out, &RULE, task, &|_| true);
    }
    for need in &ctx.machine_needs {
        report_machine(ctx, out, need);
    }
}

/// A need of the state machine resource (log delivery for logging, X-Ray
/// for tracing) the role does not meet: reported on the key that turns the
/// feature on and on the policy, with a fix that inserts the statement.
fn report_machine(ctx: &Context, out: &mut Vec<Finding>, need: &MachineNeed) {
    if need.check.is_met() {
        return;
    }
    let mut missing = Grants::new();
    let mut denied: Vec<String> = Vec::new();
    for pair in need.check.missing() {
        missing
            .entry((None, pair.action.clone()))
            .or_default()
            .insert(pair.resource.clone());
        if matches!(pair.decision, Decision::ExplicitDeny { .. }) && !denied.contains(&pair.action) {
            denied.push(pair.action.clone());
        }
    }
    // In the catalog's order, as the AWS page lists them.
    let actions: Vec<String> =
        need.check
            .missing()
            .map(|p| p.action.clone())
            .fold(Vec::new(), |mut acc, a| {
                if !acc.contains(&a) {
                    acc.push(a);
                }
                acc
            });
    let name = ctx
        .unit
        .machine
        .as_ref()
        .map(|m| m.logical_id.as_str())
        .unwrap_or_default();
    let resources: Vec<String> = need.check.need.resources.clone();
    let what = match need.feature {
        MachineFeature::Logging => "logs to CloudWatch Logs".to_string(),
        MachineFeature::Tracing => "sends traces to X-Ray".to_string(),
        MachineFeature::Encryption => format!(
            "encrypts its data with the customer managed key {}",
            list(&resources)
        ),
    };
    let mut message = format!(
        "State machine \"{name}\" {what} ({}), which needs {} but the role does not allow {}",
        need.key,
        list(&actions),
        if actions.len() == 1 { "it" } else { "them" }
    );
    if !denied.is_empty() {
        message.push_str(&format!(" ({} explicitly denied)", list(&denied)));
    }
    // A key policy may grant them to the role itself, out of sight here.
    let mut severity = RULE.default_severity;
    if need.feature == MachineFeature::Encryption && denied.is_empty() {
        severity = Severity::Info;
        message.push_str(&format!(
            ": executions fail unless the key's policy grants {} to the role",
            if actions.len() == 1 { "it" } else { "them" }
        ));
    }
    let fix = if denied.is_empty() {
        policy_fix::insert_statements(ctx, grouped_statements(&missing)).map(|edits| Fix {
            title: if resources == ["*"] {
                format!("Allow {} for {}", list(&actions), need.key)
            } else {
                format!(
                    "Allow {} on {} for {}",
                    list(&actions),
                    list(&resources),
                    need.key
                )
            },
            preferred: true,
            safe: true,
            edits,
        })
    } else {
        None
    };
    let anchor = policy_anchor(ctx);
    let (severity, message) = out_of_sight(ctx, severity, message);
    let mut on_machine = Finding::new(RULE.id, severity, need.location, message.clone());
    if let Some(anchor) = anchor {
        on_machine = on_machine.with_related(anchor, "The role's policy");
    }
    if let Some(fix) = &fix {
        on_machine = on_machine.with_fix(fix.clone());
    }
    out.push(on_machine);
    if let Some(anchor) = anchor {
        let mut on_policy = Finding::new(RULE.id, severity, anchor, message)
            .with_related(need.location, format!("{} of \"{name}\"", need.key));
        if let Some(fix) = fix {
            on_policy = on_policy.with_fix(fix);
        }
        out.push(on_policy);
    }
}

/// With policies out of sight (a managed policy by ARN), a need may be met
/// there: the finding says so, at `info`.
fn out_of_sight(ctx: &Context, severity: Severity, message: String) -> (Severity, String) {
    match ctx.unit.unknown_policies.as_slice() {
        [] => (severity, message),
        unknown => (
            Severity::Info,
            format!(
                "{message}, unless {} (not in view) does",
                unknown
                    .iter()
                    .map(|u| format!("\"{u}\""))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        ),
    }
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
        // What was checked and not allowed: each action with the exact
        // resources it was asked for.
        let mut checked: Vec<(String, Vec<String>)> = Vec::new();
        for need in &unmet {
            for pair in need.missing() {
                match checked.iter_mut().find(|(a, _)| *a == pair.action) {
                    Some((_, resources)) if !resources.contains(&pair.resource) => {
                        resources.push(pair.resource.clone())
                    }
                    Some(_) => {}
                    None => checked.push((pair.action.clone(), vec![pair.resource.clone()])),
                }
            }
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
        // What the fix writes: the missing pairs and their companions.
        let mut written: Vec<(String, Vec<String>)> = Vec::new();
        for ((_, action), resources) in &missing {
            match written.iter_mut().find(|(a, _)| a == action) {
                Some((_, all)) => all.extend(
                    resources
                        .iter()
                        .filter(|r| !all.contains(r))
                        .cloned()
                        .collect::<Vec<_>>(),
                ),
                None => written.push((action.clone(), resources.iter().cloned().collect())),
            }
        }
        let written = on_resources(&written);
        let statements = grouped_statements(&missing);
        let what = on_resources(&checked);
        let mut message = format!(
            "State \"{}\" needs {} but the role does not allow {}",
            task.state.name,
            what,
            if checked.len() == 1 { "it" } else { "them" }
        );
        if !denied.is_empty() {
            message.push_str(&format!(" ({} explicitly denied)", list(&denied)));
        }
        // A definition's own substitution (`${WorkerFunctionArn}`), made
        // out of view: no statement allows the call whatever it is, but no
        // fix can name it in a plain policy.
        if !ctx.arn.symbolic {
            let mut unknown: Vec<String> = Vec::new();
            for name in checked
                .iter()
                .flat_map(|(_, r)| r)
                .flat_map(|r| placeholder_names(r))
            {
                if !name.starts_with('?') && !unknown.contains(&name) {
                    unknown.push(name);
                }
            }
            if !unknown.is_empty() {
                message.push_str(&format!(", whatever {} is", list(&unknown)));
            }
        }
        let fix = if denied.is_empty() {
            policy_fix::insert_statements(ctx, statements).map(|edits| Fix {
                title: format!("Allow {} for \"{}\"", written, task.state.name),
                preferred: true,
                safe: true,
                edits,
            })
        } else {
            None
        };
        push_pair(ctx, out, rule, task, message, fix);
    }
}

/// Needs the role meets only if values the analysis cannot resolve match
/// (a grant on `${var.job_arn}` for a need on `job/${var.job_name}`): an
/// `info` naming those values, without a fix, since nothing certain can be
/// written.
fn report_unresolved(
    ctx: &Context,
    out: &mut Vec<Finding>,
    rule: &RuleMeta,
    task: &Task,
    select: &impl Fn(NeedKind) -> bool,
) {
    let mut checked: Vec<(String, Vec<String>)> = Vec::new();
    let mut values: Vec<String> = Vec::new();
    for need in task.needs.iter().filter(|n| select(n.need.kind)) {
        for pair in need
            .pairs
            .iter()
            .filter(|p| !p.optional && !p.unresolved.is_empty())
        {
            match checked.iter_mut().find(|(a, _)| *a == pair.action) {
                Some((_, resources)) if !resources.contains(&pair.resource) => {
                    resources.push(pair.resource.clone())
                }
                Some(_) => {}
                None => checked.push((pair.action.clone(), vec![pair.resource.clone()])),
            }
            for value in &pair.unresolved {
                if !values.contains(value) {
                    values.push(value.clone());
                }
            }
        }
    }
    if checked.is_empty() {
        return;
    }
    let message = format!(
        "State \"{}\" needs {}; whether the role allows {} depends on {}, which cannot be resolved here",
        task.state.name,
        on_resources(&checked),
        if checked.len() == 1 { "it" } else { "them" },
        list(&values)
    );
    let info = RuleMeta {
        default_severity: Severity::Info,
        ..*rule
    };
    push_pair(ctx, out, &info, task, message, None);
}

/// `a and b on R1; c on R2, R3`: actions that share their resources named
/// together, in the order first seen.
fn on_resources(pairs: &[(String, Vec<String>)]) -> String {
    let mut groups: Vec<(&Vec<String>, Vec<String>)> = Vec::new();
    for (action, resources) in pairs {
        match groups.iter_mut().find(|(r, _)| *r == resources) {
            Some((_, actions)) => actions.push(action.clone()),
            None => groups.push((resources, vec![action.clone()])),
        }
    }
    groups
        .iter()
        .map(|(resources, actions)| format!("{} on {}", list(actions), resources.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
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
    let (severity, message) = out_of_sight(ctx, rule.default_severity, message);
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
