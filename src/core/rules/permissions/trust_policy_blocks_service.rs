//! `trust-policy-blocks-service`: the trust policy does not let Step
//! Functions assume the role for this account's own state machine, so every
//! execution fails before its first state. Reported only when the analysis
//! knows every value the policy's conditions test (the account, and the
//! state machine's ARN where `aws:SourceArn` is tested).

use crate::core::diagnostic::{Finding, Location, Severity};
use crate::core::iam::{self, Decision};
use crate::core::permissions::context::Context;
use crate::core::permissions::trust::states_principals;
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};

pub const RULE: RuleMeta = RuleMeta {
    id: "trust-policy-blocks-service",
    default_severity: Severity::Error,
    summary: "The trust policy does not let Step Functions assume the role for this state machine",
};

pub const ENTRY: Rule = Rule {
    meta: RULE,
    scope: Scope::Role,
    check: Check::Role {
        run: check,
        needs_role: false,
    },
};

/// A value the analysis knows: no placeholder except the template's own
/// pseudo parameters, which the policy writes the same way.
fn known(value: &str) -> bool {
    let mut rest = value;
    while let Some(open) = rest.find("${") {
        if !rest[open..].starts_with("${AWS::") {
            return false;
        }
        rest = &rest[open + 2..];
    }
    true
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    // A trust policy without statements is not one AWS accepts at all:
    // that is for the policy's own checks to say.
    let Some(trust) = ctx.trust.as_ref().filter(|t| !t.statements.is_empty()) else {
        return;
    };
    let account = ctx.arn.account.clone().filter(|a| known(a));
    let name = ctx
        .unit
        .machine
        .as_ref()
        .and_then(|m| m.name.clone())
        .filter(|n| known(n));
    let arn = match (&account, &ctx.arn.region, &name) {
        (Some(account), Some(region), Some(name)) if known(region) => Some(format!(
            "arn:{}:states:{region}:{account}:stateMachine:{name}",
            ctx.arn.partition.as_deref().unwrap_or("aws")
        )),
        _ => None,
    };
    // Every condition on a source key must have its value known, and every
    // value it is compared with must be known too.
    for statement in &trust.statements {
        if statement.principal_unknown
            || statement
                .principal_services
                .iter()
                .any(|p| !known(&p.value) || p.value.contains("${"))
        {
            return;
        }
        for condition in &statement.conditions {
            let given = if condition.key.eq_ignore_ascii_case("aws:SourceAccount") {
                account.is_some()
            } else if condition.key.eq_ignore_ascii_case("aws:SourceArn") {
                arn.is_some()
            } else {
                true
            };
            if !given || condition.values.iter().any(|v| !known(&v.value)) {
                return;
            }
        }
    }
    let mut context = Vec::new();
    if let Some(account) = &account {
        context.push(("aws:SourceAccount", account.as_str()));
    }
    if let Some(arn) = &arn {
        context.push(("aws:SourceArn", arn.as_str()));
    }
    let principals = states_principals(ctx, None);
    let mut denied_by = Vec::new();
    for service in &principals {
        match iam::evaluate_trust(trust, service, &context) {
            Decision::Allowed { .. } => return,
            Decision::ExplicitDeny { by } => denied_by.extend(by),
            Decision::ImplicitDeny => {}
        }
    }
    let (range, why) = match denied_by.first() {
        Some(r) => (
            trust.statements[r.statement].span,
            "this statement denies it".to_string(),
        ),
        None => (
            trust.statement_key_span.unwrap_or(trust.root_span),
            "no statement allows it".to_string(),
        ),
    };
    let whom = arn
        .clone()
        .or(account.map(|a| format!("account {a}")))
        .unwrap_or_else(|| "this account".into());
    let message = format!(
        "Step Functions ({}) cannot assume this role for {whom}: {why}, so every execution fails",
        principals.join(" or ")
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
    if let Some(start_at) = ctx.machine.top().start_at {
        finding = finding.with_related(
            ctx.def_location(start_at.span),
            "The state machine that runs as this role",
        );
    }
    out.push(finding);
}
