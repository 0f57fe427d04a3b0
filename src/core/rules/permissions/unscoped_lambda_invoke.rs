//! `unscoped-lambda-invoke`: the role may invoke Lambda functions beyond
//! the ones the workflow calls, so a compromised or confused execution can
//! reach any function in the account.

use std::collections::BTreeSet;

use crate::core::diagnostic::{Finding, Fix, Severity};
use crate::core::iam::{self, Effect, StatementRef};
use crate::core::permissions::context::Context;
use crate::core::permissions::policy_fix;
use crate::core::permissions::statement_location;
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};

pub const RULE: RuleMeta = RuleMeta {
    id: "unscoped-lambda-invoke",
    default_severity: Severity::Warning,
    summary: "The role may invoke more Lambda functions than the workflow calls",
};

pub const ENTRY: Rule = Rule {
    meta: RULE,
    scope: Scope::Role,
    check: Check::Role {
        run: check,
        needs_role: true,
    },
};

const INVOKE: &str = "lambda:InvokeFunction";

/// Function names quoted in a message; the rest are counted.
const MAX_NAMED: usize = 10;
/// Related locations on one finding. A statement reached by more tasks
/// than this keeps its fix to itself: the tasks' findings point at it
/// instead of each carrying a copy (which made output quadratic).
const MAX_RELATED: usize = 20;

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    // What the workflow invokes: resource patterns, and the tasks doing it.
    let mut needed: BTreeSet<String> = BTreeSet::new();
    let mut tasks = Vec::new();
    let mut dynamic = false;
    for task in &ctx.tasks {
        let mut uses = false;
        for need in task.needs.iter() {
            if need.need.actions.iter().any(|a| a.eq_ignore_ascii_case(INVOKE)) {
                needed.extend(need.need.resources.iter().cloned());
                dynamic |= need.need.dynamic;
                uses = true;
            }
        }
        if uses {
            tasks.push(task);
        }
    }
    if needed.is_empty() {
        return;
    }
    let mut per_task: std::collections::BTreeMap<crate::core::asl::StateId, Finding> = Default::default();
    // Sorted and unique (ARNs with and without a qualifier name one function).
    let names: Vec<String> = needed
        .iter()
        .filter_map(|arn| function_name(arn))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    for (p, policy) in ctx.policies.iter().enumerate() {
        for (s, statement) in policy.statements.iter().enumerate() {
            if statement.effect != Effect::Allow || !iam::statement_allows_action(statement, INVOKE) {
                continue;
            }
            let Some(resources) = statement.resources.as_ref().filter(|r| !r.negated) else {
                continue;
            };
            let r = StatementRef {
                policy: p,
                statement: s,
            };
            for item in &resources.items {
                let pattern = item.value.as_str();
                if !pattern.contains(['*', '?']) || needed.contains(pattern) || !may_name_a_function(pattern)
                {
                    continue;
                }
                if needed.iter().any(|n| iam::pattern_covers(n, pattern, false)) {
                    continue; // within what the workflow needs
                }
                let severity = if is_prefix_of_invoked(pattern, &names) {
                    Severity::Hint
                } else {
                    RULE.default_severity
                };
                let scope = if dynamic {
                    "the functions of this account and region (a task picks its function at run time)"
                        .to_string()
                } else {
                    name_list(&names)
                };
                let message = format!(
                    "lambda:InvokeFunction is allowed on \"{pattern}\", but the workflow invokes only {scope}"
                );
                let fix = policy_fix::scope_statement(
                    ctx,
                    r,
                    Some(&|a: &str| a.eq_ignore_ascii_case(INVOKE)),
                    &Default::default(),
                )
                .map(|edits| Fix {
                    title: format!(
                        "Scope lambda:InvokeFunction to {}{}",
                        if dynamic {
                            "this account and region"
                        } else {
                            "the invoked functions"
                        },
                        unknown_segments(ctx)
                    ),
                    preferred: true,
                    safe: true,
                    edits,
                });
                let location = statement_location(ctx, r, Some(pattern));
                // The tasks whose invocations go through this statement.
                let through: Vec<_> = tasks
                    .iter()
                    .filter(|t| {
                        t.needs.iter().flat_map(|n| n.pairs.iter()).any(|p| {
                            p.action.eq_ignore_ascii_case(INVOKE)
                                && matches!(&p.decision, crate::core::iam::Decision::Allowed { by, .. } if by.contains(&r))
                        })
                    })
                    .collect();
                let mut finding = Finding::new(RULE.id, severity, location, message.clone());
                for task in through.iter().take(MAX_RELATED) {
                    finding = finding.with_related(
                        task.resource_location,
                        format!("Invoked by \"{}\"", task.state.name),
                    );
                }
                // The tasks' findings copy the fix only while they are few.
                let fix_on_tasks = fix.as_ref().filter(|_| through.len() <= MAX_RELATED);
                let fix_on_tasks = fix_on_tasks.cloned();
                if let Some(fix) = fix {
                    finding = finding.with_fix(fix);
                }
                out.push(finding);
                for task in &through {
                    // One finding per task: the first statement's fix speaks for it.
                    let entry = per_task.entry(task.state.id).or_insert_with(|| {
                        let mut on_task =
                            Finding::new(RULE.id, severity, task.resource_location, message.clone());
                        if let Some(fix) = &fix_on_tasks {
                            on_task = on_task.with_fix(fix.clone());
                        }
                        on_task
                    });
                    if entry.related.len() < MAX_RELATED {
                        entry.related.push(crate::core::diagnostic::Related {
                            location,
                            message: "A statement that allows it".into(),
                        });
                    }
                    entry.severity = entry.severity.min(severity);
                }
            }
        }
    }
    out.extend(per_task.into_values());
}

