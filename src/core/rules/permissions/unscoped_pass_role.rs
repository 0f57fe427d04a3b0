//! `unscoped-pass-role`: `iam:PassRole` on `*`, or without an
//! `iam:PassedToService` condition, lets the workflow hand any role to any
//! service: a privilege-escalation path.

use crate::core::diagnostic::{Finding, Fix, Severity};
use crate::core::iam::{self, Effect, StatementRef};
use crate::core::permissions::context::Context;
use crate::core::permissions::policy_fix;
use crate::core::permissions::statement_location;
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};

pub const RULE: RuleMeta = RuleMeta {
    id: "unscoped-pass-role",
    default_severity: Severity::Warning,
    summary: "iam:PassRole on * or without an iam:PassedToService condition",
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
    for (p, policy) in ctx.policies.iter().enumerate() {
        for (s, statement) in policy.statements.iter().enumerate() {
            if statement.effect != Effect::Allow || !iam::statement_allows_action(statement, "iam:PassRole") {
                continue;
            }
            let r = StatementRef {
                policy: p,
                statement: s,
            };
            let on_star = statement
                .resources
                .as_ref()
                .is_some_and(|res| res.negated || res.items.iter().any(|i| i.value == "*"));
            let conditioned = statement
                .conditions
                .iter()
                .any(|c| c.key.eq_ignore_ascii_case("iam:PassedToService"));
            if !on_star && conditioned {
                continue;
            }
            let message = match (on_star, conditioned) {
                (true, false) => "iam:PassRole is allowed on every role, to every service; name the roles and add an iam:PassedToService condition",
                (true, true) => "iam:PassRole is allowed on every role; name the roles the workflow passes",
                _ => "iam:PassRole has no iam:PassedToService condition, so these roles can be passed to any service",
            };
            let fix = if on_star {
                policy_fix::scope_statement(
                    ctx,
                    r,
                    Some(&|a: &str| a.eq_ignore_ascii_case("iam:PassRole")),
                    &Default::default(),
                )
                .map(|edits| Fix {
                    title: "Scope iam:PassRole to the roles the workflow passes".into(),
                    preferred: true,
                    safe: true,
                    edits,
                })
            } else {
                None
            };
            let mut finding = Finding::new(
                RULE.id,
                RULE.default_severity,
                statement_location(ctx, r, on_star.then_some("*")),
                message,
            );
            if let Some(fix) = fix {
                finding = finding.with_fix(fix);
            }
            out.push(finding);
        }
    }
}
