//! `unused-permission`: a policy attached only to this role allows actions
//! no state needs. Shown faded; the fix removes them.

use crate::core::catalog::TaskKind;
use crate::core::diagnostic::{FileEdit, Finding, Fix, Location, Severity, Tag};
use crate::core::fix;
use crate::core::iam::{self, Effect, StatementRef};
use crate::core::permissions::context::Context;
use crate::core::permissions::policy_fix::{self, statement_node};
use crate::core::rules::meta::RuleMeta;
use crate::core::rules::rule::{Check, Rule, Scope};
use crate::core::syntax::NodeKind;

pub const RULE: RuleMeta = RuleMeta {
    id: "unused-permission",
    default_severity: Severity::Hint,
    summary: "The role allows actions no state needs",
};

pub const ENTRY: Rule = Rule {
    meta: RULE,
    scope: Scope::Role,
    check: Check::Role {
        run: check,
        needs_role: true,
    },
};

/// Needed by Step Functions itself for logging, tracing and encryption,
/// which the definition does not show.
const SERVICE_PREFIXES: &[&str] = &["logs:", "xray:", "kms:", "cloudwatch:"];

/// Services a workflow may use through another service, with the role's
/// own permissions, where the definition does not name the call: a
/// Textract or Rekognition task reads its S3 object as the caller, an
/// Athena query reads Glue and S3, a Distributed Map that reads or writes
/// through a `Resource` the catalog does not know. Their actions are never
/// called unused: the fix would break the workflow.
fn indirect_prefixes(ctx: &Context) -> Vec<&'static str> {
    use crate::core::asl::StateType;
    use crate::core::syntax::Node;
    let mut out = Vec::new();
    let mut add = |prefixes: &[&'static str]| {
        for p in prefixes {
            if !out.contains(p) {
                out.push(*p);
            }
        }
    };
    fn names_s3(node: &Node) -> bool {
        let mut stack = vec![node];
        let mut budget = 10_000;
        while let Some(n) = stack.pop() {
            budget -= 1;
            if budget == 0 {
                return true;
            }
            match &n.kind {
                NodeKind::String(s) if s.starts_with("s3://") => return true,
                NodeKind::Object(members) => {
                    for m in members {
                        if m.key.contains("S3") || m.key.starts_with("Bucket") {
                            return true;
                        }
                        stack.push(&m.value);
                    }
                }
                NodeKind::Array(items) => stack.extend(items.iter()),
                _ => {}
            }
        }
        false
    }
    for state in &ctx.machine.states {
        match state.kind {
            StateType::Task => {
                let arguments = state.field("Parameters").or_else(|| state.field("Arguments"));
                if arguments.is_some_and(names_s3) {
                    add(&["s3:"]);
                }
                if state.resource().is_some_and(|r| r.contains(":athena:")) {
                    add(&["athena:", "glue:", "s3:", "lakeformation:"]);
                }
            }
            // A Distributed Map's reads, writes and child executions are
            // modelled (they are tasks of the context) unless it uses a
            // reader or writer the catalog does not know.
            StateType::Map
                if ctx.unmodelled_map
                    && (state.field("ItemReader").is_some() || state.field("ResultWriter").is_some()) =>
            {
                add(&["s3:", "states:"]);
            }
            _ => {}
        }
    }
    out
}

/// Services whose calls pass a role to the service (a task definition's
/// task and execution roles, a job's or schedule's role), so the caller
/// needs `iam:PassRole` for it.
const PASSES_ROLES: &[&str] = &[
    "ecs",
    "batch",
    "sagemaker",
    "elasticmapreduce",
    "emr",
    "emr-containers",
    "emrcontainers",
    "emr-serverless",
    "emrserverless",
    "eks",
    "codebuild",
    "scheduler",
    "events",
    "glue",
    "bedrock",
    "cloudformation",
    "lambda",
    "iam",
    "datasync",
    "stepfunctions",
    "sfn",
    "states",
];

