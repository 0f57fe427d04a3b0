//! `trust-policy-confused-deputy`: the trust policy lets Step Functions
//! assume the role without `aws:SourceAccount` and `aws:SourceArn`
//! conditions, so a state machine in another account could be used to act
//! with this role.

use serde_json::json;

use super::context::Context;
use crate::core::diagnostic::{Finding, Fix, Location, Severity};
use crate::core::iam::Effect;
use crate::core::rules::RuleMeta;

pub const RULE: RuleMeta = RuleMeta {
    id: "trust-policy-confused-deputy",
    default_severity: Severity::Warning,
    summary: "The trust policy lets Step Functions assume the role without source conditions",
};

fn is_states_principal(service: &str) -> bool {
    service == "states.amazonaws.com"
        || (service.starts_with("states.") && service.ends_with(".amazonaws.com"))
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let (Some(trust), Some(doc)) = (&ctx.trust, &ctx.unit.trust) else {
        return;
    };
    for (s, statement) in trust.statements.iter().enumerate() {
        if statement.effect != Effect::Allow {
            continue;
        }
        let Some(principal) = statement
            .principal_services
            .iter()
            .find(|p| is_states_principal(&p.value))
        else {
            continue;
        };
        let has = |key: &str| {
            statement
                .conditions
                .iter()
                .any(|c| c.key.eq_ignore_ascii_case(key))
        };
        let missing: Vec<&str> = ["aws:SourceAccount", "aws:SourceArn"]
            .into_iter()
            .filter(|k| !has(k))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let message = format!(
            "{} may assume this role without {} {}: add them so only your state machines can use it",
            principal.value,
            missing.join(" and "),
            if missing.len() == 1 {
                "condition"
            } else {
                "conditions"
            }
        );
        let mut finding = Finding::new(
            RULE.id,
            RULE.default_severity,
            Location {
                file: trust.file,
                range: principal.span,
            },
            message,
        );
        if let Some(fix) = condition_fix(ctx, doc, s) {
            finding = finding.with_fix(fix);
        }
        out.push(finding);
    }
}

fn condition_fix(ctx: &Context, doc: &crate::core::analysis::PolicyDoc, index: usize) -> Option<Fix> {
    let account = ctx.arn.account.as_deref()?;
    let statements = doc.root.get("Statement")?;
    let node = if statements.is_object() {
        statements
    } else {
        statements.elements().get(index)?
    };
    if node.get("Condition").is_some() {
        return None;
    }
    let partition = ctx.arn.partition.as_deref().unwrap_or("aws");
    let region = ctx.arn.region.as_deref().unwrap_or("*");
    let condition = json!({
        "StringEquals": {"aws:SourceAccount": account},
        "ArnLike": {"aws:SourceArn": format!("arn:{partition}:states:{region}:{account}:stateMachine:*")},
    });
    let text = ctx.unit_text(doc.file);
    let edits = doc
        .editor()?
        .add_member(doc.file, text, node, "Condition", &condition)?;
    Some(Fix {
        title: format!(
            "Require aws:SourceAccount {account} and aws:SourceArn of its state machines{}",
            if ctx.arn.region.is_none() {
                " (region unknown: left as *)"
            } else {
                ""
            }
        ),
        preferred: true,
        safe: true,
        edits,
    })
}
