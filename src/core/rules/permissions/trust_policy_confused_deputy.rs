//! `trust-policy-confused-deputy`: the trust policy lets a state machine of
//! another account assume the role, so that account's workflows could act
//! with this role's permissions. Decided by evaluating the trust policy
//! for a Step Functions request from a foreign account, with the
//! `aws:SourceAccount` and `aws:SourceArn` Step Functions sends
//! (<https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html#prevent-cross-service-confused-deputy>).

use serde_json::json;

use crate::core::diagnostic::{Finding, Fix, Location, Severity};
use crate::core::iam::{self, Decision, Effect};
use crate::core::permissions::context::Context;
use crate::core::permissions::trust::{states_principals, TrustRequest};
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};

pub const RULE: RuleMeta = RuleMeta {
    id: "trust-policy-confused-deputy",
    default_severity: Severity::Warning,
    summary: "The trust policy lets a state machine of another account assume the role",
};

pub const ENTRY: Rule = Rule {
    meta: RULE,
    scope: Scope::Role,
    check: Check::Role {
        run: check,
        needs_role: false,
    },
};

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let (Some(trust), Some(doc)) = (&ctx.trust, &ctx.unit.trust) else {
        return;
    };
    let request = TrustRequest::new(ctx, trust);
    let mut reported = Vec::new();
    for foreign in request.foreign_sources() {
        for service in states_principals(ctx, Some(trust)) {
            let context = [
                ("aws:SourceAccount", foreign.account.as_str()),
                ("aws:SourceArn", foreign.arn.as_str()),
            ];
            let Decision::Allowed { by, .. } = iam::evaluate_trust(trust, &service, &context) else {
                continue;
            };
            for r in by {
                if reported.contains(&r.statement) {
                    continue;
                }
                reported.push(r.statement);
                let statement = &trust.statements[r.statement];
                let range = statement
                    .principal_services
                    .iter()
                    .find(|p| p.value.eq_ignore_ascii_case(&service))
                    .map(|p| p.span)
                    .unwrap_or(statement.span);
                let missing: Vec<&str> = ["aws:SourceAccount", "aws:SourceArn"]
                    .into_iter()
                    .filter(|k| !statement.conditions.iter().any(|c| c.key.eq_ignore_ascii_case(k)))
                    .collect();
                let why = if missing.len() < 2 {
                    "its source conditions admit other accounts".to_string()
                } else {
                    format!(
                        "it has no {} {}",
                        missing.join(" and "),
                        if missing.len() == 1 {
                            "condition"
                        } else {
                            "conditions"
                        }
                    )
                };
                let message = format!(
                    "{service} may assume this role for a state machine of another account (account {}, for one): {why}",
                    foreign.account
                );
                let mut finding = Finding::new(
                    RULE.id,
                    RULE.default_severity,
                    Location {
                        file: trust.file,
                        range,
                    },
                    message,
                );
                if statement.effect == Effect::Allow {
                    if let Some(fix) = condition_fix(ctx, doc, r.statement) {
                        finding = finding.with_fix(fix);
                    }
                }
                out.push(finding);
            }
        }
    }
}

fn condition_fix(ctx: &Context, doc: &crate::core::unit::PolicyDoc, index: usize) -> Option<Fix> {
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