/// Whether a call of the workflow may pass a role: an integration of a
/// service that takes one, or any argument whose name says it is a role.
fn may_pass_role(ctx: &Context) -> bool {
    ctx.tasks.iter().any(|task| {
        let service = match &task.resource.kind {
            TaskKind::Optimized { service, .. } | TaskKind::AwsSdk { service, .. } => service.as_str(),
            _ => "",
        };
        PASSES_ROLES.contains(&service)
            || task
                .arguments
                .iter()
                .any(|a| a.name.trim_end_matches(".$").contains("Role"))
    })
}

pub fn check(ctx: &Context, out: &mut Vec<Finding>) {
    let indirect = indirect_prefixes(ctx);
    let passes_role = may_pass_role(ctx);

    let needed: std::collections::BTreeSet<String> = ctx
        .tasks
        .iter()
        .flat_map(|t| {
            t.needs
                .iter()
                .flat_map(|n| n.need.actions.iter().map(|a| a.to_ascii_lowercase()))
        })
        .collect();
    for (p, policy) in ctx.policies.iter().enumerate() {
        let doc = ctx.policy_root(p);
        // A policy AWS or SAM writes is not the user's to trim.
        if ctx.unit.shared_policies.contains(&doc.key()) || doc.dialect == fix::Dialect::Generated {
            continue;
        }
        for (s, statement) in policy.statements.iter().enumerate() {
            if statement.effect != Effect::Allow {
                continue;
            }
            let Some(actions) = statement.actions.as_ref().filter(|a| !a.negated) else {
                continue;
            };
            let unused: Vec<usize> = actions
                .items
                .iter()
                .enumerate()
                .filter(|(_, item)| {
                    let written = item.value.to_ascii_lowercase();
                    let used = needed.contains(&written)
                        || (written.contains(['*', '?'])
                            && needed.iter().any(|n| iam::glob_match(&written, n, true)));
                    // `iam:PassRole` for a role a call passes, when the
                    // analysis does not see which role: kept.
                    let pass_role = passes_role && iam::glob_match(&written, "iam:passrole", true);
                    !used
                        && !pass_role
                        && !SERVICE_PREFIXES.iter().any(|p| written.starts_with(p))
                        && !indirect.iter().any(|p| written.starts_with(p))
                })
                .map(|(i, _)| i)
                .collect();
            let r = StatementRef {
                policy: p,
                statement: s,
            };
            for &i in &unused {
                let item = &actions.items[i];
                // In doubt, the finding stays but offers no removal.
                let fix = policy_fix::may_narrow(ctx, p)
                    .then(|| removal(ctx, r, i, unused.len() == actions.items.len()))
                    .flatten()
                    .map(|edits| Fix {
                        title: format!("Remove {}", item.value),
                        preferred: true,
                        safe: true,
                        edits,
                    });
                let mut finding = Finding::new(
                    RULE.id,
                    RULE.default_severity,
                    Location {
                        file: policy.file,
                        range: item.span,
                    },
                    format!("No state of the workflow needs {}", item.value),
                );
                finding.tags.push(Tag::Unnecessary);
                if let Some(fix) = fix {
                    finding = finding.with_fix(fix);
                }
                out.push(finding);
            }
        }
    }
}

/// Removes one action; when every action is unused, the whole statement
/// (if other statements remain).
fn removal(ctx: &Context, r: StatementRef, index: usize, whole: bool) -> Option<Vec<FileEdit>> {
    let doc = ctx.policy_root(r.policy);
    let editor = doc.editor()?;
    let text = ctx.unit_text(doc.file);
    let node = statement_node(ctx, r)?;
    if whole {
        let statements = doc.root.get("Statement")?;
        if statements.elements().len() < 2 {
            return None;
        }
        return editor.remove_element(doc.file, text, statements, r.statement);
    }
    let action = node.get("Action")?;
    match &action.kind {
        NodeKind::Array(_) => editor.remove_element(doc.file, text, action, index),
        _ => None,
    }
}
