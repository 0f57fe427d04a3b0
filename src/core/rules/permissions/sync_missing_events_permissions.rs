//! `sync-missing-events-permissions`: a `.sync` task waits for its job
//! through an EventBridge managed rule; without `events:PutTargets`,
//! `events:PutRule` and `events:DescribeRule` on that rule (and the
//! integration's polling actions) the execution fails.

use super::missing_permission;
use crate::core::catalog::NeedKind;
use crate::core::diagnostic::{Finding, Severity};
use crate::core::permissions::context::Context;
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};

pub const RULE: RuleMeta = RuleMeta {
    id: "sync-missing-events-permissions",
    default_severity: Severity::Error,
    summary: "A .sync task's role lacks the EventBridge managed-rule or polling permissions",
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
    missing_permission::report(ctx, out, &RULE, |kind| {
        matches!(kind, NeedKind::SyncPoll | NeedKind::EventsRule)
    });
}