/// The invoked functions as quoted names, sorted and unique, the first
/// [`MAX_NAMED`] of them and a count of the rest.
fn name_list(names: &[String]) -> String {
    let shown: BTreeSet<&str> = names.iter().map(|n| display_name(n)).collect();
    let mut out = shown
        .iter()
        .take(MAX_NAMED)
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ");
    if shown.len() > MAX_NAMED {
        out.push_str(&format!(" and {} more", shown.len() - MAX_NAMED));
    }
    out
}

/// Whether a resource pattern can match a Lambda function ARN.
fn may_name_a_function(pattern: &str) -> bool {
    iam::pattern_covers(pattern, "arn:aws:lambda:us-east-1:123456789012:function:f", false)
        || iam::glob_match(pattern, "arn:aws:lambda:us-east-1:123456789012:function:f", false)
        || pattern.contains(":lambda:") && pattern.contains("function")
}

fn function_name(arn: &str) -> Option<String> {
    let tail = arn.split(":function:").nth(1)?;
    // The name ends at the qualifier's `:`, not at one inside a
    // `${AWS::StackName}` placeholder.
    let mut depth = 0usize;
    let mut end = tail.len();
    let bytes = tail.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'{' if i > 0 && bytes[i - 1] == b'$' => depth += 1,
            b'}' if depth > 0 => depth -= 1,
            b':' if depth == 0 => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    let name = &tail[..end];
    (!name.contains(['*', '?'])).then(|| name.to_string())
}

/// A template function's name as its logical id (`${Worker}` → `Worker`).
fn display_name(name: &str) -> &str {
    name.strip_prefix("${")
        .and_then(|n| n.strip_suffix('}'))
        .filter(|n| !n.contains(['$', '{', '}', ':']))
        .unwrap_or(name)
}

/// `function:Worker*` where `Worker` is an invoked function: SAM's
/// `LambdaInvokePolicy` grants exactly this; it reaches only functions
/// whose names start with the invoked one's.
fn is_prefix_of_invoked(pattern: &str, names: &[String]) -> bool {
    let Some(tail) = pattern.split(":function:").nth(1) else {
        return false;
    };
    let Some(prefix) = tail.strip_suffix('*') else {
        return false;
    };
    !prefix.contains(['*', '?']) && names.iter().any(|n| n == prefix)
}

pub fn unknown_segments(ctx: &Context) -> &'static str {
    match (&ctx.arn.region, &ctx.arn.account) {
        (Some(_), Some(_)) => "",
        (None, None) => " (region and account unknown: left as *)",
        (None, _) => " (region unknown: left as *)",
        (_, None) => " (account unknown: left as *)",
    }
}

#[cfg(test)]
mod name_tests {
    use super::{function_name, name_list};

    #[test]
    fn name_lists_are_sorted_unique_and_short() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            name_list(&names(&["Worker1", "Worker10", "${Worker1}", "A"])),
            "\"A\", \"Worker1\", \"Worker10\""
        );
        let many: Vec<String> = (0..25).map(|i| format!("F{i:02}")).collect();
        assert_eq!(
            name_list(&many),
            "\"F00\", \"F01\", \"F02\", \"F03\", \"F04\", \"F05\", \"F06\", \"F07\", \"F08\", \"F09\" and 15 more"
        );
    }

    #[test]
    fn names_keep_their_placeholders() {
        assert_eq!(
            function_name("arn:aws:lambda:r:a:function:${AWS::StackName}-Done:live").as_deref(),
            Some("${AWS::StackName}-Done")
        );
        assert_eq!(
            function_name("arn:aws:lambda:r:a:function:Worker").as_deref(),
            Some("Worker")
        );
        assert_eq!(function_name("arn:aws:lambda:r:a:function:*"), None);
    }
}
